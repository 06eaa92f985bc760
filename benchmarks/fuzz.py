"""Throw generated YAML-like text and mutated real logs at watchline's loader; count crashes.

    PYTHONPATH=. python benchmarks/fuzz.py [--seconds 600] [--batch 400]

Every input goes through watchline's own entry point (:func:`tui.model.load.load_data`:
the guards, the cache, the native parser yaml-rs, the exact ruamel parser and the builder),
half of them in a worker thread as the TUI and live reload load, in child processes so
that a crash (a signal, as SIGSEGV from a native parser's stack) is seen rather than
suffered. A child writes each input to a file before loading it; when a child dies by a
signal, that file is kept in ``--crashes`` and the run goes on with the next batch.

Inputs come from hypothesis strategies: text built from YAML's own tokens (indicators,
brackets, quotes, block scalar headers, anchors, tags, directives, indentation and odd
whitespace), long runs of one token (deep nesting of every kind), and mutations of real
logs (the bundled one and a generated one: slices cut, duplicated, re-indented, tokens
spliced in). Prints a table: inputs, crashes, Python exceptions escaping the loader
(a bug too: a user must never see a traceback), inputs per second.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from generate import generate  # benchmarks/generate.py, beside this script

REPO = Path(__file__).resolve().parents[1]

TOKENS = [
    "- ",
    "-",
    "? ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    '"',
    "'",
    "|",
    ">",
    "|-",
    ">+",
    "|2",
    "#",
    " # c",
    "&a ",
    "*a",
    "!t ",
    "!!str ",
    "<<: ",
    "%YAML 1.2\n",
    "%YAML 1.3\n",
    "%TAG ! tag:x:\n",
    "---\n",
    "...\n",
    "\n",
    " ",
    "  ",
    "    ",
    "\t",
    "\u00a0",
    "\u3000",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\\",
    "\\e",
    "\\x41",
    "\\u263A",
    "x",
    "key",
    "events",
    "watchline: 1\n",
    "id: e1",
    "date: 2017",
    "date: 2018-24/2018-12",
    "0x1F",
    "1_000",
    "1e999",
    "~",
    "null",
    "true",
    ".nan",
    "2017-05-09",
    "é",
    "💥",
]
SEED_EVENT_COUNT = 60


def _seeds() -> list[str]:
    bundled = (REPO / "data" / "ct-bodycams.yaml").read_text(encoding="utf-8")
    return [bundled, generate(SEED_EVENT_COUNT, 7)]


def _strategy():
    from hypothesis import strategies as st

    token = st.sampled_from(TOKENS)
    grammar = st.lists(token, max_size=200).map("".join)
    runs = st.tuples(
        st.lists(token, min_size=1, max_size=3).map("".join), st.integers(1, 30_000)
    ).map(lambda pair: pair[0] * pair[1])
    seeds = _seeds()

    @st.composite
    def mutated(draw) -> str:
        text = draw(st.sampled_from(seeds))
        for _ in range(draw(st.integers(1, 6))):
            size = len(text)
            start = draw(st.integers(0, size))
            end = draw(st.integers(start, min(size, start + 2_000)))
            action = draw(st.sampled_from(["cut", "copy", "splice", "indent", "repeat"]))
            if action == "cut":
                text = text[:start] + text[end:]
            elif action == "copy":
                text = text[:start] + text[start:end] * 2 + text[start:]
            elif action == "splice":
                text = text[:start] + draw(grammar) + text[start:]
            elif action == "indent":
                pad = " " * draw(st.integers(1, 1_200))
                text = text[:start] + text[start:end].replace("\n", "\n" + pad) + text[end:]
            else:
                text = text[:start] + draw(runs) + text[start:]
        return text

    return st.one_of(
        grammar,
        runs,
        mutated(),
        st.binary(max_size=400).map(lambda data: data.decode("utf-8", "replace")),
    )


def child(seed: int, batch: int, current: Path) -> int:
    """Load ``batch`` inputs drawn with ``seed``; print how many and how many raised."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    from tui.model.load import load_data

    counts = {"inputs": 0, "raised": 0}

    def attempt(data: bytes) -> None:
        try:
            load_data(data, "fuzz.yaml")
        except Exception:  # a traceback a user would see
            counts["raised"] += 1
            kept = current.with_name(f"raised-{seed}-{counts['inputs']}.yaml")
            kept.write_bytes(data)
            traceback.print_exc()
            print(f"exception: input kept in {kept}", file=sys.stderr)

    def load(data: bytes, in_thread: bool) -> None:
        if in_thread:
            worker = threading.Thread(target=attempt, args=(data,))
            worker.start()
            worker.join()
        else:
            attempt(data)

    @hypothesis_seed(seed)
    @settings(
        max_examples=batch,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )
    @given(text=_strategy())
    def run(text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        current.write_bytes(data)
        load(data, in_thread=counts["inputs"] % 2 == 1)
        counts["inputs"] += 1

    run()
    print(counts["inputs"], counts["raised"])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--batch", type=int, default=400)
    parser.add_argument("--crashes", type=Path, default=REPO / "benchmarks" / "fuzz-crashes")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--current", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.batch, args.current)

    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": tempfile.mkdtemp()}
    inputs = raised = crashes = batches = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        current = Path(scratch) / "current.yaml"
        while time.monotonic() - started < args.seconds:
            run = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(batches),
                    "--batch",
                    str(args.batch),
                    "--current",
                    str(current),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            batches += 1
            if run.returncode < 0:
                crashes += 1
                args.crashes.mkdir(parents=True, exist_ok=True)
                kept = args.crashes / f"crash-{batches}-signal{-run.returncode}.yaml"
                shutil.copyfile(current, kept)
                print(f"crash: signal {-run.returncode}, input kept in {kept}", file=sys.stderr)
                continue
            if run.returncode != 0:
                print(run.stderr[-2000:], file=sys.stderr)
                return 2
            done, failed = (int(word) for word in run.stdout.split())
            if failed:
                args.crashes.mkdir(parents=True, exist_ok=True)
                for kept in Path(scratch).glob("raised-*.yaml"):
                    shutil.move(kept, args.crashes / kept.name)
                print(run.stderr[-3000:], file=sys.stderr)
            inputs += done
            raised += failed
    seconds = time.monotonic() - started
    print("| fuzz | seconds | batches | inputs | crashes (signals) | exceptions | inputs/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| load_data, half in a thread | {seconds:.0f} | {batches} | {inputs:,} | {crashes} "
        f"| {raised} | {inputs / seconds:.0f} |"
    )
    return 1 if crashes or raised else 0


if __name__ == "__main__":
    sys.exit(main())
