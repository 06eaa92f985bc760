"""A log of several files read from the cache is merged without building its events
(:class:`tui.model.event_store.MergedEvents`): the same collection, problems and order as
when every event is built, with only the events looked at built."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.generated import _generator
from tui.model.edtf import parse_edtf
from tui.model.event_store import (
    BuiltEvents,
    DaySpans,
    MergedEvents,
    StoredEvents,
    date_width,
    heading_of,
    sort_code,
)
from tui.model.load import cache, load_paths
from tui.model.load.merge import ORDER
from tui.model.log import Collection, timeline_key

PER_FILE = 300


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def logs(folder: Path, tmp_path: Path) -> Path:
    """Three generated files of one seed (the same registries), ids kept apart by prefix."""
    out = tmp_path / "logs"
    out.mkdir()
    for number in range(3):
        text = _generator().generate(PER_FILE, 5, id_prefix=f"p{number}-")
        _write(out, f"part-{number}.yaml", text)
    return out


def _loaded(*paths: Path) -> Collection:
    result = load_paths(list(paths))
    assert result.collection is not None, result.problems
    return result.collection


def _problems(*paths: Path) -> list[str]:
    return [str(problem) for problem in load_paths(list(paths)).problems]


def test_a_warm_folder_merges_without_building_an_event(logs: Path) -> None:
    cold = _loaded(logs)
    warm = _loaded(logs)
    events = warm.events
    assert isinstance(events, MergedEvents)
    assert events.built == 0
    assert all(isinstance(part, StoredEvents) for part in events.parts)
    assert len(events) == 3 * PER_FILE
    # The order is the timeline's, as sorting the built events gives it.
    built = sorted(cold.events, key=timeline_key)
    assert [event.id for event in built] == events.ids == [event.id for event in cold.events]
    assert warm.index == cold.index == {event.id: i for i, event in enumerate(built)}
    assert events[7] is events[7] and events[7] == built[7]
    assert events.built == 1


def test_the_merged_tables_are_those_of_the_built_events(logs: Path) -> None:
    cold = _loaded(logs)
    warm = _loaded(logs)
    built = list(cold.events)
    assert warm.day_spans() == DaySpans.of(built)
    assert warm.headings() == [heading_of(event.date) for event in built]
    assert warm.date_width() == date_width(built)
    for name in ("related", "same_as", "pledge"):
        expected = [(i, event.id) for i, event in enumerate(built) if getattr(event, name)]
        assert [(i, event.id) for i, event in warm.events_with(name)] == expected
    for event in built[::23]:
        assert warm.backlinks(event.id) == cold.backlinks(event.id)
    assert warm.same_as_groups() == cold.same_as_groups()
    assert isinstance(warm.events, MergedEvents)
    assert warm.events.built < len(built)  # only the events that link somewhere
    assert warm.events == built


def test_registries_shared_by_the_files_stay_unmade(logs: Path) -> None:
    cold = _loaded(logs)
    warm = _loaded(logs)
    for name in ("agencies", "people", "topics", "sources"):
        registry = getattr(warm, name)
        assert registry.made == 0, name
        assert set(registry) == set(getattr(cold, name))
    some = next(iter(cold.sources))
    assert warm.sources[some] == cold.sources[some]
    assert warm.sources.made == 1


def test_the_order_of_a_warm_folder_is_read_from_the_cache(
    logs: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _loaded(logs)  # cold: every file built (and stored)
    first = _loaded(logs)  # warm: the order is worked out, and stored
    assert len(list(folder.glob(f"*{ORDER}"))) == 1

    def no_sort(parts: object) -> None:
        raise AssertionError("the order was sorted again")

    monkeypatch.setattr(MergedEvents, "order", staticmethod(no_sort))
    again = _loaded(logs)
    assert again.events.ids == first.events.ids  # type: ignore[attr-defined]


def test_an_order_entry_that_does_not_fit_is_worked_out_again(logs: Path, folder: Path) -> None:
    _loaded(logs)
    expected = _loaded(logs).events.ids  # type: ignore[attr-defined]
    (entry,) = folder.glob(f"*{ORDER}")
    key = entry.name.removesuffix(ORDER)
    # Signed (so read) but of the wrong length: it is ignored, never trusted.
    assert cache.write_signed(key, b"\x00" * 10, ORDER)
    assert _loaded(logs).events.ids == expected  # type: ignore[attr-defined]


def test_a_small_file_merges_lazily_with_stored_ones(
    logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _loaded(logs)
    extra = _write(
        tmp_path,
        "extra.yaml",
        "watchline: 1\ntitle: Extra\nsources:\n  x-src: {title: A source, published: 2017-12-01}\n"
        "events:\n"
        "  - {id: x-first, date: 1990-01-01, kind: other, title: The first, sources: [x-src]}\n"
        "  - {id: x-late, date: 2030-05-05, kind: other, title: The last, sources: [x-src]}\n",
    )
    monkeypatch.setattr(cache, "MIN_TEXT_CHARS", 10_000)  # the small file is not cached
    merged = _loaded(logs, extra)
    events = merged.events
    assert isinstance(events, MergedEvents)
    assert [type(part) for part in events.parts] == [StoredEvents] * 3 + [BuiltEvents]
    assert events.ids[0] == "x-first" and events.ids[-1] == "x-late"
    assert events.ids[1:-1] == [event.id for event in cold.events]
    assert merged.event("x-late") is events[-1]


def test_an_id_in_two_files_is_named_as_when_every_event_is_built(
    logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = _write(tmp_path, "twin.yaml", (logs / "part-0.yaml").read_text(encoding="utf-8"))
    monkeypatch.setenv("WATCHLINE_CACHE", "0")
    expected = _problems(logs / "part-0.yaml", twin)
    assert expected and all("duplicate event id" in problem for problem in expected)
    monkeypatch.delenv("WATCHLINE_CACHE")
    _problems(logs / "part-0.yaml", twin)  # cold: both stored
    assert _problems(logs / "part-0.yaml", twin) == expected  # warm: the same problems


def test_an_entry_two_files_define_differently_is_named_as_when_built(
    logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (logs / "part-1.yaml").read_text(encoding="utf-8")
    start = text.index("\nsources:\n")
    first_title = text.index("title: ", start)
    changed = text[: first_title + 7] + "A title of its own " + text[first_title + 7 :]
    other = _write(tmp_path, "other.yaml", changed)
    monkeypatch.setenv("WATCHLINE_CACHE", "0")
    expected = _problems(logs / "part-0.yaml", other)
    assert len(expected) == 1 and "is defined differently" in expected[0]
    monkeypatch.delenv("WATCHLINE_CACHE")
    _problems(logs / "part-0.yaml", other)
    assert _problems(logs / "part-0.yaml", other) == expected


_DAYS = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))


@st.composite
def _edtf_texts(draw: st.DrawFn) -> str:
    """A date, an interval, an open interval or a date-time with or without an offset."""
    first = draw(_DAYS)
    choice = draw(st.sampled_from(["day", "month", "year", "interval", "open", "time"]))
    if choice == "month":
        return f"{first.year:04d}-{first.month:02d}"
    if choice == "year":
        return f"{first.year:04d}"
    if choice == "interval":
        last = draw(_DAYS.filter(lambda day: day >= first))
        return f"{first.isoformat()}/{last.isoformat()}"
    if choice == "open":
        return draw(st.sampled_from([f"../{first.isoformat()}", f"{first.isoformat()}/.."]))
    if choice == "time":
        clock = draw(st.times()).replace(microsecond=0)
        zone = draw(st.sampled_from(["", "Z", "+05:30", "-11:00", "+14:00"]))
        return f"{first.isoformat()}T{clock.isoformat()}{zone}"
    return first.isoformat()


@given(st.lists(_edtf_texts(), min_size=2, max_size=12))
def test_sort_codes_order_dates_as_the_timeline_does(texts: list[str]) -> None:
    dates = [parse_edtf(text) for text in texts]
    by_code = sorted(range(len(dates)), key=lambda i: (sort_code(dates[i]), i))
    by_key = sorted(
        range(len(dates)),
        key=lambda i: (dates[i].lower, dates[i].upper, dates[i].time_order, i),
    )
    assert by_code == by_key


def test_order_entries_are_pruned_with_the_rest(
    logs: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _loaded(logs)
    _loaded(logs)  # three parts and the order
    assert len(list(folder.glob(f"*{ORDER}"))) == 1
    monkeypatch.setattr(cache, "MAX_ENTRIES", 1)
    (logs / "part-0.yaml").write_text(
        (logs / "part-0.yaml").read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
        encoding="utf-8",
    )
    _loaded(logs)  # a new part is stored: only the newest entry is kept
    assert len(list(folder.iterdir())) == 2  # that entry and the cache's key
