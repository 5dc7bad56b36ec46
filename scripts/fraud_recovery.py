"""Parameter recovery, size of the no-fraud test and real-data fits of the Klimek fraud model.

Usage::

    python scripts/fraud_recovery.py recovery [N_REPLICATES] [N_STATIONS] [WORKERS]
    python scripts/fraud_recovery.py size [N_REPLICATES] [N_STATIONS] [WORKERS]
    python scripts/fraud_recovery.py bootsize [N_ELECTIONS] [N_STATIONS]  # bootstrap p-value, 19 refits
    python scripts/fraud_recovery.py summarise [N_REPLICATES] [N_STATIONS] [WORKERS]  # markdown from the CSVs
    python scripts/fraud_recovery.py real [NAMES] [--by]  # Russia 2011, 2012, Poland 2020 r1

``recovery`` fits elections simulated with f_i in {0, 0.1, 0.3}, f_e in {0, 0.02, 0.05},
alpha in {1, 2} (theta 0.1; the simulator's default clean part: beta spreads, binomial
noise, 2 % invalid ballots, log-normal station sizes) and reports per setting how often
the 90 % intervals cover the true f_i and f_e (issue 10's target: at least 80 % of 50
replicates at 10,000 stations). ``size`` reports the rejection rate of the no-fraud test
at 5 % on clean elections of several clean shapes that differ from the fit's model
(target 3.5-6.5 %). ``real`` fits the real elections (needs ``ELECTIONSTATS_DATA``).

Results go to ``scripts/results/`` (CSV with every fit, and a markdown summary). Every
replicate has its own fixed seed, so results do not depend on the number of workers.
The defaults are the acceptance sizes; on a shared 2-core machine run a reduced version
first (e.g. ``recovery 4 10000``) and say so.
"""

from __future__ import annotations

import itertools
import os
import pathlib
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

import electionstats as es

# results go to scripts/results/, or to the folder in FRAUD_RESULTS (a long run can then
# write outside the git checkout, and be copied in when it is landed)
OUT = pathlib.Path(os.environ.get("FRAUD_RESULTS", pathlib.Path(__file__).resolve().parent / "results"))
SETTINGS = list(itertools.product((0.0, 0.1, 0.3), (0.0, 0.02, 0.05), (1.0, 2.0)))
# clean parts that differ from the fit's own model (independent logit-normal mixtures)
CLEAN_SHAPES = {
    "beta spreads (simulator default)": ({}, {}),
    "logit-normal spreads": ({"spread": "logitnormal"}, {}),
    "truncated normal spreads (Klimek)": ({"spread": "normal"}, {}),
    "small stations (median 150 voters)": ({"registered": 150}, {}),
    "20 regions, fitted with by='region'": ({"regions": 20, "region_sd": 0.15}, {"by": "region"}),
    "Russia 2011 station sizes": ({"russia_sizes": True}, {}),
}


def _md(df: pd.DataFrame, index: bool = True) -> str:
    """A markdown table (without the optional tabulate dependency)."""
    if index:
        df = df.reset_index()
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(lines)


def _commit() -> str:
    """The git commit of the code that ran (results are tied to it)."""
    import subprocess

    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=pathlib.Path(__file__).parent,
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


COMMIT = os.environ.get("FRAUD_CODE_COMMIT") or _commit()


def _wall(wall: float) -> str:
    return f"Wall {wall:,.0f} s" if np.isfinite(wall) else "Wall time in the run's log"


def _russia_sizes(n_stations: int, seed: int) -> np.ndarray:
    """Registered voters of ``n_stations`` stations drawn from Russia 2011's real ones."""
    e = es.datasets.load("russia-2011-duma")
    R = e.counts("registered").astype(np.int64)
    R = R[R >= 20]
    return np.random.default_rng(seed).choice(R, n_stations, replace=False)


def _one(seed: int, n_stations: int, f_i: float, f_e: float, alpha: float, clean: dict, fit_kw: dict,
         shape: str = "beta spreads (simulator default)") -> dict:
    clean = dict(clean)
    if clean.pop("russia_sizes", False):
        clean["registered"] = _russia_sizes(n_stations, seed)
    sim = es.simulate_election(n_stations, fraud=es.KlimekFraud(f_i, f_e, alpha=alpha, theta=0.1),
                               rng=seed, **clean)
    t0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = es.fit_fraud_model(sim.election, rng=seed + 1, **fit_kw)
    est = fit.estimates
    return {
        "clean shape": shape, "seed": seed, "n_stations": n_stations, "f_i": f_i, "f_e": f_e, "alpha": alpha,
        "f_i_hat": est.loc["f_i", "estimate"], "f_i_low": est.loc["f_i", "low"], "f_i_high": est.loc["f_i", "high"],
        "f_e_hat": est.loc["f_e", "estimate"], "f_e_low": est.loc["f_e", "low"], "f_e_high": est.loc["f_e", "high"],
        "alpha_hat": est.loc["alpha", "estimate"], "theta_hat": est.loc["theta", "estimate"],
        "cover_f_i": bool(est.loc["f_i", "low"] <= f_i <= est.loc["f_i", "high"]),
        "cover_f_e": bool(est.loc["f_e", "low"] <= f_e <= est.loc["f_e", "high"]),
        "statistic": fit.statistic, "pvalue": fit.pvalue, "cpu_s": time.process_time() - t0,
    }


def _star(job):
    es.fraud._THREADS = 1  # one process per core: no threads inside a fit
    return _one(*job)


def _run(jobs: list[tuple], workers: int, csv: pathlib.Path, report) -> pd.DataFrame:
    """Run the jobs (in the given order), appending each finished fit to ``csv`` and
    rewriting the markdown summary every few fits, so a stopped run leaves its partial
    results. Each job has its own seed: the results do not depend on ``workers``."""
    OUT.mkdir(exist_ok=True)
    rows, t0 = [], time.perf_counter()
    if workers <= 1:
        done = map(_star, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        done = pool.map(_star, jobs)
    for i, row in enumerate(done):
        rows.append(row)
        pd.DataFrame([row]).to_csv(csv, mode="a" if i else "w", header=not i, index=False)
        if i % 3 == 2 or i == len(jobs) - 1:
            report(pd.DataFrame(rows), time.perf_counter() - t0, finished=i == len(jobs) - 1)
    return pd.DataFrame(rows)


def _recovery_md(df: pd.DataFrame, wall: float, *, finished: bool, n_rep: int, n_stations: int, workers: int) -> None:
    df = df.assign(width_f_i=df["f_i_high"] - df["f_i_low"], width_f_e=df["f_e_high"] - df["f_e_low"])
    out = df.groupby(["f_i", "f_e", "alpha"]).agg(
        replicates=("cover_f_i", "size"), cover_f_i=("cover_f_i", "mean"), cover_f_e=("cover_f_e", "mean"),
        mean_f_i=("f_i_hat", "mean"), median_width_f_i=("width_f_i", "median"),
        vacuous_f_i=("width_f_i", lambda w: (w > 0.9).mean()), mean_f_e=("f_e_hat", "mean"),
        median_width_f_e=("width_f_e", "median"), reject_5pct=("pvalue", lambda p: (p < 0.05).mean()))
    ok = (out["cover_f_i"] >= 0.8) & (out["cover_f_e"] >= 0.8)
    text = [
        "# Parameter recovery of the Klimek fraud-model fit",
        "",
        ("Finished" if finished else "**Partial results (the run was still going when this was written)**")
        + f": {len(df)} fits of {n_stations:,} stations, {out['replicates'].min()}-{out['replicates'].max()} "
        f"replicates per setting (asked for: {n_rep}; issue 10's target: 50), theta = 0.1, the simulator's "
        f"default clean part (beta spreads, binomial noise, 2 % invalid ballots, log-normal station sizes). "
        f"{_wall(wall)} on {workers} process(es) at nice 19; CPU per fit {df['cpu_s'].median():.1f} s "
        "median (measured under load: other jobs shared the 2 cores).",
        f"Command: `python scripts/fraud_recovery.py recovery {n_rep} {n_stations} {workers}` (code at {COMMIT}).",
        "",
        "Coverage is the share of replicates whose 90 % interval contains the true value; with r "
        "replicates its Monte Carlo standard error at 90 % is about 0.3 / sqrt(r). `vacuous_f_i` is the "
        "share of replicates whose interval of f_i is wider than 0.9 (the data say nothing about f_i: "
        "such an interval covers trivially).",
        f"Settings with both coverages at least 80 %: {int(ok.sum())} of {len(out)}.",
        "",
        _md(out),
        "",
    ]
    (OUT / "fraud_recovery.md").write_text("\n".join(text))


def recovery(n_rep: int, n_stations: int, workers: int) -> None:
    # replicate-major order: a stopped run has (nearly) the same replicates in every setting
    jobs = [(1000 * k + r, n_stations, fi, fe, al, {}, {}) for r in range(n_rep)
            for k, (fi, fe, al) in enumerate(SETTINGS)]
    df = _run(jobs, workers, OUT / "fraud_recovery.csv",
              lambda df, wall, finished: _recovery_md(df, wall, finished=finished, n_rep=n_rep,
                                                       n_stations=n_stations, workers=workers))
    print((OUT / "fraud_recovery.md").read_text())


def _size_md(df: pd.DataFrame, wall: float, *, finished: bool, n_rep: int, n_stations: int, workers: int) -> None:
    def agg(g):
        return g.agg(elections=("pvalue", "size"), reject_5pct=("pvalue", lambda p: (p < 0.05).mean()),
                     reject_10pct=("pvalue", lambda p: (p < 0.10).mean()),
                     lr_zero=("statistic", lambda s: (s < 1e-6).mean()), median_statistic=("statistic", "median"),
                     q95_statistic=("statistic", lambda s: s.quantile(0.95)), mean_f_i=("f_i_hat", "mean"),
                     mean_f_e=("f_e_hat", "mean"))
    out = agg(df.groupby("clean shape", sort=False))
    allrow = agg(df.assign(all="all clean shapes").groupby("all"))
    out = pd.concat([out, allrow])
    out.index.name = "clean shape"
    out["mc_se_5pct"] = np.sqrt(out["reject_5pct"].clip(0.05, 0.95) * (1 - out["reject_5pct"].clip(0.05, 0.95))
                                / out["elections"])
    text = [
        "# Size of the no-fraud test of the Klimek fraud-model fit",
        "",
        ("Finished" if finished else "**Partial results (the run was still going when this was written)**")
        + f": {len(df)} clean elections of {n_stations:,} stations (asked for: {n_rep} per clean shape; target: "
        "rejection at 5 % in 3.5-6.5 %, which needs a few hundred elections to measure). p-values from the "
        "fit's default reference distribution. "
        f"{_wall(wall)} on {workers} process(es) at nice 19 (under load).",
        f"Command: `python scripts/fraud_recovery.py size {n_rep} {n_stations} {workers}` (code at {COMMIT}).",
        "",
        "`lr_zero` is the share of elections whose likelihood ratio is 0 (the fit found no fraud at all).",
        "",
        _md(out),
        "",
    ]
    (OUT / "fraud_size.md").write_text("\n".join(text))


def size(n_rep: int, n_stations: int, workers: int) -> None:
    shapes = list(CLEAN_SHAPES.items())
    jobs = [(50_000 + 1000 * k + r, n_stations, 0.0, 0.0, 1.0, clean, fit_kw, name)
            for r in range(n_rep) for k, (name, (clean, fit_kw)) in enumerate(shapes)]
    _run(jobs, workers, OUT / "fraud_size.csv",
         lambda df, wall, finished: _size_md(df, wall, finished=finished, n_rep=n_rep, n_stations=n_stations,
                                             workers=workers))
    print((OUT / "fraud_size.md").read_text())


def _boot_md(df: pd.DataFrame, wall: float, *, finished: bool, n_rep: int, n_stations: int, workers: int,
             n_resamples: int) -> None:
    rej = (df["pvalue"] <= 0.05).mean()
    text = [
        "# Size of the parametric-bootstrap no-fraud test (`n_resamples`)",
        "",
        ("Finished" if finished else "**Partial results (the run was still going when this was written)**")
        + f": {len(df)} clean elections of {n_stations:,} stations (asked for: {n_rep}), simulator's default "
        f"clean part, each tested with a parametric bootstrap of {n_resamples} refits from the fitted clean "
        f"model (a Monte Carlo test: p = (1 + #{{LR* >= LR}}) / ({n_resamples} + 1)). Wall {wall:,.0f} s (under load).",
        f"Command: `python scripts/fraud_recovery.py bootsize {n_rep} {n_stations} {workers}`.",
        "",
        f"Rejected at 5 %: {int((df['pvalue'] <= 0.05).sum())} of {len(df)} ({100 * rej:.1f} %, Monte Carlo "
        f"standard error {100 * np.sqrt(max(rej, 0.05) * (1 - max(rej, 0.05)) / len(df)):.1f} points); "
        f"the default chi-square-mixture p-value of the same fits rejected "
        f"{int((df['pvalue_chibar'] <= 0.05).sum())}.",
        "",
    ]
    (OUT / "fraud_size_bootstrap.md").write_text("\n".join(text))


def _boot_one(seed: int, n_stations: int, n_resamples: int) -> dict:
    sim = es.simulate_election(n_stations, rng=seed)
    t0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = es.fit_fraud_model(sim.election, n_resamples=n_resamples, rng=seed + 1)
    from scipy import stats
    lr = fit.statistic
    chibar = float(0.5 * stats.chi2.sf(lr, 1) + 0.5 * stats.chi2.sf(lr, 2)) if lr > 0 else 1.0
    return {"seed": seed, "n_stations": n_stations, "statistic": lr, "pvalue": fit.pvalue,
            "pvalue_chibar": chibar, "cpu_s": time.process_time() - t0}


def bootsize(n_rep: int, n_stations: int, workers: int, n_resamples: int = 19) -> None:
    OUT.mkdir(exist_ok=True)
    rows, t0 = [], time.perf_counter()
    for r in range(n_rep):
        rows.append(_boot_one(90_000 + r, n_stations, n_resamples))
        df = pd.DataFrame(rows)
        df.to_csv(OUT / "fraud_size_bootstrap.csv", index=False)
        _boot_md(df, time.perf_counter() - t0, finished=r == n_rep - 1, n_rep=n_rep, n_stations=n_stations,
                 workers=workers, n_resamples=n_resamples)
    print((OUT / "fraud_size_bootstrap.md").read_text())


PUBLISHED = {  # METHODS.md C6 (Klimek et al. 2012, as transcribed by Kobak) and C8 (Mebane & Kalinin)
    "russia-2011-duma": {"Klimek et al. 2012": (0.64, 0.033, 2.3), "Mebane & Kalinin": (0.121, 0.00323, 1.76)},
    "russia-2012-president": {"Klimek et al. 2012": (0.39, 0.021, 1.5), "Mebane & Kalinin": (0.0844, 0.00204, 3.41)},
}


REAL = ("russia-2011-duma", "russia-2012-president", "poland-2020-president-r1")
#: Stations whose electorate is not a fixed register, fitted again without them: in Poland
#: the care homes, hospitals, prisons, stations abroad and ships (`station_type` other than
#: 'stały', ordinary) register their voters on the day, so turnout near 100 % and a block
#: vote are legitimate there and sit where the model puts extreme fraud.
ORDINARY = {"poland-2020-president-r1": ("station_type", "stały")}


def real(names: list[str], with_regions: bool) -> None:
    rows = []
    runs = [(name, subset) for name in (names or REAL) for subset in ((False, True) if name in ORDINARY else (False,))]
    for (name, subset), by in itertools.product(runs, (None, "region") if with_regions else (None,)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e = es.datasets.load(name)
            if subset:
                column, value = ORDINARY[name]
                e = e.subset((e.data[column] == value).to_numpy(),
                             reason="special station (electorate registered on election day)")
            level = e.regions[0] if by else None
            w, c = time.perf_counter(), time.process_time()
            fit = es.fit_fraud_model(e, by=level, rng=1)
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            grid = es.fit_fraud_model(e, preset="klimek2012", rng=1) if by is None else None
        est = fit.estimates
        row = {"election": name, "stations used": "ordinary only" if subset else "all", "party": fit.party,
               "by": level or "", "stations": fit.n, "left out": fit.n_excluded,
               "f_i": est.loc["f_i", "estimate"], "f_i 90% CI": f"{est.loc['f_i', 'low']:.4f}-{est.loc['f_i', 'high']:.4f}",
               "f_e": est.loc["f_e", "estimate"], "f_e 90% CI": f"{est.loc['f_e', 'low']:.4f}-{est.loc['f_e', 'high']:.4f}",
               "alpha": est.loc["alpha", "estimate"], "theta": est.loc["theta", "estimate"],
               "LR": fit.statistic, "p": fit.pvalue, "wall s": wall, "cpu s": cpu}
        if grid is not None:
            g = grid.estimates
            row["grid f_i (ours)"] = g.loc["f_i", "estimate"]
            row["grid f_e (ours)"] = g.loc["f_e", "estimate"]
        rows.append(row)
        print(row, flush=True)
    df = pd.DataFrame(rows)
    OUT.mkdir(exist_ok=True)
    path = OUT / "real_fits.csv"
    if path.exists():  # keep the other elections' rows from earlier runs
        old = pd.read_csv(path)
        old["by"] = old["by"].astype(object).where(old["by"].notna(), "")
        if "stations used" not in old:
            old.insert(1, "stations used", "all")
        key = ["election", "stations used", "by"]
        df = pd.concat([old[~old.set_index(key).index.isin(df.set_index(key).index)], df])
    df.to_csv(path, index=False)
    pub = pd.DataFrame([{"election": k, "source": s, "f_i": v[0], "f_e": v[1], "alpha": v[2]}
                        for k, d in PUBLISHED.items() for s, v in d.items()])
    (OUT / "real_fits_table.md").write_text(_md(df, index=False) + "\n\n"
                                            + _md(pub, index=False) + "\n")


def summarise(n_rep: int, n_stations: int, workers: int) -> None:
    """Rewrite the markdown summaries from the CSVs of a (possibly stopped) run."""
    for name, func in (("fraud_recovery", _recovery_md), ("fraud_size", _size_md)):
        path = OUT / f"{name}.csv"
        if path.exists():
            df = pd.read_csv(path)
            func(df, float("nan"), finished=False, n_rep=n_rep, n_stations=n_stations, workers=workers)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "recovery"
    nums = [int(a) for a in sys.argv[2:] if a.isdigit()]
    reps, n, workers = (nums + [50, 10_000, 2][len(nums):])[:3]
    {"recovery": lambda: recovery(reps, n, workers), "size": lambda: size(reps, n, workers),
     "bootsize": lambda: bootsize(reps, n, workers), "summarise": lambda: summarise(reps, n, workers), "real": lambda: real([a for a in sys.argv[2:] if not a.startswith("--")], "--by" in sys.argv)}[what]()
