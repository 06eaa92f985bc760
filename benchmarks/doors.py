"""What watchline's doors let in, and whether its writes survive company, races and kill -9.

    PYTHONPATH=. python benchmarks/doors.py [--quick] [--rounds N] [--events N] [--out FILE]

Every figure is taken from the real command line (``python -m tui ...``) run in a child
process, with a timeout (a hang is reported as a hang, not a stall of this script) and an
address-space limit (a regression that reads ``/dev/zero`` fails instead of taking the
machine). Wall time is from start to reaping; peak RSS is the child's own ``ru_maxrss``
from ``wait4``.

Reads: ``validate``, ``rate``, ``import timelinejs`` and ``import wapo`` (the bad file as
the incidents CSV, then as the agencies CSV) given a symlink to ``/dev/zero``, a symlink
to ``/dev/urandom``, a FIFO nobody writes to and a 300 MB sparse file (over the 256 MiB
cap); a ``validate`` of the bundled log is the baseline. Each should be refused at once
(exit 2, ``cannot read: not a regular file`` or the size).

Writes, on a copy of the bundled log (``--rounds`` each) and on a generated log of
``--events`` events (0 skips it; a bigger log widens every race window; a fifth of the
rounds, at least 5), each rating carrying a unique note so the final file says which
landed:

- two ``rate`` processes at once, ``--rounds`` each, on two pledges and on one pledge with
  different as-of dates: tried / succeeded (exit 0) / lost (succeeded, not in the file);
- ``rate`` against a rewriter process that adds a numbered comment line in a loop, with no
  lock: as ``echo >> log`` does (append, then a pause), and as an editor does (read the
  file, hold it for the pause, write a new one and rename it over), with a 20 ms mean
  pause and one as long as a ``rate``: ratings and comment lines lost;
- ``rate`` killed with SIGKILL after a random delay, ``--rounds`` times, for delays of
  0-200 ms and for delays across a whole ``rate``: ``*.watchline-tmp`` files left, before
  and after one more ``rate`` (which removes leftovers older than 60 s: the run ages them
  past that first), whether the log still validates and keeps every original line.

``--quick`` (reads: /dev/zero, the FIFO and the big file through ``validate``, ``rate`` and
``import timelinejs``; writes: 10 rounds, a 2,000-event log) is a smoke test; the figures in README.md's
Safety section come from a full run. ``--only reads`` or ``--only writes`` runs one half.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import generate  # benchmarks/generate.py, beside this script

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
TEMP_PATTERN = "watchline-tmp"  # tui/model/atomic.py: .NAME.XXXX.watchline-tmp
STALE_SECONDS = 60.0  # tui/model/atomic.py STALE_SECONDS
MEMORY_LIMIT = 4 << 30  # address space of a child: a runaway read fails, it does not swap
READ_TIMEOUT = 30.0
WRITE_TIMEOUT = 120.0
AGENCIES_CSV = "id,name,type,state,oricodes\n1,Test PD,local_police,CT,CT0000000\n"
INCIDENTS_CSV = "id,date,name,city,state,agency_ids\n"


# ------------------------------------------------------------------------ child processes


@dataclass
class Run:
    code: int | None  # exit status; negative: killed by that signal; None: hung
    seconds: float
    rss_mb: float
    stderr: str

    @property
    def first_line(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[0] if lines else ""


def _environment(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(cache)}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cli(args: Sequence[str], *, cwd: Path, cache: Path, timeout: float) -> Run:
    """Run ``python -m tui ARGS`` to the end or the timeout; its own time and peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", *args],
            cwd=cwd,
            env=_environment(cache),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            preexec_fn=_limit_memory,
        )
        hung = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                hung = True
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    code = None if hung else proc.returncode
    return Run(code, seconds, usage.ru_maxrss / 1024, text)


# ---------------------------------------------------------------------------------- reads


def reads(scratch: Path, cache: Path, quick: bool) -> list[list[str]]:
    """One row per (file, command); ``quick``: no /dev/urandom and no ``import wapo``."""
    (scratch / "zero.yaml").symlink_to("/dev/zero")
    (scratch / "urandom.yaml").symlink_to("/dev/urandom")
    os.mkfifo(scratch / "fifo.yaml")
    with open(scratch / "big.yaml", "wb") as handle:
        handle.truncate(300 * 1000 * 1000)  # sparse: the size is what is checked
    (scratch / "agencies.csv").write_text(AGENCIES_CSV, encoding="utf-8")
    (scratch / "incidents.csv").write_text(INCIDENTS_CSV, encoding="utf-8")
    (scratch / "bundled.yaml").write_bytes(BUNDLED.read_bytes())
    targets = [
        ("symlink to /dev/zero", "zero.yaml"),
        ("symlink to /dev/urandom", "urandom.yaml"),
        ("FIFO, no writer", "fifo.yaml"),
        ("300 MB (286 MiB) sparse file", "big.yaml"),
    ]
    if quick:
        targets = [target for target in targets if target[1] != "urandom.yaml"]
    rows: list[list[str]] = []

    def row(label: str, command: str, args: list[str]) -> None:
        run = cli(args, cwd=scratch, cache=cache, timeout=READ_TIMEOUT)
        code = f"hang (killed at {READ_TIMEOUT:g} s)" if run.code is None else str(run.code)
        line = run.first_line.replace("|", "\\|")
        rows.append([label, command, code, f"{run.seconds:.2f}", f"{run.rss_mb:.0f}", line])

    row("bundled log (baseline)", "validate", ["validate", "bundled.yaml"])
    for label, name in targets:
        row(label, "validate", ["validate", name])
        row(label, "rate", ["rate", "pledge-funding", "kept", name])
        row(label, "import timelinejs", ["import", "timelinejs", name, "-o", "out.yaml"])
        if not quick:
            row(label, "import wapo (incidents)", ["import", "wapo", name, "agencies.csv"])
            row(label, "import wapo (agencies)", ["import", "wapo", "incidents.csv", name])
    return rows


# --------------------------------------------------------------------------------- writes


@dataclass
class Rating:
    pledge: str
    status: str
    as_of: str
    note: str
    run: Run | None = None

    def args(self, log: Path) -> list[str]:
        return ["rate", self.pledge, self.status, "--as-of", self.as_of, "--note", self.note]


@dataclass
class Tally:
    tried: int = 0
    succeeded: int = 0
    refused: int = 0
    landed: int = 0
    lost: int = 0
    phantom: int = 0  # in the file, but its rate did not exit 0
    reasons: dict[str, int] = field(default_factory=dict)


def pledges_of(log: Path, cache: Path) -> list[str]:
    """The ids of the pledges in ``log``, as ``watchline pledges -F json`` lists them."""
    run = subprocess.run(
        [sys.executable, "-m", "tui", "pledges", log.name, "-F", "json"],
        cwd=log.parent,
        env=_environment(cache),
        capture_output=True,
        text=True,
        timeout=WRITE_TIMEOUT,
        check=True,
    )
    return [pledge["id"] for pledge in json.loads(run.stdout)]


def date_after(base: tuple[int, int], index: int) -> str:
    """A distinct EDTF day per index: (year, month) then the index'th day from there."""
    year, month = base
    month += index // 28
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return f"{year:04d}-{month:02d}-{index % 28 + 1:02d}"


def rate(log: Path, rating: Rating, cache: Path) -> Run:
    run = cli([*rating.args(log), log.name], cwd=log.parent, cache=cache, timeout=WRITE_TIMEOUT)
    rating.run = run
    return run


def landed(text: str, note: str) -> bool:
    return re.search(rf'note: "?{re.escape(note)}"?[,}}\n]', text) is not None


def tally(ratings: Sequence[Rating], text: str) -> Tally:
    out = Tally()
    for rating in ratings:
        out.tried += 1
        ok = rating.run is not None and rating.run.code == 0
        here = landed(text, rating.note)
        out.succeeded += ok
        out.landed += here
        out.lost += ok and not here
        out.phantom += here and not ok
        if not ok and rating.run is not None:
            out.refused += 1
            reason = _reason(rating.run)
            out.reasons[reason] = out.reasons.get(reason, 0) + 1
    return out


def _reason(run: Run) -> str:
    line = run.first_line
    if run.code is None:
        return "hang"
    if "changed on disk" in line or "changed since" in line:
        return "changed on disk"
    if "another watchline" in line:
        return "busy"
    return re.sub(r"\d+", "N", line)[:60] or f"exit {run.code}"


def temps(log: Path) -> list[Path]:
    return sorted(log.parent.glob(f".{log.name}.*.{TEMP_PATTERN}"))


def validates(log: Path, cache: Path) -> bool:
    return cli(["validate", log.name], cwd=log.parent, cache=cache, timeout=WRITE_TIMEOUT).code == 0


def keeps_original(original: str, final: str) -> str:
    """'identical', 'superset' (only lines added) or 'CHANGED' (a line lost or altered)."""
    if original == final:
        return "identical"
    old, new = original.splitlines(), final.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes()):
        return "superset"
    return "CHANGED"


def reasons(out: Tally) -> str:
    return ", ".join(f"{count} {why}" for why, count in sorted(out.reasons.items())) or "-"


def concurrent(log: Path, cache: Path, rounds: int, same_pledge: bool) -> list[str]:
    pledges = pledges_of(log, cache)
    first, second = pledges[0], pledges[0] if same_pledge else pledges[1]
    writers = [
        [
            Rating(first, "kept", date_after((2030, 1), i), f"doors-a-{i:04d}")
            for i in range(rounds)
        ],
        [
            Rating(second, "broken", date_after((2040, 1), i), f"doors-b-{i:04d}")
            for i in range(rounds)
        ],
    ]

    def writer(ratings: list[Rating]) -> None:
        for rating in ratings:
            rate(log, rating, cache)

    start = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(ratings,)) for ratings in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    everything = writers[0] + writers[1]
    out = tally(everything, log.read_text(encoding="utf-8"))
    what = "one pledge, two as-of dates" if same_pledge else "two pledges"
    return [
        f"two `rate`s at once, {what}",
        str(out.tried),
        str(out.succeeded),
        str(out.lost),
        str(out.phantom),
        reasons(out),
        "-",
        "yes" if validates(log, cache) else "NO",
        f"{seconds:.0f} s",
    ]


REWRITER = r"""
import os, random, sys, time
path, mode, stop, mean = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
count = 0
while not os.path.exists(stop):
    count += 1
    line = f"# doors-rewriter {count:06d}\n"
    if mode == "append":
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
        time.sleep(random.uniform(0, 2 * mean))
    else:
        # An editor's buffer: read, held while the user types, saved over the file.
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        time.sleep(random.uniform(0, 2 * mean))
        temp = f"{path}.rewriter~"
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(text + line)
        os.replace(temp, path)
print(count)
"""


def rewritten(log: Path, cache: Path, rounds: int, mode: str, mean: float) -> list[str]:
    pledge = pledges_of(log, cache)[0]
    stop = log.parent / "rewriter.stop"
    stop.unlink(missing_ok=True)
    rewriter = subprocess.Popen(
        [sys.executable, "-c", REWRITER, str(log), mode, str(stop), str(mean)],
        stdout=subprocess.PIPE,
        text=True,
    )
    ratings = [
        Rating(pledge, "kept", date_after((2050, 1), i), f"doors-r-{i:04d}") for i in range(rounds)
    ]
    start = time.perf_counter()
    for rating in ratings:
        rate(log, rating, cache)
    seconds = time.perf_counter() - start
    stop.touch()
    written = int(rewriter.communicate(timeout=WRITE_TIMEOUT)[0])
    text = log.read_text(encoding="utf-8")
    present = set(re.findall(r"^# doors-rewriter (\d+)$", text, re.MULTILINE))
    lines_lost = written - len(present)
    out = tally(ratings, text)
    what = {
        "append": "`rate` vs `echo >> log` loop",
        "editor": "`rate` vs an editor's read, hold, save-by-rename loop",
    }[mode]
    return [
        f"{what} ({mean * 1000:.0f} ms mean pause)",
        str(out.tried),
        str(out.succeeded),
        str(out.lost),
        str(out.phantom),
        reasons(out),
        f"{lines_lost} of {written}",
        "yes" if validates(log, cache) else "NO",
        f"{seconds:.0f} s",
    ]


def killed(log: Path, cache: Path, rounds: int, most: float, seed: int) -> list[str]:
    """``rate`` killed -9 after uniform(0, most) seconds, ``rounds`` times."""
    pledge = pledges_of(log, cache)[0]
    rng = random.Random(seed)
    original = log.read_text(encoding="utf-8")
    ratings = [
        Rating(pledge, "kept", date_after((2060, 1), i), f"doors-k-{i:04d}") for i in range(rounds)
    ]
    finished = 0
    for rating in ratings:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", *rating.args(log), log.name],
            cwd=log.parent,
            env=_environment(cache),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, most))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        code = proc.wait()
        finished += code == 0
        rating.run = Run(code, 0.0, 0.0, "")
    text = log.read_text(encoding="utf-8")
    left = len(temps(log))
    valid = validates(log, cache)
    kept = keeps_original(original, text)
    out = tally(ratings, text)
    # One more rate, at once: leftovers younger than STALE_SECONDS stay (a live writer's
    # file might be that young). Then the same after the leftovers are aged past it.
    after = Rating(pledge, "kept", date_after((2070, 1), 0), "doors-k-after-1")
    rate(log, after, cache)
    left_after = len(temps(log))
    old = time.time() - STALE_SECONDS - 1
    for temp in temps(log):
        os.utime(temp, (old, old))
    aged = Rating(pledge, "kept", date_after((2070, 1), 1), "doors-k-after-2")
    rate(log, aged, cache)
    left_aged = len(temps(log))
    ok = all(r.run is not None and r.run.code == 0 for r in (after, aged))
    return [
        f"`rate` killed -9 after 0-{most * 1000:.0f} ms",
        str(rounds),
        str(finished),
        str(out.landed),
        str(out.phantom),
        str(left),
        f"{left_after} / {left_aged}" + ("" if ok else " (a follow-up rate FAILED)"),
        "yes" if valid else "NO",
        kept,
    ]


def median_rate_seconds(log: Path, cache: Path, runs: int = 3) -> float:
    pledge = pledges_of(log, cache)[0]
    times = []
    for i in range(runs):
        rating = Rating(pledge, "kept", date_after((2080, 1), i), f"doors-t-{i:04d}")
        run = rate(log, rating, cache)
        if run.code != 0:
            raise SystemExit(f"a plain rate of {log.name} failed: {run.first_line}")
        times.append(run.seconds)
    return statistics.median(times)


def writes(
    scratch: Path, cache: Path, name: str, source: bytes, rounds: int, seed: int
) -> tuple[list[list[str]], list[list[str]], float]:
    def fresh(label: str) -> Path:
        folder = scratch / f"{name}-{label}"
        folder.mkdir()
        log = folder / "log.yaml"
        log.write_bytes(source)
        return log

    typical = median_rate_seconds(fresh("timing"), cache)
    races = [
        [name, *concurrent(fresh("two-pledges"), cache, rounds, same_pledge=False)],
        [name, *concurrent(fresh("one-pledge"), cache, rounds, same_pledge=True)],
        [name, *rewritten(fresh("append-fast"), cache, rounds, "append", 0.02)],
        [name, *rewritten(fresh("append-slow"), cache, rounds, "append", typical)],
        [name, *rewritten(fresh("editor-fast"), cache, rounds, "editor", 0.02)],
        [name, *rewritten(fresh("editor-slow"), cache, rounds, "editor", typical)],
    ]
    kills = [
        [name, *killed(fresh("kill-short"), cache, rounds, 0.2, seed)],
        [name, *killed(fresh("kill-whole"), cache, rounds, typical * 1.2, seed + 1)],
    ]
    return races, kills, typical


# ---------------------------------------------------------------------------------- output


def table(header: Sequence[str], rows: Sequence[Sequence[str]], text: Sequence[int]) -> str:
    """A Markdown table: the columns numbered in ``text`` left-aligned, the rest right."""
    align = ["---" if i in text else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
        f"- Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}\n"
        f"- Python {platform.python_version()}; load average at the start: {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer reads; 10 rounds, a 2,000-event log"
    )
    parser.add_argument("--rounds", type=int, help="rates per writer (default 50; quick 10)")
    parser.add_argument("--events", type=int, help="generated log size (default 10000; 0: none)")
    parser.add_argument("--only", choices=["reads", "writes"], help="run one half")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also append the Markdown to FILE")
    args = parser.parse_args(argv)
    rounds = args.rounds or (10 if args.quick else 50)
    events = args.events if args.events is not None else (2000 if args.quick else 10_000)
    parts = [f"## benchmarks/doors.py{' --quick' if args.quick else ''}", "", machine(), ""]

    def emit(text: str) -> None:
        print(text, flush=True)
        parts.append(text)

    print("\n".join(parts), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        scratch, cache = Path(tmp), Path(tmp) / "cache"
        cache.mkdir()
        if args.only != "writes":
            rows = reads(scratch, cache, args.quick)
            emit("### Reads: what a command does with a file that is not a log\n")
            header = ["file", "command", "exit", "wall s", "peak RSS MB", "stderr, first line"]
            emit(table(header, rows, (0, 1, 5)) + "\n")
        if args.only != "reads":
            logs = [("bundled log", BUNDLED.read_bytes())]
            if events:
                logs.append((f"{events:,} events", generate(events, args.seed).encode("utf-8")))
            races: list[list[str]] = []
            kills: list[list[str]] = []
            typical: list[str] = []
            for index, (name, source) in enumerate(logs):
                # A generated log's rate takes about ten times as long: a fifth of the rounds.
                count = rounds if index == 0 else max(5, rounds // 5)
                race_rows, kill_rows, seconds = writes(
                    scratch, cache, name, source, count, args.seed
                )
                races += race_rows
                kills += kill_rows
                typical.append(f"{name}: {seconds:.2f} s")
            emit(
                f"### Writes under company: {rounds} ratings per writer on the bundled log, "
                f"{max(5, rounds // 5)} on a generated one "
                f"(a plain `rate` takes {'; '.join(typical)})\n"
            )
            header = [
                "log",
                "test",
                "tried",
                "succeeded",
                "lost",
                "landed, not reported",
                "refused (why)",
                "rewriter lines lost",
                "log valid",
                "wall",
            ]
            emit(table(header, races, (0, 1, 6, 8)) + "\n")
            emit(
                f"### Writes killed: SIGKILL during `rate`, {rounds} times on the bundled log, "
                f"{max(5, rounds // 5)} on a generated one\n"
            )
            header = [
                "log",
                "test",
                "kills",
                "exited 0 first",
                "ratings landed",
                "landed, not reported",
                "temp files left",
                "after 1 more rate / aged past 60 s",
                "log valid",
                "original lines",
            ]
            emit(table(header, kills, (0, 1, 8, 9)) + "\n")
    if args.out:
        with open(args.out, "a", encoding="utf-8") as handle:
            handle.write("\n".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
