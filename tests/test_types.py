"""The type hints are checked, not decoration: mypy passes on the model and the CLI.

(The Textual app is checked by `mypy` from the repository root as well; it is left out
here only to keep this test quick.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

CHECKED = ["tui/model", "tui/formats", "tui/importers", "tui/serve", "tui/commands", "tui/cli.py"]


def test_mypy_finds_no_type_errors(tmp_path: object) -> None:
    pytest.importorskip("mypy")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path), *CHECKED],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout + run.stderr
