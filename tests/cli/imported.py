"""What the importer tests check of every log an importer writes: it loads with no problems."""

from __future__ import annotations

from pathlib import Path

from tui.model.load import load_paths
from tui.model.log import Collection


def load_imported(path: Path) -> Collection:
    """Load the log an importer wrote at ``path``; fail the test on any problem."""
    result = load_paths([path])
    assert [str(p) for p in result.problems] == []
    assert result.collection is not None
    return result.collection
