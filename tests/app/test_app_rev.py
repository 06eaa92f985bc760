"""``watchline --rev REV``: the timeline of a past state, read from git, read only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import AS_OF
from tests.history_repo import ADDED_ID, git
from tui.app.app import WatchlineApp
from tui.cli import main
from tui.model.history.loading import open_revision

pytestmark = pytest.mark.anyio


async def test_the_app_at_a_revision_shows_that_state_read_only(git_history: Path) -> None:
    log = git_history / "log.yaml"
    revision = open_revision([log], "HEAD~3")
    app = WatchlineApp([log], as_of=AS_OF, remember=False, revision=revision)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.collection is not None
        assert ADDED_ID not in app.collection.index
        assert f"at {revision.commit.short} (2021-01-10)" in app.sub_title
        # A past state: nothing watched, and no editing or rating.
        assert app.live.watcher is None
        before = log.read_text(encoding="utf-8")
        await pilot.press("e")
        await pilot.press("r")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert sum("not available: this is the log at" in m for m in messages) == 2
        assert app.screen is app.screen_stack[0]  # no editor, no rating form
        # Locations name the file as git does.
        event = app.collection.events[0]
        assert event.location is not None
        assert event.location.file == f"{revision.commit.short}:log.yaml"
        # Changing the working copy does not change the past.
        log.write_text(before.replace(ADDED_ID, "renamed-in-working-copy"), encoding="utf-8")
        await pilot.pause(0.3)
        assert ADDED_ID not in app.collection.index
    assert log.read_text(encoding="utf-8") != before  # only the test touched it


def test_a_bad_revision_never_opens_the_app(
    git_history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(git_history / "log.yaml")
    assert main([log, "--rev", "no-such-tag"]) == 2
    assert "unknown revision" in capsys.readouterr().err
    git(git_history, "tag", "published", "HEAD~2")
    assert open_revision([Path(log)], "published").commit.message == "Correct a title"
    assert main([str(git_history / "gone.yaml"), "--rev", "published"]) == 2
    assert "did not exist" in capsys.readouterr().err
