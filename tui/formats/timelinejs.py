"""TimelineJS3 JSON, to publish a log as a web timeline (https://timeline.knightlab.com).

A title slide from the log's title and description, then a slide per event:

* ``start_date``/``end_date`` objects with only the parts the date's precision has (a
  year-precision date gives ``{"year": 2018}``, never a made-up 1 January); seasons,
  decades and centuries span their months or years with an ``end_date``; intervals
  give both ends at each end's precision.
* ``display_date`` (the date as watchline shows it, "c. Jun 2018", "Summer 2018") when
  the date is approximate, uncertain, a season, a decade or century, or open-ended, so
  the published timeline never claims more precision than the log has.
* A date-time's ``start_date`` has its ``hour``, ``minute``, ``second`` (and
  ``millisecond``). TimelineJS has no time zone (it shows times as the viewer's own), so
  a time in UTC or at an offset also gets a ``display_date`` that names its zone
  ("12 Apr 1985 23:20 UTC").
* ``text.headline`` and ``text.text`` as HTML (TimelineJS renders HTML): every log string
  is HTML-escaped and a link is only made for an http(s) URL, so a log cannot inject
  markup or a ``javascript:`` link into the page. The sources close the text in a
  ``<p class="watchline-sources">`` that ``watchline import timelinejs`` reads back.
* ``group`` is the kind's label; ``unique_id`` the event id.
* ``watchline``: the event in the log's own form (every field, the date as its EDTF
  text, so ``2017?`` stays ``2017?``) on each slide, and the log's title, description and
  registries at the top (:mod:`tui.formats.log_form`). TimelineJS ignores keys it does
  not know; ``watchline import timelinejs`` reads these back, so export then import gives
  the same log.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import Any

from tui.formats import Selection
from tui.formats.common import citation, event_sources, kind_label, pledge_state, web_url
from tui.formats.log_form import event_form, header_form
from tui.model.edtf import EDTFDate
from tui.model.log import Collection, Event
from tui.model.text import json_escaped, one_line, printable

SOURCES_CLASS = "watchline-sources"  # read back by tui.importers.timelinejs
EXTENSION_KEY = "watchline"  # the log's own form, read back by tui.importers.timelinejs
_SPANNING = frozenset({"season", "decade", "century"})


def _parts(day: date, precision: str) -> dict[str, int]:
    if precision == "day":
        return {"year": day.year, "month": day.month, "day": day.day}
    if precision in ("month", "season"):
        return {"year": day.year, "month": day.month}
    return {"year": day.year}


def slide_dates(when: EDTFDate) -> dict[str, Any]:
    """``start_date``, maybe ``end_date`` and ``display_date`` for one EDTF date."""
    out: dict[str, Any] = {}
    if when.is_interval:
        start, end = when.start, when.end
        if start is not None and when.lower != date.min:
            out["start_date"] = _parts(when.lower, start.precision)
        if end is not None and when.upper != date.max:
            key = "end_date" if "start_date" in out else "start_date"
            out[key] = _parts(when.upper, end.precision)
        show = start is None or end is None or when.approximate or when.uncertain
    else:
        out["start_date"] = _parts(when.lower, when.precision)
        if when.time is not None:
            clock = when.time
            out["start_date"] |= {"hour": clock.hour, "minute": clock.minute}
            out["start_date"]["second"] = clock.second
            if clock.microsecond // 1000:
                out["start_date"]["millisecond"] = clock.microsecond // 1000
        if when.precision in _SPANNING:
            out["end_date"] = _parts(when.upper, when.precision)
        show = when.approximate or when.uncertain or when.precision in _SPANNING
        show = show or (when.time is not None and when.time.utcoffset() is not None)
    if show or "start_date" not in out:
        out["display_date"] = escape(one_line(when.display()))
    return out


def _paragraphs(text: str) -> str:
    return "".join(
        f"<p>{escape(' '.join(part.split()))}</p>"
        for part in printable(text).strip().split("\n\n")
        if part.strip()
    )


def safe_link(url: str | None, label: str) -> str:
    """An ``<a>`` for an http(s) URL, or the escaped label alone for anything else."""
    text = escape(one_line(label))
    clean = web_url(one_line(url)) if url else None
    if clean is None:
        return text
    return f'<a href="{escape(clean, quote=True)}">{text}</a>'


def _text_html(selection: Selection, event: Event) -> str:
    collection: Collection = selection.collection
    html = _paragraphs(event.summary) if event.summary else ""
    state = pledge_state(event, selection.as_of)
    if state is not None:
        status = f"Status on {selection.as_of.isoformat()}: {state.status}"
        if state.overdue:
            status += f" ({state.overdue_text})"
        html += f"<p>{escape(status)}</p>"
    for quote in event.quotes:
        who = ""
        if quote.by:
            person = collection.people.get(quote.by)
            who = f"<cite>{escape(one_line(person.name if person else quote.by))}</cite>"
        html += f"<blockquote>{escape(one_line(quote.text))}{who}</blockquote>"
    links = [safe_link(s.url, citation(s)) for s in event_sources(collection, event)]
    if links:
        html += f'<p class="{SOURCES_CLASS}">Sources: {"; ".join(links)}</p>'
    return html


def slide(selection: Selection, event: Event) -> dict[str, Any]:
    """One event as a TimelineJS slide."""
    out = slide_dates(event.date)
    out["text"] = {"headline": escape(one_line(event.title)), "text": _text_html(selection, event)}
    out["group"] = escape(one_line(kind_label(selection.collection, event.kind)))
    out["unique_id"] = event.id
    out[EXTENSION_KEY] = event_form(event)
    return out


def render_events(selection: Selection) -> str:
    """The selected events as a TimelineJS3 JSON document."""
    collection = selection.collection
    intro = _paragraphs(collection.description) if collection.description else ""
    intro += f"<p>{escape(f'As of {selection.as_of.isoformat()}.')}</p>"
    document = {
        "title": {"text": {"headline": escape(one_line(collection.title)), "text": intro}},
        "events": [slide(selection, event) for event in selection.events],
        EXTENSION_KEY: header_form(collection),
    }
    return json_escaped(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"
