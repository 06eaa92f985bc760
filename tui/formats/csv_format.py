"""CSV: one row per event with stable columns, for spreadsheets.

The columns (``EVENT_COLUMNS``) never change order; new ones are only ever added at the
end. Lists are joined with ``"; "``. Agencies, people and topics come both as ids (for
joins) and as names (for reading).

A cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
``'``: spreadsheets would run it as a formula, and no string from a log may trigger an
action (OWASP's advice on CSV injection). Numbers are written as numbers.

Text is otherwise exact: CSV has no escape syntax, so a bidi control, a mark, U+2028 or a
zero-width character in the log stays in the cell, for the spreadsheet or script that
reads it (the loader already refuses control characters in a log). On a terminal the
output passes ``tui.model.text.printable`` like every format (``write_output``), so those
characters are shown as ``<U+202E>``; a file or a pipe gets the data as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from tui.formats import Selection
from tui.formats.common import (
    agency_names,
    event_sources,
    iso_bound,
    person_names,
    pledge_state,
    topic_labels,
)
from tui.model.log import Event

EVENT_COLUMNS: tuple[str, ...] = (
    "id",
    "date",
    "date_display",
    "date_lower",
    "date_upper",
    "kind",
    "title",
    "summary",
    "place",
    "agencies",
    "agency_names",
    "people",
    "people_names",
    "topics",
    "topic_labels",
    "sources",
    "source_urls",
    "related",
    "pledge_by",
    "pledge_due",
    "status",
    "overdue",
    "overdue_days",
    "grant_amount",
    "grant_currency",
    "grant_from",
    "grant_to",
    "rollout_agency",
    "rollout_units",
    "rollout_unit",
    "note",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "


def cell(value: Any) -> Any:
    """A value made safe for a spreadsheet cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _joined(values: list[str] | tuple[str, ...]) -> str:
    return SEPARATOR.join(values)


def event_row(event: Event, selection: Selection) -> dict[str, Any]:
    """One event as a dict keyed by ``EVENT_COLUMNS`` (raw values, not yet made safe)."""
    collection = selection.collection
    row: dict[str, Any] = {
        "id": event.id,
        "date": event.date.text,
        "date_display": event.date.display(),
        "date_lower": iso_bound(event.date.lower),
        "date_upper": iso_bound(event.date.upper),
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "place": event.place,
        "agencies": _joined(event.agencies),
        "agency_names": _joined(agency_names(collection, event.agencies)),
        "people": _joined(event.people),
        "people_names": _joined(person_names(collection, event.people)),
        "topics": _joined(event.topics),
        "topic_labels": _joined(topic_labels(collection, event.topics)),
        "sources": _joined(event.sources),
        "source_urls": _joined(
            [s.url for s in event_sources(collection, event) if s.url is not None]
        ),
        "related": _joined([rel.event for rel in event.related]),
        "note": event.note,
    }
    if event.pledge is not None:
        state = pledge_state(event, selection.as_of)
        assert state is not None
        row["pledge_by"] = event.pledge.by
        row["pledge_due"] = event.pledge.due.text if event.pledge.due else None
        row["status"] = state.status
        row["overdue"] = state.overdue
        row["overdue_days"] = state.overdue_days
    if event.grant is not None:
        row["grant_amount"] = event.grant.amount
        row["grant_currency"] = event.grant.currency
        row["grant_from"] = event.grant.from_
        row["grant_to"] = event.grant.to
    if event.rollout is not None:
        row["rollout_agency"] = event.rollout.agency
        row["rollout_units"] = event.rollout.units
        row["rollout_unit"] = event.rollout.unit
    return row


def _write(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    # lineterminator \r\n as RFC 4180 says; the csv module reads it back either way.
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: cell(row.get(column)) for column in columns})
    return buffer.getvalue()


def render_events(selection: Selection) -> str:
    """The selected events as CSV text with a header row."""
    return _write(EVENT_COLUMNS, [event_row(event, selection) for event in selection.events])


def render_pledges(rows: list[Any], selection: Selection) -> str:
    """Pledge rows as CSV (columns: ``tui.formats.pledge_rows.PLEDGE_COLUMNS``)."""
    from tui.formats.pledge_rows import PLEDGE_COLUMNS, row_record

    records = []
    for row in rows:
        record = row_record(row, selection.collection, selection.as_of)
        record["evidence"] = _joined(record["evidence"])
        records.append(record)
    return _write(PLEDGE_COLUMNS, records)
