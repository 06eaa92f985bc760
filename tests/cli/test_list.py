"""`watchline list`: the bundled log through every format, and every way it can fail."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from tui.cli import main
from tui.formats import EVENT_FORMATS
from tui.formats.csv_format import EVENT_COLUMNS

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["list", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_no_path_lists_the_bundled_log_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["DATE", "KIND", "TITLE", "AGENCIES"]
    assert any(line.startswith("9 May 2017") and "Negron" in line for line in lines)
    # Dates keep their precision: an uncertain year, a season.
    assert any(line.startswith("2017?") for line in lines)
    assert any(line.startswith("Autumn 2018") for line in lines)


def test_json_is_every_event_with_bounds(
    capsys: pytest.CaptureFixture[str], bundled_log_path: Path
) -> None:
    code, out, _ = run(capsys, str(bundled_log_path), "--format", "json", "--as-of", "2018-08-01")
    assert code == 0
    events = json.loads(out)
    by_id = {event["id"]: event for event in events}
    assert by_id["negron-shooting"]["date_lower"] == "2017-05-09"
    assert by_id["troopers-first-cameras"]["date"] == "2018-23"
    assert (
        by_id["troopers-first-cameras"]["date_lower"],
        by_id["troopers-first-cameras"]["date_upper"],
    ) == (
        "2018-09-01",
        "2018-11-30",
    )
    pledge = by_id["pledge-anti-bias-plan"]
    assert (pledge["status"], pledge["overdue"], pledge["overdue_days"]) == (
        "not-yet-rated",
        True,
        123,
    )
    # The JSON keeps inline citations as written.
    assert "[@registercitizen-2018-05-31]" in by_id["despp-doj-grant"]["summary"]
    grant = by_id["despp-doj-grant"]["grant"]
    assert grant["amount"] == 895000 and "from" in grant


def test_filter_narrows_the_events(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--filter", "kind:pledge", "--format", "json")
    assert code == 0
    # Timeline order: one date, then by id.
    assert [e["id"] for e in json.loads(out)] == [
        "pledge-anti-bias-plan",
        "pledge-deescalation-training",
        "pledge-funding",
        "pledge-troopers-by-end-of-2018",
        "pledge-troopers-by-spring-2019",
    ]


def test_status_filter_honours_the_as_of_date(capsys: pytest.CaptureFixture[str]) -> None:
    _, before, _ = run(capsys, "-f", "status:overdue", "--as-of", "2018-08-01", "-F", "json")
    _, after, _ = run(capsys, "-f", "status:overdue", "--as-of", "2019-05-01", "-F", "json")
    assert len(json.loads(before)) == 3
    assert "pledge-funding" not in {e["id"] for e in json.loads(after)}


@pytest.mark.parametrize("name", list(EVENT_FORMATS))
def test_every_format_of_the_bundled_log_parses_back(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / f"out.{name}"
    code, out, err = run(capsys, "--format", name, "-o", str(target), "--as-of", "2018-08-01")
    assert (code, out, err) == (0, "", "")
    data = target.read_bytes()
    count = len(json.loads(_list_json(capsys)))
    if name == "json":
        assert len(json.loads(data)) == count
    elif name == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert tuple(rows[0]) == EVENT_COLUMNS and len(rows) == count
    elif name == "ics":
        calendar = icalendar.Calendar.from_ical(data)
        assert len(list(calendar.walk("VEVENT"))) == count
        assert len(list(calendar.walk("VTODO"))) == 5  # every pledge has a due date
    elif name == "timelinejs":
        document = json.loads(data)
        assert len(document["events"]) == count
        assert document["title"]["text"]["headline"].startswith("Police use of force")
    elif name == "md":
        text = data.decode("utf-8")
        assert text.startswith("# Police use of force and body cameras in Connecticut")
        assert "\n## 2015\n" in text and "[^1]:" in text
        # Inline citations become the footnote marks of the sources they name.
        assert "[@" not in text and "\\[@" not in text
        assert "Department of Justice grants[^" in text
    elif name == "timesketch-csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert len(rows) == count and all(row["datetime"] for row in rows)
    elif name == "timesketch-jsonl":
        lines = data.decode("utf-8").splitlines()
        assert len(lines) == count and all(json.loads(line)["datetime"] for line in lines)
    else:
        assert data.decode("utf-8").count("\n") == count + 1


def _list_json(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["list", "--format", "json"]) == 0
    return capsys.readouterr().out


def test_table_fits_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _ = run(capsys)
    assert code == 0
    assert all(len(line) <= 60 for line in out.splitlines())
    assert "…" in out


# ------------------------------------------------------------------------------ errors


def test_a_bad_query_marks_the_span_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--filter", "kind:pledge agnecy:bpd")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("watchline: error: bad query:")
    assert lines[1] == "  kind:pledge agnecy:bpd"
    caret = lines[2]
    assert caret.strip().startswith("^") and caret.index("^") == 2 + len("kind:pledge ")


def test_load_problems_are_listed_with_positions_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "broken.yaml"
    log.write_text(
        "watchline: 1\ntitle: Broken\nevents:\n  - id: a\n    date: 2017-13-01\n    kind: other\n"
        "    title: A\n    sources: [nowhere]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, str(log))
    assert (code, out) == (1, "")
    problem_lines = [line for line in err.splitlines() if line.startswith(str(log))]
    assert problem_lines, err
    for line in problem_lines:
        _file, line_no, col, rest = line.split(":", 3)
        assert line_no.isdigit() and col.isdigit() and "error" in rest
    assert "Traceback" not in err


def test_a_missing_path_and_a_bad_as_of_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
    with pytest.raises(SystemExit) as exited:
        run(capsys, "--as-of", "last tuesday")
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "error: argument --as-of: not an EDTF date" in err


def test_an_unwritable_output_is_a_clean_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "-o", str(tmp_path / "no-such-dir" / "out.txt"))
    assert code == 2 and "cannot write" in err


def test_exit_codes_of_the_real_command(tmp_path: Path) -> None:
    """One subprocess run per outcome: the codes scripts and CI rely on, and plain pipes."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}

    def watchline(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", "list", *argv],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )

    ok = watchline("--filter", "kind:grant")
    assert ok.returncode == 0 and "\x1b" not in ok.stdout and "Grant" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("watchline: 1\ntitle: [unclosed\n", encoding="utf-8")
    assert watchline(str(broken)).returncode == 1
    bad_query = watchline("--filter", '"unclosed')
    assert bad_query.returncode == 2 and "Traceback" not in bad_query.stderr
