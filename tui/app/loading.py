"""Opening logs for the app, in a thread that can start before Textual is imported.

Nothing here imports Textual: ``watchline`` starts reading and indexing the log while the
interpreter is still importing the toolkit and drawing the first frame, so the timeline
appears sooner (the YAML parser and the engine's indexes run alongside, not after).
"""

from __future__ import annotations

import datetime
import gc
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.model.history.loading import LogRevision
    from tui.model.log import Collection
    from tui.model.query import QueryEngine


@dataclass(slots=True)
class LoadedLog:
    """What the app needs once the files are read: the events, any problems, the engine.

    ``engine`` is None while the query engine is still being built after the events were
    handed over (:func:`start_loading`): ``engine_future`` then resolves to it. The
    timeline can be drawn from the collection alone, so it need not wait for the indexes.
    """

    collection: Collection | None
    problems: list[str]
    engine: QueryEngine | None
    engine_future: Future[QueryEngine] | None = None
    # Each file read -> the SHA-256 of the bytes read (what a write checks against).
    digests: dict[Path, str] = field(default_factory=dict)
    # Set once the events are on screen (or the engine is waited for): indexing holds the
    # GIL for seconds, and started at once it would halve the speed of the first frame.
    drawn: threading.Event = field(default_factory=threading.Event)

    def wait_for_engine(
        self, as_of: datetime.date, *, after_drawn: bool = False
    ) -> QueryEngine | None:
        """The query engine: the one given, the one being built, or one built here.

        ``after_drawn``: the app is drawing the events and will set :attr:`drawn`;
        otherwise nothing is drawn first and the indexes are built at once.
        """
        if self.engine is None and self.collection is not None:
            if after_drawn:
                self.drawn.wait(DRAW_WAIT)
            else:
                self.drawn.set()
            if self.engine_future is not None:
                self.engine = self.engine_future.result()
            else:
                self.engine = index_log(self.collection, as_of)
        return self.engine


class LoadProgress:
    """How far the load under way has got, written by the loading thread.

    One per process (a served session is a process of its own). The app listens
    (:attr:`listener`, called in the loading thread): it is told when the header's text
    would change (each whole percent, each of the bar's 20 cells, a new stage: about 120
    times a load), and posts a message for each; nothing polls.
    """

    def __init__(self) -> None:
        self.listener: Callable[[str], object] | None = None
        self.reset()

    def reset(self) -> None:
        """Start over: a new load begins."""
        self.done = 0
        self.total = 0
        self.events = 0
        self._stage = "reading"
        self._told = ""

    @property
    def stage(self) -> str:
        return self._stage

    @stage.setter
    def stage(self, value: str) -> None:
        self._stage = value
        self._tell()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._tell()

    def count_events(self, events: int) -> None:
        """The events read so far (told as each file is done)."""
        self.events = events
        self._tell()

    def _tell(self) -> None:
        listener = self.listener
        if listener is None:
            return
        text = self.describe()
        if text != self._told:  # the bar moved (a whole percent) or the stage changed
            self._told = text
            listener(text)

    def describe(self, width: int = 20) -> str:
        """A text bar for the header: "reading the log ████████░░░░░░░░░░░░  42%", and
        once a file is done the events read so far in its place (a million still fits an
        80-column header): "300,000 events read ████████░░░░░░░░░░░░  42%"."""
        if self._stage != "reading":
            return f"{self._stage} the events…"
        share = min(1.0, self.done / self.total) if self.total else 0.0
        filled = int(share * width)
        what = "reading the log"
        if self.events:
            what = f"{self.events:,} event{'s' if self.events != 1 else ''} read"
        return f"{what} {'█' * filled}{'░' * (width - filled)} {share:4.0%}"


LOAD_PROGRESS = LoadProgress()

# The longest the indexes wait for the app to draw the events (see LoadedLog.drawn).
DRAW_WAIT = 5.0


def read_log(paths: Sequence[Path], revision: LogRevision | None = None) -> LoadedLog:
    """Read ``paths`` (the bundled log when empty), without building the query engine.

    With ``revision`` the files are read from git's objects as that commit has them.
    """
    # Imported here, in the loading thread, while the main thread imports Textual.
    from tui.model.bundled import bundled_log
    from tui.model.load import load_paths
    from tui.model.load.fast import paused_gc

    LOAD_PROGRESS.reset()
    # Loading makes millions of objects and no garbage cycles; a collection pass would
    # walk them all again and again (it halves a 100k-event load's time).
    with paused_gc():
        if revision is not None:
            from tui.model.history.loading import load_revision

            result = load_revision(revision)
        else:
            result = load_paths(
                list(paths) or [bundled_log()], LOAD_PROGRESS, LOAD_PROGRESS.count_events
            )
        # The log lives as long as the app: keep the collector from walking it on every
        # full pass (at 100k events a pass took hundreds of milliseconds and landed on
        # random keystrokes). It is freed by reference counting when replaced. Frozen
        # before the collector is switched back on: after, the first allocation would
        # start a full pass over the millions of new objects (1.5 s at 100k).
        gc.freeze()
    problems = [str(problem) for problem in result.problems]
    return LoadedLog(result.collection, problems, None, digests=result.digests)


def index_log(collection: Collection, as_of: datetime.date) -> QueryEngine:
    """Build the query engine's indexes for ``collection`` (seconds on 100k events)."""
    from tui.model.load.fast import paused_gc
    from tui.model.query import QueryEngine

    LOAD_PROGRESS.stage = "indexing"
    with paused_gc():
        engine = QueryEngine.cached(collection, as_of)  # cached with the log
        gc.freeze()  # as in read_log (and before the collector is back on)
    return engine


def load_log(
    paths: Sequence[Path], as_of: datetime.date, revision: LogRevision | None = None
) -> LoadedLog:
    """Read ``paths`` (the bundled log when empty) and index them for queries."""
    loaded = read_log(paths, revision)
    loaded.wait_for_engine(as_of)
    return loaded


def start_loading(
    paths: Sequence[Path], as_of: datetime.date, revision: LogRevision | None = None
) -> Future[LoadedLog]:
    """:func:`read_log` in a daemon thread, then :func:`index_log` in the same thread.

    The future resolves as soon as the events are read, with ``engine_future`` set: the
    app draws the timeline while the indexes are built.
    """
    future: Future[LoadedLog] = Future()
    # The fast YAML parser must be first imported on the main thread (see
    # tui.model.load.fast): importing it in this short-lived thread would crash a later
    # reload in another one.
    import yaml_rs  # noqa: F401

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        engine: Future[QueryEngine] = Future()
        engine.set_running_or_notify_cancel()
        try:
            loaded = read_log(paths, revision)
        except BaseException as error:  # handed to the app's worker, which reports it
            future.set_exception(error)
            return
        # The events go to the app now (it draws them); the indexes follow.
        loaded.engine_future = engine if loaded.collection is not None else None
        future.set_result(loaded)
        if loaded.collection is None:
            return
        # Let the app draw the events first (bounded, should it never say so).
        loaded.drawn.wait(DRAW_WAIT)
        try:
            engine.set_result(index_log(loaded.collection, as_of))
        except BaseException as error:
            engine.set_exception(error)

    threading.Thread(target=run, name="watchline-load", daemon=True).start()
    return future
