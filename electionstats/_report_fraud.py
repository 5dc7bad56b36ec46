"""Report section for Kazakhstan 2021: what station data would show if the observers were right.

The observers quoted by KazTAG say real turnout was about 15 % while the CEC reported
63.25 %. The section simulates a Kazakhstan-sized election in which that happened (ballot
stuffing in the Klimek model, :func:`electionstats.fraud.observers_scenario`), draws its
fingerprint next to a clean election of the same size, and reads from the shipped
calibration table (:func:`electionstats.calibration_table`) how often each test of the
battery would detect it if the CEC published its polling-station protocols.
"""

from __future__ import annotations

import html
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ._report_html import Section, figure_html, fmt, paragraph, table_html

__all__ = ["fraud_section"]

#: Seed of the two simulated elections drawn in the figure when the report has none.
FIGURE_SEED = 2021


def _rate(row: pd.Series) -> str:
    rate, se = float(row["rejection_rate"]), float(row["standard_error"])
    return f"{fmt(rate, 'share')} (± {fmt(se, 'share')})"


def _detection_table(t: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table for the reader, numbers per test) from the Kazakhstan calibration table."""
    from .screen import TESTS

    obs = t[t["fraud"] == "observers' scenario"].set_index("test")
    clean = t[t["fraud"] == "none"].set_index("test")
    low = t[t["fraud"] == "clean at 15 % turnout"].set_index("test")
    tests = [name for name in TESTS if name in obs.index]
    numbers = pd.DataFrame({
        "power": [float(obs.loc[n, "rejection_rate"]) for n in tests],
        "size": [float(clean.loc[n, "rejection_rate"]) if n in clean.index else np.nan
                 for n in tests],
        "size_low": [float(low.loc[n, "rejection_rate"]) if n in low.index else np.nan
                     for n in tests],
    }, index=tests)
    shown = pd.DataFrame({
        "Test": [TESTS[n].label for n in tests],
        "Detects the observers' scenario": [_rate(obs.loc[n]) for n in tests],
        "Simulated elections": [int(obs.loc[n, "n_elections"]) for n in tests],
        "False alarms, clean election at 63 % turnout": [
            _rate(clean.loc[n]) if n in clean.index else "" for n in tests],
        "False alarms, clean election at 15 % turnout": [
            _rate(low.loc[n]) if n in low.index else "" for n in tests],
    })
    return shown, numbers


def _listing(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def fraud_section(*, rng: Any = None) -> Section:
    """The observers' scenario as station data, and which tests would detect it.

    Parameters
    ----------
    rng : None or int
        Seed of the two simulated elections in the figure (default :data:`FIGURE_SEED`);
        the detection rates come from the shipped table, whatever the seed.

    Returns
    -------
    Section
    """
    import matplotlib.pyplot as plt

    from .calibrate import calibration_table
    from .distributions import fingerprint
    from .fraud import observers_scenario
    from .screen import TESTS
    from .simulate import simulate_election

    seed = FIGURE_SEED if rng is None or not isinstance(rng, (int, np.integer)) else int(rng)
    sim = observers_scenario(rng=seed)
    solved = sim.params["solved"]
    median = 11_900_000 / 10_061 / np.exp(0.125)
    clean = simulate_election(10_061, registered=median, turnout=0.6325, support=0.5,
                              parties=3, rng=seed + 1, name="clean simulated election")
    totals = sim.election.totals()
    reported = totals["ballots_found"] / totals["registered"]
    classes = sim.truth["fraud_class"].value_counts()
    n_ext, n_inc = int(classes.get("extreme", 0)), int(classes.get("incremental", 0))
    stuffed = int(sim.truth["stuffed"].sum())

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharex=True, sharey=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stations with no valid votes are left out and counted
        for ax, e, title in ((axes[0], sim.election, "If the observers were right"),
                             (axes[1], clean.election, "Clean count at the reported turnout")):
            fingerprint(e).plot(ax=ax, marginals=False)
            ax.set_title(f"{title} ({e.n_stations:,} stations)")
            ax.set_xlabel("Turnout, ballots over registered voters (%)")
            ax.set_ylabel("Leader's share of valid votes (%)")
    fig.tight_layout()

    table = calibration_table("kazakhstan").table
    shown, numbers = _detection_table(table)
    label = {n: TESTS[n].label for n in numbers.index}
    # A detection counts only for a test that does not also fire on clean elections.
    calibrated = (numbers["size"] <= 0.1) & (numbers["size_low"] <= 0.1)
    strong = [label[n] for n in numbers.index[calibrated & (numbers["power"] >= 0.9)]]
    weak = [label[n] for n in numbers.index[calibrated & (numbers["power"] < 0.5)]]
    noisy = [label[n] for n in numbers.index[~calibrated]]
    n_obs = int(table.loc[table["fraud"] == "observers' scenario", "n_elections"].min())
    n_clean = int(table.loc[table["fraud"] == "none", "n_elections"].min())

    findings = [
        f"For 15 % real turnout to be reported as 63.25 % ({fmt(float(reported), 'share')} in "
        f"the simulated election), ballots "
        f"would have to be stuffed in {fmt((n_ext + n_inc) / sim.election.n_stations, 'share')} "
        f"of the 10,061 stations: in {n_ext:,} stations nearly every voter who stayed away "
        f"is counted as voting for the leader, in {n_inc:,} a part of them "
        f"({stuffed:,} stuffed ballots in all).",
        "Most stations would lie on a smear from low turnout up to a dense corner at nearly "
        "100 % turnout and 100 % for the leader, unlike the single round cloud of a clean "
        "count (figure); Klimek and co-authors found such a smear and corner in Russia's "
        "2011 and 2012 elections.",
        (f"If the CEC published its polling-station protocols, {_listing(strong)} would "
         f"detect such an election in at least 90 % of simulations." if strong else
         "No test that keeps its false-alarm rate low detects this scenario in 90 % of "
         "simulations."),
        (f"{_listing(weak)} would mostly miss it: they look for other kinds of fraud "
         "(made-up digits, round numbers)." if weak else ""),
        (f"{_listing(noisy)} also fire on clean elections of this size (more than 10 % "
         "false alarms in the table below), so their detections say little." if noisy else ""),
        "The CEC has not published station-level results for 2021, so none of these tests "
        "can be run on the real election; the checks in this report use national totals.",
    ]
    blocks = [
        "<ul>" + "".join(f"<li>{html.escape(t[0].upper() + t[1:])}</li>"
                         for t in findings if t) + "</ul>",
        figure_html(fig, caption=(
            f"Stations by turnout and the leader's share (1 percentage point bins, logarithmic "
            f"colours). Left: real turnout 15 % (between-station spread 5 points), then "
            f"stuffing and stealing in {fmt(solved['f_i'] + solved['f_e'], 'share')} of "
            f"stations, half of them extreme, as in the model of Klimek and co-authors "
            f"(2012). Right: a clean count at 63.25 % turnout. Both 10,061 stations of about "
            f"1,180 voters; simulated with seeds {seed:,} and {seed + 1:,}.")),
        table_html(shown, caption=(
            f"How often each test rejects at the 5 % level (± one Monte Carlo standard "
            f"error). Detection: {n_obs:,} or more simulated elections of the observers' "
            f"scenario per test; false alarms: {n_clean:,} or more clean simulated "
            f"elections of 10,061 stations. Source: the size and power table shipped with "
            f"the package for Kazakhstan-sized elections (fixed seed; the provenance file "
            f"next to it gives the seed, the numbers of elections and the command).")),
        paragraph(
            "A simulation answers 'what would the data look like if', not 'what happened'. "
            "The clean part of the simulated elections is smooth (binomial counting around "
            "station rates), so false-alarm rates on real clean elections, with their "
            "regions and special stations, are higher than those shown.", cls="caveat"),
    ]
    return Section(
        "If the observers were right: what polling-station data would show",
        "The observers say 15 % of voters took part, the CEC says 63.25 %. If both the "
        "observers and the CEC's total were right, the difference must have been added at "
        "the stations. This section simulates such an election and asks which tests would "
        "catch it.",
        blocks,
    )
