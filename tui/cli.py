"""The ``watchline`` command: the TUI by default, subcommands for scripts.

Each subcommand lives in ``tui.commands.<name>`` with ``add_arguments(parser)`` and
``run(args) -> int``; it is imported only when it runs, so opening the TUI does not pay
for the exporters or the SSH server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui import __version__
from tui.commands import CommandError

# name -> (module, one-line help). Order is the order of `watchline --help`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("tui.commands.validate", "check logs; print every problem as FILE:LINE:COL"),
    "list": (
        "tui.commands.list",
        "print the events a query selects (table, json, csv, md, ics, timelinejs)",
    ),
    "pledges": ("tui.commands.pledges", "print every pledge with its status as of a date"),
    "rate": ("tui.commands.rate", "add a rating to a pledge, in place"),
    "changes": ("tui.commands.changes", "what each git commit changed in a log"),
    "schema": ("tui.commands.schema", "print the JSON Schema of the log format"),
    "import": ("tui.commands.importer", "convert other data (wapo, timelinejs) into a log"),
    "serve": ("tui.commands.serve", "serve the timeline over SSH or in a browser"),
}

EPILOG = """\
commands:
{commands}

Run `watchline COMMAND --help` for a command's options.
With no PATH, watchline opens the bundled log (police use of force and body cameras in
Connecticut, 2015-2021).
"""


def _tui_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {text}" for name, (_, text) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="watchline",
        usage="watchline [PATH ...] [--filter QUERY] [--as-of DATE] [--rev REV] [--since REV]"
        " | watchline COMMAND ...",
        description="Browse an event log of what public agencies did and promised.",
        epilog=EPILOG.format(commands=commands),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="log files or folders of *.yaml/*.yml"
    )
    parser.add_argument("--filter", "-f", metavar="QUERY", default="", help="start with this query")
    parser.add_argument(
        "--as-of", metavar="DATE", help="rate pledges as of this date (default: today)"
    )
    parser.add_argument("--no-watch", action="store_true", help="do not reload when a file changes")
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="show the log as it was at this git commit, tag, branch or date (read only)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="no editor and no writes (served sessions use this)",
    )
    parser.add_argument("--version", action="version", version=f"watchline {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            name = args_list[0]
            module_name, text = SUBCOMMANDS[name]
            module = importlib.import_module(module_name)
            parser = argparse.ArgumentParser(prog=f"watchline {name}", description=text)
            module.add_arguments(parser)
            args = parser.parse_args(args_list[1:])
            return int(module.run(args) or 0)
        args = _tui_parser().parse_args(args_list)
        from tui.commands import browse

        return int(browse.run(args) or 0)
    except CommandError as error:
        print(f"watchline: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `watchline list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
