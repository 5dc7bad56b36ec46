"""Power curves of a calibration table (pyplot imported lazily)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._plotutil import get_ax

__all__ = ["plot_power"]

_AMOUNT = {
    "f_i": "share of stations with incremental fraud (f_i)",
    "f_e": "share of stations with extreme fraud (f_e)",
    "f_i + f_e": "share of fraudulent stations (f_i + f_e)",
    "share": "share of stations affected",
}


def plot_power(
    result: Any, *, ax: Any = None, fraud: str | None = None, parameter: str | None = None,
    tests: Any = None, **kwargs: Any,
) -> Any:
    """Rejection rate of each test as one kind of fraud grows, with Monte Carlo bands.

    One line per test: the rate on clean elections (its size, at amount 0) and at each
    amount of the chosen fraud kind (its power), with a band of plus or minus two Monte
    Carlo standard errors, and the nominal level as a dashed line.

    Parameters
    ----------
    result : CalibrationResult
        From :func:`electionstats.calibrate` or :func:`electionstats.calibration_table`.
    ax : matplotlib Axes, optional
    fraud : str, optional
        Fraud kind (a value of the table's ``fraud`` column); default the first kind
        with more than one amount, else the first kind.
    parameter : str, optional
        Which amount of that kind is on the horizontal axis (for Klimek fraud ``'f_i'``
        or ``'f_e'``); default the kind's first.
    tests : sequence of str, optional
        Tests to draw (default all in the table).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import electionstats as es
    >>> res = es.calibrate(["zero or five"], n_stations=300, n_elections=5, rng=1,
    ...                    workers=1, fraud_grid=[None, es.DigitFabrication(share=0.5),
    ...                                           es.DigitFabrication(share=0.9)])
    >>> ax = res.plot()
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Digit fabrication: share of stations affected (%)', 'Elections in which the test rejects (%)')
    """
    t = result.table
    kinds = [k for k in dict.fromkeys(t.loc[t["measures"] == "power", "fraud"])]
    if fraud is None:
        if not kinds:
            raise ValueError("the table has no fraud settings, only clean elections: "
                             "there is no power curve to draw.")
        multi = [k for k in kinds if t.loc[t["fraud"] == k].groupby("parameter")["value"]
                 .nunique().max() > 1]
        fraud = (multi or kinds)[0]
    elif fraud not in kinds:
        raise ValueError(f"`fraud`={fraud!r} is not in the table; its kinds are {kinds}.")
    names = list(dict.fromkeys(t["test"])) if tests is None else (
        [tests] if isinstance(tests, str) else list(tests))
    missing = [n for n in names if n not in set(t["test"])]
    if missing:
        raise ValueError(f"`tests`: {missing} not in the table.")
    ax = get_ax(ax, figsize=(8, 5))
    part = t[t["fraud"] == fraud]
    parameters = list(dict.fromkeys(part["parameter"]))
    if parameter is None:
        parameter = parameters[0]
    elif parameter not in parameters:
        raise ValueError(f"`parameter`={parameter!r} is not an amount of {fraud!r}; "
                         f"choose from {parameters}.")
    part = part[part["parameter"] == parameter]
    clean = t[(t["fraud"] == "none")]
    for name in names:
        rows = part[part["test"] == name].sort_values("value")
        c = clean[clean["test"] == name].head(1)  # the size: amount 0
        x = np.r_[np.zeros(len(c)), rows["value"].to_numpy(float)]
        y = np.r_[c["rejection_rate"].to_numpy(float), rows["rejection_rate"].to_numpy(float)]
        se = np.r_[c["standard_error"].to_numpy(float), rows["standard_error"].to_numpy(float)]
        (line,) = ax.plot(100 * x, 100 * y, marker="o", label=name, **kwargs)
        ax.fill_between(100 * x, 100 * np.clip(y - 2 * se, 0, 1),
                        100 * np.clip(y + 2 * se, 0, 1), color=line.get_color(), alpha=0.15)
    alpha = float(t["alpha"].iloc[0])
    ax.axhline(100 * alpha, color="black", linestyle="--", linewidth=1,
               label=f"nominal level {100 * alpha:g} %")
    ax.set_xlabel(f"{fraud.capitalize()}: {_AMOUNT.get(parameter, parameter)} (%)")
    ax.set_ylabel("Elections in which the test rejects (%)")
    n = int(part["n_elections"].min()) if len(part) else 0
    ax.set_title(f"Power of the tests, {int(t['n_stations'].iloc[0]):,} stations "
                 f"(at least {n:,} simulated elections per point)")
    ax.set_ylim(-2, 102)
    ax.legend(fontsize="small", ncol=2)
    return ax
