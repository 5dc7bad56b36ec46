"""Result base class, Monte Carlo helpers and citations."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
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
