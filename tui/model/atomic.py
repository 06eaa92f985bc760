"""Files written safely: atomically, and only if nobody else changed them meanwhile.

Stdlib only, so the app can hash what it shows without importing the editing code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tui.model.safe_read import read_bytes


def write_atomically(
    target: Path, data: bytes, *, mode: int | None = None, durable: bool = True
) -> None:
    """Write ``data`` to ``target`` through a temporary file renamed over it.

    The temporary file sits in the same folder (so the rename is atomic), is created 0600,
    is flushed to disk first when ``durable``, is given ``mode`` when one is named, and is
    removed if anything fails. Its name (``.NAME.XXXX.tmp``) is hidden and not ``*.yaml``,
    so a watcher or a folder load never takes it for a log. OSError reaches the caller.
    """
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def new_file_mode() -> int:
    """The permissions a newly created file gets under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def bytes_hash(data: bytes) -> str:
    """The SHA-256 of ``data``, hex: what a write's conflict check compares."""
    return hashlib.sha256(data).hexdigest()


def file_hash(path: str | os.PathLike[str]) -> str:
    """:func:`bytes_hash` of a file's bytes (OSError when it cannot be read).

    Read through :mod:`tui.model.safe_read`: a FIFO or a device swapped in for a log is an
    error here, never a hang or an endless read.
    """
    return bytes_hash(read_bytes(path))


# ------------------------------------------------------------------ watchline's own writers

# Beside the log: `.NAME.watchline-lock` (kept, never removed: removing a lock file while
# another process waits on it would let two writers in) and `.NAME.XXXX.watchline-tmp`.
LOCK_SUFFIX = ".watchline-lock"
TEMP_SUFFIX = ".watchline-tmp"
# A temporary file older than this, that no live writer holds locked, is a crash's leftover.
STALE_SECONDS = 60.0
# How long a writer waits for another to finish before giving up.
LOCK_TIMEOUT = 30.0
_LOCK_POLL = 0.02


class LockTimeout(OSError):
    """Another watchline kept the log's write lock for longer than the timeout."""


def lock_path(target: Path) -> Path:
    """The lock file that serialises watchline's writers of ``target``."""
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


@contextlib.contextmanager
def write_lock(target: Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the advisory write lock of ``target`` (``fcntl.flock`` on its lock file).

    Every watchline writer of a log (``rate``, the TUI's form) takes it before reading the
    file and keeps it until the rename, so two of them never interleave: the second reads
    what the first wrote. Editors take no such lock; the content hash, re-checked under
    the lock just before the rename, is what guards against them. Raises
    :class:`LockTimeout` after ``timeout`` seconds (default :data:`LOCK_TIMEOUT`) and
    ``OSError`` when the lock file cannot be opened. Yields the lock file's path.
    """
    import fcntl

    path = lock_path(target)
    wait = LOCK_TIMEOUT if timeout is None else timeout
    # Read-only is enough for flock; O_NOFOLLOW and O_NONBLOCK: a symlink or FIFO planted
    # as the lock file is an error, not a redirect or a hang.
    flags = os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    fd = os.open(path, flags, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} stayed locked for {wait:.0f} s") from None
                time.sleep(_LOCK_POLL)
        yield path
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temps(target: Path, *, older_than: float | None = None) -> list[Path]:
    """Remove watchline's leftover temporary files of ``target``; return those removed.

    Only files of watchline's own pattern (``.NAME.*.watchline-tmp``) beside the log, that
    are regular files owned by this user, untouched for ``older_than`` seconds (default
    :data:`STALE_SECONDS`) and not locked: a live writer holds its temporary file locked,
    so only a writer killed mid-write (``kill -9``, a crash, a power cut) leaves one.
    Call it under :func:`write_lock`. Never raises.
    """
    import fcntl

    age = STALE_SECONDS if older_than is None else older_than
    folder = target.parent
    prefix = f".{target.name}."
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(TEMP_SUFFIX)):
            continue
        if len(name) <= len(prefix) + len(TEMP_SUFFIX):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                continue
            if now - info.st_mtime < age:
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live writer's
            with contextlib.suppress(OSError):
                # The same file we checked and locked, not one swapped in meanwhile.
                if os.path.samestat(os.fstat(fd), os.stat(entry.path, follow_symlinks=False)):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
        finally:
            os.close(fd)
    return removed


def locked_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target`` (0600, watchline's pattern), locked.

    The lock (``flock``) is held as long as the descriptor is open, so
    :func:`remove_stale_temps` never takes a live writer's file for a leftover.
    """
    import fcntl

    folder = target.parent if str(target.parent) else Path(".")
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return fd, Path(name)
