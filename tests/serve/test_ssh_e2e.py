"""A reader connects with the real OpenSSH client and gets the timeline, read-only.

Every test starts a server on 127.0.0.1 at a free port and drives ``/usr/bin/ssh`` in a pty,
reading the screen through pyte the way a reader's terminal would show it.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import time
from pathlib import Path

import asyncssh
import pyte
import pytest

from tests.serve.harness import proc_environ, timeline_markers
from tests.serve.harness import ssh_argv as ssh
from tui.serve.ssh import NEEDS_TERMINAL, NO_COMMANDS, SERVER_BUSY, SHUTTING_DOWN

pytestmark = pytest.mark.e2e

MARKERS = timeline_markers()


def shows_timeline(terminal) -> bool:
    return terminal.shows(*MARKERS)


def proc_argv(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def wait_gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_the_right_key_gets_the_timeline_and_quitting_ends_the_session(
    start_server, terminals, keys, caplog
):
    caplog.set_level("INFO", logger="watchline.serve")
    server = start_server(app="real")
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader), reader.text
    reader.send("\x11")  # ctrl+q quits from any focus (q alone types in a focused search box)
    assert reader.wait_exit() == 0
    assert wait_for_log(caplog, "disconnect peer=127.0.0.1")
    lines = [r.getMessage() for r in caplog.records]
    assert any(
        line.startswith("connect peer=127.0.0.1:") and "key=SHA256:" in line for line in lines
    )
    assert any(line.startswith("session end") and "status=0" in line for line in lines)


def wait_for_log(caplog, text: str, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in r.getMessage() for r in caplog.records):
            return True
        time.sleep(0.05)
    return False


def test_a_key_not_in_authorized_keys_is_refused(start_server, terminals, keys):
    server = start_server()
    stranger = terminals(ssh(server.port, keys["stranger"], "-tt"))
    assert stranger.shows("Permission denied (publickey)")
    assert stranger.wait_exit() == 255
    assert server.session_pids() == []


def test_no_key_at_all_is_refused_unless_anyone_is_allowed(start_server, terminals, keys):
    closed = start_server()
    nobody = terminals(ssh(closed.port, None, "-tt"))
    assert nobody.shows("Permission denied")
    assert nobody.wait_exit() == 255

    public = start_server(authorized_keys=None, allow_anyone=True)
    anyone = terminals(ssh(public.port, None, "-tt"))
    assert shows_timeline(anyone), anyone.text


def test_three_readers_at_once_each_see_the_timeline(start_server, terminals, keys):
    server = start_server(app="real")
    readers = [terminals(ssh(server.port, keys["reader"], "-tt")) for _ in range(3)]
    for reader in readers:
        assert shows_timeline(reader), reader.text
    pids = server.session_pids()
    assert len(set(pids)) == 3  # one process per reader


@pytest.mark.parametrize("app", ["standin", "real"])
def test_a_resize_redraws_at_the_new_size(start_server, terminals, keys, app):
    server = start_server(app=app)
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader)
    reader.wait_for(lambda t: t.screen.display[23].strip() != "", 5)  # the footer is drawn
    reader.resize(30, 100)
    # Textual repaints the whole screen on SIGWINCH: its footer moves to row 30 and lines
    # use the columns beyond 80. Both only happen if the server forwarded the new size.
    assert reader.wait_for(
        lambda t: (
            t.screen.display[29].strip() != ""
            and any(line[80:].strip() for line in t.screen.display)
        ),
        10,
    ), reader.text


def test_a_session_without_a_terminal_is_refused_with_a_message(start_server, terminals, keys):
    server = start_server()
    reader = terminals(ssh(server.port, keys["reader"], "-T"))
    assert reader.shows(NEEDS_TERMINAL)
    assert reader.wait_exit() == 1


def test_a_command_is_never_run(start_server, terminals, keys, tmp_path):
    server = start_server()
    witness = tmp_path / "ran"
    reader = terminals(ssh(server.port, keys["reader"], "-tt", command=f"touch {witness}"))
    assert reader.shows(NO_COMMANDS)
    assert reader.wait_exit() == 1
    assert not witness.exists()


def test_sftp_is_refused(start_server, terminals, keys):
    server = start_server()
    reader = terminals(ssh(server.port, keys["reader"], "-s", command="sftp"))
    assert reader.shows("subsystem request failed")
    assert reader.wait_exit() != 0


def test_the_served_app_is_read_only_with_a_clean_environment(start_server, terminals, keys):
    server = start_server()
    argv = ssh(
        server.port,
        keys["reader"],
        "-tt",
        "-o",
        "SetEnv=LC_TIME=C.UTF-8 LD_PRELOAD=/tmp/evil.so TEXTUAL_DRIVER=x",
    )
    reader = terminals(argv, term="xterm")
    assert shows_timeline(reader)
    [pid] = server.session_pids()
    assert "--read-only" in proc_argv(pid)
    env = proc_environ(pid)
    assert env["WATCHLINE_SERVED"] == "1"
    assert env["TERM"] == "xterm"  # the client's terminal type is honoured
    assert env["LC_TIME"] == "C.UTF-8"
    assert "LD_PRELOAD" not in env
    assert "TEXTUAL_DRIVER" not in env
    assert "SSH_AUTH_SOCK" not in env  # no agent forwarding
    # A throwaway home of its own: nothing a reader does is saved in the operator's home.
    home = Path(env["HOME"])
    assert home != Path.home()
    assert home.name.startswith("watchline-session-")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    reader.close()
    assert wait_gone(pid)
    deadline = time.monotonic() + 5
    while home.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not home.exists()


@pytest.mark.parametrize("key", ["e", "r"], ids=["editor", "rate"])
def test_editor_and_rating_say_they_are_not_available(start_server, terminals, keys, key):
    server = start_server(app="real")
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader)
    reader.send("\x1b")  # escape: the timeline has the focus, not the search box
    time.sleep(0.2)  # so the key is not read as alt+key
    reader.send(key)
    # The notice is a toast that wraps its text; its first line is enough to recognise.
    assert reader.shows("not available in a served", timeout=5), reader.text


def test_readers_beyond_the_limit_are_told_the_server_is_busy(start_server, terminals, keys):
    server = start_server(max_sessions=1)
    first = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(first)
    second = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert second.shows(SERVER_BUSY)
    assert second.wait_exit() == 1


def test_an_idle_session_is_closed_with_a_message(start_server, terminals, keys):
    server = start_server(idle_timeout=1.5)
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    # Not waiting for the timeline first: on a busy machine the first frame can take longer
    # than the idle timeout, and the session is rightly closed before it is drawn.
    assert reader.shows("without a key press", timeout=40)
    assert reader.wait_exit() == 1
    assert server.session_pids() == []


def test_too_many_connections_from_one_address_are_refused(start_server, terminals, keys):
    server = start_server(connections_per_minute=2)
    for _ in range(2):
        assert terminals(ssh(server.port, keys["reader"], "-T")).wait_exit() == 1
    # At OpenSSH's default log level, as a reader would run it, the reason is printed.
    third = terminals(ssh(server.port, keys["reader"], "-T", log_level="INFO"))
    assert third.shows("too many connections")
    assert third.wait_exit() == 255


def test_a_reader_who_disconnects_leaves_no_process_behind(start_server, terminals, keys):
    server = start_server()
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader)
    [pid] = server.session_pids()
    reader.close()  # the client is killed: no goodbye, the TCP connection just ends
    assert wait_gone(pid)


def test_shutting_down_ends_sessions_cleanly(start_server, terminals, keys):
    server = start_server()
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader)
    [pid] = server.session_pids()
    server.run(server.server.close())
    assert reader.shows(SHUTTING_DOWN)
    assert reader.wait_exit() == 1
    assert wait_gone(pid, timeout=1)


def test_connections_beyond_the_connection_limit_are_told_the_server_is_busy(
    start_server, terminals, keys
):
    server = start_server(max_connections=1)
    first = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert first.shows(*MARKERS)
    second = terminals(ssh(server.port, keys["reader"], "-T", log_level="INFO"))
    assert second.shows(SERVER_BUSY)
    assert second.wait_exit() == 255


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (["-W", "127.0.0.1:22"], "stdio forwarding failed"),
        (["-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22"], "forwarding failed"),
    ],
    ids=["local", "remote"],
)
def test_port_forwarding_is_refused(start_server, terminals, keys, options, refusal):
    server = start_server()
    reader = terminals(ssh(server.port, keys["reader"], *options))
    assert reader.shows(refusal)
    assert reader.wait_exit() == 255


def vm_rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmRSS for {pid}")


HELP = "escape, q or ? closes"


def test_a_keystroke_flood_leaves_the_app_small_and_answering(start_server, keys):
    server = start_server(app="real")

    async def flood() -> tuple[int, int, bool]:
        async with asyncssh.connect(
            "127.0.0.1",
            server.port,
            known_hosts=None,
            username="reader",
            client_keys=[str(keys["reader"])],
        ) as conn:
            process = await conn.create_process(
                term_type="xterm-256color", term_size=(80, 24), encoding=None
            )
            screen = pyte.Screen(80, 24)
            stream = pyte.ByteStream(screen)

            async def read() -> None:
                while data := await process.stdout.read(65536):
                    stream.feed(data)

            reading = asyncio.create_task(read())

            async def shows(text: str, timeout: float) -> bool:
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    if text in "\n".join(screen.display):
                        return True
                    await asyncio.sleep(0.1)
                return False

            assert await shows("events", 30)
            process.stdin.write(b"\x1b")  # the timeline has the focus: jk move its cursor
            await asyncio.sleep(0.5)
            [pid] = server.session_pids()
            before = vm_rss_mib(pid)
            chunk = b"jk" * 32768
            for _ in range(10 * 2**20 // len(chunk)):  # 10 MiB
                process.stdin.write(chunk)
                await process.stdin.drain()
            peak = before
            for _ in range(10):  # what the app was sent keeps it busy for a while
                await asyncio.sleep(0.5)
                peak = max(peak, vm_rss_mib(pid))
            process.stdin.write(b"?")
            answered = await shows(HELP, 15)
            reading.cancel()
            return before, peak, answered

    before, peak, answered = asyncio.run(flood())
    # Unbounded, the app grew from about 53 MB to 315 MB in 16 s and stopped answering.
    assert peak < 200, (before, peak)
    assert answered


def test_escape_then_a_key_in_one_read_is_escape_then_the_key(start_server, terminals, keys):
    server = start_server(app="real")
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert shows_timeline(reader)
    reader.send("\x1b")  # the timeline has the focus
    time.sleep(0.3)
    reader.send("?")
    assert reader.shows(HELP, timeout=10), reader.text
    # Escape and j in one write, as a slow link delivers them: without the split the app
    # reads alt+j and the help stays open.
    reader.send("\x1bj")
    assert reader.wait_for(lambda t: HELP not in t.text, 5), reader.text


def silent_connections(port: int, addresses: int) -> list[socket.socket]:
    """TCP connections that never say a word, one from each of 127.0.0.2, 127.0.0.3, ...

    Every 127.x.y.z reaches loopback on Linux, so each counts as a different address for
    the per-address rate limit: what a flood from many hosts looks like to the server.
    """
    opened = []
    for index in range(addresses):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((f"127.0.0.{2 + index}", 0))
        sock.connect(("127.0.0.1", port))
        opened.append(sock)
    return opened


def test_a_flood_of_silent_connections_cannot_keep_a_reader_out(start_server, terminals, keys):
    server = start_server()
    flood = silent_connections(server.port, 60)
    try:
        time.sleep(0.5)  # the server has accepted them all
        started = time.monotonic()
        reader = terminals(ssh(server.port, keys["reader"], "-tt", log_level="INFO"))
        assert shows_timeline(reader), reader.text
        waited = time.monotonic() - started
        assert SERVER_BUSY not in reader.text
        assert waited < 5, waited
        # The flood was held to the pool of connections still logging in: the oldest
        # were dropped to make room, the rest are still waiting.
        assert 0 < server.run(_pending_count(server.server)) <= 32
    finally:
        for sock in flood:
            sock.close()


async def _pending_count(server) -> int:
    return len(server.pending_logins)
