"""Untrusted text made safe to show: no terminal control or invisible character leaves a string.

Textual and Rich strip only BEL, BS, VT, FF and CR; ESC, CSI, OSC, C1 and the bidi
overrides would reach the terminal (OSC 52 writes the clipboard, ESC[2J clears the
screen), and invisible characters would let a string look like another one. Every string
from a log, a path, an argument, an environment variable or an exception passes through
:func:`printable` before it is drawn or printed to a terminal, and is drawn as plain text,
never parsed as markup.

What :func:`printable` replaces (``UNSAFE_CHARACTERS``), each with a visible placeholder:

* C0 controls except tab and newline (``␛`` for ESC, ``␀`` for NUL: the Control Pictures
  block), DEL (``␡``) and C1 (``<U+009B>``); with ``newlines=False`` tab and newline too
  (``␉``, ``␊``), for file names, so a name cannot start a line of its own;
* the bidi controls and marks: U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069;
* the line and paragraph separators U+2028, U+2029;
* zero-width and invisible format characters: U+180E, U+200B, U+2060-U+2064,
  U+206A-U+206F, U+FEFF, U+FFF9-U+FFFB, and the tag characters U+E0000-U+E007F;
* lone surrogates: ``<0x9B>`` for an undecodable byte of a file name (Python's
  ``surrogateescape`` turns byte 0x9B into U+DC9B), ``<U+D800>`` for any other.

The joiners U+200C (ZWNJ) and U+200D (ZWJ) are needed inside words of Persian, Arabic and
Indic scripts and inside emoji sequences (a family, a flag with a rainbow): they are kept
when both neighbours are visible non-ASCII characters, and replaced (``<U+200D>``) anywhere
else (at an end, beside a space or another invisible character, or between ASCII
characters, where they do nothing but hide).
"""

from __future__ import annotations

import os
import re
import unicodedata

# Control characters a log may not hold in its text (the loader refuses them, `rate`
# refuses them in a note): C0 except tab and newline, DEL, C1.
LOG_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Characters that look like a space (or like nothing) but are text to YAML.
ODD_WHITESPACE = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u202f\u205f\u2060\u3000\ufeff"
)


def odd_whitespace(text: str) -> str | None:
    """``U+00A0 (no-break space)`` for the first character of ``text`` that looks like a
    space (or like nothing) but is not one to YAML, or None if there is none."""
    for char in text:
        if char in ODD_WHITESPACE:
            name = unicodedata.name(char, "a format character").lower()
            return f"U+{ord(char):04X} ({name})"
    return None


# Everything printable() replaces except the joiners (which depend on their neighbours),
# as the body of a regex character class. C0 is without tab and newline.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_INVISIBLE = (
    "\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"
)
_JOINERS = "\u200c\u200d"

# Every character of the dangerous set, joiners included: what a machine format escapes
# in its own way (JSON as \u202e), whatever the neighbours.
UNSAFE_CHARACTERS = re.compile(f"[\t\n{_CONTROLS}{_INVISIBLE}{_JOINERS}]")

# A character beside which a joiner does its work: visible and not ASCII.
_JOINABLE = f"[^\\x00-\\x7f\\s{_INVISIBLE}{_JOINERS}]"
_LONE_JOINER = f"(?<!{_JOINABLE})[{_JOINERS}]|[{_JOINERS}](?!{_JOINABLE})"

# The quick test: no character of the set at all (most text), so nothing to replace. It is
# also what JSON escapes: the set without tab and newline (json.dumps escapes them inside
# strings; outside, they are the indentation).
_ANY = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_JOINERS}]")
# The same set as the body of a regex character class, for a format that adds its own.
ESCAPED_CLASS = f"{_CONTROLS}{_INVISIBLE}{_JOINERS}"
_ANY_IN_NAME = UNSAFE_CHARACTERS


def _placeholder_for(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xDC80 <= code <= 0xDCFF:
        return f"<0x{code - 0xDC00:02X}>"  # a byte surrogateescape could not decode
    return f"<U+{code:04X}>"


_PLACEHOLDERS: dict[str, str] = {}


def _placeholder(match: re.Match[str]) -> str:
    char = match.group()
    shown = _PLACEHOLDERS.get(char)
    if shown is None:
        shown = _PLACEHOLDERS[char] = _placeholder_for(char)
    return shown


# One compiled class per use, and a callback per match: on the bundled log's text this is
# 6-8x faster than str.translate with a table, which falls to a dict lookup per character
# once the text holds any non-ASCII character. The joiners are a second pass (they are
# rare), by _LONE_JOINER, which looks at their neighbours in the replaced text.
_REPLACE = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_REPLACE_IN_NAME = re.compile(f"[\t\n{_CONTROLS}{_INVISIBLE}]")
_LONE_JOINER_RE = re.compile(_LONE_JOINER)


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control and invisible character replaced by a placeholder.

    See the module docstring for the set. Tab and newline are kept unless ``newlines`` is
    false (file names: :func:`shown_name`). The result never holds a character of the set
    (joiners only between visible non-ASCII characters), and ``printable`` of it is itself.
    """
    if (_ANY if newlines else _ANY_IN_NAME).search(text) is None:
        return text
    shown = (_REPLACE if newlines else _REPLACE_IN_NAME).sub(_placeholder, text)
    if "\u200c" in shown or "\u200d" in shown:
        shown = _LONE_JOINER_RE.sub(_placeholder, shown)
    return shown


def shown_name(path: str | os.PathLike[str]) -> str:
    """A file name or path as a message shows it: :func:`printable`, newlines escaped too.

    A name holding a newline cannot forge a ``FILE:LINE:COL: error:`` line of its own.
    """
    return printable(os.fspath(path), newlines=False)


def one_line(text: str) -> str:
    """:func:`printable`, with runs of white space (newlines too) folded to one space."""
    return " ".join(printable(text).split())


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON escapes only 16-bit units: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_escaped(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character
    :func:`printable` would replace, joiners too, written as a ``\\u`` escape: the same
    data, nothing invisible.

    Those characters can only stand inside JSON strings (the syntax is ASCII), where an
    escape means the same character; tab and newline outside strings (``indent``) are kept.
    """
    return _ANY.sub(_json_escape, text)
