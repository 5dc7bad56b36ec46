"""Official national totals typed in by hand, with their source in every row.

No polling-station data exist publicly for Kazakh elections; these tables are the anchors
for seat allocation and for checking the claims of the source article. Each row names its
source (press copies of the Central Election Commission's announcements) and its status
(official final, preliminary, legal rule, or our own derivation).
"""

from __future__ import annotations

import io
from importlib import resources

import pandas as pd

__all__ = ["ELECTIONS", "load", "party_results", "summary"]

#: Elections with bundled facts.
ELECTIONS = ("kazakhstan-2016-majilis", "kazakhstan-2021-majilis", "kazakhstan-2023-majilis")


def load() -> pd.DataFrame:
    """Every bundled fact as one tidy table (one row per fact, with ``source`` and ``status``).

    Examples
    --------
    >>> import electionstats as es
    >>> facts = es.facts.load()
    >>> sorted(facts["election"].unique())[:2]
    ['kazakhstan-2016-majilis', 'kazakhstan-2021-majilis']
    """
    text = resources.files("electionstats").joinpath("_data/facts_kazakhstan.csv").read_text("utf-8")
    df = pd.read_csv(io.StringIO(text))
    for col in ("votes", "seats"):
        df[col] = df[col].astype("Int64")
    return df


def _check(election: str) -> None:
    if not isinstance(election, str):
        raise TypeError(f"`election` must be a name, one of {list(ELECTIONS)} (got {type(election).__name__}).")
    if election not in ELECTIONS:
        raise KeyError(f"no bundled facts for {election!r}; available: {list(ELECTIONS)}.")


def party_results(election: str = "kazakhstan-2021-majilis", *, include_against_all: bool = False) -> pd.DataFrame:
    """Official party results: party, votes, percent (as published), seats, base, source.

    Parameters
    ----------
    election : str
        One of :data:`ELECTIONS`.
    include_against_all : bool
        2023 only: keep the "Against all" line (it counts in the published percentages).

    Returns
    -------
    DataFrame
        ``percent`` is the published percentage; ``base`` says of what: party votes
        (2021) or all ballots including "against all" (2023). 2016 has percentages only.

    Examples
    --------
    >>> import electionstats as es
    >>> r = es.facts.party_results("kazakhstan-2021-majilis")
    >>> r["party"].tolist()[:3]
    ['Nur Otan', 'Ak Zhol', "People's Party of Kazakhstan"]
    >>> r["votes"].tolist()[:3], r["seats"].tolist()[:3]
    ([5148074, 792828, 659019], [76, 12, 10])
    """
    _check(election)
    df = load()
    rows = df[(df["election"] == election) & (df["table"] == "party_results")]
    if not include_against_all:
        rows = rows[rows["item"] != "against_all"]
    out = rows[["party", "votes", "percent", "seats", "base", "status", "source"]]
    return out.reset_index(drop=True)


def summary(election: str = "kazakhstan-2021-majilis") -> pd.Series:
    """Official summary figures of an election as a Series (item -> value).

    Raises
    ------
    ValueError
        For an election with party results but no bundled summary (2016).

    Examples
    --------
    >>> import electionstats as es
    >>> s = es.facts.summary()
    >>> int(s["registered"]), int(s["ballots_issued"]), float(s["turnout_percent"])
    (11919241, 7539280, 63.25)
    """
    _check(election)
    df = load()
    rows = df[(df["election"] == election) & (df["table"] == "summary")]
    if rows.empty:
        have = sorted(set(df.loc[df["table"] == "summary", "election"]))
        raise ValueError(
            f"no summary figures (registered voters, ballots, turnout) are bundled for {election!r}; "
            f"elections with a summary: {have}. party_results() gives its party figures."
        )
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["item"].to_numpy(), name=election)
