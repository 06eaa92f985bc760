"""What a write to a log can refuse, and what it reports when it succeeds.

Nothing here imports Textual.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class EditError(Exception):
    """A write that was refused; nothing was written. ``str()`` is the message for a person.

    ``exit_code`` is what ``watchline rate`` exits with: 2 for a mistake in what was asked
    (unknown pledge, status or source, a bad date, an unreadable file).
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsafeEditError(EditError):
    """The rating cannot be added without touching existing lines, or would not validate."""

    exit_code = 1


class InvalidResultError(UnsafeEditError):
    """The log has problems, so nothing is written (``problems``: FILE:LINE:COL lines)."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class ConflictError(EditError):
    """The file changed on disk since it was read; writing would overwrite that edit."""

    exit_code = 1


class ProtectedFileError(EditError):
    """The file is read-only, hard-linked or someone else's: replacing it would change that."""

    exit_code = 1


class DuplicateRatingError(EditError):
    """The pledge already has a rating with this status and as-of date."""

    exit_code = 1


class BusyError(EditError):
    """Another watchline held the log's write lock for longer than the timeout."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class NewRating:
    """A rating to add: ``status`` from PLEDGE_STATUSES, ``as_of`` an EDTF date."""

    status: str
    as_of: str | datetime.date
    evidence: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class EditResult:
    """What a successful write did."""

    path: Path
    event_id: str
    status: str
    as_of: str  # the EDTF date as written to the file (normalised)
    line: int  # 1-based number of the first added line
    added_lines: tuple[str, ...]  # the added lines, without line endings
    old_hash: str  # content hash before the write
    new_hash: str  # content hash of the file as written
