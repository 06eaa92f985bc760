"""Display helpers for the TUI: log values as safe ``Content`` (never markup).

The words come from ``tui.model.display`` (shared with the CLI); this module adds what only
a terminal needs: styled spans and OSC 8 hyperlinks that a log cannot abuse.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.style import Style as RichStyle
from rich.text import Text
from textual.content import Content
from textual.style import Style
from textual.widget import Widget

from tui.app.kinds import kind_mark
from tui.app.safe import safe_content
from tui.model.log import Source
from tui.model.text import one_line

_LINK_SCHEMES = frozenset({"http", "https"})


def safe_link_target(url: str | None) -> str | None:
    """``url`` if it may become a terminal hyperlink, else None.

    Only http(s) URLs made of printable ASCII without spaces qualify: the target is written
    inside an OSC 8 escape sequence, so anything else (ESC, BEL, C1, spaces, ``javascript:``,
    ``file:``) is refused and the text is shown without a link.
    """
    if not url or len(url) > 2048:
        return None
    if any(not ("\x21" <= ch <= "\x7e") for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES or not parts.netloc:
        return None
    return url


def link_content(label: str, url: str | None, style: Style | None = None) -> Content:
    """``label`` (log text, shown literally) linked to ``url`` when the URL is a safe http(s) link."""
    content = safe_content(label, single_line=True)
    target = safe_link_target(url)
    if target is None:
        return content.stylize(style) if style else content
    link_style = Style(link=target)
    if style is not None:
        link_style = style + link_style
    return content.stylize(link_style)


def source_line(source: Source) -> str:
    """A source in one line of words: publisher, “title”, date (without the link)."""
    parts: list[str] = []
    if source.publisher:
        parts.append(one_line(source.publisher))
    parts.append(f"\u201c{one_line(source.title)}\u201d")
    if source.published is not None:
        parts.append(source.published.display())
    return ", ".join(parts)


def kind_content(kind_id: str, label: str) -> Content:
    """A kind as its timeline glyph (in its theme tone) and its label: ``$ Grant``.

    The glyph tells kinds apart without colour; the label (log text for added kinds) is literal.
    """
    mark = kind_mark(kind_id)
    tone = "$text-muted" if mark.tone == "muted" else f"$text-{mark.tone}"
    return Content.assemble(
        (mark.glyph, f"bold {tone}"), " ", safe_content(label, single_line=True)
    )


def part_style(widget: Widget, component: str) -> Style:
    """A component class's text style (colour, bold, italic...) for a ``Content`` span.

    Resolved against the widget's real background, so ``auto`` colours (``$text``,
    ``$text-muted``) follow a light or dark theme; the background is left out so a span
    never paints over a cursor or hover highlight.
    """
    style = widget.get_visual_style(component)
    return Style(
        foreground=style.foreground,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
    )


def part_rich_style(widget: Widget, component: str) -> RichStyle:
    """:func:`part_style` as a Rich style, for ``Text`` cells (a ``DataTable``)."""
    style = widget.get_component_rich_style(component)
    return RichStyle(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
    )


# What a cut may leave at its end before the ellipsis: a cut after "plan," reads "plan…".
_CUT_TRAILING = " \t,;:-\u2013\u2014/"


def cut_at_word(text: Text, width: int) -> Text:
    """``text`` on one line in ``width`` cells: whole if it fits, else cut at the last word
    boundary that fits and ended with an ellipsis ("Perez pledges a plan…", never "pla…").

    A first word wider than the room is cut inside it (there is no boundary to cut at).
    """
    if text.cell_len <= width:
        return text.copy()
    if width <= 1:
        return Text("\u2026"[:width], end="")
    room = width - 1  # the ellipsis takes a cell
    plain = text.plain
    used = end = 0
    for end, char in enumerate(plain):  # noqa: B007 - end is the first char that overflows
        used += cell_len(char)
        if used > room:
            break
    boundary = max(plain.rfind(" ", 0, end + 1), plain.rfind("\t", 0, end + 1))
    if boundary > 0 and plain[:boundary].rstrip(_CUT_TRAILING):
        end = boundary
    head = text.divide([end])[0]
    head.rstrip()
    while head.plain and head.plain[-1] in _CUT_TRAILING:
        head.right_crop(1)
    head.append("\u2026")
    head.no_wrap = True
    head.end = ""
    return head


class WordCut:
    """A one-line table cell cut by :func:`cut_at_word` to the width it is drawn at, so a
    column that changes width with the terminal never needs its cells rewritten."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        self.text = text

    @property
    def plain(self) -> str:
        return self.text.plain

    def __str__(self) -> str:
        return self.text.plain

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordCut) and other.text == self.text

    __hash__ = None  # type: ignore[assignment]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield cut_at_word(self.text, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, self.text.cell_len)
