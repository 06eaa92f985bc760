"""The engine's facet counts and labels (mixed into
:class:`~tui.model.query.engine.QueryEngine`): each facet counted under every other
term of the query, ranked, labelled, and toggled into the query text."""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.model.query.bits import (
    _flags_from_bits,
)
from tui.model.query.language import (
    SINCE_LABELS,
    STATUS_LABELS,
    STATUS_VALUES,
    FacetValue,
    Query,
    parse_query,
    query_terms_for,
)
from tui.model.query.language import (
    toggle_term as toggle_query_term,
)
from tui.model.query.table import BY_NAME, FACETS, SINCE_FACET
from tui.model.search_text import (
    fold,
)

if TYPE_CHECKING:
    from tui.model.query.engine import QueryEngine


# -- facets


def facet_counts(
    self: QueryEngine, query: Query | str, facet: str, limit: int | None = None
) -> list[FacetValue]:
    """The values of ``facet`` with their counts under ``query``, most frequent first.

    Counts follow faceted-search practice: the facet's own positive terms are left
    out (the other values of an OR-ed field still show what adding them would give);
    everything else, the facet's negated terms included, applies. A value with no
    events is listed only when the query names it. ``limit`` keeps the first
    ``limit`` values (the active and excluded ones are always kept).
    """
    if facet not in FACETS and facet != SINCE_FACET:
        raise ValueError(f"unknown facet {facet!r}; one of {', '.join(FACETS)}")
    if isinstance(query, str):
        query = parse_query(query)
    plan = self._plan(query)
    mask = self._mask(plan, without=facet)
    base = mask & self._text_bits(plan.text_key) if mask else 0
    counts = self._counts(facet, base)
    active = plan.active.get(facet, set())
    excluded = plan.excluded.get(facet, set())
    for value_id in active | excluded:
        counts.setdefault(value_id, 0)
    pinned = active | excluded
    for value_id in pinned:
        counts.setdefault(value_id, 0)
    rank = self._rank(facet)
    unranked = len(rank)
    # One int per value sorts by count (descending), then label: cheaper than tuples
    # with thousands of people.
    scale = unranked + 1
    keyed = [(c * -scale + rank.get(v, unranked), v) for v, c in counts.items() if c or v in pinned]
    if limit is not None and limit < len(keyed):
        chosen = heapq.nsmallest(limit, keyed)
        chosen_ids = {v for _, v in chosen}
        chosen.extend(
            (counts[v] * -scale + rank.get(v, unranked), v) for v in pinned if v not in chosen_ids
        )
        keyed = chosen
    keyed.sort()
    labels = self._labels.setdefault(facet, {})
    for _, v in keyed:
        if v not in labels:
            labels[v] = self.label(facet, v)
    return [
        FacetValue(facet, v, labels[v], counts[v], v in active, v in excluded) for _, v in keyed
    ]


def _rank(self: QueryEngine, facet: str) -> dict[str, int]:
    """Each value's place in label order (folded, then by id)."""
    if facet == SINCE_FACET:
        return {v: i for i, v in enumerate(SINCE_LABELS)}
    if facet == "status":
        if "status" not in self._sort_keys:
            ordered = sorted(STATUS_VALUES, key=lambda v: fold(STATUS_LABELS[v]))
            self._sort_keys["status"] = {v: i for i, v in enumerate(ordered)}
        return self._sort_keys["status"]
    return self.facets[facet].order(lambda v: self.label(facet, v))


def all_facet_counts(
    self: QueryEngine,
    query: Query | str,
    facets: Sequence[str] = FACETS,
    limit: int | None = None,
) -> dict[str, list[FacetValue]]:
    """:meth:`facet_counts` for several facets at once."""
    if isinstance(query, str):
        query = parse_query(query)
    return {facet: self.facet_counts(query, facet, limit) for facet in facets}


def _counts(self: QueryEngine, facet: str, base: int) -> dict[str, int]:
    """Events in ``base`` per value of ``facet`` (a fresh dict the caller may change)."""
    if facet == "status":
        return {v: (base & b).bit_count() for v, b in self._status_bits.items()}
    if facet == SINCE_FACET:
        return {v: (base & b).bit_count() for v, b in (self._since_bits or {}).items()}
    data = self.facets[facet]
    if base == self.all_bits:
        return dict(data.postings.counts)
    # Typing a space or a letter that keeps the same events, or toggling a value and
    # back, asks again for the same base: remember the last few.
    key = (facet, base)
    cached = self._count_cache.get(key)
    if cached is None:
        cached = data.counts(base, self.all_bits)
        self._count_cache[key] = cached
        if len(self._count_cache) > 3 * len(FACETS):
            self._count_cache.popitem(last=False)
    return dict(cached)


def _flags(self: QueryEngine, bits: int) -> bytes:
    """:func:`_flags_from_bits`, remembering the last answer (every facet asks for it)."""
    if self._last_flags[0] != bits:
        self._last_flags = (bits, _flags_from_bits(bits, self.n))
    return self._last_flags[1]


def label(self: QueryEngine, facet: str, value_id: str) -> str:
    """The human label of a facet value (a name, a label, a year); untrusted text.

    The facet table says how (:data:`~tui.model.query.table.FACET_TABLE`); a value of no
    facet in it is its own label."""
    spec = BY_NAME.get(facet)
    return value_id if spec is None else spec.label(self.collection, value_id)


def active_ids(self: QueryEngine, query: Query | str, field_name: str) -> set[str]:
    """The ids the positive ``field_name`` terms of ``query`` select."""
    if isinstance(query, str):
        query = parse_query(query)
    return {
        value_id
        for value in query_terms_for(query, field_name)
        for value_id in self.resolve(field_name, value)
    }


def toggle_term(self: QueryEngine, text: str, field_name: str, value_id: str) -> str:
    """:func:`toggle_term` where a typed name or alias of ``value_id`` counts as it."""
    return toggle_query_term(
        text,
        field_name,
        value_id,
        same=lambda typed: value_id in self.resolve(field_name, typed),
        others=lambda typed: sorted(self.resolve(field_name, typed) - {value_id}),
    )
