"""The Klimek fraud model fitted by maximum marginal likelihood.

Klimek et al. (2012) model each polling station as clean, incrementally fraudulent or
extremely fraudulent. In a fraudulent station a share ``x`` of the registered voters who
did not vote is stuffed for the leader and a share ``x ** alpha`` of the other parties'
votes is moved to the leader (see :class:`electionstats.KlimekFraud`). Klimek et al.
fitted the model on a coarse grid by simulation, with heuristic clean parameters;
:func:`fit_fraud_model` maximises instead the marginal likelihood of every station's
observed (turnout, leader share), with the fraud size integrated out numerically, with
the exact gradient (L-BFGS-B), and tests "no fraud" by the likelihood ratio.

References
----------
Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of
systematic election irregularities. PNAS 109(41), 16469-16473.
https://doi.org/10.1073/pnas.1210722109

Mebane, W. R. (2016). Election forensics: frauds tests and observation-level frauds
probabilities. Paper presented at the Midwest Political Science Association meeting.

Cox, D. R. (1970). The Analysis of Binary Data. London: Methuen (empirical logits).

Self, S. G. & Liang, K.-Y. (1987). Asymptotic properties of maximum likelihood
estimators and likelihood ratio tests under nonstandard conditions. JASA 82(398),
605-610. https://doi.org/10.1080/01621459.1987.10478472
"""

from __future__ import annotations

import dataclasses
import numbers
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ._args import check_confidence_level, check_n_resamples, check_rng
from ._citations import register
from ._parallel import default_workers, map_chunks
from ._results import TableResult
from ._warnings import DataQualityWarning, ModelFitWarning, SmallSampleWarning
from .election import Election
from .simulate import KlimekFraud, simulate_election

__all__ = ["FraudModelResult", "fit_fraud_model", "fit_klimek2012", "observers_scenario"]

register(
    "mebane2016",
    """@inproceedings{mebane2016,
  title = {Election Forensics: Frauds Tests and Observation-level Frauds Probabilities},
  author = {Mebane, Walter R.},
  booktitle = {Annual Meeting of the Midwest Political Science Association},
  address = {Chicago},
  year = {2016}
}""",
)

# Methods declare their preferred columns as module constants (see Election.resolve_turnout).
TURNOUT_NUMERATOR = "valid"
SD_EXTREME = 0.075  # Klimek et al.'s scale of 1 - x in extreme fraud
_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_CLASSES = ("clean", "incremental", "extreme")

# ---------------------------------------------------------------------------- the likelihood
# The clean model: turnout and leader share independent (the identifying assumption), each
# on the logit scale a mixture of K normals that share the station's group median ``m_g``:
# component k has mean m_g + delta_k (delta_1 = 0), sd sd_k and weight w_k. The optimiser's
# vector holds the group medians of turnout (G), of the share (G), then the globals:
# per margin delta_2..K, log sd_1..K, weight logits 2..K; then f_i, f_e, log alpha,
# log theta.
EXTREME_MIN = 0.7  # extreme fraud sizes below this have density 0 (eforensics' threshold k)
_CHUNK_CELLS = 2**14  # stations x nodes evaluated at once (one task; its temporaries fit in cache)


@dataclasses.dataclass(frozen=True)
class _Layout:
    n_groups: int
    n_components: int

    @property
    def n_margin(self) -> int:
        return 3 * self.n_components - 2

    @property
    def size(self) -> int:
        return 2 * self.n_groups + 2 * self.n_margin + 4

    @property
    def fraud_slice(self) -> slice:
        return slice(self.size - 4, self.size)

    def global_names(self) -> list[str]:
        K = self.n_components
        out = []
        for m in ("tau", "nu"):
            out += [f"shift_{m}_{k}" for k in range(2, K + 1)]
            out += [f"log_sd_{m}" + (f"_{k}" if K > 1 else "") for k in range(1, K + 1)]
            out += [f"weight_logit_{m}_{k}" for k in range(2, K + 1)]
        return out + ["f_i", "f_e", "log_alpha", "log_theta"]

    def bounds(self) -> list[tuple[float, float]]:
        K = self.n_components
        margin = [(-6.0, 6.0)] * (K - 1) + [(np.log(0.005), np.log(3.0))] * K + [(-6.0, 6.0)] * (K - 1)
        return ([(-7.0, 7.0)] * (2 * self.n_groups) + margin + margin
                + [(0.0, 0.99), (0.0, 0.99), (np.log(0.25), np.log(10.0)), (np.log(0.02), np.log(2.0))])

    def unpack(self, p: np.ndarray) -> dict:
        G, K, M = self.n_groups, self.n_components, self.n_margin
        out = {"mt": p[:G], "ms": p[G:2 * G]}
        for name, lo in (("t", 2 * G), ("s", 2 * G + M)):
            z = p[lo:lo + M]
            logits = np.concatenate([[0.0], z[2 * K - 1:]])
            out[name] = (np.concatenate([[0.0], z[:K - 1]]), np.exp(z[K - 1:2 * K - 1]),
                         logits - special.logsumexp(logits))
        f_i, f_e, la, lt = p[self.fraud_slice]
        out.update(f_i=f_i, f_e=f_e, alpha=np.exp(la), theta=np.exp(lt))
        return out


@dataclasses.dataclass(frozen=True)
class _Nodes:
    """Quadrature of one fraud class for the stations ``rows``: per station and node the
    latent clean turnout ``a``, the fraud size ``x`` and the log weight free of the
    parameters (quadrature weight, Jacobian of the fraud map, logit Jacobian of ``a``, and
    for extreme fraud the fixed density of ``x``); ``-inf`` outside the support."""

    rows: np.ndarray
    a: np.ndarray
    la: np.ndarray  # logit(a)
    nta: np.ndarray  # counting variance of logit(a), per station (n, 1)
    nsv: np.ndarray  # counting variance of logit(v), per station (n, 1)
    x: np.ndarray
    lx: np.ndarray
    fixed: np.ndarray
    incremental: bool

    def take(self, keep: np.ndarray, new_index: np.ndarray) -> _Nodes:
        sel = keep[self.rows]
        arrays = [getattr(self, f) [sel] for f in ("a", "la", "nta", "nsv", "x", "lx", "fixed")]
        return _Nodes(new_index[self.rows[sel]], *arrays, incremental=self.incremental)


@dataclasses.dataclass(frozen=True)
class _Data:
    """Observed rates and everything about the stations free of the parameters.

    Rates are read with half a voter of continuity correction, ``t = (B + 1/2) / (R + 1)``
    and ``s = (W + 1/2) / (V + 1)``, so stations at 0 % or 100 % are inside (0, 1); the
    clean class uses their empirical logits, whose counting variance is
    ``1 / (B + 1/2) + 1 / (R - B + 1/2)`` (Cox 1970).
    """

    t: np.ndarray
    s: np.ndarray
    lt: np.ndarray
    ls: np.ndarray
    nt: np.ndarray
    ns: np.ndarray
    lc_fixed: np.ndarray
    group: np.ndarray
    n_groups: int
    inc: _Nodes
    ext: _Nodes

    @property
    def n(self) -> int:
        return len(self.t)

    def take(self, idx: np.ndarray) -> _Data:
        keep = np.zeros(self.n, dtype=bool)
        keep[idx] = True
        new_index = np.cumsum(keep) - 1
        f = [getattr(self, k)[keep] for k in ("t", "s", "lt", "ls", "nt", "ns", "lc_fixed", "group")]
        return _Data(*f, self.n_groups, self.inc.take(keep, new_index), self.ext.take(keep, new_index))


def _prepare(R, B, V, W, group, n_groups: int, n_nodes: int) -> _Data:
    R, B, V, W = (np.asarray(z, dtype=float) for z in (R, B, V, W))
    t = (B + 0.5) / (R + 1)
    s = (W + 0.5) / (V + 1)
    lt, ls = np.log(t / (1 - t)), np.log(s / (1 - s))
    nt = 1 / (B + 0.5) + 1 / (R - B + 0.5)
    ns = 1 / (W + 0.5) + 1 / (V - W + 0.5)
    lc_fixed = -np.log(t * (1 - t)) - np.log(s * (1 - s))
    y, wy = np.polynomial.legendre.leggauss(int(n_nodes))
    y, wy = (y + 1) / 2, wy / 2
    T = t[:, None]
    # incremental: a = (t - x) / (1 - x); the density of (x, t, s) is
    # f0(a, v) g(x) t / ((1 - x) a (1 - x^alpha)). The latent share v is positive only if
    # s t > x (1 - a) + x^alpha a >= x (1 - t) / (1 - x), i.e. x < X = s t / (1 - t + s t)
    # whatever alpha, so the nodes x = X y^2 (dx = 2 X y dy) cover (0, X), not (0, t):
    # fewer wasted nodes and no stretch of zeros inside the rule.
    X = T * s[:, None] / (1 - T + T * s[:, None])
    x = X * y**2
    a = (T - x) / (1 - x)
    fixed = np.log(2 * y * wy) + np.log(X) + np.log(T) - np.log1p(-x) - np.log(a) - np.log(a * (1 - a))
    # extreme fraud: counting noise of the latent clean rates at the typical clean rates
    # (the data's medians), since its latent turnout is far from the observed one
    mt, ms = np.median(t), np.median(s)
    nta = (1 / (R * mt * (1 - mt)))[:, None]
    nsv = (1 / (np.maximum(V * mt / t, 1) * ms * (1 - ms)))[:, None]
    # incremental fraud is small: its latent rates are near the observed ones, so it takes
    # the clean class's counting noise (each station's own, Cox's) and tends to the clean
    # density as x -> 0. (Noise at the data's median rates, as extreme fraud uses, biased
    # the likelihood against incremental fraud: at 300 voters a station, a true f_i = 0.3
    # scored 28 log-likelihood units below no incremental fraud, against +0.2 now.)
    inc = _nodes(np.arange(len(t)), a, x, fixed, nt[:, None], ns[:, None], True)
    # extreme (x > EXTREME_MIN, so t > EXTREME_MIN): integrated over the clean turnout a,
    # x = (t - a) / (1 - a); the density of (a, t, s) is f0(a, v) g_e(x) t / ((1 - a) a
    # (1 - x^alpha)). a < a_max = (t - x_min) / (1 - x_min), and v > 0 needs
    # a (1 - x^alpha) > t (1 - s), so a > a_min = t (1 - s) whatever alpha: the nodes are
    # a = a_min + (a_max - a_min) y. Stations with a_min >= a_max have no extreme density.
    amin_all = t * (1 - s)
    amax_all = (t - EXTREME_MIN) / (1 - EXTREME_MIN)
    rows = np.flatnonzero((t > EXTREME_MIN + 1e-9) & (amax_all > amin_all * (1 + 1e-9)))
    T = t[rows, None]
    amin, amax = amin_all[rows, None], amax_all[rows, None]
    a = amin + (amax - amin) * y
    x = (T - a) / (1 - a)
    fixed = (np.log((amax - amin) * wy) + np.log(T) - np.log1p(-a) - np.log(a) - np.log(a * (1 - a))
             + _log_g_extreme(x))
    ext = _nodes(rows, a, x, fixed, nta[rows], nsv[rows], False)
    return _Data(t, s, lt, ls, nt, ns, lc_fixed, np.asarray(group, np.int64), int(n_groups), inc, ext)


def _nodes(rows, a, x, fixed, nta, nsv, incremental) -> _Nodes:
    with np.errstate(divide="ignore"):
        lx = np.log(x)
    return _Nodes(rows, a, np.log(a / (1 - a)), nta, nsv, x, lx, fixed, incremental)


def _log_g_incremental(x, theta):
    """log density of the half-normal(theta) fraud size restricted to (0, 1)."""
    norm = np.log(special.ndtr(1 / theta) - 0.5)
    return -0.5 * (x / theta) ** 2 - np.log(theta) - _LOG_SQRT_2PI - norm


def _dlog_g_dlog_theta(x, theta):
    z = 1 / theta
    return (x / theta) ** 2 - 1 + z * stats.norm.pdf(z) / (special.ndtr(z) - 0.5)


def _log_g_extreme(x):
    """log density of 1 - |N(0, 0.075)| restricted to (EXTREME_MIN, 1)."""
    y = 1 - x
    top = (1 - EXTREME_MIN) / SD_EXTREME
    return -0.5 * (y / SD_EXTREME) ** 2 - np.log(SD_EXTREME) - _LOG_SQRT_2PI - np.log(special.ndtr(top) - 0.5)


def _margin_parts(e, noise, comp):
    """The clean mixture of one margin at ``e = logit - group median`` with counting
    variance ``noise``. Its log density is ``base + log(factor)`` with ``base`` the
    largest component's log term and ``factor`` in [1, K] (left unlogged so that the
    caller can multiply factors and take one log, or none: transcendental functions are
    most of the cost); also per component the responsibility ``r_k``, the standardised
    residual ``ez_k = (e - delta_k) / V_k`` and ``iv_k = 1 / V_k`` (``V_k = sd_k^2 +
    noise``)."""
    delta, sd, logw = comp
    K = len(delta)
    parts, ezs, ivs = [], [], []
    for k in range(K):
        iv = 1 / (sd[k] ** 2 + noise)
        ek = e - delta[k] if delta[k] != 0 else e
        ez = ek * iv
        parts.append((logw[k] + 0.5 * np.log(iv) - _LOG_SQRT_2PI) - 0.5 * ek * ez)
        ezs.append(ez)
        ivs.append(iv)
    if K == 1:
        return parts[0], 1.0, [1.0], ezs, ivs
    with np.errstate(under="ignore", over="ignore"):
        if K == 2:  # one exp: e^(-|p1 - p0|), clipped (exp below -708 takes numpy's slow path)
            diff = parts[1] - parts[0]
            ex = np.exp(np.maximum(-np.abs(diff), -700.0))
            factor = 1 + ex
            r1 = np.where(diff > 0, 1.0, ex) / factor
            return np.maximum(parts[0], parts[1]), factor, [1 - r1, r1], ezs, ivs
        m = np.maximum.reduce(parts)
        ex = [np.exp(np.maximum(z - m, -700.0)) for z in parts]
        tot = sum(ex)
        return m, tot, [z / tot for z in ex], ezs, ivs


def _margin(e, noise, comp, grad: bool):
    """log density of a logit-scale rate under the clean mixture of one margin at
    ``e = logit - group median``, with counting variance ``noise``; with ``grad`` the
    derivatives: d/d(median), d/d(noise) and the list of d/d(margin globals)."""
    base, factor, r, ezs, ivs = _margin_parts(e, noise, comp)
    L = base + np.log(factor) if len(ezs) > 1 else base
    if not grad:
        return L, None
    _, sd, logw = comp
    K = len(sd)
    qs = [ez * ez - iv for ez, iv in zip(ezs, ivs, strict=True)]
    dm = sum(r[k] * ezs[k] for k in range(K))
    dnoise = 0.5 * sum(r[k] * qs[k] for k in range(K))
    w = np.exp(logw)
    glob = ([r[k] * ezs[k] for k in range(1, K)] + [r[k] * qs[k] * sd[k] ** 2 for k in range(K)]
            + [r[k] - w[k] for k in range(1, K)])
    return L, (dm, dnoise, glob)


def _weighted_margin(rho, r, ezs, ivs, comp):
    """Node-averaged derivatives of one margin's log density under the weights ``rho``
    (rows sum to 1 or 0): d/d(median) then the margin's globals, each (n,); and the
    per-node d/d(median) (needed by the chain rule of the share margin)."""
    _, sd, logw = comp
    K = len(sd)
    w = np.exp(logw)
    A = [rho * rk for rk in r] if K > 1 else [rho]
    Aez = [a * ez for a, ez in zip(A, ezs, strict=True)]
    S_ez = [z.sum(1) for z in Aez]
    S_A = [a.sum(1) for a in A]
    # sum A (ez^2 - iv) with iv constant along the nodes of a station
    S_q = [(z * ez).sum(1) - (iv[:, 0] if np.ndim(iv) == 2 else iv) * sa
           for z, ez, iv, sa in zip(Aez, ezs, ivs, S_A, strict=True)]
    dm = sum(S_ez)
    tot = sum(S_A)
    glob = S_ez[1:] + [S_q[k] * sd[k] ** 2 for k in range(K)] + [S_A[k] - w[k] * tot for k in range(1, K)]
    per_node = sum(rk * ez for rk, ez in zip(r, ezs, strict=True)) if K > 1 else ezs[0]
    return dm, glob, per_node


def _class_terms(nd: _Nodes, lay: _Layout, rows: np.ndarray, sl: slice, par: dict, grad: bool, lt1s, lst):
    """log density under one fraud class of the stations ``rows`` (nodes ``sl``) and, with
    ``grad``, the node-averaged derivatives of the log integrand (n, P): the turnout and
    share medians first, then the globals."""
    g = rows
    al = par["alpha"]
    a, x, lx = nd.a[sl], nd.x[sl], nd.lx[sl]
    with np.errstate(divide="ignore", invalid="ignore", under="ignore", over="ignore"):
        q = np.exp(al * lx)
        omq = 1 - q
        aomq = a * omq
        v = (lst[:, None] - x * (1 - a) - q * a) / aomq
        ok = (v > 1e-12) & (v < 1 - 1e-12) & np.isfinite(nd.fixed[sl])
        v = np.where(ok, v, 0.5)
        omv = 1 - v
        lv = np.log(v / omv)
        bt, ft, rt, ezt, ivt = _margin_parts(nd.la[sl] - par["mt"][g][:, None], nd.nta[sl], par["t"])
        bs, fs, rs, ezs, ivs = _margin_parts(lv - par["ms"][g][:, None], nd.nsv[sl], par["s"])
        # log integrand = A + log(ft fs / (v (1 - v) (1 - q))): the max over nodes is taken
        # of A only (the factor lies in [1, 4] / (v (1 - v) (1 - q)), which cannot
        # overflow), so the node sum needs one exp per node and no log
        A = nd.fixed[sl] + bt + bs
        if nd.incremental:
            A = A + _log_g_incremental(x, par["theta"])
        A = np.where(ok, A, -np.inf)
        mx = np.max(A, axis=1)
        mx = np.where(np.isfinite(mx), mx, 0.0)
        u = v * omv
        ex = np.where(ok, np.exp(np.maximum(A - mx[:, None], -700.0)) * (ft * fs / (u * omq)), 0.0)
        tot = ex.sum(axis=1)
        with np.errstate(divide="ignore"):
            lse = np.log(tot) + mx
        if not grad:
            return lse, None
        rho = ex / np.where(tot > 0, tot, 1.0)[:, None]
        M = lay.n_margin
        out = np.zeros((len(g), 2 + 2 * M + 4))  # f_i and f_e columns are set by the caller
        dmt, gt, _ = _weighted_margin(rho, rt, ezt, ivt, par["t"])
        dms, gs, dms_node = _weighted_margin(rho, rs, ezs, ivs, par["s"])
        out[:, 0], out[:, 1] = dmt, dms
        for j, arr in enumerate(gt):
            out[:, 2 + j] = arr
        for j, arr in enumerate(gs):
            out[:, 2 + M + j] = arr
        # d log integrand / d log alpha: through v (share margin and its logit Jacobian)
        # and through -log(1 - q); the share margin's d/dlogit(v) is minus d/d(median)
        qlx = np.where(ok, q * lx, 0.0)
        dv = -qlx * lt1s[:, None] / (aomq * omq)
        dal = -(dms_node + (1 - 2 * v)) * dv / u + qlx / omq
        out[:, -2] = (rho * np.nan_to_num(dal)).sum(1) * al
        out[:, -1] = (rho * _dlog_g_dlog_theta(x, par["theta"])).sum(1) if nd.incremental else 0.0
    return lse, out


def _logsumexp_rows(z: np.ndarray) -> np.ndarray:
    m = np.max(z, axis=1)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", under="ignore"):
        return np.log(np.exp(z - m[:, None]).sum(axis=1)) + m


_THREADS: int | None = None  # threads of one evaluation; None: every core this process may use
_POOL: dict = {}


def _run_tasks(tasks: list) -> None:
    """Run ``func(*args)`` for every task, on a few threads (numpy's elementwise loops
    release the GIL on large arrays). Each task writes its own rows, so the result is the
    same whatever the number of threads."""
    n_threads = min(_THREADS or default_workers(), len(tasks))
    if n_threads <= 1:
        for func, args in tasks:
            func(*args)
        return
    key = (os.getpid(), n_threads)  # a forked child must not reuse its parent's threads
    if key not in _POOL:
        _POOL.clear()
        _POOL[key] = ThreadPoolExecutor(n_threads, thread_name_prefix="electionstats-fraud")
    for f in [_POOL[key].submit(func, *args) for func, args in tasks]:
        f.result()


def _chunks(n: int, m: int):
    step = max(1, _CHUNK_CELLS // max(m, 1))
    for lo in range(0, n, step):
        yield slice(lo, min(n, lo + step))


def _evaluate(d: _Data, lay: _Layout, p: np.ndarray, *, grad: bool = True, fraud: bool = True,
              scores: bool = False):
    """Log-likelihood and, with ``grad``, its gradient in the optimiser's coordinates.

    With ``scores`` also the per-station derivatives (n, 2 + globals): the station's own
    turnout and share medians, then the globals. Returns
    ``(loglik, gradient, per_station_scores, class_log_densities)``.
    """
    G, n = d.n_groups, d.n
    par = lay.unpack(p)
    pi0 = 1 - par["f_i"] - par["f_e"]
    P = lay.size - 2 * G + 2  # per-station columns
    if pi0 <= 1e-9:
        return -np.inf, np.zeros_like(p), None, None
    with np.errstate(divide="ignore"):
        lw = np.log([pi0, par["f_i"], par["f_e"]])
    use_fraud = fraud and (par["f_i"] > 0 or par["f_e"] > 0 or grad)
    M = lay.n_margin
    dens = np.full((n, 3), -np.inf)
    D = [np.zeros((n, P)) if grad else None for _ in range(3)]  # per class, per station

    def clean(sl):
        g = d.group[sl]
        Lt, dt_ = _margin(d.lt[sl] - par["mt"][g], d.nt[sl], par["t"], grad)
        Ls, ds_ = _margin(d.ls[sl] - par["ms"][g], d.ns[sl], par["s"], grad)
        dens[sl, 0] = d.lc_fixed[sl] + Lt + Ls
        if grad:
            D[0][sl, 0], D[0][sl, 1] = dt_[0], ds_[0]
            for j, arr in enumerate(dt_[2]):
                D[0][sl, 2 + j] = arr
            for j, arr in enumerate(ds_[2]):
                D[0][sl, 2 + M + j] = arr

    def fraudulent(c, nd, sl):
        rows = nd.rows[sl]
        t, s = d.t[rows], d.s[rows]
        lse, der = _class_terms(nd, lay, d.group[rows], sl, par, grad, t * (1 - s), s * t)
        dens[rows, c] = lse
        if grad:
            D[c][rows] = der

    # fixed chunks, each writing its own rows: the result does not depend on the threads
    tasks = []
    if use_fraud:
        for c, nd in ((1, d.inc), (2, d.ext)):
            tasks += [(fraudulent, (c, nd, sl)) for sl in _chunks(len(nd.rows), nd.a.shape[1])]
    tasks += [(clean, (sl,)) for sl in _chunks(n, 8 * lay.n_components)]
    _run_tasks(tasks)
    z = dens + lw
    lL = _logsumexp_rows(z)
    ll = float(lL.sum())
    if not grad:
        return ll, None, None, dens
    with np.errstate(under="ignore", invalid="ignore"):
        r = np.nan_to_num(np.exp(z - lL[:, None]))
        pc = np.nan_to_num(np.exp(dens - lL[:, None]))  # class density / mixture density
    S = r[:, 0:1] * D[0]
    if use_fraud:
        S += r[:, 1:2] * D[1] + r[:, 2:3] * D[2]
        S[:, -4] = pc[:, 1] - pc[:, 0]
        S[:, -3] = pc[:, 2] - pc[:, 0]
    gvec = np.concatenate([np.bincount(d.group, S[:, 0], minlength=G),
                           np.bincount(d.group, S[:, 1], minlength=G), S[:, 2:].sum(axis=0)])
    return ll, gvec, (S if scores else None), dens


def _optimise(d: _Data, lay: _Layout, p0: np.ndarray, free: np.ndarray, *, fraud: bool,
              maxiter: int = 400) -> tuple[np.ndarray, float]:
    """Maximise the log-likelihood over the parameters marked ``free`` (L-BFGS-B with the
    exact gradient; the others stay at ``p0``)."""
    n = d.n
    idx = np.flatnonzero(free)
    bounds = [b for b, f in zip(lay.bounds(), free, strict=True) if f]

    def fun(z):
        p = p0.copy()
        p[idx] = z
        ll, g, _, _ = _evaluate(d, lay, p, fraud=fraud)
        if not np.isfinite(ll):
            return 1e10, np.zeros(len(z))
        return -ll / n, -g[idx] / n

    lo, hi = np.array(bounds).T
    res = optimize.minimize(fun, np.clip(p0[idx], lo, hi), jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": maxiter, "ftol": 2e-3 / n, "gtol": 1e-5})
    p = p0.copy()
    p[idx] = res.x
    return p, -float(res.fun) * n


def _start(d: _Data, lay: _Layout, kind: str = "shifted") -> np.ndarray:
    """Clean starting values from robust moments (medians and MADs on the logit scale).

    ``kind='shifted'``: the components spread to both sides of the median (skew);
    ``'scale'``: all at the median with growing spreads (heavy tails)."""
    G, K = d.n_groups, lay.n_components
    order = np.argsort(d.group, kind="stable")
    cuts = np.flatnonzero(np.diff(d.group[order])) + 1
    mt, ms = np.zeros(G), np.zeros(G)
    for part in np.split(order, cuts):  # one median per group (a loop over groups)
        if len(part):
            mt[d.group[part[0]]] = np.median(d.lt[part])
            ms[d.group[part[0]]] = np.median(d.ls[part])
    margins = []
    for r, noise in ((d.lt - mt[d.group], d.nt), (d.ls - ms[d.group], d.ns)):
        sd = np.sqrt(max((1.4826 * np.median(np.abs(r))) ** 2 - np.median(noise), 0.02**2))
        # K components: the first at the median, the others spread to both sides
        if kind == "scale":
            margins += [0.0] * (K - 1) + [np.log(sd * 0.8 * 2.5**k) for k in range(K)] + [np.log(0.3)] * (K - 1)
        else:
            shifts = [sd * (1.0 if k % 2 else -1.0) * (1 + k // 2) for k in range(1, K)]
            margins += shifts + [np.log(sd)] * K + [np.log(0.25)] * (K - 1)
    return np.concatenate([mt, ms, margins, [0.0, 0.0, np.log(1.5), np.log(0.15)]])


_FRAUD_STARTS = tuple((fi, al, th) for fi in (0.05, 0.3) for al in (1.0, 2.5) for th in (0.07, 0.2))


def _fit(d: _Data, lay: _Layout, *, max_sub: int = 20_000) -> dict:
    """Fit the clean model and the fraud model; large elections are first fitted on an
    evenly spaced subsample (a deterministic warm start), then on every station."""
    if d.n > max_sub:
        first = _fit(d.take(np.linspace(0, d.n - 1, max_sub).round().astype(np.int64)), lay, max_sub=max_sub)
        p0, p1 = first["null"], first["full"]
    else:
        p0, p1 = None, None
    clean_free = np.ones(lay.size, dtype=bool)
    clean_free[lay.fraud_slice] = False
    if p0 is None:
        # the clean mixture has local optima (a component can settle on a handful of
        # outlying stations): two kinds of start, the better fit is kept
        kinds = ("shifted", "scale") if lay.n_components > 1 else ("shifted",)
        null, ll0 = max((_optimise(d, lay, _start(d, lay, k), clean_free, fraud=False) for k in kinds),
                        key=lambda r: r[1])
    else:
        null, ll0 = _optimise(d, lay, p0, clean_free, fraud=False)
    if p1 is None:
        # fraud starts from the clean fit, scored by the likelihood; the best is optimised
        fe0 = float(np.clip(np.mean((d.t > 0.9) & (d.s > 0.9)), 0.002, 0.3))
        best = -np.inf
        for fi, al, th in _FRAUD_STARTS:
            q = null.copy()
            q[lay.fraud_slice] = [fi, fe0, np.log(al), np.log(th)]
            ll = _evaluate(d, lay, q, grad=False)[0]
            if ll > best:
                best, p1 = ll, q
    full, ll1 = _optimise(d, lay, p1, np.ones(lay.size, dtype=bool), fraud=True)
    if ll1 < ll0:  # the fraud model nests the clean one
        full, ll1 = null.copy(), ll0
        full[lay.size - 4:lay.size - 2] = 0.0
    return {"null": null, "ll0": ll0, "full": full, "ll1": ll1}


# ---------------------------------------------------------------------------- information
def _information(d: _Data, lay: _Layout, p: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Observed information of the global parameters marked ``keep``, with the group
    medians profiled out (Schur complement). Second derivatives by forward differences
    of the exact per-station scores; the medians of all groups are moved at once (a
    station's score depends only on its own group's medians)."""
    G = d.n_groups
    nglob = lay.size - 2 * G
    _, _, S0, _ = _evaluate(d, lay, p, scores=True)
    bounds = lay.bounds()
    cols = 2 + nglob
    H = np.zeros((cols, cols))  # rows/cols: [mt, ms] (summed over groups), globals
    Hgg = np.zeros((G, 2, 2))  # per group, medians x medians
    Hgx = np.zeros((G, 2, nglob))  # per group, medians x globals
    for j in range(cols):
        q = p.copy()
        if j < 2:
            sl = slice(j * G, (j + 1) * G)
            h = 1e-4
            q[sl] += h
        else:
            i = 2 * G + j - 2
            h = 1e-4 * max(1.0, abs(p[i]))
            # step back instead when the step leaves a bound, or leaves no clean class
            # (f_i + f_e reaching 1: the likelihood is not defined there)
            f_sum = p[lay.size - 4] + p[lay.size - 3]
            if p[i] + h > bounds[i][1] or (i >= lay.size - 4 and i < lay.size - 2 and f_sum + h >= 1 - 1e-9):
                h = -h
            q[i] += h
        _, _, S1, _ = _evaluate(d, lay, q, scores=True)
        dS = (S1 - S0) / h
        if j < 2:
            Hgg[:, 0, j] = np.bincount(d.group, dS[:, 0], minlength=G)
            Hgg[:, 1, j] = np.bincount(d.group, dS[:, 1], minlength=G)
            for c in range(nglob):
                Hgx[:, j, c] += 0.5 * np.bincount(d.group, dS[:, 2 + c], minlength=G)
        else:
            c = j - 2
            Hgx[:, 0, c] += 0.5 * np.bincount(d.group, dS[:, 0], minlength=G)
            Hgx[:, 1, c] += 0.5 * np.bincount(d.group, dS[:, 1], minlength=G)
            H[2:, j] = dS[:, 2:].sum(axis=0)
    A = -0.5 * (H[2:, 2:] + H[2:, 2:].T)
    Dg = -0.5 * (Hgg + Hgg.transpose(0, 2, 1))
    Bg = -Hgx
    A = A[np.ix_(keep, keep)]
    Bg = Bg[:, :, keep]
    with np.errstate(all="ignore"):
        Dinv = np.linalg.pinv(Dg)
    return A - np.einsum("gai,gab,gbj->ij", Bg, Dinv, Bg)


def _fraud_intervals(d: _Data, lay: _Layout, p: np.ndarray, level: float) -> pd.DataFrame:
    """Estimates and intervals of f_i, f_e, alpha and theta from the observed information.

    Shares: logit-scale Wald intervals; when the estimate is within ``z`` standard errors
    of 0 the interval is ``[0, estimate + z se]`` instead (the boundary). ``alpha`` and
    ``theta``: log-scale Wald intervals; not identified (NaN) when their class is absent.
    """
    par = lay.unpack(p)
    names = lay.global_names()
    nglob = len(names)
    has_i = par["f_i"] > 1e-6
    has_e = par["f_e"] > 1e-6
    keep = np.ones(nglob, dtype=bool)
    if not (has_i or has_e):
        keep[-2:] = False
    elif not has_i:
        keep[-1] = False
    info = _information(d, lay, p, keep)
    # directions without information (flat likelihood, e.g. an unused clean component)
    # are held fixed; a parameter that lies mostly along one gets an infinite variance
    lam, vec = np.linalg.eigh(0.5 * (info + info.T))
    flat = lam <= 1e-9 * max(float(lam.max()), 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (vec[:, ~flat] ** 2 / lam[~flat]).sum(axis=1)
        var[(vec[:, flat] ** 2).sum(axis=1) > 0.01] = np.inf
    # a share whose variance is infinite only through the fraud shape (alpha, theta badly
    # determined, e.g. a handful of extreme stations) gets its variance given the shape
    kept = np.flatnonzero(keep)
    shape = np.isin(kept, [nglob - 2, nglob - 1])
    if np.isinf(var[~shape]).any() and (~shape).sum() > 0:
        sub = info[np.ix_(~shape, ~shape)]
        lam2, vec2 = np.linalg.eigh(0.5 * (sub + sub.T))
        if lam2.min() > 1e-9 * max(float(lam2.max()), 1e-300):
            cond = (vec2**2 / lam2).sum(axis=1)
            var[~shape] = np.where(np.isinf(var[~shape]), cond, var[~shape])
    se = np.full(nglob, np.nan)
    se[keep] = np.sqrt(var)
    z = stats.norm.ppf(0.5 + level / 2)
    rows = {}
    for name, key in (("f_i", -4), ("f_e", -3)):
        f, s = float(p[lay.size + key]), float(se[key])
        if not np.isfinite(s):
            rows[name] = (f, 0.0, 1.0, s)  # no information: every share is compatible
        elif f <= z * s:
            rows[name] = (f, 0.0, min(f + z * s, 1.0), s)
        else:
            sl = s / (f * (1 - f))
            rows[name] = (f, *special.expit(special.logit(f) + np.array([-z, z]) * sl), s)
    for name, key, ok in (("alpha", -2, has_i or has_e), ("theta", -1, has_i)):
        lv, s = float(p[lay.size + key]), float(se[key])
        if ok and np.isfinite(s):
            rows[name] = (np.exp(lv), np.exp(lv - z * s), np.exp(lv + z * s), np.exp(lv) * s)
        elif ok:  # estimated, but the likelihood is flat in this direction
            rows[name] = (np.exp(lv), *np.exp(lay.bounds()[key]), np.inf)
        else:
            rows[name] = (np.nan, np.nan, np.nan, np.nan)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "low", "high", "std_error"])
    return out


def _clean_rows(d: _Data, lay: _Layout, p: np.ndarray) -> pd.DataFrame:
    """Point summaries of the clean model (its medians and spreads, on the rate scale)."""
    par = lay.unpack(p)
    w_groups = np.bincount(d.group, minlength=d.n_groups) / d.n
    rows = {}
    for name, med, comp in (("tau", par["mt"], par["t"]), ("nu", par["ms"], par["s"])):
        delta, sd, logw = comp
        w = np.exp(logw)
        mean = float((w_groups * med).sum() + (w * delta).sum())
        var = float((w * (sd**2 + delta**2)).sum() - ((w * delta).sum()) ** 2
                    + (w_groups * (med - (w_groups * med).sum()) ** 2).sum())
        rows[name] = (float(special.expit(mean)),)
        rows[f"sd_{name}"] = (float(np.sqrt(var)),)
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate"])
    for c in ("low", "high", "std_error"):
        out[c] = np.nan
    return out


_DESCRIPTIONS = {
    "f_i": "share of stations with incremental fraud",
    "f_e": "share of stations with extreme fraud",
    "alpha": "stealing exponent (x**alpha of the other votes moved)",
    "theta": "scale of the incremental fraud magnitude",
    "tau": "clean turnout at the centre of the clean model (no interval: nuisance)",
    "nu": "clean leader share at the centre of the clean model (no interval: nuisance)",
    "sd_tau": "between-station sd of clean turnout, logit scale (no interval: nuisance)",
    "sd_nu": "between-station sd of clean leader share, logit scale (no interval: nuisance)",
}


# ---------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, eq=False)
class FraudModelResult(TableResult):
    """Fit of the Klimek fraud model, with the test of "no fraud".

    ``table`` (also ``estimates``) has one row per parameter: ``estimate``, ``low`` and
    ``high`` at ``confidence_level``, ``std_error`` and ``description``. ``statistic`` is
    the likelihood-ratio statistic of no fraud (``f_i = f_e = 0``) and ``pvalue`` its
    p-value (``pvalue_method`` says how it was computed); ``posterior`` holds every
    used station's posterior probability of each class (clean, incremental, extreme).
    """

    statistic: float = float("nan")
    pvalue: float = float("nan")
    posterior: pd.DataFrame = dataclasses.field(default=None, repr=False)
    confidence_level: float = 0.9
    log_likelihood: float = float("nan")
    log_likelihood_null: float = float("nan")
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    party: str = ""
    turnout_definition: str = ""
    by: str = ""
    n_groups: int = 1
    clean_components: int = 2
    pvalue_method: str = ""
    preset: str = "likelihood"
    _registered: np.ndarray = dataclasses.field(default=None, repr=False)
    _turnout: np.ndarray = dataclasses.field(default=None, repr=False)
    _share: np.ndarray = dataclasses.field(default=None, repr=False)
    _fit_turnout: np.ndarray = dataclasses.field(default=None, repr=False)
    _fit_share: np.ndarray = dataclasses.field(default=None, repr=False)

    method: ClassVar[str] = "Klimek fraud model (maximum marginal likelihood)"
    citations: ClassVar[tuple[str, ...]] = ("klimek2012", "mebane2016")
    null_hypothesis: ClassVar[str] = (
        "no station is fraudulent (no incremental and no extreme ballot stuffing or vote stealing)"
    )
    caveat: ClassVar[str] = (
        "The model explains any dependence between clean turnout and the leader's share, "
        "and a cluster near 100 % turnout and 100 % for the leader, by ballot stuffing and "
        "vote stealing. Other causes (regions or kinds of station that differ, a leader who "
        "is strongest where turnout is high) look the same to it; a positive fraud share is "
        "a reason to look closer, not proof of fraud."
    )
    formats: ClassVar[dict[str, str]] = {"estimate": "number", "low": "number", "high": "number",
                                         "std_error": "number", "description": "text"}

    @property
    def estimates(self) -> pd.DataFrame:
        """The parameter table (the same as ``table``)."""
        return self.table

    @property
    def station_probabilities(self) -> pd.DataFrame:
        """Alias of ``posterior`` (the name of earlier versions)."""
        return self.posterior

    @property
    def f_i(self) -> float:
        return self.estimate("f_i")

    @property
    def f_e(self) -> float:
        return self.estimate("f_e")

    @property
    def alpha(self) -> float:
        return self.estimate("alpha")

    def estimate(self, name: str) -> float:
        """The point estimate of one parameter (e.g. ``'f_i'``)."""
        return float(self.table.loc[name, "estimate"])

    def _summary_items(self) -> list[tuple[str, Any]]:
        return [
            ("Stations used", f"{self.n:,}"),
            ("Stations left out", f"{self.n_excluded:,}" + (f" ({self.excluded_reason})" if self.n_excluded else "")),
            ("Party", self.party),
            ("Turnout", self.turnout_definition),
            ("Incremental fraud, share of stations", f"{100 * self.f_i:.1f} %"),
            ("Extreme fraud, share of stations", f"{100 * self.f_e:.2f} %"),
            ("Test of no fraud: likelihood ratio", f"{self.statistic:,.2f}"),
            ("p-value", self.pvalue),
            ("p-value from", self.pvalue_method),
        ]

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Goodness of fit: the data's fingerprint next to one simulated from the fit.

        ``ax`` may be a pair of Axes; returns the pair. See
        :func:`electionstats._plot_fraud.plot_fraud_fit`.
        """
        from ._plot_fraud import plot_fraud_fit

        return plot_fraud_fit(self, ax=ax, **kwargs)


# ---------------------------------------------------------------------------- simulation from a fit
def _draw_clean(g: np.random.Generator, lay: _Layout, p: np.ndarray, group: np.ndarray):
    """Clean turnout and share of every station drawn from the fitted clean model."""
    par = lay.unpack(p)
    n = len(group)
    out = []
    for med, (delta, sd, logw) in ((par["mt"], par["t"]), (par["ms"], par["s"])):
        k = g.choice(len(delta), size=n, p=np.exp(logw) / np.exp(logw).sum())
        out.append(special.expit(med[group] + delta[k] + sd[k] * g.standard_normal(n)))
    return out


def _draw_counts(g: np.random.Generator, lay: _Layout, p: np.ndarray, group, R, ratio, fraud: bool):
    """Counts (ballots, valid, leader) of an election of the same stations from the fit."""
    a, v = _draw_clean(g, lay, p, group)
    par = lay.unpack(p)
    n = len(R)
    B = g.binomial(R, a)
    if fraud and (par["f_i"] > 0 or par["f_e"] > 0):
        u = g.random(n)
        cls = np.where(u < par["f_i"], 1, np.where(u < par["f_i"] + par["f_e"], 2, 0))
        x = np.zeros(n)
        th = par["theta"]
        x[cls == 1] = np.minimum(th * special.ndtri(0.5 + g.random(int((cls == 1).sum())) * (special.ndtr(1 / th) - 0.5)), 1 - 1e-9)
        top = special.ndtr((1 - EXTREME_MIN) / SD_EXTREME) - 0.5
        x[cls == 2] = 1 - SD_EXTREME * special.ndtri(0.5 + g.random(int((cls == 2).sum())) * top)
        V0 = np.round(B * ratio).astype(np.int64)
        W0 = g.binomial(V0, v)
        stuffed = g.binomial(R - B, x)
        stolen = g.binomial(V0 - W0, np.where(cls > 0, x, 0.0) ** par["alpha"])
        return B + stuffed, V0 + stuffed, W0 + stuffed + stolen
    V = np.round(B * ratio).astype(np.int64)
    return B, V, g.binomial(V, v)


def _bootstrap_chunk(g: np.random.Generator, k: int, lay, null, group, R, ratio, n_nodes) -> np.ndarray:
    global _THREADS
    _THREADS = 1  # runs on a process pool that already uses every core
    out = np.empty(k)
    for i in range(k):  # replicates of one chunk (each a whole refit)
        B, V, W = _draw_counts(g, lay, null, group, R, ratio, fraud=False)
        d = _prepare(R, B, np.maximum(V, 1), np.minimum(W, np.maximum(V, 1)), group, lay.n_groups, n_nodes)
        fb = _fit(d, lay)
        out[i] = max(0.0, 2 * (fb["ll1"] - fb["ll0"]))
    return out


# ---------------------------------------------------------------------------- public fit
def _station_rates(election: Election, party: str | None, turnout: str | None, *, net_invalid: bool = False):
    """Counts of the fit. With ``net_invalid`` and turnout counted as valid votes, the
    registered voters are net of invalid ballots: stuffers can only use the voters who
    did not come (registered minus every ballot of a real voter), and with stuffed
    ballots valid, ``valid / (registered - invalid)`` is the turnout the fraud map moves
    exactly (``t = a + x (1 - a)``). With ``registered`` instead, invalid ballots bias
    the stealing exponent (a simulated alpha = 2 with 2 % invalid ballots was estimated
    at 1.27, and 2.00 without them)."""
    if not isinstance(election, Election):
        raise TypeError(f"`election` must be an electionstats Election (got {type(election).__name__}).")
    party = election.resolve_party(party)
    if "registered" not in election.roles:
        raise ValueError("the fraud model needs registered voters per station (role `registered`).")
    if "valid" not in election.roles:
        raise ValueError("the fraud model needs the valid votes per station (role `valid`).")
    turnout = TURNOUT_NUMERATOR if turnout is None else election.resolve_turnout(turnout)
    R = R0 = election.counts("registered").astype(np.int64)
    B = election.counts(turnout).astype(np.int64)
    V = election.counts("valid").astype(np.int64)
    W = election.counts(party).astype(np.int64)
    reasons = np.full(len(R), "", dtype=object)
    if net_invalid and turnout == "valid" and "invalid" in election.roles:
        inv = election.counts("invalid").astype(np.int64)
        reasons[inv < 0] = "negative invalid ballots"
        R = R - np.maximum(inv, 0)
        reasons[(reasons == "") & (B > R)] = "valid + invalid above registered"
    reasons[(reasons == "") & (V == 0)] = "no valid votes"
    reasons[(R0 == 0)] = "no registered voters"
    reasons[(reasons == "") & (B > R)] = f"{turnout} above registered"
    reasons[(reasons == "") & (W > V)] = f"{party} above valid votes"
    reasons[(reasons == "") & (V > B)] = f"valid votes above {turnout}"
    bad = reasons != ""
    return party, turnout, R, B, V, W, bad, reasons


#: A fit that leaves less than this share of stations clean has lost its clean class.
_MIN_CLEAN = 0.01


def _warn_no_clean_class(table: pd.DataFrame) -> None:
    """Warn when the fit leaves (almost) no station clean: incremental fraud of small
    size then stands in for the clean class, and the data do not determine f_i."""
    f_i, f_e = table.loc["f_i", "estimate"], table.loc["f_e", "estimate"]
    if 1 - f_i - f_e >= _MIN_CLEAN:
        return
    low, high = table.loc["f_i", ["low", "high"]]
    warnings.warn(
        f"the fit leaves {1 - f_i - f_e:.2%} of the stations clean and puts {f_i:.1%} in the "
        f"incremental-fraud class: incremental fraud of small size (scale "
        f"{table.loc['theta', 'estimate']:.2f}) has taken the place of the clean class, so these "
        f"data do not say how many stations had incremental fraud (its interval is {low:.0%} to "
        f"{high:.0%}); the extreme-fraud share is still estimated, and the no-fraud test still "
        "applies.",
        ModelFitWarning,
        stacklevel=3,
    )


def _warn_excluded(bad: np.ndarray, reasons: np.ndarray, what: str) -> None:
    if bad.any():
        counts = pd.Series(reasons[bad]).value_counts()
        text = "; ".join(f"{k} ({v:,})" for k, v in counts.items())
        warnings.warn(
            f"{int(bad.sum()):,} stations left out of {what}: {text}.",
            SmallSampleWarning if bad.mean() > 0.5 else DataQualityWarning,
            stacklevel=3,
        )


def fit_fraud_model(
    election: Election,
    *,
    party: str | None = None,
    turnout: str | None = None,
    by: str | None = None,
    clean_components: int = 2,
    confidence_level: float = 0.9,
    n_resamples: int = 0,
    n_nodes: int = 32,
    preset: str | None = None,
    rng: Any = None,
) -> FraudModelResult:
    """Fit the Klimek fraud model by maximum marginal likelihood and test "no fraud".

    Every station is clean (probability ``1 - f_i - f_e``), incrementally fraudulent
    (``f_i``) or extremely fraudulent (``f_e``). Fraud of size ``x`` maps a station's
    clean turnout ``a`` and leader share ``v`` to the observed ``t = a + x (1 - a)`` and
    ``s = [a v + x (1 - a) + x^alpha a (1 - v)] / t`` (a share ``x`` of the non-voters
    stuffed for the leader, a share ``x^alpha`` of the other votes moved to the leader);
    ``x`` is half-normal with scale ``theta`` for incremental fraud and
    ``1 - |N(0, 0.075)|`` (above 0.7) for extreme fraud, as in Klimek et al. (2012).

    **Identifying assumption.** A clean station's turnout and leader share are
    *independent* (within each group of ``by``), as in Klimek et al.'s model, where clean
    turnout and share are independent normals and fraud alone makes them move together.
    Each margin is on the logit scale a mixture of ``clean_components`` normals (so a
    skewed or heavy-tailed clean turnout or share is not read as fraud), plus each
    station's binomial counting noise. Fraud is what the independent clean model cannot
    produce: stations displaced *jointly* toward higher turnout and a higher leader share
    along the fraud map, and a cluster near (100 %, 100 %). A real election whose clean
    turnout and leader share depend on each other (the leader strongest where turnout is
    high, for reasons other than fraud) violates the assumption, and the model then
    reports fraud; ``by=`` removes dependence that comes from regions that differ.

    The likelihood of each station integrates ``x`` out with a fixed Gauss-Legendre rule
    (vectorised over stations and nodes) and is maximised with its exact gradient by
    L-BFGS-B; elections of more than 20,000 stations start from a fit on an evenly spaced
    subsample.

    Parameters
    ----------
    election : Election
        Station table with registered voters, valid votes and the party.
    party : str, optional
        The party suspected of benefiting; default the election's leader.
    turnout : str, optional
        Numerator of turnout (denominator: registered). Default ``'valid'``: in the
        model stuffed ballots are valid votes for the leader, so share and turnout count
        the same ballots; the denominator is then the registered voters net of invalid
        ballots (when the table has them), since a stuffer can only use the voters who
        did not come: ``valid / (registered - invalid)`` is the turnout that the fraud
        map moves exactly.
    by : str, optional
        A region level: the clean medians of turnout and share differ between its units
        (the clean spreads and the fraud parameters are shared). Use it when regions
        differ; without it, regional differences that happen to go together count as
        fraud.
    clean_components : int
        Normals in each clean margin (1 is the published model's single normal).
    confidence_level : float
        Of the intervals (default 0.9).
    n_resamples : int
        0 (default): the p-value of no fraud is read from the 50:50 mixture of chi-square
        distributions with 1 and 2 degrees of freedom (see Notes). A positive number:
        parametric bootstrap from the fitted clean model (each replicate refits both
        models; runs on every core).
    n_nodes : int
        Quadrature nodes per fraud class.
    preset : {None, 'klimek2012'}
        ``'klimek2012'`` runs the published grid procedure instead (see
        :func:`fit_klimek2012`).
    rng : None, int or numpy.random.Generator
        Randomness of the bootstrap and of the simulated fingerprint of the figure.

    Returns
    -------
    FraudModelResult
        ``estimates`` (one row per parameter: ``estimate``, ``low``, ``high``), the test
        (``statistic``, ``pvalue``), ``posterior`` (per station) and ``plot()``.

    Notes
    -----
    Intervals of ``f_i`` and ``f_e`` come from the observed information (second
    derivatives of the log-likelihood, the clean medians profiled out), on the logit
    scale; an estimate within ``z`` standard errors of 0 gets the interval
    ``[0, estimate + z se]``. ``alpha`` and ``theta`` get log-scale intervals and are NaN
    when their fraud class is absent (they are then not identified). When the fraud shape
    is not determined (a handful of fraudulent stations) the shares' intervals are
    computed given the fitted ``alpha`` and ``theta``; a share with no information at all
    gets ``[0, 1]``.

    Incremental fraud of small size is weakly identified, and this is a limit of the data,
    not of the optimiser, its starts or its bounds: with ``theta = 0.1`` a fraudulent
    station moves about 3 points in turnout and 3 in the leader's share, and with
    ``alpha = 2`` hardly any votes are stolen. The flexible clean margins absorb what such
    fraud does to each margin, so only the dependence it adds identifies it: among the
    non-extreme stations of a simulated election with ``f_i = 0.3`` the correlation of
    turnout and share is 0.02-0.03 (0.005 among the clean ones), worth about
    ``n rho^2 / 2``, a few log-likelihood units, at 10,000 stations. Measured: with huge
    stations (no counting noise) and the fit's own clean family the true ``f_i = 0.3``
    scores only 3.1 log-likelihood units above no incremental fraud, so a fit at 0 and
    an interval that misses 0.3 are expected often; with the simulator's beta-shaped
    clean spreads, which the logit-normal mixture only approximates, such weak fraud can
    score below none. ``f_i`` and ``theta`` also trade off (many stations stuffed a
    little look like a few stuffed more). At the far end of that trade-off the fit can
    leave no station clean (``f_i + f_e`` next to 1: incremental fraud of small scale
    stands in for the clean class, as on Russia 2012's stations); a
    :class:`~electionstats.warnings.ModelFitWarning` then says that ``f_i`` is not
    determined. ``f_e`` is much better determined. Coverage of the 90 % intervals on
    simulated elections of 10,000 stations (f_i in {0, 0.1, 0.3}, f_e in {0, 0.02, 0.05},
    alpha in {1, 2}, 50 replicates each): ``f_e`` 78-100 %; ``f_i`` at least 80 % in 14 of
    the 18 settings, 66-76 % in the other four, often with an interval of nearly [0, 1].
    The intervals come from the curvature at the estimate, and where the likelihood is
    flat in f_i they are too narrow (at f_i = 0.3, alpha = 1 the estimates spread with sd
    0.11 against standard errors near 0.055; a sandwich estimate gives the same): read an
    informative f_i interval as a lower bound on its width.
    ``scripts/results/fraud_recovery.md``.

    Three faults found while checking identification were fixed in this version: the
    extreme-fraud density carried a spurious factor ``t``; invalid ballots biased
    ``alpha`` (a true 2 was estimated at 1.27 with 2 % invalid ballots; the turnout
    denominator is now net of them); and the incremental class used counting noise at
    the data's median rates, which biased the likelihood against incremental fraud (at
    300 voters a station a true ``f_i = 0.3`` scored 28 log-likelihood units below
    none; now it is level with none).

    The likelihood-ratio statistic of ``f_i = f_e = 0`` has its null on the boundary of
    the parameter space (Self & Liang 1987) and ``alpha`` and ``theta`` vanish under the
    null, so no chi-square law holds: the score of ``f_e`` is very skewed (clean
    stations seldom come near the extreme corner), and the statistic is 0 or close to it
    in most clean elections. The default reference ``0.5 chi2(1) + 0.5 chi2(2)`` is
    therefore conservative; ``n_resamples`` gives a parametric-bootstrap Monte Carlo test
    from the fitted clean model, whose size is at most nominal when the clean model is
    right (with ``n_resamples = 19`` its p-values are multiples of 0.05). Measured on
    simulated clean elections of 10,000 stations over six clean shapes, the default
    rejected 0 of 238 at 5 % (the statistic was 0 in 63 % of them, its 95 % quantile
    0.31): **the default p-value is not calibrated; it is conservative**. The bootstrap
    rejected 2 of 14 clean elections of 1,000 stations, too few to call it calibrated.
    Details: ``scripts/results/fraud_size.md`` and ``fraud_size_bootstrap.md``.

    Stations with no registered voters or no valid votes, or with more ballots than
    registered voters, more valid votes than ballots or more leader votes than valid
    votes, cannot be mapped by the model: they are left out, counted in ``n_excluded``
    with the reasons, and a warning says so.

    The model also assumes that a station's register is fixed before the vote. Where
    voters are registered on the day (care homes, hospitals, prisons, stations abroad or on
    ships), a turnout near 100 % and a near-unanimous vote are legitimate, and such stations
    sit exactly where the model puts extreme fraud. Poland's 2020 first round, the clean
    control among the registered data sets, shows it: on every station the extreme class
    holds about 5 stations (f_e = 0.00018) and "no fraud" is rejected (p = 0.0005), but 4.5
    of the 4.7 expected extreme stations are care homes and 0.18 hospitals; on the 25,432
    ordinary stations (``e.subset(e.data["station_type"] == "stały", reason=...)``) the fit
    gives f_i = f_e = 0 and p = 0.97. Look at ``posterior`` before reading a small f_e as
    fraud, and fit again without the special stations when the data say which they are.

    A station's posterior class probabilities (``posterior``) are what Mebane's
    eforensics reports as ``piZi``, here computed exactly from the fitted mixture instead
    of by MCMC.

    Not in the shipped calibration tables (``es.calibration_table('kazakhstan')``); the
    script ``scripts/fraud_recovery.py size`` measures its size. One fit took 4-9 s of
    CPU at 10,000 stations and 116 s at 100,000 (measured under load on a shared 2-core
    machine; ``benchmarks/bench_fraud.py``); stations are evaluated in fixed chunks on
    one thread per core, with identical results for any number of threads.

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of
    systematic election irregularities. PNAS 109(41), 16469-16473.
    https://doi.org/10.1073/pnas.1210722109

    Mebane, W. R. (2016). Election forensics: frauds tests and observation-level frauds
    probabilities. Midwest Political Science Association meeting, Chicago.

    Self, S. G. & Liang, K.-Y. (1987). JASA 82(398), 605-610.
    https://doi.org/10.1080/01621459.1987.10478472

    Examples
    --------
    >>> import electionstats as es
    >>> sim = es.simulate_election(1000, fraud=es.KlimekFraud(0.0, 0.05), rng=4)
    >>> fit = es.fit_fraud_model(sim.election, rng=1)
    >>> low, high = fit.estimates.loc["f_e", ["low", "high"]]
    >>> bool(low < 0.05 < high)
    True
    >>> bool(fit.pvalue < 0.001)
    True
    """
    level = check_confidence_level(confidence_level)
    if preset is not None:
        if preset != "klimek2012":
            raise ValueError(f"`preset` must be None or 'klimek2012' (got {preset!r}).")
        return fit_klimek2012(election, party=party, turnout=turnout, rng=rng)
    if isinstance(n_nodes, bool) or not isinstance(n_nodes, numbers.Integral) or not 8 <= n_nodes <= 400:
        raise ValueError(f"`n_nodes` must be an integer from 8 to 400 (got {n_nodes!r}).")
    n_resamples = check_n_resamples(n_resamples, allow_zero=True)
    if (isinstance(clean_components, bool) or not isinstance(clean_components, numbers.Integral)
            or not 1 <= clean_components <= 4):
        raise ValueError(f"`clean_components` must be an integer from 1 to 4 (got {clean_components!r}).")
    gen = check_rng(rng)
    party, turnout, R, B, V, W, bad, reasons = _station_rates(election, party, turnout, net_invalid=True)
    netted = turnout == "valid" and "invalid" in election.roles
    _warn_excluded(bad, reasons, "the fraud model")
    keep = ~bad
    if keep.sum() < 50:
        raise ValueError(f"the fraud model needs at least 50 usable stations (got {int(keep.sum())}).")
    codes, labels = election.group_keys(by)
    codes = codes[keep]
    used, codes = np.unique(codes, return_inverse=True)
    G = len(used)
    alone = np.bincount(codes, minlength=G)[codes] == 1
    if by is not None and alone.any():
        warnings.warn(
            f"{int(alone.sum()):,} stations are the only station of their `by`={by!r} unit "
            f"(of {G:,} units): a unit's clean medians are fitted to its stations, so such a "
            "station is called clean whatever its numbers (posterior fraud probability near 0) "
            "and adds nothing to the fraud shares. Merge small units or use a higher level.",
            SmallSampleWarning,
            stacklevel=2,
        )
    R, B, V, W = R[keep], B[keep], V[keep], W[keep]
    lay = _Layout(G, int(clean_components))
    d = _prepare(R, B, V, W, codes, G, int(n_nodes))
    fit = _fit(d, lay)
    lr = max(0.0, 2 * (fit["ll1"] - fit["ll0"]))
    ratio = V / np.maximum(B, 1)
    if n_resamples:
        stats_b = np.concatenate(map_chunks(
            _bootstrap_chunk, int(n_resamples), chunk_size=1, rng=gen,
            args=(lay, fit["null"], codes, R, ratio, int(n_nodes)),
            desc="fraud model bootstrap"))
        pvalue = (1 + int((stats_b >= lr - 1e-9).sum())) / (1 + int(n_resamples))
        pmethod = f"parametric bootstrap from the fitted clean model ({int(n_resamples):,} elections)"
    else:
        pvalue = float(0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2)) if lr > 0 else 1.0
        pmethod = "likelihood ratio, 50:50 mixture of chi-square with 1 and 2 degrees of freedom"
    table = pd.concat([_fraud_intervals(d, lay, fit["full"], level), _clean_rows(d, lay, fit["full"])])
    table.index.name = "parameter"
    _warn_no_clean_class(table)
    tau, nu = float(table.loc["tau", "estimate"]), float(table.loc["nu", "estimate"])
    if tau > EXTREME_MIN and nu > EXTREME_MIN:
        warnings.warn(
            f"the clean model is centred at turnout {tau:.1%} and {party} {nu:.1%}, inside the "
            f"corner that extreme fraud produces (turnout above {EXTREME_MIN:.0%} and the "
            "party near 100%): clean and extremely fraudulent stations cannot be told apart "
            "there, so a small f_e is not evidence of no fraud.",
            ModelFitWarning,
            stacklevel=2,
        )
    table["description"] = [_DESCRIPTIONS[k] for k in table.index]
    _, _, _, dens = _evaluate(d, lay, fit["full"], grad=False)
    par = lay.unpack(fit["full"])
    with np.errstate(divide="ignore"):
        z = dens + np.log([max(1 - par["f_i"] - par["f_e"], 1e-300), par["f_i"], par["f_e"]])
    post = np.exp(z - special.logsumexp(z, axis=1, keepdims=True))
    probs = pd.DataFrame(post, columns=list(_CLASSES), index=election.data.index[keep])
    Bf, Vf, Wf = _draw_counts(gen, lay, fit["full"], codes, R, ratio, fraud=True)
    return FraudModelResult(
        table=table,
        statistic=lr,
        pvalue=float(pvalue),
        posterior=probs,
        confidence_level=level,
        log_likelihood=float(fit["ll1"]),
        log_likelihood_null=float(fit["ll0"]),
        n=int(keep.sum()),
        n_excluded=int(bad.sum()),
        excluded_reason="; ".join(sorted(set(reasons[bad]))),
        party=party,
        turnout_definition=f"{turnout} / (registered - invalid)" if netted else f"{turnout} / registered",
        by="" if by is None else str(by),
        n_groups=G,
        clean_components=int(clean_components),
        pvalue_method=pmethod,
        preset="likelihood",
        _registered=R,
        _turnout=B / R,
        _share=W / V,
        _fit_turnout=Bf / R,
        _fit_share=np.divide(Wf, Vf, out=np.zeros(len(R)), where=Vf > 0),
    )

# ---------------------------------------------------------------------------- published grid
def _kde_mode(x: np.ndarray, lower: float = 0.3) -> float:
    grid = np.linspace(lower, 1.0, 701)
    sample = x if len(x) <= 20_000 else np.quantile(x, np.linspace(0, 1, 20_000))
    dens = stats.gaussian_kde(sample)(grid)
    return float(grid[np.argmax(dens)])


def fit_klimek2012(
    election: Election,
    *,
    party: str | None = None,
    turnout: str | None = None,
    n_iterations: int = 10,
    min_registered: int = 100,
    rng: Any = None,
) -> FraudModelResult:
    """The published grid procedure of Klimek et al. (2012), for comparison with papers.

    Clean parameters by heuristics (Kobak's corrected version: modes of kernel density
    estimates above 30 %, one-sided spreads below the modes, ``theta`` as the fourth
    root of the mean squared distance of shares above the modal share); then for every
    ``f_i`` in {0, 0.2, ..., 1}, ``f_e`` in {0, 0.1, 0.2, 0.3} and ``alpha`` in {0.5, 1}
    one election is simulated with the real station sizes, and the triple whose
    leader-share histogram (1 pp bins) is closest to the data's by
    ``sum(((H_sim - H_obs) / (H_obs + 1)) ** 2)`` is kept (the mean of ties). This is
    repeated ``n_iterations`` times; the estimates are the means, the intervals mean +/-
    1.645 sd, and the p-value the one-sided normal tail of ``(f_i + f_e)`` mean / sd, as
    in the Election Forensics Toolkit. Not a calibrated test.

    Parameters
    ----------
    election : Election
    party, turnout : str, optional
        As in :func:`fit_fraud_model`.
    n_iterations : int
        Repetitions of the grid search (Klimek's 10).
    min_registered : int
        Stations with fewer registered voters are left out (Klimek's 100).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    FraudModelResult
        With ``preset='klimek2012'``; the posterior probabilities are not computed (NaN).

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). PNAS 109(41), 16469-16473.
    https://doi.org/10.1073/pnas.1210722109

    Examples
    --------
    >>> import electionstats as es
    >>> sim = es.simulate_election(3000, fraud=es.KlimekFraud(0.4, 0.1), rng=4)
    >>> fit = es.fit_fraud_model(sim.election, preset="klimek2012", rng=1)
    >>> fit.preset, bool(fit.estimate("f_e") > 0)
    ('klimek2012', True)
    """
    gen = check_rng(rng)
    party, turnout, R, B, V, W, bad, reasons = _station_rates(election, party, turnout)
    small = (~bad) & (R < min_registered)
    reasons[small] = f"fewer than {min_registered} registered"
    bad = bad | small | ((~bad) & (W == 0))
    reasons[(reasons == "") & bad] = "no votes for the party"
    keep = ~bad
    _warn_excluded(bad, reasons, "Klimek et al.'s grid (their filters)")
    R, B, V, W = R[keep].astype(float), B[keep], V[keep], W[keep]
    t, s = B / R, W / V
    if t.size < 2 or np.ptp(t) == 0 or np.ptp(s) == 0:
        what = (f"only {t.size} usable station(s)" if t.size < 2 else
                "turnout is the same at every usable station" if np.ptp(t) == 0 else
                f"the share of {party!r} is the same at every usable station")
        raise ValueError(
            f"fit_klimek2012 needs turnout and vote shares that vary between stations (the "
            f"modes are kernel density estimates); here {what}. Pass an election with more "
            "stations or another `party`."
        )
    tau, nu = _kde_mode(t), _kde_mode(s)
    sd_nu = float(np.sqrt(np.mean((s[s < nu] - nu) ** 2)))
    below = (t < tau) & (s < nu)
    sd_tau = float(np.sqrt(np.mean((t[below] - tau) ** 2))) if below.any() else float(np.std(t))
    above = s > nu
    theta = float(np.mean((s[above] - nu) ** 2) ** 0.25) if above.any() else 0.1
    grid = [(fi, fe, al) for fi in np.round(np.arange(0, 1.01, 0.2), 1) for fe in (0.0, 0.1, 0.2, 0.3)
            for al in (0.5, 1.0) if fi + fe <= 1 + 1e-9]
    g = np.array(grid)
    edges = np.linspace(0, 1, 101)
    h_obs = np.histogram(s, bins=edges)[0]
    n = len(R)
    picks = []
    for child in gen.spawn(int(n_iterations)):
        m = len(g)
        lo_t, hi_t = special.ndtr(-tau / sd_tau), special.ndtr((1 - tau) / sd_tau)
        a = tau + sd_tau * special.ndtri(np.clip(lo_t + child.random((m, n)) * (hi_t - lo_t), 1e-16, 1 - 1e-16))
        lo_s, hi_s = special.ndtr(-nu / sd_nu), special.ndtr((1 - nu) / sd_nu)
        v = nu + sd_nu * special.ndtri(np.clip(lo_s + child.random((m, n)) * (hi_s - lo_s), 1e-16, 1 - 1e-16))
        u = child.random((m, n))
        fi, fe, al = g[:, 0:1], g[:, 1:2], g[:, 2:3]
        inc = u < fi
        ext = (u >= fi) & (u < fi + fe)
        top = special.ndtr(1 / theta) - 0.5
        x = np.where(inc, theta * special.ndtri(0.5 + child.random((m, n)) * top), 0.0)
        top_e = special.ndtr(1 / SD_EXTREME) - 0.5
        x = np.where(ext, 1 - SD_EXTREME * special.ndtri(0.5 + child.random((m, n)) * top_e), x)
        ballots = a + x * (1 - a)
        votes = a * v + x * (1 - a) + x**al * a * (1 - v)
        share = votes / ballots
        idx = np.clip(np.searchsorted(edges, share, side="right") - 1, 0, 99)
        h_sim = np.zeros((m, 100))
        np.add.at(h_sim, (np.repeat(np.arange(m), n), idx.ravel()), 1)
        obj = (((h_sim - h_obs) / (h_obs + 1)) ** 2).sum(axis=1)
        best = np.flatnonzero(obj == obj.min())
        picks.append(g[best].mean(axis=0))
    picks = np.array(picks)
    mean = picks.mean(axis=0)
    sd = picks.std(axis=0, ddof=1) if len(picks) > 1 else np.zeros(3)
    z = stats.norm.ppf(0.95)
    names = ["f_i", "f_e", "alpha", "theta", "tau", "nu", "sd_tau", "sd_nu"]
    est = np.concatenate([mean, [theta, tau, nu, sd_tau, sd_nu]])
    low = np.concatenate([np.maximum(mean - z * sd, 0), [np.nan] * 5])
    high = np.concatenate([mean + z * sd, [np.nan] * 5])
    table = pd.DataFrame({"estimate": est, "low": low, "high": high,
                          "std_error": np.concatenate([sd, [np.nan] * 5])},
                         index=pd.Index(names, name="parameter"))
    table["description"] = [_DESCRIPTIONS[k] for k in names]
    tot = picks[:, 0] + picks[:, 1]
    sd_tot = tot.std(ddof=1) if len(tot) > 1 else 0.0
    statistic = float(tot.mean() / sd_tot) if sd_tot > 0 else (np.inf if tot.mean() > 0 else 0.0)
    pvalue = float(stats.norm.sf(statistic))
    probs = pd.DataFrame(np.full((n, 3), np.nan), columns=list(_CLASSES), index=election.data.index[keep])
    # the figure's simulated fingerprint: Klimek's clean model and the fitted grid point
    sim = simulate_election(
        registered=R.astype(np.int64), turnout=float(np.clip(tau, 0.01, 0.99)), turnout_sd=min(sd_tau, 0.5),
        support=float(np.clip(nu, 0.01, 0.99)), support_sd=min(sd_nu, 0.5), parties=2, spread="normal",
        invalid=0.0, fraud=KlimekFraud(float(min(mean[0], 1 - mean[1])), float(mean[1]), alpha=float(mean[2]),
                                       theta=float(theta)), rng=gen)
    fd = sim.election.data
    return FraudModelResult(
        table=table, statistic=statistic, pvalue=pvalue, posterior=probs, confidence_level=0.9,
        n=int(n), n_excluded=int(bad.sum()), excluded_reason="; ".join(sorted(set(reasons[bad]))),
        party=party, turnout_definition=f"{turnout} / registered", clean_components=1,
        pvalue_method="mean / sd of f_i + f_e over the grid repetitions, normal tail (not calibrated)",
        preset="klimek2012", _registered=R.astype(np.int64), _turnout=t, _share=s,
        _fit_turnout=(fd["valid"] / fd["registered"]).to_numpy(),
        _fit_share=(fd["Leader"] / fd["valid"].where(fd["valid"] > 0)).fillna(0).to_numpy(),
    )


# ---------------------------------------------------------------------------- the article's question
def _mean_half_normal_below_one(scale: float) -> float:
    return float(scale * np.sqrt(2 / np.pi) * -np.expm1(-0.5 / scale**2) / (2 * special.ndtr(1 / scale) - 1))


def observers_scenario(
    *,
    real_turnout: float = 0.15,
    reported_turnout: float = 0.6325,
    n_stations: int = 10_061,
    registered_total: int = 11_900_000,
    extreme_share: float = 0.5,
    theta: float = 0.4,
    alpha: float = 1.0,
    support: float = 0.5,
    rng: Any = None,
):
    """A Kazakhstan-sized election in which real turnout is low but a high one is reported.

    Observers of Kazakhstan's 2021 Majilis election said real turnout was about 15 %
    while 63.25 % was announced. This simulates what the station protocols would look
    like if that were so: clean turnout ``real_turnout`` (between-station sd 0.05), then
    Klimek ballot stuffing and vote stealing in the share of stations that makes the
    expected reported turnout equal ``reported_turnout``. Of the fraudulent stations,
    ``extreme_share`` are extreme (``x = 1 - |N(0, 0.075)|``), the rest incremental
    (half-normal ``theta``); the total fraud share solves
    ``reported = real + (1 - real) (f_i E[x_i] + f_e E[x_e])`` in closed form.

    Parameters
    ----------
    real_turnout, reported_turnout : float
    n_stations, registered_total : int
        10,061 stations and about 11.9 million voters (Kazakhstan 2021).
    extreme_share : float
        Share of the fraudulent stations with extreme fraud.
    theta, alpha : float
        Klimek parameters of the incremental fraud and of stealing.
    support : float
        The leader's real mean share of valid votes.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    SimulatedElection
        ``params['solved']`` holds ``f_i``, ``f_e``, ``alpha``, ``theta`` and the expected
        reported turnout.

    Raises
    ------
    ValueError
        If no fraud share in [0, 1] reaches the reported turnout with these magnitudes.

    Examples
    --------
    >>> import electionstats as es
    >>> sim = es.fraud.observers_scenario(rng=1)
    >>> sim.params["solved"]["f_e"] > 0.3
    True
    >>> t = sim.election.totals()
    >>> bool(abs(t["ballots_found"] / t["registered"] - 0.6325) < 0.01)
    True
    """
    real = _unit_real(real_turnout, "real_turnout")
    reported = _unit_real(reported_turnout, "reported_turnout")
    share_e = float(extreme_share)
    if not 0 <= share_e <= 1:
        raise ValueError(f"`extreme_share` must lie in [0, 1] (got {extreme_share!r}).")
    if reported <= real:
        raise ValueError("`reported_turnout` must be above `real_turnout` for stuffing to explain it.")
    ex_i = _mean_half_normal_below_one(float(theta))
    ex_e = 1 - _mean_half_normal_below_one(SD_EXTREME)
    per_station = (1 - share_e) * ex_i + share_e * ex_e
    total = (reported - real) / ((1 - real) * per_station)
    if total > 1:
        raise ValueError(
            f"even with every station fraudulent the expected reported turnout is "
            f"{real + (1 - real) * per_station:.3f}; raise `extreme_share` or `theta`."
        )
    f_i, f_e = total * (1 - share_e), total * share_e
    # log-normal sizes with log-sd 0.5: mean = median * exp(0.125)
    median = registered_total / n_stations / np.exp(0.125)
    sim = simulate_election(
        n_stations, registered=median, turnout=real, turnout_sd=0.05, support=support,
        support_sd=0.08, parties=3,
        fraud=KlimekFraud(f_i, f_e, alpha=alpha, theta=theta), rng=rng,
        name="observers' scenario (Kazakhstan-sized)",
    )
    sim.params["solved"] = {"f_i": f_i, "f_e": f_e, "alpha": float(alpha), "theta": float(theta),
                            "expected_reported_turnout": reported}
    return sim


def _unit_real(x: Any, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real) or not 0 < float(x) < 1:
        raise ValueError(f"`{name}` must be a number in (0, 1) (got {x!r}).")
    return float(x)
