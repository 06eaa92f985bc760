"""Serving over SSH: first frame against a local run, and a cursor step under load.

    python benchmarks/bench_serve.py [--runs 5] [--sessions 10] [--log PATH]

Starts ``watchline serve ssh`` (the real command, in its own process) on 127.0.0.1 with a
fresh key pair, and drives the real OpenSSH client in ptys, reading the screens with pyte.

- first frame: from starting ``ssh -tt`` (or, locally, ``watchline PATH --read-only``) in an
  80x24 pty until the timeline is on the screen; median of ``--runs``.
- cursor step: with ``--sessions`` readers connected at once, press ``j`` and time until the
  screen stops changing (the last byte before 250 ms of quiet), one session at a time
  (the others open and idle) and then in all of them at the same moment.

The issue's targets: SSH first frame within 2x of local; a step settles within 100 ms in
each of 10 sessions on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
import pexpect
import pyte

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "data" / "ct-bodycams.yaml"
QUIET = 0.25


class Screen:
    """A program in an 80x24 pty and what its screen shows."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(argv[0], argv[1:], dimensions=(24, 80), env=env)
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        self.fd = self.child.child_fd
        self.last_byte = 0.0
        self.bytes = 0

    def feed(self, draw: bool = True) -> bool:
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.last_byte = time.monotonic()
        self.bytes += len(data)
        if draw:  # pyte is slow; timing loops skip it so the measurer does not skew the time
            self.stream.feed(data)
        return True

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def close(self) -> None:
        self.child.terminate(force=True)


def pump(screens: list[Screen], seconds: float, draw: bool = True) -> None:
    """Read whatever any screen has for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([s.fd for s in screens], [], [], min(left, 0.01))
        for screen in screens:
            if screen.fd in ready:
                screen.feed(draw)


def wait_until(screens: list[Screen], done, timeout: float = 30) -> float:
    start = time.monotonic()
    while not all(done(s) for s in screens):
        if time.monotonic() - start > timeout:
            raise TimeoutError("the timeline did not appear: " + screens[0].text())
        pump(screens, 0.01)
    return time.monotonic() - start


def settle(screens: list[Screen], pressed_at: float) -> list[float]:
    """For each screen, the time from the key press to its last byte before a quiet spell."""
    for screen in screens:
        screen.last_byte = 0.0
    while True:
        pump(screens, 0.01, draw=False)
        now = time.monotonic()
        if all(s.last_byte and now - s.last_byte >= QUIET for s in screens):
            return [s.last_byte - pressed_at for s in screens]
        if now - pressed_at > 10:
            raise TimeoutError("a cursor step never reached a screen")


def timeline_markers(log: Path) -> list[str]:
    text = log.read_text(encoding="utf-8")
    title = re.search(r"^title:\s*(.+)$", text, re.M)
    return [title.group(1).strip()[:30]] if title else ["events"]


def client_env() -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8"}


def start_server(folder: Path, log: Path) -> tuple[subprocess.Popen[str], int, Path]:
    reader = asyncssh.generate_private_key("ssh-ed25519")
    key = folder / "reader"
    key.write_bytes(reader.export_private_key())
    key.chmod(0o600)
    (folder / "authorized_keys").write_bytes(reader.export_public_key())
    server = subprocess.Popen(
        [
            sys.executable, "-m", "tui", "serve", "ssh", str(log),
            "--port", "0", "--host-key", str(folder / "host"),
            "--authorized-keys", str(folder / "authorized_keys"),
            "--connections-per-minute", "1000", "--max-sessions", "50",
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert server.stderr is not None
    for line in server.stderr:
        match = re.search(r"listening on \S+ port (\d+)", line)
        if match:
            return server, int(match.group(1)), key
    raise RuntimeError("the server did not start")


def ssh_argv(port: int, key: Path) -> list[str]:
    return [
        shutil.which("ssh") or "/usr/bin/ssh", "-F", "/dev/null", "-p", str(port), "-tt",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
        "-i", str(key), "reader@127.0.0.1",
    ]  # fmt: skip


def first_frame(argv: list[str], env: dict[str, str], markers: list[str]) -> float:
    start = time.monotonic()
    screen = Screen(argv, env)
    try:
        wait_until([screen], lambda s: any(m in s.text() for m in markers))
        return time.monotonic() - start
    finally:
        screen.close()


def focus_timeline(screens: list[Screen]) -> None:
    """Escape: the timeline takes the focus (the app may start in its search box)."""
    for screen in screens:
        screen.child.send("\x1b")
    pump(screens, 0.5)


def cursor_steps(screen: Screen, markers: list[str], count: int) -> list[float]:
    """``count`` cursor steps in one session, each timed until its screen settles."""
    try:
        wait_until([screen], lambda s: any(m in s.text() for m in markers))
        focus_timeline([screen])
        steps = []
        for _ in range(count):
            pressed = time.monotonic()
            screen.child.send("j")
            steps += settle([screen], pressed)
        return steps
    finally:
        screen.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (Linux /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--log", type=Path, default=BUNDLED)
    args = parser.parse_args()
    log = args.log.resolve()
    markers = timeline_markers(log)

    local_env = {**client_env(), "PYTHONPATH": str(REPO)}
    local_argv = [sys.executable, "-m", "tui", str(log), "--read-only"]
    local = [first_frame(local_argv, local_env, markers) for _ in range(args.runs)]
    local_steps = cursor_steps(Screen(local_argv, local_env), markers, args.runs)

    with tempfile.TemporaryDirectory() as tmp:
        server, port, key = start_server(Path(tmp), log)
        try:
            remote = [
                first_frame(ssh_argv(port, key), client_env(), markers) for _ in range(args.runs)
            ]
            alone = Screen(ssh_argv(port, key), client_env())
            remote_steps = cursor_steps(alone, markers, args.runs)

            screens = [Screen(ssh_argv(port, key), client_env()) for _ in range(args.sessions)]
            opened = wait_until(screens, lambda s: any(m in s.text() for m in markers), 120)
            focus_timeline(screens)
            one_at_a_time = []
            for screen in screens:
                pressed = time.monotonic()
                screen.child.send("j")
                one_at_a_time += settle([screen], pressed)
            sessions = children_of(server.pid)
            memory = [rss_mb(pid) for pid in sessions]
            server_memory = rss_mb(server.pid)
            server_cpu = cpu_seconds(server.pid)
            apps_cpu = sum(cpu_seconds(pid) for pid in sessions)
            pressed = time.monotonic()
            for screen in screens:
                screen.child.send("j")
            all_at_once = settle(screens, pressed)
            server_cpu = cpu_seconds(server.pid) - server_cpu
            apps_cpu = sum(cpu_seconds(pid) for pid in sessions) - apps_cpu
            for screen in screens:
                screen.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(15)

    def ms(values: list[float]) -> str:
        return (
            f"median {statistics.median(values) * 1000:6.0f} ms, max {max(values) * 1000:6.0f} ms"
        )

    print(f"log: {log.name}; {os.cpu_count()} cores; 80x24; {args.runs} runs")
    print(f"{'measure':<48} result")
    print(f"{'first frame, local pty':<48} {ms(local)}")
    print(f"{'first frame, over SSH (127.0.0.1)':<48} {ms(remote)}")
    ratio = statistics.median(remote) / statistics.median(local)
    print(f"{'SSH / local (medians)':<48} {ratio:.2f}x")
    print(f"{'cursor step, local pty':<48} {ms(local_steps)}")
    print(f"{'cursor step, over SSH, the only session':<48} {ms(remote_steps)}")
    print(f"{f'{args.sessions} sessions opened at once, all showing':<48} {opened * 1000:6.0f} ms")
    print(f"{f'cursor step, 1 of {args.sessions} sessions at a time':<48} {ms(one_at_a_time)}")
    print(f"{f'cursor step, all {args.sessions} sessions at once':<48} {ms(all_at_once)}")
    print(
        f"{'  CPU in that burst: server / the apps':<48} "
        f"{server_cpu * 1000:.0f} ms / {apps_cpu * 1000:.0f} ms"
    )
    print(
        f"{'memory: server / each session (median)':<48} "
        f"{server_memory:.0f} MB / {statistics.median(memory):.0f} MB"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
