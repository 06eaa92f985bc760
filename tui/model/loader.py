"""Log files -> one :class:`~tui.model.log.Collection`, with every problem at once.

Loading runs in stages, each of which can only add problems, never raise:

1. **read** (:func:`read_text`): a size cap, strict UTF-8 (each bad byte reported at its
   line and column), no raw control bytes. Nesting is bounded where each parser needs it:
   this module's ruamel stage counts depth from events as it goes, and the native parser
   of :mod:`tui.model.fastload` only sees text whose nesting is bounded beforehand.
2. **parse** (:func:`parse_text`): text -> a *plain tree* (``dict``/``list``/``str``/
   ``int``/``float``/``bool``/``None``, and ``datetime.date`` where a parser makes one)
   plus a :class:`Locator`. The ruamel.yaml parser here is driven event by event, so the
   tree is built without recursion and with every guard in place as it grows: nesting
   depth, alias expansion, YAML tags (refused, never constructed), duplicate keys,
   control characters that arrive through escapes such as ``"\\e"``.
3. **build** (:class:`Builder`): plain tree -> model objects, checked against the field
   table in :mod:`tui.model.format`. The builder never touches a parser's types; it asks
   the locator where a path is only when it has a problem to place, plus once per file
   for the lines where events start (:meth:`Locator.event_positions`).
4. **merge** (:func:`load_paths`): registries united across files, event ids unique,
   every reference resolved.

**The seam for a faster parser.** A fast path (yaml-rs for the tree, a cache) replaces
stage 2 only: give :class:`Builder` any plain tree and any object with the
:class:`Locator` methods. Positions can be computed lazily, e.g. by running
:func:`parse_text` on the same text only when ``locate`` is first called;
``event_positions`` must stay cheap because every load calls it once per file (a scan of
the lines that start an item of ``events:`` is enough). Run :func:`read_text`'s guards
first, and bound nesting before a native parser sees the text
(:func:`tui.model.fastload.nesting_bounded`): a native parser must never see unbounded
nesting. :func:`load_file` is the one place
that chooses the parser. ``tests/model/test_loader_seam.py`` shows yaml-rs through this
seam (``yaml_rs.loads(text, parse_datetime=False)`` + :class:`LazyLocator`) giving the same
objects and the same problems as the ruamel path.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, cast

from tui.model import safe_read
from tui.model.citations import cited_ids
from tui.model.format import (
    CURRENCIES,
    EVENT_TEXT_LIMIT,
    LOG,
    NOUNS,
    SLUG,
    SLUG_LIMIT,
    SPECS,
    TEXT_LIMITS,
    URL,
    Field,
    Mapping,
    text_limit,
)
from tui.model.log import (
    BUILTIN_KINDS,
    FORMAT_VERSION,
    PLEDGE_STATUSES,
    Agency,
    Collection,
    Event,
    Grant,
    Kind,
    Location,
    Person,
    Pledge,
    Quote,
    Rating,
    Related,
    Rollout,
    Source,
    Topic,
)
from tui.model.problems import LogError, Problem
from tui.model.text import LOG_CONTROL, odd_whitespace, shown_name

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_BYTES",
    "MAX_DEPTH",
    "Builder",
    "FilePart",
    "LazyLocator",
    "LoadResult",
    "Locator",
    "LogError",
    "NodeLocator",
    "ParseResult",
    "PathError",
    "Problem",
    "check_text",
    "expand_paths",
    "load_collection",
    "load_file",
    "load_paths",
    "parse_text",
    "read_text",
    "resolve_plain",
    "scan_event_positions",
]

# A 100k-event log is about 61 MB; four times that is a mistake or an attack.
MAX_BYTES = safe_read.MAX_BYTES
# A log nests 7 deep at most (log > events > event > pledge > ratings > rating > evidence).
MAX_DEPTH = 100
# How many nodes aliases may add to a file when expanded. A 432-byte "billion laughs"
# would add 387 million; real logs reuse a list or two, if anything.
MAX_ALIAS_EXPANSION = 10_000
# Past this many problems of one kind (bad bytes, control bytes) a file is hopeless.
MAX_BYTE_PROBLEMS = 20

Progress = Callable[[int, int], None]
"""``progress(done, total)``: bytes of input handled so far, out of all the files' bytes."""


class Locator(Protocol):
    """Where a path of the plain tree stands in its file (1-based line and column).

    A path is a tuple of keys and indexes from the top: ``("events", 12, "agencies", 0)``.
    A path that does not exist is placed at its nearest existing ancestor.
    """

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The position of the value at ``path``."""
        ...

    def locate_key(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """The position of the key that ends ``path`` (of the value, for a list item)."""
        ...

    def event_positions(self) -> list[tuple[int, int]]:
        """Where each item of the top-level ``events`` list starts, in order."""
        ...


# --------------------------------------------------------------------------- reading

# Raw control characters a log has no business holding: C0 except tab, LF and CR; DEL; C1.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Text that arrives through YAML escapes is checked against LOG_CONTROL: the same set, CR too.
# Bytes that were not UTF-8, as surrogateescape decoding leaves them.
_BAD_BYTE = re.compile("[\udc80-\udcff]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _char_name(char: str) -> str:
    return f"U+{ord(char):04X}"


def read_text(path: Path, name: str | None = None) -> tuple[str | None, list[Problem]]:
    """The text of ``path``, or ``None`` and the problems that make it unreadable.

    Checks, in order and before any parser runs: a regular file, the size cap (both by
    :mod:`tui.model.safe_read`, the reader every door shares), UTF-8 (every bad byte
    reported where it stands), raw control bytes.
    """
    file = name if name is not None else str(path)
    try:
        data = safe_read.read_bytes(path, cap=MAX_BYTES)
    except OSError as error:
        return None, [Problem(file, 1, 1, safe_read.reason_of(error))]
    return check_text(data, file)


def check_text(data: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode ``data`` and run the guards of :func:`read_text` on it."""
    if len(data) > MAX_BYTES:
        return None, [Problem(file, 1, 1, f"a log may be at most {MAX_BYTES // 2**20} MiB")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark, as some Windows editors write
    text = data.decode("utf-8", errors="surrogateescape")
    problems: list[Problem] = []
    for match in _BAD_BYTE.finditer(text):
        if len(problems) == MAX_BYTE_PROBLEMS:
            break
        byte = ord(match.group()) - 0xDC00
        line, col = _position(text, match.start())
        problems.append(
            Problem(file, line, col, f"invalid UTF-8 byte 0x{byte:02X}; save the file as UTF-8")
        )
    if problems:
        return None, problems
    for match in _RAW_CONTROL.finditer(text):
        if len(problems) == MAX_BYTE_PROBLEMS:
            break
        line, col = _position(text, match.start())
        problems.append(
            Problem(
                file,
                line,
                col,
                f"control character {_char_name(match.group())} in the file; "
                "a log holds only printable text",
            )
        )
    if problems:
        return None, problems
    return text, []


# --------------------------------------------------------------------------- parsing

_CORE = "tag:yaml.org,2002:"
# Explicit tags a log may use: they only say which plain type a scalar is.
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")} | {"!"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NOT_A_NUMBER = object()
# Longer numbers are refused (int() refuses past 4,300 digits, slowly).
_MAX_NUMBER_CHARS = 100
_NUMBER_TAGS = {f"{_CORE}int", f"{_CORE}float"}


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _number(text: str) -> int | float | object:
    """A YAML 1.2 core-schema int or float, or ``_NOT_A_NUMBER``."""
    if _INT.fullmatch(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.fullmatch(text):
        return math.nan
    return _NOT_A_NUMBER


def resolve_plain(text: str) -> Any:
    """What an unquoted scalar means under the YAML 1.2 core schema.

    Dates stay text (as yaml-language-server reads them; the builder parses them), and
    so do the YAML 1.1 words ``yes``/``no``/``on``/``off``; ``010`` is ten.
    """
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        number = _number(text)
        if number is not _NOT_A_NUMBER:
            return number
    return text


@dataclass(slots=True)
class _Frame:
    """A collection being built: its value, its positions, and alias bookkeeping."""

    value: dict[str, Any] | list[Any]
    line: int
    col: int
    anchor: str | None
    size: int = 1  # nodes in this subtree with aliases expanded
    keys: dict[str, tuple[int, int, int, int]] | None = None  # key -> key and value position
    items: list[tuple[int, int]] | None = None  # item positions
    key: str | None = None  # a mapping's key waiting for its value
    key_at: tuple[int, int] = (0, 0)
    skip: bool = False  # the waiting key was refused: drop its value


class NodeLocator:
    """A :class:`Locator` over the positions :func:`parse_text` records (0-based inside)."""

    def __init__(self, root: Any, root_at: tuple[int, int], positions: dict[int, _Frame]):
        self._root = root
        self._root_at = root_at
        self._positions = positions

    def _walk(self, path: tuple[str | int, ...], key: bool) -> tuple[int, int]:
        node = self._root
        at = self._root_at
        for step_index, step in enumerate(path):
            frame = self._positions.get(id(node))
            if frame is None:
                break
            last = step_index == len(path) - 1
            if frame.keys is not None:
                # Another parser may key by number or date where the text was "2017".
                name = step if isinstance(step, str) else str(step)
                entry = frame.keys.get(name)
                if entry is None:
                    break
                at = (entry[0], entry[1]) if (key and last) else (entry[2], entry[3])
                node = node[name]
            else:
                items = frame.items or []
                if not isinstance(step, int) or not 0 <= step < len(items):
                    break
                at = items[step]
                node = node[step]
        return at[0] + 1, at[1] + 1

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self._walk(path, key=False)

    def locate_key(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        return self._walk(path, key=True)

    def event_positions(self) -> list[tuple[int, int]]:
        root = self._root
        if not isinstance(root, dict) or not isinstance(root.get("events"), list):
            return []
        frame = self._positions.get(id(root["events"]))
        if frame is None or frame.items is None:
            return []
        return [(line + 1, col + 1) for line, col in frame.items]


@dataclass(slots=True)
class ParseResult:
    """A file parsed: its plain tree (``None`` when unusable), positions and problems.

    ``empty`` is true when the file holds no YAML document at all (only comments, or
    nothing); ``tree`` is ``None`` then too.
    """

    tree: Any
    locator: Locator
    problems: list[Problem]
    empty: bool = False


class _Abort(Exception):
    """Stop parsing this file: the problem that says why is already recorded."""


class _TreeBuilder:
    """Builds the plain tree from ruamel.yaml parser events, with the guards in place."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.stack: list[_Frame] = []
        self.positions: dict[int, _Frame] = {}
        self.anchors: dict[str, tuple[Any, int, str | None]] = {}
        self.expansion = 0
        self.root: Any = None
        self.root_at = (0, 0)
        self.documents = 0

    def problem(self, line: int, col: int, message: str) -> None:
        """Record a problem at 0-based ``line`` and ``col``."""
        self.problems.append(Problem(self.file, line + 1, col + 1, message))

    def problem_at(self, event: Any, message: str) -> None:
        self.problem(event.start_mark.line, event.start_mark.column, message)

    def check_tag(self, event: Any, allowed: set[str]) -> None:
        tag = event.tag
        if tag is not None and tag not in allowed:
            self.problem_at(
                event,
                f"YAML tag {_show_tag(str(tag))!r} is not allowed; a log holds only text, "
                "numbers, true/false, lists and mappings",
            )

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        text = event.value
        bad = LOG_CONTROL.search(text)
        if bad is not None:
            self.problem_at(
                event,
                f"text holds control character {_char_name(bad.group())} (written as an "
                "escape); a log holds only printable text",
            )
        numeric = (event.style is None and tag is None) or tag in _NUMBER_TAGS
        if (
            numeric
            and len(text) > _MAX_NUMBER_CHARS
            and (_INT.fullmatch(text) or _FLOAT.fullmatch(text))
        ):
            # Python refuses ints past 4,300 digits; no log needs one this long.
            self.problem_at(event, f"a number of {len(text):,} characters; not a log")
            return text
        if tag is None or tag == "!":
            plain = event.style is None and tag is None
            return resolve_plain(text) if plain else text
        self.check_tag(event, _SCALAR_TAGS)
        if tag == f"{_CORE}str" or tag not in _SCALAR_TAGS:
            return text
        if tag == f"{_CORE}null":
            if text not in _NULL:
                self.problem_at(event, f"{text!r} is not a null value for !!null")
            return None
        if tag == f"{_CORE}bool":
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            self.problem_at(event, f"{text!r} is not true or false for !!bool")
            return text
        number = _number(text)
        if number is _NOT_A_NUMBER or (tag == f"{_CORE}int" and not isinstance(number, int)):
            self.problem_at(event, f"{text!r} is not a number for {_show_tag(tag)}")
            return text
        return float(number) if tag == f"{_CORE}float" else number  # type: ignore[arg-type]

    def add(self, value: Any, line: int, col: int, size: int, key_text: str | None) -> None:
        """Put a finished node into the collection being built (or make it the root).

        ``key_text`` is the node's text when it can serve as a mapping key (a scalar).
        """
        if not self.stack:
            self.root, self.root_at = value, (line, col)
            return
        frame = self.stack[-1]
        frame.size += size
        if frame.items is not None:
            frame.value.append(value)  # type: ignore[union-attr]
            frame.items.append((line, col))
            return
        assert frame.keys is not None
        if frame.key is None:
            # This node is a key; a refused key drops the value that follows it.
            frame.key, frame.key_at, frame.skip = "", (line, col), True
            if key_text is None:
                self.problem(line, col, "a key must be plain text, not a list or mapping")
            elif key_text == "<<":
                self.problem(line, col, "merge keys ('<<') are not supported; write the fields out")
            elif key_text in frame.keys:
                first = frame.keys[key_text][0] + 1
                self.problem(
                    line, col, f"duplicate key {key_text!r} (first at line {first}); remove one"
                )
            else:
                frame.key, frame.skip = key_text, False
            return
        # This node is the value of the waiting key.
        if not frame.skip:
            # A waiting key means this frame is a mapping.
            cast("dict[str, Any]", frame.value)[frame.key] = value
            frame.keys[frame.key] = (*frame.key_at, line, col)
        frame.key = None
        frame.skip = False

    def start(self, event: Any, container: dict[str, Any] | list[Any]) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.problem_at(event, f"nested more than {MAX_DEPTH} deep; not a log")
            raise _Abort
        mark = event.start_mark
        frame = _Frame(container, mark.line, mark.column, event.anchor)
        if isinstance(container, dict):
            frame.keys = {}
        else:
            frame.items = []
        self.positions[id(container)] = frame
        self.stack.append(frame)

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, frame.size, None)
        self.add(frame.value, frame.line, frame.col, frame.size, None)

    def alias(self, event: Any) -> None:
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            self.problem_at(event, f"unknown alias *{event.anchor}")
            raise _Abort
        value, size, key_text = anchored
        self.expansion += size
        if self.expansion > MAX_ALIAS_EXPANSION:
            self.problem_at(
                event,
                f"aliases expand this file by more than {MAX_ALIAS_EXPANSION:,} nodes; "
                "write the data out instead of repeating it with aliases",
            )
            raise _Abort
        mark = event.start_mark
        self.add(value, mark.line, mark.column, size, key_text)

    def run(self, events: Iterable[Any], progress: Callable[[int], None] | None) -> None:
        from ruamel.yaml import events as ev

        for count, event in enumerate(events, 1):
            if progress is not None and count % 4096 == 0:
                progress(event.start_mark.index)
            if isinstance(event, ev.ScalarEvent):
                value = self.scalar(event)
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, event.value)
                mark = event.start_mark
                self.add(value, mark.line, mark.column, 1, event.value)
            elif isinstance(event, ev.MappingStartEvent):
                self.check_tag(event, {f"{_CORE}map"})
                self.start(event, {})
            elif isinstance(event, ev.SequenceStartEvent):
                self.check_tag(event, {f"{_CORE}seq"})
                self.start(event, [])
            elif isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
                self.end()
            elif isinstance(event, ev.AliasEvent):
                self.alias(event)
            elif isinstance(event, ev.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.problem_at(
                        event,
                        "a log file holds one YAML document; remove this second one "
                        "(or put it in a file of its own)",
                    )
                    raise _Abort


def _around(text: str, index: int) -> str:
    """The line holding ``text[index]`` and the line before it."""
    start = text.rfind("\n", 0, max(text.rfind("\n", 0, index), 0)) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


def parse_text(text: str, file: str, progress: Callable[[int], None] | None = None) -> ParseResult:
    """Parse YAML ``text`` into a plain tree with positions; problems instead of errors.

    ``progress(index)`` is called now and then with the character reached.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from tui.model.exactyaml import Unsupported, parse_events

    builder = _TreeBuilder(file)
    try:
        builder.run(parse_events(text), progress)
    except _Abort:
        pass
    except Unsupported as error:
        mark = error.problem_mark
        builder.problem(mark.line, mark.column, str(error.problem))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "YAML syntax error"
        if error.context and error.problem and error.context_mark is not None:
            message = f"{message} ({error.context} at line {error.context_mark.line + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        # A no-break space looks like a space but is text to YAML: name it if the
        # line of the error or the one before holds one.
        odd = odd_whitespace(_around(text, mark.index)) if mark is not None else None
        if odd is not None:
            message = f"{message}; the text holds {odd}, which looks like a space but is not one"
        builder.problems.append(Problem(file, line, col, f"YAML syntax error: {message}"))
    except YAMLError as error:
        builder.problems.append(Problem(file, 1, 1, f"YAML syntax error: {error}"))
    except (AssertionError, ValueError, TypeError, IndexError, KeyError) as error:
        # ruamel's own checks that are not YAMLErrors (an assert on a %YAML version, say):
        # still the file's fault, never a traceback for its reader.
        detail = str(error) or type(error).__name__
        builder.problems.append(Problem(file, 1, 1, f"YAML syntax error: {detail}"))
    locator = NodeLocator(builder.root, builder.root_at, builder.positions)
    if builder.problems:
        return ParseResult(None, locator, builder.problems)
    return ParseResult(builder.root, locator, [], empty=builder.documents == 0)


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

    def __init__(self, text: str, file: str, event_count: int | None = None) -> None:
        self._text = text
        self._file = file
        self._event_count = event_count
        self._inner: Locator | None = None
        self._pieces: dict[tuple[str | int, ...], _Piece | None] = {}
        self._blocks: dict[str, tuple[int, int, int]] | None = None  # name -> start, end, line
        self._positions: list[tuple[int, int]] | None = None
        self._offsets: list[int] | None = None

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


def _describe(value: Any) -> str:
    """What a value is, in a reader's words, for "must be X, got Y"."""
    if value is None:
        return "nothing (the value is empty: remove the line or give it a value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _text_size(tree: Any) -> int:
    """How many characters of text a parsed tree holds, keys included."""
    if isinstance(tree, str):
        return len(tree)
    if isinstance(tree, dict):
        return sum(_text_size(key) + _text_size(value) for key, value in tree.items())
    if isinstance(tree, list):
        return sum(_text_size(item) for item in tree)
    return 0


def _quote(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, cut short if long (Problem makes it printable)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {_quote(close[0])}?" if close else ""


# Ids a message can show as an example, by registry.
_EXAMPLE_IDS = {
    "agencies": "bpd",
    "people": "perez",
    "topics": "body-cameras",
    "sources": "news12-2017-12-01",
    "kinds": "meeting",
    "events": "negron-shooting",
}

# Quoting fixes these: YAML read the value as something other than text.
_QUOTE_HINT = " (put it in quotes to make it text)"

# The dataclass each nested mapping becomes (the registries get their id first).
_CLASSES: dict[str, type] = {
    "agency": Agency,
    "person": Person,
    "topic": Topic,
    "source": Source,
    "kind": Kind,
    "quote": Quote,
    "related": Related,
    "pledge": Pledge,
    "rating": Rating,
    "grant": Grant,
    "rollout": Rollout,
}

_INVALID = object()

TreePath = tuple[str | int, ...]


@dataclass(slots=True)
class FilePart:
    """What one file contributes: its header, registries, events and references."""

    file: str
    locator: Locator
    title: str | None = None
    description: str | None = None
    # registry name -> id -> (object, path of its entry)
    registries: dict[str, dict[str, tuple[Any, TreePath]]] = field(default_factory=dict)
    events: list[tuple[Event, TreePath]] = field(default_factory=list)
    # (registry, id, path of the reference): checked once every file is built.
    refs: list[tuple[str, str, TreePath]] = field(default_factory=list)
    # Ids of events that have problems of their own (and so are not in ``events``).
    broken_event_ids: set[str] = field(default_factory=set)


class Builder:
    """Plain tree -> model objects for one file, checked against :mod:`tui.model.format`.

    Knows nothing of YAML: positions come from the :class:`Locator`, asked only when a
    problem needs placing (and once for the events' start lines).
    """

    def __init__(self, file: str, locator: Locator) -> None:
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []
        self.problem_paths: list[TreePath] = []  # where each problem is, in the tree
        self.part = FilePart(file, locator)

    # ---- problems

    def problem(self, path: TreePath, message: str, *, at_key: bool = False) -> None:
        self.problem_paths.append(path)
        locate = self.locator.locate_key if at_key else self.locator.locate
        line, col = locate(path)
        self.problems.append(Problem(self.file, line, col, message))

    def printable(self, text: str, path: TreePath) -> bool:
        """Refuse text holding control characters (a faster parser may pass them on)."""
        bad = LOG_CONTROL.search(text)
        if bad is None:
            return True
        self.problem(
            path,
            f"text holds control character {_char_name(bad.group())}; "
            "a log holds only printable text",
        )
        return False

    def fits(self, text: str, path: TreePath, limit: int, what: str) -> bool:
        """Refuse text longer than ``limit`` characters (``tui.model.format.TEXT_LIMITS``)."""
        if len(text) <= limit:
            return True
        self.problem(
            path, f"{what} is {len(text):,} characters long; at most {limit:,} are allowed"
        )
        return False

    def text_key(self, key: Any, path: TreePath) -> bool:
        """Keys are text; a parser other than ours may hand over numbers or dates."""
        if isinstance(key, str):
            return self.printable(key, path)
        self.problem(path, f"a key must be text, got {_describe(key)}{_QUOTE_HINT}", at_key=True)
        return False

    # ---- the file

    def build(self, tree: Any) -> FilePart:
        """Check and convert the whole file; problems collect in ``self.problems``."""
        if not isinstance(tree, dict):
            self.problem(
                (), f"a log is a mapping that starts with 'watchline: 1', got {_describe(tree)}"
            )
            return self.part
        if "watchline" not in tree:
            self.problem((), "missing 'watchline: 1' (the format version) at the top of the log")
        values = self.fields(tree, LOG, (), "the log", skip_required={"watchline"})
        self.part.title = values.get("title")
        self.part.description = values.get("description")
        return self.part

    # ---- mappings

    def fields(
        self,
        value: dict[str, Any],
        spec: Mapping,
        path: TreePath,
        what: str,
        skip_required: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Any]:
        """Convert the fields of one mapping; the valid ones, by attribute name."""
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not self.text_key(key, (*path, key)):
                continue
            spec_field = spec.by_name.get(key)
            if spec_field is None:
                hint = _did_you_mean(key, spec.by_name)
                odd = odd_whitespace(key)
                if odd is not None:
                    hint += f" (it holds {odd}, which looks like a space but is not one)"
                self.problem(
                    (*path, key), f"unknown field {_quote(key)} in {what}{hint}", at_key=True
                )
                continue
            converted = self.convert(item, spec_field, (*path, key), what)
            if converted is not _INVALID:
                out[spec_field.attribute] = converted
        for spec_field in spec.required:
            if spec_field.name not in value and spec_field.name not in skip_required:
                self.problem(path, f"{what} is missing required field {_quote(spec_field.name)}")
        return out

    def mapping(
        self, value: Any, spec: Mapping, path: TreePath, what: str, entry_id: str | None = None
    ) -> Any:
        """One nested mapping as its dataclass, or _INVALID."""
        if not isinstance(value, dict):
            self.problem(path, f"{what} must be a mapping of fields, got {_describe(value)}")
            return _INVALID
        before = len(self.problems)
        values = self.fields(value, spec, path, what)
        if len(self.problems) != before:
            return _INVALID
        if spec.name == "pledge" and "ratings" in values:
            # The status at a date is the latest rating on or before it: keep them in order.
            values["ratings"] = tuple(
                sorted(values["ratings"], key=lambda r: (r.as_of.lower, r.as_of.upper))
            )
        if entry_id is not None:
            values["id"] = entry_id
        return _CLASSES[spec.name](**values)

    # ---- values

    def convert(self, value: Any, spec_field: Field, path: TreePath, what: str) -> Any:
        """One field's value converted by its kind, or _INVALID (with a problem recorded)."""
        name = _quote(spec_field.name)
        kind = spec_field.kind
        if kind == "version":
            if isinstance(value, int) and not isinstance(value, bool) and value == FORMAT_VERSION:
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                self.problem(
                    path,
                    f"unsupported format version {value}; this watchline reads version {FORMAT_VERSION}",
                )
            else:
                self.problem(
                    path,
                    f"the format version must be the number {FORMAT_VERSION}, got "
                    f"{_describe(value)} (write 'watchline: {FORMAT_VERSION}', no quotes)",
                )
            return _INVALID
        if kind in ("text", "url"):
            if not isinstance(value, str):
                hint = _QUOTE_HINT if isinstance(value, bool | int | float | datetime.date) else ""
                self.problem(path, f"{name} must be text, got {_describe(value)}{hint}")
                return _INVALID
            if not self.fits(value, path, text_limit(spec_field.name), name):
                return _INVALID
            if not self.printable(value, path):
                return _INVALID
            if kind == "url" and not URL.match(value):
                self.problem(
                    path,
                    f"{name} must be a web address starting with http:// or https://, got {_quote(value)}",
                )
                return _INVALID
            if kind == "text":
                # Inline citations ([@source-id]) are references like any other.
                self.part.refs.extend(("sources", key, path) for key in cited_ids(value))
            return value
        if kind == "id":
            return self.slug(value, path, name)
        if kind == "ref":
            ref_id = self.slug(value, path, f"{name}", registry=spec_field.ref)
            if ref_id is not _INVALID:
                assert spec_field.ref is not None
                self.part.refs.append((spec_field.ref, ref_id, path))
            return ref_id
        if kind in ("refs", "texts"):
            if not isinstance(value, list):
                if isinstance(value, str):
                    hint = f"; write [{value}]"
                else:
                    hint = "; write it in brackets, e.g. [bpd]" if kind == "refs" else ""
                self.problem(path, f"{name} must be a list, got {_describe(value)}{hint}")
                return _INVALID
            items = []
            ok = True
            for index, item in enumerate(value):
                item_path = (*path, index)
                if kind == "texts":
                    if not isinstance(item, str):
                        hint = (
                            _QUOTE_HINT
                            if isinstance(item, bool | int | float | datetime.date)
                            else ""
                        )
                        self.problem(
                            item_path,
                            f"the items of {name} must be text, got {_describe(item)}{hint}",
                        )
                        ok = False
                        continue
                    if not self.fits(
                        item, item_path, TEXT_LIMITS["*"], f"an item of {name}"
                    ) or not self.printable(item, item_path):
                        ok = False
                        continue
                    items.append(item)
                else:
                    ref_id = self.slug(
                        item, item_path, f"an item of {name}", registry=spec_field.ref
                    )
                    if ref_id is _INVALID:
                        ok = False
                        continue
                    assert spec_field.ref is not None
                    self.part.refs.append((spec_field.ref, ref_id, item_path))
                    items.append(ref_id)
            if len(value) < spec_field.min_items:
                noun = NOUNS.get(spec_field.ref or "", "item")
                least = "one" if spec_field.min_items == 1 else str(spec_field.min_items)
                self.problem(path, f"{what} needs at least {least} {noun} in {name}")
                ok = False
            return tuple(items) if ok else _INVALID
        if kind == "date":
            from tui.model.edtf import EDTFError, parse_edtf

            if not isinstance(value, str | int | datetime.date) or isinstance(value, bool):
                self.problem(
                    path, f"{name} must be a date such as 2017-05-09, got {_describe(value)}"
                )
                return _INVALID
            try:
                return parse_edtf(value)
            except EDTFError as error:
                self.problem(path, f"{name}: {error.message}")
                return _INVALID
        if kind == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                got = (
                    _describe(value)
                    if not isinstance(value, int) or isinstance(value, bool)
                    else str(value)
                )
                self.problem(path, f"{name} must be a whole number, zero or more, got {got}")
                return _INVALID
            return value
        if kind == "amount":
            return self.amount(value, path, name)
        if kind == "currency":
            if not isinstance(value, str):
                self.problem(
                    path, f"{name} must be an ISO 4217 code such as USD, got {_describe(value)}"
                )
                return _INVALID
            if value not in CURRENCIES:
                hint = (
                    _did_you_mean(value.upper(), CURRENCIES)
                    if value.upper() != value or len(value) != 3
                    else ""
                )
                if value.upper() in CURRENCIES:
                    hint = f"; did you mean {_quote(value.upper())}?"
                self.problem(
                    path,
                    f"{_quote(value)} is not an ISO 4217 currency code (such as USD or EUR){hint}",
                )
                return _INVALID
            return value
        if kind == "status":
            if not isinstance(value, str) or value not in PLEDGE_STATUSES:
                shown = _quote(value) if isinstance(value, str) else _describe(value)
                hint = _did_you_mean(value, PLEDGE_STATUSES) if isinstance(value, str) else ""
                self.problem(
                    path,
                    f"unknown pledge status {shown}{hint} (the statuses: {', '.join(PLEDGE_STATUSES)})",
                )
                return _INVALID
            return value
        if kind == "data":
            return self.data(value, path, name)
        assert spec_field.spec is not None
        spec = SPECS[spec_field.spec]
        if kind == "mapping":
            return self.mapping(value, spec, path, f"the {spec.noun} of {what}")
        if kind == "list":
            if not isinstance(value, list):
                self.problem(
                    path,
                    f"{name} must be a list (lines starting with '- '), got {_describe(value)}",
                )
                return _INVALID
            if spec.name == "event":
                return self.events(value, path)
            items = []
            ok = True
            for index, item in enumerate(value):
                built = self.mapping(
                    item, spec, (*path, index), f"{spec.noun} {index + 1} of {what}"
                )
                if built is _INVALID:
                    ok = False
                else:
                    items.append(built)
            return tuple(items) if ok else _INVALID
        # kind == "registry"
        return self.registry(value, spec, spec_field.name, path)

    def slug(self, value: Any, path: TreePath, what: str, registry: str | None = None) -> Any:
        """An id (``registry`` None: it must be a slug) or a reference into ``registry``.

        ``what`` names the value in a message: "'id'", "'agency'", "an item of 'people'".
        """
        if not isinstance(value, str):
            noun = NOUNS.get(registry or "", "event")
            article = "an" if noun[0] in "aeiou" else "a"
            hint = _QUOTE_HINT if isinstance(value, bool | int | float | datetime.date) else ""
            self.problem(
                path,
                f"{what} must be {article} {noun} id (a lowercase slug such as "
                f"{_EXAMPLE_IDS.get(registry or '', 'negron-shooting')}), "
                f"got {_describe(value)}{hint}",
            )
            return _INVALID
        if not self.fits(value, path, SLUG_LIMIT, what):
            return _INVALID
        if registry is None and not SLUG.match(value):
            self.problem(
                path,
                f"event id {_quote(value)} must be a lowercase slug: a-z, 0-9, '-' and '_', "
                "starting with a letter or digit",
            )
            return _INVALID
        return value

    def amount(self, value: Any, path: TreePath, name: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = " (write the number alone, e.g. 895000)" if isinstance(value, str) else ""
            self.problem(path, f"{name} must be a number, got {_describe(value)}{hint}")
            return _INVALID
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, f"{name} must be a finite number")
            return _INVALID
        try:
            amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a finite float is valid
            self.problem(path, f"{name} is not a number")
            return _INVALID
        if amount < 0:
            self.problem(path, f"{name} must not be negative, got {value!r}")
            return _INVALID
        return amount

    def data(self, value: Any, path: TreePath, name: str) -> Any:
        if not isinstance(value, dict):
            self.problem(path, f"{name} must be a mapping of name: value, got {_describe(value)}")
            return _INVALID
        out: dict[str, str | int | float | bool] = {}
        ok = True
        for key, item in value.items():
            if not self.text_key(key, (*path, key)):
                ok = False
                continue
            if isinstance(item, datetime.date):
                item = item.isoformat()
            if isinstance(item, str) and not (
                self.fits(key, (*path, key), TEXT_LIMITS["*"], f"a name in {name}")
                and self.fits(item, (*path, key), TEXT_LIMITS["*"], f"{name} value {_quote(key)}")
                and self.printable(item, (*path, key))
            ):
                ok = False
                continue
            if not isinstance(item, str | int | float | bool):
                self.problem(
                    (*path, key),
                    f"{name} values must be text, numbers or true/false, got {_describe(item)} for {_quote(key)}",
                )
                ok = False
                continue
            out[key] = item
        return out if ok else _INVALID

    # ---- registries and events

    def registry(self, value: Any, spec: Mapping, name: str, path: TreePath) -> Any:
        if not isinstance(value, dict):
            self.problem(
                path, f"{_quote(name)} must be a mapping of id: details, got {_describe(value)}"
            )
            return _INVALID
        entries: dict[str, tuple[Any, TreePath]] = {}
        for entry_id, item in value.items():
            entry_path = (*path, entry_id)
            if not self.text_key(entry_id, entry_path):
                continue
            if not self.fits(entry_id, entry_path, SLUG_LIMIT, f"{spec.noun} id"):
                continue
            if not SLUG.match(entry_id):
                self.problem(
                    entry_path,
                    f"{spec.noun} id {_quote(entry_id)} must be a lowercase slug: a-z, 0-9, "
                    "'-' and '_', starting with a letter or digit",
                    at_key=True,
                )
                continue
            built = self.mapping(
                item, spec, entry_path, f"{spec.noun} {_quote(entry_id)}", entry_id
            )
            if built is not _INVALID:
                entries[entry_id] = (built, entry_path)
        self.part.registries[name] = entries
        return _INVALID  # registries are kept in the part, not as a field value

    def events(self, value: list[Any], path: TreePath) -> Any:
        positions = self.locator.event_positions()
        spec = SPECS["event"]
        for index, item in enumerate(value):
            item_path = (*path, index)
            if not isinstance(item, dict):
                self.problem(
                    item_path,
                    f"event {index + 1} must be a mapping of fields, got {_describe(item)}",
                )
                continue
            raw_id = item.get("id")
            what = f"event {_quote(raw_id)}" if isinstance(raw_id, str) else f"event {index + 1}"
            before = len(self.problems)
            values = self.fields(item, spec, item_path, what)
            if len(self.problems) != before:
                if isinstance(raw_id, str):
                    # Its own problems are reported; links to it should not be too.
                    self.part.broken_event_ids.add(raw_id)
                continue
            size = _text_size(item)
            if size > EVENT_TEXT_LIMIT:
                self.problem(
                    item_path,
                    f"{what} holds {size:,} characters of text; an event may hold at most "
                    f"{EVENT_TEXT_LIMIT:,} (its detail pane shows it all): shorten it, or "
                    "leave the long text to a source",
                )
                if isinstance(raw_id, str):
                    self.part.broken_event_ids.add(raw_id)
                continue
            line, col = (
                positions[index] if index < len(positions) else self.locator.locate(item_path)
            )
            values["location"] = Location(self.file, line, col)
            self.part.events.append((Event(**values), item_path))
        return _INVALID  # events are kept in the part


# --------------------------------------------------------------------------- loading


@dataclass(slots=True)
class LoadResult:
    """The merged collection (``None`` if any file has a problem) and every problem, sorted.

    ``unreadable`` names the files that could not be read at all (missing, a folder,
    no permission): a command treats those as a usage error rather than a bad log.
    """

    collection: Collection | None
    problems: list[Problem]
    unreadable: list[str] = field(default_factory=list)


class PathError(Exception):
    """A path on the command line that is not a log file or a folder of them."""


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to load: each file as given, each folder as its ``*.yaml``/``*.yml``, sorted.

    Raises :class:`PathError` for a path that does not exist or a folder with no logs.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            if not found:
                raise PathError(f"{shown_name(path)}: no *.yaml or *.yml files in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise PathError(f"{shown_name(path)}: no such file or folder")
    return files


def load_file(
    path: Path, progress: Callable[[int], None] | None = None
) -> tuple[FilePart | None, list[Problem], bool]:
    """Read, parse and build one file: its part (None if unusable), problems, readable."""
    file = str(path)
    try:
        data = safe_read.read_bytes(path, cap=MAX_BYTES)
    except OSError as error:
        # Not read at all (missing, a folder, a FIFO or device, over the cap): "cannot read".
        return None, [Problem(file, 1, 1, safe_read.reason_of(error))], False
    text, problems = check_text(data, file)
    if text is None:
        return None, problems, True
    part, problems = load_text(text, file, progress)
    return part, problems, True


def load_data(data: bytes, file: str) -> tuple[FilePart | None, list[Problem]]:
    """One file's part from its bytes (a version read from git, say) and its problems:
    the same guards, parser and builder as a file on disk."""
    text, problems = check_text(data, file)
    if text is None:
        return None, problems
    return load_text(text, file)


def load_text(
    text: str, file: str, progress: Callable[[int], None] | None = None
) -> tuple[FilePart | None, list[Problem]]:
    """Parse and build one file's checked text: its part (None if unusable) and problems."""
    # The fast path (cache, then yaml-rs) gives the same part or None: then parse here.
    from tui.model.fastload import build_fast  # imported late: fastload imports this module

    fast = build_fast(text, file, progress)
    if fast is not None:
        return fast
    parsed = parse_text(text, file, progress)
    if parsed.problems:
        return None, parsed.problems
    if parsed.empty or parsed.tree is None:
        return None, [Problem(file, 1, 1, "the file is empty; a log starts with 'watchline: 1'")]
    builder = Builder(file, parsed.locator)
    part = builder.build(parsed.tree)
    return part, builder.problems


def _differing_field(first: Any, second: Any) -> str:
    """ " (its 'name' differs)" for two registry entries with the same id."""
    for spec_field in dataclasses.fields(first):
        if getattr(first, spec_field.name) != getattr(second, spec_field.name):
            return f" (its {_quote(spec_field.name.rstrip('_'))} differs)"
    return ""


def merge_parts(parts: list[FilePart], problems: list[Problem]) -> Collection:
    """Unite the parts' registries and events; record conflicts and unknown references."""
    registries: dict[str, dict[str, tuple[Any, FilePart, TreePath]]] = {
        name: {} for name in ("agencies", "people", "topics", "sources", "kinds")
    }
    for part in parts:
        for name, entries in part.registries.items():
            merged = registries[name]
            for entry_id, (obj, path) in entries.items():
                first = merged.get(entry_id)
                if first is None:
                    merged[entry_id] = (obj, part, path)
                elif first[0] != obj:
                    line, col = first[1].locator.locate_key(first[2])
                    where = f"{first[1].file}:{line}:{col}"
                    at = part.locator.locate_key(path)
                    problems.append(
                        Problem(
                            part.file,
                            *at,
                            f"{NOUNS[name]} {_quote(entry_id)} is defined differently at "
                            f"{where}{_differing_field(first[0], obj)}; give one of them "
                            "another id (and change its references), or make the two the same",
                        )
                    )
    events: list[Event] = []
    seen: dict[str, Event] = {}
    for part in parts:
        for event, path in part.events:
            first_event = seen.get(event.id)
            if first_event is not None:
                at = part.locator.locate((*path, "id"))
                problems.append(
                    Problem(
                        part.file,
                        *at,
                        f"duplicate event id {_quote(event.id)} (first at {first_event.location})",
                    )
                )
                continue
            seen[event.id] = event
            events.append(event)
    known: dict[str, Any] = {name: merged for name, merged in registries.items()}
    known["events"] = set(seen).union(*(part.broken_event_ids for part in parts))
    kinds = set(BUILTIN_KINDS) | set(registries["kinds"])
    for part in parts:
        for registry, ref_id, path in part.refs:
            pool = kinds if registry == "kinds" else known[registry]
            if ref_id in pool:
                continue
            noun = NOUNS[registry]
            # Suggestions scan every id; skip them for huge registries (a 100k-event log).
            hint = _did_you_mean(ref_id, pool) if len(pool) <= 5000 else ""
            where = "built-in kinds or 'kinds'" if registry == "kinds" else _quote(registry)
            problems.append(
                Problem(
                    part.file,
                    *part.locator.locate(path),
                    f"unknown {noun} {_quote(ref_id)}{hint} (not in {where})",
                )
            )
    titles = [part.title for part in parts if part.title]
    collection = Collection(
        title=titles[0] if titles else parts[0].file,
        description=next((p.description for p in parts if p.description), None),
        files=tuple(Path(part.file) for part in parts),
        agencies={k: v[0] for k, v in registries["agencies"].items()},
        people={k: v[0] for k, v in registries["people"].items()},
        topics={k: v[0] for k, v in registries["topics"].items()},
        sources={k: v[0] for k, v in registries["sources"].items()},
        kinds={k: v[0] for k, v in registries["kinds"].items()},
        events=events,  # put in timeline order, and indexed, by Collection itself
    )
    return collection


def load_paths(
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> LoadResult:
    """Load and merge log files and folders; never raises for anything in the files.

    A path that does not exist is a problem at its line 1, column 1 (and listed in
    ``unreadable``). ``progress(done, total)`` is called with bytes handled so far.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    unreadable: list[str] = []
    for raw in paths:
        try:
            files.extend(expand_paths([raw]))
        except PathError as error:
            problems.append(Problem(str(raw), 1, 1, str(error).split(": ", 1)[-1]))
            unreadable.append(str(raw))
    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    done = 0
    parts: list[FilePart] = []
    for path, size in zip(files, sizes, strict=True):
        file_progress = None
        if progress is not None:
            base = done

            def file_progress(index: int, base: int = base, size: int = size) -> None:
                progress(min(base + index, base + size), total)

        try:
            part, file_problems, readable = load_file(path, file_progress)
        except Exception as error:
            part, readable = None, True
            file_problems = [
                Problem(
                    str(path),
                    1,
                    1,
                    f"internal error while loading: {type(error).__name__}: {error}",
                )
            ]
        problems.extend(file_problems)
        if not readable:
            unreadable.append(str(path))
        if part is not None:
            parts.append(part)
        done += size
        if progress is not None:
            progress(done, total)
    collection = None
    if parts:
        collection = merge_parts(parts, problems)
    if problems or not files:
        collection = None
    return LoadResult(collection, sorted(problems), unreadable)


def load_collection(
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> Collection:
    """The merged collection of ``paths``; raises :class:`LogError` with every problem."""
    result = load_paths(paths, progress)
    if result.collection is None:
        raise LogError(result.problems or [Problem("(no files)", 1, 1, "no log files given")])
    return result.collection
