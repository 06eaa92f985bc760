"""`watchline import wapo`: The Washington Post's Fatal Force files become a valid log.

The data is read from the shared folder (never copied into the repository); the tests
write a few hundred rows to tmp_path, and one test converts the whole file.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from tests.cli.imported import load_imported
from tui.cli import main
from tui.importers.wapo import import_wapo

REPO = Path(__file__).resolve().parents[2]
NEGRON_ID = "2563"  # Jayson Negron, Bridgeport, 2017-05-09
UNNAMED_ID = "1074"  # no name, no age
UNKNOWN_AGENCY_ID = "11162"  # its agency id 10963 is not in the agencies file
NO_AGENCY_ID = "10562"  # agency_ids is empty


@pytest.fixture
def wapo_dir(shared_dir: Path) -> Path:
    folder = shared_dir / "datasets" / "wapo-fatal-force"
    if not (folder / "fatal-police-shootings-data.csv").is_file():
        pytest.skip("the Fatal Force files are not in the shared folder")
    return folder


@pytest.fixture
def sample_csv(wapo_dir: Path, tmp_path: Path) -> Path:
    """The first 200 incidents plus the rows the tests name, as a smaller CSV."""
    source = wapo_dir / "fatal-police-shootings-data.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        wanted = {NEGRON_ID, UNNAMED_ID, UNKNOWN_AGENCY_ID, NO_AGENCY_ID}
        rows = [row for i, row in enumerate(reader) if i < 200 or row["id"] in wanted]
    target = tmp_path / "data.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    return target


def test_sample_imports_to_a_log_that_loads_without_problems(
    sample_csv: Path, wapo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "wapo.yaml"
    code = main(
        [
            "import",
            "wapo",
            str(sample_csv),
            str(wapo_dir / "fatal-police-shootings-agencies.csv"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert "wrote 204 events" in capsys.readouterr().err
    collection = load_imported(out)
    assert len(collection.events) == 204

    negron = collection.event("wapo-2563")
    assert negron is not None
    assert negron.title == "Jayson Negron, 15, killed by police in Bridgeport, CT"
    assert (negron.kind, negron.date.text, negron.place) == (
        "shooting",
        "2017-05-09",
        "Bridgeport, Fairfield County, CT",
    )
    assert negron.data["threat_type"] == "threat"
    assert negron.data["flee_status"] == "car"
    assert negron.data["body_camera"] is False
    assert negron.data["latitude"] == pytest.approx(41.1748233)
    assert negron.data["wapo_id"] == 2563
    bpd = collection.agencies[negron.agencies[0]]
    assert (bpd.name, bpd.kind, bpd.jurisdiction) == (
        "Bridgeport Police Department",
        "local_police",
        "CT",
    )
    assert bpd.ori  # the ORI codes from the agencies file
    source = collection.sources[negron.sources[0]]
    assert source.publisher == "The Washington Post"
    assert source.url == "https://github.com/washingtonpost/data-police-shootings"
    assert "CC BY-NC-SA 4.0" in (source.note or "")


def test_missing_names_ages_and_agencies_are_said_plainly(sample_csv: Path, wapo_dir: Path) -> None:
    result = import_wapo(sample_csv, wapo_dir / "fatal-police-shootings-agencies.csv")
    text = result.text
    assert '"Unnamed person, age unknown, killed by police in Hemet, CA"' in text
    assert 'name: "WaPo agency 10963"' in text
    assert result.warnings == []


def test_filter_by_agency_name_finds_the_negron_shooting(
    sample_csv: Path, wapo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "wapo.yaml"
    agencies = wapo_dir / "fatal-police-shootings-agencies.csv"
    assert main(["import", "wapo", str(sample_csv), str(agencies), "-o", str(out)]) == 0
    capsys.readouterr()
    code = main(
        ["list", str(out), "--filter", 'agency:"Bridgeport Police Department"', "--format", "json"]
    )
    assert code == 0
    import json

    events = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in events] == ["wapo-2563"]


def test_the_whole_database_imports_in_seconds_and_loads_clean(
    wapo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one test that converts all 10,430 incidents."""
    out = tmp_path / "fatal-force.yaml"
    start = time.perf_counter()
    code = main(
        [
            "import",
            "wapo",
            str(wapo_dir / "fatal-police-shootings-data.csv"),
            str(wapo_dir / "fatal-police-shootings-agencies.csv"),
            "-o",
            str(out),
        ]
    )
    elapsed = time.perf_counter() - start
    assert code == 0
    # About 2 s here; the bound only catches a pathological slowdown on a shared, busy
    # machine (benchmarks measure speed, tests do not).
    assert elapsed < 60, f"import took {elapsed:.1f} s"
    collection = load_imported(out)
    assert len(collection.events) == 10430

    from tui.model.query import QueryEngine, parse_query

    found = QueryEngine(collection, collection.events[-1].date.upper).run(
        parse_query('agency:"Bridgeport Police Department"')
    )
    titles = {collection.events[i].id: collection.events[i].title for i in found}
    assert titles["wapo-2563"] == "Jayson Negron, 15, killed by police in Bridgeport, CT"

    # Readable, namespaced ids; the timeline's short name from the one rule.
    from tui.app.rows import event_labels
    from tui.model.load import load_paths

    negron = next(e for e in collection.events if e.id == "wapo-2563")
    assert negron.agencies == ("wapo-bridgeport-police-department",)
    labels = event_labels(collection)
    assert labels.agencies[collection.events.index(negron)] == "Bridgeport PD"
    unlisted = [agency for agency in collection.agencies if agency.startswith("wapo-agency-")]
    assert len(unlisted) < len(collection.agencies) // 20  # only those the file lacks

    # The import merges with the bundled log: no id it writes means something else there.
    merged = load_paths([out, REPO / "data" / "ct-bodycams.yaml"])
    assert merged.problems == []
    assert merged.collection is not None
    assert len(merged.collection.events) == 10430 + len(
        load_paths([REPO / "data" / "ct-bodycams.yaml"]).collection.events
    )  # type: ignore[union-attr]


# ------------------------------------------------------------------------------ errors


def test_a_missing_column_names_the_file_and_exits_2(
    tmp_path: Path, wapo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "data.csv"
    bad.write_text('"id","date"\n"1","2015-01-02"\n', encoding="utf-8")
    code = main(["import", "wapo", str(bad), str(wapo_dir / "fatal-police-shootings-agencies.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:1: missing columns: threat_type" in err
    assert "Traceback" not in err


def test_an_unreadable_file_names_the_file_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    code = main(["import", "wapo", str(missing), str(missing)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"watchline: error: {missing}: cannot read" in err


def test_a_bad_date_skips_the_row_with_a_warning(wapo_dir: Path, tmp_path: Path) -> None:
    source = wapo_dir / "fatal-police-shootings-data.csv"
    lines = source.read_text(encoding="utf-8").splitlines()[:3]
    lines[2] = lines[2].replace('"2015-01-02"', '"2015-02-30"', 1)
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_wapo(data, wapo_dir / "fatal-police-shootings-agencies.csv")
    assert result.events == 1
    assert len(result.warnings) == 1 and f"{data}:3:" in result.warnings[0]
