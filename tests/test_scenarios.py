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
    return scenario_seats(scenarios, n_resamples=4000, rng=2021)


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
    part = scenario_seats(kazakhstan_2021_scenarios(observers_base="participants"), n_resamples=4000, rng=7)
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
    a = scenario_seats(scenarios, n_resamples=500, rng=11, exact=False)
    b = scenario_seats(scenarios, n_resamples=500, rng=11, exact=False)
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
    assert ax.get_ylabel() == "seats (of 98)"
    # no forecast-like median tick: the legend says the range is every outcome allowed
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Observers (every outcome the claims allow)" in labels
    assert not any("median" in x for x in labels)
    plt.close("all")


def test_report_section():
    import matplotlib.pyplot as plt

    from electionstats._report_seats import seats_section

    sec = seats_section(rng=0)
    html = sec.to_html()
    assert "Seats: who gets them" in html and html.count("<img") == 2 and "76" in html
    plt.close("all")


# ---------------------------------------------------------------------------------------
# Exact seat bounds (issue 11.3): checked against brute force over every whole-vote vector
# ---------------------------------------------------------------------------------------

from electionstats.allocation import Rules, allocate_rows  # noqa: E402
from electionstats.scenarios import Scenario, scenario_bounds  # noqa: E402
from electionstats.sensitivity import pass_rows  # noqa: E402

TOY_RULES = Rules(name="toy", seats=10, method="hare", threshold=Fraction(1, 10), threshold_base="participants",
                  min_parties=2, runner_up_factor=Fraction(7, 10), runner_up_min_seats=2)


def _brute_bounds(sc, rules):
    """Smallest and largest seats over EVERY whole-vote vector satisfying the claims (no ties)."""
    V = sc.valid
    a = np.arange(V + 1)
    g = np.array(np.meshgrid(a, a, indexing="ij")).reshape(2, -1).T
    g = g[g.sum(1) <= V]
    v = np.c_[g, V - g.sum(1)].astype(np.int64)
    v = v[sc._satisfies(v)]
    passed = pass_rows(v, rules.threshold, sc.participants, True)
    s, _, tie = allocate_rows(v, passed, rules, ties="report")
    s = s[~tie]
    return s.min(0).tolist(), s.max(0).tolist()


@pytest.mark.parametrize(
    "bounds, participants, invalid, base",
    [
        # free shares, one capped: includes the runner-up rule (one party passes alone)
        (((5, 100), (5, 60), (5, 100)), 420, 20, "valid"),
        # one narrow share, two free
        (((30, 31), (0, 100), (0, 100)), 500, 100, "valid"),
        (((2, 40), (8, 100), (0, 100)), 400, 50, "participants"),
    ],
)
def test_exact_bounds_match_brute_force(bounds, participants, invalid, base):
    sc = Scenario("toy", "test", ("A", "B", "C"),
                  share_bounds=tuple((Fraction(lo, 100), Fraction(hi, 100)) for lo, hi in bounds),
                  participants=participants, invalid=invalid, share_base=base)
    res = scenario_bounds([sc], rules=TOY_RULES)
    t = res.table
    assert (t["seats_min"].tolist(), t["seats_max"].tolist()) == _brute_bounds(sc, TOY_RULES)
    # every bound comes with a whole-vote distribution that satisfies the claims and attains it
    for j, row in t.iterrows():
        for col, want in (("votes_at_min", row["seats_min"]), ("votes_at_max", row["seats_max"])):
            v = np.array(row[col])[None, :]
            assert sc._satisfies(v)[0] and v.sum() == sc.valid
            s, _, _ = allocate_rows(v, pass_rows(v, TOY_RULES.threshold, sc.participants, True), TOY_RULES)
            assert s[0, j] == want


def test_kazakhstan_exact_bounds(seats):
    # the draws' spread (0-57 / 0-73 ... , seed-dependent) is narrower than what the claims
    # allow: e.g. one party alone above 7 % of participants, the runner-up admitted with
    # its quotient times 0.7, gives that party 91 seats (witness in the table)
    obs = seats.table[seats.table["scenario"] == "Observers"]
    assert obs["seats_min"].tolist() == [0, 0, 0, 0, 0]
    assert obs["seats_max"].tolist() == [64, 91, 91, 91, 91]
    assert (obs["drawn_max"] <= obs["seats_max"]).all() and (obs["bounds"] == "exact").all()
    assert seats.bounds.wide().loc["Observers"].tolist() == ["0 to 64", "0 to 91", "0 to 91", "0 to 91", "0 to 91"]
    part = scenario_bounds([kazakhstan_2021_scenarios(observers_base="participants")["Observers"]])
    assert part.table["seats_min"].tolist() == [7, 7, 7, 7, 7]
    assert part.table["seats_max"].tolist() == [56, 67, 67, 67, 67]


def test_exact_bounds_refuse_what_they_cannot_prove():
    sc = kazakhstan_2021_scenarios()
    with pytest.raises(ValueError, match="implemented for Hare largest remainder"):
        scenario_bounds(sc, rules=Rules(name="x", seats=98, method="dhondt"))


def test_disproportionality_hand_computed(seats):
    from electionstats.allocation import disproportionality

    # CEC final: vote shares of party votes 71.09 / 10.95 / 9.10 / 5.29 / 3.57 %, seats
    # 76 / 12 / 10 / 0 / 0 of 98 = 77.55 / 12.24 / 10.20 / 0 / 0 %
    votes = np.array([5_148_074, 792_828, 659_019, 383_023, 258_618])
    d = np.array([76, 12, 10, 0, 0]) / 98 * 100 - votes / votes.sum() * 100
    lh, lsq = np.abs(d).sum() / 2, np.sqrt((d**2).sum() / 2)
    assert round(lh, 2) == 8.86 and round(lsq, 2) == 6.53
    res = disproportionality(dict(zip(PARTIES, votes.tolist())), dict(zip(PARTIES, [76, 12, 10, 0, 0])))
    assert res.loosemore_hanby == pytest.approx(lh, abs=1e-12) and res.gallagher == pytest.approx(lsq, abs=1e-12)
    row = seats.disproportionality.set_index("scenario").loc["CEC final"]
    assert row["gallagher_low"] == row["gallagher_high"] == pytest.approx(lsq, abs=1e-12)
    # two parties, 3 seats, votes 50 / 50: seats 2 / 1 -> differences +-16.67 points
    d2 = disproportionality([50, 50], [2, 1])
    assert d2.loosemore_hanby == pytest.approx(100 / 6) and d2.gallagher == pytest.approx(100 / 6)
    with pytest.raises(ValueError, match="same parties"):
        disproportionality({"A": 1, "B": 2}, {"A": 1, "C": 1})


def test_n_draws_is_deprecated(scenarios):
    with pytest.warns(DeprecationWarning, match="n_resamples"):
        res = scenario_seats({"CEC final": scenarios["CEC final"]}, n_draws=10, exact=False)
    assert res.n_resamples == 10
