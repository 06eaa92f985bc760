"""The URLs a collection cites: each source's ``url`` and ``archived``, and who cites it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tui.model.log import Collection

__all__ = ["Citation", "CitedUrl", "cited_urls", "citing_events", "is_web_url"]


@dataclass(frozen=True, slots=True)
class Citation:
    """One place a URL is written: source ``source_id``'s field ``field`` (url, archived)."""

    source_id: str
    field: str


@dataclass(frozen=True, slots=True)
class CitedUrl:
    """A URL, the source fields that hold it and the events that cite those sources."""

    url: str
    citations: tuple[Citation, ...]
    events: tuple[str, ...]


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http(s) URL with a host: the only kind watchline fetches."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def citing_events(collection: Collection) -> dict[str, tuple[str, ...]]:
    """Each source id -> the ids of the events that cite it (sources, quotes, evidence)."""
    found: dict[str, dict[str, None]] = {}
    for event in collection.events:
        ids = list(event.sources)
        ids.extend(quote.source for quote in event.quotes if quote.source)
        if event.pledge is not None:
            for rating in event.pledge.ratings:
                ids.extend(rating.evidence)
        for source_id in ids:
            found.setdefault(source_id, {})[event.id] = None
    return {source_id: tuple(events) for source_id, events in found.items()}


def cited_urls(collection: Collection) -> list[CitedUrl]:
    """Every distinct URL of the collection's sources, in the registry's order."""
    places: dict[str, list[Citation]] = {}
    for source_id, source in collection.sources.items():
        for field in ("url", "archived"):
            url = getattr(source, field)
            if url:
                places.setdefault(url, []).append(Citation(source_id, field))
    events = citing_events(collection)
    result = []
    for url, citations in places.items():
        cited_by: dict[str, None] = {}
        for citation in citations:
            cited_by.update(dict.fromkeys(events.get(citation.source_id, ())))
        result.append(CitedUrl(url, tuple(citations), tuple(cited_by)))
    return result
