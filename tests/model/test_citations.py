"""Inline citations ([@source-id]): what counts as one, and the loader checking their ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.citations import Citation, citations, cited_ids, number_citations
from tui.model.load import load_paths


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("It was 108 to 37 [@ctmirror-2015-06-29].", [("ctmirror-2015-06-29",)]),
        ("Two [@a; @b] and one [@c].", [("a", "b"), ("c",)]),
        ("Pandoc's words around keys [see @a, p. 3; @b_2 ch. 1].", [("a", "b_2")]),
        (
            "Across a folded line [@dcj-negron-report; @courant-2017-05-16].",
            [("dcj-negron-report", "courant-2017-05-16")],
        ),
    ],
)
def test_citations_are_found_with_their_keys(text: str, keys: list[tuple[str, ...]]) -> None:
    assert [c.keys for c in citations(text)] == keys


@pytest.mark.parametrize(
    "text",
    [
        "No brackets @a here.",
        "An address [write to a@b.org] is not a citation.",
        "Every item needs a key: [@a; and more].",
        "Markup is not a citation: [@click=app.quit]x[/] or [b @a.b]",
        "An empty key [@] or one of punctuation [@-x].",
        "",
    ],
)
def test_text_that_only_looks_like_a_citation_is_left_alone(text: str) -> None:
    assert citations(text) == []
    assert number_citations(text, {"a": 1}) == text


def test_positions_cover_the_brackets() -> None:
    text = "x [@a] y"
    assert citations(text) == [Citation(2, 6, ("a",))]
    assert list(cited_ids("[@a; @b] [@a]")) == ["a", "b", "a"]


def test_numbering_keeps_unnumbered_ids_readable() -> None:
    assert number_citations("A [@a; @b]. B [@c].", {"a": 1, "c": 3}) == "A [1, b]. B [3]."


HEAD = """\
watchline: 1
title: T
sources:
  wshu-2018-05-31: {title: WSHU, publisher: WSHU}
  registercitizen: {title: RC, publisher: RC, archived: "https://web.archive.org/web/2018/x", accessed: 2024-05-01}
events:
  - id: e1
    date: 2018-05-31
    kind: grant
    title: T
    sources: [wshu-2018-05-31]
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "log.yaml"
    path.write_text(text, encoding="utf-8")
    return load_paths([path])


def test_an_unknown_cited_id_is_a_problem_with_a_position_and_a_suggestion(tmp_path: Path):
    text = HEAD + "    summary: Said so [@wshu-2018-5-31].\n"
    result = _load(tmp_path, text)
    assert [p.message for p in result.problems] == [
        "unknown source 'wshu-2018-5-31'; did you mean 'wshu-2018-05-31'? (not in 'sources')"
    ]
    assert (result.problems[0].line, result.problems[0].col) == (12, 14)


def test_citations_are_checked_in_notes_and_rating_notes(tmp_path: Path):
    text = (
        HEAD
        + "    note: See [@nowhere].\n"
        + "    pledge:\n"
        + "      ratings:\n"
        + "        - {status: kept, as_of: 2019, note: 'Done [@wshu-2018-05-31; @gone]'}\n"
    )
    result = _load(tmp_path, text)
    assert sorted(p.message.split(";")[0].split(" (")[0] for p in result.problems) == [
        "unknown source 'gone'",
        "unknown source 'nowhere'",
    ]


def test_known_citations_and_the_archive_fields_load(tmp_path: Path):
    text = HEAD + "    summary: Said so [@wshu-2018-05-31; @registercitizen].\n"
    result = _load(tmp_path, text)
    assert result.problems == []
    source = result.collection.sources["registercitizen"]
    assert source.archived == "https://web.archive.org/web/2018/x"
    assert source.accessed is not None and source.accessed.text == "2024-05-01"
    # The JSON keeps the text as written, citations and all.
    assert "[@wshu-2018-05-31; @registercitizen]" in result.collection.events[0].summary


def test_the_archived_copy_must_be_a_web_address(tmp_path: Path):
    text = HEAD.replace('"https://web.archive.org/web/2018/x"', "ftp://x")
    result = _load(tmp_path, text)
    assert len(result.problems) == 1
    assert "'archived' must be a web address" in result.problems[0].message
