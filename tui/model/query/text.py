"""The engine's text search (mixed into :class:`~tui.model.query.engine.QueryEngine`):
events' own folded text scanned in C, registry names matched once per entry, and a
narrower query answered from the cached result of the wider one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING

from tui.model.query.bits import (
    _bits_from_flags,
    _bits_from_indexes,
)

if TYPE_CHECKING:
    from tui.model.query.engine import QueryEngine


def _implied(old_term: tuple[bool, str], key: tuple[tuple[bool, str], ...]) -> bool:
    negated, needle = old_term
    if negated:
        return old_term in key
    return any(not neg and needle in new for neg, new in key)


def _text_bits(self: QueryEngine, key: tuple[tuple[bool, str], ...]) -> int:
    """Events matching every text term in ``key``; narrows from a cached wider result."""
    if not key:
        return self.all_bits
    cached = self._text_cache.get(key)
    if cached is not None:
        self._text_cache.move_to_end(key)
        return cached
    # Narrowing: a cached key each of whose terms is implied by one of ours (the same
    # negated text, or a positive text that ours contains) matched a superset, so
    # only its events need looking at: typing "bod" then "body" scans the "bod" hits.
    candidates = self.all_bits
    covered: tuple[tuple[bool, str], ...] = ()
    best = (candidates.bit_count(), 0)
    for old_key, old_bits in self._text_cache.items():
        if all(_implied(old_term, key) for old_term in old_key):
            # Fewest events first; on a tie ("bod" and "body" match the same), the key
            # that already covers more of our terms, which then need no scan.
            rank = (old_bits.bit_count(), -len(set(old_key) & set(key)))
            if rank < best:
                best, candidates, covered = rank, old_bits, old_key
    # Terms of the narrower key are already satisfied; positive terms first, longest
    # first: they cut the candidates fastest.
    todo = sorted((t for t in key if t not in covered), key=lambda t: (t[0], -len(t[1])))
    for negated, needle in todo:
        if not candidates:
            break
        hits = self._needle_bits(needle, candidates)
        candidates = candidates & ~hits if negated else hits
    self._text_cache[key] = candidates
    if len(self._text_cache) > 16:
        self._text_cache.popitem(last=False)
    return candidates


def _needle_bits(self: QueryEngine, needle: str, within: int) -> int:
    """Events in ``within`` whose own text or registry names contain ``needle``."""
    found = self._where(self.texts, lambda texts: map(contains, texts, repeat(needle)), within)
    rest = within & ~found
    if rest:
        found |= self._names_hits(needle, rest)
    return found


def _where(
    self: QueryEngine,
    items: list,
    test: Callable[[Iterable], Iterable[bool]],
    within: int,
) -> int:
    """Events in ``within`` whose item passes ``test``, which maps items to truths in C.

    With most events in ``within``, every item is tested and the rest dropped after
    (skipping costs more than testing); with fewer, only theirs are picked out
    (``compress``) and the passing ones set one by one.
    """
    if within == self.all_bits:
        return _bits_from_flags(bytes(test(items)))
    if within.bit_count() * 2 > self.n:
        return _bits_from_flags(bytes(test(items))) & within
    flags = self._flags(within)
    chosen = compress(range(self.n), flags)
    return _bits_from_indexes(compress(chosen, test(compress(items, flags))), self.n)


def _names_hits(self: QueryEngine, needle: str, rest: int) -> int:
    """Events in ``rest`` with an agency, person, topic, kind or source named ``needle``.

    Three ways, by what touches fewest items: with few events left, look at their
    entries' names; with few matching entries (a rare word), scatter their postings;
    else (a short word matches thousands of names) ask each event left, in C,
    whether its entries meet the matching ones.
    """
    if rest.bit_count() <= self.FEW_REMAINING:
        names, entries = self._entry_names, self._event_entries
        hits = [i for i in self.indexes(rest) if any(needle in names[key] for key in entries[i])]
        return _bits_from_indexes(hits, self.n)
    matched = self._matched_names(needle)
    if not matched:
        return 0
    scatter = sum(
        sum(map(self._postings(f).counts.get, ids, repeat(0))) for f, ids in matched.items()
    )
    if scatter < self.n:
        bits = 0
        for field_name, ids in matched.items():
            bits |= self._postings(field_name).union(ids)
        return bits & rest
    keys = frozenset(f"{f}:{v}" for f, ids in matched.items() for v in ids)
    disjoint = self._where(self._event_entries, lambda e: map(keys.isdisjoint, e), rest)
    return rest & ~disjoint


def _matched_names(self: QueryEngine, needle: str) -> dict[str, set[str]]:
    """Per field, the registry entries whose names contain ``needle``.

    Cached; typing "bod" after "bo" looks only at the entries "bo" matched.
    """
    cached = self._needle_cache.get(needle)
    if cached is not None:
        self._needle_cache.move_to_end(needle)
        return cached
    # Names holding "bod" are among those holding "bo": start from the narrowest
    # cached needle inside this one.
    wider = [
        matched for old, matched in self._needle_cache.items() if old in needle and old != needle
    ]
    matched: dict[str, set[str]] = {}
    for field_name, names in self._names_text.items():
        if wider:
            pool = min((m.get(field_name, set()) for m in wider), key=len)
            ids = {v for v in pool if needle in names[v]}
        else:
            ids = {value_id for value_id, text in names.items() if needle in text}
        if ids:
            matched[field_name] = ids
    self._needle_cache[needle] = matched
    if len(self._needle_cache) > 64:
        self._needle_cache.popitem(last=False)
    return matched
