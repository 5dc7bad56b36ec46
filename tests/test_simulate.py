"""Tests of the election simulator against closed forms of its mechanisms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es


def test_same_seed_same_election_and_batch_shapes():
    a = es.simulate_election(500, fraud=[es.KlimekFraud(0.2, 0.05)], rng=3)
    b = es.simulate_election(500, fraud=[es.KlimekFraud(0.2, 0.05)], rng=3)
    pd.testing.assert_frame_equal(a.election.data, b.election.data)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    c = es.simulate_election(500, rng=4)
    assert not a.election.data.equals(c.election.data)
    batch = es.simulate_election(300, n_elections=7, parties=4, rng=5)
    assert len(batch) == 7 and batch.counts["Party 4"].shape == (7, 300)
    one = batch[6]
    assert one.election.parties == ("Leader", "Party 2", "Party 3", "Party 4")
    np.testing.assert_array_equal(one.election.data["registered"], batch.counts["registered"][6])
    assert len(list(batch)) == 7


def test_clean_election_is_consistent_and_has_the_requested_means():
    sim = es.simulate_election(20_000, turnout=0.55, turnout_sd=0.05, support=0.4, parties=3,
                               invalid=0.03, rng=11)
    d = sim.election.data
    assert (d["ballots_found"] <= d["registered"]).all()
    assert (d["valid"] + d["invalid"] == d["ballots_found"]).all()
    assert (d[["Leader", "Party 2", "Party 3"]].sum(axis=1) == d["valid"]).all()
    t = d["ballots_found"] / d["registered"]
    # binomial noise adds a(1-a)/R to the between-station variance of the rate
    expected_var = 0.05**2 + np.mean(0.55 * 0.45 / d["registered"])
    assert t.mean() == pytest.approx(0.55, abs=0.003)
    assert t.var() == pytest.approx(expected_var, rel=0.06)
    assert d["invalid"].sum() / d["ballots_found"].sum() == pytest.approx(0.03, abs=0.001)
    assert d["Leader"].sum() / d["valid"].sum() == pytest.approx(0.4, abs=0.005)
    assert d["Party 2"].sum() / d["valid"].sum() == pytest.approx(0.3, abs=0.01)
    assert (sim.truth["fraud_class"] == "clean").all()
    assert sim.truth["stuffed"].sum() == 0


@pytest.mark.parametrize("spread", ["beta", "logitnormal", "normal"])
def test_spreads_give_the_requested_station_sd(spread):
    sim = es.simulate_election(20_000, turnout=0.6, turnout_sd=0.07, spread=spread, rng=2)
    a = sim.truth["turnout_clean"]
    assert a.mean() == pytest.approx(0.6, abs=0.004)
    assert a.std() == pytest.approx(0.07, rel=0.06)


def test_klimek_fraud_matches_its_closed_form_rates():
    theta, alpha = 0.1, 2.0
    sim = es.simulate_election(40_000, fraud=es.KlimekFraud(f_i=1.0, alpha=alpha, theta=theta), rng=7)
    tr, d = sim.truth, sim.election.data
    assert (tr["fraud_class"] == "incremental").all()
    # E|N(0, theta)| = theta sqrt(2/pi); E x^2 = theta^2 (truncation at 1 negligible)
    assert tr["fraud_size"].mean() == pytest.approx(theta * np.sqrt(2 / np.pi), rel=0.02)
    clean_ballots = d["ballots_found"] - tr["stuffed"]
    nonvoters = d["registered"] - clean_ballots
    assert tr["stuffed"].sum() / nonvoters.sum() == pytest.approx(theta * np.sqrt(2 / np.pi), rel=0.03)
    opponents_before = d["valid"] - tr["stuffed"] - (d["Leader"] - tr["stuffed"] - tr["stolen"])
    assert tr["stolen"].sum() / opponents_before.sum() == pytest.approx(theta**2, rel=0.05)


def test_extreme_fraud_pushes_stations_to_the_corner():
    sim = es.simulate_election(5000, fraud=es.KlimekFraud(f_i=0.0, f_e=1.0), rng=8)
    d = sim.election.data
    assert (sim.truth["fraud_class"] == "extreme").all()
    # x = 1 - |N(0, 0.075)|: median 1 - 0.075 * 0.674 = 0.949
    assert np.median(sim.truth["fraud_size"]) == pytest.approx(1 - 0.075 * 0.6745, abs=0.003)
    assert np.median(d["ballots_found"] / d["registered"]) > 0.95
    assert np.median(d["Leader"] / d["valid"]) > 0.95


def test_rounding_fraud_puts_rates_on_whole_percentages():
    sim = es.simulate_election(4000, fraud=es.RoundingFraud(1.0, multiple=5), rng=9)
    d = sim.election.data
    t = 100 * d["ballots_found"] / d["registered"]
    s = 100 * d["Leader"] / d["valid"]
    tol_t = 100 * 0.5 / d["registered"]
    tol_s = 100 * 0.5 / d["valid"] + 100 * 1.0 / d["valid"]
    assert (np.abs(t - 5 * np.round(t / 5)) <= tol_t + 1e-9).all()
    assert (np.abs(s - 5 * np.round(s / 5)) <= tol_s + 1e-9).mean() > 0.99
    assert sim.truth["rounded"].all()
    clean = es.simulate_election(4000, rng=9)
    t0 = 100 * clean.election.data["ballots_found"] / clean.election.data["registered"]
    assert (np.abs(t0 - 5 * np.round(t0 / 5)) <= 100 * 0.5 / clean.election.data["registered"]).mean() < 0.3


def test_digit_fabrication_writes_the_chosen_digits():
    w = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    sim = es.simulate_election(3000, fraud=es.DigitFabrication(1.0, digit_weights=w, repeat_avoidance=0.0),
                               rng=10)
    d = sim.election.data
    for party in sim.election.parties:
        assert (d[party] % 10 == 7).all()
    assert (d[list(sim.election.parties)].sum(axis=1) == d["valid"]).all()
    assert (d["ballots_found"] <= d["registered"]).all()
    half = es.simulate_election(20_000, fraud=es.DigitFabrication(0.5), rng=12)
    assert half.truth["fabricated"].mean() == pytest.approx(0.5, abs=0.015)


def test_repeat_avoidance_reduces_repeated_last_two_digits():
    uniform = [1] * 10
    rep = {}
    for avoid in (0.0, 1.0):
        sim = es.simulate_election(20_000, registered=3000, fraud=es.DigitFabrication(
            1.0, digit_weights=uniform, repeat_avoidance=avoid), rng=13)
        v = sim.election.data["Leader"].to_numpy()
        rep[avoid] = np.mean((v % 10) == ((v // 10) % 10))
    assert rep[0.0] == pytest.approx(0.10, abs=0.01)
    # redrawing every repeat once leaves 1/10 of them: 0.1 * 0.1
    assert rep[1.0] == pytest.approx(0.01, abs=0.004)


def test_registered_from_a_real_election_reuses_stations_and_regions():
    base = es.simulate_election(300, regions=4, rng=1).election
    sim = es.simulate_election(registered=base, region_sd=0.3, rng=2)
    np.testing.assert_array_equal(sim.election.data["registered"], base.data["registered"])
    assert list(sim.election.data.index) == list(base.data.index)
    assert sim.election.data["region"].tolist() == base.data["region"].tolist()


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="f_i \\+ f_e"):
        es.KlimekFraud(0.7, 0.5)
    with pytest.raises(ValueError, match="alpha"):
        es.KlimekFraud(0.1, alpha=0)
    with pytest.raises(ValueError, match="n_stations"):
        es.simulate_election(0)
    with pytest.raises(ValueError, match="turnout_sd"):
        es.simulate_election(10, turnout=0.95, turnout_sd=0.3)
    with pytest.raises(ValueError, match="support"):
        es.simulate_election(10, support=[0.5, 0.4], parties=3)
    with pytest.raises(TypeError, match="fraud"):
        es.simulate_election(10, fraud="klimek")
    with pytest.raises(KeyError, match="Nobody"):
        es.simulate_election(10, fraud=es.KlimekFraud(0.1, party="Nobody"))
    with pytest.raises(TypeError, match="rng"):
        es.simulate_election(10, rng=True)
    with pytest.raises(ValueError, match="spread"):
        es.simulate_election(10, spread="gamma")


# ---------------------------------------------------------------------------------------
# Adversarial inputs (each once gave a silent wrong answer, a raw numpy error or a crash)
# ---------------------------------------------------------------------------------------


def test_missing_region_labels_are_refused_not_merged_into_the_last_region():
    """['a', None, nan] was read as ['a', 'a', 'a'] (factorize's -1 indexed the last label)."""
    with pytest.raises(ValueError, match=r"`regions` has missing \(NaN or None\) labels at positions \[1, 2\]"):
        es.simulate_election(3, regions=["a", None, float("nan")], rng=0)


def test_regions_of_a_reused_election_keep_missing_values_apart():
    df = pd.DataFrame({"id": range(6), "r": ["N", "N", None, "S", "S", None],
                       "reg": [500, 600, 700, 800, 900, 1000], "A": [100] * 6})
    base = es.Election.from_frame(df, station_id="id", region="r", registered="reg", parties=["A"])
    sim = es.simulate_election(registered=base, region_sd=0.3, rng=2)
    got = sim.election.data["region"]
    assert got.iloc[[0, 1, 3, 4]].tolist() == ["N", "N", "S", "S"]
    assert got.iloc[[2, 5]].isna().all()


def test_more_regions_than_stations_is_refused():
    """regions=200 for 10 stations silently gave 10 regions."""
    with pytest.raises(ValueError, match=r"`regions`=200 is more than the 10 stations"):
        es.simulate_election(10, regions=200, rng=0)
    assert es.simulate_election(10, regions=10, rng=0).election.data["region"].nunique() == 10


def test_batches_too_large_for_memory_are_refused_before_allocation():
    """10,000 stations x 100,000 elections was allocated and the process was killed."""
    with pytest.raises(ValueError, match=r"`n_elections` x `n_stations` = 1,000,000,000 .* limit of 10,000,000"):
        es.simulate_election(10_000, n_elections=100_000, rng=0)


def test_one_party_gets_every_valid_vote():
    """With one party, 144 of 200,000 stations had a vote missing (share clipped at 1 - 1e-6),
    the default support_sd was refused with a message about a beta spread around 1.000, and
    RoundingFraud crashed with numpy's 'argmax of an empty sequence'."""
    sim = es.simulate_election(200_000, parties=1, support=1.0, registered=2000, rng=0)
    d = sim.election.data
    assert (d["Leader"] == d["valid"]).all()
    r = es.simulate_election(500, parties=1, support=1.0, fraud=es.RoundingFraud(0.5), rng=0)
    d = r.election.data
    assert (d["Leader"] == d["valid"]).all() and r.truth["stolen"].sum() == 0


@pytest.mark.parametrize(
    ("support", "error", "match"),
    [
        ([float("nan"), 0.5, 0.5], ValueError, "one positive mean share per party"),
        ("0.5", TypeError, "`support` must be a number or a sequence of numbers"),
        (True, TypeError, "`support` must be a number or a sequence of numbers"),
        ([0.5, "0.3", 0.2], TypeError, "`support` must be a number or a sequence of numbers"),
    ],
)
def test_support_that_is_not_numbers_is_refused(support, error, match):
    with pytest.raises(error, match=match):
        es.simulate_election(5, support=support, rng=0)


@pytest.mark.parametrize(
    "kwargs",
    [{"registered": 1e30}, {"size_sd": 50.0}, {"registered": np.array([2**63 + 5], dtype=np.uint64)}],
)
def test_station_sizes_beyond_exact_counts_are_refused_naming_the_parameters(kwargs):
    """These ended in numpy's 'n < 0' (the sizes overflowed int64)."""
    with pytest.raises(ValueError, match=r"`registered`.*2\*\*53"):
        es.simulate_election(3 if "size_sd" in kwargs or isinstance(kwargs["registered"], float) else None,
                             rng=0, **kwargs)


def test_digit_fabrication_takes_one_column_name_as_a_string():
    """columns='Leader' was read letter by letter ("party 'L' is not one of ...")."""
    a = es.simulate_election(300, fraud=es.DigitFabrication(1.0, columns="Leader"), rng=3)
    b = es.simulate_election(300, fraud=es.DigitFabrication(1.0, columns=["Leader"]), rng=3)
    pd.testing.assert_frame_equal(a.election.data, b.election.data)


def test_many_parties_build_the_table_without_pandas_warnings():
    """parties=300 emitted hundreds of pandas PerformanceWarnings (a column inserted at a time)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim = es.simulate_election(5, parties=300, rng=0)
    assert len(sim.election.parties) == 300


def test_a_batch_is_not_indexed_by_a_boolean():
    """batch[True] silently gave election 1."""
    batch = es.simulate_election(20, n_elections=3, rng=0)
    with pytest.raises(IndexError, match="election index True"):
        batch[True]
    assert batch[np.int64(2)].election.n_stations == 20


@pytest.mark.parametrize("name", ["registered", "valid", " invalid ", "n_stations", "region", "ballots"])
def test_party_names_taken_by_the_table_are_refused_in_simulator_terms(name):
    """These were refused by Election.from_frame with a fix the simulator does not take
    ("rename them with a dict, e.g. parties={'source column': 'Party name'}"); a party named
    'ballots' replaced the ballots and ended in a consistency error."""
    with pytest.raises(ValueError, match=rf"`parties`: \['{name.strip()}'\] .* choose other party names"):
        es.simulate_election(5, parties=[name, "B"], regions=2, rng=0)
