"""The facet panel: agency, topic, kind, person, year and pledge status, with live counts
(and, with ``--since REV``, whether each event is new, changed or unchanged since then).

One ``OptionList`` (a Line-API widget: it draws only the rows on screen) holds every facet:
a heading row per facet, then its values with the number of events each would match under
the current query. Active values are ticked and bold; values with no events are hidden
unless active. A facet shows its top :attr:`FacetPanel.TOP` values and a "… N more" row
that shows :attr:`FacetPanel.STEP` more at a time, so a log with hundreds of agencies and
thousands of people stays a short list. New counts replace the rows whose text changed in
place; the list is rebuilt only when its shape (the number of rows) changes.

Choosing a value (enter, space or a click) posts :class:`FacetPanel.Toggled`; the app edits
the query text with ``tui.model.query.toggle_term`` and calls :meth:`FacetPanel.refresh_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.app.format import part_style
from tui.app.safe import safe_content
from tui.model.display import agency_short_name, shorten_agency_name
from tui.model.query.table import FACET_TABLE

if TYPE_CHECKING:
    from tui.model.log import Collection
    from tui.model.query import FacetValue, Query, QueryEngine

# (facet name in the query engine, heading shown), from the one facet table.
# "since" shows only with --since REV.
FACETS: tuple[tuple[str, str], ...] = tuple((spec.name, spec.heading) for spec in FACET_TABLE)


@dataclass(frozen=True, slots=True)
class _Row:
    """What a row of the list does when chosen."""

    action: str  # "heading" (fold/unfold), "value" (toggle), "more", "fewer", "none"
    field: str
    value: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.action, self.field, self.value)


class FacetPanel(OptionList):
    """Every facet's values with live counts; choosing one toggles it in the query."""

    TOP: ClassVar[int] = 8
    """Values shown per facet before "… N more" (active values are always shown)."""

    STEP: ClassVar[int] = 50
    """How many more values each "… N more" shows."""

    # The panel's size is its pane's (a column, or the overlay), never its rows': a new
    # number of rows needs no layout of the screen, which would also redraw the scrollbar
    # in a second frame (Textual updates scrollbars while it lays out). The scrollbar's
    # coming or going still lays the panel out (OptionList's own reactive).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    BINDINGS: ClassVar[list[BindingType]] = [
        # One key display for both: the footer shows one key an action.
        Binding("space,enter", "select", "Toggle", key_display="space/⏎", id="facets.toggle"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "facet-panel--heading",
        "facet-panel--count",
        "facet-panel--active",
        "facet-panel--more",
    }

    DEFAULT_CSS = """
    FacetPanel {
        border: none;
        padding: 0 1;
        background: $surface;
        height: 1fr;
        max-height: 100%;
        /* One line a value: a long name ends in an ellipsis (its count is on the left). */
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { border: none; background-tint: $foreground 4%; }
        & > .facet-panel--heading { text-style: bold; color: $text-accent; }
        & > .facet-panel--count { color: $text-muted; }
        & > .facet-panel--active { text-style: bold; color: $text-success; }
        & > .facet-panel--more { color: $text-muted; text-style: italic; }
    }
    """

    class Toggled(Message):
        """The user chose a facet value: add it to the query, or take it out if active."""

        def __init__(self, facet_panel: FacetPanel, field: str, value: str) -> None:
            super().__init__()
            self.facet_panel = facet_panel
            self.field = field
            self.value = value

        @property
        def control(self) -> FacetPanel:
            """The facet panel the value was chosen in."""
            return self.facet_panel

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._values: dict[str, list[FacetValue]] = {}
        self._rows: list[_Row] = []
        self._limits: dict[str, int] = {}  # facet -> values shown, when more than TOP
        self._folded: set[str] = set()
        # Shorter names for values whose full name may not fit: (facet, value id) -> the
        # names to try, longest first ("Bridgeport PD", then the alias "BPD").
        self._shorter: dict[tuple[str, str], tuple[str, ...]] = {}
        self._built_width = 0
        self._shape: tuple[tuple[bool, bool], ...] = ()  # of the options last set
        self._names_of: Collection | None = None  # the log ``_shorter`` was made for

    @property
    def values(self) -> dict[str, list[FacetValue]]:
        """The counts last given to :meth:`refresh_counts`, by facet."""
        return self._values

    def refresh_counts(self, engine: QueryEngine, query: Query) -> None:
        """Count every facet's values under ``query`` and redraw, keeping the highlighted row."""
        self.show_counts(engine, count_facets(engine, query))

    def show_counts(self, engine: QueryEngine, values: dict[str, list[FacetValue]]) -> None:
        """Show :func:`count_facets` of ``engine`` (counted here or in a thread)."""
        if self._names_of is not engine.collection:
            # Once per log: every agency's names, 8-13 ms at 100k (800 agencies).
            self._shorter = agency_names(engine.collection)
            self._names_of = engine.collection
        self.set_counts(values)

    def show_indexing(self) -> None:
        """A placeholder while the log's indexes are built (the counts need them)."""
        self._values = {}
        self._rows = [_Row("none", "")]
        prompt = Content.styled("counting the facets… (indexing the log)", self._style("more"))
        options: list[Option | None] = [Option(prompt, disabled=True)]
        self._shape = _shape(options)
        self.set_options(options)

    def set_counts(self, values: dict[str, list[FacetValue]]) -> None:
        """Show counts already computed (by facet name) and redraw."""
        self._values = values
        self._rebuild()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def on_resize(self, event: events.Resize) -> None:
        # Names are chosen to fit the width (an agency's short name where its full name
        # does not fit): choose again when it changes.
        if self._values and event.size.width != self._built_width:
            self._rebuild()

    def _theme_changed(self) -> None:
        # The rows carry the theme's colours: rebuild them once the new theme has applied.
        if self._values:
            self.call_after_refresh(self._rebuild)

    def _style(self, part: str) -> Style:
        return part_style(self, f"facet-panel--{part}")

    def _rebuild(self) -> None:
        highlighted = self.highlighted
        keep = (
            self._rows[highlighted].key
            if highlighted is not None and highlighted < len(self._rows)
            else None
        )
        rows: list[_Row] = []
        options: list[Option | None] = []
        self._built_width = self.size.width
        for facet, heading in FACETS:
            values = self._values.get(facet)
            if values is None:
                continue
            if rows:
                options.append(None)  # a divider line between facets
            folded = facet in self._folded
            rows.append(_Row("heading", facet))
            options.append(Option(self._heading(heading, values, folded)))
            if folded:
                continue
            shown, hidden = self._split(facet, values)
            width = max((len(f"{value.count:,}") for value in shown), default=1)
            for value in shown:
                rows.append(_Row("value", facet, value.value_id))
                options.append(Option(self._value_prompt(value, width)))
            if hidden:
                rows.append(_Row("more", facet))
                options.append(Option(self._more_prompt(hidden)))
            if facet in self._limits:
                rows.append(_Row("fewer", facet))
                options.append(Option(Content.styled("  \u2026 show fewer", self._style("more"))))
            if not shown and not hidden:
                rows.append(_Row("none", facet))
                prompt = Content.styled("  (no events)", self._style("more"))
                options.append(Option(prompt, disabled=True))
        self._rows = rows
        if not self._replace_prompts(options):
            self.set_options(options)
        if keep is not None and highlighted is not None and rows:
            # The same row if it is still there ("… more" may have gone), else the same place.
            index = next((i for i, row in enumerate(rows) if row.key == keep), None)
            self.highlighted = min(highlighted, len(rows) - 1) if index is None else index

    def _replace_prompts(self, options: list[Option | None]) -> bool:
        """Put ``options`` in place of the rows shown when they have the same shape (the
        same number of rows, with dividers and disabled rows where they were): only the
        rows whose text or style changed are replaced. False when the shape differs.

        ``set_options`` empties the list, scrolls it to the top and lays it out again:
        after a toggle, where mostly only counts change, that was a layout of the panel,
        a second frame for its scrollbar, and every row drawn again.
        """
        shape = _shape(options)
        if shape != self._shape:
            self._shape = shape
            return False
        new = [option for option in options if option is not None]
        for index, (before, after) in enumerate(zip(self.options, new, strict=True)):
            if not _same_prompt(before.prompt, after.prompt):
                self.replace_option_prompt_at_index(index, after.prompt)
        return True

    def on_focus(self) -> None:
        # Opened, the cursor is on the first value (enter chooses it), not nowhere nor on a
        # heading, where the first enter would fold the facet instead.
        if self.highlighted is None or self._rows[self.highlighted].action == "heading":
            first = next((i for i, row in enumerate(self._rows) if row.action == "value"), None)
            if first is not None and (self.highlighted is None or self.highlighted < first):
                self.highlighted = first

    def _split(self, facet: str, values: list[FacetValue]) -> tuple[list[FacetValue], int]:
        """The values to show (active first, then by count) and how many are left out."""
        visible = [v for v in values if v.count > 0 or v.active or v.excluded]
        if facet == "year":
            # Years read best in order; the engine sorts every facet by count.
            visible.sort(key=lambda v: v.value_id)
        elif facet == "since":
            order = {"new": 0, "changed": 1, "unchanged": 2}
            visible.sort(key=lambda v: order.get(v.value_id, len(order)))
        limit = self._limits.get(facet, self.TOP)
        if len(visible) <= limit:
            return visible, 0
        active = [v for v in visible if v.active or v.excluded]
        rest = [v for v in visible if not (v.active or v.excluded)]
        room = max(limit - len(active), 0)
        shown_ids = {id(v) for v in active + rest[:room]}
        # Keep the display order (by count; years in order).
        shown = [v for v in visible if id(v) in shown_ids]
        return shown, len(visible) - len(shown)

    def _heading(self, heading: str, values: list[FacetValue], folded: bool) -> Content:
        active = sum(1 for v in values if v.active)
        marker = "\u25b8 " if folded else "\u25be "
        tail = f"  ({active} chosen)" if active else ""
        return Content.assemble(
            (marker + heading, self._style("heading")),
            (tail, self._style("count")),
        )

    def _value_prompt(self, value: FacetValue, width: int) -> Content:
        """``✓   12 Label``: the mark, the count right-aligned, then the label.

        The count comes first so a long name that is cut off never hides its number.
        """
        count = f"{value.count:,}".rjust(width) + " "
        label = safe_content(self._fitting_label(value, 2 + len(count)), single_line=True)
        if value.active:
            active = self._style("active")
            return Content.assemble(("\u2713 ", active), (count, active), label.stylize(active))
        if value.excluded:
            muted = self._style("count")
            return Content.assemble(
                ("\u2717 ", muted),
                (" " * len(count), muted),
                label.stylize("strike"),
                (" (left out)", muted),
            )
        return Content.assemble("  ", (count, self._style("count")), label)

    def _fitting_label(self, value: FacetValue, used: int) -> str:
        """The value's name, or a shorter one of it where the full name would be cut."""
        # The option list's padding and scrollbar take a few cells of the panel's width.
        room = self.scrollable_content_region.width - used - 2
        label = value.label
        if room <= 0 or cell_len(label) <= room:
            return label
        for shorter in self._shorter.get((value.field, value.value_id), ()):
            label = shorter
            if cell_len(shorter) <= room:
                break
        return label

    def _more_prompt(self, hidden: int) -> Content:
        step = f" (next {self.STEP})" if hidden > self.STEP else ""
        return Content.styled(f"  \u2026 {hidden:,} more{step}", self._style("more"))

    def _on_option_list_option_selected(self, message: OptionList.OptionSelected) -> None:
        if message.option_list is not self:
            return
        message.stop()
        index = message.option_index
        if not 0 <= index < len(self._rows):
            return
        row = self._rows[index]
        if row.action == "value":
            self.post_message(self.Toggled(self, row.field, row.value))
        elif row.action == "more":
            self._limits[row.field] = self._limits.get(row.field, self.TOP) + self.STEP
            self._rebuild()
        elif row.action == "fewer":
            self._limits.pop(row.field, None)
            self._rebuild()
        elif row.action == "heading":
            self._folded ^= {row.field}
            self._rebuild()


def _shape(options: list[Option | None]) -> tuple[tuple[bool, bool], ...]:
    """Each row of an option list as (followed by a divider, disabled)."""
    rows: list[tuple[bool, bool]] = []
    for option in options:
        if option is None:
            if rows:
                rows[-1] = (True, rows[-1][1])
        else:
            rows.append((False, option.disabled))
    return tuple(rows)


def _same_prompt(before: object, after: object) -> bool:
    """Whether two prompts draw the same (Content's ``==`` compares the text alone)."""
    if isinstance(before, Content) and isinstance(after, Content):
        return before.plain == after.plain and list(before.spans) == list(after.spans)
    return before == after


__all__ = ["FACETS", "FacetPanel"]


class FacetsCounted(Message):
    """The facets of a large log counted in a thread, for ``query`` on ``engine``.

    A facet toggle's count also carries the query's ``text`` and the events it ``shown``.
    """

    def __init__(
        self,
        engine: QueryEngine,
        query: Query,
        values: dict[str, list[FacetValue]],
        *,
        text: str | None = None,
        shown: list[int] | None = None,
    ) -> None:
        super().__init__()
        self.engine, self.query, self.values = engine, query, values
        self.text, self.shown = text, shown


def count_facets(engine: QueryEngine, query: Query) -> dict[str, list[FacetValue]]:
    """Every facet's values with their counts under ``query`` (safe in a thread)."""
    wanted = [facet for facet, _ in FACETS if facet != "since" or engine.has_since]
    return engine.all_facet_counts(query, wanted)


def agency_names(collection: Collection) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each agency's shorter names for the agency facet, longest first: its name shortened
    (``Bridgeport PD``), then its short name (the first alias, ``BPD``; as the timeline)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    for agency_id, agency in collection.agencies.items():
        names: list[str] = []
        for name in (shorten_agency_name(agency.name), agency_short_name(agency)):
            if name and name != agency.name and name not in names:
                names.append(name)
        if names:
            out[("agency", agency_id)] = tuple(names)
    return out
