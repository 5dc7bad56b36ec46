"""Warning classes of electionstats (public names; defined in ``electionstats._warnings``).

Errors are in :mod:`electionstats.errors`.
"""

from ._warnings import (
    DataQualityWarning,
    DigitRangeWarning,
    ElectionStatsWarning,
    ModelFitWarning,
    SmallSampleWarning,
)

__all__ = [
    "DataQualityWarning",
    "DigitRangeWarning",
    "ElectionStatsWarning",
    "ModelFitWarning",
    "SmallSampleWarning",
]
