"""Positions without a full parse: where events start, and a problem placed lazily.

:func:`scan_event_positions` finds the start of each item of a block-style ``events:``
list by a line scan; :class:`LazyLocator` places a problem by parsing only the event or
top-level block that holds it, when a problem first needs placing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.model.load.tree import Locator, parse_text

_EVENTS_KEY = re.compile(r"^events:[ \t]*(?:#.*)?$", re.MULTILINE)
_ITEM = re.compile(r"( *)-(?:( +)(\S)|[ \t]*(?:#.*)?$)")


def scan_event_positions(text: str) -> list[tuple[int, int]] | None:
    """Where each item of a block-style top-level ``events:`` list starts, by a line scan.

    Cheap (no parser), for a :class:`Locator` over a tree another parser made. Returns
    ``None`` when the file is not laid out simply enough to be sure (a flow-style list,
    no ``events:`` key at the left margin); the caller then asks a real parser.
    """
    match = _EVENTS_KEY.search(text)
    if match is None:
        return None
    line_number = text.count("\n", 0, match.start()) + 1
    positions: list[tuple[int, int]] = []
    indent: int | None = None
    pending = False  # a "-" alone on its line: the item starts on the next content line
    for line in text[match.end() + 1 :].split("\n"):
        line_number += 1
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        here = len(line) - len(stripped)
        if pending:
            positions.append((line_number, here + 1))
            pending = False
            continue
        if indent is not None and here > indent:
            continue
        item = _ITEM.match(line)
        if item is None or (indent is not None and here != indent):
            break  # the next top-level key, or a layout this scan does not follow
        indent = here
        if item.group(3) is None:
            pending = True
        else:
            positions.append((line_number, item.start(3) + 1))
    return positions


# A key at the left margin: where one top-level block of a log ends and the next begins.
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)", re.MULTILINE)
# Any other line that starts at the margin, except comments and the items of a list there.
_TOP_OTHER = re.compile(r"^[^\s#\-]", re.MULTILINE)
_NEWLINE = re.compile("\n")


@dataclass(slots=True)
class _Piece:
    """One top-level block (``agencies:``) or one item of ``events:``, parsed on its own."""

    tree: Any  # the block's value, or the event's mapping
    locator: Locator
    first_line: int  # 1-based line of the piece's first line in the whole file


class LazyLocator:
    """A :class:`Locator` for a plain tree that a faster parser made from ``text``.

    Positions are worked out only when a problem needs one, and only for the piece of the
    file it lies in: one event (from the line where it starts to the next one's), or one
    top-level block such as ``agencies:``. That piece is parsed alone by
    :func:`parse_text`, at its own columns, and cached; a problem in a 10k-event log costs
    a few milliseconds to place, not a re-parse of the whole file (tens of seconds). Where
    the layout does not allow a piece to stand alone (document markers, a flow-style
    ``events``, an alias to an anchor elsewhere), the whole text is parsed, once. Event
    start lines come from a line scan, checked against ``event_count`` and replaced by
    the parse when the two disagree.
    """

    def __init__(self, text: str | bytes, file: str, event_count: int | None = None) -> None:
        # Bytes (a cache hit) are decoded only when a problem needs placing: 48 MB of a
        # 100k-event log take tens of milliseconds a warm start need not spend.
        self._source = text
        self._file = file
        self._event_count = event_count
        self._inner: Locator | None = None
        self._pieces: dict[tuple[str | int, ...], _Piece | None] = {}
        self._blocks: dict[str, tuple[int, int, int]] | None = None  # name -> start, end, line
        self._positions: list[tuple[int, int]] | None = None
        self._offsets: list[int] | None = None

    @property
    def _text(self) -> str:
        if isinstance(self._source, bytes):
            self._source = self._source.decode("utf-8", "surrogateescape")
        return self._source

    def _locator(self) -> Locator:
        if self._inner is None:
            self._inner = parse_text(self._text, self._file).locator
        return self._inner

    # ---- pieces

    def _top_blocks(self) -> dict[str, tuple[int, int, int]]:
        """Each top-level key's block: start and end offsets, and its first line."""
        if self._blocks is None:
            text = self._text
            blocks: dict[str, tuple[int, int, int]] = {}
            starts = [match.start() for match in _TOP_OTHER.finditer(text)]
            keys = {match.start(): match.group(1) for match in _TOP_KEY.finditer(text)}
            simple = all(start in keys for start in starts) and len(set(keys.values())) == len(keys)
            if simple and not text.startswith(("---", "...", "%")) and "\n---" not in text:
                line = 1
                previous = 0
                for index, start in enumerate(starts):
                    line += text.count("\n", previous, start)
                    previous = start
                    end = starts[index + 1] if index + 1 < len(starts) else len(text)
                    blocks[keys[start]] = (start, end, line)
            self._blocks = blocks
        return self._blocks

    def _event_lines(self) -> list[tuple[int, int]] | None:
        if self._positions is None:
            positions = scan_event_positions(self._text)
            if positions is None or (
                self._event_count is not None and len(positions) != self._event_count
            ):
                return None
            self._positions = positions
        return self._positions

    def _parse_piece(self, text: str, first_line: int) -> _Piece | None:
        parsed = parse_text(text, self._file)
        if parsed.problems or parsed.tree is None:
            return None  # it does not stand alone (an alias to an anchor elsewhere, say)
        return _Piece(parsed.tree, parsed.locator, first_line)

    def piece(self, path: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], _Piece] | None:
        """The piece ``path`` lies in, parsed alone, and the path of its root in the file."""
        if not path:
            return None
        if path[0] == "events" and len(path) >= 2 and isinstance(path[1], int):
            where: tuple[str | int, ...] = ("events", path[1])
        elif isinstance(path[0], str) and path[0] != "events":
            where = (path[0],)
        else:
            return None
        if where not in self._pieces:
            self._pieces[where] = self._cut(where)
        found = self._pieces[where]
        return (where, found) if found is not None else None

    def _cut(self, where: tuple[str | int, ...]) -> _Piece | None:
        blocks = self._top_blocks()
        block = blocks.get(str(where[0]))
        if block is None:
            return None
        start, end, line = block
        if len(where) == 1:
            piece = self._parse_piece(self._text[start:end], line)
            if piece is None or not isinstance(piece.tree, dict) or list(piece.tree) != [where[0]]:
                return None
            piece.tree = piece.tree[where[0]]
            return piece
        positions = self._event_lines()
        index = where[1]
        if positions is None or not isinstance(index, int) or not 0 <= index < len(positions):
            return None
        offsets = self._line_starts()
        item_line, item_col = positions[index]
        first = offsets[item_line - 1]
        stop = offsets[positions[index + 1][0] - 1] if index + 1 < len(positions) else end
        if not start <= first < stop <= end:
            return None
        # The item's first line loses its "- " (and what leads it) to spaces, so every
        # node keeps its column and the piece parses as a mapping on its own.
        piece_text = " " * (item_col - 1) + self._text[first + item_col - 1 : stop]
        return self._parse_piece(piece_text, item_line)

    def _line_starts(self) -> list[int]:
        """The offset where each line starts (index 0: line 1), worked out once."""
        if self._offsets is None:
            self._offsets = [0, *(match.end() for match in _NEWLINE.finditer(self._text))]
        return self._offsets

    def _find(self, path: tuple[str | int, ...], key: bool) -> tuple[int, int]:
        if not path and self._top_blocks():
            # The root mapping starts at its first key (the blocks exist: no markers).
            first = min(start for start, _, _ in self._top_blocks().values())
            return self._text.count("\n", 0, first) + 1, 1
        found = self.piece(path)
        if found is None:
            inner = self._locator()
            return inner.locate_key(path) if key else inner.locate(path)
        where, piece = found
        rest = path[len(where) :]
        if len(where) == 1:
            rest = path  # a block's piece holds its key too
        line, col = piece.locator.locate_key(rest) if key else piece.locator.locate(rest)
        return line + piece.first_line - 1, col

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self._find(path, key=False)

    def locate_key(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self._find(path, key=True)

    def event_positions(self) -> list[tuple[int, int]]:
        positions = self._event_lines()
        if positions is not None:
            return positions
        return self._locator().event_positions()


# --------------------------------------------------------------------------- building
