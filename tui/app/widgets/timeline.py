"""The timeline: every event of the current query, one line each, grouped by year and month
(the rows themselves are worked out in tui/app/rows.py).

A Line-API widget (``ScrollView`` + ``render_line``): it draws only the rows on screen, so
its cost grows with the terminal, not with the log. The rows are a precomputed list of
``(row_kind, value)`` pairs (year headings, month headings and events); a rendered row is
kept in an LRU cache; a cursor step repaints the two rows that changed and nothing else.
"""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.format import cut_at_word
from tui.app.kinds import TONES, kind_mark
from tui.app.rows import (
    MAX_DATE_WIDTH,
    NARROW_DATE_WIDTH,
    ROW_EVENT,
    ROW_MONTH,
    ROW_YEAR,
    EventLabels,
    accounts_mark,
    decode_row,
    event_labels,
    one_row_per_incident,
    row_layout,
)
from tui.model.edtf import MONTH_NAMES
from tui.model.event_store import OPEN_START_YEAR
from tui.model.log import Collection
from tui.model.text import one_line

# A bar in the first column marks the cursor row, so it shows without colour too.
CURSOR_MARK = "▌"


class Timeline(ScrollView, can_focus=True, inherit_bindings=False):
    """The events of the current query, one line each, under year and month headings."""

    DEFAULT_CSS = """
    Timeline {
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
        & > .timeline--year { color: $text-accent; text-style: bold; }
        & > .timeline--rule { color: $foreground 30%; }
        & > .timeline--month { color: $text-secondary; text-style: bold; }
        & > .timeline--agencies { color: $text-muted; }
        & > .timeline--empty { color: $text-muted; text-style: italic; }
        & > .timeline--since { color: $text-warning; text-style: bold; }
        & > .timeline--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .timeline--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .timeline--tone-error { color: $text-error; }
        & > .timeline--tone-warning { color: $text-warning; }
        & > .timeline--tone-success { color: $text-success; }
        & > .timeline--tone-accent { color: $text-accent; }
        & > .timeline--tone-primary { color: $text-primary; }
        & > .timeline--tone-secondary { color: $text-secondary; }
        & > .timeline--tone-muted { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline--year",
        "timeline--rule",
        "timeline--month",
        "timeline--agencies",
        "timeline--empty",
        "timeline--since",
        "timeline--cursor",
        *(f"timeline--tone-{tone}" for tone in TONES),
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next event", show=False, id="timeline.down"),
        Binding("k,up", "cursor_up", "Previous event", show=False, id="timeline.up"),
        Binding("g,home", "first", "First event", show=False, id="timeline.first"),
        Binding("G,end", "last", "Last event", show=False, id="timeline.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="timeline.page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="timeline.page-up"),
        Binding(
            "right_square_bracket", "next_month", "Next month", show=False, id="timeline.next-month"
        ),
        Binding(
            "left_square_bracket",
            "previous_month",
            "Previous month",
            show=False,
            id="timeline.previous-month",
        ),
        Binding(
            "right_curly_bracket", "next_year", "Next year", show=False, id="timeline.next-year"
        ),
        Binding(
            "left_curly_bracket",
            "previous_year",
            "Previous year",
            show=False,
            id="timeline.previous-year",
        ),
        Binding("enter", "select", "Details", id="timeline.select"),
    ]

    cursor: reactive[int | None] = reactive(None, init=False, repaint=False)
    """The event under the cursor (an index into ``collection.events``), None when none shows."""

    class Highlighted(Message):
        """The cursor moved to another event. Bursts (holding j) collapse into the last one."""

        def __init__(self, timeline: Timeline, event_index: int | None) -> None:
            super().__init__()
            self.timeline = timeline
            self.event_index = event_index

        @property
        def control(self) -> Timeline:
            return self.timeline

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, Timeline.Highlighted) and message.timeline is self.timeline

    class Selected(Message):
        """The user chose the event under the cursor (enter, double click)."""

        def __init__(self, timeline: Timeline, event_index: int) -> None:
            super().__init__()
            self.timeline = timeline
            self.event_index = event_index

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._collection: Collection | None = None
        self._labels: EventLabels | None = None
        self._shown: list[int] = []
        self._rows: list[int] = []  # as RowLayout.rows
        self._event_rows: list[int] = []
        self._heading_rows: list[int] = []
        self._year_rows: list[int] = []
        self._strips: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        # --since: a column of marks before the date ("+" new, "~" changed), once set.
        self._marks: dict[int, str] = {}
        self._mark_column = False
        # The event the user last put the cursor on. A filter that hides it moves the
        # cursor, but the next filter that shows it again returns there: typing a query
        # letter by letter passes through queries that hide it for a moment.
        self._anchor: int | None = None

    # -- data -------------------------------------------------------------------------------

    @property
    def collection(self) -> Collection | None:
        return self._collection

    @property
    def shown(self) -> list[int]:
        """The indexes of the events on the timeline, in timeline order."""
        return self._shown

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def set_collection(self, collection: Collection, labels: EventLabels | None = None) -> None:
        """Show ``collection`` (all its events until :meth:`show` narrows them)."""
        self._collection = collection
        self._labels = labels if labels is not None else event_labels(collection)
        self._marks = {}  # by index: they belong to the collection shown before
        self.set_reactive(Timeline.cursor, None)
        self._anchor = None
        self.show(range(len(collection.events)))

    def set_marks(self, marks: dict[int, str]) -> None:
        """Mark events (by index) with a one-cell glyph in a column before their date."""
        if marks == self._marks and self._mark_column:
            return
        self._marks = marks
        self._mark_column = True
        self._strips.clear()
        self.refresh()

    @property
    def marks(self) -> dict[int, str]:
        return self._marks

    def show(self, indexes: Sequence[int]) -> None:
        """Show only the events ``indexes`` (timeline order), keeping the cursor's event.

        The cursor stays on the event the user last chose while it is shown; when it is
        filtered out, the cursor goes to the nearest shown event after it (or the last
        one); either way it is scrolled into view.
        """
        if self._collection is None:
            return
        self._shown = one_row_per_incident(self._collection, indexes)
        labels = self._labels
        if labels is None:
            layout = row_layout(self._collection, self._shown, None)
        else:
            layout = row_layout(self._collection, self._shown, labels.groups, labels.group_starts)
        self._rows, self._event_rows = layout.rows, layout.event_rows
        self._heading_rows, self._year_rows = layout.heading_rows, layout.year_rows
        self._strips.clear()
        laid_out = self._set_row_count(len(self._rows))
        old = self.cursor
        anchor = self._anchor if self._anchor is not None else old
        if not self._shown:
            new = None
        elif anchor is None:
            new = self._shown[0]
        else:
            position = min(bisect_left(self._shown, anchor), len(self._shown) - 1)
            new = self._shown[position]
        # set_reactive: the whole widget repaints below, no need for the per-line refresh.
        self.set_reactive(Timeline.cursor, new)
        self.refresh()
        if new is not None:
            if laid_out:
                # Scrolled now, the new rows and their place are drawn in one frame; after
                # the refresh it was a second frame (a whole repaint) a moment later.
                self.scroll_to_cursor()
            else:
                self.call_after_refresh(self.scroll_to_cursor)  # once the layout is done
        if new != old:
            self.post_message(self.Highlighted(self, new))

    def _set_row_count(self, rows: int) -> bool:
        """Make the scrollable height ``rows``; a layout only if the scrollbar comes or goes.
        False when a layout is needed first (only then can it scroll as it should).

        The widget's own size never depends on its rows. A layout of the screen for a new
        row count redraws the scrollbar one frame later (Textual updates scrollbars while it
        lays out), a second whole frame after every query; under an overlay (the facets at
        80x24) each frame repaints the whole screen.
        """
        size = Size(self.scrollable_content_region.width, rows)
        height = self.container_size.height
        if size == self.virtual_size:
            return height > 0
        scrollbar = self.show_vertical_scrollbar
        if height <= 0 or scrollbar != (rows > height):
            self.virtual_size = size  # not laid out yet, or the scrollbar comes or goes
            return False
        self.set_reactive(Timeline.virtual_size, size)
        if scrollbar:
            self.vertical_scrollbar.window_virtual_size = rows
        self.scroll_y = self.validate_scroll_y(self.scroll_y)  # within the new height
        return True

    def _position(self, event_index: int | None) -> int | None:
        """The place of ``event_index`` among the shown events, None if it is not shown."""
        if event_index is None:
            return None
        position = bisect_left(self._shown, event_index)
        if position < len(self._shown) and self._shown[position] == event_index:
            return position
        return None

    def row_of(self, event_index: int | None) -> int | None:
        """The row an event is drawn on, None if it is not shown."""
        position = self._position(event_index)
        return None if position is None else self._event_rows[position]

    def is_shown(self, event_index: int) -> bool:
        return self._position(event_index) is not None

    # -- the cursor ---------------------------------------------------------------------------

    def validate_cursor(self, value: int | None) -> int | None:
        # The cursor only ever stands on a shown event.
        if value is None:
            return None if not self._shown else self.cursor
        return value if self._position(value) is not None else self.cursor

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        self._anchor = new
        for event_index in (old, new):
            self._refresh_row(self.row_of(event_index))
        self.scroll_to_cursor()
        self.post_message(self.Highlighted(self, new))

    def scroll_to_cursor(self) -> None:
        """Scroll so the cursor row (and the headings right above it) is on screen.

        When the cursor leaves the view it comes back a third of the way in, not at the
        edge: Textual repaints the whole view on every scroll (about 4 KB at 80x24), so
        scrolling a line per step would cost ten times a cursor step on a slow link.
        """
        row = self.row_of(self.cursor)
        if row is None:
            return
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = row
        while top > 0 and self._rows[top - 1] < 0 and row - top < 2:
            top -= 1
        scroll_y = round(self.scroll_y)
        if top < scroll_y:
            target = min(top, max(0, row - (2 * height) // 3))
        elif row >= scroll_y + height:
            target = row - height // 3
        else:
            return
        self.scroll_to(y=target, animate=False, immediate=True)

    def _move_to_position(self, position: int) -> None:
        if self._shown:
            self.cursor = self._shown[max(0, min(position, len(self._shown) - 1))]

    def _move_to_row(self, row: int, forward: bool = True) -> None:
        """Put the cursor on the event at ``row`` or the nearest event in one direction."""
        if not self._shown:
            return
        if forward:
            position = bisect_left(self._event_rows, row)
        else:
            position = bisect_right(self._event_rows, row) - 1
        self._move_to_position(position)

    def _current_row(self) -> int:
        row = self.row_of(self.cursor)
        return 0 if row is None else row

    def action_cursor_down(self) -> None:
        position = self._position(self.cursor)
        self._move_to_position(0 if position is None else position + 1)

    def action_cursor_up(self) -> None:
        position = self._position(self.cursor)
        self._move_to_position(0 if position is None else position - 1)

    def action_first(self) -> None:
        self._move_to_position(0)

    def action_last(self) -> None:
        self._move_to_position(len(self._shown) - 1)

    def action_page_down(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self._move_to_row(min(self._current_row() + step, len(self._rows) - 1), forward=False)

    def action_page_up(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self._move_to_row(max(self._current_row() - step, 0), forward=True)

    def _jump_forward(self, headings: list[int]) -> None:
        position = bisect_right(headings, self._current_row())
        if position < len(headings):
            self._move_to_row(headings[position])

    def _jump_back(self, headings: list[int]) -> None:
        """To the first event of this group or, when already there, of the previous one."""
        row = self._current_row()
        position = bisect_left(headings, row) - 1
        if position < 0:
            return
        # Skip back over every heading whose group starts at the cursor (a year heading
        # right above a month heading starts the same group).
        while position > 0:
            first_of_group = bisect_left(self._event_rows, headings[position])
            if self._event_rows[first_of_group] != row:
                break
            position -= 1
        self._move_to_row(headings[position])

    def action_next_month(self) -> None:
        self._jump_forward(self._heading_rows)

    def action_previous_month(self) -> None:
        self._jump_back(self._heading_rows)

    def action_next_year(self) -> None:
        self._jump_forward(self._year_rows)

    def action_previous_year(self) -> None:
        self._jump_back(self._year_rows)

    def jump_to_date(self, day: datetime.date) -> bool:
        """Put the cursor on the first shown event on or after ``day`` (else the last one).

        Returns False when no event shows.
        """
        if self._collection is None or not self._shown:
            return False
        events = self._collection.events
        position = bisect_left(self._shown, day, key=lambda index: events[index].date.lower)
        self._move_to_position(min(position, len(self._shown) - 1))
        return True

    def action_select(self) -> None:
        if self.cursor is not None:
            self.post_message(self.Selected(self, self.cursor))

    # -- mouse ------------------------------------------------------------------------------

    async def _on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y
        if not 0 <= row < len(self._rows):
            return
        self._move_to_row(row)
        if event.chain >= 2:
            self.action_select()

    # -- drawing ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # A theme or CSS change recolours every row.
        self._strips.clear()
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self._refresh_cursor_row()

    def _on_blur(self, event: events.Blur) -> None:
        self._refresh_cursor_row()

    def _refresh_cursor_row(self) -> None:
        self._refresh_row(self.row_of(self.cursor))

    def _refresh_row(self, row: int | None) -> None:
        """Repaint one row: ``refresh_lines`` without the scrollbar's column.

        ``ScrollView.refresh_lines`` spans the whole widget, so the scrollbar cell of each
        changed row would be sent again too (about 30 bytes a row on every cursor step).
        """
        if row is None:
            return
        y = row - round(self.scroll_y)
        if 0 <= y < self.scrollable_content_region.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def _on_resize(self, event: events.Resize) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))
        self.call_after_refresh(self.scroll_to_cursor)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = round(self.scroll_y) + y
        base = self.rich_style
        if self._collection is None or not 0 <= row < len(self._rows):
            if row == 0 and self._collection is not None and not self._rows:
                return self._empty_line(width, base)
            return Strip.blank(width, base)
        kind, value = decode_row(self._rows[row])
        is_cursor = kind == ROW_EVENT and value == self.cursor
        key = (row, width, is_cursor, is_cursor and self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(kind, value, width, base, is_cursor)
            self._strips[key] = strip
        return strip

    def _empty_line(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("timeline--empty")
        return Strip([Segment(" No event matches the query.", style)]).crop_extend(0, width, base)

    def _render_row(self, kind: int, value: int, width: int, base: Style, cursor: bool) -> Strip:
        component = self.get_component_rich_style
        if kind == ROW_YEAR:
            label = "Open start" if value == OPEN_START_YEAR else str(value)
            year_style = base + component("timeline--year")
            rule = "─" * max(0, width - len(label) - 2)
            segments = [
                Segment(f" {label} ", year_style),
                Segment(rule, base + component("timeline--rule")),
            ]
            return Strip(segments).crop_extend(0, width, base)
        if kind == ROW_MONTH:
            year, month = divmod(value, 12)
            style = base + component("timeline--month")
            return Strip([Segment(f"  {MONTH_NAMES[month]} {year}", style)]).crop_extend(
                0, width, base
            )
        return self._render_event(value, width, base, cursor)

    def _render_event(self, index: int, width: int, base: Style, cursor: bool) -> Strip:
        assert self._collection is not None and self._labels is not None
        component = self.get_component_rich_style
        event = self._collection.events[index]
        if cursor:
            base = base + component("timeline--cursor")
        mark = kind_mark(event.kind)
        date_width = min(
            self._labels.date_width, MAX_DATE_WIDTH if width >= 90 else NARROW_DATE_WIDTH
        )
        date_text = self._labels.dates[index]
        if len(date_text) > date_width:
            # A shorter form that keeps the year; cut only when none fits.
            forms = self._labels.short_dates(index)
            date_text = next(
                (f for f in forms if len(f) <= date_width), forms[-1] if forms else date_text
            )
            if len(date_text) > date_width:
                date_text = date_text[: date_width - 1] + "…"
        agencies = self._labels.agencies[index]
        # Short names get at most a quarter of the row, and none on a very narrow one.
        agency_room = 0 if width < 50 else min(len(agencies), max(8, width // 4))
        fixed = 2 + date_width + 1 + 2  # cursor mark, space, date, space, glyph, space
        if self._mark_column:
            fixed += 1
        title_room = max(1, width - fixed - (agency_room + 1 if agency_room else 0))
        # Cut between words ("Perez pledges a plan…", never "a pla…").
        title = Text(accounts_mark(self._collection, event) + one_line(event.title), no_wrap=True)
        title = cut_at_word(title, title_room)
        title.pad_right(title_room - title.cell_len)
        # Cursor colours win over the kind's colour so the cursor row reads as one bar.
        glyph_style = base if cursor else base + component(f"timeline--tone-{mark.tone}")
        segments = [Segment(CURSOR_MARK if cursor else " ", base)]
        if self._mark_column:
            since = self._marks.get(index, " ")[:1]
            since_style = base if cursor else base + component("timeline--since")
            segments.append(Segment(since, since_style))
        segments += [
            Segment(" ", base),
            # The date in the row's own colour: fewer colour changes per row, fewer bytes
            # per cursor step on a slow link.
            Segment(date_text.ljust(date_width), base),
            Segment(" ", base),
            Segment(mark.glyph, glyph_style),
            Segment(" ", base),
            Segment(title.plain, base),
        ]
        if agency_room:
            short = Text(agencies, no_wrap=True)
            short.truncate(agency_room, overflow="ellipsis")
            agency_style = base if cursor else base + component("timeline--agencies")
            segments.append(Segment(" " + short.plain.rjust(agency_room), agency_style))
        return Strip(segments).crop_extend(0, width, base).simplify()
