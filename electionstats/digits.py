"""Digit tests on vote counts, with honest nulls.

Each test reduces every count to a digit category (its first digit, second digit, last
digit, the last digit of its rounded percentage, or its last two digits), tallies the
categories, and compares the tally with a null model:

* ``null="reference"`` -- the textbook reference (Benford's law for leading digits,
  uniform for trailing digits), with Pearson's chi-square or the G-test for the whole
  distribution, a normal or exact test for a mean digit, and an exact binomial test for
  a share. Where expected cell counts are small the p-value is exact (enumerated or
  simulated from the reference multinomial).
* ``null="montecarlo"`` -- a *size-aware* null: every station's count is redrawn from a
  binomial (or beta-binomial) with the station's own denominator and rate, and the
  statistic is recomputed. The reference therefore follows the data's count magnitudes,
  which answers the critique of Deckert, Myagkov and Ordeshook (2011): what a digit
  should look like depends on how large the counts are.
* ``null="bootstrap"`` -- the Election Forensics Toolkit's approach for mean and share
  statistics: a nonparametric bootstrap over stations, a "basic" interval, and
  significance when the interval excludes the reference value.

Digits are extracted with exact integer arithmetic (powers of ten, integer division and
lookup tables), never with floating-point logarithms.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import special, stats

from ._citations import register
from ._montecarlo import (
    as_generator,
    basic_bootstrap_ci,
    batch_sizes,
    check_alternative,
    check_n_resamples,
    monte_carlo_pvalue,
)
from ._results import Result
from ._warnings import DigitRangeWarning, SmallSampleWarning

__all__ = [
    "DigitTestResult",
    "digit_tests",
    "first_digit_test",
    "last_digit_test",
    "last_two_digits_test",
    "percent_zero_five_test",
    "second_digit_test",
    "zero_five_test",
]

register(
    "benford1938",
    """@article{benford1938,
  title = {The Law of Anomalous Numbers},
  author = {Benford, Frank},
  journal = {Proceedings of the American Philosophical Society},
  volume = {78},
  number = {4},
  pages = {551--572},
  year = {1938}
}""",
)
register(
    "hill1995",
    """@article{hill1995,
  title = {A Statistical Derivation of the Significant-Digit Law},
  author = {Hill, Theodore P.},
  journal = {Statistical Science},
  volume = {10},
  number = {4},
  pages = {354--363},
  year = {1995},
  doi = {10.1214/ss/1177009869}
}""",
)
register(
    "lancaster1961",
    """@article{lancaster1961,
  title = {Significance Tests in Discrete Distributions},
  author = {Lancaster, H. O.},
  journal = {Journal of the American Statistical Association},
  volume = {56},
  number = {294},
  pages = {223--234},
  year = {1961},
  doi = {10.1080/01621459.1961.10482105}
}""",
)
register(
    "mebane2011",
    """@article{mebane2011,
  title = {Comment on ``Benford's Law and the Detection of Election Fraud''},
  author = {Mebane, Walter R.},
  journal = {Political Analysis},
  volume = {19},
  number = {3},
  pages = {269--272},
  year = {2011},
  doi = {10.1093/pan/mpr024}
}""",
)

# ---------------------------------------------------------------------------------------
# exact digit extraction

_POW10 = 10 ** np.arange(19, dtype=np.int64)  # 1 .. 10**18
_LUT_MAX = 2**21  # lookup tables up to this value (2 MB of int8)


def _n_digits(x: np.ndarray) -> np.ndarray:
    """Number of decimal digits of non-negative int64 values (0 for 0)."""
    return np.searchsorted(_POW10, x, side="right")


def first_digits(x: np.ndarray) -> np.ndarray:
    """First significant digit of non-negative integers (0 for 0), exact.

    Examples
    --------
    >>> first_digits(np.array([0, 7, 10, 199, 10**18 - 1]))
    array([0, 7, 1, 1, 9])
    """
    x = np.asarray(x, dtype=np.int64)
    nd = _n_digits(x)
    return np.where(nd > 0, x // _POW10[np.maximum(nd - 1, 0)], 0)


def second_digits(x: np.ndarray) -> np.ndarray:
    """Second significant digit of integers >= 10 (-1 below 10), exact.

    Examples
    --------
    >>> second_digits(np.array([5, 10, 47, 1999, 3050]))
    array([-1,  0,  7,  9,  0])
    """
    x = np.asarray(x, dtype=np.int64)
    nd = _n_digits(x)
    two = x // _POW10[np.maximum(nd - 2, 0)]
    return np.where(nd >= 2, two % 10, -1)


# ---------------------------------------------------------------------------------------
# reference distributions, from formulas

def benford_first_digit_probs() -> np.ndarray:
    """Benford probabilities of first digits 1..9: ``log10(1 + 1/d)``."""
    d = np.arange(1, 10)
    return np.log10(1 + 1 / d)


def benford_second_digit_probs() -> np.ndarray:
    """Benford probabilities of second digits 0..9: ``sum_k log10(1 + 1/(10k + d))``."""
    k = np.arange(1, 10)[:, None]
    d = np.arange(10)[None, :]
    return np.log10(1 + 1 / (10 * k + d)).sum(axis=0)


# ---------------------------------------------------------------------------------------
# specification of a test: how a count becomes a category, what is compared


@dataclasses.dataclass(frozen=True)
class _Spec:
    test: str
    kind: str  # "distribution" | "mean" | "share"
    categories: tuple[Any, ...]
    probs: np.ndarray
    code: Callable[[np.ndarray], np.ndarray]  # int64 counts (any shape) -> codes, -1 excluded
    min_count: int
    statistic_name: str
    citations: tuple[str, ...]
    values: np.ndarray | None = None  # "mean": value of each category
    success: np.ndarray | None = None  # "share": boolean mask of categories
    uses_percent: bool = False
    below_reason: str = ""
    leading: bool = False

    @property
    def k(self) -> int:
        return len(self.categories)

    @property
    def reference_value(self) -> float:
        if self.kind == "mean":
            return math.fsum(self.values * self.probs)
        if self.kind == "share":
            return math.fsum(self.probs[self.success])
        return float("nan")


def _lut_ok(x: np.ndarray, hi: int) -> bool:
    return hi < _LUT_MAX and hi < 4 * x.size + 1024


def _lut_codes(spec: _Spec, x: np.ndarray) -> np.ndarray:
    """Codes of int64 counts, through a lookup table when the counts are small."""
    if x.size == 0:
        return np.zeros(x.shape, dtype=np.intp)
    hi = int(x.max())
    if _lut_ok(x, hi):
        table = spec.code(np.arange(hi + 1, dtype=np.int64)).astype(np.int8)
        return table[x]
    return spec.code(x)


def _first_code(m: int) -> Callable[[np.ndarray], np.ndarray]:
    lo = max(m, 1)
    return lambda x: np.where(x >= lo, first_digits(x) - 1, -1)


def _second_code(m: int) -> Callable[[np.ndarray], np.ndarray]:
    lo = max(m, 10)
    return lambda x: np.where(x >= lo, second_digits(x), -1)


def _last_code(m: int) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: np.where(x >= m, x % 10, -1)


def _last_two_code(m: int) -> Callable[[np.ndarray], np.ndarray]:
    lo = max(m, 10)
    return lambda x: np.where(x >= lo, x % 100, -1)


def _percent_codes(
    counts: np.ndarray, den: np.ndarray, min_count: int, cap: bool
) -> np.ndarray:
    """Last digit of ``round(100 * counts / den)`` (half to even), -1 where 0/0 or below min."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = counts / den  # float, as the toolkit computes it (x/0 = inf, 0/0 = nan)
    if cap:
        share = np.minimum(share, 1.0)
    ok = np.isfinite(share) & (counts >= min_count)
    pct = np.rint(100.0 * np.where(ok, share, 0.0)).astype(np.int64)
    return np.where(ok, pct % 10, -1)


# ---------------------------------------------------------------------------------------
# result


@dataclasses.dataclass(frozen=True)
class DigitTestResult(Result):
    """Result of a digit test.

    Attributes
    ----------
    statistic : float
        Chi-square or G statistic (distribution tests), or the observed mean digit or
        share in the Election Forensics Toolkit's own units (e.g. 4.2059 for a mean
        second digit, 0.2026 for a share of counts ending in 0 or 5).
    pvalue : float
        p-value under the chosen null (see ``pvalue_method``).
    test, statistic_name, null, alternative, pvalue_method : str
        What was computed and how.
    reference_value : float
        The textbook value of the statistic (4.1874 for the mean second digit, 4.5 for
        the mean last digit, 0.2 for a share ending in 0 or 5, ...); NaN for
        distribution tests.
    expected_value : float
        Mean of the statistic under the null used (equal to ``reference_value`` for the
        reference and bootstrap nulls; the size-aware expectation for ``'montecarlo'``).
    n : int
        Counts used.
    n_excluded : int
        Counts not used, with ``excluded_reason``.
    categories : tuple
        Digit categories (digits, or two-digit endings).
    observed, expected : ndarray
        Observed counts per category and their expectation under the null used.
    observed_freq, expected_freq : ndarray
        The same as frequencies.
    band_low, band_high : ndarray
        Per-category 95 % (``confidence_level``) range of the frequency under the null
        (reference: binomial; montecarlo: simulation quantiles) or, for the bootstrap
        null, the basic bootstrap interval of the observed frequency.
    residuals : ndarray
        Standardised residuals ``(observed_freq - expected_freq) / sd`` with the null's
        standard deviation of each frequency (approximately standard normal).
    df : int or None
        Degrees of freedom of the asymptotic chi-square reference.
    confidence_interval : tuple of float or None
        Basic bootstrap interval of the statistic (``null='bootstrap'``).
    null_distribution : ndarray or None
        Simulated statistics (Monte Carlo or bootstrap replicates).
    orders_of_magnitude : float
        ``log10`` of the ratio of the 95th to the 5th percentile of the counts used
        (leading-digit tests need well above 1).
    notes : str
        Guardrail messages (also emitted as warnings), ``''`` if none.
    """

    test: str = ""
    statistic_name: str = ""
    null: str = "reference"
    alternative: str = "two-sided"
    pvalue_method: str = ""
    reference_value: float = float("nan")
    expected_value: float = float("nan")
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    df: int | None = None
    confidence_interval: tuple[float, float] | None = None
    n_resamples: int | None = None
    orders_of_magnitude: float = float("nan")
    notes: str = ""
    categories: tuple[Any, ...] = ()
    observed: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    expected: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    band_low: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    band_high: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    residuals: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    null_distribution: np.ndarray | None = None
    _kind: str = "distribution"
    _highlight: tuple[Any, ...] = ()

    method: ClassVar[str] = "Digit test"
    citations: ClassVar[tuple[str, ...]] = (
        "benford1938",
        "hill1995",
        "mebane2006",
        "mebane2015eft",
        "beber2012",
        "deckert2011",
        "mebane2011",
        "phipson2010",
        "lancaster1961",
    )
    null_hypothesis: ClassVar[str] = (
        "the digits of the counts follow the null model (the textbook reference, or what "
        "binomial counts of the same sizes and rates produce)."
    )

    @property
    def observed_freq(self) -> np.ndarray:
        """Observed frequency per category."""
        return self.observed / max(self.n, 1)

    @property
    def expected_freq(self) -> np.ndarray:
        """Expected frequency per category under the null used."""
        return self.expected / max(self.n, 1)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame with the test's name first."""
        return pd.DataFrame([{"method": self.method, **self._scalar_fields()}])

    def digits_frame(self) -> pd.DataFrame:
        """One row per digit category: observed and expected counts and frequencies."""
        return pd.DataFrame(
            {
                "category": list(self.categories),
                "observed": self.observed,
                "expected": self.expected,
                "observed_freq": self.observed_freq,
                "expected_freq": self.expected_freq,
                "band_low": self.band_low,
                "band_high": self.band_high,
                "residual": self.residuals,
            }
        )

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Observed versus expected frequencies with the null band (see :func:`plot_digits`)."""
        from ._plot_digits import plot_digits

        return plot_digits(self, ax=ax, **kwargs)


# ---------------------------------------------------------------------------------------
# input validation

_NULLS = ("reference", "montecarlo", "bootstrap")
_GOFS = ("chi2", "g")
_METHODS = ("auto", "asymptotic", "exact")
_NAN_POLICIES = ("raise", "omit")


def _index_of(values: Any) -> list[Any] | None:
    """Index labels of a pandas Series (for messages), else None."""
    return list(values.index) if isinstance(values, pd.Series) else None


def _positions(mask: np.ndarray, index: Any) -> str:
    where = np.flatnonzero(mask)
    labels = [index[i] if index is not None else int(i) for i in where[:5]]
    more = ", ..." if where.size > 5 else ""
    what = "index labels" if index is not None else "positions"
    return f"{what} {labels}{more} ({where.size:,} in all)"


def _as_count_array(
    values: Any, name: str, *, allow_nan: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Validate counts: returns (int64 values with 0 at NaN, NaN mask)."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"`{name}` must be an array of counts, not a string ({values!r}).")
    index = None
    if isinstance(values, (pd.Series, pd.Index)):
        index = list(values.index) if isinstance(values, pd.Series) else None
        if pd.api.types.is_bool_dtype(values.dtype):
            raise TypeError(f"`{name}` holds booleans, not counts.")
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(
            values.dtype
        ):
            values = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            values = values.to_numpy()
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be one-dimensional (got shape {arr.shape}).")
    if arr.size == 0:
        raise ValueError(f"`{name}` is empty; pass at least one count.")
    kind = arr.dtype.kind
    if kind == "O":
        is_str = np.array([isinstance(v, (str, bytes)) for v in arr])
        if is_str.any():
            raise TypeError(
                f"`{name}` holds text (e.g. {arr[is_str][0]!r}) at "
                f"{_positions(is_str, index)}; counts must be numbers. Convert with "
                "pandas.to_numeric first."
            )
        try:
            arr = np.array([np.nan if v is None or v is pd.NA else v for v in arr], dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"`{name}` must hold numbers ({exc}).") from None
        kind = "f"
    if kind in "US":
        raise TypeError(
            f"`{name}` holds text (e.g. {arr[0]!r}); counts must be numbers. Convert with "
            "pandas.to_numeric first."
        )
    if kind == "b":
        raise TypeError(f"`{name}` holds booleans, not counts.")
    if kind not in "iuf":
        raise TypeError(f"`{name}` must hold integer counts (got dtype {arr.dtype}).")
    if kind == "f":
        nan = np.isnan(arr)
        if nan.any() and not allow_nan:
            raise ValueError(f"`{name}` has NaN at {_positions(nan, index)}.")
        inf = np.isinf(arr)
        if inf.any():
            raise ValueError(f"`{name}` has infinite values at {_positions(inf, index)}.")
        filled = np.where(nan, 0.0, arr)
        frac = filled != np.floor(filled)
        if frac.any():
            raise ValueError(
                f"`{name}` has non-integer values (e.g. {filled[frac][0]!r}) at "
                f"{_positions(frac, index)}; digit tests need whole-number counts. If these "
                "are shares or percentages, pass the underlying counts."
            )
        neg = filled < 0
        if neg.any():
            raise ValueError(
                f"`{name}` has negative values (e.g. {filled[neg][0]:g}) at "
                f"{_positions(neg, index)}; counts must be >= 0."
            )
        if filled.max() >= 2.0**63:
            raise ValueError(f"`{name}` has values too large for int64.")
        return filled.astype(np.int64), nan
    if kind == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
        raise ValueError(f"`{name}` has values too large for int64.")
    arr = arr.astype(np.int64, copy=False)
    neg = arr < 0
    if neg.any():
        raise ValueError(
            f"`{name}` has negative values (e.g. {int(arr[neg][0])}) at "
            f"{_positions(neg, index)}; counts must be >= 0."
        )
    return arr, np.zeros(arr.shape, dtype=bool)


@dataclasses.dataclass
class _Data:
    counts: np.ndarray  # int64, rows with NaN removed
    denominator: np.ndarray | None
    rate: np.ndarray | None
    n_nan: int
    rate_model: str = "auto"


def _data_iv(
    counts: Any, denominator: Any, rate: Any, nan_policy: str, rate_model: str = "auto"
) -> _Data:
    if rate_model not in _RATE_MODELS:
        raise ValueError(f"`rate_model` must be one of {_RATE_MODELS} (got {rate_model!r}).")
    if nan_policy not in _NAN_POLICIES:
        raise ValueError(f"`nan_policy` must be one of {_NAN_POLICIES} (got {nan_policy!r}).")
    x, nan = _as_count_array(counts, "counts")
    if nan.any() and nan_policy == "raise":
        raise ValueError(
            f"`counts` has NaN values at {_positions(nan, _index_of(counts))}; remove them "
            "or pass nan_policy='omit' to exclude them (they are then counted in n_excluded)."
        )
    den = None
    if denominator is not None:
        den, dnan = _as_count_array(denominator, "denominator")
        if den.shape != x.shape:
            raise ValueError(
                f"`denominator` must have one value per count ({x.size:,}); got {den.size:,}."
            )
        if dnan.any() and nan_policy == "raise":
            raise ValueError(
                f"`denominator` has NaN values at {_positions(dnan, _index_of(denominator))}; "
                "remove them or pass nan_policy='omit'."
            )
        nan = nan | dnan
    r = None
    if rate is not None:
        r = np.asarray(rate)
        if r.dtype.kind == "b" or (
            r.dtype.kind == "O" and any(isinstance(v, (bool, np.bool_)) for v in r.ravel())
        ):
            raise TypeError("`rate` holds booleans; pass probabilities in [0, 1].")
        try:
            r = r.astype(float)
        except (TypeError, ValueError):
            raise TypeError(
                f"`rate` must hold numbers (probabilities in [0, 1]); got dtype {r.dtype}."
            ) from None
        if r.shape != x.shape:
            raise ValueError(f"`rate` must have one value per count ({x.size:,}); got {r.size:,}.")
        bad = ~((r >= 0) & (r <= 1))
        if bad.any():
            raise ValueError(
                f"`rate` must lie in [0, 1] (bad at {_positions(bad, None)}); it is the "
                "probability behind each count."
            )
    keep = ~nan
    if not keep.any():
        raise ValueError("every count is NaN; nothing to test.")
    if nan.any():
        x = x[keep]
        den = den[keep] if den is not None else None
        r = r[keep] if r is not None else None
    return _Data(x, den, r, int(nan.sum()), rate_model)


def _options_iv(
    spec: _Spec,
    *,
    null: str,
    gof: str,
    method: str,
    alternative: str | None,
    n_resamples: Any,
    confidence_level: float,
    dispersion: float | None,
    data: _Data,
) -> tuple[str, int]:
    if null not in _NULLS:
        raise ValueError(f"`null` must be one of {_NULLS} (got {null!r}).")
    if gof not in _GOFS:
        raise ValueError(f"`gof` must be one of {_GOFS} (got {gof!r}).")
    if method not in _METHODS:
        raise ValueError(f"`method` must be one of {_METHODS} (got {method!r}).")
    if spec.kind == "distribution":
        if alternative not in (None, "greater"):
            raise ValueError(
                "distribution tests are one-sided (large chi-square = departure); "
                f"`alternative` must be 'greater' or None (got {alternative!r})."
            )
        alternative = "greater"
        if null == "bootstrap":
            raise ValueError(
                "null='bootstrap' applies to mean and share statistics (a bootstrap "
                "interval of a chi-square statistic has no reference value); use "
                "null='reference' or null='montecarlo'."
            )
    else:
        alternative = check_alternative("two-sided" if alternative is None else alternative)
    b = check_n_resamples(n_resamples)
    if isinstance(confidence_level, bool) or not isinstance(
        confidence_level, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"`confidence_level` must be a number strictly between 0 and 1 (got "
            f"{confidence_level!r})."
        )
    if not 0 < confidence_level < 1:
        raise ValueError(
            f"`confidence_level` must be strictly between 0 and 1 (got {confidence_level})."
        )
    if null == "montecarlo":
        if data.denominator is None:
            raise ValueError(
                "null='montecarlo' redraws every count from a binomial with the station's "
                "own denominator; pass `denominator=` (e.g. the station's valid votes or "
                "ballots for a party's count, registered voters for a turnout count)."
            )
    if dispersion is not None:
        if null != "montecarlo":
            raise ValueError("`dispersion` only applies to null='montecarlo'.")
        if not 0 <= dispersion < 1:
            raise ValueError(
                f"`dispersion` (the beta-binomial intra-class correlation) must be in [0, 1) "
                f"(got {dispersion})."
            )
    return alternative, b


def _min_count_iv(min_count: Any) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 0:
        raise ValueError(f"`min_count` must be a non-negative integer (got {min_count!r}).")
    return int(min_count)


# ---------------------------------------------------------------------------------------
# tallies and statistics (vectorised over a leading replicate axis)


def _tally(codes: np.ndarray, k: int) -> np.ndarray:
    """Category counts per row: codes (..., n) with -1 excluded -> (..., k)."""
    codes = np.asarray(codes)
    if codes.ndim == 1:
        return np.bincount(codes[codes >= 0], minlength=k)[:k]
    flat = codes.astype(np.intp)
    flat += 1
    return _tally_shifted(flat, k)


def _tally_shifted(flat: np.ndarray, k: int) -> np.ndarray:
    """Tally (b, n) intp codes already shifted by +1 (0 = excluded); modifies ``flat``."""
    b = flat.shape[0]
    flat += (k + 1) * np.arange(b, dtype=np.intp)[:, None]
    out = np.bincount(flat.ravel(), minlength=b * (k + 1)).reshape(b, k + 1)
    return out[:, 1:]


def _gof(tallies: np.ndarray, probs: np.ndarray, gof: str) -> np.ndarray:
    t = np.asarray(tallies, dtype=float)
    n = t.sum(axis=-1, keepdims=True)
    e = n * probs
    with np.errstate(divide="ignore", invalid="ignore"):
        if gof == "chi2":
            out = np.where(e > 0, (t - e) ** 2 / np.where(e > 0, e, 1), 0.0).sum(axis=-1)
        else:
            out = 2 * special.xlogy(t, t / np.where(e > 0, e, 1)).sum(axis=-1)
    return np.where(n[..., 0] > 0, out, np.nan)


def _point(spec: _Spec, tallies: np.ndarray) -> np.ndarray:
    t = np.asarray(tallies, dtype=float)
    n = t.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.kind == "mean":
            return (t @ spec.values) / n
        return t[..., spec.success].sum(axis=-1) / n


# ---------------------------------------------------------------------------------------
# null models


def _simulate_counts(
    rng: np.random.Generator,
    trials: np.ndarray,
    rate: np.ndarray,
    fixed: np.ndarray | None,
    fixed_values: np.ndarray | None,
    dispersion: float | None,
    size: int,
) -> np.ndarray:
    """``size`` replicates of every station's count, (size, n) int64."""
    n = trials.size
    if dispersion:
        interior = (rate > 0) & (rate < 1)
        scale = (1 - dispersion) / dispersion
        a = np.where(interior, rate * scale, 1.0)
        b = np.where(interior, (1 - rate) * scale, 1.0)
        p = np.where(interior, rng.beta(a, b, size=(size, n)), rate)
    else:
        p = rate
    sims = rng.binomial(trials, p, size=(size, n))
    if fixed is not None and fixed.any():
        sims[:, fixed] = fixed_values
    return sims


_RATE_MODELS = ("auto", "plugin", "fitted")


def _fit_beta_binomial(x: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Method-of-moments mean and intra-class correlation of station rates.

    The between-station variance of the true rates is the variance of the observed
    rates minus their average binomial variance ``r (1 - r) / d``.
    """
    ok = den > 0
    r = x[ok] / den[ok]
    mu = float(x[ok].sum() / den[ok].sum())
    if r.size < 2 or not 0 < mu < 1:
        return mu, 0.0
    between = float(r.var() - np.mean(r * (1 - r) / den[ok]))
    rho = between / (mu * (1 - mu))
    return mu, float(np.clip(rho, 0.0, 0.999))


def _mc_setup(
    data: _Data, spec: _Spec | None = None, dispersion: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float | None, str]:
    """Trials, rates, stations held fixed, dispersion and a description of the model.

    Stations whose count exceeds the denominator, or with denominator 0, are held fixed
    at their observed count.
    """
    x, den = data.counts, data.denominator
    model = data.rate_model
    if model == "auto":
        model = "fitted" if spec is not None and spec.leading and data.rate is None else "plugin"
    if data.rate is not None:
        rate = data.rate
        fixed = den == 0
        how = "given rates"
    else:
        fixed = (x > den) | (den == 0)
        if model == "fitted":
            mu, rho = _fit_beta_binomial(x[~fixed], den[~fixed])
            rate = np.where(fixed, 0.0, mu)
            if dispersion is None:
                dispersion = rho
            how = f"fitted beta-binomial (mean {mu:.4g}, intra-class correlation {dispersion:.3g})"
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(fixed, 0.0, x / np.where(den > 0, den, 1))
            how = "plug-in binomial (each station's own rate)"
    if model != "fitted" and dispersion:
        how += f", beta-binomial intra-class correlation {dispersion:.3g}"
    return den, rate, fixed, int(fixed.sum()), dispersion, how


def _mc_tallies(
    spec: _Spec,
    data: _Data,
    *,
    n_resamples: int,
    dispersion: float | None,
    rng: np.random.Generator,
    cap: bool = True,
    max_elements: int = 2**22,
) -> tuple[np.ndarray, int]:
    den, rate, fixed, n_fixed, dispersion, how = _mc_setup(data, spec, dispersion)
    x = data.counts
    hi = int(max(den.max(), x.max()))
    table = None
    if not spec.uses_percent and _lut_ok(den, hi):
        table = spec.code(np.arange(hi + 1, dtype=np.int64)).astype(np.intp) + 1
    parts = []
    for size in batch_sizes(n_resamples, x.size, max_elements):
        sims = _simulate_counts(rng, den, rate, fixed, x[fixed], dispersion, size)
        if spec.uses_percent:
            parts.append(_tally(_percent_codes(sims, den, spec.min_count, cap), spec.k))
        elif table is not None:
            parts.append(_tally_shifted(table[sims], spec.k))
        else:
            parts.append(_tally(spec.code(sims), spec.k))
    return np.concatenate(parts, axis=0), n_fixed, how


def _exact_mean_pvalues(values: np.ndarray, probs: np.ndarray, n: int, total: int) -> tuple[float, float]:
    """P(S >= total), P(S <= total) for S the sum of n iid draws of integer ``values``."""
    from scipy.signal import fftconvolve

    vmax = int(values.max())
    pmf1 = np.zeros(vmax + 1)
    np.add.at(pmf1, values.astype(int), probs)
    result = np.array([1.0])
    base = pmf1
    m = n
    while m:
        if m & 1:
            result = np.clip(fftconvolve(result, base), 0, None)
        m >>= 1
        if m:
            base = np.clip(fftconvolve(base, base), 0, None)
    result /= result.sum()
    ge = float(min(1.0, result[total:].sum()))
    le = float(min(1.0, result[: total + 1].sum()))
    return ge, le


def _mid_pvalue(null: np.ndarray, observed: float, alternative: str) -> float:
    """Monte Carlo mid-p: replicates tied with the observed value count one half.

    ``(#{more extreme} + (#{tied} + 1) / 2) / (B + 1)``, the observed value counting as
    one tie. Counting every tie in full (as :func:`monte_carlo_pvalue` does) is valid
    but conservative for discrete statistics such as the share of a few hundred counts
    ending in 0 or 5 (a 5 % test then rejects about 2-3 % of clean elections); the mid-p
    value is close to uniform.
    """
    null = np.asarray(null, dtype=float)
    tol = 1e-12 * max(1.0, abs(observed))
    b = null.size
    tied = np.count_nonzero(np.abs(null - observed) <= tol)
    above = np.count_nonzero(null > observed + tol)
    below = b - tied - above
    ge = (above + (tied + 1) / 2) / (b + 1)
    le = (below + (tied + 1) / 2) / (b + 1)
    return _combine(ge, le, alternative)


def _combine(ge: float, le: float, alternative: str) -> float:
    if alternative == "greater":
        return ge
    if alternative == "less":
        return le
    return float(min(1.0, 2 * min(ge, le)))


# ---------------------------------------------------------------------------------------
# the engine


def _orders(x: np.ndarray) -> float:
    """log10 of the ratio of the 95th to the 5th percentile (lower percentile >= 1)."""
    if x.size < 2:
        return float("nan")
    hi_val = int(x.max())
    if _lut_ok(x, hi_val):  # exact percentiles from a histogram ("linear" interpolation)
        cum = np.cumsum(np.bincount(x, minlength=hi_val + 1))
        pos = np.array([0.05, 0.95]) * (x.size - 1)
        lo_i, hi_i = np.floor(pos).astype(int), np.ceil(pos).astype(int)
        v_lo = np.searchsorted(cum, lo_i + 1)
        v_hi = np.searchsorted(cum, hi_i + 1)
        lo, hi = v_lo + (pos - lo_i) * (v_hi - v_lo)
    else:
        lo, hi = np.percentile(x, [5, 95])
    return float(np.log10(hi / max(lo, 1.0))) if hi > 0 else float("nan")


def _run(
    spec: _Spec,
    data: _Data,
    *,
    null: str = "reference",
    gof: str = "chi2",
    method: str = "auto",
    alternative: str | None = None,
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    dispersion: float | None = None,
    rng: Any = None,
    cap: bool = True,
    check_span: str | None = None,
    stacklevel: int = 3,
) -> DigitTestResult:
    alternative, b = _options_iv(
        spec,
        null=null,
        gof=gof,
        method=method,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        data=data,
    )
    x = data.counts
    if spec.uses_percent:
        codes = _percent_codes(x, data.denominator, spec.min_count, cap)
    else:
        codes = _lut_codes(spec, x)
    obs = _tally(codes, spec.k)
    n = int(obs.sum())
    n_below = int(x.size - n)
    reasons = []
    if data.n_nan:
        reasons.append(f"{data.n_nan:,} NaN omitted")
    if n_below:
        reasons.append(f"{n_below:,} {spec.below_reason}")
    n_excluded = data.n_nan + n_below
    if n == 0:
        raise ValueError(
            f"no counts left for the {spec.test} test: {'; '.join(reasons)}. "
            f"Lower `min_count` (now {spec.min_count}) or pass larger counts."
        )
    notes: list[str] = []

    def note(msg: str, category: type[Warning]) -> None:
        notes.append(msg)
        warnings.warn(msg, category, stacklevel=stacklevel + 1)

    if n_below > 0.5 * x.size:
        note(
            f"{n_below:,} of {x.size:,} counts ({n_below / x.size:.0%}) are excluded by the "
            f"{spec.test} test's rule ({spec.below_reason}); the test describes only the "
            "remaining counts.",
            SmallSampleWarning,
        )
    orders = float("nan")
    if check_span:
        orders = _orders(x[codes >= 0])
        if check_span == "warn" and null == "reference" and orders < 1:
            note(
                f"the counts span only {orders:.2f} orders of magnitude (5th to 95th "
                "percentile); Benford's law for leading digits needs counts spread over "
                "several orders of magnitude, so a departure here says little about the "
                "data's integrity. Use null='montecarlo' (size-aware) instead.",
                DigitRangeWarning,
            )

    rng = as_generator(rng)
    probs = spec.probs
    z = stats.norm.ppf(0.5 + confidence_level / 2)
    obs_freq = obs / n
    stat = float(_gof(obs, probs, gof)) if spec.kind == "distribution" else float(_point(spec, obs))
    df = None
    ci = None
    null_dist = None
    reference_value = spec.reference_value
    expected_value = reference_value
    stat_name = spec.statistic_name if spec.kind != "distribution" else {"chi2": "chi-square", "g": "G"}[gof]
    n_res: int | None = None

    if null == "reference":
        exp_freq = probs.copy()
        sd = np.sqrt(probs * (1 - probs) / n)
        band_low, band_high = probs - z * sd, probs + z * sd
        if spec.kind == "distribution":
            df = spec.k - 1
            small = float((n * probs).min()) < 5
            if method == "exact" or (method == "auto" and small):
                sims = rng.multinomial(n, probs, size=b)
                null_dist = _gof(sims, probs, gof)
                pvalue = monte_carlo_pvalue(null_dist, stat, "greater")
                pmethod = f"Monte Carlo from the reference multinomial ({b:,} draws)"
                n_res = b
            else:
                if small:
                    note(
                        f"expected cell counts are small (min {float((n * probs).min()):.2f} "
                        "< 5); the chi-square approximation is unreliable. Use method='exact'.",
                        SmallSampleWarning,
                    )
                pvalue = float(stats.chi2.sf(stat, df))
                pmethod = f"asymptotic chi-square, {df} df"
        elif spec.kind == "mean":
            mu = float(spec.values @ probs)
            var = float((spec.values - mu) ** 2 @ probs)
            if method == "exact" or (method == "auto" and n <= 5000):
                total = int(round(stat * n))
                ge, le = _exact_mean_pvalues(spec.values, probs, n, total)
                pvalue = _combine(ge, le, alternative)
                pmethod = "exact (convolution of the reference digit distribution)"
            else:
                zs = (stat - mu) / math.sqrt(var / n)
                pvalue = _combine(float(stats.norm.sf(zs)), float(stats.norm.cdf(zs)), alternative)
                pmethod = "normal approximation"
        else:
            k = int(obs[spec.success].sum())
            pvalue = float(stats.binomtest(k, n, reference_value, alternative=alternative).pvalue)
            pmethod = "exact binomial"
    elif null == "montecarlo":
        sims, n_fixed, how = _mc_tallies(
            spec, data, n_resamples=b, dispersion=dispersion, rng=rng, cap=cap
        )
        n_sim = sims.sum(axis=1)
        ok = n_sim > 0
        sims = sims[ok]
        n_sim = n_sim[ok]
        freq = sims / n_sim[:, None]
        exp_freq = (freq.sum(axis=0) + obs_freq) / (freq.shape[0] + 1)
        band_low, band_high = np.quantile(freq, [0.5 - confidence_level / 2, 0.5 + confidence_level / 2], axis=0)
        sd = freq.std(axis=0)
        n_res = int(ok.sum())
        if spec.kind == "distribution":
            null_dist = _gof(sims, exp_freq, gof)
            stat = float(_gof(obs, exp_freq, gof))
            stat_name = f"{stat_name} vs size-aware expectation"
        else:
            null_dist = _point(spec, sims)
            expected_value = float(null_dist.mean())
        if spec.kind == "distribution":
            pvalue = monte_carlo_pvalue(null_dist, stat, alternative)
            pmethod = f"size-aware Monte Carlo ({how}; {n_res:,} replicates)"
        else:
            pvalue = _mid_pvalue(null_dist, stat, alternative)
            pmethod = f"size-aware Monte Carlo mid-p ({how}; {n_res:,} replicates)"
        if n_fixed:
            pmethod += (
                f"; {n_fixed:,} station(s) with count > denominator or denominator 0 held fixed"
            )
    else:  # bootstrap over stations: multinomial on categories + the excluded cell
        cells = np.append(obs, n_below).astype(float)
        sims = rng.multinomial(n + n_below, cells / cells.sum(), size=b)[:, : spec.k]
        null_dist = _point(spec, sims)
        null_dist = null_dist[np.isfinite(null_dist)]
        ci = basic_bootstrap_ci(stat, null_dist, confidence_level)
        if null_dist.size and np.ptp(null_dist) == 0:
            note(
                f"the {null_dist.size:,} bootstrap replicates are all equal ({stat:.4g}): "
                f"every one of the {n:,} counts used falls in the same category, so the "
                "interval has zero width and its p-value means nothing. Use "
                "null='reference' or more stations.",
                SmallSampleWarning,
            )
        # basic interval inverted: it excludes the reference at level a iff the
        # replicates put less than a/2 on one side of 2*estimate - reference.
        pvalue = monte_carlo_pvalue(null_dist, 2 * stat - reference_value, alternative)
        with np.errstate(divide="ignore", invalid="ignore"):
            freq = sims / sims.sum(axis=1, keepdims=True)
        band_low, band_high = basic_bootstrap_ci(obs_freq, freq, confidence_level)
        exp_freq = probs.copy()
        sd = np.nanstd(freq, axis=0)
        n_res = int(null_dist.size)
        pmethod = (
            f"basic bootstrap over stations ({n_res:,} resamples), p from inverting the interval"
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.where(sd > 0, (obs_freq - exp_freq) / np.where(sd > 0, sd, 1), 0.0)
    highlight: tuple[Any, ...] = ()
    if spec.success is not None:
        highlight = tuple(c for c, s in zip(spec.categories, spec.success, strict=True) if s)
    return DigitTestResult(
        statistic=stat,
        pvalue=float(pvalue),
        test=spec.test,
        statistic_name=stat_name,
        null=null,
        alternative=alternative,
        pvalue_method=pmethod,
        reference_value=reference_value,
        expected_value=expected_value,
        n=n,
        n_excluded=n_excluded,
        excluded_reason="; ".join(reasons),
        df=df,
        confidence_interval=ci,
        n_resamples=n_res,
        orders_of_magnitude=orders,
        notes=" | ".join(notes),
        categories=spec.categories,
        observed=obs.astype(np.int64),
        expected=exp_freq * n,
        band_low=np.asarray(band_low, dtype=float),
        band_high=np.asarray(band_high, dtype=float),
        residuals=resid,
        null_distribution=null_dist,
        _kind=spec.kind,
        _highlight=highlight,
    )


# ---------------------------------------------------------------------------------------
# specs


_CITE_BENFORD = ("benford1938", "hill1995", "deckert2011", "mebane2011")


def _first_spec(min_count: int) -> _Spec:
    m = _min_count_iv(min_count)
    return _Spec(
        test="first digit (Benford)",
        kind="distribution",
        categories=tuple(range(1, 10)),
        probs=benford_first_digit_probs(),
        code=_first_code(m),
        min_count=max(m, 1),
        statistic_name="chi-square",
        citations=_CITE_BENFORD,
        below_reason=f"below {max(m, 1)} (zeros have no first digit)",
        leading=True,
    )


def _second_spec(statistic: str, min_count: int) -> _Spec:
    m = _min_count_iv(min_count)
    if statistic not in ("mean", "distribution"):
        raise ValueError(
            f"`statistic` must be 'mean' (Mebane's 2BL) or 'distribution' (got {statistic!r})."
        )
    kind = "mean" if statistic == "mean" else "distribution"
    return _Spec(
        test="2BL (mean second digit)" if kind == "mean" else "second digit (Benford)",
        kind=kind,
        categories=tuple(range(10)),
        probs=benford_second_digit_probs(),
        code=_second_code(m),
        min_count=max(m, 10),
        statistic_name="mean second digit",
        citations=(*_CITE_BENFORD, "mebane2006"),
        values=np.arange(10, dtype=float),
        below_reason=f"below {max(m, 10)} (no second digit)",
        leading=True,
    )


def _last_spec(statistic: str, min_count: int | None) -> _Spec:
    if statistic not in ("mean", "distribution"):
        raise ValueError(
            f"`statistic` must be 'distribution' (uniformity) or 'mean' (the toolkit's LastC) "
            f"(got {statistic!r})."
        )
    m = _min_count_iv((0 if statistic == "mean" else 10) if min_count is None else min_count)
    return _Spec(
        test="last digit (uniform)" if statistic == "distribution" else "LastC (mean last digit)",
        kind=statistic,
        categories=tuple(range(10)),
        probs=np.full(10, 0.1),
        code=_last_code(m),
        min_count=m,
        statistic_name="mean last digit",
        citations=("beber2012", "mebane2015eft"),
        values=np.arange(10, dtype=float),
        below_reason=f"below {m}",
    )


def _zero_five_spec(min_count: int) -> _Spec:
    m = _min_count_iv(min_count)
    success = np.zeros(10, dtype=bool)
    success[[0, 5]] = True
    return _Spec(
        test="C05s (counts ending in 0 or 5)",
        kind="share",
        categories=tuple(range(10)),
        probs=np.full(10, 0.1),
        code=_last_code(m),
        min_count=m,
        statistic_name="share ending in 0 or 5",
        citations=("mebane2015eft", "beber2012"),
        success=success,
        below_reason=f"below {m}",
    )


def _percent_spec(min_count: int, cap: bool = True) -> _Spec:
    m = _min_count_iv(min_count)
    spec = _zero_five_spec(m)
    zero = "count 0 over denominator 0 (0/0)" if cap else "denominator 0"
    return dataclasses.replace(
        spec,
        test="P05s (rounded percentages ending in 0 or 5)",
        statistic_name="share of percentages ending in 0 or 5",
        uses_percent=True,
        below_reason=f"with {zero}" + (f" or count below {m}" if m else ""),
    )


def _last_two_spec(statistic: str, min_count: int | None, wrap: bool = True) -> _Spec:
    if statistic not in ("repeated", "adjacent", "distribution"):
        raise ValueError(
            "`statistic` must be 'repeated', 'adjacent' or 'distribution' "
            f"(got {statistic!r})."
        )
    m = _min_count_iv((100 if statistic == "distribution" else 10) if min_count is None else min_count)
    tens, units = np.divmod(np.arange(100), 10)
    if not isinstance(wrap, (bool, np.bool_)):
        raise TypeError(f"`adjacent_wrap` must be True or False (got {wrap!r}).")
    gap = np.abs(tens - units)
    success = tens == units if statistic == "repeated" else (gap == 1) | (bool(wrap) & (gap == 9))
    return _Spec(
        test={
            "repeated": "repeated last two digits",
            "adjacent": "adjacent last two digits",
            "distribution": "last two digits (uniform)",
        }[statistic],
        kind="distribution" if statistic == "distribution" else "share",
        categories=tuple(f"{i:02d}" for i in range(100)),
        probs=np.full(100, 0.01),
        code=_last_two_code(m),
        min_count=max(m, 10),
        statistic_name={
            "repeated": "share of repeated pairs (00, 11, ..., 99)",
            "adjacent": (
                "share of adjacent pairs (|tens - units| = 1, 0 and 9 adjacent)"
                if wrap
                else "share of adjacent pairs (|tens - units| = 1, no wrap-around)"
            ),
            "distribution": "chi-square",
        }[statistic],
        citations=("beber2012",),
        success=None if statistic == "distribution" else success,
        below_reason=f"below {max(m, 10)}",
    )


# ---------------------------------------------------------------------------------------
# public tests

_COMMON_PARAMS = """null : {'reference', 'montecarlo', 'bootstrap'}
        ``'reference'`` (default): the textbook reference. ``'montecarlo'``: the
        size-aware null; every count is redrawn from ``Binomial(denominator, rate)``
        and the statistic recomputed (needs ``denominator``). ``'bootstrap'``: the
        Election Forensics Toolkit's basic bootstrap interval over stations (mean and
        share statistics only).
    denominator : array_like of int, optional
        Each count's number of trials for the size-aware null: the station's valid
        votes or ballots for a party's count, registered voters for a turnout count.
    rate : array_like of float, optional
        Each count's probability under the size-aware null; default
        ``counts / denominator`` (the data's own rates, a plug-in).
    dispersion : float, optional
        Beta-binomial intra-class correlation in [0, 1) for the size-aware null; widens
        it for counts more variable than binomial. None or 0 gives the binomial (with
        ``rate_model='fitted'`` the default is the fitted value).
    rate_model : {'auto', 'plugin', 'fitted'}
        How the size-aware null sets the stations' rates. ``'plugin'``: each station's
        own rate ``count / denominator``; right for trailing digits, but conservative for
        leading digits (a redrawn count stays near the observed one and keeps its leading
        digits). ``'fitted'``: every replicate draws each station's rate from a beta
        distribution fitted by moments to all stations' rates (a beta-binomial);
        calibrated when rates are beta-like, but rate heterogeneity one beta cannot
        describe (regions, two modes) then also shows as a departure. ``'auto'``
        (default): ``'fitted'`` for first- and second-digit tests, ``'plugin'`` otherwise.
    n_resamples : int
        Monte Carlo replicates, bootstrap resamples, or reference-multinomial draws
        (default 999).
    confidence_level : float
        Level of the null band and of the bootstrap interval (default 0.95).
    nan_policy : {'raise', 'omit'}
        NaN counts raise (default) or are excluded and counted in ``n_excluded``.
    rng : None, int or numpy.random.Generator
        Randomness for the Monte Carlo and bootstrap nulls."""




_MC_NOTES = """p-values of the size-aware null (``null='montecarlo'``, ``B = n_resamples``):
    for chi-square and G statistics, ``(1 + #{replicates >= observed}) / (1 + B)``
    (Phipson and Smyth 2010, :doi:`10.2202/1544-6115.1585`), valid at every ``B``; the expected frequencies average the
    ``B`` replicates and the observed tally, so data and replicates stay exchangeable.
    For mean digits and shares, which take few distinct values so that many replicates
    tie with the observed value, the mid-p value ``(#{more extreme} + (#{tied} + 1) / 2)
    / (1 + B)`` (Lancaster 1961, :doi:`10.1080/01621459.1961.10482105`), doubled for two-sided tests. Counting every tie in full
    is valid but conservative (a 5 % test then rejects about 2-3 % of clean elections);
    the mid-p value is close to uniform but not guaranteed to stay below the nominal
    level. In the package's calibration study (1,000 simulated clean elections of 300
    stations) every size-aware test rejects between 3.5 % and 6.5 % at 5 %. The
    ``pvalue_method`` field says which p-value was used."""


def first_digit_test(
    counts: Any,
    *,
    gof: str = "chi2",
    null: str = "reference",
    denominator: Any = None,
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    min_count: int = 1,
    method: str = "auto",
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """First-digit (Benford) test of counts.

    Null hypothesis: the first significant digits of the counts follow Benford's law,
    ``P(d) = log10(1 + 1/d)`` (``null='reference'``), or the distribution that binomial
    counts of the same sizes and rates produce (``null='montecarlo'``).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts (one per station).
    gof : {'chi2', 'g'}
        Pearson's chi-square or the G (likelihood-ratio) statistic.
    {common}
    min_count : int
        Counts below this (at least 1: zeros have no first digit) are excluded and
        counted in ``n_excluded``.
    method : {'auto', 'asymptotic', 'exact'}
        Reference-null p-value: the chi-square approximation, or a Monte Carlo estimate
        of the exact multinomial p-value (``'auto'`` uses it when an expected cell count
        is below 5).

    Returns
    -------
    DigitTestResult
        ``statistic`` is the chi-square (or G) statistic; against the size-aware
        expectation for ``null='montecarlo'``.

    See Also
    --------
    second_digit_test, last_digit_test, digit_tests

    Notes
    -----
    Station-level vote counts rarely follow Benford's law even in clean elections: they
    span only one or two orders of magnitude, because stations have similar sizes. A
    warning (:class:`~electionstats.DigitRangeWarning`) is emitted when the counts used
    span less than one order of magnitude (5th to 95th percentile); the size-aware null
    removes this problem but then tests a different question (are the digits what counts
    of these sizes produce?). A rejection is a departure from the null model, not proof
    of fraud; Deckert, Myagkov and Ordeshook (2011) show that first-digit conformity and
    fraud are essentially unrelated in simulated and real elections.

    {mc_notes}

    References
    ----------
    .. [1] Benford, F. (1938). The law of anomalous numbers. Proceedings of the American
       Philosophical Society 78(4), 551-572.
    .. [2] Hill, T. P. (1995). A statistical derivation of the significant-digit law.
       Statistical Science 10(4), 354-363. :doi:`10.1214/ss/1177009869`
    .. [3] Deckert, J., Myagkov, M. and Ordeshook, P. C. (2011). Benford's law and the
       detection of election fraud. Political Analysis 19(3), 245-268.
       :doi:`10.1093/pan/mpr014`

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = np.floor(10 ** rng.uniform(0, 5, 2000)).astype(int)  # Benford-like
    >>> res = first_digit_test(x)
    >>> res.n, res.df, res.pvalue > 0.01
    (2000, 8, True)
    """
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    return _run(
        _first_spec(min_count),
        data,
        null=null,
        gof=gof,
        method=method,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
        check_span="warn",
    )


def second_digit_test(
    counts: Any,
    *,
    statistic: str = "mean",
    gof: str = "chi2",
    alternative: str | None = None,
    null: str = "reference",
    denominator: Any = None,
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    min_count: int = 10,
    method: str = "auto",
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """Second-digit Benford test: Mebane's mean second digit ("2BL") or the full distribution.

    Null hypothesis: the second significant digits of the counts follow Benford's
    second-digit law, ``P(d) = sum_k log10(1 + 1/(10k + d))`` (mean 4.1874), or what
    binomial counts of the same sizes and rates produce (``null='montecarlo'``).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts.
    statistic : {'mean', 'distribution'}
        ``'mean'`` (default): the mean second digit, the toolkit's "_2BL" (reference
        4.1874), reported in digit units. ``'distribution'``: chi-square or G over the
        ten digits.
    gof : {'chi2', 'g'}
        Statistic for ``statistic='distribution'``.
    alternative : {'two-sided', 'greater', 'less'}, optional
        For the mean (default two-sided).
    {common}
    min_count : int
        Counts below this are excluded (at least 10; default 10, the toolkit's rule).
    method : {'auto', 'asymptotic', 'exact'}
        Reference-null p-value. For the mean, ``'exact'`` convolves the reference
        digit distribution (``'auto'``: exact up to 5,000 counts, normal beyond); for the
        distribution, see :func:`first_digit_test`.

    Returns
    -------
    DigitTestResult

    See Also
    --------
    first_digit_test, electionstats.forensics.basic_forensics

    Notes
    -----
    The mean second digit of real vote counts depends on the counts' sizes and on
    ordinary features of elections (strategic voting, station size), so the reference
    value 4.187 is only a benchmark (Mebane 2011); ``null='montecarlo'`` gives the
    size-aware expectation. A departure is a reason to look closer, never proof of fraud.

    {mc_notes}

    References
    ----------
    .. [1] Mebane, W. R. (2006). Election forensics: vote counts and Benford's law.
       Summer Meeting of the Political Methodology Society.
    .. [2] Mebane, W. R. (2011). Comment on "Benford's law and the detection of election
       fraud". Political Analysis 19(3), 269-272. :doi:`10.1093/pan/mpr024`
    .. [3] Hill, T. P. (1995). A statistical derivation of the significant-digit law.
       Statistical Science 10(4), 354-363. :doi:`10.1214/ss/1177009869`

    Examples
    --------
    >>> res = second_digit_test([123, 456, 789, 1011, 15, 27, 3])
    >>> res.statistic, res.n, res.n_excluded
    (4.5, 6, 1)
    >>> round(res.reference_value, 4)
    4.1874
    """
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    return _run(
        _second_spec(statistic, min_count),
        data,
        null=null,
        gof=gof,
        method=method,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
        check_span="record",
    )


def last_digit_test(
    counts: Any,
    *,
    statistic: str = "distribution",
    gof: str = "chi2",
    alternative: str | None = None,
    null: str = "reference",
    denominator: Any = None,
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    min_count: int | None = None,
    method: str = "auto",
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """Last-digit uniformity test (Beber and Scacco) or mean last digit (the toolkit's LastC).

    Null hypothesis: the last digits of the counts are uniform on 0..9 (mean 4.5), or
    distributed as binomial counts of the same sizes and rates make them
    (``null='montecarlo'``).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts.
    statistic : {'distribution', 'mean'}
        ``'distribution'`` (default): chi-square (or G) over the ten digits.
        ``'mean'``: the mean last digit, the toolkit's "LastC" (reference 4.5).
    gof : {'chi2', 'g'}
        Statistic for ``statistic='distribution'``.
    alternative : {'two-sided', 'greater', 'less'}, optional
        For the mean (default two-sided).
    {common}
    min_count : int, optional
        Counts below this are excluded. Default 10 for the distribution (a one-digit
        count's last digit is its first digit, not uniform) and 0 for the mean (the
        toolkit keeps every count for LastC).
    method : {'auto', 'asymptotic', 'exact'}
        Reference-null p-value (see :func:`second_digit_test`).

    Returns
    -------
    DigitTestResult

    See Also
    --------
    zero_five_test, last_two_digits_test

    Notes
    -----
    Last digits of counts that are large relative to their spread are close to uniform
    whatever the election, so departures point at how the numbers were written down.
    Small counts (a minor party's votes) are not uniform in the last digit; use
    ``min_count`` or the size-aware null for them. Human-invented numbers favour some
    digits (Beber and Scacco 2012), but a rejection can also come from rounding or data
    entry conventions; it is not proof of fraud.

    {mc_notes}

    References
    ----------
    .. [1] Beber, B. and Scacco, A. (2012). What the numbers say: a digit-based test for
       election fraud. Political Analysis 20(2), 211-234. :doi:`10.1093/pan/mps003`
    .. [2] Mebane, W. R., Kalinin, K. et al. (2015). Election Forensics Toolkit and Guide.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).integers(10, 1000, 5000)
    >>> res = last_digit_test(x)
    >>> res.n, res.pvalue > 0.01
    (5000, True)
    >>> round(last_digit_test([12, 35, 40, 7], statistic="mean").statistic, 2)
    3.5
    """
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    return _run(
        _last_spec(statistic, min_count),
        data,
        null=null,
        gof=gof,
        method=method,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
    )


def zero_five_test(
    counts: Any,
    *,
    alternative: str | None = None,
    null: str = "reference",
    denominator: Any = None,
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    min_count: int = 0,
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """Share of counts ending in 0 or 5 (the toolkit's "C05s").

    Null hypothesis: a count ends in 0 or 5 with probability 0.2 (uniform last digit),
    or as often as binomial counts of the same sizes and rates do
    (``null='montecarlo'``).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts.
    alternative : {'two-sided', 'greater', 'less'}, optional
        Default two-sided; ``'greater'`` looks for rounded (invented) numbers.
    {common}
    min_count : int
        Counts below this are excluded (default 0: the toolkit keeps every count, so
        zeros count as "ending in 0", which biases C05s up for minor parties).

    Returns
    -------
    DigitTestResult
        ``statistic`` is the observed share (e.g. 0.2026); ``null='reference'`` uses the
        exact binomial test.

    See Also
    --------
    percent_zero_five_test, last_digit_test

    Notes
    -----
    Invented numbers are often rounded to 0 or 5. But zeros and small counts end in 0
    more often than 1 in 10 with no fraud at all; the size-aware null accounts for this.

    {mc_notes}

    References
    ----------
    .. [1] Mebane, W. R., Kalinin, K. et al. (2015). Election Forensics Toolkit and Guide.
    .. [2] Beber, B. and Scacco, A. (2012). What the numbers say: a digit-based test for
       election fraud. Political Analysis 20(2), 211-234. :doi:`10.1093/pan/mps003`

    Examples
    --------
    >>> res = zero_five_test([10, 15, 23, 47, 100, 31, 62, 88, 94, 75])
    >>> res.statistic, res.n
    (0.4, 10)
    """
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    return _run(
        _zero_five_spec(min_count),
        data,
        null=null,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
    )


def percent_zero_five_test(
    counts: Any,
    denominator: Any,
    *,
    alternative: str | None = None,
    null: str = "reference",
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    cap: bool = True,
    min_count: int = 0,
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """Share of rounded percentages ending in 0 or 5 (the toolkit's "P05s").

    Each station's percentage is ``round(100 * counts / denominator)`` (round half to
    even, computed in floating point exactly as the toolkit does), capped at 100 when
    ``cap`` is true; stations with ``0 / 0`` are excluded (a positive count over a zero
    denominator is capped at 100 %, as in the toolkit).

    Null hypothesis: a rounded percentage ends in 0 or 5 with probability 0.2, or as
    often as the percentages of binomial counts with the same denominators and rates do
    (``null='montecarlo'``: the numerator counts are redrawn and the percentages
    recomputed).

    Parameters
    ----------
    counts : array_like of int
        Numerators (a party's votes, or ballots for turnout).
    denominator : array_like of int
        Denominators (ballots or valid votes, or registered voters for turnout).
    alternative : {'two-sided', 'greater', 'less'}, optional
        Default two-sided.
    null, rate, dispersion, n_resamples, confidence_level, nan_policy, rng
        As in :func:`zero_five_test`; the size-aware null uses ``denominator``.
    cap : bool
        Cap shares at 1 (default, as the toolkit).
    min_count : int
        Counts below this are excluded (default 0).

    Returns
    -------
    DigitTestResult
        ``statistic`` is the observed share (e.g. 0.197).

    See Also
    --------
    zero_five_test

    Notes
    -----
    Invented results are often given as round percentages. A concentration of shares
    near a multiple of 5 % also raises P05s with no fraud at all, which is why the
    size-aware null is the better reference when shares are concentrated.

    {mc_notes}

    References
    ----------
    .. [1] Mebane, W. R., Kalinin, K. et al. (2015). Election Forensics Toolkit and Guide.
    .. [2] Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Integer percentages
       as electoral falsification fingerprints. The Annals of Applied Statistics 10(1),
       54-73. :doi:`10.1214/16-AOAS904`

    Examples
    --------
    >>> res = percent_zero_five_test([50, 33, 61, 0], [100, 100, 200, 0])
    >>> res.statistic, res.n, res.n_excluded
    (0.6666666666666666, 3, 1)
    """
    if denominator is None:
        raise ValueError(
            "`denominator` is required: the percentage is 100 * counts / denominator "
            "(e.g. a party's votes over valid votes, or ballots over registered voters)."
        )
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    spec = _percent_spec(min_count, cap)
    res = _run(
        spec,
        data,
        null=null,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
        cap=cap,
    )
    return res


def last_two_digits_test(
    counts: Any,
    *,
    statistic: str = "repeated",
    gof: str = "chi2",
    alternative: str | None = None,
    null: str = "reference",
    denominator: Any = None,
    rate: Any = None,
    dispersion: float | None = None,
    rate_model: str = "auto",
    min_count: int | None = None,
    adjacent_wrap: bool = True,
    method: str = "auto",
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> DigitTestResult:
    """Beber and Scacco's last-two-digit tests: repeated pairs, adjacent pairs, or uniformity.

    Null hypothesis: the last two digits are uniform on 00..99, so a repeated pair
    (00, 11, ..., 99) occurs with probability 0.10 and an adjacent pair (digits one
    apart on the circle 0-1-...-9-0, e.g. 23, 98 or 90) with probability 0.20; or the
    pairs occur as in binomial counts of the same sizes and rates
    (``null='montecarlo'``).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts.
    statistic : {'repeated', 'adjacent', 'distribution'}
        Share of repeated pairs (people inventing numbers produce too few), share of
        adjacent pairs (too many), or chi-square over the 100 endings.
    gof : {'chi2', 'g'}
        Statistic for ``statistic='distribution'``.
    alternative : {'two-sided', 'greater', 'less'}, optional
        For the shares (default two-sided; Beber and Scacco's directional hypotheses are
        ``'less'`` for repeated and ``'greater'`` for adjacent pairs).
    {common}
    min_count : int, optional
        Counts below this are excluded: default 10 for the pair shares (two digits
        needed) and 100 for the distribution (counts 10..99 have a Benford-like tens
        digit).
    adjacent_wrap : bool
        Whether 0 and 9 count as adjacent (09 and 90), as in Beber and Scacco's
        analyses (their "70 % non-adjacent, non-repeated pairs" expectation): reference
        share 0.20. ``False`` counts only ``|tens - units| = 1``: reference 0.18.
    method : {'auto', 'asymptotic', 'exact'}
        Reference-null p-value for the distribution (see :func:`first_digit_test`).

    Returns
    -------
    DigitTestResult

    See Also
    --------
    last_digit_test

    Notes
    -----
    Definitions (the counted pairs and the reference share come from the same digit
    rule): a *repeated* pair has equal tens and units digits (00, 11, ..., 99: 10 of the
    100 endings, reference 0.10); an *adjacent* pair has tens and units digits that
    differ by one, 0 and 9 included (01, 10, 12, 21, ..., 89, 98, 09, 90: 20 of the 100
    endings, reference 0.20), which is the definition behind Beber and Scacco's
    published expectation that 70 % of fair pairs are neither repeated nor adjacent;
    ``adjacent_wrap=False`` drops 09 and 90 (18 endings, reference 0.18). Beber and
    Scacco derive these expectations from experiments on how
    people invent numbers. Counts with a small spread, and small counts (10..99, whose
    tens digit is a leading digit), do not have uniform last two digits; use
    ``min_count=100`` or the size-aware null for them. A rejection is not proof of
    fraud.

    {mc_notes}

    References
    ----------
    .. [1] Beber, B. and Scacco, A. (2012). What the numbers say: a digit-based test for
       election fraud. Political Analysis 20(2), 211-234. :doi:`10.1093/pan/mps003`

    Examples
    --------
    >>> x = [111, 122, 345, 1099, 276, 5, 1238]
    >>> res = last_two_digits_test(x)
    >>> res.statistic, res.n, res.n_excluded
    (0.5, 6, 1)
    >>> round(last_two_digits_test(x, statistic="adjacent").statistic, 4)
    0.3333
    """
    data = _data_iv(counts, denominator, rate, nan_policy, rate_model)
    return _run(
        _last_two_spec(statistic, min_count, adjacent_wrap),
        data,
        null=null,
        gof=gof,
        method=method,
        alternative=alternative,
        n_resamples=n_resamples,
        confidence_level=confidence_level,
        dispersion=dispersion,
        rng=rng,
    )


for _f in (
    first_digit_test,
    second_digit_test,
    last_digit_test,
    zero_five_test,
    percent_zero_five_test,
    last_two_digits_test,
):
    _f.__doc__ = _f.__doc__.replace("{common}", _COMMON_PARAMS).replace("{mc_notes}", _MC_NOTES)


_BUNDLE = ("first", "second", "last", "zero_five", "last_two", "percent_zero_five")


def digit_tests(
    counts: Any,
    *,
    denominator: Any = None,
    tests: Sequence[str] | None = None,
    null: str = "reference",
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    nan_policy: str = "raise",
    rng: Any = None,
) -> list[DigitTestResult]:
    """Run several digit tests on the same counts, validating the input once.

    Null hypothesis: as in each test (the textbook reference by default).

    Parameters
    ----------
    counts : array_like of int
        Non-negative whole-number counts.
    denominator : array_like of int, optional
        Needed for ``null='montecarlo'`` and for the percentage test.
    tests : sequence of str, optional
        Any of ``'first'`` (:func:`first_digit_test`), ``'second'``
        (:func:`second_digit_test`, mean), ``'last'`` (:func:`last_digit_test`),
        ``'zero_five'`` (:func:`zero_five_test`), ``'last_two'``
        (:func:`last_two_digits_test`, repeated pairs) and ``'percent_zero_five'``
        (:func:`percent_zero_five_test`, needs ``denominator``). Default: the first five,
        plus the percentage test when ``denominator`` is given.
    null, n_resamples, confidence_level, nan_policy, rng
        As in the individual tests (every test uses its own defaults otherwise).

    Returns
    -------
    list of DigitTestResult
        In the order of ``tests``; ``pd.concat([r.to_frame() for r in results])`` gives
        one tidy table (see :func:`electionstats.adjust_pvalues` for multiple testing).

    Notes
    -----
    Warnings from the individual tests (e.g. a narrow range of magnitudes for the
    first-digit test) are emitted as usual and recorded in each result's ``notes``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(2).integers(10, 5000, 1000)
    >>> [r.test for r in digit_tests(x, tests=["last", "zero_five"])]
    ['last digit (uniform)', 'C05s (counts ending in 0 or 5)']
    """
    if tests is None:
        tests = _BUNDLE[:5] + (("percent_zero_five",) if denominator is not None else ())
    unknown = [t for t in tests if t not in _BUNDLE]
    if unknown:
        raise ValueError(f"`tests` has unknown names {unknown}; choose from {_BUNDLE}.")
    if "percent_zero_five" in tests and denominator is None:
        raise ValueError("the 'percent_zero_five' test needs `denominator`.")
    data = _data_iv(counts, denominator, None, nan_policy)
    specs = {
        "first": (_first_spec(1), "warn"),
        "second": (_second_spec("mean", 10), "record"),
        "last": (_last_spec("distribution", None), None),
        "zero_five": (_zero_five_spec(0), None),
        "last_two": (_last_two_spec("repeated", None), None),
        "percent_zero_five": (_percent_spec(0), None),
    }
    gen = as_generator(rng)
    out = []
    for name in tests:
        spec, span = specs[name]
        out.append(
            _run(
                spec,
                data,
                null=null,
                n_resamples=n_resamples,
                confidence_level=confidence_level,
                rng=gen,
                check_span=span,
            )
        )
    return out
