"""Property-based tests of ``allocate`` (issue 9): invariants on odd but valid inputs.

Every method with and without a threshold: the seats (plus any reported tied seats) add
up to the house size; permuting the parties permutes the seats; a mapping, a list with
``parties=``, a Series and integer arrays of every width give the same seats; the input
is not changed; divisor methods are house monotone; a brute-force reference written here
(exact ``Fraction`` arithmetic, every quotient listed and sorted) agrees, ties included;
booleans, NaN, negative and fractional votes are refused with the parameter and position.

Hypothesis is derandomized (a fixed sequence of examples), so CI runs the same cases.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import electionstats as es
from electionstats.allocation import METHODS

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
DIVISOR = ("dhondt", "sainte_lague", "modified_sainte_lague")
LARGEST_REMAINDER = ("hare", "droop", "hagenbach_bischoff")

vote_lists = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=7).filter(any)
small_votes = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=5).filter(any)
house = st.integers(min_value=0, max_value=40)
methods = st.sampled_from(METHODS)
thresholds = st.sampled_from([Fraction(0), Fraction(1, 20), Fraction(1, 10), Fraction(1, 4)])


# ---------------------------------------------------------------------------------------
# brute-force reference (independent of the package's pooled/vectorised engines)
# ---------------------------------------------------------------------------------------


def _divisor(method: str, k: int) -> Fraction:
    if method == "dhondt":
        return Fraction(k + 1)
    if method == "sainte_lague":
        return Fraction(2 * k + 1)
    return Fraction(7, 5) if k == 0 else Fraction(2 * k + 1)


def reference(votes: list[int], seats: int, method: str, threshold: Fraction = Fraction(0)):
    """(certain seats, number of tied seats) or the string 'no party passes' / 'too few votes'."""
    total = sum(votes)
    passed = [Fraction(v, total) >= threshold for v in votes]
    if seats == 0:
        return [0] * len(votes), 0
    if not any(passed):
        return "no party passes"
    if method in DIVISOR:
        quotients = sorted(
            ((Fraction(v) / _divisor(method, k), j) for j, v in enumerate(votes)
             if passed[j] and v > 0 for k in range(seats)),
            reverse=True,
        )
        cut = quotients[seats - 1][0]
        above = [j for q, j in quotients if q > cut]
        at = [j for q, j in quotients if q == cut]
        out = [above.count(j) for j in range(len(votes))]
        left = seats - len(above)
        if len(at) == left:
            return [o + at.count(j) for j, o in enumerate(out)], 0
        return out, left
    admitted = [v if ok else 0 for v, ok in zip(votes, passed)]
    v_adm = sum(admitted)
    if method == "hare":
        quota = Fraction(v_adm, seats)
    elif method == "hagenbach_bischoff":
        quota = Fraction(v_adm, seats + 1)
    else:
        quota = Fraction(v_adm // (seats + 1) + 1)
    q = [Fraction(v) / quota for v in admitted]
    floors = [x.numerator // x.denominator for x in q]
    rem = [x - f if ok else Fraction(-1) for x, f, ok in zip(q, floors, passed)]
    left = seats - sum(floors)
    if left < 0:
        return "over-awarded"  # Hagenbach-Bischoff with whole quotients: checked elsewhere
    if left > sum(passed):
        return "too few votes"
    if left == 0:
        return floors, 0
    cut = sorted(rem, reverse=True)[left - 1]
    n_above = sum(r > cut for r in rem)
    n_at = sum(r == cut for r in rem)
    if n_above + n_at == left:
        return [f + (r >= cut) for f, r in zip(floors, rem)], 0
    return [f + (r > cut) for f, r in zip(floors, rem)], left - n_above


def run(votes, seats, method, threshold=Fraction(0), **kw):
    return es.allocate(votes, seats, method=method, threshold=threshold, ties="report", **kw)


# ---------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------


@SETTINGS
@given(votes=small_votes, seats=house, method=methods, threshold=thresholds)
def test_agrees_with_a_brute_force_reference_ties_included(votes, seats, method, threshold):
    expected = reference(votes, seats, method, threshold)
    assume(expected != "over-awarded")
    if expected == "no party passes":
        with pytest.raises(ValueError, match="no party reaches the threshold"):
            run(votes, seats, method, threshold)
        return
    if expected == "too few votes":
        with pytest.raises(ValueError, match="too few votes for this many seats"):
            run(votes, seats, method, threshold)
        return
    res = run(votes, seats, method, threshold)
    certain, n_tied = expected
    assert res.seats.tolist() == certain
    assert res.n_tied_seats == n_tied
    assert (len(res.tied) > 0) == (n_tied > 0)


@SETTINGS
@given(votes=vote_lists, seats=house, method=methods, threshold=thresholds)
def test_seats_add_up_to_the_house_size(votes, seats, method, threshold):
    try:
        res = run(votes, seats, method, threshold)
    except ValueError as exc:  # documented refusals only
        assert re.search("no party reaches the threshold|too few votes for this many seats", str(exc))
        return
    assert int(res.seats.sum()) + res.n_tied_seats == seats
    assert (res.seats >= 0).all()
    assert set(res.passed) <= set(res.admitted)
    not_admitted = [p for p in res.parties if p not in res.admitted]
    assert (res.seats[not_admitted] == 0).all()


@SETTINGS
@given(votes=vote_lists, seats=house, method=methods, threshold=thresholds, data=st.data())
def test_permuting_the_parties_permutes_the_seats(votes, seats, method, threshold, data):
    labels = [f"P{i}" for i in range(len(votes))]
    order = data.draw(st.permutations(range(len(votes))))
    try:
        a = run(dict(zip(labels, votes)), seats, method, threshold)
    except ValueError:
        with pytest.raises(ValueError):
            run({labels[i]: votes[i] for i in order}, seats, method, threshold)
        return
    b = run({labels[i]: votes[i] for i in order}, seats, method, threshold)
    assert b.seats.to_dict() == a.seats.to_dict()
    assert sorted(b.tied) == sorted(a.tied) and b.n_tied_seats == a.n_tied_seats
    assert sorted(b.passed) == sorted(a.passed)


INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


@SETTINGS
@given(votes=st.lists(st.integers(min_value=0, max_value=127), min_size=1, max_size=6).filter(any),
       seats=house, method=methods)
def test_every_input_form_and_integer_type_gives_the_same_seats(votes, seats, method):
    labels = [f"P{i}" for i in range(len(votes))]
    forms = {
        "dict": dict(zip(labels, votes)),
        "list + parties": (votes, labels),
        "Series": pd.Series(votes, index=labels),
        "numpy scalars": ([np.int64(v) for v in votes], labels),
        "object array": (np.array(votes, dtype=object), labels),
        "whole floats": ([float(v) for v in votes], labels),
        **{dt: (np.array(votes, dtype=dt), labels) for dt in INT_DTYPES},
        "nullable Int64 Series": pd.Series(votes, index=labels, dtype="Int64"),
    }
    results = {}
    for name, form in forms.items():
        v, parties = form if isinstance(form, tuple) else (form, None)
        try:
            res = run(v, seats, method, parties=parties)
            results[name] = (res.seats.to_dict(), res.n_tied_seats, tuple(res.tied))
        except ValueError as exc:
            results[name] = str(exc)
    first = results["dict"]
    assert all(r == first for r in results.values()), results


@SETTINGS
@given(votes=vote_lists, seats=house, method=methods, threshold=thresholds)
def test_the_input_is_not_changed(votes, seats, method, threshold):
    labels = [f"P{i}" for i in range(len(votes))]
    d = dict(zip(labels, votes))
    arr = np.array(votes, dtype=np.int64)
    ser = pd.Series(votes, index=labels)
    lst = list(votes)
    for v, parties in ((d, None), (arr, labels), (ser, None), (lst, labels)):
        try:
            run(v, seats, method, threshold, parties=parties)
        except ValueError:
            pass
    assert d == dict(zip(labels, votes)) and list(d) == labels
    assert arr.tolist() == votes and arr.dtype == np.int64
    assert ser.tolist() == votes and ser.index.tolist() == labels
    assert lst == votes


@SETTINGS
@given(votes=vote_lists, seats=st.integers(min_value=1, max_value=60), method=st.sampled_from(DIVISOR))
def test_divisor_methods_are_house_monotone(votes, seats, method):
    a = run(votes, seats, method)
    b = run(votes, seats + 1, method)
    assume(a.n_tied_seats == 0 and b.n_tied_seats == 0)
    assert (b.seats.to_numpy() >= a.seats.to_numpy()).all()
    assert int(b.seats.sum()) == seats + 1


@SETTINGS
@given(votes=vote_lists, seats=st.integers(min_value=1, max_value=40), method=methods,
       num=st.integers(min_value=1, max_value=19))
def test_a_party_exactly_at_the_threshold_passes_or_fails_as_told(votes, seats, method, num):
    # Put party 0 exactly at num/20 of the valid votes: v0 = num/20 * (v0 + rest).
    rest = sum(votes[1:])
    assume(rest > 0 and (num * rest) % (20 - num) == 0)
    v0 = num * rest // (20 - num)
    v = [v0] + votes[1:]
    t = Fraction(num, 20)
    assert Fraction(v0, sum(v)) == t
    for at, passes in (("pass", True), ("fail", False)):
        try:
            res = es.allocate(v, seats, method=method, threshold=t, at_threshold=at, ties="report")
        except ValueError as exc:
            assert re.search("no party reaches|too few votes", str(exc))
            continue
        assert (0 in res.passed) is passes


bad_values = st.sampled_from([
    (True, TypeError, r"mixes booleans into counts at (positions|index labels) \[{where}\]"),
    (float("nan"), ValueError, r"missing values \(NaN\) at (positions|index labels) \[{where}\]"),
    (-3, ValueError, r"negative counts at (positions|index labels) \[{where}\]"),
    (2.5, ValueError, r"whole numbers; 2.5 and others at (positions|index labels) \[{where}\]"),
    (2**63, ValueError, r"above 2\*\*53 .* at (positions|index labels) \[{where}\]"),
])


@SETTINGS
@given(votes=vote_lists, bad=bad_values, data=st.data(),
       form=st.sampled_from(["dict", "list", "Series", "object array"]))
def test_bad_votes_are_refused_naming_the_parameter_and_where(votes, bad, data, form):
    value, error, pattern = bad
    i = data.draw(st.integers(min_value=0, max_value=len(votes) - 1))
    v = list(votes)
    v[i] = value
    labels = [f"P{j}" for j in range(len(v))]
    where = repr(labels[i]) if form in ("dict", "Series") else str(i)
    if form == "dict":
        arg = dict(zip(labels, v))
    elif form == "Series":
        arg = pd.Series(v, index=labels, dtype=object)
    elif form == "object array":
        arg = np.array(v, dtype=object)
    else:
        arg = v
    with pytest.raises(error, match=r"`votes`.*" + pattern.format(where=re.escape(where))):
        es.allocate(arg, 5)
