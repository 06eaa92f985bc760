"""The ``watchline`` command: the TUI by default, subcommands for scripts.

Each subcommand lives in ``tui.commands.<name>`` with ``add_arguments(parser)`` and
``run(args) -> int``; it is imported only when it runs, so opening the TUI does not pay
for the exporters or the SSH server.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from tui import __version__
from tui.commands import CommandError, add_as_of_argument, add_view_argument
from tui.model.text import printable

# name -> (module, one-line help). Order is the order of `watchline --help`.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("tui.commands.validate", "check logs; print every problem as FILE:LINE:COL"),
    "list": (
        "tui.commands.list",
        "print the events a query selects (table, json, csv, md, ics, timelinejs)",
    ),
    "pledges": ("tui.commands.pledges", "print every pledge with its status as of a date"),
    "rate": ("tui.commands.rate", "add a rating to a pledge, in place"),
    "sources": (
        "tui.commands.sources",
        "check the sources' links (ok, moved, dead); write archived copies into a log",
    ),
    "match": (
        "tui.commands.match",
        "propose pairs of events in two logs that are one incident; write same_as",
    ),
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


def tui_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {text}" for name, (_, text) in SUBCOMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="watchline",
        usage="watchline [PATH ...] [--filter QUERY] [--view ID] [--as-of DATE] [--rev REV] [--since REV]"
        " | watchline COMMAND ...",
        description="Browse an event log of what public agencies did and promised.",
        epilog=EPILOG.format(commands=commands),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="log files or folders of *.yaml/*.yml"
    )
    parser.add_argument("--filter", "-f", metavar="QUERY", default="", help="start with this query")
    add_view_argument(parser)
    add_as_of_argument(parser)
    parser.add_argument("--no-watch", action="store_true", help="do not reload when a file changes")
    parser.add_argument(
        "--rev",
        metavar="REV",
        help="show the log as it was at this git commit, tag, branch or date (read only)",
    )
    parser.add_argument(
        "--since",
        metavar="REV",
        help="mark the events new (+) or changed (~) since this git commit, tag or date, "
        "with each event's history (h)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="no editor and no writes (served sessions use this)",
    )
    parser.add_argument("--version", action="version", version=f"watchline {__version__}")
    return parser


def _command_parser(name: str) -> tuple[Any, argparse.ArgumentParser]:
    """The module of subcommand ``name`` and its parser, with the module's arguments."""
    module_name, text = SUBCOMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"watchline {name}", description=text)
    module.add_arguments(parser)
    return module, parser


class PrintableStream:
    """A text stream whose every write passes :func:`printable` first.

    stderr is wrapped for the whole command (it carries only messages for people: errors,
    warnings, problems, the server's log, argparse's usage), and stdout when it is a
    terminal, so no control or invisible character reaches a terminal even from a message
    that forgot to clean what it quotes. Everything but ``write`` is the stream's own.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _never_fails_to_encode(stream: object) -> None:
    """A character the stream's encoding lacks is written as ``\\u2603``, not raised."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # A closed or detached stream: nothing to protect.
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="backslashreplace")


@contextmanager
def _guarded_output() -> Iterator[None]:
    """stdout and stderr that never fail on an encoding and never pass a control character
    to a terminal (see :class:`PrintableStream`); put back as they were afterwards."""
    saved = sys.stdout, sys.stderr
    for stream in saved:
        _never_fails_to_encode(stream)
    sys.stderr = PrintableStream(sys.stderr)
    if _is_terminal(sys.stdout):
        sys.stdout = PrintableStream(sys.stdout)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    with _guarded_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            name = args_list[0]
            module, parser = _command_parser(name)
            args = parser.parse_args(args_list[1:])
            return int(module.run(args) or 0)
        args = tui_parser().parse_args(args_list)
        from tui.commands import browse

        return int(browse.run(args) or 0)
    except CommandError as error:
        print(f"watchline: error: {printable(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `watchline list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    except Exception:
        # A bug: the traceback is for a report, and its text (which may quote a log or a
        # path) passes printable like every other line on stderr.
        import traceback

        print("watchline: internal error (a bug; please report it):", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return 70  # EX_SOFTWARE


if __name__ == "__main__":
    raise SystemExit(main())
