"""``watchline --since REV``: which events are new or changed since a commit, and each
event's own history (the commits that touched it). No Textual.

The marks compare the log at REV (read from git) with the log on screen, which is the
working copy: an edit not yet committed counts, and a reload marks again against the same
REV. The history comes from :func:`~tui.model.history.walk.walk_history` over every commit
up to HEAD, then the working copy's own edits against HEAD, if any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.model.history.diff import EntryChange, event_change
from tui.model.history.git import Commit
from tui.model.history.walk import Revision
from tui.model.log import Event

__all__ = [
    "CHANGED",
    "NEW",
    "SINCE_VALUES",
    "UNCHANGED",
    "HistoryEntry",
    "event_histories",
    "since_marks",
    "uncommitted_entry",
]

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
SINCE_VALUES: tuple[str, ...] = (NEW, CHANGED, UNCHANGED)


def since_marks(base: Mapping[str, Event], events: Iterable[Event]) -> dict[str, str]:
    """``NEW`` or ``CHANGED`` for each event of ``events`` that differs from ``base``
    (the log at REV, by id); the unchanged ones are left out. Moving an event in its file
    is not a change (its location is not compared)."""
    marks: dict[str, str] = {}
    for event in events:
        old = base.get(event.id)
        if old is None:
            marks[event.id] = NEW
        elif old != event and event_change(old, event) is not None:
            # (Equal events are equal with their location too: most are, and cheaply.)
            marks[event.id] = CHANGED
    return marks


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One commit's change to one event; ``commit`` is None for the working copy's edit."""

    commit: Commit | None
    change: EntryChange

    @property
    def what(self) -> str:
        """The change in a few words: "first seen", "removed", or the fields it changed."""
        change = self.change
        if change.action == "added":
            return "first seen"
        if change.action == "removed":
            return "removed"
        words = [f.field for f in change.fields]
        words += [f"rating {r.action} ({r.as_of})" for r in change.ratings]
        return ", ".join(words)

    def line(self) -> str:
        """``3d502c80 2021-02-10 Ana: title, pledge.due`` (one line, for the detail pane)."""
        if self.commit is None:
            return f"uncommitted: {self.what}"
        c = self.commit
        return f"{c.short} {c.date:%Y-%m-%d} {c.author}: {self.what}"


def event_histories(revisions: Iterable[Revision]) -> dict[str, list[HistoryEntry]]:
    """Each event's changes, oldest first, from a walk of the history (events by id)."""
    histories: dict[str, list[HistoryEntry]] = {}
    for revision in revisions:
        for change in revision.changes:
            if change.registry == "events":
                histories.setdefault(change.id, []).append(HistoryEntry(revision.commit, change))
    return histories


def uncommitted_entry(head: Mapping[str, Event], event: Event) -> HistoryEntry | None:
    """The working copy's change to ``event`` against HEAD (``head``: HEAD's events by id)."""
    change = event_change(head.get(event.id), event)
    return None if change is None else HistoryEntry(None, change)
