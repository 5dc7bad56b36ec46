"""One table decides (issue 8.1): grouping and turnout are decided by Election alone.

Regressions on real data: Russia 2011 has 2,746 TIKs (16 pairs of same-named TIKs in
different regions must stay apart: a raw factorize of the column gives 2,730), and every
analysis of Poland 2020 round 1 uses the PKW turnout of 64.5 % (ballots found, which
include postal votes; ballots issued in person give 63.0 %).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats.election import BASE_PREFERENCE, TURNOUT_PREFERENCE

from results.published import PKW_TURNOUT_2020_R1 as PKW_TURNOUT_R1
from results.published import RUSSIA_2011_TIKS as N_TIK_2011


# -- small tables built here -----------------------------------------------------------
def _election(**kw):
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "r": ["North", "North", "South", "South"],
            "d": ["Central", "East", "Central", None],
            "reg": [100, 200, 150, 80],
            "issued": [50, 120, 0, 40],
            "found": [60, 150, 90, 40],
            "valid": [58, 140, 85, 38],
            "inv": [2, 10, 5, 2],
            "A": [30, 100, 40, 20],
            "B": [28, 40, 45, 18],
        }
    )
    spec = dict(station_id="id", registered="reg", ballots_issued="issued", ballots_found="found",
                valid="valid", invalid="inv", parties=["A", "B"], region=["r", "d"],
                consistency="report")
    spec.update(kw)
    return es.Election.from_frame(df, **spec)


def test_group_keys_key_lower_levels_within_upper_and_keep_missing():
    e = _election()
    codes, labels = e.group_keys("d")
    assert labels == ["North | Central", "North | East", "South | Central", "South | (missing)"]
    assert codes.dtype == np.int64 and codes.tolist() == [0, 1, 2, 3]
    codes, labels = e.group_keys("r")
    assert (codes.tolist(), labels) == ([0, 0, 1, 1], ["North", "South"])
    codes, labels = e.group_keys(None)
    assert (codes.tolist(), labels) == ([0, 0, 0, 0], ["all"])
    with pytest.raises(KeyError, match="not a region level"):
        e.group_keys("nowhere")
    # groups, by_region and group_apply follow the same keys.
    assert [k for k, _ in e.groups("d")] == e.group_keys("d")[1]
    assert e.by_region("d").data.index.tolist() == e.group_keys("d")[1]
    t = es.group_apply(lambda sub: pd.DataFrame({"n": [len(sub)]}), e, by="d")
    assert t["group"].tolist() == e.group_keys("d")[1] and t["n"].tolist() == [1, 1, 1, 1]


def test_resolve_turnout_order_user_then_dataset_then_method():
    e = _election()
    assert e.resolve_turnout() == "ballots_found"  # the contract's default preference
    assert e.resolve_turnout(prefer=("ballots_issued", "ballots_found")) == "ballots_issued"
    assert e.resolve_turnout("valid + invalid") == "valid+invalid"
    with pytest.raises(KeyError, match=r"\['A'\] are parties, not ballot counts"):
        e.resolve_turnout("A")
    with pytest.raises(KeyError, match="'nope' is not a count column"):
        e.resolve_turnout("nope")
    declared = _election(defaults={"turnout": "ballots_found"})
    assert declared.resolve_turnout(prefer=TURNOUT_PREFERENCE) == "ballots_found"
    assert declared.resolve_turnout("ballots_issued") == "ballots_issued"  # user wins
    # Election.turnout: ballots issued unless the dataset declares otherwise.
    assert e.turnout().tolist() == [0.5, 0.6, 0.0, 0.5]
    assert declared.turnout().tolist() == [0.6, 0.75, 0.6, 0.5]
    # Defaults survive subsets and aggregation.
    assert declared.subset(np.array([True, False, True, True])).defaults == declared.defaults
    assert declared.by_region("r").resolve_turnout(prefer=TURNOUT_PREFERENCE) == "ballots_found"


def test_resolve_turnout_without_any_ballots_column():
    df = pd.DataFrame({"reg": [10], "A": [5]})
    e = es.Election.from_frame(df, registered="reg", parties=["A"])
    with pytest.raises(es.ElectionDataError, match=r"no `turnout` given and this election has none of"):
        e.resolve_turnout()


def test_resolve_base_and_party():
    e = _election()
    assert e.resolve_base() == "valid" and BASE_PREFERENCE[0] == "valid"
    assert e.resolve_base("valid+invalid") == "valid+invalid"
    assert _election(defaults={"base": "valid+invalid"}).resolve_base() == "valid+invalid"
    assert e.resolve_party() == "A"  # most votes: 190 vs 131
    assert e.resolve_party("B") == "B"
    assert _election(leader="B").resolve_party() == "B"
    assert _election(defaults={"party": "B"}).share().name == "share_B"
    with pytest.raises(KeyError, match=r"party 'C' not found; parties are \['A', 'B'\]"):
        e.resolve_party("C")
    with pytest.raises(es.ElectionDataError, match=r"`leader`='C' is not a party"):
        _election(leader="C")
    with pytest.raises(ValueError, match=r"`defaults` has unknown key\(s\) \['numerator'\]"):
        _election(defaults={"numerator": "valid"})
    with pytest.raises(KeyError, match="not a count column"):
        _election(defaults={"turnout": "ballots"})


def test_rule_ballots_found_above_issued():
    e = _election()
    rows = e.validation_report().query("rule == 'found_above_issued'")
    assert rows["station_id"].tolist() == ["a", "b", "c"]  # d: 40 found, 40 issued
    assert rows[["left", "right"]].to_numpy().tolist() == [[60, 50], [150, 120], [90, 0]]
    with pytest.warns(es.DataQualityWarning, match=r"3 stations where more ballots were found .*\(ballots_found > ballots_issued\)"):
        _election(consistency="warn")


def test_repr_shows_integer_counts():
    df = pd.DataFrame({"reg": [109_234_567], "found": [70_000_001], "A": [70_000_001]})
    e = es.Election.from_frame(df, registered="reg", ballots_found="found", parties=["A"],
                               consistency="report")
    html = e._repr_html_()
    text = str(e.summary())
    for shown in (html, text):
        assert "109,234,567" in shown and "70,000,001" in shown and "e+0" not in shown
        assert "64.1 %" in shown  # 70,000,001 / 109,234,567
    assert "\\n" not in html


# -- real data ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def russia2011(load_dataset):
    return load_dataset("russia-2011-duma")


@pytest.fixture(scope="module")
def poland_r1(load_dataset):
    return load_dataset("poland-2020-president-r1")


def test_russia_2011_has_2746_tiks_in_election(russia2011):
    codes, labels = russia2011.group_keys("tik")
    assert len(labels) == N_TIK_2011 and codes.max() == N_TIK_2011 - 1
    assert russia2011.data["tik"].nunique() == 2730  # what a raw factorize would give
    assert russia2011.by_region("tik").n_stations == N_TIK_2011


def test_russia_2011_2746_tiks_in_group_apply(russia2011):
    t = es.group_apply(lambda sub: pd.DataFrame({"n": [len(sub)]}), russia2011, by="tik")
    assert len(t) == N_TIK_2011 and t["n"].sum() == russia2011.n_stations


# The distribution analyses ask the table (Election.group_keys / resolve_turnout).


def test_russia_2011_tiks_in_excess_votes_are_keyed_within_regions(russia2011):
    r = es.excess_votes(russia2011, by="tik", n_resamples=0)
    labels = set(russia2011.group_keys("tik")[1])
    assert set(r.regional["tik"]) <= labels and r.regional["tik"].is_unique


def test_poland_r1_turnout_is_the_pkw_one(poland_r1):
    e = poland_r1
    assert e.defaults == {"turnout": "ballots_found"}
    t = e.totals()
    assert round(t["ballots_found"] / t["registered"], 4) == PKW_TURNOUT_R1
    assert e.resolve_turnout(prefer=("ballots_issued",)) == "ballots_found"
    assert e.turnout().name == "turnout"
    num = e.counts(e.resolve_turnout(prefer=TURNOUT_PREFERENCE)).sum()
    assert round(num / t["registered"], 4) == PKW_TURNOUT_R1
    rules = e.validation_report()["rule"].value_counts()
    assert rules["found_above_issued"] == 21_725
    assert int((e.data["ballots_issued"] == 0).sum()) == 88


@pytest.fixture(scope="module")
def same_named_tiks(russia2011):
    """The stations of three TIK names that occur in several regions (8 TIKs in all)."""
    n_regions = russia2011.data.groupby("tik")["region"].nunique()
    names = n_regions[n_regions > 1].index[:3]
    sub = russia2011.subset(russia2011.data["tik"].isin(names).to_numpy())
    assert len(sub.group_keys("tik")[1]) == 8 and sub.data["tik"].nunique() == 3
    return sub


def test_same_named_tiks_stay_apart_in_basic_forensics(same_named_tiks):
    t = es.basic_forensics(same_named_tiks, by="tik", n_resamples=20, rng=1).to_frame()
    assert set(t["group"]) == set(same_named_tiks.group_keys("tik")[1])


def test_same_named_tiks_stay_apart_in_group_apply(same_named_tiks):
    t = es.group_apply(lambda sub: pd.DataFrame({"n": [len(sub)]}), same_named_tiks, by="tik")
    assert t["group"].tolist() == same_named_tiks.group_keys("tik")[1]


def test_poland_r1_turnout_in_excess_votes(poland_r1):
    r = es.excess_votes(poland_r1, n_resamples=0)
    assert round(r.official_turnout, 4) == PKW_TURNOUT_R1
    assert r.turnout_definition.startswith("ballots_found")


@pytest.mark.parametrize("func", ["fingerprint", "cumulative_votes"])
def test_poland_r1_turnout_in_distribution_analyses(poland_r1, func):
    r = getattr(es, func)(poland_r1)
    assert r.turnout_definition.startswith("ballots_found")


def test_poland_r1_turnout_in_spikes(poland_r1):
    # The spikes test asks the table too (its own preference is valid + invalid ballots).
    from electionstats._spikes import TURNOUT_PREFERENCE

    assert TURNOUT_PREFERENCE[0] == "valid+invalid"
    r = es.spikes_test(poland_r1, n_resamples=2, rng=0)
    assert r.turnout == "ballots_found"
    t = poland_r1.totals()
    assert round(t["ballots_found"] / t["registered"], 4) == PKW_TURNOUT_R1
