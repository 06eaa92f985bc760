"""What the importer tests check of every log an importer writes: it loads with no problems."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from tui.model.load import load_paths
from tui.model.log import REGISTRY_NAMES, Collection, Event


def load_imported(path: Path) -> Collection:
    """Load the log an importer wrote at ``path``; fail the test on any problem."""
    result = load_paths([path])
    assert [str(p) for p in result.problems] == []
    assert result.collection is not None
    return result.collection


def assert_same_log(before: Collection, after: Collection) -> None:
    """Two collections hold the same log, field by field: title, description, every
    registry entry and every field of every event (where each stands in its file aside)."""
    assert (after.title, after.description) == (before.title, before.description)
    for name in REGISTRY_NAMES:
        assert getattr(after, name) == getattr(before, name), name
    assert [e.id for e in after.events] == [e.id for e in before.events]
    for old, new in zip(before.events, after.events, strict=True):
        for spec in fields(Event):
            if spec.name != "location":
                assert getattr(new, spec.name) == getattr(old, spec.name), (old.id, spec.name)
