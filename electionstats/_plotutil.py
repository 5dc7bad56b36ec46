"""Small helpers shared by the plotting functions (pyplot imported lazily)."""

from __future__ import annotations

from typing import Any

__all__ = ["get_ax"]


def get_ax(ax: Any = None, **subplot_kw: Any) -> Any:
    """Return ``ax`` or, when it is None, the Axes of a new figure.

    Never calls ``plt.show()`` and never changes rcParams.
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new_ax = plt.subplots(**subplot_kw)
    return new_ax
