"""tui.model.match: pairs scored from date, agency, place, names and kind; none past a day."""

from __future__ import annotations

import datetime

from tui.model.edtf import parse_edtf
from tui.model.log import Agency, Collection, Event, Person
from tui.model.match import propose


def ev(event_id: str, date: str, title: str, **fields: object) -> Event:
    return Event(event_id, parse_edtf(date), str(fields.pop("kind", "shooting")), title, **fields)  # type: ignore[arg-type]


def collection(*events: Event) -> Collection:
    return Collection(
        title="T",
        agencies={
            "bpd": Agency("bpd", "Bridgeport Police Department", aliases=("BPD",)),
            "wapo-bpd": Agency("wapo-bpd", "Bridgeport Police Department"),
            "jso": Agency("jso", "Jacksonville Sheriff's Office"),
        },
        people={"negron": Person("negron", "Jayson Negrón")},
        events=list(events),
    )


A = ev(
    "negron-shooting",
    "2017-05-09",
    "Bridgeport officer shoots and kills Jayson Negron, 15",
    agencies=("bpd",),
    people=("negron",),
    place="Fairfield Ave, Bridgeport, CT",
)
SAME = ev(
    "wapo-2563",
    "2017-05-09",
    "JAYSON NEGRON, 15, killed by police in Bridgeport, CT",
    agencies=("wapo-bpd",),
    place="Bridgeport, Fairfield County, CT",
)
OTHER = ev(
    "wapo-2564",
    "2017-05-09",
    "Terry Percy Campbell, 25, killed by police in Jacksonville, FL",
    agencies=("jso",),
    place="Jacksonville, Duval County, FL",
)


def test_the_same_incident_scores_above_an_unrelated_event_of_the_same_day():
    c = collection(A, SAME, OTHER)
    pairs = propose(c, [A], [SAME, OTHER], min_score=0)
    assert [p.b.id for p in pairs] == ["wapo-2563", "wapo-2564"]
    best, other = pairs
    assert best.score > other.score + 5
    assert best.reasons == (
        "same day",
        "agency Bridgeport Police Department",
        "place Fairfield, Bridgeport, CT",
        "name Jayson Negrón",  # folded: accents and case
        "kind shooting",
    )
    assert other.reasons == ("same day", "kind shooting")
    # The default threshold keeps only the likely one.
    assert [p.b.id for p in propose(c, [A], [SAME, OTHER])] == ["wapo-2563"]


def test_a_day_apart_is_a_pair_and_two_days_apart_is_none():
    for days, expected in ((1, ["next"]), (2, []), (-2, [])):
        day = (datetime.date(2017, 5, 9) + datetime.timedelta(days=days)).isoformat()
        near = ev("next", day, SAME.title, agencies=SAME.agencies, place=SAME.place)
        pairs = propose(collection(A, near), [A], [near], min_score=0)
        assert [p.b.id for p in pairs] == expected, days
    near = ev("next", "2017-05-10", SAME.title, agencies=SAME.agencies)
    (pair,) = propose(collection(A, near), [A], [near], min_score=0)
    assert pair.reasons[0] == "a day apart"


def test_imprecise_and_wide_dates():
    month = ev(
        "month", "2017-05", "Officer on leave after Jayson Negron's death", agencies=("bpd",)
    )
    year = ev("year", "2017", SAME.title, agencies=("bpd",))
    pairs = propose(collection(A, month, year), [A], [month, year], min_score=0)
    assert [p.b.id for p in pairs] == ["month"]  # a year is no day
    assert pairs[0].reasons[0] == "dates overlap (9 May 2017, May 2017)"


def test_pairs_already_joined_are_not_proposed_again():
    joined = ev("wapo-2563", "2017-05-09", SAME.title, agencies=("wapo-bpd",), same_as=(A.id,))
    assert propose(collection(A, joined), [A], [joined], min_score=0) == []


def test_matching_indexes_by_day(monkeypatch):
    # 2,000 B events on other days: only the one on the day is ever scored.
    import tui.model.match as match

    calls = []
    real = match._score
    monkeypatch.setattr(match, "_score", lambda *a: calls.append(1) or real(*a))
    far = [
        ev(f"e{i}", (datetime.date(2010, 1, 1) + datetime.timedelta(days=i)).isoformat(), "x")
        for i in range(2000)
    ]
    propose(collection(A, SAME, *far), [A], [SAME, *far], min_score=0)
    assert len(calls) == 1
