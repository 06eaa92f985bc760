"""The pledge board (``p``): every pledge the current query keeps, rated as of a date.

The same rows as ``watchline pledges`` (``tui.model.pledges.pledge_rows``), in a
``DataTable`` (pledges are few, so a widget per cell is cheap). Overdue pledges are marked
in colour and in words ("overdue by 4 months"), so the board reads the same with NO_COLOR.
``t`` asks for the as-of date (what ``--as-of`` takes), ``<`` and ``>`` move it by a month
and ``{`` ``}`` by a year, re-rating every row; ``s`` cycles the sort column and ``S``
reverses it (a click on a header sorts too); enter closes the board with the chosen
pledge's event id so the app can open it.

The columns fit the width (:func:`fit_widths`): status, how overdue (always whole) and the
due date first, then By, Made and the rest as they fit; the title takes what is left, cut
at a word boundary. Columns that do not fit stay to the right, a sideways scroll away.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from dateutil.relativedelta import relativedelta
from rich.cells import cell_len
from rich.style import Style as RichStyle
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.widgets.data_table import ColumnKey

from tui.app.format import WordCut, part_rich_style
from tui.app.safe import safe_content, safe_text
from tui.model.display import day_words
from tui.model.log import PLEDGE_STATUSES, Collection
from tui.model.pledges import PledgeRow, last_rating_at, pledge_rows
from tui.model.search_text import fold


@dataclass(frozen=True, slots=True)
class BoardColumn:
    """A column of the board: its key, header, widest width in cells and sort key.

    A column is as wide as its longest cell up to ``width`` (a longer cell ends in an
    ellipsis); the board measures the rows itself (:func:`fit_widths`) rather than let the
    table re-measure a column per changed cell under ``<``/``>``. ``width`` 0: no limit.
    """

    key: str
    header: str
    width: int
    sort_key: Callable[[PledgeBoard, PledgeRow], Any]


def _status_order(status: str) -> int:
    return PLEDGE_STATUSES.index(status) if status in PLEDGE_STATUSES else len(PLEDGE_STATUSES)


COLUMNS: tuple[BoardColumn, ...] = (
    BoardColumn("status", "Status", 13, lambda b, r: _status_order(r.status)),
    BoardColumn("overdue", "Overdue", 0, lambda b, r: r.overdue_days or -1),
    BoardColumn("title", "Pledge", 60, lambda b, r: fold(r.title)),
    BoardColumn("due", "Due", 20, lambda b, r: r.due_bound or datetime.date.max),
    BoardColumn("by", "By", 22, lambda b, r: fold(r.by or "")),
    BoardColumn("made", "Made", 16, lambda b, r: b.collection.events[r.index].date.lower),
    BoardColumn("last_rating", "Last rating", 16, lambda b, r: b.rating_date(r)),
    BoardColumn("evidence", "Evidence", 30, lambda b, r: len(r.evidence)),
    BoardColumn("id", "Id", 28, lambda b, r: r.id),
)
_COLUMN_INDEX = {column.key: i for i, column in enumerate(COLUMNS)}

# Always shown, whatever the width; the title takes what they leave.
REQUIRED_COLUMNS = frozenset({"status", "overdue", "title", "due"})
TITLE_MIN = 12
"""The title's least width: under it the board scrolls sideways instead."""
TITLE_WANT = 40
"""A column after Due is shown only when the title keeps at least this much."""


def fit_widths(natural: dict[str, int], room: int, padding: int = 1) -> dict[str, int]:
    """Each column's width in cells (padding excluded) to fit ``room`` cells.

    ``natural`` is each column's width for its longest cell. Status, Overdue and Due keep
    theirs; the columns after Due follow in order while the title keeps :data:`TITLE_WANT`
    cells (the first that does not fit ends them, so what shows is never a gap); the title
    takes what is left, at least :data:`TITLE_MIN`. Columns that do not fit keep their
    natural width, to the right of the screen.
    """
    cost = {key: width + 2 * padding for key, width in natural.items()}
    left = room - sum(cost[key] for key in REQUIRED_COLUMNS if key != "title") - 2 * padding
    widths = dict(natural)
    for column in COLUMNS:
        if column.key in REQUIRED_COLUMNS:
            continue
        if left - cost[column.key] < TITLE_WANT:
            break
        left -= cost[column.key]
    widths["title"] = max(TITLE_MIN, left)
    return widths


FILL_CHUNK = 500
"""Rows added per turn of the event loop (about 0.3 ms each in a ``DataTable``)."""


AS_OF = Binding.Group("As of")
SORT = Binding.Group("Sort")


class BoardTable(DataTable[Text | WordCut]):
    """The board's table: its columns fit its width (:func:`fit_widths`) again on resize."""

    natural: dict[str, int]
    """Each column's width for its longest cell, set by the board as its rows change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.natural = {column.key: max(column.width, len(column.header) + 2) for column in COLUMNS}

    def fit(self) -> None:
        """Give each column its width for the table's width now."""
        if not self.columns or not self.size.width:
            return
        # Keep the vertical scrollbar's cells free when the rows need it (with room for a
        # sideways scrollbar, which columns to the right bring).
        header = self.header_height if self.show_header else 0
        tall = self.row_count + header > self.size.height - self.styles.scrollbar_size_horizontal
        room = self.size.width - (self.styles.scrollbar_size_vertical if tall else 0)
        widths = fit_widths(self.natural, room, self.cell_padding)
        changed = False
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and (column.width != width or column.auto_width):
                column.width, column.auto_width = width, False
                changed = True
        if changed:
            # DataTable has no public call for a new column width: this is what its own
            # width updates do (recompute the virtual size, drop the rendered rows).
            self._require_update_dimensions = True
            self._update_count += 1
            self._clear_caches()
            self.refresh()
            self.check_idle()

    def _on_resize(self, event: events.Resize) -> None:
        super()._on_resize(event)
        self.fit()


class PledgeBoard(Screen[str | None]):
    """Pledges narrowed by the current query, rated as of a date that ``<``/``>`` move."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Grouped, the footer shows "< > { } t As of  s S Sort": it fits 80 columns.
        Binding(
            "less_than_sign", "move_as_of(-1)", "Month back", id="pledges.earlier", group=AS_OF
        ),
        Binding("greater_than_sign", "move_as_of(1)", "Month on", id="pledges.later", group=AS_OF),
        Binding(
            "left_curly_bracket",
            "move_as_of(-12)",
            "Year back",
            id="pledges.year-earlier",
            group=AS_OF,
        ),
        Binding(
            "right_curly_bracket", "move_as_of(12)", "Year on", id="pledges.year-later", group=AS_OF
        ),
        Binding("t", "ask_as_of", "As of", id="pledges.as-of", group=AS_OF),
        Binding("s", "next_sort", "Sort", id="pledges.sort", group=SORT),
        Binding("S", "reverse_sort", "Reverse", id="pledges.reverse", group=SORT),
        Binding("escape,q", "close", "Back", id="pledges.close"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pledge-board--overdue",
        "pledge-board--kept",
        "pledge-board--broken",
        "pledge-board--stalled",
        "pledge-board--muted",
    }

    DEFAULT_CSS = """
    PledgeBoard {
        & > #pledge-heading { height: auto; padding: 0 1; background: $panel; }
        & > #pledge-table { height: 1fr; }
        & > #pledge-empty { height: 1fr; padding: 1 2; color: $text-muted; display: none; }
        & .pledge-board--overdue { color: $text-error; text-style: bold; }
        & .pledge-board--kept { color: $text-success; }
        & .pledge-board--broken { color: $text-error; }
        & .pledge-board--stalled { color: $text-warning; }
        & .pledge-board--muted { color: $text-muted; }
    }
    """

    def __init__(
        self,
        collection: Collection,
        as_of: datetime.date,
        event_indexes: Iterable[int] | None = None,
        *,
        query_text: str = "",
        name: str | None = None,
        id: str | None = None,
    ) -> None:
        """Show the pledges among ``event_indexes`` (the current query's result; all when
        None), judged at ``as_of``; ``query_text`` is shown in the heading."""
        super().__init__(name=name, id=id)
        self.collection: Collection = collection
        self.event_indexes: Sequence[int] | None = (
            None if event_indexes is None else list(event_indexes)
        )
        self.as_of = as_of
        self.query_text = query_text
        self.sort_column = "made"
        self.sort_reverse = False
        self.rows: list[PledgeRow] = []
        self._by_id: dict[str, PledgeRow] = {}
        self._id_cells: dict[int, str] = {}  # id() of each row's id cell -> the event id
        self._generation = 0  # bumped by each full rebuild; stops an older fill
        self.filled = 0
        """How many rows are in the table so far (all of them once the fill is done)."""

    def compose(self) -> ComposeResult:
        yield Static(id="pledge-heading")
        yield BoardTable(id="pledge-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="pledge-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pledge-table", BoardTable)
        for column in COLUMNS:
            table.add_column(Text(column.header), width=table.natural[column.key], key=column.key)
        self.refresh_rows()
        table.focus()
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        # Cells carry the theme's colours: list them again once the new theme has applied.
        def relist() -> None:
            self._by_id = {}
            self.refresh_rows()

        self.call_after_refresh(relist)

    # ---- data -------------------------------------------------------------------------

    def rating_date(self, row: PledgeRow) -> datetime.date:
        """The date the rating in force was given (its lower bound), for sorting."""
        rating = last_rating_at(self.collection.events[row.index].pledge, self.as_of)
        return datetime.date.min if rating is None else rating.as_of.lower

    def refresh_rows(self) -> None:
        """Re-rate every pledge at :attr:`as_of`, sort, and redraw; the cursor stays on its pledge.

        When the pledges are the ones already shown (a new as-of date, a new sort), only the
        cells whose text changed are rewritten and the rows are reordered in place: adding
        rows to a ``DataTable`` costs about 0.3 ms each, too slow to redo 10,000 of them on
        every ``<`` or ``>``.
        """
        table = self.query_one("#pledge-table", BoardTable)
        keep = self.highlighted_event_id
        rows = pledge_rows(self.collection, self.as_of, self.event_indexes)
        column = COLUMNS[_COLUMN_INDEX[self.sort_column]]
        # Sort by the column, then timeline order, so equal keys keep a stable, sensible order.
        rows.sort(key=lambda r: r.index)
        rows.sort(key=lambda r: column.sort_key(self, r), reverse=self.sort_reverse)
        previous = self._by_id
        self.rows = rows
        self._by_id = {row.id: row for row in rows}
        if rows and previous.keys() == self._by_id.keys() and table.row_count == len(rows):
            for row in rows:
                old = previous[row.id]
                if row == old:
                    continue
                new_cells, old_cells = self._cells(row), self._cells(old)
                for key, cell in new_cells.items():
                    if cell != old_cells[key]:
                        table.update_cell(row.id, key, cell)
            position = {row.id: i for i, row in enumerate(rows)}
            # The id cell (never rewritten) tells the sort which pledge a row holds.
            table.sort("id", key=lambda cell: position[self._id_cells[id(cell)]])
        else:
            table.clear()
            self._id_cells = {}
            self._generation += 1
            self._fill(self._generation, 0)
        for col in COLUMNS:
            arrow = (" \u2193" if self.sort_reverse else " \u2191") if col is column else ""
            table.columns[col.key].label = Text(col.header + arrow)  # type: ignore[index]
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        empty = self.query_one("#pledge-empty", Static)
        empty.update(
            "No pledges among the events the query keeps."
            if self.event_indexes is not None
            else "This log has no pledges."
        )
        empty.display = not self.rows
        table.display = bool(self.rows)
        self._measure(table)
        self._update_heading()

    def _measure(self, table: BoardTable) -> None:
        """Each column's width for its longest cell now, and the table fitted to them."""
        text: dict[str, Callable[[PledgeRow], str]] = {
            "status": lambda r: r.status,
            "overdue": lambda r: r.overdue_words() if r.overdue else "no due date",
            "due": lambda r: r.due or "\u2014",
            "by": lambda r: r.by or "\u2014",
            "made": lambda r: r.made,
            "last_rating": lambda r: r.last_rating or "not rated",
        }
        natural = dict(table.natural)
        for column in COLUMNS:
            read = text.get(column.key)
            if read is None:
                continue
            # The header with room for the sort arrow, and the longest cell.
            widest = max((cell_len(read(row)) for row in self.rows), default=0)
            widest = max(widest, len(column.header) + 2)
            natural[column.key] = min(widest, column.width) if column.width else widest
        table.natural = natural
        table.fit()

    def _fill(self, generation: int, start: int) -> None:
        """Add rows ``start`` onwards, :data:`FILL_CHUNK` at a time, yielding between chunks.

        A log with thousands of pledges shows its first screen at once and stays responsive
        while the rest arrive; a newer :meth:`refresh_rows` (``generation``) stops this one.
        """
        if generation != self._generation or not self.is_attached:
            return
        table = self.query_one("#pledge-table", DataTable)
        end = min(start + FILL_CHUNK, len(self.rows))
        for row in self.rows[start:end]:
            cells = self._cells(row)
            self._id_cells[id(cells["id"])] = row.id
            table.add_row(*(cells[col.key] for col in COLUMNS), key=row.id)
        self.filled = end
        if end < len(self.rows):
            self.call_later(self._fill, generation, end)
        self._update_heading()

    @property
    def highlighted_event_id(self) -> str | None:
        """The event id of the pledge under the cursor, if any."""
        if not self.is_mounted:
            return None
        table = self.query_one("#pledge-table", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key
        return None if key.value is None else str(key.value)

    def _style(self, part: str) -> RichStyle:
        return part_rich_style(self, f"pledge-board--{part}")

    def _status_style(self, row: PledgeRow) -> RichStyle | str:
        if row.overdue:
            return self._style("overdue")
        if row.status in ("kept", "compromise"):
            return self._style("kept")
        if row.status == "broken":
            return self._style("broken")
        if row.status == "stalled":
            return self._style("stalled")
        return ""

    def _cells(self, row: PledgeRow) -> dict[str, Text | WordCut]:
        """The row's cells by column key, as literal text (never markup)."""
        muted = self._style("muted")
        overdue = (
            _styled(safe_text(row.overdue_words(), single_line=True), self._style("overdue"))
            if row.overdue
            else Text("no" if row.due else "no due date", style=muted)
        )
        evidence = "; ".join(self._evidence_label(source_id) for source_id in row.evidence)
        cells: dict[str, Text | WordCut] = {
            "status": _styled(safe_text(row.status, single_line=True), self._status_style(row)),
            "overdue": overdue,
            "title": WordCut(safe_text(row.title, single_line=True)),
            "due": safe_text(row.due or "\u2014", single_line=True),
            "by": safe_text(row.by or "\u2014", single_line=True),
            "made": safe_text(row.made, single_line=True),
            "last_rating": safe_text(row.last_rating or "not rated", single_line=True),
            "evidence": safe_text(evidence or "\u2014", single_line=True),
            "id": _styled(safe_text(row.id, single_line=True), muted),
        }
        return {key: _cut(cell) if isinstance(cell, Text) else cell for key, cell in cells.items()}

    def _evidence_label(self, source_id: str) -> str:
        source = self.collection.sources.get(source_id)
        if source is None:
            return source_id
        return source.publisher or source.title

    def _update_heading(self) -> None:
        overdue = sum(1 for row in self.rows if row.overdue)
        count = f"{len(self.rows):,} pledge{'s' if len(self.rows) != 1 else ''}"
        if self.filled < len(self.rows):
            count = f"{count} (listing {self.filled:,}\u2026)"
        column = COLUMNS[_COLUMN_INDEX[self.sort_column]]
        arrow = "\u2193" if self.sort_reverse else "\u2191"
        parts: list[Content | tuple[str, str] | str] = [
            ("Pledges as of ", "bold"),
            (day_words(self.as_of), "bold"),
            f" \u00b7 {count}, {overdue:,} overdue \u00b7 by {column.header.lower()} {arrow}",
        ]
        if self.query_text.strip():
            parts.extend([" \u00b7 query: ", safe_content(self.query_text, single_line=True)])
        self.query_one("#pledge-heading", Static).update(Content.assemble(*parts))
        self.title = f"Pledges as of {day_words(self.as_of)}"
        self.sub_title = f"{count}, {overdue:,} overdue"

    # ---- actions ----------------------------------------------------------------------

    def action_move_as_of(self, months: int) -> None:
        """Move the as-of date by ``months`` and re-rate every pledge."""
        moved = self.as_of + relativedelta(months=months)
        self.as_of = moved
        self.refresh_rows()

    def action_ask_as_of(self) -> None:
        """Ask for the as-of date (what ``--as-of`` takes) and re-rate every pledge."""
        from tui.app.overlays import AsOfScreen

        def chosen(day: datetime.date | None) -> None:
            if day is not None and day != self.as_of:
                self.as_of = day
                self.refresh_rows()

        self.app.push_screen(AsOfScreen(self.as_of), chosen)

    def action_next_sort(self) -> None:
        """Sort by the next column (ascending)."""
        index = (_COLUMN_INDEX[self.sort_column] + 1) % len(COLUMNS)
        self.sort_column = COLUMNS[index].key
        self.sort_reverse = False
        self.refresh_rows()

    def action_reverse_sort(self) -> None:
        """Reverse the sort order."""
        self.sort_reverse = not self.sort_reverse
        self.refresh_rows()

    def action_close(self) -> None:
        """Back to the timeline without opening a pledge."""
        self.dismiss(None)

    @on(DataTable.HeaderSelected, "#pledge-table")
    def _sort_by_header(self, message: DataTable.HeaderSelected) -> None:
        key = str(message.column_key.value)
        if key == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = key, False
        self.refresh_rows()

    @on(DataTable.RowSelected, "#pledge-table")
    def _open(self, message: DataTable.RowSelected) -> None:
        message.stop()
        if message.row_key.value is not None:
            self.dismiss(str(message.row_key.value))


def _styled(text: Text, style: RichStyle | str) -> Text:
    """``text`` with ``style`` over all of it (log text stays literal: no markup parsed)."""
    if style:
        text.stylize(style)
    return text


def _cut(text: Text) -> Text:
    """A cell that ends in an ellipsis when its column is too narrow."""
    text.overflow = "ellipsis"
    text.no_wrap = True
    return text


__all__ = ["COLUMNS", "BoardColumn", "PledgeBoard"]
