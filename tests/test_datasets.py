"""Dataset loaders on the real files in ../shared/data (acceptance numbers of the foundation)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

import electionstats as es
from electionstats.datasets import DatasetChecksumError


def test_registry_lists_every_dataset():
    names = es.datasets.list()["name"].tolist()
    assert {
        "russia-2011-duma", "russia-2012-president", "russia-2024-president",
        "poland-2020-president-r1", "poland-2020-president-r2", "albania-2013",
        "georgia-2024-parliament",
    } <= set(names)
    assert es.datasets.list()["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_registry_matches_shared_readme(data_home):
    """The typed-in checksums agree with the data folder's own README table."""
    text = (data_home / "README.md").read_text(encoding="utf-8")
    for row in es.datasets.list().itertuples():
        assert row.sha256 in text, row.name
        assert row.url in text, row.name


def test_russia_2011(load_dataset):
    e = load_dataset("russia-2011-duma")
    assert e.n_stations == 95_225
    assert e.totals()["registered"] == 109_229_337
    assert e.leader == "United Russia"
    assert "United Russia" in e.parties and "KPRF" in e.parties
    assert e.regions == ("region", "tik")
    t = e.totals()
    # data README: turnout 60.21 %, UR 49.31 % of valid + invalid (32,371,737 votes)
    assert t["United Russia"] == 32_371_737
    assert round(100 * t["ballots_issued"] / t["registered"], 2) == 60.21


def test_russia_2024_reports_empty_rows(load_dataset):
    e = load_dataset("russia-2024-president")
    assert e.n_stations == 91_946
    t = e.totals()
    assert t["registered"] == 99_764_974
    assert round(100 * t["ballots_issued"] / t["registered"], 2) == 75.40
    assert round(100 * t["Putin"] / (t["valid"] + t["invalid"]), 2) == 86.81
    assert t["Putin"] == 65_246_672
    assert len(e.excluded) == 2_268
    assert set(e.excluded["reason"]) == {"missing value in registered"}


def test_russia_2021_flags_remote_e_voting(load_dataset):
    # data README: 15 Moscow pseudo-stations (УИК №5001-5015) + 18 rows of the remote
    # e-voting commissions with an empty station number
    e = load_dataset("russia-2021-duma")
    flag = e.data["remote_e_voting"]
    assert int(flag.sum()) == 33
    assert e.data.loc[flag, "registered"].min() > 20_000
    kept = e.subset(~flag.to_numpy(), reason="remote e-voting pseudo-station")
    assert kept.n_stations == 96_325 - 33
    assert set(kept.excluded["reason"]) == {"remote e-voting pseudo-station"}
    assert int(load_dataset("russia-2011-duma").data["remote_e_voting"].sum()) == 0


def test_poland_round1_turnout_and_missing_rows(load_dataset):
    e = load_dataset("poland-2020-president-r1")
    t = e.totals()
    assert e.n_stations == 27_225 and len(e.excluded) == 4
    assert round(100 * t["ballots_found"] / t["registered"], 2) == 64.52
    assert t["registered"] == 30_204_241
    assert t["Duda"] == 8_450_341 and t["Trzaskowski"] == 5_917_256
    assert t["valid"] == 19_425_034
    assert "stały" in set(e.data["station_type"])


def test_poland_round2(load_dataset):
    t = load_dataset("poland-2020-president-r2").totals()
    assert round(100 * t["ballots_found"] / t["registered"], 2) == 68.19
    assert t["Duda"] == 10_440_388


def test_albania(load_dataset):
    e = load_dataset("albania-2013")
    assert e.n_stations == 5_508
    counts = e.data["prefecture"].value_counts()
    assert counts["BERAT"] == 300 and counts["DIBER"] == 258 and counts["TIRANE"] == 1_421
    t = e.totals()
    assert t["ballots_found"] == 1_726_239 and t["registered"] == 3_185_255
    rep = e.validation_report()
    assert (rep["rule"] == "party_votes_above_ballots").sum() == 14
    assert (rep["rule"] == "missing_set_to_zero").sum() == 2


def test_georgia(load_dataset, data_home):
    e = load_dataset("georgia-2024-parliament")
    t = e.totals()
    assert len(e.excluded) == 13
    # data README: 1,118,736 Georgian Dream votes in all 3,095 precincts; the 13 precincts
    # without a participation figure are excluded, and their votes explain the difference.
    raw = pd.read_csv(data_home / "georgia_2024_parliamentary_cec" / "cec_scrape_proportional.csv",
                      encoding="utf-8-sig", dtype={"division_id": str})
    assert raw["CAND41"].sum() == 1_118_736
    gone = raw[raw["division_id"].isin(e.excluded["station_id"])]
    assert t["Georgian Dream"] + gone["CAND41"].sum() == 1_118_736
    assert (e.validation_report()["rule"] == "ballots_above_registered").sum() == 58


def test_loading_warns_about_legitimate_quirks(data_home):
    with pytest.warns(es.DataQualityWarning, match="58 stations where there are more ballots than registered voters"):
        es.datasets.load("georgia-2024-parliament", data_home=data_home)


def test_unknown_dataset_name():
    with pytest.raises(KeyError, match="unknown dataset 'russia-2099-duma'; known datasets: russia-2004-president"):
        es.datasets.load("russia-2099-duma")


def test_corrupted_file_is_refused(tmp_path, data_home):
    entry = es.datasets.info("albania-2013")
    folder = tmp_path / entry["folder"]
    folder.mkdir()
    target = folder / entry["file"]
    shutil.copy(data_home / entry["folder"] / entry["file"], target)
    with open(target, "ab") as fh:
        fh.write(b"1,2,3\n")
    with pytest.raises(DatasetChecksumError, match="has sha256 .* but the registry expects b6ea98b0"):
        es.datasets.load("albania-2013", data_home=tmp_path)


def test_flat_data_home_layout(tmp_path, data_home):
    entry = es.datasets.info("albania-2013")
    shutil.copy(data_home / entry["folder"] / entry["file"], tmp_path / entry["file"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", es.DataQualityWarning)
        e = es.datasets.load("albania-2013", data_home=tmp_path)
    assert e.n_stations == 5_508


def test_missing_column_in_a_source_file(tmp_path, data_home):
    df = pd.read_csv(data_home / "albania_2013_parliamentary_eftoolkit" / "Albania2013.csv")
    broken = df.drop(columns=["Registered"])
    with pytest.raises(es.ElectionDataError, match=r"column\(s\) 'Registered' \(role `registered`\) not found"):
        es.Election.from_frame(broken, registered="Registered", ballots_found="Ballots", parties=["C035"])


def test_bundled_facts_agree_with_the_shared_tables(data_home):
    """The facts typed into the package match the research team's independent tables."""
    folder = data_home / "kazakhstan_official_totals"
    shared = pd.read_csv(folder / "kz_2021_majilis_party_results.csv")
    ours = es.facts.party_results("kazakhstan-2021-majilis")
    assert ours["votes"].tolist() == shared["votes"].tolist()
    assert ours["seats"].tolist() == shared["seats_party_list"].tolist()
    assert ours["percent"].tolist() == shared["percent_official"].tolist()
    shared23 = pd.read_csv(folder / "kz_2023_majilis_party_results.csv")
    ours23 = es.facts.party_results("kazakhstan-2023-majilis", include_against_all=True)
    assert ours23["votes"].tolist() == shared23["votes"].tolist()
    assert ours23["seats"].tolist() == shared23["seats_party_list"].tolist()
    summary = pd.read_csv(folder / "kz_2021_majilis_summary.csv").set_index("item")["value"]
    s = es.facts.summary("kazakhstan-2021-majilis")
    assert s["registered"] == float(summary["registered_voters"])
    assert s["ballots_issued"] == float(summary["voters_received_ballots"])
    assert s["votes_for_parties"] == float(summary["votes_for_parties_total"])


def test_percentages_are_consistent_with_votes():
    r = es.facts.party_results("kazakhstan-2021-majilis")
    s = es.facts.summary("kazakhstan-2021-majilis")
    assert r["votes"].sum() == s["votes_for_parties"]
    assert (100 * r["votes"] / s["votes_for_parties"]).round(2).tolist() == r["percent"].tolist()
    assert round(100 * s["ballots_issued"] / s["registered"], 2) == s["turnout_percent"]


def test_offline_without_the_file_fails_clearly(tmp_path, monkeypatch):
    import pooch

    def no_network(*args, **kwargs):
        raise OSError("Failed to resolve 'raw.githubusercontent.com'")

    monkeypatch.setattr(pooch, "retrieve", no_network)
    with pytest.raises(FileNotFoundError, match=r"dataset 'albania-2013' is not in .*Albania2013.csv.* and downloading it from https://.* failed \(OSError: Failed to resolve"):
        es.datasets.load("albania-2013", data_home=tmp_path)
