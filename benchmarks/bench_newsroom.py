"""A newsroom on one machine: N readers at once over SSH, each session forked from the
warm template or (``--no-template``) started on its own.

    python benchmarks/bench_newsroom.py [--readers 100] [--events 10000] [--no-template]

Generates a log of ``--events`` events (benchmarks/generate.py), starts the real
``watchline serve ssh`` on it (its own process, 127.0.0.1, a fresh key), then connects
``--readers`` SSH clients one after another (asyncssh clients in this process, 80x24
xterm-256color ptys), each staying connected, and prints one table:

- first frame: from opening the connection until the footer's last word (``palette``)
  has arrived, i.e. the timeline is drawn; median, worst, and the last reader's;
- memory: the proportional set size (PSS, /proc/PID/smaps_rollup: shared pages split
  between the processes that share them) of every session and the template, and what
  one more reader adds (the sum's growth divided by the readers); MemAvailable's drop;
- idle CPU: the sessions' (and the template's and server's) CPU time over 20 s in which
  nobody presses a key, after 5 s of quiet.

The issue's goal: 100 readers of a 10k-event log, the 100th reader's first frame within
2 s, at most 20 MB (PSS) a reader, no CPU while idle.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import asyncssh
from bench_serve import cpu_seconds  # run as a script: benchmarks/ is on sys.path

REPO = Path(__file__).resolve().parents[1]
FOOTER = b"palette"


def pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def mem_available_kib() -> int:
    match = re.search(r"^MemAvailable:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return int(match.group(1)) if match else 0


class Server:
    """``watchline serve ssh`` in its own process; its log lines collected as they come."""

    def __init__(self, folder: Path, log: Path, readers: int, template: bool) -> None:
        reader = asyncssh.generate_private_key("ssh-ed25519")
        self.key = reader
        (folder / "authorized_keys").write_bytes(reader.export_public_key())
        argv = [
            sys.executable, "-m", "tui", "serve", "ssh", str(log),
            "--port", "0", "--host-key", str(folder / "host"),
            "--authorized-keys", str(folder / "authorized_keys"),
            "--connections-per-minute", "100000", "--max-sessions", str(readers + 5),
        ]  # fmt: skip
        if not template:
            argv.append("--no-template")
        self.process = subprocess.Popen(
            argv, env={**os.environ, "PYTHONPATH": str(REPO)}, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        self.port = 0
        self.template_pid = 0
        ready = threading.Event()

        def read() -> None:
            assert self.process.stderr is not None
            for line in self.process.stderr:
                self.lines.append(line)
                if match := re.search(r"template ready pid=(\d+)", line):
                    self.template_pid = int(match.group(1))
                if match := re.search(r"listening on \S+ port (\d+)", line):
                    self.port = int(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(600) or not self.port:
            raise RuntimeError("the server did not start:\n" + "".join(self.lines))

    def session_pids(self) -> list[int]:
        started = [
            int(m.group(1)) for line in self.lines if (m := re.search(r"start .*pid=(\d+)", line))
        ]
        return [pid for pid in started if Path(f"/proc/{pid}").exists()]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Reader:
    """One SSH client with a pty; the time its first frame took."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.first_frame: float | None = None
        self.connection: asyncssh.SSHClientConnection | None = None

    async def open(self, port: int, key: asyncssh.SSHKey) -> None:
        start = time.monotonic()
        self.connection = await asyncssh.connect(
            "127.0.0.1", port, username="reader", client_keys=[key], known_hosts=None,
            agent_path=None, config=None,
        )  # fmt: skip
        reader = self

        class Session(asyncssh.SSHClientSession[bytes]):
            def data_received(self, data: bytes, datatype: object) -> None:
                reader.received += data
                if reader.first_frame is None and FOOTER in reader.received:
                    reader.first_frame = time.monotonic() - start

        await self.connection.create_session(
            Session, term_type="xterm-256color", term_size=(80, 24), encoding=None
        )
        deadline = time.monotonic() + 120
        while self.first_frame is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self.first_frame is None:
            raise RuntimeError("no first frame in 120 s")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


async def measure(server: Server, readers: int) -> dict[str, str]:
    base_pss = pss_kib(server.template_pid) if server.template_pid else 0
    base_available = mem_available_kib()
    opened: list[Reader] = []
    try:
        for _ in range(readers):
            reader = Reader()
            await reader.open(server.port, server.key)
            opened.append(reader)
        frames = [r.first_frame or 0.0 for r in opened]
        await asyncio.sleep(5)  # let the last sessions finish their start-up work
        pids = server.session_pids()
        watched = [*pids, server.process.pid] + (
            [server.template_pid] if server.template_pid else []
        )
        before = {pid: cpu_seconds(pid) for pid in watched}
        await asyncio.sleep(20)
        session_cpu = sum(cpu_seconds(pid) - before[pid] for pid in pids)
        other_cpu = sum(cpu_seconds(p) - before[p] for p in watched if p not in pids)
        total_pss = sum(pss_kib(pid) for pid in pids) + (
            pss_kib(server.template_pid) if server.template_pid else 0
        )
        dropped = base_available - mem_available_kib()
        mib = 1024
        return {
            "readers connected": f"{len(opened)} ({len(pids)} sessions running)",
            "first frame, median": f"{statistics.median(frames):.2f} s",
            "first frame, worst": f"{max(frames):.2f} s",
            f"first frame, reader {len(frames)}": f"{frames[-1]:.2f} s",
            "first frame, readers 1-10 median": f"{statistics.median(frames[:10]):.2f} s",
            "PSS of every session and the template": f"{total_pss / mib:,.0f} MiB",
            "PSS one more reader adds": f"{(total_pss - base_pss) / mib / max(1, len(pids)):.1f} MiB",
            "MemAvailable drop per reader": f"{dropped / mib / max(1, len(pids)):.1f} MiB",
            "idle CPU, all sessions, 20 s": f"{session_cpu:.2f} s ({100 * session_cpu / 20:.1f}% of a core)",
            "idle CPU, server and template, 20 s": f"{other_cpu:.2f} s",
        }
    finally:
        for reader in opened:
            reader.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--no-template", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="watchline-newsroom-") as name:
        folder = Path(name)
        log = folder / f"log-{args.events}.yaml"
        subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(args.events), "7", str(log)],
            check=True,
        )  # fmt: skip
        started = time.monotonic()
        server = Server(folder, log, args.readers, template=not args.no_template)
        ready = time.monotonic() - started
        try:
            rows = asyncio.run(measure(server, args.readers))
        finally:
            server.stop()
    way = "each on its own (--no-template)" if args.no_template else "forked from the warm template"
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{args.readers} readers of a {args.events:,}-event log, sessions {way}")
    print(f"machine: {os.cpu_count()} CPUs, load average after: {load}")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| server ready (template loaded) | {ready:.2f} s |")
    for name, value in rows.items():
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
