"""Real polling-station datasets: a registry of public addresses and checksums, and parsers.

The files are not shipped with the package. :func:`load` finds a file in ``data_home``
(or the folder named by the environment variable ``ELECTIONSTATS_DATA``), laid out as
``<data_home>/<folder>/<file>`` or ``<data_home>/<file>``; otherwise it downloads the file
once with :mod:`pooch` into that folder (or the user cache). Every file is checked against
its sha256 before it is parsed; a mismatch is refused.

Each parser maps the source's own columns (Cyrillic or Polish headers, semicolons, BOM,
zip archives) to the roles of :class:`~electionstats.Election`. Source rows that cannot be
used (e.g. every count empty) are left out and listed in ``Election.excluded``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .election import Election
from .errors import DatasetChecksumError

__all__ = ["DatasetChecksumError", "fetch", "info", "list", "load"]

_list = list  # the public function below shadows the builtin inside this module




def _registry() -> pd.DataFrame:
    text = resources.files("electionstats").joinpath("_data/registry.csv").read_text("utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str).set_index("name")


def list() -> pd.DataFrame:  # noqa: A001 - the issue's name for it
    """The registered datasets: name, title, file, public address and sha256.

    Examples
    --------
    >>> import electionstats as es
    >>> "russia-2011-duma" in es.datasets.list()["name"].tolist()
    True
    """
    reg = _registry().reset_index()
    return reg[["name", "title", "leader", "folder", "file", "url", "sha256", "citation"]]


def info(name: str) -> dict[str, str]:
    """Registry entry of one dataset (raises ``KeyError`` naming the known datasets)."""
    reg = _registry()
    if name not in reg.index:
        raise KeyError(
            f"unknown dataset {name!r}; known datasets: {', '.join(reg.index)}. "
            "See electionstats.datasets.list()."
        )
    return {"name": name, **reg.loc[name].to_dict()}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_home(data_home: str | os.PathLike | None) -> Path | None:
    if data_home is not None:
        return Path(data_home).expanduser()
    env = os.environ.get("ELECTIONSTATS_DATA")
    return Path(env).expanduser() if env else None


def fetch(name: str, *, data_home: str | os.PathLike | None = None) -> Path:
    """Path of a dataset's verified file, downloading it once if needed.

    Parameters
    ----------
    name : str
        Dataset name (see :func:`list`).
    data_home : path, optional
        Folder holding the files (``<data_home>/<folder>/<file>`` or
        ``<data_home>/<file>``); default ``$ELECTIONSTATS_DATA``, else the user cache
        (``pooch.os_cache("electionstats")``).

    Raises
    ------
    KeyError
        Unknown dataset name.
    DatasetChecksumError
        The file's sha256 differs from the registry.
    FileNotFoundError
        The file is not in ``data_home`` and could not be downloaded (offline, or the
        folder is read-only); the message names where it looked.
    """
    entry = info(name)
    home = _data_home(data_home)
    candidates = []
    if home is not None:
        candidates = [home / entry["folder"] / entry["file"], home / entry["file"]]
    for path in candidates:
        if path.is_file():
            digest = _sha256(path)
            if digest != entry["sha256"]:
                raise DatasetChecksumError(
                    f"{path} has sha256 {digest}, but the registry expects {entry['sha256']} "
                    f"for dataset {name!r}. The file is corrupted or a different version: "
                    f"delete it and download it again from {entry['url']}."
                )
            return path
    import pooch

    target = (home / entry["folder"]) if home is not None else Path(pooch.os_cache("electionstats"))
    try:
        return Path(
            pooch.retrieve(
                entry["url"],
                known_hash=f"sha256:{entry['sha256']}",
                fname=entry["file"],
                path=target,
                progressbar=False,
            )
        )
    except ValueError as err:  # pooch reports a hash mismatch as ValueError
        raise DatasetChecksumError(f"download of dataset {name!r} failed its checksum: {err}") from err
    except OSError as err:  # no network (requests errors are OSErrors), read-only folder
        looked = (
            f"is not in {', '.join(str(p) for p in candidates)}"
            if candidates
            else "was not found (no data folder: data_home and ELECTIONSTATS_DATA are unset)"
        )
        raise FileNotFoundError(
            f"dataset {name!r} {looked}, and downloading it from {entry['url']} "
            f"into {target} failed ({type(err).__name__}: {err}). Offline, put the file "
            f"{entry['file']!r} in <data_home>/{entry['folder']}/ and pass data_home= or set "
            "ELECTIONSTATS_DATA."
        ) from err


def load(name: str, *, data_home: str | os.PathLike | None = None) -> Election:
    """Load a registered dataset as a validated :class:`~electionstats.Election`.

    Parameters
    ----------
    name : str
        e.g. ``'russia-2011-duma'``, ``'russia-2024-president'``,
        ``'poland-2020-president-r1'``, ``'albania-2013'``, ``'georgia-2024-parliament'``
        (all names: :func:`list`).
    data_home : path, optional
        See :func:`fetch`.

    Returns
    -------
    Election
        With ``leader`` set to the official winner, ``source`` naming the origin, and
        every source row that was left out listed in ``excluded``. Legitimate quirks of
        the data (e.g. more ballots than registered voters at special stations) are kept,
        reported in ``validation_report()`` and announced by a ``DataQualityWarning``.

    Notes
    -----
    Russia (Shpilkin/Kobak scrape of the CEC site): ``registered``; ``ballots_issued`` =
    early + in-station + outside-station ballots (2020: one column); ``ballots_found`` =
    portable + stationary boxes (2020: one column); ``valid``, ``invalid``; parties and
    candidates renamed to short English names (``e.labels`` keeps the Russian ones).
    Regions ``region``, (``oik``,) ``tik``; station id ``region | (oik |) tik | uik``.
    Extra column ``remote_e_voting`` flags the 33 remote electronic voting
    pseudo-stations of 2021 (Moscow's 5001-5015 with 20,000-170,000 voters each, and the
    18 rows of the "remote electronic voting" commissions); they are kept, and
    ``e.subset(~e.data["remote_e_voting"], reason="remote e-voting")`` leaves them out of
    station-level distribution tests. The other years have no such rows in these files.
    Rows whose counts are all empty (2024: occupied territories with no published data)
    are excluded and listed. Kobak's definitions: turnout =
    ``e.turnout("ballots_issued")``, leader's result = ``e.share(leader, base="valid+invalid")``.

    Poland (PKW): ``registered`` (uprawnionych), ``ballots_issued`` (ballots handed out
    in person), ``ballots_found`` (ballots taken from the urn, incl. postal; PKW's
    turnout numerator), ``invalid`` = invalid ballot papers + invalid votes, ``valid`` =
    valid votes; candidates by surname; regions voivodeship, county, municipality;
    extra ``station_type``, ``area_type``. The 4 stations abroad that did not report are
    excluded and listed. Turnout defaults to ballots found (``e.defaults``), the PKW's
    definition: 21,725 stations have more ballots in the urn than issued in person, and
    88 postal-only stations have none issued.

    Albania (EFToolkit example): ``registered``, ``ballots_found`` (the file's
    ``Ballots``), party codes ``C007`` ... ``C072`` (C035 = Socialist Party, C050 =
    Democratic Party); regions prefecture, commune; station id = row number of the file.
    The two empty party cells (C011, C067, one station each) are set to 0 and reported.

    Georgia (CEC scrape): ``registered``, ``ballots_issued`` (``c_participated``),
    ``valid`` (sum of the parties); parties by English name; region ``district``; extra
    ``division_type`` (electronic/traditional), ``is_abroad``. OCR-derived invalid-ballot
    counts are not used. Precincts without a participation figure are excluded and listed.

    Examples
    --------
    >>> import electionstats as es
    >>> e = es.datasets.load("albania-2013")  # doctest: +SKIP
    >>> e.n_stations  # doctest: +SKIP
    5508
    """
    entry = info(name)
    path = fetch(name, data_home=data_home)
    parser = _PARSERS[entry["parser"]]
    return parser(path, name=name, entry=entry)


# ---------------------------------------------------------------------------- parsers
def _defaults(entry: dict[str, str]) -> dict[str, str]:
    """The registry's ``defaults`` column (``turnout=ballots_found;base=valid``) as a dict."""
    text = entry.get("defaults")
    if not isinstance(text, str) or not text.strip():
        return {}
    pairs = (item.split("=", 1) for item in text.split(";") if item.strip())
    return {key.strip(): value.strip() for key, value in pairs}


def _source(entry: dict[str, str]) -> str:
    return f"{entry['title']}. File {entry['file']} from {entry['url']} (sha256 {entry['sha256'][:12]}...)"


#: Russian party and candidate names -> short English names (first match wins).
_RU_NAMES: tuple[tuple[str, str], ...] = (
    (r"ЕДИНАЯ РОССИЯ", "United Russia"),
    (r"КОММУНИСТЫ РОССИИ", "Communists of Russia"),
    (r"КОММУНИСТИЧЕСКАЯ ПАРТИЯ РОССИЙСКОЙ ФЕДЕРАЦИИ", "KPRF"),
    (r"Коммунистическая партия Российской Федерации", "KPRF"),
    (r"ЛДПР|Либерально-демократическая", "LDPR"),
    (r"СПРАВЕДЛИВАЯ РОССИЯ", "A Just Russia"),
    (r"ЯБЛОКО", "Yabloko"),
    (r"ПАТРИОТЫ РОССИИ", "Patriots of Russia"),
    (r"ПРАВОЕ ДЕЛО", "Right Cause"),
    (r"НОВЫЕ ЛЮДИ", "New People"),
    (r"РОДИНА", "Rodina"),
    (r"ПАРТИЯ РОСТА", "Party of Growth"),
    (r"ЗЕЛЕНАЯ АЛЬТЕРНАТИВА", "Green Alternative"),
    (r"Зеленые|ЗЕЛЁНЫЕ", "Greens"),
    (r"Гражданская Платформа", "Civic Platform"),
    (r"ПАРНАС", "PARNAS"),
    (r"Гражданская Сила", "Civilian Power"),
    (r"пенсионеров за справедливость", "Pensioners for Justice"),
    (r"ПАРТИЯ ПЕНСИОНЕРОВ", "Party of Pensioners"),
    (r"СВОБОДЫ И СПРАВЕДЛИВОСТИ", "Party of Freedom and Justice"),
    (r"Аграрная", "Agrarian Party"),
    (r"Демократическая партия России", "Democratic Party of Russia"),
    (r"СОЮЗ ПРАВЫХ СИЛ", "Union of Right Forces"),
    (r"социальной справедливости", "Party of Social Justice"),
    (r"^Против всех", "Against all"),
    (r"^ДА$", "Yes"),
    (r"^НЕТ$", "No"),
    (r"^Путин", "Putin"),
    (r"^Медведев", "Medvedev"),
    (r"^Зюганов", "Zyuganov"),
    (r"^Жириновский", "Zhirinovsky"),
    (r"^Миронов", "Mironov"),
    (r"^Прохоров", "Prokhorov"),
    (r"^Богданов", "Bogdanov"),
    (r"^Глазьев", "Glazyev"),
    (r"^Малышкин", "Malyshkin"),
    (r"^Хакамада", "Khakamada"),
    (r"^Харитонов", "Kharitonov"),
    (r"^Грудинин", "Grudinin"),
    (r"^Собчак", "Sobchak"),
    (r"^Явлинский", "Yavlinsky"),
    (r"^Титов", "Titov"),
    (r"^Сурайкин", "Suraykin"),
    (r"^Бабурин", "Baburin"),
    (r"^Даванков", "Davankov"),
    (r"^Слуцкий", "Slutsky"),
)

_RU_ID_COLUMNS = ("name", "level", "region", "oik", "tik", "uik", "url")


def _ru_english(header: str) -> str:
    for pattern, english in _RU_NAMES:
        if re.search(pattern, header):
            return english
    return header


def _ru_role(header: str) -> str | None:
    """Role of a Russian protocol line from its header text (None = auxiliary line)."""
    h = header.lower()
    if "открепительн" in h:
        return None
    if h.startswith("число избирателей, вн") or h.startswith("число избирателей, включ") or (
        h.startswith("число участников голосования, включ")
    ):
        return "registered"
    if "бюллетеней, выданных" in h:
        return "ballots_issued"
    if "ящиках" in h:
        return "ballots_found"
    if h.startswith("число недействительных"):
        return "invalid"
    if h.startswith("число действительных"):
        return "valid"
    return None


def _read_zipped_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".csv")]
            if len(members) != 1:
                raise ValueError(f"{path} should hold exactly one CSV file (found {members}).")
            with zf.open(members[0]) as fh:
                return pd.read_csv(fh, **kwargs)
    return pd.read_csv(path, **kwargs)


def _parse_russia(path: Path, *, name: str, entry: dict[str, str]) -> Election:
    df = _read_zipped_csv(path, usecols=lambda c: c != "url",
                          dtype={c: str for c in _RU_ID_COLUMNS}, keep_default_na=False,
                          na_values=[""])
    headers = _list(df.columns)
    ids = [c for c in headers if c in _RU_ID_COLUMNS and c not in ("name", "level")]
    roles: dict[str, list[str]] = {}
    parties: dict[str, str] = {}
    for col in headers:
        if col in _RU_ID_COLUMNS:
            continue
        if col.startswith("Число"):
            role = _ru_role(col)
            if role is not None:
                roles.setdefault(role, []).append(col)
        else:
            parties[col] = _ru_english(re.sub(r"^\d+\.\s*", "", col))
    regions = [c for c in ("region", "oik", "tik") if c in headers]
    # Remote electronic voting (DEG) pseudo-stations, 2021: Moscow's УИК №5001-5015 and the
    # rows of the territorial "Дистанционное электронное голосование" commissions.
    tik = df["tik"].fillna("") if "tik" in df else pd.Series("", index=df.index)
    uik = df["uik"].fillna("") if "uik" in df else pd.Series("", index=df.index)
    moscow = df["region"].fillna("").str.contains("Москва") if "region" in df else False
    df["remote_e_voting"] = tik.str.contains("Дистанционное электронное голосование") | (
        moscow & uik.str.fullmatch(r"УИК №50(?:0[1-9]|1[0-5])")
    )
    # The rows of the remote e-voting commissions have no uik: that id part is empty.
    df[ids] = df[ids].fillna("")
    # A row is "without data" when every count is empty; it is excluded and listed.
    return Election.from_frame(
        df,
        station_id=ids,
        registered=roles.get("registered"),
        ballots_issued=roles.get("ballots_issued"),
        ballots_found=roles.get("ballots_found"),
        valid=roles.get("valid"),
        invalid=roles.get("invalid"),
        parties=parties,
        region=regions,
        extra=["remote_e_voting"],
        missing="exclude",
        name=name,
        source=_source(entry),
        leader=entry["leader"],
        defaults=_defaults(entry),
        labels={v: k for k, v in parties.items()},
    )


def _parse_poland(path: Path, *, name: str, entry: dict[str, str]) -> Election:
    df = _read_zipped_csv(path, sep=";", encoding="utf-8-sig", dtype=str,
                          keep_default_na=False, na_values=["", "-"])
    headers = _list(df.columns)
    first_candidate = headers.index("Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów") + 1
    candidates = headers[first_candidate:]
    surnames = {}
    for c in candidates:
        upper = [w for w in c.split() if w.isupper() and len(w) > 1]
        surnames[c] = " ".join(upper).title() if upper else c
    # Stations abroad and on ships have no TERYT code: that id part is empty.
    df["Kod TERYT"] = df["Kod TERYT"].fillna("")
    return Election.from_frame(
        df,
        station_id=["Kod TERYT", "Numer obwodu"],
        registered="Liczba wyborców uprawnionych do głosowania",
        ballots_issued="Liczba wyborców, którym wydano karty do głosowania",
        ballots_found="Liczba kart wyjętych z urny",
        valid="Liczba głosów ważnych oddanych łącznie na wszystkich kandydatów",
        invalid=["Liczba kart nieważnych", "Liczba głosów nieważnych"],
        parties=surnames,
        region={"Województwo": "voivodeship", "Powiat": "county", "Gmina": "municipality"},
        extra={"Typ obwodu": "station_type", "Typ obszaru": "area_type"},
        missing="exclude",
        name=name,
        source=_source(entry),
        leader=entry["leader"],
        defaults=_defaults(entry),
        labels={v: k for k, v in surnames.items()},
    )


def _parse_albania(path: Path, *, name: str, entry: dict[str, str]) -> Election:
    df = pd.read_csv(path)
    parties = [c for c in df.columns if re.fullmatch(r"C\d{3}", str(c))]
    df = df.rename(columns={df.columns[0]: "row"})
    return Election.from_frame(
        df,
        station_id="row",
        registered="Registered",
        ballots_found="Ballots",
        parties=parties,
        region={"Prefectures": "prefecture", "Communes": "commune"},
        extra={"Precincts": "precinct"},
        missing="zero",
        name=name,
        source=_source(entry),
        leader=entry["leader"],
        defaults=_defaults(entry),
        labels={"C035": "Socialist Party (PS)", "C050": "Democratic Party (PD)",
                "C032": "Socialist Movement for Integration (LSI)"},
    )


_GEORGIA_PARTIES = {
    "CAND3": "Unity & Development", "CAND4": "Coalition for Change",
    "CAND5": "United National Movement", "CAND6": "European Democrats",
    "CAND8": "Alliance of Patriots", "CAND9": "Strong Georgia - Lelo", "CAND10": "Labour",
    "CAND12": "Our United Georgia", "CAND16": "Change Georgia", "CAND17": "Georgia",
    "CAND20": "Free Georgia", "CAND21": "Tribune", "CAND23": "We",
    "CAND25": "Gakharia for Georgia", "CAND26": "Left Alliance", "CAND27": "Georgian Unity",
    "CAND36": "Girchi", "CAND41": "Georgian Dream",
}


def _parse_georgia(path: Path, *, name: str, entry: dict[str, str]) -> Election:
    df = pd.read_csv(path, encoding="utf-8-sig", dtype={"district_id": str, "division_id": str})
    parties = {c: _GEORGIA_PARTIES.get(c, c) for c in df.columns if re.fullmatch(r"CAND\d+", c)}
    return Election.from_frame(
        df,
        station_id="division_id",
        registered="total_registered_voters",
        ballots_issued="c_participated",
        valid="total_votes",
        parties=parties,
        region={"district_alt_id": "district"},
        extra=["division_type", "is_abroad"],
        missing="exclude",
        name=name,
        source=_source(entry),
        leader=entry["leader"],
        defaults=_defaults(entry),
    )


_PARSERS = {
    "russia": _parse_russia,
    "poland": _parse_poland,
    "albania": _parse_albania,
    "georgia": _parse_georgia,
}
