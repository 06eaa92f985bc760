"""Several files' parts -> one :class:`~tui.model.log.Collection`: registries united,
event ids unique, every reference resolved."""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tui.model.event_store import StoredEntries, StoredEvents, StoredPairs
from tui.model.format import (
    NOUNS,
)
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
    # One file read from the cache: its large registries stay unmade (StoredEntries).
    unmade: dict[str, StoredEntries[Any]] = {
        name: entries
        for name, entries in (parts[0].registries.items() if len(parts) == 1 else ())
        if isinstance(entries, StoredEntries)
    }
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
                    line, col = first[1].locator.locate_key(first[2])
                    where = f"{first[1].file}:{line}:{col}"
                    at = part.locator.locate_key(path)
                    problems.append(
                        Problem(
                            part.file,
                            *at,
                            f"{NOUNS[name]} {quote(entry_id)} is defined differently at "
                            f"{where}{_differing_field(first[0], obj)}; give one of them "
                            "another id (and change its references), or make the two the same",
                        )
                    )
    stored = _stored_events(parts)
    events: Sequence[Event] = []
    seen: dict[str, Event] = {}
    if stored is not None:
        # One cached file with unique ids: its events stay unbuilt (StoredEvents).
        events, event_ids = stored
    for part in parts if stored is None else ():
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
    if stored is None:
        event_ids = set(seen)
    known["events"] = event_ids.union(*(part.broken_event_ids for part in parts))
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
    # One file whose events are already in timeline order (a cached part): no sort.
    ordered = len(parts) == 1 and parts[0].in_timeline_order
    collection = Collection(
        title=titles[0] if titles else parts[0].file,
        description=next((p.description for p in parts if p.description), None),
        files=tuple(Path(part.file) for part in parts),
        events=events,  # put in timeline order, and indexed, by Collection itself
        index=_index(events) if ordered else {},
        cache_key=_collection_key(parts),
        **_registries(registries, unmade),
    )
    return collection


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


def _stored_events(parts: list[FilePart]) -> tuple[StoredEvents, set[str]] | None:
    """The stored events of a log of one cached file whose ids are unique, with the set of
    those ids; else None."""
    if len(parts) != 1 or not isinstance(parts[0].events, StoredPairs):
        return None
    stored = parts[0].events.events
    ids = set(stored.ids)
    return (stored, ids) if len(ids) == len(stored.ids) else None


def _index(events: Sequence[Event]) -> dict[str, int]:
    """Event id -> position, without building stored events."""
    ids = events.ids if isinstance(events, StoredEvents) else [event.id for event in events]
    return {event_id: i for i, event_id in enumerate(ids)}


def _registries(
    merged: dict[str, dict[str, tuple[Any, FilePart, TreePath]]],
    unmade: dict[str, StoredEntries[Any]],
) -> dict[str, Any]:
    """The collection's registries: id -> entry, the stored ones still unmade."""
    return {
        name: unmade[name].objects() if name in unmade else {k: v[0] for k, v in entries.items()}
        for name, entries in merged.items()
    }
