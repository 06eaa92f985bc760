"""The iCalendar writer on its own: TEXT escaping and line folding by RFC 5545, and whole
exports read back by the ``icalendar`` library, value by value."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.generated import generated_log
from tui.formats import Selection
from tui.formats.common import first_url, kind_label, topic_labels
from tui.formats.ics import FOLD, escape_text, fold, render_events
from tui.model.load import load_paths
from tui.model.log import Collection
from tui.model.text import one_line

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2020, 6, 30)


def _value(text: str) -> str:
    """``text`` written as a DESCRIPTION and read back by icalendar."""
    line = fold("DESCRIPTION:" + escape_text(text))
    calendar = icalendar.Calendar.from_ical(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + line + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = calendar.walk("VEVENT")
    return str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "a, b; c \\ d",
        "line one\nline two",
        "ends with a backslash \\",
        "\\n is not a line break here",
        "é" * 100,
        "x" * 73 + "\\,",
        ("long words, " * 40).strip(),
    ],
)
def test_text_comes_back_as_it_went(text: str) -> None:
    assert _value(text) == text


def test_crlf_and_lone_cr_are_line_breaks() -> None:
    assert escape_text("a\r\nb\rc") == "a\\nb\\nc"
    assert _value("a\r\nb\rc") == "a\nb\nc"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_folded_lines_are_at_most_75_octets_and_whole_characters(text: str) -> None:
    line = "SUMMARY:" + escape_text(text)
    folded = fold(line).encode("utf-8")
    physical = folded.split(b"\r\n")
    assert all(len(part) <= FOLD for part in physical)
    for part in physical:
        part.decode("utf-8")  # no line cut inside a character
    assert all(part.startswith(b" ") for part in physical[1:])
    assert b"".join([physical[0], *(part[1:] for part in physical[1:])]) == line.encode()


def test_extension_properties_are_written_as_icalendar_reads_them() -> None:
    calendar = icalendar.Calendar.from_ical(
        render_events(Selection(_titled("Log, with; marks \\ and\nlines"), (), AS_OF))
    )
    assert str(calendar["X-WR-CALNAME"]) == "Log, with; marks \\ and lines"


def _titled(title: str) -> Collection:
    return Collection(title=title)


def test_a_short_line_is_not_folded() -> None:
    assert fold("UID:x@watchline") == "UID:x@watchline"
    assert fold("A" * (FOLD - 1)) == "A" * (FOLD - 1)
    assert fold("A" * FOLD) == "A" * (FOLD - 1) + "\r\n A"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Selection:
    out = generated_log(tmp_path_factory.mktemp("ics"), 600, 5)
    collection = load_paths([out]).collection
    assert collection is not None
    return Selection(collection, tuple(range(len(collection.events))), AS_OF)


def test_a_generated_log_reads_back_event_by_event(generated: Selection) -> None:
    data = render_events(generated)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= FOLD for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == one_line(generated.collection.title)
    vevents = {str(v["UID"]): v for v in calendar.walk("VEVENT")}
    todos = {str(v["UID"]): v for v in calendar.walk("VTODO")}
    collection = generated.collection
    placed = 0
    for event in generated.events:
        lower, upper = event.date.lower, event.date.upper
        if event.pledge is not None:
            assert f"{event.id}-due@watchline" in todos
        if lower == date.min and upper == date.max:
            assert f"{event.id}@watchline" not in vevents
            continue
        vevent = vevents[f"{event.id}@watchline"]
        placed += 1
        assert str(vevent["SUMMARY"]) == one_line(event.title)
        assert str(vevent["X-EDTF"]) == one_line(event.date.text)
        start = vevent.decoded("DTSTART")
        if lower == date.min:
            assert start == upper
        elif event.date.time is None:
            assert start == lower
            if upper > lower and upper != date.max:
                assert vevent.decoded("DTEND") == upper + timedelta(days=1)
        categories = vevent["CATEGORIES"].cats
        expected = [kind_label(collection, event.kind), *topic_labels(collection, event.topics)]
        assert categories == [one_line(c) for c in expected]
        url = first_url(collection, event)
        assert (str(vevent["URL"]) if "URL" in vevent else None) == url
        related = vevent.get("RELATED-TO")
        if event.related:
            values = related if isinstance(related, list) else [related]
            assert [str(v) for v in values] == [f"{r.event}@watchline" for r in event.related]
    assert placed > 500
