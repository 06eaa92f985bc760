"""Plain tree -> model objects for one file, checked against :mod:`tui.model.format`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from tui.model.citations import cited_ids
from tui.model.event_store import StoredPairs
from tui.model.format import (
    CURRENCIES,
    EVENT_TEXT_LIMIT,
    LOG,
    NOUNS,
    SLUG,
    SLUG_LIMIT,
    SPECS,
    TEXT_LIMITS,
    URL,
    Field,
    Mapping,
    text_limit,
)
from tui.model.load.checks import (
    INVALID,
    QUOTE_HINT,
    Checks,
    TreePath,
    describe,
    did_you_mean,
    quote,
)
from tui.model.load.tree import Locator
from tui.model.log import (
    FORMAT_VERSION,
    PLEDGE_STATUSES,
    REGISTRIES,
    Event,
    Grant,
    Location,
    Pledge,
    Quote,
    Rating,
    Related,
    Rollout,
    timeline_key,
)
from tui.model.text import odd_whitespace

# The dataclass each nested mapping becomes, by its spec's name in the field table: a
# registry's entries (which get their id first), then the mappings inside an event.
_CLASSES: dict[str, type] = {registry.noun: registry.entry for registry in REGISTRIES} | {
    "quote": Quote,
    "related": Related,
    "pledge": Pledge,
    "rating": Rating,
    "grant": Grant,
    "rollout": Rollout,
}


def _text_size(tree: Any) -> int:
    """How many characters of text a parsed tree holds, keys included."""
    if isinstance(tree, str):
        return len(tree)
    if isinstance(tree, dict):
        return sum(_text_size(key) + _text_size(value) for key, value in tree.items())
    if isinstance(tree, list):
        return sum(_text_size(item) for item in tree)
    return 0


@dataclass(slots=True)
class FilePart:
    """What one file contributes: its header, registries, events and references."""

    file: str
    locator: Locator
    title: str | None = None
    description: str | None = None
    # registry name -> id -> (object, path of its entry)
    registries: dict[str, dict[str, tuple[Any, TreePath]]] = field(default_factory=dict)
    events: list[tuple[Event, TreePath]] | StoredPairs = field(default_factory=list)  # cached: lazy
    # (registry, id, path of the reference): checked once every file is built.
    refs: list[tuple[str, str, TreePath]] = field(default_factory=list)
    # Ids of events that have problems of their own (and so are not in ``events``).
    broken_event_ids: set[str] = field(default_factory=set)
    # ``events`` is in timeline order (log.timeline_key) with unique ids, so a log of this
    # one file needs no sort (see put_in_timeline_order; the cache stores parts so).
    in_timeline_order: bool = False
    cache_key: str | None = None  # the cache entry it was read from or stored in, if any
    digest: str | None = None  # SHA-256 (hex) of the bytes read: what changes are checked by

    def put_in_timeline_order(self) -> None:
        """Sort ``events`` into timeline order unless two share an id (the merge names the first)."""
        if len({event.id for event, _ in self.events}) == len(self.events):
            self.events = sorted(self.events, key=lambda pair: timeline_key(pair[0]))
            self.in_timeline_order = True


class Builder(Checks):
    """Plain tree -> model objects for one file, checked against :mod:`tui.model.format`.

    Knows nothing of YAML: positions come from the :class:`Locator`, asked only when a
    problem needs placing (and once for the events' start lines).
    """

    def __init__(self, file: str, locator: Locator) -> None:
        super().__init__(file, locator)
        self.part = FilePart(file, locator)

    # ---- the file

    def build(self, tree: Any) -> FilePart:
        """Check and convert the whole file; problems collect in ``self.problems``."""
        if not isinstance(tree, dict):
            self.problem(
                (), f"a log is a mapping that starts with 'watchline: 1', got {describe(tree)}"
            )
            return self.part
        if "watchline" not in tree:
            self.problem((), "missing 'watchline: 1' (the format version) at the top of the log")
        values = self.fields(tree, LOG, (), "the log", skip_required={"watchline"})
        self.part.title = values.get("title")
        self.part.description = values.get("description")
        return self.part

    # ---- mappings

    def fields(
        self,
        value: dict[str, Any],
        spec: Mapping,
        path: TreePath,
        what: str,
        skip_required: frozenset[str] | set[str] = frozenset(),
    ) -> dict[str, Any]:
        """Convert the fields of one mapping; the valid ones, by attribute name."""
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not self.text_key(key, (*path, key)):
                continue
            spec_field = spec.by_name.get(key)
            if spec_field is None:
                hint = did_you_mean(key, spec.by_name)
                odd = odd_whitespace(key)
                if odd is not None:
                    hint += f" (it holds {odd}, which looks like a space but is not one)"
                self.problem(
                    (*path, key), f"unknown field {quote(key)} in {what}{hint}", at_key=True
                )
                continue
            converted = self.convert(item, spec_field, (*path, key), what)
            if converted is not INVALID:
                out[spec_field.attribute] = converted
        for spec_field in spec.required:
            if spec_field.name not in value and spec_field.name not in skip_required:
                self.problem(path, f"{what} is missing required field {quote(spec_field.name)}")
        return out

    def mapping(
        self, value: Any, spec: Mapping, path: TreePath, what: str, entry_id: str | None = None
    ) -> Any:
        """One nested mapping as its dataclass, or INVALID."""
        if not isinstance(value, dict):
            self.problem(path, f"{what} must be a mapping of fields, got {describe(value)}")
            return INVALID
        before = len(self.problems)
        values = self.fields(value, spec, path, what)
        if len(self.problems) != before:
            return INVALID
        if spec.name == "pledge" and "ratings" in values:
            # The status at a date is the latest rating on or before it: keep them in order.
            values["ratings"] = tuple(
                sorted(values["ratings"], key=lambda r: (r.as_of.lower, r.as_of.upper))
            )
        if entry_id is not None:
            values["id"] = entry_id
        return _CLASSES[spec.name](**values)

    # ---- values

    def convert(self, value: Any, spec_field: Field, path: TreePath, what: str) -> Any:
        """One field's value converted by its kind, or INVALID (with a problem recorded)."""
        name = quote(spec_field.name)
        kind = spec_field.kind
        if kind == "version":
            if isinstance(value, int) and not isinstance(value, bool) and value == FORMAT_VERSION:
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                self.problem(
                    path,
                    f"unsupported format version {value}; this watchline reads version {FORMAT_VERSION}",
                )
            else:
                self.problem(
                    path,
                    f"the format version must be the number {FORMAT_VERSION}, got "
                    f"{describe(value)} (write 'watchline: {FORMAT_VERSION}', no quotes)",
                )
            return INVALID
        if kind in ("text", "url", "query"):
            if not isinstance(value, str):
                hint = QUOTE_HINT if isinstance(value, bool | int | float | datetime.date) else ""
                self.problem(path, f"{name} must be text, got {describe(value)}{hint}")
                return INVALID
            if not self.fits(value, path, text_limit(spec_field.name), name):
                return INVALID
            if not self.printable(value, path):
                return INVALID
            if kind == "url" and not URL.match(value):
                self.problem(
                    path,
                    f"{name} must be a web address starting with http:// or https://, got {quote(value)}",
                )
                return INVALID
            if kind == "query":
                return self.query(value, path, name)
            if kind == "text":
                # Inline citations ([@source-id]) are references like any other.
                self.part.refs.extend(("sources", key, path) for key in cited_ids(value))
            return value
        if kind == "id":
            return self.slug(value, path, name)
        if kind == "ref":
            ref_id = self.slug(value, path, f"{name}", registry=spec_field.ref)
            if ref_id is not INVALID:
                assert spec_field.ref is not None
                self.part.refs.append((spec_field.ref, ref_id, path))
            return ref_id
        if kind in ("refs", "texts"):
            if not isinstance(value, list):
                if isinstance(value, str):
                    hint = f"; write [{value}]"
                else:
                    hint = "; write it in brackets, e.g. [bpd]" if kind == "refs" else ""
                self.problem(path, f"{name} must be a list, got {describe(value)}{hint}")
                return INVALID
            items = []
            ok = True
            for index, item in enumerate(value):
                item_path = (*path, index)
                if kind == "texts":
                    if not isinstance(item, str):
                        hint = (
                            QUOTE_HINT
                            if isinstance(item, bool | int | float | datetime.date)
                            else ""
                        )
                        self.problem(
                            item_path,
                            f"the items of {name} must be text, got {describe(item)}{hint}",
                        )
                        ok = False
                        continue
                    if not self.fits(
                        item, item_path, TEXT_LIMITS["*"], f"an item of {name}"
                    ) or not self.printable(item, item_path):
                        ok = False
                        continue
                    items.append(item)
                else:
                    ref_id = self.slug(
                        item, item_path, f"an item of {name}", registry=spec_field.ref
                    )
                    if ref_id is INVALID:
                        ok = False
                        continue
                    assert spec_field.ref is not None
                    self.part.refs.append((spec_field.ref, ref_id, item_path))
                    items.append(ref_id)
            if len(value) < spec_field.min_items:
                noun = NOUNS.get(spec_field.ref or "", "item")
                least = "one" if spec_field.min_items == 1 else str(spec_field.min_items)
                self.problem(path, f"{what} needs at least {least} {noun} in {name}")
                ok = False
            return tuple(items) if ok else INVALID
        if kind == "date":
            from tui.model.edtf import EDTFError, parse_edtf

            if not isinstance(value, str | int | datetime.date) or isinstance(value, bool):
                self.problem(
                    path, f"{name} must be a date such as 2017-05-09, got {describe(value)}"
                )
                return INVALID
            try:
                return parse_edtf(value)
            except EDTFError as error:
                self.problem(path, f"{name}: {error.message}")
                return INVALID
        if kind == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                got = (
                    describe(value)
                    if not isinstance(value, int) or isinstance(value, bool)
                    else str(value)
                )
                self.problem(path, f"{name} must be a whole number, zero or more, got {got}")
                return INVALID
            return value
        if kind == "amount":
            return self.amount(value, path, name)
        if kind == "currency":
            if not isinstance(value, str):
                self.problem(
                    path, f"{name} must be an ISO 4217 code such as USD, got {describe(value)}"
                )
                return INVALID
            if value not in CURRENCIES:
                hint = (
                    did_you_mean(value.upper(), CURRENCIES)
                    if value.upper() != value or len(value) != 3
                    else ""
                )
                if value.upper() in CURRENCIES:
                    hint = f"; did you mean {quote(value.upper())}?"
                self.problem(
                    path,
                    f"{quote(value)} is not an ISO 4217 currency code (such as USD or EUR){hint}",
                )
                return INVALID
            return value
        if kind == "status":
            if not isinstance(value, str) or value not in PLEDGE_STATUSES:
                shown = quote(value) if isinstance(value, str) else describe(value)
                hint = did_you_mean(value, PLEDGE_STATUSES) if isinstance(value, str) else ""
                self.problem(
                    path,
                    f"unknown pledge status {shown}{hint} (the statuses: {', '.join(PLEDGE_STATUSES)})",
                )
                return INVALID
            return value
        if kind == "data":
            return self.data(value, path, name)
        assert spec_field.spec is not None
        spec = SPECS[spec_field.spec]
        if kind == "mapping":
            return self.mapping(value, spec, path, f"the {spec.noun} of {what}")
        if kind == "list":
            if not isinstance(value, list):
                self.problem(
                    path,
                    f"{name} must be a list (lines starting with '- '), got {describe(value)}",
                )
                return INVALID
            if spec.name == "event":
                return self.events(value, path)
            items = []
            ok = True
            for index, item in enumerate(value):
                built = self.mapping(
                    item, spec, (*path, index), f"{spec.noun} {index + 1} of {what}"
                )
                if built is INVALID:
                    ok = False
                else:
                    items.append(built)
            return tuple(items) if ok else INVALID
        # kind == "registry"
        return self.registry(value, spec, spec_field.name, path)

    def query(self, value: str, path: TreePath, name: str) -> Any:
        """A saved query, parsed as the search bar parses it: a bad one is a problem here,
        at load time, not a surprise when a reader picks the view."""
        from tui.model.query.language import QueryError, parse_query

        try:
            parse_query(value)
        except QueryError as error:
            # Which character: the position is the value's, and quoting shifts the text.
            where = f" at character {error.start + 1}" if error.start < len(value) else ""
            self.problem(path, f"{name} is not a valid query{where}: {error.message}")
            return INVALID
        return value

    # ---- registries and events

    def registry(self, value: Any, spec: Mapping, name: str, path: TreePath) -> Any:
        if not isinstance(value, dict):
            self.problem(
                path, f"{quote(name)} must be a mapping of id: details, got {describe(value)}"
            )
            return INVALID
        entries: dict[str, tuple[Any, TreePath]] = {}
        for entry_id, item in value.items():
            entry_path = (*path, entry_id)
            if not self.text_key(entry_id, entry_path):
                continue
            if not self.fits(entry_id, entry_path, SLUG_LIMIT, f"{spec.noun} id"):
                continue
            if not SLUG.match(entry_id):
                self.problem(
                    entry_path,
                    f"{spec.noun} id {quote(entry_id)} must be a lowercase slug: a-z, 0-9, "
                    "'-' and '_', starting with a letter or digit",
                    at_key=True,
                )
                continue
            built = self.mapping(item, spec, entry_path, f"{spec.noun} {quote(entry_id)}", entry_id)
            if built is not INVALID:
                entries[entry_id] = (built, entry_path)
        self.part.registries[name] = entries
        return INVALID  # registries are kept in the part, not as a field value

    def events(self, value: list[Any], path: TreePath) -> Any:
        positions = self.locator.event_positions()
        spec = SPECS["event"]
        built = self.part.events = []
        for index, item in enumerate(value):
            item_path = (*path, index)
            if not isinstance(item, dict):
                self.problem(
                    item_path,
                    f"event {index + 1} must be a mapping of fields, got {describe(item)}",
                )
                continue
            raw_id = item.get("id")
            what = f"event {quote(raw_id)}" if isinstance(raw_id, str) else f"event {index + 1}"
            before = len(self.problems)
            values = self.fields(item, spec, item_path, what)
            same_as = values.get("same_as", ())
            if isinstance(raw_id, str) and raw_id in same_as:
                self.problem(
                    (*item_path, "same_as", same_as.index(raw_id)),
                    f"{what} names itself in 'same_as'; list the ids of other accounts "
                    "of the same incident",
                )
            if len(self.problems) != before:
                if isinstance(raw_id, str):
                    # Its own problems are reported; links to it should not be too.
                    self.part.broken_event_ids.add(raw_id)
                continue
            size = _text_size(item)
            if size > EVENT_TEXT_LIMIT:
                self.problem(
                    item_path,
                    f"{what} holds {size:,} characters of text; an event may hold at most "
                    f"{EVENT_TEXT_LIMIT:,} (its detail pane shows it all): shorten it, or "
                    "leave the long text to a source",
                )
                if isinstance(raw_id, str):
                    self.part.broken_event_ids.add(raw_id)
                continue
            line, col = (
                positions[index] if index < len(positions) else self.locator.locate(item_path)
            )
            values["location"] = Location(self.file, line, col)
            built.append((Event(**values), item_path))
        return INVALID  # events are kept in the part
