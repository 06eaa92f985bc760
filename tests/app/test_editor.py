"""`e` opens the user's editor at the event's line, and the app reloads what was saved.

The editor is a small script set as $VISUAL: it records the arguments it was given and,
like a person would, adds an event to the log before it exits.
"""

from __future__ import annotations

import json
import stat
import sys
import time
from pathlib import Path

import pytest

from tests.app.conftest import AS_OF
from tui.app.app import WatchlineApp
from tui.app.editor import EditorError, editor_command
from tui.app.widgets.detail import DetailPane

pytestmark = pytest.mark.anyio

LOG = """\
watchline: 1
title: Editing
sources:
  s1: {title: A source}
events:
  - id: first
    date: 2017-05-01
    kind: other
    title: The first event
    sources: [s1]

  - id: second   # the editor opens here: line 12
    date: 2017-06-01
    kind: other
    title: The second event
    sources: [s1]
"""
ADDED = """\
  - id: added-in-the-editor
    date: 2018-01-01
    kind: other
    title: Written in the editor
    sources: [s1]
"""


def executable(folder: Path, name: str, body: str = "exit 0\n") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_editor(tmp_path: Path) -> tuple[Path, Path]:
    """A Python 'editor' that writes its argv to a JSON file and appends ADDED to the file."""
    record = tmp_path / "argv.json"
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"json.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n"
        f"open(sys.argv[-1], 'a').write({ADDED!r})\n"
    )
    script.chmod(0o755)
    return script, record


# -- the command line -------------------------------------------------------------------------


def test_visual_comes_before_editor_and_the_line_is_plus_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    executable(bin_dir, "vim")
    executable(bin_dir, "nano")
    env = {"PATH": str(bin_dir), "VISUAL": "vim -u NONE", "EDITOR": "nano"}
    command = editor_command("log.yaml", 12, env)
    assert command.argv == ("vim", "-u", "NONE", "+12", "log.yaml")
    assert command.origin == "$VISUAL"
    del env["VISUAL"]
    assert editor_command("log.yaml", 12, env).argv == ("nano", "+12", "log.yaml")


def test_editors_that_take_the_line_another_way_and_wait(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("code", "subl", "hx", "kate"):
        executable(bin_dir, name)
    path = str(bin_dir)
    assert editor_command("a b.yaml", 7, {"PATH": path, "EDITOR": "code"}).argv == (
        "code",
        "--wait",
        "--goto",
        "a b.yaml:7",
    )
    # Already told to wait: not twice.
    assert editor_command("f.yaml", 7, {"PATH": path, "EDITOR": "subl -w"}).argv == (
        "subl",
        "-w",
        "f.yaml:7",
    )
    assert editor_command("f.yaml", 7, {"PATH": path, "EDITOR": "hx"}).argv == ("hx", "f.yaml:7")
    assert editor_command("f.yaml", 7, {"PATH": path, "EDITOR": "kate"}).argv == (
        "kate",
        "-l",
        "7",
        "f.yaml",
    )
    assert editor_command("f.yaml", None, {"PATH": path, "EDITOR": "kate"}).argv == (
        "kate",
        "f.yaml",
    )


def test_without_visual_or_editor_nano_then_vi(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    executable(bin_dir, "vi")
    command = editor_command("f.yaml", 3, {"PATH": str(bin_dir), "EDITOR": "  "})
    assert command.argv == ("vi", "+3", "f.yaml") and command.origin == "the fallback"
    executable(bin_dir, "nano")
    assert editor_command("f.yaml", 3, {"PATH": str(bin_dir)}).argv[0] == "nano"


def test_a_missing_or_malformed_editor_is_a_clear_message(tmp_path: Path) -> None:
    empty = str(tmp_path)
    with pytest.raises(EditorError, match=r"No editor found: set \$VISUAL or \$EDITOR"):
        editor_command("f.yaml", 1, {"PATH": empty})
    with pytest.raises(EditorError, match=r"'emacs' \(from \$EDITOR\) was not found"):
        editor_command("f.yaml", 1, {"PATH": empty, "EDITOR": "emacs -nw"})
    with pytest.raises(EditorError, match=r"\$VISUAL is not a command line"):
        editor_command("f.yaml", 1, {"PATH": empty, "VISUAL": "vim 'unclosed"})


# -- in the app -------------------------------------------------------------------------------


async def wait_until(pilot, condition, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


async def test_e_opens_the_editor_at_the_events_line_and_reloads_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    script, record = fake_editor(tmp_path)
    monkeypatch.setenv("VISUAL", str(script))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: app.collection is not None)
        assert app.go_to_event("second")
        await pilot.press("e")
        assert json.loads(record.read_text()) == ["+12", str(log)]
        # Reloaded after the editor, even with the watcher off.
        assert await wait_until(pilot, lambda: app.collection.event("added-in-the-editor"))
        assert app.collection.event("second").location.line == 12  # type: ignore[union-attr]
        # The cursor stayed on the event, and the detail pane shows the reloaded one.
        detail = app.query_one("#detail", DetailPane)
        assert await wait_until(pilot, lambda: detail.event is app.collection.event("second"))
        assert any("+1 event" in str(n.message) for n in app._notifications)


async def test_an_editor_that_is_not_installed_is_a_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    monkeypatch.setenv("VISUAL", str(tmp_path / "no-such-editor"))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: app.collection is not None)
        await pilot.press("e")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("no-such-editor" in m and "was not found" in m for m in messages), messages
        assert log.read_text() == LOG


async def test_a_served_session_refuses_e_and_r(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    script, record = fake_editor(tmp_path)
    monkeypatch.setenv("VISUAL", str(script))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, read_only=True, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(pilot, lambda: app.collection is not None)
        await pilot.press("e", "r")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert "Editing is not available in a served session" in messages
        assert "Rating is not available in a served session" in messages
        assert len(app.screen_stack) == 1
    assert not record.exists()
    assert log.read_text() == LOG
