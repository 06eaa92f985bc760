"""The density strip: one line showing when the events of the current query happened.

Each event weighs 1, spread evenly over the days its date allows ("2017" weighs 1/365 on
each day of 2017; "9 May 2017" puts all its weight on one day), so a vague date widens
the picture instead of piling onto 1 January. The cursor's place is marked; the first and
last years are written at the ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import ClassVar

from textual.content import Content
from textual.widget import Widget

from tui.app.kinds import density_ramp
from tui.model.log import Collection, Event

_OPEN = (datetime.date.min, datetime.date.max)


def _bounds(event: Event) -> tuple[int, int] | None:
    """The event's first and last day as ordinals, open ends closed onto the other bound."""
    lower, upper = event.date.lower, event.date.upper
    if lower in _OPEN and upper in _OPEN:
        return None
    if lower in _OPEN:
        lower = upper
    if upper in _OPEN:
        upper = lower
    return lower.toordinal(), upper.toordinal()


def density(
    collection: Collection, shown: Sequence[int], bins: int
) -> tuple[list[float], datetime.date, datetime.date] | None:
    """The weight of the shown events in ``bins`` equal spans of time, with the span's ends.

    Returns None when no shown event has a bounded date.
    """
    spans = [b for b in (_bounds(collection.events[i]) for i in shown) if b is not None]
    if not spans or bins <= 0:
        return None
    first = min(start for start, _ in spans)
    last = max(end for _, end in spans) + 1  # exclusive end, in days
    days_per_bin = (last - first) / bins
    weights = [0.0] * bins
    for start, end in spans:
        # Uniform weight over [start, end + 1): add each bin's overlap with that interval.
        length = end + 1 - start
        a = (start - first) / days_per_bin
        b = (end + 1 - first) / days_per_bin
        first_bin = min(int(a), bins - 1)
        last_bin = min(int(b - 1e-9), bins - 1)
        if first_bin == last_bin:
            weights[first_bin] += 1.0
            continue
        per_bin = days_per_bin / length
        weights[first_bin] += (first_bin + 1 - a) * per_bin
        for k in range(first_bin + 1, last_bin):
            weights[k] += per_bin
        weights[last_bin] += (b - last_bin) * per_bin
    return weights, datetime.date.fromordinal(first), datetime.date.fromordinal(last - 1)


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
        padding: 0 1;
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

    def update(
        self, collection: Collection | None, shown: Sequence[int], cursor: int | None
    ) -> None:
        """Show the spread of ``shown`` events of ``collection``, marking event ``cursor``."""
        self._collection, self._shown, self._cursor = collection, shown, cursor
        self.refresh()

    def move_cursor(self, cursor: int | None) -> None:
        """Mark another event's place (one line to redraw, no recount)."""
        if cursor != self._cursor:
            self._cursor = cursor
            self.refresh()

    def render(self) -> Content:
        width = self.content_region.width
        if self._collection is None or not self._shown or width < 12:
            return Content("")
        label_width = 4 + 1
        bins = width - 2 * label_width
        result = density(self._collection, self._shown, bins)
        if result is None:
            return Content("")
        weights, start, end = result
        line = sparkline(weights, self._ramp)
        year_style = self.get_visual_style("density--year")
        parts: list[Content] = [
            Content.styled(f"{start.year:>4} ", year_style),
        ]
        mark = self._mark_position(start, end, bins)
        if mark is None:
            parts.append(Content(line))
        else:
            cell = line[mark] if line[mark] != " " else "│"
            parts += [
                Content(line[:mark]),
                Content.styled(cell, self.get_visual_style("density--cursor")),
                Content(line[mark + 1 :]),
            ]
        parts.append(Content.styled(f" {end.year:<4}", year_style))
        return Content.assemble(*parts)

    def _mark_position(self, start: datetime.date, end: datetime.date, bins: int) -> int | None:
        if self._collection is None or self._cursor is None:
            return None
        bounds = _bounds(self._collection.events[self._cursor])
        if bounds is None:
            return None
        span = end.toordinal() + 1 - start.toordinal()
        return max(0, min(bins - 1, int((bounds[0] - start.toordinal()) / span * bins)))
