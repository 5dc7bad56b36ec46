"""Reading a user's station table (CSV or TSV) for the command line and the report.

The separator and the encoding are detected unless given; everything that would end in
a pandas or codec traceback (a non-UTF-8 file, an empty or header-only file, a ragged
row, a file named ``.gz`` that is not gzip) raises :class:`CsvReadError` with one line
that says what is wrong and which option fixes it.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CsvReadError", "read_table"]

#: Encodings tried in order when none is given (cp1250: Central European Windows files).
ENCODINGS = ("utf-8-sig", "cp1250", "cp1251")


class CsvReadError(ValueError):
    """A station file that cannot be read as a table (message names the fix)."""


def _raw_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    name = path.name.lower()
    if name.endswith(".gz"):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise CsvReadError(f"{path} is named .gz but is not a gzip file ({err}); rename or recompress it.") from None
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = [n for n in z.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    raise CsvReadError(f"{path} holds {len(names)} files; a zip must hold exactly one table.")
                return z.read(names[0])
        except zipfile.BadZipFile:
            raise CsvReadError(f"{path} is named .zip but is not a zip archive.") from None
    return data


def _decode(data: bytes, path: Path, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except LookupError:
            raise CsvReadError(f"--encoding {encoding!r} is not a known encoding (try utf-8 or cp1250).") from None
        except UnicodeDecodeError as err:
            raise CsvReadError(
                f"{path} is not valid {encoding} (byte {err.start:,}); give the file's encoding "
                "with --encoding, e.g. --encoding cp1250."
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CsvReadError(
            f"{path} is not UTF-8 (byte {err.start:,} cannot be decoded); give its encoding with "
            "--encoding, e.g. --encoding cp1250 for Central European Windows files or "
            "--encoding cp1251 for Cyrillic ones."
        ) from None


def _sniff_sep(text: str, path: Path) -> str:
    if path.name.lower().removesuffix(".gz").removesuffix(".zip").endswith(".tsv"):
        return "\t"
    head = "\n".join(text[:65536].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(path: str | Path, *, sep: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Read a station table, detecting the separator (``,``, ``;``, tab, ``|``) and encoding.

    Parameters
    ----------
    path : path
        CSV or TSV file, optionally ``.gz`` or a ``.zip`` with one file.
    sep : str, optional
        Field separator (``'\\t'`` or ``tab`` for tabs); detected when None (tab for ``.tsv``).
    encoding : str, optional
        Text encoding; UTF-8 (with or without byte order mark) when None, and a clear
        error naming ``--encoding`` otherwise.

    Returns
    -------
    DataFrame

    Raises
    ------
    CsvReadError
        Unreadable file, empty or header-only table, a column named twice, ragged row.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.tsv"
    >>> _ = p.write_text("id\\treg\\n1\\t100\\n", encoding="utf-8")
    >>> read_table(p).columns.tolist()
    ['id', 'reg']
    """
    path = Path(path)
    text = _decode(_raw_bytes(path), path, encoding)
    if not text.strip():
        raise CsvReadError(f"{path} is empty; it needs a header line and one line per polling station.")
    if sep in ("tab", "\\t"):
        sep = "\t"
    sep = sep or _sniff_sep(text, path)
    if len(sep) == 1:
        _check_header(text, sep, path)
        _check_ragged(text, sep, path)
    try:
        df = _read(text, sep)
    except pd.errors.ParserError as err:
        msg = str(err).strip().splitlines()[-1]
        raise CsvReadError(
            f"{path}: a row has a different number of fields than the header ({msg}); fix the row "
            "or give the right separator with --sep."
        ) from None
    except pd.errors.EmptyDataError:
        raise CsvReadError(f"{path} has no columns; it needs a header line and one line per polling station.") from None
    if len(df) == 0:
        raise CsvReadError(f"{path} has a header but no rows; it needs one line per polling station.")
    return df


def _field_counts(text: str, sep: str) -> tuple[int, list[tuple[int, int]]]:
    """Fields of the header and (line, fields) of every other non-blank line that differs.

    Without quotes (and with ``\\n`` or ``\\r\\n`` line ends) a line's fields are its
    separators plus one, counted for all lines at once; otherwise the csv module reads them.
    """
    if '"' not in text and text.count("\r") == text.count("\r\n"):
        b = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        ends = np.flatnonzero(b == 10)
        if len(ends) == 0 or ends[-1] != len(b) - 1:
            ends = np.append(ends, len(b))
        starts = np.concatenate(([0], ends[:-1] + 1))
        # separators before each line end, by binary search (no cumulative sum over every byte)
        seps = np.searchsorted(np.flatnonzero(b == ord(sep)), ends)
        fields = np.diff(seps, prepend=0) + 1
        length = ends - starts - (b[np.maximum(ends - 1, 0)] == 13)  # without a trailing \\r
        bad = np.flatnonzero((length[1:] > 0) & (fields[1:] != fields[0]))
        return int(fields[0]), [(int(i) + 2, int(fields[i + 1])) for i in bad]
    rows = csv.reader(io.StringIO(text), delimiter=sep)
    header = next(rows, [])
    return len(header), [(i, len(r)) for i, r in enumerate(rows, start=2) if r and len(r) != len(header)]


def _check_header(text: str, sep: str, path: Path) -> None:
    """Refuse a header that names a column twice (pandas would rename the second 'A.1')."""
    header = next(csv.reader(io.StringIO(text[:1 << 20]), delimiter=sep), [])
    fields: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        fields.setdefault(name, []).append(i)
    repeated = {name: where for name, where in fields.items() if len(where) > 1}
    if repeated:
        what = "; ".join(f"names column {name!r} more than once (fields "
                         f"{', '.join(map(str, where[:-1]))} and {where[-1]})"
                         for name, where in list(repeated.items())[:3])
        raise CsvReadError(f"{path}: the header {what}; rename the columns so each name is used once.")


def _check_ragged(text: str, sep: str, path: Path) -> None:
    n_header, bad = _field_counts(text, sep)
    if bad:
        where = ", ".join(f"line {i} has {k}" for i, k in bad[:5])
        raise CsvReadError(
            f"{path}: {len(bad):,} row(s) do not have the header's {n_header} fields ({where}"
            f"{', ...' if len(bad) > 5 else ''}); fix those rows, or give the right separator with --sep."
        )


#: A cell that is a whole number (surrounding spaces allowed).
_INTEGER = r"\s*[-+]?\d+\s*"


def _read(text: str, sep: str) -> pd.DataFrame:
    """The table with every column whose non-empty cells are all whole numbers as numbers.

    The C parser types the columns in one pass; a column it reads as whole numbers stays
    so, every other column is read again as text and becomes numbers only if each
    non-empty cell is a whole number (a count column with empty cells: floats with NaN).
    Decimals, booleans and names stay text, so nothing is misread as a count.
    """
    kw: dict = {"sep": sep, "keep_default_na": False, "na_values": [""]}
    if len(sep) > 1:
        return _numeric(pd.read_csv(io.StringIO(text), dtype=str, engine="python", **kw))
    typed = pd.read_csv(io.StringIO(text), low_memory=False, **kw)
    other = [i for i, t in enumerate(typed.dtypes) if t.kind not in "iu"]
    if not other:
        return typed
    texts = _numeric(pd.read_csv(io.StringIO(text), dtype=str, usecols=other, **kw))
    out = {c: typed.iloc[:, i] for i, c in enumerate(typed.columns)}
    for i, c in zip(other, texts.columns):
        out[typed.columns[i]] = texts[c]
    return pd.DataFrame(out, index=typed.index)[typed.columns]


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every non-empty cell is an integer become numbers; the rest stay text."""
    out = df.copy()
    for c in out.columns:
        s = out[c].dropna()
        # the first cell decides most text columns without matching every cell
        if len(s) and pd.Series(s.iloc[:1]).str.fullmatch(_INTEGER).all() and s.str.fullmatch(_INTEGER).all():
            out[c] = pd.to_numeric(out[c])
    return out
