"""``watchline rate ID STATUS [--as-of D] [--note TEXT] [--evidence SOURCE...] PATH``.

Adds one rating to a pledge, in place: only the rating's lines are added to the file,
the result is validated first, the write is atomic, and a file that changed on disk
since it was read is never overwritten (see :mod:`tui.model.edit`).

Exit status: 0 the rating was written; 1 it was refused to keep the log safe (the file
changed on disk meanwhile, the log has problems or would have them, its layout does not
allow adding lines without changing others, the file is read-only, hard-linked or
someone else's, the pledge already has this very rating and ``--force`` was not given,
or another watchline kept writing it); 2 a mistake in the request (unknown pledge,
status or source, a bad date, an unreadable file).
"""

from __future__ import annotations

import argparse
import datetime

from tui.commands import CommandError, add_as_of_argument
from tui.model.asof import AS_OF_FORMS, is_today
from tui.model.edit import DuplicateRatingError, EditError, NewRating, add_rating
from tui.model.log import PLEDGE_STATUSES
from tui.model.text import printable, shown_name

EPILOG = """\
examples:
  watchline rate pledge-funding kept --as-of 2019-04-02 \\
      --evidence ap-bond-commission-2019 --note "Money obtained." data/ct-bodycams.yaml
  watchline rate pledge-anti-bias-plan stalled data/ct-bodycams.yaml

The rating is appended after the pledge's last rating, in the style the file uses.
The same status as of the same date as an existing rating is refused unless --force.
Exit status: 0 written; 1 refused to keep the log safe (changed on disk meanwhile,
invalid result, a read-only, hard-linked or someone else's file, the same rating again);
2 a mistake in the request (unknown pledge, status or source, bad date, unreadable file).
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # Options may come between ID STATUS and PATH (docs/design.md's order); plain parse_args
    # binds every positional at the first run of them and then rejects PATH.
    parser.parse_args = parser.parse_intermixed_args  # type: ignore[method-assign]
    parser.usage = "%(prog)s ID STATUS [--as-of DATE] [--note TEXT] [--evidence SOURCE ...] PATH"
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("id", metavar="ID", help="the id of the pledge event to rate")
    parser.add_argument(
        "status", metavar="STATUS", help=f"the new status: {', '.join(PLEDGE_STATUSES)}"
    )
    parser.add_argument(
        "path", metavar="PATH", nargs="?", help="the log file that holds the pledge"
    )
    # The rating's own date, written to the log as given (2018-06 stays 2018-06), not a
    # day to judge at; it is checked like every --as-of and `today` is today's date.
    add_as_of_argument(
        parser,
        keep_text=True,
        help=f"the date the rating is true from, written as given: {AS_OF_FORMS} (default: today)",
    )
    parser.add_argument(
        "--note", metavar="TEXT", help="why: what the evidence shows or leaves open"
    )
    parser.add_argument(
        "--evidence",
        metavar="SOURCE",
        nargs="+",
        action="extend",
        default=[],
        help="ids of sources (from the log's sources:) that support the rating",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="add the rating even if the pledge has one of this status as of this date",
    )


def run(args: argparse.Namespace) -> int:
    evidence: list[str] = list(args.evidence)
    path = args.path
    if path is None and evidence:
        # `--evidence a b PATH`: the option's list swallowed the trailing PATH.
        path = evidence.pop()
    if path is None:
        raise CommandError("PATH is required: the log file that holds the pledge")
    as_of: str | None = args.as_of
    if as_of is None or is_today(as_of):
        as_of = datetime.date.today().isoformat()
    note = args.note if args.note else None
    rating = NewRating(status=args.status, as_of=as_of, evidence=tuple(evidence), note=note)
    try:
        result = add_rating(path, args.id, rating, allow_duplicate=args.force)
    except DuplicateRatingError as error:
        raise CommandError(
            f"{error.message}. Add --force to record it again", exit_code=error.exit_code
        ) from None
    except EditError as error:
        raise CommandError(error.message, exit_code=error.exit_code) from None
    added = len(result.added_lines)
    print(
        f"{shown_name(path)}:{result.line}: rated {printable(result.event_id)} "
        f"{result.status} as of {result.as_of} "
        f"({added} line{'s' if added != 1 else ''} added)"
    )
    return 0
