"""A warm start: the cache found by the file's raw bytes (no text checks), the events
stored in timeline order (no sort), and the collector frozen before it is back on."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import tui.model.load.cache as cache
from tui.model.load import guards, load_paths
from tui.model.log import Collection

# Events out of timeline order in the file, one of them with a time of day.
LOG = """\
watchline: 1
title: Warm
agencies:
  bpd: {name: Bridgeport Police}
sources:
  s1: {title: Source one, published: 2017-12-01}
events:
  - {id: late, date: 2019-03-01, kind: other, title: Late, agencies: [bpd], sources: [s1]}
  - {id: early, date: 2015, kind: other, title: Early, sources: [s1]}
  - {id: noon, date: "2017-05-09T12:00:00Z", kind: other, title: Noon, sources: [s1]}
  - {id: day, date: 2017-05-09, kind: other, title: Day, sources: [s1]}
"""


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    path = tmp_path / "log.yaml"
    path.write_text(LOG, encoding="utf-8")
    return path


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def spy(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_a_hit_skips_the_text_checks_and_gives_the_same_model(folder, log_path, monkeypatch):
    cold = load_paths([log_path])
    assert cold.collection is not None, cold.problems
    checks = _counting(monkeypatch, guards, "check_text")
    warm = load_paths([log_path])
    assert checks == []
    assert repr(warm.collection) == repr(cold.collection)
    assert warm.problems == []


def test_a_changed_byte_misses_and_the_checks_run_again(folder, log_path, monkeypatch):
    load_paths([log_path])
    # Same length, one byte different: a control byte the guards refuse.
    log_path.write_bytes(LOG.encode().replace(b"Late", b"L\x01te"))
    checks = _counting(monkeypatch, guards, "check_text")
    result = load_paths([log_path])
    assert checks == [1]
    assert result.collection is None
    assert [p.message.split(";")[0] for p in result.problems] == [
        "control character U+0001 in the file"
    ]


def test_a_byte_order_mark_finds_the_same_entry(folder, log_path, monkeypatch):
    load_paths([log_path])
    log_path.write_bytes(b"\xef\xbb\xbf" + LOG.encode())
    checks = _counting(monkeypatch, guards, "check_text")
    assert load_paths([log_path]).collection is not None
    assert checks == []
    assert len(list(folder.glob("*.json"))) == 1


def test_a_miss_looks_the_cache_up_once(folder, log_path, monkeypatch):
    lookups = _counting(monkeypatch, cache, "lookup")
    load_paths([log_path])
    assert lookups == [1]
    assert len(list(folder.glob("*.json"))) == 1


def test_the_stored_order_spares_the_sort(folder, log_path, monkeypatch):
    cold = load_paths([log_path]).collection
    assert cold is not None
    sorts = _counting(monkeypatch, Collection, "sort_events")
    warm = load_paths([log_path]).collection
    assert warm is not None
    assert sorts == []
    assert [e.id for e in warm.events] == ["early", "day", "noon", "late"]
    assert warm.index == {"early": 0, "day": 1, "noon": 2, "late": 3}
    assert [e.id for e in warm.events] == [e.id for e in cold.events]


def test_two_files_are_still_sorted_together(folder, log_path, tmp_path, monkeypatch):
    other = tmp_path / "other.yaml"
    other.write_text(
        "watchline: 1\ntitle: Other\nsources:\n  s1: {title: Source one, published: 2017-12-01}\nevents:\n"
        "  - {id: middle, date: 2016, kind: other, title: Middle, sources: [s1]}\n",
        encoding="utf-8",
    )
    load_paths([log_path, other])
    warm = load_paths([log_path, other]).collection
    assert warm is not None
    assert [e.id for e in warm.events] == ["early", "middle", "day", "noon", "late"]


def test_duplicate_ids_keep_file_order_so_the_problem_reads_the_same(folder, tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(
        "watchline: 1\ntitle: Dup\nsources:\n  s1: {title: Source one, published: 2017-12-01}\nevents:\n"
        "  - {id: same, date: 2019, kind: other, title: Second in time, sources: [s1]}\n"
        "  - {id: same, date: 2015, kind: other, title: First in time, sources: [s1]}\n",
        encoding="utf-8",
    )
    cold = load_paths([path])
    warm = load_paths([path])
    assert [str(p) for p in cold.problems] == [str(p) for p in warm.problems]
    assert len(cold.problems) == 1
    assert cold.problems[0].line == 7  # the second in the file is the duplicate


def test_the_loader_freezes_the_log_before_the_collector_is_back_on(log_path, monkeypatch):
    from tui.app.loading import read_log

    order: list[str] = []
    real_enable, real_freeze = gc.enable, gc.freeze

    def enable() -> None:
        order.append("enable")
        real_enable()

    def freeze() -> None:
        order.append("freeze")
        real_freeze()

    monkeypatch.setattr(gc, "enable", enable)
    monkeypatch.setattr(gc, "freeze", freeze)
    assert gc.isenabled()
    loaded = read_log([log_path])
    assert loaded.collection is not None
    assert order == ["freeze", "enable"]
    gc.unfreeze()
