"""Tests of the Klimek fraud-model fit (small elections: each fit takes seconds)."""

from __future__ import annotations

import numpy as np
import pytest

import electionstats as es
from electionstats import fraud as F


@pytest.fixture(scope="module")
def extreme_fit():
    sim = es.simulate_election(1500, fraud=es.KlimekFraud(0.0, 0.05), rng=4)
    return sim, es.fit_fraud_model(sim.election, rng=1)


def test_density_integrates_to_one_and_peaks_at_the_truth():
    lay = F._Layout(1)
    par = lay.unpack(np.array([0.4, 0.0, 0.33, 0.33, 0.0, 0.3, 0.05, 1.5, 0.1]))
    g = np.linspace(0.0025, 0.9975, 200)
    T, S = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    big = np.full(T.size, 10**6)
    ld = F._class_logdens(F._prepare(T, S, big, big, 32), par)
    # clean and incremental densities integrate to 1 over the unit square (1 pp grid)
    assert np.exp(ld[:, :2]).sum(axis=0) * 0.005**2 == pytest.approx([1, 1], abs=0.01)
    # pure incremental data: the class log-likelihood is highest at the true alpha, theta
    sim = es.simulate_election(3000, registered=10**6, size_sd=0.0, invalid=0.0, spread="logitnormal",
                               turnout=0.6, turnout_sd=0.08, support=0.5, support_sd=0.08,
                               fraud=es.KlimekFraud(1.0, alpha=1.0, theta=0.1), parties=2, rng=1)
    d = sim.election.data
    dd = F._prepare(d["valid"].to_numpy() / d["registered"].to_numpy(),
                    d["Leader"].to_numpy() / d["valid"].to_numpy(),
                    d["registered"].to_numpy(), d["valid"].to_numpy(), 32)
    from scipy.special import logit
    vals = {}
    for al in (0.7, 1.0, 1.4):
        for th in (0.07, 0.1, 0.14):
            p = np.array([logit(0.6), 0.0, 0.08 / 0.24, 0.08 / 0.25, 0.0, 0.3, 0.05, al, th])
            vals[al, th] = F._class_logdens(dd, lay.unpack(p))[:, 1].mean()
    assert max(vals, key=vals.get) == (1.0, 0.1)


def test_extreme_fraud_is_recovered_with_its_interval(extreme_fit):
    sim, fit = extreme_fit
    low, high = fit.estimates.loc["f_e", ["low", "high"]]
    assert low < 0.05 < high
    assert high - low < 0.04
    assert fit.pvalue < 1e-6
    assert list(fit.estimates.columns[:3]) == ["estimate", "low", "high"]
    # posterior class probabilities: rows sum to 1; the extreme stations are found
    probs = fit.station_probabilities
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-9)
    truly = (sim.truth["fraud_class"] == "extreme").to_numpy()
    assert probs["extreme"].to_numpy()[truly].mean() > 0.9
    assert probs["extreme"].to_numpy()[~truly].mean() < 0.02


def test_clean_election_shows_no_fraud():
    sim = es.simulate_election(1500, rng=7)
    fit = es.fit_fraud_model(sim.election, rng=1)
    assert fit.pvalue > 0.01
    assert fit.estimate("f_e") < 0.005
    assert np.isnan(fit.estimate("alpha")) or fit.estimates.loc["f_e", "low"] == 0


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
