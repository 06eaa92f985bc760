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
from tui.importers.timelinejs import html_to_text, import_timelinejs, web_address
from tui.model.log import Collection, Event

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
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning:" in line]
    # Nothing is skipped; what is not carried is said, one line a kind of loss.
    assert all(line.startswith("watchline: warning: not carried: ") for line in warnings)
    collection = load_imported(out)
    assert len(collection.events) == len(slides)
    for event in collection.events:
        assert event.kind == "other"
        assert event.sources  # a link of the slide, or the timeline itself
        assert "<" not in event.title  # HTML turned into text
    # Every slide whose media is a web address cites it.
    for slide, event in zip(slides, _in_file_order(collection, slides), strict=True):
        media_url = web_address((slide.get("media") or {}).get("url"))
        if media_url:
            assert media_url in {collection.sources[s].url for s in event.sources}


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
    # Her slide's links, then its media (the portrait) and the link in its credit.
    assert [collection.sources[s].url for s in ada.sources] == [
        "https://en.wikipedia.org/wiki/Ada_Lovelace",
        "https://en.wikipedia.org/wiki/Analytical_Engine",
        "https://upload.wikimedia.org/wikipedia/commons/thumb/a/a4/Ada_Lovelace_portrait.jpg/"
        "713px-Ada_Lovelace_portrait.jpg",
        "https://en.wikipedia.org/wiki/Ada_Lovelace#/media/File:Ada_Lovelace_portrait.jpg",
    ]
    assert "media_url" not in ada.data
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


def test_html_becomes_text_with_paragraphs_and_links() -> None:
    text, links = html_to_text(
        '<p>One <b>bold</b> &amp; <a href="https://a.example/x">link</a>.</p>'
        "<p>Two<br/>lines</p>Tail"
    )
    assert text == "One bold & link.\n\nTwo\nlines\n\nTail"
    assert links == [("https://a.example/x", "link")]


def _in_file_order(collection: Collection, slides: list[dict[str, object]]) -> list[Event]:
    """The imported events in the order of the file's slides (their ids are made from the
    slide's unique_id or headline, numbered on repeats; the log sorts by date)."""
    by_line = sorted(collection.events, key=lambda e: e.location.line if e.location else 0)
    assert len(by_line) == len(slides)
    return by_line


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
    result = import_timelinejs(exported)
    out.write_text(result.text, encoding="utf-8")
    # The sample holds what no log may (an escape character in a title), so its embedded
    # form is set aside, with the reason, and the slides are read as TimelineJS shows them.
    assert "slide 2: text holds control character U+001B" in result.warnings[0]
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


def _old_layout(tmp_path: Path) -> Path:
    """The older layout, {"timeline": {"slides": [...]}}, with what a slide may carry."""
    return _write(
        tmp_path,
        {
            "timeline": {
                "title": {
                    "text": {"headline": "Old <i>layout</i>", "text": "<p>About it.</p>"},
                    "media": {
                        "url": "https://example.org/about",
                        "thumbnail": "https://example.org/t.png",
                    },
                },
                "slides": [
                    {
                        "start_date": {"year": "2017", "month": "05", "day": "09", "hour": "14"},
                        "text": {"headline": "Shooting", "text": "<p>Shots fired.</p>"},
                        "location": {"name": "Bridgeport, CT", "lat": 41.18, "lon": "-73.19"},
                        "media": {
                            "url": "//news.example/story",
                            "caption": "The <b>story</b>",
                            "thumbnail": "x.png",
                        },
                        "background": {"color": "#000"},
                    },
                    {
                        "start_date": {"year": 2017, "month": 5, "day": 10, "minute": 30},
                        "text": {"headline": "Vigil"},
                        "location": {"lat": 41.2, "lon": -73.2, "zoom": 11},
                        "media": {"url": "/local/picture.jpg"},
                        "background": {"url": "https://example.org/bg.jpg"},
                    },
                    {
                        "start_date": {"year": "2017", "month": "05", "day": "11"},
                        "text": {"headline": "Statement"},
                        "location": {"name": "City Hall", "lat": "north", "lon": ""},
                        "media": {
                            "url": "https://news.example/story",
                            "link": "https://x.example/y",
                        },
                        "display_date": "Thursday",
                    },
                ],
                "eras": [
                    {
                        "start_date": {"year": "2017", "month": "05"},
                        "end_date": {"year": "2018", "month": "06"},
                        "text": {"headline": "The Negron year", "text": "From shooting to report."},
                    },
                    {"start_date": {"year": "2020"}, "text": {"headline": ""}},
                ],
            }
        },
    )


def test_the_older_layout_with_times_places_media_and_eras(tmp_path: Path) -> None:
    result = import_timelinejs(_old_layout(tmp_path))
    assert result.events == 5
    out = tmp_path / "log.yaml"
    out.write_text(result.text, encoding="utf-8")
    log = load_imported(out)
    by_title = {e.title: e for e in log.events}
    assert log.title == "Old layout" and log.description == "About it."
    # The title slide's link is the source that stands for the timeline.
    (timeline,) = (s for s in log.sources.values() if s.url == "https://example.org/about")
    # A time of day makes an EDTF date-time; a minute alone is a time too.
    shooting = by_title["Shooting"]
    assert shooting.date.text == "2017-05-09T14:00:00"
    assert by_title["Vigil"].date.text == "2017-05-10T00:30:00"
    # Location name and coordinates (as written) are the place.
    assert shooting.place == "Bridgeport, CT (41.18, -73.19)"
    assert by_title["Vigil"].place == "41.2, -73.2"
    assert by_title["Statement"].place == "City Hall"
    # Media addresses are sources (one per URL, protocol-relative made https), titled by
    # the caption; a site-relative path cites nothing, so the slide cites the timeline.
    story = log.sources[shooting.sources[0]]
    assert (story.url, story.title) == ("https://news.example/story", "The story")
    statement = by_title["Statement"]
    assert [log.sources[s].url for s in statement.sources] == [
        "https://news.example/story",
        "https://x.example/y",
    ]
    assert [log.sources[s] for s in by_title["Vigil"].sources] == [timeline]
    # Eras are events of the kind "era", over their span.
    era = by_title["The Negron year"]
    assert (era.kind, era.date.text, era.summary) == (
        "era",
        "2017-05/2018-06",
        "From shooting to report.",
    )
    assert log.kinds["era"].label == "Era"
    assert by_title["Untitled era 2"].date.text == "2020"


def test_what_is_not_carried_is_listed_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _old_layout(tmp_path)
    assert main(["import", "timelinejs", str(path), "-o", str(tmp_path / "log.yaml")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "watchline: warning: not carried: title slide's media.thumbnail: the title slide",
        "watchline: warning: not carried: media.thumbnail (a preview image): 1 slide (1)",
        "watchline: warning: not carried: background (the slide's background colour or "
        "image): 2 slides (1-2)",
        "watchline: warning: not carried: location.zoom (a map zoom level): 1 slide (2)",
        "watchline: warning: not carried: display_date (a date as the slide shows it): 1 slide (3)",
        "watchline: warning: not carried: media.url that is no web address (a path on its "
        "site): 1 slide (2)",
        "watchline: warning: not carried: location lat/lon that are not coordinates: 1 slide (3)",
        f"watchline: wrote 5 events to {tmp_path / 'log.yaml'}, 7 warnings",
    ]


def test_a_slide_too_long_for_a_log_is_left_out_with_its_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "events": [
                {"start_date": {"year": "2001"}, "text": {"headline": "Fine"}},
                {
                    "start_date": {"year": "2002"},
                    "text": {"headline": "Long", "text": "x " * 15000},
                },
            ]
        },
    )
    result = import_timelinejs(path)
    assert result.events == 1
    (warning,) = result.warnings
    assert warning.startswith("t.json: slide 2: ") and warning.endswith("(left out)")
    assert "20000" in warning or "20,000" in warning
    out = tmp_path / "log.yaml"
    out.write_text(result.text, encoding="utf-8")
    assert [e.title for e in load_imported(out).events] == ["Fine"]
