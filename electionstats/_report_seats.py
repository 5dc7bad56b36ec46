"""Report section on seats for the Kazakhstan 2021 case: scenarios and seats against the threshold."""

from __future__ import annotations

from typing import Any

from . import facts
from ._report_html import Section, figure_html, paragraph, table_html

__all__ = ["seats_section"]


def _disproportionality(d: Any) -> Any:
    """One row per scenario: each index as a value, or a range where the claims allow one."""
    import pandas as pd

    def span(lo: float, hi: float) -> str:
        return f"{lo:.2f}" if abs(hi - lo) < 0.005 else f"{lo:.2f} to {hi:.2f}"

    return pd.DataFrame({
        "scenario": d["scenario"],
        "gallagher": [span(a, b) for a, b in zip(d["gallagher_low"], d["gallagher_high"])],
        "loosemore_hanby": [span(a, b) for a, b in zip(d["loosemore_hanby_low"], d["loosemore_hanby_high"])],
        "basis": d["basis"],
    })


def seats_section(*, rng: Any = None) -> Section:
    """The seats under each source's figures, and seats against the threshold (Kazakhstan 2021).

    Parameters
    ----------
    rng : None, int or Generator
        Seed for the draws of the range scenarios (the observers' claims).

    Returns
    -------
    Section
    """
    import matplotlib.pyplot as plt

    from .allocation import allocate
    from .scenarios import consistency_checks, kazakhstan_2021_scenarios, scenario_seats
    from .sensitivity import threshold_sweep

    scenarios = kazakhstan_2021_scenarios()
    res = scenario_seats(scenarios, n_resamples=10_000, rng=rng)
    checks = consistency_checks(scenarios)
    results = facts.party_results("kazakhstan-2021-majilis")
    summ = facts.summary("kazakhstan-2021-majilis")
    votes = dict(zip(results["party"], (int(v) for v in results["votes"])))
    participants = int(summ["ballots_issued"])
    official = allocate(votes, rules="kazakhstan-2021", participants=participants)
    sweep = threshold_sweep(
        votes, rules="kazakhstan-2021", participants=participants, bases=["participants", "valid"]
    )
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    sweep.plot(base="participants", ax=axes[0])
    official.plot(ax=axes[1])
    fig.tight_layout()
    fig2, ax2 = plt.subplots(figsize=(8, 4))
    res.plot(ax=ax2)
    wide = res.wide().reset_index()
    blocks = [
        table_html(
            wide,
            caption=(
                "Seats (of 98 list seats) under each scenario, Kazakh rules (7 % of voters who took "
                "part, Hare largest remainder). Ranges: the exact smallest and largest seats that "
                "vote distributions consistent with the claims allow (each bound reached by a checked "
                "whole-vote example)."
            ),
        ),
        table_html(res.conclusions, kinds={"share_of_draws": "share"},
                   caption="What the claims force (true in every draw), allow, or rule out"),
        figure_html(
            fig2,
            caption=("Seats per party: CEC final and the article's figures (dots); the observers' claims "
                     "(bars: every seat count from the smallest to the largest the claims allow; a range, "
                     "not a forecast)."),
        ),
        table_html(
            _disproportionality(res.disproportionality),
            caption=("Disproportionality of each scenario's seats against its votes, in percentage points "
                     "(Gallagher's least-squares index and the Loosemore-Hanby index)"),
        ),
        table_html(checks, caption="Consistency of the claims with each other and with the CEC's own figures"),
        figure_html(
            fig,
            caption=(
                "Left: seats of each party as the threshold moves from 0 to 15 % of the voters who took part "
                "(CEC final votes). Right: each party's share of the 7,539,280 voters who took part, with the "
                "margin in votes over the 7 % threshold."
            ),
        ),
        paragraph(
            "Sources: CEC final results of 12 January 2021 (The Astana Times, Kazinform, KazTAG); the claims "
            "of the KazTAG article of 14 January 2021. Rules: Constitutional Law 'On Elections', Art. 97; "
            "the notes of the package's Kazakhstan 2021 rules say which details of the law are uncertain."
        ),
    ]
    return Section(
        "Seats: who gets them under each source's figures",
        "The dispute ends in seats. Under the CEC's final votes three parties pass and the seats are "
        "76 / 12 / 10. The article's own percentages give different seats, and the observers' claims "
        "(every party above 7 %, Nur Otan below half, 15 % turnout, 12 % spoiled) leave a wide range. "
        "Where a claim is a range, the table shows the exact range of seats it allows; the shares "
        "of 10,000 seeded random draws in the second table are not probabilities.",
        blocks,
    )
