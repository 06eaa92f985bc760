"""`watchline rate`: what a reporter types and what they see."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from tui.cli import main

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "ct-bodycams.yaml"
    shutil.copyfile(BUNDLED, path)
    return path


def test_rate_appends_a_rating_and_says_where(log, capsys):
    before = log.read_text(encoding="utf-8").splitlines()
    code = main(
        [
            "rate",
            "pledge-anti-bias-plan",
            "stalled",
            "--as-of",
            "2018-06",
            "--note",
            "No plan reported by June 2018.",
            "--evidence",
            "news12-2017-12-01",
            str(log),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    assert "rated pledge-anti-bias-plan stalled as of 2018-06 (1 line added)" in out
    line = int(out.split(":")[1])
    after = log.read_text(encoding="utf-8").splitlines()
    assert after[line - 1] == (
        "        - {status: stalled, as_of: 2018-06, evidence: [news12-2017-12-01], "
        'note: "No plan reported by June 2018."}'
    )
    assert after[: line - 1] + after[line:] == before


def test_path_may_follow_the_evidence_list(log, capsys):
    code = main(
        [
            "rate",
            "pledge-funding",
            "kept",
            "--as-of",
            "2019-05",  # not 2019-04-02: the pledge already has that rating
            "--evidence",
            "ap-bond-commission-2019",
            "doingitlocal-2019-04-bond",
            str(log),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert "evidence: [ap-bond-commission-2019, doingitlocal-2019-04-bond]" in log.read_text(
        encoding="utf-8"
    )


def test_as_of_defaults_to_today(log, capsys):
    assert main(["rate", "pledge-deescalation-training", "stalled", str(log)]) == 0
    today = datetime.date.today().isoformat()
    assert f"as of {today}" in capsys.readouterr().out
    assert f"as_of: {today}" in log.read_text(encoding="utf-8")


def test_as_of_today_is_todays_date_and_a_month_is_written_as_given(log, capsys):
    # rate's --as-of is the rating's own date: written as given, not moved to a last day.
    rate = ["rate", "pledge-deescalation-training"]
    assert main([*rate, "stalled", "--as-of", "Today", str(log)]) == 0
    assert f"as_of: {datetime.date.today().isoformat()}" in log.read_text(encoding="utf-8")
    assert main([*rate, "broken", "--as-of", "2018-07", str(log)]) == 0
    assert "rated pledge-deescalation-training broken as of 2018-07 " in capsys.readouterr().out
    assert "2018-07-31" not in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["12/8/2017", "2018/..", "yesterday"])
def test_a_bad_as_of_is_the_usage_error_every_command_gives(log, capsys, value):
    before = log.read_bytes()
    with pytest.raises(SystemExit) as exited:
        main(["rate", "pledge-funding", "kept", "--as-of", value, str(log)])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "watchline rate: error: argument --as-of: " in err
    assert "give a year (2018), a month (2018-05)" in err
    assert "Traceback" not in err
    assert log.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["conect-forum", "kept"], "'conect-forum' is a meeting event, not a pledge"),
        (["pledge-funding", "finished"], "unknown pledge status 'finished'"),
        (["pledge-funding", "kept", "--evidence", "a-rumour"], "unknown source 'a-rumour'"),
        (["no-such-pledge", "kept"], "no event with id 'no-such-pledge'"),
    ],
)
def test_a_mistake_is_a_message_and_exit_2(log, capsys, argv, message):
    before = log.read_bytes()
    code = main(["rate", *argv, str(log)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("watchline: error: ")
    assert message in err
    assert "Traceback" not in err
    assert log.read_bytes() == before


def test_a_missing_file_is_exit_2(tmp_path, capsys):
    code = main(["rate", "pledge-funding", "kept", str(tmp_path / "nope.yaml")])
    assert code == 2
    assert "cannot read" in capsys.readouterr().err


def test_an_invalid_log_is_refused_with_exit_1(tmp_path, capsys):
    path = tmp_path / "broken.yaml"
    text = "watchline: 1\ntitle: t\nevents:\n  - id: p\n    kind: pledge\n"
    path.write_text(text, encoding="utf-8")
    code = main(["rate", "p", "kept", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{path}:" in err  # the problems, each at FILE:LINE:COL
    assert path.read_text(encoding="utf-8") == text
