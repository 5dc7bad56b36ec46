"""All figures of electionstats. Every function takes ``ax=`` and returns the Axes.

Plotting functions draw what a result holds and never recompute it; they never call
``plt.show()``, ``savefig`` or change rcParams.
"""

from __future__ import annotations

from ._plot_claims import plot_claims
from ._plot_digits import plot_digits, plot_forensics_table
from ._plot_distributions import (
    plot_cumulative_votes,
    plot_excess_votes,
    plot_fingerprint,
    plot_integer_percentages,
    plot_shape_statistics,
    plot_sobyanin_sukhovolsky,
)
from ._plot_seats import plot_distance_to_threshold, plot_scenarios, plot_seats_vs_threshold
from ._plot_spikes import plot_spikes

__all__ = [
    "plot_claims",
    "plot_cumulative_votes",
    "plot_digits",
    "plot_distance_to_threshold",
    "plot_excess_votes",
    "plot_fingerprint",
    "plot_forensics_table",
    "plot_integer_percentages",
    "plot_scenarios",
    "plot_seats_vs_threshold",
    "plot_shape_statistics",
    "plot_sobyanin_sukhovolsky",
    "plot_spikes",
]
