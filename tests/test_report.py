"""The HTML report: findings first, words for people, byte-identical, transliteration."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats._labels import TERMS, label, region_label, transliterate
from electionstats._report_html import fmt

from _visible import code_identifiers, visible_text

N_RESAMPLES = 500  # the Monte Carlo p floor 1/501, times 48 tests / 3 at the floor, is below 0.05


def _stations_csv(path):
    """Three regions of 150 stations; in region 'Tver' the leader's votes are rounded to tens."""
    rng = np.random.default_rng(7)
    n = 450
    reg = rng.integers(400, 3000, n)
    ballots = rng.binomial(reg, rng.beta(12, 8, n))
    a = rng.binomial(ballots, rng.beta(14, 6, n))
    region = np.repeat(["Тверская область", "Kraków", "Москва"], n // 3)
    fake = region == "Тверская область"
    a[fake] = np.minimum(np.round(a[fake] / 10) * 10, ballots[fake]).astype(int)
    df = pd.DataFrame({"id": np.arange(n), "region": region, "reg": reg, "ballots": ballots,
                       "Leader": a, "Other": ballots - a})
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def station_report(tmp_path_factory):
    d = tmp_path_factory.mktemp("stations")
    csv = _stations_csv(d / "stations.csv")
    opts = {"station_id": "id", "registered": "reg", "ballots_found": "ballots", "valid": ["Leader", "Other"],
            "parties": ["Leader", "Other"], "region": "region"}
    pages = []
    for k in range(2):
        path = es.report.build_report(str(csv), out_dir=d / f"r{k}", rng=3, n_resamples=N_RESAMPLES,
                                      csv_options=dict(opts), progress=False, command="electionstats report x")
        pages.append(path.read_bytes())
    return pages, d


@pytest.fixture(scope="module")
def default_report(tmp_path_factory):
    d = tmp_path_factory.mktemp("kz")
    return es.report.build_report(out_dir=d, progress=False).read_text(encoding="utf-8")


def test_transliteration_bgn_pcgn():
    # hand-checked against the BGN/PCGN 1947 table (without diacritics)
    cases = {
        "Москва": "Moskva", "Тверская область": "Tverskaya oblast", "Щёлково": "Shchelkovo",
        "Ельцин": "Yeltsin", "Республика Татарстан (Татарстан)": "Respublika Tatarstan (Tatarstan)",
        "Чукотский автономный округ": "Chukotskiy avtonomnyy okrug", "Подъезд": "Podyezd",
        "Хабаровский край": "Khabarovskiy kray", "Ёлка": "Yelka", "Кемерово": "Kemerovo",
        "Цюрих": "Tsyurikh", "Tirana 1": "Tirana 1",
    }
    for ru, lat in cases.items():
        assert transliterate(ru) == lat, ru
    assert region_label("Москва") == "Moskva (Москва)"
    assert region_label("Kraków") == "Kraków"


def test_labels_and_formatter():
    for key in ("_2BL", "DipT", "LastC", "C05s", "P05s", "cec_final", "share_of_draws", "nur_otan_share_percent"):
        assert "_" not in label(key) and label(key) != key
        assert TERMS[key][1].endswith(".")
    assert label("some_new_column") == "some new column"
    assert fmt(14_380_000.0) == "14,380,000" and fmt(-5554.0) == "-5,554"
    assert fmt(0.0123, "share") == "1.2 %" and fmt(71.09, "percent") == "71.09 %"
    assert fmt(0.0004, "p") == "< 0.001" and fmt(float("inf")) == "no limit"


def test_station_report_findings_first(station_report):
    pages, d = station_report
    page = pages[0].decode("utf-8")
    body = page[page.index("<body>"):]
    # the findings section is the first section, and names every flagged test with its adjusted p
    first = re.search(r"<section id='([^']+)'", body).group(1)
    assert first == "findings"
    findings = body[body.index("<section id='findings'>"):body.index("</section>")]
    flagged = re.findall(r"<li><b>Flagged</b>: (.*?) in (.*?): adjusted p ((?:&lt; )?[^;&]+);",
                         findings)
    assert flagged, "the rounded region must be flagged"
    # the rounded region (Tver, transliterated next to the original) is among them
    assert any(where == "Tverskaya oblast (Тверская область)" for _, where, _ in flagged)
    # and no clean region's digit test is flagged as a last-digit departure
    assert not any("last digit" in t.lower() and "Kraków" in w for t, w, _ in flagged)
    for *_, p in flagged:
        assert p in ("< 0.001", "&lt; 0.001") or float(p) < 0.05  # escaped in HTML
    assert "id='flagged-cells'" in page and "<details>" in page
    assert "Adjusted p" in visible_text(page)


def test_station_report_byte_identical_and_metadata(station_report):
    pages, d = station_report
    assert hashlib.sha256(pages[0]).hexdigest() == hashlib.sha256(pages[1]).hexdigest()
    meta = json.loads((d / "r0" / "metadata.json").read_text())
    assert meta["sha256_index_html"] == hashlib.sha256(pages[0]).hexdigest()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["built"])
    page = pages[0].decode("utf-8")
    assert meta["built"] not in page
    # the reproducibility block: version, data sha256, seed, the command, versions
    assert es.__version__ in page and "Seed: 3" in page and "electionstats report x" in page
    assert hashlib.sha256((d / "stations.csv").read_bytes()).hexdigest() in page
    assert "numpy " in page and "Python " in page and "How to cite this report" in page


def test_no_code_identifiers_in_either_report(station_report, default_report):
    pages, _ = station_report
    assert code_identifiers(pages[0].decode("utf-8")) == []
    assert code_identifiers(default_report) == []
    # the checker itself catches what it should
    assert code_identifiers("<p>the _2BL of nur_otan_share_percent</p>") == ["_2BL", "nur_otan_share_percent"]
    assert code_identifiers("<p><code>claims_kazakhstan_2021.csv</code> ok</p>") == []


def test_default_report_words(default_report):
    text = visible_text(default_report)
    assert "<section id='findings'>" in default_report
    assert "Arabic machine translation" in text
    assert "League of Young Voters: 5 parties; CEC: 3 parties. Both cannot be true: they differ by 2 parties." in text
    assert "2 parties" in text and "Gallagher index" in text and "Loosemore-Hanby index" in text
    assert "exact smallest and largest seats" in text
    assert "gap 1" not in text and "tick: median" not in text
    assert "Nur Otan's share" in text and "CEC final figure" in text
    assert "1,787,886" in text
    assert "written 20" not in text  # no build time in the page


def test_heat_map_scales_to_many_regions():
    from electionstats._report_digits import HEATMAP_ROWS, digits_section

    rng = np.random.default_rng(0)
    n = 2000
    reg = rng.integers(300, 2000, n)
    b = rng.binomial(reg, 0.6)
    a = rng.binomial(b, 0.6)
    df = pd.DataFrame({"reg": reg, "b": b, "A": a, "B": b - a, "r": [f"R{i % 40}" for i in range(n)]})
    e = es.Election.from_frame(df, registered="reg", ballots_found="b", valid=["A", "B"],
                               parties=["A", "B"], region="r")
    fam = digits_section(e, rng=1, n_resamples=20)
    html = "".join(fam.render(np.full(len(fam.tests), 0.5)).blocks)
    assert f"Heat map of the {HEATMAP_ROWS} region and quantity rows with the most evidence (of 80)" in html
    assert "No cell of the table is flagged." in html and "Full table (80 rows)" in html
    import base64
    import io

    import matplotlib.image as mpimg

    i = html.index("Heat map of the")
    data = re.match(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html[html.index("data:image/png;base64,", i):]).group(1)
    height = mpimg.imread(io.BytesIO(base64.b64decode(data)), format="png").shape[0]
    assert height < 0.35 * 110 * (HEATMAP_ROWS + 10)  # 30 rows, not 80
