"""Rozenas' resampled kernel density (RKD) test for coarse vote shares ("spikes").

A falsifier who writes numbers into a protocol tends to produce *coarse* vote shares --
simple fractions with small denominators such as 1/2, 2/3, 3/4 or whole percentages --
far more often than honest counting of hundreds of ballots does. Rozenas (2017) compares
the observed distribution of vote shares, at a resolution of 0.001, with many elections
resampled from a model without such fraud (mixtures of beta-binomials for turnout and
support, fitted to the data). Shares that pile up above the whole resampled envelope are
flagged, and their excess over the resampled mean is the estimated percentage of stations
with coarse shares, ``F``.

This module holds the mixture fit (EM with scipy's optimiser), the vectorised resampling,
the binned density and the test :func:`spikes_test`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special, stats
from scipy.ndimage import convolve1d

from ._args import check_confidence_level, renamed_parameters
from ._montecarlo import as_generator, check_n_resamples, monte_carlo_pvalue
from ._parallel import map_items
from ._results import Interval, TestResult, format_number
from ._warnings import SmallSampleWarning
from .election import Election
from .errors import ElectionDataError

__all__ = [
    "TURNOUT_PREFERENCE",
    "BetaBinomialMixture",
    "SpikesResult",
    "fit_betabinom_mixture",
    "spikes_test",
]

#: The ballot count the spikes test prefers as turnout numerator and share denominator
#: when neither the call nor the data set names one (asked through
#: :meth:`Election.resolve_turnout`): ballots counted (valid + invalid, which always hold
#: the party's votes), else ballots found, ballots issued, valid ballots.
TURNOUT_PREFERENCE = ("valid+invalid", "ballots_found", "ballots_issued", "valid")

#: Bounds of log(alpha) and log(beta) in the mixture fit (Rozenas: [-3, 6]; widened so that
#: tight components -- precision alpha + beta up to ~40,000 -- are not clipped).
_LOG_BOUNDS = (-3.0, 10.5)
#: Grid on which fitted mixture densities are compared (as in the R package).
_CMP_GRID = np.linspace(0.01, 0.99, 1001)
#: Model-selection threshold: stop adding components when the fitted densities of L and
#: L - 1 components correlate at least this much (Rozenas 2017; R package ``spikes``).
_SELECT_CORR = 0.99
_KDE_MODES = ("binned", "exact")
_MIN_STATIONS = 50


# ----------------------------------------------------------------------------- mixture
@dataclasses.dataclass(frozen=True)
class BetaBinomialMixture:
    """A fitted mixture of beta-binomial distributions, ``k ~ sum_l w_l BetaBin(n, a_l, b_l)``.

    Components are sorted by their mean ``alpha / (alpha + beta)``.

    Attributes
    ----------
    alpha, beta, weights : ndarray, shape (L,)
        Shape parameters and mixing weights of the ``L`` components.
    loglik : float
        Log-likelihood of the data under the fitted mixture (binomial coefficients
        included).
    n_iter : int
        EM iterations used for the selected number of components.
    selection_corr : float
        Correlation of the latent densities fitted with ``L`` and ``L + 1`` components,
        the reason to stop at ``L`` (NaN when no larger fit was tried).
    """

    alpha: np.ndarray
    beta: np.ndarray
    weights: np.ndarray
    loglik: float = math.nan
    n_iter: int = 0
    selection_corr: float = math.nan

    @property
    def n_components(self) -> int:
        """Number of components ``L``."""
        return int(self.alpha.size)

    @property
    def means(self) -> np.ndarray:
        """Component means ``alpha / (alpha + beta)`` of the latent rates."""
        return self.alpha / (self.alpha + self.beta)

    def density(self, x: Any) -> np.ndarray:
        """Density of the latent rate (the beta mixture) at ``x`` in (0, 1)."""
        x = np.asarray(x, dtype=float)
        pdf = stats.beta.pdf(x[..., None], self.alpha, self.beta)
        return pdf @ self.weights

    def logpmf(self, k: Any, n: Any) -> np.ndarray:
        """Log probability of ``k`` successes out of ``n`` under the mixture."""
        k = np.asarray(k)[..., None]
        n = np.asarray(n)[..., None]
        comp = stats.betabinom.logpmf(k, n, self.alpha, self.beta)
        return special.logsumexp(comp + np.log(self.weights), axis=-1)

    def to_frame(self) -> pd.DataFrame:
        """One row per component: ``alpha``, ``beta``, ``weight``, ``mean``."""
        return pd.DataFrame(
            {
                "component": np.arange(1, self.n_components + 1),
                "alpha": self.alpha,
                "beta": self.beta,
                "weight": self.weights,
                "mean": self.means,
            }
        )


def _trigamma(x: np.ndarray) -> np.ndarray:
    """Trigamma function for x > 0 (relative error below 1e-13), about 20x faster than
    :func:`scipy.special.polygamma`: the recurrence ``psi1(x) = psi1(x + 1) + 1 / x**2`` up
    to 10, then the asymptotic series."""
    x = np.array(x, dtype=float)
    shape = x.shape
    x = x.ravel()
    acc = np.zeros_like(x)
    small = np.flatnonzero(x < 10.0)
    if small.size:
        xs = x[small]
        add = np.zeros_like(xs)
        while True:  # at most 10 steps, on the few small arguments
            low = xs < 10.0
            if not low.any():
                break
            add += np.where(low, 1.0 / (xs * xs), 0.0)
            xs = np.where(low, xs + 1.0, xs)
        x[small] = xs
        acc[small] = add
    z = 1.0 / (x * x)
    tail = z * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30 - z * (5.0 / 66)))))
    return (acc + 1.0 / x + 0.5 * z + tail / x).reshape(shape)


class _Counts:
    """Integer counts ``k`` out of ``n``, indexed by their distinct values.

    Every special function of the beta-binomial likelihood depends on a unit only through
    ``k``, ``n - k`` or ``n``; it is evaluated once per distinct value (a few thousand at
    most) and gathered or aggregated per unit. The M-step objective then costs nothing per
    unit: the responsibilities are summed per distinct value once per EM iteration.
    Exact, and about a hundred times faster than evaluating per unit.
    """

    def __init__(self, k: np.ndarray, n: np.ndarray) -> None:
        self.k = np.asarray(k, dtype=np.int64).ravel()
        self.n = np.asarray(n, dtype=np.int64).ravel()
        self.m = self.k.size
        self.values = []
        self.index = []
        for x in (self.k, self.n - self.k, self.n):
            u, inv = np.unique(x, return_inverse=True)
            self.values.append(u.astype(float))
            self.index.append(inv.ravel())

    def _tables(self, a: np.ndarray, b: np.ndarray, fn: Any) -> list[np.ndarray]:
        """``fn(k + a)``, ``fn(n - k + b)``, ``fn(n + a + b)`` on the distinct values, (L, U)."""
        uk, unk, un = self.values
        return [fn(uk + a[:, None]), fn(unk + b[:, None]), fn(un + (a + b)[:, None])]

    def core(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``log B(k + a, n - k + b) - log B(a, b)`` per component and unit, shape (L, m)."""
        tk, tnk, tn = self._tables(a, b, special.gammaln)
        ik, ink, in_ = self.index
        const = special.gammaln(a) + special.gammaln(b) - special.gammaln(a + b)
        return (
            np.take(tk, ik, axis=1)
            + np.take(tnk, ink, axis=1)
            - np.take(tn, in_, axis=1)
            - const[:, None]
        )

    def aggregate(self, resp: np.ndarray) -> list[np.ndarray]:
        """Responsibilities (L, m) summed per distinct value of k, n - k and n."""
        out = []
        for vals, inv in zip(self.values, self.index):
            out.append(
                np.stack([np.bincount(inv, weights=r, minlength=vals.size) for r in resp])
            )
        return out

    def objective(self, a: np.ndarray, b: np.ndarray, agg: list[np.ndarray]) -> np.ndarray:
        """Responsibility-weighted log-likelihood of each component (L,), up to constants."""
        rk, rnk, rn = agg
        tk, tnk, tn = self._tables(a, b, special.gammaln)
        const = special.gammaln(a) + special.gammaln(b) - special.gammaln(a + b)
        return ((rk * tk).sum(axis=1) + (rnk * tnk).sum(axis=1) - (rn * tn).sum(axis=1)
                - rk.sum(axis=1) * const)

    def m_step(self, a: np.ndarray, b: np.ndarray, agg: list[np.ndarray], *,
               max_iter: int = 30, xtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
        """Maximise each component's weighted log-likelihood over ``(log a, log b)``.

        The objective separates by component: a 2-D Newton step per component, all
        components at once, with the exact Hessian (trigamma) and step halving while the
        objective would fall; ``log a`` and ``log b`` are kept within the bounds. A
        component whose Hessian is not negative definite takes a gradient step instead.
        Converges in a few iterations from the previous EM iterate.
        """
        rk, rnk, rn = agg
        total = rk.sum(axis=1)
        lo_b, hi_b = _LOG_BOUNDS
        x = np.clip(np.log(a), lo_b, hi_b)
        y = np.clip(np.log(b), lo_b, hi_b)
        a, b = np.exp(x), np.exp(y)
        f = self.objective(a, b, agg)
        active = np.ones(a.size, dtype=bool)
        for _ in range(max_iter):
            ab = a + b
            dk, dnk, dn = self._tables(a, b, special.digamma)
            tk, tnk, tn = self._tables(a, b, _trigamma)
            sn = (rn * dn).sum(1)
            d_ab = special.digamma(ab)
            ga = (rk * dk).sum(1) - sn - total * (special.digamma(a) - d_ab)
            gb = (rnk * dnk).sum(1) - sn - total * (special.digamma(b) - d_ab)
            t_ab = _trigamma(ab)
            sn1 = (rn * tn).sum(1)
            haa = (rk * tk).sum(1) - sn1 - total * (_trigamma(a) - t_ab)
            hbb = (rnk * tnk).sum(1) - sn1 - total * (_trigamma(b) - t_ab)
            hab = -sn1 + total * t_ab
            # gradient and Hessian in (log a, log b)
            gx, gy = a * ga, b * gb
            hxx = a * a * haa + gx
            hyy = b * b * hbb + gy
            hxy = a * b * hab
            det = hxx * hyy - hxy * hxy
            newton = (hxx < 0) & (det > 0)
            safe_det = np.where(newton, det, 1.0)
            dx = np.where(newton, -(hyy * gx - hxy * gy) / safe_det, 0.0)
            dy = np.where(newton, -(hxx * gy - hxy * gx) / safe_det, 0.0)
            # gradient step, scaled to at most 0.5 in log space, where Newton does not apply
            gscale = 0.5 / np.maximum(np.hypot(gx, gy), 1e-300)
            dx = np.where(newton, dx, gx * np.minimum(gscale, 1.0))
            dy = np.where(newton, dy, gy * np.minimum(gscale, 1.0))
            dx = np.where(active, np.clip(dx, -2.0, 2.0), 0.0)
            dy = np.where(active, np.clip(dy, -2.0, 2.0), 0.0)
            step = np.ones(a.size)
            for _half in range(30):  # step halving, per component
                nx = np.clip(x + step * dx, lo_b, hi_b)
                ny = np.clip(y + step * dy, lo_b, hi_b)
                nf = self.objective(np.exp(nx), np.exp(ny), agg)
                worse = active & ~(nf >= f - 1e-12 * np.abs(f))
                if not worse.any():
                    break
                step = np.where(worse, step * 0.5, step)
            moved = np.maximum(np.abs(nx - x), np.abs(ny - y))
            keep = active & (nf >= f - 1e-12 * np.abs(f))
            x = np.where(keep, nx, x)
            y = np.where(keep, ny, y)
            f = np.where(keep, nf, f)
            a, b = np.exp(x), np.exp(y)
            active = active & keep & (moved > xtol)
            if not active.any():
                break
        return a, b

    def e_step(self, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
        """Responsibilities (L, m) and the log-likelihood without binomial coefficients."""
        logp = self.core(a, b) + np.log(w)[:, None]
        # log-sum-exp over the few components, sharing one exp with the responsibilities
        top = logp.max(axis=0)
        p = np.exp(logp - top)
        total = p.sum(axis=0)
        p /= total
        return p, float(np.sum(np.log(total) + top))


def _initial_params(data: _Counts, L: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterministic start: split the units into L equal groups by their proportion
    ``k / n`` and give each group the method-of-moments beta of its proportions."""
    p = data.k / data.n
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, L)
    a = np.empty(L)
    b = np.empty(L)
    w = np.empty(L)
    floor = max(1e-4, float(p.var()) / L**2)
    for l, idx in enumerate(groups):  # a handful of components
        m = float(np.clip(p[idx].mean(), 0.02, 0.98))
        var = max(float(p[idx].var()), floor)  # never a degenerate start
        phi = max(m * (1 - m) / var - 1.0, 1.0)
        a[l], b[l], w[l] = m * phi, (1 - m) * phi, idx.size / p.size
    lo, hi = np.exp(_LOG_BOUNDS[0]), np.exp(_LOG_BOUNDS[1])
    return np.clip(a, lo, hi), np.clip(b, lo, hi), w


def _em(
    data: _Counts,
    a: np.ndarray,
    b: np.ndarray,
    w: np.ndarray,
    *,
    tol: float,
    max_iter: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int]:
    """EM for a beta-binomial mixture; the M-step (:meth:`_Counts.m_step`) is a bounded
    Newton iteration per component on the log parameters, warm-started from the previous
    iterate (a few trigamma evaluations per distinct count instead of the 20-30 function
    evaluations a general optimiser needs).
    """
    resp, ll = data.e_step(a, b, w)
    it = 0
    for it in range(1, max_iter + 1):
        w = np.maximum(resp.mean(axis=1), 1e-12)
        w = w / w.sum()
        a, b = data.m_step(a, b, data.aggregate(resp))
        resp, new_ll = data.e_step(a, b, w)
        done = abs(new_ll - ll) <= tol * abs(ll)
        ll = new_ll
        if done:
            break
    return a, b, w, ll, it


def fit_betabinom_mixture(
    k: Any,
    n: Any,
    *,
    max_components: int = 5,
    tol: float = 1e-7,
    max_iter: int = 200,
) -> BetaBinomialMixture:
    """Fit a mixture of beta-binomials to counts ``k`` out of ``n``, choosing the size as Rozenas.

    For ``L = 1, 2, ...`` components, EM (responsibilities from
    :func:`scipy.special.gammaln`; M-step by a bounded Newton iteration per component on
    ``log alpha, log beta``) runs from a deterministic start until the relative change of
    the log-likelihood is below ``tol``. Components stop being added when the fitted latent
    densities with ``L`` and ``L - 1`` components correlate at least 0.99 on 1001 points of
    [0.01, 0.99] (Rozenas' rule); the ``L - 1``-component fit is returned (the R package
    keeps the ``L``-component fit, whose density is by construction almost the same).

    Parameters
    ----------
    k, n : array_like of int
        Successes and trials per unit (e.g. ballots and registered voters), ``0 <= k <= n``,
        ``n >= 1``.
    max_components : int
        Largest number of components tried (Rozenas: 5).
    tol : float
        EM stops when the log-likelihood changes by less than ``tol`` relative.
    max_iter : int
        Maximum EM iterations per number of components.

    Returns
    -------
    BetaBinomialMixture

    Notes
    -----
    The start for ``L`` components splits the units into ``L`` equal groups by their
    observed proportion and uses each group's method-of-moments beta; the fit is therefore
    deterministic. (The R package starts from random values refined by a least-squares fit
    to a kernel density, and iterates EM only until consecutive densities correlate at
    0.99.) ``log alpha`` and ``log beta`` are bounded to [-3, 10.5].

    References
    ----------
    .. [1] Rozenas, A. (2017). Detecting Election Fraud from Irregularities in Vote-Share
       Distributions. Political Analysis 25(1), 41-56. :doi:`10.1017/pan.2016.9`

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = rng.integers(200, 1500, size=4000)
    >>> p = np.where(rng.random(4000) < 0.7, rng.beta(30, 20, 4000), rng.beta(8, 24, 4000))
    >>> fit = fit_betabinom_mixture(rng.binomial(n, p), n)
    >>> fit.n_components, np.round(fit.means, 2).tolist(), np.round(fit.weights, 2).tolist()
    (2, [0.25, 0.6], [0.3, 0.7])
    """
    k = np.asarray(k).ravel()
    n = np.asarray(n).ravel()
    if k.shape != n.shape or k.size == 0:
        raise ValueError("`k` and `n` must be non-empty arrays of the same length.")
    if not (np.all(k == np.round(k)) and np.all(n == np.round(n))):
        raise ValueError("`k` and `n` must be whole numbers (counts).")
    if np.any(n < 1) or np.any(k < 0) or np.any(k > n):
        raise ValueError("counts must satisfy 0 <= k <= n and n >= 1.")
    data = _Counts(k, n)
    log_binom = float(
        np.sum(special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0))
    )
    previous = None
    previous_density = None
    chosen = None
    for L in range(1, max_components + 1):
        a, b, w = _initial_params(data, L)
        a, b, w, ll, it = _em(data, a, b, w, tol=tol, max_iter=max_iter)
        order = np.argsort(a / (a + b), kind="stable")
        fit = BetaBinomialMixture(
            alpha=a[order], beta=b[order], weights=w[order], loglik=ll + log_binom, n_iter=it
        )
        dens = fit.density(_CMP_GRID)
        if previous is not None:
            corr = float(np.corrcoef(dens, previous_density)[0, 1])
            fit = dataclasses.replace(fit, selection_corr=corr)
            if corr >= _SELECT_CORR:
                chosen = dataclasses.replace(previous, selection_corr=corr)
                break
        previous, previous_density = fit, dens
    return chosen if chosen is not None else previous


# ----------------------------------------------------------------------------- densities
def _kernel(bandwidth: float, step: float) -> np.ndarray:
    """Gaussian kernel sampled at multiples of the grid step, summing to 1."""
    m = int(math.ceil(8 * bandwidth / step))
    offsets = np.arange(-m, m + 1) * step / bandwidth
    taps = np.exp(-0.5 * offsets**2)
    taps[taps < 1e-16] = 0.0
    return taps / taps.sum()


def _share_sums(
    v: np.ndarray, t: np.ndarray, rep: np.ndarray, k: int, G: int, bandwidth: float, kde: str
) -> tuple[np.ndarray, np.ndarray]:
    """Unnormalised share histograms of ``k`` elections: ``(raw, counts)``, each (k, G).

    ``v`` and ``t`` are integer arrays of one shape, ``rep`` (broadcastable to it) the
    election (0 .. k-1) each station belongs to. ``counts`` holds the stations per bin
    (bins centred on the grid points, closed on the right as R's ``cut``); ``raw`` the
    linearly binned shares (``kde='binned'``) or the sum of the Gaussian kernels at the
    grid points (``'exact'``), not yet divided by the number of stations. Both are sums
    over stations, so the histograms of parts of the stations add up. Stations with
    ``t = 0`` have no share and are left out.

    Positions are exact: ``u = v (G - 1) / t`` is a correctly rounded quotient of two
    integers, so ``floor(u)`` and ``ceil(u - 1/2)`` are exact (a non-integer quotient is at
    least ``1 / t`` away from an integer, far more than the rounding error).
    """
    rows = rep * G
    size = k * G
    if kde == "binned" and t.min() > 0:
        # Every station has a share (the usual case): two passes over the stations. With
        # lo = floor(u) and f = u - lo, a bin holds the stations with lo = j and f <= 1/2
        # and those with lo = j - 1 and f > 1/2; the linear binning puts 1 - f on lo and f
        # on lo + 1. (f is 0 at the last grid point: nothing spills into the next row.)
        u = v * float(G - 1) / t
        lo = np.floor(u)
        frac = u - lo
        idx = rows + lo.astype(np.intp)
        halves = np.bincount((2 * idx + (frac > 0.5)).ravel(), minlength=2 * size + 2)
        halves = halves.reshape(size + 1, 2)
        at_lo = halves.sum(axis=1)
        counts = at_lo - halves[:, 1]
        counts[1:] += halves[:-1, 1]
        fsum = np.bincount(idx.ravel(), weights=frac.ravel(), minlength=size + 1)
        raw = at_lo - fsum
        raw[1:] += fsum[:-1]
        return raw[:size].reshape(k, G), counts[:size].reshape(k, G)
    valid = t > 0
    u = v * float(G - 1) / np.where(valid, t, 1)
    trash = size  # stations without a share are counted in one extra slot, then dropped
    hist_idx = np.ceil(u - 0.5).astype(np.intp)
    flat = np.where(valid, rows + hist_idx, trash).ravel()
    counts = np.bincount(flat, minlength=size + 1)[:size].reshape(k, G)
    if kde == "binned":
        lo = np.floor(u)
        frac = (u - lo).ravel()
        flat = np.where(valid, rows + lo.astype(np.intp), trash).ravel()
        raw = np.bincount(flat, weights=1.0 - frac, minlength=size + 2)
        raw[1:] += np.bincount(flat, weights=frac, minlength=size + 2)[:-1]
        return raw[:size].reshape(k, G), counts
    # Exact Gaussian kernel density at the grid points, summing over the stations within
    # eight bandwidths of each grid point (the rest contribute < 1e-14 relative).
    step = 1.0 / (G - 1)
    y = u * step
    m = int(math.ceil(8 * bandwidth / step)) + 1
    raw = np.zeros(size + 1)
    for off in range(-m, m + 1):  # a handful of offsets, not a loop over stations
        j = hist_idx + off
        ok = valid & (j >= 0) & (j < G)
        z = (j * step - y) / bandwidth
        raw += np.bincount(
            np.where(ok, rows + j, trash).ravel(),
            weights=np.exp(-0.5 * z * z).ravel(),
            minlength=size + 1,
        )
    return raw[:size].reshape(k, G), counts


def _finish_densities(
    raw: np.ndarray, counts: np.ndarray, bandwidth: float, kde: str
) -> tuple[np.ndarray, np.ndarray]:
    """Densities and bin proportions from the sums of :func:`_share_sums`, each (k, G)."""
    G = raw.shape[1]
    step = 1.0 / (G - 1)
    count = np.maximum(counts.sum(axis=1), 1).astype(float)[:, None]
    bins = counts / count
    if kde == "binned":
        lin = raw / count
        taps = _kernel(bandwidth, step)
        if np.count_nonzero(taps) > 1:
            lin = convolve1d(lin, taps, axis=1, mode="constant", cval=0.0)
        return lin / step, bins
    return raw / (count * bandwidth * math.sqrt(2 * math.pi)), bins


def _densities(
    v: np.ndarray, t: np.ndarray, G: int, bandwidth: float, kde: str
) -> tuple[np.ndarray, np.ndarray]:
    """Density of the shares ``v / t`` on the grid and bin proportions, one row per election.

    ``v`` and ``t`` are integer arrays of shape (k, n) (k elections of n stations);
    stations with ``t = 0`` have no share and are left out of their row. Returns
    ``(density, bins)``, both (k, G); each row of ``bins`` sums to 1. Bins are centred on
    the grid points and closed on the right, as R's ``cut``; shares such as 1/2 or 3/4
    land in their bin exactly (see :func:`_share_sums`).
    """
    k = t.shape[0]
    rep = np.arange(k, dtype=np.intp)[:, None]
    raw, counts = _share_sums(v, t, rep, k, G, bandwidth, kde)
    return _finish_densities(raw, counts, bandwidth, kde)


# ----------------------------------------------------------------------------- resampling
def _responsibilities(k: np.ndarray, n: np.ndarray, mix: BetaBinomialMixture) -> np.ndarray:
    """Posterior component probabilities per unit, shape (L, m)."""
    resp, _ = _Counts(k, n).e_step(mix.alpha, mix.beta, mix.weights)
    return resp


def _cumulative_responsibilities(
    k: np.ndarray, n: np.ndarray, mix: BetaBinomialMixture
) -> np.ndarray:
    """Cumulative posterior component probabilities per unit, shape (L - 1, m)."""
    return np.cumsum(_responsibilities(k, n, mix), axis=0)[:-1]


def _draw_component(rng: np.random.Generator, cum: np.ndarray, k: int) -> np.ndarray | int:
    """Component labels (m, k) drawn from per-unit probabilities given as cumulative sums
    (L - 1, m); unit-major, ``k`` labels per unit."""
    if cum.shape[0] == 0:
        return 0
    u = rng.random((cum.shape[1], k))
    label = np.zeros(u.shape, dtype=np.intp)
    for c in cum:  # a handful of components
        label += u > c[:, None]
    return label


#: Turnout tables: first window half-width in standard deviations of each component, the
#: wider one for stations whose tabulated mass falls short (exponential tails next to 0 %
#: or 100 % turnout), and the largest mass a table may leave out (else: the whole support).
_TAIL_SD = (7.5, 40.0)
_TABLE_MISSING = 1e-9
#: Stations whose turnout tables are built at once (sorted by width: little padding).
_TABLE_ROWS = 256


@dataclasses.dataclass(frozen=True)
class _TurnoutTables:
    """Per-station distribution of the resampled turnout ``t*``, tabulated for inversion.

    ``t*`` given the station is the posterior predictive of the turnout mixture: the
    component integrated out with the station's posterior probabilities, the latent rate
    integrated out of each component (a beta-binomial of ``N`` trials with shapes
    ``t + alpha_l``, ``N - t + beta_l``). Station ``i`` has the values ``lo[i] ..
    lo[i] + width[i] - 1`` with cumulative probabilities ``cdf[cdf_start[i] + j]`` (the
    last one exactly 1) and a guide table of ``guide_size[i]`` (a power of two) entries at
    ``guide[guide_start[i]:]``: ``guide[j]`` is the position in ``cdf`` of the first value
    whose cumulative probability exceeds ``j / guide_size``. ``missing`` is the mass outside
    the window (left out; the table is the distribution conditioned on the window).
    """

    lo: np.ndarray
    width: np.ndarray
    cdf: np.ndarray
    cdf_start: np.ndarray
    guide: np.ndarray
    guide_start: np.ndarray
    guide_size: np.ndarray
    missing: np.ndarray


def _windows(N, t, resp, a, b, k_sd):
    """Lowest and highest tabulated turnout per station: the union over the components
    that carry mass of ``mean -/+ k_sd sd`` (plus one), within [0, N]."""
    A = t[None, :] + a[:, None]
    B = (N - t)[None, :] + b[:, None]
    AB = A + B
    mu = N * A / AB
    sd = np.sqrt(N * A * B * (AB + N) / (AB * AB * (AB + 1.0)))
    use = resp >= 1e-16
    use[np.argmax(resp, axis=0), np.arange(N.size)] = True
    lo = np.where(use, np.floor(mu - k_sd * sd) - 1.0, np.inf).min(axis=0)
    hi = np.where(use, np.ceil(mu + k_sd * sd) + 1.0, -np.inf).max(axis=0)
    return np.clip(lo, 0, N), np.clip(hi, 0, N)


def _mixture_pmf(N, t, resp, a, b, lo, hi):
    """Posterior predictive pmf of ``t*`` on ``lo .. hi`` (rows padded with zeros to the
    widest), and the mass outside the window, per station.

    Each component's probability at ``lo`` comes from :func:`scipy.special.gammaln`; the
    rest of the row is the running product of the exact ratios of consecutive
    beta-binomial probabilities, ``p(k+1)/p(k) = (N-k)/(k+1) * (k+A)/(N-k-1+B)`` with
    ``A = t + alpha``, ``B = N - t + beta`` (relative error of the probabilities about
    1e-13). Rows whose anchor would underflow (a window reaching far into a tail) are
    computed in logs instead.
    """
    S = N.size
    W = int((hi - lo).max()) + 1
    j = np.arange(W - 1, dtype=float)[None, :]
    # The step from kk to kk + 1; past the window kk is held at N - 1 at most (positive
    # denominators) and the common factor is 0, so the running product stays 0 there.
    kk = np.minimum(lo[:, None] + j, N[:, None] - 1.0)
    common = (N[:, None] - kk) * ((lo[:, None] + j) < hi[:, None])
    common /= kk + 1.0
    K = kk + t[:, None]  # k + A = K + alpha
    D = (2.0 * N - t - 1.0)[:, None] - kk  # N - k - 1 + B = D + beta
    mix = np.zeros((S, W))
    missing = np.zeros(S)
    pmf = np.empty((S, W))
    for l in range(a.size):  # a handful of components
        A = t + a[l]
        B = (N - t) + b[l]
        lp0 = (special.gammaln(N + 1.0) - special.gammaln(lo + 1.0)
               - special.gammaln(N - lo + 1.0) + special.gammaln(lo + A)
               + special.gammaln(N - lo + B) - special.gammaln(N + A + B)
               - special.betaln(A, B))
        ratio = K + a[l]
        ratio *= common
        ratio /= D + b[l]
        pmf[:, 0] = 1.0
        # The running product stays below exp(-lp0): finite unless lp0 < -600, rows that
        # are computed again in logs just below.
        with np.errstate(over="ignore", invalid="ignore"):
            np.cumprod(ratio, axis=1, out=pmf[:, 1:])
            pmf *= np.exp(lp0)[:, None]
        deep = np.flatnonzero(lp0 < -600.0)
        if deep.size:  # in logs: no underflow whatever the window
            with np.errstate(divide="ignore"):
                lr = np.log(ratio[deep])
            lp = np.zeros((deep.size, W))
            np.cumsum(lr, axis=1, out=lp[:, 1:])
            pmf[deep] = np.exp(lp + lp0[deep, None])
        missing += resp[l] * np.maximum(1.0 - pmf.sum(axis=1), 0.0)
        pmf *= resp[l][:, None]
        mix += pmf
    return mix, missing


def _turnout_tables(N, t, resp, mix: BetaBinomialMixture) -> _TurnoutTables:
    """Inversion tables of the resampled turnout for every station (see
    :class:`_TurnoutTables`); the window widens where its mass falls short."""
    Nf = N.astype(float)
    tf = t.astype(float)
    a, b = mix.alpha, mix.beta
    m = N.size
    lo, hi = _windows(Nf, tf, resp, a, b, _TAIL_SD[0])
    width = (hi - lo + 1).astype(np.int64)
    order = np.argsort(width, kind="stable")
    rows_mix, rows_missing, rows_idx = [], [], []
    for start in range(0, m, _TABLE_ROWS):  # blocks of stations, not single stations
        idx = order[start:start + _TABLE_ROWS]
        pmf, miss = _mixture_pmf(Nf[idx], tf[idx], resp[:, idx], a, b, lo[idx], hi[idx])
        for k_sd in (*_TAIL_SD[1:], math.inf):  # widen the few that fall short
            short = np.flatnonzero(miss > _TABLE_MISSING)
            if short.size == 0:
                break
            sel = idx[short]
            if math.isinf(k_sd):
                lo2, hi2 = np.zeros(sel.size), Nf[sel]
            else:
                lo2, hi2 = _windows(Nf[sel], tf[sel], resp[:, sel], a, b, k_sd)
            pmf2, miss2 = _mixture_pmf(Nf[sel], tf[sel], resp[:, sel], a, b, lo2, hi2)
            lo[sel], hi[sel] = lo2, hi2
            width[sel] = (hi2 - lo2 + 1).astype(np.int64)
            if pmf2.shape[1] > pmf.shape[1]:
                pmf = np.pad(pmf, ((0, 0), (0, pmf2.shape[1] - pmf.shape[1])))
            pmf[short] = 0.0
            pmf[short, :pmf2.shape[1]] = pmf2
            miss[short] = miss2
        rows_mix.append(pmf)
        rows_missing.append(miss)
        rows_idx.append(idx)
    cdf_parts, guide_parts = [], []
    cdf_start = np.empty(m, dtype=np.int64)
    guide_start = np.empty(m, dtype=np.int64)
    guide_size = np.empty(m, dtype=np.int64)
    missing = np.empty(m)
    c_off = g_off = 0
    for pmf, miss, idx in zip(rows_mix, rows_missing, rows_idx):
        S, W = pmf.shape
        cdf = np.cumsum(pmf, axis=1)
        cdf /= cdf[:, -1:]  # x / x: exactly 1 from the last value of the window on
        M = 1 << int(max(W - 1, 1)).bit_length()  # a power of two >= W: j / M is exact
        # guide[j] = #{k : cdf[k] <= j / M} = #{k : ceil(cdf[k] M) <= j}, exactly.
        cells = np.ceil(cdf * M).astype(np.intp) + (np.arange(S) * (M + 1))[:, None]
        hist = np.bincount(cells.ravel(), minlength=S * (M + 1)).reshape(S, M + 1)
        guide = np.cumsum(hist, axis=1)[:, :M]
        guide += (c_off + np.arange(S) * W)[:, None]  # positions in the flat cdf
        guide = guide.astype(np.int32 if c_off + S * W < 2**31 else np.int64)
        cdf_start[idx] = c_off + np.arange(S) * W
        guide_start[idx] = g_off + np.arange(S) * M
        guide_size[idx] = M
        missing[idx] = miss
        c_off += S * W
        g_off += S * M
        cdf_parts.append(cdf.ravel())
        guide_parts.append(guide.ravel())
    return _TurnoutTables(
        lo=lo.astype(np.int64), width=width, cdf=np.concatenate(cdf_parts),
        cdf_start=cdf_start, guide=np.concatenate(guide_parts), guide_start=guide_start,
        guide_size=guide_size, missing=missing,
    )


def _draw_turnout(rng: np.random.Generator, tab: _TurnoutTables, k: int) -> np.ndarray:
    """``k`` resampled turnouts per station by inversion, shape (m, k), station-major.

    One uniform ``u`` per draw; the guide table gives a value whose predecessors all have
    cumulative probability at most ``u``, and the value is advanced while its cumulative
    probability is still at most ``u`` (about one step on average): exactly the smallest
    value whose cumulative probability exceeds ``u``.
    """
    m = tab.lo.size
    u = rng.random((m, k))
    j = (u * tab.guide_size[:, None]).astype(np.int64)  # exact: the sizes are powers of 2
    pos = tab.guide[tab.guide_start[:, None] + j]
    u = u.ravel()
    pos = pos.ravel()
    act = np.flatnonzero(tab.cdf[pos] <= u)
    while act.size:
        pos[act] += 1
        act = act[tab.cdf[pos[act]] <= u[act]]
    return pos.reshape(m, k) - tab.cdf_start[:, None] + tab.lo[:, None]


#: Stations per resampling task, and the most tasks one test makes (tasks are fixed by
#: the number of stations only: the results never depend on the workers).
_STATION_BLOCK = 16384
_MAX_TASKS = 32
#: Station draws per memory batch inside a task (cache-friendly temporaries).
_MAX_ELEMENTS = 2**20


def _station_blocks(n: int) -> list[tuple[int, int]]:
    """Fixed blocks of consecutive stations, one resampling task each."""
    size = max(_STATION_BLOCK, -(-n // _MAX_TASKS))
    return [(s, min(n, s + size)) for s in range(0, n, size)]


def _resample_block(
    rng: np.random.Generator,
    item: tuple[np.ndarray, ...],
    fits: tuple[BetaBinomialMixture, BetaBinomialMixture],
    n_resamples: int,
    G: int,
    bandwidth: float,
    kde: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Share histograms of one block of stations in every resampled election.

    ``item`` is ``(N, t, v, turnout responsibilities (L, m), cumulative support
    responsibilities (L' - 1, m))`` of the block. Per station and resampled election:
    ``t*`` from the station's posterior predictive turnout distribution (inverted from
    its table, :func:`_draw_turnout`), then a support component from the station's
    posterior probabilities, a latent rate from Beta(v + alpha, t - v + beta) and
    ``v* ~ Binomial(t*, rate)``. Returns the unnormalised ``(raw, counts)`` of
    :func:`_share_sums`, each (n_resamples, G), summed over the block's stations.
    """
    N, t, v, resp_t, cum_s = item
    smix = fits[1]
    tab = _turnout_tables(N, t, resp_t, fits[0])
    m = t.size
    raw = np.zeros((n_resamples, G))
    counts = np.zeros((n_resamples, G), dtype=np.int32)  # a block has < 2**31 stations
    per_batch = max(1, _MAX_ELEMENTS // m)
    for r0 in range(0, n_resamples, per_batch):  # memory batches of elections
        k = min(per_batch, n_resamples - r0)
        t_star = _draw_turnout(rng, tab, k)
        lab = _draw_component(rng, cum_s, k)
        rate = rng.beta(v[:, None] + smix.alpha[lab], (t - v)[:, None] + smix.beta[lab],
                        size=(m, k))
        v_star = rng.binomial(t_star, rate)
        rep = np.arange(k, dtype=np.intp)[None, :]
        r, c = _share_sums(v_star, t_star, rep, k, G, bandwidth, kde)
        raw[r0:r0 + k] = r
        counts[r0:r0 + k] = c
    return raw, counts


def _fit_task(_rng: np.random.Generator, item: tuple[np.ndarray, np.ndarray, int]
              ) -> BetaBinomialMixture:
    """One mixture fit (deterministic; the generator of the task is not used)."""
    k, n, max_components = item
    return fit_betabinom_mixture(k, n, max_components=max_components)


def _flagged_excess(
    density: np.ndarray, bins: np.ndarray, envelope: np.ndarray, expected: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """F (percent), the flagged grid points and the excess of ``bins`` over ``expected``."""
    excess = np.maximum(bins - expected, 0.0)
    flagged = density > envelope
    return 100.0 * float(excess[flagged].sum()), flagged, excess


def _null_statistics(dens: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """F of each resampled election measured against the other resampled elections.

    Replicate ``r`` can exceed the envelope of the others only where it is the pointwise
    maximum; there its excess is over the mean of the other ``B - 1`` replicates. Computed
    for all replicates at once from the top two values per grid point.
    """
    B, G = dens.shape
    top = np.argmax(dens, axis=0)
    cols = np.arange(G)
    first = dens[top, cols]
    masked = dens.copy()
    masked[top, cols] = -np.inf
    second = masked.max(axis=0)
    mean_others = (bins.sum(axis=0) - bins[top, cols]) / (B - 1)
    contrib = np.where(first > second, np.maximum(bins[top, cols] - mean_others, 0.0), 0.0)
    return 100.0 * np.bincount(top, weights=contrib, minlength=B)


# ----------------------------------------------------------------------------- the test
@dataclasses.dataclass(frozen=True, eq=False)
class SpikesResult(TestResult):
    """Result of :func:`spikes_test` (Rozenas' resampled kernel density test).

    Unpacks to ``(statistic, pvalue)``. ``statistic`` is F, the estimated percentage of
    stations whose vote share is a coarse spike; ``pvalue`` is the Monte Carlo p-value of
    F against its distribution in elections simulated from the fitted clean model
    (``null_distribution``). Arrays are on the grid of vote shares ``grid``.
    """

    party: str = ""
    turnout: str = ""
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    n_capped: int = 0
    n_resamples: int = 0
    bandwidth: float = math.nan
    kde: str = "binned"
    n_flagged: int = 0
    confidence_interval: Interval = dataclasses.field(default_factory=Interval.missing)
    confidence_level: float = 0.95
    null_mean: float = math.nan
    null_q95: float = math.nan
    null_q99: float = math.nan
    turnout_components: int = 0
    support_components: int = 0
    turnout_mixture: BetaBinomialMixture | None = None
    support_mixture: BetaBinomialMixture | None = None
    grid: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    density: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    envelope: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    mean_density: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    observed_bins: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    expected_bins: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    excess: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))
    flagged: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0, dtype=bool))
    null_distribution: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))

    method: ClassVar[str] = "Resampled kernel density spikes test (Rozenas 2017)"
    citations: ClassVar[tuple[str, ...]] = ("rozenas2017", "phipson2010")
    null_hypothesis: ClassVar[str] = (
        "the vote shares come from the fitted beta-binomial mixtures for turnout and "
        "support (no coarse, written-in shares); F is no larger than in elections "
        "simulated from that model"
    )

    @property
    def turnout_numerator(self) -> str:
        """Deprecated name of :attr:`turnout`."""
        warnings.warn(
            "`turnout_numerator` is deprecated and will be removed in the next release; "
            "read `turnout`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.turnout

    def _scalar_fields(self) -> dict[str, Any]:
        out = super()._scalar_fields()
        for name in ("turnout_mixture", "support_mixture"):
            out.pop(name, None)
        return out

    def _summary_items(self) -> list[tuple[str, Any]]:
        words = " + ".join(p.replace("_", " ") for p in self.turnout.split("+"))
        ci = self.confidence_interval
        interval = (
            f"{ci.low:.2f} to {ci.high:.2f} % ({format_number(ci.confidence_level, 'share', digits=0)})"
            if ci.computed else format_number(float("nan"))
        )
        return [
            ("Party", self.party),
            ("Ballots counted as turnout", words),
            ("Stations used", self.n),
            ("Stations left out", self.n_excluded),
            ("Estimated stations with coarse shares", f"{self.statistic:.2f} %"),
            ("Interval", interval),
            ("Same estimate in clean simulated elections (mean)", f"{self.null_mean:.2f} %"),
            ("Clean simulated elections, 95th percentile", f"{self.null_q95:.2f} %"),
            ("p-value", format_number(self.pvalue, "pvalue")),
            ("Simulated elections", self.n_resamples),
            ("Spikes flagged", self.n_flagged),
        ]

    @property
    def spikes(self) -> pd.DataFrame:
        """The flagged bins with a positive excess, largest first.

        Columns ``share``, ``observed``, ``expected``, ``excess`` (proportions of stations).
        """
        keep = self.flagged & (self.excess > 0)
        out = pd.DataFrame(
            {
                "share": self.grid[keep],
                "observed": self.observed_bins[keep],
                "expected": self.expected_bins[keep],
                "excess": self.excess[keep],
            }
        )
        return out.sort_values("excess", ascending=False, ignore_index=True)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Observed density, resampled envelope and flagged bins; see :func:`plot_spikes`."""
        from ._plot_spikes import plot_spikes

        return plot_spikes(self, ax=ax, **kwargs)


def _is_int(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


def _spikes_iv(
    election: Any,
    party: Any,
    turnout: Any,
    n_resamples: Any,
    bandwidth: Any,
    grid: Any,
    kde: Any,
    max_components: Any,
    confidence_level: Any,
) -> tuple[str, str]:
    if not isinstance(election, Election):
        raise TypeError(
            f"`election` must be an electionstats.Election (got {type(election).__name__}); "
            "build one with Election.from_frame(...)."
        )
    if "registered" not in election.roles:
        raise ValueError(
            "spikes_test needs the 'registered' role (registered voters per station) for "
            f"the turnout model; this election has roles {list(election.roles)}."
        )
    party = election.resolve_party(party)
    if turnout is not None and not isinstance(turnout, str):
        raise TypeError(
            f"`turnout` must be a role name such as 'valid+invalid' or None (got {turnout!r})."
        )
    # The table decides: the caller's, else the data set's declared turnout (Poland:
    # ballots found, which include postal votes), else this test's preference.
    try:
        turnout = election.resolve_turnout(turnout, prefer=TURNOUT_PREFERENCE)
    except ElectionDataError:
        raise ValueError(
            "spikes_test needs a count of ballots per station (roles 'valid' and 'invalid', "
            "'ballots_found', 'ballots_issued' or 'valid'); this election has roles "
            f"{list(election.roles)}; pass turnout= naming one."
        ) from None
    n_resamples = check_n_resamples(n_resamples)
    if n_resamples < 2:
        raise ValueError(f"`n_resamples` must be at least 2 (got {n_resamples}).")
    if not _is_int(grid) or not 11 <= grid <= 100_001:
        raise ValueError(
            f"`grid` must be an integer number of grid points in [11, 100001] (got {grid!r})."
        )
    if not isinstance(bandwidth, (int, float, np.floating)) or not 0 < bandwidth <= 0.05:
        raise ValueError(
            f"`bandwidth` must be a number in (0, 0.05] (got {bandwidth!r}); Rozenas uses 1e-4."
        )
    if kde not in _KDE_MODES:
        raise ValueError(f"`kde` must be one of {_KDE_MODES} (got {kde!r}).")
    if not _is_int(max_components) or not 1 <= max_components <= 10:
        raise ValueError(
            f"`max_components` must be an integer in [1, 10] (got {max_components!r})."
        )
    return party, turnout, check_confidence_level(confidence_level)


@renamed_parameters(turnout_numerator="turnout")
def spikes_test(
    election: Election,
    *,
    party: str | None = None,
    turnout: str | None = None,
    n_resamples: int = 1000,
    bandwidth: float = 1e-4,
    grid: int = 1001,
    kde: str = "binned",
    max_components: int = 5,
    confidence_level: float = 0.95,
    rng: Any = None,
) -> SpikesResult:
    """Resampled kernel density test for coarse vote shares ("spikes"), after Rozenas (2017).

    Null hypothesis: turnout and the party's support at each station come from smooth
    latent rates (mixtures of beta distributions, fitted to the data) with binomial
    counting, so the only coarse shares (1/2, 2/3, whole percents, ...) are those that
    small counts produce by chance. The statistic F is the estimated percentage of
    stations whose share sits in a spike that rises above every one of ``n_resamples``
    elections resampled from that model.

    Parameters
    ----------
    election : Election
        Station table with the ``registered`` role, a ballot count and the party.
    party : str, optional
        Party whose share is screened; default the data set's party, else the leader
        (:meth:`Election.resolve_party`).
    turnout : str, optional
        Ballot count ``t`` used as turnout numerator (``t`` out of registered ``N``) and
        as the denominator of the share ``v / t``. Default: the data set's declared
        turnout (Poland: ballots found, which include postal votes), else the first of
        :data:`TURNOUT_PREFERENCE` that exists: ``'valid+invalid'`` (ballots counted,
        which always hold the party's votes), ``'ballots_found'``, ``'ballots_issued'``,
        ``'valid'``. (``turnout_numerator=`` is the deprecated name.)
    n_resamples : int
        Elections resampled under the clean model (Rozenas: 1000). They give the envelope,
        the expected bins and the null distribution of F.
    bandwidth : float
        Gaussian kernel bandwidth (Rozenas: 1e-4).
    grid : int
        Number of grid points on [0, 1] (Rozenas: 1001, a step of 0.001).
    kde : {'binned', 'exact'}
        ``'binned'`` (default): linear binning onto the grid, then the Gaussian kernel
        sampled on the grid (the estimate R's ``density()`` computes, as used by
        Rozenas). ``'exact'``: the Gaussian kernel density evaluated at each grid point.
        See Notes.
    max_components : int
        Largest number of beta-binomial components tried for each model (Rozenas: 5).
    confidence_level : float
        Level of the interval of F.
    rng : None, int or numpy.random.Generator
        Randomness of the resampling and of the bootstrap.

    Returns
    -------
    SpikesResult
        ``statistic`` (F, percent of stations), ``pvalue``, ``n``, ``n_excluded`` and
        ``excluded_reason``, ``n_capped``, ``confidence_interval``, ``null_mean``,
        ``null_q95``, ``null_q99`` and ``null_distribution`` (F in simulated clean
        elections), the fitted ``turnout_mixture`` and ``support_mixture``, and on the
        share ``grid``: ``density`` (observed), ``envelope`` (pointwise maximum of the
        resampled densities), ``mean_density``, ``observed_bins``, ``expected_bins``,
        ``excess`` and ``flagged``; ``result.spikes`` lists the flagged bins.

    See Also
    --------
    fit_betabinom_mixture : the mixture fit used for turnout and support.

    Notes
    -----
    Counts: ``N`` = registered, ``t`` = ``turnout``, ``v`` = party votes.
    Stations with ``t = 0`` (no share) or ``v > t`` are excluded and counted in
    ``n_excluded``. Where ``t > N`` (voters added on the day, special stations) the
    turnout model uses ``N = t`` (turnout 100 %); these are counted in ``n_capped`` and
    keep their vote share.

    Algorithm (Rozenas 2017; R package ``spikes``): (1) fit beta-binomial mixtures to
    ``t`` out of ``N`` and to ``v`` out of ``t`` (:func:`fit_betabinom_mixture`);
    (2) resample ``n_resamples`` elections: per station a component from its posterior
    probabilities, a latent rate from the conjugate beta posterior, and binomial counts
    ``t*``, then ``v*`` out of ``t*``; (3) compute the density of the shares on the grid
    for the data and for every resampled election; the envelope is their pointwise
    maximum; (4) in bins of width ``1/(grid-1)`` centred on the grid points, the excess
    is ``max(observed - mean resampled, 0)``; F is 100 times the excess summed over the
    grid points where the observed density is above the envelope. Resampled stations with
    ``t* = 0`` have no share and are left out of their election (R sets their share to 0).

    Sampling (exact): the turnout step's component and rate are integrated out once per
    station, so ``t*`` is drawn with one uniform from the station's posterior predictive
    distribution (a mixture of beta-binomials), tabulated once for all the resampled
    elections and inverted with a guide table; each table holds all but at most 1e-9 of
    its station's probability (checked per station, widened where the tails are long;
    usually 1e-13). The support step keeps the component, the Beta rate and the binomial,
    since its number of trials ``t*`` changes from one resampled election to the next.

    Density: with the default bandwidth (a tenth of the grid step) the kernel is much
    narrower than the grid, so the exact density at grid points only sees shares within
    about 0.0004 of a grid point; a share such as 2/3 = 0.66667 (0.00033 from 0.667)
    contributes less than 1 % of its weight. The default ``'binned'`` estimate splits each
    share between its two neighbouring grid points (linear binning), then smooths with the
    Gaussian kernel sampled at grid offsets and normalised to sum to one; it integrates to 1
    and is, up to a constant factor and interpolation, what R's ``density()`` returns, so
    every coarse fraction is seen. With a bandwidth of a few grid steps or more the two
    estimates agree to the usual binning error, O((step / bandwidth)^2).

    Null distribution and p-value: each resampled election is itself an election drawn
    from the fitted clean model, so F is recomputed for every resampled election against
    the other ``n_resamples - 1`` (its envelope and mean); ``null_distribution`` holds
    these values and ``pvalue = (1 + #{null >= F}) / (1 + n_resamples)``. This costs
    nothing beyond the resampling, but the data are not exchangeable with the resamples:
    every resample is drawn around the observed counts (from each station's posterior
    rate), so the observed election is the centre of the resampled ones and sits closer
    to each of them than they sit to one another. The observed F therefore tends to be
    smaller than a resample's and the p-value is conservative: on 60 simulated clean
    elections (2,000 stations, 99 resamples) 1.7 % were rejected at the 5 % level and
    the median p-value was 0.62. Under a clean model the observed density still exceeds
    the envelope at a few grid points by chance, so F is small but rarely exactly 0;
    compare F with ``null_q95``.

    Interval: given the flagged bins, the stations that a clean election puts there
    anyway are a binomial count with proportion ``p`` = the expected bins' total; F's
    interval is ``F -/+ z 100 sqrt(p (1 - p) / n)`` (lower end at least 0). It leaves out
    the choice of the flagged bins and the uncertainty of the fitted mixtures (small for
    thousands of stations; the R package's ``confInt`` redraws the mixture parameters and
    resamples again, at a hundred times the cost of the test). A bootstrap over stations
    is not used: duplicated stations create artificial spikes. When no bin is flagged the
    interval is (0, 0); then ``null_q95`` tells what chance alone gives.

    A large F says that many stations report shares sitting exactly on a few fractions,
    more than the clean model produces. It does not say who wrote them or why: rounding
    by honest commissions, small special stations or a model that fits poorly (check the
    fitted mixtures) also produce spikes. Only the vote share is screened, not turnout.

    Not calibrated at 10,061 stations (``es.calibration_table('kazakhstan')``): it rejects
    0 % of clean simulated elections at 5 % (of only 20 elections; its null looks
    conservative); it detects the observers' scenario in 50 %.

    References
    ----------
    .. [1] Rozenas, A. (2017). Detecting Election Fraud from Irregularities in Vote-Share
       Distributions. Political Analysis 25(1), 41-56. :doi:`10.1017/pan.2016.9`
    .. [2] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be zero.
       Statistical Applications in Genetics and Molecular Biology 9(1).
       :doi:`10.2202/1544-6115.1585`

    Examples
    --------
    A clean simulated election, then the same with 5 % of stations reporting 3/4:

    >>> import electionstats as es
    >>> rng = np.random.default_rng(0)
    >>> n = 3000
    >>> registered = rng.integers(300, 1500, n)
    >>> ballots = rng.binomial(registered, rng.beta(30, 20, n))
    >>> votes = rng.binomial(ballots, rng.beta(20, 20, n))
    >>> df = pd.DataFrame({"id": np.arange(n), "reg": registered, "valid": ballots,
    ...                    "invalid": 0, "A": votes, "B": ballots - votes})
    >>> e = es.Election.from_frame(df, station_id="id", registered="reg", valid="valid",
    ...                            invalid="invalid", parties=["A", "B"])
    >>> res = spikes_test(e, party="A", n_resamples=200, rng=1)
    >>> bool(res.statistic < res.null_q99), bool(res.pvalue > 0.01)
    (True, True)
    >>> ballots[:150] -= ballots[:150] % 4
    >>> votes[:150] = ballots[:150] // 4 * 3
    >>> df2 = df.assign(valid=ballots, A=votes, B=ballots - votes)
    >>> e2 = es.Election.from_frame(df2, station_id="id", registered="reg", valid="valid",
    ...                             invalid="invalid", parties=["A", "B"])
    >>> res2 = spikes_test(e2, party="A", n_resamples=200, rng=1)
    >>> round(res2.statistic), res2.pvalue < 0.01
    (5, True)
    """
    party, turnout, confidence_level = _spikes_iv(
        election, party, turnout, n_resamples, bandwidth, grid, kde,
        max_components, confidence_level,
    )
    gen = as_generator(rng)
    G = int(grid)
    N_all = election.counts("registered")
    t_all = election.counts(turnout)
    v_all = election.counts(party)

    no_ballots = t_all == 0
    too_many = (v_all > t_all) & ~no_ballots
    reasons = []
    if no_ballots.any():
        reasons.append(f"{int(no_ballots.sum())} with {turnout} = 0 (no share)")
    if too_many.any():
        reasons.append(f"{int(too_many.sum())} with {party} > {turnout}")
    keep = ~(no_ballots | too_many)
    n = int(keep.sum())
    if n == 0:
        raise ValueError(
            f"no station has a vote share for {party!r}: all {len(keep)} stations have "
            f"{turnout} = 0 or {party} > {turnout}."
        )
    t = t_all[keep].astype(np.int64)
    v = v_all[keep].astype(np.int64)
    N = np.maximum(N_all[keep].astype(np.int64), t)
    n_capped = int(np.count_nonzero(N_all[keep] < t))
    if n < _MIN_STATIONS:
        warnings.warn(
            f"spikes_test on only {n} stations: the mixture fits and the density at a "
            f"resolution of 1/{G - 1} are very noisy; results are not reliable.",
            SmallSampleWarning,
            stacklevel=2,
        )
    max_l = max(1, min(int(max_components), n // 20))
    # The two fits are independent: one task each, on two cores when they are large.
    # (work: a few hundred passes of EM and its M-steps over the stations, per fit)
    tmix, smix = map_items(_fit_task, [(t, N, max_l), (v, t, max_l)], rng=0,
                           cells=1000 * n)
    resp_t = _responsibilities(t, N, tmix)
    cum_s = _cumulative_responsibilities(v, t, smix)

    dens_obs, bins_obs = _densities(v[None, :], t[None, :], G, float(bandwidth), kde)
    dens_obs, bins_obs = dens_obs[0], bins_obs[0]

    # Resampled elections: fixed blocks of stations, each a task with its own generator
    # spawned from rng, on every core (identical results for any number of workers). A
    # block tabulates its stations' turnout distributions once for all the elections and
    # returns its part of every election's share histogram; the parts add up.
    blocks = _station_blocks(n)
    items = [(N[s:e], t[s:e], v[s:e], resp_t[:, s:e], cum_s[:, s:e]) for s, e in blocks]
    parts = map_items(_resample_block, items, rng=gen,
                      args=((tmix, smix), n_resamples, G, float(bandwidth), kde),
                      cells=n * n_resamples, desc="spikes resampling")
    raw = parts[0][0]
    counts = parts[0][1].astype(np.int64)
    for r, c in parts[1:]:  # in block order: the same sums whoever computed them
        raw += r
        counts += c
    dens, bins = _finish_densities(raw, counts, float(bandwidth), kde)
    envelope = dens.max(axis=0)
    expected = bins.mean(axis=0)
    F, flagged, excess = _flagged_excess(dens_obs, bins_obs, envelope, expected)
    null = _null_statistics(dens, bins)
    pvalue = monte_carlo_pvalue(null, F, "greater")

    # Stations of the flagged bins that a clean election would put there anyway are a
    # binomial count; its spread is the uncertainty of F given the flagged bins.
    clean_share = float(expected[flagged].sum())
    half = 100.0 * special.ndtri(0.5 + confidence_level / 2) * math.sqrt(
        clean_share * (1.0 - clean_share) / n
    )
    interval = (max(0.0, F - half), F + half)

    return SpikesResult(
        statistic=F,
        pvalue=pvalue,
        party=party,
        turnout=turnout,
        n=n,
        n_excluded=int((~keep).sum()),
        excluded_reason="; ".join(reasons),
        n_capped=n_capped,
        n_resamples=n_resamples,
        bandwidth=float(bandwidth),
        kde=kde,
        n_flagged=int(np.count_nonzero(flagged & (excess > 0))),
        confidence_interval=Interval(*interval, float(confidence_level)),
        confidence_level=float(confidence_level),
        null_mean=float(null.mean()),
        null_q95=float(np.quantile(null, 0.95)),
        null_q99=float(np.quantile(null, 0.99)),
        turnout_components=tmix.n_components,
        support_components=smix.n_components,
        turnout_mixture=tmix,
        support_mixture=smix,
        grid=np.linspace(0.0, 1.0, G),
        density=dens_obs,
        envelope=envelope,
        mean_density=dens.mean(axis=0),
        observed_bins=bins_obs,
        expected_bins=expected,
        excess=excess,
        flagged=flagged,
        null_distribution=null,
    )
