"""Fixtures for the serve tests: keys, servers on free ports, SSH clients in ptys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from tests.serve.harness import BUNDLED, SSH, ServerThread, Terminal, app_command
from tui.serve.ssh import SSHServeConfig


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A host key, a client key listed in authorized_keys and one that is not."""
    folder = tmp_path_factory.mktemp("keys")
    paths = {}
    for name in ("host", "reader", "stranger"):
        key = asyncssh.generate_private_key("ssh-ed25519")
        path = folder / name
        path.write_bytes(key.export_private_key())
        path.chmod(0o600)
        (folder / f"{name}.pub").write_bytes(key.export_public_key())
        paths[name] = path
    authorized = folder / "authorized_keys"
    authorized.write_bytes((folder / "reader.pub").read_bytes())
    paths["authorized_keys"] = authorized
    return paths


@pytest.fixture
def start_server(keys: dict[str, Path]) -> Iterator[Callable[..., ServerThread]]:
    """Start servers on free ports (``start_server(max_sessions=1, ...)``); all stopped after.

    ``command=`` (with ``cwd=``) serves that argv instead of the stand-in or the real TUI on
    the bundled log.
    """
    if not Path(SSH).exists():
        pytest.skip("the OpenSSH client (/usr/bin/ssh, Debian's openssh-client) is not installed")
    started: list[ServerThread] = []
    host_key = asyncssh.read_private_key(keys["host"])

    def start(app: str = "standin", **options: Any) -> ServerThread:
        options.setdefault("authorized_keys", keys["authorized_keys"])
        command = options.pop("command", None) or app_command([str(BUNDLED)], app)
        config = SSHServeConfig(command=command, host="127.0.0.1", port=0, **options)
        server = ServerThread(config, host_key).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def terminals() -> Iterator[Callable[..., Terminal]]:
    """Open SSH clients in ptys; any left open are closed after the test."""
    opened: list[Terminal] = []

    def open_terminal(argv: list[str], **options: Any) -> Terminal:
        terminal = Terminal(argv, **options)
        opened.append(terminal)
        return terminal

    yield open_terminal
    for terminal in opened:
        terminal.close()
