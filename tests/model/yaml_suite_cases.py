"""The yaml-test-suite's cases, and each one embedded in an otherwise valid log.

Shared by ``tests/model/test_yaml_suite.py`` and ``benchmarks/parsers.py``. The suite is
read from the shared folder (``../shared/datasets/yaml-test-suite/``, or
``$WATCHLINE_SHARED``), never copied into the repository.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("WATCHLINE_SHARED", REPO.parent / "shared"))
SUITE = SHARED / "datasets" / "yaml-test-suite" / "data"

# A minimal valid log; the case becomes the value of the event's `data:` (key at column 4).
HEAD = (
    "watchline: 1\n"
    "title: Suite\n"
    "sources:\n"
    "  s1: {title: S}\n"
    "events:\n"
    "  - id: e1\n"
    "    date: 2017\n"
    "    kind: other\n"
    "    title: T\n"
    "    sources: [s1]\n"
    "    data:"
)
# A document's top node has indentation -1 and `data:`'s value 4: every line moves right by 5,
# so indentation indicators (`|1`) and "more indented than the parent" keep their meaning.
SHIFT = " " * 5
NO_DATA = object()  # the embedded value when the log has no `data:` at all

_DIRECTIVE_OR_COMMENT = re.compile(r"%|#|[ \t]*(?:#|$)")
_DOCUMENT_START = re.compile(r"---(?=[ \t]|$)")
_MARKER = re.compile(r"(?:---|\.\.\.)(?=[ \t]|$)")


@dataclass(frozen=True)
class Case:
    """One case of the suite."""

    id: str  # "2JQS", or "DK95/01" for a folder's numbered case
    name: str
    text: str  # in.yaml
    error: bool  # the suite says the input must be refused
    documents: tuple[Any, ...] | None  # in.json's values, one a document; None without in.json

    @property
    def log(self) -> str:
        return embed(self.text)


def embed(text: str) -> str:
    """``text`` as the value of ``data:`` in an otherwise valid log.

    Directives and comments before a ``---`` stay at the top of the file (so they apply to
    the log's document), the content after ``---`` goes after ``data:``, and the rest of the
    first document is shifted right by :data:`SHIFT`. Anything from the next document
    marker on stays as written: a second document stays a second document.
    """
    lines = text.split("\n")
    index = 0
    while index < len(lines) and _DIRECTIVE_OR_COMMENT.match(lines[index]):
        index += 1
    prologue = lines[:index]
    first = ""
    if index < len(lines) and _DOCUMENT_START.match(lines[index]):
        first = lines[index][3:]
        index += 1
        prologue.append("---")
    elif not any(line.startswith("%") for line in prologue):
        # No directives: the comments and blank lines are content of the shifted part.
        index = 0
        prologue = []
    body = []
    while index < len(lines) and not _MARKER.match(lines[index]):
        line = lines[index]
        body.append(SHIFT + line if line else line)
        index += 1
    rest = lines[index:]
    head = "\n".join([*prologue, HEAD]) if prologue else HEAD
    return "\n".join([head + first, *body, *rest])


def _json_values(text: str) -> tuple[Any, ...]:
    decoder = json.JSONDecoder()
    values = []
    index = 0
    text = text.strip()
    while index < len(text):
        value, index = decoder.raw_decode(text, index)
        values.append(value)
        while index < len(text) and text[index].isspace():
            index += 1
    return tuple(values)


def load_cases() -> list[Case]:
    """Every case of the suite (402), in folder order; empty if the suite is not there."""
    if not SUITE.is_dir():
        return []
    cases = []
    for folder in sorted(SUITE.iterdir()):
        if not re.fullmatch(r"[0-9A-Z]{4}", folder.name):
            continue  # name/ and tags/ are indexes of links
        numbered = sorted(p for p in folder.iterdir() if p.is_dir())
        for case in numbered or [folder]:
            json_file = case / "in.json"
            cases.append(
                Case(
                    id=str(case.relative_to(SUITE)),
                    name=(case / "===").read_text(encoding="utf-8").strip(),
                    text=(case / "in.yaml").read_bytes().decode("utf-8"),
                    error=(case / "error").exists(),
                    documents=(
                        _json_values(json_file.read_text(encoding="utf-8"))
                        if json_file.exists()
                        else None
                    ),
                )
            )
    return cases


def same(first: Any, second: Any) -> bool:
    """Equal with types told apart (1, 1.0 and True differ) and NaN equal to itself."""
    if type(first) is not type(second):
        return False
    if isinstance(first, dict):
        return first.keys() == second.keys() and all(same(first[k], second[k]) for k in first)
    if isinstance(first, list):
        return len(first) == len(second) and all(map(same, first, second))
    if isinstance(first, float) and math.isnan(first):
        return math.isnan(second)
    return bool(first == second)
