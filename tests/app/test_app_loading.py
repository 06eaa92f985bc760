"""Opening logs: the loading thread, problems on screen, the theme remembered, bad arguments."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp
from tui.app.overlays import ProblemsScreen
from tui.app.settings import load_settings, settings_path
from tui.cli import main
from tui.commands import CommandError
from tui.commands.browse import check_paths

pytestmark = pytest.mark.anyio


async def test_the_bundled_log_loads_in_a_thread(bundled_log_path: Path) -> None:
    app = WatchlineApp([bundled_log_path], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.collection is not None
        assert len(app.timeline.shown) == len(app.collection.events) > 0
        assert app.focused is app.timeline
        assert not app.timeline.loading


async def test_a_log_with_problems_lists_them_and_quits_with_code_1(tmp_path: Path) -> None:
    log = tmp_path / "broken.yaml"
    log.write_text("watchline: 1\ntitle: Broken\nevents:\n  - id: x\n    date: not-a-date\n")
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        assert app.problems and all(line.startswith(str(log)) for line in app.problems)
        assert ":5:" in app.problems[0] or any(":5:" in line for line in app.problems)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 1


async def test_the_theme_is_remembered_for_the_next_run(config_home: Path) -> None:
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert settings_path().is_relative_to(config_home)
    assert load_settings()["theme"] == "nord"
    again = WatchlineApp(collection=sample_collection(), as_of=AS_OF)
    async with again.run_test(size=(100, 30)):
        assert again.theme == "nord"


async def test_a_corrupt_settings_file_means_the_default_theme() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    app = WatchlineApp(collection=sample_collection(), as_of=AS_OF)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "gruvbox"
        await pilot.pause()
    assert json.loads(path.read_text()) == {"theme": "gruvbox"}


def test_an_unknown_saved_theme_is_ignored() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"theme": "no-such-theme"}')
    from tui.app.settings import saved_theme

    assert saved_theme({"textual-dark": None}) is None


def test_a_missing_path_is_an_error_before_the_app_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert main([str(missing)]) == 2
    assert f"watchline: error: {missing}: no such file or directory" in capsys.readouterr().err
    with pytest.raises(CommandError):
        check_paths([str(missing)])


def test_a_bad_as_of_is_a_usage_error_before_the_app_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # tests/cli/test_as_of.py holds the rest: the same --as-of as `list` and `pledges`.
    with pytest.raises(SystemExit) as exited:
        main(["--as-of", "2018-13-45"])
    assert exited.value.code == 2
    assert "argument --as-of" in capsys.readouterr().err


def test_the_tui_needs_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.commands import browse

    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    args = argparse.Namespace(paths=[], filter="", as_of=None, no_watch=False, read_only=False)
    with pytest.raises(CommandError, match="terminal"):
        browse.run(args)  # pytest's stdout is not a tty
