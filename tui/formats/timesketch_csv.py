"""``timesketch-csv``: the events as Timesketch CSV (:mod:`tui.formats.timesketch`)."""

from __future__ import annotations

from tui.formats import Selection
from tui.formats.timesketch import render_csv


def render_events(selection: Selection) -> str:
    """The selected events, a Timesketch row each."""
    return render_csv(selection)
