"""The one way log text becomes something drawable: literal, with controls made visible.

Never hand a log string to ``Static``/``Label`` directly (they parse markup: a title
``[@click=app.quit]x[/]`` would become a clickable action). Wrap it with these instead.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from tui.model.text import one_line, printable


def safe_content(text: str | None, style: str = "", *, single_line: bool = False) -> Content:
    """Log text as Textual ``Content``: never parsed as markup, controls replaced."""
    clean = (one_line if single_line else printable)(text or "")
    return Content.styled(clean, style) if style else Content(clean)


def safe_text(text: str | None, style: str = "", *, single_line: bool = False) -> Text:
    """Log text as a Rich ``Text`` (for Strips and tables): literal, controls replaced."""
    clean = (one_line if single_line else printable)(text or "")
    return Text(clean, style=style, no_wrap=single_line)
