"""Remapped keys: a keymap in the user's config.yaml moves a binding to other keys (Textual's
keymap, by binding id); the help and the footer show the user's keys; a bad entry is said
and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._footer import FooterKey

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.keymap import binding_ids, checked_keymap, key_problem
from tui.app.screens.help import HelpScreen
from tui.app.screens.pledge_board import PledgeBoard
from tui.model.log import Location
from tui.model.user_config import KeymapEntry

pytestmark = pytest.mark.anyio


def write_keymap(config_home: Path, *lines: str) -> None:
    folder = config_home / "watchline"
    folder.mkdir(parents=True, exist_ok=True)
    text = "keymap:\n" + "".join(f"  {line}\n" for line in lines)
    (folder / "config.yaml").write_text(text, encoding="utf-8")


def make_app() -> WatchlineApp:
    return WatchlineApp(collection=sample_collection(), as_of=AS_OF, remember=False)


def footer_keys(app: WatchlineApp) -> dict[str, str]:
    return {key.description: key.key_display for key in app.screen.query(FooterKey)}


async def test_a_remapped_key_works_and_the_old_one_no_longer_does(config_home: Path) -> None:
    write_keymap(config_home, "app.pledges: b", "timeline.down: n,down")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        first = app.timeline.cursor
        await pilot.press("j")  # j was next event; now only n and down are
        assert app.timeline.cursor == first
        await pilot.press("n")
        assert app.timeline.cursor == app.timeline.shown[1]
        await pilot.press("p")  # no longer the pledge board
        await pilot.pause()
        assert not isinstance(app.screen, PledgeBoard)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PledgeBoard)


async def test_help_and_footer_show_the_users_keys(config_home: Path) -> None:
    write_keymap(config_home, "app.pledges: b", "app.search: ctrl+f")
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        keys = footer_keys(app)
        assert keys["Pledges"] == "b"
        assert keys["Search"] == "^f"
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        groups = screen.binding_groups()
        assert groups["Pledges"][0][0] == "b"
        assert groups["Search"][0][0] == "^f"
        await pilot.press("escape")
        await pilot.press("ctrl+f", *"perez")
        await pilot.pause()
        assert app.query_bar.text == "perez"


async def test_bad_entries_are_said_and_skipped_the_good_ones_kept(config_home: Path) -> None:
    write_keymap(
        config_home,
        "app.serch: s",  # line 2: no such id
        "app.pledges: ctlr+b",  # line 3: no such modifier
        "app.help: f13x",  # line 4: no such key
        "app.facets: a",  # line 5: fine
    )
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        notes = [note.message for note in app._notifications]
        assert len(notes) == 1
        assert notes[0].endswith(
            "config.yaml:2:14: no key binding has the id 'app.serch'; did you mean "
            "'app.search'?; this line is skipped (and 2 more)"
        )
        assert footer_keys(app)["Facets"] == "a"
        assert footer_keys(app)["Pledges"] == "p"  # its bad line changed nothing


def test_every_key_problem_is_named() -> None:
    known = binding_ids()
    assert {"app.search", "timeline.down", "pledges.sort", "views.close", "facets.toggle"} <= set(
        known
    )
    here = Location("config.yaml", 1, 1)
    entries = [
        KeymapEntry("app.help", "F1, question_mark", here),
        KeymapEntry("app.quit", "ctrl+q,,q", here),
        KeymapEntry("app.rate", "hyper+super+R", here),
    ]
    keymap, problems = checked_keymap(entries, known)
    assert keymap == {"app.help": "f1,question_mark", "app.rate": "hyper+super+R"}
    assert [p.message for p in problems] == [
        "'ctrl+q,,q' for app.quit: an empty key (two commas, or one at the end); "
        "this line is skipped"
    ]
    assert key_problem("less_than_sign") is None
    assert key_problem("?") is None
    assert key_problem("pagedown") is None
    assert key_problem("ctrl+") is not None
