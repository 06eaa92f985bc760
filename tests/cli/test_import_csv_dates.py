"""The date cell parser of `import csv|jsonl` (hypothesis): it never raises, and every
EDTF it gives parses with the log's own parser, at the precision the cell had."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.importers.dates import parse_date_cell
from tui.model.edtf import parse_edtf

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip

cells = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789-/.: ~?%XTZ+", max_size=30),
    st.integers(min_value=-100_000, max_value=100_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.builds(
        lambda m, y, d: f"{d} {m} {y}",
        st.sampled_from(MONTHS),
        st.integers(0, 10_000),
        st.integers(0, 40),
    ),
)
formats = st.lists(
    st.sampled_from(["%d/%m/%Y", "%m/%d/%Y", "%Y", "%b %Y", "%Y-%m-%d %H:%M%z", "%j"]), max_size=3
)


@settings(max_examples=400, deadline=None)
@given(cells, formats, st.sampled_from([None, True, False]))
def test_it_never_raises_and_its_edtf_always_parses(cell, fmts, dayfirst) -> None:
    edtf, why = parse_date_cell(cell, fmts, dayfirst)
    assert (edtf is None) != (why is None)
    if edtf is not None:
        parse_edtf(edtf)
    else:
        assert isinstance(why, str) and why


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_a_day_in_words_keeps_its_day_or_is_refused(day: datetime.date) -> None:
    cell = f"{day.day} {MONTHS[day.month - 1]} {day.year:04d}"
    month = f"{MONTHS[day.month - 1]} {day.year:04d}"
    if day.year >= 1000:
        assert parse_date_cell(cell) == (day.isoformat(), None)
        assert parse_date_cell(month) == (day.isoformat()[:7], None)
    else:  # dateutil reads "0099" as 1999: refused rather than given the wrong century
        assert parse_date_cell(cell)[0] in (None, day.isoformat())
        assert parse_date_cell(month)[0] in (None, day.isoformat()[:7])


@pytest.mark.parametrize(
    ("cell", "fmts", "dayfirst", "expected"),
    [
        ("2017", (), None, "2017"),
        ("May 2017", (), None, "2017-05"),
        ("9 May 2017", (), None, "2017-05-09"),
        ("Summer 2018", (), None, "2018-22"),
        ("2017-05-09 14:30", (), None, "2017-05-09T14:30:00"),
        ("12/8/2017", (), True, "2017-08-12"),
        ("12/8/2017", (), False, "2017-12-08"),
        ("08.12.2017", ("%d.%m.%Y",), None, "2017-12-08"),
        ("2017/05", ("%Y/%m",), None, "2017-05"),
        ("2017-05-09 14:30+0200", ("%Y-%m-%d %H:%M%z",), None, "2017-05-09T14:30:00+02:00"),
        (2017, (), None, "2017"),
        (2017.0, (), None, "2017"),
    ],
)
def test_cells_become_edtf_at_their_precision(cell, fmts, dayfirst, expected) -> None:
    assert parse_date_cell(cell, fmts, dayfirst) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("", "no date"),
        (None, "no date"),
        ("12/8/2017", "ambiguous"),
        ("May 9", "not an EDTF date"),
        ("2015-02-30", "February has 28 days"),
        ("x" * 500, "500 characters long"),
    ],
)
def test_what_is_not_a_date_says_why(cell, reason) -> None:
    edtf, why = parse_date_cell(cell)
    assert edtf is None and why is not None and reason in why
