"""``watchline serve ssh``: the timeline over SSH for readers who install nothing.

One asyncssh server; per session one pseudo-terminal and one read-only watchline whose
controlling terminal is that pty, forked from the warm template (:mod:`tui.serve.template`)
or, without one, its own process. The child must call ``setsid()`` and take the pty as its
controlling terminal (``TIOCSCTTY``), or the kernel never sends it SIGWINCH and window
changes are silently lost (measured). A forked session does that itself; an own process
gets a short Python trampoline (:mod:`tui.serve.limits`) that does it, sets the session's
resource limits and then execs the real command, so no ``preexec_fn`` runs in a forked
copy of this server (asyncio's child watcher runs threads). What a client may send is
bounded in :mod:`tui.serve.ssh_guards`.

What a client can do is deliberately small: authenticate with a listed key (or, with
``--allow-anyone``, not at all), open a session with a pty, type and resize. There is no
shell, no exec, no subsystem (so no SFTP or scp), no port, agent or X11 forwarding, and
no password or keyboard-interactive authentication.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import asyncssh

from tui.model.text import one_line
from tui.serve import served_environment
from tui.serve.forking import ForkedSession, TemplateError, TemplateProcess
from tui.serve.limits import SessionLimits
from tui.serve.ssh_guards import (
    ESCAPE_GAP,
    INPUT_PENDING_LIMIT,
    InputPacer,
    RateLimiter,
    clamp_window_size,
    paste_markers,
    split_escape_keys,
)
from tui.serve.ssh_keys import AuthorizedKeys

log = logging.getLogger("watchline.serve")

# What a served session's terminal is put back to when the server ends it (idle, busy,
# shutdown) and the app had no chance to: main screen, cursor shown, no mouse reporting,
# no bracketed paste, no focus events, no kitty keyboard protocol, attributes reset.
TERMINAL_RESET = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[0m\r\n"
)

NEEDS_TERMINAL = "watchline needs a terminal: connect with `ssh -t ...`."
NO_COMMANDS = "Commands are not available here; watchline serves only the timeline."
SERVER_BUSY = "The server is busy; please try again in a few minutes."
SHUTTING_DOWN = "The server is shutting down; goodbye."

# How long a child gets to exit after SIGHUP before it is killed.
_KILL_GRACE = 2.0
# Output is read from the pty in chunks of this size; the channel's high-water mark pauses
# reading so a slow reader applies back-pressure to the app instead of growing a buffer.
_READ_CHUNK = 65536
_WRITE_HIGH_WATER = 256 * 1024


@dataclass
class SSHServeConfig:
    """Everything ``watchline serve ssh`` was asked to do."""

    command: list[str]
    # The folder sessions run in (the served log's, so readers see relative names).
    cwd: str = "/"
    limits: SessionLimits = field(default_factory=SessionLimits)
    host: str = "127.0.0.1"
    port: int = 2222
    host_key: Path = Path("ssh_host_ed25519_key")
    authorized_keys: Path | None = None
    allow_anyone: bool = False
    max_sessions: int = 20
    idle_timeout: float = 900.0
    connections_per_minute: float = 10.0
    # Seconds a connection has to authenticate (an OpenSSH client needs well under one).
    login_timeout: float = 10.0
    # Connections still logging in, bounded apart from the sessions: at most this many in
    # all (when full, the oldest is dropped to admit a new one, so a flood of silent
    # connections cannot keep out a reader whose client logs in within seconds) ...
    max_pending_logins: int = 32
    # ... and at most this many from one address (one more is dropped at once).
    pending_logins_per_address: int = 4
    # Authenticated connections at once (None: --max-sessions plus a few, so a reader
    # beyond the session limit gets in far enough to be told so plainly); one more is
    # told the server is busy. Connections still logging in are not counted here.
    max_connections: int | None = None
    # watchline's own arguments (e.g. ["ct-bodycams.yaml", "--read-only"]) for a warm
    # template that sessions are forked from (tui/serve/template.py); None starts each
    # session as a process of its own running ``command``.
    template_args: list[str] | None = None

    @property
    def connection_limit(self) -> int:
        """The number of authenticated connections the server holds open at once."""
        if self.max_connections is not None:
            return self.max_connections
        return self.max_sessions + 8


def _clean(text: str, limit: int = 64) -> str:
    """A client-supplied string made safe and short for the log."""
    return one_line(text)[:limit] or "-"


class WatchlineSSHServer:
    """The listening server: its sessions, its limits, and a clean shutdown."""

    def __init__(
        self,
        config: SSHServeConfig,
        host_key: asyncssh.SSHKey,
        authorized: AuthorizedKeys | None = None,
    ) -> None:
        self.config = config
        self.host_key = host_key
        if authorized is None and config.authorized_keys is not None:
            authorized = AuthorizedKeys(config.authorized_keys)
        self.authorized = authorized
        self.rate_limiter = RateLimiter(config.connections_per_minute)
        self.sessions: set[TimelineSession] = set()
        self.connections: set[asyncssh.SSHServerConnection] = set()
        # Connections still logging in, oldest first (a dict keeps insertion order).
        self.pending_logins: dict[_Connection, None] = {}
        self.logged_in: set[_Connection] = set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._cleanups: set[asyncio.Task[None]] = set()
        self.template: TemplateProcess | None = None
        self._template_home: str | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful when ``config.port`` is 0)."""
        assert self._acceptor is not None
        return self._acceptor.get_port()

    async def start(self) -> None:
        """Start the warm template (if configured), then listen on ``config.host:config.port``."""
        if self.config.template_args is not None:
            await self._start_template(self.config.template_args)
        self._acceptor = await asyncssh.listen(
            self.config.host,
            self.config.port,
            server_factory=lambda: _Connection(self),
            server_host_keys=[self.host_key],
            encoding=None,  # bytes in, bytes out: the pty carries the terminal verbatim
            line_editor=False,
            allow_pty=True,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            password_auth=False,
            kbdint_auth=False,
            host_based_auth=False,
            gss_kex=False,
            gss_auth=False,
            public_key_auth=not self.config.allow_anyone,
            login_timeout=self.config.login_timeout,
            keepalive_interval=60,
            keepalive_count_max=3,
            config=None,
        )

    async def _start_template(self, args: list[str]) -> None:
        # The template's home (its cache of the parsed log lives there) is its own, like a
        # session's; it goes when the server stops.
        self._template_home = tempfile.mkdtemp(prefix="watchline-template-home-")
        template = TemplateProcess(
            args,
            cwd=self.config.cwd,
            env=served_environment(home=self._template_home),
            limits=self.config.limits,
        )
        try:
            await template.start()
        except (TemplateError, OSError) as error:
            log.warning("no session template (%s): each session starts on its own", error)
            return
        self.template = template
        log.info("session template ready pid=%d", template.pid)

    def admit_login(self, connection: _Connection) -> bool:
        """Count a new connection against the pre-auth pool; False to drop it at once.

        Only ``pending_logins_per_address`` from one address wait at a time; when the pool
        is full its oldest connection is dropped to make room, so what a flood holds is
        bounded and a reader who logs in quickly always gets a turn.
        """
        config = self.config
        from_address = sum(1 for c in self.pending_logins if c.peer_host == connection.peer_host)
        if from_address >= config.pending_logins_per_address:
            return False
        while len(self.pending_logins) >= config.max_pending_logins:
            oldest = next(iter(self.pending_logins))
            del self.pending_logins[oldest]
            oldest.drop("login-pool-full")
        self.pending_logins[connection] = None
        return True

    def logged_in_now(self, connection: _Connection) -> bool:
        """Move ``connection`` out of the pre-auth pool; False when the server is full."""
        self.pending_logins.pop(connection, None)
        if len(self.logged_in) >= self.config.connection_limit:
            return False
        self.logged_in.add(connection)
        return True

    def forget(self, connection: _Connection) -> None:
        self.pending_logins.pop(connection, None)
        self.logged_in.discard(connection)

    def try_admit(self, session: TimelineSession) -> bool:
        """Count ``session`` against ``--max-sessions``; False when the server is full."""
        if len(self.sessions) >= self.config.max_sessions:
            return False
        self.sessions.add(session)
        return True

    def release(self, session: TimelineSession) -> None:
        self.sessions.discard(session)

    def track(self, task: asyncio.Task[None]) -> None:
        """Keep a session's clean-up task alive until it finishes (and let close() wait)."""
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    async def close(self) -> None:
        """Stop listening, end every session (children terminated and reaped), disconnect."""
        if self._acceptor is not None:
            self._acceptor.close()
        await asyncio.gather(
            *(session.end(SHUTTING_DOWN) for session in list(self.sessions)),
            return_exceptions=True,
        )
        if self._cleanups:
            await asyncio.gather(*list(self._cleanups), return_exceptions=True)
        for conn in list(self.connections):
            conn.close()
        for conn in list(self.connections):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.wait_closed(), 2.0)
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        if self.template is not None:
            await self.template.close()
            self.template = None
        if self._template_home is not None:
            shutil.rmtree(self._template_home, ignore_errors=True)
            self._template_home = None


class _Connection(asyncssh.SSHServer):
    """One client connection: authentication and the session factory."""

    def __init__(self, server: WatchlineSSHServer) -> None:
        self.server = server
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer = "-"
        self.peer_host = ""
        self.user = "-"
        self.key = "none"
        self.started = time.monotonic()
        self.authenticated = False
        self.refused: str | None = None  # why this connection is turned away, if it is

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("-", 0)
        self.peer_host = str(peer[0])
        self.peer = f"{peer[0]}:{peer[1]}"
        self.server.connections.add(conn)
        if not self.server.admit_login(self):
            self.drop("logins-per-address")
            return
        # The reason is told in begin_auth: once keys are exchanged the client can print
        # it. Until then the pre-auth pool and the login timeout bound what it can cost.
        if len(self.server.logged_in) >= self.server.config.connection_limit:
            self.refused = SERVER_BUSY
            log.warning("refused peer=%s reason=connection-limit", self.peer)
        elif not self.server.rate_limiter.allow(self.peer_host):
            self.refused = "too many connections from your address; try again in a minute"
            log.warning("refused peer=%s reason=connection-rate", self.peer)

    def drop(self, reason: str) -> None:
        """Close this connection still logging in, without a word (it may have said none)."""
        log.warning("dropped peer=%s reason=%s", self.peer, reason)
        self.refused = reason
        if self.conn is not None:
            # Soon, not now: asyncssh is still inside connection_made for a new one.
            asyncio.get_running_loop().call_soon(self.conn.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.conn is not None:
            self.server.connections.discard(self.conn)
        self.server.forget(self)
        if self.authenticated:
            log.info(
                "disconnect peer=%s user=%s key=%s duration=%.1fs",
                self.peer,
                self.user,
                self.key,
                time.monotonic() - self.started,
            )
        elif not self.refused:
            # Worth a line: repeated ones from one address are someone trying keys.
            log.info(
                "disconnect peer=%s user=%s not authenticated duration=%.1fs",
                self.peer,
                self.user,
                time.monotonic() - self.started,
            )

    def begin_auth(self, username: str) -> bool:
        self.user = _clean(username)
        if self.refused and self.conn is not None:
            asyncio.get_running_loop().call_soon(
                self.conn.disconnect, asyncssh.DISC_TOO_MANY_CONNECTIONS, self.refused
            )
            return True  # never completes: the disconnect comes first
        if self.server.config.allow_anyone:
            # An explicit opt-in for public, read-only logs: no authentication at all, so a
            # reader with no key (or an unlisted one) gets in. Returning False means "no
            # auth required" to asyncssh (True when the server is full: the disconnect
            # comes first).
            self._authenticated()
            return not self.authenticated
        return True

    def public_key_auth_supported(self) -> bool:
        return not self.server.config.allow_anyone

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        authorized = self.server.authorized
        if authorized is None:
            return False
        if not authorized.allows(key, self.peer_host, self.peer_host):
            return False
        # Called once to ask and once with the signature; either way this key is the one.
        self.key = key.get_fingerprint("sha256")
        return True

    def auth_completed(self) -> None:
        if not self.authenticated:
            self._authenticated()

    def _authenticated(self) -> None:
        if not self.server.logged_in_now(self):
            self.refused = SERVER_BUSY
            log.warning("refused peer=%s reason=connection-limit", self.peer)
            if self.conn is not None:
                asyncio.get_running_loop().call_soon(
                    self.conn.disconnect, asyncssh.DISC_TOO_MANY_CONNECTIONS, SERVER_BUSY
                )
            return
        self.authenticated = True
        log.info("connect peer=%s user=%s key=%s", self.peer, self.user, self.key)

    def session_requested(self) -> TimelineSession:
        return TimelineSession(self.server, self)

    # Forwarding of any kind is refused (these are asyncssh's defaults, stated here so a
    # later asyncssh cannot change them under us).
    def connection_requested(self, *args: object) -> bool:
        return False

    def server_requested(self, *args: object) -> bool:
        return False

    def unix_connection_requested(self, *args: object) -> bool:
        return False

    def unix_server_requested(self, *args: object) -> bool:
        return False


class TimelineSession(asyncssh.SSHServerSession[bytes]):
    """One reader: a pty and a ``watchline --read-only`` process, bytes copied both ways."""

    def __init__(self, server: WatchlineSSHServer, connection: _Connection) -> None:
        self.server = server
        self.connection = connection
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term_type: str | None = None
        self.size = (80, 24, 0, 0)
        self.refusal: str | None = None
        self.process: asyncio.subprocess.Process | ForkedSession | None = None
        self.master: int | None = None
        self.started = time.monotonic()
        self.last_input = time.monotonic()
        self._admitted = False
        self._reading = False
        self._pending_input = bytearray()
        self._pacer = InputPacer()
        self._input_timer: asyncio.Handle | None = None
        self.dropped_input = 0  # bytes discarded because the app was behind
        self.home: str | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._ending: asyncio.Task[None] | None = None
        self._lost = False

    # asyncssh callbacks --------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan
        chan.set_write_buffer_limits(high=_WRITE_HIGH_WATER)

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        self.term_type = term_type
        self.size = term_size
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only to tell the client why nothing runs; the command is never executed.
        self.refusal = NO_COMMANDS
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        return False  # SFTP and every other subsystem: refused outright

    def session_started(self) -> None:
        if self.refusal is not None:
            self._refuse(self.refusal)
        elif self.term_type is None:
            self._refuse(NEEDS_TERMINAL)
        elif not self.server.try_admit(self):
            log.warning("busy peer=%s user=%s", self.connection.peer, self.connection.user)
            self._refuse(SERVER_BUSY)
        else:
            self._admitted = True
            # Tracked so that closing the server waits for a session still starting.
            self.server.track(asyncio.get_running_loop().create_task(self._run()))

    def data_received(self, data: bytes, datatype: object) -> None:
        self.last_input = time.monotonic()
        if self.master is None:
            return
        if len(self._pending_input) + len(data) > INPUT_PENDING_LIMIT:
            # The app is behind: drop this read whole (never half a key sequence).
            kept = paste_markers(data)
            self.dropped_input += len(data) - len(kept)
            data = kept
        self._pending_input += data
        if self._input_timer is None:
            self._flush_input()

    def eof_received(self) -> bool:
        return True  # keep the session: the app decides when it ends (q)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.size = (width, height, pixwidth, pixheight)
        if self.master is not None:
            # The kernel sends SIGWINCH to the pty's foreground process group: the app.
            _set_window_size(self.master, self.size)

    def pause_writing(self) -> None:
        self._stop_reading()

    def resume_writing(self) -> None:
        self._start_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        # The client went away (or the channel closed after the app quit): make sure the
        # child and its whole process group are gone.
        self._lost = True
        if self._ending is None and self.process is not None and self.process.returncode is None:
            self.server.track(asyncio.get_running_loop().create_task(self.end(None)))
        elif self.process is None:
            self._release()

    # the child -------------------------------------------------------------------------

    async def _run(self) -> None:
        assert self.chan is not None
        master, slave = os.openpty()
        _set_window_size(master, self.size)
        env = dict(self.chan.get_environment())
        env["TERM"] = self.term_type or ""
        # Each session gets an empty home of its own (mode 700), removed when it ends.
        self.home = tempfile.mkdtemp(prefix="watchline-session-")
        child_env = served_environment(env, home=self.home)
        try:
            self.process = await self._start_app(slave, child_env)
        except OSError as error:
            os.close(master)
            self._remove_home()
            log.error("could not start the app: %s", error)
            self._release()
            self._refuse("The timeline could not be started; the server's log says why.")
            return
        finally:
            # Only the child holds the slave now, so its exit shows as EIO on the master.
            os.close(slave)
        os.set_blocking(master, False)
        self.master = master
        if self._ending is not None:
            # The server ended this session while the app was starting.
            await self._stop_child()
            self._close_master()
            self._remove_home()
            return
        if self._lost:
            # The client left while the app was starting.
            await self.end(None)
            return
        self._start_reading()
        self._arm_idle_timer()
        log.info(
            "session start peer=%s user=%s key=%s term=%s size=%dx%d pid=%d",
            self.connection.peer,
            self.connection.user,
            self.connection.key,
            _clean(child_env["TERM"]),
            self.size[0],
            self.size[1],
            self.process.pid,
        )
        status = await self.process.wait()
        if self._ending is not None:
            return  # end() owns the rest
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._drain_output()
        self._close_master()
        # Anything the app started and left behind goes before its home does.
        _signal_group(self.process.pid, signal.SIGKILL)
        self._remove_home()
        self._log_end(status)
        self._release()
        if self.chan is not None:
            with contextlib.suppress(OSError, asyncssh.Error):
                self.chan.exit(status if status >= 0 else 128 - status)

    async def _start_app(
        self, slave: int, child_env: dict[str, str]
    ) -> asyncio.subprocess.Process | ForkedSession:
        """The session's app on ``slave``: forked from the warm template when there is one
        (no import, no parse), else a process of its own under the session limits."""
        template = self.server.template
        if template is not None:
            try:
                return await template.spawn(slave, child_env)
            except TemplateError as error:
                log.warning("session template failed (%s): starting the session on its own", error)
        config = self.server.config
        return await asyncio.create_subprocess_exec(
            *config.limits.argv(config.command, controlling_tty=True),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env,
            cwd=config.cwd,
            start_new_session=True,
        )

    async def end(self, message: str | None) -> None:
        """End this session from the server side: stop the app, say why, close the channel."""
        if self._ending is not None:
            await asyncio.shield(self._ending)
            return
        self._ending = asyncio.current_task()
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        status = await self._stop_child()
        self._close_master()
        self._remove_home()
        if self.process is not None:
            self._log_end(status, reason=message)
        self._release()
        if self.chan is not None and message is not None:
            with contextlib.suppress(OSError, asyncssh.Error):
                self.chan.write(TERMINAL_RESET + message.encode() + b"\r\n")
                self.chan.exit(1)
            # Let the client get the message and the exit status before any disconnect.
            with contextlib.suppress(TimeoutError, asyncssh.Error):
                await asyncio.wait_for(self.chan.wait_closed(), 2.0)

    async def _stop_child(self) -> int | None:
        """SIGHUP the child's process group, then SIGKILL it after a grace period."""
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGHUP)
            try:
                await asyncio.wait_for(process.wait(), _KILL_GRACE)
            except TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
                await process.wait()
        # Anything the app left behind in its group (it should leave nothing) goes too.
        _signal_group(process.pid, signal.SIGKILL)
        return process.returncode

    def _refuse(self, message: str) -> None:
        assert self.chan is not None
        newline = b"\r\n" if self.term_type is not None else b"\n"
        with contextlib.suppress(OSError, asyncssh.Error):  # the client may be gone already
            self.chan.write_stderr(message.encode() + newline)
            self.chan.exit(1)
        log.info(
            "session refused peer=%s user=%s reason=%r",
            self.connection.peer,
            self.connection.user,
            message,
        )

    def _remove_home(self) -> None:
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def _release(self) -> None:
        if self._admitted:
            self._admitted = False
            self.server.release(self)

    def _log_end(self, status: int | None, reason: str | None = None) -> None:
        log.info(
            "session end peer=%s user=%s key=%s duration=%.1fs status=%s%s%s",
            self.connection.peer,
            self.connection.user,
            self.connection.key,
            time.monotonic() - self.started,
            status,
            f" dropped-input={self.dropped_input}" if self.dropped_input else "",
            f" reason={reason!r}" if reason else "",
        )

    # the pty ---------------------------------------------------------------------------

    def _start_reading(self) -> None:
        if self.master is not None and not self._reading:
            asyncio.get_running_loop().add_reader(self.master, self._on_output)
            self._reading = True

    def _stop_reading(self) -> None:
        if self.master is not None and self._reading:
            asyncio.get_running_loop().remove_reader(self.master)
            self._reading = False

    def _on_output(self) -> None:
        assert self.master is not None
        try:
            data = os.read(self.master, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as error:
            if error.errno != errno.EIO:  # EIO: every copy of the slave is closed
                log.warning("pty read failed: %s", error)
            self._stop_reading()
            return
        if not data:
            self._stop_reading()
            return
        self._send(data)

    def _send(self, data: bytes) -> None:
        if self.chan is None:
            return
        # The client may have gone between the read and the write; end() cleans up.
        with contextlib.suppress(OSError, asyncssh.Error):
            self.chan.write(data)

    def _drain_output(self) -> None:
        """Send what the app wrote just before it exited (its goodbye, the screen restore)."""
        while self.master is not None and self.chan is not None:
            try:
                data = os.read(self.master, _READ_CHUNK)
            except OSError:
                return
            if not data:
                return
            self._send(data)

    def _flush_input(self) -> None:
        self._input_timer = None
        if self.master is None:
            return
        loop = asyncio.get_running_loop()
        loop.remove_writer(self.master)
        allowed = self._pacer.allowance()
        pieces = split_escape_keys(bytes(self._pending_input[:allowed]))
        chunk = pieces[0] if pieces else b""
        written = 0
        if chunk:
            try:
                written = os.write(self.master, chunk)
            except BlockingIOError:
                written = 0
            except OSError:
                self._pending_input.clear()
                return
        self._pacer.spend(written)
        del self._pending_input[:written]
        if not self._pending_input:
            return
        if written < len(chunk):
            loop.add_writer(self.master, self._flush_input)  # the pty is full
        elif chunk == b"\x1b" and len(pieces) > 1:
            # A lone escape with a key after it: the app must see it alone.
            self._input_timer = loop.call_later(ESCAPE_GAP, self._flush_input)
        elif len(pieces) > 1:
            self._input_timer = loop.call_soon(self._flush_input)
        else:
            # Over the rate: the rest waits here (bounded, see data_received), not in
            # the app.
            delay = self._pacer.wait(len(self._pending_input))
            self._input_timer = loop.call_later(delay, self._flush_input)

    def _close_master(self) -> None:
        if self.master is None:
            return
        self._stop_reading()
        asyncio.get_running_loop().remove_writer(self.master)
        if self._input_timer is not None:
            self._input_timer.cancel()
            self._input_timer = None
        os.close(self.master)
        self.master = None

    def _arm_idle_timer(self) -> None:
        timeout = self.server.config.idle_timeout
        if timeout <= 0:
            return
        remaining = self.last_input + timeout - time.monotonic()
        loop = asyncio.get_running_loop()
        if remaining > 0:
            self._idle_timer = loop.call_later(remaining, self._arm_idle_timer)
            return
        minutes = timeout / 60
        shown = f"{minutes:g} minutes" if timeout >= 60 else f"{timeout:g} seconds"
        self.server.track(
            loop.create_task(self.end(f"Closed after {shown} without a key press; goodbye."))
        )


def _set_window_size(fd: int, size: Sequence[int]) -> None:
    width, height, pixwidth, pixheight = clamp_window_size(size)
    winsize = struct.pack("HHHH", height, width, pixwidth, pixheight)
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, winsize)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The child called setsid(), so its process group id is its pid.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (it may be replaced after setup)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure_logging() -> None:
    """Connects, sessions and disconnects as one line each on stderr, times in UTC."""
    if any(isinstance(handler, _StderrHandler) for handler in log.handlers):
        return
    handler = _StderrHandler()
    formatter = logging.Formatter("%(asctime)s watchline-serve %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    # asyncssh logs every packet exchange at INFO; only its warnings matter here.
    logging.getLogger("asyncssh").setLevel(logging.WARNING)


async def serve_forever(server: WatchlineSSHServer, ready: Callable[[int], None]) -> None:
    """Run ``server`` until SIGTERM or SIGINT, then close every session cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    ready(server.port)
    try:
        await stop.wait()
    finally:
        log.info("shutting down: %d session(s) open", len(server.sessions))
        await server.close()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
