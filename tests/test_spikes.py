"""Tests of Rozenas' resampled kernel density spikes test (electionstats._spikes)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import electionstats as es
from electionstats._groups import group_apply
from electionstats._plot_spikes import plot_spikes
from electionstats._spikes import (
    BetaBinomialMixture,
    _densities,
    _null_statistics,
    fit_betabinom_mixture,
    spikes_test,
)


def _election(registered, ballots, votes, *, issued=None) -> es.Election:
    n = len(registered)
    df = pd.DataFrame(
        {"id": np.arange(n), "reg": registered, "valid": ballots, "invalid": 0,
         "A": votes, "B": np.asarray(ballots) - np.asarray(votes)}
    )
    kw = {}
    if issued is not None:
        df["issued"] = issued
        kw["ballots_issued"] = "issued"
    return es.Election.from_frame(
        df, station_id="id", registered="reg", valid="valid", invalid="invalid",
        parties=["A", "B"], **kw,
    )


def _clean(n: int, seed: int):
    """A clean election: two turnout groups and two support groups, binomial counting."""
    rng = np.random.default_rng(seed)
    registered = rng.integers(200, 2500, n)
    rate = np.where(rng.random(n) < 0.7, rng.beta(30, 25, n), rng.beta(12, 4, n))
    ballots = rng.binomial(registered, rate)
    support = np.where(rng.random(n) < 0.5, rng.beta(20, 30, n), rng.beta(25, 15, n))
    votes = rng.binomial(ballots, support)
    return registered, ballots, votes


# ----------------------------------------------------------------------------- densities
def test_bins_put_simple_fractions_in_their_bin_exactly():
    # 1/2 -> 0.500; 3/4 -> 0.750; 1/2000 = 0.0005 sits on the edge between bins 0 and 1 and
    # goes down (bins closed on the right, as R's cut); 1 -> last bin; 2/3 -> 0.667.
    v = np.array([[1, 3, 1, 7, 2]])
    t = np.array([[2, 4, 2000, 7, 3]])
    _, bins = _densities(v, t, 1001, 1e-4, "binned")
    expected = np.zeros(1001)
    for j in (500, 750, 0, 1000, 667):
        expected[j] += 0.2
    np.testing.assert_allclose(bins[0], expected)


def test_binned_density_matches_brute_force_linear_binning_and_convolution():
    rng = np.random.default_rng(3)
    t = rng.integers(0, 60, size=(3, 40))  # some t = 0: no share
    v = rng.binomial(t, 0.4)
    G, step = 101, 0.01
    for bw in (1e-3, 0.02):  # narrower than the step (no smoothing) and wider
        dens, _ = _densities(v, t, G, bw, "binned")
        m = int(math.ceil(8 * bw / step))
        taps = np.exp(-0.5 * (np.arange(-m, m + 1) * step / bw) ** 2)
        taps /= taps.sum()
        for r in range(3):
            lin = np.zeros(G)
            shares = [vi / ti for vi, ti in zip(v[r], t[r]) if ti > 0]
            for y in shares:  # brute force, one share at a time
                pos = y * (G - 1)
                lo = math.floor(pos + 1e-12)
                frac = pos - lo
                lin[lo] += 1 - frac
                if frac > 1e-12:
                    lin[lo + 1] += frac
            lin /= len(shares)
            brute = np.convolve(lin, taps, mode="same") / step
            np.testing.assert_allclose(dens[r], brute, atol=1e-9)
            assert dens[r].sum() * step == pytest.approx(np.convolve(lin, taps, "same").sum())


def test_exact_density_matches_gaussian_kde_at_grid_points():
    rng = np.random.default_rng(4)
    t = rng.integers(1, 300, size=(2, 500))
    v = rng.binomial(t, 0.55)
    G, bw = 1001, 1e-4
    dens, _ = _densities(v, t, G, bw, "exact")
    x = np.linspace(0, 1, G)
    for r in range(2):
        y = v[r] / t[r]
        brute = stats.norm.pdf((x[:, None] - y[None, :]) / bw).sum(axis=1) / (y.size * bw)
        np.testing.assert_allclose(dens[r], brute, rtol=1e-10, atol=1e-8)


# ----------------------------------------------------------------------------- mixture
def test_mixture_em_recovers_known_parameters_and_loglik():
    rng = np.random.default_rng(11)
    m = 8000
    n = rng.integers(100, 2000, m)
    first = rng.random(m) < 0.35
    p = np.where(first, rng.beta(8.0, 24.0, m), rng.beta(45.0, 30.0, m))
    k = rng.binomial(n, p)
    fit = fit_betabinom_mixture(k, n)
    assert fit.n_components == 2
    np.testing.assert_allclose(fit.weights, [0.35, 0.65], atol=0.02)
    np.testing.assert_allclose(fit.means, [0.25, 0.6], atol=0.01)
    # Precision alpha + beta (32 and 75) within 15 %.
    np.testing.assert_allclose(fit.alpha + fit.beta, [32.0, 75.0], rtol=0.15)
    # The reported log-likelihood is the sum of scipy's beta-binomial mixture log-pmf.
    comp = stats.betabinom.pmf(k[:, None], n[:, None], fit.alpha, fit.beta) @ fit.weights
    assert fit.loglik == pytest.approx(np.log(comp).sum(), rel=1e-9)
    assert fit.loglik == pytest.approx(fit.logpmf(k, n).sum(), rel=1e-12)
    # Latent density integrates to one.
    x = np.linspace(0, 1, 20001)[1:-1]
    assert np.trapezoid(fit.density(x), x) == pytest.approx(1.0, abs=1e-3)
    assert list(fit.to_frame().columns) == ["component", "alpha", "beta", "weight", "mean"]


def test_mixture_single_component_and_bad_counts():
    rng = np.random.default_rng(2)
    n = rng.integers(50, 500, 3000)
    k = rng.binomial(n, rng.beta(20, 20, 3000))
    fit = fit_betabinom_mixture(k, n, max_components=1)
    assert fit.n_components == 1
    assert fit.alpha[0] / (fit.alpha[0] + fit.beta[0]) == pytest.approx(0.5, abs=0.01)
    with pytest.raises(ValueError, match="0 <= k <= n"):
        fit_betabinom_mixture([3, 5], [4, 4])
    with pytest.raises(ValueError, match="whole numbers"):
        fit_betabinom_mixture([1.5], [4])


def test_null_statistics_match_leave_one_out_loop():
    rng = np.random.default_rng(5)
    B, G = 30, 40
    dens = rng.gamma(2.0, size=(B, G))
    bins = rng.dirichlet(np.ones(G), size=B)
    fast = _null_statistics(dens, bins)
    for r in range(B):
        others = np.delete(np.arange(B), r)
        env = dens[others].max(axis=0)
        mean = bins[others].mean(axis=0)
        flagged = dens[r] > env
        slow = 100 * np.maximum(bins[r] - mean, 0)[flagged].sum()
        assert fast[r] == pytest.approx(slow, abs=1e-12)


# ----------------------------------------------------------------------------- the test
def test_clean_elections_calibration():
    # Under a clean simulated election the Monte Carlo p-value is roughly uniform: it
    # rejects at 5 % about as often as nominal, and F stays within its null distribution.
    pvalues, inside = [], []
    for seed in range(16):
        reg, ballots, votes = _clean(3000, seed)
        res = spikes_test(_election(reg, ballots, votes), party="A", n_resamples=199, rng=seed)
        pvalues.append(res.pvalue)
        inside.append(res.statistic <= res.null_q99)
    pvalues = np.array(pvalues)
    assert np.mean(pvalues <= 0.05) <= 3 / 16
    assert 0.3 < pvalues.mean() < 0.7
    assert np.mean(inside) >= 14 / 16


@pytest.mark.parametrize("kind", ["fractions", "percent"])
def test_detects_injected_coarse_shares(kind):
    reg, ballots, votes = _clean(6000, 100)
    rng = np.random.default_rng(7)
    fake = rng.choice(ballots.size, 300, replace=False)  # 5 % of stations
    ballots = ballots.copy()
    votes = votes.copy()
    if kind == "fractions":
        num, den = np.array([(1, 2), (2, 3), (3, 4)])[rng.integers(0, 3, 300)].T
        ballots[fake] -= ballots[fake] % den
        votes[fake] = ballots[fake] // den * num
    else:
        ballots[fake] -= ballots[fake] % 100
        pct = rng.integers(55, 90, 300)
        votes[fake] = ballots[fake] // 100 * pct
    res = spikes_test(_election(reg, ballots, votes), party="A", n_resamples=300, rng=1)
    # 5 % injected; whole percents spread over 35 values, a few too thin to clear the
    # envelope at n = 6000, so F recovers a little less there.
    assert 3.0 < res.statistic < 6.5
    assert res.pvalue == pytest.approx(1 / 301)
    assert res.statistic > 3 * res.null_q99
    low, high = res.confidence_interval
    assert low < res.statistic < high
    if kind == "fractions":
        assert {0.5, 0.667, 0.75} <= set(np.round(res.spikes["share"].head(3), 3))


def test_exact_kde_option_also_detects_on_grid_fractions():
    reg, ballots, votes = _clean(4000, 21)
    ballots = ballots.copy()
    votes = votes.copy()
    ballots[:200] -= ballots[:200] % 4
    votes[:200] = ballots[:200] // 4 * 3
    e = _election(reg, ballots, votes)
    res = spikes_test(e, party="A", n_resamples=200, kde="exact", rng=3)
    assert 3.5 < res.statistic < 6.0
    assert res.kde == "exact"


def test_same_seed_same_result_and_fields():
    reg, ballots, votes = _clean(1500, 8)
    e = _election(reg, ballots, votes)
    a = spikes_test(e, party="A", n_resamples=60, rng=123)
    b = spikes_test(e, party="A", n_resamples=60, rng=np.random.default_rng(123))
    assert a.statistic == b.statistic
    np.testing.assert_array_equal(a.null_distribution, b.null_distribution)
    stat, p = a
    assert (stat, p) == (a.statistic, a.pvalue)
    assert a.null_distribution.shape == (60,)
    assert a.grid.shape == a.density.shape == a.envelope.shape == (1001,)
    assert a.expected_bins.sum() == pytest.approx(1.0)
    assert a.observed_bins.sum() == pytest.approx(1.0)
    assert isinstance(a.turnout_mixture, BetaBinomialMixture)
    row = a.to_frame()
    for col in ("statistic", "pvalue", "n", "n_excluded", "confidence_interval_low",
                "null_q95", "turnout_components", "support_components"):
        assert col in row
    assert "rozenas2017" in a.cite()
    ax = plot_spikes(a)
    assert ax.get_xlabel() == "Vote share of A"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["envelope of 60 clean resamples", "mean of resamples", "observed"]
    assert a.plot() is not None


def test_exclusions_and_capping_are_counted():
    reg, ballots, votes = _clean(800, 9)
    reg = reg.copy()
    issued = ballots.copy()
    ballots = ballots.copy()
    votes = votes.copy()
    ballots[:3] = 0
    votes[:3] = 0
    issued[:3] = 0
    reg[3:8] = ballots[3:8] - 1  # more ballots than registered: turnout capped at 100 %
    issued[8:10] = votes[8:10] - 1  # party votes above ballots issued
    with pytest.warns(es.DataQualityWarning, match="more ballots than registered"):
        e = _election(reg, ballots, votes, issued=issued)
    res = spikes_test(e, party="A", n_resamples=20, rng=0)
    assert res.turnout == "valid+invalid"
    assert (res.n, res.n_excluded, res.n_capped) == (797, 3, 5)
    assert "3 with valid+invalid = 0" in res.excluded_reason
    res = spikes_test(e, party="A", n_resamples=20, turnout="ballots_issued", rng=0)
    assert (res.n, res.n_excluded) == (795, 5)
    assert "2 with A > ballots_issued" in res.excluded_reason


def test_bad_input_errors():
    reg, ballots, votes = _clean(300, 1)
    e = _election(reg, ballots, votes)
    with pytest.raises(TypeError, match="`election` must be an electionstats.Election"):
        spikes_test(pd.DataFrame({"a": [1]}))
    with pytest.raises(KeyError, match="party 'C' not found"):
        spikes_test(e, party="C")
    with pytest.raises(ValueError, match="`n_resamples` must be at least 2"):
        spikes_test(e, n_resamples=1)
    with pytest.raises(ValueError, match=r"`bandwidth` must be a number in \(0, 0.05\]"):
        spikes_test(e, bandwidth=0.0)
    with pytest.raises(ValueError, match=r"`grid` must be an integer"):
        spikes_test(e, grid=5)
    with pytest.raises(ValueError, match="`kde` must be one of"):
        spikes_test(e, kde="gaussian")
    with pytest.raises(ValueError, match="`max_components` must be an integer"):
        spikes_test(e, max_components=0)
    with pytest.raises(ValueError, match="`confidence_level` must be strictly between"):
        spikes_test(e, confidence_level=1.5)
    with pytest.raises(KeyError, match=r"`turnout`='B': \['B'\] are parties, not ballot counts"):
        spikes_test(e, turnout="B")
    with pytest.raises(KeyError, match="not a count column"):
        spikes_test(e, turnout="ballots_issued")
    with pytest.raises(TypeError, match="`rng` must be None"):
        spikes_test(e, rng=np.random.RandomState(0))
    no_reg = es.Election.from_frame(
        pd.DataFrame({"id": [1, 2], "valid": [5, 6], "A": [2, 3]}),
        station_id="id", valid="valid", parties=["A"],
    )
    with pytest.raises(ValueError, match="needs the 'registered' role"):
        spikes_test(no_reg)
    empty = _election([10, 10], [0, 0], [0, 0])
    with pytest.raises(ValueError, match="no station has a vote share"):
        spikes_test(empty, party="A")


def test_old_keyword_turnout_numerator_still_works_with_a_deprecation_warning():
    reg, ballots, votes = _clean(300, 1)
    e = _election(reg, ballots, votes)
    new = spikes_test(e, party="A", turnout="valid", n_resamples=10, rng=0)
    with pytest.warns(DeprecationWarning, match="`turnout_numerator` is deprecated.*`turnout=`"):
        old = spikes_test(e, party="A", turnout_numerator="valid", n_resamples=10, rng=0)
    assert old == new
    with pytest.warns(DeprecationWarning, match="read `turnout`"):
        assert old.turnout_numerator == "valid"


def test_small_sample_warns():
    reg, ballots, votes = _clean(30, 2)
    with pytest.warns(es.SmallSampleWarning, match="only 30 stations"):
        res = spikes_test(_election(reg, ballots, votes), party="A", n_resamples=20, rng=0)
    assert res.turnout_components == res.support_components == 1


# ----------------------------------------------------------------------------- real data
def test_poland_far_below_russia_2011(load_dataset):
    poland = spikes_test(load_dataset("poland-2020-president-r1"), party="Duda",
                         n_resamples=300, rng=2020)
    russia = spikes_test(load_dataset("russia-2011-duma"), party="United Russia",
                         n_resamples=300, rng=2011)
    # Measured with n_resamples=1000: Poland F = 0.16 % (p = 0.08), Russia F = 1.12 % (p = 0.001).
    assert poland.statistic < russia.statistic / 3
    assert russia.pvalue <= 0.01
    assert russia.statistic > 3 * russia.null_q99
    assert poland.statistic < 2 * poland.null_q99
    # Russia's spikes sit on round percentages.
    top = np.round(russia.spikes["share"].head(8) * 100, 1)
    assert (top % 5 == 0).sum() >= 5


def test_works_per_region_with_group_apply(load_dataset):
    poland = load_dataset("poland-2020-president-r1")
    first = poland.data["voivodeship"].unique()[:3]
    sub = poland.subset(poland.data["voivodeship"].isin(first).to_numpy())
    table = group_apply(
        lambda el: spikes_test(el, party="Duda", n_resamples=50, rng=0), sub, by="voivodeship"
    )
    assert len(table) == 3
    assert table["n"].sum() + table["n_excluded"].sum() == sub.n_stations
    assert table["pvalue_adjusted"].notna().all()


def test_resampling_identical_for_any_number_of_workers():
    # Fixed blocks of stations, each with its own spawned generator (issue 12): 1, 2 or 4
    # processes give the same resampled histograms.
    from electionstats import _parallel
    from electionstats._spikes import (_cumulative_responsibilities, _resample_block,
                                       _responsibilities)

    reg, ballots, votes = _clean(600, 4)
    N, t, v = np.maximum(reg, ballots), ballots, votes
    fits = (fit_betabinom_mixture(t, N, max_components=2),
            fit_betabinom_mixture(v, t, max_components=2))
    resp_t = _responsibilities(t, N, fits[0])
    cum_s = _cumulative_responsibilities(v, t, fits[1])
    items = [(N[s:e], t[s:e], v[s:e], resp_t[:, s:e], cum_s[:, s:e])
             for s, e in ((0, 250), (250, 500), (500, 600))]
    args = (fits, 30, 1001, 1e-4, "binned")
    runs = [_parallel.map_items(_resample_block, items, rng=7, args=args, workers=w)
            for w in (1, 2, 4)]
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])
    assert [int(p[1].sum()) for p in runs[0]] == [250 * 30, 250 * 30, 100 * 30]


# ----------------------------------------------------------------------------- the sampler
def _posterior_predictive(N, t, resp, mix):
    """Exact pmf of the resampled turnout of one station on 0..N (scipy's beta-binomial)."""
    k = np.arange(N + 1)[:, None]
    return stats.betabinom.pmf(k, N, t + mix.alpha, N - t + mix.beta) @ resp


def _chi2_pvalue(observed, probs, min_expected=20.0):
    """Pearson chi-square p-value, neighbouring cells merged until each expects >= 20."""
    exp = probs * observed.sum()
    o, e, acc_o, acc_e = [], [], 0.0, 0.0
    for oi, ei in zip(observed, exp):  # test helper: a few thousand cells
        acc_o += oi
        acc_e += ei
        if acc_e >= min_expected:
            o.append(acc_o)
            e.append(acc_e)
            acc_o = acc_e = 0.0
    o[-1] += acc_o  # the thin tail joins the last cell
    e[-1] += acc_e
    o, e = np.array(o), np.array(e)
    return float(stats.chi2.sf(((o - e) ** 2 / e).sum(), o.size - 1))


_SAMPLER_MIX = BetaBinomialMixture(alpha=np.array([0.6, 9.0, 3.2]),
                                   beta=np.array([2.5, 6.0, 0.45]),
                                   weights=np.array([0.2, 0.5, 0.3]))


def test_turnout_tables_are_the_exact_posterior_predictive_and_draws_follow_it():
    # Stations from tiny to large, at 0 % and 100 % turnout (components with shapes below
    # 1: J-shaped, exponential tails that need the wider windows) and in between.
    from electionstats._spikes import _draw_turnout, _responsibilities, _turnout_tables

    N = np.array([1, 7, 40, 300, 1200, 2500, 900, 900, 60])
    t = np.array([1, 0, 25, 150, 1200, 1800, 0, 450, 59])
    resp = _responsibilities(t, N, _SAMPLER_MIX)
    tab = _turnout_tables(N, t, resp, _SAMPLER_MIX)
    assert tab.missing.max() < 1e-9
    for i in range(N.size):
        exact = _posterior_predictive(N[i], t[i], resp[:, i], _SAMPLER_MIX)
        cdf = tab.cdf[tab.cdf_start[i]:tab.cdf_start[i] + tab.width[i]]
        table = np.zeros(N[i] + 1)
        table[tab.lo[i]:tab.lo[i] + tab.width[i]] = np.diff(cdf, prepend=0.0)
        np.testing.assert_allclose(table, exact, rtol=0, atol=1e-9)
    draws = _draw_turnout(np.random.default_rng(12), tab, 100_000)
    pvalues = [
        _chi2_pvalue(np.bincount(draws[i], minlength=N[i] + 1),
                     _posterior_predictive(N[i], t[i], resp[:, i], _SAMPLER_MIX))
        for i in range(1, N.size)  # N = 1 has a single possible value
    ]
    assert (draws[0] == 1).all() or set(np.unique(draws[0])) <= {0, 1}
    # 8 independent goodness-of-fit tests: all above 1e-4 (a wrong sampler gives ~0).
    assert min(pvalues) > 1e-4, pvalues
    assert (draws >= 0).all() and (draws <= N[:, None]).all()


def test_resampled_shares_follow_the_two_step_model_exactly():
    # One small station copied 2,000 times, 50 resampled elections: 100,000 draws of the
    # share bin, against the exact law of t* ~ posterior predictive, then a support
    # component, a Beta rate and v* ~ Binomial(t*, rate), enumerated over (t*, v*).
    from electionstats._spikes import _resample_block, _responsibilities

    smix = BetaBinomialMixture(alpha=np.array([4.0, 20.0]), beta=np.array([6.0, 8.0]),
                               weights=np.array([0.4, 0.6]))
    N0, t0, v0, m, B, G = 40, 25, 12, 2000, 50, 1001
    N, t, v = (np.full(m, x) for x in (N0, t0, v0))
    resp_t = _responsibilities(t, N, _SAMPLER_MIX)
    resp_s = _responsibilities(v, t, smix)
    item = (N, t, v, resp_t, np.cumsum(resp_s, axis=0)[:-1])
    _, counts = _resample_block(np.random.default_rng(5), item, (_SAMPLER_MIX, smix), B, G,
                                1e-4, "binned")
    p_t = _posterior_predictive(N0, t0, resp_t[:, 0], _SAMPLER_MIX)
    exact = np.zeros(G)
    for ts in range(1, N0 + 1):  # t* = 0 has no share and is left out
        x = np.arange(ts + 1)[:, None]
        p_v = stats.betabinom.pmf(x, ts, v0 + smix.alpha, t0 - v0 + smix.beta) @ resp_s[:, 0]
        np.add.at(exact, np.ceil(x[:, 0] * (G - 1) / ts - 0.5).astype(int), p_t[ts] * p_v)
    observed = counts.sum(axis=0)
    assert observed.sum() == pytest.approx(B * m * (1 - p_t[0]), rel=0.01)
    assert _chi2_pvalue(observed, exact / exact.sum()) > 1e-3


def test_newton_m_step_reaches_the_optimum_a_general_optimiser_finds():
    # The EM M-step (per-component Newton on log alpha, log beta) against scipy's
    # Nelder-Mead on the same weighted log-likelihood, from a far start.
    from scipy import optimize

    from electionstats._spikes import _Counts

    rng = np.random.default_rng(8)
    n = rng.integers(20, 900, 3000)
    k = rng.binomial(n, rng.beta(6.0, 9.0, 3000))
    data = _Counts(k, n)
    resp = rng.dirichlet([2.0, 2.0], size=3000).T
    agg = data.aggregate(resp)
    a, b = data.m_step(np.array([1.0, 50.0]), np.array([1.0, 3.0]), agg)
    for l in range(2):
        one = [x[l:l + 1] for x in agg]

        def neg(p, one=one):
            return -float(data.objective(np.exp(p[:1]), np.exp(p[1:]), one)[0])

        ref = optimize.minimize(neg, np.log([2.0, 2.0]), method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
        assert -neg(np.log([a[l], b[l]])) >= -ref.fun - 1e-9 * abs(ref.fun)
        np.testing.assert_allclose([a[l], b[l]], np.exp(ref.x), rtol=1e-4)


def test_turnout_tables_far_tails_stay_finite():
    # Every station at 100 % turnout and a component far from it (responsibility 0): its
    # running product would overflow; those rows are computed in logs (no warning, no NaN).
    from electionstats._spikes import _draw_turnout, _responsibilities, _turnout_tables

    mix = BetaBinomialMixture(alpha=np.array([2.0, 30000.0]), beta=np.array([30000.0, 0.4]),
                              weights=np.array([0.5, 0.5]))
    N = np.array([800, 1500, 3000])
    resp = _responsibilities(N, N, mix)
    tab = _turnout_tables(N, N, resp, mix)
    assert np.isfinite(tab.cdf).all() and tab.missing.max() < 1e-9
    for i in range(3):
        exact = _posterior_predictive(N[i], N[i], resp[:, i], mix)
        cdf = tab.cdf[tab.cdf_start[i]:tab.cdf_start[i] + tab.width[i]]
        np.testing.assert_allclose(np.diff(cdf, prepend=0.0),
                                   exact[tab.lo[i]:tab.lo[i] + tab.width[i]], atol=1e-9)
    assert (_draw_turnout(np.random.default_rng(0), tab, 1000) <= N[:, None]).all()
