"""Reading a log's past from git: revisions, the files at a revision, the commits since.

Everything is read from git's object store with the ``git`` command (``rev-parse``,
``ls-tree``, ``log --raw``, ``cat-file --batch``); the working tree is never checked out
or touched. The command beat both libraries measured for this (benchmarks/bench_history.py:
reading 1,000 versions of a 4.8 MB log took 4.6 s with ``git cat-file --batch``, 5.5 s
with dulwich and 50 s with pygit2), and it adds no dependency: a log kept in git has git.

Every revision and path a user types is passed after ``--end-of-options`` or ``--`` so it
can never be read as an option of git's.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.model.text import one_line, printable, shown_name

__all__ = [
    "Commit",
    "FileVersion",
    "GitError",
    "Repository",
    "find_repository",
]

# A blob larger than this is not a log watchline would load (the loader's size cap).
MAX_BLOB = 256 * 1024 * 1024
_LOG_SUFFIXES = (".yaml", ".yml")
# %x1f between fields, %x1e before each commit: neither can appear in a name or subject.
LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s"


class GitError(Exception):
    """A path outside git, an unknown revision, a file that did not exist then."""


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit as the history shows it: id, author, date and the subject line."""

    id: str
    author: str
    email: str
    date: datetime.datetime
    message: str

    @property
    def short(self) -> str:
        return self.id[:8]


@dataclass(frozen=True, slots=True)
class FileVersion:
    """A log file as one commit has it: its path in the repository and its blob id."""

    path: str
    blob: str


def _git_command() -> str:
    git = shutil.which("git")
    if git is None:
        raise GitError("--rev and `changes` need git, and no `git` command was found")
    return git


class Repository:
    """A git repository, read only, through the ``git`` command."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = _git_command()

    @staticmethod
    def env() -> dict[str, str]:
        """git's environment: no prompts, no pager, messages in English."""
        return dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", LC_ALL="C")

    def _run(self, *args: str, check: bool = True) -> str:
        # A repository's config may not run programs for us (fsmonitor hooks).
        command = [self.git, "-c", "core.fsmonitor=false", "-C", str(self.root), *args]
        done = subprocess.run(
            command, capture_output=True, env=self.env(), stdin=subprocess.DEVNULL, check=False
        )
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(one_line(message[-1] if message else f"git {args[0]} failed"))
        return done.stdout.decode("utf-8", "surrogateescape")

    # ------------------------------------------------------------------ revisions

    def resolve(self, rev: str) -> Commit:
        """The commit ``rev`` names: anything git names (a commit, tag, branch, ``HEAD~3``)
        or a date (``2019-01-01``, ``2019-01``, ``2019``: the last commit on or before the
        end of that day, month or year)."""
        text = rev.strip()
        if not text or text.startswith("-"):
            raise GitError(f"{printable(rev)!r} is not a revision")
        named = self._run(
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{text}^{{commit}}",
            check=False,
        ).strip()
        if named:
            return self.commit(named)
        day = _date_bound(text)
        if day is None:
            raise GitError(
                f"unknown revision {printable(rev)!r} (not a commit, branch, tag or date)"
            )
        found = self._run(
            "rev-list",
            "-1",
            "--first-parent",
            f"--before={day.isoformat()}T23:59:59",
            "HEAD",
            check=False,
        ).strip()
        if not found:
            raise GitError(f"no commit on or before {day.isoformat()}")
        return self.commit(found)

    def commit(self, oid: str) -> Commit:
        out = self._run("log", "-1", f"--format={LOG_FORMAT}", "--end-of-options", oid)
        return parse_commit(out.strip("\x1e\n"))

    def head(self) -> Commit | None:
        out = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
        return self.commit(out) if out else None

    # ---------------------------------------------------------------------- files

    def files_at(self, commit: Commit, paths: Sequence[str]) -> list[FileVersion]:
        """The log files ``paths`` (repository-relative files or folders) name at ``commit``.

        A folder stands for its ``*.yaml``/``*.yml`` files, as on disk (not its subfolders).
        Raises :class:`GitError` for a path that did not exist then.
        """
        versions: list[FileVersion] = []
        for path in paths:
            found = self._ls_tree(commit.id, path)
            if path in found:  # a file
                versions.append(FileVersion(path, found[path]))
                continue
            prefix = "" if path in ("", ".") else path.rstrip("/") + "/"
            inside = sorted(
                (name, blob)
                for name, blob in found.items()
                if name.startswith(prefix)
                and "/" not in name[len(prefix) :]
                and name.endswith(_LOG_SUFFIXES)
            )
            if not inside:
                what = "no *.yaml or *.yml files in this folder" if found else "did not exist"
                raise GitError(f"{shown_name(path or '.')}: {what} at {commit.short}")
            versions.extend(FileVersion(name, blob) for name, blob in inside)
        return versions

    def _ls_tree(self, oid: str, path: str) -> dict[str, str]:
        args = ["ls-tree", "-r", "--full-tree", "-z", oid]
        if path not in ("", "."):
            args += ["--", path]
        out = self._run(*args)
        found: dict[str, str] = {}
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, name = record.partition("\t")
            mode, kind, blob = meta.split()
            if kind == "blob" and mode != "120000":  # a symlink in git is not a log
                found[name] = blob
        return found

    def read_blobs(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """The contents of ``blobs`` in one ``git cat-file --batch`` (too large: refused)."""
        wanted = list(dict.fromkeys(blobs))
        if not wanted:
            return {}
        command = [self.git, "-C", str(self.root), "cat-file", "--batch"]
        found: dict[str, bytes] = {}
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ) as process:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(("\n".join(wanted) + "\n").encode())
            process.stdin.close()
            for blob in wanted:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    raise GitError(f"cannot read object {blob[:8]} from git")
                size = int(header[2])
                if size > MAX_BLOB:
                    process.kill()
                    raise GitError(f"object {blob[:8]} is {size:,} bytes, over the size limit")
                found[blob] = process.stdout.read(size)
                process.stdout.read(1)  # the newline after each object
        return found


def parse_commit(header: str) -> Commit:
    """A commit from one line of ``git log --format`` with this module's fields."""
    oid, author, email, when, subject = header.strip("\n\0").split("\x1f", 4)
    return Commit(oid, author, email, datetime.datetime.fromisoformat(when), subject)


def _date_bound(text: str) -> datetime.date | None:
    """The last day ``text`` (an EDTF date such as 2019-01-01, 2019-01 or 2019) allows,
    read as ``--as-of`` reads a date (:func:`tui.model.asof.last_day`); None if it is not
    one. ``today`` is not a date here: a revision named ``today`` is git's to resolve."""
    from tui.model.asof import AsOfError, last_day

    try:
        return last_day(text)
    except AsOfError:
        return None


def find_repository(paths: Sequence[Path]) -> tuple[Repository, list[str]]:
    """The one repository that holds every path, and each path relative to its root.

    Raises :class:`GitError` for a path outside git, or paths in different repositories.
    """
    git = _git_command()
    root: Path | None = None
    relative: list[str] = []
    for path in paths:
        absolute = path.resolve() if path.exists() else path.absolute()
        where = absolute if absolute.is_dir() else absolute.parent
        while not where.exists() and where != where.parent:
            where = where.parent
        done = subprocess.run(
            [git, "-C", str(where), "rev-parse", "--show-toplevel"],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if done.returncode != 0:
            raise GitError(f"{shown_name(path)}: not inside a git repository")
        top = Path(done.stdout.decode("utf-8", "surrogateescape").strip()).resolve()
        if root is None:
            root = top
        elif top != root:
            raise GitError(
                f"{shown_name(path)} is in another repository than {shown_name(root)};"
                " --rev reads one repository"
            )
        relative.append(absolute.relative_to(top).as_posix() if absolute != top else ".")
    if root is None:
        raise GitError("no path given")
    return Repository(root), relative
