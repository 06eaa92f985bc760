from __future__ import annotations

import bisect
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import compress
from typing import Any, Concatenate, ParamSpec, TypeVar

from tui.model.log import Collection
from tui.model.pledges import overdue_days, status_at
from tui.model.query import facets as _facets
from tui.model.query import stored as _stored
from tui.model.query import text as _text
from tui.model.query.bits import (
    _bits_from_indexes,
    _Facet,
    _lists_of,
    _Plan,
    _Postings,
)
from tui.model.query.language import (
    SINCE_LABELS,
    STATUS_VALUES,
    FacetValue,
    Query,
    Term,
    UnknownValue,
    _parse_date,
    _status_key,
    parse_query,
)
from tui.model.query.table import FACETS, INDEXED
from tui.model.search_text import (
    event_source_ids,
    fold,
    fold_fields,
    own_strings,
    registry_names,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(
    method: Callable[Concatenate[QueryEngine, _P], _R],
) -> Callable[Concatenate[QueryEngine, _P], _R]:
    """Run ``method`` holding the engine's lock (its caches change as it answers)."""

    @functools.wraps(method)
    def locked(self: QueryEngine, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


class QueryEngine:
    """Runs queries over one collection from indexes built once, at construction.

    ``as_of`` (default: today) is the date pledge statuses and ``overdue`` are judged at;
    :meth:`set_as_of` changes it. Each public method holds the engine's lock while it
    runs (the caches change as it answers), so the app counts facets in a thread while the
    UI thread runs the next query; the second waits for the first, never sees it half done.
    """

    # Below this many events left to check for a word, checking their names one by one
    # beats a pass over every event (about 1 us an event against 10 ms a pass at 100k).
    FEW_REMAINING = 4000

    def __init__(
        self,
        collection: Collection,
        as_of: date | None = None,
        *,
        _indexes: dict[str, Any] | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.collection = collection
        self.as_of = as_of or date.today()
        self.n = n = len(collection.events)
        self.all_bits = (1 << n) - 1
        # The events' first days in timeline order, and last days ascending (_by_upper).
        self.lowers: list[date]
        self._uppers: list[date]
        if _indexes is None:
            self._build_indexes()
        else:
            _stored.restore(self, _indexes)  # what _build_indexes made, from the cache
        # Stored events (a warm start) build only their pledges here, not the rest.
        self._pledges = [i for i, _ in collection.events_with("pledge")]
        self._status_bits: dict[str, int] = {}
        self._compute_statuses()
        self._since_bits: dict[str, int] | None = None
        self._text_cache: OrderedDict[tuple[tuple[bool, str], ...], int] = OrderedDict()
        self._needle_cache: OrderedDict[str, dict[str, set[str]]] = OrderedDict()
        self._date_cache: dict[tuple[str, str], int] = {}
        self._plans: OrderedDict[tuple[Term, ...], _Plan] = OrderedDict()
        self._sort_keys: dict[str, dict[str, int]] = {}
        self._count_cache: OrderedDict[tuple[str, int], dict[str, int]] = OrderedDict()
        self._last_flags: tuple[int, bytes] = (-1, b"")
        self._labels: dict[str, dict[str, str]] = {}

    @classmethod
    def cached(cls, collection: Collection, as_of: date | None = None) -> QueryEngine:
        """An engine whose indexes come from the cache when the collection's files did
        (:mod:`tui.model.query.stored`), else built here and stored for the next start."""
        return _stored.cached_engine(cls, collection, as_of)

    def _build_indexes(self) -> None:
        """Everything that depends on the collection alone (not on ``as_of``)."""
        collection = self.collection
        events = collection.events
        n = self.n
        # Each event's own text; registry names are matched once per entry (_names_text).
        self.texts: list[str] = [fold_fields(own_strings(e)) for e in events]
        self._names_text = registry_names(collection)
        self._by_upper: list[int] = sorted(range(n), key=lambda i: events[i].date.upper)
        self.lowers = [e.date.lower for e in events]
        self._uppers = [events[i].date.upper for i in self._by_upper]
        self.facets: dict[str, _Facet] = {
            spec.name: _Facet(spec.name, [spec.values(e) for e in events], n)
            for spec in INDEXED
            if spec.values is not None
        }
        source_values = [event_source_ids(e) for e in events]
        self.sources = _Postings(_lists_of(source_values), n)
        # Every event's registry entries (agencies, people, topics, kind, sources) as one
        # tuple of shared keys ("agency:bpd"): one set.isdisjoint per event answers "does
        # any of its names hold the word?", and _entry_names gives each key's names.
        named = {f: self.facets[f].event_values for f in ("agency", "person", "topic", "kind")}
        named["source"] = source_values
        self._entity_keys: dict[str, dict[str, str]] = {
            f: {v: f"{f}:{v}" for v in self._postings(f).counts} for f in named
        }
        self._entry_names: dict[str, str] = {
            key: self._names_text[f].get(v, "")
            for f, table in self._entity_keys.items()
            for v, key in table.items()
        }
        per_field = [
            [tuple(map(self._entity_keys[f].__getitem__, v)) for v in values]
            for f, values in named.items()
        ]
        self._event_entries: list[tuple[str, ...]] = [
            a + p + t + k + s for a, p, t, k, s in zip(*per_field, strict=True)
        ]
        self._names = self._build_names()
        self._event_ids = {fold(e.id): e.id for e in events}

    # -- building

    def _build_names(self) -> dict[str, dict[str, set[str]]]:
        """Per field: folded id / name / alias -> the ids it names."""
        c = self.collection
        names: dict[str, dict[str, set[str]]] = {}

        def add(field_name: str, keys: Iterable[str | None], value_id: str) -> None:
            table = names.setdefault(field_name, {})
            for key in keys:
                if key:
                    table.setdefault(fold(key), set()).add(value_id)

        for a in c.agencies.values():
            add("agency", (a.id, a.name, *a.aliases), a.id)
        for p in c.people.values():
            add("person", (p.id, p.name, *p.aliases), p.id)
        for t in c.topics.values():
            add("topic", (t.id, t.label), t.id)
        for k in c.kinds.values():
            add("kind", (k.id, k.label), k.id)
        for s in c.sources.values():
            add("source", (s.id, s.title, s.publisher), s.id)
        return names

    def _compute_statuses(self) -> None:
        events = self.collection.events
        lists: dict[str, list[int]] = {value: [] for value in STATUS_VALUES}
        for i in self._pledges:
            pledge = events[i].pledge
            assert pledge is not None
            status = status_at(pledge, self.as_of)
            overdue = overdue_days(events[i], self.as_of) is not None
            values = (status, "overdue") if overdue else (status,)
            for value in values:
                lists[value].append(i)
        self._status_bits = {v: _bits_from_indexes(ix, self.n) for v, ix in lists.items()}

    @_locked
    def set_as_of(self, as_of: date) -> None:
        """Judge pledge statuses and ``overdue`` at ``as_of`` from now on."""
        if as_of != self.as_of:
            self.as_of = as_of
            self._compute_statuses()
            self._plans.clear()

    @_locked
    def set_since(self, marks: dict[str, str] | None) -> None:
        """Mark events ``new`` or ``changed`` (by id; every other event is ``unchanged``)
        for ``since:`` and the "changed since" facet; None: no log to compare with."""
        if marks is None:
            self._since_bits = None
        else:
            index = self.collection.index
            lists: dict[str, list[int]] = {"new": [], "changed": []}
            for event_id, mark in marks.items():
                at = index.get(event_id)
                if at is not None and mark in lists:
                    lists[mark].append(at)
            bits = {v: _bits_from_indexes(ix, self.n) for v, ix in lists.items()}
            bits["unchanged"] = self.all_bits & ~(bits["new"] | bits["changed"])
            self._since_bits = bits
        self._plans.clear()
        self._count_cache.clear()

    @property
    def has_since(self) -> bool:
        """Whether events are marked against a ``--since`` log (see :meth:`set_since`)."""
        return self._since_bits is not None

    # -- resolving values

    @_locked
    def resolve(self, field_name: str, value: str) -> set[str]:
        """The ids a typed value names in ``field_name`` (empty when it names nothing)."""
        if field_name == "status":
            return {_status_key(value)}
        if field_name == "since":
            known = self._since_bits is not None and value.lower() in SINCE_LABELS
            return {value.lower()} if known else set()
        if field_name == "year":
            return {str(int(value))} if value.isascii() and value.isdigit() else set()
        if field_name == "id":
            event_id = self._event_ids.get(fold(value))
            return set() if event_id is None else {event_id}
        return set(self._names.get(field_name, {}).get(fold(value), ()))

    @_locked
    def unknown_values(self, query: Query | str) -> list[UnknownValue]:
        """Values of ``query`` that name nothing in the log: a UI can warn about them."""
        if isinstance(query, str):
            query = parse_query(query)
        unknown: list[UnknownValue] = []
        for term in query.terms:
            if term.field in (None, "status", "year", "from", "to"):
                continue
            for value, (start, end) in zip(term.values, term.value_spans, strict=True):
                if not self.resolve(term.field, value):
                    unknown.append(UnknownValue(term.field, value, start, end))
        return unknown

    def _ids_bits(self, field_name: str, value_ids: set[str]) -> int:
        if field_name == "status":
            bits = 0
            for value_id in value_ids:
                bits |= self._status_bits.get(value_id, 0)
            return bits
        if field_name == "id":
            bits = 0
            for value_id in value_ids:
                bits |= 1 << self.collection.index[value_id]
            return bits
        if field_name == "since":
            since = self._since_bits or {}
            bits = 0
            for value_id in value_ids:
                bits |= since.get(value_id, 0)
            return bits
        return self._postings(field_name).union(value_ids)

    def _date_bits(self, field_name: str, value: str) -> int:
        key = (field_name, value)
        cached = self._date_cache.get(key)
        if cached is not None:
            return cached
        when = _parse_date(field_name, value, 0, len(value))
        if field_name == "to":
            # Events are in timeline order (by lower bound): a prefix of them.
            k = bisect.bisect_right(self.lowers, when.upper)
            bits = (1 << k) - 1
        else:
            k = bisect.bisect_left(self._uppers, when.lower)
            bits = _bits_from_indexes(self._by_upper[k:], self.n)
        if len(self._date_cache) > 64:
            self._date_cache.clear()
        self._date_cache[key] = bits
        return bits

    # -- evaluating

    def _plan(self, query: Query) -> _Plan:
        plan = self._plans.get(query.terms)
        if plan is not None:
            self._plans.move_to_end(query.terms)
            return plan
        field_masks: dict[str, int] = {}
        negative = self.all_bits
        text: set[tuple[bool, str]] = set()
        active: dict[str, set[str]] = {}
        excluded: dict[str, set[str]] = {}
        for term in query.terms:
            if term.field is None:
                text.add((term.negated, fold(term.values[0])))
                continue
            if term.field in ("from", "to"):
                bits = 0
                for value in term.values:
                    bits |= self._date_bits(term.field, value)
            else:
                ids: set[str] = set()
                for value in term.values:
                    ids |= self.resolve(term.field, value)
                (excluded if term.negated else active).setdefault(term.field, set()).update(ids)
                bits = self._ids_bits(term.field, ids)
            if term.negated:
                negative &= ~bits
            else:
                field_masks[term.field] = field_masks.get(term.field, 0) | bits
        plan = _Plan(field_masks, negative, tuple(sorted(text)), active, excluded)
        self._plans[query.terms] = plan
        if len(self._plans) > 32:
            self._plans.popitem(last=False)
        return plan

    def _mask(self, plan: _Plan, without: str | None = None) -> int:
        mask = plan.negative_mask
        for field_name, bits in plan.field_masks.items():
            if field_name != without:
                mask &= bits
        return mask

    def _postings(self, field_name: str) -> _Postings:
        return self.sources if field_name == "source" else self.facets[field_name].postings

    @_locked
    def match_bits(self, query: Query | str) -> int:
        """The events ``query`` keeps, as a bitset (bit i is ``collection.events[i]``)."""
        if isinstance(query, str):
            query = parse_query(query)
        plan = self._plan(query)
        mask = self._mask(plan)
        return mask & self._text_bits(plan.text_key) if mask else 0

    @_locked
    def run(self, query: Query | str) -> list[int]:
        """Indexes into ``collection.events`` of the events ``query`` keeps, ascending.

        A string is parsed first (raising :class:`QueryError`).
        """
        return self.indexes(self.match_bits(query))

    @_locked
    def indexes(self, bits: int) -> list[int]:
        """The event indexes set in ``bits``, ascending."""
        if bits == self.all_bits:
            return list(range(self.n))
        return list(compress(range(self.n), self._flags(bits)))

    @_locked
    def count(self, query: Query | str) -> int:
        """How many events ``query`` keeps."""
        return self.match_bits(query).bit_count()

    # -- text search (tui.model.query.text) and facets (tui.model.query.facets)

    def _text_bits(self, key: tuple[tuple[bool, str], ...]) -> int:
        return _text._text_bits(self, key)

    def _needle_bits(self, needle: str, within: int) -> int:
        return _text._needle_bits(self, needle, within)

    def _where(
        self,
        items: list,
        test: Callable[[Iterable], Iterable[bool]],
        within: int,
    ) -> int:
        return _text._where(self, items, test, within)

    def _names_hits(self, needle: str, rest: int) -> int:
        return _text._names_hits(self, needle, rest)

    def _matched_names(self, needle: str) -> dict[str, set[str]]:
        return _text._matched_names(self, needle)

    @_locked
    def facet_counts(
        self, query: Query | str, facet: str, limit: int | None = None
    ) -> list[FacetValue]:
        """The values of ``facet`` with their counts under ``query``, most frequent first."""
        return _facets.facet_counts(self, query, facet, limit)

    def _rank(self, facet: str) -> dict[str, int]:
        return _facets._rank(self, facet)

    @_locked
    def all_facet_counts(
        self,
        query: Query | str,
        facets: Sequence[str] = FACETS,
        limit: int | None = None,
    ) -> dict[str, list[FacetValue]]:
        """:meth:`facet_counts` for several facets at once."""
        return _facets.all_facet_counts(self, query, facets, limit)

    def _counts(self, facet: str, base: int) -> dict[str, int]:
        return _facets._counts(self, facet, base)

    def _flags(self, bits: int) -> bytes:
        return _facets._flags(self, bits)

    @_locked
    def label(self, facet: str, value_id: str) -> str:
        """The human label of a facet value (a name, a label, a year); untrusted text."""
        return _facets.label(self, facet, value_id)

    @_locked
    def active_ids(self, query: Query | str, field_name: str) -> set[str]:
        """The ids the positive ``field_name`` terms of ``query`` select."""
        return _facets.active_ids(self, query, field_name)

    @_locked
    def toggle_term(self, text: str, field_name: str, value_id: str) -> str:
        """:func:`toggle_term` where a typed name or alias of ``value_id`` counts as it."""
        return _facets.toggle_term(self, text, field_name, value_id)
