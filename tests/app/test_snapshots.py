"""SVG snapshots of the screen at 80x24 and 160x50 (pytest-textual-snapshot).

The log is built in memory and the as-of date and theme are fixed, so a snapshot changes
only when the screen does. Update after an intended change with
``pytest tests/app/test_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from tests.app.conftest import AS_OF, sample_collection
from tui.app.app import WatchlineApp


def make_app(query: str = "") -> WatchlineApp:
    return WatchlineApp(collection=sample_collection(), query=query, as_of=AS_OF, remember=False)


async def steady(pilot) -> None:  # type: ignore[no-untyped-def]
    """No blinking cursor, every worker done: the same frame every run."""
    app = pilot.app
    app.query_bar.input.cursor_blink = False
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_timeline_alone_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(), terminal_size=(80, 24), press=["j", "j", "j"], run_before=steady
    )


def test_timeline_and_detail_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["j", "j"], run_before=steady)


def test_pledge_board_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(80, 24), press=["p"], run_before=steady)


def test_pledge_board_at_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(120, 40), press=["p"], run_before=steady)


def test_facets_timeline_and_detail_at_160x50(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(160, 50), press=["G", "k"], run_before=steady)


def test_facets_timeline_and_detail_at_200x60(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=(200, 60), press=["j", "j"], run_before=steady)


def test_timeline_and_detail_at_100x30_with_a_query(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app("agency:bpd"), terminal_size=(100, 30), run_before=steady)


def test_detail_overlay_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(),
        terminal_size=(80, 24),
        press=["right_curly_bracket", "enter"],
        run_before=steady,
    )


def test_query_error_in_place(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def type_bad_query(pilot) -> None:  # type: ignore[no-untyped-def]
        await steady(pilot)
        pilot.app.query_bar.input.value = "agency:bpd from:2017-13"
        await pilot.pause()
        pilot.app.timeline.focus()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=type_bad_query)


def test_help_over_the_timeline_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(), terminal_size=(80, 24), press=["question_mark"], run_before=steady
    )
