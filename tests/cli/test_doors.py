"""Every way in reads through the same guarded reader: issue 12's repros, one test each.

A symlink to /dev/zero, a FIFO with no writer and a 300 MB file (over the 256 MiB cap)
given to ``rate``, ``import timelinejs``, ``import wapo`` and ``validate``: each is refused
at once with the same words and exit 2, without reading the file (the FIFO would hang,
/dev/zero would fill memory, the big file used to be read and copied whole first).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.cli import main

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
BIG = 300 * 10**6  # bytes, sparse: costs nothing on disk


def _zero(folder: Path) -> Path:
    path = folder / "zero.yaml"
    path.symlink_to("/dev/zero")
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.yaml"
    os.mkfifo(path)
    return path


def _big(folder: Path) -> Path:
    path = folder / "big.yaml"
    with path.open("wb") as out:
        out.truncate(BIG)
    return path


DOORS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "dev-zero": (_zero, "not a regular file"),
    "fifo": (_fifo, "not a regular file"),
    "300MB": (_big, "the file is 286 MiB; "),
}


def _commands(path: Path) -> dict[str, list[str]]:
    return {
        "rate": ["rate", "pledge-funding", "kept", str(path)],
        "timelinejs": ["import", "timelinejs", str(path)],
        "timesketch": ["import", "timesketch", str(path)],
        "wapo-data": ["import", "wapo", str(path), str(path)],
    }


@pytest.mark.timeout(20)
@pytest.mark.parametrize("door", sorted(DOORS))
@pytest.mark.parametrize("command", ["rate", "timelinejs", "timesketch", "wapo-data"])
def test_a_hostile_file_is_refused_at_once(tmp_path, capsys, door, command):
    make, reason = DOORS[door]
    path = make(tmp_path)
    started = time.perf_counter()
    code = main(_commands(path)[command])
    seconds = time.perf_counter() - started
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith(f"watchline: error: {path}: cannot read: {reason}"), err
    assert "Traceback" not in err
    # Refused from fstat, not after reading 300 MB or a GB of zeros (that took 10-20 s).
    assert seconds < 2
    # Nothing was written beside it: the old rate copied the 300 MB log to a temporary file.
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.timeout(20)
def test_the_size_message_is_the_same_for_a_log_and_an_import(tmp_path, capsys):
    path = _big(tmp_path)
    assert main(["validate", str(path)]) == 2
    logged = capsys.readouterr().err
    assert f"{path}:1:1: error: the file is 286 MiB; a log may be at most 256 MiB" in logged
    assert main(["import", "timelinejs", str(path)]) == 2
    imported = capsys.readouterr().err
    assert "the file is 286 MiB; an import file may be at most 256 MiB" in imported


@pytest.mark.timeout(20)
def test_wapo_agencies_file_goes_through_the_same_reader(tmp_path, capsys):
    fifo = _fifo(tmp_path)
    data = tmp_path / "data.csv"
    data.write_text("id\n", encoding="utf-8")
    code = main(["import", "wapo", str(data), str(fifo)])
    assert code == 2
    assert f"{fifo}: cannot read: not a regular file" in capsys.readouterr().err


@pytest.mark.timeout(20)
def test_rate_through_a_symlink_to_a_log_still_works(tmp_path, capsys):
    # The guard refuses what a symlink points at, not symlinks: an editor writes through them.
    real = tmp_path / "real.yaml"
    shutil.copyfile(BUNDLED, real)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert main(["rate", "pledge-funding", "kept", "--as-of", "2020", str(link)]) == 0
    assert link.is_symlink()
    assert "as_of: 2020" in real.read_text(encoding="utf-8")
