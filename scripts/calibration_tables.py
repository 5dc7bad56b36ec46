"""Regenerate the shipped size and power tables (electionstats/_data/calibration_*.csv).

Usage::

    python scripts/calibration_tables.py [--tables kazakhstan russia2011] [--seed 20261202]
        [--scale 1.0] [--workers N] [--out electionstats/_data]
    python scripts/calibration_tables.py --tests "excess votes" [--base electionstats/_data]
        [--until 07:50] [--why TEXT] ...

Two tables (issue 10 item 4):

* ``kazakhstan``: 10,061 stations, sizes log-normal (log-sd 0.5) around a median of 1,044
  voters so that about 11.9 million are registered (Kazakhstan 2021), clean turnout 63 %,
  five parties with mean shares 71, 11, 9, 5 and 4 % (the official 2021 result); the
  default fraud grid of :func:`electionstats.calibrate` plus the observers' scenario
  (real turnout 15 % reported as 63.25 %, :func:`electionstats.fraud.observers_scenario`).
* ``russia2011``: the 95,225 stations (registered voters) of ``russia-2011-duma``
  (needs ``ELECTIONSTATS_DATA``), clean turnout 60 %, five parties with mean shares 49, 19,
  13, 12 and 7 %; clean elections and four fraud settings.

The work is split into blocks in order of priority (sizes first: they need the most
elections), each block with its own seed ``SeedSequence([seed, table, setting, test group,
first election of the block])``, and the CSV is rewritten after every block, so a run that
is cut short still leaves a valid table (each row says on how many elections it rests).
The spikes test is a group of its own with fewer elections: it costs about twice all the
other tests together. ``--scale`` multiplies every number of elections (0.05 for a smoke run).
The provenance files ``calibration_<table>.md`` are rewritten after every block.

``--tests NAME [NAME ...]`` regenerates only those tests' rows (after a change to what a
test decides) and merges them into the table in ``--base`` (default: the shipped one):
every other row is copied line for line, so it stays byte-identical. The plan and the
block seeds are those of a full run: a block's seed does not depend on which tests run,
its elections are simulated from the seed's first child whatever the tests, and each test
draws from a generator keyed by its place in the battery (``calibrate._test_seed``), so a
regenerated row is the row a full run at this commit would give. The provenance file keeps
the earlier run's text and gains a section saying which rows were regenerated, at which
commit and when, with the old and new rates side by side. ``--until HH:MM`` (UTC) starts no
block that would not end by then (estimated from the blocks done), so a run cut for time
keeps a prefix of the plan with the same seeds, as a full run cut short does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import electionstats as es
from electionstats.calibrate import DEFAULT_FRAUD_GRID
from electionstats.fraud import observers_scenario
from electionstats.screen import ALL_TESTS, TESTS

DATA = Path(__file__).resolve().parents[1] / "electionstats" / "_data"

SPIKES = ("spikes",)
FAST = tuple(t for t in ALL_TESTS if t not in SPIKES)
TABLE_IDS = {"kazakhstan": 1, "russia2011": 2}
KEYS = ["test", "fraud", "parameter", "value", "setting", "measures"]
#: A row's identity when merging: the setting's wording is left out, since the number
#: format of the labels changed (f_i = 0.454435 is written 0.4544 since commit 2ea2e90).
MERGE_KEYS = ["test", "fraud", "parameter", "value", "measures"]


def kazakhstan_setup():
    # The fraud shares that give 63.25 % reported turnout (solved in closed form).
    obs = observers_scenario(rng=0).params["solved"]
    observers = {
        "label": "observers' scenario", "parameter": "real turnout", "value": 0.15,
        "fraud": es.KlimekFraud(obs["f_i"], obs["f_e"], alpha=obs["alpha"], theta=obs["theta"]),
        "turnout": 0.15, "turnout_sd": 0.05, "support": 0.5, "parties": 3,
    }
    observers_clean = {"label": "clean at 15 % turnout", "parameter": "real turnout",
                       "value": 0.15, "fraud": None, "turnout": 0.15, "turnout_sd": 0.05,
                       "support": 0.5, "parties": 3}
    # The default grid without its smallest amounts (CPU time is scarce on this machine).
    grid = [*DEFAULT_FRAUD_GRID[:1], *DEFAULT_FRAUD_GRID[2:4], *DEFAULT_FRAUD_GRID[5:],
            observers, observers_clean]
    simulation = {"registered": 11_900_000 / 10_061 / np.exp(0.125), "turnout": 0.63,
                  "support": [0.71, 0.11, 0.09, 0.05, 0.04], "parties": 5}
    return {"n_stations": 10_061}, simulation, grid


def russia_setup():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = es.datasets.load("russia-2011-duma")
    grid = [None, es.KlimekFraud(f_i=0.1), es.KlimekFraud(f_i=0.0, f_e=0.02),
            es.DigitFabrication(share=0.1), es.RoundingFraud(share=0.05)]
    simulation = {"turnout": 0.6, "support": [0.49, 0.19, 0.13, 0.12, 0.07], "parties": 5}
    return {"election": e}, simulation, grid


# (table, test group, which settings, first and last election index, elections per block), in
# order of priority, so that a run cut short has sizes, the observers' rows and every power
# point, then more precise sizes. Clean settings give sizes; the rest power.
def plan(scale: float):
    def n(x):
        return max(2, int(round(x * scale)))

    return [
        ("kazakhstan", FAST, "clean", 0, n(100), n(50)),
        ("russia2011", FAST, "clean", 0, n(10), n(5)),
        ("kazakhstan", FAST, "observers", 0, n(20), n(20)),
        ("kazakhstan", FAST, "fraud", 0, n(15), n(15)),
        ("kazakhstan", SPIKES, "clean", 0, n(20), n(20)),
        ("kazakhstan", SPIKES, "observers", 0, n(10), n(10)),
        ("kazakhstan", SPIKES, "fraud", 0, n(5), n(5)),
        ("russia2011", FAST, "fraud", 0, n(5), n(5)),
        ("russia2011", SPIKES, "clean", 0, n(4), n(4)),
        ("russia2011", SPIKES, "fraud", 0, n(2), n(2)),
        ("kazakhstan", FAST, "clean", n(100), n(1000), n(100)),
        ("kazakhstan", FAST, "observers", n(20), n(100), n(40)),
        ("kazakhstan", FAST, "fraud", n(15), n(100), n(15)),
        ("russia2011", FAST, "clean", n(10), n(100), n(10)),
        ("kazakhstan", SPIKES, "clean", n(20), n(200), n(30)),
        ("kazakhstan", SPIKES, "observers", n(10), n(50), n(20)),
        ("kazakhstan", SPIKES, "fraud", n(5), n(50), n(15)),
        ("russia2011", FAST, "fraud", n(5), n(40), n(5)),
        ("russia2011", SPIKES, "clean", n(4), n(40), n(4)),
        ("russia2011", SPIKES, "fraud", n(2), n(20), n(3)),
    ]


def _setting_label(entry) -> tuple[str, float]:
    """(fraud, value) of a grid entry as the table writes them."""
    from electionstats.calibrate import _setting

    row = _setting(entry, 0)[1]
    return row["fraud"], float(row["value"])


def _kind(entry) -> str:
    """'clean' (the default clean election), 'observers' (the labelled settings) or 'fraud'."""
    if entry is None:
        return "clean"
    return "observers" if isinstance(entry, dict) else "fraud"


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum blocks of one table: counts add up, rates and standard errors are recomputed."""
    t = pd.concat(parts, ignore_index=True)
    t["notes"] = t["notes"].fillna("")
    g = t.groupby(KEYS, sort=False, dropna=False)
    out = g.agg(n_elections=("n_elections", "sum"), n_computed=("n_computed", "sum"),
                rejections=("rejections", "sum"), alpha=("alpha", "first"),
                n_stations=("n_stations", "first"), n_resamples=("n_resamples", "first"),
                notes=("notes", lambda s: "; ".join(x for x in dict.fromkeys(s) if x)))
    out = out.reset_index()
    r = out["rejections"] / out["n_computed"].where(out["n_computed"] > 0)
    out["rejection_rate"] = r
    out["standard_error"] = np.sqrt(r * (1 - r) / out["n_computed"].where(out["n_computed"] > 0))
    order = [*KEYS, "n_elections", "n_computed", "rejections", "rejection_rate",
             "standard_error", "alpha", "n_stations", "n_resamples", "notes"]
    out = out[order]
    # Tests in battery order, settings in grid order.
    out["_t"] = out["test"].map({t: i for i, t in enumerate(TESTS)})
    return out.sort_values(["_t"], kind="stable").drop(columns="_t").reset_index(drop=True)


def _span(rows: pd.DataFrame) -> str:
    """The numbers of elections of ``rows``: one number or a range."""
    if rows.empty:
        return "none"
    lo, hi = int(rows["n_elections"].min()), int(rows["n_elections"].max())
    return f"{lo:,}" if lo == hi else f"{lo:,} to {hi:,}"


def status(table: pd.DataFrame) -> str:
    """What this snapshot of a table rests on (a run may be cut before its plan ends)."""
    spikes = table["test"].isin(SPIKES)
    clean = table["fraud"] == "none"
    power = table["measures"] == "power"
    n_max = int(table.loc[clean, "n_elections"].max())
    se = 100 * (0.05 * 0.95 / n_max) ** 0.5
    return "\n".join([
        "Status of this snapshot (the planned numbers of elections are in `plan()` of the",
        "script; a run cut short keeps what it finished):",
        f"- sizes: {_span(table[clean & ~spikes])} clean elections per test (spikes: "
        f"{_span(table[clean & spikes])}); the binomial standard error of a 5 % size is "
        f"{se:.1f} percentage points at {n_max:,} elections;",
        f"- power points: {_span(table[power & ~spikes])} elections each (spikes: "
        f"{_span(table[power & spikes])}).",
    ]) + "\n"


def read_table(text: str) -> pd.DataFrame:
    """A table as `es.calibration_table` reads it (empty strings stay strings)."""
    return pd.read_csv(io.StringIO(text), keep_default_na=False,
                       na_values={"rejection_rate": [""], "standard_error": [""]})


def _row_keys(t: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in t[MERGE_KEYS].itertuples(index=False)]


def merge_rows(base_text: str, new: pd.DataFrame, tests: list[str]) -> str:
    """The table ``base_text`` (CSV) with the rows of ``tests`` replaced by those of ``new``.

    Every other line of ``base_text`` is copied as it is (byte-identical). A regenerated
    row takes its place and the base's wording of its setting; a setting of a regenerated
    test that ``new`` does not have yet (a run cut short) keeps its base row, with a note
    saying so; a test the base lacks goes where the battery's order puts it.
    """
    lines = base_text.splitlines(keepends=True)
    base = read_table(base_text)
    if len(base) != len(lines) - 1:
        raise ValueError("a field of the base table spans lines; it cannot be merged line by line")
    header = lines[0].rstrip("\r\n").split(",")
    # The new rows as the base would read them (same parsing of values and empty fields).
    new = read_table(new[header].to_csv(index=False))
    new = new[new["test"].isin(tests)]

    def render(row: pd.Series) -> str:
        return row.to_frame().T[header].to_csv(index=False, header=False)

    wording = dict(zip(_row_keys(base), base["setting"]))
    new_rows = {key: row for key, (_, row) in zip(_row_keys(new), new.iterrows())}
    blocks: dict[str, list[str]] = {}  # test -> its lines, in the base's order of tests
    for key, line, (_, row) in zip(_row_keys(base), lines[1:], base.iterrows()):
        test = key[0]
        if test not in tests:
            blocks.setdefault(test, []).append(line)
        elif key in new_rows:
            fresh = new_rows.pop(key).copy()
            fresh["setting"] = wording[key]
            blocks.setdefault(test, []).append(render(fresh))
        else:
            row = row.copy()
            row["notes"] = "; ".join(x for x in (
                row["notes"], "not regenerated (the run stopped first): the earlier run's row")
                if x)
            blocks.setdefault(test, []).append(render(row))
    for key, row in new_rows.items():  # settings or tests the base does not have
        blocks.setdefault(key[0], []).append(render(row))
    order = {t: i for i, t in enumerate(TESTS)}
    seen = list(dict.fromkeys(base["test"]))
    for t in blocks:
        if t not in seen:  # after the last test that precedes it in the battery
            before = [i for i, u in enumerate(seen) if order.get(u, -1) < order.get(t, -1)]
            seen.insert(before[-1] + 1 if before else 0, t)
    return lines[0] + "".join(line for t in seen for line in blocks[t])


def regenerated_section(args, log: list[str], old: pd.DataFrame,
                        new: pd.DataFrame) -> str:
    """The provenance section of rows regenerated with ``--tests``: what, when, old and new."""
    tests = ", ".join(f"`{t}`" for t in args.tests)
    argv = sys.argv[1:]
    if "--why" in argv[:-1]:  # the reason is quoted in full above the command
        at = argv.index("--why") + 1
        argv = [*argv[:at], "WHY", *argv[at + 1:]]
    lines = [
        f"## Rows regenerated: {tests}",
        "",
        f"The rows of {tests} were simulated again and replace those of the run described "
        "below; every other row of the table is that run's, unchanged (byte for byte).",
    ]
    if args.why:
        lines += ["", f"Why: {args.why}"]
    lines += [
        "",
        f"- Command: `python scripts/calibration_tables.py {shlex.join(argv)}`"
        + (" (`WHY`: the text above)" if args.why else ""),
        f"- Seed: {args.seed} and the plan's blocks (`SeedSequence([seed, table, setting, "
        "group, first election])`): the same simulated elections as a full run",
        f"- Code: git commit {args.commit or 'not given'}",
        f"- electionstats {es.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"Python {platform.python_version()}",
        f"- Written: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Plan: `plan({args.scale:g})` of the script"
        + (f", blocks started only if estimated to end by {args.until} UTC" if args.until else ""),
        f"- These rows rest on: {_span(new[new['fraud'] == 'none'])} clean elections "
        f"(sizes), {_span(new[new['measures'] == 'power'])} per power point",
        "",
        "Old and new rejection rates (rejections / elections the test ran on):",
        "",
        "| test | fraud | amount | measures | old | new |",
        "|---|---|---|---|---|---|",
    ]
    old_rows = dict(zip(_row_keys(old), old.itertuples(index=False)))
    for key, r in zip(_row_keys(new), new.itertuples(index=False)):
        o = old_rows.get(key)
        was = "-" if o is None else (f"{o.rejection_rate:.1%} ({o.rejections:,}/"
                                     f"{o.n_computed:,})")
        amount = f"{r.parameter} = {r.value:g}" if r.parameter else ""
        lines.append(f"| {r.test} | {r.fraud} | {amount} | {r.measures} | {was} | "
                     f"{r.rejection_rate:.1%} ({r.rejections:,}/{r.n_computed:,}) |")
    lines += ["", "Run log (blocks in order; wall time on a shared 2-core machine):", ""]
    lines += [f"- {x}" for x in log]
    return "\n".join(lines) + "\n"


def insert_section(base_md: str, section: str) -> str:
    """``section`` after the base provenance's opening (before its first ``## `` heading)."""
    cut = base_md.find("\n## ")
    if cut < 0:
        return base_md.rstrip("\n") + "\n\n" + section
    return base_md[:cut].rstrip("\n") + "\n\n" + section + base_md[cut:]


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def provenance(out: Path, name: str, args, log: list[str], stations: str) -> None:
    lines = [
        f"# Shipped calibration table `calibration_{name}.csv`: provenance",
        "",
        "Size (rejection rate on clean simulated elections) and power (detection rate with",
        "known fraud) of every test of the battery, read by `es.calibration_table(name)`.",
        "",
        f"- Command: `python scripts/calibration_tables.py {' '.join(sys.argv[1:])}`",
        f"- Seed: {args.seed} (block seeds "
        "`SeedSequence([seed, table, setting, group, first election])`)",
        f"- Code: git commit {args.commit or 'not given'}",
        f"- electionstats {es.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"Python {platform.python_version()}",
        f"- Written: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Level 5 %; Monte Carlo and bootstrap tests with {args.n_resamples} replicates "
        "(p-values in steps of 0.005).",
        "- The fraud model's no-fraud test is not in the tables: one fit takes 10 to 20 s at",
        "  10,000 stations (several minutes at Russia's 95,000), too slow for hundreds of",
        "  simulated elections on this machine; its size is studied by",
        "  `scripts/fraud_recovery.py size`.",
        "- Standard errors are binomial: sqrt(r (1 - r) / n) for a rate r over n elections.",
        "  Sizes rest on more elections than power points (the size must be known to about",
        "  0.7 percentage points); each row's `n_elections` says how many.",
        "",
        f"- Stations: {stations}",
    ]
    lines += ["", "## Run log (blocks in order; wall time measured on a shared 2-core machine)", ""]
    lines += [f"- {x}" for x in log]
    write_atomic(out / f"calibration_{name}.md", "\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tables", nargs="+", default=list(TABLE_IDS), choices=list(TABLE_IDS))
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--n-resamples", type=int, default=199)
    ap.add_argument("--commit", default="", help="git commit of the code, for the provenance")
    ap.add_argument("--only", nargs="+", default=["clean", "observers", "fraud"],
                    choices=["clean", "observers", "fraud"],
                    help="run only these settings (to split a table over processes)")
    ap.add_argument("--part", default="", help="suffix of the output files of a split run")
    ap.add_argument("--merge", action="store_true",
                    help="combine the parts calibration_<table>.<part>.csv into the table")
    ap.add_argument("--merge-to", type=Path, default=None,
                    help="folder of the merged table (default --out)")
    ap.add_argument("--out", type=Path, default=DATA)
    ap.add_argument("--tests", nargs="+", default=None, choices=list(ALL_TESTS),
                    metavar="NAME",
                    help="regenerate only these tests' rows and merge them into the table in "
                         "--base (other rows kept byte-identical); names as in "
                         "electionstats.screen.TESTS, quoted")
    ap.add_argument("--base", type=Path, default=DATA,
                    help="with --tests: folder of the tables to merge into (default: shipped)")
    ap.add_argument("--until", default="",
                    help="HH:MM (UTC): start no block estimated to end later")
    ap.add_argument("--why", default="", help="with --tests: why, for the provenance")
    ap.add_argument("--match-base", action="store_true",
                    help="with --tests: run only the plan's blocks the base's rows rest on "
                         "(same elections as the base; reproduces its rows if nothing changed)")
    args = ap.parse_args()
    if args.tests and (args.merge or args.part):
        ap.error("--tests merges into --base itself; it does not combine with --merge or --part")
    if args.match_base and not args.tests:
        ap.error("--match-base needs --tests")
    deadline = None
    if args.until:
        now = dt.datetime.now(dt.timezone.utc)
        hh, mm = (int(x) for x in args.until.split(":"))
        deadline = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
        if deadline <= now:
            deadline += dt.timedelta(days=1)
    if args.merge:
        for name in args.tables:
            parts = sorted(args.out.glob(f"calibration_{name}.*.csv")) or [
                args.out / f"calibration_{name}.csv"]
            frames = [pd.read_csv(p, keep_default_na=False, na_values={
                "rejection_rate": [""], "standard_error": [""]}) for p in parts]
            table = combine(frames)
            target = args.merge_to or args.out
            write_atomic(target / f"calibration_{name}.csv", table.to_csv(index=False))
            notes = [p.with_suffix(".md") for p in parts]
            text = f"# Shipped calibration table `calibration_{name}.csv`: provenance\n\n"
            text += (f"Merged from {len(parts)} part(s) (`--part`), then "
                     f"`python scripts/calibration_tables.py --merge --tables {name}`.\n\n")
            text += status(table) + "\n"
            for note in notes:
                body = note.read_text(encoding="utf-8").split("\n", 1)[1]
                text += f"\n## Part `{note.name}`\n{body}"
            write_atomic(target / f"calibration_{name}.md", text)
            print(f"{name}: {len(parts)} parts, {len(table)} rows", flush=True)
        return
    suffix = f".{args.part}" if args.part else ""
    setups = {}
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in args.tables}
    log: dict[str, list[str]] = {name: [] for name in args.tables}
    base_csv, base_md = {}, {}
    if args.tests:  # read once: --out may be --base, rewritten after every block
        for name in args.tables:
            base_csv[name] = (args.base / f"calibration_{name}.csv").read_text(encoding="utf-8")
            base_md[name] = (args.base / f"calibration_{name}.md").read_text(encoding="utf-8")
    per_election: dict[tuple[str, tuple[str, ...]], float] = {}  # wall seconds, last block
    stations: dict[str, str] = {}

    def write(name: str) -> None:
        """The table and its provenance as they stand (after every block)."""
        table = combine(parts[name])
        if args.tests:
            old = read_table(base_csv[name])
            write_atomic(args.out / f"calibration_{name}.csv",
                         merge_rows(base_csv[name], table, args.tests))
            section = regenerated_section(args, log[name],
                                          old[old["test"].isin(args.tests)], table)
            write_atomic(args.out / f"calibration_{name}.md",
                         insert_section(base_md[name], section))
            return
        write_atomic(args.out / f"calibration_{name}{suffix}.csv", table.to_csv(index=False))
        provenance(args.out, f"{name}{suffix}", args, log[name], stations[name])

    stopped = False
    for b_table, group, which, first, last, n_block in plan(args.scale):
        if b_table not in args.tables or stopped:
            continue
        names = [t for t in group if not args.tests or t in args.tests]
        if not names:
            continue
        if b_table not in setups:
            setups[b_table] = kazakhstan_setup() if b_table == "kazakhstan" else russia_setup()
        where, simulation, grid = setups[b_table]
        for s, entry in enumerate(grid):
            if _kind(entry) != which or which not in args.only:
                continue
            if args.match_base:  # the base's elections of this setting (its first test's row)
                base = read_table(base_csv[b_table])
                label = _setting_label(entry)
                n_base = base.loc[(base["test"] == names[0]) & (base["fraud"] == label[0])
                                  & (base["value"] == label[1]), "n_elections"]
                end = min(last, int(n_base.iloc[0]) if len(n_base) else 0)
            else:
                end = last
            for start in range(first, end, n_block):
                k = min(n_block, end - start)
                rate = per_election.get((b_table, group))
                if deadline is not None and rate is not None and (
                        dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=rate * k)
                        > deadline):
                    msg = (f"{dt.datetime.now(dt.timezone.utc):%H:%M:%S} stopped before "
                           f"{b_table}, setting {s}, elections {start}-{start + k - 1}: "
                           f"estimated {rate * k:,.0f} s, past --until {args.until} UTC")
                    print(msg, flush=True)
                    for name in args.tables:  # every table's log says where the plan stopped
                        if parts[name]:
                            log[name].append(msg)
                    stopped = True
                    break
                # The block's seed does not depend on the tests run (see the docstring).
                seed = np.random.SeedSequence(
                    [args.seed, TABLE_IDS[b_table], s, 0 if group == FAST else 1, start])
                t0 = time.perf_counter()
                res = es.calibrate(names, fraud_grid=[entry], n_elections=k,
                                   simulation=simulation, rng=seed, workers=args.workers,
                                   n_resamples=args.n_resamples, progress=False, **where)
                wall = time.perf_counter() - t0
                per_election[(b_table, group)] = wall / k
                parts[b_table].append(res.table)
                what = ('spikes' if group == SPIKES else 'other tests') if not args.tests else (
                    ", ".join(names))
                msg = (f"{dt.datetime.now(dt.timezone.utc):%H:%M:%S} {b_table}: "
                       f"{what}, setting {s} "
                       f"({res.table['setting'].iloc[0]}), elections {start}-{start + k - 1} "
                       f"in {wall:,.0f} s")
                if args.tests:
                    msg += ": " + ", ".join(f"{r.test} rejected {r.rejections}/{r.n_computed}"
                                            for r in res.table.itertuples())
                log[b_table].append(msg)
                print(msg, flush=True)
                stations[b_table] = res.stations
                write(b_table)
            if stopped:
                break
    for name in args.tables:  # the logs say where a run cut by --until stopped
        if stopped and parts[name]:
            write(name)


if __name__ == "__main__":
    main()
