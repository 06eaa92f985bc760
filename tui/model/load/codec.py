"""The cache's encoding of a built file part: JSON that can only rebuild the model's own
dataclasses (no pickle: an entry is data, never code). :mod:`tui.model.load.cache` signs,
stores and finds entries; this module turns a part into bytes and back."""

from __future__ import annotations

import dataclasses
import functools
import json
import operator
import types
import typing
from collections.abc import Callable, Hashable
from decimal import Decimal
from typing import Any

from tui.model.edtf import EDTFDate, parse_edtf
from tui.model.entry_store import StoredEntries
from tui.model.event_store import HAVING, BuiltEvents, DaySpans, StoredEvents
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
    View,
)

__all__ = ["NotCacheable", "decode_part", "encode_part"]

_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls))
    for cls in (
        Agency,
        Person,
        Topic,
        Source,
        Kind,
        View,
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


class NotCacheable(Exception):
    """The part holds a value this encoding cannot promise to give back unchanged."""


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
    raise NotCacheable


def _plain_dict(value: Any) -> Any:
    if type(value) is not dict or not all(type(k) is str for k in value):
        raise NotCacheable
    for item in value.values():
        _plain(item)
    return value


def _edtf(value: Any) -> Any:
    if value is None:
        return None
    if type(value) is not EDTFDate:
        raise NotCacheable
    again = parse_edtf(value.text)  # cached by text: usually the very same object
    if again is not value and again != value:
        raise NotCacheable  # a date whose text would not parse back to the same date
    return value.text


def _decimal(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        raise NotCacheable
    return str(value)


def _location(value: Any) -> Any:
    return None if value is None else [value.line, value.col]


def _texts(value: Any) -> Any:
    # The builder makes these tuples of text; json.dumps refuses anything not JSON.
    if type(value) is not tuple:
        raise NotCacheable
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
            raise NotCacheable
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


def _ints(values: list[Any]) -> list[int]:
    """``values`` if every one is an int (ValueError if not: a guard against a bug, as
    the MAC says we wrote the entry)."""
    if not set(map(type, values)) <= {int}:  # in C: 15 ms a million, a loop 200 ms
        raise ValueError("not a list of ints")
    return values


def _indexes_below(values: list[Any], n: int) -> list[int]:
    """``values`` as event indexes below ``n`` (ValueError if they are not: the entry's MAC
    says we wrote it, so this only guards against a bug, and costs a min and a max)."""
    if values and (min(values) < 0 or max(values) >= n):
        raise ValueError("an event index out of range")
    return values


def encode_part(part: Any) -> bytes:
    """A built file part as bytes (raises :class:`NotCacheable` if it can't be).

    One JSON line holds the header (title, small registries, references, the events' ids,
    day spans and line ends), then each event is a JSON line of its own, then each entry
    of the large registries, so a reader builds only the events and entries it asks for
    (:class:`~tui.model.event_store.StoredEvents`, :class:`StoredEntries`).
    """
    if part.broken_event_ids:
        raise NotCacheable
    # The tables a reader needs of every event, made as for a file merged unbuilt.
    tables = BuiltEvents(part.events)
    event_ids = set(tables.ids)
    encode_event = _class_codec(Event)[0]
    lines = [_dumps([encode_event(event), list(path)]) for event, path in part.events]
    ends, end = [], -1
    for line in lines:
        end += len(line) + 1
        ends.append(end)
    stored: dict[str, Any] = {}
    for name, entries in part.registries.items():
        if name not in _LAZY_REGISTRIES:
            continue
        encode_entry = _class_codec(_REGISTRY_CLASSES[name])[0]
        prefix = _prefix(name, entries)
        ids, entry_ends, first = [], [], end + 1
        for entry_id, (obj, _) in entries.items():
            line = _dumps(encode_entry(obj))
            lines.append(line)
            end += len(line) + 1
            ids.append(entry_id)
            entry_ends.append(end)
        stored[name] = {"path": prefix, "ids": ids, "start": first, "ends": entry_ends}
    header = {
        "title": part.title,
        "description": part.description,
        "registries": {
            name: [
                [entry_id, _class_codec(typing.cast(Hashable, type(obj)))[0](obj), list(path)]
                for entry_id, (obj, path) in entries.items()
            ]
            for name, entries in part.registries.items()
            if name not in _LAZY_REGISTRIES
        },
        "stored_registries": stored,
        "ids": tables.ids,
        "keys": tables.keys,
        "ends": ends,
        "having": tables.having,
        "spans": tables.spans.state(),
        "headings": tables.headings,
        "widest_date": tables.widest_date,
        "linked_from": tables.linked_from,
        "ordered": part.in_timeline_order,
        "refs": [
            [registry, ref_id, list(path)]
            for registry, ref_id, path in part.refs
            if not _defined_in(part, event_ids, registry, ref_id)
        ],
    }
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return b"\n".join([text.encode("utf-8"), *lines]) + b"\n"


# Registries a log of many events holds many entries of; made one by one as asked for.
_LAZY_REGISTRIES = frozenset({"agencies", "people", "topics", "sources"})


def _dumps(value: Any) -> bytes:
    """One JSON line (refusing what is not JSON: store gives up then)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _prefix(name: str, entries: dict[str, tuple[Any, Any]]) -> list[Any]:
    """The path every entry of a registry sits under (its own id appended): the builder
    places them under the registry's key at the top of the file (anything else is not
    stored)."""
    if any(tuple(path) != (name, entry_id) for entry_id, (_, path) in entries.items()):
        raise NotCacheable
    return [name]


def _stored_registry(
    name: str, table: dict[str, Any], payload: bytes, start: int, file: str
) -> StoredEntries[Any]:
    """A large registry's entries as lines of the entry (each made when first asked for)."""
    decode = _class_codec(_REGISTRY_CLASSES[name])[1]
    loads = json.loads
    first = start + int(table["start"])
    ends = [start + end for end in _ints(table["ends"])]
    if ends and (first < start or ends[0] < first or max(ends) >= len(payload)):
        raise ValueError("a registry's entries lie outside the entry")
    return StoredEntries(
        payload,
        first,
        ends,
        [str(entry_id) for entry_id in table["ids"]],
        tuple(table["path"]),
        lambda line: decode(loads(line), file),
    )


def _registry(name: str, entries: list[Any], file: str) -> Any:
    """A small registry from its stored rows: id -> (entry, path)."""
    decode = _class_codec(_REGISTRY_CLASSES[name])[1]
    return {str(entry_id): (decode(obj, file), tuple(path)) for entry_id, obj, path in entries}


def decode_part(payload: bytes, file: str, locator: Any) -> Any:
    """The file part stored in ``payload``, placed in ``file`` with ``locator``.

    Only the header is decoded here; the events stay bytes until asked for.
    """
    newline = payload.index(b"\n")
    data = json.loads(payload[:newline])
    part = FilePart(file, locator, title=data["title"], description=data["description"])
    registries: dict[str, Any] = {
        name: _registry(name, entries, file) for name, entries in data["registries"].items()
    }
    for name, table in data["stored_registries"].items():
        if name not in _LAZY_REGISTRIES:
            raise ValueError(f"registry {name!r} is not one stored as lines")
        registries[name] = _stored_registry(name, table, payload, newline + 1, file)
    part.registries = registries
    decode_event = _class_codec(Event)[1]
    loads = json.loads

    def decode(line: bytes) -> tuple[Event, tuple[Any, ...]]:
        event, path = loads(line)
        return decode_event(event, file), tuple(path)

    ids = data["ids"]
    ends = [newline + 1 + end for end in data["ends"]]
    if ends and ends[-1] >= len(payload):
        raise ValueError("the entry's events do not end where its header says")
    having = {name: _indexes_below(data["having"][name], len(ids)) for name in HAVING}
    stored = StoredEvents(
        payload,
        newline + 1,
        ends,
        decode,
        ids=[str(event_id) for event_id in ids],
        keys=_ints(data["keys"]),
        having=having,
        spans=DaySpans.restored(data["spans"], len(ids)),
        headings=[int(heading) for heading in data["headings"]],
        widest_date=int(data["widest_date"]),
        linked_from={
            str(target): _indexes_below(sources, len(ids))
            for target, sources in data["linked_from"].items()
        },
    )
    part.events = stored.pairs()
    part.refs = [(registry, ref_id, tuple(path)) for registry, ref_id, path in data["refs"]]
    part.in_timeline_order = data["ordered"] is True
    return part
