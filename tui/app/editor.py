"""`e`: open the user's editor at the selected event's line, then reload.

The editor is ``$VISUAL``, then ``$EDITOR``, then ``nano`` if it is installed, else
``vi`` (what most systems have and what git falls back to). The variable is split as a
shell would split it (``EDITOR="code --wait"`` works) but never run through a shell, so
nothing in a file name is interpreted.

Most terminal editors take ``+LINE FILE`` (vi, vim, nvim, nano, emacs, micro, joe, ...);
a few graphical ones want the line another way, listed in :data:`LINE_STYLES`.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.model.text import one_line

if TYPE_CHECKING:
    from textual.app import App

__all__ = [
    "LINE_STYLES",
    "EditorCommand",
    "EditorError",
    "editor_command",
    "open_editor",
    "suspended",
]

# How an editor is told the line when ``+LINE FILE`` would not work (keyed by the name of
# the program). "goto": ``--goto FILE:LINE`` (VS Code and its forks); "colon": ``FILE:LINE``;
# "line-flag": ``--line LINE FILE`` (JetBrains IDEs); "kate": ``-l LINE FILE``.
LINE_STYLES: dict[str, str] = {
    "code": "goto",
    "code-insiders": "goto",
    "codium": "goto",
    "vscodium": "goto",
    "cursor": "goto",
    "subl": "colon",
    "sublime_text": "colon",
    "zed": "colon",
    "hx": "colon",
    "helix": "colon",
    "atom": "colon",
    "idea": "line-flag",
    "pycharm": "line-flag",
    "charm": "line-flag",
    "mate": "line-flag",
    "kate": "kate",
}
# Graphical editors return at once unless asked to wait for the file to be closed; the
# app would resume and reload before anything was typed.
WAIT_FLAGS: dict[str, str] = {
    "code": "--wait",
    "code-insiders": "--wait",
    "codium": "--wait",
    "vscodium": "--wait",
    "cursor": "--wait",
    "subl": "--wait",
    "sublime_text": "--wait",
    "zed": "--wait",
    "atom": "--wait",
    "mate": "--wait",
    "idea": "--wait",
    "pycharm": "--wait",
    "charm": "--wait",
}
_WAIT_SPELLINGS = {"--wait", "-w", "--block"}


class EditorError(Exception):
    """No editor could be run; ``message`` says what to set."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class EditorCommand:
    """The command line to run and where the editor came from (for messages)."""

    argv: tuple[str, ...]
    origin: str  # "$VISUAL", "$EDITOR" or "the fallback"


def _choose(env: Mapping[str, str]) -> tuple[str, str]:
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            return value, f"${name}"
    path = env.get("PATH")
    for fallback in ("nano", "vi"):
        if shutil.which(fallback, path=path):
            return fallback, "the fallback"
    raise EditorError("No editor found: set $VISUAL or $EDITOR (for example EDITOR=nano)")


def editor_command(
    file: str | os.PathLike[str], line: int | None, env: Mapping[str, str] | None = None
) -> EditorCommand:
    """The command that opens ``file`` at ``line`` (1-based; None: the top) in the editor.

    Raises :class:`EditorError` when the variable cannot be split or its program is not
    on ``PATH``.
    """
    env = os.environ if env is None else env
    value, origin = _choose(env)
    try:
        words = shlex.split(value)
    except ValueError as error:
        raise EditorError(f"{origin} is not a command line ({error}): {one_line(value)}") from None
    if not words:
        raise EditorError(f"{origin} is empty: set it to an editor, for example nano")
    program = words[0]
    if shutil.which(program, path=env.get("PATH")) is None:
        raise EditorError(
            f"The editor {one_line(program)!r} (from {origin}) was not found; "
            "set $VISUAL or $EDITOR to an installed editor"
        )
    name = Path(program).name.removesuffix(".exe")
    target = os.fspath(file)
    wait = WAIT_FLAGS.get(name)
    if wait is not None and not _WAIT_SPELLINGS & set(words[1:]):
        words.append(wait)
    if line is None:
        return EditorCommand((*words, target), origin)
    style = LINE_STYLES.get(name)
    if style == "goto":
        tail = ["--goto", f"{target}:{line}"]
    elif style == "colon":
        tail = [f"{target}:{line}"]
    elif style == "line-flag":
        tail = ["--line", str(line), target]
    elif style == "kate":
        tail = ["-l", str(line), target]
    else:
        tail = [f"+{line}", target]
    return EditorCommand((*words, *tail), origin)


@contextlib.contextmanager
def suspended(app: App[Any]) -> Iterator[None]:
    """Hand the terminal to a child program: ``App.suspend`` on a real terminal.

    A headless app (tests) has no terminal to hand over, so the child just runs.
    Raises textual's ``SuspendNotSupported`` where suspending is impossible (a browser).
    """
    if app.is_headless:
        yield
        return
    with app.suspend():
        yield


def open_editor(app: App[Any], file: str, line: int | None) -> bool:
    """Run the editor on ``file`` at ``line`` with the app suspended; True if it ran.

    Every failure is a notification, never a traceback: no editor, an editor that is not
    installed, a terminal that cannot be handed over, an editor that failed.
    """
    from textual.app import SuspendNotSupported

    try:
        command = editor_command(file, line)
    except EditorError as error:
        app.notify(error.message, title="Cannot open the editor", severity="error")
        return False
    try:
        with suspended(app):
            completed = subprocess.run(command.argv, check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot be handed to an editor.", severity="warning")
        return False
    except OSError as error:
        program = one_line(command.argv[0])
        app.notify(
            f"Could not run {program!r} (from {command.origin}): {error.strerror or error}",
            title="Cannot open the editor",
            severity="error",
        )
        return False
    if completed.returncode != 0:
        app.notify(f"The editor exited with status {completed.returncode}.", severity="warning")
    return True
