"""What got in a newcomer's way (issue 15, item 4), each as they would meet it: the detail
overlay scrolled with j/k, URLs kept whole, a day said once, a focused link that reads
without colour, a screenshot saved where it can be found, a jump past the last event, and
a message that arrives after the density strip is gone."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from textual.color import Color
from textual.content import Content
from textual.filter import Monochrome
from textual.style import Style
from textual.widgets import Input, OptionList, Static

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.overlays import DetailOverlay, JumpToDateScreen
from tui.app.widgets.density import DensityStrip
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.facets import FacetPanel
from tui.model.load import load_paths
from tui.model.log import Collection, Source

pytestmark = pytest.mark.anyio

LONG_URL = (
    "https://connecticut.news12.com/judge-sentences-ex-bridgeport-police-chief-to-12-months"
    "-and-1-day-in-prison-for-rigging-police-chief-exam"
)


def bundled(path: Path) -> Collection:
    collection = load_paths([path]).collection
    assert collection is not None
    return collection


def with_long_url() -> Collection:
    collection = sample_collection()
    collection.sources["news12"] = Source("news12", "Judge sentences ex-chief", url=LONG_URL)
    event = collection.event("court-ruling")
    assert event is not None
    event.sources = ("news12",)
    return collection


async def test_j_and_k_scroll_the_detail_overlay_at_80x24(bundled_log_path: Path) -> None:
    app = WatchlineApp(collection=bundled(bundled_log_path), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.go_to_event("negron-shooting")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, DetailOverlay)
        pane = app.screen.query_one(DetailPane)
        assert pane.max_scroll_y > 2  # more than one screen of details
        await pilot.press("j", "j", "j")
        await pilot.wait_for_scheduled_animations()
        assert pane.scroll_y == 3
        await pilot.press("k")
        await pilot.wait_for_scheduled_animations()
        assert pane.scroll_y == 2
        assert app.collection.events[app.timeline.cursor].id == "negron-shooting"


async def test_a_long_url_stays_on_one_line_shortened_and_whole_in_its_link() -> None:
    app = WatchlineApp(collection=with_long_url(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.go_to_event("court-ruling")
        await pilot.pause(0.3)
        more = app.query_one("#detail-more", Static).content
        assert isinstance(more, Content)
        url_lines = [line for line in more.plain.splitlines() if "news12" in line]
        assert len(url_lines) == 1  # not wrapped onto a second line mid-word
        shown = url_lines[0].strip()
        assert "…" in shown and shown.endswith("chief-exam")
        assert shown.startswith("connecticut.news12.com/judge")
        pane_width = app.query_one("#detail", DetailPane).scrollable_content_region.width
        assert len(url_lines[0]) <= pane_width
        links = {span.style.link for span in more.spans if isinstance(span.style, Style)}
        assert LONG_URL in links


async def test_a_day_is_said_once() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.go_to_event("negron-shooting")
        await pilot.pause(0.3)
        body = app.query_one("#detail-body", Static).content
        assert isinstance(body, Content)
        when = [line for line in body.plain.splitlines() if line.startswith("When")]
        assert when == ["When      9 May 2017"]


def contrast(one: Color, other: Color) -> float:
    """The WCAG contrast ratio of two colours."""
    lighter, darker = sorted((one.brightness, other.brightness), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def test_the_focused_related_link_reads_without_colour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(160, 50)) as pilot:
        assert app.no_color
        assert app.go_to_event("negron-shooting")
        await pilot.pause(0.3)
        related = app.query_one("#detail-related", OptionList)
        related.focus()
        await pilot.pause()
        assert related.highlighted == 0
        # What the terminal gets: Textual greys every colour under NO_COLOR.
        segments = Monochrome().apply(list(related.render_line(0)), Color(0, 0, 0))
        texts = [s for s in segments if s.text.strip() and s.style is not None]
        assert any("CONECT forum" in s.text for s in texts)
        for segment in texts:
            assert segment.style is not None
            fg = Color.from_rich_color(segment.style.color)
            bg = Color.from_rich_color(segment.style.bgcolor)
            assert contrast(fg, bg) >= 4.5, (segment.text, fg, bg)


async def test_a_screenshot_without_a_downloads_folder_goes_to_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no ~/Downloads, no user-dirs.dirs
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(work)
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_screenshot("shot.svg")
        await pilot.pause()
        assert (work / "shot.svg").read_text(encoding="utf-8").startswith("<svg")
        notes = [n.message for n in app._notifications]
        assert f"Screenshot saved to {work / 'shot.svg'}" in notes
        (home / "Downloads").mkdir()
        app.action_screenshot("again.svg")
        assert (home / "Downloads" / "again.svg").is_file()


async def test_a_jump_past_the_last_event_says_so_and_the_error_clears_when_corrected() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.timeline.cursor
        await pilot.press("t", *"2030", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, JumpToDateScreen)  # still open: nothing to land on
        error = screen.query_one("#jump-error", Static)
        assert str(error.render()) == (
            "No event on or after 1 Jan 2030: the last one shown is on 31 Dec 2019"
        )
        assert app.timeline.cursor == before
        await pilot.press("backspace")  # corrected: the message about 2030 goes
        await pilot.pause()
        assert str(error.render()) == ""
        field = screen.query_one("#jump-input", Input)
        field.value = ""
        await pilot.press(*"May 2019", "enter")
        await pilot.pause()
        assert field.value == "2019-05"
        assert str(error.render()) == "Read 'May 2019' as 2019-05: enter accepts it"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, JumpToDateScreen)
        day = app.collection.events[app.timeline.cursor].date.lower
        assert day >= datetime.date(2019, 5, 1)


async def test_a_cursor_move_after_the_density_strip_is_gone_is_no_crash() -> None:
    # A reload or the app closing can take the strip away while a Highlighted message
    # from the timeline is still queued (seen as NoMatches 'DensityStrip' under load).
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.query_one(DensityStrip).remove()
        await pilot.press("j", "j")
        await pilot.pause(0.2)
        assert app.is_running
        assert (
            app.collection.events[app.timeline.cursor].id
            == app.collection.events[app.timeline.shown[2]].id
        )
    assert os.environ.get("NO_COLOR") is None


async def test_facets_open_on_their_first_value_and_enter_chooses_it() -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        panel = app.screen.query_one(FacetPanel)
        assert panel.has_focus and panel.highlighted is not None
        shown = str(panel.get_option_at_index(panel.highlighted).prompt)
        assert "Bridgeport" in shown  # the Agency facet's first value, not its heading
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_text == "agency:bpd"
