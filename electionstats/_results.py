"""Base class of every result object.

A result is a frozen dataclass. It unpacks to ``(statistic, pvalue)`` like scipy's
results; every other field is read by name. ``to_frame()`` gives a tidy one-row
DataFrame (many results ``pd.concat`` into one table), ``summary()`` a plain-text
summary, ``_repr_html_`` the same in Jupyter, and ``cite()`` the BibTeX of the method.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Iterator
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._citations import cite as _cite

__all__ = ["CAVEAT", "Result", "format_value"]

CAVEAT = (
    "A small p-value or an interval that excludes the reference says the data depart "
    "from the reference distribution. That is a reason to look closer, not proof of "
    "fraud: ordinary features of real elections (station sizes, regional differences, "
    "special stations) also cause departures."
)


def format_value(value: Any) -> str:
    """Format a scalar for summaries: 4 significant digits for floats, thousands separators."""
    if value is None:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e6):
            return f"{v:.4g}"
        return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 1e3 else f"{v:,.1f}"
    if isinstance(value, tuple) and len(value) == 2:
        return f"({format_value(value[0])}, {format_value(value[1])})"
    return str(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float, np.generic))


@dataclasses.dataclass(frozen=True)
class Result:
    """Common behaviour of result objects.

    Subclasses are frozen dataclasses with at least ``statistic`` and ``pvalue`` fields,
    and set the class attributes ``method`` (a human-readable name), ``citations`` (keys
    of :data:`electionstats._citations.CITATIONS`) and optionally ``reference`` (what the
    null hypothesis says, in words).
    """

    statistic: float
    pvalue: float

    method: ClassVar[str] = "test"
    citations: ClassVar[tuple[str, ...]] = ()
    null_hypothesis: ClassVar[str] = ""
    caveat: ClassVar[str] = CAVEAT

    def __iter__(self) -> Iterator[Any]:
        yield self.statistic
        yield self.pvalue

    # -- tidy output ---------------------------------------------------------------
    def _scalar_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name.startswith("_"):
                continue
            if _is_scalar(value):
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
        row = {"method": self.method, **self._scalar_fields()}
        return pd.DataFrame([row])

    def summary(self) -> str:
        """Plain-text summary with the null hypothesis and the caveat."""
        lines = [self.method, "=" * len(self.method)]
        if self.null_hypothesis:
            lines.append(f"Null hypothesis: {self.null_hypothesis}")
        width = max((len(k) for k in self._scalar_fields()), default=0)
        for key, value in self._scalar_fields().items():
            lines.append(f"{key:<{width}}  {format_value(value)}")
        lines.append("")
        lines.append(f"Note: {self.caveat}")
        if self.citations:
            lines.append(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:right'>{html.escape(format_value(v))}</td></tr>"
            for k, v in self._scalar_fields().items()
        )
        null = (
            f"<p><i>Null hypothesis:</i> {html.escape(self.null_hypothesis)}</p>"
            if self.null_hypothesis
            else ""
        )
        cites = (
            f"<p style='font-size:smaller'>Cite: {html.escape(', '.join(self.citations))}</p>"
            if self.citations
            else ""
        )
        return (
            f"<div><b>{html.escape(self.method)}</b>{null}<table>{rows}</table>"
            f"<p style='font-size:smaller'><i>{html.escape(self.caveat)}</i></p>{cites}</div>"
        )

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX records of the papers behind this result (and of electionstats)."""
        return _cite(self.citations, format=format)
