"""The saved views (``v``): the log's and the user's, each its label and its query; enter
puts the query in the query bar and runs it.

Labels and queries come from a log or the user's config: drawn as plain ``Content``
through :func:`~tui.app.safe.safe_content`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.format import part_style
from tui.app.safe import safe_content
from tui.model.text import printable
from tui.model.user_config import config_path
from tui.model.views import YOURS, SavedView


class ViewPicker(ModalScreen[SavedView | None]):
    """Pick a saved view: dismissed with it (enter) or with None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,v", "cancel", "Close", id="views.close"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"view-picker--query", "view-picker--origin"}

    DEFAULT_CSS = """
    ViewPicker {
        align: center middle;
        & > Vertical {
            width: 80%; max-width: 90; height: auto; max-height: 80%;
            border: round $accent; background: $surface; padding: 0 1;
        }
        & OptionList { height: auto; max-height: 20; border: none; padding: 0; }
        & #views-hint { color: $text-muted; }
        & .view-picker--query { color: $text-success; }
        & .view-picker--origin { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, views: Sequence[SavedView]) -> None:
        super().__init__()
        self._views = list(views)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Saved views"
            yield OptionList(id="views-list")
            hint = (
                "enter runs the view's query; escape closes"
                if self._views
                else printable(f"No saved views yet: add views: to the log, or to {config_path()}")
            )
            yield Static(Content(hint), id="views-hint")

    def on_mount(self) -> None:
        options = self.query_one("#views-list", OptionList)
        options.add_options(self._option(view) for view in self._views)
        options.display = bool(self._views)
        if self._views:
            options.highlighted = 0
        options.focus()

    def _option(self, view: SavedView) -> Option:
        origin = "  (yours)" if view.origin == YOURS else ""
        prompt = Content.assemble(
            safe_content(view.label, single_line=True),
            (origin, part_style(self, "view-picker--origin")),
            "\n  ",
            safe_content(view.query, single_line=True).stylize(
                part_style(self, "view-picker--query")
            ),
        )
        return Option(prompt)

    @on(OptionList.OptionSelected, "#views-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._views[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
