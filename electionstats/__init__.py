"""electionstats: reproducible statistics for election forensics.

Digit tests on polling-station counts, turnout and vote-share anomalies, seat allocation
and threshold sensitivity, built on one validated station table (:class:`Election`).
Importing the package has no side effects.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import allocation, claims, datasets, digits, distributions, facts, forensics, plotting, report
from ._citations import cite
from ._groups import adjust_pvalues, group_apply
from ._results import Result
from ._validation import ElectionDataError
from ._warnings import (
    DataQualityWarning,
    DigitRangeWarning,
    ElectionStatsWarning,
    SmallSampleWarning,
)
from .allocation import allocate
from .digits import (
    DigitTestResult,
    digit_tests,
    first_digit_test,
    last_digit_test,
    last_two_digits_test,
    percent_zero_five_test,
    second_digit_test,
    zero_five_test,
)
from .distributions import (
    cumulative_votes,
    excess_votes,
    fingerprint,
    integer_percentage_test,
)
from .election import Election
from .forensics import ForensicsTable, basic_forensics

__all__ = [
    "DataQualityWarning",
    "DigitRangeWarning",
    "DigitTestResult",
    "Election",
    "ElectionDataError",
    "ElectionStatsWarning",
    "ForensicsTable",
    "Result",
    "SmallSampleWarning",
    "__version__",
    "adjust_pvalues",
    "allocate",
    "allocation",
    "basic_forensics",
    "cite",
    "claims",
    "cumulative_votes",
    "datasets",
    "digit_tests",
    "digits",
    "distributions",
    "excess_votes",
    "facts",
    "fingerprint",
    "first_digit_test",
    "forensics",
    "group_apply",
    "integer_percentage_test",
    "last_digit_test",
    "last_two_digits_test",
    "percent_zero_five_test",
    "plotting",
    "report",
    "second_digit_test",
    "zero_five_test",
]
