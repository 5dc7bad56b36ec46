"""Turnout and vote-share anomalies: fingerprints, integer percentages, excess votes.

The strongest published evidence of falsification comes from the joint distribution of
turnout and the leader's share across polling stations. This module computes:

* :func:`fingerprint` -- the 2-D histogram of turnout against a party's share (Klimek et
  al. 2012), station- or voter-weighted, and :func:`cumulative_votes`, the party's
  cumulative votes against turnout;
* :func:`integer_percentage_test` -- the excess of stations whose turnout or leader's
  result is a whole percentage, against a binomial Monte Carlo null (Kobak, Shpilkin and
  Pshenichnikov 2016);
* :func:`shape_statistics` -- skewness, kurtosis, Hartigan's dip test, the turnout-share
  correlation and the toolkit's "Sobyanin" statistic, with bootstrap intervals, and
  :func:`sobyanin_sukhovolsky`, the classical regression of each party's votes over
  registered voters on turnout;
* :func:`excess_votes` -- Shpilkin's estimate of anomalous votes by extrapolating the
  clean-turnout peak, with a bootstrap interval and a sensitivity table.

Every function takes an :class:`~electionstats.Election` first and returns a result
object; run them per region with :func:`electionstats.group_apply`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import _shape
from ._citations import register
from ._montecarlo import as_generator, basic_bootstrap_ci, check_n_resamples, monte_carlo_pvalue
from ._results import Result
from ._warnings import SmallSampleWarning
from .election import Election

__all__ = [
    "CumulativeVotesResult",
    "ExcessVotesResult",
    "FingerprintResult",
    "IntegerPercentageResult",
    "ShapeStatisticsResult",
    "SobyaninSukhovolskyResult",
    "cumulative_votes",
    "excess_votes",
    "fingerprint",
    "integer_percentage_test",
    "shape_statistics",
    "sobyanin_sukhovolsky",
]

register(
    "shpilkin2009",
    """@article{shpilkin2009,
  title = {Statistical investigation of the results of {Russian} elections in 2007--2009},
  author = {Shpilkin, Sergey},
  journal = {Troitsky Variant},
  volume = {21},
  number = {40},
  pages = {2--4},
  year = {2009},
  language = {Russian}
}""",
)
register(
    "sobyanin1995",
    """@book{sobyanin1995,
  title = {Democracy Restricted by Falsifications: Elections and Referenda in {Russia} in 1991--1993},
  author = {Sobyanin, Alexander A. and Sukhovolsky, Vladislav G.},
  publisher = {Project Group on Human Rights},
  address = {Moscow},
  year = {1995},
  language = {Russian}
}""",
)
register(
    "kobak2016significance",
    """@article{kobak2016significance,
  title = {Statistical fingerprints of electoral fraud?},
  author = {Kobak, Dmitry and Shpilkin, Sergey and Pshenichnikov, Maxim S.},
  journal = {Significance},
  volume = {13},
  number = {4},
  pages = {20--23},
  year = {2016},
  doi = {10.1111/j.1740-9713.2016.00936.x}
}""",
)

# Largest number of array cells one Monte Carlo or bootstrap batch may hold.
_MAX_CELLS = 2**23


# ---------------------------------------------------------------------------- helpers
def _check_election(election: Any) -> Election:
    if not isinstance(election, Election):
        raise TypeError(
            "`election` must be an electionstats.Election (build one with "
            f"Election.from_frame or electionstats.datasets.load); got {type(election).__name__}."
        )
    return election


def _resolve_party(election: Election, party: str | None) -> str:
    if not election.parties:
        raise ValueError("`party`: this election has no party columns; add them with parties=[...].")
    if party is None:
        return election.default_party
    if party not in election.parties:
        raise ValueError(
            f"`party`={party!r} is not a party of this election; parties are "
            f"{list(election.parties)}."
        )
    return party


def _check_expr(election: Election, expr: str, name: str) -> str:
    """Check that ``expr`` (a role, a party or a sum 'a+b') names count columns."""
    if not isinstance(expr, str):
        raise TypeError(f"`{name}` must be a role name such as 'ballots_issued' (got {expr!r}).")
    parts = [p.strip() for p in expr.split("+")]
    bad = [p for p in parts if p not in election.roles and p not in election.parties]
    if bad:
        raise ValueError(
            f"`{name}`={expr!r}: {bad} is not a count column of this election; it has roles "
            f"{list(election.roles)} (sums such as 'valid+invalid' are allowed)."
        )
    return "+".join(parts)


def _default_turnout(election: Election) -> str:
    for role in ("ballots_issued", "ballots_found"):
        if role in election.roles:
            return role
    if "valid" in election.roles:
        return "valid+invalid" if "invalid" in election.roles else "valid"
    raise ValueError(
        "`turnout`: this election has none of the roles ballots_issued, ballots_found or "
        "valid, so turnout cannot be computed; pass turnout='<role or party sum>'."
    )


def _default_base(election: Election) -> str:
    if "valid" in election.roles:
        return "valid"
    for role in ("ballots_found", "ballots_issued"):
        if role in election.roles:
            return role
    return "+".join(election.parties)


def _needs_registered(election: Election, what: str) -> None:
    if "registered" not in election.roles:
        raise ValueError(
            f"{what} needs the number of registered voters, but this election has no "
            f"`registered` role (roles: {list(election.roles)})."
        )


def _rational(value: float, name: str) -> Fraction:
    """A float option as an exact fraction (0.05 -> 1/20), for exact integer arithmetic."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number (got {value!r}).")
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be finite (got {value}).")
    return Fraction(str(float(value))).limit_denominator(10**6)


class _Exclusions:
    """Sequential exclusion rules; each station is counted under the first rule it fails."""

    def __init__(self, n: int) -> None:
        self.keep = np.ones(n, dtype=bool)
        self.rows: list[tuple[str, int]] = []

    def drop(self, mask: np.ndarray, reason: str) -> None:
        new = np.asarray(mask, dtype=bool) & self.keep
        if new.any():
            self.rows.append((reason, int(new.sum())))
        self.keep &= ~new

    @property
    def n_excluded(self) -> int:
        return sum(n for _, n in self.rows)

    @property
    def reason(self) -> str:
        return "; ".join(f"{r}: {n:,}" for r, n in self.rows)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["reason", "n_stations"])


def _check_bin_width(bin_width: Any, name: str = "bin_width") -> int:
    """Number of equal bins on [0, 1] for a bin width that divides 1."""
    if isinstance(bin_width, bool) or not isinstance(bin_width, (int, float, np.floating)):
        raise TypeError(f"`{name}` must be a number such as 0.01 (got {bin_width!r}).")
    if not 0 < bin_width <= 0.5:
        raise ValueError(f"`{name}` must be in (0, 0.5] (got {bin_width}).")
    n = round(1 / bin_width)
    if abs(n * bin_width - 1) > 1e-9:
        raise ValueError(
            f"`{name}`={bin_width} must divide 1 into a whole number of bins (e.g. 0.005, "
            "0.01, 0.02, 0.025)."
        )
    return int(n)


def _bin_index(num: np.ndarray, den: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin of ``num/den`` among ``n_bins`` equal bins on [0, 1], exactly (1.0 in the last)."""
    return np.minimum((num * n_bins) // den, n_bins - 1)


def _small(n: int, minimum: int, what: str) -> bool:
    if n < minimum:
        warnings.warn(
            f"{what}: only {n} station(s) left after the exclusions (need at least "
            f"{minimum}); the result is NaN.",
            SmallSampleWarning,
            stacklevel=3,
        )
        return True
    return False


# ---------------------------------------------------------------------------- fingerprint
@dataclasses.dataclass(frozen=True)
class FingerprintResult(Result):
    """Election fingerprint: 2-D histogram of turnout and a party's share.

    Descriptive: ``statistic`` and ``pvalue`` are NaN. ``counts[i, j]`` is the weight of
    stations in turnout bin ``i`` and share bin ``j`` (edges ``turnout_edges``,
    ``share_edges``, as fractions); ``turnout_hist`` and ``share_hist`` are the margins.
    """

    party: str = ""
    turnout_definition: str = ""
    share_definition: str = ""
    weights: str = "stations"
    bin_width: float = 0.01
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    total_weight: float = float("nan")
    counts: np.ndarray = dataclasses.field(default=None, repr=False)
    turnout_edges: np.ndarray = dataclasses.field(default=None, repr=False)
    share_edges: np.ndarray = dataclasses.field(default=None, repr=False)
    turnout_hist: np.ndarray = dataclasses.field(default=None, repr=False)
    share_hist: np.ndarray = dataclasses.field(default=None, repr=False)
    exclusions: pd.DataFrame = dataclasses.field(default=None, repr=False)
    election_name: str = ""

    method: ClassVar[str] = "Election fingerprint (turnout x share histogram)"
    citations: ClassVar[tuple[str, ...]] = ("klimek2012",)
    null_hypothesis: ClassVar[str] = (
        "descriptive; a fair election shows one compact cluster (or one per known regional "
        "split), fraud a smear towards (100 %, 100 %)"
    )

    def to_frame_2d(self) -> pd.DataFrame:
        """The histogram as a tidy table: turnout bin, share bin (lower edges) and weight."""
        ti, sj = np.nonzero(self.counts)
        return pd.DataFrame(
            {
                "turnout_low": self.turnout_edges[ti],
                "share_low": self.share_edges[sj],
                "weight": self.counts[ti, sj],
            }
        )

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the fingerprint with marginal histograms (see :func:`plot_fingerprint`)."""
        from ._plot_distributions import plot_fingerprint

        return plot_fingerprint(self, ax=ax, **kwargs)


_WEIGHT_OPTIONS = ("stations", "registered", "ballots", "votes")
_FINGERPRINT_PRESETS = {
    None: {"min_registered": 0},
    "klimek2012": {"min_registered": 100},
    "aoas2016": {"min_registered": 100},
}


def _weights_array(
    weights: str | None, *, registered: np.ndarray | None, ballots: np.ndarray, votes: np.ndarray
) -> np.ndarray | None:
    if weights in (None, "stations"):
        return None
    if weights == "registered":
        return registered
    if weights == "ballots":
        return ballots
    return votes


def _fingerprint_iv(
    election: Election, party: Any, turnout: Any, base: Any, weights: Any,
    bin_width: Any, preset: Any, min_registered: Any,
) -> tuple[str, str, str, int, int]:
    _check_election(election)
    _needs_registered(election, "fingerprint")
    party = _resolve_party(election, party)
    turnout = _check_expr(election, _default_turnout(election) if turnout is None else turnout,
                          "turnout")
    base = _check_expr(election, _default_base(election) if base is None else base, "base")
    if weights not in _WEIGHT_OPTIONS:
        raise ValueError(f"`weights` must be one of {_WEIGHT_OPTIONS} (got {weights!r}).")
    n_bins = _check_bin_width(bin_width)
    if preset not in _FINGERPRINT_PRESETS:
        raise ValueError(
            f"`preset` must be one of {list(_FINGERPRINT_PRESETS)} (got {preset!r})."
        )
    if min_registered is None:
        min_registered = _FINGERPRINT_PRESETS[preset]["min_registered"]
    if isinstance(min_registered, bool) or not isinstance(min_registered, (int, np.integer)) \
            or min_registered < 0:
        raise ValueError(
            f"`min_registered` must be a non-negative integer (got {min_registered!r})."
        )
    return party, turnout, base, n_bins, int(min_registered)


def fingerprint(
    election: Election,
    *,
    party: str | None = None,
    turnout: str | None = None,
    base: str | None = None,
    weights: str = "stations",
    bin_width: float = 0.01,
    preset: str | None = None,
    min_registered: int | None = None,
) -> FingerprintResult:
    """Election fingerprint: the 2-D histogram of turnout against a party's vote share.

    Klimek et al. (2012) plot, for every polling station, turnout on one axis and the
    winner's share on the other. A fair election gives one compact, roughly elliptical
    cluster. Ballot stuffing and vote switching move stations up and to the right, so
    the cluster smears towards (100 %, 100 %), often ending in a second cluster there.

    This is a picture, not a test: there is no null hypothesis to reject.

    Parameters
    ----------
    election : Election
        Station table with registered voters and the party.
    party : str, optional
        Party or candidate; default ``election.default_party`` (the winner).
    turnout : str, optional
        Numerator of turnout (denominator: registered). Default ``'ballots_issued'``
        if the election has it, else ``'ballots_found'``, else valid (+ invalid) ballots.
    base : str, optional
        Denominator of the share; default ``'valid'``. Kobak et al. use
        ``'valid+invalid'``.
    weights : {'stations', 'registered', 'ballots', 'votes'}
        Weight of a station in the histogram: 1 (Klimek et al.), its registered voters,
        its ballots (the turnout numerator) or the party's votes (Kobak et al. use voter
        weights).
    bin_width : float
        Width of the bins on both axes, as a fraction (0.01 = one percentage point).
    preset : {None, 'klimek2012', 'aoas2016'}
        Filters of a paper: ``'klimek2012'`` and ``'aoas2016'`` drop stations with fewer
        than 100 registered voters. None keeps every station with defined rates.
    min_registered : int, optional
        Override the preset's minimum number of registered voters.

    Returns
    -------
    FingerprintResult
        ``counts`` (turnout bins x share bins), the bin edges, the marginal histograms,
        ``n`` stations used and ``n_excluded`` with ``excluded_reason``.

    See Also
    --------
    cumulative_votes, integer_percentage_test, excess_votes

    Notes
    -----
    Stations are excluded, counted and reported when registered voters or the share's
    base are zero (rates undefined), when turnout or the share is above 100 % (possible
    in official data: voters added on the day) and when they fall under the preset's
    size filter. Bins are half-open ``[a, b)`` except the last, which includes 100 %;
    bin membership is computed with integer arithmetic, so it is exact.

    A smear in the fingerprint is consistent with fraud but also with real differences
    between regions (e.g. a region that votes at high turnout for the leader). Look at
    regions separately before drawing conclusions.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). Statistical
       detection of systematic election irregularities. PNAS 109(41), 16469-16473.
       :doi:`10.1073/pnas.1210722109`

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> rng = np.random.default_rng(1)
    >>> reg = rng.integers(500, 2000, 300)
    >>> ballots = rng.binomial(reg, 0.6)
    >>> a = rng.binomial(ballots, 0.5)
    >>> df = pd.DataFrame({"reg": reg, "ballots": ballots, "A": a, "B": ballots - a})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="ballots",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> fp = es.distributions.fingerprint(e, party="A", bin_width=0.05)
    >>> fp.counts.shape, int(fp.counts.sum()), fp.n_excluded
    ((20, 20), 300, 0)
    """
    party, turnout, base, n_bins, min_registered = _fingerprint_iv(
        election, party, turnout, base, weights, bin_width, preset, min_registered
    )
    reg = election.counts("registered")
    bal = election.counts(turnout)
    den = election.counts(base)
    votes = election.counts(party)
    ex = _Exclusions(len(reg))
    ex.drop(reg == 0, "zero registered")
    ex.drop(den == 0, f"zero {base}")
    ex.drop(reg < min_registered, f"registered < {min_registered}")
    ex.drop(bal > reg, f"turnout ({turnout}/registered) above 100 %")
    ex.drop(votes > den, f"{party} share of {base} above 100 %")
    k = ex.keep
    ti = _bin_index(bal[k], reg[k], n_bins)
    sj = _bin_index(votes[k], den[k], n_bins)
    w = _weights_array(weights, registered=reg[k], ballots=bal[k], votes=votes[k])
    flat = np.bincount(ti * n_bins + sj, weights=w, minlength=n_bins * n_bins)
    counts = flat.reshape(n_bins, n_bins).astype(float)
    edges = np.arange(n_bins + 1) / n_bins
    return FingerprintResult(
        statistic=float("nan"),
        pvalue=float("nan"),
        party=party,
        turnout_definition=f"{turnout}/registered",
        share_definition=f"{party}/{base}",
        weights=weights,
        bin_width=float(bin_width),
        n=int(k.sum()),
        n_excluded=ex.n_excluded,
        excluded_reason=ex.reason,
        total_weight=float(counts.sum()),
        counts=counts,
        turnout_edges=edges,
        share_edges=edges.copy(),
        turnout_hist=counts.sum(axis=1),
        share_hist=counts.sum(axis=0),
        exclusions=ex.table(),
        election_name=election.name,
    )


# ---------------------------------------------------------------------------- cumulative
@dataclasses.dataclass(frozen=True)
class CumulativeVotesResult(Result):
    """Cumulative votes against turnout (Klimek et al. 2012, Fig. 3).

    ``cumulative_party[i]`` is the party's votes at stations with turnout below
    ``turnout_edges[i + 1]`` (the last bin includes 100 %), ``cumulative_others`` the
    other votes of the share's base, ``cumulative_registered`` the registered voters.
    Descriptive: ``statistic`` is the share of the party's votes cast at stations with
    turnout of 80 % or more (``high_turnout``), ``pvalue`` is NaN.
    """

    party: str = ""
    turnout_definition: str = ""
    high_turnout: float = 0.8
    bin_width: float = 0.01
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    turnout_edges: np.ndarray = dataclasses.field(default=None, repr=False)
    cumulative_party: np.ndarray = dataclasses.field(default=None, repr=False)
    cumulative_others: np.ndarray = dataclasses.field(default=None, repr=False)
    cumulative_registered: np.ndarray = dataclasses.field(default=None, repr=False)
    election_name: str = ""

    method: ClassVar[str] = "Cumulative votes against turnout"
    citations: ClassVar[tuple[str, ...]] = ("klimek2012",)
    null_hypothesis: ClassVar[str] = (
        "descriptive; in a fair election the party's cumulative share levels off at high "
        "turnout, under fraud it keeps rising"
    )

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the curves (see :func:`plot_cumulative_votes`)."""
        from ._plot_distributions import plot_cumulative_votes

        return plot_cumulative_votes(self, ax=ax, **kwargs)


def cumulative_votes(
    election: Election,
    *,
    party: str | None = None,
    turnout: str | None = None,
    base: str | None = None,
    bin_width: float = 0.01,
    high_turnout: float = 0.8,
) -> CumulativeVotesResult:
    """A party's cumulative votes as a function of station turnout.

    Sort the stations by turnout and add up the party's votes (and everyone else's). In a
    fair election few votes come from stations near 100 % turnout, so the party's curve
    levels off; ballot stuffing adds a late climb at high turnout (Klimek et al. 2012).

    Parameters
    ----------
    election : Election
    party : str, optional
        Default ``election.default_party``.
    turnout, base : str, optional
        Turnout numerator and share base, as in :func:`fingerprint`.
    bin_width : float
        Turnout resolution of the curve.
    high_turnout : float
        Turnout threshold of the summary ``statistic`` (the share of the party's votes
        from stations at or above it).

    Returns
    -------
    CumulativeVotesResult

    See Also
    --------
    fingerprint, excess_votes

    Notes
    -----
    Stations with zero registered voters or turnout above 100 % are excluded and
    reported. Descriptive only.

    References
    ----------
    .. [1] Klimek, P., Yegorov, Y., Hanel, R. and Thurner, S. (2012). Statistical
       detection of systematic election irregularities. PNAS 109(41), 16469-16473.
       :doi:`10.1073/pnas.1210722109`

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> df = pd.DataFrame({"reg": [100, 100, 100], "b": [50, 70, 95],
    ...                    "A": [20, 40, 90], "B": [30, 30, 5]})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="b",
    ...                            valid=["A", "B"], parties=["A", "B"])
    >>> cv = es.distributions.cumulative_votes(e, party="A", bin_width=0.1)
    >>> cv.cumulative_party.tolist()[4:]
    [0.0, 20.0, 20.0, 60.0, 60.0, 150.0]
    >>> round(cv.statistic, 3)
    0.6
    """
    _check_election(election)
    _needs_registered(election, "cumulative_votes")
    party = _resolve_party(election, party)
    turnout = _check_expr(election, _default_turnout(election) if turnout is None else turnout,
                          "turnout")
    base = _check_expr(election, _default_base(election) if base is None else base, "base")
    n_bins = _check_bin_width(bin_width)
    if not isinstance(high_turnout, (int, float)) or not 0 < high_turnout <= 1:
        raise ValueError(f"`high_turnout` must be in (0, 1] (got {high_turnout!r}).")
    reg = election.counts("registered")
    bal = election.counts(turnout)
    den = election.counts(base)
    votes = election.counts(party)
    ex = _Exclusions(len(reg))
    ex.drop(reg == 0, "zero registered")
    ex.drop(bal > reg, f"turnout ({turnout}/registered) above 100 %")
    k = ex.keep
    idx = _bin_index(bal[k], reg[k], n_bins)
    cp = np.cumsum(np.bincount(idx, weights=votes[k], minlength=n_bins))
    co = np.cumsum(np.bincount(idx, weights=(den[k] - votes[k]), minlength=n_bins))
    cr = np.cumsum(np.bincount(idx, weights=reg[k], minlength=n_bins))
    hi = (bal[k] * 10**6 >= round(high_turnout * 10**6) * reg[k])
    total = votes[k].sum()
    stat = float(votes[k][hi].sum() / total) if total > 0 else float("nan")
    return CumulativeVotesResult(
        statistic=stat,
        pvalue=float("nan"),
        party=party,
        turnout_definition=f"{turnout}/registered",
        high_turnout=float(high_turnout),
        bin_width=float(bin_width),
        n=int(k.sum()),
        n_excluded=ex.n_excluded,
        excluded_reason=ex.reason,
        turnout_edges=np.arange(n_bins + 1) / n_bins,
        cumulative_party=cp,
        cumulative_others=co,
        cumulative_registered=cr,
        election_name=election.name,
    )


# ---------------------------------------------------------------------------- integer %
@dataclasses.dataclass(frozen=True)
class IntegerPercentageResult(Result):
    """Integer-percentage test (Kobak, Shpilkin and Pshenichnikov 2016).

    ``statistic`` = ``observed``: the number (or weighted sum) of included stations whose
    turnout and/or party result (per ``dimension``) is within ``tolerance`` percentage
    points of a multiple of ``period``. ``null_mean``/``null_sd``: mean and sd of the
    statistic over the binomial Monte Carlo null; ``excess = observed - null_mean``;
    ``threshold`` = 99.9th percentile of the null minus its mean (the papers' band);
    ``pvalue`` = ``(1 + #{null >= observed}) / (1 + n_resamples)``. ``by_dimension``
    holds the same for 'either', 'share' and 'turnout'. The histogram fields (bins of
    width ``2 * tolerance`` centred on multiples of it, in percent) feed the figure.
    """

    observed: float = float("nan")
    null_mean: float = float("nan")
    null_sd: float = float("nan")
    excess: float = float("nan")
    threshold: float = float("nan")
    dimension: str = "either"
    party: str = ""
    preset: str | None = None
    weights: str = "stations"
    period: float = 1.0
    tolerance: float = 0.05
    n_resamples: int = 0
    n: int = 0
    n_excluded: int = 0
    excluded_reason: str = ""
    observed_turnout: float = float("nan")
    observed_share: float = float("nan")
    excess_turnout: float = float("nan")
    excess_share: float = float("nan")
    turnout_definition: str = ""
    share_definition: str = ""
    by_dimension: pd.DataFrame = dataclasses.field(default=None, repr=False)
    null_distribution: np.ndarray = dataclasses.field(default=None, repr=False)
    exclusions: pd.DataFrame = dataclasses.field(default=None, repr=False)
    bin_centers: np.ndarray = dataclasses.field(default=None, repr=False)
    hist_turnout: np.ndarray = dataclasses.field(default=None, repr=False)
    hist_share: np.ndarray = dataclasses.field(default=None, repr=False)
    null_hist_mean: np.ndarray = dataclasses.field(default=None, repr=False)
    null_hist_low: np.ndarray = dataclasses.field(default=None, repr=False)
    null_hist_high: np.ndarray = dataclasses.field(default=None, repr=False)
    envelope_level: float = 0.99
    election_name: str = ""

    method: ClassVar[str] = "Integer-percentage test (Kobak, Shpilkin and Pshenichnikov 2016)"
    citations: ClassVar[tuple[str, ...]] = ("kobak2016aoas", "kobak2016significance",
                                            "phipson2010")
    null_hypothesis: ClassVar[str] = (
        "stations' vote counts scatter binomially around their own rates, so whole "
        "percentages are no more frequent than that binomial smoothing produces"
    )

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Histogram with the Monte Carlo envelope (see :func:`plot_integer_percentages`)."""
        from ._plot_distributions import plot_integer_percentages

        return plot_integer_percentages(self, ax=ax, **kwargs)


_INTEGER_PRESETS: dict[str | None, dict[str, Any]] = {
    "aoas2016": {
        "turnout": "ballots_issued",
        "base": "valid+invalid",
        "min_registered": 100,
        "max_rate": 0.99,
    },
    None: {"turnout": None, "base": None, "min_registered": 0, "max_rate": 1.0},
}
_DIMENSIONS = ("either", "share", "turnout")
_INTEGER_WEIGHTS = (None, "stations", "registered", "ballots", "votes")


@dataclasses.dataclass(frozen=True)
class _IntegerSpec:
    period: Fraction
    tolerance: Fraction

    @property
    def scale(self) -> int:
        return math.lcm(self.period.denominator, self.tolerance.denominator)

    def is_integer(self, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        """``|100 num/den - k period| <= tolerance`` for some integer k, exactly."""
        d = self.scale
        p = int(self.period * d)
        t = int(self.tolerance * d)
        pd_ = p * den
        r = np.remainder(100 * d * num, pd_)
        return np.minimum(r, pd_ - r) <= t * den

    def bin_index(self, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        """Histogram bin (width 2 tolerance, centred on multiples of it) of 100 num/den."""
        d = self.scale
        t = int(self.tolerance * d)
        return (100 * d * num + t * den) // (2 * t * den)

    @property
    def n_bins(self) -> int:
        return int((100 + self.tolerance) // (2 * self.tolerance)) + 1


def _integer_percentage_iv(
    election: Election, party: Any, preset: Any, dimension: Any, weights: Any,
    n_resamples: Any, turnout: Any, base: Any, min_registered: Any, max_rate: Any,
    period: Any, tolerance: Any,
) -> dict[str, Any]:
    _check_election(election)
    _needs_registered(election, "integer_percentage_test")
    party = _resolve_party(election, party)
    if preset not in _INTEGER_PRESETS:
        raise ValueError(
            f"`preset` must be one of {list(_INTEGER_PRESETS)} (got {preset!r}); None "
            "applies no filters beyond undefined rates."
        )
    if dimension not in _DIMENSIONS:
        raise ValueError(f"`dimension` must be one of {_DIMENSIONS} (got {dimension!r}).")
    if weights not in _INTEGER_WEIGHTS:
        raise ValueError(f"`weights` must be one of {_INTEGER_WEIGHTS} (got {weights!r}).")
    n_resamples = check_n_resamples(n_resamples)
    spec = _INTEGER_PRESETS[preset]
    from_preset = [x for x, given in ((spec["turnout"], turnout), (spec["base"], base))
                   if given is None and x is not None]
    turnout = turnout if turnout is not None else spec["turnout"]
    base = base if base is not None else spec["base"]
    if from_preset:
        missing = [r for x in from_preset for r in x.split("+") if r not in election.roles]
        if missing:
            raise ValueError(
                f"`preset`={preset!r} uses {missing}, which this election lacks (roles "
                f"{list(election.roles)}); pass turnout=... and base=... to override."
            )
    turnout = _check_expr(election, _default_turnout(election) if turnout is None else turnout,
                          "turnout")
    base = _check_expr(election, _default_base(election) if base is None else base, "base")
    min_registered = spec["min_registered"] if min_registered is None else min_registered
    if isinstance(min_registered, bool) or not isinstance(min_registered, (int, np.integer)) \
            or min_registered < 0:
        raise ValueError(
            f"`min_registered` must be a non-negative integer (got {min_registered!r})."
        )
    max_rate = _rational(spec["max_rate"] if max_rate is None else max_rate, "max_rate")
    if not 0 < max_rate <= 1:
        raise ValueError(f"`max_rate` must be in (0, 1] (got {float(max_rate)}).")
    period_f = _rational(period, "period")
    tol_f = _rational(tolerance, "tolerance")
    if period_f <= 0:
        raise ValueError(f"`period` must be positive, e.g. 1, 0.5 or 5 (got {period}).")
    if not 0 < tol_f < period_f / 2:
        raise ValueError(
            f"`tolerance` must be positive and below half the period ({float(period_f) / 2}) "
            f"(got {tolerance})."
        )
    return {
        "party": party, "turnout": turnout, "base": base, "min_registered": int(min_registered),
        "max_rate": max_rate, "spec": _IntegerSpec(period_f, tol_f), "n_resamples": n_resamples,
    }


def _integer_counts(
    spec: _IntegerSpec, w_num: np.ndarray, w_den: np.ndarray, t_num: np.ndarray,
    t_den: np.ndarray, weights: np.ndarray | None,
) -> np.ndarray:
    """Counts (or weighted sums) of integer stations along the last axis: [either, share, turnout]."""
    s = spec.is_integer(w_num, w_den)
    t = spec.is_integer(t_num, t_den)
    e = s | t
    if weights is None:
        return np.stack([np.count_nonzero(x, axis=-1) for x in (e, s, t)], axis=-1).astype(float)
    return np.stack([x @ weights for x in (e, s, t)], axis=-1)


def _integer_core(
    spec: _IntegerSpec, w: np.ndarray, v: np.ndarray, b: np.ndarray, r: np.ndarray,
    weights: np.ndarray | None, n_resamples: int, rng: np.random.Generator,
    histograms: bool = True,
) -> dict[str, np.ndarray]:
    """Observed statistic, Monte Carlo null and histograms on filtered arrays.

    ``w`` party votes over base ``v``; ``b`` ballots over registered ``r``. Every station
    must have ``0 <= w <= v``, ``v > 0``, ``0 <= b <= r``, ``r > 0``.
    """
    n = w.size
    observed = _integer_counts(spec, w, v, b, r, weights)
    pw = w / v
    pb = b / r
    nb = spec.n_bins
    null_parts = []
    hist_parts: list[np.ndarray] = []
    wf = None if weights is None else weights.astype(float)
    per_batch = max(1, _MAX_CELLS // max(1, n))
    done = 0
    while done < n_resamples:
        k = min(per_batch, n_resamples - done)
        ws = rng.binomial(v, pw, size=(k, n))
        bs = rng.binomial(r, pb, size=(k, n))
        null_parts.append(_integer_counts(spec, ws, v, bs, r, weights))
        if histograms:
            offs = (np.arange(k) * nb)[:, None]
            hw = None if wf is None else np.broadcast_to(wf, (k, n)).ravel()
            hs = np.bincount((spec.bin_index(ws, v) + offs).ravel(), weights=hw,
                             minlength=k * nb).reshape(k, nb)
            ht = np.bincount((spec.bin_index(bs, r) + offs).ravel(), weights=hw,
                             minlength=k * nb).reshape(k, nb)
            hist_parts.append(np.stack([ht, hs], axis=1))
        done += k
    out = {"observed": observed, "null": np.concatenate(null_parts, axis=0)}
    if histograms:
        out["null_hist"] = np.concatenate(hist_parts, axis=0)  # (B, 2, nb): turnout, share
        out["hist"] = np.stack([
            np.bincount(spec.bin_index(b, r), weights=wf, minlength=nb),
            np.bincount(spec.bin_index(w, v), weights=wf, minlength=nb),
        ]).astype(float)
    return out


def integer_percentage_test(
    election: Election,
    *,
    party: str | None = None,
    preset: str | None = "aoas2016",
    dimension: str = "either",
    weights: str | None = None,
    n_resamples: int = 1000,
    rng: Any = None,
    turnout: str | None = None,
    base: str | None = None,
    min_registered: int | None = None,
    max_rate: float | None = None,
    period: float = 1.0,
    tolerance: float = 0.05,
) -> IntegerPercentageResult:
    """Test for an excess of polling stations reporting whole-number percentages.

    When officials write down a target result instead of counting, they tend to pick
    round numbers: turnout of exactly 85 %, the leader at exactly 80 %. Kobak, Shpilkin
    and Pshenichnikov (2016) count the stations whose turnout or leader's result (in
    percent) lies within 0.05 of a whole number and compare the count with what the
    stations' own rates produce when their votes are redrawn binomially.

    Null hypothesis: each station's party votes and ballots are binomial around its own
    observed rates, so whole percentages appear no more often than under that binomial
    smoothing.

    Parameters
    ----------
    election : Election
        Station table with registered voters, the turnout numerator and the share base.
    party : str, optional
        The leader (default ``election.default_party``).
    preset : {'aoas2016', None}
        ``'aoas2016'`` (default) reproduces the papers: turnout = ballots issued /
        registered, result = party / (valid + invalid); keep stations with valid +
        invalid > 0, at least 100 registered voters, turnout <= 99 % and result <= 99 %.
        None keeps every station with defined rates of at most 100 %.
    dimension : {'either', 'turnout', 'share'}
        Which stations count as integer for ``statistic``: turnout or result integer
        ('either', the papers' headline number), result only, or turnout only. All three
        are in ``by_dimension``.
    weights : {None, 'stations', 'registered', 'ballots', 'votes'}
        Count stations (None, 'stations') or add up their registered voters, ballots
        (the turnout numerator) or the party's votes, as in the papers' weighted
        versions. Weights are the observed values in the data and in the null.
    n_resamples : int
        Monte Carlo replicates (the papers use 1,000).
    rng : None, int or numpy.random.Generator
        Seed for the Monte Carlo draws; the same seed gives identical results.
    turnout, base : str, optional
        Override the preset's turnout numerator and share base (e.g.
        ``turnout='ballots_found'`` for data without ballots issued).
    min_registered : int, optional
        Override the preset's minimum registered voters.
    max_rate : float, optional
        Override the preset's maximum turnout and result (0.99 in 'aoas2016').
    period : float
        Spacing of the "round" values in percentage points (1; 0.5 or 5 also used).
    tolerance : float
        Half-width of the window around them in percentage points (0.05 = bins of 0.1).

    Returns
    -------
    IntegerPercentageResult
        ``observed``, ``null_mean``, ``null_sd``, ``excess``, ``threshold`` (99.9th
        percentile of the null minus its mean), ``pvalue``, per-dimension results in
        ``by_dimension``, exclusions, and histograms with the null envelope.

    See Also
    --------
    fingerprint, excess_votes, electionstats.group_apply

    Notes
    -----
    Integer membership is computed with integer arithmetic, exactly: a station is
    integer when ``|100 x/n - k period| <= tolerance``, windows closed on both sides.
    The Monte Carlo draws ``W* ~ Bin(V, W/V)`` and ``B* ~ Bin(R, B/R)`` independently for
    every station (``V`` the base, ``R`` registered) and recomputes the statistic. The
    stations and their denominators stay fixed, so the lattice of possible percentages
    of small stations is the same in the data and in the null.

    What a rejection means: more stations sit on round percentages than binomial
    scatter around their own rates allows. This is the signature of results written
    down rather than counted, but the test does not model the global shape of the
    distribution, and artefacts (tiny stations, 100 % stations, pseudo-stations with
    a fixed result) can also produce integer peaks, hence the filters. It is not a test
    of fraud per se. The p-value has resolution ``1 / (n_resamples + 1)``.

    References
    ----------
    .. [1] Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Integer percentages
       as electoral falsification fingerprints. The Annals of Applied Statistics 10(1),
       54-73. :doi:`10.1214/16-AOAS904`
    .. [2] Kobak, D., Shpilkin, S. and Pshenichnikov, M. S. (2016). Statistical
       fingerprints of electoral fraud? Significance 13(4), 20-23.
       :doi:`10.1111/j.1740-9713.2016.00936.x`
    .. [3] Phipson, B. and Smyth, G. K. (2010). Permutation p-values should never be
       zero. Stat. Appl. Genet. Mol. Biol. 9(1). :doi:`10.2202/1544-6115.1585`

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import electionstats as es
    >>> rng = np.random.default_rng(0)
    >>> reg = rng.integers(300, 3000, 2000)
    >>> issued = rng.binomial(reg, rng.uniform(0.4, 0.8, 2000))
    >>> a = rng.binomial(issued, rng.uniform(0.3, 0.7, 2000))
    >>> df = pd.DataFrame({"reg": reg, "issued": issued, "A": a, "B": issued - a,
    ...                    "inv": 0})
    >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="issued",
    ...                            valid=["A", "B"], invalid="inv", parties=["A", "B"])
    >>> res = es.distributions.integer_percentage_test(e, party="A", n_resamples=200, rng=1)
    >>> res.n, res.pvalue > 0.01
    (2000, True)
    """
    a = _integer_percentage_iv(
        election, party, preset, dimension, weights, n_resamples, turnout, base,
        min_registered, max_rate, period, tolerance,
    )
    party = a["party"]
    spec: _IntegerSpec = a["spec"]
    rng = as_generator(rng)
    reg = election.counts("registered")
    bal = election.counts(a["turnout"])
    den = election.counts(a["base"])
    votes = election.counts(party)
    mr: Fraction = a["max_rate"]
    ex = _Exclusions(len(reg))
    ex.drop(reg == 0, "zero registered")
    ex.drop(den == 0, f"zero {a['base']}")
    ex.drop(reg < a["min_registered"], f"registered < {a['min_registered']}")
    pct = f"{float(mr) * 100:g} %"
    ex.drop(bal * mr.denominator > mr.numerator * reg, f"turnout above {pct}")
    ex.drop(votes * mr.denominator > mr.numerator * den, f"{party} result above {pct}")
    k = ex.keep
    w, v, b, r = votes[k], den[k], bal[k], reg[k]
    wt = _weights_array(weights, registered=r, ballots=b, votes=w)
    n = int(k.sum())
    common = {
        "dimension": dimension, "party": party, "preset": preset,
        "weights": "stations" if weights is None else weights, "period": float(spec.period),
        "tolerance": float(spec.tolerance), "n_resamples": a["n_resamples"], "n": n,
        "n_excluded": ex.n_excluded, "excluded_reason": ex.reason,
        "turnout_definition": f"{a['turnout']}/registered",
        "share_definition": f"{party}/{a['base']}", "exclusions": ex.table(),
        "election_name": election.name,
    }
    if _small(n, 1, "integer_percentage_test"):
        return IntegerPercentageResult(statistic=float("nan"), pvalue=float("nan"), **common)
    core = _integer_core(spec, w, v, b, r, wt, a["n_resamples"], rng)
    obs, null = core["observed"], core["null"]
    mean = null.mean(axis=0)
    sd = null.std(axis=0, ddof=1) if null.shape[0] > 1 else np.full(3, np.nan)
    thr = np.quantile(null, 0.999, axis=0) - mean
    pvals = [monte_carlo_pvalue(null[:, j], obs[j], "greater") for j in range(3)]
    table = pd.DataFrame(
        {"dimension": list(_DIMENSIONS), "observed": obs, "null_mean": mean, "null_sd": sd,
         "excess": obs - mean, "threshold": thr, "pvalue": pvals}
    )
    j = _DIMENSIONS.index(dimension)
    nh = core["null_hist"]
    level = 0.99
    return IntegerPercentageResult(
        statistic=float(obs[j]),
        pvalue=float(pvals[j]),
        observed=float(obs[j]),
        null_mean=float(mean[j]),
        null_sd=float(sd[j]),
        excess=float(obs[j] - mean[j]),
        threshold=float(thr[j]),
        observed_turnout=float(obs[2]),
        observed_share=float(obs[1]),
        excess_turnout=float(obs[2] - mean[2]),
        excess_share=float(obs[1] - mean[1]),
        by_dimension=table,
        null_distribution=null[:, j].copy(),
        bin_centers=np.arange(spec.n_bins) * 2 * float(spec.tolerance),
        hist_turnout=core["hist"][0],
        hist_share=core["hist"][1],
        null_hist_mean=nh.mean(axis=0),
        null_hist_low=np.quantile(nh, (1 - level) / 2, axis=0),
        null_hist_high=np.quantile(nh, (1 + level) / 2, axis=0),
        envelope_level=level,
        **common,
    )
