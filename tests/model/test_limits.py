"""Limits for text (issue 12): a field longer than tui.model.format.TEXT_LIMITS, or an event
holding more than EVENT_TEXT_LIMIT characters, is a problem at its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.format import EVENT_TEXT_LIMIT, SLUG_LIMIT, TEXT_LIMITS
from tui.model.load import LoadResult, load_paths
from tui.model.schema import json_schema

HEAD = """\
watchline: 1
title: T
people:
  p: {name: P}
sources:
  s1: {title: One}
events:
  - id: e1
    date: 2017
    kind: other
    sources: [s1]
"""


def event(*lines: str, title: str = "A") -> str:
    """HEAD's event with ``title`` (line 12, column 12) and more field lines after it."""
    return HEAD + f"    title: {title}\n" + "".join(f"    {line}\n" for line in lines)


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def _load(text: str) -> LoadResult:
        Path("log.yaml").write_text(text, encoding="utf-8")
        return load_paths(["log.yaml"])

    return _load


def messages(result: LoadResult) -> list[str]:
    return [str(problem) for problem in result.problems]


def test_the_documented_limits() -> None:
    assert TEXT_LIMITS == {"title": 300, "summary": 20_000, "description": 20_000, "*": 2_000}
    assert (SLUG_LIMIT, EVENT_TEXT_LIMIT) == (100, 25_000)


def test_a_title_at_the_limit_is_accepted_and_one_over_is_a_problem_at_its_place(load) -> None:
    assert messages(load(event(title="t" * 300))) == []
    assert messages(load(event(title="t" * 301))) == [
        "log.yaml:12:12: error: 'title' is 301 characters long; at most 300 are allowed"
    ]


def test_a_megabyte_title_is_refused_not_shown(load) -> None:
    # The case, at a tenth of its size (10 MB: 20 s and 591 MB to open its details).
    result = load(event(title="x" * 1_000_000))
    assert messages(result) == [
        "log.yaml:12:12: error: 'title' is 1,000,000 characters long; at most 300 are allowed"
    ]
    assert result.collection is None


def test_a_summary_over_its_limit_is_a_problem(load) -> None:
    assert messages(load(event("summary: " + "s" * 20_000))) == []
    assert messages(load(event("summary: " + "s" * 20_001))) == [
        "log.yaml:13:14: error: 'summary' is 20,001 characters long; at most 20,000 are allowed"
    ]


def test_other_text_ids_items_and_data_have_limits(load) -> None:
    long = "x" * 2_001
    assert messages(load(event(f"place: {long}"))) == [
        "log.yaml:13:12: error: 'place' is 2,001 characters long; at most 2,000 are allowed"
    ]
    assert messages(load(event(f"quotes: [{{text: {long}, by: p}}]"))) == [
        "log.yaml:13:21: error: 'text' is 2,001 characters long; at most 2,000 are allowed"
    ]
    assert messages(load(event(f"data: {{k: {long}}}"))) == [
        "log.yaml:13:15: error: 'data' value 'k' is 2,001 characters long; at most 2,000 are "
        "allowed"
    ]
    long_id = "e" * 101
    assert messages(load(HEAD.replace("id: e1", f"id: {long_id}") + "    title: A\n")) == [
        "log.yaml:8:9: error: 'id' is 101 characters long; at most 100 are allowed"
    ]
    over = HEAD.replace(
        "s1: {title: One}", "s1: {title: One, url: 'https://x.example/" + "u" * 2000 + "'}"
    )
    assert messages(load(over + "    title: A\n")) == [
        "log.yaml:6:25: error: 'url' is 2,018 characters long; at most 2,000 are allowed",
        # As for any invalid entry, the references to it are reported too.
        "log.yaml:11:15: error: unknown source 's1' (not in 'sources')",
    ]


def test_an_event_with_more_text_than_its_pane_shows_is_a_problem_at_the_event(load) -> None:
    # Each field within its own limit, too much together.
    lines = [
        "summary: " + "s" * 20_000,
        "note: " + "n" * 2_000,
        "place: " + "p" * 2_000,
        "quotes: [{text: " + "q" * 2_000 + ", by: p}]",
    ]
    assert messages(load(event(*lines))) == [
        "log.yaml:8:5: error: event 'e1' holds 26,061 characters of text; an event may hold at "
        "most 25,000 (its detail pane shows it all): shorten it, or leave the long text to a "
        "source"
    ]
    assert messages(load(event(*lines[:3]))) == []


def test_the_schema_states_the_same_limits() -> None:
    defs = json_schema()["$defs"]
    event_props = defs["event"]["properties"]
    assert event_props["title"]["maxLength"] == 300
    assert event_props["summary"]["maxLength"] == 20_000
    assert event_props["place"]["maxLength"] == 2_000
    assert event_props["id"]["maxLength"] == 100
