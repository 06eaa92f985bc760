"""Hostile files: each is refused quickly with a positioned problem, never run or crashed on."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.model.load as loader
from tui.model.format import SPECS
from tui.model.load import LoadResult, guards, load_paths

VALID = """\
watchline: 1
title: T
sources:
  s1: {title: One}
events:
  - id: e1
    date: 2017
    kind: other
    title: A
    sources: [s1]
"""

# What must never reach a terminal through a message.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# The classic "billion laughs": 9 levels of 9 aliases, 387 million strings when expanded.
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def _load(content: str | bytes) -> LoadResult:
        path = tmp_path / "log.yaml"
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return load_paths(["log.yaml"])

    return _load


def lines(result: LoadResult) -> list[str]:
    return [str(problem) for problem in result.problems]


def timed(load, content: str | bytes) -> tuple[list[str], float]:
    start = time.perf_counter()
    result = load(content)
    return lines(result), time.perf_counter() - start


def test_billion_laughs_refused_fast(load):
    problems, seconds = timed(load, BILLION_LAUGHS)
    assert problems == [
        "log.yaml:5:8: error: aliases expand this file by more than 10,000 nodes; "
        "write the data out instead of repeating it with aliases"
    ]
    assert seconds < 1.0


def test_a_few_aliases_are_fine(load):
    text = VALID + "  - id: e2\n    date: 2018\n    kind: other\n    title: B\n"
    text = text.replace("sources: [s1]\n", "sources: &cited [s1]\n", 1) + "    sources: *cited\n"
    result = load(text)
    assert result.problems == []
    assert [e.sources for e in result.collection.events] == [("s1",), ("s1",)]  # type: ignore[union-attr]


def test_60kb_of_brackets_refused_fast(load):
    problems, seconds = timed(load, "[" * 60_000)
    assert problems == ["log.yaml:1:101: error: nested more than 100 deep; not a log"]
    assert seconds < 30.0  # about 0.5 s: the parser stops at depth 101, whatever follows


def test_brackets_inside_quoted_text_are_only_text(load):
    # A summary of 20,000 "{" (its longest allowed) is odd but valid: no guard may count
    # brackets inside quotes.
    text = VALID.replace("title: A", 'title: A\n    summary: "' + "{" * 20_000 + '"')
    result = load(text)
    assert result.problems == []
    assert result.collection is not None
    assert result.collection.events[0].summary == "{" * 20_000


def test_deep_nesting_hidden_from_the_quick_scan_is_caught_by_the_parser(load):
    # Quoted "]" make the bracket scan undercount; the parser stage counts exactly.
    text = "a: " + '[ "]", ' * 150 + "x" + "]" * 150 + "\n"
    problems, seconds = timed(load, text)
    assert problems == ["log.yaml:1:697: error: nested more than 100 deep; not a log"]
    assert seconds < 2.0


def test_deep_block_nesting(load):
    problems, _ = timed(load, "- " * 150 + "x\n")
    assert problems == ["log.yaml:1:201: error: nested more than 100 deep; not a log"]


# Block nesting that overflowed yaml-rs's stack and killed the interpreter (SIGSEGV):
# compact sequences on one line, and nested mappings and sequences over many lines.
DEEP_BLOCKS = {
    "compact sequences": ("- " * 20_000 + "x\n", "log.yaml:1:201:"),
    "sequences of mappings": (
        "".join(" " * (2 * level) + "- a:\n" for level in range(6_000)),
        "log.yaml:51:101:",
    ),
    "mappings": (
        "".join(" " * level + f"k{level}:\n" for level in range(12_000)),
        "log.yaml:101:101:",
    ),
}


@pytest.mark.parametrize("name", DEEP_BLOCKS)
def test_deep_block_nesting_never_reaches_the_native_parser(load, name: str):
    text, where = DEEP_BLOCKS[name]
    problems = lines(load(text))
    assert len(problems) == 1
    assert problems[0].startswith(where)
    assert problems[0].endswith("nested more than 100 deep; not a log")


def test_deep_block_nesting_in_a_worker_thread(load):
    # The TUI and live reload load in a thread, whose smaller stack died from ~15,000 levels.
    import threading

    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(lines(load("- " * 20_000 + "x\n"))))
    worker.start()
    worker.join()
    assert found == [["log.yaml:1:201: error: nested more than 100 deep; not a log"]]


def test_validate_survives_the_40kb_file(tmp_path: Path):
    # The repro, as a user runs it: a signal would show as a negative return code.
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    (tmp_path / "d.yaml").write_text("- " * 20_000 + "x\n")
    for command in (["validate", "d.yaml"], ["list", "d.yaml"]):
        run = subprocess.run(
            [sys.executable, "-m", "tui", *command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1, (command, run.returncode, run.stderr)
        assert "d.yaml:1:201: error: nested more than 100 deep; not a log" in run.stderr


def test_python_tags_are_refused_and_never_run(load, tmp_path: Path):
    marker = tmp_path / "pwned"
    text = VALID.replace("title: T", f'title: !!python/object/apply:os.system ["touch {marker}"]')
    assert lines(load(text)) == [
        "log.yaml:2:8: error: YAML tag '!!python/object/apply:os.system' is not allowed; a log "
        "holds only text, numbers, true/false, lists and mappings",
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("snippet", "tag", "col"),
    [
        ("!!python/name:os.system x", "!!python/name:os.system", 8),
        ("!custom {a: 1}", "!custom", 8),
        ("!!binary aGVsbG8=", "!!binary", 8),
        ("!!set {a, b}", "!!set", 8),
    ],
)
def test_other_tags_are_refused(load, snippet: str, tag: str, col: int):
    problems = lines(load(VALID.replace("title: T", f"title: {snippet}")))
    assert problems[0].startswith(f"log.yaml:2:{col}: error: YAML tag '{tag}' is not allowed")


def test_standard_scalar_tags_are_allowed(load):
    result = load(VALID.replace("title: A", "title: !!str 2017"))
    assert result.problems == []
    assert result.collection.events[0].title == "2017"  # type: ignore[union-attr]


def test_invalid_utf8_at_its_position(load):
    content = VALID.replace("title: A", "title: caf\xe9").encode("latin-1")
    assert lines(load(content)) == [
        "log.yaml:9:15: error: invalid UTF-8 byte 0xE9; save the file as UTF-8"
    ]


def test_utf8_byte_order_mark_is_accepted(load):
    assert load(b"\xef\xbb\xbf" + VALID.encode()).problems == []


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("\x1b", "U+001B"),
        ("\x00", "U+0000"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\x9b", "U+009B"),
    ],
)
def test_raw_control_characters_at_their_position(load, raw: str, name: str):
    text = VALID.replace("title: A", f"title: A{raw}[2J")
    assert lines(load(text)) == [
        f"log.yaml:9:13: error: control character {name} in the file; "
        "a log holds only printable text"
    ]


def test_control_characters_through_escapes_are_refused(load):
    text = VALID.replace("title: A", 'title: "\\e[2J\\x9b31m"')
    problems = lines(load(text))
    assert problems == [
        "log.yaml:9:12: error: text holds control character U+001B (written as an escape); "
        "a log holds only printable text"
    ]


def test_messages_never_carry_control_characters(load):
    # An unknown key spelt with escapes would be quoted in its message.
    text = VALID.replace("title: A", 'title: A\n    "ti\\etle\\u202e": x')
    problems = lines(load(text))
    assert problems
    assert not any(CONTROL.search(p) for p in problems)
    assert "\u202e" not in "".join(problems)


def test_size_cap(load, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(guards, "MAX_BYTES", 64)
    assert lines(load(VALID)) == [
        "log.yaml:1:1: error: the file is 0 MiB; a log may be at most 0 MiB "
        "(split it into several files)"
    ]


def test_size_cap_message_in_mebibytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(guards, "MAX_BYTES", 2**20)
    path = tmp_path / "big.yaml"
    with path.open("wb") as out:
        out.truncate(3 * 2**20)  # sparse: no need to write 3 MiB
    result = load_paths([path])
    assert [p.message for p in result.problems] == [
        "the file is 3 MiB; a log may be at most 1 MiB (split it into several files)"
    ]


def test_huge_numbers_are_refused_not_crashed_on(load):
    text = VALID.replace("title: A", "title: A\n    data: {n: " + "9" * 5000 + "}")
    assert lines(load(text)) == ["log.yaml:10:15: error: a number of 5,000 characters; not a log"]
    tagged = VALID.replace("title: A", "title: A\n    data: {n: !!int '" + "9" * 5000 + "'}")
    assert lines(load(tagged)) == ["log.yaml:10:15: error: a number of 5,000 characters; not a log"]
    # Quoted, it is text like any other.
    assert (
        load(VALID.replace("title: A", "title: A\n    summary: '" + "9" * 5000 + "'")).problems
        == []
    )


def test_second_document_refused(load):
    assert lines(load(VALID + "---\nwatchline: 1\n")) == [
        "log.yaml:11:1: error: a log file holds one YAML document; remove this second one "
        "(or put it in a file of its own)"
    ]


def test_unknown_alias(load):
    assert lines(load(VALID.replace("title: A", "title: *nowhere"))) == [
        "log.yaml:9:12: error: unknown alias *nowhere"
    ]


def test_merge_keys_refused(load):
    text = VALID.replace("  s1: {title: One}", "  s1: &one {title: One}\n  s2: {<<: *one}")
    assert lines(load(text)) == [
        "log.yaml:5:8: error: merge keys ('<<') are not supported; write the fields out"
    ]


def test_complex_keys_refused(load):
    assert lines(load(VALID.replace("title: T", "? [a, b]\n: T\ntitle: T"))) == [
        "log.yaml:2:3: error: a key must be plain text, not a list or mapping"
    ]


YAMLISH = st.text(alphabet=":-[]{}#&*!|>'\"\n ,?ab1~%@`\t\\.0", max_size=120)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=YAMLISH)
def test_random_yamlish_text_never_raises(load, text: str):
    result = load(text)
    assert result.collection is None or result.problems == []
    for problem in result.problems:
        assert not problem.message.startswith("internal error"), problem
        assert problem.line >= 1 and problem.col >= 1


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=80))
def test_random_bytes_after_a_valid_head_never_raise(load, data: bytes):
    result = load(VALID.encode() + data)
    for problem in result.problems:
        assert not problem.message.startswith("internal error"), problem


class _Nowhere:
    """A Locator for a tree with no text behind it: everything is at 1:1."""

    def locate(self, path):
        return 1, 1

    def locate_key(self, path):
        return 1, 1

    def event_positions(self):
        return []


PLAIN = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**20)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.dates(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(0, 9), children, max_size=3)
    ),
    max_leaves=8,
)

EVENT_FIELDS = [f.name for f in SPECS["event"].fields]
TOP_FIELDS = [f.name for f in SPECS["log"].fields]


@settings(max_examples=200, deadline=None)
@given(
    event_field=st.sampled_from(EVENT_FIELDS),
    top_field=st.sampled_from(TOP_FIELDS),
    value=PLAIN,
    other=PLAIN,
)
def test_any_value_in_any_field_is_a_problem_not_a_crash(event_field, top_field, value, other):
    # The builder sees only plain trees, so any parser's output must be safe to hand it.
    tree = {
        "watchline": 1,
        "title": "T",
        "sources": {"s1": {"title": "One"}},
        "events": [{"id": "e1", "date": "2017", "kind": "other", "title": "A", "sources": ["s1"]}],
    }
    tree["events"][0][event_field] = value
    tree[top_field] = other
    builder = loader.Builder("log.yaml", _Nowhere())
    builder.build(tree)
    for problem in builder.problems:
        assert not CONTROL.search(str(problem))


def _depth(node: object) -> int:
    if isinstance(node, dict):
        return 1 + max((_depth(value) for value in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((_depth(item) for item in node), default=0)
    return 0


_NESTED = st.recursive(
    st.just("x"),
    lambda children: (
        st.lists(children, min_size=1, max_size=3)
        | st.dictionaries(st.sampled_from("abc"), children, min_size=1, max_size=3)
    ),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tree=_NESTED,
    mapping=st.integers(1, 4),
    sequence=st.integers(1, 4),
    offset=st.integers(0, 2),
)
def test_block_depth_is_bounded_by_the_leading_characters(
    tree: object, mapping: int, sequence: int, offset: int
):
    """The rule fastload.nesting_bounded stands on: a text whose lines start with at most C
    characters of indentation and indicators nests at most 2 * (C + 1) block levels. Every
    block layout ruamel writes (compact `- - x`, `- a:`, any indents) is tried."""
    import io

    from ruamel.yaml import YAML

    from tui.model.load.fast import MAX_LEADING_CHARS, nesting_bounded

    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=max(sequence, offset + 2), offset=offset)
    out = io.StringIO()
    yaml.dump(tree, out)
    text = out.getvalue()
    leading = max(len(line) - len(line.lstrip(" \t?:-")) for line in text.splitlines())
    assert _depth(YAML(typ="safe", pure=True).load(text)) <= 2 * (leading + 1)
    assert nesting_bounded(text) == (leading < MAX_LEADING_CHARS)
