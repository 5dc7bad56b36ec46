"""Tests of electionstats.scenarios: the article's three scenarios, constrained sampling,
forced conclusions and consistency checks (Kazakhstan 2021)."""

from __future__ import annotations

from fractions import Fraction

import matplotlib
import numpy as np
import pytest

from electionstats.scenarios import (
    Scenario,
    consistency_checks,
    kazakhstan_2021_scenarios,
    scenario_seats,
)

matplotlib.use("Agg")

PARTIES = ("Nur Otan", "Ak Zhol", "People's Party of Kazakhstan", "Auyl", "Adal")


@pytest.fixture(scope="module")
def scenarios():
    return kazakhstan_2021_scenarios()


@pytest.fixture(scope="module")
def seats(scenarios):
    return scenario_seats(scenarios, n_draws=4000, rng=2021)


def test_scenario_figures(scenarios):
    cec, art, obs = scenarios["CEC final"], scenarios["Article"], scenarios["Observers"]
    assert cec.parties == PARTIES
    # CEC final (The Astana Times, 12 January 2021)
    assert cec.votes == (5_148_074, 792_828, 659_019, 383_023, 258_618)
    assert (cec.participants, cec.registered) == (7_539_280, 11_919_241)
    # observers: 15 % of 11,919,241 = 1,787,886.15 -> 1,787,886 ballots; 12 % of them
    # = 214,546.3 -> 214,546 spoiled (KazTAG, 14 January 2021)
    assert (obs.participants, obs.invalid, obs.valid) == (1_787_886, 214_546, 1_573_340)
    assert obs.share_bounds[0] == (Fraction(7, 100), Fraction(1, 2))
    # the article: 76.49 % stated to two decimals -> (76.485 %, 76.495 %)
    assert art.share_bounds[0] == (Fraction(76485, 100000), Fraction(76495, 100000))
    assert art.share_bounds[1] == (Fraction(915, 10000), Fraction(925, 10000))  # Ak Zhol 9.2 %


def test_point_and_article_seats(seats):
    wide = seats.wide()
    assert wide.loc["CEC final"].tolist() == ["76", "12", "10", "0", "0"]
    # article: Hare over 76.49 / 9.2 / 10.94 (sum 96.63): quotients 77.57 / 9.33 / 11.10
    # -> floors 77 / 9 / 11 (97) + 1 remainder seat to Nur Otan (.57)
    assert wide.loc["Article"].tolist() == ["78", "9", "11", "0", "0"]
    con = seats.conclusions.set_index(["scenario", "statement"])
    assert con.loc[("Article", "the seats equal the CEC final seats"), "verdict"] == "impossible"
    assert con.loc[("CEC final", "Auyl passes"), "verdict"] == "impossible"


def test_observers_ranges_depend_on_the_base(seats):
    con = seats.conclusions.set_index(["scenario", "statement"])
    # shares of valid votes: a party with 7-7.95 % of the votes fails 7 % of participants
    assert con.loc[("Observers", "all 5 parties pass the threshold"), "verdict"] == "possible"
    assert con.loc[("Observers", "Nur Otan wins a majority (50+ seats)"), "verdict"] == "possible"
    part = scenario_seats(kazakhstan_2021_scenarios(observers_base="participants"), n_draws=4000, rng=7)
    con_p = part.conclusions.set_index(["scenario", "statement"])
    assert con_p.loc[("Observers", "all 5 parties pass the threshold"), "verdict"] == "forced"
    # all admitted; Nur Otan below 50 % of participants = below 0.5 / 0.88 = 56.8 % of the
    # valid votes: quotient below 98 x 0.568 = 55.7, so at most 56 seats -- a majority is
    # possible even though Nur Otan has "less than half"
    no = part.table[(part.table["scenario"] == "Observers") & (part.table["party"] == "Nur Otan")]
    assert 50 <= no["seats_max"].item() <= 56
    assert con_p.loc[("Observers", "Nur Otan wins a majority (50+ seats)"), "verdict"] == "possible"
    # every party has over 7 % of participants = 7.95 % of valid votes: 98 x 0.0795 = 7.8 -> 7+
    assert no["seats_min"].item() >= 7


@pytest.mark.parametrize("base", ["valid", "participants"])
def test_draws_satisfy_every_constraint(base):
    obs = kazakhstan_2021_scenarios(observers_base=base)["Observers"]
    v = obs.sample_votes(5000, rng=3)
    assert v.shape == (5000, 5) and (v.sum(axis=1) == obs.valid).all()
    denom = obs.valid if base == "valid" else obs.participants
    assert (v * 100 > 7 * denom).all()
    assert (v[:, 0] * 2 < denom).all()
    # uniform over the allowed set: Nur Otan is not pushed to either end
    share = v[:, 0] / denom
    assert 0.07 < share.min() < 0.08 and 0.45 < share.max() < 0.5
    art = kazakhstan_2021_scenarios()["Article"]
    va = art.sample_votes(2000, rng=4)
    shares = va / va.sum(axis=1, keepdims=True)
    assert (np.abs(shares[:, 0] - 0.7649) <= 0.00005).all()
    assert (np.abs(shares[:, 3:].sum(axis=1) - 0.0337) < 0.0006).all()  # 9.2 is +-0.05


def test_seeded_and_reproducible(scenarios):
    a = scenario_seats(scenarios, n_draws=500, rng=11)
    b = scenario_seats(scenarios, n_draws=500, rng=11)
    assert a.table.equals(b.table) and a.conclusions.equals(b.conclusions)
    assert all(np.array_equal(a.seats[k], b.seats[k]) for k in a.seats)


def test_consistency_checks():
    checks = consistency_checks().set_index("check")["holds"]
    assert checks.tolist() == [True, False, False, False, False, False]
    text = " ".join(consistency_checks()["detail"])
    assert "96.63 %" in text and "8.86 %" in text  # the article's shares vs the CEC's
    assert "78 / 9 / 11" in text
    assert "1,787,886 ballots" in text and "4.2 times" in text
    assert "3.95 %" in text and "7.95 %" in text


def test_scenario_validation():
    with pytest.raises(ValueError, match="exactly one of `votes` and `share_bounds`"):
        Scenario(name="x", source="s", parties=("A", "B"))
    with pytest.raises(ValueError, match="needs `participants` and `invalid`"):
        Scenario(name="x", source="s", parties=("A", "B"), share_bounds=((Fraction(0), Fraction(1)),) * 2)
    tight = Scenario(
        name="tight", source="s", parties=("A", "B", "C"), participants=100, invalid=0,
        share_bounds=((Fraction(4, 10), Fraction(1)),) * 3,
    )
    assert not tight.feasible()
    with pytest.raises(ValueError, match="no vote distribution satisfies"):
        tight.sample_votes(10, rng=0)
    with pytest.raises(ValueError, match="is a range"):
        kazakhstan_2021_scenarios()["Observers"].allocate()
    with pytest.raises(ValueError, match="`observers_base` must be"):
        kazakhstan_2021_scenarios(observers_base="registered")
    other = Scenario(name="y", source="s", parties=("A", "B"), votes=(5, 6), participants=11)
    with pytest.raises(ValueError, match="has parties"):
        scenario_seats([kazakhstan_2021_scenarios()["CEC final"], other])
    with pytest.raises(ValueError, match="`scenarios` is empty"):
        scenario_seats([])


def test_views_and_plot(seats):
    import matplotlib.pyplot as plt

    assert "Shares of draws" in seats.summary()
    assert "<table" in seats._repr_html_()
    assert "kz_election_law" in seats.cite()
    ax = seats.plot()
    assert ax.get_ylabel() == "seats"
    plt.close("all")


def test_report_section():
    import matplotlib.pyplot as plt

    from electionstats._report_seats import seats_section

    sec = seats_section(rng=0)
    html = sec.to_html()
    assert "Seats: who gets them" in html and html.count("<img") == 2 and "76" in html
    plt.close("all")
