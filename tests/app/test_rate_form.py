"""`r` on a pledge: a small form that writes a rating into the log, losing nothing.

The form calls the same function as ``watchline rate`` (tui.model.edit.add_rating); these
tests drive it as a person would and look at the file and the screen afterwards.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Select, SelectionList, Static

from tests.app.conftest import AS_OF
from tui.app.app import WatchlineApp
from tui.app.screens.rate_form import RateForm
from tui.model.edit import file_hash

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parents[1] / "model" / "logs" / "example.yaml"


async def wait_until(pilot, condition, seconds: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def messages(app: WatchlineApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def form_error(form: RateForm) -> str:
    return str(form.query_one("#rate-error", Static).render())


async def open_form(pilot, app: WatchlineApp, event_id: str = "pledge-funding") -> RateForm:  # type: ignore[no-untyped-def]
    assert await wait_until(pilot, lambda: app.collection is not None)
    assert app.go_to_event(event_id)
    await pilot.press("r")
    assert await wait_until(pilot, lambda: isinstance(app.screen, RateForm))
    assert isinstance(app.screen, RateForm)
    return app.screen


def fill(form: RateForm, status: str, as_of: str, note: str, evidence: list[str]) -> None:
    form.query_one("#rate-status", Select).value = status
    form.query_one("#rate-as-of", Input).value = as_of
    form.query_one("#rate-note", Input).value = note
    selection = form.query_one("#rate-evidence", SelectionList)
    for source in evidence:
        selection.select(source)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.yaml"
    shutil.copy(EXAMPLE, path)
    return path


async def test_a_rating_is_written_in_place_and_the_detail_pane_shows_it(log: Path) -> None:
    before = log.read_text().splitlines()
    app = WatchlineApp([log], as_of=AS_OF, remember=False)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, app)
        # The form starts from the pledge's status now and the app's as-of date.
        assert form.query_one("#rate-status", Select).value == "kept"
        assert form.query_one("#rate-as-of", Input).value == AS_OF.isoformat()
        fill(form, "broken", "2020-03", "Funding withdrawn", ["news12-2017-12-01"])
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, RateForm))
        after = log.read_text().splitlines()
        # Every original line survives, in order; only the rating's line was added.
        added = [line for line in after if line not in before]
        assert added == [
            "        - {status: broken, as_of: 2020-03, evidence: [news12-2017-12-01], "
            'note: "Funding withdrawn"}'
        ]
        assert [line for line in after if line in before] == before
        assert await wait_until(
            pilot,
            lambda: app.collection.event("pledge-funding").pledge.ratings[-1].status == "broken",
        )
        # The detail pane follows (it redraws a moment after the cursor settles).
        assert await wait_until(
            pilot, lambda: "broken (as of" in str(app.query_one("#detail-body", Static).render())
        )
        assert any(m.startswith("Rated pledge-funding broken as of 2020-03") for m in messages(app))
        # The watcher's reload of our own write does not announce it a second time.
        await pilot.pause(0.5)
        assert not any(m.endswith("changed.") for m in messages(app)), messages(app)


async def test_a_file_changed_since_it_was_loaded_is_refused_and_the_input_kept(
    log: Path,
) -> None:
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, app)
        fill(form, "stalled", "2019", "No news", [])
        # Someone else saves the log meanwhile.
        edited = log.read_text() + "# a colleague's comment\n"
        log.write_text(edited)
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: "changed on disk" in form_error(form))
        assert "Nothing was written" in form_error(form)
        assert app.screen is form  # still open, with everything typed
        assert form.query_one("#rate-note", Input).value == "No news"
        assert form.query_one("#rate-status", Select).value == "stalled"
        assert log.read_text() == edited
        # The refusal reloads the log; saving again rates the version now shown.
        assert await wait_until(pilot, lambda: app.live.hash_of(log) == file_hash(log))
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, RateForm))
        text = log.read_text()
        assert "# a colleague's comment" in text
        assert "status: stalled" in text


async def test_a_bad_date_is_explained_with_a_suggestion_and_nothing_written(log: Path) -> None:
    original = log.read_text()
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, app)
        form.query_one("#rate-as-of", Input).value = "2019/04/02"
        await pilot.pause()
        hint = str(form.query_one("#rate-as-of-hint", Static).render())
        assert "did you mean 2019-04-02?" in hint
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "not a date" in form_error(form)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, RateForm))
    assert log.read_text() == original


async def test_r_on_an_event_that_is_not_a_pledge_says_so(log: Path) -> None:
    app = WatchlineApp([log], as_of=AS_OF, remember=False, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_until(pilot, lambda: app.collection is not None)
        assert app.go_to_event("doj-grant")
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, RateForm)
        assert "Only pledges take ratings; this is a grant event." in messages(app)
