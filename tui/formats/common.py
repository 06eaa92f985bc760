"""Pieces every exporter shares: labels, citations, bounds and pledge state as of a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from tui.model.log import Collection, Event, Source


def iso_bound(day: date) -> str | None:
    """A bound as ISO text; None for an open end (``date.min``/``date.max``)."""
    if day in (date.min, date.max):
        return None
    return day.isoformat()


def kind_label(collection: Collection, kind: str) -> str:
    found = collection.kinds.get(kind)
    return found.label if found else kind


def agency_names(collection: Collection, ids: tuple[str, ...]) -> list[str]:
    names = []
    for agency_id in ids:
        agency = collection.agencies.get(agency_id)
        names.append(agency.name if agency else agency_id)
    return names


def person_names(collection: Collection, ids: tuple[str, ...]) -> list[str]:
    names = []
    for person_id in ids:
        person = collection.people.get(person_id)
        names.append(person.name if person else person_id)
    return names


def topic_labels(collection: Collection, ids: tuple[str, ...]) -> list[str]:
    labels = []
    for topic_id in ids:
        topic = collection.topics.get(topic_id)
        labels.append(topic.label if topic else topic_id)
    return labels


def citation(source: Source) -> str:
    """``Title, Publisher, 1 Dec 2017`` (without the URL)."""
    parts = [source.title]
    if source.author:
        parts.append(source.author)
    if source.publisher:
        parts.append(source.publisher)
    if source.published is not None:
        parts.append(source.published.display())
    return ", ".join(parts)


def event_sources(collection: Collection, event: Event) -> list[Source]:
    """The event's sources in the order it cites them (unknown ids left out)."""
    return [collection.sources[s] for s in event.sources if s in collection.sources]


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, else None.

    Exports only ever make links of web URLs: a ``javascript:`` or ``file:`` URL in a log
    stays visible text, never something a reader's app would follow.
    """
    if not url:
        return None
    clean = url.strip()
    try:
        scheme = urlsplit(clean).scheme.lower()
    except ValueError:
        return None
    return clean if scheme in ("http", "https") else None


def first_url(collection: Collection, event: Event) -> str | None:
    """The first web link among the event's sources."""
    for source in event_sources(collection, event):
        url = web_url(source.url)
        if url:
            return url
    return None


@dataclass(frozen=True, slots=True)
class PledgeState:
    """A pledge's standing on the as-of date."""

    status: str
    overdue: bool
    overdue_days: int | None
    overdue_text: str  # "overdue by 4 months", or "" when not overdue


def pledge_state(event: Event, as_of: date) -> PledgeState | None:
    """Status and overdue of ``event``'s pledge at ``as_of``; None when it is no pledge."""
    if event.pledge is None:
        return None
    from tui.model.pledges import describe_overdue, due_bound, overdue_days, status_at

    days = overdue_days(event, as_of)
    text = "" if days is None else describe_overdue(days, due=due_bound(event.pledge))
    return PledgeState(status_at(event.pledge, as_of), days is not None, days, text)
