"""Timing of the turnout and vote-share analyses on 100,000 simulated stations.

Run by hand: ``python benchmarks/bench_distributions.py [N]`` (prints wall and CPU seconds per
analysis and the peak resident memory; with ``ELECTIONSTATS_DATA`` set it also times the
integer-percentage test on ``russia-2011-duma``, target under 2 s, exact null against the
papers' 1,000-replicate Monte Carlo). Target of the issue: all of them together in under 60 s with 1,000 Monte
Carlo / bootstrap replicates where used, memory under 4 GB. The spikes test is timed in
``bench_spikes.py``.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np
import pandas as pd

import electionstats as es
from electionstats import distributions as dist

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
B = 1000


def simulated_election(seed: int = 20261127) -> es.Election:
    """A clean election of ``N`` stations, 5 % of them stuffed for party A, 80 regions."""
    rng = np.random.default_rng(seed)
    reg = rng.integers(200, 3000, N)
    issued = rng.binomial(reg, np.clip(rng.normal(0.55, 0.1, N), 0.05, 0.95))
    inv = rng.binomial(issued, 0.01)
    a = rng.binomial(issued - inv, np.clip(rng.normal(0.45, 0.1, N), 0.05, 0.95))
    add = np.where(rng.random(N) < 0.05, ((reg - issued) * 0.7).astype(np.int64), 0)
    df = pd.DataFrame({"region": np.arange(N) % 80, "reg": reg, "issued": issued + add,
                       "inv": inv, "A": a + add, "B": issued - inv - a})
    return es.Election.from_frame(df, registered="reg", ballots_issued="issued", invalid="inv",
                                  valid=["A", "B"], parties=["A", "B"], region="region")


def _time(name: str, run) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    run()
    seconds = time.perf_counter() - start
    print(f"{name:48s} {seconds:7.3f} s wall {time.process_time() - cpu:7.3f} s cpu", flush=True)
    return seconds


def main() -> None:
    if os.environ.get("ELECTIONSTATS_DATA"):
        ru = es.datasets.load("russia-2011-duma")
        _time("russia-2011-duma integer test (exact)", lambda: dist.integer_percentage_test(ru))
        _time("russia-2011-duma integer test (exact, no figure)",
              lambda: dist.integer_percentage_test(ru, histograms=False))
        _time("russia-2011-duma excess_votes by tik (B=1000)",
              lambda: dist.excess_votes(ru, by="tik", rng=1))
    e = simulated_election()
    runs = {
        "fingerprint": lambda: dist.fingerprint(e, weights="registered"),
        "cumulative_votes": lambda: dist.cumulative_votes(e),
        "integer_percentage_test (exact)": lambda: dist.integer_percentage_test(e),
        "integer_percentage_test (exact, no figure)": lambda: dist.integer_percentage_test(
            e, histograms=False),
        f"integer_percentage_test (B={B} Monte Carlo)": lambda: dist.integer_percentage_test(
            e, null="montecarlo", n_resamples=B, rng=1),
        f"excess_votes (B={B})": lambda: dist.excess_votes(e, n_resamples=B, rng=1),
        f"excess_votes by region (B={B})": lambda: dist.excess_votes(
            e, by="region", n_resamples=B, rng=1),
        f"shape_statistics (B={B})": lambda: dist.shape_statistics(e, n_resamples=B, rng=1),
        f"sobyanin_sukhovolsky (B={B})": lambda: dist.sobyanin_sukhovolsky(
            e, n_resamples=B, rng=1),
    }
    total = 0.0
    for name, run in runs.items():
        total += _time(name, run)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{'total':48s} {total:7.2f} s; peak memory {peak:.2f} GB")


if __name__ == "__main__":
    main()
