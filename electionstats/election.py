"""The validated station table every analysis starts from: :class:`Election`."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._results import Summary, format_number
from ._validation import EXACT_LIMIT, coerce_counts, consistency_report, show_ids
from ._warnings import DataQualityWarning
from .errors import ElectionDataError

__all__ = [
    "BASE_PREFERENCE",
    "COUNT_ROLES",
    "DEFAULT_KEYS",
    "Election",
    "ElectionDataError",
    "TURNOUT_PREFERENCE",
]
#: Count roles in canonical order. ``ballots_issued``: ballots handed to voters (turnout
#: as election commissions usually define it); ``ballots_found``: ballots taken from the
#: boxes; ``valid`` / ``invalid``: ballots counted as valid / invalid.
COUNT_ROLES = ("registered", "ballots_issued", "ballots_found", "valid", "invalid")

#: Turnout numerator of :meth:`Election.turnout` when neither the call nor the dataset
#: names one: ballots issued (the commissions' usual definition), then ballots found, ...
TURNOUT_PREFERENCE = ("ballots_issued", "ballots_found", "valid+invalid", "valid")
#: Base of :meth:`Election.share` when neither the call nor the dataset names one.
BASE_PREFERENCE = ("valid", "valid+invalid", "ballots_found", "ballots_issued")
#: What a dataset can declare a default for (``Election.defaults``).
DEFAULT_KEYS = ("turnout", "base", "party")

_MISSING_POLICIES = ("raise", "exclude", "zero")
_CONSISTENCY_POLICIES = ("warn", "raise", "report")


def _as_list(value: Any, name: str = "columns", *, ordered: bool = False) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, np.integer)):
        return [value]
    if ordered and isinstance(value, (set, frozenset)):
        raise TypeError(
            f"`{name}` is a set, which has no order (it changes between runs); pass a list "
            f"in the order wanted, e.g. {name}={sorted(map(str, value))}."
        )
    return list(value)


def _as_mapping(value: Any, name: str) -> dict[Any, str]:
    """Column spec -> {source column label: name in the table (text, stripped)}."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        items = list(value.items())
    else:
        items = [(c, c) for c in _as_list(value, name, ordered=True)]
    out: dict[Any, str] = {}
    for source, new in items:
        if not isinstance(new, (str, int, np.integer)) or isinstance(new, bool):
            raise TypeError(f"`{name}`: the name {new!r} for column {source!r} must be text.")
        text = str(new).strip()
        if not text:
            raise ElectionDataError(f"`{name}`: column {source!r} would get an empty name.")
        out[source] = text
    return out


def _has_column(df: pd.DataFrame, label: Any) -> bool:
    try:
        return label in df.columns
    except TypeError:  # an unhashable label such as a list
        return False


def _column_count(df: pd.DataFrame, label: Any) -> int:
    return int((df.columns == label).sum()) if _has_column(df, label) else 0


#: Names the table itself uses besides the roles (``totals()``, ``by_region``).
_RESERVED = ("n_stations",)


class Election:
    """A validated, immutable table of polling stations with explicit column roles.

    Build it with :meth:`from_frame` or a dataset loader (:func:`electionstats.datasets.load`).
    Validation happens once, here; analyses trust the table.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per station, indexed by ``station_id``. Columns: the region levels, the
        count roles present (``registered``, ``ballots_issued``, ``ballots_found``,
        ``valid``, ``invalid``; int64), one int64 column per party, then extra columns.
    parties : tuple of str
        Party (or candidate) columns, in ballot order.
    regions : tuple of str
        Region level columns, from the largest unit down.
    roles : tuple of str
        Count roles present.
    excluded : pandas.DataFrame
        Rows of the source left out of the table, with the reason (e.g. every count
        missing). Nothing is dropped without a row here.
    name, source : str
        Short name and provenance of the data.
    leader : str or None
        The party analyses default to (the official winner for bundled datasets).
    defaults : dict
        What the dataset declares about itself: ``'turnout'`` (the turnout numerator,
        e.g. ``'ballots_found'`` for Poland, whose urns include postal votes), ``'base'``
        (the base of vote shares) and ``'party'``. :meth:`resolve_turnout`,
        :meth:`resolve_base` and :meth:`resolve_party` use them when a call names none.

    Examples
    --------
    >>> import pandas as pd
    >>> import electionstats as es
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "reg": [100, 200, 150],
    ...                    "ballots": [60, 150, 90], "A": [40, 100, 30], "B": [18, 45, 55]})
    >>> e = es.Election.from_frame(df, station_id="id", registered="reg",
    ...                            ballots_found="ballots", valid=["A", "B"], parties=["A", "B"])
    >>> e.turnout().round(3).tolist()  # the only ballots column: ballots found
    [0.6, 0.75, 0.6]
    >>> float(round(e.totals()["A"] / e.totals()["valid"], 4))
    0.5903
    """

    __slots__ = ("_data", "_excluded", "_frozen", "_report", "leader", "labels", "name",
                 "parties", "regions", "roles", "source", "extra", "defaults")

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        parties: Sequence[str],
        regions: Sequence[str] = (),
        extra: Sequence[str] = (),
        excluded: pd.DataFrame | None = None,
        report: pd.DataFrame | None = None,
        name: str = "election",
        source: str = "",
        leader: str | None = None,
        labels: Mapping[str, str] | None = None,
        defaults: Mapping[str, str] | None = None,
    ) -> None:
        # Internal constructor: ``data`` must already be canonical and validated.
        object.__setattr__(self, "_frozen", False)
        self._data = data
        self.parties = tuple(parties)
        self.regions = tuple(regions)
        self.extra = tuple(extra)
        self.roles = tuple(r for r in COUNT_ROLES if r in data.columns)
        self._excluded = (
            excluded
            if excluded is not None
            else pd.DataFrame({"station_id": pd.Series(dtype=object), "reason": pd.Series(dtype=str)})
        )
        self._report = report if report is not None else consistency_report(data, (), policy="report")
        self.name = name
        self.source = source
        self.leader = leader
        self.labels = dict(labels or {})
        self.defaults = dict(defaults or {})
        self._frozen = True

    def __getstate__(self) -> dict[str, Any]:
        # Pickling (process pools, Dask workers) keeps the validated table as it is.
        return {k: object.__getattribute__(self, k) for k in self.__slots__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(
                "Election objects are immutable; build a new one with Election.from_frame "
                "or derive one with subset()."
            )
        object.__setattr__(self, key, value)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        station_id: str | Sequence[str] | None = None,
        registered: str | Sequence[str] | None = None,
        ballots_issued: str | Sequence[str] | None = None,
        ballots_found: str | Sequence[str] | None = None,
        valid: str | Sequence[str] | None = None,
        invalid: str | Sequence[str] | None = None,
        parties: Sequence[str] | Mapping[str, str] = (),
        region: str | Sequence[str] | Mapping[str, str] | None = None,
        extra: str | Sequence[str] | Mapping[str, str] | None = None,
        missing: str = "raise",
        consistency: str = "warn",
        name: str = "election",
        source: str = "",
        leader: str | None = None,
        labels: Mapping[str, str] | None = None,
        defaults: Mapping[str, str] | None = None,
    ) -> Election:
        """Build a validated station table from a DataFrame.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per polling station, in the source's own column names.
        station_id : str or list of str, optional
            Column(s) identifying a station; several columns are joined with ``" | "``.
            Without it, stations are numbered from 1 in file order.
        registered, ballots_issued, ballots_found, valid, invalid : str or list of str, optional
            The source column for each count role, or a list of columns to add up (e.g.
            Russia's three "ballots issued" columns). Roles the source lacks stay None.
        parties : list of str or dict
            Party or candidate columns; a dict renames them ``{source: name}``.
        region : str, list or dict, optional
            Region level columns, largest first; a dict renames them.
        extra : str, list or dict, optional
            Other columns carried along unchanged (e.g. station type).
        missing : {'raise', 'exclude', 'zero'}
            What to do with stations that have a missing count. ``'exclude'`` leaves them
            out and lists them in :attr:`excluded` with the reason. ``'zero'`` keeps them
            with the missing count set to 0, warns, and lists every filled cell in
            :meth:`validation_report` (rule ``missing_set_to_zero``); use it only where a
            blank means "no votes" (e.g. a party not on the ballot at that station).
        consistency : {'warn', 'raise', 'report'}
            Policy for the consistency rules that real data can legitimately break
            (ballots above registered, party votes above valid, valid + invalid above
            ballots found): warn (default), raise, or only record them in
            :meth:`validation_report`.
        name, source : str
            Short name and provenance.
        leader : str, optional
            Default party for analyses; by default the party with the most votes.
        labels : dict, optional
            Long names of the parties (e.g. the names printed on the ballot).
        defaults : dict, optional
            Declared defaults ``{'turnout': ..., 'base': ..., 'party': ...}``, e.g.
            ``{'turnout': 'ballots_found'}`` where the boxes hold postal votes that were
            never "issued" at the station. Each must name roles (a sum such as
            ``'valid+invalid'`` is allowed) or, for ``'party'``, a party.

        Returns
        -------
        Election

        Raises
        ------
        ElectionDataError
            Missing column, text that is not a number, non-integer, negative or infinite
            count, missing value (with ``missing='raise'``), duplicate station id, or a
            consistency rule with ``consistency='raise'``. The message names the column,
            its role and the first offending station ids.
        """
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"`df` must be a pandas DataFrame (got {type(df).__name__}).")
        if missing not in _MISSING_POLICIES:
            raise ValueError(f"`missing` must be one of {_MISSING_POLICIES} (got {missing!r}).")
        if consistency not in _CONSISTENCY_POLICIES:
            raise ValueError(
                f"`consistency` must be one of {_CONSISTENCY_POLICIES} (got {consistency!r})."
            )
        role_specs = {
            "registered": _as_list(registered),
            "ballots_issued": _as_list(ballots_issued),
            "ballots_found": _as_list(ballots_found),
            "valid": _as_list(valid),
            "invalid": _as_list(invalid),
        }
        for role, cols in role_specs.items():
            repeated = [c for c in dict.fromkeys(cols) if cols.count(c) > 1]
            if repeated:
                raise ElectionDataError(
                    f"`{role}` lists column(s) {repeated} more than once: the columns of a role "
                    "are added up, so each station's count would be counted twice. Name each "
                    "column once."
                )
        party_map = _as_mapping(parties, "parties")
        region_map = _as_mapping(region, "region")
        extra_map = _as_mapping(extra, "extra")
        id_cols = _as_list(station_id, "station_id")
        if len(df) == 0:
            raise ElectionDataError(
                "the data have no rows: an election needs at least one polling station."
            )

        # -- every named column must exist
        wanted: list[tuple[str, str]] = [(c, "station_id") for c in id_cols]
        for role, cols in role_specs.items():
            wanted += [(c, role) for c in cols]
        wanted += [(c, "party") for c in party_map]
        wanted += [(c, "region") for c in region_map]
        wanted += [(c, "extra") for c in extra_map]
        absent = [(c, r) for c, r in wanted if not _has_column(df, c)]
        if absent:
            listing = ", ".join(f"{c!r} (role `{r}`)" for c, r in absent)
            available = ", ".join(repr(c) for c in list(df.columns)[:30])
            raise ElectionDataError(
                f"column(s) {listing} not found in the data. Available columns: {available}"
                + (" ..." if df.shape[1] > 30 else "")
            )
        repeated = sorted({str(c) for c, _ in wanted if _column_count(df, c) > 1})
        if repeated:
            raise ElectionDataError(
                f"source column name(s) {repeated} appear more than once in the data; rename "
                "the duplicates (e.g. df.columns = [...]) so that each column has one name."
            )
        if not party_map and not any(role_specs.values()):
            raise ElectionDataError("no count columns given: name at least one role or party.")
        names = list(party_map.values())
        clash = sorted(
            {n for n in names if names.count(n) > 1 or n in COUNT_ROLES or n in _RESERVED}
        )
        if clash:
            raise ElectionDataError(
                f"party name(s) {clash} repeat (names are stripped of surrounding spaces) or "
                f"collide with a role name or a totals field "
                f"({list(COUNT_ROLES) + list(_RESERVED)}); rename them with a dict, e.g. "
                "parties={'source column': 'Party name'}."
            )
        count_names = set(names) | {r for r, cols in role_specs.items() if cols}
        expression_like = sorted(
            n for n in names
            if "+" in n and all(p.strip() in count_names - {n} for p in n.split("+"))
        )
        if expression_like:
            raise ElectionDataError(
                f"party name(s) {expression_like} read like a sum of other count columns, so "
                "'valid+invalid' would be ambiguous; rename them with a dict, e.g. "
                "parties={'source column': 'Party name'}."
            )
        for spec_name, mapping in (("region", region_map), ("extra", extra_map)):
            taken = sorted(n for n in mapping.values() if n in COUNT_ROLES or n in _RESERVED)
            if taken:
                raise ElectionDataError(
                    f"`{spec_name}` column name(s) {taken} are count roles or totals fields of "
                    "the table; rename them with a dict, e.g. "
                    f"{spec_name}={{'{taken[0]}': '{taken[0]} name'}}."
                )
        outputs = (
            [(r, "role") for r, cols in role_specs.items() if cols]
            + [(n, "party") for n in names]
            + [(n, "region") for n in region_map.values()]
            + [(n, "extra") for n in extra_map.values()]
        )
        out_names = [n for n, _ in outputs]
        twice = sorted({n for n in out_names if out_names.count(n) > 1})
        if twice:
            uses = "; ".join(
                f"{n!r} as " + " and ".join(k for m, k in outputs if m == n) for n in twice
            )
            raise ElectionDataError(
                f"name(s) {twice} used twice in the table ({uses}); rename the region or "
                "extra columns with a dict, e.g. region={'source column': 'new name'}."
            )

        # -- station ids
        if id_cols:
            if len(id_cols) == 1:
                ids = df[id_cols[0]]
                if ids.isna().any():
                    raise ElectionDataError(
                        f"station id column {id_cols[0]!r} is missing at rows "
                        f"{show_ids(np.flatnonzero(ids.isna().to_numpy()))} (0-based positions)."
                    )
                ids = ids.astype(str) if ids.dtype == object else ids
            else:
                for c in id_cols:
                    absent_part = df[c].isna().to_numpy()
                    if absent_part.any():
                        raise ElectionDataError(
                            f"station id column {c!r} (part of the id {id_cols}) is missing at "
                            f"rows {show_ids(np.flatnonzero(absent_part))} (0-based positions); "
                            "fill it or build the id without it."
                        )
                parts = [df[c].astype("string") for c in id_cols]
                ids = parts[0]
                for part in parts[1:]:
                    ids = ids + " | " + part
                ids = ids.astype(object)
            ids_index = pd.Index(ids.to_numpy(), name="station_id")
        else:
            ids_index = pd.RangeIndex(1, len(df) + 1, name="station_id")
        dup = ids_index.duplicated(keep=False)
        if dup.any():
            raise ElectionDataError(
                f"duplicate station ids in {id_cols or 'the row numbers'} at stations "
                f"{show_ids(pd.unique(ids_index[dup]))}; each station must appear once. "
                "Combine several id columns (e.g. station_id=['region', 'station']) or "
                "aggregate the duplicates first."
            )

        # -- counts
        columns: dict[str, np.ndarray] = {}
        missing_mask = np.zeros(len(df), dtype=bool)
        missing_reason = np.full(len(df), "", dtype=object)
        filled: list[pd.DataFrame] = []
        sources: list[tuple[str, list[str]]] = [
            (role, cols) for role, cols in role_specs.items() if cols
        ] + [(new, [old]) for old, new in party_map.items()]
        for target, cols in sources:
            role = target if target in COUNT_ROLES else "party"
            total = np.zeros(len(df), dtype=np.int64)
            miss = np.zeros(len(df), dtype=bool)
            for col in cols:
                arr, m = coerce_counts(df[col], column=col, role=role, station_ids=ids_index)
                total += arr  # each part <= 2**53, so the int64 sum cannot wrap
                miss |= m
            if len(cols) > 1:
                huge = total > EXACT_LIMIT
                if huge.any():
                    raise ElectionDataError(
                        f"columns {cols} (role `{role}`) add up to more than 2**53 at stations "
                        f"{show_ids(ids_index[huge])}; floating point cannot hold "
                        "them exactly. Check the columns (ids or codes?)."
                    )
            if miss.any():
                if missing == "raise":
                    raise ElectionDataError(
                        f"column(s) {cols} (role `{role}`) have missing values at stations "
                        f"{show_ids(ids_index[miss])}. Pass missing='exclude' to leave those "
                        "stations out (they are listed in Election.excluded), or fill them."
                    )
                if missing == "zero":
                    filled.append(
                        pd.DataFrame(
                            {
                                "rule": "missing_set_to_zero",
                                "station_id": ids_index[miss],
                                "comparison": f"{target} missing -> 0",
                                "left": 0,
                                "right": 0,
                            }
                        )
                    )
                else:
                    new = miss & ~missing_mask
                    missing_reason[new] = f"missing value in {target}"
                    missing_mask |= miss
            columns[target] = total

        keep = ~missing_mask
        if not keep.any():
            raise ElectionDataError(
                f"every one of the {len(df):,} stations has a missing count and "
                "missing='exclude' leaves none; check the column choices."
            )
        # All columns at once: inserting them one by one made pandas warn (PerformanceWarning)
        # from about 100 parties on.
        cols: dict[Any, np.ndarray] = {}
        for src, new in region_map.items():
            column = df[src]
            if column.dtype == object:
                nested = column.map(lambda v: isinstance(v, (list, tuple, set, dict, np.ndarray)))
                if nested.any():
                    raise ElectionDataError(
                        f"region column {src!r} holds lists or other containers (e.g. "
                        f"{column[nested].iloc[0]!r}) at stations "
                        f"{show_ids(ids_index[nested.to_numpy()])}; a region is one name."
                    )
            cols[new] = column.to_numpy()[keep]
        for target, values in columns.items():
            cols[target] = values[keep]
        for src, new in extra_map.items():
            cols[new] = df[src].to_numpy()[keep]
        table = pd.DataFrame(cols, index=ids_index[keep])
        ordered = (
            list(region_map.values())
            + [r for r in COUNT_ROLES if r in table]
            + list(party_map.values())
            + list(extra_map.values())
        )
        table = table[ordered]
        excluded = pd.DataFrame(
            {"station_id": ids_index[missing_mask], "reason": missing_reason[missing_mask]}
        )
        report = consistency_report(table, list(party_map.values()), policy=consistency)
        if filled:
            cells = pd.concat(filled, ignore_index=True)
            warnings.warn(
                f"{len(cells):,} missing counts were set to 0 (missing='zero') at stations "
                f"{show_ids(pd.unique(cells['station_id']))}; see Election.validation_report().",
                DataQualityWarning,
                stacklevel=2,
            )
            report = pd.concat([report, cells], ignore_index=True)
        if leader is not None and leader not in party_map.values():
            raise ElectionDataError(
                f"`leader`={leader!r} is not a party of this election; parties are "
                f"{list(party_map.values())}."
            )
        out = cls(
            table,
            parties=list(party_map.values()),
            regions=list(region_map.values()),
            extra=list(extra_map.values()),
            excluded=excluded,
            report=report,
            name=name,
            source=source,
            leader=leader,
            labels=labels,
        )
        out._check_defaults(defaults)
        return out

    def _check_defaults(self, defaults: Mapping[str, str] | None) -> None:
        if not defaults:
            return
        if not isinstance(defaults, Mapping):
            raise TypeError(f"`defaults` must be a dict (got {type(defaults).__name__}).")
        unknown = sorted(set(defaults) - set(DEFAULT_KEYS))
        if unknown:
            raise ValueError(
                f"`defaults` has unknown key(s) {unknown}; allowed: {list(DEFAULT_KEYS)}."
            )
        checked = {}
        for key, value in defaults.items():
            if key == "party":
                checked[key] = self.resolve_party(value)
            else:
                checked[key] = self._role_expression(value, f"defaults[{key!r}]")
        object.__setattr__(self, "defaults", checked)

    # ------------------------------------------------------------------ access
    @property
    def data(self) -> pd.DataFrame:
        """The station table (a copy-on-write view; changing it never changes the Election)."""
        return self._data.copy(deep=False)

    @property
    def excluded(self) -> pd.DataFrame:
        """Source rows left out of the table, with the reason."""
        return self._excluded.copy()

    @property
    def n_stations(self) -> int:
        """Number of stations in the table."""
        return len(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def default_party(self) -> str:
        """The party analyses use when none is named (see :meth:`resolve_party`)."""
        return self.resolve_party(None)

    def validation_report(self) -> pd.DataFrame:
        """Rows that break a consistency rule (kept in the table), one row per station and rule.

        Columns: ``rule``, ``station_id``, ``comparison`` (what was compared),
        ``left`` and ``right`` (the two values).
        """
        return self._report.copy()

    # ------------------------------------------------------------------ what the table means
    def _parts(self, expr: Any, what: str) -> list[str]:
        """The count columns of ``expr``: a role, a party, or a sum ``'valid+invalid'``."""
        if not isinstance(expr, str):
            raise TypeError(f"`{what}` must be a role or party name (got {expr!r}).")
        name = expr.strip()
        parts = [name] if name in self.parties else [p.strip() for p in name.split("+")]
        for part in parts:
            if part not in self._data.columns or part in self.regions or part in self.extra:
                options = list(self.roles) + list(self.parties)
                raise KeyError(
                    f"`{what}`={expr!r}: {part!r} is not a count column of this election; "
                    f"choose from {options} (sums like 'valid+invalid' are allowed)."
                )
        return parts

    def _role_expression(self, expr: Any, what: str) -> str:
        """Validate an expression made of count roles and return it normalised."""
        parts = self._parts(expr, what)
        not_roles = [p for p in parts if p not in self.roles]
        if not_roles:
            raise KeyError(
                f"`{what}`={expr!r}: {not_roles} are parties, not ballot counts; choose from "
                f"the roles {list(self.roles)} (sums like 'valid+invalid' are allowed)."
            )
        return "+".join(parts)

    def _resolve(self, expr: str, what: str) -> np.ndarray:
        """Counts for a role, a party, or a sum written ``'valid+invalid'``."""
        parts = self._parts(expr, what)
        total = self._data[parts[0]].to_numpy()
        for part in parts[1:]:
            total = total + self._data[part].to_numpy()
        return total

    def _resolve_role(
        self, value: str | None, key: str, prefer: Sequence[str], what: str
    ) -> str:
        if value is not None:
            return self._role_expression(value, what)
        if key in self.defaults:
            return self.defaults[key]
        for candidate in prefer:
            if all(p.strip() in self.roles for p in candidate.split("+")):
                return "+".join(p.strip() for p in candidate.split("+"))
        raise ElectionDataError(
            f"no `{what}` given and this election has none of {list(prefer)} (its roles are "
            f"{list(self.roles)}); pass {what}= naming a role or a sum such as 'valid+invalid'."
        )

    def resolve_turnout(
        self,
        turnout: str | None = None,
        *,
        prefer: Sequence[str] = ("ballots_found", "ballots_issued"),
    ) -> str:
        """The turnout numerator an analysis uses, decided in one place.

        Parameters
        ----------
        turnout : str, optional
            The caller's choice: a role or a sum of roles (``'valid+invalid'``); it is
            validated and returned normalised.
        prefer : sequence of str
            The method's own preference (a constant at the method), used when neither the
            call nor the dataset (``defaults['turnout']``) names one: the first whose
            roles all exist.

        Returns
        -------
        str

        Raises
        ------
        KeyError
            ``turnout`` names a column that is not a ballot role, or counts the registered
            voters (the denominator of turnout: ``registered / registered`` is 1 everywhere).
        ElectionDataError
            Nothing given and none of ``prefer`` exists.

        Examples
        --------
        >>> import pandas as pd
        >>> import electionstats as es
        >>> df = pd.DataFrame({"reg": [100], "issued": [60], "found": [70], "A": [70]})
        >>> e = es.Election.from_frame(df, registered="reg", ballots_issued="issued",
        ...                            ballots_found="found", parties=["A"], consistency="report")
        >>> e.resolve_turnout(), e.resolve_turnout(prefer=("ballots_issued",))
        ('ballots_found', 'ballots_issued')
        >>> e.resolve_turnout(" ballots_issued ")
        'ballots_issued'
        """
        resolved = self._resolve_role(turnout, "turnout", prefer, "turnout")
        self.check_turnout_numerator(resolved, given=turnout)
        return resolved

    def check_turnout_numerator(self, expr: str, *, given: Any = None, name: str = "turnout") -> None:
        """Refuse a turnout numerator that counts the registered voters.

        The registered voters are the denominator of turnout: ``registered / registered``
        is 1 at every station, and a sum with them is above 1. Every method that reads a
        turnout numerator asks here (through :meth:`resolve_turnout` or directly).

        Raises
        ------
        KeyError
            ``expr`` (a role or a sum ``'a+b'``) includes ``'registered'``.
        """
        if "registered" in [p.strip() for p in expr.split("+")]:
            ballots = [r for r in self.roles if r != "registered"]
            raise KeyError(
                f"`{name}`={expr if given is None else given!r}: the registered voters are the "
                "denominator of turnout, not ballots cast (the turnout would be 1 at every "
                f"station); choose the ballots from the roles {ballots} (sums like "
                "'valid+invalid' are allowed)."
            )

    def resolve_base(
        self, base: str | None = None, *, prefer: Sequence[str] = BASE_PREFERENCE
    ) -> str:
        """The base of vote shares an analysis uses (as :meth:`resolve_turnout`).

        The caller's ``base``, else the dataset's ``defaults['base']``, else the first of
        ``prefer`` (default: valid, valid + invalid, ballots found, ballots issued) whose
        roles exist.
        """
        return self._resolve_role(base, "base", prefer, "base")

    def resolve_party(self, party: str | None = None) -> str:
        """The party an analysis uses: the caller's (checked), else the dataset's default,
        else :attr:`leader`, else the party with the most votes.

        Raises
        ------
        KeyError
            ``party`` is not a party of this election.
        """
        if party is not None:
            if not isinstance(party, str) or party not in self.parties:
                raise KeyError(f"party {party!r} not found; parties are {list(self.parties)}.")
            return party
        if "party" in self.defaults:
            return self.defaults["party"]
        if self.leader is not None:
            return self.leader
        if not self.parties:
            raise ValueError("this election has no party columns.")
        return str(self._data[list(self.parties)].sum().idxmax())

    def counts(self, column: str) -> np.ndarray:
        """The int64 counts of a role or party (or a sum such as ``'valid+invalid'``)."""
        return np.asarray(self._resolve(column, "column"))

    def ratio(self, numerator: str, denominator: str) -> pd.Series:
        """``numerator / denominator`` per station; NaN where the denominator is 0."""
        num = self._resolve(numerator, "numerator").astype(float)
        den = self._resolve(denominator, "denominator").astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        return pd.Series(out, index=self._data.index, name=f"{numerator}/{denominator}")

    def turnout(
        self, numerator: str | None = None, denominator: str = "registered"
    ) -> pd.Series:
        """Turnout per station, ``numerator / denominator`` (NaN where the denominator is 0).

        Parameters
        ----------
        numerator : str, optional
            ``'ballots_issued'``, ``'ballots_found'``, ``'valid'``, or a sum such as
            ``'valid+invalid'``. Default: the dataset's declared turnout (Poland: ballots
            found, which include postal votes), else :data:`TURNOUT_PREFERENCE` (ballots
            issued first, the commissions' usual definition).
        denominator : str
            Usually ``'registered'``.

        Notes
        -----
        Values above 1 are kept (stations with voters added on the day); see
        :meth:`validation_report`.
        """
        numerator = self.resolve_turnout(numerator, prefer=TURNOUT_PREFERENCE)
        return self.ratio(numerator, denominator).rename("turnout")

    def share(self, party: str | None = None, base: str | None = None) -> pd.Series:
        """A party's share of ``base`` per station (NaN where the base is 0).

        Parameters
        ----------
        party : str, optional
            Party column; default :meth:`resolve_party`.
        base : str, optional
            ``'valid'``, ``'valid+invalid'``, ``'ballots_found'``, ``'ballots_issued'`` or
            ``'registered'``; default :meth:`resolve_base` (valid votes where known).
        """
        party = self.resolve_party(party)
        base = self.resolve_base(base)
        return self.ratio(party, base).rename(f"share_{party}")

    def totals(self) -> pd.Series:
        """National totals of every count column (int64), plus ``n_stations``."""
        cols = list(self.roles) + list(self.parties)
        out = self._data[cols].sum()
        out["n_stations"] = len(self._data)
        return out.astype(np.int64)

    # ------------------------------------------------------------------ derived tables
    def subset(self, mask: Any, *, reason: str | None = None, name: str | None = None) -> Election:
        """The stations where ``mask`` is True, as a new Election.

        With ``reason``, the other stations are added to :attr:`excluded` with that
        reason (use it for analysis filters that must be reported).
        """
        if isinstance(mask, pd.Series):
            index = self._data.index
            if not mask.index.equals(index):
                same = (
                    len(mask) == len(index)
                    and mask.index.is_unique
                    and bool(index.isin(mask.index).all())
                )
                if not same:
                    raise ValueError(
                        "`mask` is a Series whose index is not the station ids of this "
                        "election; pass a Series indexed by station id (e.g. built from "
                        "e.turnout()) or a boolean array in the order of e.data."
                    )
                mask = mask.reindex(index)
            mask = mask.to_numpy()
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(self._data),):
            raise ValueError(
                f"`mask` must be a boolean array of length {len(self._data)} (got "
                f"dtype {mask.dtype}, shape {mask.shape})."
            )
        excluded = self._excluded
        if reason is not None and (~mask).any():
            excluded = pd.concat(
                [excluded, pd.DataFrame({"station_id": self._data.index[~mask], "reason": reason})],
                ignore_index=True,
            )
        report = self._report[self._report["station_id"].isin(self._data.index[mask])]
        return Election(
            self._data[mask],
            parties=self.parties,
            regions=self.regions,
            extra=self.extra,
            excluded=excluded,
            report=report.reset_index(drop=True),
            name=name or self.name,
            source=self.source,
            leader=self.leader,
            labels=self.labels,
            defaults=self.defaults,
        )

    def _levels(self, level: str) -> list[str]:
        """The region levels a unit at ``level`` is named within (itself last)."""
        if level in self.regions:
            return list(self.regions[: self.regions.index(level) + 1])
        if level in self.extra:
            return [level]
        raise KeyError(
            f"`level`={level!r} is not a region level of this election; levels: "
            f"{list(self.regions)} (extra columns {list(self.extra)} also work)."
        )

    def _unit_keys(self, level: str) -> tuple[np.ndarray, list[str]]:
        """Key of each station's unit at ``level`` and the levels it is built from.

        Units of a lower region level are named within their upper levels (two districts
        called "Central" in different regions are different units): the key joins the
        values with ``" | "``, a missing value written ``"(missing)"``. A top level or an
        extra column keeps its own values (missing stays NaN).
        """
        levels = self._levels(level)
        if len(levels) == 1:
            return self._data[level].to_numpy(), levels
        parts = [
            self._data[c].astype(object).where(self._data[c].notna(), "(missing)").astype(str)
            for c in levels
        ]
        keys = parts[0]
        for part in parts[1:]:
            keys = keys + " | " + part
        return keys.to_numpy(dtype=object), levels

    def group_keys(self, level: str | None) -> tuple[np.ndarray, list[Any]]:
        """Group code of every station at a region level, and the group labels.

        The one grouping every ``by=`` uses. Units of a lower level are keyed within their
        upper levels (``'Region | District'``), so same-named units of different regions
        stay apart; stations with a missing value form a group of their own, so every
        station is in exactly one group. Groups are numbered in order of first appearance.

        Parameters
        ----------
        level : str or None
            A region level or an extra column; None puts every station in one group
            labelled ``'all'``.

        Returns
        -------
        codes : ndarray of int64, shape (n_stations,)
            ``labels[codes[i]]`` is station ``i``'s group.
        labels : list

        Examples
        --------
        >>> import pandas as pd
        >>> import electionstats as es
        >>> df = pd.DataFrame({"r": ["N", "N", "S", "S"], "d": ["Central", "East", "Central", None],
        ...                    "A": [1, 2, 3, 4]})
        >>> e = es.Election.from_frame(df, parties=["A"], region=["r", "d"])
        >>> codes, labels = e.group_keys("d")
        >>> codes.tolist(), labels
        ([0, 1, 2, 3], ['N | Central', 'N | East', 'S | Central', 'S | (missing)'])
        """
        if level is None:
            return np.zeros(len(self._data), dtype=np.int64), ["all"]
        keys, _ = self._unit_keys(level)
        codes, uniques = pd.factorize(keys, use_na_sentinel=False)
        return codes.astype(np.int64), list(uniques)

    def groups(self, level: str | None) -> Iterator[tuple[Any, Election]]:
        """Iterate over ``(unit, Election of its stations)`` for a region level.

        The groups of :meth:`group_keys` (lower levels keyed within upper ones, missing
        values a group of their own), in order of first appearance.
        """
        codes, labels = self.group_keys(level)
        order = np.argsort(codes, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(labels)))])
        # The validation report is split once (not filtered again for every group).
        report = self._report
        pos = self._data.index.get_indexer(report["station_id"])
        report_codes = np.where(pos >= 0, codes[np.maximum(pos, 0)], -1)
        report_order = np.argsort(report_codes, kind="stable")
        report_bounds = np.searchsorted(report_codes[report_order], np.arange(len(labels) + 1))
        for code, value in enumerate(labels):
            rows = order[bounds[code] : bounds[code + 1]]
            rep = report.iloc[report_order[report_bounds[code] : report_bounds[code + 1]]]
            yield value, Election(
                self._data.iloc[rows],
                parties=self.parties,
                regions=self.regions,
                extra=self.extra,
                excluded=self._excluded,
                report=rep.reset_index(drop=True),
                name=f"{self.name} [{level}={value}]",
                source=self.source,
                leader=self.leader,
                labels=self.labels,
                defaults=self.defaults,
            )

    def by_region(self, level: str) -> Election:
        """Aggregate the stations to a region level: an Election whose units are regions.

        The counts are sums over the region's stations; ``n_stations`` is an extra column.
        Units are the groups of :meth:`group_keys` (``'Region | District'`` for a lower
        level).
        """
        if level not in self.regions:
            raise KeyError(
                f"`level`={level!r} is not a region level; levels: {list(self.regions)}."
            )
        levels = self._levels(level)
        codes, uniques = self.group_keys(level)
        cols = list(self.roles) + list(self.parties)
        grouped = self._data.groupby(codes, sort=True)
        table = grouped[cols].sum()
        table["n_stations"] = grouped.size()
        first = self._data[levels].iloc[
            np.unique(codes, return_index=True)[1]
        ].set_axis(table.index)
        table = pd.concat([first, table], axis=1)
        table.index = pd.Index(uniques, name="station_id")
        return Election(
            table,
            parties=self.parties,
            regions=levels,
            extra=["n_stations"],
            excluded=self._excluded,
            report=consistency_report(table, self.parties, policy="report"),
            name=f"{self.name} by {level}",
            source=self.source,
            leader=self.leader,
            labels=self.labels,
            defaults=self.defaults,
        )

    # ------------------------------------------------------------------ display
    def summary_frame(self) -> pd.DataFrame:
        """National totals as a tidy table: quantity, value, and what it is a share of."""
        t = self.totals()
        rows: list[tuple[str, float, str]] = [("stations", t["n_stations"], "")]
        rows += [(r, t[r], "") for r in self.roles]
        if "registered" in self.roles:
            for num in ("ballots_issued", "ballots_found"):
                if num in self.roles:
                    rows.append((f"turnout ({num} / registered)", t[num] / t["registered"], "share"))
        base = "valid" if "valid" in self.roles else None
        for p in self.parties:
            rows.append((p, t[p], ""))
            if base:
                rows.append((f"{p} share of valid", t[p] / t[base], "share"))
        return pd.DataFrame(rows, columns=["quantity", "value", "unit"])

    def summary(self) -> Summary:
        """National totals in plain words (text with ``print``, a table in Jupyter)."""
        rows = []
        for q, v, u in self.summary_frame().itertuples(index=False):
            rows.append((str(q), format_number(v, "share" if u == "share" else "count")))
        s = Summary(f"Election {self.name}", items=rows)
        if self.source:
            s.add_note(f"Source: {self.source}")
        s.add_note(
            f"{len(self._excluded):,} source rows excluded (see .excluded); "
            f"{len(self._report):,} validation-report rows (see .validation_report())."
        )
        return s

    def __repr__(self) -> str:
        return (
            f"<Election {self.name!r}: {len(self._data):,} stations, {len(self.parties)} "
            f"parties, roles {list(self.roles)}, {len(self._excluded):,} rows excluded, "
            f"{len(self._report):,} validation-report rows>"
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()
