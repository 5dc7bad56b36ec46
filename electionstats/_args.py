"""Shared argument validators: one place decides what a valid option or count is.

Every public function validates its options through these helpers, so the same bad input
gets the same clear message everywhere (it names the parameter, the bad value or the
rows, and how to fix it):

- :func:`check_rng` (seed or Generator; refuses ``True``, negative seeds, RandomState),
- :func:`check_n_resamples` (refuses booleans, floats, negatives),
- :func:`check_confidence_level` and :func:`check_alpha` (any real, numpy floats too,
  strictly between 0 and 1; a float32 ``0.95`` is read as 0.95, not 0.949999988),
- :func:`check_probability_array` (p-values in [0, 1], NaN refused with positions),
- :func:`check_count_array` (non-negative integers; booleans, text, fractions, NaN and
  values above 2**53 refused with positions, checked before any float conversion),
- :func:`check_option` (an option string among the allowed ones),
- :func:`check_names` (a name or a list of names: text, not empty, none repeated),
- :func:`renamed_parameters` (a decorator that keeps an old keyword name working for one
  release with a ``DeprecationWarning``).
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "ALTERNATIVES",
    "DEFAULT_N_RESAMPLES",
    "EXACT_INTEGER_LIMIT",
    "above_exact_limit",
    "check_alpha",
    "check_alternative",
    "check_confidence_level",
    "check_count_array",
    "check_n_resamples",
    "check_names",
    "check_option",
    "check_probability_array",
    "check_real",
    "check_rng",
    "renamed_parameters",
]

#: The one default number of Monte Carlo or bootstrap replicates.
DEFAULT_N_RESAMPLES = 1000
#: Largest count every float computation represents exactly.
EXACT_INTEGER_LIMIT = 2**53
ALTERNATIVES = ("two-sided", "greater", "less")
_MAX_SHOWN = 5
_F = TypeVar("_F", bound=Callable[..., Any])


def _where(positions: np.ndarray, labels: Sequence[Any] | None = None) -> str:
    """``positions [3, 7, ...] (12 rows)`` or ``index labels [...]`` for a message."""
    n = len(positions)
    shown = positions[:_MAX_SHOWN]
    if labels is not None:
        items = [labels[int(i)] for i in shown]
        items = [i.item() if isinstance(i, np.generic) else i for i in items]
        head, what = ", ".join(map(repr, items)), "index labels"
    else:
        if positions.ndim > 1:
            head = ", ".join(str(tuple(int(j) for j in p)) for p in shown)
        else:
            head = ", ".join(str(int(p)) for p in shown)
        what = "positions"
    more = ", ..." if n > _MAX_SHOWN else ""
    return f"{what} [{head}{more}] ({n:,} {'row' if n == 1 else 'rows'})"


def _exact_float(x: Any) -> float:
    """``float(x)``, reading a float16/float32 by its shortest decimal (0.07, not 0.0700000003)."""
    if isinstance(x, np.floating) and np.finfo(x.dtype).bits < 64:
        return float(str(x))
    return float(x)


def check_real(x: Any, name: str) -> float:
    """A real number (Python or numpy, not bool) as a float; refuses NaN and text."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"`{name}` must be a real number (got {x!r}).")
    v = _exact_float(x)
    if math.isnan(v):
        raise ValueError(f"`{name}` must be a number, not NaN.")
    return v


def _check_open_unit(x: Any, name: str, example: str) -> float:
    v = check_real(x, name)
    if not 0 < v < 1:
        raise ValueError(
            f"`{name}` must be strictly between 0 and 1 (got {x!r}); for example {example}."
        )
    return v


def check_confidence_level(x: Any, name: str = "confidence_level") -> float:
    """Validate a confidence level: a real number strictly between 0 and 1.

    Examples
    --------
    >>> check_confidence_level(np.float32(0.95))
    0.95
    """
    return _check_open_unit(x, name, "0.95")


def check_alpha(x: Any, name: str = "alpha") -> float:
    """Validate a significance level: a real number strictly between 0 and 1.

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    """
    return _check_open_unit(x, name, "0.05")


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``rng``.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        None draws fresh entropy; a non-negative integer is a seed.

    Raises
    ------
    TypeError
        For booleans (``rng=True`` is not a seed), floats, legacy ``RandomState`` and
        anything else.
    ValueError
        For negative seeds.

    Examples
    --------
    >>> check_rng(7).integers(100) == np.random.default_rng(7).integers(100)
    np.True_
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(
            f"`{name}` must be None, a non-negative integer seed or a numpy.random.Generator "
            f"(got {rng!r}); a boolean is not a seed: pass e.g. {name}=1."
        )
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise ValueError(
                f"`{name}` seed must be a non-negative integer (got {int(rng)}); "
                f"pass e.g. {name}={abs(int(rng))}."
            )
        return np.random.default_rng(int(rng))
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            f"`{name}` must be None, an integer seed or a numpy.random.Generator "
            "(got RandomState); legacy RandomState is not accepted: use "
            "numpy.random.default_rng(seed)."
        )
    raise TypeError(
        f"`{name}` must be None, an integer seed or a numpy.random.Generator "
        f"(got {type(rng).__name__}); legacy RandomState is not accepted."
    )


def check_n_resamples(
    n_resamples: Any, name: str = "n_resamples", *, allow_zero: bool = False
) -> int:
    """Validate a number of Monte Carlo or bootstrap replicates.

    A positive integer (non-negative with ``allow_zero=True``); booleans and floats are
    refused, even ``10.0``, so a typo never changes the number of replicates.

    Examples
    --------
    >>> check_n_resamples(np.int64(999))
    999
    """
    what = "a non-negative integer" if allow_zero else "a positive integer"
    if isinstance(n_resamples, (bool, np.bool_)) or not isinstance(
        n_resamples, (int, np.integer)
    ):
        raise TypeError(f"`{name}` must be {what} (got {n_resamples!r}).")
    if n_resamples < (0 if allow_zero else 1):
        raise ValueError(f"`{name}` must be {what} (got {n_resamples}).")
    return int(n_resamples)


def check_option(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise a ValueError listing them.

    Examples
    --------
    >>> check_option("less", "alternative", ALTERNATIVES)
    'less'
    """
    allowed = tuple(allowed)
    try:
        ok = any(value == a and type(value) is type(a) for a in allowed)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"`{name}` must be one of {choices} (got {value!r}).")
    return value


def check_names(value: Any, name: str, *, what: str = "name") -> tuple[str, ...]:
    """A name or a sequence of names (text), in order, each at most once.

    Refuses other types, items that are not text, an empty sequence and repeated names
    (a repeated test would be run twice and counted twice in a multiple-testing
    adjustment). Whether the names are known is for the caller to check.

    Examples
    --------
    >>> check_names("last digit", "tests", what="test name")
    ('last digit',)
    >>> check_names(["a", "b"], "tests")
    ('a', 'b')
    """
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"`{name}` must be a {what} or a list of names (got {value!r}).")
    names = tuple(value)
    bad = [v for v in names if not isinstance(v, str)]
    if bad:
        raise TypeError(f"`{name}` holds {bad[:5]!r}, which are not {what}s.")
    if not names:
        raise ValueError(f"`{name}` is empty: give at least one {what}.")
    repeated = [v for v in dict.fromkeys(names) if names.count(v) > 1]
    if repeated:
        raise ValueError(
            f"`{name}` names {', '.join(map(repr, repeated))} more than once; give each once."
        )
    return names


def check_alternative(alternative: Any, name: str = "alternative") -> str:
    """Validate ``alternative`` against 'two-sided', 'greater' and 'less'."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"`{name}` must be one of {set(ALTERNATIVES)} (got {alternative!r}).")
    return alternative


def _as_array(x: Any) -> tuple[np.ndarray, Sequence[Any] | None]:
    labels = None
    if isinstance(x, (pd.Series, pd.Index)):
        labels = list(x.index) if isinstance(x, pd.Series) else None
        if isinstance(x.dtype, pd.api.extensions.ExtensionDtype):
            x = x.to_numpy(dtype=object, na_value=np.nan)
        else:
            x = x.to_numpy()
    elif isinstance(x, pd.DataFrame):
        raise TypeError("expected a one-dimensional array of counts, got a DataFrame")
    if isinstance(x, np.ndarray):
        return x, labels
    if isinstance(x, (set, frozenset)):
        raise TypeError(
            "got a set, which has no order (it changes from one Python process to the "
            "next) and cannot hold repeated counts; pass a list, an array or a Series"
        )
    if isinstance(x, Mapping):
        raise TypeError(
            "got a mapping; pass its values as a list, array or Series (a Series keeps "
            "the labels)"
        )
    if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
        return np.asarray(x, dtype=object), labels
    # Lists go through an object array so that booleans and huge ints keep their type.
    return np.asarray(list(x), dtype=object), labels


def check_count_array(x: Any, name: str = "counts") -> np.ndarray:
    """Validate counts (non-negative integers) and return them as an int64 array.

    Everything is checked on the values as given, before any conversion to float, so
    nothing is rounded or reinterpreted silently.

    Raises
    ------
    TypeError
        Booleans (also mixed into an object array: ``[True, 5]``), text or other objects.
    ValueError
        NaN, infinite, non-integer or negative values, and values above 2**53
        (9,007,199,254,740,992), which float computations cannot represent exactly. The
        message gives the positions (or index labels) of the rows.

    Examples
    --------
    >>> check_count_array([3, 0, 12.0])
    array([ 3,  0, 12])
    """
    try:
        arr, labels = _as_array(x)
    except TypeError as exc:
        raise TypeError(f"`{name}`: {exc}.") from None
    if arr.ndim == 0:
        raise TypeError(f"`{name}` must be an array of counts (got the scalar {x!r}).")

    def positions(mask: np.ndarray) -> str:
        pos = np.flatnonzero(mask) if arr.ndim == 1 else np.argwhere(mask)
        return _where(pos, labels if arr.ndim == 1 else None)

    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(
            f"`{name}` holds booleans, not counts; pass vote or ballot counts (integers)."
        )
    if kind == "O":
        flat = arr.ravel()
        is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in flat), bool, flat.size)
        if is_bool.any():
            raise TypeError(
                f"`{name}` mixes booleans into counts at {positions(is_bool.reshape(arr.shape))}; "
                "a boolean is not a count (True would be read as 1)."
            )
        is_int = np.fromiter(
            (isinstance(v, numbers.Integral) for v in flat), bool, flat.size
        )
        is_real = np.fromiter((isinstance(v, numbers.Real) for v in flat), bool, flat.size)
        bad = ~is_real
        if bad.any():
            first = flat[np.flatnonzero(bad)[0]]
            raise TypeError(
                f"`{name}` holds values that are not numbers (e.g. {first!r}) at "
                f"{positions(bad.reshape(arr.shape))}; pass integer counts."
            )
        if is_int.all():
            big = np.fromiter((int(v) > EXACT_INTEGER_LIMIT for v in flat), bool, flat.size)
            neg = np.fromiter((int(v) < 0 for v in flat), bool, flat.size)
            _raise_big_neg(name, big.reshape(arr.shape), neg.reshape(arr.shape), positions)
            return np.array([int(v) for v in flat], dtype=np.int64).reshape(arr.shape)
        # Mixed ints and floats: ints above 2**53 must be refused before float conversion.
        big_int = np.fromiter(
            (isinstance(v, numbers.Integral) and int(v) > EXACT_INTEGER_LIMIT for v in flat),
            bool,
            flat.size,
        )
        if big_int.any():
            _raise_big_neg(name, big_int.reshape(arr.shape), np.zeros(arr.shape, bool), positions)
        arr = np.array([float(v) for v in flat], dtype=float).reshape(arr.shape)
        kind = "f"
    if kind in "iu":
        big = arr > EXACT_INTEGER_LIMIT
        neg = arr < 0 if kind == "i" else np.zeros(arr.shape, bool)
        _raise_big_neg(name, big, neg, positions)
        return arr.astype(np.int64, copy=False)
    if kind == "f":
        nan = np.isnan(arr)
        if nan.any():
            raise ValueError(
                f"`{name}` has missing values (NaN) at {positions(nan)}; remove those rows "
                "or fill them with the true counts."
            )
        inf = np.isinf(arr)
        if inf.any():
            raise ValueError(f"`{name}` has infinite values at {positions(inf)}.")
        frac = arr != np.floor(arr)
        if frac.any():
            first = float(arr[frac].ravel()[0])
            raise ValueError(
                f"`{name}` must hold whole numbers; {first!r} and others at "
                f"{positions(frac)} are not counts."
            )
        _raise_big_neg(name, arr > EXACT_INTEGER_LIMIT, arr < 0, positions)
        return arr.astype(np.int64)
    raise TypeError(
        f"`{name}` must hold integer counts (got an array of dtype {arr.dtype})."
    )


def _raise_big_neg(name: str, big: np.ndarray, neg: np.ndarray, positions: Any) -> None:
    if neg.any():
        raise ValueError(f"`{name}` has negative counts at {positions(neg)}.")
    if big.any():
        raise_above_exact_limit(name, positions(big))


def raise_above_exact_limit(name: str, where: str) -> None:
    """Raise the one message for counts above 2**53 (``where``: the positions or labels)."""
    raise ValueError(
        f"`{name}` has counts above 2**53 = {EXACT_INTEGER_LIMIT:,} at {where}; "
        "floating point cannot hold such counts exactly (check the units of the column)."
    )


def above_exact_limit(values: np.ndarray) -> np.ndarray:
    """Mask of the entries above 2**53, judged on the values as given (Python ints in an
    object array are compared exactly, before any float conversion)."""
    if values.dtype.kind == "O":
        return np.fromiter(
            (isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
             and int(v) > EXACT_INTEGER_LIMIT for v in values.ravel()),
            bool, values.size,
        ).reshape(values.shape)
    if values.dtype.kind in "iuf":
        with np.errstate(invalid="ignore"):
            return values > EXACT_INTEGER_LIMIT
    return np.zeros(values.shape, dtype=bool)


def check_probability_array(p: Any, name: str = "pvalues") -> np.ndarray:
    """Validate probabilities (e.g. p-values): real numbers in [0, 1], no NaN.

    Examples
    --------
    >>> check_probability_array([0.01, 0.5, 1])
    array([0.01, 0.5 , 1.  ])
    """
    try:
        arr, labels = _as_array(p)
    except TypeError as exc:
        raise TypeError(f"`{name}`: {exc}.") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    flat = arr.ravel()
    if arr.dtype.kind == "b" or (
        arr.dtype.kind == "O" and any(isinstance(v, (bool, np.bool_)) for v in flat)
    ):
        raise TypeError(f"`{name}` holds booleans, not probabilities.")
    if arr.dtype.kind == "O" and not all(isinstance(v, numbers.Real) for v in flat):
        raise TypeError(f"`{name}` must hold real numbers between 0 and 1.")
    if arr.dtype.kind not in "iufO":
        raise TypeError(f"`{name}` must hold real numbers between 0 and 1 (dtype {arr.dtype}).")
    values = arr.astype(float)

    def positions(mask: np.ndarray) -> str:
        pos = np.flatnonzero(mask) if values.ndim == 1 else np.argwhere(mask)
        return _where(pos, labels if values.ndim == 1 else None)

    nan = np.isnan(values)
    if nan.any():
        raise ValueError(f"`{name}` has missing values (NaN) at {positions(nan)}.")
    out = (values < 0) | (values > 1)
    if out.any():
        raise ValueError(
            f"`{name}` must lie between 0 and 1; {float(values[out].ravel()[0])!r} and others at "
            f"{positions(out)} do not."
        )
    return values


def renamed_parameters(**old_to_new: str) -> Callable[[_F], _F]:
    """Keep old keyword names of a function working for one release.

    ``@renamed_parameters(n_boot="n_resamples")`` lets callers still write
    ``f(x, n_boot=200)``: the value is passed on as ``n_resamples=200`` with a
    ``DeprecationWarning`` that names the new keyword (pointing at the caller's line).
    Giving both names is a ``TypeError``. The decorated function's signature and
    docstring are those of the function (only the new names appear).

    Parameters
    ----------
    **old_to_new : str
        Old keyword name -> new keyword name.

    Examples
    --------
    >>> import warnings
    >>> @renamed_parameters(n_boot="n_resamples")
    ... def f(x, *, n_resamples=1000):
    ...     return n_resamples
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(1, n_boot=200)
    200
    >>> str(caught[0].message)
    '`n_boot` is deprecated and will be removed in the next release; use `n_resamples=`.'
    """
    for old, new in old_to_new.items():
        if not isinstance(new, str) or old == new:
            raise ValueError(f"renamed_parameters: {old!r} must map to a different name.")

    def decorate(func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in old_to_new.items():
                if old not in kwargs:
                    continue
                if new in kwargs:
                    raise TypeError(
                        f"{func.__name__}() got both `{old}` (deprecated) and `{new}`; "
                        f"pass only `{new}=`."
                    )
                warnings.warn(
                    f"`{old}` is deprecated and will be removed in the next release; "
                    f"use `{new}=`.",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__renamed_parameters__ = dict(old_to_new)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
