"""`watchline import timelinejs`: real TimelineJS files become valid logs, and back again."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.cli.export_sample import sample_selection
from tests.cli.imported import load_imported
from tui.cli import main
from tui.formats.timelinejs import render_events
from tui.importers.timelinejs import html_to_text, import_timelinejs

REAL_FILES = (
    "houston-timeline3.json",
    "republican-timeline3.json",
    "twain-marktwain.json",
    "women_in_computing.json",
)


@pytest.fixture
def timelinejs_dir(shared_dir: Path) -> Path:
    folder = shared_dir / "datasets" / "timelinejs"
    if not folder.is_dir():
        pytest.skip("the TimelineJS examples are not in the shared folder")
    return folder


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_slide_of_a_real_file_becomes_an_event(
    name: str, timelinejs_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = timelinejs_dir / name
    slides = json.loads(source.read_text(encoding="utf-8"))["events"]
    out = tmp_path / "log.yaml"
    assert main(["import", "timelinejs", str(source), "-o", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err
    collection = load_imported(out)
    assert len(collection.events) == len(slides)
    for event in collection.events:
        assert event.kind == "other"
        assert event.sources  # a link of the slide, or the timeline itself
        assert "<" not in event.title  # HTML turned into text


def test_women_in_computing_keeps_links_intervals_and_the_title_slide(
    timelinejs_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "women.yaml"
    out.write_text(import_timelinejs(timelinejs_dir / "women_in_computing.json").text, "utf-8")
    collection = load_imported(out)
    assert collection.title == "Women in Computing"
    assert (collection.description or "").startswith("In this sample timeline")
    ada = collection.event("ada-lovelace")
    assert ada is not None
    assert ada.date.text == "1815-12-10/1852-11-27" and ada.date.is_interval
    urls = {collection.sources[s].url for s in ada.sources}
    assert urls == {
        "https://en.wikipedia.org/wiki/Ada_Lovelace",
        "https://en.wikipedia.org/wiki/Analytical_Engine",
    }
    assert "Take Ada Lovelace: Daughter of Lord Byron" in (ada.summary or "")
    # "month": "", "day": "" -> a year; an end of "1946" -> an interval to a year.
    eniac = collection.event("and-the-women-who-made-it-work")
    assert eniac is not None and eniac.date.text == "1943-07/1946"
    recursion = next(e for e in collection.events if e.title.startswith("Rózsa Péter"))
    assert recursion.date.text == "1951" and recursion.date.precision == "year"
    # A slide without links cites the timeline file itself.
    clarke = collection.event("edith-clarke-bucking-the-trend")
    assert clarke is not None
    note = collection.sources[clarke.sources[0]].note or ""
    assert "women_in_computing.json" in note
    # Its media is an HTML blockquote: it becomes a quote, the <cite> set apart.
    assert clarke.quotes[0].text.startswith("There is no demand for women engineers")
    assert clarke.quotes[0].text.endswith(
        "work. — Edith Clarke, first female professor of electrical engineering in the United States"
    )
    # Media URLs are kept as data, protocol-relative ones made https.
    assert ada.data["media_url"].startswith("https://upload.wikimedia.org/")


def test_html_becomes_text_with_paragraphs_and_links() -> None:
    text, links = html_to_text(
        '<p>One <b>bold</b> &amp; <a href="https://a.example/x">link</a>.</p>'
        "<p>Two<br/>lines</p>Tail"
    )
    assert text == "One bold & link.\n\nTwo\nlines\n\nTail"
    assert links == [("https://a.example/x", "link")]


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_numbers_empty_strings_groups_and_bce_years(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "events": [
                {"start_date": {"year": 2012, "month": 1, "day": 3}, "text": {"headline": "Ints"}},
                {
                    "start_date": {"year": "2012", "month": "", "day": ""},
                    "text": {"headline": "Strings", "text": ""},
                    "group": "Primaries",
                },
                {"start_date": {"year": "-500"}, "text": {"headline": "Ancient"}},
                {"start_date": {"year": ""}, "text": {"headline": "No year"}},
                {
                    "start_date": {"year": "2013"},
                    "text": {
                        "headline": "Same link twice",
                        "text": '<a href="//a.example/p">a</a> <a href="//a.example/p">b</a>',
                    },
                    "group": "Primaries",
                },
            ]
        },
    )
    result = import_timelinejs(path)
    assert result.events == 3
    assert len(result.warnings) == 2
    assert "Ancient" in result.warnings[0] and "BCE" in result.warnings[0]
    assert "No year" in result.warnings[1]
    out = tmp_path / "log.yaml"
    out.write_text(result.text, encoding="utf-8")
    collection = load_imported(out)
    assert [e.date.text for e in collection.events] == ["2012", "2012-01-03", "2013"]
    assert list(collection.topics) == ["primaries"]
    twice = collection.event("same-link-twice")
    assert twice is not None and len(twice.sources) == 1
    assert collection.sources[twice.sources[0]].url == "https://a.example/p"


def test_twain_keeps_the_time_of_day_of_its_slides(timelinejs_dir: Path, tmp_path: Path) -> None:
    source = timelinejs_dir / "twain-marktwain.json"
    slides = json.loads(source.read_text(encoding="utf-8"))["events"]
    timed = [s for s in slides if str(s["start_date"].get("hour", "")).strip()]
    out = tmp_path / "twain.yaml"
    out.write_text(import_timelinejs(source).text, "utf-8")
    collection = load_imported(out)
    with_time = [e for e in collection.events if e.date.time is not None]
    aside = [e for e in collection.events if "start_time" in e.data]
    # Every slide with an hour keeps it: in its date, or (an interval) in its data.
    assert len(with_time) + len(aside) == len(timed) == 15
    first = next(e for e in with_time if e.date.lower == date(2000, 1, 5))
    assert first.date.text == "2000-01-05T06:45:56"
    assert first.date.display() == "5 Jan 2000 06:45"
    (span,) = aside
    assert span.date.text == "1920-01-05/1923-01-05"
    assert (span.data["start_time"], span.data["end_time"]) == ("06:45:56", "06:45:56")


def test_a_time_of_day_becomes_a_date_time(tmp_path: Path) -> None:
    def slide(headline: str, start: dict[str, object], end: object = None) -> dict[str, object]:
        found: dict[str, object] = {"start_date": start, "text": {"headline": headline}}
        if end is not None:
            found["end_date"] = end
        return found

    day = {"year": "2018", "month": "06", "day": "01"}
    path = _write(
        tmp_path,
        {
            "events": [
                slide("Evening", {**day, "hour": "20", "minute": "5", "second": ""}),
                slide("Morning", {**day, "hour": 9, "minute": 30, "millisecond": 250}),
                slide("No time", {**day, "hour": "", "minute": ""}),
                slide("Meeting", {**day, "hour": "10"}, {**day, "hour": "12", "minute": "30"}),
                slide("Span", {**day, "hour": "8"}, {"year": "2018", "month": "06", "day": "03"}),
                slide("Month", {"year": "2018", "month": "07", "hour": "7"}),
                slide("Odd", {**day, "hour": "25"}),
                slide("Words", {**day, "hour": "noon"}),
            ]
        },
    )
    result = import_timelinejs(path)
    assert result.events == 8
    assert len(result.warnings) == 2
    assert "slide 7" in result.warnings[0] and "25:00:00 dropped" in result.warnings[0]
    assert "slide 8" in result.warnings[1] and "'noon' is not a number" in result.warnings[1]
    out = tmp_path / "log.yaml"
    out.write_text(result.text, encoding="utf-8")
    collection = load_imported(out)
    by_title = {e.title: e for e in collection.events}
    assert by_title["Evening"].date.text == "2018-06-01T20:05:00"
    assert by_title["Morning"].date.text == "2018-06-01T09:30:00.250"
    assert by_title["No time"].date.text == "2018-06-01"
    meeting = by_title["Meeting"]
    assert meeting.date.text == "2018-06-01T10:00:00"
    assert meeting.data == {"end_time": "12:30:00"}
    span = by_title["Span"]
    assert span.date.text == "2018-06-01/2018-06-03"
    assert span.data == {"start_time": "08:00:00"}
    month = by_title["Month"]
    assert month.date.text == "2018-07" and month.data == {"start_time": "07:00:00"}
    assert by_title["Odd"].date.text == by_title["Words"].date.text == "2018-06-01"
    # The timeline order of one day: the whole day, then by time.
    same_day = [e.title for e in collection.events if e.date.lower == date(2018, 6, 1)]
    assert same_day == ["No time", "Odd", "Words", "Morning", "Meeting", "Evening", "Span"]


def test_bad_json_names_the_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"events": [\n  {"start_date": }\n]}', encoding="utf-8")
    assert main(["import", "timelinejs", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "not valid JSON" in err


def test_a_file_without_events_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, {"title": {}})
    assert main(["import", "timelinejs", str(path)]) == 2
    assert 'no "events" list' in capsys.readouterr().err


def test_export_then_import_gives_the_same_events(tmp_path: Path) -> None:
    """The round trip: ids, titles and date bounds survive TimelineJS."""
    selection = sample_selection(date(2018, 6, 1))
    exported = tmp_path / "timeline.json"
    exported.write_text(render_events(selection), encoding="utf-8")
    out = tmp_path / "back.yaml"
    out.write_text(import_timelinejs(exported).text, encoding="utf-8")
    collection = load_imported(out)
    original = sample_selection().collection
    before = {e.id: (e.title, e.date.lower, e.date.upper) for e in original.events}
    after = {e.id: (e.title, e.date.lower, e.date.upper) for e in collection.events}
    # An open-ended date has no end in TimelineJS; the rest come back whole.
    assert before.pop("ongoing")[:2] == after.pop("ongoing")[:2]
    # The hostile title comes back as the text TimelineJS showed (controls made visible).
    assert after.pop("forum")[0].startswith("Chief ␛[2J<script>")
    before.pop("forum")
    assert after == before
    # Sources with a web link come back as sources with that link.
    negron = collection.event("negron-shooting")
    assert negron is not None
    assert [collection.sources[s].url for s in negron.sources] == [
        "https://example.org/news?a=1&b=2"
    ]
    assert negron.summary == "First paragraph.\n\nSecond paragraph with =SUM(A1)."
