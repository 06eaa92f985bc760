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


def fold(text: str) -> str:
    """``text`` lowered, without accents, white space collapsed: the form searches compare."""
    if text.isascii():
        # The common case, and 20x cheaper: casefold() is lower() for ASCII.
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # casefold() can produce characters that decompose further ("ǰ"), so normalise after it.
    decomposed = unicodedata.normalize("NFKD", decomposed)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


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


def _event_strings(collection: Collection, event: Event) -> Iterable[str | None]:
    yield event.title
    yield event.summary
    yield event.place
    yield event.note
    for quote in event.quotes:
        yield quote.text
    if event.grant is not None:
        yield event.grant.purpose
    if event.rollout is not None:
        yield event.rollout.unit
        yield from event.rollout.where
    if event.pledge is not None:
        for rating in event.pledge.ratings:
            yield rating.note
    kind = collection.kinds.get(event.kind)
    yield kind.label if kind is not None else event.kind
    for agency_id in event_agency_ids(event):
        agency = collection.agencies.get(agency_id)
        if agency is not None:
            yield agency.name
            yield from agency.aliases
    for person_id in event_person_ids(event):
        person = collection.people.get(person_id)
        if person is not None:
            yield person.name
            yield from person.aliases
    for topic_id in event.topics:
        topic = collection.topics.get(topic_id)
        if topic is not None:
            yield topic.label
    for source_id in event_source_ids(event):
        source = collection.sources.get(source_id)
        if source is not None:
            yield source.title
            yield source.publisher


def event_search_text(collection: Collection, event: Event) -> str:
    """The folded text a bare word or phrase is looked for in, one line per field.

    Fields are joined with newlines, which a folded query never contains, so a phrase
    never matches across the end of one field and the start of the next.
    """
    return "\n".join(fold(s) for s in _event_strings(collection, event) if s)
