"""All figures of electionstats. Every function takes ``ax=`` and returns the Axes.

Plotting functions draw what a result holds and never recompute it; they never call
``plt.show()``, ``savefig`` or change rcParams.
"""

from __future__ import annotations

from ._plot_claims import plot_claims

__all__ = ["plot_claims"]
