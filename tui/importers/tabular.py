"""Rows of a CSV or JSON Lines file: the bytes through the shared reader, the encoding
detected (charset-normalizer) unless given, the CSV dialect sniffed unless given.

Each row comes with its data row number (1 = the first row after a CSV header, or the
first object of a JSONL file) and the line it starts on, for the messages that name it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.importers import ImportFailure, read_source
from tui.model.text import shown_name

DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50
_SNIFF_BYTES = 1 << 20  # charset-normalizer looks at samples of this much at most
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


@dataclass(slots=True)
class Row:
    number: int  # data row, from 1
    line: int  # the line of the file it starts on, from 1
    cells: dict[str, Any]


@dataclass(slots=True)
class Table:
    """A file's rows, read lazily, and what was found out reading it."""

    columns: list[str] | None  # None for JSONL (each object has its own keys)
    rows: Iterator[Row]
    encoding: str
    notes: list[str] = field(default_factory=list)
    # Rows the reader itself could not make into a row: (row, line, reason).
    bad_rows: list[tuple[int, int, str]] = field(default_factory=list)


def delimiter_name(delimiter: str) -> str:
    return _DELIMITER_NAMES.get(delimiter, repr(delimiter))


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, the encoding's name): ``encoding`` when given, UTF-8 when the bytes are,
    else what charset-normalizer finds most likely."""
    name = shown_name(path)
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
            text = data.decode(codec)
        except LookupError:
            raise ImportFailure(
                f"unknown text encoding {encoding!r} (try utf-8, cp1252, latin-1)"
            ) from None
        except UnicodeDecodeError as error:
            raise ImportFailure(
                f"{name}: not {codec} text: byte 0x{data[error.start]:02X} at offset "
                f"{error.start} ({error.reason}); give the right --encoding"
            ) from None
        return text.removeprefix("\ufeff"), codec
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    found = from_bytes(data, steps=8, chunk_size=min(len(data), _SNIFF_BYTES) // 8 or 1)
    best = found.best()
    codec = best.encoding if best is not None else ""
    if best is not None:
        # Short Western text reads as well in cp1250 or cp1257 as in cp1252 (the same
        # letters for ASCII, é, ü; only à, ã... differ), and charset-normalizer may rank
        # any of them first, or list cp1252 only as giving the same text. Where cp1252
        # does as well, it wins: Excel's and most Western exports' encoding, and a
        # superset of Latin-1's printable characters.
        for match in found:
            if (
                "cp1252" in match.could_be_from_charset
                and match.chaos <= best.chaos + 0.01
                and match.coherence >= best.coherence - 0.01
            ):
                codec = "cp1252"
                break
    if best is None:
        raise ImportFailure(
            f"{name}: cannot tell the file's character encoding; give it with --encoding "
            "(e.g. --encoding cp1252)"
        )
    codec = codecs.lookup(codec).name
    try:
        return data.decode(codec).removeprefix("\ufeff"), codec
    except UnicodeDecodeError as error:
        raise ImportFailure(
            f"{name}: looks like {codec} but byte 0x{data[error.start]:02X} at offset "
            f"{error.start} is not; give the right --encoding"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab, bar) that splits the first lines into the same
    number of cells, the most cells winning; a comma when nothing does better."""
    sample_lines = text[: 1 << 16].splitlines()[:_SNIFF_LINES]
    if len(sample_lines) > 1 and len(text) > 1 << 16:
        sample_lines = sample_lines[:-1]  # the last may be cut short
    sample = "\n".join(sample_lines)
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=candidate) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(1 for count in counts if count == counts[0])
        score = (agreeing, counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    text, used = decode(path, read_source(path), encoding)
    notes: list[str] = []
    if delimiter is None:
        delimiter = sniff_delimiter(text)
        if delimiter != ",":
            notes.append(f"{shown_name(path)}: cells separated by {delimiter_name(delimiter)}")
    csv.field_size_limit(sys.maxsize if sys.maxsize < 2**63 else 2**31 - 1)
    handle = io.StringIO(text, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFailure(f"{shown_name(path)}:1: not valid CSV: {error}") from None
    if header is None:
        raise ImportFailure(f"{shown_name(path)}: empty file (no header row)")
    columns = [cell.strip() or f"column {i + 1}" for i, cell in enumerate(header)]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise ImportFailure(
            f"{shown_name(path)}:1: the header names a column twice: {', '.join(twice)}"
        )
    table = Table(columns, iter(()), used, notes)
    table.rows = _csv_rows(path, reader, columns, table)
    return table


def _csv_rows(path: Path, reader: Any, columns: list[str], table: Table) -> Iterator[Row]:
    number = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFailure(f"{shown_name(path)}:{start}: not valid CSV: {error}") from None
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        number += 1
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            table.bad_rows.append(
                (
                    number,
                    start,
                    f"{len(cells)} cells where the header has {len(columns)} "
                    f"(cells separated by {delimiter_name(reader.dialect.delimiter)}; "
                    "a cell holding one should be in quotes)",
                )
            )
            continue
        yield Row(number, start, dict(zip(columns, cells, strict=False)))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_jsonl(path: Path, encoding: str | None) -> Table:
    text, used = decode(path, read_source(path), encoding)
    table = Table(None, iter(()), used)
    table.rows = _jsonl_rows(text, table)
    return table


def _jsonl_rows(text: str, table: Table) -> Iterator[Row]:
    number = 0
    # Lines end at LF only: U+2028 and friends may stand raw inside a JSON string.
    for index, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            table.bad_rows.append((number, index, f"not valid JSON: {reason or 'too deep'}"))
            continue
        if not isinstance(value, dict):
            table.bad_rows.append((number, index, "not a JSON object"))
            continue
        yield Row(number, index, value)
