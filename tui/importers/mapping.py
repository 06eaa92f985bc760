"""The mapping file of ``watchline import csv|jsonl``: which column gives which field.

Read with the loader's own guards (the shared reader with a small cap, strict UTF-8, no
control bytes, the YAML parser that bounds nesting and aliases) into a plain tree, then
checked here key by key; a mistake names the mapping file, its line and column, and the
fix. docs/importing.md describes the format.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.importers import ImportFailure, slugify
from tui.model.format import SLUG, URL
from tui.model.load.checks import did_you_mean
from tui.model.load.guards import check_text
from tui.model.load.tree import parse_text
from tui.model.log import BUILTIN_KINDS
from tui.model.problems import Problem
from tui.model.safe_read import cannot_read, read_bytes
from tui.model.text import shown_name

MAPPING_MAX_BYTES = 1 << 20  # a mapping is a page of YAML; a megabyte is a mistake
VERSION_KEY = "watchline-mapping"
# Names a template may use beside the columns: the data row's number and the file's line.
SPECIALS = ("row", "line")

MISSING = object()


def cell(cells: dict[str, Any], path: str) -> Any:
    """The value at ``path`` in a row: the key itself, else a dotted path into nested
    objects (``location.city``, ``tags.0``); :data:`MISSING` when there is none."""
    if path in cells:
        return cells[path]
    node: Any = cells
    for step in path.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return MISSING
    return node


def as_text(value: Any) -> str:
    """A cell as text: numbers as written, true/false, a list joined with "; "."""
    if value is MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(as_text(item) for item in value if not isinstance(item, dict | list))
    if isinstance(value, dict):
        return ""
    return str(value)


@dataclass(frozen=True, slots=True)
class Template:
    """Text made of literal parts and cells: a column (one part), a template, a value."""

    parts: tuple[tuple[str, str | None], ...]  # (literal text, then the column or None)
    source: str  # as the mapping wrote it, for messages

    @property
    def columns(self) -> list[str]:
        return [name for _, name in self.parts if name is not None]

    @property
    def single(self) -> str | None:
        """The column when the template is just one column."""
        if len(self.parts) == 1 and self.parts[0][0] == "" and self.parts[0][1] is not None:
            return self.parts[0][1]
        return None

    def render(self, cells: dict[str, Any], extra: dict[str, str]) -> str:
        out: list[str] = []
        for literal, name in self.parts:
            out.append(literal)
            if name is not None:
                value = cell(cells, name)
                if value is MISSING and name in extra:
                    out.append(extra[name])
                else:
                    out.append(as_text(value))
        return "".join(out)


@dataclass(frozen=True, slots=True)
class DateSpec:
    column: str
    formats: tuple[str, ...] = ()
    dayfirst: bool | None = None


@dataclass(frozen=True, slots=True)
class KindSpec:
    value: str | None = None
    column: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    default: str | None = None


@dataclass(frozen=True, slots=True)
class ListSpec:
    """agencies, people or topics: ids from a column's names."""

    column: str
    separator: str | None = None
    prefix: str | None = None
    name: Template | None = None  # the registry entry's name; {value} is the cell's item


@dataclass(frozen=True, slots=True)
class UrlSources:
    column: str
    separator: str | None = None
    title: Template | None = None
    publisher: Template | None = None
    prefix: str | None = None


@dataclass(slots=True)
class Mapping:
    file: str
    title: str | None = None
    description: str | None = None
    namespace: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    id: Template | None = None
    date: DateSpec = field(default_factory=lambda: DateSpec("date"))
    title_text: Template | None = None
    summary: Template | None = None
    note: Template | None = None
    place: Template | None = None
    kind: KindSpec = field(default_factory=lambda: KindSpec(value="other"))
    lists: dict[str, ListSpec] = field(default_factory=dict)  # agencies, people, topics
    url_sources: UrlSources | None = None
    fixed_source: dict[str, str] | None = None
    data: dict[str, str] = field(default_factory=dict)  # name in data: -> column

    def columns(self) -> list[tuple[str, str]]:
        """(mapping key, column) for every column the mapping names, for the header check."""
        used: list[tuple[str, str]] = []
        for key, template in (
            ("id", self.id),
            ("title", self.title_text),
            ("summary", self.summary),
            ("note", self.note),
            ("place", self.place),
        ):
            if template is not None:
                used.extend((key, c) for c in template.columns if c not in SPECIALS)
        used.append(("date", self.date.column))
        if self.kind.column is not None:
            used.append(("kind", self.kind.column))
        used.extend((key, spec.column) for key, spec in self.lists.items())
        if self.url_sources is not None:
            used.append(("sources", self.url_sources.column))
            for part in (self.url_sources.title, self.url_sources.publisher):
                if part is not None:
                    used.extend(("sources", c) for c in part.columns if c not in SPECIALS)
        used.extend(("data", column) for column in self.data.values())
        return used


_TOP = ("watchline-mapping", "log", "namespace", "input", "event")
_LOG = ("title", "description")
_INPUT = ("encoding", "delimiter")
_EVENT = (
    "id",
    "date",
    "title",
    "summary",
    "note",
    "place",
    "location",
    "kind",
    "agencies",
    "people",
    "topics",
    "sources",
    "data",
)
_FIXED_SOURCE = ("id", "title", "url", "publisher", "author", "published", "note")


class _Reader:
    def __init__(self, file: str, locator: Any) -> None:
        self.file = file
        self.locator = locator

    def fail(self, path: tuple[str | int, ...], message: str, key: bool = False) -> ImportFailure:
        line, col = (self.locator.locate_key if key else self.locator.locate)(path)
        where = "".join(
            f"{step}: " if i == len(path) - 1 else f"{step}." for i, step in enumerate(path)
        )
        return ImportFailure(f"{self.file}:{line}:{col}: {where}{message}")

    def table(self, value: Any, path: tuple[str | int, ...], keys: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping (key: value lines)")
        for key in value:
            if key not in keys:
                hint = did_you_mean(str(key), keys)
                raise self.fail((*path, key), f"unknown key{hint}", key=True)
        return value

    def text(self, value: Any, path: tuple[str | int, ...]) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(path, "must be text")
        return str(value)

    def template(self, value: Any, path: tuple[str | int, ...]) -> Template:
        """A column name, "a {template}", or {column: X} / {template: T} / {value: V}."""
        if isinstance(value, dict):
            spec = self.table(value, path, ("column", "template", "value"))
            if len(spec) != 1:
                raise self.fail(path, "give one of column, template or value")
            ((how, given),) = spec.items()
            text = self.text(given, (*path, how))
            if how == "column":
                return Template((("", text),), text)
            if how == "value":
                return Template(((text, None),), text)
            return self.parse_template(text, (*path, how))
        text = self.text(value, path)
        if "{" in text or "}" in text:
            return self.parse_template(text, path)
        return Template((("", text),), text)

    def parse_template(self, text: str, path: tuple[str | int, ...]) -> Template:
        parts: list[tuple[str, str | None]] = []
        try:
            for literal, name, spec, conversion in string.Formatter().parse(text):
                if name is not None and (not name or spec or conversion):
                    raise self.fail(
                        path, f"{{{name}...}} in {text!r}: a template names columns as {{column}}"
                    )
                parts.append((literal, name))
        except ValueError as error:
            raise self.fail(path, f"not a template: {error} in {text!r}") from None
        return Template(tuple(parts), text)

    def column(self, value: Any, path: tuple[str | int, ...]) -> str:
        return self.text(value, path)

    def separator(self, value: Any, path: tuple[str | int, ...]) -> str | None:
        if value is None:
            return None
        text = self.text(value, path)
        if not text:
            raise self.fail(path, "must not be empty (leave it out for one value a cell)")
        return text

    def prefix(self, value: Any, path: tuple[str | int, ...]) -> str | None:
        if value is None:
            return None
        text = self.text(value, path)
        if text and not SLUG.match(text):
            raise self.fail(path, f"{text!r} is not a slug (lowercase letters, digits, -, _)")
        return text


def read_mapping(path: Path) -> Mapping:
    """The mapping file at ``path``, checked, or :class:`ImportFailure`."""
    name = shown_name(path)
    try:
        data = read_bytes(path, cap=MAPPING_MAX_BYTES, what="a mapping file")
    except OSError as error:
        raise ImportFailure(cannot_read(name, error)) from None
    text, problems = check_text(data, name)
    if text is None:
        raise ImportFailure(_said(problems[0]))
    parsed = parse_text(text, name)
    if parsed.problems:
        raise ImportFailure(_said(parsed.problems[0]))
    return _build(parsed.tree, _Reader(name, parsed.locator))


def _said(problem: Problem) -> str:
    return f"{problem.file}:{problem.line}:{problem.col}: {problem.message}"


def _build(tree: Any, r: _Reader) -> Mapping:
    top = r.table(tree if tree is not None else {}, (), _TOP)
    version = top.get(VERSION_KEY)
    if version != 1:
        raise r.fail((VERSION_KEY,) if version is not None else (), f"say {VERSION_KEY}: 1")
    m = Mapping(r.file)
    log = r.table(top.get("log") or {}, ("log",), _LOG)
    if "title" in log:
        m.title = r.text(log["title"], ("log", "title"))
    if "description" in log:
        m.description = r.text(log["description"], ("log", "description"))
    m.namespace = r.prefix(top.get("namespace"), ("namespace",)) or None
    given = r.table(top.get("input") or {}, ("input",), _INPUT)
    if "encoding" in given:
        m.encoding = r.text(given["encoding"], ("input", "encoding"))
    if "delimiter" in given:
        m.delimiter = r.text(given["delimiter"], ("input", "delimiter"))
        if len(m.delimiter) != 1:
            raise r.fail(("input", "delimiter"), "must be one character, such as ; or a tab")
    event = r.table(top.get("event"), ("event",), _EVENT)
    at = ("event",)
    if "title" not in event:
        raise r.fail(at, "say which column (or template) gives the title: title: headline")
    m.title_text = r.template(event["title"], (*at, "title"))
    if "id" in event:
        m.id = r.template(event["id"], (*at, "id"))
    for key in ("summary", "note"):
        if key in event:
            setattr(m, key, r.template(event[key], (*at, key)))
    if "place" in event and "location" in event:
        raise r.fail((*at, "location"), "give place or location, not both")
    for key in ("place", "location"):
        if key in event:
            m.place = r.template(event[key], (*at, key))
    if "date" not in event:
        raise r.fail(at, "say which column gives the date: date: when")
    m.date = _date(event["date"], r, (*at, "date"))
    if "kind" in event:
        m.kind = _kind(event["kind"], r, (*at, "kind"))
    for key in ("agencies", "people", "topics"):
        if key in event:
            m.lists[key] = _list(event[key], r, (*at, key))
    if "sources" not in event:
        raise r.fail(at, "say where the sources come from: sources: {column: url} or {fixed: ...}")
    _sources(m, event["sources"], r, (*at, "sources"))
    if "data" in event:
        m.data = _data(event["data"], r, (*at, "data"))
    return m


def _date(value: Any, r: _Reader, path: tuple[str | int, ...]) -> DateSpec:
    if not isinstance(value, dict):
        return DateSpec(r.column(value, path))
    spec = r.table(value, path, ("column", "format", "formats", "dayfirst"))
    if "column" not in spec:
        raise r.fail(path, "say which column: column: when")
    formats: list[str] = []
    for key in ("format", "formats"):
        given = spec.get(key)
        if given is None:
            continue
        items = given if isinstance(given, list) else [given]
        for index, item in enumerate(items):
            where = (*path, key, index) if isinstance(given, list) else (*path, key)
            fmt = r.text(item, where)
            if "%" not in fmt:
                raise r.fail(where, f"{fmt!r} is not a strptime format (e.g. %m/%d/%Y)")
            formats.append(fmt)
    dayfirst = spec.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise r.fail((*path, "dayfirst"), "must be true or false")
    return DateSpec(r.column(spec["column"], (*path, "column")), tuple(formats), dayfirst)


def _kind_id(value: str, r: _Reader, path: tuple[str | int, ...]) -> str:
    kind = slugify(value)
    if not kind:
        raise r.fail(path, f"{value!r} cannot be a kind id")
    return kind


def _kind(value: Any, r: _Reader, path: tuple[str | int, ...]) -> KindSpec:
    if not isinstance(value, dict):
        return KindSpec(value=_kind_id(r.text(value, path), r, path))
    spec = r.table(value, path, ("value", "column", "values", "default"))
    if ("value" in spec) == ("column" in spec):
        raise r.fail(path, "give value (one kind for all) or column (with values)")
    if "value" in spec:
        return KindSpec(value=_kind_id(r.text(spec["value"], (*path, "value")), r, path))
    values: dict[str, str] = {}
    table = spec.get("values") or {}
    if not isinstance(table, dict):
        raise r.fail((*path, "values"), "must map a cell's text to a kind: {Shooting: shooting}")
    for key, kind in table.items():
        where = (*path, "values", key)
        values[str(key).strip().casefold()] = _kind_id(r.text(kind, where), r, where)
    default = spec.get("default")
    return KindSpec(
        column=r.column(spec["column"], (*path, "column")),
        values=values,
        default=None
        if default is None
        else _kind_id(r.text(default, (*path, "default")), r, (*path, "default")),
    )


def _list(value: Any, r: _Reader, path: tuple[str | int, ...]) -> ListSpec:
    if not isinstance(value, dict):
        return ListSpec(r.column(value, path))
    spec = r.table(value, path, ("column", "separator", "prefix", "name"))
    if "column" not in spec:
        raise r.fail(path, "say which column: column: agency")
    name = spec.get("name")
    return ListSpec(
        r.column(spec["column"], (*path, "column")),
        r.separator(spec.get("separator"), (*path, "separator")),
        r.prefix(spec.get("prefix"), (*path, "prefix")),
        None if name is None else r.parse_template(r.text(name, (*path, "name")), (*path, "name")),
    )


def _sources(m: Mapping, value: Any, r: _Reader, path: tuple[str | int, ...]) -> None:
    if not isinstance(value, dict):
        m.url_sources = UrlSources(r.column(value, path))
        return
    spec = r.table(value, path, ("column", "separator", "title", "publisher", "prefix", "fixed"))
    if "column" not in spec and "fixed" not in spec:
        raise r.fail(path, "give column (a URL column) or fixed (one source for all), or both")
    if "column" in spec:
        title, publisher = spec.get("title"), spec.get("publisher")
        m.url_sources = UrlSources(
            r.column(spec["column"], (*path, "column")),
            r.separator(spec.get("separator"), (*path, "separator")),
            None if title is None else r.template(title, (*path, "title")),
            None if publisher is None else r.template(publisher, (*path, "publisher")),
            r.prefix(spec.get("prefix"), (*path, "prefix")),
        )
    elif any(key in spec for key in ("separator", "title", "publisher")):
        raise r.fail(path, "separator, title and publisher go with column")
    if "fixed" in spec:
        at = (*path, "fixed")
        fixed = r.table(spec["fixed"], at, _FIXED_SOURCE)
        entry = {key: r.text(item, (*at, key)) for key, item in fixed.items() if item is not None}
        if not entry.get("title"):
            raise r.fail(at, "a source needs a title")
        source_id = entry.get("id", "")
        if source_id and not SLUG.match(source_id):
            raise r.fail((*at, "id"), f"{source_id!r} is not a slug")
        if "url" in entry and not URL.match(entry["url"]):
            raise r.fail((*at, "url"), "must start with http:// or https://")
        m.fixed_source = entry


def _data(value: Any, r: _Reader, path: tuple[str | int, ...]) -> dict[str, str]:
    if isinstance(value, list):
        return {r.text(item, (*path, i)): r.text(item, (*path, i)) for i, item in enumerate(value)}
    if isinstance(value, dict):
        return {str(key): r.column(item, (*path, key)) for key, item in value.items()}
    raise r.fail(path, "a list of columns, or name: column lines")


def builtin_kind(kind: str) -> bool:
    return kind in BUILTIN_KINDS
