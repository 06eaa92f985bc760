"""``watchline serve ssh`` and ``serve web`` as an operator runs them: a process, a port, a signal."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.serve.conftest import SSH, Terminal, ssh_argv
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
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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


def test_serve_web_answers_with_its_page_and_stops_on_sigterm():
    port = free_port()
    server = start("web", "--port", str(port))
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status, page = response.status, response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
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
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
