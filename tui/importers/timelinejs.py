"""TimelineJS3 JSON as a watchline log.

TimelineJS files, as people publish them, carry numbers as strings (``"month": "05"``),
empty strings for missing parts, HTML in headlines and text, media, groups, end dates and
a title slide. Every slide becomes an event of kind ``other``: its HTML turned into plain
text (paragraph breaks kept), its ``<a href>`` links kept as sources (one source per URL),
its end date making an EDTF interval, its ``group`` a topic. The title slide gives the
log its title and description. A slide that cites no link cites the timeline itself.

A time of day (``hour``, ``minute``, ``second``, ``millisecond``) on a full date is kept:
the date becomes an EDTF date-time such as ``1900-01-06T06:45:56``, with no zone, since
TimelineJS shows times in the viewer's own. EDTF intervals join dates, not times, so a
slide with an end on another day becomes an interval of days, and the times the date
cannot hold (both ends' then, an end time on the start's day, a time on a date without a
day) are kept in the event's ``data`` as ``start_time`` / ``end_time``; nothing is dropped.

Slides that cannot become events (no start date, a year before 1 AD or after 9999, a date
that does not exist) are left out and listed as warnings; nothing is guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.importers import ImportFailure, ImportResult, read_source, slugify, unique_id
from tui.importers.yaml_writer import dump_log
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.text import shown_name

# The export (tui.formats.timelinejs) puts an event's sources in a paragraph of this
# class; the importer reads its links as sources and keeps it out of the summary.
SOURCES_CLASS = "watchline-sources"

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
)
_TITLE_LIMIT = 100


class _HTMLText(HTMLParser):
    """Collects the text of an HTML fragment (paragraphs as blank lines) and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skip_depth = 0  # inside the export's sources paragraph
        self._skip_tag: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
        elif SOURCES_CLASS in (attributes.get("class") or "").split():
            self._skip_depth, self._skip_tag = 1, tag
        if tag in _BLOCK_TAGS:
            self._break()
        elif tag == "br":
            self._current.append("\n")
        elif tag == "cite" and "".join(self._current).strip():
            # A blockquote's attribution: keep it apart from the words quoted.
            self._current.append(" — ")
        elif tag == "a":
            self._href = (attributes.get("href") or "").strip()
            self._link_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._current.append("\n")
        elif tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None
        if self._skip_depth and tag == self._skip_tag:
            self._skip_depth -= 1
        if tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._link_text.append(data)
        if not self._skip_depth:
            self._current.append(data)

    def _break(self) -> None:
        lines = "".join(self._current).split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip()
        if text:
            self.paragraphs.append(text)
        self._current = []

    def result(self) -> tuple[str, list[tuple[str, str]]]:
        self._break()
        return "\n\n".join(self.paragraphs), self.links


def html_to_text(fragment: str) -> tuple[str, list[tuple[str, str]]]:
    """Plain text of an HTML fragment (paragraphs split by blank lines) and its links."""
    parser = _HTMLText()
    parser.feed(fragment)
    parser.close()
    return parser.result()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int = _TITLE_LIMIT) -> str:
    """The first sentence of ``text``, cut at a word before ``limit`` with an ellipsis."""
    text = _one_line(text)
    for end in (". ", "? ", "! "):
        cut = text.find(end)
        if 0 < cut < limit:
            return text[: cut + 1]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _part(value: Any) -> int | None:
    """A date part as TimelineJS files give it: 1963, "1963", "05", "" or missing."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


class _SlideSkipped(Exception):
    pass


def _edtf_part(date: Any, which: str) -> str | None:
    """The EDTF text of a TimelineJS date object (``2012-01-03``, ``1978``), or None."""
    if date is None or date == "":
        return None
    if not isinstance(date, dict):
        raise _SlideSkipped(f"its {which} is not an object")
    try:
        year, month, day = (_part(date.get(name)) for name in ("year", "month", "day"))
    except ValueError as error:
        raise _SlideSkipped(f"its {which} has a part that {error}") from None
    if year is None:
        return None
    if not 1 <= year <= 9999:
        # BCE and far-future years: the log's dates run from 1 AD to 9999.
        raise _SlideSkipped(f"its {which} year {year} is outside 1-9999 (BCE is not supported)")
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    return text


def _time_part(date: Any, which: str) -> tuple[str | None, str | None]:
    """The time of day of a TimelineJS date object as ``hh:mm:ss[.mmm]``, or None; and a
    warning when it had parts that are no time (which are then left out)."""
    if not isinstance(date, dict):
        return None, None
    names = ("hour", "minute", "second", "millisecond")
    try:
        hour, minute, second, milli = (_part(date.get(name)) for name in names)
    except ValueError as error:
        return None, f"its {which} time of day dropped: a part {error}"
    if hour is None and minute is None and second is None:
        return None, None  # a millisecond alone means nothing
    hour, minute, second, milli = hour or 0, minute or 0, second or 0, milli or 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= milli <= 999):
        shown = f"{hour}:{minute:02d}:{second:02d}"
        return None, f"its {which} time of day {shown} dropped: it is not a time"
    clock = f"{hour:02d}:{minute:02d}:{second:02d}"
    return (clock + f".{milli:03d}" if milli else clock), None


@dataclass
class _SlideDate:
    """What a slide's dates become: the EDTF text, the times it could not hold, warnings."""

    text: str
    times: dict[str, str] = field(default_factory=dict)  # start_time / end_time -> hh:mm:ss
    warnings: list[str] = field(default_factory=list)


def _slide_date(slide: dict[str, Any]) -> _SlideDate:
    """The EDTF date of a slide, the times of day it keeps aside, and its warnings."""
    start = _edtf_part(slide.get("start_date"), "start_date")
    if start is None:
        raise _SlideSkipped("it has no start_date year")
    try:
        parse_edtf(start)
    except EDTFError as error:
        raise _SlideSkipped(f"its start_date is not a real date: {error.message}") from None
    result = _SlideDate(start)
    start_time, warning = _time_part(slide.get("start_date"), "start_date")
    result.warnings += [warning] if warning else []
    try:
        end = _edtf_part(slide.get("end_date"), "end_date")
    except _SlideSkipped as error:
        end = None
        result.warnings.append(f"end date dropped: {error}")
    end_time = None
    if end is not None:
        end_time, warning = _time_part(slide.get("end_date"), "end_date")
        result.warnings += [warning] if warning else []
    if end is not None and end != start:
        try:
            result.text = parse_edtf(f"{start}/{end}").text
        except EDTFError as error:
            result.warnings.append(f"end date {end} dropped: {error.message}")
            end, end_time = None, None
    if start_time is not None and "/" not in result.text and len(start) == 10:
        result.text = f"{start}T{start_time}"  # a full day: the time joins the date
        parse_edtf(result.text)  # a valid day and a valid time of day make a valid date
    elif start_time is not None:
        result.times["start_time"] = start_time
    if end_time is not None and (end != start or end_time != start_time):
        result.times["end_time"] = end_time
    return result


def _source_for_link(
    href: str, text: str, sources: dict[str, dict[str, Any]], by_url: dict[str, str]
) -> str | None:
    """The source id for a link (one source per URL), or None for a link that is no URL."""
    url = href.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # anchors, mailto:, javascript:, relative paths: nothing to cite
    if url in by_url:
        return by_url[url]
    host = parts.netloc.lower().removeprefix("www.")
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    base = slugify(f"{host} {tail}", max_length=50) or "link"
    source_id = unique_id(base, set(sources))
    sources[source_id] = {"title": text or url, "publisher": host, "url": url}
    by_url[url] = source_id
    return source_id


def _text_of(slide: dict[str, Any]) -> tuple[str, str]:
    text = slide.get("text")
    if not isinstance(text, dict):
        return "", ""
    headline = text.get("headline")
    body = text.get("text")
    return (
        headline if isinstance(headline, str) else "",
        body if isinstance(body, str) else "",
    )


def _media(slide: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """What a slide's media says: ``data`` entries, and quotes for an embedded blockquote.

    A media ``url`` is a web address (kept), a path on the timeline's own site (dropped:
    it means nothing elsewhere) or an HTML snippet, which TimelineJS shows as is; a
    ``<blockquote>`` snippet becomes a quote, any other its plain text.
    """
    media = slide.get("media")
    if not isinstance(media, dict):
        return {}, []
    data: dict[str, str] = {}
    quotes: list[dict[str, str]] = []
    url = media.get("url")
    if isinstance(url, str) and url.strip():
        url = url.strip()
        if url.startswith("//"):
            url = "https:" + url
        if urlsplit(url).scheme in ("http", "https"):
            data["media_url"] = url
        elif url.startswith("<"):
            text = html_to_text(url)[0]
            if text and "<blockquote" in url.lower():
                quotes.append({"text": _one_line(text)})
            elif text:
                data["media_text"] = _one_line(text)
    for name in ("caption", "credit"):
        value = media.get(name)
        if isinstance(value, str) and value.strip():
            plain = _one_line(html_to_text(value)[0])
            if plain:
                data[f"media_{name}"] = plain
    return data, quotes


def import_timelinejs(path: Path) -> ImportResult:
    """Convert one TimelineJS3 JSON file into a log."""
    raw = read_source(path)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFailure(f"{shown_name(path)}: not UTF-8 text: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise ImportFailure(
            f"{shown_name(path)}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ImportFailure(
            f'{shown_name(path)}: not a TimelineJS file: no "events" list at the top level'
        )

    warnings: list[str] = []
    title_slide = document.get("title")
    headline, body = _text_of(title_slide) if isinstance(title_slide, dict) else ("", "")
    title_text = _one_line(html_to_text(headline)[0])
    description = html_to_text(body)[0]
    if not title_text:
        title_text = _shorten(description) if description else path.stem.replace("-", " ")

    sources: dict[str, dict[str, Any]] = {}
    by_url: dict[str, str] = {}
    topics: dict[str, dict[str, str]] = {}
    topic_by_group: dict[str, str] = {}
    events: list[dict[str, Any]] = []
    event_ids: set[str] = set()
    file_source: str | None = None

    for number, slide in enumerate(document["events"], start=1):
        where = f"{path.name}: slide {number}"
        if not isinstance(slide, dict):
            warnings.append(f"{where} skipped: not an object")
            continue
        headline, body = _text_of(slide)
        title, title_links = html_to_text(headline)
        summary, links = html_to_text(body)
        title = _one_line(title)
        try:
            dated = _slide_date(slide)
        except _SlideSkipped as error:
            label = f" ({_shorten(title or summary, 60)})" if title or summary else ""
            warnings.append(f"{where}{label} skipped: {error}")
            continue
        warnings += [f"{where}: {note}" for note in dated.warnings]
        if not title:
            title = _shorten(summary) if summary else f"Untitled slide {number}"

        cited: list[str] = []
        for href, text in title_links + links:
            source_id = _source_for_link(href, text, sources, by_url)
            if source_id and source_id not in cited:
                cited.append(source_id)
        if not cited:
            if file_source is None:
                file_source = unique_id(
                    slugify(f"{path.stem} timeline") or "timeline", set(sources)
                )
                sources[file_source] = {
                    "title": title_text,
                    "note": f"Imported from {path.name} (a TimelineJS file); the slide cites no link.",
                }
            cited.append(file_source)

        given = slide.get("unique_id")
        base = slugify(given) if isinstance(given, str) and given.strip() else ""
        base = base or slugify(title) or f"slide-{number}"
        event: dict[str, Any] = {
            "id": unique_id(base, event_ids),
            "date": dated.text,
            "kind": "other",
            "title": title,
            "summary": summary or None,
        }
        group = slide.get("group")
        if isinstance(group, str | int) and str(group).strip():
            label = _one_line(str(group))
            if label not in topic_by_group:
                topic_id = unique_id(slugify(label) or "group", set(topics))
                topics[topic_id] = {"label": label}
                topic_by_group[label] = topic_id
            event["topics"] = [topic_by_group[label]]
        event["sources"] = cited
        media_data, quotes = _media(slide)
        event["quotes"] = quotes or None
        event["data"] = {**dated.times, **media_data} or None
        events.append(event)

    log = {
        "watchline": 1,
        "title": title_text,
        "description": description or None,
        "topics": topics or None,
        "sources": sources or None,
        "events": events,
    }
    header = (f"Imported by `watchline import timelinejs` from {path.name}.",)
    return ImportResult(dump_log(log, header), len(events), warnings)
