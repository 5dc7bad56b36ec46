"""Report section on digit tests: the basic forensics table by region and a digit figure."""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import numpy as np
import pandas as pd

from ._labels import explain, label, region_label, transliterate
from ._report_html import Family, Markup, Section, details, figure_html, fmt, paragraph, table_html
from .election import Election

__all__ = ["digits_section"]

_SHOWN = ("_2BL", "LastC", "C05s", "P05s", "Skew", "Kurt", "DipT", "Corr")
#: Rows of the heat map (region and quantity pairs with the most evidence).
HEATMAP_ROWS = 30
#: Rows of the regional table shown before the collapsible full table.
TOP_ROWS = 15

_CAVEATS = {
    "digit": "Digit patterns also depend on station sizes and counting habits; a flag asks for a closer look.",
    "shape": "Regions and station types genuinely differ; with thousands of stations clean elections are rarely exactly normal.",
}


def _effect(stat: str, value: float, reference: float) -> str:
    if stat == "DipT":
        return "dip test (no effect size)"
    if np.isnan(reference):
        return f"{label(stat).lower()} {fmt(value, 'stat')}"
    return f"{label(stat).lower()} {fmt(value, 'stat')} (reference {fmt(reference, 'stat')})"


def _cramers_v(res: Any) -> float:
    obs = np.asarray(res.observed, dtype=float)
    exp = np.asarray(res.expected, dtype=float)
    n = obs.sum()
    chi2 = float(np.sum((obs - exp) ** 2 / np.where(exp > 0, exp, np.nan)))
    return float(np.sqrt(chi2 / (n * (len(obs) - 1))))


def digits_section(election: Election, *, rng: Any = None, n_resamples: int = 100) -> Family:
    """The Election Forensics Toolkit table on the leader and turnout, by top region, and a digit figure.

    Parameters
    ----------
    election : Election
        Station-level data with ``registered`` and a ballots role.
    rng : None, int or Generator
        Seed for the bootstrap.
    n_resamples : int
        Bootstrap resamples of the toolkit's table (default 100; use 1000 to match the
        toolkit). The digit p-values use the exact size-aware null, which needs none.

    Returns
    -------
    Family
        Its tests (one per region, quantity and statistic, and the national last-digit
        test); the report adjusts them with every other p-value and renders the section.
    """
    from ._montecarlo import as_generator
    from .digits import last_digit_test
    from .forensics import TURNOUT_PREFERENCE, basic_forensics

    gen = as_generator(rng)
    leader = election.resolve_party()
    # the table decides which ballots are the turnout numerator (Poland: ballots found)
    ballots_role = election.resolve_turnout(prefer=TURNOUT_PREFERENCE)
    columns = (["Turnout"] if "registered" in election.roles else []) + [leader]
    by = election.regions[0] if election.regions else None
    table = basic_forensics(election, columns, by=by, ballots=ballots_role,
                            n_resamples=n_resamples, rng=gen, p_adjust=None)
    long = table.long.reset_index(drop=True)
    tested = long[long["pvalue"].notna()].reset_index(drop=True)
    # exact size-aware null (each station's own binomial), no simulation
    try:
        res = last_digit_test(
            election.counts(leader), null="size-aware", denominator=election.counts(ballots_role),
        )
    except ValueError as err:  # no count large enough (tiny stations): said in the section
        res, why = None, str(err)
    else:
        why = ""
    v = np.nan if res is None else _cramers_v(res)
    where = [("the whole country" if by is None else region_label(g)) for g in tested["group"]]
    rows = pd.DataFrame({
        "test": [f"{label(s)} of {label(c).lower() if c == 'Turnout' else c + ' votes'}"
                 for s, c in zip(tested["statistic"], tested["column"])],
        "scope": where,
        "pvalue": tested["pvalue"].to_numpy(dtype=float),
        "effect": [_effect(s, x, r) for s, x, r in zip(tested["statistic"], tested["value"], tested["reference"])],
        "caveat": [_CAVEATS["digit" if s in ("_2BL", "LastC", "C05s", "P05s") else "shape"] for s in tested["statistic"]],
    })
    national = pd.DataFrame([{
        "test": f"Last digits of {leader}'s votes uniform (size-aware)",
        "scope": "the whole country",
        "pvalue": float(res.pvalue),
        "effect": f"Cramér's V {v:.3f} (0 = exactly uniform)",
        "caveat": _CAVEATS["digit"],
    }] if res is not None else [])
    tests = pd.concat([rows, national], ignore_index=True)

    def render(adjusted: np.ndarray, *, alpha: float = 0.05) -> Section:
        return _render(election, table, long, tested, adjusted, res, v, leader, by, n_resamples,
                       alpha, why)

    return Family(tests=tests, render=render)


def _render(election, table, long, tested, adjusted, res, v, leader, by, n_resamples, alpha,
            why="") -> Section:
    adj_regional = adjusted[: len(tested)]
    key = ["group", "column", "statistic"]
    padj = tested.assign(pvalue_adjusted=adj_regional)[[*key, "pvalue_adjusted"]]
    full = long.drop(columns=["pvalue_adjusted", "reject"]).merge(padj, on=key, how="left")
    full["reject"] = full["pvalue_adjusted"] < alpha
    blocks: list[str] = []

    # the national last-digit test
    if res is None:
        blocks.append(paragraph(f"The last-digit test of {leader}'s votes could not run: {why}"))
    else:
        _national(blocks, res, float(adjusted[len(tested)]), v, leader, alpha)
    _regional(blocks, full, long, table, leader, by, alpha)
    intro = (
        "Digits of vote counts (the second digit, the last digit, counts and percentages "
        "ending in 0 or 5) and the shape of turnout and vote-share distributions, as in "
        "Mebane and Kalinin's Election Forensics Toolkit. A flagged cell is a reason to "
        f"look closer, not proof of fraud. {explain('_2BL')} {explain('C05s')}"
    )
    return Section("Digit tests and basic forensics", intro, blocks, anchor="digit-tests")


def _national(blocks, res, adj_national, v, leader, alpha) -> None:
    ax = res.plot()
    ax.set_title(f"Last digit of {leader}'s votes per station", fontsize="small")
    verdict = "flagged" if adj_national < alpha else "not flagged"
    blocks.append(figure_html(ax.figure, caption=(
        f"Last digits of {leader}'s votes per station against what counts of the same sizes "
        f"produce by chance ({res.n:,} stations)."
    )))
    blocks.append(paragraph(
        f"What it shows: how often each last digit occurs. Invented counts favour some digits; "
        f"honest counts of these sizes give each digit about a tenth. Adjusted p "
        f"{fmt(adj_national, 'p')} ({verdict}); Cramér's V {v:.3f}."
    ))


def _regional(blocks, full, long, table, leader, by, alpha) -> None:
    import matplotlib.pyplot as plt

    # the regional table: one row per region and quantity, sorted by evidence
    wide = full.pivot_table(index=["group", "column"], columns="statistic", values="value", aggfunc="first", sort=False)
    wadj = full.pivot_table(index=["group", "column"], columns="statistic", values="pvalue_adjusted", aggfunc="first", sort=False)
    n = full.drop_duplicates(["group", "column"]).set_index(["group", "column"])["n_stations"]
    stats = [s for s in _SHOWN if s in wide.columns]
    wadj = wadj.reindex(index=wide.index, columns=stats)
    order = wadj.min(axis=1).fillna(1.0).sort_values(kind="stable").index
    wide, wadj = wide.loc[order, stats], wadj.loc[order]
    cells = pd.DataFrame(index=wide.index)
    cells["group"] = [region_label(g) for g, _ in wide.index]
    cells["column"] = [label(c) if c == "Turnout" else f"{c} votes" for _, c in wide.index]
    cells["n"] = n.reindex(wide.index).to_numpy()
    for s in stats:
        cells[s] = [
            Markup("") if pd.isna(x) else Markup(
                html.escape(fmt(x, "stat"))
                + ("" if pd.isna(p) else f"<br><small>adjusted p {html.escape(fmt(p, 'p'))}</small>")
            )
            for x, p in zip(wide[s], wadj[s])
        ]
    flags = np.zeros(cells.shape, dtype=bool)
    flags[:, 3:] = (wadj.to_numpy(dtype=float) < alpha)
    cells = cells.reset_index(drop=True)
    n_flag = int(full["reject"].sum())
    n_p = int(full["pvalue_adjusted"].notna().sum())
    where = "region" if by else "country"
    cap = (f"Election Forensics Toolkit statistics by {where} for turnout and {leader}: value and "
           f"adjusted p-value; shaded cells are flagged (adjusted p below {alpha}).")
    if len(cells) > TOP_ROWS:
        blocks.append(table_html(cells.iloc[:TOP_ROWS], caption=cap + f" The {TOP_ROWS} rows with the most evidence.",
                                 flags=flags[:TOP_ROWS]))
        blocks.append(details(f"Full table ({len(cells):,} rows)", table_html(cells, caption=cap, flags=flags)))
    else:
        blocks.append(table_html(cells, caption=cap, flags=flags))
    blocks.append(paragraph(
        f"{n_flag:,} of {n_p:,} regional p-values are flagged after Benjamini-Hochberg "
        "control across the whole report. Digit statistics are tested against what counts "
        "of the same sizes produce (a size-aware null), not against textbook values; "
        "skewness and kurtosis against a normal shape, which clean elections often do not have."
    ))

    # the flagged cells, in words
    fl = full[full["reject"]].sort_values(["pvalue_adjusted", "group", "column", "statistic"], kind="stable")
    if len(fl):
        flist = pd.DataFrame({
            "group": [region_label(g) for g in fl["group"]],
            "column": [label(c) if c == "Turnout" else f"{c} votes" for c in fl["column"]],
            "statistic": [label(s) for s in fl["statistic"]],
            "value": fl["value"].to_numpy(dtype=float),
            "reference": fl["reference"].to_numpy(dtype=float),
            "adjusted_p": fl["pvalue_adjusted"].to_numpy(dtype=float),
        })
        blocks.append(f"<div id='flagged-cells'>{table_html(flist, caption=f'Flagged cells ({len(fl):,}), most evidence first', kinds={'adjusted_p': 'p', 'value': 'stat', 'reference': 'stat'})}</div>")
    else:
        blocks.append(f"<div id='flagged-cells'>{paragraph('No cell of the table is flagged.')}</div>")

    # heat map of the rows with the most evidence
    if by is not None:
        top = list(order[:HEATMAP_ROWS])
        sub = full.set_index(["group", "column"]).loc[top].reset_index()
        sub = sub[long.columns]
        if hasattr(table, "table"):  # the table keeps its wide layout beside the long one
            from .forensics import wide_table

            hm = dataclasses.replace(table, long=sub, table=wide_table(sub))
        else:
            hm = dataclasses.replace(table, long=sub)
        hax = hm.plot()
        from .forensics import STATISTICS

        hax.set_xticklabels([label(s) for s in STATISTICS], rotation=40, ha="right")
        wide_sub = hm.to_frame()
        hax.set_yticklabels([
            f"{transliterate(str(g))[:40]} / {'turnout' if c == 'Turnout' else c} (n={k:,})"
            for g, c, k in wide_sub[["group", "column", "n"]].itertuples(index=False)
        ])
        hax.set_xlabel("statistic (cell: value; colour: how small the adjusted p-value is)")
        shown = min(HEATMAP_ROWS, len(order))
        blocks.append(figure_html(hax.figure, caption=(
            f"Heat map of the {shown} region and quantity rows with the most evidence (of "
            f"{len(order):,}); darker cells have smaller adjusted p-values, outlined cells are flagged."
        )))
        plt.close(hax.figure)
