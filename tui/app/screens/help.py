"""The help screen (``?``): the keys that work right now, and the query language in brief.

The keys are read from the screen beneath the help (``Screen.active_bindings``, the same
public API the footer uses), so a binding the app adds or a keymap changes shows here with
no list to keep in step. They are grouped by where they are defined (the focused widget,
the screen, the app) and by ``Binding.group`` when a binding has one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.style import Style
from textual.widgets import Static

from tui.app.format import part_style

# The query language in brief: (example, what it does). Our own text, never log text.
QUERY_GUIDE: tuple[tuple[str, str], ...] = (
    ("body camera", "events whose text has both words (title, summary, place, quotes, names)"),
    ('"body camera"', "the exact phrase"),
    ("agency:bpd", "an agency by id, name or alias"),
    ("kind:pledge,grant", "either kind (a comma means OR)"),
    ("topic:training person:perez", "both (terms are AND-ed)"),
    ("-kind:statement", "leave out (a leading minus negates)"),
    ("from:2017-06 to:2018", "a date range (EDTF or plain dates)"),
    ("year:2018", "events in a year"),
    ("status:overdue", "pledges overdue at the as-of date (also kept, broken, stalled, ...)"),
)


class HelpScreen(ModalScreen[None]):
    """Keys grouped by where they work, and a short guide to the query language."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "help-screen--heading",
        "help-screen--key",
        "help-screen--example",
        "help-screen--muted",
    }

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > #help-box {
            width: 90%;
            max-width: 100;
            height: 90%;
            border: round $border;
            border-title-color: $text-accent;
            background: $surface;
            padding: 0 1;
        }
        & > #help-box > Static { width: 1fr; }
        & .help-screen--heading { text-style: bold; color: $text-accent; }
        & .help-screen--key { text-style: bold; color: $text-primary; }
        & .help-screen--example { color: $text-success; }
        & .help-screen--muted { color: $text-muted; }
    }
    """

    def __init__(self, bindings_from: Screen | None = None) -> None:
        """Show the keys of ``bindings_from`` (by default the screen the help opened over)."""
        super().__init__()
        self._bindings_from = bindings_from

    def compose(self) -> ComposeResult:
        box = VerticalScroll(id="help-box")
        box.border_title = "Help"
        box.border_subtitle = "escape, q or ? closes"
        with box:
            yield Static(id="help-keys")
            yield Static(id="help-query")

    def on_mount(self) -> None:
        self.query_one("#help-keys", Static).update(self._keys_content())
        self.query_one("#help-query", Static).update(self._query_content())
        self.query_one("#help-box").focus()

    async def action_dismiss(self, result: None = None) -> None:
        """Close the help."""
        self.dismiss(result)

    def _style(self, part: str) -> Style:
        return part_style(self, f"help-screen--{part}")

    def _source_screen(self) -> Screen | None:
        if self._bindings_from is not None:
            return self._bindings_from
        stack = self.app.screen_stack
        if self in stack:
            position = stack.index(self)
            return stack[position - 1] if position > 0 else None
        return stack[-1] if stack and stack[-1] is not self else None

    def binding_groups(self) -> dict[str, list[tuple[str, str]]]:
        """The keys that work on the screen beneath: group title -> [(keys, description)]."""
        screen = self._source_screen()
        if screen is None:
            return {}
        by_action: dict[tuple[str, str], list[Binding]] = defaultdict(list)
        titles: dict[tuple[str, str], str] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.system or not binding.description:
                continue
            title = binding.group.description if binding.group else self._group_title(active.node)
            key = (title, binding.action)
            by_action[key].append(binding)
            titles[key] = title
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, bindings in by_action.items():
            keys = " ".join(dict.fromkeys(self.app.get_key_display(b) for b in bindings))
            groups.setdefault(titles[key], []).append((keys, bindings[0].description))
        return groups

    def _group_title(self, node: DOMNode) -> str:
        if node.BINDING_GROUP_TITLE:
            return node.BINDING_GROUP_TITLE
        if node is self.app:
            return "Anywhere"
        if isinstance(node, Screen):
            return "This screen"
        return node.__class__.__name__

    def _keys_content(self) -> Content:
        lines: list[Content] = [Content.styled("Keys", self._style("heading"))]
        groups = self.binding_groups()
        if not groups:
            lines.append(Content.styled("No keys are bound here.", self._style("muted")))
        width = max((len(keys) for rows in groups.values() for keys, _ in rows), default=0)
        width = min(width, 18)
        for title, rows in groups.items():
            lines.append(Content(""))
            lines.append(Content.styled(title, self._style("muted")))
            for keys, description in rows:
                lines.append(
                    Content.assemble(
                        ("  " + keys.ljust(width) + "  ", self._style("key")),
                        Content(description),
                    )
                )
        return Content("\n").join(lines)

    def _query_content(self) -> Content:
        lines: list[Content] = [
            Content(""),
            Content.styled("The query line (/)", self._style("heading")),
            Content(
                "Type words to narrow the timeline as you type. Terms are AND-ed; values of "
                "one field joined by commas are OR-ed; a leading minus leaves out. Matching "
                "ignores case and accents."
            ),
            Content(""),
        ]
        width = max(len(example) for example, _ in QUERY_GUIDE)
        for example, meaning in QUERY_GUIDE:
            lines.append(
                Content.assemble(
                    ("  " + example.ljust(width) + "  ", self._style("example")),
                    Content(meaning),
                )
            )
        lines.append(Content(""))
        lines.append(
            Content.styled(
                "A query that does not parse shows its error in place; the last good result stays.",
                self._style("muted"),
            )
        )
        return Content("\n").join(lines)


__all__ = ["QUERY_GUIDE", "HelpScreen"]
