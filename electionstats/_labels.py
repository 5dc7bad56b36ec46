"""Words for people: human labels, one-line explanations, the glossary, transliteration.

Everything the HTML report shows goes through this module, so that no code identifier
(``nur_otan_share_percent``, ``_2BL``, ``DipT``) reaches a reader. :data:`TERMS` maps an
identifier (a column name, a quantity, a statistic) to its label and a one-line
explanation; :func:`label` and :func:`explain` look them up, :func:`humanize` applies them
to a table, and :func:`glossary_rows` lists the terms a report used.
:func:`transliterate` writes Russian (Cyrillic) text in Latin letters, following the
BGN/PCGN 1947 romanization (simplified: no diacritics, no separator dots).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "TERMS",
    "count_words",
    "explain",
    "glossary_rows",
    "humanize",
    "label",
    "region_label",
    "transliterate",
]

#: identifier -> (human label, one-line explanation).
TERMS: dict[str, tuple[str, str]] = {
    # digit tests and the Election Forensics Toolkit statistics
    "_2BL": ("Mean second digit", "Average second digit of the counts; Benford's law expects 4.187."),
    "LastC": ("Mean last digit", "Average last digit of the counts; 4.5 when last digits are uniform."),
    "C05s": ("Counts ending in 0 or 5", "Share of counts whose last digit is 0 or 5; 0.2 when last digits are uniform."),
    "P05s": ("Percentages ending in 0 or 5", "Share of rounded percentages whose last digit is 0 or 5; about 0.2 by chance."),
    "Skew": ("Skewness", "Asymmetry of the distribution across stations; 0 for a symmetric, bell-shaped one."),
    "Kurt": ("Kurtosis", "Weight of the tails of the distribution across stations; 3 for a normal one."),
    "DipT": ("Dip test p-value", "Hartigan's dip test: a small value says the distribution has more than one peak."),
    "Corr": ("Correlation with turnout", "Correlation across stations between the quantity and turnout."),
    "Sobyanin": ("Sobyanin-Sukhovolsky slope", "Slope of the winner's votes on turnout across stations."),
    "Turnout": ("Turnout", "Ballots cast as a share of registered voters, per station."),
    # station tables and roles
    "registered": ("Registered voters", "Voters on the station's register."),
    "ballots_issued": ("Ballots issued", "Ballots handed to voters (a measure of who took part)."),
    "ballots_found": ("Ballots found", "Ballots found in the boxes when counted."),
    "valid": ("Valid ballots", "Ballots counted for a party or candidate."),
    "invalid": ("Invalid ballots", "Spoiled or blank ballots."),
    "stations": ("Polling stations", "Stations in the table after the rows left out."),
    "group": ("Region", "The region (highest level of the table) the row is about."),
    "column": ("Quantity", "What is tested: turnout or a party's votes per station."),
    "n": ("Stations", "Polling stations in the group."),
    "n_stations": ("Stations", "Polling stations in the group."),
    "statistic": ("Test", "Which statistic was computed."),
    "value": ("Value", "The statistic computed from the data."),
    "pvalue": ("p", "Probability of a departure at least this large if the reference held."),
    "pvalue_adjusted": ("Adjusted p", "p-value after Benjamini-Hochberg control of false discoveries across the whole report."),
    "adjusted_p": ("Adjusted p", "p-value after Benjamini-Hochberg control of false discoveries across the whole report."),
    "reject": ("Flagged", "Adjusted p below 0.05: a reason to look closer, not proof of fraud."),
    "verdict": ("Verdict", "Flagged when the adjusted p-value is below 0.05."),
    "effect": ("Effect size", "How large the departure is, in the test's own unit; shown beside the p-value because large samples make tiny departures significant."),
    "caveat": ("Caveat", "What else can produce the same pattern."),
    "test": ("Test", "The statistical test."),
    "scope": ("Where", "The whole country or one region."),
    # integer percentages and excess votes
    "dimension": ("Quantity", "Turnout, the party's result, or either."),
    "observed": ("Stations observed", "Stations whose value is a whole percentage."),
    "expected": ("Expected by chance", "Average over the Monte Carlo replicates of binomial scatter."),
    "excess": ("Excess", "Observed minus expected."),
    "null_sd": ("Spread by chance", "Standard deviation over the Monte Carlo replicates."),
    "bin_width": ("Bin width", "Width of the turnout bins, in percentage points."),
    "clean_turnout": ("Clean-peak turnout", "Turnout at the peak taken as the clean part of the election."),
    "anomalous_votes": ("Anomalous votes", "Votes above what the clean peak's ratio predicts."),
    "anomalous_share": ("Share of the party's votes", "Anomalous votes as a share of the party's votes."),
    "stuffing": ("From turnout above the peak", "Part of the anomalous votes from turnout above the clean peak."),
    "switching": ("From switched votes", "Part of the anomalous votes from a higher share at the same turnout."),
    "peak": ("Peak rule", "How the clean peak of turnout was chosen."),
    "method": ("Method", "How the estimate was computed."),
    "null_mean": ("Expected by chance", "Average over the Monte Carlo replicates of binomial scatter."),
    "threshold": ("Tolerance", "How close to a whole percentage counts as whole, in percentage points."),
    "n_groups_undefined": ("Regions without a clean ratio", "Regions left out because no clean peak ratio could be computed."),
    "ratio": ("Ratio", "Which ratio at the clean peak predicts the party's votes."),
    "peak_bin": ("Peak bin", "The clean peak is the most common turnout bin."),
    "below_peak": ("Below the peak", "The clean part is every station below the peak of turnout."),
    "others": ("Other parties", "Ratio of the party's votes to the other parties' votes."),
    "party_votes_above_ballots": ("party votes above the ballots", "Stations where the parties' votes add up to more than the ballots."),
    "missing_set_to_zero": ("missing counts set to 0", "Empty count cells read as 0, as asked."),
    # Kazakhstan claims
    "claim_id": ("No.", "Number of the claim in the source article's order."),
    "quantity": ("Quantity", "What the statement is about."),
    "comparator": ("Relation", "Exactly, at most, below, ... the stated value."),
    "unit": ("Unit", "The unit of the value."),
    "claimant": ("Who says it", "The person or body the article attributes the figure to."),
    "date": ("Date", "When the figure was stated."),
    "cec_final": ("CEC final figure", "The Central Election Commission's final published figure (12 January 2021)."),
    "notes": ("Notes", "Context of the claim."),
    "official": ("Officials (as quoted)", "What the CEC says, as the article quotes it."),
    "observers": ("Observers", "What independent observers and the League of Young Voters say."),
    "article": ("Article", "Figures the article states itself."),
    "law": ("Law", "What the electoral law says."),
    "final_official": ("CEC final figure", "The Central Election Commission's final published figure."),
    "claim": ("Claim", "The statement, in numbers."),
    "implied_value": ("What the claim implies", "The count of ballots or votes the claim implies."),
    "official_value": ("Official count", "The count the CEC published."),
    "difference": ("Difference", "Implied minus official."),
    "formula": ("How it is computed", "The arithmetic behind the implied count."),
    "statement_a": ("First statement", "One of two statements that cannot both be true."),
    "by_a": ("Made by", "Who makes the first statement."),
    "statement_b": ("Second statement", "The statement it contradicts."),
    "by_b": ("Made by", "Who makes the second statement."),
    "gap": ("Gap", "The smallest distance between what the two statements allow, in the quantity's unit."),
    "in_words": ("In words", "The contradiction in one sentence."),
    "party": ("Party", "Party on the ballot."),
    "votes": ("Votes", "Votes for the party."),
    "percent": ("Share of party votes", "Votes as a percentage of the votes for parties."),
    "seats": ("Seats", "List seats (of 98)."),
    "source": ("Source", "Where the figure comes from."),
    "scenario": ("Scenario", "Whose figures the seats are computed from."),
    "statement": ("Statement", "An outcome the claims may force, allow or rule out."),
    "share_of_draws": ("Share of random draws", "Share of the random vote distributions consistent with the claims in which the statement holds; not a probability."),
    "check": ("Check", "A consistency check between claims and official figures."),
    "holds": ("Holds", "Whether the check passes."),
    "detail": ("Why", "The arithmetic of the check."),
    "basis": ("Basis", "Whether the index comes from the scenario's votes or from the range its claims allow."),
    "gap_unit": ("Unit of the gap", "The unit the gap is measured in."),
    "gallagher": ("Gallagher index", "Disproportionality of seats against votes (least squares index, in percentage points)."),
    "loosemore_hanby": ("Loosemore-Hanby index", "Half the sum of the gaps between seat and vote shares, in percentage points."),
    # Kazakhstan quantities (values of the claims' quantity column)
    "polling_hours": ("Polling hours", "Hours the polling stations were open."),
    "nur_otan_share_percent": ("Nur Otan's share", "Nur Otan's share of the votes, in percent."),
    "peoples_party_share_percent": ("People's Party's share", "The People's Party of Kazakhstan's share of the votes, in percent."),
    "ak_zhol_share_percent": ("Ak Zhol's share", "Ak Zhol's share of the votes, in percent."),
    "threshold_percent": ("Threshold", "The legal threshold to win list seats, in percent."),
    "turnout_percent": ("Turnout", "Voters who took part as a share of registered voters, in percent."),
    "invalid_ballots_percent": ("Spoiled ballots", "Spoiled ballots as a share of all ballots, in percent."),
    "parties_passing_threshold": ("Parties passing the threshold", "How many of the five parties won list seats."),
    "appointed_deputies": ("Appointed deputies", "Deputies named by the Assembly of People, not elected."),
    "votes_for_parties": ("Votes for parties", "Ballots counted for one of the parties."),
    "invalid_ballots": ("Invalid ballots", "Spoiled or blank ballots."),
}

_USED: set[str] = set()
_IDENT = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def reset_used() -> None:
    """Forget the terms used so far (the report calls this before it builds)."""
    _USED.clear()


def label(name: Any) -> str:
    """The human label of an identifier (the identifier itself when it is already words).

    Examples
    --------
    >>> label("_2BL"), label("nur_otan_share_percent"), label("Nur Otan")
    ('Mean second digit', "Nur Otan's share", 'Nur Otan')
    """
    key = str(name)
    if key in TERMS:
        _USED.add(key)
        return TERMS[key][0]
    if _IDENT.fullmatch(key):
        return key.replace("_", " ")
    if key.startswith("turnout (") and key.endswith(" / registered)"):
        num = key[len("turnout ("):-len(" / registered)")]
        return f"Turnout ({label(num).lower()} / registered voters)"
    return key


def explain(name: Any) -> str:
    """The one-line explanation of an identifier ('' when there is none)."""
    entry = TERMS.get(str(name))
    return entry[1] if entry else ""


def humanize(df: pd.DataFrame, *, value_columns: tuple[str, ...] = ("quantity", "statistic", "column", "dimension")) -> pd.DataFrame:
    """A copy of ``df`` with identifier values in ``value_columns`` replaced by their labels.

    Column names are left alone (``table_html`` labels them, with a tooltip).
    """
    out = df.copy()
    for col in value_columns:
        if col in out.columns and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: label(v) if isinstance(v, str) else v)
    return out


def glossary_rows() -> pd.DataFrame:
    """Label and explanation of every term used since :func:`reset_used`, sorted by label."""
    rows = sorted({(TERMS[k][0], TERMS[k][1]) for k in _USED})
    return pd.DataFrame(rows, columns=["term", "meaning"])


# BGN/PCGN 1947 romanization of Russian, without diacritics or separator dots.
_RU = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}
_VOWELS_AND_SIGNS = set("аеёиоуыэюяйъь")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def transliterate(text: str) -> str:
    """Russian Cyrillic in Latin letters (BGN/PCGN, simplified); other characters unchanged.

    ``е`` and ``ё`` become ``ye`` at the start of a word and after a vowel, ``й``
    or a hard or soft sign, as BGN/PCGN prescribes; capitals keep their case.

    Examples
    --------
    >>> transliterate("Республика Адыгея (Адыгея)")
    'Respublika Adygeya (Adygeya)'
    >>> transliterate("Ставропольский край"), transliterate("Чечня"), transliterate("Ельцин")
    ('Stavropolskiy kray', 'Chechnya', 'Yeltsin')
    """
    out = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in _RU:
            lat = _RU[low]
            if low in ("е", "ё") and (not prev or not prev.isalpha() or prev in _VOWELS_AND_SIGNS):
                lat = "ye"
            if ch != low and lat:
                lat = lat[0].upper() + lat[1:]
            out.append(lat)
        else:
            out.append(ch)
        prev = low
    return "".join(out)


def region_label(name: Any) -> str:
    """A region name with its transliteration beside it when it is written in Cyrillic.

    Examples
    --------
    >>> region_label("Москва"), region_label("Tirana")
    ('Moskva (Москва)', 'Tirana')
    """
    text = str(name)
    if not _CYRILLIC.search(text):
        return text
    return f"{transliterate(text)} ({text})"


def count_words(expr: Any) -> str:
    """A count column or a sum of them in words (party names kept as they are).

    Examples
    --------
    >>> count_words("valid+invalid"), count_words("ballots_issued/registered")
    ('valid ballots + invalid ballots', 'ballots issued / registered voters')
    """
    sides = []
    for side in str(expr).split("/"):
        parts = [p.strip() for p in side.split("+")]
        sides.append(" + ".join(TERMS[p][0].lower() if p in TERMS else p for p in parts))
    return " / ".join(sides)
