"""Simulated elections with known fraud: a clean station model plus combinable fraud.

:func:`simulate_election` draws polling-station counts from a clean model (station sizes,
turnout and party shares that vary between stations and regions, binomial counting noise,
invalid ballots) and then applies any list of fraud mechanisms:

- :class:`KlimekFraud`: ballot stuffing and vote stealing in a share of stations, the
  generative model of Klimek et al. (2012);
- :class:`RoundingFraud`: reported turnout or leader share moved to a whole (or
  multiple-of-5) percentage, the target-number mechanism of Kobak et al. (2016);
- :class:`DigitFabrication`: last digits of counts written by a human-like process, the
  behaviour digit tests look for (Beber & Scacco 2012).

The result holds an ordinary :class:`~electionstats.Election` (usable by every function
of the package) and the truth per station. ``n_elections=`` draws many elections of the
same stations in one vectorised pass, for size and power studies.

References
----------
Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical detection of
systematic election irregularities. PNAS 109(41), 16469-16473.
https://doi.org/10.1073/pnas.1210722109

Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer percentages as electoral
falsification fingerprints. Annals of Applied Statistics 10(1), 54-73.
https://doi.org/10.1214/16-AOAS904

Beber, B. & Scacco, A. (2012). What the numbers say: a digit-based test for election
fraud. Political Analysis 20(2), 211-234. https://doi.org/10.1093/pan/mps003
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ._args import EXACT_INTEGER_LIMIT, check_rng
from .election import COUNT_ROLES, Election

__all__ = [
    "DigitFabrication",
    "KlimekFraud",
    "RoundingFraud",
    "SimulatedElection",
    "SimulatedElections",
    "simulate_election",
]

SPREADS = ("beta", "logitnormal", "normal")
CLASSES = ("clean", "incremental", "extreme")
# Default human-like last-digit weights (a modelling choice, not an estimate): people
# writing numbers "at random" favour some digits and avoid others (Beber & Scacco 2012).
HUMAN_DIGIT_WEIGHTS = (0.6, 1.3, 1.2, 1.1, 1.0, 0.7, 1.0, 1.3, 1.0, 0.8)
#: Most stations one simulated election holds (refused above, before any allocation).
MAX_STATIONS = 10**7


def _rng(rng: Any) -> np.random.Generator:
    """The shared validator: refuses booleans, negative seeds, floats, text and RandomState."""
    return check_rng(rng)


def _unit(value: Any, name: str, *, low: float = 0.0, high: float = 1.0,
          closed_low: bool = True, closed_high: bool = True) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a real number (got {value!r}).")
    v = float(value)
    ok_low = v >= low if closed_low else v > low
    ok_high = v <= high if closed_high else v < high
    if not (ok_low and ok_high and np.isfinite(v)):
        lo = "[" if closed_low else "("
        hi = "]" if closed_high else ")"
        raise ValueError(f"`{name}` must lie in {lo}{low:g}, {high:g}{hi} (got {value!r}).")
    return v


# ---------------------------------------------------------------------------- fraud types
@dataclasses.dataclass(frozen=True)
class KlimekFraud:
    """Ballot stuffing and vote stealing in a share of stations (Klimek et al. 2012).

    A station is *incrementally* fraudulent with probability ``f_i`` and *extremely*
    fraudulent with probability ``f_e``. Its fraud magnitude ``x`` is half-normal with
    scale ``theta`` (incremental, restricted to below 1) or ``1 - |N(0, sd_extreme)|``
    (extreme). A share ``x`` of the registered voters who did not vote is stuffed as
    ballots for the leader, and a share ``x ** alpha`` of the other parties' votes is
    moved to the leader: in rates, leader votes ``W = R [a v + x (1 - a) + x^alpha a (1 - v)]``
    and ballots ``B = R [a + x (1 - a)]`` for clean turnout ``a`` and leader share ``v``.
    The counts are drawn binomially around these rates.

    Parameters
    ----------
    f_i, f_e : float
        Shares of incrementally and extremely fraudulent stations (``f_i + f_e <= 1``).
    alpha : float
        Stealing exponent (> 0): larger means less stealing for the same stuffing.
    theta : float
        Scale of the incremental fraud magnitude (> 0).
    sd_extreme : float
        Scale of ``1 - x`` in extreme fraud (Klimek's 0.075).
    party : str, optional
        Beneficiary; by default the first party (the leader).

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). PNAS 109(41), 16469-16473.
    https://doi.org/10.1073/pnas.1210722109
    """

    f_i: float
    f_e: float = 0.0
    alpha: float = 1.0
    theta: float = 0.1
    sd_extreme: float = 0.075
    party: str | None = None

    def __post_init__(self) -> None:
        f_i = _unit(self.f_i, "f_i")
        f_e = _unit(self.f_e, "f_e")
        if f_i + f_e > 1 + 1e-12:
            raise ValueError(f"`f_i + f_e` must be at most 1 (got {f_i} + {f_e}).")
        _unit(self.alpha, "alpha", high=np.inf, closed_low=False)
        _unit(self.theta, "theta", high=np.inf, closed_low=False)
        _unit(self.sd_extreme, "sd_extreme", high=np.inf, closed_low=False)

    def _apply(self, rng: np.random.Generator, c: dict, truth: dict, parties: list[str]) -> None:
        k = _party_index(self.party, parties)
        shape = c["registered"].shape
        u = rng.random(shape)
        cls = np.where(u < self.f_i, 1, np.where(u < self.f_i + self.f_e, 2, 0)).astype(np.int8)
        x = np.zeros(shape)
        inc = cls == 1
        ext = cls == 2
        # half-normal restricted to (0, 1) by inverse CDF (no rejection loop)
        x[inc] = _half_normal_below_one(rng, int(inc.sum()), self.theta)
        x[ext] = 1.0 - _half_normal_below_one(rng, int(ext.sum()), self.sd_extreme)
        nonvoters = c["registered"] - c["ballots"]
        stuffed = rng.binomial(nonvoters, x)
        steal_p = np.where(cls > 0, x, 0.0) ** self.alpha
        stolen = np.zeros(shape, dtype=np.int64)
        votes = c["votes"]
        for j in range(votes.shape[-1]):
            if j == k:
                continue
            s = rng.binomial(votes[..., j], steal_p)
            votes[..., j] -= s
            stolen += s
        votes[..., k] += stolen + stuffed
        c["ballots"] += stuffed
        truth["fraud_class"] = np.maximum(truth["fraud_class"], cls)
        truth["fraud_size"] = np.where(cls > 0, x, truth["fraud_size"])
        truth["stuffed"] += stuffed
        truth["stolen"] += stolen


@dataclasses.dataclass(frozen=True)
class RoundingFraud:
    """Reported turnout and leader share moved up to a whole (or multiple-of-5) percentage.

    In a share of stations the officials aim at a target number (Kobak et al. 2016): the
    reported turnout is raised to the next multiple of ``multiple`` percent by stuffing
    ballots for the leader, and the leader's share of the valid votes to the next multiple
    by moving votes from the other parties (in proportion to their votes).

    Parameters
    ----------
    share : float
        Share of stations affected.
    multiple : int
        1 for whole percentages, 5 for multiples of 5 %, ...
    target : {'both', 'turnout', 'share'}
        Which rate is moved.
    party : str, optional
        Beneficiary; by default the first party.

    References
    ----------
    Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Annals of Applied Statistics
    10(1), 54-73. https://doi.org/10.1214/16-AOAS904
    """

    share: float
    multiple: int = 1
    target: str = "both"
    party: str | None = None

    def __post_init__(self) -> None:
        _unit(self.share, "share")
        if isinstance(self.multiple, bool) or not isinstance(self.multiple, numbers.Integral) or not (
            1 <= self.multiple <= 50
        ):
            raise ValueError(f"`multiple` must be an integer number of percent in 1..50 (got {self.multiple!r}).")
        if self.target not in ("both", "turnout", "share"):
            raise ValueError(f"`target` must be 'both', 'turnout' or 'share' (got {self.target!r}).")

    def _apply(self, rng: np.random.Generator, c: dict, truth: dict, parties: list[str]) -> None:
        k = _party_index(self.party, parties)
        hit = rng.random(c["registered"].shape) < self.share
        step = self.multiple / 100.0
        R = c["registered"]
        votes = c["votes"]
        if self.target in ("both", "turnout"):
            t = c["ballots"] / np.maximum(R, 1)
            goal = np.minimum(np.ceil(np.round(t / step, 9)) * step, 1.0)
            new_b = np.minimum(np.round(goal * R).astype(np.int64), R)
            add = np.where(hit & (R > 0), np.maximum(new_b - c["ballots"], 0), 0)
            c["ballots"] += add
            votes[..., k] += add
            truth["stuffed"] += add
        if self.target in ("both", "share"):
            valid = votes.sum(axis=-1)
            s = votes[..., k] / np.maximum(valid, 1)
            goal = np.minimum(np.ceil(np.round(s / step, 9)) * step, 1.0)
            need = np.where(hit & (valid > 0), np.maximum(np.round(goal * valid).astype(np.int64) - votes[..., k], 0), 0)
            others = valid - votes[..., k]
            need = np.minimum(need, others)
            _take_from_others(votes, k, need)
            truth["stolen"] += need
        truth["rounded"] |= hit


@dataclasses.dataclass(frozen=True)
class DigitFabrication:
    """Last digits of counts written by a human-like process in a share of stations.

    In each affected station the last digit of every chosen count is replaced by a digit
    drawn with ``digit_weights`` (favoured and avoided digits); a drawn digit equal to the
    count's tens digit is redrawn with probability ``repeat_avoidance`` (people avoid
    repeats, Beber & Scacco 2012). The valid votes and ballots are then recomputed so the
    protocol stays consistent (registered voters are raised where the made-up counts
    exceed them).

    Parameters
    ----------
    share : float
        Share of stations whose protocols are made up.
    columns : str or sequence of str, optional
        Party column(s) to fabricate; all parties by default.
    digit_weights : sequence of 10 floats, optional
        Relative frequency of the digits 0-9 (a default human-like pattern that avoids
        0 and 5 and favours 1, 2 and 7).
    repeat_avoidance : float
        Probability of redrawing a digit that repeats the tens digit.

    References
    ----------
    Beber, B. & Scacco, A. (2012). Political Analysis 20(2), 211-234.
    https://doi.org/10.1093/pan/mps003
    """

    share: float
    columns: Sequence[str] | None = None
    digit_weights: Sequence[float] = HUMAN_DIGIT_WEIGHTS
    repeat_avoidance: float = 0.5

    def __post_init__(self) -> None:
        _unit(self.share, "share")
        _unit(self.repeat_avoidance, "repeat_avoidance")
        if isinstance(self.columns, str):
            # one column name, not a sequence of one-letter names
            object.__setattr__(self, "columns", (self.columns,))
        w = np.asarray(self.digit_weights, dtype=float)
        if w.shape != (10,) or not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
            raise ValueError("`digit_weights` must be 10 non-negative finite numbers with a positive sum.")

    def _apply(self, rng: np.random.Generator, c: dict, truth: dict, parties: list[str]) -> None:
        cols = list(range(len(parties))) if self.columns is None else [
            _party_index(p, parties) for p in self.columns
        ]
        w = np.asarray(self.digit_weights, dtype=float)
        cdf = np.cumsum(w / w.sum())
        hit = rng.random(c["registered"].shape) < self.share
        votes = c["votes"]
        for j in cols:
            v = votes[..., j]
            d = np.minimum(np.searchsorted(cdf, rng.random(v.shape), side="right"), 9)
            tens = (v // 10) % 10
            redo = (d == tens) & (v >= 10) & (rng.random(v.shape) < self.repeat_avoidance)
            d2 = np.minimum(np.searchsorted(cdf, rng.random(v.shape), side="right"), 9)
            d = np.where(redo, d2, d)
            votes[..., j] = np.where(hit, v - v % 10 + d, v)
        truth["fabricated"] |= hit
        c["ballots"] = votes.sum(axis=-1) + c["invalid"]
        c["registered"] = np.maximum(c["registered"], c["ballots"])


def _party_index(party: str | None, parties: list[str]) -> int:
    if party is None:
        return 0
    if party not in parties:
        raise KeyError(f"party {party!r} is not one of the simulated parties {parties}.")
    return parties.index(party)


def _half_normal_below_one(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """|N(0, scale)| conditioned on being below 1, by inverse CDF."""
    top = special.ndtr(1.0 / scale) - 0.5
    u = rng.random(n)
    return np.clip(scale * special.ndtri(0.5 + u * top), 0.0, 1.0 - 1e-12)


def _take_from_others(votes: np.ndarray, k: int, need: np.ndarray) -> None:
    """Move ``need`` votes to party ``k`` from the others, in proportion to their votes."""
    if votes.shape[-1] == 1:
        return  # one party: no other party to take from (``need`` is 0)
    others = np.delete(votes, k, axis=-1)
    total = others.sum(axis=-1)
    frac = np.divide(others, total[..., None], out=np.zeros(others.shape), where=total[..., None] > 0)
    take = np.floor(frac * need[..., None]).astype(np.int64)
    rest = need - take.sum(axis=-1)
    # the remainder (fewer than the number of parties) from the largest other party
    big = np.argmax(others - take, axis=-1)
    np.put_along_axis(take, big[..., None], np.take_along_axis(take, big[..., None], -1) + rest[..., None], -1)
    take = np.minimum(take, others)
    idx = [j for j in range(votes.shape[-1]) if j != k]
    votes[..., idx] -= take
    votes[..., k] += take.sum(axis=-1)


# ---------------------------------------------------------------------------- results
@dataclasses.dataclass(frozen=True, eq=False)
class SimulatedElection:
    """A simulated election and its truth.

    Attributes
    ----------
    election : Election
        The station table, as any real election.
    truth : pandas.DataFrame
        Per station (same index as ``election.data``): clean turnout and leader share,
        fraud class (``'clean'``, ``'incremental'``, ``'extreme'``), fraud magnitude,
        stuffed and stolen votes, whether the rates were rounded and whether the digits
        were made up.
    params : dict
        Every parameter of the simulation (for records and calibration tables).
    """

    election: Election
    truth: pd.DataFrame
    params: dict

    def __repr__(self) -> str:
        n = len(self.truth)
        frauds = ", ".join(type(f).__name__ for f in self.params["fraud"]) or "none"
        return f"SimulatedElection({n:,} stations, fraud: {frauds})"


@dataclasses.dataclass(frozen=True, eq=False)
class SimulatedElections:
    """Many simulated elections of the same stations, as arrays (one row per election).

    ``counts`` maps ``'registered'``, ``'ballots'``, ``'invalid'``, ``'valid'`` and each
    party to an int64 array of shape ``(n_elections, n_stations)``; ``truth`` maps the truth
    fields to arrays of the same shape. ``batch[i]`` builds election ``i`` as a
    :class:`SimulatedElection`; iterating gives every election in turn.
    """

    counts: dict
    truth: dict
    params: dict
    station_ids: np.ndarray
    region: np.ndarray | None

    def __len__(self) -> int:
        return int(self.counts["registered"].shape[0])

    def __getitem__(self, i: int) -> SimulatedElection:
        n = len(self)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral) or not -n <= i < n:
            raise IndexError(f"election index {i!r} out of range for {n} elections.")
        one = {k: v[i] for k, v in self.counts.items()}
        tr = {k: v[i] for k, v in self.truth.items()}
        return _build(one, tr, self.params, self.station_ids, self.region)

    def __iter__(self) -> Iterator[SimulatedElection]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        m, n = self.counts["registered"].shape
        return f"SimulatedElections({m:,} elections of {n:,} stations)"


# ---------------------------------------------------------------------------- the simulator
def _rates(rng: np.random.Generator, mean: np.ndarray, sd: float, spread: str, name: str) -> np.ndarray:
    """Station-level rates with the given mean (array) and between-station sd."""
    mean = np.clip(mean, 1e-6, 1 - 1e-6)
    if sd == 0:
        return mean.copy()
    if spread == "beta":
        conc = mean * (1 - mean) / sd**2 - 1
        if np.any(conc <= 0):
            raise ValueError(
                f"`{name}_sd`={sd} is too large for a beta spread around a mean of "
                f"{float(mean.min()):.3f}-{float(mean.max()):.3f} (needs sd**2 < mean (1 - mean)); "
                "lower it or use spread='logitnormal'."
            )
        return rng.beta(mean * conc, (1 - mean) * conc)
    if spread == "logitnormal":
        # the logit-scale sd that gives about this sd on the rate scale (delta method)
        z = special.logit(mean) + rng.standard_normal(mean.shape) * (sd / (mean * (1 - mean)))
        return special.expit(z)
    # truncated normal on [0, 1] by inverse CDF (Klimek's clean model)
    lo = special.ndtr((0 - mean) / sd)
    hi = special.ndtr((1 - mean) / sd)
    u = lo + rng.random(mean.shape) * (hi - lo)
    return np.clip(mean + sd * special.ndtri(np.clip(u, 1e-16, 1 - 1e-16)), 0.0, 1.0)


def _split_others(rng: np.random.Generator, rest: np.ndarray, props: np.ndarray, concentration: float) -> np.ndarray:
    """Split counts ``rest`` among parties with mean proportions ``props`` (Dirichlet-multinomial)."""
    k = len(props)
    out = np.zeros(rest.shape + (k,), dtype=np.int64)
    if k == 0:
        return out
    if k == 1:
        out[..., 0] = rest
        return out
    g = rng.gamma(np.broadcast_to(props * concentration, rest.shape + (k,)))
    p = g / np.maximum(g.sum(axis=-1, keepdims=True), 1e-300)
    left = rest.copy()
    pleft = np.ones(rest.shape)
    for j in range(k - 1):
        q = np.clip(np.divide(p[..., j], pleft, out=np.zeros(rest.shape), where=pleft > 1e-12), 0, 1)
        out[..., j] = rng.binomial(left, q)
        left -= out[..., j]
        pleft -= p[..., j]
    out[..., k - 1] = left
    return out


def simulate_election(
    n_stations: int | None = None,
    *,
    registered: Any = 1000,
    turnout: float = 0.6,
    turnout_sd: float = 0.08,
    support: float | Sequence[float] = 0.5,
    support_sd: float = 0.08,
    parties: int | Sequence[str] = 3,
    regions: int | Sequence[Any] | None = None,
    region_sd: float = 0.0,
    spread: str = "beta",
    size_sd: float = 0.5,
    invalid: float = 0.02,
    concentration: float = 50.0,
    fraud: Any = None,
    n_elections: int | None = None,
    rng: Any = None,
    name: str = "simulated election",
) -> SimulatedElection | SimulatedElections:
    """Simulate polling-station results, clean or with known fraud.

    Clean model, per station ``j`` of ``R_j`` registered voters: a turnout rate ``a_j`` and
    a leader share ``v_j`` drawn around their (regional) means with between-station spread
    ``turnout_sd`` and ``support_sd``; voters ``~ Binomial(R_j, a_j)``, invalid ballots
    ``~ Binomial(voters, invalid)``, leader votes ``~ Binomial(valid, v_j)`` and the other
    parties' votes split by a Dirichlet-multinomial around their mean shares. Then every
    fraud mechanism in ``fraud`` is applied, in order. Ballots issued and found are equal.

    Parameters
    ----------
    n_stations : int, optional
        Number of stations (not needed when ``registered`` is an array or an Election).
    registered : int, array of int or Election
        Median station size (sizes log-normal with log-sd ``size_sd``, at least 10), the
        sizes themselves, or a real :class:`~electionstats.Election` whose stations
        (registered voters, ids and first region level) are reused.
    turnout, turnout_sd : float
        Mean clean turnout and its standard deviation between stations.
    support : float or sequence of float
        The leader's mean share of valid votes, or every party's mean share (summing to 1;
        the first is the leader). With a float the rest is split equally.
    support_sd : float
        Standard deviation of the leader's share between stations.
    parties : int or sequence of str
        Number of parties (named ``'Leader'``, ``'Party 2'``, ...) or their names.
    regions : int or sequence, optional
        Number of regions (consecutive blocks of stations of nearly equal size), or one
        region label per station.
    region_sd : float
        Standard deviation of regional effects on the logit scale of turnout and support.
    spread : {'beta', 'logitnormal', 'normal'}
        Distribution of the station rates (``'normal'`` is Klimek's truncated normal).
    size_sd : float
        Log-sd of the station sizes when they are drawn.
    invalid : float
        Mean share of invalid ballots.
    concentration : float
        Dirichlet concentration of the other parties' split (larger is more even).
    fraud : fraud object or list of them, optional
        :class:`KlimekFraud`, :class:`RoundingFraud`, :class:`DigitFabrication`, applied in
        the given order.
    n_elections : int, optional
        Draw this many elections of the same stations at once and return a
        :class:`SimulatedElections` batch (arrays; ``batch[i]`` builds one election).
    rng : None, int or numpy.random.Generator
        Source of randomness; the same seed gives the same election.
    name : str
        Name of the election.

    Returns
    -------
    SimulatedElection or SimulatedElections
        ``.election`` (an :class:`~electionstats.Election`) and ``.truth`` (per station).

    Notes
    -----
    The clean model is deliberately richer than the one the fraud fit assumes (beta or
    logit-normal rates, regional effects, binomial noise at small stations), so it can be
    used to check the fit's robustness. The fraud mechanisms follow Klimek et al. (2012),
    Kobak et al. (2016) and, for digits, the human-behaviour argument of Beber & Scacco
    (2012); their magnitudes are inputs, not estimates of any real election.

    References
    ----------
    Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). PNAS 109(41), 16469-16473.
    https://doi.org/10.1073/pnas.1210722109

    Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Annals of Applied Statistics
    10(1), 54-73. https://doi.org/10.1214/16-AOAS904

    Beber, B. & Scacco, A. (2012). Political Analysis 20(2), 211-234.
    https://doi.org/10.1093/pan/mps003

    Examples
    --------
    >>> import electionstats as es
    >>> sim = es.simulate_election(2000, turnout=0.6, support=0.5, rng=1)
    >>> sim.election.n_stations
    2000
    >>> round(float(sim.election.turnout("ballots_found").mean()), 2)
    0.6
    >>> sim = es.simulate_election(2000, fraud=es.KlimekFraud(f_i=0.2, f_e=0.05), rng=1)
    >>> sim.truth["fraud_class"].value_counts().sort_index().to_dict()
    {'clean': 1526, 'incremental': 375, 'extreme': 99}
    >>> batch = es.simulate_election(500, n_elections=20, rng=2)
    >>> batch.counts["registered"].shape
    (20, 500)
    """
    gen = _rng(rng)
    p = _check_params(
        n_stations, registered, turnout, turnout_sd, support, support_sd, parties, regions,
        region_sd, spread, size_sd, invalid, concentration, fraud, n_elections,
    )
    m = 1 if n_elections is None else p["n_elections"]
    n = p["n_stations"]
    shape = (m, n)
    if p["registered"] is None:
        sizes = np.maximum(np.round(p["median_size"] * np.exp(size_sd * gen.standard_normal(shape))), 10)
        if not sizes.max() <= EXACT_INTEGER_LIMIT:
            raise ValueError(
                f"`registered`={registered!r} with `size_sd`={size_sd!r} draws station sizes of up "
                f"to {float(sizes.max()):.3g} voters, above 2**53 (counts beyond it are not exact); "
                "lower the median size or its log-sd."
            )
        R = sizes.astype(np.int64)
    else:
        R = np.broadcast_to(p["registered"], shape).copy()
    region_codes = p["region_codes"]
    tau_logit = np.full(shape, special.logit(p["turnout"]))
    nu_logit = np.full(shape, special.logit(p["shares"][0]))
    if region_codes is not None and region_sd > 0:
        k = int(region_codes.max()) + 1
        tau_logit += (region_sd * gen.standard_normal((m, k)))[:, region_codes]
        nu_logit += (region_sd * gen.standard_normal((m, k)))[:, region_codes]
    a = _rates(gen, special.expit(tau_logit), p["turnout_sd"], spread, "turnout")
    if len(p["parties"]) > 1:
        v = _rates(gen, special.expit(nu_logit), p["support_sd"], spread, "support")
    else:
        v = np.ones(shape)  # one party: its share is 1 at every station
    voters = gen.binomial(R, a)
    inv = gen.binomial(voters, p["invalid"])
    valid = voters - inv
    n_par = len(p["parties"])
    votes = np.zeros(shape + (n_par,), dtype=np.int64)
    # one party takes every valid vote (a binomial at the clipped rate 1 - 1e-6 lost some)
    votes[..., 0] = gen.binomial(valid, v) if n_par > 1 else valid
    rest_props = np.asarray(p["shares"][1:], dtype=float)
    if n_par > 1:
        rest_props = rest_props / rest_props.sum()
        votes[..., 1:] = _split_others(gen, valid - votes[..., 0], rest_props, concentration)
    c = {"registered": R, "ballots": voters.copy(), "invalid": inv, "votes": votes}
    truth = {
        "turnout_clean": a,
        "support_clean": v,
        "fraud_class": np.zeros(shape, dtype=np.int8),
        "fraud_size": np.zeros(shape),
        "stuffed": np.zeros(shape, dtype=np.int64),
        "stolen": np.zeros(shape, dtype=np.int64),
        "rounded": np.zeros(shape, dtype=bool),
        "fabricated": np.zeros(shape, dtype=bool),
    }
    for f in p["fraud"]:
        f._apply(gen, c, truth, list(p["parties"]))
    counts = {
        "registered": c["registered"],
        "ballots": c["ballots"],
        "invalid": c["invalid"],
        "valid": c["ballots"] - c["invalid"],
    }
    for j, party in enumerate(p["parties"]):
        counts[party] = c["votes"][..., j]
    params = {k: v for k, v in p.items() if k not in ("registered", "region_codes")}
    params["name"] = name
    region_labels = p["region_labels"]
    region = None if region_codes is None else np.asarray(region_labels, dtype=object)[region_codes]
    if n_elections is None:
        return _build({k: v[0] for k, v in counts.items()}, {k: v[0] for k, v in truth.items()},
                      params, p["station_ids"], region)
    return SimulatedElections(counts, truth, params, p["station_ids"], region)


def _build(counts: dict, truth: dict, params: dict, station_ids: np.ndarray, region: np.ndarray | None) -> SimulatedElection:
    parties = list(params["parties"])
    columns: dict[str, Any] = {"station_id": station_ids}
    if region is not None:
        columns["region"] = region
    for key in ("registered", "ballots", "valid", "invalid", *parties):
        columns[key] = counts[key]
    # one frame from all columns at once (column by column, many parties made pandas warn)
    df = pd.DataFrame(columns)
    e = Election.from_frame(
        df, station_id="station_id", registered="registered", ballots_issued="ballots",
        ballots_found="ballots", valid="valid", invalid="invalid", parties=parties,
        region="region" if region is not None else None, consistency="raise",
        name=params["name"], source="simulated by electionstats.simulate_election",
        leader=parties[0],
    )
    tr = pd.DataFrame(truth, index=e.data.index)
    tr["fraud_class"] = pd.Categorical.from_codes(tr["fraud_class"].to_numpy(), CLASSES)
    return SimulatedElection(e, tr, params)


def _check_params(n_stations, registered, turnout, turnout_sd, support, support_sd, parties, regions,
                  region_sd, spread, size_sd, invalid, concentration, fraud, n_elections) -> dict:
    p: dict[str, Any] = {}
    if spread not in SPREADS:
        raise ValueError(f"`spread` must be one of {SPREADS} (got {spread!r}).")
    station_ids = None
    region_codes = None
    region_labels = None
    if isinstance(registered, Election):
        if "registered" not in registered.roles:
            raise ValueError("`registered`: the Election has no registered-voters column to reuse.")
        R = registered.data["registered"].to_numpy(np.int64)
        station_ids = registered.data.index.to_numpy()
        if registered.regions and regions is None:
            # stations with no region label form a region of their own (the -1 code of a
            # missing label once indexed the last region)
            codes, labels = pd.factorize(registered.data[registered.regions[0]].astype(str), sort=True,
                                         use_na_sentinel=False)
            region_codes, region_labels = codes, list(labels)
        p["registered"], p["median_size"] = R, float(np.median(R))
    elif isinstance(registered, numbers.Real) and not isinstance(registered, (bool, np.bool_)):
        if not registered >= 10 or not np.isfinite(registered):
            raise ValueError(f"`registered` as a median station size must be at least 10 (got {registered!r}).")
        if registered > EXACT_INTEGER_LIMIT:
            raise ValueError(f"`registered` as a median station size must be at most 2**53 (got {registered!r}).")
        p["registered"], p["median_size"] = None, float(registered)
    else:
        R = np.asarray(registered)
        if R.ndim != 1 or R.dtype.kind not in "iu" or (R < 0).any():
            raise ValueError(
                "`registered` must be a median size, a 1-D array of non-negative integer station "
                "sizes, or an Election."
            )
        if R.size and R.max() > EXACT_INTEGER_LIMIT:
            raise ValueError(
                f"`registered` has station sizes above 2**53 (e.g. {int(R.max()):,}) at positions "
                f"{np.flatnonzero(R > EXACT_INTEGER_LIMIT)[:5].tolist()}; no station has that many "
                "voters and counts beyond 2**53 are not exact."
            )
        p["registered"], p["median_size"] = R.astype(np.int64), float(np.median(R))
    if p["registered"] is not None:
        if n_stations is not None and n_stations != len(p["registered"]):
            raise ValueError(
                f"`n_stations`={n_stations} disagrees with the {len(p['registered']):,} station sizes given; "
                "leave n_stations out."
            )
        n_stations = len(p["registered"])
    if isinstance(n_stations, bool) or not isinstance(n_stations, numbers.Integral) or n_stations < 1:
        raise ValueError(f"`n_stations` must be a positive integer (got {n_stations!r}).")
    if n_stations > MAX_STATIONS:
        raise ValueError(
            f"`n_stations`={n_stations:,} is above the limit of {MAX_STATIONS:,} stations per "
            "election: every station holds about a dozen 8-byte columns, so it would need "
            f"about {n_stations * 100 / 2**30:,.0f} GiB. Simulate fewer stations (real elections "
            "have at most a few hundred thousand)."
        )
    p["n_stations"] = int(n_stations)
    if n_elections is not None and isinstance(n_elections, numbers.Integral) and (
        int(n_elections) * int(n_stations) > MAX_STATIONS
    ):
        raise ValueError(
            f"`n_elections` x `n_stations` = {int(n_elections) * int(n_stations):,} station "
            f"results is above the limit of {MAX_STATIONS:,} per batch (about "
            f"{int(n_elections) * int(n_stations) * 100 / 2**30:,.0f} GiB); draw the elections in "
            "smaller batches (a loop over seeds spawned from one SeedSequence)."
        )
    if station_ids is None:
        station_ids = np.arange(1, p["n_stations"] + 1)
    p["station_ids"] = station_ids
    if n_elections is not None and (
        isinstance(n_elections, bool) or not isinstance(n_elections, numbers.Integral) or n_elections < 1
    ):
        raise ValueError(f"`n_elections` must be a positive integer (got {n_elections!r}).")
    p["n_elections"] = None if n_elections is None else int(n_elections)
    p["turnout"] = _unit(turnout, "turnout", closed_low=False, closed_high=False)
    p["turnout_sd"] = _unit(turnout_sd, "turnout_sd", high=0.5)
    p["support_sd"] = _unit(support_sd, "support_sd", high=0.5)
    p["invalid"] = _unit(invalid, "invalid", high=1.0, closed_high=False)
    _unit(region_sd, "region_sd", high=np.inf)
    _unit(size_sd, "size_sd", high=np.inf)
    _unit(concentration, "concentration", high=np.inf, closed_low=False)
    if isinstance(parties, numbers.Integral) and not isinstance(parties, bool):
        if parties < 1:
            raise ValueError(f"`parties` must be at least 1 (got {parties}).")
        names = ["Leader"] + [f"Party {i}" for i in range(2, int(parties) + 1)]
    elif isinstance(parties, Sequence) and not isinstance(parties, str) and len(parties) >= 1:
        names = [str(x) for x in parties]
        if len(set(names)) != len(names):
            raise ValueError(f"`parties` names must be distinct (got {names}).")
        # the batch's count arrays and the table use these keys (a party 'ballots' replaced
        # the ballots and ended in a consistency error about valid + invalid ballots)
        taken = [n.strip() for n in names
                 if n.strip() in (*COUNT_ROLES, "ballots", "n_stations", "region")]
        if taken:
            raise ValueError(
                f"`parties`: {taken} name columns of the simulated table ({list(COUNT_ROLES)}, "
                "'ballots', 'region', and the totals field 'n_stations'); choose other party names."
            )
    else:
        raise ValueError(f"`parties` must be a number of parties or a list of names (got {parties!r}).")
    if isinstance(support, numbers.Real) and not isinstance(support, (bool, np.bool_)):
        s0 = _unit(support, "support", closed_low=False, closed_high=len(names) == 1)
        if len(names) == 1 and s0 != 1.0:
            raise ValueError("with one party `support` must be 1.")
        shares = [s0] + [(1 - s0) / (len(names) - 1)] * (len(names) - 1) if len(names) > 1 else [1.0]
    else:
        if (not isinstance(support, (Sequence, np.ndarray)) or isinstance(support, (str, bytes))
                or any(isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real)
                       for x in support)):
            raise TypeError(
                "`support` must be a number or a sequence of numbers (one mean share per party) "
                f"(got {support!r})."
            )
        shares = [float(x) for x in support]
        if (len(shares) != len(names) or not all(np.isfinite(shares)) or min(shares) <= 0
                or abs(sum(shares) - 1) > 1e-9):
            raise ValueError(
                f"`support` as a sequence needs one positive mean share per party ({len(names)}) "
                f"summing to 1 (got {support!r})."
            )
    p["parties"] = tuple(names)
    p["shares"] = tuple(shares)
    if regions is not None:
        if isinstance(regions, numbers.Integral) and not isinstance(regions, bool):
            if regions < 1:
                raise ValueError(f"`regions` must be at least 1 (got {regions}).")
            if regions > p["n_stations"]:
                raise ValueError(
                    f"`regions`={regions} is more than the {p['n_stations']:,} stations; every "
                    "region needs at least one station."
                )
            # stations assigned to regions in blocks of nearly equal size (deterministic)
            region_codes = (np.arange(p["n_stations"]) * int(regions)) // p["n_stations"]
            region_labels = [f"Region {i + 1}" for i in range(int(regions))]
        else:
            lab = np.asarray(regions, dtype=object)
            if lab.shape != (p["n_stations"],):
                raise ValueError(f"`regions` as labels needs one label per station ({p['n_stations']:,}).")
            missing = np.flatnonzero(pd.isna(lab))
            if missing.size:
                raise ValueError(
                    f"`regions` has missing (NaN or None) labels at positions {missing[:5].tolist()}"
                    f"{' ...' if missing.size > 5 else ''}; give every station a region."
                )
            codes, labels = pd.factorize(pd.Series(lab).astype(str), sort=True)
            region_codes, region_labels = codes, list(labels)
    p["region_codes"] = region_codes
    p["region_labels"] = region_labels
    p["region_sd"] = float(region_sd)
    p["spread"] = spread
    frauds = [] if fraud is None else (list(fraud) if isinstance(fraud, (list, tuple)) else [fraud])
    for f in frauds:
        if not isinstance(f, (KlimekFraud, RoundingFraud, DigitFabrication)):
            raise TypeError(
                f"`fraud` items must be KlimekFraud, RoundingFraud or DigitFabrication objects (got {f!r})."
            )
    p["fraud"] = tuple(frauds)
    return p
