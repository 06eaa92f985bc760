"""``watchline sources archive``: write each source's archived copy into its block.

See :mod:`tui.commands.sources` for the options. Each source with a ``url`` and no
``archived`` gets ``archived: SNAPSHOT`` and, when it has none, ``accessed: TODAY``,
inserted after its block's last line through :func:`tui.model.edit.insert_lines` (the
lock, the checks against read-only, hard-linked or someone else's files, validation of
the result, the hash check and the atomic rename that ``rate`` uses).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import sys

from tui.commands import CommandError
from tui.model.edit import Insertion
from tui.model.links.insert import SourcePlan
from tui.model.text import printable, shown_name


def archive(args: argparse.Namespace) -> int:
    from tui.commands.list import load_collection
    from tui.commands.sources import _progress
    from tui.model.bundled import bundled_log
    from tui.model.edit import EditError, insert_lines
    from tui.model.links.archive import find_snapshots
    from tui.model.links.cited import is_web_url
    from tui.model.links.insert import plan_source_fields
    from tui.model.load import PathError, expand_paths
    from tui.model.safe_read import read_bytes

    for endpoint in (args.availability_endpoint, args.save_endpoint):
        if not is_web_url(endpoint):
            raise CommandError(f"an endpoint must be an http(s) URL, not {printable(endpoint)}")
    collection = load_collection(args.paths)
    try:
        files = expand_paths(args.paths) if args.paths else [bundled_log()]
    except PathError as error:
        raise CommandError(printable(str(error))) from None
    wanted = {
        source_id: source
        for source_id, source in collection.sources.items()
        if source.url and not source.archived and is_web_url(source.url)
    }
    if not wanted:
        print("every source with a url has an archived copy already; nothing to do")
        return 0
    urls = list(dict.fromkeys(source.url for source in wanted.values() if source.url))
    progress, clear = _progress("asking the Internet Archive", sys.stderr)
    try:
        snapshots = asyncio.run(
            find_snapshots(
                urls,
                save=args.save,
                availability_endpoint=args.availability_endpoint,
                save_endpoint=args.save_endpoint,
                timeout=args.timeout,
                user_agent=args.user_agent,
                progress=progress,
            )
        )
    finally:
        clear()
    by_url = {snapshot.url: snapshot for snapshot in snapshots}
    today = datetime.date.today().isoformat()
    fields: dict[str, dict[str, str]] = {}
    failed = 0
    for source_id, source in wanted.items():
        assert source.url is not None
        found = by_url[source.url]
        if found.snapshot is None:
            failed += 1
            print(f"{printable(source_id)}: {printable(found.reason)}", file=sys.stderr)
            continue
        fields[source_id] = {"archived": found.snapshot}
        if source.accessed is None:
            fields[source_id]["accessed"] = today
    placed: set[str] = set()
    reasons: dict[str, str] = {}
    verb = "would add" if args.dry_run else "added"
    for path in files:
        shown = shown_name(path)
        others = [p for p in files if p != path]
        try:
            if args.dry_run:
                text = read_bytes(path).decode("utf-8")
                plan = plan_source_fields(text, fields)
            else:
                plans: list[SourcePlan] = []

                def make(text: str, plans: list[SourcePlan] = plans) -> Insertion | None:
                    plans.append(plan_source_fields(text, fields))
                    return plans[-1].insertion

                insert_lines(path, make, also_load=others, what="archive its sources")
                plan = plans[-1]
        except EditError as error:
            raise CommandError(error.message, exit_code=error.exit_code) from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {shown}: {printable(str(error))}") from None
        for source_id, (line, lines) in sorted(plan.lines.items(), key=lambda item: item[1][0]):
            placed.add(source_id)
            for offset, added in enumerate(lines):
                print(f"{shown}:{line + offset}: {verb} {printable(added.strip())}")
        for source_id, reason in plan.skipped.items():
            reasons.setdefault(source_id, reason)
    for source_id in fields:
        if source_id not in placed:
            failed += 1
            reason = reasons.get(source_id, "not found")
            print(f"{printable(source_id)}: not written: {printable(reason)}", file=sys.stderr)
    count = len(placed)
    what = "would be archived" if args.dry_run else "archived"
    print(f"{count} source{'s' if count != 1 else ''} {what}; {failed} without a snapshot written")
    return 1 if failed else 0
