"""Calibration study of the digit tests' size-aware nulls (exact or simulated).

Rejection rate at 5 % on clean simulated elections (300 stations, registered ~ U{300..3000},
turnout ~ Beta(30, 20) per station, party A ~ Binomial(ballots, Beta(8, 12))): tests on
ballots (denominator registered) and on A's votes (denominator ballots), alternating. The
small version of this study runs in tests/test_digits.py (simulated null, 99 replicates).

Run ``python benchmarks/calibrate_digits.py [size-aware|montecarlo] [n_elections] [tests]``,
tests a comma-separated subset of: first, 2BL, last, C05s, P05s, repeated, adjacent,
2BLdist, lastdist.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from electionstats.digits import (
    first_digit_test,
    last_digit_test,
    last_two_digits_test,
    percent_zero_five_test,
    second_digit_test,
    zero_five_test,
)


def main() -> None:
    null = sys.argv[1] if len(sys.argv) > 1 else "size-aware"
    n_elections = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    kw = {"null": null} if null == "size-aware" else {"null": null, "n_resamples": 99}
    tests = {
        "first": lambda c, d, g: first_digit_test(c, denominator=d, rng=g, **kw),
        "2BL": lambda c, d, g: second_digit_test(c, denominator=d, rng=g, **kw),
        "last": lambda c, d, g: last_digit_test(c, denominator=d, rng=g, min_count=0, **kw),
        "C05s": lambda c, d, g: zero_five_test(c, denominator=d, rng=g, **kw),
        "P05s": lambda c, d, g: percent_zero_five_test(c, d, rng=g, **kw),
        "repeated": lambda c, d, g: last_two_digits_test(c, denominator=d, rng=g, **kw),
        "adjacent": lambda c, d, g: last_two_digits_test(
            c, statistic="adjacent", denominator=d, rng=g, **kw),
        "2BLdist": lambda c, d, g: second_digit_test(
            c, statistic="distribution", denominator=d, rng=g, **kw),
        "lastdist": lambda c, d, g: last_digit_test(c, denominator=d, rng=g, **kw),
    }
    if len(sys.argv) > 3:
        tests = {k: tests[k] for k in sys.argv[3].split(",")}
    rng = np.random.default_rng(20261127)
    rejections = dict.fromkeys(tests, 0)
    t0 = time.perf_counter()
    for i in range(n_elections):
        reg = rng.integers(300, 3000, 300)
        ballots = rng.binomial(reg, rng.beta(30, 20, 300))
        if i % 2:
            c, d = rng.binomial(ballots, rng.beta(8, 12, 300)), ballots
        else:
            c, d = ballots, reg
        for name, test in tests.items():
            rejections[name] += test(c, d, rng).pvalue <= 0.05
    se = np.sqrt(0.05 * 0.95 / n_elections)
    print(f"{null} null, {n_elections:,} clean elections of 300 stations "
          f"({time.perf_counter() - t0:.0f} s); rejection rate at 5 % (sd {se:.3f}):")
    for name, k in rejections.items():
        print(f"  {name:<9} {k / n_elections:.3f}")


if __name__ == "__main__":
    main()
