"""Fixtures the model's cache tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.load import cache


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache used for files of any size; returns where entries go."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("WATCHLINE_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_TEXT_CHARS", 0)
    return tmp_path / "xdg" / "watchline" / "logs"
