"""The parallel engine: fixed chunks, spawned seeds, identical results on 1, 2, 4 workers and Dask."""

from __future__ import annotations

import hashlib
import io
import os

import numpy as np
import pytest

import electionstats as es
from electionstats import _parallel
from electionstats._parallel import chunk_seeds, chunk_sizes, map_chunks
from electionstats._progress import progress_bar, progress_enabled


def binomial_sums(g, k, n):
    """Module level, so a process pool can run it: k replicates of a binomial sum."""
    return g.binomial(n, 0.3, size=(k, n.size)).sum(axis=1)


def nested(g, k):
    """A chunk that itself calls the engine: it must run serially inside a worker."""
    inner = map_chunks(binomial_sums, 4, chunk_size=1, rng=g, args=(np.arange(5),), workers=2)
    return [(_parallel._in_worker(), len(inner))] * k


def digest(parts) -> str:
    return hashlib.sha256(np.concatenate(parts).tobytes()).hexdigest()


N = np.arange(1, 2001)


def reference() -> list[np.ndarray]:
    """The same chunks computed by hand, straight from SeedSequence.spawn."""
    children = np.random.SeedSequence(2026).spawn(4)
    return [binomial_sums(np.random.default_rng(c), k, N) for c, k in zip(children, [8, 8, 8, 6])]


def test_chunks_are_fixed_and_seeded_by_spawn():
    assert chunk_sizes(30, 8) == [8, 8, 8, 6]
    assert chunk_sizes(3, 8) == [3]
    serial = map_chunks(binomial_sums, 30, chunk_size=8, rng=2026, args=(N,), workers=1)
    assert [p.shape for p in serial] == [(8,), (8,), (8,), (6,)]
    assert digest(serial) == digest(reference())
    # A seed and the Generator made from it give the same chunks (Generator.spawn's children).
    from_gen = map_chunks(binomial_sums, 30, chunk_size=8, rng=np.random.default_rng(2026),
                          args=(N,), workers=1)
    assert digest(from_gen) == digest(serial)
    # Spawning again from one Generator gives new draws, not a repeat.
    g = np.random.default_rng(2026)
    first = map_chunks(binomial_sums, 30, chunk_size=8, rng=g, args=(N,), workers=1)
    second = map_chunks(binomial_sums, 30, chunk_size=8, rng=g, args=(N,), workers=1)
    assert digest(first) != digest(second)


def test_bit_identical_on_1_2_4_workers():
    want = digest(reference())
    for workers in (1, 2, 4):
        got = map_chunks(binomial_sums, 30, chunk_size=8, rng=2026, args=(N,), workers=workers)
        assert digest(got) == want, workers


def test_bit_identical_on_a_dask_local_cluster(dask_client):
    got = map_chunks(binomial_sums, 30, chunk_size=8, rng=2026, args=(N,), client=dask_client)
    assert digest(got) == digest(reference())


def test_no_pools_inside_pools():
    out = map_chunks(nested, 4, chunk_size=1, rng=0, workers=2)
    assert [row[0] for row in out] == [(True, 4)] * 4
    assert _parallel._in_worker() is False


def test_small_jobs_run_serially_without_a_pool(monkeypatch):
    def no_pool(*a, **k):
        raise AssertionError("a pool was started for a tiny job")

    monkeypatch.setattr(_parallel, "_get_pool", no_pool)
    out = map_chunks(binomial_sums, 30, chunk_size=8, rng=2026, args=(N,), cells=N.size)
    assert digest(out) == digest(reference())
    # One chunk never needs a pool either.
    map_chunks(binomial_sums, 3, chunk_size=8, rng=1, args=(N,))


def test_closures_need_workers_1_or_dask():
    with pytest.raises(TypeError, match="module level"):
        map_chunks(lambda g, k: g.random(k), 4, chunk_size=1, rng=0, workers=2)
    assert len(map_chunks(lambda g, k: g.random(k), 4, chunk_size=1, rng=0, workers=1)) == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_total": 0}, ValueError, "`n_total` must be a positive integer"),
        ({"n_total": 2.0}, TypeError, "`n_total` must be a positive integer"),
        ({"chunk_size": 0}, ValueError, "`chunk_size` must be a positive integer"),
        ({"chunk_size": True}, TypeError, "`chunk_size`"),
        ({"rng": True}, TypeError, "a boolean is not a seed"),
        ({"rng": -3}, ValueError, "seed must be a non-negative integer"),
        ({"rng": np.random.RandomState(0)}, TypeError, "RandomState"),
        ({"workers": 0}, ValueError, "workers=1 to run in this process"),
        ({"workers": 1.5}, TypeError, "`workers`"),
        ({"client": object()}, TypeError, "dask.distributed.Client"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    call = {"n_total": 4, "chunk_size": 2, "rng": 0, "workers": 1, **kwargs}
    with pytest.raises(error, match=match):
        map_chunks(binomial_sums, args=(N,), **call)


def test_chunk_seeds_match_generator_spawn():
    a = [s.spawn_key for s in chunk_seeds(11, 3)]
    b = [g.bit_generator.seed_seq.spawn_key for g in np.random.default_rng(11).spawn(3)]
    assert a == b == [(0,), (1,), (2,)]


def test_progress_switches(monkeypatch):
    monkeypatch.delenv("ELECTIONSTATS_PROGRESS", raising=False)
    assert progress_enabled() is False  # pytest captures stderr: not a terminal
    assert progress_enabled(True) is True
    monkeypatch.setenv("ELECTIONSTATS_PROGRESS", "1")
    assert progress_enabled() is True
    with es.set_options(progress=False):
        assert progress_enabled() is False
        assert progress_enabled(True) is True  # the call wins
    assert progress_enabled() is True
    monkeypatch.setenv("ELECTIONSTATS_PROGRESS", "0")
    assert progress_enabled() is False
    with pytest.raises(TypeError, match="`progress` must be True, False or None"):
        es.set_options(progress="yes")


def test_progress_bar_prints_only_when_on_and_slow(monkeypatch):
    import tqdm.auto

    buf = io.StringIO()
    real = tqdm.auto.tqdm
    monkeypatch.setattr(tqdm.auto, "tqdm", lambda *a, **k: real(*a, file=buf, **{**k, "delay": 0}))
    with progress_bar(5, desc="replicates", progress=True) as bar:
        bar.update(5)
    assert "replicates" in buf.getvalue()
    buf.truncate(0)
    with progress_bar(5, desc="replicates", progress=False) as bar:
        bar.update(5)
    assert buf.getvalue().strip("\x00") == ""


def test_pool_is_reused():
    map_chunks(binomial_sums, 4, chunk_size=1, rng=0, args=(N,), workers=2)
    pool = _parallel._POOL
    map_chunks(binomial_sums, 4, chunk_size=1, rng=1, args=(N,), workers=2)
    assert _parallel._POOL is pool and pool is not None
    pids = {p.pid for p in pool._processes.values()}
    assert pids and os.getpid() not in pids


def test_serial_threshold_is_lower_once_the_pool_runs(monkeypatch):
    # A job between the two thresholds runs serially while no pool exists (starting one
    # costs more) and on the pool once it runs (its start is paid); same numbers either way.
    work = (_parallel.WARM_SERIAL_BELOW_CELLS + _parallel.SERIAL_BELOW_CELLS) // 2
    monkeypatch.setattr(_parallel, "_POOL", None)
    assert _parallel._too_small(work)
    monkeypatch.setattr(_parallel, "_POOL", object())
    assert not _parallel._too_small(work)
    assert _parallel._too_small(_parallel.WARM_SERIAL_BELOW_CELLS - 1)


def pid_and_draw(g, k):
    return [(os.getpid(), float(g.random()))] * k


def test_this_process_helps_the_pool():
    # Tasks beyond the pool's share run here (smallest first) while the pool starts or
    # works; whoever runs a task, its draws are the same.
    out = map_chunks(pid_and_draw, 6, chunk_size=1, rng=3, workers=2)
    serial = map_chunks(pid_and_draw, 6, chunk_size=1, rng=3, workers=1)
    assert [o[0][1] for o in out] == [o[0][1] for o in serial]
    pids = {o[0][0] for o in out}
    assert os.getpid() in pids
    assert pids <= {os.getpid()} | {p.pid for p in _parallel._POOL._processes.values()}


def die_once(g, k, marker, parent):
    """A chunk whose first run in a pool worker kills that worker (as an out-of-memory kill
    would); run again, or in the parent process, it returns its draws."""
    if os.getpid() != parent and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return g.integers(0, 1000, size=k)


def test_a_worker_killed_mid_job_gets_a_fresh_pool_and_the_same_results(tmp_path):
    """BrokenProcessPool: the engine starts one fresh pool and runs the tasks not yet done;
    the results equal a serial run (every task keeps its own generator)."""
    marker = str(tmp_path / "died")
    args = (marker, os.getpid())
    serial = map_chunks(die_once, 40, chunk_size=2, rng=11, args=args, workers=1)
    _parallel.shutdown_pool()
    pooled = map_chunks(die_once, 40, chunk_size=2, rng=11, args=args, workers=2)
    assert os.path.exists(marker)  # a worker did die
    assert digest(pooled) == digest(serial)


def test_an_unguarded_script_gets_a_plain_error(tmp_path):
    """A script that starts the pool at module level, without the `if __name__ ==
    "__main__":` guard, breaks every worker (each imports the script). The error says what
    to do instead of ending in multiprocessing's bare BrokenProcessPool."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "import warnings\nimport electionstats as es\nwarnings.simplefilter('ignore')\n"
        "e = es.simulate_election(20000, regions=10, rng=1).election\n"
        "es.basic_forensics(e, by='region', rng=1)\n")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()
    assert any('put the script\'s code under `if __name__ == "__main__":`' in line for line in last[-5:])
