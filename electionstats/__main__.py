"""Command line: ``electionstats report``, ``electionstats datasets``, ``electionstats cite``."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from ._warnings import ElectionStatsWarning


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="electionstats",
        description="Reproducible statistics for election forensics.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "report",
        help="write an HTML report (default: the bundled Kazakhstan 2021 case)",
        description=(
            "Write a self-contained HTML report into --out. With no TARGET: the Kazakhstan "
            "2021 Majilis claims, official figures and seats. TARGET may be a dataset name "
            "(see 'electionstats datasets') or a CSV file with the column options below."
        ),
    )
    r.add_argument("target", nargs="?", default=None, help="dataset name or CSV path")
    r.add_argument("--out", default="report", help="output folder (default: ./report)")
    r.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    r.add_argument("--n-resamples", type=int, default=None,
                   help="Monte Carlo replicates (default: each section's own)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    g = r.add_argument_group("CSV column roles (for a CSV TARGET)")
    g.add_argument("--sep", default=",", help="field separator (default ',')")
    g.add_argument("--station-id", nargs="+", help="station id column(s)")
    for role in ("registered", "ballots-issued", "ballots-found", "valid", "invalid"):
        g.add_argument(f"--{role}", nargs="+", help=f"column(s) adding up to `{role.replace('-', '_')}`")
    g.add_argument("--party", nargs="+", default=[], help="party columns")
    g.add_argument("--region", nargs="+", help="region level columns, largest first")
    g.add_argument("--missing", default="raise", choices=["raise", "exclude", "zero"])
    sub.add_parser("datasets", help="list the registered datasets")
    c = sub.add_parser("cite", help="print BibTeX of the methods (all, or the given keys)")
    c.add_argument("keys", nargs="*")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``electionstats`` command."""
    args = _parser().parse_args(argv)
    if args.command == "datasets":
        from . import datasets

        table = datasets.list()[["name", "title"]]
        sys.stdout.write(table.to_string(index=False) + "\n")
        return 0
    if args.command == "cite":
        from ._citations import cite

        sys.stdout.write(cite(args.keys or None) + "\n")
        return 0
    from .report import build_report

    from .datasets import DatasetChecksumError
    from .election import ElectionDataError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ElectionStatsWarning)
        try:
            path = _report(args, build_report)
        except (ElectionDataError, DatasetChecksumError, FileNotFoundError) as err:
            hint = (
                " Name the CSV's columns with --station-id, --registered, --ballots-issued, "
                "--ballots-found, --valid, --invalid, --party and --region."
                if "no count columns given" in str(err)
                else ""
            )
            sys.stderr.write(f"electionstats: error: {err}{hint}\n")
            return 2
    for w in caught:
        sys.stderr.write(f"{w.category.__name__}: {w.message}\n")
    sys.stdout.write(f"report written to {path}\n")
    return 0


def _report(args: argparse.Namespace, build_report: Any) -> Any:
    csv_options = None
    if args.target is not None and args.target.lower().endswith((".csv", ".txt", ".zip", ".gz")):
        csv_options = {
            "sep": args.sep,
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
    return build_report(
        args.target,
        out_dir=args.out,
        rng=args.seed,
        n_resamples=args.n_resamples,
        csv_options=csv_options,
        progress=not args.quiet,
    )


if __name__ == "__main__":
    raise SystemExit(main())
