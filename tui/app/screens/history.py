"""The whole history of one event (``h`` with ``--since REV``): every commit that touched
it, oldest first, with its author, date and message and each field's old and new value.

Every string from the log or from git (titles, values, names, messages) is drawn through
``safe_content``: controls are made visible, nothing is read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import Static

from tui.app.format import part_style
from tui.app.safe import safe_content
from tui.model.history.since import HistoryEntry
from tui.model.log import Event


class EventHistoryScreen(ModalScreen[None]):
    """Every change to one event, commit by commit; escape, q or h closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,h", "dismiss", "Close", id="history.close"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "history-screen--commit",
        "history-screen--muted",
    }

    DEFAULT_CSS = """
    EventHistoryScreen {
        align: center middle;
        & > #history-box {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: round $border;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & > #history-box > Static { width: 1fr; }
        & .history-screen--commit { text-style: bold; color: $text-primary; }
        & .history-screen--muted { color: $text-muted; }
    }
    """

    def __init__(self, event: Event, entries: Sequence[HistoryEntry], since: str) -> None:
        super().__init__()
        self._event = event
        self._entries = list(entries)
        self._since = since

    def compose(self) -> ComposeResult:
        box = VerticalScroll(id="history-box")
        box.border_title = "History"
        box.border_subtitle = "escape, q or h closes"
        with box:
            yield Static(id="history-body")

    def on_mount(self) -> None:
        self.query_one("#history-body", Static).update(self.content())
        self.query_one("#history-box").focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

    def _style(self, part: str) -> Style:
        return part_style(self, f"history-screen--{part}")

    def content(self) -> Content:
        event = self._event
        muted = self._style("muted")
        lines: list[Content] = [
            safe_content(event.title, single_line=True).stylize("bold"),
            Content.styled(f"{event.id} · marks against {self._since}", muted),
        ]
        if not self._entries:
            lines += [Content(""), Content.styled("No commit touched it yet.", muted)]
        for entry in self._entries:
            lines.append(Content(""))
            lines.extend(self._entry(entry))
        return Content("\n").join(lines)

    def _entry(self, entry: HistoryEntry) -> list[Content]:
        commit, change = entry.commit, entry.change
        if commit is None:
            head = Content.styled("Not committed (the working copy)", self._style("commit"))
        else:
            head = safe_content(
                f"{commit.short}  {commit.date:%Y-%m-%d %H:%M}  {commit.author}", single_line=True
            ).stylize(self._style("commit"))
        lines = [head]
        if commit is not None and commit.message:
            lines.append(safe_content(f"  {commit.message}", single_line=True))
        if change.action == "added":
            lines.append(Content("    first seen: " + "added to the log"))
        elif change.action == "removed":
            lines.append(Content("    removed from the log"))
        for field in change.fields:
            lines.append(
                safe_content(f"    {field.field}: {field.old} → {field.new}", single_line=True)
            )
        for rating in change.ratings:
            lines.append(
                safe_content(
                    f"    rating {rating.action} as of {rating.as_of}: {rating.old} → {rating.new}",
                    single_line=True,
                )
            )
        return lines
