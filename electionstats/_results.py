"""The result family: one base class, three kinds of results, one number formatter.

Every public function returns a frozen dataclass derived from :class:`Result`:

- :class:`TestResult` (a hypothesis test): ``statistic`` and ``pvalue``; unpacks to
  ``(statistic, pvalue)`` like scipy's results.
- :class:`EstimateResult` (a descriptive estimate): ``estimate`` and ``interval`` (an
  :class:`Interval`, NaN bounds when not computed); no p-value, does not unpack.
- :class:`TableResult` (forensics tables, sweeps, scenarios, allocations, batteries):
  wraps a DataFrame ``table``; ``to_frame()`` returns a copy of it.

Every result has ``to_frame()`` (a tidy DataFrame; an interval field ``x`` always becomes
the columns ``x_low`` and ``x_high``, so results ``pd.concat`` into one table), ``summary()``
(a :class:`Summary` that prints as text and renders as HTML in Jupyter, as statsmodels'
summaries do), ``_repr_html_``, ``cite()`` (BibTeX of the method), ``plot(ax=None)`` and an
``==`` that compares numpy fields by value.

Numbers shown to a reader go through :func:`format_number` (counts with thousands
separators, shares as percentages, p-values) and tables through :func:`html_table`.

Compatibility: a class that derives from :class:`Result` directly (not through one of the
three kinds) gets the fields ``statistic`` and ``pvalue`` and unpacks to them, as the base
class did before the family was split. Derive from :class:`TestResult` instead.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._citations import cite as _cite

__all__ = [
    "CAVEAT",
    "EstimateResult",
    "Interval",
    "Result",
    "ResultFrame",
    "result_frame",
    "Summary",
    "TableResult",
    "TestResult",
    "format_number",
    "format_value",
    "html_table",
]

CAVEAT = (
    "A small p-value or an interval that excludes the reference says the data depart "
    "from the reference distribution. That is a reason to look closer, not proof of "
    "fraud: ordinary features of real elections (station sizes, regional differences, "
    "special stations) also cause departures."
)

#: What :func:`format_number` prints for a missing value (NaN or None).
MISSING = "–"

_KINDS = ("auto", "count", "share", "percent", "pvalue", "number", "text")


# ---------------------------------------------------------------------------------------
# numbers
def _is_nan(value: Any) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and math.isnan(value))


def format_number(value: Any, kind: str = "auto", *, digits: int | None = None) -> str:
    """Format one number for a reader: the single formatter of every repr and report.

    Parameters
    ----------
    value : number, bool, str or None
        The value. NaN and None print as an en dash.
    kind : {'auto', 'count', 'share', 'percent', 'pvalue', 'number', 'text'}
        ``'count'``: an integer with thousands separators (a float holding an integer,
        such as a sum of votes, prints as that integer, never as ``1.092e+08``).
        ``'share'``: a proportion printed as a percentage (0.645 -> ``64.5 %``).
        ``'percent'``: a value already in percent (64.5 -> ``64.5 %``).
        ``'pvalue'``: 3 significant digits, ``< 0.001`` below 0.001.
        ``'number'``: 4 significant digits, thousands separators for large values.
        ``'auto'``: integers (and integral floats of at most 2**53) as counts, other
        numbers as ``'number'``, anything else with ``str``.
    digits : int, optional
        Decimals for shares and percents (default 1), significant digits for numbers
        (default 4) and p-values (default 3).

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(109234567.0)
    '109,234,567'
    >>> format_number(0.6451, "share")
    '64.5 %'
    >>> format_number(0.00002, "pvalue")
    '< 0.001'
    >>> format_number(0.04213, "pvalue")
    '0.0421'
    >>> format_number(4.18736)
    '4.187'
    """
    if kind not in _KINDS:
        raise ValueError(f"`kind` must be one of {_KINDS} (got {kind!r}).")
    if _is_nan(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if kind == "text" or isinstance(value, str) or not isinstance(value, numbers.Real):
        return str(value)
    if kind == "share":
        return f"{100 * float(value):,.{1 if digits is None else digits}f} %"
    if kind == "percent":
        return f"{float(value):,.{1 if digits is None else digits}f} %"
    if kind == "pvalue":
        p = float(value)
        if 0 < p < 0.001:
            return "< 0.001"
        return _significant(p, 3 if digits is None else digits)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    v = float(value)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if kind == "count" or (kind == "auto" and v.is_integer() and abs(v) <= 2**53):
        if kind == "count" and not v.is_integer():
            return f"{v:,.1f}"
        return f"{int(v):,}"
    return _significant(v, 4 if digits is None else digits)


def _significant(v: float, digits: int) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 10 ** (digits - 1):
        return f"{v:,.0f}"
    if abs(v) < 1e-4:
        return f"{v:.{digits - 1}e}"
    decimals = digits - 1 - math.floor(math.log10(abs(v)))
    text = f"{v:.{max(decimals, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: Any) -> str:
    """Format a scalar or a pair for a summary (:func:`format_number` with ``kind='auto'``)."""
    if isinstance(value, Interval):
        return str(value)
    if isinstance(value, tuple) and len(value) == 2:
        return f"({format_value(value[0])}, {format_value(value[1])})"
    return format_number(value)


# ---------------------------------------------------------------------------------------
# intervals
@dataclasses.dataclass(frozen=True)
class Interval:
    """A confidence interval ``[low, high]`` at ``confidence_level``.

    NaN bounds mean "not computed". It unpacks to ``(low, high)``; in a result's
    ``to_frame()`` an interval field ``x`` becomes the columns ``x_low`` and ``x_high``.

    Examples
    --------
    >>> ci = Interval(0.18, 0.22, 0.95)
    >>> low, high = ci
    >>> ci.contains(0.2), str(ci), ci[0]
    (True, '[0.18, 0.22] (95 %)', 0.18)
    >>> Interval.missing().computed
    False
    """

    low: float
    high: float
    confidence_level: float = 0.95

    def __post_init__(self) -> None:
        object.__setattr__(self, "low", float(self.low))
        object.__setattr__(self, "high", float(self.high))
        object.__setattr__(self, "confidence_level", float(self.confidence_level))
        if self.low > self.high:
            raise ValueError(
                f"an interval needs low <= high (got low={self.low}, high={self.high})."
            )

    @classmethod
    def missing(cls, confidence_level: float = 0.95) -> Interval:
        """An interval that was not computed (NaN bounds)."""
        return cls(math.nan, math.nan, confidence_level)

    @property
    def computed(self) -> bool:
        """False when either bound is NaN."""
        return not (math.isnan(self.low) or math.isnan(self.high))

    def contains(self, value: float) -> bool:
        """Whether ``low <= value <= high`` (False for an interval not computed)."""
        return bool(self.low <= value <= self.high)

    def __iter__(self) -> Iterator[float]:
        yield self.low
        yield self.high

    def __getitem__(self, index: Any) -> Any:
        """``interval[0]`` is ``low``, ``interval[1]`` ``high`` (as the tuples it replaces)."""
        return (self.low, self.high)[index]

    def __len__(self) -> int:
        return 2

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interval):
            return NotImplemented
        return _equal(tuple(self.__dict__.values()), tuple(other.__dict__.values()))

    def __hash__(self) -> int:
        return hash((self.low, self.high, self.confidence_level))

    def __str__(self) -> str:
        level = format_number(self.confidence_level, "share", digits=0)
        return f"[{format_number(self.low)}, {format_number(self.high)}] ({level})"


# ---------------------------------------------------------------------------------------
# summaries and tables
def _html_cell(value: Any, kind: str) -> tuple[str, str]:
    text = format_value(value) if kind == "auto" else format_number(value, kind)
    numeric = isinstance(value, numbers.Number) and not isinstance(value, bool)
    return html.escape(text), ("right" if numeric else "left")


def html_table(
    df: pd.DataFrame,
    *,
    formats: Mapping[str, str] | None = None,
    index: bool = True,
    caption: str | None = None,
    max_rows: int | None = 60,
) -> str:
    """Render a DataFrame as a small, escaped HTML table with readable numbers.

    Parameters
    ----------
    df : DataFrame
    formats : mapping of column name to a :func:`format_number` kind, optional
        Columns not named use ``'auto'`` (counts with separators, 4 significant digits).
    index : bool
        Show the index as the first column (the index name as its header).
    caption : str, optional
    max_rows : int or None
        Show the first and last rows of longer tables with a row saying how many were
        left out; None shows every row.

    Examples
    --------
    >>> import pandas as pd
    >>> print(html_table(pd.DataFrame({"votes": [1234567.0]}), index=False))
    <table class="electionstats"><thead><tr><th>votes</th></tr></thead><tbody><tr><td style="text-align:right">1,234,567</td></tr></tbody></table>
    """
    formats = dict(formats or {})
    unknown = set(formats) - set(map(str, df.columns))
    if unknown:
        raise KeyError(f"`formats` names columns not in the table: {sorted(unknown)}.")
    cols = [str(c) for c in df.columns]
    head = ([html.escape(str(df.index.name or ""))] if index else []) + [
        html.escape(c) for c in cols
    ]
    n = len(df)
    if max_rows is not None and n > max_rows:
        half = max_rows // 2
        parts = [df.iloc[:half], None, df.iloc[n - half:]]
    else:
        parts = [df]
    body = []
    width = len(head)
    for part in parts:
        if part is None:
            body.append(
                f'<tr><td colspan="{width}" style="text-align:center">'
                f"… {n - 2 * (max_rows // 2):,} more rows …</td></tr>"
            )
            continue
        for label, row in zip(part.index, part.itertuples(index=False, name=None)):
            cells = []
            if index:
                text, align = _html_cell(label, "auto")
                cells.append(f'<th style="text-align:{align}">{text}</th>')
            for col, value in zip(cols, row):
                text, align = _html_cell(value, formats.get(col, "auto"))
                cells.append(f'<td style="text-align:{align}">{text}</td>')
            body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    header = "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"
    return f'<table class="electionstats">{cap}{header}<tbody>{"".join(body)}</tbody></table>'


def _text_table(df: pd.DataFrame, formats: Mapping[str, str], index: bool) -> str:
    cols = [str(c) for c in df.columns]
    rows = []
    for label, row in zip(df.index, df.itertuples(index=False, name=None)):
        cells = [format_value(label)] if index else []
        for col, value in zip(cols, row):
            kind = formats.get(col, "auto")
            cells.append(format_value(value) if kind == "auto" else format_number(value, kind))
        rows.append(cells)
    head = ([str(df.index.name or "")] if index else []) + cols
    widths = [max([len(head[i])] + [len(r[i]) for r in rows]) for i in range(len(head))]
    fmt = ["{:<%d}" % widths[0]] + ["{:>%d}" % w for w in widths[1:]]
    if not index:
        fmt[0] = "{:>%d}" % widths[0]
    lines = ["  ".join(f.format(h) for f, h in zip(fmt, head)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(f.format(c) for f, c in zip(fmt, r)).rstrip() for r in rows]
    return "\n".join(lines)


@dataclasses.dataclass
class Summary:
    """A result summary that prints as text and renders as HTML in Jupyter.

    Like statsmodels' ``Summary``: ``str(summary)`` (and the plain repr) is the text
    version, ``summary._repr_html_()`` the HTML one, so a notebook shows a table instead
    of one escaped line full of ``\\n``. ``"words" in summary`` searches the text.

    Parameters
    ----------
    title : str
    items : list of (label, value) pairs
        The key numbers, shown as a two-column table.
    tables : list of (caption, DataFrame, formats) triples
        Further tables (formats maps columns to :func:`format_number` kinds).
    notes : list of str
        Sentences shown below the tables (the null hypothesis, the caveat, citations).

    Examples
    --------
    >>> s = Summary("Demo", items=[("Stations", 12345), ("p-value", 0.5)])
    >>> print(s)
    Demo
    ====
    Stations  12,345
    p-value      0.5
    >>> "12,345" in s
    True
    """

    title: str
    items: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame, dict[str, str]]] = dataclasses.field(
        default_factory=list
    )
    notes: list[str] = dataclasses.field(default_factory=list)

    def add_items(self, items: Sequence[tuple[str, Any]]) -> Summary:
        """Append (label, value) pairs; returns the summary."""
        self.items.extend(items)
        return self

    def add_table(
        self, df: pd.DataFrame, caption: str = "", formats: Mapping[str, str] | None = None
    ) -> Summary:
        """Append a table; returns the summary."""
        self.tables.append((caption, df, dict(formats or {})))
        return self

    def add_note(self, text: str) -> Summary:
        """Append a note; returns the summary."""
        self.notes.append(text)
        return self

    @staticmethod
    def _item_text(value: Any) -> str:
        return value if isinstance(value, str) else format_value(value)

    def as_text(self) -> str:
        """The plain-text summary."""
        lines = [self.title, "=" * len(self.title)]
        if self.items:
            texts = [(k, self._item_text(v)) for k, v in self.items]
            kw = max(len(k) for k, _ in texts)
            vw = max(len(v) for _, v in texts)
            lines += [f"{k:<{kw}}  {v:>{vw}}" for k, v in texts]
        for caption, df, formats in self.tables:
            lines.append("")
            if caption:
                lines.append(caption)
            lines.append(_text_table(df, formats, index=_show_index(df)))
        if self.notes:
            lines.append("")
            lines += self.notes
        return "\n".join(lines)

    def as_html(self) -> str:
        """The HTML summary (what Jupyter shows)."""
        parts = [f"<div class='electionstats-summary'><b>{html.escape(self.title)}</b>"]
        if self.items:
            rows = "".join(
                f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                f"<td style='text-align:right'>{html.escape(self._item_text(v))}</td></tr>"
                for k, v in self.items
            )
            parts.append(f"<table>{rows}</table>")
        for caption, df, formats in self.tables:
            parts.append(
                html_table(df, formats=formats, index=_show_index(df), caption=caption or None)
            )
        parts += [f"<p style='font-size:smaller'>{html.escape(n)}</p>" for n in self.notes]
        parts.append("</div>")
        return "".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()

    def __contains__(self, text: str) -> bool:
        return text in self.as_text()

    def splitlines(self) -> list[str]:
        """Lines of the text summary."""
        return self.as_text().splitlines()


def _show_index(df: pd.DataFrame) -> bool:
    return not isinstance(df.index, pd.RangeIndex) or df.index.name is not None


# ---------------------------------------------------------------------------------------
# equality by value
def _equal(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, pd.DataFrame) or isinstance(a, pd.Series):
        return type(a) is type(b) and a.equals(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape or a_arr.dtype.kind != b_arr.dtype.kind:
            return False
        try:
            return bool(np.array_equal(a_arr, b_arr, equal_nan=a_arr.dtype.kind in "fc"))
        except TypeError:
            return bool(np.array_equal(a_arr, b_arr))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return False
        return all(
            _equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, (tuple, list)):
        return (
            type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_equal(a[k], b[k]) for k in a)
        )
    if _is_nan(a) and _is_nan(b):
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float, np.generic))


def _is_interval_field(f: dataclasses.Field) -> bool:
    return "Interval" in str(f.type)


# ---------------------------------------------------------------------------------------
# the family
@dataclasses.dataclass(frozen=True, eq=False)
class Result:
    """Common behaviour of every result object.

    Subclasses are frozen dataclasses that set the class attributes ``method`` (a
    human-readable name), ``citations`` (keys of
    :data:`electionstats._citations.CITATIONS`) and optionally ``null_hypothesis`` (what
    the null says, in words) and ``plot_function`` (``"module:function"`` of the figure).
    Derive from :class:`TestResult`, :class:`EstimateResult` or :class:`TableResult`.
    """

    method: ClassVar[str] = "result"
    citations: ClassVar[tuple[str, ...]] = ()
    null_hypothesis: ClassVar[str] = ""
    caveat: ClassVar[str] = CAVEAT
    plot_function: ClassVar[str] = ""
    _family: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Equality by value for every subclass, also those decorated with the default
        # ``eq=True`` (the dataclass decorator keeps an ``__eq__`` defined on the class).
        if "__eq__" not in cls.__dict__:
            cls.__eq__ = Result.__eq__  # type: ignore[method-assign]
            cls.__hash__ = None  # type: ignore[assignment]
        # Compatibility: a direct subclass of Result is an old-style test result.
        if not cls._family and not any(
            "statistic" in getattr(base, "__dataclass_fields__", {}) for base in cls.__mro__
        ):
            own = dict(cls.__dict__.get("__annotations__", {}))
            cls.__annotations__ = {"statistic": "float", "pvalue": "float", **own}
            cls.__iter__ = TestResult.__iter__  # type: ignore[method-assign]

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            _equal(getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)
        )

    __hash__ = None  # type: ignore[assignment]

    # -- tidy output ---------------------------------------------------------------
    def _scalar_fields(self) -> dict[str, Any]:
        """Scalar fields by name; intervals and pairs as ``name_low``/``name_high``."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, Interval) or (value is None and _is_interval_field(f)):
                iv = value if value is not None else Interval.missing()
                out[f"{f.name}_low"] = iv.low
                out[f"{f.name}_high"] = iv.high
            elif _is_scalar(value):
                out[f.name] = value.item() if isinstance(value, np.generic) else value
            elif (
                isinstance(value, tuple)
                and len(value) == 2
                and all(_is_scalar(v) for v in value)
            ):
                out[f"{f.name}_low"] = value[0]
                out[f"{f.name}_high"] = value[1]
        return out

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar fields, with the method's name first."""
        return pd.DataFrame([{"method": self.method, **self._scalar_fields()}])

    def _summary_items(self) -> list[tuple[str, Any]]:
        """(label, value) pairs of the summary; subclasses override for plain words."""
        return list(self._scalar_fields().items())

    def summary(self) -> Summary:
        """Summary with the key numbers, the null hypothesis and the caveat.

        Prints as text (``print(result.summary())``) and renders as HTML in Jupyter.
        """
        s = Summary(self.method, items=self._summary_items())
        if self.null_hypothesis:
            s.add_note(f"Null hypothesis: {self.null_hypothesis}")
        s.add_note(f"Note: {self.caveat}")
        if self.citations:
            s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX records of the papers behind this result (and of electionstats)."""
        return _cite(self.citations, format=format)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the result on ``ax`` (a new figure if None) and return the Axes."""
        if not self.plot_function:
            raise NotImplementedError(
                f"{type(self).__name__} has no figure; use to_frame() or summary()."
            )
        import importlib

        module, _, name = self.plot_function.partition(":")
        func = getattr(importlib.import_module(module), name)
        return func(self, ax=ax, **kwargs)


@dataclasses.dataclass(frozen=True, eq=False)
class TestResult(Result):
    """A hypothesis test: ``statistic`` and ``pvalue``; unpacks to ``(statistic, pvalue)``.

    Examples
    --------
    >>> import dataclasses
    >>> @dataclasses.dataclass(frozen=True)
    ... class Demo(TestResult):
    ...     method = "Demo test"
    >>> stat, p = Demo(statistic=2.0, pvalue=0.04)
    >>> Demo(2.0, 0.04) == Demo(2.0, 0.04)
    True
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float

    method: ClassVar[str] = "test"
    _family: ClassVar[str] = "test"

    def __iter__(self) -> Iterator[Any]:
        yield self.statistic
        yield self.pvalue


@dataclasses.dataclass(frozen=True, eq=False)
class EstimateResult(Result):
    """A descriptive estimate with its interval; no p-value, and it does not unpack.

    Examples
    --------
    >>> r = EstimateResult(estimate=0.25, interval=Interval(0.2, 0.3, 0.95))
    >>> r.to_frame()[["estimate", "interval_low", "interval_high"]].iloc[0].tolist()
    [0.25, 0.2, 0.3]
    """

    estimate: float
    interval: Interval = dataclasses.field(default_factory=Interval.missing)

    method: ClassVar[str] = "estimate"
    _family: ClassVar[str] = "estimate"
    caveat: ClassVar[str] = (
        "An estimate describes the data; an unusual value is a reason to look closer, "
        "not proof of fraud."
    )

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(
            f"{type(self).__name__} is an estimate without a p-value and does not unpack; "
            "read .estimate and .interval."
        )


@dataclasses.dataclass(frozen=True, eq=False)
class TableResult(Result):
    """A table of results (forensics tables, sweeps, scenarios, allocations, batteries).

    ``to_frame()`` returns a copy of ``table``; ``len(result)`` is its number of rows and
    ``result[column]`` one of its columns.

    Examples
    --------
    >>> import pandas as pd
    >>> t = TableResult(table=pd.DataFrame({"party": ["A", "B"], "seats": [60, 40]}))
    >>> len(t), t["seats"].sum()
    (2, np.int64(100))
    """

    table: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)

    method: ClassVar[str] = "table"
    _family: ClassVar[str] = "table"
    #: Column name -> :func:`format_number` kind for summaries.
    formats: ClassVar[dict[str, str]] = {}

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table."""
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, key: Any) -> Any:
        return self.table[key]

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(
            f"{type(self).__name__} is a table and does not unpack; use .table or to_frame()."
        )

    def _summary_items(self) -> list[tuple[str, Any]]:
        return [
            (k, v) for k, v in self._scalar_fields().items() if k != "table"
        ]

    def summary(self) -> Summary:
        """Summary with the table, the null hypothesis and the caveat."""
        s = super().summary()
        formats = {k: v for k, v in self.formats.items() if k in map(str, self.table.columns)}
        s.tables.append(("", self.table, formats))
        return s


class ResultFrame(pd.DataFrame):
    """A table that an analysis returns as a DataFrame, with the result family's methods.

    Some analyses (claims' contradictions and implications, the scenario consistency
    checks, the group runner) return a table users index with pandas. They return this
    DataFrame subclass, so everything pandas does still works, and like every other result
    it has ``to_frame()`` (a plain DataFrame copy), ``summary()`` (text and HTML),
    ``cite()`` and a Jupyter repr. Operations on it (selection, arithmetic) give plain
    DataFrames.

    Examples
    --------
    >>> t = ResultFrame({"claim": ["turnout"], "gap": [48.25]}, method="Contradictions")
    >>> t.loc[0, "gap"], type(t.to_frame()).__name__
    (np.float64(48.25), 'DataFrame')
    >>> print(t.summary())  # doctest: +NORMALIZE_WHITESPACE
    Contradictions
    ==============
    <BLANKLINE>
    claim    gap
    -------  -----
    turnout  48.25
    """

    _metadata = ["method", "citations", "caveat"]

    def __init__(self, *args: Any, method: str = "table", citations: Sequence[str] = (),
                 caveat: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method = method
        self.citations = tuple(citations)
        self.caveat = caveat

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """A plain DataFrame copy of the table."""
        return pd.DataFrame(self, copy=True)

    def summary(self) -> Summary:
        """Summary with the table (and the caveat when there is one)."""
        s = Summary(self.method)
        s.add_table(self.to_frame())
        if self.caveat:
            s.add_note(f"Note: {self.caveat}")
        if self.citations:
            s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX records of the papers behind this table (and of electionstats)."""
        return _cite(self.citations, format=format)


def result_frame(method: str, citations: Sequence[str] = (), caveat: str = ""):
    """Decorator: the DataFrame a function returns comes back as a :class:`ResultFrame`."""

    def wrap(func):
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> ResultFrame:
            return ResultFrame(func(*args, **kwargs), method=method, citations=citations,
                               caveat=caveat)

        return inner

    return wrap
