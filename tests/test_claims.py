"""Claims and facts: clear errors for wrong input (issue 9.11, 9.15) and contradictions in plain words (issue 11.3)."""

from __future__ import annotations

import numpy as np
import pytest

from electionstats import claims, facts


def test_every_contradiction_has_its_unit_and_one_sentence():
    c = claims.contradictions()
    assert c["gap_unit"].notna().all() and c["sentence"].str.len().gt(0).all()
    # "5 parties" vs "3 parties" are exact counts: 2 parties apart (it read "gap 1")
    parties = c[c["quantity"] == "parties_passing_threshold"]
    assert parties["gap"].tolist() == [2.0, 2.0] and set(parties["gap_unit"]) == {"parties"}
    assert "League of Young Voters: 5 parties; CEC: 3 parties. Both cannot be true: they differ by 2 parties." in (
        parties["sentence"].tolist()
    )
    # percentages differ in percentage points; "15 %" allows [14.5, 15.5], the final 63.25
    # allows [63.245, 63.255]: 63.245 - 15.5 = 47.745 points at least
    turnout = c[c["quantity"] == "turnout_percent"].iloc[0]
    assert turnout["gap"] == pytest.approx(47.745) and turnout["gap_unit"] == "percentage points"
    assert "at least 47.745 percentage points apart" in turnout["sentence"]
    assert not any("_" in s for s in c["sentence"])  # no code identifiers in the sentences


def test_a_gap_of_one_is_singular():
    t = claims.load()
    t = t[t["quantity"] == "parties_passing_threshold"].copy()
    t.loc[t.index[0], "value"] = 4.0
    t["cec_final"] = np.nan
    c = claims.contradictions(t)
    assert c["gap"].tolist() == [1.0] and c["gap_unit"].tolist() == ["party"]


def test_bad_claim_values_raise_naming_the_claims():
    t = claims.load()
    bad = t.copy()
    bad.loc[bad["claim_id"] == 7, "value"] = np.nan
    with pytest.raises(ValueError, match=r"'value' is missing, NaN or infinite for claim\(s\) \[7\]"):
        claims.contradictions(bad)
    bad = t.copy()
    bad.loc[bad["claim_id"] == 2, "resolution"] = -0.5
    with pytest.raises(ValueError, match=r"'resolution' is negative for claim\(s\) \[2\]"):
        claims.contradictions(bad)
    bad = t.copy()
    bad.loc[bad["claim_id"] == 2, "comparator"] = "~"
    with pytest.raises(ValueError, match=r"'comparator' must be one of .* claim\(s\) \[2\]"):
        claims.contradictions(bad)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['resolution'\]"):
        claims.contradictions(t.drop(columns="resolution"))
    # intervals are never inverted: a negative resolution or a NaN value is refused
    with pytest.raises(ValueError, match="`resolution` must be >= 0"):
        claims.interval(15, "=", -1)
    with pytest.raises(ValueError, match="`value` must be finite"):
        claims.interval(float("nan"), "<")
    with pytest.raises(TypeError, match="`value` must be a number"):
        claims.interval("15", "=")


def test_wrong_types_give_clear_errors_not_raw_attribute_errors():
    with pytest.raises(TypeError, match="must be a claims table .* or a case name"):
        claims.contradictions([1, 2, 3])
    with pytest.raises(TypeError, match="must be a claims table"):
        claims.side_by_side(42)
    with pytest.raises(TypeError, match="must be a claims table"):
        claims.implications({"a": 1})
    with pytest.raises(TypeError, match="`case` must be a case name"):
        claims.load(2021)
    with pytest.raises(TypeError, match="`election` must be a name"):
        facts.summary(None)
    # a case name is accepted wherever a table is
    assert claims.contradictions("kazakhstan-2021").equals(claims.contradictions())


def test_facts_summary_refuses_an_election_without_one():
    with pytest.raises(ValueError, match="no summary figures .* 'kazakhstan-2016-majilis'"):
        facts.summary("kazakhstan-2016-majilis")
    assert facts.party_results("kazakhstan-2016-majilis")["seats"].tolist()[:3] == [84, 7, 7]
    with pytest.raises(KeyError, match="no bundled facts"):
        facts.summary("kazakhstan-2099-majilis")


def test_claims_figure_labels_quantities_in_words():
    """The dumbbell chart names each quantity as the report's tables do, not by its
    identifier ('nur otan share', 'peoples party share' before)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from electionstats import plotting

    ax = plotting.plot_claims(claims.load("kazakhstan-2021"))
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "Nur Otan's share\n(CEC (as quoted by the article))" in ticks
    assert any(t.startswith("People's Party's share\n") for t in ticks)
    assert not any("_" in t or t[0].islower() for t in ticks)
    plt.close(ax.figure)
