"""benchmarks/doors.py --quick, reads only, runs end to end: every door refuses, fast, small.

The writes half takes minutes (README.md's Safety section has its figures); this keeps
the script from rotting and the refusals from regressing into reads of ``/dev/zero``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_door_refuses_a_file_that_is_not_a_log() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "doors.py"), "--only", "reads", "--quick"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in run.stdout.splitlines()
        if re.match(r"\| (symlink|FIFO|300 MB)", line)
    ]
    assert len(rows) == 3 * 3, run.stdout
    for label, command, code, _seconds, rss_mb, stderr in rows:
        assert code == "2", (label, command, code, stderr)
        assert "not a regular file" in stderr or "at most 256 MiB" in stderr, (label, stderr)
        assert float(rss_mb) < 200, (label, command, rss_mb)
