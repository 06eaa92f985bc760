"""`watchline pledges`: the bundled log's five pledges, judged at two dates, in every format.

Expected figures are worked out by hand from the bundled log:

* funding, due ``2017-12-08~`` (last day 8 Dec 2017), in-the-works from 21 Feb 2018 and a
  compromise from 28 Mar 2019 (never kept: the sources show no application by the date);
* anti-bias plan, due ``2018-03`` (31 Mar 2018), never rated beyond not-yet-rated;
* de-escalation training, due ``2018-05`` (31 May 2018), in-the-works from 7 Mar 2019;
* Col. Battle's troopers by the end of 2018 (due ``2018``), and DESPP's by spring 2019
  (due ``2019-21``, last day 31 May 2019), both in-the-works from 31 May 2018.

On 1 Aug 2018 Perez's three are overdue: by 236 days (7 months), 123 days (4 months) and 62
days (2 months); the troopers' two are not yet due. On 1 May 2019 the funding pledge is a
compromise and no longer overdue, and Battle's is 4 months overdue.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tui.cli import main
from tui.formats.pledge_rows import PLEDGE_COLUMNS


def pledges(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["pledges", *argv]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_json_rows_carry_status_and_overdue(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["id"]: r for r in json.loads(pledges(capsys, "--as-of", "2018-08-01", "-F", "json"))}
    assert set(rows) == {
        "pledge-funding",
        "pledge-anti-bias-plan",
        "pledge-deescalation-training",
        "pledge-troopers-by-end-of-2018",
        "pledge-troopers-by-spring-2019",
    }
    funding = rows["pledge-funding"]
    assert (funding["status"], funding["overdue"], funding["overdue_days"]) == (
        "in-the-works",
        True,
        236,
    )
    assert funding["overdue_text"] == "overdue by 7 months"
    assert (funding["due_edtf"], funding["due_by"]) == ("2017-12-08~", "2017-12-08")
    assert funding["by"] == "AJ Perez"
    assert funding["made_edtf"] == "2017-11-30"
    assert rows["pledge-anti-bias-plan"]["overdue_days"] == 123
    assert rows["pledge-deescalation-training"]["overdue_days"] == 62
    for pledge_id in ("pledge-troopers-by-end-of-2018", "pledge-troopers-by-spring-2019"):
        assert (rows[pledge_id]["status"], rows[pledge_id]["overdue"]) == ("in-the-works", False)
    assert rows["pledge-troopers-by-end-of-2018"]["by"] == "George Battle"
    for row in rows.values():
        assert set(PLEDGE_COLUMNS) <= set(row)


def test_a_later_rating_settles_the_funding_pledge(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["id"]: r for r in json.loads(pledges(capsys, "--as-of", "2019-05-01", "-F", "json"))}
    funding = rows["pledge-funding"]
    assert (funding["status"], funding["overdue"], funding["overdue_days"]) == (
        "compromise",
        False,
        None,
    )
    assert funding["last_rating_edtf"] == "2019-03-28"
    assert funding["evidence"] == ["ap-bond-commission-2019", "opm-bwre-application"]
    battle = rows["pledge-troopers-by-end-of-2018"]
    assert (battle["status"], battle["overdue_text"]) == ("in-the-works", "overdue by 4 months")
    training = rows["pledge-deescalation-training"]
    assert (training["status"], training["overdue"]) == ("in-the-works", True)


def test_table_says_overdue_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    out = pledges(capsys, "--as-of", "2018-08-01")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["DUE", "STATUS", "OVERDUE"]
    assert len(lines) == 6
    assert any("overdue by 4 months" in line and "anti-bias" in line for line in lines)
    assert "\x1b" not in out


def test_filter_narrows_the_pledges(capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(pledges(capsys, "--filter", "topic:training", "-F", "json"))
    assert sorted(r["id"] for r in rows) == [
        "pledge-anti-bias-plan",
        "pledge-deescalation-training",
    ]


def test_csv_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(pledges(capsys, "--as-of", "2018-08-01", "-F", "csv"))))
    assert tuple(rows[0]) == PLEDGE_COLUMNS and len(rows) == 5
    assert [r["overdue"] for r in rows].count("true") == 3
    assert rows[0]["evidence"] == "news12-2017-12-01"
    md = pledges(capsys, "--as-of", "2018-08-01", "-F", "md")
    assert "| Due | Status | Overdue | By | Pledge | Last rated |" in md
    assert md.count("overdue by") == 3


def test_formats_other_than_the_pledge_ones_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["pledges", "--format", "ics"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
