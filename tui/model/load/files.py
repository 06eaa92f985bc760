"""Paths -> files -> parts -> one collection: the loader's entry points.

:func:`load_text` is the one place that chooses the parser (the fast path of
:mod:`tui.model.load.fast`, else :func:`~tui.model.load.tree.parse_text`).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tui.model import safe_read
from tui.model.load import cache, fast, guards
from tui.model.load.build import Builder, FilePart
from tui.model.load.merge import merge_parts
from tui.model.load.tree import Progress, parse_text
from tui.model.log import (
    Collection,
)
from tui.model.problems import LogError, Problem
from tui.model.text import shown_name

if TYPE_CHECKING:
    from tui.model.load.parallel import Job


@dataclass(slots=True)
class LoadResult:
    """The merged collection (``None`` if any file has a problem) and every problem, sorted.

    ``unreadable`` names the files that could not be read at all (missing, a folder,
    no permission): a command treats those as a usage error rather than a bad log.
    """

    collection: Collection | None
    problems: list[Problem]
    unreadable: list[str] = field(default_factory=list)
    # Each file a part was read from -> the SHA-256 (hex) of the bytes read.
    digests: dict[Path, str] = field(default_factory=dict)


class PathError(Exception):
    """A path on the command line that is not a log file or a folder of them."""


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to load: each file as given, each folder as its ``*.yaml``/``*.yml``, sorted.

    Raises :class:`PathError` for a path that does not exist or a folder with no logs.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
            )
            if not found:
                raise PathError(f"{shown_name(path)}: no *.yaml or *.yml files in this folder")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise PathError(f"{shown_name(path)}: no such file or folder")
    return files


def load_file(
    path: Path, progress: Callable[[int], None] | None = None
) -> tuple[FilePart | None, list[Problem], bool]:
    """Read, parse and build one file: its part (None if unusable), problems, readable."""
    file = str(path)
    try:
        data = safe_read.read_bytes(path, cap=guards.MAX_BYTES)
    except OSError as error:
        # Not read at all (missing, a folder, a FIFO or device, over the cap): "cannot read".
        return None, [Problem(file, 1, 1, safe_read.reason_of(error))], False
    part, problems = load_data(data, file, progress)
    return part, problems, True


def load_data(
    data: bytes,
    file: str,
    progress: Callable[[int], None] | None = None,
    key: str | None = None,
    sha256: bytes | None = None,
) -> tuple[FilePart | None, list[Problem]]:
    """One file's part from its bytes (a version read from git, say) and its problems:
    the same guards, parser and builder as a file on disk.

    The cache is asked first, by the raw bytes (an entry exists only for bytes that
    passed the guards and built clean); only a miss runs the guards' scans. ``key``:
    :func:`~tui.model.load.fast.entry_key` of ``data``, if computed already, from its
    ``sha256``; the part keeps that hash as its ``digest`` (one pass over the bytes
    serves the cache and the app's checks for changes).
    """
    if sha256 is None:
        sha256 = hashlib.sha256(data).digest()
    if key is None:
        key = fast.entry_key(data, sha256)
    part, problems = _load_data(data, file, progress, key)
    if part is not None:
        part.digest = sha256.hex()
    return part, problems


def _load_data(
    data: bytes, file: str, progress: Callable[[int], None] | None, key: str | None
) -> tuple[FilePart | None, list[Problem]]:
    hit, key = fast.cached_part(data, file, progress, key)
    if hit is not None:
        return hit, []
    text, problems = guards.check_text(data, file)
    if text is None:
        return None, problems
    return load_text(text, file, progress, missed_key=key)


def load_text(
    text: str,
    file: str,
    progress: Callable[[int], None] | None = None,
    missed_key: str | None = None,
) -> tuple[FilePart | None, list[Problem]]:
    """Parse and build one file's checked text: its part (None if unusable) and problems.

    ``missed_key``: the cache was asked for this text already (see ``load_data``).
    """
    # The fast path (cache, then yaml-rs) gives the same part or None: then parse here.
    built = fast.build_fast(text, file, progress, missed_key)
    if built is not None:
        return built
    parsed = parse_text(text, file, progress)
    if parsed.problems:
        return None, parsed.problems
    if parsed.empty or parsed.tree is None:
        return None, [Problem(file, 1, 1, "the file is empty; a log starts with 'watchline: 1'")]
    builder = Builder(file, parsed.locator)
    part = builder.build(parsed.tree)
    return part, builder.problems


def load_paths(
    paths: Sequence[str | os.PathLike[str]],
    progress: Progress | None = None,
    events_read: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load and merge log files and folders; never raises for anything in the files.

    A path that does not exist is a problem at its line 1, column 1 (and listed in
    ``unreadable``). ``progress(done, total)`` is called with bytes handled so far (never
    fewer than the last call), ``events_read(count)`` with the events read so far, as each
    file is done. Large files the cache does not hold are built in worker processes
    (:mod:`tui.model.load.parallel`); the result is the same as one file after another.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    unreadable: list[str] = []
    for raw in paths:
        try:
            files.extend(expand_paths([raw]))
        except PathError as error:
            problems.append(Problem(str(raw), 1, 1, str(error).split(": ", 1)[-1]))
            unreadable.append(str(raw))
    sizes = []
    for path in files:
        try:
            sizes.append(path.stat().st_size)
        except OSError:
            sizes.append(0)
    tally = _Tally(sizes, progress, events_read)
    parts: list[FilePart] = []
    results: list[FilePart | None] = []
    for path, (part, file_problems, readable) in zip(
        files, _load_files(files, sizes, tally), strict=True
    ):
        results.append(part)
        problems.extend(file_problems)
        if not readable:
            unreadable.append(str(path))
        if part is not None:
            parts.append(part)
    collection = None
    if parts:
        collection = merge_parts(parts, problems)
    if problems or not files:
        collection = None
    digests = {
        path: loaded.digest
        for path, loaded in zip(files, results, strict=True)
        if loaded is not None and loaded.digest is not None
    }
    return LoadResult(collection, sorted(problems), unreadable, digests)


_Loaded = tuple[FilePart | None, list[Problem], bool]


class _Tally:
    """Bytes and events done, per file and in all, for the callbacks of :func:`load_paths`.

    Files may be read at once (worker processes report from threads), so the sums are kept
    under a lock and only a rise is passed on: ``progress`` never goes back.
    """

    def __init__(
        self,
        sizes: list[int],
        progress: Progress | None,
        events_read: Callable[[int], None] | None,
    ) -> None:
        self._sizes = sizes
        self._total = sum(sizes)
        self._done = [0] * len(sizes)
        self._sum = 0
        self._events = [0] * len(sizes)
        self._progress = progress
        self._events_read = events_read
        self._lock = threading.Lock()

    @property
    def reports(self) -> bool:
        return self._progress is not None

    def for_file(self, index: int) -> Callable[[int], None] | None:
        """The ``progress(position)`` callback of file ``index``'s loader, if wanted."""
        if self._progress is None:
            return None
        return lambda position: self.advance(index, position)

    def advance(self, index: int, position: int) -> None:
        """File ``index`` has got to ``position`` (characters or bytes, at most its size)."""
        with self._lock:
            self._move(index, position)

    def finish(self, index: int, part: FilePart | None) -> None:
        """File ``index`` is done, with ``part`` (or none)."""
        self.finish_count(index, len(part.events) if part is not None else 0)

    def finish_count(self, index: int, events: int) -> None:
        """File ``index`` is done, with ``events`` events."""
        with self._lock:
            self._move(index, self._sizes[index], always=True)
            if self._events_read is not None and events != self._events[index]:
                self._events[index] = events
                self._events_read(sum(self._events))

    def count(self, index: int, events: int) -> None:
        """File ``index`` has ``events`` events, as a worker counted them."""
        with self._lock:
            if self._events_read is not None and events != self._events[index]:
                self._events[index] = events
                self._events_read(sum(self._events))

    def _move(self, index: int, position: int, always: bool = False) -> None:
        reached = min(max(position, 0), self._sizes[index])
        if reached > self._done[index]:
            self._sum += reached - self._done[index]
            self._done[index] = reached
        elif not always:
            return
        if self._progress is not None:
            self._progress(self._sum, self._total)


def _load_here(
    path: Path,
    index: int,
    tally: _Tally,
    data: bytes | None = None,
    key: str | None = None,
    sha256: bytes | None = None,
) -> _Loaded:
    """One file loaded in this process (from ``data`` with its cache ``key`` and hash
    when read already); an exception from the loader becomes the file's problem."""
    try:
        if data is None:
            loaded = load_file(path, tally.for_file(index))
        else:
            part, problems = load_data(data, str(path), tally.for_file(index), key, sha256)
            loaded = part, problems, True
    except Exception as error:
        message = f"internal error while loading: {type(error).__name__}: {error}"
        loaded = None, [Problem(str(path), 1, 1, message)], True
    tally.finish(index, loaded[0])
    return loaded


def _load_files(files: list[Path], sizes: list[int], tally: _Tally) -> list[_Loaded]:
    """Each file's part, problems and readability, in order: a large file the cache does
    not hold goes to a worker process when something else can be done meanwhile (another
    file to read, another worker building); everything else is loaded here."""
    count, folder = 0, None
    if len(files) > 1:
        # Imported here: a log of one file (the bundled one, say) never needs it, and its
        # first frame waits for the loader's imports (about 7 ms for this one).
        from tui.model.load import parallel

        count = parallel.worker_count()
        folder = cache.writable_dir() if count else None
    if folder is None:  # no workers: a worker's part reaches us only through the cache
        return [_load_here(path, index, tally) for index, path in enumerate(files)]
    loaded: list[_Loaded | None] = [None] * len(files)
    with parallel.Workers(count, folder, tally.advance if tally.reports else None) as workers:

        def take(job: Job) -> None:
            """A finished job's file: read from the cache, taken as reported, or built here."""
            outcome = job.outcome
            assert outcome is not None
            if outcome.stored:
                tally.count(job.index, outcome.events)
                loaded[job.index] = _load_here(job.path, job.index, tally)  # a cache hit now
            elif outcome.problems is not None:
                loaded[job.index] = (None, outcome.problems, outcome.readable)
                tally.finish_count(job.index, 0)
            else:
                loaded[job.index] = _load_here(job.path, job.index, tally)

        last = len(files) - 1
        for index, (path, size) in enumerate(zip(files, sizes, strict=True)):
            if size < parallel.MIN_WORKER_BYTES or workers.broken:
                loaded[index] = _load_here(path, index, tally)
            else:
                try:
                    data = safe_read.read_bytes(path, cap=guards.MAX_BYTES)
                except OSError:
                    loaded[index] = _load_here(path, index, tally)  # words the reason
                    continue
                sha256 = hashlib.sha256(data).digest()
                key = fast.entry_key(data, sha256)
                missed = key is not None and not cache.has_entry(key)
                if missed and (workers.outstanding or index < last):
                    del data  # the worker reads the file itself
                    workers.submit(index, path, size)
                    continue
                loaded[index] = _load_here(path, index, tally, data, key, sha256)
            while (job := workers.finished(block=False)) is not None:
                take(job)
        while (job := workers.finished(block=True)) is not None:
            take(job)
    assert all(item is not None for item in loaded)
    return [item for item in loaded if item is not None]


def load_collection(
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> Collection:
    """The merged collection of ``paths``; raises :class:`LogError` with every problem."""
    result = load_paths(paths, progress)
    if result.collection is None:
        raise LogError(result.problems or [Problem("(no files)", 1, 1, "no log files given")])
    return result.collection
