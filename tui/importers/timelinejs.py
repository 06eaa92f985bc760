"""TimelineJS3 JSON as a watchline log.

TimelineJS files, as people publish them, carry numbers as strings (``"month": "05"``),
empty strings for missing parts, HTML in headlines and text, media, groups, end dates,
eras, locations and a title slide. Both layouts are read: ``{"title", "events", "eras"}``
and the older ``{"timeline": {"slides": [...]}}``.

Every slide becomes an event of kind ``other``: its HTML turned into plain text (paragraph
breaks kept), its links and its media's web address (``media.url``, ``media.link``) kept as
sources (one source per URL), its end date making an EDTF interval, its time of day a
date-time (:mod:`tui.importers.timelinejs_dates`), its ``group`` a topic, its
``location`` (name, lat, lon) its ``place``. An era becomes an event of kind ``era`` over
its span. The title slide gives the log its title and description, and its links and
media become the source that stands for the timeline itself, which a slide without a link
of its own cites.

A file written by ``watchline list -F timelinejs`` carries every event in the log's own
form on its slide and the registries at its top (``"watchline": {...}``); those are
preferred, after the checks of :mod:`tui.importers.native`, so export then import gives
back the same log. A slide without that object (added in TimelineJS later) is read as any
slide. If the embedded form does not make a valid log, it is set aside with the reasons
and the file is read as plain TimelineJS.

What could not be carried (a thumbnail, a background, map settings, a site-relative media
path...) is listed, one line per kind with the count and the slide numbers; slides that
cannot become events (no start date, a year outside 1-9999) are left out and listed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.importers import ImportFailure, ImportResult, read_source, slugify, unique_id
from tui.importers.native import NativeInvalid, checked_log
from tui.importers.timelinejs_html import (
    html_to_text,
    one_line,
    shorten,
    uncite,
    web_address,
    web_links,
)
from tui.importers.timelinejs_losses import Losses, slide_losses, top_losses
from tui.importers.timelinejs_native import from_extension
from tui.model.text import shown_name

__all__ = ["html_to_text", "import_timelinejs"]

ERA_KIND = "era"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_document(path: Path) -> Any:
    """The parsed JSON of ``path``, or :class:`ImportFailure` naming the line at fault."""
    raw = read_source(path)
    try:
        return json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise ImportFailure(f"{shown_name(path)}: not UTF-8 text: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise ImportFailure(
            f"{shown_name(path)}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from error
    except (ValueError, RecursionError) as error:
        raise ImportFailure(
            f"{shown_name(path)}: not valid JSON: {error or 'nested too deep'}"
        ) from None


def _layout(document: Any, path: Path) -> dict[str, Any]:
    """The timeline's own object: the document, or its ``timeline`` in the older layout,
    with its slides under ``events``."""
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        return document
    inner = document.get("timeline") if isinstance(document, dict) else None
    if isinstance(inner, dict):
        slides = inner.get("slides", inner.get("events"))
        if isinstance(slides, list):
            return {**{k: v for k, v in inner.items() if k != "slides"}, "events": slides}
    raise ImportFailure(
        f'{path.name}: not a TimelineJS file: no "events" list at the top level '
        '(nor a "timeline" with "slides")'
    )


def _text_of(slide: dict[str, Any]) -> tuple[str, str]:
    text = slide.get("text")
    if not isinstance(text, dict):
        return "", ""
    headline, body = text.get("headline"), text.get("text")
    return (
        headline if isinstance(headline, str) else "",
        body if isinstance(body, str) else "",
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no coordinate


def _coordinate(value: Any) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def place_of(location: Any) -> tuple[str | None, bool]:
    """``"Florida, Missouri (39.491711, -91.79326)"`` from a slide's ``location`` (the
    name, the coordinates as written, or both); and whether it gave coordinates that are
    none (those are then left out)."""
    if not isinstance(location, dict):
        return None, False
    name = location.get("name")
    name = one_line(name) if isinstance(name, str) else ""
    lat, lon = location.get("lat"), location.get("lon")
    given = any(value not in (None, "") for value in (lat, lon))
    coords = ""
    north, east = _number(lat), _number(lon)
    if north is not None and east is not None and -90 <= north <= 90 and -180 <= east <= 180:
        coords = f"{_coordinate(lat)}, {_coordinate(lon)}"
    bad = given and not coords
    if name and coords:
        return f"{name} ({coords})", bad
    return (name or coords or None), bad


class TimelineImport:
    """One file's conversion: the registries it builds, its events and what it loses."""

    def __init__(self, path: Path, losses: Losses) -> None:
        self.path = path
        self.losses = losses
        self.warnings: list[str] = []
        self.sources: dict[str, dict[str, Any]] = {}
        self.by_url: dict[str, str] = {}
        self.topics: dict[str, dict[str, Any]] = {}
        self.topic_by_group: dict[str, str] = {}
        self.kinds: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.labels: list[str] = []
        self.event_ids: set[str] = set()
        self.title = path.stem.replace("-", " ")
        self.description: str | None = None
        self.file_source: str | None = None
        self.file_url: str | None = None

    def cite(self, url: str, title: str, publisher_note: str | None = None) -> str:
        """The source id for a web address (one source per URL)."""
        if url in self.by_url:
            return self.by_url[url]
        parts = urlsplit(url)
        host = parts.netloc.lower().removeprefix("www.")
        tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
        base = slugify(f"{host} {tail}", max_length=50) or "link"
        source_id = unique_id(base, set(self.sources))
        entry: dict[str, Any] = {"title": title or url, "publisher": host, "url": url}
        if publisher_note:
            entry["note"] = publisher_note
        self.sources[source_id] = entry
        self.by_url[url] = source_id
        return source_id

    def timeline_source(self) -> str:
        """The source that stands for the timeline itself (its title slide's link)."""
        if self.file_source is None:
            base = slugify(f"{self.path.stem} timeline") or "timeline"
            self.file_source = unique_id(base, set(self.sources))
            entry: dict[str, Any] = {"title": self.title}
            if self.file_url:
                entry["url"] = self.file_url
            entry["note"] = f"Imported from {self.path.name} (a TimelineJS file)."
            self.sources[self.file_source] = entry
        return self.file_source

    def read_title(self, slide: Any) -> None:
        if not isinstance(slide, dict):
            return
        headline, body = _text_of(slide)
        title_text, title_links = html_to_text(headline)
        description, links = html_to_text(body)
        self.description = description or None
        self.title = one_line(title_text) or (shorten(description) if description else self.title)
        given = slide.get("media")
        media: dict[str, Any] = given if isinstance(given, dict) else {}
        hrefs = [media.get("url"), media.get("link")] + [href for href, _ in title_links + links]
        told = []
        for name in ("caption", "credit"):
            if isinstance(media.get(name), str):
                text, credit_links = html_to_text(media[name])
                told += [one_line(text)] if text.strip() else []
                hrefs += [href for href, _ in credit_links]
        urls = list(dict.fromkeys(url for url in map(web_address, hrefs) if url))
        if urls or told:
            self.file_url = urls[0] if urls else None
            source = self.sources[self.timeline_source()]
            if told:
                source["note"] += f" Its title slide's media: {' — '.join(told)}."
            for url in urls[1:]:
                self.cite(url, url, f"Linked from the title slide of {self.path.name}.")

    def _media(self, slide: dict[str, Any], label: str, title: str) -> tuple[list[str], Any]:
        """Sources of a slide's media, its ``data`` entries and quotes."""
        media = slide.get("media")
        if not isinstance(media, dict):
            return [], ({}, [])
        cited: list[str] = []
        data: dict[str, str] = {}
        quotes: list[dict[str, str]] = []
        caption = (
            one_line(html_to_text(media.get("caption") or "")[0])
            if isinstance(media.get("caption"), str)
            else ""
        )
        for key in ("url", "link"):
            value = media.get(key)
            if not isinstance(value, str) or not value.strip():
                continue
            url = web_address(value)
            if url is not None:
                cited.append(self.cite(url, caption or title))
            elif value.strip().startswith("<"):
                text, links = html_to_text(value)
                if text and "<blockquote" in value.lower():
                    quotes.append({"text": one_line(text)})
                elif text:
                    data["media_text"] = one_line(text)
                cited += [self.cite(u, t or u) for u, t in web_links(links)]
            else:
                self.losses.add(f"media.{key} that is no web address (a path on its site)", label)
        for name in ("caption", "credit"):
            value = media.get(name)
            if isinstance(value, str) and value.strip():
                plain, links = html_to_text(value)
                if plain.strip():
                    data[f"media_{name}"] = one_line(plain)
                cited += [self.cite(url, text) for url, text in web_links(links)]
        return cited, (data, quotes)

    def add_slide(self, slide: Any, label: str, number: int, kind: str = "other") -> None:
        """One slide (or era) as an event, or a warning saying why it is left out."""
        from tui.importers.timelinejs_dates import SlideSkipped, slide_date

        where = f"{self.path.name}: {label}"
        if not isinstance(slide, dict):
            self.warnings.append(f"{where} skipped: not an object")
            return
        headline, body = _text_of(slide)
        title, title_links = html_to_text(headline)
        summary, links = html_to_text(body)
        title = one_line(title)
        try:
            dated = slide_date(slide)
        except SlideSkipped as error:
            shown = f" ({shorten(title or summary, 60)})" if title or summary else ""
            self.warnings.append(f"{where}{shown} skipped: {error}")
            return
        self.warnings += [f"{where}: {note}" for note in dated.warnings]
        (title, cited_title), (summary, cited_summary) = uncite(title), uncite(summary)
        if cited_title or cited_summary:
            self.losses.add("inline citations [@id] as citations (kept as the text [id])", label)
        if not title:
            title = shorten(summary) if summary else f"Untitled {label}"
        cited: list[str] = []
        for url, text in web_links(title_links + links):
            cited.append(self.cite(url, text))
        media_cited, (media_data, quotes) = self._media(slide, label, title)
        cited += media_cited
        cited = list(dict.fromkeys(cited)) or [self.timeline_source()]
        given = slide.get("unique_id")
        base = slugify(given) if isinstance(given, str) and given.strip() else ""
        base = base or slugify(title) or f"{kind}-{number}"
        event: dict[str, Any] = {
            "id": unique_id(base, self.event_ids),
            "date": dated.text,
            "kind": kind,
            "title": title,
            "summary": summary or None,
        }
        group = slide.get("group")
        if isinstance(group, str | int) and not isinstance(group, bool) and str(group).strip():
            event["topics"] = [self._topic(one_line(str(group)))]
        place, bad_coordinates = place_of(slide.get("location"))
        event["place"] = place
        if bad_coordinates:
            self.losses.add("location lat/lon that are not coordinates", label)
        event["sources"] = cited
        event["quotes"] = [{"text": uncite(q["text"])[0]} for q in quotes] or None
        event["data"] = {**dated.times, **media_data} or None
        if kind == ERA_KIND:
            self.kinds.setdefault(ERA_KIND, {"label": "Era"})
        self.events.append(event)
        self.labels.append(label)

    def _topic(self, label: str) -> str:
        if label not in self.topic_by_group:
            topic_id = unique_id(slugify(label) or "group", set(self.topics))
            self.topics[topic_id] = {"label": label}
            self.topic_by_group[label] = topic_id
        return self.topic_by_group[label]

    def header(self) -> dict[str, Any]:
        return {
            "#": [f"Imported by `watchline import timelinejs` from {self.path.name}."],
            "watchline": 1,
            "title": self.title,
            "description": self.description,
            "topics": self.topics or None,
            "sources": self.sources or None,
            "kinds": self.kinds or None,
        }


def plain_import(timeline: dict[str, Any], path: Path, losses: Losses) -> TimelineImport:
    """Every slide and era of ``timeline`` read as TimelineJS shows it."""
    job = TimelineImport(path, losses)
    job.read_title(timeline.get("title"))
    for number, slide in enumerate(timeline["events"], start=1):
        job.add_slide(slide, f"slide {number}", number)
    eras = timeline.get("eras")
    if isinstance(eras, list):
        for number, era in enumerate(eras, start=1):
            job.add_slide(era, f"era {number}", number, kind=ERA_KIND)
    return job


def finish(
    job: TimelineImport, header: dict[str, Any], losses: Losses, embedded: bool = False
) -> ImportResult:
    """The import's result once the loader accepts the log (:func:`checked_log`)."""
    text, count, left_out = checked_log(header, job.events, job.labels, job.path.name, embedded)
    return ImportResult(text, count, job.warnings + left_out + losses.lines())


def import_timelinejs(path: Path) -> ImportResult:
    """Convert one TimelineJS3 JSON file into a log."""
    timeline = _layout(read_document(path), path)
    extension = timeline.get("watchline")
    if extension is not None:
        losses = Losses()
        try:
            job, header = from_extension(timeline, path, losses)
            return finish(job, header, losses, embedded=True)
        except (NativeInvalid, ImportFailure) as error:
            set_aside = (
                f"{path.name}: the watchline extension object was not used ({error}); "
                "the file is read as plain TimelineJS"
            )
        result = import_plain(timeline, path)
        result.warnings.insert(0, set_aside)
        return result
    return import_plain(timeline, path)


def import_plain(timeline: dict[str, Any], path: Path) -> ImportResult:
    losses = Losses()
    top_losses(timeline, losses)
    for number, slide in enumerate(timeline["events"], start=1):
        slide_losses(slide, f"slide {number}", losses)
    job = plain_import(timeline, path, losses)
    return finish(job, job.header(), losses)
