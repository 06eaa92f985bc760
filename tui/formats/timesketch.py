"""Timesketch, the forensic timeline tool (https://timesketch.org): an event per row, as CSV
(``timesketch-csv``) or JSON Lines (``timesketch-jsonl``).

Timesketch needs three fields: ``message`` (the event's title), ``datetime`` (ISO 8601 with
a zone) and ``timestamp_desc`` (what that time is); ``timestamp`` (microseconds since
1970, UTC) is written too. A log's dates are often not instants, so:

* a date-time with a zone is that instant; one with no zone (a local time) is written as
  UTC and its ``timestamp_desc`` says "local time, no zone given";
* a day, month, year, season... is its first day at 00:00 UTC, and ``timestamp_desc``
  says so ("Event date, first day of its month"); an interval gives its start ("Event
  start, interval") or, open at the start, its end.

The exact EDTF text is in ``date``. Every other field an analyst filters on is a column of
its own (Timesketch makes each an attribute): ``watchline_id``, ``kind``, ``summary``,
``agencies``, ``people``, ``topics`` (ids; JSON lists in JSONL, joined with ``"; "`` in
CSV), ``agency_names``, ``place``, ``source_urls``. And ``watchline`` holds the event in
the log's own form with every registry entry it names (agencies, people, topics,
sources, kinds, by the field table) and the log's title (the first row: its description
and saved views too), so ``watchline import timesketch`` gives back the events and the entries they use;
registry entries no event names are not carried.

In CSV, a cell that would start a spreadsheet formula gets a leading ``'`` as in the
``csv`` format (the ``watchline`` cell, which starts with ``{``, never does), and nothing
a log says reaches a terminal unescaped (``write_output``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time
from typing import Any

from tui.formats import Selection
from tui.formats.common import agency_names, event_sources, web_url
from tui.formats.csv_format import SEPARATOR, cell
from tui.formats.log_form import event_form, mapping_form, registry_form
from tui.model.citations import cited_ids
from tui.model.edtf import EDTFDate
from tui.model.format import SPECS
from tui.model.log import Collection, Event
from tui.model.text import json_escaped

COLUMNS: tuple[str, ...] = (
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    "watchline_id",
    "kind",
    "date",
    "summary",
    "agencies",
    "agency_names",
    "people",
    "topics",
    "place",
    "source_urls",
    "watchline",
)
_LIST_COLUMNS = frozenset({"agencies", "agency_names", "people", "topics", "source_urls"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def instant(when: EDTFDate) -> tuple[datetime, str]:
    """The instant Timesketch files an EDTF date at, and its ``timestamp_desc``."""
    if when.time is not None:
        moment = datetime.combine(when.lower, when.time)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC), "Event time (local time, no zone given)"
        return moment, "Event time"
    if when.is_interval:
        if when.lower == date.min:
            return _midnight(when.upper), "Event end, interval with an open start"
        return _midnight(when.lower), "Event start, interval"
    if when.precision == "day":
        return _midnight(when.lower), "Event date"
    return _midnight(when.lower), f"Event date, first day of its {when.precision}"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def microseconds(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _named(form: Any, spec_name: str, found: dict[str, dict[str, None]]) -> None:
    """Add to ``found`` (registry -> ids, in order) every id the log form ``form`` of kind
    ``spec_name`` names, inline citations in its text included."""
    for spec_field in SPECS[spec_name].fields:
        value = form.get(spec_field.name)
        if value is None:
            continue
        if spec_field.kind in ("ref", "refs") and spec_field.ref != "events":
            ids = [value] if isinstance(value, str) else value
            for ref_id in ids:
                found.setdefault(str(spec_field.ref), {})[ref_id] = None
        elif spec_field.kind == "text":
            for source_id in cited_ids(value):
                found.setdefault("sources", {})[source_id] = None
        elif spec_field.kind == "mapping" and spec_field.spec:
            _named(value, spec_field.spec, found)
        elif spec_field.kind == "list" and spec_field.spec:
            for item in value:
                _named(item, spec_field.spec, found)


def carried(collection: Collection, event: Event, first: bool = False) -> dict[str, Any]:
    """The ``watchline`` value of a row: the log's title (the first row: its description
    too), the registry entries the event names (and those they name: a person's agency),
    and the event."""
    form = event_form(event)
    found: dict[str, dict[str, None]] = {}
    _named(form, "event", found)
    out: dict[str, Any] = {"title": collection.title}
    if first and collection.description is not None:
        out["description"] = collection.description
    if first and collection.views:
        # The saved views belong to the log, not to an event: the first row carries them.
        out["views"] = registry_form(collection, "views")
    done: set[tuple[str, str]] = set()
    pending = [(name, entry_id) for name, ids in found.items() for entry_id in ids]
    while pending:
        name, entry_id = pending.pop(0)
        entries = getattr(collection, name)
        entry = entries.get(entry_id)
        if (name, entry_id) in done or entry is None or getattr(entry, "builtin", False):
            continue
        done.add((name, entry_id))
        spec_name = SPECS["log"].by_name[name].spec
        assert spec_name is not None
        entry_form = mapping_form(entry, spec_name)
        out.setdefault(name, {})[entry_id] = entry_form
        more: dict[str, dict[str, None]] = {}
        _named(entry_form, spec_name, more)
        pending += [(n, i) for n, ids in more.items() for i in ids]
    out["event"] = form
    return out


def record(selection: Selection, event: Event, first: bool = False) -> dict[str, Any]:
    """One event as a Timesketch row (lists as lists, ``watchline`` as an object)."""
    collection = selection.collection
    moment, desc = instant(event.date)
    urls = [web_url(s.url) for s in event_sources(collection, event)]
    return {
        "message": event.title,
        "datetime": moment.isoformat(),
        "timestamp": microseconds(moment),
        "timestamp_desc": desc,
        "watchline_id": event.id,
        "kind": event.kind,
        "date": event.date.text,
        "summary": event.summary,
        "agencies": list(event.agencies),
        "agency_names": agency_names(collection, event.agencies),
        "people": list(event.people),
        "topics": list(event.topics),
        "place": event.place,
        "source_urls": [url for url in urls if url],
        "watchline": carried(collection, event, first),
    }


def render_jsonl(selection: Selection) -> str:
    """One JSON object a line (UTF-8; invisible characters as JSON escapes)."""
    lines = [
        json.dumps(record(selection, event, i == 0), ensure_ascii=False)
        for i, event in enumerate(selection.events)
    ]
    return json_escaped("".join(line + "\n" for line in lines))


def render_csv(selection: Selection) -> str:
    """A header row and an event a row; lists joined with ``"; "``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for i, event in enumerate(selection.events):
        row = record(selection, event, i == 0)
        for name in _LIST_COLUMNS:
            row[name] = SEPARATOR.join(row[name])
        row["watchline"] = json_escaped(json.dumps(row["watchline"], ensure_ascii=False))
        writer.writerow({name: cell(row[name]) for name in COLUMNS})
    return buffer.getvalue()
