"""Property-based tests of Election.from_frame (issue 9): odd but valid inputs, invariants.

Round-trip of counts (every count comes out exactly as it went in, whatever the column
dtype: int64, uint64-safe, object, text, nullable), order independence (shuffling rows
or columns changes nothing but the order), and no silent change of any count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import electionstats as es

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

counts = st.integers(min_value=0, max_value=2**53)
dtypes = st.sampled_from(["int64", "object", "text", "Int64", "float_exact"])


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    n_parties = draw(st.integers(min_value=1, max_value=4))
    small = st.integers(min_value=0, max_value=2**40)
    votes = {f"P{j}": draw(st.lists(small, min_size=n, max_size=n)) for j in range(n_parties)}
    big = draw(st.lists(counts, min_size=n, max_size=n))
    return n, votes, big


def _encode(values, dtype):
    if dtype == "int64":
        return pd.Series(np.array(values, dtype=np.int64))
    if dtype == "object":
        return pd.Series(values, dtype=object)
    if dtype == "text":
        return pd.Series([f" {v} " for v in values], dtype=object)
    if dtype == "Int64":
        return pd.Series(values, dtype="Int64")
    # floats: only values a float holds exactly
    return pd.Series(np.array(values, dtype=float)) if max(values) <= 2**53 else pd.Series(values)


@_SETTINGS
@given(tables(), dtypes, st.randoms(use_true_random=False))
def test_counts_round_trip_exactly_and_rows_shuffle_freely(table, dtype, rnd):
    n, votes, big = table
    df = pd.DataFrame({k: _encode(v, dtype) for k, v in votes.items()})
    df["reg"] = _encode(big, dtype)
    df["id"] = [f"s{i}" for i in range(n)]
    kw = dict(station_id="id", registered="reg", parties=list(votes), consistency="report")
    e = es.Election.from_frame(df, **kw)
    for k, v in votes.items():
        assert e.data[k].tolist() == v  # exact, including values near 2**40
    assert e.data["registered"].tolist() == big
    assert e.data["registered"].dtype == np.int64
    # shuffled rows: the same station table in the new order
    order = list(range(n))
    rnd.shuffle(order)
    shuffled = es.Election.from_frame(df.iloc[order].reset_index(drop=True), **kw)
    pd.testing.assert_frame_equal(shuffled.data.loc[e.data.index], e.data)
    # shuffled column order in the source changes nothing
    cols = list(df.columns)
    rnd.shuffle(cols)
    pd.testing.assert_frame_equal(es.Election.from_frame(df[cols], **kw).data, e.data)


@_SETTINGS
@given(st.lists(st.lists(st.integers(0, 2**50), min_size=1, max_size=3), min_size=1, max_size=8))
def test_summed_role_columns_equal_the_exact_integer_sum(rows):
    width = max(len(r) for r in rows)
    padded = [r + [0] * (width - len(r)) for r in rows]
    df = pd.DataFrame(padded, columns=[f"c{j}" for j in range(width)]).astype(object)
    df["A"] = 0
    e = es.Election.from_frame(df, valid=list(df.columns[:width]), parties=["A"])
    assert e.data["valid"].tolist() == [sum(r) for r in padded]
    assert int(e.totals()["valid"]) == sum(map(sum, padded))


@_SETTINGS
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=10), st.integers(0, 9))
def test_any_bad_cell_raises_and_nothing_is_changed_silently(values, pick):
    bad_cells = [True, -1, 1.5, "1.000", "x", [1], 2**53 + 1, float("inf")]
    df = pd.DataFrame({"A": pd.Series(values, dtype=object)})
    i = pick % len(values)
    df.loc[i, "A"] = bad_cells[pick % len(bad_cells)]
    try:
        e = es.Election.from_frame(df, parties=["A"])
    except es.ElectionDataError as exc:
        assert "column 'A'" in str(exc) and f"[{i + 1}]" in str(exc)
    else:  # pragma: no cover - would be a silent change
        raise AssertionError(f"accepted {df.loc[i, 'A']!r} as {e.data['A'].tolist()[i]}")
