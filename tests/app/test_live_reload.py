"""A log that lives: someone saves the file while the app shows it, and the app follows.

Every test runs the real app on a real file in tmp_path with the real watcher (inotify
through watchfiles; the polling fallback in its own test), and waits, bounded, for what
a person would see.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from textual.message import Message
from textual.pilot import Pilot

from tests.app.conftest import AS_OF
from tui.app import live
from tui.app.app import WatchlineApp
from tui.app.load_messages import LogReloaded
from tui.app.widgets.detail import DetailPane
from tui.app.widgets.problems_panel import ProblemsPanel
from tui.model.watching import FileWatcher, file_hashes

pytestmark = pytest.mark.anyio

HEAD = """\
watchline: 1
title: A log that lives
sources:
  s1: {title: A source}
events:
"""
# Bounded waits: inotify reports within ~0.2 s, polling within ~1 s; a loaded CI is slower.
WAIT_SECONDS = 5.0


def event(event_id: str, title: str, day: int) -> str:
    return (
        f"  - id: {event_id}\n    date: 2017-05-{day:02d}\n    kind: other\n"
        f"    title: {title}\n    sources: [s1]\n"
    )


def first_text(count: int = 30) -> str:
    return HEAD + "".join(event(f"e{n:02d}", f"Event number {n}", n % 28 + 1) for n in range(count))


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_SECONDS} s for {what}")
        await pilot.pause(0.05)


def cursor_id(app: WatchlineApp) -> str | None:
    cursor = app.timeline.cursor
    return None if cursor is None or app.collection is None else app.collection.events[cursor].id


def notices(app: WatchlineApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def panel(app: WatchlineApp) -> ProblemsPanel | None:
    found = app.screen_stack[0].query(ProblemsPanel)
    return found.first() if found else None


def save(path: Path, text: str) -> None:
    """Save as many editors do: a new file renamed over the old one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


async def open_app(pilot: Pilot[None], app: WatchlineApp) -> None:
    await wait_for(pilot, lambda: app.collection is not None, "the first load")
    await wait_for(pilot, lambda: app.live.watcher is not None, "the watcher")
    await pilot.pause(0.3)  # the watcher's first poll of the folder


async def test_an_appended_event_appears_and_the_notice_says_plus_one(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text())
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        assert app.live.watcher is not None and app.live.watcher.mode == "notify"
        with log.open("a") as handle:  # an append in place, as `echo >>` or git does
            handle.write(event("late-news", "A late addition", 28))
        await wait_for(pilot, lambda: app.collection.event("late-news") is not None, "the reload")
        assert len(app.timeline.shown) == 31
        await wait_for(pilot, lambda: "+1 event." in notices(app), "the notice")


async def test_a_changed_title_updates_and_the_cursor_stays_on_its_event(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(60))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, query="event")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        await pilot.press(*"j" * 40)  # well down the list: the view has scrolled
        chosen = cursor_id(app)
        scroll_before = app.timeline.scroll_y
        assert chosen is not None and scroll_before > 0
        # Another event is added ABOVE it in the timeline, and the chosen one is retitled.
        number = int(chosen[1:])
        text = first_text(60).replace(
            f"Event number {number}\n", f"Event number {number}, updated\n"
        )
        save(log, text.replace("events:\n", "events:\n" + event("early", "Early event", 1)))
        await wait_for(pilot, lambda: app.collection.event("early") is not None, "the reload")
        assert cursor_id(app) == chosen
        assert app.collection.event(chosen).title.endswith("updated")
        assert app.query_bar.text == "event"  # the query is kept
        # The cursor's row stays where it was on screen (one row lower at most: the new event).
        row = app.timeline.row_of(app.timeline.cursor)
        assert row is not None
        assert abs((row - app.timeline.scroll_y) - (row - 1 - scroll_before)) <= 1
        await pilot.pause(0.1)
        detail = app.query_one("#detail", DetailPane)
        assert detail.event is app.collection.event(chosen)
        await wait_for(pilot, lambda: "+1 event, 1 changed." in notices(app), "the notice")


async def test_a_broken_save_shows_its_problems_and_keeps_the_timeline_until_fixed(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.yaml"
    good = first_text(5)
    log.write_text(good)
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        shown = app.collection
        save(log, good.replace("date: 2017-05-03", "date: 2017-13-45"))
        await wait_for(pilot, lambda: panel(app) is not None, "the problems panel")
        lines = panel(app).problems
        assert lines and lines[0].startswith(f"{log}:17:11: error:"), lines
        assert app.collection is shown and len(app.timeline.shown) == 5  # the last good log
        # Saved again, still broken: the same panel, new lines.
        save(log, good.replace("title: Event number 1\n", "title: [unclosed\n"))
        await wait_for(
            pilot, lambda: panel(app) is not None and panel(app).problems != lines, "new lines"
        )
        save(log, good.replace("Event number 4", "Event number four"))
        await wait_for(pilot, lambda: panel(app) is None, "the panel to clear")
        assert app.collection is not shown
        assert app.collection.event("e04").title == "Event number four"
        await wait_for(
            pilot,
            lambda: any(n.startswith("The log loads again") for n in notices(app)),
            "the notice",
        )


async def test_the_problems_panel_can_be_dismissed_and_shows_control_characters_safely(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.yaml"
    good = first_text(3)
    log.write_text(good)
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        save(log, good.replace("date: 2017-05-02", 'date: "\\e[2J"'))
        await wait_for(pilot, lambda: panel(app) is not None, "the problems panel")
        assert all("\x1b" not in line for line in panel(app).problems)
        await pilot.press("x")
        await wait_for(pilot, lambda: panel(app) is None, "the panel to close")
        assert app.focused is app.timeline


async def test_no_watch_leaves_the_screen_as_it_was(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: app.collection is not None, "the first load")
        with log.open("a") as handle:
            handle.write(event("late-news", "A late addition", 28))
        await pilot.pause(0.6)
        assert app.live.watcher is None
        assert app.collection.event("late-news") is None
        # The shown version's hash is kept: a rating now would be refused as a conflict.
        assert app.live.hash_of(log) != file_hashes([log])[log]


async def test_the_polling_fallback_sees_a_save(tmp_path: Path) -> None:
    """Where inotify is unavailable (WATCHLINE_POLL=1 forces it), a stat poll finds the change."""
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    seen: list[set[str]] = []
    watcher = FileWatcher([log], seen.append, poll=True, poll_seconds=0.1)
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.sleep(0.25)
        save(log, first_text(4))
        deadline = time.monotonic() + WAIT_SECONDS
        while not seen and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        watcher.stop()
        await asyncio.wait_for(task, 2)
    assert watcher.mode == "poll"
    assert seen and str(log) in seen[0]


async def test_a_new_log_in_a_watched_folder_is_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.yaml").write_text(first_text(2))
    app = WatchlineApp([folder], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        (folder / "b.yaml").write_text(
            "watchline: 1\ntitle: More\nsources:\n  s2: {title: B}\nevents:\n"
            "  - id: from-b\n    date: 2018\n    kind: other\n    title: From b\n    sources: [s2]\n"
        )
        await wait_for(pilot, lambda: app.collection.event("from-b") is not None, "the new file")
        assert folder / "b.yaml" in app.live.files


async def test_a_log_deleted_and_recreated_is_followed(tmp_path: Path) -> None:
    """``git checkout`` of another branch deletes the file and writes it again."""
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        log.unlink()
        await wait_for(pilot, lambda: panel(app) is not None, "the problems panel")
        assert len(app.timeline.shown) == 3  # the last good log stays
        log.write_text(first_text(4))
        await wait_for(pilot, lambda: panel(app) is None, "the panel to clear")
        assert len(app.timeline.shown) == 4


async def test_watchline_poll_makes_the_app_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHLINE_POLL", "1")
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        assert app.live.watcher is not None and app.live.watcher.mode == "poll"
        save(log, first_text(3).replace("Event number 1\n", "Event number one\n"))
        await wait_for(
            pilot, lambda: app.collection.event("e01").title == "Event number one", "a poll"
        )
        await wait_for(pilot, lambda: "1 event changed." in notices(app), "the notice")


async def test_watching_does_not_hold_up_waiting_for_workers(tmp_path: Path) -> None:
    """Tests (and code) wait for the app's workers; the watcher runs all along, so it is none."""
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_app(pilot, app)
        await asyncio.wait_for(app.workers.wait_for_complete(), 5)
        task = app.live._task
        assert task is not None and not task.done()
    # The app has ended: the watch stops within a step of watchfiles (50 ms).
    await asyncio.wait_for(asyncio.shield(task), 2)


@pytest.mark.usefixtures("nothing_waits_on_the_app")
async def test_a_reload_reaches_the_app_as_a_message(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    heard: list[Message] = []
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30), message_hook=heard.append) as pilot:
        await wait_for(pilot, lambda: app.collection is not None, "the first load")
        save(log, first_text(3) + event("late-news", "A late addition", 28))
        app.live.reload()
        await wait_for(pilot, lambda: app.collection.event("late-news") is not None, "the reload")
        assert [type(m) for m in heard if isinstance(m, LogReloaded)] == [LogReloaded]
        await wait_for(pilot, lambda: "+1 event." in notices(app), "the notice")


async def test_a_newer_reload_cancels_the_one_under_way_and_only_it_is_shown(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.collection is not None, "the first load")
        await app.workers.wait_for_complete()
        save(log, first_text(3) + event("late-news", "A late addition", 28))
        app.live.reload()
        (first,) = [worker for worker in app.workers if worker.group == "reload"]
        app.live.reload()
        assert first.is_cancelled
        await wait_for(pilot, lambda: app.collection.event("late-news") is not None, "the reload")
        await pilot.pause(0.2)  # the first thread, had it posted, would have been heard
        assert app.live.reloads == 1
        assert notices(app).count("+1 event.") == 1


async def test_a_reload_that_raises_says_why_and_keeps_the_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.collection is not None, "the first load")
        shown = app.collection

        def broken(*args: object) -> NoReturn:
            raise OSError("the disk is gone")

        monkeypatch.setattr(live, "load_snapshot", broken)
        app.live.reload()
        await wait_for(
            pilot,
            lambda: "Could not reload the log: the disk is gone" in notices(app),
            "the notice",
        )
        assert app.collection is shown


async def test_the_hashes_shown_are_those_of_the_bytes_the_load_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(first_text(3))
    read = log.read_bytes()
    hashed: list[object] = []
    real = live.file_hashes

    def counted(files: object) -> object:
        hashed.append(files)
        return real(files)  # type: ignore[arg-type]

    monkeypatch.setattr(live, "file_hashes", counted)
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: app.collection is not None, "the first load")
        # The load's own hash of what it read: the file is not read and hashed again.
        assert app.live.hash_of(log) == hashlib.sha256(read).hexdigest()
        assert hashed == []
