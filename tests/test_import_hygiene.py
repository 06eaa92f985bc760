"""The model imports no Textual and no Rich: a script can load and query a log without them."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    assert {"tui.model.log", "tui.model.load", "tui.model.format"} <= set(MODEL_MODULES)


def probed(probe: str, *args: str) -> Any:
    """What ``probe`` prints (JSON) when run with ``args`` in a fresh interpreter (this
    test process has imported Textual and more for other tests)."""
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def textual_and_rich_loaded(probe: str, *modules: str) -> list[str]:
    """The Textual and Rich modules that ``probe`` leaves loaded after importing ``modules``."""
    loaded: list[str] = probed(probe, *modules)
    return loaded


def test_importing_every_model_module_loads_no_textual_or_rich():
    assert textual_and_rich_loaded(PROBE, *MODEL_MODULES) == []


def test_loading_a_log_loads_no_textual_or_rich():
    probe = PROBE.replace(
        "loaded =",
        "from tui.model.load import load_paths\n"
        "assert load_paths(['tests/model/logs/example.yaml']).problems == []\nloaded =",
    )
    assert textual_and_rich_loaded(probe, "tui.model.schema") == []


# What the first screen of the bundled log never needs: the servers and the exporters, the
# link checker, the file watcher (started once the first frame is drawn), the exact YAML
# parser (the fast path reads the bundled log), the query engine (built in a thread after
# the first frame), the palette's commands and the screens opened by a key.
NOT_ON_THE_FIRST_SCREEN = (
    "aiohttp",
    "anyio",
    "asyncssh",
    "cryptography",
    "httpx",
    "icalendar",
    "jinja2",
    "ruamel",
    "textual_serve",
    "watchfiles",
    "tui.app.commands",
    "tui.app.screens",
    "tui.commands.serve",
    "tui.model.query.engine",
    "tui.serve",
)

FIRST_SCREEN_PROBE = """
import asyncio, datetime, json, sys
import yaml_rs  # as `watchline` does: on the main thread, before the loading thread
from tui.app.loading import start_loading

AS_OF = datetime.date(2020, 6, 30)
preload = start_loading([], AS_OF)
preload.result()
from tui.app.app import WatchlineApp

def loaded():
    return sorted({m for m in sys.modules for p in sys.argv[1:] if m == p or m.startswith(p + ".")})

async def main():
    app = WatchlineApp(preload=preload, as_of=AS_OF, remember=False)
    async with app.run_test(size=(80, 24)) as pilot:
        first = (app.collection is not None, loaded())
        await pilot.pause()
        for _ in range(100):
            if app.live.watcher is not None:
                break
            await pilot.pause(0.05)
        watching = app.live.watcher is not None
    print(json.dumps([first, watching]))

asyncio.run(main())
"""


def test_the_bundled_logs_first_screen_loads_nothing_it_does_not_show():
    (installed, at_first), watching = probed(FIRST_SCREEN_PROBE, *NOT_ON_THE_FIRST_SCREEN)
    assert installed  # the events are on the first screen
    assert at_first == []
    assert watching  # deferred, not dropped: once the first frame is drawn the watcher runs


def test_the_loader_package_has_no_import_cycle_and_small_modules():
    """tui.model.load's modules import one another in one direction (module-level imports,
    which are the ones that can deadlock a start-up), and each stays a readable size."""
    import ast

    package = REPO / "tui" / "model" / "load"
    graph: dict[str, set[str]] = {}
    for path in sorted(package.glob("*.py")):
        name = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("tui.model.load."):
                    deps.add(node.module.rsplit(".", 1)[1])
                elif node.module == "tui.model.load":
                    deps.update(alias.name for alias in node.names)
        graph[name] = deps - {name}
        if name != "exact":  # the corrected YAML scanner is one state machine
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 450, name
    assert set(graph) >= {"guards", "tree", "positions", "checks", "build", "merge", "files"}
    # Kahn's algorithm: every module but the package's __init__ must come out.
    inner = {name: deps for name, deps in graph.items() if name != "__init__"}
    order: list[str] = []
    ready = [name for name, deps in inner.items() if not deps & set(inner)]
    while ready:
        name = ready.pop()
        order.append(name)
        for other, deps in inner.items():
            if other not in order and other not in ready and deps & set(inner) <= set(order):
                ready.append(other)
    assert sorted(order) == sorted(inner), f"import cycle among {set(inner) - set(order)}"
