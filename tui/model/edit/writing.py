"""Inserting lines into a log, safely: under the log's write lock the file is read and
checked, the result validated by loading it, and written atomically unless the file changed
on disk since it was read.

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.model import atomic
from tui.model.atomic import (
    LockTimeout,
    bytes_hash,
    file_hash,
    lock_path,
    locked_temp,
    remove_stale_temps,
    write_lock,
)
from tui.model.edit.errors import (
    BusyError,
    ConflictError,
    EditError,
    InvalidResultError,
    ProtectedFileError,
)
from tui.model.safe_read import MAX_BYTES, cannot_read, open_regular, read_fd, reason_of
from tui.model.text import printable, shown_name

# How many of a refused result's problems a message quotes (all are on the exception).
_PROBLEMS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Insertion:
    """Lines to insert into a log's text: ``new_text``, and where its added lines are.

    ``added`` holds (first line, count) of each run of inserted lines, 1-based, in
    ``new_text``, in order; removing them gives the old text back.
    """

    new_text: str
    added: tuple[tuple[int, int], ...]


def insert_lines(
    path: str | os.PathLike[str],
    plan: Callable[[str], Insertion | None],
    *,
    also_load: Sequence[str | os.PathLike[str]] = (),
    what: str = "write it",
    expected_hash: str | None = None,
) -> tuple[Insertion | None, str]:
    """Insert the lines ``plan(text)`` gives into the log ``path``: every writer's path.

    Under the log's write lock: the file is read (refused if read-only, hard-linked or
    someone else's), ``plan`` gets its text (None: nothing to write) and raises
    :class:`EditError` to refuse; the result is validated with ``also_load``, the hash
    checked again just before the atomic rename. ``what`` completes "fix them, then ...".
    ``expected_hash``: the file as the caller last read it (:class:`ConflictError` if it has
    changed since). Returns the insertion written (or None) and the file's hash as written
    (or as read).
    """
    target = Path(os.path.realpath(path))
    shown = shown_name(path)
    others = [Path(p) for p in also_load if Path(os.path.realpath(p)) != target]
    # A first look before the lock: a missing, hostile or protected file is refused
    # without leaving a lock file beside it.
    read_checked(target, shown)
    with contextlib.ExitStack() as held:
        # Every watchline writer of this log waits here for the one before it, then reads
        # what that one wrote: two writers at once both land, in turn.
        take_lock(held, target, shown)
        remove_stale_temps(target)
        original, info = read_checked(target, shown)
        old_hash = bytes_hash(original)
        if expected_hash is not None and expected_hash != old_hash:
            raise ConflictError(conflict_message(shown))
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EditError(f"{shown} is not UTF-8 text (byte {error.start + 1})") from None
        del original
        insertion = plan(text)
        if insertion is None:
            return None, old_hash
        new_bytes = insertion.new_text.encode("utf-8")
        write_checked(target, shown, new_bytes, old_hash, info, others, insertion.added, what)
    return insertion, bytes_hash(new_bytes)


def read_checked(target: Path, shown: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and ``fstat``, through the shared reader, if it may be written."""
    try:
        with open_regular(target) as (fd, info):
            _check_writable(info, shown)
            return read_fd(fd, info.st_size, MAX_BYTES), info
    except OSError as error:
        raise EditError(cannot_read(shown, error)) from None


def take_lock(held: contextlib.ExitStack, target: Path, shown: str) -> None:
    try:
        held.enter_context(write_lock(target))
    except LockTimeout:
        raise BusyError(
            f"another watchline has been writing {shown} for {atomic.LOCK_TIMEOUT:g} s (it "
            f"holds {shown_name(lock_path(target).name)}); nothing was written. Try again when "
            "it is done"
        ) from None
    except OSError as error:
        raise EditError(
            f"cannot write {shown}: cannot take its write lock "
            f"{shown_name(lock_path(target).name)}: {reason_of(error)}"
        ) from None


def _check_writable(info: os.stat_result, shown: str) -> None:
    """Refuse a file that replacing would silently change beyond its text.

    A write replaces the file (a new inode renamed over it): that would make a read-only
    file writable again, leave the other names of a hard-linked file with the old text,
    and hand someone else's file to whoever ran ``rate`` (root included).
    """
    me = os.geteuid()
    if info.st_uid != me:
        owner, you = _user(info.st_uid), _user(me)
        raise ProtectedFileError(
            f"{shown} belongs to {owner}, not to you ({you}); watchline writes a new file "
            f"in its place, which would then be yours and {owner} could lose the right to "
            f"change it. Nothing was written: rate it as {owner} "
            f"(sudo -u {owner} watchline rate ...)"
        )
    if not info.st_mode & stat.S_IWUSR:
        raise ProtectedFileError(
            f"{shown} is read-only (mode {stat.S_IMODE(info.st_mode):04o}); nothing was "
            f"written. If it should change, make it writable first (chmod u+w {shown})"
        )
    if info.st_nlink > 1:
        others = info.st_nlink - 1
        raise ProtectedFileError(
            f"{shown} has {info.st_nlink} hard links; watchline writes a new file in its "
            f"place, so the other {others} name{'s' if others > 1 else ''} would keep the "
            f"old text. Nothing was written: give this name its own copy first "
            f"(cp -p {shown} {shown}.copy && mv {shown}.copy {shown}), then rate it"
        )


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def write_checked(
    target: Path,
    shown: str,
    data: bytes,
    old_hash: str,
    info: os.stat_result,
    others: Sequence[Path],
    added: Sequence[tuple[int, int]],
    what: str = "add the rating",
) -> None:
    """Write ``data`` over ``target`` atomically, after validating it and the hash.

    Called under the log's write lock. ``info`` is the ``fstat`` of the file as read: its
    mode and group are given to the new file. ``added`` are (first line, count) of each
    run of inserted lines, 1-based, in ``data``, in order.
    """
    try:
        # Beside the log, so the rename stays on one file system and is atomic; hidden and
        # not named *.yaml, so a folder load or watcher meanwhile does not take it for a log.
        fd, tmp = locked_temp(target)
    except OSError as error:
        raise EditError(
            f"cannot write {shown}: {error.strerror or error} (watchline writes a temporary "
            f"file in the log's folder and renames it over the log)"
        ) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if os.fstat(fd).st_gid != info.st_gid:
                _keep_group(fd, info.st_gid, shown)
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
            _validate_result(tmp, shown, others, added, what)
            # The last moment before the rename: has anyone saved the file since we read
            # it? Watchline's writers wait on the lock; this catches editors, which don't.
            if file_hash(target) != old_hash:
                raise ConflictError(conflict_message(shown))
            os.replace(tmp, target)
        finally:
            os.close(fd)  # releases the temporary file's lock
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise EditError(f"cannot write {shown}: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _keep_group(fd: int, gid: int, shown: str) -> None:
    try:
        os.fchown(fd, -1, gid)
    except OSError:
        raise ProtectedFileError(
            f"{shown} belongs to the group {_group(gid)}, which you cannot give a new file; "
            f"writing it would change its group. Nothing was written"
        ) from None


def _group(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"gid {gid}"


def _validate_result(
    tmp: Path,
    shown: str,
    others: Sequence[Path],
    added: Sequence[tuple[int, int]],
    what: str = "add the rating",
) -> None:
    """Load the written temporary file (with ``others``); refuse the write on any problem.

    Problems on the added lines come from the request (an unknown source): an
    :class:`EditError`. Others were in the log before: an :class:`InvalidResultError`,
    quoted at their lines in the file as it is (before the insert).
    """
    from tui.model.load import load_paths  # the loader pulls in the whole format table

    result = load_paths([tmp, *others])
    if not result.problems and result.collection is not None:
        return

    def inserted(line: int) -> bool:
        return any(first <= line < first + count for first, count in added)

    def original_line(line: int) -> int:
        return line - sum(count for first, count in added if first + count <= line)

    ours = [p for p in result.problems if p.file == str(tmp) and inserted(p.line)]
    if ours:
        raise EditError("; ".join(printable(p.message) for p in ours))
    lines = []
    for problem in result.problems:
        if problem.file == str(tmp):
            line = original_line(problem.line)
            lines.append(f"{shown}:{line}:{problem.col}: error: {problem.message}")
        else:
            lines.append(str(problem))
    if not lines:
        lines.append(f"{shown}: error: the log could not be loaded")
    shown_lines = lines[:_PROBLEMS_SHOWN]
    if len(lines) > _PROBLEMS_SHOWN:
        more = len(lines) - _PROBLEMS_SHOWN
        shown_lines.append(f"... and {more} more (run: watchline validate {shown})")
    raise InvalidResultError(
        f"{shown} has problems; fix them, then {what} (nothing was written):\n"
        + "\n".join(printable(line) for line in shown_lines),
        lines,
    )


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk (POSIX; not on Windows).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def conflict_message(shown: str) -> str:
    return (
        f"{shown} changed on disk since it was read; the rating was not written so that "
        f"edit is not lost. Reload the file and rate again."
    )
