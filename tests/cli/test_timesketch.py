"""Timesketch CSV and JSON Lines: `list -F timesketch-csv|-jsonl` writes what Timesketch
needs (message, datetime with a zone, timestamp_desc), `import timesketch` reads any such
file, and a file watchline wrote comes back as the same events."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.cli.export_sample import sample_selection
from tests.cli.imported import assert_same_log, load_imported
from tests.generated import generated_text
from tui.cli import main
from tui.formats import Selection
from tui.formats.timesketch import instant, render_csv, render_jsonl
from tui.importers.timesketch import import_timesketch
from tui.model.bundled import bundled_log
from tui.model.edtf import parse_edtf
from tui.model.log import Collection

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "iso", "desc"),
    [
        ("2017-05-09", "2017-05-09T00:00:00+00:00", "Event date"),
        ("2019-04", "2019-04-01T00:00:00+00:00", "Event date, first day of its month"),
        ("2017?", "2017-01-01T00:00:00+00:00", "Event date, first day of its year"),
        ("2018-22", "2018-06-01T00:00:00+00:00", "Event date, first day of its season"),
        ("2018-02/2018-04", "2018-02-01T00:00:00+00:00", "Event start, interval"),
        ("../2018-04", "2018-04-30T00:00:00+00:00", "Event end, interval with an open start"),
        ("1985-04-12T23:20:30Z", "1985-04-12T23:20:30+00:00", "Event time"),
        ("2004-01-01T10:10:10+05:00", "2004-01-01T10:10:10+05:00", "Event time"),
        (
            "2017-05-09T14:30:00",
            "2017-05-09T14:30:00+00:00",
            "Event time (local time, no zone given)",
        ),
    ],
)
def test_every_date_is_an_instant_with_a_zone_and_says_what_it_is(
    text: str, iso: str, desc: str
) -> None:
    moment, described = instant(parse_edtf(text))
    assert (moment.isoformat(), described) == (iso, desc)
    assert moment.tzinfo is not None


def test_csv_has_timesketchs_fields_then_ours() -> None:
    selection = sample_selection(date(2018, 6, 1))
    rows = list(csv.DictReader(io.StringIO(render_csv(selection))))
    assert list(rows[0])[:4] == ["message", "datetime", "timestamp", "timestamp_desc"]
    by_id = {row["watchline_id"]: row for row in rows}
    negron = by_id["negron-shooting"]
    assert negron["message"] == "Officer shoots and kills Jayson Negron, 15"
    assert negron["datetime"] == "2017-05-09T00:00:00+00:00"
    moment = datetime(2017, 5, 9, tzinfo=UTC)
    assert int(negron["timestamp"]) == int(moment.timestamp()) * 1_000_000
    assert (negron["kind"], negron["date"], negron["agencies"]) == ("shooting", "2017-05-09", "bpd")
    assert negron["agency_names"] == "Bridgeport Police Department"
    assert negron["source_urls"] == "https://example.org/news?a=1&b=2"  # the web links only
    assert by_id["doj-grant"]["date"] == "2018-05-29~"
    # A message that a spreadsheet would run is defused; the embedded form keeps it exact.
    reimbursement = by_id["reimbursement"]
    assert reimbursement["message"] == "'-1 state reimbursement"
    embedded = json.loads(reimbursement["watchline"])
    assert embedded["event"]["title"] == "-1 state reimbursement"
    assert embedded["agencies"] == {
        "despp": {"name": "Connecticut DESPP"},
        "bpd": {"name": "Bridgeport Police Department", "aliases": ["BPD"]},
    }
    # A person's agency comes with the person.
    pledge = json.loads(by_id["pledge-funding"]["watchline"])
    assert set(pledge["people"]) == {"perez"} and "bpd" in pledge["agencies"]


def test_jsonl_is_one_object_a_line_with_lists() -> None:
    text = render_jsonl(sample_selection(date(2018, 6, 1)))
    lines = text.splitlines()
    assert len(lines) == 8
    first = json.loads(lines[0])
    assert first["agencies"] == ["bpd"] and first["topics"] == ["body-cameras"]
    assert first["watchline"]["description"] == "A log for the exporters' tests."
    assert "description" not in json.loads(lines[1])["watchline"]  # the first row only
    assert "\x1b" not in text  # the hostile title's escape is a JSON escape


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_bundled_log_comes_back_whole(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, back = tmp_path / f"bundled.{fmt}", tmp_path / "back.yaml"
    assert main(["list", "-F", f"timesketch-{fmt}", "-o", str(exported)]) == 0
    assert main(["import", "timesketch", str(exported), "-o", str(back)]) == 0
    assert "warning" not in capsys.readouterr().err
    assert_same_log(load_imported(bundled_log()), load_imported(back))


@pytest.mark.parametrize(("fmt", "seed"), [("csv", 4), ("jsonl", 5)])
def test_generated_logs_come_back_with_every_event_and_entry_they_name(
    fmt: str, seed: int, tmp_path: Path
) -> None:
    log = tmp_path / "generated.yaml"
    log.write_text(generated_text(400, seed), encoding="utf-8")
    before = load_imported(log)
    selection = Selection(before, tuple(range(len(before.events))), date(2024, 1, 1))
    exported = tmp_path / f"g.{fmt}"
    exported.write_text((render_csv if fmt == "csv" else render_jsonl)(selection), "utf-8")
    result = import_timesketch(exported)
    assert result.warnings == []
    back = tmp_path / "back.yaml"
    back.write_text(result.text, encoding="utf-8")
    after = load_imported(back)
    # Registry entries no event names are not carried; the rest is the same log.
    for name in ("agencies", "people", "topics", "sources"):
        kept = getattr(after, name)
        assert kept == {i: e for i, e in getattr(before, name).items() if i in kept}
    trimmed = Collection(
        before.title,
        before.description,
        agencies=after.agencies,
        people=after.people,
        topics=after.topics,
        sources=after.sources,
        kinds=before.kinds,
        events=before.events,
    )
    assert_same_log(trimmed, after)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_timesketch_csv_from_elsewhere(tmp_path: Path) -> None:
    # The example of Timesketch's documentation, and rows that test the edges.
    path = _write(
        tmp_path,
        "case-42.csv",
        "message,timestamp,datetime,timestamp_desc,extra_field_1,extra_field_2\n"
        "A message,1331698658276340,2015-07-24T19:01:01+00:00,Write time,foo,bar\n"
        "Offset,,2015-07-24T21:01:01.250+02:00,Read time,,\n"
        "Local,,2015-07-24 08:00:00,Boot,,\n"
        "From the timestamp,1437764461000000,,Write time,,\n"
        ",1437764461000000,2015-07-24T19:01:01Z,No message,,\n"
        "Bad time,,24/07/2015,Write time,,\n",
    )
    result = import_timesketch(path)
    assert (result.events, result.rows, result.skipped) == (4, 6, 2)
    assert result.warnings == [
        "case-42.csv: row 5 (line 6) skipped: it has no message",
        "case-42.csv: row 6 (line 7) skipped: its datetime '24/07/2015' is not ISO 8601",
    ]
    out = tmp_path / "case.yaml"
    out.write_text(result.text, encoding="utf-8")
    log = load_imported(out)
    by_title = {e.title: e for e in log.events}
    first = by_title["A message"]
    assert first.date.text == "2015-07-24T19:01:01Z" and first.kind == "other"
    assert first.data == {
        "timestamp_desc": "Write time",
        "extra_field_1": "foo",
        "extra_field_2": "bar",
    }
    assert by_title["Offset"].date.text == "2015-07-24T21:01:01.25+02:00"
    assert by_title["Local"].date.text == "2015-07-24T08:00:00"  # no zone: a local time
    assert by_title["From the timestamp"].date.text == "2015-07-24T19:01:01Z"
    assert log.title == "case 42 (Timesketch)"
    (source,) = log.sources.values()
    assert "case-42.csv" in source.title


def test_a_timesketch_jsonl_from_elsewhere_keeps_lists_and_objects_as_text(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "plaso.jsonl",
        json.dumps(
            {
                "message": "x" * 400,
                "datetime": "2020-02-02T02:02:02+00:00",
                "timestamp_desc": "Creation Time",
                "tag": ["evil", "reviewed"],
                "attributes": {"inode": 12},
                "size": 4096,
                "deleted": False,
                "kind": "shooting",  # a built-in kind is kept
                "source_urls": ["https://example.org/report", "javascript:alert(1)"],
            }
        )
        + "\nnot json\n",
    )
    result = import_timesketch(path)
    assert result.events == 1 and result.skipped == 1
    assert "row 2 (line 2) skipped: not valid JSON" in result.warnings[0]
    out = tmp_path / "p.yaml"
    out.write_text(result.text, encoding="utf-8")
    (event,) = load_imported(out).events
    assert len(event.title) <= 300 and event.summary == "x" * 400
    assert event.kind == "shooting"
    assert event.data == {
        "timestamp_desc": "Creation Time",
        "tag": '["evil", "reviewed"]',
        "attributes": '{"inode": 12}',
        "size": 4096,
        "deleted": False,
    }


def test_a_bad_watchline_column_is_set_aside(tmp_path: Path) -> None:
    exported = tmp_path / "b.jsonl"
    assert main(["list", "-F", "timesketch-jsonl", "-o", str(exported)]) == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["watchline"]["event"]["agencies"] = "not a list"
    lines[2] = json.dumps(row)
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_timesketch(exported)
    assert result.warnings[0].startswith("b.jsonl: the watchline column was not used (row 3:")
    assert "agencies is not a list of strings" in result.warnings[0]
    out = tmp_path / "plain.yaml"
    out.write_text(result.text, encoding="utf-8")
    after = load_imported(out)
    before = load_imported(bundled_log())
    # Read from the columns: ids, EDTF dates and places still come back, and kinds (one
    # the log defines itself, which this file does not, as a fact in data).
    assert [(e.id, e.date.text, e.place) for e in after.events] == [
        (e.id, e.date.text, e.place) for e in before.events
    ]
    for old, new in zip(before.events, after.events, strict=True):
        assert new.kind == old.kind or (new.kind, new.data["kind"]) == ("other", old.kind)
    assert any(e.kind != "other" for e in after.events)
    assert any("kind" in e.data for e in after.events)


def test_strict_refuses_a_file_with_skipped_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(
        tmp_path, "t.csv", "message,datetime,timestamp_desc\nok,2015-07-24T19:01:01Z,x\n,,\n"
    )
    out = tmp_path / "t.yaml"
    assert main(["import", "timesketch", str(path), "--strict", "-o", str(out)]) == 1
    assert not out.exists()
    assert "skipped 1 of 2 rows" in capsys.readouterr().err


def test_a_csv_without_message_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "t.csv", "when,what\n2015,x\n")
    assert main(["import", "timesketch", str(path)]) == 2
    assert "no 'message' column" in capsys.readouterr().err


def test_a_hostile_watchline_cell_is_set_aside(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["message", "datetime", "timestamp_desc", "watchline"])
    writer.writerow(["Deep", "2015-07-24T19:01:01+00:00", "x", deep])
    writer.writerow(["Number", "2015-07-24T19:01:02+00:00", "x", "12"])
    path = _write(tmp_path, "h.csv", rows.getvalue())
    result = import_timesketch(path)
    assert (
        "the watchline column was not used (row 1: its watchline cell is not JSON)"
        in (result.warnings[0])
    )
    assert result.events == 2
