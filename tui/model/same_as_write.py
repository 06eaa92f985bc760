"""``same_as: [ID, ...]`` lines inserted into event blocks: text only, no file access.

``watchline match --apply`` writes through :func:`tui.model.edit.insert_lines` (the lock,
validation, the hash check, the atomic rename); this module plans the text. An event's
block starts at its ``- id: ID`` line (the line the loader recorded, checked again here)
and runs to the next item of ``events`` or the next top-level key; the new line goes
after its last line that is not blank, at the column of its keys. The block is parsed
before and after: it must read as itself plus ``same_as``, or the event is skipped with
the reason (a flow-style event, a block scalar that keeps trailing blank lines, an event
that has ``same_as`` already).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tui.model.edit import Insertion

__all__ = ["SameAsPlan", "plan_same_as"]

_TOP_LEVEL = re.compile(r"^[^\s#]")


@dataclass(frozen=True, slots=True)
class SameAsPlan:
    """What :func:`plan_same_as` would do: the line per event, and events skipped."""

    insertion: Insertion | None
    lines: dict[str, tuple[int, str]]  # event id -> (1-based line in the new text, line)
    skipped: dict[str, str]  # event id -> why it was left alone


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def plan_same_as(text: str, wanted: Mapping[str, tuple[int, Sequence[str]]]) -> SameAsPlan:
    """``text`` with ``same_as: [ids]`` added to each event of ``wanted``.

    ``wanted`` maps an event id to (the 1-based line of its ``- id:``, the ids to add).
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if any(line.endswith("\r\n") for line in lines[:50]) else "\n"
    skipped: dict[str, str] = {}
    inserts: list[tuple[int, str, str]] = []  # (insert before 0-based line, id, line)
    for event_id, (line_no, ids) in wanted.items():
        start = line_no - 1
        head = re.compile(
            rf"^( *)-( +)id: *(?:{re.escape(event_id)}|\"{re.escape(event_id)}\""
            rf"|'{re.escape(event_id)}')[ \t]*(?:#.*)?\r?\n?$"
        )
        match = head.match(lines[start]) if 0 <= start < len(lines) else None
        if match is None:
            skipped[event_id] = "its block does not start with '- id:' on the line read"
            continue
        dash = len(match.group(1))
        column = dash + 1 + len(match.group(2))
        end = start + 1
        while end < len(lines) and not (
            _TOP_LEVEL.match(lines[end]) or (_indent_of(lines[end]) <= dash and lines[end].strip())
        ):
            end += 1
        last = start
        for i in range(start + 1, end):
            if lines[i].strip():
                last = i
        new = " " * column + "same_as: [" + ", ".join(ids) + "]"
        reason = _check_block(lines[start : last + 1], new, list(ids))
        if reason is not None:
            skipped[event_id] = reason
            continue
        inserts.append((last + 1, event_id, new))
    if not inserts:
        return SameAsPlan(None, {}, skipped)
    out: list[str] = []
    added: list[tuple[int, int]] = []
    shown: dict[str, tuple[int, str]] = {}
    previous = 0
    for at, event_id, new in sorted(inserts):
        chunk = lines[previous:at]
        if chunk and not chunk[-1].endswith(("\n", "\r")):
            chunk[-1] += newline
        out.extend(chunk)
        added.append((len(out) + 1, 1))
        shown[event_id] = (len(out) + 1, new)
        out.append(new + newline)
        previous = at
    out.extend(lines[previous:])
    return SameAsPlan(Insertion("".join(out), tuple(added)), shown, skipped)


def _check_block(block: list[str], new: str, ids: list[str]) -> str | None:
    """None when the event's lines with ``new`` appended read as it plus ``same_as``."""
    loader = YAML(typ="safe", pure=True)
    old_text = "".join(line if line.endswith("\n") else line + "\n" for line in block)
    try:
        old = loader.load(old_text)
        new_doc = loader.load(old_text + new + "\n")
    except YAMLError:
        return "its block could not be read on its own (anchors, or an odd layout)"
    if not (isinstance(old, list) and len(old) == 1 and isinstance(old[0], dict)):
        return "its block is not a mapping of fields written one key a line"
    if "same_as" in old[0]:
        return "it has same_as already; add the ids to it by hand"
    expected = {**old[0], "same_as": ids}
    if not (isinstance(new_doc, list) and len(new_doc) == 1 and new_doc[0] == expected):
        return (
            "adding a line here would change its other fields (a block scalar keeps blank lines?)"
        )
    if list(new_doc[0]) != list(expected):
        return "adding a line here would change its other fields"
    return None
