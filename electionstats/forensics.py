"""The Election Forensics Toolkit's basic statistics table, in Python.

:func:`basic_forensics` reproduces the point estimates of ``BasicElectionForensics`` in
Kalinin and Mebane's R package EFToolkit (the second-digit mean "_2BL", the mean last
digit "LastC", the shares of counts and of rounded percentages ending in 0 or 5 "C05s"
and "P05s", the skewness, kurtosis and dip test of the shares, the toolkit's "Sobyanin"
statistic and the turnout-share correlation), with bootstrap intervals, honest p-values
and a multiple-testing adjustment across the whole table.
"""

from __future__ import annotations

import dataclasses
import html
import warnings
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import _shape
from ._digitcore import (
    effect_size,
    lut_codes,
    percent_codes,
    percent_spec,
    point_statistic,
    second_spec,
    tally,
    last_spec,
    zero_five_spec,
)
from ._groups import P_ADJUST_METHODS, adjust_pvalues
from ._montecarlo import (
    basic_bootstrap_ci,
    check_n_resamples,
    monte_carlo_pvalue,
)
from ._parallel import map_items
from ._nulls import (
    bootstrap_null,
    bootstrap_tallies,
    montecarlo_null,
    rate_model,
    size_aware_models,
    size_aware_null,
)
from ._args import check_alpha, check_confidence_level, check_rng
from ._results import CAVEAT, Summary, TableResult
from ._warnings import SmallSampleWarning
from .election import Election

__all__ = ["STATISTICS", "ForensicsTable", "basic_forensics"]

#: Statistics of the table, in the toolkit's order and names.
STATISTICS = ("_2BL", "LastC", "C05s", "P05s", "Skew", "Kurt", "DipT", "Sobyanin", "Corr")

_SPEC_2BL = second_spec("mean", 10)
_SPEC_LAST = last_spec("mean", 0)
_SPEC_C05 = zero_five_spec(0)
_SPEC_P05 = percent_spec(0, True)

_REFERENCE = {
    "_2BL": _SPEC_2BL.reference_value,
    "LastC": 4.5,
    "C05s": 0.2,
    "P05s": 0.2,
    "Skew": 0.0,
    "Kurt": 3.0,
    "DipT": float("nan"),
    "Sobyanin": float("nan"),
    "Corr": 0.0,
}
#: One table cell: value, interval, p-value, n used, p-value method, effect size and its name.
_Row = tuple[float, float, float, float, int, str, float, str]
_DIGIT_STATS = ("_2BL", "LastC", "C05s", "P05s")
_NULLS = ("size-aware", "montecarlo", "bootstrap")
#: Turnout numerator (the toolkit's ``TotalVotes``) when neither the caller nor the data
#: set says: ballots found in the urn, else ballots issued (``Election.resolve_turnout``).
TURNOUT_PREFERENCE = ("ballots_found", "ballots_issued")


def wide_table(long: pd.DataFrame) -> pd.DataFrame:
    """The toolkit's layout: one row per group and column, five columns per statistic."""
    keys = ["level", "group", "column"]
    if long.empty:
        return pd.DataFrame(columns=[*keys, "n"])
    base = long.drop_duplicates(keys)[[*keys, "n_stations"]].rename(columns={"n_stations": "n"})
    out = base.reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(out[keys])
    for stat in STATISTICS:
        part = long[long["statistic"] == stat].set_index(keys).reindex(idx)
        out[stat] = part["value"].to_numpy()
        out[f"{stat}_low"] = part["ci_low"].to_numpy()
        out[f"{stat}_high"] = part["ci_high"].to_numpy()
        out[f"{stat}_p"] = part["pvalue"].to_numpy()
        out[f"{stat}_padj"] = part["pvalue_adjusted"].to_numpy()
        out[f"{stat}_effect"] = part["effect_size"].to_numpy()
    return out


@dataclasses.dataclass(frozen=True, eq=False)
class ForensicsTable(TableResult):
    """The basic forensics table: one row per group and column.

    Attributes
    ----------
    table : DataFrame
        The toolkit's layout (``to_frame()``): ``level, group, column, n`` and, per
        statistic ``S``, ``S, S_low, S_high, S_p, S_padj, S_effect``.
    long : DataFrame
        Tidy table, one row per group, column and statistic: ``level``, ``group``,
        ``column``, ``statistic``, ``value``, ``ci_low``, ``ci_high``, ``reference``,
        ``pvalue``, ``pvalue_method``, ``effect_size``, ``effect_size_name``, ``n_used``,
        ``n_stations``, ``pvalue_adjusted``, ``reject``.
    p_adjust : str or None
        Multiple-testing method applied across every p-value in the table.
    alpha : float
        Level of ``reject``.
    n_resamples : int
    null : str
        Null of the four digit statistics' p-values.
    """

    long: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    p_adjust: str | None = "fdr_bh"
    alpha: float = 0.05
    n_resamples: int = 1000
    null: str = "size-aware"

    method: ClassVar[str] = "Basic election forensics (Election Forensics Toolkit statistics)"
    citations: ClassVar[tuple[str, ...]] = (
        "mebane2015eft", "mebane2006", "hartigan1985", "benjamini1995", "phipson2010",
        "nigrini2012",
    )
    null_hypothesis: ClassVar[str] = (
        "the digits are what binomial counts of the same sizes and rates produce (or the "
        "textbook values with null='bootstrap'); the shares have skewness 0, kurtosis 3 "
        "and one mode; turnout and share are uncorrelated."
    )
    #: Statistics of the table, in the toolkit's order and names (for the figure).
    statistics: ClassVar[tuple[str, ...]] = STATISTICS
    plot_function: ClassVar[str] = "electionstats._plot_digits:plot_forensics_table"

    def to_frame(self, *, long: bool = False) -> pd.DataFrame:
        """The table: wide (one row per group and column, the toolkit's layout) or long."""
        return (self.long if long else self.table).copy()

    def summary(self) -> Summary:
        """Flagged cells first, then the statistics per group and column."""
        long = self.long
        flagged = long[long["reject"].fillna(False).astype(bool)] if "reject" in long else long[:0]
        groups = int(long.drop_duplicates(["group"]).shape[0]) if len(long) else 0
        s = Summary(self.method, items=[
            ("groups", groups),
            ("columns", ", ".join(map(str, dict.fromkeys(long.get("column", []))))),
            ("digit p-values", {"size-aware": "size-aware null, exact",
                                "montecarlo": "size-aware null, simulated",
                                "bootstrap": "bootstrap interval inverted"}.get(self.null, self.null)),
            ("multiple testing", self.p_adjust or "none"),
            ("resamples", self.n_resamples),
            ("flagged cells", f"{len(flagged):,} of {int(long['pvalue'].notna().sum()):,}"
             f" at adjusted p < {self.alpha}"),
        ])
        if len(flagged):
            s.tables.append(("Flagged", flagged[["group", "column", "statistic", "value",
                                                 "pvalue_adjusted", "effect_size"]],
                             {"pvalue_adjusted": "pvalue"}))
        cols = ["group", "column", "n", *STATISTICS]
        s.tables.append(("Statistics", self.table[[c for c in cols if c in self.table]],
                         {"n": "count"}))
        s.add_note(f"Null hypothesis: {self.null_hypothesis}")
        s.add_note(f"Note: {self.caveat}")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def _repr_html_(self) -> str:
        wide = self.to_frame()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in ("group", "column", "n", *STATISTICS))
        rows = []
        for _, r in wide.iterrows():
            cells = [
                f"<td>{html.escape(str(r['group']))}</td>",
                f"<td>{html.escape(str(r['column']))}</td>",
                f"<td style='text-align:right'>{int(r['n']):,}</td>",
            ]
            for stat in STATISTICS:
                v = r[stat]
                if pd.isna(v):
                    cells.append("<td></td>")
                    continue
                lo, hi, padj = r[f"{stat}_low"], r[f"{stat}_high"], r[f"{stat}_padj"]
                ci = "" if pd.isna(lo) else f"<br><small>({lo:.3f}, {hi:.3f})</small>"
                flag = not pd.isna(padj) and padj < self.alpha
                style = "background:#f4b6b6;" if flag else ""
                title = "" if pd.isna(padj) else f" title='adjusted p = {padj:.3g}'"
                cells.append(f"<td style='text-align:right;{style}'{title}>{v:.3f}{ci}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        adj = self.p_adjust or "no adjustment"
        return (
            "<div><b>Basic election forensics (Election Forensics Toolkit statistics)</b>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p style='font-size:smaller'>Value with its basic bootstrap interval "
            f"({self.n_resamples:,} resamples). Shaded: p-value below {self.alpha} after "
            f"{html.escape(adj)} adjustment across the table (hover for the adjusted p). "
            f"DipT shows the dip test's p-value. <i>{html.escape(CAVEAT)}</i></p></div>"
        )


def _basic_forensics_iv(
    election: Any,
    columns: Any,
    by: Any,
    ballots: Any,
    n_resamples: Any,
    confidence_level: float,
    p_adjust: Any,
    null: str,
) -> tuple[list[str], str, int]:
    if not isinstance(election, Election):
        raise TypeError(
            f"`election` must be an electionstats.Election (got {type(election).__name__}); "
            "build one with Election.from_frame."
        )
    ballots = election.resolve_turnout(ballots, prefer=TURNOUT_PREFERENCE)
    if columns is None:
        columns = ["Turnout", election.resolve_party()]
    elif isinstance(columns, str):
        columns = [columns]
    columns = list(columns)
    for c in columns:
        if c != "Turnout" and c not in election.parties:
            raise KeyError(
                f"`columns` has {c!r}, which is neither 'Turnout' nor a party; parties: "
                f"{list(election.parties)}."
            )
    if "Turnout" in columns and "registered" not in election.roles:
        raise ValueError("the 'Turnout' column needs a `registered` role in the election.")
    if by is not None and by not in election.regions and by not in election.extra:
        raise KeyError(
            f"`by`={by!r} is not a region level of this election; levels: "
            f"{list(election.regions)}."
        )
    if p_adjust is not None and p_adjust not in P_ADJUST_METHODS:
        raise ValueError(f"`p_adjust` must be None or one of {P_ADJUST_METHODS} (got {p_adjust!r}).")
    if null not in _NULLS:
        raise ValueError(f"`null` must be one of {_NULLS} (got {null!r}).")
    check_confidence_level(confidence_level)
    if len(election) == 0:
        raise ValueError("the election has no stations; basic_forensics needs at least one.")
    return columns, ballots, check_n_resamples(n_resamples)


#: Statistics that are NaN by design (no p-value, or no turnout regression for Turnout).
_NAN_BY_DESIGN = {"Turnout": ("Sobyanin", "Corr")}


def _undefined_message(
    group: Any, column: str, count: np.ndarray, den: np.ndarray, share: np.ndarray,
    turnout: np.ndarray | None, stats_: dict[str, _Row], notes: list[str],
) -> str | None:
    """The warning of one group and column that says why its NaN cells are NaN (or None)."""
    skip = _NAN_BY_DESIGN.get(column, ())
    undefined = [k for k in STATISTICS if k not in skip and not np.isfinite(stats_[k][0])]
    no_p = [k for k in STATISTICS if k not in skip and k not in undefined
            and np.isfinite(_REFERENCE[k]) and not np.isfinite(stats_[k][3])]
    if not (undefined or no_p or notes):
        return None
    reasons: list[str] = []
    n = count.size
    fin = np.isfinite(share)
    if n < 4:
        reasons.append(f"only {n} station(s) (the moments need 2 or more, the dip test 4)")
    if not fin.any():
        reasons.append("no station has a share (every one is 0/0: a zero denominator)")
    elif np.ptp(share[fin]) == 0:
        reasons.append(f"the share is {share[fin][0]:.1%} at every station, so its shape "
                       "(skewness, kurtosis, correlation) is undefined")
    if turnout is not None and np.isfinite(turnout).any() and np.ptp(turnout[np.isfinite(turnout)]) == 0:
        reasons.append("turnout is the same at every station, so Corr and Sobyanin are "
                       "undefined")
    above = int(np.count_nonzero(count > den))
    if above:
        reasons.append(f"{above:,} of {n:,} station(s) have more votes than their "
                       "denominator (shares capped at 100 %, as in the toolkit)")
    if not (count >= 10).any():
        reasons.append("no count is 10 or more (_2BL needs a second digit)")
    reasons.extend(notes)
    what = []
    if undefined:
        what.append(f"{', '.join(undefined)} undefined (NaN)")
    if no_p:
        what.append(f"no p-value for {', '.join(no_p)}")
    return (f"basic_forensics, {group} / {column}: {'; '.join(what) or 'see below'}: "
            f"{'; '.join(reasons) or 'too few usable stations'}.")


def _capped_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` capped at 1, as the toolkit: x/0 (x > 0) -> 1, 0/0 -> NaN."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(num / den, 1.0)


def _digit_rows(
    c: np.ndarray,
    den: np.ndarray,
    *,
    n_resamples: int,
    confidence_level: float,
    null: str,
    rng: np.random.Generator,
) -> tuple[dict[str, _Row], list[str]]:
    """_2BL, LastC, C05s, P05s: value, bootstrap interval, p, n used, p method; notes.

    Intervals: the toolkit's basic bootstrap over stations. p-values: the size-aware
    null (exact by default, simulated with ``null='montecarlo'``) with a fitted
    beta-binomial for _2BL (a station's own rate would carry the memory of its leading
    digits) and each station's own rate for LastC, C05s and P05s; or the bootstrap
    interval inverted around the textbook value (``null='bootstrap'``).
    """
    n_all = c.size
    last = tally(lut_codes(_SPEC_LAST, c), 10)
    obs = {
        "_2BL": (_SPEC_2BL, tally(lut_codes(_SPEC_2BL, c), 10)),
        "LastC": (_SPEC_LAST, last),
        "C05s": (_SPEC_C05, last),
        "P05s": (_SPEC_P05, tally(percent_codes(c, den, 0, True), 10)),
    }
    models: dict[str, Any] = {}
    exact: dict[str, Any] = {}
    if null != "bootstrap":
        fitted = rate_model(c, den, model="fitted", leading=True)
        plugin = rate_model(c, den, model="plugin")
        models = {"_2BL": fitted, "LastC": plugin, "C05s": plugin, "P05s": fitted}
    if null == "size-aware":
        # one pass over each model's probabilities; LastC and C05s share their categories
        m2, mp = size_aware_models((_SPEC_2BL, _SPEC_P05), fitted)
        ml, mc = size_aware_models((_SPEC_LAST, _SPEC_C05), plugin)  # one pass, one code
        exact = {"_2BL": m2, "P05s": mp, "LastC": ml, "C05s": mc}
    out: dict[str, _Row] = {}
    notes: list[str] = []
    two = {"alternative": "two-sided", "confidence_level": confidence_level}
    # LastC and C05s are two statistics of one tally: one resampling serves both
    last_seed = rng.bit_generator.seed_seq.spawn(1)[0]
    last_tallies = None
    for name, (spec, obs_tally) in obs.items():
        n = int(obs_tally.sum())
        if n == 0:
            out[name] = (float("nan"), np.nan, np.nan, np.nan, 0, "", np.nan, "")
            continue
        tallies = None
        if name in ("LastC", "C05s"):
            if last_tallies is None:
                last_tallies = bootstrap_tallies(obs_tally, n_all - n, n_resamples=n_resamples,
                                                 rng=last_seed)
            tallies = last_tallies
        boot = bootstrap_null(spec, obs_tally, n_all - n, n_resamples=n_resamples,
                              rng=rng, bands=False, tallies=tallies, **two)
        value = float(point_statistic(spec, obs_tally))
        lo, hi = boot.interval
        if null == "bootstrap":
            fit = boot
            how = f"bootstrap interval inverted ({boot.n_resamples:,})"
        elif null == "montecarlo":
            fit = montecarlo_null(spec, obs_tally, models[name], gof="chi2",
                                  n_resamples=n_resamples, rng=rng, **two)
            how = fit.pvalue_method
        else:
            fit = size_aware_null(spec, obs_tally, exact[name], gof="chi2", **two)
            how = fit.pvalue_method
        es_value, es_name, _ = effect_size(spec, obs_tally, fit.expected_freq, fit.expected_value)
        out[name] = (value, lo, hi, fit.pvalue, n, how, es_value, es_name)
        notes.extend(f"{name}: {msg}" for msg in fit.notes if f"{name}: {msg}" not in notes)
    return out, notes


#: Rows of :func:`_shape.moment_bootstrap`'s columns used for each table statistic.
_SHAPE_COLUMNS = {"Skew": 2, "Kurt": 3, "Corr": 4, "Sobyanin": 5}


def _shape_rows(
    share: np.ndarray,
    turnout: np.ndarray | None,
    *,
    n_resamples: int,
    confidence_level: float,
    rng: np.random.Generator,
    known: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[dict[str, _Row], tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """Skew, Kurt, DipT, Sobyanin, Corr, from one moment bootstrap over stations.

    The p-value inverts the basic interval around the reference (NaN without one).
    Skew and Kurt use every station with a share; Sobyanin and Corr the stations with
    both a share and a turnout (the same stations whenever turnout is defined).

    ``known``: estimates and replicates of the share's skewness and kurtosis from a joint
    bootstrap already run on the same stations (the turnout columns of a party's joint
    bootstrap are the Turnout column's own statistics). Returns the rows and, when a joint
    bootstrap ran, ``(stations used, estimates, replicates)`` of its turnout columns.
    """
    nan_row = (np.nan, np.nan, np.nan, np.nan, 0, "", np.nan, "")
    out = dict.fromkeys(("Skew", "Kurt", "DipT", "Sobyanin", "Corr"), nan_row)
    has_s = np.isfinite(share)
    s = share[has_s]
    tasks: list[tuple[tuple[str, ...], np.ndarray | None, np.ndarray]] = []
    pairs = None if turnout is None else has_s & np.isfinite(turnout)
    if pairs is not None and pairs.sum() >= 3 and (pairs == has_s).all():
        tasks.append((("Skew", "Kurt", "Sobyanin", "Corr"), turnout[pairs], share[pairs]))
    else:
        if s.size >= 2:
            tasks.append((("Skew", "Kurt"), None, s))
        if pairs is not None and pairs.sum() >= 3:
            tasks.append((("Sobyanin", "Corr"), turnout[pairs], share[pairs]))
    joint = None
    for names, x, y in tasks:
        if x is None and known is not None:
            est, reps = known
            col = {"Skew": 0, "Kurt": 1}
        elif x is None:  # share alone: its statistics are the x columns
            est = _shape.shape_estimates(y)
            reps = _shape.moment_bootstrap(y, n_resamples=n_resamples, rng=rng)
            col = {"Skew": 0, "Kurt": 1}
        else:
            est = _shape.shape_estimates(x, y)
            reps = _shape.moment_bootstrap(x, y, n_resamples=n_resamples, rng=rng)
            col = _SHAPE_COLUMNS
            joint = (pairs, est[:2], reps[:, :2])
        for k in names:
            j = col[k]
            r = reps[:, j][np.isfinite(reps[:, j])]
            if not np.isfinite(est[j]) or r.size == 0:
                out[k] = (est[j], np.nan, np.nan, np.nan, y.size, "", np.nan, "")
                continue
            lo, hi = basic_bootstrap_ci(est[j], r, confidence_level)
            if np.isnan(_REFERENCE[k]):
                p, how = np.nan, "no reference value (interval only)"
            else:
                p = monte_carlo_pvalue(r, 2 * est[j] - _REFERENCE[k], "two-sided")
                how = f"bootstrap interval inverted ({r.size:,})"
            out[k] = (float(est[j]), lo, hi, p, y.size, how, np.nan, "")
    if s.size >= 4:
        p = _shape.dip_pvalue(s)
        out["DipT"] = (p, np.nan, np.nan, p, s.size, "dip test, tabulated (Hartigan)", np.nan, "")
    return out, joint


def _group_task(
    gen: np.random.Generator,
    item: tuple[Any, list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]]],
    n_resamples: int,
    confidence_level: float,
    null: str,
) -> list[tuple[dict[str, _Row], str | None]]:
    """Every statistic of one group's columns: one task of the process pool.

    Party columns run first; when a party's joint bootstrap of (turnout, share) used
    exactly the stations with a turnout, its turnout columns are the Turnout column's
    skewness and kurtosis replicates (the same resamples, not a second bootstrap).
    Returns, in the order of the columns, the rows and the warning message (or None).
    """
    group, cells = item
    done: dict[int, tuple[dict[str, _Row], str | None]] = {}
    known = None
    order = sorted(range(len(cells)), key=lambda i: cells[i][0] == "Turnout")
    for i in order:
        col, count, den, share, tvec = cells[i]
        use = known if col == "Turnout" else None
        stats_, joint = _shape_rows(share, tvec, n_resamples=n_resamples,
                                    confidence_level=confidence_level, rng=gen, known=use)
        if joint is not None and known is None and tvec is not None \
                and np.array_equal(joint[0], np.isfinite(tvec)):
            known = joint[1:]
        digit_stats, notes = _digit_rows(count, den, n_resamples=n_resamples,
                                         confidence_level=confidence_level, null=null, rng=gen)
        stats_.update(digit_stats)
        done[i] = (stats_, _undefined_message(group, col, count, den, share, tvec, stats_, notes))
    return [done[i] for i in range(len(cells))]


def basic_forensics(
    election: Election,
    columns: Sequence[str] | str | None = None,
    *,
    by: str | None = None,
    ballots: str | None = None,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    null: str = "size-aware",
    p_adjust: str | None = "fdr_bh",
    alpha: float = 0.05,
    rng: Any = None,
    workers: int | None = None,
) -> ForensicsTable:
    """The Election Forensics Toolkit's basic statistics, per group and column.

    Null hypotheses, per statistic: the mean second digit of the counts (_2BL), their
    mean last digit (LastC), the share ending in 0 or 5 (C05s) and the share of rounded
    percentages ending in 0 or 5 (P05s) are what binomial counts of the same sizes and
    rates produce (``null='size-aware'``), or equal the textbook values 4.187, 4.5,
    0.2 and 0.2 (``null='bootstrap'``); the shares have skewness 0 (Skew), kurtosis 3
    (Kurt) and one mode (DipT); turnout and share are uncorrelated (Corr).

    Parameters
    ----------
    election : Election
        Station-level data.
    columns : str or sequence of str, optional
        Parties and/or the pseudo-column ``'Turnout'``. Default: ``['Turnout', leader]``.
        For ``'Turnout'`` the count is ``ballots`` and the share is ``ballots /
        registered``; for a party the count is its votes and the share is ``votes /
        ballots``. Shares are capped at 1 and ``0/0`` is dropped, as in the toolkit.
    by : str, optional
        Region level to split by (one row per region and column); None: all stations.
    ballots : str, optional
        The ballots role (the toolkit's ``TotalVotes``), decided by
        ``Election.resolve_turnout``: the caller's, else the data set's declared turnout,
        else ``'ballots_found'`` if present, else ``'ballots_issued'``.
    n_resamples : int
        Bootstrap resamples and Monte Carlo replicates (default 1000, the toolkit's R).
    confidence_level : float
        Level of the basic bootstrap intervals (default 0.95).
    null : {'size-aware', 'montecarlo', 'bootstrap'}
        p-values of the four digit statistics. ``'size-aware'`` (default): every
        station's count redrawn with its own denominator (from a beta-binomial fitted to
        the stations' rates for _2BL and P05s, whose digits are leading digits of the
        count or of the share; from ``Binomial(denominator, count/denominator)`` for
        LastC and C05s), computed exactly from each station's category probabilities
        (normal tail of the exact mean and variance). ``'montecarlo'``: the same null
        simulated ``n_resamples`` times (mid-p values). ``'bootstrap'``: inversion of
        the basic bootstrap interval around the textbook value (the toolkit's
        significance rule as a p-value).
    p_adjust : str or None
        Multiple-testing adjustment across every p-value of the table (default
        ``'fdr_bh'``, Benjamini-Hochberg; any ``statsmodels`` ``multipletests`` method).
    alpha : float
        Level for the ``reject`` column and the shading of the HTML view.
    rng : None, int or numpy.random.Generator
        Randomness for the bootstrap and Monte Carlo. Each group draws from its own
        generator spawned from ``rng``, so the table is the same however many processes
        compute it.
    workers : int, optional
        Processes for the groups (default every core; large tables only, small ones run
        in this process); ``1`` runs everything in this process. Results do not depend on it.

    Returns
    -------
    ForensicsTable
        ``.to_frame()`` gives one row per group and column (the toolkit's layout),
        ``.long`` one row per statistic; in a notebook it renders as a shaded table;
        ``.plot()`` draws a heat map.

    See Also
    --------
    electionstats.digits.second_digit_test, electionstats.digits.zero_five_test

    Notes
    -----
    Point estimates follow the toolkit exactly (``R/BasicElectionForensics.R``): _2BL
    uses counts >= 10; LastC and C05s use every count, zeros included; P05s rounds
    ``100 * share`` half to even; Skew is the population skewness ``m3 / m2**1.5``; Kurt
    the non-excess kurtosis ``m4 / m2**2``; DipT is Hartigan's dip-test p-value by
    interpolation in the tabulated null (the dip test's own p-value); Sobyanin is the
    OLS slope of share on turnout minus the mean share; Corr the Pearson correlation.
    Intervals are the toolkit's basic bootstrap intervals over stations.

    p-values: the four digit statistics as chosen by ``null``. Skew, Kurt and Corr invert
    their basic bootstrap interval around 0, 3 and 0 (the smallest level at which the
    interval excludes the reference). Sobyanin has no reference value (the toolkit's flag
    compares it with 1.645, a unit mismatch), so it gets an interval and no p-value.
    Departures of Skew and Kurt from a normal shape are common in clean elections, and a
    rejection anywhere in the table is a reason to look closer, not proof of fraud
    (Mebane's guidance: no single statistic decides).

    References
    ----------
    .. [1] Mebane, W. R., Kalinin, K. et al. (2015). Election Forensics Toolkit and
       Guide. R package EFToolkit, https://github.com/kkalininMI/EFToolkit
    .. [2] Hartigan, J. A. and Hartigan, P. M. (1985). The dip test of unimodality.
       The Annals of Statistics 13(1), 70-84. :doi:`10.1214/aos/1176346577`
    .. [3] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery
       rate. JRSS B 57(1), 289-300. :doi:`10.1111/j.2517-6161.1995.tb02031.x`

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(300, 2000, 400)
    >>> ballots = rng.binomial(reg, 0.6)
    >>> a = rng.binomial(ballots, 0.55)
    >>> df = pd.DataFrame({"id": range(400), "reg": reg, "b": ballots, "A": a,
    ...                    "B": ballots - a, "region": np.repeat(["N", "S"], 200)})
    >>> e = es.Election.from_frame(df, station_id="id", registered="reg",
    ...                            ballots_found="b", parties=["A", "B"], region=["region"])
    >>> table = basic_forensics(e, ["Turnout", "A"], by="region", n_resamples=200, rng=1)
    >>> table.to_frame()[["group", "column", "n"]].values.tolist()
    [['N', 'Turnout', 200], ['N', 'A', 200], ['S', 'Turnout', 200], ['S', 'A', 200]]
    """
    columns, ballots, b = _basic_forensics_iv(
        election, columns, by, ballots, n_resamples, confidence_level, p_adjust, null
    )
    alpha = check_alpha(alpha)
    gen = check_rng(rng)
    ball = election.counts(ballots)
    reg = election.counts("registered") if "registered" in election.roles else None
    turnout = _capped_ratio(ball, reg) if reg is not None else None
    if by is None:
        groups: list[tuple[Any, np.ndarray]] = [("all", np.arange(len(election)))]
    else:
        codes, uniques = election.group_keys(by)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        groups = [(u, order[bounds[i] : bounds[i + 1]]) for i, u in enumerate(uniques)]
    items = []
    for value, idx in groups:
        cells = []
        for col in columns:
            if col == "Turnout":
                cells.append((col, ball[idx], reg[idx], turnout[idx], None))
            else:
                count, den = election.counts(col)[idx], ball[idx]
                cells.append((col, count, den, _capped_ratio(count, den),
                              turnout[idx] if turnout is not None else None))
        items.append((value, cells))
    # one task per group, each with its own generator spawned from rng: the same table
    # serially or on the process pool
    work = len(election) * len(columns) * b
    results = map_items(_group_task, items, rng=gen, args=(b, confidence_level, null),
                        workers=workers, cells=work, desc="basic forensics")
    rows = []
    for (value, cells), res in zip(items, results, strict=True):
        for (col, _, _, _, _), (stats_, message) in zip(cells, res, strict=True):
            if message is not None:
                warnings.warn(message, SmallSampleWarning, stacklevel=2)
            n_stations = cells[0][1].size
            for stat in STATISTICS:
                v, lo, hi, p, n_used, how, es_value, es_name = stats_[stat]
                rows.append(
                    {
                        "level": by or "national",
                        "group": value,
                        "column": col,
                        "statistic": stat,
                        "value": float(v),
                        "ci_low": float(lo),
                        "ci_high": float(hi),
                        "reference": _REFERENCE[stat],
                        "pvalue": float(p),
                        "pvalue_method": how,
                        "effect_size": float(es_value),
                        "effect_size_name": es_name,
                        "n_used": int(n_used),
                        "n_stations": int(n_stations),
                    }
                )
    long = adjust_pvalues(pd.DataFrame(rows), method=p_adjust, alpha=alpha)
    return ForensicsTable(table=wide_table(long), long=long, p_adjust=p_adjust, alpha=alpha,
                          n_resamples=b, null=null)
