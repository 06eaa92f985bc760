"""Money, people and dates in words, as the detail pane and the CLI show them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tui.model.display import (
    bounds_in_words,
    date_in_words,
    format_money,
    person_display,
    shorter_dates,
    typographic_quotes,
)
from tui.model.edtf import parse_edtf
from tui.model.log import Agency, Collection, Person


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal(895000), "USD", "$895,000"),
        (Decimal("1200"), "EUR", "€1,200"),
        (Decimal("1200"), "GBP", "1,200 GBP"),
        (Decimal("12.5"), "USD", "$12.50"),
        (Decimal("-300"), "usd", "-$300"),
        (Decimal("3500000.00"), "CAD", "3,500,000 CAD"),
        (None, "USD", "amount not given"),
    ],
)
def test_money_reads_as_people_write_it(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_person_by_name_with_role_and_agency_short_name():
    collection = Collection(
        title="t",
        agencies={"bpd": Agency("bpd", "Bridgeport Police Department", aliases=("BPD",))},
        people={
            "perez": Person("perez", 'Armando "AJ" Perez', role="Chief of Police", agency="bpd")
        },
    )
    assert person_display(collection, "perez") == "Armando “AJ” Perez (Chief of Police, BPD)"
    assert person_display(collection, "ghost") == "ghost"


def test_unpaired_quote_is_left_alone():
    assert typographic_quotes('a "b') == 'a "b'


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("2017-05", "May 2017 — some day between 1 May and 31 May 2017"),
        ("2017-12-08~", "c. 8 Dec 2017 (approximate)"),
        ("2017-05-09", "9 May 2017"),
        ("2018-24", "{display} — some day between 1 Dec 2018 and 28 Feb 2019"),
        ("2018-06/..", None),
    ],
)
def test_dates_in_words_say_what_the_bounds_allow(edtf, expected):
    date = parse_edtf(edtf)
    words = date_in_words(date)
    once = date.lower == date.upper  # a single day is said once
    assert words.startswith(date.display() + ("" if once else " — "))
    if expected is not None:
        # The display form is the EDTF module's; what the bounds allow is ours.
        assert words == expected.format(display=date.display())
    else:
        assert "on or after 1 Jun 2018" in words


def test_open_bounds_in_words():
    assert bounds_in_words(datetime.date.min, datetime.date.max) == "at an unknown date"
    assert (
        bounds_in_words(datetime.date.min, datetime.date(2018, 1, 1)) == "on or before 1 Jan 2018"
    )


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("2018-02-01/2018-04-30", ("Feb\u2013Apr 2018", "2018")),
        ("2017-11-03/2018-02-10", ("Nov 2017\u2013Feb 2018", "2017\u20132018", "2017\u201318")),
        ("../2018-04-30", ("until Apr 2018", "until 2018", "\u20132018")),
        ("2017-05-09/..", ("May 2017 onwards", "2017 onwards", "2017\u2013")),
        ("2017-05-09~", ("c. May 2017", "c. 2017")),
        # Years stay years: no month the log does not name.
        ("2015?/2019~", ("c. 2015\u20132019?", "c. 2015\u201319?")),
        ("2018-06-01T10:00:00Z", ()),
        ("201X", ()),
    ],
)
def test_shorter_dates_keep_the_year(text: str, forms: tuple[str, ...]) -> None:
    assert shorter_dates(parse_edtf(text)) == forms
