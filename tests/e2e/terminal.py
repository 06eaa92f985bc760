"""A real terminal for end-to-end tests: the installed `watchline` in a pty, read by pyte.

``Terminal`` keeps every byte the program wrote (to check that nothing hostile got out)
and a pyte screen of what a person would see.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pexpect
import pyte

REPO = Path(__file__).resolve().parents[2]


def installed_watchline() -> str | None:
    """The ``watchline`` console script of the environment running the tests, if any.

    ``.venv/bin/python -m pytest`` does not put ``.venv/bin`` on PATH, so look beside the
    interpreter first, then on PATH.
    """
    beside = Path(sys.executable).with_name("watchline")
    if beside.is_file():
        return str(beside)
    return shutil.which("watchline")


def watchline_command() -> list[str]:
    """The installed command, or ``python -m tui`` from the checkout when none is installed."""
    installed = installed_watchline()
    return [installed] if installed else [sys.executable, "-m", "tui"]


class Terminal:
    """`watchline ARGS` running in a pty of ``columns`` x ``rows``."""

    def __init__(
        self,
        args: list[str],
        *,
        columns: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
    ) -> None:
        command = watchline_command()
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")
        }
        environment.pop("NO_COLOR", None)
        environment.update({"TERM": "xterm-256color", "LANG": "C.UTF-8", "COLUMNS": str(columns)})
        environment.update(env or {})
        self.child = pexpect.spawn(
            command[0],
            [*command[1:], *args],
            dimensions=(rows, columns),
            env=environment,
            cwd=str(REPO),
        )
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()

    def pump(self, quiet: float = 0.15, limit: float = 5.0) -> int:
        """Read until the program has been quiet for ``quiet`` seconds; the bytes read."""
        start = time.monotonic()
        last = start
        count = 0
        while time.monotonic() - start < limit:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.02)
            except pexpect.TIMEOUT:
                if time.monotonic() - last >= quiet:
                    break
                continue
            except pexpect.EOF:
                break
            self.raw += data
            self.stream.feed(data)
            count += len(data)
            last = time.monotonic()
        return count

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 8.0) -> str:
        """Read until ``needle`` is on the screen; the screen's text."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(quiet=0.05, limit=0.3)
            if needle in self.text:
                return self.text
        raise AssertionError(f"{needle!r} never showed; the screen:\n{self.text}")

    def send(self, keys: str) -> None:
        self.child.send(keys)

    @property
    def running(self) -> bool:
        return self.child.isalive()

    def close(self) -> int | None:
        """Quit with escape and q (as a user would), then make sure the process is gone."""
        if self.child.isalive():
            self.child.send("\x1b")  # closes an overlay, or returns to the timeline
            self.pump(quiet=0.1, limit=0.5)
            self.child.send("q")
            try:
                self.child.expect(pexpect.EOF, timeout=5)
            except pexpect.TIMEOUT:
                self.child.terminate(force=True)
        self.child.close()
        return self.child.exitstatus
