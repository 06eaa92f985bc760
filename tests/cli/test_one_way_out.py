"""One way out: every path, argument and message reaches the terminal through printable().

Each test is a repro from issue 12, run as a real process (its own stdout, stderr and
encoding), so what is checked is the bytes a terminal would get.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "model" / "logs" / "example.yaml"

# The path: an OSC 52 clipboard write, BEL, clear-screen and a C1 CSI (UTF-8 C2 9B).
HOSTILE_PATH = b"/nonexist/a\x1b]52;c;SU5K\x07\x1b[2J\xc2\x9b31m.yaml"
HOSTILE_SHOWN = "/nonexist/a\u241b]52;c;SU5K\u2407\u241b[2J<U+009B>31m.yaml"


def watchline(
    *argv: str | bytes, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m tui ARGV`` with its output as raw bytes (a pipe, not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *argv],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def clean_text(raw: bytes) -> str:
    """``raw`` as UTF-8 (strictly: no stray byte), holding no control character but tab and
    newline, and none of the invisible ones."""
    from tests.model.test_text import _unsafe_left

    text = raw.decode("utf-8")
    assert _unsafe_left(text) == [], text
    return text


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["rate", "e1", "kept"], id="rate"),
        pytest.param([], id="browse"),
        pytest.param(["serve", "ssh"], id="serve-ssh"),
        pytest.param(["serve", "web"], id="serve-web"),
        pytest.param(["validate"], id="validate"),
        pytest.param(["list"], id="list"),
        pytest.param(["pledges"], id="pledges"),
        pytest.param(["changes"], id="changes"),
        pytest.param(["import", "timelinejs"], id="import"),
    ],
)
def test_a_hostile_path_is_shown_with_placeholders_by_every_command(argv: list[str]) -> None:
    result = watchline(*argv, HOSTILE_PATH)
    err = clean_text(result.stderr)
    assert result.returncode == 2, err
    assert err.startswith("watchline: error: "), err
    assert HOSTILE_SHOWN in err
    assert result.stdout == b""
    assert "Traceback" not in err


def test_a_hostile_output_path_is_shown_with_placeholders(tmp_path: Path) -> None:
    result = watchline("list", "-o", b"/nonexist/\x1b[2J\n.json", "-F", "json")
    err = clean_text(result.stderr)
    assert result.returncode == 2
    assert (
        err
        == "watchline: error: /nonexist/\u241b[2J\u240a.json: cannot write: No such file or directory\n"
    )


def test_unknown_arguments_are_echoed_with_placeholders() -> None:
    # argparse prints an unrecognised argument as it is; the stream it writes to cleans it.
    result = watchline("schema", b"\x1b]52;c;SU5K\x07")
    err = clean_text(result.stderr)
    assert result.returncode == 2
    assert "unrecognized arguments: \u241b]52;c;SU5K\u2407" in err


@pytest.fixture
def byte_named_log(tmp_path: Path) -> bytes:
    """A valid log whose file name holds the byte 0x9B (not UTF-8 on its own)."""
    name = b"a\x9b.yaml"
    shutil.copyfile(EXAMPLE, os.path.join(os.fsencode(tmp_path), name))
    return name


@pytest.mark.parametrize("encoding", [None, "utf-8", "ascii"])
def test_a_file_name_with_an_undecodable_byte_prints_escaped(
    tmp_path: Path, byte_named_log: bytes, encoding: str | None
) -> None:
    env = {"PYTHONIOENCODING": encoding} if encoding else {}
    result = watchline("validate", byte_named_log, cwd=tmp_path, env=env)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == b"a<0x9B>.yaml: 5 events, valid\n"


def test_a_folder_holding_such_a_name_prints_it_escaped_in_problems(tmp_path: Path) -> None:
    (Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"b\x9b.yaml")))).write_text(
        "watchline: 1\ntitle: T\ntitel: x\n"
    )
    result = watchline("validate", ".", cwd=tmp_path, env={"PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 1
    err = clean_text(result.stderr)
    assert err.startswith("b<0x9B>.yaml:3:1: error: unknown field 'titel'")


def test_output_never_fails_on_its_encoding(tmp_path: Path) -> None:
    # A title the ASCII encoding cannot hold: written escaped, not a UnicodeEncodeError.
    log = tmp_path / "log.yaml"
    log.write_text(
        EXAMPLE.read_text().replace("title: Bridgeport officer", "title: Ünïcode officer")
    )
    result = watchline("list", str(log), env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert b"\\xdcn\\xefcode officer" in result.stdout


FORGED = "real.yaml\nforged.yaml:1:1: error: a line of my own"


def test_a_newline_in_a_file_name_cannot_forge_a_problem_line(tmp_path: Path) -> None:
    (tmp_path / FORGED).write_text("watchline: 1\ntitle: T\ntitel: x\n")
    result = watchline("validate", FORGED, cwd=tmp_path)
    assert result.returncode == 1
    lines = clean_text(result.stderr).splitlines()
    assert lines == [
        "real.yaml\u240aforged.yaml:1:1: error: a line of my own:3:1: error: unknown field "
        "'titel' in the log; did you mean 'title'?",
        "1 problem",
    ]


def test_a_newline_in_a_file_name_stays_on_its_line_when_valid(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE, tmp_path / FORGED)
    result = watchline("validate", FORGED, cwd=tmp_path)
    assert result.returncode == 0
    assert clean_text(result.stdout) == (
        "real.yaml\u240aforged.yaml:1:1: error: a line of my own: 5 events, valid\n"
    )


def test_a_newline_in_a_file_name_stays_on_its_line_in_rate(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE, tmp_path / FORGED)
    result = watchline("rate", "pledge-funding", "broken", "--as-of", "2020", FORGED, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = clean_text(result.stdout)
    assert out.count("\n") == 1
    assert out.startswith("real.yaml\u240aforged.yaml:1:1: error: a line of my own:")
    missing = watchline(
        "rate", "pledge-funding", "broken", "nope\nx.yaml:1:1: error: y", cwd=tmp_path
    )
    assert missing.returncode == 2
    assert clean_text(missing.stderr).count("\n") == 1


# Machine formats: exact data, escaped in the format's own way; text formats: placeholders.
INVISIBLE_LOG = Path(__file__).with_name("invisible.yaml")
TITLE = "Title \u202eevil\u202c and\u2028line \u200d"


def on_a_terminal(*argv: str) -> str:
    """``python -m tui ARGV`` with stdout a pty: what a terminal would be sent."""
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "tui", *argv],
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "LANG": "C.UTF-8"},
        encoding="utf-8",
        codec_errors="strict",
        dimensions=(24, 200),
        timeout=60,
    )
    out = child.read()
    child.close()
    assert child.exitstatus == 0, out
    return out.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        *(("list", fmt) for fmt in ("table", "md", "ics", "timelinejs", "json")),
        *(("pledges", fmt) for fmt in ("table", "md", "json")),
    ],
)
def test_piped_output_holds_no_invisible_character(command: str, fmt: str) -> None:
    result = watchline(command, "-F", fmt, str(INVISIBLE_LOG))
    assert result.returncode == 0, result.stderr
    clean_text(result.stdout.replace(b"\r\n", b"\n"))


def test_piped_json_escapes_the_set_and_keeps_the_data_exact() -> None:
    import json

    result = watchline("list", "-F", "json", str(INVISIBLE_LOG))
    out = clean_text(result.stdout)
    assert "Title \\u202eevil\\u202c and\\u2028line \\u200d" in out
    assert "\\udb40\\udc41" in out  # the tag character in the note, as a pair
    events = {event["id"]: event for event in json.loads(out)}
    assert events["e1"]["title"] == TITLE
    assert events["e1"]["summary"] == "Sum\u2029mary \u200f"
    assert events["e1"]["note"] == "Note \u200e \U000e0041"
    assert events["p1"]["pledge"]["ratings"][0]["note"] == "kept \u2028"


def test_piped_csv_keeps_the_data_exact() -> None:
    import csv
    import io

    result = watchline("list", "-F", "csv", str(INVISIBLE_LOG))
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout.decode("utf-8")))}
    assert rows["e1"]["title"] == TITLE
    assert rows["e1"]["agency_names"] == "Bridgeport \u200ePolice\u2028"


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "md", "ics"])
def test_on_a_terminal_every_format_shows_placeholders(fmt: str) -> None:
    shown = clean_text(on_a_terminal("list", "-F", fmt, str(INVISIBLE_LOG)).encode())
    if fmt in ("csv", "table"):
        assert "<U+202E>evil<U+202C>" in shown
    if fmt == "md":  # Markdown escapes the brackets
        assert "\\<U+202E\\>evil\\<U+202C\\>" in shown
    if fmt == "json":
        assert "\\u202eevil\\u202c" in shown
