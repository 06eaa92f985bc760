"""iCalendar (RFC 5545), through the ``icalendar`` library, for calendar apps.

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
"""

from __future__ import annotations

import datetime
from datetime import date, timedelta

import icalendar

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


def uid(event_id: str, suffix: str = "") -> str:
    return f"{event_id}{suffix}@{UID_DOMAIN}"


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


def _common(component: icalendar.cal.Component, selection: Selection, event: Event) -> None:
    collection = selection.collection
    component.add("summary", one_line(event.title))
    description = _description(selection, event)
    if description:
        component.add("description", description)
    url = first_url(collection, event)
    if url:
        component.add("url", one_line(url))
    categories = [kind_label(collection, event.kind), *topic_labels(collection, event.topics)]
    component.add("categories", [one_line(c) for c in categories])
    for related in event.related:
        component.add("related-to", uid(related.event))


def _vevent(selection: Selection, event: Event, stamp: datetime.datetime) -> icalendar.Event | None:
    lower, upper = event.date.lower, event.date.upper
    open_start, open_end = lower == date.min, upper == date.max
    if open_start and open_end:
        return None  # no known day at all: nothing a calendar can place
    vevent = icalendar.Event()
    vevent.add("uid", uid(event.id))
    vevent.add("dtstamp", stamp)
    if open_start:
        vevent.add("dtstart", upper)
    elif open_end:
        vevent.add("dtstart", lower)
    elif event.date.time is not None:
        # A date-time is an instant: in UTC where the log gives a zone, else a floating
        # local time (RFC 5545 form 1), with no end.
        instant = datetime.datetime.combine(lower, event.date.time)
        if instant.tzinfo is not None:
            instant = instant.astimezone(datetime.UTC)
        vevent.add("dtstart", instant)
    else:
        vevent.add("dtstart", lower)
        if upper > lower:
            vevent.add("dtend", upper + timedelta(days=1))
    _common(vevent, selection, event)
    if event.place:
        vevent.add("location", one_line(event.place))
    vevent.add("x-edtf", one_line(event.date.text))
    return vevent


def _vtodo(selection: Selection, event: Event, stamp: datetime.datetime) -> icalendar.Todo:
    assert event.pledge is not None
    state = pledge_state(event, selection.as_of)
    assert state is not None
    vtodo = icalendar.Todo()
    vtodo.add("uid", uid(event.id, "-due"))
    vtodo.add("dtstamp", stamp)
    due = event.pledge.due
    if due is not None and due.upper != date.max:
        vtodo.add("due", due.upper)
        vtodo.add("x-edtf", one_line(due.text))
    vtodo.add("status", TODO_STATUS.get(state.status, "NEEDS-ACTION"))
    _common(vtodo, selection, event)
    # The VTODO is the promise's deadline; it belongs to the VEVENT of the promise.
    vtodo.add("related-to", uid(event.id))
    vtodo.add("x-watchline-status", state.status)
    return vtodo


def render_events(selection: Selection) -> bytes:
    """The selected events (and their pledges' deadlines) as an iCalendar file."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//watchline//watchline {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(selection.collection.title))
    stamp = datetime.datetime.combine(selection.as_of, datetime.time(), datetime.UTC)
    for event in selection.events:
        vevent = _vevent(selection, event, stamp)
        if vevent is not None:
            calendar.add_component(vevent)
        if event.pledge is not None:
            calendar.add_component(_vtodo(selection, event, stamp))
    return calendar.to_ical()
