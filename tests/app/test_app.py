"""The whole app driven as a user would: keys, the query line, facets, links, layouts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.overlays import DetailOverlay, FacetsOverlay, JumpToDateScreen
from tui.app.screens.help import HelpScreen
from tui.app.screens.pledge_board import PledgeBoard
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.facets import FacetPanel
from tui.app.widgets.timeline import Timeline
from tui.model.log import Collection
from tui.model.text import one_line

# Pilot tests are coroutines: anyio's pytest plugin runs them on asyncio.
pytestmark = pytest.mark.anyio


def make_app(collection: Collection | None = None, **options: object) -> WatchlineApp:
    return WatchlineApp(
        collection=collection or sample_collection(),
        as_of=AS_OF,
        remember=False,
        **options,  # type: ignore[arg-type]
    )


def cursor_id(app: WatchlineApp) -> str | None:
    cursor = app.timeline.cursor
    assert app.collection is not None
    return None if cursor is None else app.collection.events[cursor].id


def count_text(app: WatchlineApp) -> str:
    return str(app.query_one("#query-count").render())


async def test_the_first_screen_shows_every_event_and_the_count() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert len(app.timeline.shown) == 12
        assert count_text(app) == "12 of 12 events"
        assert app.focused is app.timeline
        assert cursor_id(app) == "state-law"
        assert app.query_one("#detail", DetailPane).event is app.collection.events[0]


async def test_slash_searches_as_you_type_and_escape_returns_to_the_timeline() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"negron")
        await pilot.pause()
        shown = [app.collection.events[i].id for i in app.timeline.shown]
        assert shown == ["negron-shooting", "court-ruling"]
        assert count_text(app) == "2 of 12 events"
        await pilot.press("escape")
        assert app.focused is app.timeline
        assert app.query_text == "negron"


async def test_enter_in_the_query_line_returns_to_the_timeline() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"kind:pledge", "enter")
        await pilot.pause()
        assert app.focused is app.timeline
        assert cursor_id(app) == "pledge-funding"


async def test_a_malformed_query_shows_its_error_in_place_and_keeps_the_last_result() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        bar = app.query_bar
        bar.input.value = "agency:bpd"  # as if pasted
        await pilot.pause()
        assert len(app.timeline.shown) == 8
        bar.input.value = "agency:bpd agnecy:usdoj"
        await pilot.pause()
        assert bar.has_class("-error")
        error = str(app.query_one("#query-error").render())
        assert "agnecy" in error and "(showing the last match: agency:bpd)" in error
        assert len(app.timeline.shown) == 8  # the last good result
        assert app.query_text == "agency:bpd"
        bar.input.value = "agency:usdoj"
        await pilot.pause()
        assert not bar.has_class("-error")
        assert len(app.timeline.shown) == 3


async def test_a_typo_typed_key_by_key_keeps_the_last_query_that_matched() -> None:
    # Typed a key at a time, "agnecy" parses as a word that matches nothing on its way to
    # "agnecy:": the error must leave the events of the last query that matched on screen.
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash", *"kind:pledge agnecy:bpd")
        await pilot.pause()
        bar = app.query_bar
        assert bar.has_class("-error")
        # "kind:pledge a" matched (the word "apply"); "kind:pledge agnecy" matched nothing.
        assert app.query_text.startswith("kind:pledge a")
        assert [app.collection.events[i].id for i in app.timeline.shown] == ["pledge-funding"]
        error = str(app.query_one("#query-error").render())
        assert f"(showing the last match: {app.query_text})" in error
        await pilot.press("ctrl+u")  # the empty query: every event
        bar.input.value = "agnecy:"  # pasted
        await pilot.pause()
        assert len(app.timeline.shown) == len(app.collection.events)
        assert "(showing every event)" in str(app.query_one("#query-error").render())


async def test_filter_option_starts_with_the_query_and_c_clears_it() -> None:
    app = make_app(query="agency:usdoj")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.query_bar.text == "agency:usdoj"
        assert count_text(app) == "3 of 12 events"
        await pilot.press("c")
        await pilot.pause()
        assert app.query_bar.text == ""
        assert len(app.timeline.shown) == 12


async def test_the_cursor_stays_on_its_event_when_the_query_keeps_it() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.timeline.cursor = app.collection.index["trooper-rollout"]
        await pilot.press("slash", *"agency:usdoj", "escape")
        await pilot.pause()
        assert cursor_id(app) == "trooper-rollout"


async def test_toggling_a_facet_value_edits_the_query() -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        panel = app.query_one("#facets", FacetPanel)
        assert app.focused is panel
        await pilot.pause()
        assert panel.highlighted == 1  # opened on the first value, past the "Agency" heading
        await pilot.press("enter")  # the first agency: BPD, 8 events
        await pilot.pause()
        assert app.query_text == "agency:bpd"
        assert len(app.timeline.shown) == 8
        panel.post_message(FacetPanel.Toggled(panel, "agency", "bpd"))
        await pilot.pause()
        assert app.query_text == ""
        assert len(app.timeline.shown) == 12


async def test_enter_follows_a_related_link_and_backspace_comes_back() -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        app.timeline.cursor = app.collection.index["negron-shooting"]
        await pilot.pause()
        await pilot.press("enter")
        detail = app.query_one("#detail", DetailPane)
        assert detail.has_focus_within
        related = detail.query_one("#detail-related")
        related.focus()
        await pilot.pause()
        assert detail.related_ids[0] == "conect-forum"
        await pilot.press("enter")
        await pilot.pause()
        assert cursor_id(app) == "conect-forum"
        assert app.back_stack == ["negron-shooting"]
        await pilot.press("backspace")
        await pilot.pause()
        assert cursor_id(app) == "negron-shooting"
        assert app.back_stack == []


async def test_a_link_to_an_event_the_query_hides_says_so() -> None:
    app = make_app(query="kind:shooting")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        detail = app.query_one("#detail", DetailPane)
        detail.post_message(DetailPane.FollowRelated(detail, "conect-forum"))
        await pilot.pause()
        assert cursor_id(app) == "negron-shooting"
        assert app.back_stack == []
        assert any("hides" in n.message for n in app._notifications)


@pytest.mark.parametrize(
    ("size", "facets", "detail"),
    [
        ((80, 24), False, False),
        ((79, 40), False, False),
        ((90, 30), False, False),
        ((100, 30), False, True),
        ((120, 40), False, True),
        ((139, 40), False, True),
        ((140, 40), True, True),
        ((160, 50), True, True),
        ((200, 60), True, True),
    ],
)
async def test_the_layout_follows_the_terminal_size(
    size: tuple[int, int], facets: bool, detail: bool
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        # A pane the layout has no room for is hidden, or not even mounted yet.
        assert any(pane.display for pane in app.query("#facets")) is facets
        assert any(pane.display for pane in app.query("#detail")) is detail
        timeline = app.query_one(Timeline)
        if not detail:
            assert timeline.size.width == size[0]
        else:
            # The timeline keeps the larger share and about 60 columns beside the panes.
            assert timeline.outer_size.width >= 59
            assert timeline.outer_size.width > app.query_one("#detail").outer_size.width
            if facets:
                assert timeline.outer_size.width > app.query_one("#facets").outer_size.width


def cut_titles(lines: list[str], titles: list[str]) -> list[tuple[str, str]]:
    """(what a row shows before its "…", the whole title) for each row whose title is cut."""
    found = []
    for line in lines:
        if "\u2026" not in line:
            continue
        head = line[: line.index("\u2026")]
        best = max(
            (
                (k, title)
                for title in titles
                for k in range(len(title) - 1, 7, -1)
                if head.endswith(title[:k])
            ),
            default=None,
        )
        if best is not None:  # else an agency name is what was cut
            found.append((best[1][: best[0]], best[1]))
    return found


@pytest.mark.parametrize(
    ("size", "least_cut"), [((80, 24), 5), ((120, 40), 5), ((200, 60), 0)], ids=str
)
async def test_titles_are_cut_between_words_and_dates_keep_their_year(
    bundled_log_path: Path, size: tuple[int, int], least_cut: int
) -> None:
    app = WatchlineApp([bundled_log_path], as_of=AS_OF, remember=False)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        timeline = app.timeline
        if size[0] >= 100:
            assert timeline.size.width >= 60
        collection = app.collection
        assert collection is not None
        lines: list[str] = []
        # Every row of the log, screen by screen.
        for _ in range(len(collection.events) // max(1, timeline.size.height - 2) + 2):
            lines += [timeline.render_line(y).text for y in range(timeline.size.height)]
            await pilot.press("pagedown")
            await pilot.pause()
        titles = [one_line(event.title) for event in collection.events]
    cut = cut_titles(lines, titles)
    for kept, whole in cut:
        # A word ends where it is cut (a comma or semicolon after it is left out).
        assert re.match(r"[,;:\u2013\u2014/-]*\s", whole[len(kept) :]), (kept, whole)
    assert len(cut) >= least_cut
    text = "\n".join(lines)
    assert "Feb\u2013Apr 2018" in text or "1 Feb - 30 Apr 2018" in text  # never "1 Feb - 30 Ap…"
    assert " Ap\u2026" not in text


async def test_facets_name_an_agency_short_where_its_full_name_does_not_fit(
    bundled_log_path: Path,
) -> None:
    app = WatchlineApp([bundled_log_path], as_of=AS_OF, remember=False)
    async with app.run_test(size=(200, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.query_one("#facets", FacetPanel)
        lines = [panel.render_line(y).text for y in range(panel.size.height)]
    text = "\n".join(lines)
    assert "Bridgeport PD" in text
    assert "Bridgeport Police Dep" not in text
    assert "ACLU of Connecticut" in text  # it fits whole


async def test_widening_the_terminal_brings_in_the_panes() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j")
        assert not app.query("#detail")
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        await pilot.pause()
        assert app.query_one("#facets").display and app.query_one("#detail").display
        assert app.query_one("#detail", DetailPane).event is app.collection.events[1]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.query_one("#detail").display


async def test_on_a_small_terminal_details_and_facets_open_over_the_timeline() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailOverlay)
        overlay_pane = app.screen.query_one(DetailPane)
        assert overlay_pane.event is app.collection.events[1]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DetailOverlay)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FacetsOverlay)
        panel = app.screen.query_one(FacetPanel)
        assert app.focused is panel
        await pilot.pause()
        assert panel.highlighted == 1  # opened on the first value, past the "Agency" heading
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_text == "agency:bpd"
        assert len(app.timeline.shown) == 8
        await pilot.press("c")
        await pilot.pause()
        assert app.query_text == ""
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.focused is app.timeline


async def test_related_links_in_the_overlay_follow_and_come_back() -> None:
    app = make_app()
    async with app.run_test(size=(70, 24)) as pilot:
        app.timeline.cursor = app.collection.index["negron-shooting"]
        await pilot.press("enter")
        await pilot.pause()
        pane = app.screen.query_one(DetailPane)
        pane.post_message(DetailPane.FollowRelated(pane, "conect-forum"))
        await pilot.pause()
        assert cursor_id(app) == "conect-forum"
        assert pane.event is app.collection.events[app.collection.index["conect-forum"]]
        await pilot.press("backspace")
        await pilot.pause()
        assert pane.event is app.collection.events[app.collection.index["negron-shooting"]]


async def test_t_jumps_to_a_date_and_explains_a_date_it_cannot_read() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, JumpToDateScreen)
        await pilot.press(*"May 2017", "enter")
        await pilot.pause()
        assert isinstance(app.screen, JumpToDateScreen)  # not EDTF: an error, a suggestion
        assert str(app.screen.query_one("#jump-error").render())
        assert app.screen.query_one("#jump-input", Input).value == "2017-05"
        await pilot.press("enter")
        await pilot.pause()
        assert cursor_id(app) == "negron-shooting"
        await pilot.press("t", *"2018", "enter")
        await pilot.pause()
        assert cursor_id(app) == "doj-grant"
        await pilot.press("t", "escape")
        await pilot.pause()
        assert cursor_id(app) == "doj-grant"


async def test_p_opens_the_pledge_board_and_its_choice_moves_the_cursor() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PledgeBoard)
        app.screen.dismiss("pledge-funding")
        await pilot.pause()
        assert cursor_id(app) == "pledge-funding"


async def test_question_mark_opens_the_help() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_month_and_year_keys_work_from_the_app() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("right_curly_bracket")
        assert cursor_id(app) == "negron-shooting"
        await pilot.press("right_square_bracket")
        assert cursor_id(app) == "summer-protests"
        await pilot.press("G", "left_curly_bracket")
        assert cursor_id(app) == "court-ruling"


async def test_q_quits() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_read_only_session_writes_no_screenshot(tmp_path: Path) -> None:
    """A served session may not write files: no Screenshot in the palette, none by action."""
    app = make_app(read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Keys" in titles
        app.action_screenshot("shot.svg", str(tmp_path))
        await pilot.pause()
        assert list(tmp_path.iterdir()) == []
        assert any(
            "not available in a served session" in str(n.message) for n in app._notifications
        )
    writable = make_app()
    async with writable.run_test(size=(100, 30)):
        assert "Screenshot" in [c.title for c in writable.get_system_commands(writable.screen)]


async def test_escape_brings_the_keys_back_to_the_timeline_from_any_pane() -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert app.query_one("#detail", DetailPane).has_focus_within
        await pilot.press("escape")
        assert app.focused is app.timeline
        await pilot.press("f")
        assert app.focused is app.query_one("#facets", FacetPanel)
        await pilot.press("escape")
        assert app.focused is app.timeline
        await pilot.press("slash", "escape")
        assert app.focused is app.timeline


@pytest.mark.parametrize("typed", ["/perez", "/from:2018-06/2018-08"])
async def test_keys_that_arrive_with_the_slash_go_to_the_search(typed: str) -> None:
    """Typed fast, pasted, or in one read over a slow link: "/perez" searches for "perez"
    (and does not open the pledge board with its `p`); "/" inside a query stays text."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for character in typed:  # all queued before the app handles the first
            app.post_message(events.Key("slash" if character == "/" else character, character))
        await pilot.pause(0.3)
        assert len(app.screen_stack) == 1
        assert app.query_bar.input.value == typed[1:]
