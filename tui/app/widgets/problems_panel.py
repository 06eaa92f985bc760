"""The problems of a save that broke the log, under the last good timeline.

When a reload finds problems, the timeline keeps showing the last version that loaded;
this panel, docked at the bottom of the screen, lists what is wrong as
``FILE:LINE:COL: error: MESSAGE`` (the same lines ``watchline validate`` prints) so the
person editing can fix it. It clears itself when the file loads again, and the user can
dismiss it (``x``, or escape while it has focus).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tui.model.text import printable

__all__ = ["ProblemsPanel"]

# More than this many problems: the rest are counted, not listed (validate lists them all).
MAX_LISTED = 200


class ProblemsPanel(Vertical, can_focus=True):
    """Docked at the bottom: a heading and the problems, one a line, scrollable."""

    DEFAULT_CSS = """
    ProblemsPanel {
        dock: bottom;
        height: auto;
        max-height: 40%;
        background: $error-muted;
        border-top: heavy $error;
        padding: 0 1;
        & > #problems-panel-heading { color: $text-error; text-style: bold; }
        & > VerticalScroll { height: auto; max-height: 10; }
        & #problems-panel-lines { color: $foreground; }
        &:focus { border-top: heavy $accent; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,x", "dismiss", "Dismiss", id="problems-panel.dismiss"),
    ]

    class Dismissed(Message):
        """The user closed the panel (the problems are still in the file)."""

        def __init__(self, panel: ProblemsPanel) -> None:
            super().__init__()
            self.panel = panel

        @property
        def control(self) -> ProblemsPanel:
            return self.panel

    def __init__(self, problems: Sequence[str], *, id: str | None = "problems-panel") -> None:
        super().__init__(id=id)
        self._problems: list[str] = list(problems)

    @property
    def problems(self) -> list[str]:
        """The problem lines shown (already printable)."""
        return list(self._problems)

    def compose(self) -> ComposeResult:
        yield Static(Content(self._heading()), id="problems-panel-heading")
        with VerticalScroll():
            yield Static(Content(self._body()), id="problems-panel-lines")

    def show(self, problems: Sequence[str]) -> None:
        """Replace the problems listed (the file was saved again, still broken)."""
        self._problems = [printable(line) for line in problems]
        if self.is_mounted:
            self.query_one("#problems-panel-heading", Static).update(Content(self._heading()))
            self.query_one("#problems-panel-lines", Static).update(Content(self._body()))

    def on_mount(self) -> None:
        self._problems = [printable(line) for line in self._problems]
        self.show(self._problems)

    def _heading(self) -> str:
        count = len(self._problems)
        noun = "problem" if count == 1 else "problems"
        return (
            f"The log has {count} {noun} since the last save; showing the last version "
            "that loaded. Fix and save to reload (x dismisses)."
        )

    def _body(self) -> str:
        lines = self._problems[:MAX_LISTED]
        hidden = len(self._problems) - len(lines)
        if hidden > 0:
            lines = [*lines, f"... and {hidden} more (watchline validate lists them all)"]
        return "\n".join(lines)

    def action_dismiss(self) -> None:
        """Close the panel; focus goes back where the keys were."""
        self.post_message(self.Dismissed(self))
        self.remove()
