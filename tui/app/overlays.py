"""The app's own small screens: overlays for narrow terminals, jump to a date, load problems.

On a terminal narrower than 80 columns (or 24 rows and fewer) the timeline takes the whole
screen; the detail pane and the facets open over it as these screens, and escape closes
them. Every log string inside is drawn by the panes' widgets or as plain ``Content``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from tui.app.widgets.detail import DetailPane
from tui.app.widgets.facets import FacetPanel
from tui.model.asof import AsOfError, is_today, parse_as_of
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.log import Collection, Event
from tui.model.text import printable

if TYPE_CHECKING:
    from tui.model.query import Query, QueryEngine


class DetailOverlay(ModalScreen[None]):
    """The detail pane over the whole timeline (narrow terminals); escape closes it."""

    # A modal screen hides the app's bindings: the ones that make sense here come back.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="overlay.close"),
        Binding("backspace", "app.link_back", "Back", id="overlay.back"),
    ]

    DEFAULT_CSS = """
    DetailOverlay {
        align: center middle;
        & > DetailPane { width: 100%; height: 100%; border: none; }
    }
    """

    def __init__(self, event: Event | None, collection: Collection, as_of: datetime.date) -> None:
        super().__init__()
        self._event, self._collection, self._as_of = event, collection, as_of

    def compose(self) -> ComposeResult:
        yield DetailPane(id="overlay-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self._event)
        self.query_one(DetailPane).focus()

    def show(self, event: Event | None) -> None:
        """Show another event (a followed related link, or back)."""
        self._event = event
        self.query_one(DetailPane).show(event, self._collection, self._as_of)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class FacetsOverlay(ModalScreen[None]):
    """The facet panel over the timeline (under 140 columns); escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f", "dismiss", "Close", id="overlay.close"),
        Binding("c", "app.clear_query", "Clear", id="overlay.clear-query"),
    ]

    DEFAULT_CSS = """
    FacetsOverlay {
        align: left top;
        & > FacetPanel { width: 40; max-width: 100%; height: 100%; }
    }
    """

    def __init__(self, engine: QueryEngine, query: Query) -> None:
        super().__init__()
        self._engine, self._query = engine, query

    def compose(self) -> ComposeResult:
        yield FacetPanel(id="overlay-facets")
        yield Footer()

    def on_mount(self) -> None:
        panel = self.query_one(FacetPanel)
        panel.refresh_counts(self._engine, self._query)
        panel.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class JumpToDateScreen(ModalScreen[datetime.date | None]):
    """Ask for a date (EDTF or a plain date) and dismiss with its first day, or None.

    :class:`AsOfScreen` is the same prompt for the pledge board's as-of date.
    """

    TITLE = "Jump to a date"
    HINT = "enter jumps to the first event on or after it; escape cancels"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="jump.cancel"),
    ]

    DEFAULT_CSS = """
    JumpToDateScreen {
        align: center middle;
        & > Vertical {
            width: 60; max-width: 100%; height: auto;
            border: round $accent; background: $surface; padding: 0 1;
        }
        & #jump-hint { color: $text-muted; }
        & #jump-error { color: $text-error; height: auto; }
    }
    """

    def __init__(self, last: datetime.date | None = None) -> None:
        """``last``: the last day of the last event shown; a date after it is refused in place."""
        super().__init__()
        self._last = last

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.TITLE
            yield Input(placeholder="2017-05-09, 2018-06, 2019, 2018-22 ...", id="jump-input")
            yield Static(Content(self.HINT), id="jump-hint")
            yield Static("", id="jump-error")

    def on_mount(self) -> None:
        self.query_one("#jump-input", Input).focus()

    @on(Input.Submitted, "#jump-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        error_line = self.query_one("#jump-error", Static)
        try:
            day = self.read(text)
        except EDTFError as error:
            message = printable(str(error))
            if error.suggestion:
                # Offer the suggestion in place: enter again accepts it. The input now
                # reads, so the line says what it was read as, not an error that stays.
                field = self.query_one("#jump-input", Input)
                with field.prevent(Input.Changed):
                    field.value = error.suggestion
                message = printable(f"Read {text!r} as {error.suggestion}: enter accepts it")
            error_line.update(Content(message))
            return
        except AsOfError as error:
            error_line.update(Content(error.message))
            return
        if self._last is not None and day > self._last:
            from tui.model.display import day_words

            error_line.update(
                Content(
                    f"No event on or after {day_words(day)}: the last one shown is on "
                    f"{day_words(self._last)}"
                )
            )
            return
        self.dismiss(day)

    @on(Input.Changed, "#jump-input")
    def _edited(self, event: Input.Changed) -> None:
        # A message about what was typed before no longer applies once it is corrected.
        event.stop()
        self.query_one("#jump-error", Static).update("")

    def read(self, text: str) -> datetime.date:
        """The day ``text`` stands for; raises :class:`EDTFError` or :class:`AsOfError`."""
        date = parse_edtf(text)
        return date.lower if date.lower != datetime.date.min else date.upper

    def action_cancel(self) -> None:
        self.dismiss(None)


class AsOfScreen(JumpToDateScreen):
    """Ask for the date pledges are judged at, read as ``--as-of`` reads it
    (:func:`tui.model.asof.parse_as_of`: ``today``, or the last day of an EDTF date)."""

    TITLE = "Pledges as of"
    HINT = "a day, month or year (judged at its last day), or today"

    def __init__(self, current: datetime.date | None = None) -> None:
        super().__init__(last=None)
        self._current = current

    def on_mount(self) -> None:
        field = self.query_one("#jump-input", Input)
        if self._current is not None:
            field.value = self._current.isoformat()
            field.cursor_position = len(field.value)
        field.focus()

    def read(self, text: str) -> datetime.date:
        if not is_today(text):
            try:
                parse_edtf(text)
            except EDTFError as error:
                if error.suggestion:  # the prompt offers the suggestion in place
                    raise
        return parse_as_of(text)  # raises AsOfError with what to give instead


class ProblemsScreen(Screen[None]):
    """The log could not be opened: every problem, FILE:LINE:COL, and a way out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.quit", "Quit", id="problems.quit"),
    ]

    DEFAULT_CSS = """
    ProblemsScreen {
        & #problems-heading { color: $text-error; text-style: bold; padding: 1 1 0 1; }
        & #problems-list { padding: 1 1; }
    }
    """

    def __init__(self, heading: str, lines: Sequence[str]) -> None:
        super().__init__()
        self._heading = heading
        self._lines = list(lines)

    def compose(self) -> ComposeResult:
        yield Static(Content(printable(self._heading)), id="problems-heading")
        with VerticalScroll(id="problems-list"):
            yield Static(Content("\n".join(printable(line) for line in self._lines)))
        yield Footer()
