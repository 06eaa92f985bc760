"""What the loading threads tell the app, as messages: the first load, a live reload,
``--since``'s marks and history (posting from a thread is safe in Textual and never blocks
it, where ``call_from_thread`` waits for the app and, with the app gone, waited forever).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from textual.worker import Worker

    from tui.app.live import Snapshot
    from tui.app.loading import LoadedLog
    from tui.app.rows import EventLabels
    from tui.model.history.since import HistoryEntry
    from tui.model.log import Collection, Event
    from tui.model.query import QueryEngine


class LogLoaded(Message):
    """The log is read: its events (None when it could not be), problems and, when the
    engine is still being built, ``loaded`` to tell once the events are drawn."""

    def __init__(
        self,
        collection: Collection | None,
        labels: EventLabels | None,
        problems: list[str],
        engine: QueryEngine | None = None,
        loaded: LoadedLog | None = None,
        digests: dict[Path, str] | None = None,
    ) -> None:
        super().__init__()
        self.collection = collection
        self.labels = labels
        self.problems = problems
        self.engine = engine
        self.loaded = loaded
        # The files' hashes as the load read them (see LoadedLog.digests).
        self.digests = digests if digests is not None else loaded.digests if loaded else {}


class EngineReady(Message):
    """The query engine of ``collection`` is built."""

    def __init__(self, collection: Collection, engine: QueryEngine) -> None:
        super().__init__()
        self.collection = collection
        self.engine = engine


class LoadProgressed(Message):
    """How far the load has got, as the header shows it; only the latest one matters."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadProgressed)


class LogReloaded(Message):
    """A live reload has read the files again (the log, or its problems when it broke).

    ``worker`` is the reload's: a newer reload cancels it (one exclusive group), and a
    cancelled reload's result is not shown.
    """

    def __init__(self, snapshot: Snapshot, started: float, worker: Worker[None]) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.started = started
        self.worker = worker


class ReloadFailed(Message):
    """A live reload raised: the timeline stays as it was, and the app says why."""

    def __init__(self, error: Exception, worker: Worker[None]) -> None:
        super().__init__()
        self.error = error
        self.worker = worker


class SinceRead(Message):
    """What ``--since``'s thread has read (:class:`~tui.app.since.SinceTracker`); the app
    hands each to its tracker."""


class SinceMarked(SinceRead):
    """The log at REV is read: ``marks`` (new, changed) of ``collection``'s events."""

    def __init__(
        self, base: dict[str, Event], collection: Collection, marks: dict[str, str]
    ) -> None:
        super().__init__()
        self.base = base
        self.collection = collection
        self.marks = marks


class SinceHistoryRead(SinceRead):
    """Each event's commits are known, and its uncommitted version (``head``: the events at
    HEAD, None with ``--rev`` or when HEAD's log does not load)."""

    def __init__(
        self, histories: dict[str, list[HistoryEntry]], head: dict[str, Event] | None
    ) -> None:
        super().__init__()
        self.histories = histories
        self.head = head


class SinceFailed(SinceRead):
    """The log at REV, or the history, could not be read: ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
