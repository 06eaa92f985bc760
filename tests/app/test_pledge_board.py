"""The pledge board: pledges rated as of a date, sorted, moved a month at a time, opened."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, Static

from tests.app.widget_samples import FORBIDDEN, HOSTILE, chain_collection, hostile_collection
from tui.app.overlays import AsOfScreen
from tui.app.screens.pledge_board import FILL_CHUNK, PledgeBoard
from tui.model.edtf import parse_edtf
from tui.model.load import load_paths
from tui.model.log import Collection, Event, Person, Pledge, Source

AS_OF = datetime.date(2017, 12, 20)
SNAPSHOT_AS_OF = datetime.date(2018, 6, 1)


class BoardHost(App[None]):
    """An app that opens the pledge board at once and records what it was closed with."""

    def __init__(
        self,
        collection: Collection,
        as_of: datetime.date = AS_OF,
        event_indexes: list[int] | None = None,
        query_text: str = "",
    ) -> None:
        super().__init__()
        self.collection = collection
        self.as_of = as_of
        self.event_indexes = event_indexes
        self.query_text = query_text
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        board = PledgeBoard(
            self.collection, self.as_of, self.event_indexes, query_text=self.query_text
        )
        self.push_screen(board, self.results.append)

    @property
    def board(self) -> PledgeBoard:
        """The pledge board: the screen on top until a test closes it."""
        screen = self.screen
        assert isinstance(screen, PledgeBoard)
        return screen


def cells(board: PledgeBoard) -> dict[str, dict[str, str]]:
    """The board's cells as plain text: event id -> column key -> text."""
    table = board.query_one("#pledge-table", DataTable)
    out: dict[str, dict[str, str]] = {}
    for row_key in table.rows:
        row = table.get_row(row_key)
        out[str(row_key.value)] = {
            str(col.value): cell.plain if isinstance(cell, Text) else str(cell)
            for col, cell in zip(table.columns, row, strict=True)
        }
    return out


def order(board: PledgeBoard) -> list[str]:
    table = board.query_one("#pledge-table", DataTable)
    return [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]


def heading(board: PledgeBoard) -> str:
    return board.query_one("#pledge-heading", Static).content.plain  # type: ignore[union-attr]


async def test_board_lists_every_pledge_with_status_due_and_overdue_in_words():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        rows = cells(board)
        assert heading(board).startswith("Pledges as of 20 Dec 2017 · 2 pledges, 1 overdue")
    assert set(rows) == {"pledge-funding", "training-pledge"}
    funding = rows["pledge-funding"]
    assert funding["status"] == "not-yet-rated"
    # Due 8 Dec 2017 (approximate: the bound does not move); 12 days late on 20 Dec.
    assert funding["overdue"] == "overdue by 12 days"
    assert funding["due"] == "c. 8 Dec 2017"
    assert funding["by"] == "Armando “AJ” Perez"
    assert funding["made"] == "30 Nov 2017"
    assert funding["last_rating"] == "30 Nov 2017"
    training = rows["training-pledge"]
    assert training["overdue"] == "no"
    assert training["last_rating"] == "not rated"


async def test_month_keys_move_the_as_of_date_and_re_rate_live():
    app = BoardHost(chain_collection(), as_of=datetime.date(2019, 3, 15))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        before = cells(board)["pledge-funding"]
        assert before["status"] == "not-yet-rated"
        assert before["overdue"].startswith("overdue by 1 year, 3 months")
        await pilot.press("greater_than_sign")  # 15 Apr 2019: the kept rating (2 Apr) is in force
        after = cells(board)["pledge-funding"]
        assert heading(board).startswith("Pledges as of 15 Apr 2019")
        assert after["status"] == "kept"
        assert after["overdue"] == "no"
        assert after["evidence"] == "AP"
        await pilot.press("less_than_sign", "less_than_sign")
        assert heading(board).startswith("Pledges as of 15 Feb 2019")
        assert cells(board)["pledge-funding"]["status"] == "not-yet-rated"


async def test_sort_key_cycles_columns_and_shift_reverses():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        assert board.sort_column == "made"
        # Both made on 30 Nov 2017: timeline order (by id) breaks the tie.
        assert order(board) == ["pledge-funding", "training-pledge"]
        await pilot.press("s")
        assert board.sort_column == "last_rating"
        await pilot.press("s", "s")  # evidence, then id
        assert board.sort_column == "id"
        assert order(board) == ["pledge-funding", "training-pledge"]
        await pilot.press("S")
        assert order(board) == ["training-pledge", "pledge-funding"]
        assert "by id ↓" in heading(board)


async def test_clicking_a_header_sorts_by_it_and_again_reverses():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        table = board.query_one("#pledge-table", DataTable)
        x = 0
        for key, column in table.columns.items():
            if key.value == "overdue":
                break
            x += column.get_render_width(table)
        await pilot.click("#pledge-table", offset=(x + 2, 0))
        await pilot.pause()
        assert board.sort_column == "overdue"
        assert order(board) == ["training-pledge", "pledge-funding"]  # not overdue first
        await pilot.click("#pledge-table", offset=(x + 2, 0))
        await pilot.pause()
        assert order(board) == ["pledge-funding", "training-pledge"]


async def test_the_cursor_stays_on_its_pledge_when_the_board_re_sorts():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        await pilot.press("down")
        assert board.highlighted_event_id == "training-pledge"
        await pilot.press("S")
        assert board.highlighted_event_id == "training-pledge"


async def test_enter_closes_the_board_with_the_pledge_to_open():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PledgeBoard)
    assert app.results == ["training-pledge"]


async def test_escape_closes_without_opening_anything():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_board_is_narrowed_to_the_query_result():
    collection = chain_collection()
    only_training = [collection.index["training-pledge"], collection.index["doj-grant"]]
    app = BoardHost(collection, event_indexes=only_training, query_text="topic:training")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        assert list(cells(board)) == ["training-pledge"]
        assert "query: topic:training" in heading(board)


async def test_no_pledges_says_so():
    app = BoardHost(chain_collection(), event_indexes=[])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        empty = app.screen.query_one("#pledge-empty", Static)
        assert empty.display
        assert "No pledges" in str(empty.content)


async def test_the_word_overdue_is_on_screen_at_80_columns():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#pledge-table", DataTable)
        lines = [table.render_line(y).text for y in range(table.size.height)]
    assert any("overdue by 12 days" in line for line in lines)


async def test_hostile_pledge_text_is_literal_and_clicks_do_nothing():
    target = Path("/tmp/pwned.svg")
    target.unlink(missing_ok=True)
    app = BoardHost(hostile_collection(), as_of=datetime.date(2020, 6, 1), query_text=HOSTILE)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        board = app.board
        row = cells(board)["evil"]
        assert row["title"].startswith("[@click=app.screenshot('pwned.svg','/tmp')]click me[/]")
        assert "␛[2J" in row["title"] and "<U+202E>" in row["title"]
        assert "[/bold]" in heading(board)
        for bad in FORBIDDEN:
            assert all(bad not in text for text in row.values())
            assert bad not in heading(board)
            assert bad not in app.export_screenshot()
        for x in range(0, 150, 10):
            await pilot.click("#pledge-heading", offset=(x, 0))
        # A click on the title cell (on the markup text) only selects the row.
        await pilot.click("#pledge-table", offset=(60, 1))
        await pilot.pause()
        assert app.is_running
    assert not target.exists()


class SnapshotHost(App[None]):
    """The board over the sample log at a fixed date, for snapshots."""

    def on_mount(self) -> None:
        self.push_screen(PledgeBoard(chain_collection(), SNAPSHOT_AS_OF))


def test_board_snapshot_80x24(snap_compare):
    assert snap_compare(SnapshotHost(), terminal_size=(80, 24))


def test_board_snapshot_160x50(snap_compare):
    assert snap_compare(SnapshotHost(), terminal_size=(160, 50))


def many_pledges(count: int) -> Collection:
    """``count`` pledges by one person, due a month after they were made."""
    events = [
        Event(
            f"p{i:05}",
            parse_edtf(f"{2000 + i % 20}-{1 + i % 12:02}-01"),
            "pledge",
            f"Pledge number {i}",
            sources=("s",),
            pledge=Pledge("perez", parse_edtf(f"{2000 + i % 20}-{1 + i % 12:02}")),
        )
        for i in range(count)
    ]
    return Collection(
        title="Many pledges",
        people={"perez": Person("perez", "AJ Perez")},
        sources={"s": Source("s", "A source")},
        events=events,
    )


async def test_thousands_of_pledges_list_in_chunks_and_stay_responsive():
    app = BoardHost(many_pledges(1_200), as_of=datetime.date(2030, 1, 1))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        board = app.board
        table = board.query_one("#pledge-table", DataTable)
        # A new set of pledges is a full rebuild, as on opening: the first chunk is there
        # at once, the heading says the rest is coming.
        board.event_indexes = list(range(1_000))
        board.refresh_rows()
        assert table.row_count == FILL_CHUNK
        assert "1,000 pledges (listing 500…)" in heading(board)
        board.event_indexes = None
        board.refresh_rows()
        for _ in range(20):
            if board.filled == 1_200:
                break
            await pilot.pause()
        assert table.row_count == 1_200
        assert heading(board).startswith("Pledges as of 1 Jan 2030 · 1,200 pledges, 1,200 overdue")
        await pilot.press("greater_than_sign")  # in place: the same rows, re-rated
        assert table.row_count == 1_200
        assert heading(board).startswith("Pledges as of 1 Feb 2030")


async def test_a_theme_change_recolours_the_cells():
    app = BoardHost(chain_collection())
    async with app.run_test(size=(160, 50)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        board = app.board
        table = board.query_one("#pledge-table", DataTable)
        before = table.get_cell("pledge-funding", "overdue").spans
        app.theme = "textual-light"
        for _ in range(3):
            await pilot.pause()
        after = table.get_cell("pledge-funding", "overdue")
        assert after.plain == "overdue by 12 days"
        assert after.spans != before  # the error colour of the light theme


# ---- fitting the width: what the board is for shows at 80x24 -----------------------------

NEWCOMER_AS_OF = datetime.date(2026, 12, 3)  # the day the issue measured the board on


def bundled_board(bundled_log_path: Path, as_of: datetime.date = NEWCOMER_AS_OF) -> BoardHost:
    return BoardHost(load_paths([bundled_log_path]).collection, as_of=as_of)


def screen_lines(board: PledgeBoard) -> list[str]:
    table = board.query_one("#pledge-table", DataTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_at_80x24_status_overdue_title_and_due_show_and_the_overdue_text_is_whole(
    bundled_log_path: Path,
) -> None:
    app = bundled_board(bundled_log_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = screen_lines(app.board)
        table = app.board.query_one("#pledge-table", DataTable)
        assert table.scroll_x == 0
    header, first = lines[0], lines[1]
    for label in ("Status", "Overdue", "Pledge", "Due"):
        assert label in header, (label, header)
    assert "overdue by 8 years, 8 months" in first  # never cut
    assert "Perez pledges" in first  # the title, cut at a word boundary
    assert "Mar 2018" in first  # its due date
    assert all(len(line) <= 80 for line in lines)


@pytest.mark.parametrize("width", [80, 120, 160, 200])
async def test_titles_end_at_a_word_boundary_and_more_columns_follow_the_width(
    bundled_log_path: Path, width: int
) -> None:
    app = bundled_board(bundled_log_path)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        board = app.board
        table = board.query_one("#pledge-table", DataTable)
        titles = [str(table.get_cell_at(Coordinate(i, 2))) for i in range(table.row_count)]
        columns = list(table.columns.values())
        start = sum(c.get_render_width(table) for c in columns[:2])  # after Status, Overdue
        title_width = columns[2].get_render_width(table)
        lines = screen_lines(board)
    header = lines[0]
    assert title_width >= 12 + 2
    cuts = 0
    for whole, line in zip(titles, lines[1:], strict=False):
        cell = line[start : start + title_width].strip()
        if cell == whole:
            continue
        cuts += 1
        assert cell.endswith("\u2026"), cell
        # What precedes the ellipsis is whole words: the title goes on with a space there.
        kept = cell[:-1]
        assert whole.startswith(kept) and whole[len(kept)] == " ", (cell, whole)
    assert cuts or width >= 160
    if width >= 120:
        assert " By " in header
    if width >= 160:
        assert " Made" in header


async def test_t_sets_the_as_of_date_and_braces_move_it_a_year(bundled_log_path: Path) -> None:
    app = bundled_board(bundled_log_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, AsOfScreen)
        field = prompt.query_one("#jump-input", Input)
        assert field.value == "2026-12-03"
        field.value = "2018-05"  # a month is judged at its last day
        await pilot.press("enter")
        await pilot.pause()
        board = app.board
        assert board.as_of == datetime.date(2018, 5, 31)
        assert heading(board).startswith("Pledges as of 31 May 2018")
        assert "overdue by 2 months" in screen_lines(board)[1]
        await pilot.press("right_curly_bracket")
        assert board.as_of == datetime.date(2019, 5, 31)
        await pilot.press("left_curly_bracket", "left_curly_bracket")
        assert board.as_of == datetime.date(2017, 5, 31)
        await pilot.press("greater_than_sign")
        assert board.as_of == datetime.date(2017, 6, 30)
        await pilot.press("less_than_sign")
        assert board.as_of == datetime.date(2017, 5, 30)
        # A date with no last day is refused in the prompt, which stays open; today works.
        await pilot.press("t")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, AsOfScreen)
        prompt.query_one("#jump-input", Input).value = "2018/.."
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt
        assert "open end" in str(prompt.query_one("#jump-error", Static).content)
        prompt.query_one("#jump-input", Input).value = "today"
        await pilot.press("enter")
        await pilot.pause()
        assert app.board.as_of == datetime.date.today()
        # Escape leaves the date as it was.
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.board.as_of == datetime.date.today()


def test_board_snapshot_120x40(snap_compare):
    assert snap_compare(SnapshotHost(), terminal_size=(120, 40))
