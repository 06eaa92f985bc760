"""A cache of built log files in the user's cache folder, so a log opens fast a second time.

An entry is the validated part one file contributes (its registries, events and
references), stored under a name derived from the file's text and from the code that
builds it: any change to the file, or to the loader, format or model code, gives a new
name, so a stale entry is never looked up. Only files with no problems are stored.

Safety: entries are JSON in a tagged encoding that can only rebuild the model's own
dataclasses (no pickle: a cache entry is data, never code). Each entry carries a keyed
BLAKE2b MAC; the key is 32 random bytes in the cache folder, readable only by its owner.
A truncated, corrupted or tampered entry fails the check and is ignored. The folder is
created 0700 and entries 0600; a folder owned by someone else or open to others is not
used. Every failure (no folder, full disk, read-only home) means "no cache", never an
error: the log still loads, only slower.

``WATCHLINE_CACHE=0`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import operator
import os
import stat
import threading
import types
import typing
from collections.abc import Callable, Hashable
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui.model import safe_read
from tui.model.atomic import write_atomically
from tui.model.edtf import EDTFDate, parse_edtf
from tui.model.load.build import FilePart
from tui.model.log import (
    BUILTIN_KINDS,
    REGISTRIES,
    Agency,
    Event,
    Grant,
    Kind,
    Location,
    Person,
    Pledge,
    Quote,
    Rating,
    Related,
    Rollout,
    Source,
    Topic,
)

__all__ = ["cache_dir", "key_for", "lookup", "store"]

# Bump when the encoding changes. The code fingerprint covers changes to the builder.
ENCODING_VERSION = 3
_MAGIC = b"watchline-cache\n"
_MAC_SIZE = 32
# Entries kept: the newest by modification time; older ones are removed after a store.
MAX_ENTRIES = 24
MAX_TOTAL_BYTES = 1 << 30
# An entry is about the size of its YAML, which the loader caps; twice that is not ours.
MAX_ENTRY_BYTES = 2 * safe_read.MAX_BYTES
# A file this small loads in milliseconds without a cache: not worth a write.
MIN_TEXT_CHARS = 64 * 1024

_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls))
    for cls in (
        Agency,
        Person,
        Topic,
        Source,
        Kind,
        Quote,
        Related,
        Rating,
        Pledge,
        Grant,
        Rollout,
        Event,
    )
}
_REGISTRY_CLASSES: dict[str, type] = {registry.name: registry.entry for registry in REGISTRIES}
_lock = threading.Lock()
_fingerprint: bytes | None = None


class _NotCacheable(Exception):
    """The part holds a value this encoding cannot promise to give back unchanged."""


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
    digest = hashlib.blake2b(_code_fingerprint(), digest_size=32)
    digest.update(text.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


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
    digest = hashlib.blake2b(key=key, digest_size=_MAC_SIZE, person=b"watchline-cache")
    digest.update(name.encode("ascii"))  # an entry copied under another name fails too
    digest.update(payload)
    return digest.digest()


# ------------------------------------------------------------------------ encoding


# Each model class is stored as a JSON list of its field values in field order, and each
# field by a codec chosen once from its type hint: no tags to read back, and plain text,
# numbers and flags go through untouched (most of a log). Entries are about the size of
# the YAML and decode in a fraction of the time the builder takes.

_Codec = tuple[Callable[[Any], Any] | None, Callable[[Any, str], Any] | None]


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is float and value == value:
        return value  # NaN is never equal to itself: a model holding one could not match
    raise _NotCacheable


def _plain_dict(value: Any) -> Any:
    if type(value) is not dict or not all(type(k) is str for k in value):
        raise _NotCacheable
    for item in value.values():
        _plain(item)
    return value


def _edtf(value: Any) -> Any:
    if value is None:
        return None
    if type(value) is not EDTFDate:
        raise _NotCacheable
    again = parse_edtf(value.text)  # cached by text: usually the very same object
    if again is not value and again != value:
        raise _NotCacheable  # a date whose text would not parse back to the same date
    return value.text


def _decimal(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise _NotCacheable
    return str(value)


def _location(value: Any) -> Any:
    return None if value is None else [value.line, value.col]


def _texts(value: Any) -> Any:
    # The builder makes these tuples of text; json.dumps refuses anything not JSON.
    if type(value) is not tuple:
        raise _NotCacheable
    return value


def _codec(hint: Any) -> _Codec:
    """The (encode, decode) pair for a field with type ``hint``; ``None`` means as is."""
    origin = typing.get_origin(hint)
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    core = args[0] if origin in (types.UnionType, typing.Union) and len(args) == 1 else hint
    if origin is dict:
        return _plain_dict, None
    if core is EDTFDate:
        edtf = parse_edtf
        return _edtf, lambda v, file: None if v is None else edtf(v)
    if core is Decimal:
        return _decimal, lambda v, file: None if v is None else Decimal(v)
    if core is Location:
        return _location, lambda v, file: None if v is None else Location(file, v[0], v[1])
    if typing.get_origin(core) is tuple:
        item = typing.get_args(core)[0]
        if item is str:
            return _texts, lambda v, file: tuple(v)
        encode_item, decode_item = _class_codec(item)
        return (
            lambda v: [encode_item(x) for x in v],
            lambda v, file: tuple([decode_item(x, file) for x in v]),
        )
    if core in _FIELDS:
        encode_obj, decode_obj = _class_codec(core)
        return (
            lambda v: None if v is None else encode_obj(v),
            lambda v, file: None if v is None else decode_obj(v, file),
        )
    if core in (str, int, float, bool) or set(args) <= {str, int, float, bool}:
        return _plain, None
    raise TypeError(f"no cache codec for {hint!r}")  # a new model field: teach this module


@functools.cache
def _class_codec(cls: type) -> tuple[Callable[[Any], Any], Callable[[Any, str], Any]]:
    """Encode and decode for a model dataclass, as a list of its fields in order."""
    hints = typing.get_type_hints(cls, localns={"EDTFDate": EDTFDate, "Decimal": Decimal})
    names = _FIELDS[cls]
    codecs = [_codec(hints[name]) for name in names]
    getter = operator.attrgetter(*names)
    # Plain fields (text, numbers, flags as the builder made them) are copied with no
    # per-field call; json.dumps refuses anything that is not JSON (store gives up then).
    special_encoders = [
        (i, fn) for i, (fn, _) in enumerate(codecs) if fn is not None and fn is not _plain
    ]

    def encode(value: Any) -> list[Any]:
        if type(value) is not cls:
            raise _NotCacheable
        row = list(getter(value)) if len(names) > 1 else [getter(value)]
        for i, fn in special_encoders:
            row[i] = fn(row[i])
        return row

    # Fields kept as they are (most of them) skip the call; the rest go through decoders.
    special = [(i, fn) for i, (_, fn) in enumerate(codecs) if fn is not None]

    def decode(row: list[Any], file: str) -> Any:
        for i, fn in special:
            row[i] = fn(row[i], file)
        return cls(*row)

    return encode, decode


def _defined_in(part: Any, event_ids: set[str], registry: str, ref_id: str) -> bool:
    """Whether the file itself defines what a reference names.

    Such a reference can never be unknown once files are merged (the merged registries
    hold every file's entries), so an entry keeps only the references that name another
    file's entries: for a log in one file, none. That halves an entry's size.
    """
    if registry == "events":
        return ref_id in event_ids
    if registry == "kinds" and ref_id in BUILTIN_KINDS:
        return True
    return ref_id in part.registries.get(registry, {})


def encode_part(part: Any) -> bytes:
    """A built file part as JSON bytes (raises :class:`_NotCacheable` if it can't be)."""
    if part.broken_event_ids:
        raise _NotCacheable
    event_ids = {event.id for event, _ in part.events}
    encode_event = _class_codec(Event)[0]
    data = {
        "title": part.title,
        "description": part.description,
        "registries": {
            name: [
                [entry_id, _class_codec(typing.cast(Hashable, type(obj)))[0](obj), list(path)]
                for entry_id, (obj, path) in entries.items()
            ]
            for name, entries in part.registries.items()
        },
        "events": [[encode_event(event), list(path)] for event, path in part.events],
        "refs": [
            [registry, ref_id, list(path)]
            for registry, ref_id, path in part.refs
            if not _defined_in(part, event_ids, registry, ref_id)
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def decode_part(payload: bytes, file: str, locator: Any) -> Any:
    """The file part stored in ``payload``, placed in ``file`` with ``locator``."""
    data = json.loads(payload)
    part = FilePart(file, locator, title=data["title"], description=data["description"])
    part.registries = {
        name: {
            entry_id: (_class_codec(_REGISTRY_CLASSES[name])[1](obj, file), tuple(path))
            for entry_id, obj, path in entries
        }
        for name, entries in data["registries"].items()
    }
    decode_event = _class_codec(Event)[1]
    part.events = [(decode_event(event, file), tuple(path)) for event, path in data["events"]]
    part.refs = [(registry, ref_id, tuple(path)) for registry, ref_id, path in data["refs"]]
    return part


# ------------------------------------------------------------------------ lookup and store


def lookup(key: str, file: str, locator: Any) -> Any | None:
    """The cached part for ``key`` (see :func:`key_for`), or ``None``; never raises."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.json"
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
    if not hmac.compare_digest(blob[len(_MAGIC) : head], _mac(mac_key, key, payload)):
        return None
    try:
        part = decode_part(payload, file, locator)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # written by a different encoding that slipped past the version
    with contextlib.suppress(OSError):
        os.utime(path, follow_symlinks=False)  # recently used entries outlive the rest
    return part


def store(key: str, part: Any) -> bool:
    """Store ``part`` under ``key``; ``False`` (and nothing written) if that can't be done."""
    folder = cache_dir()
    if folder is None:
        return False
    mac_key = _mac_key(folder)
    if mac_key is None:
        return False
    try:
        payload = encode_part(part)
    except (_NotCacheable, RecursionError, ValueError, TypeError):
        return False
    blob = _MAGIC + _mac(mac_key, key, payload) + payload
    try:
        # Created 0600; not synced to disk: a lost entry is only a slower next start.
        write_atomically(folder / f"{key}.json", blob, durable=False)
    except OSError:
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Keep the newest entries within MAX_ENTRIES and MAX_TOTAL_BYTES."""
    try:
        entries = []
        for path in folder.glob("*.json"):
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
