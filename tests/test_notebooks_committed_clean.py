"""Notebooks are committed with outputs stripped, numbered, and read data only via the public API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == [f"{i:02d}" for i in range(1, len(NOTEBOOKS) + 1)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_stripped_and_public_api_only(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    source = "\n".join("".join(c["source"]) for c in code)
    assert "import electionstats as es" in source
    assert not re.search(r"from electionstats\.|import electionstats\._|es\._", source)
    assert "read_csv" not in source  # data come through es.datasets / es.facts / es.claims
    first = "".join(code[0]["source"])
    assert re.search(r"SEED\s*=", first), "the seed is set in the first code cell"
