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
from results.published import (
    KOBAK_INTEGER_EXCESS,
    KOBAK_OBSERVED_2011,
    KOBAK_WEIGHTED_EXCESS_2011,
)


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
        # 100 x / n: 10.05 (edge, integer), 10.105 (not), 9.95 (edge), 50, 33.33, 0, 100
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
        r = dist.integer_percentage_test(e, histograms=False)
        k = KOBAK_OBSERVED_2011
        assert r.n == k["n"]
        assert r.observed == k["either"]
        assert r.observed_share == k["leader"]
        assert r.observed_turnout == k["turnout"]
        assert r.n_excluded + r.n == e.n_stations
        assert "registered < 100" in r.excluded_reason

    @pytest.mark.parametrize(
        ("name", "published", "published_sd"),
        [(name, *value) for name, value in KOBAK_INTEGER_EXCESS.items()],
    )
    def test_published_excess_reproduced(self, load_dataset, name, published, published_sd):
        # METHODS.md C3: the authors' excess is observed minus the mean of 1,000 simulated
        # elections, so it carries a Monte Carlo error of sd / sqrt(1000) ~ 3.7; the exact
        # null mean must match it within a few of those (and within one MC sd, the issue's
        # bar), and the exact sd must match their MC sd within its sampling error (~2 %).
        r = dist.integer_percentage_test(load_dataset(name), histograms=False)
        se = published_sd / np.sqrt(1000)
        np.testing.assert_allclose(r.by_dimension["excess"], published, atol=4 * se)
        assert abs(r.excess - published[0]) < published_sd
        assert r.null_sd == pytest.approx(published_sd, rel=0.07)
        assert r.null == "exact"
        assert r.pvalue < 1e-12  # about 9 sd above the null mean

    def test_published_weighted_excess_reproduced(self, load_dataset):
        # METHODS.md C4, 2011: weighted excess at integer stations (either), authors' 1,000
        # replicates, so their means carry an MC error of about sd / sqrt(1000).
        e = load_dataset("russia-2011-duma")
        for weights, published in KOBAK_WEIGHTED_EXCESS_2011.items():
            r = dist.integer_percentage_test(e, weights=weights, histograms=False)
            assert abs(r.excess - published) < 4 * r.null_sd / np.sqrt(1000), weights
            assert 40_000 < r.null_sd < 200_000

    def test_exact_null_matches_monte_carlo(self, clean):
        # The simulated null (the papers' procedure) estimates the exact one.
        for weights in (None, "registered"):
            ex = dist.integer_percentage_test(clean, party="A", weights=weights, preset=None)
            mc = dist.integer_percentage_test(clean, party="A", weights=weights, preset=None,
                                              null="montecarlo", n_resamples=1000, rng=3)
            a, b = ex.by_dimension, mc.by_dimension
            np.testing.assert_array_equal(a["observed"], b["observed"])
            np.testing.assert_allclose(a["null_mean"], b["null_mean"],
                                       atol=4 * float(a["null_sd"].max()) / np.sqrt(1000))
            np.testing.assert_allclose(a["null_sd"], b["null_sd"], rtol=0.1)
            np.testing.assert_allclose(a["pvalue"], b["pvalue"], atol=0.04)
            np.testing.assert_allclose(a["threshold"], b["threshold"],
                                       atol=0.5 * float(a["null_sd"].max()))
            # the figure's exact per-bin null mean against the simulated one
            np.testing.assert_allclose(ex.null_hist_mean, mc.null_hist_mean,
                                       atol=5 * np.sqrt(ex.null_hist_mean.max() / 1000)
                                       * (1 if weights is None else 2500))
            assert ex.null_distribution is None and mc.null_distribution.size == 1000

    def test_window_probabilities_against_scipy(self):
        # Exact per-station probabilities of an integer window, against scipy's binomial
        # pmf summed over every count whose percentage is in a window.
        rng = np.random.default_rng(8)
        n = np.r_[1, 2, 7, 100, 999, 1000, 1001, rng.integers(1, 4000, 60)]
        p = np.r_[0.0, 1.0, 0.5, 0.33, 0.999, 0.001, 0.7, rng.random(60)]
        for period, tol in ((1, 0.05), (5, 0.25), (0.5, 0.05), (3, 0.1)):
            spec = dist._IntegerSpec(Fraction(str(period)), Fraction(str(tol)))
            got = dist._poibin.binomial_window_probabilities(n, p, spec.windows)
            want = [stats.binom.pmf(k, m, q)[np.abs(100 * k / m - period * np.round(
                100 * k / m / period)) <= tol + 1e-9].sum()
                for m, q in zip(n, p) for k in [np.arange(m + 1)]]
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14)

    def test_poisson_binomial_exact(self):
        pb = dist._poibin
        # equal probabilities: the binomial, far into both tails (relative accuracy)
        pmf, off = pb.poisson_binomial_pmf(np.full(3000, 0.2))
        k = off + np.arange(pmf.size)
        np.testing.assert_allclose(pmf, stats.binom.pmf(k, 3000, 0.2), rtol=1e-9)
        assert pmf[-1] < 1e-250  # the tail is kept down to 1e-300 of the mode
        # unequal probabilities: against the characteristic-function formula (Hong 2013)
        rng = np.random.default_rng(1)
        q = np.r_[rng.random(200), 0.0, 1.0, 1.0]
        pmf, off = pb.poisson_binomial_pmf(q)
        n = q.size
        omega = np.exp(2j * np.pi * np.arange(n + 1) / (n + 1))
        cf = np.prod(1 - q[:, None] + q[:, None] * omega, axis=0)
        ref = np.fft.fft(cf).real / (n + 1)
        np.testing.assert_allclose(pmf, ref[off:off + pmf.size], atol=1e-14)
        assert off == 2 and pmf.sum() == pytest.approx(1.0)
        # the weighted tail (saddlepoint) against the exact tail with unit weights
        x = off + np.arange(pmf.size)
        for xi in (90, 110, 125, 135):
            exact = pmf[x >= xi].sum()
            assert pb.weighted_bernoulli_sf(xi - 0.5, q, np.ones(n)) == pytest.approx(
                exact, rel=0.06)
        assert pb.weighted_bernoulli_sf(n + 1, q, np.ones(n)) == 0.0

    def test_poisson_binomial_tail_far_out(self):
        # the tilted tail against the binomial's (equal probabilities) and against the
        # whole pmf down to 1e-300 (unequal ones), from the mean to 40 sd above it
        pb = dist._poibin
        for x in (600, 640, 700, 900, 1400):
            assert pb.poisson_binomial_sf(x, np.full(3000, 0.2)) == pytest.approx(
                stats.binom.sf(x - 1, 3000, 0.2), rel=1e-9)
        q = np.random.default_rng(2).beta(0.5, 8, 20_000)
        pmf, off = pb.poisson_binomial_pmf(q)
        tail = np.cumsum(pmf[::-1])[::-1]
        mean, sd = q.sum(), np.sqrt((q * (1 - q)).sum())
        for z in (-3, 0, 1, 3, 9, 40):
            x = int(mean + z * sd)
            assert pb.poisson_binomial_sf(x, q) == pytest.approx(tail[x - off], rel=1e-9)
        assert pb.poisson_binomial_sf(q.size + 1, q) == 0.0
        assert pb.poisson_binomial_sf(0, q) == 1.0

    def test_weighted_tail_against_simulation(self):
        rng = np.random.default_rng(4)
        q = rng.uniform(0.05, 0.3, 1000)
        w = rng.integers(100, 3000, 1000).astype(float)
        sims = (rng.random((20_000, 1000)) < q).astype(float) @ w
        pb = dist._poibin
        for level in (0.9, 0.99, 0.999):
            x = pb.weighted_bernoulli_quantile(level, q, w)
            assert np.mean(sims >= x) == pytest.approx(1 - level, rel=0.2, abs=3e-4)
        x = np.quantile(sims, 0.99)
        assert pb.weighted_bernoulli_sf(x, q, w) == pytest.approx(0.01, rel=0.15)

    def test_poland_not_flagged(self, load_dataset):
        r = dist.integer_percentage_test(load_dataset("poland-2020-president-r1"),
                                         histograms=False)
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
        k = np.arange(v + 1)
        pct = 100 * k / v
        integer = np.abs(pct - np.round(pct)) <= 0.05 + 1e-12
        prob = stats.binom.pmf(k[integer], v, round(v * p) / v).sum()
        sd = np.sqrt(n * prob * (1 - prob))
        ex = dist.integer_percentage_test(e, party="A", dimension="share", min_registered=0)
        assert ex.null_mean == pytest.approx(n * prob, rel=1e-10)
        assert ex.null_sd == pytest.approx(sd, rel=1e-10)
        # the count is Bin(n, prob): exact tail and 99.9th percentile
        assert ex.pvalue == pytest.approx(stats.binom.sf(ex.observed - 1, n, prob), rel=1e-8)
        assert ex.threshold == pytest.approx(stats.binom.ppf(0.999, n, prob) - n * prob)
        r = dist.integer_percentage_test(e, party="A", dimension="share", n_resamples=400,
                                         rng=5, min_registered=0, null="montecarlo")
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

    @staticmethod
    def _clean_pvalues(seed, pvalue):
        """p-values of ``pvalue(spec, w, v, b, r)`` on 1,000 clean elections of 500 stations."""
        spec = dist._IntegerSpec(Fraction(1), Fraction(1, 20))
        rng = np.random.default_rng(seed)
        p = np.empty(1000)
        for i in range(p.size):
            r = rng.integers(100, 2500, 500)
            b = rng.binomial(r, np.clip(rng.normal(0.6, 0.1, 500), 0.05, 0.95))
            w = rng.binomial(b, np.clip(rng.normal(0.5, 0.1, 500), 0.05, 0.95))
            ok = (b > 0) & (100 * b <= 99 * r) & (100 * w <= 99 * b)
            p[i] = pvalue(spec, w[ok], b[ok], b[ok], r[ok], rng)
        return p

    def test_size_under_clean_elections(self):
        # Calibration of the simulated null (99 replicates).
        def mc(spec, w, v, b, r, rng):
            out = dist._integer_core(spec, w, v, b, r, None, 99, rng, histograms=False)
            return monte_carlo_pvalue(out["null"][:, 0], out["observed"][0])
        p = self._clean_pvalues(2024, mc)
        assert 0.035 <= np.mean(p <= 0.05) <= 0.065

    def test_size_of_exact_null_under_clean_elections(self):
        # Calibration of the exact null. The count is discrete, so the test is at most
        # nominal (conservative).
        def exact(spec, w, v, b, r, rng):
            return dist._integer_exact(spec, w, v, b, r, None, histograms=False)["pvalue"][0]
        p = self._clean_pvalues(2025, exact)
        assert 0.03 <= np.mean(p <= 0.05) <= 0.06
        assert 0.005 <= np.mean(p <= 0.01) <= 0.016

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
        r = dist.integer_percentage_test(make_election(df), party="A")
        assert r.pvalue < 0.01
        assert r.excess_share > 3 * r.by_dimension.loc[1, "null_sd"]

    def test_same_seed_same_result(self, clean):
        a = dist.integer_percentage_test(clean, n_resamples=120, rng=7, null="montecarlo")
        b = dist.integer_percentage_test(clean, n_resamples=120, rng=7, null="montecarlo")
        np.testing.assert_array_equal(a.null_distribution, b.null_distribution)
        assert a.to_frame().equals(b.to_frame())
        # fixed chunks: the memory batch size does not change the draws
        old = dist._MAX_CELLS
        try:
            dist._MAX_CELLS = 3000 * 7
            c = dist.integer_percentage_test(clean, n_resamples=120, rng=7, null="montecarlo")
        finally:
            dist._MAX_CELLS = old
        np.testing.assert_array_equal(a.null_distribution, c.null_distribution)

    def test_histogram_and_envelope(self, clean):
        r = dist.integer_percentage_test(clean, party="A", n_resamples=50, rng=1)
        assert r.hist_share.sum() == r.n
        assert r.hist_turnout.sum() == r.n
        assert r.null_hist_mean.shape == (2, r.bin_centers.size)
        assert np.all(r.null_hist_low <= r.null_hist_high)
        assert r.bin_centers[10] == pytest.approx(1.0)
        # the exact null histogram puts each station's whole binomial in some bin
        np.testing.assert_allclose(r.null_hist_mean.sum(axis=1), r.n, rtol=1e-4)
        # computed when first read, the same as computed at once
        lazy = dist.integer_percentage_test(clean, party="A", n_resamples=50, rng=1)
        assert "_values" not in lazy._null_hist.__dict__
        assert lazy == r  # equality reads the stations kept, not the histograms
        np.testing.assert_array_equal(lazy.null_hist_high, r.null_hist_high)
        q = dist.integer_percentage_test(clean, party="A", histograms=False)
        assert q.hist_share is None and q.excess == r.excess
        assert q.null_hist_mean is None
        with pytest.raises(ValueError, match="histograms=True"):
            q.plot()

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
            ({"party": "C"}, KeyError, "`party`='C' is not a party"),
            ({"tolerance": 0.5}, ValueError, "`tolerance` must be positive and below half"),
            ({"period": -1}, ValueError, "`period` must be positive"),
            ({"n_resamples": 0}, ValueError, "`n_resamples` must be a positive integer"),
            ({"turnout": "ballots"}, ValueError, r"`turnout`='ballots': \['ballots'\]"),
            ({"max_rate": 1.5}, ValueError, "`max_rate` must be in"),
            ({"min_registered": -1}, ValueError, "`min_registered` must be a non-negative"),
            ({"null": "simulated"}, ValueError, "`null` must be one of"),
            ({"histograms": 1}, TypeError, "`histograms` must be True or False"),
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

    def test_preset_without_valid_uses_ballots_found(self, load_dataset):
        r = dist.integer_percentage_test(load_dataset("russia-2020-constitution"),
                                         n_resamples=2, rng=0)
        assert r.share_definition == "Yes/ballots_found"
        assert r.n > 80_000

    def test_not_an_election(self):
        with pytest.raises(TypeError, match="`election` must be an electionstats.Election"):
            dist.integer_percentage_test(pd.DataFrame())


# ---------------------------------------------------------------------------- fingerprint
class TestFingerprint:
    def test_exact_bins_and_weights(self):
        # 29/100 = 0.29 exactly: bin 29 (floating point 0.29 * 100 = 28.999...).
        df = pd.DataFrame({"id": [1, 2, 3], "reg": [100, 200, 1000], "issued": [29, 200, 500],
                           "found": [29, 200, 500], "inv": [0, 0, 0], "A": [10, 150, 250],
                           "B": [19, 50, 250]})
        e = make_election(df.assign(region=0))
        fp = dist.fingerprint(e, party="A")
        assert fp.counts[29, 34] == 1  # 10/29 = 34.5 %
        assert fp.counts[99, 75] == 1  # turnout 100 % goes in the last bin
        assert fp.counts[50, 50] == 1
        fpw = dist.fingerprint(e, party="A", weights="registered")
        assert fpw.total_weight == 1300
        assert fpw.turnout_hist.sum() == fpw.share_hist.sum() == 1300

    def test_exclusions_and_preset(self):
        df = simulate_frame(200, seed=3)
        df.loc[0, "reg"] = 50
        df.loc[0, ["issued", "found"]] = 40
        df.loc[0, ["A", "B", "inv"]] = [20, 20, 0]
        df.loc[1, "found"] = df.loc[1, "A"] - 1  # party above the ballots found
        with pytest.warns(es.DataQualityWarning):
            e = make_election(df)
        fp = dist.fingerprint(e, party="A", base="ballots_found", preset="klimek2012")
        assert fp.n_excluded == 2
        assert "registered < 100: 1" in fp.excluded_reason
        assert "A share of ballots_found above 100 %: 1" in fp.excluded_reason

    def test_russia_smears_poland_compact(self, load_dataset):
        def corner(fp):  # weight share at turnout >= 90 % and share >= 90 %
            return fp.counts[90:, 90:].sum() / fp.total_weight

        ru = dist.fingerprint(load_dataset("russia-2011-duma"), weights="registered")
        pl = dist.fingerprint(load_dataset("poland-2020-president-r1"), weights="registered")
        assert corner(ru) > 0.02
        assert corner(pl) < 0.001

    def test_empty_election_warns(self):
        e = make_election(simulate_frame(10)).subset(np.zeros(10, dtype=bool))  # from_frame refuses 0 rows
        with pytest.warns(es.SmallSampleWarning, match="fingerprint: only 0 station"):
            fp = dist.fingerprint(e, party="A")
        assert fp.n == 0 and fp.total_weight == 0
        with pytest.warns(es.SmallSampleWarning, match="cumulative_votes: only 0 station"):
            assert np.isnan(dist.cumulative_votes(e, party="A").estimate)

    def test_cumulative_votes(self, clean):
        cv = dist.cumulative_votes(clean, party="A")
        assert cv.cumulative_party[-1] == clean.counts("A").sum()
        assert np.all(np.diff(cv.cumulative_party) >= 0)
        assert 0 <= cv.estimate <= 1

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"bin_width": 0.03}, "must divide 1"),
            ({"weights": "voters"}, "`weights` must be one of"),
            ({"preset": "pnas"}, "`preset` must be one of"),
            ({"base": "valid+spoilt"}, "`base`='valid\\+spoilt'"),
        ],
    )
    def test_bad_arguments(self, clean, kwargs, match):
        with pytest.raises(ValueError, match=match):
            dist.fingerprint(clean, **kwargs)

    def test_no_registered(self):
        df = simulate_frame(20)
        e = es.Election.from_frame(df, ballots_found="found", valid=["A", "B"],
                                   parties=["A", "B"])
        with pytest.raises(ValueError, match="needs the number of registered voters"):
            dist.fingerprint(e)


# ---------------------------------------------------------------------------- excess votes
class TestExcessVotes:
    def test_hand_computed(self):
        # 10 clean stations at 50 % turnout (A 200, B 300) and 2 at 80 % (A 500, B 300).
        # Official turnout 0.55; A's votes peak in bin 50 (centre 0.505) with ratio 2/3;
        # expected A at 80 %: 2 * 300 * 2/3 = 400; anomaly 1000 - 400 = 600;
        # stuffing (0.55 - 0.505) * 12,000 = 540; switching 60.
        df = pd.DataFrame({
            "id": range(12), "region": 0, "reg": 1000,
            "issued": [500] * 10 + [800] * 2, "inv": 0,
            "A": [200] * 10 + [500] * 2, "B": 300,
        }).assign(found=lambda d: d["issued"])
        r = dist.excess_votes(make_election(df), party="A", n_resamples=0)
        assert r.anomalous_votes == pytest.approx(600)
        assert r.stuffing == pytest.approx(540)
        assert r.switching == pytest.approx(60)
        assert r.clean_turnout == pytest.approx(0.505)
        assert r.clean_share == pytest.approx(0.4)
        assert r.official_turnout == pytest.approx(0.55)

    def test_a_bump_in_the_tail_is_not_the_clean_peak(self):
        # 30 stations of 1,000 voters at 56 % to 65 % turnout (1, 2, 3, 4, 5, 5, 4, 3, 2, 1
        # stations per bin), A and B half each, and one at 30 % (A 30, B 270). Official
        # turnout 18,450 / 31,000 = 0.5952: the bins below it end at 59 % (A 1,180), still
        # rising (the 60 % bin has 1,500). The 30 % station is a local maximum of 30 votes,
        # 2.5 % of the 59 % bin: not the clean peak. The peak is the 59 % bin (centre
        # 0.595), its ratio A/B = 1 holds in every bin above: nothing is anomalous. (Taking
        # the tail bump, ratio 1/9, would call most of A's votes anomalous.)
        per_bin = [1, 2, 3, 4, 5, 5, 4, 3, 2, 1]
        issued = [300] + [560 + 10 * b for b, k in enumerate(per_bin) for _ in range(k)]
        df = pd.DataFrame({"id": range(len(issued)), "region": 0, "reg": 1000,
                           "issued": issued, "inv": 0})
        df["A"] = df["issued"] // 2
        df.loc[0, "A"] = 30
        df["B"] = df["issued"] - df["A"]
        df["found"] = df["issued"]
        r = dist.excess_votes(make_election(df), party="A", n_resamples=0)
        assert r.official_turnout == pytest.approx(18_450 / 31_000)
        assert r.clean_turnout == pytest.approx(0.595)
        assert r.anomalous_votes == pytest.approx(0.0)

    def test_clean_simulated_election_has_its_peak_near_the_mode(self):
        # 100,000 clean stations: the leader's votes per bin still rise at the official
        # turnout (about 60 %); the clean peak is the bin just below it and the anomaly is
        # a small share of the leader's votes (the earlier rule took a tail bump at 29.5 %
        # and reported -3.6 million).
        e = es.simulate_election(100_000, rng=1).election
        r = dist.excess_votes(e, n_resamples=0)
        assert 0.55 < r.clean_turnout < r.official_turnout
        assert abs(r.anomalous_votes) < 0.005 * e.counts(e.resolve_party()).sum()

    def test_region_with_undefined_ratio_is_reported_not_nan(self):
        # Region 0 is the hand-computed election above (anomaly 600). Region 1 is
        # uncontested (B = 0 everywhere): its clean ratio A/B is undefined. It used to turn
        # the national sum into NaN (Russia 2011 by="tik": 8 of 2,730 TIKs did) and leak
        # RuntimeWarnings; now its stations are excluded, counted and named.
        r0 = pd.DataFrame({
            "id": range(12), "region": "r0", "reg": 1000,
            "issued": [500] * 10 + [800] * 2, "inv": 0,
            "A": [200] * 10 + [500] * 2, "B": 300,
        })
        r1 = pd.DataFrame({"id": range(12, 17), "region": "r1", "reg": 1000,
                           "issued": [600, 610, 620, 900, 950], "inv": 0, "B": 0})
        r1["A"] = r1["issued"]
        df = pd.concat([r0, r1], ignore_index=True).assign(found=lambda d: d["issued"])
        e = make_election(df)
        r = dist.excess_votes(e, party="A", by="region", n_resamples=20, rng=0)
        assert r.anomalous_votes == pytest.approx(600)
        assert r.stuffing + r.switching == pytest.approx(600)
        assert (r.n, r.n_excluded) == (12, 5)
        assert "r1" in r.excluded_reason and "clean ratio undefined" in r.excluded_reason
        assert r.regional["region"].tolist() == ["r0"]
        assert np.isfinite(r.sensitivity["anomalous_votes"]).all()
        # Nationally, the whole election has no defined ratio: NaN, with a warning.
        only = e.subset((df["region"] == "r1").to_numpy(), reason="test")
        with pytest.warns(es.SmallSampleWarning, match="only 0 station"):
            r = dist.excess_votes(only, party="A", n_resamples=5, rng=0)
        assert np.isnan(r.anomalous_votes) and r.n_excluded == 5
        # nothing computed, nothing to plot (once TypeError: 'NoneType' * 100)
        with pytest.raises(ValueError, match=r"nothing to plot: the excess votes were not computed \(0 stations usable, 5 excluded"):
            r.plot()

    def test_recovers_injected_stuffing_and_clean_is_small(self):
        df = simulate_frame(6000, seed=21, stuffing=0.1)
        added = (df["issued"] - simulate_frame(6000, seed=21)["issued"]).sum()
        r = dist.excess_votes(make_election(df), party="A", n_resamples=200, rng=1)
        assert 0.8 < r.anomalous_votes / added < 1.25
        lo, hi = r.anomalous_votes_ci
        assert lo < r.anomalous_votes < hi
        c = dist.excess_votes(make_election(simulate_frame(6000, seed=21)), party="A",
                              n_resamples=0)
        assert abs(c.anomalous_votes) < 0.3 * added

    def test_regional_sum_and_group_runner(self, clean):
        r = dist.excess_votes(clean, party="A", by="region", n_resamples=50, rng=3)
        assert r.anomalous_votes == pytest.approx(r.regional["anomalous_votes"].sum())
        assert len(r.regional) == 4
        assert r.regional["anomalous_votes_se"].notna().all()
        table = es.group_apply(
            lambda sub: dist.excess_votes(sub, party="A", n_resamples=0), clean, by="region"
        )
        np.testing.assert_allclose(np.sort(table["estimate"]),
                                   np.sort(r.regional["anomalous_votes"]))

    def test_sensitivity_table(self, clean):
        r = dist.excess_votes(clean, party="A", n_resamples=0)
        s = r.sensitivity
        assert len(s) == 3 * 3 * 2
        assert s["chosen"].sum() == 1
        assert s.loc[s["chosen"], "anomalous_votes"].item() == pytest.approx(r.anomalous_votes)

    def test_cells_engine_equals_dense_histogram_by_hand(self, clean):
        # The estimate on occupied cells equals the dense (group x bin) computation written
        # out here: per-bin sums, the highest local peak below the official turnout.
        r = dist.excess_votes(clean, party="A", by="region", n_resamples=0)
        reg, bal = clean.counts("registered"), clean.counts("ballots_issued")
        a, o = clean.counts("A"), clean.counts("valid") - clean.counts("A")
        codes, labels = clean.group_keys("region")
        total = 0.0
        for g in range(len(labels)):
            m = codes == g
            b = (bal[m] * 100) // reg[m]
            W = np.bincount(b, weights=a[m], minlength=100)
            O = np.bincount(b, weights=o[m], minlength=100)
            official = bal[m].sum() / reg[m].sum()
            centers = (np.arange(100) + 0.5) / 100
            peaks = [j for j in range(100) if centers[j] < official and W[j] > 0
                     and W[j] > (W[j - 1] if j else 0) and W[j] >= (W[j + 1] if j < 99 else 0)]
            b0 = max(peaks, key=lambda j: (W[j], -j))
            total += (W[b0:] - O[b0:] * W[b0] / O[b0]).sum()
        assert r.anomalous_votes == pytest.approx(total, rel=1e-12)

    def test_bootstrap_with_many_small_groups_has_an_interval(self):
        # 60 groups of 4 stations, one of them below the group's official turnout: a
        # replicate that misses it has no clean peak in that group (a third of the time).
        # Those (replicate, group) pairs take the group's value from another replicate (the
        # bootstrap given a defined ratio) instead of making every replicate NaN, which
        # left Russia 2011 by TIK without an interval (and leaked warnings).
        rng = np.random.default_rng(8)
        g = np.repeat(np.arange(60), 4)
        issued = np.where(np.arange(240) % 4 == 0, 300 + rng.integers(0, 50, 240), 700)
        a = (issued * np.where(np.arange(240) % 4 == 0, 0.4, 0.6)).astype(int)
        df = pd.DataFrame({"id": range(240), "region": g, "reg": 1000, "issued": issued,
                           "inv": 0, "A": a, "B": issued - a}).assign(found=lambda d: d["issued"])
        r = dist.excess_votes(make_election(df), party="A", by="region", n_resamples=50, rng=2)
        assert r.interval.computed and np.isfinite(r.replicates).all()
        assert 0.2 < r.n_undefined_replicates / (50 * 60) < 0.45  # (3/4)**4 = 0.32
        assert r.regional["anomalous_votes_se"].notna().all()

    def test_fill_undefined_takes_the_groups_own_defined_replicates(self):
        nan = np.nan
        reps = np.array([[[1.0, nan, 5.0], [0.5, nan, 1.0]],
                         [[nan, nan, 6.0], [nan, nan, 2.0]],
                         [[3.0, nan, nan], [1.5, nan, nan]],
                         [[nan, nan, nan], [nan, nan, nan]]])
        point = np.array([[2.0, 9.0, 5.5], [1.0, 4.0, 1.5]])
        filled, n = dist._fill_undefined(reps, point)
        assert n == 8
        np.testing.assert_array_equal(filled[:, 0, 0], [1.0, 1.0, 3.0, 3.0])
        np.testing.assert_array_equal(filled[:, 1, 0], [0.5, 0.5, 1.5, 1.5])
        np.testing.assert_array_equal(filled[:, 0, 1], [9.0] * 4)  # never defined: estimate
        np.testing.assert_array_equal(filled[:, 0, 2], [5.0, 6.0, 5.0, 6.0])

    def test_bootstrap_same_for_any_number_of_workers(self, clean):
        from electionstats import _parallel

        codes, _ = clean.group_keys("region")
        a, v = clean.counts("A"), clean.counts("valid")
        cells = dist._Cells(codes, dist._bin_index(clean.counts("ballots_issued"),
                                                   clean.counts("registered"), 100),
                            4, 100, {"W": a, "O": v - a, "T": clean.counts("ballots_issued"),
                                     "R": clean.counts("registered")})
        runs = [np.concatenate(_parallel.map_chunks(
            dist._excess_bootstrap_chunk, 120, chunk_size=dist._EXCESS_CHUNK, rng=9,
            args=(cells, "votes", "peak_bin"), workers=w)) for w in (1, 2)]
        np.testing.assert_array_equal(runs[0], runs[1])
        assert runs[0].shape == (120, 2, 4)

    def test_same_seed_same_result(self, clean):
        a = dist.excess_votes(clean, party="A", n_resamples=30, rng=5)
        b = dist.excess_votes(clean, party="A", n_resamples=30, rng=5)
        np.testing.assert_array_equal(a.replicates, b.replicates)

    @pytest.mark.parametrize(
        "name",
        ["russia-2011-duma", "russia-2012-president", "russia-2016-duma",
         "russia-2018-president", "russia-2020-constitution", "russia-2021-duma",
         "russia-2024-president"],
    )
    def test_positive_in_russia(self, load_dataset, name):
        r = dist.excess_votes(load_dataset(name), n_resamples=0)
        assert r.anomalous_votes > 1e6
        assert r.assumption_holds and r.note == ""
        assert (r.sensitivity["anomalous_votes"] > 0).all()

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"peak": "mode"}, "`peak` must be one of"),
            ({"peak": 1.5}, "`peak` must be one of"),
            ({"ratio": "all"}, "`ratio` must be one of"),
            ({"by": "district"}, "`by`='district' is not a region level"),
            ({"bin_width": 0.3}, "must divide 1"),
            ({"confidence_level": 95}, "`confidence_level` must be strictly between 0 and 1"),
        ],
    )
    def test_bad_arguments(self, clean, kwargs, match):
        with pytest.raises(ValueError, match=match):
            dist.excess_votes(clean, **kwargs)


# ---------------------------------------------------------------------------- shape
class TestShape:
    def test_point_estimates_match_scipy(self, clean):
        r = dist.shape_statistics(clean, party="A", n_resamples=0)
        t = clean.turnout().to_numpy()
        s = clean.share("A").to_numpy()
        assert r.turnout_skewness == pytest.approx(stats.skew(t, bias=True))
        assert r.share_kurtosis == pytest.approx(stats.kurtosis(s, fisher=False, bias=True))
        assert r.correlation == pytest.approx(stats.pearsonr(t, s)[0])
        slope = stats.linregress(t, s).slope
        assert r.eft_sobyanin == pytest.approx(slope - s.mean())
        assert r.share_dip_pvalue > 0.05

    def test_same_intervals_as_basic_forensics_for_the_same_seed(self, clean):
        # One moment bootstrap (issue 8.2): shape_statistics and basic_forensics give
        # identical Skew/Kurt/Corr/Sobyanin intervals for the same data and seed.
        r = dist.shape_statistics(clean, party="A", turnout="ballots_issued",
                                  base="ballots_issued", n_resamples=200, rng=11)
        t = es.basic_forensics(clean, ["A"], n_resamples=200, rng=11).long.set_index("statistic")
        for stat, field in (("Skew", "share_skewness"), ("Kurt", "share_kurtosis"),
                            ("Corr", "correlation"), ("Sobyanin", "eft_sobyanin")):
            iv = getattr(r, f"{field}_ci")
            assert t.loc[stat, "value"] == pytest.approx(getattr(r, field), rel=1e-12)
            assert (t.loc[stat, "ci_low"], t.loc[stat, "ci_high"]) == (iv.low, iv.high)

    def test_sobyanin_bootstrap_slopes_equal_slopes_of_resampled_copies(self, clean):
        # The slopes come from resampled moments; recompute them on resampled copies.
        from electionstats import _shape

        x = clean.counts("ballots_issued") / clean.counts("registered")
        y = clean.counts("A") / clean.counts("registered")
        dx, dy = x - x.mean(), y - y.mean()
        m = _shape._resample_means_chunk(np.random.default_rng(3), 5,
                                         np.column_stack([dx, dx**2, dy, dx * dy]))
        fast = (m[:, 3] - m[:, 0] * m[:, 2]) / (m[:, 1] - m[:, 0] ** 2)
        idx = np.random.default_rng(3).integers(0, x.size, size=(5, x.size))
        slow = [stats.linregress(x[i], y[i]).slope for i in idx]
        np.testing.assert_allclose(fast, slow, rtol=1e-9)

    def test_intervals_cover_under_normal_data(self):
        rng = np.random.default_rng(4)
        n = 3000
        reg = np.full(n, 10_000)
        b = (reg * np.clip(rng.normal(0.6, 0.05, n), 0, 1)).astype(int)
        a = (b * np.clip(rng.normal(0.5, 0.05, n), 0, 1)).astype(int)
        e = es.Election.from_frame(pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a}),
                                   registered="reg", ballots_issued="b", valid=["A", "B"],
                                   parties=["A", "B"])
        r = dist.shape_statistics(e, party="A", n_resamples=300, rng=0)
        table = r.table.set_index("statistic")
        assert not table.loc[["turnout_skewness", "share_kurtosis", "correlation"],
                             "departs"].any()

    def test_sobyanin_slopes_sum_to_one(self, clean):
        r = dist.sobyanin_sukhovolsky(clean, party="A", turnout="valid", n_resamples=100, rng=0)
        assert r.table["slope"].sum() == pytest.approx(1.0)
        assert r.table["intercept"].sum() == pytest.approx(0.0, abs=1e-12)
        y = clean.counts("A") / clean.counts("registered")
        x = clean.counts("valid") / clean.counts("registered")
        assert r.slope == pytest.approx(stats.linregress(x, y).slope)
        lo, hi = r.slope_ci
        assert lo < r.slope < hi
        assert abs(r.slope - r.reference) < 0.1

    def test_constant_turnout_gives_nan_with_a_warning(self):
        # Turnout 60 % everywhere: slopes on turnout and turnout moments are undefined
        # (they used to come out as RuntimeWarnings and a made-up skewness of -1).
        df = pd.DataFrame({"reg": 100, "b": 60, "A": np.arange(50) % 30 + 10})
        df["B"] = 60 - df["A"]
        e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
                                   valid=["A", "B"], parties=["A", "B"])
        with pytest.warns(es.SmallSampleWarning, match="turnout is 0.6 at every one"):
            r = dist.sobyanin_sukhovolsky(e, party="A", n_resamples=20, rng=0)
        assert np.isnan(r.slope)
        with pytest.warns(es.SmallSampleWarning, match="takes one value"):
            r = dist.shape_statistics(e, party="A", n_resamples=20, rng=0)
        assert np.isnan(r.turnout_skewness) and np.isnan(r.correlation)
        assert np.isnan(r.turnout_kurtosis_ci[0])
        assert r.share_skewness == pytest.approx(stats.skew(df["A"] / 60, bias=True))

    def test_sobyanin_russia_leader_above_one(self, load_dataset):
        r = dist.sobyanin_sukhovolsky(load_dataset("russia-2011-duma"), n_resamples=50, rng=0)
        assert r.slope > 1 and r.slope_ci[0] > 1
        others = r.table[r.table["party"] != "United Russia"]
        assert (others["slope"] < 0).all()


# ---------------------------------------------------------------------------- plots
class TestPlots:
    def test_every_plot_draws(self, clean):
        import matplotlib.pyplot as plt

        ip = dist.integer_percentage_test(clean, party="A", n_resamples=20, rng=0)
        results = [dist.fingerprint(clean), dist.cumulative_votes(clean), ip,
                   dist.excess_votes(clean, n_resamples=10, rng=0)]
        for res in results:
            ax = res.plot()
            assert ax.get_xlabel().startswith("Turnout") or ax.get_xlabel().startswith("Result")
            assert "n = " in ax.get_title() + "".join(t.get_text() for t in ax.texts) + (
                ax.get_legend().get_title().get_text() if ax.get_legend() else "")
        sh = dist.shape_statistics(clean, n_resamples=30, rng=0)
        ax = sh.plot()
        assert ax.get_xlabel() == "Distance from the reference value"
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "Skewness of turnout"
        so = dist.sobyanin_sukhovolsky(clean, n_resamples=30, rng=0)
        ax = so.plot()
        assert [t.get_text() for t in ax.get_yticklabels()] == list(so.table["party"])
        assert "n = 3,000" in ax.get_title()
        ax = ip.plot(dimension="turnout")
        assert ax.get_xlabel() == "Turnout: ballots issued / registered voters (%)"
        with pytest.raises(ValueError, match="`dimension` must be 'share' or 'turnout'"):
            ip.plot(dimension="either")
        plt.close("all")


def test_report_section(clean):
    from electionstats._report_distributions import distributions_section

    family = distributions_section(clean, rng=0, n_resamples=20)
    # the report adjusts every family's p-values together, then renders; unadjusted here
    section = family.render(family.tests["pvalue"].to_numpy())
    html = section.to_html()
    assert section.title == "Turnout and vote shares"
    assert html.count("<figure>") == 4  # fingerprint, integer histograms, spikes, excess votes
    assert "Anomalous votes for A" in html
    assert "coarse, round-number results" in html
    no_reg = es.Election.from_frame(simulate_frame(20), ballots_found="found",
                                    valid=["A", "B"], parties=["A", "B"])
    # without registered voters there is nothing to test: a plain section saying why
    assert "registered voters" in distributions_section(no_reg).intro


# ---------------------------------------------------------------------------- the table decides
def test_poland_r1_turnout_from_ballots_found_everywhere(load_dataset):
    # PKW turnout 64.5 %: ballots found include postal votes (the dataset's declared
    # turnout), in every analysis of this module and in the excess-votes figure's label.
    e = load_dataset("poland-2020-president-r1")
    ip = dist.integer_percentage_test(e, histograms=False)
    sh = dist.shape_statistics(e, n_resamples=0)
    ev = dist.excess_votes(e, n_resamples=0)
    for r in (ip, sh, ev):
        assert r.turnout_definition == "ballots_found/registered"
    assert round(ev.official_turnout, 4) == 0.6452
    # Duda does worse at high turnout: the method's premise fails and the result says so
    assert ev.anomalous_votes < 0 and not ev.assumption_holds
    assert "does not hold here" in ev.note
    ax = ev.plot()
    assert ax.get_xlabel() == "Turnout: ballots found / registered voters (%)"


def test_excess_votes_by_tik_uses_the_elections_groups(load_dataset):
    e = load_dataset("russia-2011-duma")
    r = dist.excess_votes(e, by="tik", n_resamples=0)
    labels = e.group_keys("tik")[1]
    assert len(labels) == 2746
    assert r.regional["tik"].is_unique and set(r.regional["tik"]) <= set(labels)
    assert len(r.regional) + (int(r.excluded_reason.split(" in ")[1].split()[0])
                              if "clean ratio undefined" in r.excluded_reason else 0) <= 2746
    assert r.anomalous_votes > 0


def test_integer_monte_carlo_same_for_any_number_of_workers(clean):
    from electionstats import _parallel

    args = (dist._IntegerSpec(Fraction(1), Fraction(1, 20)), clean.counts("A"),
            clean.counts("valid"), clean.counts("ballots_issued"), clean.counts("registered"),
            None, False)
    runs = [np.concatenate([p[0] for p in _parallel.map_chunks(
        dist._integer_mc_chunk, 160, chunk_size=dist._INTEGER_CHUNK, rng=5, args=args,
        workers=w)]) for w in (1, 2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape == (160, 3)


def test_fingerprint_too_fine_refuses_before_allocating(clean):
    with pytest.raises(ValueError, match=r"limit is 16,777,216 cells"):
        dist.fingerprint(clean, bin_width=1e-5)
    assert dist.fingerprint(clean, bin_width=0.001).counts.shape == (1000, 1000)


# ---------------------------------------------------------------------------- result family
# One call of each distribution function, shared by TestResultFamily.
@pytest.fixture(scope="module")
def results(clean):
    return {
        "fingerprint": dist.fingerprint(clean),
        "cumulative": dist.cumulative_votes(clean),
        "integer": dist.integer_percentage_test(clean, histograms=False),
        "spikes": dist.spikes_test(clean, n_resamples=20, rng=0),
        "excess": dist.excess_votes(clean, n_resamples=30, rng=0),
        "excess0": dist.excess_votes(clean, n_resamples=0),
        "shape": dist.shape_statistics(clean, n_resamples=30, rng=0),
        "sobyanin": dist.sobyanin_sukhovolsky(clean, n_resamples=30, rng=0),
        "sobyanin0": dist.sobyanin_sukhovolsky(clean, n_resamples=0),
    }


class TestResultFamily:
    """Issue 8.3: tests are TestResults, descriptions EstimateResults or TableResults."""

    def test_kinds(self, results):
        kinds = {"fingerprint": es.TableResult, "cumulative": es.EstimateResult,
                 "integer": es.TestResult, "spikes": es.TestResult,
                 "excess": es.EstimateResult, "shape": es.TableResult,
                 "sobyanin": es.EstimateResult}
        for name, kind in kinds.items():
            assert isinstance(results[name], kind), name

    def test_tests_unpack_and_descriptions_have_no_pvalue(self, results):
        for name in ("integer", "spikes"):
            stat, p = results[name]
            assert (stat, p) == (results[name].statistic, results[name].pvalue)
            assert 0 < p <= 1
        for name in ("fingerprint", "cumulative", "excess", "shape", "sobyanin"):
            r = results[name]
            assert not hasattr(r, "pvalue"), name
            assert "pvalue" not in r.to_frame().columns or name == "shape"  # dip p-values
            with pytest.raises(TypeError, match="does not unpack"):
                tuple(r)

    def test_frames_of_one_kind_concat_into_one_set_of_columns(self, results):
        ev, ev0 = results["excess"], results["excess0"]
        table = pd.concat([ev.to_frame(), ev0.to_frame()], ignore_index=True)
        assert list(table.columns) == list(ev.to_frame().columns)
        assert {"estimate", "interval_low", "interval_high", "stuffing_ci_low"} <= set(table)
        assert np.isnan(table.loc[1, "interval_low"]) and np.isfinite(table.loc[0, "interval_low"])
        s, s0 = results["sobyanin"], results["sobyanin0"]
        assert list(pd.concat([s.to_frame(), s0.to_frame()]).columns) == list(s.to_frame())
        estimates = pd.concat([results[k].to_frame() for k in ("cumulative", "excess", "sobyanin")])
        assert estimates[["estimate", "interval_low", "interval_high"]].shape == (3, 3)
        # tables and arrays never become columns
        for r in results.values():
            assert not {"exclusions", "table", "counts", "sensitivity"} & set(r.to_frame())

    def test_intervals_and_old_names(self, results):
        ev, sob, sp = results["excess"], results["sobyanin"], results["spikes"]
        assert ev.anomalous_votes == ev.estimate and ev.anomalous_votes_ci == ev.interval
        assert ev.interval.confidence_level == 0.95
        lo, hi = ev.anomalous_votes_ci
        assert (lo, hi) == (ev.interval[0], ev.interval[1]) and lo <= hi
        assert sob.slope == sob.estimate and sob.slope_ci[0] == sob.interval.low
        assert isinstance(sp.confidence_interval, es.Interval)
        assert sp.confidence_interval[0] <= sp.statistic <= sp.confidence_interval[1]
        with pytest.warns(DeprecationWarning, match="read `estimate`"):
            assert ev.statistic == ev.estimate
        shape = results["shape"]
        row = shape.to_frame().set_index("statistic").loc["share_skewness"]
        assert (row["interval_low"], row["interval_high"]) == tuple(shape.share_skewness_ci)

    def test_summaries_in_plain_words_and_html(self, results):
        import re

        for name, r in results.items():
            text = str(r.summary())
            html = r._repr_html_()
            assert "<table" in html and "Cite:" in text, name
            items = [line.split("  ")[0] for line in text.splitlines()[2:] if line]
            # no code identifiers (snake_case) as labels
            assert not [i for i in items if re.fullmatch(r"[a-z]+(_[a-z]+)+", i)], (name, items)
            assert r.cite().startswith("@"), name
        assert "Anomalous votes" in results["excess"].summary()
        assert "ballots issued / registered voters" in results["fingerprint"].summary()

    def test_equal_results_compare_equal(self, clean):
        a = dist.excess_votes(clean, n_resamples=20, rng=4)
        b = dist.excess_votes(clean, n_resamples=20, rng=4)
        assert a == b
        assert dist.fingerprint(clean) == dist.fingerprint(clean)


def test_unique_pairs_of_counts_too_large_for_one_key():
    # 2**40 * (2**30 + 1) overflows an int64 key: the pairs are compared as pairs
    from electionstats.distributions import _unique_pairs

    n = np.array([10, 10, 20, 2**40, 2**40, 2**40])
    c = np.array([3, 3, 3, 2**30, 2**30, 2**30 - 1])
    nu, cu, inverse = _unique_pairs(n, c)
    assert nu[inverse].tolist() == n.tolist()
    assert cu[inverse].tolist() == c.tolist()
    assert len(nu) == 4
