"""``watchline serve web``: the timeline in a browser, through textual-serve.

textual-serve (aiohttp and xterm.js) starts one process per browser tab. It has no
authentication of its own, so it listens on 127.0.0.1 unless told otherwise, and warns
when it is not: anywhere else it belongs behind a reverse proxy that authenticates.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import tempfile
from collections.abc import Sequence

from tui.serve import served_environment

NO_AUTH_WARNING = (
    "warning: serve web has no authentication: anyone who can reach {host}:{port} can read "
    "the log. Put it behind a reverse proxy that authenticates, or bind it to 127.0.0.1."
)


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


def shell_command(argv: Sequence[str]) -> str:
    """``argv`` as one shell command line (textual-serve runs its command through a shell).

    Every argument is quoted, so a log path with spaces or shell characters stays one
    argument and runs nothing.
    """
    return "exec " + shlex.join(argv)


def served_process_environment(home: str) -> dict[str, str]:
    """This server's environment with the served-session variables set for its children.

    textual-serve copies ``os.environ`` into every app process (and adds its own
    TEXTUAL_* driver settings), so the variables go into this process's environment.
    ``home`` (a throwaway folder) is every browser session's HOME, so nothing a reader
    does is saved in the operator's home.
    """
    env = dict(os.environ)
    keep_own = {"TERM", "PATH", *(["LANG"] if "LANG" in env else [])}
    served = served_environment(home=home)
    env.update({name: value for name, value in served.items() if name not in keep_own})
    return env


def run_web_server(
    command: Sequence[str], host: str, port: int, public_url: str | None, title: str
) -> None:
    """Serve ``command`` (a read-only watchline) until interrupted."""
    from textual_serve.server import Server

    with tempfile.TemporaryDirectory(prefix="watchline-web-") as home:
        os.environ.update(served_process_environment(home))
        server = Server(
            shell_command(command), host=host, port=port, title=title, public_url=public_url
        )
        server.serve()
