"""The event log as Python objects: what a validated log *is*, independent of YAML.

The loader (:mod:`tui.model.load`) builds these from one or more files; the query engine,
the TUI and the CLI only read them. Nothing here imports Textual.

Field names are the log's own (``from`` is spelled ``from_`` in Python only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from tui.model.event_store import DaySpans, LazyEvents, date_width, heading_of

if TYPE_CHECKING:
    from tui.model.edtf import EDTFDate

FORMAT_VERSION = 1

BUILTIN_KINDS: dict[str, str] = {
    "shooting": "Shooting",
    "incident": "Incident",
    "meeting": "Meeting",
    "pledge": "Pledge",
    "grant": "Grant",
    "rollout": "Rollout",
    "legislation": "Legislation",
    "investigation": "Investigation",
    "court": "Court",
    "statement": "Statement",
    "report": "Report",
    "other": "Other",
}

# The promise-tracker scale, in the order a meter shows it.
PLEDGE_STATUSES: tuple[str, ...] = (
    "not-yet-rated",
    "in-the-works",
    "stalled",
    "compromise",
    "kept",
    "broken",
)
# A pledge with one of these statuses is settled: it can no longer be overdue.
SETTLED_STATUSES: frozenset[str] = frozenset({"kept", "compromise", "broken"})


@dataclass(slots=True, frozen=True)
class Location:
    """Where something stands in a file: 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(slots=True)
class Agency:
    id: str
    name: str
    kind: str | None = None  # local_police, sheriff, state_police, federal, state_agency, ...
    jurisdiction: str | None = None
    aliases: tuple[str, ...] = ()
    url: str | None = None
    ori: tuple[str, ...] = ()  # FBI ORI codes, as the Fatal Force data carries them
    note: str | None = None


@dataclass(slots=True)
class Person:
    id: str
    name: str
    role: str | None = None
    agency: str | None = None  # agency id
    aliases: tuple[str, ...] = ()
    note: str | None = None


@dataclass(slots=True)
class Topic:
    id: str
    label: str
    description: str | None = None


@dataclass(slots=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    author: str | None = None
    published: EDTFDate | None = None
    url: str | None = None
    note: str | None = None
    archived: str | None = None  # the URL of an archived copy
    accessed: EDTFDate | None = None  # when the page was last read or checked


@dataclass(slots=True)
class Kind:
    id: str
    label: str
    builtin: bool = False


@dataclass(slots=True)
class View:
    """A saved query with a name: ``watchline --view ID``, ``v`` in the TUI."""

    id: str
    label: str
    query: str  # checked by tui.model.query.parse_query when the log is loaded


@dataclass(slots=True)
class Quote:
    text: str
    by: str | None = None  # person id
    source: str | None = None  # source id


@dataclass(slots=True)
class Related:
    event: str  # event id
    why: str | None = None


@dataclass(slots=True)
class Rating:
    status: str  # one of PLEDGE_STATUSES
    as_of: EDTFDate
    evidence: tuple[str, ...] = ()  # source ids
    note: str | None = None


@dataclass(slots=True)
class Pledge:
    by: str | None = None  # person id
    due: EDTFDate | None = None
    ratings: tuple[Rating, ...] = ()  # sorted by as_of lower bound


@dataclass(slots=True)
class Grant:
    amount: Decimal | None = None
    currency: str = "USD"  # ISO 4217
    from_: str | None = None  # agency id (YAML key: from)
    to: str | None = None  # agency id
    purpose: str | None = None


@dataclass(slots=True)
class Rollout:
    agency: str | None = None  # agency id
    units: int | None = None
    unit: str | None = None
    where: tuple[str, ...] = ()


@dataclass(slots=True)
class Event:
    id: str
    date: EDTFDate
    kind: str
    title: str
    summary: str | None = None
    agencies: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    place: str | None = None
    sources: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    related: tuple[Related, ...] = ()
    # Ids of events that are this same incident seen by another source (symmetric:
    # Collection.same_as_group gives the closed group).
    same_as: tuple[str, ...] = ()
    note: str | None = None
    # Free-form scalar facts the format has no field for (an importer keeps a data set's
    # other columns here: threat_type, armed_with, ...). Shown in the detail pane.
    data: dict[str, str | int | float | bool] = field(default_factory=dict)
    pledge: Pledge | None = None
    grant: Grant | None = None
    rollout: Rollout | None = None
    # Where the event's mapping starts (the line of its `- id:`), for messages and $EDITOR.
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Registry:
    """One registry of a log: its key (``agencies``, also the :class:`Collection` attribute),
    what one entry is called in messages (``agency``) and the dataclass of an entry."""

    name: str
    noun: str
    entry: type


# The one table of registries: the loader, the cache, change summaries, history diffs and
# the field table all read it, in this order (the order a log lists them in).
REGISTRIES: tuple[Registry, ...] = (
    Registry("agencies", "agency", Agency),
    Registry("people", "person", Person),
    Registry("topics", "topic", Topic),
    Registry("sources", "source", Source),
    Registry("kinds", "kind", Kind),
    Registry("views", "view", View),
)
REGISTRY_NAMES: tuple[str, ...] = tuple(registry.name for registry in REGISTRIES)


def timeline_key(event: Event) -> tuple[object, ...]:
    """Where an event sorts on the timeline: (date.lower, date.upper, date.time_order, id)."""
    date = event.date
    return (date.lower, date.upper, date.time_order, event.id)


@dataclass(slots=True)
class Collection:
    """One or more log files merged: the registries united, the events in timeline order.

    ``events`` is sorted by (date.lower, date.upper, date.time_order, id): events of one
    day by their time (a date without one first); ``index`` maps an event id to its
    position in ``events``.
    """

    title: str
    description: str | None = None
    files: tuple[Path, ...] = ()
    agencies: Mapping[str, Agency] = field(default_factory=dict)
    people: Mapping[str, Person] = field(default_factory=dict)
    topics: Mapping[str, Topic] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    views: dict[str, View] = field(default_factory=dict)
    # A list, or LazyEvents from the log cache (each built when first asked for).
    events: Sequence[Event] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    # Set by the loader when every file came from (or went to) its cache: the name under
    # which what is derived from this collection alone (the query indexes) is cached.
    cache_key: str | None = field(default=None, repr=False, compare=False)
    # event id -> the events whose `related` names it; built on first use (the detail pane
    # asks for every event it shows), dropped when the events are re-sorted.
    _backlinks: dict[str, list[tuple[Event, Related]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    # event id -> its same_as group (ids in timeline order); built on first use.
    _same_as: dict[str, tuple[str, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # The events' days (see day_spans); built on first use or given by the loader's cache.
    _day_spans: DaySpans | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for kind_id, label in BUILTIN_KINDS.items():
            self.kinds.setdefault(kind_id, Kind(kind_id, label, builtin=True))
        if self.events and not self.index:
            self.sort_events()

    def sort_events(self) -> None:
        """Put events in timeline order and rebuild the id index."""
        self.events = sorted(self.events, key=timeline_key)
        self.index = {event.id: i for i, event in enumerate(self.events)}
        self._backlinks = None
        self._same_as = None
        self._day_spans = None

    def day_spans(self) -> DaySpans:
        """The days each event's date allows, grouped (see :class:`DaySpans`)."""
        if self._day_spans is None:
            events = self.events
            if isinstance(events, LazyEvents):
                self._day_spans = events.spans
            else:
                self._day_spans = DaySpans.of(events)
        return self._day_spans

    def headings(self) -> list[int]:
        """Each event's timeline heading (:func:`~tui.model.event_store.heading_of`)."""
        events = self.events
        if isinstance(events, LazyEvents):
            return events.headings
        return [heading_of(event.date) for event in events]

    def date_width(self) -> int:
        """The widest date of the timeline's date column (:func:`~tui.model.event_store.date_width`)."""
        events = self.events
        return events.widest_date if isinstance(events, LazyEvents) else date_width(events)

    def events_with(self, field_name: str) -> Iterator[tuple[int, Event]]:
        """``(index, event)`` for each event whose ``field_name`` is set (not empty or
        None): ``related``, ``same_as`` or ``pledge``. From stored events, only those
        are built."""
        events = self.events
        if isinstance(events, LazyEvents):
            for i in events.having[field_name]:
                yield i, events[i]
            return
        for i, event in enumerate(events):
            if getattr(event, field_name):
                yield i, event

    def event(self, event_id: str) -> Event | None:
        i = self.index.get(event_id)
        return None if i is None else self.events[i]

    def backlinks(self, event_id: str) -> list[tuple[Event, Related]]:
        """Events whose ``related`` names this one (relations shown both ways), in timeline order."""
        events = self.events
        if isinstance(events, LazyEvents):  # build only the events that link here
            return [
                (events[i], rel)
                for i in events.linked_from.get(event_id, ())
                for rel in events[i].related
                if rel.event == event_id
            ]
        if self._backlinks is None:
            index: dict[str, list[tuple[Event, Related]]] = {}
            for _, event in self.events_with("related"):
                for rel in event.related:
                    index.setdefault(rel.event, []).append((event, rel))
            self._backlinks = index
        return list(self._backlinks.get(event_id, ()))

    def same_as_group(self, event_id: str) -> tuple[str, ...]:
        """The ids of every event that is the same incident as ``event_id`` (itself
        included), in timeline order: ``same_as`` closed both ways and transitively. An
        event with no ``same_as`` either way is a group of one."""
        if self._same_as is None:
            self._same_as = self._same_as_groups()
        return self._same_as.get(event_id, (event_id,) if event_id in self.index else ())

    def same_as_groups(self) -> list[tuple[str, ...]]:
        """Every group of two or more, in the timeline order of their first events."""
        if self._same_as is None:
            self._same_as = self._same_as_groups()
        seen: dict[str, tuple[str, ...]] = {}
        for group in self._same_as.values():
            seen.setdefault(group[0], group)
        return sorted(seen.values(), key=lambda g: self.index[g[0]])

    def _same_as_groups(self) -> dict[str, tuple[str, ...]]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            root = x
            while parent.get(root, root) != root:
                root = parent[root]
            while x != root:  # path compression
                parent[x], x = root, parent[x]
            return root

        for _, event in self.events_with("same_as"):
            for other in event.same_as:
                if other == event.id or other not in self.index:
                    continue
                parent.setdefault(event.id, event.id)
                parent.setdefault(other, other)
                a, b = find(event.id), find(other)
                if a != b:
                    parent[a] = b
        members: dict[str, list[str]] = {}
        for event_id in parent:
            members.setdefault(find(event_id), []).append(event_id)
        groups: dict[str, tuple[str, ...]] = {}
        for ids in members.values():
            group = tuple(sorted(ids, key=self.index.__getitem__))
            for event_id in group:
                groups[event_id] = group
        return groups
