"""``watchline match A B [-F table|yaml] [--min-score X] [-o FILE]``, and ``--apply REVIEW``.

Proposes pairs of an event of A and an event of B that are likely one incident seen by
two sources (:mod:`tui.model.match` scores them), best first. ``-F yaml`` writes a review
list: delete the pairs that are not the same incident, then ``--apply`` it to write
``same_as: [B-ID, ...]`` into A's events through :func:`tui.model.edit.insert_lines` (the
lock, the checks against read-only, hard-linked or someone else's files, validation of
the result with B loaded beside it, the hash check and the atomic rename ``rate`` uses).

Exit status: 0 done (pairs or none); 1 a log has problems, or a write was refused, or an
event of the review could not be written; 2 a usage mistake (a missing file, a bad review).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.commands import CommandError
from tui.model.log import Collection, Event
from tui.model.text import printable, shown_name

EPILOG = """\
examples:
  watchline match data/ct-bodycams.yaml fatal-force.yaml
  watchline match data/ct-bodycams.yaml fatal-force.yaml -F yaml -o review.yaml
  watchline match data/ct-bodycams.yaml fatal-force.yaml --apply review.yaml

Only events within a day of each other are compared; evidence adds up from the date,
the agencies, the place, people's names and the kind. Pairs already joined by same_as
are not proposed again. --apply writes same_as into A's events only; same_as is
symmetric, so B is left as it is.
"""

REVIEW_MAX_BYTES = 8 << 20


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("a", metavar="A", help="a log file or a folder of logs")
    parser.add_argument("b", metavar="B", help="another log file or folder of logs")
    parser.add_argument(
        "--format",
        "-F",
        choices=("table", "yaml"),
        default="table",
        help="table (default), or yaml: a review list to prune and --apply",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="X",
        help="propose only pairs scoring at least X (default 5: a date and more)",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (atomically)")
    parser.add_argument(
        "--apply",
        metavar="REVIEW",
        help="write the review list's pairs into A's events as same_as",
    )


def _split(
    collection: Collection, a_files: Sequence[Path], b_files: Sequence[Path]
) -> tuple[list[Event], list[Event]]:
    a_set = {os.path.realpath(p) for p in a_files}
    b_set = {os.path.realpath(p) for p in b_files}
    real: dict[str, str] = {}
    a_events: list[Event] = []
    b_events: list[Event] = []
    for event in collection.events:
        if event.location is None:
            continue
        file = event.location.file
        where = real.get(file)
        if where is None:
            where = real[file] = os.path.realpath(file)
        if where in a_set:
            a_events.append(event)
        elif where in b_set:
            b_events.append(event)
    return a_events, b_events


def run(args: argparse.Namespace) -> int:
    from tui.commands.list import load_collection, write
    from tui.model.load import PathError, expand_paths
    from tui.model.match import MIN_SCORE, propose

    for path in (args.a, args.b):
        if not Path(path).exists():
            raise CommandError(f"{shown_name(path)}: no such file or folder", exit_code=2)
    try:
        a_files, b_files = expand_paths([args.a]), expand_paths([args.b])
    except PathError as error:
        raise CommandError(printable(str(error))) from None
    if {os.path.realpath(p) for p in a_files} & {os.path.realpath(p) for p in b_files}:
        raise CommandError("A and B hold the same file; match compares two different logs")
    collection = load_collection([str(p) for p in (*a_files, *b_files)])
    a_events, b_events = _split(collection, a_files, b_files)
    if args.apply is not None:
        return _apply(args, collection, a_events, b_events, [*a_files, *b_files])
    min_score = MIN_SCORE if args.min_score is None else args.min_score
    pairs = propose(collection, a_events, b_events, min_score)
    text = _review(pairs, args.a, args.b) if args.format == "yaml" else _table(pairs)
    write(text, args.output)
    count = len(pairs)
    print(
        f"{count} pair{'s' if count != 1 else ''} proposed "
        f"({len(a_events)} events in A, {len(b_events)} in B)",
        file=sys.stderr,
    )
    return 0


def _table(pairs: Sequence[Any]) -> str:
    if not pairs:
        return ""
    rows = [("score", "date", "A", "B", "reasons")]
    for pair in pairs:
        rows.append(
            (
                f"{pair.score:g}",
                pair.a.date.text,
                pair.a.id,
                pair.b.id,
                "; ".join(pair.reasons),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out = []
    for row in rows:
        cells = [printable(cell, newlines=False) for cell in row]
        line = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells[:4]))
        out.append(f"{line}  {cells[4]}".rstrip())
    return "\n".join(out) + "\n"


def _review(pairs: Sequence[Any], a: str, b: str) -> str:
    from tui.importers.yaml_writer import quote

    def name(path: str) -> str:
        return printable(shown_name(path), newlines=False)

    out = [
        "# watchline match: pairs that may be one incident seen twice, best first.",
        "# Delete the pairs that are not the same incident, then write the rest into A's",
        "# events as same_as with:",
        f"#   watchline match {name(a)} {name(b)} --apply THIS-FILE",
        "pairs:",
    ]
    if not pairs:
        out[-1] = "pairs: []"
    for pair in pairs:
        out.append(f"  - a: {pair.a.id}")
        out.append(f"    b: {pair.b.id}")
        out.append(f"    score: {pair.score:g}")
        out.append(f"    a_title: {quote(printable(pair.a.title, newlines=False))}")
        out.append(f"    b_title: {quote(printable(pair.b.title, newlines=False))}")
        reasons = ", ".join(quote(printable(r, newlines=False)) for r in pair.reasons)
        out.append(f"    reasons: [{reasons}]")
    return "\n".join(out) + "\n"


def _read_review(path: str) -> list[tuple[str, str, tuple[int, int]]]:
    """The review list's (a, b, position) pairs, read with the loader's guards."""
    from tui.model.load.guards import check_text
    from tui.model.load.tree import parse_text
    from tui.model.safe_read import cannot_read, read_bytes

    shown = shown_name(path)
    try:
        data = read_bytes(path, cap=REVIEW_MAX_BYTES, what="a review file")
    except OSError as error:
        raise CommandError(cannot_read(shown, error)) from None
    text, problems = check_text(data, shown)
    if text is None:
        raise CommandError(printable(str(problems[0])))
    parsed = parse_text(text, shown)
    if parsed.problems:
        raise CommandError(printable(str(parsed.problems[0])))
    tree = parsed.tree
    items = tree.get("pairs") if isinstance(tree, dict) else None
    if items is None and isinstance(tree, dict) and "pairs" in tree:
        items = []
    if not isinstance(items, list):
        raise CommandError(
            f"{shown}: a review list is a mapping with 'pairs:', a list of {{a: ID, b: ID}} "
            "(as `watchline match -F yaml` writes it)"
        )
    out = []
    for index, item in enumerate(items):
        at = parsed.locator.locate(("pairs", index))
        where = f"{shown}:{at[0]}:{at[1]}"
        if not (
            isinstance(item, dict)
            and isinstance(item.get("a"), str)
            and isinstance(item.get("b"), str)
        ):
            raise CommandError(f"{where}: each pair needs 'a' and 'b', the two events' ids")
        out.append((item["a"], item["b"], at))
    return out


def _apply(
    args: argparse.Namespace,
    collection: Collection,
    a_events: Sequence[Event],
    b_events: Sequence[Event],
    files: Sequence[Path],
) -> int:
    from tui.model.edit import EditError, Insertion, insert_lines
    from tui.model.load.checks import did_you_mean
    from tui.model.same_as_write import SameAsPlan, plan_same_as

    review = _read_review(args.apply)
    in_a = {event.id: event for event in a_events}
    in_b = {event.id for event in b_events}
    shown = shown_name(args.apply)
    wanted: dict[str, list[str]] = {}
    for a_id, b_id, (line, col) in review:
        for event_id, pool, side in ((a_id, in_a, "A"), (b_id, in_b, "B")):
            if event_id not in pool:
                hint = did_you_mean(event_id, pool) if len(pool) <= 5000 else ""
                raise CommandError(
                    printable(f"{shown}:{line}:{col}: no event {event_id!r} in {side}{hint}")
                )
        if b_id in collection.same_as_group(a_id):
            continue
        ids = wanted.setdefault(a_id, [])
        if b_id not in ids:
            ids.append(b_id)
    by_file: dict[str, dict[str, tuple[int, list[str]]]] = {}
    for a_id, ids in wanted.items():
        location = in_a[a_id].location
        assert location is not None
        by_file.setdefault(location.file, {})[a_id] = (location.line, ids)
    written = 0
    failed = 0
    for file, events in by_file.items():
        name = shown_name(file)
        plans: list[SameAsPlan] = []

        def make(
            text: str, plans: list[SameAsPlan] = plans, events: Any = events
        ) -> Insertion | None:
            plans.append(plan_same_as(text, events))
            return plans[-1].insertion

        others = [p for p in files if os.path.realpath(p) != os.path.realpath(file)]
        try:
            insert_lines(file, make, also_load=others, what="write same_as")
        except EditError as error:
            raise CommandError(error.message, exit_code=error.exit_code) from None
        plan = plans[-1]
        for event_id, (line, added) in sorted(plan.lines.items(), key=lambda item: item[1][0]):
            written += 1
            print(f"{name}:{line}: added {printable(added.strip())} to {printable(event_id)}")
        for event_id, reason in plan.skipped.items():
            failed += 1
            print(f"{printable(event_id)}: not written: {printable(reason)}", file=sys.stderr)
    print(
        f"{written} event{'s' if written != 1 else ''} given same_as; {failed} not written",
        file=sys.stderr,
    )
    return 1 if failed else 0
