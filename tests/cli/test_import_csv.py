"""`watchline import csv|jsonl --map`: any table becomes a valid log, as a mapping says.

Each test writes its own small data and mapping files to tmp_path; the one that reads the
WaPo database through a mapping (docs/examples/wapo-mapping.yaml) uses the shared folder.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

from tests.cli.imported import load_imported
from tui.cli import main
from tui.importers.mapped import import_mapped
from tui.model.load import load_paths

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"

MAPPING = """\
watchline-mapping: 1
log:
  title: Connecticut incidents (test)
namespace: ctx
event:
  id: "{agency}-{date}"
  date: date
  title: headline
  summary: summary
  kind:
    column: type
    values: {Shooting: shooting, Meeting: meeting}
    default: other
  agencies:
    column: agency
    separator: ";"
  place: "{city}, {state}"
  sources:
    column: url
    title: "{headline}"
    publisher: outlet
"""
COLUMNS = ["date", "headline", "summary", "type", "agency", "city", "state", "url", "outlet"]


def _mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _csv(
    tmp_path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    name: str = "data.csv",
) -> Path:
    path = tmp_path / name
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in COLUMNS})
    return path


def _row(**cells: str) -> dict[str, str]:
    base = {
        "date": "2017-05-09",
        "headline": "Jayson Negron, 15, shot by police",
        "type": "Shooting",
        "agency": "Bridgeport Police Department",
        "city": "Bridgeport",
        "state": "CT",
        "url": "https://www.ctpost.com/local/article/negron-shooting-11134412.php",
        "outlet": "Connecticut Post",
    }
    return base | cells


def _run(*args: str | Path) -> int:
    return main(["import", *(str(a) for a in args)])


# ------------------------------------------------------------------------ the good path


def test_a_cp1252_file_with_accents_and_two_agencies_in_a_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        _row(
            headline="Négron vigil at the café on Park Avenue — à la mémoire",
            summary="Señora Núñez spoke; «never again», she said.",
            agency="Bridgeport Police Department; Connecticut State Police",
        ),
        _row(date="May 2017", headline="Réunion publique à l'hôtel de ville", type="Meeting"),
    ]
    data = _csv(tmp_path, rows, encoding="cp1252")
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    err = capsys.readouterr().err
    assert "read as cp1252" in err
    assert "wrote 2 events" in err
    collection = load_imported(out)
    second, first = collection.events  # in timeline order: May 2017 comes first
    assert first.title == "Négron vigil at the café on Park Avenue — à la mémoire"
    assert first.summary == "Señora Núñez spoke; «never again», she said."
    assert first.agencies == ("ctx-bridgeport-police-department", "ctx-connecticut-state-police")
    assert collection.agencies["ctx-connecticut-state-police"].name == "Connecticut State Police"
    assert first.kind == "shooting"
    assert first.place == "Bridgeport, CT"
    source = collection.sources[first.sources[0]]
    assert (source.url, source.publisher) == (rows[0]["url"], "Connecticut Post")
    assert first.sources[0] == "ctx-ctpost-negron-shooting-11134412"
    assert (second.title, second.date.text, second.kind) == (
        "Réunion publique à l'hôtel de ville",
        "2017-05",
        "meeting",
    )


def test_an_encoding_given_is_used_and_said(tmp_path: Path, capsys) -> None:
    data = _csv(tmp_path, [_row(headline="Ça va")], encoding="latin-1")
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "--encoding", "latin-1", "-o", out) == 0
    assert "read as iso8859-1 (as given)" in capsys.readouterr().err
    assert load_imported(out).events[0].title == "Ça va"


def test_utf8_is_not_mentioned(tmp_path: Path, capsys) -> None:
    data = _csv(tmp_path, [_row(headline="Ça va")])
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", tmp_path / "out.yaml") == 0
    assert "read as" not in capsys.readouterr().err


def test_a_semicolon_file_is_sniffed_and_delimiter_overrides(tmp_path: Path, capsys) -> None:
    rows = [_row(headline="One, with a comma"), _row(date="2017-06-01", headline="Two")]
    data = _csv(tmp_path, rows, delimiter=";")
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    assert "separated by semicolon" in capsys.readouterr().err
    titles = [e.title for e in load_imported(out).events]
    assert titles == ["One, with a comma", "Two"]
    # Told otherwise, the columns are not found: the message says which and lists them.
    assert _run("csv", data, "--map", _mapping(tmp_path), "--delimiter", ",", "-o", out) == 2
    assert "names column" in capsys.readouterr().err
    tabbed = _csv(tmp_path, rows, delimiter="\t", name="tabbed.csv")
    assert _run("csv", tabbed, "--map", _mapping(tmp_path), "--delimiter", "tab", "-o", out) == 0


def test_jsonl_with_nested_values_and_lists(tmp_path: Path, capsys) -> None:
    mapping = _mapping(
        tmp_path,
        """\
watchline-mapping: 1
namespace: js
event:
  id: ref
  date: {column: when, formats: ["%d.%m.%Y"]}
  title: "{what} ({location.city})"
  kind: statement
  agencies: {column: who}
  topics: {column: tags.0}
  people: {column: people, separator: ","}
  place: location.city
  sources:
    fixed: {title: Test data set, publisher: Test, url: "https://example.org/data"}
  data: {count: n, flag: ok, city: location.city}
""",
    )
    lines = [
        {
            "ref": "a1",
            "when": "09.05.2017",
            "what": "Statement",
            "location": {"city": "Bridgeport", "state": "CT"},
            "who": ["Bridgeport Police Department", "Connecticut State Police"],
            "tags": ["Body cameras", "other"],
            "people": "AJ Perez, Joseph Ganim",
            "n": 3,
            "ok": True,
        },
        {
            "ref": "a2",
            "when": 2018,
            "what": "Later",
            "location": {},
            "who": "Connecticut State Police",
        },
    ]
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert _run("jsonl", data, "--map", mapping, "-o", out) == 0
    collection = load_imported(out)
    first, second = collection.events
    assert (first.id, first.date.text, first.title) == (
        "js-a1",
        "2017-05-09",
        "Statement (Bridgeport)",
    )
    assert first.agencies == ("js-bridgeport-police-department", "js-connecticut-state-police")
    assert first.topics == ("js-body-cameras",)
    assert first.people == ("js-aj-perez", "js-joseph-ganim")
    assert collection.people["js-joseph-ganim"].name == "Joseph Ganim"
    assert first.place == "Bridgeport"
    assert first.data == {"count": 3, "flag": True, "city": "Bridgeport"}
    assert first.sources == ("js-test-data-set",)
    assert (second.date.text, second.title, second.place) == ("2018", "Later", None)


def test_a_bad_jsonl_line_is_a_skipped_row(tmp_path: Path, capsys) -> None:
    mapping = _mapping(
        tmp_path,
        "watchline-mapping: 1\nevent: {date: d, title: t, sources: {fixed: {title: T}}}\n",
    )
    data = tmp_path / "data.jsonl"
    data.write_text('{"d": "2017", "t": "ok"}\n{"d": \n[1, 2]\n', encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert _run("jsonl", data, "--map", mapping, "-o", out) == 0
    err = capsys.readouterr().err
    assert f"{data}:2: row 2: not valid JSON" in err
    assert f"{data}:3: row 3: not a JSON object" in err
    assert "skipped 2 of 3 rows" in err
    assert len(load_imported(out).events) == 1


def test_partial_dates_keep_their_precision(tmp_path: Path) -> None:
    cells = [
        "2017",
        "May 2017",
        "9 May 2017",
        "2017-05-09",
        "Summer 2018",
        "c. 2016",
        "2017-12-08T14:30:00",
    ]
    rows = [_row(date=cell, headline=f"Event {i}") for i, cell in enumerate(cells)]
    data = _csv(tmp_path, rows)
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    by_title = {e.title: e.date for e in load_imported(out).events}
    got = [by_title[f"Event {i}"].text for i in range(len(cells))]
    assert got == [
        "2017",
        "2017-05",
        "2017-05-09",
        "2017-05-09",
        "2018-22",
        "2016~",
        "2017-12-08T14:30:00",
    ]
    assert by_title["Event 1"].precision == "month"


def test_colliding_ids_get_a_number(tmp_path: Path) -> None:
    rows = [_row(headline=f"Same day {i}") for i in range(3)] + [_row(date="2017-05-10")]
    data = _csv(tmp_path, rows)
    out = tmp_path / "out.yaml"
    result = import_mapped(data, _mapping(tmp_path))
    assert any("2 event ids were taken already" in note for note in result.notes)
    out.write_text(result.text, encoding="utf-8")
    by_title = {e.title: e.id for e in load_imported(out).events}
    assert by_title["Same day 0"] == "ctx-bridgeport-police-department-2017-05-09"
    assert by_title["Same day 1"] == "ctx-bridgeport-police-department-2017-05-09-2"
    assert by_title["Same day 2"] == "ctx-bridgeport-police-department-2017-05-09-3"
    assert (
        by_title["Jayson Negron, 15, shot by police"]
        == "ctx-bridgeport-police-department-2017-05-10"
    )


# ----------------------------------------------------------------- rows that cannot be


def test_a_bad_date_is_reported_with_row_and_column_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_row(), _row(date="31/31/2017", headline="Bad"), _row(date="", headline="None")]
    data = _csv(tmp_path, rows)
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    err = capsys.readouterr().err
    assert f"{data}:3: row 2, column 'date': not an EDTF date: '31/31/2017'" in err
    assert f"{data}:4: row 3, column 'date': no date; skipped" in err
    assert "skipped 2 of 3 rows" in err
    assert "Traceback" not in err
    assert [e.title for e in load_imported(out).events] == ["Jayson Negron, 15, shot by police"]


def test_strict_makes_a_skipped_row_an_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _csv(tmp_path, [_row(), _row(date="12/8/2017")])
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "--strict", "-o", out) == 1
    err = capsys.readouterr().err
    assert "row 2, column 'date'" in err and "ambiguous" in err and "dayfirst" in err
    assert "--strict" in err
    assert not out.exists()
    # Without a bad row, --strict writes as usual.
    good = _csv(tmp_path, [_row()], name="good.csv")
    assert _run("csv", good, "--map", _mapping(tmp_path), "--strict", "-o", out) == 0


def test_rows_without_a_title_kind_or_source_are_skipped_saying_why(tmp_path: Path) -> None:
    mapping = MAPPING.replace("    default: other\n", "")
    rows = [_row(headline=""), _row(type="Parade"), _row(url="ftp://example.org/x"), _row(url="")]
    result = import_mapped(_csv(tmp_path, rows), _mapping(tmp_path, mapping))
    assert result.events == 0 and result.skipped == 4
    reasons = "\n".join(result.warnings)
    assert "row 1, column 'headline': no title" in reasons
    assert "row 2, column 'type': 'Parade' is not in kind.values" in reasons
    assert "row 3, column 'url': not a web address" in reasons
    assert "row 4, column 'url': no source" in reasons


def test_long_text_is_cut_to_the_format_limits_and_said(tmp_path: Path) -> None:
    long_title = "word " * 100  # 500 characters
    data = _csv(tmp_path, [_row(headline=long_title, summary="x" * 25_000)])
    result = import_mapped(data, _mapping(tmp_path))
    assert any("title cut to 300 characters (it had 499)" in w for w in result.warnings)
    assert any("summary cut to 20,000 characters" in w for w in result.warnings)
    out = tmp_path / "out.yaml"
    out.write_text(result.text, encoding="utf-8")
    event = load_imported(out).events[0]
    assert len(event.title) <= 300 and event.title.endswith("…")
    assert len(event.summary or "") <= 20_000


# ---------------------------------------------------------------------- merge and safety


def test_the_import_merges_with_the_bundled_log(tmp_path: Path) -> None:
    rows = [
        _row(agency="Bridgeport Police Department; Connecticut State Police"),
        _row(
            date="2018", headline="Budget", type="Grant", agency="Office of Policy and Management"
        ),
    ]
    data = _csv(tmp_path, rows)
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "--namespace", "imp", "-o", out) == 0
    merged = load_paths([out, BUNDLED])
    assert [str(p) for p in merged.problems] == []
    assert merged.collection is not None
    assert "imp-bridgeport-police-department" in merged.collection.agencies
    assert "bpd" in merged.collection.agencies
    assert len(merged.collection.events) == 2 + len(load_imported(BUNDLED).events)
    # A custom kind ("Grant" is not in values, so the default) stays in the namespace too.
    assert {e.kind for e in merged.collection.events if e.id.startswith("imp-")} == {
        "shooting",
        "other",
    }


def test_hostile_text_never_reaches_the_terminal_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = "Totally \x1b[2J\x1b]0;owned\x07 normal \u202egnp.exe\u2066 end"
    rows = [_row(headline=evil, agency=evil), _row(date=evil, headline="x")]
    data = _csv(tmp_path, rows)
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err, out.read_text(encoding="utf-8")):
        assert "\x1b" not in stream and "\x07" not in stream
        assert "\u202e" not in stream and "\u2066" not in stream
    assert "row 2, column 'date'" in captured.err
    event = load_imported(out).events[0]
    assert "\x1b" not in event.title and "␛[2J" in event.title
    assert "\u202e" in event.title  # kept as data, escaped in the file, shown as a mark


@pytest.mark.timeout(20)
@pytest.mark.parametrize("which", ["data", "mapping"])
@pytest.mark.parametrize("door", ["fifo", "dev-zero"])
def test_a_fifo_or_dev_zero_is_refused_at_once(tmp_path: Path, capsys, which, door) -> None:
    hostile = tmp_path / "hostile"
    if door == "fifo":
        os.mkfifo(hostile)
    else:
        hostile.symlink_to("/dev/zero")
    data = _csv(tmp_path, [_row()])
    mapping = _mapping(tmp_path)
    args = (hostile, "--map", mapping) if which == "data" else (data, "--map", hostile)
    for fmt in ("csv", "jsonl"):
        started = time.perf_counter()
        assert _run(fmt, *args) == 2
        assert time.perf_counter() - started < 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.startswith(f"watchline: error: {hostile}: cannot read: not a regular file"), err


# ------------------------------------------------------------------------------ mapping


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("event: {}\n", "mapping.yaml:1:1: say watchline-mapping: 1"),
        (
            "watchline-mapping: 1\nevent:\n  titel: x\n",
            "mapping.yaml:3:3: event.titel: unknown key; did you mean 'title'?",
        ),
        (
            "watchline-mapping: 1\nevent: {title: t, sources: url}\n",
            "event: say which column gives the date",
        ),
        (
            "watchline-mapping: 1\nevent: {title: '{a', date: d, sources: url}\n",
            "event.title: not a template",
        ),
        ("watchline-mapping: 1\nnamespace: Not A Slug\n", "namespace: 'Not A Slug' is not a slug"),
        ("watchline-mapping: 1\nevent: [1, \x01]\n", "control character"),
        ("a: &x [*x]\n", "mapping.yaml:1"),
    ],
)
def test_a_mapping_mistake_names_its_line_and_exits_2(tmp_path, capsys, text, message) -> None:
    data = _csv(tmp_path, [_row()])
    assert _run("csv", data, "--map", _mapping(tmp_path, text)) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err


def test_a_column_the_data_lacks_is_named_with_a_suggestion(tmp_path, capsys) -> None:
    data = _csv(tmp_path, [_row()])
    mapping = _mapping(tmp_path, MAPPING.replace("title: headline", "title: headlin"))
    assert _run("csv", data, "--map", mapping) == 2
    err = capsys.readouterr().err
    assert "event.title names column 'headlin'" in err and "did you mean 'headline'?" in err


# ----------------------------------------------------------------- WaPo through a mapping


def test_the_wapo_database_through_the_example_mapping(shared_dir: Path, tmp_path: Path) -> None:
    data = shared_dir / "datasets" / "wapo-fatal-force" / "fatal-police-shootings-data.csv"
    if not data.is_file():
        pytest.skip("the Fatal Force files are not in the shared folder")
    sample = tmp_path / "wapo.csv"
    with data.open(encoding="utf-8") as handle:
        sample.write_text("".join(line for _, line in zip(range(301), handle, strict=False)))
    out = tmp_path / "out.yaml"
    mapping = REPO / "docs" / "examples" / "wapo-mapping.yaml"
    assert _run("csv", sample, "--map", mapping, "-o", out) == 0
    collection = load_imported(out)
    assert len(collection.events) == 300
    first = collection.event("wapo-csv-3")
    assert first is not None
    assert (first.title, first.date.text, first.kind) == (
        "Tim Elliot, 53, killed by police in Shelton, WA",
        "2015-01-02",
        "shooting",
    )
    assert load_paths([out, BUNDLED]).problems == []


def test_the_cp1252_example_in_docs_imports_and_merges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = REPO / "docs" / "examples"
    out = tmp_path / "ct.yaml"
    data = examples / "ct-incidents-cp1252.csv"
    assert _run("csv", data, "--map", examples / "ct-incidents-mapping.yaml", "-o", out) == 0
    err = capsys.readouterr().err
    assert "read as cp1252" in err
    assert "row 5, column 'Date'" in err and "skipped 1 of 5 rows" in err
    collection = load_imported(out)
    negron = collection.event("ctx-bridgeport-5-9-2017")
    assert negron is not None
    assert negron.title == "Jayson Negrón, 15, shot by a Bridgeport officer"
    assert negron.agencies == ("ctx-bridgeport-police-department", "ctx-connecticut-state-police")
    assert negron.date.text == "2017-05-09"
    assert load_paths([out, BUNDLED]).problems == []


def test_central_european_text_stays_cp1250(tmp_path: Path, capsys) -> None:
    headline = "Zażółć gęślą jaźń: komenda w Łodzi i Gdańsku, świadkowie zeznają"
    data = _csv(tmp_path, [_row(headline=headline)], encoding="cp1250")
    out = tmp_path / "out.yaml"
    assert _run("csv", data, "--map", _mapping(tmp_path), "-o", out) == 0
    assert "read as cp1250" in capsys.readouterr().err
    assert load_imported(out).events[0].title == headline
