"""``watchline import``: other data turned into a watchline log.

    watchline import wapo DATA.csv AGENCIES.csv -o OUT.yaml
    watchline import timelinejs FILE.json -o OUT.yaml
    watchline import csv DATA.csv --map MAPPING.yaml -o OUT.yaml
    watchline import jsonl DATA.jsonl --map MAPPING.yaml -o OUT.yaml
    watchline import timesketch FILE.csv|FILE.jsonl -o OUT.yaml

``csv`` and ``jsonl`` are driven by a mapping file (docs/importing.md): rows that cannot be
imported are listed and skipped, and ``--strict`` makes any of them an error (exit 1,
nothing written).

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
    sketch = sources.add_parser(
        "timesketch",
        help="a Timesketch CSV or JSON Lines file",
        description=(
            "Convert a Timesketch CSV or JSON Lines file into a log: a row an event (message, "
            "datetime, timestamp_desc and the other columns as data); a file `watchline list "
            "-F timesketch-csv` wrote gives back its events whole."
        ),
    )
    sketch.add_argument("file", metavar="FILE", help="a Timesketch .csv or .jsonl file")
    sketch.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the log")
    sketch.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        help="the file's format (default: jsonl for .jsonl/.ndjson/.json, else csv)",
    )
    sketch.add_argument(
        "--encoding", metavar="NAME", help="the file's encoding (default: detected)"
    )
    sketch.add_argument("--strict", action="store_true", help="a skipped row is an error (exit 1)")
    for fmt, what in (("csv", "a CSV file"), ("jsonl", "a JSON Lines file (one object a line)")):
        table = sources.add_parser(
            fmt,
            help=f"{what}, as a mapping file says (docs/importing.md)",
            description=(
                f"Convert {what} into a log: one event a row, its fields taken from the "
                "columns a mapping file names (docs/importing.md). Rows that cannot be "
                "imported are listed on stderr and skipped."
            ),
        )
        table.add_argument("data", metavar=f"DATA.{fmt}", help=what)
        table.add_argument(
            "--map", required=True, metavar="MAPPING.yaml", help="which column gives which field"
        )
        table.add_argument("-o", "--output", metavar="OUT.yaml", help="where to write the log")
        table.add_argument(
            "--encoding", metavar="NAME", help="the file's encoding (default: detected)"
        )
        if fmt == "csv":
            table.add_argument(
                "--delimiter",
                metavar="CHAR",
                help="the cell separator: , ; tab | (default: sniffed from the first lines)",
            )
        table.add_argument(
            "--namespace",
            metavar="PREFIX",
            help="start every id written with PREFIX- (overrides the mapping's namespace)",
        )
        table.add_argument(
            "--strict", action="store_true", help="a skipped row is an error (exit 1)"
        )


_DELIMITER_WORDS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "bar": "|"}


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    value = _DELIMITER_WORDS.get(value.lower(), value)
    if len(value) != 1:
        raise CommandError(
            f"--delimiter must be one character (or tab, comma, semicolon), not {value!r}"
        )
    return value


def _namespace(value: str | None) -> str | None:
    from tui.model.format import SLUG

    if value and not SLUG.match(value):
        raise CommandError(
            f"--namespace must be a slug (lowercase letters, digits, - and _), not {value!r}"
        )
    return value


def run(args: argparse.Namespace) -> int:
    from tui.importers import ImportFailure

    try:
        if args.source == "wapo":
            from tui.importers.wapo import import_wapo

            result = import_wapo(Path(args.data), Path(args.agencies))
        elif args.source == "timelinejs":
            from tui.importers.timelinejs import import_timelinejs

            result = import_timelinejs(Path(args.file))
        elif args.source == "timesketch":
            from tui.importers.timesketch import import_timesketch

            result = import_timesketch(Path(args.file), args.format, args.encoding)
        else:
            from tui.importers.mapped import import_mapped

            result = import_mapped(
                Path(args.data),
                Path(args.map),
                fmt=args.source,
                encoding=args.encoding,
                delimiter=_delimiter(getattr(args, "delimiter", None)),
                namespace=_namespace(args.namespace),
            )
    except ImportFailure as failure:
        raise CommandError(printable(str(failure)), exit_code=2) from None
    for note in result.notes:
        print(f"watchline: {printable(note)}", file=sys.stderr)
    for warning in result.warnings[:_WARNINGS_SHOWN]:
        print(f"watchline: warning: {printable(warning)}", file=sys.stderr)
    if len(result.warnings) > _WARNINGS_SHOWN:
        more = len(result.warnings) - _WARNINGS_SHOWN
        print(f"watchline: warning: ... and {more} more left out", file=sys.stderr)
    if result.skipped:
        print(
            f"watchline: skipped {result.skipped:,} of {result.rows:,} rows (listed above)",
            file=sys.stderr,
        )
        if getattr(args, "strict", False):
            raise CommandError("--strict: rows were skipped, so nothing was written", exit_code=1)
    write(result.text, args.output)
    if args.output not in (None, "-"):
        skipped = f", {len(result.warnings)} warnings" if result.warnings else ""
        print(
            f"watchline: wrote {result.events} events to {shown_name(args.output)}{skipped}",
            file=sys.stderr,
        )
    return 0
