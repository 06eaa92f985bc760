"""`watchline sources archive`: snapshots written into source blocks, lines inserted only."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.link_server import LinkServer
from tui.cli import main
from tui.model.load import load_paths

TODAY = datetime.date.today().isoformat()

LOG = """\
watchline: 1
title: Archive
sources:
  # a comment that stays
  kept:
    title: Has a snapshot
    url: https://example.org/has-snapshot/a
    note: >-
      A folded note
      on two lines.

  fresh:
    title: "No snapshot yet"
    url: https://example.org/b
    accessed: 2020-01-01
  done:
    title: Archived already
    url: https://example.org/has-snapshot/c
    archived: https://web.archive.org/web/2019/https://example.org/has-snapshot/c
events:
  - id: e1
    date: 2020-01-01
    kind: report
    title: An event
    sources: [kept, fresh, done]
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    with LinkServer() as running:
        yield running


def archive(server: LinkServer, *args: str) -> int:
    return main(
        [
            "sources",
            "archive",
            "--availability-endpoint",
            server.url("/wayback/available"),
            "--save-endpoint",
            server.url("/save/"),
            *args,
        ]
    )


def added_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` not in ``before``, checking nothing else changed."""
    old, new = before.splitlines(), after.splitlines()
    added = []
    i = 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old), "an original line changed or went missing"
    return added


def test_a_snapshot_is_written_as_two_lines_and_the_log_still_validates(
    server: LinkServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    assert archive(server, str(log)) == 1  # `fresh` has no snapshot and --save was not given
    after = log.read_text()
    assert added_lines(LOG, after) == [
        "    archived: https://web.archive.org/web/20200101000000/https://example.org/has-snapshot/a",
        f"    accessed: {TODAY}",
    ]
    assert load_paths([log]).problems == []
    out = capsys.readouterr()
    assert "log.yaml:11: added archived: https://web.archive.org/web/" in out.out
    assert "fresh: no snapshot (--save asks for one)" in out.err


def test_save_page_now_makes_one_and_accessed_is_not_written_twice(
    server: LinkServer, tmp_path: Path
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    assert archive(server, "--save", str(log)) == 0
    added = added_lines(LOG, log.read_text())
    saved = server.url("/web/20240102030405/https://example.org/b")
    assert added == [
        "    archived: https://web.archive.org/web/20200101000000/https://example.org/has-snapshot/a",
        f"    accessed: {TODAY}",
        f"    archived: {saved}",  # `fresh` had an accessed: date; it is kept as it was
    ]
    assert load_paths([log]).problems == []
    assert server.count()["/save/https://example.org/b"] == 1
    assert archive(server, "--save", str(log)) == 0  # nothing left to do


def test_a_dry_run_prints_and_writes_nothing(
    server: LinkServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    assert archive(server, "-n", "--save", str(log)) == 0
    assert log.read_text() == LOG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.yaml"]  # no lock, no temp
    out = capsys.readouterr().out
    assert f"would add accessed: {TODAY}" in out
    assert "2 sources would be archived" in out


def test_a_read_only_log_is_refused(server: LinkServer, tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    log.chmod(0o444)
    try:
        assert archive(server, "--save", str(log)) == 1
        assert log.read_text() == LOG
    finally:
        log.chmod(0o644)


def test_the_bundled_log_takes_two_lines_a_source_and_stays_valid(
    server: LinkServer, tmp_path: Path, bundled_log_path: Path
) -> None:
    log = tmp_path / "ct.yaml"
    shutil.copy(bundled_log_path, log)
    before = log.read_text()
    assert archive(server, "--save", str(log)) == 0
    added = added_lines(before, log.read_text())
    result = load_paths([log])
    assert result.problems == [] and result.collection is not None
    assert len(added) == 2 * len(result.collection.sources)
    assert all(s.archived and s.accessed for s in result.collection.sources.values())


def test_an_endpoint_must_be_http(tmp_path: Path) -> None:
    log = tmp_path / "log.yaml"
    log.write_text(LOG)
    assert main(["sources", "archive", "--save-endpoint", "file:///tmp/", str(log)]) == 2
