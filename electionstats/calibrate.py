"""Size and power of every test of the battery, on simulated elections of a chosen size.

:func:`calibrate` answers the question a reader asks of any forensic p-value: how often
does this test fire on a *clean* election with these stations (its size, which should be
close to ``alpha``), and how often does it catch a known amount of fraud (its power)? It
simulates many elections with :func:`electionstats.simulate_election` (station sizes taken
from a real :class:`~electionstats.Election` or drawn), clean and with each fraud setting of
a grid, runs every test of the battery (:data:`electionstats.screen.TESTS`) on each, and
tabulates the rejection rates with their Monte Carlo standard errors.

Every (setting, election) pair is one task with its own generator spawned from ``rng``
(:func:`electionstats._parallel.map_items`), and within a task the simulation and every
test draw from generators keyed by the test's place in the battery, so the table is
identical serially, on the local process pool and on a ``dask.distributed`` cluster, and a
test gives the same decisions whichever other tests run with it.

"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._montecarlo import check_n_resamples
from ._parallel import map_items
from ._results import TableResult
from .election import Election
from .screen import TESTS, check_tests, run_test
from .simulate import DigitFabrication, KlimekFraud, RoundingFraud, simulate_election

__all__ = [
    "DEFAULT_FRAUD_GRID",
    "CalibrationResult",
    "calibrate",
]

#: Replicates of the Monte Carlo and bootstrap tests in a calibration run: p-values in
#: steps of 1/200, fine enough to decide at 5 %, at a fifth of the cost of 1,000.
CALIBRATION_N_RESAMPLES = 199

#: The default grid: clean, then growing amounts of each kind of fraud.
DEFAULT_FRAUD_GRID: tuple[Any, ...] = (
    None,
    KlimekFraud(f_i=0.05),
    KlimekFraud(f_i=0.1),
    KlimekFraud(f_i=0.2),
    KlimekFraud(f_i=0.0, f_e=0.01),
    KlimekFraud(f_i=0.0, f_e=0.02),
    KlimekFraud(f_i=0.0, f_e=0.05),
    DigitFabrication(share=0.1),
    DigitFabrication(share=0.3),
    RoundingFraud(share=0.05),
    RoundingFraud(share=0.2),
)

_SIM_KEYS = frozenset({
    "turnout", "turnout_sd", "support", "support_sd", "parties", "regions", "region_sd",
    "spread", "size_sd", "invalid", "concentration", "registered",
})

_KINDS = {
    KlimekFraud: "Klimek stuffing and stealing",
    DigitFabrication: "digit fabrication",
    RoundingFraud: "rounding to whole percentages",
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _describe_one(fraud: Any) -> tuple[str, str, float, str]:
    """(kind, parameter, value, setting in words) of one fraud object."""
    if isinstance(fraud, KlimekFraud):
        if fraud.f_e == 0:
            parameter, value = "f_i", fraud.f_i
        elif fraud.f_i == 0:
            parameter, value = "f_e", fraud.f_e
        else:
            parameter, value = "f_i + f_e", fraud.f_i + fraud.f_e
        text = (f"Klimek fraud: f_i = {_fmt(fraud.f_i)}, f_e = {_fmt(fraud.f_e)}, "
                f"alpha = {_fmt(fraud.alpha)}, theta = {_fmt(fraud.theta)}")
        return _KINDS[KlimekFraud], parameter, float(value), text
    if isinstance(fraud, DigitFabrication):
        return (_KINDS[DigitFabrication], "share", float(fraud.share),
                f"last digits made up in {_fmt(100 * fraud.share)} % of stations")
    if isinstance(fraud, RoundingFraud):
        kind = _KINDS[RoundingFraud]
        if fraud.multiple != 1:
            kind = f"rounding to multiples of {fraud.multiple} %"
        return (kind, "share", float(fraud.share),
                f"{fraud.target} rounded up in {_fmt(100 * fraud.share)} % of stations")
    raise TypeError(
        "`fraud_grid` entries must be None (clean), a KlimekFraud, DigitFabrication or "
        f"RoundingFraud, a list of them, or a dict (got {type(fraud).__name__})."
    )


def _setting(entry: Any, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(simulate_election keywords, description row) of one fraud_grid entry."""
    if entry is None:
        return {"fraud": None}, {"fraud": "none", "parameter": "", "value": 0.0,
                                 "setting": "clean election"}
    if isinstance(entry, dict):
        extra = set(entry) - _SIM_KEYS - {"fraud", "label", "parameter", "value"}
        if extra:
            raise ValueError(
                f"`fraud_grid`[{index}]: unknown keys {sorted(extra)}; a setting dict takes "
                f"'fraud', 'label', 'parameter', 'value' and simulate_election keywords "
                f"{sorted(_SIM_KEYS)}."
            )
        kwargs, row = _setting(entry.get("fraud"), index)
        kwargs.update({k: v for k, v in entry.items() if k in _SIM_KEYS})
        if "label" in entry:
            row["fraud"] = str(entry["label"])
        for key in ("parameter", "value"):
            if key in entry:
                row[key] = entry[key] if key == "parameter" else float(entry[key])
        changed = [f"{k} = {v}" for k, v in entry.items() if k in _SIM_KEYS
                   and k != "registered"]
        if changed:
            row["setting"] += " (clean part: " + ", ".join(changed) + ")"
        return kwargs, row
    if isinstance(entry, (list, tuple)):
        if not entry:
            raise ValueError(f"`fraud_grid`[{index}] is an empty list; use None for clean.")
        parts = [_describe_one(f) for f in entry]
        return {"fraud": list(entry)}, {
            "fraud": " + ".join(p[0] for p in parts), "parameter": parts[0][1],
            "value": parts[0][2], "setting": "; ".join(p[3] for p in parts),
        }
    kind, parameter, value, text = _describe_one(entry)
    return {"fraud": entry}, {"fraud": kind, "parameter": parameter, "value": value,
                              "setting": text}


def _test_seed(task: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The generator of test ``name`` in one task, keyed by its place in the battery.

    Tests that share one computation (the shape tests) share the key of the first of them,
    so a test's decision does not depend on which other tests run with it.
    """
    run = TESTS[name].run
    key = next(i for i, t in enumerate(TESTS.values()) if t.run is run)
    return np.random.SeedSequence(task.entropy, spawn_key=(*task.spawn_key, 1, key))


def _calibrate_task(
    rng: np.random.Generator, item: tuple[int, int], settings: list[dict[str, Any]],
    n_stations: int | None, names: tuple[str, ...], n_resamples: int, alpha: float,
) -> tuple[int, np.ndarray, list[str]]:
    setting, _ = item
    task = rng.bit_generator.seed_seq
    sim_rng = np.random.default_rng(
        np.random.SeedSequence(task.entropy, spawn_key=(*task.spawn_key, 0)))
    kwargs = dict(settings[setting])
    sim = simulate_election(n_stations, rng=sim_rng, **kwargs)
    e = sim.election
    cache: dict[Any, Any] = {}
    detected = np.full(len(names), np.nan)
    failures = [""] * len(names)
    for j, name in enumerate(names):
        g = np.random.default_rng(_test_seed(task, name))
        row = run_test(name, e, rng=g, n_resamples=n_resamples, alpha=alpha, cache=cache)
        detected[j] = row["detected"]
        if row["notes"].startswith("not "):
            failures[j] = row["notes"]
    return setting, detected, failures


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CalibrationResult(TableResult):
    """Rejection rates of each test on simulated elections, clean and with fraud.

    ``table`` has one row per test and fraud setting: ``test``, ``fraud`` (kind, ``'none'``
    for clean elections), ``parameter`` and ``value`` (its amount), ``setting`` (in
    words), ``measures`` (``'size'`` on clean elections, ``'power'`` with fraud),
    ``n_elections``, ``n_computed`` (elections on which the test could run),
    ``rejections``, ``rejection_rate``, ``standard_error`` (binomial Monte Carlo standard
    error of the rate), ``alpha``, ``n_stations``, ``n_resamples`` (replicates of the
    Monte Carlo and bootstrap tests) and ``notes`` (why a test could not run).
    """

    alpha: float = 0.05
    n_resamples: int = CALIBRATION_N_RESAMPLES
    n_stations: int = 0
    stations: str = ""

    method: ClassVar[str] = "Size and power of the tests on simulated elections"
    citations: ClassVar[tuple[str, ...]] = ("klimek2012", "kobak2016aoas", "beber2012")
    plot_function: ClassVar[str] = "electionstats._plot_calibrate:plot_power"
    null_hypothesis: ClassVar[str] = (
        "clean simulated elections (binomial counting around station rates that vary "
        "smoothly between stations)"
    )
    formats: ClassVar[dict[str, str]] = {
        "rejection_rate": "share", "standard_error": "share", "n_elections": "count",
        "n_computed": "count", "rejections": "count", "n_stations": "count",
        "n_resamples": "count", "alpha": "share",
    }

    def _summary_items(self) -> list[tuple[str, Any]]:
        t = self.table
        size = t[t["measures"] == "size"]
        outside = size[(size["rejection_rate"] < 0.035) | (size["rejection_rate"] > 0.065)]
        return [
            ("Stations per election", self.n_stations),
            ("Station sizes", self.stations),
            ("Tests", int(t["test"].nunique())),
            ("Fraud settings", int(t["setting"].nunique())),
            ("Level", self.alpha),
            ("Replicates of the Monte Carlo tests", self.n_resamples),
            ("Tests whose size lies outside 3.5-6.5 %", len(outside)),
        ]

    def __repr__(self) -> str:
        return str(self.summary())

    def size(self) -> pd.Series:
        """Rejection rate on clean elections, per test."""
        t = self.table[self.table["measures"] == "size"]
        return t.set_index("test")["rejection_rate"]

    def power(self, fraud: str, value: float) -> pd.Series:
        """Detection rate at one fraud setting (kind and amount), per test."""
        t = self.table
        sel = t[(t["fraud"] == fraud) & np.isclose(t["value"].astype(float), value)]
        if sel.empty:
            raise KeyError(
                f"no setting {fraud!r} with value {value:g} in the table; the settings are "
                f"{sorted(set(zip(t['fraud'], t['value'], strict=True)))}."
            )
        return sel.set_index("test")["rejection_rate"]


def _check_n_elections(n_elections: Any, n_settings: int) -> list[int]:
    if isinstance(n_elections, (numbers.Integral,)) and not isinstance(n_elections, bool):
        values = [n_elections] * n_settings
    elif isinstance(n_elections, Sequence) and not isinstance(n_elections, str):
        values = list(n_elections)
        if len(values) != n_settings:
            raise ValueError(
                f"`n_elections` has {len(values)} entries but `fraud_grid` has {n_settings} "
                "settings; give one number, or one per setting."
            )
    else:
        raise TypeError(f"`n_elections` must be a positive integer or a list of them (got "
                        f"{n_elections!r}).")
    return [check_n_resamples(v, name="n_elections") for v in values]


def calibrate(
    tests: Any = "all",
    *,
    election: Election | None = None,
    n_stations: int | None = None,
    fraud_grid: Sequence[Any] | None = None,
    n_elections: int | Sequence[int] = 200,
    alpha: float = 0.05,
    n_resamples: int = CALIBRATION_N_RESAMPLES,
    simulation: dict[str, Any] | None = None,
    rng: Any = None,
    client: Any = None,
    workers: int | None = None,
    progress: bool | None = None,
) -> CalibrationResult:
    """Size and power of the battery's tests on simulated elections of a chosen size.

    For every fraud setting (clean first, then growing amounts of Klimek stuffing and
    stealing, digit fabrication and rounding), ``n_elections`` elections are simulated
    with :func:`electionstats.simulate_election`, every test is run on each, and the share
    of elections on which it rejects at ``alpha`` is reported with its Monte Carlo
    standard error ``sqrt(r (1 - r) / n)``. On clean elections that share is the test's
    size (it should be near ``alpha``); with fraud it is the power.

    Parameters
    ----------
    tests : str or sequence of str
        Names from :data:`electionstats.screen.TESTS`, or ``'all'`` (every test except
        the fraud model's, which refits a likelihood model and takes about 20 s per
        election of 10,000 stations; name ``'fraud model'`` to include it).
    election : Election, optional
        Use its stations' registered voters (and first region level) in every simulated
        election, so size and power are those *for its stations*.
    n_stations : int, optional
        Without ``election``: number of stations, sizes drawn log-normally around the
        median ``simulation['registered']`` (default 1,000 voters).
    fraud_grid : sequence, optional
        Settings: ``None`` (clean), a fraud object (:class:`~electionstats.KlimekFraud`,
        :class:`~electionstats.DigitFabrication`, :class:`~electionstats.RoundingFraud`),
        a list of them (applied together), or a dict with ``'fraud'``, an optional
        ``'label'``, ``'parameter'`` and ``'value'`` and any clean-part keyword of
        :func:`~electionstats.simulate_election` (e.g. ``'turnout'``). Default
        :data:`DEFAULT_FRAUD_GRID`.
    n_elections : int or sequence of int
        Simulated elections per setting (or one number per setting: size needs more
        than power, since its standard error must be small next to ``alpha``).
    alpha : float
        Level of every test. Interval rules use a one-sided ``alpha`` lower bound
        (excess votes, Sobyanin-Sukhovolsky) or a two-sided ``1 - alpha`` interval
        (shape statistics).
    n_resamples : int
        Replicates of the Monte Carlo and bootstrap tests (default 199: p-values in
        steps of 0.005).
    simulation : dict, optional
        Keywords of :func:`~electionstats.simulate_election` for the clean part
        (``turnout``, ``support``, ``parties``, ...), the same in every setting.
    rng : None, int or Generator
        Seed; task ``i`` (setting by election, in table order) gets the ``i``-th child.
    client : dask.distributed.Client, optional
        Run the simulations on this Dask cluster (same table as locally).
    workers : int, optional
        Local processes (default every core; 1 runs in this process).
    progress : bool, optional
        Progress bar (default: the package option).

    Returns
    -------
    CalibrationResult
        Tidy ``table`` (see :class:`CalibrationResult`); ``plot()`` draws power curves.

    See Also
    --------
    electionstats.screen : the same battery over real elections.

    Notes
    -----
    A size far above ``alpha`` means the test's null does not describe clean elections
    of this kind (for example Benford's first-digit law does not hold for counts of
    stations of similar size), so its rejections say little about fraud. The clean
    elections are those of :func:`~electionstats.simulate_election`: smooth variation of
    turnout and support between stations and binomial counting. Real clean elections
    have more structure (regions, special stations), so a size measured here is a lower
    bound of the false-alarm rate on real data.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). Statistical
       detection of systematic election irregularities. PNAS 109(41), 16469-16473.
       :doi:`10.1073/pnas.1210722109`
    .. [2] Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Integer percentages
       as electoral falsification fingerprints. Annals of Applied Statistics 10(1),
       54-73. :doi:`10.1214/16-AOAS904`
    .. [3] Beber, B. and Scacco, A. (2012). What the numbers say: a digit-based test for
       election fraud. Political Analysis 20(2), 211-234. :doi:`10.1093/pan/mps003`

    Examples
    --------
    >>> import electionstats as es
    >>> res = es.calibrate(["zero or five"], n_stations=400, n_elections=30,
    ...                    fraud_grid=[None, es.DigitFabrication(share=0.9)],
    ...                    rng=2, workers=1)
    >>> res.table[["fraud", "value", "n_elections", "rejection_rate"]].round(3)
                   fraud  value  n_elections  rejection_rate
    0               none    0.0           30           0.067
    1  digit fabrication    0.9           30           0.833
    """
    names = check_tests(tests)
    n_resamples = check_n_resamples(n_resamples)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not (
        0 < alpha < 0.5
    ):
        raise ValueError(f"`alpha` must be a number strictly between 0 and 0.5 (got {alpha!r}).")
    simulation = dict(simulation or {})
    unknown = set(simulation) - _SIM_KEYS
    if unknown:
        raise ValueError(f"`simulation`: unknown keywords {sorted(unknown)}; use "
                         f"{sorted(_SIM_KEYS)}.")
    if election is not None:
        if not isinstance(election, Election):
            raise TypeError(f"`election` must be an Election (got {type(election).__name__}).")
        if "registered" not in election.roles:
            raise ValueError("`election` has no registered-voters column: its station sizes "
                             "cannot be reused; pass n_stations= instead.")
        if "registered" in simulation:
            raise ValueError("`simulation['registered']` and `election` both give station "
                             "sizes; pass one.")
        if n_stations is not None and n_stations != election.n_stations:
            raise ValueError(f"`n_stations`={n_stations} disagrees with the election's "
                             f"{election.n_stations:,} stations; leave it out.")
        sizes = election.data["registered"].to_numpy(np.int64)
        simulation["registered"] = sizes
        n_stations = None
        n_total = int(sizes.size)
        stations = f"the {n_total:,} stations of {election.name} ({int(sizes.sum()):,} registered)"
    else:
        if n_stations is None:
            raise ValueError("give `election` (reuse its station sizes) or `n_stations`.")
        n_total = check_n_resamples(n_stations, name="n_stations")
        if isinstance(simulation.get("registered"), np.ndarray):
            stations = f"{n_total:,} stations of the sizes given"
        else:
            median = simulation.get("registered", 1000)
            stations = (f"{n_total:,} stations, sizes log-normal around a median of "
                        f"{median:,.0f} voters")
    grid = DEFAULT_FRAUD_GRID if fraud_grid is None else tuple(fraud_grid)
    if not grid:
        raise ValueError("`fraud_grid` is empty: give at least one setting (None = clean).")
    settings, rows = [], []
    for i, entry in enumerate(grid):
        kwargs, row = _setting(entry, i)
        settings.append({**simulation, **kwargs})
        rows.append(row)
    counts = _check_n_elections(n_elections, len(grid))
    items = [(s, k) for s, n in enumerate(counts) for k in range(n)]
    parts = map_items(
        _calibrate_task, items, rng=rng,
        args=(settings, n_stations, names, n_resamples, float(alpha)),
        workers=workers, client=client, progress=progress, desc="calibrating",
    )
    detected = np.full((len(grid), len(names), max(counts)), np.nan)
    failures: dict[tuple[int, int], str] = {}
    filled = np.zeros(len(grid), dtype=int)
    for setting, det, fail in parts:
        detected[setting, :, filled[setting]] = det
        filled[setting] += 1
        for j, msg in enumerate(fail):
            if msg:
                failures.setdefault((setting, j), msg)
    table = []
    for s, row in enumerate(rows):
        for j, name in enumerate(names):
            d = detected[s, j, : counts[s]]
            ok = np.isfinite(d)
            n_ok = int(ok.sum())
            rejections = int(d[ok].sum())
            rate = rejections / n_ok if n_ok else np.nan
            se = float(np.sqrt(rate * (1 - rate) / n_ok)) if n_ok else np.nan
            notes = failures.get((s, j), "")
            if n_ok < counts[s]:
                notes = f"not computed on {counts[s] - n_ok:,} elections: {notes}"
            clean = settings[s]["fraud"] is None
            table.append({
                "test": name, **row, "measures": "size" if clean else "power",
                "n_elections": counts[s], "n_computed": n_ok, "rejections": rejections,
                "rejection_rate": rate, "standard_error": se, "alpha": float(alpha),
                "n_stations": n_total, "n_resamples": n_resamples, "notes": notes,
            })
    frame = pd.DataFrame(table)
    return CalibrationResult(table=frame, alpha=float(alpha), n_resamples=n_resamples,
                             n_stations=n_total, stations=stations)
