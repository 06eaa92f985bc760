"""The query engine's indexes cached with the log: the same answers as a built engine,
and a stale, foreign or tampered entry is never used."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.generated import generated_log
from tui.model.load import load_paths
from tui.model.log import Collection
from tui.model.query import FACETS, QueryEngine, stored

REPO = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2020, 6, 30)
QUERIES = [
    "",
    "body",
    "kind:pledge status:overdue",
    "-kind:meeting camera",
    "from:2017 to:2019-06",
    '"review board" -topic:budget',
    "year:2018 OR year:2019",
]


@pytest.fixture(scope="module")
def log_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_log(tmp_path_factory.mktemp("stored"), 400, 3)


def _collection(path: Path) -> Collection:
    result = load_paths([path])
    assert result.collection is not None, result.problems
    return result.collection


def _answers(engine: QueryEngine) -> list[object]:
    answers: list[object] = []
    for query in QUERIES:
        answers.append(engine.run(query))
        answers.append(engine.all_facet_counts(query, FACETS))
    answers.append(engine.resolve("agency", "ag0001"))
    return answers


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    found: list[bool] = []
    real = stored.load

    def spy(*args: object) -> object:
        engine = real(*args)  # type: ignore[arg-type]
        found.append(engine is not None)
        return engine

    monkeypatch.setattr(stored, "load", spy)
    return found


def test_a_warm_engine_answers_as_a_built_one_without_building(folder, log_path, monkeypatch):
    built = QueryEngine.cached(_collection(log_path), AS_OF)
    assert len(list(folder.glob("*.index"))) == 1
    collection = _collection(log_path)
    assert collection.cache_key is not None
    monkeypatch.setattr(
        QueryEngine, "_build_indexes", lambda self: pytest.fail("rebuilt the indexes")
    )
    warm = QueryEngine.cached(collection, AS_OF)
    assert warm.collection is collection
    assert _answers(warm) == _answers(built)


def test_the_as_of_date_is_judged_again(folder, log_path):
    QueryEngine.cached(_collection(log_path), AS_OF)
    later = datetime.date(2026, 1, 1)
    warm = QueryEngine.cached(_collection(log_path), later)
    fresh = QueryEngine(_collection(log_path), later)
    assert warm.as_of == later
    assert warm.facet_counts("", "status") == fresh.facet_counts("", "status")


def test_a_tampered_entry_is_rebuilt_not_used(folder, log_path, monkeypatch):
    QueryEngine.cached(_collection(log_path), AS_OF)
    (entry,) = folder.glob("*.index")
    blob = bytearray(entry.read_bytes())
    blob[-5] ^= 1
    entry.write_bytes(bytes(blob))
    found = _loads(monkeypatch)
    engine = QueryEngine.cached(_collection(log_path), AS_OF)
    assert found == [False]
    assert _answers(engine) == _answers(QueryEngine(_collection(log_path), AS_OF))


def test_an_entry_under_another_name_is_not_used(folder, log_path, tmp_path, monkeypatch):
    QueryEngine.cached(_collection(log_path), AS_OF)
    (entry,) = folder.glob("*.index")
    other = tmp_path / "other.yaml"
    other.write_text(log_path.read_text().replace("Officer", "Deputy"), encoding="utf-8")
    collection = _collection(other)
    key = stored.engine_key(collection)
    assert key is not None and entry.name != f"{key}.index"
    (folder / f"{key}.index").write_bytes(entry.read_bytes())
    found = _loads(monkeypatch)
    QueryEngine.cached(collection, AS_OF)
    assert found == [False]


def test_a_changed_file_or_code_names_another_entry(folder, log_path, tmp_path, monkeypatch):
    first = stored.engine_key(_collection(log_path))
    other = tmp_path / "changed.yaml"
    other.write_text(log_path.read_text() + "\n", encoding="utf-8")
    assert stored.engine_key(_collection(other)) not in (None, first)
    monkeypatch.setattr(stored, "_fingerprint", b"other code")
    assert stored.engine_key(_collection(log_path)) != first


def test_no_cache_no_key_and_still_an_engine(log_path, monkeypatch):
    monkeypatch.setenv("WATCHLINE_CACHE", "0")
    collection = _collection(log_path)
    assert collection.cache_key is None
    assert stored.engine_key(collection) is None
    assert QueryEngine.cached(collection, AS_OF).run("body") == QueryEngine(collection, AS_OF).run(
        "body"
    )


def test_two_files_have_a_key_only_when_both_are_cached(folder, log_path, tmp_path):
    small = tmp_path / "small.yaml"
    small.write_text(
        "watchline: 1\ntitle: Small\nsources:\n  x1: {title: X}\nevents:\n"
        "  - {id: extra, date: 2016, kind: other, title: Extra, sources: [x1]}\n",
        encoding="utf-8",
    )
    both = _collection_of([log_path, small])
    assert both.cache_key is not None
    assert both.cache_key != _collection(log_path).cache_key
    warm = QueryEngine.cached(_collection_of([log_path, small]), AS_OF)
    assert warm.run("extra") == QueryEngine(both, AS_OF).run("extra")


def _collection_of(paths: list[Path]) -> Collection:
    result = load_paths(paths)
    assert result.collection is not None, result.problems
    return result.collection
