"""The help screen: the keys that work where it was opened, and the query language."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from tui.app.screens.help import HelpScreen


class Listing(Static, can_focus=True):
    """A focusable widget with its own keys, like the timeline."""

    BINDING_GROUP_TITLE = "Timeline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "down", "Next event", id="timeline.down"),
        Binding("k,up", "up", "Previous event", id="timeline.up"),
        Binding("x", "hidden", "", id="timeline.hidden"),  # no description: not listed
    ]

    def action_down(self) -> None: ...
    def action_up(self) -> None: ...
    def action_hidden(self) -> None: ...


class HelpHost(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("p", "pledges", "Pledges", id="app.pledges"),
        Binding("slash", "search", "Search", id="app.search"),
    ]

    def compose(self) -> ComposeResult:
        yield Listing("events")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Listing).focus()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_pledges(self) -> None: ...
    def action_search(self) -> None: ...


def help_text(screen: HelpScreen) -> str:
    return "\n".join(
        screen.query_one(selector, Static).content.plain  # type: ignore[union-attr]
        for selector in ("#help-keys", "#help-query")
    )


async def test_help_lists_the_keys_of_the_screen_beneath_grouped():
    app = HelpHost()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        groups = screen.binding_groups()
        text = help_text(screen)
    assert groups["Timeline"] == [("j ↓", "Next event"), ("k ↑", "Previous event")]
    assert ("p", "Pledges") in groups["Anywhere"]
    assert ("/", "Search") in groups["Anywhere"]
    assert all(description for rows in groups.values() for _, description in rows)
    assert "Next event" in text and "Pledges" in text
    # The query guide, with examples.
    assert "status:overdue" in text and "kind:pledge,grant" in text and "-kind:statement" in text


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_escape_q_and_question_mark_close_help(key: str):
    app = HelpHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running
