"""Folding text for search: case- and accent-insensitive, the same for a log and a query.

``fold("Pérez")`` and ``fold("PEREZ")`` are both ``"perez"``: the text is decomposed
(NFKD, so ligatures and full-width forms become plain letters too), combining marks are
dropped and the rest is case-folded (``"ß"`` becomes ``"ss"``). Runs of white space
become one space so a quoted phrase matches across line breaks in a summary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from tui.model.log import Collection, Event

# Code points known to be combining marks, as a str.translate table that deletes them;
# filled as new characters are seen (asking unicodedata once per distinct character,
# not once per character of every string, makes folding accented text 5x faster).
_MARKS: dict[int, None] = {}
_SEEN: set[str] = set()


def fold(text: str) -> str:
    """``text`` lowered, without accents, white space collapsed: the form searches compare."""
    if text.isascii():
        # The common case, and 20x cheaper: casefold() is lower() for ASCII.
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # casefold() can produce characters that decompose further ("ǰ"), so normalise after it.
    decomposed = unicodedata.normalize("NFKD", decomposed)
    new = set(decomposed) - _SEEN
    if new:
        for ch in new:
            if unicodedata.combining(ch):
                _MARKS[ord(ch)] = None
        _SEEN.update(new)
    return " ".join(decomposed.translate(_MARKS).split())


def event_agency_ids(event: Event) -> tuple[str, ...]:
    """Every agency an event involves: its ``agencies``, a grant's ends, a rollout's agency."""
    ids = list(event.agencies)
    if event.grant is not None:
        ids.extend(a for a in (event.grant.from_, event.grant.to) if a)
    if event.rollout is not None and event.rollout.agency:
        ids.append(event.rollout.agency)
    return tuple(dict.fromkeys(ids))


def event_person_ids(event: Event) -> tuple[str, ...]:
    """Every person an event involves: its ``people``, who made the pledge, who is quoted."""
    ids = list(event.people)
    if event.pledge is not None and event.pledge.by:
        ids.append(event.pledge.by)
    ids.extend(q.by for q in event.quotes if q.by)
    return tuple(dict.fromkeys(ids))


def event_source_ids(event: Event) -> tuple[str, ...]:
    """Every source an event cites: its ``sources``, its quotes' sources, ratings' evidence."""
    ids = list(event.sources)
    ids.extend(q.source for q in event.quotes if q.source)
    if event.pledge is not None:
        for rating in event.pledge.ratings:
            ids.extend(rating.evidence)
    return tuple(dict.fromkeys(ids))


# Separates the fields of one event's folded text. Not white space (fold() keeps it) and
# never in a folded query word or phrase, so no match spans the end of one field and the
# start of the next.
FIELD_SEPARATOR = "\x00"


def own_strings(event: Event) -> list[str]:
    """The event's own searchable text: what is not a name from a registry."""
    strings = [event.title, event.summary, event.place, event.note]
    strings.extend(quote.text for quote in event.quotes)
    if event.grant is not None:
        strings.append(event.grant.purpose)
    if event.rollout is not None:
        strings.append(event.rollout.unit)
        strings.extend(event.rollout.where)
    if event.pledge is not None:
        strings.extend(rating.note for rating in event.pledge.ratings)
    return [s for s in strings if s]


def fold_fields(strings: Iterable[str | None]) -> str:
    """Several fields folded into one searchable string, kept apart by FIELD_SEPARATOR."""
    return fold(FIELD_SEPARATOR.join(s for s in strings if s))


def registry_names(collection: Collection) -> dict[str, dict[str, str]]:
    """Per field, each registry entry's searchable names folded into one string.

    An event's text search also looks here: the names of its agencies and people (and
    their aliases), its topics' labels, its kind's label, its sources' titles and
    publishers. They are matched once per entry rather than once per event.
    """
    c = collection
    return {
        "agency": {a.id: fold_fields((a.name, *a.aliases)) for a in c.agencies.values()},
        "person": {p.id: fold_fields((p.name, *p.aliases)) for p in c.people.values()},
        "topic": {t.id: fold_fields((t.label,)) for t in c.topics.values()},
        "kind": {k.id: fold_fields((k.label,)) for k in c.kinds.values()},
        "source": {s.id: fold_fields((s.title, s.publisher)) for s in c.sources.values()},
    }


def event_search_text(collection: Collection, event: Event) -> str:
    """All the folded text a bare word or phrase is looked for in, for one event.

    The engine does not build this per event (it matches registry names once); this is
    the plain definition, for a single event or a test.
    """
    names = registry_names(collection)
    parts = [fold_fields(own_strings(event))]
    for field_name, ids in (
        ("kind", (event.kind,)),
        ("agency", event_agency_ids(event)),
        ("person", event_person_ids(event)),
        ("topic", event.topics),
        ("source", event_source_ids(event)),
    ):
        parts.extend(names[field_name][i] for i in ids if i in names[field_name])
    return FIELD_SEPARATOR.join(p for p in parts if p)
