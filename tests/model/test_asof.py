"""tui.model.asof: the one reading of ``--as-of DATE``, judged at the date's last day."""

from __future__ import annotations

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.model.asof import AS_OF_FORMS, AsOfError, is_today, last_day, parse_as_of
from tui.model.text import printable

DAYS = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
YEARS = st.integers(min_value=1, max_value=9999)
TODAY = datetime.date(2019, 3, 28)


@given(DAYS)
def test_a_day_is_itself(day: datetime.date) -> None:
    assert parse_as_of(day.isoformat()) == day


@given(YEARS)
def test_a_year_is_its_last_day(year: int) -> None:
    assert parse_as_of(f"{year:04d}") == datetime.date(year, 12, 31)


@given(YEARS, st.integers(min_value=1, max_value=12))
def test_a_month_is_its_last_day(year: int, month: int) -> None:
    last = calendar.monthrange(year, month)[1]
    assert parse_as_of(f"{year:04d}-{month:02d}") == datetime.date(year, month, last)


@given(DAYS)
def test_any_date_is_judged_on_or_before_its_last_day(day: datetime.date) -> None:
    # The year and the month that hold a day are judged no earlier than the day itself.
    assert parse_as_of(f"{day.year:04d}-{day.month:02d}") >= day
    assert parse_as_of(f"{day.year:04d}") >= parse_as_of(f"{day.year:04d}-{day.month:02d}")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2018", "2018-12-31"),
        ("2018-05", "2018-05-31"),
        ("2016-02", "2016-02-29"),
        ("2018-05-09", "2018-05-09"),
        (" 2018 ", "2018-12-31"),
        ("2018~", "2018-12-31"),  # qualifiers do not move the last day
        ("2018-24", "2019-02-28"),  # winter runs into the next year
        ("201X", "2019-12-31"),
        ("2018-03/2018-06", "2018-06-30"),
        ("../2018", "2018-12-31"),
        ("9999", "9999-12-31"),  # a real last day, though it is also date.max
        ("2018-05-09T23:30:00-05:00", "2018-05-09"),
    ],
)
def test_edtf_dates_with_a_last_day(text: str, day: str) -> None:
    assert parse_as_of(text).isoformat() == day


@pytest.mark.parametrize("text", ["today", "TODAY", " Today "])
def test_today_in_any_case(text: str) -> None:
    assert is_today(text)
    assert parse_as_of(text, today=TODAY) == TODAY
    assert parse_as_of(text) == datetime.date.today()


def test_no_value_is_today() -> None:
    assert parse_as_of(None, today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("last tuesday", "not an EDTF date: 'last tuesday'"),
        ("2018-13", "month 13 does not exist"),
        ("12/8/2017", "ambiguous"),
        ("May 2018", "did you mean 2018-05?"),
        ("", "empty date"),
        ("2018/..", "'2018/..' has an open end"),
        ("2018-06/", "'2018-06/' has an open end"),
        ("tomorrow", "not an EDTF date"),
    ],
)
def test_a_bad_value_says_why_and_what_to_give(text: str, says: str) -> None:
    with pytest.raises(AsOfError) as raised:
        parse_as_of(text)
    assert says in raised.value.message
    assert raised.value.message.endswith(f"; give {AS_OF_FORMS}")


def test_the_value_is_shown_printable() -> None:
    for text in ("\x1b[31m2018", "2018/..\x1b[2J"):
        with pytest.raises(AsOfError) as raised:
            parse_as_of(text)
        assert "\x1b" not in raised.value.message
        assert printable(raised.value.message) == raised.value.message


@given(st.text(max_size=30))
def test_any_text_is_a_day_or_an_as_of_error(text: str) -> None:
    try:
        day = parse_as_of(text, today=TODAY)
    except AsOfError as error:
        assert printable(error.message) == error.message
    else:
        assert isinstance(day, datetime.date)
        assert is_today(text) or day == last_day(text)
