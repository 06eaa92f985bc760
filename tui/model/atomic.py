"""Files written safely: atomically, and only if nobody else changed them meanwhile.

Stdlib only, so the app can hash what it shows without importing the editing code.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
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
