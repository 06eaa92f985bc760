"""`watchline sources check`: statuses, exit codes, json, politeness, the remembered file.

Everything runs against a local HTTP server (tests/link_server.py); nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.link_server import LinkServer
from tui.cli import main
from tui.model.links.check import CheckOptions, check_urls
from tui.model.links.remembered import read_results, results_path


@pytest.fixture(scope="module")
def server() -> Iterator[LinkServer]:
    with LinkServer(slow_seconds=2.0) as running:
        yield running


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder in a temporary place, turned on."""
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setenv("WATCHLINE_CACHE", "1")
    return home


def write_log(folder: Path, urls: dict[str, str], archived: dict[str, str] | None = None) -> Path:
    """A valid log with one source per ``urls`` entry (id -> url), all cited by event e1."""
    lines = ["watchline: 1", "title: Links", "sources:"]
    for source_id, url in urls.items():
        lines += [f"  {source_id}:", f"    title: Source {source_id}", f'    url: "{url}"']
        if archived and source_id in archived:
            lines.append(f'    archived: "{archived[source_id]}"')
    lines += [
        "events:",
        "  - id: e1",
        "    date: 2020-01-01",
        "    kind: report",
        "    title: An event",
        f"    sources: [{', '.join(urls)}]",
        "",
    ]
    path = folder / "links.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    code = main(["sources", "check", "-F", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_every_status_and_exit_1_when_one_is_dead(
    server: LinkServer, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = {
        "ok": server.url("/s1/ok"),
        "moved": server.url("/s1/moved"),
        "temp": server.url("/s1/temp"),
        "missing": server.url("/s1/missing"),
        "error": server.url("/s1/error"),
        "slow": server.url("/s1/slow"),
        "nohead": server.url("/s1/nohead"),
        "tofile": server.url("/s1/to-file"),
        "refused": f"http://127.0.0.1:{closed_port()}/x",
        "nohost": "http://no-such-host.invalid/x",
    }
    log = write_log(tmp_path, urls)
    code, rows = run_json(capsys, "--timeout", "0.5", str(log))
    assert code == 1
    by_id = {row["sources"][0]["id"]: row for row in rows}
    assert by_id["ok"]["status"] == "ok" and by_id["ok"]["code"] == 200
    assert by_id["moved"]["status"] == "moved"
    assert by_id["moved"]["final_url"] == server.url("/ok")
    assert by_id["temp"]["status"] == "ok" and by_id["temp"]["final_url"] == server.url("/ok")
    assert by_id["missing"]["status"] == "dead" and by_id["missing"]["code"] == 404
    assert by_id["error"]["status"] == "dead" and by_id["error"]["code"] == 500
    assert by_id["slow"]["status"] == "dead" and by_id["slow"]["reason"] == "timed out"
    assert by_id["nohead"]["status"] == "ok"
    assert by_id["tofile"]["status"] == "dead" and "non-http(s)" in by_id["tofile"]["reason"]
    assert by_id["refused"]["status"] == "dead"
    assert by_id["nohost"]["status"] == "dead"
    for row in rows:
        assert row["events"] == ["e1"]
        assert row["checked_at"]
    # HEAD first; GET only where HEAD was refused; the file: redirect was never followed.
    assert server.count("GET")["/s1/nohead"] == 1
    assert server.count("GET")["/s1/ok"] == 0
    assert not any("passwd" in path for _, path in server.requests)


def test_all_alive_exits_0_and_the_table_names_sources_and_events(
    server: LinkServer, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_log(
        tmp_path,
        {"a": server.url("/t/ok"), "b": server.url("/t/moved")},
        archived={"a": server.url("/t/archive/ok")},
    )
    assert main(["sources", "check", str(log)]) == 0
    out = capsys.readouterr().out
    assert "ok    200  " + server.url("/t/ok") in out
    assert "-> " + server.url("/ok") in out
    assert "source a (archived copy); cited by e1" in out
    assert "3 links: 2 ok, 1 moved, 0 dead, 0 not checked" in out


def test_a_url_that_is_not_http_is_never_fetched(server: LinkServer) -> None:
    # The loader refuses such URLs in a log; the checker refuses them again by itself.
    before = len(server.requests)
    urls = ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/", "http:///no-host"]
    results = asyncio.run(check_urls(urls, CheckOptions(timeout=1)))
    assert [(r.status, r.reason) for r in results] == [("not-checked", "not http(s)")] * 4
    assert len(server.requests) == before


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["sources", "check", "--timeout", "soon"])
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        main(["sources", "check", "-F", "xml"])
    assert stop.value.code == 2
    assert main(["sources", "check", str(tmp_path / "missing.yaml")]) == 2


def test_at_most_two_requests_per_host_and_the_global_cap() -> None:
    with LinkServer(delay=0.1) as slow:
        urls = [slow.url(f"/c{i}/ok") for i in range(12)]
        results = asyncio.run(check_urls(urls, CheckOptions(timeout=5)))
        assert [r.status for r in results] == ["ok"] * 12
        assert slow.max_in_flight == 2  # concurrent, and never more than the host's share
    with LinkServer(delay=0.1) as slow:
        urls = [slow.url(f"/g{i}/ok") for i in range(12)]
        options = CheckOptions(timeout=5, per_host=10, total=3)
        asyncio.run(check_urls(urls, options))
        assert slow.max_in_flight == 3


def test_a_get_reads_only_the_start_of_the_body(server: LinkServer) -> None:
    [result] = asyncio.run(check_urls([server.url("/b/big")], CheckOptions(timeout=5)))
    assert result.status == "ok"
    assert server.big_bytes_sent < 4 * 2**20


def test_results_are_remembered_and_merged(
    server: LinkServer, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_log(tmp_path, {"a": server.url("/r/ok"), "b": server.url("/r/missing")})
    assert main(["sources", "check", str(log)]) == 1
    path = results_path()
    assert path is not None and path.is_file() and path.is_relative_to(cache_home)
    assert path.stat().st_mode & 0o077 == 0
    remembered = read_results()
    assert remembered[server.url("/r/ok")].status == "ok"
    dead = remembered[server.url("/r/missing")]
    assert dead.status == "dead" and dead.code == 404 and dead.checked_at
    (tmp_path / "sub").mkdir()
    other = write_log(tmp_path / "sub", {"c": server.url("/r/moved")})
    assert main(["sources", "check", str(other)]) == 0
    remembered = read_results()
    assert remembered[server.url("/r/moved")].final_url == server.url("/ok")
    assert server.url("/r/missing") in remembered  # kept from the first check


def test_an_unwritable_cache_never_fails_the_check(
    server: LinkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setenv("WATCHLINE_CACHE", "1")
    log = write_log(tmp_path, {"a": server.url("/u/ok")})
    assert main(["sources", "check", str(log)]) == 0
    assert read_results() == {}


def test_a_corrupt_results_file_reads_as_nothing(cache_home: Path) -> None:
    path = results_path()
    assert path is not None
    path.write_text("{not json")
    assert read_results() == {}
    path.write_text(json.dumps({"version": 1, "results": {"u": {"status": "evil"}}}))
    assert read_results() == {}


def test_hostile_urls_reach_the_terminal_printable(
    server: LinkServer, tmp_path: Path, cache_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_log(tmp_path, {"h": server.url("/x/hostile"), "z": server.url("/x/ok\u202e")})
    main(["sources", "check", str(log)])
    table = capsys.readouterr().out
    main(["sources", "check", "-F", "json", str(log)])
    as_json = capsys.readouterr().out
    for out in (table, as_json):
        assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    json.loads(as_json)
