"""``watchline pledges``: every pledge with its status and overdue as of a date.

    watchline pledges [PATH ...] [--as-of DATE] [--filter QUERY] [--format table|json|csv|md]

A row per pledge the query keeps (``tui.model.pledges.pledge_rows``). The table says
"overdue by N months" in words, so the mark survives NO_COLOR and pipes. JSON objects
carry ``id``, ``status``, ``overdue`` and the rest of ``tui.formats.pledge_rows``.
"""

from __future__ import annotations

import argparse

from tui.commands.list import (
    add_common_arguments,
    load_collection,
    parse_as_of,
    select,
    table_width,
    write,
)
from tui.formats import PLEDGE_FORMATS, Selection, format_module


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

    as_of = parse_as_of(args.as_of)
    collection = load_collection(args.paths)
    indexes = select(collection, args.filter, as_of)
    rows = pledge_rows(collection, as_of, indexes)
    selection = Selection(
        collection=collection,
        indexes=tuple(indexes),
        as_of=as_of,
        query=args.filter,
        width=table_width(args.output),
    )
    module = format_module(args.format, PLEDGE_FORMATS)
    write(module.render_pledges(rows, selection), args.output)
    return 0
