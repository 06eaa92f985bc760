"""``watchline import``: other data turned into a watchline log.

    watchline import wapo DATA.csv AGENCIES.csv -o OUT.yaml
    watchline import timelinejs FILE.json -o OUT.yaml

The log is written atomically to OUT (``-`` or no ``-o``: standard output). Rows or
slides that cannot be imported are listed on stderr; an input that cannot be read or
understood (a missing file, missing columns, bad JSON) is an error naming the file, and
the line where there is one, with exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.commands import CommandError
from tui.commands.list import write
from tui.model.text import printable, shown_name

_WARNINGS_SHOWN = 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    wapo = sources.add_parser(
        "wapo",
        help="The Washington Post's Fatal Force database (v2 CSV files)",
        description=(
            "Convert The Washington Post's Fatal Force files (v2) into a log: a shooting per "
            "incident, the agencies with their kinds and ORI codes, the database cited as "
            "the source. The data is CC BY-NC-SA 4.0."
        ),
    )
    wapo.add_argument("data", metavar="DATA.csv", help="fatal-police-shootings-data.csv")
    wapo.add_argument(
        "agencies", metavar="AGENCIES.csv", help="fatal-police-shootings-agencies.csv"
    )
    wapo.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the log")
    timeline = sources.add_parser(
        "timelinejs",
        help="a TimelineJS3 JSON file",
        description=(
            "Convert a TimelineJS3 JSON file into a log: every slide an event, HTML turned "
            "into plain text, links kept as sources, groups as topics."
        ),
    )
    timeline.add_argument("file", metavar="FILE.json", help="a TimelineJS3 JSON file")
    timeline.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the log")


def run(args: argparse.Namespace) -> int:
    from tui.importers import ImportFailure

    try:
        if args.source == "wapo":
            from tui.importers.wapo import import_wapo

            result = import_wapo(Path(args.data), Path(args.agencies))
        else:
            from tui.importers.timelinejs import import_timelinejs

            result = import_timelinejs(Path(args.file))
    except ImportFailure as failure:
        raise CommandError(printable(str(failure)), exit_code=2) from None
    for warning in result.warnings[:_WARNINGS_SHOWN]:
        print(f"watchline: warning: {printable(warning)}", file=sys.stderr)
    if len(result.warnings) > _WARNINGS_SHOWN:
        more = len(result.warnings) - _WARNINGS_SHOWN
        print(f"watchline: warning: ... and {more} more left out", file=sys.stderr)
    write(result.text, args.output)
    if args.output not in (None, "-"):
        skipped = f", {len(result.warnings)} warnings" if result.warnings else ""
        print(
            f"watchline: wrote {result.events} events to {shown_name(args.output)}{skipped}",
            file=sys.stderr,
        )
    return 0
