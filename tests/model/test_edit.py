"""Adding a rating to a pledge: only the rating's lines are added, nothing else changes.

A reporter runs `watchline rate` (or presses `r` in the TUI) on a log that colleagues
also edit by hand. These tests prove that every original line survives, in order, byte
for byte; that the result is valid and rates the pledge as asked; and that a refused
write (bad request, conflict, invalid result) leaves the file exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from tui.model.edit import (
    ConflictError,
    EditError,
    InvalidResultError,
    NewRating,
    UnsafeEditError,
    add_rating,
    file_hash,
    insert_rating,
    writing,
)
from tui.model.edtf import parse_edtf
from tui.model.load import load_paths
from tui.model.log import PLEDGE_STATUSES
from tui.model.pledges import status_at as pledge_status_at

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
BUNDLED_PLEDGES = ("pledge-funding", "pledge-anti-bias-plan", "pledge-deescalation-training")
BUNDLED_SOURCES = ("news12-2017-12-01", "ap-bond-commission-2019", "doingitlocal-2019-03-ia")


def problems(path: Path) -> list:
    """The loader's problems for ``path``."""
    return load_paths([path]).problems


# ----------------------------------------------------------------------------- helpers


def without(new_text: str, index: int, added: list[str] | tuple[str, ...]) -> list[str]:
    """The new file's lines with the inserted ones taken out."""
    lines = new_text.splitlines()
    assert lines[index : index + len(added)] == list(added)
    return lines[:index] + lines[index + len(added) :]


def ratings_of(text: str, event_id: str) -> list[dict]:
    data = YAML(typ="safe", pure=True).load(text)
    event = next(e for e in data["events"] if e["id"] == event_id)
    return list((event.get("pledge") or {}).get("ratings") or [])


def status_at(path: Path, event_id: str, as_of: str) -> str:
    """The pledge's status on the new rating's date, as the model computes it."""
    result = load_paths([path])
    assert result.problems == []
    event = result.collection.event(event_id)
    day = parse_edtf(as_of).lower
    return pledge_status_at(event.pledge, day)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "watchline-tmp" in p.name)


# What a person can type in a note: any printable text, new lines and tabs included.
NOTE_TEXT = st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\t")

ratings = st.builds(
    NewRating,
    status=st.sampled_from(PLEDGE_STATUSES),
    # Days after every existing rating, so the new one decides the status on its date.
    as_of=st.dates(min_value=parse_edtf("2021-05-01").lower, max_value=parse_edtf("2030").upper),
    evidence=st.lists(st.sampled_from(BUNDLED_SOURCES), max_size=2, unique=True).map(tuple),
    note=st.none() | st.text(NOTE_TEXT, max_size=60),
)


# ----------------------------------------------------------------------------- the bundled log


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event_id=st.sampled_from(BUNDLED_PLEDGES), rating=ratings)
def test_rating_the_bundled_log_adds_only_its_lines(tmp_path, event_id, rating):
    path = tmp_path / "ct-bodycams.yaml"
    shutil.copyfile(BUNDLED, path)
    original = path.read_text(encoding="utf-8")

    result = add_rating(path, event_id, rating)

    new_text = path.read_text(encoding="utf-8")
    assert without(new_text, result.line - 1, result.added_lines) == original.splitlines()
    assert problems(path) == []
    added = ratings_of(new_text, event_id)[-1]
    assert added["status"] == rating.status
    assert str(added["as_of"]) == rating.as_of.isoformat()
    assert tuple(added.get("evidence", ())) == rating.evidence
    assert added.get("note") == rating.note
    assert status_at(path, event_id, result.as_of) == rating.status
    assert result.new_hash == file_hash(path)
    assert temp_files(tmp_path) == []


def test_a_flow_rating_follows_flow_ratings(tmp_path):
    path = tmp_path / "log.yaml"
    shutil.copyfile(BUNDLED, path)
    result = add_rating(
        path,
        "pledge-anti-bias-plan",
        NewRating("stalled", "2018-06", ("news12-2017-12-01",), "No plan reported."),
    )
    assert result.added_lines == (
        '        - {status: stalled, as_of: 2018-06, evidence: [news12-2017-12-01], note: "No plan reported."}',
    )


def test_a_block_rating_follows_block_ratings(tmp_path):
    path = tmp_path / "log.yaml"
    shutil.copyfile(BUNDLED, path)
    result = add_rating(path, "pledge-funding", NewRating("kept", "2019-05-01~"))
    assert result.added_lines == ("        - status: kept", "          as_of: 2019-05-01~")


# ----------------------------------------------------------------------------- generated logs


@st.composite
def logs(draw) -> tuple[str, list[str]]:
    """A small valid log in one of the layouts people write, and its pledge ids.

    Varies: mapping indent (2 or 4), indented or indentless sequences, flow or block
    ratings, pledges without ratings, comments and blank lines, folded notes, quoting,
    CRLF line endings and a missing final newline.
    """
    ind = " " * draw(st.sampled_from([2, 4]))
    title = draw(st.sampled_from(["A log", '"A quoted title"', "'single: quoted'"]))
    seq = draw(st.sampled_from(["", "  "]))  # `key:\n- item` or `key:\n  - item`
    lines = [
        "# yaml-language-server: $schema=watchline.schema.json",
        "# a log kept by hand",
        "watchline: 1",
        f"title: {title}",
        "",
        "people:",
        f"{ind}mayor: {{name: A Mayor}}",
        "sources:",
        f"{ind}s1: {{title: First, publisher: Paper One, published: 2019-01-02}}",
        f"{ind}s2:",
        f"{ind}{ind}title: 'Second: quoted'",
        f"{ind}{ind}publisher: Paper Two",
        "",
        "events:",
    ]
    pledge_ids = []
    count = draw(st.integers(1, 3))
    for n in range(count):
        if draw(st.booleans()):
            lines += [
                f"{seq}- id: meeting-{n}",
                f"{seq}  date: 2018-0{n + 1}",
                f"{seq}  kind: meeting",
                f"{seq}  title: Meeting {n}  # a trailing comment",
                f"{seq}  sources: [s1]",
            ]
        event_id = f"pledge-{n}"
        pledge_ids.append(event_id)
        e = seq + "  "  # the event's key column
        lines += [
            f"{seq}- id: {event_id}",
            f'{e}date: "2018-0{n + 1}-01"',
            f"{e}kind: pledge",
            f"{e}title: Pledge {n}",
            f"{e}sources:",
            f"{e}{seq}- s1",
        ]
        if draw(st.booleans()):
            lines += [f"{e}summary: >-", f"{e}{ind}Folded text", f"{e}{ind}on two lines.", ""]
        lines += [f"{e}pledge:", f"{e}{ind}by: mayor", f"{e}{ind}due: 2019-XX"]
        p = e + ind  # the pledge's key column
        layout = draw(st.sampled_from(["none", "flow", "block", "block-note"]))
        if layout != "none":
            lines.append(f"{p}ratings:  # history")
            for k in range(draw(st.integers(1, 2))):
                as_of = f"2019-0{k + 1}-01"
                if layout == "flow":
                    lines.append(f"{p}{seq}- {{status: in-the-works, as_of: {as_of}}}")
                else:
                    lines += [f"{p}{seq}- status: stalled", f"{p}{seq}  as_of: '{as_of}'"]
                    if layout == "block-note":
                        lines += [
                            f"{p}{seq}  note: |",
                            f"{p}{seq}    # not a comment, a line of the note",
                            f"{p}{seq}    second line",
                            "",
                            f"{p}{seq}  # a real comment after the note",
                        ]
        if draw(st.booleans()):
            lines += ["", f"{seq}# comment between events", ""]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text, pledge_ids


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(log=logs(), data=st.data())
def test_rating_generated_logs_adds_only_its_lines(tmp_path_factory, log, data):
    text, pledge_ids = log
    event_id = data.draw(st.sampled_from(pledge_ids))
    rating = NewRating(
        status=data.draw(st.sampled_from(PLEDGE_STATUSES)),
        as_of=data.draw(st.sampled_from(["2020-02-03", "2020-03", "2021", "2020-06~", "2020-22"])),
        evidence=tuple(data.draw(st.lists(st.sampled_from(["s1", "s2"]), max_size=2, unique=True))),
        note=data.draw(st.none() | st.text(NOTE_TEXT, max_size=40)),
    )
    folder = tmp_path_factory.mktemp("log")
    path = folder / "log.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert problems(path) == [], "the generated log itself must be valid"

    result = add_rating(path, event_id, rating)

    new_bytes = path.read_bytes()
    new_text = new_bytes.decode("utf-8")
    assert without(new_text, result.line - 1, result.added_lines) == text.splitlines()
    # Line endings are the file's own: a CRLF file gets CRLF lines.
    assert ("\r\n" in text) == ("\r\n" in new_text)
    assert new_text.count("\n") == new_text.count("\r\n") or "\r\n" not in text
    assert problems(path) == []
    assert ratings_of(new_text, event_id)[-1]["status"] == rating.status
    assert status_at(path, event_id, result.as_of) == rating.status


@settings(max_examples=60, deadline=None)
@given(log=logs(), data=st.data())
def test_insert_rating_is_pure_and_reversible(log, data):
    text, pledge_ids = log
    event_id = data.draw(st.sampled_from(pledge_ids))
    note = data.draw(st.none() | st.text())
    new_text, index, added = insert_rating(
        text, event_id, NewRating("kept", "2020-01-01", (), note)
    )
    assert without(new_text, index, added) == text.splitlines()
    assert ratings_of(new_text, event_id)[-1].get("note") == note


# ----------------------------------------------------------------------------- refusals


@pytest.fixture
def log_copy(tmp_path) -> Path:
    path = tmp_path / "log.yaml"
    shutil.copyfile(BUNDLED, path)
    return path


@pytest.mark.parametrize(
    ("event_id", "rating", "message"),
    [
        ("conect-forum", NewRating("kept", "2020"), "is a meeting event, not a pledge"),
        ("pledge-fundin", NewRating("kept", "2020"), "did you mean 'pledge-funding'?"),
        ("pledge-funding", NewRating("done", "2020"), "unknown pledge status 'done'"),
        ("pledge-funding", NewRating("kep", "2020"), "did you mean 'kept'?"),
        ("pledge-funding", NewRating("kept", "2019-02-29"), "--as-of"),
        ("pledge-funding", NewRating("kept", "May 2019"), "did you mean 2019-05?"),
        ("pledge-funding", NewRating("kept", "2020", ("nope",)), "unknown source 'nope'"),
        ("pledge-funding", NewRating("kept", "2020", (), "a\x1b[2Jb"), "control character U+001B"),
        ("pledge-funding", NewRating("kept", "2020", (), "\udcff"), "not valid text"),
    ],
)
def test_a_bad_request_is_refused_and_the_file_untouched(log_copy, event_id, rating, message):
    before = log_copy.read_bytes()
    with pytest.raises(EditError) as caught:
        add_rating(log_copy, event_id, rating)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2
    assert log_copy.read_bytes() == before
    assert temp_files(log_copy.parent) == []


def test_a_file_changed_since_it_was_read_is_not_overwritten(log_copy):
    seen = file_hash(log_copy)  # the TUI read the file ...
    with log_copy.open("a", encoding="utf-8") as handle:  # ... then a colleague saved it
        handle.write("# a colleague's edit\n")
    theirs = log_copy.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk"):
        add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"), expected_hash=seen)
    assert log_copy.read_bytes() == theirs


def test_a_save_during_the_write_is_not_overwritten(log_copy, monkeypatch):
    validate = writing._validate_result

    def validate_then_someone_saves(*args, **kwargs):
        validate(*args, **kwargs)
        log_copy.write_text("watchline: 1\ntitle: their version\nevents: []\n", encoding="utf-8")

    monkeypatch.setattr(writing, "_validate_result", validate_then_someone_saves)
    with pytest.raises(ConflictError) as caught:
        add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"))
    assert caught.value.exit_code == 1
    assert log_copy.read_text(encoding="utf-8").endswith("their version\nevents: []\n")
    assert temp_files(log_copy.parent) == []


def test_the_file_mode_is_kept(log_copy):
    os.chmod(log_copy, 0o640)
    add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"))
    assert stat.S_IMODE(log_copy.stat().st_mode) == 0o640


def test_a_symlinked_log_is_written_through_the_link(log_copy):
    link = log_copy.parent / "link.yaml"
    link.symlink_to(log_copy)
    add_rating(link, "pledge-funding", NewRating("kept", "2020"))
    assert link.is_symlink()
    assert "as_of: 2020" in log_copy.read_text(encoding="utf-8")


def test_a_one_line_flow_pledge_is_refused_not_rewritten(tmp_path):
    path = tmp_path / "log.yaml"
    text = (
        "watchline: 1\ntitle: t\nsources:\n  s1: {title: S, publisher: P}\nevents:\n"
        "  - {id: p, date: 2018, kind: pledge, title: P, sources: [s1], pledge: {due: 2019}}\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnsafeEditError, match="flow style") as caught:
        add_rating(path, "p", NewRating("kept", "2020"))
    assert caught.value.exit_code == 1
    assert path.read_text(encoding="utf-8") == text


def test_a_log_with_problems_is_not_written(tmp_path):
    path = tmp_path / "log.yaml"
    text = (
        "watchline: 1\ntitle: t\nsources:\n  s1: {title: S, publisher: P}\nevents:\n"
        "  - id: p\n    date: 2018\n    kind: pledge\n    title: P\n    sources: [s1, missing]\n"
        "    pledge:\n      due: 2019\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidResultError) as caught:
        add_rating(path, "p", NewRating("kept", "2020"))
    assert "missing" in str(caught.value)
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "events:\n- id: p\n  kind: pledge\n  pledge:\n    due: 2019\n# end\n",
            "events:\n- id: p\n  kind: pledge\n  pledge:\n    due: 2019\n    ratings:\n"
            "    - {status: kept, as_of: 2020}\n# end\n",
            id="ratings created, indentless sequences like the file's",
        ),
        pytest.param(
            "events:\n    - id: p\n      kind: pledge\n      pledge:\n      title: t\n",
            "events:\n    - id: p\n      kind: pledge\n      pledge:\n        ratings:\n"
            "            - {status: kept, as_of: 2020}\n      title: t\n",
            id="an empty pledge: gets ratings under it",
        ),
        pytest.param(
            "events:\n  - id: p\n    kind: pledge\n    title: t",
            "events:\n  - id: p\n    kind: pledge\n    title: t\n    pledge:\n      ratings:\n"
            "        - {status: kept, as_of: 2020}\n",
            id="no pledge block, no final newline",
        ),
        pytest.param(
            "events:\r\n  - id: p\r\n    kind: pledge\r\n    pledge:\r\n      ratings:\r\n"
            "        -   status: broken\r\n            as_of: 2019\r\n\r\n  - id: q\r\n",
            "events:\r\n  - id: p\r\n    kind: pledge\r\n    pledge:\r\n      ratings:\r\n"
            "        -   status: broken\r\n            as_of: 2019\r\n"
            "        -   status: kept\r\n            as_of: 2020\r\n\r\n  - id: q\r\n",
            id="CRLF and a wide block item",
        ),
    ],
)
def test_insert_rating_matches_the_files_layout(before, after):
    new_text, _, _ = insert_rating(before, "p", NewRating("kept", "2020"))
    assert new_text == after


def test_an_event_that_uses_an_anchor_from_elsewhere_is_still_rated():
    # The event's own lines cannot be parsed alone (the alias points outside them), so
    # the whole document is parsed instead; the result is the same kind of insert.
    text = (
        "common: &common [s1]\nevents:\n  - id: p\n    kind: pledge\n    sources: *common\n"
        "    pledge:\n      due: 2019\n  - id: q\n    kind: meeting\n"
    )
    new_text, index, added = insert_rating(text, "p", NewRating("kept", "2020"))
    assert (index, added) == (7, ["      ratings:", "        - {status: kept, as_of: 2020}"])
    assert without(new_text, index, added) == text.splitlines()


def test_keys_after_events_end_the_last_event():
    text = (
        "events:\n- id: p\n  kind: pledge\n  pledge:\n    due: 2019\nsources:\n  s1: {title: S}\n"
    )
    new_text, index, added = insert_rating(text, "p", NewRating("broken", "2020-01"))
    assert (index, added) == (5, ["    ratings:", "    - {status: broken, as_of: 2020-01}"])
    assert without(new_text, index, added) == text.splitlines()


def test_the_caller_that_read_the_file_passes_its_hash(log_copy):
    seen = file_hash(log_copy)
    result = add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"), expected_hash=seen)
    assert result.old_hash == seen != result.new_hash == file_hash(log_copy)


def test_sources_may_live_in_a_file_loaded_alongside(tmp_path):
    registry = tmp_path / "sources.yaml"
    registry.write_text(
        "watchline: 1\ntitle: shared sources\nsources:\n  s1: {title: S, publisher: P}\n",
        encoding="utf-8",
    )
    pledges = tmp_path / "pledges.yaml"
    text = (
        "watchline: 1\ntitle: pledges\nevents:\n  - id: p\n    date: 2018\n    kind: pledge\n"
        "    title: P\n    sources: [s1]\n    pledge:\n      due: 2019\n"
    )
    pledges.write_text(text, encoding="utf-8")
    add_rating(pledges, "p", NewRating("kept", "2020", ("s1",)), also_load=[registry])
    assert ratings_of(pledges.read_text(encoding="utf-8"), "p")[-1]["evidence"] == ["s1"]
    assert registry.read_text(encoding="utf-8").endswith("publisher: P}\n")


def test_problems_already_in_the_log_are_quoted_at_their_own_lines(tmp_path):
    path = tmp_path / "log.yaml"
    text = (
        "watchline: 1\ntitle: t\nsources:\n  s1: {title: S, publisher: P}\nevents:\n"
        "  - id: p\n    date: 2018\n    kind: pledge\n    title: P\n    sources: [s1]\n"
        "    pledge:\n      due: 2019\n"
        "  - id: q\n    date: 2018\n    kind: meeting\n    title: Q\n    sources: [s2]\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidResultError) as caught:
        add_rating(path, "p", NewRating("kept", "2020"))
    # `sources: [s2]` is line 17 of the file as it is, whatever the insert would shift.
    assert f"{path}:17:" in str(caught.value)
    assert caught.value.exit_code == 1
    assert path.read_text(encoding="utf-8") == text


def test_a_folder_that_cannot_be_written_is_a_message_not_a_traceback(log_copy, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    before = log_copy.read_bytes()
    with pytest.raises(EditError, match=r"cannot write .*Permission denied"):
        add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"))
    assert log_copy.read_bytes() == before


def test_a_folder_load_during_the_write_sees_only_the_log(log_copy, monkeypatch):
    from tui.model.load import expand_paths

    validate = writing._validate_result
    seen: list[list[str]] = []

    def validate_while_a_watcher_reloads(*args, **kwargs):
        seen.append([p.name for p in expand_paths([log_copy.parent])])
        validate(*args, **kwargs)

    monkeypatch.setattr(writing, "_validate_result", validate_while_a_watcher_reloads)
    add_rating(log_copy, "pledge-funding", NewRating("kept", "2020"))
    assert seen == [[log_copy.name]]
