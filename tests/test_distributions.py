"""Tests of electionstats.distributions: fingerprints, integer percentages, shape
statistics, Sobyanin-Sukhovolsky slopes and Shpilkin excess votes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import electionstats as es
from electionstats import distributions as dist
from electionstats._montecarlo import monte_carlo_pvalue


# ---------------------------------------------------------------------------- helpers
def simulate_frame(
    n: int = 2000,
    *,
    seed: int = 0,
    turnout: float = 0.6,
    share: float = 0.5,
    n_regions: int = 1,
    stuffing: float = 0.0,
) -> pd.DataFrame:
    """A clean election (binomial counts around smooth rates), optionally with stuffing.

    ``stuffing``: share of stations where a fraction of non-voters is added to party A.
    """
    rng = np.random.default_rng(seed)
    reg = rng.integers(200, 2500, n)
    t = np.clip(rng.normal(turnout, 0.08, n), 0.05, 0.95)
    s = np.clip(rng.normal(share, 0.08, n), 0.05, 0.95)
    issued = rng.binomial(reg, t)
    inv = rng.binomial(issued, 0.01)
    valid = issued - inv
    a = rng.binomial(valid, s)
    bad = rng.random(n) < stuffing
    add = (rng.uniform(0.3, 0.9, n) * (reg - issued)).astype(np.int64) * bad
    issued, valid, a = issued + add, valid + add, a + add
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "region": np.arange(n) % n_regions,
            "reg": reg,
            "issued": issued,
            "found": issued,
            "inv": inv,
            "A": a,
            "B": valid - a,
        }
    )


def make_election(df: pd.DataFrame, **kw) -> es.Election:
    return es.Election.from_frame(
        df, station_id="id", registered="reg", ballots_issued="issued", ballots_found="found",
        invalid="inv", valid=["A", "B"], parties=["A", "B"], region="region", **kw
    )


@pytest.fixture(scope="module")
def clean() -> es.Election:
    return make_election(simulate_frame(3000, seed=11, n_regions=4))


# ---------------------------------------------------------------------------- integer %
class TestIntegerPercentage:
    def test_exact_integer_window_edges(self):
        spec = dist._IntegerSpec(Fraction(1), Fraction(1, 20))
        # 100 x / n: 10.05 (edge, integer), 10.0505 (not), 9.95 (edge), 50, 33.33
        num = np.array([201, 2021, 199, 1, 1, 0, 2000])
        den = np.array([2000, 20000, 2000, 2, 3, 7, 2000])
        assert spec.is_integer(num, den).tolist() == [True, False, True, True, False, True, True]
        spec5 = dist._IntegerSpec(Fraction(5), Fraction(1, 20))
        assert spec5.is_integer(np.array([1, 1, 3]), np.array([20, 8, 20])).tolist() == [
            True, False, True
        ]

    def test_russia_2011_observed_counts_exact(self, load_dataset):
        # METHODS.md C5: 17,803 / 9,708 / 9,216 of 86,718 stations (deterministic).
        e = load_dataset("russia-2011-duma")
        r = dist.integer_percentage_test(e, n_resamples=2, rng=0)
        assert r.n == 86_718
        assert r.observed == 17_803
        assert r.observed_share == 9_708
        assert r.observed_turnout == 9_216
        assert r.n_excluded + r.n == e.n_stations
        assert "registered < 100" in r.excluded_reason

    @pytest.mark.parametrize(
        ("name", "published"),
        [("russia-2011-duma", 1003.5), ("russia-2012-president", 1159.6)],
    )
    def test_published_excess_reproduced(self, load_dataset, name, published):
        # METHODS.md C3: authors' runs with 1,000 replicates; MC sd about 115.
        r = dist.integer_percentage_test(load_dataset(name), n_resamples=1000, rng=42)
        assert abs(r.excess - published) < 3 * 115
        assert 90 < r.null_sd < 140
        assert r.pvalue == pytest.approx(1 / 1001)

    def test_poland_not_flagged(self, load_dataset):
        r = dist.integer_percentage_test(
            load_dataset("poland-2020-president-r1"), n_resamples=300, rng=3
        )
        assert r.pvalue > 0.01
        assert abs(r.excess) < 3 * r.null_sd

    def test_null_mean_matches_binomial_closed_form(self):
        # Identical stations: the null probability of an integer result is a sum of
        # binomial probabilities over the integer lattice points.
        v, p, n = 137, 0.43, 400
        df = pd.DataFrame({"id": range(n), "reg": 1000, "issued": 500,
                           "A": round(v * p), "B": v - round(v * p), "inv": 0})
        e = es.Election.from_frame(df, station_id="id", registered="reg",
                                   ballots_issued="issued", valid=["A", "B"], invalid="inv",
                                   parties=["A", "B"])
        r = dist.integer_percentage_test(e, party="A", dimension="share", n_resamples=400,
                                         rng=5, min_registered=0)
        k = np.arange(v + 1)
        pct = 100 * k / v
        integer = np.abs(pct - np.round(pct)) <= 0.05 + 1e-12
        prob = stats.binom.pmf(k[integer], v, round(v * p) / v).sum()
        sd = np.sqrt(n * prob * (1 - prob))
        assert r.null_mean == pytest.approx(n * prob, abs=4 * sd / np.sqrt(400))
        assert r.null_sd == pytest.approx(sd, rel=0.15)
        # turnout 50 % at every station is integer: observed turnout count is n.
        assert r.observed_turnout == n

    def test_weighted_sum(self, clean):
        r = dist.integer_percentage_test(clean, party="A", weights="registered", n_resamples=20,
                                         rng=1, preset=None)
        reg = clean.counts("registered")
        w = clean.counts("A")
        v = clean.counts("valid")
        pct = 100 * w / v
        share_int = np.abs(pct - np.round(pct)) <= 0.05
        assert r.observed_share == reg[share_int].sum()

    def test_size_under_clean_elections(self):
        # Calibration: 1,000 simulated clean elections of 500 stations, 99 replicates.
        spec = dist._IntegerSpec(Fraction(1), Fraction(1, 20))
        rng = np.random.default_rng(2024)
        p = np.empty(1000)
        for i in range(p.size):
            r = rng.integers(100, 2500, 500)
            b = rng.binomial(r, np.clip(rng.normal(0.6, 0.1, 500), 0.05, 0.95))
            w = rng.binomial(b, np.clip(rng.normal(0.5, 0.1, 500), 0.05, 0.95))
            ok = (b > 0) & (100 * b <= 99 * r) & (100 * w <= 99 * b)
            out = dist._integer_core(spec, w[ok], b[ok], b[ok], r[ok], None, 99, rng,
                                     histograms=False)
            p[i] = monte_carlo_pvalue(out["null"][:, 0], out["observed"][0])
        assert 0.035 <= np.mean(p <= 0.05) <= 0.065

    def test_power_against_round_results(self):
        df = simulate_frame(3000, seed=4)
        rng = np.random.default_rng(9)
        valid = df["A"] + df["B"]
        # A quarter of the large stations write down a whole-percent result (needs >= 1,000
        # ballots for the nearest count to land within 0.05 points of it).
        cheat = (rng.random(len(df)) < 0.25) & (valid + df["inv"] >= 1000)
        target = rng.integers(60, 90, len(df)) / 100
        written = np.minimum(np.round(target * (valid + df["inv"])), valid)
        a = np.where(cheat, written, df["A"]).astype(np.int64)
        df = df.assign(A=a, B=valid - a)
        r = dist.integer_percentage_test(make_election(df), party="A", n_resamples=200, rng=2)
        assert r.pvalue < 0.01
        assert r.excess_share > 3 * r.by_dimension.loc[1, "null_sd"]

    def test_same_seed_same_result(self, clean):
        a = dist.integer_percentage_test(clean, n_resamples=50, rng=7)
        b = dist.integer_percentage_test(clean, n_resamples=50, rng=7)
        np.testing.assert_array_equal(a.null_distribution, b.null_distribution)
        assert a.to_frame().equals(b.to_frame())

    def test_histogram_and_envelope(self, clean):
        r = dist.integer_percentage_test(clean, party="A", n_resamples=50, rng=1)
        assert r.hist_share.sum() == r.n
        assert r.hist_turnout.sum() == r.n
        assert r.null_hist_mean.shape == (2, r.bin_centers.size)
        assert np.all(r.null_hist_low <= r.null_hist_high)
        assert r.bin_centers[10] == pytest.approx(1.0)

    def test_exclusions_reported(self):
        df = simulate_frame(300, seed=1)
        df.loc[0, ["reg", "issued", "found", "inv", "A", "B"]] = 0  # zero registered
        df.loc[1, "issued"] = df.loc[1, "reg"] + 5  # turnout above 100 %
        with pytest.warns(es.DataQualityWarning):
            e = make_election(df)
        r = dist.integer_percentage_test(e, party="A", preset=None, n_resamples=5, rng=0)
        assert r.n_excluded == 2
        assert "zero registered: 1" in r.excluded_reason
        assert "turnout above 100 %: 1" in r.excluded_reason
        assert list(r.exclusions.columns) == ["reason", "n_stations"]

    def test_empty_after_filters_warns(self):
        df = simulate_frame(20, seed=1).assign(reg=lambda d: d["issued"] + 1)
        df["reg"] = np.minimum(df["reg"], 99)
        df["issued"] = np.minimum(df["issued"], df["reg"])
        df["found"] = df["issued"]
        df["inv"] = 0
        df["B"] = df["issued"] - df["A"].clip(upper=df["issued"])
        df["A"] = df["issued"] - df["B"]
        e = make_election(df)
        with pytest.warns(es.SmallSampleWarning, match="only 0 station"):
            r = dist.integer_percentage_test(e, party="A", n_resamples=5)
        assert np.isnan(r.pvalue)

    def test_group_runner(self, clean):
        table = es.group_apply(
            lambda sub: dist.integer_percentage_test(sub, party="A", n_resamples=30, rng=1),
            clean, by="region",
        )
        assert len(table) == 4
        assert {"excess", "pvalue", "pvalue_adjusted", "reject", "observed_share"} <= set(table)

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"preset": "aoas"}, ValueError, "`preset` must be one of"),
            ({"dimension": "both"}, ValueError, "`dimension` must be one of"),
            ({"weights": "voters"}, ValueError, "`weights` must be one of"),
            ({"party": "C"}, ValueError, "`party`='C' is not a party"),
            ({"tolerance": 0.5}, ValueError, "`tolerance` must be positive and below half"),
            ({"period": -1}, ValueError, "`period` must be positive"),
            ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
            ({"turnout": "ballots"}, ValueError, r"`turnout`='ballots': \['ballots'\]"),
            ({"max_rate": 1.5}, ValueError, "`max_rate` must be in"),
            ({"min_registered": -1}, ValueError, "`min_registered` must be a non-negative"),
        ],
    )
    def test_bad_arguments(self, clean, kwargs, error, match):
        with pytest.raises(error, match=match):
            dist.integer_percentage_test(clean, **{"party": "A", **kwargs})

    def test_preset_needs_roles(self):
        df = simulate_frame(50, seed=2)
        e = es.Election.from_frame(df, registered="reg", ballots_found="found",
                                   valid=["A", "B"], parties=["A", "B"])
        with pytest.raises(ValueError, match="uses .*ballots_issued.*which this election lacks"):
            dist.integer_percentage_test(e)
        r = dist.integer_percentage_test(e, turnout="ballots_found", base="valid",
                                         n_resamples=5, rng=0)
        assert r.turnout_definition == "ballots_found/registered"

    def test_not_an_election(self):
        with pytest.raises(TypeError, match="`election` must be an electionstats.Election"):
            dist.integer_percentage_test(pd.DataFrame())
