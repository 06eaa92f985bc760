"""EDTF level 0 date-times (``1985-04-12T23:20:30``, ``...Z``, ``...+05:00``): what they
mean, how they read, how events of one day sort, and the refusals with their messages."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tui.model.load.fast as fastload
from tui.model.display import date_in_words
from tui.model.edtf import EDTFError, parse_edtf, zone_name
from tui.model.load import load_paths
from tui.model.log import Collection, Event

D = datetime.date
UTC = datetime.UTC


def tz(minutes: int) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(minutes=minutes))


# text, day, time of day (with its zone), display, compact (the timeline's form)
VALID = [
    (
        "1985-04-12T23:20:30",
        D(1985, 4, 12),
        datetime.time(23, 20, 30),
        "12 Apr 1985 23:20",
        "12 Apr 23:20",
    ),
    (
        "1985-04-12T23:20:30Z",
        D(1985, 4, 12),
        datetime.time(23, 20, 30, tzinfo=UTC),
        "12 Apr 1985 23:20 UTC",
        "12 Apr 23:20",
    ),
    (
        "2004-01-01T10:10:10+05:00",
        D(2004, 1, 1),
        datetime.time(10, 10, 10, tzinfo=tz(300)),
        "1 Jan 2004 10:10 +05:00",
        "1 Jan 10:10",
    ),
    (
        "1985-04-12T23:20:30-04",
        D(1985, 4, 12),
        datetime.time(23, 20, 30, tzinfo=tz(-240)),
        "12 Apr 1985 23:20 -04:00",
        "12 Apr 23:20",
    ),
    (
        "1985-04-12T23:20:30+04:30",
        D(1985, 4, 12),
        datetime.time(23, 20, 30, tzinfo=tz(270)),
        "12 Apr 1985 23:20 +04:30",
        "12 Apr 23:20",
    ),
    (
        "2016-05-02T16:54:59+0230",
        D(2016, 5, 2),
        datetime.time(16, 54, 59, tzinfo=tz(150)),
        "2 May 2016 16:54 +02:30",
        "2 May 16:54",
    ),
    (
        "2016-05-02T16:54:59+00:00",
        D(2016, 5, 2),
        datetime.time(16, 54, 59, tzinfo=UTC),
        "2 May 2016 16:54 UTC",
        "2 May 16:54",
    ),
    (
        "2016-05-02T16:54:59.042",
        D(2016, 5, 2),
        datetime.time(16, 54, 59, 42000),
        "2 May 2016 16:54",
        "2 May 16:54",
    ),
    (
        "2016-05-02T16:54:59.04200000Z",
        D(2016, 5, 2),
        datetime.time(16, 54, 59, 42000, tzinfo=UTC),
        "2 May 2016 16:54 UTC",
        "2 May 16:54",
    ),
    (
        "2016-05-02T00:00:00-12:00",
        D(2016, 5, 2),
        datetime.time(0, 0, 0, tzinfo=tz(-720)),
        "2 May 2016 00:00 -12:00",
        "2 May 00:00",
    ),
    (
        "2016-05-02T23:59:59+14:00",
        D(2016, 5, 2),
        datetime.time(23, 59, 59, tzinfo=tz(840)),
        "2 May 2016 23:59 +14:00",
        "2 May 23:59",
    ),
    (
        "2016-02-29T12:00:00",
        D(2016, 2, 29),
        datetime.time(12, 0, 0),
        "29 Feb 2016 12:00",
        "29 Feb 12:00",
    ),
]


@pytest.mark.parametrize(("text", "day", "clock", "shown", "compact"), VALID)
def test_date_times_are_accepted(
    text: str, day: datetime.date, clock: datetime.time, shown: str, compact: str
) -> None:
    date = parse_edtf(text)
    assert (date.text, date.lower, date.upper, date.precision) == (text, day, day, "day")
    assert date.time == clock
    assert date.time is not None and date.time.utcoffset() == clock.utcoffset()
    assert not (date.approximate or date.uncertain or date.is_interval)
    assert date.display() == shown
    assert date.compact() == compact
    assert len(date.compact()) <= 14  # the timeline's date column at 80 columns
    assert parse_edtf(f"  {text}\n") == date


def test_a_date_without_a_time_is_unchanged() -> None:
    date = parse_edtf("1985-04-12")
    assert date.time is None
    assert date.compact() == date.display() == "12 Apr 1985"
    assert zone_name(date) == ""


# text, a fragment the message must contain, suggestion
INVALID = [
    ("2016-05-02T24:00:00", "next day's 00:00:00", "2016-05-03T00:00:00"),
    ("2016-12-31T24:00:00Z", "next day's 00:00:00", "2017-01-01T00:00:00Z"),
    ("9999-12-31T24:00:00", "write 23:59:59", None),
    ("2016-05-02T24:00:01", "hour 24 does not exist", None),
    ("2016-05-02T25:00:00", "hours are 00-23", None),
    ("2016-05-02T00:61:00", "minute 61 does not exist", None),
    ("2016-05-02T01:01:60", "leap seconds are not supported", None),
    ("2016-05-02T01:01:61", "second 61 does not exist", None),
    ("2016-05-02T12:00:00-00:00", "write Z or +00:00", None),
    ("2016-05-02T12:00:00-0000", "write Z or +00:00", None),
    ("2016-05-02T12:00:00-00", "write Z or +00:00", None),
    ("2016-05-02T12:00:00-12:01", "offsets run from -12:00 to +14:00", None),
    ("2016-05-02T12:00:00-13", "offsets run from -12:00 to +14:00", None),
    ("2016-05-02T12:00:00+14:01", "offsets run from -12:00 to +14:00", None),
    ("2016-05-02T12:00:00+15", "offsets run from -12:00 to +14:00", None),
    ("2016-05-02T12:00:00+05:60", "minutes are 00-59", None),
    ("2017-02-29T10:00:00", "2017 is not a leap year", None),
    ("2017-04-31T10:00:00Z", "April has 30 days", None),
    ("2017-05-09T10:00", "did you mean 2017-05-09T10:00:00?", "2017-05-09T10:00:00"),
    ("2017-05-09 10:00:00", "did you mean 2017-05-09T10:00:00?", "2017-05-09T10:00:00"),
    ("2017-05-09t10:00:00z", "did you mean 2017-05-09T10:00:00Z?", "2017-05-09T10:00:00Z"),
    ("2017-05-09 10:00 UTC", "did you mean 2017-05-09T10:00:00Z?", "2017-05-09T10:00:00Z"),
    ("2017-05-09T10:00+0530", "did you mean 2017-05-09T10:00:00+0530?", "2017-05-09T10:00:00+0530"),
    ("2017-05-09T10:00:00~", "a time of day cannot carry", "2017-05-09T10:00:00"),
    ("2017-05-09T10:00:00?", "2017-05-09?", "2017-05-09T10:00:00"),
    ("2017-05-09T10", "write a date and time as 1985-04-12T23:20:30", None),
    ("2017-05T10:00:00", "write a date and time as 1985-04-12T23:20:30", None),
    ("2017-05-09T10:00:00/2017-05-10", "an interval joins dates", "2017-05-09/2017-05-10"),
    ("../2017-05-10T10:00:00Z", "an interval joins dates", "../2017-05-10"),
    ("2017-05-10T10:00:00/2017-05-09", "write the days it runs between", None),
    ("2017-05-09T99:00", "hour 99 does not exist", None),
]


@pytest.mark.parametrize(("text", "fragment", "suggestion"), INVALID)
def test_wrong_date_times_are_refused_with_a_reason(
    text: str, fragment: str, suggestion: str | None
) -> None:
    with pytest.raises(EDTFError) as caught:
        parse_edtf(text)
    assert fragment in caught.value.message
    assert caught.value.suggestion == suggestion
    assert "a date is enough" not in caught.value.message
    if suggestion is not None:
        parse_edtf(suggestion)  # a suggestion is itself a valid date


# An unquoted year is a number in YAML, and `-0100`/`0000`/`0409` lose their digits.
@pytest.mark.parametrize(
    ("number", "fragment", "suggestion"),
    [
        (-100, "the number -100 (only years 1 to 9999 are supported)", None),
        (0, "the number 0 (only years 1 to 9999 are supported)", None),
        (12345, "only years 1 to 9999 are supported", None),
        (409, "write '0409' in quotes for the year 409", "0409"),
    ],
)
def test_year_numbers_outside_the_range_say_so(
    number: int, fragment: str, suggestion: str | None
) -> None:
    with pytest.raises(EDTFError) as caught:
        parse_edtf(number)
    assert fragment in caught.value.message
    assert caught.value.suggestion == suggestion


@pytest.mark.parametrize(
    "text", ["-0100", "0000", "000X", "00XX", "-0001-01-01", "Y10000", "-01XX", "-20XX~"]
)
def test_year_texts_outside_the_range_say_so(text: str) -> None:
    with pytest.raises(EDTFError) as caught:
        parse_edtf(text)
    assert "only years 1 to 9999 are supported" in caught.value.message


def test_a_y_year_of_four_digits_is_the_plain_year() -> None:
    with pytest.raises(EDTFError) as caught:
        parse_edtf("Y9999")
    assert "the Y prefix is for years of more than four digits" in caught.value.message
    assert caught.value.suggestion == "9999"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1985-04-12T23:20:30Z", "12 Apr 1985 23:20 UTC — at 23:20:30 UTC on 12 Apr 1985"),
        (
            "1985-04-12T23:20:30",
            "12 Apr 1985 23:20 — at 23:20:30 on 12 Apr 1985 (local time; no zone given)",
        ),
        (
            "2004-01-01T10:10:10+05:00",
            "1 Jan 2004 10:10 +05:00 — at 10:10:10 (UTC+05:00) on 1 Jan 2004, 05:10:10 UTC",
        ),
        (
            "1985-04-12T23:20:30-04",
            "12 Apr 1985 23:20 -04:00 — at 23:20:30 (UTC-04:00) on 12 Apr 1985, "
            "03:20:30 UTC on 13 Apr 1985",
        ),
    ],
)
def test_the_detail_pane_says_the_time_to_the_second(text: str, words: str) -> None:
    assert date_in_words(parse_edtf(text)) == words


# ----------------------------------------------------------------------------- order


def _event(event_id: str, date: str) -> Event:
    return Event(id=event_id, date=parse_edtf(date), title=event_id, kind="other")


def test_events_of_one_day_sort_by_their_instant() -> None:
    events = [
        _event("a-late", "2018-06-01T20:00:00Z"),
        _event("b-morning", "2018-06-01T09:30:00"),
        _event("c-day", "2018-06-01"),
        _event("d-east", "2018-06-01T23:00:00+05:00"),  # 18:00 UTC: before 20:00 UTC
        _event("e-next", "2018-06-02T00:10:00"),
        _event("f-month", "2018-06"),
        _event("g-early", "2018-06-01T00:00:01-04:00"),  # 04:00:01 UTC
    ]
    collection = Collection(title="t", events=events)
    assert [e.id for e in collection.events] == [
        "c-day",  # a whole day comes before the times in it
        "g-early",
        "b-morning",
        "d-east",
        "a-late",
        "f-month",  # 1-30 June sorts after 1 June (its upper bound is later), as before
        "e-next",
    ]
    assert collection.index == {e.id: i for i, e in enumerate(collection.events)}


LOG = """\
watchline: 1
title: Times
agencies:
  bpd: {name: Bridgeport Police, aliases: [BPD]}
sources:
  s1: {title: Source one, published: 2017-12-01T09:00:00Z}
events:
  - {id: later, date: 2017-05-09T18:45:00-04:00, kind: other, title: Later, sources: [s1]}
  - {id: quoted, date: "2017-05-09T08:00:00Z", kind: other, title: Quoted, sources: [s1]}
  - {id: local, date: 2017-05-09T12:00:00, kind: other, title: Local, sources: [s1]}
  - {id: day, date: 2017-05-09, kind: other, title: Day, sources: [s1]}
"""


@pytest.mark.parametrize("path_kind", ["fast", "exact"])
def test_a_log_with_date_times_loads_on_every_path(
    path_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "times.yaml"
    path.write_text(LOG, encoding="utf-8")
    if path_kind == "exact":
        monkeypatch.setattr(fastload, "build_fast", lambda *args, **kwargs: None)
    result = load_paths([path])
    assert result.problems == []
    assert result.collection is not None
    events = result.collection.events
    assert [e.id for e in events] == ["day", "quoted", "local", "later"]
    assert events[3].date.display() == "9 May 2017 18:45 -04:00"
    source = result.collection.sources["s1"]
    assert source.published is not None and source.published.time is not None


# ----------------------------------------------------------------------------- properties

_OFFSETS = st.one_of(
    st.just(""),
    st.just("Z"),
    st.integers(-12 * 60, 14 * 60)
    .filter(lambda m: m != 0)
    .flatmap(
        lambda m: st.sampled_from(
            [
                f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}",
                f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}{abs(m) % 60:02d}",
            ]
            + ([f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}"] if m % 60 == 0 else [])
        )
    ),
)


@st.composite
def date_times(draw: st.DrawFn) -> tuple[str, datetime.datetime]:
    """A valid level 0 date-time as text, and the instant it names (aware or naive)."""
    when = draw(
        st.datetimes(
            min_value=datetime.datetime(1, 1, 1), max_value=datetime.datetime(9999, 12, 31, 23, 59)
        )
    )
    digits = draw(st.sampled_from(["", "", "1", "3", "6", "9"]))
    fraction = "." + draw(st.text("0123456789", min_size=len(digits), max_size=len(digits)))
    fraction = "" if not digits else fraction
    zone = draw(_OFFSETS)
    text = f"{when.year:04d}-{when:%m-%dT%H:%M:%S}{fraction}{zone}"
    micro = int(fraction[1:].ljust(6, "0")[:6]) if fraction else 0
    instant = when.replace(microsecond=micro)
    if zone:
        instant = instant.replace(
            tzinfo=datetime.datetime.fromisoformat(f"2000-01-01T00:00:00{zone}").tzinfo
        )
    return text, instant


@settings(max_examples=300, deadline=None)
@given(date_times())
def test_every_valid_date_time_parses_and_round_trips(case: tuple[str, datetime.datetime]) -> None:
    text, instant = case
    date = parse_edtf(text)
    assert date.text == text and parse_edtf(date.text) == date
    # The bounds are the instant's (local) day, and hold it.
    assert date.lower == date.upper == instant.date()
    assert date.time is not None
    assert datetime.datetime.combine(date.lower, date.time) == instant
    assert date.time.utcoffset() == instant.utcoffset()
    shown = date.display()
    assert f"{instant:%H:%M}" in shown and date.compact().endswith(f"{instant:%H:%M}")
    assert (zone_name(date) == "") == (instant.tzinfo is None)


@settings(max_examples=300, deadline=None)
@given(date_times(), date_times())
def test_time_order_follows_the_instant_within_a_day(
    first: tuple[str, datetime.datetime], second: tuple[str, datetime.datetime]
) -> None:
    a = parse_edtf(first[0])
    b = parse_edtf(f"{second[1].year:04d}-{second[1]:%m-%d}" + first[0][10:])
    # ``b`` is ``a``'s time of day on ``second``'s day: on the same day, the same order.
    if a.lower == b.lower:
        assert a.time_order == b.time_order
    one, two = first[1], second[1]
    if one.date() == two.date():
        naive = [t.replace(tzinfo=t.tzinfo or UTC) for t in (one, two)]  # local counts as UTC
        x, y = parse_edtf(first[0]), parse_edtf(second[0])
        assert (x.time_order < y.time_order) == (naive[0] < naive[1])


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime.datetime(1, 1, 1),
        timezones=st.sampled_from([None, UTC, tz(330), tz(-480)]),
    )
)
def test_datetime_objects_mean_their_iso_text(when: datetime.datetime) -> None:
    date = parse_edtf(when)
    assert date.lower == when.date()
    assert date.time == when.timetz()
    assert date.time is not None and date.time.utcoffset() == when.utcoffset()
