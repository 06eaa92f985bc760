"""``watchline serve web``: the timeline in a browser, on textual-serve's protocol.

textual-serve (aiohttp and xterm.js) runs one app process per browser tab. This module
keeps its page and its wire protocol and replaces what a public server cannot do without:

- **only our hosts and origins**: a request whose ``Host`` is not loopback, ``--public-url``
  or an ``--allowed-host`` is refused (DNS rebinding), and so is a websocket whose
  ``Origin`` is another site's (any page on the web could otherwise open one and read the
  log through the reader's browser);
- **sessions that end**: when the socket closes, when no key arrives for the idle timeout,
  and when the server stops, the session's whole process group is stopped (SIGHUP, then
  SIGKILL after a grace period), whatever state the app is in;
- **bounds**: a session cap, the window size clamped (as over SSH), small websocket
  messages, the resource limits of :mod:`tui.serve.limits`;
- **no third party**: the page is ours, with the font textual-serve ships served from here
  (its own page loads a font from a public CDN, which tells that company who reads the log).

It has no authentication of its own, so it listens on 127.0.0.1 unless told otherwise:
anywhere else it belongs behind a reverse proxy that authenticates.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import os
import signal
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.serve import served_environment
from tui.serve.limits import SessionLimits

log = logging.getLogger("watchline.web")

NO_AUTH_WARNING = (
    "warning: serve web has no authentication: anyone who can reach {host}:{port} can read "
    "the log. Put it behind a reverse proxy that authenticates, or bind it to 127.0.0.1."
)

# The largest window a session is drawn at (a 20000x20000 resize took one app to 3 GB).
MAX_COLUMNS = 500
MAX_ROWS = 200
# A browser sends keys, resizes and pings as small JSON messages; a paste is the largest.
MAX_MESSAGE_BYTES = 64 * 1024
# How long an app gets to exit after being asked (quit, then SIGHUP) before SIGKILL.
_KILL_GRACE = 2.0
TEMPLATES = Path(__file__).with_name("templates")


def is_loopback(host: str) -> bool:
    """True when ``host`` is only reachable from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it is reachable from elsewhere


def is_wildcard(host: str) -> bool:
    """True for the addresses that mean "every interface" (0.0.0.0, ::, empty)."""
    if host in ("", "*"):
        return True
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def served_process_environment(home: str) -> dict[str, str]:
    """The environment of every browser session: the clean served environment (with
    ``home``, a throwaway folder, as HOME), plus the server's TERM and LANG."""
    served = served_environment(home=home)
    for name in ("TERM", "LANG"):
        if name in os.environ:
            served[name] = os.environ[name]
    return served


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A browser's window size made safe: nonsense becomes 80x24, huge becomes the cap."""
    return (
        min(width, MAX_COLUMNS) if width > 0 else 80,
        min(height, MAX_ROWS) if height > 0 else 24,
    )


def _host_port(netloc: str) -> tuple[str, int | None] | None:
    """``("example.org", None)`` from ``example.org``, ``("::1", 8000)`` from ``[::1]:8000``;
    None for what is not a host."""
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower(), port


@dataclass
class WebServeConfig:
    """Everything ``watchline serve web`` was asked to do."""

    command: list[str]
    cwd: str = "/"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    # More Host values (``name`` or ``name:port``) a browser may use to reach the server.
    allowed_hosts: tuple[str, ...] = ()
    max_sessions: int = 20
    idle_timeout: float = 900.0
    limits: SessionLimits = field(default_factory=SessionLimits)
    title: str = "watchline"

    @property
    def url(self) -> str:
        """The address browsers use."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def accepted_hosts(self) -> set[tuple[str, int]]:
        """The (host, port) pairs a request may be addressed to."""
        accepted = {(name, self.port) for name in ("localhost", "127.0.0.1", "::1")}
        if not is_wildcard(self.host):
            accepted.add((self.host.lower(), self.port))
        public = urlsplit(self.url)
        scheme_port = 443 if public.scheme == "https" else 80
        for netloc, default in [(public.netloc, scheme_port)] + [
            (extra, self.port) for extra in self.allowed_hosts
        ]:
            if (pair := _host_port(netloc)) is not None:
                accepted.add((pair[0], pair[1] if pair[1] is not None else default))
        return accepted

    def _accepts(self, netloc: str, default_port: int) -> bool:
        pair = _host_port(netloc)
        if pair is None:
            return False
        name, port = pair
        return (name, port if port is not None else default_port) in self.accepted_hosts()

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's Host header names this server (a rebinding attacker's name
        does not). Without a port, a browser means 80 (http) or 443 (https)."""
        if not header:
            return False
        return self._accepts(header, 80) or self._accepts(header, 443)

    def origin_allowed(self, origin: str | None) -> bool:
        """Whether a websocket's Origin is one of our pages. A client that sends none is
        not a browser page (browsers always send one), so no other site is behind it."""
        if origin is None:
            return True
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https"):
            return False
        return self._accepts(parts.netloc, 443 if parts.scheme == "https" else 80)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The app was started in a session of its own, so its process group id is its pid.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def make_server(config: WebServeConfig, home: str) -> Any:
    """The aiohttp-based server (a textual-serve ``Server`` subclass) for ``config``."""
    from aiohttp import WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    class Session(AppService):
        """One browser tab's app: exec'd (no shell) under the session limits, in a process
        group of its own, stopped for sure."""

        def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
            # textual-serve starts from the server's os.environ; a session from nothing.
            env = served_process_environment(home)
            env.update(
                TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
                TEXTUAL_FPS="60",
                TEXTUAL_COLOR_SYSTEM="truecolor",
                TERM_PROGRAM="textual",
                TERM_PROGRAM_VERSION=version("textual-serve"),
                COLUMNS=str(width),
                ROWS=str(height),
            )
            return env

        async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
            argv = config.limits.argv(config.command, controlling_tty=False)
            self._process = process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width, height),
                cwd=config.cwd,
                start_new_session=True,
            )
            assert process.stdin is not None
            self._stdin = process.stdin
            return process

        async def stop(self) -> None:
            """Ask the app to quit; SIGHUP, then SIGKILL its group if it does not."""
            process = self._process
            with contextlib.suppress(TimeoutError, Exception):
                await asyncio.wait_for(super().stop(), _KILL_GRACE)
            if process is None:
                return
            if process.returncode is None:
                _signal_group(process.pid, signal.SIGHUP)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), _KILL_GRACE)
            _signal_group(process.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
                self._task = None

    class WatchlineWebServer(Server):
        def __init__(self) -> None:
            super().__init__(
                "watchline",
                host=config.host,
                port=config.port,
                title=config.title,
                public_url=config.url,
                templates_path=TEMPLATES,
            )
            self.sessions: set[Session] = set()

        def initialize_logging(self) -> None:
            logging.basicConfig(level="INFO", format="watchline serve web: %(message)s")

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()

            @web.middleware
            async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
                if not config.host_allowed(request.headers.get("Host")):
                    log.warning(
                        "refused Host %r from %s", request.headers.get("Host"), request.remote
                    )
                    return web.Response(status=421, text="Not served at this address.\n")
                response = await handler(request)
                # No other site may frame the page (clickjacking) or sniff its types.
                response.headers.setdefault("X-Frame-Options", "DENY")
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                response.headers.setdefault("Referrer-Policy", "no-referrer")
                return response

            app.middlewares.append(guard)
            return app

        async def on_startup(self, app: web.Application) -> None:
            log.info(
                "serving the timeline on %s (at most %d readers)", config.url, config.max_sessions
            )

        async def on_shutdown(self, app: web.Application) -> None:
            await asyncio.gather(*(session.stop() for session in list(self.sessions)))

        async def _process_messages(
            self, websocket: web.WebSocketResponse, app_service: Any
        ) -> None:
            loop = asyncio.get_running_loop()
            last_key = loop.time()

            async def watch_idle() -> None:
                while config.idle_timeout > 0:
                    await asyncio.sleep(max(0.05, last_key + config.idle_timeout - loop.time()))
                    if loop.time() - last_key >= config.idle_timeout:
                        log.info("session idle for %.0f s: closed", config.idle_timeout)
                        await websocket.close()
                        return

            idle = asyncio.create_task(watch_idle())
            try:
                async for message in websocket:
                    if message.type != WSMsgType.TEXT:
                        continue
                    try:
                        envelope = json.loads(message.data)
                        kind, data = envelope[0], envelope[1]
                    except (ValueError, TypeError, IndexError, KeyError):
                        continue
                    if kind == "stdin" and isinstance(data, str):
                        last_key = loop.time()
                        await app_service.send_bytes(data.encode("utf-8"))
                    elif kind == "resize" and isinstance(data, dict):
                        width, height = clamp_size(
                            to_int(str(data.get("width", 80)), 80),
                            to_int(str(data.get("height", 24)), 24),
                        )
                        await app_service.set_terminal_size(width, height)
                    elif kind == "ping":
                        await websocket.send_json(["pong", data])
                    elif kind == "blur":
                        await app_service.blur()
                    elif kind == "focus":
                        await app_service.focus()
            finally:
                idle.cancel()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
            origin = request.headers.get("Origin")
            if not config.origin_allowed(origin):
                log.warning("refused a websocket from origin %r (%s)", origin, request.remote)
                raise web.HTTPForbidden(text="Not from this site.\n")
            if len(self.sessions) >= config.max_sessions:
                log.warning("busy: %d sessions; refused %s", len(self.sessions), request.remote)
                raise web.HTTPServiceUnavailable(text="The server is busy; try again later.\n")
            width, height = clamp_size(
                to_int(request.query.get("width", "80"), 80),
                to_int(request.query.get("height", "24"), 24),
            )
            await websocket.prepare(request)

            async def close() -> None:
                await websocket.close()

            session = Session(
                "watchline",
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
            )
            self.sessions.add(session)
            try:
                await session.start(width, height)
                log.info("session start peer=%s size=%dx%d", request.remote, width, height)
                await self._process_messages(websocket, session)
            except asyncio.CancelledError:
                pass
            except Exception as error:  # a broken client must not take the server down
                log.warning("session error: %s", error)
            finally:
                await session.stop()
                self.sessions.discard(session)
                with contextlib.suppress(Exception):
                    await websocket.close()
                log.info("session end peer=%s", request.remote)
            return websocket

    return WatchlineWebServer()


def run_web_server(config: WebServeConfig) -> None:
    """Serve the timeline in browsers until SIGINT or SIGTERM; every session ends with it."""
    with tempfile.TemporaryDirectory(prefix="watchline-web-") as home:
        make_server(config, home).serve()


__all__: Sequence[str] = (
    "NO_AUTH_WARNING",
    "WebServeConfig",
    "clamp_size",
    "is_loopback",
    "is_wildcard",
    "make_server",
    "run_web_server",
)
