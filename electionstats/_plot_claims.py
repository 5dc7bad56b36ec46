"""Figures for claims: each claim next to the election commission's final figure."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._labels import label
from ._plotutil import get_ax

__all__ = ["plot_claims"]

_MARKERS = {"=": "o", "<": "<", "<=": "<", ">": ">", ">=": ">"}


def plot_claims(claims: pd.DataFrame, *, unit: str = "percent", ax: Any = None, **kwargs: Any) -> Any:
    """Dumbbell chart: each claim (coloured by who makes it) joined to the final official figure.

    Parameters
    ----------
    claims : DataFrame
        A table from :func:`electionstats.claims.load`.
    unit : str
        Only claims whose unit starts with this are drawn (default ``'percent'``: shares,
        turnout and spoiled ballots).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.scatter` for the claim markers.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Inequality claims ("less than half") are drawn as a triangle pointing the way the
    claim allows. Claims without a final figure are drawn alone.

    Examples
    --------
    >>> import electionstats as es
    >>> ax = es.plotting.plot_claims(es.claims.load("kazakhstan-2021"))
    >>> ax.get_xlabel()
    'value (percent)'
    """
    ax = get_ax(ax, figsize=(8, 4.5))
    rows = claims[claims["unit"].str.startswith(unit)].reset_index(drop=True)
    # the quantities' words, as in the report's tables ("Nur Otan's share", not an identifier)
    labels = [f"{label(q)}\n({c})" for q, c in zip(rows["quantity"], rows["claimant"])]
    y = np.arange(len(rows))[::-1]
    colours = {"official": "tab:blue", "observers": "tab:red", "article": "tab:grey", "law": "tab:green"}
    for yi, row in zip(y, rows.itertuples(index=False)):
        colour = colours.get(row.claimant_type, "tab:purple")
        if pd.notna(row.cec_final):
            ax.plot([row.value, row.cec_final], [yi, yi], color="0.75", lw=2, zorder=1)
            ax.scatter([row.cec_final], [yi], marker="s", color="black", zorder=3, s=30)
        ax.scatter([row.value], [yi], marker=_MARKERS[row.comparator], color=colour, s=60, zorder=4, **kwargs)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(f"value ({unit})")
    ax.scatter([], [], marker="s", color="black", label="CEC final figure")
    for kind, colour in colours.items():
        if kind in set(rows["claimant_type"]):
            ax.scatter([], [], marker="o", color=colour, label=f"claim: {kind}")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"Claims versus the CEC's final figures (n = {len(rows)} claims)")
    ax.grid(axis="x", alpha=0.3)
    return ax
