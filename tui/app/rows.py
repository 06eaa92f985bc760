"""The timeline's rows, worked out without drawing: which events show under which year and
month headings, and the per-event texts a row draws (made as rows are drawn).

No widget here: the timeline (tui/app/widgets/timeline.py) draws these rows; tests and
benchmarks can build them for a log without a screen.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice, pairwise
from operator import ne
from typing import overload

from tui.model.display import agency_short_name, shorter_dates
from tui.model.edtf import EDTFDate
from tui.model.log import Collection, Event
from tui.model.text import one_line

ROW_YEAR = 0
ROW_MONTH = 1
ROW_EVENT = 2

# The widest date column: a longer date ("1 Feb - 30 Apr 2018" under 90 columns) is shown
# in a shorter form that keeps its year ("Feb–Apr 2018", :func:`shorter_dates`); the detail
# pane has it whole. Under 90 columns the column is narrower still.
MAX_DATE_WIDTH = 20
NARROW_DATE_WIDTH = 14


class LazyTexts(Sequence[str]):
    """One text per event, made the first time a row asks for it and kept.

    The first screen draws about 30 rows: making the text of all 100k events up front
    cost 0.2-0.4 s before the first frame; one row's is a few microseconds.
    """

    __slots__ = ("_made", "_make", "_size")

    def __init__(self, size: int, make: Callable[[int], str]) -> None:
        self._size = size
        self._make = make
        self._made: dict[int, str] = {}

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        text = self._made.get(index)
        if text is None:
            text = self._made[index] = self._make(index)
        return text


@dataclass(slots=True)
class EventLabels:
    """The per-event text the timeline draws, made as rows are drawn and kept.

    Built by :func:`event_labels` (in the loading thread for a large log); the groups are
    worked out for every event (the rows need them), the texts only for rows drawn.
    """

    dates: Sequence[str]
    agencies: Sequence[str]
    date_width: int
    # The heading each event sits under, as year * 13 + month (month 0: under the year only).
    groups: list[int]
    # Where ``groups`` changes: the indexes i with groups[i] != groups[i - 1] (a few
    # hundred even at 100k events), so a filtered list is cut into runs by bisection.
    group_starts: list[int] = field(default_factory=list)
    # Shorter forms of an event's date when it is wider than the narrow column, by index.
    short_dates: Callable[[int], tuple[str, ...]] = lambda index: ()

    def __post_init__(self) -> None:
        if not self.group_starts:
            self.group_starts = group_starts(self.groups)


def short_agency_name(collection: Collection, agency_id: str) -> str:
    """An agency as the timeline names it (:func:`agency_short_name`), else its id."""
    agency = collection.agencies.get(agency_id)
    return agency_short_name(agency) if agency is not None else agency_id


def event_labels(collection: Collection) -> EventLabels:
    """The date (at its precision; a date-time as "12 Apr 23:20", its year in the month's
    heading) and short agency names of every event, as printable text, made per row as it
    is drawn. The date column's width is measured once per distinct date (events share
    their date objects: a few thousand at 100k events)."""
    events = collection.events
    names: dict[str, str] = {}
    by_date: dict[int, str] = {}

    def date_text(index: int) -> str:
        return date_text_of(events[index].date, by_date)

    def agencies_text(index: int) -> str:
        shown = []
        for agency_id in events[index].agencies:
            name = names.get(agency_id)
            if name is None:
                name = names[agency_id] = one_line(short_agency_name(collection, agency_id))
            shown.append(name)
        return ", ".join(shown)

    forms_by_date: dict[int, tuple[str, ...]] = {}

    def short_dates_of(index: int) -> tuple[str, ...]:
        date = events[index].date
        forms = forms_by_date.get(id(date))
        if forms is None:
            wide = len(date_text_of(date, by_date)) > NARROW_DATE_WIDTH
            forms = tuple(one_line(form) for form in shorter_dates(date)) if wide else ()
            forms_by_date[id(date)] = forms
        return forms

    width = collection.date_width()  # from the log cache, for stored events
    return EventLabels(
        LazyTexts(len(events), date_text),
        LazyTexts(len(events), agencies_text),
        min(width, MAX_DATE_WIDTH),
        collection.headings(),
        short_dates=short_dates_of,
    )


def date_text_of(date: EDTFDate, made: dict[int, str]) -> str:
    """A date as the timeline's date column shows it, kept in ``made`` by object."""
    text = made.get(id(date))
    if text is None:
        text = made[id(date)] = one_line(date.compact())
    return text


def group_starts(groups: Sequence[int]) -> list[int]:
    """The indexes where :meth:`Collection.headings` changes value (see :class:`EventLabels`)."""
    return list(compress(range(1, len(groups)), map(ne, groups, islice(groups, 1, None))))


def build_rows(
    collection: Collection, shown: Sequence[int], groups: Sequence[int] | None = None
) -> tuple[list[tuple[int, int]], list[int]]:
    """The timeline's rows for the events ``shown`` (indexes in timeline order).

    Returns ``rows`` (``(ROW_YEAR, year)``, ``(ROW_MONTH, year * 12 + month - 1)`` or
    ``(ROW_EVENT, event_index)``) and ``event_rows``: the row of each shown event, in order.
    Events dated to a year or coarser ("2017", "201X") open no month heading: they sit
    under their year (first, since they sort by their first day). ``groups`` is
    :meth:`Collection.headings` when already known (it runs on every keystroke of a search).
    """
    layout = row_layout(collection, list(shown), groups)
    return [decode_row(row) for row in layout.rows], layout.event_rows


def decode_row(row: int) -> tuple[int, int]:
    """A row as stored (one int, see :class:`RowLayout`) as ``(row_kind, value)``."""
    if row >= 0:
        return ROW_EVENT, row
    year, month = divmod(-1 - row, 13)
    return (ROW_YEAR, year) if month == 0 else (ROW_MONTH, year * 12 + month - 1)


@dataclass(slots=True)
class RowLayout:
    # One int a row, no tuple to allocate: an event's index (>= 0), or a heading as
    # -1 - (year * 13 + month), month 0 for a year heading.
    rows: list[int]
    event_rows: list[int]  # the row of each shown event
    heading_rows: list[int]  # the rows of year and month headings
    year_rows: list[int]  # the rows of year headings


def row_layout(
    collection: Collection,
    shown: list[int],
    groups: Sequence[int] | None,
    starts: Sequence[int] | None = None,
) -> RowLayout:
    # ``shown`` ascends, and the events of the collection fall into a few hundred runs
    # under one heading (``starts``): bisecting the run starts into ``shown`` cuts it into
    # its runs, and each run is one slice, not one Python step per event (98k results:
    # 11 -> about 2 ms; this runs on every keystroke of a search).
    if groups is None:
        groups = collection.headings()
    if starts is None:
        starts = group_starts(groups)
    rows: list[int] = []
    event_rows: list[int] = []
    heading_rows: list[int] = []
    year_rows: list[int] = []
    count = len(shown)
    cuts = sorted({0, count, *(bisect_left(shown, start) for start in starts)})
    year = -1
    group = -1  # the open heading: year * 13 (no month open) or year * 13 + month
    # A cut between two events under the same heading is harmless: no heading is added.
    for begin, end in pairwise(cuts):
        event_group = groups[shown[begin]]
        if event_group != group:
            event_year, month = divmod(event_group, 13)
            if event_year != year:
                year_rows.append(len(rows))
                heading_rows.append(len(rows))
                group = event_year * 13
                rows.append(-1 - group)
                year = event_year
            if month and event_group != group:
                heading_rows.append(len(rows))
                rows.append(-1 - event_group)
                group = event_group
        first = len(rows)
        rows.extend(shown[begin:end])
        event_rows.extend(range(first, first + end - begin))
    return RowLayout(rows, event_rows, heading_rows, year_rows)


def one_row_per_incident(collection: Collection, indexes: Sequence[int]) -> list[int]:
    """``indexes`` with each confirmed ``same_as`` group kept once: its first event shown
    stands for the others (its row says how many accounts; the detail pane shows them all)."""
    groups = collection.same_as_groups()
    if not groups:
        return list(indexes)
    member = {event_id: group for group in groups for event_id in group}
    seen: set[tuple[str, ...]] = set()
    out: list[int] = []
    events = collection.events
    for index in indexes:
        group = member.get(events[index].id)
        if group is not None:
            if group in seen:
                continue
            seen.add(group)
        out.append(index)
    return out


def accounts_mark(collection: Collection, event: Event) -> str:
    """ "×2 " before the title of an event that stands for a group of two accounts."""
    count = len(collection.same_as_group(event.id))
    return f"×{count} " if count > 1 else ""
