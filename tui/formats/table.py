"""Aligned plain-text tables for people at a terminal, fitted to its width.

No colour and no markup: the same bytes go to a terminal, a pipe or a file, so NO_COLOR
and pipes need nothing special. Every string from a log passes through
``tui.model.text.one_line`` (controls made visible, white space folded), and a cell too
long for its column is cut with "…" measured in terminal cells (wide characters count 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len

from tui.formats import Selection
from tui.formats.common import kind_label
from tui.model.display import agency_short_name
from tui.model.text import one_line

GAP = "  "
ELLIPSIS = "…"


@dataclass(slots=True)
class Column:
    """One column: its header, its cells, and how it may shrink."""

    header: str
    cells: list[str] = field(default_factory=list)
    flex: bool = False  # shrinks first (the title)
    min_width: int = 4
    max_width: int | None = None
    align_right: bool = False


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, ending with "…" when it was cut."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    out: list[str] = []
    used = 0
    for char in text:
        char_width = cell_len(char)
        if used + char_width > width - 1:
            break
        out.append(char)
        used += char_width
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space


def _widths(columns: Sequence[Column], width: int) -> list[int]:
    widths = []
    for column in columns:
        natural = max([cell_len(column.header), *map(cell_len, column.cells)])
        if column.max_width is not None:
            natural = min(natural, max(column.max_width, cell_len(column.header)))
        widths.append(natural)
    excess = sum(widths) + len(GAP) * (len(columns) - 1) - width
    # The flexible column gives way first, then the widest of the others, one cell at a time.
    for i, column in enumerate(columns):
        if excess <= 0:
            break
        if column.flex:
            give = min(excess, widths[i] - column.min_width)
            if give > 0:
                widths[i] -= give
                excess -= give
    while excess > 0:
        candidates = [i for i, column in enumerate(columns) if widths[i] > max(column.min_width, 1)]
        if not candidates:
            break  # narrower than every minimum: let the terminal wrap
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def render_table(columns: Sequence[Column], width: int) -> str:
    """The columns as aligned text no wider than ``width`` where the minimums allow."""
    widths = _widths(columns, width)
    rows = len(columns[0].cells) if columns else 0
    lines = []
    header = GAP.join(
        _pad(truncate(c.header, w), w, c.align_right) for c, w in zip(columns, widths, strict=True)
    )
    lines.append(header.rstrip())
    for r in range(rows):
        line = GAP.join(
            _pad(truncate(c.cells[r], w), w, c.align_right)
            for c, w in zip(columns, widths, strict=True)
        )
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def render_events(selection: Selection) -> str:
    """DATE, KIND, TITLE, AGENCIES: one line an event."""
    collection = selection.collection
    date_col = Column("DATE", max_width=24, min_width=8)
    kind_col = Column("KIND", max_width=14, min_width=5)
    title_col = Column("TITLE", flex=True, min_width=20)
    agency_col = Column("AGENCIES", max_width=40, min_width=8)
    for event in selection.events:
        date_col.cells.append(one_line(event.date.display()))
        kind_col.cells.append(one_line(kind_label(collection, event.kind)))
        title_col.cells.append(one_line(event.title))
        names = []
        for agency_id in event.agencies:
            agency = collection.agencies.get(agency_id)
            names.append(agency_short_name(agency) if agency else agency_id)
        agency_col.cells.append(one_line(", ".join(names)))
    columns = [date_col, kind_col, title_col]
    if any(agency_col.cells) and selection.width >= 60:
        columns.append(agency_col)
    return render_table(columns, selection.width)


def render_pledges(rows: list[Any], selection: Selection) -> str:
    """One line a pledge: due, status, overdue in words, who, the promise."""
    from tui.formats.pledge_rows import row_record

    due_col = Column("DUE", max_width=20, min_width=8)
    status_col = Column("STATUS", max_width=14, min_width=6)
    overdue_col = Column("OVERDUE", max_width=28, min_width=7)
    by_col = Column("BY", max_width=22, min_width=6)
    title_col = Column("PLEDGE", flex=True, min_width=20)
    rated_col = Column("RATED", max_width=20, min_width=5)
    for row in rows:
        record = row_record(row, selection.collection, selection.as_of)
        due_col.cells.append(one_line(record["due"] or "no due date"))
        status_col.cells.append(one_line(record["status"]))
        overdue_col.cells.append(record["overdue_text"])
        by_col.cells.append(one_line(record["by"] or ""))
        title_col.cells.append(one_line(record["title"]))
        rated_col.cells.append(one_line(record["last_rating"] or "never"))
    columns = [due_col, status_col, overdue_col, by_col, title_col, rated_col]
    return render_table(columns, selection.width)
