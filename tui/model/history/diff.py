"""What one revision of a log changed, field by field: the corrections trail.

Events are matched by id. An edit lists each field that differs with its old and new
value in words (dates as written, lists joined, long text shortened); a pledge's ratings
are reported as ratings added, changed or removed (by their as-of date), not as one long
field. Registry entries (agencies, people, topics, sources, kinds) are compared the same
way. Moving an event in its file is not a change. Nothing here imports Textual.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tui.model.log import REGISTRY_NAMES, Collection, Event, Rating

__all__ = [
    "EntryChange",
    "FieldChange",
    "RatingChange",
    "diff_entries",
    "diff_events",
    "diff_registries",
    "shorten",
    "show_value",
]

# A value longer than this is shortened in the trail ("…" in the middle of nothing: the end).
SHORT = 80


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an event or entry: its name (``pledge.due``) and both values in words."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RatingChange:
    """A pledge's rating, by its as-of date: ``added``, ``changed`` or ``removed``."""

    action: str
    as_of: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class EntryChange:
    """An event or registry entry ``added``, ``removed`` or ``edited`` by one commit.

    ``registry`` is ``events`` or a registry's name; ``title`` is what a reader knows the
    entry by (an event's title, an agency's name), as the newer version has it.
    """

    registry: str
    action: str
    id: str
    title: str
    fields: tuple[FieldChange, ...] = ()
    ratings: tuple[RatingChange, ...] = ()


def shorten(text: str, limit: int = SHORT) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def show_value(value: Any) -> str:
    """A field's value in words, for the trail: ``—`` when absent."""
    if value is None or value == () or value == {}:
        return "—"
    text_attr = getattr(value, "text", None)
    if isinstance(text_attr, str) and hasattr(value, "lower"):  # an EDTFDate
        return text_attr
    if isinstance(value, str):
        return shorten(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict):
        return shorten(", ".join(f"{k}: {show_value(v)}" for k, v in value.items()))
    if isinstance(value, tuple | list):
        return shorten(", ".join(show_value(item) for item in value))
    if dataclasses.is_dataclass(value):
        parts = [
            f"{f.name.rstrip('_')}: {show_value(getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if getattr(value, f.name) not in (None, (), {})
        ]
        return shorten("{" + ", ".join(parts) + "}")
    return shorten(str(value))


def _rating_key(rating: Rating) -> str:
    return rating.as_of.text


def _rating_words(rating: Rating) -> str:
    words = rating.status
    if rating.evidence:
        words += f" (evidence: {', '.join(rating.evidence)})"
    if rating.note:
        words += f": {rating.note}"
    return shorten(words)


def _diff_ratings(old: Iterable[Rating], new: Iterable[Rating]) -> tuple[RatingChange, ...]:
    before = {_rating_key(r): r for r in old}
    after = {_rating_key(r): r for r in new}
    changes: list[RatingChange] = []
    for key, rating in after.items():
        if key not in before:
            changes.append(RatingChange("added", key, "—", _rating_words(rating)))
        elif before[key] != rating:
            changes.append(
                RatingChange("changed", key, _rating_words(before[key]), _rating_words(rating))
            )
    changes.extend(
        RatingChange("removed", key, _rating_words(rating), "—")
        for key, rating in before.items()
        if key not in after
    )
    return tuple(changes)


def _diff_fields(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    """The fields of two dataclass instances that differ (``location`` is not a field here)."""
    changes: list[FieldChange] = []
    for spec in dataclasses.fields(old):
        name = spec.name
        if name in ("location", "ratings") or name.startswith("_"):
            continue
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        label = prefix + name.rstrip("_")
        if (
            before is not None
            and after is not None
            and dataclasses.is_dataclass(before)
            and type(before) is type(after)
            and name in ("pledge", "grant", "rollout")
        ):
            changes.extend(_diff_fields(before, after, label + "."))
        else:
            changes.append(FieldChange(label, show_value(before), show_value(after)))
    return changes


def event_change(old: Event | None, new: Event | None) -> EntryChange | None:
    """The change from ``old`` to ``new`` (either may be None), or None when equal."""
    if old is None and new is None:
        return None
    if old is None:
        assert new is not None
        return EntryChange("events", "added", new.id, shorten(new.title))
    if new is None:
        return EntryChange("events", "removed", old.id, shorten(old.title))
    fields = _diff_fields(old, new)
    ratings: tuple[RatingChange, ...] = ()
    if old.pledge is not None or new.pledge is not None:
        ratings = _diff_ratings(
            old.pledge.ratings if old.pledge else (), new.pledge.ratings if new.pledge else ()
        )
    if not fields and not ratings:
        return None
    return EntryChange("events", "edited", new.id, shorten(new.title), tuple(fields), ratings)


def diff_events(
    old: Mapping[str, Event], new: Mapping[str, Event], ids: Iterable[str] | None = None
) -> list[EntryChange]:
    """Changes to the events ``ids`` (default: every id in either), in ``new``'s order
    with the removed ones last."""
    wanted = (
        list(dict.fromkeys(ids)) if ids is not None else [*new, *(k for k in old if k not in new)]
    )
    wanted.sort(key=lambda event_id: event_id not in new)
    changes = [event_change(old.get(event_id), new.get(event_id)) for event_id in wanted]
    return [change for change in changes if change is not None]


def _entry_title(entry: Any) -> str:
    for attr in ("name", "label", "title"):
        value = getattr(entry, attr, None)
        if isinstance(value, str):
            return shorten(value)
    return str(getattr(entry, "id", ""))


def diff_entries(
    registry: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[EntryChange]:
    """Entries of one registry added, removed or edited between two versions."""
    changes: list[EntryChange] = []
    for entry_id, entry in new.items():
        before = old.get(entry_id)
        if before is None:
            changes.append(EntryChange(registry, "added", entry_id, _entry_title(entry)))
        elif before != entry:
            fields = tuple(_diff_fields(before, entry))
            changes.append(EntryChange(registry, "edited", entry_id, _entry_title(entry), fields))
    changes.extend(
        EntryChange(registry, "removed", entry_id, _entry_title(entry))
        for entry_id, entry in old.items()
        if entry_id not in new
    )
    return changes


def diff_registries(old: Collection, new: Collection) -> list[EntryChange]:
    """Every registry entry that differs (the built-in kinds never do)."""
    changes: list[EntryChange] = []
    for name in REGISTRY_NAMES:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.extend(diff_entries(name, before, after))
    return changes
