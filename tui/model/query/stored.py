"""The query engine's indexes in the cache, next to the built log, so a warm start
rebuilds nothing.

Everything :meth:`QueryEngine._build_indexes` makes depends on the collection alone (the
pledge statuses, which depend on ``as_of``, are worked out again: a few milliseconds). An
entry is named from the collection's ``cache_key`` (set by the loader when every file
came from, or went to, the log cache: the hash of those entries' names, which change
with any byte of a file or of the loader) and from the code that builds the indexes
(this package, the search folding, the model and the Python version), so a stale entry is
never looked up; it sits beside the log entries (``KEY.index``) and is pruned with them.

Safety: the payload is :mod:`marshal` data (what ``.pyc`` files hold: only built-in
values, here dicts, lists, tuples, text, ints and bytes; nothing is called on loading,
unlike pickle), behind the same MAC (HMAC-SHA256) as the log entries, checked before it
is decoded: an entry we did not write, truncated or changed, is never decoded. marshal
keeps shared objects shared, so the value ids stay one object each (the memory of a
rebuilt engine), and decodes 100k events' indexes in about 0.25 s where building them
takes 2-4 s. Any failure means "build them", never an error.
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.model.query.bits import _Facet, _Postings

if TYPE_CHECKING:
    from tui.model.log import Collection
    from tui.model.query.engine import QueryEngine

__all__ = ["cached_engine", "engine_key", "load", "restore", "save", "state_of"]

INDEX_VERSION = 2
SUFFIX = ".index"
# marshal's own format version (4: shared objects written once).
_MARSHAL_VERSION = 4
_fingerprint: bytes | None = None


def _code_fingerprint() -> bytes:
    """The code that makes the indexes (and the marshal format of this Python)."""
    global _fingerprint
    if _fingerprint is None:
        from tui.model import log, search_text

        digest = hashlib.blake2b(b"index %d " % INDEX_VERSION, digest_size=16)
        digest.update(sys.version.encode())
        digest.update(sys.byteorder.encode())
        for path in [Path(log.__file__ or ""), Path(search_text.__file__ or "")]:
            digest.update(path.read_bytes())
        for path in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(path.read_bytes())
        _fingerprint = digest.digest()
    return _fingerprint


def engine_key(collection: Collection) -> str | None:
    """The entry name of ``collection``'s indexes, or ``None`` when it has no cache key."""
    if collection.cache_key is None:
        return None
    digest = hashlib.blake2b(_code_fingerprint(), digest_size=32)
    digest.update(collection.cache_key.encode("ascii"))
    return digest.hexdigest()


def state_of(engine: QueryEngine) -> dict[str, Any]:
    """What :meth:`QueryEngine._build_indexes` made, as plain values."""
    return {
        "n": engine.n,
        "texts": engine.texts,
        "names_text": engine._names_text,
        "by_upper": engine._by_upper,
        "lower_days": [day.toordinal() for day in engine.lowers],
        "upper_days": [day.toordinal() for day in engine._uppers],
        "facets": {name: facet.state() for name, facet in engine.facets.items()},
        "sources": engine.sources.state(),
        "entity_keys": engine._entity_keys,
        "entry_names": engine._entry_names,
        "event_entries": engine._event_entries,
        "names": engine._names,
        "event_ids": engine._event_ids,
    }


def restore(engine: QueryEngine, state: dict[str, Any]) -> None:
    """Set the indexes of ``engine`` from :func:`state_of` (raises if it does not fit)."""
    n = engine.n
    if state["n"] != n or len(state["texts"]) != n or len(state["event_entries"]) != n:
        raise ValueError("the stored indexes are for another collection")
    engine.texts = state["texts"]
    engine._names_text = state["names_text"]
    engine._by_upper = state["by_upper"]
    if len(state["lower_days"]) != n or len(state["upper_days"]) != n:
        raise ValueError("the stored days are for another collection")
    day = datetime.date.fromordinal
    engine.lowers = list(map(day, state["lower_days"]))
    engine._uppers = list(map(day, state["upper_days"]))
    engine.facets = {name: _Facet.restored(facet) for name, facet in state["facets"].items()}
    engine.sources = _Postings.restored(state["sources"])
    engine._entity_keys = state["entity_keys"]
    engine._entry_names = state["entry_names"]
    engine._event_entries = state["event_entries"]
    engine._names = state["names"]
    engine._event_ids = state["event_ids"]


def load(
    cls: type[QueryEngine], collection: Collection, as_of: datetime.date | None
) -> QueryEngine | None:
    """The engine of ``collection`` from its cached indexes, or ``None``; never raises."""
    from tui.model.load import cache

    key = engine_key(collection)
    if key is None:
        return None
    payload = cache.read_signed(key, SUFFIX)
    if payload is None:
        return None
    try:
        state = marshal.loads(payload)
        return cls(collection, as_of, _indexes=state)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None  # written by other code that slipped past the fingerprint


def save(engine: QueryEngine) -> bool:
    """Store ``engine``'s indexes under its collection's key; ``False`` if not stored."""
    from tui.model.load import cache

    key = engine_key(engine.collection)
    if key is None:
        return False
    try:
        payload = marshal.dumps(state_of(engine), _MARSHAL_VERSION)
    except ValueError:
        return False
    return cache.write_signed(key, payload, SUFFIX)


def cached_engine(
    cls: type[QueryEngine], collection: Collection, as_of: datetime.date | None
) -> QueryEngine:
    """:func:`load`, else a new engine (stored for next time)."""
    engine = load(cls, collection, as_of)
    if engine is None:
        engine = cls(collection, as_of)
        save(engine)
    return engine
