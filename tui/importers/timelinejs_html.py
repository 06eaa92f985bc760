"""The text of TimelineJS HTML: paragraphs kept as blank lines, links collected.

TimelineJS headlines, texts, captions and credits are HTML fragments. They become plain
text (a log holds no markup); every ``<a href>`` is kept so the importer can cite it. The
paragraph the export writes its sources in (class ``watchline-sources``) is read for its
links but kept out of the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

# The export (tui.formats.timelinejs) puts an event's sources in a paragraph of this
# class; the importer reads its links as sources and keeps it out of the summary.
SOURCES_CLASS = "watchline-sources"

_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
)
TITLE_LIMIT = 100


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


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    """The first sentence of ``text``, cut at a word before ``limit`` with an ellipsis."""
    text = one_line(text)
    for end in (". ", "? ", "! "):
        cut = text.find(end)
        if 0 < cut < limit:
            return text[: cut + 1]
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def web_address(href: Any) -> str | None:
    """An http(s) URL (``//host/x`` made https), or None for anything else."""
    if not isinstance(href, str):
        return None
    url = href.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


_CITING_AT = re.compile(r"(?<![\w.@])@(?=[A-Za-z0-9_])")


def uncite(text: str) -> tuple[str, bool]:
    """``text`` with its inline citations (``[@id]``, :mod:`tui.model.citations`) made
    plain words (``[id]``): the ids they name are no sources of the imported log."""
    from tui.model.citations import citations

    found = citations(text)
    for citation in reversed(found):
        plain = _CITING_AT.sub("", text[citation.start : citation.end])
        text = text[: citation.start] + plain + text[citation.end :]
    return text, bool(found)


def web_links(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for href, text in links:
        url = web_address(href)
        if url is not None:  # anchors, mailto:, javascript:, relative paths: nothing to cite
            found.append((url, text))
    return found
