"""The whole yaml-test-suite, each case embedded in a valid log: one reading on every path.

Each of the suite's 402 cases becomes the value of an event's ``data:`` (see
``yaml_suite_cases.embed``) and the log is read:

- by the loader on every path (fast path on, off, and from the cache a second time): the
  problems and the model must be identical;
- by both parsers: wherever the fast path may use yaml-rs and yaml-rs accepts the text,
  its tree must be the exact parser's (where yaml-rs refuses, or hands the builder a key
  that is not text, the fast path steps aside and the exact parser decides);
- against the suite: the exact parser refuses what the suite marks invalid, accepts what
  it marks valid, and reads the value the suite's ``in.json`` gives; except the cases in
  ``EXCEPTIONS``, where a log deliberately differs from YAML 1.2 (``docs/yaml.md`` has
  the rules). An exception that stops happening fails too, so the list stays true.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tui.model.load.cache as cache
import tui.model.load.fast as fastload
from tests.model.yaml_suite_cases import NO_DATA, Case, load_cases, same
from tui.model.load import (
    FilePart,
    Problem,
    check_text,
    load_text,
    merge_parts,
    parse_text,
)

CASES = load_cases()
FILE = "suite.yaml"

# Why a log reads a case differently from the suite, and words its problem holds (None
# when the log reads the case without a problem).
REASONS: dict[str, tuple[str, str | None]] = {
    "documents": ("a log file holds one YAML document", "holds one YAML document"),
    "tags": (
        "a log holds text, numbers, true/false, lists and mappings: no YAML tags but the "
        "core scalar ones",
        "YAML tag",
    ),
    "complex keys": ("a key is text, never a list or mapping", "a key must be plain text"),
    "directives": (
        "only %YAML 1.1 and %YAML 1.2 directives: %TAG only serves tags, and reserved "
        "or other versions' directives are refused rather than ignored",
        "%",
    ),
    "control characters": (
        "text may not hold control characters, written as escapes or not",
        "control character",
    ),
    "duplicate keys": (
        "keys of a mapping are unique; two empty keys are two keys ''",
        "duplicate key",
    ),
}

# Case id -> reason. Every other case reads as the suite says.
EXCEPTIONS: dict[str, str] = {
    "2JQS": "duplicate keys",
    "2LFX": "directives",
    "2XXW": "tags",
    "35KP": "documents",
    "4FJ6": "complex keys",
    "565N": "tags",
    "5TYM": "directives",
    "6BFJ": "complex keys",
    "6CK3": "directives",
    "6LVF": "directives",
    "6PBE": "complex keys",
    "6WLZ": "tags",
    "6XDY": "documents",
    "6ZKB": "documents",
    "7FWL": "tags",
    "7Z25": "documents",
    "9DXL": "documents",
    "9KAX": "documents",
    "9MMW": "complex keys",
    "9WXW": "tags",
    "BEC7": "directives",
    "C4HZ": "directives",
    "CC74": "directives",
    "CUP7": "tags",
    "G4RS": "control characters",
    "J7PZ": "tags",
    "JHB9": "documents",
    "KK5P": "complex keys",
    "KSS4": "documents",
    "L383": "documents",
    "LX3P": "complex keys",
    "M2N8/00": "complex keys",
    "M2N8/01": "complex keys",
    "M5C3": "tags",
    "M5DY": "complex keys",
    "M7A3": "documents",
    "MUS6/05": "directives",
    "MUS6/06": "directives",
    "NKF9": "documents",
    "P76L": "directives",
    "PUW8": "documents",
    "Q9WF": "complex keys",
    "RZP5": "complex keys",
    "RZT7": "documents",
    "SBG9": "complex keys",
    "U3C3": "directives",
    "U9NS": "documents",
    "UGM3": "tags",
    "UT92": "documents",
    "V9D5": "complex keys",
    "W4TN": "documents",
    "WZ62": "tags",
    "X38W": "complex keys",
    "XW4D": "complex keys",
    "Z67P": "tags",
    "Z9M4": "directives",
}


def _subtree(tree: Any) -> Any:
    """The embedded value: the event's ``data``."""
    try:
        return tree["events"][0].get("data", NO_DATA)
    except (KeyError, IndexError, TypeError, AttributeError):
        return NO_DATA


def _text_keys_only(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _text_keys_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_text_keys_only, value))
    return True


def _exact(text: str) -> tuple[Any, list[Problem]]:
    """The embedded value as the exact parser reads it, and its problems."""
    checked, problems = check_text(text.encode("utf-8"), FILE)
    if checked is None:
        return NO_DATA, problems
    parsed = parse_text(checked, FILE)
    return _subtree(parsed.tree) if not parsed.problems else NO_DATA, parsed.problems


def _outcome(part: FilePart | None, problems: list[Problem]) -> tuple[list[str], str]:
    """The problems, and the collection the part makes (as the loader merges it)."""
    problems = list(problems)
    # repr, not ==: it tells 1 from 1.0 and True, and a NaN from nothing.
    shown = repr(merge_parts([part], problems)) if part is not None else "no part"
    return [str(p) for p in problems], shown


def _every_path(text: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """The loader's outcome for ``text``: exact only, fast path, cache filled, cache hit."""
    checked, problems = check_text(text.encode("utf-8"), FILE)
    if checked is None:
        return [_outcome(None, problems)] * 4
    outcomes = []
    with monkeypatch.context() as patch:
        patch.setattr(fastload, "build_fast", lambda *args, **kwargs: None)
        outcomes.append(_outcome(*load_text(checked, FILE)))
    outcomes.append(_outcome(*load_text(checked, FILE)))  # WATCHLINE_CACHE=0 (conftest)
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        patch.delenv("WATCHLINE_CACHE", raising=False)
        patch.setattr(cache, "MIN_TEXT_CHARS", 0)
        outcomes.append(_outcome(*load_text(checked, FILE)))
        outcomes.append(_outcome(*load_text(checked, FILE)))
    return outcomes


def _suite_says(case: Case) -> tuple[bool, Any]:
    """Whether the suite accepts the case, and its one document's value (or NO_DATA)."""
    if case.documents is not None and len(case.documents) == 1:
        return not case.error, case.documents[0]
    return not case.error, NO_DATA


@pytest.mark.skipif(not CASES, reason="the yaml-test-suite is not in the shared folder")
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_suite_case_reads_one_way(
    case: Case, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = case.log
    outcomes = _every_path(text, monkeypatch, tmp_path)
    assert outcomes[1] == outcomes[0], "the fast path and the exact path differ"
    assert outcomes[2] == outcomes[0] and outcomes[3] == outcomes[0], "the cache differs"

    value, problems = _exact(text)
    accepted = not problems
    if fastload.needs_exact_parser(text) is None:
        tree = fastload.parse_fast(text)
        if tree is not None and _text_keys_only(tree):
            assert accepted, f"yaml-rs accepts what the exact parser refuses: {problems}"
            assert same(_subtree(tree), value), (_subtree(tree), value)

    valid, expected = _suite_says(case)
    reason = EXCEPTIONS.get(case.id)
    agrees = accepted == valid and (not accepted or expected is NO_DATA or same(value, expected))
    if reason is None:
        assert accepted == valid, [str(p) for p in problems] or "accepted, but invalid"
        assert agrees, (value, expected)
        return
    words = REASONS[reason][1]
    assert not agrees, f"listed as an exception ({reason}) but reads as the suite says"
    if words is not None:
        assert any(words in p.message for p in problems), [str(p) for p in problems]


def test_the_suite_is_all_there() -> None:
    if not CASES:
        pytest.skip("the yaml-test-suite is not in the shared folder")
    assert len(CASES) == 402
    assert set(EXCEPTIONS) <= {case.id for case in CASES}
    assert set(EXCEPTIONS.values()) <= set(REASONS)
