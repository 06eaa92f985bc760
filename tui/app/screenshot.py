"""The palette's Screenshot: an SVG of the screen saved where the user will find it, and
the path said.

Textual saves into the Downloads folder and fails, with no path said, when there is none
(a server, a container, a fresh account). Here the first folder that exists and takes a
file wins: Downloads, then the folder watchline was started in, then watchline's cache
folder; the notification names the file either way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.app import App

from tui.model.text import printable


def screenshot_folders() -> list[Path]:
    """Where a screenshot may go, in order of preference."""
    from platformdirs import user_cache_dir, user_downloads_dir

    return [
        Path(user_downloads_dir()),
        Path.cwd(),
        Path(user_cache_dir("watchline", appauthor=False)) / "screenshots",
    ]


def save_screenshot(
    app: App[Any], filename: str | None = None, path: str | None = None
) -> Path | None:
    """Save an SVG of ``app``'s screen into ``path`` or the first usable folder; say where
    in a notification (or why not). The file's path, or None when none could be written.
    A read-only (served) session writes no file at all."""
    if getattr(app, "read_only", False):
        app.notify("Screenshots are not available in a served session", severity="warning")
        return None
    folders = [Path(path)] if path else screenshot_folders()
    errors: list[str] = []
    for index, folder in enumerate(folders):
        if index == len(folders) - 1 and not path:
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            except OSError as error:
                errors.append(f"{folder}: {error.strerror or error}")
                continue
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            continue
        try:
            saved = Path(app.save_screenshot(filename, str(folder)))
        except OSError as error:
            errors.append(f"{folder}: {error.strerror or error}")
            continue
        app.notify(printable(f"Screenshot saved to {saved}"), title="Screenshot", markup=False)
        return saved
    why = "; ".join(errors) or "no folder to write it in"
    app.notify(
        printable(f"Could not save the screenshot ({why})"),
        title="Screenshot",
        severity="error",
        markup=False,
    )
    return None
