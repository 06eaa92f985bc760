"""``watchline changes --filter QUERY``: the trail of the events a query keeps, then or now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.history_repo import ADDED_ID, git
from tui.cli import main


def trail(capsys: pytest.CaptureFixture[str], repo: Path, query: str) -> list[dict]:
    code = main(["changes", str(repo / "log.yaml"), "--since", "HEAD~3", "-F", "json", "-f", query])
    captured = capsys.readouterr()
    assert (code, captured.err) == (0, "")
    return json.loads(captured.out)


def test_the_filter_keeps_the_commits_that_touched_matching_events(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    only_added = trail(capsys, git_history, f"id:{ADDED_ID}")
    assert [r["message"] for r in only_added] == ["Add an event"]
    assert [c["id"] for c in only_added[0]["changes"]] == [ADDED_ID]
    corrected = trail(capsys, git_history, '"(corrected)"')
    assert [r["message"] for r in corrected] == ["Correct a title"]
    assert trail(capsys, git_history, "kind:statement -id:" + ADDED_ID + " zzzz-nothing") == []
    # Without a filter every commit is listed; an empty filter is no filter.
    assert len(trail(capsys, git_history, "")) == 3


def test_an_event_matches_by_its_old_version_too(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = git_history / "log.yaml"
    text = log.read_text(encoding="utf-8")
    log.write_text(
        text.replace("A statement added later", "A statement, reworded"), encoding="utf-8"
    )
    git(git_history, "commit", "-qam", "Reword it")
    code = main(["changes", str(log), "--since", "HEAD~2", "-F", "json", "-f", '"added later"'])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    # "added later" is only in the old title of the reworded commit.
    assert [r["message"] for r in out] == ["Add an event", "Reword it"]
    assert out[1]["changes"][0]["fields"][0]["new"] == "A statement, reworded"


def test_a_bad_filter_is_exit_2_with_the_mistake_marked(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["changes", str(git_history / "log.yaml"), "-f", "agnecy:bpd"])
    err = capsys.readouterr().err
    assert code == 2 and "did you mean 'agency'" in err and "^^^" in err
