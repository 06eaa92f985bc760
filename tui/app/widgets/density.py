"""The density strip: one line showing when the events of the current query happened.

Each event weighs 1, spread evenly over the days its date allows ("2017" weighs 1/365 on
each day of 2017; "9 May 2017" puts all its weight on one day), so a vague date widens
the picture instead of piling onto 1 January. The cursor's place is marked; the first and
last years are written at the ends.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from textual import work
from textual.geometry import Region
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget

from tui.app.kinds import density_ramp
from tui.model.log import Collection

# "2015 " before the strip and " 2021" after it.
_LABEL_WIDTH = 5
# Above this many shown events the strip is counted in a thread: counting takes about
# 10-30 ms per 100k (benchmarks/bench_keys.py), within a keystroke's budget below this.
THREAD_OVER = 250_000
# While a search is typed on a large log the strip keeps its last line and recounts once
# the keys pause this long: each count holds the GIL for tens of milliseconds (in its
# thread), time the next keystroke would otherwise wait for.
RECOUNT_DELAY = 0.12


def density(
    collection: Collection, shown: Sequence[int], bins: int
) -> tuple[list[float], datetime.date, datetime.date] | None:
    """The weight of the shown events in ``bins`` equal spans of time, with the span's ends.

    Returns None when no shown event has a bounded date. The events' spans are counted in
    C (:meth:`Collection.day_spans`), and the arithmetic done once per distinct span: about
    10 ms for 100k events, where a loop over the events took 80-170 ms.
    """
    table = collection.day_spans()
    spans = table.spans
    counted: list[tuple[int, int, int]] = []  # (first day, last day, events)
    for number, count in Counter(map(table.span_of.__getitem__, shown)).items():
        span = spans[number]
        if span is not None:  # span 0: no bounded day
            counted.append((*span, count))
    if not counted or bins <= 0:
        return None
    first = min(start for start, _, _ in counted)
    last = max(end for _, end, _ in counted) + 1  # exclusive end, in days
    days_per_bin = (last - first) / bins
    weights = [0.0] * bins
    for start, end, count in counted:
        # Uniform weight over [start, end + 1): add each bin's overlap with that interval.
        length = end + 1 - start
        a = (start - first) / days_per_bin
        b = (end + 1 - first) / days_per_bin
        first_bin = min(int(a), bins - 1)
        last_bin = min(int(b - 1e-9), bins - 1)
        if first_bin == last_bin:
            weights[first_bin] += count
            continue
        per_bin = days_per_bin / length * count
        weights[first_bin] += (first_bin + 1 - a) * per_bin
        for k in range(first_bin + 1, last_bin):
            weights[k] += per_bin
        weights[last_bin] += (b - last_bin) * per_bin
    return weights, datetime.date.fromordinal(first), datetime.date.fromordinal(last - 1)


def _count(
    collection: Collection, shown: Sequence[int], width: int, ramp: str
) -> tuple[str, datetime.date, datetime.date] | None:
    """The sparkline of ``shown`` for a strip ``width`` cells wide, with its first and last day."""
    counted = density(collection, shown, width - 2 * _LABEL_WIDTH)
    if counted is None:
        return None
    weights, start, end = counted
    return sparkline(weights, ramp), start, end


def sparkline(weights: Sequence[float], ramp: str) -> str:
    """Weights as block characters: blank for none, the tallest block for the maximum."""
    peak = max(weights, default=0.0)
    if peak <= 0:
        return " " * len(weights)
    top = len(ramp) - 1
    cells = []
    for weight in weights:
        if weight <= 0:
            cells.append(" ")
        else:
            # Any weight at all shows at least the lowest block: one event is never invisible.
            cells.append(ramp[min(top, int(weight / peak * top + 0.5))])
    return "".join(cells)


class DensityStrip(Widget):
    """One line: start year, a sparkline of the shown events over time, end year."""

    DEFAULT_CSS = """
    DensityStrip {
        height: 1;
        background: $panel;
        color: $text-accent;
        & > .density--year { color: $text-muted; }
        & > .density--cursor { color: $text-warning; text-style: bold reverse; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"density--year", "density--cursor"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._collection: Collection | None = None
        self._shown: Sequence[int] = ()
        self._cursor: int | None = None
        self._ramp = density_ramp()
        # (width, (sparkline, first day, last day) or None): recounted on update or resize.
        self._layout: tuple[int, tuple[str, datetime.date, datetime.date] | None] | None = None
        self._recount_timer: Timer | None = None

    def update(
        self, collection: Collection | None, shown: Sequence[int], cursor: int | None
    ) -> None:
        """Show the spread of ``shown`` events of ``collection``, marking event ``cursor``.

        A large selection of the log already shown is recounted after a short pause
        (:data:`RECOUNT_DELAY`), the last line staying meanwhile; anything else at once.
        """
        same_log = collection is self._collection
        self._collection, self._shown, self._cursor = collection, shown, cursor
        if self._recount_timer is not None:
            self._recount_timer.stop()
            self._recount_timer = None
        layout = self._layout
        shows_a_line = layout is not None and layout[1] is not None
        if same_log and len(shown) > THREAD_OVER and shows_a_line:
            self._recount_timer = self.set_timer(RECOUNT_DELAY, self._recount)
            return
        self._layout = None
        self.refresh()

    def _recount(self) -> None:
        """The keys paused: count the current selection in a thread (it is large).

        The last line stays on screen until the count replaces it (see :meth:`_counted`).
        """
        self._recount_timer = None
        if self._collection is None or not self._shown:
            self._layout = None
            self.refresh()
            return
        self._count_in_thread(self._collection, self._shown, self.size.width)

    def move_cursor(self, cursor: int | None) -> None:
        """Mark another event's place: no recount, and only the cells that change repaint.

        A cursor step must stay cheap on a slow link. Nothing repaints while the mark
        stays in its cell; otherwise one region from the nearer to the farther cell (Textual
        sends a partial line from the widget's left edge, so one region costs less than two).
        """
        if cursor == self._cursor:
            return
        old = self._mark_cell()
        self._cursor = cursor
        new = self._mark_cell()
        if old == new:
            return
        cells = [x for x in (old, new) if x is not None]
        self.refresh(Region(min(cells), 0, max(cells) - min(cells) + 1, 1))

    def _strip_layout(self) -> tuple[str, datetime.date, datetime.date] | None:
        """The sparkline for the current width with its first and last day (cached).

        A large selection is counted in a thread (a search keystroke must not wait for
        it); the strip stays blank for that moment and fills in when the count is done.
        """
        width = self.size.width
        if self._layout is not None and self._layout[0] == width:
            return self._layout[1]
        if self._collection is None or not self._shown or width - 2 * _LABEL_WIDTH < 2:
            self._layout = (width, None)
            return None
        if len(self._shown) > THREAD_OVER:
            self._layout = (width, None)
            self._count_in_thread(self._collection, self._shown, width)
            return None
        self._layout = (width, _count(self._collection, self._shown, width, self._ramp))
        return self._layout[1]

    # A description, or Textual names the worker by repr() of its arguments: the whole
    # collection, 2.3 s on the UI thread for 100k events on every keystroke.
    @work(thread=True, exclusive=True, group="density", description="density strip")
    def _count_in_thread(self, collection: Collection, shown: Sequence[int], width: int) -> None:
        result = _count(collection, shown, width, self._ramp)
        if self.app.is_running:  # the app may have closed while this counted
            self.app.call_from_thread(self._counted, collection, shown, width, result)

    def _counted(
        self,
        collection: Collection,
        shown: Sequence[int],
        width: int,
        result: tuple[str, datetime.date, datetime.date] | None,
    ) -> None:
        # A newer query or a resize may have come since: only the latest count is shown.
        if collection is self._collection and shown is self._shown and width == self.size.width:
            self._layout = (width, result)
            self.refresh()

    def _mark_cell(self) -> int | None:
        """The column of the cursor's mark, None when there is none."""
        layout = self._strip_layout()
        if layout is None:
            return None
        line, start, end = layout
        mark = self._mark_position(start, end, len(line))
        return None if mark is None else _LABEL_WIDTH + mark

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        layout = self._strip_layout() if y == 0 else None
        if layout is None:
            return Strip.blank(width, base)
        line, start, end = layout
        year = base + self.get_component_rich_style("density--year")
        mark = self._mark_position(start, end, len(line))
        segments = [Segment(f" {start.year:>4}"[-_LABEL_WIDTH:], year)]
        if mark is None:
            segments.append(Segment(line, base))
        else:
            cell = line[mark] if line[mark] != " " else "│"
            cursor = base + self.get_component_rich_style("density--cursor")
            segments += [
                Segment(line[:mark], base),
                Segment(cell, cursor),
                Segment(line[mark + 1 :], base),
            ]
        segments.append(Segment(f" {end.year:<4}"[:_LABEL_WIDTH], year))
        return Strip(segments).crop_extend(0, width, base).simplify()

    def _mark_position(self, start: datetime.date, end: datetime.date, bins: int) -> int | None:
        if self._collection is None or self._cursor is None:
            return None
        table = self._collection.day_spans()
        bounds = table.spans[table.span_of[self._cursor]]
        if bounds is None:
            return None
        span = end.toordinal() + 1 - start.toordinal()
        return max(0, min(bins - 1, int((bounds[0] - start.toordinal()) / span * bins)))
