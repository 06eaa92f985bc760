"""The loader, fed from git's objects instead of files on disk.

A version of a log file is bytes and a name (``3d502c80:data/log.yaml``, as git names a
file at a revision); the loader's own guards, parser and builder read them, so a log at a
revision means exactly what the same bytes on disk would mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.model.history.git import Commit, FileVersion, Repository, find_repository
from tui.model.load import FilePart, LoadResult, load_data, merge_parts
from tui.model.problems import Problem

__all__ = ["LogRevision", "load_revision", "load_versions", "open_revision"]


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


@dataclass(frozen=True, slots=True)
class LogRevision:
    """Log files as one commit has them: where to read them from, and which they are."""

    repo: Repository
    commit: Commit
    files: tuple[FileVersion, ...]
    paths: tuple[str, ...] = ()  # what PATH named, relative to the repository's root

    @property
    def label(self) -> str:
        """How a screen names the revision: ``3d502c80 (2019-01-01)``."""
        return f"{self.commit.short} ({self.commit.date:%Y-%m-%d})"

    def name(self, path: str) -> str:
        """A file at this revision as problems and locations name it: ``3d502c80:log.yaml``."""
        return f"{self.commit.short}:{path}"


def open_revision(paths: Sequence[Path], rev: str) -> LogRevision:
    """The log files ``paths`` name (files or folders in one repository) at ``rev``.

    Nothing is read yet. Raises :class:`~tui.model.history.git.GitError` for a path
    outside git, an unknown revision, or a path that did not exist at that revision.
    """
    repo, relative = find_repository(list(paths))
    commit = repo.resolve(rev)
    return LogRevision(repo, commit, tuple(repo.files_at(commit, relative)), tuple(relative))


def load_revision(revision: LogRevision) -> LoadResult:
    """Load the log as it was at ``revision``, from git's objects (the working tree is
    never read or touched)."""
    data = revision.repo.read_blobs([f.blob for f in revision.files])
    return load_versions([(revision.name(f.path), data[f.blob]) for f in revision.files])
