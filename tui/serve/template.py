"""The warm template served sessions are forked from: Textual imported, the log loaded once.

Started by the SSH server as ``python -m tui.serve.template SOCKET MEMORY CPU -- ARGS``
(ARGS are watchline's own, e.g. ``ct-bodycams.yaml --read-only``), in the served folder and
the served environment. It imports the app, loads and indexes the log, freezes what it
built (``gc.freeze()``: the collector never touches those objects, so their pages stay
shared), says ``ready`` on stdout, then waits on a Unix socket only the server can reach.

For each session the server connects and sends one JSON line (the session's environment)
with the session's pty attached (SCM_RIGHTS). The template forks; the child becomes the
session (its own process group, the pty as its controlling terminal and stdio, the
session's environment, the session limits) and runs the app on the log already in memory,
so a reader waits for no import and no parse, and every session shares the one copy of
the model copy-on-write. The template answers ``{"pid": N}`` and, when that child exits,
``{"status": S}``, then closes the connection. The server stops a session by signalling
its process group, as it does a session it started itself.

When a log file changes (or the day does, for ``--as-of today``), the next session's
request loads it again first; running sessions follow the change themselves (they watch
their files like any watchline).

The template is single-threaded when it forks (the load runs on its main thread), and it
runs no event loop, so a child starts with nothing half-done in another thread.
"""

from __future__ import annotations

import argparse
import array
import contextlib
import datetime
import gc
import json
import os
import selectors
import signal
import socket
import sys
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from tui.serve.limits import apply_limits

if TYPE_CHECKING:
    from tui.app.app import WatchlineApp
    from tui.app.loading import LoadedLog

# A request is one JSON line: the session's environment (a few short variables).
MAX_REQUEST = 16 * 1024


class WarmLog:
    """The log as the template holds it, loaded again when its files change."""

    def __init__(self, args: argparse.Namespace) -> None:
        from tui.commands.browse import check_paths

        self.args = args
        self.paths = check_paths(list(args.paths or []))
        self.loaded: LoadedLog | None = None
        self.as_of = datetime.date.today()
        self._stamp: list[tuple[str, int, int]] = []
        self.refresh()

    def _day(self) -> datetime.date:
        given: datetime.date | None = getattr(self.args, "as_of", None)
        return given or datetime.date.today()

    def _files_stamp(self) -> list[tuple[str, int, int]]:
        from tui.model.watching import log_files

        stamp = []
        for path in log_files(self.paths):
            try:
                status = path.stat()
            except OSError:
                stamp.append((str(path), -1, -1))
            else:
                stamp.append((str(path), status.st_mtime_ns, status.st_size))
        return stamp

    def refresh(self) -> None:
        """Load the log (and its indexes) if it changed since the last load, or never was."""
        from tui.app.loading import load_log

        stamp = self._files_stamp()
        day = self._day()
        if self.loaded is not None and stamp == self._stamp and day == self.as_of:
            return
        self.loaded = None
        gc.unfreeze()
        gc.collect()
        loaded = load_log(self.paths, day)
        self.loaded = loaded
        self.as_of, self._stamp = day, stamp
        self.settle()

    @staticmethod
    def settle() -> None:
        """Collect the garbage and freeze the rest: what the template holds lives as long as
        it, and frozen, a child's collections never write to (and so copy) shared pages."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _app(self, *, watch: bool) -> WatchlineApp:
        from tui.app.app import WatchlineApp

        preload: Future[LoadedLog] | None = None
        if self.loaded is not None:  # else (the last reload failed) the app loads itself
            preload = Future()
            preload.set_result(self.loaded)
        return WatchlineApp(
            self.paths,
            preload=preload,
            query=self.args.filter or "",
            view=getattr(self.args, "view", None),
            as_of=self.as_of,
            read_only=True,
            remember=False,
            watch=watch,
        )

    def warm_up(self) -> None:
        """Run the app once, headless, before any session: what every session would fill
        for itself (Textual's and Rich's caches of styles, widths and layouts) is filled here
        once and shared. A session then starts sooner and copies less (on a 10k-event log,
        27 MB of private pages instead of 31, measured when labels were made eagerly)."""
        import asyncio

        app = self._app(watch=False)

        async def run() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause(0.5)

        asyncio.run(run())
        # Forking with another thread alive would leave the child half of its work.
        for thread in threading.enumerate():
            if thread is not threading.main_thread():
                thread.join(5)

    def run_app(self) -> int:
        """In a session's child: the app on the loaded log; its exit code."""
        app = self._app(watch=not getattr(self.args, "no_watch", False))
        app.run()
        return app.return_code or 0


def become_session(tty: int, env: dict[str, str], memory: int, cpu: int) -> None:
    """In the forked child: a session of its own with ``tty`` as terminal and stdio."""
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(tty, fd)
    if tty > 2:
        os.close(tty)
    os.environ.clear()
    os.environ.update(env)
    apply_limits(memory, cpu)


def _read_request(connection: socket.socket) -> tuple[dict[str, str], int] | None:
    """The session's environment and pty from one request, or None if it is malformed."""
    fds = array.array("i")
    data, ancillary, _flags, _address = connection.recvmsg(
        MAX_REQUEST, socket.CMSG_LEN(fds.itemsize)
    )
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    received = list(fds)
    try:
        env = json.loads(data.decode("utf-8"))
        valid = isinstance(env, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        )
    except (UnicodeDecodeError, ValueError):
        valid = False
    if not valid or len(received) != 1 or not os.isatty(received[0]):
        for fd in received:
            os.close(fd)
        return None
    return env, received[0]


def _send(connection: socket.socket, message: dict[str, int]) -> None:
    # When the server has let this session go, its group is stopped by the server.
    with contextlib.suppress(OSError):
        connection.sendall(json.dumps(message).encode() + b"\n")


class Template:
    """The template's loop: a request forks a session; a child's exit is reported."""

    def __init__(self, warm: WarmLog, listener: socket.socket, memory: int, cpu: int) -> None:
        self.warm = warm
        self.listener = listener
        self.memory, self.cpu = memory, cpu
        self.children: dict[int, socket.socket] = {}
        self.selector = selectors.DefaultSelector()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)

    def serve(self) -> None:
        signal.set_wakeup_fd(self._wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.selector.register(self._wake_read, selectors.EVENT_READ)
        while True:
            for key, _mask in self.selector.select():
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    while True:
                        try:
                            if not os.read(self._wake_read, 512):
                                break
                        except BlockingIOError:
                            break
            self._reap()

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        connection.settimeout(5)
        try:
            request = _read_request(connection)
        except OSError:
            request = None
        if request is None:
            connection.close()
            return
        env, tty = request
        # A log that no longer loads: the session loads it itself and shows its problems.
        with contextlib.suppress(Exception):
            self.warm.refresh()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the template's loop
            status = 70
            # The template's stderr (the server's log), for a session that cannot start.
            report = os.dup(2)
            try:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                self.selector.close()
                self.listener.close()
                connection.close()
                for fd in (self._wake_read, self._wake_write):
                    os.close(fd)
                for other in self.children.values():
                    other.close()
                become_session(tty, env, self.memory, self.cpu)
                status = self.warm.run_app()
            except BaseException:
                import traceback

                with contextlib.suppress(OSError):
                    os.write(report, traceback.format_exc().encode("utf-8", "replace"))
            finally:
                sys.stdout.flush()
                os._exit(status)
        os.close(tty)
        self.children[pid] = connection
        _send(connection, {"pid": pid})

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            connection = self.children.pop(pid, None)
            if connection is not None:
                _send(connection, {"status": os.waitstatus_to_exitcode(status)})
                connection.close()


def main(argv: list[str]) -> int:
    """``SOCKET MEMORY CPU -- ARGS``: load, say ready, serve until SIGTERM."""
    socket_path, memory, cpu = argv[0], int(argv[1]), int(argv[2])
    if argv[3:4] != ["--"]:
        raise SystemExit("usage: python -m tui.serve.template SOCKET MEMORY CPU -- ARGS")
    # A session's memory limit counts what it shares with the template, so the template
    # lives under it too, from before the first import: a library that reserves address
    # space when it can (yaml-rs reserves 1 GiB) then sizes itself as it would in a session.
    # Its other limits are the sessions' own (it holds a socket per session, and lives long).
    if memory > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from tui.cli import tui_parser

    args = tui_parser().parse_args(argv[4:])
    # Everything a session uses is imported here, once, so children share it.
    import tui.app.app  # noqa: F401

    warm = WarmLog(args)
    warm.warm_up()
    warm.settle()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    os.chmod(socket_path, 0o600)
    listener.listen(128)
    print("ready", flush=True)
    Template(warm, listener, memory, cpu).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
