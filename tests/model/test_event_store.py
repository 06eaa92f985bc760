"""A warm start reads the log cache's events as bytes and builds each when it is asked for
(:class:`tui.model.event_store.StoredEvents`): the same collection as a cold load, with
only the events looked at built."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.generated import generated_log
from tui.model.entry_store import StoredObjects
from tui.model.event_store import DaySpans, StoredEvents, date_width, heading_of
from tui.model.load import load_paths
from tui.model.log import Collection
from tui.model.query import QueryEngine, parse_query

COUNT = 600


@pytest.fixture
def log(folder: Path, tmp_path: Path) -> Path:
    return generated_log(tmp_path, COUNT, 7)


def _loaded(path: Path) -> Collection:
    result = load_paths([path])
    assert result.collection is not None, result.problems
    return result.collection


def test_a_warm_load_builds_no_event_until_asked(log: Path) -> None:
    cold = _loaded(log)
    assert isinstance(cold.events, list)
    warm = _loaded(log)
    events = warm.events
    assert isinstance(events, StoredEvents)
    assert events.built == 0
    assert len(events) == COUNT and warm.index == cold.index
    assert events[5] is events[5]  # built once, kept
    assert events[-1] == cold.events[-1] and events[2:4] == cold.events[2:4]
    assert events.built == 4


def test_what_the_timeline_needs_of_every_event_comes_from_the_entry(log: Path) -> None:
    cold = _loaded(log)
    warm = _loaded(log)
    assert warm.day_spans() == DaySpans.of(cold.events)
    assert warm.headings() == [heading_of(event.date) for event in cold.events]
    assert warm.date_width() == date_width(cold.events) == cold.date_width()
    for event in cold.events[::37]:
        assert warm.backlinks(event.id) == cold.backlinks(event.id)
    assert warm.same_as_groups() == cold.same_as_groups()
    assert isinstance(warm.events, StoredEvents)
    assert warm.events.built < COUNT  # only the events that link somewhere were built
    assert warm.events == cold.events and cold.events == warm.events


def test_the_engine_of_a_warm_load_builds_only_the_pledges(log: Path) -> None:
    cold = _loaded(log)
    QueryEngine.cached(cold, None)  # stores the indexes
    warm = _loaded(log)
    engine = QueryEngine.cached(warm, None)
    assert isinstance(warm.events, StoredEvents)
    pledges = sum(1 for event in cold.events if event.pledge is not None)
    assert warm.events.built == pledges
    fresh = QueryEngine(cold, engine.as_of)
    for text in ("body", "kind:pledge", "from:2018 to:2019", "status:overdue", "-agency:bpd"):
        assert engine.run(parse_query(text)) == fresh.run(parse_query(text)), text


def test_threads_asking_for_one_event_get_one_object(log: Path) -> None:
    _loaded(log)
    events = _loaded(log).events
    assert isinstance(events, StoredEvents)
    seen: list[list[object]] = [[] for _ in range(4)]
    barrier = threading.Barrier(4)

    def ask(mine: list[object]) -> None:
        barrier.wait()
        mine.extend(events[i] for i in range(COUNT))

    threads = [threading.Thread(target=ask, args=(mine,)) for mine in seen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for row in zip(*seen, strict=True):
        assert all(other is row[0] for other in row)


def test_a_table_that_does_not_fit_its_events_is_refused() -> None:
    spans = DaySpans.of([])
    with pytest.raises(ValueError):
        DaySpans.restored([[3], [None, [1, 2]]], 1)  # span 3 of two
    with pytest.raises(ValueError):
        DaySpans.restored([[0], [[1, 2]]], 1)  # span 0 must be "no day"
    with pytest.raises(ValueError):
        StoredEvents(
            b"",
            0,
            [1],
            lambda line: (None, ()),  # type: ignore[arg-type,return-value]
            ids=[],
            keys=[],
            having={},
            spans=spans,
            headings=[],
            widest_date=4,
            linked_from={},
        )


def test_the_large_registries_are_made_entry_by_entry(log: Path) -> None:
    cold = _loaded(log)
    warm = _loaded(log)
    for name in ("agencies", "people", "topics", "sources"):
        registry = getattr(warm, name)
        assert isinstance(registry, StoredObjects), name
        assert registry.made == 0, name  # nothing made by the load
        first = next(iter(registry))
        assert first in registry and registry[first] == getattr(cold, name)[first]
        assert registry.made == 1
        assert registry == getattr(cold, name) and getattr(cold, name) == registry
    assert isinstance(warm.kinds, dict) and warm.kinds == cold.kinds
    assert repr(warm) == repr(cold)
