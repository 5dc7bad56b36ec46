"""Parameter-recovery and size study of the Klimek fraud-model fit (issue 10 acceptance).

Usage::

    python scripts/fraud_recovery.py recovery [N_REPLICATES] [N_STATIONS]
    python scripts/fraud_recovery.py size [N_REPLICATES] [N_STATIONS]
    python scripts/fraud_recovery.py real          # Russia 2011, 2012, Poland 2020 r1

``recovery`` fits elections simulated with f_i in {0, 0.1, 0.3}, f_e in {0, 0.02, 0.05},
alpha in {1, 2} (theta 0.1; beta clean spreads, binomial noise) and prints, per
setting, how often the 90 % intervals cover the true f_i and f_e (target: at least 80 %
of 50 replicates at 10,000 stations). ``size`` prints the rejection rate of the no-fraud
test at 5 % on clean elections of three clean shapes (target 3.5-6.5 %). ``real`` fits
the real elections (needs ``ELECTIONSTATS_DATA``). Replicates run on every core through
the package's parallel engine; seeds are fixed, so results do not depend on the number
of workers.
"""

from __future__ import annotations

import itertools
import sys
import time
import warnings

import numpy as np
import pandas as pd

import electionstats as es

SETTINGS = list(itertools.product((0.0, 0.1, 0.3), (0.0, 0.02, 0.05), (1.0, 2.0)))
CLEAN_SHAPES = {
    "beta": {},
    "logit-normal": {"spread": "logitnormal"},
    "beta, 20 regions": {"regions": 20, "region_sd": 0.15},
}


def _one(seed: int, n_stations: int, f_i: float, f_e: float, alpha: float, clean: dict) -> dict:
    sim = es.simulate_election(n_stations, fraud=es.KlimekFraud(f_i, f_e, alpha=alpha, theta=0.1),
                               rng=seed, **clean)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = es.fit_fraud_model(sim.election, rng=seed + 1)
    est = fit.estimates
    return {
        "f_i": f_i, "f_e": f_e, "alpha": alpha,
        "f_i_hat": est.loc["f_i", "estimate"], "f_e_hat": est.loc["f_e", "estimate"],
        "cover_f_i": est.loc["f_i", "low"] <= f_i <= est.loc["f_i", "high"],
        "cover_f_e": est.loc["f_e", "low"] <= f_e <= est.loc["f_e", "high"],
        "pvalue": fit.pvalue,
    }


def _run(jobs: list[tuple]) -> pd.DataFrame:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor() as pool:
        rows = list(pool.map(_star, jobs))
    return pd.DataFrame(rows)


def _star(job):
    return _one(*job)


def recovery(n_rep: int, n_stations: int) -> None:
    jobs = [(1000 * k + r, n_stations, fi, fe, al, {}) for k, (fi, fe, al) in enumerate(SETTINGS)
            for r in range(n_rep)]
    t0 = time.perf_counter()
    df = _run(jobs)
    out = df.groupby(["f_i", "f_e", "alpha"]).agg(
        n=("cover_f_i", "size"), cover_f_i=("cover_f_i", "mean"), cover_f_e=("cover_f_e", "mean"),
        mean_f_i=("f_i_hat", "mean"), mean_f_e=("f_e_hat", "mean"))
    print(out.round(3).to_string())
    print(f"{len(df)} fits of {n_stations:,} stations in {time.perf_counter() - t0:.0f} s")


def size(n_rep: int, n_stations: int) -> None:
    for name, clean in CLEAN_SHAPES.items():
        jobs = [(50_000 + r, n_stations, 0.0, 0.0, 1.0, clean) for r in range(n_rep)]
        df = _run(jobs)
        rate = (df["pvalue"] < 0.05).mean()
        se = np.sqrt(rate * (1 - rate) / len(df))
        print(f"{name}: rejection rate at 5 % = {100 * rate:.1f} % (MC s.e. {100 * se:.1f}) over {len(df)} elections")


def real() -> None:
    for name in ("russia-2011-duma", "russia-2012-president", "poland-2020-president-r1"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e = es.datasets.load(name)
            t0 = time.perf_counter()
            fit = es.fit_fraud_model(e, rng=1)
            grid = es.fit_fraud_model(e, preset="klimek2012", rng=1)
        print(f"== {name} ({fit.n:,} stations, {fit.n_excluded:,} left out; {time.perf_counter() - t0:.0f} s)")
        print(fit.estimates[["estimate", "low", "high"]].round(4).to_string())
        print(f"no-fraud LR {fit.statistic:,.1f}, p = {fit.pvalue:.3g}")
        print("klimek2012 grid:", grid.estimates.loc[["f_i", "f_e", "alpha"], ["estimate", "std_error"]].round(4).to_dict())


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "recovery"
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    {"recovery": lambda: recovery(reps, n), "size": lambda: size(reps, n), "real": real}[what]()
