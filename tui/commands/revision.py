"""``--rev REV``: a command reads the log as one git commit has it, not the working copy.

REV is anything git names (a commit, a tag, a branch, ``HEAD~3``) or a date (``2019-01-01``:
the last commit on or before it). The files come from git's objects, never a checkout.
Every failure (no PATH, a path outside git, an unknown revision, a file that did not
exist then) is one line and exit 2.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.commands import CommandError
from tui.model.text import printable

if TYPE_CHECKING:
    from tui.model.history.loading import LogRevision
    from tui.model.load import LoadResult

REV_HELP = (
    "read the log as it was at this git commit, tag, branch or date "
    "(the last commit on or before it), from git's objects; the working copy is untouched"
)


def add_rev_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rev", metavar="REV", help=REV_HELP)


def open_at(paths: Sequence[str | Path], rev: str, option: str = "--rev") -> LogRevision:
    """The log files ``paths`` name at ``rev``, or a :class:`CommandError` saying why not
    (``option`` is how the message names the option: ``--rev`` or ``--since``)."""
    from tui.model.history.git import GitError
    from tui.model.history.loading import open_revision

    if not paths:
        raise CommandError(f"{option} reads a log kept in git: name its files or folders")
    try:
        return open_revision([Path(p) for p in paths], rev)
    except GitError as error:
        raise CommandError(f"{option}: {printable(str(error))}") from None
    except OSError as error:  # git could not be run, or a path cannot be looked at
        raise CommandError(f"{option}: {printable(str(error))}") from None


def load_at(revision: LogRevision) -> LoadResult:
    """Load ``revision`` (see :func:`open_at`); git failing to give an object is exit 2."""
    from tui.model.history.git import GitError
    from tui.model.history.loading import load_revision

    try:
        return load_revision(revision)
    except GitError as error:
        raise CommandError(f"--rev: {printable(str(error))}") from None
