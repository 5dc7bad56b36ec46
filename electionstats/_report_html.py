"""Building blocks of the self-contained HTML report (figures embedded as PNG).

Each topic module contributes a :class:`Section` (a title, an introduction in plain words
and a list of HTML blocks); :mod:`electionstats.report` assembles them into one page.
Every table goes through :func:`table_html`, which labels its columns for people (with
the one-line explanation as a tooltip), formats numbers in one way (counts with thousands
separators, shares as percentages, p-values with three significant digits, never
scientific notation) and can shade flagged cells.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import math
import numbers
import re
from typing import Any

import numpy as np
import pandas as pd

from ._labels import explain, label
from ._results import format_number

#: this module's kinds -> the kinds of the package's one number formatter
_KINDS = {"p": "pvalue", "auto": "auto", "count": "count", "share": "share", "percent": "percent"}

_IDENT = re.compile(r"[A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|DipT|LastC|C05s|P05s|Skew|Kurt|Corr")

__all__ = ["Family", "Markup", "Section", "details", "figure_html", "fmt", "paragraph", "table_html"]


class Markup(str):
    """Text that is already HTML (``table_html`` does not escape it)."""


#: Columns of :attr:`Family.tests`.
TEST_COLUMNS = ("test", "scope", "pvalue", "effect", "caveat")


@dataclasses.dataclass
class Family:
    """A family of tests of a station report: computed first, rendered after adjustment.

    ``tests`` has one row per p-value (columns :data:`TEST_COLUMNS`: the test and where
    it was applied in words, the raw p-value, the effect size in words and the caveat);
    the report adjusts the p-values of every family together and calls
    ``render(adjusted)`` with the adjusted p-values in the order of ``tests``.
    ``notes`` are sentences for the findings section (e.g. a method that does not fit).
    """

    tests: pd.DataFrame
    render: Any
    notes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Section:
    """One section of the report (``anchor`` is its HTML id; default from the title)."""

    title: str
    intro: str = ""
    blocks: list[str] = dataclasses.field(default_factory=list)
    anchor: str = ""

    def __post_init__(self) -> None:
        if not self.anchor:
            self.anchor = "-".join(
                "".join(ch if ch.isalnum() else " " for ch in self.title.lower()).split()
            )

    def to_html(self) -> str:
        intro = paragraph(self.intro) if self.intro else ""
        return (
            f"<section id='{self.anchor}'><h2>{html.escape(self.title)}</h2>{intro}"
            f"{''.join(self.blocks)}</section>"
        )


def paragraph(text: str, *, cls: str = "") -> str:
    """An HTML paragraph of escaped text."""
    c = f" class='{cls}'" if cls else ""
    return f"<p{c}>{html.escape(text)}</p>"


def details(summary: str, body: str) -> str:
    """A collapsible block (``<details>``), closed by default."""
    return f"<details><summary>{html.escape(summary)}</summary>{body}</details>"


def figure_html(fig: Any, *, caption: str = "", dpi: int = 110) -> str:
    """Embed a matplotlib figure as a base64 PNG ``<figure>`` and close the figure.

    The PNG carries no software version or time stamp, so the same figure gives the
    same bytes.
    """
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f"<figure><img alt='{html.escape(caption or 'figure')}' "
        f"src='data:image/png;base64,{data}'/>{cap}</figure>"
    )


def fmt(v: Any, kind: str = "auto") -> str:
    """Format one value for a reader (no HTML escaping), through ``format_number``.

    ``kind``: ``'count'`` (thousands separators), ``'share'`` (a fraction shown as a
    percentage), ``'percent'`` (already in percent), ``'p'`` (a p-value), ``'stat'``
    (three decimals) or ``'auto'`` (by value).

    Examples
    --------
    >>> fmt(14380000.0), fmt(-679.66), fmt(0.1234, "share"), fmt(3.2e-7, "p"), fmt(0.04321, "p")
    ('14,380,000', '-679.66', '12.3 %', '< 0.001', '0.0432')
    """
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, numbers.Integral):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if math.isnan(x):
            return ""
        if math.isinf(x):
            return "no limit" if x > 0 else "no lower limit"
        if kind == "stat":
            return f"{x:,.3f}"
        if kind == "percent":
            return format_number(x, "percent", digits=2)
        if kind == "p" and x < 0.001:
            return "< 0.001"
        if kind == "auto" and not x.is_integer() and 1 <= abs(x) < 1e4:
            return f"{x:,.2f}"
        return format_number(x, _KINDS.get(kind, kind))
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def table_html(
    df: pd.DataFrame,
    *,
    caption: str = "",
    kinds: dict[str, str] | None = None,
    flags: pd.DataFrame | np.ndarray | None = None,
    cell_titles: pd.DataFrame | None = None,
) -> str:
    """A DataFrame as an HTML table for people.

    Column names are replaced by their human labels, with the explanation as a tooltip;
    numbers are formatted by :func:`fmt` (``kinds`` gives a column's kind); ``flags``
    (same shape as ``df``, booleans) shades flagged cells; ``cell_titles`` adds a tooltip
    per cell. The table scrolls sideways on narrow screens.
    """
    kinds = kinds or {}
    flag = None if flags is None else np.asarray(flags, dtype=bool)
    titles = None if cell_titles is None else np.asarray(cell_titles, dtype=object)

    def th(c: Any) -> str:
        tip = explain(c)
        t = f" title='{html.escape(tip)}'" if tip else ""
        return f"<th{t}>{html.escape(label(c))}</th>"

    rows = []
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for j, (c, v) in enumerate(zip(df.columns, row)):
            attrs = ""
            if isinstance(v, (numbers.Number, np.number)) and not isinstance(v, (bool, np.bool_)):
                attrs += " class='num"
                attrs += " flag'" if flag is not None and flag[i, j] else "'"
            elif flag is not None and flag[i, j]:
                attrs += " class='flag'"
            if titles is not None and titles[i, j]:
                attrs += f" title='{html.escape(str(titles[i, j]))}'"
            if isinstance(v, str) and not isinstance(v, Markup) and _IDENT.fullmatch(v):
                v = label(v)
            text = v if isinstance(v, Markup) else html.escape(fmt(v, kinds.get(str(c), "auto")))
            cells.append(f"<td{attrs}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    head = "".join(th(c) for c in df.columns)
    return (
        f"<div class='scroll'><table>{cap}<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
