"""Guards that run before any parser: the size cap, strict UTF-8, no raw control bytes.

Every bad byte is reported where it stands. The limits every parser stage shares
(nesting depth, alias expansion) live here too.
"""

from __future__ import annotations

import re
from pathlib import Path

from tui.model import safe_read
from tui.model.problems import Problem

# A 100k-event log is about 61 MB; four times that is a mistake or an attack.
MAX_BYTES = safe_read.MAX_BYTES
# A log nests 7 deep at most (log > events > event > pledge > ratings > rating > evidence).
MAX_DEPTH = 100
# How many nodes aliases may add to a file when expanded. A 432-byte "billion laughs"
# would add 387 million; real logs reuse a list or two, if anything.
MAX_ALIAS_EXPANSION = 10_000
# Past this many problems of one kind (bad bytes, control bytes) a file is hopeless.
MAX_BYTE_PROBLEMS = 20


# Raw control characters a log has no business holding: C0 except tab, LF and CR; DEL; C1.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Text that arrives through YAML escapes is checked against LOG_CONTROL: the same set, CR too.
# Raw line and paragraph separators: YAML 1.2 reads them as text, YAML 1.1 (and ruamel's
# scanner) as line breaks. Written as escapes they are one thing to every tool.
_RAW_SEPARATOR = re.compile("[\u2028\u2029]")
# Bytes that were not UTF-8, as surrogateescape decoding leaves them.
_BAD_BYTE = re.compile("[\udc80-\udcff]")
# What ends a line for YAML (ruamel's scanner counts the separators as breaks too).
_LINE_BREAKS = "\r\n\x85\u2028\u2029"


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def char_name(char: str) -> str:
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
        line, col = position(text, match.start())
        problems.append(
            Problem(file, line, col, f"invalid UTF-8 byte 0x{byte:02X}; save the file as UTF-8")
        )
    if problems:
        return None, problems
    for match in _RAW_CONTROL.finditer(text):
        if len(problems) == MAX_BYTE_PROBLEMS:
            break
        line, col = position(text, match.start())
        problems.append(
            Problem(
                file,
                line,
                col,
                f"control character {char_name(match.group())} in the file; "
                "a log holds only printable text",
            )
        )
    if problems:
        return None, problems
    for match in _RAW_SEPARATOR.finditer(text):
        if len(problems) == MAX_BYTE_PROBLEMS:
            break
        line, col = position(text, match.start())
        name = "line" if match.group() == "\u2028" else "paragraph"
        problems.append(
            Problem(
                file,
                line,
                col,
                f"{name} separator {char_name(match.group())} in the file; YAML 1.1 parsers "
                "(and editors) take it for a line break, so it would mean different things "
                f'to different tools: write it as "\\u{ord(match.group()):04x}" inside '
                "double quotes",
            )
        )
    if problems:
        return None, problems
    return text, []


def complete_last_line(text: str) -> str:
    """``text`` with a line break after its last line if it has none.

    The end of the file ends its last line: YAML 1.2 reads ``"a: |\\n  x"`` as ``"x\\n"``,
    as yaml-rs does, where ruamel gave ``"x"`` (and ``"x\\n "`` for ``"x\\n   "``, which
    the suite reads ``"x\\n \\n"``). Both parsers read the completed text, so they agree.
    Here, not in :mod:`.exact`, so the fast path does not import ruamel.yaml to use it.
    """
    if text and text[-1] not in _LINE_BREAKS:
        return text + "\n"
    return text
