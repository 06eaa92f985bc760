"""``watchline serve ssh`` and ``serve web`` as an operator runs them: a process, a port, a signal."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp
import pyte
import pytest

from tests.serve.harness import SSH, Terminal, ssh_argv, timeline_markers
from tui.serve.ssh import NEEDS_TERMINAL

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(*argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", *argv],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(server: subprocess.Popen[str]) -> None:
    """Stop a server as an operator would (SIGTERM), killing it if it has not gone in 10 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wait_for_line(stream, pattern: str, timeout: float = 15) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matching {pattern!r} in {seen!r}")


def test_serve_ssh_creates_its_host_key_lets_anyone_in_and_stops_on_sigterm(tmp_path):
    if not Path(SSH).exists():
        pytest.skip("the OpenSSH client (/usr/bin/ssh, Debian's openssh-client) is not installed")
    host_key = tmp_path / "host_key"
    server = start("ssh", "--allow-anyone", "--port", "0", "--host-key", str(host_key))
    try:
        assert server.stderr is not None
        wait_for_line(server.stderr, r"created host key")
        port = int(wait_for_line(server.stderr, r"listening on 127\.0\.0\.1 port (\d+)").group(1))
        assert host_key.stat().st_mode & 0o777 == 0o600
        # With --allow-anyone a reader with no key at all gets in (and, without -t, is
        # told a terminal is needed).
        reader = Terminal(ssh_argv(port, None, "-T"))
        assert reader.shows(NEEDS_TERMINAL)
        assert reader.wait_exit() == 1
        wait_for_line(server.stderr, r"connect peer=127\.0\.0\.1:\d+ user=reader key=none")
        server.send_signal(signal.SIGTERM)
        assert server.wait(10) == 0
        assert "shutting down" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def get_page(port: int, server: subprocess.Popen[str], timeout: float = 20) -> tuple[int, str]:
    """GET / once the server listens."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                return response.status, response.read().decode()
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)


def test_serve_web_answers_with_its_page_and_stops_on_sigterm():
    port = free_port()
    server = start("web", "--port", str(port))
    try:
        status, page = get_page(port, server)
        assert status == 200
        assert "watchline" in page
        assert f"ws://127.0.0.1:{port}/ws" in page
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_serve_web_warns_when_it_listens_beyond_this_machine():
    port = free_port()
    server = start("web", "--host", "0.0.0.0", "--port", str(port), "--public-url", "http://x")
    try:
        assert server.stderr is not None
        wait_for_line(server.stderr, r"no authentication")
    finally:
        stop(server)


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


async def in_browser(port: int, markers: list[str], timeout: float = 20, while_open=None) -> str:
    """Open the page's websocket as the browser does and read the screen until the
    timeline shows; returns the screen. The session ends when the socket closes, so
    ``while_open()`` (if given) runs once the timeline shows, before it does."""
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    url = f"ws://127.0.0.1:{port}/ws?width=80&height=24"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as websocket:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = await websocket.receive(timeout=1)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                stream.feed(message.data)
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
            text = "\n".join(screen.display)
            if any(marker in text for marker in markers):
                if while_open is not None:
                    while_open()
                return text
    return "\n".join(screen.display)


def test_a_browser_tab_gets_the_timeline_from_a_read_only_process():
    port = free_port()
    server = start("web", "--port", str(port))
    try:
        get_page(port, server)
        markers = timeline_markers()
        apps: list[tuple[list[str], dict[str, str]]] = []

        def look() -> None:
            # While the tab is open its process is a child of the server.
            for pid in children_of(server.pid):
                try:  # a child may end between the listing and the read
                    argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
                    raw = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
                except OSError:
                    continue
                apps.append((argv, dict(item.split("=", 1) for item in raw if "=" in item)))

        async def visit() -> str:
            return await in_browser(port, markers, while_open=look)

        text = asyncio.run(visit())
        assert any(marker in text for marker in markers), text
        [(argv, env)] = [(argv, env) for argv, env in apps if "tui" in argv]
        assert "--read-only" in argv
        assert env["WATCHLINE_SERVED"] == "1"
    finally:
        stop(server)
