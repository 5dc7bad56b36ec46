"""Shared fixtures of the tests (the real data sets, ``data_home`` and ``load_dataset``, are
in the root conftest: they skip with one reason when the data are absent)."""

from __future__ import annotations

import warnings

import pytest


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
