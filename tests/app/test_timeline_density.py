"""The density strip: an event's weight spread over the days its date allows."""

from __future__ import annotations

import datetime

import pytest

from tests.app.conftest import make_event
from tui.app.kinds import DENSITY_RAMP, DENSITY_RAMP_CONSOLE, density_ramp, kind_mark
from tui.app.widgets.density import density, sparkline
from tui.model.log import BUILTIN_KINDS, Collection


def collection_of(*dates: str) -> Collection:
    return Collection(
        title="t", events=[make_event(f"e{i}", d, "other", "x") for i, d in enumerate(dates)]
    )


def test_each_event_weighs_one_whatever_its_precision() -> None:
    collection = collection_of("2017-05-09", "2017", "2018-22", "2019-01/2019-06")
    weights, start, end = density(collection, range(4), 40)  # type: ignore[misc]
    assert sum(weights) == pytest.approx(4.0)
    assert start == datetime.date(2017, 1, 1)
    assert end == datetime.date(2019, 6, 30)


def test_a_vague_date_spreads_out_and_a_day_is_one_peak() -> None:
    collection = collection_of("2017", "2017-05-09")
    weights, _, _ = density(collection, range(2), 12)  # type: ignore[misc]
    peak = max(range(12), key=weights.__getitem__)
    assert peak == 4  # the bin of 9 May holds the day's whole weight on top
    assert weights[0] == pytest.approx(1 / 12)  # equal bins: a twelfth of the year each


def test_open_ends_close_onto_the_other_bound() -> None:
    collection = collection_of("2018-06/..", "../2017")
    weights, start, end = density(collection, range(2), 10)  # type: ignore[misc]
    assert sum(weights) == pytest.approx(2.0)
    assert start == datetime.date(2017, 12, 31)
    assert end == datetime.date(2018, 6, 1)


def test_sparkline_never_hides_a_single_event() -> None:
    line = sparkline([0.0, 0.01, 1.0], DENSITY_RAMP)
    assert line == " ▁█"
    assert sparkline([0.0, 0.0], DENSITY_RAMP) == "  "


def test_the_linux_console_gets_blocks_its_font_has() -> None:
    assert density_ramp("linux") == DENSITY_RAMP_CONSOLE
    assert density_ramp("xterm-256color") == DENSITY_RAMP


def test_every_kind_has_its_own_one_cell_glyph() -> None:
    glyphs = [kind_mark(kind).glyph for kind in BUILTIN_KINDS]
    assert len(set(glyphs)) == len(glyphs)
    assert all(len(glyph) == 1 for glyph in glyphs)
    assert kind_mark("audit").glyph not in glyphs  # an added kind
