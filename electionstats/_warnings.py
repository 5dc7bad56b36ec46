"""Warning classes of electionstats, in one place so users can filter them precisely.

Every warning the package emits is a subclass of :class:`ElectionStatsWarning`, so
``warnings.simplefilter("ignore", es.ElectionStatsWarning)`` silences them all and
``pytest -W error::electionstats.DataQualityWarning`` turns one kind into errors.
"""

from __future__ import annotations

__all__ = [
    "DataQualityWarning",
    "DigitRangeWarning",
    "ElectionStatsWarning",
    "SmallSampleWarning",
]


class ElectionStatsWarning(UserWarning):
    """Base class of every warning emitted by electionstats."""


class DataQualityWarning(ElectionStatsWarning):
    """Rows that can be legitimate in official data but deserve a look.

    Examples: more ballots than registered voters (hospitals, mobile boxes, stations
    abroad), party votes that add up to more than the valid ballots. The rows are
    listed in :meth:`electionstats.Election.validation_report`; nothing is dropped.
    """


class SmallSampleWarning(ElectionStatsWarning):
    """Too few observations (or too small expected cell counts) for the test's reference."""


class DigitRangeWarning(ElectionStatsWarning):
    """Counts span too narrow a range of magnitudes for a leading-digit (Benford) test."""


class ModelFitWarning(ElectionStatsWarning):
    """A fitted model ended at a degenerate point: some of its estimates are not
    determined by the data (the warning says which, and why)."""
