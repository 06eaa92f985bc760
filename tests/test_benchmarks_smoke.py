"""The benchmark log generator writes a log that loads cleanly (not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.model.load import load_paths

REPO = Path(__file__).resolve().parents[1]


def test_a_generated_log_loads_with_no_problems(tmp_path: Path) -> None:
    out = tmp_path / "generated.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "200", "3", str(out)],
        check=True,
        capture_output=True,
    )
    result = load_paths([out])
    assert result.problems == []
    assert result.collection is not None
    assert len(result.collection.events) == 200
    kinds = {event.kind for event in result.collection.events}
    assert {"pledge", "grant", "rollout", "shooting"} <= kinds


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    outs = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for out in outs:
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate.py"), "50", "9", str(out)],
            check=True,
            capture_output=True,
        )
    assert outs[0].read_bytes() == outs[1].read_bytes()
