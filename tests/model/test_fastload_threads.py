"""yaml-rs 0.1.6 kills the interpreter when used after the thread that imported it ended.

The loader must never let that happen: a log first loaded in a worker thread and then
reloaded in another thread (live reload does exactly this) must load, not crash.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO

SCRIPT = textwrap.dedent(
    """
    import threading
    from pathlib import Path

    results = []

    def load():
        from tui.model.load import load_paths
        result = load_paths([Path({log!r})])
        results.append((len(result.collection.events), result.problems))

    for _ in range(3):  # each worker ends before the next starts
        worker = threading.Thread(target=load)
        worker.start()
        worker.join()
    print(results)
    """
)


def test_loading_in_successive_worker_threads_does_not_crash() -> None:
    log = REPO / "data" / "ct-bodycams.yaml"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(log=str(log))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "WATCHLINE_CACHE": "0", "PYTHONPATH": str(REPO)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[(30, []), (30, []), (30, [])]"
