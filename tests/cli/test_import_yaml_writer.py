"""The importers' YAML emitter: whatever a string holds, a YAML reader gets it back exactly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tui.importers.yaml_writer import dump_log, quote, scalar

_yaml = YAML(typ="safe", pure=True)


def _read(text: str):
    return _yaml.load(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_round_trips_through_a_yaml_reader(text: str) -> None:
    assert _read(f"value: {quote(text)}\n")["value"] == text


def test_strings_never_change_type() -> None:
    for word in ("yes", "no", "on", "off", "true", "null", "~", "2017-05-09", "1e3", "0x10", ""):
        assert _read(f"v: {scalar(word)}\n")["v"] == word
    assert scalar("shooting") == "shooting"  # plain slugs stay readable
    assert scalar(Decimal("895000")) == "895000"
    assert scalar(True) == "true" and scalar(41.17) == "41.17"


def test_a_dumped_log_loads_without_problems(tmp_path: Path) -> None:
    from tui.model.load import load_paths

    log = {
        "watchline": 1,
        "title": 'A "quoted" title: with # and \u2028 and emoji \U0001f4f7',
        "topics": {"on": {"label": "A topic whose id YAML 1.1 reads as true"}},
        "sources": {"s1": {"title": "Source", "url": "https://example.org/?a=1&b=2"}},
        "events": [
            {
                "id": "e1",
                "date": "2017-05-09",
                "kind": "other",
                "title": "- starts like a list item: and has a colon",
                "summary": "Line one\n\nLine two \\ with a backslash",
                "topics": ["on"],
                "sources": ["s1"],
                "data": {"age": 15, "armed": False, "lat": -73.19, "code": "no"},
            }
        ],
    }
    path = tmp_path / "log.yaml"
    path.write_text(dump_log(log, header=("made by a test",)), encoding="utf-8")
    result = load_paths([path])
    assert [str(p) for p in result.problems] == []
    collection = result.collection
    assert collection is not None
    assert collection.title == log["title"]
    event = collection.events[0]
    assert event.title == "- starts like a list item: and has a colon"
    assert event.summary == "Line one\n\nLine two \\ with a backslash"
    assert event.topics == ("on",)
    assert event.data == {"age": 15, "armed": False, "lat": -73.19, "code": "no"}


def test_invisible_characters_are_written_as_escapes_and_read_back_exactly() -> None:
    from tests.model.test_text import DANGEROUS

    text = "a" + "".join(sorted(DANGEROUS)) + "\u00e9\U0001f4f7"
    quoted = quote(text)
    assert not DANGEROUS & set(quoted)
    assert "\\u202e" in quoted and "\\U000e0041" in quoted and "\u00e9" in quoted
    assert _read(f"value: {quoted}\n")["value"] == text
