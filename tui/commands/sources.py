"""``watchline sources check|archive [PATH...]``: are the sources' links alive, and kept?

``check`` asks every source URL (and archived copy) whether it still answers, and prints
ok / moved / dead / not checked with the sources and events that cite it; each result is
remembered in the user's cache folder, where the TUI's detail pane reads it. Exit 0 when
nothing is dead, 1 when a link is dead (or the log has problems), 2 for a usage error.

``archive`` finds an Internet Archive snapshot for each source with a ``url`` and no
``archived`` (optionally asking Save Page Now for one) and writes ``archived:`` and
``accessed:`` into the source's block, inserting lines only, by the safe write path of
``rate`` (:mod:`tui.model.edit`). Exit 0 written (or nothing to do), 1 refused to keep
the log safe or no snapshot found for some source, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from tui.model.text import json_escaped, printable

EPILOG_CHECK = """\
examples:
  watchline sources check                       # the bundled log
  watchline sources check my-log.yaml -F json | jq '.[] | select(.status == "dead")'

Exit status: 0 no link is dead; 1 a link is dead (or the log has problems); 2 a usage error.
"""

EPILOG_ARCHIVE = """\
examples:
  watchline sources archive -n my-log.yaml     # what would be written
  watchline sources archive --save my-log.yaml # ask Save Page Now where there is no snapshot

Exit status: 0 written (or nothing to do); 1 refused to keep the log safe, or some source
has no snapshot; 2 a usage error.
"""

FORMATS = ("table", "json")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("give a number of seconds above 0 (at most 3600)")
    return value


def _user_agent(text: str) -> str:
    if not text.strip() or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise argparse.ArgumentTypeError("a User-Agent is one line of printable text")
    return text.strip()


def _add_common(parser: argparse.ArgumentParser, timeout: float) -> None:
    from tui.model.links.check import DEFAULT_USER_AGENT

    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="log files or folders of *.yaml/*.yml (default: the bundled log)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive,
        default=timeout,
        metavar="SECONDS",
        help=f"to connect, and between bytes read (default: {timeout:g})",
    )
    parser.add_argument(
        "--user-agent",
        type=_user_agent,
        default=DEFAULT_USER_AGENT,
        metavar="TEXT",
        help="the User-Agent header sent (default: names watchline)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="check every source link; print ok, moved or dead",
        description="Check every source URL and archived copy: ok, moved or dead.",
        epilog=EPILOG_CHECK,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(check, 10.0)
    check.add_argument(
        "-F", "--format", choices=FORMATS, default="table", help="table (default) or json"
    )
    archive = actions.add_parser(
        "archive",
        help="write each source's Internet Archive copy (archived:, accessed:) into the log",
        description="Find an archived copy of each source that has none and write it into "
        "the log (archived: and accessed: lines, inserted in the source's block).",
        epilog=EPILOG_ARCHIVE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(archive, 30.0)
    archive.add_argument(
        "-n", "--dry-run", action="store_true", help="print what would be written; write nothing"
    )
    archive.add_argument(
        "--save",
        action="store_true",
        help="ask Save Page Now to archive a page that has no snapshot yet",
    )
    archive.add_argument(
        "--availability-endpoint",
        metavar="URL",
        default="https://archive.org/wayback/available",
        help="the Wayback availability API (default: %(default)s)",
    )
    archive.add_argument(
        "--save-endpoint",
        metavar="URL",
        default="https://web.archive.org/save/",
        help="Save Page Now; the page's URL is appended (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args)
    from tui.commands.sources_archive import archive

    return archive(args)


# ---------------------------------------------------------------------------- check


def _progress(
    label: str, stream: TextIO
) -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A progress callback drawing ``label done/total`` on ``stream`` (only on a TTY)."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        return None, lambda: None
    drawn = [False]

    def progress(done: int, total: int) -> None:
        drawn[0] = True
        stream.write(f"\rwatchline: {label} {done}/{total}")
        stream.flush()

    def clear() -> None:
        if drawn[0]:
            stream.write("\r\x1b[K")
            stream.flush()

    return progress, clear


def _check(args: argparse.Namespace) -> int:
    from tui.commands.list import load_collection
    from tui.model.links.check import CheckOptions, run_checks
    from tui.model.links.cited import cited_urls
    from tui.model.links.remembered import remember

    collection = load_collection(args.paths)
    cited = cited_urls(collection)
    options = CheckOptions(timeout=args.timeout, user_agent=args.user_agent)
    progress, clear = _progress("checking links", sys.stderr)
    try:
        results, seconds = run_checks([c.url for c in cited], options, progress=progress)
    finally:
        clear()
    remember(r for r in results if r.status != "not-checked")
    rows: list[dict[str, Any]] = [
        {
            "url": result.url,
            "status": result.status,
            "code": result.code,
            "final_url": result.final_url,
            "reason": result.reason,
            "checked_at": result.checked_at,
            "sources": [
                {"id": citation.source_id, "field": citation.field} for citation in place.citations
            ],
            "events": list(place.events),
        }
        for place, result in zip(cited, results, strict=True)
    ]
    if args.format == "json":
        print(json_escaped(json.dumps(rows, indent=2, ensure_ascii=False)))
    else:
        _print_table(rows, seconds)
    return 1 if any(row["status"] == "dead" for row in rows) else 0


_SHOWN_STATUS = {"ok": "ok", "moved": "moved", "dead": "DEAD", "not-checked": "skip"}
_EVENTS_SHOWN = 5


def _print_table(rows: Sequence[dict[str, Any]], seconds: float) -> None:
    counts = dict.fromkeys(_SHOWN_STATUS, 0)
    for row in rows:
        status = str(row["status"])
        counts[status] += 1
        code = "" if row["code"] is None else str(row["code"])
        print(f"{_SHOWN_STATUS[status]:<5} {code:>3}  {printable(str(row['url']))}")
        if status == "moved" and row["final_url"]:
            print(f"{'':11}-> {printable(str(row['final_url']))}")
        elif status == "ok" and row["final_url"]:
            print(f"{'':11}(redirected to {printable(str(row['final_url']))})")
        elif status == "dead":
            print(f"{'':11}{printable(str(row['reason']))}")
        elif status == "not-checked":
            print(f"{'':11}not checked: {printable(str(row['reason']))}")
        print(f"{'':11}{_cited_by(row)}")
    summary = ", ".join(
        f"{counts[s]} {'not checked' if s == 'not-checked' else s}" for s in _SHOWN_STATUS
    )
    total = len(rows)
    print(f"{total} link{'s' if total != 1 else ''}: {summary} ({seconds:.1f} s)")


def _cited_by(row: dict[str, Any]) -> str:
    sources = row["sources"]
    events = row["events"]
    assert isinstance(sources, list) and isinstance(events, list)
    names = ", ".join(
        printable(s["id"]) + (" (archived copy)" if s["field"] == "archived" else "")
        for s in sources
    )
    text = f"source {names}"
    if events:
        shown = ", ".join(printable(str(e)) for e in events[:_EVENTS_SHOWN])
        more = len(events) - _EVENTS_SHOWN
        text += f"; cited by {shown}" + (f" and {more} more" if more > 0 else "")
    else:
        text += "; cited by no event"
    return text
