"""The package's architecture (issue 8): one result family, no private names across topic
modules, no import circle.

The calls come from the NaN audit (``test_no_silent_nan``), which lists every public
function of the package with how to call it, so a new function is checked here too.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pandas as pd
import pytest

import electionstats as es
from electionstats._results import Result, ResultFrame

import test_no_silent_nan as audit

PACKAGE = Path(es.__file__).parent
#: Public modules (a topic each). Modules whose names start with "_" are the shared
#: engine (results, validators, kernels, plotting helpers) and may be imported by all.
TOPIC_MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_"))

#: Public functions that return data or tools rather than the result of an analysis.
NOT_ANALYSES = {
    "claims.load": "the bundled table of claims (data, typed in with sources)",
    "facts.load": "the bundled table of official facts (data)",
    "facts.party_results": "official party results (data)",
    "facts.summary": "official totals of one election (data, a Series)",
    "claims.interval": "the interval a rounded claim stands for (a pair of numbers)",
    "adjust_pvalues": "adds an adjusted column to the caller's own table",
    "simulate_election": "a simulated election (an Election and its truth), not an analysis",
    "fraud.observers_scenario": "a simulated election, as simulate_election",
}


def _healthy_calls():
    election = audit.TWINS["A, B"]()
    for name, call in audit.ON_ELECTION.items():
        yield name, lambda call=call: call(election)
    for name, call in audit.ON_COUNTS.items():
        yield name, lambda call=call: call(audit._HEALTHY_COUNTS)
    for name, call in audit.ON_VOTES.items():
        yield name, lambda call=call: call(audit._HEALTHY_VOTES)
    for name, cases in audit.OTHER.items():
        yield name, next(iter(cases.values()))


@pytest.fixture(scope="module")
def results():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, call in _healthy_calls():
            if name not in NOT_ANALYSES:
                out[name] = call()
    return out


def test_every_analysis_answers_as_one_family(results):
    for name, r in results.items():
        assert isinstance(r, (Result, ResultFrame)), f"{name} returns {type(r).__name__}"
        frame = r.to_frame()
        assert type(frame) is pd.DataFrame and len(frame.columns) > 0, name
        summary = r.summary()
        text, page = str(summary), summary._repr_html_()
        assert text.strip() and "\\n" not in page and "<table" in page, name
        assert "@" in r.cite(), name  # BibTeX, at least electionstats' own record
        assert r._repr_html_().startswith("<"), name


def test_descriptive_results_carry_no_pvalue(results):
    from electionstats._results import EstimateResult, TableResult, TestResult

    for name, r in results.items():
        if isinstance(r, (EstimateResult, TableResult)) and not isinstance(r, TestResult):
            fields = {f for f in getattr(r, "__dataclass_fields__", {})}
            assert "pvalue" not in fields or name in ("fit_fraud_model", "fraud.fit_klimek2012"), name


@pytest.mark.parametrize("test", ["first_digit_test", "last_digit_test", "second_digit_test"])
def test_one_test_under_every_null_concatenates_into_one_table(test):
    counts = audit._HEALTHY_COUNTS
    den = audit._den(counts)
    func = getattr(es, test)
    runs = [func(counts)]
    for null in ("size-aware", "montecarlo", "bootstrap"):
        try:
            runs.append(func(counts, null=null, denominator=den, n_resamples=99, rng=0))
        except ValueError as err:  # a null this test does not offer says so
            assert null in str(err)
    assert len(runs) >= 3
    frames = [r.to_frame() for r in runs]
    assert all(list(f.columns) == list(frames[0].columns) for f in frames)
    assert pd.concat(frames).shape == (len(frames), len(frames[0].columns))


# -- imports ---------------------------------------------------------------------------
def _imports(path: Path, *, top_level_only: bool):
    """(module imported, names) of every relative import in a module of the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                yield node.module.split(".")[0], [a.name for a in node.names]
            else:  # from . import x, y
                for a in node.names:
                    yield a.name, []
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("electionstats"):
            parts = node.module.split(".")
            yield (parts[1] if len(parts) > 1 else ""), [a.name for a in node.names]


def test_no_private_name_is_imported_from_another_topic_module():
    bad = []
    for path in PACKAGE.glob("*.py"):
        for module, names in _imports(path, top_level_only=False):
            if module in TOPIC_MODULES and module != path.stem:
                bad += [f"{path.name}: {module}.{n}" for n in names
                        if n.startswith("_") and not n.startswith("__")]
    assert not bad, bad


def test_no_import_circle_at_module_level():
    graph = {p.stem: {m for m, _ in _imports(p, top_level_only=True) if m and m != p.stem}
             for p in PACKAGE.glob("*.py")}
    state: dict[str, int] = {}

    def visit(node, trail):
        if state.get(node) == 1:
            raise AssertionError("import circle: " + " -> ".join(trail + [node]))
        if state.get(node) == 2 or node not in graph:
            return
        state[node] = 1
        for nxt in sorted(graph[node]):
            visit(nxt, trail + [node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])


def test_the_circle_check_can_fail(tmp_path):
    # the checker itself: a made-up pair of modules importing each other is found
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("from .a import y\n")
    graph = {p.stem: {m for m, _ in _imports(p, top_level_only=True)} for p in tmp_path.glob("*.py")}
    assert graph == {"a": {"b"}, "b": {"a"}}
