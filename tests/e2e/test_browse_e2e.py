"""The installed `watchline` in a real pty, read back through pyte as a person would see it.

Each test starts the program once and stays well under ten seconds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, installed_watchline

pytestmark = pytest.mark.e2e

AS_OF = ["--as-of", "2026-01-01"]
COUNT = re.compile(r"(\d+) of (\d+) events?")


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    """Every terminal a test opens is closed, even when the test fails."""
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


def open_terminal(terminals: list[Terminal], args: list[str], **options: object) -> Terminal:
    terminal = Terminal(args, **options)  # type: ignore[arg-type]
    terminals.append(terminal)
    return terminal


def counts(text: str) -> tuple[int, int]:
    match = COUNT.search(text)
    assert match, text
    return int(match.group(1)), int(match.group(2))


def test_ci_drives_the_installed_command() -> None:
    """In CI (the README's test command installs the package) these tests must run the
    console script users get, not a stand-in from the checkout."""
    if not os.environ.get("CI"):
        pytest.skip("outside CI, the tests fall back to `python -m tui` when not installed")
    assert installed_watchline() is not None


def test_the_first_screen_shows_the_bundled_timeline(terminals: list[Terminal]) -> None:
    terminal = open_terminal(terminals, AS_OF)
    terminal.wait_for("Jayson Negron")
    screen = terminal.wait_for("Quit")  # the footer
    shown, total = counts(screen)
    assert shown == total > 10
    assert "2017 ─" in screen  # a year heading
    assert "9 May 2017" in screen  # a date at its precision
    assert terminal.close() == 0


def test_slash_and_text_filters_the_timeline(terminals: list[Terminal]) -> None:
    terminal = open_terminal(terminals, AS_OF)
    terminal.wait_for("Jayson Negron")
    total = counts(terminal.text)[1]
    terminal.send("/")
    terminal.send("troopers")
    terminal.pump(quiet=0.3)
    shown, _ = counts(terminal.text)
    assert 0 < shown < total
    terminal.send("\x1b")  # escape: back to the timeline
    terminal.pump(quiet=0.3)
    terminal.send("c")
    terminal.pump(quiet=0.3)
    assert counts(terminal.text) == (total, total)


def test_the_filter_option_narrows_the_timeline(terminals: list[Terminal]) -> None:
    terminal = open_terminal(terminals, [*AS_OF, "--filter", "kind:pledge"])
    screen = terminal.wait_for("events")
    shown, total = counts(screen)
    assert 0 < shown < total
    assert "kind:pledge" in screen
    assert "Perez pledges" in screen


def test_no_color_on_the_linux_console_still_draws(terminals: list[Terminal]) -> None:
    terminal = open_terminal(terminals, AS_OF, env={"NO_COLOR": "1", "TERM": "linux"})
    screen = terminal.wait_for("Jayson Negron")
    assert counts(screen)[0] > 0
    terminal.send("j")
    terminal.pump(quiet=0.3)
    raw = bytes(terminal.raw)
    # Textual honours NO_COLOR by drawing in greys: no 256-colour or truecolour codes, and
    # of the 16 ANSI colours only black, white and their bright forms.
    assert not re.search(rb"\x1b\[[0-9;]*(38|48);[25];", raw)
    greys = {b"30", b"37", b"39", b"90", b"97", b"40", b"47", b"49", b"100", b"107"}
    for params in re.findall(rb"\x1b\[([0-9;]*)m", raw):
        colours = {p for p in params.split(b";") if p[:1] in b"3 4 9 1".split() and len(p) >= 2}
        assert colours <= greys, params
    assert terminal.running


def test_a_missing_path_is_a_clear_error(terminals: list[Terminal], tmp_path: Path) -> None:
    terminal = open_terminal(terminals, [str(tmp_path / "missing.yaml")])
    terminal.pump(quiet=0.3)
    assert "no such file or directory" in terminal.text
    assert "Traceback" not in terminal.text
    terminal.child.expect(["\\$", pytest.importorskip("pexpect").EOF], timeout=5)
    terminal.child.close()
    assert terminal.child.exitstatus == 2


HOSTILE_LOG = """\
watchline: 1
title: "Hostile [b]log[/b] \\u202eevil"
agencies:
  evil: {name: "[@click=app.quit]Evil[/]", aliases: ["EVL"]}
sources:
  src: {title: "A source", publisher: "Someone"}
events:
  - {id: click, date: 2017-05-01, kind: incident, title: "[@click=app.quit]press me[/]", agencies: [evil], sources: [src]}
  - {id: markup, date: 2017-05-02, kind: incident, title: "[/bold] unbalanced [red]markup", sources: [src]}
  - {id: bidi, date: 2017-05-03, kind: incident, title: "bidi \\u202eevil\\u202c and \\u2066isolate\\u2069", sources: [src]}
"""
# The loader refuses ESC and C1 characters in a log (tests/app/test_app_safety.py draws
# them from memory); a file that holds them must not get them to the terminal either.
CONTROL_LOG = """\
watchline: 1
title: Controls
sources:
  src: {title: "A source"}
events:
  - {id: osc52, date: 2017-05-03, kind: incident, title: "clipboard \\e]52;c;aGk=\\a write", sources: [src]}
  - {id: clear, date: 2017-05-04, kind: incident, title: "screen \\e[2J clear", sources: [src]}
  - {id: c1, date: 2017-05-05, kind: incident, title: "c1 \\x9b31m csi", sources: [src]}
"""
FORBIDDEN = (
    b"\x1b]52",
    b"\xc2\x9b",
    b"\xe2\x80\xae",
    b"\xe2\x80\xac",
    b"\xe2\x81\xa6",
    b"\xe2\x81\xa9",
)


def test_hostile_titles_show_literally_and_nothing_reaches_the_terminal(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    log = tmp_path / "hostile.yaml"
    log.write_text(HOSTILE_LOG, encoding="utf-8")
    terminal = open_terminal(terminals, [*AS_OF, str(log)])
    screen = terminal.wait_for("press me")
    assert "[@click=app.quit]press me[/]" in screen
    assert "[/bold] unbalanced [red]markup" in screen
    assert "<U+202E>" in screen
    terminal.send("jjkj\r")  # walk over the rows and open the details
    terminal.pump(quiet=0.4)
    assert terminal.running
    raw = bytes(terminal.raw)
    for sequence in FORBIDDEN:
        assert sequence not in raw, sequence


def test_control_characters_in_a_log_are_reported_not_sent(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    log = tmp_path / "controls.yaml"
    log.write_text(CONTROL_LOG, encoding="utf-8")
    terminal = open_terminal(terminals, [*AS_OF, str(log)])
    screen = terminal.wait_for("problem")
    assert "control character" in screen
    terminal.send("q")
    terminal.pump(quiet=0.5)
    raw = bytes(terminal.raw)
    for sequence in FORBIDDEN:
        assert sequence not in raw, sequence
    terminal.child.expect(pytest.importorskip("pexpect").EOF, timeout=5)
    terminal.child.close()
    assert terminal.child.exitstatus == 1
