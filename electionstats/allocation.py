"""Seat allocation with legal thresholds, in exact integer arithmetic.

:func:`allocate` shares out the seats of one constituency among party lists by a
largest-remainder (Hare, Droop, Hagenbach-Bischoff) or a divisor method (D'Hondt,
Sainte-Laguë, modified Sainte-Laguë) after a legal threshold, and reports who passed and
why, the quota, every party's quotient and remainder, and ties. Country rules are named
presets (:func:`get_rules`), e.g. ``"kazakhstan-2021"``.

Exactness. Votes are integers; every comparison that decides a seat or a threshold is
done on integers (cross-multiplication), never on rounded floats. A threshold given as a
float is read as the decimal it prints as: ``0.07`` is exactly 7/100 (``Fraction(repr(x))``),
not the binary number closest to 0.07. Ties are detected exactly and either raise
(default), are broken by an order the caller gives (Kazakh law: the list registered
earlier wins) or are reported.

The private batch functions (``_allocate_batch``) allocate many vote vectors at once
(one row per scenario draw or threshold) for :mod:`electionstats.sensitivity` and
:mod:`electionstats.scenarios`; they share their exact tie checks with :func:`allocate`.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, NamedTuple

import numpy as np
import pandas as pd

from ._args import EXACT_INTEGER_LIMIT, check_count_array, raise_above_exact_limit
from ._citations import cite as _cite
from ._citations import register
from ._results import Summary, TableResult
from .errors import AllocationTieError

__all__ = [
    "BASES",
    "METHODS",
    "PRESETS",
    "AllocationResult",
    "AllocationTieError",
    "Rules",
    "Disproportionality",
    "allocate",
    "disproportionality",
    "get_rules",
]

register(
    "balinski2001",
    """@book{balinski2001,
  title = {Fair Representation: Meeting the Ideal of One Man, One Vote},
  author = {Balinski, Michel L. and Young, H. Peyton},
  edition = {2},
  publisher = {Brookings Institution Press},
  address = {Washington, DC},
  year = {2001},
  isbn = {0-8157-0111-X}
}""",
)
register(
    "pukelsheim2017",
    """@book{pukelsheim2017,
  title = {Proportional Representation: Apportionment Methods and Their Applications},
  author = {Pukelsheim, Friedrich},
  edition = {2},
  publisher = {Springer},
  address = {Cham},
  year = {2017},
  doi = {10.1007/978-3-319-64707-4}
}""",
)
register(
    "gallagher1991",
    """@article{gallagher1991,
  title = {Proportionality, disproportionality and electoral systems},
  author = {Gallagher, Michael},
  journal = {Electoral Studies},
  volume = {10},
  number = {1},
  pages = {33--51},
  year = {1991},
  doi = {10.1016/0261-3794(91)90004-C}
}""",
)
register(
    "loosemore1971",
    """@article{loosemore1971,
  title = {Bias and Responsiveness in Electoral Systems},
  author = {Loosemore, John and Hanby, Victor J.},
  journal = {British Journal of Political Science},
  volume = {1},
  number = {4},
  pages = {467--477},
  year = {1971},
  doi = {10.1017/S000712340000925X}
}""",
)
register(
    "kz_election_law",
    """@misc{kz_election_law,
  title = {Constitutional Law of the Republic of Kazakhstan No. 2464 of 28 September 1995
           ``On Elections in the Republic of Kazakhstan'', Article 97 (Majilis, party lists)},
  author = {{Republic of Kazakhstan}},
  year = {1995},
  howpublished = {as amended before 2023; official text adilet.zan.kz/rus/docs/Z950002464_;
                  English translation used: te.gob.mx; summary: IPU PARLINE}
}""",
)

#: Allocation methods (canonical names).
METHODS = (
    "hare",
    "droop",
    "hagenbach_bischoff",
    "dhondt",
    "sainte_lague",
    "modified_sainte_lague",
)
_LR_METHODS = ("hare", "droop", "hagenbach_bischoff")
_ALIASES = {
    "hamilton": "hare",
    "hare_niemeyer": "hare",
    "largest_remainder": "hare",
    "d_hondt": "dhondt",
    "d'hondt": "dhondt",
    "jefferson": "dhondt",
    "webster": "sainte_lague",
    "saintelague": "sainte_lague",
    "modified_saintelague": "modified_sainte_lague",
    "hb": "hagenbach_bischoff",
}
#: Threshold bases: all valid votes, voters who took part (valid + invalid), registered voters.
BASES = ("valid", "participants", "registered")
_AT_THRESHOLD = ("pass", "fail")
_TIES = ("raise", "order", "report")

_ONE = Fraction(1)
_ZERO = Fraction(0)
# int64 head-room for exact cross-multiplication (products stay below 2**62).
INT_LIMIT = 2**62
# Float quotients v / d are correctly rounded (hence order-preserving) when v < 2**53.
_FLOAT_EXACT = 2**53



# ---------------------------------------------------------------------------------------
# Rules and presets
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rules:
    """The rules of one allocation: seats, method, threshold and what it is a share of.

    Parameters
    ----------
    name : str
        Short name (presets: ``"kazakhstan-2021"``...).
    seats : int
        Seats to allocate.
    method : str
        One of :data:`METHODS`.
    threshold : Fraction
        Legal threshold as an exact fraction of ``threshold_base`` (0 for none).
    threshold_base : {'valid', 'participants', 'registered'}
        What the threshold is a share of.
    at_threshold : {'pass', 'fail'}
        Whether a party exactly at the threshold passes ("at least 7 %") or not
        ("more than 7 %").
    min_parties : int
        If fewer parties pass, the parties with the most votes among the others are
        admitted too, up to this number (Kazakhstan: 2).
    runner_up_factor : Fraction
        Correction index multiplying the quotient of a party admitted only by the
        ``min_parties`` rule (Kazakhstan: 7/10).
    runner_up_min_seats : int
        Seats guaranteed to a party admitted by the ``min_parties`` rule, taken from the
        party that passed with the most seats (Kazakhstan: 2, after the IPU summary).
    ties : {'raise', 'order', 'report'}
        Default tie rule (see :func:`allocate`).
    source, notes : str
        Where the rules come from and what is uncertain.
    """

    name: str
    seats: int
    method: str = "hare"
    threshold: Fraction = Fraction(0)
    threshold_base: str = "valid"
    at_threshold: str = "pass"
    min_parties: int = 0
    runner_up_factor: Fraction = Fraction(1)
    runner_up_min_seats: int = 0
    ties: str = "raise"
    source: str = ""
    notes: str = ""


_KZ_NOTES = (
    "Law text (Art. 97, pre-2023 version, English translation at te.gob.mx): parties with at "
    "least 7 % of the votes of the voters who took part are admitted; if only one party "
    "passes, the party with the next-largest vote is admitted too; the first quota is the "
    "admitted votes / 98; seats are the integer parts of votes / quota, the runner-up's "
    "quotient multiplied by a correction index of 0.7; remaining seats by largest remainder, "
    "ties to the list registered earlier (IPU PARLINE). Uncertain: the translation is "
    "truncated after the correction index; the IPU summary of the 2009 amendment says the "
    "runner-up 'receives at least two seats' (implemented as runner_up_min_seats=2, the "
    "seats taken from the party that passed); if the correction frees more seats than there "
    "are admitted parties, the extra seats go to the party that passed (our reading). The "
    "registration order is not bundled: pass tie_order= and ties='order' to break ties."
)


#: The Majilis party-list rules of the Constitutional Law "On Elections" as in force 2007-2022.
_KZ_2007_2022 = Rules(
    name="kazakhstan-2021",
    seats=98,
    method="hare",
    threshold=Fraction(7, 100),
    threshold_base="participants",
    at_threshold="pass",
    min_parties=2,
    runner_up_factor=Fraction(7, 10),
    runner_up_min_seats=2,
    ties="raise",
    source="Constitutional Law 'On Elections' No. 2464, Art. 97 (as in force 2007-2022)",
    notes=_KZ_NOTES,
)

#: Named country rules. See each entry's ``notes`` for what is uncertain.
PRESETS: dict[str, Rules] = {
    "kazakhstan-2021": _KZ_2007_2022,
    "kazakhstan-2016": dataclasses.replace(_KZ_2007_2022, name="kazakhstan-2016"),
    "kazakhstan-2023": Rules(
        name="kazakhstan-2023",
        seats=69,
        method="hare",
        threshold=Fraction(5, 100),
        threshold_base="participants",
        at_threshold="pass",
        min_parties=0,
        runner_up_factor=Fraction(1),
        ties="raise",
        source="Constitutional Law 'On Elections' as amended in 2022 (mixed system: 69 list seats)",
        notes=(
            "Unverified against the law text: the base of the 5 % threshold (taken, as before "
            "2023, to be the voters who took part; the CEC's percentages are shares of all "
            "6,366,441 ballots including 'against all') and whether the admit-the-runner-up "
            "rule survived (not applied). In 2023 every base gives the same six parties, and "
            "Hare largest remainder over them reproduces the official 40/8/6/6/5/4."
        ),
    ),
}


def get_rules(name: str | Rules) -> Rules:
    """Return the named preset (or ``name`` itself when it already is a :class:`Rules`).

    Parameters
    ----------
    name : str or Rules
        One of ``PRESETS``: ``'kazakhstan-2016'``, ``'kazakhstan-2021'`` (98 list seats, 7 %
        of participants, Hare, runner-up rule) or ``'kazakhstan-2023'`` (69 seats, 5 %).

    Returns
    -------
    Rules

    Examples
    --------
    >>> r = get_rules("kazakhstan-2021")
    >>> r.seats, r.threshold, r.threshold_base
    (98, Fraction(7, 100), 'participants')
    """
    if isinstance(name, Rules):
        return name
    if name not in PRESETS:
        raise ValueError(f"`rules` must be a Rules object or one of {sorted(PRESETS)} (got {name!r}).")
    return PRESETS[name]


# ---------------------------------------------------------------------------------------
# Argument checking
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _decimal_fraction(x: float) -> Fraction:
    return Fraction(repr(x))


def as_fraction(x: Any, name: str) -> Fraction:
    """Read ``x`` as an exact fraction; floats are read as the decimal they print as
    (the shortest repr of their own precision: ``np.float32(0.07)`` is exactly 7/100)."""
    if type(x) is float and x == x and abs(x) != float("inf"):
        return _decimal_fraction(x)
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be a number, not a boolean (got {x!r}).")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return _ONE if x == 1 else Fraction(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise ValueError(f"`{name}` must be finite (got {x!r}).")
        if isinstance(x, np.floating) and np.finfo(x.dtype).bits < 64:
            # float32 0.07 is 0.0700000003 in binary; read it as the decimal it prints as
            return Fraction(np.format_float_positional(x, unique=True, trim="-"))
        return _decimal_fraction(float(x))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"`{name}` must be finite (got {x!r}).")
        return Fraction(x)
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except ValueError:
            raise ValueError(f"`{name}` must be a number such as 0.07 or '7/100' (got {x!r}).") from None
    if isinstance(x, numbers.Rational):
        return Fraction(x.numerator, x.denominator)
    raise TypeError(f"`{name}` must be a number (got {type(x).__name__} {x!r}).")


def check_threshold(threshold: Any, name: str = "threshold") -> Fraction:
    """Validate a threshold in [0, 1) and return it as an exact fraction."""
    t = as_fraction(threshold, name)
    if not 0 <= t.numerator < t.denominator:
        hint = f" For {float(t):g} % pass {float(t) / 100:g}." if 1 <= t < 100 else ""
        raise ValueError(f"`{name}` must be a share in [0, 1) (got {threshold!r}).{hint}")
    return t


@functools.lru_cache(maxsize=4096)
def _float_threshold(x: float) -> Fraction:
    return check_threshold(x)


def canonical_method(method: Any) -> str:
    """Canonical method name; unknown names raise ``ValueError``."""
    if method in METHODS:
        return method
    if not isinstance(method, str):
        raise TypeError(f"`method` must be a string, one of {METHODS} (got {method!r}).")
    key = method.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, key)
    if key not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS} (got {method!r}).")
    return key


def check_base(base: Any) -> str:
    """Validate a threshold base name."""
    if base not in BASES:
        raise ValueError(f"`threshold_base` must be one of {BASES} (got {base!r}).")
    return base


def _check_count(x: Any, name: str, *, allow_none: bool = True) -> int | None:
    if x is None and allow_none:
        return None
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer, float, np.floating)):
        raise TypeError(f"`{name}` must be a non-negative integer (got {x!r}).")
    if isinstance(x, (float, np.floating)) and not (np.isfinite(x) and float(x).is_integer()):
        raise ValueError(f"`{name}` must be a non-negative integer (got {x!r}).")
    if x < 0:
        raise ValueError(f"`{name}` must be a non-negative integer (got {x!r}).")
    if x > EXACT_INTEGER_LIMIT:
        raise_above_exact_limit(name, f"the value {int(x):,}")
    return int(x)


def check_parties(parties: Any, name: str = "parties") -> tuple:
    """Party labels as a tuple: an ordered sequence, unique, no missing (NaN/None) labels.

    A set is refused: its order differs between Python processes (string hashing is
    randomised), so seats would be listed in a different order per run.
    """
    if isinstance(parties, (set, frozenset)):
        raise TypeError(
            f"`{name}` is a set, whose order changes from one Python process to the next; "
            "give a list or tuple in the order you want, e.g. sorted(...)."
        )
    if isinstance(parties, (str, bytes, Mapping)) or not isinstance(parties, Iterable):
        raise TypeError(f"`{name}` must be a list or tuple of party labels (got {type(parties).__name__}).")
    labels = tuple(parties)
    _check_labels(labels, name)
    return labels


def _check_labels(labels: tuple, name: str) -> None:
    missing = [i for i, p in enumerate(labels) if p is None or (isinstance(p, float) and p != p)
               or (isinstance(p, np.floating) and np.isnan(p))]
    if missing:
        raise ValueError(f"`{name}` has missing (NaN or None) labels at positions {missing[:5]}; name every party.")
    seen: set = set()
    dup = []
    for p in labels:
        if p in seen and p not in dup:
            dup.append(p)
        seen.add(p)
    if dup:
        raise ValueError(f"`{name}` labels must be unique; {dup[:5]} appear more than once.")


def exact_total(v: np.ndarray) -> int:
    """Sum of an int64 vote vector as a Python int, exactly (numpy's sum wraps above 2**63)."""
    if v.size < 1024 or int(v.max(initial=0)) < (2**62) // v.size:
        return int(v.sum())
    return sum(v.tolist())


def as_votes(
    votes: Any, parties: Sequence[Hashable] | None = None, name: str = "votes"
) -> tuple[tuple, np.ndarray]:
    """Party labels and an int64 vote vector from a mapping, Series or array.

    A mapping or Series with ``parties`` is read by key, in the order of ``parties``
    (which must list the same parties). Counts are checked by
    :func:`electionstats._args.check_count_array`: booleans (also mixed into a list),
    text, NaN, fractions, negative values and counts above 2**53 raise, naming the parties.
    """
    if type(votes) is dict and parties is None and votes:
        vals = list(votes.values())
        if set(map(type, vals)) == {int} and min(vals) >= 0 and max(vals) <= EXACT_INTEGER_LIMIT:
            _check_labels(tuple(votes), "votes")
            return tuple(votes), np.array(vals, dtype=np.int64)
    if isinstance(votes, (str, bytes)):
        raise TypeError(f"`{name}` must be a mapping {{party: votes}}, a Series or an array of counts.")
    if isinstance(votes, (set, frozenset)):
        raise TypeError(
            f"`{name}` is a set, which has no order (it changes from one Python process to the "
            "next) and drops repeated counts; pass a mapping {party: votes}, a Series or a list."
        )
    if isinstance(votes, pd.DataFrame):
        raise TypeError(f"`{name}` must be one-dimensional: a mapping, a Series or an array (got a DataFrame).")
    keyed = isinstance(votes, (Mapping, pd.Series))
    if keyed:
        keys = tuple(votes.index) if isinstance(votes, pd.Series) else tuple(votes.keys())
        _check_labels(keys, "votes")
        if parties is None:
            labels = keys
            values = votes.to_numpy(dtype=object) if isinstance(votes, pd.Series) else list(votes.values())
        else:
            labels = check_parties(parties)
            extra = [p for p in keys if p not in set(labels)]
            absent = [p for p in labels if p not in set(keys)]
            if extra or absent:
                raise ValueError(
                    f"`parties` must list the parties of `votes` (read by key, not by position); "
                    f"not in `votes`: {absent[:5]}, not in `parties`: {extra[:5]}."
                )
            values = [votes[p] for p in labels]
    else:
        values = votes
        labels = None if parties is None else check_parties(parties)
    arr0 = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr0.ndim != 1:
        raise ValueError(f"`votes` must be one-dimensional (got shape {arr0.shape}).")
    if arr0.size == 0:
        raise ValueError("`votes` is empty: give at least one party's votes.")
    if labels is None:
        labels = tuple(range(arr0.size))
    if len(labels) != arr0.size:
        raise ValueError(f"`parties` has {len(labels)} labels for {arr0.size} vote counts.")
    out = check_count_array(pd.Series(arr0, index=pd.Index(labels, dtype=object), copy=False), name)
    return labels, out


def tie_rank_of(tie_order: Iterable[Hashable] | None, labels: tuple) -> np.ndarray | None:
    """Position of every party in ``tie_order`` (None when no order is given)."""
    if tie_order is None:
        return None
    if isinstance(tie_order, (set, frozenset, Mapping, str)):
        raise TypeError(
            f"`tie_order` must be a list or tuple of every party, the one that wins ties first "
            f"(got a {type(tie_order).__name__}{'; a set has no order' if not isinstance(tie_order, (str, Mapping)) else ''})."
        )
    order = list(tie_order)
    unknown = [p for p in order if p not in labels]
    missing = [p for p in labels if p not in order]
    if unknown or missing or len(order) != len(labels):
        raise ValueError(
            f"`tie_order` must list every party exactly once; unknown {unknown}, missing {missing}."
        )
    pos = {p: i for i, p in enumerate(order)}
    return np.array([pos[p] for p in labels], dtype=np.int64)


class Resolved(NamedTuple):
    """Validated arguments of one allocation (internal; a NamedTuple: cheap to build)."""

    parties: tuple
    votes: np.ndarray
    seats: int
    method: str
    threshold: Fraction
    base: str
    base_total: int
    at_threshold: str
    min_parties: int
    runner_up_factor: Fraction
    runner_up_min_seats: int
    ties: str
    tie_rank: np.ndarray | None
    rules_name: str | None
    other_valid: int
    invalid: int | None
    registered: int | None


def base_totals(
    votes: np.ndarray,
    *,
    other_valid: int = 0,
    invalid: int | None = None,
    participants: int | None = None,
    registered: int | None = None,
    total: int | None = None,
) -> dict[str, int | None]:
    """The three threshold bases from the counts given (None where not computable)."""
    valid = exact_total(np.asarray(votes)) + other_valid if total is None else total + other_valid
    if participants is not None:
        if participants < valid:
            raise ValueError(
                f"`participants` ({participants:,}) is smaller than the valid votes "
                f"({valid:,}: party votes + other_valid)."
            )
        if invalid is not None and valid + invalid != participants:
            raise ValueError(
                f"`participants` ({participants:,}) differs from valid + invalid "
                f"({valid:,} + {invalid:,}); give only one of them."
            )
        part = participants
    else:
        part = None if invalid is None else valid + invalid
    if registered is not None and part is not None and registered < part:
        raise ValueError(f"`registered` ({registered:,}) is smaller than the participants ({part:,}).")
    if registered is not None and registered < valid:
        raise ValueError(
            f"`registered` ({registered:,}) is smaller than the valid votes ({valid:,}: party votes + "
            "other_valid); check the counts."
        )
    return {"valid": valid, "participants": part, "registered": registered}


def allocate_iv(votes: Any, seats: Any, *, parties: Any, **options: Any) -> Resolved:
    """Read ``votes`` into an int64 array (:func:`as_votes`) and check every option of
    :func:`allocate` (keywords, all of them, as in :func:`_options_iv`). One entry point
    for :func:`allocate`'s numpy path, the sweeps and :func:`minimal_shift`."""
    labels, v = as_votes(votes, parties)
    return _options_iv(labels, v, exact_total(v), seats, **options)


# Largest number of parties read by the pure-Python path of :func:`allocate` (beyond it, numpy).
_PLAIN_MAX = 256
_INT_TYPE = {int}
_KEY_TYPES = {str, int}


def _plain_votes(votes: Any, parties: Any) -> tuple[tuple, list, int] | None:
    """Labels, votes and total of a plain dict, list or tuple of Python ints, else None.

    Only inputs that :func:`as_votes` would accept unchanged qualify (exact ``int`` values,
    none negative, total below 2**53, no ``parties`` labels to check); anything else returns
    None and goes through :func:`as_votes`, which checks it and raises the usual errors.
    """
    tv = type(votes)
    if parties is not None or not (tv is dict or tv is list or tv is tuple):
        return None
    vals = list(votes.values()) if tv is dict else votes
    if not vals or len(vals) > _PLAIN_MAX or set(map(type, vals)) != _INT_TYPE or min(vals) < 0:
        return None
    if tv is dict and not set(map(type, votes)) <= _KEY_TYPES:  # NaN or None labels: checked path
        return None
    total = sum(vals)
    if total >= _FLOAT_EXACT:
        return None
    return (tuple(votes) if tv is dict else tuple(range(len(vals)))), vals, total


def _options_iv(
    labels: tuple,
    v: Any,
    total: int,
    seats: Any,
    rules: Any,
    method: Any,
    threshold: Any,
    threshold_base: Any,
    at_threshold: Any,
    min_parties: Any,
    runner_up_factor: Any,
    runner_up_min_seats: Any,
    ties: Any,
    tie_order: Any,
    other_valid: Any,
    invalid: Any,
    participants: Any,
    registered: Any,
) -> Resolved:
    """Check every option of :func:`allocate` given the checked votes ``v`` (list or int64
    array) and their ``total``; a preset's values fill the options left as None.

    The options are positional too: :func:`allocate` passes them by position (keywords cost
    half a microsecond), in the order of this signature.
    """
    r = None
    if rules is not None:
        r = get_rules(rules)
        seats = r.seats if seats is None else seats
        method = r.method if method is None else method
        threshold = r.threshold if threshold is None else threshold
        threshold_base = r.threshold_base if threshold_base is None else threshold_base
        at_threshold = r.at_threshold if at_threshold is None else at_threshold
        min_parties = r.min_parties if min_parties is None else min_parties
        runner_up_factor = r.runner_up_factor if runner_up_factor is None else runner_up_factor
        runner_up_min_seats = r.runner_up_min_seats if runner_up_min_seats is None else runner_up_min_seats
        ties = r.ties if ties is None else ties
    if seats is None:
        raise TypeError("`seats` is required (or give `rules=` with a seat number).")
    if type(seats) is not int:
        if isinstance(seats, (bool, np.bool_)) or not isinstance(seats, (int, np.integer)):
            raise TypeError(f"`seats` must be a non-negative integer (got {seats!r}).")
        seats = int(seats)
    if seats < 0:
        raise ValueError(f"`seats` must be a non-negative integer (got {seats}).")
    method_ = "hare" if method is None else canonical_method(method)
    if threshold is None:
        t = _ZERO
    elif type(threshold) is float:
        t = _float_threshold(threshold)
    else:
        t = check_threshold(threshold)
    base = "valid" if threshold_base is None else check_base(threshold_base)
    at = "pass" if at_threshold is None else at_threshold
    if at not in _AT_THRESHOLD:
        raise ValueError(f"`at_threshold` must be one of {_AT_THRESHOLD} (got {at!r}).")
    mp = 0 if min_parties is None else min_parties
    if type(mp) is not int or mp < 0:
        if isinstance(mp, bool) or not isinstance(mp, (int, np.integer)) or mp < 0:
            raise ValueError(f"`min_parties` must be a non-negative integer (got {mp!r}).")
        mp = int(mp)
    if runner_up_factor is None or runner_up_factor is _ONE:
        factor = _ONE
    else:
        factor = as_fraction(runner_up_factor, "runner_up_factor")
        if not 0 < factor.numerator <= factor.denominator:
            raise ValueError(f"`runner_up_factor` must be in (0, 1] (got {runner_up_factor!r}).")
    min_seats = 0 if runner_up_min_seats is None else runner_up_min_seats
    if type(min_seats) is not int or min_seats < 0:
        if isinstance(min_seats, bool) or not isinstance(min_seats, (int, np.integer)) or min_seats < 0:
            raise ValueError(f"`runner_up_min_seats` must be a non-negative integer (got {min_seats!r}).")
        min_seats = int(min_seats)
    ties_ = "raise" if ties is None else ties
    if ties_ not in _TIES:
        raise ValueError(f"`ties` must be one of {_TIES} (got {ties_!r}).")
    tie_rank = None if tie_order is None else tie_rank_of(tie_order, labels)
    if ties_ == "order" and tie_rank is None:
        raise ValueError(
            "`ties='order'` needs `tie_order=` (e.g. the lists' registration order); the "
            "order the votes are given in is not a legal rule."
        )
    if type(other_valid) is int and 0 <= other_valid <= EXACT_INTEGER_LIMIT:
        other = other_valid
    else:
        other = _check_count(other_valid, "other_valid", allow_none=False)
    inv = None if invalid is None else _check_count(invalid, "invalid")
    part = None if participants is None else _check_count(participants, "participants")
    reg = None if registered is None else _check_count(registered, "registered")
    if inv is None and part is None and reg is None:  # only the valid base is computable
        valid = total + other
        totals = {"valid": valid, "participants": None, "registered": None}
    else:
        totals = base_totals(v, other_valid=other, invalid=inv, participants=part, registered=reg, total=total)
    base_total = totals[base]
    if base_total is None:
        need = "`invalid=` or `participants=`" if base == "participants" else "`registered=`"
        raise ValueError(f"`threshold_base={base!r}` needs {need} (the threshold is a share of it).")
    if total == 0:
        raise ValueError("`votes` are all zero: there is nothing to allocate.")
    if total >= _FLOAT_EXACT or total * (seats + len(v) + 1) * 10 >= INT_LIMIT:
        raise ValueError(
            f"{seats:,} seats and {total:,} votes are too many for exact 64-bit arithmetic "
            "(votes x (seats + parties) must stay below 4.6e17)."
        )
    return Resolved(
        labels, v, seats, method_, t, base, int(base_total), at, mp, factor, min_seats, ties_, tie_rank,
        None if r is None else r.name, other,
        None if totals["participants"] is None else totals["participants"] - totals["valid"], reg,
    )


# ---------------------------------------------------------------------------------------
# Exact cores (one allocation)
# ---------------------------------------------------------------------------------------


def passes_threshold(v: np.ndarray, t: Fraction, base_total: Any, *, inclusive: bool) -> np.ndarray:
    """Exact test ``v / base >= t`` (or ``>``) for every party; ``base_total`` may be a Fraction."""
    need = min_votes_to_pass(t, base_total, inclusive=inclusive)
    if need > INT_LIMIT:  # more than any int64 vote count
        return np.zeros(np.shape(v), dtype=bool)
    return np.asarray(v) >= need


def min_votes_to_pass(t: Fraction, base_total: Any, *, inclusive: bool) -> int:
    """Smallest whole number of votes that passes a threshold ``t`` of ``base_total`` (int or Fraction).

    For whole ``v``: ``v * den >= num`` iff ``v >= ceil(num / den)``, and ``v * den > num``
    iff ``v >= floor(num / den) + 1``, with ``num / den = t * base_total`` exactly.
    """
    if type(base_total) is int:
        num, den = t.numerator * base_total, t.denominator
    elif isinstance(base_total, Fraction):
        num, den = t.numerator * base_total.numerator, t.denominator * base_total.denominator
    else:
        num, den = t.numerator * int(base_total), t.denominator
    q, r = divmod(num, den)
    if inclusive:
        return q + (r > 0)
    return q + 1


def _admit_runner_ups(
    v: np.ndarray, passed: np.ndarray, min_parties: int
) -> tuple[np.ndarray, tuple[int, ...], int]:
    """Parties admitted by the min-parties rule, plus exact ties at the cut.

    Returns (runner_up mask, indices tied for the last runner-up places, places left to them).
    """
    runner = np.zeros(v.size, dtype=bool)
    if min_parties == 0:
        return runner, (), 0
    need = min_parties - int(passed.sum())
    if need <= 0:
        return runner, (), 0
    key = np.where(passed | (v == 0), -1, v)
    cand = np.flatnonzero(key >= 0)
    if cand.size == 0:
        return runner, (), 0
    order = cand[np.argsort(-key[cand], kind="stable")]
    if order.size <= need:
        runner[order] = True
        return runner, (), 0
    cut = key[order[need - 1]]
    above = order[key[order] > cut]
    at = order[key[order] == cut]
    runner[above] = True
    left = need - above.size
    if at.size == left:
        runner[at] = True
        return runner, (), 0
    return runner, tuple(int(i) for i in at), left


def _lr_core(
    va: list[int], wl: list[int] | None, wden: int, seats: int, method: str
) -> tuple[list[int], list[bool], int, Fraction]:
    """Largest remainder among the admitted parties: (certain seats, tied flags, number of
    tied seats, quota).

    The quotient of party j is ``va[j] * wl[j] / wden / quota`` (``wl=None``: every weight
    is ``wden``); remainders share one denominator, so they compare as integers. Plain
    Python integers: exact, and faster than numpy below a few thousand parties.
    """
    total = sum(va)
    if method == "hare":
        quota = Fraction(total, seats)
    elif method == "hagenbach_bischoff":
        quota = Fraction(total, seats + 1)
    else:  # droop
        quota = Fraction(total // (seats + 1) + 1)
    qd, qn = quota.denominator, quota.numerator
    floors: list[int] = []
    rem: list[int] = []
    if wl is None:
        for x in va:
            f, r = divmod(x * qd, qn)
            floors.append(f)
            rem.append(r)
    else:
        qn *= wden
        for x, w in zip(va, wl):
            f, r = divmod(x * w * qd, qn)
            floors.append(f)
            rem.append(r)
    left = seats - sum(floors)
    m = len(va)
    tied = [False] * m
    n_tied = 0
    if left < 0:
        # Hagenbach-Bischoff with every quotient whole: one seat too many; every party
        # holding a seat is tied for losing it.
        tied = [f > 0 for f in floors]
        floors = [f - t for f, t in zip(floors, tied)]
        n_tied = sum(tied) + left
    elif left > m:
        full = [True] * m if wl is None else [w == wden for w in wl]
        if all(full):
            raise ValueError(
                f"the {method} quota leaves {left} seats for {m} admitted parties; "
                "too few votes for this many seats."
            )
        # The runner-up correction freed more seats than there are admitted parties. Our
        # reading (the law text is silent): one remainder seat each, then the rest go to
        # the parties that passed the threshold, by whole rounds and largest remainder.
        rounds, left = divmod(left - m, sum(full))
        floors = [f + 1 + rounds * u for f, u in zip(floors, full)]
        rem = [r if u else -1 for r, u in zip(rem, full)]
    if left > 0:
        # The `left`-th largest remainder is the cut: larger ones win a seat; those equal
        # to it win the seats still left if there are exactly enough, else they are tied.
        srt = sorted(rem, reverse=True)
        cut = srt[left - 1]
        n_left = left - srt.index(cut)
        if rem.count(cut) == n_left:
            floors = [f + (r >= cut) for f, r in zip(floors, rem)]
        else:
            floors = [f + (r > cut) for f, r in zip(floors, rem)]
            tied, n_tied = [r == cut for r in rem], n_left
    return floors, tied, n_tied, quota


def _share_out(
    va: list[int] | np.ndarray, wl: list[int] | None, wden: int, seats: int, method: str
) -> tuple[Any, Any, int, Fraction | None, Fraction | None]:
    """Seats among the admitted parties only (votes ``va``, runner-up weights ``wl / wden``).

    Returns (certain seats, tied flags, tied seats, quota, divisor); one of quota
    (largest remainder) and divisor (divisor methods) is None. Seats and flags are lists,
    or arrays when a divisor method is given an array (no round trip through lists). Both
    entry points of :func:`allocate` (plain lists and numpy arrays) and the exact rows of
    the batch path allocate through this function.
    """
    if method in _LR_METHODS:
        va_l = va.tolist() if isinstance(va, np.ndarray) else va
        floors, tied, n_tied, quota = _lr_core(va_l, wl, wden, seats, method)
        return floors, tied, n_tied, quota, None
    if wl is not None:
        raise ValueError(
            "`runner_up_factor` is defined for largest-remainder methods only; "
            f"use runner_up_factor=1 with method={method!r}."
        )
    arr = np.asarray(va, dtype=np.int64)
    s_, t_, n_tied, divisor = _divisor_core(arr, np.ones(arr.size, dtype=bool), seats, method)
    if not isinstance(va, np.ndarray):
        return s_.tolist(), t_.tolist(), n_tied, None, divisor
    return s_, t_, n_tied, None, divisor


# Divisors scaled to integers: quotient = scale * v / D(k).
def _divisor_scale(method: str) -> int:
    return {"dhondt": 1, "sainte_lague": 2, "modified_sainte_lague": 10}[method]


def _divisors(method: str, k: np.ndarray) -> np.ndarray:
    """Integer-scaled divisor of the (k+1)-th seat."""
    if method == "dhondt":
        return k + 1
    if method == "sainte_lague":
        return 2 * k + 1
    return np.where(k == 0, 7, 10 * k + 5)


def _divisor_caps(v: np.ndarray, total: int, m: int, method: str) -> np.ndarray:
    """For each party, how many of its quotients reach total / m.

    With ``m = seats + n`` that is a lower bound of the last winning quotient (the pool
    holds every winner); with ``m = seats - n`` an upper bound (every such quotient wins).
    """
    if method == "dhondt":
        return v * m // total
    if method == "sainte_lague":
        return (2 * v * m // total + 1) // 2
    x = 10 * v * m // total
    return np.where(x >= 7, (x - 5) // 10 + 1, 0)


def _divisor_core(
    v: np.ndarray, admitted: np.ndarray, seats: int, method: str
) -> tuple[np.ndarray, np.ndarray, int, Fraction]:
    """Divisor method: (certain seats, tied mask, tied seats, last winning quotient).

    Exact: candidate quotients are pooled (only those that can win), the ``seats``-th largest
    is found on correctly rounded floats (rounding preserves order), and the entries whose
    float equals it are compared exactly as integers.
    """
    n = v.size
    va = np.where(admitted, v, 0)
    total = int(va.sum())
    scale = _divisor_scale(method)
    caps = _divisor_caps(va, total, seats + n, method)
    # Quotients at or above total / (seats - n) number at most `seats` and all win: only the
    # quotients between the two bounds are pooled (at most about 3n, whatever the seats).
    low = _divisor_caps(va, total, seats - n, method) if seats > 2 * n else np.zeros(n, dtype=np.int64)
    low = np.minimum(low, caps)
    pool = caps - low
    m = int(pool.sum())
    seats_left = seats - int(low.sum())
    idx = np.repeat(np.arange(n), pool)
    starts = np.cumsum(pool) - pool
    k = np.arange(m) - np.repeat(starts, pool) + np.repeat(low, pool)
    d = _divisors(method, k)
    vv = va[idx]
    f = vv / d
    seats_out = low.astype(np.int64)
    tied = np.zeros(n, dtype=bool)
    if m == seats_left:  # every candidate wins (cannot be tied with anything outside the pool)
        np.add.at(seats_out, idx, 1)
        if m == 0:
            j = int(np.argmin(np.where(low > 0, va / _divisors(method, np.maximum(low - 1, 0)), np.inf)))
            last = Fraction(int(va[j]), int(_divisors(method, np.array([low[j] - 1]))[0]))
            return seats_out, tied, 0, last * scale
        j = int(np.argmin(f))
        return seats_out, tied, 0, Fraction(scale * int(vv[j]), int(d[j]))
    seats_pool = seats_left
    fstar = np.partition(f, m - seats_pool)[m - seats_pool]
    above = f > fstar
    eq = np.flatnonzero(f == fstar)
    need = seats_pool - int(above.sum())
    exact = sorted(
        ((Fraction(int(vv[i]), int(d[i])), int(i)) for i in eq), key=lambda p: p[0], reverse=True
    )
    last = exact[need - 1][0]
    win = np.flatnonzero(above).tolist() + [i for q, i in exact if q > last]
    at = [i for q, i in exact if q == last]
    left = seats_pool - len(win)
    np.add.at(seats_out, idx[np.asarray(win, dtype=np.int64)], 1)
    n_tied = 0
    if len(at) == left:
        np.add.at(seats_out, idx[np.asarray(at, dtype=np.int64)], 1)
    else:
        tied[idx[np.asarray(at, dtype=np.int64)]] = True
        n_tied = left
    return seats_out, tied, n_tied, last * scale


def _break_ties(
    seats: np.ndarray, tied: np.ndarray, n_tied: int, tie_rank: np.ndarray
) -> np.ndarray:
    """Give the tied seats to the tied parties first in ``tie_rank``."""
    cand = np.flatnonzero(tied)
    winners = cand[np.argsort(tie_rank[cand], kind="stable")[:n_tied]]
    out = seats.copy()
    out[winners] += 1
    return out


def _top_up(seats: np.ndarray, passed: np.ndarray, runner: np.ndarray, min_seats: int) -> np.ndarray:
    """Raise every runner-up to ``min_seats``, taking seats from the passing party with most seats."""
    if min_seats == 0 or not runner.any() or not passed.any():
        return seats
    out = seats.copy()
    for j in np.flatnonzero(runner):
        need = min_seats - int(out[j])
        if need > 0:
            donor = int(np.argmax(np.where(passed, out, -1)))
            moved = min(need, int(out[donor]))
            out[donor] -= moved
            out[j] += moved
    return out


def _allocate_exact(
    v: np.ndarray,
    seats: int,
    method: str,
    passed: np.ndarray,
    min_parties: int,
    factor: Fraction,
    tie_rank: np.ndarray | None = None,
    min_seats: int = 0,
) -> dict[str, Any]:
    """Threshold already applied: the runner-up rule, then the method. Returns raw arrays.

    An exact tie in votes for a runner-up place is broken by ``tie_rank`` when given;
    otherwise the contested places stay empty and ``runner_up_tie`` names the parties.
    """
    runner, ru_tied, ru_left = _admit_runner_ups(v, passed, min_parties)
    out: dict[str, Any] = {"runner_up_tie": None}
    if ru_tied:
        if tie_rank is not None:
            contested = np.zeros(v.size, dtype=bool)
            contested[list(ru_tied)] = True
            runner |= _break_ties(np.zeros(v.size, dtype=np.int64), contested, ru_left, tie_rank) > 0
        else:
            out["runner_up_tie"] = (ru_tied, ru_left)
    admitted = passed | runner
    out.update(runner_up=runner, admitted=admitted)
    if seats == 0 or not admitted.any():
        out.update(
            seats=np.zeros(v.size, dtype=np.int64), tied=np.zeros(v.size, dtype=bool), n_tied=0,
            quota=None, divisor=None,
        )
        return out
    idx = np.flatnonzero(admitted)
    wl = None
    if runner.any() and factor != 1:
        wl = np.where(runner[idx], factor.numerator, factor.denominator).tolist()
    floors, tied_l, n_tied, quota, divisor = _share_out(v[idx], wl, factor.denominator, seats, method)
    s = np.zeros(v.size, dtype=np.int64)
    tied = np.zeros(v.size, dtype=bool)
    s[idx] = floors
    tied[idx] = tied_l
    out.update(seats=_top_up(s, passed, runner, min_seats), tied=tied, n_tied=n_tied, quota=quota, divisor=divisor)
    return out


# ---------------------------------------------------------------------------------------
# Public entry point
# ---------------------------------------------------------------------------------------


def allocate(
    votes: Any,
    seats: int | None = None,
    *,
    rules: str | Rules | None = None,
    method: str | None = None,
    threshold: Any = None,
    threshold_base: str | None = None,
    at_threshold: str | None = None,
    min_parties: int | None = None,
    runner_up_factor: Any = None,
    runner_up_min_seats: int | None = None,
    ties: str | None = None,
    tie_order: Sequence[Hashable] | None = None,
    parties: Sequence[Hashable] | None = None,
    other_valid: int = 0,
    invalid: int | None = None,
    participants: int | None = None,
    registered: int | None = None,
) -> AllocationResult:
    """Allocate seats among party lists after a legal threshold, exactly.

    Parties whose votes reach ``threshold`` (a share of ``threshold_base``) are admitted;
    the seats are shared among them by a largest-remainder or a divisor method, in integer
    arithmetic. There is no null hypothesis: this is a deterministic rule, reproduced.

    Parameters
    ----------
    votes : mapping, Series or array of int
        Votes per party list (``{party: votes}``; a Series indexed by party; or an array,
        with labels from ``parties``). Whole non-negative numbers; "against all" and
        invalid ballots do not go here (see ``other_valid`` and ``invalid``).
    seats : int, optional
        Seats to allocate (default: from ``rules``).
    rules : str or Rules, optional
        A preset such as ``'kazakhstan-2021'`` (see :func:`get_rules`). Its values are the
        defaults of every option below; an option given explicitly overrides it.
    method : str, optional
        ``'hare'`` (Hamilton: quota = votes / seats, largest remainders; default),
        ``'droop'`` (quota ``floor(votes / (seats + 1)) + 1``), ``'hagenbach_bischoff'``
        (quota ``votes / (seats + 1)``), ``'dhondt'`` (divisors 1, 2, 3...),
        ``'sainte_lague'`` (1, 3, 5...), ``'modified_sainte_lague'`` (1.4, 3, 5...).
    threshold : float, Fraction, Decimal or str, optional
        Share of ``threshold_base`` a party needs, in [0, 1) (default 0). A float is read as
        the decimal it prints as: 0.07 means exactly 7/100.
    threshold_base : {'valid', 'participants', 'registered'}, optional
        ``'valid'``: all valid votes (party votes + ``other_valid``; default);
        ``'participants'``: voters who took part (valid + ``invalid``, or ``participants``),
        the base of Kazakh law; ``'registered'``: registered voters.
    at_threshold : {'pass', 'fail'}, optional
        A party exactly at the threshold passes (``'pass'``, "at least"; default) or not
        (``'fail'``, "more than").
    min_parties : int, optional
        If fewer parties pass, admit the largest of the others up to this many (default 0).
    runner_up_factor : number, optional
        Correction index on the quotient of a party admitted by ``min_parties`` (default 1;
        Kazakhstan 0.7). Largest-remainder methods only.
    runner_up_min_seats : int, optional
        Seats guaranteed to a party admitted by ``min_parties``, taken from the party that
        passed with the most seats (default 0; Kazakhstan 2).
    ties : {'raise', 'order', 'report'}, optional
        Exact ties for the last seat(s): raise :class:`AllocationTieError` (default), give
        them in ``tie_order`` (first wins), or report them (``result.tied`` and
        ``result.n_tied_seats``; the tied seats are left out of ``result.seats``).
    tie_order : sequence, optional
        Every party once, the one that wins ties first (Kazakhstan: registration order).
    parties : sequence, optional
        Labels of the parties when ``votes`` is an array (default 0, 1, 2...).
    other_valid : int
        Valid votes for no party (e.g. "against all"): in the ``'valid'`` base, no seats.
    invalid : int, optional
        Invalid (spoiled) ballots; with ``participants`` give only one of the two.
    participants : int, optional
        Voters who took part (valid + invalid ballots).
    registered : int, optional
        Registered voters (for ``threshold_base='registered'``).

    Returns
    -------
    AllocationResult
        ``seats`` (Series), ``passed`` parties, ``table`` (per party: votes, share of the
        base, status, quotient, remainder, seats), ``quota`` or ``divisor`` (exact
        Fractions), ``tied`` and ``n_tied_seats``.

    Raises
    ------
    ValueError
        Negative, fractional or NaN votes; empty or all-zero votes; a threshold outside
        [0, 1); unknown method, base or tie rule; a missing base count; seats or votes too
        large for exact 64-bit arithmetic; no party passing the threshold.
    AllocationTieError
        An exact tie for the last seat(s) with ``ties='raise'``.

    See Also
    --------
    electionstats.sensitivity.threshold_sweep : seats across thresholds, bases and methods.
    electionstats.sensitivity.minimal_shift : fewest votes that change the outcome.

    Notes
    -----
    Largest remainder: quotient ``v_j / quota``, seats = integer parts, the seats left go to
    the largest fractional remainders (at most one each). Divisor methods give each seat in
    turn to the largest ``v_j / d(s_j)``, which is computed here all at once by pooling the
    quotients that can win. Quotients and remainders are compared as integers, so ties are
    exact. ``votelib`` excludes a party exactly at the threshold even with
    ``accept_equal=True``; ``apportionment`` decides it by float rounding; here the rule is
    ``at_threshold``.

    The Kazakhstan preset follows Article 97 of the election law as far as the available
    English translation goes (see ``get_rules('kazakhstan-2021').notes``): the runner-up rule
    with its 0.7 correction index is implemented as "the admitted party's quotient is
    multiplied by 0.7 before integer parts and remainders are taken"; the exact text after
    that is uncertain.

    References
    ----------
    .. [1] Balinski, M. L. and Young, H. P. (2001). Fair Representation, 2nd ed.
       Brookings Institution Press.
    .. [2] Pukelsheim, F. (2017). Proportional Representation: Apportionment Methods and
       Their Applications, 2nd ed. Springer. :doi:`10.1007/978-3-319-64707-4`
    .. [3] Constitutional Law of the Republic of Kazakhstan "On Elections", No. 2464,
       Art. 97 (pre-2023).

    Examples
    --------
    Kazakhstan 2021, official CEC votes (The Astana Times, 12 January 2021); 7,539,280
    voters took part:

    >>> votes = {"Nur Otan": 5148074, "Ak Zhol": 792828, "People's Party": 659019,
    ...          "Auyl": 383023, "Adal": 258618}
    >>> res = allocate(votes, rules="kazakhstan-2021", participants=7539280)
    >>> res.seats.to_dict()
    {'Nur Otan': 76, 'Ak Zhol': 12, "People's Party": 10, 'Auyl': 0, 'Adal': 0}
    >>> allocate(votes, 98, method="dhondt", threshold=0.07).seats.tolist()
    [77, 12, 9, 0, 0]
    >>> res.quota
    Fraction(6599921, 98)
    """
    plain = _plain_votes(votes, parties)
    if plain is not None:  # a dict or list of Python ints: checked without numpy
        labels, v, total = plain
    else:
        labels, v = as_votes(votes, parties)
        total = exact_total(v)
    r = _options_iv(
        labels, v, total, seats, rules, method, threshold, threshold_base, at_threshold, min_parties,
        runner_up_factor, runner_up_min_seats, ties, tie_order, other_valid, invalid, participants,
        registered,
    )
    if plain is not None:
        need = min_votes_to_pass(r.threshold, r.base_total, inclusive=r.at_threshold == "pass")
        passed_idx = list(range(len(v))) if need <= 0 else [i for i, x in enumerate(v) if x >= need]
        if r.seats > 0 and passed_idx and len(passed_idx) >= r.min_parties:
            # Nobody to admit by the min-parties rule: share out among the passing parties.
            floors, tied_l, n_tied, quota, divisor = _share_out(
                [v[i] for i in passed_idx], None, 1, r.seats, r.method
            )
            seats_l = [0] * len(v)
            for i, f in zip(passed_idx, floors):
                seats_l[i] = f
            tied_idx = [i for i, t in zip(passed_idx, tied_l) if t]
            return _finish(r, seats_l, passed_idx, passed_idx, [], tied_idx, n_tied, quota, divisor)
        v = np.array(v, dtype=np.int64)  # runner-up rule, no seats or nobody passing: numpy path
        r = r._replace(votes=v)
    passed = passes_threshold(v, r.threshold, r.base_total, inclusive=r.at_threshold == "pass")
    rank = r.tie_rank if r.ties == "order" else None
    raw = _allocate_exact(
        v, r.seats, r.method, passed, r.min_parties, r.runner_up_factor, rank, r.runner_up_min_seats
    )
    if raw["runner_up_tie"] is not None:
        idx, left = raw["runner_up_tie"]
        tied_p = tuple(r.parties[i] for i in idx)
        raise AllocationTieError(
            f"parties {list(tied_p)} have equal votes and tie for {left} place(s) admitted by the "
            "min_parties rule; pass tie_order= and ties='order'.",
            tied=tied_p, n_tied_seats=0, seats={},
        )
    if r.seats > 0 and not raw["admitted"].any():
        share = max(Fraction(int(x), r.base_total) for x in v) if r.base_total else Fraction(0)
        raise ValueError(
            f"no party reaches the threshold of {float(r.threshold):.4g} of the {r.base} base "
            f"({r.base_total:,}); the largest share is {float(share):.4g}. Lower `threshold` or "
            "set `min_parties`."
        )
    return _finish(
        r, raw["seats"], np.flatnonzero(passed), np.flatnonzero(raw["admitted"]),
        np.flatnonzero(raw["runner_up"]), np.flatnonzero(raw["tied"]), raw["n_tied"], raw["quota"], raw["divisor"],
    )


def _finish(
    r: Resolved,
    seats: Sequence[int],
    passed: Sequence[int],
    admitted: Sequence[int],
    runner_up: Sequence[int],
    tied: Sequence[int],
    n_tied: int,
    quota: Fraction | None,
    divisor: Fraction | None,
) -> AllocationResult:
    """Apply the tie rule of ``r`` to the certain ``seats`` and build the result (indices of
    the passed, admitted, runner-up and tied parties). Lists from the plain path, arrays
    from the numpy path: the result converts on first use only."""
    tie_broken = False
    if n_tied > 0:
        if r.ties == "raise":
            tied_p = [r.parties[i] for i in tied]
            certain = dict(zip(r.parties, np.asarray(seats).tolist()))
            raise AllocationTieError(
                f"parties {tied_p} are exactly tied for the last {n_tied} seat(s) "
                f"(method {r.method!r}); seats certain so far: {certain}. Pass tie_order= "
                "with ties='order' to apply a legal tie rule, or ties='report'.",
                tied=tuple(tied_p), n_tied_seats=n_tied, seats=certain,
            )
        if r.ties == "order":
            seats = _break_ties(np.array(seats, dtype=np.int64), _mask(tied, len(seats)), n_tied, r.tie_rank).tolist()
            tie_broken = True
    # One instance dict instead of the frozen dataclass __init__ (one object.__setattr__ per
    # field, about 1.5 us): same fields (tests/test_allocation.py checks they match).
    res = object.__new__(AllocationResult)
    object.__setattr__(res, "__dict__", {
        "parties": r.parties,
        "vote_counts": r.votes,
        "seat_counts": seats,
        "passed_index": passed,
        "admitted_index": admitted,
        "runner_up_index": runner_up,
        "tied_index": tied,
        "n_seats": r.seats,
        "n_tied_seats": 0 if tie_broken else n_tied,
        "tie_broken": tie_broken,
        "method_name": r.method,
        "threshold": r.threshold,
        "threshold_base": r.base,
        "base_total": r.base_total,
        "at_threshold": r.at_threshold,
        "runner_up_factor": r.runner_up_factor,
        "quota": quota,
        "divisor": divisor,
        "rules": r.rules_name,
    })
    return res


def _mask(index: Sequence[int], n: int) -> np.ndarray:
    """Boolean mask of length ``n``, True at ``index``."""
    out = np.zeros(n, dtype=bool)
    out[np.asarray(index, dtype=np.intp)] = True
    return out


# ---------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------


_NOT_A_TEST = (
    "A seat allocation reproduces a legal rule on the given votes; it is not a statistical "
    "test, and its seats are only as good as the votes and the reading of the law."
)


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True)
class AllocationResult(TableResult):
    """Seats of one allocation, who passed the threshold and why, quotas and remainders.

    A table result (the seats table, one row per party), not a statistical test: it has
    no p-value and does not unpack. Read ``seats`` (a Series by party), ``passed``
    (parties at or above the threshold), ``table`` (one row per party, built on first
    use), the exact ``quota`` (largest remainder) or ``divisor`` (divisor methods: the
    smallest winning quotient), ``tied`` / ``n_tied_seats`` (ties left unresolved with
    ``ties='report'``).
    """

    parties: tuple
    vote_counts: Sequence[int]
    seat_counts: Sequence[int]
    passed_index: Sequence[int]
    admitted_index: Sequence[int]
    runner_up_index: Sequence[int]
    tied_index: Sequence[int]
    n_seats: int
    n_tied_seats: int
    tie_broken: bool
    method_name: str
    threshold: Fraction
    threshold_base: str
    base_total: int
    at_threshold: str
    runner_up_factor: Fraction
    quota: Fraction | None
    divisor: Fraction | None
    rules: str | None

    method: ClassVar[str] = "Seat allocation"
    citations: ClassVar[tuple[str, ...]] = ("balinski2001", "pukelsheim2017")
    caveat: ClassVar[str] = _NOT_A_TEST

    def __post_init__(self) -> None:
        # Built directly (not through allocate): the table is the lazy one below, not the
        # empty default of TableResult.table.
        if "table" in self.__dict__ and self.__dict__["table"].empty:
            del self.__dict__["table"]

    # -- arrays, built on first use (an allocation is often read only through `seats`) --
    @functools.cached_property
    def votes(self) -> np.ndarray:
        """Votes per party (int64)."""
        return np.asarray(self.vote_counts, dtype=np.int64)

    @functools.cached_property
    def seats_array(self) -> np.ndarray:
        """Seats per party (int64; certain seats when a tie is reported)."""
        return np.asarray(self.seat_counts, dtype=np.int64)

    @functools.cached_property
    def passed_array(self) -> np.ndarray:
        """True for the parties that reached the threshold."""
        return _mask(self.passed_index, len(self.parties))

    @functools.cached_property
    def admitted_array(self) -> np.ndarray:
        """True for the parties admitted to the allocation."""
        return _mask(self.admitted_index, len(self.parties))

    @functools.cached_property
    def runner_up_array(self) -> np.ndarray:
        """True for the parties admitted by the min-parties rule only."""
        return _mask(self.runner_up_index, len(self.parties))

    @functools.cached_property
    def tied_array(self) -> np.ndarray:
        """True for the parties tied for the last seat(s) (also when the tie was broken)."""
        return _mask(self.tied_index, len(self.parties))

    # -- convenient views -----------------------------------------------------------
    @functools.cached_property
    def seats(self) -> pd.Series:
        """Seats per party (certain seats when a tie is reported)."""
        return pd.Series(self.seats_array, index=pd.Index(self.parties, name="party"), name="seats")

    @property
    def passed(self) -> list:
        """Parties that reached the threshold."""
        return [self.parties[i] for i in self.passed_index]

    @property
    def admitted(self) -> list:
        """Parties admitted to the allocation (passed, or runner-up by the min-parties rule)."""
        return [self.parties[i] for i in self.admitted_index]

    @property
    def tied(self) -> list:
        """Parties tied for the last seat(s) when the tie was reported, not broken."""
        return [] if self.n_tied_seats == 0 else [self.parties[i] for i in self.tied_index]

    @property
    def shares(self) -> pd.Series:
        """Each party's share of the threshold base (floats, for display)."""
        return pd.Series(self.votes / self.base_total, index=pd.Index(self.parties, name="party"), name="share")

    def quotients_exact(self) -> list[Fraction | None]:
        """Exact quotient of every admitted party (votes / quota, or votes / divisor)."""
        price = self.quota if self.quota is not None else self.divisor
        out: list[Fraction | None] = []
        for v, adm, ru in zip(self.votes.tolist(), self.admitted_array, self.runner_up_array):
            if not adm or price is None:
                out.append(None)
            else:
                f = self.runner_up_factor if (ru and self.quota is not None) else 1
                out.append(Fraction(v) * f / price)
        return out

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        """One row per party: votes, share of the base, margin over the threshold in votes
        (negative: votes short of it), status, quotient, remainder, seats."""
        q = self.quotients_exact()
        status = []
        for ok, ru in zip(self.passed_array, self.runner_up_array):
            status.append("passed" if ok else ("admitted as runner-up" if ru else "below threshold"))
        quot = [np.nan if x is None else float(x) for x in q]
        need = min_votes_to_pass(self.threshold, self.base_total, inclusive=self.at_threshold == "pass")
        lr = self.quota is not None
        rem = [np.nan if (x is None or not lr) else float(x - (x.numerator // x.denominator)) for x in q]
        return pd.DataFrame(
            {
                "votes": self.votes,
                "share": self.votes / self.base_total,
                "margin_votes": self.votes - need,
                "status": status,
                "quotient": quot,
                "remainder": rem,
                "seats": self.seats_array,
                "tied": self.tied_array & (self.n_tied_seats > 0),
            },
            index=pd.Index(self.parties, name="party"),
        )

    # -- tidy output ---------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy table (one row per party) with the rules in columns."""
        df = self.table.reset_index()
        df.insert(0, "method", self.method_name)
        df["threshold"] = float(self.threshold)
        df["threshold_base"] = self.threshold_base
        return df

    def _summary_items(self) -> list[tuple[str, Any]]:
        items: list[tuple[str, Any]] = [
            ("Seats", f"{self.n_seats:,}"),
            ("Method", self.method_name + (f" (rules {self.rules})" if self.rules else "")),
            ("Threshold", f"{float(self.threshold) * 100:g} % of {self.threshold_base} ({self.base_total:,}); "
                          f"a party exactly at it {'passes' if self.at_threshold == 'pass' else 'fails'}"),
        ]
        if self.quota is not None:
            items.append(("Quota", f"{float(self.quota):,.4f} (exactly {self.quota})"))
        if self.divisor is not None:
            items.append(("Smallest winning quotient", f"{float(self.divisor):,.4f} (exactly {self.divisor})"))
        if self.n_tied_seats:
            items.append(("Tie", f"{self.tied} are exactly tied for {self.n_tied_seats} seat(s), left out of the seats"))
        if self.tie_broken:
            items.append(("Tie", "broken by the given tie order"))
        return items

    def summary(self) -> Summary:
        """Summary (text and HTML): the rules, the quota and the per-party table."""
        tab = self.table.copy()
        tab["share"] = tab["share"] * 100
        tab = tab.rename(columns={"share": "share %", "margin_votes": "margin in votes"})
        s = Summary(self.method, items=self._summary_items())
        s.add_table(tab, formats={"votes": "count", "margin in votes": "count", "seats": "count"})
        s.add_note(f"Note: {self.caveat}")
        s.add_note(f"Cite: {', '.join(self.citations)} (result.cite() gives BibTeX)")
        return s

    def __repr__(self) -> str:
        seats = ", ".join(f"{p!r}: {s}" for p, s in zip(self.parties, self.seats_array.tolist()))
        return f"AllocationResult(method={self.method_name!r}, seats={{{seats}}})"

    def cite(self, format: str = "bibtex") -> str:
        """BibTeX of the allocation methods (and of electionstats)."""
        keys = self.citations + (("kz_election_law",) if (self.rules or "").startswith("kazakhstan") else ())
        return _cite(keys, format=format)

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Each party's share of the threshold base against the threshold (see :func:`~electionstats.plotting.plot_distance_to_threshold`)."""
        from ._plot_seats import plot_distance_to_threshold

        return plot_distance_to_threshold(self, ax=ax, **kwargs)


# ---------------------------------------------------------------------------------------
# Batch allocation (many vote vectors at once) for sweeps and scenario draws
# ---------------------------------------------------------------------------------------


def _lr_batch(
    v: np.ndarray, admitted: np.ndarray, weight: np.ndarray, wden: int, seats: int, method: str
) -> tuple[np.ndarray, np.ndarray]:
    """Largest remainder over rows. Returns (seats (B, n), needs_exact (B,)): rows with a
    tie, an overaward or nothing admitted are flagged for the exact single-row path."""
    va = np.where(admitted, v, 0)
    total = va.sum(axis=1)
    if method == "hare":
        qn, qd = total, np.full_like(total, seats)
    elif method == "hagenbach_bischoff":
        qn, qd = total, np.full_like(total, seats + 1)
    else:
        qn, qd = total // (seats + 1) + 1, np.ones_like(total)
    empty = total == 0
    qn_safe = np.where(empty, 1, qn)
    num = va * weight * qd[:, None]
    den = (qn_safe * wden)[:, None]
    floors = num // den
    rem = np.where(admitted, num % den, -1)
    left = seats - floors.sum(axis=1)
    n = v.shape[1]
    flag = empty | (left < 0) | (left > admitted.sum(axis=1))
    left_c = np.clip(left, 0, n)
    srt = -np.sort(-rem, axis=1)
    rows = np.arange(v.shape[0])
    cut = np.where(left_c > 0, srt[rows, np.maximum(left_c - 1, 0)], np.iinfo(np.int64).max)
    nxt = np.where(left_c < n, srt[rows, np.minimum(left_c, n - 1)], -2)
    flag |= (left_c > 0) & (cut == nxt) & (cut >= 0)
    out = floors + (rem >= cut[:, None]) * (left_c[:, None] > 0)
    return np.where(flag[:, None], 0, out).astype(np.int64), flag


def _divisor_batch(v: np.ndarray, admitted: np.ndarray, seats: int, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Divisor method over rows: a loop over seats, vectorised over rows.

    Every row starts from seats that are certainly won (quotients above an upper bound of
    the last winning quotient), then the rest go one at a time to the largest quotient.
    Rows whose last winning and best losing quotients are equal as floats (a tie, or a gap
    below float resolution) are flagged for the exact path.
    """
    va = np.where(admitted, v, 0)
    b, n = va.shape
    total = va.sum(axis=1)
    flag = total == 0
    safe_total = np.where(flag, 1, total)[:, None]
    if method == "dhondt":
        start = va * seats // safe_total
    else:
        start = np.maximum(va * max(seats - n, 0) // safe_total - 1, 0)
    s = np.where(flag[:, None], 0, start).astype(np.int64)
    scale = _divisor_scale(method)

    def dtab(k: np.ndarray) -> np.ndarray:  # divisors computed as needed (no table of size seats)
        return _divisors(method, k).astype(np.float64) / scale

    vf = va.astype(np.float64)
    todo = np.where(flag, 0, seats - s.sum(axis=1))
    for _ in range(int(todo.max(initial=0))):
        active = np.flatnonzero(todo > 0)
        q = vf[active] / dtab(s[active])
        s[active, np.argmax(q, axis=1)] += 1
        todo[active] -= 1
    last_win = np.where(s > 0, vf / dtab(np.maximum(s - 1, 0)), np.inf).min(axis=1)
    best_lose = (vf / dtab(s)).max(axis=1)
    flag |= (last_win <= best_lose) & (seats > 0)
    return s, flag


def _allocate_batch(
    v: np.ndarray,
    seats: int,
    method: str,
    passed: np.ndarray,
    *,
    min_parties: int = 0,
    factor: Fraction = Fraction(1),
    min_seats: int = 0,
    ties: str = "report",
    tie_rank: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allocate ``seats`` for every row of ``v`` (B, n) given the threshold mask ``passed``.

    Returns ``(seats (B, n), admitted (B, n), tie (B,))``. Tied rows hold the certain seats
    (``ties='report'``) or the seats after ``tie_rank`` (``ties='order'``). Rows where no
    party is admitted get zero seats.
    """
    v = np.asarray(v, dtype=np.int64)
    b, n = v.shape
    admitted = passed.copy()
    runner = np.zeros_like(passed)
    exact_rows = np.zeros(b, dtype=bool)
    if min_parties > 0:
        need = min_parties - passed.sum(axis=1)
        key = np.where(passed | (v == 0), -1, v)
        srt = -np.sort(-key, axis=1)
        rows = np.arange(b)
        need_c = np.clip(need, 0, n)
        cut = np.where(need_c > 0, srt[rows, np.maximum(need_c - 1, 0)], np.iinfo(np.int64).max)
        nxt = np.where(need_c < n, srt[rows, np.minimum(need_c, n - 1)], -2)
        cut = np.where(cut < 0, 0, cut)  # fewer candidates than places: admit all with votes
        runner = (key >= cut[:, None]) & (key > 0) & (need_c[:, None] > 0)
        exact_rows |= (need_c > 0) & (cut == nxt) & (cut > 0)
        if min_seats > 0:
            exact_rows |= runner.any(axis=1)
        admitted = passed | runner
    if method in _LR_METHODS:
        wden = factor.denominator
        weight = np.where(runner, factor.numerator, wden).astype(np.int64)
        out, flag = _lr_batch(v, admitted, weight, wden, seats, method)
    else:
        if runner.any() and factor != 1:
            raise ValueError("`runner_up_factor` is defined for largest-remainder methods only.")
        out, flag = _divisor_batch(v, admitted, seats, method)
    empty = ~admitted.any(axis=1) | (np.where(admitted, v, 0).sum(axis=1) == 0)
    flag &= ~empty
    exact_rows = (exact_rows | flag) & ~empty
    out[empty] = 0
    tie = np.zeros(b, dtype=bool)
    rank = tie_rank if ties == "order" else None
    for i in np.flatnonzero(exact_rows):
        raw = _allocate_exact(v[i], seats, method, passed[i], min_parties, factor, rank, min_seats)
        admitted[i] = raw["admitted"]
        s = raw["seats"]
        tie[i] = raw["runner_up_tie"] is not None
        if raw["n_tied"] > 0:
            if rank is not None:
                s = _break_ties(s, raw["tied"], raw["n_tied"], rank)
            else:
                tie[i] = True
        out[i] = s
    return out, admitted, tie




def allocate_rows(
    v: np.ndarray,
    passed: np.ndarray,
    rules: Rules | Resolved,
    *,
    ties: str = "report",
    tie_rank: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_allocate_batch` with the seats, method and runner-up options of ``rules``.

    The runner-up correction index applies to largest-remainder methods only; under a
    divisor method it is ignored (factor 1).
    """
    factor = rules.runner_up_factor if rules.method in _LR_METHODS else Fraction(1)
    return _allocate_batch(
        v, rules.seats, rules.method, passed, min_parties=rules.min_parties, factor=factor,
        min_seats=rules.runner_up_min_seats, ties=ties, tie_rank=tie_rank,
    )


# ---------------------------------------------------------------------------------------
# Disproportionality
# ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Disproportionality(TableResult):
    """How far seat shares are from vote shares: Gallagher's and Loosemore-Hanby's indices.

    Both are in percentage points of the seats, 0 when seats are exactly proportional.
    ``gallagher`` is the least-squares index ``sqrt(sum (v_i - s_i)**2 / 2)``,
    ``loosemore_hanby`` the share of seats held beyond the parties' vote shares
    ``sum |v_i - s_i| / 2``, with ``v_i`` and ``s_i`` the percentages of the votes and of
    the seats. ``table`` has one row per party.
    """

    table: pd.DataFrame
    gallagher: float
    loosemore_hanby: float

    method: ClassVar[str] = "Disproportionality of seats to votes"
    citations: ClassVar[tuple[str, ...]] = ("gallagher1991", "loosemore1971")
    caveat: ClassVar[str] = "Both indices describe the seats given these votes; 0 is exact proportionality."
    formats: ClassVar[dict[str, str]] = {"votes_percent": "number", "seats_percent": "number", "difference": "number"}

    def to_frame(self) -> pd.DataFrame:
        """One row: both indices, in percentage points (the per-party table is ``table``)."""
        return pd.DataFrame([{"method": self.method, "gallagher": self.gallagher,
                              "loosemore_hanby": self.loosemore_hanby}])

    def _summary_items(self) -> list[tuple[str, Any]]:
        return [("Gallagher (least squares) index, percentage points", f"{self.gallagher:.2f}"),
                ("Loosemore-Hanby index, percentage points", f"{self.loosemore_hanby:.2f}")]


def disproportionality(votes: Any, seats: Any = None, *, parties: Sequence[Hashable] | None = None) -> Disproportionality:
    """Gallagher's least-squares and Loosemore-Hanby's indices of seats against votes.

    Parameters
    ----------
    votes : mapping, Series, array of int, or AllocationResult
        Votes per party (checked as in :func:`allocate`). An :class:`AllocationResult`
        gives its votes and seats.
    seats : mapping, Series or array of int
        Seats per party, in the same order (or keys) as ``votes``.
    parties : sequence, optional
        Labels when ``votes`` and ``seats`` are arrays.

    Returns
    -------
    Disproportionality
        ``gallagher`` and ``loosemore_hanby`` in percentage points; ``table`` per party
        (vote and seat percentages and their difference).

    Notes
    -----
    With ``v_i`` and ``s_i`` each party's percentage of the votes given (for parties only:
    include "against all" or the parties below the threshold as entries with 0 seats) and
    of the seats: Loosemore-Hanby ``D = sum |v_i - s_i| / 2``, Gallagher
    ``LSq = sqrt(sum (v_i - s_i)**2 / 2)``. Both are 0 for exact proportionality.

    References
    ----------
    .. [1] Gallagher, M. (1991). Proportionality, disproportionality and electoral
       systems. Electoral Studies 10(1), 33-51. :doi:`10.1016/0261-3794(91)90004-C`
    .. [2] Loosemore, J. and Hanby, V. J. (1971). Bias and responsiveness in electoral
       systems. British Journal of Political Science 1(4), 467-477.
       :doi:`10.1017/S000712340000925X`

    Examples
    --------
    Votes 60 / 30 / 10 % and seats 7 / 3 / 0 of 10: differences 10, 0 and 10 points.

    >>> d = disproportionality([600, 300, 100], [7, 3, 0])
    >>> round(d.loosemore_hanby, 6), round(d.gallagher, 6)
    (10.0, 10.0)
    """
    if isinstance(votes, AllocationResult):
        if seats is not None:
            raise TypeError("give either an AllocationResult or `votes` and `seats`, not both.")
        labels, v = votes.parties, votes.votes
        s = votes.seats_array
    else:
        if seats is None:
            raise TypeError("`seats` is required (or pass an AllocationResult).")
        labels, v = as_votes(votes, parties)
        if isinstance(seats, Mapping) or isinstance(seats, pd.Series):
            keys = list(seats.keys()) if isinstance(seats, Mapping) else list(seats.index)
            if set(keys) != set(labels) or len(keys) != len(labels):
                raise ValueError(f"`seats` must have the same parties as `votes` (got {keys} for {list(labels)}).")
            seats = [seats[p] for p in labels]
            _, s = as_votes(seats, labels, "seats")
        else:
            _, s = as_votes(seats, labels, "seats")
        if s.size != v.size:
            raise ValueError(f"`seats` has {s.size} entries for {v.size} parties.")
    total_v, total_s = int(v.sum()), int(s.sum())
    if total_v == 0 or total_s == 0:
        raise ValueError("`votes` and `seats` must not be all zero.")
    vp = v / total_v * 100
    sp = s / total_s * 100
    diff = sp - vp
    table = pd.DataFrame({"votes_percent": vp, "seats_percent": sp, "difference": diff},
                         index=pd.Index(labels, name="party"))
    return Disproportionality(
        gallagher=float(np.sqrt(np.sum(diff**2) / 2)), loosemore_hanby=float(np.abs(diff).sum() / 2), table=table
    )
