"""`validate --strict`'s rule: figures and quotations that cite none of several sources."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.model.uncited import claims


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The city paid $1,150,449 for the cameras.", ["the figure '$1,150,449'"]),
        ("More than 150 leaders came.", ["the figure '150'"]),
        ("About 40% were on patrol.", ["the figure '40%'"]),
        ('He said it was "a matter of public trust" at the meeting.', ["a quotation"]),
        ("The city paid $1,150,449 [@ct-post-2018].", []),
        ("On 9 May 2017, in May 2017 and on May 9, nothing is counted.", []),
        ("Public Act 15-4 and House Bill 7103 are names, not figures.", []),
        ("Police came after 9 p.m. on Friday.", []),
        ('A "two word" quote is not one.', []),
        ("UNVERIFIED: whether 100 were trained.", []),
        ("INFERENCE, not in any source: 2 videos.", []),
        # "U.S." does not end the sentence, so the citation covers the figure before it.
        ("DESPP got $895,000 in U.S. Department of Justice grants [@nbc].", []),
        (
            "First, 150 came. Then 100 were trained [@a].",
            ["the figure '150'"],
        ),
    ],
)
def test_what_counts_as_an_uncited_claim(text: str, found: list[str]) -> None:
    assert [what for what, _ in claims(text)] == found


@given(st.text())
def test_any_text_is_read_without_error(text: str) -> None:
    for what, sentence in claims(text):
        assert what and sentence in text
