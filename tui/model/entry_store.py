"""A log's registries read from the cache, each entry made into its object the first time it
is asked for: a log of 100k events cites tens of thousands of agencies, people, topics
and sources, and a warm start shows a few. The companion of :mod:`tui.model.event_store`
(the events); nothing here knows the encoding either: the cache passes the decoder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

__all__ = ["MergedEntries", "StoredEntries", "StoredObjects"]

_T = TypeVar("_T")


class _Entries(Mapping[str, tuple[_T, tuple[Any, ...]]]):
    """A registry as a file part holds it (id -> (entry, path of its entry)) whose entries
    are made when asked for; ``_keys`` holds its ids."""

    _keys: Mapping[str, int]

    @property
    def made(self) -> int:
        """How many entries have been made into objects so far."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def objects(self) -> StoredObjects[_T]:
        """The entries alone (id -> entry), as a collection holds its registries."""
        return StoredObjects(self)


class StoredEntries(_Entries[_T]):
    """A registry read from the cache: entry ``i`` (of id ``ids[i]``) is the line
    ``blob[ends[i - 1] + 1 : ends[i]]`` (the first starts at ``start``), made into its
    object by ``decode`` when first asked for (a log of 100k events cites tens of
    thousands of people and sources; a warm start shows a few). An entry's path is
    ``(*prefix, id)``."""

    def __init__(
        self,
        blob: bytes,
        start: int,
        ends: Sequence[int],
        ids: list[str],
        prefix: tuple[Any, ...],
        decode: Callable[[bytes], _T],
    ) -> None:
        if len(ends) != len(ids):
            raise ValueError("the stored entries do not fit their ids")
        self._blob = blob
        self._start = start
        self._ends = ends
        self._keys = dict(zip(ids, range(len(ids)), strict=True))
        self._prefix = prefix
        self._decode = decode
        self._made: dict[str, tuple[_T, tuple[Any, ...]]] = {}
        self._lock = threading.Lock()

    def row(self, key: str) -> bytes:
        """Entry ``key`` as stored: two files that store the same bytes define the same
        entry."""
        i = self._keys[key]
        return self._blob[self._ends[i - 1] + 1 if i else self._start : self._ends[i]]

    def __getitem__(self, key: str) -> tuple[_T, tuple[Any, ...]]:
        made = self._made.get(key)
        if made is None:
            with self._lock:  # one object per entry, whichever thread asks first
                made = self._made.get(key)
                if made is None:
                    made = self._made[key] = (self._decode(self.row(key)), (*self._prefix, key))
        return made

    @property
    def made(self) -> int:
        return len(self._made)


class MergedEntries(_Entries[_T]):
    """Several files' :class:`StoredEntries` of one registry as one: entry ``key`` is
    ``tables[owners[key]][key]``, made by the first file that defines it."""

    def __init__(self, tables: Sequence[StoredEntries[_T]], owners: dict[str, int]) -> None:
        self._tables = list(tables)
        self._keys = owners

    def __getitem__(self, key: str) -> tuple[_T, tuple[Any, ...]]:
        return self._tables[self._keys[key]][key]

    @property
    def made(self) -> int:
        return sum(table.made for table in self._tables)


class StoredObjects(Mapping[str, _T]):
    """:class:`StoredEntries` without the paths: id -> entry, made on first use."""

    def __init__(self, entries: _Entries[_T]) -> None:
        self._entries = entries

    def __getitem__(self, key: str) -> _T:
        return self._entries[key][0]

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def made(self) -> int:
        """How many entries have been made into objects so far."""
        return self._entries.made

    def __repr__(self) -> str:
        return repr(dict(self))  # as the dict it stands for (making every entry)
