"""What the loading thread tells the app, as messages (posting from a thread is safe in
Textual and never blocks it, where ``call_from_thread`` waits for the app and, with the app
gone, waited forever).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from tui.app.loading import LoadedLog
    from tui.app.rows import EventLabels
    from tui.model.log import Collection
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
    ) -> None:
        super().__init__()
        self.collection = collection
        self.labels = labels
        self.problems = problems
        self.engine = engine
        self.loaded = loaded


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
