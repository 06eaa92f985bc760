"""Shared fixtures: where the bundled log and the shared data sets are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI clones the repository with shared/ beside it; WATCHLINE_SHARED points elsewhere.
SHARED = Path(os.environ.get("WATCHLINE_SHARED", REPO.parent / "shared"))


@pytest.fixture
def bundled_log_path() -> Path:
    return REPO / "data" / "ct-bodycams.yaml"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared data sets are not at {SHARED}")
    return SHARED


@pytest.fixture(autouse=True)
def _no_log_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read or fill the user's cache of built logs (tests/model/test_cache.py
    turns it on in a temporary folder)."""
    monkeypatch.setenv("WATCHLINE_CACHE", "0")


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (Textual's Pilot) run on asyncio only, not on every anyio backend."""
    return "asyncio"
