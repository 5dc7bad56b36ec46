"""Benchmark: the election simulator and the Klimek fraud-model fit.

Run with ``python benchmarks/bench_fraud.py [simulate|fit|all]``. Targets (issue 10):
simulating 1,000 elections of 10,000 stations in under 30 s on this 2-core machine (the
batched ``n_elections=`` path, in chunks of 100 elections so memory stays small), and one
fit of the fraud model on 100,000 stations in under 2 minutes (also timed at 10,000
stations, the size of the recovery study in ``scripts/fraud_recovery.py``). Prints wall and CPU time
(wall is larger when other processes share the cores), the load average and the peak
memory. A fit evaluates its stations in fixed chunks on one thread per core (the same
numbers whatever the threads); ``taskset -c 0 python benchmarks/bench_fraud.py fit`` times
it on one core.

Measured (2026-12-02, this 2-core machine, under load: load average 6-12 with four other
jobs, so wall times are upper bounds): 1,000 elections of 10,000 stations simulated in
20.6 s wall (13.3 s CPU), target 30 s met; one fit of 10,000 stations 9.1 s CPU (31.8 s
wall at nice 19), from 16.8 s CPU quiet / 18.9 s under load before this session's changes.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np

import electionstats as es
from electionstats._parallel import default_workers


def _clock(label: str, func):
    w, c = time.perf_counter(), time.process_time()
    out = func()
    print(f"{label}: wall {time.perf_counter() - w:.2f} s, cpu {time.process_time() - c:.2f} s")
    return out


def bench_simulate() -> None:
    fraud = [es.KlimekFraud(0.1, 0.02, alpha=2.0)]

    def run():
        seeds = np.random.SeedSequence(20261201).spawn(10)
        for s in seeds:  # 10 fixed chunks of 100 elections
            es.simulate_election(10_000, n_elections=100, fraud=fraud, rng=np.random.default_rng(s))

    _clock("simulate 1,000 elections x 10,000 stations (batched)", run)
    _clock("simulate one election of 10,000 stations, as an Election",
           lambda: es.simulate_election(10_000, fraud=fraud, rng=1))


def bench_fit() -> None:
    for n in (10_000, 100_000):
        sim = es.simulate_election(n, fraud=es.KlimekFraud(0.1, 0.02, alpha=2.0), rng=2)
        fit = _clock(f"fit_fraud_model on {n:,} stations (chi-square mixture p-value, no bootstrap)",
                     lambda sim=sim: es.fit_fraud_model(sim.election, rng=3))
        print(f"  f_i {fit.f_i:.4f}, f_e {fit.f_e:.4f}, likelihood ratio {fit.statistic:,.1f}")


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    print(f"cores available: {default_workers()}, load average: {os.getloadavg()[0]:.1f}")
    if which in ("simulate", "all"):
        bench_simulate()
    if which in ("fit", "all"):
        bench_fit()
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
