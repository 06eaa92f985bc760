"""A small Textual app that stands in for the watchline TUI until the real one runs.

It shows what a served session needs checked: the log's title, the terminal size (it
redraws on resize), its argv and whether WATCHLINE_SERVED is set.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Footer, Static


def _title(paths: list[str]) -> str:
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            match = re.search(r"^title:\s*(.+)$", path.read_text(encoding="utf-8"), re.M)
            if match:
                return match.group(1).strip()
    return "no title"


class StandIn(App[None]):
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        args = sys.argv[1:]
        yield Static(_title([a for a in args if not a.startswith("-")]), markup=False)
        yield Static(
            f"served={os.environ.get('WATCHLINE_SERVED', '-')} argv={' '.join(args)}",
            markup=False,
        )
        yield Static("", id="size", markup=False)
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#size", Static).update(f"size {event.size.width}x{event.size.height}")


if __name__ == "__main__":
    StandIn().run()
