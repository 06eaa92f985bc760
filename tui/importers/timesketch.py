"""Timesketch CSV or JSON Lines (https://timesketch.org) as a watchline log.

A file that ``watchline list -F timesketch-csv`` (or ``-jsonl``) wrote carries each event
in the log's own form, with the registry entries it names, in its ``watchline`` column:
those are read back (checked by :mod:`tui.importers.native`), so export then import gives
the same events. A row without it (a Timesketch export, a forensic tool's output) becomes
an event of kind ``other``:

* ``message`` its title (cut at a word before 300 characters, the whole message then
  its summary); a row with no message is left out and listed;
* ``datetime`` (ISO 8601) its date-time, with its zone (``Z`` or the offset) or, when the
  text gives none, as a local time; without a usable ``datetime``, ``timestamp``
  (microseconds since 1970, UTC); a row with neither is left out and listed;
* ``timestamp_desc`` and every other column go to the event's ``data`` (lists and
  objects as their JSON text); ``watchline_id``, ``kind`` (a built-in one), ``date``
  (EDTF), ``summary``, ``place`` and ``source_urls`` as our export writes them are read
  as those fields;
* the file itself is the source a row cites, with the row's ``source_urls`` if any.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tui.importers import ImportFailure, ImportResult, slugify, unique_id
from tui.importers.native import (
    NativeInvalid,
    checked_log,
    clean_event,
    clean_mapping,
    drop_dangling,
)
from tui.importers.tabular import Row, read_csv, read_jsonl
from tui.importers.timelinejs_html import one_line, shorten, uncite, web_address
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.log import BUILTIN_KINDS, REGISTRY_NAMES
from tui.model.text import shown_name

_TITLE_LIMIT = 300
_READ = frozenset({"message", "datetime", "timestamp", "watchline", "watchline_id", "kind"})
_READ |= {"date", "summary", "place", "source_urls"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _RowSkipped(Exception):
    pass


def guess_format(path: Path) -> str:
    """``jsonl`` for ``.jsonl``/``.ndjson``/``.json`` files, else ``csv``."""
    return "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv"


def edtf_instant(value: Any) -> str:
    """An ISO 8601 date-time as EDTF text (``2017-05-09T14:30:00Z``)."""
    if not isinstance(value, str) or not value.strip():
        raise _RowSkipped("no datetime")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _RowSkipped(f"its datetime {value.strip()[:40]!r} is not ISO 8601") from None
    return _edtf_of(moment)


def _edtf_of(moment: datetime) -> str:
    clock = moment.strftime("%H:%M:%S")
    if moment.microsecond:
        clock += f".{moment.microsecond:06d}".rstrip("0")
    offset = moment.utcoffset()
    zone = ""
    if offset is not None:
        if offset == timedelta(0):
            zone = "Z"
        else:
            minutes = int(offset.total_seconds()) // 60
            sign, minutes = ("-", -minutes) if minutes < 0 else ("+", minutes)
            zone = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{moment.date().isoformat()}T{clock}{zone}"


def _from_timestamp(value: Any) -> str:
    if isinstance(value, bool) or value in (None, ""):
        raise _RowSkipped("no datetime and no timestamp")
    try:
        micro = int(str(value).strip())
        return _edtf_of(_EPOCH + timedelta(microseconds=micro))
    except (ValueError, OverflowError):
        raise _RowSkipped(f"its timestamp {str(value)[:40]!r} is not microseconds") from None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [part.strip() for part in _text(value).split(";") if part.strip()]


class TimesketchImport:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: dict[str, Any] = {
            "#": [f"Imported by `watchline import timesketch` from {path.name}."],
            "watchline": 1,
            "title": f"{path.stem.replace('-', ' ').replace('_', ' ')} (Timesketch)",
        }
        self.events: list[dict[str, Any]] = []
        self.labels: list[str] = []
        self.ids: set[str] = set()
        self.warnings: list[str] = []
        self.by_url: dict[str, str] = {}
        self.file_source: str | None = None
        self.uncited: list[int] = []  # rows whose inline citations became plain text

    def _sources(self) -> dict[str, dict[str, Any]]:
        sources: dict[str, dict[str, Any]] = self.header.setdefault("sources", {})
        return sources

    def _cite_file(self) -> str:
        if self.file_source is None:
            base = slugify(f"{self.path.stem} timesketch") or "timesketch"
            self.file_source = unique_id(base, set(self._sources()))
            self._sources()[self.file_source] = {
                "title": f"{self.path.name} (a Timesketch file)",
                "note": f"Imported from {self.path.name}; the row cites no web page.",
            }
        return self.file_source

    def _cite_url(self, url: str) -> str:
        if url not in self.by_url:
            base = slugify(url.split("//", 1)[-1], max_length=50) or "link"
            source_id = unique_id(base, set(self._sources()))
            self._sources()[source_id] = {"title": url, "url": url}
            self.by_url[url] = source_id
        return self.by_url[url]

    def embedded(self, row: Row, value: Any) -> None:
        """A row our export wrote: its event and the entries it names, as they were."""
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except (ValueError, RecursionError):
                raise NativeInvalid(f"row {row.number}: its watchline cell is not JSON") from None
        if not isinstance(value, dict):
            raise NativeInvalid(f"row {row.number}: its watchline value is not an object")
        unknown: list[str] = []
        top = {k: v for k, v in value.items() if k != "event"}
        try:
            entries = clean_mapping(top, "log", "", unknown)
            event = clean_event(value.get("event")).value
        except NativeInvalid as error:
            raise NativeInvalid(f"row {row.number}: {error}") from None
        if unknown:
            raise NativeInvalid(f"row {row.number}: unknown fields {', '.join(unknown)}")
        if not self.events:  # the first row names the log
            for name in ("title", "description"):
                if isinstance(entries.get(name), str):
                    self.header[name] = entries[name]
        for name in REGISTRY_NAMES:
            merged = self.header.setdefault(name, {})
            for entry_id, entry in (entries.get(name) or {}).items():
                if merged.setdefault(entry_id, entry) != entry:
                    self.warnings.append(
                        f"{self.path.name}: row {row.number}: its {name} entry "
                        f"{entry_id!r} differs from an earlier row's; the first is kept"
                    )
        self.ids.add(str(event.get("id")))
        self.events.append(event)
        self.labels.append(f"row {row.number}")

    def plain(self, row: Row) -> None:
        """Any other row: Timesketch's own fields, the rest as data."""
        cells = row.cells
        message = one_line(_text(cells.get("message")))
        if not message:
            raise _RowSkipped("it has no message")
        date = _text(cells.get("date")).strip()
        try:
            date = parse_edtf(date).text if date else ""
        except EDTFError:
            date = ""
        if not date:
            try:
                date = edtf_instant(cells.get("datetime"))
            except _RowSkipped as bad_datetime:
                if cells.get("timestamp") in (None, "") and cells.get("datetime"):
                    raise bad_datetime from None
                date = _from_timestamp(cells.get("timestamp"))
        # The ellipsis shorten() may add is the 300th character.
        title = message if len(message) <= _TITLE_LIMIT else shorten(message, _TITLE_LIMIT - 1)
        summary = _text(cells.get("summary")).strip() or (message if title != message else "")
        # Inline citations name sources of the log the rows came from, not of this one.
        (title, _), (summary, cited) = uncite(title), uncite(summary)
        if cited:
            self.uncited.append(row.number)
        kind = _text(cells.get("kind")).strip()
        given = _text(cells.get("watchline_id")).strip()
        base = slugify(given) or slugify(title) or f"row-{row.number}"
        urls = [u for u in map(web_address, _listed(cells.get("source_urls"))) if u]
        data = {
            str(name): value if isinstance(value, str | int | float | bool) else _text(value)
            for name, value in cells.items()
            if name not in _READ and value not in (None, "", [], {})
        }
        if kind and kind not in BUILTIN_KINDS:
            data["kind"] = kind  # a kind the log would have to define: kept as a fact
        self.events.append(
            {
                "id": unique_id(base, self.ids),
                "date": date,
                "kind": kind if kind in BUILTIN_KINDS else "other",
                "title": title,
                "summary": summary or None,
                "place": one_line(_text(cells.get("place"))) or None,
                "sources": [self._cite_url(u) for u in urls] or [self._cite_file()],
                "data": data or None,
            }
        )
        self.labels.append(f"row {row.number}")


def _rows(path: Path, fmt: str, encoding: str | None) -> tuple[list[Row], list[str]]:
    if fmt == "jsonl":
        table = read_jsonl(path, encoding)
    else:
        table = read_csv(path, encoding, ",")
        if table.columns is not None and "message" not in table.columns:
            raise ImportFailure(f"{shown_name(path)}:1: no 'message' column (Timesketch needs one)")
    rows = list(table.rows)
    bad = [f"{path.name}: row {n} (line {line}) skipped: {why}" for n, line, why in table.bad_rows]
    return rows, bad


def import_timesketch(
    path: Path, fmt: str | None = None, encoding: str | None = None
) -> ImportResult:
    """Convert one Timesketch CSV or JSON Lines file into a log."""
    fmt = fmt or guess_format(path)
    rows, skipped = _rows(path, fmt, encoding)
    if any(row.cells.get("watchline") not in (None, "") for row in rows):
        try:
            return _finish(_read(path, rows, embedded=True), rows, skipped, embedded=True)
        except NativeInvalid as error:
            skipped.insert(
                0,
                f"{path.name}: the watchline column was not used ({error}); "
                "the rows are read as plain Timesketch",
            )
    return _finish(_read(path, rows, embedded=False), rows, skipped, embedded=False)


def _read(path: Path, rows: list[Row], embedded: bool) -> TimesketchImport:
    job = TimesketchImport(path)
    later: list[Row] = []
    for row in rows:
        value = row.cells.get("watchline") if embedded else None
        if value not in (None, ""):
            job.embedded(row, value)
        else:
            later.append(row)  # after the embedded events, whose ids they must not take
    for row in later:
        try:
            job.plain(row)
        except _RowSkipped as error:
            job.warnings.append(f"{path.name}: row {row.number} (line {row.line}) skipped: {error}")
    if job.uncited:
        shown = ", ".join(map(str, job.uncited[:12])) + (", …" if len(job.uncited) > 12 else "")
        job.warnings.append(
            f"{path.name}: inline citations [@id] kept as the text [id] (the file holds no "
            f"such sources): {len(job.uncited)} rows ({shown})"
        )
    for index, fields in drop_dangling(job.events).items():
        job.warnings.append(
            f"{path.name}: {job.labels[index]}: {' and '.join(fields)} naming events the "
            "file does not hold left out"
        )
    return job


def _finish(
    job: TimesketchImport, rows: list[Row], skipped: list[str], embedded: bool
) -> ImportResult:
    header = {name: value for name, value in job.header.items() if value != {}}
    text, count, left_out = checked_log(header, job.events, job.labels, job.path.name, embedded)
    warnings = skipped + job.warnings + left_out
    read = len(rows) + sum("skipped:" in line for line in skipped)
    return ImportResult(text, count, warnings, skipped=read - count, rows=read)
