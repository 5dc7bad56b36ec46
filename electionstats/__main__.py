"""Command line: ``electionstats report``, ``electionstats datasets``, ``electionstats cite``.

Every user error (a file that cannot be read, a missing or unknown column, a bad option
value) ends in one line ``electionstats: error: ...`` on stderr and exit code 2; hints are
written in command-line syntax (``--missing exclude``), never as Python arguments.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import warnings
from collections.abc import Sequence
from typing import Any, NoReturn

from ._warnings import ElectionStatsWarning

#: Python argument names of ``Election.from_frame`` and the flags that set them.
_FLAGS = {
    "station_id": "--station-id", "registered": "--registered", "ballots_issued": "--ballots-issued",
    "ballots_found": "--ballots-found", "valid": "--valid", "invalid": "--invalid",
    "parties": "--party", "party": "--party", "region": "--region", "missing": "--missing",
    "n_resamples": "--n-resamples", "rng": "--seed", "sep": "--sep", "encoding": "--encoding",
}

#: Licence of each data set's source (see data/README.md).
_LICENCES = {
    "russia_federal_shpilkin_kobak": "no licence stated; official results",
    "poland_2020_presidential_pkw": "official documents; compilation CC BY-SA 4.0",
    "albania_2013_parliamentary_eftoolkit": "GPL-3 (package data)",
    "georgia_2024_parliamentary_cec": "MIT (repository)",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"electionstats: error: {message} (see 'electionstats {self.prog.split()[-1]} --help')\n"
                         if " " in self.prog else f"electionstats: error: {message} (see 'electionstats --help')\n")
        raise SystemExit(2)


def _count(text: str, *, flag: str, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{flag} must be a whole number (got {text!r})") from None
    if value < minimum:
        what = "positive" if minimum == 1 else "0 or more"
        raise argparse.ArgumentTypeError(f"{flag} must be {what} (got {value})")
    return value


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="electionstats", description="Reproducible statistics for election forensics.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser(
        "report",
        help="write an HTML report (default: the bundled Kazakhstan 2021 case)",
        description=(
            "Write a self-contained HTML report into --out. With no TARGET: the Kazakhstan "
            "2021 Majilis claims, official figures and seats. TARGET may be a dataset name "
            "(see 'electionstats datasets') or a CSV/TSV file with the column options below."
        ),
    )
    r.add_argument("target", nargs="?", default=None, help="dataset name or CSV/TSV path")
    r.add_argument("--out", default="report", help="output folder (default: ./report)")
    r.add_argument("--seed", type=lambda s: _count(s, flag="--seed", minimum=0), default=0,
                   help="random seed, 0 or more (default 0)")
    r.add_argument("--n-resamples", type=lambda s: _count(s, flag="--n-resamples", minimum=1), default=None,
                   help="Monte Carlo replicates, 1 or more (default: each section's own)")
    r.add_argument("--no-progress", "--quiet", dest="quiet", action="store_true", help="no progress bar")
    g = r.add_argument_group("CSV column roles (for a CSV TARGET)")
    g.add_argument("--sep", default=None, help="field separator (default: detected; tab for .tsv)")
    g.add_argument("--encoding", default=None, help="text encoding, e.g. cp1250 (default: UTF-8)")
    g.add_argument("--title", default=None, help="title of the report (default: from the file name)")
    g.add_argument("--station-id", nargs="+", help="station id column(s)")
    for role in ("registered", "ballots-issued", "ballots-found", "valid", "invalid"):
        g.add_argument(f"--{role}", nargs="+", help=f"column(s) adding up to the {role.replace('-', ' ')}")
    g.add_argument("--party", nargs="+", default=[], help="party columns")
    g.add_argument("--region", nargs="+", help="region level columns, largest first")
    g.add_argument("--missing", default="raise", choices=["raise", "exclude", "zero"],
                   help="what to do with empty count cells (default: raise)")
    sub.add_parser("datasets", help="list the registered datasets (address, sha256, licence)")
    c = sub.add_parser("cite", help="print BibTeX of the methods (all, or the given keys)")
    c.add_argument("keys", nargs="*")
    return p


def _flags(message: str) -> str:
    """Rewrite Python-style hints in an error message as command-line flags."""
    def kw(m: re.Match[str]) -> str:
        name, value = m.group(1), m.group(2)
        return f"{_FLAGS[name]} {value}" if name in _FLAGS else m.group(0)

    message = re.sub(r"\b(\w+)='([^']*)'", kw, message)
    message = re.sub(r"`(\w+)`", lambda m: _FLAGS.get(m.group(1), m.group(0)), message)
    message = re.sub(r"\b(\w+)=(?=[\[{(])", lambda m: f"{_FLAGS[m.group(1)]} " if m.group(1) in _FLAGS else m.group(0), message)
    return " ".join(message.split())


def _fail(message: str) -> int:
    sys.stderr.write(f"electionstats: error: {_flags(message)}\n")
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``electionstats`` command."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    if args.command == "datasets":
        from . import datasets

        table = datasets.list()
        for row in table.itertuples(index=False):
            sys.stdout.write(
                f"{row.name}\n  {row.title}\n  address: {row.url}\n  sha256:  {row.sha256}\n"
                f"  licence: {_LICENCES.get(row.folder, 'see data/README.md')}\n"
            )
        return 0
    if args.command == "cite":
        from ._citations import cite

        try:
            text = cite(args.keys or None)
        except KeyError as err:
            return _fail(str(err.args[0]) + " Run 'electionstats cite' for all of them.")
        sys.stdout.write(text + "\n")
        return 0
    from ._csvread import CsvReadError
    from .errors import DatasetChecksumError, ElectionDataError
    from .report import build_report

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ElectionStatsWarning)
        try:
            path = _report(args, build_report, argv)
        except (ElectionDataError, DatasetChecksumError, FileNotFoundError, NotADirectoryError,
                CsvReadError) as err:
            hint = (
                " Name the CSV's columns with --station-id, --registered, --ballots-issued, "
                "--ballots-found, --valid, --invalid, --party and --region."
                if "no count columns given" in str(err) or "no party columns" in str(err)
                else ""
            )
            return _fail(f"{err}{hint}")
    for w in caught:
        sys.stderr.write(f"{w.category.__name__}: {_flags(str(w.message))}\n")
    sys.stdout.write(f"report written to {path}\n")
    return 0


def _csv_flags(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """(flag, value) of the options that only a CSV target reads."""
    return [
        ("--sep", args.sep), ("--encoding", args.encoding), ("--title", args.title),
        ("--station-id", args.station_id), ("--registered", args.registered),
        ("--ballots-issued", args.ballots_issued), ("--ballots-found", args.ballots_found),
        ("--valid", args.valid), ("--invalid", args.invalid), ("--party", args.party),
        ("--region", args.region), ("--missing", args.missing != "raise"),
    ]


def _report(args: argparse.Namespace, build_report: Any, argv: Sequence[str] | None) -> Any:
    from pathlib import Path

    from . import datasets
    from .errors import ElectionDataError

    csv_options = None
    is_csv = args.target is not None and args.target not in datasets.list()["name"].tolist()
    if not is_csv:
        given = [flag for flag, value in _csv_flags(args) if value]
        if given:
            what = "no TARGET was given (the bundled Kazakhstan case)" if args.target is None else (
                f"{args.target!r} is a registered dataset whose columns are known")
            flags = ", ".join(given[:-1]) + " and " + given[-1] if len(given) > 1 else given[0]
            raise ElectionDataError(
                f"{flags} {'apply' if len(given) > 1 else 'applies'} to a CSV file, but {what}; "
                "leave them out or give a CSV file."
            )
    if is_csv:
        if Path(args.target).is_file() and not args.party:
            raise ElectionDataError(
                f"no party columns given for {args.target}: name the CSV's party columns with "
                "--party (e.g. --party A B C)."
            )
        csv_options = {
            "sep": args.sep,
            "encoding": args.encoding,
            "title": args.title,
            "station_id": args.station_id,
            "registered": args.registered,
            "ballots_issued": args.ballots_issued,
            "ballots_found": args.ballots_found,
            "valid": args.valid,
            "invalid": args.invalid,
            "parties": args.party,
            "region": args.region,
            "missing": args.missing,
        }
    words = list(sys.argv[1:] if argv is None else argv)
    return build_report(
        args.target,
        out_dir=args.out,
        rng=args.seed,
        n_resamples=args.n_resamples,
        csv_options=csv_options,
        progress=False if args.quiet else None,
        command="electionstats " + " ".join(shlex.quote(w) for w in words if w not in ("--quiet", "--no-progress")),
    )


if __name__ == "__main__":
    raise SystemExit(main())
