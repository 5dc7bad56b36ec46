"""Result base class, Monte Carlo helpers and citations."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

import electionstats as es
from electionstats._montecarlo import (
    as_generator,
    basic_bootstrap_ci,
    batch_sizes,
    check_n_resamples,
    monte_carlo_pvalue,
)


@dataclasses.dataclass(frozen=True)
class DemoResult(es.Result):
    n: int = 0
    interval: tuple = (0.0, 1.0)
    observed: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(3))

    method: ClassVar[str] = "demo test"
    citations: ClassVar[tuple[str, ...]] = ("phipson2010",)
    null_hypothesis: ClassVar[str] = "nothing happens"


def test_result_unpacks_and_tabulates():
    r = DemoResult(statistic=1.5, pvalue=0.25, n=10, interval=(0.5, 2.5))
    stat, p = r
    assert (stat, p) == (1.5, 0.25)
    row = r.to_frame().iloc[0].to_dict()
    assert row == {"method": "demo test", "statistic": 1.5, "pvalue": 0.25, "n": 10,
                   "interval_low": 0.5, "interval_high": 2.5}
    assert "not proof of fraud" in r.summary()
    assert "Null hypothesis: nothing happens" in r.summary()
    assert "<table>" in r._repr_html_()
    assert r.cite().startswith("@software{electionstats")
    assert "@article{phipson2010" in r.cite()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.n = 3


def test_monte_carlo_pvalue_counts_ties_and_never_zero():
    null = np.array([0.0, 1.0, 2.0, 3.0])
    assert monte_carlo_pvalue(null, 2.0) == pytest.approx(3 / 5)
    assert monte_carlo_pvalue(null, 10.0) == pytest.approx(1 / 5)
    assert monte_carlo_pvalue(null, 1.0, "less") == pytest.approx(3 / 5)
    assert monte_carlo_pvalue(null, 3.0, "two-sided") == pytest.approx(2 * 2 / 5)
    with pytest.raises(ValueError, match="`alternative` must be one of"):
        monte_carlo_pvalue(null, 1.0, "bigger")


def test_basic_interval_reflects_percentiles():
    reps = np.arange(1, 100, dtype=float)  # quantiles 0.025 / 0.975 -> 3.45 / 96.55
    low, high = basic_bootstrap_ci(50.0, reps)
    assert (low, high) == pytest.approx((100 - 96.55, 100 - 3.45))
    with pytest.raises(ValueError, match="`confidence_level` must be strictly between 0 and 1"):
        basic_bootstrap_ci(1.0, reps, 1.5)


def test_rng_and_resample_validation():
    a = as_generator(7).random(3)
    b = as_generator(np.random.default_rng(7)).random(3)
    assert np.array_equal(a, b)
    with pytest.raises(TypeError, match="legacy RandomState is not accepted"):
        as_generator(np.random.RandomState(0))
    with pytest.raises(ValueError, match="`n_resamples` must be a positive integer"):
        check_n_resamples(0)
    with pytest.raises(TypeError, match="`n_resamples` must be a positive integer"):
        check_n_resamples(10.0)
    assert sum(batch_sizes(1001, per_replicate=100_000, max_elements=10**7)) == 1001


def test_cite_lists_and_rejects_unknown():
    text = es.cite()
    assert "@article{kobak2016aoas" in text and "@article{hartigan1985" in text
    assert es.cite(["klimek2012"], format="keys") == "klimek2012"
    with pytest.raises(KeyError, match="unknown citation key"):
        es.cite("nobody2020")


# -- the result family (issue 8.3) --------------------------------------------------------
from electionstats._results import format_number, html_table  # noqa: E402


@dataclasses.dataclass(frozen=True)
class DemoTest(es.TestResult):
    n: int = 0
    confidence_interval: es.Interval | None = None
    observed: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(3))

    method: ClassVar[str] = "demo test"


@dataclasses.dataclass(frozen=True)
class DemoEstimate(es.EstimateResult):
    n: int = 0
    method: ClassVar[str] = "demo estimate"


def test_equality_compares_arrays_by_value_and_nan_equal():
    a = DemoTest(1.0, float("nan"), observed=np.array([1.0, np.nan]))
    b = DemoTest(1.0, float("nan"), observed=np.array([1.0, np.nan]))
    c = DemoTest(1.0, float("nan"), observed=np.array([1.0, 2.0]))
    assert a == b and a != c
    # The old-style subclass (derived from Result directly) compares by value too.
    d1 = DemoResult(statistic=1.0, pvalue=0.5, observed=np.arange(3.0))
    d2 = DemoResult(statistic=1.0, pvalue=0.5, observed=np.arange(3.0))
    assert d1 == d2 and d1 != DemoResult(statistic=1.0, pvalue=0.4)


def test_interval_columns_always_present_so_results_concat():
    with_ci = DemoTest(1.0, 0.5, n=3, confidence_interval=es.Interval(0.5, 1.5, 0.9))
    without = DemoTest(2.0, 0.1, n=4)
    table = pd.concat([with_ci.to_frame(), without.to_frame()], ignore_index=True)
    assert list(table.columns) == ["method", "statistic", "pvalue", "n",
                                   "confidence_interval_low", "confidence_interval_high"]
    assert table["confidence_interval_low"].tolist()[0] == 0.5
    assert np.isnan(table["confidence_interval_high"].tolist()[1])


def test_estimate_has_no_pvalue_and_does_not_unpack():
    r = DemoEstimate(estimate=0.25, interval=es.Interval(0.2, 0.3, 0.95), n=9)
    assert "pvalue" not in r.to_frame().columns
    assert r.to_frame()[["interval_low", "interval_high"]].iloc[0].tolist() == [0.2, 0.3]
    with pytest.raises(TypeError, match="does not unpack; read .estimate and .interval"):
        _est, _p = r
    assert np.isnan(DemoEstimate(estimate=1.0).to_frame()["interval_low"].iloc[0])
    with pytest.raises(ValueError, match="low <= high"):
        es.Interval(2.0, 1.0)


def test_table_result_summary_renders_text_and_html():
    t = es.TableResult(table=pd.DataFrame({"party": ["A<b>", "B"], "votes": [109234567.0, 5.0]}))
    assert t.to_frame().equals(t.table) and t.to_frame() is not t.table
    assert len(t) == 2 and t == es.TableResult(table=t.table.copy())
    s = t.summary()
    assert isinstance(s, es.Summary)
    text = str(s)
    assert "109,234,567" in text and "e+08" not in text and "not proof of fraud" in s
    html = s._repr_html_()
    assert "\\n" not in html and "<table" in html and "A&lt;b&gt;" in html
    assert repr(s) == text


def test_summary_of_a_test_lists_numbers_and_the_null():
    s = DemoResult(statistic=1.5, pvalue=0.25, n=12345).summary()
    lines = s.splitlines()
    assert lines[:2] == ["demo test", "========="]
    assert any(line.startswith("n ") and line.endswith("12,345") for line in lines)
    assert "Null hypothesis: nothing happens" in s


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (109234567.0, "auto", "109,234,567"),
        (109234567, "count", "109,234,567"),
        (np.int64(2**53), "auto", "9,007,199,254,740,992"),
        (0.645, "share", "64.5 %"),
        (64.5, "percent", "64.5 %"),
        (0.0004, "pvalue", "< 0.001"),
        (0.0, "pvalue", "0"),
        (1.0, "pvalue", "1"),
        (0.012345, "pvalue", "0.0123"),
        (4.187361, "auto", "4.187"),
        (0.2026, "number", "0.2026"),
        (12345.678, "number", "12,346"),
        (float("nan"), "auto", "–"),
        (None, "count", "–"),
        (True, "auto", "yes"),
        ("Nur Otan", "auto", "Nur Otan"),
    ],
)
def test_format_number(value, kind, text):
    assert format_number(value, kind) == text


def test_format_number_rejects_unknown_kind():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        format_number(1, "money")


def test_html_table_escapes_and_truncates():
    df = pd.DataFrame({"name": ["<x>"] * 100, "share": [0.5] * 100})
    out = html_table(df, formats={"share": "share"}, index=False, max_rows=10)
    assert out.count("<tr>") == 1 + 10 + 1 and "90 more rows" in out
    assert "&lt;x&gt;" in out and "50.0 %" in out
    with pytest.raises(KeyError, match="not in the table"):
        html_table(df, formats={"nope": "share"})


def test_plot_without_figure_says_so():
    with pytest.raises(NotImplementedError, match="has no figure"):
        DemoTest(1.0, 0.5).plot()
