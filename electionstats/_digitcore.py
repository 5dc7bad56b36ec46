"""Digit kernels shared by the digit tests and the forensics table.

Exact digit extraction (powers of ten, integer division and lookup tables, never
floating-point logarithms), the reference distributions from their formulas, the
specification of each test (how a count becomes a category and what is compared), and
tallies and statistics vectorised over a leading replicate axis. Package-internal: the
public digit tests live in :mod:`electionstats.digits`, and
:mod:`electionstats.forensics` is a second client of the same kernels.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special

__all__ = [
    "DigitSpec",
    "benford_first_digit_probs",
    "benford_second_digit_probs",
    "check_min_count",
    "conformity",
    "effect_size",
    "first_digits",
    "first_spec",
    "gof_statistic",
    "last_spec",
    "last_two_spec",
    "lut_codes",
    "mad",
    "orders_of_magnitude",
    "orders_of_magnitude_hist",
    "percent_codes",
    "percent_spec",
    "point_statistic",
    "second_digits",
    "second_spec",
    "tally",
    "zero_five_spec",
]

POW10 = 10 ** np.arange(19, dtype=np.int64)  # 1 .. 10**18
LUT_MAX = 2**21  # lookup tables up to this value (2 MB of int8)


def n_digits(x: np.ndarray) -> np.ndarray:
    """Number of decimal digits of non-negative int64 values (0 for 0)."""
    return np.searchsorted(POW10, x, side="right")


def first_digits(x: np.ndarray) -> np.ndarray:
    """First significant digit of non-negative integers (0 for 0), exact.

    Examples
    --------
    >>> first_digits(np.array([0, 7, 10, 199, 10**18 - 1]))
    array([0, 7, 1, 1, 9])
    """
    x = np.asarray(x, dtype=np.int64)
    nd = n_digits(x)
    return np.where(nd > 0, x // POW10[np.maximum(nd - 1, 0)], 0)


def second_digits(x: np.ndarray) -> np.ndarray:
    """Second significant digit of integers >= 10 (-1 below 10), exact.

    Examples
    --------
    >>> second_digits(np.array([5, 10, 47, 1999, 3050]))
    array([-1,  0,  7,  9,  0])
    """
    x = np.asarray(x, dtype=np.int64)
    nd = n_digits(x)
    two = x // POW10[np.maximum(nd - 2, 0)]
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
class DigitSpec:
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


def lut_ok(x: np.ndarray, hi: int) -> bool:
    return hi < LUT_MAX and hi < 4 * x.size + 1024


def lut_codes(spec: DigitSpec, x: np.ndarray) -> np.ndarray:
    """Codes of int64 counts, through a lookup table when the counts are small."""
    if x.size == 0:
        return np.zeros(x.shape, dtype=np.intp)
    hi = int(x.max())
    if lut_ok(x, hi):
        table = spec.code(np.arange(hi + 1, dtype=np.int64)).astype(np.int8)
        return table[x]
    return spec.code(x)


@dataclasses.dataclass(frozen=True)
class DigitCode:
    """How a count becomes a category code (-1: excluded); picklable for process pools.

    ``kind`` is ``'first'`` (first digit - 1, counts >= max(m, 1)), ``'second'``
    (second digit, counts >= max(m, 10)), ``'last'`` (last digit, counts >= m) or
    ``'last_two'`` (last two digits, counts >= max(m, 10)).
    """

    kind: str
    m: int

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.kind == "first":
            return np.where(x >= max(self.m, 1), first_digits(x) - 1, -1)
        if self.kind == "second":
            return np.where(x >= max(self.m, 10), second_digits(x), -1)
        if self.kind == "last":
            return np.where(x >= self.m, x % 10, -1)
        return np.where(x >= max(self.m, 10), x % 100, -1)


def _first_code(m: int) -> DigitCode:
    return DigitCode("first", m)


def _second_code(m: int) -> DigitCode:
    return DigitCode("second", m)


def _last_code(m: int) -> DigitCode:
    return DigitCode("last", m)


def _last_two_code(m: int) -> DigitCode:
    return DigitCode("last_two", m)


def percent_codes(
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


def check_min_count(min_count: Any) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 0:
        raise ValueError(f"`min_count` must be a non-negative integer (got {min_count!r}).")
    return int(min_count)


def tally(codes: np.ndarray, k: int) -> np.ndarray:
    """Category counts per row: codes (..., n) with -1 excluded -> (..., k)."""
    codes = np.asarray(codes)
    if codes.ndim == 1:
        return np.bincount(codes[codes >= 0], minlength=k)[:k]
    flat = codes.astype(np.intp)
    flat += 1
    return tally_shifted(flat, k)


def tally_shifted(flat: np.ndarray, k: int) -> np.ndarray:
    """Tally (b, n) intp codes already shifted by +1 (0 = excluded); modifies ``flat``."""
    b = flat.shape[0]
    flat += (k + 1) * np.arange(b, dtype=np.intp)[:, None]
    out = np.bincount(flat.ravel(), minlength=b * (k + 1)).reshape(b, k + 1)
    return out[:, 1:]


def gof_statistic(tallies: np.ndarray, probs: np.ndarray, gof: str) -> np.ndarray:
    t = np.asarray(tallies, dtype=float)
    n = t.sum(axis=-1, keepdims=True)
    e = n * probs
    with np.errstate(divide="ignore", invalid="ignore"):
        if gof == "chi2":
            out = np.where(e > 0, (t - e) ** 2 / np.where(e > 0, e, 1), 0.0).sum(axis=-1)
        else:
            out = 2 * special.xlogy(t, t / np.where(e > 0, e, 1)).sum(axis=-1)
    return np.where(n[..., 0] > 0, out, np.nan)


def point_statistic(spec: DigitSpec, tallies: np.ndarray) -> np.ndarray:
    t = np.asarray(tallies, dtype=float)
    n = t.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.kind == "mean":
            return (t @ spec.values) / n
        return t[..., spec.success].sum(axis=-1) / n


def orders_of_magnitude(x: np.ndarray) -> float:
    """log10 of the ratio of the 95th to the 5th percentile (lower percentile >= 1).

    One count spans 0 orders of magnitude (both percentiles are the count itself).
    """
    if x.size < 1:
        return float("nan")
    hi_val = int(x.max())
    if lut_ok(x, hi_val):  # exact percentiles from a histogram ("linear" interpolation)
        return orders_of_magnitude_hist(np.bincount(x, minlength=hi_val + 1))
    lo, hi = np.percentile(x, [5, 95])
    return float(np.log10(hi / max(lo, 1.0))) if hi > 0 else float("nan")


def orders_of_magnitude_hist(hist: np.ndarray) -> float:
    """:func:`orders_of_magnitude` of the counts whose histogram over 0, 1, ... is ``hist``.

    Examples
    --------
    >>> x = np.array([1, 3, 10, 100, 1000, 20])
    >>> orders_of_magnitude_hist(np.bincount(x)) == orders_of_magnitude(x)
    True
    """
    cum = np.cumsum(hist)
    size = int(cum[-1]) if cum.size else 0
    if size < 1:
        return float("nan")
    pos = np.array([0.05, 0.95]) * (size - 1)
    lo_i, hi_i = np.floor(pos).astype(int), np.ceil(pos).astype(int)
    v_lo = np.searchsorted(cum, lo_i + 1)
    v_hi = np.searchsorted(cum, hi_i + 1)
    lo, hi = v_lo + (pos - lo_i) * (v_hi - v_lo)
    return float(np.log10(hi / max(lo, 1.0))) if hi > 0 else float("nan")


_CITE_BENFORD = ("benford1938", "hill1995", "deckert2011", "mebane2011")


def first_spec(min_count: int) -> DigitSpec:
    m = check_min_count(min_count)
    return DigitSpec(
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


def second_spec(statistic: str, min_count: int) -> DigitSpec:
    m = check_min_count(min_count)
    if statistic not in ("mean", "distribution"):
        raise ValueError(
            f"`statistic` must be 'mean' (Mebane's 2BL) or 'distribution' (got {statistic!r})."
        )
    kind = "mean" if statistic == "mean" else "distribution"
    return DigitSpec(
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


def last_spec(statistic: str, min_count: int | None) -> DigitSpec:
    if statistic not in ("mean", "distribution"):
        raise ValueError(
            f"`statistic` must be 'distribution' (uniformity) or 'mean' (the toolkit's LastC) "
            f"(got {statistic!r})."
        )
    m = check_min_count((0 if statistic == "mean" else 10) if min_count is None else min_count)
    return DigitSpec(
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


def zero_five_spec(min_count: int) -> DigitSpec:
    m = check_min_count(min_count)
    success = np.zeros(10, dtype=bool)
    success[[0, 5]] = True
    return DigitSpec(
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


def percent_spec(min_count: int, cap: bool = True) -> DigitSpec:
    m = check_min_count(min_count)
    spec = zero_five_spec(m)
    zero = "count 0 over denominator 0 (0/0)" if cap else "denominator 0"
    return dataclasses.replace(
        spec,
        test="P05s (rounded percentages ending in 0 or 5)",
        statistic_name="share of percentages ending in 0 or 5",
        uses_percent=True,
        below_reason=f"with {zero}" + (f" or count below {m}" if m else ""),
        # the units digit of a percentage is a leading digit of the share: a station's own
        # rate would keep it, so the size-aware null fits the rates (rate_model='auto')
        leading=True,
    )


def last_two_spec(statistic: str, min_count: int | None, wrap: bool = True) -> DigitSpec:
    if statistic not in ("repeated", "adjacent", "distribution"):
        raise ValueError(
            "`statistic` must be 'repeated', 'adjacent' or 'distribution' "
            f"(got {statistic!r})."
        )
    m = check_min_count((100 if statistic == "distribution" else 10) if min_count is None else min_count)
    tens, units = np.divmod(np.arange(100), 10)
    if not isinstance(wrap, (bool, np.bool_)):
        raise TypeError(f"`adjacent_wrap` must be True or False (got {wrap!r}).")
    gap = np.abs(tens - units)
    success = tens == units if statistic == "repeated" else (gap == 1) | (bool(wrap) & (gap == 9))
    return DigitSpec(
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
# effect sizes

#: Nigrini's MAD conformity ranges (upper bounds of close, acceptable and marginally
#: acceptable conformity), Benford's Law (2012), table 7.1.
NIGRINI_MAD = {"first": (0.006, 0.012, 0.015), "second": (0.008, 0.010, 0.012)}
_CONFORMITY = (
    "close conformity", "acceptable conformity", "marginally acceptable conformity",
    "nonconformity",
)


def mad(observed_freq: np.ndarray, expected_freq: np.ndarray) -> float:
    """Mean absolute deviation of the frequencies (Nigrini): ``mean |obs - exp|``.

    Examples
    --------
    >>> mad(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
    0.25
    """
    return float(np.mean(np.abs(np.asarray(observed_freq) - np.asarray(expected_freq))))


def conformity(value: float, digit: str) -> str:
    """Nigrini's conformity range of a MAD for ``digit`` ``'first'`` or ``'second'``.

    Examples
    --------
    >>> conformity(0.007, "first"), conformity(0.007, "second")
    ('acceptable conformity', 'close conformity')
    """
    bounds = NIGRINI_MAD[digit]
    return _CONFORMITY[int(np.searchsorted(bounds, value, side="left"))]


def effect_size(
    spec: DigitSpec, obs: np.ndarray, expected_freq: np.ndarray, expected_value: float
) -> tuple[float, str, str]:
    """An effect size next to the p-value: (value, name, Nigrini conformity or '').

    First and second digits: Nigrini's MAD from Benford's law with its conformity range.
    Other distributions: Cramér's V ``sqrt(X2 / (n (k - 1)))`` against the null's
    expected frequencies. Shares: Cramér's V of the two-cell table, ``|p - p0| /
    sqrt(p0 (1 - p0))``. Mean last digit: Cohen's d, the difference from the null's
    expected mean in units of one digit's standard deviation under the null.
    """
    n = float(obs.sum())
    freq = obs / n
    digit = getattr(spec.code, "kind", "")
    if spec.leading and not spec.uses_percent and digit in NIGRINI_MAD:
        value = mad(freq, spec.probs)
        return value, "MAD from Benford's law (Nigrini)", conformity(value, digit)
    e = np.asarray(expected_freq, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if spec.kind == "distribution":
            x2 = float(gof_statistic(obs, e, "chi2"))
            return float(np.sqrt(x2 / (n * (spec.k - 1)))), "Cramér's V", ""
        if spec.kind == "share":
            p0 = float(e[spec.success].sum())
            p = float(freq[spec.success].sum())
            return float(abs(p - p0) / np.sqrt(p0 * (1 - p0))), "Cramér's V", ""
        mu = float(e @ spec.values)
        sd = float(np.sqrt(e @ (spec.values - mu) ** 2))
        return float((freq @ spec.values - mu) / sd), "Cohen's d", ""
