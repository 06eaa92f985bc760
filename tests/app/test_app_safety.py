"""Hostile log text is drawn literally: no markup runs, no terminal control gets out.

The collection is built in memory so it can hold raw control characters the loader would
refuse: this tests the drawing path on its own, whatever the loader lets through.
"""

from __future__ import annotations

import pytest

from tests.app.conftest import AS_OF, make_event
from tui.app.app import WatchlineApp
from tui.app.commands import WatchlineCommands, safe_highlight
from tui.model.log import Agency, Collection

pytestmark = pytest.mark.anyio

HOSTILE_TITLES = {
    "click": "[@click=app.quit]press me[/]",
    "markup": "[/bold] unbalanced [red]markup",
    "osc52": "clipboard \x1b]52;c;aGk=\x07 write",
    "clear": "screen \x1b[2J clear",
    "c1": "c1 \u009b31m csi",
    "bidi": "bidi \u202eevil\u202c override \u2066isolate\u2069",
    "invisible": "marks \u200e\u200f\u061c lines \u2028\u2029 zero \u200b\ufeff\u200d tag \U000e0041",
}
# What must never reach the terminal: ESC, BEL, the C1 CSI, bidi overrides, isolates and
# marks, line and paragraph separators, zero-width and tag characters.
FORBIDDEN = (
    *("\x1b", "\x07", "\u009b", "\u202e", "\u202c", "\u2066", "\u2069"),
    *("\u200e", "\u200f", "\u061c", "\u2028", "\u2029", "\u200b", "\ufeff", "\u200d"),
    "\U000e0041",
)


def hostile_collection() -> Collection:
    events = [
        make_event(f"evil-{name}", f"2017-05-{day:02d}", "incident", title, agencies=("evil",))
        for day, (name, title) in enumerate(HOSTILE_TITLES.items(), start=1)
    ]
    return Collection(
        title="Hostile \x1b]0;owned\x07 [b]log[/b]",
        agencies={"evil": Agency("evil", "[@click=app.quit]Evil[/]", aliases=("\x1b[31mEVIL",))},
        events=events,
    )


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_hostile_titles_are_drawn_literally_and_no_control_gets_out(
    size: tuple[int, int],
) -> None:
    app = WatchlineApp(collection=hostile_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
        for forbidden in FORBIDDEN:
            assert forbidden not in screen, repr(forbidden)
        lines = [app.timeline.render_line(y).text for y in range(app.timeline.row_count)]
        text = "\n".join(lines)
        assert "[@click=app.quit]press me[/]" in text
        assert "[/bold] unbalanced [red]markup" in text
        assert "clipboard ␛]52;c;aGk=␇ write" in text
        assert "screen ␛[2J clear" in text
        assert "<U+009B>" in text and "<U+202E>" in text
        assert "marks <U+200E><U+200F><U+061C>" in text
        # Clicking the row whose title looks like a quit action only moves the cursor.
        for _ in range(3):
            await pilot.click("#timeline", offset=(30, 3))
        await pilot.press("j", "k", "enter")
        await pilot.pause()
        assert app.is_running
        screen = app.export_screenshot()
        for forbidden in FORBIDDEN:
            assert forbidden not in screen, repr(forbidden)


async def test_hostile_titles_in_the_command_palette_stay_text() -> None:
    app = WatchlineApp(collection=hostile_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        provider = WatchlineCommands(app.screen)
        hits = [hit async for hit in provider.search("click")]
        prompts = [str(hit.prompt) for hit in hits]
        assert any("[@click=app.quit]press me[/]" in prompt for prompt in prompts)
        hits = [hit async for hit in provider.search("evil")]
        for hit in hits:
            for forbidden in FORBIDDEN:
                assert forbidden not in str(hit.prompt)
        # The palette itself opens and lists them without running anything.
        await pilot.press("ctrl+p", *"press")
        await pilot.pause(0.3)
        assert app.is_running


def test_safe_highlight_never_parses_markup() -> None:
    from textual.fuzzy import Matcher

    content = safe_highlight(Matcher("quit"), "[@click=app.quit]quit[/]")
    assert content.plain == "[@click=app.quit]quit[/]"
