"""Events kept as bytes and built one by one as they are asked for, and the table of their
days: what lets a log of 100k events draw its first screen without building 100k objects.

The log cache (:mod:`tui.model.load.codec`) stores each event as one line of its own, so a
warm start reads the file, checks its MAC and hands the lines to a :class:`StoredEvents`;
the timeline asks for the thirty events on screen and those are all that get built.
Nothing here knows the encoding: the cache passes the function that decodes a line.
"""

from __future__ import annotations

import datetime
import math
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import add
from typing import TYPE_CHECKING, Any, overload

from tui.model.text import one_line

if TYPE_CHECKING:
    from tui.model.edtf import EDTFDate
    from tui.model.log import Event

__all__ = [
    "HAVING",
    "OPEN_START_YEAR",
    "BuiltEvents",
    "DaySpans",
    "LazyEvents",
    "MergedEvents",
    "StoredEvents",
    "date_width",
    "having_fields",
    "heading_of",
    "linked_from",
    "sort_code",
]

_OPEN_ENDS = (datetime.date.min, datetime.date.max)
# Precisions too coarse for a month heading: "2017" sits under its year. A season opens
# the month it begins in ("Summer 2018" under June 2018), which is where it sorts.
_COARSE = frozenset({"year", "decade", "century"})
# The year heading value of events whose date has an open start ("../2018").
OPEN_START_YEAR = 0


def heading_of(date: EDTFDate) -> int:
    """The timeline heading an event of ``date`` sits under: year * 13 + month, month 0
    for the year alone."""
    lower = date.lower
    if lower == datetime.date.min:
        return OPEN_START_YEAR * 13
    if date.precision in _COARSE:
        return lower.year * 13
    return lower.year * 13 + lower.month


def date_width(events: Iterable[Event]) -> int:
    """The width of the widest date as the timeline's date column writes it (at least 4);
    measured once per date object (events share them: a few thousand at 100k events)."""
    distinct = {id(event.date): event.date for event in events}
    return max((len(one_line(date.compact())) for date in distinct.values()), default=4)


# An event and the path of its entry in the file (for placing a problem).
Pair = tuple["Event", tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class DaySpans:
    """Each event's first and last day, as day ordinals, grouped into the distinct spans.

    ``spans[span_of[i]]`` is event ``i``'s ``(first, last)``: an open end is closed onto
    the other bound, and span 0 is ``None``, an event with no bounded day. A log of 100k
    events has a few thousand distinct spans, so whatever adds up days over a selection
    (the density strip) counts span numbers in C and does its arithmetic once per span.
    """

    span_of: array[int]
    spans: list[tuple[int, int] | None]

    @classmethod
    def of(cls, events: Iterable[Event]) -> DaySpans:
        numbers: dict[tuple[int, int] | None, int] = {None: 0}
        span_of = array("I")
        for event in events:
            lower, upper = event.date.lower, event.date.upper
            if lower in _OPEN_ENDS and upper in _OPEN_ENDS:
                span_of.append(0)
                continue
            if lower in _OPEN_ENDS:
                lower = upper
            elif upper in _OPEN_ENDS:
                upper = lower
            span = (lower.toordinal(), upper.toordinal())
            number = numbers.get(span)
            if number is None:
                number = numbers[span] = len(numbers)
            span_of.append(number)
        return cls(span_of, list(numbers))

    def state(self) -> list[Any]:
        """Plain JSON values for a cache (see :meth:`restored`)."""
        return [self.span_of.tolist(), [None if s is None else list(s) for s in self.spans]]

    @classmethod
    def restored(cls, state: Sequence[Any], n: int) -> DaySpans:
        """The table of ``n`` events from :meth:`state` (ValueError if it is not one)."""
        numbers, stored = state
        if not stored or stored[0] is not None or len(numbers) != n:
            raise ValueError("not a table of day spans")
        spans: list[tuple[int, int] | None] = [None]
        for first, last in stored[1:]:
            spans.append((int(first), int(last)))
        span_of = array("I", numbers)
        if span_of and max(span_of) >= len(spans):
            raise ValueError("a span number out of range")
        return cls(span_of, spans)


# Fields whose events a table lists (LazyEvents.having): the collection's links and the
# pledges ask for those events only.
HAVING = ("related", "same_as", "pledge")

# sort_code packs a date's (lower, upper, time_order) into one int: 22 bits per day
# ordinal (date.max is 3,652,059) and 38 for the time, microseconds from the start of the
# day before (a time with its UTC offset lies within a day either side of its own day).
_DAY_BITS = 22
_TIME_BITS = 38


def sort_code(date: EDTFDate) -> int:
    """Where ``date`` sorts on the timeline as one int: the ints of two dates compare as
    their ``(lower, upper, time_order)`` do (:func:`tui.model.log.timeline_key` without
    the id), so stored events of several files merge without being built."""
    order = date.time_order
    clock = 0 if order == -math.inf else round((order + 86400) * 1e6) + 1
    days = (date.lower.toordinal() << _DAY_BITS) | date.upper.toordinal()
    return (days << _TIME_BITS) | clock


def having_fields(events: Sequence[Event]) -> dict[str, list[int]]:
    """Field name (of :data:`HAVING`) -> the indexes of the events for which it is set."""
    return {name: [i for i, event in enumerate(events) if getattr(event, name)] for name in HAVING}


def linked_from(events: Sequence[Event]) -> dict[str, list[int]]:
    """Event id -> the indexes of the events whose ``related`` names it, ascending."""
    linked: dict[str, list[int]] = {}
    for i, event in enumerate(events):
        for target in dict.fromkeys(rel.event for rel in event.related):
            linked.setdefault(target, []).append(i)
    return linked


class LazyEvents(Sequence["Event"]):
    """A log's events in timeline order with what the collection needs of every one of
    them, so that none has to be built for it: an event is built when it is asked for.

    ``ids`` are the events' ids (the merge checks and indexes them); ``keys`` their
    :func:`sort_code` (several files' events merge by them); ``having`` names, per field
    (``related``, ``same_as``, ``pledge``), the events for which it is set, so the
    collection's links and the pledges build only those; ``spans`` is their
    :class:`DaySpans`, ``headings`` their :func:`heading_of` and ``widest_date`` their
    :func:`date_width`: what the timeline needs of every event. ``linked_from`` maps an
    event id to the events whose ``related`` names it (the detail pane's backlinks).
    """

    ids: list[str]
    keys: list[int]
    having: dict[str, list[int]]
    spans: DaySpans
    headings: list[int]
    widest_date: int
    linked_from: dict[str, list[int]]

    def pair(self, index: int) -> Pair:
        """Event ``index`` with the path of its entry, built if it was not yet."""
        raise NotImplementedError

    @property
    def built(self) -> int:
        """How many events have been built so far (the rest are still bytes)."""
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...
    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            return [self.pair(i)[0] for i in range(*index.indices(len(self)))]
        return self.pair(index)[0]

    def __iter__(self) -> Iterator[Event]:
        for i in range(len(self)):
            yield self.pair(i)[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        # As the list it stands for (building every event: for tests and debugging).
        return repr(list(self))

    def pairs(self) -> StoredPairs:
        """The events with their entries' paths, as a file part holds them."""
        return StoredPairs(self)

    def _check(self) -> None:
        n = len(self.ids)
        if len(self.keys) != n or len(self.spans.span_of) != n or len(self.headings) != n:
            raise ValueError("the stored events do not fit their tables")


class StoredEvents(LazyEvents):
    """Events kept as the lines of a cache entry, each built from its line on first use.

    ``blob[ends[i - 1] + 1 : ends[i]]`` is event ``i``'s line (the first starts at
    ``start``); ``decode`` turns a line into the event and its entry's path. A built event
    is kept, so asking twice gives the same object, from any thread.
    """

    def __init__(
        self,
        blob: bytes,
        start: int,
        ends: Sequence[int],
        decode: Callable[[bytes], Pair],
        *,
        ids: list[str],
        keys: list[int],
        having: dict[str, list[int]],
        spans: DaySpans,
        headings: list[int],
        widest_date: int,
        linked_from: dict[str, list[int]],
    ) -> None:
        self._blob = blob
        self._start = start
        self._ends = array("Q", ends)
        self._decode = decode
        self._built: list[Pair | None] = [None] * len(ends)
        self._lock = threading.Lock()
        self.ids = ids
        self.keys = keys
        self.having = having
        self.spans = spans
        self.headings = headings
        self.widest_date = widest_date
        self.linked_from = linked_from
        if len(ends) != len(ids):
            raise ValueError("the stored events do not fit their tables")
        self._check()

    def pair(self, index: int) -> Pair:
        pair = self._built[index]
        if pair is None:
            with self._lock:  # one object per event, whichever thread asks first
                pair = self._built[index]
                if pair is None:
                    if index < 0:
                        index += len(self._built)
                    begin = self._ends[index - 1] + 1 if index else self._start
                    line = self._blob[begin : self._ends[index]]
                    pair = self._built[index] = self._decode(line)
        return pair

    @property
    def built(self) -> int:
        return sum(pair is not None for pair in self._built)


class BuiltEvents(LazyEvents):
    """A file's events already built, with the tables :class:`StoredEvents` has: what
    the cache stores of a part, and how a file too small for the cache merges lazily with
    stored ones."""

    def __init__(self, pairs: Sequence[Pair]) -> None:
        self._pairs = list(pairs)
        events = [event for event, _ in self._pairs]
        self.ids = [event.id for event in events]
        self.keys = [sort_code(event.date) for event in events]
        self.having = having_fields(events)
        self.spans = DaySpans.of(events)
        self.headings = [heading_of(event.date) for event in events]
        self.widest_date = date_width(events)
        self.linked_from = linked_from(events)
        self._check()

    def pair(self, index: int) -> Pair:
        return self._pairs[index]

    @property
    def built(self) -> int:
        return len(self._pairs)


class MergedEvents(LazyEvents):
    """Several files' events (each a :class:`LazyEvents` in timeline order) as one
    sequence in timeline order, none of them built for it.

    Event ``i`` is ``parts[part_of[i]][index_in[i]]``: the order (:meth:`order`) comes
    from the parts' ``keys`` and ``ids``, and every table is the parts' tables renumbered.
    """

    def __init__(
        self, parts: Sequence[LazyEvents], part_of: array[int], index_in: array[int]
    ) -> None:
        n = sum(len(part) for part in parts)
        if len(part_of) != n or len(index_in) != n:
            raise ValueError("the order does not fit the parts")
        self.parts = list(parts)
        self._part_of = part_of
        self._index_in = index_in
        # Event i is the flat[i]-th of the parts' events taken one part after another:
        # every table is then gathered by one C-level pass over flat (a million in 0.1 s).
        starts = list(accumulate((len(part) for part in parts), initial=0))
        flat = list(map(add, map(starts.__getitem__, part_of), index_in))
        if flat and max(flat) >= n:
            raise ValueError("the order does not fit the parts")

        def gathered(tables: Iterable[Iterable[Any]]) -> list[Any]:
            return list(map(list(chain.from_iterable(tables)).__getitem__, flat))

        self.ids = gathered(part.ids for part in parts)
        self.keys = gathered(part.keys for part in parts)
        self.headings = gathered(part.headings for part in parts)
        self.widest_date = max((part.widest_date for part in parts), default=4)
        # The parts' span numbers renumbered into one table of distinct spans.
        numbers: dict[tuple[int, int] | None, int] = {None: 0}
        renumbered: list[Iterable[int]] = []
        for part in parts:
            renumber = [numbers.setdefault(span, len(numbers)) for span in part.spans.spans]
            renumbered.append(map(renumber.__getitem__, part.spans.span_of))
        self.spans = DaySpans(array("I", gathered(renumbered)), list(numbers))
        # Where each of the parts' events went: to renumber the tables that list events.
        where = [0] * n
        for position, source in enumerate(flat):
            where[source] = position
        self.having = {
            name: sorted(
                where[start + i]
                for start, part in zip(starts, parts, strict=False)
                for i in part.having[name]
            )
            for name in HAVING
        }
        linked: dict[str, list[int]] = {}
        for start, part in zip(starts, parts, strict=False):
            for target, sources in part.linked_from.items():
                linked.setdefault(target, []).extend(where[start + i] for i in sources)
        for sources in linked.values():
            sources.sort()
        self.linked_from = linked
        self._check()

    @staticmethod
    def order(parts: Sequence[LazyEvents]) -> tuple[array[int], array[int]]:
        """``(part_of, index_in)``: the parts' events in timeline order (by key, then id;
        each part is already in that order, so the sort merges runs)."""
        keyed: list[tuple[int, str, int, int]] = []
        for p, part in enumerate(parts):
            keyed.extend(zip(part.keys, part.ids, repeat(p), range(len(part))))
        keyed.sort()
        return array("H", [row[2] for row in keyed]), array("I", [row[3] for row in keyed])

    def pair(self, index: int) -> Pair:
        return self.parts[self._part_of[index]].pair(self._index_in[index])

    @property
    def built(self) -> int:
        return sum(part.built for part in self.parts)

    def order_state(self) -> tuple[array[int], array[int]]:
        """``(part_of, index_in)``, as :meth:`order` gave them (for a cache)."""
        return self._part_of, self._index_in


class StoredPairs(Sequence[Pair]):
    """:class:`StoredEvents` seen as a file part's ``(event, path)`` pairs."""

    def __init__(self, events: LazyEvents) -> None:
        self.events = events

    def __len__(self) -> int:
        return len(self.events)

    @overload
    def __getitem__(self, index: int) -> Pair: ...
    @overload
    def __getitem__(self, index: slice) -> list[Pair]: ...
    def __getitem__(self, index: int | slice) -> Pair | list[Pair]:
        if isinstance(index, slice):
            return [self.events.pair(i) for i in range(*index.indices(len(self)))]
        return self.events.pair(index)

    def __iter__(self) -> Iterator[Pair]:
        for i in range(len(self.events)):
            yield self.events.pair(i)
