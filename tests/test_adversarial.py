"""Adversarial inputs of the kinds in issue 9's root causes, on functions not yet covered.

Each block names the root cause it feeds (RC1 booleans in counts, RC2 totals of 2**63,
RC3 relabelling, RC4 European thousands separators, RC5 precision above 2**53, RC8 empty
inputs, RC9 unchecked options, RC11 sets and NaN, RC12 negative seeds, RC13 the command
line, RC15 raw errors and float32 levels, RC16 sizes that cannot fit) and pins the
message or the result. The option checks (``rng``, ``n_resamples``, ``confidence_level``,
``alpha``) are driven by the signatures: every public function that takes one of these
parameters must be listed in ``CALLS`` (or ``NOT_OPTIONS`` with the reason), so a new
function is checked as soon as it is exported.
"""

from __future__ import annotations

import inspect
import os
import sys
import traceback
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats.__main__ import main

sys.path.insert(0, os.path.dirname(__file__))
from test_no_silent_nan import _frame, public_functions  # noqa: E402

PACKAGE_DIR = os.path.dirname(es.__file__)
VOTES = {"A": 500, "B": 300, "C": 120}


def _get(name: str):
    obj = es
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _election():
    return _frame(30)


def _counts():
    return [int(x) for x in np.random.default_rng(0).integers(10, 3000, 40)]


#: A small valid call of every public function that takes rng, n_resamples,
#: confidence_level or alpha: name -> (args factory, keywords).
CALLS = {
    "basic_forensics": (lambda: (_election(),), {"n_resamples": 19}),
    "digit_tests": (lambda: (_counts(),), {}),
    "first_digit_test": (lambda: (_counts(),), {}),
    "second_digit_test": (lambda: (_counts(),), {}),
    "last_digit_test": (lambda: (_counts(),), {}),
    "last_two_digits_test": (lambda: (_counts(),), {}),
    "zero_five_test": (lambda: (_counts(),), {}),
    "percent_zero_five_test": (lambda: (_counts(), [2 * c + 10 for c in _counts()]), {}),
    "excess_votes": (lambda: (_election(),), {"n_resamples": 19}),
    "fit_fraud_model": (lambda: (es.simulate_election(60, rng=0).election,), {"n_nodes": 8}),
    "fraud.fit_klimek2012": (lambda: (es.simulate_election(60, rng=0).election,), {"n_iterations": 2}),
    "integer_percentage_test": (lambda: (_election(),), {"n_resamples": 19}),
    "scenario_seats": (lambda: (es.kazakhstan_2021_scenarios(),), {"n_resamples": 19, "exact": False}),
    "screen": (lambda: ([_election()], ["last digit"]), {"workers": 1, "progress": False, "n_resamples": 19}),
    "calibrate": (lambda: (["last digit"],), {"n_stations": 20, "fraud_grid": [None], "n_elections": 2,
                                              "workers": 1, "progress": False, "n_resamples": 19}),
    "shape_statistics": (lambda: (_election(),), {"n_resamples": 19}),
    "sobyanin_sukhovolsky": (lambda: (_election(),), {"n_resamples": 19}),
    "spikes_test": (lambda: (_election(),), {"n_resamples": 5}),
    "simulate_election": (lambda: (5,), {}),
    "fraud.observers_scenario": (lambda: (), {"n_stations": 50, "registered_total": 50_000}),
    "adjust_pvalues": (lambda: (pd.DataFrame({"pvalue": [0.1, 0.2]}),), {}),
    "group_apply": (lambda: (lambda e: es.last_digit_test(e, "A", rng=0), _election()), {}),
}
#: (function, parameter) pairs that take the name but not the meaning, with the reason.
NOT_OPTIONS = {
    ("fraud.observers_scenario", "alpha"): "alpha is the Klimek model's exponent, not a significance level",
    ("report.build_report", "rng"): "writes a report to disk (tests/test_report.py, tests/test_cli.py)",
    ("report.build_report", "n_resamples"): "writes a report to disk (tests/test_report.py)",
    ("report.kazakhstan_sections", "rng"): "report sections (tests/test_report.py)",
}
BAD = {
    "rng": [(True, TypeError, "a boolean is not a seed"),
            (-1, ValueError, "seed must be a non-negative integer"),
            (1.5, TypeError, "must be None, an integer seed"),
            ("7", TypeError, "must be None, an integer seed"),
            (np.random.RandomState(0), TypeError, "legacy RandomState")],
    "n_resamples": [(False, TypeError, "integer"), (-1, ValueError, "integer"),
                    (10.0, TypeError, "integer"), ("100", TypeError, "integer")],
    "confidence_level": [(float("nan"), ValueError, "not NaN"), (1.0, ValueError, "strictly between 0 and 1"),
                         (0, ValueError, "strictly between 0 and 1"), (True, TypeError, "real number"),
                         ("0.95", TypeError, "real number")],
    "alpha": [(float("nan"), ValueError, "not NaN"), (0, ValueError, "strictly between 0 and 1"),
              (1, ValueError, "strictly between 0 and 1"), (True, TypeError, "real number"),
              (-0.1, ValueError, "strictly between 0 and 1")],
}
#: Values every such function must accept (numpy types, float32 levels: RC15).
GOOD = {"confidence_level": np.float32(0.9), "alpha": np.float32(0.05), "rng": np.int8(3)}


def _option_cases():
    out = []
    for name in public_functions():
        params = inspect.signature(_get(name)).parameters
        for p in BAD:
            if p in params and (name, p) not in NOT_OPTIONS:
                out.append(pytest.param(name, p, id=f"{name}-{p}"))
    return out


OPTION_CASES = _option_cases()


def test_every_function_with_an_option_parameter_is_checked():
    missing = sorted({c.values[0] for c in OPTION_CASES} - set(CALLS))
    assert not missing, f"add a small valid call of {missing} to CALLS in {__file__}"


@pytest.mark.parametrize(("name", "param"), OPTION_CASES)
def test_bad_options_are_refused_naming_the_parameter(name, param):
    """RC9, RC12, RC15: the shared validators, for every function that takes the option."""
    func = _get(name)
    args, kwargs = CALLS[name]
    for value, error, match in BAD[param]:
        with pytest.raises(error, match=match) as info:
            func(*args(), **{**kwargs, param: value})
        assert f"`{param}`" in str(info.value), (name, param, value, str(info.value))
        where = traceback.extract_tb(info.value.__traceback__)[-1].filename
        assert where.startswith(PACKAGE_DIR), f"{name}({param}={value!r}) raised in {where}"


@pytest.mark.parametrize("param", sorted(GOOD))
def test_numpy_typed_options_are_accepted(param):
    """RC15: ``np.float32(0.95)`` is a confidence level, ``np.int8(3)`` a seed."""
    fast = ("last_digit_test", "excess_votes", "adjust_pvalues", "simulate_election", "scenario_seats")
    checked = 0
    for name in fast:
        if param in inspect.signature(_get(name)).parameters:
            args, kwargs = CALLS[name]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", es.ElectionStatsWarning)
                _get(name)(*args(), **{**kwargs, param: GOOD[param]})
            checked += 1
    assert checked


# ---------------------------------------------------------------------------------------
# RC1, RC2, RC5: counts that are not counts, or too large to be exact
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: es.threshold_sweep([True, 300, 120], 10), TypeError, r"`votes` mixes booleans into counts at index labels \[0\]"),
        (lambda: es.minimal_shift([500, np.bool_(True), 120], 10), TypeError, r"`votes` mixes booleans"),
        (lambda: es.invalid_sweep({"A": 500, "B": True}, 10, threshold=0.05), TypeError, r"index labels \['B'\]"),
        (lambda: es.allocation.disproportionality([500, 300, 120], [True, 2, 0]), TypeError, r"`seats` mixes booleans"),
        (lambda: es.percent_zero_five_test([10, 20, 30], [True, 40, 50]), TypeError, "`denominator` holds booleans"),
        (lambda: es.threshold_sweep([2**63, 300, 120], 10), ValueError, r"`votes` has counts above 2\*\*53"),
        (lambda: es.invalid_sweep({"A": 2**63, "B": 5}, 10, threshold=0.05), ValueError, r"above 2\*\*53 .* \['A'\]"),
        (lambda: es.minimal_shift(np.array([2**64 - 1, 5], dtype=np.uint64), 10), ValueError, r"above 2\*\*53"),
        (lambda: es.threshold_sweep([2**52] * 3, 10), ValueError, "too many for exact 64-bit arithmetic"),
        (lambda: es.allocate(VOTES, 10, other_valid=2**63), ValueError, r"`other_valid` has counts above 2\*\*53"),
        (lambda: es.allocate(VOTES, 10, participants=2**64, threshold_base="participants"), ValueError,
         r"`participants` has counts above 2\*\*53"),
        (lambda: es.last_digit_test(np.array([2**53 + 1] * 12, dtype=object)), ValueError,
         r"`counts` has counts above 2\*\*53 .* positions \[0, 1, 2, 3, 4\], \.\.\."),
        (lambda: es.last_digit_test(np.array([12, 2**53 + 3], dtype=np.int64)), ValueError, r"positions \[1\]"),
        (lambda: es.percent_zero_five_test([10, 20, 30], [2**53 + 1, 40, 50]), ValueError,
         r"`denominator` has counts above 2\*\*53"),
        (lambda: es.last_digit_test(pd.Series([12, 2**60], index=["x", "y"], dtype=object)), ValueError,
         r"index labels \['y'\]"),
    ],
)
def test_counts_that_are_not_exact_counts_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_count_just_at_2_53_is_read_exactly():
    """RC5: 2**53 itself is exact and passes; its last digit is 2 (9,007,199,254,740,992)."""
    res = es.last_digit_test(np.array([2**53] * 20, dtype=object), min_count=0, rng=0)
    assert res.observed.tolist() == [0, 0, 20, 0, 0, 0, 0, 0, 0, 0]


# ---------------------------------------------------------------------------------------
# RC3, RC11: labels, keys and sets
# ---------------------------------------------------------------------------------------


def test_sweeps_and_shifts_read_a_mapping_by_key_not_by_position():
    a = es.threshold_sweep(VOTES, 10).table
    b = es.threshold_sweep(VOTES, 10, parties=["C", "B", "A"]).table
    key = ["method", "base", "threshold", "party"]
    pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True),
                                  b.sort_values(key).reset_index(drop=True))
    assert es.minimal_shift(VOTES, 10, parties=["C", "B", "A"]).baseline.to_dict() == {"C": 1, "B": 3, "A": 6}
    with pytest.raises(ValueError, match=r"not in `votes`: \['D'\]"):
        es.threshold_sweep(VOTES, 10, parties=["A", "B", "D"])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: es.threshold_sweep([1, 2], 10, parties={"A", "B"}), "`parties` is a set"),
        (lambda: es.minimal_shift([1, 2], 10, parties=frozenset({"A", "B"})), "`parties` is a set"),
        (lambda: es.allocation.disproportionality([1, 2], [1, 1], parties={"A", "B"}), "`parties` is a set"),
        (lambda: es.allocate(VOTES, 10, tie_order={"A", "B", "C"}, ties="order"), "`tie_order` .* a set has no order"),
        (lambda: es.last_digit_test({10, 20, 30}), "`counts` must be a list, array or Series"),
        (lambda: es.percent_zero_five_test([10, 20], {40, 50}), "`denominator` must be a list"),
        (lambda: es.allocation.disproportionality([1, 2], {1, 2}), "`seats` is a set"),
    ],
)
def test_sets_are_refused_they_have_no_order(call, match):
    with pytest.raises(TypeError, match=match):
        call()


@pytest.mark.parametrize(
    ("parties", "match"),
    [(["A", "A", "B"], r"unique; \['A'\] appear more than once"),
     (["A", float("nan"), "B"], r"missing \(NaN or None\) labels at positions \[1\]"),
     (["A", None, "B"], r"missing \(NaN or None\) labels at positions \[1\]")],
)
def test_duplicate_or_missing_labels_are_refused_in_every_seat_function(parties, match):
    for func in (es.threshold_sweep, es.minimal_shift, es.invalid_sweep):
        with pytest.raises(ValueError, match=match):
            func([1, 2, 3], 10, parties=parties)


# ---------------------------------------------------------------------------------------
# RC9: thresholds, shares and levels read exactly
# ---------------------------------------------------------------------------------------


def test_float32_thresholds_in_sweeps_are_read_as_their_decimal():
    """A party at exactly 7 % passes a float32 0.07 (which is 0.0700000003 in binary)."""
    t = es.threshold_sweep({"A": 7, "B": 93}, 10, thresholds=[np.float32(0.07), np.float16(0.07)]).table
    assert t[t.party == "A"]["passed"].tolist() == [True, True]
    assert set(t["threshold"]) == {0.07}
    r = es.allocate({"A": 7, "B": 93}, 10, threshold=np.float32(0.07))
    assert r.threshold == Fraction(7, 100) and "A" in r.passed


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: es.threshold_sweep(VOTES, 10, thresholds=[float("nan")]), ValueError, "`thresholds` must be finite"),
        (lambda: es.threshold_sweep(VOTES, 10, thresholds=[True]), TypeError, "`thresholds` must be a number, not a boolean"),
        (lambda: es.threshold_sweep(VOTES, 10, thresholds=[7]), ValueError, "For 7 % pass 0.07"),
        (lambda: es.invalid_sweep(VOTES, 10, threshold=0.05, invalid_shares=[float("nan")]), ValueError,
         "`invalid_shares` must be finite"),
        (lambda: es.invalid_sweep(VOTES, 10, threshold=0.05, invalid_shares=[1.0]), ValueError,
         r"`invalid_shares` must be a share in \[0, 1\)"),
        (lambda: es.allocate(VOTES, 10, runner_up_factor=float("nan"), min_parties=2), ValueError,
         "`runner_up_factor` must be finite"),
        (lambda: es.allocate(VOTES, 10, min_parties=True), ValueError, "`min_parties` must be a non-negative integer"),
        (lambda: es.allocate(VOTES, 10.0), TypeError, "`seats` must be a non-negative integer"),
        (lambda: es.allocate(VOTES, 10, registered=100, threshold_base="registered", threshold=0.05),
         ValueError, r"`registered` \(100\) is smaller than the valid votes"),
    ],
)
def test_seat_options_are_checked(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------------
# RC8: empty inputs everywhere
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: es.allocate({}, 5), ValueError, "`votes` is empty"),
        (lambda: es.threshold_sweep([], 5), ValueError, "`votes` is empty"),
        (lambda: es.invalid_sweep(pd.Series([], dtype="int64"), 5, threshold=0.05), ValueError, "`votes` is empty"),
        (lambda: es.minimal_shift({}, 5), ValueError, "`votes` is empty"),
        (lambda: es.allocation.disproportionality([], []), ValueError, "`votes` is empty"),
        (lambda: es.threshold_sweep(VOTES, 5, thresholds=[]), ValueError, "`thresholds` is empty"),
        (lambda: es.scenario_seats({}), ValueError, "`scenarios` is empty"),
        (lambda: es.scenarios.scenario_bounds([]), ValueError, "`scenarios` is empty"),
        (lambda: es.consistency_checks({}), ValueError, r"`scenarios` lacks \['CEC final', 'Article', 'Observers'\]"),
        (lambda: es.screen([], workers=1, progress=False), ValueError, "`elections` is empty"),
        (lambda: es.adjust_pvalues(pd.DataFrame()), KeyError, "no p-value column 'pvalue'"),
        (lambda: es.adjust_pvalues([0.1, 0.2]), TypeError, "`table` must be a DataFrame"),
        (lambda: es.digit_tests([]), ValueError, "`counts` is empty"),
        (lambda: es.percent_zero_five_test([], []), ValueError, "`counts` is empty"),
        (lambda: es.simulate_election(0), ValueError, "`n_stations` must be a positive integer"),
        (lambda: es.claims.interval(float("nan"), "="), ValueError, "`value` must be finite"),
    ],
)
def test_empty_inputs_get_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_empty_claims_tables_give_empty_answers_not_errors():
    empty = es.claims.load().iloc[:0]
    assert es.claims.contradictions(empty).empty
    assert es.claims.side_by_side(empty).empty


# ---------------------------------------------------------------------------------------
# RC11, RC15: claims and facts
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: es.claims.contradictions(es.claims.load().assign(value=True)), TypeError, "`value` must be a number"),
        (lambda: es.claims.contradictions(es.claims.load().assign(value=np.nan)), ValueError,
         "column 'value' is missing, NaN or infinite for claim"),
        (lambda: es.claims.contradictions(es.claims.load().assign(resolution=-0.5)), ValueError,
         "column 'resolution' is negative"),
        (lambda: es.claims.interval(5, "=", -1), ValueError, "`resolution` must be >= 0"),
        (lambda: es.claims.interval(True, "="), TypeError, "`value` must be a number"),
        (lambda: es.claims.interval("5", "="), TypeError, "`value` must be a number"),
        (lambda: es.claims.interval(5, "~"), ValueError, "`comparator` must be one of"),
        (lambda: es.claims.contradictions(42), TypeError, "`claims` must be a claims table"),
        (lambda: es.claims.contradictions(pd.DataFrame({"x": [1]})), ValueError, r"`claims` lacks the column\(s\)"),
        (lambda: es.claims.contradictions("nope"), KeyError, "unknown claims case 'nope'"),
        (lambda: es.claims.implications(election="nope"), KeyError, "no bundled facts for 'nope'"),
        (lambda: es.facts.party_results(42), TypeError, "`election` must be a name"),
        (lambda: es.facts.summary("kazakhstan-2016-majilis"), ValueError, "no summary figures"),
        (lambda: es.consistency_checks([1, 2]), TypeError, "`scenarios` must be a mapping"),
        (lambda: es.cite("nope"), KeyError, r"unknown citation key\(s\) \['nope'\]"),
        (lambda: es.get_rules(42), ValueError, "`rules` must be a Rules object or one of"),
    ],
)
def test_claims_and_facts_refuse_wrong_input_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------------
# RC16: sizes that cannot fit are refused before any allocation, or run in bounded memory
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: es.minimal_shift({f"p{i}": 1000 + i for i in range(1000)}, 100),
         r"every ordered pair of parties \(n x \(n - 1\) searches, 999,000 here\); it is limited to 200 parties"),
        (lambda: es.scenario_seats(es.kazakhstan_2021_scenarios(), n_resamples=10**9, exact=False),
         r"would hold 37.3 GiB of votes in memory; the limit is 26,843,545 draws"),
        (lambda: es.kazakhstan_2021_scenarios()["Observers"].sample_votes(10**9), "the limit is"),
        (lambda: es.simulate_election(10**9), "above the limit of 10,000,000 stations"),
        (lambda: es.allocate(VOTES, 2**70), "too many for exact 64-bit arithmetic"),
    ],
)
def test_sizes_that_cannot_fit_are_refused_with_the_limit(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_billion_dhondt_seats_in_a_sweep_runs_in_bounded_memory():
    t = es.threshold_sweep(VOTES, 10**9, methods="dhondt", thresholds=[0, Fraction(1, 5)]).table
    assert t.groupby("threshold")["seats"].sum().tolist() == [10**9, 10**9]
    assert t[(t.threshold == 0) & (t.party == "A")]["seats"].item() == 543_478_261


# ---------------------------------------------------------------------------------------
# RC4, RC13: the command line
# ---------------------------------------------------------------------------------------

ROLES = ["--station-id", "id", "--registered", "reg", "--ballots-found", "ballots", "--party", "A", "B"]


def _cli_error(capsys, argv) -> str:
    assert main(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("electionstats: error: "), lines
    return lines[0]


def test_cli_refuses_european_thousands_separators(tmp_path, capsys):
    f = tmp_path / "eu.csv"
    f.write_text("id;reg;ballots;A;B\n1;1.000;600;400;200\n2;2.000;1.500;1.000;500\n", encoding="utf-8")
    line = _cli_error(capsys, ["report", str(f), *ROLES, "--out", str(tmp_path / "r"), "--no-progress"])
    assert "1.000" in line and "thousands separator" in line


@pytest.mark.parametrize(
    ("flags", "match"),
    [
        (["--n-resamples", "-5"], "--n-resamples"),
        (["--n-resamples", "1.5"], "--n-resamples"),
        (["--n-resamples", "True"], "--n-resamples"),
        (["--seed", "1e3"], "--seed"),
        (["--seed", "-7"], "--seed"),
    ],
)
def test_cli_refuses_bad_numbers_naming_the_flag(tmp_path, capsys, flags, match):
    f = tmp_path / "ok.csv"
    f.write_text("id,reg,ballots,A,B\n1,100,60,40,20\n2,200,150,100,50\n", encoding="utf-8")
    line = _cli_error(capsys, ["report", str(f), *ROLES, *flags, "--out", str(tmp_path / "r"), "--no-progress"])
    assert match in line


# ---------------------------------------------------------------------------------------
# The registered voters are not ballots: every turnout numerator is checked by the table
# ---------------------------------------------------------------------------------------

_SIM = es.simulate_election(400, rng=1).election
TURNOUT_CALLS = {
    # excess_votes returned 0.0 anomalous votes, integer_percentage_test NaN, shape
    # statistics and Sobyanin-Sukhovolsky NaN, fingerprint and cumulative votes a plot and
    # an estimate of 1.0: turnout = registered / registered = 1 at every station.
    "excess_votes": lambda t: es.excess_votes(_SIM, turnout=t, n_resamples=19, rng=0),
    "integer_percentage_test": lambda t: es.integer_percentage_test(_SIM, turnout=t, n_resamples=19, rng=0),
    "shape_statistics": lambda t: es.shape_statistics(_SIM, turnout=t, n_resamples=19, rng=0),
    "sobyanin_sukhovolsky": lambda t: es.sobyanin_sukhovolsky(_SIM, turnout=t, n_resamples=19, rng=0),
    "fingerprint": lambda t: es.fingerprint(_SIM, turnout=t),
    "cumulative_votes": lambda t: es.cumulative_votes(_SIM, turnout=t),
    "spikes_test": lambda t: es.spikes_test(_SIM, turnout=t, n_resamples=5, rng=0),
    "basic_forensics": lambda t: es.basic_forensics(_SIM, ballots=t, n_resamples=19, rng=0),
    "fit_fraud_model": lambda t: es.fit_fraud_model(_SIM, turnout=t, n_nodes=8),
}


@pytest.mark.parametrize("name", sorted(TURNOUT_CALLS))
@pytest.mark.parametrize("numerator", ["registered", "valid+registered"])
def test_registered_voters_are_refused_as_a_turnout_numerator(name, numerator):
    with pytest.raises((KeyError, ValueError), match="the registered voters are the denominator of turnout"):
        TURNOUT_CALLS[name](numerator)


def test_excess_votes_refuses_registered_voters_as_the_base_of_the_votes():
    """base='registered' made the 'other parties' votes' registered - party, non-voters
    included: 13,726 anomalous votes on a clean simulated election (4,713 with valid)."""
    with pytest.raises(ValueError, match=r"`base`='registered': the votes the party's votes are part of"):
        es.excess_votes(_SIM, base="registered", n_resamples=19, rng=0)
