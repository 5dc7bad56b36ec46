"""Scenarios: what each source's figures imply for the seats, with ranges where claims are ranges.

A :class:`Scenario` is a set of party votes (or bounds on party shares), the number of
voters who took part and of spoiled ballots, with its source. A point scenario (official
results) allocates to one outcome; a range scenario ("every party above 7 %", "Nur Otan
below half") is sampled: :func:`scenario_seats` draws vote distributions consistent with
every constraint (seeded) and reports the range of seat outcomes, so a reader sees which
conclusions the claims force and which they leave open. :func:`kazakhstan_2021_scenarios`
builds the three scenarios of the KazTAG article of 14 January 2021 from the bundled facts
and claims; :func:`consistency_checks` checks the claims against each other and the CEC.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import claims as _claims
from . import facts as _facts
from ._citations import cite as _cite
from ._montecarlo import as_generator, check_n_resamples
from .allocation import (
    AllocationResult,
    Rules,
    allocate,
    allocate_rows,
    as_fraction,
    base_totals,
    get_rules,
    tie_rank_of,
)
from .sensitivity import _pass_rows

__all__ = [
    "Scenario",
    "ScenarioSeats",
    "consistency_checks",
    "kazakhstan_2021_scenarios",
    "scenario_seats",
]

_ELECTION = "kazakhstan-2021-majilis"


@dataclasses.dataclass(frozen=True)
class Scenario:
    """Party votes (or bounds on party shares), turnout and spoiled ballots, with a source.

    Parameters
    ----------
    name : str
        Short label (``"CEC final"``).
    source : str
        Who says so, where and when.
    parties : tuple of str
        Party names, in a fixed order.
    votes : tuple of int, optional
        Votes per party (a point scenario). Either ``votes`` or ``share_bounds``.
    share_bounds : tuple of (low, high) pairs, optional
        For a range scenario: each party's share lies strictly between ``low`` and ``high``
        (Fractions of ``share_base``); ``low == high`` fixes a share.
    participants : int, optional
        Voters who took part (ballots received).
    invalid : int, optional
        Spoiled ballots (so the valid votes are ``participants - invalid``).
    registered : int, optional
        Registered voters.
    share_base : {'valid', 'participants'}
        What ``share_bounds`` are shares of.
    notes : str
        Assumptions made to turn the claims into numbers.
    """

    name: str
    source: str
    parties: tuple[str, ...]
    votes: tuple[int, ...] | None = None
    share_bounds: tuple[tuple[Fraction, Fraction], ...] | None = None
    participants: int | None = None
    invalid: int | None = None
    registered: int | None = None
    share_base: str = "valid"
    notes: str = ""

    def __post_init__(self) -> None:
        if (self.votes is None) == (self.share_bounds is None):
            raise ValueError(f"scenario {self.name!r}: give exactly one of `votes` and `share_bounds`.")
        n = len(self.parties)
        if self.votes is not None and len(self.votes) != n:
            raise ValueError(f"scenario {self.name!r}: {len(self.votes)} vote counts for {n} parties.")
        if self.share_bounds is not None:
            if len(self.share_bounds) != n:
                raise ValueError(f"scenario {self.name!r}: {len(self.share_bounds)} bounds for {n} parties.")
            if self.participants is None or self.invalid is None:
                raise ValueError(f"scenario {self.name!r}: a range scenario needs `participants` and `invalid`.")
        if self.share_base not in ("valid", "participants"):
            raise ValueError(f"`share_base` must be 'valid' or 'participants' (got {self.share_base!r}).")

    @property
    def is_range(self) -> bool:
        """True when the scenario is a set of constraints, not one vote count per party."""
        return self.share_bounds is not None

    @property
    def valid(self) -> int:
        """Valid votes for parties."""
        if self.votes is not None:
            return int(sum(self.votes))
        return int(self.participants - self.invalid)

    def _exact_valid_bounds(self) -> tuple[list[Fraction], list[Fraction]]:
        """Share bounds as exact shares of the valid votes (capped at 1)."""
        scale = Fraction(self.participants, self.valid) if self.share_base == "participants" else Fraction(1)
        lo = [b[0] * scale for b in self.share_bounds]
        hi = [min(b[1] * scale, Fraction(1)) for b in self.share_bounds]
        return lo, hi

    def feasible(self) -> bool:
        """Whether some vote distribution satisfies every bound (strict bounds, exactly)."""
        if not self.is_range:
            return True
        lo, hi = self._exact_valid_bounds()
        if any(a > b for a, b in zip(lo, hi)):
            return False
        if all(a == b for a, b in zip(lo, hi)):
            return sum(lo) == 1
        return sum(lo) < 1 < sum(hi)

    def sample_votes(self, n_draws: int, *, rng: Any = None, max_batches: int = 200) -> np.ndarray:
        """Vote vectors (n_draws, n_parties) consistent with the bounds, drawn uniformly.

        Parties with a fixed share (``low == high``) or a stated figure keep it; the others
        share the rest uniformly (a flat Dirichlet distribution) subject to their bounds,
        by rejection. Votes are whole numbers summing to :attr:`valid` (largest-remainder
        rounding); every draw is checked against the strict bounds exactly in integers.
        A point scenario returns its votes ``n_draws`` times.
        """
        n_draws = check_n_resamples(n_draws, "n_draws")
        gen = as_generator(rng)
        n = len(self.parties)
        if not self.is_range:
            return np.repeat(np.array(self.votes, dtype=np.int64)[None, :], n_draws, axis=0)
        if not self.feasible():
            raise ValueError(f"scenario {self.name!r}: no vote distribution satisfies all the bounds.")
        lo_f, hi_f = self._exact_valid_bounds()
        lo = np.array([float(x) for x in lo_f])
        hi = np.array([float(x) for x in hi_f])
        narrow = (hi - lo) < 0.05
        free = ~narrow
        valid = self.valid
        out: list[np.ndarray] = []
        have = 0
        batch = max(1024, n_draws)
        for _ in range(max_batches):
            x = np.empty((batch, n))
            x[:, narrow] = gen.uniform(lo[narrow], hi[narrow], size=(batch, int(narrow.sum())))
            rest = 1.0 - x[:, narrow].sum(axis=1) - lo[free].sum()
            y = gen.dirichlet(np.ones(int(free.sum())), size=batch)
            x[:, free] = lo[free] + rest[:, None] * y
            ok = (rest > 0) & (x < hi).all(axis=1)
            votes = _round_to_total(x[ok], valid)
            votes = votes[self._satisfies(votes)]
            out.append(votes)
            have += len(votes)
            if have >= n_draws:
                return np.concatenate(out)[:n_draws]
        raise RuntimeError(
            f"scenario {self.name!r}: only {have} of {n_draws} draws satisfied the bounds after "
            f"{max_batches} batches; the constraints are nearly infeasible."
        )

    def _satisfies(self, votes: np.ndarray) -> np.ndarray:
        """Exact check of the strict bounds (fixed shares: within one vote)."""
        base = self.valid if self.share_base == "valid" else self.participants
        ok = np.ones(len(votes), dtype=bool)
        for j, (low, high) in enumerate(self.share_bounds):
            col = votes[:, j].astype(object)
            if low == high:
                ok &= np.abs(col * low.denominator - low.numerator * base) <= low.denominator
                continue
            ok &= col * low.denominator > low.numerator * base
            if high < 1:
                ok &= col * high.denominator < high.numerator * base
        return ok.astype(bool)

    def allocate(self, rules: str | Rules = "kazakhstan-2021", **kwargs: Any) -> AllocationResult:
        """Allocate the seats of a point scenario under ``rules`` (extra options as in :func:`~electionstats.allocation.allocate`)."""
        if self.is_range:
            raise ValueError(f"scenario {self.name!r} is a range; use scenario_seats() to sample it.")
        kwargs.setdefault("participants", self.participants)
        kwargs.setdefault("registered", self.registered)
        return allocate(dict(zip(self.parties, self.votes)), rules=rules, **kwargs)


def _round_to_total(x: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder rounding of share rows to whole votes summing to ``total``."""
    raw = x / x.sum(axis=1, keepdims=True) * total
    fl = np.floor(raw).astype(np.int64)
    left = total - fl.sum(axis=1)
    order = np.argsort(-(raw - fl), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(x.shape[1])[None, :].repeat(len(x), axis=0), axis=1)
    return fl + (rank < left[:, None])


# ---------------------------------------------------------------------------------------
# Seats under scenarios
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScenarioSeats:
    """Seat outcomes of several scenarios: ranges for range scenarios, forced conclusions.

    ``table``: one row per (scenario, party) with ``seats_min``, ``seats_max``,
    ``seats_median``, ``pass_rate`` (share of draws in which the party passes) and
    ``votes`` (point scenarios). ``conclusions``: one row per (scenario, statement) with
    ``verdict`` in {'forced', 'possible', 'impossible'} and the share of draws where it
    holds. Shares of draws describe the sampling, which spreads the draws uniformly over
    what the claims allow; they are not probabilities of what happened.
    """

    table: pd.DataFrame
    conclusions: pd.DataFrame
    seats: Mapping[str, np.ndarray]
    n_draws: int
    rules: str
    parties: tuple[str, ...]

    method: ClassVar[str] = "Seats under scenarios"
    citations: ClassVar[tuple[str, ...]] = ("balinski2001", "pukelsheim2017", "kz_election_law")

    def wide(self) -> pd.DataFrame:
        """One row per scenario, one column per party: seats, or "min-max" for ranges."""
        t = self.table
        text = np.where(
            t["seats_min"] == t["seats_max"],
            t["seats_min"].astype(str),
            t["seats_min"].astype(str) + "-" + t["seats_max"].astype(str),
        )
        df = t.assign(seats=text).pivot(index="scenario", columns="party", values="seats")
        order = list(dict.fromkeys(t["scenario"]))
        return df.loc[order, list(self.parties)]

    def to_frame(self) -> pd.DataFrame:
        """The tidy table."""
        return self.table

    def summary(self) -> str:
        """Plain-text summary: the seat table and the conclusions."""
        return "\n".join(
            [f"Seats under each scenario (rules {self.rules}; {self.n_draws:,} draws per range scenario)",
             self.wide().to_string(), "", self.conclusions.to_string(index=False),
             "", "Shares of draws describe a uniform spread over what the claims allow, not probabilities."]
        )

    def _repr_html_(self) -> str:
        return (f"<div><b>{html.escape(self.method)}</b> (rules {html.escape(self.rules)})"
                f"{self.wide().to_html()}{self.conclusions.to_html(index=False)}</div>")

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX of the allocation methods and the law (and of electionstats)."""
        return _cite(self.citations, format=format)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Seat ranges per party and scenario (see :func:`~electionstats.plotting.plot_scenarios`)."""
        from ._plot_seats import plot_scenarios

        return plot_scenarios(self, ax=ax, **kwargs)


def scenario_seats(
    scenarios: Sequence[Scenario] | Mapping[str, Scenario],
    *,
    rules: str | Rules = "kazakhstan-2021",
    n_draws: int = 10_000,
    rng: Any = None,
    majority: int | None = None,
    reference: str | None = None,
    tie_order: Sequence[str] | None = None,
) -> ScenarioSeats:
    """Allocate seats under each scenario; sample range scenarios and report seat ranges.

    For a point scenario the seats are those of :func:`~electionstats.allocation.allocate`.
    For a range scenario ``n_draws`` vote distributions are drawn uniformly among those
    that satisfy every constraint (:meth:`Scenario.sample_votes`), each is allocated, and
    the table reports the smallest and largest seat counts seen. A conclusion that holds
    in every draw is reported as *forced* by the claims, one that holds in some draws as
    *possible*, one that holds in none as *impossible* (within the draws: extreme corners
    of the constraint set may be missed, so "impossible" means "not found").

    Parameters
    ----------
    scenarios : sequence or mapping of Scenario
        All with the same parties.
    rules : str or Rules
        Allocation rules (default ``'kazakhstan-2021'``: 98 seats, 7 % of participants).
    n_draws : int
        Draws per range scenario (default 10,000).
    rng : None, int or Generator
        Seed for the draws.
    majority : int, optional
        Seats for a majority (default: more than half of the seats).
    reference : str, optional
        Name of the scenario whose seats the others are compared with (default: the first
        point scenario).
    tie_order : sequence of str, optional
        Registration order, to break exact ties (otherwise ties are counted, not broken).

    Returns
    -------
    ScenarioSeats

    See Also
    --------
    kazakhstan_2021_scenarios, consistency_checks

    Notes
    -----
    The draws are uniform on the set allowed by the constraints (a flat Dirichlet on the
    free parties' shares, truncated), a "know nothing more" choice. Seat *ranges* do not
    depend on that choice (only on which distributions are allowed), up to the corners the
    draws may miss; the shares of draws do.

    References
    ----------
    .. [1] Pukelsheim, F. (2017). Proportional Representation, 2nd ed. Springer.
       :doi:`10.1007/978-3-319-64707-4`

    Examples
    --------
    >>> sc = kazakhstan_2021_scenarios()
    >>> res = scenario_seats(sc, n_draws=500, rng=1)
    >>> res.wide().loc["CEC final"].tolist()
    ['76', '12', '10', '0', '0']
    """
    items = list(scenarios.values()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not items:
        raise ValueError("`scenarios` is empty.")
    parties = items[0].parties
    for sc in items:
        if not isinstance(sc, Scenario):
            raise TypeError(f"`scenarios` must hold Scenario objects (got {type(sc).__name__}).")
        if sc.parties != parties:
            raise ValueError(f"scenario {sc.name!r} has parties {sc.parties}, expected {parties}.")
    r = get_rules(rules)
    n_draws = check_n_resamples(n_draws, "n_draws")
    gen = as_generator(rng)
    majority = r.seats // 2 + 1 if majority is None else int(majority)
    rank = tie_rank_of(tie_order, parties)
    seats_by: dict[str, np.ndarray] = {}
    pass_by: dict[str, np.ndarray] = {}
    tie_by: dict[str, np.ndarray] = {}
    rows = []
    for sc in items:
        v = sc.sample_votes(n_draws if sc.is_range else 1, rng=gen)
        base_total = _base_total(sc, r)
        passed = _pass_rows(v, r.threshold, base_total, r.at_threshold == "pass")
        s, _, tie = allocate_rows(v, passed, r, ties="order" if rank is not None else "report", tie_rank=rank)
        seats_by[sc.name], pass_by[sc.name], tie_by[sc.name] = s, passed, tie
        for j, p in enumerate(parties):
            rows.append(
                {
                    "scenario": sc.name,
                    "party": p,
                    "kind": "range" if sc.is_range else "point",
                    "votes": int(v[0, j]) if not sc.is_range else None,
                    "seats_min": int(s[:, j].min()),
                    "seats_max": int(s[:, j].max()),
                    "seats_median": float(np.median(s[:, j])),
                    "pass_rate": float(passed[:, j].mean()),
                    "n_draws": len(v),
                    "n_ties": int(tie.sum()),
                    "source": sc.source,
                }
            )
    table = pd.DataFrame(rows)
    ref_name = reference or next((sc.name for sc in items if not sc.is_range), items[0].name)
    if ref_name not in seats_by:
        raise ValueError(f"`reference` {ref_name!r} is not one of the scenarios.")
    conclusions = _conclusions(items, parties, seats_by, pass_by, seats_by[ref_name][0], ref_name, majority)
    return ScenarioSeats(
        table=table, conclusions=conclusions, seats=seats_by, n_draws=n_draws, rules=r.name, parties=parties
    )


def _base_total(sc: Scenario, r: Rules) -> int:
    totals = base_totals(
        np.array([sc.valid]), invalid=None if sc.participants is None else sc.participants - sc.valid,
        registered=sc.registered,
    )
    value = totals[r.threshold_base]
    if value is None:
        raise ValueError(f"scenario {sc.name!r} lacks the count for the threshold base {r.threshold_base!r}.")
    return value


def _conclusions(
    items: list[Scenario], parties: tuple, seats: Mapping[str, np.ndarray], passed: Mapping[str, np.ndarray],
    ref: np.ndarray, ref_name: str, majority: int,
) -> pd.DataFrame:
    rows = []
    leader = 0
    for sc in items:
        s, p = seats[sc.name], passed[sc.name]
        statements = {
            f"all {len(parties)} parties pass the threshold": p.all(axis=1),
            f"{parties[leader]} wins a majority ({majority}+ seats)": s[:, leader] >= majority,
            f"the seats equal the {ref_name} seats": (s == ref).all(axis=1),
        }
        for j, name in enumerate(parties):
            statements[f"{name} passes"] = p[:, j]
        for text, holds in statements.items():
            share = float(holds.mean())
            verdict = "forced" if share == 1 else ("impossible" if share == 0 else "possible")
            rows.append({"scenario": sc.name, "statement": text, "verdict": verdict, "share_of_draws": share})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# The article's three scenarios
# ---------------------------------------------------------------------------------------

_ARTICLE = "KazTAG, 14 January 2021 (source article)"


def kazakhstan_2021_scenarios(*, observers_base: str = "valid") -> dict[str, Scenario]:
    """The three scenarios of the KazTAG article (14 January 2021) on the 2021 Majilis election.

    1. ``"CEC final"``: the CEC's final votes (bundled facts, :mod:`electionstats.facts`),
       7,539,280 voters who took part, 11,919,241 registered.
    2. ``"Article"``: the shares the article attributes to the CEC (Nur Otan 76.49 %,
       People's Party 10.94 %, Ak Zhol 9.2 %), each anywhere in its rounding interval;
       Auyl and Adal split the remaining 3.37 % in unknown proportions. Assumed: the same
       party votes and participants as the CEC's final figures.
    3. ``"Observers"``: turnout 15 % of the registered voters, 12 % of the ballots spoiled
       ("independent observers"), every party above 7 % and Nur Otan below 50 % (League of
       Young Voters). Whether the percentages are of valid votes or of all participants is
       not stated: ``observers_base`` chooses.

    Parameters
    ----------
    observers_base : {'valid', 'participants'}
        Base of the observers' party percentages.

    Returns
    -------
    dict of str to Scenario

    See Also
    --------
    scenario_seats, consistency_checks

    Notes
    -----
    Figures are read from the bundled facts and claims (:func:`electionstats.claims.load`),
    so every number has its source there. 15 % of 11,919,241 is 1,787,886 ballots; 12 %
    of those, 214,546, are taken as spoiled (both rounded to whole ballots).

    References
    ----------
    .. [1] KazTAG (2021). The United States is concerned about the OSCE findings on the
       elections in Kazakhstan. News item, 14 January 2021.

    Examples
    --------
    >>> sc = kazakhstan_2021_scenarios()
    >>> sc["Observers"].participants, sc["Observers"].invalid
    (1787886, 214546)
    """
    if observers_base not in ("valid", "participants"):
        raise ValueError(f"`observers_base` must be 'valid' or 'participants' (got {observers_base!r}).")
    res = _facts.party_results(_ELECTION)
    summ = _facts.summary(_ELECTION)
    parties = tuple(res["party"])
    votes = tuple(int(x) for x in res["votes"])
    registered = int(summ["registered"])
    participants = int(summ["ballots_issued"])
    cec = Scenario(
        name="CEC final",
        source=f"CEC final results, 12 January 2021 ({res['source'].iloc[0]})",
        parties=parties,
        votes=votes,
        participants=participants,
        registered=registered,
        notes="Official votes; participants = voters who received ballots.",
    )
    table = _claims.load("kazakhstan-2021")

    def claim(quantity: str, claimant_type: str) -> pd.Series:
        rows = table[(table["quantity"] == quantity) & (table["claimant_type"] == claimant_type)]
        return rows.iloc[0]

    # the article's shares with their rounding intervals
    stated = {
        "Nur Otan": claim("nur_otan_share_percent", "official"),
        "People's Party of Kazakhstan": claim("peoples_party_share_percent", "official"),
        "Ak Zhol": claim("ak_zhol_share_percent", "official"),
    }
    bounds = []
    rest = Fraction(1)
    for p in parties:
        if p in stated:
            c = stated[p]
            value = as_fraction(repr(float(c["value"])), "value") / 100
            half = as_fraction(repr(float(c["resolution"])), "resolution") / 100
            bounds.append((value - half, value + half))
            rest -= value
        else:
            bounds.append((Fraction(0), Fraction(1)))
    article = Scenario(
        name="Article",
        source=f"{_ARTICLE}: Nur Otan 76.49 %, People's Party 10.94 %, Ak Zhol 9.2 % (attributed to the CEC)",
        parties=parties,
        share_bounds=tuple(bounds),
        participants=participants,
        invalid=participants - sum(votes),
        registered=registered,
        share_base="valid",
        notes=(
            f"Stated shares anywhere in their rounding intervals; Auyl and Adal share the rest "
            f"(about {float(rest) * 100:.2f} %). Assumed: the CEC's party votes and participants."
        ),
    )
    turnout = claim("turnout_percent", "observers")
    spoiled = claim("invalid_ballots_percent", "observers")
    below = claim("nur_otan_share_percent", "observers")
    threshold = claim("threshold_percent", "law")
    obs_participants = int(np.floor(registered * turnout["value"] / 100 + 0.5))
    obs_invalid = int(np.floor(obs_participants * spoiled["value"] / 100 + 0.5))
    t = as_fraction(repr(float(threshold["value"])), "threshold") / 100
    cap = as_fraction(repr(float(below["value"])), "value") / 100
    obs_bounds = tuple((t, cap if p == parties[0] else Fraction(1)) for p in parties)
    observers = Scenario(
        name="Observers",
        source=(
            f"{_ARTICLE}: turnout {turnout['value']:g} % and {spoiled['value']:g} % spoiled "
            f"({turnout['claimant']}); every party above 7 %, Nur Otan below 50 % ({below['claimant']})"
        ),
        parties=parties,
        share_bounds=obs_bounds,
        participants=obs_participants,
        invalid=obs_invalid,
        registered=registered,
        share_base=observers_base,
        notes=f"Party percentages read as shares of {observers_base} votes.",
    )
    return {"CEC final": cec, "Article": article, "Observers": observers}


def consistency_checks(scenarios: Mapping[str, Scenario] | None = None) -> pd.DataFrame:
    """Can the claims all be true at once, and do they agree with the CEC's own figures?

    Checks, each with its arithmetic: whether the observers' constraints can hold together
    (five parties above 7 % with Nur Otan below 50 %) and what they force on the others;
    whether the article's shares add up and reproduce the official seats; what 15 %
    turnout and 12 % spoiled ballots mean in ballots next to the 7,539,280 officially
    received; whether "above 7 % of votes" is enough to pass 7 % of participants.

    Parameters
    ----------
    scenarios : mapping, optional
        From :func:`kazakhstan_2021_scenarios` (default: built with ``observers_base='valid'``).

    Returns
    -------
    DataFrame
        ``check``, ``holds`` (bool), ``detail``.

    See Also
    --------
    electionstats.claims.contradictions, electionstats.claims.implications

    Examples
    --------
    >>> checks = consistency_checks()
    >>> bool(checks.set_index("check").loc["observers' share constraints can hold together", "holds"])
    True
    """
    sc = kazakhstan_2021_scenarios() if scenarios is None else scenarios
    cec, art, obs = sc["CEC final"], sc["Article"], sc["Observers"]
    rows = []
    n = len(obs.parties)
    lo = [b[0] for b in obs.share_bounds]
    rows.append((
        "observers' share constraints can hold together",
        obs.feasible(),
        f"{n} parties above {float(lo[1]) * 100:g} % need {float(sum(lo)) * 100:g} % of the votes; Nur Otan "
        f"below {float(obs.share_bounds[0][1]) * 100:g} % leaves more than 50 % to the other {n - 1}, so at "
        f"least one of them has more than {50 / (n - 1):.1f} %.",
    ))
    stated_sum = sum((a + b) / 2 for a, b in art.share_bounds if b - a < Fraction(1, 10))
    cec_rest = Fraction(sum(cec.votes[3:]), sum(cec.votes))
    rows.append((
        "the article's three shares leave room for Auyl and Adal as the CEC reports them",
        (1 - stated_sum) >= cec_rest,
        f"76.49 + 10.94 + 9.2 = {float(stated_sum) * 100:.2f} %, leaving {float(1 - stated_sum) * 100:.2f} % "
        f"for Auyl and Adal; the CEC's final figures give them {float(cec_rest) * 100:.2f} %.",
    ))
    mid = tuple(int(round(float((a + b) / 2) * 1_000_000)) for a, b in art.share_bounds[:3])
    article_seats = allocate(dict(zip(art.parties[:3], mid)), 98, method="hare").seats.tolist()
    rows.append((
        "the article's shares reproduce the official seats 76 / 12 / 10",
        article_seats == list(cec.allocate().seats_array[:3]),
        f"Hare largest remainder over the three parties at the stated shares gives "
        f"{' / '.join(map(str, article_seats))} (Nur Otan / Ak Zhol / People's Party).",
    ))
    ratio = cec.participants / obs.participants
    rows.append((
        "15 % turnout fits the ballots the CEC says were received",
        abs(ratio - 1) < 0.01,
        f"15 % of {obs.registered:,} registered is {obs.participants:,} ballots; the CEC counts "
        f"{cec.participants:,} ({ratio:.1f} times as many). Nur Otan's official {cec.votes[0]:,} votes alone "
        f"are {cec.votes[0] / obs.participants:.1f} times every ballot a 15 % turnout allows.",
    ))
    cec_not_party = cec.participants - cec.valid
    rows.append((
        "12 % spoiled ballots fits the CEC's figures",
        obs.invalid / obs.participants <= cec_not_party / cec.participants,
        f"12 % of ballots spoiled; the CEC's figures leave at most {cec_not_party:,} of {cec.participants:,} "
        f"ballots ({cec_not_party / cec.participants * 100:.2f} %) not counted for a party.",
    ))
    need = Fraction(7, 100) * obs.participants / obs.valid
    rows.append((
        "above 7 % of valid votes is enough to pass 7 % of participants",
        need <= Fraction(7, 100),
        f"With {obs.invalid / obs.participants * 100:.0f} % of ballots spoiled, 7 % of participants is "
        f"{float(need) * 100:.2f} % of the valid votes: a party between 7 % and that share of the votes "
        "fails the legal threshold.",
    ))
    return pd.DataFrame(rows, columns=["check", "holds", "detail"])
