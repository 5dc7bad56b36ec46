"""Claims about an election as data: who says what, compared with the official figures.

A claim is a quantity (e.g. ``turnout_percent``), a value, a comparator (``=``, ``<``,
``<=``, ``>``, ``>=``), who makes it, when, and the election commission's final figure
where one exists. :func:`contradictions` lists the pairs of claims (and claim versus final
figure) that cannot both be true; :func:`implications` turns claims into the quantities
they imply (e.g. the number of ballots a 15 % turnout means).
"""

from __future__ import annotations

import io
from importlib import resources
from itertools import combinations

import numpy as np
import pandas as pd

from . import facts
from ._results import result_frame

__all__ = ["CASES", "contradictions", "implications", "interval", "load", "side_by_side"]

#: Bundled claim tables.
CASES = {"kazakhstan-2021": "claims_kazakhstan_2021.csv"}

_COMPARATORS = ("=", "<", "<=", ">", ">=")

#: Units that count a few whole things: a stated number of them is exact (no rounding
#: interval). Large counts (ballots, votes) are often stated rounded and keep one.
COUNT_UNITS = ("parties", "deputies", "seats", "lists")

#: How a difference of two values in a unit is said (a gap between two percentages is in
#: percentage points).
_GAP_UNITS = {"percent": "percentage points", "percent of ballots": "percentage points of the ballots"}

_REQUIRED = ("quantity", "value", "unit", "comparator", "claimant", "resolution", "cec_final")


def _check_claims(claims: object, name: str = "claims") -> pd.DataFrame:
    """A claims table, checked: a case name loads it; wrong types, missing columns, NaN or
    infinite values, unknown comparators and negative resolutions raise, naming the rows."""
    if claims is None:
        return load()
    if isinstance(claims, str):
        return load(claims)
    if not isinstance(claims, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be a claims table (a DataFrame from electionstats.claims.load()) or a case "
            f"name such as 'kazakhstan-2021' (got {type(claims).__name__})."
        )
    missing = [c for c in _REQUIRED if c not in claims.columns]
    if missing:
        raise ValueError(
            f"`{name}` lacks the column(s) {missing}; build it with electionstats.claims.load() "
            "or give those columns (resolution: half a unit of the last stated digit, 0 for exact counts)."
        )
    ids = claims["claim_id"].tolist() if "claim_id" in claims.columns else list(range(len(claims)))

    def rows(mask: np.ndarray) -> list:
        return [ids[i] for i in np.flatnonzero(mask)][:10]

    for col in ("value", "resolution", "cec_final"):
        try:
            vals = pd.to_numeric(claims[col], errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"`{name}` column {col!r} must hold numbers (claims {ids[:10]}).") from None
        bad = ~np.isfinite(vals) if col != "cec_final" else np.isinf(vals)
        if bad.any():
            raise ValueError(
                f"`{name}` column {col!r} is missing, NaN or infinite for claim(s) {rows(bad)}; every claim "
                "needs a stated value and a resolution (give cec_final as empty when there is none)."
            )
        if col == "resolution" and (vals < 0).any():
            raise ValueError(
                f"`{name}` column 'resolution' is negative for claim(s) {rows(vals < 0)}; it is half a unit "
                "of the last stated digit (76.49 -> 0.005), 0 for exact counts."
            )
    bad = ~claims["comparator"].isin(_COMPARATORS).to_numpy()
    if bad.any():
        raise ValueError(f"`{name}` column 'comparator' must be one of {_COMPARATORS}; claim(s) {rows(bad)} are not.")
    return claims


def load(case: str = "kazakhstan-2021") -> pd.DataFrame:
    """The claims of a case as a tidy table, one row per claim.

    Parameters
    ----------
    case : str
        ``'kazakhstan-2021'``: the claims of the source article (KazTAG, 14 January 2021,
        on the 10 January 2021 Majilis election) and the CEC's final statement.

    Returns
    -------
    DataFrame
        Columns ``claim_id, quantity, value, unit, comparator, claimant, claimant_type,
        date, cec_final, cec_final_source, source, notes`` and ``resolution`` (half a unit
        of the last digit the claim states: 76.49 -> 0.005, 15 -> 0.5; 0 for counts of
        whole things such as "5 parties", see :data:`COUNT_UNITS`).

    Examples
    --------
    >>> import electionstats as es
    >>> c = es.claims.load("kazakhstan-2021")
    >>> c.loc[c["quantity"] == "turnout_percent", ["value", "comparator", "claimant"]].values.tolist()
    [[63.0, '<=', 'CEC (as quoted by the article)'], [15.0, '=', 'independent observers']]
    """
    if not isinstance(case, str):
        raise TypeError(f"`case` must be a case name, one of {list(CASES)} (got {type(case).__name__}).")
    if case not in CASES:
        raise KeyError(f"unknown claims case {case!r}; available: {list(CASES)}.")
    text = resources.files("electionstats").joinpath(f"_data/{CASES[case]}").read_text("utf-8")
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df = raw.copy()
    df["claim_id"] = df["claim_id"].astype(int)
    df["value"] = df["value"].astype(float)
    df["cec_final"] = pd.to_numeric(df["cec_final"].replace("", np.nan))
    decimals = raw["value"].str.partition(".")[2].str.len()
    df["resolution"] = 0.5 * 10.0 ** (-decimals.astype(float))
    df.loc[df["unit"].isin(COUNT_UNITS), "resolution"] = 0.0
    df["date"] = pd.to_datetime(df["date"])
    bad = ~df["comparator"].isin(_COMPARATORS)
    if bad.any():
        raise ValueError(f"unknown comparator(s) {df.loc[bad, 'comparator'].tolist()} in {case}")
    return df


def interval(value: float, comparator: str, resolution: float = 0.0) -> tuple[float, float, bool, bool]:
    """The set of true values a claim allows: ``(low, high, low_closed, high_closed)``.

    An equality claim allows the values that round to the stated number (``resolution``
    is half a unit of its last digit): "15 %" allows [14.5, 15.5].

    Examples
    --------
    >>> interval(15, "=", 0.5)
    (14.5, 15.5, True, True)
    >>> interval(50, "<")
    (-inf, 50, False, False)
    """
    for nm, x in (("value", value), ("resolution", resolution)):
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise TypeError(f"`{nm}` must be a number (got {x!r}).")
        if not np.isfinite(x):
            raise ValueError(f"`{nm}` must be finite (got {x!r}); a claim needs a stated number.")
    if resolution < 0:
        raise ValueError(f"`resolution` must be >= 0, half a unit of the last stated digit (got {resolution!r}).")
    if comparator == "=":
        return value - resolution, value + resolution, True, True
    if comparator == "<":
        return -np.inf, value, False, False
    if comparator == "<=":
        return -np.inf, value + resolution, False, True
    if comparator == ">":
        return value, np.inf, False, False
    if comparator == ">=":
        return value - resolution, np.inf, True, False
    raise ValueError(f"`comparator` must be one of {_COMPARATORS} (got {comparator!r}).")


def _compatible(a: tuple, b: tuple) -> bool:
    lo = max(a[0], b[0])
    hi = min(a[1], b[1])
    if lo < hi:
        return True
    if lo > hi:
        return False
    # touching end points: compatible only if both are closed there
    a_closed = (a[0] == lo and a[2]) or (a[1] == lo and a[3])
    b_closed = (b[0] == lo and b[2]) or (b[1] == lo and b[3])
    return bool(a_closed and b_closed)


def _text(value: float) -> str:
    """Shortest exact text of a stated number (7539280 -> '7539280', not '7.53928e+06')."""
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


def _describe(comparator: str, value: float, unit: str) -> str:
    text = _text(value)
    return f"{comparator} {text} {unit}" if comparator != "=" else f"{text} {unit}"


def _gap_unit(unit: str, gap: float) -> str:
    """Unit of a difference: percentage points for percentages, else the unit itself
    (singular for a gap of exactly 1: "1 party")."""
    if unit in _GAP_UNITS:
        return _GAP_UNITS[unit]
    if gap == 1 and unit.endswith("ies"):
        return unit[:-3] + "y"
    if gap == 1 and unit.endswith("s"):
        return unit[:-1]
    return unit


def _number(x: float) -> str:
    """A gap for people: whole numbers with thousands separators, others to 4 significant digits."""
    x = round(float(x), 6)
    if x.is_integer():
        return f"{int(x):,}"
    whole, _, frac = f"{x:.6f}".partition(".")
    return f"{int(whole):,}.{frac.rstrip('0')}"


@result_frame("Contradictions between claims", citations=("kaztag2021", "cec_kazakhstan2021"))
def contradictions(claims: pd.DataFrame | str | None = None) -> pd.DataFrame:
    """Pairs of statements about the same quantity that cannot both be true.

    Every pair of claims about the same quantity is compared, and every claim is compared
    with the election commission's final figure. Two statements contradict each other
    when the sets of values they allow do not overlap: an "=" claim allows the values that
    round to it ("15 %" allows 14.5 to 15.5 %), while a count of whole things ("5
    parties") is exact.

    Parameters
    ----------
    claims : DataFrame or str, optional
        A table from :func:`load`, or a case name (default: the Kazakhstan 2021 claims).

    Returns
    -------
    DataFrame
        One row per contradicting pair: ``quantity``, ``statement_a``, ``by_a``,
        ``statement_b``, ``by_b``, ``gap`` (distance between the two sets of values),
        ``gap_unit`` (the unit of the gap: percentage points for percentages, "parties"
        for parties) and ``sentence`` (the contradiction in one plain sentence).

    Raises
    ------
    TypeError
        ``claims`` is not a table or a case name.
    ValueError
        Missing columns, a NaN or infinite value, a negative resolution or an unknown
        comparator (naming the claims).

    Examples
    --------
    >>> import electionstats as es
    >>> c = es.claims.contradictions()
    >>> c.loc[c["by_a"] == "independent observers", ["statement_a", "statement_b"]].values.tolist()
    [['15 percent', '63.25 percent']]
    >>> row = c[c["quantity"] == "parties_passing_threshold"].iloc[0]
    >>> float(row["gap"]), row["gap_unit"]
    (2.0, 'parties')
    """
    claims = _check_claims(claims)
    statements = []
    for row in claims.itertuples(index=False):
        statements.append(
            (row.quantity, row.value, row.comparator, row.resolution, row.claimant, row.unit, row.claim_id
             if hasattr(row, "claim_id") else None)
        )
    finals = claims.dropna(subset=["cec_final"]).drop_duplicates("quantity")
    for row in finals.itertuples(index=False):
        dec = len(_text(row.cec_final).partition(".")[2])
        res = 0.0 if row.unit in COUNT_UNITS else 0.5 * 10.0**-dec
        source = getattr(row, "cec_final_source", "") or "the election commission"
        statements.append(
            (row.quantity, row.cec_final, "=", res, f"final figure: {source}", row.unit, None)
        )
    out = []
    for a, b in combinations(statements, 2):
        if a[0] != b[0]:
            continue
        ia, ib = interval(a[1], a[2], a[3]), interval(b[1], b[2], b[3])
        if _compatible(ia, ib):
            continue
        gap = float(max(ia[0], ib[0]) - min(ia[1], ib[1]))
        gap_unit = _gap_unit(a[5], gap)
        sa, sb = _describe(a[2], a[1], a[5]), _describe(b[2], b[1], b[5])
        exact = a[3] == 0 and b[3] == 0 and a[2] == "=" and b[2] == "="
        apart = f"they differ by {_number(gap)} {gap_unit}" if exact else (
            f"even allowing for rounding they are at least {_number(gap)} {gap_unit} apart")
        who_a, who_b = _who(a[4]), _who(b[4])
        sentence = (
            f"{who_a[:1].upper()}{who_a[1:]}: {_plain(a[2], a[1], a[5])}; {who_b}: "
            f"{_plain(b[2], b[1], b[5])}. Both cannot be true: {apart}."
        )
        out.append(
            {
                "quantity": a[0],
                "statement_a": sa,
                "by_a": a[4],
                "statement_b": sb,
                "by_b": b[4],
                "gap": gap,
                "gap_unit": gap_unit,
                "sentence": sentence,
            }
        )
    return pd.DataFrame(
        out, columns=["quantity", "statement_a", "by_a", "statement_b", "by_b", "gap", "gap_unit", "sentence"]
    )


def _who(by: str) -> str:
    prefix = "final figure: "
    return f"the final figure ({by[len(prefix):].replace(' (', ', ').replace(')', '')})" if by.startswith(prefix) else by


_WORDS = {"=": "", "<": "less than ", "<=": "at most ", ">": "more than ", ">=": "at least "}


def _plain(comparator: str, value: float, unit: str) -> str:
    """A statement in words: "at most 63 percent", "5 parties"."""
    v = float(value)
    text = f"{int(v):,}" if v.is_integer() else _text(v)
    return f"{_WORDS[comparator]}{text} {unit}"


@result_frame("What the claims imply in ballots", citations=("kaztag2021", "cec_kazakhstan2021"))
def implications(claims: pd.DataFrame | None = None, *, election: str = "kazakhstan-2021-majilis") -> pd.DataFrame:
    """What the turnout and spoiled-ballot claims imply in ballots, next to the official count.

    Parameters
    ----------
    claims : DataFrame, optional
        A table from :func:`load` (default: Kazakhstan 2021).
    election : str
        The bundled facts (:mod:`electionstats.facts`) giving registered voters, ballots
        issued and votes for parties.

    Returns
    -------
    DataFrame
        ``quantity, claimant, claim, implied_value, official_value, difference, formula``.

    Examples
    --------
    >>> import electionstats as es
    >>> imp = es.claims.implications()
    >>> row = imp[imp["claim"] == "turnout = 15 %"].iloc[0]
    >>> int(row["implied_value"]), int(row["official_value"])
    (1787886, 7539280)
    """
    claims = _check_claims(claims)
    s = facts.summary(election)
    registered = s["registered"]
    issued = s["ballots_issued"]
    party_votes = s["votes_for_parties"]
    rows = []
    for row in claims.itertuples(index=False):
        if row.quantity == "turnout_percent":
            implied = int(np.floor(registered * row.value / 100 + 0.5))
            claim = f"turnout {row.comparator} {row.value:g} %"
            rows.append(
                ("ballots_issued", row.claimant, claim, implied, int(issued),
                 f"registered {registered:,.0f} x {row.value:g} %"
                 + (" (upper bound)" if row.comparator in ("<", "<=") else ""))
            )
        elif row.quantity == "invalid_ballots_percent":
            implied = int(np.floor(issued * row.value / 100 + 0.5))
            claim = f"invalid ballots = {row.value:g} % of ballots"
            rows.append(
                ("invalid_ballots", row.claimant, claim, implied, int(issued - party_votes),
                 f"ballots issued {issued:,.0f} x {row.value:g} %; official: ballots issued - "
                 "votes for parties (an upper bound on invalid ballots)")
            )
            # both observer claims together
            turnout = claims[(claims["quantity"] == "turnout_percent") & (claims["claimant"] == row.claimant)]
            for t in turnout.itertuples(index=False):
                ballots = registered * t.value / 100
                valid = int(np.floor(ballots * (1 - row.value / 100) + 0.5))
                rows.append(
                    ("votes_for_parties", row.claimant,
                     f"turnout = {t.value:g} % and {row.value:g} % invalid", valid, int(party_votes),
                     f"registered x {t.value:g} % x (1 - {row.value:g} %)")
                )
    out = pd.DataFrame(rows, columns=["quantity", "claimant", "claim", "implied_value", "official_value", "formula"])
    out["difference"] = out["implied_value"] - out["official_value"]
    return out[["quantity", "claimant", "claim", "implied_value", "official_value", "difference", "formula"]]


@result_frame("Claims side by side", citations=("kaztag2021", "cec_kazakhstan2021"))
def side_by_side(claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per quantity: what each kind of source says, next to the final official figure.

    Parameters
    ----------
    claims : DataFrame, optional
        A table from :func:`load` (default: Kazakhstan 2021).

    Returns
    -------
    DataFrame
        ``quantity``, ``unit``, one column per claimant type (``official`` as quoted,
        ``observers``, ``article``, ``law``) holding the claims as text (e.g. ``"< 50"``,
        several claims joined with ``"; "``), and ``final_official``.

    Examples
    --------
    >>> import electionstats as es
    >>> t = es.claims.side_by_side()
    >>> t.set_index("quantity").loc["turnout_percent", ["official", "observers", "final_official"]].tolist()
    ['<= 63', '15', '63.25']
    """
    claims = _check_claims(claims)
    kinds = [k for k in ("official", "observers", "article", "law") if k in set(claims["claimant_type"])]
    rows = []
    for quantity, group in claims.groupby("quantity", sort=False):
        row = {"quantity": quantity, "unit": group["unit"].iloc[0]}
        for kind in kinds:
            sub = group[group["claimant_type"] == kind]
            row[kind] = "; ".join(
                (f"{c} {v:g}" if c != "=" else f"{v:g}") + ("" if len(sub) == 1 else f" ({who})")
                for c, v, who in zip(sub["comparator"], sub["value"], sub["claimant"])
            )
        finals = group["cec_final"].dropna()
        row["final_official"] = f"{finals.iloc[0]:g}" if len(finals) else "not published"
        rows.append(row)
    return pd.DataFrame(rows)
