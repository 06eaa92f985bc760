"""`same_as`: the same incident seen by two sources; checked like `related`, closed both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.load import LoadResult, load_paths
from tui.model.load.cache import decode_part, encode_part
from tui.model.load.files import load_data

HEAD = """\
watchline: 1
title: T
sources:
  s1: {title: Source one}
events:
"""


def ev(event_id: str, *extra: str, date: str = "2017-05-09") -> str:
    lines = [
        f"  - id: {event_id}",
        f"    date: {date}",
        "    kind: shooting",
        f"    title: {event_id}",
        "    sources: [s1]",
        *(f"    {x}" for x in extra),
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def _load(**files: str) -> LoadResult:
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        return load_paths([f"{name}.yaml" for name in files])

    return _load


def test_unknown_same_as_is_placed_with_a_suggestion(load):
    result = load(log=HEAD + ev("negron") + ev("other", "same_as: [negrom]"))
    assert [str(p) for p in result.problems] == [
        "log.yaml:16:15: error: unknown event 'negrom'; did you mean 'negron'? (not in 'events')"
    ]


def test_an_event_same_as_itself_is_a_problem(load):
    result = load(log=HEAD + ev("a", "same_as: [a]"))
    assert [str(p) for p in result.problems] == [
        "log.yaml:11:15: error: event 'a' names itself in 'same_as'; list the ids of other "
        "accounts of the same incident"
    ]


def test_same_as_is_symmetric_and_transitive_across_files(load):
    result = load(
        one=HEAD + ev("a") + ev("b", "same_as: [a]") + ev("lone"),
        two=HEAD + ev("c", "same_as: [b]", date="2017-05-10"),
    )
    assert result.problems == []
    collection = result.collection
    assert collection is not None
    assert collection.same_as_group("a") == ("a", "b", "c")
    assert collection.same_as_group("c") == ("a", "b", "c")
    assert collection.same_as_group("lone") == ("lone",)
    assert collection.same_as_group("missing") == ()
    assert collection.same_as_groups() == [("a", "b", "c")]


def test_same_as_round_trips_through_the_cache_encoding():
    part, problems = load_data((HEAD + ev("a") + ev("b", "same_as: [a]")).encode(), "log.yaml")
    assert problems == [] and part is not None
    again = decode_part(encode_part(part), "log.yaml", part.locator)
    assert [event for event, _ in again.events] == [event for event, _ in part.events]
    assert again.events[1][0].same_as == ("a",)
    assert type(again.events[1][0].same_as) is tuple
