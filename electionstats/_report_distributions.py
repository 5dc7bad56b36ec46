"""Report section on turnout and vote shares: fingerprint, integer percentages, spikes, excess votes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._report_html import Family, Section, figure_html, fmt, paragraph, table_html
from .election import Election

__all__ = ["distributions_section"]


def distributions_section(
    election: Election, *, party: str | None = None, rng: Any = None, n_resamples: int = 200
) -> Family | Section:
    """Fingerprint, integer-percentage test, resampled-density spikes and Shpilkin excess votes.

    Parameters
    ----------
    election : Election
        Station-level data with ``registered`` and a ballots role.
    party : str, optional
        Default ``election.default_party`` (the winner).
    rng : None, int or Generator
        Seed for the Monte Carlo null and the bootstrap.
    n_resamples : int
        Monte Carlo replicates of the integer test and bootstrap replicates of the excess
        votes (default 200 keeps the section under about 10 s on 95,000 stations; the
        papers use 1,000).

    Returns
    -------
    Family
        The integer-percentage and spikes tests (adjusted by the report with every
        other p-value) and the section; a plain Section without registered voters.
    """
    from ._montecarlo import as_generator
    from ._spikes import spikes_test
    from .distributions import excess_votes, fingerprint, integer_percentage_test

    title = "Turnout and vote shares"
    if "registered" not in election.roles:
        return Section(title, "These analyses need the number of registered voters per "
                              "station, which this data set does not have.")
    gen = as_generator(rng)
    party = election.default_party if party is None else party
    intro = (
        f"How turnout and {party}'s share are distributed across polling stations. In a "
        "clean election stations form one compact cloud; ballot stuffing and rewritten "
        "protocols push stations towards 100 % turnout and 100 % for the winner, and "
        "invented results tend to be round numbers. None of these patterns proves fraud "
        "on its own: regions that genuinely differ, special stations and small stations "
        "also leave marks, so read them together."
    )
    fp = fingerprint(election, party=party, weights="registered", preset="klimek2012")
    kw: dict[str, Any] = {}
    if "ballots_issued" not in election.roles or "invalid" not in election.roles:
        kw = {"preset": None}
    ip = integer_percentage_test(election, party=party, n_resamples=n_resamples, rng=gen, **kw)
    sp = spikes_test(election, party=party, n_resamples=n_resamples, rng=gen)
    ev = excess_votes(election, party=party, n_resamples=n_resamples, rng=gen)
    caveat_int = "Small stations and genuinely uniform places also produce round percentages."
    caveat_sp = "The clean model is an approximation; compare with its own value, not with zero."
    tests = pd.DataFrame([
        {"test": "Whole-percentage turnout or results (integer peaks)", "scope": "the whole country",
         "pvalue": float(ip.pvalue),
         "effect": f"{ip.excess:,.0f} stations more than chance (chance spread {ip.null_sd:,.0f})",
         "caveat": caveat_int},
        {"test": f"Spikes of round shares for {party}", "scope": "the whole country",
         "pvalue": float(sp.pvalue),
         "effect": f"{sp.statistic:.2f} % of stations coarse (clean model {sp.null_mean:.2f} %)",
         "caveat": caveat_sp},
    ])
    notes = []
    computed = bool(np.isfinite(ev.anomalous_votes))
    fits = computed and ev.anomalous_votes >= 0
    if computed and not fits:
        notes.append(
            f"The excess-votes method does not fit these data: it finds {ev.anomalous_votes:,.0f} "
            f"(negative) anomalous votes for {party}, which means {party} does better at low "
            "turnout than at the clean peak; its assumption fails here and the estimate is not "
            "a count of anything."
        )

    def render(adjusted: np.ndarray, *, alpha: float = 0.05) -> Section:
        return _render(party, fp, ip, sp, ev, adjusted, n_resamples, intro, title, fits, notes)

    return Family(tests=tests, render=render, notes=notes)


def _render(party, fp, ip, sp, ev, adjusted, n_resamples, intro, title, fits, notes) -> Section:
    import matplotlib.pyplot as plt

    from ._plot_distributions import plot_excess_votes, plot_fingerprint, plot_integer_percentages
    from ._plot_spikes import plot_spikes

    p_int, p_sp = float(adjusted[0]), float(adjusted[1])
    blocks: list[str] = []
    fig, ax = plt.subplots(figsize=(6.5, 6))
    plot_fingerprint(fp, ax=ax)
    blocks.append(figure_html(fig, caption=(
        f"Election fingerprint (Klimek et al. 2012): registered voters by station turnout "
        f"and {party}'s share, stations with at least 100 voters ({fp.n:,} stations; "
        f"{fp.n_excluded:,} excluded: {fp.excluded_reason or 'none'})."
    )))

    blocks.append(paragraph(
        "What it shows: each station's turnout against the winner's share, weighted by voters. "
        "A clean election is one compact cloud; a smear towards the top right corner (100 % "
        "turnout, 100 % for the winner) is the pattern of ballot stuffing."
    ))
    if ip.by_dimension is not None:
        shown = ip.by_dimension.copy()
        shown["dimension"] = shown["dimension"].map(
            {"either": "turnout or result", "share": f"{party}'s result", "turnout": "turnout"}
        )
        blocks.append(table_html(shown, kinds={"pvalue": "p", "threshold": "stat"}, caption=(
            f"Stations whose turnout or {party}'s result is a whole percentage (within 0.05 "
            f"points), against the exact binomial null (Kobak, "
            f"Shpilkin and Pshenichnikov 2016; filters: {ip.preset or 'none'}; "
            f"{ip.n:,} stations, {ip.n_excluded:,} excluded)."
        )))
        verdict = ("more" if p_int < 0.05 else "about as many") + " whole-percentage stations"
        blocks.append(paragraph(
            f"The data have {verdict} than binomial scatter around each station's own rates "
            f"produces: excess {ip.excess:,.0f} stations (null sd {ip.null_sd:,.0f}, "
            f"adjusted p {fmt(p_int, 'p')}). An excess means results cluster on round numbers, as "
            "written-down results do; it is not by itself proof of fraud."
        ))
        fig, axs = plt.subplots(2, 1, figsize=(9, 6.5), layout="constrained")
        plot_integer_percentages(ip, dimension="share", ax=axs[0])
        plot_integer_percentages(ip, dimension="turnout", ax=axs[1])
        blocks.append(figure_html(fig, caption=(
            "Histograms in 0.1-point bins with the binomial null's 99 % pointwise envelope; "
            "spikes above it at whole percentages are the anomaly."
        )))

    fig, ax = plt.subplots(figsize=(9, 3.5))
    plot_spikes(sp, ax=ax)
    blocks.append(figure_html(fig, caption=(
        f"Resampled kernel density of {party}'s share (Rozenas 2017): observed density, the "
        f"upper envelope of {sp.n_resamples} elections simulated without coarse (round) "
        "shares, and the flagged spikes above it."
    )))
    lo_f, hi_f = sp.confidence_interval
    blocks.append(paragraph(
        f"Estimated share of stations with coarse, round-number results: {sp.statistic:.2f} % "
        f"({sp.confidence_level:.0%} interval {lo_f:.2f} to {hi_f:.2f} %; {sp.n:,} stations, "
        f"{sp.n_excluded:,} excluded). In elections simulated from the clean model the same "
        f"estimate averages {sp.null_mean:.2f} % (95th percentile {sp.null_q95:.2f} %); "
        f"adjusted p {fmt(p_sp, 'p')}. Compare the estimate with that clean-model value, not with zero."
    ))

    if not np.isfinite(ev.anomalous_votes):
        blocks.append(paragraph(
            f"The excess votes could not be computed: {ev.n:,} stations usable, "
            f"{ev.n_excluded:,} excluded ({ev.excluded_reason or 'too few stations'})."
        ))
        return Section(title, intro, blocks, anchor="turnout-and-vote-shares")
    fig, ax = plt.subplots(figsize=(8, 4))
    plot_excess_votes(ev, ax=ax)
    blocks.append(figure_html(fig, caption=(
        f"Shpilkin's turnout extrapolation: {party}'s votes per turnout bin against the "
        "votes expected from its ratio to the other parties at the clean peak."
    )))
    lo, hi = ev.anomalous_votes_ci
    sens = ev.sensitivity
    if not fits:
        blocks.append(paragraph(notes[0], cls="caveat"))
    blocks.append(paragraph(
        f"Anomalous votes for {party}: {ev.anomalous_votes:,.0f} ({ev.anomalous_share:.1%} of "
        f"its votes; bootstrap {ev.confidence_level:.0%} interval {lo:,.0f} to {hi:,.0f}), of "
        f"which {ev.stuffing:,.0f} would come from turnout above the clean peak of "
        f"{ev.clean_turnout:.1%} and {ev.switching:,.0f} from switched votes. Under other "
        f"reasonable choices of bin width and peak the estimate ranges from "
        f"{sens['anomalous_votes'].min():,.0f} to {sens['anomalous_votes'].max():,.0f}. The "
        "method assumes turnout and support are unrelated in a clean election; where they "
        "genuinely go together it counts real votes as anomalous."
    ))
    blocks.append(table_html(
        sens.drop(columns="chosen"), kinds={"clean_turnout": "share", "anomalous_votes": "count",
                                            "stuffing": "count", "switching": "count"},
        caption="Sensitivity of the excess-votes estimate to the choices the method leaves open.",
    ))
    return Section(title, intro, blocks, anchor="turnout-and-vote-shares")
