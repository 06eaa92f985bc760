"""`--view ID` on the command line: a saved view of the log or of the user's config."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tui.cli import SUBCOMMANDS, _command_parser, main, tui_parser


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's config folder, empty unless a test writes a config.yaml into it."""
    home = tmp_path / "config"
    (home / "watchline").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home / "watchline"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ids(out: str) -> set[str]:
    return {event["id"] for event in json.loads(out)}


def test_list_view_runs_the_logs_saved_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--view", "overdue", "-F", "json", "--as-of", "2026-01")
    _, expected, _ = run(capsys, "list", "-f", "status:overdue", "-F", "json", "--as-of", "2026-01")
    assert (code, err) == (0, "")
    assert ids(out) == ids(expected) and len(ids(out)) == 2


def test_a_filter_narrows_the_view(capsys: pytest.CaptureFixture[str]) -> None:
    _, everything, _ = run(capsys, "list", "--view", "bridgeport", "-F", "json")
    code, pledges, _ = run(
        capsys, "list", "--view", "bridgeport", "-f", "kind:pledge", "-F", "json"
    )
    assert code == 0
    assert ids(pledges) < ids(everything)
    assert all(event["kind"] == "pledge" for event in json.loads(pledges))


def test_pledges_takes_a_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "pledges", "--view", "overdue", "-F", "json", "--as-of", "2026")
    assert code == 0
    assert {row["status"] for row in json.loads(out)} <= {"not-yet-rated", "in-the-works"}
    assert all(row["overdue"] for row in json.loads(out))


def test_an_unknown_view_is_a_usage_error_naming_the_views(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "list", "--view", "overdu")
    assert (code, out) == (2, "")
    assert err.startswith("watchline: error: no view 'overdu'; did you mean 'overdue'?")
    assert "bridgeport" in err


def test_the_users_own_view_and_a_warning_for_a_bad_one(
    capsys: pytest.CaptureFixture[str], config_home: Path
) -> None:
    (config_home / "config.yaml").write_text(
        "views:\n"
        "  courts:\n"
        "    label: In court\n"
        "    query: kind:court\n"
        "  typo:\n"
        "    label: Typo\n"
        "    query: kidn:court\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "list", "--view", "courts", "-F", "json")
    assert code == 0
    assert out and {event["kind"] for event in json.loads(out)} == {"court"}
    assert err == (
        f"{config_home / 'config.yaml'}:7:12: warning: 'query' is not a valid query at "
        "character 1: unknown field 'kidn' (did you mean 'kind'?) (skipped)\n"
    )


def test_changes_takes_a_view_of_the_log_at_until(
    capsys: pytest.CaptureFixture[str], git_history: Path
) -> None:
    log = str(git_history / "log.yaml")
    code, out, err = run(
        capsys, "changes", log, "--since", "HEAD~3", "-F", "json", "--view", "bridgeport"
    )
    _, expected, _ = run(
        capsys, "changes", log, "--since", "HEAD~3", "-F", "json", "-f", "agency:bpd"
    )
    _, everything, _ = run(capsys, "changes", log, "--since", "HEAD~3", "-F", "json")
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads(expected)
    assert [r["message"] for r in json.loads(out)] == ["Rate a pledge"]
    assert len(json.loads(everything)) == 3
    code, out, err = run(capsys, "changes", log, "--view", "bridgeprot")
    assert (code, out) == (2, "")
    assert err.startswith("watchline: error: no view 'bridgeprot'; did you mean 'bridgeport'?")


def query_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    """The TUI's parser and every subcommand's (and sub-subcommand's) that takes --filter."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    stack = [("watchline", tui_parser())]
    stack += [(f"watchline {name}", _command_parser(name)[1]) for name in SUBCOMMANDS]
    while stack:
        name, parser = stack.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack += [(f"{name} {sub}", p) for sub, p in action.choices.items()]
        if any("--filter" in action.option_strings for action in parser._actions):
            found.append((name, parser))
    return found


def test_every_command_that_takes_a_query_takes_a_view_with_the_same_help() -> None:
    parsers = query_parsers()
    names = {name for name, _ in parsers}
    assert {"watchline", "watchline list", "watchline pledges", "watchline changes"} <= names
    helps = {}
    for name, parser in parsers:
        views = [action for action in parser._actions if "--view" in action.option_strings]
        assert views, f"{name} takes --filter but not --view"
        helps[name] = (views[0].metavar, views[0].help)
    assert len(set(helps.values())) == 1, helps
