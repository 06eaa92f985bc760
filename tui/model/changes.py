"""What changed between two loads of a log, in the words a notice uses: "+2 events, 1 changed".

When a log is reloaded (someone saved it, ran ``git pull``, rated a pledge), the TUI says
briefly what is different. Events are matched by id; an event that only moved in the
file (a line added above it) has not changed. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from tui.model.log import REGISTRIES, REGISTRY_NAMES, Collection, Event

__all__ = ["ChangeSummary", "diff_collections"]

# Every Event field but its place in the file: moving is not changing.
_EVENT_FIELDS = tuple(f.name for f in fields(Event) if f.name != "location")


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """Event ids added, changed and removed (each in the new or old timeline order).

    ``registries`` counts the other entries (agencies, people, topics, sources, kinds)
    that were added, changed or removed, by registry name; ``title_changed`` says whether
    the log's title or description changed.
    """

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    registries: tuple[tuple[str, int], ...] = ()
    title_changed: bool = False

    @property
    def events_changed(self) -> bool:
        """Whether any event was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)

    def __bool__(self) -> bool:
        return self.events_changed or bool(self.registries) or self.title_changed

    def describe(self) -> str:
        """The notice: "+2 events, 1 changed, 1 removed"; "no change" when nothing differs.

        Registry entries are mentioned ("1 source changed") only when no event changed,
        so the usual notice stays one short phrase.
        """
        parts: list[str] = []
        if self.added:
            parts.append(f"+{_count(len(self.added), 'event', 'events')}")
        if self.changed:
            noun = "" if parts else (" event" if len(self.changed) == 1 else " events")
            parts.append(f"{len(self.changed)}{noun} changed")
        if self.removed:
            noun = "" if parts else (" event" if len(self.removed) == 1 else " events")
            parts.append(f"{len(self.removed)}{noun} removed")
        if not parts:
            for registry in REGISTRIES:
                count = dict(self.registries).get(registry.name)
                if count:
                    parts.append(f"{_count(count, registry.noun, registry.name)} changed")
            if self.title_changed:
                parts.append("the title changed")
        return ", ".join(parts) if parts else "no change"


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def _event_key(event: Event) -> tuple[Any, ...]:
    return tuple(getattr(event, name) for name in _EVENT_FIELDS)


def _registry_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> int:
    """How many entries were added, removed or changed between two registries."""
    count = len(old.keys() ^ new.keys())
    count += sum(1 for key in old.keys() & new.keys() if old[key] != new[key])
    return count


def diff_collections(old: Collection, new: Collection) -> ChangeSummary:
    """What differs between ``old`` and ``new``: events by id, registries by entry."""
    old_events = {event.id: event for event in old.events}
    new_ids = {event.id for event in new.events}
    added = tuple(event.id for event in new.events if event.id not in old_events)
    removed = tuple(event.id for event in old.events if event.id not in new_ids)
    changed = tuple(
        event.id
        for event in new.events
        if event.id in old_events and _event_key(event) != _event_key(old_events[event.id])
    )
    registries = tuple(
        (name, count)
        for name in REGISTRY_NAMES
        if (count := _registry_changes(getattr(old, name), getattr(new, name)))
    )
    title_changed = (old.title, old.description) != (new.title, new.description)
    return ChangeSummary(added, changed, removed, registries, title_changed)
