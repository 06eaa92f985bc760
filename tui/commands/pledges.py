"""``watchline pledges``: every pledge with its status and overdue as of a date.

    watchline pledges [PATH ...] [--as-of DATE] [--filter QUERY] [--view ID] [--format table|json|csv|md]

A row per pledge the query keeps (``tui.model.pledges.pledge_rows``). The table says
"overdue by N months" in words, so the mark survives NO_COLOR and pipes. JSON objects
carry ``id``, ``status``, ``overdue`` and the rest of ``tui.formats.pledge_rows``.
"""

from __future__ import annotations

import argparse

from tui.commands.list import add_common_arguments, selection_from_args, write
from tui.formats import PLEDGE_FORMATS, format_module


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument(
        "--format",
        "-F",
        choices=tuple(PLEDGE_FORMATS),
        default="table",
        help="table (default), json, csv or md",
    )


def run(args: argparse.Namespace) -> int:
    from tui.model.pledges import pledge_rows

    selection = selection_from_args(args)
    rows = pledge_rows(selection.collection, selection.as_of, selection.indexes)
    module = format_module(args.format, PLEDGE_FORMATS)
    write(module.render_pledges(rows, selection), args.output)
    return 0
