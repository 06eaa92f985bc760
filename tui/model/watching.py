"""Watching a log's files for changes: no Textual here, so any face (the app, a served
template, a script) can use it.

:class:`FileWatcher` notices: inotify (and its kin) through ``watchfiles``, watching the
*folders* that hold the files so editors that save by writing a new file and renaming it
over the old one are seen too; a plain ``stat`` poll every second when no such notification
is available (``WATCHLINE_POLL=1`` forces it). :func:`file_hashes` is what a write from the
app is checked against, :func:`log_files` which files a load reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.model.atomic import file_hash

# Editors write a file in several steps (truncate, write, rename); wait for the burst to end.
DEBOUNCE_MS = 150
# The polling fallback's period: a second is quick enough for a person, cheap for a disk.
POLL_SECONDS = 1.0
# How often watchfiles' thread wakes to look for changes and for the stop flag. A served
# session (WATCHLINE_SERVED=1) wakes 4 times a second rather than 20: idle readers are many
# there (100 idle sessions took 15.1% of a core at 50 ms, 13.7% at 250 ms, measured with
# benchmarks/bench_newsroom.py), and a reader does not miss 200 ms of a reload.
STEP_MS = 50
SERVED_STEP_MS = 250
LOG_SUFFIXES = (".yaml", ".yml")


def polling_forced() -> bool:
    """``WATCHLINE_POLL=1`` (any value but empty or 0): poll instead of file notifications."""
    return os.environ.get("WATCHLINE_POLL", "").strip() not in ("", "0")


def file_hashes(files: Iterable[Path]) -> dict[Path, str | None]:
    """Each file's :func:`~tui.model.atomic.file_hash` (None when it cannot be read).

    The same hash a write compares, so "the file changed since it was shown" means the
    same thing here and in ``rate``.
    """
    hashes: dict[Path, str | None] = {}
    for path in files:
        try:
            hashes[path] = file_hash(path)
        except OSError:
            hashes[path] = None
    return hashes


def log_files(paths: Sequence[Path]) -> list[Path]:
    """The files a load of ``paths`` reads (the bundled log when none); [] if a path is gone."""
    from tui.model.bundled import bundled_log
    from tui.model.load import expand_paths

    try:
        return expand_paths(list(paths) or [bundled_log()])
    except Exception:  # a vanished folder: the load itself reports it as a problem
        return [Path(p) for p in paths if Path(p).is_file()]


@dataclass(slots=True)
class _Targets:
    """What to watch: the loaded files (by every name they go by) and the PATH folders."""

    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)  # a new *.yaml here is part of the log

    @classmethod
    def of(cls, files: Iterable[Path], folders: Iterable[Path]) -> _Targets:
        targets = cls()
        for path in files:
            targets.files.add(os.path.abspath(path))
            targets.files.add(os.path.realpath(path))
        for folder in folders:
            targets.folders.add(os.path.abspath(folder))
            targets.folders.add(os.path.realpath(folder))
        return targets

    def directories(self) -> list[str]:
        """The folders to watch: each file's folder (to see saves by rename) and the PATH folders."""
        found = {os.path.dirname(path) for path in self.files} | self.folders
        return sorted(d for d in found if os.path.isdir(d))

    def matches(self, path: str) -> bool:
        if path in self.files:
            return True
        folder, name = os.path.split(path)
        return folder in self.folders and name.endswith(LOG_SUFFIXES) and not name.startswith(".")

    def poll_state(self) -> dict[str, tuple[int, int, int]]:
        """(mtime_ns, size, inode) of every file that counts, for the polling fallback."""
        names = set(self.files)
        for folder in self.folders:
            with contextlib.suppress(OSError):
                names.update(
                    entry.path
                    for entry in os.scandir(folder)
                    if entry.name.endswith(LOG_SUFFIXES) and not entry.name.startswith(".")
                )
        state: dict[str, tuple[int, int, int]] = {}
        for name in names:
            try:
                info = os.stat(name)
            except OSError:
                continue
            state[name] = (info.st_mtime_ns, info.st_size, info.st_ino)
        return state


class _StopFlag:
    """A stop event that is also set once ``alive()`` turns false (the app has exited).

    watchfiles only asks ``is_set()``; the app's end thus stops the watch within a
    step even if nobody calls :meth:`FileWatcher.stop`.
    """

    def __init__(self, alive: Callable[[], bool] | None) -> None:
        self._event = threading.Event()
        self._alive = alive

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set() or (self._alive is not None and not self._alive())


class FileWatcher:
    """Calls ``on_change(paths)`` on the event loop when a loaded file changes.

    Run :meth:`run` as an async worker. It watches with ``watchfiles`` (debounced by
    :data:`DEBOUNCE_MS`) and falls back to polling every :data:`POLL_SECONDS` when
    notifications are unavailable (no inotify, the watch limit reached) or when
    ``poll`` is set. :attr:`mode` says which one runs ("notify" or "poll"). It stops
    on :meth:`stop`, on cancellation, or once ``alive()`` returns False.
    """

    def __init__(
        self,
        files: Iterable[Path],
        on_change: Callable[[set[str]], None],
        *,
        folders: Iterable[Path] = (),
        poll: bool | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        poll_seconds: float = POLL_SECONDS,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self._targets = _Targets.of(files, folders)
        self._on_change = on_change
        self._poll = polling_forced() if poll is None else poll
        self._debounce_ms = debounce_ms
        self._poll_seconds = poll_seconds
        served = os.environ.get("WATCHLINE_SERVED") == "1"
        self._step_ms = SERVED_STEP_MS if served else STEP_MS
        # Checked by watchfiles' Rust thread every step: set it and the thread returns.
        self._stop = _StopFlag(alive)
        self.mode = "poll" if self._poll else "notify"
        self.fallback_reason: str | None = None

    def retarget(self, files: Iterable[Path], folders: Iterable[Path] = ()) -> None:
        """Watch these files from now on (a folder gained or lost a log)."""
        self._targets = _Targets.of(files, folders)

    def stop(self) -> None:
        """Stop watching (the worker returns within a step)."""
        self._stop.set()

    async def run(self) -> None:
        """Watch until :meth:`stop` or cancellation."""
        if not self._poll:
            try:
                await self._notify()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:  # no inotify, watch limit reached, folder gone
                self.fallback_reason = str(error) or type(error).__name__
                self.mode = "poll"
        await self._polling()

    async def _notify(self) -> None:
        from watchfiles import awatch

        directories = self._targets.directories()
        if not directories:
            raise FileNotFoundError("none of the log's folders exist")
        async for changes in awatch(
            *directories,
            watch_filter=None,
            debounce=self._debounce_ms,
            step=self._step_ms,
            stop_event=self._stop,
            recursive=False,
        ):
            hits = {path for _, path in changes if self._targets.matches(path)}
            if hits:
                self._on_change(hits)
            if self._stop.is_set():
                return

    async def _polling(self) -> None:
        previous = self._targets.poll_state()
        while not self._stop.is_set():
            await asyncio.sleep(self._poll_seconds)
            current = self._targets.poll_state()
            if current != previous:
                changed = {
                    name
                    for name in current.keys() | previous.keys()
                    if current.get(name) != previous.get(name)
                }
                previous = current
                self._on_change(changed)
