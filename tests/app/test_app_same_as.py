"""Confirmed same_as groups: one timeline row marked with the number of accounts, and the
detail pane shows every account with its file."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.app.test_detail import pane_text
from tui.app.app import WatchlineApp
from tui.app.widgets.detail import DetailPane

pytestmark = pytest.mark.anyio

AS_OF = datetime.date(2021, 6, 1)

SECOND = """\
watchline: 1
title: Another account
sources:
  wapo-fatal-force: {title: "Fatal Force \\u202eevil"}
events:
  - id: wapo-2563
    date: "2017-05-09"
    kind: shooting
    title: "Jayson Negron, 15, killed by police in Bridgeport, CT \\u202e"
    summary: "Shot after a chase.\\u2028Second line."
    sources: [wapo-fatal-force]
    same_as: [negron-shooting]
"""


async def test_a_same_as_pair_is_one_row_marked_2_and_the_detail_shows_both(
    bundled_log_path: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second.yaml"
    second.write_text(SECOND)
    app = WatchlineApp([bundled_log_path, second], as_of=AS_OF, remember=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        collection = app.collection
        assert collection is not None
        timeline = app.timeline
        negron = collection.index["negron-shooting"]
        wapo = collection.index["wapo-2563"]
        # One row for the pair: two accounts, one event shown.
        assert len(timeline.shown) == len(collection.events) - 1
        assert timeline.is_shown(negron) != timeline.is_shown(wapo)
        shown = negron if timeline.is_shown(negron) else wapo
        row = timeline.row_of(shown)
        assert row is not None
        timeline.scroll_to(y=max(0, row - 5), animate=False)
        await pilot.pause()
        line = timeline.render_line(row - int(timeline.scroll_offset.y)).text
        assert "×2 " in line
        # Going to the hidden account lands on the row that stands for it.
        assert app.go_to_event("wapo-2563") and app.go_to_event("negron-shooting")
        assert timeline.cursor == shown
        app._show_detail(shown)
        await pilot.pause()
        text = pane_text(app.query_one(DetailPane))
        assert "Accounts (2)" in text
        assert "Bridgeport officer shoots and kills Jayson Negron, 15" in text
        assert "Jayson Negron, 15, killed by police in Bridgeport, CT" in text
        assert "second.yaml · wapo-2563" in text
        assert "ct-bodycams.yaml · negron-shooting" in text
        assert "Fatal Force" in text
        assert "\u202e" not in text and "\u2028" not in text
