"""Load progress on stderr: shown on a terminal when a load is slow, never in a pipe."""

from __future__ import annotations

import io

import pytest

import tui.commands.progress as progress_module
from tui.commands.progress import load_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_no_progress():
    stream = io.StringIO()
    with load_progress(stream=stream) as progress:
        assert progress is None
    assert stream.getvalue() == ""


def test_a_quick_load_shows_nothing():
    stream = Terminal()
    with load_progress(stream=stream) as progress:
        assert progress is not None
        progress(50, 100)
        progress(100, 100)
    assert stream.getvalue() == ""


def test_a_slow_load_shows_a_percentage_then_clears_the_line(monkeypatch: pytest.MonkeyPatch):
    clock = iter([0.0, 0.6, 0.65, 0.8])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    stream = Terminal()
    with load_progress("reading", stream=stream) as progress:
        assert progress is not None
        progress(25 * 2**20, 100 * 2**20)  # 0.6 s: shown
        progress(30 * 2**20, 100 * 2**20)  # 0.65 s: too soon after the last line
        progress(100 * 2**20, 100 * 2**20)  # 0.8 s: shown
    lines = stream.getvalue().split("\r")
    assert lines[1:] == [
        "watchline: reading  25% (25.0 of 100.0 MB)",
        "watchline: reading 100% (100.0 of 100.0 MB)",
        "\x1b[K",
    ]
