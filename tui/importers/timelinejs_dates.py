"""TimelineJS date objects as EDTF: ``{"year": "1963", "month": "05", "day": ""}`` and
its time of day.

A time of day (``hour``, ``minute``, ``second``, ``millisecond``) on a full date is kept:
the date becomes an EDTF date-time such as ``1900-01-06T06:45:56``, with no zone, since
TimelineJS shows times in the viewer's own. EDTF intervals join dates, not times, so a
slide with an end on another day becomes an interval of days, and the times the date
cannot hold (both ends' then, an end time on the start's day, a time on a date without a
day) are kept in the event's ``data`` as ``start_time`` / ``end_time``; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.model.edtf import EDTFError, parse_edtf


def _part(value: Any) -> int | None:
    """A date part as TimelineJS files give it: 1963, "1963", "05", "" or missing."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


class SlideSkipped(Exception):
    pass


def _edtf_part(date: Any, which: str) -> str | None:
    """The EDTF text of a TimelineJS date object (``2012-01-03``, ``1978``), or None."""
    if date is None or date == "":
        return None
    if not isinstance(date, dict):
        raise SlideSkipped(f"its {which} is not an object")
    try:
        year, month, day = (_part(date.get(name)) for name in ("year", "month", "day"))
    except ValueError as error:
        raise SlideSkipped(f"its {which} has a part that {error}") from None
    if year is None:
        return None
    if not 1 <= year <= 9999:
        # BCE and far-future years: the log's dates run from 1 AD to 9999.
        raise SlideSkipped(f"its {which} year {year} is outside 1-9999 (BCE is not supported)")
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _time_part(date: Any, which: str) -> tuple[str | None, str | None]:
    """The time of day of a TimelineJS date object as ``hh:mm:ss[.mmm]``, or None; and a
    warning when it had parts that are no time (which are then left out)."""
    if not isinstance(date, dict):
        return None, None
    names = ("hour", "minute", "second", "millisecond")
    try:
        hour, minute, second, milli = (_part(date.get(name)) for name in names)
    except ValueError as error:
        return None, f"its {which} time of day dropped: a part {error}"
    if hour is None and minute is None and second is None:
        return None, None  # a millisecond alone means nothing
    hour, minute, second, milli = hour or 0, minute or 0, second or 0, milli or 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= milli <= 999):
        shown = f"{hour}:{minute:02d}:{second:02d}"
        return None, f"its {which} time of day {shown} dropped: it is not a time"
    clock = f"{hour:02d}:{minute:02d}:{second:02d}"
    return (clock + f".{milli:03d}" if milli else clock), None


@dataclass
class SlideDate:
    """What a slide's dates become: the EDTF text, the times it could not hold, warnings."""

    text: str
    times: dict[str, str] = field(default_factory=dict)  # start_time / end_time -> hh:mm:ss
    warnings: list[str] = field(default_factory=list)


def slide_date(slide: dict[str, Any]) -> SlideDate:
    """The EDTF date of a slide, the times of day it keeps aside, and its warnings."""
    start = _edtf_part(slide.get("start_date"), "start_date")
    if start is None:
        raise SlideSkipped("it has no start_date year")
    try:
        parse_edtf(start)
    except EDTFError as error:
        raise SlideSkipped(f"its start_date is not a real date: {error.message}") from None
    result = SlideDate(start)
    start_time, warning = _time_part(slide.get("start_date"), "start_date")
    result.warnings += [warning] if warning else []
    try:
        end = _edtf_part(slide.get("end_date"), "end_date")
    except SlideSkipped as error:
        end = None
        result.warnings.append(f"end date dropped: {error}")
    end_time = None
    if end is not None:
        end_time, warning = _time_part(slide.get("end_date"), "end_date")
        result.warnings += [warning] if warning else []
    if end is not None and end != start:
        try:
            result.text = parse_edtf(f"{start}/{end}").text
        except EDTFError as error:
            result.warnings.append(f"end date {end} dropped: {error.message}")
            end, end_time = None, None
    if start_time is not None and "/" not in result.text and len(start) == 10:
        result.text = f"{start}T{start_time}"  # a full day: the time joins the date
        parse_edtf(result.text)  # a valid day and a valid time of day make a valid date
    elif start_time is not None:
        result.times["start_time"] = start_time
    if end_time is not None and (end != start or end_time != start_time):
        result.times["end_time"] = end_time
    return result
