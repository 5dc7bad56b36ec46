"""Validation of station tables: hard errors for impossible data, reported warnings for
what real official data legitimately contain.

Errors (``ElectionDataError``) name the column, its role, the number of rows affected and
the first offending station ids. Consistency rules that real elections break for
legitimate reasons (hospitals, mobile boxes, stations abroad) become rows of the
validation report and one :class:`~electionstats.DataQualityWarning` per rule.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._warnings import DataQualityWarning
from .errors import ElectionDataError

__all__ = ["ElectionDataError", "consistency_report", "coerce_counts", "show_ids"]

_MAX_IDS = 5




def show_ids(ids: Sequence | pd.Index | np.ndarray, limit: int = _MAX_IDS) -> str:
    """Format the first ``limit`` station ids for a message: ``['a', 'b', ...] (12 rows)``."""
    ids = list(ids)
    head = ", ".join(repr(i.item() if isinstance(i, np.generic) else i) for i in ids[:limit])
    more = ", ..." if len(ids) > limit else ""
    noun = "row" if len(ids) == 1 else "rows"
    return f"[{head}{more}] ({len(ids):,} {noun})"


def coerce_counts(
    values: pd.Series, *, column: str, role: str, station_ids: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Convert one source column to float counts and a mask of missing entries.

    Raises :class:`ElectionDataError` for text that is not a number, infinite values,
    non-integer values and negative values. Missing values (NaN, None, empty strings)
    are returned in the mask; the caller applies the missing-value policy.
    """
    where = f"column {column!r} (role `{role}`)"
    s = values
    if pd.api.types.is_bool_dtype(s.dtype):
        raise ElectionDataError(
            f"{where} holds booleans, not counts; pass a column of vote or ballot counts."
        )
    if pd.api.types.is_complex_dtype(s.dtype):
        raise ElectionDataError(
            f"{where} holds complex numbers, not counts; pass a column of vote or ballot counts."
        )
    if not pd.api.types.is_numeric_dtype(s.dtype):
        stripped = s.astype("string").str.strip()
        missing_text = s.isna() | (stripped == "")
        converted = pd.to_numeric(stripped.mask(missing_text), errors="coerce")
        bad = converted.isna() & ~missing_text
        if bad.any():
            examples = ", ".join(repr(v) for v in s[bad].unique()[:3])
            grouped = stripped[bad].str.fullmatch(r"\d{1,3}([,.'\s\u00a0\u202f]\d{3})+")
            hint = (
                " They look like numbers with thousands separators: read the file with "
                "pandas.read_csv(..., thousands=',') (or the separator used), or remove them."
                if grouped.fillna(False).any()
                else ""
            )
            raise ElectionDataError(
                f"{where} has non-numeric values ({examples}) at stations "
                f"{show_ids(station_ids[bad.to_numpy()])}; counts must be numbers. "
                "Clean the column or convert its missing-value marker to NaN." + hint
            )
        s = converted
    arr = s.to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(arr)
    finite = np.isfinite(arr) | missing
    if not finite.all():
        raise ElectionDataError(
            f"{where} has infinite values at stations {show_ids(station_ids[~finite])}; "
            "counts must be finite."
        )
    frac = ~missing & (arr != np.round(arr))
    if frac.any():
        raise ElectionDataError(
            f"{where} has non-integer values (e.g. {float(arr[frac][0])!r}) at stations "
            f"{show_ids(station_ids[frac])}; counts must be whole numbers. If these are "
            "percentages or shares, pass the underlying counts instead."
        )
    huge = ~missing & (np.abs(arr) > 2.0**53)
    if huge.any():
        raise ElectionDataError(
            f"{where} has values above 2**53 (e.g. {float(arr[huge][0]):g}) at stations "
            f"{show_ids(station_ids[huge])}; no polling station has that many voters, and "
            "such values cannot be stored exactly. Check the column (an id or a code?)."
        )
    neg = ~missing & (arr < 0)
    if neg.any():
        raise ElectionDataError(
            f"{where} has negative values (e.g. {int(arr[neg][0])}) at stations "
            f"{show_ids(station_ids[neg])}; counts must be >= 0."
        )
    return arr, missing


_RULE_TEXT = {
    "ballots_above_registered": (
        "there are more ballots than registered voters (legitimate at hospitals, mobile "
        "boxes and stations abroad where voters are added on the day)"
    ),
    "party_votes_above_valid": "party votes add up to more than the valid ballots",
    "party_votes_above_ballots": (
        "party votes add up to more than the ballots found (no `valid` column given)"
    ),
    "counted_above_found": "valid + invalid ballots exceed the ballots found in the boxes",
    "found_above_issued": (
        "more ballots were found in the boxes than were issued (legitimate where postal or "
        "early votes go into the box without being issued at the station; then turnout "
        "from ballots issued is too low there)"
    ),
}


def consistency_report(
    data: pd.DataFrame, parties: Sequence[str], *, policy: str = "warn", stacklevel: int = 3
) -> pd.DataFrame:
    """Check the consistency rules on a validated table and return the report rows.

    Parameters
    ----------
    data : DataFrame
        Canonical table (index = station id; integer count columns).
    parties : sequence of str
        Party columns.
    policy : {'warn', 'raise', 'report'}
        ``'warn'`` emits one :class:`DataQualityWarning` per rule that fires,
        ``'raise'`` raises :class:`ElectionDataError`, ``'report'`` only returns the rows.
    """
    checks: list[tuple[str, np.ndarray, str, np.ndarray, np.ndarray]] = []
    ballots_col = next((c for c in ("ballots_issued", "ballots_found") if c in data), None)
    if ballots_col and "registered" in data:
        checks.append(
            (
                "ballots_above_registered",
                data[ballots_col].to_numpy() > data["registered"].to_numpy(),
                f"{ballots_col} > registered",
                data[ballots_col].to_numpy(),
                data["registered"].to_numpy(),
            )
        )
    if parties:
        party_sum = data[list(parties)].to_numpy().sum(axis=1)
        if "valid" in data:
            checks.append(
                (
                    "party_votes_above_valid",
                    party_sum > data["valid"].to_numpy(),
                    "sum(parties) > valid",
                    party_sum,
                    data["valid"].to_numpy(),
                )
            )
        elif "ballots_found" in data:
            checks.append(
                (
                    "party_votes_above_ballots",
                    party_sum > data["ballots_found"].to_numpy(),
                    "sum(parties) > ballots_found",
                    party_sum,
                    data["ballots_found"].to_numpy(),
                )
            )
    if {"valid", "invalid", "ballots_found"} <= set(data.columns):
        counted = data["valid"].to_numpy() + data["invalid"].to_numpy()
        checks.append(
            (
                "counted_above_found",
                counted > data["ballots_found"].to_numpy(),
                "valid + invalid > ballots_found",
                counted,
                data["ballots_found"].to_numpy(),
            )
        )
    if {"ballots_found", "ballots_issued"} <= set(data.columns):
        found = data["ballots_found"].to_numpy()
        issued = data["ballots_issued"].to_numpy()
        checks.append(
            ("found_above_issued", found > issued, "ballots_found > ballots_issued", found, issued)
        )
    frames = []
    for rule, mask, comparison, left, right in checks:
        if not mask.any():
            continue
        ids = data.index[mask]
        message = (
            f"{int(mask.sum()):,} stations where {_RULE_TEXT[rule]} ({comparison}): "
            f"{show_ids(ids)}. They are kept; see Election.validation_report()."
        )
        if policy == "raise":
            raise ElectionDataError(message)
        if policy == "warn":
            warnings.warn(message, DataQualityWarning, stacklevel=stacklevel)
        frames.append(
            pd.DataFrame(
                {
                    "rule": rule,
                    "station_id": ids,
                    "comparison": comparison,
                    "left": left[mask],
                    "right": right[mask],
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "rule": pd.Series(dtype=str),
                "station_id": pd.Series(dtype=object),
                "comparison": pd.Series(dtype=str),
                "left": pd.Series(dtype="int64"),
                "right": pd.Series(dtype="int64"),
            }
        )
    return pd.concat(frames, ignore_index=True)
