"""The cache of built logs: a damaged, foreign or stale entry is ignored; no cache still loads."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import tui.model.load.cache as cache
from tui.model.load import LoadResult, load_paths

LOG = """\
watchline: 1
title: Cached
agencies:
  bpd: {name: Bridgeport Police}
sources:
  s1: {title: Source one, published: 2017-12-01}
events:
  - id: e1
    date: 2017-05-09~
    kind: grant
    title: A grant
    sources: [s1]
    agencies: [bpd]
    grant: {amount: 895000.50, from: bpd, to: bpd}
    data: {units: 800, ratio: 0.25, public: true, note: text}
  - id: e2
    date: 2018-24
    kind: pledge
    title: A pledge
    sources: [s1]
    pledge: {due: 2019, ratings: [{status: kept, as_of: 2019-04-02, evidence: [s1]}]}
    related: [{event: e1, why: follows}]
"""


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    path = tmp_path / "log.yaml"
    path.write_text(LOG, encoding="utf-8")
    return path


def _hits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each cache lookup found an entry."""
    hits: list[bool] = []
    real = cache.lookup

    def spy(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        hits.append(found is not None)
        return found

    monkeypatch.setattr(cache, "lookup", spy)
    return hits


def _entry(folder: Path) -> Path:
    (entry,) = folder.glob("*.json")
    return entry


def _same(first: LoadResult, second: LoadResult) -> None:
    assert first.problems == second.problems
    assert repr(first.collection) == repr(second.collection)


def test_a_second_load_comes_from_the_cache(folder, log_path, monkeypatch):
    hits = _hits(monkeypatch)
    first = load_paths([log_path])
    second = load_paths([log_path])
    assert first.collection is not None, first.problems
    assert hits == [False, True]
    _same(first, second)


def test_entries_are_private(folder, log_path):
    load_paths([log_path])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(_entry(folder).stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "key").stat().st_mode) == 0o600


def test_entries_are_json_not_pickle(folder, log_path):
    load_paths([log_path])
    blob = _entry(folder).read_bytes()
    assert blob.startswith(b"watchline-cache\n")
    assert blob[len(b"watchline-cache\n") + 32 :].startswith(b"{")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda blob: blob[: len(blob) // 2], id="truncated"),
        pytest.param(lambda blob: blob[:-9] + bytes([blob[-9] ^ 1]) + blob[-8:], id="tampered"),
        pytest.param(lambda blob: b"", id="empty"),
        pytest.param(lambda blob: b"garbage" * 20, id="garbage"),
        pytest.param(lambda blob: blob.replace(b"A grant", b"A grunt"), id="edited-text"),
    ],
)
def test_a_damaged_entry_is_ignored(folder, log_path, monkeypatch, damage):
    original = load_paths([log_path])
    entry = _entry(folder)
    entry.write_bytes(damage(entry.read_bytes()))
    hits = _hits(monkeypatch)
    again = load_paths([log_path])
    assert hits == [False]
    _same(original, again)


def _fifo(path: Path, blob: bytes) -> None:
    os.mkfifo(path, 0o600)  # private, as an entry or key is: only the type gives it away


def _zero(path: Path, blob: bytes) -> None:
    path.symlink_to("/dev/zero")


def _link_to_a_copy(path: Path, blob: bytes) -> None:
    # Even a symlink to the entry's own valid bytes: the cache never follows one.
    copy = path.with_name("elsewhere")
    copy.write_bytes(blob)
    path.symlink_to(copy)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("swap", [_fifo, _zero, _link_to_a_copy], ids=["fifo", "dev-zero", "link"])
def test_an_entry_swapped_for_a_fifo_or_device_is_skipped_not_read(
    folder, log_path, monkeypatch, swap
):
    """Issue 12: a FIFO there hung the load; a /dev/zero symlink ate 4.5 GB in 9 s."""
    original = load_paths([log_path])
    entry = _entry(folder)
    blob = entry.read_bytes()
    entry.unlink()
    swap(entry, blob)
    hits = _hits(monkeypatch)
    again = load_paths([log_path])
    assert hits == [False]
    _same(original, again)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("swap", [_fifo, _zero], ids=["fifo", "dev-zero"])
def test_a_key_swapped_for_a_fifo_or_device_means_no_cache(folder, log_path, monkeypatch, swap):
    original = load_paths([log_path])
    key = folder / "key"
    blob = key.read_bytes()
    key.unlink()
    swap(key, blob)
    hits = _hits(monkeypatch)
    again = load_paths([log_path])
    assert hits == [False]
    _same(original, again)


def test_an_entry_under_another_name_is_ignored(folder, log_path, tmp_path, monkeypatch):
    """A valid entry copied over another file's entry fails the MAC (the name is signed)."""
    other = tmp_path / "other.yaml"
    other.write_text(LOG.replace("A pledge", "Another pledge"), encoding="utf-8")
    load_paths([log_path])
    entry = _entry(folder)
    load_paths([other])
    other_entry = next(p for p in folder.glob("*.json") if p != entry)
    other_entry.write_bytes(entry.read_bytes())
    hits = _hits(monkeypatch)
    result = load_paths([other])
    assert hits == [False]
    assert result.collection is not None
    assert result.collection.events[-1].title == "Another pledge"


def test_a_different_key_rejects_every_entry(folder, log_path, monkeypatch):
    load_paths([log_path])
    (folder / "key").write_bytes(os.urandom(32))
    hits = _hits(monkeypatch)
    assert load_paths([log_path]).collection is not None
    assert hits == [False]


def test_every_change_to_the_file_is_a_new_entry(folder, log_path, monkeypatch):
    load_paths([log_path])
    log_path.write_text(LOG.replace("A grant", "A changed grant"), encoding="utf-8")
    hits = _hits(monkeypatch)
    result = load_paths([log_path])
    assert hits == [False]
    assert result.collection is not None
    assert result.collection.events[0].title == "A changed grant"
    assert len(list(folder.glob("*.json"))) == 2


def test_a_change_of_code_retires_old_entries(folder, log_path, monkeypatch):
    load_paths([log_path])
    monkeypatch.setattr(cache, "_fingerprint", b"another version of the loader")
    hits = _hits(monkeypatch)
    assert load_paths([log_path]).collection is not None
    assert hits == [False]


def test_a_log_with_problems_is_not_stored(folder, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(LOG.replace("date: 2017-05-09~", "date: 2017-13-45"), encoding="utf-8")
    assert load_paths([path]).problems
    assert not list(folder.glob("*.json"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permissions")
def test_an_unwritable_cache_folder_still_loads(folder, log_path):
    folder.parent.mkdir(parents=True)
    folder.parent.chmod(0o500)
    try:
        assert load_paths([log_path]).collection is not None
        assert load_paths([log_path]).collection is not None
    finally:
        folder.parent.chmod(0o700)


def test_a_cache_path_that_is_a_file_still_loads(tmp_path, log_path, monkeypatch):
    """However the cache folder fails (here a file stands where it should be), loading works."""
    blocker = tmp_path / "xdg"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(cache, "MIN_TEXT_CHARS", 0)
    assert cache.cache_dir() is None
    assert load_paths([log_path]).collection is not None


def test_a_folder_open_to_others_is_closed_or_refused(folder, log_path):
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    load_paths([log_path])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_readable_key_is_refused(folder, log_path, monkeypatch):
    """A key others can read lets them forge entries: the cache goes unused."""
    load_paths([log_path])
    (folder / "key").chmod(0o644)
    hits = _hits(monkeypatch)
    assert load_paths([log_path]).collection is not None
    assert hits == [False]


def test_the_cache_can_be_turned_off(folder, log_path, monkeypatch):
    monkeypatch.setenv("WATCHLINE_CACHE", "0")
    assert load_paths([log_path]).collection is not None
    assert not folder.exists()


def test_old_entries_are_pruned(folder, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for number in range(5):
        path = tmp_path / f"log{number}.yaml"
        path.write_text(LOG.replace("A grant", f"Grant {number}"), encoding="utf-8")
        load_paths([path])
    assert len(list(folder.glob("*.json"))) == 3
