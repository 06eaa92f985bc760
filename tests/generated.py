"""Generated logs for tests: benchmarks/generate.py's deterministic log, written in-process."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


@cache
def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("watchline_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_text(count: int, seed: int, id_prefix: str = "") -> str:
    """The text of the generated log of ``count`` events (same count and seed, same text);
    ``id_prefix`` before every event id lets several such files load together."""
    text: str = _generator().generate(count, seed, id_prefix)
    return text


def generated_log(folder: Path, count: int, seed: int) -> Path:
    """The generated log of ``count`` events written into ``folder``; its path."""
    out = folder / f"generated-{count}-{seed}.yaml"
    out.write_text(generated_text(count, seed), encoding="utf-8")
    return out
