"""es.calibrate and es.calibration_table: size and power of the battery's tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import electionstats as es
from electionstats.screen import ALL_TESTS

COLUMNS = ["test", "fraud", "parameter", "value", "setting", "measures", "n_elections",
           "n_computed", "rejections", "rejection_rate", "standard_error", "alpha",
           "n_stations", "n_resamples", "notes"]


def test_size_of_an_exact_test_is_alpha_within_monte_carlo_error():
    # The last-digit chi-square test on counts of hundreds of votes has its nominal size
    # (last digits of such binomial counts are uniform to within 1e-3), so calibrate must
    # report about 5 %: 200 elections give a binomial 99.9 % range of 1.5-10 %.
    n = 200
    res = es.calibrate(["last digit", "zero or five"], n_stations=300, n_elections=n,
                       fraud_grid=[None], rng=11, workers=1)
    t = res.table.set_index("test")
    lo, hi = stats.binom.ppf([0.0005, 0.9995], n, 0.05) / n
    for name in ("last digit", "zero or five"):
        assert lo <= t.loc[name, "rejection_rate"] <= hi, t.loc[name]
    r = t.loc["last digit", "rejection_rate"]
    assert t.loc["last digit", "standard_error"] == pytest.approx(np.sqrt(r * (1 - r) / n))
    assert t.loc["last digit", "rejections"] == round(r * n)
    assert (t["measures"] == "size").all() and (t["n_computed"] == n).all()


def test_power_grows_with_the_amount_of_fabrication():
    res = es.calibrate(["zero or five"], n_stations=400, n_elections=30, rng=2, workers=1,
                       fraud_grid=[None, es.DigitFabrication(share=0.5),
                                   es.DigitFabrication(share=0.9)])
    rate = res.table["rejection_rate"].to_numpy()
    assert rate[0] < 0.2 and rate[1] > rate[0] + 0.2 and rate[2] >= 0.8
    assert res.table["measures"].tolist() == ["size", "power", "power"]
    assert res.table["value"].tolist() == [0.0, 0.5, 0.9]
    assert res.power("digit fabrication", 0.9).loc["zero or five"] == rate[2]
    assert res.size().loc["zero or five"] == rate[0]


def test_same_table_serially_on_the_pool_and_on_dask(dask_client):
    kw = {"tests": ["last digit", "excess votes", "turnout skewness"], "n_stations": 300,
          "n_elections": 2, "n_resamples": 20, "rng": 2026,
          "fraud_grid": [None, es.KlimekFraud(f_i=0.3)]}
    serial = es.calibrate(workers=1, **kw)
    pool = es.calibrate(workers=2, **kw)
    dask = es.calibrate(client=dask_client, **kw)
    pd.testing.assert_frame_equal(serial.table, pool.table)
    pd.testing.assert_frame_equal(serial.table, dask.table)
    assert serial == pool == dask
    assert serial.table.columns.tolist() == COLUMNS


def test_a_test_decides_the_same_whichever_tests_run_with_it():
    kw = {"n_stations": 500, "n_elections": 6, "n_resamples": 30, "rng": 5, "workers": 1,
          "fraud_grid": [es.KlimekFraud(f_i=0.2)]}
    alone = es.calibrate(["excess votes"], **kw).table
    both = es.calibrate(["turnout kurtosis", "excess votes"], **kw).table
    same = both[both["test"] == "excess votes"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, same)


def test_settings_as_dicts_and_lists_and_station_sizes_of_an_election():
    base = es.simulate_election(300, rng=1).election
    res = es.calibrate(
        ["last digit"], election=base, n_elections=2, rng=3, workers=1,
        fraud_grid=[
            {"label": "clean at 20 % turnout", "fraud": None, "turnout": 0.2,
             "parameter": "turnout", "value": 0.2},
            [es.KlimekFraud(f_i=0.1), es.RoundingFraud(share=0.1)],
        ],
    )
    t = res.table
    assert t["fraud"].tolist() == ["clean at 20 % turnout",
                                   "Klimek stuffing and stealing + rounding to whole percentages"]
    assert t["measures"].tolist() == ["size", "power"]
    assert "turnout = 0.2" in t["setting"].iloc[0]
    assert (t["n_stations"] == 300).all()
    assert "300 stations of simulated election" in res.stations


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_stations": None}, ValueError, "`n_stations`"),
        ({"fraud_grid": ["lots"]}, TypeError, "`fraud_grid`"),
        ({"fraud_grid": [{"fraud": None, "colour": 1}]}, ValueError, "unknown keys"),
        ({"fraud_grid": [None, None], "n_elections": [2]}, ValueError, "one per setting"),
        ({"n_elections": 0}, ValueError, "`n_elections`"),
        ({"alpha": 0.7}, ValueError, "`alpha`"),
        ({"tests": ["benford"]}, ValueError, "unknown test"),
        ({"simulation": {"turnuot": 0.5}}, ValueError, "`simulation`"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    kw = {"tests": ["last digit"], "n_stations": 100, "n_elections": 2, "workers": 1, **kwargs}
    with pytest.raises(error, match=match):
        es.calibrate(**kw)


@pytest.mark.parametrize(
    ("test", "error", "match"),
    [
        ([], ValueError, r"`test` is empty"),  # once IndexError: single positional indexer
        (5, TypeError, r"`test` must be a test name or a list of names \(got 5\)"),
        (["last digit", 7], TypeError, r"`test` holds \[7\], which are not test names"),
    ],
)
def test_shipped_table_refuses_a_bad_test_selection(test, error, match):
    with pytest.raises(error, match=match):
        es.calibration_table("kazakhstan", test=test)


def test_calibrate_refuses_repeated_tests():
    """A repeated name once gave two identical rows per setting."""
    with pytest.raises(ValueError, match=r"`tests` names 'last digit' more than once"):
        es.calibrate(["last digit", "last digit"], n_stations=100, n_elections=2, workers=1)


@pytest.mark.parametrize("name", ["kazakhstan", "russia2011"])
def test_shipped_tables_cover_every_test(name):
    res = es.calibration_table(name)
    t = res.table
    assert t.columns.tolist() == COLUMNS
    assert set(t["test"]) == set(ALL_TESTS)
    size = t[t["fraud"] == "none"]
    assert sorted(size["test"]) == sorted(ALL_TESTS)
    assert (size["measures"] == "size").all()
    # Rates and standard errors are what the counts say.
    r = t["rejections"] / t["n_computed"]
    np.testing.assert_allclose(t["rejection_rate"], r)
    np.testing.assert_allclose(t["standard_error"], np.sqrt(r * (1 - r) / t["n_computed"]))
    assert (t["n_elections"] >= 2).all() and (t["alpha"] == 0.05).all()
    assert t["notes"].map(type).eq(str).all()


def test_kazakhstan_table_has_the_observers_scenario_and_power_curves():
    res = es.calibration_table("kazakhstan")
    t = res.table
    assert res.n_stations == 10_061
    assert {"observers' scenario", "clean at 15 % turnout"} <= set(t["fraud"])
    clean = t[t["fraud"] == "none"]
    # Sizes rest on many clean elections (fewer for the costly spikes test).
    assert (clean.loc[clean["test"] != "spikes", "n_elections"] >= 100).all()
    assert (clean["n_elections"] >= 20).all()
    ax = res.plot(tests=["last digit", "Sobyanin-Sukhovolsky"])
    assert ax.get_xlabel().startswith("Klimek stuffing and stealing")
    assert len(ax.get_legend().get_texts()) == 3  # two tests and the nominal level
    one = es.calibration_table("kazakhstan", test="last digit")
    assert set(one.table["test"]) == {"last digit"}
    with pytest.raises(ValueError, match="`test`"):
        es.calibration_table("kazakhstan", test="benford")
    with pytest.raises(ValueError, match="`name`"):
        es.calibration_table("kenya")


def test_report_section_on_the_observers_scenario_reads_the_shipped_table():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from _visible import code_identifiers, visible_text

    from electionstats._report_fraud import fraud_section
    from electionstats._report_html import fmt

    page = fraud_section(rng=0).to_html()
    assert code_identifiers(page) == []
    text = visible_text(page)
    t = es.calibration_table("kazakhstan").table
    row = t[(t["fraud"] == "observers' scenario") & (t["test"] == "excess votes")].iloc[0]
    assert f"{fmt(float(row['rejection_rate']), 'share')} (± " in text
    assert "10,061 stations" in text and "seeds 0 and 1" in text
    assert text.index("ballots would have to be stuffed") < text.index("How often each test")


def _calibration_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "calibration_tables.py"
    spec = importlib.util.spec_from_file_location("calibration_tables", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_regenerated_rows_replace_only_their_tests_lines():
    # scripts/calibration_tables.py --tests: the other rows of the shipped table are copied
    # line for line, a regenerated row keeps the base's wording of its setting, and a
    # setting the run did not reach keeps its old row with a note.
    ct = _calibration_script()
    text = (ct.DATA / "calibration_kazakhstan.csv").read_text(encoding="utf-8")
    base = ct.read_table(text)
    assert ct.merge_rows(text, base, list(ALL_TESTS)) == text
    new = base[base["test"] == "excess votes"].copy()
    new["setting"] = new["setting"].str.replace("0.454435", "0.4544")  # the present wording
    new["n_elections"] = new["n_computed"] = 1000
    new["rejections"] = np.arange(len(new))
    new["rejection_rate"] = new["rejections"] / 1000
    reached = new.iloc[:-1]  # the last setting not reached
    merged = ct.merge_rows(text, reached, ["excess votes"]).splitlines()
    lines = text.splitlines()
    assert len(merged) == len(lines)
    changed = [i for i, (a, b) in enumerate(zip(lines, merged)) if a != b]
    rows = np.flatnonzero(base["test"] == "excess votes") + 1  # +1: the header
    assert changed == rows.tolist()
    got = ct.read_table("\n".join(merged) + "\n")
    got = got[got["test"] == "excess votes"]
    assert got["setting"].tolist() == base.loc[base["test"] == "excess votes", "setting"].tolist()
    assert got["n_elections"].tolist()[:-1] == [1000] * (len(new) - 1)
    assert got["rejections"].tolist()[:-1] == list(range(len(new) - 1))
    assert got["n_elections"].iloc[-1] == base.loc[rows[-1] - 1, "n_elections"]
    assert "not regenerated" in got["notes"].iloc[-1]
