"""Markdown: a briefing an editor can read, paste or publish.

The log's title, the as-of date and the query; then the events by date under a heading
per year, each with its kind, title, summary, quotes as blockquotes and its sources as
numbered footnotes (``[^1]``) whose definitions, with their links, close the briefing.
A source cited by several events keeps one number; a citation inside the summary
(``[@source-id]``) becomes the same footnote mark, where the sentence cites it.

Log text is escaped, never interpreted: Markdown and HTML punctuation gets a backslash,
so a title like ``[click](javascript:...)`` or ``<script>`` is shown, not rendered, and
control characters are made visible.
"""

from __future__ import annotations

import re
from typing import Any

from tui.formats import Selection
from tui.formats.common import agency_names, citation, kind_label, pledge_state, web_url
from tui.model.citations import citations
from tui.model.display import day_words
from tui.model.log import Collection, Event
from tui.model.text import one_line, printable

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
# could start markup, a link, an HTML tag, an entity or a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#!])")
# Line starts that Markdown reads as structure: lists, quotes, headings, rules.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)


def escape(text: str) -> str:
    """Log text as literal Markdown (controls made visible, markup escaped)."""
    escaped = _SPECIAL.sub(r"\\\1", printable(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def escape_line(text: str) -> str:
    return escape(one_line(text))


def _url(url: str) -> str:
    """A URL as an autolink target: no spaces, angle brackets or controls inside."""
    clean = one_line(url).replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
    return f"<{clean}>"


class _Footnotes:
    """Numbers sources in the order they are first cited."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.numbers: dict[str, int] = {}

    def ref(self, source_id: str) -> str:
        number = self.numbers.setdefault(source_id, len(self.numbers) + 1)
        return f"[^{number}]"

    def definitions(self) -> list[str]:
        lines = []
        for source_id, number in self.numbers.items():
            source = self.collection.sources.get(source_id)
            if source is None:
                text = escape_line(source_id)
            else:
                text = escape_line(citation(source))
                url = web_url(source.url)
                if url:
                    text += f". {_url(url)}"
                elif source.url:
                    text += f". {escape_line(source.url)}"
                archived = web_url(source.archived)
                if archived:
                    text += f" (archived copy: {_url(archived)})"
                if source.accessed is not None:
                    text += f" Accessed {escape_line(source.accessed.display())}."
            lines.append(f"[^{number}]: {text}")
        return lines


def _cited(text: str, notes: _Footnotes) -> str:
    """Escaped ``text`` with its inline citations (``[@a; @b]``) as footnote marks."""
    found = citations(text)
    if not found:
        return escape(text)
    out: list[str] = []
    at = 0
    for cite in found:
        # The mark sits on the word before it, as footnote marks do.
        out.append(escape(text[at : cite.start].rstrip()))
        out.append("".join(notes.ref(key) for key in cite.keys))
        at = cite.end
    out.append(escape(text[at:]))
    return "".join(out)


def _event_lines(event: Event, selection: Selection, notes: _Footnotes) -> list[str]:
    collection = selection.collection
    lines = [f"### {escape_line(event.date.display())}: {escape_line(event.title)}", ""]
    facts = [f"*{escape_line(kind_label(collection, event.kind))}*"]
    if event.agencies:
        facts.append(escape_line(", ".join(agency_names(collection, event.agencies))))
    if event.place:
        facts.append(escape_line(event.place))
    lines += [" · ".join(facts), ""]
    state = pledge_state(event, selection.as_of)
    if state is not None and event.pledge is not None:
        status = f"**Status on {day_words(selection.as_of)}:** {escape_line(state.status)}"
        if event.pledge.due is not None:
            status += f"; due {escape_line(event.pledge.due.display())}"
        if state.overdue:
            status += f"; **{escape_line(state.overdue_text)}**"
        lines += [status, ""]
    if event.summary:
        for paragraph in event.summary.strip().split("\n\n"):
            lines += [_cited(" ".join(paragraph.split()), notes), ""]
    for quote in event.quotes:
        lines.append("> " + escape_line(quote.text))
        who = []
        if quote.by:
            person = collection.people.get(quote.by)
            who.append(person.name if person else quote.by)
        ref = notes.ref(quote.source) if quote.source else ""
        if who or ref:
            lines.append(">")
            lines.append("> — " + escape_line(", ".join(who)) + ref)
        lines.append("")
    if event.sources:
        lines += ["Sources: " + " ".join(notes.ref(s) for s in event.sources), ""]
    return lines


def render_events(selection: Selection) -> str:
    """The briefing: title, as-of date, query, events under year headings, footnotes."""
    collection = selection.collection
    notes = _Footnotes(collection)
    events = selection.events
    lines = [f"# {escape_line(collection.title)}", ""]
    summary = (
        f"As of {day_words(selection.as_of)}. {len(events)} of {len(collection.events)} events"
    )
    if selection.query.strip():
        query = one_line(selection.query).replace("`", "'")
        summary += f", filtered by `{query}`"
    lines += [summary + ".", ""]
    if collection.description:
        lines += [escape_line(collection.description), ""]
    year: int | None = None
    for event in events:
        lower = event.date.lower if event.date.lower.year > 1 else event.date.upper
        if lower.year != year:
            year = lower.year
            lines += [f"## {year}", ""]
        lines += _event_lines(event, selection, notes)
    definitions = notes.definitions()
    if definitions:
        lines += ["---", "", *definitions, ""]
    return "\n".join(lines)


def render_pledges(rows: list[Any], selection: Selection) -> str:
    """Pledges as a Markdown table: due, status, overdue, by, pledge, last rated."""
    from tui.formats.pledge_rows import row_record

    def cell(text: str | None) -> str:
        return escape_line(text or "")

    lines = [
        f"# Pledges: {escape_line(selection.collection.title)}",
        "",
        f"As of {day_words(selection.as_of)}. {len(rows)} pledges.",
        "",
        "| Due | Status | Overdue | By | Pledge | Last rated |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        record = row_record(row, selection.collection, selection.as_of)
        lines.append(
            "| "
            + " | ".join(
                [
                    cell(record["due"] or "no due date"),
                    cell(record["status"]),
                    cell(record["overdue_text"]),
                    cell(record["by"]),
                    cell(record["title"]),
                    cell(record["last_rating"] or "never"),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"
