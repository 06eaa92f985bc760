"""`watchline rate` writes that lose nothing: issue 12's write repros, one test each.

A read-only file, a hard-linked file and someone else's file are refused (a write
replaces the file, which would silently undo each); the same rating twice is refused
unless --force; leftovers of a killed writer are removed by the next write; watchline's
writers take turns under the log's lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

import tui.model.atomic as atomic
from tui.cli import main
from tui.model.atomic import lock_path, write_lock

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
RATE = ["rate", "pledge-funding", "kept", "--as-of", "2021-03"]
ADDED = "as_of: 2021-03"
NOBODY = 65534  # the conventional uid and gid of nobody / nogroup


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "ct-bodycams.yaml"
    shutil.copyfile(BUNDLED, path)
    return path


def _rate(log: Path, *extra: str) -> int:
    return main([*RATE, *extra, str(log)])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".watchline-tmp"))


def test_a_read_only_file_is_refused_and_left_read_only(log, capsys):
    os.chmod(log, 0o444)
    before = log.read_bytes()
    assert _rate(log) == 1
    err = capsys.readouterr().err
    assert f"watchline: error: {log} is read-only (mode 0444)" in err
    assert f"chmod u+w {log}" in err
    assert log.read_bytes() == before
    assert stat.S_IMODE(log.stat().st_mode) == 0o444
    assert _leftovers(log.parent) == []


def test_a_hard_linked_file_is_refused_and_both_names_agree(log, capsys):
    other = log.parent / "other-name.yaml"
    os.link(log, other)
    assert _rate(log) == 1
    err = capsys.readouterr().err
    assert f"{log} has 2 hard links" in err
    assert "the other 1 name would keep the old text" in err
    assert os.path.samefile(log, other)
    assert ADDED not in log.read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_someone_elses_file_is_refused_even_for_root(log, capsys):
    os.chown(log, NOBODY, NOBODY)
    assert _rate(log) == 1
    err = capsys.readouterr().err
    assert f"{log} belongs to " in err
    assert "not to you (root)" in err
    info = log.stat()
    assert (info.st_uid, info.st_gid) == (NOBODY, NOBODY)
    assert ADDED not in log.read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() != 0, reason="root is a member of any group for chgrp")
def test_the_group_and_mode_survive_the_replace(log, capsys):
    os.chown(log, -1, NOBODY)
    os.chmod(log, 0o664)
    assert _rate(log) == 0, capsys.readouterr().err
    info = log.stat()
    assert (info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, 0o664)
    assert ADDED in log.read_text(encoding="utf-8")


def test_the_same_rating_twice_is_refused_unless_forced(log, capsys):
    assert _rate(log) == 0
    once = log.read_bytes()
    capsys.readouterr()
    assert _rate(log) == 1
    err = capsys.readouterr().err
    assert "'pledge-funding' already has a rating kept as of 2021-03" in err
    assert "Add --force to record it again" in err
    assert log.read_bytes() == once
    assert _rate(log, "--force") == 0
    assert log.read_text(encoding="utf-8").count(ADDED) == 2


def test_the_same_status_on_another_date_is_not_a_duplicate(log, capsys):
    assert _rate(log) == 0
    assert main(["rate", "pledge-funding", "kept", "--as-of", "2021-04", str(log)]) == 0


def test_an_as_of_written_differently_is_still_the_same_rating(log, capsys):
    # The bundled pledge has `compromise` as of 2019-03-28, written in block style; the
    # same status on the same day, given on the command line, is the same rating.
    code = main(["rate", "pledge-funding", "compromise", "--as-of", "2019-03-28", str(log)])
    assert code == 1
    assert "already has a rating compromise as of 2019-03-28" in capsys.readouterr().err


def _temp(log: Path, middle: str, age: float) -> Path:
    path = log.with_name(f".{log.name}.{middle}.watchline-tmp")
    path.write_bytes(b"half a log")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_killed_writers_leftovers_are_removed_by_the_next_write(log, capsys):
    stale = _temp(log, "k1ll3d", age=120)
    fresh = _temp(log, "fresh0", age=1)  # perhaps an older watchline mid-write
    live = _temp(log, "l1ve00", age=120)  # a live writer holds its file locked
    not_ours = log.with_name(".other.yaml.abc.watchline-tmp")
    not_ours.write_bytes(b"x")
    os.utime(not_ours, (0, 0))
    with live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert _rate(log) == 0, capsys.readouterr().err
    assert not stale.exists()
    assert fresh.exists() and live.exists() and not_ours.exists()


def test_a_missing_file_leaves_no_lock_file_behind(tmp_path, capsys):
    assert main([*RATE, str(tmp_path / "nope.yaml")]) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(60)
def test_writers_take_turns_and_the_second_reads_what_the_first_wrote(log, capsys):
    """Issue 12: an edit landing between rate's check and its rename was lost."""
    codes: list[int] = []
    with write_lock(log):  # another watchline writer is in the middle of its write
        rater = threading.Thread(target=lambda: codes.append(_rate(log)), daemon=True)
        rater.start()
        time.sleep(0.5)
        assert rater.is_alive(), capsys.readouterr().err  # waiting for the lock
        assert ADDED not in log.read_text(encoding="utf-8")
        # ... which now saves its own change, as `rate` itself would: by a rename.
        theirs = log.with_name("theirs.tmp")
        theirs.write_text(log.read_text(encoding="utf-8") + "# their change\n")
        os.replace(theirs, log)
    rater.join(30)
    assert codes == [0], capsys.readouterr().err
    text = log.read_text(encoding="utf-8")
    assert "# their change" in text
    assert ADDED in text


def test_a_writer_that_keeps_the_lock_is_waited_for_then_reported(log, capsys, monkeypatch):
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.3)
    before = log.read_bytes()
    with write_lock(log):
        assert _rate(log) == 1
    err = capsys.readouterr().err
    assert f"another watchline has been writing {log} for 0.3 s" in err
    assert lock_path(log).name in err
    assert log.read_bytes() == before
    assert _leftovers(log.parent) == []


PLEDGE_WITH_SEPARATOR = """\
watchline: 1
title: T
sources:
  s1: {title: S, url: 'https://s.example/'}
events:
  - id: p1
    date: 2018-01-01
    kind: pledge
    title: "A pledge\\u2028with a line separator in its title"
    sources: [s1]
    pledge:
      due: 2018-06
      ratings:
        - status: not-yet-rated
          as_of: 2018-01-01
"""


def test_a_pledge_whose_title_holds_a_line_separator_can_be_rated(tmp_path, capsys):
    log = tmp_path / "log.yaml"
    log.write_text(PLEDGE_WITH_SEPARATOR, encoding="utf-8")
    assert main(["rate", "p1", "kept", "--as-of", "2018-07-01", str(log)]) == 0
    assert log.read_text(encoding="utf-8").endswith(
        "        - status: kept\n          as_of: 2018-07-01\n"
    )


def test_a_raw_line_separator_is_refused_where_it_stands(tmp_path, capsys):
    log = tmp_path / "log.yaml"
    raw = PLEDGE_WITH_SEPARATOR.replace("\\u2028", "\u2028")
    log.write_text(raw, encoding="utf-8")
    assert main(["validate", str(log)]) == 1
    err = capsys.readouterr().err
    assert f"{log}:9:21: error: line separator U+2028 in the file" in err
    assert '"\\u2028" inside double quotes' in err
    assert "\u2028" not in err  # shown by name, never raw
