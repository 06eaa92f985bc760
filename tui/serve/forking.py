"""The SSH server's side of the warm template (tui/serve/template.py): start it, ask it for
sessions, stop it.

A session forked from the template is not the server's child, so it is watched through
its request's connection instead: the template writes the child's exit status on it. The
server signals the session's process group as it would its own child's (the child made
itself a group leader), so ending a session works the same either way.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from tui.serve.limits import SessionLimits

# How long the template may take to import the app and load the log before the server
# gives up on it and starts each session as a process of its own.
START_TIMEOUT = 300.0


class TemplateError(Exception):
    """The template is not running or did not answer; start the session another way."""


class ForkedSession:
    """A session forked from the template: its pid, and its exit status once it exits.

    Quacks like the part of ``asyncio.subprocess.Process`` the server uses.
    """

    def __init__(self, pid: int, sock: socket.socket, buffered: bytes) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._sock = sock
        self._buffer = buffered
        self._waiter: asyncio.Task[int] | None = None

    async def wait(self) -> int:
        if self._waiter is None:
            self._waiter = asyncio.ensure_future(self._wait())
        return await asyncio.shield(self._waiter)

    async def _wait(self) -> int:
        status = -signal.SIGKILL  # the template went away: its children went with it
        try:
            message, _ = await _read_message(self._sock, self._buffer)
            if message is not None:
                status = int(message["status"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        finally:
            self._sock.close()
        self.returncode = status
        return status


async def _read_message(
    sock: socket.socket, buffer: bytes, timeout: float | None = None
) -> tuple[dict[str, Any] | None, bytes]:
    """The template's next message on ``sock`` (one JSON line; None if it closed first),
    and what came after it. Each read waits at most ``timeout`` (TimeoutError)."""
    loop = asyncio.get_running_loop()
    while b"\n" not in buffer:
        data = await asyncio.wait_for(loop.sock_recv(sock, 4096), timeout)
        if not data:
            return None, buffer
        buffer += data
    first, rest = buffer.split(b"\n", 1)
    message = json.loads(first)
    if not isinstance(message, dict):
        raise ValueError(f"not a message: {first[:80]!r}")
    return message, rest


class TemplateProcess:
    """The warm template of one server: started once, asked for every session."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        cwd: str,
        env: Mapping[str, str],
        limits: SessionLimits,
    ) -> None:
        self.args = list(args)
        self.cwd = cwd
        self.env = dict(env)
        self.limits = limits
        self.folder: str | None = None
        self.process: asyncio.subprocess.Process | None = None

    @property
    def socket_path(self) -> str:
        assert self.folder is not None
        return os.path.join(self.folder, "template.sock")

    @property
    def pid(self) -> int:
        return self.process.pid if self.process is not None else 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the template and wait until it has loaded the log; TemplateError if not."""
        # Only the server's user can reach the socket: the folder is mode 700.
        self.folder = tempfile.mkdtemp(prefix="watchline-template-")
        argv = [
            sys.executable,
            "-m",
            "tui.serve.template",
            self.socket_path,
            str(self.limits.memory_mib * 2**20),
            str(self.limits.cpu_seconds),
            "--",
            *self.args,
        ]
        self.process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        except TimeoutError:
            line = b""
        if line.strip() != b"ready":
            await self.close()
            raise TemplateError("the session template did not start")

    async def spawn(self, tty: int, env: Mapping[str, str]) -> ForkedSession:
        """A new session on ``tty`` (the pty's slave end) with ``env``; TemplateError if the
        template cannot give one."""
        if not self.running:
            raise TemplateError("the session template is not running")
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            await loop.sock_connect(sock, self.socket_path)
            fds = array.array("i", [tty])
            sock.sendmsg(
                [json.dumps(dict(env)).encode() + b"\n"],
                [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds.tobytes())],
            )
            message, rest = await _read_message(sock, b"", timeout=30)
            if message is None:
                raise TemplateError("the session template closed the request")
            pid = int(message["pid"])
        except (OSError, ValueError, KeyError, TypeError, TimeoutError) as error:
            sock.close()
            raise TemplateError(f"the session template did not answer: {error}") from None
        except TemplateError:
            sock.close()
            raise
        return ForkedSession(pid, sock, rest)

    async def close(self) -> None:
        """Stop the template (not the sessions forked from it: the server ends those)."""
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
