"""The help screen: every key that works beneath it, in the user's words, grouped by purpose;
and a footer that says the keys that matter where the focus is."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.overlays import ProblemsScreen
from tui.app.screens.help import GROUPS, HelpScreen, help_for_binding
from tui.app.screens.pledge_board import PledgeBoard
from tui.app.widgets.facets import FacetPanel
from tui.app.widgets.problems_panel import ProblemsPanel
from tui.app.widgets.timeline import Timeline

# Textual's own plumbing, which a newcomer has no use for, and class names as headings.
NOT_FOR_THE_USER = ("Focus Next", "Focus Previous", "Copy selected text", "DataTable", "Select")


def make_app() -> WatchlineApp:
    return WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)


def help_text(screen: HelpScreen) -> str:
    return "\n".join(
        screen.query_one(selector, Static).content.plain  # type: ignore[union-attr]
        for selector in ("#help-keys", "#help-query")
    )


def keys_of(groups: dict[str, list[tuple[str, str]]], group: str) -> list[str]:
    return [key for keys, _ in groups.get(group, []) for key in keys.split()]


async def open_help(app: WatchlineApp, pilot) -> HelpScreen:  # type: ignore[no-untyped-def]
    await pilot.press("question_mark")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return screen


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_help_over_the_timeline_lists_every_group_and_the_keys_help_disables(
    size: tuple[int, int],
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        screen = await open_help(app, pilot)
        groups = screen.binding_groups()
        text = help_text(screen)
        # While the help is open these keys are off (check_action): the help read them before.
        beneath = app.screen_stack[0].active_bindings
        assert "slash" not in beneath or not beneath["slash"].enabled
    for group in ("Search", "Date", "Facets", "Pledges", "Edit", "Rate"):
        assert group in groups, group
        assert f"\n{group}\n" in f"\n{text}\n"
    assert "/" in keys_of(groups, "Search")
    assert "t" in keys_of(groups, "Date")
    assert keys_of(groups, "Facets") == ["f"]
    assert keys_of(groups, "Pledges") == ["p"]
    assert keys_of(groups, "Edit") == ["e"]
    assert keys_of(groups, "Rate") == ["r"]
    assert {"j", "k", "g", "G"} <= set(keys_of(groups, "Moving"))
    assert {"?", "q"} <= set(keys_of(groups, "Anywhere"))
    assert list(groups) == [group for group in GROUPS if group in groups]
    for unwanted in NOT_FOR_THE_USER:
        assert unwanted not in text, unwanted
    # Keys bound nowhere here: h (only with --since), x (only with a problems panel).
    every_key = {key for rows in groups.values() for keys, _ in rows for key in keys.split()}
    assert "h" not in every_key and "x" not in every_key
    # The query guide is still there.
    assert "status:overdue" in text and "kind:pledge,grant" in text and "-kind:statement" in text


async def test_help_over_the_pledge_board_lists_its_keys_in_words() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PledgeBoard)
        screen = await open_help(app, pilot)
        groups = screen.binding_groups()
        text = help_text(screen)
    board = dict((words, keys) for keys, words in groups["Pledge board"])
    assert board["Show the pledge on the timeline"] == "⏎"
    assert board["As of a month earlier"] == "<" and board["As of a month later"] == ">"
    assert board["Sort by the next column"] == "s" and board["Reverse the sort"] == "S"
    assert set(board["Back to the timeline"].split()) == {"q", "esc"}
    assert ("↓", "Next pledge") in groups["Moving"]
    # Over the board / t f p e r do nothing, so the help does not offer them.
    assert not {"Search", "Date", "Facets", "Pledges", "Edit", "Rate"} & set(groups)
    for unwanted in (*NOT_FOR_THE_USER, "Cursor up", "Page Left"):
        assert unwanted not in text, unwanted


async def test_help_over_the_facets_says_how_to_toggle() -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.focused, FacetPanel)
        groups = (await open_help(app, pilot)).binding_groups()
    toggles = dict((words, keys) for keys, words in groups["Facets"])
    assert toggles["Add or take out a value (a heading folds)"] == "space/⏎"


@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_escape_q_and_question_mark_close_help(key: str) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running


@pytest.mark.parametrize(
    "owner", [WatchlineApp, Timeline, FacetPanel, PledgeBoard, ProblemsPanel, ProblemsScreen]
)
def test_every_key_of_ours_has_words_in_the_help(owner: type) -> None:
    """A key added without words for the help would go missing from it: this says so."""
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding)
        found = help_for_binding(owner, None, binding.action)
        assert found is not None, (owner.__name__, binding.action)


# -- the footer ----------------------------------------------------------------------------


def footer_keys(app: WatchlineApp) -> dict[str, FooterKey]:
    return {key.key: key for key in app.screen.query_one(Footer).query(FooterKey)}


async def test_the_footer_says_enter_and_escape_in_the_query_line() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.pause()
        keys = footer_keys(app)
        assert keys["enter"].description == "Search"
        assert keys["escape"].description == "Timeline"
        await pilot.press(*"negron", "escape")
        await pilot.pause()
        assert app.focused is app.timeline
        assert app.query_text == "negron"


async def test_the_footer_says_how_to_toggle_over_the_facets() -> None:
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        toggles = [key for key in footer_keys(app).values() if key.action == "select"]
    assert [(key.key_display, key.description) for key in toggles] == [("space/⏎", "Toggle")]


async def test_the_board_footer_fits_80_columns() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        shown = [key for key in keys if not key.has_class("-command-palette")]
        assert {key.key for key in shown} >= {"less_than_sign", "s", "escape", "question_mark"}
        assert palette
        right_edge = max(key.region.right for key in shown)
        assert right_edge <= palette[0].region.x
