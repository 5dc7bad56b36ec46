"""Exact null distributions of sums of independent station indicators.

A statistic that counts stations with some property (e.g. a whole-number turnout) is,
under a null in which stations are independent, a sum of independent Bernoulli variables
with station-specific probabilities: a Poisson-binomial variable. This module gives

* :func:`binomial_window_probabilities` -- ``P(lo <= X <= hi)`` summed over many disjoint
  windows of ``X ~ Bin(n, p)`` for many stations at once, from exact binomial
  probabilities at the lattice points of the windows (the tail mass left out is bounded
  by Bernstein's inequality, below ``2e-16`` per station);
* :func:`poisson_binomial_pmf` -- the exact probability mass function of an unweighted
  sum, by a tree of direct convolutions (all terms are positive, so every probability,
  however far in the tail, has a small *relative* error, unlike an FFT);
* :func:`poisson_binomial_sf` -- its upper tail, from the pmf of the exponentially tilted
  trials centred on the point asked for (a narrow range, so far cheaper than the whole
  pmf down to ``1e-300``);
* :func:`weighted_bernoulli_sf` and :func:`weighted_bernoulli_quantile` -- the upper tail
  of a weighted sum ``sum_i w_i B_i``, by the Lugannani-Rice saddlepoint approximation
  (used when the statistic weights stations by their voters).

References
----------
.. [1] Hong, Y. (2013). On computing the distribution function for the Poisson binomial
   distribution. Computational Statistics & Data Analysis 59, 41-51.
   :doi:`10.1016/j.csda.2012.10.006`
.. [2] Lugannani, R. and Rice, S. (1980). Saddle point approximation for the distribution
   of the sum of independent random variables. Advances in Applied Probability 12(2),
   475-490. :doi:`10.2307/1426607`
.. [3] Bernstein, S. N. (1924); see Boucheron, S., Lugosi, G. and Massart, P. (2013).
   Concentration Inequalities, section 2.8. Oxford University Press.
   :doi:`10.1093/acprof:oso/9780199535255.001.0001`
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np
from scipy import optimize, signal, special, stats

__all__ = [
    "bernstein_halfwidth",
    "binomial_binned",
    "binomial_window_probabilities",
    "log_factorials",
    "poisson_binomial_pmf",
    "poisson_binomial_sf",
    "ragged_batches",
    "weighted_bernoulli_quantile",
    "weighted_bernoulli_sf",
]

#: -log of the tail mass left out on each side of a station's binomial (Bernstein bound).
_LOG_TAIL = 36.9  # exp(-36.9) < 1e-16
#: Largest denominator for which log-factorials come from a table (above: gammaln per cell).
_TABLE_MAX = 2**22
#: Pmf entries below this fraction of the largest one are dropped from the convolution tree.
_TRIM = 1e-300


def bernstein_halfwidth(n: np.ndarray, p: np.ndarray, log_tail: float = _LOG_TAIL) -> np.ndarray:
    """Half-width ``t`` with ``P(|X - np| >= t) <= 2 exp(-log_tail)`` for ``X ~ Bin(n, p)``.

    Bernstein's inequality for a sum of independent variables bounded by 1:
    ``P(X - np >= t) <= exp(-t**2 / (2 (var + t / 3)))``, solved for ``t``.

    Examples
    --------
    >>> float(np.round(bernstein_halfwidth(np.array([1000]), np.array([0.5]))[0], 1))
    148.7
    """
    var = n * p * (1 - p)
    a = log_tail / 3
    return a + np.sqrt(a * a + 2 * log_tail * var)


def log_factorials(kmax: int) -> np.ndarray:
    """``log(k!)`` for ``k = 0..kmax``."""
    return special.gammaln(np.arange(kmax + 1, dtype=float) + 1)


def ragged_batches(sizes: np.ndarray, max_cells: int) -> Iterator[slice]:
    """Slices of consecutive rows whose ``sizes`` add up to at most ``max_cells``.

    A row larger than ``max_cells`` forms its own batch.

    Examples
    --------
    >>> [(s.start, s.stop) for s in ragged_batches(np.array([3, 3, 3, 5, 1]), 6)]
    [(0, 2), (2, 3), (3, 5)]
    """
    total = np.cumsum(sizes)
    start, n = 0, len(sizes)
    base = 0
    while start < n:
        stop = int(np.searchsorted(total, base + max_cells, side="right"))
        stop = max(stop, start + 1)
        yield slice(start, stop)
        base = int(total[stop - 1])
        start = stop


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each cell and the cell's position within its row, for ``counts`` cells per row."""
    rows = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return rows, np.arange(rows.size) - first[rows]


def binomial_window_probabilities(
    n: np.ndarray,
    p: np.ndarray,
    windows: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]],
    *,
    max_cells: int = 2**20,
) -> np.ndarray:
    """``P(X_i in W_i)`` for ``X_i ~ Bin(n_i, p_i)`` and unions ``W_i`` of integer windows.

    Parameters
    ----------
    n : ndarray of int
        Numbers of trials (denominators), one per station.
    p : ndarray of float
        Success probabilities in [0, 1].
    windows : callable
        ``windows(n_rows, lo, hi) -> (row, w_lo, w_hi)``: the disjoint integer windows
        ``[w_lo, w_hi]`` of each row that meet the lattice range ``[lo, hi]`` (the
        points outside it carry less than ``2e-16`` of the probability); ``row`` indexes
        the stations of the batch.
    max_cells : int
        Bound on the number of windows and lattice points held at once.

    Returns
    -------
    ndarray of float
        One probability per station; the left-out tails make each at most ``2e-16`` too
        small.

    Examples
    --------
    Even counts of ``Bin(10, 0.3)``, as windows ``[2j, 2j]``:

    >>> def even(n, lo, hi):
    ...     a, b = (lo + 1) // 2, hi // 2
    ...     k = np.maximum(b - a + 1, 0)
    ...     row = np.repeat(np.arange(n.size), k)
    ...     j = np.arange(row.size) - (np.cumsum(k) - k)[row] + a[row]
    ...     return row, 2 * j, 2 * j
    >>> q = binomial_window_probabilities(np.array([10]), np.array([0.3]), even)
    >>> bool(np.isclose(q[0], (1 + 0.4 ** 10) / 2))
    True
    """
    n = np.asarray(n, dtype=np.int64)
    p = np.asarray(p, dtype=float)
    out = np.zeros(n.size)
    # Degenerate stations (p 0 or 1) have one possible count: theirs is or is not in W.
    for value, count in ((0.0, np.zeros_like(n)), (1.0, n)):
        at = np.flatnonzero(p == value)
        if at.size:
            row, w_lo, w_hi = windows(n[at], count[at], count[at])
            hit = (w_lo <= count[at][row]) & (count[at][row] <= w_hi)
            out[at] = np.bincount(row[hit], minlength=at.size) > 0
    live = np.flatnonzero((p > 0) & (p < 1))
    if not live.size:
        return out
    nl, pl = n[live], p[live]
    half = bernstein_halfwidth(nl, pl)
    mu = nl * pl
    lo = np.maximum(0, np.ceil(mu - half)).astype(np.int64)
    hi = np.minimum(nl, np.floor(mu + half)).astype(np.int64)
    nmax = int(nl.max())
    lf = log_factorials(nmax) if nmax <= _TABLE_MAX else None
    # log P(X = m) = [log n! + n log(1-p)] - log m! - log (n-m)! + m log(p / (1-p))
    lq = np.log1p(-pl)
    slope = np.log(pl) - lq
    const = (special.gammaln(nl + 1.0) if lf is None else lf[nl]) + nl * lq
    res = np.zeros(live.size)
    # Batches of stations by lattice width, so the windows and points of a batch stay small.
    for sl in ragged_batches((hi - lo + 1) // 4 + 8, max_cells):
        nb = nl[sl]
        row, w_lo, w_hi = windows(nb, lo[sl], hi[sl])
        np.maximum(w_lo, lo[sl][row], out=w_lo)
        np.minimum(w_hi, hi[sl][row], out=w_hi)
        counts = np.maximum(w_hi - w_lo + 1, 0)
        cell_win, offset = _expand(counts)
        r = row[cell_win]
        m = w_lo[cell_win] + offset
        if lf is None:
            logf = special.gammaln(m + 1.0) + special.gammaln(nb[r] - m + 1.0)
        else:
            logf = lf[m] + lf[nb[r] - m]
        logp = const[sl][r] + slope[sl][r] * m - logf
        res[sl] = np.bincount(r, weights=np.exp(logp, out=logp), minlength=sl.stop - sl.start)
    out[live] = res
    return np.minimum(out, 1.0)


def binomial_binned(
    n: np.ndarray,
    p: np.ndarray,
    bin_of: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n_bins: int,
    weights: np.ndarray | None = None,
    *,
    weights_sq: np.ndarray | None = None,
    log_tail: float = 23.0,
    max_cells: int = 2**20,
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of the weight in each bin when every ``X_i ~ Bin(n_i, p_i)``.

    ``bin_of(m, n)`` gives the bin of count ``m`` out of ``n`` (non-decreasing in ``m``).
    Bin ``b`` holds ``sum_i w_i 1{X_i in b}``: its mean is ``sum_i w_i P_ib`` and its
    variance ``sum_i w_i**2 P_ib (1 - P_ib)`` (``weights_sq`` replaces ``w_i**2``: a row
    standing for several stations with the same ``n`` and ``p`` carries their summed
    weights and summed squared weights), from the exact binomial probabilities of
    every lattice point within the Bernstein half-width of ``log_tail`` (the default
    leaves out less than ``2e-10`` of each station's probability).

    Examples
    --------
    >>> mean, var = binomial_binned(np.array([2, 2]), np.array([0.5, 0.5]),
    ...                             lambda m, n: m, 3)
    >>> mean.tolist(), var.tolist()
    ([0.5, 1.0, 0.5], [0.375, 0.5, 0.375])
    """
    n = np.asarray(n, dtype=np.int64)
    p = np.asarray(p, dtype=float)
    w = np.ones(n.size) if weights is None else np.asarray(weights, dtype=float)
    w2 = w * w if weights_sq is None else np.asarray(weights_sq, dtype=float)
    half = bernstein_halfwidth(n, p, log_tail)
    lo = np.maximum(0, np.ceil(n * p - half)).astype(np.int64)
    hi = np.minimum(n, np.floor(n * p + half)).astype(np.int64)
    nmax = int(n.max(initial=0))
    lf = log_factorials(nmax) if nmax <= _TABLE_MAX else None
    with np.errstate(divide="ignore"):
        lp, lq = np.log(p), np.log1p(-p)
    mean = np.zeros(n_bins)
    var = np.zeros(n_bins)
    for sl in ragged_batches(hi - lo + 1, max_cells):
        r, off = _expand(hi[sl] - lo[sl] + 1)
        m = lo[sl][r] + off
        nr = n[sl][r]
        if lf is None:
            logc = special.gammaln(nr + 1.0) - special.gammaln(m + 1.0) \
                - special.gammaln(nr - m + 1.0)
        else:
            logc = lf[nr] - lf[m] - lf[nr - m]
        with np.errstate(invalid="ignore"):
            # 0 * log 0 = 0 at p = 0 (m = 0) and p = 1 (m = n)
            logp = logc + np.where(m > 0, m * lp[sl][r], 0.0) \
                + np.where(nr > m, (nr - m) * lq[sl][r], 0.0)
        pm = np.exp(logp)
        b = bin_of(m, nr)
        key = r * n_bins + b
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        pib = np.add.reduceat(pm, starts)
        bins = b[starts]
        rs = r[starts]
        mean += np.bincount(bins, weights=w[sl][rs] * pib, minlength=n_bins)
        var += np.bincount(bins, weights=w2[sl][rs] * pib * (1 - pib), minlength=n_bins)
    return mean, var


def _convolve_block(q: np.ndarray) -> np.ndarray:
    """Pmfs of sums of the rows of ``q`` (blocks of Bernoulli probabilities), vectorised."""
    b, k = q.shape
    pmf = np.zeros((b, k + 1))
    pmf[:, 0] = 1.0
    for j in range(k):  # over positions within a block, not over stations
        qj = q[:, j:j + 1]
        pmf[:, 1:j + 2] = pmf[:, 1:j + 2] * (1 - qj) + pmf[:, 0:j + 1] * qj
        pmf[:, 0:1] *= 1 - qj
    return pmf


def _trim_rows(pmf: np.ndarray, offset: np.ndarray, trim: float
               ) -> tuple[np.ndarray, np.ndarray]:
    """Drop each row's leading and trailing entries below ``trim`` times its largest one.

    The rows keep one common width (the widest kept range; shorter ones are padded with
    zeros) and each row's offset moves by the entries dropped in front of it.
    """
    keep = pmf > trim * pmf.max(axis=1, keepdims=True)
    width = pmf.shape[1]
    first = np.argmax(keep, axis=1)
    last = width - 1 - np.argmax(keep[:, ::-1], axis=1)
    span = int((last - first).max()) + 1
    if span == width:
        return pmf, offset
    cols = first[:, None] + np.arange(span)
    inside = cols < width
    out = np.take_along_axis(pmf, np.minimum(cols, width - 1), axis=1)
    out[~inside] = 0.0
    return out, offset + first


def _convolve_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise full convolutions of two stacks of pmfs of equal width (direct sums)."""
    rows, width = a.shape
    if rows < width:  # few long rows: one compiled convolution per row
        return np.stack([np.convolve(x, y) for x, y in zip(a, b)])
    out = np.zeros((rows, 2 * width - 1))
    for j in range(width):  # over positions within a row, not over rows
        out[:, j:j + width] += a[:, j:j + 1] * b
    return out


def poisson_binomial_pmf(q: np.ndarray, *, block: int = 32, trim: float = _TRIM,
                         exact_tails: bool = True) -> tuple[np.ndarray, int]:
    """Exact pmf of the number of successes among independent Bernoulli(``q_i``) trials.

    Returns ``(pmf, offset)``: ``P(X = offset + j) = pmf[j]``. Values below ``trim``
    (default ``1e-300``) times the mode's probability are left out (``pmf`` sums to 1
    within rounding); a larger ``trim`` keeps a narrower range around the mode and costs
    less (the work grows with the square of the range kept).

    Blocks of ``block`` stations are convolved by the exact recursion, vectorised over
    blocks; the blocks' pmfs are then combined pairwise by direct convolution, a whole
    level of the tree at once (each pmf trimmed to its non-negligible range). Every
    term is positive, so each probability has a relative error of a few hundred ulps
    even in the far tail (an FFT would only give an absolute error near ``1e-16``).
    ``exact_tails=False`` combines the levels by FFT instead (``scipy.signal.fftconvolve``,
    far cheaper for wide pmfs) and keeps values down to ``max(trim, 1e-14)`` of the mode:
    every probability then has an absolute error near ``1e-16`` times the mode, which is
    all that a quantile, or a tail read from tilted trials (:func:`poisson_binomial_sf`),
    needs.

    Examples
    --------
    >>> pmf, off = poisson_binomial_pmf(np.array([0.5, 0.5, 1.0]))
    >>> off, pmf.tolist()
    (1, [0.25, 0.5, 0.25])
    """
    q = np.asarray(q, dtype=float)
    shift = int(np.count_nonzero(q >= 1))
    q = q[(q > 0) & (q < 1)]
    if q.size == 0:
        return np.ones(1), shift
    if not exact_tails:
        trim = max(trim, 1e-14)  # below: the FFT's rounding noise
    pad = (-q.size) % block
    parts = _convolve_block(np.concatenate([q, np.zeros(pad)]).reshape(-1, block))
    offset = np.zeros(parts.shape[0], dtype=np.int64)
    parts, offset = _trim_rows(parts, offset, trim)
    while parts.shape[0] > 1:  # a tree over blocks: log2(n / block) levels
        if parts.shape[0] % 2:  # pair the last pmf with the point mass at 0
            unit = np.zeros((1, parts.shape[1]))
            unit[0, 0] = 1.0
            parts, offset = np.vstack([parts, unit]), np.r_[offset, 0]
        if exact_tails:
            parts = _convolve_pairs(parts[0::2], parts[1::2])
        else:
            parts = np.clip(signal.fftconvolve(parts[0::2], parts[1::2], axes=1), 0.0, None)
        offset = offset[0::2] + offset[1::2]
        parts, offset = _trim_rows(parts, offset, trim)
    pmf = parts[0]
    keep = np.flatnonzero(pmf > trim * pmf.max())
    return pmf[keep[0]:keep[-1] + 1], int(offset[0]) + int(keep[0]) + shift


def poisson_binomial_sf(x: int, q: np.ndarray, *, trim: float = 1e-14) -> float:
    """``P(X >= x)`` for the number ``X`` of successes among Bernoulli(``q_i``) trials.

    Exact up to rounding, also far in the upper tail: above the mean, the pmf is computed
    for the exponentially tilted trials ``q_i e^s / (1 - q_i + q_i e^s)`` whose mean is
    ``x`` (the saddlepoint ``s``), where a range of a few standard deviations around
    ``x`` holds all the mass that matters, and tilted back:
    ``P(X = k) = f_s(k) exp(K(s) - s k)`` with ``K`` the cumulant generating function.
    The tilted pmf (combined by FFT: its values near ``x``, which carry the tail, have
    a relative error near ``1e-16`` times the number of points kept) is kept down to
    ``trim`` times its mode (default ``1e-14``); the tail's relative error is about
    ``1e-12`` (checked against the direct convolution down to ``1e-300``).

    Examples
    --------
    >>> from scipy import stats
    >>> p = poisson_binomial_sf(900, np.full(3000, 0.2))
    >>> bool(abs(p / stats.binom.sf(899, 3000, 0.2) - 1) < 1e-9)
    True
    """
    q = np.asarray(q, dtype=float)
    x = int(x) - int(np.count_nonzero(q >= 1))
    q = q[(q > 0) & (q < 1)]
    if x <= 0:
        return 1.0
    if x > q.size:
        return 0.0
    if x == q.size:
        return float(np.exp(np.log(q).sum()))
    logit = special.logit(q)
    s = _tilt(float(x), logit) if x > q.sum() else 0.0
    tilted = special.expit(logit + s)
    pmf, off = poisson_binomial_pmf(tilted, block=16, trim=trim, exact_tails=False)
    k = off + np.arange(pmf.size)
    upper = k >= x
    if s == 0.0:
        return float(min(1.0, pmf[upper].sum())) if upper.any() else 0.0
    log_k = float(np.logaddexp(np.log1p(-q), np.log(q) + s).sum())  # K(s)
    if not upper.any():
        return 0.0
    return float(min(1.0, np.exp(log_k - s * x)
                     * (pmf[upper] * np.exp(-s * (k[upper] - x))).sum()))


def _tilt(x: float, logit: np.ndarray) -> float:
    """A tilt ``s > 0`` whose tilted trials ``expit(logit + s)`` have a mean within half a
    standard deviation of ``x`` (between their mean and their number).

    Any ``s`` gives exact tilted-back probabilities; ``s`` only decides where the
    narrow range of the tilted pmf lies, so it need not be precise. Newton steps on the
    tilted mean, kept inside a bracket by bisection.
    """
    lo, hi = 0.0, 1.0
    while special.expit(logit + hi).sum() < x:
        lo, hi = hi, 2 * hi
    s = (lo + hi) / 2
    for _ in range(100):
        pi = special.expit(logit + s)
        mean, var = float(pi.sum()), float((pi * (1 - pi)).sum())
        if abs(mean - x) <= 0.5 * math.sqrt(var):
            break
        lo, hi = (s, hi) if mean < x else (lo, s)
        s = s - (mean - x) / var
        if not lo < s < hi:
            s = (lo + hi) / 2
    return s


def _cgf(s: float, q: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Cumulant generating function of ``sum w_i B_i`` and its first two derivatives."""
    a = np.log1p(-q)
    b = np.log(q) + s * w
    k = np.logaddexp(a, b)
    pi = np.exp(b - k)  # tilted success probabilities
    return float(k.sum()), float((w * pi).sum()), float((w * w * pi * (1 - pi)).sum())


def _live(q: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Drop sure (q = 1: their weight is a constant ``base``) and impossible terms."""
    q = np.asarray(q, dtype=float)
    w = np.asarray(w, dtype=float)
    sure = q >= 1
    live = (q > 0) & ~sure & (w > 0)
    return q[live], w[live], float(w[sure].sum())


def _lugannani_rice(s: float, q: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """The point ``x = K'(s)`` and the saddlepoint approximation of ``P(X >= x)``."""
    k, x, k2 = _cgf(s, q, w)
    mean = float((w * q).sum())
    sd = math.sqrt(float((w * w * q * (1 - q)).sum()))
    r = math.copysign(math.sqrt(max(2 * (s * x - k), 0.0)), s)
    u = s * math.sqrt(k2)
    if abs(r) < 1e-5 or u == 0:  # at the mean the formula is 0/0: use the normal tail
        return x, float(stats.norm.sf((x - mean) / sd))
    return x, float(min(1.0, max(0.0, stats.norm.sf(r) + stats.norm.pdf(r) * (1 / u - 1 / r))))


def _saddlepoint(x: float, q: np.ndarray, w: np.ndarray) -> float:
    """The ``s`` with ``K'(s) = x`` (``K'`` increases from 0 to ``sum w``)."""
    lo, hi = -1.0, 1.0
    while _cgf(lo, q, w)[1] > x:
        lo *= 2
    while _cgf(hi, q, w)[1] < x:
        hi *= 2
    return float(optimize.brentq(lambda t: _cgf(t, q, w)[1] - x, lo, hi, xtol=1e-14,
                                 rtol=1e-12))


def weighted_bernoulli_sf(x: float, q: np.ndarray, w: np.ndarray) -> float:
    """``P(sum_i w_i B_i >= x)``, ``B_i ~ Bernoulli(q_i)`` independent, ``w_i >= 0``.

    Lugannani-Rice saddlepoint approximation (relative error typically below 1 % far
    into the tail); exactly 0 above the largest possible sum and 1 at or below the
    smallest one.

    Examples
    --------
    >>> q, w = np.full(400, 0.3), np.ones(400)
    >>> from scipy import stats
    >>> exact = stats.binom.sf(139, 400, 0.3)   # P(X >= 140)
    >>> bool(abs(weighted_bernoulli_sf(139.5, q, w) / exact - 1) < 0.02)
    True
    """
    q, w, base = _live(q, w)
    x = x - base
    top = float(w.sum())
    if x > top * (1 + 1e-12):
        return 0.0
    if x <= 0:
        return 1.0
    if x >= top:
        return float(np.exp(np.log(q).sum()))
    return _lugannani_rice(_saddlepoint(x, q, w), q, w)[1]


def weighted_bernoulli_quantile(level: float, q: np.ndarray, w: np.ndarray) -> float:
    """The ``x`` with ``P(sum w_i B_i >= x) = 1 - level`` (saddlepoint approximation).

    Solved on the saddlepoint scale, where ``x = K'(s)`` and the tail are explicit.
    """
    q, w, base = _live(q, w)
    if q.size == 0:
        return base
    target = 1 - level
    hi = 1.0
    while _lugannani_rice(hi, q, w)[1] > target:
        hi *= 2
    s = optimize.brentq(lambda t: _lugannani_rice(t, q, w)[1] - target, 0.0, hi,
                        xtol=1e-14, rtol=1e-12)
    return base + _lugannani_rice(s, q, w)[0]
