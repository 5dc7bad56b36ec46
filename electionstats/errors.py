"""Error classes of electionstats, in one public module.

Every error the package raises on purpose derives from :class:`ElectionStatsError` and
from the built-in class that fits (``ValueError`` for bad data), so
``except es.errors.ElectionStatsError`` catches them all and existing
``except ValueError`` code keeps working. Warnings live in :mod:`electionstats.warnings`.

Examples
--------
>>> import electionstats as es
>>> issubclass(es.ElectionDataError, (es.errors.ElectionStatsError, ValueError))
True
"""

from __future__ import annotations

__all__ = [
    "AllocationTieError",
    "DatasetChecksumError",
    "ElectionDataError",
    "ElectionStatsError",
]


class ElectionStatsError(Exception):
    """Base class of every error raised by electionstats on purpose."""


class ElectionDataError(ElectionStatsError, ValueError):
    """The station table cannot be used as given (the message says where and how to fix it)."""


class DatasetChecksumError(ElectionStatsError, ValueError):
    """A data file's sha256 differs from the registry: it is corrupted or a different version."""


class AllocationTieError(ElectionStatsError, ValueError):
    """Parties are exactly tied for the last seat(s); the law's tie rule must decide.

    Attributes
    ----------
    tied : tuple
        The tied parties.
    n_tied_seats : int
        How many seats they are tied for.
    seats : dict
        The seats certain for every party before the tie is broken.
    """

    def __init__(self, message: str, *, tied: tuple, n_tied_seats: int, seats: dict) -> None:
        super().__init__(message)
        self.tied = tied
        self.n_tied_seats = n_tied_seats
        self.seats = seats
