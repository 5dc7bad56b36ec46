"""Run any test per region (or per party) and adjust the p-values across the table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from ._args import check_alpha, check_probability_array
from ._results import Result, result_frame
from .election import Election

__all__ = ["P_ADJUST_METHODS", "adjust_pvalues", "group_apply"]

#: Methods accepted by ``p_adjust`` (statsmodels ``multipletests`` codes) plus ``None``.
P_ADJUST_METHODS = ("fdr_bh", "fdr_by", "bonferroni", "holm", "sidak", "holm-sidak", "hommel")


def _as_frame(out: Any) -> pd.DataFrame:
    if isinstance(out, pd.DataFrame):
        return out
    if isinstance(out, Result):
        return out.to_frame()
    if isinstance(out, Sequence) and not isinstance(out, str):
        return pd.concat([_as_frame(o) for o in out], ignore_index=True)
    raise TypeError(
        "the function passed to group_apply must return a Result, a list of Results or a "
        f"DataFrame (got {type(out).__name__})."
    )


def adjust_pvalues(
    table: pd.DataFrame, *, column: str = "pvalue", method: str | None = "fdr_bh", alpha: float = 0.05
) -> pd.DataFrame:
    """Add ``<column>_adjusted`` and ``reject`` columns adjusted across the whole table.

    Rows whose p-value is NaN (e.g. a group too small for the test) stay NaN and are not
    counted in the adjustment.

    Parameters
    ----------
    table : DataFrame
        Tidy results, one test per row.
    column : str
        The p-value column.
    method : str or None
        A :func:`statsmodels.stats.multitest.multipletests` method (default
        ``'fdr_bh'``, Benjamini and Hochberg 1995); None copies the raw p-values.
    alpha : float
        Level for ``reject``.

    Examples
    --------
    >>> t = pd.DataFrame({"pvalue": [0.01, 0.04, 0.03, np.nan]})
    >>> adjust_pvalues(t)["pvalue_adjusted"].round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    if method is not None and method not in P_ADJUST_METHODS:
        raise ValueError(f"`p_adjust` must be None or one of {P_ADJUST_METHODS} (got {method!r}).")
    alpha = check_alpha(alpha)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"`table` must be a DataFrame with a p-value column (got {type(table).__name__}); "
            "e.g. pandas.DataFrame({'pvalue': [...]})."
        )
    if column not in table.columns:
        raise KeyError(
            f"adjust_pvalues: the table has no p-value column {column!r} (columns: "
            f"{list(map(str, table.columns))}); pass column= naming the p-values."
        )
    out = table.copy()
    raw = out[column]
    ok = raw.notna().to_numpy()
    check_probability_array(raw[ok], name=f"column {column!r}")
    p = raw.to_numpy(dtype=float, na_value=np.nan)
    adjusted = np.full_like(p, np.nan)
    if method is None:
        adjusted[ok] = p[ok]
    elif ok.any():
        adjusted[ok] = multipletests(p[ok], alpha=alpha, method=method)[1]
    out[f"{column}_adjusted"] = adjusted
    out["reject"] = np.where(ok, adjusted < alpha, False)
    return out


@result_frame("Results by region", citations=("benjamini1995",))
def group_apply(
    func: Callable[[Election], Any],
    election: Election,
    *,
    by: str | None = None,
    p_adjust: str | None = "fdr_bh",
    alpha: float = 0.05,
    column: str = "pvalue",
) -> pd.DataFrame:
    """Apply ``func`` to the whole election or to each region, and adjust p-values.

    Parameters
    ----------
    func : callable
        ``func(election)`` returns a Result, a list of Results, or a DataFrame.
    election : Election
    by : str, optional
        Region level (or extra column) to split by; None runs once on all stations.
    p_adjust : str or None
        Multiple-testing adjustment across every row of the final table.
    alpha : float
        Level for the ``reject`` column.
    column : str
        Name of the p-value column to adjust.

    Returns
    -------
    DataFrame
        One block of rows per group, with a ``group`` column (the region value or
        ``'all'``) and a ``level`` column, plus ``<column>_adjusted`` and ``reject``.
    """
    parts = []
    groups = [("all", election)] if by is None else list(election.groups(by))
    for value, sub in groups:
        frame = _as_frame(func(sub))
        frame.insert(0, "group", value)
        frame.insert(0, "level", by or "national")
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    if column in table:
        table = adjust_pvalues(table, column=column, method=p_adjust, alpha=alpha)
    return table
