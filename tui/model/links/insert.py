"""``archived:`` and ``accessed:`` lines inserted into source blocks: text only, no file access.

A source block is a key of the top-level ``sources:`` mapping with a block mapping under
it (the bundled log's layout). The new lines go after the block's last line, at the
column of its keys, in the file's line endings; every original line stays as it was.
Each block's lines are parsed before and after: the source must read as itself plus the
new keys, or that source is skipped with the reason (a flow-style block, a block scalar
that keeps trailing blank lines, a key already there).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tui.model.edit import Insertion
from tui.model.edit.scalars import quoted, scalar

__all__ = ["SourcePlan", "plan_source_fields"]

_SOURCES_KEY = re.compile(r"^sources:[ \t]*(#.*)?\r?$")
_TOP_LEVEL = re.compile(r"^[^\s#]")
# A key line of the sources mapping: `  id:` (maybe quoted), then a comment or a value.
_KEY_LINE = re.compile(
    r"""^(?P<indent> +)(?:"(?P<dq>[^"\\]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s"'#:][^\s:#]*))"""
    r"""[ \t]*:(?:[ \t]+(?P<rest>.*?))?[ \t]*\r?$"""
)
# URLs (and dates) written without quotes when YAML reads them back as the same text.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+")


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """What :func:`plan_source_fields` would do: lines per source, and sources skipped."""

    insertion: Insertion | None
    lines: dict[str, tuple[int, tuple[str, ...]]]  # source id -> (1-based line, added lines)
    skipped: dict[str, str]  # source id -> why it was left alone


def _url_scalar(value: str) -> str:
    if _PLAIN_URL.fullmatch(value) and not value.endswith(":"):
        try:
            if YAML(typ="safe", pure=True).load(f"v: {value}")["v"] == value:
                return value
        except YAMLError:
            pass
    return quoted(value)


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def plan_source_fields(text: str, fields: Mapping[str, Mapping[str, str]]) -> SourcePlan:
    """``text`` with each source's new ``fields`` (source id -> {key: value}) inserted.

    Keys are written in the order given; ``archived`` values as URLs, others as scalars.
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if any(line.endswith("\r\n") for line in lines[:50]) else "\n"
    skipped: dict[str, str] = {}
    start = next((i for i, line in enumerate(lines) if _SOURCES_KEY.match(line)), None)
    if start is None:
        return SourcePlan(None, {}, dict.fromkeys(fields, "no block-style sources: mapping"))
    end = next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
    child = next(
        (_indent_of(lines[i]) for i in range(start + 1, end) if not _blank_or_comment(lines[i])),
        None,
    )
    if not child:
        return SourcePlan(None, {}, dict.fromkeys(fields, "the sources: mapping is empty"))
    # Each source key at the child column: its line and the end of its block.
    keys: list[tuple[str, int, str | None]] = []
    for i in range(start + 1, end):
        line = lines[i]
        if _blank_or_comment(line) or _indent_of(line) != child:
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            continue
        key = match.group("dq") or match.group("sq") or match.group("plain")
        rest = match.group("rest")
        keys.append((key, i, rest if rest and not rest.startswith("#") else None))
    inserts: list[tuple[int, str, list[str]]] = []  # (insert before 0-based line, id, lines)
    for n, (key, line_no, rest) in enumerate(keys):
        if key not in fields:
            continue
        if rest is not None:
            skipped[key] = "its block is written on one line (flow style); write it one key a line"
            continue
        block_end = keys[n + 1][1] if n + 1 < len(keys) else end
        body = [
            i
            for i in range(line_no + 1, block_end)
            if lines[i].strip() and _indent_of(lines[i]) > child
        ]
        keyed = [i for i in body if not _blank_or_comment(lines[i])]
        if not keyed:
            skipped[key] = "its block is empty"
            continue
        column = _indent_of(lines[keyed[0]])
        new = [
            " " * column
            + f"{name}: "
            + (_url_scalar(value) if name == "archived" else scalar(value, date=True))
            for name, value in fields[key].items()
        ]
        at = body[-1] + 1
        reason = _check_block(lines[line_no:at], new, key, fields[key], child)
        if reason is not None:
            skipped[key] = reason
            continue
        inserts.append((at, key, new))
    for key in fields:
        if key not in skipped and key not in {k for _, k, _ in inserts}:
            skipped[key] = "not found under sources: in this file"
    if not inserts:
        return SourcePlan(None, {}, skipped)
    out: list[str] = []
    added: list[tuple[int, int]] = []
    shown: dict[str, tuple[int, tuple[str, ...]]] = {}
    previous = 0
    for at, key, new in sorted(inserts):
        chunk = lines[previous:at]
        if chunk and not chunk[-1].endswith(("\n", "\r")):
            chunk[-1] += newline
        out.extend(chunk)
        first = len(out) + 1
        added.append((first, len(new)))
        shown[key] = (first, tuple(new))
        out.extend(line + newline for line in new)
        previous = at
    out.extend(lines[previous:])
    return SourcePlan(Insertion("".join(out), tuple(added)), shown, skipped)


def _check_block(
    block: list[str], new: list[str], key: str, values: Mapping[str, str], child: int
) -> str | None:
    """None when the block with ``new`` appended reads as itself plus ``values``."""
    loader = YAML(typ="safe", pure=True)
    old_text = "".join(line if line.endswith("\n") else line + "\n" for line in block)
    try:
        old = loader.load(old_text)
        new_doc = loader.load(old_text + "".join(line + "\n" for line in new))
    except YAMLError:
        return "its block could not be read on its own (anchors, or an odd layout)"
    if not (isinstance(old, dict) and list(old) == [key] and isinstance(old[key], dict)):
        return "its block is not a mapping of fields"
    if any(name in old[key] for name in values):
        return "it already has " + ", ".join(name for name in values if name in old[key])
    expected = {**old[key], **values}
    got = new_doc.get(key) if isinstance(new_doc, dict) else None
    if not isinstance(got, dict) or {k: str(v) for k, v in got.items() if k in values} != dict(
        values
    ):
        return "the new lines would not read back as written (a block scalar keeps blank lines?)"
    if {k: v for k, v in got.items() if k not in values} != old[key] or list(got) != list(expected):
        return "adding lines here would change its other fields"
    return None
