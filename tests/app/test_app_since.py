"""``watchline --since REV``: marks, the "changed since" facet, History and ``h``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot

from tests.app.conftest import AS_OF
from tests.history_repo import ADDED_ID, CORRECTED
from tui.app.app import WatchlineApp
from tui.app.screens.history import EventHistoryScreen
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.facets import FacetPanel
from tui.model.history.loading import open_revision

pytestmark = pytest.mark.anyio


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def since_app(repo: Path, rev: str = "HEAD~3") -> WatchlineApp:
    log = repo / "log.yaml"
    return WatchlineApp(
        [log], as_of=AS_OF, remember=False, watch=False, since=open_revision([log], rev)
    )


def row_text(app: WatchlineApp, event_id: str) -> str:
    assert app.collection is not None
    index = app.collection.index[event_id]
    return app.timeline._render_event(index, 100, Style(), False).text


@pytest.mark.usefixtures("nothing_waits_on_the_app")
async def test_the_three_changed_events_are_marked_and_counted(git_history: Path) -> None:
    app = since_app(git_history)
    async with app.run_test(size=(150, 45)) as pilot:
        tracker = app.since_tracker
        assert tracker is not None
        await wait_for(pilot, lambda: tracker.histories is not None, "the history")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.collection is not None
        marks = tracker.marks
        assert marks is not None
        corrected = next(e.id for e in app.collection.events if e.title.startswith(CORRECTED))
        assert marks[ADDED_ID] == "new" and marks[corrected] == "changed"
        assert sorted(marks.values()) == ["changed", "changed", "new"]
        # The mark is a glyph in the row, readable without colour; others keep a blank.
        assert row_text(app, ADDED_ID)[:3] == " + "
        assert row_text(app, corrected)[:3] == " ~ "
        unchanged = next(e.id for e in app.collection.events if e.id not in marks)
        assert row_text(app, unchanged)[:3] == "   "
        assert f"marks since {tracker.label}" in app.sub_title
        # The facet counts each state, and toggling it narrows the timeline.
        panel = app.query_one("#facets", FacetPanel)
        counts = {v.value_id: v.count for v in panel.values["since"]}
        total = len(app.collection.events)
        assert counts == {"new": 1, "changed": 2, "unchanged": total - 3}
        app.set_query("since:new")
        await pilot.pause()
        assert [app.collection.events[i].id for i in app.timeline.shown] == [ADDED_ID]
        app.set_query("since:changed,new")
        await pilot.pause()
        assert len(app.timeline.shown) == 3


async def test_history_in_the_detail_pane_and_on_h(git_history: Path) -> None:
    app = since_app(git_history, "HEAD~1")
    async with app.run_test(size=(150, 45)) as pilot:
        tracker = app.since_tracker
        assert tracker is not None
        await wait_for(pilot, lambda: tracker.histories is not None, "the history")
        await pilot.pause()
        assert app.collection is not None
        corrected = next(e.id for e in app.collection.events if e.title.startswith(CORRECTED))
        # Changed before HEAD~1: not marked, but its history lists both commits.
        assert tracker.mark_of(corrected) is None and tracker.mark_of(ADDED_ID) == "new"
        assert app.go_to_event(corrected)
        await pilot.pause(0.2)
        pane = app.query_one("#detail", DetailPane)
        text = str(pane.query_one("#detail-more").render())
        assert "History" in text
        lines = [line for line in text.splitlines() if " Ana: " in line]
        assert len(lines) == 2
        assert lines[0].endswith("Ana: first seen") and "2021-01-10" in lines[0]
        assert lines[1].endswith("Ana: title") and "2021-02-10" in lines[1]
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, EventHistoryScreen)
        full = str(app.screen.content())
        assert "Correct a title" in full and f"→ {CORRECTED}" in full
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EventHistoryScreen)


@pytest.mark.usefixtures("nothing_waits_on_the_app")
async def test_a_reload_marks_the_working_copy_against_the_same_rev(git_history: Path) -> None:
    app = since_app(git_history)
    log = git_history / "log.yaml"
    async with app.run_test(size=(150, 45)) as pilot:
        tracker = app.since_tracker
        assert tracker is not None
        await wait_for(pilot, lambda: tracker.histories is not None, "the history")
        text = log.read_text(encoding="utf-8")
        log.write_text(
            text.replace("A statement added later", "A statement, edited"), encoding="utf-8"
        )
        text = log.read_text(encoding="utf-8")
        added = text[text.index(f"  - id: {ADDED_ID}") :]
        log.write_text(
            text + added.replace(ADDED_ID, "not-committed").replace("edited", "not committed"),
            encoding="utf-8",
        )
        app.live.reload()
        await wait_for(
            pilot,
            lambda: app.collection is not None and "not-committed" in app.collection.index,
            "the reload",
        )
        await pilot.pause()
        assert tracker.marks is not None and tracker.marks["not-committed"] == "new"
        assert row_text(app, "not-committed")[:3] == " + "
        assert app.go_to_event(ADDED_ID)
        await pilot.pause(0.2)
        more = str(app.query_one("#detail", DetailPane).query_one("#detail-more").render())
        assert "uncommitted: title" in more


async def test_without_since_h_does_nothing_and_nothing_is_marked(
    bundled_log_path: Path,
) -> None:
    app = WatchlineApp([bundled_log_path], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(150, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert app.screen is app.screen_stack[0] and app.timeline.marks == {}
        assert "since" not in app.query_one("#facets", FacetPanel).values


def test_a_bad_since_never_opens_the_app(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    assert main([str(git_history / "log.yaml"), "--since", "no-such-tag"]) == 2
    err = capsys.readouterr().err
    assert "--since: unknown revision" in err and "Traceback" not in err
    assert main(["--since", "HEAD"]) == 2
    assert "name its files or folders" in capsys.readouterr().err
