"""The benchmark log generator writes a log that loads cleanly (not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tui.model.load import load_paths

REPO = Path(__file__).resolve().parents[1]


def test_a_generated_log_loads_with_no_problems(tmp_path: Path) -> None:
    out = tmp_path / "generated.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "200", "3", str(out)],
        check=True,
        capture_output=True,
    )
    result = load_paths([out])
    assert result.problems == []
    assert result.collection is not None
    assert len(result.collection.events) == 200
    kinds = {event.kind for event in result.collection.events}
    assert {"pledge", "grant", "rollout", "shooting"} <= kinds


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    outs = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    for out in outs:
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate.py"), "50", "9", str(out)],
            check=True,
            capture_output=True,
        )
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_files_with_id_prefixes_load_together_as_one_log(tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    for number in range(3):
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "generate.py"),
                "120",
                "4",
                str(folder / f"part-{number}.yaml"),
                "--id-prefix",
                f"p{number}-",
            ],
            check=True,
            capture_output=True,
        )
    result = load_paths([folder])
    assert result.problems == []
    assert result.collection is not None
    assert len(result.collection.events) == 360
    assert {e.id.split("-")[0] for e in result.collection.events} == {"p0", "p1", "p2"}


def test_the_store_prototypes_agree_on_what_they_count(tmp_path: Path) -> None:
    log = tmp_path / "generated.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "300", "3", str(log)],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "store_proto.py"),
            str(log),
            "--scale",
            "1",
            "--work",
            str(tmp_path / "stores"),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO), "WATCHLINE_CACHE": "0", "PATH": "/usr/bin:/bin"},
    )
    rows = [line.split("|") for line in out.stdout.splitlines() if line.startswith("| 300 |")]
    assert [row[2].strip() for row in rows] == ["columnar", "sqlite"]
    # The facet values and the text hits (in parentheses) are the same in both stores.
    facet = {row[6].split("(")[1] for row in rows}
    hits = {row[7].split("(")[1] for row in rows}
    assert len(facet) == 1 and len(hits) == 1


def test_the_harness_measures_a_log_in_use(tmp_path: Path) -> None:
    # benchmarks/run.py's in-use measure (the --million run) on a small log: it reads the
    # first frame, waits for the indexes, and times the cursor and each search key until
    # the result count changes (every count changes: each key narrows the log).
    import importlib.util

    spec = importlib.util.spec_from_file_location("watchline_run", REPO / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    sys.modules["watchline_run"] = run  # its dataclasses look their module up
    spec.loader.exec_module(run)
    log = tmp_path / "generated.yaml"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "2000", "1", str(log)],
        check=True,
        capture_output=True,
    )
    env = run.environment(tmp_path / "cache", tmp_path / "config")
    argv = [sys.executable, "-m", "tui", "--as-of", run.AS_OF, str(log)]
    figures = run.run_in_use(argv, env, run.title_matcher(log))
    assert figures.first_frame is not None and figures.indexed_after is not None
    assert len(figures.step_ms) == 10
    assert len(figures.answer_ms) == 3 and all(ms < 10_000 for ms in figures.answer_ms)
    assert figures.rss_mb is not None and figures.rss_mb > 0
