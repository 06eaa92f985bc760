"""Opening logs for the app, in a thread that can start before Textual is imported.

Nothing here imports Textual: ``watchline`` starts reading and indexing the log while the
interpreter is still importing the toolkit and drawing the first frame, so the timeline
appears sooner (the YAML parser and the engine's indexes run alongside, not after).
"""

from __future__ import annotations

import datetime
import gc
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model.log import Collection
    from tui.model.query import QueryEngine


@dataclass(slots=True)
class LoadedLog:
    """What the app needs once the files are read: the events, any problems, the engine."""

    collection: Collection | None
    problems: list[str]
    engine: QueryEngine | None


class LoadProgress:
    """How far the load under way has got, written by the loading thread, read by the app.

    One per process (a served session is a process of its own). Plain attributes: a
    reader may see a value one update old, never a torn one.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start over: a new load begins."""
        self.done = 0
        self.total = 0
        self.stage = "reading"

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def describe(self, width: int = 20) -> str:
        """A text bar for the header: "reading the log ████████░░░░░░░░░░░░  42%"."""
        if self.stage != "reading":
            return f"{self.stage} the events…"
        share = min(1.0, self.done / self.total) if self.total else 0.0
        filled = int(share * width)
        return f"reading the log {'█' * filled}{'░' * (width - filled)} {share:4.0%}"


LOAD_PROGRESS = LoadProgress()


def load_log(paths: Sequence[Path], as_of: datetime.date) -> LoadedLog:
    """Read ``paths`` (the bundled log when empty) and index them for queries."""
    # Imported here, in the loading thread, while the main thread imports Textual.
    from tui.model.bundled import bundled_log
    from tui.model.fastload import paused_gc
    from tui.model.loader import load_paths
    from tui.model.query import QueryEngine

    LOAD_PROGRESS.reset()
    # Loading and indexing make millions of objects and no garbage cycles; a collection
    # pass would walk them all again and again (it halves a 100k-event load's time).
    with paused_gc():
        result = load_paths(list(paths) or [bundled_log()], LOAD_PROGRESS)
        problems = [str(problem) for problem in result.problems]
        collection = result.collection
        LOAD_PROGRESS.stage = "indexing"
        engine = QueryEngine(collection, as_of) if collection is not None else None
    # The log and its indexes live as long as the app: keep the collector from walking
    # them on every full pass (at 100k events a pass took hundreds of milliseconds and
    # landed on random keystrokes). They are freed by reference counting when replaced.
    gc.freeze()
    return LoadedLog(collection, problems, engine)


def start_loading(paths: Sequence[Path], as_of: datetime.date) -> Future[LoadedLog]:
    """:func:`load_log` in a daemon thread; the future holds its result or its exception."""
    future: Future[LoadedLog] = Future()
    # The fast YAML parser must be first imported on the main thread (see
    # tui.model.fastload): importing it in this short-lived thread would crash a later
    # reload in another one.
    import yaml_rs  # noqa: F401

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(load_log(paths, as_of))
        except BaseException as error:  # handed to the app's worker, which reports it
            future.set_exception(error)

    threading.Thread(target=run, name="watchline-load", daemon=True).start()
    return future
