"""Serving the timeline to readers who install nothing: over SSH and in a browser.

Both servers run one ``watchline`` process per reader (Textual swaps process-wide
stdout and installs signal handlers, so sessions cannot share a process), always with
``--read-only`` and with ``WATCHLINE_SERVED=1`` in its environment, so a served
session can never open an editor, rate a pledge or write a file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import tui

SERVED_ENV_VAR = "WATCHLINE_SERVED"

# The only variables a client may set in a served session's environment; everything
# else (LD_PRELOAD, PYTHONSTARTUP, TEXTUAL_*, ...) is dropped.
CLIENT_ENV_NAMES = ("TERM", "COLORTERM", "LANG")
CLIENT_ENV_PREFIXES = ("LC_",)

# Values a terminal name or locale can really have; anything else is dropped so a client
# cannot smuggle control characters or kilobytes of text into the child's environment.
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._+@=:-]{1,64}")
_SAFE_NAME = re.compile(r"LC_[A-Z]{1,20}")

DEFAULT_TERM = "xterm-256color"
DEFAULT_LANG = "C.UTF-8"


def package_root() -> Path:
    """The folder that holds the ``tui`` package (a checkout, or site-packages)."""
    return Path(tui.__file__).resolve().parent.parent


def resolve_log_paths(paths: Iterable[str]) -> list[str]:
    """``paths`` made absolute, so the served process finds them whatever its cwd.

    Raises ``FileNotFoundError`` naming the first path that does not exist.
    """
    resolved = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise FileNotFoundError(raw)
        resolved.append(str(path.resolve()))
    return resolved


def served_root(paths: Sequence[str]) -> tuple[str, list[str]]:
    """The folder a served session runs in, and ``paths`` (absolute) relative to it.

    A session is started in the folder that holds what it serves and given relative
    paths, so every pane and message names the log as ``ct-bodycams.yaml:526:5``, never
    where it lives on the server. No paths means the bundled log, named the same way.
    """
    if not paths:
        from tui.model.bundled import bundled_log

        paths = [str(bundled_log())]
    folders = [path if os.path.isdir(path) else os.path.dirname(path) for path in paths]
    root = os.path.commonpath(folders)
    return root, [os.path.relpath(path, root) for path in paths]


def served_args(
    paths: Sequence[str],
    *,
    as_of: str | None = None,
    query: str | None = None,
    view: str | None = None,
) -> list[str]:
    """watchline's arguments for one served session: the TUI, read-only, on ``paths``."""
    args = [*paths, "--read-only"]
    if as_of:
        args += ["--as-of", as_of]
    if query:
        args += ["--filter", query]
    if view:
        args += ["--view", view]
    return args


def served_command(
    paths: Sequence[str],
    *,
    as_of: str | None = None,
    query: str | None = None,
    view: str | None = None,
) -> list[str]:
    """The argv of one served watchline session (:func:`served_args` run by this Python)."""
    return watchline_argv(served_args(paths, as_of=as_of, query=query, view=view))


def watchline_argv(args: Sequence[str]) -> list[str]:
    """``watchline ARGS`` as this Python runs it (the same code as the server)."""
    return [sys.executable, "-m", "tui", *args]


def client_environment(client_env: Mapping[str, str]) -> dict[str, str]:
    """The part of a client's environment a served session honours.

    Only TERM, COLORTERM, LANG and LC_* are kept, and only with values that look like a
    terminal name or a locale.
    """
    kept: dict[str, str] = {}
    for name, value in client_env.items():
        allowed = name in CLIENT_ENV_NAMES or (
            name.startswith(CLIENT_ENV_PREFIXES) and _SAFE_NAME.fullmatch(name)
        )
        if allowed and _SAFE_VALUE.fullmatch(value):
            kept[name] = value
    return kept


def served_environment(
    client_env: Mapping[str, str] | None = None, *, home: str | None = None
) -> dict[str, str]:
    """A clean environment for a served session.

    The server's PATH, ``home`` as HOME (a throwaway folder, so anything the app saves there,
    such as a theme choice, stays out of the operator's home and dies with the session),
    UTF-8 text (Python in UTF-8 mode, LANG=C.UTF-8 unless the client sends its own), the
    package on PYTHONPATH so the child runs the same code as the server,
    ``WATCHLINE_SERVED=1``, and the few variables :func:`client_environment` allows.
    Nothing else of the server's or the client's environment is passed on.
    """
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": home or os.environ.get("HOME", "/"),
        "LANG": DEFAULT_LANG,
        "TERM": DEFAULT_TERM,
        # Without a UTF-8 locale, non-ASCII text reached the screen as escapes (measured).
        "PYTHONUTF8": "1",
        # A session writes nothing, not even .pyc files into a writable package folder.
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join(
            [str(package_root()), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    if client_env:
        env.update(client_environment(client_env))
    env[SERVED_ENV_VAR] = "1"
    return env
