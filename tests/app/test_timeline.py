"""The timeline widget on its own: rows, cursor keys, jumps, filters, clicks, drawing."""

from __future__ import annotations

import datetime

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region

from tests.app.conftest import sample_collection
from tui.app.rows import ROW_EVENT, ROW_MONTH, ROW_YEAR, build_rows, event_labels
from tui.app.widgets.timeline import CURSOR_MARK, Timeline
from tui.model.log import Collection

# Pilot tests are coroutines: anyio's pytest plugin runs them on asyncio.
pytestmark = pytest.mark.anyio


class TimelineApp(App[None]):
    """The timeline alone, recording the messages it posts."""

    def __init__(self, collection: Collection) -> None:
        super().__init__()
        self.collection = collection
        self.highlighted: list[int | None] = []
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")

    def on_mount(self) -> None:
        timeline = self.query_one(Timeline)
        timeline.set_collection(self.collection)
        timeline.focus()

    def on_timeline_highlighted(self, message: Timeline.Highlighted) -> None:
        self.highlighted.append(message.event_index)

    def on_timeline_selected(self, message: Timeline.Selected) -> None:
        self.selected.append(message.event_index)


def ids(collection: Collection, timeline: Timeline) -> str | None:
    cursor = timeline.cursor
    return None if cursor is None else collection.events[cursor].id


def test_rows_group_events_under_year_and_month_headings() -> None:
    collection = sample_collection()
    rows, event_rows = build_rows(collection, range(len(collection.events)))
    kinds = [kind for kind, _ in rows]
    assert kinds.count(ROW_EVENT) == len(collection.events)
    assert [value for kind, value in rows if kind == ROW_YEAR] == [2015, 2017, 2018, 2019]
    months = [divmod(value, 12) for kind, value in rows if kind == ROW_MONTH]
    # "2015" (a year) opens no month; "Summer 2017" opens June, where it begins.
    assert months == [
        (2015, 2),
        (2015, 5),
        (2017, 4),
        (2017, 5),
        (2017, 10),
        (2018, 5),
        (2018, 8),
        (2019, 1),
        (2019, 11),
    ]
    assert rows[:3] == [
        (ROW_YEAR, 2015),
        (ROW_EVENT, collection.index["state-law"]),
        (ROW_MONTH, 2015 * 12 + 2),
    ]
    assert [rows[row] for row in event_rows] == [
        (ROW_EVENT, i) for i in range(len(collection.events))
    ]


def test_labels_show_dates_at_their_precision_and_short_agency_names() -> None:
    collection = sample_collection()
    labels = event_labels(collection)
    by_id = {event.id: i for i, event in enumerate(collection.events)}
    assert labels.dates[by_id["negron-shooting"]] == "9 May 2017"
    assert labels.dates[by_id["doj-grant"]] == "c. Jun 2018"
    assert labels.dates[by_id["summer-protests"]] == "Summer 2017"
    assert labels.dates[by_id["state-law"]] == "2015"
    assert labels.agencies[by_id["negron-shooting"]] == "BPD"


def test_labels_are_made_for_the_rows_asked_and_match_every_event() -> None:
    collection = sample_collection()
    labels = event_labels(collection)
    assert labels.dates._made == {} and labels.agencies._made == {}  # type: ignore[attr-defined]
    first = labels.dates[0]
    assert list(labels.dates._made) == [0]  # type: ignore[attr-defined]
    assert labels.dates[0] is first
    expected = [event.date.compact() for event in collection.events]
    assert list(labels.dates) == expected
    assert labels.dates[-1] == expected[-1]
    assert labels.dates[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        labels.dates[len(expected)]
    assert labels.date_width == min(max(map(len, expected)), 20)
    assert len(labels.agencies) == len(collection.events)


async def test_the_first_screen_makes_the_labels_of_the_rows_on_it() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        timeline = app.query_one(Timeline)
        made = timeline._labels.dates._made  # type: ignore[union-attr]
        assert 0 < len(made) <= 8 < len(collection.events)


async def test_cursor_keys_move_between_events_and_skip_headings() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        assert ids(collection, timeline) == "state-law"  # "2015" sorts first: its first day
        await pilot.press("j")
        assert ids(collection, timeline) == "ferguson-report"
        await pilot.press("down", "down")
        # Past the "2017" and "May 2017" headings straight onto the next event.
        assert ids(collection, timeline) == "negron-shooting"
        await pilot.press("k", "up")
        assert ids(collection, timeline) == "ferguson-report"
        await pilot.press("G")
        assert ids(collection, timeline) == "annual-report"
        await pilot.press("j")  # stays on the last event
        assert ids(collection, timeline) == "annual-report"
        await pilot.press("g")
        assert ids(collection, timeline) == "state-law"
        await pilot.press("end")
        assert ids(collection, timeline) == "annual-report"
        await pilot.press("home")
        assert ids(collection, timeline) == "state-law"
        await pilot.pause()
        assert app.highlighted[-1] == collection.index["state-law"]


async def test_page_keys_move_by_a_screen_and_keep_the_cursor_visible() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 8)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.press("pagedown")
        first_page = timeline.cursor
        assert first_page is not None and first_page > collection.index["ferguson-report"]
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert ids(collection, timeline) == "annual-report"
        row = timeline.row_of(timeline.cursor)
        assert row is not None
        assert (
            timeline.scroll_y <= row < timeline.scroll_y + timeline.scrollable_content_region.height
        )
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup", "pageup")
        assert ids(collection, timeline) == "state-law"
        assert timeline.scroll_y == 0


async def test_brackets_jump_by_month_and_braces_by_year() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 30)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.press("right_square_bracket")
        assert ids(collection, timeline) == "ferguson-report"  # March 2015 follows "2015"
        await pilot.press("right_square_bracket")
        assert ids(collection, timeline) == "bpd-policy"  # June 2015
        await pilot.press("right_square_bracket")
        assert ids(collection, timeline) == "negron-shooting"  # 2017 / May 2017
        await pilot.press("j", "left_square_bracket")
        assert ids(collection, timeline) == "negron-shooting"  # back to the start of May
        await pilot.press("left_square_bracket")
        assert ids(collection, timeline) == "bpd-policy"  # then the month before
        await pilot.press("right_curly_bracket")
        assert ids(collection, timeline) == "negron-shooting"
        await pilot.press("right_curly_bracket")
        assert ids(collection, timeline) == "doj-grant"
        await pilot.press("j", "left_curly_bracket")
        assert ids(collection, timeline) == "doj-grant"
        await pilot.press("left_curly_bracket")
        assert ids(collection, timeline) == "negron-shooting"


async def test_jump_to_date_goes_to_the_first_event_on_or_after_it() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        assert timeline.jump_to_date(datetime.date(2017, 6, 1))
        assert ids(collection, timeline) == "summer-protests"
        assert timeline.jump_to_date(datetime.date(2030, 1, 1))
        assert ids(collection, timeline) == "annual-report"
        await pilot.pause()


async def test_a_filter_keeps_the_cursor_on_its_event_and_in_view() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 6)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.cursor = collection.index["trooper-rollout"]
        await pilot.pause()
        keep = [i for i, e in enumerate(collection.events) if "usdoj" in e.agencies]
        timeline.show(keep)
        await pilot.pause()
        assert ids(collection, timeline) == "trooper-rollout"
        row = timeline.row_of(timeline.cursor)
        assert row is not None
        assert (
            timeline.scroll_y <= row < timeline.scroll_y + timeline.scrollable_content_region.height
        )
        # Filtered out: the cursor goes to the next shown event after it.
        timeline.show([i for i in keep if collection.events[i].id != "trooper-rollout"] + [])
        await pilot.pause()
        assert ids(collection, timeline) == "doj-grant"  # nothing after it: the last one
        timeline.show([])
        await pilot.pause()
        assert timeline.cursor is None
        assert "No event matches" in timeline.render_line(0).text


async def test_a_cursor_step_repaints_only_the_two_rows_that_changed() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.pause()
        refreshed: list[tuple[object, ...]] = []
        original_refresh = timeline.refresh

        def spy_refresh(*regions: object, **kwargs: object) -> object:
            refreshed.append(regions)
            return original_refresh(*regions, **kwargs)  # type: ignore[arg-type]

        timeline.refresh = spy_refresh  # type: ignore[method-assign]
        await pilot.press("j")
        width = timeline.scrollable_content_region.width
        # The "2015" event's row, then the "4 Mar 2015" row: never the whole widget, and
        # not the scrollbar's column either.
        assert refreshed == [(Region(0, 1, width, 1),), (Region(0, 3, width, 1),)]


async def test_the_cursor_row_is_marked_without_colour() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.pause()
        lines = [timeline.render_line(y).text for y in range(6)]
        assert lines[1].startswith(CURSOR_MARK)
        assert not lines[3].startswith(CURSOR_MARK)
        assert "4 Mar 2015" in lines[3] and "DOJ" in lines[3]


async def test_click_moves_the_cursor_and_double_click_selects() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 20)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.click(Timeline, offset=(10, 3))
        assert ids(collection, timeline) == "ferguson-report"
        await pilot.click(Timeline, offset=(10, 5))
        assert ids(collection, timeline) == "bpd-policy"
        assert app.selected == []
        await pilot.double_click(Timeline, offset=(10, 5))
        await pilot.pause()
        assert app.selected == [collection.index["bpd-policy"]]
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected[-1] == collection.index["bpd-policy"]


async def test_the_wheel_scrolls_without_moving_the_cursor() -> None:
    collection = sample_collection()
    app = TimelineApp(collection)
    async with app.run_test(size=(80, 6)) as pilot:
        timeline = app.query_one(Timeline)
        cursor = timeline.cursor
        await pilot.mouse_down(Timeline)  # nothing: a press alone does not move
        timeline.scroll_down(animate=False)
        timeline.scroll_down(animate=False)
        await pilot.pause()
        assert timeline.scroll_y == 2
        assert timeline.cursor == cursor
