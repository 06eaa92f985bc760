"""``watchline --since REV`` in the app: marks, the "changed since" facet and each event's
history, worked out in a thread after the first frame so the timeline never waits for git.

:class:`SinceTracker` reads the log at REV from git, marks the events on screen that are
new or changed against it (again after every reload: the screen follows the working copy,
REV stays put), then walks the history up to HEAD (or ``--rev``) for each event's commits.
The thread posts what it has read to the app (:class:`~tui.app.load_messages.SinceRead`),
which hands it back to the tracker on the app's thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.app.load_messages import SinceFailed, SinceHistoryRead, SinceMarked, SinceRead
from tui.model.history.since import (
    NEW,
    HistoryEntry,
    event_histories,
    since_marks,
    uncommitted_entry,
)
from tui.model.log import Collection, Event
from tui.model.text import one_line

if TYPE_CHECKING:
    from textual.app import App

    from tui.app.widgets.timeline import Timeline
    from tui.model.history.loading import LogRevision
    from tui.model.query import QueryEngine

__all__ = ["MARK_GLYPHS", "SinceTracker"]

# The timeline's mark for each state, readable without colour.
MARK_GLYPHS = {NEW: "+", "changed": "~"}


class SinceTracker:
    """What ``--since REV`` adds to the app; ``on_marks`` is called (on the app's thread,
    from :meth:`heard`) when the marks are known, ``on_history`` when the histories are."""

    def __init__(
        self,
        app: App[Any],
        base: LogRevision,
        until: LogRevision | None,
        *,
        on_marks: Callable[[], None],
        on_history: Callable[[], None],
    ) -> None:
        self.app = app
        self.base = base
        self.until = until  # --rev: the history stops there, and there is no working copy
        self.on_marks = on_marks
        self.on_history = on_history
        self.base_events: dict[str, Event] | None = None
        self.marks: dict[str, str] | None = None
        self.marked: Collection | None = None  # the collection ``marks`` are of
        self.histories: dict[str, list[HistoryEntry]] | None = None
        self.head_events: dict[str, Event] | None = None
        self.error: str | None = None
        self.seconds: dict[str, float] = {}  # how long each step took (benchmarks)
        self._started = False

    @property
    def label(self) -> str:
        return self.base.label

    def start(self, collection: Collection) -> None:
        """Read the log at REV and the history, in a thread (once)."""
        if self._started:
            return
        self._started = True
        self.app.run_worker(
            lambda: self._work(collection), name="since", group="since", thread=True,
            exit_on_error=False,
        )  # fmt: skip

    def _work(self, collection: Collection) -> None:
        from tui.model.history.git import GitError
        from tui.model.history.loading import load_revision, load_versions
        from tui.model.history.walk import walk_history

        started = time.perf_counter()
        try:
            result = load_revision(self.base)
        except (GitError, OSError) as error:
            self.app.post_message(SinceFailed(f"cannot read the log at {self.label}: {error}"))
            return
        if result.collection is None:
            count = len(result.problems)
            self.app.post_message(
                SinceFailed(
                    f"the log at {self.label} has {count} problem{'s' if count != 1 else ''} "
                    f"(the first: {result.problems[0] if result.problems else 'none given'}); "
                    "nothing is marked"
                )
            )
        else:
            base = {event.id: event for event in result.collection.events}
            marks = since_marks(base, collection.events)
            self.seconds["marks"] = time.perf_counter() - started
            self.app.post_message(SinceMarked(base, collection, marks))
        started = time.perf_counter()
        repo = self.base.repo
        try:
            head = self.until.commit if self.until is not None else repo.head()
            if head is None:
                return
            revisions = walk_history(repo, self.base.paths, None, head)
            histories = event_histories(revisions)
            head_events: dict[str, Event] | None = None
            if self.until is None:
                files = repo.files_at(head, self.base.paths)
                data = repo.read_blobs([f.blob for f in files])
                loaded = load_versions([(f"{head.short}:{f.path}", data[f.blob]) for f in files])
                if loaded.collection is not None:
                    head_events = {e.id: e for e in loaded.collection.events}
        except (GitError, OSError) as error:
            self.app.post_message(SinceFailed(f"cannot read the history: {error}"))
            return
        self.seconds["history"] = time.perf_counter() - started
        self.app.post_message(SinceHistoryRead(histories, head_events))

    def heard(self, message: SinceRead) -> None:
        """What the thread read, on the app's thread: keep it, and tell the app."""
        if isinstance(message, SinceMarked):
            self.base_events = message.base
            marks, collection = message.marks, message.collection
            current: Collection | None = getattr(self.app, "collection", None)
            if current is not None and current is not collection:
                # Reloaded meanwhile: mark the log on screen.
                marks, collection = since_marks(message.base, current.events), current
            self.marks, self.marked = marks, collection
            self.on_marks()
        elif isinstance(message, SinceHistoryRead):
            self.histories, self.head_events = message.histories, message.head
            self.on_history()
        elif isinstance(message, SinceFailed):
            self.error = one_line(message.reason)
            self.app.notify(f"--since: {self.error}", severity="warning")
            self.on_history()

    # -- what the app asks -----------------------------------------------------------------

    def apply_marks(
        self,
        collection: Collection,
        *,
        engine: QueryEngine | None = None,
        timeline: Timeline | None = None,
    ) -> None:
        """Once the marks are known: give them to ``engine`` (its since: facet) when it is
        ``collection``'s, and draw them on ``timeline``."""
        marks = self.marks_of(collection)
        if marks is None:
            return
        if engine is not None and engine.collection is collection:
            engine.set_since(marks)
        if timeline is not None:
            index = collection.index
            timeline.set_marks(
                {index[i]: MARK_GLYPHS[mark] for i, mark in marks.items() if i in index}
            )

    def show_history(self, event: Event) -> None:
        """The whole history of ``event`` (``h``), or a word on why it is not there yet."""
        entries = self.entries(event)
        if entries is None:
            self.app.notify(self.error or "The history is still being read from git.")
            return
        from tui.app.screens.history import EventHistoryScreen

        self.app.push_screen(EventHistoryScreen(event, entries, self.label))

    def marks_of(self, collection: Collection) -> dict[str, str] | None:
        """The marks of ``collection`` (a reload's: marked against the same REV); None
        while the log at REV is being read."""
        if self.base_events is None:
            return None
        if self.marked is not collection:
            self.marks = since_marks(self.base_events, collection.events)
            self.marked = collection
        return self.marks

    def mark_of(self, event_id: str) -> str | None:
        """``new``, ``changed``, or None (unchanged, or not known yet)."""
        return None if self.marks is None else self.marks.get(event_id)

    def entries(self, event: Event) -> list[HistoryEntry] | None:
        """The commits that touched ``event``, oldest first, then its uncommitted edit;
        None while the history is being read."""
        if self.histories is None:
            return None
        entries = list(self.histories.get(event.id, ()))
        if self.head_events is not None:
            uncommitted = uncommitted_entry(self.head_events, event)
            if uncommitted is not None:
                entries.append(uncommitted)
        return entries
