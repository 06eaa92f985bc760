"""Paths -> files -> parts -> one collection: the loader's entry points.

:func:`load_text` is the one place that chooses the parser (the fast path of
:mod:`tui.model.load.fast`, else :func:`~tui.model.load.tree.parse_text`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import safe_read
from tui.model.load import fast, guards
from tui.model.load.build import Builder, FilePart
from tui.model.load.merge import merge_parts
from tui.model.load.tree import Progress, parse_text
from tui.model.log import (
    Collection,
)
from tui.model.problems import LogError, Problem
from tui.model.text import shown_name


@dataclass(slots=True)
class LoadResult:
    """The merged collection (``None`` if any file has a problem) and every problem, sorted.

    ``unreadable`` names the files that could not be read at all (missing, a folder,
    no permission): a command treats those as a usage error rather than a bad log.
    """

    collection: Collection | None
    problems: list[Problem]
    unreadable: list[str] = field(default_factory=list)


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
    data: bytes, file: str, progress: Callable[[int], None] | None = None
) -> tuple[FilePart | None, list[Problem]]:
    """One file's part from its bytes (a version read from git, say) and its problems:
    the same guards, parser and builder as a file on disk.

    The cache is asked first, by the raw bytes (an entry exists only for bytes that
    passed the guards and built clean); only a miss runs the guards' scans.
    """
    hit, key = fast.cached_part(data, file, progress)
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
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> LoadResult:
    """Load and merge log files and folders; never raises for anything in the files.

    A path that does not exist is a problem at its line 1, column 1 (and listed in
    ``unreadable``). ``progress(done, total)`` is called with bytes handled so far.
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
    total = sum(sizes)
    done = 0
    parts: list[FilePart] = []
    for path, size in zip(files, sizes, strict=True):
        file_progress = None
        if progress is not None:
            base = done

            def file_progress(index: int, base: int = base, size: int = size) -> None:
                progress(min(base + index, base + size), total)

        try:
            part, file_problems, readable = load_file(path, file_progress)
        except Exception as error:
            part, readable = None, True
            file_problems = [
                Problem(
                    str(path),
                    1,
                    1,
                    f"internal error while loading: {type(error).__name__}: {error}",
                )
            ]
        problems.extend(file_problems)
        if not readable:
            unreadable.append(str(path))
        if part is not None:
            parts.append(part)
        done += size
        if progress is not None:
            progress(done, total)
    collection = None
    if parts:
        collection = merge_parts(parts, problems)
    if problems or not files:
        collection = None
    return LoadResult(collection, sorted(problems), unreadable)


def load_collection(
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> Collection:
    """The merged collection of ``paths``; raises :class:`LogError` with every problem."""
    result = load_paths(paths, progress)
    if result.collection is None:
        raise LogError(result.problems or [Problem("(no files)", 1, 1, "no log files given")])
    return result.collection
