"""Tests of electionstats.digits: exact digits, reference values, peers, nulls, bad input."""

from __future__ import annotations

import contextlib
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from electionstats import DigitRangeWarning, SmallSampleWarning
from electionstats.digits import (
    DigitTestResult,
    benford_first_digit_probs,
    benford_second_digit_probs,
    digit_tests,
    first_digit_test,
    first_digits,
    last_digit_test,
    last_two_digits_test,
    percent_zero_five_test,
    second_digit_test,
    second_digits,
    zero_five_test,
)
from results.published import BENFORD_SECOND_DIGIT, EFT_RUSSIA_2011_UNITED_RUSSIA

# ----------------------------------------------------------------------------- digits


def test_digit_extraction_matches_string_slicing():
    rng = np.random.default_rng(0)
    x = np.concatenate(
        [
            np.arange(0, 2000),
            (10 ** rng.uniform(0, 18.9, 20000)).astype(np.int64),
            [10**18 - 1, 10**18, np.iinfo(np.int64).max, 99, 100, 999_999, 1_000_000],
        ]
    ).astype(np.int64)
    s = [str(v) for v in x]
    first = np.array([int(t[0]) if v > 0 else 0 for t, v in zip(s, x, strict=True)])
    second = np.array([int(t[1]) if len(t) > 1 else -1 for t in s])
    np.testing.assert_array_equal(first_digits(x), first)
    np.testing.assert_array_equal(second_digits(x), second)


def test_reference_distributions_from_formulas():
    p1 = benford_first_digit_probs()
    p2 = benford_second_digit_probs()
    assert p1.sum() == pytest.approx(1, abs=1e-15)
    assert p2.sum() == pytest.approx(1, abs=1e-15)
    # METHODS.md B1 / C19: E[d2] = 4.1874, P(d2 in {0,5}) = 0.2164, P(d2 = 0) = .11968
    b = BENFORD_SECOND_DIGIT
    assert p2 @ np.arange(10) == pytest.approx(b["mean"], abs=5e-5)
    assert p2[0] + p2[5] == pytest.approx(b["p05"], abs=5e-5)
    assert p2[0] == pytest.approx(b["p0"], abs=5e-6)
    assert ((np.arange(10) - b["mean"]) ** 2) @ p2 == pytest.approx(b["var"], abs=1e-3)


# ----------------------------------------------------------------------------- hand values


def test_hand_computed_statistics():
    x = [0, 5, 10, 15, 23, 47, 100, 131, 262, 988, 1099]
    r = zero_five_test(x)
    assert r.statistic == pytest.approx(5 / 11)  # 0, 5, 10, 15, 100
    assert r.n == 11 and r.n_excluded == 0
    r = last_digit_test(x, statistic="mean")  # LastC keeps every count
    assert r.statistic == pytest.approx(np.mean(np.array(x) % 10))
    r = last_digit_test(x)  # distribution: counts >= 10 by default
    assert r.n == 9 and r.n_excluded == 2 and "below 10" in r.excluded_reason
    r = second_digit_test(x)
    assert r.statistic == pytest.approx(np.mean([0, 5, 3, 7, 0, 3, 6, 8, 0]))
    r = last_two_digits_test(x, statistic="repeated")  # 00, 88, 99 of the 9 counts >= 10
    assert r.statistic == pytest.approx(3 / 9)
    r = last_two_digits_test(x, statistic="adjacent")  # 10, 23
    assert r.statistic == pytest.approx(2 / 9)
    r = percent_zero_five_test([1, 2, 7, 0, 5], [3, 8, 7, 0, 0])
    # 33.33 -> 33, 25 -> 25, 100, 0/0 dropped, 5/0 = inf -> capped at 100
    assert r.statistic == pytest.approx(3 / 4) and r.n_excluded == 1


def test_percent_rounding_is_half_to_even():
    # 100 * 1/8 = 12.5 -> 12 (even); 100 * 3/8 = 37.5 -> 38; 100 * 5/40 = 12.5 -> 12
    r = percent_zero_five_test([1, 3, 5], [8, 8, 40])
    np.testing.assert_array_equal(r.observed, np.bincount([2, 8, 2], minlength=10))


def test_reference_pvalues_match_closed_forms():
    from scipy import stats

    rng = np.random.default_rng(3)
    x = rng.integers(10, 10_000, 20_000)
    r = last_digit_test(x)
    obs = np.bincount(x % 10, minlength=10)
    chi2 = stats.chisquare(obs)
    assert r.statistic == pytest.approx(chi2.statistic, rel=1e-12)
    assert r.pvalue == pytest.approx(chi2.pvalue, rel=1e-9)
    g = last_digit_test(x, gof="g")
    assert g.statistic == pytest.approx(
        stats.power_divergence(obs, lambda_="log-likelihood").statistic, rel=1e-12
    )
    z = zero_five_test(x)
    k = int(np.isin(x % 10, [0, 5]).sum())
    assert z.pvalue == pytest.approx(stats.binomtest(k, x.size, 0.2).pvalue, rel=1e-12)
    # exact (convolution) and normal p-values of the mean agree for moderate n
    m = x[:3000]
    exact = last_digit_test(m, statistic="mean", method="exact")
    normal = last_digit_test(m, statistic="mean", method="asymptotic")
    assert exact.pvalue == pytest.approx(normal.pvalue, abs=0.01)


def test_exact_mean_on_tiny_sample_by_enumeration():
    # n = 2 digits uniform on 0..9: P(sum >= 17) = 3/100 (8+9, 9+8, 9+9)
    r = last_digit_test([18, 19], statistic="mean", alternative="greater", min_count=0)
    assert r.pvalue == pytest.approx(3 / 100, abs=1e-12)


# ----------------------------------------------------------------------------- peers

# benford_py 0.5.0, decimals=0, on negative_binomial(2, 0.004, 5000) with seed 20261127
_BENFORD_PY_STORED = {
    "first": (288.4973, [1067, 774, 690, 640, 556, 400, 329, 300, 244]),
    "second": (10.706, [602, 563, 526, 535, 459, 492, 440, 454, 470, 454]),
}


def _peer_data():
    return np.random.default_rng(20261127).negative_binomial(2, 0.004, 5000).astype(np.int64)


def _run_benford_py(x):
    benford = pytest.importorskip("benford")
    out = {}
    for key, func, kw in (
        ("first", benford.first_digits, {"digs": 1}),
        ("second", benford.second_digit, {}),
    ):
        buf = io.StringIO()
        with warnings.catch_warnings(), contextlib.redirect_stdout(buf):
            warnings.simplefilter("ignore")
            df = func(x, decimals=0, show_plot=False, chi_square=True, confidence=95, **kw)
        chi = float(re.search(r"Chi-square statistic is (\d+\.\d+)", buf.getvalue()).group(1))
        out[key] = (chi, df.sort_index()["Counts"].tolist())
    return out


@pytest.mark.parametrize("source", ["stored", "live"])
def test_agrees_with_benford_py(source):
    x = _peer_data()
    ref = _BENFORD_PY_STORED if source == "stored" else _run_benford_py(x)
    first = first_digit_test(x)
    second = second_digit_test(x, statistic="distribution")
    assert first.observed.tolist() == ref["first"][1]
    assert second.observed.tolist() == ref["second"][1]
    assert first.statistic == pytest.approx(ref["first"][0], abs=1e-4)
    assert second.statistic == pytest.approx(ref["second"][0], abs=1e-4)


# ----------------------------------------------------------------------------- real data


def test_russia_2011_united_russia(load_dataset):
    e = load_dataset("russia-2011-duma")
    ur = e.counts("United Russia")
    eft = EFT_RUSSIA_2011_UNITED_RUSSIA
    assert round(second_digit_test(ur).statistic, 4) == eft["_2BL"]
    assert round(last_digit_test(ur, statistic="mean").statistic, 4) == eft["LastC"]
    assert round(zero_five_test(ur).statistic, 4) == eft["C05s"]


# ----------------------------------------------------------------------------- guardrails


def test_narrow_range_warns_for_first_digit():
    x = np.random.default_rng(1).integers(200, 900, 500)
    with pytest.warns(DigitRangeWarning, match="orders of magnitude"):
        r = first_digit_test(x)
    assert r.orders_of_magnitude < 1 and "orders of magnitude" in r.notes


def test_many_counts_below_minimum_warn():
    x = np.r_[np.arange(1, 10), [12, 34]]
    with pytest.warns(SmallSampleWarning, match="excluded"):
        r = second_digit_test(x)
    assert r.n == 2 and r.n_excluded == 9 and "excluded" in r.notes


def test_small_expected_cells_use_exact_or_warn():
    x = [11, 23, 35, 47, 59, 61, 73, 85, 97, 19]
    r = last_digit_test(x, rng=0)
    assert "Monte Carlo from the reference multinomial" in r.pvalue_method
    with pytest.warns(SmallSampleWarning, match="expected cell counts are small"):
        last_digit_test(x, method="asymptotic")


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("counts", "error", "match"),
    [
        ([1, 2, -3], ValueError, r"`counts` has negative values \(e.g. -3\) at positions \[2\]"),
        ([1.5, 2, 3], ValueError, "non-integer values"),
        ([1, np.nan, 3], ValueError, "NaN values .* nan_policy='omit'"),
        ([], ValueError, "`counts` is empty"),
        (["12", "abc"], TypeError, "holds text"),
        (np.array(["12", "30"]), TypeError, "holds text"),
        ([1, np.inf], ValueError, "infinite"),
        ([True, False], TypeError, "booleans"),
        ([[1, 2], [3, 4]], ValueError, "one-dimensional"),
        ("123", TypeError, "not a string"),
    ],
)
def test_bad_counts_raise(counts, error, match):
    with pytest.raises(error, match=match):
        last_digit_test(counts)


def test_all_zero_counts():
    with pytest.raises(ValueError, match=r"no counts left .* 5 below 1 \(zeros have no first"):
        first_digit_test([0, 0, 0, 0, 0])
    r = zero_five_test([0, 0, 0, 0, 0])  # the toolkit keeps zeros: they end in 0
    assert r.statistic == 1.0 and r.n == 5


def test_nan_omit_is_reported_and_nullable_series_accepted():
    s = pd.Series([12, None, 45, 78, 1000], dtype="Int64")
    r = last_digit_test(s, nan_policy="omit", min_count=0, method="exact", rng=0)
    assert r.n == 4 and r.n_excluded == 1 and "1 NaN omitted" in r.excluded_reason
    with pytest.raises(ValueError, match="index labels"):
        last_digit_test(pd.Series([3, -1], index=["a", "b"]))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"null": "bogus"}, "`null` must be one of"),
        ({"gof": "ks"}, "`gof` must be one of"),
        ({"method": "fast"}, "`method` must be one of"),
        ({"nan_policy": "skip"}, "`nan_policy` must be one of"),
        ({"null": "montecarlo"}, "pass `denominator="),
        ({"null": "bootstrap"}, "applies to mean and share statistics"),
        ({"statistic": "median"}, "`statistic` must be"),
        ({"min_count": -1}, "`min_count` must be a non-negative integer"),
        ({"alternative": "less"}, "distribution tests are one-sided"),
        ({"dispersion": 0.1}, "only applies to the size-aware nulls"),
        ({"denominator": [1, 2]}, "one value per count"),
    ],
)
def test_bad_options_raise(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        last_digit_test([12, 13, 14], **kwargs)


# ----------------------------------------------------------------------------- nulls


def _clean_election(rng, n):
    reg = rng.integers(300, 3000, n)
    rate = rng.beta(30, 20, n)
    return rng.binomial(reg, rate), reg


def test_montecarlo_is_reproducible_and_size_aware():
    rng = np.random.default_rng(5)
    ballots, reg = _clean_election(rng, 2000)
    a = second_digit_test(ballots, null="montecarlo", denominator=reg, n_resamples=200, rng=7)
    b = second_digit_test(ballots, null="montecarlo", denominator=reg, n_resamples=200, rng=7)
    assert a.pvalue == b.pvalue and a.expected_value == b.expected_value
    # station sizes 300..3000 x 0.6: the size-aware 2BL is far from 4.187 and close to the data
    assert abs(a.expected_value - a.statistic) < 4 * a.null_distribution.std()
    assert abs(a.expected_value - a.reference_value) > 0.1
    assert isinstance(a, DigitTestResult) and a.null_distribution.shape == (200,)


def test_beta_binomial_widens_the_null():
    rng = np.random.default_rng(6)
    c, d = _clean_election(rng, 1000)
    kw = {"null": "montecarlo", "denominator": d, "n_resamples": 300, "statistic": "mean"}
    narrow = last_digit_test(c, rng=1, **kw).null_distribution.std()
    wide = last_digit_test(c, rng=1, dispersion=0.2, **kw).null_distribution.std()
    assert wide >= narrow * 0.9  # last digits stay uniform; never narrower by much
    f_narrow = first_digit_test(c, null="montecarlo", denominator=d, n_resamples=300, rng=1)
    f_wide = first_digit_test(
        c, null="montecarlo", denominator=d, n_resamples=300, rng=1, dispersion=0.2
    )
    assert (f_wide.band_high - f_wide.band_low).sum() > (f_narrow.band_high - f_narrow.band_low).sum()


def test_bootstrap_pvalue_consistent_with_interval():
    rng = np.random.default_rng(8)
    x = rng.integers(10, 2000, 3000)
    x[:300] = x[:300] // 10 * 10  # extra zeros
    for f in (zero_five_test, lambda v, **k: second_digit_test(v, **k)):
        r = f(x, null="bootstrap", n_resamples=999, rng=2)
        lo, hi = r.confidence_interval
        assert (lo > r.reference_value or hi < r.reference_value) == (r.pvalue < 0.05)
    r = zero_five_test(x, null="bootstrap", n_resamples=999, rng=2)
    assert r.pvalue < 0.01 and r.confidence_interval.low > 0.2


def test_digit_tests_bundle():
    rng = np.random.default_rng(9)
    c, d = _clean_election(rng, 3000)
    with pytest.warns(DigitRangeWarning):
        res = digit_tests(c, denominator=d)
    assert [r.test.split(" ")[0] for r in res.results] == [
        "first", "2BL", "last", "C05s", "repeated", "P05s"]
    table = res.to_frame()
    assert {"statistic", "pvalue", "n", "n_excluded", "excluded_reason", "effect_size"} <= set(
        table.columns)
    assert table["pvalue"].tolist() == [r.pvalue for r in res.results]
    assert res.result("C05s") is res.results[3]
    assert "C05s" in str(res.summary()) and "@article{benford1938" in res.cite()
    with pytest.raises(ValueError, match="unknown names"):
        digit_tests(c, tests=["benford"])


# ----------------------------------------------------------------------------- calibration

_N_ELECTIONS = 1000
_N_STATIONS = 300
_B = 99  # exact level 5/100 with (1 + #)/(1 + B)


def _calibration_tests():
    return {
        "first": lambda c, d, g: first_digit_test(c, null="montecarlo", denominator=d, n_resamples=_B, rng=g),
        "2BL": lambda c, d, g: second_digit_test(c, null="montecarlo", denominator=d, n_resamples=_B, rng=g),
        "last": lambda c, d, g: last_digit_test(
            c, null="montecarlo", denominator=d, n_resamples=_B, rng=g, min_count=0
        ),
        "C05s": lambda c, d, g: zero_five_test(c, null="montecarlo", denominator=d, n_resamples=_B, rng=g),
        "P05s": lambda c, d, g: percent_zero_five_test(c, d, null="montecarlo", n_resamples=_B, rng=g),
        "repeated": lambda c, d, g: last_two_digits_test(
            c, null="montecarlo", denominator=d, n_resamples=_B, rng=g
        ),
        "adjacent": lambda c, d, g: last_two_digits_test(
            c, statistic="adjacent", null="montecarlo", denominator=d, n_resamples=_B, rng=g
        ),
    }


def test_size_aware_null_is_calibrated_on_clean_elections():
    """1,000 clean simulated elections: every size-aware test rejects 3.5-6.5 % at 5 %.

    Design: 300 stations, registered ~ U{300..3000}, turnout ~ Beta(30, 20) per station,
    party A ~ Binomial(ballots, Beta(8, 12)); tests on ballots (denominator registered)
    and on A's votes (denominator ballots), alternating between elections.
    """
    rng = np.random.default_rng(20261127)
    tests = _calibration_tests()
    rejections = dict.fromkeys(tests, 0)
    for i in range(_N_ELECTIONS):
        ballots, reg = _clean_election(rng, _N_STATIONS)
        if i % 2:
            c, d = rng.binomial(ballots, rng.beta(8, 12, _N_STATIONS)), ballots
        else:
            c, d = ballots, reg
        for name, test in tests.items():
            rejections[name] += test(c, d, rng).pvalue <= 0.05
    rates = {k: v / _N_ELECTIONS for k, v in rejections.items()}
    assert all(0.035 <= r <= 0.065 for r in rates.values()), rates


def test_plugin_rates_are_conservative_for_leading_digits():
    """Documented limitation: each station's own rate remembers its leading digits."""
    rng = np.random.default_rng(4)
    p_plugin, p_fitted = [], []
    for _ in range(100):
        c, d = _clean_election(rng, 300)
        kw = {"null": "montecarlo", "denominator": d, "n_resamples": 99, "rng": rng}
        p_plugin.append(first_digit_test(c, rate_model="plugin", **kw).pvalue)
        p_fitted.append(first_digit_test(c, **kw).pvalue)
    assert np.median(p_plugin) > 0.7 > np.median(p_fitted) > 0.3


def test_fabricated_last_digits_are_detected():
    """30 % of 3,000 stations get human-like last digits (documented distribution).

    Fabricated last digits follow HUMAN = (.05, .11, .12, .12, .11, .06, .12, .13, .11, .07)
    for 0..9 (people avoid 0 and 5 and favour middle digits), and the fabricated units
    digit never repeats the tens digit (Beber and Scacco: fabricators under-use repeats).
    """
    human = np.array([0.05, 0.11, 0.12, 0.12, 0.11, 0.06, 0.12, 0.13, 0.11, 0.07])
    rng = np.random.default_rng(11)
    c, d = _clean_election(rng, 3000)
    fake = rng.random(c.size) < 0.3
    tens = (c // 10) % 10
    units = rng.choice(10, size=c.size, p=human)
    units = np.where(units == tens, (units + 1) % 10, units)  # no repeated pairs
    forged = np.where(fake, c - c % 10 + units, c)
    kw = {"null": "montecarlo", "denominator": d, "n_resamples": 999, "rng": 3}
    assert last_digit_test(forged, **kw).pvalue < 0.01
    assert last_digit_test(forged).pvalue < 0.01
    assert last_two_digits_test(forged, alternative="less", **kw).pvalue < 0.01
    assert zero_five_test(forged, alternative="less").pvalue < 0.01
    # and the untouched counts are not flagged
    assert last_digit_test(c, **kw).pvalue > 0.05


# ----------------------------------------------------------------------------- review additions


def test_pair_definitions_and_expectations_by_enumeration():
    # Every ending 00..99 exactly once (counts 100..199): the observed shares are the
    # reference values by construction of the enumeration, not of the code.
    x = np.arange(100, 200)
    pairs = [(v // 10 % 10, v % 10) for v in x]
    n_rep = sum(t == u for t, u in pairs)  # 00, 11, ..., 99
    n_adj = sum(abs(t - u) in (1, 9) for t, u in pairs)  # 01, 10, ..., 89, 98, 09, 90
    n_adj_line = sum(abs(t - u) == 1 for t, u in pairs)  # without 09 and 90
    assert (n_rep, n_adj, n_adj_line) == (10, 20, 18)
    # Beber and Scacco's published expectation: 70 % of fair pairs are neither repeated
    # nor adjacent (0 adjacent to both 1 and 9), i.e. adjacent = 1 - 0.70 - 0.10 = 0.20.
    assert 1 - 0.70 - 0.10 == pytest.approx(n_adj / 100)
    rep = last_two_digits_test(x, statistic="repeated")
    adj = last_two_digits_test(x, statistic="adjacent")
    line = last_two_digits_test(x, statistic="adjacent", adjacent_wrap=False)
    assert rep.statistic == pytest.approx(0.10) and rep.reference_value == pytest.approx(0.10)
    assert adj.statistic == pytest.approx(0.20) and adj.reference_value == pytest.approx(0.20)
    assert line.statistic == pytest.approx(0.18) and line.reference_value == pytest.approx(0.18)
    assert rep.pvalue == pytest.approx(1.0) and adj.pvalue == pytest.approx(1.0)
    # 0 and 9 are adjacent by default (09, 90), not with adjacent_wrap=False
    assert last_two_digits_test([109, 190, 1009], statistic="adjacent").statistic == 1.0
    assert last_two_digits_test([109, 190, 1009], statistic="adjacent",
                                adjacent_wrap=False).statistic == 0.0
    r = last_two_digits_test([109, 190, 1054], statistic="adjacent", adjacent_wrap=False)
    assert r.statistic == pytest.approx(1 / 3)
    with pytest.raises(TypeError, match="`adjacent_wrap` must be True or False"):
        last_two_digits_test(x, statistic="adjacent", adjacent_wrap="yes")


def test_exact_2bl_pvalue_by_enumeration():
    # two counts with second digits 8 and 9: P(d1 + d2 >= 17) under Benford's second-digit law
    p = benford_second_digit_probs()
    expected = 2 * p[8] * p[9] + p[9] ** 2
    r = second_digit_test([189, 99], alternative="greater", method="exact")
    assert r.pvalue == pytest.approx(expected, rel=1e-9)


def test_size_aware_expectation_matches_binomial_closed_form():
    # 400 stations, each count ~ Binomial(20, 0.5): P(count ends in 0 or 5) is a sum of
    # binomial probabilities, and the mean last digit is sum_k (k mod 10) P(k).
    from scipy import stats

    k = np.arange(21)
    pmf = stats.binom.pmf(k, 20, 0.5)
    p05 = pmf[k % 5 == 0].sum()
    lastc = (k % 10) @ pmf
    d = np.full(400, 20)
    c = np.full(400, 10)  # plug-in rate 0.5 at every station
    z = zero_five_test(c, null="montecarlo", denominator=d, n_resamples=2000, rng=0)
    m = last_digit_test(
        c, statistic="mean", null="montecarlo", denominator=d, n_resamples=2000, rng=0
    )
    se05 = np.sqrt(p05 * (1 - p05) / 400 / 2000)
    assert z.expected_value == pytest.approx(p05, abs=4 * se05)
    assert m.expected_value == pytest.approx(lastc, abs=0.01)
    # spread of the simulated share: binomial standard error of a share of 400 counts
    assert z.null_distribution.std() == pytest.approx(np.sqrt(p05 * (1 - p05) / 400), rel=0.1)


def test_bootstrap_spread_matches_closed_form():
    # bootstrap over stations of a share: sd ~ sqrt(p (1 - p) / n)
    rng = np.random.default_rng(12)
    x = rng.integers(10, 5000, 2000)
    r = zero_five_test(x, null="bootstrap", n_resamples=2000, rng=1)
    p = r.statistic
    assert r.null_distribution.std() == pytest.approx(np.sqrt(p * (1 - p) / x.size), rel=0.08)
    lo, hi = r.confidence_interval
    assert 2 * p - np.quantile(r.null_distribution, 0.975) == pytest.approx(lo)
    assert hi - lo == pytest.approx(2 * 1.96 * np.sqrt(p * (1 - p) / x.size), rel=0.1)


def test_same_seed_same_results_no_global_state():
    rng = np.random.default_rng(13)
    c, d = _clean_election(rng, 500)
    kw = {"null": "montecarlo", "denominator": d, "n_resamples": 99}
    np.random.seed(0)
    a = [r.pvalue for r in digit_tests(c, rng=5, **kw).results]
    np.random.seed(1)
    b = [r.pvalue for r in digit_tests(c, rng=np.random.default_rng(5), **kw).results]
    assert a == b


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: percent_zero_five_test([1, 2], None), ValueError, "`denominator` is required"),
        (
            lambda: last_digit_test([12, 13], confidence_level="x"),
            TypeError,
            "`confidence_level` must be",
        ),
        (
            lambda: last_digit_test(
                [12, 13], null="montecarlo", denominator=[20, 20], rate=["a", "b"]
            ),
            TypeError,
            "`rate` must hold numbers",
        ),
        (
            lambda: last_digit_test(
                [12, 13], null="montecarlo", denominator=[20, 20], rate=[True, False]
            ),
            TypeError,
            "`rate` holds booleans",
        ),
        (
            lambda: last_digit_test(pd.Series([12.0, np.nan], index=["a", "b"])),
            ValueError,
            r"NaN values at index labels \['b'\]",
        ),
    ],
)
def test_bad_input_review(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_uncapped_percentages_report_why_stations_are_excluded():
    with pytest.warns(SmallSampleWarning, match="excluded"):
        r = percent_zero_five_test([1, 2, 0], [3, 0, 0], cap=False)
    assert r.n == 1 and r.n_excluded == 2
    assert "denominator 0" in r.excluded_reason and "0/0" not in r.excluded_reason


def test_degenerate_bootstrap_warns():
    with pytest.warns(SmallSampleWarning, match="bootstrap replicates are all equal"):
        r = zero_five_test([3, 13, 23], null="bootstrap", rng=0)
    assert "all equal" in r.notes


# ----------------------------------------------------------------------------- exact size-aware null


def test_exact_size_aware_null_matches_binomial_closed_form():
    # 400 stations, each count ~ Binomial(20, 0.5): the share ending in 0 or 5 has mean
    # P05 = sum of binomial probabilities and variance P05 (1 - P05) / 400, exactly.
    from scipy import stats

    k = np.arange(21)
    pmf = stats.binom.pmf(k, 20, 0.5)
    p05 = pmf[k % 5 == 0].sum()
    d, c = np.full(400, 20), np.full(400, 10)
    z = zero_five_test(c, null="size-aware", denominator=d)
    assert z.expected_value == pytest.approx(p05, rel=1e-12)
    zs = (z.statistic - p05) / np.sqrt(p05 * (1 - p05) / 400)
    assert z.pvalue == pytest.approx(2 * stats.norm.sf(abs(zs)), rel=1e-9)
    m = last_digit_test(c, statistic="mean", null="size-aware", denominator=d)
    assert m.expected_value == pytest.approx((k % 10) @ pmf, rel=1e-12)
    np.testing.assert_allclose(m.expected_freq, np.bincount(k % 10, weights=pmf), rtol=1e-12)
    assert "exact" in z.pvalue_method and z.null_distribution is None


def test_exact_modular_probabilities_agree_with_the_pmf_sum():
    # Two independent computations of each station's last-digit probabilities: the
    # characteristic function (discrete Fourier transform) and the sum of the pmf.
    from electionstats import _digitcore, _nulls

    rng = np.random.default_rng(5)
    reg = rng.integers(0, 3001, 400)
    c = rng.binomial(reg, rng.beta(30, 20, 400))
    reg[:3], c[:3] = 0, 0  # denominator 0: held fixed
    c[3:5] = reg[3:5]  # rate 1: a point mass
    model = _nulls.rate_model(c, reg)
    for spec in (_digitcore.last_spec("distribution", None), _digitcore.last_two_spec("repeated", None)):
        assert _nulls._is_modular(spec)
        fourier = _nulls.size_aware_model(spec, model)
        q = np.zeros((model.counts.size, spec.k + 1))
        for i in np.flatnonzero(~model.fixed):  # brute force, station by station
            x = np.arange(reg[i] + 1)
            p = stats_binom_pmf(x, reg[i], model.rate[i])
            np.add.at(q[i], spec.code(x) + 1, p)
        q[model.fixed, spec.code(c[model.fixed]) + 1] = 1
        np.testing.assert_allclose(fourier.s1, q.sum(axis=0), atol=1e-9)
        if fourier.s2 is not None:
            np.testing.assert_allclose(fourier.s2, q.T @ q, atol=1e-9)
        # the summaries a mean or share test of many categories keeps instead of s2
        np.testing.assert_allclose(fourier.diagonal, np.diag(q.T @ q), atol=1e-9)
        np.testing.assert_allclose(fourier.first, (q.T @ q)[:, 0], atol=1e-9)
        basis = _nulls._forms_basis(spec)
        if basis is not None:  # a mean or share test: its quadratic forms
            np.testing.assert_allclose(fourier.gram, basis.T @ (q.T @ q) @ basis, atol=1e-8)


def test_exact_leading_digit_probabilities_agree_with_the_pmf_sum():
    # The run path (each run of equal codes read from the cumulative distribution, the
    # percentage runs found from percent_codes' own float arithmetic) against a brute-force
    # sum of scipy's pmf over every count, station by station: fitted beta-binomial
    # (one shared rate) and plug-in binomial, second digits, first digits, rounded
    # percentages (with exact halves, e.g. 1/200, 3/200 of 200 ballots) with and
    # without a minimum count.
    from scipy import stats

    from electionstats import _digitcore, _nulls

    rng = np.random.default_rng(8)
    reg = np.r_[rng.integers(1, 2500, 150), [1, 2, 3, 200, 200, 400, 1000]]
    c = np.r_[rng.binomial(reg[:150], rng.beta(30, 20, 150)), [0, 1, 3, 1, 3, 2, 1000]]
    specs = (_digitcore.second_spec("mean", 10), _digitcore.first_spec(0),
             _digitcore.percent_spec(0, True), _digitcore.percent_spec(3, True))
    for kind in ("fitted", "plugin"):
        model = _nulls.rate_model(c, reg, model=kind)
        exact = _nulls.size_aware_models(specs, model)
        for spec, got in zip(specs, exact):
            q = np.zeros((c.size, spec.k + 1))
            for i in np.flatnonzero(~model.fixed):
                x = np.arange(reg[i] + 1)
                if kind == "fitted":
                    s = (1 - model.dispersion) / model.dispersion
                    p = stats.betabinom.pmf(x, reg[i], model.rate[i] * s, (1 - model.rate[i]) * s)
                else:
                    p = stats.binom.pmf(x, reg[i], model.rate[i])
                codes = (_digitcore.percent_codes(x, np.full_like(x, reg[i]), spec.min_count, True)
                         if spec.uses_percent else spec.code(x))
                np.add.at(q[i], codes + 1, p)
                q[i] /= q[i].sum()
            assert not model.fixed.any()
            np.testing.assert_allclose(got.s1, q.sum(axis=0), atol=1e-9, err_msg=spec.test)
            np.testing.assert_allclose(got.s2, q.T @ q, atol=1e-9, err_msg=spec.test)
            np.testing.assert_allclose(got.diagonal, np.diag(q.T @ q), atol=1e-9)


def stats_binom_pmf(x, n, p):
    from scipy import stats

    return stats.binom.pmf(x, n, p)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, d, **k: second_digit_test(c, denominator=d, **k),
        lambda c, d, **k: first_digit_test(c, denominator=d, **k),
        lambda c, d, **k: last_digit_test(c, denominator=d, **k),
        lambda c, d, **k: zero_five_test(c, denominator=d, **k),
        lambda c, d, **k: percent_zero_five_test(c, d, **k),
        lambda c, d, **k: last_two_digits_test(c, statistic="adjacent", denominator=d, **k),
    ],
)
def test_exact_size_aware_null_agrees_with_its_simulation(call):
    rng = np.random.default_rng(21)
    c, d = _clean_election(rng, 800)
    exact = call(c, d, null="size-aware")
    sim = call(c, d, null="montecarlo", n_resamples=2000, rng=4)
    # expected frequencies: within 4 Monte Carlo standard errors of the simulation mean
    se = np.sqrt(exact.expected_freq * (1 - exact.expected_freq) / exact.n / 2000)
    assert np.all(np.abs(exact.expected_freq - sim.expected_freq) <= 4 * se + 1e-12)
    assert abs(exact.pvalue - sim.pvalue) < 0.06
    if exact._kind != "distribution":
        assert exact.expected_value == pytest.approx(sim.expected_value, abs=3 * np.std(sim.null_distribution) / np.sqrt(2000) + 1e-9)


def test_size_aware_null_with_every_station_fixed_warns():
    c = np.array([30, 45, 70, 12])
    d = np.array([10, 0, 20, 5])  # every count above its denominator or over 0
    with pytest.warns(SmallSampleWarning, match="every one of the 4 stations is held fixed"):
        r = zero_five_test(c, null="size-aware", denominator=d)
    assert np.isnan(r.pvalue)
    with pytest.warns(SmallSampleWarning, match="held fixed"):
        r = zero_five_test(c, null="montecarlo", denominator=d, n_resamples=50, rng=0)
    assert np.isnan(r.pvalue)


# ----------------------------------------------------------------------------- results, effect sizes, input


def test_effect_sizes_by_hand():
    # first digits: Nigrini's MAD = mean |observed freq - Benford|, with his ranges
    x = np.array([1, 1, 1, 2, 3, 9, 10, 15, 27, 300])  # first digits 1,1,1,2,3,9,1,1,2,3
    freq = np.bincount([1, 1, 1, 2, 3, 9, 1, 1, 2, 3], minlength=10)[1:] / 10
    r = first_digit_test(x, method="exact", n_resamples=99, rng=0)
    assert r.effect_size == pytest.approx(np.mean(np.abs(freq - benford_first_digit_probs())))
    assert r.effect_size_name.startswith("MAD") and r.conformity == "nonconformity"
    # a share: |p - p0| / sqrt(p0 (1 - p0)) (Cramér's V of the two-cell table)
    z = zero_five_test([10, 15, 23, 47, 100, 31, 62, 88, 94, 75])  # 4 of 10 end in 0 or 5
    assert z.effect_size == pytest.approx(0.2 / np.sqrt(0.16)) and z.effect_size_name == "Cramér's V"
    # a distribution: sqrt(X2 / (n (k - 1))) against the uniform reference
    c = np.array([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 20])
    obs = np.bincount(c % 10, minlength=10)
    x2 = ((obs - 1.2) ** 2 / 1.2).sum()
    d = last_digit_test(c)
    assert d.effect_size == pytest.approx(np.sqrt(x2 / (12 * 9)))
    # the mean last digit: Cohen's d in units of one uniform digit's sd
    m = last_digit_test([12, 35, 40, 7], statistic="mean")
    assert m.effect_size == pytest.approx((3.5 - 4.5) / np.sqrt(8.25))
    # Nigrini's second-digit ranges
    from electionstats._digitcore import conformity

    assert [conformity(v, "second") for v in (0.007, 0.009, 0.011, 0.02)] == [
        "close conformity", "acceptable conformity", "marginally acceptable conformity",
        "nonconformity"]


def test_results_have_the_same_columns_under_every_null_and_record_what_they_tested():
    rng = np.random.default_rng(3)
    c, d = _clean_election(rng, 300)
    counts = pd.Series(c, name="ballots")
    runs = [zero_five_test(counts, null=n, denominator=d, n_resamples=50, rng=1)
            for n in ("reference", "size-aware", "montecarlo", "bootstrap")]
    frames = [r.to_frame() for r in runs]
    assert all(list(f.columns) == list(frames[0].columns) for f in frames)
    table = pd.concat(frames, ignore_index=True)
    assert {"confidence_interval_low", "confidence_interval_high", "effect_size"} <= set(table)
    assert table["column"].eq("ballots").all() and table["n"].eq(300).all()
    assert table["null"].tolist() == ["reference", "size-aware", "montecarlo", "bootstrap"]
    assert np.isfinite(table["confidence_interval_low"].iloc[3])
    assert runs[1] == zero_five_test(counts, null="size-aware", denominator=d)
    assert "C05s" in str(runs[1].summary()) and "@article{benford1938" in runs[1].cite()


def test_election_and_column_input():
    import electionstats as es

    rng = np.random.default_rng(8)
    reg = rng.integers(300, 2000, 300)
    b = rng.binomial(reg, 0.6)
    a = rng.binomial(b, 0.5)
    e = es.Election.from_frame(pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a}),
                               registered="reg", ballots_found="b", parties=["A", "B"])
    r = es.last_digit_test(e, "ballots_found", null="size-aware")
    assert r.column == "ballots_found"
    import dataclasses

    same = last_digit_test(b, null="size-aware", denominator=reg)  # registered is the base
    assert r == dataclasses.replace(same, column="ballots_found")
    p = percent_zero_five_test(e, "A", null="size-aware")
    assert p.column == "A"
    assert p == dataclasses.replace(percent_zero_five_test(a, b, null="size-aware"), column="A")
    assert digit_tests(e, "A", null="size-aware").result("P05s").column == "A"
    with pytest.raises(KeyError):
        last_digit_test(e, "nobody")
    with pytest.raises(TypeError, match="pass the column to test"):
        last_digit_test(e)
    with pytest.raises(TypeError, match="names a column of an Election"):
        last_digit_test(b, "ballots_found")


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: last_digit_test([True, 5, 17]), TypeError, "booleans"),
        (lambda: last_digit_test(np.array([True, 5, 17], dtype=object)), TypeError, "booleans"),
        (lambda: zero_five_test([10, 15, 23], rate=[0.1, 0.2, 0.3]), ValueError,
         "null='reference' would ignore it"),
        (lambda: zero_five_test([10, 15, 23], null="bootstrap", n_resamples=10**8), ValueError,
         "above the limit of 10,000,000"),
        (lambda: first_digit_test([1, 2, 3], method="exact", n_resamples=10**8), ValueError,
         "use null='size-aware'"),
    ],
)
def test_issue9_root_causes(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_mad_and_conformity_agree_with_benford_py():
    # benford_py 0.5.0 on the peer data: first digits MAD 0.024205 ("Nonconformity"),
    # second digits MAD 0.003679 ("Close conformity"); stored, and re-run when installed.
    x = _peer_data()
    first = first_digit_test(x)
    second = second_digit_test(x, statistic="distribution")
    assert round(first.effect_size, 6) == 0.024205 and first.conformity == "nonconformity"
    assert round(second.effect_size, 6) == 0.003679 and second.conformity == "close conformity"
    try:
        import benford
    except ImportError:
        return
    buf = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(buf):
        warnings.simplefilter("ignore")
        benford.first_digits(x, digs=1, decimals=0, show_plot=False, MAD=True)
        benford.second_digit(x, decimals=0, show_plot=False, MAD=True)
    mads = [float(v) for v in re.findall(r"Mean Absolute Deviation: (\d+\.\d+)", buf.getvalue())]
    assert mads == pytest.approx([first.effect_size, second.effect_size], abs=5e-7)


def test_size_aware_model_of_many_categories_refuses_another_test():
    # A mean or share test of the last two digits keeps only its own quadratic forms (not
    # the 101 x 101 matrix), so reading another test's statistic from it is refused; tests
    # of up to 16 categories keep the whole matrix and serve any test of their code.
    from electionstats import _digitcore, _nulls

    rng = np.random.default_rng(3)
    reg = rng.integers(100, 2000, 300)
    model = _nulls.rate_model(rng.binomial(reg, 0.4), reg)
    repeated = _nulls.size_aware_model(_digitcore.last_two_spec("repeated", None), model)
    assert repeated.s2 is None
    with pytest.raises(ValueError, match="quadratic forms of another test"):
        repeated.forms(_digitcore.last_two_spec("adjacent", None))
    last = _nulls.size_aware_model(_digitcore.last_spec("mean", 0), model)
    share = _nulls.size_aware_model(_digitcore.zero_five_spec(0), model)
    np.testing.assert_allclose(last.forms(_digitcore.zero_five_spec(0)),
                               share.forms(_digitcore.zero_five_spec(0)), rtol=1e-12)
