"""Load time of every registered data set (target: a few seconds for the largest Russian file).

Run by hand: ``ELECTIONSTATS_DATA=../shared/data python benchmarks/bench_datasets.py``.
"""

from __future__ import annotations

import time
import warnings

import electionstats as es


def main() -> None:
    rows = []
    for name in es.datasets.list()["name"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", es.DataQualityWarning)
            start = time.perf_counter()
            e = es.datasets.load(name)
            seconds = time.perf_counter() - start
        rows.append((name, e.n_stations, len(e.excluded), seconds))
        print(f"{name:28s} {e.n_stations:>7,} stations {len(e.excluded):>6,} excluded  {seconds:6.2f} s", flush=True)
    worst = max(rows, key=lambda r: r[3])
    print(f"slowest: {worst[0]} {worst[3]:.2f} s")


if __name__ == "__main__":
    main()
