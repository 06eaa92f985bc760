"""A log that lives: reload when its files change, keep the user's place.

People edit a log while others browse it (in another tmux pane, over SSH, by ``git
pull``). :class:`~tui.model.watching.FileWatcher` notices (no Textual there);
:class:`LiveLog` ties it to the app: on a change it reloads in a thread worker (which posts
the result to the app as :class:`~tui.app.load_messages.LogReloaded`), then shows the new
log with the cursor on the same event, the same query and the same scroll place, and says
briefly what changed ("+2 events, 1 changed"). A save that breaks the log leaves the last
good timeline on screen and lists the problems in a
:class:`~tui.app.widgets.problems_panel.ProblemsPanel`, which clears once the file loads
again. It also keeps the content hash of every file as shown, which is what a rating
written from the app is checked against (nobody's edit is overwritten).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.worker import Worker, get_current_worker

from tui.app.load_messages import LogReloaded, ReloadFailed
from tui.app.rows import EventLabels, event_labels
from tui.app.widgets.problems_panel import ProblemsPanel
from tui.app.widgets.timeline import Timeline
from tui.model.changes import ChangeSummary, diff_collections
from tui.model.log import Collection, Event
from tui.model.text import one_line, shown_name
from tui.model.watching import FileWatcher, file_hashes, log_files

if TYPE_CHECKING:
    from textual.app import App

    from tui.model.query import QueryEngine

__all__ = [
    "LiveLog",
    "ReloadHost",
    "Snapshot",
    "keep_place",
    "load_snapshot",
    "selected_event",
]


@dataclass(slots=True)
class Snapshot:
    """One load of the log: the result, which files it read, and the hashes of the bytes
    it read (None for a file it could not read): exactly what the screen shows, so a save
    made at any moment after the read makes the next check reload (and a rating is refused
    until then)."""

    collection: Collection | None
    problems: list[str]
    files: list[Path]
    hashes: dict[Path, str | None]
    labels: EventLabels | None = None
    engine: QueryEngine | None = None
    previous: Collection | None = None  # the collection ``summary`` compares with
    summary: ChangeSummary | None = None
    seconds: float = 0.0


def load_snapshot(
    paths: Sequence[Path],
    as_of: datetime.date | None = None,
    previous: Collection | None = None,
) -> Snapshot:
    """Load ``paths``, with the hashes of what was read; run it in a thread (10k events
    take seconds).

    With ``as_of`` the query engine's indexes are built here too, and with ``previous``
    the change summary: both cost a tenth of a second or more on a large log, which
    the UI thread should not pay.
    """
    from tui.model.bundled import bundled_log
    from tui.model.load import load_paths
    from tui.model.query import QueryEngine

    started = time.perf_counter()
    files = log_files(paths)
    result = load_paths(list(paths) or [bundled_log()])
    hashes: dict[Path, str | None] = {file: result.digests.get(file) for file in files}
    problems = [str(problem) for problem in result.problems]
    collection = result.collection
    snapshot = Snapshot(collection, problems, files, hashes)
    if collection is not None:
        snapshot.labels = event_labels(collection)
        if as_of is not None:
            snapshot.engine = QueryEngine(collection, as_of)
        if previous is not None:
            snapshot.previous = previous
            snapshot.summary = diff_collections(previous, collection)
    snapshot.seconds = time.perf_counter() - started
    return snapshot


# ----------------------------------------------------------------------------- the place


@contextlib.contextmanager
def keep_place(timeline: Timeline) -> Iterator[None]:
    """Around replacing the timeline's collection: the cursor stays on the same event id
    (or its nearest surviving neighbour) at the same height on screen.
    """
    old = timeline.collection
    cursor = timeline.cursor
    candidates: list[str] = []
    offset = 0
    if old is not None and cursor is not None:
        shown = timeline.shown
        row = timeline.row_of(cursor)
        offset = 0 if row is None else row - round(timeline.scroll_y)
        position = shown.index(cursor) if cursor in shown else 0
        # The event itself, then the ones after it, then before: where a deleted event was.
        after = shown[position : position + 50]
        before = shown[max(0, position - 50) : position][::-1]
        candidates = [old.events[i].id for i in (*after, *before)]
    yield
    new = timeline.collection
    if new is None or not candidates:
        return
    for event_id in candidates:
        index = new.index.get(event_id)
        if index is not None and timeline.is_shown(index):
            timeline.cursor = index
            break
    row = timeline.row_of(timeline.cursor)
    if row is not None:
        height = timeline.scrollable_content_region.height
        offset = max(0, min(offset, height - 1)) if height > 0 else 0
        timeline.scroll_to(y=max(0, row - offset), animate=False, immediate=True)
    # The same index may now be another event, or the same event with new text: the
    # panes that follow the cursor must hear about it either way.
    timeline.post_message(Timeline.Highlighted(timeline, timeline.cursor))


# ----------------------------------------------------------------------------- the app side


class ReloadHost(Protocol):
    """What :class:`LiveLog` needs from the app (WatchlineApp, or a small test app, which
    also hands :class:`LogReloaded` and :class:`ReloadFailed` to :meth:`LiveLog.reloaded`
    and :meth:`LiveLog.reload_failed`)."""

    paths: list[Path]
    collection: Collection | None

    def replace_collection(
        self,
        collection: Collection,
        labels: EventLabels,
        problems: list[str],
        engine: QueryEngine | None = None,
    ) -> None:
        """Show a reloaded log in place of the current one, keeping the user's place."""


class LiveLog:
    """Reloads the app's log when its files change; tracks the hashes of what is shown.

    Create it before the first load (:meth:`before_load` notes its files), give it the
    hashes the load read (:meth:`loaded`), call :meth:`start` once it is on screen. ``watch=False`` (``--no-watch``)
    keeps the hashes and explicit reloads (after the editor, after a rating) but no watcher.
    """

    def __init__(self, app: App[Any], paths: Sequence[Path], *, watch: bool = True) -> None:
        self.app = app
        self.paths = [Path(p) for p in paths]
        self.watch = watch
        self.files: list[Path] = []
        self.hashes: dict[Path, str | None] = {}  # of the files as the screen shows them
        self._seen: dict[Path, str | None] = {}  # of the files as last read, good or broken
        self._quiet: set[str] = set()  # hashes of our own writes: announced already
        # A rating is being written: the watcher may see the new file before the form
        # reports back, and that reload is the app's own, announced by the form.
        self._writing = False
        self.watcher: FileWatcher | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_reload_seconds: float | None = None
        self.reloads = 0

    # -- lifecycle ----------------------------------------------------------------------------

    def before_load(self) -> None:
        """Note the files the first load will read (what :meth:`start` watches)."""
        self.files = log_files(self.paths)

    def loaded(self, digests: dict[Path, str]) -> None:
        """The first load read these bytes (each file's hash, see ``LoadedLog.digests``):
        what the screen shows, and what a write or a change is checked against. Taken from
        the load, the files are not read and hashed a second time (0.3 s at 100k events,
        seconds at a million, on the UI thread before the first frame)."""
        self.hashes = {file: digests.get(file) for file in self.files}
        self._seen = dict(self.hashes)

    def start(self) -> None:
        """The first load is on screen: start watching, and catch a save made meanwhile."""
        if self.watcher is not None or not self.watch:
            return
        folders = [p for p in self.paths if p.is_dir()]
        self.watcher = FileWatcher(
            self._watched(self.files),
            self._changed,
            folders=folders,
            alive=lambda: self.app.is_running,
        )
        # A task, not a Textual worker: it runs as long as the app does, and a worker that
        # never completes would hang every `app.workers.wait_for_complete()`.
        self._task = asyncio.get_running_loop().create_task(
            self._watch(self.watcher), name="watchline-watch"
        )
        self.reload(only_if_changed=True)

    async def _watch(self, watcher: FileWatcher) -> None:
        try:
            await watcher.run()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the timeline stays as it is; say that it stopped following
            self.app.notify(
                f"Stopped watching the log's files: {one_line(str(error))}", severity="warning"
            )

    def _watched(self, files: Iterable[Path]) -> list[Path]:
        """The files to watch: those loaded, and every file PATH even while it is missing
        (``git checkout`` deletes and recreates; the new file must still be seen).
        """
        given = {path for path in self.paths if not path.is_dir()}
        return sorted(set(files) | given)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def hash_of(self, path: str | os.PathLike[str]) -> str | None:
        """The hash of ``path`` as the screen shows it (None: not a loaded file)."""
        wanted = os.path.realpath(path)
        for file, digest in self.hashes.items():
            if os.path.realpath(file) == wanted:
                return digest
        return None

    def expect_write(self, new_hash: str) -> None:
        """The app itself wrote a file with this content: reloading it needs no notice."""
        self._quiet.add(new_hash)

    # -- reloading -----------------------------------------------------------------------------

    def _changed(self, paths: set[str]) -> None:
        self.reload(only_if_changed=True)

    def reload(self, *, only_if_changed: bool = False) -> None:
        """Load the files again in a thread; the newest request wins (an exclusive worker:
        starting one cancels the reload under way, whose result is then not shown)."""
        seen = dict(self._seen)
        started = time.perf_counter()
        as_of: datetime.date | None = getattr(self.app, "as_of", None)
        previous: Collection | None = getattr(self.app, "collection", None)

        def work() -> None:
            worker: Worker[None] = get_current_worker()
            try:
                if only_if_changed and file_hashes(log_files(self.paths)) == seen:
                    return
                snapshot = load_snapshot(self.paths, as_of, previous)
            except Exception as error:  # the old timeline stays; say why, never a traceback
                message: Message = ReloadFailed(error, worker)
            else:
                message = LogReloaded(snapshot, started, worker)
            if not worker.is_cancelled:
                self.app.post_message(message)

        self.app.run_worker(
            work, name="reload", group="reload", thread=True, exclusive=True, exit_on_error=False
        )

    def _superseded(self, worker: Worker[None]) -> bool:
        """A newer reload was asked for after ``worker``'s: it cancelled this one, or it is
        under way (this one had finished), and its result is the one to show."""
        if worker.is_cancelled:
            return True
        return any(
            other is not worker
            and other.group == "reload"
            and not (other.is_cancelled or other.is_finished)
            for other in self.app.workers
        )

    def reload_failed(self, message: ReloadFailed) -> None:
        """The app heard :class:`ReloadFailed`: say why, unless a newer reload is coming."""
        if not self._superseded(message.worker):
            error = message.error
            self.app.notify(f"Could not reload the log: {one_line(str(error))}", severity="error")

    def reloaded(self, message: LogReloaded) -> None:
        """The app heard :class:`LogReloaded`: show the new log (or its problems), unless
        a newer reload is coming."""
        if self._superseded(message.worker):
            return
        snapshot, started = message.snapshot, message.started
        self._seen = dict(snapshot.hashes)
        if self.watcher is not None and set(snapshot.files) != set(self.files):
            self.watcher.retarget(
                self._watched(snapshot.files), [p for p in self.paths if p.is_dir()]
            )
        self.files = snapshot.files
        host: ReloadHost = self.app  # type: ignore[assignment]
        old = host.collection
        if snapshot.collection is None or snapshot.labels is None:
            self._show_problems(snapshot.problems)
            return
        was_broken = self.panel is not None
        self._clear_problems()
        # A reload of the app's own write (a rating) was announced by the form already.
        new_hashes = {d for p, d in snapshot.hashes.items() if self.hashes.get(p) != d}
        quiet = self._writing or (bool(new_hashes) and new_hashes <= self._quiet)
        self._quiet.clear()
        self.hashes = dict(snapshot.hashes)
        host.replace_collection(
            snapshot.collection, snapshot.labels, snapshot.problems, snapshot.engine
        )
        self.reloads += 1
        self.last_reload_seconds = time.perf_counter() - started
        if old is None:
            return
        summary = snapshot.summary
        if summary is None or snapshot.previous is not old:
            summary = diff_collections(old, snapshot.collection)
        if was_broken:
            self.app.notify(f"The log loads again: {summary.describe()}.", title="Reloaded")
        elif summary and not quiet:
            self.app.notify(f"{summary.describe()}.", title="Reloaded")

    # -- the keys: e (editor) and r (rate) ---------------------------------------------------

    def _editable(self, doing: str) -> Event | None:
        """The selected event if it may be edited from here; else say why and None."""
        revision = getattr(self.app, "revision", None)
        if revision is not None:
            self.app.notify(
                f"{doing} is not available: this is the log at {revision.label} (--rev)",
                severity="warning",
            )
            return None
        if getattr(self.app, "read_only", False):
            self.app.notify(f"{doing} is not available in a served session", severity="warning")
            return None
        event = selected_event(self.app)
        if event is None:
            self.app.notify("No event is selected.", severity="warning")
            return None
        if event.location is None:
            self.app.notify("That event does not come from a file.", severity="warning")
            return None
        return event

    def edit_selected(self) -> None:
        """Open $VISUAL/$EDITOR at the selected event's line, then reload."""
        from tui.app.editor import open_editor

        event = self._editable("Editing")
        if event is None or event.location is None:
            return
        if open_editor(self.app, event.location.file, event.location.line):
            self.reload()

    def _write_started(self) -> None:
        self._writing = True

    def _write_failed(self) -> None:
        self._writing = False

    def _write_refused(self) -> None:
        self._writing = False
        self.reload()

    def rate_selected(self) -> None:
        """Open the rating form on the selected pledge."""
        from tui.app.screens.rate_form import RateForm, RateRequest
        from tui.model.edit import EditResult

        event = self._editable("Rating")
        if event is None or event.location is None:
            return
        collection: Collection | None = getattr(self.app, "collection", None)
        if event.kind != "pledge" or collection is None:
            self.app.notify(
                f"Only pledges take ratings; this is {_a_kind(event.kind)} event.",
                severity="warning",
            )
            return
        file = event.location.file
        request = RateRequest(
            event=event,
            file=file,
            collection=collection,
            as_of=getattr(self.app, "as_of", None) or datetime.date.today(),
            shown_hash=lambda: self.hash_of(file),
            also_load=list(self.files),
            on_conflict=self._write_refused,
            on_write_start=self._write_started,
            on_write_failed=self._write_failed,
        )

        def written(result: EditResult | None) -> None:
            self._writing = False
            if result is None:
                return
            self.expect_write(result.new_hash)
            self.app.notify(
                f"Rated {one_line(result.event_id)} {result.status} as of {result.as_of} "
                f"({shown_name(result.path)}:{result.line})",
                title="Rating written",
            )
            self.reload()

        self.app.push_screen(RateForm(request), written)

    # -- the problems panel ---------------------------------------------------------------------

    @property
    def panel(self) -> ProblemsPanel | None:
        base = self.app.screen_stack[0] if self.app.screen_stack else None
        if base is None:
            return None
        found = base.query(ProblemsPanel)
        return found.first() if found else None

    def _show_problems(self, problems: list[str]) -> None:
        if not problems:
            problems = ["The log could not be read (no details)."]
        panel = self.panel
        if panel is not None:
            panel.show(problems)
            return
        self.app.screen_stack[0].mount(ProblemsPanel(problems))
        count = len(problems)
        self.app.notify(
            f"The saved log has {count} problem{'s' if count != 1 else ''}; "
            "the last good version stays on screen.",
            severity="warning",
        )

    def _clear_problems(self) -> None:
        panel = self.panel
        if panel is not None:
            panel.remove()

    def dismiss_problems(self) -> bool:
        """Close the problems panel (the ``x`` key); False if none was open."""
        panel = self.panel
        if panel is None:
            return False
        panel.remove()
        return True


def selected_event(app: App[Any]) -> Event | None:
    """The event under the timeline's cursor in ``app`` (None when none is shown)."""
    collection: Collection | None = getattr(app, "collection", None)
    if not app.screen_stack:
        return None
    timeline = app.screen_stack[0].query(Timeline)
    if collection is None or not timeline:
        return None
    cursor = timeline.first(Timeline).cursor
    return None if cursor is None else collection.events[cursor]


def _a_kind(kind: str) -> str:
    kind = one_line(kind)
    return f"an {kind}" if kind[:1].lower() in "aeiou" else f"a {kind}"
