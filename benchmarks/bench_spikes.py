"""Benchmark: Rozenas' spikes test on 100,000 simulated stations with 1,000 resamples.

Run with ``python benchmarks/bench_spikes.py``. Prints the wall time of the whole test and
of its parts (the two mixture fits, the resampling with densities), the CPU time (the
wall time is larger when other processes share the cores), and the peak memory
of the process (``ru_maxrss``). Target (issue 4): well under ~25 s and under 4 GB.
There is no Python peer; the R package ``spikes`` resamples in an R loop (one election
per iteration) and is not run here.
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

from electionstats import Election
from electionstats._spikes import fit_betabinom_mixture, spikes_test


def simulated_election(n: int, seed: int = 20261127) -> Election:
    rng = np.random.default_rng(seed)
    registered = rng.integers(100, 3000, n)
    rate = np.where(rng.random(n) < 0.7, rng.beta(30, 25, n), rng.beta(12, 4, n))
    ballots = rng.binomial(registered, rate)
    support = np.where(rng.random(n) < 0.5, rng.beta(20, 30, n), rng.beta(25, 15, n))
    votes = rng.binomial(ballots, support)
    fake = rng.random(n) < 0.02  # 2 % of stations report 3/4
    ballots[fake] -= ballots[fake] % 4
    votes[fake] = ballots[fake] // 4 * 3
    df = pd.DataFrame(
        {"id": np.arange(n), "reg": registered, "valid": ballots, "invalid": 0,
         "A": votes, "B": ballots - votes}
    )
    return Election.from_frame(
        df, station_id="id", registered="reg", valid="valid", invalid="invalid",
        parties=["A", "B"], consistency="report",
    )


def main() -> None:
    n = 100_000
    e = simulated_election(n)
    N = e.counts("registered")
    t = e.counts("valid+invalid")
    v = e.counts("A")
    t0 = time.perf_counter()
    fit_betabinom_mixture(t, np.maximum(N, t))
    fit_betabinom_mixture(v, t)
    fit_time = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    res = spikes_test(e, party="A", n_resamples=1000, rng=1)
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"spikes_test, {n:,} stations, 1,000 resamples")
    print(f"  total            {total:6.1f} s wall, {cpu:.1f} s CPU (differ on a busy machine)")
    print(f"  mixture fits     {fit_time:6.1f} s")
    print(f"  resampling etc.  {total - fit_time:6.1f} s")
    print(f"  peak memory      {peak_gb:6.2f} GB")
    print(f"  F = {res.statistic:.2f} % (2 % injected), p = {res.pvalue:.4f}, "
          f"null 99th pct {res.null_q99:.3f} %, components {res.turnout_components}/"
          f"{res.support_components}")


if __name__ == "__main__":
    main()
