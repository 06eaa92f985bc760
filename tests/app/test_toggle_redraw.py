"""A facet toggle (or a query) redraws what changed without laying out the screen again.

A layout made Textual redraw the scrollbars a frame later, and under the facets overlay
at 80x24 every frame repaints the whole screen. These tests hold what the user sees
while the rows, the count and the query text change without one: the scrollbar follows
the rows, the cursor stays in view, the count keeps its place, a long query scrolls to
its cursor, and the panel keeps its highlighted row.
"""

from __future__ import annotations

import datetime

import pytest
from textual.widgets import Footer

from tests.app.conftest import AS_OF, sample_collection
from tests.app.test_facets import FacetHost, lines
from tests.app.test_timeline import TimelineApp, ids
from tests.app.widget_samples import chain_collection
from tui.app.app import WatchlineApp
from tui.app.overlays import FacetsOverlay
from tui.app.widgets.facets import FacetPanel
from tui.app.widgets.timeline import Timeline
from tui.model.query import FacetValue

# Pilot tests are coroutines: anyio's pytest plugin runs them on asyncio.
pytestmark = pytest.mark.anyio


def cursor_in_view(timeline: Timeline) -> bool:
    row = timeline.row_of(timeline.cursor)
    height = timeline.scrollable_content_region.height
    return row is not None and timeline.scroll_y <= row < timeline.scroll_y + height


async def test_a_new_row_count_moves_the_scrollbar_and_the_cursor_stays_in_view() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 6)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.action_last()
        await pilot.pause()
        assert timeline.show_vertical_scrollbar
        bpd = [i for i, event in enumerate(collection.events) if "bpd" in event.agencies]
        timeline.show(bpd)
        # Scrolled at once, not after the next refresh: one frame draws rows and place.
        assert cursor_in_view(timeline)
        await pilot.pause()
        assert timeline.show_vertical_scrollbar  # still more rows than lines
        assert timeline.virtual_size.height == timeline.row_count
        assert timeline.vertical_scrollbar.window_virtual_size == timeline.row_count
        assert timeline.scroll_y <= timeline.max_scroll_y
        assert cursor_in_view(timeline)
        # One event fits: the scrollbar goes (the timeline is laid out for that).
        timeline.show(bpd[:1])
        await pilot.pause()
        assert not timeline.show_vertical_scrollbar
        assert timeline.scroll_y == 0
        assert ids(collection, timeline) == collection.events[bpd[0]].id
        timeline.show(range(len(collection.events)))
        await pilot.pause()
        assert timeline.show_vertical_scrollbar
        assert timeline.vertical_scrollbar.window_virtual_size == timeline.row_count
        assert cursor_in_view(timeline)


def agency_values(counts: list[int], active: int | None = None) -> list[FacetValue]:
    return [
        FacetValue("agency", f"ag{i}", f"Agency {i}", count, active=(i == active))
        for i, count in enumerate(counts)
    ]


async def test_new_counts_in_the_same_rows_keep_the_highlight_and_the_scroll_place() -> None:
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        panel.set_counts({"agency": agency_values([9, 8, 7, 6, 5, 4, 3, 2])})
        panel.highlighted = 7  # "Agency 6", below the first screen
        await pilot.pause()
        scrolled = panel.scroll_y
        assert scrolled > 0
        # A toggle that only changes the numbers (and the tick): the same rows.
        panel.set_counts({"agency": agency_values([19, 18, 17, 16, 15, 14, 13, 12], active=6)})
        await pilot.pause()
        assert panel.scroll_y == scrolled
        assert lines(panel)[panel.highlighted] == "✓ 13 Agency 6"
        assert lines(panel)[1] == "  19 Agency 0"
        # Fewer rows (a value counts nothing now): rebuilt, the highlight stays on it.
        panel.set_counts({"agency": agency_values([0, 18, 17, 16, 15, 14, 13, 12], active=6)})
        await pilot.pause()
        shown = lines(panel)
        assert "Agency 0" not in " ".join(shown)
        assert shown[panel.highlighted] == "✓ 13 Agency 6"


async def test_the_query_count_keeps_its_place_as_the_count_changes() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = app.query_one("#query-count")
        before = count.region
        assert str(count.render()).strip() == "12 of 12 events"
        app.set_query("agency:bpd")
        await pilot.pause()
        assert str(count.render()).strip() == "8 of 12 events"
        assert count.region == before  # as wide as "12 of 12 events", at the right edge
        assert before.right == 80


async def test_a_toggle_in_the_overlay_updates_everything_and_the_footer_comes_back() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        main = app.screen
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FacetsOverlay)
        await pilot.press("space")  # the first agency: BPD, 8 events
        await pilot.pause()
        panel = app.screen.query_one(FacetPanel)
        assert app.query_text == "agency:bpd"
        assert len(app.timeline.shown) == 8
        assert str(app.query_one("#query-count").render()).strip() == "8 of 12 events"
        assert lines(panel)[panel.highlighted].startswith("✓")
        assert cursor_in_view(app.timeline)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        # The timeline's keys are back in its footer, rebuilt as the overlay closed.
        footer = main.query_one(Footer)
        keys = {key.description for key in footer.query("FooterKey").results()}
        assert {"Search", "Facets", "Quit"} <= keys


async def test_a_query_longer_than_its_field_scrolls_to_the_cursor() -> None:
    app = WatchlineApp(
        collection=sample_collection(), as_of=datetime.date(2026, 1, 1), remember=False
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        text = "body camera policy review " * 3
        await pilot.press(*text)
        await pilot.pause()
        field = app.query_one("#query-input")
        assert field.value == text  # type: ignore[attr-defined]
        assert field.scroll_x > 0
        cursor_x = field.cursor_screen_offset.x  # type: ignore[attr-defined]
        assert field.region.x < cursor_x <= field.region.right  # the last cell, as Input has it


async def test_a_large_logs_toggle_shows_rows_query_and_counts_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from tui.app import app as app_module
    from tui.app.widgets.facets import count_facets

    monkeypatch.setattr(app_module, "LARGE_LOG", 2)  # the sample counts as a large log
    counting = threading.Event()
    go_on = threading.Event()

    def held_count(engine, query):  # type: ignore[no-untyped-def]
        counting.set()
        go_on.wait(5)
        return count_facets(engine, query)

    monkeypatch.setattr(app_module, "count_facets", held_count)
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one(FacetPanel)
        go_on.clear()
        counting.clear()
        await pilot.press("space")  # BPD, while its counts are held in the thread
        assert counting.wait(5)
        await pilot.pause()
        # Nothing changed yet: the rows never stand beside the counts of another query.
        assert app.query_text == ""
        assert len(app.timeline.shown) == 12
        assert not lines(panel)[panel.highlighted].startswith("✓")
        go_on.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_text == "agency:bpd"
        assert app.query_one("#query-input").value == "agency:bpd"  # type: ignore[attr-defined]
        assert len(app.timeline.shown) == 8
        assert panel.values == count_facets(app.engine, app._query)  # type: ignore[arg-type]
        assert lines(panel)[panel.highlighted].startswith("✓")


async def test_quick_toggles_of_a_large_log_add_up_and_a_typed_query_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.app import app as app_module

    monkeypatch.setattr(app_module, "LARGE_LOG", 2)
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        panel = app.screen.query_one(FacetPanel)
        # Two toggles before the first is counted: the second edits the first's query.
        panel.post_message(FacetPanel.Toggled(panel, "agency", "bpd"))
        panel.post_message(FacetPanel.Toggled(panel, "kind", "pledge"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_text == "agency:bpd kind:pledge"
        # A query set meanwhile (here: c clears it) replaces a toggle still counted.
        panel.post_message(FacetPanel.Toggled(panel, "kind", "pledge"))
        await pilot.press("c")
        for _ in range(200):  # the toggle's count is cancelled (or done, and not shown)
            if not any(w.group == "facet-toggle" and not w.is_finished for w in app.workers):
                break
            await pilot.pause(0.01)
        await pilot.pause()
        assert app.query_text == ""
        assert len(app.timeline.shown) == 12
