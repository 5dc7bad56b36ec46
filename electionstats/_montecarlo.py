"""Shared machinery for Monte Carlo nulls and bootstrap intervals.

Conventions (see STYLE.md): randomness only through a :class:`numpy.random.Generator`
passed as ``rng=``; Monte Carlo p-values are ``(1 + #{null >= observed}) / (1 + B)``
(Phipson and Smyth 2010); replicates are computed as a batch axis, never in a Python
loop per replicate, with ``batch`` bounding memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._args import check_alternative, check_confidence_level, check_n_resamples, check_rng

__all__ = [
    "as_generator",
    "basic_bootstrap_ci",
    "batch_sizes",
    "check_alternative",
    "check_n_resamples",
    "monte_carlo_pvalue",
    "run_batched",
    "run_chunks",
]

#: Old name of :func:`electionstats._args.check_rng` (kept for existing callers).
as_generator = check_rng


def monte_carlo_pvalue(
    null: np.ndarray, observed: float, alternative: str = "greater"
) -> float:
    """Monte Carlo p-value ``(1 + #{null as extreme as observed}) / (1 + B)``.

    Parameters
    ----------
    null : array_like, shape (B,)
        Statistic recomputed on ``B`` replicates drawn under the null hypothesis.
    observed : float
        Statistic of the data.
    alternative : {'greater', 'less', 'two-sided'}
        ``'greater'`` counts replicates ``>= observed``; ``'less'`` counts ``<=``;
        ``'two-sided'`` doubles the smaller one-sided p-value (capped at 1).

    Notes
    -----
    A relative tolerance of ``1e-12`` treats replicates numerically equal to the observed
    value as ties (they count as "at least as extreme"), as scipy does.

    References
    ----------
    .. [1] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be
       zero. Statistical Applications in Genetics and Molecular Biology 9(1).
       :doi:`10.2202/1544-6115.1585`

    Examples
    --------
    >>> monte_carlo_pvalue(np.array([1.0, 2.0, 3.0]), 2.0)
    0.75
    """
    null = np.asarray(null, dtype=float)
    b = null.size
    tol = 1e-12 * max(1.0, abs(observed))
    ge = (1 + np.count_nonzero(null >= observed - tol)) / (1 + b)
    le = (1 + np.count_nonzero(null <= observed + tol)) / (1 + b)
    if alternative == "greater":
        return float(ge)
    if alternative == "less":
        return float(le)
    check_alternative(alternative)
    return float(min(1.0, 2 * min(ge, le)))


def basic_bootstrap_ci(
    estimate: float | np.ndarray, replicates: np.ndarray, confidence_level: float = 0.95
) -> tuple[Any, Any]:
    """Basic (reflected) bootstrap interval ``[2θ - q_hi, 2θ - q_lo]``.

    This is ``boot.ci(type="basic")`` of R's boot package, the interval the Election
    Forensics Toolkit reports. ``replicates`` has the replicate axis first; NaN replicates
    are ignored.

    References
    ----------
    .. [1] Davison, A. C. and Hinkley, D. V. (1997). Bootstrap Methods and their
       Application, section 5.2. Cambridge University Press.
       :doi:`10.1017/CBO9780511802843`

    Examples
    --------
    >>> basic_bootstrap_ci(1.0, np.linspace(0.0, 2.0, 1001), 0.9)
    (0.1, 1.9)
    """
    confidence_level = check_confidence_level(confidence_level)
    alpha = 1 - confidence_level
    replicates = np.asarray(replicates, dtype=float)
    # nanquantile works column by column in Python; without NaN, quantile is the same
    quantile = np.quantile if not np.isnan(replicates).any() else np.nanquantile
    lo_q, hi_q = quantile(replicates, [alpha / 2, 1 - alpha / 2], axis=0)
    low = 2 * np.asarray(estimate) - hi_q
    high = 2 * np.asarray(estimate) - lo_q
    if np.ndim(low) == 0:
        return float(np.round(low, 12)), float(np.round(high, 12))
    return low, high


def batch_sizes(n_resamples: int, per_replicate: int, max_elements: int = 2**24) -> Iterator[int]:
    """Split ``n_resamples`` replicates into batches of at most ``max_elements`` array cells.

    ``per_replicate`` is the number of cells one replicate needs (e.g. the number of
    stations). Yields the size of each batch; their sum is ``n_resamples``.

    Examples
    --------
    >>> list(batch_sizes(10, per_replicate=4, max_elements=12))
    [3, 3, 3, 1]
    """
    per_batch = max(1, max_elements // max(1, per_replicate))
    done = 0
    while done < n_resamples:
        size = min(per_batch, n_resamples - done)
        yield size
        done += size


def run_batched(
    simulate: Callable[[int], np.ndarray],
    n_resamples: int,
    per_replicate: int,
    max_elements: int = 2**24,
) -> np.ndarray:
    """Call ``simulate(batch)`` for each batch and stack the results along axis 0.

    ``simulate(k)`` must return an array whose first axis has length ``k`` (the statistic
    of ``k`` replicates, computed vectorised).
    """
    parts = [simulate(k) for k in batch_sizes(n_resamples, per_replicate, max_elements)]
    return np.concatenate(parts, axis=0)


#: Largest number of array cells one memory batch of a Monte Carlo or bootstrap chunk
#: holds (8 MB of float64): temporaries stay cache-friendly and are not page-faulted
#: afresh at every batch.
MAX_BATCH_CELLS = 2**20


def batch_rows(per_replicate: int, max_cells: int = MAX_BATCH_CELLS) -> int:
    """Replicates per memory batch so that a batch holds at most ``max_cells`` cells."""
    return max(1, max_cells // max(1, per_replicate))


def run_chunks(
    func: Callable[..., np.ndarray],
    n_total: int,
    *,
    chunk_size: int,
    rng: np.random.Generator,
    args: tuple[Any, ...] = (),
    cells: int | None = None,
    workers: int | None = None,
) -> np.ndarray:
    """Replicates in fixed chunks, each from its own child generator; stacked on axis 0.

    ``func(chunk_rng, n_in_chunk, *args)`` (a module-level function) returns the
    statistics of ``n_in_chunk`` replicates (first axis ``n_in_chunk``). The chunks
    (``chunk_size`` replicates, the last one smaller) and their generators
    (``SeedSequence.spawn``) depend only on ``n_total``, ``chunk_size`` and ``rng``, never
    on the number of workers or on the memory batch size, so results are identical
    however the chunks are run: through :func:`electionstats._parallel.map_chunks`, on a
    process pool when the job is large (``cells``: array cells one replicate touches,
    e.g. the number of stations), else in this process. This is the package's one
    batching entry point for Monte Carlo and bootstrap replicates.

    Examples
    --------
    >>> def draws(g, k):
    ...     return g.random(k)
    >>> a = run_chunks(draws, 10, chunk_size=4, rng=np.random.default_rng(1), workers=1)
    >>> b = run_chunks(draws, 10, chunk_size=4, rng=np.random.default_rng(1), workers=1)
    >>> a.shape, bool((a == b).all())
    ((10,), True)
    """
    from ._parallel import map_chunks

    parts = map_chunks(func, n_total, chunk_size=chunk_size, rng=rng, args=args,
                       workers=workers, cells=cells if cells is not None else 1)
    return np.concatenate(parts, axis=0)
