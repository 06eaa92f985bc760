"""``--rev REV`` for list, pledges and validate: the log as a commit has it, from git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.history_repo import ADDED_ID, CORRECTED, git
from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def ids(out: str) -> list[str]:
    return [event["id"] for event in json.loads(out)]


def test_list_at_the_first_commit_shows_the_log_as_it_was(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(git_history / "log.yaml")
    code, now, _ = run(capsys, "list", log, "-F", "json")
    assert code == 0 and ADDED_ID in ids(now)
    code, then, err = run(capsys, "list", log, "--rev", "HEAD~3", "-F", "json")
    assert (code, err) == (0, "")
    assert ADDED_ID not in ids(then) and len(ids(then)) == len(ids(now)) - 1
    titles = [event["title"] for event in json.loads(then)]
    assert not any(title.startswith(CORRECTED) for title in titles)
    # A date means the last commit on or before it: the title was corrected on 2021-02-10.
    code, feb, _ = run(capsys, "list", log, "--rev", "2021-02-20", "-F", "json")
    assert code == 0 and ADDED_ID not in ids(feb)
    assert any(event["title"].startswith(CORRECTED) for event in json.loads(feb))
    # The working tree is untouched.
    assert ADDED_ID in (git_history / "log.yaml").read_text(encoding="utf-8")


def test_a_folder_and_a_file_gone_from_the_working_copy(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(git_history, "rm", "-q", "log.yaml")
    git(git_history, "commit", "-qm", "Remove the log")
    code, out, _ = run(capsys, "list", str(git_history), "--rev", "HEAD~1", "-F", "json")
    assert code == 0 and ADDED_ID in ids(out)
    code, out, _ = run(
        capsys, "list", str(git_history / "log.yaml"), "--rev", "HEAD~2", "-F", "json"
    )
    assert code == 0 and ADDED_ID not in ids(out)


def test_pledges_at_a_revision_rate_as_that_commit_did(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(git_history / "log.yaml")
    args = ("pledges", log, "-F", "json", "--as-of", "2021-01-01")
    _, before, _ = run(capsys, *args, "--rev", "HEAD~2")
    _, after, _ = run(capsys, *args, "--rev", "HEAD~1")
    stalled_before = {row["id"] for row in json.loads(before) if row["status"] == "stalled"}
    stalled_after = {row["id"] for row in json.loads(after) if row["status"] == "stalled"}
    assert len(stalled_after - stalled_before) == 1


def test_validate_names_files_as_git_does(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = git(git_history, "rev-parse", "--short=8", "HEAD~3").strip()
    code, out, err = run(capsys, "validate", str(git_history / "log.yaml"), "--rev", "HEAD~3")
    assert (code, err) == (0, "")
    assert out.startswith(f"{short}:log.yaml: ") and out.rstrip().endswith("valid")
    log = git_history / "log.yaml"
    log.write_text(log.read_text(encoding="utf-8") + "  - id: [unclosed\n", encoding="utf-8")
    git(git_history, "commit", "-qam", "Break it")
    broken = git(git_history, "rev-parse", "--short=8", "HEAD").strip()
    code, _, err = run(capsys, "validate", str(log), "--rev", "HEAD")
    assert code == 1 and err.startswith(f"{broken}:log.yaml:")
    # The broken commit does not hide the good one before it.
    assert run(capsys, "validate", str(log), "--rev", "HEAD~1")[0] == 0


@pytest.mark.parametrize("command", ["list", "pledges", "validate"])
def test_every_way_rev_can_fail_is_one_line_and_exit_2(
    git_history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    log = str(git_history / "log.yaml")
    outside = tmp_path / "outside.yaml"
    outside.write_text("watchline: 1\n", encoding="utf-8")
    cases = {
        "unknown revision": (log, "--rev", "no-such-branch"),
        "no commit on or before 2000-01-01": (log, "--rev", "2000-01-01"),
        "not inside a git repository": (str(outside), "--rev", "HEAD"),
        "did not exist at": (str(git_history / "other.yaml"), "--rev", "HEAD~1"),
        "not a revision": (log, "--rev=--output=x"),
    }
    for message, args in cases.items():
        code, out, err = run(capsys, command, *args)
        assert out == ""
        assert code == 2, (message, err)
        assert message in err and "Traceback" not in err and err.count("\n") == 1, err
    if command != "validate":  # validate always wants a PATH
        code, _, err = run(capsys, command, "--rev", "HEAD")
        assert code == 2 and "name its files or folders" in err
