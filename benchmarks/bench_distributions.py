"""Timing of the turnout and vote-share analyses on 100,000 simulated stations.

Run by hand: ``python benchmarks/bench_distributions.py`` (prints seconds per analysis and the
peak resident memory). Target of the issue: all of them together in under 60 s with 1,000 Monte
Carlo / bootstrap replicates where used, memory under 4 GB. The spikes test is timed in
``bench_spikes.py``.
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

import electionstats as es
from electionstats import distributions as dist

N = 100_000
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


def main() -> None:
    e = simulated_election()
    runs = {
        "fingerprint": lambda: dist.fingerprint(e, weights="registered"),
        "cumulative_votes": lambda: dist.cumulative_votes(e),
        f"integer_percentage_test (B={B})": lambda: dist.integer_percentage_test(
            e, n_resamples=B, rng=1),
        f"excess_votes (B={B})": lambda: dist.excess_votes(e, n_resamples=B, rng=1),
        f"excess_votes by region (B={B})": lambda: dist.excess_votes(
            e, by="region", n_resamples=B, rng=1),
        f"shape_statistics (B={B})": lambda: dist.shape_statistics(e, n_resamples=B, rng=1),
        f"sobyanin_sukhovolsky (B={B})": lambda: dist.sobyanin_sukhovolsky(
            e, n_resamples=B, rng=1),
    }
    total = 0.0
    for name, run in runs.items():
        start = time.perf_counter()
        run()
        seconds = time.perf_counter() - start
        total += seconds
        print(f"{name:40s} {seconds:7.3f} s", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"{'total':40s} {total:7.2f} s; peak memory {peak:.2f} GB")


if __name__ == "__main__":
    main()
