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
