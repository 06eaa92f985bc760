"""Display helpers for the TUI: log values as safe ``Content`` (never markup).

The words come from ``tui.model.display`` (shared with the CLI); this module adds what only
a terminal needs: styled spans and OSC 8 hyperlinks that a log cannot abuse.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from rich.style import Style as RichStyle
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
