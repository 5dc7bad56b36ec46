"""Progress bars for long computations, and the package's global options.

One helper, :func:`progress_bar`, over ``tqdm.auto`` (a text bar in a terminal, a widget in
Jupyter), used by anything that can take more than about 2 s: the bar only appears once a
job has run that long, so quick calls print nothing. Bars are switched

* per call, by ``progress=True`` or ``progress=False``;
* globally, by ``electionstats.set_options(progress=False)`` (also a context manager) or
  the environment variable ``ELECTIONSTATS_PROGRESS=0`` (``1`` forces them on);
* automatically otherwise: on when standard error is a terminal or the code runs in a
  Jupyter kernel, off when output goes to a file or a pipe (CI logs, pytest), so tests and
  batch jobs do not fill their logs with bars.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["get_options", "progress_bar", "progress_enabled", "set_options"]

#: Seconds a job runs before its bar appears.
PROGRESS_DELAY = 2.0

_OPTIONS: dict[str, Any] = {"progress": None}


class _Options:
    """Restores the previous options when used as a context manager."""

    def __init__(self, previous: dict[str, Any]):
        self._previous = previous

    def __enter__(self) -> _Options:
        return self

    def __exit__(self, *exc: object) -> None:
        _OPTIONS.update(self._previous)

    def __repr__(self) -> str:
        return f"electionstats options {get_options()}"


def set_options(*, progress: bool | None = ...) -> _Options:  # type: ignore[assignment]
    """Set package-wide options; usable as a context manager that restores them.

    Parameters
    ----------
    progress : bool or None
        Show progress bars for long computations (True), never (False), or decide
        automatically (None, the default: on in a terminal or Jupyter, off otherwise;
        the environment variable ``ELECTIONSTATS_PROGRESS=0`` or ``1`` overrides the
        automatic choice).

    Examples
    --------
    >>> import electionstats as es
    >>> with es.set_options(progress=False):
    ...     es.get_options()["progress"]
    False
    >>> es.get_options()["progress"] is None
    True
    """
    previous = dict(_OPTIONS)
    if progress is not ...:
        if progress is not None and not isinstance(progress, bool):
            raise TypeError(f"`progress` must be True, False or None (got {progress!r}).")
        _OPTIONS["progress"] = progress
    return _Options(previous)


def get_options() -> dict[str, Any]:
    """The current package-wide options (a copy)."""
    return dict(_OPTIONS)


def _in_jupyter() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:  # pragma: no cover - a partial IPython
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


def progress_enabled(progress: bool | None = None) -> bool:
    """Whether a bar is shown: the call's choice, else the option, else the environment.

    Examples
    --------
    >>> progress_enabled(False)
    False
    """
    if progress is not None:
        if not isinstance(progress, bool):
            raise TypeError(f"`progress` must be True, False or None (got {progress!r}).")
        return progress
    if _OPTIONS["progress"] is not None:
        return bool(_OPTIONS["progress"])
    env = os.environ.get("ELECTIONSTATS_PROGRESS", "").strip().lower()
    if env in {"0", "false", "no", "off"}:
        return False
    if env in {"1", "true", "yes", "on"}:
        return True
    if _in_jupyter():
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


class _NoBar:
    """What a disabled bar does: nothing."""

    disable = True

    def update(self, n: int = 1) -> None:
        pass

    def reset(self, total: int | None = None) -> None:
        pass

    def close(self) -> None:
        pass


_NO_BAR = _NoBar()


@contextmanager
def progress_bar(
    total: int, *, desc: str | None = None, progress: bool | None = None, unit: str = "it"
) -> Iterator[Any]:
    """A ``tqdm.auto`` bar of ``total`` steps (disabled per :func:`progress_enabled`).

    The bar appears only after :data:`PROGRESS_DELAY` seconds, so short jobs print
    nothing; it is closed on exit. Call ``bar.update(n)`` as work completes.

    Examples
    --------
    >>> with progress_bar(3, progress=False) as bar:
    ...     bar.update(3)
    ...     bar.disable
    True
    """
    if not progress_enabled(progress):  # no bar: nothing to create (jobs of milliseconds)
        yield _NO_BAR
        return
    from tqdm.auto import tqdm

    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        delay=PROGRESS_DELAY,
        leave=False,
        dynamic_ncols=True,
    )
    try:
        yield bar
    finally:
        bar.close()
