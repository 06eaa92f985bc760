"""``watchline list``: the events a query selects, as a table or for other tools.

    watchline list [PATH ...] [--filter QUERY] [--view ID] [--as-of DATE] [--format FMT] [-o FILE]

No PATH means the bundled log. Exit 0 on success, 1 when a log has problems (each printed
as ``FILE:LINE:COL: error: ...``), 2 for a bad query, a bad date or an unreadable file.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from tui.commands import CommandError, add_as_of_argument, add_view_argument, view_query
from tui.commands.revision import add_rev_argument, load_at, open_at
from tui.formats import EVENT_FORMATS, Selection, format_module, write_output
from tui.model.log import Collection
from tui.model.text import printable, shown_name

# Where a table goes to a pipe or a file, nothing is cut: a reader there has `less -S`.
UNLIMITED_WIDTH = 1_000_000


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """PATH..., --filter, --view and --as-of: the same for `list` and `pledges`."""
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="log files or folders of *.yaml/*.yml (default: the bundled log)",
    )
    parser.add_argument(
        "--filter",
        "-f",
        metavar="QUERY",
        default="",
        help='a query, as in the search bar: agency:bpd kind:pledge "body camera"',
    )
    add_view_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output ('-' is standard output)",
    )
    add_rev_argument(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument(
        "--format",
        "-F",
        choices=tuple(EVENT_FORMATS),
        default="table",
        help=(
            "table (default), json, csv, md (a briefing), ics (iCalendar), timelinejs, "
            "timesketch-csv, timesketch-jsonl"
        ),
    )


def load_collection(paths: Sequence[str], rev: str | None = None) -> Collection:
    """Load the logs at ``paths`` (the bundled log when empty), or as git has them at
    ``rev`` (see :mod:`tui.commands.revision`).

    Problems are printed to stderr as ``FILE:LINE:COL: error: MESSAGE`` and end the
    command with exit 1; a path that does not exist is a usage error (exit 2).
    """
    if rev is not None:
        result = load_at(open_at(paths, rev))
    else:
        from tui.model.bundled import bundled_log
        from tui.model.load import load_paths

        targets = [Path(p) for p in paths] or [bundled_log()]
        for target in targets:
            if not target.exists():
                raise CommandError(f"{shown_name(target)}: no such file or folder", exit_code=2)
        from tui.commands.progress import load_progress
        from tui.model.load.fast import paused_gc

        # As the app does: no collection passes over the millions of objects a big log
        # makes, and none over them afterwards while the command writes (frozen first).
        with load_progress() as progress, paused_gc():
            result = load_paths(targets, progress)
            gc.freeze()
    if result.problems:
        for problem in result.problems:
            print(printable(str(problem)), file=sys.stderr)
        count = len(result.problems)
        raise CommandError(f"{count} problem{'s' if count != 1 else ''} in the log", exit_code=1)
    if result.collection is None:
        raise CommandError("no events were loaded", exit_code=1)
    return result.collection


def select(collection: Collection, query_text: str, as_of: datetime.date) -> list[int]:
    """Indexes of the events ``query_text`` keeps, in timeline order (all when empty).

    A malformed query is a usage error (exit 2) whose message marks the span at fault.
    """
    from tui.model.query import QueryEngine, QueryError, parse_query

    try:
        query = parse_query(query_text)
    except QueryError as error:
        raise CommandError(query_error_message(query_text, error), exit_code=2) from None
    if not query.terms:
        return list(range(len(collection.events)))  # no filter: no indexes to build
    return QueryEngine(collection, as_of).run(query)


def query_error_message(text: str, error: object) -> str:
    """``bad query: MESSAGE`` with the query below it and ``^^^`` under the span at fault."""
    message = printable(str(getattr(error, "message", error)))
    start = max(0, int(getattr(error, "start", 0)))
    end = max(start + 1, int(getattr(error, "end", start + 1)))
    # Newlines and tabs would break the alignment of the marker; show them as spaces.
    shown = printable(text).replace("\n", " ").replace("\t", " ")
    # printable() may widen a character (ESC -> "␛" is one cell, "<U+0085>" eight):
    # measure the marker on the shown prefix, not on the raw offsets.
    prefix = printable(text[:start]).replace("\n", " ").replace("\t", " ")
    marked = printable(text[start:end]).replace("\n", " ").replace("\t", " ")
    marker = " " * len(prefix) + "^" * max(1, len(marked))
    return f"bad query: {message}\n  {shown}\n  {marker}"


def table_width(output: str | None) -> int:
    """The width a table may use: the terminal's, ``$COLUMNS``, or no limit in a pipe."""
    if output in (None, "-") and sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else UNLIMITED_WIDTH


def write(data: str | bytes, output: str | None) -> None:
    """Write the result; an unwritable ``-o FILE`` is a clean error (exit 2)."""
    try:
        write_output(data, output)
    except OSError as error:
        raise CommandError(
            f"{shown_name(str(output))}: cannot write: {error.strerror or error}", exit_code=2
        ) from None


def selection_from_args(args: argparse.Namespace) -> Selection:
    """What ``list`` and ``pledges`` both start with: load the log, run ``--filter`` at
    ``--as-of`` (argparse has read it: a day, or None for today), and size a table for
    ``--output``."""
    as_of: datetime.date = args.as_of or datetime.date.today()
    collection = load_collection(args.paths, getattr(args, "rev", None))
    query_text = view_query(collection, getattr(args, "view", None), args.filter)
    indexes = select(collection, query_text, as_of)
    return Selection(
        collection=collection,
        indexes=tuple(indexes),
        as_of=as_of,
        query=query_text,
        width=table_width(args.output),
    )


def write_stream(pieces: Iterable[str], output: str | None) -> None:
    """:func:`write` for output made in pieces: each piece goes to standard output as it
    is made; a file is still written whole and atomically."""
    if output not in (None, "-"):
        write("".join(pieces), output)
        return
    for piece in pieces:
        write(piece, output)


def run(args: argparse.Namespace) -> int:
    selection = selection_from_args(args)
    module = format_module(args.format)
    stream = getattr(module, "stream_events", None)
    if stream is not None:
        write_stream(stream(selection), args.output)
    else:
        write(module.render_events(selection), args.output)
    return 0
