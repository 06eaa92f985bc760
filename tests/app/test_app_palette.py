"""The command palette: every action by name, an event by its title, agency and topic filters."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.commands import ACTIONS, WatchlineCommands
from tui.app.keymap import binding_ids

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


def palette_lines(app: WatchlineApp) -> list[str]:
    """What the open palette lists: each command's name and help, as on screen."""
    commands = app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_the_palette_names_the_users_key_for_a_remapped_binding(config_home: Path) -> None:
    folder = config_home / "watchline"
    folder.mkdir(parents=True)
    (folder / "config.yaml").write_text(
        "keymap:\n  app.pledges: b\n  timeline.next-month: ctrl+n,n\n", encoding="utf-8"
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"pledge board")
        await wait_for_lines(pilot, app, "Pledge board")
        assert "Pledge board\nEvery pledge with its status (b)" in palette_lines(app)
        await pilot.press(*["backspace"] * len("pledge board"), *"next month")
        await wait_for_lines(pilot, app, "Next month")
        assert "Next month\nThe first event of the next month (^n)" in palette_lines(app)
        await pilot.press(*["backspace"] * len("next month"), *"jump")
        await wait_for_lines(pilot, app, "Jump to a date")
        # Not remapped: the binding's own key.
        assert "Jump to a date\nGo to the first event on or after a date (t)" in palette_lines(app)


async def wait_for_lines(pilot: Pilot[None], app: WatchlineApp, name: str) -> None:
    for _ in range(100):
        if isinstance(app.screen, CommandPalette) and any(
            line.startswith(f"{name}\n") for line in palette_lines(app)
        ):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the palette does not list {name!r}")


def test_every_palette_action_names_the_binding_of_its_action() -> None:
    known = binding_ids()
    # enter on the timeline selects the event, and the app opens its details.
    same = {("select", "details")}
    for item in ACTIONS:
        action = (known[item.binding].action, item.action.rpartition(".")[2])
        assert action[0] == action[1] or action in same, item


async def test_a_facet_the_table_puts_in_the_palette_is_offered_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.app import commands
    from tui.model.query import FACET_TABLE

    with_people = tuple(
        dataclasses.replace(spec, palette="people") if spec.name == "person" else spec
        for spec in FACET_TABLE
    )
    monkeypatch.setattr(commands, "FACET_TABLE", with_people)
    app = make_app()
    async with app.run_test(size=(100, 30)):
        provider = WatchlineCommands(app.screen)
        texts = [str(hit.text) async for hit in provider.search("filter perez")]
    assert any(text.startswith("Filter by person: ") for text in texts)
