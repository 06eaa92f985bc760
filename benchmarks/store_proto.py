"""Prototype two stores for the first frame: a columnar cache and SQLite, on 100k and 1M.

    PYTHONPATH=. python benchmarks/store_proto.py LOG.yaml [--scale 1 10] [--work DIR]

The events come from the log (loaded once through the normal loader); ``--scale 10``
repeats them ten times (ids suffixed, so 100k become 1M: the stores do not care that a
title repeats). Each store is built from the loaded collection, then every measurement of
its use runs in a fresh process (so "open" pays for opening, and memory is that process's):

- **columnar**: one file per collection: a JSON header, then arrays (stdlib ``array``:
  date ordinals, kind index, registry ids per event as offsets + values) and UTF-8 blobs
  (titles, the dates as shown, folded search text) with offset arrays, memory-mapped;
  an event's row is built on demand from the arrays.
- **sqlite**: ``events`` (timeline position as the rowid, date, kind, title, shown date),
  ``event_agency`` (facet pairs, indexed), an FTS5 table of the folded search text
  (``unicode61``: words and prefixes; watchline's search is by substring, see the doc);
  ``--trigram`` adds the same with FTS5's ``trigram`` tokenizer (substrings of 3+ chars).

Printed: build time, size, open + count + first 24 rows, one facet count (agencies over
every event), one text search (events whose text holds "review board"), peak RSS of the
process that opened the store and ran the three. docs/scale.md has a run and the choice.
"""

from __future__ import annotations

import argparse
import array
import bisect
import json
import mmap
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROWS = 24
NEEDLE = "review board"


# ------------------------------------------------------------------------------ the data


def rows_of(log: Path, scale: int) -> tuple[list[tuple], dict[str, str]]:
    """(position, lower ordinal, kind, title, shown date, agencies, folded text) per event,
    in timeline order, and the agencies' short names."""
    from tui.model.display import agency_short_name
    from tui.model.load import load_paths
    from tui.model.search_text import fold_fields, own_strings

    collection = load_paths([log]).collection
    assert collection is not None
    base = [
        (
            e.id,
            e.date.lower.toordinal(),
            e.kind,
            e.title,
            e.date.compact(),
            e.agencies,
            fold_fields(own_strings(e)),
        )
        for e in collection.events
    ]
    rows = []
    # Ten copies side by side in timeline order: each event followed by its copies.
    for event in base:
        for copy in range(scale):
            rows.append((f"{event[0]}-{copy}" if copy else event[0], *event[1:]))
    names = {a.id: agency_short_name(a) for a in collection.agencies.values()}
    return rows, names


# ------------------------------------------------------------------------------ columnar


def _blob(texts: list[str]) -> tuple[bytes, array.array]:
    offsets = array.array("Q", [0])
    parts = []
    total = 0
    for text in texts:
        data = text.encode("utf-8")
        parts.append(data)
        total += len(data)
        offsets.append(total)
    return b"".join(parts), offsets


def build_columnar(rows: list[tuple], names: dict[str, str], out: Path) -> None:
    kinds = sorted({r[2] for r in rows})
    agencies = sorted(names)
    agency_index = {a: i for i, a in enumerate(agencies)}
    kind_index = {k: i for i, k in enumerate(kinds)}
    columns: dict[str, bytes] = {}
    columns["lower"] = array.array("i", (r[1] for r in rows)).tobytes()
    columns["kind"] = bytes(kind_index[r[2]] for r in rows)
    ag_offsets = array.array("I", [0])
    ag_values = array.array("H")
    for r in rows:
        ag_values.extend(agency_index[a] for a in r[5])
        ag_offsets.append(len(ag_values))
    columns["agency_offsets"] = ag_offsets.tobytes()
    columns["agency_values"] = ag_values.tobytes()
    for name, index in (("title", 3), ("shown", 4), ("text", 6)):
        blob, offsets = _blob([r[index] for r in rows])
        columns[f"{name}_blob"] = blob
        columns[f"{name}_offsets"] = offsets.tobytes()
    layout = {}
    at = 0
    for name, data in columns.items():
        layout[name] = [at, len(data)]
        at += len(data)
    header = json.dumps(
        {"n": len(rows), "kinds": kinds, "agencies": [names[a] for a in agencies], "layout": layout}
    ).encode()
    with out.open("wb") as f:
        f.write(len(header).to_bytes(8, "little"))
        f.write(header)
        for data in columns.values():
            f.write(data)


class Columnar:
    """The columnar file opened: memory-mapped, nothing decoded until asked."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("rb")
        self.map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        size = int.from_bytes(self.map[:8], "little")
        self.header = json.loads(self.map[8 : 8 + size])
        self.base = 8 + size
        self.n = self.header["n"]
        self.view = memoryview(self.map)

    def column(self, name: str, fmt: str | None = None) -> memoryview:
        start, length = self.header["layout"][name]
        view = self.view[self.base + start : self.base + start + length]
        return view.cast(fmt) if fmt else view

    def text(self, name: str, index: int) -> str:
        offsets = self.column(f"{name}_offsets", "Q")
        blob = self.column(f"{name}_blob")
        return bytes(blob[offsets[index] : offsets[index + 1]]).decode()

    def row(self, index: int) -> tuple[str, str, str]:
        ag_offsets = self.column("agency_offsets", "I")
        values = self.column("agency_values", "H")
        names = self.header["agencies"]
        agencies = ", ".join(names[v] for v in values[ag_offsets[index] : ag_offsets[index + 1]])
        return self.text("shown", index), self.text("title", index), agencies

    def agency_counts(self) -> dict[str, int]:
        names = self.header["agencies"]
        counts = Counter(self.column("agency_values", "H"))
        return {names[v]: c for v, c in counts.items()}

    def search(self, needle: str) -> int:
        """Events whose folded text holds ``needle``: find in the blob, then bisect."""
        blob = self.map  # find() runs in C over the mapped file
        start, length = self.header["layout"]["text_blob"]
        offsets = self.column("text_offsets", "Q")
        lo, hi = self.base + start, self.base + start + length
        target = needle.encode()
        hits = 0
        at = blob.find(target, lo, hi)
        while at != -1:
            event = bisect.bisect_right(offsets, at - lo) - 1
            hits += 1
            at = blob.find(target, lo + offsets[event + 1], hi)  # the next event
        return hits


# ------------------------------------------------------------------------------ sqlite


def build_sqlite(
    rows: list[tuple], names: dict[str, str], out: Path, tokenizer: str = "unicode61"
) -> None:
    db = sqlite3.connect(out)
    db.executescript(
        f"""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE meta (n INTEGER);
        CREATE TABLE events (pos INTEGER PRIMARY KEY, id TEXT, lower INTEGER, kind TEXT,
                             title TEXT, shown TEXT, agencies TEXT);
        CREATE TABLE event_agency (agency TEXT, pos INTEGER);
        CREATE TABLE agencies (id TEXT PRIMARY KEY, short TEXT);
        CREATE VIRTUAL TABLE search USING fts5(text, content='', tokenize='{tokenizer}');
        """
    )
    db.execute("INSERT INTO meta VALUES (?)", (len(rows),))
    db.executemany("INSERT INTO agencies VALUES (?, ?)", names.items())
    db.executemany(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (i, r[0], r[1], r[2], r[3], r[4], ", ".join(names.get(a, a) for a in r[5]))
            for i, r in enumerate(rows)
        ),
    )
    db.executemany(
        "INSERT INTO event_agency VALUES (?, ?)",
        ((a, i) for i, r in enumerate(rows) for a in r[5]),
    )
    db.executemany(
        "INSERT INTO search (rowid, text) VALUES (?, ?)", ((i, r[6]) for i, r in enumerate(rows))
    )
    db.executescript(
        """
        CREATE INDEX event_agency_by_agency ON event_agency (agency, pos);
        CREATE INDEX events_by_kind ON events (kind);
        """
    )
    db.commit()
    db.close()


def use_sqlite(path: Path) -> dict[str, float | int]:
    figures: dict[str, float | int] = {}
    start = time.perf_counter()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    count = db.execute("SELECT n FROM meta").fetchone()[0]  # as the columnar header has it
    first = db.execute(
        "SELECT shown, title, agencies FROM events ORDER BY pos LIMIT ? OFFSET 0", (ROWS,)
    ).fetchall()
    figures["open_ms"] = (time.perf_counter() - start) * 1000
    assert count and len(first) == ROWS
    start = time.perf_counter()
    facet = db.execute("SELECT agency, count(*) FROM event_agency GROUP BY agency").fetchall()
    figures["facet_ms"] = (time.perf_counter() - start) * 1000
    figures["facet_values"] = len(facet)
    start = time.perf_counter()
    phrase = '"' + NEEDLE + '"'
    hits = db.execute("SELECT count(*) FROM search WHERE search MATCH ?", (phrase,)).fetchone()[0]
    figures["search_ms"] = (time.perf_counter() - start) * 1000
    figures["search_hits"] = hits
    return figures


def use_columnar(path: Path) -> dict[str, float | int]:
    figures: dict[str, float | int] = {}
    start = time.perf_counter()
    store = Columnar(path)
    first = [store.row(i) for i in range(ROWS)]
    figures["open_ms"] = (time.perf_counter() - start) * 1000
    assert store.n and len(first) == ROWS
    start = time.perf_counter()
    facet = store.agency_counts()
    figures["facet_ms"] = (time.perf_counter() - start) * 1000
    figures["facet_values"] = len(facet)
    start = time.perf_counter()
    figures["search_hits"] = store.search(NEEDLE)
    figures["search_ms"] = (time.perf_counter() - start) * 1000
    return figures


# ------------------------------------------------------------------------------ the table


def measure_in_child(kind: str, path: Path) -> dict[str, float | int]:
    out = subprocess.run(
        [sys.executable, __file__, "--use", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--work", type=Path, help="where the stores go (kept)")
    parser.add_argument(
        "--trigram",
        action="store_true",
        help="also SQLite with FTS5's trigram tokenizer (substring search, as watchline's)",
    )
    parser.add_argument(
        "--use", choices=["columnar", "sqlite", "sqlite-trigram"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.use:
        figures = (use_columnar if args.use == "columnar" else use_sqlite)(args.log)
        # VmHWM, not ru_maxrss: that one is inherited through fork from the parent's peak.
        status = Path("/proc/self/status").read_text()
        hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        figures["rss_mib"] = int(hwm.split()[1]) / 1024
        print(json.dumps(figures))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="watchline-store-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        "| events | store | build | size | open + first 24 rows | agency facet count "
        f"| text search '{NEEDLE}' | peak RSS |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for scale in args.scale:
        rows, names = rows_of(args.log, scale)
        stores: list[tuple[str, Callable[[list[tuple], dict[str, str], Path], None]]] = [
            ("columnar", build_columnar),
            ("sqlite", build_sqlite),
        ]
        if args.trigram:
            stores.append(("sqlite-trigram", lambda r, n, p: build_sqlite(r, n, p, "trigram")))
        for kind, build in stores:
            path = work / f"{kind}-{len(rows)}.store"
            path.unlink(missing_ok=True)
            start = time.perf_counter()
            build(rows, names, path)
            built = time.perf_counter() - start
            f = measure_in_child(kind, path)
            print(
                f"| {len(rows):,} | {kind} | {built:.1f} s | {path.stat().st_size / 2**20:.0f} MiB"
                f" | {f['open_ms']:.1f} ms | {f['facet_ms']:.1f} ms ({f['facet_values']} values)"
                f" | {f['search_ms']:.1f} ms ({f['search_hits']:,} hits)"
                f" | {f['rss_mib']:.0f} MiB |",
                flush=True,
            )
        del rows
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
