"""iCalendar (RFC 5545), written directly, for calendar apps.

* A VEVENT per event, all-day (DATE values): DTSTART is the date's lower bound; a date
  that spans days (``2017-05``, ``2018-06/2018-08``) gets an exclusive DTEND, the day
  after its upper bound. An open end (``2018-06/..``, ``../2018``) has DTSTART only, on
  the bound that is known. A date-time (``1985-04-12T23:20:30Z``) is a timed DTSTART:
  in UTC when the log gives a zone or offset, a floating local time when it gives none.
* A VTODO per pledge, due on the upper bound of its due date, with a STATUS from the
  pledge's status on the as-of date: kept -> COMPLETED, broken -> CANCELLED,
  in-the-works -> IN-PROCESS, anything else NEEDS-ACTION.
* UIDs are stable (``<id>@watchline``, ``<id>-due@watchline``), so a re-export updates a
  subscribed calendar instead of duplicating it. X-EDTF keeps the date as the log wrote
  it; RELATED-TO names related events; DESCRIPTION holds the summary and the sources;
  URL is the first source's link. DTSTAMP is the as-of date, so the same log and as-of
  date give the same bytes.
* Every text value is shown text, not data: a calendar app puts it in front of a person
  and iCalendar has no escape for an invisible character, so every character
  ``tui.model.text.printable`` replaces (bidi controls and marks, U+2028, zero-width and
  tag characters) is written as its placeholder (``<U+202E>``), in a file or a pipe too.

The few properties are written here rather than through the ``icalendar`` library, which
spent 73% of a 10k-event export (9.9 s) building and serialising its objects: TEXT values
escaped (backslash, semicolon, comma, line breaks as ``\\n``; ``X-`` properties as they
are, on one line, as icalendar writes and reads them), content lines folded at
75 octets with CRLF and a space (never inside a UTF-8 sequence), properties in the order
``icalendar`` writes them (its canonical ones first, the rest by name), so the output is
the one it gave (tests/cli/test_export_ics.py reads it back with ``icalendar``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from datetime import date, timedelta

from tui import __version__
from tui.formats import Selection
from tui.formats.common import (
    citation,
    event_sources,
    first_url,
    kind_label,
    pledge_state,
    topic_labels,
)
from tui.model.log import Event
from tui.model.text import one_line, printable

UID_DOMAIN = "watchline"
TODO_STATUS = {"kept": "COMPLETED", "broken": "CANCELLED", "in-the-works": "IN-PROCESS"}
# Content lines are folded so none is longer than this many octets (RFC 5545 3.1): the
# text of each is at most FOLD - 1 octets, as icalendar folds (a continuation line's
# leading space makes FOLD).
FOLD = 75
# The properties icalendar writes first, in this order; the rest follow by name.
_CANONICAL = {
    "VCALENDAR": (
        "VERSION",
        "PRODID",
        "CALSCALE",
        "METHOD",
        "DESCRIPTION",
        "X-WR-CALDESC",
        "NAME",
        "X-WR-CALNAME",
    ),
    "VEVENT": (
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DURATION",
        "DTSTAMP",
        "UID",
        "RECURRENCE-ID",
        "SEQUENCE",
        "RRULE",
        "RDATE",
        "EXDATE",
    ),
    "VTODO": (),
}
_Property = tuple[str, str]  # (NAME, the rest of the content line: ";PARAM=..:value")


def uid(event_id: str, suffix: str = "") -> str:
    return f"{event_id}{suffix}@{UID_DOMAIN}"


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): ``\\``, ``;``, ``,`` escaped, every line break
    (CRLF, LF or a lone CR) as ``\\n``."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """``line`` folded at FOLD octets: CRLF and a space before each continuation, never
    inside a character's UTF-8 bytes nor right after a backslash (as icalendar does, for
    clients that unescape before unfolding)."""
    limit = FOLD - 1
    if line.isascii():  # an octet a character: cut by slicing
        if len(line) <= limit:
            return line
        cuts: list[str] = []
        start = 0
        while len(line) - start > limit:
            end = start + limit
            if line[end - 1] in "\\^":
                end -= 1  # the escape's backslash begins the next line
            cuts.append(line[start:end])
            start = end
        cuts.append(line[start:])
        return "\r\n ".join(cuts)
    if len(line.encode()) <= limit:
        return line
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode())
        if current and count + size > limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                pieces.append("".join(current))
                current, count = [carried], 1
            else:
                pieces.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _text(name: str, value: str) -> _Property:
    return name, ":" + escape_text(value)


def _extension(name: str, value: str) -> _Property:
    """An ``X-`` property as icalendar writes and reads one: its value as it is, on one
    line (icalendar neither escapes nor unescapes a property it does not know)."""
    return name, ":" + one_line(value)


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _date(name: str, value: date) -> _Property:
    return name, ";VALUE=DATE:" + _day(value)


def _instant(name: str, value: datetime.datetime) -> _Property:
    zone = "Z" if value.tzinfo is not None else ""
    return name, f":{_day(value)}T{value.hour:02d}{value.minute:02d}{value.second:02d}{zone}"


def _component(kind: str, properties: list[_Property]) -> Iterable[str]:
    """A component's content lines, its properties in icalendar's order."""
    canonical = _CANONICAL[kind]
    rank = {name: i for i, name in enumerate(canonical)}
    first = sorted(
        (p for p in properties if p[0] in rank), key=lambda p: rank[p[0]]
    )  # stable: repeated properties keep their order
    rest = sorted((p for p in properties if p[0] not in rank), key=lambda p: p[0])
    yield f"BEGIN:{kind}"
    for name, value in (*first, *rest):
        yield fold(name + value)
    yield f"END:{kind}"


def _description(selection: Selection, event: Event) -> str:
    parts = []
    if event.summary:
        parts.append(event.summary.strip())
    sources = event_sources(selection.collection, event)
    if sources:
        lines = ["Sources:"]
        for source in sources:
            line = f"- {citation(source)}"
            if source.url:
                line += f" {source.url}"
            lines.append(line)
        parts.append("\n".join(lines))
    return printable("\n\n".join(parts))


def _common(selection: Selection, event: Event) -> list[_Property]:
    collection = selection.collection
    properties = [_text("SUMMARY", one_line(event.title))]
    description = _description(selection, event)
    if description:
        properties.append(_text("DESCRIPTION", description))
    url = first_url(collection, event)
    if url:
        properties.append(("URL", ":" + one_line(url)))  # a URI: not TEXT, not escaped
    categories = [kind_label(collection, event.kind), *topic_labels(collection, event.topics)]
    properties.append(("CATEGORIES", ":" + ",".join(escape_text(one_line(c)) for c in categories)))
    properties.extend(_text("RELATED-TO", uid(related.event)) for related in event.related)
    return properties


def _vevent(selection: Selection, event: Event, stamp: datetime.datetime) -> list[_Property] | None:
    lower, upper = event.date.lower, event.date.upper
    open_start, open_end = lower == date.min, upper == date.max
    if open_start and open_end:
        return None  # no known day at all: nothing a calendar can place
    properties = [_text("UID", uid(event.id)), _instant("DTSTAMP", stamp)]
    if open_start:
        properties.append(_date("DTSTART", upper))
    elif open_end:
        properties.append(_date("DTSTART", lower))
    elif event.date.time is not None:
        # A date-time is an instant: in UTC where the log gives a zone, else a floating
        # local time (RFC 5545 form 1), with no end.
        instant = datetime.datetime.combine(lower, event.date.time)
        if instant.tzinfo is not None:
            instant = instant.astimezone(datetime.UTC)
        properties.append(_instant("DTSTART", instant))
    else:
        properties.append(_date("DTSTART", lower))
        if upper > lower:
            properties.append(_date("DTEND", upper + timedelta(days=1)))
    properties += _common(selection, event)
    if event.place:
        properties.append(_text("LOCATION", one_line(event.place)))
    properties.append(_extension("X-EDTF", event.date.text))
    return properties


def _vtodo(selection: Selection, event: Event, stamp: datetime.datetime) -> list[_Property]:
    assert event.pledge is not None
    state = pledge_state(event, selection.as_of)
    assert state is not None
    properties = [_text("UID", uid(event.id, "-due")), _instant("DTSTAMP", stamp)]
    due = event.pledge.due
    if due is not None and due.upper != date.max:
        properties.append(_date("DUE", due.upper))
        properties.append(_extension("X-EDTF", due.text))
    properties.append(_text("STATUS", TODO_STATUS.get(state.status, "NEEDS-ACTION")))
    properties += _common(selection, event)
    # The VTODO is the promise's deadline; it belongs to the VEVENT of the promise.
    properties.append(_text("RELATED-TO", uid(event.id)))
    properties.append(_extension("X-WATCHLINE-STATUS", state.status))
    return properties


def render_events(selection: Selection) -> bytes:
    """The selected events (and their pledges' deadlines) as an iCalendar file."""
    header = [
        _text("PRODID", f"-//watchline//watchline {__version__}//EN"),
        ("VERSION", ":2.0"),
        ("CALSCALE", ":GREGORIAN"),
        _extension("X-WR-CALNAME", selection.collection.title),
    ]
    lines = list(_component("VCALENDAR", header))
    end = lines.pop()
    stamp = datetime.datetime.combine(selection.as_of, datetime.time(), datetime.UTC)
    for event in selection.events:
        vevent = _vevent(selection, event, stamp)
        if vevent is not None:
            lines.extend(_component("VEVENT", vevent))
        if event.pledge is not None:
            lines.extend(_component("VTODO", _vtodo(selection, event, stamp)))
    lines.append(end)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
