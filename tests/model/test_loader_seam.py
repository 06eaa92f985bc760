"""The parse/build seam: another parser's plain tree plus a LazyLocator builds the same log.

yaml-rs stands in for the fast path here (it is a dependency already); the builder must
give the same objects and the same FILE:LINE:COL problems as the ruamel path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.load import Builder, FilePart, parse_text
from tui.model.load.positions import LazyLocator, scan_event_positions

yaml_rs = pytest.importorskip("yaml_rs")

LOGS = Path(__file__).parent / "logs"


def both_paths(text: str) -> tuple[tuple[FilePart, list[str]], tuple[FilePart, list[str]]]:
    parsed = parse_text(text, "log.yaml")
    assert parsed.problems == []
    slow = Builder("log.yaml", parsed.locator)
    slow_part = slow.build(parsed.tree)
    tree = yaml_rs.loads(text, parse_datetime=False)
    events = tree.get("events") if isinstance(tree, dict) else None
    count = len(events) if isinstance(events, list) else None
    fast = Builder("log.yaml", LazyLocator(text, "log.yaml", count))
    fast_part = fast.build(tree)
    return (slow_part, [str(p) for p in slow.problems]), (
        fast_part,
        [str(p) for p in fast.problems],
    )


def test_same_objects_from_either_parser():
    text = (LOGS / "example.yaml").read_text(encoding="utf-8")
    (slow, slow_problems), (fast, fast_problems) = both_paths(text)
    assert slow_problems == fast_problems == []
    assert [e for e, _ in slow.events] == [e for e, _ in fast.events]
    assert slow.registries == fast.registries
    assert slow.refs == fast.refs


def test_same_problems_from_either_parser():
    text = (LOGS / "example.yaml").read_text(encoding="utf-8")
    text = text.replace("    title: An audit", "    titel: An audit\n    place: 1984")
    text = text.replace("currency: USD", "currency: usd")
    (_, slow_problems), (_, fast_problems) = both_paths(text)
    assert len(slow_problems) == 4
    assert slow_problems == fast_problems


def test_escaped_control_characters_are_caught_by_the_builder_too():
    # yaml-rs hands "\e" over as ESC; the builder refuses it where the text is used.
    text = (LOGS / "example.yaml").read_text(encoding="utf-8")
    text = text.replace("note: unverified", 'note: "\\e[2J"')
    parsed = parse_text(text, "log.yaml")
    tree = yaml_rs.loads(text, parse_datetime=False)
    builder = Builder("log.yaml", LazyLocator(text, "log.yaml"))
    builder.build(tree)
    assert [str(p) for p in builder.problems] == [
        "log.yaml:68:11: error: text holds control character U+001B; "
        "a log holds only printable text"
    ]
    assert [str(p) for p in parsed.problems] == [
        "log.yaml:68:11: error: text holds control character U+001B (written as an escape); "
        "a log holds only printable text"
    ]


def test_non_text_keys_from_another_parser_are_problems_not_crashes():
    text = "watchline: 1\ntitle: T\n2017: x\nagencies:\n  42: {name: A}\n"
    builder = Builder("log.yaml", LazyLocator(text, "log.yaml"))
    builder.build(yaml_rs.loads(text, parse_datetime=False))
    assert [str(p) for p in builder.problems] == [
        "log.yaml:3:1: error: a key must be text, got the number 2017 (put it in quotes to "
        "make it text)",
        "log.yaml:5:3: error: a key must be text, got the number 42 (put it in quotes to "
        "make it text)",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "watchline: 1\nevents:\n-\n  id: a\n- id: b  # c\n\n# x\n-   {id: c}\ntitle: x\n",
        "events:\n  - id: a\n    summary: |\n      - not an item\n  - id: b\n",
    ],
)
def test_event_line_scan_agrees_with_the_parser(text: str):
    scanned = scan_event_positions(text)
    assert scanned == parse_text(text, "x").locator.event_positions()


def test_event_line_scan_gives_up_on_flow_lists():
    assert scan_event_positions("events: [{id: a}]\n") is None
    assert scan_event_positions("title: x\nevents: []\n") is None
