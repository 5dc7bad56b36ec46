"""electionstats: reproducible statistics for election forensics.

Digit tests on polling-station counts, turnout and vote-share anomalies, seat allocation
and threshold sensitivity, built on one validated station table (:class:`Election`).
Importing the package has no side effects.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import (
    allocation,
    claims,
    datasets,
    digits,
    distributions,
    errors,
    facts,
    forensics,
    fraud,
    plotting,
    report,
    scenarios,
    sensitivity,
    simulate,
    warnings,
)
from ._citations import cite
from ._groups import adjust_pvalues, group_apply
from ._progress import get_options, set_options
from ._results import EstimateResult, Interval, Result, Summary, TableResult, TestResult
from ._spikes import SpikesResult, spikes_test
from ._warnings import (
    DataQualityWarning,
    DigitRangeWarning,
    ElectionStatsWarning,
    ModelFitWarning,
    SmallSampleWarning,
)
from .allocation import AllocationResult, allocate, get_rules
from .calibrate import CalibrationResult, calibrate, calibration_table
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
    CumulativeVotesResult,
    ExcessVotesResult,
    FingerprintResult,
    IntegerPercentageResult,
    ShapeStatisticsResult,
    SobyaninSukhovolskyResult,
    cumulative_votes,
    excess_votes,
    fingerprint,
    integer_percentage_test,
    shape_statistics,
    sobyanin_sukhovolsky,
)
from .election import Election
from .errors import (
    AllocationTieError,
    DatasetChecksumError,
    ElectionDataError,
    ElectionStatsError,
)
from .forensics import ForensicsTable, basic_forensics
from .fraud import FraudModelResult, fit_fraud_model
from .screen import ScreenResult, screen
from .scenarios import Scenario, consistency_checks, kazakhstan_2021_scenarios, scenario_seats
from .sensitivity import invalid_sweep, minimal_shift, threshold_sweep
from .simulate import (
    DigitFabrication,
    KlimekFraud,
    RoundingFraud,
    SimulatedElection,
    SimulatedElections,
    simulate_election,
)

__all__ = [
    "AllocationResult",
    "AllocationTieError",
    "CalibrationResult",
    "CumulativeVotesResult",
    "DataQualityWarning",
    "DatasetChecksumError",
    "DigitFabrication",
    "DigitRangeWarning",
    "DigitTestResult",
    "Election",
    "ElectionDataError",
    "ElectionStatsError",
    "ElectionStatsWarning",
    "EstimateResult",
    "ExcessVotesResult",
    "FingerprintResult",
    "ForensicsTable",
    "FraudModelResult",
    "IntegerPercentageResult",
    "Interval",
    "KlimekFraud",
    "ModelFitWarning",
    "Result",
    "RoundingFraud",
    "Scenario",
    "ScreenResult",
    "ShapeStatisticsResult",
    "SimulatedElection",
    "SimulatedElections",
    "SmallSampleWarning",
    "SobyaninSukhovolskyResult",
    "SpikesResult",
    "Summary",
    "TableResult",
    "TestResult",
    "__version__",
    "adjust_pvalues",
    "allocate",
    "allocation",
    "basic_forensics",
    "calibrate",
    "calibration_table",
    "cite",
    "claims",
    "consistency_checks",
    "cumulative_votes",
    "datasets",
    "digit_tests",
    "digits",
    "distributions",
    "errors",
    "excess_votes",
    "facts",
    "fingerprint",
    "first_digit_test",
    "fit_fraud_model",
    "forensics",
    "fraud",
    "get_options",
    "get_rules",
    "group_apply",
    "integer_percentage_test",
    "invalid_sweep",
    "kazakhstan_2021_scenarios",
    "last_digit_test",
    "last_two_digits_test",
    "minimal_shift",
    "percent_zero_five_test",
    "plotting",
    "report",
    "scenario_seats",
    "scenarios",
    "screen",
    "second_digit_test",
    "sensitivity",
    "set_options",
    "shape_statistics",
    "simulate",
    "simulate_election",
    "sobyanin_sukhovolsky",
    "spikes_test",
    "threshold_sweep",
    "warnings",
    "zero_five_test",
]
