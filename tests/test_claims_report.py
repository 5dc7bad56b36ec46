"""Claims of the Kazakhstan 2021 case, contradictions, implications, the report and the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats.__main__ import main
from electionstats.claims import interval


def test_claims_table():
    c = es.claims.load("kazakhstan-2021")
    assert len(c) == 12
    assert set(c["comparator"]) <= {"=", "<", "<=", ">", ">="}
    nur = c[c["quantity"] == "nur_otan_share_percent"]
    assert nur["value"].tolist() == [76.49, 50.0]
    assert nur["cec_final"].tolist() == [71.09, 71.09]
    assert c["source"].str.len().min() > 0
    with pytest.raises(KeyError, match="unknown claims case 'kazakhstan-2019'"):
        es.claims.load("kazakhstan-2019")


def test_intervals():
    assert interval(76.49, "=", 0.005) == pytest.approx((76.485, 76.495, True, True))
    assert interval(63, "<=", 0.5) == (float("-inf"), 63.5, False, True)
    with pytest.raises(ValueError, match="`comparator` must be one of"):
        interval(1, "~")


def test_contradictions():
    c = es.claims.contradictions()
    pairs = {(r.quantity, r.by_a, r.by_b) for r in c.itertuples()}
    # the article's 76.49 % against the CEC's final 71.09 % (gap 76.485 - 71.095 = 5.39)
    row = c[(c["quantity"] == "nur_otan_share_percent") & (c["statement_a"] == "76.49 percent")
            & c["by_b"].str.startswith("final figure")]
    assert row["gap"].iloc[0] == pytest.approx(5.39)
    # observers' 15 % against the CEC's 63.25 %
    assert any(q == "turnout_percent" and "independent observers" in (a, b) for q, a, b in pairs)
    # "less than half" against 71.09 %
    assert ("nur_otan_share_percent", "League of Young Voters", "final figure: CEC final 12 Jan 2021 (The Astana Times)") in pairs
    # five parties passing against three
    assert ("parties_passing_threshold", "League of Young Voters", "CEC") in pairs
    # "not more than 63 %" is compatible with 63.25 % once rounding is allowed
    assert not ((c["quantity"] == "turnout_percent") & (c["statement_a"] == "<= 63 percent")
                & c["by_b"].str.startswith("final figure")).any()


def test_implications_hand_computed():
    imp = es.claims.implications().set_index("claim")
    # 11,919,241 x 15 % = 1,787,886.15 ballots against 7,539,280 received
    assert imp.loc["turnout = 15 %", "implied_value"] == 1_787_886
    assert imp.loc["turnout = 15 %", "difference"] == 1_787_886 - 7_539_280
    # 12 % of 7,539,280 ballots = 904,713.6 -> 904,714 against at most 297,718 officially
    assert imp.loc["invalid ballots = 12 % of ballots", "implied_value"] == 904_714
    assert imp.loc["invalid ballots = 12 % of ballots", "official_value"] == 297_718
    # both observer claims: 11,919,241 x 0.15 x 0.88 = 1,573,339.8
    assert imp.loc["turnout = 15 % and 12 % invalid", "implied_value"] == 1_573_340


def test_side_by_side():
    t = es.claims.side_by_side().set_index("quantity")
    assert t.loc["nur_otan_share_percent", "official"] == "76.49"
    assert t.loc["nur_otan_share_percent", "observers"] == "< 50"
    assert t.loc["invalid_ballots_percent", "final_official"] == "not published"


def test_default_report(tmp_path):
    path = es.report.build_report(out_dir=tmp_path, progress=False)
    text = path.read_text(encoding="utf-8")
    assert "<h2>The claims</h2>" in text
    assert "data:image/png;base64," in text
    assert "1,787,886" in text
    assert "independent observers" in text


def test_cli_report_and_datasets(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path / "r"), "--quiet"]) == 0
    assert (tmp_path / "r" / "index.html").is_file()
    assert main(["datasets"]) == 0
    assert "russia-2011-duma" in capsys.readouterr().out
    assert main(["cite", "kobak2016aoas"]) == 0
    assert "10.1214/16-AOAS904" in capsys.readouterr().out


def test_cli_report_on_a_csv(tmp_path):
    csv = tmp_path / "stations.tsv"  # a .tsv is read with tabs, no --sep needed
    csv.write_text("id\treg\tballots\tA\tB\n1\t100\t60\t40\t20\n2\t200\t150\t100\t50\n3\t150\t90\t30\t60\n",
                   encoding="utf-8")
    assert main(["report", str(csv), "--station-id", "id", "--registered", "reg",
                 "--ballots-found", "ballots", "--valid", "A", "B", "--party", "A", "B",
                 "--out", str(tmp_path / "r"), "--quiet", "--n-resamples", "50"]) == 0
    text = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "3 stations" in text


def test_cli_csv_errors_are_one_clear_line(tmp_path, capsys):
    csv = tmp_path / "stations.csv"
    csv.write_text("id,reg,A\n1,100,40\n2,200,100\n", encoding="utf-8")
    assert main(["report", str(csv), "--out", str(tmp_path / "r"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "electionstats: error: no party columns given" in err and "--registered" in err
    assert main(["report", str(csv), "--party", "A", "--out", str(tmp_path / "r"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "electionstats: error: the station report needs the ballots" in err and "--ballots-found" in err
    assert main(["report", str(csv), "--registered", "reg", "--party", "A", "Z",
                 "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert "electionstats: error: column(s) 'Z' (role --party) not found" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nothing.csv"), "--quiet"]) == 2
    assert "is neither a dataset name" in capsys.readouterr().err


def test_large_final_figures_keep_their_digits():
    c = es.claims.load()
    row = c.iloc[[5]].assign(quantity="ballots", value=7_539_000.0, cec_final=7_539_280.0,
                             comparator="=", resolution=0.5, unit="ballots")
    out = es.claims.contradictions(pd.concat([c, row], ignore_index=True))
    hit = out[out["quantity"] == "ballots"].iloc[0]
    assert (hit["statement_a"], hit["statement_b"]) == ("7539000 ballots", "7539280 ballots")
    assert hit["gap"] == pytest.approx(279.0)  # [7538999.5, 7539000.5] vs [7539279.5, 7539280.5]


def test_table_html_handles_infinite_values():
    from electionstats._report_html import table_html

    assert "<td class='num'>no limit</td>" in table_html(pd.DataFrame({"x": [np.inf]}))
