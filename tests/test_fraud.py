"""Tests of the Klimek fraud-model fit (small elections: each fit takes seconds)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats import fraud as F
from electionstats._results import TableResult
from electionstats._warnings import DataQualityWarning


@pytest.fixture(scope="module")
def extreme_fit():
    sim = es.simulate_election(1500, fraud=es.KlimekFraud(0.0, 0.05), invalid=0.0, rng=4)
    return sim, es.fit_fraud_model(sim.election, rng=1)


def _data(election, K=1, by=None, n_nodes=32):
    R = election.counts("registered")
    B = election.counts("valid")
    W = election.counts(election.resolve_party(None))
    codes, labels = election.group_keys(by)
    return F._Layout(len(labels), K), F._prepare(R, B, B, W, codes, len(labels), n_nodes)


def _grid_density(lo, h, n_nodes, fraud):
    """Class densities on a (turnout, share) grid of huge stations (no counting noise)."""
    g = np.arange(lo + h / 2, 1, h)
    T, S = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    R = np.full(T.size, 10**8)
    B = np.round(T * R).astype(np.int64)
    W = np.round(S * B).astype(np.int64)
    lay = F._Layout(1, 1)
    d = F._prepare(R, B, B, W, np.zeros(T.size, dtype=np.int64), 1, n_nodes)
    p = F._start(d, lay)
    p[:4] = [0.4, 0.0, np.log(0.35), np.log(0.35)]
    p[-4:] = fraud
    return np.exp(F._evaluate(d, lay, p, grad=False)[3]).sum(axis=0) * h * h


def test_class_densities_integrate_to_one():
    # clean and incremental over the unit square (0.5 pp grid)
    mass = _grid_density(0.0, 0.005, 32, [0.3, 0.05, np.log(1.5), np.log(0.1)])
    assert mass[:2] == pytest.approx([1, 1], abs=0.01)
    # extreme fraud lives above 70 % turnout and peaks at the corner (100 %, 100 %), where
    # the midpoint rule's error is linear in the cell size h (1.023 at h = 0.001, 1.012 at
    # 0.0005): Richardson's extrapolation 2 m(h / 2) - m(h) removes it. (Until this
    # version the extreme density carried a spurious factor t, about 0.97, that happened
    # to cancel the grid's error at h = 0.001.)
    fraud = [0.3, 0.05, np.log(1.5), np.log(0.1)]
    coarse, fine = _grid_density(0.7, 0.001, 32, fraud)[2], _grid_density(0.7, 0.0005, 32, fraud)[2]
    assert coarse > fine > 1
    assert 2 * fine - coarse == pytest.approx(1, abs=0.002)


def test_gradient_matches_finite_differences():
    sim = es.simulate_election(400, fraud=es.KlimekFraud(0.3, 0.05, alpha=1.5), regions=3,
                               region_sd=0.2, rng=3)
    lay, d = _data(sim.election, K=2, by="region")
    p = F._start(d, lay)
    p[lay.fraud_slice] = [0.2, 0.03, np.log(1.7), np.log(0.12)]
    _, grad, _, _ = F._evaluate(d, lay, p)
    num = np.empty(len(p))
    for i in range(len(p)):
        h = np.zeros(len(p))
        h[i] = 1e-6
        num[i] = (F._evaluate(d, lay, p + h, grad=False)[0] - F._evaluate(d, lay, p - h, grad=False)[0]) / 2e-6
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-4)


def test_evaluation_is_the_same_on_any_number_of_threads(monkeypatch):
    sim = es.simulate_election(3000, fraud=es.KlimekFraud(0.2, 0.05, alpha=1.5), rng=5)
    lay, d = _data(sim.election, K=2)
    p = F._start(d, lay)
    p[lay.fraud_slice] = [0.2, 0.05, np.log(1.5), np.log(0.1)]
    monkeypatch.setattr(F, "_CHUNK_CELLS", 2**12)  # many chunks
    out = {}
    for threads in (1, 2, 3):
        monkeypatch.setattr(F, "_THREADS", threads)
        out[threads] = F._evaluate(d, lay, p, scores=True)
    for threads in (2, 3):
        assert out[threads][0] == out[1][0]
        for a, b in zip(out[threads][1:], out[1][1:], strict=True):
            np.testing.assert_array_equal(a, b)


def test_invalid_ballots_do_not_bias_the_stealing_exponent():
    # stuffers fill the registered voters who did not come; with turnout counted as valid
    # votes the fit nets invalid ballots out of the registered voters. Before it did,
    # 3 % invalid ballots turned a true alpha = 2 into an estimate of about 1.3.
    sim = es.simulate_election(2500, fraud=es.KlimekFraud(0.0, 0.1, alpha=2.0), invalid=0.03, rng=6)
    fit = es.fit_fraud_model(sim.election, rng=1)
    assert fit.estimates.loc["alpha", "low"] < 2 < fit.estimates.loc["alpha", "high"]
    assert fit.turnout_definition == "valid / (registered - invalid)"


def test_extreme_fraud_is_recovered_with_its_interval(extreme_fit):
    sim, fit = extreme_fit
    low, high = fit.estimates.loc["f_e", ["low", "high"]]
    assert low < 0.05 < high
    assert high - low < 0.04
    assert fit.pvalue < 1e-6
    # the published alpha of this simulation is 1; no incremental fraud, so theta is NaN
    assert fit.estimate("alpha") == pytest.approx(1, rel=0.2)
    assert np.isnan(fit.estimate("theta"))
    assert list(fit.estimates.columns[:3]) == ["estimate", "low", "high"]
    # posterior class probabilities: rows sum to 1; the extreme stations are found
    probs = fit.posterior
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-9)
    truly = (sim.truth["fraud_class"] == "extreme").to_numpy()
    assert probs["extreme"].to_numpy()[truly].mean() > 0.9
    assert probs["extreme"].to_numpy()[~truly].mean() < 0.02


def test_result_is_a_table_with_named_test_fields(extreme_fit):
    _, fit = extreme_fit
    assert isinstance(fit, TableResult)
    frame = fit.to_frame()
    assert "f_e" in frame.index and {"estimate", "low", "high"} <= set(frame.columns)
    assert fit.statistic > 0 and 0 <= fit.pvalue <= 1
    with pytest.raises(TypeError, match="does not unpack"):
        tuple(fit)
    text = str(fit.summary())
    assert "Extreme fraud, share of stations" in text and "1,500" in text


def test_clean_election_shows_no_fraud():
    sim = es.simulate_election(1500, rng=7)
    fit = es.fit_fraud_model(sim.election, rng=1)
    assert fit.pvalue > 0.05
    assert fit.estimate("f_e") < 0.005
    assert fit.estimates.loc["f_e", "low"] == 0


def test_by_region_removes_dependence_made_by_regions():
    # two regions: one with low turnout and a weak leader, one with high turnout and a
    # strong leader. Pooled, turnout and share go together (fraud-like); within each
    # region they are independent.
    parts = []
    for k, (t, s) in enumerate(((0.5, 0.4), (0.7, 0.6))):
        sim = es.simulate_election(700, turnout=t, support=s, spread="logitnormal", rng=10 + k)
        df = sim.election.data.reset_index(drop=True).copy()
        df["region"] = f"R{k}"
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    df["station_id"] = np.arange(len(df))
    e = es.Election.from_frame(df, station_id="station_id", registered="registered",
                               ballots_issued="ballots_issued", ballots_found="ballots_found",
                               valid="valid", invalid="invalid", parties=["Leader", "Party 2", "Party 3"],
                               region="region", leader="Leader")
    pooled = es.fit_fraud_model(e, clean_components=1, rng=1)
    within = es.fit_fraud_model(e, by="region", clean_components=1, rng=1)
    assert pooled.pvalue < 1e-3
    assert within.pvalue > 0.05
    assert within.n_groups == 2 and within.by == "region"


def test_plot_gives_two_panels(extreme_fit):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, fit = extreme_fit
    fig, axes = plt.subplots(1, 2)
    left, right = fit.plot(ax=axes)
    assert left is axes[0] and right is axes[1]
    assert "Turnout" in left.get_xlabel() and "%" in left.get_ylabel()
    plt.close("all")
    with pytest.raises(TypeError, match="pair"):
        fit.plot(ax=object())


def test_klimek2012_preset_finds_heavy_fraud_and_not_clean():
    heavy = es.simulate_election(3000, fraud=es.KlimekFraud(0.4, 0.1, alpha=1.0, theta=0.3), rng=2)
    fit = es.fit_fraud_model(heavy.election, preset="klimek2012", rng=3)
    assert fit.preset == "klimek2012"
    assert fit.estimate("f_e") >= 0.05
    clean = es.simulate_election(3000, rng=2)
    fit0 = es.fit_fraud_model(clean.election, preset="klimek2012", rng=3)
    assert fit0.estimate("f_e") < fit.estimate("f_e")


def test_observers_scenario_reaches_the_reported_turnout():
    sim = F.observers_scenario(rng=5)
    t = sim.election.totals()
    assert sim.election.n_stations == 10_061
    assert t["registered"] == pytest.approx(11_900_000, rel=0.02)
    assert t["ballots_found"] / t["registered"] == pytest.approx(0.6325, abs=0.01)
    solved = sim.params["solved"]
    assert solved["f_i"] == pytest.approx(solved["f_e"])
    with pytest.raises(ValueError, match="extreme_share"):
        F.observers_scenario(reported_turnout=0.99, extreme_share=0.0, theta=0.1)


def test_bad_arguments():
    e = es.simulate_election(200, rng=1).election
    with pytest.raises(KeyError, match="Nobody"):
        es.fit_fraud_model(e, party="Nobody")
    with pytest.raises(ValueError, match="confidence_level"):
        es.fit_fraud_model(e, confidence_level=1.5)
    with pytest.raises(ValueError, match="preset"):
        es.fit_fraud_model(e, preset="grid")
    with pytest.raises(ValueError, match="n_resamples"):
        es.fit_fraud_model(e, n_resamples=-1)
    with pytest.raises(ValueError, match="clean_components"):
        es.fit_fraud_model(e, clean_components=0)


# -- real elections (data tests). The full fits take minutes (scripts/fraud_recovery.py real,
# numbers in scripts/results/real_fits.md); here an evenly spaced sample of the stations,
# which estimates the same station shares with about three times the standard error.
def _every(e, k):
    mask = np.zeros(e.n_stations, dtype=bool)
    mask[::k] = True
    return e.subset(mask, name=f"{e.name}, every {k}th station")


def test_russia_2011_fraud_shares(load_dataset):
    from results.published import KLIMEK_FITS, MEBANE_KALININ_FITS

    with pytest.warns(DataQualityWarning, match="1 stations left out of the fraud model: no valid votes"):
        fit = es.fit_fraud_model(_every(load_dataset("russia-2011-duma"), 10), rng=1)
    assert fit.party == "United Russia"
    assert fit.pvalue < 1e-6
    # this sample (every 10th station): f_i 0.58 (0.56-0.60), f_e 0.025 (0.020-0.030),
    # theta 0.76. Since the incremental class takes each station's own counting noise it
    # explains part of what was extreme fraud (before: f_e about 0.046 on every station);
    # the bounds are loose but exclude Mebane and Kalinin's f_e of 0.0032 and f_i of 0.12
    assert 0.015 < fit.f_e < 0.075
    assert 0.35 < fit.f_i < 0.75
    assert fit.f_e > 5 * MEBANE_KALININ_FITS["russia-2011-duma"][1]
    assert abs(fit.f_i - KLIMEK_FITS["russia-2011-duma"][0]) < 0.25


def test_poland_2020_r1_has_no_fraud_shares(load_dataset):
    fit = es.fit_fraud_model(_every(load_dataset("poland-2020-president-r1"), 3), rng=1)
    assert fit.party == "Duda"
    # full data: f_i 0, f_e 0.00018 (about 5 stations of 27,220; likelihood ratio 14.3,
    # p = 0.0005): no incremental fraud, and extreme only in a handful of special stations
    assert fit.f_i < 0.01
    assert fit.f_e < 0.001


def test_poland_2020_r1_extreme_stations_are_care_homes_and_ordinary_stations_clean(load_dataset):
    """Poland 2020 is the clean control (the data set's README). On every station the model's
    extreme class holds about 5 stations, and they are care homes and hospitals, whose voters
    are registered on the day (turnout near 100 % and block votes are legitimate there). On
    the ordinary stations ('stały') the fit finds no fraud at all."""
    e = load_dataset("poland-2020-president-r1")
    with pytest.warns(DataQualityWarning, match="5 stations left out of the fraud model"):
        fit = es.fit_fraud_model(e, rng=1)
    kind = e.data.loc[fit.posterior.index, "station_type"]
    expected = fit.posterior["extreme"].groupby(kind).sum()
    # measured: 4.7 in all, care homes 4.5, hospitals 0.18, ordinary stations 0.0003
    assert 2 < expected.sum() < 10
    assert expected[["dom pomocy społecznej", "zakład leczniczy"]].sum() > 0.9 * expected.sum()
    assert expected["stały"] < 0.05
    ordinary = e.subset((e.data["station_type"] == "stały").to_numpy(), reason="special station")
    with pytest.warns(DataQualityWarning, match="1 stations left out of the fraud model"):
        clean = es.fit_fraud_model(ordinary, rng=1)
    # measured: f_i = f_e = 0, likelihood ratio 0.004, p = 0.97
    assert clean.f_i < 1e-3 and clean.f_e < 1e-4
    assert clean.pvalue > 0.5


def test_fit_at_the_corner_with_no_clean_class_gets_intervals():
    """The fit can end with f_i + f_e next to 1 (incremental fraud with a small scale takes
    the place of the clean class, the model's weak spot). The observed information's
    forward step in f_i or f_e then left the parameter space (no clean class: the
    likelihood is undefined) and the fit crashed with a TypeError; the step now goes back.
    Found by the recovery study (setting f_i 0.3, f_e 0.05, alpha 1, replicate seed 16001)."""
    sim = es.simulate_election(10_000, fraud=es.KlimekFraud(0.3, 0.05, alpha=1.0, theta=0.1), rng=16001)
    with pytest.warns(es.ModelFitWarning, match=r"leaves 0\.\d\d% of the stations clean.*not say how many"):
        fit = es.fit_fraud_model(sim.election, rng=16002)
    est = fit.estimates
    assert fit.f_i + fit.f_e > 0.99  # this election does reach the corner
    assert est.loc["f_e", "low"] <= 0.05 <= est.loc["f_e", "high"]  # measured 0.0473-0.0547
    assert (est.loc[["f_i", "f_e"], "low"] <= est.loc[["f_i", "f_e"], "estimate"]).all()
    assert (est.loc[["f_i", "f_e"], "estimate"] <= est.loc[["f_i", "f_e"], "high"]).all()


def test_stations_alone_in_their_by_group_are_named_in_a_warning():
    """A station alone in its `by` unit gets that unit's clean medians fitted to it alone, so
    the model calls it clean whatever its numbers: measured, 4 extremely stuffed stations
    put alone in a region got posterior extreme 0.000 (1.000 for those in shared regions),
    silently. Now a SmallSampleWarning counts them."""
    sim = es.simulate_election(600, fraud=es.KlimekFraud(0.0, 0.1), rng=3)
    cls = sim.truth["fraud_class"].astype(str).to_numpy()
    labels = np.array([f"R{i % 3}" for i in range(600)], dtype=object)
    solo = np.flatnonzero(cls == "extreme")[::2]
    labels[solo] = [f"alone {j}" for j in range(len(solo))]
    sim = es.simulate_election(registered=sim.election, regions=labels,
                               fraud=es.KlimekFraud(0.0, 0.1), rng=3)
    alone = sim.truth.index[[labels[i].startswith("alone") for i in range(600)]]
    n_alone = len(alone)
    with pytest.warns(es.SmallSampleWarning,
                      match=rf"{n_alone} stations are the only station of their `by`='region' unit"):
        fit = es.fit_fraud_model(sim.election, by="region", rng=0)
    extreme_alone = sim.truth.loc[alone, "fraud_class"] == "extreme"
    assert extreme_alone.sum() >= 3
    # what the warning is about: those stations are called clean whatever their numbers
    assert (fit.posterior.loc[alone[extreme_alone], "extreme"] < 0.01).all()


def test_a_clean_model_centred_in_the_extreme_corner_is_named_in_a_warning():
    """Every station at 100 % turnout and 100 % for one party (the extreme-fraud signature)
    was fitted as clean, f_e = 0 [0, 0.134], p = 0.96, without a word: the clean model
    centred at (99.9 %, 99.9 %) takes the corner, and no data can tell it from extreme fraud."""
    reg = np.random.default_rng(0).integers(500, 1500, 200)
    df = pd.DataFrame({"id": range(200), "reg": reg, "b": reg, "A": reg, "B": 0})
    e = es.Election.from_frame(df, station_id="id", registered="reg", ballots_found="b",
                               valid="b", parties=["A", "B"])
    with pytest.warns(es.ModelFitWarning, match=r"clean model is centred at turnout 99.9% and A 99.9%, inside the corner"):
        fit = es.fit_fraud_model(e, rng=0, n_nodes=8)
    assert fit.estimates.loc["f_e", "estimate"] == 0
