"""The command palette: every action by name, an event by its title, agency and topic filters."""

from __future__ import annotations

import pytest

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.commands import ACTIONS, WatchlineCommands

pytestmark = pytest.mark.anyio


def make_app() -> WatchlineApp:
    return WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)


async def test_every_palette_action_names_an_app_action() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        for item in ACTIONS:
            target, _, name = item.action.rpartition(".")
            node = app.timeline if target == "timeline" else app
            assert callable(getattr(node, f"action_{name}")), item


async def test_discovery_lists_the_actions() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)):
        provider = WatchlineCommands(app.screen)
        names = [str(hit.prompt) async for hit in provider.discover()]
        assert names == [item.name for item in ACTIONS]


async def test_a_title_jumps_to_its_event() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        provider = WatchlineCommands(app.screen)
        hits = [hit async for hit in provider.search("trooper cameras")]
        go = [hit for hit in hits if str(hit.prompt).startswith("Go to:")]
        assert go and "800 trooper cameras" in str(go[0].prompt)
        go[0].command()
        await pilot.pause()
        assert app.timeline.cursor == app.collection.index["doj-grant"]


async def test_a_filter_command_adds_the_agency_once() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        provider = WatchlineCommands(app.screen)
        hits = [hit async for hit in provider.search("filter justice")]
        chosen = [hit for hit in hits if "U.S. Department of Justice" in str(hit.prompt)]
        assert chosen
        chosen[0].command()
        await pilot.pause()
        assert app.query_text == "agency:usdoj"
        chosen[0].command()  # already there: the query stays as it is
        await pilot.pause()
        assert app.query_text == "agency:usdoj"
        assert len(app.timeline.shown) == 3


async def test_an_action_runs_from_the_palette() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        provider = WatchlineCommands(app.screen)
        hits = [hit async for hit in provider.search("last event")]
        hits[0].command()
        await pilot.pause()
        assert app.timeline.cursor == len(app.collection.events) - 1


async def test_ctrl_p_opens_the_palette_with_our_commands() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"next year")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.timeline.cursor == app.collection.index["ferguson-report"] + 2
