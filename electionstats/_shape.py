"""Point estimates of the Election Forensics Toolkit's shape statistics, vectorised.

Every function reduces over ``axis`` (default the last), so the same code computes the
statistic of the data (a 1-D array) and of a batch of bootstrap or Monte Carlo
replicates (a ``(B, n)`` array, one replicate per row). Optional ``weights`` broadcast
against ``x`` (e.g. a ``(B, n)`` matrix of bootstrap resampling counts with a 1-D ``x``)
and give the statistic of the data repeated ``weights`` times, which is how a
nonparametric bootstrap over stations can be computed without copying the data.

Definitions follow the toolkit (Mebane; Kalinin and Mebane), see METHODS.md B1:

* :func:`skewness` -- population skewness ``m3 / m2**1.5`` (R ``moments::skewness``,
  ``scipy.stats.skew(bias=True)``); reference 0.
* :func:`kurtosis` -- population, **non-excess** kurtosis ``m4 / m2**2``
  (R ``moments::kurtosis``, ``scipy.stats.kurtosis(fisher=False, bias=True)``); reference 3.
* :func:`dip_pvalue` -- Hartigan's dip test p-value by interpolation in the tabulated
  null quantiles (R ``diptest::dip.test``), via the ``diptest`` package with
  ``allow_zero=False`` to match R.
* :func:`correlation` -- Pearson correlation (the toolkit's "Corr" of turnout and share).
* :func:`eft_sobyanin` -- the toolkit's "Sobyanin" statistic: the OLS slope of share on
  turnout **minus** the mean share.

Degenerate inputs (zero variance, fewer than two values) give NaN without a warning;
the caller decides what to report. NaN values are not removed here.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._montecarlo import batch_rows, run_chunks

__all__ = [
    "SHAPE_STATISTICS",
    "BOOTSTRAP_CHUNK",
    "correlation",
    "dip_pvalue",
    "dip_test",
    "eft_sobyanin",
    "kurtosis",
    "moment_bootstrap",
    "resample_means",
    "shape_estimates",
    "skewness",
]


def _weighted_mean(x: np.ndarray, w: np.ndarray | None, axis: int) -> np.ndarray:
    if w is None:
        return np.mean(x, axis=axis, keepdims=True)
    return np.sum(w * x, axis=axis, keepdims=True) / np.sum(w, axis=axis, keepdims=True)


def _central_moments(
    x: Any, weights: Any, axis: int, orders: tuple[int, ...]
) -> list[np.ndarray]:
    """Population central moments of the given orders along ``axis`` (two-pass)."""
    x = np.asarray(x, dtype=float)
    w = None if weights is None else np.asarray(weights, dtype=float)
    if w is not None:
        x, w = np.broadcast_arrays(x, w)
    d = x - _weighted_mean(x, w, axis)
    out = []
    with np.errstate(invalid="ignore", divide="ignore"):
        for k in orders:
            out.append(np.squeeze(_weighted_mean(d**k, w, axis), axis=axis))
    return out


def skewness_from_moments(m2: np.ndarray, m3: np.ndarray) -> np.ndarray:
    """``m3 / m2**1.5`` from central moments; NaN where ``m2 <= 0`` (constant values)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m2 > 0, m3 / np.where(m2 > 0, m2, 1.0) ** 1.5, np.nan)


def kurtosis_from_moments(m2: np.ndarray, m4: np.ndarray) -> np.ndarray:
    """``m4 / m2**2`` (non-excess) from central moments; NaN where ``m2 <= 0``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(m2 > 0, m4 / np.where(m2 > 0, m2, 1.0) ** 2, np.nan)


def _finish(value: np.ndarray) -> Any:
    return float(value) if np.ndim(value) == 0 else value


def skewness(x: Any, axis: int = -1, *, weights: Any = None) -> Any:
    """Population skewness ``m3 / m2**1.5`` along ``axis`` (0 for symmetric data).

    Parameters
    ----------
    x : array_like
        Values (e.g. turnout or vote shares); replicates along the other axes.
    axis : int
        Axis of the observations.
    weights : array_like, optional
        Non-negative frequency weights broadcastable against ``x``.

    Returns
    -------
    float or ndarray
        NaN where the values are all equal.

    Examples
    --------
    >>> round(skewness([0.1, 0.2, 0.2, 0.9]), 4)
    1.097
    >>> skewness([[1, 2, 3], [1, 1, 4]]).round(4)
    array([0.    , 0.7071])
    """
    m2, m3 = _central_moments(x, weights, axis, (2, 3))
    return _finish(skewness_from_moments(m2, m3))


def kurtosis(x: Any, axis: int = -1, *, weights: Any = None) -> Any:
    """Population non-excess kurtosis ``m4 / m2**2`` along ``axis`` (3 for normal data).

    Parameters
    ----------
    x : array_like
        Values; replicates along the other axes.
    axis : int
        Axis of the observations.
    weights : array_like, optional
        Non-negative frequency weights broadcastable against ``x``.

    Returns
    -------
    float or ndarray
        NaN where the values are all equal.

    Examples
    --------
    >>> kurtosis([1, 2, 3, 4])
    1.64
    """
    m2, m4 = _central_moments(x, weights, axis, (2, 4))
    return _finish(kurtosis_from_moments(m2, m4))


def _cov_parts(
    x: Any, y: Any, weights: Any, axis: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if weights is None:
        x, y = np.broadcast_arrays(x, y)
        w = None
    else:
        x, y, w = np.broadcast_arrays(x, y, np.asarray(weights, dtype=float))
    dx = x - _weighted_mean(x, w, axis)
    ybar = _weighted_mean(y, w, axis)
    dy = y - ybar
    sxy = np.squeeze(_weighted_mean(dx * dy, w, axis), axis=axis)
    sxx = np.squeeze(_weighted_mean(dx * dx, w, axis), axis=axis)
    syy = np.squeeze(_weighted_mean(dy * dy, w, axis), axis=axis)
    return sxy, sxx, syy, np.squeeze(ybar, axis=axis)


def correlation(x: Any, y: Any, axis: int = -1, *, weights: Any = None) -> Any:
    """Pearson correlation of ``x`` and ``y`` along ``axis``.

    Parameters
    ----------
    x, y : array_like
        Paired values (the toolkit uses turnout and vote share), broadcastable.
    axis : int
        Axis of the observations.
    weights : array_like, optional
        Non-negative frequency weights broadcastable against ``x``.

    Returns
    -------
    float or ndarray
        NaN where either variable is constant.

    Examples
    --------
    >>> round(correlation([1, 2, 3, 4], [1, 3, 2, 4]), 4)
    0.8
    """
    sxy, sxx, syy, _ = _cov_parts(x, y, weights, axis)
    den = np.sqrt(sxx * syy)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, sxy / np.where(den > 0, den, 1.0), np.nan)
    return _finish(out)


def eft_sobyanin(share: Any, turnout: Any, axis: int = -1, *, weights: Any = None) -> Any:
    """The toolkit's "Sobyanin" statistic: OLS slope of share on turnout minus mean share.

    Parameters
    ----------
    share : array_like
        Vote share per station (the toolkit: party votes / ballots, capped at 1).
    turnout : array_like
        Turnout per station.
    axis : int
        Axis of the observations.
    weights : array_like, optional
        Non-negative frequency weights broadcastable against ``share``.

    Returns
    -------
    float or ndarray
        ``cov(turnout, share) / var(turnout) - mean(share)``; NaN where turnout is constant.

    Notes
    -----
    The classical Sobyanin-Sukhovolsky regression uses the share of *registered* voters;
    the toolkit's version (reproduced here) regresses the share of ballots on turnout and
    subtracts the mean share. Its "flag" rule in the toolkit compares the raw value with
    1.645, which mixes units; electionstats reports a bootstrap interval instead.

    Examples
    --------
    >>> t = [0.5, 0.6, 0.7, 0.8]
    >>> s = [0.4, 0.5, 0.6, 0.7]
    >>> round(eft_sobyanin(s, t), 4)
    0.45
    """
    sxy, sxx, _, sbar = _cov_parts(turnout, share, weights, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(sxx > 0, sxy / np.where(sxx > 0, sxx, 1.0) - sbar, np.nan)
    return _finish(out)


def dip_test(x: Any) -> tuple[float, float]:
    """Hartigan's dip statistic and its tabulated-interpolation p-value (as R's ``dip.test``).

    Uses the ``diptest`` package with ``allow_zero=False`` (R's ``min.is.0 = FALSE``).
    Above 72,000 values both R and ``diptest`` use the n = 72,000 row of the quantile
    table as asymptotic; R does so silently and so does this function.

    Parameters
    ----------
    x : array_like, 1-D
        Finite values (NaN raises: the ``diptest`` package would silently return p = 1).

    Returns
    -------
    (dip, pvalue) : tuple of float
        ``(nan, nan)`` for fewer than 4 values (the table starts at n = 4).

    References
    ----------
    .. [1] Hartigan, J. A. and Hartigan, P. M. (1985). The dip test of unimodality.
       The Annals of Statistics 13(1), 70-84. :doi:`10.1214/aos/1176346577`

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> d, p = dip_test(rng.normal(size=500))
    >>> p > 0.05
    True
    """
    import diptest

    x = np.asarray(x, dtype=float).ravel()
    if not np.isfinite(x).all():
        raise ValueError(
            "the dip test needs finite values; remove NaN/inf first (got "
            f"{int((~np.isfinite(x)).sum())} non-finite values)."
        )
    if x.size < 4:
        return float("nan"), float("nan")
    with warnings.catch_warnings():
        # diptest warns when n > 72000 that the n = 72000 row is used (R does it silently).
        warnings.simplefilter("ignore")
        dip, p = diptest.diptest(np.sort(x), sort_x=False, allow_zero=False)
    return float(dip), float(p)


def dip_pvalue(x: Any) -> float:
    """Hartigan's dip test p-value (tabulated interpolation, as R's ``dip.test``).

    See :func:`dip_test`.

    Examples
    --------
    >>> dip_pvalue(np.r_[np.zeros(50), np.ones(50)]) < 0.001
    True
    """
    return dip_test(x)[1]


# ---------------------------------------------------------------------------------------
# one moment bootstrap for every shape statistic (basic_forensics, shape_statistics)

#: The columns of :func:`shape_estimates` and :func:`moment_bootstrap` with ``y`` given;
#: without ``y`` only the first two.
SHAPE_STATISTICS = (
    "x_skewness", "x_kurtosis", "y_skewness", "y_kurtosis", "correlation", "eft_sobyanin",
)

#: Bootstrap replicates per chunk (each chunk has its own child generator).
BOOTSTRAP_CHUNK = 64


def shape_estimates(x: Any, y: Any = None) -> np.ndarray:
    """The statistics of :data:`SHAPE_STATISTICS` of the data (6 values, or 2 without ``y``).

    ``eft_sobyanin`` is that of ``y`` (share) on ``x`` (turnout).

    Examples
    --------
    >>> shape_estimates([1, 2, 3, 4]).round(4)
    array([0.  , 1.64])
    """
    x = np.asarray(x, dtype=float)
    out = [skewness(x), kurtosis(x)]
    if y is not None:
        y = np.asarray(y, dtype=float)
        out += [skewness(y), kurtosis(y), correlation(x, y), eft_sobyanin(y, x)]
    return np.array(out, dtype=float)


def _resample_means_chunk(gen: np.random.Generator, k: int, cols: np.ndarray) -> np.ndarray:
    n = cols.shape[0]
    rows = batch_rows(n)
    parts = []
    for start in range(0, k, rows):
        b = min(rows, k - start)
        idx = gen.integers(0, n, size=(b, n)) + (np.arange(b) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n)
        parts.append(counts @ cols)
    return np.concatenate(parts, axis=0) / n


def resample_means(
    cols: Any, n_resamples: int, rng: np.random.Generator, *, chunk_size: int = BOOTSTRAP_CHUNK
) -> np.ndarray:
    """Column means of ``cols`` (n, m) over bootstrap resamples of its rows: (B, m).

    A replicate is a vector of resampling counts (how often each station is drawn), so
    its means are one matrix product, not a copy of the data. Replicates come in fixed
    chunks of ``chunk_size``, each from a child generator of ``rng`` (see
    :func:`electionstats._montecarlo.run_chunks`); memory batches hold at most
    2**20 cells.

    Examples
    --------
    >>> m = resample_means(np.ones((5, 2)), 3, np.random.default_rng(0))
    >>> m.shape, float(m.min()), float(m.max())
    ((3, 2), 1.0, 1.0)
    """
    cols = np.asarray(cols, dtype=float)
    if cols.ndim == 1:
        cols = cols[:, None]
    return run_chunks(_resample_means_chunk, n_resamples, chunk_size=chunk_size, rng=rng,
                      args=(cols,), cells=cols.shape[0])


def _central_from_raw(m1: np.ndarray, m2: np.ndarray, m3: np.ndarray, m4: np.ndarray) -> tuple:
    """Central moments 2-4 from raw moments (of pre-centred values)."""
    c2 = m2 - m1**2
    c3 = m3 - 3 * m1 * m2 + 2 * m1**3
    c4 = m4 - 4 * m1 * m3 + 6 * m1**2 * m2 - 3 * m1**4
    return c2, c3, c4


def _zero_if_rounding(c2: np.ndarray, raw2: np.ndarray) -> np.ndarray:
    """A resampled variance that is rounding noise (a constant resample) becomes 0."""
    return np.where(c2 > 1e-12 * raw2, c2, 0.0)


def moment_bootstrap(
    x: Any,
    y: Any = None,
    *,
    n_resamples: int,
    rng: np.random.Generator,
    chunk_size: int = BOOTSTRAP_CHUNK,
) -> np.ndarray:
    """Nonparametric bootstrap over stations of the shape statistics, from moments.

    Resamples stations (jointly for ``x`` and ``y``) and recomputes the statistics of
    :data:`SHAPE_STATISTICS` from the resampled raw moments of the data centred at its
    means: the same values as :func:`skewness`, :func:`kurtosis`, :func:`correlation`
    and :func:`eft_sobyanin` on copies of the resampled data (checked in the tests), about
    30 times faster. One function for every caller, so the same data and the same
    generator give the same replicates in ``basic_forensics`` and ``shape_statistics``.

    Parameters
    ----------
    x : array_like, 1-D
        Finite values (turnout, or a share when ``y`` is None).
    y : array_like, 1-D, optional
        Paired finite values (the share), same length.
    n_resamples : int
        Bootstrap replicates ``B``.
    rng : numpy.random.Generator
        Parent generator; chunks of ``chunk_size`` replicates use ``rng.spawn``.
    chunk_size : int
        Replicates per chunk (fixed; results do not depend on workers or memory).

    Returns
    -------
    ndarray, shape (B, 6) or (B, 2)
        Columns as :data:`SHAPE_STATISTICS` (the first two without ``y``); NaN where a
        replicate is degenerate (constant resampled values).

    Examples
    --------
    >>> g = np.random.default_rng(0)
    >>> x, y = g.beta(5, 4, 300), g.beta(3, 5, 300)
    >>> moment_bootstrap(x, y, n_resamples=10, rng=np.random.default_rng(1)).shape
    (10, 6)
    """
    x = np.asarray(x, dtype=float)
    dx = x - x.mean()
    cols = [dx, dx**2, dx**3, dx**4]
    if y is not None:
        y = np.asarray(y, dtype=float)
        dy = y - y.mean()
        cols += [dy, dy**2, dy**3, dy**4, dx * dy]
    m = resample_means(np.column_stack(cols), n_resamples, rng, chunk_size=chunk_size)
    x2, x3, x4 = _central_from_raw(*m[:, 0:4].T)
    x2 = _zero_if_rounding(x2, m[:, 1])
    out = [skewness_from_moments(x2, x3), kurtosis_from_moments(x2, x4)]
    if y is not None:
        y2, y3, y4 = _central_from_raw(*m[:, 4:8].T)
        y2 = _zero_if_rounding(y2, m[:, 5])
        cov = m[:, 8] - m[:, 0] * m[:, 4]
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = np.where((x2 > 0) & (y2 > 0), cov / np.sqrt(np.abs(x2 * y2)), np.nan)
            sob = np.where(x2 > 0, cov / np.where(x2 > 0, x2, 1.0), np.nan) - (y.mean() + m[:, 4])
        out += [skewness_from_moments(y2, y3), kurtosis_from_moments(y2, y4), corr, sob]
    return np.column_stack(out)
