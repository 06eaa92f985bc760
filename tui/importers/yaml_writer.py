"""Writes a log (format v1) as YAML text, fast enough for tens of thousands of events.

Importers build plain dicts and lists; this module turns them into block-style YAML by
hand. ruamel.yaml's dumper needs about 30 s for 10,000 events; this emitter writes the
same log in a fraction of a second. Every string is written double-quoted through
``json.dumps``: a JSON string is a valid YAML double-quoted scalar, so quoting is never
guessed. The few characters YAML may not carry raw (DEL, C1 controls, line and paragraph
separators, BOM, non-characters) are escaped as ``\\uXXXX`` on top.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from tui.model.text import ESCAPED_CLASS

# Keys written bare: slugs and the format's own field names (``as_of``, ``date``).
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# Strings written bare: ids, kinds, codes. Anything else is quoted.
_PLAIN_WORD = re.compile(r"[a-z][a-z0-9_-]*\Z")
# Characters json.dumps(ensure_ascii=False) leaves raw but YAML requires escaped (DEL, C1,
# U+2028/U+2029, BOM, non-characters, surrogates), and every other character printable()
# would replace on a terminal (bidi controls and marks, zero-width and tag characters):
# the imported log holds the same data, and nothing in it is invisible to its reader.
_YAML_UNSAFE = re.compile(f"[{ESCAPED_CLASS}\ufffe\uffff]")

# Words YAML 1.1 readers take for booleans or null: always quoted.
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})

Scalar = str | int | float | bool | Decimal | None


def _escape_unsafe(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}"


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return _YAML_UNSAFE.sub(_escape_unsafe, json.dumps(text, ensure_ascii=False))


def scalar(value: Scalar) -> str:
    """One scalar in YAML syntax; a string is bare only when it is a plain slug
    (``shooting``, ``wapo-2563``), quoted otherwise, so it never changes type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # Fixed-point form: 895000, never 8.95E+5.
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if _PLAIN_WORD.match(text) and text not in _YAML11_WORDS:
        return text
    return quote(text)


def key(name: str) -> str:
    """A mapping key: bare when it is a plain slug, quoted otherwise."""
    # `y`, `n`, `on`, `off`... are booleans to YAML 1.1 readers; quote those too.
    if _PLAIN_KEY.match(name) and name.lower() not in _YAML11_WORDS:
        return name
    return quote(name)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | Decimal)


def _flow_list(items: Sequence[Any]) -> str:
    return "[" + ", ".join(scalar(item) for item in items) + "]"


def emit_mapping(mapping: Mapping[str, Any], indent: int = 0) -> Iterator[str]:
    """Lines of ``mapping`` in block style. ``None`` values are left out."""
    pad = " " * indent
    for name, value in mapping.items():
        if value is None:
            continue
        if _is_scalar(value):
            yield f"{pad}{key(name)}: {scalar(value)}"
        elif isinstance(value, Mapping):
            if not value:
                continue
            yield f"{pad}{key(name)}:"
            yield from emit_mapping(value, indent + 2)
        else:
            items = list(value)
            if not items:
                continue
            if all(_is_scalar(item) for item in items):
                yield f"{pad}{key(name)}: {_flow_list(items)}"
            else:
                yield f"{pad}{key(name)}:"
                yield from emit_sequence(items, indent + 2)


def emit_sequence(items: Sequence[Any], indent: int) -> Iterator[str]:
    """Lines of a list of mappings (or scalars) in block style."""
    pad = " " * indent
    for item in items:
        if isinstance(item, Mapping):
            lines = list(emit_mapping(item, indent + 2))
            if not lines:
                yield f"{pad}- {{}}"
                continue
            # The first key goes on the dash line: `- id: x`.
            yield f"{pad}- {lines[0][indent + 2 :]}"
            yield from lines[1:]
        else:
            yield f"{pad}- {scalar(item)}"


def dump_log(log: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """The whole log as YAML text.

    ``log`` holds the top-level keys in the order they should appear (the format puts
    the registries first and ``events:`` last, so appending an event at the end works).
    ``header`` lines become ``#`` comments at the top.
    """
    lines = [f"# {line}" if line else "#" for line in header]
    lines.extend(emit_mapping(log))
    return "\n".join(lines) + "\n"
