"""The bundled Connecticut log: valid, and it holds the facts its sources support.

The checks are what an editor would check before publishing: the key amounts and dates
are those the sources give, the pledges carry their due dates and honest ratings, and
every event cites a source with a publisher.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tui.model.bundled import bundled_log
from tui.model.loader import load_paths

SCHEMA_LINE = "# yaml-language-server: $schema=watchline.schema.json"


@pytest.fixture(scope="module")
def collection():
    result = load_paths([bundled_log()])
    assert [str(p) for p in result.problems] == []
    return result.collection


def test_the_bundled_log_is_where_the_package_looks_for_it(bundled_log_path: Path):
    assert bundled_log().resolve() == bundled_log_path.resolve()


def test_it_starts_with_the_schema_line_and_ends_with_events(bundled_log_path: Path):
    text = bundled_log_path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    top_level_keys = [
        line.split(":")[0] for line in text.splitlines() if line[:1].isalpha() and ":" in line
    ]
    # events: last, so that a new event appended at the end of the file lands in it.
    assert top_level_keys[-1] == "events"
    assert top_level_keys[0] == "watchline"


def test_every_event_cites_a_source_with_a_publisher(collection):
    for event in collection.events:
        assert event.sources, event.id
        for source_id in event.sources:
            source = collection.sources[source_id]
            assert source.publisher, f"{event.id}: source {source_id} has no publisher"
            assert source.title


def test_every_quote_says_who_said_it_and_where(collection):
    quotes = [quote for event in collection.events for quote in event.quotes]
    assert quotes
    for quote in quotes:
        assert quote.by in collection.people
        assert quote.source in collection.sources


def test_the_required_events_are_there_with_their_dates(collection):
    expected = {
        "pa-15-4-passed": "2015-06-29",
        "negron-shooting": "2017-05-09",
        "conect-forum": "2017-11-30",
        "negron-report": "2018-01-26",
        "bridgeport-pilot": "2018-02-01/2018-04-30",
        "despp-doj-grant": "2018-05-29~",
        "troopers-first-cameras": "2018-22",
        "bridgeport-full-rollout": "2018-08",
        "bond-commission-reimbursement": "2019-04-02",
        "troopers-all-equipped": "2020-06-10",
        "perez-charged-resigns": "2020-09-10",
        "perez-pleads-guilty": "2020-10-05",
        "perez-sentenced": "2021-04-12",
    }
    for event_id, date in expected.items():
        event = collection.event(event_id)
        assert event is not None, event_id
        assert event.date.text == date, event_id


def test_dates_the_sources_do_not_pin_down_are_marked_uncertain(collection):
    leave = collection.event("boulay-administrative-leave")
    assert leave.date.uncertain and leave.date.precision == "month"
    assert "UNVERIFIED" in leave.note
    video = collection.event("officer-administrative-status")
    assert video.date.uncertain and video.date.upper < datetime.date(2018, 1, 1)
    assert "UNVERIFIED" in video.note


def test_the_doj_grant(collection):
    grant = collection.event("despp-doj-grant").grant
    assert grant.amount == Decimal(895000)
    assert grant.currency == "USD"
    assert (grant.from_, grant.to) == ("usdoj", "despp")
    assert "800" in grant.purpose


def test_the_bond_commission_reimbursement(collection):
    grant = collection.event("bond-commission-reimbursement").grant
    assert grant.amount == Decimal(1150449)
    assert (grant.from_, grant.to) == ("ct-bond-commission", "bpd")


def test_the_rollouts(collection):
    first = collection.event("troopers-first-cameras").rollout
    assert (first.agency, first.units) == ("csp", 200)
    assert first.where == ("Troop H, Hartford", "Troop I, Bethany")
    assert collection.event("troopers-all-equipped").rollout.units == 678
    assert collection.event("bridgeport-full-rollout").rollout.units == 255


def test_the_three_pledges_and_their_due_dates(collection):
    pledges = {e.id: e for e in collection.events if e.kind == "pledge"}
    due = {event_id: event.pledge.due.text for event_id, event in pledges.items()}
    assert due == {
        "pledge-funding": "2017-12-08~",
        "pledge-anti-bias-plan": "2018-03",
        "pledge-deescalation-training": "2018-05",
    }
    for event in pledges.values():
        assert event.pledge.by == "perez"
        assert event.pledge.ratings[0].status == "not-yet-rated"
        assert event.pledge.ratings[0].as_of.text == "2017-11-30"


def test_ratings_go_no_further_than_the_facts(collection):
    funding = collection.event("pledge-funding").pledge.ratings
    assert [r.status for r in funding] == ["not-yet-rated", "kept"]
    assert "UNVERIFIED" in funding[-1].note and funding[-1].evidence
    # The anti-bias plan: no source says it was delivered, so it stays unrated.
    assert [r.status for r in collection.event("pledge-anti-bias-plan").pledge.ratings] == [
        "not-yet-rated"
    ]
    training = collection.event("pledge-deescalation-training").pledge.ratings
    assert training[-1].status == "in-the-works"
    assert training[-1].evidence == ("doingitlocal-2019-03-ia",)
    assert "UNVERIFIED" in training[-1].note


def test_the_chain_is_linked(collection):
    def related(event_id: str) -> set[str]:
        return {r.event for r in collection.event(event_id).related}

    assert {"pledge-funding", "pledge-anti-bias-plan", "pledge-deescalation-training"} <= (
        related("conect-forum")
    )
    assert "negron-report" in related("negron-shooting")
    assert {"bridgeport-full-rollout", "bond-commission-reimbursement"} <= related("pledge-funding")
    assert "troopers-first-cameras" in related("despp-doj-grant")
    assert "bridgeport-full-rollout" in related("bridgeport-pilot")
