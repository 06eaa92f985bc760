"""The loader: one test per problem class, each asserting the exact FILE:LINE:COL line."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tui.model.load import (
    LoadResult,
    LogError,
    PathError,
    expand_paths,
    load_collection,
    load_paths,
)
from tui.model.problems import Problem

LOGS = Path(__file__).parent / "logs"

# Registries every snippet below can refer to; events start at line 11.
HEAD = """\
watchline: 1
title: T
agencies:
  bpd: {name: Bridgeport Police}
people:
  perez: {name: Perez, agency: bpd}
topics:
  force: {label: Force}
sources:
  s1: {title: Source one}
"""


def event(*lines: str, id: str = "e1", date: str = "2017", kind: str = "other") -> str:
    """HEAD plus one event whose first line is line 12 (`  - id: e1`)."""
    body = [f"  - id: {id}", f"    date: {date}", f"    kind: {kind}", *(f"    {x}" for x in lines)]
    return HEAD + "events:\n" + "\n".join(body) + "\n"


@pytest.fixture
def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write files into a temp folder, load them by relative name, return the result."""
    monkeypatch.chdir(tmp_path)

    def _load(**files: str | bytes) -> LoadResult:
        names = []
        for name, text in files.items():
            path = tmp_path / f"{name}.yaml"
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
            names.append(f"{name}.yaml")
        return load_paths(names)

    return _load


def lines(result: LoadResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# ---------------------------------------------------------------- a valid log


def test_example_log_loads_with_every_block():
    result = load_paths([LOGS / "example.yaml"])
    assert result.problems == []
    collection = result.collection
    assert collection is not None
    assert collection.title == "Police use of force and body cameras in Connecticut"
    assert [e.id for e in collection.events] == [
        "negron-shooting",
        "pledge-funding",
        "doj-grant",
        "troopers-first-cameras",
        "audit-2019",
    ]
    shooting = collection.event("negron-shooting")
    assert shooting is not None
    assert shooting.location is not None
    assert (shooting.location.line, shooting.location.col) == (25, 5)
    assert shooting.summary == "Free text,\nseveral lines.\n"
    assert shooting.quotes[0].by == "bennett"
    assert shooting.related[0].event == "pledge-funding"
    pledge = collection.event("pledge-funding").pledge  # type: ignore[union-attr]
    assert pledge is not None and pledge.due is not None and pledge.due.approximate
    # Ratings are kept in date order whatever order the file has them in.
    assert [r.status for r in pledge.ratings] == ["not-yet-rated", "kept"]
    grant = collection.event("doj-grant").grant  # type: ignore[union-attr]
    assert grant is not None
    assert (grant.amount, grant.currency, grant.from_, grant.to) == (
        Decimal(895000),
        "USD",
        "usdoj",
        "despp",
    )
    rollout = collection.event("troopers-first-cameras").rollout  # type: ignore[union-attr]
    assert rollout is not None and rollout.units == 200
    assert collection.event("troopers-first-cameras").data == {  # type: ignore[union-attr]
        "count": 3,
        "armed": False,
        "label": "x",
    }
    assert collection.kinds["audit"].label == "Audit"
    assert collection.kinds["shooting"].builtin
    assert collection.agencies["csp"].ori == ("CT0000000",)
    assert collection.sources["news12-2017-12-01"].published.lower == datetime.date(2017, 12, 1)


def test_quoted_and_unquoted_dates_mean_the_same(load):
    result = load(
        a=event("title: A", "sources: [s1]", date="2017-05-09"),
        b=event("title: B", "sources: [s1]", date='"2017-05-09"', id="e2"),
    )
    assert result.problems == []
    first, second = result.collection.events  # type: ignore[union-attr]
    assert first.date == second.date
    assert first.date.display() == "9 May 2017"


def test_load_collection_raises_log_error_with_every_problem(load, tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("title: T\nextra: 1\n")
    with pytest.raises(LogError) as raised:
        load_collection(["bad.yaml"])
    assert [str(p) for p in raised.value.problems] == [
        "bad.yaml:1:1: error: missing 'watchline: 1' (the format version) at the top of the log",
        "bad.yaml:2:1: error: unknown field 'extra' in the log",
    ]


# ---------------------------------------------------------------- one test per problem class


def test_yaml_syntax_error(load):
    assert lines(load(log="watchline: 1\ntitle: a\n  b: c\n")) == [
        "log.yaml:3:4: error: YAML syntax error: mapping values are not allowed here"
    ]


def test_unclosed_bracket(load):
    assert lines(load(log="watchline: 1\ntitle: [unclosed\n")) == [
        "log.yaml:3:1: error: YAML syntax error: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence at line 2)"
    ]


def test_top_level_not_a_mapping(load):
    assert lines(load(log="- a\n- b\n")) == [
        "log.yaml:1:1: error: a log is a mapping that starts with 'watchline: 1', got a list"
    ]


def test_missing_version(load):
    assert lines(load(log="title: T\n")) == [
        "log.yaml:1:1: error: missing 'watchline: 1' (the format version) at the top of the log"
    ]


def test_wrong_version(load):
    assert lines(load(log="watchline: 2\ntitle: T\n")) == [
        "log.yaml:1:12: error: unsupported format version 2; this watchline reads version 1"
    ]
    assert lines(load(log="watchline: '1'\ntitle: T\n")) == [
        "log.yaml:1:12: error: the format version must be the number 1, got text "
        "(write 'watchline: 1', no quotes)"
    ]


def test_missing_required_field_at_its_mapping(load):
    assert lines(load(log=event("sources: [s1]"))) == [
        "log.yaml:12:5: error: event 'e1' is missing required field 'title'"
    ]


def test_missing_required_field_of_a_registry_entry(load):
    text = HEAD.replace("force: {label: Force}", "force: {description: x}")
    assert lines(load(log=text)) == [
        "log.yaml:8:10: error: topic 'force' is missing required field 'label'"
    ]


def test_unknown_field_suggests_the_close_one(load):
    assert lines(load(log=event("titel: X", "sources: [s1]"))) == [
        "log.yaml:12:5: error: event 'e1' is missing required field 'title'",
        "log.yaml:15:5: error: unknown field 'titel' in event 'e1'; did you mean 'title'?",
    ]


def test_wrong_types(load):
    assert lines(load(log=event("title: 1984", "sources: s1", "quotes: nope"))) == [
        "log.yaml:15:12: error: 'title' must be text, got the number 1984 "
        "(put it in quotes to make it text)",
        "log.yaml:16:14: error: 'sources' must be a list, got text; write [s1]",
        "log.yaml:17:13: error: 'quotes' must be a list (lines starting with '- '), got text",
    ]


def test_duplicate_keys_all_reported(load):
    text = event("title: A", "title: B", "sources: [s1]", "sources: [s1]")
    assert lines(load(log=text)) == [
        "log.yaml:16:5: error: duplicate key 'title' (first at line 15); remove one",
        "log.yaml:18:5: error: duplicate key 'sources' (first at line 17); remove one",
    ]


def test_duplicate_event_ids_across_files(load):
    result = load(
        a=event("title: A", "sources: [s1]"),
        b=event("title: B", "sources: [s1]"),
    )
    assert lines(result) == ["b.yaml:12:9: error: duplicate event id 'e1' (first at a.yaml:12:5)"]
    assert result.collection is None


def test_registries_merge_across_files(load):
    events_only = "watchline: 1\ntitle: Events\nevents:\n  - id: e2\n    date: 2018\n"
    events_only += "    kind: other\n    title: B\n    agencies: [bpd]\n    sources: [s1]\n"
    result = load(a=event("title: A", "sources: [s1]"), b=events_only)
    assert result.problems == []
    collection = result.collection
    assert collection is not None
    assert collection.title == "T"
    assert [e.id for e in collection.events] == ["e1", "e2"]
    assert [str(f) for f in collection.files] == ["a.yaml", "b.yaml"]


def test_same_registry_id_with_different_content(load):
    other = "watchline: 1\ntitle: Other\nagencies:\n  bpd: {name: Bridgeport PD}\n"
    assert lines(load(a=HEAD, b=other)) == [
        "b.yaml:4:3: error: agency 'bpd' is defined differently at a.yaml:4:3 (its 'name' differs); "
        "give one of them another id (and change its references), or make the two the same"
    ]
    assert lines(load(a=HEAD, b=HEAD)) == []


def test_unknown_references_at_the_reference(load):
    text = event(
        "title: A",
        "agencies: [bdp]",
        "people: [perez, nobody]",
        "topics: [forc]",
        "sources: [s2]",
        "related: [{event: e9}]",
        "quotes: [{text: hi, by: perz, source: s1}]",
        kind="shootin",
    )
    assert lines(load(log=text)) == [
        "log.yaml:14:11: error: unknown kind 'shootin'; did you mean 'shooting'? "
        "(not in built-in kinds or 'kinds')",
        "log.yaml:16:16: error: unknown agency 'bdp'; did you mean 'bpd'? (not in 'agencies')",
        "log.yaml:17:21: error: unknown person 'nobody' (not in 'people')",
        "log.yaml:18:14: error: unknown topic 'forc'; did you mean 'force'? (not in 'topics')",
        "log.yaml:19:15: error: unknown source 's2' (not in 'sources')",
        "log.yaml:20:23: error: unknown event 'e9' (not in 'events')",
        "log.yaml:21:29: error: unknown person 'perz'; did you mean 'perez'? (not in 'people')",
    ]


def test_unknown_agency_of_a_person(load):
    text = HEAD.replace("agency: bpd", "agency: cpd")
    assert lines(load(log=text)) == [
        "log.yaml:6:32: error: unknown agency 'cpd'; did you mean 'bpd'? (not in 'agencies')"
    ]


def test_unknown_pledge_status(load):
    text = event(
        "title: A", "sources: [s1]", "pledge: {by: perez, ratings: [{status: kep, as_of: 2018}]}"
    )
    assert lines(load(log=text)) == [
        "log.yaml:17:44: error: unknown pledge status 'kep'; did you mean 'kept'? (the statuses: "
        "not-yet-rated, in-the-works, stalled, compromise, kept, broken)"
    ]


def test_negative_amount_and_unknown_currency(load):
    text = event("title: A", "sources: [s1]", "grant: {amount: -5, currency: USX}", kind="grant")
    assert lines(load(log=text)) == [
        "log.yaml:17:21: error: 'amount' must not be negative, got -5",
        "log.yaml:17:35: error: 'USX' is not an ISO 4217 currency code (such as USD or EUR)",
    ]


def test_lowercase_currency_gets_a_hint(load):
    text = event("title: A", "sources: [s1]", "grant: {amount: 5.5, currency: eur}")
    assert lines(load(log=text)) == [
        "log.yaml:17:36: error: 'eur' is not an ISO 4217 currency code (such as USD or EUR); "
        "did you mean 'EUR'?"
    ]


def test_amount_is_exact(load):
    text = event("title: A", "sources: [s1]", "grant: {amount: 1150449.10, currency: USD}")
    result = load(log=text)
    assert result.problems == []
    assert result.collection.events[0].grant.amount == Decimal("1150449.10")  # type: ignore[union-attr]


def test_empty_file(load):
    assert lines(load(log="")) == [
        "log.yaml:1:1: error: the file is empty; a log starts with 'watchline: 1'"
    ]
    assert lines(load(log="# only a comment\n")) == [
        "log.yaml:1:1: error: the file is empty; a log starts with 'watchline: 1'"
    ]


def test_event_needs_a_source(load):
    assert lines(load(log=event("title: A", "sources: []"))) == [
        "log.yaml:16:14: error: event 'e1' needs at least one source in 'sources'"
    ]


def test_invalid_date_carries_a_suggestion(load):
    assert lines(load(log=event("title: A", "sources: [s1]", date="May 2017"))) == [
        "log.yaml:13:11: error: 'date': not an EDTF date: 'May 2017' (did you mean 2017-05?)"
    ]


def test_bad_slug_ids(load):
    text = HEAD.replace("force: {label: Force}", "Use Of Force: {label: Force}")
    text += "events:\n  - id: Big Event\n    date: 2017\n    kind: other\n    title: A\n"
    text += "    sources: [s1]\n"
    assert lines(load(log=text)) == [
        "log.yaml:8:3: error: topic id 'Use Of Force' must be a lowercase slug: a-z, 0-9, '-' "
        "and '_', starting with a letter or digit",
        "log.yaml:12:9: error: event id 'Big Event' must be a lowercase slug: a-z, 0-9, '-' "
        "and '_', starting with a letter or digit",
    ]


def test_ids_and_references_must_be_text(load):
    text = event("title: A", "sources: [s1, 7]", "pledge: {by: [perez]}", id="2017")
    assert lines(load(log=text)) == [
        "log.yaml:12:9: error: 'id' must be an event id (a lowercase slug such as "
        "negron-shooting), got the number 2017 (put it in quotes to make it text)",
        "log.yaml:16:19: error: an item of 'sources' must be a source id (a lowercase slug "
        "such as news12-2017-12-01), got the number 7 (put it in quotes to make it text)",
        "log.yaml:17:18: error: 'by' must be a person id (a lowercase slug such as perez), "
        "got a list",
    ]


def test_url_must_be_http(load):
    text = HEAD.replace("s1: {title: Source one}", "s1: {title: S, url: 'javascript:alert(1)'}")
    assert lines(load(log=text)) == [
        "log.yaml:10:23: error: 'url' must be a web address starting with http:// or https://, "
        "got 'javascript:alert(1)'"
    ]


def test_all_problems_of_several_files_sorted(load):
    result = load(
        b=event("titel: X", "sources: [s1]"),
        a="watchline: 1\ntitle: A\nextra: 1\n",
    )
    assert [(p.file, p.line) for p in result.problems] == [
        ("a.yaml", 3),
        ("b.yaml", 12),
        ("b.yaml", 15),
    ]
    assert result.problems == sorted(result.problems)


# ---------------------------------------------------------------- YAML 1.1 traps


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("NO", "NO")],
)
def test_yaml_1_1_booleans_stay_text(load, value: str, expected: str):
    result = load(log=event(f"title: {value}", "sources: [s1]"))
    assert result.problems == []
    assert result.collection.events[0].title == expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("010", "10"), ("0o10", "8"), ("0x1F", "31"), ("1e3", "1000.0"), ("true", None), ("~", None)],
)
def test_non_text_titles_are_refused_with_a_hint(load, value: str, shown: str | None):
    problems = lines(load(log=event(f"title: {value}", "sources: [s1]")))
    assert len(problems) == 1
    assert problems[0].startswith("log.yaml:15:12: error: 'title' must be text, got ")
    if shown is not None:
        assert f"the number {shown} (put it in quotes to make it text)" in problems[0]


def test_quoted_yaml_1_1_words_are_text(load):
    result = load(log=event("title: '010'", "place: 'true'", "sources: [s1]"))
    assert result.problems == []
    assert result.collection.events[0].title == "010"  # type: ignore[union-attr]
    assert result.collection.events[0].place == "true"  # type: ignore[union-attr]


def test_units_zero_padded_is_decimal(load):
    text = event("title: A", "sources: [s1]", "rollout: {units: 010}")
    assert load(log=text).collection.events[0].rollout.units == 10  # type: ignore[union-attr]


# ---------------------------------------------------------------- paths


def test_expand_paths_sorts_a_folder(tmp_path: Path):
    for name in ("b.yml", "a.yaml", "notes.txt"):
        (tmp_path / name).write_text("x")
    assert expand_paths([tmp_path]) == [tmp_path / "a.yaml", tmp_path / "b.yml"]


def test_missing_path(tmp_path: Path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PathError, match="no such file or folder"):
        expand_paths([missing])
    result = load_paths([missing])
    assert result.collection is None
    assert result.unreadable == [str(missing)]
    assert result.problems == [Problem(str(missing), 1, 1, "no such file or folder")]


def test_folder_without_logs(tmp_path: Path):
    with pytest.raises(PathError, match=r"no \*\.yaml or \*\.yml files"):
        expand_paths([tmp_path])


def test_progress_reaches_the_total(tmp_path: Path):
    path = tmp_path / "log.yaml"
    path.write_text(event("title: A", "sources: [s1]"))
    seen: list[tuple[int, int]] = []
    assert (
        load_paths([path], progress=lambda done, total: seen.append((done, total))).problems == []
    )
    size = path.stat().st_size
    assert seen[-1] == (size, size)
