"""Benchmark: electionstats digit tests against benford_py and benfordslaw, same data, one run.

Run with ``python benchmarks/bench_digits.py`` (peers from the optional ``bench`` extra:
``benford-py``, ``benfordslaw``). Prints a table of median wall times and ratios.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import time
import warnings

import numpy as np

from electionstats.digits import (
    digit_tests,
    first_digit_test,
    last_digit_test,
    last_two_digits_test,
    second_digit_test,
    zero_five_test,
)


def timeit(func, repeat=5):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    rng = np.random.default_rng(20261127)
    x = rng.negative_binomial(2, 0.005, 10**6).astype(np.int64)  # synthetic station counts
    rows = []
    ours = {
        "first digit": lambda: first_digit_test(x),
        "second digit": lambda: second_digit_test(x, statistic="distribution"),
        "last digit": lambda: last_digit_test(x, min_count=1),
        "last two digits": lambda: last_two_digits_test(x, statistic="distribution", min_count=1000),
        "zero-five": lambda: zero_five_test(x),
    }
    peers = {}
    try:
        import benford

        peers["benford_py"] = {
            "first digit": lambda: benford.first_digits(
                x, digs=1, decimals=0, show_plot=False, chi_square=True, confidence=95
            ),
            "second digit": lambda: benford.second_digit(
                x, decimals=0, show_plot=False, chi_square=True, confidence=95
            ),
            "last two digits": lambda: benford.last_two_digits(
                x, decimals=0, show_plot=False, chi_square=True, confidence=95
            ),
        }
    except ImportError:
        print("benford_py not installed: skipped")
    try:
        from benfordslaw import benfordslaw

        peers["benfordslaw"] = {
            "first digit": lambda: benfordslaw(pos=1, verbose=0).fit(x),
            "second digit": lambda: benfordslaw(pos=2, verbose=0).fit(x),
            "last digit": lambda: benfordslaw(pos=-1, verbose=0).fit(x),
        }
    except ImportError:
        print("benfordslaw not installed: skipped")
    for test, func in ours.items():
        t = timeit(func)
        row = {"test": test, "electionstats_ms": 1e3 * t}
        for peer, funcs in peers.items():
            if test in funcs:
                tp = timeit(funcs[test], repeat=3)
                row[f"{peer}_ms"] = 1e3 * tp
                row[f"{peer}_x"] = tp / t
        rows.append(row)
    t_all = timeit(lambda: digit_tests(x))  # one table result
    print(f"n = {x.size:,} counts (negative binomial(2, 0.005))")
    for r in rows:
        extra = "  ".join(
            f"{k.removesuffix('_ms')} {v:8.1f} ms ({r[k.replace('_ms', '_x')]:.1f}x)"
            for k, v in r.items() if k.endswith("_ms") and k != "electionstats_ms"
        )
        print(f"{r['test']:<16} electionstats {r['electionstats_ms']:7.1f} ms  {extra}")
    print(f"all five digit tests (digit_tests, validating once): {1e3 * t_all:.1f} ms")

    n = 100_000
    reg = rng.integers(300, 3000, n)
    ballots = rng.binomial(reg, rng.beta(30, 20, n))
    for null, kw in (("size-aware", {}), ("montecarlo", {"n_resamples": 1000, "rng": 1})):
        t0 = time.perf_counter()
        res = second_digit_test(ballots, null=null, denominator=reg, **kw)
        t_2bl = time.perf_counter() - t0
        t0 = time.perf_counter()
        last_digit_test(ballots, null=null, denominator=reg, **kw)
        t_last = time.perf_counter() - t0
        what = "exact" if null == "size-aware" else "simulated, 1,000 replicates"
        print(
            f"size-aware null ({what}) x {n:,} stations: 2BL {t_2bl:.2f} s "
            f"(p = {res.pvalue:.3f}), last digit {t_last:.2f} s"
        )


if __name__ == "__main__":
    main()
