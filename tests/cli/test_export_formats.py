"""Every export format, read back by a real parser (csv, json, icalendar, TimelineJS shape).

The events come from ``export_sample``: dataclasses built by hand, so these tests run
without the loader and pin what each format promises.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import icalendar
import pytest

from tests.cli.export_sample import HOSTILE_TITLE, sample_selection
from tui.formats import EVENT_FORMATS, format_module, write_output
from tui.formats.csv_format import EVENT_COLUMNS
from tui.formats.table import truncate

BEFORE_KEPT = date(2018, 6, 1)  # the funding pledge is overdue, not yet rated
AFTER_KEPT = date(2019, 5, 1)  # rated kept on 2019-04-02


def render(name: str, as_of: date = BEFORE_KEPT, width: int = 100) -> str | bytes:
    return format_module(name).render_events(sample_selection(as_of, width))


# ------------------------------------------------------------------------------ json


def test_json_uses_the_logs_field_names_and_derived_bounds() -> None:
    events = json.loads(render("json"))
    by_id = {event["id"]: event for event in events}
    assert [e["id"] for e in events][:2] == ["negron-shooting", "forum"]
    pilot = by_id["pilot"]
    assert (pilot["date"], pilot["date_lower"], pilot["date_upper"]) == (
        "2018-02/2018-04",
        "2018-02-01",
        "2018-04-30",
    )
    # An open end has no bound to give.
    assert by_id["ongoing"]["date_upper"] is None
    grant = by_id["doj-grant"]["grant"]
    assert grant["from"] == "usdoj" and "from_" not in grant
    assert grant["amount"] == 895000 and isinstance(grant["amount"], int)
    assert by_id["reimbursement"]["grant"]["amount"] == 1150449.5
    assert by_id["forum"]["related"] == [{"event": "negron-shooting", "why": "cited at"}]


def test_json_pledge_status_follows_the_as_of_date() -> None:
    before = {e["id"]: e for e in json.loads(render("json", BEFORE_KEPT))}["pledge-funding"]
    after = {e["id"]: e for e in json.loads(render("json", AFTER_KEPT))}["pledge-funding"]
    assert (before["status"], before["overdue"], before["overdue_days"]) == (
        "not-yet-rated",
        True,
        (BEFORE_KEPT - date(2017, 12, 8)).days,
    )
    assert (after["status"], after["overdue"]) == ("kept", False)
    assert before["pledge"]["due"] == "2017-12-08~"
    # Events that are no pledge carry no status at all.
    assert "status" not in {e["id"]: e for e in json.loads(render("json"))}["pilot"]


def test_json_keeps_control_characters_as_data() -> None:
    text = render("json")
    assert "\x1b" not in text  # JSON escapes it itself...
    forum = {e["id"]: e for e in json.loads(text)}["forum"]
    assert forum["title"] == HOSTILE_TITLE  # ...and a reader gets the exact string back


# ------------------------------------------------------------------------------- csv


def test_csv_has_stable_columns_and_joined_lists() -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv"))))
    assert tuple(rows[0]) == EVENT_COLUMNS
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == 8
    assert by_id["negron-shooting"]["sources"] == "news; print"
    assert (
        by_id["negron-shooting"]["summary"] == "First paragraph.\n\nSecond paragraph with =SUM(A1)."
    )
    assert by_id["pledge-funding"]["people_names"] == 'Armando "AJ" Perez'
    assert (by_id["pledge-funding"]["status"], by_id["pledge-funding"]["overdue"]) == (
        "not-yet-rated",
        "true",
    )
    assert by_id["doj-grant"]["grant_amount"] == "895000"
    assert by_id["troopers"]["date_display"] == "Summer 2018"


def test_csv_cells_cannot_start_a_spreadsheet_formula() -> None:
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(render("csv")))}
    assert rows["reimbursement"]["title"] == "'-1 state reimbursement"


# -------------------------------------------------------------------------------- md


def test_markdown_briefing_has_years_footnotes_and_quotes() -> None:
    text = render("md")
    assert text.startswith("# Sample log\n")
    assert "As of 1 Jun 2018. 8 of 8 events." in text
    for year in ("2017", "2018", "2019", "2020"):
        assert f"\n## {year}\n" in text
    # Every footnote used is defined once, with its link.
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", text))
    defs = re.findall(r"^\[\^(\d+)\]: (.*)$", text, flags=re.M)
    assert refs == {n for n, _ in defs}
    assert any("<https://example.org/news?a=1&b=2>" in line for _, line in defs)
    assert "> We want cameras.\n>\n> — Anthony Bennett[^1]" in text
    assert "**overdue by 5 months**" in text


def test_markdown_shows_hostile_text_literally() -> None:
    text = render("md")
    assert "\x1b" not in text and "␛" in text
    assert "<script>" not in text and "\\<script\\>" in text
    # The brackets are escaped, so no link is made, and no autolink either.
    assert "[click](javascript" not in text and "\\[click\\](javascript" in text
    assert "<javascript:" not in text
    # A title starting with "-" is not a list item.
    assert "### Apr 2019: \\-1 state reimbursement" in text


# ------------------------------------------------------------------------------- ics


def _components(as_of: date) -> tuple[list, list]:
    calendar = icalendar.Calendar.from_ical(render("ics", as_of))
    return list(calendar.walk("VEVENT")), list(calendar.walk("VTODO"))


def test_ics_has_an_all_day_event_per_event_with_exclusive_ends() -> None:
    vevents, _ = _components(BEFORE_KEPT)
    by_uid = {str(v["UID"]): v for v in vevents}
    assert set(by_uid) == {
        f"{i}@watchline"
        for i in (
            "negron-shooting",
            "forum",
            "pledge-funding",
            "pilot",
            "doj-grant",
            "troopers",
            "reimbursement",
            "ongoing",
        )
    }
    shooting = by_uid["negron-shooting@watchline"]
    assert shooting.decoded("DTSTART") == date(2017, 5, 9)
    assert "DTEND" not in shooting  # one day: DTSTART alone
    assert str(shooting["X-EDTF"]) == "2017-05-09"
    assert str(shooting["URL"]) == "https://example.org/news?a=1&b=2"
    assert "Second paragraph" in str(shooting["DESCRIPTION"])
    pilot = by_uid["pilot@watchline"]
    assert (pilot.decoded("DTSTART"), pilot.decoded("DTEND")) == (
        date(2018, 2, 1),
        date(2018, 5, 1),
    )
    summer = by_uid["troopers@watchline"]
    assert summer.decoded("DTEND") == date(2018, 9, 1)
    ongoing = by_uid["ongoing@watchline"]
    assert ongoing.decoded("DTSTART") == date(2020, 6, 1) and "DTEND" not in ongoing
    assert str(by_uid["forum@watchline"]["RELATED-TO"]) == "negron-shooting@watchline"
    # The hostile source is not the event's URL; the safe one is.
    assert str(by_uid["forum@watchline"]["URL"]).startswith("https://")


@pytest.mark.parametrize(
    ("as_of", "status"), [(BEFORE_KEPT, "NEEDS-ACTION"), (AFTER_KEPT, "COMPLETED")]
)
def test_ics_pledge_is_a_todo_due_on_its_last_day(as_of: date, status: str) -> None:
    _, todos = _components(as_of)
    assert len(todos) == 1
    todo = todos[0]
    assert str(todo["UID"]) == "pledge-funding-due@watchline"
    assert todo.decoded("DUE") == date(2017, 12, 8)
    assert str(todo["STATUS"]) == status
    assert str(todo["X-EDTF"]) == "2017-12-08~"


def test_ics_carries_no_control_characters() -> None:
    data = render("ics")
    assert isinstance(data, bytes)
    assert b"\x1b" not in data


# ------------------------------------------------------------------------ timelinejs


def test_timelinejs_shape_and_precision() -> None:
    document = json.loads(render("timelinejs"))
    assert document["title"]["text"]["headline"] == "Sample log"
    slides = {slide["unique_id"]: slide for slide in document["events"]}
    assert len(slides) == 8
    for slide in slides.values():
        assert isinstance(slide["start_date"]["year"], int)
        assert set(slide["text"]) == {"headline", "text"}
        assert slide["group"]
    assert slides["negron-shooting"]["start_date"] == {"year": 2017, "month": 5, "day": 9}
    assert "display_date" not in slides["negron-shooting"]
    # Month precision: no invented day.
    assert slides["reimbursement"]["start_date"] == {"year": 2019, "month": 4}
    assert slides["pilot"]["end_date"] == {"year": 2018, "month": 4}
    assert slides["doj-grant"]["display_date"] == "c. 29 May 2018"
    assert slides["troopers"]["display_date"] == "Summer 2018"
    assert slides["troopers"]["end_date"] == {"year": 2018, "month": 8}
    assert "end_date" not in slides["ongoing"] and slides["ongoing"]["display_date"]
    assert slides["pledge-funding"]["group"] == "Pledge"


def test_timelinejs_text_is_escaped_html_with_only_web_links() -> None:
    document = json.loads(render("timelinejs"))
    forum = next(s for s in document["events"] if s["unique_id"] == "forum")
    assert "<script>" not in forum["text"]["headline"]
    assert "&lt;script&gt;" in forum["text"]["headline"]
    assert "javascript:" not in forum["text"]["text"]
    assert '<a href="https://example.org/news?a=1&amp;b=2">' in forum["text"]["text"]
    assert "\x1b" not in json.dumps(document, ensure_ascii=False)


def test_timelinejs_carries_the_log_in_extension_objects() -> None:
    """Each slide holds its event in the log's own form, the top the registries: what
    TimelineJS ignores and `watchline import timelinejs` reads back."""
    document = json.loads(render("timelinejs"))
    top = document["watchline"]
    assert (top["watchline"], top["title"]) == (1, "Sample log")
    assert top["agencies"]["bpd"] == {"name": "Bridgeport Police Department", "aliases": ["BPD"]}
    assert top["people"]["perez"]["agency"] == "bpd"
    assert "kinds" not in top  # only the built-in ones
    slides = {slide["unique_id"]: slide["watchline"] for slide in document["events"]}
    assert slides["doj-grant"]["date"] == "2018-05-29~"  # the EDTF text, not the display
    assert slides["doj-grant"]["grant"] == {
        "amount": 895000,
        "currency": "USD",
        "from": "usdoj",
        "to": "despp",
        "purpose": "800 body cameras",
    }
    assert slides["reimbursement"]["grant"]["amount"] == 1150449.5
    pledge = slides["pledge-funding"]["pledge"]
    assert pledge["due"] == "2017-12-08~"
    assert pledge["ratings"][1] == {
        "status": "kept",
        "as_of": "2019-04-02",
        "evidence": ["ap"],
        "note": "approved",
    }
    assert slides["forum"]["related"] == [{"event": "negron-shooting", "why": "cited at"}]
    assert slides["negron-shooting"]["place"] == "Bridgeport, CT"
    # Empty fields are left out, as a log leaves them out.
    assert set(slides["pilot"]) == {"id", "date", "kind", "title", "sources"}


# ----------------------------------------------------------------------------- table


@pytest.mark.parametrize("width", [50, 80, 120])
def test_table_fits_the_width_and_cuts_titles_with_an_ellipsis(width: int) -> None:
    text = render("table", width=width)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["DATE", "KIND", "TITLE"]
    assert all(len(line) <= width for line in lines)
    assert "\x1b" not in text
    assert any("Summer 2018" in line for line in lines)
    if width < 90:
        assert any(line.rstrip().endswith("…") or "…" in line for line in lines)


def test_truncate_counts_wide_characters_as_two_cells() -> None:
    assert truncate("日本語テキスト", 6) == "日本…"
    assert truncate("short", 10) == "short"


# ---------------------------------------------------------------------------- output


def test_every_format_writes_atomically_to_a_file(tmp_path: Path) -> None:
    for name in EVENT_FORMATS:
        target = tmp_path / f"out.{name}"
        write_output(render(name), str(target))
        assert target.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"out.{n}" for n in EVENT_FORMATS)


def test_output_to_a_terminal_shows_control_characters_as_symbols(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV is data and keeps ESC in a file; on a terminal it is shown as a symbol."""
    data = render("csv")
    assert isinstance(data, str) and "\x1b" in data
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    write_output(data, None)
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "␛[2J" in shown
