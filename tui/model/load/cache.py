"""A cache of built log files in the user's cache folder, so a log opens fast a second time.

An entry is the validated part one file contributes (its registries, events and
references), stored under a name derived from the file's text and from the code that
builds it: any change to the file, or to the loader, format or model code, gives a new
name, so a stale entry is never looked up. Only files with no problems are stored.

Safety: entries are JSON in a tagged encoding that can only rebuild the model's own
dataclasses (no pickle: a cache entry is data, never code). Each entry carries a keyed
MAC (HMAC-SHA256); the key is 32 random bytes in the cache folder, readable only by its owner.
A truncated, corrupted or tampered entry fails the check and is ignored. The folder is
created 0700 and entries 0600; a folder owned by someone else or open to others is not
used. Every failure (no folder, full disk, read-only home) means "no cache", never an
error: the log still loads, only slower.

``WATCHLINE_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import threading
from pathlib import Path
from typing import Any

from tui.model import safe_read
from tui.model.atomic import write_atomically
from tui.model.load.codec import NotCacheable, decode_part, encode_part

__all__ = [
    "cache_dir",
    "has_entry",
    "key_for",
    "key_for_bytes",
    "lookup",
    "read_signed",
    "store",
    "writable_dir",
    "write_signed",
]

# Bump when the encoding changes. The code fingerprint covers changes to the builder.
ENCODING_VERSION = 7
_MAGIC = b"watchline-cache\n"
_MAC_SIZE = 32
# Entries kept: the newest by modification time; older ones are removed after a store.
MAX_ENTRIES = 24
MAX_TOTAL_BYTES = 1 << 30
# An entry is about the size of its YAML, which the loader caps; twice that is not ours.
MAX_ENTRY_BYTES = 2 * safe_read.MAX_BYTES
# A file this small loads in milliseconds without a cache: not worth a write.
MIN_TEXT_CHARS = 64 * 1024

_lock = threading.Lock()
_fingerprint: bytes | None = None


# ------------------------------------------------------------------------ where, what key


def cache_dir(name: str = "logs") -> Path | None:
    """The cache folder ``name`` (created 0700), or ``None`` when there is none we can trust.

    ``logs`` holds built logs; ``links`` the remembered results of ``sources check``.
    """
    if os.environ.get("WATCHLINE_CACHE", "1") == "0":
        return None
    try:
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("watchline", appauthor=False)) / name
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):
        return None
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None  # someone else's folder: they could plant entries
    if info.st_mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError:
            return None
    return folder


def _code_fingerprint() -> bytes:
    """A hash of the code that turns text into a part: a change there retires old entries."""
    global _fingerprint
    if _fingerprint is None:
        from tui.model import edtf, format, log

        digest = hashlib.blake2b(b"%d" % ENCODING_VERSION, digest_size=16)
        for module in (format, log, edtf):
            digest.update(Path(module.__file__ or "").read_bytes())
        # Every module of the loader, this one included: the parsers, checks and builder.
        for path in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(path.read_bytes())
        _fingerprint = digest.digest()
    return _fingerprint


def key_for(text: str) -> str:
    """The entry name for a file's (checked) text: its hash and the code's, in hex."""
    return key_for_bytes(text.encode("utf-8", "surrogateescape"))


def key_for_bytes(data: bytes, sha256: bytes | None = None) -> str:
    """:func:`key_for` from the file's bytes (without a byte order mark), as read.

    The same name as :func:`key_for` of the text they decode to (``surrogateescape``
    gives the bytes back exactly), so a start can look its file up before any text check:
    an entry exists only for bytes that passed every check when it was stored, and any
    changed byte is another name. ``sha256``: the SHA-256 of ``data``, if computed already.
    """
    # SHA-256 over the bytes (twice BLAKE2b's speed here: the CPU has SHA instructions),
    # then the code's fingerprint mixed in over that digest.
    content = sha256 if sha256 is not None else hashlib.sha256(data).digest()
    return hashlib.blake2b(_code_fingerprint() + content, digest_size=32).hexdigest()


def _mac_key(folder: Path) -> bytes | None:
    """The folder's secret MAC key (made on first use, 0600), or ``None``.

    Read without following a symlink and only from a regular file of ours that nobody
    else can read (:mod:`tui.model.safe_read`): a planted FIFO or device is "no key".
    """
    path = folder / "key"
    try:
        with _lock:
            if not path.exists():
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(os.urandom(32))
        with safe_read.open_regular(path, cap=64, follow_symlinks=False) as (fd, info):
            if info.st_mode & 0o077 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                return None
            key = safe_read.read_fd(fd, info.st_size, 64)
    except OSError:
        return None
    return key if len(key) == 32 else None


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    """HMAC-SHA256 of the entry's name and payload (SHA-256 is the fastest hash here)."""
    mac = hmac.new(key, b"watchline-cache\n", hashlib.sha256)
    mac.update(name.encode("ascii") + b"\n")  # an entry copied under another name fails too
    mac.update(payload)
    return mac.digest()


# ------------------------------------------------------------------------ lookup and store


def read_signed(key: str, suffix: str = ".json") -> bytes | None:
    """The payload of entry ``key + suffix`` if its MAC holds, else ``None``; never raises.

    The MAC covers the entry's name too (an entry copied under another name fails).
    """
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}{suffix}"
    try:
        # Our own file: a symlink, FIFO or device in its place is refused, never read.
        blob = safe_read.read_bytes(path, cap=MAX_ENTRY_BYTES, follow_symlinks=False)
    except OSError:
        return None
    mac_key = _mac_key(folder)
    head = len(_MAGIC) + _MAC_SIZE
    if mac_key is None or len(blob) < head or not blob.startswith(_MAGIC):
        return None
    payload = blob[head:]
    name = key if suffix == ".json" else key + suffix
    if not hmac.compare_digest(blob[len(_MAGIC) : head], _mac(mac_key, name, payload)):
        return None
    with contextlib.suppress(OSError):
        os.utime(path, follow_symlinks=False)  # recently used entries outlive the rest
    return payload


def write_signed(key: str, payload: bytes, suffix: str = ".json") -> bool:
    """Write ``payload`` as entry ``key + suffix`` with its MAC; ``False`` if not written."""
    folder = cache_dir()
    if folder is None:
        return False
    mac_key = _mac_key(folder)
    if mac_key is None:
        return False
    name = key if suffix == ".json" else key + suffix
    blob = _MAGIC + _mac(mac_key, name, payload) + payload
    try:
        # Created 0600; not synced to disk: a lost entry is only a slower next start.
        write_atomically(folder / f"{key}{suffix}", blob, durable=False)
    except OSError:
        return False
    _prune(folder)
    return True


def lookup(key: str, file: str, locator: Any) -> Any | None:
    """The cached part for ``key`` (see :func:`key_for`), or ``None``; never raises."""
    payload = read_signed(key)
    if payload is None:
        return None
    try:
        return decode_part(payload, file, locator)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # written by a different encoding that slipped past the version


def writable_dir() -> Path | None:
    """:func:`cache_dir`, with its MAC key made, or ``None`` if entries cannot be signed
    there: for a load whose worker processes will store entries at the same moment (two
    making the key at once would leave one of them with none)."""
    folder = cache_dir()
    if folder is None or _mac_key(folder) is None:
        return None
    return folder


def has_entry(key: str) -> bool:
    """Whether an entry named ``key`` exists (not read, not checked): a guess that a
    :func:`lookup` will hit, for deciding where to build a file; never raises."""
    folder = cache_dir()
    if folder is None:
        return False
    try:
        return stat.S_ISREG((folder / f"{key}.json").lstat().st_mode)
    except OSError:
        return False


def store(key: str, part: Any) -> bool:
    """Store ``part`` under ``key``; ``False`` (and nothing written) if that can't be done."""
    try:
        payload = encode_part(part)
    except (NotCacheable, RecursionError, ValueError, TypeError):
        return False
    return write_signed(key, payload)


def _prune(folder: Path) -> None:
    """Keep the newest entries (built files, query indexes, merged orders) within
    MAX_ENTRIES and MAX_TOTAL_BYTES."""
    try:
        entries = []
        for path in [*folder.glob("*.json"), *folder.glob("*.index"), *folder.glob("*.order")]:
            info = path.stat()
            entries.append((info.st_mtime, info.st_size, path))
    except OSError:
        return
    entries.sort(reverse=True)
    total = 0
    for index, (_, size, path) in enumerate(entries):
        total += size
        if index >= MAX_ENTRIES or total > MAX_TOTAL_BYTES:
            with contextlib.suppress(OSError):
                path.unlink()
