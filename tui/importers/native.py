"""watchline's own fields carried inside another format, read back and checked.

The TimelineJS export embeds each event in its log form on its slide and the registries at
the timeline's top (``"watchline": {...}``); the Timesketch export puts the same in a
column. Importing such a file prefers that form, but it is input like any other: a person
or a program may have edited it. So it is read against the field table
(:data:`tui.model.format.SPECS`): each value must have its field's shape (text, a list of
ids, a mapping...), a field the table does not know is left out and reported, and the
assembled log is then checked by the loader itself (dates, ids, references, limits), each
problem named by the slide or row it comes from. Nothing here trusts the input's types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from tui.importers.yaml_writer import emit_mapping, emit_sequence
from tui.model.format import SPECS, Field

_TEXT_KINDS = frozenset({"text", "id", "ref", "currency", "status", "url", "query"})


class NativeInvalid(Exception):
    """A value of the embedded log form that has the wrong shape."""


@dataclass(slots=True)
class Cleaned:
    """The checked log form, and the fields that were left out (path -> count)."""

    value: dict[str, Any]
    unknown: list[str] = field(default_factory=list)


def _where(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _amount(value: Any, path: str) -> Decimal:
    if isinstance(value, bool):
        raise NativeInvalid(f"{path} is not a number")
    try:
        if isinstance(value, int):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(repr(value))
        elif isinstance(value, str):
            amount = Decimal(value.strip())
        else:
            raise NativeInvalid(f"{path} is not a number")
    except InvalidOperation:
        raise NativeInvalid(f"{path} is not a number: {value!r}") from None
    if not amount.is_finite():
        raise NativeInvalid(f"{path} is not a finite number")
    return amount


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise NativeInvalid(f"{path} is not a list of strings")
    return list(value)


def _data(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NativeInvalid(f"{path} is not a mapping")
    for name, item in value.items():
        if not isinstance(item, str | int | float | bool):
            raise NativeInvalid(f"{_where(path, name)} is not text, a number or true/false")
    return dict(value)


def _field_value(spec_field: Field, value: Any, path: str, unknown: list[str]) -> Any:
    kind = spec_field.kind
    if value is None:
        return None
    if kind in _TEXT_KINDS:
        if not isinstance(value, str):
            raise NativeInvalid(f"{path} is not text")
        return value
    if kind == "date":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise NativeInvalid(f"{path} is not an EDTF date")
        return value
    if kind in ("version", "count"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise NativeInvalid(f"{path} is not a whole number")
        return value
    if kind == "amount":
        return _amount(value, path)
    if kind in ("refs", "texts"):
        return _strings(value, path)
    if kind == "data":
        return _data(value, path)
    assert spec_field.spec is not None
    if kind == "mapping":
        return clean_mapping(value, spec_field.spec, path, unknown)
    if kind == "list":
        if not isinstance(value, list):
            raise NativeInvalid(f"{path} is not a list")
        return [
            clean_mapping(item, spec_field.spec, f"{path}[{i}]", unknown)
            for i, item in enumerate(value)
        ]
    # A registry: ids to entries.
    if not isinstance(value, dict):
        raise NativeInvalid(f"{path} is not a mapping of ids")
    return {
        str(entry_id): clean_mapping(entry, spec_field.spec, f"{path}.{entry_id}", unknown)
        for entry_id, entry in value.items()
    }


def clean_mapping(value: Any, spec_name: str, path: str, unknown: list[str]) -> dict[str, Any]:
    """``value`` checked as a mapping of kind ``spec_name``; keys the field table does not
    know are left out and their paths added to ``unknown``."""
    spec = SPECS[spec_name]
    if not isinstance(value, dict):
        raise NativeInvalid(f"{path or 'it'} is not a mapping ({spec.noun})")
    out: dict[str, Any] = {}
    for name, item in value.items():
        spec_field = spec.by_name.get(str(name))
        if spec_field is None:
            unknown.append(_where(path, str(name)))
            continue
        checked = _field_value(spec_field, item, _where(path, str(name)), unknown)
        if checked is not None:
            out[spec_field.name] = checked
    return out


def clean_header(value: Any) -> Cleaned:
    """The log's top (title, description, registries) from its embedded form."""
    unknown: list[str] = []
    if not isinstance(value, dict):
        raise NativeInvalid("it is not a mapping")
    top = {name: item for name, item in value.items() if name != "events"}
    checked = clean_mapping(top, "log", "", unknown)
    if checked.get("watchline", 1) != 1:
        raise NativeInvalid(f"its format version is {checked['watchline']!r}, not 1")
    checked["watchline"] = 1
    if not isinstance(checked.get("title"), str):
        raise NativeInvalid("it has no title")
    return Cleaned(checked, unknown)


def clean_event(value: Any) -> Cleaned:
    """One event from its embedded form."""
    unknown: list[str] = []
    return Cleaned(clean_mapping(value, "event", "", unknown), unknown)


def drop_dangling(events: Sequence[dict[str, Any]]) -> dict[int, list[str]]:
    """Take out ``related`` and ``same_as`` entries naming events that are not among
    ``events`` (an export of a filtered selection has them); index -> what was dropped."""
    ids = {event.get("id") for event in events}
    dropped: dict[int, list[str]] = {}
    for index, event in enumerate(events):
        related = event.get("related") or []
        kept = [rel for rel in related if rel.get("event") in ids]
        if len(kept) != len(related):
            dropped.setdefault(index, []).append("related")
            event["related"] = kept or None
        same = event.get("same_as") or []
        if any(other not in ids for other in same):
            dropped.setdefault(index, []).append("same_as")
            event["same_as"] = [other for other in same if other in ids] or None
    return dropped


def write_checked(
    header: dict[str, Any], events: Sequence[dict[str, Any]], labels: Sequence[str], file: str
) -> tuple[str, list[str]]:
    """The log as YAML text and the loader's problems with it, each named by the label of
    the event it is in (``slide 4: ...``) or as the log's top (``the registries: ...``).

    ``header`` holds the YAML comment lines under ``"#"`` (a list) and the log's top.
    """
    from tui.model.load.files import load_data
    from tui.model.load.merge import merge_parts
    from tui.model.problems import Problem

    comments = header.get("#", [])
    order = [spec_field.name for spec_field in SPECS["log"].fields]
    top = {name: header[name] for name in order if name in header and name != "events"}
    lines = [f"# {line}" if line else "#" for line in comments]
    lines.extend(emit_mapping(top))
    starts: list[int] = []
    if events:
        lines.append("events:")
        for event in events:
            starts.append(len(lines) + 1)
            lines.extend(emit_sequence([event], 2))
    text = "\n".join(lines) + "\n"
    part, problems = load_data(text.encode("utf-8"), file)
    if part is not None and not problems:
        found: list[Problem] = []
        merge_parts([part], found)
        problems = found
    messages = []
    for problem in sorted(problems):
        owner = "the log's registries"
        for index in range(len(starts) - 1, -1, -1):
            if problem.line >= starts[index]:
                owner = labels[index]
                break
        messages.append(f"{owner}: {problem.message}")
    return text, messages


def checked_log(
    header: dict[str, Any],
    events: Sequence[dict[str, Any]],
    labels: Sequence[str],
    file: str,
    embedded: bool = False,
) -> tuple[str, int, list[str]]:
    """The log's text once the loader accepts it, how many events it holds, and a warning
    for each event left out: an event the loader refuses (a text over the format's
    limits, say) is left out with its reason; a refused top is :class:`ImportFailure`.
    For an embedded log form any problem is :class:`NativeInvalid` instead (the caller
    then reads the file as its plain format)."""
    from tui.importers import ImportFailure

    left_out: list[str] = []
    for _attempt in range(3):
        text, problems = write_checked(header, events, labels, file)
        if not problems:
            return text, len(events), left_out
        if embedded:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise NativeInvalid("; ".join(problems[:3]) + more)
        refused = {message.split(": ", 1)[0] for message in problems}
        if not refused <= set(labels):
            break
        left_out += [f"{file}: {message} (left out)" for message in problems]
        kept = [i for i, label in enumerate(labels) if label not in refused]
        events, labels = [events[i] for i in kept], [labels[i] for i in kept]
    raise ImportFailure(f"{file}: cannot make a valid log: {problems[0]}")
