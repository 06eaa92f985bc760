"""Pledge status as of any date: the latest rating, overdue, "overdue by 4 months".

The rules (docs/design.md, "Pledges"):

- The status at date D is the status of the latest rating dated on or before D; before
  any rating it is ``not-yet-rated``. A rating's date is an EDTF date with a range
  (``2019-04`` is some day in April 2019); it counts from its **lower** bound, the first
  day it may have been given: a rating written ``2019-04`` is the status as of 1 April
  2019. (The query engine judges ``status:`` the same way, so a board and a filter agree.)
  When two ratings start on the same day, the one later in the log wins.
- A pledge is overdue at D when the **upper** bound of its due date is before D (the
  last day the pledge could still have been kept on time has passed) and its status at D
  is not settled (kept, compromise, broken). Qualifiers (``~ ? %``) do not move the bound;
  ``2018`` is due by 31 December 2018, ``2018-24`` (winter) by the end of February 2019,
  an interval by the end of its last part. An open or unknown end (``2018-06/..``) is
  never overdue.

Nothing here imports Textual; the TUI pledge board and ``watchline pledges`` share
:func:`pledge_rows`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from tui.model.display import person_name
from tui.model.log import SETTLED_STATUSES, Collection, Event, Pledge, Rating

__all__ = [
    "PledgeRow",
    "describe_overdue",
    "due_bound",
    "last_rating_at",
    "overdue_days",
    "pledge_rows",
    "status_at",
]

NOT_YET_RATED = "not-yet-rated"

# The mean Gregorian month, for "overdue by N months" when no calendar date is at hand.
_DAYS_PER_MONTH = 365.2425 / 12


def last_rating_at(pledge: Pledge | None, as_of: datetime.date) -> Rating | None:
    """The rating in force at ``as_of``: the latest whose date starts on or before it."""
    if pledge is None:
        return None
    latest: Rating | None = None
    for rating in pledge.ratings:
        # Ratings are kept sorted by the loader, but a hand-built pledge may not be:
        # compare dates rather than trust the order, and let a later tie win.
        if rating.as_of.lower <= as_of and (
            latest is None or rating.as_of.lower >= latest.as_of.lower
        ):
            latest = rating
    return latest


def status_at(pledge: Pledge | None, as_of: datetime.date) -> str:
    """The pledge's status at ``as_of``; ``not-yet-rated`` before its first rating."""
    rating = last_rating_at(pledge, as_of)
    return NOT_YET_RATED if rating is None else rating.status


def due_bound(pledge: Pledge | None) -> datetime.date | None:
    """The last day the pledge is due by (the due date's upper bound), or None.

    None when the pledge has no due date or its due date has no end (``2018-06/..``).
    """
    if pledge is None or pledge.due is None or pledge.due.upper == datetime.date.max:
        return None
    return pledge.due.upper


def overdue_days(event: Event, as_of: datetime.date) -> int | None:
    """How many days past its due date the event's pledge is at ``as_of``, or None.

    None when the event has no pledge or no due date, the due date has not passed, or
    the status at ``as_of`` is settled (kept, compromise, broken).
    """
    pledge = event.pledge
    bound = due_bound(pledge)
    if bound is None or bound >= as_of:
        return None
    if status_at(pledge, as_of) in SETTLED_STATUSES:
        return None
    return (as_of - bound).days


def describe_overdue(days: int, *, due: datetime.date | None = None) -> str:
    """``days`` late in words: "overdue by 12 days", "overdue by 4 months",
    "overdue by 1 year, 3 months". Whole units only, rounded down, so a pledge is never
    said to be later than it is.

    With ``due`` (the due bound the days are counted from) months and years are calendar
    ones (31 March to 30 June is 2 months, 30 days); without it a year is 365 days and a
    month the mean Gregorian month (30.44 days).
    """
    if days <= 0:
        return "not overdue"
    if due is not None and due + datetime.timedelta(days=days) <= datetime.date.max:
        late = relativedelta(due + datetime.timedelta(days=days), due)
        years, months = late.years, late.months
    else:
        years, rest = divmod(days, 365)
        months = min(11, int(rest / _DAYS_PER_MONTH))
    if years == 0 and months == 0:
        return f"overdue by {_plural(days, 'day')}"
    if years == 0:
        return f"overdue by {_plural(months, 'month')}"
    if months:
        return f"overdue by {_plural(years, 'year')}, {_plural(months, 'month')}"
    return f"overdue by {_plural(years, 'year')}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@dataclass(slots=True, frozen=True)
class PledgeRow:
    """One pledge as the board and ``watchline pledges`` show it, judged at one date.

    Strings come from the log: pass them through ``tui.model.text.printable`` before
    drawing them on a terminal.
    """

    id: str
    title: str
    by: str | None  # the person's name, or their id when the registry lacks them
    made: str  # the event's date, as displayed
    due: str | None  # the due date, as displayed
    status: str
    overdue: bool
    overdue_days: int | None
    last_rating: str | None  # the date of the rating in force, as displayed
    evidence: tuple[str, ...]  # source ids of the rating in force
    index: int  # the event's position in ``collection.events`` (to open it)
    due_bound: datetime.date | None  # for sorting by due date

    def overdue_words(self) -> str:
        """ "overdue by 4 months", or "" when the pledge is not overdue."""
        if self.overdue_days is None:
            return ""
        return describe_overdue(self.overdue_days, due=self.due_bound)


def pledge_rows(
    collection: Collection,
    as_of: datetime.date,
    event_indexes: Iterable[int] | None = None,
) -> list[PledgeRow]:
    """A row per pledge event, judged at ``as_of``, in timeline order.

    ``event_indexes`` (indexes into ``collection.events``, e.g. a query's result) narrows
    the rows to those events; events without a pledge are skipped.
    """
    events = collection.events
    indexes = range(len(events)) if event_indexes is None else sorted(set(event_indexes))
    rows: list[PledgeRow] = []
    for i in indexes:
        event = events[i]
        pledge = event.pledge
        if pledge is None:
            continue
        rating = last_rating_at(pledge, as_of)
        days = overdue_days(event, as_of)
        rows.append(
            PledgeRow(
                id=event.id,
                title=event.title,
                by=None if pledge.by is None else person_name(collection, pledge.by),
                made=event.date.display(),
                due=None if pledge.due is None else pledge.due.display(),
                status=NOT_YET_RATED if rating is None else rating.status,
                overdue=days is not None,
                overdue_days=days,
                last_rating=None if rating is None else rating.as_of.display(),
                evidence=() if rating is None else rating.evidence,
                index=i,
                due_bound=due_bound(pledge),
            )
        )
    return rows
