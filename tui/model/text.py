"""Untrusted text made safe to show: no terminal control ever leaves a log string.

Textual and Rich strip only BEL, BS, VT, FF and CR; ESC, CSI, OSC, C1 and the bidi
overrides would reach the terminal (OSC 52 writes the clipboard, ESC[2J clears the
screen). Every string from a log passes through :func:`printable` before it is drawn
or printed to a terminal, and is drawn as plain text, never parsed as markup.
"""

from __future__ import annotations

import re

# Control characters a log may not hold in its text (the loader refuses them, `rate`
# refuses them in a note): C0 except tab and newline, DEL, C1.
LOG_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# C0 controls except tab and newline, DEL, C1, the bidi embeddings/overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _placeholder(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC, ␀ for NUL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def printable(text: str) -> str:
    """``text`` with every control character replaced by a visible placeholder."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(_placeholder, text)


def one_line(text: str) -> str:
    """:func:`printable`, with runs of white space (newlines too) folded to one space."""
    return " ".join(printable(text).split())
