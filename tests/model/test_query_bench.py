"""benchmarks/bench_query.py runs end to end on a small log, so it does not rot."""

from __future__ import annotations

import gc
import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_query.py"


def test_bench_query_prints_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_query", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        assert module.main(["400", "7", "--cpu"]) == 0
    finally:
        gc.unfreeze()  # the benchmark freezes the heap, as the app would after loading
    out = capsys.readouterr().out
    assert "synthetic collection: 400 events" in out
    # Every query row and every typing step printed a count and a time.
    assert re.search(r"design\.md example\s+\d+\s+[\d.]+", out)
    assert re.search(r"'body cam'\s+[\d,]+ events\s+run\s+[\d.]+ ms", out)
