"""``watchline serve ssh|web``: serve the timeline, read-only, to readers who install nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tui.commands import CommandError, add_as_of_argument, add_view_argument
from tui.model.text import shown_name
from tui.serve.limits import DEFAULT_CPU_SECONDS, DEFAULT_MEMORY_MIB, SessionLimits

DEFAULT_SSH_PORT = 2222
DEFAULT_WEB_PORT = 8000


def _default_host_key() -> Path:
    from platformdirs import user_data_path

    return user_data_path("watchline") / "ssh_host_ed25519_key"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (never) or more")
    return value


def _positive_float(text: str) -> float:
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535, not {value}")
    return value


def _add_log_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="log files or folders to serve (default: the bundled log)",
    )
    # Kept as text: `--as-of today` is the day each reader connects, not the server's start.
    add_as_of_argument(parser, keep_text=True)
    parser.add_argument(
        "--filter", "-f", metavar="QUERY", help="start every reader with this query"
    )
    add_view_argument(parser)


def _add_session_arguments(parser: argparse.ArgumentParser, max_sessions: int) -> None:
    """What each reader's session may hold: the same options for SSH and the browser."""
    parser.add_argument(
        "--max-sessions",
        type=_positive_int,
        default=max_sessions,
        metavar="N",
        help="readers at once; more are told the server is busy (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=900,
        metavar="SECONDS",
        help="close a session after this long without a key press; 0 never (default: %(default)s)",
    )
    parser.add_argument(
        "--session-memory",
        type=_positive_int,
        default=DEFAULT_MEMORY_MIB,
        metavar="MIB",
        help="memory (data) one session may use before it is stopped (default: %(default)s)",
    )
    parser.add_argument(
        "--session-cpu",
        type=_positive_int,
        default=DEFAULT_CPU_SECONDS,
        metavar="SECONDS",
        help="CPU time one session may use in all (default: %(default)s)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``serve ssh`` and ``serve web``."""
    kinds = parser.add_subparsers(dest="kind", metavar="ssh|web", required=True)

    ssh = kinds.add_parser(
        "ssh",
        help="serve over SSH: readers run `ssh -p PORT HOST`",
        description=(
            "Serve the timeline over SSH. Each reader gets their own read-only session; "
            "key authentication only (authorized_keys format, any user name: the key "
            "decides), or --allow-anyone for public logs."
        ),
    )
    _add_log_arguments(ssh)
    ssh.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s; 0.0.0.0 for every interface)",
    )
    ssh.add_argument(
        "--port", type=_port, default=DEFAULT_SSH_PORT, help="port (default: %(default)s)"
    )
    ssh.add_argument(
        "--host-key",
        type=Path,
        metavar="FILE",
        help="the server's private host key; created (ed25519, mode 600) if missing "
        "(default: watchline's data folder)",
    )
    ssh.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help="public keys allowed in, one a line (OpenSSH authorized_keys format); "
        "re-read when it changes",
    )
    ssh.add_argument(
        "--allow-anyone",
        action="store_true",
        help="no authentication at all: anyone who can reach the port reads the log",
    )
    _add_session_arguments(ssh, max_sessions=20)
    ssh.add_argument(
        "--no-template",
        action="store_true",
        help="start each session as a process of its own instead of forking it from a warm "
        "template that has loaded the log once (slower first frames, more memory)",
    )
    ssh.add_argument(
        "--connections-per-minute",
        type=_positive_int,
        default=10,
        metavar="N",
        help="new connections allowed per source address per minute (default: %(default)s)",
    )
    ssh.add_argument(
        "--login-timeout",
        type=_positive_float,
        default=10,
        metavar="SECONDS",
        help="time a connection has to log in (default: %(default)s)",
    )
    ssh.add_argument(
        "--max-logins",
        type=_positive_int,
        default=32,
        metavar="N",
        help="connections still logging in at once; when full the oldest is dropped "
        "(default: %(default)s)",
    )
    ssh.add_argument(
        "--logins-per-address",
        type=_positive_int,
        default=4,
        metavar="N",
        help="connections still logging in from one address (default: %(default)s)",
    )

    web = kinds.add_parser(
        "web",
        help="serve in a browser (textual-serve); no authentication",
        description=(
            "Serve the timeline in a browser. It has no authentication: keep it on "
            "127.0.0.1 or put it behind a reverse proxy that authenticates."
        ),
    )
    _add_log_arguments(web)
    web.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    web.add_argument(
        "--port", type=_port, default=DEFAULT_WEB_PORT, help="port (default: %(default)s)"
    )
    web.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, e.g. https://logs.example.org behind a proxy "
        "(default: http://HOST:PORT); its host is the one a browser may ask for",
    )
    web.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="another Host a browser may ask for (repeatable); requests and pages from any "
        "other host or origin are refused (default: loopback and --public-url)",
    )
    _add_session_arguments(web, max_sessions=20)


def run(args: argparse.Namespace) -> int:
    """Run the chosen server until it is stopped (SIGTERM or ctrl+c)."""
    from tui.serve import resolve_log_paths, served_args, served_root, watchline_argv

    try:
        paths = resolve_log_paths(args.paths)
    except FileNotFoundError as error:
        raise CommandError(f"no such file or folder: {shown_name(error.args[0])}") from None
    _warn_about_problems(paths, args.view)
    root, relative = served_root(paths)
    session_args = served_args(relative, as_of=args.as_of, query=args.filter, view=args.view)
    command = watchline_argv(session_args)
    limits = SessionLimits(memory_mib=args.session_memory, cpu_seconds=args.session_cpu)
    if args.kind == "ssh":
        return _run_ssh(args, session_args, root, limits)
    return _run_web(args, command, root, limits)


def _warn_about_problems(paths: list[str], view_id: str | None = None) -> None:
    """Load the log once before serving it, and say so on stderr if it has problems.

    Serving goes on (sessions reload the log when it changes, so it may be fixed while the
    server runs), but the operator hears about it now rather than from a reader. A
    ``--view`` that names no view is refused now: every session would start without it.
    """
    from tui.commands import view_query
    from tui.model.bundled import bundled_log
    from tui.model.load import load_paths

    result = load_paths(paths or [bundled_log()])
    if result.collection is not None:
        view_query(result.collection, view_id, "")
    problems = result.problems
    if not problems:
        return
    shown = "".join(f"\n  {problem}" for problem in problems[:3])
    more = f"\n  ... and {len(problems) - 3} more" if len(problems) > 3 else ""
    print(
        f"watchline: warning: the log has {len(problems)} problem(s); readers will see "
        f"them until they are fixed (`watchline validate` lists them all):{shown}{more}",
        file=sys.stderr,
    )


def _run_ssh(
    args: argparse.Namespace, session_args: list[str], root: str, limits: SessionLimits
) -> int:
    import asyncssh

    from tui.serve import ssh, ssh_keys, watchline_argv

    if args.allow_anyone and args.authorized_keys:
        raise CommandError("--allow-anyone and --authorized-keys contradict each other; give one")
    if not args.allow_anyone and not args.authorized_keys:
        raise CommandError(
            "say who may connect: --authorized-keys FILE (e.g. ~/.ssh/authorized_keys), "
            "or --allow-anyone for a public, read-only log"
        )
    config = ssh.SSHServeConfig(
        command=watchline_argv(session_args),
        cwd=root,
        limits=limits,
        host=args.host,
        port=args.port,
        host_key=(args.host_key or _default_host_key()).expanduser(),
        authorized_keys=args.authorized_keys.expanduser() if args.authorized_keys else None,
        allow_anyone=args.allow_anyone,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout,
        connections_per_minute=args.connections_per_minute,
        login_timeout=args.login_timeout,
        max_pending_logins=args.max_logins,
        pending_logins_per_address=args.logins_per_address,
        template_args=None if args.no_template else session_args,
    )
    ssh.configure_logging()
    authorized = None
    if config.authorized_keys is not None:
        try:
            authorized = ssh_keys.AuthorizedKeys(config.authorized_keys)
        except (OSError, ValueError) as error:
            raise CommandError(
                f"cannot read authorized keys {shown_name(config.authorized_keys)}: {error}"
            ) from None
        if authorized.empty:
            ssh.log.warning("%s lists no keys: nobody can log in yet", config.authorized_keys)
    try:
        host_key, created = ssh_keys.load_or_create_host_key(config.host_key)
    except (OSError, asyncssh.KeyImportError) as error:
        raise CommandError(f"cannot use host key {shown_name(config.host_key)}: {error}") from None
    fingerprint = host_key.get_fingerprint("sha256")
    if created:
        ssh.log.info("created host key %s (%s)", config.host_key, fingerprint)
    elif ssh_keys.key_is_exposed(config.host_key):
        ssh.log.warning("host key %s is readable by others; chmod 600 it", config.host_key)
    server = ssh.WatchlineSSHServer(config, host_key, authorized)

    def ready(port: int) -> None:
        who = "anyone" if config.allow_anyone else f"keys in {config.authorized_keys}"
        ssh.log.info(
            "listening on %s port %d (host key %s); allowing %s; readers: ssh -p %d HOST",
            config.host,
            port,
            fingerprint,
            who,
            port,
        )

    try:
        asyncio.run(ssh.serve_forever(server, ready))
    except OSError as error:
        raise CommandError(
            f"cannot listen on {config.host} port {config.port}: {error.strerror or error}"
        ) from None
    return 0


def _run_web(args: argparse.Namespace, command: list[str], root: str, limits: SessionLimits) -> int:
    from tui.serve import web

    if web.is_wildcard(args.host) and not args.public_url:
        raise CommandError(
            f"--host {args.host} listens on every address: give --public-url, the address "
            "browsers use (e.g. https://logs.example.org behind your proxy)"
        )
    if not web.is_loopback(args.host):
        print(web.NO_AUTH_WARNING.format(host=args.host, port=args.port), file=sys.stderr)
    try:
        web.run_web_server(
            web.WebServeConfig(
                command=command,
                cwd=root,
                host=args.host,
                port=args.port,
                public_url=args.public_url,
                allowed_hosts=tuple(args.allowed_host),
                max_sessions=args.max_sessions,
                idle_timeout=args.idle_timeout,
                limits=limits,
            )
        )
    except OSError as error:
        raise CommandError(
            f"cannot listen on {args.host} port {args.port}: {error.strerror or error}"
        ) from None
    return 0
