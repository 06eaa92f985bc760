"""Several files' parts -> one :class:`~tui.model.log.Collection`: registries united,
event ids unique, every reference resolved."""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.model.entry_store import MergedEntries, StoredEntries
from tui.model.event_store import BuiltEvents, LazyEvents, MergedEvents, StoredPairs
from tui.model.format import (
    NOUNS,
)
from tui.model.load import cache
from tui.model.load.build import FilePart, TreePath
from tui.model.load.checks import did_you_mean, quote
from tui.model.log import (
    BUILTIN_KINDS,
    REGISTRY_NAMES,
    Collection,
    Event,
)
from tui.model.problems import Problem


def _differing_field(first: Any, second: Any) -> str:
    """ " (its 'name' differs)" for two registry entries with the same id."""
    for spec_field in dataclasses.fields(first):
        if getattr(first, spec_field.name) != getattr(second, spec_field.name):
            return f" (its {quote(spec_field.name.rstrip('_'))} differs)"
    return ""


def merge_parts(parts: list[FilePart], problems: list[Problem]) -> Collection:
    """Unite the parts' registries and events; record conflicts and unknown references."""
    registries: dict[str, dict[str, tuple[Any, FilePart, TreePath]]] = {
        name: {} for name in REGISTRY_NAMES
    }
    # Registries every file read from the cache holds unmade (StoredEntries) stay so.
    unmade: dict[str, StoredEntries[Any] | MergedEntries[Any]] = {}
    for name in REGISTRY_NAMES:
        stored = [part.registries.get(name) for part in parts]
        if all(isinstance(entries, StoredEntries) for entries in stored):
            unmade[name] = _merged_entries(name, parts, problems)
    for part in parts:
        for name, entries in part.registries.items():
            if name in unmade:
                continue
            merged = registries[name]
            for entry_id, (obj, path) in entries.items():
                first = merged.get(entry_id)
                if first is None:
                    merged[entry_id] = (obj, part, path)
                elif first[0] != obj:
                    problems.append(_defined_differently(name, entry_id, first, (obj, part, path)))
    collection_key = _collection_key(parts)
    lazy = _lazy_events(parts, collection_key)
    events: Sequence[Event] = []
    index: dict[str, int] = {}
    if lazy is not None:
        # Every part in timeline order with unique ids: the events stay unbuilt.
        events, index = lazy
    seen: dict[str, Event] = {}
    for part in parts if lazy is None else ():
        for event, path in part.events:
            first_event = seen.get(event.id)
            if first_event is not None:
                at = part.locator.locate((*path, "id"))
                problems.append(
                    Problem(
                        part.file,
                        *at,
                        f"duplicate event id {quote(event.id)} (first at {first_event.location})",
                    )
                )
                continue
            seen[event.id] = event
            typing.cast(list[Event], events).append(event)
    known: dict[str, Any] = {name: unmade.get(name, merged) for name, merged in registries.items()}
    broken = set().union(*(part.broken_event_ids for part in parts))
    event_ids: Any = index if lazy is not None else seen
    known["events"] = event_ids.keys() | broken if broken else event_ids
    kinds = set(BUILTIN_KINDS) | set(registries["kinds"])
    for part in parts:
        for registry, ref_id, path in part.refs:
            pool = kinds if registry == "kinds" else known[registry]
            if ref_id in pool:
                continue
            noun = NOUNS[registry]
            # Suggestions scan every id; skip them for huge registries (a 100k-event log).
            hint = did_you_mean(ref_id, pool) if len(pool) <= 5000 else ""
            where = "built-in kinds or 'kinds'" if registry == "kinds" else quote(registry)
            problems.append(
                Problem(
                    part.file,
                    *part.locator.locate(path),
                    f"unknown {noun} {quote(ref_id)}{hint} (not in {where})",
                )
            )
    titles = [part.title for part in parts if part.title]
    collection = Collection(
        title=titles[0] if titles else parts[0].file,
        description=next((p.description for p in parts if p.description), None),
        files=tuple(Path(part.file) for part in parts),
        # Lazy events come in timeline order and indexed; a list is sorted by Collection.
        events=events,
        index=index,
        cache_key=collection_key,
        **_registries(registries, unmade),
    )
    return collection


def _defined_differently(
    name: str,
    entry_id: str,
    first: tuple[Any, FilePart, TreePath],
    other: tuple[Any, FilePart, TreePath],
) -> Problem:
    """The problem of a registry entry two files define differently (at the second)."""
    line, col = first[1].locator.locate_key(first[2])
    obj, part, path = other
    return Problem(
        part.file,
        *part.locator.locate_key(path),
        f"{NOUNS[name]} {quote(entry_id)} is defined differently at "
        f"{first[1].file}:{line}:{col}{_differing_field(first[0], obj)}; give one of them "
        "another id (and change its references), or make the two the same",
    )


def _merged_entries(
    name: str, parts: list[FilePart], problems: list[Problem]
) -> StoredEntries[Any] | MergedEntries[Any]:
    """The parts' stored registry ``name`` as one, no entry made: files that define the
    same entry store the same row, and only rows that differ are made and compared."""
    tables = [typing.cast(StoredEntries[Any], part.registries[name]) for part in parts]
    if len(tables) == 1:
        return tables[0]
    owners: dict[str, int] = {}
    for number, entries in enumerate(tables):
        for entry_id in entries:
            first = owners.setdefault(entry_id, number)
            if first == number or tables[first].row(entry_id) == entries.row(entry_id):
                continue
            first_obj, first_path = tables[first][entry_id]
            obj, path = entries[entry_id]
            if first_obj != obj:
                problems.append(
                    _defined_differently(
                        name,
                        entry_id,
                        (first_obj, parts[first], first_path),
                        (obj, parts[number], path),
                    )
                )
    return MergedEntries(tables, owners)


def _collection_key(parts: list[FilePart]) -> str | None:
    """A name for the merged collection when every part came from (or went to) the cache:
    the parts' entry names in order, hashed. Things derived from the collection alone
    (the query engine's indexes) are cached under it."""
    keys = [part.cache_key for part in parts]
    if not keys or None in keys:
        return None
    return hashlib.blake2b(
        "\n".join(typing.cast(list[str], keys)).encode(), digest_size=32
    ).hexdigest()


def _lazy_events(
    parts: list[FilePart], collection_key: str | None
) -> tuple[LazyEvents, dict[str, int]] | None:
    """The parts' events as one :class:`LazyEvents` in timeline order, none built, with
    the index of their ids; None unless every part is in timeline order and no id is
    used twice (then the merge builds them all, to name the duplicates).

    Each part's events are stored ones (read from the cache) or, for a part built now,
    :class:`BuiltEvents`; a log of one built file stays the list it is. The order of
    several is kept in the cache under the collection's key, so a warm start does not
    sort a million keys again.
    """
    if len(parts) == 1 and not isinstance(parts[0].events, StoredPairs):
        return None
    if len(parts) > MAX_MERGED_PARTS:
        return None
    tables: list[LazyEvents] = []
    for part in parts:
        if not part.in_timeline_order and not isinstance(part.events, StoredPairs):
            part.put_in_timeline_order()  # unless two of its events share an id
        if not part.in_timeline_order:
            return None
        events = part.events
        tables.append(events.events if isinstance(events, StoredPairs) else BuiltEvents(events))
    merged: LazyEvents = tables[0]
    fresh = False  # a merged order worked out here, to store
    if len(tables) > 1:
        order = _cached_order(tables, collection_key) if collection_key else None
        fresh = order is None
        merged = MergedEvents(tables, *(MergedEvents.order(tables) if order is None else order))
    index = dict(zip(merged.ids, range(len(merged)), strict=True))
    if len(index) != len(merged):
        return None
    if fresh and collection_key and isinstance(merged, MergedEvents):
        part_of, index_in = merged.order_state()  # stored once the ids are known unique
        cache.write_signed(collection_key, part_of.tobytes() + index_in.tobytes(), ORDER)
    return merged, index


# MergedEvents numbers its parts in two bytes.
MAX_MERGED_PARTS = 0xFFFF
# The cache entry of a merged log's order (see _lazy_events): part numbers, then indexes.
ORDER = ".order"


def _cached_order(
    tables: list[LazyEvents], collection_key: str
) -> tuple[array[int], array[int]] | None:
    """The order stored under ``collection_key``, if it fits these tables."""
    payload = cache.read_signed(collection_key, ORDER)
    n = sum(len(table) for table in tables)
    part_of, index_in = array("H"), array("I")
    if payload is None or len(payload) != n * (part_of.itemsize + index_in.itemsize):
        return None
    part_of.frombytes(payload[: n * part_of.itemsize])
    index_in.frombytes(payload[n * part_of.itemsize :])
    # The entry is signed and named by the parts' own keys, so it can only be wrong by a
    # bug: a cheap check (each part's count, no index past the longest part) is enough.
    counts = [part_of.count(p) for p in range(len(tables))]
    longest = max(len(table) for table in tables)
    if counts != [len(table) for table in tables] or (index_in and max(index_in) >= longest):
        return None
    return part_of, index_in


def _registries(
    merged: dict[str, dict[str, tuple[Any, FilePart, TreePath]]],
    unmade: dict[str, StoredEntries[Any] | MergedEntries[Any]],
) -> dict[str, Any]:
    """The collection's registries: id -> entry, the stored ones still unmade."""
    return {
        name: unmade[name].objects() if name in unmade else {k: v[0] for k, v in entries.items()}
        for name, entries in merged.items()
    }
