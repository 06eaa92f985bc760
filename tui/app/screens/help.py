"""The help screen (``?``): the keys that work right now, and the query language in brief.

The keys are the screen's real bindings (``Screen.active_bindings``, the same public API the
footer uses), read from the screen beneath as they were the moment ``?`` was pressed: once
the help is open, the app's ``check_action`` turns off the keys that make no sense over a
modal screen (``/``, ``t``, ``f``, ``p``, ``e``, ``r``), and the help must not lose them.

What a key does, in the user's words, and what it is for (its group) come from
:data:`KEY_HELP`, keyed by the action and where it is bound. A binding with no entry there
is Textual's own plumbing (focus next, copy selected text, a table's sideways paging) and
is not listed; a key that is bound nowhere cannot appear, because only bindings are read.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.style import Style
from textual.widgets import Static

from tui.app.format import part_style
from tui.model.query.table import facets_in_words


class KeyHelp(NamedTuple):
    """What a key is for (its group in the help) and what it does, in the user's words."""

    group: str
    words: str


# The groups in the order the help shows them: what the app is for first (on an 80x24
# terminal they fill the first screen of the help), then moving about.
GROUPS: tuple[str, ...] = (
    "Search",
    "Date",
    "Facets",
    "Pledges",
    "Pledge board",
    "Edit",
    "Rate",
    "Moving",
    "Reading",
    "Anywhere",
)

# (where the binding is defined, its action) -> KeyHelp. "Where" is ``#id`` of the node
# holding the binding or the name of its class or of a base class (most specific first).
# Bindings of the same group with the same words share a row ("j ↓  Next event"); rows
# keep the order of this table.
KEY_HELP: dict[tuple[str, str], KeyHelp] = {
    # Moving: the timeline, then the pledge board's table.
    ("Timeline", "cursor_down"): KeyHelp("Moving", "Next event"),
    ("Timeline", "cursor_up"): KeyHelp("Moving", "Previous event"),
    ("Timeline", "first"): KeyHelp("Moving", "First event"),
    ("Timeline", "last"): KeyHelp("Moving", "Last event"),
    ("Timeline", "page_down"): KeyHelp("Moving", "A page down"),
    ("Timeline", "page_up"): KeyHelp("Moving", "A page up"),
    ("#pledge-table", "cursor_down"): KeyHelp("Moving", "Next pledge"),
    ("#pledge-table", "cursor_up"): KeyHelp("Moving", "Previous pledge"),
    ("#pledge-table", "scroll_top"): KeyHelp("Moving", "First pledge"),
    ("#pledge-table", "scroll_bottom"): KeyHelp("Moving", "Last pledge"),
    ("#pledge-table", "page_down"): KeyHelp("Moving", "A page down"),
    ("#pledge-table", "page_up"): KeyHelp("Moving", "A page up"),
    ("#pledge-table", "cursor_left"): KeyHelp("Moving", "Scroll sideways"),
    ("#pledge-table", "cursor_right"): KeyHelp("Moving", "Scroll sideways"),
    ("#pledge-table", "scroll_home"): KeyHelp("Moving", "Left or right edge"),
    ("#pledge-table", "scroll_end"): KeyHelp("Moving", "Left or right edge"),
    # Reading: details, related links, history.
    ("Timeline", "select"): KeyHelp("Reading", "The event's details"),
    ("DetailPane", "scroll_down"): KeyHelp("Reading", "Scroll the details"),
    ("DetailPane", "scroll_up"): KeyHelp("Reading", "Scroll the details"),
    ("DetailPane", "page_down"): KeyHelp("Reading", "Page through the details"),
    ("DetailPane", "page_up"): KeyHelp("Reading", "Page through the details"),
    ("DetailPane", "scroll_home"): KeyHelp("Reading", "Top or end of the details"),
    ("DetailPane", "scroll_end"): KeyHelp("Reading", "Top or end of the details"),
    ("#detail-related", "cursor_down"): KeyHelp("Reading", "Next or previous related event"),
    ("#detail-related", "cursor_up"): KeyHelp("Reading", "Next or previous related event"),
    ("#detail-related", "select"): KeyHelp("Reading", "Go to the related event"),
    ("WatchlineApp", "link_back"): KeyHelp("Reading", "Back to where you followed a link from"),
    ("WatchlineApp", "history"): KeyHelp("Reading", "This event's history in git"),
    # Search.
    ("WatchlineApp", "search"): KeyHelp("Search", "Type a query: the timeline narrows as you type"),
    ("WatchlineApp", "clear_query"): KeyHelp("Search", "Clear the query"),
    ("WatchlineApp", "views"): KeyHelp("Search", "Saved views: pick one, its query runs"),
    ("ViewPicker", "cancel"): KeyHelp("Search", "Close the saved views"),
    # Date.
    ("WatchlineApp", "jump_to_date"): KeyHelp("Date", "Jump to a date"),
    ("Timeline", "next_month"): KeyHelp("Date", "Next or previous month"),
    ("Timeline", "previous_month"): KeyHelp("Date", "Next or previous month"),
    ("Timeline", "next_year"): KeyHelp("Date", "Next or previous year"),
    ("Timeline", "previous_year"): KeyHelp("Date", "Next or previous year"),
    # Facets: the key that opens them, and the panel's own keys.
    ("WatchlineApp", "facets"): KeyHelp("Facets", f"Narrow by {facets_in_words()}"),
    ("FacetPanel", "select"): KeyHelp("Facets", "Add or take out a value (a heading folds)"),
    ("FacetPanel", "cursor_down"): KeyHelp("Facets", "Next or previous value"),
    ("FacetPanel", "cursor_up"): KeyHelp("Facets", "Next or previous value"),
    ("FacetPanel", "page_down"): KeyHelp("Facets", "A page down or up"),
    ("FacetPanel", "page_up"): KeyHelp("Facets", "A page down or up"),
    ("FacetPanel", "first"): KeyHelp("Facets", "First or last value"),
    ("FacetPanel", "last"): KeyHelp("Facets", "First or last value"),
    # Pledges, and the board's own keys.
    ("WatchlineApp", "pledges"): KeyHelp("Pledges", "The pledge board: every pledge, rated"),
    ("#pledge-table", "select_cursor"): KeyHelp("Pledge board", "Show the pledge on the timeline"),
    ("PledgeBoard", "move_as_of(-1)"): KeyHelp("Pledge board", "As of a month earlier"),
    ("PledgeBoard", "move_as_of(1)"): KeyHelp("Pledge board", "As of a month later"),
    ("PledgeBoard", "move_as_of(-12)"): KeyHelp("Pledge board", "As of a year earlier"),
    ("PledgeBoard", "move_as_of(12)"): KeyHelp("Pledge board", "As of a year later"),
    ("PledgeBoard", "ask_as_of"): KeyHelp("Pledge board", "As of a date you type (or today)"),
    ("PledgeBoard", "next_sort"): KeyHelp("Pledge board", "Sort by the next column"),
    ("PledgeBoard", "reverse_sort"): KeyHelp("Pledge board", "Reverse the sort"),
    ("PledgeBoard", "close"): KeyHelp("Pledge board", "Back to the timeline"),
    # Edit and Rate.
    ("WatchlineApp", "edit"): KeyHelp("Edit", "Edit this event in your $EDITOR"),
    ("WatchlineApp", "rate"): KeyHelp("Rate", "Rate this pledge: status, date, evidence"),
    # Anywhere.
    ("WatchlineApp", "escape"): KeyHelp("Anywhere", "Back to the timeline"),
    ("WatchlineApp", "dismiss_problems"): KeyHelp("Anywhere", "Close the problems panel"),
    ("ProblemsPanel", "dismiss"): KeyHelp("Anywhere", "Close the problems panel"),
    ("WatchlineApp", "help"): KeyHelp("Anywhere", "This help"),
    ("App", "command_palette"): KeyHelp("Anywhere", "Every command, by name"),
    ("WatchlineApp", "quit"): KeyHelp("Anywhere", "Quit"),
    ("ProblemsScreen", "app.quit"): KeyHelp("Anywhere", "Quit"),
}
# Each row's place in the table, for the order within a group.
_RANK: dict[KeyHelp, int] = {}
for _rank, _entry in enumerate(KEY_HELP.values()):
    _RANK.setdefault(_entry, _rank)


def key_help(node: DOMNode, action: str) -> KeyHelp | None:
    """What ``action`` bound on ``node`` is for, or None when it is not for the user."""
    return help_for_binding(type(node), node.id, action)


def help_for_binding(owner: type, owner_id: str | None, action: str) -> KeyHelp | None:
    """:func:`key_help` for a binding of class ``owner`` (a node with id ``owner_id``)."""
    places = [f"#{owner_id}"] if owner_id else []
    places.extend(cls.__name__ for cls in owner.__mro__)
    for place in places:
        found = KEY_HELP.get((place, action))
        if found is not None:
            return found
    return None


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
    """The keys that work beneath, grouped by what they are for, and the query language."""

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
        """Show the keys of ``bindings_from``, read now, before the help covers it (by
        default the screen beneath, read when the help is mounted)."""
        super().__init__()
        self._beneath_bindings: dict[str, ActiveBinding] | None = (
            None if bindings_from is None else dict(bindings_from.active_bindings)
        )

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

    def _source_bindings(self) -> dict[str, ActiveBinding]:
        if self._beneath_bindings is not None:
            return self._beneath_bindings
        stack = self.app.screen_stack
        beneath: Screen | None = None
        if self in stack:
            position = stack.index(self)
            beneath = stack[position - 1] if position > 0 else None
        elif stack:
            beneath = stack[-1]
        return {} if beneath is None else dict(beneath.active_bindings)

    def binding_groups(self) -> dict[str, list[tuple[str, str]]]:
        """The keys that work on the screen beneath: group -> [(keys, what they do)].

        Only enabled bindings with an entry in :data:`KEY_HELP` are listed, in the order of
        :data:`GROUPS`; keys that do the same thing share a row.
        """
        rows: dict[KeyHelp, list[Binding]] = {}
        for active in self._source_bindings().values():
            if not active.enabled:
                continue
            found = key_help(active.node, active.binding.action)
            if found is not None:
                rows.setdefault(found, []).append(active.binding)
        groups: dict[str, list[tuple[str, str]]] = {}
        for group in GROUPS:
            for found in sorted(rows, key=_RANK.__getitem__):
                if found.group == group:
                    shown = dict.fromkeys(self.app.get_key_display(b) for b in rows[found])
                    keys = " ".join(sorted(shown, key=len))  # "q ^q", not "^q q"
                    groups.setdefault(group, []).append((keys, found.words))
        return groups

    def _keys_content(self) -> Content:
        groups = self.binding_groups()
        if not groups:
            return Content.styled("No keys are bound here.", self._style("muted"))
        width = max(len(keys) for rows in groups.values() for keys, _ in rows)
        width = min(width, 14)
        lines: list[Content] = []
        for title, rows in groups.items():
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(title, self._style("heading")))
            for keys, words in rows:
                lines.append(
                    Content.assemble(
                        ("  " + keys.ljust(width) + "  ", self._style("key")),
                        Content(words),
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


__all__ = [
    "GROUPS",
    "KEY_HELP",
    "QUERY_GUIDE",
    "HelpScreen",
    "KeyHelp",
    "help_for_binding",
    "key_help",
]
