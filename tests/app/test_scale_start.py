"""A large log's start: the timeline before the query engine, and the rows it rebuilds.

The app draws the events as soon as they are read and runs the query once the engine's
indexes arrive (see ``WatchlineApp._engine_ready``); the timeline's rows are cut into
runs under one heading (``row_layout``), checked here against a plain per-event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.loading import LoadedLog
from tui.app.rows import group_starts, row_layout
from tui.app.widgets import density
from tui.app.widgets.density import DensityStrip
from tui.app.widgets.facets import FacetPanel
from tui.model.log import Collection
from tui.model.query import QueryEngine, parse_query

pytestmark = pytest.mark.anyio

WAIT_SECONDS = 10


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.02)
    return True


def preloaded(collection: Collection) -> tuple[Future[LoadedLog], Future[QueryEngine]]:
    """A load whose events are read and whose engine the test hands over when it likes."""
    engine: Future[QueryEngine] = Future()
    engine.set_running_or_notify_cancel()
    loaded: Future[LoadedLog] = Future()
    loaded.set_result(LoadedLog(collection, [], None, engine))
    return loaded, engine


def count_text(app: WatchlineApp) -> str:
    return str(app.query_one("#query-count", Static).render())


async def test_the_events_show_before_the_engine_and_typing_waits_for_it() -> None:
    collection = sample_collection()
    loaded, engine = preloaded(collection)
    kind = collection.events[0].kind
    app = WatchlineApp(preload=loaded, as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(160, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.collection is not None)
        await pilot.pause()
        assert app.engine is None
        assert app.timeline.shown == list(range(len(collection.events)))
        assert "indexing…" in count_text(app)
        assert await wait_until(pilot, lambda: bool(app.query(FacetPanel)))
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        assert panel.option_count == 1
        assert "indexing" in str(panel.get_option_at_index(0).prompt)
        await pilot.press("slash", *f"kind:{kind}")
        await pilot.pause()
        # Typed while indexing: kept in the bar, not yet applied.
        assert app.query_bar.text == f"kind:{kind}"
        assert len(app.timeline.shown) == len(collection.events)
        engine.set_result(QueryEngine(collection, AS_OF))
        await app.workers.wait_for_complete()
        await pilot.pause()
        expected = [i for i, event in enumerate(collection.events) if event.kind == kind]
        assert app.timeline.shown == expected
        assert len(expected) < len(collection.events)
        assert "indexing" not in count_text(app)
        assert panel.option_count > 1


async def test_a_log_read_before_the_app_starts_is_on_its_first_screen() -> None:
    # `watchline` starts reading while Textual is imported; the bundled log is read by the
    # time the app mounts, and is installed then: no loading indicator comes and goes first.
    collection = sample_collection()
    loaded, engine = preloaded(collection)
    app = WatchlineApp(preload=loaded, as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.collection is collection
        assert not app.timeline.loading
        assert not app.query("LoadingIndicator")
        assert app.timeline.shown == list(range(len(collection.events)))
        engine.set_result(QueryEngine(collection, AS_OF))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.engine is not None
        assert "indexing" not in count_text(app)


@pytest.mark.parametrize("paused_by_caller", [True, False])
async def test_the_collector_paused_for_the_start_is_back_on_once_the_events_are_drawn(
    paused_by_caller: bool,
) -> None:
    # `watchline` switches the cyclic collector off before importing Textual
    # (browse.run); the app switches it back on, and only then, and only if told it was.
    import gc

    collection = sample_collection()
    loaded, engine = preloaded(collection)
    gc.disable()
    try:
        app = WatchlineApp(
            preload=loaded,
            as_of=AS_OF,
            remember=False,
            watch=False,
            collector_paused=paused_by_caller,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.collection is collection
            assert gc.isenabled() is paused_by_caller
            engine.set_result(QueryEngine(collection, AS_OF))
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert gc.isenabled() is paused_by_caller
    finally:
        gc.enable()


async def test_a_filter_given_at_start_waits_for_the_engine() -> None:
    collection = sample_collection()
    loaded, engine = preloaded(collection)
    kind = collection.events[0].kind
    app = WatchlineApp(
        preload=loaded, query=f"kind:{kind}", as_of=AS_OF, remember=False, watch=False
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        # No list is shown until it is the filtered one.
        assert app.collection is None
        assert app.timeline.shown == []
        engine.set_result(QueryEngine(collection, AS_OF))
        await app.workers.wait_for_complete()
        await pilot.pause()
        expected = [i for i, event in enumerate(collection.events) if event.kind == kind]
        assert app.timeline.shown == expected


def reference_rows(shown: list[int], groups: list[int]) -> tuple[list[int], list[int]]:
    """The rows as the timeline first built them: one step per event."""
    rows: list[int] = []
    event_rows: list[int] = []
    year = group = -1
    for index in shown:
        event_group = groups[index]
        if event_group != group:
            event_year, month = divmod(event_group, 13)
            if event_year != year:
                group = event_year * 13
                rows.append(-1 - group)
                year = event_year
            if month and event_group != group:
                rows.append(-1 - event_group)
                group = event_group
        event_rows.append(len(rows))
        rows.append(index)
    return rows, event_rows


# Headings as the timeline keys them: year * 13 + month, month 0 for a year alone. Runs
# repeat and interleave as coarse dates ("2017", "201X") do among dated events.
group_values = st.builds(
    lambda year, month: year * 13 + month, st.integers(2015, 2018), st.integers(0, 12)
)


@settings(max_examples=150, deadline=None)
@given(st.lists(group_values, max_size=60), st.data())
def test_rows_cut_into_runs_match_a_per_event_build(groups: list[int], data: st.DataObject) -> None:
    groups.sort(key=lambda group: group // 13)  # events come in year order
    shown = sorted(data.draw(st.sets(st.integers(0, max(len(groups) - 1, 0)))) if groups else [])
    layout = row_layout(sample_collection(), shown, groups, group_starts(groups))
    rows, event_rows = reference_rows(shown, groups)
    assert layout.rows == rows
    assert layout.event_rows == event_rows
    assert [layout.rows[row] for row in layout.event_rows] == shown
    assert layout.heading_rows == [row for row, value in enumerate(rows) if value < 0]
    assert layout.year_rows == [
        row for row, value in enumerate(rows) if value < 0 and (-1 - value) % 13 == 0
    ]


class DensityApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DensityStrip()


async def test_a_large_selection_keeps_the_density_line_until_the_keys_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(density, "THREAD_OVER", 2)  # the sample counts as a large log
    collection = sample_collection()
    everything = list(range(len(collection.events)))
    first_half = everything[: len(everything) // 2]
    app = DensityApp()
    async with app.run_test(size=(60, 3)) as pilot:
        strip = app.query_one(DensityStrip)
        strip.update(collection, everything, None)

        def line() -> str:
            return strip.render_line(0).text

        assert await wait_until(pilot, lambda: line().strip() != "")
        before = line()
        strip.update(collection, first_half, None)
        strip.update(collection, first_half[:-1], None)  # a burst of keystrokes
        await pilot.pause()
        assert line() == before  # not blanked, not yet recounted
        assert await wait_until(pilot, lambda: line() != before)
        expected = density._count(collection, first_half[:-1], 60, strip._ramp)
        assert expected is not None and expected[0] in line()


def test_progress_tells_its_listener_only_when_the_bar_moves() -> None:
    from tui.app.loading import LoadProgress

    told: list[str] = []
    progress = LoadProgress()
    progress.listener = told.append
    for done in range(100_001):
        progress(done, 100_000)
    progress.stage = "indexing"
    # A whole percent or one of the 20 bar cells at a time, then the stage: not 100,001.
    assert 100 <= len(told) <= 125
    assert told[-2].endswith("100%")
    assert told[-1] == "indexing the events…"


def test_progress_counts_the_events_read_once_a_file_is_done() -> None:
    from tui.app.loading import LoadProgress

    progress = LoadProgress()
    progress(50, 100)
    assert "event" not in progress.describe()  # no file done yet
    progress.count_events(1_000_000)
    described = progress.describe()
    assert described == f"1,000,000 events read {'█' * 10}{'░' * 10}  50%"
    # An 80-column header shows 61 characters of title whole (measured in a pty).
    assert len(f"watchline — {described}") <= 61
    progress.reset()
    assert progress.describe().startswith("reading the log ")


async def test_a_slow_load_shows_its_progress_in_the_header_then_the_log() -> None:
    # The loading thread posts its progress (no timer polls it); the header shows it once
    # the load has taken half a second, and the log's title replaces it.
    from tui.app.loading import LOAD_PROGRESS

    collection = sample_collection()
    pending: Future[LoadedLog] = Future()
    pending.set_running_or_notify_cancel()
    app = WatchlineApp(preload=pending, as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        LOAD_PROGRESS.reset()
        LOAD_PROGRESS(40, 100)
        await pilot.pause(0.2)
        assert "reading the log" not in app.sub_title  # not before half a second
        assert await wait_until(pilot, lambda: "40%" in app.sub_title)
        LOAD_PROGRESS(70, 100)
        assert await wait_until(pilot, lambda: "70%" in app.sub_title)
        engine: Future[QueryEngine] = Future()
        engine.set_result(QueryEngine(collection, AS_OF))
        pending.set_result(LoadedLog(collection, [], None, engine))
        assert await wait_until(pilot, lambda: app.collection is not None)
        await pilot.pause()
        assert "reading the log" not in app.sub_title
        assert LOAD_PROGRESS.listener is None  # the app no longer listens


async def test_a_large_logs_facets_are_counted_in_a_thread_for_the_query_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from tui.app import app as app_module
    from tui.app.widgets import facets as facets_module
    from tui.app.widgets.facets import FacetsCounted, count_facets

    monkeypatch.setattr(app_module, "LARGE_LOG", 2)  # the sample counts as a large log
    monkeypatch.setattr(app_module, "FACETS_DELAY", 0.01)
    counted_on: list[str] = []
    real_count = facets_module.count_facets

    def spy(engine: QueryEngine, query: object) -> object:
        counted_on.append(threading.current_thread().name)
        return real_count(engine, query)  # type: ignore[arg-type]

    monkeypatch.setattr(app_module, "count_facets", spy)
    collection = sample_collection()
    kind = collection.events[0].kind
    app = WatchlineApp(collection=collection, as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(160, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.engine is not None)
        await pilot.press("slash", *f"kind:{kind}")
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        engine, query = app.engine, app._query
        assert engine is not None
        panel = app.query_one(FacetPanel)
        assert panel.values == count_facets(engine, query)
        assert counted_on and threading.main_thread().name not in counted_on
        # A count that finishes after a newer query is not shown: it would disagree.
        stale = count_facets(engine, parse_query(""))
        app.post_message(FacetsCounted(engine, parse_query(""), stale))
        await pilot.pause(0.1)
        assert panel.values == count_facets(engine, query) != stale
