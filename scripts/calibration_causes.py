"""Why two tests miss their nominal size on clean simulated elections (issue 10).

Usage::

    python scripts/calibration_causes.py excess [N_ELECTIONS]   # default 300
    python scripts/calibration_causes.py dip [N_ELECTIONS]      # default 40, needs ELECTIONSTATS_DATA

``excess``: Shpilkin's excess votes on clean elections of the shipped Kazakhstan table's
kind (10,061 stations, clean turnout 63 %, leader 71 %). The calibration table counts a
rejection when the lower end of the two-sided 90 % bootstrap interval is above 0 (a
one-sided 5 % test). The script compares the spread of the estimate across elections with
the bootstrap's standard error (interval half-width / 1.645), first with the clean peak
chosen from the data (the default, ``peak='votes'``), then with the clean turnout fixed
at the simulated peak bin (``peak=0.625``).

``dip``: the dip tests of turnout and of the leader's share on clean elections that reuse
the 95,225 stations of ``russia-2011-duma`` (their sizes), on every station, on stations
of at least 50 and 100 valid votes, and with each share made continuous by adding a
uniform draw within half a vote.

Every election has its own seed from ``SeedSequence``; the markdown goes to
``scripts/results/calibration_causes_<study>.md``.
"""

from __future__ import annotations

import pathlib
import sys
import time
import warnings

import numpy as np

import electionstats as es
from electionstats import _shape

OUT = pathlib.Path(__file__).resolve().parent / "results"
KZ = {"registered": 11_900_000 / 10_061 / np.exp(0.125), "turnout": 0.63,
      "support": [0.71, 0.11, 0.09, 0.05, 0.04], "parties": 5}


def excess(n: int) -> str:
    rows = {}
    for label, peak in (("clean peak chosen from the data (default)", "votes"),
                        ("clean turnout fixed at 62.5 %", 0.625)):
        out = []
        for s in np.random.SeedSequence(20261202).spawn(n):
            g = np.random.default_rng(s)
            e = es.simulate_election(10_061, rng=g, **KZ).election
            r = es.excess_votes(e, peak=peak, n_resamples=199, confidence_level=0.9, rng=g)
            out.append((r.estimate, r.interval.low, r.interval.high, r.clean_turnout))
        rows[label] = np.array(out)
    lines = [
        "# Excess votes on clean elections: why the size is not 5 %", "",
        f"`python scripts/calibration_causes.py excess {n}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}):",
        f"{n:,} clean simulated elections of 10,061 stations (clean turnout 63 %, leader 71 %), "
        "199 bootstrap resamples, 90 % two-sided intervals.", "",
        "| clean peak | mean estimate | sd of the estimate across elections | mean bootstrap se "
        "| ratio | lower end > 0 (size of the one-sided 5 % test) | upper end < 0 | distinct peak bins |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, a in rows.items():
        est, lo, hi, peak = a.T
        se = ((hi - lo) / 2 / 1.645).mean()
        lines.append(f"| {label} | {est.mean():,.0f} | {est.std():,.0f} | {se:,.0f} | "
                     f"{se / est.std():.2f} | {np.mean(lo > 0):.1%} | {np.mean(hi < 0):.1%} | "
                     f"{np.unique(peak).size} |")
    a = rows["clean peak chosen from the data (default)"]
    vals, counts = np.unique(a[:, 3], return_counts=True)
    top = ", ".join(f"{100 * v:.1f} % ({c})" for v, c in sorted(zip(vals, counts), key=lambda t: -t[1])[:5])
    d, f = rows["clean peak chosen from the data (default)"], rows["clean turnout fixed at 62.5 %"]

    def ratio(a):
        return ((a[:, 2] - a[:, 1]) / 2 / 1.645).mean() / a[:, 0].std()

    vals, counts = np.unique(d[:, 3], return_counts=True)
    top = ", ".join(f"{100 * v:.1f} % ({c})" for v, c in sorted(zip(vals, counts), key=lambda t: -t[1])[:5])
    lines += ["", f"Most frequent clean-peak bins (centre, elections): {top}; lowest "
              f"{100 * vals.min():.1f} %.", "",
              f"Reading: with the clean peak chosen from the data the one-sided tests reject "
              f"{np.mean(d[:, 1] > 0):.1%} and {np.mean(d[:, 2] < 0):.1%} (5 % nominal), the "
              f"bootstrap standard error averages {ratio(d):.2f} of the estimate's spread, the "
              f"mean estimate is {d[:, 0].mean() / d[:, 0].std():+.2f} of that spread from 0, and "
              f"the peak fell in {np.unique(d[:, 3]).size} different bins; with the clean turnout "
              f"fixed (one bin) they reject {np.mean(f[:, 1] > 0):.1%} and "
              f"{np.mean(f[:, 2] < 0):.1%} with a ratio of {ratio(f):.2f}. The difference comes "
              "from choosing the peak: its bin moves from one election to the next, and a "
              "bootstrap of a maximiser does not reproduce that movement."]
    return "\n".join(lines) + "\n"


def dip(n: int) -> str:
    ru = es.datasets.load("russia-2011-duma")
    cuts = (1, 50, 100)
    res = {(w, m, j): [] for w in ("turnout", "share") for m in cuts for j in (False, True)}
    for s in np.random.SeedSequence(20261203).spawn(n):
        g = np.random.default_rng(s)
        e = es.simulate_election(registered=ru, rng=g).election
        v, den = e.counts(e.resolve_party()), e.counts("valid")
        b, reg = e.counts("ballots_found"), e.counts("registered")
        for m in cuts:
            k = (den > 0) & (den >= m)
            for jitter in (False, True):
                u = g.random(k.sum()) - 0.5 if jitter else 0.0
                res[("share", m, jitter)].append(_shape.dip_test((v[k] + u) / den[k])[1])
                u = g.random(k.sum()) - 0.5 if jitter else 0.0
                res[("turnout", m, jitter)].append(_shape.dip_test((b[k] + u) / reg[k])[1])
    lines = [
        "# Dip tests on Russia 2011's station sizes: why the share test rejects", "",
        f"`python scripts/calibration_causes.py dip {n}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}): "
        f"{n} clean simulated elections on the 95,225 stations of russia-2011-duma "
        "(the simulator's default clean part: unimodal turnout and share).", "",
        "| variable | stations used | rejections at 5 % | made continuous (+ uniform within half a vote) |",
        "|---|---|---:|---:|",
    ]
    for w in ("share", "turnout"):
        for m in cuts:
            a, b = np.array(res[(w, m, False)]), np.array(res[(w, m, True)])
            used = "every station" if m == 1 else f"at least {m} valid votes"
            lines.append(f"| {w} | {used} | {np.mean(a < 0.05):.1%} | {np.mean(b < 0.05):.1%} |")
    rate = {key: np.mean(np.array(v) < 0.05) for key, v in res.items()}
    lines += ["", f"Reading: on every station the share test rejects {rate[('share', 1, False)]:.0%} "
              f"of clean elections, and {rate[('share', 1, True)]:.0%} once each share is spread "
              f"within half a vote ({rate[('share', 100, False)]:.0%} on stations of at least 100 "
              "votes). A share is a ratio of small whole numbers, so small stations put atoms at "
              "fractions such as 1/2 and 2/3, which a test made for continuous data reads as "
              "extra modes."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    warnings.simplefilter("ignore")
    study = argv[0] if argv else "excess"
    n = int(argv[1]) if len(argv) > 1 else (300 if study == "excess" else 40)
    text = {"excess": excess, "dip": dip}[study](n)
    OUT.mkdir(exist_ok=True)
    (OUT / f"calibration_causes_{study}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
