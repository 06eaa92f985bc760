"""`list -F timelinejs` then `import timelinejs` gives back the same log, field by field,
through the "watchline" extension objects; and the extension is checked as untrusted."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.cli.imported import assert_same_log, load_imported
from tests.generated import generated_text
from tui.cli import main
from tui.formats import Selection
from tui.formats.timelinejs import render_events
from tui.importers.timelinejs import import_timelinejs
from tui.model.bundled import bundled_log
from tui.model.log import Collection

REPO = Path(__file__).resolve().parents[2]


def _export(collection: Collection, path: Path, indexes: list[int] | None = None) -> Path:
    chosen = tuple(range(len(collection.events))) if indexes is None else tuple(indexes)
    path.write_text(render_events(Selection(collection, chosen, date(2024, 1, 1))), "utf-8")
    return path


def _import(source: Path, out: Path) -> tuple[Collection, list[str]]:
    result = import_timelinejs(source)
    out.write_text(result.text, encoding="utf-8")
    return load_imported(out), result.warnings


def test_the_bundled_log_comes_back_whole_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported, back = tmp_path / "bundled.json", tmp_path / "back.yaml"
    assert main(["list", "-F", "timelinejs", "-o", str(exported)]) == 0
    assert main(["import", "timelinejs", str(exported), "-o", str(back)]) == 0
    assert "warning" not in capsys.readouterr().err
    before = load_imported(bundled_log())
    after = load_imported(back)
    assert_same_log(before, after)
    # What the issue found lost before the extension existed, now each kept:
    assert any(e.date.text == "2017?" for e in after.events)
    assert {e.kind for e in after.events} == {e.kind for e in before.events} != {"other"}
    assert (
        sum(e.pledge is not None for e in after.events)
        == sum(e.pledge is not None for e in before.events)
        > 0
    )
    assert len(after.agencies) == len(before.agencies) > 0


@pytest.mark.parametrize(("events", "seed"), [(300, 1), (300, 2), (1000, 7)])
def test_generated_logs_come_back_whole(events: int, seed: int, tmp_path: Path) -> None:
    log = tmp_path / "generated.yaml"
    log.write_text(generated_text(events, seed), encoding="utf-8")
    before = load_imported(log)
    after, warnings = _import(_export(before, tmp_path / "g.json"), tmp_path / "back.yaml")
    assert warnings == []
    assert_same_log(before, after)
    # The generator's mix is what makes this a test: grants, rollouts, open ends, times.
    assert any(e.grant is not None for e in after.events)
    assert any(e.rollout is not None for e in after.events)
    assert any(e.date.uncertain or e.date.approximate for e in after.events)


def test_a_filtered_export_drops_links_to_events_it_does_not_hold(tmp_path: Path) -> None:
    before = load_imported(bundled_log())
    linked = [i for i, e in enumerate(before.events) if e.related]
    assert linked
    keep = [linked[0]]
    after, warnings = _import(_export(before, tmp_path / "one.json", keep), tmp_path / "back.yaml")
    (event,) = after.events
    assert event.id == before.events[keep[0]].id
    assert event.related == ()  # its targets are not in the file
    assert warnings == ["not carried: related naming an event the file does not hold: 1 slide (1)"]


def _document(tmp_path: Path) -> dict[str, Any]:
    before = load_imported(bundled_log())
    data: dict[str, Any] = json.loads(_export(before, tmp_path / "b.json").read_text("utf-8"))
    return data


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_slide_added_in_timelinejs_joins_the_embedded_log(tmp_path: Path) -> None:
    document = _document(tmp_path)
    first_id = document["events"][0]["watchline"]["id"]
    document["events"].append(
        {
            "start_date": {"year": "2022", "month": "3", "day": "4", "hour": "9"},
            "text": {"headline": "Added by hand", "text": "Later."},
            "media": {"url": "https://example.org/added"},
            "group": "Hand-made",
            "unique_id": first_id,  # an id the embedded log already has
        }
    )
    after, warnings = _import(_write(tmp_path, document), tmp_path / "back.yaml")
    assert warnings == []
    added = next(e for e in after.events if e.title == "Added by hand")
    assert added.id == f"{first_id}-2" and added.kind == "other"
    assert added.date.text == "2022-03-04T09:00:00"
    assert [after.sources[s].url for s in added.sources] == ["https://example.org/added"]
    assert [after.topics[t].label for t in added.topics] == ["Hand-made"]
    assert len(after.events) == len(load_imported(bundled_log()).events) + 1


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda d: d["events"][2]["watchline"].update(date="2017-13-45"), "slide 3: "),
        (lambda d: d["events"][1]["watchline"].update(agencies="bpd"), "slide 2: agencies is"),
        (lambda d: d["events"][0]["watchline"].update(kind="no-such-kind"), "slide 1: "),
        (lambda d: d["watchline"].update(title=["a list"]), "the timeline's object: title"),
        (lambda d: d["watchline"].update(watchline=2), "format version is 2"),
        (lambda d: d["events"][4].update(watchline="text"), "slide 5: it is not a mapping"),
        (lambda d: d["watchline"]["agencies"].pop("bpd"), "unknown agency 'bpd'"),
    ],
)
def test_a_bad_extension_is_set_aside_and_the_slides_read_plainly(
    edit: Any, reason: str, tmp_path: Path
) -> None:
    document = _document(tmp_path)
    edit(document)
    after, warnings = _import(_write(tmp_path, document), tmp_path / "back.yaml")
    assert "the watchline extension object was not used" in warnings[0]
    assert reason in warnings[0]
    # Read as plain TimelineJS: every slide still an event, with its links as sources.
    assert len(after.events) == len(document["events"])
    assert {e.kind for e in after.events} == {"other"}


def test_unknown_fields_of_the_extension_are_listed_not_kept(tmp_path: Path) -> None:
    document = _document(tmp_path)
    document["watchline"]["editor"] = "someone"
    document["events"][0]["watchline"]["colour"] = "red"
    document["events"][3]["watchline"]["colour"] = "blue"
    after, warnings = _import(_write(tmp_path, document), tmp_path / "back.yaml")
    assert warnings == [
        "not carried: unknown field 'editor' in the watchline object: the timeline",
        "not carried: unknown field 'colour' in a slide's watchline object: 2 slides (1, 4)",
    ]
    assert_same_log(load_imported(bundled_log()), after)


def test_amounts_come_back_exact(tmp_path: Path) -> None:
    log = tmp_path / "money.yaml"
    log.write_text(
        "watchline: 1\ntitle: Money\nagencies:\n  a:\n    name: A\nsources:\n  s:\n"
        "    title: S\nevents:\n"
        "  - id: big\n    date: 2019-04\n    kind: grant\n    title: Big\n    sources: [s]\n"
        "    grant:\n      amount: 12345678901234567890123\n      from: a\n"
        "  - id: cents\n    date: 2019-05\n    kind: grant\n    title: Cents\n    sources: [s]\n"
        "    grant:\n      amount: 1150449.50\n      currency: EUR\n",
        encoding="utf-8",
    )
    before = load_imported(log)
    exported = _export(before, tmp_path / "m.json")
    amounts = [
        s["watchline"]["grant"]["amount"] for s in json.loads(exported.read_text())["events"]
    ]
    assert amounts == [12345678901234567890123, 1150449.5]
    after, _ = _import(exported, tmp_path / "back.yaml")
    assert_same_log(before, after)
    assert [e.grant.amount for e in after.events if e.grant] == [
        Decimal("12345678901234567890123"),
        Decimal("1150449.50"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        '{"events": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"events": [{"start_date": {"year": NaN}}]}',
    ],
)
def test_hostile_json_is_a_clean_error(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    assert main(["import", "timelinejs", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"watchline: error: {path}") and "not valid JSON" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "extension",
    [[], "text", {"title": "T", "agencies": {"a": {"name": "A" * 5000}}}, {"title": "T" * 400}],
)
def test_a_hostile_extension_object_is_set_aside(extension: Any, tmp_path: Path) -> None:
    document = {
        "watchline": extension,
        "events": [
            {
                "start_date": {"year": "2001"},
                "text": {"headline": "Plain"},
                "watchline": {"id": "x", "date": "2001", "kind": "other", "title": "X"},
            },
            "not a slide",
        ],
    }
    after, warnings = _import(_write(tmp_path, document), tmp_path / "back.yaml")
    assert "the watchline extension object was not used" in warnings[0]
    assert "slide 2 skipped: not an object" in warnings[1]
    assert [e.title for e in after.events] == ["Plain"]
