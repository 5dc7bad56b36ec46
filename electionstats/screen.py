"""Screen many elections (or many regions of one) with a battery of tests in one call.

:func:`screen` runs the package's tests over a list of elections (data set names,
:class:`~electionstats.Election` objects, simulated elections, or a generator of them), or
over the regions of each (``by=``), and returns one tidy table with the p-values adjusted
across the whole table (Benjamini-Hochberg by default). Every (election, test) pair is one
task with its own random generator spawned from ``rng``, so the table is identical whether
the tasks run in this process, on a local process pool (the default) or on a
``dask.distributed`` cluster (``client=``).

The battery (:data:`TESTS`) is shared with :func:`electionstats.calibrate`, which measures
how often each test fires on clean simulated elections and how often it detects fraud.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._args import check_alpha, check_names
from ._groups import adjust_pvalues
from ._parallel import map_items
from ._results import TableResult
from ._warnings import ElectionStatsWarning
from .election import Election

__all__ = ["ALL_TESTS", "DEFAULT_TESTS", "TESTS", "ScreenResult", "screen"]


@dataclasses.dataclass(frozen=True)
class _Test:
    """One test of the battery: how to run it on an Election and how it decides."""

    label: str
    run: Callable[..., Any]
    #: 'pvalue': reject when the p-value is below alpha.
    #: 'lower': reject when the one-sided lower confidence bound (``interval_low``) lies
    #: above the reference (the column ``reference``, else ``reference_value``).
    #: 'interval': reject when the two-sided (1 - alpha) interval excludes the reference.
    rule: str = "pvalue"
    #: Column of the statistic shown in the table (default ``statistic``).
    field: str | None = None
    reference: str | None = None
    reference_value: float = 0.0
    #: For a table result (shape statistics): the value of its ``statistic`` column that
    #: names the row this test reads.
    row: str | None = None
    monte_carlo: bool = False
    #: Too slow to run on every simulated election (left out of 'all'; name it to run it).
    slow: bool = False


def _votes(e: Election) -> np.ndarray:
    return e.counts(e.default_party)


def _digit(name: str, **kw: Any) -> Callable[..., Any]:
    def run(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
        from . import digits

        # The Election and the leader's column: the size-aware null takes each count's
        # denominator (the station's valid votes) from the table.
        return getattr(digits, name)(e, e.default_party, rng=rng, n_resamples=n_resamples,
                                     **kw)

    run.__name__ = name
    return run


def _percent_zero_five(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .digits import percent_zero_five_test

    return percent_zero_five_test(_votes(e), e.counts("valid"), rng=rng, n_resamples=n_resamples)


def _integer_percentages(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .distributions import integer_percentage_test

    # The decision needs the count and its null, not the per-percent histograms (which
    # cost two thirds of the time at 10,000 stations).
    return integer_percentage_test(e, rng=rng, n_resamples=n_resamples, histograms=False)


def _spikes(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from ._spikes import spikes_test

    return spikes_test(e, rng=rng, n_resamples=n_resamples)


def _excess_votes(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .distributions import excess_votes

    # A two-sided (1 - 2 alpha) interval: its lower end is a one-sided alpha bound.
    return excess_votes(e, rng=rng, n_resamples=n_resamples, confidence_level=1 - 2 * alpha)


def _sobyanin_sukhovolsky(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .distributions import sobyanin_sukhovolsky

    return sobyanin_sukhovolsky(e, rng=rng, n_resamples=n_resamples, confidence_level=1 - 2 * alpha)


def _shape(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .distributions import shape_statistics

    # Two-sided (1 - alpha) intervals: a moment departs when its interval excludes the
    # reference. Every shape test of one election shares this one computation.
    return shape_statistics(e, rng=rng, n_resamples=n_resamples, confidence_level=1 - alpha)


def _fraud_model(e: Election, *, rng: Any, n_resamples: int, alpha: float) -> Any:
    from .fraud import fit_fraud_model

    return fit_fraud_model(e, rng=rng)


def _moment(label: str, row: str) -> _Test:
    return _Test(label, _shape, rule="interval", field="estimate", reference="reference",
                 row=row, monte_carlo=True)


#: The battery: plain-word name -> how to run it and how it decides at level ``alpha``.
TESTS: dict[str, _Test] = {
    "first digit": _Test("first digit (Benford)", _digit("first_digit_test")),
    "first digit, size-aware": _Test(
        "first digit against binomial counts of the same station sizes",
        _digit("first_digit_test", null="size-aware"),
    ),
    "second digit": _Test("mean second digit", _digit("second_digit_test")),
    "second digit, size-aware": _Test(
        "mean second digit against binomial counts of the same station sizes",
        _digit("second_digit_test", null="size-aware"),
    ),
    "last digit": _Test("last digit uniform", _digit("last_digit_test")),
    "last two digits": _Test("repeated last two digits", _digit("last_two_digits_test")),
    "zero or five": _Test("last digit 0 or 5", _digit("zero_five_test")),
    "percent zero or five": _Test("vote share ending in 0 or 5 percent", _percent_zero_five),
    "integer percentages": _Test(
        "integer percentages", _integer_percentages, monte_carlo=True
    ),
    "spikes": _Test("spikes in vote shares", _spikes, monte_carlo=True),
    "excess votes": _Test(
        "excess votes above the clean turnout peak",
        _excess_votes,
        rule="lower",
        field="estimate",
        monte_carlo=True,
    ),
    "Sobyanin-Sukhovolsky": _Test(
        "votes gained per extra voter",
        _sobyanin_sukhovolsky,
        rule="lower",
        field="estimate",
        reference="reference",
        monte_carlo=True,
    ),
    "turnout dip": _Test("turnout unimodal (dip test)", _shape, field="estimate",
                         row="turnout_dip"),
    "share dip": _Test("vote share unimodal (dip test)", _shape, field="estimate",
                       row="share_dip"),
    "turnout skewness": _moment("turnout skewness 0", "turnout_skewness"),
    "turnout kurtosis": _moment("turnout kurtosis 3", "turnout_kurtosis"),
    "share skewness": _moment("vote share skewness 0", "share_skewness"),
    "share kurtosis": _moment("vote share kurtosis 3", "share_kurtosis"),
    "turnout-share correlation": _moment("turnout and vote share uncorrelated", "correlation"),
    "toolkit Sobyanin": _moment("toolkit's Sobyanin statistic 0", "eft_sobyanin"),
    "fraud model": _Test(
        "no fraud in the Klimek model (likelihood ratio)", _fraud_model, slow=True
    ),
}

#: Tests run when ``tests`` is not given: those with a p-value (not the slow ones).
DEFAULT_TESTS = tuple(k for k, t in TESTS.items() if t.rule == "pvalue" and not t.slow)

#: ``tests='all'``: every test except the slow ones (name those to run them).
ALL_TESTS = tuple(k for k, t in TESTS.items() if not t.slow)


def check_tests(tests: Any) -> tuple[str, ...]:
    """Validate a list of battery names (or 'all'); return them as a tuple."""
    if tests is None:
        return DEFAULT_TESTS
    if isinstance(tests, str) and tests == "all":
        return ALL_TESTS
    if not isinstance(tests, str) and not isinstance(tests, Iterable):
        raise TypeError(f"`tests` must be a test name, a list of names or 'all' (got {tests!r}).")
    tests = check_names(tests, "tests", what="test name")
    unknown = [t for t in tests if t not in TESTS]
    if unknown:
        by_lower = {k.lower(): k for k in TESTS}
        close = [by_lower.get(t.lower()) or next(iter(difflib.get_close_matches(t, TESTS, n=1)), None)
                 for t in unknown]
        hint = ", ".join(repr(c) for c in close if c)
        raise ValueError(
            f"`tests`: unknown test(s) {unknown}{f' (did you mean {hint}?)' if hint else ''}; "
            f"choose from {list(TESTS)} or 'all' (every test but the slow fraud model)."
        )
    return tests


def check_battery_alpha(alpha: Any, names: tuple[str, ...]) -> float:
    """``alpha`` for the battery: an interval test decides with a 1 - 2 alpha interval."""
    alpha = check_alpha(alpha)
    lower = [n for n in names if TESTS[n].rule == "lower"]
    if lower and not alpha < 0.5:
        raise ValueError(
            f"`alpha`={alpha!r} must be below 0.5 for the interval tests {lower}: their "
            "one-sided alpha bound is the edge of a 1 - 2 alpha interval."
        )
    return alpha


def run_test(
    name: str, e: Election, *, rng: Any, n_resamples: int, alpha: float,
    cache: dict | None = None,
) -> dict[str, Any]:
    """Run one battery test; return its row (statistic, p-value, decision, notes).

    ``cache`` (a dict kept for one election) lets tests that read the same computation
    (the shape tests) run it once; the first of them supplies its random generator.
    """
    spec = TESTS[name]
    if cache is not None and spec.run in cache:
        result, notes = cache[spec.run]
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = spec.run(e, rng=rng, n_resamples=n_resamples, alpha=alpha)
            except (ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
                result = exc
        notes = "; ".join(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))
        if cache is not None:
            cache[spec.run] = (result, notes)
    if isinstance(result, Exception):
        return {
            "test": name, "statistic": np.nan, "pvalue": np.nan, "low": np.nan,
            "detected": np.nan, "n": e.n_stations,
            "notes": f"not computed: {type(result).__name__}: {result}",
        }
    frame = result.to_frame()
    frame = frame.iloc[0] if spec.row is None else frame.set_index("statistic").loc[spec.row]
    # A result whose table is not its test (the fraud model's estimates) has the test's
    # statistic and p-value as fields.
    def value(key: str) -> float:
        if key in frame.index:
            return float(frame[key])
        fields = {f.name for f in dataclasses.fields(result)}
        return float(getattr(result, key)) if key in fields else np.nan

    statistic = value(spec.field or "statistic")
    pvalue = value("pvalue")
    low = np.nan
    if spec.rule == "pvalue":
        detected = float(pvalue < alpha) if np.isfinite(pvalue) else np.nan
    elif spec.rule == "lower":
        # an estimate result's interval: always the columns interval_low/interval_high
        low = float(frame.get("interval_low", np.nan))
        ref = spec.reference_value if spec.reference is None else float(
            frame.get(spec.reference, np.nan))
        detected = float(low > ref) if np.isfinite(low) and np.isfinite(ref) else np.nan
    else:  # 'interval'
        low = float(frame.get("interval_low", np.nan))
        high = float(frame.get("interval_high", np.nan))
        ref = spec.reference_value if spec.reference is None else float(
            frame.get(spec.reference, np.nan))
        detected = (float(low > ref or high < ref)
                    if np.isfinite(low) and np.isfinite(high) else np.nan)
    n = frame.get("n", getattr(result, "n", e.n_stations))
    return {
        "test": name, "statistic": statistic, "pvalue": pvalue, "low": low,
        "detected": detected, "n": int(n) if pd.notna(n) else e.n_stations, "notes": notes,
    }


@functools.lru_cache(maxsize=4)
def _load(name: str, data_home: str | None) -> Election:
    from . import datasets

    with warnings.catch_warnings():
        # Data-quality warnings of a registered data set are in its validation report.
        warnings.simplefilter("ignore")
        return datasets.load(name, data_home=data_home)


def _election_label(source: Any) -> tuple[Any, str]:
    """(what to send to a worker, label) for a data set name, Election or simulation."""
    if isinstance(source, str):
        return source, source
    if isinstance(source, Election):
        return source, source.name
    inner = getattr(source, "election", None)
    if isinstance(inner, Election):
        return inner, inner.name
    raise TypeError(
        "`elections` must hold data set names, Election objects or simulated elections "
        f"(got {type(source).__name__})."
    )


def _screen_task(
    rng: np.random.Generator, item: tuple[Any, str, str], by: str | None,
    n_resamples: int, alpha: float, data_home: str | None,
) -> list[dict[str, Any]]:
    source, label, test = item
    try:
        e = _load(source, data_home) if isinstance(source, str) else source
    except (FileNotFoundError, OSError, ValueError) as exc:
        return [{
            "election": label, "test": test, "statistic": np.nan, "pvalue": np.nan,
            "low": np.nan, "detected": np.nan, "n": 0,
            "notes": f"not loaded: {type(exc).__name__}: {exc}",
        }]
    if by is None:
        return [{"election": label, **run_test(test, e, rng=rng, n_resamples=n_resamples,
                                                alpha=alpha)}]
    groups = list(e.groups(by))
    children = rng.spawn(len(groups))
    return [
        {"election": label, "region": key,
         **run_test(test, sub, rng=g, n_resamples=n_resamples, alpha=alpha)}
        for (key, sub), g in zip(groups, children, strict=True)
    ]


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ScreenResult(TableResult):
    """One row per election (and region) and test, p-values adjusted across the table.

    Columns: ``election``, ``region`` (with ``by=``), ``test``, ``statistic``, ``pvalue``,
    ``pvalue_adjusted``, ``reject`` (adjusted p-value below ``alpha``), ``n`` (stations),
    ``notes`` (warnings of the test, or why it could not be computed).
    """

    alpha: float = 0.05
    p_adjust: str | None = "fdr_bh"
    n_resamples: int = 1000

    method: ClassVar[str] = "Screen of elections with a battery of tests"
    citations: ClassVar[tuple[str, ...]] = ("benjamini1995",)
    formats: ClassVar[dict[str, str]] = {
        "pvalue": "pvalue", "pvalue_adjusted": "pvalue", "n": "count", "statistic": "number",
    }

    def _summary_items(self) -> list[tuple[str, Any]]:
        t = self.table
        rejected = int((t["reject"] == True).sum())  # noqa: E712 - None means no p-value
        return [
            ("Elections", int(t["election"].nunique())),
            ("Regions", int(t["region"].nunique()) if "region" in t else None),
            ("Tests", int(t["test"].nunique())),
            ("Rows", len(t)),
            ("Rows with a p-value", int(t["pvalue"].notna().sum())),
            (f"Rejected at {self.alpha:g} after adjustment", rejected),
            ("Adjustment", "none" if self.p_adjust is None else self.p_adjust.replace(
                "fdr_bh", "Benjamini-Hochberg")),
        ]

    def __repr__(self) -> str:
        return str(self.summary())


def screen(
    elections: Any,
    tests: Any = None,
    *,
    by: str | None = None,
    client: Any = None,
    rng: Any = None,
    workers: int | None = None,
    n_resamples: int = 1000,
    alpha: float = 0.05,
    p_adjust: str | None = "fdr_bh",
    data_home: Any = None,
    progress: bool | None = None,
) -> ScreenResult:
    """Run a battery of tests over many elections or regions; one adjusted table.

    Each test asks whether the leader's polling-station counts depart from what clean
    counting gives (see each test's own documentation for its null hypothesis). With many
    elections, regions and tests, some small p-values are expected by chance, so the
    p-values are adjusted across the whole table.

    Parameters
    ----------
    elections : str, Election, or iterable of them
        Registered data set names (``'all'`` for every registered data set), Election
        objects, simulated elections (their ``.election`` is used), or a generator of them.
    tests : sequence of str, optional
        Names from :data:`TESTS` (or ``'all'``); default the tests with a p-value
        (:data:`DEFAULT_TESTS`).
    by : str, optional
        A region level: run every test in every region of each election.
    client : dask.distributed.Client, optional
        Run the tasks on this Dask cluster (same table as locally).
    rng : None, int or Generator
        Seed; task ``i`` (election by test, in table order) gets the ``i``-th spawned child.
    workers : int, optional
        Local processes (default every core; 1 runs in this process).
    n_resamples : int
        Monte Carlo replicates of the tests that simulate their null.
    alpha : float
        Level of ``reject``.
    p_adjust : str or None
        Multiple-testing correction across the table (a
        :func:`statsmodels.stats.multitest.multipletests` method; default
        Benjamini-Hochberg ``'fdr_bh'``); None keeps the raw p-values.
    data_home : path, optional
        Folder of the data sets, for names (default ``$ELECTIONSTATS_DATA`` or the cache).
    progress : bool, optional
        Progress bar (default: the package option).

    Returns
    -------
    ScreenResult
        ``.table`` with one row per election (and region) and test.

    Warns
    -----
    ElectionStatsWarning
        When some tests could not be computed (their rows say why in ``notes``).

    Notes
    -----
    Interval-based tests (``'excess votes'``, ``'Sobyanin-Sukhovolsky'``) have no p-value;
    their ``detected`` column says whether the one-sided ``alpha`` lower confidence bound
    lies above the clean reference. A rejection is a reason to look closer at an election
    or a region, not proof of fraud.

    References
    ----------
    .. [1] Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate.
       Journal of the Royal Statistical Society B 57(1), 289-300.
       :doi:`10.1111/j.2517-6161.1995.tb02031.x`

    Examples
    --------
    >>> import electionstats as es
    >>> sims = (es.simulate_election(800, rng=s) for s in range(3))
    >>> res = es.screen(sims, tests=["last digit", "zero or five"], rng=1, workers=1)
    >>> res.table[["test", "pvalue_adjusted"]].shape
    (6, 2)
    """
    from ._montecarlo import check_n_resamples

    names = check_tests(tests)
    n_resamples = check_n_resamples(n_resamples)
    alpha = check_battery_alpha(alpha, names)
    if isinstance(elections, str):
        from . import datasets

        elections = datasets.list()["name"].tolist() if elections == "all" else [elections]
    elif isinstance(elections, Election) or hasattr(elections, "election"):
        elections = [elections]
    elif isinstance(elections, Mapping):
        raise TypeError(
            "`elections` is a mapping (dict): its keys would be read as data set names. Pass "
            "a list of names or Elections, e.g. list(d.values()); each row is labelled with "
            "the Election's name."
        )
    if not isinstance(elections, Iterable):
        raise TypeError(
            f"`elections` must be a name, an Election or an iterable of them (got "
            f"{type(elections).__name__})."
        )
    sources = [_election_label(s) for s in elections]
    if not sources:
        raise ValueError("`elections` is empty: give at least one election.")
    # Same-named elections (a batch of simulations) get distinct labels: 'name (2)', ...
    seen: dict[str, int] = {}
    for i, (source, label) in enumerate(sources):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            sources[i] = (source, f"{label} ({seen[label]})")
    if by is not None:
        for source, label in sources:
            if isinstance(source, Election) and by not in source.regions:
                raise KeyError(
                    f"`by`={by!r} is not a region level of {label!r}; "
                    f"its levels are {list(source.regions)}."
                )
    items = [(src, label, t) for src, label in sources for t in names]
    home = None if data_home is None else str(data_home)
    parts = map_items(
        _screen_task, items, rng=rng, args=(by, n_resamples, float(alpha), home),
        workers=workers, client=client, progress=progress, desc="screening",
    )
    table = pd.DataFrame([row for part in parts for row in part])
    table = table.drop(columns="low")
    table = adjust_pvalues(table, method=p_adjust, alpha=alpha)
    # No p-value, no decision: keep `reject` empty rather than a made-up False.
    table["reject"] = table["reject"].astype(object).where(table["pvalue"].notna(), None)
    order = ["election", "region", "test", "statistic", "pvalue", "pvalue_adjusted",
             "reject", "detected", "n", "notes"]
    table = table[[c for c in order if c in table.columns]]
    failed = table["notes"].str.startswith("not ")
    if failed.any():
        rows = table.loc[failed, ["election", "test"]].astype(str).agg(": ".join, axis=1)
        warnings.warn(
            f"{int(failed.sum())} of {len(table)} screen rows could not be computed "
            f"(first: {', '.join(rows.head(3))}); their notes column says why.",
            ElectionStatsWarning,
            stacklevel=2,
        )
    return ScreenResult(table=table, alpha=float(alpha), p_adjust=p_adjust,
                        n_resamples=n_resamples)
