"""Seat allocation speed, side by side with votelib and apportionment (one run, same inputs).

Targets (issue 5): one allocation no slower than the faster peer for 10, 100 and 1,000
parties; a sweep over 1,000 thresholds x 4 methods x 3 bases for 10 parties in under 2 s;
10,000 scenario draws allocated in under 5 s.

Run by hand: ``python benchmarks/bench_seats.py`` (peers: ``pip install votelib apportionment``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np

import electionstats as es
from electionstats.allocation import allocate
from electionstats.scenarios import kazakhstan_2021_scenarios, scenario_seats
from electionstats.sensitivity import threshold_sweep

SEATS = 98


def loops_for(func: Callable[[], object], min_time: float) -> int:
    """Calls (a power of two, at most 65,536) that take at least ``min_time`` seconds."""
    func()
    loops = 1
    while True:
        start = time.perf_counter()
        for _ in range(loops):
            func()
        if time.perf_counter() - start >= min_time or loops >= 1 << 16:
            return loops
        loops *= 2


def timeit(func: Callable[[], object], *, min_time: float = 0.2, samples: int = 7) -> float:
    """Fastest of ``samples`` samples (seconds per call), each of at least ``min_time`` (min: robust to load)."""
    loops = loops_for(func, min_time / 4)
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(loops):
            func()
        out.append((time.perf_counter() - start) / loops)
    return min(out)


def party_votes(n: int, rng: np.random.Generator) -> list[int]:
    """A few large parties and a long tail, 10 million votes in all (some pass 7 %)."""
    w = rng.lognormal(0.0, 1.5, n)
    w[: min(3, n)] *= n / 3
    return [int(x) for x in np.maximum(1, np.round(w / w.sum() * 10_000_000))]


def peers(votes: list[int], method: str, threshold: float) -> dict[str, Callable[[], object]]:
    out: dict[str, Callable[[], object]] = {}
    names = [f"p{i}" for i in range(len(votes))]
    try:
        import apportionment.methods as am

        am_name = {"hare": "largest_remainder", "dhondt": "dhondt"}[method]
        out["apportionment"] = lambda: am.compute(am_name, votes, SEATS, parties=names, threshold=threshold,
                                                  verbose=False)
    except ImportError:
        pass
    try:
        from votelib.evaluate.core import Conditioned
        from votelib.evaluate.proportional import HighestAverages, LargestRemainder
        from votelib.evaluate.threshold import RelativeThreshold

        ev = LargestRemainder("hare") if method == "hare" else HighestAverages("d_hondt")
        ev = Conditioned(RelativeThreshold(Fraction(str(threshold))), ev) if threshold else ev
        d = dict(zip(names, votes))
        out["votelib"] = lambda: ev.evaluate(d, SEATS)
    except ImportError:
        pass
    return out


def bench_single() -> list[tuple]:
    rng = np.random.default_rng(0)
    rows = []
    for n in (10, 100, 1000):
        votes = party_votes(n, rng)
        d = {f"p{i}": v for i, v in enumerate(votes)}
        for threshold in (0.07, 0.0):
            for method in ("hare", "dhondt"):
                ours = timeit(lambda: allocate(d, SEATS, method=method, threshold=threshold, ties="report"))
                theirs = {k: timeit(f) for k, f in peers(votes, method, threshold).items()}
                fastest = min(theirs.values()) if theirs else float("nan")
                rows.append((n, threshold, method, ours, theirs, fastest))
                peer_txt = "  ".join(f"{k} {v * 1e6:8.0f} us" for k, v in theirs.items())
                print(f"{n:5d} parties  threshold {threshold:4.2f}  {method:6s}  electionstats {ours * 1e6:7.0f} us"
                      f"  {peer_txt}  ratio to fastest peer {ours / fastest:4.2f}", flush=True)
    return rows


def bench_sweep() -> float:
    rng = np.random.default_rng(1)
    votes = party_votes(10, rng)
    total = sum(votes)
    grid = [Fraction(k, 10_000) for k in range(1000)]  # 0 to 9.99 % by 0.01 point
    start = time.perf_counter()
    sw = threshold_sweep(
        votes, SEATS, thresholds=grid, methods=["hare", "dhondt", "sainte_lague", "droop"],
        bases=["valid", "participants", "registered"], invalid=total // 20, registered=2 * total,
    )
    seconds = time.perf_counter() - start
    print(f"sweep 1,000 thresholds x 4 methods x 3 bases, 10 parties: {seconds:.3f} s "
          f"({len(sw.table):,} rows; target < 2 s)", flush=True)
    return seconds


def bench_draws() -> float:
    sc = kazakhstan_2021_scenarios()
    out = []
    for method in ("hare", "dhondt"):
        rules = es.allocation.Rules(name=f"kz-{method}", seats=98, method=method, threshold=Fraction(7, 100),
                                    threshold_base="participants", min_parties=2)
        start = time.perf_counter()
        scenario_seats([sc["Observers"]], rules=rules, n_resamples=10_000, rng=0, exact=False)
        seconds = time.perf_counter() - start
        out.append(seconds)
        print(f"10,000 observer-scenario draws sampled and allocated ({method}): {seconds:.3f} s (target < 5 s)",
              flush=True)
    return max(out)


def main() -> None:
    bench_single()
    bench_sweep()
    bench_draws()


if __name__ == "__main__":
    main()
