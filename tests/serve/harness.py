"""The serve tests' harness: a server on 127.0.0.1 in a thread, an SSH client in a pty."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import asyncssh
import pexpect
import pyte

from tui.serve import served_command
from tui.serve.ssh import SSHServeConfig, WatchlineSSHServer

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
STANDIN = Path(__file__).with_name("standin_app.py")
SSH = shutil.which("ssh") or "/usr/bin/ssh"


def app_command(paths: list[str], app: str) -> list[str]:
    """What a served session runs: the real TUI, or the stand-in for the server's mechanics.

    The stand-in (a small Textual app) keeps the tests of authentication, limits, resizes
    and clean-up independent of the TUI's own state; the tests of what a reader sees use
    the real TUI.
    """
    if app == "real":
        return served_command(paths)
    return [sys.executable, str(STANDIN), *paths, "--read-only"]


def timeline_markers() -> list[str]:
    """Strings one of which is on screen when the bundled timeline is shown."""
    text = BUNDLED.read_text(encoding="utf-8")
    title = re.search(r"^title:\s*(.+)$", text, re.M)
    events = text.split("\nevents:", 1)[-1]
    titles = re.findall(r"^    title:\s*\"?(.{20})", events, re.M)
    return ([title.group(1).strip()[:40]] if title else []) + titles[:40]


def proc_environ(pid: int) -> dict[str, str]:
    """The environment process ``pid`` was started with (/proc/PID/environ)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def wait_until(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class ServerThread:
    """A :class:`WatchlineSSHServer` running on its own event loop in a thread."""

    def __init__(self, config: SSHServeConfig, host_key: asyncssh.SSHKey) -> None:
        self.server = WatchlineSSHServer(config, host_key)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 15) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> ServerThread:
        self.thread.start()
        # A warm template imports the app and loads the log before the server listens.
        self.run(self.server.start(), timeout=90)
        return self

    @property
    def port(self) -> int:
        return self.server.port

    def session_pids(self) -> list[int]:
        async def pids() -> list[int]:
            return [s.process.pid for s in self.server.sessions if s.process is not None]

        return self.run(pids())

    def stop(self) -> None:
        """Stop the server (a test may, before the fixture does)."""
        if self.loop.is_closed():
            return
        self.run(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class Terminal:
    """A program in a pty, its output fed to a pyte screen (what a reader would see)."""

    def __init__(
        self, argv: list[str], rows: int = 24, cols: int = 80, term: str = "xterm-256color"
    ) -> None:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": term, "LANG": "C.UTF-8"}
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.child = pexpect.spawn(argv[0], argv[1:], dimensions=(rows, cols), env=env)
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        self.exited = False

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, seconds: float = 0.05) -> None:
        if self.exited:
            return
        try:
            data = self.child.read_nonblocking(65536, timeout=seconds)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            self.exited = True
            return
        self.raw += data
        self.stream.feed(data)

    def wait_for(self, predicate: Callable[[Terminal], bool], timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            if self.exited:
                return predicate(self)
            self.pump()
        return predicate(self)

    @property
    def flat(self) -> str:
        """The screen as one line, so text the terminal wrapped is found whole."""
        return "".join(self.screen.display)

    def shows(self, *needles: str, timeout: float = 15) -> bool:
        return self.wait_for(lambda t: any(n in t.text or n in t.flat for n in needles), timeout)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def resize(self, rows: int, cols: int) -> None:
        self.screen.resize(rows, cols)
        self.child.setwinsize(rows, cols)

    def wait_exit(self, timeout: float = 10) -> int | None:
        self.wait_for(lambda t: t.exited, timeout)
        self.child.close()
        return self.child.exitstatus

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def ssh_argv(
    port: int, key: Path | None, *extra: str, command: str | None = None, log_level: str = "ERROR"
) -> list[str]:
    """The OpenSSH client, non-interactive about host keys and passwords."""
    argv = [
        SSH,
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        f"LogLevel={log_level}",
        "-F",
        "/dev/null",
    ]
    if key is None:
        argv += ["-o", "PubkeyAuthentication=no"]
    else:
        argv += ["-o", "IdentitiesOnly=yes", "-i", str(key)]
    return [*argv, *extra, "reader@127.0.0.1", *([command] if command else [])]
