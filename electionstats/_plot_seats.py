"""Figures for seat allocation: seats against the threshold, distance to the threshold, scenarios.

Each function draws what was computed (a :class:`~electionstats.sensitivity.SeatSweep`, an
:class:`~electionstats.allocation.AllocationResult` or a
:class:`~electionstats.scenarios.ScenarioSeats`) and never recomputes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._plotutil import get_ax

__all__ = ["plot_distance_to_threshold", "plot_scenarios", "plot_seats_vs_threshold"]

_AXIS_LABEL = {"threshold": "threshold (% of {base})", "invalid_share": "spoiled ballots (% of all ballots)"}


def plot_seats_vs_threshold(
    sweep: Any, *, method: str | None = None, base: str | None = None, parties: Any = None,
    ax: Any = None, **kwargs: Any,
) -> Any:
    """Step plot of each party's seats against the threshold (or the spoiled-ballot share).

    Parameters
    ----------
    sweep : SeatSweep
        From :func:`~electionstats.sensitivity.threshold_sweep` or
        :func:`~electionstats.sensitivity.invalid_sweep`.
    method, base : str, optional
        Which method and threshold base of the sweep to draw (default: the first).
    parties : sequence, optional
        Parties to draw (default: all).
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.step``.

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    wide = sweep.pivot(method=method, base=base)
    chosen = list(wide.columns) if parties is None else list(parties)
    x = wide.index.to_numpy(dtype=float) * 100
    for p in chosen:
        ax.step(x, wide[p].to_numpy(), where="post", label=str(p), **kwargs)
    if sweep.legal_threshold is not None:
        xl = float(sweep.legal_threshold) * 100
        ax.axvline(xl, color="0.3", linestyle="--", linewidth=1)
        ax.annotate(f"legal {xl:g} %", (xl, ax.get_ylim()[1]), xytext=(3, -12),
                    textcoords="offset points", fontsize=8, color="0.3")
    used_method = method or sweep.methods[0]
    used_base = base or sweep.bases[0]
    ax.set_xlabel(_AXIS_LABEL.get(sweep.x, sweep.x).format(base=used_base))
    ax.set_ylabel(f"seats (of {sweep.n_seats})")
    ax.set_title(f"Seats by {sweep.x.replace('_', ' ')} ({used_method}, base: {used_base})", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return ax


def plot_distance_to_threshold(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Each party's share of the threshold base as a bar, with the threshold as a line.

    Bars are labelled with the margin in votes (negative: votes short of the threshold).

    Parameters
    ----------
    result : AllocationResult
        From :func:`~electionstats.allocation.allocate`.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    tab = result.table
    share = tab["share"].to_numpy() * 100
    passed = tab["status"].to_numpy() != "below threshold"
    y = np.arange(len(tab))[::-1]
    colors = np.where(passed, "tab:blue", "tab:gray")
    ax.barh(y, share, color=colors, **kwargs)
    t = float(result.threshold) * 100
    ax.axvline(t, color="tab:red", linestyle="--", linewidth=1)
    for yi, s, m in zip(y, share, tab["margin_votes"].to_numpy()):
        ax.annotate(f"{int(m):+,} votes", (s, yi), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels([str(p) for p in tab.index])
    ax.set_xlabel(f"share of {result.threshold_base} ({result.base_total:,} = 100 %), %")
    ax.set_title(f"Distance to the {t:g} % threshold (blue: admitted)", fontsize=10)
    return ax


def plot_scenarios(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Seats per party under each scenario: dots for point scenarios, bars for ranges.

    Parameters
    ----------
    result : ScenarioSeats
        From :func:`~electionstats.scenarios.scenario_seats`.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``Axes.plot`` for the markers.

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    t = result.table
    scen = list(dict.fromkeys(t["scenario"]))
    parties = list(result.parties)
    width = 0.8 / max(1, len(scen))
    for k, name in enumerate(scen):
        sub = t[t["scenario"] == name].set_index("party").loc[parties]
        x = np.arange(len(parties)) + (k - (len(scen) - 1) / 2) * width
        lo, hi = sub["seats_min"].to_numpy(), sub["seats_max"].to_numpy()
        color = f"C{k}"
        if (lo != hi).any():
            exact = bool(getattr(result, "exact", False))
            what = "every outcome the claims allow" if exact else (
                f"smallest to largest over {int(sub['n_draws'].iloc[0]):,} seeded draws")
            ax.vlines(x, lo, hi, color=color, linewidth=4, alpha=0.5, label=f"{name} ({what})")
            ax.plot(x, lo, "_", color=color, markersize=10)
            ax.plot(x, hi, "_", color=color, markersize=10)
        else:
            ax.plot(x, lo, "o", color=color, label=name, **kwargs)
    ax.set_xticks(np.arange(len(parties)))
    ax.set_xticklabels([str(p) for p in parties], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(f"seats (of {int(result.n_seats)})" if getattr(result, "n_seats", None) else "seats")
    ax.set_title("Seats under each scenario", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    return ax
