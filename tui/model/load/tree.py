"""Text -> a plain tree (dicts, lists, scalars) and a :class:`NodeLocator`, by ruamel.yaml.

The parser is driven event by event, so the tree is built without recursion and every
guard holds as it grows: nesting depth, alias expansion, YAML tags (refused, never
constructed), duplicate keys, control characters that arrive through escapes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from tui.model.load.guards import MAX_ALIAS_EXPANSION, MAX_DEPTH, char_name
from tui.model.problems import Problem
from tui.model.text import LOG_CONTROL, odd_whitespace

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
                f"text holds control character {char_name(bad.group())} (written as an "
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

    from tui.model.load.exact import Unsupported, parse_events

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
