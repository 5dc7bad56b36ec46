"""The section builders the report runs, in order (one place to wire new capabilities)."""

from __future__ import annotations

from collections.abc import Callable

from ._report_html import Section

#: ``make(election, *, rng, n_resamples) -> Section`` for station-level data.
STATION_SECTIONS: list[Callable[..., Section]] = []

#: ``make(*, rng) -> Section`` for the bundled Kazakhstan 2021 case.
KAZAKHSTAN_SECTIONS: list[Callable[..., Section]] = []
