"""`r`: rate the selected pledge in a small form, written to the log in place.

The form asks what ``watchline rate`` takes (status, as-of date, note, evidence) and
calls the same function, :func:`tui.model.edit.add_rating`: only the rating's lines are
added, the result is validated, the write is atomic, and it is refused if the file
changed on disk since the app loaded it. A refusal is shown in the form, with everything
the user typed kept, so nothing is lost; escape closes it without writing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Select, SelectionList, Static

from tui.model.edit import ConflictError, EditError, EditResult, NewRating, add_rating
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.log import PLEDGE_STATUSES, Collection, Event
from tui.model.pledges import status_at
from tui.model.text import one_line, printable, shown_name

__all__ = ["MAX_LISTED_SOURCES", "RateForm", "RateRequest"]

# Up to this many sources are offered as a list to tick; a bigger log takes typed ids
# (a list of thousands is slow to draw and useless to scroll).
MAX_LISTED_SOURCES = 300


@dataclass(slots=True)
class RateRequest:
    """What the form rates and where: the pledge, its file, and the app's view of that file.

    ``shown_hash`` returns the content hash of the file as the app shows it (the
    conflict check's baseline); ``on_conflict`` asks the app to reload after a refusal.
    """

    event: Event
    file: str
    collection: Collection
    as_of: datetime.date
    shown_hash: Callable[[], str | None]
    also_load: Sequence[Path] = ()
    on_conflict: Callable[[], None] | None = None
    # Called on the app's thread just before the write starts: a reload of the file that
    # lands before the form reports back is then known to be the app's own.
    on_write_start: Callable[[], None] | None = None
    on_write_failed: Callable[[], None] | None = None  # refused for another reason


def _conflict_message(file: str) -> str:
    return (
        f"{shown_name(file)} changed on disk since it was loaded (someone saved it). "
        "Nothing was written and your input is kept: the log is reloading; look at the "
        "pledge again, then press Save to rate the new version."
    )


class RateForm(ModalScreen[EditResult | None]):
    """Status, as-of date, note and evidence for one pledge; dismisses with the write's result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="rate.cancel"),
        Binding("ctrl+s", "save", "Save", id="rate.save"),
    ]

    # Compact fields: the whole form fits an 80x24 terminal.
    DEFAULT_CSS = """
    RateForm {
        align: center middle;
        & > VerticalScroll {
            width: 72; max-width: 100%; height: auto; max-height: 100%;
            border: round $accent; background: $surface; padding: 0 1;
        }
        & Label { margin-top: 1; color: $text-secondary; }
        & #rate-title { text-style: bold; }
        & #rate-now { color: $text-muted; }
        & #rate-as-of-hint { color: $text-muted; height: auto; }
        & #rate-as-of-hint.-invalid { color: $text-error; }
        & SelectionList { height: auto; max-height: 8; }
        & #rate-error { color: $text-error; height: auto; }
        & #rate-buttons { height: auto; margin-top: 1; align-horizontal: right; }
        & #rate-buttons Button { margin-left: 1; }
    }
    """

    def __init__(self, request: RateRequest) -> None:
        super().__init__()
        self.request = request
        pledge = request.event.pledge
        self._current = status_at(pledge, request.as_of)
        self._writing = False

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        request = self.request
        event = request.event
        with VerticalScroll(id="rate-dialog") as box:
            box.border_title = "Rate pledge"
            yield Static(Content(one_line(event.title)), id="rate-title")
            yield Static(
                Content(
                    f"{one_line(event.id)} in {shown_name(request.file)}: "
                    f"now {self._current} as of {request.as_of.isoformat()}"
                ),
                id="rate-now",
            )
            yield Label("Status", markup=False)
            yield Select(
                [(status, status) for status in PLEDGE_STATUSES],
                value=self._current,
                allow_blank=False,
                compact=True,
                id="rate-status",
            )
            yield Label("As of (an EDTF date: 2019-04-02, 2019-04, 2019)", markup=False)
            yield Input(request.as_of.isoformat(), compact=True, id="rate-as-of")
            yield Static("", id="rate-as-of-hint")
            yield Label("Note (optional): what the evidence shows", markup=False)
            yield Input(
                placeholder="Money obtained; cameras bought in 2019", compact=True, id="rate-note"
            )
            yield from self._evidence_fields()
            yield Static("", id="rate-error")
            with Horizontal(id="rate-buttons"):
                yield Button("Cancel", compact=True, id="rate-cancel")
                yield Button("Save", variant="primary", compact=True, id="rate-save")
        yield Footer()

    def _evidence_fields(self) -> ComposeResult:
        sources = self.request.collection.sources
        if len(sources) > MAX_LISTED_SOURCES:
            yield Label("Evidence (optional): source ids, separated by spaces", markup=False)
            yield Input(
                placeholder="ap-2019-04-02 news12-2017-12-01", compact=True, id="rate-evidence-ids"
            )
            return
        yield Label("Evidence (optional): the sources that support it", markup=False)
        # The pledge's own sources first: the evidence is often among them.
        own = [s for s in self.request.event.sources if s in sources]
        rest = sorted(s for s in sources if s not in own)
        yield SelectionList[str](
            *(
                (Content(f"{one_line(sid)}  {one_line(sources[sid].title)}"), sid)
                for sid in (*own, *rest)
            ),
            compact=True,
            id="rate-evidence",
        )

    def on_mount(self) -> None:
        self.query_one("#rate-status", Select).focus()
        self._check_as_of(self.query_one("#rate-as-of", Input).value)

    # -- checking as the user types -----------------------------------------------------------

    @on(Input.Changed, "#rate-as-of")
    def _as_of_changed(self, event: Input.Changed) -> None:
        self._check_as_of(event.value)

    def _check_as_of(self, text: str) -> str | None:
        """Show what the date means, or what is wrong with it; the normalised EDTF or None."""
        hint = self.query_one("#rate-as-of-hint", Static)
        try:
            date = parse_edtf(text.strip())
        except EDTFError as error:
            message = printable(str(error))
            if error.suggestion:
                message += f" (did you mean {printable(error.suggestion)}?)"
            hint.update(Content(message))
            hint.add_class("-invalid")
            return None
        hint.update(Content(f"means {date.display()}"))
        hint.remove_class("-invalid")
        return date.text

    # -- saving -------------------------------------------------------------------------------

    @on(Button.Pressed, "#rate-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#rate-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        if not self._writing:
            self.dismiss(None)

    def action_save(self) -> None:
        """Check the fields, then write in a thread (a big log takes a moment to validate)."""
        if self._writing:
            return
        as_of = self._check_as_of(self.query_one("#rate-as-of", Input).value)
        if as_of is None:
            self._refuse("The as-of date is not a date this log accepts; see above.")
            self.query_one("#rate-as-of", Input).focus()
            return
        status = self.query_one("#rate-status", Select).value
        if not isinstance(status, str):
            self._refuse("Choose a status.")
            return
        note = self.query_one("#rate-note", Input).value.strip() or None
        rating = NewRating(status=status, as_of=as_of, evidence=self._evidence(), note=note)
        self._set_writing(True)
        self.query_one("#rate-error", Static).update(Content("Writing..."))
        if self.request.on_write_start is not None:
            self.request.on_write_start()
        self._write(rating, self.request.shown_hash())

    def _evidence(self) -> tuple[str, ...]:
        listed = self.query(SelectionList)
        if listed:
            return tuple(listed.first(SelectionList).selected)
        text = self.query_one("#rate-evidence-ids", Input).value
        return tuple(dict.fromkeys(text.replace(",", " ").split()))

    @work(thread=True, exclusive=True, group="rate", exit_on_error=False, description="rate")
    def _write(self, rating: NewRating, expected_hash: str | None) -> None:
        request = self.request
        try:
            result = add_rating(
                request.file,
                request.event.id,
                rating,
                expected_hash=expected_hash,
                also_load=request.also_load,
            )
        except ConflictError:
            self.app.call_from_thread(self._conflict)
            return
        except EditError as error:
            self.app.call_from_thread(self._not_written, error.message)
            return
        except Exception as error:  # never a traceback: the file is untouched on any error
            self.app.call_from_thread(self._not_written, f"The rating was not written: {error}")
            return
        self.app.call_from_thread(self.dismiss, result)

    def _not_written(self, message: str) -> None:
        self._refuse(message)
        if self.request.on_write_failed is not None:
            self.request.on_write_failed()

    def _conflict(self) -> None:
        self._refuse(_conflict_message(self.request.file))
        if self.request.on_conflict is not None:
            self.request.on_conflict()

    def _refuse(self, message: str) -> None:
        """Show why nothing was written; the form and its input stay."""
        self._set_writing(False)
        self.query_one("#rate-error", Static).update(Content(printable(message)))

    def _set_writing(self, writing: bool) -> None:
        self._writing = writing
        self.query_one("#rate-save", Button).disabled = writing
