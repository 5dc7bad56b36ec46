"""Figure of Rozenas' resampled kernel density test (:func:`electionstats.spikes_test`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._plotutil import get_ax

__all__ = ["plot_spikes"]


def plot_spikes(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Observed density of vote shares, the resampled envelope and the flagged spikes.

    Draws what :func:`~electionstats.spikes_test` computed (nothing is recomputed): the
    upper envelope (pointwise maximum) of the densities of the elections resampled from
    the clean model, their mean, the observed density, and a vertical band at every
    flagged share whose width grows with its excess.

    Parameters
    ----------
    result : SpikesResult
        Output of :func:`~electionstats.spikes_test`.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made when None.
    **kwargs
        Passed to the line of the observed density (e.g. ``color``, ``lw``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import electionstats as es
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(300, 1500, 2000)
    >>> ballots = rng.binomial(reg, 0.6)
    >>> votes = rng.binomial(ballots, rng.beta(20, 20, 2000))
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": range(2000), "reg": reg, "valid": ballots, "invalid": 0,
    ...                    "A": votes, "B": ballots - votes})
    >>> e = es.Election.from_frame(df, station_id="id", registered="reg", valid="valid",
    ...                            invalid="invalid", parties=["A", "B"])
    >>> from electionstats._spikes import spikes_test
    >>> ax = plot_spikes(spikes_test(e, party="A", n_resamples=50, rng=0))
    >>> ax.get_xlabel()
    'Vote share of A'
    """
    ax = get_ax(ax, figsize=(8, 4))
    x = np.asarray(result.grid)
    keep = np.asarray(result.flagged) & (np.asarray(result.excess) > 0)
    if keep.any():
        excess = np.asarray(result.excess)[keep]
        widths = 0.5 + 4.5 * excess / excess.max()
        for xi, lw in zip(x[keep], widths):  # one band per flagged share (a few dozen)
            ax.axvline(xi, color="0.85", lw=lw, zorder=0)
    envelope_label = f"envelope of {result.n_resamples:,} clean resamples"
    ax.plot(x, result.envelope, color="black", lw=1.2, label=envelope_label)
    ax.plot(x, result.mean_density, color="0.5", lw=0.8, ls="--", label="mean of resamples")
    line_kw = {"color": "darkred", "lw": 0.9, "label": "observed"}
    line_kw.update(kwargs)
    ax.plot(x, result.density, **line_kw)
    lo, hi = result.confidence_interval
    ax.set_title(
        f"Spikes: F = {result.statistic:.2f}% of stations ({lo:.2f}-{hi:.2f}), "
        f"p = {result.pvalue:.3g}; n = {result.n:,} stations",
        fontsize="medium",
    )
    ax.set_xlabel(f"Vote share of {result.party}")
    ax.set_ylabel(f"Density (grid step {x[1] - x[0]:g})")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    return ax
