"""A date cell of someone else's table as EDTF, or the reason it cannot be one.

Tried in order: the mapping's own ``strptime`` formats, then EDTF as written (``2017``,
``2017-05-09``, ``2018-06~``), then what the EDTF parser suggests for a near miss
(``May 2017`` -> ``2017-05``, ``Summer 2018`` -> ``2018-22``, ``2017-05-09 14:30`` ->
``2017-05-09T14:30:00``; python-dateutil reads the words), at the precision the cell has.
A cell such as ``12/8/2017`` is ambiguous unless the mapping says ``dayfirst``; a cell
without a four-digit year is refused rather than given one. Nothing here raises: every
answer is ``(edtf, None)`` or ``(None, reason)``, and every EDTF answer parses.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from tui.model.edtf import EDTFError, parse_edtf

# Longer than any date; a cell past this is prose, and is not handed to dateutil.
_MAX_CELL = 100
_DEFAULT_A = datetime.datetime(2000, 1, 1)
_DEFAULT_B = datetime.datetime(2004, 12, 28)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_DAY_DIRECTIVES = ("%d", "%j", "%x", "%c", "%-d")
_MONTH_DIRECTIVES = ("%m", "%b", "%B", "%-m")
_TIME_DIRECTIVES = ("%H", "%I", "%X", "%c")

DateCell = tuple[str, None] | tuple[None, str]


def _checked(text: str) -> DateCell:
    try:
        return parse_edtf(text).text, None
    except EDTFError as error:
        return None, error.message


def _from_format(text: str, fmt: str) -> DateCell | None:
    """The cell read with one ``strptime`` format, at the precision the format has."""
    try:
        moment = datetime.datetime.strptime(text, fmt)
    except (ValueError, TypeError, OverflowError):
        return None
    if any(d in fmt for d in _DAY_DIRECTIVES):
        day = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        if any(d in fmt for d in _TIME_DIRECTIVES):
            day += f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
            offset = moment.utcoffset()
            if offset is not None:
                minutes = int(offset.total_seconds()) // 60
                sign = "-" if minutes < 0 else "+"
                day += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return _checked(day)
    if any(d in fmt for d in _MONTH_DIRECTIVES):
        return _checked(f"{moment.year:04d}-{moment.month:02d}")
    return _checked(f"{moment.year:04d}")


def _with_dayfirst(text: str, dayfirst: bool) -> DateCell | None:
    """dateutil's reading with the mapping's ``dayfirst``, at the cell's precision."""
    if not _YEAR.search(text):
        return None
    from dateutil import parser

    try:
        a = parser.parse(text, default=_DEFAULT_A, dayfirst=dayfirst)
        b = parser.parse(text, default=_DEFAULT_B, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.year != b.year:
        return None
    if a.month != b.month:
        return _checked(f"{a.year:04d}")
    if a.day != b.day:
        return _checked(f"{a.year:04d}-{a.month:02d}")
    return _checked(f"{a.year:04d}-{a.month:02d}-{a.day:02d}")


def _year_as_written(text: str, edtf: str) -> DateCell:
    """``edtf`` if its year stands in the cell as written: dateutil turns "0099" into 1999."""
    year = edtf[:4]
    if year.isdigit() and year not in text:
        return None, f"cannot tell the year of {text[:60]!r}; write the date as EDTF (YYYY-MM-DD)"
    return edtf, None


def parse_date_cell(
    cell: object, formats: Sequence[str] = (), dayfirst: bool | None = None
) -> DateCell:
    """``(EDTF text, None)`` for a date cell, or ``(None, why not)``; never raises."""
    try:
        return _parse(cell, formats, dayfirst)
    except Exception as error:  # a library's surprise is still the cell's problem
        return None, f"cannot read the date ({type(error).__name__})"


def _parse(cell: object, formats: Sequence[str], dayfirst: bool | None) -> DateCell:
    if cell is None or isinstance(cell, bool):
        return None, "no date"
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip()
    if not text:
        return None, "no date"
    if len(text) > _MAX_CELL:
        return None, f"not a date: {len(text):,} characters long"
    for fmt in formats:
        found = _from_format(text, fmt)
        if found is not None and found[0] is not None:
            return found
    try:
        return parse_edtf(text).text, None
    except EDTFError as error:
        reason = error.message
        suggestion = error.suggestion
    if dayfirst is not None:
        found = _with_dayfirst(text, dayfirst)
        if found is not None and found[0] is not None:
            return _year_as_written(text, found[0])
    if suggestion and " or " not in suggestion:
        found = _checked(suggestion)
        return found if found[0] is None else _year_as_written(text, found[0])
    if suggestion and " or " in suggestion and "(20" in reason:
        reason += "; say dayfirst: true or false under date in the mapping"
    if formats:
        reason += f"; it matches none of the formats {', '.join(formats)}"
    return None, reason
