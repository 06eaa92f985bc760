"""`watchline validate` and `watchline schema`: output streams and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.cli import main

LOGS = Path(__file__).resolve().parents[1] / "model" / "logs"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_valid_log_exits_0_with_a_summary(capsys):
    code, out, err = run(capsys, "validate", str(LOGS / "example.yaml"))
    assert (code, err) == (0, "")
    assert out == f"{LOGS / 'example.yaml'}: 5 events, valid\n"


def test_bundled_log_is_valid(capsys, bundled_log_path: Path):
    code, out, err = run(capsys, "validate", str(bundled_log_path))
    assert (code, err) == (0, ""), err
    assert out.endswith(" events, valid\n")


def test_a_folder_is_every_log_in_it(capsys, tmp_path: Path, monkeypatch):
    shutil.copy(LOGS / "example.yaml", tmp_path / "a.yaml")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", ".")
    assert code == 0
    assert out == "a.yaml: 5 events, valid\n"


def test_problems_go_to_stderr_and_exit_1(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text("watchline: 1\ntitle: T\ntitel: x\nevents: 3\n")
    code, out, err = run(capsys, "validate", "bad.yaml")
    assert (code, out) == (1, "")
    assert err == (
        "bad.yaml:3:1: error: unknown field 'titel' in the log; did you mean 'title'?\n"
        "bad.yaml:4:9: error: 'events' must be a list (lines starting with '- '), got the "
        "number 3\n"
        "2 problems\n"
    )


def test_missing_file_exits_2(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "validate", "nope.yaml")
    assert (code, out) == (2, "")
    assert err == "watchline: error: nope.yaml: no such file or folder\n"


def test_no_path_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    assert exited.value.code == 2
    assert "PATH" in capsys.readouterr().err


def test_an_unreadable_file_exits_2(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("folder.yaml").mkdir()
    Path("folder.yaml/inner.txt").write_text("")
    code, _, err = run(capsys, "validate", "folder.yaml")
    assert code == 2
    assert "watchline: error: folder.yaml: no *.yaml or *.yml files in this folder" in err


def test_a_device_is_refused_not_read_forever(capsys):
    code, _, err = run(capsys, "validate", "/dev/zero")
    assert code == 2
    assert (
        err == "/dev/zero:1:1: error: not a regular file\nwatchline: error: cannot read /dev/zero\n"
    )


def test_hostile_names_and_text_reach_the_terminal_printable(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad\x1b[2J.yaml").write_text('watchline: 1\ntitle: T\n"x\\e]52;c;aGk=\\a": 1\n')
    code, _, err = run(capsys, "validate", ".")
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert err.startswith("bad\u241b[2J.yaml:3:1: error: ")


def test_schema_prints_the_committed_schema(capsys):
    code, out, err = run(capsys, "schema")
    assert (code, err) == (0, "")
    committed = (Path(__file__).resolve().parents[2] / "data" / "watchline.schema.json").read_text()
    assert out == committed
    assert json.loads(out)["title"] == "watchline event log (format 1)"


def test_strict_warns_about_uncited_figures_when_an_event_has_several_sources(
    capsys, tmp_path: Path
):
    log = tmp_path / "log.yaml"
    log.write_text(
        "watchline: 1\n"
        "title: T\n"
        "sources:\n"
        "  a: {title: A, url: 'https://a.example/'}\n"
        "  b: {title: B, url: 'https://b.example/'}\n"
        "events:\n"
        "  - id: one\n"
        "    date: 2018-01-01\n"
        "    kind: other\n"
        "    title: One\n"
        "    summary: The city paid $1,150,449 for 600 cameras. It said so [@a].\n"
        "    sources: [a, b]\n"
        "  - id: two\n"
        "    date: 2018-01-02\n"
        "    kind: other\n"
        "    title: Two\n"
        "    summary: The city paid $3 for one source's claim.\n"
        "    sources: [a]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "validate", str(log))
    assert (code, err) == (0, "")  # not without --strict
    code, out, err = run(capsys, "validate", "--strict", str(log))
    assert code == 1
    assert out == f"{log}: 2 events, valid\n"
    assert err.splitlines() == [
        f"{log}:7:5: warning: summary of 'one': the figure '$1,150,449' with no citation; "
        "cite the source it rests on, e.g. [@a]: 'The city paid $1,150,449 for 600 cameras.'",
        "1 uncited claim",
    ]


def test_the_bundled_log_cites_every_figure_and_quotation(capsys, bundled_log_path: Path):
    code, _, err = run(capsys, "validate", "--strict", str(bundled_log_path))
    assert (code, err) == (0, ""), err
