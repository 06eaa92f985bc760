"""Saved views in the TUI: `v` lists the log's and the user's, enter runs one; the palette
lists them; --view starts from one."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.commands import WatchlineCommands
from tui.app.screens.view_picker import ViewPicker
from tui.model.log import Collection, View
from tui.model.user_config import read_user_config

pytestmark = pytest.mark.anyio


def with_views() -> Collection:
    collection = sample_collection()
    collection.views = {
        "bridgeport": View("bridgeport", "Bridgeport police", "agency:bpd"),
        "pledges": View("pledges", "Every pledge", "kind:pledge"),
    }
    return collection


def write_config(config_home: Path, text: str) -> None:
    folder = config_home / "watchline"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(text, encoding="utf-8")


def picker_lines(screen: ViewPicker) -> list[str]:
    options = screen.query_one("#views-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_v_lists_the_logs_and_your_views_and_enter_runs_one(config_home: Path) -> None:
    write_config(config_home, "views:\n  courts:\n    label: In court\n    query: kind:court\n")
    app = WatchlineApp(collection=with_views(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ViewPicker)
        assert picker_lines(screen) == [
            "Bridgeport police\n  agency:bpd",
            "Every pledge\n  kind:pledge",
            "In court  (yours)\n  kind:court",
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ViewPicker)
        assert app.query_bar.text == "kind:pledge"
        assert app.query_text == "kind:pledge"
        assert [app.collection.events[i].id for i in app.timeline.shown] == ["pledge-funding"]


async def test_escape_closes_the_picker_and_keeps_the_query() -> None:
    app = WatchlineApp(collection=with_views(), as_of=AS_OF, remember=False, query="year:2017")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ViewPicker)
        assert app.query_text == "year:2017"


async def test_with_no_views_the_picker_says_where_to_add_them() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        hint = app.screen.query_one("#views-hint", Static).content.plain  # type: ignore[union-attr]
        assert hint.startswith("No saved views yet: add views: to the log, or to ")
        assert hint.endswith("config.yaml")


async def test_the_palette_lists_the_views_and_runs_one() -> None:
    app = WatchlineApp(collection=with_views(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        provider = WatchlineCommands(app.screen)
        listed = [str(hit.prompt) async for hit in provider.discover()]
        assert {"View: Bridgeport police", "View: Every pledge"} <= set(listed)
        hits = [hit async for hit in provider.search("view bridgeport")]
        chosen = [hit for hit in hits if str(hit.prompt) == "View: Bridgeport police"]
        chosen[0].command()
        await pilot.pause()
        assert app.query_text == "agency:bpd"


async def test_view_at_startup_runs_its_query_narrowed_by_the_filter() -> None:
    app = WatchlineApp(
        collection=with_views(), as_of=AS_OF, remember=False, view="bridgeport", query="year:2019"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_bar.text == "agency:bpd year:2019"
        shown = {app.collection.events[i].id for i in app.timeline.shown}
        assert shown == {"court-ruling", "annual-report"}


async def test_an_unknown_view_at_startup_ends_with_the_message() -> None:
    app = WatchlineApp(collection=with_views(), as_of=AS_OF, remember=False, view="bridgepor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 2
    assert app.problems == [
        "watchline: error: no view 'bridgepor'; did you mean 'bridgeport'? "
        "(the views: bridgeport, pledges)"
    ]


async def test_a_bad_view_in_the_config_is_said_once_and_the_rest_works(config_home: Path) -> None:
    write_config(
        config_home,
        "views:\n  bad:\n    label: Bad\n    query: kidn:court\n"
        "  good:\n    label: Good\n    query: kind:court\n",
    )
    app = WatchlineApp(collection=with_views(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1
        assert notes[0].endswith(
            "config.yaml:4:12: 'query' is not a valid query at character 1: "
            "unknown field 'kidn' (did you mean 'kind'?)"
        )
        assert list(read_user_config().views) == ["good"]
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ViewPicker)
        assert picker_lines(app.screen)[-1] == "Good  (yours)\n  kind:court"


async def opened(pilot: Pilot[None], app: WatchlineApp) -> None:
    """Wait (bounded) for the log read in a thread to be on screen, or for the app to end."""
    for _ in range(200):
        if (app.collection is not None and app.engine is not None) or not app.is_running:
            return
        await pilot.pause(0.05)
    raise AssertionError("the log did not load")


@pytest.mark.usefixtures("nothing_waits_on_the_app")
async def test_view_at_startup_of_a_log_read_in_a_thread() -> None:
    # The bundled log, read by the load worker; its view "bridgeport" is agency:bpd.
    app = WatchlineApp(
        as_of=AS_OF, remember=False, watch=False, view="bridgeport", query="kind:pledge"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
        assert app.query_bar.text == app.query_text == "agency:bpd kind:pledge"
        shown = [app.collection.events[i] for i in app.timeline.shown]
        assert shown and all(e.kind == "pledge" and "bpd" in e.agencies for e in shown)


@pytest.mark.usefixtures("nothing_waits_on_the_app")
async def test_an_unknown_view_of_a_log_read_in_a_thread_ends_with_the_message() -> None:
    app = WatchlineApp(as_of=AS_OF, remember=False, watch=False, view="bridgepor")
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot, app)
    assert app.return_code == 2
    assert app.problems[0].startswith(
        "watchline: error: no view 'bridgepor'; did you mean 'bridgeport'?"
    )
