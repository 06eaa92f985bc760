"""The CLI tests read output as a pipe would get it: no width from the environment.

Textual's test harness and the pty tests set COLUMNS in this process; a table command run
after them in the same worker would fit itself to that width instead.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_terminal_size_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
