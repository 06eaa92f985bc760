"""Measure watchline as a user's terminal sees it, and print one table from one run.

    PYTHONPATH=. python benchmarks/run.py [--quick] [--out benchmarks/RESULTS.md]

Every figure comes from a real pseudo-terminal (pexpect) whose output is fed to a
terminal emulator (pyte), exactly as a user's terminal would draw it:

- **first frame**: from starting the command until the screen shows an event title from
  the log (for the floor app: its text). Cold runs use an empty cache folder
  (``XDG_CACHE_HOME``); warm runs the same folder again.
- **settle**: after a key, the time until the screen stops changing (the last output
  before a quiet gap), for a facet toggle and for each key of a typed search.
- **bytes**: what the app writes to the terminal for one cursor step (``j``) and one page
  (page down), averaged over several.
- **peak RSS**: the app's VmHWM from /proc just before it quits.

Every run waits, after the first frame, until the header no longer says "indexing": the
keys are measured on a log that is ready, and a cold run leaves its indexes in the cache
for the warm run after it, as a user's first session would.

Each time is also a multiple of the floor (the smallest Textual app, a Static and a
Footer) measured in the same run, so a busy machine and a quiet one compare. The naive
design (every event in an OptionList, benchmarks/naive_app.py) runs beside watchline.
``--quick`` skips the 100k-event log (a smoke test of the harness); ``--million`` adds
1M events as a folder of ten 100k files: cold and warm first frame, and, warm, once the
indexes are ready, cursor steps and search keys. A search key there is timed until the
result count changes, not by settle: an answer slower than the quiet gap would leave
the settle at the key's echo.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable
COLUMNS, ROWS = 80, 24
AS_OF = "2020-06-30"
# A gap this long with no output means the screen has settled after a key. Longer than a
# frame at Textual's 60 fps; shorter than a blinking cursor's half period (0.5 s).
QUIET = 0.25
FIRST_FRAME_TIMEOUT = 600.0
_PERCENT = re.compile(r"\b\d{1,3}%")
KEYS = {
    "j": b"j",
    "down": b"\x1b[B",
    "pgdn": b"\x1b[6~",
    "space": b" ",
    "escape": b"\x1b",
    "slash": b"/",
}


# ------------------------------------------------------------------------------ one session


class Session:
    """One app in a pty of COLUMNS x ROWS, its output drawn by pyte as it arrives."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, cwd=str(REPO), dimensions=(ROWS, COLUMNS)
        )
        self.bytes_read = 0
        self.progress_seen = False

    def pump(self, timeout: float) -> int:
        """Read what is there (waiting up to ``timeout``), draw it; bytes read."""
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return 0
        except pexpect.EOF:
            raise RuntimeError("the app exited:\n" + self.text()) from None
        self.stream.feed(data)
        self.bytes_read += len(data)
        return len(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, found: Callable[[str], bool], timeout: float) -> float:
        """Seconds from the start until ``found(screen text)``; raises on timeout.

        Also notes whether a progress bar (a percentage) was on screen meanwhile.
        """
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.pump(0.02):
                text = self.text()
                if found(text):
                    return time.perf_counter() - self.started
                if not self.progress_seen and _PERCENT.search(text):
                    self.progress_seen = True
        raise RuntimeError("timed out waiting for the screen:\n" + self.text())

    def settle(self, first: float = 5.0, timeout: float = 60.0) -> tuple[float, int]:
        """(seconds until the last output before a QUIET gap, bytes) since now.

        Waits up to ``first`` seconds for the first output (a slow answer is still an
        answer), then reads until QUIET passes with nothing new.
        """
        start = time.perf_counter()
        total = self.pump(first)
        last = time.perf_counter() if total else start
        while total and time.perf_counter() - start < timeout:
            got = self.pump(QUIET)
            if not got:
                break
            total += got
            last = time.perf_counter()
        return last - start, total

    def wait_while_indexing(self) -> float:
        """Seconds until the header no longer says "indexing" (at most FIRST_FRAME_TIMEOUT)."""
        start = time.perf_counter()
        while "indexing" in self.text() and time.perf_counter() - start < FIRST_FRAME_TIMEOUT:
            self.pump(0.05)
        return time.perf_counter() - start

    def press(self, key: str) -> tuple[float, int]:
        """Send one key; (settle seconds, bytes written in answer)."""
        self.child.send(KEYS.get(key, key.encode()))
        return self.settle()

    def peak_rss_mb(self) -> float | None:
        """The app's peak resident memory (VmHWM) in MiB, if /proc shows it."""
        try:
            status = Path(f"/proc/{self.child.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else None

    def quit(self) -> None:
        """Ask the app to quit; a busy one (a 1M-event log still writing its cache) is
        killed, and a child that outlives even that is left to the OS, not a crash of
        the whole run (the table is printed at the end)."""
        self.child.send(b"q")
        try:
            self.child.expect(pexpect.EOF, timeout=20)
        except pexpect.TIMEOUT:
            self.child.terminate(force=True)
        try:
            self.child.close(force=True)
        except pexpect.ExceptionPexpect:
            print(f"the app (pid {self.child.pid}) would not stop", file=sys.stderr)


# ------------------------------------------------------------------------------ the runs


@dataclass
class Figures:
    """What one app measured on one log."""

    first_frame: float | None = None
    progress_seen: bool = False
    rss_mb: float | None = None
    step_bytes: float | None = None
    page_bytes: float | None = None
    facet_ms: float | None = None
    search_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Once the indexes are ready (the 1M run): seconds after the first frame, cursor
    # steps' settle, and each search key's time until the result count changes.
    indexed_after: float | None = None
    step_ms: list[float] = field(default_factory=list)
    answer_ms: list[float] = field(default_factory=list)


def title_matcher(log: Path | None) -> Callable[[str], bool]:
    """Whether a screen shows the start of any event title of ``log`` (or the floor text)."""
    if log is None:
        return lambda text: "The floor" in text
    import yaml_rs

    tree = yaml_rs.loads(log.read_text(encoding="utf-8"), parse_datetime=False)
    prefixes = {str(event["title"])[:16] for event in tree["events"]}
    pattern = re.compile("|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True)))
    return lambda text: pattern.search(text.replace("\n", " ")) is not None


def environment(cache: Path, config: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLORTERM", "TEXTUAL_DRIVER", "WATCHLINE_CACHE", "NO_COLOR")
    }
    env.update(
        TERM="xterm-256color",
        LANG="C.UTF-8",
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(cache),
        XDG_CONFIG_HOME=str(config),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_app(
    argv: list[str],
    env: dict[str, str],
    found: Callable[[str], bool],
    interact: bool,
    search: str,
    facet_keys: list[str],
    step_key: str = "j",
) -> Figures:
    """Start an app, time its first frame, then (if ``interact``) keys, bytes and memory."""
    figures = Figures()
    session = Session(argv, env)
    try:
        figures.first_frame = session.wait_for(found, FIRST_FRAME_TIMEOUT)
        figures.progress_seen = session.progress_seen
        # As a user's first session would: the search indexes are ready (and cached, so
        # a warm run after a cold one reads them) before any key is measured or we quit.
        session.wait_while_indexing()
        session.settle()
        if interact:
            steps = [session.press(step_key)[1] for _ in range(10)]
            figures.step_bytes = statistics.mean(steps)
            pages = [session.press("pgdn")[1] for _ in range(5)]
            figures.page_bytes = statistics.mean(pages)
            before = session.text()
            for key in facet_keys[:-1]:
                session.press(key)
            seconds, _ = session.press(facet_keys[-1])
            figures.facet_ms = seconds * 1000
            if session.text() == before:
                figures.notes.append("the facet toggle did not change the screen")
            session.press("escape")
            session.press("slash")
            for char in search:
                seconds, _ = session.press(char)
                figures.search_ms.append(seconds * 1000)
            session.press("escape")
        figures.rss_mb = session.peak_rss_mb()
    finally:
        session.quit()
    return figures


_COUNT = re.compile(r"([\d,]+) of [\d,]+ events")


def run_in_use(argv: list[str], env: dict[str, str], found: Callable[[str], bool]) -> Figures:
    """A very large log once it is usable: the first frame, then (when the header no
    longer says "indexing") cursor steps, and search keys timed until the result count
    changes (a settle alone would end at the key's echo if the answer took longer than
    the quiet gap), and the peak RSS by then."""
    figures = Figures()
    session = Session(argv, env)
    try:
        figures.first_frame = session.wait_for(found, FIRST_FRAME_TIMEOUT)
        figures.progress_seen = session.progress_seen
        figures.indexed_after = session.wait_while_indexing()
        session.settle()
        figures.step_ms = [session.press("j")[0] * 1000 for _ in range(10)]
        session.press("slash")
        for char in "bod":  # each narrows the count ("body" holds what "bod" does)
            match = _COUNT.search(session.text())
            before = match.group(1) if match else None
            sent = time.perf_counter()
            session.child.send(char.encode())
            while time.perf_counter() - sent < 10:
                match = _COUNT.search(session.text())
                if match and match.group(1) != before:
                    break
                session.pump(0.005)
            figures.answer_ms.append((time.perf_counter() - sent) * 1000)
            session.settle()
        session.press("escape")
        figures.rss_mb = session.peak_rss_mb()
    finally:
        session.quit()
    return figures


# ------------------------------------------------------------------------------ the table


def fmt_seconds(value: float | None, floor: float) -> tuple[str, str]:
    if value is None:
        return "-", "-"
    return f"{value:.2f} s", f"{value / floor:.1f}x"


def fmt(value: float | None, unit: str, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f} {unit}"


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    load = os.getloadavg()
    return [
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, Textual {textual.__version__}",
        f"- Load average at the start: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"
        f" (shared machine; compare the ratios, which are taken within this run)",
        f"- Terminal: a pty of {COLUMNS}x{ROWS}, TERM=xterm-256color, read by pyte;"
        f" --as-of {AS_OF}; settle = last output before {QUIET * 1000:.0f} ms of quiet",
    ]


def generate(count: int, out: Path) -> Path:
    if not out.exists():
        subprocess.run(
            [PYTHON, str(HERE / "generate.py"), str(count), "1", str(out)],
            check=True,
            capture_output=True,
        )
    return out


def generate_folder(files: int, per_file: int, out: Path) -> Path:
    """``files`` logs of ``per_file`` events in one folder: one seed (so the registries are
    the same in each) and an id prefix per file, loaded together as one log."""
    out.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        path = out / f"part-{number:02d}.yaml"
        if not path.exists():
            subprocess.run(
                [
                    PYTHON,
                    str(HERE / "generate.py"),
                    str(per_file),
                    "1",
                    str(path),
                    "--id-prefix",
                    f"p{number}-",
                ],
                check=True,
                capture_output=True,
            )
    return out


def main() -> int:
    """Run every measurement and print (and with --out, write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k-event log")
    parser.add_argument("--out", type=Path, help="write the table here (Markdown)")
    parser.add_argument("--logs", type=Path, help="folder for generated logs (kept)")
    parser.add_argument("--repeat", type=int, default=3, help="first frames: median of N")
    parser.add_argument(
        "--million",
        action="store_true",
        help="also 1M events (a folder of ten 100k files): cold and warm first frame, RSS",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="watchline-bench-"))
    try:
        return _measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # caches and generated logs: 100+ MB


def _measure(args: argparse.Namespace, work: Path) -> int:
    logs_dir = args.logs or work
    logs_dir.mkdir(parents=True, exist_ok=True)
    header = machine()
    sizes = [10_000] if args.quick else [10_000, 100_000]
    logs = {
        "bundled": REPO / "data" / "ct-bodycams.yaml",
        **{f"{n // 1000}k": generate(n, logs_dir / f"generated-{n}.yaml") for n in sizes},
    }
    config = work / "config"
    watchline = [PYTHON, "-m", "tui", "--as-of", AS_OF]
    naive = [PYTHON, str(HERE / "naive_app.py")]
    floor_argv = [PYTHON, str(HERE / "floor_app.py")]

    def first_frames(argv: list[str], cache: Path | None, found: Callable[[str], bool]) -> float:
        """Median first frame over ``args.repeat`` runs; ``cache`` None: caching off."""
        times = []
        for _ in range(args.repeat):
            env = environment(cache or work / "unused", config)
            if cache is None:
                env["WATCHLINE_CACHE"] = "0"
            figures = run_app(argv, env, found, False, "", [])
            assert figures.first_frame is not None
            times.append(figures.first_frame)
        return statistics.median(times)

    print("floor ...", file=sys.stderr)
    floor = first_frames(floor_argv, work / "floor-cache", title_matcher(None))
    rows: list[tuple[str, str, str, str, str]] = []
    progress_shown: set[str] = set()
    notes: list[str] = []

    def add(name: str, ours: float | None, theirs: float | None) -> None:
        a, ar = fmt_seconds(ours, floor)
        b, br = fmt_seconds(theirs, floor)
        rows.append((name, a, ar, b, br))

    rows.append(("floor: Static + Footer, first frame", f"{floor:.2f} s", "1.0x", "", ""))
    detail: dict[str, tuple[Figures, Figures]] = {}
    for name, log in logs.items():
        print(f"{name} ...", file=sys.stderr)
        found = title_matcher(log)
        cache = work / f"cache-{name}"
        repeat = 1 if name == "100k" else args.repeat
        saved = args.repeat
        args.repeat = repeat
        if name == "bundled":
            add(
                "bundled log, first frame", first_frames([*watchline, str(log)], cache, found), None
            )
            add(
                "bundled log, first frame (naive)",
                None,
                first_frames([*naive, str(log)], None, found),
            )
            args.repeat = saved
            continue
        # Cold: an empty cache folder every time; warm: the folder the cold run filled.
        cold_times = []
        for attempt in range(repeat):
            cold_cache = work / f"cache-{name}-cold-{attempt}"
            figures = run_app(
                [*watchline, str(log)], environment(cold_cache, config), found, False, "", []
            )
            cold_times.append(figures.first_frame or 0.0)
            if figures.progress_seen:
                progress_shown.add(name)
        cache = work / f"cache-{name}-cold-0"
        warm = first_frames([*watchline, str(log)], cache, found)
        naive_cold = first_frames([*naive, str(log)], None, found)
        args.repeat = saved
        shown = ", progress bar shown" if name in progress_shown else ""
        add(
            f"{name} events, first frame, cold (no cache{shown})",
            statistics.median(cold_times),
            naive_cold,
        )
        add(f"{name} events, first frame, warm (cache)", warm, None)
        print(f"{name} keys ...", file=sys.stderr)
        ours = run_app(
            [*watchline, str(log)],
            environment(cache, config),
            found,
            True,
            "body",
            ["f", "down", "space"],
        )
        theirs = run_app(
            [*naive, str(log)],
            environment(work / f"naive-{name}-keys", config),
            found,
            True,
            "body",
            ["f"],
            step_key="down",  # an OptionList moves with the arrow keys only
        )
        detail[name] = (ours, theirs)
        for who, figures in (("watchline", ours), ("naive", theirs)):
            notes.extend(f"{name} {who}: {note}" for note in figures.notes)

    million: tuple[Figures, Figures] | None = None
    if args.million:
        print("1M ...", file=sys.stderr)
        folder = generate_folder(10, 100_000, logs_dir / "million")
        found = title_matcher(folder / "part-00.yaml")  # every part has the same titles
        cache = work / "cache-1m"
        cold_1m = run_app(
            [*watchline, str(folder)], environment(cache, config), found, False, "", []
        )
        warm_1m = run_in_use([*watchline, str(folder)], environment(cache, config), found)
        million = (cold_1m, warm_1m)
        shown = ", progress bar shown" if cold_1m.progress_seen else ""
        add(
            f"1M events (ten files), first frame, cold (no cache{shown})", cold_1m.first_frame, None
        )
        add("1M events (ten files), first frame, warm (cache)", warm_1m.first_frame, None)

    table = [
        "| measure | watchline | ratio to floor | naive (OptionList) | ratio to floor |",
        "|---|---:|---:|---:|---:|",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    for name, (ours, theirs) in detail.items():

        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.0f} ms"

        def search(f: Figures) -> str:
            if not f.search_ms:
                return "-"
            return f"{max(f.search_ms):.0f} ms (median {statistics.median(f.search_ms):.0f})"

        table += [
            f"| {name}: facet toggle, settle | {ms(ours.facet_ms)} | "
            f"{fmt_seconds((ours.facet_ms or 0) / 1000, floor)[1]} | {ms(theirs.facet_ms)} | "
            f"{fmt_seconds((theirs.facet_ms or 0) / 1000, floor)[1]} |",
            f"| {name}: search keystroke 'body', worst | {search(ours)} | | {search(theirs)} | |",
            f"| {name}: bytes per cursor step (j; naive: down) | {fmt(ours.step_bytes, 'B')} | | "
            f"{fmt(theirs.step_bytes, 'B')} | |",
            f"| {name}: bytes per page (page down) | {fmt(ours.page_bytes, 'B')} | | "
            f"{fmt(theirs.page_bytes, 'B')} | |",
            f"| {name}: peak RSS | {fmt(ours.rss_mb, 'MiB')} | | {fmt(theirs.rss_mb, 'MiB')} | |",
        ]
    if million is not None:
        cold_1m, warm_1m = million

        def spread(values: list[float]) -> str:
            if not values:
                return "-"
            return f"{statistics.median(values):.0f} ms / {max(values):.0f} ms"

        after = warm_1m.indexed_after
        table += [
            f"| 1M: indexes ready, after the first frame (warm) | "
            f"{'-' if after is None else f'{after:.1f} s'} | | - | |",
            f"| 1M: cursor step (j), settle, median / worst | {spread(warm_1m.step_ms)} | | - | |",
            f"| 1M: search key ('b', 'o', 'd'), until the count changes, median / worst | "
            f"{spread(warm_1m.answer_ms)} | | - | |",
            f"| 1M: peak RSS (cold, at the first frame / warm, once indexed and searched) | "
            f"{fmt(cold_1m.rss_mb, 'MiB')} / {fmt(warm_1m.rss_mb, 'MiB')} | | - | |",
        ]
    load = os.getloadavg()
    footer = [f"- Load average at the end: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"]
    footer += [f"- Note: {note}" for note in notes]
    text = "\n".join([*header, "", *table, "", *footer]) + "\n"
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
