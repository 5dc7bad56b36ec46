"""Report section on digit tests: the basic forensics table and a digit figure."""

from __future__ import annotations

from typing import Any

from ._report_html import Section, figure_html, paragraph, table_html
from .election import Election

__all__ = ["digits_section"]

_SHOWN = ("_2BL", "LastC", "C05s", "P05s", "Skew", "Kurt", "DipT", "Corr")


def digits_section(election: Election, *, rng: Any = None, n_resamples: int = 100) -> Section:
    """The Election Forensics Toolkit table on the leader and turnout, by top region, and a digit figure.

    Parameters
    ----------
    election : Election
        Station-level data with ``registered`` and a ballots role.
    rng : None, int or Generator
        Seed for the bootstrap and the size-aware Monte Carlo null.
    n_resamples : int
        Bootstrap resamples and Monte Carlo replicates (default 100 keeps the section
        under about 20 s on 95,000 stations; use 1000 to match the toolkit).

    Returns
    -------
    Section
    """
    import matplotlib.pyplot as plt

    from ._montecarlo import as_generator
    from .digits import last_digit_test
    from .forensics import basic_forensics

    gen = as_generator(rng)
    leader = election.default_party
    columns = (["Turnout"] if "registered" in election.roles else []) + [leader]
    by = election.regions[0] if election.regions else None
    table = basic_forensics(election, columns, by=by, n_resamples=n_resamples, rng=gen)
    long = table.to_frame(long=True)
    flagged = long[long["reject"]]
    wide = table.to_frame()
    shown = wide[["group", "column", "n", *_SHOWN]].copy()
    for stat in _SHOWN:
        shown[stat] = shown[stat].round(3)
    ballots = election.counts(
        "ballots_found" if "ballots_found" in election.roles else "ballots_issued"
    )
    res = last_digit_test(
        election.counts(leader), null="montecarlo", denominator=ballots,
        n_resamples=n_resamples, rng=gen,
    )
    ax = res.plot()
    ax.set_title(f"Last digit of {leader}'s votes per station ({ax.get_title()})", fontsize="small")
    fig = ax.figure
    blocks = [
        table_html(
            shown,
            caption=(
                f"Election Forensics Toolkit statistics by {by or 'country'} for turnout and "
                f"{leader} ({n_resamples} bootstrap resamples)."
            ),
        ),
        paragraph(
            f"{len(flagged)} of {int(long['pvalue'].notna().sum())} p-values are below 0.05 "
            "after Benjamini-Hochberg adjustment across the table. Digit statistics are "
            "tested against what counts of the same sizes produce (a size-aware null), "
            "not against textbook values; Skew and Kurt against a normal shape, which "
            "clean elections often do not have."
        ),
        figure_html(fig, caption=f"Last digits of {leader}'s votes against the size-aware null."),
    ]
    plt.close(fig)
    if by is not None and len(wide) <= 60:
        hm = table.plot()
        blocks.append(figure_html(hm.figure, caption="The table as a heat map of adjusted p-values."))
        plt.close(hm.figure)
    return Section(
        title="Digit tests and basic forensics",
        intro=(
            "Digits of vote counts (the second digit, the last digit, counts and percentages "
            "ending in 0 or 5) and the shape of turnout and vote-share distributions, as in "
            "Mebane and Kalinin's Election Forensics Toolkit. A flagged cell is a reason to "
            "look closer, not proof of fraud."
        ),
        blocks=blocks,
    )
