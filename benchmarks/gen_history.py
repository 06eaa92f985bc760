"""Write a git repository whose log has a long, deterministic history, for `changes` benchmarks.

    python benchmarks/gen_history.py EVENTS COMMITS OUT_DIR [--files K]

The first commit adds a generated log of EVENTS events (benchmarks/generate.py, seed 7);
each of the next COMMITS - 1 commits does what a newsroom does to a log: corrects the
titles of one to three events, adds a rating to a pledge, or adds an event. With
``--files K`` the log is a folder of K files (the events dealt out in turn), so a commit
touches one file of K. The repository is written with ``git fast-import``: 1,000 commits
of a 10k-event log take seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

AUTHORS = ["Ana Perez <ana@example.org>", "Wei Chen <wei@example.org>", "Rosa Santos <rs@ex.org>"]
EPOCH = 1_546_300_800  # 2019-01-01T00:00:00Z


def _split(text: str, files: int) -> dict[str, list[str]]:
    """The log as ``files`` files: the registries in each, the events dealt out in turn."""
    lines = text.splitlines()
    start = lines.index("events:")
    head, body = lines[: start + 1], lines[start + 1 :]
    events: list[list[str]] = []
    for line in body:
        if line.startswith("  - id: "):
            events.append([])
        events[-1].append(line)
    if files == 1:
        return {"log.yaml": lines}
    out: dict[str, list[str]] = {}
    for k in range(files):
        mine = [line for event in events[k::files] for line in event]
        # One title for the merged log: the others would be a conflict-free repeat anyway.
        out[f"log/part-{k:02d}.yaml"] = head + mine
    return out


def _commit(stream: list[bytes], n: int, message: str, files: dict[str, list[str]]) -> None:
    author = AUTHORS[n % len(AUTHORS)]
    when = EPOCH + n * 3600
    data = message.encode()
    stream.append(b"commit refs/heads/main\n")
    stream.append(f"mark :{n + 1}\n".encode())
    stream.append(f"author {author} {when} +0000\ncommitter {author} {when} +0000\n".encode())
    stream.append(f"data {len(data)}\n".encode() + data + b"\n")
    if n:
        stream.append(f"from :{n}\n".encode())
    for name, lines in files.items():
        blob = ("\n".join(lines) + "\n").encode()
        stream.append(f"M 100644 inline {name}\ndata {len(blob)}\n".encode() + blob + b"\n")


def build(events: int, commits: int, out: Path, files: int = 1) -> None:
    """Write the repository at ``out`` (which must not exist yet)."""
    rng = random.Random(11)
    parts = _split(generate(events, 7), files)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    stream: list[bytes] = []
    _commit(stream, 0, "Add the log", parts)
    added = 0
    for n in range(1, commits):
        name = rng.choice(sorted(parts))
        lines = parts[name]
        roll = rng.random()
        if roll < 0.6:
            titles = [i for i, line in enumerate(lines) if line.startswith("    title: ")]
            picked = rng.sample(titles, rng.randint(1, 3))
            for i in picked:
                old = json.loads(lines[i][len("    title: ") :])
                lines[i] = "    title: " + json.dumps(f"{old} (corrected {n})", ensure_ascii=False)
            message = f"Correct {len(picked)} title{'s' if len(picked) > 1 else ''}"
        elif roll < 0.9:
            ratings = [i for i, line in enumerate(lines) if line == "      ratings:"]
            if not ratings:
                continue
            i = rng.choice(ratings)
            j = i + 1
            while j < len(lines) and lines[j].startswith("        - "):
                j += 1
            status = rng.choice(["in-the-works", "stalled", "kept", "broken"])
            lines.insert(
                j,
                f'        - {{status: {status}, as_of: "2026-{n % 12 + 1:02d}-01", note: "n{n}"}}',
            )
            message = f"Rate a pledge {status}"
        else:
            added += 1
            lines += [
                f"  - id: added-{added:05d}",
                f'    date: "2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}"',
                "    kind: statement",
                f'    title: "Statement number {added} on the record"',
                "    agencies: [ag0000]",
                "    sources: [src00000]",
            ]
            message = "Add a statement"
        _commit(stream, n, message, {name: lines})
    subprocess.run(
        ["git", "-C", str(out), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )
    subprocess.run(["git", "-C", str(out), "checkout", "-q", "-f", "main"], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("commits", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1, help="split the log over K files")
    args = parser.parse_args(argv)
    build(args.events, args.commits, args.out, args.files)
    print(f"wrote {args.commits} commits to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
