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
from ._citations import register
from ._results import Summary, TableResult, result_frame
from ._args import check_n_resamples
from ._args import check_rng as as_generator
from .allocation import (
    AllocationResult,
    Rules,
    allocate,
    allocate_rows,
    as_fraction,
    base_totals,
    get_rules,
    min_votes_to_pass,
    tie_rank_of,
)
from .sensitivity import pass_rows

__all__ = [
    "Scenario",
    "ScenarioSeats",
    "consistency_checks",
    "ScenarioBounds",
    "kazakhstan_2021_scenarios",
    "scenario_bounds",
    "scenario_seats",
]

_ELECTION = "kazakhstan-2021-majilis"

register(
    "charnes1962",
    """@article{charnes1962,
  title = {Programming with linear fractional functionals},
  author = {Charnes, A. and Cooper, W. W.},
  journal = {Naval Research Logistics Quarterly},
  volume = {9},
  number = {3-4},
  pages = {181--186},
  year = {1962},
  doi = {10.1002/nav.3800090303}
}""",
)


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

    def sample_votes(self, n_resamples: int, *, rng: Any = None, max_batches: int = 200) -> np.ndarray:
        """Vote vectors (n_resamples, n_parties) consistent with the bounds, drawn uniformly.

        Parties with a fixed share (``low == high``) or a stated figure keep it; the others
        share the rest uniformly (a flat Dirichlet distribution) subject to their bounds,
        by rejection. Votes are whole numbers summing to :attr:`valid` (largest-remainder
        rounding); every draw is checked against the strict bounds exactly in integers.
        A point scenario returns its votes ``n_resamples`` times.
        """
        n_draws = check_n_resamples(n_resamples, "n_resamples")
        _check_draws_fit(n_draws, len(self.parties))
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


#: Most vote draws held in memory at once by a scenario (draws x parties float64 cells).
MAX_DRAW_CELLS = 2**27


def _check_draws_fit(n_resamples: int, n_parties: int) -> None:
    """Refuse, before any allocation, draws that would not fit in bounded memory."""
    if n_resamples * max(n_parties, 1) > MAX_DRAW_CELLS:
        raise ValueError(
            f"`n_resamples`={n_resamples:,} draws of {n_parties} parties would hold "
            f"{n_resamples * n_parties * 8 / 2**30:,.1f} GiB of votes in memory; the limit is "
            f"{MAX_DRAW_CELLS // max(n_parties, 1):,} draws for {n_parties} parties. The seat "
            "ranges are exact bounds anyway (scenario_bounds); draws only add examples."
        )


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


_SCENARIO_CAVEAT = (
    "Seats under each source's figures, by the legal rule: what the claims force and allow, "
    "not a test and not a forecast. Shares of draws describe a uniform spread over what the "
    "claims allow, not probabilities."
)


@dataclasses.dataclass(frozen=True, eq=False)
class ScenarioSeats(TableResult):
    """Seat outcomes of several scenarios: exact ranges for range scenarios, forced conclusions.

    ``table``: one row per (scenario, party) with ``seats_min`` and ``seats_max`` (with
    ``exact=True``, the exact bounds over every vote distribution the claims allow, from
    :func:`scenario_bounds`; otherwise the spread of the draws), ``drawn_min`` /
    ``drawn_max`` (the spread of the seeded draws), ``pass_rate`` (share of draws in
    which the party passes) and ``votes`` (point scenarios). ``conclusions``: one row per
    (scenario, statement) with ``verdict`` in {'forced', 'possible', 'impossible'} and the
    share of draws where it holds. ``disproportionality``: Gallagher and Loosemore-Hanby
    indices per scenario (a range over the draws for range scenarios). Shares of draws
    describe the sampling, which spreads the draws uniformly over what the claims allow;
    they are not probabilities of what happened.
    """

    table: pd.DataFrame
    conclusions: pd.DataFrame
    seats: Mapping[str, np.ndarray]
    n_resamples: int
    rules: str
    parties: tuple[str, ...]
    disproportionality: pd.DataFrame
    n_seats: int
    exact: bool = False
    bounds: ScenarioBounds | None = None

    method: ClassVar[str] = "Seats under scenarios"
    citations: ClassVar[tuple[str, ...]] = (
        "balinski2001", "pukelsheim2017", "kz_election_law", "gallagher1991", "loosemore1971",
    )
    caveat: ClassVar[str] = _SCENARIO_CAVEAT

    @property
    def n_draws(self) -> int:
        """Deprecated name of :attr:`n_resamples`."""
        import warnings

        warnings.warn("`n_draws` is deprecated; use `n_resamples`.", DeprecationWarning, stacklevel=2)
        return self.n_resamples

    def wide(self) -> pd.DataFrame:
        """One row per scenario, one column per party: seats, or "min to max" for ranges."""
        t = self.table
        text = np.where(
            t["seats_min"] == t["seats_max"],
            t["seats_min"].astype(str),
            t["seats_min"].astype(str) + " to " + t["seats_max"].astype(str),
        )
        df = t.assign(seats=text).pivot(index="scenario", columns="party", values="seats")
        order = list(dict.fromkeys(t["scenario"]))
        return df.loc[order, list(self.parties)]

    def _ranges_text(self) -> str:
        if self.exact:
            return "ranges are exact: every outcome the claims allow"
        return f"ranges are the smallest and largest over {self.n_resamples:,} seeded draws"

    def summary(self) -> Summary:
        """Summary (text and HTML): the seat table, disproportionality and the conclusions."""
        s = Summary(self.method, items=[("Rules", self.rules), ("Seats", f"{self.n_seats:,}"),
                                        ("Ranges", self._ranges_text())])
        s.add_table(self.wide(), caption="Seats per party")
        s.add_table(self.disproportionality, caption="Disproportionality (percentage points)")
        s.add_table(self.conclusions, caption="What the claims force, allow or rule out (within the draws)",
                    formats={"share_of_draws": "share"})
        s.add_note(f"Note: {self.caveat}")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX of the allocation methods, the indices and the law (and of electionstats)."""
        return _cite(self.citations + (("charnes1962",) if self.exact else ()), format=format)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Seat ranges per party and scenario (see :func:`~electionstats.plotting.plot_scenarios`)."""
        from ._plot_seats import plot_scenarios

        return plot_scenarios(self, ax=ax, **kwargs)


def scenario_seats(
    scenarios: Sequence[Scenario] | Mapping[str, Scenario],
    *,
    rules: str | Rules = "kazakhstan-2021",
    n_resamples: int = 10_000,
    rng: Any = None,
    majority: int | None = None,
    reference: str | None = None,
    tie_order: Sequence[str] | None = None,
    exact: bool = True,
    n_draws: int | None = None,
) -> ScenarioSeats:
    """Allocate seats under each scenario; exact seat ranges and sampled conclusions for ranges.

    For a point scenario the seats are those of :func:`~electionstats.allocation.allocate`.
    For a range scenario the seat range of each party is exact (``exact=True``, from
    :func:`scenario_bounds`: the smallest and largest seats over every vote distribution
    that satisfies the claims). In addition ``n_resamples`` vote distributions are drawn
    uniformly among those allowed (:meth:`Scenario.sample_votes`) and allocated, for the
    shares of draws in which a party passes and for the conclusions: a statement that
    holds in every draw is reported as *forced* by the claims, one that holds in some as
    *possible*, one that holds in none as *impossible* (within the draws: extreme corners
    of the constraint set may be missed, so "impossible" means "not found").

    Parameters
    ----------
    scenarios : sequence or mapping of Scenario
        All with the same parties.
    rules : str or Rules
        Allocation rules (default ``'kazakhstan-2021'``: 98 seats, 7 % of participants).
    n_resamples : int
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
    exact : bool
        Exact seat ranges (default; Hare rules only, a few seconds per range scenario).
        False: the ranges are the spread of the draws, and say so.
    n_draws : int, optional
        Deprecated name of ``n_resamples``.

    Returns
    -------
    ScenarioSeats

    See Also
    --------
    scenario_bounds, kazakhstan_2021_scenarios, consistency_checks

    Notes
    -----
    The draws are uniform on the set allowed by the constraints (a flat Dirichlet on the
    free parties' shares, truncated), a "know nothing more" choice. The exact ranges do
    not depend on that choice; the shares of draws do. The disproportionality of the seats
    (Gallagher's least-squares and Loosemore-Hanby's indices, in percentage points of the
    votes for parties) is exact for point scenarios and the smallest and largest over the
    draws for range scenarios.

    References
    ----------
    .. [1] Pukelsheim, F. (2017). Proportional Representation, 2nd ed. Springer.
       :doi:`10.1007/978-3-319-64707-4`
    .. [2] Gallagher, M. (1991). Proportionality, disproportionality and electoral
       systems. Electoral Studies 10(1), 33-51. :doi:`10.1016/0261-3794(91)90004-C`

    Examples
    --------
    >>> sc = kazakhstan_2021_scenarios()
    >>> res = scenario_seats(sc, n_resamples=500, rng=1, exact=False)
    >>> res.wide().loc["CEC final"].tolist()
    ['76', '12', '10', '0', '0']
    """
    if n_draws is not None:
        import warnings

        warnings.warn("`n_draws` is deprecated; use `n_resamples`.", DeprecationWarning, stacklevel=2)
        n_resamples = n_draws
    items = _check_scenarios(scenarios)
    parties = items[0].parties
    r = get_rules(rules)
    n_resamples = check_n_resamples(n_resamples, "n_resamples")
    _check_draws_fit(n_resamples, len(parties))
    gen = as_generator(rng)
    majority = r.seats // 2 + 1 if majority is None else int(majority)
    rank = tie_rank_of(tie_order, parties)
    bounds = scenario_bounds(items, rules=r, tie_order=tie_order) if exact else None
    seats_by: dict[str, np.ndarray] = {}
    pass_by: dict[str, np.ndarray] = {}
    rows = []
    disp = []
    for sc in items:
        v = sc.sample_votes(n_resamples if sc.is_range else 1, rng=gen)
        base_total = _base_total(sc, r)
        passed = pass_rows(v, r.threshold, base_total, r.at_threshold == "pass")
        s, _, tie = allocate_rows(v, passed, r, ties="order" if rank is not None else "report", tie_rank=rank)
        seats_by[sc.name], pass_by[sc.name] = s, passed
        exact_rows = None if bounds is None else bounds.table[bounds.table["scenario"] == sc.name]
        for j, p in enumerate(parties):
            lo, hi = int(s[:, j].min()), int(s[:, j].max())
            if exact_rows is not None:
                lo, hi = int(exact_rows["seats_min"].iloc[j]), int(exact_rows["seats_max"].iloc[j])
            rows.append(
                {
                    "scenario": sc.name,
                    "party": p,
                    "kind": "range" if sc.is_range else "point",
                    "votes": int(v[0, j]) if not sc.is_range else None,
                    "seats_min": lo,
                    "seats_max": hi,
                    "bounds": "exact" if (exact or not sc.is_range) else "spread of draws",
                    "drawn_min": int(s[:, j].min()),
                    "drawn_max": int(s[:, j].max()),
                    "pass_rate": float(passed[:, j].mean()),
                    "n_draws": len(v),
                    "n_ties": int(tie.sum()),
                    "source": sc.source,
                }
            )
        disp.append(_disproportionality_rows(sc, v, s))
    table = pd.DataFrame(rows)
    ref_name = reference or next((sc.name for sc in items if not sc.is_range), items[0].name)
    if ref_name not in seats_by:
        raise ValueError(f"`reference` {ref_name!r} is not one of the scenarios.")
    conclusions = _conclusions(items, parties, seats_by, pass_by, seats_by[ref_name][0], ref_name, majority)
    return ScenarioSeats(
        table=table, conclusions=conclusions, seats=seats_by, n_resamples=n_resamples, rules=r.name,
        parties=parties, disproportionality=pd.DataFrame(disp), n_seats=r.seats, exact=exact, bounds=bounds,
    )


def _disproportionality_rows(sc: Scenario, v: np.ndarray, s: np.ndarray) -> dict[str, Any]:
    """Gallagher and Loosemore-Hanby indices of each row of votes ``v`` and seats ``s``
    (percentage points; the same formulas as :func:`~electionstats.allocation.disproportionality`)."""
    vp = v / v.sum(axis=1, keepdims=True) * 100
    tot = s.sum(axis=1, keepdims=True)
    sp = s / np.where(tot == 0, 1, tot) * 100
    d = sp - vp
    lsq = np.sqrt((d**2).sum(axis=1) / 2)
    lh = np.abs(d).sum(axis=1) / 2
    return {
        "scenario": sc.name,
        "gallagher_low": float(lsq.min()), "gallagher_high": float(lsq.max()),
        "loosemore_hanby_low": float(lh.min()), "loosemore_hanby_high": float(lh.max()),
        "basis": "the scenario's votes" if not sc.is_range else f"smallest and largest over {len(v):,} seeded draws",
    }


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


@result_frame("Consistency of the scenarios", citations=("kz_election_law",))
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
    if not isinstance(sc, Mapping):
        raise TypeError(
            "`scenarios` must be a mapping {name: Scenario} as returned by "
            f"kazakhstan_2021_scenarios() (got {type(sc).__name__})."
        )
    needed = ("CEC final", "Article", "Observers")
    missing = [k for k in needed if k not in sc]
    if missing:
        raise ValueError(
            f"`scenarios` lacks {missing}: these checks compare the CEC's final figures, the "
            f"article and the observers, so they need the scenarios named {list(needed)} "
            "(as in kazakhstan_2021_scenarios(), e.g. with another observers_base=)."
        )
    wrong = [k for k in needed if not isinstance(sc[k], Scenario)]
    if wrong:
        raise TypeError(f"`scenarios` entries {wrong} must be Scenario objects.")
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


# ---------------------------------------------------------------------------------------
# Exact seat bounds of range scenarios (integer-linear optimisation over the claims)
# ---------------------------------------------------------------------------------------

#: Largest number of parties for :func:`scenario_bounds` (it enumerates the 2**n sets of
#: parties that pass the threshold).
MAX_BOUNDS_PARTIES = 10


class _Program:
    """The claim constraints of one scenario and one set of passing parties, as linear rows.

    Variables ``z = (x_0 .. x_{n-1}, U, t)``: ``x_i = v_i / T`` (votes over the admitted
    parties' total ``T``), ``U = V / T`` (``V`` the valid votes for parties) and a common
    slack ``t`` given to every strict inequality (Charnes and Cooper's transformation: a
    ratio of linear functions becomes linear in ``(x, U)``). Seats of the admitted parties
    depend on ``x`` only (Hare quotients are ``S x_i``), so every condition is linear.
    """

    def __init__(self, sc: Scenario, r: Rules, passed: tuple[int, ...], runner: int | None) -> None:
        n = len(sc.parties)
        self.n, self.sc, self.rules = n, sc, r
        self.passed, self.runner = passed, runner
        self.admitted = tuple(sorted(passed + (() if runner is None else (runner,))))
        self.V = sc.valid
        base = sc.valid if sc.share_base == "valid" else sc.participants
        need = min_votes_to_pass(r.threshold, _base_total(sc, r), inclusive=r.at_threshold == "pass")
        self.need = need
        nv = n + 2
        iu, it = n, n + 1
        rows: list[np.ndarray] = []
        rhs: list[float] = []

        def row(coef: dict[int, float], b: float, strict: bool) -> None:
            a = np.zeros(nv)
            for k, c in coef.items():
                a[k] += c
            if strict:
                a[it] += 1.0
            rows.append(a)
            rhs.append(b)

        V = self.V
        for i, (lo, hi) in enumerate(sc.share_bounds):
            if lo == hi:
                c = float(lo * base)
                row({i: 1.0, iu: -(c + 1) / V}, 0.0, False)
                row({i: -1.0, iu: (c - 1) / V}, 0.0, False)
                continue
            row({i: -1.0, iu: float(lo * base) / V}, 0.0, True)
            if hi < 1:
                row({i: 1.0, iu: -float(hi * base) / V}, 0.0, True)
        for i in range(n):
            if i in passed:
                row({i: -1.0, iu: need / V}, 0.0, True)
            else:
                row({i: 1.0, iu: -(need - 1) / V}, 0.0, True)
        if runner is not None:
            row({runner: -1.0}, 0.0, True)
            for i in range(n):
                if i not in passed and i != runner:
                    row({i: 1.0, runner: -1.0}, 0.0, True)
        self.A_ub = np.array(rows)
        self.b_ub = np.array(rhs)
        eq = np.zeros((2, nv))
        eq[0, list(self.admitted)] = 1.0
        eq[1, :n] = 1.0
        eq[1, iu] = -1.0
        self.A_eq, self.b_eq = eq, np.array([1.0, 0.0])
        self.lb = np.r_[np.zeros(n), 1.0, 0.0]
        self.ub = np.r_[np.ones(n) * V, float(V), 1.0]

    def solve(
        self, extra_ub: np.ndarray | None = None, extra_b: np.ndarray | None = None,
        n_int: int = 0, objective: np.ndarray | None = None,
        extra_eq: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray | None:
        """Maximise ``objective`` (default: the slack ``t``); None when infeasible or no slack."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        nv = self.n + 2 + n_int
        pad = np.zeros((self.A_ub.shape[0], n_int))
        A = [np.hstack([self.A_ub, pad])]
        b = [self.b_ub]
        if extra_ub is not None:
            A.append(extra_ub)
            b.append(extra_b)
        Aeq = [np.hstack([self.A_eq, np.zeros((2, n_int))])]
        beq = [self.b_eq]
        if extra_eq is not None:
            Aeq.append(extra_eq[0])
            beq.append(extra_eq[1])
        A_ub, b_ub = np.vstack(A), np.concatenate(b)
        A_eq, b_eq = np.vstack(Aeq), np.concatenate(beq)
        c = np.zeros(nv)
        if objective is None:
            c[self.n + 1] = -1.0
        else:
            c[: objective.size] = -objective
        lb = np.r_[self.lb, np.zeros(n_int)]
        ub = np.r_[self.ub, np.full(n_int, self.rules.seats + 1.0)]
        integrality = np.r_[np.zeros(self.n + 2), np.ones(n_int)]
        res = milp(
            c, constraints=[LinearConstraint(A_ub, -np.inf, b_ub), LinearConstraint(A_eq, b_eq, b_eq)],
            bounds=Bounds(lb, ub), integrality=integrality,
            options={"mip_rel_gap": 0.0, "presolve": True},
        )
        if res.status != 0 or res.x is None:
            return None
        if objective is None and res.x[self.n + 1] <= 1e-12:
            return None
        return res.x

    def share_range(self, j: int) -> tuple[float, float] | None:
        """Smallest and largest share ``x_j`` of the admitted votes (closure of the claims)."""
        obj = np.zeros(self.n + 2)
        obj[j] = 1.0
        zmax = self.solve(objective=obj)
        zmin = self.solve(objective=-obj)
        if zmax is None or zmin is None:
            return None
        return float(zmin[j]), float(zmax[j])

    def votes(self, z: np.ndarray) -> np.ndarray:
        """Whole votes summing to the valid votes, from a solution ``z``."""
        x = np.maximum(z[: self.n], 0.0)
        return _round_to_total(x[None, :], self.V)[0]

    def seat_rows(self, j: int, k: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows for "party j has at least k seats" (``'max'``) or "at most k" (``'min'``).

        Hare largest remainder is the shift-rounding rule ``s_i = floor(S x_i + mu)`` with
        one ``mu`` in [0, 1) (Balinski and Young 2001, ch. 2); from it: ``s_j >= k`` iff
        ``S x_j > k - 1`` and ``sum_{i != j} floor(S x_i + k - S x_j) <= S - k``, and
        ``s_j <= k`` iff ``S x_j < k + 1`` and ``sum_{i != j} floor(S x_i + k + 1 - S x_j)
        >= S - k``. The floors are integer variables ``a_i``.
        """
        S = self.rules.seats
        others = [i for i in self.admitted if i != j]
        m = len(others)
        nv = self.n + 2 + m
        it = self.n + 1
        rows, b = [], []
        r0 = np.zeros(nv)
        if kind == "max":
            r0[j], r0[it] = -1.0, 1.0
            rows.append(r0)
            b.append(-(k - 1) / S)
            for a_idx, i in enumerate(others):
                r = np.zeros(nv)
                r[i], r[j], r[self.n + 2 + a_idx], r[it] = 1.0, -1.0, -1.0 / S, 1.0
                rows.append(r)
                b.append((1 - k) / S)
            r = np.zeros(nv)
            r[self.n + 2:] = 1.0
            rows.append(r)
            b.append(S - k)
        else:
            r0[j], r0[it] = 1.0, 1.0
            rows.append(r0)
            b.append((k + 1) / S)
            for a_idx, i in enumerate(others):
                r = np.zeros(nv)
                r[i], r[j], r[self.n + 2 + a_idx], r[it] = -1.0, 1.0, 1.0 / S, 1.0
                rows.append(r)
                b.append((k + 1) / S)
            r = np.zeros(nv)
            r[self.n + 2:] = -1.0
            rows.append(r)
            b.append(-(S - k))
        return np.array(rows), np.array(b, dtype=float)


def _seats_of(sc: Scenario, r: Rules, v: np.ndarray, rank: np.ndarray | None) -> np.ndarray | None:
    """Exact seats of one whole-vote vector, or None when it breaks a claim or ties."""
    if not sc._satisfies(v[None, :])[0] or int(v.sum()) != sc.valid:
        return None
    passed = pass_rows(v[None, :], r.threshold, _base_total(sc, r), r.at_threshold == "pass")
    s, _, tie = allocate_rows(v[None, :], passed, r, ties="order" if rank is not None else "report", tie_rank=rank)
    if tie[0]:
        return None
    return s[0]


def _witness(
    prog: _Program, z: np.ndarray, rank: np.ndarray | None, wanted: Any
) -> tuple[np.ndarray, np.ndarray | None]:
    """A whole-vote vector near the solution ``z`` that satisfies every claim, has no exact
    tie and gives seats for which ``wanted(seats)`` holds (None when none is found).

    The rounded solution is tried first, then the same with one to three votes moved
    between two parties (the slack-maximising solution is often symmetric, so parties
    with equal votes tie exactly).
    """
    v0 = prog.votes(z)
    n = prog.n
    tried = [v0]
    for d in (1, 2, 3):
        for a in range(n):
            for b in range(n):
                if a != b:
                    w = v0.copy()
                    w[a] += d
                    w[b] -= d
                    tried.append(w)
    for v in tried:
        if v.min() < 0:
            continue
        seats = _seats_of(prog.sc, prog.rules, v, rank)
        if seats is not None and wanted(seats):
            return v, seats
    return v0, None


def _breakpoints_1d(lo: float, hi: float, S: int, f: Fraction) -> list[Fraction]:
    """Shares s of the runner-up where two-party Hare seats can change (quotients
    ``S (1 - s)`` and ``f S s`` cross whole numbers or have equal remainders)."""
    pts: set[Fraction] = set()
    for m in range(0, S + 1):
        for s in (1 - Fraction(m, S), Fraction(m) / (f * S), Fraction(S - m) / ((1 + f) * S)):
            if lo < s < hi:
                pts.add(s)
    return sorted(pts)


@dataclasses.dataclass(frozen=True, eq=False)
class ScenarioBounds(TableResult):
    """Exact smallest and largest seats per party over every vote distribution the claims allow.

    ``table``: one row per (scenario, party) with ``seats_min`` and ``seats_max`` and, for
    each, ``votes_at_min`` / ``votes_at_max``: a whole-vote distribution that satisfies every
    claim and gives that many seats (checked by the exact allocation). Not a sample:
    the bounds are proved by integer-linear optimisation (see :func:`scenario_bounds`).
    """

    table: pd.DataFrame
    rules: str
    parties: tuple[str, ...]

    method: ClassVar[str] = "Exact seat bounds under scenarios"
    citations: ClassVar[tuple[str, ...]] = ("balinski2001", "charnes1962", "kz_election_law")
    caveat: ClassVar[str] = _SCENARIO_CAVEAT

    def wide(self) -> pd.DataFrame:
        """One row per scenario, one column per party: seats, or "min to max"."""
        t = self.table
        text = np.where(
            t["seats_min"] == t["seats_max"], t["seats_min"].astype(str),
            t["seats_min"].astype(str) + " to " + t["seats_max"].astype(str),
        )
        df = t.assign(seats=text).pivot(index="scenario", columns="party", values="seats")
        return df.loc[list(dict.fromkeys(t["scenario"])), list(self.parties)]

    def summary(self) -> Summary:
        """Summary (text and HTML): the bounds per scenario and party."""
        s = Summary(self.method, items=[("Rules", self.rules),
                                        ("Ranges", "exact smallest and largest seats, not a sample")])
        s.add_table(self.wide(), caption="Seats the claims allow")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s


def scenario_bounds(
    scenarios: Sequence[Scenario] | Mapping[str, Scenario],
    *,
    rules: str | Rules = "kazakhstan-2021",
    tie_order: Sequence[str] | None = None,
) -> ScenarioBounds:
    """Exact smallest and largest seats of every party over all vote counts the claims allow.

    For a range scenario, the set of whole-vote distributions that satisfy every claim
    (share bounds, fixed totals) is split by which parties pass the threshold; on each
    piece the seats are found by integer-linear programs (HiGHS through
    :func:`scipy.optimize.milp`), and every bound is attained by a vote distribution that
    is checked by the exact allocation. The result does not depend on a seed.

    Parameters
    ----------
    scenarios : sequence or mapping of Scenario
        All with the same parties (point scenarios give their one outcome).
    rules : str or Rules
        Allocation rules (Hare largest remainder; default ``'kazakhstan-2021'``).
    tie_order : sequence of str, optional
        Registration order, for exact ties in the point scenarios.

    Returns
    -------
    ScenarioBounds
        ``table`` with ``seats_min``, ``seats_max`` and a vote distribution attaining each.

    Raises
    ------
    ValueError
        A method other than Hare, more than :data:`MAX_BOUNDS_PARTIES` parties, or a
        scenario whose claims no vote distribution satisfies.

    See Also
    --------
    scenario_seats : draws, shares of draws and forced conclusions.

    Notes
    -----
    Hare seats are ``s_i = floor(S q_i + mu)`` with one shift ``mu`` in [0, 1) for all
    parties (the quota-rounding view of largest remainders, Balinski and Young 2001), so
    "party j has at least k seats" is ``S q_j > k - 1`` with ``sum_{i != j} floor(S q_i +
    k - S q_j) <= S - k``, where ``q`` are shares of the admitted parties' votes. Writing
    ``x_i = v_i / T`` and ``U = V / T`` (Charnes and Cooper 1962) turns every claim into a
    linear constraint, and the floors become integer variables. Strict claims ("above
    7 %") keep a positive slack. The largest ``k`` that is feasible, starting from the
    quota bound, is the maximum (the smallest, the minimum), and the solver's vote vector
    is rounded to whole votes and checked exactly; exact ties, which the law breaks by
    registration order, are left out. The runner-up rule (one party passes, the next
    largest is admitted with its quotient times 0.7) leaves a one-dimensional family,
    searched exactly between its break points.

    References
    ----------
    .. [1] Balinski, M. L. and Young, H. P. (2001). Fair Representation, 2nd ed.
       Brookings Institution Press.
    .. [2] Charnes, A. and Cooper, W. W. (1962). Programming with linear fractional
       functionals. Naval Research Logistics Quarterly 9(3-4), 181-186.
       :doi:`10.1002/nav.3800090303`

    Examples
    --------
    >>> b = scenario_bounds(kazakhstan_2021_scenarios())
    >>> b.wide().loc["Observers"].tolist()
    ['0 to 64', '0 to 91', '0 to 91', '0 to 91', '0 to 91']
    """
    items = _check_scenarios(scenarios)
    parties = items[0].parties
    r = get_rules(rules)
    if r.method != "hare":
        raise ValueError(
            f"exact seat bounds are implemented for Hare largest remainder (the Kazakh rule), not "
            f"{r.method!r}; use scenario_seats() for the spread of sampled outcomes."
        )
    rank = tie_rank_of(tie_order, parties)
    rows = []
    for sc in items:
        if not sc.is_range:
            s = _seats_point(sc, r, rank)
            v = list(sc.votes)
            for j, p in enumerate(parties):
                rows.append(_bound_row(sc, p, int(s[j]), int(s[j]), v, v))
            continue
        lo, hi, w_lo, w_hi = _range_bounds(sc, r, rank)
        for j, p in enumerate(parties):
            rows.append(_bound_row(sc, p, lo[j], hi[j], w_lo[j], w_hi[j]))
    return ScenarioBounds(table=pd.DataFrame(rows), rules=r.name, parties=parties)


def _bound_row(sc: Scenario, party: str, lo: int, hi: int, w_lo: Any, w_hi: Any) -> dict[str, Any]:
    return {
        "scenario": sc.name, "party": party, "kind": "range" if sc.is_range else "point",
        "seats_min": lo, "seats_max": hi,
        "votes_at_min": tuple(int(x) for x in w_lo), "votes_at_max": tuple(int(x) for x in w_hi),
        "source": sc.source,
    }


def _seats_point(sc: Scenario, r: Rules, rank: np.ndarray | None) -> np.ndarray:
    v = np.array(sc.votes, dtype=np.int64)[None, :]
    passed = pass_rows(v, r.threshold, _base_total(sc, r), r.at_threshold == "pass")
    s, _, _ = allocate_rows(v, passed, r, ties="order" if rank is not None else "report", tie_rank=rank)
    return s[0]


def _check_scenarios(scenarios: Any) -> list[Scenario]:
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if not isinstance(scenarios, (Sequence, Mapping)) or isinstance(scenarios, str):
        raise TypeError(f"`scenarios` must be a list or dict of Scenario objects (got {type(scenarios).__name__}).")
    items = list(scenarios.values()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not items:
        raise ValueError("`scenarios` is empty.")
    for sc in items:
        if not isinstance(sc, Scenario):
            raise TypeError(f"`scenarios` must hold Scenario objects (got {type(sc).__name__}).")
    parties = items[0].parties
    for sc in items:
        if sc.parties != parties:
            raise ValueError(f"scenario {sc.name!r} has parties {sc.parties}, expected {parties}.")
    return items


def _range_bounds(sc: Scenario, r: Rules, rank: np.ndarray | None) -> tuple[list, list, list, list]:
    """Exact per-party seat bounds of one range scenario, with attaining vote vectors."""
    from itertools import combinations as _comb

    n = len(sc.parties)
    if n > MAX_BOUNDS_PARTIES:
        raise ValueError(
            f"exact seat bounds enumerate the 2**n sets of parties passing the threshold; at most "
            f"{MAX_BOUNDS_PARTIES} parties are supported (scenario {sc.name!r} has {n})."
        )
    if not sc.feasible():
        raise ValueError(f"scenario {sc.name!r}: no vote distribution satisfies all the claims.")
    S = r.seats
    lo = [S + 1] * n
    hi = [-1] * n
    w_lo: list[Any] = [None] * n
    w_hi: list[Any] = [None] * n

    def record(v: np.ndarray, seats: np.ndarray) -> None:
        for j in range(n):
            if seats[j] < lo[j]:
                lo[j], w_lo[j] = int(seats[j]), v
            if seats[j] > hi[j]:
                hi[j], w_hi[j] = int(seats[j]), v

    for size in range(n + 1):
        for passed in _comb(range(n), size):
            runners: list[int | None] = [None]
            if size < r.min_parties:
                if size + 1 != r.min_parties or size == 0:
                    prog = _Program(sc, r, passed, None)
                    if prog.solve() is not None:
                        raise ValueError(
                            f"scenario {sc.name!r}: the claims allow {size} parties to pass with "
                            f"min_parties={r.min_parties}; exact bounds cover one admitted runner-up only."
                        )
                    continue
                runners = [i for i in range(n) if i not in passed]
            for runner in runners:
                prog = _Program(sc, r, passed, runner)
                z = prog.solve()
                if z is None:
                    continue
                v, seats = _witness(prog, z, rank, lambda s_: True)
                if seats is not None:
                    record(v, seats)
                if runner is None:
                    _search_hare(prog, record, lo, hi, rank)
                else:
                    _search_runner_up(prog, record, rank)
    if min(hi) < 0:
        raise RuntimeError(f"scenario {sc.name!r}: no whole-vote distribution satisfying the claims was found.")
    return lo, hi, w_lo, w_hi


def _search_hare(prog: _Program, record: Any, lo: list, hi: list, rank: np.ndarray | None) -> None:
    """Push the bounds of the admitted parties of one passing set to their exact extremes."""
    S = prog.rules.seats
    n = prog.n
    for j in prog.admitted:
        share = prog.share_range(j)
        if share is None:
            continue
        top = min(S, int(np.floor(S * share[1] + 1e-9)) + 1)
        bottom = max(0, int(np.floor(S * share[0] - 1e-9)))
        for kind, ks in (("max", range(top, hi[j], -1)), ("min", range(bottom, lo[j]))):
            for k in ks:
                rows, b = prog.seat_rows(j, k, kind)
                z = prog.solve(rows, b, n_int=len(prog.admitted) - 1)
                if z is None:
                    continue
                def wanted(seats: np.ndarray) -> bool:
                    return bool(seats[j] >= k if kind == "max" else seats[j] <= k)

                v, seats = _witness(prog, z, rank, wanted)
                if seats is None:
                    raise RuntimeError(
                        f"scenario {prog.sc.name!r}: the optimum for {prog.sc.parties[j]!r} ({kind} {k} "
                        "seats) lies within a vote or two of a claim's edge and could not be checked "
                        "in whole votes."
                    )
                record(v, seats)
                break


def _search_runner_up(prog: _Program, record: Any, rank: np.ndarray | None) -> None:
    """One passing party and one runner-up: seats depend on the runner-up's share s only;
    evaluate every open interval between break points once, with a checked witness."""
    r = prog.rules
    n = prog.n
    j = prog.runner
    share = prog.share_range(j)
    if share is None:
        return
    s_lo, s_hi = share
    factor = r.runner_up_factor
    pts = [Fraction(s_lo).limit_denominator(10**12), *_breakpoints_1d(s_lo, s_hi, r.seats, factor),
           Fraction(s_hi).limit_denominator(10**12)]
    p = prog.passed[0]
    mids = [(x + y) / 2 for x, y in zip(pts[:-1], pts[1:])]
    vv = np.zeros((len(mids), n), dtype=np.int64)
    # the seats depend on the share only: votes (1 - s, s) on a common denominator
    vv[:, p] = [m.denominator - m.numerator for m in mids]
    vv[:, j] = [m.numerator for m in mids]
    mask = np.zeros((len(mids), n), dtype=bool)
    mask[:, p] = True
    s, _, tie = allocate_rows(vv, mask, r, ties="report")
    s = np.where(tie[:, None], -1, s)
    # witnesses only for the intervals that attain a party's extreme
    pick = set()
    for col in (p, j):
        ok = np.flatnonzero(s[:, col] >= 0)
        if ok.size:
            pick.add(int(ok[np.argmax(s[ok, col])]))
            pick.add(int(ok[np.argmin(s[ok, col])]))
    for i in sorted(pick):
        eq = np.zeros((1, n + 2))
        eq[0, j] = 1.0
        z = prog.solve(extra_eq=(eq, np.array([float(mids[i])])))
        if z is None:
            continue
        want = s[i]
        v, seats = _witness(prog, z, rank, lambda s_: bool((s_ == want).all()))
        if seats is None:
            raise RuntimeError(
                f"scenario {prog.sc.name!r}: the seats {want.tolist()} allowed by the claims could not "
                "be checked in whole votes (a claim's edge is within a few votes)."
            )
        record(v, seats)
