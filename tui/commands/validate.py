"""``watchline validate PATH...``: check logs and print every problem.

Each problem goes to stderr as ``FILE:LINE:COL: error: MESSAGE`` (sorted, all of them at
once); a valid set of logs prints one summary line per file to stdout. Exit 0 when valid,
1 when there are problems, 2 for a usage error or a file that cannot be read. ``--strict``
also warns (``FILE:LINE:COL: warning: ...``) about figures and quotations that cite none of
an event's several sources, and exits 1 if there are any (see :mod:`tui.model.uncited`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.commands import CommandError
from tui.commands.revision import add_rev_argument, load_at, open_at
from tui.model.text import printable, shown_name

if TYPE_CHECKING:
    from tui.model.log import Event


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="log files or folders of *.yaml/*.yml; several are checked together "
        "(references may cross files, event ids must be unique across them)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also warn about figures and quotations in an event's text that cite none of "
        "its several sources ([@source-id]); exit 1 if there are any",
    )
    add_rev_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Validate ``args.paths`` as one merged collection; return the exit status."""
    from tui.model.load import PathError, expand_paths, load_paths

    names: list[str]
    if args.rev is not None:
        # The files as one commit has them, named as git names them: 3d502c80:log.yaml.
        revision = open_at(args.paths, args.rev)
        names = [revision.name(f.path) for f in revision.files]
        result = load_at(revision)
    else:
        try:
            files = expand_paths(args.paths)
        except PathError as error:
            raise CommandError(printable(str(error)), exit_code=2) from None
        from tui.commands.progress import load_progress

        with load_progress("checking") as progress:
            result = load_paths(files, progress)
        names = [str(path) for path in files]
    for problem in result.problems:
        print(str(problem), file=sys.stderr)
    if result.unreadable:
        unreadable = ", ".join(shown_name(name) for name in result.unreadable)
        raise CommandError(f"cannot read {unreadable}", exit_code=2)
    if result.problems or result.collection is None:
        count = len(result.problems)
        print(f"{count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    per_file: dict[str, int] = dict.fromkeys(names, 0)
    for event in result.collection.events:
        if event.location is not None:
            per_file[event.location.file] = per_file.get(event.location.file, 0) + 1
    for name, count in per_file.items():
        print(f"{shown_name(name)}: {count} event{'s' if count != 1 else ''}, valid")
    if getattr(args, "strict", False):
        return _warn_uncited(result.collection.events)
    return 0


def _warn_uncited(events: Sequence[Event]) -> int:
    """``FILE:LINE:COL: warning: ...`` for each uncited claim; 1 if there is any."""
    from tui.model.uncited import uncited

    found = uncited(events)
    for claim in found:
        excerpt = claim.sentence if len(claim.sentence) <= 80 else claim.sentence[:79] + "…"
        print(
            printable(
                f"{claim.event.location}: warning: {claim.field} of '{claim.event.id}': "
                f"{claim.what} with no citation; cite the source it rests on, "
                f"e.g. [@{claim.event.sources[0]}]: '{excerpt}'"
            ),
            file=sys.stderr,
        )
    if found:
        count = len(found)
        print(f"{count} uncited claim{'s' if count != 1 else ''}", file=sys.stderr)
        return 1
    return 0
