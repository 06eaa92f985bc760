"""What the app remembers for the user between runs (the theme), as JSON in their config dir.

The file is ``settings.json`` in platformdirs' ``user_config_dir("watchline")``
(``~/.config/watchline`` on Linux, honouring XDG_CONFIG_HOME). A missing, unreadable or
corrupt file means the defaults; a failed save is not worth interrupting anyone for.
"""

from __future__ import annotations

import json
from collections.abc import Container
from pathlib import Path
from typing import Any

from platformdirs import user_config_dir

from tui.model.atomic import write_atomically

SETTINGS_FILE = "settings.json"
DEFAULT_THEME = "textual-dark"


def settings_path() -> Path:
    return Path(user_config_dir("watchline")) / SETTINGS_FILE


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The saved settings, or ``{}`` when there are none or they cannot be read."""
    path = settings_path() if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_settings(settings: dict[str, Any], path: Path | None = None) -> bool:
    """Write ``settings`` atomically (a temporary file renamed over the old one).

    Returns False when it could not be written (read-only home, full disk).
    """
    path = settings_path() if path is None else path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(settings, indent=2, sort_keys=True) + "\n"
        write_atomically(path, text.encode("utf-8"))
    except OSError:
        return False
    return True


def saved_theme(available: Container[str], path: Path | None = None) -> str | None:
    """The remembered theme if it is one of ``available``, else None."""
    theme = load_settings(path).get("theme")
    return theme if isinstance(theme, str) and theme in available else None


def remember_theme(theme: str, path: Path | None = None) -> bool:
    """Store ``theme`` as the user's choice, keeping any other setting."""
    settings = load_settings(path)
    if settings.get("theme") == theme:
        return True
    settings["theme"] = theme
    return save_settings(settings, path)
