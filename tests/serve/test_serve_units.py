"""What a served session runs, with which environment, and the server's own safeguards."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest

from tui.cli import main
from tui.serve import (
    SERVED_ENV_VAR,
    client_environment,
    resolve_log_paths,
    served_command,
    served_environment,
    served_root,
)
from tui.serve.limits import SessionLimits
from tui.serve.ssh import SSHServeConfig, WatchlineSSHServer
from tui.serve.ssh_guards import (
    InputPacer,
    RateLimiter,
    clamp_window_size,
    paste_markers,
    split_escape_keys,
)
from tui.serve.ssh_keys import AuthorizedKeys, key_is_exposed, load_or_create_host_key
from tui.serve.web import (
    WebServeConfig,
    clamp_size,
    is_loopback,
    is_wildcard,
    served_process_environment,
)


def test_a_served_session_runs_the_tui_read_only_on_absolute_paths(tmp_path, monkeypatch):
    log = tmp_path / "my log.yaml"
    log.write_text("watchline: 1\n")
    monkeypatch.chdir(tmp_path)
    paths = resolve_log_paths(["my log.yaml"])
    assert paths == [str(log)]
    argv = served_command(paths, as_of="2019-01-01", query="kind:pledge")
    assert argv[:3] == [sys.executable, "-m", "tui"]
    assert "--read-only" in argv
    assert argv[argv.index("--as-of") + 1] == "2019-01-01"
    assert argv[argv.index("--filter") + 1] == "kind:pledge"


def test_a_missing_log_is_named():
    with pytest.raises(FileNotFoundError, match=r"nope\.yaml"):
        resolve_log_paths(["nope.yaml"])


def test_only_terminal_and_locale_variables_come_from_the_client():
    sent = {
        "TERM": "screen-256color",
        "COLORTERM": "truecolor",
        "LANG": "de_DE.UTF-8",
        "LC_TIME": "en_GB.UTF-8",
        "LD_PRELOAD": "/tmp/evil.so",
        "PYTHONSTARTUP": "/tmp/evil.py",
        "TEXTUAL_DRIVER": "evil:Driver",
        "LC_EVIL\x1b": "x",
        "LC_ALL": "\x1b]52;c;aGk=\x07",  # a control sequence is not a locale
    }
    assert client_environment(sent) == {
        "TERM": "screen-256color",
        "COLORTERM": "truecolor",
        "LANG": "de_DE.UTF-8",
        "LC_TIME": "en_GB.UTF-8",
    }


def test_the_served_environment_is_clean_and_marks_the_session(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "server secret")
    env = served_environment({"TERM": "xterm", "SSH_AUTH_SOCK": "/tmp/agent"})
    assert env[SERVED_ENV_VAR] == "1"
    assert env["TERM"] == "xterm"
    assert env["LANG"] == "C.UTF-8"  # UTF-8 unless the client asks for another locale
    assert env["PYTHONUTF8"] == "1"
    assert "AWS_SECRET_ACCESS_KEY" not in env
    assert "SSH_AUTH_SOCK" not in env
    assert set(env) <= {
        "PATH", "HOME", "LANG", "TERM", "PYTHONUTF8", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE",
            SERVED_ENV_VAR
    }  # fmt: skip


def test_the_rate_limiter_allows_a_burst_then_one_more_as_tokens_refill():
    now = [0.0]
    limiter = RateLimiter(per_minute=3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")  # another address has its own bucket
    now[0] += 20  # a third of a minute: one token back
    assert limiter.allow("10.0.0.1")
    assert not limiter.allow("10.0.0.1")


def test_a_missing_host_key_is_created_private_and_then_reused(tmp_path):
    path = tmp_path / "keys" / "host_ed25519"
    key, created = load_or_create_host_key(path)
    assert created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not key_is_exposed(path)
    again, created_again = load_or_create_host_key(path)
    assert not created_again
    assert again.get_fingerprint() == key.get_fingerprint()
    path.chmod(0o644)
    assert key_is_exposed(path)


def public_key() -> asyncssh.SSHKey:
    """A fresh public key, as a client presents it."""
    private = asyncssh.generate_private_key("ssh-ed25519")
    return asyncssh.import_public_key(private.export_public_key())


def test_authorized_keys_are_read_again_when_the_file_changes(tmp_path):
    first, second = public_key(), public_key()
    path = tmp_path / "authorized_keys"
    path.write_bytes(first.export_public_key())
    keys = AuthorizedKeys(path)
    assert keys.allows(first, "127.0.0.1", "127.0.0.1")
    assert not keys.allows(second, "127.0.0.1", "127.0.0.1")
    path.write_bytes(second.export_public_key() + b"# a comment\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert keys.allows(second, "127.0.0.1", "127.0.0.1")
    assert not keys.allows(first, "127.0.0.1", "127.0.0.1")


def test_from_options_in_authorized_keys_are_honoured(tmp_path):
    key = public_key()
    path = tmp_path / "authorized_keys"
    path.write_bytes(b'from="10.1.2.3" ' + key.export_public_key())
    keys = AuthorizedKeys(path)
    assert keys.allows(key, "10.1.2.3", "10.1.2.3")
    assert not keys.allows(key, "127.0.0.1", "127.0.0.1")


def test_a_served_session_runs_in_the_logs_folder_and_names_it_relatively(tmp_path):
    (tmp_path / "logs" / "more").mkdir(parents=True)
    first = tmp_path / "logs" / "ct.yaml"
    second = tmp_path / "logs" / "more" / "b.yaml"
    root, relative = served_root([str(first), str(second)])
    assert root == str(tmp_path / "logs")
    assert relative == ["ct.yaml", "more/b.yaml"]
    root, relative = served_root([])  # the bundled log, named the same way
    assert relative == ["ct-bodycams.yaml"]
    assert Path(root, relative[0]).is_file()


def test_a_session_runs_under_limits_set_before_the_app_starts(tmp_path):
    probe = (
        "import resource, sys; "
        "print(*(resource.getrlimit(getattr(resource, name))[0] for name in sys.argv[1:]))"
    )
    argv = SessionLimits(memory_mib=300, cpu_seconds=60).argv(
        [sys.executable, "-c", probe, "RLIMIT_DATA", "RLIMIT_CPU", "RLIMIT_NOFILE", "RLIMIT_CORE"],
        controlling_tty=False,
    )
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.split() == [str(300 * 2**20), "60", "256", "0"]


def test_a_session_that_outgrows_its_memory_is_stopped_not_the_server():
    argv = SessionLimits(memory_mib=200).argv(
        [sys.executable, "-c", "x = bytearray(400 * 2**20)"], controlling_tty=False
    )
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode != 0
    assert "MemoryError" in done.stderr


def test_served_sessions_write_no_bytecode():
    assert served_environment()["PYTHONDONTWRITEBYTECODE"] == "1"


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("logs.example.org", True),  # --public-url https://logs.example.org: port 443
        ("LOGS.example.org:443", True),
        ("newsroom.lan:8000", True),  # --allowed-host
        ("attacker.example:8000", False),  # DNS rebinding: a name that points here
        ("attacker.example", False),
        ("127.0.0.1:9999", False),
        ("", False),
        (None, False),
        ("[bad", False),
    ],
)
def test_only_our_own_host_names_are_served(header, allowed):
    config = WebServeConfig(
        command=[],
        port=8000,
        public_url="https://logs.example.org",
        allowed_hosts=("newsroom.lan",),
    )
    assert config.host_allowed(header) is allowed


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("https://logs.example.org", True),
        (None, True),  # not a browser page: no site is behind it
        ("https://evil.example", False),
        ("http://127.0.0.1:8001", False),
        ("null", False),  # a sandboxed frame or a file: page
        ("file://", False),
    ],
)
def test_only_our_own_pages_may_open_a_session(origin, allowed):
    config = WebServeConfig(command=[], port=8000, public_url="https://logs.example.org")
    assert config.origin_allowed(origin) is allowed


def test_a_browser_window_size_is_kept_within_reason():
    assert clamp_size(120, 40) == (120, 40)
    assert clamp_size(0, -5) == (80, 24)
    assert clamp_size(20000, 20000) == (500, 200)


@pytest.mark.parametrize(
    ("host", "loopback", "wildcard"),
    [
        ("127.0.0.1", True, False),
        ("localhost", True, False),
        ("::1", True, False),
        ("0.0.0.0", False, True),
        ("::", False, True),
        ("192.168.1.5", False, False),
        ("logs.example.org", False, False),
    ],
)
def test_which_addresses_are_private(host, loopback, wildcard):
    assert is_loopback(host) is loopback
    assert is_wildcard(host) is wildcard


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["serve", "ssh"], "say who may connect"),
        (["serve", "ssh", "--allow-anyone", "--authorized-keys", "k"], "contradict"),
        (["serve", "ssh", "nope.yaml", "--allow-anyone"], "no such file or folder: nope.yaml"),
        (["serve", "web", "--host", "0.0.0.0"], "--public-url"),
        (["serve", "ssh", "--allow-anyone", "--as-of", "next tuesday"], "--as-of"),
    ],
)
def test_mistakes_are_one_clear_line(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as exited:  # argparse's usage errors (--as-of)
        code = exited.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_unreadable_authorized_keys_file_stops_before_any_key_is_made(tmp_path, capsys):
    host_key = tmp_path / "host"
    argv = [
        "serve",
        "ssh",
        "--authorized-keys",
        str(tmp_path / "none"),
        "--host-key",
        str(host_key),
    ]
    assert main(argv) == 2
    assert "cannot read authorized keys" in capsys.readouterr().err
    assert not Path(host_key).exists()


def test_a_window_size_from_a_client_is_kept_within_reason():
    assert clamp_window_size((100, 30, 800, 600)) == (100, 30, 800, 600)
    assert clamp_window_size((0, 0, 0, 0)) == (80, 24, 0, 0)  # "unknown"
    assert clamp_window_size((2**32 - 1, 2**31, 2**20, 2**20)) == (1000, 500, 0xFFFF, 0xFFFF)


def test_the_browser_sessions_are_marked_served_too(monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    env = served_process_environment(str(tmp_path))
    assert env["HOME"] == str(tmp_path)
    assert env["WATCHLINE_SERVED"] == "1"
    assert env["PYTHONUTF8"] == "1"
    assert env["LANG"] == "en_GB.UTF-8"  # the operator's own locale is kept


def test_a_log_with_problems_is_reported_before_serving(tmp_path, capsys, monkeypatch):
    from tui.commands import serve

    log = tmp_path / "broken.yaml"
    log.write_text("watchline: 1\ntitle: Broken\nevents:\n  - id: x\n    date: someday\n")
    monkeypatch.setattr(serve, "_run_web", lambda *args: 0)  # no server, just the check
    assert main(["serve", "web", str(log)]) == 0
    err = capsys.readouterr().err
    assert "warning: the log has" in err
    assert "broken.yaml:" in err


@pytest.mark.parametrize(
    ("data", "pieces"),
    [
        (b"\x1bj", [b"\x1b", b"j"]),  # escape, then j: not alt+j
        (b"ab\x1bq", [b"ab", b"\x1b", b"q"]),
        (b"\x1b\x1b", [b"\x1b", b"\x1b"]),  # escape twice
        (b"\x1b[A\x1bOP", [b"\x1b[A\x1bOP"]),  # an arrow and F1 stay whole
        (b"\x1b[<35;10;5M", [b"\x1b[<35;10;5M"]),  # a mouse report
        (b"jk\x1b", [b"jk\x1b"]),  # the rest of a sequence may be in the next read
        (b"\x1b", [b"\x1b"]),
        (b"jk", [b"jk"]),
        (b"", []),
    ],
)
def test_a_lone_escape_is_cut_from_the_key_after_it(data, pieces):
    assert split_escape_keys(data) == pieces


def test_dropped_input_keeps_its_paste_markers_in_order():
    assert paste_markers(b"x\x1b[201~jk\x1b[200~abc\x1b[201~") == (b"\x1b[201~\x1b[200~\x1b[201~")
    assert paste_markers(b"jkjk") == b""


def test_input_reaches_the_app_in_a_burst_then_at_a_steady_rate():
    now = [0.0]
    pacer = InputPacer(burst=100, per_second=50, clock=lambda: now[0])
    assert pacer.allowance() == 100
    pacer.spend(100)
    assert pacer.allowance() == 0
    assert 0 < pacer.wait(1000) <= 0.1  # a little at a time, not a burst's worth
    now[0] += 1.0
    assert pacer.allowance() == 50
    now[0] += 60
    assert pacer.allowance() == 100  # never more than a burst


class _Waiting:
    """A stand-in for a connection still logging in."""

    def __init__(self, host: str) -> None:
        self.peer_host = host
        self.dropped: str | None = None

    def drop(self, reason: str) -> None:
        self.dropped = reason


def test_the_login_pool_drops_its_oldest_and_bounds_each_address():
    config = SSHServeConfig(command=["x"], max_pending_logins=3, pending_logins_per_address=2)
    server = WatchlineSSHServer(config, asyncssh.generate_private_key("ssh-ed25519"))
    first, second, third = (_Waiting(f"10.0.0.{n}") for n in (1, 2, 3))
    for waiting in (first, second, third):
        assert server.admit_login(waiting)  # type: ignore[arg-type]
    fourth = _Waiting("10.0.0.4")
    assert server.admit_login(fourth)  # type: ignore[arg-type]
    assert first.dropped == "login-pool-full"
    assert list(server.pending_logins) == [second, third, fourth]
    # Two from one address may wait; a third is not admitted (its caller drops it).
    assert server.admit_login(_Waiting("10.0.0.4"))  # type: ignore[arg-type]
    assert not server.admit_login(_Waiting("10.0.0.4"))  # type: ignore[arg-type]
    # Logging in leaves the pool: sessions and logins are counted apart.
    assert server.logged_in_now(fourth)  # type: ignore[arg-type]
    assert fourth not in server.pending_logins


def test_login_options_reach_the_server(monkeypatch, tmp_path):
    import tui.serve.ssh as ssh_module

    seen = {}

    async def fake_serve(server, ready):
        seen["config"] = server.config

    monkeypatch.setattr(ssh_module, "serve_forever", fake_serve)
    keys = tmp_path / "authorized_keys"
    keys.write_text("")
    main(
        [
            "serve",
            "ssh",
            "--authorized-keys",
            str(keys),
            "--host-key",
            str(tmp_path / "host"),
            "--login-timeout",
            "5",
            "--max-logins",
            "8",
            "--logins-per-address",
            "2",
        ]
    )
    config = seen["config"]
    assert (config.login_timeout, config.max_pending_logins) == (5, 8)
    assert config.pending_logins_per_address == 2
