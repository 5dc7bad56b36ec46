"""Figures of the turnout and vote-share analyses (:mod:`electionstats.distributions`).

Each function draws what a result object holds and never recomputes it; it returns the
main Axes, never calls ``plt.show()`` or ``savefig`` and never changes rcParams.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._labels import count_words
from ._plotutil import get_ax

__all__ = [
    "plot_cumulative_votes",
    "plot_excess_votes",
    "plot_fingerprint",
    "plot_integer_percentages",
    "plot_shape_statistics",
    "plot_sobyanin_sukhovolsky",
]


def _turnout_label(result: Any) -> str:
    """``'Turnout: ballots issued / registered voters (%)'`` (words, not column names)."""
    return f"Turnout: {count_words(result.turnout_definition)} (%)"


def _share_label(result: Any, what: str = "Share") -> str:
    """``'Share: A / valid ballots (%)'``."""
    return f"{what}: {count_words(result.share_definition)} (%)"


def _steps(ax: Any, edges: np.ndarray, values: np.ndarray, **kwargs: Any) -> Any:
    """A histogram outline (``values`` between ``edges``) as one step line."""
    values = np.asarray(values, dtype=float)
    return ax.step(edges, np.r_[values, values[-1:]], where="post", **kwargs)


def _title(result: Any, text: str) -> str:
    name = getattr(result, "election_name", "")
    return f"{name}: {text}" if name and name != "election" else text


def plot_fingerprint(
    result: Any,
    *,
    ax: Any = None,
    marginals: bool = True,
    log: bool = True,
    cmap: str = "viridis",
    **kwargs: Any,
) -> Any:
    """Draw an election fingerprint: turnout x share histogram with marginal histograms.

    Parameters
    ----------
    result : FingerprintResult
        From :func:`electionstats.distributions.fingerprint`.
    ax : matplotlib Axes, optional
        Axes for the 2-D histogram (a new figure if None); the marginal histograms are
        drawn in inset axes above and to the right of it.
    marginals : bool
        Draw the marginal histograms.
    log : bool
        Logarithmic colour scale (empty bins stay blank), as in Klimek et al. (2012).
    cmap : str
        Colour map.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.pcolormesh`.

    Returns
    -------
    matplotlib Axes
        The Axes of the 2-D histogram.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> from electionstats._plot_distributions import plot_fingerprint
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(500, 1500, 500)
    >>> b = rng.binomial(reg, 0.6)
    >>> a = rng.binomial(b, 0.5)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> ax = plot_fingerprint(es.distributions.fingerprint(e, party="A"))
    >>> ax.get_xlabel()
    'Turnout: ballots issued / registered voters (%)'
    >>> ax.get_ylabel()
    'Share: A / valid ballots (%)'
    """
    from matplotlib.colors import LogNorm

    ax = get_ax(ax, figsize=(6, 6))
    counts = np.asarray(result.counts, dtype=float)
    te = np.asarray(result.turnout_edges) * 100
    se = np.asarray(result.share_edges) * 100
    shown = np.where(counts > 0, counts, np.nan) if log else counts
    drawn = np.isfinite(shown).any()  # no station in any bin: an empty panel, no all-NaN warning
    vmax = np.nanmax(shown) if drawn else 1.0
    vmin = np.nanmin(shown) if drawn else 1e-12
    norm = LogNorm(vmin=max(vmin, 1e-12), vmax=vmax) if log and vmax > 0 else None
    mesh = ax.pcolormesh(te, se, shown.T, cmap=cmap, norm=norm, **kwargs)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel(_turnout_label(result))
    ax.set_ylabel(_share_label(result))
    unit = "stations" if result.weights == "stations" else f"{result.weights} (weight)"
    cbar = ax.figure.colorbar(mesh, ax=ax, pad=0.02 if not marginals else 0.27, shrink=0.8)
    cbar.set_label(f"{unit} per {result.bin_width * 100:g} x {result.bin_width * 100:g} pp bin")
    note = f"n = {result.n:,} stations"
    if result.n_excluded:
        note += f" ({result.n_excluded:,} excluded)"
    ax.text(0.02, 0.98, note, transform=ax.transAxes, va="top", ha="left", fontsize=8,
            color="0.2")
    if marginals:
        top = ax.inset_axes([0, 1.02, 1, 0.22], sharex=ax)
        top.stairs(result.turnout_hist, te, fill=True, color="0.5")
        right = ax.inset_axes([1.02, 0, 0.22, 1], sharey=ax)
        right.stairs(result.share_hist, se, fill=True, color="0.5", orientation="horizontal")
        for marg in (top, right):  # shapes only: the colour bar gives the scale
            marg.tick_params(labelbottom=False, labelleft=False, bottom=False, left=False)
            for side in ("top", "right"):
                marg.spines[side].set_visible(False)
        top.set_title(_title(result, "election fingerprint"), fontsize=10)
    else:
        ax.set_title(_title(result, "election fingerprint"), fontsize=10)
    return ax


def plot_cumulative_votes(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Draw the cumulative share of votes against turnout (Klimek et al. 2012, Fig. 3).

    Parameters
    ----------
    result : CumulativeVotesResult
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the party's curve.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import electionstats as es
    >>> from electionstats._plot_distributions import plot_cumulative_votes
    >>> df = pd.DataFrame({"reg": [100, 100, 100], "b": [50, 70, 95],
    ...                    "A": [20, 40, 90], "B": [30, 30, 5]})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> ax = plot_cumulative_votes(es.distributions.cumulative_votes(e, party="A"))
    >>> ax.get_ylabel()
    'Cumulative share of the votes (%)'
    """
    ax = get_ax(ax)
    x = np.asarray(result.turnout_edges[1:]) * 100
    for series, label, style in (
        (result.cumulative_party, result.party, {"color": "C3", "lw": 2, **kwargs}),
        (result.cumulative_others, "all other votes", {"color": "0.4", "lw": 1.5}),
        (result.cumulative_registered, "registered voters", {"color": "0.6", "ls": ":"}),
    ):
        total = series[-1]
        if total > 0:
            ax.plot(x, 100 * np.asarray(series) / total, label=label, **style)
    ax.axvline(result.high_turnout * 100, color="0.7", lw=0.8, ls="--")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel(_turnout_label(result))
    ax.set_ylabel("Cumulative share of the votes (%)")
    ax.legend(loc="upper left", fontsize=8, title=f"n = {result.n:,} stations",
              title_fontsize=8)
    ax.set_title(_title(result, f"{result.estimate:.1%} of {result.party}'s votes at "
                                f"turnout >= {result.high_turnout:.0%}"), fontsize=10)
    return ax


def plot_integer_percentages(
    result: Any,
    *,
    dimension: str = "share",
    ax: Any = None,
    xlim: tuple[float, float] | None = None,
    **kwargs: Any,
) -> Any:
    """Histogram of turnout or result in 0.1-point bins with the Monte Carlo envelope.

    Observed counts per bin (black) against the binomial Monte Carlo null: its mean
    (orange) and pointwise envelope (shaded; ``result.envelope_level``). Spikes above
    the envelope at whole percentages are the integer-percentage anomaly of Kobak,
    Shpilkin and Pshenichnikov (2016).

    Parameters
    ----------
    result : IntegerPercentageResult
    dimension : {'share', 'turnout'}
        Which histogram to draw.
    ax : matplotlib Axes, optional
    xlim : (float, float), optional
        Range in percent (default: where the data are).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.step` for the observed histogram.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> from electionstats._plot_distributions import plot_integer_percentages
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(300, 3000, 500)
    >>> b = rng.binomial(reg, 0.6)
    >>> a = rng.binomial(b, 0.5)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a, "inv": 0})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], invalid="inv", parties=["A", "B"])
    >>> r = es.distributions.integer_percentage_test(e, party="A", n_resamples=50, rng=0)
    >>> ax = plot_integer_percentages(r, dimension="turnout")
    >>> ax.get_xlabel()
    'Turnout: ballots issued / registered voters (%)'
    """
    if dimension not in ("share", "turnout"):
        raise ValueError(f"`dimension` must be 'share' or 'turnout' (got {dimension!r}).")
    if result.hist_share is None:
        if result.n:
            raise ValueError(
                "this result has no histograms: run integer_percentage_test(..., "
                "histograms=True) to draw it."
            )
        raise ValueError("this result has no histograms (no stations were left to test).")
    ax = get_ax(ax, figsize=(9, 3.5))
    j = 0 if dimension == "turnout" else 1
    obs = result.hist_turnout if j == 0 else result.hist_share
    centers = np.asarray(result.bin_centers)
    half = (centers[1] - centers[0]) / 2
    edges = np.r_[centers - half, centers[-1] + half]
    ax.fill_between(centers, result.null_hist_low[j], result.null_hist_high[j], step="mid",
                    color="C1", alpha=0.35, lw=0,
                    label=f"binomial null, {result.envelope_level:.0%} pointwise envelope"
                    + (" (normal approximation)" if result.null == "exact" else ""))
    # Step lines, not Axes.stairs: a StepPatch of 1,000 bins makes matplotlib update the
    # data limits segment by segment in Python (0.5 s per histogram on Russia 2011).
    _steps(ax, edges, result.null_hist_mean[j], color="C1", lw=0.8, label="null mean")
    _steps(ax, edges, obs, color="k", lw=0.8, label="observed", **kwargs)
    nz = np.flatnonzero(obs)
    if xlim is None and nz.size:
        xlim = (max(0.0, centers[nz[0]] - 1), min(100.0, centers[nz[-1]] + 1))
    if xlim is not None:
        ax.set_xlim(*xlim)
    label = _turnout_label(result) if j == 0 else _share_label(result, "Result")
    ax.set_xlabel(label)
    unit = "stations" if result.weights == "stations" else f"{result.weights} (weight)"
    ax.set_ylabel(f"{unit} per {2 * result.tolerance:g}-point bin")
    table = result.by_dimension.set_index("dimension")
    row = table.loc["turnout" if j == 0 else "share"]
    ax.set_title(
        _title(result, f"{'turnout' if j == 0 else result.party + ' result'}: "
                       f"excess {row['excess']:,.0f} +/- {row['null_sd']:,.0f} "
                       f"integer stations (p = {row['pvalue']:.3g}, "
                       f"n = {result.n:,}, "
                       + ("exact null)" if result.null == "exact"
                          else f"B = {result.n_resamples:,})")),
        fontsize=9,
    )
    ax.legend(loc="upper right", fontsize=7)
    return ax


def plot_excess_votes(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Votes per turnout bin and Shpilkin's extrapolation of the clean ratio.

    The party's votes per turnout bin (red), the other parties' votes (grey), and the
    party's votes expected from the clean ratio (dashed); the shaded gap above the
    clean peak is counted as anomalous.

    Parameters
    ----------
    result : ExcessVotesResult
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot` for the party's curve.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> from electionstats._plot_distributions import plot_excess_votes
    >>> rng = np.random.default_rng(0)
    >>> reg = np.full(1000, 1000)
    >>> b = rng.binomial(reg, 0.5)
    >>> a = rng.binomial(b, 0.4)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> ax = plot_excess_votes(es.distributions.excess_votes(e, party="A", n_resamples=0))
    >>> ax.get_xlabel()
    'Turnout: ballots issued / registered voters (%)'
    """
    if result.bin_centers is None:
        raise ValueError(
            f"nothing to plot: the excess votes were not computed ({result.n:,} stations usable, "
            f"{result.n_excluded:,} excluded: {result.excluded_reason or 'too few stations'})."
        )
    ax = get_ax(ax, figsize=(8, 4))
    x = np.asarray(result.bin_centers) * 100
    per = f"{result.bin_width * 100:g}"
    ax.plot(x, result.party_votes, color="C3", lw=1.5, label=f"{result.party}", **kwargs)
    ax.plot(x, result.other_votes, color="0.45", lw=1.2, label="all other parties")
    ax.plot(x, result.expected_votes, color="C3", ls="--", lw=1.2,
            label=f"{result.party} expected from the clean ratio")
    ax.fill_between(x, result.expected_votes, result.party_votes,
                    where=result.party_votes > result.expected_votes, color="C3", alpha=0.25,
                    lw=0, label="anomalous")
    if np.isfinite(result.clean_turnout):
        ax.axvline(result.clean_turnout * 100, color="C0", lw=1, ls=":",
                   label=f"clean peak {result.clean_turnout:.1%}")
    ax.axvline(result.official_turnout * 100, color="0.3", lw=1, ls="-.",
               label=f"official turnout {result.official_turnout:.1%}")
    ax.set_xlim(0, 100)
    ax.set_xlabel(_turnout_label(result))
    ax.set_ylabel(f"Votes per {per}-point turnout bin")
    lo, hi = result.anomalous_votes_ci
    ci = f" ({lo:,.0f} to {hi:,.0f})" if np.isfinite(lo) else ""
    scope = "" if result.by is None else f", summed over {result.by}"
    ax.set_title(_title(result, f"anomalous votes {result.anomalous_votes:,.0f}{ci}{scope}; "
                                f"n = {result.n:,}"), fontsize=9)
    ax.legend(loc="upper right", fontsize=7)
    return ax


def _intervals(ax: Any, labels: list[str], values: np.ndarray, low: np.ndarray,
               high: np.ndarray, reference: np.ndarray, *, xlabel: str) -> Any:
    """Estimates with their intervals (one row each) and the reference as a tick mark."""
    y = np.arange(len(labels))[::-1]
    values, low, high = (np.asarray(a, dtype=float) for a in (values, low, high))
    has = np.isfinite(low) & np.isfinite(high)
    err = np.vstack([values - low, high - values])
    ax.errorbar(values[has], y[has], xerr=err[:, has], fmt="o", color="C0", capsize=3,
                label="estimate and interval")
    ax.plot(values[~has], y[~has], "o", color="C0", mfc="white")
    ax.plot(reference, y, "|", color="C3", ms=14, mew=2, label="reference")
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    ax.legend(loc="best", fontsize=8)
    return ax


def plot_shape_statistics(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """The shape statistics minus their reference values, with bootstrap intervals.

    Each row is a statistic of the turnout or share distribution (skewness, kurtosis,
    correlation, the toolkit's Sobyanin statistic) shown as its distance from the
    reference (0 for all of them after subtracting kurtosis 3); an interval that misses
    0 is a departure. The dip tests' p-values are in the title.

    Parameters
    ----------
    result : ShapeStatisticsResult
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` when ``ax`` is None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> rng = np.random.default_rng(2)
    >>> reg = rng.integers(500, 1500, 500)
    >>> b = rng.binomial(reg, 0.6)
    >>> a = rng.binomial(b, 0.45)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> ax = es.shape_statistics(e, party="A", n_resamples=50, rng=0).plot()
    >>> ax.get_xlabel()
    'Distance from the reference value'
    """
    ax = get_ax(ax, **({"figsize": (7, 3.5)} | kwargs))
    from .distributions import SHAPE_LABELS

    t = result.table
    rows = t[t["reference"].notna()]
    ref = rows["reference"].to_numpy()
    _intervals(ax, [SHAPE_LABELS.get(s, s) for s in rows["statistic"]],
               rows["estimate"].to_numpy() - ref, rows["interval_low"].to_numpy() - ref,
               rows["interval_high"].to_numpy() - ref, np.zeros(len(rows)),
               xlabel="Distance from the reference value")
    dips = t.set_index("statistic")["pvalue"]
    ax.set_title(_title(result, f"shape of turnout and {result.party}'s share; dip test p = "
                                f"{dips.get('turnout_dip', np.nan):.3g} (turnout), "
                                f"{dips.get('share_dip', np.nan):.3g} (share); "
                                f"n = {result.n:,}"), fontsize=9)
    return ax


def plot_sobyanin_sukhovolsky(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Every party's slope of votes per registered voter on turnout, with its interval.

    The tick mark is the slope if additional voters split like all the others (the
    party's overall share); a leader far above it and other parties below it is the
    Sobyanin-Sukhovolsky pattern.

    Parameters
    ----------
    result : SobyaninSukhovolskyResult
    ax : matplotlib Axes, optional
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` when ``ax`` is None.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> rng = np.random.default_rng(3)
    >>> reg = rng.integers(500, 1500, 400)
    >>> b = rng.binomial(reg, rng.uniform(0.4, 0.8, 400))
    >>> a = rng.binomial(b, 0.6)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> ax = es.sobyanin_sukhovolsky(e, n_resamples=50, rng=0).plot()
    >>> ax.get_xlabel()
    'Votes gained per additional voter (slope on turnout)'
    """
    t = result.table
    ax = get_ax(ax, **({"figsize": (7, 0.5 + 0.35 * len(t))} | kwargs))
    _intervals(ax, [str(p) for p in t["party"]], t["slope"].to_numpy(),
               t["slope_ci_low"].to_numpy(), t["slope_ci_high"].to_numpy(),
               t["reference"].to_numpy(),
               xlabel="Votes gained per additional voter (slope on turnout)")
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_title(_title(result, f"Sobyanin-Sukhovolsky slopes; turnout: "
                                f"{count_words(result.turnout_definition)}; n = {result.n:,}"),
                 fontsize=9)
    return ax
