"""One ``--as-of``: `list`, `pledges`, `serve` and the TUI read it alike (tui.model.asof).

The TUI's arguments are parsed without running the app: ``tui.cli.tui_parser``.
"""

from __future__ import annotations

import argparse
import datetime
import json

import pytest

from tui.cli import _command_parser, main, tui_parser
from tui.model.asof import AS_OF_HELP

# The parsers that judge pledges at --as-of, by the command line that reaches them.
PARSERS = ["watchline", "list", "pledges", "serve ssh", "serve web"]


def parser_for(command: str) -> argparse.ArgumentParser:
    if command == "watchline":
        return tui_parser()
    name, *kind = command.split()
    parser = _command_parser(name)[1]
    if kind:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return subparsers.choices[kind[0]]
    return parser


def as_of_action(parser: argparse.ArgumentParser) -> argparse.Action:
    return next(a for a in parser._actions if "--as-of" in a.option_strings)


def parsed_as_of(command: str, value: str) -> object:
    return parser_for(command).parse_args(["--as-of", value]).as_of


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "-F", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return json.loads(captured.out)


@pytest.mark.parametrize("command", PARSERS)
def test_every_as_of_has_the_same_help(command: str) -> None:
    action = as_of_action(parser_for(command))
    assert action.help == AS_OF_HELP
    assert action.metavar == "DATE"
    assert action.default is None


@pytest.mark.parametrize("command", ["watchline", "list", "pledges"])
@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2018", datetime.date(2018, 12, 31)),
        ("2018-05", datetime.date(2018, 5, 31)),
        ("2018-05-09", datetime.date(2018, 5, 9)),
        ("today", None),
        ("TODAY", None),
    ],
)
def test_the_tui_list_and_pledges_judge_at_the_same_day(
    command: str, value: str, day: datetime.date | None
) -> None:
    assert parsed_as_of(command, value) == (day or datetime.date.today())


@pytest.mark.parametrize("command", ["watchline", "list", "pledges"])
def test_no_as_of_is_today(command: str) -> None:
    assert parser_for(command).parse_args([]).as_of is None  # each run reads None as today


@pytest.mark.parametrize("command", ["serve ssh", "serve web"])
def test_serve_checks_the_value_and_hands_each_session_the_text(command: str) -> None:
    # `today` stays `today`: each reader's session judges at the day it starts.
    assert parsed_as_of(command, " today ") == "today"
    assert parsed_as_of(command, "2018") == "2018"


def test_pledges_as_of_a_year_is_its_last_day(capsys: pytest.CaptureFixture[str]) -> None:
    by_year = run_json(capsys, "pledges", "--as-of", "2018")
    assert by_year == run_json(capsys, "pledges", "--as-of", "2018-12-31")
    rows = {row["id"]: row for row in by_year}  # type: ignore[union-attr]
    # Due in March 2018, never rated: 275 days overdue on 31 Dec 2018.
    assert rows["pledge-anti-bias-plan"]["overdue_days"] == 275
    # Col. Battle's troopers, due by the end of 2018: not overdue on its last day.
    assert not any(row["overdue"] and row["due_by"] == "2018-12-31" for row in by_year)  # type: ignore[union-attr]


@pytest.mark.parametrize("command", ["list", "pledges"])
def test_a_month_is_its_last_day_for_list_and_pledges(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_json(capsys, command, "--as-of", "2018-05") == run_json(
        capsys, command, "--as-of", "2018-05-31"
    )


@pytest.mark.parametrize("command", ["list", "pledges"])
def test_today_is_the_default(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    today = run_json(capsys, command, "--as-of", "today")
    assert today == run_json(capsys, command)
    assert today == run_json(capsys, command, "--as-of", datetime.date.today().isoformat())


@pytest.mark.parametrize("value", ["last tuesday", "2018-13", "2018/..", "\x1b[2J2018"])
def test_a_bad_value_is_the_same_usage_error_everywhere(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = set()
    for argv, prog in [
        ([], "watchline"),
        (["list"], "watchline list"),
        (["pledges"], "watchline pledges"),
        (["serve", "web"], "watchline serve web"),
    ]:
        with pytest.raises(SystemExit) as exited:
            main([*argv, "--as-of", value])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("usage: ")
        assert "Traceback" not in err and "\x1b" not in err
        last = err.rstrip("\n").splitlines()[-1]
        prefix = f"{prog}: error: argument --as-of: "
        assert last.startswith(prefix), err
        messages.add(last.removeprefix(prefix))
    assert len(messages) == 1, messages
    (message,) = messages
    assert message.endswith("or today")
