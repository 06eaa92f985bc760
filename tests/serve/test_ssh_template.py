"""Sessions forked from the warm template (tui/serve/template.py), seen from outside.

A served session is checked the way an operator would: its process (parent, limits,
folder, environment) in /proc, and what the reader's screen shows, with the real OpenSSH
client. Each check runs for a forked session and for one started on its own.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.serve.harness import BUNDLED, proc_environ, timeline_markers, wait_until
from tests.serve.harness import ssh_argv as ssh
from tui.serve import served_args, served_root, watchline_argv
from tui.serve.limits import SessionLimits

pytestmark = pytest.mark.e2e


def proc_limits(pid: int) -> dict[str, str]:
    """The soft limit of each resource in /proc/PID/limits, by its name there."""
    lines = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {line[:26].strip(): line[26:47].strip() for line in lines}


def proc_parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in proc_state(pid)


def proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.fixture
def served_folder(tmp_path: Path) -> Path:
    """The bundled log copied to a folder deep in the server's file system."""
    folder = tmp_path / "srv" / "newsroom"
    folder.mkdir(parents=True)
    shutil.copyfile(BUNDLED, folder / "ct-bodycams.yaml")
    return folder


def serve(start_server, folder: Path, *, template: bool, **options):
    """The server as ``watchline serve ssh FOLDER/ct-bodycams.yaml`` configures it."""
    root, relative = served_root([str(folder / "ct-bodycams.yaml")])
    args = served_args(relative)
    return start_server(
        command=watchline_argv(args),
        cwd=root,
        template_args=args if template else None,
        **options,
    )


@pytest.mark.parametrize("template", [True, False], ids=["forked", "own-process"])
def test_a_session_runs_limited_in_the_served_folder_and_names_the_log_relatively(
    start_server, terminals, keys, served_folder, tmp_path, template
):
    server = serve(
        start_server,
        served_folder,
        template=template,
        limits=SessionLimits(memory_mib=1500, cpu_seconds=900),
    )
    assert (server.server.template is not None) == template
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert reader.shows(*timeline_markers()), reader.text
    [pid] = server.session_pids()
    if template:
        assert proc_parent(pid) == server.server.template.pid
    assert Path(f"/proc/{pid}/cwd").resolve() == served_folder.resolve()
    env = proc_environ(pid)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["WATCHLINE_SERVED"] == "1"
    if not template:
        # A forked session sets its environment after the fork, which /proc/PID/environ
        # (the environment at exec) does not show; the template's own is as clean.
        assert Path(env["HOME"]).name.startswith("watchline-session-")
    limits = proc_limits(pid)
    assert limits["Max data size"] == str(1500 * 2**20)
    assert limits["Max cpu time"] == "900"
    assert limits["Max open files"] == "256"
    assert limits["Max core file size"] == "0"
    reader.send("\r")  # the first event's details; where it stands in the log ends them
    assert reader.wait_for(lambda t: "esc Close" in t.text, 10), reader.text
    reader.send("\x1b[F")  # end
    assert reader.wait_for(lambda t: "ct-bodycams.yaml:" in t.flat, 10), reader.text
    assert str(tmp_path) not in reader.flat
    assert "srv/newsroom" not in reader.flat


def test_forked_sessions_end_with_their_readers_and_the_template_with_the_server(
    start_server, terminals, keys, served_folder
):
    server = serve(start_server, served_folder, template=True)
    template = server.server.template.pid
    readers = [terminals(ssh(server.port, keys["reader"], "-tt")) for _ in range(3)]
    for reader in readers:
        assert reader.shows(*timeline_markers()), reader.text
    pids = server.session_pids()
    assert len(set(pids)) == 3
    readers[0].send("\x11")  # ctrl+q: the app quits
    assert readers[0].wait_exit() == 0
    readers[1].close()  # the reader's client goes away
    assert wait_until(lambda: len([p for p in pids if alive(p)]) == 1), [
        proc_state(p) for p in pids
    ]
    server.stop()
    assert wait_until(lambda: not any(alive(p) for p in pids))
    assert wait_until(lambda: not alive(template))


def test_a_changed_log_is_what_the_next_forked_session_shows(
    start_server, terminals, keys, served_folder
):
    server = serve(start_server, served_folder, template=True)
    first = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert first.shows(*timeline_markers()), first.text
    log = served_folder / "ct-bodycams.yaml"
    text = log.read_text(encoding="utf-8")
    assert "\ntitle: " in text
    log.write_text(text.replace("\ntitle: ", "\ntitle: Renamed newsroom log — ", 1), "utf-8")
    second = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert second.shows("Renamed newsroom log"), second.text


def test_a_template_that_cannot_start_leaves_sessions_starting_on_their_own(
    start_server, terminals, keys, served_folder
):
    root, relative = served_root([str(served_folder / "ct-bodycams.yaml")])
    server = start_server(
        command=watchline_argv(served_args(relative)),
        cwd=root,
        template_args=["--no-such-option"],  # the template's parser refuses it and exits
    )
    assert server.server.template is None
    reader = terminals(ssh(server.port, keys["reader"], "-tt"))
    assert reader.shows(*timeline_markers()), reader.text
