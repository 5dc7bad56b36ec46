"""The parallel engine: Monte Carlo replicates in fixed chunks, on every core or a cluster.

One entry point, :func:`map_chunks`. Replicates are split into FIXED chunks (they depend
only on the number of replicates and the chunk size, never on the number of workers or on
the memory batch size a chunk uses inside), and each chunk draws from its own child
generator spawned from the caller's seed (:meth:`numpy.random.SeedSequence.spawn`). The
chunks then run

* serially in this process (``workers=1``, or a job too small to be worth a pool),
* on a process pool (default: every core; this process helps while the pool starts; one
  pool per process, created on first use, reused, shut down at exit;
  ``forkserver`` start method where available, else ``spawn``, so it is safe in
  processes that run threads), or
* on a ``dask.distributed.Client`` (``client.map`` and ``client.gather``; ``dask`` is an
  optional extra: ``pip install "electionstats[dask]"``).

The results are bit-identical in all three cases, because every chunk gets the same
generator and the same number of replicates whoever runs it. numpy's samplers hold the GIL,
so processes (not threads) are what use the second core.

A chunk function has the signature ``func(chunk_rng, n_in_chunk, *args)`` and must be
defined at module level (the pool sends it to the workers by reference); a Dask client also
accepts closures.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import numpy as np

from ._args import check_rng
from ._montecarlo import check_n_resamples
from ._progress import progress_bar

__all__ = [
    "SERIAL_BELOW_CELLS",
    "WARM_SERIAL_BELOW_CELLS",
    "chunk_seeds",
    "chunk_sizes",
    "default_workers",
    "map_chunks",
    "map_items",
    "shutdown_pool",
]

#: Jobs whose total work (replicates x ``cells`` per replicate) is below this many array
#: cells run serially while no pool is running: 0.1-0.5 s of numpy work (2**23 binomial
#: draws take about 0.5 s), less than starting a pool (its server imports the package once,
#: about 1-2 s).
SERIAL_BELOW_CELLS = 2**23
#: The same once the pool runs (its start is paid): a job of 2**21 cells (0.03-0.15 s of
#: numpy work) already gains from a second core, as a chunk costs about 1 ms to send.
WARM_SERIAL_BELOW_CELLS = 2**21

_POOL: ProcessPoolExecutor | None = None
_POOL_WORKERS = 0
_POOL_LOCK = threading.Lock()
_IN_WORKER = False


# -- seeds and chunks --------------------------------------------------------------------
def chunk_sizes(n_total: int, chunk_size: int) -> list[int]:
    """Sizes of the fixed chunks: ``chunk_size`` each, the last one smaller.

    Examples
    --------
    >>> chunk_sizes(10, 4)
    [4, 4, 2]
    """
    n_total = check_n_resamples(n_total, name="n_total")
    chunk_size = check_n_resamples(chunk_size, name="chunk_size")
    return [min(chunk_size, n_total - start) for start in range(0, n_total, chunk_size)]


def chunk_seeds(rng: Any, n_chunks: int) -> list[np.random.SeedSequence]:
    """One child :class:`~numpy.random.SeedSequence` per chunk, spawned from ``rng``.

    ``rng`` may be None (fresh entropy), a non-negative integer seed, a ``SeedSequence``
    or a :class:`~numpy.random.Generator`. A seed ``s`` and ``numpy.random.default_rng(s)``
    give the same children (those of ``SeedSequence(s)``, as ``Generator.spawn`` does);
    spawning again from the same Generator or SeedSequence gives new, independent children,
    so two calls with one Generator do not repeat each other's draws. A Generator without a
    seed sequence (built from a bare bit generator state) is turned into one by drawing 128
    bits from it, which is deterministic too.

    Raises
    ------
    TypeError
        If ``rng`` is a bool, a legacy ``RandomState`` or not a seed at all.
    ValueError
        If ``rng`` is a negative integer.

    Examples
    --------
    >>> a = chunk_seeds(7, 3)
    >>> b = chunk_seeds(np.random.default_rng(7), 3)
    >>> [s.spawn_key for s in a] == [s.spawn_key for s in b]
    True
    """
    if not (rng is None or isinstance(rng, (np.random.Generator, np.random.SeedSequence))):
        check_rng(rng)  # the one validator: booleans, negative seeds, floats, text, RandomState
    if isinstance(rng, (int, np.integer)):
        return np.random.SeedSequence(int(rng)).spawn(n_chunks)
    if rng is None:
        return np.random.SeedSequence().spawn(n_chunks)
    if isinstance(rng, np.random.SeedSequence):
        return rng.spawn(n_chunks)
    if isinstance(rng, np.random.Generator):
        seed_seq = getattr(rng.bit_generator, "seed_seq", None)
        if isinstance(seed_seq, np.random.SeedSequence):
            return seed_seq.spawn(n_chunks)
        entropy = rng.integers(0, 2**32, size=4, dtype=np.uint64).tolist()
        return np.random.SeedSequence(entropy).spawn(n_chunks)
    raise TypeError(
        "`rng` must be None, an integer seed, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator (got {type(rng).__name__}); legacy RandomState is not accepted."
    )


# -- workers and the pool ----------------------------------------------------------------
def default_workers() -> int:
    """Number of cores this process may use (its CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _check_workers(workers: Any) -> int:
    if workers is None:
        return default_workers()
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)):
        raise TypeError(
            f"`workers` must be None (every core) or a positive integer (got {workers!r})."
        )
    if workers < 1:
        raise ValueError(
            f"`workers` must be None (every core) or a positive integer (got {workers}); "
            "use workers=1 to run in this process."
        )
    return int(workers)


def _mark_worker() -> None:
    """Pool initializer: a worker runs nested ``map_chunks`` calls serially."""
    global _IN_WORKER
    _IN_WORKER = True


def _in_worker() -> bool:
    """True inside one of our pool's processes or a Dask worker (no nested pools)."""
    if _IN_WORKER:
        return True
    try:
        from distributed import get_worker
    except ImportError:
        return False
    try:
        get_worker()
    except ValueError:
        return False
    return True


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def _get_pool(workers: int) -> ProcessPoolExecutor:
    """The process's one pool with ``workers`` processes (replaced if the size changes)."""
    global _POOL, _POOL_WORKERS
    with _POOL_LOCK:
        if _POOL is not None and _POOL_WORKERS != workers:
            _POOL.shutdown(wait=True)
            _POOL = None
        if _POOL is None:
            ctx = multiprocessing.get_context(_start_method())
            if ctx.get_start_method() == "forkserver":
                # The server imports the package once; workers fork from it ready to run
                # (importing it afresh in every spawned worker costs seconds).
                ctx.set_forkserver_preload(["electionstats"])
            _POOL = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_mark_worker
            )
            _POOL_WORKERS = workers
        return _POOL


def shutdown_pool() -> None:
    """Shut the process pool down (it is created again on the next parallel call)."""
    global _POOL, _POOL_WORKERS
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None
        _POOL_WORKERS = 0


atexit.register(shutdown_pool)


# -- running one chunk -------------------------------------------------------------------
_BLAS: Any = None  # this process's ThreadpoolController, made on the first task


def _one_blas_thread() -> Any:
    """A context in which the BLAS libraries numpy and scipy load use one thread.

    Every task runs in it, wherever it runs. Two pool workers each running a BLAS with
    one thread per core oversubscribe the cores (``basic_forensics`` by region on two
    cores: 29.3-30.0 s wall with two BLAS threads against 15.2 s with one, load average
    4-5), and a product summed by one thread or by two can differ in the last bits:
    with one thread everywhere a task gives the same floats in this process, on a pool
    worker and on a Dask worker.
    """
    global _BLAS
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    return _BLAS.limit(limits=1, user_api="blas")


def _run_chunk(
    func: Callable[..., Any], seed: np.random.SeedSequence, payload: Any, args: tuple[Any, ...]
) -> Any:
    with _one_blas_thread():
        return func(np.random.default_rng(seed), payload, *args)


def _check_picklable(func: Callable[..., Any]) -> None:
    try:
        pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError) as exc:
        raise TypeError(
            f"`func` ({getattr(func, '__qualname__', func)!r}) cannot be sent to a process "
            "pool: it must be a function defined at module level (not a lambda, a closure "
            "or a function defined inside another one). Pass workers=1 to run it in this "
            "process, or a dask.distributed Client, which also sends closures."
        ) from exc


def _serial(func, seeds, payloads, weights, args, bar) -> list[Any]:
    out = []
    for seed, payload, w in zip(seeds, payloads, weights, strict=True):
        out.append(_run_chunk(func, seed, payload, args))
        bar.update(w)
    return out


def _run_here(func, seed, payload, args) -> Any:
    """Run a pool task in this process as a worker would (nested calls run serially)."""
    global _IN_WORKER
    was, _IN_WORKER = _IN_WORKER, True
    try:
        return _run_chunk(func, seed, payload, args)
    finally:
        _IN_WORKER = was


def _helped_pool_run(pool, func, seeds, payloads, weights, args, todo, out, bar,
                     cap, done: set[int]) -> None:
    """Fill ``out[i]`` for the tasks ``todo`` (largest first): ``cap`` of them at a time on
    ``pool`` (largest first, topped up as they finish); until the pool returns its first
    result (while it starts), this process runs tasks too, smallest first. Tasks done
    are added to ``done`` (so a retry after a broken pool skips them)."""
    queue = deque(todo)
    inflight: dict[Any, int] = {}
    started = False

    def top_up() -> None:
        while queue and len(inflight) < cap:
            i = queue.popleft()
            inflight[pool.submit(_run_chunk, func, seeds[i], payloads[i], args)] = i

    def collect(block: bool) -> bool:
        if block:
            wait(inflight, return_when=FIRST_COMPLETED)
        finished = [f for f in inflight if f.done()]
        for fut in finished:
            i = inflight.pop(fut)
            out[i] = fut.result()
            done.add(i)
            bar.update(weights[i])
        return bool(finished)

    try:
        top_up()
        while queue and not started:
            i = queue.pop()
            out[i] = _run_here(func, seeds[i], payloads[i], args)
            done.add(i)
            bar.update(weights[i])
            started = collect(False)
            top_up()
        while inflight:
            collect(True)
            top_up()
    except BaseException:
        for fut in inflight:  # a task failed (here or there): drop the rest
            fut.cancel()
        raise


def _on_pool(func, seeds, payloads, weights, args, workers, bar) -> list[Any]:
    """Run the tasks on a pool of ``workers`` processes, this process helping while it starts.

    The pool takes the tasks largest first; until its first result (its server imports
    the package, 1-3 s), this process runs the smallest ones, so a starting pool costs
    no wall time; then it only feeds the pool (a third busy process on two cores was
    measured to cost more than it gave: 25.6 s against 14.6 s wall for basic_forensics by
    region, under load, before tasks were held to one BLAS thread each). Every task keeps
    its own generator, so the results are the same whoever runs it.
    """
    _check_picklable(func)
    out: list[Any] = [None] * len(payloads)
    todo = sorted(range(len(payloads)), key=lambda i: -weights[i])  # stable: ties in order
    done: set[int] = set()
    for attempt in (1, 2):
        todo = [i for i in todo if i not in done]
        try:
            _helped_pool_run(_get_pool(workers), func, seeds, payloads, weights, args, todo,
                             out, bar, workers, done)
            return out
        except BrokenProcessPool as exc:
            # A worker died (killed, out of memory): start a fresh pool once, then give up.
            shutdown_pool()
            if attempt == 2:
                raise BrokenProcessPool(
                    "the worker processes of electionstats died twice. If this runs from a "
                    "script, put the script's code under `if __name__ == \"__main__\":` "
                    "(each worker imports the script, and unguarded code would start "
                    "workers of its own); if the machine ran out of memory, use fewer "
                    "workers (where the function takes workers=, workers=1 runs it in "
                    "this process)."
                ) from exc
            bar.reset()
            bar.update(sum(weights[i] for i in done))
    raise AssertionError("unreachable")  # pragma: no cover


def _on_dask(func, seeds, payloads, weights, args, client, bar) -> list[Any]:
    try:
        from distributed import as_completed as dask_as_completed
    except ImportError as exc:  # pragma: no cover - a Client implies distributed
        raise ImportError(
            "`client` needs dask.distributed: pip install \"electionstats[dask]\"."
        ) from exc
    if not hasattr(client, "map") or not hasattr(client, "gather"):
        raise TypeError(
            f"`client` must be a dask.distributed.Client (got {type(client).__name__})."
        )
    n = len(payloads)
    # The arguments travel to the cluster once, not once per chunk.
    [args_future] = client.scatter([args], broadcast=False, hash=False)
    futures = client.map(
        _run_chunk, [func] * n, seeds, list(payloads), [args_future] * n, pure=False
    )
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for fut in dask_as_completed(futures):
            bar.update(weights[index[fut.key]])
        return client.gather(futures)
    finally:
        client.cancel([*futures, args_future])


def map_chunks(
    func: Callable[..., Any],
    n_total: int,
    *,
    chunk_size: int,
    rng: Any,
    args: Sequence[Any] = (),
    workers: int | None = None,
    client: Any = None,
    cells: int | None = None,
    progress: bool | None = None,
    desc: str | None = None,
) -> list[Any]:
    """Run ``func`` over fixed chunks of ``n_total`` replicates; results in chunk order.

    Parameters
    ----------
    func : callable
        ``func(chunk_rng, n_in_chunk, *args)``: the work of ``n_in_chunk`` replicates with
        the chunk's own :class:`~numpy.random.Generator`. Defined at module level when a
        process pool runs it.
    n_total : int
        Number of replicates (or simulated elections, or any unit of random work).
    chunk_size : int
        Replicates per chunk (the last chunk is smaller). Chunks, and so the results,
        depend on ``n_total``, ``chunk_size`` and ``rng`` only. Choose it so that there
        are several chunks per core and each takes at least about 50 ms.
    rng : None, int, SeedSequence or Generator
        Seed of the whole job; each chunk gets a child spawned from it
        (see :func:`chunk_seeds`).
    args : tuple
        Extra positional arguments of ``func``, the same for every chunk (sent once per
        chunk to a pool, once in all to a Dask cluster).
    workers : int, optional
        Processes to use; default every core of this machine. ``1`` runs in this process.
        Ignored when ``client`` is given.
    client : dask.distributed.Client, optional
        Run the chunks on this Dask cluster instead of a local pool.
    cells : int, optional
        Rough number of array cells one replicate touches (for example the number of
        stations). When ``n_total * cells`` is below :data:`SERIAL_BELOW_CELLS` (no pool
        running yet) or :data:`WARM_SERIAL_BELOW_CELLS` (the pool runs) the job runs
        serially (a pool would cost more than it saves). Default: not known, so any job
        with more than one chunk goes to the pool.
    progress : bool, optional
        Show a progress bar (default: the package option, see
        :func:`electionstats.set_options`); it appears only for jobs that take more than
        about 2 s.
    desc : str, optional
        Label of the progress bar.

    Returns
    -------
    list
        ``func``'s result for each chunk, in chunk order (whatever order they finished).

    Notes
    -----
    Calls made inside a pool worker or a Dask worker run serially, so a parallel job
    that calls parallel code (a screen of many elections, each running a Monte Carlo test)
    never starts pools inside pools.

    Examples
    --------
    >>> def sums(g, k):
    ...     return g.random((k, 3)).sum(axis=1)
    >>> a = map_chunks(sums, 10, chunk_size=4, rng=1, workers=1)
    >>> [len(x) for x in a]
    [4, 4, 2]
    >>> b = map_chunks(sums, 10, chunk_size=4, rng=np.random.default_rng(1), workers=1)
    >>> bool(np.array_equal(np.concatenate(a), np.concatenate(b)))
    True
    """
    sizes = chunk_sizes(n_total, chunk_size)
    seeds = chunk_seeds(rng, len(sizes))
    args = tuple(args)
    small = cells is not None and _too_small(n_total * max(1, int(cells)))
    return _dispatch(func, seeds, sizes, sizes, args, workers, client, small, progress, desc)


def _too_small(work: int) -> bool:
    """A job of ``work`` array cells is cheaper serially (the pool's start counts if it is
    not running yet)."""
    return work < (SERIAL_BELOW_CELLS if _POOL is None else WARM_SERIAL_BELOW_CELLS)


def _dispatch(func, seeds, payloads, weights, args, workers, client, small, progress, desc):
    """Run ``func(rng_i, payload_i, *args)`` for every i on the chosen backend, in order."""
    if not callable(func):
        raise TypeError(f"`func` must be callable (got {type(func).__name__}).")
    n_workers = None if client is not None else _check_workers(workers)
    with progress_bar(total=int(sum(weights)), desc=desc, progress=progress) as bar:
        if client is not None:
            return _on_dask(func, seeds, payloads, weights, args, client, bar)
        if n_workers == 1 or len(payloads) == 1 or small or _in_worker():
            return _serial(func, seeds, payloads, weights, args, bar)
        return _on_pool(func, seeds, payloads, weights, args, n_workers, bar)


def map_items(
    func: Callable[..., Any],
    items: Sequence[Any],
    *,
    rng: Any,
    args: Sequence[Any] = (),
    workers: int | None = None,
    client: Any = None,
    cells: int | None = None,
    progress: bool | None = None,
    desc: str | None = None,
) -> list[Any]:
    """Run ``func(item_rng, item, *args)`` for every item, each with its own child generator.

    The task-level twin of :func:`map_chunks` (same backends, same guarantees): item ``i``
    gets the ``i``-th child spawned from ``rng``, whoever runs it, so the results are
    identical serially, on a process pool and on a Dask cluster. Used to screen many
    elections, to simulate many elections for calibration and for the groups of
    ``basic_forensics``. ``cells``: rough array cells of the whole job; below
    :data:`SERIAL_BELOW_CELLS` it runs in this process (default: unknown, the pool).

    Examples
    --------
    >>> def draw(g, scale):
    ...     return float(scale * g.random())
    >>> a = map_items(draw, [1.0, 10.0], rng=3, workers=1)
    >>> a == map_items(draw, [1.0, 10.0], rng=np.random.default_rng(3), workers=1)
    True
    """
    items = list(items)
    if not items:
        raise ValueError("`items` is empty: there is nothing to run.")
    seeds = chunk_seeds(rng, len(items))
    small = cells is not None and _too_small(int(cells))
    return _dispatch(
        func, seeds, items, [1] * len(items), tuple(args), workers, client, small, progress, desc
    )
