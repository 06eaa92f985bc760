"""A warm start draws the first screen from the log cache without building the log: the
timeline builds the events it shows, and the engine the pledges it judges."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.conftest import AS_OF
from tests.generated import generated_log
from tui.app.app import WatchlineApp
from tui.model.event_store import StoredEvents
from tui.model.load import cache, load_paths

pytestmark = pytest.mark.anyio

COUNT = 3000


@pytest.fixture
def warm_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated log whose cache entry and engine indexes are already stored."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("WATCHLINE_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_TEXT_CHARS", 0)
    path = generated_log(tmp_path, COUNT, 3)
    from tui.model.query import QueryEngine

    collection = load_paths([path]).collection
    assert collection is not None
    QueryEngine.cached(collection, AS_OF)
    return path


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_first_screen_builds_only_what_it_shows(
    warm_log: Path, size: tuple[int, int]
) -> None:
    app = WatchlineApp([warm_log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=size) as pilot:
        deadline = time.monotonic() + 20
        while app.engine is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app.collection is not None and app.engine is not None
        events = app.collection.events
        assert isinstance(events, StoredEvents)
        pledges = len(events.having["pledge"])
        # The rows on screen, the cursor's detail and the pledges the engine judges.
        assert events.built <= pledges + size[1] * 2, events.built
        await pilot.press("G")
        await pilot.pause(0.1)
        assert events.built <= pledges + size[1] * 4
        await pilot.press("enter")  # the detail of the last event, with its backlinks
        await pilot.pause(0.2)
        assert events.built < COUNT // 2


async def test_a_log_read_while_textual_starts_is_shown_without_building_it(
    warm_log: Path,
) -> None:
    # `watchline` reads the log while Textual is imported, and the app installs it on
    # mount: nothing on the way (a worker named by the repr of its arguments, say) may
    # build the whole log.
    from tui.app.loading import start_loading

    preload = start_loading([warm_log], AS_OF)
    preload.result(timeout=20)
    app = WatchlineApp([warm_log], preload=preload, as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        events = app.collection.events if app.collection is not None else None
        assert isinstance(events, StoredEvents)
        assert events.built <= 24 * 2, events.built  # the first screen only
        deadline = time.monotonic() + 20
        while app.engine is None and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert app.engine is not None
        assert events.built <= len(events.having["pledge"]) + 24 * 2, events.built


def test_every_worker_is_named_without_the_repr_of_its_arguments() -> None:
    # Textual names a worker with no description by repr() of its arguments, at once,
    # on the UI thread: for a collection that means building every event.
    import ast

    unnamed = []
    package = Path(__file__).resolve().parents[2] / "tui"
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", None) == "work"
                    and not any(k.arg == "description" for k in decorator.keywords)
                ):
                    unnamed.append(f"{path}:{node.lineno} {node.name}")
    assert unnamed == []
