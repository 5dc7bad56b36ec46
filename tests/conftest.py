"""Shared fixtures: the real datasets, loaded once per session (``data_home`` is in the root
conftest: it skips with one reason when the data are absent)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

_CACHE: dict[str, object] = {}


@pytest.fixture(scope="session")
def load_dataset(data_home):
    """``load_dataset(name)`` -> Election, cached for the session; DataQualityWarnings ignored."""
    import electionstats as es

    def load(name: str):
        if name not in _CACHE:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", es.DataQualityWarning)
                _CACHE[name] = es.datasets.load(name, data_home=data_home)
        return _CACHE[name]

    return load


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def dask_client():
    """A two-process Dask ``LocalCluster`` client, shared by the session (skipped without dask)."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # start-up chatter (ports, nanny) is not under test
        cluster = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        )
        client = distributed.Client(cluster)
    yield client
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.close()
        cluster.close()
