"""Exporters: the events (or pledges) a query selected, as text other tools read.

One module per format; each has ``render_events(selection) -> str | bytes`` and the
formats that make sense for a pledge board also ``render_pledges(rows, selection)``.
Modules are imported only when used, so ``watchline list`` (a table) does not pay for
``icalendar``.

Formats (``watchline list --format``):

``table``       aligned columns fitted to the terminal width (for people)
``json``        an array of events with the log's own field names and derived bounds/status
``csv``         one row per event, stable columns (``tui.formats.csv_format.EVENT_COLUMNS``)
``md``          a Markdown briefing with sources as numbered footnotes
``ics``         iCalendar (RFC 5545): a VEVENT per event, a VTODO per pledge
``timelinejs``  TimelineJS3 JSON, to publish a log as a web timeline
``timesketch-csv``, ``timesketch-jsonl``  Timesketch CSV / JSON Lines, for forensic timelines
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType

from tui.model.atomic import new_file_mode, write_atomically
from tui.model.log import Collection, Event
from tui.model.text import printable

# name -> module; the order is the order of --help.
EVENT_FORMATS: dict[str, str] = {
    "table": "tui.formats.table",
    "json": "tui.formats.json_format",
    "csv": "tui.formats.csv_format",
    "md": "tui.formats.markdown",
    "ics": "tui.formats.ics",
    "timelinejs": "tui.formats.timelinejs",
    "timesketch-csv": "tui.formats.timesketch_csv",
    "timesketch-jsonl": "tui.formats.timesketch_jsonl",
}
PLEDGE_FORMATS: dict[str, str] = {
    name: EVENT_FORMATS[name] for name in ("table", "json", "csv", "md")
}


@dataclass(frozen=True, slots=True)
class Selection:
    """What to export: the events a query kept, in timeline order, and its context."""

    collection: Collection
    indexes: tuple[int, ...]
    as_of: date
    query: str = ""
    # The width a table may use (the terminal's, or 100 when not a terminal).
    width: int = 100

    @property
    def events(self) -> list[Event]:
        events = self.collection.events
        return [events[i] for i in self.indexes]


def format_module(name: str, registry: dict[str, str] = EVENT_FORMATS) -> ModuleType:
    """The module that writes format ``name`` (a key of ``registry``)."""
    return importlib.import_module(registry[name])


def write_output(data: str | bytes, path: str | None) -> None:
    """Write ``data`` to ``path`` atomically, or to stdout when ``path`` is None or ``-``.

    A file is written to a temporary name beside it and renamed over it, so a reader (a
    web server, a calendar subscription) never sees half a file. Text bound for a terminal
    passes through ``printable`` first: nothing a log says can reach a terminal as a
    control sequence, whatever the format.
    """
    if path in (None, "-"):
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if sys.stdout.isatty():
            text = printable(text)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    raw = data.encode("utf-8") if isinstance(data, str) else data
    write_atomically(Path(path), raw, mode=new_file_mode())
