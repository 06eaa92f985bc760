"""Date-times on the timeline: a short "12 Apr 23:20" that fits the 80-column date column,
under the month's heading, in the order of their instants."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tests.app.conftest import make_event
from tui.app.rows import ROW_EVENT, ROW_MONTH, build_rows, event_labels
from tui.app.widgets.timeline import Timeline
from tui.model.log import Collection

pytestmark = pytest.mark.anyio


def timed_collection() -> Collection:
    return Collection(
        title="Times",
        events=[
            make_event("late", "1985-04-12T23:20:30Z", "meeting", "Late meeting"),
            make_event("early", "1985-04-12T08:05:00-04:00", "statement", "Early statement"),
            make_event("day", "1985-04-12", "report", "A report that day"),
            make_event("local", "1985-04-12T12:00:00", "other", "Noon, no zone"),
        ],
    )


class TimelineApp(App[None]):
    def __init__(self, collection: Collection) -> None:
        super().__init__()
        self.collection = collection

    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")

    def on_mount(self) -> None:
        self.query_one(Timeline).set_collection(self.collection)


def test_labels_of_date_times_are_short_and_sorted_by_instant() -> None:
    collection = timed_collection()
    # 08:05-04:00 is 12:05 UTC: after noon with no zone (counted as UTC), before 23:20 UTC.
    assert [e.id for e in collection.events] == ["day", "local", "early", "late"]
    labels = event_labels(collection)
    assert list(labels.dates) == ["12 Apr 1985", "12 Apr 12:00", "12 Apr 08:05", "12 Apr 23:20"]
    rows, _ = build_rows(collection, range(len(collection.events)))
    assert rows[1] == (ROW_MONTH, 1985 * 12 + 3)  # "April 1985" carries the year
    assert [kind for kind, _ in rows[2:]] == [ROW_EVENT] * 4


async def test_an_80_column_timeline_shows_the_time_uncut() -> None:
    app = TimelineApp(timed_collection())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        timeline = app.query_one(Timeline)
        lines = [timeline.render_line(y).text for y in range(7)]
        assert "April 1985" in lines[1]
        assert "12 Apr 23:20" in lines[5] and "Late meeting" in lines[5]
        assert "…" not in lines[5].split("Late")[0]  # the date is not cut
