from __future__ import annotations

from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter
from typing import Any

from tui.model.search_text import (
    fold,
)

# ---------------------------------------------------------------------------- bitsets
#
# An event set is a Python int with bit i set for ``collection.events[i]``: AND, OR and
# popcount (int.bit_count) over 100k events take microseconds. To list or count by
# value, a set becomes "flags", one byte (0 or 1) per event, which ``itertools.compress``,
# ``itemgetter`` and ``bytes.count`` consume at C speed. Converting either way goes
# through a binary-digit string, also at C speed (about 0.3 ms for 100k events).

_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _bits_from_indexes(indexes: Iterable[int], n: int) -> int:
    """A bitset (bit i set for each index) from indexes below ``n``."""
    flags = bytearray(n)
    for i in indexes:  # a plain loop measured faster than map(flags.__setitem__, ...)
        flags[i] = 1
    return _bits_from_flags(flags)


def _bits_from_flags(flags: bytes | bytearray) -> int:
    """A bitset from one byte (0 or 1) per event."""
    if not flags:
        return 0
    return int(bytes(flags).translate(_TO_DIGITS)[::-1], 2)


def _flags_from_bits(bits: int, n: int) -> bytes:
    """One byte (0 or 1) per event from a bitset."""
    if n == 0:
        return b""
    return format(bits, f"0{n}b")[::-1].encode("ascii").translate(_TO_FLAGS)


def _lists_of(event_values: list[tuple[str, ...]]) -> dict[str, list[int]]:
    lists: dict[str, list[int]] = {}
    for i, values in enumerate(event_values):
        for value in values:
            lists.setdefault(value, []).append(i)
    return lists


class _Postings:
    """value id -> the events that have it, as bitsets or sorted index arrays.

    A value on few events is kept as an ``array('I')`` (4 bytes an event) rather than a
    bitset (n/8 bytes whatever its size): 5,000 people as bitsets over 100k events would
    take 62 MB. Sparse values become bitsets on demand, the last 1,024 cached.
    """

    # A value on at least this many events (and on 1/32 of them) is kept as a bitset.
    MIN_DENSE = 1

    def __init__(self, lists: dict[str, list[int]], n: int) -> None:
        self.n = n
        self.dense: dict[str, int] = {}
        self.sparse: dict[str, array] = {}
        threshold = max(self.MIN_DENSE, n // 32)
        for value_id, indexes in lists.items():
            if len(indexes) >= threshold:
                self.dense[value_id] = _bits_from_indexes(indexes, n)
            else:
                self.sparse[value_id] = array("I", indexes)
        self.counts: dict[str, int] = {v: len(ix) for v, ix in lists.items()}
        self._cache: OrderedDict[str, int] = OrderedDict()

    def state(self) -> tuple[Any, ...]:
        """What :meth:`restored` needs, as plain values (ints, text, bytes) for the cache."""
        sparse = {value_id: ix.tobytes() for value_id, ix in self.sparse.items()}
        return (self.n, self.dense, sparse, self.counts)

    @classmethod
    def restored(cls, state: Sequence[Any]) -> _Postings:
        """The postings :meth:`state` describes, with nothing recomputed."""
        postings = cls.__new__(cls)
        n, dense, sparse, counts = state
        postings.n = n
        postings.dense = dense
        postings.sparse = {}
        for value_id, raw in sparse.items():
            postings.sparse[value_id] = indexes = array("I")
            indexes.frombytes(raw)
        postings.counts = counts
        postings._cache = OrderedDict()
        return postings

    def bits(self, value_id: str) -> int:
        """The events with ``value_id`` (0 when none)."""
        bits = self.dense.get(value_id)
        if bits is not None:
            return bits
        cached = self._cache.get(value_id)
        if cached is not None:
            self._cache.move_to_end(value_id)
            return cached
        indexes = self.sparse.get(value_id)
        if indexes is None:
            return 0
        flags = bytearray((self.n >> 3) + 1)
        for i in indexes:
            flags[i >> 3] |= 1 << (i & 7)
        bits = int.from_bytes(flags, "little")
        self._cache[value_id] = bits
        if len(self._cache) > 1024:
            self._cache.popitem(last=False)
        return bits

    def union(self, value_ids: Iterable[str]) -> int:
        """The events with any of ``value_ids``: dense ones OR-ed, sparse ones scattered."""
        bits = 0
        scattered: list[int] = []
        for value_id in value_ids:
            dense = self.dense.get(value_id)
            if dense is not None:
                bits |= dense
            else:
                scattered.extend(self.sparse.get(value_id, ()))
        if len(scattered) > 64:
            bits |= _bits_from_indexes(scattered, self.n)
        elif scattered:
            for i in scattered:
                bits |= 1 << i
        return bits


class _Facet:
    """One facet's index: postings, each event's values, and a counter over all pairs."""

    # Up to this many values, counting is one AND and one popcount per value; above it,
    # one pass over all (value, event) pairs is cheaper (measured: 5,000 people on 100k
    # events, 9 us per AND+popcount against 4 ms for the 200k-pair pass).
    FEW_VALUES = 64
    # Up to this many events, or a quarter of all, counting each event's values beats
    # the pass over all pairs (measured at 100k: 3.4 against 5.0 ms at 12%, even at 25%).
    SMALL_RESULT = 256

    def __init__(self, name: str, event_values: list[tuple[str, ...]], n: int) -> None:
        self.name = name
        self.event_values = event_values
        lists = _lists_of(event_values)
        self.postings = _Postings(lists, n)
        self.pairs = sum(len(ix) for ix in lists.values())
        self._getter: Callable[[bytes], tuple[int, ...]] | None = None
        self._ranges: list[tuple[str, int, int]] = []
        self._order: dict[str, int] | None = None
        self._flat: list[int] = []
        if len(lists) > self.FEW_VALUES:
            flat = self._flat
            for value_id, indexes in lists.items():
                self._ranges.append((value_id, len(flat), len(flat) + len(indexes)))
                flat.extend(indexes)
            self._make_getter()

    def _make_getter(self) -> None:
        flat = self._flat
        # itemgetter(i, j, ...) on the flags gives every pair's hit in one C call.
        self._getter = itemgetter(*flat) if len(flat) > 1 else (lambda f: (f[flat[0]],))

    def state(self) -> tuple[Any, ...]:
        """What :meth:`restored` needs, as plain values for the cache."""
        return (
            self.name,
            self.event_values,
            self.postings.state(),
            self.pairs,
            self._flat,
            self._ranges,
        )

    @classmethod
    def restored(cls, state: Sequence[Any]) -> _Facet:
        """The facet index :meth:`state` describes, with nothing recounted."""
        facet = cls.__new__(cls)
        name, event_values, postings, pairs, flat, ranges = state
        facet.name = name
        facet.event_values = event_values
        facet.postings = _Postings.restored(postings)
        facet.pairs = pairs
        facet._getter = None
        facet._ranges = ranges
        facet._order = None
        facet._flat = flat
        if ranges:
            facet._make_getter()
        return facet

    def counts(self, base: int, everything: int) -> dict[str, int]:
        """Events in ``base`` per value (``everything`` is the bitset of all events)."""
        postings = self.postings
        if self._getter is None:
            # Few values: one AND and one popcount each (microseconds at 100k events).
            return {v: (base & postings.bits(v)).bit_count() for v in postings.counts}
        n = len(self.event_values)
        size = base.bit_count()
        if size == 0:
            return {}
        if self._is_small(n - size):
            # Nearly everything ("b" matches 98%): the totals less the few left out.
            left_out = self._count_events(everything & ~base)
            return {v: c - left_out.get(v, 0) for v, c in postings.counts.items()}
        if self._is_small(size):
            return self._count_events(base)
        hits = bytes(self._getter(_flags_from_bits(base, n)))
        return {value_id: hits.count(1, a, b) for value_id, a, b in self._ranges}

    def _is_small(self, size: int) -> bool:
        return size * 4 < len(self.event_values) or size < self.SMALL_RESULT

    def _count_events(self, bits: int) -> dict[str, int]:
        """Count the values of the events in ``bits`` one event at a time, in C."""
        n = len(self.event_values)
        chosen = list(compress(range(n), _flags_from_bits(bits, n)))
        if not chosen:
            return {}
        if len(chosen) == 1:
            return dict.fromkeys(self.event_values[chosen[0]], 1)
        return Counter(chain.from_iterable(itemgetter(*chosen)(self.event_values)))

    def order(self, label: Callable[[str], str]) -> dict[str, int]:
        """Each value's rank by folded label then id, for sorting by count then label."""
        if self._order is None:
            ids = sorted(self.postings.counts, key=lambda v: (fold(label(v)), v))
            self._order = {v: rank for rank, v in enumerate(ids)}
        return self._order


@dataclass(slots=True)
class _Plan:
    """A query resolved against the engine's indexes."""

    field_masks: dict[str, int]  # field -> OR of its positive terms' values
    negative_mask: int  # AND of the complements of the negated field terms
    text_key: tuple[tuple[bool, str], ...]  # (negated, folded text), sorted
    active: dict[str, set[str]]  # field -> ids its positive terms select
    excluded: dict[str, set[str]]  # field -> ids its negated terms select
