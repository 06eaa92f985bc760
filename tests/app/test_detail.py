"""The detail pane: what a reader sees about one event, and following related events."""

from __future__ import annotations

import datetime
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.content import Content
from textual.style import Style
from textual.widgets import OptionList, Static

from tests.app.widget_samples import FORBIDDEN, chain_collection, hostile_collection
from tui.app.widgets.detail import DetailPane
from tui.model.load import load_paths
from tui.model.log import Collection

AS_OF = datetime.date(2018, 6, 1)


class DetailHost(App[None]):
    """A detail pane alone, showing one event; followed links are recorded."""

    def __init__(self, collection: Collection, event_id: str | None, as_of=AS_OF) -> None:
        super().__init__()
        self.collection = collection
        self.event_id = event_id
        self.as_of = as_of
        self.followed: list[str] = []

    def compose(self) -> ComposeResult:
        yield DetailPane(id="detail")

    def on_mount(self) -> None:
        event = None if self.event_id is None else self.collection.event(self.event_id)
        self.query_one(DetailPane).show(event, self.collection, self.as_of)

    @on(DetailPane.FollowRelated, "#detail")
    def _followed(self, message: DetailPane.FollowRelated) -> None:
        assert message.control is self.query_one(DetailPane)
        self.followed.append(message.event_id)


def _content(pane: DetailPane, selector: str) -> Content:
    content = pane.query_one(selector, Static).content
    assert isinstance(content, Content)
    return content


def pane_text(pane: DetailPane) -> str:
    """Everything the pane says, as plain text (body, related links, sources)."""
    related = pane.query_one("#detail-related", OptionList)
    links = [_plain(related.get_option_at_index(i).prompt) for i in range(related.option_count)]
    return "\n".join(
        [_content(pane, "#detail-body").plain, *links, _content(pane, "#detail-more").plain]
    )


def _plain(visual: object) -> str:
    return visual.plain if isinstance(visual, Content) else str(visual)


def link_targets(content: Content) -> set[str]:
    return {
        span.style.link
        for span in content.spans
        if isinstance(span.style, Style) and span.style.link is not None
    }


async def shown_text(event_id: str, as_of: datetime.date = AS_OF) -> str:
    """What the pane says about ``event_id`` of the chain sample, on a 100x60 terminal."""
    app = DetailHost(chain_collection(), event_id, as_of)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        return pane_text(app.query_one(DetailPane))


async def test_pledge_shows_who_promised_what_by_when_and_its_status_as_of_the_date():
    text = await shown_text("pledge-funding")
    for expected in [
        "Perez pledges to apply for state body-camera funding within a week",
        "When      30 Nov 2017",
        "Kind      ► Pledge",
        "Agencies  Bridgeport Police Department (BPD)",
        "People    Armando “AJ” Perez (Chief of Police, BPD)",
        "Topics    Body cameras, Funding",
        "Place     Bridgeport, CT",
        "He said it at the CONECT forum.\n\nA second paragraph.",
        "“We will apply within a week.”\n  — Armando “AJ” Perez (Chief of Police, BPD)",
        "in News 12 Connecticut, “Bridgeport police chief promises to push for body cams”, 1 Dec 2017",
        "By        Armando “AJ” Perez (Chief of Police, BPD)",
        "Due       c. 8 Dec 2017 (approximate)",
        "Status    not-yet-rated (as of 1 Jun 2018)",
        # 8 Dec 2017 to 1 Jun 2018: 5 calendar months and 24 days.
        "Overdue   overdue by 5 months",
        "30 Nov 2017   not-yet-rated",
        "2 Apr 2019    kept (after the as-of date)",
        "The city applied.",
        "evidence: AP, “Troopers get cameras”, 2 Apr 2019",
        "→ DOJ grants money for 800 trooper cameras · May 2018 (asked for)",
        "[1] News 12 Connecticut, “Bridgeport police chief promises to push for body cams”, 1 Dec 2017",
        "https://news12.com/story",
    ]:
        assert expected in text


async def test_a_pledge_kept_later_is_not_overdue_once_rated():
    text = await shown_text("pledge-funding", datetime.date(2019, 5, 1))
    assert "Status    kept (as of 1 May 2019)" in text
    assert "Overdue   no (kept)" in text
    assert "overdue by" not in text
    assert "after the as-of date" not in text


async def test_grant_shows_amount_agencies_purpose_extras_and_relations_both_ways():
    app = DetailHost(chain_collection(), "doj-grant")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        text = pane_text(pane)
        assert pane.related_ids == ["rollout", "pledge-funding"]
    for expected in [
        "When      May 2018 — some day between 1 May and 31 May 2018",
        "Kind      $ Grant",
        "Amount    $895,000",
        "From      U.S. Department of Justice",
        "To        Connecticut Department of Emergency Services and Public Protection",
        "Purpose   800 body cameras",
        "award_number: 2018-BC-BX-0001",
        "matched: yes",
        "Amount from the award notice.",
        "→ First 200 troopers get cameras · Summer 2018 (paid for)",
        "← cited by: Perez pledges to apply for state body-camera funding within a week"
        " · 30 Nov 2017 (asked for)",
    ]:
        assert expected in text


async def test_rollout_shows_units_agency_and_places():
    text = await shown_text("rollout")
    for expected in [
        "When      Summer 2018 — some day between 1 Jun and 31 Aug 2018",
        "Units     200 body cameras",
        "Agency    Connecticut State Police",
        "Where     Troop H, Hartford\n          Troop I, Bethany",
        "← cited by: DOJ grants money for 800 trooper cameras · May 2018 (paid for)",
    ]:
        assert expected in text


async def test_only_http_links_become_hyperlinks():
    app = DetailHost(chain_collection(), "pledge-funding")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        body = _content(pane, "#detail-body")
        more = _content(pane, "#detail-more")
    # The quote's source and the source list link to the news12 page ...
    assert link_targets(body) == {"https://news12.com/story"}
    assert link_targets(more) == {"https://news12.com/story"}
    # ... and the evidence source's javascript: URL is shown as text, never linked.
    assert "javascript:" not in " ".join(link_targets(body) | link_targets(more))


async def test_enter_on_a_related_event_asks_the_app_to_follow_it():
    app = DetailHost(chain_collection(), "doj-grant")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        app.query_one("#detail-related", OptionList).focus()
        await pilot.press("enter")
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.followed == ["rollout", "pledge-funding"]


async def test_clicking_a_related_event_follows_it():
    app = DetailHost(chain_collection(), "rollout")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        await pilot.click("#detail-related", offset=(4, 0))
        await pilot.pause()
    assert app.followed == ["doj-grant"]


async def test_no_event_says_so():
    app = DetailHost(chain_collection(), None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        assert _content(pane, "#detail-body").plain == "No event selected"
        assert not pane.query_one("#detail-related").display
        pane.show(None, app.collection, AS_OF, empty_message="No events match")
        await pilot.pause()
        assert _content(pane, "#detail-body").plain == "No events match"


async def test_hostile_log_text_is_shown_literally_and_clicking_it_does_nothing():
    target = Path("/tmp/pwned.svg")
    target.unlink(missing_ok=True)
    app = DetailHost(hostile_collection(), "evil")
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        text = pane_text(pane)
        # Markup is text, escapes are visible placeholders.
        assert "[@click=app.screenshot('pwned.svg','/tmp')]click me[/]" in text
        assert "[/bold]" in text
        assert "␛[2J" in text and "␛]52;c;aGVsbG8=␇" in text
        assert "<U+009B>31m" in text and "<U+202E>evil<U+202C>" in text
        for bad in FORBIDDEN:
            assert bad not in text
        # The only hyperlink candidate carries an ESC: no link at all.
        assert not link_targets(_content(pane, "#detail-body"))
        assert not link_targets(_content(pane, "#detail-more"))
        screen = app.export_screenshot()
        for bad in FORBIDDEN:
            assert bad not in screen
        for y in range(12):
            await pilot.click("#detail-body", offset=(8, y))
        await pilot.pause()
        assert app.is_running
    assert not target.exists()


async def test_a_relation_named_from_both_sides_is_one_row(bundled_log_path):
    collection = load_paths([bundled_log_path]).collection
    assert collection is not None
    app = DetailHost(collection, "despp-doj-grant")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        text = pane_text(pane)
        ids = pane.related_ids
    assert "Amount    $895,000" in text
    # The grant names the rollout and the rollout names the grant: one row, both arrows.
    assert ids.count("troopers-first-cameras") == 1
    rollout = collection.event("troopers-first-cameras")
    assert rollout is not None
    assert any(line.startswith(f"↔ {rollout.title}") for line in text.splitlines())


async def test_inline_citations_show_as_the_numbers_of_the_sources_list(bundled_log_path):
    collection = load_paths([bundled_log_path]).collection
    assert collection is not None
    app = DetailHost(collection, "despp-doj-grant")
    async with app.run_test(size=(120, 60)) as pilot:
        await pilot.pause()
        text = pane_text(app.query_one(DetailPane))
    event = collection.event("despp-doj-grant")
    assert event is not None and event.sources[2] == "registercitizen-2018-05-31"
    # [@registercitizen-2018-05-31] is the third source: "[3]", and the list says so.
    assert 'foster transparency" [3].' in " ".join(text.split())
    assert "[@" not in text
    assert "[3] The Register Citizen (Torrington)" in text
    # A note's citation too, and an id the event does not cite keeps its name.
    pledge = await shown_text_of(collection, "pledge-funding")
    assert "[ap-bond-commission-2019]" in pledge and "[@" not in pledge


async def shown_text_of(collection: Collection, event_id: str) -> str:
    app = DetailHost(collection, event_id)
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        return pane_text(app.query_one(DetailPane))


async def test_a_source_shows_its_archived_copy_and_when_it_was_read(tmp_path: Path):
    log = tmp_path / "log.yaml"
    log.write_text(
        "watchline: 1\ntitle: T\nsources:\n"
        "  s1: {title: Page, publisher: P, url: 'https://example.org/a',"
        " archived: 'https://web.archive.org/web/2024/https://example.org/a', accessed: 2024-05-01}\n"
        "events:\n  - {id: e1, date: 2018, kind: other, title: E, sources: [s1],"
        " summary: 'Said [@s1].'}\n",
        encoding="utf-8",
    )
    collection = load_paths([log]).collection
    assert collection is not None
    app = DetailHost(collection, "e1")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pane = app.query_one(DetailPane)
        text = pane_text(pane)
        more = _content(pane, "#detail-more")
    assert "Said [1]." in text
    assert "archived: https://web.archive.org/web/2024/https://example.org/a" in text
    assert "accessed 1 May 2024" in text
    assert "https://web.archive.org/web/2024/https://example.org/a" in link_targets(more)


async def test_a_theme_change_restyles_the_pane_and_keeps_its_text():
    app = DetailHost(chain_collection(), "doj-grant")
    async with app.run_test(size=(100, 60)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        pane = app.query_one(DetailPane)
        before = _content(pane, "#detail-body")
        app.theme = "textual-light"
        await pilot.pause()
        after = _content(pane, "#detail-body")
    assert after.plain == before.plain
    # The heading colours come from the theme through the component classes.
    assert [span.style for span in after.spans] != [span.style for span in before.spans]
