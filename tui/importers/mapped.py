"""Any CSV or JSON Lines file as a watchline log, driven by a mapping file (no code).

``import_mapped`` reads the mapping (tui/importers/mapping.py), the rows
(tui/importers/tabular.py), and makes one event a row: the id from a column or a template
(made unique with -2, -3), the date as EDTF at the precision the cell has
(tui/importers/dates.py), agencies, people and topics from cells that may name several,
each a registry entry with a readable id, and sources from a URL column or one source for
the whole data set. A row that cannot be an event is reported (row, line, column, why) and
skipped; text over the format's limits is cut, and said so. Cells' control characters
become visible placeholders (a log may not hold them); the YAML writer escapes the
invisible ones.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.importers import ImportFailure, ImportResult, slugify, unique_id
from tui.importers.dates import parse_date_cell
from tui.importers.mapping import (
    MISSING,
    ListSpec,
    Mapping,
    Template,
    as_text,
    builtin_kind,
    cell,
    read_mapping,
)
from tui.importers.tabular import Row, Table, read_csv, read_jsonl
from tui.importers.yaml_writer import dump_log
from tui.model.format import EVENT_TEXT_LIMIT, SLUG_LIMIT, URL, text_limit
from tui.model.load.checks import did_you_mean
from tui.model.text import LOG_CONTROL, printable, shown_name

_NEWLINES = re.compile(r"\r\n?")
_ENTRY_FIELD = {"agencies": "name", "people": "name", "topics": "label"}


def clean(text: str, one_line: bool) -> str:
    """A cell's text as a log may hold it: CR LF as LF, control characters as visible
    placeholders (``␛``), white space folded (``one_line``) or trimmed."""
    text = _NEWLINES.sub("\n", text)
    if LOG_CONTROL.search(text):
        text = LOG_CONTROL.sub(lambda match: printable(match.group()), text)
    return " ".join(text.split()) if one_line else text.strip()


_EMPTY_BRACKETS = re.compile(r"\s*(?:\(\s*\)|\[\s*\])")
_REPEATED_COMMAS = re.compile(r"\s*([,;])(?:\s*[,;])+")


def _tidy(text: str) -> str:
    """What a template leaves where its cells were empty, tidied: "Later ()" -> "Later",
    "Shelton, , WA" -> "Shelton, WA", ", CT" -> "CT"."""
    text = _EMPTY_BRACKETS.sub("", text)
    text = _REPEATED_COMMAS.sub(r"\1", text)
    return " ".join(text.split()).strip(" ,;:-/|")


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters: cut at a word where one is near, with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.8:
        head = head[:space]
    return head.rstrip() + "…"


def make_id(prefix: str | None, base: str) -> str:
    """``prefix-base`` within the id length limit (the base is already a slug)."""
    text = f"{prefix}-{base}" if prefix else base
    return text[:SLUG_LIMIT].rstrip("-_")


class _Skip(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(slots=True)
class _State:
    mapping: Mapping
    name: str  # the data file as messages show it
    namespace: str | None
    registries: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {"agencies": {}, "people": {}, "topics": {}, "sources": {}}
    )
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)
    # (registry, the name or URL folded) -> id, and the ids taken in each registry.
    known: dict[tuple[str, str], str] = field(default_factory=dict)
    taken: dict[str, set[str]] = field(default_factory=dict)
    event_ids: set[str] = field(default_factory=set)
    renamed: int = 0
    warnings: list[str] = field(default_factory=list)

    def where(self, row: Row, column: str) -> str:
        return f"{self.name}:{row.line}: row {row.number}, column {column!r}"


def _column_of(template: Template | None, fallback: str) -> str:
    if template is None:
        return fallback
    return template.single or (template.columns[0] if template.columns else fallback)


def _text(
    s: _State,
    row: Row,
    template: Template | None,
    key: str,
    *,
    one_line: bool = True,
    extra: dict[str, str] | None = None,
) -> str:
    if template is None:
        return ""
    names = {"row": str(row.number), "line": str(row.line), **(extra or {})}
    text = clean(template.render(row.cells, names), one_line)
    if template.single is None and template.columns:
        text = _tidy(text)
    limit = text_limit(key)
    if len(text) > limit:
        s.warnings.append(
            f"{s.where(row, _column_of(template, key))}: {key} cut to {limit:,} characters "
            f"(it had {len(text):,})"
        )
        text = cut(text, limit)
    return text


def _items(raw: Any, separator: str | None) -> list[str]:
    if raw is MISSING or raw is None:
        return []
    if isinstance(raw, list):
        return [as_text(item) for item in raw if not isinstance(item, dict | list)]
    text = as_text(raw)
    return text.split(separator) if separator else [text]


def _registry_ids(s: _State, row: Row, registry: str, spec: ListSpec) -> list[str]:
    ids: list[str] = []
    prefix = spec.prefix if spec.prefix is not None else s.namespace
    for item in _items(cell(row.cells, spec.column), spec.separator):
        name = cut(clean(item, one_line=True), text_limit("name"))
        if not name:
            continue
        folded = name.casefold()
        entry_id = s.known.get((registry, folded))
        if entry_id is None:
            base = slugify(name)
            if not base:
                s.warnings.append(
                    f"{s.where(row, spec.column)}: {name!r} makes no id (no letters or "
                    f"digits); left out of {registry}"
                )
                continue
            entry_id = unique_id(make_id(prefix, base), s.taken.setdefault(registry, set()))
            s.known[(registry, folded)] = entry_id
            shown = name
            if spec.name is not None:
                shown = _text(s, row, spec.name, "name", extra={"value": name}) or name
            s.registries[registry][entry_id] = {_ENTRY_FIELD[registry]: shown}
        if entry_id not in ids:
            ids.append(entry_id)
    return ids


def _url_source_id(url: str) -> str:
    """A readable id for a page: its site and the last part of its path
    (``ctpost-police-chief-promises-body-cams``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    site = slugify(host.rsplit(".", 1)[0] if host.count(".") >= 1 else host, 30)
    segments = [seg for seg in parts.path.split("/") if seg]
    last = segments[-1].rsplit(".", 1)[0] if segments else ""
    page = slugify(last, 50)
    if page.isdigit() and len(segments) > 1:
        page = slugify(f"{segments[-2]}-{page}", 50)
    return "-".join(part for part in (site, page) if part) or "source"


def _sources(s: _State, row: Row) -> list[str]:
    m = s.mapping
    ids: list[str] = []
    spec = m.url_sources
    if spec is not None:
        prefix = spec.prefix if spec.prefix is not None else s.namespace
        for item in _items(cell(row.cells, spec.column), spec.separator):
            url = item.strip()
            if not url:
                continue
            if not URL.match(url) or any(c.isspace() for c in url) or LOG_CONTROL.search(url):
                raise _Skip(spec.column, f"not a web address (http or https): {url[:80]!r}")
            if len(url) > text_limit("url"):
                raise _Skip(spec.column, f"the address is {len(url):,} characters long")
            source_id = s.known.get(("sources", url))
            if source_id is None:
                base = make_id(prefix, _url_source_id(url))
                source_id = unique_id(base, s.taken.setdefault("sources", set()))
                s.known[("sources", url)] = source_id
                title = _text(s, row, spec.title, "title") or cut(url, text_limit("title"))
                publisher = _text(s, row, spec.publisher, "publisher") or None
                s.registries["sources"][source_id] = {
                    "title": title,
                    "publisher": publisher,
                    "url": url,
                }
            if source_id not in ids:
                ids.append(source_id)
    fixed = _fixed_source_id(s)
    if fixed is not None and fixed not in ids:
        ids.append(fixed)
    if not ids:
        raise _Skip(
            spec.column if spec is not None else "sources",
            "no source: the cell is empty and the mapping gives no fixed source",
        )
    return ids


def _fixed_source_id(s: _State) -> str | None:
    entry = s.mapping.fixed_source
    if entry is None:
        return None
    given = entry.get("id")
    source_id = given or make_id(s.namespace, slugify(entry["title"]) or "source")
    if source_id not in s.registries["sources"]:
        s.taken.setdefault("sources", set()).add(source_id)
        s.registries["sources"][source_id] = {
            key: value for key, value in entry.items() if key != "id"
        }
    return source_id


def _kind(s: _State, row: Row) -> str:
    spec = s.mapping.kind
    if spec.value is not None:
        raw_kind, label = spec.value, spec.value
    else:
        assert spec.column is not None
        text = clean(as_text(cell(row.cells, spec.column)), one_line=True)
        mapped = spec.values.get(text.casefold())
        if mapped is not None:
            raw_kind, label = mapped, mapped
        elif not text or spec.values:
            if spec.default is None:
                reason = (
                    "no kind: the cell is empty and kind has no default"
                    if not text
                    else f"{text[:60]!r} is not in kind.values"
                    f"{did_you_mean(text.casefold(), spec.values)} and kind has no default"
                )
                raise _Skip(spec.column, reason)
            raw_kind, label = spec.default, spec.default
        else:
            raw_kind, label = slugify(text) or "other", text
    if builtin_kind(raw_kind):
        return raw_kind
    kind_id = make_id(s.namespace, raw_kind)
    if kind_id not in s.kinds:
        s.kinds[kind_id] = {"label": cut(label, text_limit("label"))}
    return kind_id


def _data(s: _State, row: Row) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    for name, column in s.mapping.data.items():
        raw = cell(row.cells, column)
        if raw is MISSING or raw is None or raw == "":
            continue
        value: Any
        if isinstance(raw, bool | int):
            value = raw
        elif isinstance(raw, float):
            value = raw if math.isfinite(raw) else str(raw)
        elif isinstance(raw, dict | list):
            value = json.dumps(raw, ensure_ascii=False, separators=(", ", ": "))
        else:
            value = clean(str(raw), one_line=False)
        if isinstance(value, str):
            if not value:
                continue
            if len(value) > text_limit("*"):
                s.warnings.append(
                    f"{s.where(row, column)}: data {name!r} cut to {text_limit('*'):,} characters"
                )
                value = cut(value, text_limit("*"))
        data[cut(clean(name, one_line=True), text_limit("*"))] = value
    return data or None


def _event(s: _State, row: Row) -> dict[str, Any]:
    m = s.mapping
    raw_date = cell(row.cells, m.date.column)
    date, why = parse_date_cell(
        None if raw_date is MISSING else raw_date, m.date.formats, m.date.dayfirst
    )
    if date is None:
        raise _Skip(m.date.column, why or "no date")
    title = _text(s, row, m.title_text, "title")
    if not title:
        raise _Skip(_column_of(m.title_text, "title"), "no title: the cell is empty")
    kind = _kind(s, row)
    sources = _sources(s, row)
    event: dict[str, Any] = {
        "id": "",
        "date": date,
        "kind": kind,
        "title": title,
        "summary": _text(s, row, m.summary, "summary", one_line=False) or None,
    }
    for registry, spec in m.lists.items():
        event[registry] = _registry_ids(s, row, registry, spec) or None
    event["place"] = _text(s, row, m.place, "place") or None
    event["sources"] = sources
    event["note"] = _text(s, row, m.note, "note", one_line=False) or None
    event["data"] = _data(s, row)
    size = sum(len(v) for v in (title, event["summary"] or "", event["place"] or ""))
    size += len(event["note"] or "")
    size += sum(
        len(k) + (len(v) if isinstance(v, str) else 0) for k, v in (event["data"] or {}).items()
    )
    if size > EVENT_TEXT_LIMIT - 1000:
        raise _Skip(
            _column_of(m.summary, "summary"),
            f"the row's text is {size:,} characters; an event may hold about {EVENT_TEXT_LIMIT:,}",
        )
    base = slugify(_text(s, row, m.id, "id")) if m.id is not None else ""
    event_id = make_id(s.namespace, base or f"row-{row.number}")
    unique = unique_id(event_id, s.event_ids)
    if unique != event_id:
        s.renamed += 1
    event["id"] = unique
    return event


def _check_columns(m: Mapping, table: Table, name: str) -> None:
    if table.columns is None:
        return
    for key, column in m.columns():
        if column not in table.columns:
            hint = did_you_mean(column, table.columns)
            shown = ", ".join(table.columns[:30]) + (" ..." if len(table.columns) > 30 else "")
            raise ImportFailure(
                f"{m.file}: event.{key} names column {column!r}, which {name} does not "
                f"have{hint} (its columns: {shown})"
            )


def import_mapped(
    data_path: Path,
    mapping_path: Path,
    *,
    fmt: str = "csv",
    encoding: str | None = None,
    delimiter: str | None = None,
    namespace: str | None = None,
) -> ImportResult:
    """Convert ``data_path`` (CSV or JSONL, ``fmt``) into a log as ``mapping_path`` says."""
    mapping = read_mapping(mapping_path)
    name = shown_name(data_path)
    given_encoding = encoding or mapping.encoding
    if fmt == "jsonl":
        table = read_jsonl(data_path, given_encoding)
    else:
        table = read_csv(data_path, given_encoding, delimiter or mapping.delimiter)
    _check_columns(mapping, table, name)
    s = _State(mapping, name, namespace if namespace is not None else mapping.namespace)
    s.namespace = s.namespace or None
    notes = list(table.notes)
    if table.encoding != "utf-8":
        how = "as given" if given_encoding else "detected; --encoding changes it"
        notes.insert(0, f"{name}: read as {table.encoding} ({how})")
    events: list[dict[str, Any]] = []
    skipped: list[tuple[int, str]] = []
    rows = 0
    for row in table.rows:
        rows += 1
        try:
            events.append(_event(s, row))
        except _Skip as skip:
            skipped.append((row.number, f"{s.where(row, skip.column)}: {skip.reason}; skipped"))
    for number, line, reason in table.bad_rows:
        rows += 1
        skipped.append((number, f"{name}:{line}: row {number}: {reason}; skipped"))
    skipped.sort(key=lambda item: item[0])
    if s.renamed:
        notes.append(
            f"{s.renamed} event id{'s were' if s.renamed > 1 else ' was'} taken already: "
            "-2, -3, ... added"
        )
    log = {
        "watchline": 1,
        "title": cut(clean(mapping.title or f"Imported from {data_path.name}", True), 300),
        "description": clean(mapping.description, False) if mapping.description else None,
        **{registry: s.registries[registry] for registry in ("agencies", "people", "topics")},
        "sources": s.registries["sources"],
        "kinds": s.kinds,
        "events": events,
    }
    header = (
        f"Imported by `watchline import {fmt}` from {data_path.name} "
        f"with the mapping {mapping_path.name}.",
    )
    warnings = [reason for _, reason in skipped] + s.warnings
    return ImportResult(
        dump_log(log, [clean(line, True) for line in header]),
        len(events),
        warnings,
        skipped=len(skipped),
        rows=rows,
        notes=notes,
    )
