"""JSON: an array of events with the log's own field names, for scripts and jq.

One event a line (``[``, then an object a line, then ``]``): written as it is made, so a
100k-event export streams; ``jq .`` pretty-prints it.

Each object carries every field of an event (``null`` or ``[]`` when the log leaves it
out), dates as their EDTF text, plus derived values:

``date_lower``, ``date_upper``  the date's inclusive bounds as ISO days (``null`` if open)
``status``, ``overdue``, ``overdue_days``  for pledges, as of the ``--as-of`` date

Amounts are JSON numbers (``895000``, ``12.5``). Strings are kept exactly as the log has
them, written as UTF-8 (``"Négron"``, not ``"N\\u00e9gron"``), except that every character
``tui.model.text.printable`` would replace on a terminal (controls, bidi controls and
marks, U+2028/U+2029, zero-width and tag characters) is written as a JSON escape
(``"\\u202e"``): the same data for any JSON reader, and nothing invisible or reordering
for a person who reads the file, on a terminal or piped through ``cat``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from tui.formats import Selection
from tui.formats.common import iso_bound, pledge_state
from tui.model.log import Event
from tui.model.text import json_escaped


def _number(amount: Decimal | None) -> int | float | None:
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def event_record(event: Event, selection: Selection) -> dict[str, Any]:
    """One event as a JSON-ready dict (field names as in the log)."""
    record: dict[str, Any] = {
        "id": event.id,
        "date": event.date.text,
        "date_lower": iso_bound(event.date.lower),
        "date_upper": iso_bound(event.date.upper),
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "agencies": list(event.agencies),
        "people": list(event.people),
        "topics": list(event.topics),
        "place": event.place,
        "sources": list(event.sources),
        "quotes": [
            {"text": quote.text, "by": quote.by, "source": quote.source} for quote in event.quotes
        ],
        "related": [{"event": rel.event, "why": rel.why} for rel in event.related],
        "note": event.note,
        "data": dict(event.data),
    }
    if event.pledge is not None:
        pledge = event.pledge
        record["pledge"] = {
            "by": pledge.by,
            "due": pledge.due.text if pledge.due else None,
            "ratings": [
                {
                    "status": rating.status,
                    "as_of": rating.as_of.text,
                    "evidence": list(rating.evidence),
                    "note": rating.note,
                }
                for rating in pledge.ratings
            ],
        }
        state = pledge_state(event, selection.as_of)
        assert state is not None
        record["status"] = state.status
        record["overdue"] = state.overdue
        record["overdue_days"] = state.overdue_days
    if event.grant is not None:
        grant = event.grant
        record["grant"] = {
            "amount": _number(grant.amount),
            "currency": grant.currency,
            "from": grant.from_,
            "to": grant.to,
            "purpose": grant.purpose,
        }
    if event.rollout is not None:
        rollout = event.rollout
        record["rollout"] = {
            "agency": rollout.agency,
            "units": rollout.units,
            "unit": rollout.unit,
            "where": list(rollout.where),
        }
    return record


# One encoder for every record: the C encoder (json.dumps with indent= runs the pure
# Python one, which was most of `list -F json` at 100k events).
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def stream_events(selection: Selection) -> Iterator[str]:
    """The selected events as a JSON array, an event a line, in pieces of a few hundred
    events: nothing is held for the whole log but the text of one piece."""
    events = selection.collection.events
    indexes = selection.indexes
    if not indexes:
        yield "[]\n"
        return
    yield "[\n"
    for start in range(0, len(indexes), _PIECE):
        piece = indexes[start : start + _PIECE]
        lines = [_ENCODE(event_record(events[i], selection)) for i in piece]
        last = start + len(piece) == len(indexes)
        yield json_escaped(",\n".join(lines)) + ("\n]\n" if last else ",\n")


_PIECE = 512


def render_events(selection: Selection) -> str:
    """The selected events as a JSON array (an event a line, UTF-8, one trailing newline)."""
    return "".join(stream_events(selection))


def render_pledges(rows: list[Any], selection: Selection) -> str:
    """Pledge rows (``tui.model.pledges.PledgeRow``) as a JSON array of objects."""
    from tui.formats.pledge_rows import row_record

    records = [row_record(row, selection.collection, selection.as_of) for row in rows]
    return json_escaped(json.dumps(records, ensure_ascii=False, indent=2)) + "\n"
