"""Timing of the turnout and vote-share analyses on 100,000 simulated stations.

Run by hand: ``python benchmarks/bench_distributions.py [N]`` (prints wall and CPU seconds per
analysis and the peak resident memory; with ``ELECTIONSTATS_DATA`` set it also times the
integer-percentage test on ``russia-2011-duma``, target under 2 s, exact null against the
papers' 1,000-replicate Monte Carlo). Target of the issue: all of them together in under 60 s with 1,000 Monte
Carlo / bootstrap replicates where used, memory under 4 GB. The spikes test is timed in
``bench_spikes.py``.

``python benchmarks/bench_distributions.py [N] --baseline DIR`` also runs the same timings
with the code in ``DIR`` (a checkout of an earlier commit) in a subprocess, so before and
after are measured in one run.

Measured 2026-12-02 on the 2-core machine under heavy load from other jobs (load average
8-11: wall times are 2-3x the CPU times and both are inflated), russia-2011-duma, serially
(one process) so that the CPU times are comparable:

================================================  ======================  ===================
                                                  before (main bef81d1)   after
================================================  ======================  ===================
excess_votes by TIK, B = 1,000                    53 s wall, 33 s CPU;    24 s wall, 11 s CPU;
                                                  interval NaN (every     interval computed
                                                  replicate lost a TIK)   (pairs refilled)
integer_percentage_test, exact, figure data       6.8 s wall, 3.4 s CPU   7.4 s wall, 3.7 s CPU
integer_percentage_test, exact, no figure         4.0 s wall, 1.2 s CPU   2.4 s wall, 1.2 s CPU
its figure (share panel; after: both panels)      3.1 s wall, 0.9 s CPU   1.4 s wall, 0.7 s CPU
================================================  ======================  ===================

On the process pool (the default) the excess-votes bootstrap and the two null histograms
of the integer test run on both cores; the figure's cost was matplotlib's ``stairs``
(a step patch whose limits are updated segment by segment), now step lines.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

import electionstats as es
from electionstats import distributions as dist

_ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(_ARGS[0]) if _ARGS and _ARGS[0].isdigit() else 100_000
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data-quality notes are in the validation report
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
    if "--baseline" in sys.argv:
        base = os.path.abspath(sys.argv[sys.argv.index("--baseline") + 1])
        print(f"\n-- baseline {base}", flush=True)
        subprocess.run([sys.executable, os.path.abspath(__file__), str(N)],
                       env=dict(os.environ, PYTHONPATH=base), cwd=base, check=True)


if __name__ == "__main__":
    main()
