"""Shared fixtures: where the bundled log and the shared data sets are."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

# yaml-rs 0.1.6 segfaults when it was first imported in a thread that has since exited
# and is then used from another thread. Every Pilot test runs on its own event loop, whose
# executor threads (where the app loads logs) exit with it: import it here, on the main thread.
with contextlib.suppress(ImportError):  # the fast path is optional
    import yaml_rs  # noqa: F401

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


@pytest.fixture
def git_history(tmp_path: Path) -> Path:
    """A git repository of four commits of the bundled log (see tests/history_repo.py)."""
    import shutil

    if shutil.which("git") is None:
        pytest.skip("needs the git command")
    from tests.history_repo import build_history

    return build_history(tmp_path / "history")
