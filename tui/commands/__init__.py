"""The subcommands of ``watchline``; each module has ``add_arguments`` and ``run``."""

from __future__ import annotations

import argparse
import datetime
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model.log import Collection


class CommandError(Exception):
    """A user's mistake or an unreadable input: a message on stderr, never a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_as_of_argument(
    parser: argparse.ArgumentParser, *, keep_text: bool = False, help: str | None = None
) -> None:
    """``--as-of DATE``, read by :func:`tui.model.asof.parse_as_of` for every command.

    The value becomes the day to judge at (``args.as_of``: a date, None when not given),
    or with ``keep_text`` the text as given once it is checked (``serve`` hands it to each
    session, so ``today`` is the day a reader connects; ``rate`` writes the date as given).
    A bad value is a usage error like argparse's own (usage, the message, exit 2).
    """
    from tui.model.asof import AS_OF_HELP

    parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=_as_of_text if keep_text else _as_of_day,
        help=AS_OF_HELP if help is None else help,
    )


def _as_of_day(text: str) -> datetime.date:
    from tui.model.asof import AsOfError, parse_as_of

    try:
        return parse_as_of(text)
    except AsOfError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _as_of_text(text: str) -> str:
    _as_of_day(text)
    return text.strip()


def add_view_argument(parser: argparse.ArgumentParser) -> None:
    """``--view ID``: start from a saved view (the log's ``views:`` or the user's config)."""
    parser.add_argument(
        "--view",
        metavar="ID",
        help="start from a saved view: one of the log's views or yours (config.yaml); "
        "--filter narrows it further",
    )


def view_query(collection: Collection | None, view_id: str | None, query_text: str) -> str:
    """The query to run: ``--view ID``'s narrowed by ``--filter``. An unknown id is a usage
    error (exit 2); problems in the user's config are warnings on stderr, the rest of it
    still counts."""
    if view_id is None:
        return query_text
    from tui.model.user_config import read_user_config
    from tui.model.views import ViewError, find_view, saved_views, with_view

    config = read_user_config()
    for problem in config.problems:
        where = f"{problem.file}:{problem.line}:{problem.col}"
        print(f"{where}: warning: {problem.message} (skipped)", file=sys.stderr)
    try:
        view = find_view(view_id, saved_views(collection, config.views))
    except ViewError as error:
        raise CommandError(error.message, exit_code=2) from None
    return with_view(view, query_text)
