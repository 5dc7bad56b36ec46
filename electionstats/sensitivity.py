"""How seats move with the threshold, its base, spoiled ballots, the method and a few votes.

:func:`threshold_sweep` allocates the seats at every threshold of a grid, for several
methods and threshold bases at once; :func:`invalid_sweep` does the same across shares of
spoiled ballots (which raise the bar when the threshold counts every participant);
:func:`minimal_shift` finds the fewest votes that, moved from one party to another, change
the outcome. Every allocation is exact (see :mod:`electionstats.allocation`); the sweeps
allocate each distinct set of admitted parties once, vectorised over the grid.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Hashable, Sequence
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._citations import cite as _cite
from ._results import Summary, TableResult
from .allocation import (
    INT_LIMIT,
    Resolved,
    allocate_iv,
    allocate_rows,
    base_totals,
    canonical_method,
    check_base,
    check_threshold,
    get_rules,
    passes_threshold,
)

__all__ = ["SeatSweep", "ShiftResult", "invalid_sweep", "minimal_shift", "threshold_sweep"]

#: Default threshold grid: 0 to 15 % in steps of 0.1 percentage point (exact k/1000).
DEFAULT_THRESHOLDS = tuple(Fraction(k, 1000) for k in range(151))


# ---------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------


_NOT_A_TEST = (
    "A deterministic sensitivity analysis of a legal rule, not a statistical test: it shows "
    "which conclusions about seats depend on the threshold, its base and the method."
)


@dataclasses.dataclass(frozen=True, eq=False)
class SeatSweep(TableResult):
    """Seats per party across a grid of thresholds (or spoiled-ballot shares), methods and bases.

    ``table`` is tidy: one row per (method, base, x, party) with ``votes``, ``share`` of the
    base, ``passed``, ``admitted``, ``seats`` and ``tie`` (an exact tie left unresolved: the
    row holds the seats certain before the tie). ``x`` names the swept quantity.
    """

    table: pd.DataFrame
    x: str
    n_seats: int
    parties: tuple
    methods: tuple[str, ...]
    bases: tuple[str, ...]
    legal_threshold: Fraction | None = None
    rules: str | None = None

    method: ClassVar[str] = "Seat sensitivity sweep"
    citations: ClassVar[tuple[str, ...]] = ("balinski2001", "pukelsheim2017")
    caveat: ClassVar[str] = _NOT_A_TEST

    def _select(self, method: str | None, base: str | None) -> pd.DataFrame:
        method = self.methods[0] if method is None else canonical_method(method)
        base = self.bases[0] if base is None else base
        if method not in self.methods:
            raise ValueError(f"`method` {method!r} is not in this sweep {self.methods}.")
        if base not in self.bases:
            raise ValueError(f"`base` {base!r} is not in this sweep {self.bases}.")
        t = self.table
        return t[(t["method"] == method) & (t["base"] == base)]

    def pivot(self, *, method: str | None = None, base: str | None = None) -> pd.DataFrame:
        """Seats as a wide table: one row per grid value, one column per party."""
        sub = self._select(method, base)
        wide = sub.pivot(index=self.x, columns="party", values="seats")
        return wide[list(self.parties)]

    def changes(self, *, method: str | None = None, base: str | None = None) -> pd.DataFrame:
        """The grid values where the seats change (the steps of the step plot), with the seats after."""
        wide = self.pivot(method=method, base=base)
        diff = wide.diff().abs().sum(axis=1)
        keep = diff > 0
        keep.iloc[0] = True
        return wide[keep]

    def _summary_items(self) -> list[tuple[str, Any]]:
        return [("Seats", f"{self.n_seats:,}"), ("Swept", self.x.replace("_", " ")),
                ("Methods", ", ".join(self.methods)), ("Threshold bases", ", ".join(self.bases))]

    def summary(self) -> Summary:
        """Summary (text and HTML): where the seats change, per method and base."""
        s = Summary(self.method, items=self._summary_items())
        for m in self.methods:
            for b in self.bases:
                ch = self.changes(method=m, base=b)
                s.add_table(ch, caption=f"{m}, threshold base {b}: seats change at {len(ch) - 1} values")
        s.add_note(f"Note: {self.caveat}")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def plot(self, *, method: str | None = None, base: str | None = None, ax: Any = None, **kwargs: Any) -> Any:
        """Step plot of seats against the swept quantity (see :func:`~electionstats.plotting.plot_seats_vs_threshold`)."""
        from ._plot_seats import plot_seats_vs_threshold

        return plot_seats_vs_threshold(self, method=method, base=base, ax=ax, **kwargs)


@dataclasses.dataclass(frozen=True, eq=False)
class ShiftResult(TableResult):
    """Fewest votes that, moved from one party to another, change the outcome.

    ``table``: one row per (from, to) pair with ``votes_needed`` (None when no transfer
    from that party changes anything), ``share_of_base`` and ``change`` (what happens).
    ``minimum`` is the row with the fewest votes.
    """

    table: pd.DataFrame
    baseline: pd.Series
    target: str
    n_seats: int
    base: str
    base_total: int

    method: ClassVar[str] = "Minimal vote shift"
    citations: ClassVar[tuple[str, ...]] = ("balinski2001", "pukelsheim2017")
    caveat: ClassVar[str] = _NOT_A_TEST

    @property
    def minimum(self) -> pd.Series:
        """The pair with the fewest votes needed."""
        t = self.table.dropna(subset=["votes_needed"])
        if t.empty:
            raise ValueError("no transfer between these parties changes the outcome.")
        return t.sort_values("votes_needed", kind="stable").iloc[0]

    def summary(self) -> Summary:
        """Summary (text and HTML): the ten smallest shifts."""
        s = Summary(self.method, items=[
            ("What must change", f"the {self.target}"), ("Seats", f"{self.n_seats:,}"),
            ("Shares of", f"{self.base} ({self.base_total:,})"),
        ])
        s.add_table(self.table.head(10), caption="Fewest votes moved between two parties that change the outcome",
                    formats={"votes_needed": "count", "share_of_base": "share"})
        s.add_note(f"Note: {self.caveat}")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s


# ---------------------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------------------


def _pass_matrix(v: np.ndarray, thresholds: Sequence[Fraction], base: Fraction, inclusive: bool) -> np.ndarray:
    """(len(thresholds), n) exact pass masks for one base."""
    return np.array([passes_threshold(v, t, base, inclusive=inclusive) for t in thresholds], dtype=bool)


def _allocate_grid(
    v: np.ndarray, r: Resolved, method: str, passed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allocate every row of the pass matrix, each distinct row once."""
    uniq, inverse = np.unique(passed, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    vv = np.broadcast_to(v, uniq.shape).copy()
    seats, admitted, tie = allocate_rows(
        vv, uniq, r._replace(method=method), ties=r.ties, tie_rank=r.tie_rank
    )
    return seats[inverse], admitted[inverse], tie[inverse]


def _tidy(
    r: Resolved, method: str, base: str, base_total: Fraction, xname: str, xs: Sequence[Fraction],
    passed: np.ndarray, seats: np.ndarray, admitted: np.ndarray, tie: np.ndarray,
) -> pd.DataFrame:
    n = len(r.parties)
    k = len(xs)
    return pd.DataFrame(
        {
            "method": method,
            "base": base,
            xname: np.repeat([float(x) for x in xs], n),
            "party": np.tile(np.array(r.parties, dtype=object), k),
            "votes": np.tile(r.votes, k),
            "share": np.tile(r.votes / float(base_total), k),
            "passed": passed.reshape(-1),
            "admitted": admitted.reshape(-1),
            "seats": seats.reshape(-1),
            "tie": np.repeat(tie, n),
        }
    )


def _common_iv(
    votes: Any, seats: Any, kw: dict[str, Any], methods: Any, bases: Any
) -> tuple[Resolved, list[str], list[str]]:
    """Validate the options shared by the sweeps; ties are reported unless ordered."""
    ties = kw.pop("ties")
    r = allocate_iv(
        votes, seats, method=None, threshold=None, threshold_base="valid",
        ties="report" if ties in (None, "raise") else ties, **kw,
    )
    rules = kw.get("rules")
    if methods is None:
        methods = [r.method]
    elif isinstance(methods, str):
        methods = [methods]
    method_list = [canonical_method(m) for m in methods]
    if bases is None:
        bases = ["valid" if rules is None else get_rules(rules).threshold_base]
    elif isinstance(bases, str):
        bases = [bases]
    base_list = [check_base(b) for b in bases]
    if not method_list or not base_list:
        raise ValueError("`methods` and `bases` must not be empty.")
    return r, method_list, base_list


def _need_base(totals: dict[str, int | None], base: str) -> int:
    value = totals[base]
    if value is None:
        need = "`invalid=` or `participants=`" if base == "participants" else "`registered=`"
        raise ValueError(f"base {base!r} needs {need}.")
    return value


def threshold_sweep(
    votes: Any,
    seats: int | None = None,
    *,
    thresholds: Sequence[Any] | None = None,
    methods: str | Sequence[str] | None = None,
    bases: str | Sequence[str] | None = None,
    rules: Any = None,
    at_threshold: str | None = None,
    min_parties: int | None = None,
    runner_up_factor: Any = None,
    runner_up_min_seats: int | None = None,
    ties: str | None = None,
    tie_order: Sequence[Hashable] | None = None,
    parties: Sequence[Hashable] | None = None,
    other_valid: int = 0,
    invalid: int | None = None,
    participants: int | None = None,
    registered: int | None = None,
) -> SeatSweep:
    """Seats of every party as a function of the threshold, for several methods and bases.

    A deterministic sensitivity analysis, not a test: it shows which conclusions about
    seats depend on the threshold, on what it is a share of, and on the method.

    Parameters
    ----------
    votes : mapping, Series or array of int
        Votes per party list (see :func:`~electionstats.allocation.allocate`).
    seats : int, optional
        Seats to allocate (default: from ``rules``).
    thresholds : sequence of numbers, optional
        Thresholds in [0, 1) (floats are read as the decimals they print as). Default: 0 to
        15 % in steps of 0.1 point, plus the legal threshold of ``rules``.
    methods : str or sequence of str, optional
        Allocation methods (default: the rules' method, else ``'hare'``).
    bases : str or sequence of {'valid', 'participants', 'registered'}, optional
        Threshold bases (default: the rules' base, else ``'valid'``). ``'participants'``
        needs ``invalid`` or ``participants``; ``'registered'`` needs ``registered``.
    rules : str or Rules, optional
        A preset (``'kazakhstan-2021'``); its options are the defaults of those below.
    at_threshold, min_parties, runner_up_factor, runner_up_min_seats, tie_order, parties, other_valid, invalid, participants, registered
        As in :func:`~electionstats.allocation.allocate`.
    ties : {'report', 'order', 'raise'}, optional
        Ties are reported in the ``tie`` column by default (``'raise'`` is treated as
        ``'report'`` here, so that one tie does not stop a sweep).

    Returns
    -------
    SeatSweep
        ``table`` (tidy), ``pivot()``, ``changes()``, ``plot()``.

    See Also
    --------
    invalid_sweep : seats across shares of spoiled ballots.
    minimal_shift : fewest votes that change the outcome.
    electionstats.allocation.allocate : one allocation, with quotas and remainders.

    Notes
    -----
    A party passes at threshold ``t`` when ``votes >= t x base`` (``at_threshold='pass'``),
    compared exactly. Seats are a step function of the threshold: they change only at the
    thresholds equal to a party's share of the base, so the grid only needs to be fine
    enough to show those steps (:attr:`AllocationResult.shares` gives them exactly). Each
    distinct set of admitted parties is allocated once.

    References
    ----------
    .. [1] Pukelsheim, F. (2017). Proportional Representation, 2nd ed. Springer.
       :doi:`10.1007/978-3-319-64707-4`

    Examples
    --------
    >>> votes = {"Nur Otan": 5148074, "Ak Zhol": 792828, "People's Party": 659019,
    ...          "Auyl": 383023, "Adal": 258618}
    >>> sw = threshold_sweep(votes, rules="kazakhstan-2021", participants=7539280,
    ...                      thresholds=[0.03, 0.05, 0.07], bases=["valid", "participants"])
    >>> sw.pivot(base="participants").astype(int).values.tolist()
    [[70, 11, 9, 5, 3], [72, 11, 9, 6, 0], [76, 12, 10, 0, 0]]
    """
    kw = dict(
        rules=rules, parties=parties, at_threshold=at_threshold, min_parties=min_parties,
        runner_up_factor=runner_up_factor, runner_up_min_seats=runner_up_min_seats, ties=ties,
        tie_order=tie_order, other_valid=other_valid, invalid=invalid, participants=participants,
        registered=registered,
    )
    r, method_list, base_list = _common_iv(votes, seats, kw, methods, bases)
    legal = r.threshold if rules is not None else None
    if thresholds is None:
        grid = sorted(set(DEFAULT_THRESHOLDS) | ({legal} if legal is not None else set()))
    else:
        grid = [check_threshold(t, "thresholds") for t in np.atleast_1d(np.asarray(thresholds, dtype=object)).tolist()]
        if not grid:
            raise ValueError("`thresholds` is empty.")
    totals = base_totals(r.votes, other_valid=r.other_valid, invalid=r.invalid, registered=r.registered)
    inclusive = r.at_threshold == "pass"
    frames = []
    for base in base_list:
        total = _need_base(totals, base)
        passed = _pass_matrix(r.votes, grid, Fraction(total), inclusive)
        for method in method_list:
            s, adm, tie = _allocate_grid(r.votes, r, method, passed)
            frames.append(_tidy(r, method, base, Fraction(total), "threshold", grid, passed, s, adm, tie))
    return SeatSweep(
        table=pd.concat(frames, ignore_index=True),
        x="threshold",
        n_seats=r.seats,
        parties=r.parties,
        methods=tuple(method_list),
        bases=tuple(base_list),
        legal_threshold=legal,
        rules=r.rules_name,
    )


def invalid_sweep(
    votes: Any,
    seats: int | None = None,
    *,
    invalid_shares: Sequence[Any] | None = None,
    threshold: Any = None,
    methods: str | Sequence[str] | None = None,
    rules: Any = None,
    at_threshold: str | None = None,
    min_parties: int | None = None,
    runner_up_factor: Any = None,
    runner_up_min_seats: int | None = None,
    ties: str | None = None,
    tie_order: Sequence[Hashable] | None = None,
    parties: Sequence[Hashable] | None = None,
    other_valid: int = 0,
) -> SeatSweep:
    """Seats as a function of the share of spoiled ballots, with the threshold on participants.

    When the threshold counts every voter who took part (Kazakh law), spoiled ballots raise
    the bar: with a share ``s`` of spoiled ballots, a party needs ``t / (1 - s)`` of the
    valid votes. The party votes stay fixed; the number of participants is
    ``valid / (1 - s)``.

    Parameters
    ----------
    votes : mapping, Series or array of int
        Votes per party list.
    seats : int, optional
        Seats (default: from ``rules``).
    invalid_shares : sequence of numbers, optional
        Shares of spoiled ballots among all ballots, in [0, 1) (default 0 to 30 % by 0.5 point).
    threshold : number, optional
        Threshold as a share of participants (default: the rules', else 0).
    methods, rules, at_threshold, min_parties, runner_up_factor, runner_up_min_seats, ties, tie_order, parties, other_valid
        As in :func:`threshold_sweep`.

    Returns
    -------
    SeatSweep
        With ``x = 'invalid_share'`` and base ``'participants'``.

    See Also
    --------
    threshold_sweep

    Notes
    -----
    Exact: the participants ``valid / (1 - s)`` are kept as a fraction.

    References
    ----------
    .. [1] Pukelsheim, F. (2017). Proportional Representation, 2nd ed. Springer.
       :doi:`10.1007/978-3-319-64707-4`

    Examples
    --------
    >>> votes = {"A": 700, "B": 8000, "C": 1300}
    >>> sw = invalid_sweep(votes, 10, threshold=0.07, invalid_shares=[0, 0.12])
    >>> sw.pivot().astype(int).values.tolist()
    [[1, 8, 1], [0, 9, 1]]
    """
    kw = dict(
        rules=rules, parties=parties, at_threshold=at_threshold, min_parties=min_parties,
        runner_up_factor=runner_up_factor, runner_up_min_seats=runner_up_min_seats, ties=ties,
        tie_order=tie_order, other_valid=other_valid, invalid=0, participants=None, registered=None,
    )
    r, method_list, _ = _common_iv(votes, seats, kw, methods, ["participants"])
    t = r.threshold if threshold is None else check_threshold(threshold)
    if invalid_shares is None:
        grid = [Fraction(k, 200) for k in range(61)]
    else:
        grid = [check_threshold(s, "invalid_shares") for s in np.atleast_1d(np.asarray(invalid_shares, dtype=object)).tolist()]
        if not grid:
            raise ValueError("`invalid_shares` is empty.")
    valid = int(r.votes.sum()) + r.other_valid
    inclusive = r.at_threshold == "pass"
    passed = np.array(
        [passes_threshold(r.votes, t, Fraction(valid) / (1 - s), inclusive=inclusive) for s in grid], dtype=bool
    )
    frames = []
    for method in method_list:
        s_, adm, tie = _allocate_grid(r.votes, r, method, passed)
        frame = _tidy(r, method, "participants", Fraction(valid), "invalid_share", grid, passed, s_, adm, tie)
        frame["share"] = np.outer([float(1 - s) for s in grid], r.votes / valid).reshape(-1)
        frames.append(frame)
    return SeatSweep(
        table=pd.concat(frames, ignore_index=True),
        x="invalid_share",
        n_seats=r.seats,
        parties=r.parties,
        methods=tuple(method_list),
        bases=("participants",),
        legal_threshold=t,
        rules=r.rules_name,
    )


# ---------------------------------------------------------------------------------------
# Minimal shift
# ---------------------------------------------------------------------------------------

_TARGETS = ("seats", "passed", "any")
#: Largest number of parties :func:`minimal_shift` takes (it searches every ordered pair).
MAX_SHIFT_PARTIES = 200
_SHIFT_CELLS = 2**20


def minimal_shift(
    votes: Any,
    seats: int | None = None,
    *,
    target: str = "seats",
    rules: Any = None,
    method: str | None = None,
    threshold: Any = None,
    threshold_base: str | None = None,
    at_threshold: str | None = None,
    min_parties: int | None = None,
    runner_up_factor: Any = None,
    runner_up_min_seats: int | None = None,
    ties: str | None = None,
    tie_order: Sequence[Hashable] | None = None,
    parties: Sequence[Hashable] | None = None,
    other_valid: int = 0,
    invalid: int | None = None,
    participants: int | None = None,
    registered: int | None = None,
) -> ShiftResult:
    """The fewest votes that must move from one party to another to change the outcome.

    For every ordered pair of parties (from, to), the smallest number of votes ``k`` such
    that moving ``k`` votes from the first to the second changes any party's seats
    (``target='seats'``), the set of parties passing the threshold (``'passed'``) or either
    (``'any'``). An exact tie counts as a change. The totals, hence every threshold base,
    stay fixed.

    Parameters
    ----------
    votes : mapping, Series or array of int
        Votes per party list.
    seats : int, optional
        Seats (default: from ``rules``).
    target : {'seats', 'passed', 'any'}
        What must change.
    rules, method, threshold, threshold_base, at_threshold, min_parties, runner_up_factor, runner_up_min_seats, ties, tie_order, parties, other_valid, invalid, participants, registered
        As in :func:`~electionstats.allocation.allocate`.

    Returns
    -------
    ShiftResult
        ``table`` (``from``, ``to``, ``votes_needed``, ``share_of_base``, ``change``),
        sorted by votes needed; ``minimum``; ``baseline`` seats.

    See Also
    --------
    threshold_sweep

    Notes
    -----
    For each pair the search is a bisection on ``k`` (all pairs at once, vectorised), which
    finds the smallest ``k`` when the outcome, once changed, does not return as more votes
    move. That holds here: moving votes from A to B lowers A's quotients and raises B's, so
    A's seats never rise and B's never fall under divisor methods (which are vote
    monotone) and under largest remainder with a fixed set of admitted parties, and a party
    that crosses the threshold does not cross back. With the ``min_parties`` rule the
    runner-up can change hands more than once; the result is then a change point, not
    necessarily the smallest.

    Every ordered pair is searched, so the work grows as n**3 log(votes): at most
    :data:`MAX_SHIFT_PARTIES` parties are accepted (more raise ``ValueError`` before any
    large allocation); the pairs are processed in batches of bounded memory.

    References
    ----------
    .. [1] Balinski, M. L. and Young, H. P. (2001). Fair Representation, 2nd ed.
       Brookings Institution Press.

    Examples
    --------
    >>> votes = {"A": 4500, "B": 3500, "C": 690, "D": 1310}
    >>> res = minimal_shift(votes, 10, threshold=0.07, target="passed")
    >>> best = res.minimum
    >>> best["from"], best["to"], int(best["votes_needed"]), best["change"]
    ('A', 'C', 10, 'A 5->4; C passes; C 0->1')
    """
    if target not in _TARGETS:
        raise ValueError(f"`target` must be one of {_TARGETS} (got {target!r}).")
    r = allocate_iv(
        votes, seats, rules=rules, parties=parties, method=method, threshold=threshold,
        threshold_base=threshold_base, at_threshold=at_threshold, min_parties=min_parties,
        runner_up_factor=runner_up_factor, runner_up_min_seats=runner_up_min_seats,
        ties=ties if ties is not None else "report", tie_order=tie_order, other_valid=other_valid,
        invalid=invalid, participants=participants, registered=registered,
    )
    v = r.votes
    n = v.size
    if n < 2:
        raise ValueError("`votes` needs at least two parties to move votes between.")
    if n > MAX_SHIFT_PARTIES:
        raise ValueError(
            f"minimal_shift compares every ordered pair of parties (n x (n - 1) searches, {n * (n - 1):,} "
            f"here); it is limited to {MAX_SHIFT_PARTIES} parties (got {n:,}). Keep the lists you want "
            "to compare and the ones near a seat or the threshold."
        )
    inclusive = r.at_threshold == "pass"

    def outcome(mat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        passed = pass_rows(mat, r.threshold, r.base_total, inclusive)
        s, _, tie = allocate_rows(mat, passed, r, ties=r.ties, tie_rank=r.tie_rank)
        return s, passed, tie

    base_s, base_p, base_t = outcome(v[None, :])
    src, dst = np.array([(a, b) for a in range(n) for b in range(n) if a != b and v[a] > 0]).T

    chunk = max(1, _SHIFT_CELLS // n)  # pairs per batch: temporaries stay near 8 MB

    def moved(k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Outcomes after moving k[i] votes from src[i] to dst[i], in bounded batches."""
        outs = []
        for lo_ in range(0, k.size, chunk):
            sl = slice(lo_, lo_ + chunk)
            kk = k[sl]
            mat = np.repeat(v[None, :], kk.size, axis=0)
            rows = np.arange(kk.size)
            mat[rows, src[sl]] -= kk
            mat[rows, dst[sl]] += kk
            outs.append(outcome(mat))
        return tuple(np.concatenate([o[i] for o in outs]) for i in range(3))

    def differs(k: np.ndarray) -> np.ndarray:
        s, p, tie = moved(k)
        seat_change = (s != base_s).any(axis=1) | (tie != base_t[0])
        pass_change = (p != base_p).any(axis=1)
        if target == "seats":
            return seat_change
        if target == "passed":
            return pass_change
        return seat_change | pass_change

    hi = v[src].astype(np.int64)
    possible = differs(hi)
    lo = np.zeros_like(hi)  # outcome at lo equals the baseline
    active = possible.copy()
    while active.any():
        mid = (lo + hi) // 2
        step = active & (hi - lo > 1)
        if not step.any():
            break
        d = differs(np.where(step, mid, hi))
        hi = np.where(step & d, mid, hi)
        lo = np.where(step & ~d, mid, lo)
        active = step
    needed = np.where(possible, hi, -1)
    # describe the change at the minimal k
    s_after, p_after, t_after = moved(np.where(possible, needed, 0))
    labels = r.parties
    change = []
    for i in range(src.size):
        if not possible[i]:
            change.append("no change possible")
            continue
        parts = []
        for j in range(n):
            if p_after[i, j] != base_p[0, j]:
                parts.append(f"{labels[j]} {'passes' if p_after[i, j] else 'falls below'}")
            if s_after[i, j] != base_s[0, j]:
                parts.append(f"{labels[j]} {base_s[0, j]}->{s_after[i, j]}")
        if t_after[i]:
            parts.append("exact tie")
        change.append("; ".join(parts))
    table = pd.DataFrame(
        {
            "from": [labels[a] for a in src],
            "to": [labels[b] for b in dst],
            "votes_needed": pd.array([int(x) if ok else None for x, ok in zip(needed, possible)], dtype="Int64"),
            "share_of_base": np.where(possible, needed / r.base_total, np.nan),
            "change": change,
        }
    )
    table = table.sort_values("votes_needed", kind="stable", na_position="last").reset_index(drop=True)
    return ShiftResult(
        table=table,
        baseline=pd.Series(base_s[0], index=pd.Index(labels, name="party"), name="seats"),
        target=target,
        n_seats=r.seats,
        base=r.base,
        base_total=r.base_total,
    )


def pass_rows(mat: np.ndarray, t: Fraction, base_total: int, inclusive: bool) -> np.ndarray:
    """Exact threshold test for a matrix of votes with one base."""
    rhs = t.numerator * base_total
    if int(mat.max()) * t.denominator < INT_LIMIT and rhs < INT_LIMIT:
        lhs = mat * t.denominator
        return lhs >= rhs if inclusive else lhs > rhs
    return np.array([passes_threshold(row, t, base_total, inclusive=inclusive) for row in mat])
