"""The watchline app: the query line, the density strip, facets | timeline | detail, keys.

The app owns the state the panes share (the collection, the query engine, the last good
query, the as-of date, the back-stack of followed related links) and tells each widget
what to show; the widgets only report what the user did, as messages.
"""

from __future__ import annotations

import datetime
import gc
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Header
from textual.worker import Worker, WorkerState, get_current_worker

from tui.app.keymap import apply_user_keymap
from tui.app.live import LiveLog, keep_place
from tui.app.load_messages import (
    EngineReady,
    LoadProgressed,
    LogLoaded,
    LogReloaded,
    ReloadFailed,
    SinceRead,
)
from tui.app.loading import LOAD_PROGRESS, LoadedLog, read_log
from tui.app.overlays import DetailOverlay, FacetsOverlay, JumpToDateScreen, ProblemsScreen
from tui.app.rows import EventLabels, event_labels
from tui.app.settings import remember_theme, saved_theme
from tui.app.widgets.density import DensityStrip
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.facets import FacetPanel, FacetsCounted, count_facets
from tui.app.widgets.footer import ScreenFooter
from tui.app.widgets.query_bar import QueryBar
from tui.app.widgets.timeline import Timeline
from tui.model.links.remembered import LinkResult, read_results
from tui.model.log import Collection
from tui.model.query import Query, QueryError, parse_query
from tui.model.text import one_line
from tui.model.user_config import UserConfig, read_user_config
from tui.model.views import SavedView, ViewError, find_view, saved_views, with_view

if TYPE_CHECKING:
    from textual.command import Provider

    from tui.app.since import SinceTracker
    from tui.model.history.loading import LogRevision
    from tui.model.query import QueryEngine

# Below these sizes the timeline takes the whole screen and the panes open over it. The
# timeline always keeps the larger share and at least TIMELINE_COLUMNS: the detail pane
# (2fr of 5 beside the timeline's 3fr, at most 64) comes in at 100 columns, where the
# timeline keeps 60; the facets (32 and a border) only at 140, where it keeps 64 beside
# both. Facets give way first (app.tcss says the same in CSS).
TIMELINE_COLUMNS = 60
WIDE_COLUMNS = 140
SPLIT_COLUMNS = 100
SPLIT_ROWS = 25  # 80x24 is a small terminal: the timeline alone (docs/design.md, "The screen")
# Above this many events the facet counts follow the query after a short pause.
LARGE_LOG = 20_000
FACETS_DELAY = 0.15
# How long the cursor rests before the detail pane follows it (see _highlighted).
DETAIL_DELAY = 0.08


def watchline_commands() -> type[Provider]:
    """The palette's own commands, imported when the palette first opens (not at startup)."""
    from tui.app.commands import WatchlineCommands

    return WatchlineCommands


def layout_for(size: Size) -> str:
    """The layout for a terminal of ``size``: "wide", "split" or "narrow" (the CSS agrees)."""
    width, height = size
    if width < SPLIT_COLUMNS or height < SPLIT_ROWS:
        return "narrow"
    return "wide" if width >= WIDE_COLUMNS else "split"


class WatchlineApp(App[None]):
    """Browse an event log: a timeline filtered by a query, with details and facets."""

    CSS_PATH = "app.tcss"
    TITLE = "watchline"
    # Keys go to the timeline, never by default to the query input.
    AUTO_FOCUS = "#timeline"
    COMMANDS: ClassVar = App.COMMANDS | {watchline_commands}
    # Typed by Textual's App (a ClassVar there); annotating again upsets mypy.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-narrow"),
        (SPLIT_COLUMNS, "-medium"),
        (WIDE_COLUMNS, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SPLIT_ROWS, "-tall")]  # noqa: RUF012

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding, handled as the key arrives: "/perez" typed fast (or in one read
        # over a slow link) puts "perez" in the search, not to the timeline's keys.
        Binding("slash", "search", "Search", id="app.search", priority=True),
        Binding("t", "jump_to_date", "Date", id="app.jump-to-date"),
        Binding("f", "facets", "Facets", id="app.facets"),
        # Out of the footer so that at 80 columns it keeps v and q; ? lists it under Search.
        Binding("c", "clear_query", "Clear", show=False, id="app.clear-query"),
        Binding("p", "pledges", "Pledges", id="app.pledges"),
        Binding("v", "views", "Views", id="app.views"),
        # Only with --since REV (check_action hides it otherwise).
        Binding("h", "history", "History", id="app.history"),
        Binding("e", "edit", "Edit this event in $EDITOR", show=False, id="app.edit"),
        Binding("r", "rate", "Rate this pledge", show=False, id="app.rate"),
        Binding("x", "dismiss_problems", "Dismiss problems", show=False, id="app.dismiss-problems"),
        Binding("backspace", "link_back", "Back", show=False, id="app.back"),
        Binding("escape", "escape", "Timeline", show=False, id="app.escape"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        paths: Sequence[Path | str] = (),
        *,
        collection: Collection | None = None,
        query: str = "",
        as_of: datetime.date | None = None,
        read_only: bool = False,
        remember: bool = True,
        preload: Future[LoadedLog] | None = None,
        watch: bool = True,
        revision: LogRevision | None = None,
        since: LogRevision | None = None,
        view: str | None = None,
        config: UserConfig | None = None,
        collector_paused: bool = False,
    ) -> None:
        """``paths`` are loaded in a thread; a ready ``collection`` (tests) skips loading.

        ``remember`` keeps the user's theme in their config dir (off for snapshots).
        ``preload`` is ``paths`` already being read (``tui.app.loading.start_loading``).
        ``watch`` reloads the files when they change (``--no-watch`` turns it off).
        ``revision`` (``--rev``): the log as a git commit has it, a past state, so nothing
        is watched or reloaded and nothing can be edited or rated.
        ``since`` (``--since``): mark the events new or changed against that commit's log,
        and show each event's history (``tui.app.since``).
        ``view`` (``--view ID``): start from that saved view, narrowed by ``query``.
        ``config``: the user's views and keymap (by default read from their config.yaml).
        ``collector_paused``: the caller switched the cyclic garbage collector off for the
        start (``browse.run``); it is switched back on once the events are drawn.
        """
        super().__init__()
        self.paths = [Path(p) for p in paths]
        self.collection: Collection | None = None
        self.engine: QueryEngine | None = None
        self.as_of = as_of or datetime.date.today()
        self.read_only = read_only
        self.problems: list[str] = []
        self.back_stack: list[str] = []
        self._given = collection
        self._initial_query = query
        self._initial_view = view
        self.user_config = read_user_config() if config is None else config
        # Binding id -> keys, as the user's keymap moved them (tui.app.keymap.active_keys).
        self.user_keymap: dict[str, str] = {}
        self._query_text = ""  # the last query that parsed
        self._matched_text = ""  # the last that matched an event (or the empty query)
        self._query: Query = parse_query("")
        self._remember = remember
        self._exit_code = 0
        self._preload = preload
        self._collector_paused = collector_paused
        self._facets_timer: Timer | None = None
        # A large log's facet toggle being counted (its query text), see _facet_toggled.
        self._toggling: str | None = None
        self._detail_timer: Timer | None = None
        # The load's progress (LoadProgressed), shown in the header once it passes 0.5 s.
        self._progress_text = ""
        self._progress_shown = False
        self.revision = revision
        self.live = LiveLog(self, self.paths, watch=watch and revision is None)
        self.since_tracker: SinceTracker | None = None
        # The last `watchline sources check` of each URL, read once per load (no network).
        self.link_results: dict[str, LinkResult] = {}
        if since is not None:
            from tui.app.since import SinceTracker

            self.since_tracker = SinceTracker(
                self, since, revision, on_marks=self._since_marked, on_history=self._since_history
            )

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield QueryBar(self._initial_query, id="query-bar")
        yield DensityStrip(id="density")
        # The facet and detail panes join when the terminal is wide enough to show them
        # (see _add_panes): an 80x24 terminal never pays for drawing them.
        with Horizontal(id="body"):
            yield Timeline(id="timeline")
        yield ScreenFooter(compact=True)

    @property
    def timeline(self) -> Timeline:
        return self.query_one("#timeline", Timeline)

    @property
    def query_bar(self) -> QueryBar:
        return self.query_one("#query-bar", QueryBar)

    @property
    def layout_mode(self) -> str:
        """ "wide" (facets | timeline | detail), "split" (timeline | detail) or "narrow"."""
        return layout_for(self.size)

    def on_mount(self) -> None:
        self.user_keymap, _ = apply_user_keymap(self, self.user_config)
        if self._remember:
            theme = saved_theme(self.available_themes)
            if theme is not None:
                self.theme = theme
            self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.timeline.focus()
        if self.layout_mode != "narrow":
            self.call_later(self._add_panes)
        if self._given is not None:
            if self._start_view(self._given):
                self._install(self._given, event_labels(self._given), [])
                self._start_since(self._given)
        else:
            if self.revision is None:
                self.live.before_load()
            loaded = self._read_already()
            if loaded is not None and loaded.collection is not None:
                # Read while Textual started (the bundled log, a warm cache): the first
                # frame shows the events, with no loading indicator and no worker before.
                labels = event_labels(loaded.collection)
                message = LogLoaded(loaded.collection, labels, loaded.problems, None, loaded)
                self._log_loaded(message)
                self._index(loaded)
                return
            self.timeline.loading = True
            # A load past half a second shows how far it has got, in the header.
            self.set_timer(0.5, self._show_progress_from_now)
            LOAD_PROGRESS.listener = lambda text: self.post_message(LoadProgressed(text))
            self._load(self.paths)

    def _theme_changed(self, theme: Theme) -> None:
        if not remember_theme(theme.name):
            self.notify("Could not save the theme in your config folder.", severity="warning")

    # -- loading ------------------------------------------------------------------------------

    def _read_already(self) -> LoadedLog | None:
        """The preloaded log if it is read and can be drawn at once: it has events, and no
        --filter or --view waits for the engine (``_load`` does the rest)."""
        preload = self._preload
        if preload is None or not preload.done() or preload.exception() is not None:
            return None
        if self._initial_query.strip() or self._initial_view is not None:
            return None
        if preload.result().collection is None:
            return None
        self._preload = None
        return preload.result()

    # A description, or Textual names the worker by repr() of its arguments: the repr of a
    # loaded log builds every event (2 s and 300 MB at 100k, on the UI thread).
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="index")
    def _index(self, loaded: LoadedLog) -> None:
        self._post_engine(loaded)

    def _post_engine(self, loaded: LoadedLog) -> None:
        """In a thread: the engine of a log on screen, once the events are drawn (the
        indexes would slow the first frame), as EngineReady."""
        engine = loaded.wait_for_engine(self.as_of, after_drawn=True)
        if engine is not None and loaded.collection is not None:
            self.post_message(EngineReady(loaded.collection, engine))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="load")
    def _load(self, paths: list[Path]) -> None:
        # The first load may have started before Textual was imported (browse.run).
        preload, self._preload = self._preload, None
        loaded = preload.result() if preload is not None else read_log(paths, self.revision)
        collection = loaded.collection
        if collection is None:
            self.post_message(LogLoaded(None, None, loaded.problems, digests=loaded.digests))
            return
        labels = event_labels(collection)
        view_id = self._initial_view
        views = saved_views(collection, self.user_config.views)
        if view_id is not None and all(view.id != view_id for view in views):
            # No such view: _log_loaded ends the app with the message; no engine is needed.
            self.post_message(
                LogLoaded(collection, labels, loaded.problems, digests=loaded.digests)
            )
            return
        if self._initial_query.strip() or view_id is not None:
            # A --filter (or --view) must hold before the user sees a list: wait for the
            # indexes. The view's query is put in the bar by _log_loaded, on the UI thread.
            engine = loaded.wait_for_engine(self.as_of)
            self.post_message(
                LogLoaded(collection, labels, loaded.problems, engine, digests=loaded.digests)
            )
            return
        # No query to apply: every event shows, which needs no index. Draw them now and
        # run the query (whatever the user has typed meanwhile) once the engine is built;
        # the indexes are built once the events are on screen (they would slow it).
        self.post_message(LogLoaded(collection, labels, loaded.problems, None, loaded))
        self._post_engine(loaded)

    @on(LogLoaded)
    def _log_loaded(self, message: LogLoaded) -> None:
        LOAD_PROGRESS.listener = None
        if self.revision is None:
            self.live.loaded(message.digests)
        self.timeline.loading = False
        collection = message.collection
        if collection is None or message.labels is None:
            if self._progress_shown:
                self.sub_title = ""  # the problems screen says what happened
            self._show_problems(message.problems)
            return
        if not self._start_view(collection):
            return
        indexing = message.loaded is not None
        self._install(
            collection, message.labels, message.problems, message.engine, indexing=indexing
        )
        # Before the indexes may start: they pause the collector themselves, from on.
        self.call_after_refresh(self._collector_on)
        if message.loaded is not None:
            self.call_after_refresh(message.loaded.drawn.set)
        # The watcher (watchfiles and anyio to import, a thread hashing the files) is no
        # part of the first frame: it starts once the events are on screen.
        self.call_after_refresh(self.live.start)
        self._start_since(collection)

    @on(LogReloaded)
    def _log_reloaded(self, message: LogReloaded) -> None:
        self.live.reloaded(message)

    @on(ReloadFailed)
    def _reload_failed(self, message: ReloadFailed) -> None:
        self.live.reload_failed(message)

    @on(LoadProgressed)
    def _load_progressed(self, message: LoadProgressed) -> None:
        self._progress_text = message.text
        if self._progress_shown and self.timeline.loading:
            self.sub_title = message.text

    def _show_progress_from_now(self) -> None:
        self._progress_shown = True
        if self._progress_text and self.query("#timeline") and self.timeline.loading:
            self.sub_title = self._progress_text

    def _start_view(self, collection: Collection) -> bool:
        """--view ID: start from its query (narrowed by --filter); an id that names no view
        ends the app with the message, as the other commands do (False)."""
        view_id, self._initial_view = self._initial_view, None
        if view_id is None:
            return True
        try:
            view = find_view(view_id, saved_views(collection, self.user_config.views))
        except ViewError as error:
            self.problems = [f"watchline: error: {error.message}"]
            self.call_later(self.exit, None, 2)
            return False
        self._initial_query = with_view(view, self._initial_query)
        self.query_bar.set_text(self._initial_query)
        return True

    @on(EngineReady)
    def _engine_ready(self, message: EngineReady) -> None:
        """The indexes of a log are built: run the query typed so far, count facets."""
        collection, engine = message.collection, message.engine
        if self.collection is not collection or self.engine is not None:
            return  # a reload replaced the log meanwhile (with its own engine)
        if not self.query("#timeline"):
            return  # the app is closing
        self.engine = engine
        self._mark(collection, engine=engine)
        self.query_bar.show_indexing(False)
        if self.query_bar.text == self._query_text:
            # Nothing typed meanwhile: the timeline already shows every event, and
            # redrawing it would cost a full repaint for nothing.
            self.query_bar.show_count(len(collection.events), len(collection.events))
            self._refresh_facets()
        else:
            self._apply_query(self.query_bar.text, initial=True)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        # One place for a worker that failed: a message on screen, never a traceback.
        if event.state == WorkerState.ERROR and event.worker.group == "load":
            LOAD_PROGRESS.listener = None
            self.timeline.loading = False
            error = event.worker.error
            self._show_problems([f"watchline could not read the log: {error}"])

    def _collector_on(self) -> None:
        """The start is over: the cyclic collector runs again, with what the start made
        frozen (Textual's widgets and styles, the modules) so that no pass walks it."""
        if self._collector_paused:
            self._collector_paused = False
            gc.freeze()
            gc.enable()

    def _show_problems(self, problems: list[str]) -> None:
        self._collector_on()
        self.problems = problems
        self._exit_code = 1
        count = len(problems)
        heading = f"The log could not be opened: {count} problem{'s' if count != 1 else ''}. Press q to quit."
        self.push_screen(ProblemsScreen(heading, problems))

    def _install(
        self,
        collection: Collection,
        labels: EventLabels,
        problems: list[str],
        engine: QueryEngine | None = None,
        *,
        indexing: bool = False,
    ) -> None:
        """Show ``collection``; ``engine`` is its query engine when already built (in a thread).

        ``indexing``: the engine is still being built elsewhere (see :meth:`_engine_ready`);
        meanwhile every event shows, the query bar says so and keeps what is typed.
        """
        self.collection = collection
        self.link_results = read_results()
        if engine is None and not indexing:
            from tui.model.query import QueryEngine  # a given collection (tests)

            engine = QueryEngine(collection, self.as_of)
        self.engine = engine
        if engine is not None:
            self._mark(collection, engine=engine)
        self.sub_title = one_line(collection.title)
        if self.revision is not None:
            self.sub_title += f" · at {self.revision.label}"
        if self.since_tracker is not None:
            self.sub_title += f" · marks since {self.since_tracker.label}"
        self.problems = problems
        self.timeline.set_collection(collection, labels)
        self._mark(collection, timeline=True)
        if engine is None:
            self.query_bar.show_indexing(True)
            self.query_bar.show_count(len(collection.events), len(collection.events))
            self._refresh_density()
            self._refresh_facets()
        else:
            self.query_bar.show_indexing(False)
            self._apply_query(self.query_bar.text, initial=True)
        # While loading, the timeline could not take focus; it is where the keys go
        # (unless the user already pressed / to type a query).
        if self.focused is None:
            self.timeline.focus()
        if problems:
            self.notify(
                f"{len(problems)} problems in the log; the first: {problems[0]}", severity="warning"
            )

    def replace_collection(
        self,
        collection: Collection,
        labels: EventLabels,
        problems: list[str],
        engine: QueryEngine | None = None,
    ) -> None:
        """Show a reloaded log in place of this one: same event, query and scroll place."""
        with keep_place(self.timeline):
            self._install(collection, labels, problems, engine)

    # -- --since REV ----------------------------------------------------------------------------

    def _start_since(self, collection: Collection) -> None:
        """Read the log at --since REV and the history once the first frame is drawn."""
        tracker = self.since_tracker
        if tracker is not None:
            self.call_after_refresh(tracker.start, collection)

    @on(SinceRead)
    def _since_read(self, message: SinceRead) -> None:
        if self.since_tracker is not None:
            self.since_tracker.heard(message)

    def _mark(
        self, collection: Collection, *, engine: QueryEngine | None = None, timeline: bool = False
    ) -> None:
        """--since: mark the timeline's rows and feed the engine's since: facet."""
        if self.since_tracker is not None:
            self.since_tracker.apply_marks(
                collection, engine=engine, timeline=self.timeline if timeline else None
            )

    def _since_marked(self) -> None:
        """The marks are known: draw them, count the facet, run a since: query again."""
        collection = self.collection
        if collection is None or not self.query("#timeline"):
            return
        self._mark(collection, engine=self.engine, timeline=True)
        if self.engine is not None:
            if any(term.field == "since" for term in self._query.terms):
                self._apply_query(self._query_text, initial=True)
            else:
                self._refresh_facets()
        self._show_detail(self.timeline.cursor)

    def _since_history(self) -> None:
        if self.collection is not None and self.query("#timeline"):
            self._show_detail(self.timeline.cursor)

    def action_history(self) -> None:
        """The whole history of the selected event (``h``, with --since)."""
        cursor = self.timeline.cursor
        if self.since_tracker is not None and self.collection is not None and cursor is not None:
            self.since_tracker.show_history(self.collection.events[cursor])

    # -- the query ------------------------------------------------------------------------------

    @property
    def query_text(self) -> str:
        """The query the timeline shows (the last one that parsed)."""
        return self._query_text

    def _apply_query(
        self,
        text: str,
        *,
        initial: bool = False,
        typed: bool = False,
        counted: FacetsCounted | None = None,
    ) -> bool:
        """Parse and run ``text``; on an error show it inline and keep the last result.

        ``typed``: a keystroke in the query line, after which a large log's facets wait for
        the keys to pause; a facet toggle or a chosen view counts them at once.
        ``counted``: the rows and the counts of ``text``, worked out in a thread (a large
        log's facet toggle): shown together, nothing counted again."""
        if self.engine is None or self.collection is None:
            return False
        if self._toggling is not None:  # any query replaces a toggle still being counted
            self._toggling = None
            self.workers.cancel_group(self, "facet-toggle")
        bar = self.query_bar
        try:
            query = parse_query(text)
            shown = counted.shown if counted is not None else None
            if shown is None:
                shown = self.engine.run(query)
        except QueryError as error:
            # Back to the last query that matched something: `agnecy:` half-typed parsed
            # as the word "agnecy", which matches nothing and is no result to keep.
            if self._matched_text != self._query_text:
                self._apply_query(self._matched_text, initial=True)
            bar.show_error(text, error.message, error.start, error.end, self._query_text)
            return False
        if shown or not query.terms:
            self._matched_text = text
        if not initial and text == self._query_text:
            bar.show_count(len(shown), len(self.collection.events))
            return True
        self._query_text, self._query = text, query
        self.timeline.show(shown)
        bar.show_count(len(shown), len(self.collection.events))
        self._refresh_density()
        if counted is not None:
            for panel in self._facet_panels():
                panel.show_counts(counted.engine, counted.values)
        elif typed and len(self.collection.events) > LARGE_LOG:
            # Counting every facet value takes tens of milliseconds on a large log: let a
            # burst of keystrokes settle first, the timeline and the count do not wait.
            if self._facets_timer is not None:
                self._facets_timer.stop()
            self._facets_timer = self.set_timer(FACETS_DELAY, self._refresh_facets)
        else:
            self._refresh_facets()
        return True

    def _refresh_density(self) -> None:
        for strip in self.query(DensityStrip):  # none while the app closes
            strip.update(self.collection, self.timeline.shown, self.timeline.cursor)

    def _refresh_facets(self) -> None:
        if self.collection is None:
            return
        panels = self._facet_panels()
        if panels and self.engine is not None and len(self.collection.events) > LARGE_LOG:
            self._count_facets(self.engine, self._query)  # tens of milliseconds: a thread
            return
        for panel in panels:
            if self.engine is None:
                panel.show_indexing()  # the counts follow in _engine_ready
            else:
                panel.refresh_counts(self.engine, self._query)

    # A description, or Textual names the worker by repr() of its arguments.
    @work(thread=True, exclusive=True, group="facets", description="facet counts")
    def _count_facets(self, engine: QueryEngine, query: Query) -> None:
        """Count a large log's facets off the UI thread; a newer query cancels the count
        (exclusive), and a count that finishes anyway is not shown (``_facets_counted``)."""
        values = count_facets(engine, query)
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(engine, query, values))

    # A description, or Textual names the worker by repr() of its arguments.
    # Its own group: a count of the facets for the query shown (a resize, the engine
    # ready) must not cancel it; a newer toggle does, and any other query (_apply_query).
    @work(thread=True, exclusive=True, group="facet-toggle", description="facet toggle")
    def _count_toggle(self, engine: QueryEngine, text: str, query: Query, shown: list[int]) -> None:
        """A large log's facet toggle: every facet's counts off the UI thread, shown with
        its rows by ``_facets_counted`` unless a newer query came since."""
        values = count_facets(engine, query)
        if not get_current_worker().is_cancelled:
            self.post_message(FacetsCounted(engine, query, values, text=text, shown=shown))

    @on(FacetsCounted)
    def _facets_counted(self, message: FacetsCounted) -> None:
        if message.text is not None:
            # A toggle's rows and counts: shown at once unless another query came since.
            if message.engine is self.engine and message.text == self._toggling:
                self._toggling = None  # done, not replaced: nothing to cancel
                self.query_bar.set_text(message.text)
                self._apply_query(message.text, counted=message)
            return
        # Shown only for the query the timeline shows: counts and rows never disagree.
        if message.engine is self.engine and message.query == self._query:
            for panel in self._facet_panels():
                panel.show_counts(message.engine, message.values)

    def _facet_panels(self) -> list[FacetPanel]:
        """The facet panels on show: the column at 140+ columns, or the overlay."""
        panels: list[FacetPanel] = []
        for screen in self.screen_stack:
            panels.extend(panel for panel in screen.query(FacetPanel) if panel.display)
        return panels

    def set_query(self, text: str) -> None:
        """Replace the query (facets, palette, clear): the bar shows it and it runs."""
        self.query_bar.set_text(text)
        self._apply_query(text)

    def add_filter(self, field: str, value_id: str) -> None:
        """Narrow the query to ``field:value_id`` unless it already is."""
        if self.engine is None:
            return
        if value_id in self.engine.active_ids(self._query, field):
            return
        self.set_query(self.engine.toggle_term(self._query_text, field, value_id))

    @on(QueryBar.Edited)
    def _query_edited(self, event: QueryBar.Edited) -> None:
        self._apply_query(event.text, typed=True)

    @on(QueryBar.Done)
    def _query_done(self) -> None:
        self.timeline.focus()

    @on(FacetPanel.Toggled)
    def _facet_toggled(self, event: FacetPanel.Toggled) -> None:
        if self.engine is None or self.collection is None:
            return
        # A toggle still being counted is the query the next one edits.
        current = self._query_text if self._toggling is None else self._toggling
        try:
            text = self.engine.toggle_term(current, event.field, event.value)
            query = parse_query(text)
        except QueryError:
            return
        if len(self.collection.events) > LARGE_LOG and self._facet_panels():
            # Counting a large log's facets takes tens of milliseconds: the rows, the query
            # line and the counts change together when they are counted (one repaint, and
            # never rows beside the counts of the query before).
            try:
                shown = self.engine.run(query)
            except QueryError:
                self.set_query(text)  # shows the error in place, as any query does
                return
            self._toggling = text
            self._count_toggle(self.engine, text, query, shown)
            return
        self.set_query(text)

    # -- the cursor, details and related links --------------------------------------------------

    @on(Timeline.Highlighted)
    def _highlighted(self, event: Timeline.Highlighted) -> None:
        # The timeline's message may arrive once the screens are gone (the app closing).
        if not self.screen_stack:
            return
        for strip in self.query(DensityStrip):
            strip.move_cursor(event.event_index)
        if isinstance(self.screen, DetailOverlay) or self.layout_mode == "narrow":
            self._show_detail(event.event_index)
            return
        # Redrawing the detail pane sends 10-25 KB; while j is held down only the event
        # the cursor stops on is drawn (a single step shows it a moment later).
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_cursor_detail)

    def _show_cursor_detail(self) -> None:
        self._detail_timer = None
        timelines = self.query("#timeline").results(Timeline)
        for timeline in timelines:  # none when the app is closing
            self._show_detail(timeline.cursor)

    def _show_detail(self, event_index: int | None) -> None:
        if self.collection is None:
            return
        item = None if event_index is None else self.collection.events[event_index]
        empty = "No event matches the query." if not self.timeline.shown else "No event selected"
        if self.layout_mode != "narrow":
            for pane in self.query("#detail").results(DetailPane):
                pane.show(item, self.collection, self.as_of, empty_message=empty)
        if isinstance(self.screen, DetailOverlay):
            self.screen.show(item)

    @on(Timeline.Selected)
    def _selected(self, event: Timeline.Selected) -> None:
        self.action_details()

    def on_resize(self, event: events.Resize) -> None:
        # Hidden panes are not kept up to date; fill them when the terminal widens.
        if layout_for(event.size) != "narrow":
            self.call_later(self._add_panes)
        self.call_after_refresh(self._sync_hidden_panes)

    async def _add_panes(self) -> None:
        """Mount the facet and detail panes the first time the layout has room for them."""
        if self.query("#detail"):
            return
        body = self.query_one("#body", Horizontal)
        await body.mount(FacetPanel(id="facets"), before=self.timeline)
        await body.mount(DetailPane(id="detail"), after=self.timeline)
        self._sync_hidden_panes()

    def _sync_hidden_panes(self) -> None:
        self._show_detail(self.timeline.cursor)
        self._refresh_facets()

    def go_to_event(self, event_id: str) -> bool:
        """Move the cursor to ``event_id``; say so when the query hides it."""
        if self.collection is None:
            return False
        index = self.collection.index.get(event_id)
        if index is None:
            self.notify("That event is not in the log.", severity="warning")
            return False
        if not self.timeline.is_shown(index):
            # Another account of the same incident may stand for it on the timeline.
            for member in self.collection.same_as_group(event_id):
                if self.timeline.is_shown(self.collection.index[member]):
                    index = self.collection.index[member]
                    break
        if not self.timeline.is_shown(index):
            self.notify(
                "The query hides that event: press c to clear the query.", severity="warning"
            )
            return False
        self.timeline.cursor = index
        return True

    @on(DetailPane.FollowRelated)
    def _follow_related(self, event: DetailPane.FollowRelated) -> None:
        current = self._cursor_event_id()
        if self.go_to_event(event.event_id) and current is not None:
            self.back_stack.append(current)

    def _cursor_event_id(self) -> str | None:
        cursor = self.timeline.cursor
        if self.collection is None or cursor is None:
            return None
        return self.collection.events[cursor].id

    # -- actions ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search" and self.focused is not None and self.focused.id == "query-input":
            return False  # "/" is text in the query (EDTF intervals: from:2018-06/2018-08)
        # Over a modal screen only the keys that make sense there stay live.
        if action == "history":
            return self.since_tracker is not None and len(self.screen_stack) == 1
        if action in {
            "search",
            "jump_to_date",
            "facets",
            "pledges",
            "views",
            "details",
            "edit",
            "rate",
        }:
            return len(self.screen_stack) == 1
        # Keys about the timeline beneath do nothing you could see over the pledge board.
        if action == "clear_query":
            return len(self.screen_stack) == 1 or isinstance(self.screen, FacetsOverlay)
        if action == "link_back":
            return len(self.screen_stack) == 1 or isinstance(self.screen, DetailOverlay)
        if action == "dismiss_problems":
            return self.live.panel is not None
        return True

    def action_search(self) -> None:
        self.query_bar.focus_input()

    def action_clear_query(self) -> None:
        self.set_query("")

    def action_escape(self) -> None:
        self.timeline.focus()

    def action_link_back(self) -> None:
        """Return to the event before the last followed related link.

        (Not ``action_back``: that name is Textual's own, for popping a screen.)
        """
        while self.back_stack:
            if self.go_to_event(self.back_stack.pop()):
                return

    def action_details(self) -> None:
        if self.collection is None:
            return
        if self.layout_mode == "narrow":
            cursor = self.timeline.cursor
            event = None if cursor is None else self.collection.events[cursor]
            self.push_screen(DetailOverlay(event, self.collection, self.as_of))
        else:
            if self._detail_timer is not None:
                self._detail_timer.stop()
                self._show_cursor_detail()
            for pane in self.query("#detail").results(DetailPane):
                pane.focus()

    def action_facets(self) -> None:
        if self.engine is None:
            if self.collection is not None:
                self.notify("The facets are being counted: a moment, please.")
            return
        if self.layout_mode == "wide":
            for panel in self.query("#facets").results(FacetPanel):
                panel.focus()
            return
        self.push_screen(FacetsOverlay(self.engine, self._query))

    def action_jump_to_date(self) -> None:
        def jump(day: datetime.date | None) -> None:
            if day is not None and not self.timeline.jump_to_date(day):
                self.notify("No event to jump to.")

        shown, events = self.timeline.shown, self.collection.events if self.collection else []
        last = events[shown[-1]].date.upper if shown else None  # the last day it spans
        self.push_screen(JumpToDateScreen(last), jump)

    def action_pledges(self) -> None:
        if self.collection is None:
            return
        from tui.app.screens.pledge_board import PledgeBoard

        def chosen(event_id: str | None) -> None:
            if event_id is not None:
                self.go_to_event(event_id)

        # The board lists the pledges among the events the query shows.
        board = PledgeBoard(
            self.collection, self.as_of, self.timeline.shown, query_text=self._query_text
        )
        self.push_screen(board, chosen)

    def action_views(self) -> None:
        """The saved views (``v``): the log's and the user's; the one picked becomes the query."""
        from tui.app.screens.view_picker import ViewPicker

        def chosen(view: SavedView | None) -> None:
            if view is not None:
                self.set_query(view.query)

        self.push_screen(ViewPicker(saved_views(self.collection, self.user_config.views)), chosen)

    def action_edit(self) -> None:
        self.live.edit_selected()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, less those that write files in a read-only session."""
        for command in super().get_system_commands(screen):
            if self.read_only and command.title == "Screenshot":
                continue
            yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen where the user finds it, and say where; nothing is
        written in a read-only (served) session (``tui.app.screenshot``)."""
        from tui.app.screenshot import save_screenshot

        save_screenshot(self, filename, path)

    def action_rate(self) -> None:
        self.live.rate_selected()

    def action_dismiss_problems(self) -> None:
        self.live.dismiss_problems()

    def action_help(self) -> None:
        from tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        self.exit(return_code=self._exit_code)
