"""Property-based tests of the digit tests (issue 9): invariants on odd but valid counts.

For the first, second, last, last-two, zero-or-five and percent-zero-or-five tests and
the ``digit_tests`` battery: station order does not matter; a list, an ndarray of any
integer type, a Series and an ``Election`` plus a column give identical results;
p-values lie in [0, 1]; the statistic equals one computed here from the decimal digits
of the counts (``str``), with the chi-square tail where the test says it used it; the
counts a test cannot use are counted and warned about as documented; a Monte Carlo null
is reproducible for a seed.

Hypothesis is derandomized (a fixed sequence of examples), so CI runs the same cases.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import electionstats as es

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])
FEW = settings(SETTINGS, max_examples=15)  # each example calls every input form

counts_lists = st.lists(st.integers(min_value=0, max_value=50_000), min_size=12, max_size=80).filter(
    lambda c: sum(x >= 10 for x in c) >= 3
)

TESTS = {
    "first digit": es.first_digit_test,
    "second digit": es.second_digit_test,
    "last digit": es.last_digit_test,
    "last two digits": es.last_two_digits_test,
    "zero or five": es.zero_five_test,
}
test_names = st.sampled_from(sorted(TESTS))


def quiet(func, *args, **kwargs):
    """Call ``func`` and return (result, package warnings); foreign warnings fail."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = func(*args, **kwargs)
    foreign = [w for w in caught if not issubclass(w.category, es.ElectionStatsWarning)]
    assert not foreign, [str(w.message) for w in foreign]
    return res, [w for w in caught if issubclass(w.category, es.ElectionStatsWarning)]


def key(res):
    return (res.n, res.n_excluded, float(res.statistic), float(res.pvalue), tuple(np.asarray(res.observed).tolist()))


# ---------------------------------------------------------------------------------------
# hand computations from the decimal digits
# ---------------------------------------------------------------------------------------


def hand_statistic(name: str, counts: list[int]) -> tuple[float, int]:
    """(statistic, n) from the decimal digits of the counts, the textbook definitions."""
    if name == "first digit":
        used = [c for c in counts if c >= 1]
        obs = np.bincount([int(str(c)[0]) for c in used], minlength=10)[1:]
        exp = np.log10(1 + 1 / np.arange(1, 10)) * len(used)
        return float(((obs - exp) ** 2 / exp).sum()), len(used)
    if name == "second digit":
        used = [c for c in counts if c >= 10]
        return float(np.mean([int(str(c)[1]) for c in used])), len(used)
    if name == "last digit":
        used = [c for c in counts if c >= 10]
        obs = np.bincount([int(str(c)[-1]) for c in used], minlength=10)
        exp = len(used) / 10
        return float(((obs - exp) ** 2 / exp).sum()), len(used)
    if name == "last two digits":
        used = [c for c in counts if c >= 10]
        return float(np.mean([str(c)[-1] == str(c)[-2] for c in used])), len(used)
    used = list(counts)
    return float(np.mean([str(c)[-1] in "05" for c in used])), len(used)


@SETTINGS
@given(counts=counts_lists, name=test_names)
def test_statistic_matches_a_hand_computation_from_the_decimal_digits(counts, name):
    res, _ = quiet(TESTS[name], counts, rng=0)
    stat, n = hand_statistic(name, counts)
    assert res.n == n and res.n + res.n_excluded == len(counts)
    assert res.statistic == pytest.approx(stat, rel=1e-12, abs=1e-12)
    assert 0 <= res.pvalue <= 1
    if res.pvalue_method.startswith("asymptotic chi-square"):
        assert res.pvalue == pytest.approx(stats.chi2.sf(stat, res.df), rel=1e-9)


@SETTINGS
@given(counts=counts_lists, name=test_names, data=st.data())
def test_station_order_does_not_matter(counts, name, data):
    order = data.draw(st.permutations(range(len(counts))))
    a, _ = quiet(TESTS[name], counts, rng=3)
    b, _ = quiet(TESTS[name], [counts[i] for i in order], rng=3)
    assert key(a) == key(b)


@SETTINGS
@given(counts=counts_lists, data=st.data())
def test_size_aware_nulls_do_not_depend_on_station_order(counts, data):
    den = [2 * c + 7 for c in counts]
    order = data.draw(st.permutations(range(len(counts))))
    for null in ("size-aware", "montecarlo"):
        kw = {"null": null, "n_resamples": 99} if null == "montecarlo" else {"null": null}
        a, _ = quiet(es.last_digit_test, counts, denominator=den, rng=5, **kw)
        b, _ = quiet(es.last_digit_test, [counts[i] for i in order],
                     denominator=[den[i] for i in order], rng=5, **kw)
        assert (a.n, a.n_excluded) == (b.n, b.n_excluded) and 0 <= b.pvalue <= 1
        if null == "size-aware":  # exact: equal up to the order of a floating-point sum
            assert b.statistic == pytest.approx(a.statistic, rel=1e-12)
            assert b.pvalue == pytest.approx(a.pvalue, rel=1e-12)
        # (the simulated null draws station by station, so its expected frequencies, hence
        # its statistic, depend on which station gets which random numbers)


@FEW
@given(counts=st.lists(st.integers(min_value=0, max_value=120), min_size=12, max_size=60).filter(
    lambda c: sum(x >= 10 for x in c) >= 3), name=test_names)
def test_list_array_series_and_election_column_give_identical_results(counts, name):
    f = TESTS[name]
    forms = {
        "list": counts,
        "object array": np.array(counts, dtype=object),
        "Series": pd.Series(counts, name="A"),
        "nullable Series": pd.Series(counts, dtype="Int64"),
        **{dt: np.array(counts, dtype=dt) for dt in ("int16", "uint8", "uint64")},
    }
    e = es.Election.from_frame(pd.DataFrame({"A": counts, "B": [1] * len(counts)}), parties=["A", "B"])
    ref, _ = quiet(f, counts, rng=11)
    for label, form in forms.items():
        res, _ = quiet(f, form, rng=11)
        assert key(res) == key(ref), label
    res, _ = quiet(f, e, "A", rng=11)
    assert key(res) == key(ref) and res.column == "A"


@FEW
@given(counts=counts_lists)
def test_battery_rows_equal_the_single_tests(counts):
    den = [2 * c + 7 for c in counts]
    table, _ = quiet(es.digit_tests, counts, denominator=den, rng=0)
    frame = table.to_frame()
    assert frame["pvalue"].between(0, 1).all()
    singles = {
        "first digit (Benford)": es.first_digit_test,
        "last digit (uniform)": es.last_digit_test,
    }
    for test, func in singles.items():
        row = frame.set_index("test").loc[test]
        res, _ = quiet(func, counts, denominator=den, rng=0)
        assert row["statistic"] == pytest.approx(res.statistic, rel=1e-12)
        assert row["n"] == res.n


@SETTINGS
@given(counts=counts_lists)
def test_percent_zero_five_matches_rounded_percentages(counts):
    den = [c + 3 * (i % 7) + 1 for i, c in enumerate(counts)]
    res, _ = quiet(es.percent_zero_five_test, counts, den)
    pct = [round(100 * c / d) for c, d in zip(counts, den)]  # Python's round: half to even
    assert res.statistic == pytest.approx(np.mean([p % 5 == 0 for p in pct]), abs=1e-12)
    assert res.n == len(counts) and 0 <= res.pvalue <= 1


@SETTINGS
@given(counts=counts_lists, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_monte_carlo_nulls_are_reproducible_for_a_seed(counts, seed):
    den = [2 * c + 7 for c in counts]
    a, _ = quiet(es.last_digit_test, counts, denominator=den, null="montecarlo", n_resamples=99, rng=seed)
    b, _ = quiet(es.last_digit_test, counts, denominator=den, null="montecarlo", n_resamples=99,
                 rng=np.random.default_rng(seed))
    assert key(a) == key(b)
    assert np.array_equal(a.null_distribution, b.null_distribution)
    assert a.pvalue == (1 + np.sum(a.null_distribution >= a.statistic - 1e-12)) / 100


@SETTINGS
@given(big=st.lists(st.integers(min_value=10, max_value=9999), min_size=3, max_size=20),
       n_small=st.integers(min_value=1, max_value=60), name=test_names)
def test_counts_a_test_cannot_use_are_counted_and_warned_about(big, n_small, name):
    # Counts below 10 have no second digit, no last two digits; the last-digit tests leave
    # them out by default; zeros have no first digit.
    small = [0 if name == "first digit" else 7] * n_small
    counts = big + small
    res, ours = quiet(TESTS[name], counts, rng=0)
    excluded = 0 if name == "zero or five" else n_small
    assert res.n_excluded == excluded and res.n == len(counts) - excluded
    messages = " ".join(str(w.message) for w in ours)
    if excluded > 0.5 * len(counts):
        assert f"{excluded:,} of {len(counts):,} counts" in messages
    if excluded:
        assert res.excluded_reason


@pytest.mark.parametrize("name", sorted(TESTS))
def test_only_unusable_counts_are_refused_naming_the_rule(name):
    unusable = [0] * 5 if name == "first digit" else [3] * 5
    if name == "zero or five":
        return  # every count has a last digit
    with pytest.raises(ValueError, match="no counts left for the .* test: 5 below"):
        TESTS[name](unusable)
