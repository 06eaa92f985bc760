"""The Washington Post's "Fatal Force" database (v2) as a watchline log.

Two CSV files: one incident a row (``fatal-police-shootings-data.csv``) and one agency a
row (``fatal-police-shootings-agencies.csv``). Each incident becomes a ``shooting`` event
that cites the database; the agencies it names become registry entries with their kind,
state and ORI codes. Columns the format has no field for are kept in the event's ``data``
mapping, with the database's own names and codes (race ``W``, ``B``, ``H``... as published).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import math
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui.importers import ImportFailure, ImportResult, read_source
from tui.importers.yaml_writer import dump_log
from tui.model.text import shown_name

SOURCE_ID = "wapo-fatal-force"
SOURCE = {
    "title": "Fatal Force: police shootings database (v2)",
    "publisher": "The Washington Post",
    "url": "https://github.com/washingtonpost/data-police-shootings",
    "note": (
        "Every fatal shooting by an on-duty police officer in the United States since 2015. "
        "License: Creative Commons Attribution-NonCommercial-ShareAlike 4.0 (CC BY-NC-SA 4.0)."
    ),
}

INCIDENT_COLUMNS = (
    "id",
    "date",
    "threat_type",
    "flee_status",
    "armed_with",
    "city",
    "county",
    "state",
    "latitude",
    "longitude",
    "location_precision",
    "name",
    "age",
    "gender",
    "race",
    "race_source",
    "was_mental_illness_related",
    "body_camera",
    "agency_ids",
)
AGENCY_COLUMNS = ("id", "name", "type", "state", "oricodes")

# Incident columns kept as they are in ``data:`` (the rest become title, place, date, agencies).
_DATA_TEXT = (
    "threat_type",
    "flee_status",
    "armed_with",
    "gender",
    "race",
    "race_source",
    "location_precision",
)
_DATA_BOOL = ("was_mental_illness_related", "body_camera")
_DATA_FLOAT = ("latitude", "longitude")

# Topics the data states outright, per row; nothing is inferred beyond the column. Every id
# this importer writes starts "wapo-", so an imported log merges with logs written by hand
# (the bundled log's "use-of-force" means more than fatal shootings).
TOPICS = {
    "wapo-fatal-shootings": {
        "label": "Fatal shootings (WaPo)",
        "description": "Fatal shootings by on-duty police officers, as The Washington Post counts them.",
    },
    "wapo-body-camera": {
        "label": "Body camera on (WaPo)",
        "description": (
            "The Post's body_camera column: news reports have indicated an officer was wearing "
            "a body camera and it may have recorded some portion of the incident."
        ),
    },
    "wapo-mental-illness": {
        "label": "Mental illness related (WaPo)",
        "description": (
            "The Post's was_mental_illness_related column: news reports have indicated the "
            "person had a history of mental health issues, expressed suicidal intentions or "
            "was experiencing mental distress at the time of the shooting."
        ),
    },
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``Sheriff's Office, St. Mary Parish`` -> ``sheriffs-office-st-mary-parish``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", folded.lower().replace("'", "").replace("\u2019", "")).strip("-")


def agency_ids(known: dict[str, dict[str, str]]) -> dict[str, str]:
    """A readable registry id for each WaPo agency id: ``wapo-`` and the agency's name
    (``wapo-bridgeport-police-department``), its state added where two agencies share a
    name, and the Post's id where even that is shared. The same data gives the same ids."""
    by_name: dict[str, list[str]] = {}
    for wapo_id, row in known.items():
        by_name.setdefault(slug(row["name"]) or "agency", []).append(wapo_id)
    ids: dict[str, str] = {}
    for name, wapo_ids in by_name.items():
        if len(wapo_ids) == 1:
            ids[wapo_ids[0]] = f"wapo-{name}"
            continue
        states: dict[str, list[str]] = {}
        for wapo_id in wapo_ids:
            states.setdefault(slug(known[wapo_id]["state"]), []).append(wapo_id)
        for state, same in states.items():
            for wapo_id in same:
                suffix = f"-{state}" if state else ""
                if len(same) > 1 or not state:
                    suffix += f"-{slug(wapo_id)}"
                ids[wapo_id] = f"wapo-{name}{suffix}"
    return ids


def agency_id(wapo_id: str, readable: dict[str, str] | None = None) -> str:
    """The registry id of a WaPo agency: its readable id, or ``wapo-agency-1736`` for an
    agency the agencies file does not list."""
    if readable is not None and wapo_id in readable:
        return readable[wapo_id]
    return f"wapo-agency-{slug(wapo_id)}"


def event_id(wapo_id: str) -> str:
    """The event id of a WaPo incident (``wapo-2563``)."""
    return f"wapo-{wapo_id}"


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a CSV file, after checking its header."""
    # Read whole (capped) through the shared reader, then decoded as it is parsed: the
    # BytesIO shares the bytes, so memory stays about the file's size.
    with io.TextIOWrapper(io.BytesIO(read_source(path)), "utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
            missing = [column for column in required if column not in header]
            if missing:
                raise ImportFailure(
                    f"{shown_name(path)}:1: missing column{'s' if len(missing) > 1 else ''}: "
                    f"{', '.join(missing)} (is this the right file?)"
                )
            for row in reader:
                # line_num is the line the row ended on: right for one-line rows.
                yield reader.line_num, row
        except csv.Error as error:
            raise ImportFailure(
                f"{shown_name(path)}:{reader.line_num}: not valid CSV: {error}"
            ) from error
        except UnicodeDecodeError as error:
            raise ImportFailure(f"{shown_name(path)}: not UTF-8 text: {error.reason}") from error


def _read_agencies(path: Path) -> dict[str, dict[str, str]]:
    return {row["id"].strip(): row for _, row in _rows(path, AGENCY_COLUMNS)}


def _title(row: dict[str, str]) -> str:
    name = row["name"].strip() or "Unnamed person"
    age = row["age"].strip()
    age_text = age if age else "age unknown"
    city, state = row["city"].strip(), row["state"].strip()
    where = ", ".join(part for part in (city, state) if part)
    return f"{name}, {age_text}, killed by police" + (f" in {where}" if where else "")


def _place(row: dict[str, str]) -> str | None:
    city, county, state = row["city"].strip(), row["county"].strip(), row["state"].strip()
    if county:
        # Louisiana has parishes; Alaska's boroughs and census areas are named in full.
        if state == "LA":
            county = f"{county} Parish"
        elif state != "AK":
            county = f"{county} County"
        elif county == city:
            county = ""
    parts = [part for part in (city, county, state) if part]
    return ", ".join(parts) or None


def _data(row: dict[str, str], wapo_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"wapo_id": int(wapo_id) if wapo_id.isdigit() else wapo_id}
    age = row["age"].strip()
    if age.isdigit():
        data["age"] = int(age)
    for column in _DATA_TEXT:
        value = row[column].strip()
        if value:
            data[column] = value
    for column in _DATA_BOOL:
        value = row[column].strip()
        if value in ("True", "False"):
            data[column] = value == "True"
    for column in _DATA_FLOAT:
        value = row[column].strip()
        # An empty cell: the Post has no coordinates for this incident.
        with contextlib.suppress(ValueError):
            number = float(value)
            if math.isfinite(number):  # "nan" or "inf" in a cell is no coordinate
                data[column] = number
    return data


def _agency_entry(wapo_id: str, known: dict[str, dict[str, str]]) -> dict[str, Any]:
    row = known.get(wapo_id)
    if row is None:
        # The agencies table is older than the incidents: keep the id, say so.
        return {
            "name": f"WaPo agency {wapo_id}",
            "note": "This agency id is not in the agencies file this log was imported from.",
        }
    ori = [code.strip() for code in row["oricodes"].split(";") if code.strip()]
    return {
        "name": row["name"].strip() or f"WaPo agency {wapo_id}",
        "kind": row["type"].strip() or None,
        "jurisdiction": row["state"].strip() or None,
        "ori": ori or None,
    }


def import_wapo(data_path: Path, agencies_path: Path) -> ImportResult:
    """Convert the two Fatal Force CSV files (incidents, agencies) into a log."""
    known = _read_agencies(agencies_path)
    readable = agency_ids(known)
    agencies: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    warnings: list[str] = []
    used_topics: set[str] = {"wapo-fatal-shootings"}
    seen_ids: set[str] = set()
    for line, row in _rows(data_path, INCIDENT_COLUMNS):
        wapo_id = row["id"].strip()
        if not wapo_id:
            warnings.append(f"{shown_name(data_path)}:{line}: skipped: the row has no id")
            continue
        if wapo_id in seen_ids:
            warnings.append(f"{shown_name(data_path)}:{line}: skipped: id {wapo_id} appears twice")
            continue
        date_text = row["date"].strip()
        try:
            datetime.date.fromisoformat(date_text)
        except ValueError:
            warnings.append(
                f"{shown_name(data_path)}:{line}: skipped incident {wapo_id}: bad date {date_text!r}"
            )
            continue
        seen_ids.add(wapo_id)
        event_agencies: list[str] = []
        for raw in row["agency_ids"].split(";"):
            raw = raw.strip()
            if not raw:
                continue
            if raw not in agencies:
                agencies[raw] = _agency_entry(raw, known)
            if agency_id(raw, readable) not in event_agencies:
                event_agencies.append(agency_id(raw, readable))
        topics = ["wapo-fatal-shootings"]
        if row["body_camera"].strip() == "True":
            topics.append("wapo-body-camera")
        if row["was_mental_illness_related"].strip() == "True":
            topics.append("wapo-mental-illness")
        used_topics.update(topics)
        events.append(
            {
                "id": event_id(wapo_id),
                "date": date_text,
                "kind": "shooting",
                "title": _title(row),
                "agencies": event_agencies,
                "topics": topics,
                "place": _place(row),
                "sources": [SOURCE_ID],
                "data": _data(row, wapo_id),
            }
        )
    log = {
        "watchline": 1,
        "title": "Fatal police shootings in the United States (The Washington Post)",
        "description": (
            "Imported from The Washington Post's Fatal Force database (v2): every fatal "
            "shooting by an on-duty police officer in the United States since 2015. "
            "The data: mapping of each event keeps the database's own columns and codes."
        ),
        "agencies": {
            agency_id(wapo_id, readable): entry
            for wapo_id, entry in sorted(agencies.items(), key=lambda item: _id_key(item[0]))
        },
        "topics": {topic: TOPICS[topic] for topic in TOPICS if topic in used_topics},
        "sources": {SOURCE_ID: SOURCE},
        "events": events,
    }
    header = (
        f"Imported by `watchline import wapo` from {data_path.name} and {agencies_path.name}.",
        "Data: The Washington Post, CC BY-NC-SA 4.0 (non-commercial use, share alike).",
    )
    return ImportResult(dump_log(log, header), len(events), warnings)


def _id_key(wapo_id: str) -> tuple[int, str]:
    return (int(wapo_id), "") if wapo_id.isdigit() else (1 << 62, wapo_id)
