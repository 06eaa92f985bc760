"""`watchline match A B`: proposed pairs as a table or a review list; --apply writes same_as."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.model.load import load_paths

A_LOG = """\
watchline: 1
title: Hand-written
agencies:
  bpd: {name: Bridgeport Police Department, aliases: [BPD]}
people:
  negron: {name: Jayson Negron}
sources:
  s1: {title: A report}
events:
  - id: negron-shooting
    date: 2017-05-09
    kind: shooting
    title: Bridgeport officer shoots and kills Jayson Negron, 15
    summary: >-
      A folded summary
      on two lines.
    agencies: [bpd]
    people: [negron]
    place: Fairfield Ave, Bridgeport, CT
    sources: [s1]

  - id: meeting
    date: 2018
    kind: meeting
    title: A meeting
    sources: [s1]
"""

B_LOG = """\
watchline: 1
title: Imported
agencies:
  wapo-bpd: {name: "Bridgeport Police Department\\u202e"}
  wapo-jso: {name: Jacksonville Sheriff's Office}
sources:
  wapo: {title: Fatal Force}
events:
  - id: wapo-2563
    date: "2017-05-09"
    kind: shooting
    title: "Jayson Negron, 15, killed by police in Bridgeport, CT \\u202eevil\\u202c\\u2028x"
    agencies: [wapo-bpd]
    place: "Bridgeport, Fairfield County, CT"
    sources: [wapo]
  - id: wapo-2564
    date: "2017-05-09"
    kind: shooting
    title: "Terry Percy Campbell, 25, killed by police in Jacksonville, FL"
    agencies: [wapo-jso]
    place: "Jacksonville, Duval County, FL"
    sources: [wapo]
  - id: wapo-9
    date: "2017-05-12"
    kind: shooting
    title: "Jayson Negron, killed by police in Bridgeport, CT"
    agencies: [wapo-bpd]
    place: "Bridgeport, Fairfield County, CT"
    sources: [wapo]
"""


@pytest.fixture
def logs(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(A_LOG)
    b.write_text(B_LOG)
    return a, b


def hostile_free(text: str) -> bool:
    return not any(ch in text for ch in "\u202e\u202c\u2028\x1b")


def test_the_table_puts_the_pair_first_with_its_reasons(logs, capsys):
    a, b = logs
    assert main(["match", str(a), str(b)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["score", "date", "A", "B", "reasons"]
    assert len(lines) == 2  # the unrelated shooting scores too little; three days is too far
    assert lines[1].split()[2:4] == ["negron-shooting", "wapo-2563"]
    assert "same day; agency Bridgeport Police Department; place Fairfield, Bridgeport, CT" in out
    assert "name Jayson Negron; kind shooting" in out
    assert "1 pair proposed (2 events in A, 3 in B)" in err
    assert hostile_free(out) and hostile_free(err)


def test_min_score_widens_the_list(logs, capsys):
    a, b = logs
    assert main(["match", str(a), str(b), "--min-score", "0"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[3] for line in out.splitlines()[1:]] == ["wapo-2563", "wapo-2564"]


def test_the_review_list_applies_and_the_logs_validate(logs, tmp_path, capsys):
    a, b = logs
    review = tmp_path / "review.yaml"
    assert main(["match", str(a), str(b), "-F", "yaml", "-o", str(review)]) == 0
    text = review.read_text()
    assert "  - a: negron-shooting\n    b: wapo-2563\n" in text
    assert hostile_free(text)
    assert main(["match", str(a), str(b), "--apply", str(review)]) == 0
    after = a.read_text()
    # One line inserted at the end of the event's block, nothing else touched.
    assert after == A_LOG.replace(
        "    sources: [s1]\n\n", "    sources: [s1]\n    same_as: [wapo-2563]\n\n", 1
    )
    result = load_paths([a, b])
    assert result.problems == []
    assert result.collection is not None
    assert result.collection.same_as_group("wapo-2563") == ("negron-shooting", "wapo-2563")
    out = capsys.readouterr().out
    assert "a.yaml:21: added same_as: [wapo-2563] to negron-shooting" in out
    # Applied once: the pair is no longer proposed, and applying again writes nothing.
    assert main(["match", str(a), str(b)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["match", str(a), str(b), "--apply", str(review)]) == 0
    assert a.read_text() == after


def test_a_review_naming_an_unknown_event_is_refused(logs, tmp_path, capsys):
    a, b = logs
    review = tmp_path / "review.yaml"
    review.write_text("pairs:\n  - {a: negron-shootin, b: wapo-2563}\n")
    assert main(["match", str(a), str(b), "--apply", str(review)]) == 2
    err = capsys.readouterr().err
    assert "review.yaml:2:5: no event 'negron-shootin' in A; did you mean 'negron-shooting'?" in err
    assert a.read_text() == A_LOG


def test_a_review_that_is_not_a_list_of_pairs_is_refused(logs, tmp_path, capsys):
    a, b = logs
    review = tmp_path / "review.yaml"
    review.write_text("- a\n")
    assert main(["match", str(a), str(b), "--apply", str(review)]) == 2
    assert "a review list is a mapping with 'pairs:'" in capsys.readouterr().err


def test_the_same_file_on_both_sides_is_refused(logs, capsys):
    a, _ = logs
    assert main(["match", str(a), str(a)]) == 2
    assert "A and B hold the same file" in capsys.readouterr().err
