"""Tests of basic_forensics: the Election Forensics Toolkit's published table, p-values, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats.forensics import STATISTICS, ForensicsTable, basic_forensics
from results.published import (
    EFT_ALBANIA_BERAT_INTERVALS,
    EFT_ALBANIA_TURNOUT,
    EFT_RUSSIA_2011_UNITED_RUSSIA,
)


@pytest.fixture(scope="module")
def albania_table(load_dataset):
    e = load_dataset("albania-2013")
    return basic_forensics(e, ["Turnout", "C035"], by="prefecture", n_resamples=300, rng=1)


@pytest.mark.parametrize(("prefecture", "expected"), EFT_ALBANIA_TURNOUT.items())
def test_albania_matches_the_toolkit(albania_table, prefecture, expected):
    wide = albania_table.to_frame()
    row = wide[(wide["group"] == prefecture) & (wide["column"] == "Turnout")].iloc[0]
    for key, value in expected.items():
        assert round(float(row[key]), 3) == value, key


def test_albania_intervals_are_near_the_toolkit(albania_table):
    # EFT's own intervals (R = 100, METHODS.md C2) are stochastic: loose bounds only
    wide = albania_table.to_frame().set_index(["group", "column"])
    berat = wide.loc[("BERAT", "Turnout")]
    eft = EFT_ALBANIA_BERAT_INTERVALS
    assert berat["_2BL_low"] == pytest.approx(eft["_2BL"][0], abs=0.15)
    assert berat["_2BL_high"] == pytest.approx(eft["_2BL"][1], abs=0.15)
    assert berat["Kurt_low"] == pytest.approx(eft["Kurt"][0], abs=0.5)
    assert berat["Skew_low"] < EFT_ALBANIA_TURNOUT["BERAT"]["Skew"] < berat["Skew_high"]


def test_table_structure_and_adjustment(albania_table):
    long = albania_table.to_frame(long=True)
    assert len(long) == 12 * 2 * len(STATISTICS)
    ok = long["pvalue"].notna()
    # Sobyanin has no reference; Turnout has no Sobyanin / Corr
    assert not long.loc[long["statistic"] == "Sobyanin", "pvalue"].notna().any()
    assert long.loc[(long["column"] == "Turnout") & (long["statistic"] == "Corr"), "value"].isna().all()
    from statsmodels.stats.multitest import multipletests

    expected = multipletests(long.loc[ok, "pvalue"], method="fdr_bh")[1]
    np.testing.assert_allclose(long.loc[ok, "pvalue_adjusted"], expected)
    assert (long.loc[ok, "pvalue_adjusted"] >= long.loc[ok, "pvalue"]).all()
    html = albania_table._repr_html_()
    assert "BERAT" in html and "adjusted" in html


def test_russia_leader_values(load_dataset):
    # METHODS.md C11: United Russia 2011, EFT definitions, all 95,225 stations
    e = load_dataset("russia-2011-duma")
    table = basic_forensics(e, ["United Russia"], n_resamples=20, rng=0).to_frame()
    row = table.iloc[0]
    for key, value in EFT_RUSSIA_2011_UNITED_RUSSIA.items():
        assert round(float(row[key]), 4) == value, key
    assert row["_2BL_low"] < EFT_RUSSIA_2011_UNITED_RUSSIA["_2BL"] < row["_2BL_high"]


def _simulated(rng, n=600, fraud=0.0):
    reg = rng.integers(300, 3000, n)
    turnout = rng.beta(30, 20, n)
    ballots = rng.binomial(reg, turnout)
    a = rng.binomial(ballots, rng.beta(10, 10, n))
    stuffed = rng.random(n) < fraud
    add = (0.9 * reg - ballots).clip(0).astype(int)
    ballots = np.where(stuffed, ballots + add, ballots)
    a = np.where(stuffed, a + add, a)
    df = pd.DataFrame({"id": np.arange(n), "reg": reg, "b": ballots, "A": a, "B": ballots - a,
                       "region": np.where(np.arange(n) < n // 2, "N", "S")})
    return es.Election.from_frame(df, station_id="id", registered="reg", ballots_found="b",
                                  parties=["A", "B"], region=["region"], consistency="report")


def test_ballot_stuffing_shows_in_correlation():
    clean = basic_forensics(_simulated(np.random.default_rng(1)), ["A"], n_resamples=300, rng=2)
    fraud = basic_forensics(_simulated(np.random.default_rng(1), fraud=0.15), ["A"],
                            n_resamples=300, rng=2)
    c, f = clean.to_frame().iloc[0], fraud.to_frame().iloc[0]
    assert c["Corr_padj"] > 0.05 and f["Corr_p"] < 0.01 and f["Corr_padj"] < 0.05
    assert f["Corr"] > 0.3


def test_reproducible_with_seed_and_bootstrap_null():
    e = _simulated(np.random.default_rng(3))
    a = basic_forensics(e, by="region", n_resamples=100, rng=5).to_frame()
    b = basic_forensics(e, by="region", n_resamples=100, rng=5).to_frame()
    pd.testing.assert_frame_equal(a, b)
    boot = basic_forensics(e, n_resamples=200, null="bootstrap", rng=5).to_frame(long=True)
    assert boot.loc[boot["statistic"] == "_2BL", "pvalue_method"].str.contains("bootstrap").all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"columns": ["Nobody"]}, KeyError, "neither 'Turnout' nor a party"),
        ({"by": "province"}, KeyError, "not a region level"),
        ({"p_adjust": "magic"}, ValueError, "`p_adjust` must be None or one of"),
        ({"null": "exact"}, ValueError, "`null` must be one of"),
        ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
        ({"ballots": "spoilt"}, KeyError, "not a count column"),
        ({"confidence_level": "95%"}, TypeError, "`confidence_level` must be a real number"),
        ({"confidence_level": 95}, ValueError, "strictly between 0 and 1"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    e = _simulated(np.random.default_rng(4), n=50)
    with pytest.raises(error, match=match):
        basic_forensics(e, **kwargs)
    with pytest.raises(TypeError, match="must be an electionstats.Election"):
        basic_forensics(pd.DataFrame())


def test_plot_and_type():
    e = _simulated(np.random.default_rng(6), n=120)
    t = basic_forensics(e, by="region", n_resamples=50, rng=0)
    assert isinstance(t, ForensicsTable)
    ax = t.plot()
    assert len(ax.get_yticklabels()) == 4


def test_moment_bootstrap_equals_statistics_of_resampled_copies():
    # The moment bootstrap recomputes each statistic from resampled moments; the same
    # resamples (rebuilt from the spawned chunk generators) on copies of the data must
    # give the same values from the two-pass formulas (and scipy's).
    from scipy import stats

    from electionstats import _shape

    rng = np.random.default_rng(0)
    x, y = rng.beta(5, 4, 300), rng.beta(3, 5, 300)
    fast = _shape.moment_bootstrap(x, y, n_resamples=7, rng=np.random.default_rng(1), chunk_size=3)
    children = np.random.default_rng(1).spawn(3)
    idx = np.concatenate([g.integers(0, 300, size=(k, 300)) for g, k in zip(children, (3, 3, 1))])
    xs, ys = x[idx], y[idx]
    slow = np.column_stack([
        stats.skew(xs, axis=1), stats.kurtosis(xs, axis=1, fisher=False),
        stats.skew(ys, axis=1), stats.kurtosis(ys, axis=1, fisher=False),
        [stats.pearsonr(a, b)[0] for a, b in zip(xs, ys)],
        [stats.linregress(a, b).slope - b.mean() for a, b in zip(xs, ys)],
    ])
    np.testing.assert_allclose(fast, slow, rtol=1e-9)
    # a resample of one repeated station has no shape: NaN, not rounding noise
    const = _shape.moment_bootstrap(np.array([0.3, 0.3, 0.3, 0.7]), n_resamples=400,
                                    rng=np.random.default_rng(2))
    assert np.isnan(const[:, 0]).any() and np.isfinite(const[:, 0]).any()
    assert not (np.abs(const[np.isfinite(const[:, 0]), 0]) > 10).any()


def test_table_result_family_and_effect_sizes():
    e = _simulated(np.random.default_rng(9), n=300)
    t = basic_forensics(e, ["A"], n_resamples=100, rng=3)
    assert "@article" in t.cite() and "Flagged" in str(t.summary()) or "flagged cells" in str(t.summary())
    assert "<table" in t._repr_html_()
    long = t.to_frame(long=True).set_index("statistic")
    assert long.loc["_2BL", "effect_size_name"].startswith("MAD")
    assert long.loc["C05s", "effect_size_name"] == "Cramér's V"
    wide = t.to_frame()
    assert "_2BL_effect" in wide and np.isfinite(wide["_2BL_effect"].iloc[0])
    exact = long["pvalue_method"]["_2BL"]
    assert "exact" in exact
    sim = basic_forensics(e, ["A"], n_resamples=400, null="montecarlo", rng=3).to_frame(long=True)
    sim = sim.set_index("statistic")
    for stat in ("_2BL", "LastC", "C05s", "P05s"):  # the simulation agrees with the exact null
        assert abs(sim.loc[stat, "pvalue"] - long.loc[stat, "pvalue"]) < 0.1, stat


def test_shape_bootstrap_is_the_shared_moment_bootstrap():
    # The Skew/Kurt/Corr intervals come from _shape.moment_bootstrap (the same function
    # distributions.shape_statistics uses) with the group's generator: the first child
    # spawned from the caller's seed (one task per group).
    from electionstats import _shape
    from electionstats._montecarlo import basic_bootstrap_ci

    e = _simulated(np.random.default_rng(10), n=400)
    t = basic_forensics(e, ["A"], n_resamples=200, rng=11).to_frame().iloc[0]
    turnout = np.minimum(e.counts("ballots_found") / e.counts("registered"), 1)
    share = e.counts("A") / e.counts("ballots_found")
    group_rng = np.random.default_rng(np.random.SeedSequence(11).spawn(1)[0])
    reps = _shape.moment_bootstrap(turnout, share, n_resamples=200, rng=group_rng)
    est = _shape.shape_estimates(turnout, share)
    for stat, j in (("Skew", 2), ("Kurt", 3), ("Corr", 4), ("Sobyanin", 5)):
        lo, hi = basic_bootstrap_ci(est[j], reps[:, j], 0.95)
        assert (t[f"{stat}_low"], t[f"{stat}_high"]) == pytest.approx((lo, hi), rel=1e-12), stat


@pytest.mark.parametrize(
    ("reg", "b", "a", "match"),
    [
        ([100], [60], [30], "only 1 station"),
        ([100, 200], [60, 120], [30, 50], "only 2 station"),
        ([100] * 20, [60] * 20, list(range(10, 30)), "60.0% at every station"),
        ([100] * 20, [0] * 20, [0] * 20, "every one is 0/0"),
        ([10] * 20, [50] * 20, [20] * 20, "capped at 100 %"),
    ],
)
def test_degenerate_tables_warn_why(reg, b, a, match):
    df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": np.asarray(b) - np.asarray(a)})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DataQualityWarning)  # ballots above registered
        e = es.Election.from_frame(df, registered="reg", ballots_found="b", parties=["A", "B"],
                                   consistency="report")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = basic_forensics(e, n_resamples=20, rng=1)
    messages = [str(w.message) for w in caught]
    assert all(w.category is es.SmallSampleWarning for w in caught), messages
    assert any(match in m for m in messages), messages
    assert not any("RuntimeWarning" in m for m in messages)
    # every NaN cell is explained: its group and column appear in a warning
    long = table.to_frame(long=True)
    for _, row in long[long["value"].isna()].iterrows():
        assert any(f"{row['group']} / {row['column']}" in m for m in messages)


def test_same_table_with_one_two_and_four_workers(monkeypatch):
    # One task per region, each with its own generator spawned from the seed: the table is
    # bit-identical serially and on the process pool (forced here: the election is small).
    from electionstats import _parallel

    e = _simulated(np.random.default_rng(12), n=400)
    one = basic_forensics(e, by="region", n_resamples=100, rng=7, workers=1).to_frame(long=True)
    monkeypatch.setattr(_parallel, "SERIAL_BELOW_CELLS", 0)
    monkeypatch.setattr(_parallel, "WARM_SERIAL_BELOW_CELLS", 0)
    for workers in (2, 4):
        other = basic_forensics(e, by="region", n_resamples=100, rng=7, workers=workers)
        pd.testing.assert_frame_equal(one, other.to_frame(long=True), check_exact=True)


def test_turnout_shape_reuses_the_joint_bootstrap():
    # The Turnout column's skewness and kurtosis replicates are the turnout columns of the
    # leader's joint (turnout, share) bootstrap: the same resamples, so the same intervals
    # as a bootstrap of turnout alone drawn from the same generator.
    from electionstats import _shape
    from electionstats._montecarlo import basic_bootstrap_ci

    e = _simulated(np.random.default_rng(13), n=300)
    t = basic_forensics(e, ["Turnout", "A"], n_resamples=150, rng=4).to_frame()
    turnout = np.minimum(e.counts("ballots_found") / e.counts("registered"), 1)
    group_rng = np.random.default_rng(np.random.SeedSequence(4).spawn(1)[0])
    alone = _shape.moment_bootstrap(turnout, n_resamples=150, rng=group_rng)
    row = t[t["column"] == "Turnout"].iloc[0]
    est = _shape.shape_estimates(turnout)
    for stat, j in (("Skew", 0), ("Kurt", 1)):
        lo, hi = basic_bootstrap_ci(est[j], alone[:, j], 0.95)
        assert (row[f"{stat}_low"], row[f"{stat}_high"]) == pytest.approx((lo, hi), rel=1e-12)
