"""Tests of electionstats.sensitivity: sweeps agree with single allocations; minimal shifts
agree with an exhaustive search."""

from __future__ import annotations

from fractions import Fraction

import matplotlib
import numpy as np
import pytest

from electionstats.allocation import AllocationTieError, allocate
from electionstats.sensitivity import invalid_sweep, minimal_shift, threshold_sweep

matplotlib.use("Agg")

# CEC final results, 10 January 2021 Majilis (The Astana Times, 12 January 2021)
KZ2021 = {
    "Nur Otan": 5_148_074,
    "Ak Zhol": 792_828,
    "People's Party": 659_019,
    "Auyl": 383_023,
    "Adal": 258_618,
}
PARTICIPANTS = 7_539_280  # voters who received ballots
REGISTERED = 11_919_241


def test_sweep_matches_single_allocations():
    grid = [0, 0.03, 0.05, 0.07, 0.09, 0.12]
    sw = threshold_sweep(
        KZ2021, rules="kazakhstan-2021", participants=PARTICIPANTS, registered=REGISTERED,
        thresholds=grid, methods=["hare", "dhondt", "sainte_lague", "droop"],
        bases=["valid", "participants", "registered"],
    )
    assert len(sw.table) == len(grid) * 4 * 3 * 5
    for method in sw.methods:
        for base in sw.bases:
            wide = sw.pivot(method=method, base=base)
            for t in grid:
                kw = {"runner_up_factor": 1} if method != "hare" and method != "droop" else {}
                one = allocate(
                    KZ2021, rules="kazakhstan-2021", method=method, threshold=t, threshold_base=base,
                    participants=PARTICIPANTS, registered=REGISTERED, **kw,
                )
                assert wide.loc[t].tolist() == one.seats.tolist(), (method, base, t)


def test_sweep_known_values():
    sw = threshold_sweep(KZ2021, rules="kazakhstan-2021", participants=PARTICIPANTS, thresholds=[0.03, 0.07])
    # 3 %: all five admitted; Hare quotients 69.67 / 10.73 / 8.92 / 5.18 / 3.50 -> floors
    # 69/10/8/5/3 (95) + remainders to People's Party (.92), Ak Zhol (.73), Nur Otan (.67)
    assert sw.pivot().loc[0.03].tolist() == [70, 11, 9, 5, 3]
    assert sw.pivot().loc[0.07].tolist() == [76, 12, 10, 0, 0]
    assert sw.legal_threshold == Fraction(7, 100)


def test_steps_at_exact_shares():
    auyl = Fraction(383_023, PARTICIPANTS)  # Auyl's exact share of participants
    eps = Fraction(1, 10**12)
    sw = threshold_sweep(KZ2021, 98, thresholds=[auyl, auyl + eps], bases="participants", participants=PARTICIPANTS)
    sub = sw.table[sw.table["party"] == "Auyl"]
    assert sub["passed"].tolist() == [True, False]
    sw = threshold_sweep(
        KZ2021, 98, thresholds=[auyl], bases="participants", participants=PARTICIPANTS, at_threshold="fail"
    )
    assert not sw.table.loc[sw.table["party"] == "Auyl", "passed"].item()
    ch = threshold_sweep(KZ2021, 98, bases="participants", participants=PARTICIPANTS).changes()
    # steps where Adal (3.43 %), Auyl (5.08 %), People's Party (8.74 %) and Ak Zhol (10.52 %) fall out
    assert [round(x, 3) for x in ch.index] == [0.0, 0.035, 0.051, 0.088, 0.106]


def test_bases_disagree_between_shares():
    # People's Party: 9.10 % of party votes but 8.74 % of participants
    sw = threshold_sweep(KZ2021, 98, thresholds=[0.09], bases=["valid", "participants"], participants=PARTICIPANTS)
    t = sw.table[sw.table["party"] == "People's Party"].set_index("base")["passed"]
    assert t["valid"] and not t["participants"]


def test_invalid_sweep_raises_the_bar():
    # A has 7.5 % of valid votes: passes 7 % of participants with no spoiled ballots; with
    # 12 % spoiled it needs 7 / 0.88 = 7.95 % of the valid votes and fails.
    votes = {"A": 750, "B": 8000, "C": 1250}
    sw = invalid_sweep(votes, 10, threshold=0.07, invalid_shares=[0, 0.12])
    assert sw.table.loc[sw.table["party"] == "A", "passed"].tolist() == [True, False]
    # exactly at the boundary: 750 / 10000 = 0.07 / (1 - s) -> s = 1 - 0.07 / 0.075 = 1/15
    sw = invalid_sweep(votes, 10, threshold=0.07, invalid_shares=[Fraction(1, 15)])
    assert sw.table.loc[sw.table["party"] == "A", "passed"].item()
    kz = invalid_sweep(KZ2021, rules="kazakhstan-2021")
    assert kz.pivot().loc[0.0].tolist() == [76, 12, 10, 0, 0]
    # People's Party (9.10 % of party votes) falls below 7 % of participants above 23.1 % spoiled
    ch = kz.changes()
    assert ch.index.tolist() == [0.0, 0.235]


def brute_shift(votes, seats, method, threshold, target):
    """Exhaustive search: the smallest k for every pair, one allocation per k."""
    base = allocate(votes, seats, method=method, threshold=threshold, ties="report")
    out = {}
    n = len(votes)
    for a in range(n):
        for b in range(n):
            if a == b or votes[a] == 0:
                continue
            for k in range(1, votes[a] + 1):
                w = list(votes)
                w[a] -= k
                w[b] += k
                try:
                    res = allocate(w, seats, method=method, threshold=threshold, ties="report")
                except ValueError:
                    continue
                seats_changed = res.seats.tolist() != base.seats.tolist() or res.n_tied_seats != base.n_tied_seats
                pass_changed = res.passed != base.passed
                if (seats_changed if target == "seats" else pass_changed):
                    out[(a, b)] = k
                    break
    return out


@pytest.mark.parametrize("seed", range(6))
def test_minimal_shift_matches_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    votes = rng.integers(5, 120, 4).tolist()
    method = ["hare", "dhondt", "sainte_lague"][seed % 3]
    target = ["seats", "passed"][seed % 2]
    try:
        res = minimal_shift(votes, 7, method=method, threshold=0.1, target=target)
    except (ValueError, AllocationTieError):
        pytest.skip("no party passes in this draw")
    expected = brute_shift(votes, 7, method, Fraction(1, 10), target)
    t = res.table.dropna(subset=["votes_needed"])
    got = {(a, b): int(k) for a, b, k in zip(t["from"], t["to"], t["votes_needed"])}
    assert got == expected


def test_minimal_shift_kazakhstan():
    res = minimal_shift(KZ2021, rules="kazakhstan-2021", participants=PARTICIPANTS, target="passed")
    best = res.minimum
    # People's Party passes with 131,269 votes to spare over 7 % of 7,539,280 (527,750):
    # moving 131,270 of its votes to anyone drops it below.
    assert best["from"] == "People's Party" and best["votes_needed"] == 131_270
    assert "People's Party falls below" in best["change"]
    seats = minimal_shift(KZ2021, rules="kazakhstan-2021", participants=PARTICIPANTS)
    assert seats.baseline.tolist() == [76, 12, 10, 0, 0]
    assert int(seats.minimum["votes_needed"]) < 131_270
    assert "Fewest votes" in seats.summary()


def test_plots_and_views():
    import matplotlib.pyplot as plt

    sw = threshold_sweep(KZ2021, rules="kazakhstan-2021", participants=PARTICIPANTS, methods=["hare", "dhondt"])
    ax = sw.plot(method="dhondt")
    assert len(ax.get_lines()) >= 5 and "threshold" in ax.get_xlabel()
    assert "seats change" in sw.summary() and "<div" in sw._repr_html_()
    assert "@book{balinski2001" in sw.cite()
    with pytest.raises(ValueError, match="not in this sweep"):
        sw.pivot(base="registered")
    plt.close("all")


def test_bad_input():
    with pytest.raises(ValueError, match=r"`thresholds` must be a share in \[0, 1\)"):
        threshold_sweep(KZ2021, 98, thresholds=[7])
    with pytest.raises(ValueError, match="`thresholds` is empty"):
        threshold_sweep(KZ2021, 98, thresholds=[])
    with pytest.raises(ValueError, match="needs `registered=`"):
        threshold_sweep(KZ2021, 98, bases=["registered"])
    with pytest.raises(ValueError, match="`method` must be one of"):
        threshold_sweep(KZ2021, 98, methods=["borda"])
    with pytest.raises(ValueError, match="`threshold_base` must be one of"):
        threshold_sweep(KZ2021, 98, bases=["turnout"])
    with pytest.raises(ValueError, match=r"`invalid_shares` must be a share in \[0, 1\)"):
        invalid_sweep(KZ2021, 98, invalid_shares=[1.2])
    with pytest.raises(ValueError, match="`target` must be one of"):
        minimal_shift(KZ2021, 98, target="votes")
    with pytest.raises(ValueError, match="at least two parties"):
        minimal_shift({"A": 5}, 3)


def test_results_are_table_results():
    from electionstats._results import Summary, TableResult

    sw = threshold_sweep(KZ2021, 98, thresholds=[0.05, 0.07])
    sh = minimal_shift({"A": 4500, "B": 3500, "C": 690, "D": 1310}, 10, threshold=0.07)
    for res in (sw, sh):
        assert isinstance(res, TableResult) and isinstance(res.summary(), Summary)
        assert res.to_frame().equals(res.table) and "@book{balinski2001" in res.cite()
        assert "<table" in res._repr_html_()
    assert sw == threshold_sweep(KZ2021, 98, thresholds=[0.05, 0.07])  # equality by value
