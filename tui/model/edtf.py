"""Dates as a log writes them: EDTF levels 0 and 1 (Library of Congress EDTF, ISO 8601-2).

Every date has an inclusive lower and upper bound, a precision and a display form a reader
understands ("9 May 2017", "May 2017", "c. Jun 2018", "Summer 2018", "Jun-Aug 2018").

Accepted forms::

    2017-05-09   2017-05   2017                 day, month, year
    2017-05-09~  2017-05?  2017%                approximate, uncertain, both (at the end)
    2017-12-XX   2017-XX   2017-XX-XX           unspecified day / month
    201X         19XX                           a decade, a century
    2018-21 .. 2018-24                          spring, summer, autumn, winter (Dec-Feb,
                                                ending in the next year)
    2018-06/2018-08   2018-06/..   ../2018      intervals, open ends
    2018-06/          /2018                     intervals with an unknown end
    1985-04-12T23:20:30                         a date and (local) time of day, level 0
    1985-04-12T23:20:30Z  ...T23:20:30+05:00    in UTC, or at an offset (+05, +0500 too)

A date-time's bounds are its (local) day, so it filters, groups and counts as that day;
``time`` keeps the time of day and :attr:`EDTFDate.time_order` sorts the events of one day
by their instant. Seconds may have a fraction (``23:20:30.5``); ``24:00:00``, a leap second
``:60`` and an offset outside -12:00..+14:00 (or ``-00:00``) are refused, as are a time
inside an interval (level 0 intervals join dates) and a qualifier on a time.

The parser is hand-written (the ``edtf`` package takes milliseconds per date; a log may
hold 100,000) and stricter than that package: 29 February of a common year, 31 April,
month 13 and intervals whose end can fall before their start (``2018/2018-06``,
``2018-24/2018-12``; two ends that are the same period, ``2018-12/2018-12``, are that
period) are refused. Years outside 1..9999 are refused too (``datetime.date`` cannot hold them, and no log of this product needs them).

A refused date raises :class:`EDTFError`; when python-dateutil can read what the person
probably meant, the error carries a suggestion in EDTF ("May 2017" -> "2017-05").
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from tui.model.text import printable

__all__ = ["EDTFDate", "EDTFError", "parse_edtf"]

PRECISIONS: tuple[str, ...] = ("day", "month", "season", "year", "decade", "century")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# EDTF level 1 season codes: (name, first month, last month); winter runs into the next year.
_SEASONS: dict[int, tuple[str, int, int]] = {
    21: ("Spring", 3, 5),
    22: ("Summer", 6, 8),
    23: ("Autumn", 9, 11),
    24: ("Winter", 12, 2),
}
_QUALIFIERS = {"": (False, False), "~": (True, False), "?": (False, True), "%": (True, True)}

# One EDTF date (not an interval): a year (maybe ending in X or XX), then an optional
# month/season (or XX), then an optional day (or XX), then an optional qualifier.
# re.ASCII: \d would otherwise accept any script's digits ("٢٠١٧"), which int() reads.
_SINGLE = re.compile(r"(\d{4}|\d{3}X|\d{2}XX)(?:-(\d\d|XX)(?:-(\d\d|XX))?)?([~?%]?)\Z", re.ASCII)
_DATE_TIME = re.compile(r"(\d{4}-\d\d-\d\d)[Tt ]\d\d:\d\d", re.ASCII)
# A level 0 date and time: a complete day, T, hh:mm:ss (a fraction of a second allowed, as
# ISO 8601 does), then nothing (local time), Z (UTC) or an offset +hh, +hh:mm or +hhmm.
_TIMED = re.compile(
    r"(\d{4}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d(?::?\d\d)?)?\Z",
    re.ASCII,
)
# Offsets in use on Earth run from UTC-12:00 to UTC+14:00.
_WEST_MOST, _EAST_MOST = -12 * 60, 14 * 60
_UTC = datetime.UTC

_FROM_ISO = datetime.date.fromisoformat
_CACHE_SIZE = 65536
_ECHO_LIMIT = 60


class EDTFError(ValueError):
    """A value that is not a date this product accepts.

    ``message`` says what is wrong (user text in it is quoted and free of control
    characters); ``suggestion`` is an EDTF form the person probably meant, or None.
    """

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class EDTFDate:
    """A parsed EDTF date: its normalised text, inclusive bounds and precision.

    For an interval, ``start``/``end`` are its parts (None for an open ``..`` or unknown
    empty end), ``precision`` is the start's (the end's when the start is open), and
    ``approximate``/``uncertain`` are true when either part is.
    """

    text: str
    lower: datetime.date
    upper: datetime.date
    precision: str
    approximate: bool = False
    uncertain: bool = False
    is_interval: bool = False
    start: EDTFDate | None = None
    end: EDTFDate | None = None
    # The time of day of a date-time (``1985-04-12T23:20:30Z``), with its UTC offset as
    # tzinfo when the text gives one; None for a date without a time.
    time: datetime.time | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def time_order(self) -> float:
        """Where in its day this date sorts: -inf without a time (a whole day comes first),
        else seconds from the day's midnight to the instant, in UTC where an offset is
        given (a local time with no offset counts as UTC). Only dates of the same day
        are compared by it: bounds order days first."""
        clock = self.time
        if clock is None:
            return -math.inf
        local = clock.hour * 3600 + clock.minute * 60 + clock.second + clock.microsecond / 1e6
        offset = clock.utcoffset()
        return local if offset is None else local - offset.total_seconds()

    def compact(self) -> str:
        """The date in as few columns as a timeline row allows: a date-time drops its year
        and zone ("12 Apr 23:20": the row sits under its month's heading, and the detail
        pane has the rest); any other date is :meth:`display`."""
        if self.time is None:
            return self.display()
        lower = self.lower
        return f"{lower.day} {_MONTHS[lower.month - 1]} {_clock(self.time)}"

    def display(self) -> str:
        """The date as a reader says it: "9 May 2017", "c. Jun 2018", "Jun-Aug 2018"."""
        if self.is_interval:
            return _display_interval(self)
        if self.time is not None:  # "12 Apr 1985 23:20 UTC", "1 Jan 2004 10:10 +05:00"
            zone = zone_name(self)
            shown = f"{_display_plain(self)} {_clock(self.time)}"
            return f"{shown} {zone}" if zone else shown
        return _qualify(_display_plain(self), self.approximate, self.uncertain)


# ----------------------------------------------------------------------------- parsing


def parse_edtf(value: str | datetime.date | datetime.datetime | int) -> EDTFDate:
    """Parse an EDTF level 0/1 date; raise :class:`EDTFError` (with a suggestion) if invalid.

    A ``datetime.date`` or an ``int`` (what a YAML loader makes of unquoted ``2017-05-09``
    or ``2017``) means exactly what the same text quoted means; a ``datetime`` means its
    date and time (to the second, with its offset when it has one).
    """
    if isinstance(value, str):
        return _parse_text(value.strip())
    # bool is an int subclass (YAML `yes`); it is never a date.
    if isinstance(value, bool):
        raise EDTFError(f"not an EDTF date: {value!r} is a boolean; write a date like 2017-05-09")
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return _parse_text(text[:-6] + "Z" if text.endswith("+00:00") else text)
    if isinstance(value, datetime.date):
        return _parse_text(value.isoformat())
    if isinstance(value, int):
        return _parse_year_number(value)
    raise EDTFError(
        f"not an EDTF date: a {type(value).__name__} where a date like 2017-05-09 belongs"
    )


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_text(text: str) -> EDTFDate:
    # Logs repeat dates (many events share a day); the cache makes a repeat a dict lookup.
    # Only successes are cached: lru_cache does not store exceptions.
    return _parse_uncached(text)


def _parse_uncached(text: str) -> EDTFDate:
    """Parse stripped ``text`` with no cache (the benchmark measures this)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        # The common case, a plain day: the C ISO parser checks digits (ASCII only) and
        # the calendar at once. Anything it refuses takes the slow path for a message.
        try:
            day = _FROM_ISO(text)
        except ValueError:
            pass
        else:
            return EDTFDate(text, day, day, "day")
    if "/" in text:
        return _parse_interval(text)
    if "T" in text:
        return _parse_date_time(text)
    return _parse_single(text, text)


def _parse_year_number(value: int) -> EDTFDate:
    """An unquoted number (YAML reads ``2017`` and ``-0100`` as numbers): a year or a refusal."""
    if 1000 <= value <= 9999:
        return _parse_text(str(value))
    if 1 <= value <= 999:
        # YAML reads `0409` as 409: the leading zeros are gone, so say what was read.
        four = f"{value:04d}"
        raise EDTFError(
            f"not an EDTF date: the number {value} (a year has four digits: "
            f"write '{four}' in quotes for the year {value})",
            four,
        )
    raise EDTFError(
        f"not a supported date: the number {value} (only years 1 to 9999 are supported)"
    )


def _parse_date_time(text: str) -> EDTFDate:
    """A level 0 date and time of day (``1985-04-12T23:20:30``, ``...Z``, ``...+05:00``)."""
    match = _TIMED.match(text)
    if match is None:
        raise _explain_mismatch(text, text)
    day_s, hour_s, minute_s, second_s, fraction, zone = match.groups()
    day = _parse_single(day_s, text)  # the calendar's messages (29 February, 31 April)
    hour, minute, second = int(hour_s), int(minute_s), int(second_s)
    head = f"not a valid date and time: {_echo(text)}"
    if hour == 24 and minute == second == 0 and not (fraction or "").strip("0"):
        if day.lower == datetime.date.max:
            raise EDTFError(f"{head} (24:00:00 is the next day's 00:00:00; write 23:59:59)")
        following = day.lower + datetime.timedelta(days=1)
        suggestion = f"{following.isoformat()}T00:00:00{zone or ''}"
        raise EDTFError(
            f"{head} (24:00:00 is the next day's 00:00:00: did you mean {suggestion}?)",
            suggestion,
        )
    if hour > 23:
        raise EDTFError(f"{head} (hour {hour_s} does not exist: hours are 00-23)")
    if minute > 59:
        raise EDTFError(f"{head} (minute {minute_s} does not exist: minutes are 00-59)")
    if second == 60:
        raise EDTFError(f"{head} (leap seconds are not supported: write :59)")
    if second > 59:
        raise EDTFError(f"{head} (second {second_s} does not exist: seconds are 00-59)")
    micro = int((fraction or "").ljust(6, "0")[:6])
    return EDTFDate(
        text,
        day.lower,
        day.upper,
        "day",
        time=datetime.time(hour, minute, second, micro, tzinfo=_zone(zone, head)),
    )


def _zone(zone: str | None, head: str) -> datetime.tzinfo | None:
    if zone is None:
        return None
    if zone == "Z":
        return _UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if minutes > 59:
        raise EDTFError(f"{head} (offset {zone}: minutes are 00-59)")
    total = sign * (hours * 60 + minutes)
    if total == 0 and sign < 0:
        # ISO 8601 has no negative zero; RFC 3339 uses -00:00 for "offset unknown".
        raise EDTFError(
            f"{head} (offset {zone}: write Z or +00:00 for UTC, or no offset for a local time)"
        )
    if not _WEST_MOST <= total <= _EAST_MOST:
        raise EDTFError(f"{head} (offset {zone}: offsets run from -12:00 to +14:00)")
    if total == 0:
        return _UTC
    return datetime.timezone(datetime.timedelta(minutes=total))


def _parse_interval(text: str) -> EDTFDate:
    if text.count("/") != 1:
        raise _not_edtf(text)
    left, right = text.split("/")
    if "T" in left or "T" in right:
        raise _time_in_interval(text, left, right)
    open_start, open_end = left == "..", right == ".."
    unknown_start, unknown_end = left == "", right == ""
    if (open_start or unknown_start) and (open_end or unknown_end):
        raise EDTFError(
            f"not an EDTF date: {_echo(text)} (an interval needs at least one known end)"
        )
    start = None if open_start or unknown_start else _parse_single(left, text)
    end = None if open_end or unknown_end else _parse_single(right, text)
    if "X" in text:
        raise _x_in_interval(text, start, end)
    if (
        start is not None
        and end is not None
        and end.lower < start.upper
        and (end.lower, end.upper) != (start.lower, start.upper)
    ):
        # Two ends that are the same period ("2018-12/2018-12") are that period.
        raise _end_before_start(text, start, end)
    first = start if start is not None else end
    assert first is not None  # at least one end is known (checked above)
    return EDTFDate(
        text=f"{left if start is None else start.text}/{right if end is None else end.text}",
        lower=datetime.date.min if start is None else start.lower,
        upper=datetime.date.max if end is None else end.upper,
        precision=first.precision,
        approximate=any(p is not None and p.approximate for p in (start, end)),
        uncertain=any(p is not None and p.uncertain for p in (start, end)),
        is_interval=True,
        start=start,
        end=end,
    )


def _end_before_start(text: str, start: EDTFDate, end: EDTFDate) -> EDTFError:
    """An interval whose end can fall before its start (``2018/2017``, ``2018-24/2018-12``)."""
    if end.upper < start.lower:
        return EDTFError(
            f"interval ends before it begins: {_echo(text)} "
            f"({end.display()} is before {start.display()})",
            suggestion=f"{end.text}/{start.text}",
        )
    # The ends overlap: read as "some time in the start to some time in the end", the end
    # could come first. Refused rather than guessed at (winter 2018 runs into 2019).
    detail = (
        f"the start, {start.display()}, can be as late as {_day_words(start.upper)}, and the "
        f"end, {end.display()}, as early as {_day_words(end.lower)}"
    )
    return EDTFError(
        f"interval whose end can fall before its start: {_echo(text)} ({detail}; "
        "an interval's end must come after every day its start can be)"
    )


def _day_words(day: datetime.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _time_in_interval(text: str, left: str, right: str) -> EDTFError:
    # EDTF level 0 intervals join dates ("time of day is excluded"); level 1 adds only
    # open and unknown ends. Suggest the days when that is itself a valid interval.
    suggestion = f"{left.split('T')[0]}/{right.split('T')[0]}"
    head = f"not a valid EDTF date: {_echo(text)} (an interval joins dates, not times of day"
    try:
        _parse_interval(suggestion)
    except EDTFError:
        return EDTFError(f"{head}; write the days it runs between)")
    return EDTFError(f"{head}: did you mean {suggestion}?)", suggestion)


def _x_in_interval(text: str, start: EDTFDate | None, end: EDTFDate | None) -> EDTFError:
    # Level 1 intervals join plain dates; unspecified digits inside one are level 2 (and
    # the edtf package mis-parses several such forms). Suggest the bounds the X stands for.
    def plain(part: EDTFDate | None, raw: str, last: bool) -> str:
        if part is None:
            return raw
        if "X" not in part.text:
            return part.text
        mark = part.text[-1] if part.text[-1] in "~?%" else ""
        when = part.upper if last else part.lower
        if part.precision in ("decade", "century", "year"):
            return f"{when.year:04d}{mark}"
        return f"{when.year:04d}-{when.month:02d}{mark}"

    left, right = text.split("/")
    suggestion = f"{plain(start, left, False)}/{plain(end, right, True)}"
    head = f"not a valid EDTF date: {_echo(text)} (unspecified digits (X) cannot be used inside an interval"
    try:
        _parse_interval(suggestion)
    except EDTFError:  # e.g. 201X/2000: the bounds would be reversed too
        return EDTFError(f"{head}; write the years or months they stand for)")
    return EDTFError(f"{head}: did you mean {suggestion}?)", suggestion)


def _parse_single(text: str, whole: str) -> EDTFDate:
    """One date (not an interval). ``whole`` is the full user text, for messages."""
    match = _SINGLE.match(text)
    if match is None:
        raise _explain_mismatch(text, whole)
    year_s, month_s, day_s, qualifier = match.groups()
    approximate, uncertain = _QUALIFIERS[qualifier]

    if "X" in year_s:
        if month_s is not None:
            raise EDTFError(
                f"not a valid EDTF date: {_echo(whole)} "
                "(a year with unspecified digits cannot have a month or day)"
            )
        if year_s.endswith("XX"):
            first, precision = int(year_s[:2]) * 100, "century"
            last = first + 99
        else:
            first, precision = int(year_s[:3]) * 10, "decade"
            last = first + 9
        _check_year(first, whole)
        return EDTFDate(
            text=text,
            lower=datetime.date(first, 1, 1),
            upper=datetime.date(last, 12, 31),
            precision=precision,
            approximate=approximate,
            uncertain=uncertain,
        )

    year = int(year_s)
    _check_year(year, whole)
    if month_s in (None, "XX"):  # 2017, or 2017-XX(-XX): the year is all we know
        if day_s not in (None, "XX"):  # 2017-XX-05 (_SINGLE never gives a day without a month)
            raise EDTFError(
                f"not a valid EDTF date: {_echo(whole)} "
                "(a day cannot be known when the month is not; write the year, e.g. "
                f"{year_s}-XX-XX or {year_s})"
            )
        return EDTFDate(
            text,
            datetime.date(year, 1, 1),
            datetime.date(year, 12, 31),
            "year",
            approximate,
            uncertain,
        )

    month = int(month_s)
    if 21 <= month <= 24:
        return _season(text, whole, year, month, day_s, qualifier)
    if not 1 <= month <= 12:
        raise EDTFError(
            f"not a valid date: {_echo(whole)} "
            f"(month {month_s} does not exist: months are 01-12, seasons 21-24)"
        )
    last_day = calendar.monthrange(year, month)[1]
    if day_s is None or day_s == "XX":
        return EDTFDate(
            text,
            datetime.date(year, month, 1),
            datetime.date(year, month, last_day),
            "month",
            approximate,
            uncertain,
        )
    day = int(day_s)
    if not 1 <= day <= last_day:
        raise EDTFError(f"not a valid date: {_echo(whole)} ({_why_no_day(year, month, day)})")
    when = datetime.date(year, month, day)
    return EDTFDate(text, when, when, "day", approximate, uncertain)


def _season(
    text: str, whole: str, year: int, code: int, day_s: str | None, qualifier: str
) -> EDTFDate:
    if day_s is not None:
        raise EDTFError(f"not a valid EDTF date: {_echo(whole)} (a season has no day)")
    if qualifier:
        # Level 1 qualifies dates, not seasons (the edtf package agrees).
        raise EDTFError(
            f"not a valid EDTF date: {_echo(whole)} (a season cannot carry ~ ? or %; "
            "write an interval such as 2018-06~/2018-08~ for an approximate season)",
            suggestion=text[:-1],
        )
    _name, first, last = _SEASONS[code]
    end_year = year + 1 if code == 24 else year
    if end_year > 9999:
        raise EDTFError(f"not a supported date: {_echo(whole)} (it ends after the year 9999)")
    return EDTFDate(
        text,
        datetime.date(year, first, 1),
        datetime.date(end_year, last, calendar.monthrange(end_year, last)[1]),
        "season",
    )


def _check_year(year: int, whole: str) -> None:
    if year < 1:
        raise EDTFError(
            f"not a supported date: {_echo(whole)} (only years 1 to 9999 are supported)"
        )


def _why_no_day(year: int, month: int, day: int) -> str:
    if month == 2 and day == 29:
        return f"{year} is not a leap year: February {year} has 28 days"
    if day == 0:
        return "days start at 01"
    days = calendar.monthrange(year, month)[1]
    return f"{MONTH_NAMES[month - 1]} has {days} days"


# ----------------------------------------------------------------------------- display


def _display_plain(date: EDTFDate) -> str:
    """A single (non-interval) date without its qualifiers."""
    lower, precision = date.lower, date.precision
    if precision == "day":
        return f"{lower.day} {_MONTHS[lower.month - 1]} {lower.year}"
    if precision == "month":
        # `2017-12-XX` is month precision: the day is unknown, so none is shown.
        return f"{_MONTHS[lower.month - 1]} {lower.year}"
    if precision == "year":
        return str(lower.year)
    if precision == "season":
        name = _SEASONS[int(date.text[5:7])][0]
        if date.upper.year != lower.year:
            # An en dash, as for any span of years: "Winter 2000-01" would read as January 2000.
            return f"{name} {lower.year}–{date.upper.year % 100:02d}"
        return f"{name} {lower.year}"
    if precision == "decade":
        return f"{lower.year}s"
    return f"{lower.year}s"  # century: 19XX -> 1900s


def _clock(clock: datetime.time) -> str:
    """A time of day to the minute, as a timeline shows it: ``23:20``."""
    return f"{clock.hour:02d}:{clock.minute:02d}"


def zone_name(date: EDTFDate) -> str:
    """The zone of a date-time as a reader sees it: "UTC", "+05:00", or "" (a local time
    with no offset, or a date without a time)."""
    offset = None if date.time is None else date.time.utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _qualify(shown: str, approximate: bool, uncertain: bool) -> str:
    if approximate:
        shown = f"c. {shown}"
    if uncertain:
        shown = f"{shown}?"
    return shown


def _display_interval(date: EDTFDate) -> str:
    start, end = date.start, date.end
    if start is None:
        assert end is not None
        if date.text.startswith(".."):
            return f"until {end.display()}"
        return f"start unknown - {end.display()}"
    if end is None:
        if date.text.endswith(".."):
            return f"{start.display()} onwards"
        return f"from {start.display()}, end unknown"
    plain = not (start.approximate or start.uncertain or end.approximate or end.uncertain)
    if plain and start.precision == end.precision:
        a, b = start.lower, end.lower
        if start.precision == "month" and a.year == b.year:
            if a.month == b.month:
                return start.display()
            return f"{_MONTHS[a.month - 1]}-{_MONTHS[b.month - 1]} {a.year}"
        if start.precision == "day" and a.year == b.year:
            if a == b:
                return start.display()
            if a.month == b.month:
                return f"{a.day}-{b.day} {_MONTHS[a.month - 1]} {a.year}"
            return f"{a.day} {_MONTHS[a.month - 1]} - {b.day} {_MONTHS[b.month - 1]} {a.year}"
        if start.text == end.text:
            return start.display()
    return f"{start.display()} - {end.display()}"


# ----------------------------------------------------------------------------- errors


def _echo(text: str) -> str:
    """User text made safe to quote in a message: short, quoted, no control characters."""
    if len(text) > _ECHO_LIMIT:
        text = text[: _ECHO_LIMIT - 1] + "…"
    return repr(printable(text))


def _explain_mismatch(text: str, whole: str) -> EDTFError:
    """Why ``text`` (a part of ``whole``, or all of it) is not EDTF, with a suggestion."""
    if text == whole:
        return _not_edtf(text)
    # A slash inside something that is not an interval ("12/2017", "9/5/2017 - 2018"):
    # first read the whole text as a date, then blame the part.
    guess = _suggest(whole)
    if guess is not None:
        detail, suggestion = guess
        return EDTFError(f"not an EDTF date: {_echo(whole)} ({detail})", suggestion)
    inner = _not_edtf(text)
    return EDTFError(f"in the interval {_echo(whole)}: {inner.message}", inner.suggestion)


def _did_you_mean(suggestion: str) -> str:
    # "did you mean 2017-05??" reads as a typo; quote a suggestion that ends in "?".
    if suggestion.endswith("?"):
        return f"did you mean '{suggestion}'?"
    return f"did you mean {suggestion}?"


_FORMS = "write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-05-09"
_TIME_FORMS = (
    "write a date and time as 1985-04-12T23:20:30, with Z for UTC or an offset such as +05:00"
)
_TIME_LIKE = re.compile(r"\d{4}(?:-\d\d){0,2}[Tt]\d", re.ASCII)
# Date-times as people and programs write them: a space or a small t, no seconds, a
# fraction, "z", "UTC", an offset with or without a colon.
_LOOSE_TIME = re.compile(
    r"(\d{4}-\d\d-\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?"
    r"\s*(Z|z|UTC|[+-]\d\d(?::?\d\d)?)?\Z",
    re.ASCII,
)


def _explain_date_time(text: str, day: str, head: str) -> EDTFError:
    """Why a date with a time of day is refused, with the level 0 form it probably means."""
    try:
        _parse_single(day, day)
    except EDTFError as error:
        return EDTFError(f"{head} ({_reason(error)})")
    if text[-1] in "~?%":
        # Level 1 qualifies dates; a qualified time of day is not EDTF at any level.
        plain = text[:-1]
        try:
            _parse_date_time(plain)
        except EDTFError:
            return EDTFError(f"{head} (a time of day cannot carry ~ ? or %)")
        return EDTFError(
            f"{head} (a time of day cannot carry ~ ? or %: write {plain}, or the day "
            f"{day}{text[-1]} if the day is in doubt)",
            plain,
        )
    loose = _LOOSE_TIME.match(text)
    if loose is None:
        return EDTFError(f"{head} ({_TIME_FORMS})")
    _day, hour, minute, second, fraction, zone = loose.groups()
    if zone in ("z", "UTC"):
        zone = "Z"
    suggestion = f"{day}T{hour}:{minute}:{second or '00'}{fraction or ''}{zone or ''}"
    try:
        _parse_date_time(suggestion)
    except EDTFError as error:
        return EDTFError(f"{head} ({_reason(error)})")
    return EDTFError(f"{head} ({_did_you_mean(suggestion)})", suggestion)


def _reason(error: EDTFError) -> str:
    """The part of a message in its closing parentheses: "February has 28 days"."""
    message = error.message
    start = message.find(" (")
    return message[start + 2 : -1] if start >= 0 and message.endswith(")") else message


def _not_edtf(text: str) -> EDTFError:
    if not text:
        return EDTFError(f"empty date ({_FORMS})")
    head = f"not an EDTF date: {_echo(text)}"
    short_y = re.fullmatch(r"Y(\d{1,4})", text)
    if short_y is not None and int(short_y.group(1)) >= 1:
        # EDTF keeps the Y prefix for years of more than four digits.
        year = f"{int(short_y.group(1)):04d}"
        return EDTFError(
            f"{head} (the Y prefix is for years of more than four digits: did you mean {year}?)",
            year,
        )
    if re.fullmatch(r"Y-?\d+|-\d[\dX]{3,}.*", text):
        return EDTFError(
            f"not a supported date: {_echo(text)} (only years 1 to 9999 are supported)"
        )
    timed = _DATE_TIME.match(text)
    if timed is not None:
        return _explain_date_time(text, timed.group(1), head)
    if _TIME_LIKE.match(text):  # 2017-05-09T10, 2017-05T10:00:00: not a guess to drop
        return EDTFError(f"{head} ({_TIME_FORMS})")
    if text.upper() != text and _SINGLE.match(text.upper()):
        upper = text.upper()
        return EDTFError(
            f"{head} (unspecified digits are a capital X: did you mean {upper}?)", upper
        )
    guess = _suggest(text)
    if guess is None:
        return EDTFError(f"{head} ({_FORMS})")
    detail, suggestion = guess
    return EDTFError(f"{head} ({detail})", suggestion)


# ----------------------------------------------------------------------------- suggestions

_APPROX_PREFIX = re.compile(
    r"(?:c\.|ca\.|circa|about|around|approx\.?|approximately|~)\s*", re.IGNORECASE
)
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SEASON_TEXT = re.compile(r"(spring|summer|autumn|fall|winter)(?:\s+of)?\s+(\d{4})", re.IGNORECASE)
_DECADE_TEXT = re.compile(r"(?:the\s+)?(\d{3})0'?s", re.IGNORECASE)
_RANGE_SPLIT = re.compile(r"\s+(?:to|until|through|-)\s+|\s*[–—/]\s*", re.IGNORECASE)
# Two far-apart defaults: a component dateutil fills in differs between the two parses,
# one the person wrote is the same in both. Both years are leap years and both months
# have 31 days, so no written day is refused because of the default.
_DEFAULT_A = datetime.datetime(2000, 1, 1)
_DEFAULT_B = datetime.datetime(2004, 12, 28)


def _suggest(text: str) -> tuple[str, str] | None:
    """(explanation, EDTF suggestion) for what ``text`` probably means, or None."""
    if len(text) > 80:
        return None
    # A range first: dateutil would read "2017-05-09 / 2017-05-10" as one day.
    parts = _RANGE_SPLIT.split(text)
    if len(parts) == 2:
        left, right = (_part_form(part.strip()) for part in parts)
        if left is not None and right is not None:
            interval = f"{left}/{right}"
            try:
                _parse_interval(interval)
            except EDTFError:
                return None
            return _did_you_mean(interval), interval
    return _suggest_single(text)


def _part_form(text: str) -> str | None:
    """One end of a range as EDTF: itself if valid, else an unambiguous suggestion."""
    try:
        return _parse_single(text, text).text
    except EDTFError:
        pass
    guess = _suggest_single(text)
    if guess is None or " or " in guess[1]:
        return None
    return guess[1]


def _suggest_single(text: str) -> tuple[str, str] | None:
    """A suggestion for one date (qualifiers in words or marks kept), or None."""
    try:
        if _SINGLE.match(text):
            return None  # already EDTF-shaped: it is wrong for another reason
        approximate = False
        prefix = _APPROX_PREFIX.match(text)
        if prefix is not None:
            approximate = True
            text = text[prefix.end() :]
        uncertain = text.endswith("?")
        text = text.rstrip("?").strip()
        mark = {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}[
            (approximate, uncertain)
        ]
        found = _guess(text)
        if found is None:
            return None
        detail, forms = found
        forms = [form + mark for form in forms]
        for form in forms:
            _parse_single(form, form)  # every suggestion must itself be valid
        suggestion = " or ".join(forms)
        return (detail or _did_you_mean(suggestion)), suggestion
    except EDTFError:
        return None


def _guess(text: str) -> tuple[str | None, list[str]] | None:
    """(explanation or None, EDTF forms) for a date written in words or digits."""
    season = _SEASON_TEXT.fullmatch(text)
    if season is not None:
        return None, [f"{season.group(2)}-{_SEASON_WORDS[season.group(1).lower()]}"]
    decade = _DECADE_TEXT.fullmatch(text)
    if decade is not None:
        digits = decade.group(1)
        if digits.endswith("0"):
            # "1900s" is the decade 1900-1909 or the century 1900-1999.
            century = digits[:2] + "XX"
            return (
                f"ambiguous: the decade {digits}X or the century {century}",
                [f"{digits}X", century],
            )
        return None, [f"{digits}X"]
    if not re.search(r"(?<!\d)(\d{4}|\d{8})(?!\d)", text):
        return None  # no four-digit year: dateutil would invent or expand one
    # Imported here: only a wrong date needs it, and loading a log should not pay for it.
    from dateutil import parser

    try:
        a = parser.parse(text, default=_DEFAULT_A)
        b = parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    if a.year != b.year:
        return None
    if a.month != b.month:
        return None, [f"{a.year:04d}"]
    if a.day != b.day:
        return None, [f"{a.year:04d}-{a.month:02d}"]
    first = f"{a.year:04d}-{a.month:02d}-{a.day:02d}"
    if re.match(r"\s*\d{4}", text) is None:
        # Day and month both written as numbers before the year: 12/8/2017 is 8 December
        # in the US and 12 August almost everywhere else.
        try:
            c = parser.parse(text, default=_DEFAULT_A, dayfirst=True)
        except (ValueError, OverflowError):
            c = a
        if c.date() != a.date():
            second = f"{c.year:04d}-{c.month:02d}-{c.day:02d}"
            return (
                f"ambiguous: {_long(a.date())} ({first}) or {_long(c.date())} ({second})",
                [first, second],
            )
    return None, [first]


def _long(day: datetime.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
