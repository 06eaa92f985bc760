"""Pledge status at a date, overdue, and the rows of the pledge board, against
hand-computed expectations (day counts worked out on a calendar, written in comments)."""

from __future__ import annotations

from datetime import date

import pytest

from tui.model.edtf import parse_edtf
from tui.model.log import (
    PLEDGE_STATUSES,
    SETTLED_STATUSES,
    Collection,
    Event,
    Person,
    Pledge,
    Rating,
)
from tui.model.pledges import (
    PledgeRow,
    describe_overdue,
    due_bound,
    last_rating_at,
    overdue_days,
    pledge_rows,
    status_at,
)


def rating(status: str, as_of: str, *evidence: str) -> Rating:
    return Rating(status=status, as_of=parse_edtf(as_of), evidence=evidence)


def pledge_event(
    due: str | None,
    *ratings: Rating,
    event_id: str = "pledge-funding",
    made: str = "2017-11-30",
    by: str | None = "perez",
) -> Event:
    return Event(
        id=event_id,
        date=parse_edtf(made),
        kind="pledge",
        title=f"Pledge {event_id}",
        pledge=Pledge(by=by, due=None if due is None else parse_edtf(due), ratings=tuple(ratings)),
    )


# due, as_of, expected due_bound, expected overdue_days (no rating: not-yet-rated)
DUE_FORMS = [
    # day: due on the day itself is not yet overdue
    ("2017-12-08", date(2017, 12, 8), date(2017, 12, 8), None),
    ("2017-12-08", date(2017, 12, 9), date(2017, 12, 8), 1),
    # approximate / uncertain / both: the qualifier does not move the bound
    ("2017-12-08~", date(2017, 12, 20), date(2017, 12, 8), 12),
    ("2017-12-08?", date(2017, 12, 9), date(2017, 12, 8), 1),
    ("2018-05%", date(2018, 6, 1), date(2018, 5, 31), 1),
    # month: due by its last day
    ("2018-03", date(2018, 3, 31), date(2018, 3, 31), None),
    ("2018-03", date(2018, 4, 1), date(2018, 3, 31), 1),
    ("2018-03", date(2018, 7, 31), date(2018, 3, 31), 122),  # Apr 30 + May 31 + Jun 30 + Jul 31
    ("2016-02", date(2016, 3, 1), date(2016, 2, 29), 1),  # leap year
    ("2017-12-XX", date(2018, 1, 1), date(2017, 12, 31), 1),  # day unspecified
    # year: due by 31 December
    ("2018", date(2018, 12, 31), date(2018, 12, 31), None),
    ("2018", date(2019, 1, 1), date(2018, 12, 31), 1),
    ("2018", date(2020, 12, 31), date(2018, 12, 31), 731),  # 365 (2019) + 366 (2020)
    ("2018-XX", date(2019, 1, 2), date(2018, 12, 31), 2),
    ("201X", date(2020, 1, 1), date(2019, 12, 31), 1),  # decade
    # seasons: summer ends 31 August; winter ends in February of the next year
    ("2018-21", date(2018, 6, 1), date(2018, 5, 31), 1),
    ("2018-22", date(2018, 9, 1), date(2018, 8, 31), 1),
    ("2018-23", date(2018, 12, 1), date(2018, 11, 30), 1),
    ("2018-24", date(2019, 1, 15), date(2019, 2, 28), None),
    ("2018-24", date(2019, 3, 1), date(2019, 2, 28), 1),
    ("2019-24", date(2020, 3, 1), date(2020, 2, 29), 1),  # 2020 is a leap year
    # intervals: the end of the last part
    ("2018-06/2018-08", date(2018, 8, 31), date(2018, 8, 31), None),
    ("2018-06/2018-08", date(2018, 9, 10), date(2018, 8, 31), 10),
    ("2018-02/2018-04", date(2018, 5, 1), date(2018, 4, 30), 1),
    ("../2018-03", date(2018, 4, 2), date(2018, 3, 31), 2),
    ("2017-12-01~/2017-12-08~", date(2017, 12, 10), date(2017, 12, 8), 2),
    # open or unknown end: never overdue
    ("2018-06/..", date(2030, 1, 1), None, None),
    ("2018-06/", date(2030, 1, 1), None, None),
]


@pytest.mark.parametrize(("due", "as_of", "bound", "days"), DUE_FORMS)
def test_due_bound_and_overdue_for_every_due_form(
    due: str, as_of: date, bound: date | None, days: int | None
) -> None:
    event = pledge_event(due)
    assert due_bound(event.pledge) == bound
    assert overdue_days(event, as_of) == days


def test_no_pledge_or_no_due_date_is_never_overdue() -> None:
    plain = Event(id="negron", date=parse_edtf("2017-05-09"), kind="shooting", title="Shooting")
    assert overdue_days(plain, date(2030, 1, 1)) is None
    assert due_bound(None) is None
    assert overdue_days(pledge_event(None), date(2030, 1, 1)) is None
    assert status_at(None, date(2030, 1, 1)) == "not-yet-rated"
    assert last_rating_at(None, date(2030, 1, 1)) is None


# The funding pledge: due about 8 December 2017, re-rated over time.
HISTORY = (
    rating("not-yet-rated", "2017-11-30"),
    rating("in-the-works", "2018-01", "news12-2018-01"),  # counts from 1 January 2018
    rating("stalled", "2018-06-15", "ct-post-2018-06"),
    rating("kept", "2019-04-02", "ap-2019-04-02", "bond-agenda-2019-04-02"),
)

# as_of, status, date of the rating in force (as displayed), overdue days
STATUS_TABLE = [
    (date(2017, 11, 29), "not-yet-rated", None, None),  # before any rating
    (date(2017, 11, 30), "not-yet-rated", "30 Nov 2017", None),  # on the first rating
    (date(2017, 12, 8), "not-yet-rated", "30 Nov 2017", None),  # due day itself
    (date(2017, 12, 31), "not-yet-rated", "30 Nov 2017", 23),  # 31 - 8
    (date(2018, 1, 1), "in-the-works", "Jan 2018", 24),  # a month rating, from its 1st
    (date(2018, 6, 14), "in-the-works", "Jan 2018", 188),  # 23+31+28+31+30+31+14
    (date(2018, 6, 15), "stalled", "15 Jun 2018", 189),  # on the rating's day
    (date(2019, 4, 1), "stalled", "15 Jun 2018", 479),  # 365 to 8 Dec 2018, then 114
    (date(2019, 4, 2), "kept", "2 Apr 2019", None),  # kept: settled, never overdue
    (date(2025, 1, 1), "kept", "2 Apr 2019", None),
]


@pytest.mark.parametrize(("as_of", "status", "rated", "days"), STATUS_TABLE)
def test_status_and_overdue_before_on_and_after_ratings(
    as_of: date, status: str, rated: str | None, days: int | None
) -> None:
    event = pledge_event("2017-12-08~", *HISTORY)
    assert status_at(event.pledge, as_of) == status
    in_force = last_rating_at(event.pledge, as_of)
    assert (None if in_force is None else in_force.as_of.display()) == rated
    assert overdue_days(event, as_of) == days


@pytest.mark.parametrize("settled", sorted(SETTLED_STATUSES))
def test_settled_statuses_are_never_overdue(settled: str) -> None:
    event = pledge_event("2018-03", rating(settled, "2018-02-01"))
    for as_of in (date(2018, 4, 1), date(2019, 1, 1), date(2040, 6, 30)):
        assert overdue_days(event, as_of) is None


@pytest.mark.parametrize("unsettled", [s for s in PLEDGE_STATUSES if s not in SETTLED_STATUSES])
def test_unsettled_statuses_become_overdue(unsettled: str) -> None:
    event = pledge_event("2018-03", rating(unsettled, "2018-02-01"))
    assert overdue_days(event, date(2018, 4, 1)) == 1


def test_a_late_settlement_ends_overdue_only_from_its_date() -> None:
    event = pledge_event("2018-05", rating("broken", "2018-09-03"))
    assert overdue_days(event, date(2018, 9, 2)) == 94  # 30 (Jun) + 31 + 31 + 2
    assert overdue_days(event, date(2018, 9, 3)) is None


def test_ratings_out_of_order_and_ties() -> None:
    # A hand-built pledge may list ratings in any order; the date decides. On the same
    # start day, the rating later in the log wins (it corrects the earlier one).
    ratings = (
        rating("stalled", "2018-06-15"),
        rating("in-the-works", "2018-01-10"),
        rating("kept", "2018-06-15"),
    )
    pledge = pledge_event("2018", *ratings).pledge
    assert status_at(pledge, date(2018, 3, 1)) == "in-the-works"
    assert status_at(pledge, date(2018, 6, 15)) == "kept"


def test_an_uncertain_rating_date_counts_from_its_first_day() -> None:
    pledge = pledge_event("2018", rating("kept", "2018-06?")).pledge  # June 2018, uncertain
    assert status_at(pledge, date(2018, 5, 31)) == "not-yet-rated"
    assert status_at(pledge, date(2018, 6, 1)) == "kept"


DESCRIPTIONS = [
    (1, "overdue by 1 day"),
    (12, "overdue by 12 days"),
    (30, "overdue by 30 days"),
    (31, "overdue by 1 month"),
    (61, "overdue by 2 months"),
    (122, "overdue by 4 months"),  # 122 / 30.44 = 4.0
    (364, "overdue by 11 months"),
    (365, "overdue by 1 year"),
    (456, "overdue by 1 year, 2 months"),  # 91 / 30.44 = 2.99, rounded down
    (730, "overdue by 2 years"),
]


@pytest.mark.parametrize(("days", "words"), DESCRIPTIONS)
def test_describe_overdue_in_words(days: int, words: str) -> None:
    assert describe_overdue(days) == words


@pytest.mark.parametrize(
    ("due", "days", "words"),
    [
        (date(2018, 3, 31), 30, "overdue by 1 month"),  # 31 Mar -> 30 Apr: a calendar month
        (date(2018, 3, 31), 29, "overdue by 29 days"),
        (date(2018, 3, 31), 122, "overdue by 4 months"),  # -> 31 Jul
        (date(2018, 3, 31), 121, "overdue by 3 months"),  # -> 30 Jul: not yet 4
        (date(2017, 12, 8), 479, "overdue by 1 year, 3 months"),  # -> 1 Apr 2019
        (date(2019, 2, 28), 366, "overdue by 1 year"),  # -> 29 Feb 2020
    ],
)
def test_describe_overdue_counts_calendar_months_from_the_due_date(
    due: date, days: int, words: str
) -> None:
    assert describe_overdue(days, due=due) == words


def test_not_overdue_in_words() -> None:
    assert describe_overdue(0) == "not overdue"


def make_collection() -> Collection:
    events = [
        Event(id="negron", date=parse_edtf("2017-05-09"), kind="shooting", title="Shooting"),
        pledge_event("2017-12-08~", *HISTORY, event_id="pledge-funding"),
        pledge_event("2018-03", event_id="pledge-bias", made="2017-11-30", by="perez"),
        pledge_event(None, event_id="pledge-vague", made="2018-22", by="someone-unlisted"),
    ]
    return Collection(
        title="Test log",
        people={"perez": Person(id="perez", name="Armando Perez", role="Chief of Police")},
        events=events,
    )


def test_pledge_rows() -> None:
    collection = make_collection()
    rows = pledge_rows(collection, date(2018, 7, 31))
    assert [row.id for row in rows] == ["pledge-bias", "pledge-funding", "pledge-vague"]
    bias, funding, vague = rows
    assert bias == PledgeRow(
        id="pledge-bias",
        title="Pledge pledge-bias",
        by="Armando Perez",
        made="30 Nov 2017",
        due="Mar 2018",
        status="not-yet-rated",
        overdue=True,
        overdue_days=122,
        last_rating=None,
        evidence=(),
        index=collection.index["pledge-bias"],
        due_bound=date(2018, 3, 31),
    )
    assert bias.overdue_words() == "overdue by 4 months"
    assert funding.status == "stalled"
    assert funding.due == "c. 8 Dec 2017"
    assert funding.last_rating == "15 Jun 2018"
    assert funding.evidence == ("ct-post-2018-06",)
    assert funding.overdue_days == 235  # 23 (Dec) + 31+28+31+30+31+30+31
    assert (vague.by, vague.made, vague.due, vague.overdue) == (
        "someone-unlisted",
        "Summer 2018",
        None,
        False,
    )
    assert vague.overdue_words() == ""


def test_pledge_rows_re_rate_at_another_date() -> None:
    rows = {row.id: row for row in pledge_rows(make_collection(), date(2019, 4, 2))}
    funding = rows["pledge-funding"]
    assert (funding.status, funding.overdue, funding.overdue_days) == ("kept", False, None)
    assert funding.evidence == ("ap-2019-04-02", "bond-agenda-2019-04-02")


def test_pledge_rows_narrowed_to_events() -> None:
    collection = make_collection()
    wanted = [collection.index["pledge-vague"], collection.index["negron"]]
    rows = pledge_rows(collection, date(2018, 7, 31), event_indexes=wanted)
    assert [row.id for row in rows] == ["pledge-vague"]
    assert pledge_rows(collection, date(2018, 7, 31), event_indexes=[]) == []
