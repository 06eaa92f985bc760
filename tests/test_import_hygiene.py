"""The model imports no Textual and no Rich: a script can load and query a log without them."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.model

REPO = Path(__file__).resolve().parents[1]

MODEL_MODULES = sorted(
    f"tui.model.{info.name}" for info in pkgutil.iter_modules(tui.model.__path__)
)

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps(loaded))
"""


def test_the_model_has_modules_to_check():
    assert {"tui.model.log", "tui.model.loader", "tui.model.format"} <= set(MODEL_MODULES)


def textual_and_rich_loaded(probe: str, *modules: str) -> list[str]:
    """The Textual and Rich modules that ``probe`` leaves loaded after importing ``modules``,
    in a fresh interpreter (this test process has imported Textual for other tests)."""
    done = subprocess.run(
        [sys.executable, "-c", probe, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_every_model_module_loads_no_textual_or_rich():
    assert textual_and_rich_loaded(PROBE, *MODEL_MODULES) == []


def test_loading_a_log_loads_no_textual_or_rich():
    probe = PROBE.replace(
        "loaded =",
        "from tui.model.loader import load_paths\n"
        "assert load_paths(['tests/model/logs/example.yaml']).problems == []\nloaded =",
    )
    assert textual_and_rich_loaded(probe, "tui.model.schema") == []
