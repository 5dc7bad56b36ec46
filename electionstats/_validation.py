"""Validation of station tables: hard errors for impossible data, reported warnings for
what real official data legitimately contain.

Errors (``ElectionDataError``) name the column, its role, the number of rows affected and
the first offending station ids. Consistency rules that real elections break for
legitimate reasons (hospitals, mobile boxes, stations abroad) become rows of the
validation report and one :class:`~electionstats.DataQualityWarning` per rule.
"""

from __future__ import annotations

import numbers
import re
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


_INT_TEXT = re.compile(r"[+-]?\d+")
#: '1.000' or '12.345.678': groups of three digits after each point, which is a
#: European thousands separator far more often than a decimal fraction in a count.
_DOT_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_GROUPED = re.compile(r"\d{1,3}([,'\s\u00a0\u202f]\d{3})+")
EXACT_LIMIT = 2**53


def coerce_counts(
    values: pd.Series, *, column: str, role: str, station_ids: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Convert one source column to int64 counts and a mask of missing entries.

    Every check runs on the values as given, before any conversion to float, so a count
    is never rounded or reinterpreted: booleans (also mixed into text or objects), lists
    or other objects in cells, text that is not a number, European thousands
    separators (``'1.000'``), infinite, non-integer or negative values and values above
    2**53 raise :class:`ElectionDataError` naming the column, its role and the stations.
    Missing values (NaN, None, empty strings) are returned in the mask (their count is 0);
    the caller applies the missing-value policy.
    """
    where = f"column {column!r} (role `{role}`)"
    s = values
    if isinstance(s, pd.DataFrame):
        raise ElectionDataError(
            f"{where} appears {s.shape[1]} times in the data; rename the duplicate columns "
            "so that each source column has one name."
        )
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise ElectionDataError(
            f"{where} holds booleans, not counts; pass a column of vote or ballot counts."
        )
    if pd.api.types.is_complex_dtype(dtype):
        raise ElectionDataError(
            f"{where} holds complex numbers, not counts; pass a column of vote or ballot counts."
        )
    n = len(s)
    if pd.api.types.is_integer_dtype(dtype):
        missing = s.isna().to_numpy()
        unsigned = str(dtype).lower().startswith("u")
        raw = s.fillna(0).to_numpy(dtype=np.uint64 if unsigned else np.int64)
        _check_range(raw, missing, where, station_ids)
        return raw.astype(np.int64), missing
    if pd.api.types.is_float_dtype(dtype):
        arr = s.to_numpy(dtype=float, na_value=np.nan)
        return _from_floats(arr, np.isnan(arr), where, station_ids)
    # object or string columns: look at each cell's type once
    cells = s.to_numpy(dtype=object)
    kinds = np.array([_cell_kind(v) for v in cells], dtype=object) if n else np.empty(0, object)
    for kind, what in (("bool", "booleans"), ("other", "values that are not numbers or text")):
        bad = kinds == kind
        if bad.any():
            example = cells[bad][0]
            raise ElectionDataError(
                f"{where} holds {what} (e.g. {example!r}) at stations "
                f"{show_ids(station_ids[bad])}; counts must be whole numbers."
            )
    missing = kinds == "missing"
    out = np.zeros(n, dtype=np.int64)
    ints = kinds == "int"
    if ints.any():
        as_int = [int(v) for v in cells[ints]]
        _check_python_ints(as_int, station_ids[ints], where)
        out[ints] = as_int
    text = kinds == "text"
    if text.any():
        stripped = pd.Series(cells[text]).astype(str).str.strip()
        blank = (stripped == "").to_numpy()
        missing[np.flatnonzero(text)[blank]] = True
        text_idx = np.flatnonzero(text)[~blank]
        stripped = stripped[~blank].reset_index(drop=True)
        dots = stripped.str.fullmatch(_DOT_THOUSANDS.pattern).to_numpy()
        if dots.any():
            raise ElectionDataError(
                f"{where} has values such as {stripped[dots].iloc[0]!r} at stations "
                f"{show_ids(station_ids[text_idx[dots]])}: '.' followed by groups of three "
                "digits is a thousands separator ('1.000' = one thousand), which would be "
                "misread as a decimal point. Read the file with "
                "pandas.read_csv(..., thousands='.') or remove the separators."
            )
        is_int = stripped.str.fullmatch(_INT_TEXT.pattern).to_numpy()
        if is_int.any():
            as_int = [int(v) for v in stripped[is_int]]
            _check_python_ints(as_int, station_ids[text_idx[is_int]], where)
            out[text_idx[is_int]] = as_int
        rest = ~is_int
        if rest.any():
            converted = pd.to_numeric(stripped[rest], errors="coerce").to_numpy(dtype=float)
            bad = np.isnan(converted)
            if bad.any():
                examples = ", ".join(repr(v) for v in pd.unique(stripped[rest][bad])[:3])
                grouped = stripped[rest][bad].str.fullmatch(_GROUPED.pattern).any()
                hint = (
                    " They look like numbers with thousands separators: read the file with "
                    "pandas.read_csv(..., thousands=',') (or the separator used), or remove them."
                    if grouped
                    else ""
                )
                raise ElectionDataError(
                    f"{where} has non-numeric values ({examples}) at stations "
                    f"{show_ids(station_ids[text_idx[rest][bad]])}; counts must be numbers. "
                    "Clean the column or convert its missing-value marker to NaN." + hint
                )
            values_f, _ = _from_floats(
                converted, np.zeros(len(converted), bool), where, station_ids[text_idx[rest]]
            )
            out[text_idx[rest]] = values_f
    floats = kinds == "float"
    if floats.any():
        arr = np.array([float(v) for v in cells[floats]], dtype=float)
        nan = np.isnan(arr)
        missing[np.flatnonzero(floats)[nan]] = True
        values_f, _ = _from_floats(arr, nan, where, station_ids[floats])
        out[floats] = values_f
    return out, missing


def _cell_kind(v: object) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return "missing"
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, numbers.Integral):
        return "int"
    if isinstance(v, numbers.Real):
        return "float"
    if isinstance(v, str):
        return "text"
    return "other"


def _check_python_ints(values: list[int], ids: pd.Index, where: str) -> None:
    arr = np.array([v > EXACT_LIMIT for v in values], dtype=bool)
    neg = np.array([v < 0 for v in values], dtype=bool)
    _raise_range(arr, neg, np.array(values, dtype=object), where, ids)


def _check_range(raw: np.ndarray, missing: np.ndarray, where: str, ids: pd.Index) -> None:
    huge = ~missing & (raw > EXACT_LIMIT)
    neg = ~missing & (raw < 0) if raw.dtype.kind == "i" else np.zeros(len(raw), bool)
    _raise_range(huge, neg, raw, where, ids)


def _raise_range(huge: np.ndarray, neg: np.ndarray, raw: np.ndarray, where: str, ids: pd.Index) -> None:
    if huge.any():
        raise ElectionDataError(
            f"{where} has values above 2**53 (e.g. {int(raw[huge][0]):,}) at stations "
            f"{show_ids(ids[huge])}; no polling station has that many voters, and "
            "such values cannot be stored exactly in floating point. Check the column (an id or a code?)."
        )
    if neg.any():
        raise ElectionDataError(
            f"{where} has negative values (e.g. {int(raw[neg][0])}) at stations "
            f"{show_ids(ids[neg])}; counts must be >= 0."
        )


def _from_floats(
    arr: np.ndarray, missing: np.ndarray, where: str, ids: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    finite = np.isfinite(arr) | missing
    if not finite.all():
        raise ElectionDataError(
            f"{where} has infinite values at stations {show_ids(ids[~finite])}; "
            "counts must be finite."
        )
    frac = ~missing & (arr != np.round(arr))
    if frac.any():
        raise ElectionDataError(
            f"{where} has non-integer values (e.g. {float(arr[frac][0])!r}) at stations "
            f"{show_ids(ids[frac])}; counts must be whole numbers. If these are "
            "percentages or shares, pass the underlying counts instead."
        )
    huge = ~missing & (arr > float(EXACT_LIMIT))
    neg = ~missing & (arr < 0)
    _raise_range(huge, neg, np.where(missing, 0, arr), where, ids)
    return np.where(missing, 0, arr).astype(np.int64), missing


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
