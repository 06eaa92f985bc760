"""The same file gives the same model on every loading path: ruamel, yaml-rs, and the cache.

Each log below is loaded three ways and the results (collection and every problem, with
its position) must be identical. The corpus leans on the places YAML parsers disagree:
YAML 1.1 words and numbers, dates quoted and not, null spellings, infinities, block and
flow styles, multi-line text, anchors, tags, several documents, escapes, CRLF, Unicode.
Where yaml-rs could read a construct differently the fast path must step aside (the
result is still compared); where it can read it, the test also checks that it did.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.model.load.cache as cache
import tui.model.load.fast as fastload
from tests.generated import generated_log
from tui.model.load import LoadResult, load_paths, read_text

REPO = Path(__file__).resolve().parents[2]

HEAD = """\
watchline: 1
title: Equivalence
agencies:
  bpd: {name: Bridgeport Police, aliases: [BPD]}
people:
  perez: {name: Perez, agency: bpd}
topics:
  force: {label: Force}
sources:
  s1: {title: Source one, published: 2017-12-01}
  s2: {title: "Source two", published: "2018-01"}
"""


def log(*event_lines: str, head: str = HEAD) -> str:
    """HEAD plus one event (id e1, a source) with extra field lines."""
    body = ["  - id: e1", "    kind: other", *(f"    {line}" for line in event_lines)]
    if not any(line.startswith("date:") for line in event_lines):
        body.append("    date: 2017-05-09")
    if not any(line.startswith("title:") for line in event_lines):
        body.append("    title: An event")
    if not any(line.startswith("sources:") for line in event_lines):
        body.append("    sources: [s1]")
    return head + "events:\n" + "\n".join(body) + "\n"


TRAP_DATA = (
    "data: {yes_: yes, no_: no, on_: on, off_: off, y_: y, oct: 010, o8: 0o10, hex: 0x1F,"
    " sci: 1e3, plus: +12, half: .5, five: 5.,"
    " t: True, f: FALSE, day: 2019-12-07, qday: '2019-12-07', qyes: 'yes', qnum: \"010\","
    " time: 2019-12-07 10:00:00, sexa: 1:30, neg: -0, big: 12345678901234567890}"
)

# name -> (text, whether the fast path must take it rather than step aside)
CORPUS: dict[str, tuple[str, bool]] = {
    "yaml 1.1 words and numbers in data": (log(TRAP_DATA), True),
    "yaml 1.1 words and numbers in block data": (
        log("data:", "  a: yes", "  b: off", "  c: 010", "  d: 0o10", "  e: 0x1F", "  f: 1e3"),
        True,
    ),
    "nulls in data": (log("data: {tilde: ~, null_: null, Null_: Null, NULL_: NULL}"), False),
    "title yes stays text": (log("title: yes"), True),
    "title 010 is a number": (log("title: 010"), False),
    "title 0o10 is a number": (log("title: 0o10"), False),
    "title 0x1F is a number": (log("title: 0x1F"), False),
    "title 1e3 is a number": (log("title: 1e3"), False),
    "title ~ is null": (log("title: ~"), False),
    "title null is null": (log("title: null"), False),
    "title true is a flag": (log("title: true"), False),
    "title .inf": (log("title: .inf"), False),
    "data .inf is not finite": (log("data: {x: .inf, y: -.Inf}"), False),
    "data .nan": (log("data: {x: .NaN}"), False),
    "title quoted traps": (log("title: '010'", 'place: "true"', "note: 'null'"), True),
    "upper-case hex and binary stay text": (log("data: {a: 0X1F, b: 0b101, c: 0O10}"), False),
    "digit separators stay text": (log("data: {a: 1_000, b: 0x_1}"), False),
    "a 200-digit number": (log("data: {a: " + "9" * 200 + "}"), False),
    "dates unquoted": (
        log("date: 2019-12-07", "note: 2019-12-07", "data: {d: 2019-12}"),
        True,
    ),
    "dates quoted": (log('date: "2019-12-07"', "note: '2019-12'"), True),
    "edtf forms": (
        log(
            "pledge:",
            "  by: perez",
            "  due: 2018-24",
            "  ratings:",
            "    - {status: kept, as_of: 2019-04-02, evidence: [s2]}",
            "    - {status: stalled, as_of: '2018-12~'}",
            "    - {status: in-the-works, as_of: 2018-XX}",
        ),
        True,
    ),
    "date interval and open end": (log("date: 2017/2018-06"), True),
    "date open start": (log("date: ../2019"), True),
    "multi-line strings": (
        log(
            "summary: |",
            "  Line one",
            "    indented",
            "",
            "  after a blank",
            "note: >-",
            "  folded",
            "  text",
            "",
            "  para",
            "place: plain",
            "  continued",
            'title: "double',
            '  quoted \\t tab \\n newline \\" quote"',
        ),
        True,
    ),
    "block scalar keep and strip": (
        log("summary: |+", "  kept", "", "note: |-", "  stripped"),
        True,
    ),
    "single quotes with doubled quote": (log("title: 'it''s # not a comment'"), True),
    "comments everywhere": (log("title: A # comment", "# a whole line", "place: x#y"), True),
    "flow style event": (
        HEAD + "events: [{id: e1, date: 2017, kind: other, title: Flow, sources: [s1, s2]}]\n",
        True,
    ),
    "block style lists": (log("agencies:", "  - bpd", "topics:", "- force"), True),
    "anchors and aliases": (
        HEAD
        + "events:\n"
        + "  - {id: e1, date: 2017, kind: other, title: A, sources: &both [s1, s2]}\n"
        + "  - {id: e2, date: 2018, kind: other, title: B, sources: *both}\n",
        False,
    ),
    "merge key": (log("data:", "  <<: {a: 1}", "  b: 2"), False),
    "tags": (log("title: !!str 010", "note: !custom x"), False),
    "python tag": (log("title: !!python/object:os.system x"), False),
    "leading document marker": ("---\n" + log(), True),
    "two documents": (log() + "---\n" + log(), False),
    "document end marker": (log() + "...\n", False),
    "yaml directive": ("%YAML 1.1\n---\n" + log("title: yes"), False),
    "unicode text": (
        log("title: Überwachung — 監視 — مراقبة — 🚓", 'place: "caf\\u00e9 \\U0001F600"'),
        True,
    ),
    "escape making a control character": (log('title: "bad \\e[2J"'), False),
    "escaped line separator": (log('title: "a\\Lb"'), False),
    "raw line separator": (log("title: a\u2028b"), False),
    "crlf line endings": (
        log("summary: |", "  one", "  two", "note: >", "  a", "  b").replace("\n", "\r\n"),
        True,
    ),
    "byte order mark": ("\ufeff" + log(), True),
    "tabs inside text": (log("title: a\tb", "note: 'c\td'"), False),
    "numeric key in data": (log("data: {1: one, 2019-12-07: day}"), False),
    "null key in data": (log("data: {null: x, ~: y}"), False),
    "complex key": (log("data:", "  ? [a, b]", "  : x"), False),
    "duplicate keys": (log("title: A", "title: B"), False),
    "unknown field": (log("titel: A"), False),
    "syntax error": (log("title: 'unterminated"), False),
    "tab indentation": (log().replace("    kind: other", "\tkind: other"), False),
    "empty file": ("", False),
    "only comments": ("# nothing here\n", False),
    "not a mapping": ("- a\n- b\n", False),
    "scalar document": ("just text\n", False),
    "unknown reference": (log("agencies: [nope]"), False),
    "a title at its length limit": (log("title: " + "t" * 300), True),
    "a title over its length limit": (log("title: " + "t" * 301), False),
    "an id over its length limit": (log().replace("id: e1", "id: " + "e" * 101), False),
    "an event over the text limit": (
        log(
            "summary: " + "s" * 20_000,
            "note: " + "n" * 2_000,
            "place: " + "p" * 2_000,
            "data: {a: " + "d" * 2_000 + "}",
        ),
        False,
    ),
}


def _same(first: LoadResult, second: LoadResult) -> None:
    assert [str(p) for p in first.problems] == [str(p) for p in second.problems]
    assert first.unreadable == second.unreadable
    # repr, not ==: it tells 1 from 1.0 and True, and a NaN from nothing (NaN != NaN).
    assert repr(first.collection) == repr(second.collection)


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private cache folder, used for files of every size."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("WATCHLINE_CACHE", raising=False)
    monkeypatch.setattr(cache, "MIN_TEXT_CHARS", 0)
    return tmp_path / "xdg"


def _three_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[LoadResult, ...]:
    """(ruamel, yaml-rs without cache, cache) results of ``path``, plus cache hits seen."""
    with monkeypatch.context() as patch:
        patch.setattr(fastload, "build_fast", lambda *args, **kwargs: None)
        exact = load_paths([path])
    with monkeypatch.context() as patch:
        patch.setenv("WATCHLINE_CACHE", "0")
        fast = load_paths([path])
    load_paths([path])  # fills the cache when the file is clean and fast-path material
    cached = load_paths([path])
    return exact, fast, cached


def _fast_path_takes(path: Path) -> bool:
    text, problems = read_text(path)
    assert text is not None, problems
    return fastload.needs_exact_parser(text) is None and fastload.parse_fast(text) is not None


@pytest.mark.parametrize("name", list(CORPUS))
def test_every_path_gives_the_same_result(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path
) -> None:
    text, fast_expected = CORPUS[name]
    path = tmp_path / "log.yaml"
    path.write_bytes(text.encode("utf-8"))
    hits: list[bool] = []
    real_lookup = cache.lookup

    def spy(*args: object) -> object:
        found = real_lookup(*args)  # type: ignore[arg-type]
        hits.append(found is not None)
        return found

    monkeypatch.setattr(cache, "lookup", spy)
    exact, fast, cached = _three_ways(path, monkeypatch)
    _same(exact, fast)
    _same(exact, cached)
    if fast_expected:
        assert _fast_path_takes(path), f"{name}: the fast path stepped aside"
        assert exact.collection is not None, exact.problems
        assert hits and hits[-1], f"{name}: the second load did not come from the cache"


def _generate(tmp_path: Path, count: int, seed: int) -> Path:
    return generated_log(tmp_path, count, seed)


@pytest.mark.parametrize("source", ["bundled", "generated-1", "generated-2"])
def test_real_logs_give_the_same_model_on_every_path(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path
) -> None:
    if source == "bundled":
        path = REPO / "data" / "ct-bodycams.yaml"
    else:
        path = _generate(tmp_path, 150, int(source.rsplit("-", 1)[1]))
    exact, fast, cached = _three_ways(path, monkeypatch)
    assert exact.collection is not None, exact.problems[:3]
    assert _fast_path_takes(path)
    _same(exact, fast)
    _same(exact, cached)
    assert list(isolated_cache.rglob("*.json")), "a clean log is stored in the cache"


def test_references_across_files_survive_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path
) -> None:
    """An entry keeps the references another file must resolve: unknown ones still show."""
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text(HEAD + "events: []\n", encoding="utf-8")
    second.write_text(
        "watchline: 1\ntitle: B\nevents:\n  - {id: e2, date: 2017, kind: other, title: T,"
        " sources: [s1], agencies: [bpd, nope]}\n",
        encoding="utf-8",
    )
    with monkeypatch.context() as patch:
        patch.setattr(fastload, "build_fast", lambda *args, **kwargs: None)
        exact = load_paths([first, second])
    load_paths([second])  # stores b.yaml: its own build is clean, its references are not
    load_paths([first, second])
    again = load_paths([first, second])
    _same(exact, again)
    assert [p.message.split(" (")[0] for p in exact.problems] == ["unknown agency 'nope'"]
