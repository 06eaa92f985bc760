"""What a reload notice says: events added, changed and removed between two loads."""

from __future__ import annotations

from pathlib import Path

from tui.model.changes import ChangeSummary, diff_collections
from tui.model.load import load_paths
from tui.model.log import Collection

HEAD = """\
watchline: 1
title: Changes
sources:
  s1: {title: A source}
events:
"""


def event(event_id: str, title: str, date: str = "2017-05-09") -> str:
    return f"  - id: {event_id}\n    date: {date}\n    kind: other\n    title: {title}\n    sources: [s1]\n"


def load(tmp_path: Path, text: str, name: str = "log.yaml") -> Collection:
    path = tmp_path / name
    path.write_text(text)
    result = load_paths([path])
    assert result.collection is not None, [str(p) for p in result.problems]
    return result.collection


def test_the_same_log_loaded_twice_is_no_change(tmp_path: Path) -> None:
    text = HEAD + event("a", "First") + event("b", "Second")
    summary = diff_collections(load(tmp_path, text), load(tmp_path, text, "again.yaml"))
    assert not summary
    assert summary.describe() == "no change"


def test_added_changed_and_removed_events_are_counted_by_id(tmp_path: Path) -> None:
    old = load(tmp_path, HEAD + event("a", "First") + event("b", "Second") + event("c", "Third"))
    new = load(
        tmp_path,
        HEAD
        + event("a", "First, corrected")
        + event("c", "Third")
        + event("d", "Fourth")
        + event("e", "Fifth"),
        "new.yaml",
    )
    summary = diff_collections(old, new)
    assert summary.added == ("d", "e")
    assert summary.changed == ("a",)
    assert summary.removed == ("b",)
    assert summary.describe() == "+2 events, 1 changed, 1 removed"


def test_an_event_that_only_moved_in_the_file_has_not_changed(tmp_path: Path) -> None:
    # A line added above an event shifts its location; that is not a change to it.
    old = load(tmp_path, HEAD + event("a", "First") + event("b", "Second"))
    new = load(tmp_path, HEAD + event("b", "Second") + "\n\n" + event("a", "First"), "new.yaml")
    assert old.event("a").location != new.event("a").location  # type: ignore[union-attr]
    assert diff_collections(old, new).describe() == "no change"


def test_one_change_alone_names_the_events() -> None:
    assert ChangeSummary(added=("x",)).describe() == "+1 event"
    assert ChangeSummary(changed=("x",)).describe() == "1 event changed"
    assert ChangeSummary(removed=("x", "y")).describe() == "2 events removed"
    assert ChangeSummary(changed=("x",), removed=("y",)).describe() == "1 event changed, 1 removed"


def test_registry_changes_are_told_only_when_no_event_changed(tmp_path: Path) -> None:
    old = load(tmp_path, HEAD + event("a", "First"))
    more_sources = HEAD.replace(
        "  s1: {title: A source}\n", "  s1: {title: A source}\n  s2: {title: B}\n"
    )
    new = load(tmp_path, more_sources + event("a", "First"), "new.yaml")
    summary = diff_collections(old, new)
    assert summary and not summary.events_changed
    assert summary.describe() == "1 source changed"
    renamed = load(
        tmp_path,
        more_sources.replace("title: Changes", "title: Renamed") + event("b", "B"),
        "r.yaml",
    )
    assert diff_collections(old, renamed).describe() == "+1 event, 1 removed"
    assert diff_collections(old, renamed).title_changed
