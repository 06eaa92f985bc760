"""The detail pane marks a source link found dead at the last `sources check`, from the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import AS_OF, make_event
from tests.app.test_detail import pane_text
from tui.app.app import WatchlineApp
from tui.app.widgets.detail import DetailPane
from tui.model.links.remembered import LinkResult, remember, results_path
from tui.model.log import Collection, Source

pytestmark = pytest.mark.anyio

GONE = "https://example.org/gone"
COPY = "https://web.archive.org/web/2020/x"
ALIVE = "https://example.org/alive"
MOVED = "https://example.org/old"


def links_collection() -> Collection:
    events = [
        make_event("e1", "2018-01-01", "report", "A report", sources=("gone", "alive", "old")),
    ]
    sources = {
        "gone": Source("gone", "A lost page", url=GONE, archived=COPY),
        "alive": Source("alive", "A live page", url=ALIVE),
        "old": Source("old", "A moved page", url=MOVED),
    }
    collection = Collection(title="Links", sources=sources, events=events)
    collection.index = {event.id: i for i, event in enumerate(events)}
    return collection


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("WATCHLINE_CACHE", "1")
    return tmp_path / "cache"


async def detail_text() -> str:
    app = WatchlineApp(collection=links_collection(), as_of=AS_OF, remember=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        return pane_text(app.query_one("#detail", DetailPane))


async def test_a_dead_link_is_marked_and_its_archived_copy_offered(cache_home: Path) -> None:
    remember(
        [
            LinkResult(
                GONE, "dead", 404, None, "404 Not Found\x1b[31m", "2026-02-03T04:05:06+00:00"
            ),
            LinkResult(ALIVE, "ok", 200, None, "200 OK", "2026-02-03T04:05:06+00:00"),
            LinkResult(MOVED, "moved", 200, ALIVE, "200 OK", "2026-02-03T04:05:06+00:00"),
        ]
    )
    text = await detail_text()
    assert f"{GONE}\n    \u2717 dead at the last check (404 Not Found" in text
    assert "2026-02-03)\n    read the archived copy:" in text
    assert f"{ALIVE}\n[3]" in text  # an ok link carries no mark
    assert f"{MOVED}\n    \u2192 moved to {ALIVE} (2026-02-03)" in text
    assert "\x1b" not in text


async def test_with_nothing_remembered_links_are_plain(cache_home: Path) -> None:
    text = await detail_text()
    assert "dead at the last check" not in text
    assert f"archived: {COPY}" in text


async def test_an_unreadable_results_file_is_nothing_remembered(cache_home: Path) -> None:
    path = results_path()
    assert path is not None
    path.write_bytes(b"\xff\xfe not json")
    text = await detail_text()
    assert "dead at the last check" not in text
