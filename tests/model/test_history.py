"""The log's history in git: each commit's changes, incremental and full loads agreeing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.history_repo import build_history, git
from tui.model.history.git import GitError, find_repository
from tui.model.history.walk import walk_history

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def _git(repo: Path, *args: str) -> None:
    git(repo, *args)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The bundled log, then three commits: a title corrected, a rating added, an event added."""
    return build_history(tmp_path / "repo")


def test_changes_since_the_first_commit_are_the_three_edits(history: Path) -> None:
    repo, rel = find_repository([history / "log.yaml"])
    revisions = list(walk_history(repo, rel, repo.resolve("HEAD~3"), repo.resolve("HEAD")))
    assert [r.commit.message for r in revisions] == [
        "Correct a title",
        "Rate a pledge",
        "Add an event",
    ]
    title, rating, added = (r.changes for r in revisions)
    assert len(title) == 1 and title[0].action == "edited"
    assert [f.field for f in title[0].fields] == ["title"]
    assert "(corr" in title[0].fields[0].new  # shortened to 80 characters
    assert len(rating) == 1 and [r.action for r in rating[0].ratings] == ["added"]
    assert rating[0].ratings[0].as_of == "2020-01-01"
    assert [(c.action, c.id) for c in added] == [("added", "history-test-added")]


def test_the_shortcut_agrees_with_a_full_load_at_every_commit(history: Path) -> None:
    repo, rel = find_repository([history / "log.yaml"])
    walked = list(
        walk_history(repo, rel, repo.resolve("HEAD~3"), repo.resolve("HEAD"), keep_collections=True)
    )
    from tui.model.history.loading import load_versions

    for revision in walked:
        files = repo.files_at(revision.commit, rel)
        data = repo.read_blobs([f.blob for f in files])
        full = load_versions([(f.path, data[f.blob]) for f in files]).collection
        assert full is not None and revision.collection is not None
        strip = lambda c: {e.id: (e.title, e.pledge) for e in c.events}  # noqa: E731
        assert strip(revision.collection) == strip(full)


def test_a_broken_commit_is_reported_and_skipped(history: Path) -> None:
    log = history / "log.yaml"
    good = log.read_text(encoding="utf-8")
    log.write_text(good + "  - id: [unclosed\n", encoding="utf-8")
    _git(history, "commit", "-qam", "Break it")
    log.write_text(good.replace("A statement added later", "A statement, fixed"), encoding="utf-8")
    _git(history, "commit", "-qam", "Fix it")
    repo, rel = find_repository([log])
    broken, fixed = walk_history(repo, rel, repo.resolve("HEAD~2"), repo.resolve("HEAD"))
    assert broken.problems and not broken.changes
    assert [(c.action, c.id) for c in fixed.changes] == [("edited", "history-test-added")]


def test_unknown_revisions_and_paths_outside_git_are_clear_errors(
    history: Path, tmp_path: Path
) -> None:
    repo, _ = find_repository([history / "log.yaml"])
    with pytest.raises(GitError, match="unknown revision"):
        repo.resolve("no-such-branch")
    with pytest.raises(GitError, match="not a revision"):
        repo.resolve("--output=/tmp/x")
    outside = tmp_path / "outside.yaml"
    outside.write_text("watchline: 1\n", encoding="utf-8")
    with pytest.raises(GitError, match="not inside a git repository"):
        find_repository([outside])


def test_the_changes_command_prints_the_trail_as_json(history: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui", "changes", str(history / "log.yaml"), "--since", "HEAD~3",
         "-F", "json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    trail = json.loads(done.stdout)
    assert [r["message"] for r in trail] == ["Correct a title", "Rate a pledge", "Add an event"]
    bad = subprocess.run(
        [sys.executable, "-m", "tui", "changes", str(history / "log.yaml"), "--since", "nope"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (
        bad.returncode == 2 and "unknown revision" in bad.stderr and "Traceback" not in bad.stderr
    )
