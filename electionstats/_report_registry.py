"""The section builders the report runs, in order (one place to wire new capabilities)."""

from __future__ import annotations

from collections.abc import Callable

from ._report_digits import digits_section
from ._report_distributions import distributions_section
from ._report_fraud import fraud_section
from ._report_html import Section
from ._report_seats import seats_section

#: ``make(election, *, rng, [n_resamples]) -> Section`` for station-level data.
STATION_SECTIONS: list[Callable[..., Section]] = [digits_section, distributions_section]

#: ``make(*, rng) -> Section`` for the bundled Kazakhstan 2021 case.
KAZAKHSTAN_SECTIONS: list[Callable[..., Section]] = [seats_section, fraud_section]
