"""The command palette (ctrl+p): every action by name, an event by its title, a filter.

Added to ``App.COMMANDS`` next to Textual's system commands (theme, quit, keys). Titles
and names come from the log, so they are shown as plain ``Content`` with the fuzzy match
highlighted by hand: Textual's ``Matcher.highlight`` parses its argument as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from tui.app.keymap import active_keys
from tui.model.query.table import FACET_TABLE, facets_in_words
from tui.model.text import one_line
from tui.model.views import SavedView, saved_views

if TYPE_CHECKING:
    from tui.app.app import WatchlineApp

# How many events by title the palette lists at most: a 100k-event log must stay quick.
MAX_EVENT_HITS = 40


@dataclass(frozen=True, slots=True)
class PaletteAction:
    """An action as the palette names it: the app's, or the timeline's (``timeline.first``),
    and the binding whose key the help names (the user's key when they remapped it)."""

    name: str
    action: str
    help: str
    binding: str


ACTIONS: tuple[PaletteAction, ...] = (
    PaletteAction("Search", "search", "Edit the query", "app.search"),
    PaletteAction("Clear the query", "clear_query", "Show every event", "app.clear-query"),
    PaletteAction("Saved views", "views", "Pick a saved query: the log's and yours", "app.views"),
    PaletteAction(
        "Jump to a date",
        "jump_to_date",
        "Go to the first event on or after a date",
        "app.jump-to-date",
    ),
    PaletteAction(
        "Facets",
        "facets",
        f"Filter by {facets_in_words()}",
        "app.facets",
    ),
    PaletteAction(
        "Details",
        "details",
        "Everything about the event under the cursor",
        "timeline.select",
    ),
    PaletteAction("Back", "link_back", "Return along followed related links", "app.back"),
    PaletteAction("Pledge board", "pledges", "Every pledge with its status", "app.pledges"),
    PaletteAction("Help", "help", "Keys and the query language", "app.help"),
    PaletteAction("First event", "timeline.first", "Go to the first event", "timeline.first"),
    PaletteAction("Last event", "timeline.last", "Go to the last event", "timeline.last"),
    PaletteAction(
        "Next month",
        "timeline.next_month",
        "The first event of the next month",
        "timeline.next-month",
    ),
    PaletteAction(
        "Previous month",
        "timeline.previous_month",
        "The first event of this or the previous month",
        "timeline.previous-month",
    ),
    PaletteAction(
        "Next year", "timeline.next_year", "The first event of the next year", "timeline.next-year"
    ),
    PaletteAction(
        "Previous year",
        "timeline.previous_year",
        "The first event of this or the previous year",
        "timeline.previous-year",
    ),
)


def safe_highlight(matcher: Matcher, text: str) -> Content:
    """``text`` as literal Content, its fuzzy match with ``matcher`` highlighted."""
    clean = one_line(text)
    content = Content(clean)
    score, offsets = matcher.fuzzy_search.match(matcher.query, clean)
    if score:
        for offset in offsets:
            if not clean[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class WatchlineCommands(Provider):
    """Actions, events by title, and agency or topic filters for the command palette."""

    @property
    def watchline(self) -> WatchlineApp:
        return self.app  # type: ignore[return-value]

    def _help(self, item: PaletteAction) -> str:
        """The action's help with its key, as the footer shows it: the user's, if remapped."""
        key = active_keys(item.binding, self.watchline.user_keymap)[0]
        shown = self.app.get_key_display(Binding(key, item.action))
        return f"{item.help} ({escape(shown)})"  # help is markup; a key may be "["

    def _run(self, action: str) -> None:
        target, _, name = action.rpartition(".")
        node = self.watchline.timeline if target == "timeline" else self.app
        self.app.call_later(node.run_action, name)

    async def discover(self) -> Hits:
        for item in ACTIONS:
            yield DiscoveryHit(item.name, partial(self._run, item.action), help=self._help(item))
        for view in self._views():
            yield DiscoveryHit(
                Content(f"View: {one_line(view.label)}"),
                partial(self.watchline.set_query, view.query),
                text=f"View: {one_line(view.label)}",
            )

    def _views(self) -> list[SavedView]:
        app = self.watchline
        return saved_views(app.collection, app.user_config.views)

    def _view_hits(self, matcher: Matcher) -> Iterator[Hit]:
        for view in self._views():
            text = f"View: {one_line(view.label)}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score * 0.95,
                    safe_highlight(matcher, text),
                    partial(self.watchline.set_query, view.query),
                    text=text,
                    help="Run this saved view's query",  # no log text: help is markup
                )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for item in ACTIONS:
            score = matcher.match(item.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(item.name),  # our own words, no markup in them
                    partial(self._run, item.action),
                    text=item.name,
                    help=self._help(item),
                )
        for hit in self._view_hits(matcher):
            yield hit
        for hit in self._filter_hits(matcher):
            yield hit
        for hit in self._event_hits(query, matcher):
            yield hit

    def _filter_hits(self, matcher: Matcher) -> Iterator[Hit]:
        collection = self.watchline.collection
        if collection is None:
            return
        for spec in FACET_TABLE:
            if spec.palette is None:
                continue
            field = spec.name
            for value_id in getattr(collection, spec.palette):
                text = f"Filter by {field}: {one_line(spec.label(collection, value_id))}"
                score = matcher.match(text)
                if score > 0:
                    yield Hit(
                        score * 0.9,
                        safe_highlight(matcher, text),
                        partial(self.watchline.add_filter, field, value_id),
                        text=text,
                        help=f"Add this {field} to the query",  # no log text: help is markup
                    )

    def _event_hits(self, query: str, matcher: Matcher) -> Iterator[Hit]:
        collection = self.watchline.collection
        words = query.lower().split()
        if collection is None or not words:
            return
        found = 0
        for event in collection.events:
            title = event.title.lower()
            # A cheap substring test first: fuzzy matching every title is too slow for 100k.
            if not all(word in title for word in words):
                continue
            text = f"Go to: {one_line(event.title)}"
            score = matcher.match(text)
            if score <= 0:
                continue
            yield Hit(
                score * 0.8,
                safe_highlight(matcher, text),
                partial(self.watchline.go_to_event, event.id),
                text=text,
            )
            found += 1
            if found >= MAX_EVENT_HITS:
                return
