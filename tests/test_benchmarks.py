"""The one benchmark command runs (its tiny --quick version), so it cannot rot."""

from __future__ import annotations

import csv
import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _runner():
    if "bench_run" in sys.modules:
        return sys.modules["bench_run"]
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod  # dataclasses (and pickling) look the module up
    spec.loader.exec_module(mod)
    return mod


def test_quick_run_times_every_case_and_writes_csv_and_markdown(tmp_path):
    run = _runner()
    rows = run.main(["--quick", "--no-report", "--sizes", "300", "--out", str(tmp_path)])
    groups = {r.group for r in rows}
    assert {"seats", "digits", "battery", "distributions", "forensics"} <= groups
    errors = [f"{r.case}: {r.note}" for r in rows if r.note.startswith("error")]
    assert not errors, errors
    assert all(r.runs >= 1 and math.isfinite(r.median_s) and r.median_s > 0 for r in rows)
    assert all(r.peak_mb > 0 for r in rows)
    with open(tmp_path / "results.csv", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == len(rows) and {"median_s", "cpu_per_wall", "peak_mb", "peer_ratio"} <= set(table[0])
    md = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| group | case |" in md and "load average before" in md and "Whole forensic battery" in md


def test_measure_reports_median_and_spread():
    run = _runner()
    calls = []
    m = run.measure(lambda: calls.append(sum(range(10_000))), repeats=3)
    assert m["runs"] == 3 == len(calls)
    assert m["min_s"] <= m["median_s"] <= m["max_s"]


def test_a_broken_case_is_a_row_not_the_end_of_the_run():
    run = _runner()

    def broken():
        raise ValueError("no such column")

    row = run.run_case(run.Case("digits", "broken", broken), "x", 1, repeats=1)
    assert row.note.startswith("error: ValueError: no such column")
    assert math.isnan(row.median_s)


@pytest.mark.parametrize("t, text", [(2e-6, "2 us"), (0.0123, "12.3 ms"), (3.456, "3.46 s")])
def test_times_are_printed_in_readable_units(t, text):
    assert _runner()._fmt_s(t) == text
