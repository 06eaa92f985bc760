"""``watchline changes [PATH ...] [--since REV] [--until REV] [--filter QUERY] [--view ID]``:
what each commit changed.

Commit by commit, oldest first: the events added, removed and edited (each field with its
old and new value, shortened), ratings added or changed, and registry entries changed, with
the commit's id, author, date and message. A revision whose log fails to load is reported
and skipped. ``--filter QUERY`` keeps the events the query matches before or after each
commit (and no registry entries); ``--view ID`` starts from a saved view (the log's at
``--until``, or the user's), narrowed by ``--filter``. Formats: table (default), json, md (a corrections trail
to publish).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tui.commands import CommandError, add_view_argument, view_query
from tui.model.text import printable

if TYPE_CHECKING:
    from tui.model.history.git import Commit, Repository
    from tui.model.log import Collection
    from tui.model.query import Query


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="log files or folders in git")
    parser.add_argument("--since", metavar="REV", help="changes after this commit, tag or date")
    parser.add_argument("--until", metavar="REV", default="HEAD", help="up to this (HEAD)")
    parser.add_argument("--format", "-F", choices=("table", "json", "md"), default="table")
    parser.add_argument(
        "--filter",
        "-f",
        metavar="QUERY",
        default="",
        help="only events this query keeps in their old or new version (as in the search bar)",
    )
    add_view_argument(parser)


def run(args: argparse.Namespace) -> int:
    from tui.model.history.git import GitError, find_repository
    from tui.model.history.walk import Revision, walk_history

    if not args.paths:
        raise CommandError("name the log files or folders (inside a git repository)")
    view_id: str | None = getattr(args, "view", None)
    query = _parse_filter(args.filter) if view_id is None else None
    try:
        repo, relative = find_repository([Path(p) for p in args.paths])
        until = repo.resolve(args.until)
        since = repo.resolve(args.since) if args.since else None
        if view_id is not None:
            query = _parse_filter(view_query(_log_at(repo, until, relative), view_id, args.filter))
        revisions: list[Revision] = []
        for revision in walk_history(repo, relative, since, until):
            if query is not None:
                from tui.model.history.select import narrow

                kept = narrow(revision, query, datetime.date.today())
                if kept is None:
                    continue
                revision = kept
            # Only what is printed is kept: not the versions' logs, nor their events.
            revisions.append(Revision(revision.commit, revision.changes, revision.problems))
    except GitError as error:
        raise CommandError(printable(str(error))) from None
    out = sys.stdout
    if args.format == "json":
        json.dump([_as_json(r) for r in revisions], out, indent=1, ensure_ascii=True)
        out.write("\n")
        return 0
    md = args.format == "md"
    for revision in revisions:
        c = revision.commit
        head = f"{c.short} {c.date:%Y-%m-%d} {c.author}: {c.message}"
        print(printable(f"## {head}" if md else head), file=out)
        for problem in revision.problems:
            print(printable(f"  the log did not load here: {problem}"), file=out)
        for change in revision.changes:
            noun = "event" if change.registry == "events" else change.registry
            print(
                printable(
                    f"{'-' if md else ' '} {change.action} {noun} {change.id}: {change.title}"
                ),
                file=out,
            )
            for f in change.fields:
                print(printable(f"    {f.field}: {f.old} -> {f.new}"), file=out)
            for r in change.ratings:
                print(
                    printable(f"    rating {r.action} as of {r.as_of}: {r.old} -> {r.new}"),
                    file=out,
                )
        if md:
            print(file=out)
    return 0


def _log_at(repo: Repository, commit: Commit, relative: list[str]) -> Collection | None:
    """The log at ``commit``, whose views ``--view`` names (None when it does not load:
    then only the user's views count)."""
    from tui.model.history.loading import LogRevision, load_revision

    files = tuple(repo.files_at(commit, relative))
    return load_revision(LogRevision(repo, commit, files, tuple(relative))).collection


def _parse_filter(text: str) -> Query | None:
    """``--filter`` parsed (None when empty); a mistake is exit 2 with the span marked."""
    if not text.strip():
        return None
    from tui.commands.list import query_error_message
    from tui.model.query import QueryError, parse_query

    try:
        return parse_query(text)
    except QueryError as error:
        raise CommandError(query_error_message(text, error)) from None


def _as_json(revision: object) -> dict[str, object]:
    from dataclasses import asdict

    from tui.model.history.walk import Revision

    assert isinstance(revision, Revision)
    c = revision.commit
    return {
        "commit": c.id,
        "author": c.author,
        "date": c.date.isoformat(),
        "message": c.message,
        "problems": [str(p) for p in revision.problems],
        "changes": [asdict(change) for change in revision.changes],
    }
