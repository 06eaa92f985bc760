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
from tui.model.citations import cited_ids
from tui.model.load import load_paths

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
        "special-prosecutor-rule-effective": "2016-01-01",
        "perez-acting-chief": "2016-03-01",
        "body-camera-requirement-effective": "2016-07-01",
        "negron-shooting": "2017-05-09",
        "pa-17-225-signed": "2017-07-10",
        "kearney-arrest": "2017-11-10",
        "conect-forum": "2017-11-30",
        "negron-report": "2018-01-26",
        "aclu-negron-video-delay": "2018-01-26",
        "bridgeport-pilot": "2018-02-01/2018-04-30",
        "pledge-troopers-by-end-of-2018": "2018-03-09",
        # WSHU and the Register Citizen published on 31 May; "29 May" has no source.
        "despp-doj-grant": "2018-05-31",
        "pledge-troopers-by-spring-2019": "2018-05-31",
        "bridgeport-full-rollout": "2018-08",
        # WSHU (2019-12-10): the program began "a little over a year ago", not in summer.
        "troopers-first-cameras": "2018-23",
        "perez-named-chief": "2018-11-05",
        "ia-colorado-ave-party": "2019-03-07",
        "bond-commission-reimbursement": "2019-04-02",
        "troopers-all-equipped": "2020-06-10",
        "pa-20-1": "2020-07",
        "perez-charged-resigns": "2020-09-10",
        "perez-pleads-guilty": "2020-10-05",
        "perez-sentenced": "2021-04-12",
    }
    for event_id, date in expected.items():
        event = collection.event(event_id)
        assert event is not None, event_id
        assert event.date.text == date, event_id


def test_dates_the_sources_do_not_pin_down_are_marked(collection):
    # NBC Connecticut reported the paid leave on 11 May 2017: May, but not the day.
    leave = collection.event("boulay-administrative-leave")
    assert leave.date.precision == "month" and not leave.date.uncertain
    assert "UNVERIFIED" in leave.note
    video = collection.event("officer-administrative-status")
    assert video.date.uncertain and video.date.upper < datetime.date(2018, 1, 1)
    assert "UNVERIFIED" in video.note
    first = collection.event("troopers-first-cameras")
    assert "UNVERIFIED" in first.note and "wshu-2019-12-10" in first.sources
    # That the forum's video shows the Kearney arrest is no source's claim: an inference.
    assert "INFERENCE" in collection.event("kearney-arrest").note
    assert "INFERENCE" in video.note


def test_perez_was_acting_chief_until_5_november_2018(collection):
    perez = collection.people["perez"]
    assert "Acting chief" in perez.role and "2018-11-05" in perez.role
    assert collection.event("perez-acting-chief").date.text == "2016-03-01"
    named = collection.event("perez-named-chief")
    assert named.sources[0] == "yaledailynews-2018-11-06"
    assert "UNVERIFIED" in named.note  # sworn in on the 13th or the 14th
    for event_id in ("conect-forum", "pledge-funding", "officer-administrative-status"):
        assert "acting" in collection.event(event_id).summary, event_id


def test_the_doj_grant(collection):
    event = collection.event("despp-doj-grant")
    grant = event.grant
    assert grant.amount == Decimal(895000)
    assert grant.currency == "USD"
    assert (grant.from_, grant.to) == ("usdoj", "despp")
    assert "800" in grant.purpose and "in part" in grant.purpose
    assert '"in part with help from $895,000"' in event.summary
    # Only the Register Citizen names the brand, and the sentence cites it.
    assert "Panasonic" in event.summary
    sentence = next(s for s in event.summary.split(". ") if "Panasonic" in s)
    assert "[@registercitizen-2018-05-31]" in sentence and "wshu" not in sentence
    # "build trust and foster transparency" is Commissioner Schriro's, not "the department's".
    quote = next(q for q in event.quotes if "build trust" in q.text)
    assert (quote.by, quote.source) == ("schriro", "registercitizen-2018-05-31")
    assert "The department said" not in event.summary
    assert "UNVERIFIED" in event.note and "29 May" in event.note


def test_the_bond_commission_reimbursement(collection):
    event = collection.event("bond-commission-reimbursement")
    grant = event.grant
    assert grant.amount == Decimal(1150449)
    assert (grant.from_, grant.to) == ("ct-bond-commission", "bpd")
    assert '"expected to approve"' in event.summary
    assert "UNVERIFIED" in event.note and "vote" in event.note


def test_bridgeport_rollout_cost_is_the_ct_posts(collection):
    event = collection.event("bridgeport-full-rollout")
    assert "$1.2 million" in event.summary
    # The $1.2 million cites the CT Post of 5 August 2018, not the page that says $1,150,449.
    assert "ctpost-2018-08-05" in event.sources
    assert "doingitlocal-2019-04-bond" not in event.sources
    cost = event.summary.split("$1.2 million", 1)[1]
    assert cost.index("[@ctpost-2018-08-05]") < cost.index("$1,150,449")
    assert event.rollout.units == 255 and "97 dashboard cameras" in event.summary


def test_the_rollouts(collection):
    first = collection.event("troopers-first-cameras").rollout
    assert (first.agency, first.units) == ("csp", 200)
    assert first.where == ("Troop H, Hartford", "Troop I, Bethany")
    equipped = collection.event("troopers-all-equipped")
    assert equipped.rollout.units == 678
    # The spring-2019 target's outcome is recorded: 150 cameras still to go in Dec 2019.
    assert "150 cameras" in equipped.note and "wshu-2019-12-10" in equipped.sources
    assert "sergeants" in equipped.summary and "specialized units" in equipped.summary
    assert collection.event("bridgeport-full-rollout").rollout.units == 255


def test_the_pledges_and_their_due_dates(collection):
    pledges = {e.id: e for e in collection.events if e.kind == "pledge"}
    due = {event_id: event.pledge.due.text for event_id, event in pledges.items()}
    assert due == {
        "pledge-funding": "2017-12-08~",
        "pledge-anti-bias-plan": "2018-03",
        "pledge-deescalation-training": "2018-05",
        "pledge-troopers-by-end-of-2018": "2018",
        "pledge-troopers-by-spring-2019": "2019-21",
    }
    for event_id in ("pledge-funding", "pledge-anti-bias-plan", "pledge-deescalation-training"):
        pledge = pledges[event_id].pledge
        assert pledge.by == "perez"
        assert pledge.ratings[0].status == "not-yet-rated"
        assert pledge.ratings[0].as_of.text == "2017-11-30"
    assert pledges["pledge-troopers-by-end-of-2018"].pledge.by == "battle"


def _history(collection, event_id: str) -> list[tuple[str, str]]:
    return [(r.status, r.as_of.text) for r in collection.event(event_id).pledge.ratings]


def test_ratings_go_no_further_than_the_facts(collection):
    # The Bond Commission was only "expected to approve"; no source shows an application by
    # the promised date: never "kept", at most a compromise.
    assert _history(collection, "pledge-funding") == [
        ("not-yet-rated", "2017-11-30"),
        ("in-the-works", "2018-02-21"),
        ("compromise", "2019-03-28"),
    ]
    funding = collection.event("pledge-funding").pledge.ratings
    assert all(r.status != "kept" for r in funding)
    assert funding[1].evidence == ("stafstrom-2018-02-21",)
    assert "UNVERIFIED" in funding[-1].note and "ap-bond-commission-2019" in funding[-1].evidence
    # The anti-bias plan: no source says it was delivered, so it stays unrated.
    assert _history(collection, "pledge-anti-bias-plan") == [("not-yet-rated", "2017-11-30")]
    training = collection.event("pledge-deescalation-training").pledge.ratings
    assert [r.status for r in training] == ["not-yet-rated", "in-the-works"]
    assert training[-1].evidence[0] == "doingitlocal-2019-03-ia"
    # On Perez's own word, in a release about something else, with no count of officers.
    assert "UNVERIFIED" in training[-1].note and "own word" in training[-1].note
    assert _history(collection, "pledge-troopers-by-end-of-2018") == [
        ("not-yet-rated", "2018-03-09"),
        ("in-the-works", "2018-05-31"),
        ("broken", "2019-12-10"),
    ]
    assert _history(collection, "pledge-troopers-by-spring-2019") == [
        ("in-the-works", "2018-05-31"),
        ("broken", "2019-12-10"),
        ("compromise", "2020-06-10"),
    ]


def test_perez_case_cites_the_charge_and_the_sentence(collection):
    charged = collection.event("perez-charged-resigns")
    assert charged.sources[0] == "doingitlocal-2020-09-10"
    sentenced = collection.event("perez-sentenced")
    assert "false statements to federal agents" in sentenced.summary
    for term in ("24 months of supervised release", "$7,500", "$299,407", "24 May 2021"):
        assert term in sentenced.summary, term


def test_the_laws(collection):
    act = collection.event("pa-15-4-passed")
    assert "108 votes to 37" in act.summary and "right to record" in act.summary
    assert "ctsenate-gop-2015-06" not in collection.sources  # says nothing the facts list
    assert (
        "prosecutor from another district"
        in collection.event("special-prosecutor-rule-effective").summary
    )
    assert "fiscal year 2019" in collection.event("pa-17-225-signed").summary
    assert "July 2022" in collection.event("pa-20-1").summary


def _texts(event):
    """(text, the sources it may cite) for every text of an event that can cite."""
    yield event.summary or "", event.sources
    yield event.note or "", event.sources
    if event.pledge is not None:
        for rating in event.pledge.ratings:
            yield rating.note or "", rating.evidence


def test_inline_citations_name_sources_the_event_cites(collection):
    cited = 0
    for event in collection.events:
        for text, allowed in _texts(event):
            for key in cited_ids(text):
                cited += 1
                assert key in allowed, f"{event.id} cites {key} inline but not in its sources"
    assert cited >= 60


def test_every_source_is_cited_and_has_an_address(collection):
    used = {s for e in collection.events for s in e.sources}
    used |= {s for e in collection.events if e.pledge for r in e.pledge.ratings for s in r.evidence}
    assert set(collection.sources) == used
    for source_id, source in collection.sources.items():
        assert source.url and source.url.startswith("http"), source_id


def test_the_chain_is_linked(collection):
    def related(event_id: str) -> set[str]:
        return {r.event for r in collection.event(event_id).related}

    assert {"pledge-funding", "pledge-anti-bias-plan", "pledge-deescalation-training"} <= (
        related("conect-forum")
    )
    assert "negron-report" in related("negron-shooting")
    assert "aclu-negron-video-delay" in related("negron-report")
    assert {"bridgeport-full-rollout", "bond-commission-reimbursement"} <= related("pledge-funding")
    assert "troopers-first-cameras" in related("despp-doj-grant")
    assert "bridgeport-full-rollout" in related("bridgeport-pilot")
    assert "kearney-arrest" in related("officer-administrative-status")
    assert "perez-named-chief" in related("perez-acting-chief")
