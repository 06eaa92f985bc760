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
    # When the table is too wide, columns give way in this order (lowest first), each
    # down to its min_width: extras like agencies first, then the title, then the rest.
    shrink_order: int = 2
    min_width: int = 4
    max_width: int | None = None
    # Below this table width the column is left out rather than squeezed to nothing.
    drop_below: int = 0
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
    for order in sorted({column.shrink_order for column in columns}):
        for i, column in enumerate(columns):
            if excess <= 0:
                break
            if column.shrink_order == order:
                give = min(excess, widths[i] - column.min_width)
                if give > 0:
                    widths[i] -= give
                    excess -= give
    # Still too wide: the widest column gives a cell at a time, down to one.
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
    columns = [column for column in columns if width >= column.drop_below]
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
    title_col = Column("TITLE", shrink_order=1, min_width=20)
    agency_col = Column("AGENCIES", shrink_order=0, max_width=40, min_width=10, drop_below=72)
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
    if any(agency_col.cells):
        columns.append(agency_col)
    return render_table(columns, selection.width)


def render_pledges(rows: list[Any], selection: Selection) -> str:
    """One line a pledge: due, status, overdue in words, who, the promise."""
    from tui.formats.pledge_rows import row_record

    due_col = Column("DUE", max_width=20, min_width=8)
    status_col = Column("STATUS", max_width=14, min_width=6)
    overdue_col = Column("OVERDUE", max_width=28, min_width=7)
    by_col = Column("BY", shrink_order=0, max_width=22, min_width=8, drop_below=90)
    title_col = Column("PLEDGE", shrink_order=1, min_width=24)
    rated_col = Column("RATED", shrink_order=0, max_width=20, min_width=11, drop_below=120)
    for row in rows:
        record = row_record(row, selection.collection, selection.as_of)
        due_col.cells.append(one_line(record["due"] or "no due date"))
        status_col.cells.append(one_line(record["status"]))
        overdue_col.cells.append(record["overdue_text"])
        by_col.cells.append(one_line(record["by"] or ""))
        title_col.cells.append(one_line(record["title"]))
        rated_col.cells.append(one_line(record["last_rating"] or "never"))
    columns = [due_col, status_col, overdue_col, by_col, rated_col, title_col]
    return render_table(columns, selection.width)
