"""Tests of electionstats.allocation: published seat counts, hand computations, peers."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import electionstats as es
from electionstats.allocation import (
    METHODS,
    AllocationTieError,
    _allocate_batch,
    allocate,
    get_rules,
    passes_threshold,
)
from results.published import (
    KAZAKHSTAN_2016,
    KAZAKHSTAN_2021_QUOTA,
    KAZAKHSTAN_2021_REMAINDERS,
    KAZAKHSTAN_2021_SEATS,
)

# CEC final results, 10 January 2021 Majilis (The Astana Times, 12 January 2021; almaty.tv).
KZ2021 = {
    "Nur Otan": 5_148_074,
    "Ak Zhol": 792_828,
    "People's Party": 659_019,
    "Auyl": 383_023,
    "Adal": 258_618,
}
KZ2021_PARTICIPANTS = 7_539_280  # voters who received ballots (CEC via The Astana Times)
# CEC final results, 19 March 2023 Majilis (newtimes.kz); percentages are of all 6,366,441
# ballots including 248,291 "against all".
KZ2023 = {
    "Amanat": 3_431_510,
    "Auyl": 693_938,
    "Respublica": 547_154,
    "Ak Zhol": 535_139,
    "People's Party": 432_920,
    "OSDP": 331_058,
    "Baytaq": 146_431,
}
KZ2023_AGAINST_ALL = 248_291


def brute_force(votes, seats, method, threshold=Fraction(0)):
    """Independent reference: Fractions everywhere; divisor methods by sorting every quotient.

    Returns the seat list, or "tie" when the last seat(s) are exactly tied.
    """
    base = sum(votes)
    va = [v if v >= threshold * base else 0 for v in votes]
    total, n = sum(va), len(votes)
    if method in ("hare", "droop", "hagenbach_bischoff"):
        quota = {
            "hare": Fraction(total, seats),
            "hagenbach_bischoff": Fraction(total, seats + 1),
            "droop": Fraction(total // (seats + 1) + 1),
        }[method]
        quot = [Fraction(v) / quota for v in va]
        floors = [q.numerator // q.denominator for q in quot]
        rem = [q - f for q, f in zip(quot, floors)]
        left = seats - sum(floors)
        if left < 0:
            return "overaward"  # Hagenbach-Bischoff with whole quotients (tested separately)
        if left == 0:
            return floors
        if left > sum(1 for v in va if v > 0 or threshold == 0):
            return "too few votes"
        order = sorted(range(n), key=lambda i: rem[i], reverse=True)
        cut = rem[order[left - 1]]
        if left < n and rem[order[left]] == cut:
            return "tie"
        return [f + (r >= cut) for f, r in zip(floors, rem)]
    def div(k):
        if method == "dhondt":
            return Fraction(k + 1)
        if method == "modified_sainte_lague" and k == 0:
            return Fraction(7, 10)
        return Fraction(2 * k + 1, 2)
    entries = sorted(
        ((Fraction(v) / div(k), i) for i, v in enumerate(va) if v > 0 for k in range(seats + 1)),
        key=lambda e: e[0],
        reverse=True,
    )
    if len(entries) > seats and entries[seats - 1][0] == entries[seats][0]:
        return "tie"
    out = [0] * n
    for _, i in entries[:seats]:
        out[i] += 1
    return out


def ours(votes, seats, method, threshold=0):
    res = allocate(votes, seats, method=method, threshold=threshold, ties="report")
    return "tie" if res.n_tied_seats else res.seats.tolist()


# -- published seats -----------------------------------------------------------------


def test_kazakhstan_2021_official_seats():
    res = allocate(KZ2021, rules="kazakhstan-2021", participants=KZ2021_PARTICIPANTS)
    assert res.seats.to_dict() == KAZAKHSTAN_2021_SEATS
    assert res.passed == ["Nur Otan", "Ak Zhol", "People's Party"]
    # hand computation (METHODS.md C16): quota 6,599,921 / 98, remainders .44 / .77 / .79
    assert res.quota == KAZAKHSTAN_2021_QUOTA
    rem = res.table["remainder"].to_numpy()[:3]
    np.testing.assert_allclose(rem, KAZAKHSTAN_2021_REMAINDERS, atol=1e-6)
    assert res.table["status"].tolist()[3:] == ["below threshold", "below threshold"]


def test_kazakhstan_2021_other_methods():
    assert allocate(KZ2021, 98, method="dhondt", threshold=0.07).seats.tolist() == [77, 12, 9, 0, 0]
    assert allocate(KZ2021, 98, method="sainte_lague", threshold=0.07).seats.tolist() == [76, 12, 10, 0, 0]
    # the base does not matter in 2021: shares of party votes or of participants
    for base in ("valid", "participants"):
        res = allocate(KZ2021, rules="kazakhstan-2021", threshold_base=base, participants=KZ2021_PARTICIPANTS)
        assert res.seats.tolist() == [76, 12, 10, 0, 0]


def test_kazakhstan_2016_percentages():
    # 2016: 82.20 / 7.18 / 7.14 % of party votes (Wikipedia) -> 84 / 7 / 7
    votes, seats = KAZAKHSTAN_2016
    res = allocate(votes, rules="kazakhstan-2016", invalid=0)
    assert res.seats.tolist() == seats


@pytest.mark.parametrize("base", ["valid", "participants"])
def test_kazakhstan_2023_official_seats(base):
    res = allocate(
        KZ2023, rules="kazakhstan-2023", threshold_base=base, other_valid=KZ2023_AGAINST_ALL, invalid=0
    )
    assert res.seats.tolist() == [40, 8, 6, 6, 5, 4, 0]
    assert res.base_total == 6_366_441
    # README seat check: quota 5,971,719 / 69
    assert res.quota == Fraction(5_971_719, 69)


def test_presets_document_uncertainty():
    r = get_rules("kazakhstan-2021")
    assert (r.seats, r.threshold, r.threshold_base, r.min_parties, r.runner_up_factor) == (
        98, Fraction(7, 100), "participants", 2, Fraction(7, 10)
    )
    assert "Uncertain" in r.notes
    assert "Unverified" in get_rules("kazakhstan-2023").notes
    with pytest.raises(ValueError, match="one of"):
        get_rules("kazakhstan-1999")


# -- threshold at equality, bases ----------------------------------------------------


def test_party_exactly_at_threshold():
    votes = {"A": 7, "B": 93}  # A has exactly 7 % of the valid votes
    assert allocate(votes, 10, threshold=0.07).passed == ["A", "B"]
    assert allocate(votes, 10, threshold=0.07, at_threshold="fail").passed == ["B"]
    assert allocate(votes, 10, threshold=0.07, at_threshold="fail").seats.tolist() == [0, 10]
    # 0.07 is read as exactly 7/100 (apportionment's float product excludes this party)
    assert allocate(votes, 10, threshold=0.07).threshold == Fraction(7, 100)
    # same share at other totals: 70 of 1000
    assert allocate({"A": 70, "B": 930}, 10, threshold=0.07).passed == ["A", "B"]


def test_threshold_bases():
    votes = {"A": 70, "B": 830}
    # 70 of 900 valid = 7.8 %; of 1000 participants = 7 % exactly; of 2000 registered = 3.5 %
    assert allocate(votes, 10, threshold=0.07, threshold_base="valid").passed == ["A", "B"]
    assert allocate(votes, 10, threshold=0.07, threshold_base="participants", invalid=100).passed == ["A", "B"]
    assert allocate(
        votes, 10, threshold=0.07, threshold_base="participants", invalid=100, at_threshold="fail"
    ).passed == ["B"]
    assert allocate(votes, 10, threshold=0.07, threshold_base="participants", participants=1001).passed == ["B"]
    assert allocate(votes, 10, threshold=0.04, threshold_base="registered", registered=2000).passed == ["B"]
    # other_valid ("against all") counts in the valid base and gets no seats
    res = allocate(votes, 10, threshold=0.07, other_valid=100)
    assert res.base_total == 1000 and res.seats.sum() == 10


def test_runner_up_rule_and_correction_index():
    # Only A passes 7 % of 1000; B, the next largest, is admitted with its quotient x 0.7.
    votes = {"A": 945, "B": 55}
    res = allocate(votes, 10, threshold=0.07, min_parties=2, runner_up_factor=Fraction(7, 10))
    # quota 100: A 9.45, B 0.55 x 0.7 = 0.385 -> remainder seat to A
    assert res.seats.tolist() == [10, 0]
    assert res.admitted == ["A", "B"] and res.passed == ["A"]
    assert res.table.loc["B", "status"] == "admitted as runner-up"
    assert res.table.loc["B", "quotient"] == pytest.approx(0.385)
    # without the correction index B wins the remainder seat
    assert allocate(votes, 10, threshold=0.07, min_parties=2).seats.tolist() == [9, 1]
    # The preset, 98 seats: quota 1000/98; A 92.61, B 5.39 x 0.7 = 3.77; floors 92 + 3 leave
    # 3 seats for 2 parties: one each, the third to the party that passed -> 94 / 4.
    kz = allocate(votes, rules="kazakhstan-2021", invalid=0)
    assert kz.admitted == ["A", "B"] and kz.seats.tolist() == [94, 4]
    # at least two seats for the runner-up (IPU summary): B's 0.69 quotient wins 1 seat, +1 from A
    assert allocate({"A": 990, "B": 10}, rules="kazakhstan-2021", invalid=0).seats.tolist() == [96, 2]
    assert allocate({"A": 990, "B": 10}, rules="kazakhstan-2021", invalid=0,
                    runner_up_min_seats=0).seats.tolist() == [97, 1]


def test_runner_up_tie_needs_order():
    votes = {"A": 900, "B": 50, "C": 50}
    with pytest.raises(AllocationTieError, match="tie for 1 place"):
        allocate(votes, 10, threshold=0.07, min_parties=2)
    res = allocate(votes, 10, threshold=0.07, min_parties=2, ties="order", tie_order=["C", "A", "B"])
    assert res.admitted == ["A", "C"]


# -- ties ------------------------------------------------------------------------------


def test_ties_raise_order_report():
    # apportionment's tie bug (PEERS.md): 14, 14, 29, 43 with 10 seats; correct is
    # C gets the 0.9 remainder and A/B tie for the last seat.
    votes = {"A": 14, "B": 14, "C": 29, "D": 43}
    with pytest.raises(AllocationTieError, match=r"\['A', 'B'\] are exactly tied for the last 1 seat") as err:
        allocate(votes, 10)
    assert err.value.seats == {"A": 1, "B": 1, "C": 3, "D": 4}
    res = allocate(votes, 10, ties="report")
    assert res.seats.tolist() == [1, 1, 3, 4] and res.tied == ["A", "B"] and res.n_tied_seats == 1
    res = allocate(votes, 10, ties="order", tie_order=["B", "A", "C", "D"])
    assert res.seats.tolist() == [1, 2, 3, 4] and res.tie_broken and res.n_tied_seats == 0


def test_dhondt_tie_in_realistic_sample():
    # PEERS.md: 4100/3000/600/1500/800, 98 seats: 3000/32 = 1500/16 tie for the last seat
    votes = [4100, 3000, 600, 1500, 800]
    res = allocate(votes, 98, method="dhondt", threshold=0.07, ties="report")
    assert res.tied == [1, 3] and res.n_tied_seats == 1 and res.seats.sum() == 97


# -- agreement with an independent brute force, with peers, batch = scalar ---------------

vote_lists = st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(lambda v: sum(v) > 0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    votes=vote_lists,
    seats=st.integers(1, 60),
    method=st.sampled_from(METHODS),
    t=st.integers(0, 20),
)
def test_matches_brute_force(votes, seats, method, t):
    threshold = Fraction(t, 100)
    if not any(v > 0 and v >= threshold * sum(votes) for v in votes):
        return
    expected = brute_force(votes, seats, method, threshold)
    if expected == "too few votes":  # Droop quota with too few votes for the seats
        with pytest.raises(ValueError, match="too few votes"):
            ours(votes, seats, method, threshold)
        return
    got = ours(votes, seats, method, threshold)
    if expected != "overaward":
        assert got == expected


def test_hagenbach_bischoff_overaward_is_a_tie():
    # quota 30/3 = 10: quotients 1 and 2 are whole -> 3 seats for 2; a tie for losing one
    res = allocate([10, 20], 2, method="hagenbach_bischoff", ties="report")
    assert res.seats.tolist() == [0, 1] and res.n_tied_seats == 1 and res.tied == [0, 1]
    # a single seat holder is not tied with anyone: it keeps every seat
    assert allocate([0, 1], 1, method="hagenbach_bischoff").seats.tolist() == [0, 1]


@settings(max_examples=200, deadline=None)
@given(votes=vote_lists, seats=st.integers(1, 40), method=st.sampled_from(["hare", "dhondt", "sainte_lague"]))
def test_agrees_with_votelib(votes, seats, method):
    proportional = pytest.importorskip("votelib.evaluate.proportional")
    ev = (
        proportional.LargestRemainder("hare")
        if method == "hare"
        else proportional.HighestAverages({"dhondt": "d_hondt", "sainte_lague": "sainte_lague"}[method])
    )
    res = allocate(votes, seats, method=method, ties="report")
    theirs = ev.evaluate({i: v for i, v in enumerate(votes) if v > 0}, seats)
    if res.n_tied_seats:
        assert any(not isinstance(k, int) for k in theirs)  # votelib reports a Tie too
        return
    assert {i: s for i, s in enumerate(res.seats.tolist()) if s} == {k: s for k, s in theirs.items() if s}


@settings(max_examples=200, deadline=None)
@given(
    votes=vote_lists,
    seats=st.integers(1, 40),
    method=st.sampled_from(["hare", "dhondt", "sainte_lague", "modified_sainte_lague"]),
)
def test_agrees_with_apportionment_without_ties(votes, seats, method):
    am = pytest.importorskip("apportionment.methods")
    name = {"hare": "largest_remainder", "dhondt": "dhondt", "sainte_lague": "saintelague",
            "modified_sainte_lague": "modified_saintelague"}[method]
    res = allocate(votes, seats, method=method, ties="report")
    if res.n_tied_seats:  # apportionment breaks ties silently in list order (and wrongly for LR)
        return
    assert am.compute(name, votes, seats, fractions=True, verbose=False) == res.seats.tolist()


def test_votelib_boundary_case_documented():
    """votelib's RelativeThreshold(accept_equal=True) drops a party exactly at the threshold
    (it compares the vote count, not the share, with the threshold). Ours admits it with
    at_threshold='pass' and matches votelib only with at_threshold='fail'."""
    core = pytest.importorskip("votelib.evaluate.core")
    threshold = pytest.importorskip("votelib.evaluate.threshold")
    proportional = pytest.importorskip("votelib.evaluate.proportional")
    ev = core.Conditioned(
        threshold.RelativeThreshold(Fraction(7, 100), accept_equal=True), proportional.LargestRemainder("hare")
    )
    votes = {"A": 7, "B": 93}
    theirs = ev.evaluate(votes, 10)
    assert allocate(votes, 10, threshold=0.07).seats.to_dict() == {"A": 1, "B": 9}
    assert theirs == {"B": 10}  # the peer's bug; if this fails, votelib fixed it
    assert allocate(votes, 10, threshold=0.07, at_threshold="fail").seats.to_dict() == {"A": 0, "B": 10}


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.lists(st.integers(0, 5000), min_size=4, max_size=4), min_size=1, max_size=6),
    seats=st.integers(1, 30),
    method=st.sampled_from(METHODS),
    t=st.integers(0, 15),
    min_parties=st.sampled_from([0, 2]),
)
def test_batch_equals_scalar(data, seats, method, t, min_parties):
    v = np.array(data, dtype=np.int64)
    threshold = Fraction(t, 100)
    passed = np.array([passes_threshold(row, threshold, max(int(row.sum()), 1), inclusive=True) for row in v])
    try:
        got, admitted, tie = _allocate_batch(v, seats, method, passed, min_parties=min_parties)
    except ValueError:
        return
    for i, row in enumerate(v):
        if row.sum() == 0:
            continue
        try:
            res = allocate(row, seats, method=method, threshold=threshold, ties="report", min_parties=min_parties)
        except AllocationTieError:  # tie for a runner-up place
            assert tie[i]
            continue
        except ValueError:  # nobody admitted
            assert got[i].sum() == 0
            continue
        assert got[i].tolist() == res.seats.tolist()
        assert bool(tie[i]) == (res.n_tied_seats > 0)
        assert admitted[i].tolist() == res.admitted_array.tolist()


def test_many_parties():
    rng = np.random.default_rng(5)
    votes = rng.integers(0, 100_000, 1000)
    for method in METHODS:
        res = allocate(votes, 98, method=method, threshold=0.0005, ties="report")
        assert res.seats.sum() + res.n_tied_seats == 98


# -- output ----------------------------------------------------------------------------


def test_result_views():
    res = allocate(KZ2021, rules="kazakhstan-2021", participants=KZ2021_PARTICIPANTS)
    df = res.to_frame()
    assert list(df.columns[:3]) == ["method", "party", "votes"]
    assert df["seats"].sum() == 98
    text = res.summary()
    assert "67,346.1327 (exactly 6599921/98)" in text and "participants (7,539,280)" in text
    assert "<table" in res._repr_html_()
    assert "@book{pukelsheim2017" in res.cite() and "kz_election_law" in res.cite()
    assert res.shares["Nur Otan"] == pytest.approx(5_148_074 / 7_539_280)
    dh = allocate(KZ2021, 98, method="dhondt", threshold=0.07)
    assert dh.divisor is not None and dh.quota is None
    assert all(q is None or q >= 0 for q in dh.quotients_exact())


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "kwargs", "error", "match"),
    [
        ({"A": -1, "B": 5}, {}, ValueError, r"negative counts at index labels \['A'\]"),
        ({"A": 1.5, "B": 5}, {}, ValueError, r"whole numbers; 1.5 .*at index labels \['A'\]"),
        ({"A": np.nan, "B": 5}, {}, ValueError, r"missing values \(NaN\) at index labels \['A'\]"),
        ({"A": "x", "B": 5}, {}, TypeError, "not numbers"),
        ({"A": None, "B": 5}, {}, TypeError, "not numbers"),
        ({}, {}, ValueError, "`votes` is empty"),
        ({"A": 0, "B": 0}, {}, ValueError, "all zero"),
        ({"A": 1, "B": 5}, {"threshold": 7}, ValueError, r"\[0, 1\).*pass 0.07"),
        ({"A": 1, "B": 5}, {"threshold": 1.0}, ValueError, r"\[0, 1\)"),
        ({"A": 1, "B": 5}, {"threshold": -0.01}, ValueError, r"\[0, 1\)"),
        ({"A": 1, "B": 5}, {"threshold": float("nan")}, ValueError, "finite"),
        ({"A": 1, "B": 5}, {"method": "borda"}, ValueError, "`method` must be one of"),
        ({"A": 1, "B": 5}, {"threshold_base": "turnout"}, ValueError, "`threshold_base` must be one of"),
        ({"A": 1, "B": 5}, {"threshold_base": "participants"}, ValueError, "needs `invalid=` or `participants=`"),
        ({"A": 1, "B": 5}, {"threshold_base": "registered"}, ValueError, "needs `registered=`"),
        ({"A": 1, "B": 5}, {"ties": "coin"}, ValueError, "`ties` must be one of"),
        ({"A": 1, "B": 5}, {"ties": "order"}, ValueError, "needs `tie_order=`"),
        ({"A": 1, "B": 5}, {"tie_order": ["A"]}, ValueError, r"missing \['B'\]"),
        ({"A": 1, "B": 5}, {"at_threshold": "maybe"}, ValueError, "`at_threshold` must be one of"),
        ({"A": 1, "B": 5}, {"participants": 3}, ValueError, "smaller than the valid votes"),
        ({"A": 1, "B": 95}, {"threshold": 0.99}, ValueError, "no party reaches the threshold"),
    ],
)
def test_bad_input(votes, kwargs, error, match):
    with pytest.raises(error, match=match):
        allocate(votes, 10, **kwargs)


def test_bad_seats():
    with pytest.raises(ValueError, match="non-negative integer"):
        allocate([1, 2], -1)
    with pytest.raises(TypeError, match="`seats` must be a non-negative integer"):
        allocate([1, 2], 2.5)
    with pytest.raises(TypeError, match="`seats` must be a non-negative integer"):
        allocate([1, 2], True)
    with pytest.raises(ValueError, match="too many for exact 64-bit arithmetic"):
        allocate([1, 2], 10**18)
    with pytest.raises(TypeError, match="`seats` is required"):
        allocate([1, 2])
    assert allocate([1, 2], 0).seats.tolist() == [0, 0]


# -- the pure-Python path (plain dicts / lists of ints) equals the numpy path -------------


def _outcome(votes, **kwargs):
    """Everything an allocation gives, or the error it raises (type and message)."""
    try:
        res = allocate(votes, **kwargs)
    except ValueError as exc:  # AllocationTieError is a ValueError
        return type(exc).__name__, str(exc), getattr(exc, "seats", None)
    return (
        res.parties, res.votes.tolist(), res.seats_array.tolist(), res.passed, res.admitted,
        res.passed_array.tolist(), res.admitted_array.tolist(), res.runner_up_array.tolist(),
        res.tied, res.tied_array.tolist(), res.n_tied_seats, res.tie_broken, res.quota, res.divisor,
        res.base_total, res.threshold, res.table["status"].tolist(), repr(res),
    )


# Values that make exact ties and parties exactly at 5 %, 7 %, 10 %, 1/7 or 25 % likely.
tie_prone = st.lists(st.sampled_from([0, 1, 5, 7, 10, 14, 20, 25, 29, 43, 50, 70, 93, 100]), min_size=1, max_size=12)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    votes=tie_prone,
    seats=st.integers(0, 30),
    method=st.sampled_from(METHODS),
    t=st.sampled_from([0, Fraction(1, 20), 0.07, Fraction(1, 10), Fraction(1, 7), "1/4"]),
    at=st.sampled_from(["pass", "fail"]),
    base=st.sampled_from(["valid", "registered"]),
    min_parties=st.sampled_from([0, 2, 3]),
    ties=st.sampled_from(["raise", "report", "order"]),
    data=st.data(),
)
def test_plain_path_equals_numpy_path(votes, seats, method, t, at, base, min_parties, ties, data):
    total = sum(votes)
    kwargs = dict(seats=seats, method=method, threshold=t, at_threshold=at, threshold_base=base,
                  min_parties=min_parties, ties=ties)
    if base == "registered":  # a multiple of 100 puts 7 votes exactly at 7 %
        kwargs["registered"] = max(100, -(-total // 100) * 100)
    if ties == "order":
        kwargs["tie_order"] = data.draw(st.permutations(range(len(votes))))
    general = _outcome(np.array(votes, dtype=np.int64), **kwargs)  # numpy path
    assert _outcome(list(votes), **kwargs) == general  # pure-Python path
    assert _outcome(tuple(votes), **kwargs) == general
    labels = [f"p{i}" for i in range(len(votes))]
    if ties == "order":
        kwargs["tie_order"] = [labels[i] for i in kwargs["tie_order"]]
    import pandas as pd

    assert _outcome(dict(zip(labels, votes)), **kwargs) == _outcome(pd.Series(votes, index=labels), **kwargs)


def test_plain_path_known_cases():
    # at the threshold, ties raised / reported / ordered, through a plain dict
    assert allocate({"A": 7, "B": 93}, 10, threshold=0.07).seats.tolist() == [1, 9]
    assert allocate({"A": 7, "B": 93}, 10, threshold=0.07, at_threshold="fail").seats.tolist() == [0, 10]
    with pytest.raises(AllocationTieError, match=r"\['A', 'B'\] are exactly tied"):
        allocate({"A": 14, "B": 14, "C": 29, "D": 43}, 10)
    res = allocate([14, 14, 29, 43], 10, ties="order", tie_order=[1, 0, 2, 3])
    assert res.seats.tolist() == [1, 2, 3, 4] and res.tie_broken and res.tied_array.tolist() == [1, 1, 0, 0]
    # values the plain path does not take go to the numpy path and its checks
    with pytest.raises(ValueError, match=r"negative counts at index labels \[1\]"):
        allocate([5, -1], 10)
    # issue 9.1: a boolean is not a count (numpy used to read True as 1)
    with pytest.raises(TypeError, match=r"mixes booleans into counts at index labels \[0\]"):
        allocate([True, 5], 6)
    with pytest.raises(TypeError, match="booleans"):
        allocate([True, False], 1)
    big = np.random.default_rng(3).integers(0, 10_000, 1000).tolist()  # beyond the plain-path size
    assert _outcome(big, seats=98, threshold=0.0003, ties="report") == _outcome(
        np.array(big), seats=98, threshold=0.0003, ties="report"
    )


def test_result_has_every_dataclass_field():
    # _finish fills the instance dict directly; it must set exactly the dataclass fields.
    import dataclasses

    from electionstats.allocation import AllocationResult

    for votes in ({"A": 70, "B": 930}, np.array([70, 930])):
        res = allocate(votes, 10)
        # every field but the seats table, which is built on first use
        assert set(vars(res)) == {f.name for f in dataclasses.fields(AllocationResult)} - {"table"}
        assert isinstance(res.votes, np.ndarray) and res.votes.dtype == np.int64
        assert isinstance(res.seats_array, np.ndarray) and res.passed_array.dtype == bool
        assert res.table["seats"].tolist() == [1, 9] and "table" in vars(res)


def test_allocation_result_is_a_table_result_without_a_p_value():
    """Issue 8/9: the seats table is the result; no fake NaN p-value, no unpacking."""
    import dataclasses

    from electionstats.allocation import AllocationResult

    res = allocate({"A": 70, "B": 930}, 10)
    assert isinstance(res, es.TableResult) and not hasattr(res, "pvalue")
    assert len(res) == 2 and res["seats"].tolist() == [1, 9]
    with pytest.raises(TypeError, match="is a table and does not unpack"):
        _, _ = res
    frame = res.to_frame()
    assert frame[["party", "seats"]].values.tolist() == [["A", 1], ["B", 9]]
    assert frame["method"].eq("hare").all() and not frame.drop(columns=["quotient", "remainder"]).isna().any().any()
    # built directly, the table is the lazy seats table, and equality is by value
    fields = {f.name: getattr(res, f.name) for f in dataclasses.fields(AllocationResult) if f.name != "table"}
    again = AllocationResult(**fields)
    assert again.table.equals(res.table) and again == res
    assert allocate({"A": 70, "B": 931}, 10) != res


# ---------------------------------------------------------------------------------------
# Issue 9: one root cause, one test (input handling shared by allocate, the sweeps and
# minimal_shift through as_votes / allocate_iv)
# ---------------------------------------------------------------------------------------

from electionstats.sensitivity import minimal_shift, threshold_sweep  # noqa: E402


@pytest.mark.parametrize("func", ["allocate", "threshold_sweep", "minimal_shift"])
def test_booleans_and_object_arrays_are_refused_everywhere(func):
    f = {"allocate": allocate, "threshold_sweep": threshold_sweep, "minimal_shift": minimal_shift}[func]
    with pytest.raises(TypeError, match=r"mixes booleans into counts at index labels \['B'\]"):
        f({"A": 50, "B": True, "C": 40}, 10)
    with pytest.raises(TypeError, match="mixes booleans"):
        f(np.array([50, np.True_, 40], dtype=object), 10)
    if func == "allocate":  # an object array of plain integers is fine and changes nothing
        assert f(np.array([50, 10, 40], dtype=object), 10).seats.tolist() == f([50, 10, 40], 10).seats.tolist()


@pytest.mark.parametrize("func", ["allocate", "threshold_sweep", "minimal_shift"])
def test_totals_beyond_64_bits_are_refused_not_wrapped(func):
    f = {"allocate": allocate, "threshold_sweep": threshold_sweep, "minimal_shift": minimal_shift}[func]
    # each count is below 2**53, the total of 2,000 of them is above 2**63: numpy's sum
    # wraps to a negative number, which slipped past the size check
    votes = np.full(2000, 2**53, dtype=np.int64)
    assert int(votes.sum()) < 0  # the wrap the check used to read
    with pytest.raises(ValueError, match="too many for exact 64-bit arithmetic"):
        f(votes, 10)
    with pytest.raises(ValueError, match=r"above 2\*\*53"):
        f([2**63, 1], 10)


def test_parties_relabel_by_key_not_position():
    votes = {"A": 700, "B": 200, "C": 100}
    res = allocate(votes, 10, parties=["C", "A", "B"])
    assert res.seats.to_dict() == {"C": 1, "A": 7, "B": 2}
    assert allocate(pd.Series(votes), 10, parties=["B", "C", "A"]).seats.to_dict() == {"B": 2, "C": 1, "A": 7}
    with pytest.raises(ValueError, match=r"read by key.*not in `votes`: \['D'\], not in `parties`: \['C'\]"):
        allocate(votes, 10, parties=["A", "B", "D"])
    with pytest.raises(ValueError, match=r"labels must be unique; \['A'\]"):
        allocate([1, 2, 3], 10, parties=["A", "B", "A"])
    with pytest.raises(ValueError, match="labels must be unique"):
        allocate(pd.Series([1, 2], index=["A", "A"]), 10)
    with pytest.raises(ValueError, match=r"missing \(NaN or None\) labels at positions \[1\]"):
        allocate(pd.Series([1, 2], index=["A", np.nan]), 10)
    with pytest.raises(ValueError, match="missing"):
        allocate({"A": 1, float("nan"): 2}, 10)
    with pytest.raises(TypeError, match="is a set, whose order changes"):
        allocate([1, 2], 10, parties={"A", "B"})
    with pytest.raises(TypeError, match="is a set"):
        threshold_sweep([1, 2], 10, parties={"A", "B"})


def test_float32_threshold_is_read_as_its_decimal():
    # 7 of 100 votes: exactly at 7 %; float32(0.07) is 0.0700000003 in binary
    votes = {"A": 7, "B": 93}
    for t in (np.float32(0.07), np.float16(0.07), 0.07, np.float64(0.07)):
        assert allocate(votes, 10, threshold=t).passed == ["A", "B"], t
    assert allocate(votes, 10, threshold=np.float32(0.07)).threshold == Fraction(7, 100)
    sw = threshold_sweep(votes, 10, thresholds=[np.float32(0.07)])
    assert sw.table["passed"].tolist() == [True, True]


def test_registered_smaller_than_valid_is_refused():
    with pytest.raises(ValueError, match=r"`registered` \(90\) is smaller than the valid votes \(100"):
        allocate({"A": 50, "B": 50}, 10, registered=90)
    with pytest.raises(ValueError, match="smaller than the valid votes"):
        threshold_sweep({"A": 50, "B": 50}, 10, registered=90, bases="registered")


def test_divisor_methods_with_huge_houses_run_in_bounded_memory():
    import tracemalloc

    tracemalloc.start()
    try:
        res = allocate([301, 200, 100], 10**9, method="dhondt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # D'Hondt: 10**9 x 301/601 = 500,831,946.8; the remaining seats go to the largest quotients
    assert res.seats.tolist() == [500_831_947, 332_778_702, 166_389_351]
    assert peak < 10_000_000  # was a pool of 10**9 quotients (tens of GiB)
    # the same bounded pool for every divisor method agrees with a seat-by-seat reference
    rng = np.random.default_rng(9)
    for method in ("dhondt", "sainte_lague", "modified_sainte_lague"):
        for n, seats in ((3, 500), (20, 1000), (60, 130)):
            v = rng.integers(1, 10**5, n)
            assert allocate(v, seats, method=method, ties="report").seats.tolist() == _divisor_reference(
                v.tolist(), seats, method
            )


def _divisor_reference(v, seats, method):
    """Seat by seat to the largest exact quotient (Balinski and Young's definition)."""
    d = {"dhondt": lambda k: Fraction(k + 1), "sainte_lague": lambda k: Fraction(2 * k + 1, 2),
         "modified_sainte_lague": lambda k: Fraction(7, 10) if k == 0 else Fraction(2 * k + 1, 2)}[method]
    s = [0] * len(v)
    for _ in range(seats):
        i = max(range(len(v)), key=lambda j: (Fraction(v[j]) / d(s[j]), -j))
        s[i] += 1
    return s


def test_minimal_shift_refuses_too_many_parties_before_allocating():
    with pytest.raises(ValueError, match=r"limited to 200 parties \(got 1,000\)"):
        minimal_shift(np.arange(1, 1001), 98)


def test_allocation_is_a_family_member():
    from electionstats._results import Result, Summary

    a = allocate({"A": 700, "B": 200, "C": 100}, 10)
    assert isinstance(a, Result) and isinstance(a.summary(), Summary)
    assert a == allocate({"A": 700, "B": 200, "C": 100}, 10) and a != allocate({"A": 700, "B": 200, "C": 100}, 9)
    assert "not a statistical test" in a.summary() and "<table" in a._repr_html_()
    with pytest.raises(TypeError):
        iter(a).__next__()
