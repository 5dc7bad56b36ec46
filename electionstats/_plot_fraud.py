"""Goodness-of-fit figure of the Klimek fraud model (pyplot imported lazily)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_fraud_fit"]


def plot_fraud_fit(result: Any, *, ax: Any = None, bins: int = 100, cmap: str = "viridis", **kwargs: Any) -> Any:
    """Draw the data's fingerprint next to the fingerprint of an election simulated from the fit.

    Both panels are 2-D histograms of stations by turnout and the party's share (1 pp
    bins by default, logarithmic colours, as in Klimek et al. 2012). The simulated
    election uses the same stations (registered voters) and the fitted parameters; it
    was drawn when the model was fitted, so the figure is the same every time.

    Parameters
    ----------
    result : FraudModelResult
        From :func:`electionstats.fit_fraud_model`.
    ax : pair of matplotlib Axes, optional
        Left (data) and right (fitted model); a new figure with two panels if None.
    bins : int
        Bins per axis.
    cmap : str
        Colour map.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.pcolormesh`.

    Returns
    -------
    tuple of two matplotlib Axes

    Examples
    --------
    >>> import electionstats as es
    >>> sim = es.simulate_election(400, fraud=es.KlimekFraud(0.0, 0.05), rng=4)
    >>> fit = es.fit_fraud_model(sim.election, rng=1)
    >>> left, right = fit.plot()
    >>> left.get_xlabel()
    'Turnout, valid / (registered - invalid) (%)'
    """
    from matplotlib.colors import LogNorm

    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(1, 2, figsize=(11, 5), sharex=True, sharey=True)
    try:
        left, right = ax
    except (TypeError, ValueError):
        raise TypeError("`ax` must be a pair of Axes (data, fitted model) or None.") from None
    edges = np.linspace(0, 100, int(bins) + 1)
    panels = [
        (left, result._turnout, result._share, f"Data ({result.n:,} stations)"),
        (right, result._fit_turnout, result._fit_share, "Simulated from the fitted model"),
    ]
    hists = [np.histogram2d(100 * t, 100 * s, bins=[edges, edges])[0] for _, t, s, _ in panels]
    vmax = max(float(h.max()) for h in hists)
    norm = LogNorm(vmin=1, vmax=max(vmax, 1))
    mesh = None
    for (a, _, _, title), h in zip(panels, hists, strict=True):
        mesh = a.pcolormesh(edges, edges, np.where(h > 0, h, np.nan).T, cmap=cmap, norm=norm, **kwargs)
        a.set_xlim(0, 100)
        a.set_ylim(0, 100)
        a.set_xlabel(f"Turnout, {result.turnout_definition} (%)")
        a.set_title(title, fontsize=10)
    left.set_ylabel(f"Share of {result.party}, of valid votes (%)")
    fig = left.figure
    cbar = fig.colorbar(mesh, ax=[left, right], shrink=0.8, pad=0.02)
    step = 100 / int(bins)
    cbar.set_label(f"stations per {step:g} x {step:g} pp bin")
    f_i, f_e = result.estimate("f_i"), result.estimate("f_e")
    right.text(0.02, 0.98, f"incremental fraud {100 * f_i:.1f} % of stations\nextreme fraud {100 * f_e:.2f} %",
               transform=right.transAxes, va="top", ha="left", fontsize=8, color="0.2")
    return left, right
