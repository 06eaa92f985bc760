"""The YAML a log may use, case by case: the issue's examples, read the same on every path.

``test_yaml_suite.py`` holds the loader to the whole yaml-test-suite; these are the cases a
real log is likeliest to hit, each with the value or the message a reader gets.
"""

from __future__ import annotations

from typing import Any

import pytest

import tui.model.load.fast as fastload
from tui.model.load import check_text, load_text

HEAD = (
    "watchline: 1\ntitle: Rules\nsources:\n  s1: {title: S}\nevents:\n"
    "  - id: e1\n    date: 2017\n    kind: other\n    title: T\n    sources: [s1]\n"
)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[str]]:
    """The event (or None) and the problems, the same with the fast path on and off."""
    checked, problems = check_text(text.encode("utf-8"), "log.yaml")
    assert checked is not None, problems
    results = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(fastload, "build_fast", lambda *args, **kwargs: None)
            part, found = load_text(checked, "log.yaml")
        event = part.events[0][0] if part is not None and part.events and not found else None
        results.append((repr(event), [str(p) for p in found], event))
    assert results[0][:2] == results[1][:2], "the fast path and the exact path differ"
    return results[0][2], results[0][1]


@pytest.mark.parametrize(
    ("lines", "summary"),
    [
        # The end of the file ends the last line, however it is written.
        ("    summary: |\n      Line one\n       ", "Line one\n \n"),
        ("    summary: |\n      Line one", "Line one\n"),
        ("    summary: |\n      Line one\n", "Line one\n"),
        # Blank lines before the text may hold spaces (no more than the text's indent).
        ("    summary: |\n      \n     \n      Line one\n", "\n\nLine one\n"),
        # A tab on a blank line, after a value, before a comment.
        ("    summary: a\n\t\n      b\n", "a\nb"),
        ("    summary: a\t\n", "a"),
        ("    summary: a\t# a comment\n", "a"),
    ],
)
def test_block_text_and_tabs_read_as_yaml_1_2(
    lines: str, summary: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    event, problems = _both(HEAD + lines, monkeypatch)
    assert problems == []
    assert event.summary == summary


@pytest.mark.parametrize(
    ("lines", "data"),
    [
        ('    data: {"count"\n      : 3}\n', {"count": 3}),
        ("    data: {?count: 3}\n", {"?count": 3}),
        ("    data: {count: 3,\n      total: 4}\n", {"count": 3, "total": 4}),
        ('    data: {"a":1}\n', {"a": 1}),
        # A key is the text written.
        ("    data: {2019: 5}\n", {"2019": 5}),
    ],
)
def test_flow_mappings_read_as_yaml_1_2(
    lines: str, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    event, problems = _both(HEAD + lines, monkeypatch)
    assert problems == []
    assert event.data == data


def test_a_question_mark_starts_text_in_a_flow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    text = HEAD.replace("title: T\n", "title: T\n    topics: [?x]\n")
    text = text.replace("sources:\n  s1:", "topics:\n  ?x: {label: X}\nsources:\n  s1:")
    _, problems = _both(text, monkeypatch)
    # `?x` is the text "?x" (YAML 1.2), so it is looked up, and it is not a slug.
    assert problems == [
        "log.yaml:4:3: error: topic id '?x' must be a lowercase slug: a-z, 0-9, '-' and '_', starting with a letter or digit"
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            '    summary: "value"# comment\n',
            "11:21: error: YAML syntax error: a comment needs a space before its '#'",
        ),
        ("    data: [-]\n", "11:12"),
        (
            "    data: {a: [1,\n    2]}\n",
            "12:5: error: YAML syntax error: this line inside brackets must be indented more than the line that opens them (5 spaces or more)",
        ),
        ('    summary: "one\n    two"\n', "quoted text must be indented more than its key"),
        ("    summary: |\n\t\n", "a tab where the text's indentation should be"),
        ("\ttopics: []\n", "a tab indents this key; YAML indents with spaces only"),
    ],
)
def test_invalid_yaml_is_refused_on_every_path(
    lines: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, problems = _both(HEAD + lines, monkeypatch)
    assert len(problems) == 1 and message in problems[0], problems


@pytest.mark.parametrize(
    ("prologue", "message"),
    [
        (
            "%YAML 1.3\n---\n",
            "1:1: error: YAML version 1.3 is not supported; a log is YAML 1.2 (write %YAML 1.2, or remove the line)",
        ),
        (
            "# notes\n%TAG ! tag:example.com,2000:\n---\n",
            "2:1: error: the directive %TAG is not allowed in a log; only %YAML 1.1 or %YAML 1.2 may stand before '---' (remove the line)",
        ),
        ("%FOO bar\n---\n", "1:1: error: the directive %FOO is not allowed"),
    ],
)
def test_directives_other_than_yaml_1_1_and_1_2_are_refused_where_they_stand(
    prologue: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, problems = _both(prologue + HEAD, monkeypatch)
    assert len(problems) == 1 and message in problems[0], problems
    assert "internal error" not in problems[0]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_yaml_1_1_and_1_2_directives_are_read(
    version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    event, problems = _both(f"%YAML {version}\n---\n" + HEAD, monkeypatch)
    assert problems == [] and event.id == "e1"


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u00a0", "U+00A0 (no-break space)"),
        ("\u3000", "U+3000 (ideographic space)"),
        ("\u200b", "U+200B (zero width space)"),
    ],
)
def test_odd_whitespace_is_named_by_its_code_point(
    char: str, named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Used as indentation, the character is text: the line is no longer part of the event.
    text = HEAD + f"    note: x\n{char}{char}{char}{char}place: y\n"
    _, problems = _both(text, monkeypatch)
    assert problems, "the odd whitespace went unnoticed"
    assert all(named in p for p in problems), problems
