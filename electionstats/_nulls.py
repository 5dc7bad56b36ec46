"""Null engines of the digit tests: reference, size-aware (exact or simulated), bootstrap.

Each engine is a small function that takes a test's specification (a
:class:`~electionstats._digitcore.DigitSpec`) and the observed tally and returns one
:class:`NullFit`: the p-value, the expected frequencies, a per-category band and
standardised residuals, and what was done. The digit tests
(:mod:`electionstats.digits`) and the forensics table (:mod:`electionstats.forensics`)
are the two clients.

The size-aware null (every station's count redrawn from a binomial or beta-binomial with
the station's own denominator) is a sum of independent station indicators, so it is
computed exactly: :func:`size_aware_model` gives the sums over stations of each station's
exact category probabilities and of their outer products, from which
:func:`size_aware_null` reads the mean and variance of any tally, mean digit or share
(normal tail) and of the chi-square statistic (moment-matched chi-square tail).
:func:`montecarlo_null` simulates the same null (the tests check the two against each
other).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
from scipy import special, stats

from ._digitcore import DigitSpec, gof_statistic, percent_codes, point_statistic, tally
from ._montecarlo import (
    MAX_BATCH_CELLS,
    basic_bootstrap_ci,
    batch_rows,
    monte_carlo_pvalue,
    run_chunks,
)

__all__ = [
    "MC_CHUNK",
    "NullFit",
    "RateModel",
    "SizeAwareModel",
    "bootstrap_null",
    "combine_tails",
    "exact_mean_pvalues",
    "mid_pvalue",
    "montecarlo_null",
    "rate_model",
    "reference_null",
    "simulate_counts",
    "size_aware_model",
    "size_aware_models",
    "size_aware_null",
]

#: Replicates per Monte Carlo or bootstrap chunk (each chunk has its own generator).
MC_CHUNK = 64
#: Replicates per chunk of a resampled tally (a multinomial over ten or so categories:
#: about 1 us a replicate, so small chunks would be mostly the cost of their generators).
TALLY_CHUNK = 1024

RATE_MODELS = ("auto", "plugin", "fitted")


@dataclasses.dataclass(frozen=True)
class NullFit:
    """What a null engine found for one tally.

    ``statistic`` is the statistic as tested (a distribution test's chi-square against
    the null's own expectation under the size-aware nulls); ``expected_freq``,
    ``sd_freq``, ``band_low`` and ``band_high`` are per category; ``notes`` are
    messages the caller emits as warnings.
    """

    null: str
    statistic: float
    statistic_name: str
    pvalue: float
    pvalue_method: str
    expected_freq: np.ndarray
    sd_freq: np.ndarray
    band_low: np.ndarray
    band_high: np.ndarray
    expected_value: float
    df: int | None = None
    interval: tuple[float, float] | None = None
    null_distribution: np.ndarray | None = None
    n_resamples: int | None = None
    notes: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------
# p-value helpers


def combine_tails(ge: float, le: float, alternative: str) -> float:
    """One- or two-sided p-value from the two tail probabilities (two-sided: doubled)."""
    if alternative == "greater":
        return float(ge)
    if alternative == "less":
        return float(le)
    return float(min(1.0, 2 * min(ge, le)))


def mid_pvalue(null: np.ndarray, observed: float, alternative: str) -> float:
    """Monte Carlo mid-p: replicates tied with the observed value count one half.

    ``(#{more extreme} + (#{tied} + 1) / 2) / (B + 1)``, the observed value counting as
    one tie. Counting every tie in full is valid but conservative for discrete
    statistics such as the share of a few hundred counts ending in 0 or 5 (a 5 % test
    then rejects about 2-3 % of clean elections); the mid-p value is close to uniform.

    Examples
    --------
    >>> mid_pvalue(np.array([1.0, 2.0, 3.0]), 2.0, "greater")
    0.5
    """
    null = np.asarray(null, dtype=float)
    tol = 1e-12 * max(1.0, abs(observed))
    b = null.size
    tied = np.count_nonzero(np.abs(null - observed) <= tol)
    above = np.count_nonzero(null > observed + tol)
    below = b - tied - above
    ge = (above + (tied + 1) / 2) / (b + 1)
    le = (below + (tied + 1) / 2) / (b + 1)
    return combine_tails(ge, le, alternative)


def exact_mean_pvalues(values: np.ndarray, probs: np.ndarray, n: int, total: int) -> tuple[float, float]:
    """P(S >= total), P(S <= total) for S the sum of n iid draws of integer ``values``."""
    from scipy.signal import fftconvolve

    vmax = int(values.max())
    pmf1 = np.zeros(vmax + 1)
    np.add.at(pmf1, values.astype(int), probs)
    result = np.array([1.0])
    base = pmf1
    m = n
    while m:
        if m & 1:
            result = np.clip(fftconvolve(result, base), 0, None)
        m >>= 1
        if m:
            base = np.clip(fftconvolve(base, base), 0, None)
    result /= result.sum()
    ge = float(min(1.0, result[total:].sum()))
    le = float(min(1.0, result[: total + 1].sum()))
    return ge, le


def _z(confidence_level: float) -> float:
    return float(special.ndtri(0.5 + confidence_level / 2))  # stats.norm.ppf, without its overhead


# ---------------------------------------------------------------------------------------
# reference null


def reference_null(
    spec: DigitSpec,
    obs: np.ndarray,
    *,
    gof: str,
    method: str,
    alternative: str,
    n_resamples: int,
    confidence_level: float,
    rng: np.random.Generator,
) -> NullFit:
    """The textbook reference: chi-square/G, exact or normal mean, exact binomial share."""
    probs = spec.probs
    n = int(obs.sum())
    z = _z(confidence_level)
    sd = np.sqrt(probs * (1 - probs) / n)
    notes: list[str] = []
    df = None
    null_dist = None
    n_res = None
    stat_name = spec.statistic_name
    if spec.kind == "distribution":
        stat_name = {"chi2": "chi-square", "g": "G"}[gof]
        stat = float(gof_statistic(obs, probs, gof))
        df = spec.k - 1
        small = float((n * probs).min()) < 5
        if method == "exact" or (method == "auto" and small):
            null_dist = run_chunks(_multinomial_gof_chunk, n_resamples, chunk_size=TALLY_CHUNK,
                                   rng=rng, args=(n, probs, gof))
            pvalue = monte_carlo_pvalue(null_dist, stat, "greater")
            pmethod = f"Monte Carlo from the reference multinomial ({n_resamples:,} draws)"
            n_res = n_resamples
        else:
            if small:
                notes.append(
                    f"expected cell counts are small (min {float((n * probs).min()):.2f} "
                    "< 5); the chi-square approximation is unreliable. Use method='exact'."
                )
            pvalue = float(special.chdtrc(df, stat))  # stats.chi2.sf
            pmethod = f"asymptotic chi-square, {df} df"
    elif spec.kind == "mean":
        stat = float(point_statistic(spec, obs))
        mu = float(spec.values @ probs)
        var = float((spec.values - mu) ** 2 @ probs)
        if method == "exact" or (method == "auto" and n <= 5000):
            ge, le = exact_mean_pvalues(spec.values, probs, n, int(round(stat * n)))
            pvalue = combine_tails(ge, le, alternative)
            pmethod = "exact (convolution of the reference digit distribution)"
        else:
            zs = (stat - mu) / math.sqrt(var / n)
            pvalue = combine_tails(float(special.ndtr(-zs)), float(special.ndtr(zs)), alternative)
            pmethod = "normal approximation"
    else:
        stat = float(point_statistic(spec, obs))
        k = int(obs[spec.success].sum())
        pvalue = float(stats.binomtest(k, n, spec.reference_value, alternative=alternative).pvalue)
        pmethod = "exact binomial"
    return NullFit(
        null="reference", statistic=stat, statistic_name=stat_name, pvalue=float(pvalue),
        pvalue_method=pmethod, expected_freq=probs.copy(), sd_freq=sd, band_low=probs - z * sd,
        band_high=probs + z * sd, expected_value=spec.reference_value, df=df,
        null_distribution=null_dist, n_resamples=n_res, notes=tuple(notes),
    )


def _multinomial_gof_chunk(
    gen: np.random.Generator, k: int, n: int, probs: np.ndarray, gof: str
) -> np.ndarray:
    return gof_statistic(gen.multinomial(n, probs, size=k), probs, gof)


# ---------------------------------------------------------------------------------------
# the size-aware null: rates, exact category probabilities, simulation


@dataclasses.dataclass(frozen=True)
class RateModel:
    """Trials, rates and dispersion of the size-aware null, per station.

    Stations whose count exceeds the denominator, or with denominator 0, are held
    ``fixed`` at their observed count. ``fitted`` models share one rate (``rate`` is
    that rate at every station that is not fixed).
    """

    counts: np.ndarray
    trials: np.ndarray
    rate: np.ndarray
    fixed: np.ndarray
    dispersion: float
    fitted: bool
    description: str

    @property
    def n_fixed(self) -> int:
        return int(self.fixed.sum())


def _fit_beta_binomial(x: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Method-of-moments mean and intra-class correlation of station rates.

    The between-station variance of the true rates is the variance of the observed
    rates minus their average binomial variance ``r (1 - r) / d``.
    """
    ok = den > 0
    r = x[ok] / den[ok]
    mu = float(x[ok].sum() / den[ok].sum()) if ok.any() else 0.0
    if r.size < 2 or not 0 < mu < 1:
        return mu, 0.0
    between = float(r.var() - np.mean(r * (1 - r) / den[ok]))
    rho = between / (mu * (1 - mu))
    return mu, float(np.clip(rho, 0.0, 0.999))


def rate_model(
    counts: np.ndarray,
    denominator: np.ndarray,
    *,
    rate: np.ndarray | None = None,
    model: str = "auto",
    leading: bool = False,
    dispersion: float | None = None,
) -> RateModel:
    """The stations' binomial (or beta-binomial) model under the size-aware null.

    ``model='plugin'``: each station's own rate ``count / denominator``. ``'fitted'``:
    one beta distribution of rates fitted by moments to all stations (a beta-binomial).
    ``'auto'``: fitted for leading-digit tests (``leading``), plug-in otherwise. Given
    ``rate`` overrides both.
    """
    x, den = counts, denominator
    if model == "auto":
        model = "fitted" if leading and rate is None else "plugin"
    fitted = False
    if rate is not None:
        fixed = den == 0
        r = np.where(fixed, 0.0, rate)
        how = "given rates"
    else:
        fixed = (x > den) | (den == 0)
        if model == "fitted":
            mu, rho = _fit_beta_binomial(x[~fixed], den[~fixed])
            r = np.where(fixed, 0.0, mu)
            if dispersion is None:
                dispersion = rho
            fitted = True
            how = f"fitted beta-binomial (mean {mu:.4g}, intra-class correlation {dispersion:.3g})"
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where(fixed, 0.0, x / np.where(den > 0, den, 1))
            how = "plug-in binomial (each station's own rate)"
    if not fitted and dispersion:
        how += f", beta-binomial intra-class correlation {dispersion:.3g}"
    return RateModel(x, den, r, fixed, float(dispersion or 0.0), fitted, how)


def _codes_of(spec: DigitSpec, x: np.ndarray, den: np.ndarray, cap: bool,
              table: np.ndarray | None) -> np.ndarray:
    """Category codes (-1 excluded) of values ``x`` with their denominators."""
    if spec.uses_percent:
        return percent_codes(x, den, spec.min_count, cap)
    if table is not None:
        return table[x]
    return spec.code(x)


def _code_table(spec: DigitSpec, hi: int) -> np.ndarray | None:
    if spec.uses_percent or hi > 2**24:
        return None
    return spec.code(np.arange(hi + 1, dtype=np.int64)).astype(np.intp)


def _windows(d: np.ndarray, r: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Support window [lo, hi] of each row's count distribution.

    Mean +- (12 sd + 10) clipped to [0, d] (the binomial mass outside is below 1e-30; the
    probabilities are renormalised over the window). A rate of 0 or 1 is a point mass.
    """
    mu = d * r
    sd = np.sqrt(d * r * (1 - r) * (1 + (d - 1) * rho))
    lo = np.clip(np.floor(mu - 12 * sd - 10), 0, d).astype(np.int64)
    hi = np.clip(np.ceil(mu + 12 * sd + 10), 0, d).astype(np.int64)
    point = (r <= 0) | (r >= 1)
    at = np.where(r >= 1, d, 0)
    return np.where(point, at, lo), np.where(point, at, hi)


def _row_pmf(
    d: np.ndarray, r: np.ndarray, rho: float, lo: np.ndarray, width: np.ndarray,
) -> np.ndarray:
    """Probabilities (rows, w) of each row's count from ``lo`` on (counts:
    :func:`_window_values`).

    ``w`` is the widest window of the rows; a row's cells beyond its count's maximum ``d``
    have probability 0 (and value ``d``); cells between its window's end (``width``) and
    ``d`` carry their probability, and callers read each row up to its ``width`` only.

    ``log P(x) = T1[x] + T2[d - x] + c(d)`` with tables of log-gamma values over the
    counts (binomial: ``T1 = T2 = -log k!`` plus ``x log r + (d - x) log(1 - r)``;
    beta-binomial with ``a = r s``, ``b = (1 - r) s``: ``T1[k] = log Gamma(k + a) - log k!``,
    ``T2[k] = log Gamma(k + b) - log k!``). A row's window of ``T1`` and of ``T2``
    reversed are contiguous slices of the tables, so a cell costs two copies, two
    additions and an ``exp``.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    w = max(1, int(width.max()))
    top = int(d.max()) + 1
    k = np.arange(top, dtype=float)
    lgk = special.gammaln(k + 1)
    point = (r <= 0) | (r >= 1)
    pad = np.full(w, -np.inf)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if rho > 0:
            s = (1 - rho) / rho
            a = np.where(point, 1.0, r * s)
            b = np.where(point, 1.0, (1 - r) * s)
            shared = bool(np.all(a == a[0]) and np.all(b == b[0]))
        if rho > 0 and shared:
            t1 = special.gammaln(k + a[0]) - lgk
            t2 = special.gammaln(k + b[0]) - lgk
            const = lgk[d] - special.gammaln(d + a + b) + special.gammaln(a + b) \
                - special.gammaln(a) - special.gammaln(b)
            slope = None
        elif rho > 0:  # per-row rates with a dispersion: the general formula
            return _row_pmf_general(d, lo, w, a, b, lgk, point)
        else:
            t1 = t2 = -lgk
            lr, l1r = np.log(r), np.log1p(-r)
            slope = np.where(point, 0.0, lr - l1r)
            const = lgk[d] + np.where(point, 0.0, d * l1r)
        win1 = sliding_window_view(np.concatenate([t1, pad]), w)
        win2 = sliding_window_view(np.concatenate([t2[::-1], pad]), w)
        logp = win1[lo]
        logp += win2[top - 1 - d + lo]
        logp += const[:, None]
        if slope is not None:
            logp += (lo * slope)[:, None] + np.arange(w)[None, :] * slope[:, None]
        if point.any():  # a rate of 0 or 1: all mass at lo (the window is that one count)
            logp[point] = -np.inf
            logp[point, 0] = 0.0
        return np.exp(logp, out=logp)


def _window_values(d: np.ndarray, lo: np.ndarray, w: int) -> np.ndarray:
    """The counts of each row's cells in :func:`_row_pmf` (``d`` beyond ``d``)."""
    return np.minimum(lo[:, None] + np.arange(w)[None, :], d[:, None])


def _row_pmf_general(
    d: np.ndarray, lo: np.ndarray, w: int, a: np.ndarray, b: np.ndarray, lgk: np.ndarray,
    point: np.ndarray,
) -> np.ndarray:
    """Beta-binomial probabilities with a different ``(a, b)`` on every row (``point``
    rows: all mass at ``lo``)."""
    x = _window_values(d, lo, w)
    beyond = (lo[:, None] + np.arange(w)[None, :]) > d[:, None]
    xf = x.astype(float)
    logp = (special.gammaln(xf + a[:, None]) - lgk[x]
            + special.gammaln(d[:, None] - xf + b[:, None]) - lgk[d[:, None] - x])
    logp += (lgk[d] - special.gammaln(d + a + b) + special.gammaln(a + b)
             - special.gammaln(a) - special.gammaln(b))[:, None]
    logp[beyond | (np.arange(w)[None, :] >= (d - lo + 1)[:, None])] = -np.inf
    logp[point] = -np.inf
    logp[point, 0] = 0.0
    return np.exp(logp, out=logp)


def _category_probs(
    spec: DigitSpec, x: np.ndarray, d: np.ndarray, pmf: np.ndarray, width: np.ndarray,
    cap: bool, table: np.ndarray | None,
) -> np.ndarray:
    """Category probabilities (rows, k + 1; column 0 = excluded) of each row's window of
    ``width`` cells, renormalised per row."""
    m = d.size
    k1 = spec.k + 1
    codes = _codes_of(spec, x, np.broadcast_to(d[:, None], x.shape), cap, table)
    flat = (np.arange(m)[:, None] * k1 + codes + 1).ravel()
    pmf = np.where(np.arange(x.shape[1])[None, :] < width[:, None], pmf, 0.0)
    q = np.bincount(flat, weights=pmf.ravel(), minlength=m * k1).reshape(m, k1)
    return q / q.sum(axis=1)[:, None]



#: Largest number of runs of equal codes for which category probabilities are read from
#: the cumulative distribution (differences at the runs' ends) instead of tallied cell by
#: cell; digit codes of leading digits change a few hundred times up to 10**5.
MAX_RUNS = 4096


def _global_runs(spec: DigitSpec, table: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Runs of equal codes of a count-only code table: (first count of each run, code).

    None when the codes depend on the denominator (percentages), when there is no table
    or when the codes change too often (last digits) for runs to pay.
    """
    if spec.uses_percent or table is None:
        return None
    starts = np.r_[0, np.flatnonzero(table[1:] != table[:-1]) + 1]
    if starts.size > MAX_RUNS:
        return None
    return starts.astype(np.int64), table[starts].astype(np.intp)


def _percent_runs(d: np.ndarray, min_count: int, cap: bool) -> np.ndarray:
    """First count of each run of equal codes of :func:`percent_codes`, per row (rows, 102).

    Run 0 is ``[0, min_count)`` (excluded); run ``1 + j`` holds the counts whose rounded
    percentage is ``j`` (j = 0..100). The rounded percentage ``R(x)`` is non-decreasing in
    ``x``; it first reaches ``j`` at ``c = floor((2j - 1) d / 200)`` (an exact half, rounded
    to even, or the float division rounding up) or at ``c + 1``, so evaluating
    :func:`percent_codes`' own arithmetic at ``c`` decides, exactly as it would cell by cell.
    """
    j = np.arange(1, 101, dtype=np.int64)
    c = ((2 * j - 1)[None, :] * d[:, None]) // 200
    with np.errstate(divide="ignore", invalid="ignore"):
        share = c / d[:, None]
    if cap:
        share = np.minimum(share, 1.0)
    pct = np.rint(100.0 * share)
    first = np.where(pct >= j[None, :], c, c + 1)
    out = np.zeros((d.size, 102), dtype=np.int64)
    out[:, 2:] = first
    out[:, 1:] = np.maximum(out[:, 1:], min_count)
    return out


#: Codes of the runs of :func:`_percent_runs`: excluded, then the last digit of 0..100.
_PERCENT_RUN_CODES = np.r_[-1, np.arange(101) % 10].astype(np.intp)


def _run_probs(
    spec: DigitSpec, runs: tuple[np.ndarray, np.ndarray] | None, cdf: np.ndarray,
    d: np.ndarray, lo: np.ndarray, width: np.ndarray, cap: bool,
) -> np.ndarray:
    """Category probabilities (rows, k + 1) from each row's cumulative distribution.

    ``cdf[:, i]`` is the probability of a count below ``lo + i`` (``cdf[:, 0] = 0``); a run
    of counts with one code has the probability ``cdf[end] - cdf[start]`` (positions
    clipped to the row's window of ``width`` counts), so a row costs one gather per run,
    not one per count.
    """
    w = width[:, None]
    if runs is None:  # percentages: the runs depend on each row's denominator
        starts, codes = _percent_runs(d, spec.min_count, cap), _PERCENT_RUN_CODES
    else:
        starts, codes = runs[0][None, :], runs[1]
    pos = np.concatenate([np.clip(starts - lo[:, None], 0, w), w], axis=1)
    at = np.take_along_axis(cdf, pos, axis=1)
    run_p = np.clip(np.diff(at, axis=1), 0.0, None)
    onehot = np.zeros((codes.size, spec.k + 1))
    onehot[np.arange(codes.size), codes + 1] = 1.0
    q = run_p @ onehot
    return q / q.sum(axis=1)[:, None]


def _is_modular(spec: DigitSpec) -> bool:
    """Last-digit and last-two-digit codes: the count modulo 10 or 100 (above a minimum)."""
    return not spec.uses_percent and getattr(spec.code, "kind", "") in ("last", "last_two")


def _modular_probs(spec: DigitSpec, d: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Exact category probabilities (rows, k + 1) of ``Binomial(d, r) mod M``.

    ``P(X mod M = j) = (1/M) sum_t phi(t) exp(-2 pi i t j / M)`` with the binomial's
    characteristic function ``phi(t) = (1 - r + r exp(2 pi i t / M))**d`` (a discrete
    Fourier transform of length M = 10 or 100), so a station costs at most M / 2 + 1
    complex powers however large its count (fewer: harmonics of modulus below 1e-18 are
    dropped, and a station of a few thousand votes keeps about ten of the last two digits'
    51). Counts below the test's minimum are moved to the excluded column from their
    binomial probabilities.
    """
    big_m = spec.k
    theta = 2 * np.pi * np.arange(big_m // 2 + 1) / big_m  # half spectrum (Hermitian)
    # |1 - r + r e^{i theta}|**2 = 1 - 2 r (1 - r) (1 - cos theta): one log1p per harmonic
    with np.errstate(divide="ignore", invalid="ignore"):
        log_mod = 0.5 * d[:, None] * np.log1p(
            -2 * (r * (1 - r))[:, None] * (1 - np.cos(theta))[None, :])
    log_mod = np.where(d[:, None] == 0, 0.0, np.nan_to_num(log_mod, nan=0.0, neginf=-np.inf))
    # Harmonics of modulus below e**-41.5 (1e-18) change no probability by more than
    # 1e-18: dropped, so a large station costs its few low harmonics only.
    rows, ts = np.nonzero(log_mod > -41.5)
    rr = r[rows]
    ang = np.arctan2(rr * np.sin(theta)[ts], 1 - rr + rr * np.cos(theta)[ts]) * d[rows]
    phi = np.zeros(log_mod.shape, dtype=complex)
    phi[rows, ts] = np.exp(log_mod[rows, ts]) * (np.cos(ang) - 1j * np.sin(ang))  # conjugate
    probs = np.clip(np.fft.irfft(phi, n=big_m, axis=1), 0.0, None)
    q = np.zeros((d.size, big_m + 1))
    q[:, 1:] = probs
    lo = spec.min_count if spec.code.kind == "last" else max(spec.min_count, 10)
    if lo > 0:
        pmf = _row_pmf(d, r, 0.0, np.zeros_like(d), np.minimum(lo, d + 1))
        # a rate of 0 or 1 is a point mass at 0 or d
        at = np.where(r >= 1, d, 0)
        point = ((r <= 0) | (r >= 1))[:, None]
        pmf = np.where(point, (np.arange(pmf.shape[1])[None, :] == at[:, None]) & (at[:, None] < lo), pmf)
        blocks = -(-pmf.shape[1] // big_m)
        padded = np.zeros((d.size, blocks * big_m))
        padded[:, : pmf.shape[1]] = pmf
        below = padded.reshape(d.size, blocks, big_m).sum(axis=1)
        q[:, 1:] = np.clip(q[:, 1:] - below, 0.0, None)
        q[:, 0] = pmf.sum(axis=1)
    return q / q.sum(axis=1)[:, None]


@dataclasses.dataclass(frozen=True)
class SizeAwareModel:
    """Sums over stations of the exact category probabilities under the size-aware null.

    ``s1[c]`` is the expected number of stations in category ``c`` (column 0: excluded)
    and ``s2`` the sum of the outer products of the stations' probability vectors, so
    that the covariance of the category tallies is ``diag(s1) - s2``. ``s2`` is kept
    whole for distribution tests (their chi-square needs every covariance) and for up
    to 16 categories; a mean or share test of more categories (the last two digits)
    needs only its ``diagonal``, its ``first`` column (the excluded category) and
    ``gram``, the quadratic forms ``W' s2 W`` of the statistic's values and of the
    indicator of the used categories (``W = [values, used]``), each a sum over stations
    of a few numbers, not of ``k**2``.
    """

    s1: np.ndarray
    s2: np.ndarray | None
    n_fixed: int
    description: str
    diagonal: np.ndarray | None = None
    first: np.ndarray | None = None
    gram: np.ndarray | None = None
    basis: np.ndarray | None = None

    def forms(self, spec: DigitSpec) -> np.ndarray:
        """``W' s2 W`` for ``spec``'s ``W = [values, used]`` (see :func:`_forms_basis`)."""
        w = _forms_basis(spec)
        if self.s2 is not None:
            return w.T @ self.s2 @ w
        if self.basis is None or not np.array_equal(self.basis, w):
            raise ValueError(
                f"this size-aware model kept the quadratic forms of another test; build it "
                f"with size_aware_model for {spec.test!r}."
            )
        return self.gram


def _forms_basis(spec: DigitSpec) -> np.ndarray | None:
    """Columns ``[values, used]`` over the categories (column 0: excluded), or None."""
    if spec.kind == "distribution":
        return None
    out = np.zeros((spec.k + 1, 2))
    out[1:, 0] = spec.values if spec.kind == "mean" else spec.success
    out[1:, 1] = 1.0
    return out


class _Sums:
    """Running sums over stations of one test's category probabilities (a SizeAwareModel)."""

    def __init__(self, spec: DigitSpec) -> None:
        k1 = spec.k + 1
        self.s1 = np.zeros(k1)
        self.s2 = np.zeros((k1, k1)) if spec.kind == "distribution" or k1 <= 17 else None
        self.diagonal = np.zeros(k1)
        self.first = np.zeros(k1)
        self.basis = _forms_basis(spec)
        self.gram = np.zeros((2, 2))

    def add(self, q: np.ndarray, w: np.ndarray) -> None:
        """Add stations with probability rows ``q`` (rows, k + 1) and weights ``w``."""
        wq = q * w[:, None]
        self.s1 += w @ q
        if self.s2 is not None:
            self.s2 += q.T @ wq
        self.diagonal += np.einsum("ij,ij->j", wq, q)
        self.first += wq.T @ q[:, 0]
        if self.basis is not None:
            p = q @ self.basis
            self.gram += p.T @ (p * w[:, None])

    def add_fixed(self, cnt: np.ndarray) -> None:
        """Add stations held at a known category (``cnt[c]`` of them in category ``c``)."""
        self.s1 += cnt
        if self.s2 is not None:
            self.s2 += np.diag(cnt)
        self.diagonal += cnt
        self.first[0] += cnt[0]
        if self.basis is not None:
            self.gram += self.basis.T @ (self.basis * cnt[:, None])

    def model(self, n_fixed: int, description: str) -> SizeAwareModel:
        return SizeAwareModel(self.s1, self.s2, n_fixed, description, self.diagonal,
                              self.first, self.gram if self.basis is not None else None,
                              self.basis)


def size_aware_model(spec: DigitSpec, model: RateModel, *, cap: bool = True) -> SizeAwareModel:
    """Exact category probabilities of every station under the size-aware null, summed.

    Each station's count is ``Binomial(trials, rate)`` (beta-binomial with the model's
    dispersion); its probability of each digit category is summed from the probability
    mass function over the station's support (a fitted model shares one rate, so
    stations with the same number of trials are computed once). Stations held fixed
    contribute their observed category. Batches hold at most 2**20 cells.

    Examples
    --------
    >>> from electionstats._digitcore import zero_five_spec
    >>> spec = zero_five_spec(0)
    >>> m = size_aware_model(spec, rate_model(np.array([10]), np.array([20])))
    >>> from scipy import stats
    >>> k = np.arange(21)
    >>> bool(np.isclose(m.s1[1:][[0, 5]].sum(), stats.binom.pmf(k[k % 5 == 0], 20, 0.5).sum()))
    True
    """
    return size_aware_models((spec,), model, cap=cap)[0]


def size_aware_models(
    specs: tuple[DigitSpec, ...], model: RateModel, *, cap: bool = True
) -> list[SizeAwareModel]:
    """:func:`size_aware_model` of several tests of the same counts, one pass over the pmf."""
    sums = [_Sums(sp) for sp in specs]
    free = ~model.fixed
    d = model.trials[free].astype(np.int64)
    r = model.rate[free].astype(float)
    if model.fitted and d.size:
        d, weight = np.unique(d, return_counts=True)
        r = np.full(d.size, r[0])
    else:
        weight = np.ones(d.size)
    hi_all = int(max(model.trials.max(initial=0), model.counts.max(initial=0)))
    tables = [_code_table(sp, hi_all) for sp in specs]
    modular = [_is_modular(sp) and model.dispersion == 0 for sp in specs]
    same_code: dict[Any, list[int]] = {}  # tests of one code share their probabilities
    for i, sp in enumerate(specs):
        if modular[i] and d.size:
            same_code.setdefault((sp.k, sp.code), []).append(i)
    for group in same_code.values():
        sp = specs[group[0]]
        rows_per = batch_rows(sp.k + 1)
        for start in range(0, d.size, rows_per):
            sl = slice(start, start + rows_per)
            q = _modular_probs(sp, d[sl], r[sl])
            for i in group:
                sums[i].add(q, weight[sl].astype(float))
    if d.size and not all(modular):
        lo, hi = _windows(d, r, model.dispersion)
        width = hi - lo + 1
        order = np.argsort(width, kind="stable")
        runs = [None if modular[i] else _global_runs(sp, tables[i]) for i, sp in enumerate(specs)]
        start = 0
        while start < d.size:
            end = min(d.size, start + batch_rows(int(width[order[start]])))
            while end - start > 1 and (end - start) * int(width[order[end - 1]]) > MAX_BATCH_CELLS:
                end = start + max(1, MAX_BATCH_CELLS // int(width[order[end - 1]]))
            rows = order[start:end]
            pmf = _row_pmf(d[rows], r[rows], model.dispersion, lo[rows], width[rows])
            w = weight[rows].astype(float)
            cdf = None
            for i, sp in enumerate(specs):
                if modular[i]:
                    continue
                if runs[i] is not None or sp.uses_percent:
                    if cdf is None:
                        cdf = np.zeros((rows.size, pmf.shape[1] + 1))
                        np.cumsum(pmf, axis=1, out=cdf[:, 1:])
                    q = _run_probs(sp, runs[i], cdf, d[rows], lo[rows], width[rows], cap)
                else:
                    x = _window_values(d[rows], lo[rows], pmf.shape[1])
                    q = _category_probs(sp, x, d[rows], pmf, width[rows], cap, tables[i])
                sums[i].add(q, w)
            start = end
    out = []
    for i, sp in enumerate(specs):
        if model.fixed.any():
            c = _codes_of(sp, model.counts[model.fixed], model.trials[model.fixed], cap,
                          tables[i]) + 1
            sums[i].add_fixed(np.bincount(c, minlength=sp.k + 1).astype(float))
        out.append(sums[i].model(model.n_fixed, model.description))
    return out


def _fixed_note(n_fixed: int, n_all: int) -> str:
    return (
        f"{n_fixed:,} station(s) with count > denominator or denominator 0 held fixed"
        if n_fixed < n_all else
        f"every one of the {n_all:,} stations is held fixed (count above its denominator or "
        "denominator 0), so the size-aware null has nothing to redraw"
    )


def size_aware_null(
    spec: DigitSpec,
    obs: np.ndarray,
    model: SizeAwareModel,
    *,
    gof: str,
    alternative: str,
    confidence_level: float,
) -> NullFit:
    """Exact size-aware null of a tally: moments from :func:`size_aware_model`.

    Mean digits and shares are ratios ``A / N`` of sums of independent station terms
    (the statistic's total and the number of counts used); their mean and variance come
    from the exact moments (delta method for the ratio) and the p-value from the normal
    tail. The chi-square statistic against the null's expectation is a quadratic form in
    the centred tally, whose exact covariance gives its first two moments; the p-value
    is from the chi-square distribution with those moments (Satterthwaite).
    """
    n = int(obs.sum())
    s1 = model.s1
    en = float(s1[1:].sum())
    n_all = int(round(s1.sum()))
    notes: list[str] = []
    z = _z(confidence_level)
    # C = diag(s1) - s2 over the used categories is the covariance of their tallies; the
    # tally minus e times the number used (e = expected shares) has covariance
    # M C M' with M = I - e 1'; its diagonal needs only diag(C), C 1 = s2[used, 0]
    # (each station's probabilities add up to 1) and 1' C 1.
    c_diag = s1[1:] - model.diagonal[1:]
    c_one = model.first[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        e = s1[1:] / en
        var_y = c_diag - 2 * e * c_one + e**2 * c_one.sum()
        sd = np.sqrt(np.clip(var_y, 0, None)) / en
    how = f"size-aware, exact ({model.description})"
    if model.n_fixed:
        how += f"; {_fixed_note(model.n_fixed, n_all)}"
    degenerate = not (en > 0) or not float(var_y.sum()) > 1e-12 * max(en, 1.0)
    df = None
    if spec.kind == "distribution":
        stat = float(gof_statistic(obs, e, gof))
        stat_name = {"chi2": "chi-square", "g": "G"}[gof] + " vs size-aware expectation"
        pos = e > 0
        if degenerate:
            pvalue = float("nan")
        else:
            mix = np.eye(spec.k) - np.outer(e, np.ones(spec.k))
            cov_y = mix @ (np.diag(s1[1:]) - model.s2[1:, 1:]) @ mix.T
            w = np.sqrt(1 / (en * e[pos]))
            lam = np.linalg.eigvalsh(w[:, None] * cov_y[np.ix_(pos, pos)] * w[None, :])
            lam = lam[lam > 1e-12 * lam.max()]
            scale = float((lam**2).sum() / lam.sum())
            nu = float(lam.sum() ** 2 / (lam**2).sum())
            pvalue = float(special.chdtrc(nu, stat / scale))  # stats.chi2.sf
            how += f"; chi-square tail matched to the null's mean and variance ({nu:.2f} df)"
        expected_value = float("nan")
    else:
        stat = float(point_statistic(spec, obs))
        stat_name = spec.statistic_name
        v, u = _forms_basis(spec).T
        g = model.forms(spec)  # [v, u]' s2 [v, u]
        ea, var_a = s1 @ v, s1 @ v**2 - g[0, 0]
        var_n, cov_an = s1 @ u - g[1, 1], s1 @ v - g[0, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = ea / en
            var_t = (var_a - 2 * ratio * cov_an + ratio**2 * var_n) / en**2
        expected_value = float(ratio)
        if degenerate or not var_t > 1e-300:
            pvalue = float("nan")
        else:
            zs = (stat - ratio) / math.sqrt(var_t)
            pvalue = combine_tails(float(special.ndtr(-zs)), float(special.ndtr(zs)), alternative)
            how += "; normal tail of the exact mean and variance"
    if degenerate:
        notes.append(
            "the size-aware null has no spread: "
            + (_fixed_note(model.n_fixed, n_all) if model.n_fixed else
               "every station's count is certain under it (rates of 0 or 1)")
            + "; the p-value is NaN. Use null='reference' or check the denominators."
        )
    return NullFit(
        null="size-aware", statistic=stat, statistic_name=stat_name, pvalue=pvalue,
        pvalue_method=how, expected_freq=e, sd_freq=sd, band_low=e - z * sd,
        band_high=e + z * sd, expected_value=expected_value, df=df, notes=tuple(notes),
    )


def simulate_counts(
    rng: np.random.Generator, model: RateModel, size: int
) -> np.ndarray:
    """``size`` replicates of every station's count under the model, (size, n) int64."""
    n = model.trials.size
    rate = model.rate
    if model.dispersion:
        interior = (rate > 0) & (rate < 1)
        scale = (1 - model.dispersion) / model.dispersion
        a = np.where(interior, rate * scale, 1.0)
        b = np.where(interior, (1 - rate) * scale, 1.0)
        p = np.where(interior, rng.beta(a, b, size=(size, n)), rate)
    else:
        p = rate
    sims = rng.binomial(model.trials, p, size=(size, n))
    if model.fixed.any():
        sims[:, model.fixed] = model.counts[model.fixed]
    return sims


def _simulated_tallies_chunk(
    gen: np.random.Generator, k: int, spec: DigitSpec, model: RateModel, cap: bool,
    table: np.ndarray | None,
) -> np.ndarray:
    rows = batch_rows(model.trials.size)
    parts = []
    for start in range(0, k, rows):
        sims = simulate_counts(gen, model, min(rows, k - start))
        den = np.broadcast_to(model.trials, sims.shape)
        parts.append(tally(_codes_of(spec, sims, den, cap, table), spec.k))
    return np.concatenate(parts, axis=0)


def montecarlo_null(
    spec: DigitSpec,
    obs: np.ndarray,
    model: RateModel,
    *,
    gof: str,
    alternative: str,
    n_resamples: int,
    confidence_level: float,
    rng: np.random.Generator,
    cap: bool = True,
) -> NullFit:
    """The size-aware null simulated: every count redrawn ``n_resamples`` times.

    Replicates in fixed chunks of :data:`MC_CHUNK`, each from a generator spawned from
    ``rng``; memory batches of at most 2**20 cells.
    """
    hi = int(max(model.trials.max(initial=0), model.counts.max(initial=0)))
    table = _code_table(spec, hi)
    sims = run_chunks(_simulated_tallies_chunk, n_resamples, chunk_size=MC_CHUNK, rng=rng,
                      args=(spec, model, cap, table), cells=model.trials.size)
    n_sim = sims.sum(axis=1)
    ok = n_sim > 0
    sims, n_sim = sims[ok], n_sim[ok]
    n = int(obs.sum())
    freq = sims / n_sim[:, None]
    exp_freq = (freq.sum(axis=0) + obs / n) / (freq.shape[0] + 1)
    band_low, band_high = np.quantile(
        freq, [0.5 - confidence_level / 2, 0.5 + confidence_level / 2], axis=0
    )
    n_res = int(ok.sum())
    how = model.description
    if spec.kind == "distribution":
        null_dist = gof_statistic(sims, exp_freq, gof)
        stat = float(gof_statistic(obs, exp_freq, gof))
        stat_name = {"chi2": "chi-square", "g": "G"}[gof] + " vs size-aware expectation"
        pvalue = monte_carlo_pvalue(null_dist, stat, alternative)
        pmethod = f"size-aware Monte Carlo ({how}; {n_res:,} replicates)"
        expected_value = float("nan")
    else:
        null_dist = point_statistic(spec, sims)
        stat = float(point_statistic(spec, obs))
        stat_name = spec.statistic_name
        expected_value = float(null_dist.mean())
        pvalue = mid_pvalue(null_dist, stat, alternative)
        pmethod = f"size-aware Monte Carlo mid-p ({how}; {n_res:,} replicates)"
    notes: list[str] = []
    if model.n_fixed:
        pmethod += f"; {_fixed_note(model.n_fixed, model.trials.size)}"
        if model.n_fixed == model.trials.size:
            notes.append(
                f"{_fixed_note(model.n_fixed, model.trials.size)}; the p-value is NaN. "
                "Use null='reference' or check the denominators."
            )
            pvalue = float("nan")
    return NullFit(
        null="montecarlo", statistic=stat, statistic_name=stat_name, pvalue=float(pvalue),
        pvalue_method=pmethod, expected_freq=exp_freq, sd_freq=freq.std(axis=0),
        band_low=band_low, band_high=band_high, expected_value=expected_value,
        null_distribution=null_dist, n_resamples=n_res, notes=tuple(notes),
    )


# ---------------------------------------------------------------------------------------
# bootstrap over stations


def _multinomial_chunk(gen: np.random.Generator, k: int, n: int, p: np.ndarray) -> np.ndarray:
    return gen.multinomial(n, p, size=k)


def bootstrap_tallies(obs: np.ndarray, n_excluded: int, *, n_resamples: int,
                      rng: Any) -> np.ndarray:
    """Tallies (B, k + 1; last column the excluded cell) of stations resampled with
    replacement: a multinomial over the categories of ``obs`` and the excluded cell."""
    cells = np.append(obs, n_excluded).astype(float)
    return run_chunks(_multinomial_chunk, n_resamples, chunk_size=TALLY_CHUNK, rng=rng,
                      args=(int(cells.sum()), cells / cells.sum()))


def bootstrap_null(
    spec: DigitSpec,
    obs: np.ndarray,
    n_excluded: int,
    *,
    alternative: str,
    n_resamples: int,
    confidence_level: float,
    rng: np.random.Generator,
    bands: bool = True,
    tallies: np.ndarray | None = None,
) -> NullFit:
    """The Election Forensics Toolkit's basic bootstrap over stations (means and shares).

    Resampling stations resamples the tally of categories plus the excluded cell, a
    multinomial (:func:`bootstrap_tallies`; ``tallies`` passes replicates already drawn
    for the same tally, e.g. for a second statistic of it); the p-value inverts the basic
    interval around the reference value (the smallest level at which the interval
    excludes it). ``bands=False`` skips the per-category bands (NaN), which only figures
    use.
    """
    n = int(obs.sum())
    stat = float(point_statistic(spec, obs))
    sims = (bootstrap_tallies(obs, n_excluded, n_resamples=n_resamples, rng=rng)
            if tallies is None else tallies)[:, : spec.k]
    null_dist = point_statistic(spec, sims)
    null_dist = null_dist[np.isfinite(null_dist)]
    notes: list[str] = []
    if null_dist.size and np.ptp(null_dist) == 0:
        notes.append(
            f"the {null_dist.size:,} bootstrap replicates are all equal ({stat:.4g}): "
            f"every one of the {n:,} counts used falls in the same category, so the "
            "interval has zero width and its p-value means nothing. Use "
            "null='reference' or more stations."
        )
    if null_dist.size:
        ci = basic_bootstrap_ci(stat, null_dist, confidence_level)
        pvalue = monte_carlo_pvalue(null_dist, 2 * stat - spec.reference_value, alternative)
    else:
        ci, pvalue = (float("nan"), float("nan")), float("nan")
    if bands:
        with np.errstate(divide="ignore", invalid="ignore"):
            freq = sims / sims.sum(axis=1, keepdims=True)
        band_low, band_high = basic_bootstrap_ci(obs / max(n, 1), freq, confidence_level)
        sd_freq = np.nanstd(freq, axis=0)
    else:
        band_low = band_high = sd_freq = np.full(spec.k, np.nan)
    return NullFit(
        null="bootstrap", statistic=stat, statistic_name=spec.statistic_name,
        pvalue=float(pvalue),
        pvalue_method=(
            f"basic bootstrap over stations ({null_dist.size:,} resamples), p from "
            "inverting the interval"
        ),
        expected_freq=spec.probs.copy(), sd_freq=sd_freq,
        band_low=np.asarray(band_low, dtype=float), band_high=np.asarray(band_high, dtype=float),
        expected_value=spec.reference_value, interval=ci, null_distribution=null_dist,
        n_resamples=int(null_dist.size), notes=tuple(notes),
    )
