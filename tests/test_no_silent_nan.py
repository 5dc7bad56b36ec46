"""No public function returns NaN without a warning that says why (issue 9, acceptance).

Every public function of the package (``electionstats.__all__`` and the ``__all__`` of the
topic modules) is found automatically and must appear either in ``CALLS`` (how to call it
on degenerate but legal inputs) or in ``SKIP`` (with the reason it is not an analysis), so
a new function is audited as soon as it is exported.

For each call on each degenerate input (1 and 2 stations, constant turnout, a party with 0
votes everywhere, stations with 0 registered voters, 100 % turnout, one party, a tiny
simulated election; empty, single, all-zero and constant counts; one party, equal votes, a
party with 0 votes, all-zero votes) the call must either

- raise a clear error on purpose: a ``ValueError``/``TypeError``/``KeyError`` (the package's
  ``ElectionStatsError`` classes derive from them) raised by electionstats' own code, not
  by numpy, scipy or pandas internals; or
- return a result whose NaN cells are either NaN by design or accompanied by an
  :class:`~electionstats.ElectionStatsWarning` whose message says why. No numpy
  ``RuntimeWarning`` (or any other foreign warning) may escape.

"NaN by design" is decided without a hand-made list wherever possible: the same function
on a healthy input of the same shape (a twin with the same parties and regions) gives the
cells that are NaN whatever the data (a p-value of a statistic without a reference, an
interval that was not requested); a NaN in a cell that the twin fills needs a warning.
The few columns that are NaN by definition for some rows of the input itself (a party
that is not admitted has no quotient) are listed in ``NOT_APPLICABLE`` with the reason.
"""

from __future__ import annotations

import functools
import inspect
import os
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import electionstats as es

PACKAGE_DIR = os.path.dirname(es.__file__)
#: Topic modules whose public functions are audited besides ``electionstats.__all__``.
MODULES = (
    "allocation", "claims", "datasets", "digits", "distributions", "facts", "forensics",
    "fraud", "plotting", "report", "scenarios", "sensitivity", "simulate",
)

#: Public functions that are not analyses of data, with the reason.
SKIP = {
    "cite": "returns BibTeX text",
    "get_options": "returns the option settings",
    "set_options": "changes the option settings",
    "get_rules": "returns a preset of legal rules (tested in test_allocation)",
    "kazakhstan_2021_scenarios": "returns the bundled scenario objects (audited through scenario_seats)",
    "datasets.fetch": "downloads a data file (needs the network or the data folder)",
    "datasets.info": "returns registry text",
    "datasets.list": "returns the registry table",
    "datasets.load": "loads a real data set from files (tests/test_datasets.py)",
    "digits.benford_first_digit_probs": "a constant vector of Benford probabilities",
    "digits.benford_second_digit_probs": "a constant vector of Benford probabilities",
    "digits.first_digits": "digit extraction helper (tests/test_digits.py)",
    "digits.second_digits": "digit extraction helper (tests/test_digits.py)",
    "report.build_report": "writes an HTML report to disk (tests/test_report.py)",
    "report.kazakhstan_sections": "report sections (HTML), tests/test_report.py",
    "report.station_overview": "a report section (HTML), tests/test_report.py",
}
for _name in es.plotting.__all__:
    SKIP[f"plotting.{_name}"] = "draws a result it is given; returns Axes, not numbers"


def public_functions() -> list[str]:
    names = [n for n in es.__all__ if inspect.isfunction(getattr(es, n))]
    top = {getattr(es, n) for n in names}
    for mod in MODULES:
        m = getattr(es, mod)
        for n in getattr(m, "__all__", ()):
            obj = getattr(m, n)
            if inspect.isfunction(obj) and obj not in top:
                names.append(f"{mod}.{n}")
    return sorted(names)


# ---------------------------------------------------------------------------------------
# degenerate inputs
# ---------------------------------------------------------------------------------------


def _frame(n: int, *, reg: Any = 1000, turnout: float | None = None, parties=("A", "B"),
           zero_party: str | None = None, seed: int = 1) -> es.Election:
    rng = np.random.default_rng(seed)
    regv = np.full(n, reg) if np.isscalar(reg) else np.asarray(reg)
    frac = rng.uniform(0.4, 0.9, n) if turnout is None else np.full(n, turnout)
    issued = (regv * frac).astype(np.int64)
    invalid = issued // 50
    valid = issued - invalid
    cols, left = {}, valid.copy()
    live = [p for p in parties if p != zero_party]
    for p in parties:
        if p == zero_party:
            cols[p] = np.zeros(n, np.int64)
        elif p == live[-1]:
            cols[p] = left
        else:
            x = np.minimum((valid * rng.uniform(0.3, 0.7, n)).astype(np.int64), left)
            cols[p], left = x, left - x
    df = pd.DataFrame({
        "id": [f"s{i}" for i in range(n)], "region": [f"r{i % 2}" for i in range(n)],
        "registered": regv, "issued": issued, "found": issued, "valid": valid,
        "invalid": invalid, **cols,
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DataQualityWarning)
        return es.Election.from_frame(
            df, station_id="id", region="region", registered="registered",
            ballots_issued="issued", ballots_found="found", valid="valid", invalid="invalid",
            parties=list(parties),
        )


#: name -> (degenerate election, key of its healthy twin in TWINS: same parties and regions)
ELECTIONS: dict[str, tuple[Callable[[], es.Election], str]] = {
    "1 station": (lambda: _frame(1), "A, B"),
    "2 stations": (lambda: _frame(2), "A, B"),
    "constant turnout": (lambda: _frame(12, turnout=0.6), "A, B"),
    "party with 0 votes": (lambda: _frame(12, zero_party="B"), "A, B"),
    "registered 0 rows": (lambda: _frame(12, reg=[0] * 3 + [1000] * 9), "A, B"),
    "100 % turnout": (lambda: _frame(12, turnout=1.0), "A, B"),
    "one party": (lambda: _frame(12, parties=("A",)), "A"),
    "simulated, 3 stations": (lambda: es.simulate_election(n_stations=3, rng=0).election, "simulated"),
}
TWINS = {
    "A, B": lambda: _frame(150),
    "A": lambda: _frame(150, parties=("A",)),
    "simulated": lambda: es.simulate_election(n_stations=150, rng=0).election,
}

_HEALTHY_COUNTS = np.random.default_rng(5).integers(10, 5000, 500).tolist()
COUNTS = {
    "empty": [],
    "single count": [37],
    "two counts": [37, 512],
    "all zero": [0] * 20,
    "constant": [55] * 20,
    "one-digit counts": [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3],
    "mostly zeros": [0, 0, 0, 12, 340, 0, 5600],
}

VOTES = {
    "one party": {"A": 100},
    "two equal": {"A": 50, "B": 50},
    "a party with 0 votes": {"A": 100, "B": 0, "C": 40},
    "all zero": {"A": 0, "B": 0},
    "30 parties": {f"p{i}": 1000 + i for i in range(30)},
}
_HEALTHY_VOTES = {"A": 5200, "B": 3100, "C": 1200, "D": 500}


def _den(c: list) -> list:
    return [2 * x + 10 for x in c]


# ---------------------------------------------------------------------------------------
# how each public function is called
# ---------------------------------------------------------------------------------------

N = 49  # resamples: enough to compute, small enough to be fast

ON_ELECTION = {
    "basic_forensics": lambda e: es.basic_forensics(e, n_resamples=N, rng=0),
    "cumulative_votes": lambda e: es.cumulative_votes(e),
    "excess_votes": lambda e: es.excess_votes(e, n_resamples=N, rng=0),
    "fingerprint": lambda e: es.fingerprint(e),
    "fit_fraud_model": lambda e: es.fit_fraud_model(e, rng=0, n_nodes=8),
    "fraud.fit_klimek2012": lambda e: es.fraud.fit_klimek2012(e, rng=0),
    "integer_percentage_test": lambda e: es.integer_percentage_test(e, n_resamples=N, rng=0),
    "shape_statistics": lambda e: es.shape_statistics(e, n_resamples=N, rng=0),
    "sobyanin_sukhovolsky": lambda e: es.sobyanin_sukhovolsky(e, n_resamples=N, rng=0),
    "spikes_test": lambda e: es.spikes_test(e, n_resamples=19, rng=0),
    "group_apply": lambda e: es.group_apply(lambda x: es.last_digit_test(x, x.parties[0]), e),
}
ON_ELECTION_BY = {  # the same functions per region, where they take by=
    "basic_forensics": lambda e: es.basic_forensics(e, by="region", n_resamples=N, rng=0),
}

ON_COUNTS = {
    "first_digit_test": lambda c: es.first_digit_test(c),
    "second_digit_test": lambda c: es.second_digit_test(c),
    "last_digit_test": lambda c: es.last_digit_test(c),
    "last_two_digits_test": lambda c: es.last_two_digits_test(c),
    "zero_five_test": lambda c: es.zero_five_test(c),
    "percent_zero_five_test": lambda c: es.percent_zero_five_test(c, _den(c)),
    "digit_tests": lambda c: es.digit_tests(c, denominator=_den(c)),
}
ON_COUNTS_SIZE_AWARE = {
    "first_digit_test": lambda c: es.first_digit_test(c, null="size-aware", denominator=_den(c)),
    "last_digit_test": lambda c: es.last_digit_test(
        c, null="montecarlo", denominator=_den(c), n_resamples=99, rng=0
    ),
    "second_digit_test": lambda c: es.second_digit_test(c, null="bootstrap", n_resamples=99, rng=0),
}
ON_COUNTS_OF_ELECTION = {  # digit tests on an Election and a party column
    n: (lambda f: lambda e: f(e, e.parties[0]))(getattr(es, n))
    for n in ("first_digit_test", "second_digit_test", "last_digit_test",
              "last_two_digits_test", "zero_five_test", "digit_tests")
}

ON_VOTES = {
    "allocate": lambda v: es.allocate(v, 5, ties="report"),
    "threshold_sweep": lambda v: es.threshold_sweep(v, 5, ties="report"),
    "invalid_sweep": lambda v: es.invalid_sweep(v, 5, threshold=0.05, ties="report"),
    "minimal_shift": lambda v: es.minimal_shift(v, 5, ties="report"),
    "allocation.disproportionality": lambda v: es.allocation.disproportionality(
        es.allocate(v, 5, ties="report")
    ),
}
ON_VOTES_MORE = {  # other rules on the same votes
    "allocate": lambda v: es.allocate(v, 5, method="dhondt", threshold=0.05, ties="report"),
    "minimal_shift": lambda v: es.minimal_shift(v, 5, threshold=0.3, target="passed", ties="report"),
}


SCREEN_TESTS = ["last digit", "first digit, size-aware", "integer percentages"]


@functools.lru_cache(maxsize=1)
def _scenarios():
    return es.kazakhstan_2021_scenarios()


def _claims():
    return es.claims.load()


#: Functions with their own inputs: name -> {case: call}; the first case is the healthy one.
OTHER = {
    "scenario_seats": {
        "all scenarios": lambda: es.scenario_seats(_scenarios(), n_resamples=50, rng=0),
    },
    "scenarios.scenario_bounds": {
        "all scenarios": lambda: es.scenarios.scenario_bounds(_scenarios()),
    },
    "consistency_checks": {
        "all scenarios": lambda: es.consistency_checks(),
        "one scenario": lambda: es.consistency_checks(dict(list(_scenarios().items())[:1])),
        "no scenario": lambda: es.consistency_checks({}),
    },
    "claims.load": {"bundled": lambda: es.claims.load()},
    "claims.contradictions": {
        "bundled": lambda: es.claims.contradictions(),
        "one claim": lambda: es.claims.contradictions(_claims().iloc[:1]),
        "no claims": lambda: es.claims.contradictions(_claims().iloc[:0]),
    },
    "claims.implications": {
        "bundled": lambda: es.claims.implications(),
        "no claims": lambda: es.claims.implications(_claims().iloc[:0]),
    },
    "claims.side_by_side": {
        "bundled": lambda: es.claims.side_by_side(),
        "no claims": lambda: es.claims.side_by_side(_claims().iloc[:0]),
    },
    "claims.interval": {
        "point": lambda: es.claims.interval(5.0, "=", 0.5),
        "zero resolution": lambda: es.claims.interval(5.0, ">=", 0.0),
    },
    "facts.load": {"bundled": lambda: es.facts.load()},
    "facts.party_results": {
        "kazakhstan-2021-majilis": lambda: es.facts.party_results("kazakhstan-2021-majilis"),
        "kazakhstan-2016-majilis": lambda: es.facts.party_results("kazakhstan-2016-majilis"),
        "kazakhstan-2023-majilis": lambda: es.facts.party_results("kazakhstan-2023-majilis"),
    },
    "facts.summary": {
        "kazakhstan-2021-majilis": lambda: es.facts.summary("kazakhstan-2021-majilis"),
        "kazakhstan-2016-majilis": lambda: es.facts.summary("kazakhstan-2016-majilis"),
    },
    "adjust_pvalues": {
        "two": lambda: es.adjust_pvalues(pd.DataFrame({"pvalue": [0.01, 0.5]})),
        "one": lambda: es.adjust_pvalues(pd.DataFrame({"pvalue": [0.01]})),
        "none": lambda: es.adjust_pvalues(pd.DataFrame({"pvalue": []})),
        "a missing p-value": lambda: es.adjust_pvalues(pd.DataFrame({"pvalue": [0.01, np.nan]})),
    },
    "simulate_election": {
        "400 stations": lambda: es.simulate_election(n_stations=400, rng=0),
        "1 station": lambda: es.simulate_election(n_stations=1, rng=0),
        "2 stations": lambda: es.simulate_election(n_stations=2, rng=0),
        "one party": lambda: es.simulate_election(n_stations=3, parties=1, rng=0),
    },
    "fraud.observers_scenario": {"default": lambda: es.fraud.observers_scenario(n_stations=500, registered_total=600_000, rng=0)},
    "calibrate": {
        "100 stations": lambda: es.calibrate(SCREEN_TESTS, n_stations=100, fraud_grid=[None], n_elections=3,
                                             n_resamples=19, rng=0, workers=1, progress=False),
        "1 station": lambda: es.calibrate(SCREEN_TESTS, n_stations=1, fraud_grid=[None], n_elections=3,
                                          n_resamples=19, rng=0, workers=1, progress=False),
    },
    "calibration_table": {
        "kazakhstan": lambda: es.calibration_table("kazakhstan"),
        "russia2011, one test": lambda: es.calibration_table("russia2011", test="last digit"),
    },
    "screen": {
        "healthy": lambda: es.screen([_frame(150)], SCREEN_TESTS, n_resamples=19, rng=0, workers=1, progress=False),
        "1 station": lambda: es.screen([_frame(1)], SCREEN_TESTS, n_resamples=19, rng=0, workers=1, progress=False),
    },
}

#: Columns NaN by definition for some rows of the input itself, with the reason.
NOT_APPLICABLE = {
    "allocate": {
        "quotient": "a party that is not admitted has no quotient",
        "remainder": "a party that is not admitted, or any party under a divisor method, has no remainder",
    },
    "minimal_shift": {
        "share_of_base": "a pair whose transfer changes nothing: the row's change says 'no change possible'",
        "votes_needed": "as share_of_base (a missing integer, shown as <NA>)",
    },
    "scenario_seats": {"votes": "a scenario given as ranges of shares has no point votes (kind 'range')"},
    "claims.load": {"cec_final": "a claim the final CEC count does not address"},
    "facts.party_results": {
        "votes": "2016: the CEC published percentages only (documented in the docstring)",
        "base": "as votes: no vote counts, so no base of the percentages",
    },
    "adjust_pvalues": {
        "pvalue": "the caller's own missing p-value",
        "pvalue_adjusted": "a missing p-value stays missing and is left out of the adjustment (documented)",
    },
    "facts.load": {
        "votes": "a fact that is a percentage or a seat count, not a vote count",
        "percent": "a fact that is a count",
        "seats": "a fact about votes or turnout",
        "value": "a party row (its numbers are in votes, percent, seats)",
    },
}


#: Slow functions run on a few of the degenerate elections only (test time).
FEWER_CASES = {"spikes_test": ("1 station", "100 % turnout", "simulated, 3 stations")}


def _cases() -> list:
    out = []
    for name, f in ON_ELECTION.items():
        out += [pytest.param(name, "election", f, case, id=f"{name}[{case}]")
                for case in FEWER_CASES.get(name, ELECTIONS)]
    for name, f in ON_ELECTION_BY.items():
        out += [pytest.param(name, "election", f, case, id=f"{name} by region[{case}]") for case in ELECTIONS]
    for table, tag in ((ON_COUNTS, ""), (ON_COUNTS_SIZE_AWARE, " size-aware")):
        for name, f in table.items():
            out += [pytest.param(name, "counts", f, case, id=f"{name}{tag}[{case}]") for case in COUNTS]
    for name, f in ON_COUNTS_OF_ELECTION.items():
        out += [pytest.param(name, "election", f, case, id=f"{name} on a column[{case}]") for case in ELECTIONS]
    for table, tag in ((ON_VOTES, ""), (ON_VOTES_MORE, " other rules")):
        for name, f in table.items():
            out += [pytest.param(name, "votes", f, case, id=f"{name}{tag}[{case}]") for case in VOTES]
    for name, calls in OTHER.items():
        out += [pytest.param(name, "other", calls, case, id=f"{name}[{case}]") for case in calls]
    return out


CASES = _cases()


def test_every_public_function_is_audited_or_skipped_with_a_reason():
    audited = {p.values[0] for p in CASES}
    missing = [n for n in public_functions() if n not in audited and n not in SKIP]
    assert not missing, f"add these public functions to CALLS or SKIP in {__file__}: {missing}"
    stale = [n for n in list(audited) + list(SKIP) if n not in public_functions()]
    assert not stale, f"no longer public: {stale}"


# ---------------------------------------------------------------------------------------
# the audit
# ---------------------------------------------------------------------------------------


def _as_frame(res: Any) -> pd.DataFrame:
    if isinstance(res, pd.DataFrame):
        return res
    if isinstance(res, pd.Series):
        return res.to_frame().T if res.dtype == object else res.to_frame()
    if isinstance(res, tuple):
        return pd.DataFrame([list(res)])
    if isinstance(res, es.SimulatedElection):
        return res.election.data
    if hasattr(res, "to_frame"):
        return res.to_frame()
    if dataclasses_is(res):
        return pd.DataFrame([{k: v for k, v in vars(res).items() if np.isscalar(v)}])
    raise AssertionError(f"cannot audit a {type(res).__name__}")


def dataclasses_is(obj: Any) -> bool:
    import dataclasses

    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def _nan_mask(df: pd.DataFrame) -> pd.DataFrame:
    def col(s: pd.Series) -> pd.Series:
        if s.dtype == object:
            return s.map(lambda v: v is pd.NA or (isinstance(v, (float, np.floating)) and v != v))
        if pd.api.types.is_numeric_dtype(s):
            return s.isna()
        return pd.Series(False, index=s.index)

    return df.apply(col) if len(df.columns) else df.astype(bool)


def _keys(df: pd.DataFrame) -> list[tuple]:
    text = [c for c in df.columns if df[c].dtype == object and df[c].map(lambda v: isinstance(v, str)).all()]
    return [tuple(row) for row in df[text].astype(str).itertuples(index=False)] if text else [()] * len(df)


def unexplained_nan(res: Any, healthy_of: Callable[[], Any], name: str) -> list[str]:
    """Cells NaN in ``res`` that the healthy twin (``healthy_of()``, computed only when
    ``res`` has NaN cells) fills, and that are not NaN by definition."""
    df = _as_frame(res)
    mask = _nan_mask(df)
    if not mask.to_numpy().any():
        return []
    allowed = set(NOT_APPLICABLE.get(name, {}))
    healthy = healthy_of()
    if healthy is not None:
        hdf = _as_frame(healthy)
        hmask = _nan_mask(hdf)
        all_nan = {c for c in hdf.columns if len(hdf) and hmask[c].all()}
        by_key: dict[tuple, set] = {}
        for key, (_, row) in zip(_keys(hdf), hmask.iterrows()):
            by_key.setdefault(key, set()).update(c for c in hdf.columns if row[c])
        out = []
        for key, (i, row) in zip(_keys(df), mask.iterrows()):
            ok = by_key.get(key, all_nan) | all_nan | allowed
            out += [f"row {key or i}: {c}" for c in df.columns if row[c] and c not in ok]
        return out
    return [f"row {i}: {c}" for i, row in mask.iterrows() for c in df.columns if row[c] and c not in allowed]


def assert_clear_error(exc: BaseException, label: str) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1].filename if frames else ""
    assert isinstance(exc, (ValueError, TypeError, KeyError)), (
        f"{label}: raised {type(exc).__name__} ({exc}), not a ValueError/TypeError on purpose"
    )
    assert where.startswith(PACKAGE_DIR), (
        f"{label}: {type(exc).__name__} raised inside {where}, not by electionstats: {exc}"
    )
    assert len(str(exc)) >= 20, f"{label}: message too short to say what to fix: {exc!r}"


def _run(call: Callable[[], Any]) -> tuple[Any, BaseException | None, list]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return call(), None, caught
        except Exception as exc:  # noqa: BLE001 -- judged by assert_clear_error
            return None, exc, caught


@functools.lru_cache(maxsize=None)
def _healthy(name: str, kind: str, tag: str, func_id: int) -> Any:
    """The same call on a healthy input (None if the call does not apply to it, e.g. by=
    regions on an election without regions: then the degenerate call must raise or have
    no NaN at all)."""
    func = _FUNCS[func_id]
    data = {"counts": _HEALTHY_COUNTS, "votes": _HEALTHY_VOTES}.get(kind)
    res, exc, _ = _run(lambda: func(data if data is not None else TWINS[tag]()))
    return None if exc is not None else res


_FUNCS: dict[int, Callable] = {}


@pytest.mark.parametrize(("name", "kind", "func", "case"), CASES)
def test_no_nan_without_a_warning_that_says_why(name, kind, func, case):
    label = f"{name} on {case}"
    if kind == "other":
        healthy_call = next(iter(func.values()))
        call = func[case]

        def healthy_of():
            if call is healthy_call:
                return None
            healthy, hexc, _ = _run(healthy_call)
            assert hexc is None, f"{name}: the healthy case fails: {hexc}"
            return healthy
    else:
        _FUNCS[id(func)] = func
        tag = ELECTIONS[case][1] if kind == "election" else ""
        if kind == "election":
            election = ELECTIONS[case][0]()
            call = functools.partial(func, election)
        else:
            data = COUNTS[case] if kind == "counts" else VOTES[case]
            call = functools.partial(func, data)
        healthy_of = functools.partial(_healthy, name, kind, tag, id(func))
    res, exc, caught = _run(call)
    foreign = [w for w in caught if not issubclass(w.category, es.ElectionStatsWarning)]
    assert not foreign, f"{label}: warnings that are not the package's: " + "; ".join(
        f"{w.category.__name__}: {w.message} ({os.path.basename(w.filename)}:{w.lineno})" for w in foreign
    )
    if exc is not None:
        assert_clear_error(exc, label)
        return
    ours = [w for w in caught if issubclass(w.category, es.ElectionStatsWarning)]
    for w in ours:
        assert len(str(w.message)) >= 20, f"{label}: a warning too short to say why: {w.message}"
    nan_cells = unexplained_nan(res, healthy_of, name)
    assert not nan_cells or ours, (
        f"{label}: NaN without a warning in {len(nan_cells)} cell(s), e.g. {nan_cells[:5]}"
    )
