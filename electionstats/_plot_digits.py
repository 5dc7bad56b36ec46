"""Figures for digit tests and the basic forensics table (pyplot imported lazily)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._plotutil import get_ax

__all__ = ["plot_digits", "plot_forensics_table"]

_BAND_LABEL = {
    "reference": "reference, 95 % binomial band",
    "montecarlo": "size-aware null, 95 % simulation band",
    "bootstrap": "reference (bars: basic bootstrap interval of the data)",
}


def plot_digits(result: Any, *, ax: Any = None, **kwargs: Any) -> Any:
    """Observed versus expected digit frequencies, with the null band.

    Parameters
    ----------
    result : DigitTestResult
        A result of :mod:`electionstats.digits`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    **kwargs
        Passed to the bars of observed frequencies (e.g. ``color``).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Draws what the test computed: observed frequencies as bars, the expected frequency
    under the null used as a line with markers, and the per-digit band (the reference
    binomial band, the size-aware simulation band, or the bootstrap interval of the
    observed frequency for ``null='bootstrap'``). Categories of a share statistic
    (e.g. 0 and 5 for C05s) are drawn darker.

    Examples
    --------
    >>> import numpy as np
    >>> from electionstats.digits import last_digit_test
    >>> res = last_digit_test(np.random.default_rng(0).integers(10, 999, 500))
    >>> ax = plot_digits(res)
    >>> ax.get_xlabel()
    'last digit (uniform)'
    """
    ax = get_ax(ax, figsize=(7, 3.5) if len(result.categories) <= 10 else (11, 3.5))
    cats = [str(c) for c in result.categories]
    x = np.arange(len(cats))
    obs = result.observed_freq
    exp = result.expected_freq
    colors = np.where(
        np.isin(cats, [str(h) for h in result._highlight]), "#2b5d8a", kwargs.pop("color", "#9bbbd8")
    )
    ax.bar(x, obs, color=colors, label="observed", **kwargs)
    lo, hi = result.band_low, result.band_high
    if result.null == "bootstrap":
        ax.errorbar(x, obs, yerr=[obs - lo, hi - obs], fmt="none", ecolor="k", lw=1,
                    label="95 % bootstrap interval")
        ax.plot(x, exp, "o-", color="#c0392b", ms=4, lw=1, label="reference")
    else:
        ax.fill_between(x, lo, hi, step=None, color="#c0392b", alpha=0.18,
                        label=_BAND_LABEL.get(result.null, "null band"))
        ax.plot(x, exp, "o-", color="#c0392b", ms=3 if len(cats) > 10 else 4, lw=1,
                label="expected under the null")
    if len(cats) > 20:
        ax.set_xticks(x[::10], cats[::10])
    else:
        ax.set_xticks(x, cats)
    ax.set_xlabel(result.test)
    ax.set_ylabel("share of counts")
    ax.set_title(
        f"{result.test}: {result.statistic_name} = {result.statistic:.4g}, "
        f"p = {result.pvalue:.3g} (n = {result.n:,})",
        fontsize="medium",
    )
    ax.legend(fontsize="small", frameon=False)
    return ax


def plot_forensics_table(table: Any, *, ax: Any = None, cmap: str = "Reds", **kwargs: Any) -> Any:
    """The basic forensics table as a heat map of adjusted p-values.

    Parameters
    ----------
    table : ForensicsTable
        Result of :func:`electionstats.forensics.basic_forensics`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    cmap : str
        Colour map for ``-log10(adjusted p)`` (darker = smaller p).
    **kwargs
        Passed to ``ax.imshow``.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    One row per group and column, one column per statistic; colour is ``-log10`` of the
    p-value adjusted across the table (capped at 4), each cell is annotated with the
    statistic's value; statistics without a p-value (Sobyanin) are grey. Cells with an
    adjusted p-value below the table's ``alpha`` are outlined.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> from electionstats.forensics import basic_forensics
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(300, 2000, 200)
    >>> b = rng.binomial(reg, 0.6)
    >>> df = pd.DataFrame({"reg": reg, "b": b, "A": rng.binomial(b, 0.5)})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_found="b", parties=["A"])
    >>> ax = plot_forensics_table(basic_forensics(e, n_resamples=100, rng=1))
    >>> ax.get_xlabel()
    'statistic (cell: value; colour: -log10 adjusted p)'
    """
    STATISTICS = table.statistics  # noqa: N806 - the table's own list (no import of forensics)
    wide = table.to_frame()
    labels = [f"{g} / {c} (n={n:,})" for g, c, n in wide[["group", "column", "n"]].itertuples(index=False)]
    padj = wide[[f"{s}_padj" for s in STATISTICS]].to_numpy(dtype=float)
    vals = wide[list(STATISTICS)].to_numpy(dtype=float)
    score = np.minimum(-np.log10(np.clip(padj, 1e-300, 1)), 4.0)
    ax = get_ax(ax, figsize=(1.1 * len(STATISTICS) + 2.5, 0.35 * len(labels) + 1.5))
    masked = np.ma.masked_invalid(score)
    import matplotlib as mpl

    cm = mpl.colormaps[cmap].with_extremes(bad="#dddddd")
    image = ax.imshow(masked, cmap=cm, vmin=0, vmax=4, aspect="auto", **kwargs)
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if np.isfinite(vals[i, j]):
                ax.text(j, i, f"{vals[i, j]:.3g}", ha="center", va="center", fontsize=7,
                        color="white" if np.nan_to_num(score[i, j]) > 2.5 else "black")
            if np.isfinite(padj[i, j]) and padj[i, j] < table.alpha:
                ax.add_patch(mpl.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.2,
                                                   edgecolor="black"))
    ax.set_xticks(np.arange(len(STATISTICS)), STATISTICS)
    ax.set_yticks(np.arange(len(labels)), labels, fontsize=8)
    ax.set_xlabel("statistic (cell: value; colour: -log10 adjusted p)")
    ax.figure.colorbar(image, ax=ax, label=f"-log10 p ({table.p_adjust or 'unadjusted'})")
    ax.set_title("Basic election forensics (Election Forensics Toolkit statistics)", fontsize="medium")
    return ax
