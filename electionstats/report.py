"""``electionstats report``: a self-contained HTML report (figures embedded as PNG).

With no target it reports on the bundled Kazakhstan 2021 Majilis case (claims, official
figures versus observers, what the claims imply, seats). With a dataset name or a CSV file
it reports on that election's polling stations, findings first: every test of every
section is adjusted for multiple testing together (Benjamini-Hochberg across the whole
report) before anything is called flagged.

The page is reproducible by construction: the same command and seed write the same bytes.
The build time goes only to ``metadata.json`` beside ``index.html``.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import os
import platform
import re
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import __version__, claims, datasets, facts
from ._labels import glossary_rows, humanize, label, reset_used
from ._report_html import Family, Section, details, figure_html, fmt, paragraph, table_html
from ._warnings import ElectionStatsWarning
from .election import Election

__all__ = ["build_report", "kazakhstan_sections", "station_overview"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap} td.flag{background:#f4b6b6}
th{background:#f2f2f2} th[title]{text-decoration:underline dotted;cursor:help}
caption{caption-side:top;font-weight:bold;text-align:left;padding:4px 0}
figure{margin:1em 0} img{max-width:100%;height:auto} figcaption{font-size:0.9em;color:#555}
.caveat{background:#fff8e1;border-left:4px solid #f0b400;padding:0.5em 1em}
#findings{border:2px solid #444;padding:0 1em;margin:1em 0}
#findings li{margin:0.3em 0} details{margin:0.5em 0} summary{cursor:pointer;color:#0645ad}
footer,.repro{font-size:0.85em;color:#444} pre{white-space:pre-wrap;font-size:0.85em;background:#f7f7f7;padding:0.5em}
"""

_CAVEAT = (
    "Statistical departures from a reference distribution are reasons to look closer, not "
    "proof of fraud. Every number below says where it comes from."
)
_PROVENANCE = (
    "The source article (KazTAG, Astana, 14 January 2021, \u201cThe United States is "
    "concerned about the OSCE findings on the elections in Kazakhstan\u201d) was read in an "
    "Arabic machine translation; its figures and quotations are taken from that translation."
)
_ALPHA = 0.05
_STATION_CITATIONS = ("mebane2015eft", "mebane2006", "hartigan1985", "benjamini1995", "klimek2012",
                      "kobak2016aoas", "rozenas2017", "shpilkin2009")
_KAZAKHSTAN_CITATIONS = ("kaztag2021", "cec_kazakhstan2021", "kz_election_law", "balinski2001", "pukelsheim2017",
                         "klimek2012")


def _contradictions_table(table: pd.DataFrame) -> pd.DataFrame:
    contra = claims.contradictions(table)
    out = humanize(contra)
    out["gap"] = [f"{fmt(float(g))} {u}" for g, u in zip(contra["gap"], contra["gap_unit"])]
    return out.rename(columns={"sentence": "in_words"})


def kazakhstan_sections(*, rng: Any = 0) -> list[Section]:
    """Sections of the report on the Kazakhstan 2021 Majilis election (bundled facts and claims)."""
    table = claims.load("kazakhstan-2021")
    s = facts.summary("kazakhstan-2021-majilis")
    results = facts.party_results("kazakhstan-2021-majilis")
    contra = _contradictions_table(table)
    findings = Section(
        "Findings",
        "What the numbers say, in plain words (details and sources in the sections below).",
        ["<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in [
            f"The CEC's own figures hold together: {s['ballots_issued']:,.0f} of "
            f"{s['registered']:,.0f} registered voters took part (63.25 %) and three parties "
            "passed 7 %, giving 76 / 12 / 10 of the 98 list seats.",
            "The observers' 15 % turnout would mean 1,787,886 ballots, fewer than the "
            "5,148,074 votes the CEC counts for Nur Otan alone.",
            "The article's own party shares (76.49 %, 10.94 %, 9.2 %) are not the CEC's final "
            "figures (71.09 %, 9.10 %, 10.95 %); the two small parties appear swapped.",
            f"{len(contra)} pairs of statements cannot both be true; for example: "
            f"{contra['in_words'].iloc[int(np.argmax(claims.contradictions(table)['gap']))]}",
        ]) + "</ul>", paragraph(_PROVENANCE, cls="caveat")],
        anchor="findings",
    )
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
    shown = humanize(table[claim_cols].assign(date=table["date"].dt.strftime("%Y-%m-%d")))
    sec_claims = Section(
        "The claims",
        "Every quantitative claim in the source article, with who makes it and the CEC's final figure.",
        [table_html(shown, caption="Claims (source: KazTAG 14 Jan 2021, read in an Arabic machine "
                                   "translation; CEC final results 12 Jan 2021)")],
    )
    from .plotting import plot_claims

    ax = plot_claims(table)
    side = Section(
        "Official figures versus observers, side by side",
        "Each row is one quantity; the columns say what each kind of source claims.",
        [
            table_html(humanize(claims.side_by_side(table)), caption="What each source says"),
            figure_html(ax.figure, caption="Claims (coloured) joined to the CEC's final figures (black squares)."),
        ],
    )
    official = results[["party", "votes", "percent", "seats", "source"]]
    implied = humanize(claims.implications(table))
    sec_imp = Section(
        "What the claims imply",
        f"Officially {s['ballots_issued']:,.0f} voters received ballots and "
        f"{s['votes_for_parties']:,.0f} votes went to parties. The table converts the "
        "claims into numbers of ballots and votes.",
        [
            table_html(official, kinds={"percent": "percent"},
                       caption="CEC final party results (percent of votes for parties)"),
            table_html(implied, kinds={"implied_value": "count", "official_value": "count", "difference": "count"},
                       caption="Quantities implied by the claims, next to the official counts"),
        ],
    )
    sec_contra = Section(
        "Where the sources contradict each other",
        "Pairs of statements about the same quantity that cannot both be true (an exact "
        "figure allows the values that round to it). The gap is in the quantity's own unit.",
        [table_html(contra[["in_words", "quantity", "statement_a", "by_a", "statement_b", "by_b", "gap"]],
                    caption=f"{len(contra)} contradictions")],
    )
    return [findings, intro, sec_claims, side, sec_imp, sec_contra]


def station_overview(election: Election) -> Section:
    """First section of a station-level report after the findings: totals, exclusions, validation."""
    t = election.totals()
    overview_rows = election.summary_frame()
    overview_rows["value"] = [
        fmt(float(v), "share") if u == "share" else f"{v:,.0f}"
        for v, u in zip(overview_rows["value"], overview_rows["unit"])
    ]
    overview_rows["quantity"] = [
        label(q) if not q.endswith(" share of valid") else f"{q[:-len(' share of valid')]}: share of valid ballots"
        for q in overview_rows["quantity"]
    ]
    excluded = election.excluded
    report = election.validation_report()
    blocks = [
        table_html(overview_rows[["quantity", "value"]], caption="National totals from the station table"),
        paragraph(
            f"{len(excluded):,} source rows were left out of the table"
            + (
                " (" + "; ".join(f"{n:,} {label(r)}" for r, n in excluded["reason"].value_counts().items()) + ")"
                if len(excluded)
                else ""
            )
            + f". {len(report):,} stations break a consistency rule and are kept"
            + (
                " (" + "; ".join(f"{n:,} {label(r)}" for r, n in report["rule"].value_counts().items()) + ")"
                if len(report)
                else ""
            )
            + "."
        ),
    ]
    return Section(f"The data: {t['n_stations']:,} stations", f"Source: {election.source}", blocks,
                   anchor="the-data")


def _findings_section(tests: pd.DataFrame, notes: list[str], *, alpha: float) -> Section:
    flagged = tests[tests["reject"]].sort_values(["pvalue_adjusted", "test", "scope"], kind="stable")
    n_all = int(tests["pvalue_adjusted"].notna().sum())
    items = [
        f"<li><b>Flagged</b>: {html.escape(r.test)} in {html.escape(r.scope)}: adjusted p "
        f"{html.escape(fmt(r.pvalue_adjusted, 'p'))}; effect size: {html.escape(r.effect)}. "
        f"<i>Caveat: {html.escape(r.caveat)}</i></li>"
        for r in flagged.itertuples(index=False)
    ]
    head = paragraph(
        f"{len(flagged):,} of {n_all:,} tests are flagged (adjusted p below {alpha}); the "
        "p-values of every test in this report were adjusted together (Benjamini-Hochberg "
        "control of the false discovery rate), so the flags already account for the number "
        "of tests. A flag is a reason to look closer, not proof of fraud."
    )
    blocks = [head]
    if len(flagged):
        blocks.append(f"<ul id='flagged-list'>{''.join(items)}</ul>")
    else:
        blocks.append("<ul id='flagged-list'><li>No test is flagged.</li></ul>")
    blocks += [paragraph(n, cls="caveat") for n in notes]
    shown = tests.sort_values(["pvalue_adjusted", "test", "scope"], kind="stable", na_position="last")
    shown = shown.assign(verdict=np.where(shown["reject"], "flagged", "not flagged"))[
        ["test", "scope", "pvalue_adjusted", "verdict", "effect", "caveat"]]
    flags = np.zeros(shown.shape, dtype=bool)
    flags[:, 2] = shown["verdict"].eq("flagged").to_numpy()
    blocks.append(details(
        f"Every test of this report ({n_all:,}), most evidence first",
        table_html(shown, kinds={"pvalue_adjusted": "p"}, flags=flags, caption="All tests with their adjusted p-values"),
    ))
    return Section("Findings", "", blocks, anchor="findings")


def _references(keys: tuple[str, ...]) -> str:
    from ._citations import CITATIONS

    items = []
    for k in keys:
        bib = CITATIONS.get(k)
        if bib is None:
            continue
        field = {m.group(1).lower(): m.group(2) for m in re.finditer(r"(\w+)\s*=\s*\{(.*)\},?\s*$", bib, re.M)}
        text = f"{field.get('author', '').replace('{', '').replace('}', '')} ({field.get('year', '')}). " \
               f"{field.get('title', '').replace('{', '').replace('}', '')}."
        doi = field.get("doi")
        link = f" <a href='https://doi.org/{html.escape(doi)}'>doi:{html.escape(doi)}</a>" if doi else ""
        items.append(f"<li>{html.escape(text)}{link}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _versions() -> str:
    from importlib import metadata

    parts = [f"Python {platform.python_version()}"]
    for dist in ("numpy", "scipy", "pandas", "matplotlib", "statsmodels", "diptest"):
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist} not installed")
    return ", ".join(parts)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_rows(target: str | None) -> list[tuple[str, str, str]]:
    """(name, address, sha256) of the data the report reads."""
    if target is None:
        rows = []
        for f in ("claims_kazakhstan_2021.csv", "facts_kazakhstan.csv"):
            data = resources.files("electionstats").joinpath(f"_data/{f}").read_bytes()
            rows.append((f"the {'claims' if f.startswith('claims') else 'official results'} table shipped "
                         f"inside the package ({f})", "", hashlib.sha256(data).hexdigest()))
        return rows
    if target in datasets.list()["name"].tolist():
        info = datasets.info(target)
        return [(target, info["url"], info["sha256"])]
    return [(Path(target).name, str(target), _sha256_file(Path(target)))]


def _code_names(text: str) -> str:
    """Escape ``text``, showing file names (``name.csv``) as code."""
    return re.sub(r"([\w.-]+\.(?:csv|tsv|txt|gz|zip))", r"<code>\1</code>", html.escape(text))


def _reproducibility(target: str | None, rng: Any, command: str | None, n_resamples: int | None) -> Section:
    if command is None:
        command = "electionstats report" + (f" {target}" if target else "") + f" --seed {rng}" + (
            f" --n-resamples {n_resamples}" if n_resamples is not None else "")
    data = "".join(
        f"<li>{html.escape(n)}: <a href='{html.escape(u)}'>{html.escape(u)}</a>, sha256 <code>{h}</code></li>"
        if u.startswith("http") else f"<li>{_code_names(n)}, sha256 <code>{h}</code></li>"
        for n, u, h in _data_rows(target)
    )
    cite = (
        "electionstats developers (2026). electionstats: reproducible statistics for election "
        f"forensics, version {__version__}. Report written with the command above (seed {rng})."
    )
    blocks = [
        f"<div class='repro'><p>The same command with the same seed writes this page again, byte "
        f"for byte (the build time is kept apart, in metadata.json).</p><ul>"
        f"<li>Command: <code>{html.escape(command)}</code></li>"
        f"<li>Package: electionstats {html.escape(__version__)}</li>"
        f"<li>Seed: {html.escape(str(rng))}</li>"
        f"<li>Data: <ul>{data}</ul></li>"
        f"<li>Software: {html.escape(_versions())}</li></ul>"
        f"<p>How to cite this report:</p><pre>{html.escape(cite)}</pre></div>"
    ]
    return Section("Reproducibility and citation", "", blocks, anchor="reproducibility")


def _glossary() -> Section:
    rows = glossary_rows()
    body = "<dl>" + "".join(
        f"<dt><b>{html.escape(t)}</b></dt><dd>{html.escape(m)}</dd>" for t, m in rows.itertuples(index=False)
    ) + "</dl>"
    return Section("Glossary", "What each term in the tables means (hover over a column heading for the same).",
                   [body], anchor="glossary")


#: Errors of an analysis that cannot run on the data (too few or too small counts, no
#: vote shares, an empty colour scale): the section says so and the report is written.
_SECTION_ERRORS = (ValueError, KeyError, ZeroDivisionError, FloatingPointError)


def _not_computed(title: tuple[str, str], err: Exception) -> Section:
    """A section that could not be computed: its title, the reason, and a warning."""
    reason = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)
    warnings.warn(f"section {title[0]!r} could not be computed on these data: {reason}",
                  ElectionStatsWarning, stacklevel=3)
    return Section(title[0], f"This section could not be computed on these data: {reason}",
                   anchor=title[1])


def _builders(
    election: Election | None, *, rng: Any, n_resamples: int | None
) -> list[tuple[tuple[str, str], Callable[[], list[Any]]]]:
    """The report's steps in order, as ((title, anchor), build); each build returns a list
    of sections or test families."""
    from ._report_registry import KAZAKHSTAN_SECTIONS, STATION_SECTIONS, TITLES

    if election is None:
        return [(("Kazakhstan 2021", ""), lambda: kazakhstan_sections(rng=rng))] + [
            (TITLES.get(make.__name__, (make.__name__, "")), lambda make=make: [make(rng=rng)])
            for make in KAZAKHSTAN_SECTIONS
        ]
    extra = {} if n_resamples is None else {"n_resamples": n_resamples}
    return [(("The data", ""), lambda: [station_overview(election)])] + [
        (TITLES.get(make.__name__, (make.__name__, "")),
         lambda make=make: [make(election, rng=rng, **extra)])
        for make in STATION_SECTIONS
    ]


def _load_target(target: str | None, csv_options: dict[str, Any] | None) -> tuple[Election | None, str]:
    if target is None:
        return None, "Kazakhstan 2021 Majilis election: official figures versus observers"
    if target in datasets.list()["name"].tolist():
        return datasets.load(target), f"Election forensics report: {datasets.info(target)['title']}"
    path = Path(target)
    if not path.is_file():
        raise FileNotFoundError(
            f"{target!r} is neither a dataset name ({', '.join(datasets.list()['name'])}) "
            "nor an existing CSV file."
        )
    options = dict(csv_options or {})
    sep = options.pop("sep", None)
    encoding = options.pop("encoding", None)
    title = options.pop("title", None)
    from ._csvread import read_table

    df = read_table(path, sep=sep, encoding=encoding)
    election = Election.from_frame(df, name=path.name, source=str(path), **options)
    return election, title or f"Election forensics report on the polling stations in {path.name}"


def build_report(
    target: str | None = None,
    *,
    out_dir: str | os.PathLike = "report",
    rng: Any = 0,
    n_resamples: int | None = None,
    csv_options: dict[str, Any] | None = None,
    progress: bool | None = None,
    command: str | None = None,
) -> Path:
    """Write the HTML report and return its path.

    Parameters
    ----------
    target : str, optional
        None for the bundled Kazakhstan 2021 case; a dataset name
        (:func:`electionstats.datasets.list`); or a CSV path, with ``csv_options`` giving
        the column roles (the keywords of :meth:`Election.from_frame`, plus ``sep``,
        ``encoding`` and ``title``).
    out_dir : path
        Folder for ``index.html`` and ``metadata.json`` (created if needed).
    rng : int or Generator
        Seed of every Monte Carlo computation in the report (same seed, same bytes).
    n_resamples : int, optional
        Monte Carlo replicates for the station-level tests (default: each section's own,
        chosen to keep a 100,000-station report to about two minutes).
    progress : bool, optional
        Progress bars on stderr (in Jupyter: widgets) for the report and its slow steps;
        None: shown in a terminal or Jupyter, per ``es.set_options(progress=...)``.
    command : str, optional
        The command line shown in the reproducibility block (default: rebuilt from the
        arguments).

    Returns
    -------
    pathlib.Path
        The written ``index.html``.
    """
    from ._progress import progress_bar, set_options

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {str(out)!r} is a file; give a folder for the report.")
    election, title = _load_target(target, csv_options)
    if election is not None and not {"ballots_found", "ballots_issued"} & set(election.roles):
        from .errors import ElectionDataError

        raise ElectionDataError(
            "the station report needs the ballots of each station: name the column with "
            "--ballots-found or --ballots-issued (and --registered for turnout)."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # a file on the path, no permission, a read-only file system
        raise NotADirectoryError(
            f"--out {str(out)!r} cannot be created ({err.strerror or err}); give a folder that "
            "can be written to."
        ) from None
    reset_used()
    parts: list[Any] = []
    titles: dict[int, tuple[str, str]] = {}  # id of a family -> its section's title, anchor
    steps = _builders(election, rng=rng, n_resamples=n_resamples)
    # the sections' own slow calls follow the same switch (their bars go to stderr)
    with set_options(progress=progress), progress_bar(len(steps), desc="report sections",
                                                      progress=progress, unit="section") as bar:
        for heading, build in steps:
            try:
                built = build()
            except _SECTION_ERRORS as err:
                built = [_not_computed(heading, err)]
            titles.update({id(p): heading for p in built})
            parts.extend(built)
            bar.update(1)
    families = [p for p in parts if isinstance(p, Family)]
    sections: list[Section] = []
    if families:
        from ._groups import adjust_pvalues

        tests = pd.concat([f.tests for f in families], ignore_index=True)
        tests = adjust_pvalues(tests, column="pvalue", method="fdr_bh", alpha=_ALPHA)
        start = 0
        rendered = {}
        for f in families:
            stop = start + len(f.tests)
            try:
                rendered[id(f)] = f.render(tests["pvalue_adjusted"].to_numpy()[start:stop])
            except _SECTION_ERRORS as err:
                rendered[id(f)] = _not_computed(titles[id(f)], err)
            start = stop
        notes = [n for f in families for n in f.notes]
        sections.append(_findings_section(tests, notes, alpha=_ALPHA))
        sections += [rendered[id(p)] if isinstance(p, Family) else p for p in parts]
    else:
        sections = parts
    sections.append(_glossary())
    sections.append(_reproducibility(target, rng, command, n_resamples))
    refs = _STATION_CITATIONS if election is not None else _KAZAKHSTAN_CITATIONS
    sections.append(Section("References", "The papers of the methods used in this report.",
                            [_references(refs)], anchor="references"))
    toc = "".join(f"<li><a href='#{s.anchor}'>{html.escape(s.title)}</a></li>" for s in sections)
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p class='caveat'>{html.escape(_CAVEAT)}</p>"
        f"<nav><ul>{toc}</ul></nav>{''.join(s.to_html() for s in sections)}"
        f"<footer>electionstats {html.escape(__version__)}; seed {html.escape(str(rng))}. "
        "The papers of the methods: the References section, or <code>electionstats cite</code>.</footer>"
        "</body></html>"
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    meta = {
        "built": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "electionstats": __version__,
        "seed": str(rng),
        "target": target,
        "sha256_index_html": hashlib.sha256(page.encode("utf-8")).hexdigest(),
    }
    (out / "metadata.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
