"""Compare the YAML parsers watchline could read logs with, and print one table.

    PYTHONPATH=. python benchmarks/parsers.py [--events 10000] [--quick]

For each parser (those not installed are left out of the table):

- **10k log**: seconds to read a generated log of ``--events`` events into a plain tree
  (``benchmarks/generate.py``, seed 1; the best of three runs);
- **suite**: the 402 yaml-test-suite cases (``../shared/datasets/yaml-test-suite/``):
  *verdicts* is how many it accepts or refuses as the suite says; *in.json* how many of
  the valid cases with a JSON value it reads to exactly that value (types told apart);
  *time* the seconds for all 402;
- **100k deep**: ``"- " * 100_000 + "x"`` parsed (events, or the parser's own tree), then
  loaded into Python objects, each in a child process so that a crash is seen: ``ok``,
  ``refused`` (an exception, as a guard gives) or the signal that killed it;
- **positions**: what the parser tells about where things are.

The parsers: yaml-rs (the fast path), watchline's exact path (ruamel.yaml's pure-Python
parser with the corrected scanner of ``tui/model/load/exact.py``, events to a tree), ruamel
as published (pure, and the C loader of ruamel.yaml.clib if installed), and rapidyaml
(``ryml``, if installed; its tree converted to Python objects, since that is what the
builder needs).
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.model.yaml_suite_cases import load_cases, same  # noqa: E402
from tui.model.load import resolve_plain  # noqa: E402
from tui.model.load.exact import Scanner, complete_last_line  # noqa: E402

DEEP = "- " * 100_000 + "x\n"
_NONE = 2**64 - 1  # ryml.NONE: no such node


class Refused(Exception):
    """The parser refused the text."""


def _ruamel(pure: bool, scanner: bool) -> Callable[[str], list[Any]]:
    from ruamel.yaml import YAML

    def load(text: str) -> list[Any]:
        yaml = YAML(typ="safe", pure=pure)
        if scanner:
            yaml.Scanner = Scanner
            text = complete_last_line(text)
        try:
            return list(yaml.load_all(text))
        except RecursionError as error:
            raise Refused(type(error).__name__) from error
        except Exception as error:
            raise Refused(str(error)) from error

    return load


def _ruamel_parses(pure: bool, scanner: bool) -> Callable[[str], bool]:
    """Whether ruamel parses ``text`` (events only: its constructor refuses unknown tags
    and list keys, which is not a parsing verdict)."""
    from ruamel.yaml import YAML

    def accepts(text: str) -> bool:
        yaml = YAML(typ="safe", pure=pure)
        if scanner:
            yaml.Scanner = Scanner
            text = complete_last_line(text)
        try:
            for _ in yaml.parse(text):
                pass
        except Exception:
            return False
        return True

    return accepts


def _accepts(load: Callable[[str], list[Any]]) -> Callable[[str], bool]:
    def accepts(text: str) -> bool:
        try:
            load(text)
        except Exception:
            return False
        return True

    return accepts


def _yaml_rs(text: str) -> list[Any]:
    import yaml_rs

    try:
        value = yaml_rs.loads(text, parse_datetime=False)
    except Exception as error:
        raise Refused(str(error)) from error
    # Several documents come back as a list of them; one as itself.
    documents = text.count("\n---") + text.startswith("---")
    if documents > 1 and isinstance(value, list):
        return value
    return [value]


def _ryml_value(tree: Any, node: int) -> Any:
    if tree.is_map(node):
        out = {}
        child = tree.first_child(node)
        while child != _NONE:
            key = bytes(tree.key(child)).decode()
            out[key if tree.is_key_quoted(child) else _plain_key(key)] = _ryml_value(tree, child)
            child = tree.next_sibling(child)
        return out
    if tree.is_seq(node):
        items = []
        child = tree.first_child(node)
        while child != _NONE:
            items.append(_ryml_value(tree, child))
            child = tree.next_sibling(child)
        return items
    if tree.val_is_null(node):
        return None
    text = bytes(tree.val(node)).decode()
    return text if tree.is_val_quoted(node) or not tree.is_val_plain(node) else _plain(text)


def _plain(text: str) -> Any:
    return resolve_plain(text) if text else None


def _plain_key(text: str) -> Any:
    value = _plain(text)
    return value if isinstance(value, str) else text


def _ryml_tree(text: str) -> Any:
    """rapidyaml's tree of ``text``, its error messages (printed by C++) kept off stderr."""
    import ryml

    sys.stderr.flush()
    saved = os.dup(2)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    try:
        return ryml.parse_in_arena(text.encode("utf-8"))
    except Exception as error:
        raise Refused(str(error)) from error
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)


def _ryml_accepts(text: str) -> bool:
    try:
        _ryml_tree(text)
    except Refused:
        return False
    return True


def _ryml(text: str) -> list[Any]:

    tree = _ryml_tree(text)
    root = tree.root_id()
    if tree.is_stream(root):
        docs = []
        child = tree.first_child(root)
        while child != _NONE:
            docs.append(_ryml_value(tree, child))
            child = tree.next_sibling(child)
        return docs
    try:
        return [_ryml_value(tree, root)]
    except RecursionError as error:  # our conversion recurses; the parse itself is done
        raise Refused("tree deeper than Python's recursion limit") from error


def _exact_path(text: str) -> list[Any]:
    """watchline's exact path: events through the loader's own tree builder."""
    from tui.model.load import parse_text

    result = parse_text(text, "bench.yaml")
    if result.problems:
        raise Refused(result.problems[0].message)
    return [result.tree]


Parser = tuple[Callable[[str], list[Any]], Callable[[str], bool], str]


def _available() -> dict[str, Parser]:
    """name -> (load, accepts, positions) for the parsers installed here."""
    parsers: dict[str, Parser] = {}
    try:
        import yaml_rs  # noqa: F401

        parsers["yaml-rs 0.1.6 (fast path)"] = (
            _yaml_rs,
            _accepts(_yaml_rs),
            "none: a tree of plain values; errors carry a line and column in their text",
        )
    except ImportError:
        pass
    parsers["watchline exact (ruamel pure + corrected scanner)"] = (
        _ruamel(pure=True, scanner=True),
        _ruamel_parses(pure=True, scanner=True),
        "every node: line and column of its start (kept by the loader's tree builder)",
    )
    parsers["ruamel.yaml pure (as published)"] = (
        _ruamel(pure=True, scanner=False),
        _ruamel_parses(pure=True, scanner=False),
        "every node: start and end marks (line, column) in its events",
    )
    try:
        from ruamel.yaml.main import CParser

        if CParser is not None:
            parsers["ruamel.yaml C loader (clib)"] = (
                _ruamel(pure=False, scanner=False),
                _ruamel_parses(pure=False, scanner=False),
                "every node: start and end marks in its events (libyaml's)",
            )
    except ImportError:
        pass
    try:
        import ryml  # noqa: F401

        parsers["rapidyaml 0.15 (ryml)"] = (
            _ryml,
            _ryml_accepts,
            "errors only: the 0.15 Python binding has no node locations (the C++ API has)",
        )
    except ImportError:
        pass
    return parsers


def _best_of(load: Callable[[str], Any], text: str, runs: int) -> float:
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        load(text)
        best = min(best, time.perf_counter() - start)
    return best


def _same_documents(got: list[Any], expected: list[Any]) -> bool:
    if not expected:
        return got in ([], [None])  # no document: yaml-rs says None
    if len(got) == 1 and len(expected) > 1 and isinstance(got[0], list):
        got = got[0]  # yaml-rs: several documents come back as one list
    return len(got) == len(expected) and all(map(same, got, expected))


def _suite(
    accepts: Callable[[str], bool], load: Callable[[str], list[Any]]
) -> tuple[int, int, int, int, float]:
    verdicts = data = with_json = 0
    cases = load_cases()
    start = time.perf_counter()
    for case in cases:
        verdicts += accepts(case.text) != case.error
        if not case.error and case.documents is not None:
            with_json += 1
            with contextlib.suppress(Exception):
                data += _same_documents(load(case.text), list(case.documents))
    return verdicts, len(cases), data, with_json, time.perf_counter() - start


_CHILD = """
import sys
sys.path.insert(0, {repo!r})
sys.setrecursionlimit(10_000)
from benchmarks.parsers import DEEP, _available, Refused
load, accepts, _ = _available()[{name!r}]
if {step!r} == "parse":
    sys.exit(0 if accepts(DEEP) else 3)
try:
    load(DEEP)
except Exception:
    sys.exit(3)
"""


def _deep(name: str) -> str:
    """How the parser takes DEEP: parsing (events or its own tree), then loading (the
    Python tree), each in a child process."""
    return "; ".join(f"{step} {_deep_step(name, step)}" for step in ("parse", "load"))


def _deep_step(name: str, step: str) -> str:
    code = _CHILD.format(repo=str(REPO), name=name, step=step)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired:
        return "hangs (>300 s)"
    if done.returncode == 0:
        return "ok"
    if done.returncode == 3:
        return "refused"
    if done.returncode < 0:
        return signal.Signals(-done.returncode).name
    return f"exit {done.returncode}"


def rows_names(rows: list[tuple[str, ...]]) -> list[str]:
    return [row[0] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="200 events, one run each")
    args = parser.parse_args()
    events = 200 if args.quick else args.events
    runs = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "log.yaml"
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(events), "1", str(out)],
            check=True,
        )
        text = out.read_text(encoding="utf-8")
    rows = []
    warnings.simplefilter("ignore")  # ruamel warns of reused anchors in the suite
    for name, (load, accepts, positions) in _available().items():
        seconds = _best_of(load, text, runs)
        verdicts, cases, data, with_json, suite_time = _suite(accepts, load)
        deep = _deep(name)
        rows.append(
            (
                name,
                f"{seconds:.2f}",
                f"{verdicts}/{cases}",
                f"{data}/{with_json}",
                f"{suite_time:.2f}",
                deep,
                positions,
            )
        )
    head = (
        f"{events // 1000}k log (s)" if events >= 1000 else f"{events} log (s)",
        "suite verdicts",
        "suite in.json",
        "suite (s)",
        "100k deep",
        "positions",
    )
    print(f"| parser | {' | '.join(head)} |")
    print("|" + "---|" * (len(head) + 1))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    notes = [
        f"watchline's exact stage itself (parse_text: events to a tree, guards, positions): "
        f"{_best_of(_exact_path, text, runs):.2f} s"
    ]
    if any(name.startswith("rapidyaml") for name in rows_names(rows)):
        notes.append(
            f"rapidyaml parse only (no Python tree): {_best_of(_ryml_tree, text, runs):.2f} s"
        )
    for note in notes:
        print(f"\n{note}", end="")
    print(
        f"\n{len(text) / 2**20:.1f} MiB log of {events:,} events; "
        f"python {sys.version.split()[0]}; best of {runs}.",
    )


if __name__ == "__main__":
    main()
