"""Pledge rows (``tui.model.pledges.PledgeRow``) as records for ``watchline pledges``.

One record shape for every pledge format, so the JSON keys, the CSV columns and the
table agree (``PLEDGE_COLUMNS``):

``id`` ``title`` ``by``                the pledge and who made it (a name)
``made`` ``made_edtf``                 the event's date, displayed and as EDTF
``due`` ``due_edtf`` ``due_by``        the due date displayed, as EDTF, and its last day (ISO)
``status`` ``overdue`` ``overdue_days`` ``overdue_text``   as of the as-of date
``last_rating`` ``last_rating_edtf``   the date of the rating in force
``evidence``                           the source ids that rating cites
"""

from __future__ import annotations

from typing import Any

from tui.model.log import Collection
from tui.model.pledges import PledgeRow, last_rating_at

PLEDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "by",
    "made",
    "made_edtf",
    "due",
    "due_edtf",
    "due_by",
    "status",
    "overdue",
    "overdue_days",
    "overdue_text",
    "last_rating",
    "last_rating_edtf",
    "evidence",
)


def row_record(row: PledgeRow, collection: Collection, as_of: Any) -> dict[str, Any]:
    """``row`` as a dict keyed by ``PLEDGE_COLUMNS`` (``evidence`` a list)."""
    event = collection.events[row.index]
    pledge = event.pledge
    rating = last_rating_at(pledge, as_of)
    return {
        "id": row.id,
        "title": row.title,
        "by": row.by,
        "made": row.made,
        "made_edtf": event.date.text,
        "due": row.due,
        "due_edtf": pledge.due.text if pledge is not None and pledge.due is not None else None,
        "due_by": row.due_bound.isoformat() if row.due_bound is not None else None,
        "status": row.status,
        "overdue": row.overdue,
        "overdue_days": row.overdue_days,
        "overdue_text": row.overdue_words(),
        "last_rating": row.last_rating,
        "last_rating_edtf": rating.as_of.text if rating is not None else None,
        "evidence": list(row.evidence),
    }
