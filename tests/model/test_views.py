"""Saved views: a log's `views:` registry, the user's config file, and finding one by id."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.model.load import load_paths
from tui.model.log import View
from tui.model.user_config import read_user_config
from tui.model.views import LOG, YOURS, ViewError, find_view, saved_views, with_view

LOG_TEXT = """\
watchline: 1
title: T
agencies:
  bpd: {name: Bridgeport Police}
sources:
  s1: {title: Source one}
views:
  bridgeport:
    label: Bridgeport police
    query: agency:bpd
  overdue:
    label: Overdue pledges
    query: "status:overdue"
events:
  - {id: e1, date: 2017, kind: other, title: One, sources: [s1], agencies: [bpd]}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_logs_views_load_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "log.yaml", LOG_TEXT)
    result = load_paths(["log.yaml"])
    assert result.problems == []
    assert result.collection is not None
    assert list(result.collection.views.values()) == [
        View("bridgeport", "Bridgeport police", "agency:bpd"),
        View("overdue", "Overdue pledges", "status:overdue"),
    ]


def test_a_bad_query_is_a_problem_where_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "log.yaml", LOG_TEXT.replace("query: agency:bpd", "query: agnecy:bpd"))
    result = load_paths(["log.yaml"])
    assert result.collection is None
    assert [str(p) for p in result.problems] == [
        "log.yaml:10:12: error: 'query' is not a valid query at character 1: "
        "unknown field 'agnecy' (did you mean 'agency'?)"
    ]


def test_a_view_needs_a_label_and_a_query(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "log.yaml", LOG_TEXT.replace("    label: Bridgeport police\n", ""))
    problems = [str(p) for p in load_paths(["log.yaml"]).problems]
    assert problems == ["log.yaml:9:5: error: view 'bridgeport' is missing required field 'label'"]


def test_the_bundled_log_has_views_that_select_events(bundled_log_path: Path) -> None:
    from tui.model.query import QueryEngine, parse_query

    collection = load_paths([bundled_log_path]).collection
    assert collection is not None
    assert {"overdue", "bridgeport"} <= set(collection.views)
    engine = QueryEngine(collection)
    for view in collection.views.values():
        assert engine.run(parse_query(view.query)), view.id


def test_find_view_by_id_prefers_the_users_own() -> None:
    views = saved_views(None, {"mine": View("mine", "Mine", "kind:grant")})
    assert find_view("mine", views).query == "kind:grant"
    log_and_user = [*views, *saved_views(None, {"mine": View("mine", "Mine too", "kind:court")})]
    assert find_view("mine", log_and_user).label == "Mine too"


def test_an_unknown_id_says_which_views_there_are() -> None:
    views = saved_views(None, {"overdue": View("overdue", "Overdue", "status:overdue")})
    with pytest.raises(ViewError) as raised:
        find_view("overdu", views)
    assert raised.value.message == "no view 'overdu'; did you mean 'overdue'? (the views: overdue)"
    with pytest.raises(ViewError, match="neither the log nor your config names any views"):
        find_view("x", [])


def test_a_filter_narrows_a_view() -> None:
    view = find_view("v", saved_views(None, {"v": View("v", "V", "agency:bpd")}))
    assert with_view(view, "  kind:pledge ") == "agency:bpd kind:pledge"
    assert with_view(view, "") == "agency:bpd"
    assert with_view(None, "kind:pledge") == "kind:pledge"


def test_the_users_config_keeps_good_entries_and_places_each_bad_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "config.yaml",
        "views:\n"
        "  mine:\n"
        "    label: Mine\n"
        "    query: kind:grant\n"
        "  broken:\n"
        "    label: Broken\n"
        "    query: 'from:2019-13'\n"
        "keymap:\n"
        "  app.search: ctrl+f\n"
        "  app.help: [h]\n"
        "colours: dark\n",
    )
    config = read_user_config(path)
    assert list(config.views) == ["mine"]
    assert [(e.binding_id, e.keys, e.location.line) for e in config.keymap] == [
        ("app.search", "ctrl+f", 9)
    ]
    messages = [f"{p.line}:{p.col}: {p.message}" for p in config.problems]
    assert messages[0].startswith("7:12: 'query' is not a valid query at character 6:")
    assert messages[1] == (
        "10:13: the keys for 'app.help' must be key names such as ctrl+f or j,down; got a list"
    )
    assert messages[2] == "11:1: unknown section 'colours' (the config has views: and keymap:)"
    origins = {view.origin for view in saved_views(None, config.views)}
    assert origins == {YOURS} and LOG != YOURS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"views: [1\n", "YAML syntax error"),
        (b"\xff\xfe", "invalid UTF-8 byte"),
        (b"- a list\n", "the config is a mapping with views: and keymap:, got a list"),
        (b"views: 3\n", "'views' must be a mapping of id: details"),
    ],
)
def test_an_unreadable_config_is_a_problem_not_a_traceback(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    config = read_user_config(path)
    assert config.views == {} and config.keymap == []
    assert message in config.problems[0].message


def test_no_config_file_is_no_config(tmp_path: Path) -> None:
    config = read_user_config(tmp_path / "config.yaml")
    assert (config.views, config.keymap, config.problems) == ({}, [], [])
    (tmp_path / "folder.yaml").mkdir()
    assert "folder" in read_user_config(tmp_path / "folder.yaml").problems[0].message
