"""The README's Python examples run as written (so the front page never lies)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```bash\n(.*?)```", text, flags=re.S).group(1).strip().splitlines()
    assert len(first) == 2
    assert first[0].endswith('pip install ".[notebooks]" && electionstats report')
    assert first[1].endswith('pip install -e ".[test]" && pytest')


def test_readme_python_blocks_run_in_order(data_home):
    """The blocks read like one session (later blocks use ``es`` from the first)."""
    namespace: dict = {}
    blocks = _blocks()
    assert len(blocks) >= 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data-quality notes of the real files are expected
        for index, code in enumerate(blocks):
            exec(compile(code, f"README block {index}", "exec"), namespace)  # noqa: S102
