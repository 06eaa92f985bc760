"""The floor: the smallest Textual app (a Static and a Footer), for benchmarks/run.py.

Every time in the results table is also given as a multiple of this app's first frame
measured in the same run, so figures from a busy machine and a quiet one compare.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static


class FloorApp(App[None]):
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("The floor: a Static and a Footer")
        yield Footer()


if __name__ == "__main__":
    FloorApp().run()
