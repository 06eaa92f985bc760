"""The detail pane lays out any event the loader accepts quickly (issue 12: a 10 MB title
took 20 s and 591 MB to open; tui.model.format's limits now refuse it)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual.widgets import Static

from tests.app.test_detail import DetailHost
from tui.app.widgets.detail import DetailPane
from tui.model.format import EVENT_TEXT_LIMIT, TEXT_LIMITS
from tui.model.load import load_paths

WORDS = "the board voted to fund body cameras for every patrol officer, "


def largest_event_log(path: Path) -> Path:
    """A log whose one event is about as large as the limits allow: the longest title, a
    summary of paragraphs at its limit, a long note and quote, near EVENT_TEXT_LIMIT."""
    title = ("Long title " * 30)[: TEXT_LIMITS["title"]].strip()
    paragraph = (WORDS * 20)[:1_000].strip()
    summary = "\n\n".join([paragraph] * 19) + "\n\nThe end."
    assert len(summary) <= TEXT_LIMITS["summary"]
    other = (WORDS * 40)[: TEXT_LIMITS["*"] - 10].strip()
    block = "\n".join(f"      {line}" if line else "" for line in summary.split("\n"))
    path.write_text(
        "watchline: 1\ntitle: T\npeople:\n  p: {name: P}\nsources:\n  s: {title: S}\n"
        "events:\n  - id: big\n    date: 2019-04-02\n    kind: other\n    sources: [s]\n"
        f"    title: {title}\n    note: {json.dumps(other)}\n"
        f"    place: {json.dumps(other[:1_000])}\n"
        f"    quotes: [{{text: {json.dumps(other)}, by: p, source: s}}]\n"
        f"    summary: |\n{block}\n",
        encoding="utf-8",
    )
    return path


async def test_the_largest_accepted_event_is_laid_out_in_well_under_a_second(tmp_path: Path):
    result = load_paths([largest_event_log(tmp_path / "big.yaml")])
    assert result.problems == [], result.problems
    assert result.collection is not None
    event = result.collection.events[0]
    size = len(event.title) + len(event.summary or "") + len(event.note or "")
    size += len(event.place or "")
    assert size + len(event.quotes[0].text) > EVENT_TEXT_LIMIT - 1_500
    app = DetailHost(result.collection, None)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(DetailPane)
        body = pane.query_one("#detail-body", Static)
        started = time.perf_counter()
        pane.show(event, result.collection, app.as_of)
        content = body.content
        lines = content.wrap(pane.scrollable_content_region.width)  # what layout does
        took = time.perf_counter() - started
        await pilot.pause()
        assert "The end." in content.plain
        assert len(lines) > 250
        # About 25 ms on a quiet machine; the bound only catches a return to seconds.
        assert took < 1.0
