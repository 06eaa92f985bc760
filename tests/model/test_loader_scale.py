"""A generated log of many events loads whole: every event, its start line, progress.

Run as a script to time a bigger one: ``python tests/model/test_loader_scale.py 1000``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.model.load import load_paths

# Each event is 9 lines, or 15 with a pledge (every tenth); the registries take HEAD_LINES.
AGENCIES, PEOPLE, TOPICS, SOURCES = 20, 50, 10, 200


def generate(events: int) -> str:
    """A valid log of ``events`` events that use every registry and a pledge now and then."""
    out = ["watchline: 1", "title: Synthetic", "agencies:"]
    out += [
        f"  a{a}: {{name: Agency {a}, kind: local_police, aliases: [A{a}]}}"
        for a in range(AGENCIES)
    ]
    out.append("people:")
    out += [
        f"  p{p}: {{name: Person {p}, role: Officer, agency: a{p % AGENCIES}}}"
        for p in range(PEOPLE)
    ]
    out.append("topics:")
    out += [f"  t{t}: {{label: Topic {t}}}" for t in range(TOPICS)]
    out.append("sources:")
    out += [
        f"  s{s}: {{title: Source {s}, publisher: Paper, published: 2017-{s % 12 + 1:02d}-01, "
        f"url: 'https://example.org/{s}'}}"
        for s in range(SOURCES)
    ]
    out.append("events:")
    for i in range(events):
        year = 2015 + i % 7
        out += [
            f"  - id: ev-{i}",
            f"    date: {year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
            "    kind: incident",
            f"    title: Event number {i} in the synthetic log",
            "    summary: A paragraph that says what happened, as long as a real summary is.",
            f"    agencies: [a{i % AGENCIES}]",
            f"    people: [p{i % PEOPLE}, p{(i + 7) % PEOPLE}]",
            f"    topics: [t{i % TOPICS}]",
            f"    sources: [s{i % SOURCES}]",
        ]
        if i % 10 == 0:
            out += [
                "    pledge:",
                f"      by: p{i % PEOPLE}",
                f"      due: {year}-12~",
                "      ratings:",
                f"        - {{status: in-the-works, as_of: {year}-06}}",
                f"        - {{status: kept, as_of: {year + 1}, evidence: [s{i % SOURCES}]}}",
            ]
    return "\n".join(out) + "\n"


def test_generated_log_loads_every_event_with_its_line(tmp_path: Path):
    path = tmp_path / "big.yaml"
    text = generate(300)
    path.write_text(text, encoding="utf-8")
    seen: list[int] = []
    result = load_paths([path], progress=lambda done, total: seen.append(done))
    assert result.problems == []
    collection = result.collection
    assert collection is not None
    assert len(collection.events) == 300
    lines = text.split("\n")
    for event in collection.events:
        assert event.location is not None
        assert lines[event.location.line - 1] == f"  - id: {event.id}"
        assert event.location.col == 5
    assert seen == sorted(seen)
    assert seen[-1] == path.stat().st_size
    # Timeline order: by date, then id.
    keys = [(e.date.lower, e.date.upper, e.id) for e in collection.events]
    assert keys == sorted(keys)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"/tmp/watchline-{count}.yaml")
    target.write_text(generate(count), encoding="utf-8")
    for _ in range(3):
        start = time.perf_counter()
        loaded = load_paths([target])
        seconds = time.perf_counter() - start
        assert loaded.problems == [], loaded.problems[:3]
        print(f"{count} events, {target.stat().st_size:,} bytes: load_paths {seconds:.2f} s")
