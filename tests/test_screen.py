"""es.screen: one adjusted table over many elections or regions, the same on every backend."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import electionstats as es

CHEAP = ["last digit", "zero or five", "integer percentages"]


@pytest.fixture(scope="module")
def sims():
    clean = [es.simulate_election(1500, regions=3, rng=s) for s in range(2)]
    faked = es.simulate_election(1500, regions=3, fraud=es.DigitFabrication(share=0.6), rng=9)
    return [*clean, faked]


def test_same_table_serial_pool_and_dask(sims, dask_client):
    kw = {"tests": CHEAP, "rng": 2026, "n_resamples": 60}
    serial = es.screen(sims, workers=1, **kw)
    pool = es.screen(sims, workers=2, **kw)
    dask = es.screen(sims, client=dask_client, **kw)
    pd.testing.assert_frame_equal(serial.table, pool.table)
    pd.testing.assert_frame_equal(serial.table, dask.table)
    assert serial == pool == dask
    # Distinct labels for same-named simulations, one row per election and test.
    assert serial.table["election"].unique().tolist() == [
        "simulated election", "simulated election (2)", "simulated election (3)"
    ]
    assert len(serial.table) == 3 * len(CHEAP)


def test_adjusted_across_the_whole_table_and_finds_the_fabrication(sims):
    res = es.screen(sims, tests=["last digit", "zero or five"], rng=1, workers=1)
    t = res.table
    want = multipletests(t["pvalue"], method="fdr_bh")[1]
    np.testing.assert_allclose(t["pvalue_adjusted"], want, rtol=1e-12)
    flagged = t.loc[t["reject"] == True, "election"].unique().tolist()  # noqa: E712
    assert flagged == ["simulated election (3)"]  # only the made-up protocols
    assert "Benjamini-Hochberg" in str(res.summary())


def test_by_region_one_row_per_region_and_test(sims):
    res = es.screen(sims[0], tests=["last digit"], by="region", rng=3, workers=1)
    t = res.table
    assert t["region"].tolist() == sorted(t["region"].tolist())
    assert len(t) == 3 and t["n"].sum() == 1500
    # Each region's p-value is that of the test on the region alone (closed-form null).
    key, sub = next(iter(sims[0].election.groups("region")))
    direct = es.last_digit_test(sub.counts(sub.default_party))
    assert t["pvalue"].iloc[0] == pytest.approx(direct.pvalue, rel=1e-12)
    with pytest.raises(KeyError, match="not a region level"):
        es.screen(sims[0], tests=["last digit"], by="oblast", workers=1)


def test_interval_tests_have_no_made_up_decision(sims):
    res = es.screen(sims[:1], tests=["excess votes"], rng=1, workers=1, n_resamples=50)
    row = res.table.iloc[0]
    assert np.isnan(row["pvalue"]) and row["reject"] is None
    assert row["detected"] in (0.0, 1.0)


def test_a_test_that_cannot_run_is_a_row_with_a_reason(sims):
    frame = sims[0].election.data
    e = es.Election.from_frame(frame, registered="registered", ballots_found="ballots_found",
                               parties=["Leader", "Party 2", "Party 3"], name="no valid column")
    with pytest.warns(es.ElectionStatsWarning, match="could not be computed"):
        res = es.screen(e, tests=["percent zero or five", "last digit"], workers=1)
    t = res.table.set_index("test")
    assert t.loc["percent zero or five", "notes"].startswith("not computed")
    assert np.isnan(t.loc["percent zero or five", "pvalue"])
    assert np.isfinite(t.loc["last digit", "pvalue"])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"tests": ["benford"]}, ValueError, "unknown test"),
        ({"alpha": 1.5}, ValueError, "`alpha`"),
        ({"n_resamples": 0}, ValueError, "`n_resamples`"),
        # once "unknown test(s) []"
        ({"tests": []}, ValueError, r"`tests` is empty: give at least one test name"),
        # once two identical rows per election, both counted in the adjustment
        ({"tests": ["last digit", "zero or five", "last digit"]}, ValueError,
         r"`tests` names 'last digit' more than once"),
        # once Python's "'int' object is not iterable" / "unhashable type: 'list'"
        ({"tests": 5}, TypeError, r"`tests` must be a test name, a list of names or 'all' \(got 5\)"),
        ({"tests": [["last digit"]]}, TypeError, r"`tests` holds \[\['last digit'\]\], which are not test names"),
        ({"tests": ["Last digit"]}, ValueError, r"unknown test\(s\) \['Last digit'\] \(did you mean 'last digit'\?\)"),
        # once every excess-votes row 'not computed' with a confidence level of -0.2
        # once each key read as a data set name ("unknown dataset 'Russia 2011'")
        ({"elections": "a mapping"}, TypeError, r"`elections` is a mapping \(dict\)"),
        ({"tests": ["excess votes"], "alpha": 0.6}, ValueError,
         r"`alpha`=0.6 must be below 0.5 for the interval tests \['excess votes'\]"),
    ],
)
def test_bad_arguments(sims, kwargs, error, match):
    if kwargs.get("elections") == "a mapping":
        kwargs = {**kwargs, "elections": {f"election {i}": s for i, s in enumerate(sims)}}
    kwargs = {"elections": sims, **kwargs}
    with pytest.raises(error, match=match):
        es.screen(workers=1, **kwargs)
    with pytest.raises(TypeError, match="`elections`"):
        es.screen([1, 2], workers=1)


def test_screens_all_14_registered_data_sets_in_one_call(data_home):
    names = es.datasets.list()["name"].tolist()
    assert len(names) == 14
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.ElectionStatsWarning)
        res = es.screen("all", tests=["zero or five"], rng=0, data_home=data_home)
    t = res.table
    assert t["election"].tolist() == names
    assert t["pvalue"].notna().all(), t.loc[t["pvalue"].isna(), ["election", "notes"]]
    assert (t["n"] > 1000).all()


def test_size_aware_digit_and_shape_tests_run_and_decide_by_their_rules(sims):
    e = sims[0].election
    tests = ["first digit, size-aware", "second digit, size-aware", "turnout kurtosis",
             "turnout dip"]
    res = es.screen(e, tests=tests, rng=4, workers=1, n_resamples=50, p_adjust=None)
    t = res.table.set_index("test")
    assert t["notes"].eq("").all(), t["notes"]
    # The size-aware digit tests are the exact ones, on the leader's counts with their own
    # valid-vote denominators.
    direct = es.first_digit_test(e, e.default_party, null="size-aware")
    assert t.loc["first digit, size-aware", "pvalue"] == pytest.approx(direct.pvalue, rel=1e-12)
    # A moment decides by its two-sided 95 % bootstrap interval around the reference 3.
    shape = es.shape_statistics(e, n_resamples=50, confidence_level=0.95,
                                rng=np.random.default_rng(0))
    assert t.loc["turnout kurtosis", "statistic"] == pytest.approx(shape.turnout_kurtosis)
    assert np.isnan(t.loc["turnout kurtosis", "pvalue"])
    assert t.loc["turnout dip", "pvalue"] == pytest.approx(shape.turnout_dip_pvalue)
    assert t.loc["turnout dip", "detected"] == float(shape.turnout_dip_pvalue < 0.05)


def test_all_leaves_out_only_the_slow_fraud_model():
    from electionstats.screen import ALL_TESTS, TESTS, check_tests

    assert check_tests("all") == ALL_TESTS
    assert set(TESTS) - set(ALL_TESTS) == {"fraud model"}
    assert check_tests(["fraud model"]) == ("fraud model",)


def test_the_fraud_model_test_reads_the_fit_p_value():
    from electionstats.screen import run_test

    e = es.simulate_election(300, rng=1).election
    row = run_test("fraud model", e, rng=np.random.default_rng(0), n_resamples=10, alpha=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = es.fit_fraud_model(e, rng=np.random.default_rng(0))
    assert row["pvalue"] == pytest.approx(fit.pvalue) and np.isfinite(row["pvalue"])
    assert row["detected"] == float(fit.pvalue < 0.05)
