"""The commits that touched a log, with git's own line diff of each file they changed.

``git log -p -U0 --raw`` gives, per commit, each changed file's old and new blob ids and
the changed lines (no context). Applying those hunks to the previous version gives the
next one without reading it whole; the result is checked against the new blob id (git's
SHA-1 of the bytes), so a hunk misread here can only cost a full read, never a wrong log.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tui.model.history.git import LOG_FORMAT, Commit, Repository, parse_commit

__all__ = ["FileChange", "Hunk", "PatchedCommit", "apply_hunks", "blob_id", "patched_commits"]

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NULL = "0" * 40
_LOG_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Hunk:
    """Old lines ``[old_start, old_start + old_count)`` (0-based) became ``lines``.

    For an insertion (``old_count == 0``) ``old_start`` is the index the lines go before.
    """

    old_start: int
    old_count: int
    lines: tuple[bytes, ...]


@dataclass(slots=True)
class FileChange:
    """One file of a commit: its path, old and new blob (None: absent) and git's hunks.

    ``hunks`` is None when git gave no text diff (a binary file, a new or deleted file).
    ``new_final_newline`` says whether the new version ends with a newline, when known.
    """

    path: str
    old_blob: str | None
    new_blob: str | None
    hunks: list[Hunk] | None = None
    new_final_newline: bool | None = None


@dataclass(slots=True)
class PatchedCommit:
    commit: Commit
    files: list[FileChange] = field(default_factory=list)


def blob_id(data: bytes) -> str:
    """Git's id of a blob holding ``data``."""
    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)  # no copy of the whole file to prepend the header
    return digest.hexdigest()


def apply_hunks(lines: list[bytes], hunks: Sequence[Hunk]) -> list[bytes]:
    """``lines`` with ``hunks`` applied (a new list; hunks in old-file order)."""
    out: list[bytes] = []
    at = 0
    for hunk in hunks:
        out.extend(lines[at : hunk.old_start])
        out.extend(hunk.lines)
        at = hunk.old_start + hunk.old_count
    out.extend(lines[at:])
    return out


def _unquote(name: bytes) -> str:
    """A path as git prints it: C-quoted when it holds odd characters."""
    if not name.startswith(b'"'):
        return name.decode("utf-8", "surrogateescape")
    body = name[1:-1]
    out = bytearray()
    i = 0
    escapes = {
        ord("n"): 10,
        ord("t"): 9,
        ord('"'): 34,
        ord("\\"): 92,
        ord("a"): 7,
        ord("b"): 8,
        ord("f"): 12,
        ord("r"): 13,
        ord("v"): 11,
    }
    while i < len(body):
        byte = body[i]
        if byte == 92 and i + 1 < len(body):
            nxt = body[i + 1]
            if 48 <= nxt <= 55:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(escapes.get(nxt, nxt))
            i += 2
            continue
        out.append(byte)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def in_scope(name: str, paths: Sequence[str]) -> bool:
    """Whether the repository path ``name`` is one of ``paths`` or a log in one of its folders."""
    if not name.endswith(_LOG_SUFFIXES):
        return False
    folder = name.rpartition("/")[0]
    for path in paths:
        clean = path.rstrip("/")
        if name == clean or folder == ("" if clean in ("", ".") else clean):
            return True
    return False


def patched_commits(
    repo: Repository, paths: Sequence[str], since: Commit | None, until: Commit
) -> Iterator[PatchedCommit]:
    """Oldest first, each commit after ``since`` up to ``until`` that changed a log in
    ``paths``, with the changed files and their hunks (first-parent line)."""
    spec = f"{since.id}..{until.id}" if since is not None else until.id
    pathspec = [p if p not in ("", ".") else "." for p in paths]
    command = [
        repo.git, "-c", "core.quotePath=false", "-C", str(repo.root), "log", "--reverse",
        "--first-parent", "--raw", "-p", "-U0", "--no-abbrev", "--no-renames",
        "--no-color", "--no-ext-diff", "--no-textconv", f"--format={LOG_FORMAT}",
        "--end-of-options", spec, "--", *pathspec,
    ]  # fmt: skip
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=repo.env(),
    ) as process:
        assert process.stdout is not None
        yield from _parse(process.stdout, paths)


def _parse(stream: Iterator[bytes], paths: Sequence[str]) -> Iterator[PatchedCommit]:
    current: PatchedCommit | None = None
    by_path: dict[str, FileChange] = {}
    target: FileChange | None = None
    hunk_header: tuple[int, int, int] | None = None  # old_start, old_count, new_count
    plus: list[bytes] = []
    minus_left = 0
    last_sign = b""

    def close_hunk() -> None:
        nonlocal hunk_header, plus
        if hunk_header is not None and target is not None and target.hunks is not None:
            start, count, _ = hunk_header
            target.hunks.append(Hunk(start, count, tuple(plus)))
        hunk_header, plus = None, []

    def finish() -> PatchedCommit | None:
        close_hunk()
        if current is None:
            return None
        current.files = [f for f in by_path.values() if in_scope(f.path, paths)]
        return current if current.files else None

    for raw_line in stream:
        line = raw_line[:-1] if raw_line.endswith(b"\n") else raw_line
        if hunk_header is not None:
            _, _, new_left = hunk_header
            if minus_left and line.startswith(b"-"):
                minus_left -= 1
                last_sign = b"-"
                continue
            if new_left and line.startswith(b"+"):
                plus.append(line[1:])
                hunk_header = (hunk_header[0], hunk_header[1], new_left - 1)
                last_sign = b"+"
                continue
            if line.startswith(b"\\"):
                # "\ No newline at end of file" after a + line: the new version lacks
                # one; after a - line only: the old one did, and the new one has it.
                if target is not None:
                    if last_sign == b"+":
                        target.new_final_newline = False
                    elif target.new_final_newline is None:
                        target.new_final_newline = True
                continue
            close_hunk()
        if line.startswith(b"\x1e"):
            done = finish()
            if done is not None:
                yield done
            current = PatchedCommit(parse_commit(line[1:].decode("utf-8", "replace")))
            by_path, target = {}, None
            continue
        if line.startswith(b":") and current is not None:
            meta, _, name = line.partition(b"\t")
            parts = meta[1:].split()
            if len(parts) >= 5:
                old, new = parts[2].decode(), parts[3].decode()
                path = _unquote(name)
                by_path[path] = FileChange(
                    path, None if old == _NULL else old, None if new == _NULL else new
                )
            continue
        if line.startswith(b"diff --git "):
            target = None
            continue
        if line.startswith(b"+++ "):
            name = line[4:]
            if name != b"/dev/null":
                path = _unquote(name)
                path = path[2:] if path.startswith("b/") else path
                target = by_path.get(path)
                if target is not None and target.old_blob is not None:
                    target.hunks = []
            continue
        match = _HUNK.match(line)
        if match and target is not None and target.hunks is not None:
            old_start, old_count = int(match[1]), int(match[2] or 1)
            new_count = int(match[4] or 1)
            start = old_start if old_count == 0 else old_start - 1
            hunk_header = (start, old_count, new_count)
            minus_left = old_count
            plus = []
            last_sign = b""
    done = finish()
    if done is not None:
        yield done
