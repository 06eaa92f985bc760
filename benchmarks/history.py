"""Measure the log's history: ``watchline changes`` over a generated git history, and the
timeline's first frame with ``--since REV`` against without, and print one table.

    PYTHONPATH=. python benchmarks/history.py [EVENTS] [COMMITS] [--runs N]

The repository comes from benchmarks/gen_history.py (default 2,000 events, 200 commits:
titles corrected, ratings added, events added). Every figure is wall time from this run:

- ``changes``: the whole trail (``-F json``), the last quarter of the commits (``--since
  HEAD~50`` of 200), and the whole trail narrowed by ``--filter kind:pledge``, each a fresh
  process.
- first frame: from starting ``watchline LOG`` in an 80x24 pseudo-terminal (pexpect,
  drawn by pyte as in benchmarks/run.py) until an event title shows, without and with
  ``--since HEAD~100`` (half the history ago); the log's cache is warm (one untimed run first), as it is for a
  user opening their own log again.
- what ``--since`` does after the first frame, in this process: reading the log at REV
  and marking the events against the working copy, and walking the history for each
  event's commits (the thread that runs them in the app does the same calls).

The median of ``--runs`` runs (default 3) is shown, with the fastest and slowest.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from gen_history import build  # noqa: E402
from run import Session, environment, title_matcher  # noqa: E402

PYTHON = sys.executable


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Seconds one command takes to run to its end (its output is thrown away)."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def first_frame(argv: list[str], env: dict[str, str], found: Callable[[str], bool]) -> float:
    session = Session(argv, env)
    try:
        return session.wait_for(found, 600.0)
    finally:
        session.quit()


def in_process(log: Path, since: str) -> tuple[float, float]:
    """(seconds to read the log at ``since`` and mark the working copy, seconds to walk
    the whole history): what ``--since`` runs in its thread after the first frame."""
    from tui.model.history.loading import load_revision, open_revision
    from tui.model.history.since import event_histories, since_marks
    from tui.model.history.walk import walk_history
    from tui.model.load import load_paths

    current = load_paths([log]).collection
    assert current is not None
    start = time.perf_counter()
    revision = open_revision([log], since)
    base = load_revision(revision).collection
    assert base is not None
    since_marks({e.id: e for e in base.events}, current.events)
    marks = time.perf_counter() - start
    start = time.perf_counter()
    head = revision.repo.head()
    assert head is not None
    event_histories(walk_history(revision.repo, revision.paths, None, head))
    return marks, time.perf_counter() - start


def spread(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"
        if len(values) > 1
        else f"{values[0]:.2f} s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int, nargs="?", default=2000)
    parser.add_argument("commits", type=int, nargs="?", default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="watchline-history-") as tmp:
        work = Path(tmp)
        repo = work / "repo"
        build(args.events, args.commits, repo)
        log = repo / "log.yaml"
        env = environment(work / "cache", work / "config")
        os.environ.update(XDG_CACHE_HOME=env["XDG_CACHE_HOME"])
        cli = [PYTHON, "-m", "tui"]
        rows: list[tuple[str, list[float]]] = []
        trail = [*cli, "changes", str(log), "-F", "json"]
        last = f"HEAD~{args.commits // 4}"  # the last quarter of the commits
        back = f"HEAD~{args.commits // 2}"  # --since: half the history ago
        for label, argv in (
            (f"changes: all {args.commits} commits", trail),
            (f"changes --since {last}", [*trail, "--since", last]),
            ("changes --filter kind:pledge (all commits)", [*trail, "-f", "kind:pledge"]),
        ):
            rows.append((label, [timed(argv, env) for _ in range(args.runs)]))
        found = title_matcher(log)
        browse = [*cli, str(log), "--no-watch"]
        since = [*browse, "--since", back]
        first_frame(browse, env, found)  # fill the cache: the runs below are warm
        without, with_since = [], []
        for _ in range(args.runs):  # alternated, so a busy moment hits both alike
            without.append(first_frame(browse, env, found))
            with_since.append(first_frame(since, env, found))
        rows.append(("first frame, warm cache", without))
        rows.append((f"first frame --since {back}, warm cache", with_since))
        marks, walks = [], []
        for _ in range(args.runs):
            mark, walk = in_process(log, back)
            marks.append(mark)
            walks.append(walk)
        rows.append(("--since thread: log at REV read and marked", marks))
        rows.append((f"--since thread: history walk ({args.commits} commits)", walks))
        size = log.stat().st_size
    print(f"# watchline history benchmark: {args.events:,} events, {args.commits} commits")
    print()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(f"median of {args.runs} runs (fastest-slowest); log at HEAD {size / 1e6:.1f} MB")
    print()
    width = max(len(label) for label, _ in rows)
    print(f"| {'what'.ljust(width)} | time |")
    print(f"|{'-' * (width + 2)}|------|")
    for label, values in rows:
        print(f"| {label.ljust(width)} | {spread(values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
