"""The query line at the top: the active query, editable with `/`, and "N of M events".

The bar only shows and edits text; the app parses and runs the query (one engine for the
TUI and the CLI) and tells the bar the outcome: a count, or an error with the span of
the query it is about, shown on a second line while the last good result stays on screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.model.text import one_line, printable

# Reads as a hint even without colour (NO_COLOR draws it like typed text).
PLACEHOLDER = 'search (e.g. agency:bpd kind:pledge "body camera")'


def events_count(shown: int, total: int) -> str:
    """ "12 of 48 events", "1 of 1 event"."""
    return f"{shown:,} of {total:,} event{'s' if total != 1 else ''}"


def showing_note(query_text: str, limit: int = 40) -> str:
    """ "(showing every event)", "(showing the last match: agency:bpd)": what stays on screen."""
    shown = one_line(query_text).strip()
    if not shown:
        return "  (showing every event)"
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"  (showing the last match: {shown})"


class QueryInput(Input):
    """The query's text field; the footer says how to leave it (every other key is text)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Search", id="query.submit"),
        Binding("escape", "app.escape", "Timeline", id="query.escape"),
    ]

    # Input sets its scrollable width from its text on every change, and Textual's own
    # reactive lays out the screen for it: a second frame after each key or facet toggle
    # (the timeline's scrollbar is redrawn after a layout). The field's size is the bar's
    # (one line, the width the count leaves), never its text's, so no layout is needed.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class QueryBar(Widget):
    """The query input with its result count, and an error line under it when it is wrong."""

    DEFAULT_CSS = """
    QueryBar {
        height: auto;
        background: $panel;
        #query-line { height: 1; }
        #query-prompt { width: 2; color: $text-accent; text-style: bold; padding: 0 0 0 1; }
        #query-input { width: 1fr; background: $panel; border: none; padding: 0; }
        #query-input:focus { background: $boost; }
        #query-count { width: auto; padding: 0 1; color: $text-muted; text-align: right; }
        #query-error { display: none; height: auto; padding: 0 1; color: $text-error; }
        &.-error #query-error { display: block; }
        &.-error #query-count { color: $text-error; }
    }
    """

    class Edited(Message):
        """The user changed the query text (each keystroke)."""

        def __init__(self, bar: QueryBar, text: str) -> None:
            super().__init__()
            self.bar = bar
            self.text = text

        @property
        def control(self) -> QueryBar:
            return self.bar

    class Done(Message):
        """The user finished editing (enter): focus goes back to the timeline."""

        def __init__(self, bar: QueryBar) -> None:
            super().__init__()
            self.bar = bar

        @property
        def control(self) -> QueryBar:
            return self.bar

    def __init__(self, query: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = query
        self._indexing = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="query-line"):
            yield Static("/", id="query-prompt")
            yield QueryInput(
                self._initial,
                placeholder=PLACEHOLDER,
                id="query-input",
                compact=True,
                select_on_focus=False,
            )
            yield Static("", id="query-count")
        yield Static("", id="query-error")

    @property
    def input(self) -> Input:
        return self.query_one("#query-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the query text without posting :class:`Edited` (the app already ran it)."""
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)

    def focus_input(self) -> None:
        # Focus now, not via Widget.focus() (which waits for the message queue): keys that
        # arrive with the `/` in one read ("/perez" typed fast, pasted, or over a slow link)
        # must go to the search input, not trigger the timeline's keys (`p` = pledges).
        self.screen.set_focus(self.input)
        self.input.cursor_position = len(self.input.value)

    def show_indexing(self, indexing: bool) -> None:
        """Whether the log's indexes are still being built (queries wait for them)."""
        self._indexing = indexing

    def show_count(self, shown: int, total: int) -> None:
        """The query is good: show how many events it keeps, clear any error."""
        was_error = self.has_class("-error")
        self.remove_class("-error")
        count = events_count(shown, total)
        widest = events_count(total, total)
        if self._indexing:
            # What is typed meanwhile is kept and runs as soon as the indexes are there.
            count = f"{count} · indexing…"
            widest = f"{widest} · indexing…"
        field = self.query_one("#query-count", Static)
        # As wide as the widest count of this log, so a new count repaints one line and
        # needs no layout of the screen (sized to its text, every change of the count's
        # length was a second layout and a second frame after a facet toggle).
        width = max(len(count), len(widest)) + field.styles.gutter.width
        if field.styles.width is None or field.styles.width.cells != width:
            field.styles.width = width
        field.update(Content(count), layout=False)
        if was_error:  # the error line shows only with -error: else it is already blank
            self.query_one("#query-error", Static).update("")

    def show_error(self, text: str, message: str, start: int, end: int, showing: str = "") -> None:
        """The query is wrong: underline the span ``start:end`` of ``text`` and say why, and
        which query's result the timeline still shows (``showing``)."""
        self.add_class("-error")
        self.query_one("#query-count", Static).update(Content("query error"))
        start = max(0, min(start, len(text)))
        end = max(start + 1, min(end, len(text)))
        shown = printable(text)
        if len(shown) != len(text):
            # Placeholders changed the lengths: fall back to the message alone.
            line = Content.assemble(("× ", "bold"), printable(message))
        else:
            padded = shown if end <= len(shown) else shown + " " * (end - len(shown))
            line = Content.assemble(
                ("× ", "bold"),
                padded[:start],
                (padded[start:end], "reverse"),
                padded[end:],
                "  ",
                printable(message),
                showing_note(showing),
            )
        self.query_one("#query-error", Static).update(line)

    @on(Input.Changed, "#query-input")
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Edited(self, event.value))

    @on(Input.Submitted, "#query-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done(self))
