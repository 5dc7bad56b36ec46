"""``electionstats report``: a self-contained HTML report (figures embedded as PNG).

With no target it reports on the bundled Kazakhstan 2021 Majilis case (claims, official
figures versus observers, what the claims imply, seats). With a dataset name or a CSV file
it reports on that election's polling stations.
"""

from __future__ import annotations

import datetime as _dt
import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, claims, datasets, facts
from ._report_html import Section, figure_html, paragraph, table_html
from .election import Election

__all__ = ["build_report", "kazakhstan_sections", "station_overview"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2} caption{caption-side:top;font-weight:bold;text-align:left;padding:4px 0}
figure{margin:1em 0} img{max-width:100%} figcaption{font-size:0.9em;color:#555}
.caveat{background:#fff8e1;border-left:4px solid #f0b400;padding:0.5em 1em}
footer{font-size:0.8em;color:#666;margin-top:3em}
"""

_CAVEAT = (
    "Statistical departures from a reference distribution are reasons to look closer, not "
    "proof of fraud. Every number below says where it comes from."
)


def kazakhstan_sections(*, rng: Any = 0) -> list[Section]:
    """Sections of the report on the Kazakhstan 2021 Majilis election (bundled facts and claims)."""
    table = claims.load("kazakhstan-2021")
    s = facts.summary("kazakhstan-2021-majilis")
    results = facts.party_results("kazakhstan-2021-majilis")
    intro = Section(
        "Kazakhstan, Majilis election of 10 January 2021",
        "The Central Election Commission (CEC) says 63.25 % of 11,919,241 registered voters "
        "took part and three parties passed the 7 % threshold. Independent observers quoted "
        "in the source article (KazTAG, 14 January 2021) say turnout was 15 % and 12 % of "
        "ballots were spoiled; the League of Young Voters says every party passed and Nur "
        "Otan won less than half. No polling-station data are public for this election, so "
        "the checks below work with national totals.",
    )
    claim_cols = ["claim_id", "quantity", "comparator", "value", "unit", "claimant", "date", "cec_final", "notes"]
    shown = table[claim_cols].assign(date=table["date"].dt.strftime("%Y-%m-%d"))
    sec_claims = Section(
        "The claims",
        "Every quantitative claim in the source article, with who makes it and the CEC's final figure.",
        [table_html(shown, caption="Claims (source: KazTAG 14 Jan 2021; CEC final results 12 Jan 2021)")],
    )
    from .plotting import plot_claims

    ax = plot_claims(table)
    side = Section(
        "Official figures versus observers, side by side",
        "Each row is one quantity; the columns say what each kind of source claims.",
        [
            table_html(claims.side_by_side(table), caption="What each source says"),
            figure_html(ax.figure, caption="Claims (coloured) joined to the CEC's final figures (black squares)."),
        ],
    )
    official = results[["party", "votes", "percent", "seats", "source"]]
    implied = claims.implications(table)
    sec_imp = Section(
        "What the claims imply",
        f"Officially {s['ballots_issued']:,.0f} voters received ballots and "
        f"{s['votes_for_parties']:,.0f} votes went to parties. The table converts the "
        "claims into numbers of ballots and votes.",
        [
            table_html(official, caption="CEC final party results (percent of votes for parties)"),
            table_html(implied, caption="Quantities implied by the claims, next to the official counts"),
        ],
    )
    contra = claims.contradictions(table)
    sec_contra = Section(
        "Where the sources contradict each other",
        "Pairs of statements about the same quantity that cannot both be true (an exact "
        "figure allows the values that round to it).",
        [table_html(contra, caption=f"{len(contra)} contradictions")],
    )
    return [intro, sec_claims, side, sec_imp, sec_contra]


def station_overview(election: Election) -> Section:
    """First section of a station-level report: totals, exclusions, validation."""
    t = election.totals()
    overview_rows = election.summary_frame()
    overview_rows["value"] = [
        f"{v:.2%}" if u == "share" else f"{v:,.0f}" for v, u in zip(overview_rows["value"], overview_rows["unit"])
    ]
    excluded = election.excluded
    report = election.validation_report()
    blocks = [
        table_html(overview_rows[["quantity", "value"]], caption="National totals from the station table"),
        paragraph(
            f"{len(excluded):,} source rows were left out of the table"
            + (
                " (" + "; ".join(f"{n:,} {r}" for r, n in excluded["reason"].value_counts().items()) + ")"
                if len(excluded)
                else ""
            )
            + f". {len(report):,} stations break a consistency rule and are kept"
            + (
                " (" + "; ".join(f"{n:,} {r}" for r, n in report["rule"].value_counts().items()) + ")"
                if len(report)
                else ""
            )
            + "."
        ),
    ]
    return Section(f"{election.name}: {t['n_stations']:,} stations", f"Source: {election.source}", blocks)


def _builders(
    election: Election | None, *, rng: Any, n_resamples: int | None
) -> list[Callable[[], list[Section]]]:
    """The report's steps in order; each returns a list of sections."""
    from ._report_registry import KAZAKHSTAN_SECTIONS, STATION_SECTIONS

    if election is None:
        return [lambda: kazakhstan_sections(rng=rng)] + [
            (lambda make=make: [make(rng=rng)]) for make in KAZAKHSTAN_SECTIONS
        ]
    extra = {} if n_resamples is None else {"n_resamples": n_resamples}
    return [lambda: [station_overview(election)]] + [
        (lambda make=make: [make(election, rng=rng, **extra)]) for make in STATION_SECTIONS
    ]


def _load_target(target: str | None, csv_options: dict[str, Any] | None) -> Election | None:
    if target is None:
        return None
    if target in datasets.list()["name"].tolist():
        return datasets.load(target)
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(
            f"{target!r} is neither a dataset name ({', '.join(datasets.list()['name'])}) "
            "nor an existing CSV file."
        )
    options = dict(csv_options or {})
    sep = options.pop("sep", ",")
    df = pd.read_csv(path, sep=sep, encoding="utf-8-sig")
    return Election.from_frame(df, name=path.stem, source=str(path), **options)


def build_report(
    target: str | None = None,
    *,
    out_dir: str | os.PathLike = "report",
    rng: Any = 0,
    n_resamples: int | None = None,
    csv_options: dict[str, Any] | None = None,
    progress: bool = True,
) -> Path:
    """Write the HTML report and return its path.

    Parameters
    ----------
    target : str, optional
        None for the bundled Kazakhstan 2021 case; a dataset name
        (:func:`electionstats.datasets.list`); or a CSV path, with ``csv_options`` giving
        the column roles (the keywords of :meth:`Election.from_frame`, plus ``sep``).
    out_dir : path
        Folder for ``index.html`` (created if needed).
    rng : int or Generator
        Seed of every Monte Carlo computation in the report (same seed, same report).
    n_resamples : int, optional
        Monte Carlo replicates for the station-level tests (default: each section's own,
        chosen to keep a 100,000-station report to about a minute).
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    pathlib.Path
        The written ``index.html``.
    """
    from tqdm.auto import tqdm

    election = _load_target(target, csv_options)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if election is None:
        title = "Kazakhstan 2021 Majilis election: official figures versus observers"
    else:
        title = f"Election forensics report: {election.name}"
    sections: list[Section] = []
    steps = _builders(election, rng=rng, n_resamples=n_resamples)
    for build in tqdm(steps, desc="report sections", disable=not progress):
        sections.extend(build())
    toc = "".join(
        f"<li><a href='#{''.join(ch if ch.isalnum() else '-' for ch in s.title.lower())}'>"
        f"{html.escape(s.title)}</a></li>"
        for s in sections
    )
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='caveat'>{html.escape(_CAVEAT)}</p>"
        f"<nav><ul>{toc}</ul></nav>{''.join(s.to_html() for s in sections)}"
        f"<footer>electionstats {__version__}; seed {html.escape(str(rng))}; written {stamp}. "
        "Cite the methods with <code>electionstats cite</code>.</footer></body></html>"
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
