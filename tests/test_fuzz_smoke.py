"""A short run of the loader fuzzer (benchmarks/fuzz.py runs it for 10 minutes)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_loader_survives_a_short_fuzz_run(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "fuzz.py"),
            "--seconds",
            "8",
            "--batch",
            "60",
            "--crashes",
            str(tmp_path / "crashes"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    row = re.search(r"\| load_data, half in a thread \| .*", run.stdout)
    assert row is not None, run.stdout
    cells = [cell.strip() for cell in row.group().strip("|").split("|")]
    inputs, crashes, exceptions = int(cells[3].replace(",", "")), int(cells[4]), int(cells[5])
    assert inputs >= 60 and crashes == 0 and exceptions == 0, row.group()
