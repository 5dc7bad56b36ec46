"""Benchmark: basic_forensics(russia-2011-duma, by="region"), old code against new, one run.

The old implementation is checked out from a git commit into a temporary worktree (default
``d94716f``, main before the one-engine rewrite) and both are timed in fresh subprocesses
on the same machine in the same run, so the ratio is measured side by side. Also times the
exact size-aware null on 10^5 synthetic stations (target: under 3 s).

Run ``ELECTIONSTATS_DATA=../shared/data python benchmarks/bench_forensics.py [old-commit]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OLD = sys.argv[1] if len(sys.argv) > 1 else "d94716f"

SNIPPET = """
import time, warnings, os
warnings.simplefilter("ignore")
import electionstats as es
from electionstats.forensics import basic_forensics
e = es.datasets.load("russia-2011-duma", data_home=os.environ.get("ELECTIONSTATS_DATA"))
t0 = time.perf_counter(); cpu0 = time.process_time()
basic_forensics(e, by="region", rng=1)
print(time.perf_counter() - t0, time.process_time() - cpu0)
"""


def _time_in(path: Path) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(path))
    out = subprocess.run([sys.executable, "-c", SNIPPET], cwd=path, env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), OLD], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            t_old, c_old = _time_in(old)
            t_new, c_new = _time_in(ROOT)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT,
                           check=False, capture_output=True)
    print(f"basic_forensics(russia-2011-duma, by='region'), 1,000 resamples")
    print(f"  old ({OLD}): {t_old:7.1f} s wall ({c_old:.1f} s cpu in the main process)")
    print(f"  new        : {t_new:7.1f} s wall ({c_new:.1f} s cpu in the main process)")
    print(f"  speed-up   : {t_old / t_new:.1f}x (target >= 5x, new under 5 s)")

    import numpy as np

    sys.path.insert(0, str(ROOT))
    from electionstats.digits import last_digit_test, second_digit_test

    rng = np.random.default_rng(20261127)
    n = 100_000
    reg = rng.integers(300, 3000, n)
    ballots = rng.binomial(reg, rng.beta(30, 20, n))
    for name, test in (("2BL", second_digit_test), ("last digit", last_digit_test)):
        t0 = time.perf_counter()
        res = test(ballots, null="size-aware", denominator=reg)
        print(f"exact size-aware null, {n:,} stations, {name}: {time.perf_counter() - t0:.2f} s "
              f"(p = {res.pvalue:.3f}; target under 3 s)")


if __name__ == "__main__":
    main()
