"""One benchmark command for electionstats: every public test, the loaders and the peers.

Usage::

    python benchmarks/run.py [--quick] [--sizes 1e4,1e5,1e6] [--repeats N] [--out DIR]
                             [--only TEXT] [--no-report]

Times every public test on synthetic elections made by the public simulator
(``es.simulate_election``, one per size, seed fixed; analyses outside the issue's battery
only up to 10**5 stations), the data set loaders, the issue's cases on the real data and
``es.screen`` of every registered data set in one call (``ELECTIONSTATS_DATA``; skipped with
a note when it is not set), the command-line report of a 10**6-station CSV written from
the simulator, and the
peers side by side on identical inputs (benford_py, benfordslaw, diptest, votelib,
apportionment: the ``bench`` extra; a missing peer is a note, not an error).

Each case reports the median wall time and its spread (min, max) over repeats, the CPU
time of this process and of its pool workers (``psutil``; cpu/wall near the number of
cores means every core worked), and the peak resident memory of this process and its
children while the case ran (sampled every 20 ms). Heavy cases repeat only while their
total time stays under a budget (the number of runs is in the table). Results go to
``DIR/results.csv`` and ``DIR/results.md`` with the machine, the load average before and
after, and the git commit, so that successive runs can be compared. ``--quick`` runs a
tiny version (seconds) that the test suite uses so the command cannot rot.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import electionstats as es  # noqa: E402

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is optional
    psutil = None

SEED = 20261202
#: The battery of the screen of every registered data set (cheap tests: the case times the
#: one call over all of them, loading included, not the heaviest tests).
SCREEN_TESTS = ("last digit", "zero or five")
#: Largest synthetic election on which the analyses outside the battery are timed.
MAX_EXTRA = 100_000
#: Stop repeating a case once its runs took this long in all (seconds).
BUDGET = 20.0


# -- measuring one call ------------------------------------------------------------------
class _Sampler:
    """Peak resident memory of this process and its children, sampled in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        if psutil is None:
            import resource

            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> _Sampler:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def _cpu_seconds() -> float:
    """CPU seconds of this process, its live children (pool workers) and its finished,
    waited-for children (the command-line report's process)."""
    import resource

    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + done.ru_utime + done.ru_stime
    if psutil is not None:
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                t = child.cpu_times()
                total += t.user + t.system
    return total


def _once(func: Callable[[], Any]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (this process + pool workers), peak RSS bytes of one call."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), _Sampler() as mem:
        warnings.simplefilter("ignore")
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        func()
        wall = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
    return wall, cpu, mem.peak


@dataclass
class Row:
    group: str
    case: str
    data: str
    n: int
    runs: int = 0
    median_s: float = float("nan")
    min_s: float = float("nan")
    max_s: float = float("nan")
    cpu_s: float = float("nan")
    cpu_per_wall: float = float("nan")
    peak_mb: float = float("nan")
    peer: str = ""
    peer_median_s: float = float("nan")
    peer_ratio: float = float("nan")
    note: str = ""

    def fields(self) -> dict[str, Any]:
        return dict(self.__dict__)


def measure(func: Callable[[], Any], repeats: int, budget: float = BUDGET) -> dict[str, float]:
    """Median and spread of ``repeats`` calls (fewer when they exceed ``budget`` seconds)."""
    walls, cpus, peaks = [], [], []
    spent = 0.0
    for _ in range(repeats):
        wall, cpu, peak = _once(func)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        spent += wall
        if spent > budget:
            break
    med = statistics.median(walls)
    cpu = statistics.median(cpus)
    return {"runs": len(walls), "median_s": med, "min_s": min(walls), "max_s": max(walls),
            "cpu_s": cpu, "cpu_per_wall": cpu / med if med > 0 else float("nan"),
            "peak_mb": max(peaks) / 2**20}


@dataclass
class Case:
    group: str
    name: str
    func: Callable[[], Any]
    peers: dict[str, Callable[[], Any]] = field(default_factory=dict)
    note: str = ""
    n: int = 0


# -- the cases ---------------------------------------------------------------------------
def _benford_peers(x: np.ndarray) -> dict[str, dict[str, Callable[[], Any]]]:
    """Peer digit tests on the same counts, by our test name."""
    out: dict[str, dict[str, Callable[[], Any]]] = {}
    try:
        import benford

        kw = {"decimals": 0, "show_plot": False, "chi_square": True, "confidence": 95}
        out["first digit"] = {"benford_py": lambda: benford.first_digits(x, digs=1, **kw)}
        out["second digit"] = {"benford_py": lambda: benford.second_digit(x, **kw)}
        out["last two digits"] = {"benford_py": lambda: benford.last_two_digits(x, **kw)}
    except ImportError:
        pass
    try:
        from benfordslaw import benfordslaw

        for name, pos in (("first digit", 1), ("second digit", 2), ("last digit", -1)):
            out.setdefault(name, {})["benfordslaw"] = (
                lambda pos=pos: benfordslaw(pos=pos, verbose=0).fit(x))
    except ImportError:
        pass
    return out


def synthetic_cases(e: es.Election, b: int, full: bool) -> list[Case]:
    """Every public test on one simulated election (``b`` resamples where used)."""
    n = len(e)
    party = e.resolve_party()
    x = e.counts(party)
    den = e.counts("ballots_found")
    peers = _benford_peers(x)
    D = es.digits
    cases = [
        Case("digits", "first digit", lambda: D.first_digit_test(x), peers.get("first digit", {})),
        Case("digits", "second digit", lambda: D.second_digit_test(x, statistic="distribution"),
             peers.get("second digit", {})),
        Case("digits", "last digit", lambda: D.last_digit_test(x, min_count=1),
             peers.get("last digit", {})),
        Case("digits", "last two digits",
             lambda: D.last_two_digits_test(x, statistic="distribution", min_count=1000),
             peers.get("last two digits", {})),
        Case("digits", "zero-five", lambda: D.zero_five_test(x)),
        Case("digits", "percent zero-five", lambda: D.percent_zero_five_test(x, den)),
        Case("digits", "all digit tests (digit_tests)", lambda: D.digit_tests(x)),
        Case("battery", "2BL, size-aware exact", lambda: D.second_digit_test(
            x, denominator=den, null="size-aware")),
        Case("battery", "all digit tests, size-aware exact", lambda: D.digit_tests(
            x, denominator=den, null="size-aware")),
        Case("battery", "integer percentages, exact", lambda: es.integer_percentage_test(e)),
        Case("battery", "fingerprint", lambda: es.fingerprint(e)),
        Case("battery", "cumulative votes", lambda: es.cumulative_votes(e)),
        Case("battery", f"shape statistics + dip, B={b}", lambda: es.shape_statistics(
            e, n_resamples=b, rng=1)),
        Case("battery", f"excess votes, B={b}", lambda: es.excess_votes(e, n_resamples=b, rng=1)),
        Case("battery", f"spikes, B={b}", lambda: es.spikes_test(e, n_resamples=b, rng=1)),
    ]
    if n <= MAX_EXTRA:
        # analyses outside the battery: timed up to 10^5 stations, so the full
        # run stays near ten minutes (their 10^6 times add minutes and no target)
        cases += [
            Case("distributions", f"excess votes by region, B={b}", lambda: es.excess_votes(
                e, by="region", n_resamples=b, rng=1)),
            Case("distributions", f"Sobyanin-Sukhovolsky, B={b}", lambda: es.sobyanin_sukhovolsky(
                e, n_resamples=b, rng=1)),
            Case("forensics", f"basic forensics, B={b}", lambda: es.basic_forensics(
                e, n_resamples=b, rng=1)),
            Case("forensics", f"basic forensics by region, B={b}", lambda: es.basic_forensics(
                e, by="region", n_resamples=b, rng=1)),
            Case("digits", f"2BL, size-aware Monte Carlo, B={b}", lambda: D.second_digit_test(
                x, denominator=den, null="montecarlo", n_resamples=b, rng=1)),
            Case("distributions", f"integer percentages, Monte Carlo, B={b}",
                 lambda: es.integer_percentage_test(e, null="montecarlo", n_resamples=b, rng=1)),
        ]
    try:
        import diptest

        share = e.counts(party) / np.maximum(den, 1)
        from electionstats import _shape

        cases.append(Case("distributions", "dip test", lambda: _shape.dip_test(share),
                          {"diptest": lambda: diptest.diptest(share)},
                          note="ours wraps diptest (input checks)"))
    except ImportError:
        pass
    if n <= 10_000 and full:
        cases.append(Case("fraud", "fraud model fit", lambda: es.fit_fraud_model(e),
                          note="10^4 stations only (issue 10: slow at 10^5)"))
    return cases


def seat_cases(quick: bool) -> list[Case]:
    """``allocate`` against votelib and apportionment (bench_seats.py's inputs)."""
    import bench_seats

    rng = np.random.default_rng(0)
    cases = []
    for n in (10,) if quick else (10, 100, 1000):
        votes = bench_seats.party_votes(n, rng)
        d = {f"p{i}": v for i, v in enumerate(votes)}
        for threshold in (0.07, 0.0):
            for method in ("hare", "dhondt"):
                cases.append(Case(
                    "seats", f"allocate {n} parties, {method}, threshold {threshold:.0%}",
                    lambda d=d, m=method, t=threshold: es.allocate(
                        d, bench_seats.SEATS, method=m, threshold=t, ties="report"),
                    bench_seats.peers(votes, method, threshold), n=n))
    return cases


def _pool_start() -> None:
    """A cold process pool: shut down, then two tiny chunks on two workers."""
    from electionstats import _nulls, _parallel

    _parallel.shutdown_pool()
    _parallel.map_chunks(_nulls._multinomial_chunk, 2, chunk_size=1, rng=0, workers=2,
                         args=(10, np.full(2, 0.5)))


def parallel_cases(n: int, b: int) -> list[Case]:
    """The size-aware Monte Carlo null of the 2BL (binomial draws, the heaviest kernel) on
    one core and on every core, same chunks and seeds: the ratio is the speed-up."""
    from electionstats import _digitcore, _nulls
    from electionstats._montecarlo import run_chunks

    rng = np.random.default_rng(SEED)
    reg = rng.integers(300, 3000, n)
    counts = rng.binomial(reg, rng.beta(30, 20, n))
    model = _nulls.rate_model(counts, reg, model="fitted", leading=True)
    spec = _digitcore.second_spec("mean", 10)
    table = _nulls._code_table(spec, int(reg.max()))

    def on(workers: int | None) -> Callable[[], Any]:
        return lambda: run_chunks(_nulls._simulated_tallies_chunk, b, chunk_size=_nulls.MC_CHUNK,
                                  rng=1, args=(spec, model, True, table), cells=n, workers=workers)

    return [
        Case("parallel", "process pool start (cold)", _pool_start,
             note="forkserver imports the package once; later calls reuse the pool"),
        Case("parallel", f"2BL size-aware Monte Carlo, B={b}, every core", on(None),
             {"one core": on(1)}, note="peer / ours = speed-up of the pool"),
    ]


def _loop(func: Callable[[], Any], min_time: float) -> Callable[[], Any]:
    """``func`` repeated enough times to last about ``min_time`` (for microsecond calls)."""
    import bench_seats

    loops = bench_seats.loops_for(func, min_time)

    def run() -> None:
        for _ in range(loops):
            func()

    run.loops = loops  # type: ignore[attr-defined]
    return run


def real_cases(b: int) -> tuple[list[Case], str]:
    """Loaders of every registered data set and the issue's cases on russia-2011-duma."""
    home = os.environ.get("ELECTIONSTATS_DATA")
    if not home:
        return [], "real data skipped: set ELECTIONSTATS_DATA to the folder of the data sets"
    cases = []
    names = list(es.datasets.list()["name"])
    for name in names:
        cases.append(Case("loaders", f"load {name}", lambda name=name: es.datasets.load(
            name, data_home=home)))
    if "russia-2011-duma" in names:
        holder: dict[str, es.Election] = {}

        def ru() -> es.Election:
            if "e" not in holder:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    holder["e"] = es.datasets.load("russia-2011-duma", data_home=home)
            return holder["e"]

        cases += [
            Case("russia-2011-duma", "integer percentages, exact",
                 lambda: es.integer_percentage_test(ru())),
            Case("russia-2011-duma", f"basic forensics by region, B={b}",
                 lambda: es.basic_forensics(ru(), by="region", n_resamples=b, rng=1)),
            Case("russia-2011-duma", f"spikes, B={b}",
                 lambda: es.spikes_test(ru(), n_resamples=b, rng=1)),
            Case("russia-2011-duma", "all digit tests, size-aware exact",
                 lambda: es.digit_tests(ru(), ru().resolve_party(),
                                        denominator=ru().counts("ballots_found"),
                                        null="size-aware")),
        ]

    def screen_all() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return es.screen(names, tests=SCREEN_TESTS, rng=1, data_home=home)

    cases.append(Case("screen", f"screen all {len(names)} data sets, {len(SCREEN_TESTS)} tests",
                      screen_all, note="one call, loading included: " + ", ".join(SCREEN_TESTS)))
    return cases, ""


def report_case(e: es.Election, tmp: Path, b: int | None) -> Case:
    """``electionstats report`` of the election written as a CSV (a fresh process)."""
    path = tmp / f"simulated-{len(e)}.csv"
    if not path.exists():
        e.data.reset_index().to_csv(path, index=False)
    parties = list(e.parties)
    cmd = [sys.executable, "-m", "electionstats", "report", str(path), "--out", str(tmp / "report"),
           "--station-id", "station_id", "--registered", "registered", "--ballots-issued",
           "ballots_issued", "--ballots-found", "ballots_found", "--valid", "valid",
           "--invalid", "invalid", "--party", *parties, "--region", "region", "--no-progress"]
    if b is not None:
        cmd += ["--n-resamples", str(b)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def run() -> None:
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tmp)

    return Case("report", "electionstats report of the CSV", run,
                note="fresh process: includes import and reading the CSV")


# -- running -----------------------------------------------------------------------------
def run_case(case: Case, data: str, n: int, repeats: int, micro: bool = False) -> Row:
    row = Row(case.group, case.name, data, n, note=case.note)
    try:
        func = _loop(case.func, 0.05) if micro else case.func
        m = measure(func, repeats)
        loops = getattr(func, "loops", 1)
        for k in ("median_s", "min_s", "max_s", "cpu_s"):
            m[k] /= loops
        row.__dict__.update(m)
        if loops > 1:
            row.note = (row.note + "; " if row.note else "") + f"per call, {loops:,} calls a run"
    except Exception as exc:  # a broken case is a row, not the end of the run
        row.note = f"error: {type(exc).__name__}: {exc}"[:300]
        return row
    rows_peer = []
    for peer, pfunc in case.peers.items():
        try:
            pf = _loop(pfunc, 0.05) if micro else pfunc
            pm = measure(pf, max(1, min(repeats, 3)))
            t = pm["median_s"] / getattr(pf, "loops", 1)
            rows_peer.append((peer, t))
        except Exception as exc:
            rows_peer.append((peer, float("nan")))
            row.note += f"; {peer} failed: {type(exc).__name__}"
    if rows_peer:
        ok = [(p, t) for p, t in rows_peer if np.isfinite(t)]
        if ok:
            best = min(ok, key=lambda pt: pt[1])
            row.peer = ", ".join(f"{p} {_fmt_s(t)}" for p, t in rows_peer)
            row.peer_median_s = best[1]
            row.peer_ratio = best[1] / row.median_s
    return row


def _fmt_s(t: float) -> str:
    if not np.isfinite(t):
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.0f} us"
    if t < 1:
        return f"{t * 1e3:.1f} ms"
    return f"{t:.2f} s"


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "unknown"


def write(rows: list[Row], out: Path, meta: dict[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    names = list(rows[0].fields()) if rows else list(Row("", "", "", 0).fields())
    with open(out / "results.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=names)
        w.writeheader()
        for r in rows:
            w.writerow(r.fields())
    lines = ["# electionstats benchmark", ""]
    lines += [f"- {k}: {v}" for k, v in meta.items()]
    lines += ["", "| group | case | data | stations | runs | median | min-max | cpu/wall | peak MB "
              "| peers | peer / ours | note |", "|---|---|---|---:|---:|---:|---|---:|---:|---|---:|---|"]
    for r in rows:
        spread = f"{_fmt_s(r.min_s)}-{_fmt_s(r.max_s)}" if r.runs > 1 else ""
        ratio = f"{r.peer_ratio:.1f}x" if np.isfinite(r.peer_ratio) else ""
        cw = f"{r.cpu_per_wall:.2f}" if np.isfinite(r.cpu_per_wall) else ""
        mb = f"{r.peak_mb:,.0f}" if np.isfinite(r.peak_mb) else ""
        n = f"{r.n:,}" if r.n else ""
        lines.append(f"| {r.group} | {r.case} | {r.data} | {n} | {r.runs} | {_fmt_s(r.median_s)} "
                     f"| {spread} | {cw} | {mb} | {r.peer} | {ratio} | {r.note} |")
    totals = {}
    for r in rows:
        if r.group == "battery" and np.isfinite(r.median_s):
            t = totals.setdefault(r.data, [0.0, 0.0])
            t[0] += r.median_s
            t[1] = max(t[1], r.peak_mb)
    if totals:
        lines += ["", "Whole forensic battery (the rows of group 'battery' added up):", ""]
        lines += [f"- {data}: {t:.1f} s, peak {mb:,.0f} MB" for data, (t, mb) in totals.items()]
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _print(r: Row) -> None:
    ratio = f"  peers: {r.peer} ({r.peer_ratio:.1f}x)" if r.peer else ""
    print(f"{r.group:16s} {r.case:44s} {r.data:18s} {_fmt_s(r.median_s):>9s} "
          f"cpu/wall {r.cpu_per_wall:4.2f} peak {r.peak_mb:7,.0f} MB{ratio}"
          f"{'  ' + r.note if r.note else ''}", flush=True)


def main(argv: list[str] | None = None) -> list[Row]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, few resamples (seconds)")
    p.add_argument("--sizes", default=None,
                   help="station counts of the simulated elections, e.g. 1e4,1e5 ('' for none)")
    p.add_argument("--repeats", type=int, default=None, help="runs per case (default 3, quick 1)")
    p.add_argument("--out", default=str(ROOT / "benchmarks" / "results"), help="output folder")
    p.add_argument("--only", default=None, help="run only cases whose group or name has this text")
    p.add_argument("--no-report", action="store_true", help="skip the command-line report")
    p.add_argument("--no-real", action="store_true", help="skip the real data sets")
    args = p.parse_args(argv)
    quick = args.quick
    sizes = [int(float(s)) for s in (("2e3" if quick else "1e4,1e5,1e6") if args.sizes is None
                                     else args.sizes).split(",") if s.strip()]
    repeats = args.repeats or (1 if quick else 3)
    b = 20 if quick else 1000
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git_commit(), "electionstats": es.__version__,
        "python": platform.python_version(), "numpy": np.__version__,
        "cores": str(os.cpu_count()), "load average before (1, 5, 15 min)": _load(),
        "resamples": f"{b:,}", "mode": "quick" if quick else "full",
    }
    print(" | ".join(f"{k}: {v}" for k, v in meta.items()), flush=True)
    keep = (lambda c: True) if not args.only else (
        lambda c: args.only.lower() in f"{c.group} {c.name}".lower())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for c in filter(keep, parallel_cases(2_000 if quick else 100_000, b)):
            rows.append(run_case(c, "simulated counts", 2_000 if quick else 100_000, repeats))
            _print(rows[-1])
        for c in filter(keep, seat_cases(quick)):
            rows.append(run_case(c, "party totals", c.n, repeats=max(repeats, 3), micro=True))
            _print(rows[-1])
        for n in sizes:
            sim = es.simulate_election(n, regions=max(2, min(100, n // 1000)), rng=SEED)
            e = sim.election
            data = f"simulated {n:,}"
            for c in filter(keep, synthetic_cases(e, b, not quick)):
                rows.append(run_case(c, data, n, repeats))
                _print(rows[-1])
            if not args.no_report and (quick or n == max(sizes)):
                c = report_case(e, tmp, b if quick else None)
                if keep(c):
                    rows.append(run_case(c, data, n, 1))
                    _print(rows[-1])
        if not quick and not args.no_real:
            cases, skipped = real_cases(b)
            if skipped:
                print(skipped)
                meta["real data"] = skipped
            for c in filter(keep, cases):
                data = c.name.removeprefix("load ") if c.group == "loaders" else c.group
                rows.append(run_case(c, data, 0, repeats))
                _print(rows[-1])
    meta["load average after"] = _load()
    write(rows, Path(args.out), meta)
    print(f"wrote {Path(args.out) / 'results.csv'} and results.md")
    return rows


if __name__ == "__main__":
    main()
