"""The loader, fed from git's objects instead of files on disk.

A version of a log file is bytes and a name (``3d502c80:data/log.yaml``, as git names a
file at a revision); the loader's own guards, parser and builder read them, so a log at a
revision means exactly what the same bytes on disk would mean.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.model.loader import FilePart, LoadResult, load_data, merge_parts
from tui.model.problems import Problem

__all__ = ["load_versions"]


def load_versions(files: Sequence[tuple[str, bytes]]) -> LoadResult:
    """Load and merge the named file versions, as ``load_paths`` does files on disk."""
    parts: list[FilePart] = []
    problems: list[Problem] = []
    for name, data in files:
        part, file_problems = load_data(data, name)
        problems.extend(file_problems)
        if part is not None:
            parts.append(part)
    collection = merge_parts(parts, problems) if parts else None
    if problems or not files:
        collection = None
    return LoadResult(collection, sorted(problems))
