"""The naive design, for comparison in benchmarks/run.py: every event in an OptionList.

    python benchmarks/naive_app.py LOG.yaml

It loads with the same loader as watchline (so the comparison is of the screen, not the
parser), then puts one option per event in a Textual ``OptionList``; typing in the
search box refilters by a plain substring scan and refills the list; ``f`` toggles a
filter on one kind (a stand-in for a facet). This is how a first version is usually
written, and what the Line-API timeline and the indexed query engine are measured against.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Footer, Input, OptionList

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.model.load import load_paths
from tui.model.log import Event
from tui.model.text import one_line


class NaiveApp(App[None]):
    BINDINGS: ClassVar = [
        ("slash", "search", "Search"),
        ("f", "facet", "Kind"),
        ("q", "quit", "Quit"),
    ]
    CSS = "OptionList { height: 1fr; }"

    def __init__(self, events: list[Event]) -> None:
        super().__init__()
        self.events = events
        self.rows = [f"{event.date.display():>14}  {one_line(event.title)}" for event in events]
        self.folded = [row.casefold() for row in self.rows]
        self.kind_filter: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search", id="search")
        yield OptionList(*(Text(row) for row in self.rows), id="events")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_facet(self) -> None:
        self.kind_filter = None if self.kind_filter else "shooting"
        self.refill()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill()

    def refill(self) -> None:
        needle = self.query_one(Input).value.casefold()
        kind = self.kind_filter
        shown = [
            Text(row)
            for row, folded, event in zip(self.rows, self.folded, self.events, strict=True)
            if needle in folded and (kind is None or event.kind == kind)
        ]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(shown)


def main() -> None:
    result = load_paths(sys.argv[1:])
    if result.collection is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1)
    NaiveApp(result.collection.events).run()


if __name__ == "__main__":
    main()
