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

#: Title and anchor of each builder's section, for a section that cannot be computed on
#: the data (the report then says why under this title instead of stopping).
TITLES: dict[str, tuple[str, str]] = {
    "digits_section": ("Digit tests and basic forensics", "digit-tests"),
    "distributions_section": ("Turnout and vote shares", "turnout-and-vote-shares"),
    "seats_section": ("Seats: who gets them under each source's figures", ""),
    "fraud_section": ("If the observers were right: what polling-station data would show", ""),
}
