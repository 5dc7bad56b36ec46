"""Shared argument validators (issue 9, root causes 1, 5, 9, 12 and 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats._args import (
    DEFAULT_N_RESAMPLES,
    check_alpha,
    check_confidence_level,
    check_count_array,
    check_n_resamples,
    check_option,
    check_probability_array,
    check_rng,
)


# -- root cause 1: booleans mixed into counts -------------------------------------------
@pytest.mark.parametrize(
    "counts",
    [[True, 5], np.array([True, 5], dtype=object), [np.bool_(False), 3]],
)
def test_booleans_mixed_into_counts_are_refused_with_position(counts):
    with pytest.raises(TypeError, match=r"mixes booleans into counts at positions \[0\]"):
        check_count_array(counts, "votes")


def test_boolean_array_is_not_counts():
    with pytest.raises(TypeError, match="`votes` holds booleans, not counts"):
        check_count_array(np.array([True, False]), "votes")


# -- root cause 5: precision above 2**53 is checked before any float conversion ----------
@pytest.mark.parametrize(
    "counts",
    [
        [2**53 + 1, 4],  # python ints
        np.array([2**53 + 1, 4], dtype=np.int64),
        np.array([2**53 + 1, 4], dtype=object),
        [2**53 + 1, 4.0],  # mixed: float(2**53 + 1) would round to 2**53 and pass
        np.array([2**64 - 1], dtype=np.uint64),
        [2**70],
    ],
)
def test_counts_above_2_53_are_refused(counts):
    with pytest.raises(ValueError, match=r"above 2\*\*53 = 9,007,199,254,740,992 at positions \[0\]"):
        check_count_array(counts, "votes")


def test_exact_limit_and_plain_counts_pass_unchanged():
    out = check_count_array([2**53, 0, 7.0])
    assert out.dtype == np.int64 and out.tolist() == [2**53, 0, 7]
    assert check_count_array(pd.Series([1, 2], dtype="Int64")).tolist() == [1, 2]


@pytest.mark.parametrize(
    ("counts", "error", "message"),
    [
        ([1, float("nan")], ValueError, r"missing values \(NaN\) at positions \[1\]"),
        (pd.Series([1.0, np.nan], index=["s1", "s2"]), ValueError, r"index labels \['s2'\]"),
        ([1, -2], ValueError, r"negative counts at positions \[1\]"),
        ([1.5, 2], ValueError, r"whole numbers; 1.5 and others at positions \[0\]"),
        ([1, np.inf], ValueError, r"infinite values at positions \[1\]"),
        (["1", 2], TypeError, r"not numbers \(e.g. '1'\)"),
        (5, TypeError, "must be an array of counts"),
    ],
)
def test_bad_counts_name_the_rows(counts, error, message):
    with pytest.raises(error, match=message):
        check_count_array(counts, "votes")


# -- root causes 9 and 12: options ----------------------------------------------------------
def test_rng_refuses_bools_negative_seeds_and_random_state():
    with pytest.raises(TypeError, match="a boolean is not a seed"):
        check_rng(True)
    with pytest.raises(ValueError, match=r"`rng` seed must be a non-negative integer \(got -1\)"):
        check_rng(-1)
    with pytest.raises(TypeError, match="legacy RandomState is not accepted"):
        check_rng(np.random.RandomState(0))
    with pytest.raises(TypeError, match=r"got float"):
        check_rng(1.0)
    assert check_rng(np.int64(3)).random() == np.random.default_rng(3).random()
    g = np.random.default_rng(1)
    assert check_rng(g) is g


def test_n_resamples_refuses_bool_float_negative():
    with pytest.raises(TypeError, match=r"`n_resamples` must be a positive integer \(got False\)"):
        check_n_resamples(False)
    with pytest.raises(TypeError, match="got 10.0"):
        check_n_resamples(10.0)
    with pytest.raises(ValueError, match="got -3"):
        check_n_resamples(-3)
    assert check_n_resamples(0, allow_zero=True) == 0
    with pytest.raises(ValueError, match="non-negative integer"):
        check_n_resamples(-1, allow_zero=True)
    assert DEFAULT_N_RESAMPLES == 1000


@pytest.mark.parametrize("check", [check_confidence_level, check_alpha])
def test_levels_accept_numpy_floats_exactly(check):
    assert check(np.float32(0.95)) == 0.95  # not 0.949999988079071
    assert check(np.float32(0.07)) == 0.07
    assert check(np.float64(0.5)) == 0.5
    assert check(1 / 3) == 1 / 3


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1])
def test_levels_outside_unit_interval(value):
    with pytest.raises(ValueError, match=r"`alpha` must be strictly between 0 and 1"):
        check_alpha(value)


@pytest.mark.parametrize(("value", "error"), [(float("nan"), ValueError), ("0.9", TypeError),
                                              (True, TypeError), (None, TypeError)])
def test_levels_refuse_nan_text_bool(value, error):
    with pytest.raises(error, match="`confidence_level` must be"):
        check_confidence_level(value)


def test_option_lists_choices():
    assert check_option("holm", "method", ["holm", "fdr_bh"]) == "holm"
    with pytest.raises(ValueError, match=r"`method` must be one of 'holm', 'fdr_bh' \(got 'bh'\)"):
        check_option("bh", "method", ["holm", "fdr_bh"])
    with pytest.raises(ValueError, match="got True"):
        check_option(True, "flag", [1, 0])  # True == 1 but is not the option 1


def test_probability_array():
    assert check_probability_array([0, 0.5, 1]).tolist() == [0, 0.5, 1]
    with pytest.raises(ValueError, match=r"between 0 and 1; 1.2 and others at positions \[1\]"):
        check_probability_array([0.1, 1.2])
    with pytest.raises(ValueError, match="NaN"):
        check_probability_array([np.nan])
    with pytest.raises(TypeError, match="booleans"):
        check_probability_array([True, 0.5])


# -- root causes 9 and 15 in adjust_pvalues ----------------------------------------------
def test_adjust_pvalues_refuses_pvalues_outside_unit_interval():
    t = pd.DataFrame({"pvalue": [0.01, 1.5, np.nan]}, index=["a", "b", "c"])
    with pytest.raises(ValueError, match=r"column 'pvalue'` must lie between 0 and 1; 1.5 .*\['b'\]"):
        es.adjust_pvalues(t)


def test_adjust_pvalues_names_missing_column_and_checks_alpha():
    t = pd.DataFrame({"p": [0.01, 0.2]})
    with pytest.raises(KeyError, match=r"no p-value column 'pvalue' \(columns: \['p'\]\)"):
        es.adjust_pvalues(t)
    with pytest.raises(ValueError, match="`alpha` must be strictly between 0 and 1"):
        es.adjust_pvalues(t, column="p", alpha=5)
    # Bonferroni by hand: 2 * p.
    assert es.adjust_pvalues(t, column="p", method="bonferroni")["p_adjusted"].tolist() == [0.02, 0.4]


def test_errors_module_is_public_and_compatible():
    from electionstats import allocation, datasets

    assert es.errors.DatasetChecksumError is datasets.DatasetChecksumError is es.DatasetChecksumError
    assert es.errors.AllocationTieError is allocation.AllocationTieError is es.AllocationTieError
    for cls in (es.ElectionDataError, es.DatasetChecksumError, es.AllocationTieError):
        assert issubclass(cls, es.errors.ElectionStatsError) and issubclass(cls, ValueError)
    assert es.warnings.DataQualityWarning is es.DataQualityWarning


# -- one deprecation helper for renamed keywords (issue 8.4) -----------------------------
def test_renamed_parameters_warns_maps_and_refuses_both():
    from electionstats._args import renamed_parameters

    @renamed_parameters(n_boot="n_resamples")
    def f(x, *, n_resamples=1000):
        return x, n_resamples

    with pytest.warns(DeprecationWarning, match=r"`n_boot` is deprecated.*use `n_resamples=`") as rec:
        assert f(1, n_boot=7) == (1, 7)
    assert rec[0].filename == __file__  # points at the caller's line
    assert f(1, n_resamples=5) == (1, 5)
    with pytest.raises(TypeError, match="got both `n_boot` \\(deprecated\\) and `n_resamples`"):
        f(1, n_boot=3, n_resamples=4)


# -- root causes 11 and 14: sets and mappings are not arrays of counts -----------------------
@pytest.mark.parametrize(
    ("values", "match"),
    [({3, 5}, "got a set, which has no order"), (frozenset({3}), "got a set"),
     ({"a": 3}, "got a mapping; pass its values")],
)
def test_sets_and_mappings_are_refused_by_the_shared_validators(values, match):
    with pytest.raises(TypeError, match=f"`votes`: {match}"):
        check_count_array(values, "votes")
    with pytest.raises(TypeError, match=f"`p`: {match}"):
        check_probability_array(values, "p")


def test_above_exact_limit_judges_python_ints_before_any_float_conversion():
    from electionstats._args import above_exact_limit

    obj = np.array([2**53, 2**53 + 1, 5, True, 2.0**60], dtype=object)
    assert above_exact_limit(obj).tolist() == [False, True, False, False, False]  # floats: not ints
    assert above_exact_limit(np.array([2**53, 2**53 + 1], dtype=np.int64)).tolist() == [False, True]
    assert above_exact_limit(np.array([2**64 - 1], dtype=np.uint64)).tolist() == [True]
    assert above_exact_limit(np.array([np.nan, 1e17])).tolist() == [False, True]
