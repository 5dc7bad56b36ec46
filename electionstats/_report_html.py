"""Building blocks of the self-contained HTML report (figures embedded as PNG).

Each topic module contributes a :class:`Section` (a title, an introduction in plain words
and a list of HTML blocks); :mod:`electionstats.report` assembles them into one page.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Section", "figure_html", "paragraph", "table_html"]


@dataclasses.dataclass
class Section:
    """One section of the report."""

    title: str
    intro: str = ""
    blocks: list[str] = dataclasses.field(default_factory=list)

    def to_html(self) -> str:
        anchor = "".join(ch if ch.isalnum() else "-" for ch in self.title.lower())
        intro = paragraph(self.intro) if self.intro else ""
        return f"<section id='{anchor}'><h2>{html.escape(self.title)}</h2>{intro}{''.join(self.blocks)}</section>"


def paragraph(text: str) -> str:
    """An HTML paragraph of escaped text."""
    return f"<p>{html.escape(text)}</p>"


def figure_html(fig: Any, *, caption: str = "", dpi: int = 110) -> str:
    """Embed a matplotlib figure as a base64 PNG ``<figure>`` and close the figure."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f"<figure><img alt='{html.escape(caption or 'figure')}' "
        f"src='data:image/png;base64,{data}'/>{cap}</figure>"
    )


def table_html(df: pd.DataFrame, *, caption: str = "", float_format: str = "{:,.4g}") -> str:
    """A DataFrame as an HTML table (numbers formatted, text escaped)."""
    def fmt(v: Any) -> str:
        if isinstance(v, (float, np.floating)):
            if pd.isna(v):
                return ""
            if not np.isfinite(v):
                return html.escape(str(float(v)))
            if v == int(v) and abs(v) >= 1e4:
                return f"{v:,.0f}"
            return float_format.format(v)
        if isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)):
            return f"{int(v):,}"
        return html.escape(str(v))

    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{fmt(v)}</td>" for v in row) + "</tr>"
        for row in df.itertuples(index=False)
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
