"""The one way watchline reads a file it was given: a log, an import source, a cache entry.

Every door goes through :func:`read_bytes` (or :func:`open_regular` when the caller needs
the file's metadata as well), so the same guards hold everywhere:

- **Nothing hangs.** The file is opened with ``O_NONBLOCK``: opening a FIFO with no writer
  returns at once instead of waiting for one, and the opened descriptor is then refused.
- **Regular files only.** ``fstat`` of the *opened* descriptor (not a ``stat`` of the name
  before opening it, which a swap could defeat) must say "regular file": a device such as
  ``/dev/zero``, a FIFO or a socket is refused before a byte is read.
- **A size cap.** The size ``fstat`` reports is checked first, so a 300 MB file is refused
  without reading it; the read itself stops one byte past the cap, so a file that grows
  while it is read is refused too, and memory never exceeds the cap.
- **Optionally, no final symlink** (``follow_symlinks=False``, ``O_NOFOLLOW``): for files
  that are watchline's own (cache entries, the cache key), a symlink planted in their
  place is refused rather than followed.

Refusals are :class:`Unreadable`, an :class:`OSError` whose ``reason`` is the message for
a person (the same words at every door); callers that already turn ``OSError`` into "no
cache" or "could not hash" keep doing so. Stdlib only: the app hashes files with it
without importing the editing code.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator

__all__ = [
    "MAX_BYTES",
    "Unreadable",
    "cannot_read",
    "open_regular",
    "read_bytes",
    "read_fd",
    "reason_of",
]

# A 100k-event log is about 61 MB; four times that is a mistake or an attack.
MAX_BYTES = 256 * 1024 * 1024

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
# Bytes asked of one read() past what fstat promised: a file that grows is still noticed.
_CHUNK = 1 << 20


class Unreadable(OSError):
    """A file watchline will not (or cannot) read; ``reason`` says why, for a person."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return self.reason


def reason_of(error: OSError) -> str:
    """The words for a person of any ``OSError`` a read raised."""
    if isinstance(error, Unreadable):
        return error.reason
    return _reason(error)


def cannot_read(shown: str, error: OSError) -> str:
    """The one-line message every command gives for a file it cannot read."""
    return f"{shown}: cannot read: {reason_of(error)}"


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError):
        return "this is a folder, not a log file"
    return f"cannot read the file: {error.strerror or error}"


def _too_big(size: int, cap: int, what: str) -> str:
    hint = " (split it into several files)" if what == "a log" else ""
    return f"the file is {size / 2**20:.0f} MiB; {what} may be at most {cap // 2**20} MiB{hint}"


@contextlib.contextmanager
def open_regular(
    path: str | os.PathLike[str],
    *,
    cap: int = MAX_BYTES,
    follow_symlinks: bool = True,
    what: str = "a log",
) -> Iterator[tuple[int, os.stat_result]]:
    """Open ``path`` for reading and yield ``(fd, fstat)``, or raise :class:`Unreadable`.

    The descriptor is a regular file of at most ``cap`` bytes (by ``fstat``); it is closed
    when the block ends. ``what`` names the file in the size message ("a log").
    """
    flags = _FLAGS if follow_symlinks else _FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if not follow_symlinks and error.errno in (errno.ELOOP, errno.EMLINK):
            raise Unreadable(
                "a symbolic link where watchline keeps its own file; not followed",
                error.errno,
            ) from None
        raise Unreadable(_reason(error), error.errno) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("this is a folder, not a log file", errno.EISDIR)
        if not stat.S_ISREG(info.st_mode):
            # A FIFO, a device (/dev/zero) or a socket could be read forever, or hang.
            raise Unreadable("not a regular file", errno.EINVAL)
        if info.st_size > cap:
            raise Unreadable(_too_big(info.st_size, cap, what), errno.EFBIG)
        yield fd, info
    finally:
        os.close(fd)


def read_fd(fd: int, size_hint: int, cap: int, what: str = "a log") -> bytes:
    """At most ``cap`` bytes from ``fd``; :class:`Unreadable` if there are more."""
    chunks: list[bytes] = []
    total = 0
    # One read of what fstat promised plus one byte normally ends the file in two calls.
    want = min(size_hint, cap) + 1
    try:
        while total <= cap:
            chunk = os.read(fd, min(max(want - total, _CHUNK), cap + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise Unreadable(_reason(error), error.errno) from None
    if total > cap:
        raise Unreadable(
            f"the file grew past {cap // 2**20} MiB while it was read; "
            f"{what} may be at most {cap // 2**20} MiB",
            errno.EFBIG,
        )
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_bytes(
    path: str | os.PathLike[str],
    *,
    cap: int = MAX_BYTES,
    follow_symlinks: bool = True,
    what: str = "a log",
) -> bytes:
    """The bytes of the regular file ``path`` (at most ``cap``), or :class:`Unreadable`."""
    with open_regular(path, cap=cap, follow_symlinks=follow_symlinks, what=what) as (fd, info):
        return read_fd(fd, info.st_size, cap, what)
