"""Root conftest: point the tests, doctests and notebooks at the shared real data.

Notebook kernels started by nbmake inherit this environment variable, so notebooks read the
data through ``es.datasets.load`` without downloading anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

_SHARED = Path(__file__).resolve().parent.parent / "shared" / "data"
if "ELECTIONSTATS_DATA" not in os.environ and _SHARED.is_dir():
    os.environ["ELECTIONSTATS_DATA"] = str(_SHARED)
os.environ.setdefault("MPLBACKEND", "Agg")
