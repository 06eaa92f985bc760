"""The facet panel: live counts under the query, toggling values, long facets folded."""

from __future__ import annotations

import datetime

from textual import on
from textual.app import App, ComposeResult
from textual.content import Content

from tests.app.widget_samples import FORBIDDEN, HOSTILE, chain_collection, hostile_collection
from tui.app.widgets.facets import FacetPanel
from tui.model.log import Collection
from tui.model.query import FacetValue, QueryEngine, parse_query, toggle_term

AS_OF = datetime.date(2018, 6, 1)


class FacetHost(App[None]):
    """A facet panel alone; a toggle edits the query text the way the app does."""

    def __init__(self, collection: Collection, query: str = "") -> None:
        super().__init__()
        self.engine = QueryEngine(collection, AS_OF)
        self.query_text = query
        self.toggled: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield FacetPanel(id="facets")

    def on_mount(self) -> None:
        panel = self.query_one(FacetPanel)
        panel.refresh_counts(self.engine, parse_query(self.query_text))
        panel.focus()

    @on(FacetPanel.Toggled, "#facets")
    def _toggled(self, message: FacetPanel.Toggled) -> None:
        assert message.control is self.query_one(FacetPanel)
        self.toggled.append((message.field, message.value))
        self.query_text = toggle_term(self.query_text, message.field, message.value)
        self.query_one(FacetPanel).refresh_counts(self.engine, parse_query(self.query_text))


def lines(panel: FacetPanel) -> list[str]:
    """Each row of the panel as plain text."""
    out = []
    for i in range(panel.option_count):
        prompt = panel.get_option_at_index(i).prompt
        out.append(prompt.plain if isinstance(prompt, Content) else str(prompt))
    return out


def row_of(panel: FacetPanel, text: str) -> int:
    return next(i for i, line in enumerate(lines(panel)) if text in line)


async def test_every_facet_lists_its_values_with_counts():
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        shown = lines(app.query_one(FacetPanel))
    headings = [line for line in shown if line.startswith(("▾", "▸"))]
    assert headings == [
        "▾ Agency",
        "▾ Topic",
        "▾ Kind",
        "▾ Person",
        "▾ Year",
        "▾ Pledge status",
    ]
    assert "  2 Bridgeport Police Department" in shown
    assert "  1 U.S. Department of Justice" in shown
    assert "  2 Funding" in shown
    assert "  2 Pledge" in shown
    assert "  2 2017" in shown and "  2 2018" in shown
    # Pledge status at 1 Jun 2018: both pledges are overdue, neither has been kept yet.
    assert "  2 Overdue" in shown
    assert "  2 Not yet rated" in shown


async def test_toggling_a_value_edits_the_query_and_counts_follow():
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        panel.highlighted = row_of(panel, "  1 Grant")
        await pilot.press("enter")
        await pilot.pause()
        assert app.toggled == [("kind", "grant")]
        assert app.query_text == "kind:grant"
        shown = lines(panel)
        # The grant is now active, ticked; the other kinds still show what adding them gives.
        assert "✓ 1 Grant" in shown
        assert "  2 Pledge" in shown
        # Other facets count only the grant: BPD has no grant, so it is gone.
        assert not any("Bridgeport Police Department" in line for line in shown)
        assert "  1 U.S. Department of Justice" in shown
        assert "▾ Kind  (1 chosen)" in shown
        # The highlight stayed on the value that was toggled.
        assert shown[panel.highlighted] == "✓ 1 Grant"
        await pilot.press("space")  # toggles it off again
        await pilot.pause()
        assert app.query_text == ""
        assert "  2 Bridgeport Police Department" in lines(panel)


async def test_clicking_a_value_toggles_it():
    app = FacetHost(chain_collection())
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        row = row_of(panel, "Connecticut State Police")  # one screen line per row at 120 columns
        await pilot.click("#facets", offset=(5, row))
        await pilot.pause()
    assert app.toggled == [("agency", "csp")]


async def test_a_long_facet_shows_its_top_values_and_expands_on_demand():
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        panel.TOP = 2
        panel.set_counts(panel.values)
        shown = lines(panel)
        agency_rows = shown[row_of(panel, "▾ Agency") + 1 : row_of(panel, "▾ Topic")]
        assert [r for r in agency_rows if r.strip()][:3] == [
            "  2 Bridgeport Police Department",
            # Too long for the panel: the agency's short name (its alias) instead.
            "  1 DESPP",
            "  … 2 more",
        ]
        panel.highlighted = row_of(panel, "… 2 more")
        await pilot.press("enter")
        await pilot.pause()
        shown = lines(panel)
        assert "  1 Connecticut State Police" in shown
        assert "  … show fewer" in shown
        assert app.toggled == []


async def test_enter_on_a_heading_folds_the_facet():
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        panel.highlighted = row_of(panel, "▾ Agency")
        await pilot.press("enter")
        await pilot.pause()
        shown = lines(panel)
        assert "▸ Agency" in shown
        assert not any("Bridgeport" in line for line in shown)
        await pilot.press("enter")
        assert "  2 Bridgeport Police Department" in lines(panel)


async def test_a_negated_value_is_marked_excluded():
    app = FacetHost(chain_collection(), query="-kind:grant")
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        shown = lines(app.query_one(FacetPanel))
    assert "✗   Grant (left out)" in shown


async def test_hostile_labels_are_literal():
    app = FacetHost(hostile_collection())
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        shown = "\n".join(lines(panel))
        assert "[@click=app.screenshot('pwned.svg','/tmp')]click me[/]" in shown
        assert "␛[2J" in shown and "<U+202E>" in shown
        for bad in FORBIDDEN:
            assert bad not in shown
            assert bad not in app.export_screenshot()
        assert HOSTILE not in shown


async def test_hundreds_of_values_stay_a_short_list_paged_fifty_at_a_time():
    agencies = [
        FacetValue("agency", f"ag{i:03}", f"Agency {i:03}", 1000 - i, active=(i == 250))
        for i in range(300)
    ]
    app = FacetHost(chain_collection())
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.pause()
        panel = app.query_one(FacetPanel)
        panel.set_counts({"agency": agencies})
        shown = lines(panel)
        # The top eight by count, the active one among them, then a row to page on.
        assert len(shown) == 1 + FacetPanel.TOP + 1
        assert "✓   750 Agency 250" in shown  # counts right-aligned
        assert shown[-1] == "  … 292 more (next 50)"
        panel.highlighted = len(shown) - 1
        await pilot.press("enter")
        shown = lines(panel)
        assert len(shown) == 1 + FacetPanel.TOP + FacetPanel.STEP + 2
        assert shown[-2:] == ["  … 242 more (next 50)", "  … show fewer"]
        # The highlight stays on the "more" row, so enter pages on.
        assert shown[panel.highlighted] == "  … 242 more (next 50)"
        await pilot.press("down", "enter")
        assert len(lines(panel)) == 1 + FacetPanel.TOP + 1
