"""A folder of large files is built in worker processes, and the result is the same as
loading the files one after another: the same collection, problems and order, whatever
goes wrong in a worker."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest

import tui.model.load.parallel as parallel
from tests.generated import generated_text
from tui.model.load import LoadResult, load_paths

# Each generated file of this many events is about 100 KB: over the cache's floor (64 KiB,
# which a worker keeps: it does not see this test's monkeypatches), and quick to build.
EVENTS = 200


@pytest.fixture
def workers(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Workers on for files of any size, two of them even on one core; the indexes of the
    files given to a worker, in order."""
    monkeypatch.setattr(parallel, "MIN_WORKER_BYTES", 0)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    submitted: list[int] = []
    real = parallel.Workers.submit

    def spy(self: parallel.Workers, index: int, path: Path, size: int) -> None:
        submitted.append(index)
        real(self, index, path, size)

    monkeypatch.setattr(parallel.Workers, "submit", spy)
    return submitted


def _write(folder: Path, name: str, prefix: str, seed: int = 1) -> Path:
    path = folder / name
    path.write_text(generated_text(EVENTS, seed, prefix), encoding="utf-8")
    return path


@pytest.fixture
def clean_logs(tmp_path: Path) -> Path:
    logs = tmp_path / "logs"
    logs.mkdir()
    for index, prefix in enumerate("abc"):
        _write(logs, f"part-{index}.yaml", prefix)
    return logs


def _sequential(paths: list[str | Path], monkeypatch: pytest.MonkeyPatch) -> LoadResult:
    """``paths`` loaded one file after another, in-process, with an empty cache."""
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "worker_count", lambda: 0)
        patch.setenv("WATCHLINE_CACHE", "0")
        return load_paths(paths)


def _same(first: LoadResult, second: LoadResult) -> None:
    assert [str(p) for p in first.problems] == [str(p) for p in second.problems]
    assert first.unreadable == second.unreadable
    assert repr(first.collection) == repr(second.collection)


def test_a_folder_built_by_workers_is_the_folder_built_in_order(
    clean_logs, workers, folder, monkeypatch
):
    result = load_paths([clean_logs])
    assert workers == [0, 1, 2]  # every file went to a worker
    assert len(list(folder.glob("*.json"))) == 3  # each stored its part
    assert result.collection is not None, result.problems
    assert len(result.collection.events) == 3 * EVENTS
    _same(result, _sequential([clean_logs], monkeypatch))
    # And a second start reads the same parts, with no worker.
    workers.clear()
    _same(load_paths([clean_logs]), result)
    assert workers == []


def test_files_with_problems_and_a_missing_file_give_the_same_problems(
    clean_logs, workers, tmp_path, monkeypatch
):
    text = generated_text(EVENTS, 1, "d")
    # A part with a problem (built again in-process, for the merge), a file that does not
    # parse (taken as the worker reported it), one that is not UTF-8, one that is missing.
    events = text.index("\nevents:")
    (clean_logs / "part-3.yaml").write_text(
        text[:events] + re.sub(r"date: .*", "date: someday", text[events:], count=1),
        encoding="utf-8",
    )
    (clean_logs / "part-4.yaml").write_text(text + "events: [\n", encoding="utf-8")
    (clean_logs / "part-5.yaml").write_bytes(text.encode() + b"# \xff\n")
    paths: list[str | Path] = [clean_logs, tmp_path / "missing.yaml"]
    result = load_paths(paths)
    assert workers == [0, 1, 2, 3, 4, 5]
    assert result.collection is None
    assert {Path(p.file).name for p in result.problems} == {
        "part-3.yaml",
        "part-4.yaml",
        "part-5.yaml",
        "missing.yaml",
    }
    assert result.unreadable == [str(tmp_path / "missing.yaml")]
    _same(result, _sequential(paths, monkeypatch))


def test_a_file_that_vanishes_before_its_worker_reads_it_is_unreadable(
    clean_logs, workers, monkeypatch
):
    gone = clean_logs / "part-1.yaml"
    real = parallel.Workers.submit

    def remove_then_submit(self: parallel.Workers, index: int, path: Path, size: int) -> None:
        if path == gone:
            gone.unlink()
        real(self, index, path, size)

    monkeypatch.setattr(parallel.Workers, "submit", remove_then_submit)
    result = load_paths([clean_logs])
    assert result.unreadable == [str(gone)]
    assert [Path(p.file).name for p in result.problems] == ["part-1.yaml"]


def test_with_the_cache_off_no_worker_starts(clean_logs, workers, monkeypatch):
    monkeypatch.setenv("WATCHLINE_CACHE", "0")
    result = load_paths([clean_logs])
    assert workers == []  # a worker's part could only reach us through the cache
    _same(result, _sequential([clean_logs], monkeypatch))


def test_small_files_and_a_single_file_are_built_here(clean_logs, workers, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_WORKER_BYTES", 10**9)
    load_paths([clean_logs])
    assert workers == []
    monkeypatch.setattr(parallel, "MIN_WORKER_BYTES", 0)
    load_paths([clean_logs / "part-0.yaml"])  # nothing else to do meanwhile
    assert workers == []


def test_progress_never_goes_back_and_reaches_the_total(clean_logs, workers):
    seen: list[tuple[int, int]] = []
    counts: list[int] = []
    lock = threading.Lock()

    def progress(done: int, total: int) -> None:
        with lock:
            seen.append((done, total))

    result = load_paths([clean_logs], progress, counts.append)
    assert workers == [0, 1, 2]
    total = sum(path.stat().st_size for path in clean_logs.iterdir())
    assert {t for _, t in seen} == {total}
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)
    assert dones[-1] == total
    assert len(dones) > 3  # the workers' own progress was passed on, not only each end
    assert counts == sorted(counts)
    assert result.collection is not None
    assert counts[-1] == len(result.collection.events)


@pytest.mark.parametrize(
    "bootstrap",
    [
        "import os, signal; os.kill(os.getpid(), signal.SIGKILL)",  # killed (say, out of memory)
        "raise MemoryError",  # dies with a traceback (which goes nowhere)
        "print('not a report')",  # talks nonsense and exits
        "import json; print(json.dumps({'done': {'stored': 'maybe'}}))",  # a bad report
        "import json; print(json.dumps({'done': {'error': 'MemoryError: '}}))",
    ],
)
def test_a_worker_that_fails_leaves_its_file_to_be_built_here(
    clean_logs, workers, monkeypatch, bootstrap
):
    monkeypatch.setattr(parallel, "_BOOTSTRAP", bootstrap)
    result = load_paths([clean_logs])
    assert workers[:1] == [0]  # (one that cannot run at all stops the next being tried)
    _same(result, _sequential([clean_logs], monkeypatch))


def test_no_interpreter_to_start_builds_everything_here(clean_logs, workers, monkeypatch):
    monkeypatch.setattr(parallel.sys, "executable", "/nonexistent/python")
    result = load_paths([clean_logs])
    assert workers[:1] == [0]  # tried, failed, and no more were tried after that failure
    _same(result, _sequential([clean_logs], monkeypatch))


def test_an_error_in_the_caller_ends_every_worker(clean_logs, workers, monkeypatch):
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        process = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process)
        return process

    monkeypatch.setattr(parallel.subprocess, "Popen", recording_popen)
    monkeypatch.setattr(parallel, "worker_count", lambda: 1)  # the others wait in line

    def progress(done: int, total: int) -> None:
        if threading.current_thread() is threading.main_thread():
            raise KeyboardInterrupt  # Ctrl-C while the parent reads the first part

    with pytest.raises(KeyboardInterrupt):
        load_paths([clean_logs], progress)
    assert started
    assert all(process.poll() is not None for process in started)


def test_a_served_session_uses_no_workers(monkeypatch):
    monkeypatch.setenv("WATCHLINE_SERVED", "1")
    assert parallel.worker_count() == 0
    monkeypatch.delenv("WATCHLINE_SERVED")
    assert parallel.worker_count() in (0, 2, 3, 4)  # never one: no use on one core


def test_a_malformed_report_is_a_failure():
    assert parallel._outcome_of([]).failure is not None
    assert parallel._outcome_of({"stored": True}).failure is not None
    report = {"stored": False, "problems": [["f", 1, 2, "m"]], "readable": True, "events": 0}
    outcome = parallel._outcome_of(report)
    assert outcome.failure is None and outcome.problems is not None
    assert [str(p) for p in outcome.problems] == ["f:1:2: error: m"]
