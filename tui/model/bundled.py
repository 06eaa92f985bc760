"""Where the bundled Connecticut log lives, installed or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

BUNDLED_LOG_NAME = "ct-bodycams.yaml"


def data_dir() -> Path:
    """The folder holding the bundled log and the JSON Schema.

    A wheel carries them inside the package (``tui/data``); a source checkout or an
    editable install finds them in the repository's top-level ``data/``.
    """
    packaged = Path(str(resources.files("tui"))) / "data"
    if (packaged / BUNDLED_LOG_NAME).is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def bundled_log() -> Path:
    return data_dir() / BUNDLED_LOG_NAME
