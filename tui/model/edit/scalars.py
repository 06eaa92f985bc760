"""Values written into a log as YAML text: plain where safe (ids, statuses, dates),
else double-quoted on one line with every control or separator character escaped.

Nothing here imports Textual.
"""

from __future__ import annotations

import datetime
import re

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from tui.model.text import one_line

# A value written without quotes: ids, statuses and EDTF dates. Anything else is quoted.
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~?%/-]*")


# Characters a double-quoted YAML scalar must escape to stay on one line and mean itself.
_MUST_ESCAPE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff"\\\\]')


_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def scalar(value: str, *, date: bool = False) -> str:
    """``value`` unquoted when YAML reads it back as the same text, else double-quoted.

    With ``date``, an unquoted value that loads as a date or a year (``2019-04-02``,
    ``2017``) counts as the same text: the loader reads those exactly as quoted ones.
    """
    if _PLAIN_SAFE.fullmatch(value):
        try:
            loaded = YAML(typ="safe", pure=True).load(f"v: {value}")["v"]
        except YAMLError:
            loaded = None
        if loaded == value or (
            date
            and isinstance(loaded, datetime.date | int)
            and not isinstance(loaded, bool)
            and str(loaded) == value
        ):
            return value
    return quoted(value)


def quoted(value: str) -> str:
    """A double-quoted YAML scalar on one line that reads back as exactly ``value``."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED_ESCAPES:
            return _NAMED_ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return '"' + _MUST_ESCAPE.sub(escape, value) + '"'


def quote_id(value: str) -> str:
    return "'" + one_line(value) + "'"
