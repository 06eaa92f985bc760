"""`watchline [PATH ...]`: the timeline explorer (the Textual app).

Everything that can be checked before the terminal switches to the app is checked here,
so a mistyped path or date is one line on stderr and exit code 2, not a screen to escape.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import sys
from pathlib import Path

from tui.commands import CommandError
from tui.model.text import shown_name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The TUI's options live in tui.cli (it is the default command); nothing to add."""


def check_paths(paths: list[str]) -> list[Path]:
    """The PATH arguments as paths, refusing any that does not exist."""
    checked = []
    for text in paths:
        path = Path(text)
        if not path.exists():
            raise CommandError(f"{shown_name(text)}: no such file or directory")
        checked.append(path)
    return checked


def run(args: argparse.Namespace) -> int:
    """Open the app on ``args.paths`` (the bundled log when none); its exit code."""
    rev: str | None = getattr(args, "rev", None)
    revision = None
    if rev is not None:
        # A past state: the files come from git (they need not exist now), and the
        # revision is checked here so a mistyped one never opens the app.
        from tui.commands.revision import open_at

        paths = [Path(p) for p in args.paths or []]
        revision = open_at(paths, rev)
    else:
        paths = check_paths(list(args.paths or []))
    since = None
    if getattr(args, "since", None) is not None:
        from tui.commands.revision import open_at

        since = open_at(paths, args.since, "--since")
    # argparse has read --as-of (tui.model.asof.parse_as_of): a day, or None for today.
    as_of: datetime.date = getattr(args, "as_of", None) or datetime.date.today()
    # textual-serve (`watchline serve web`) runs the app over pipes with its own driver.
    served = "TEXTUAL_DRIVER" in os.environ
    if not served and not (sys.stdout.isatty() and sys.stdin.isatty()):
        raise CommandError("the timeline needs a terminal; for a pipe use `watchline list` instead")
    # No cyclic collection until the events are drawn: importing Textual and starting the
    # app make hundreds of thousands of objects and no garbage worth a pass (130 passes,
    # 17-22 ms before the bundled log's first frame). The app switches it back on.
    gc.disable()
    # Start reading the log now: it runs while Textual is imported and starts up.
    from tui.app.loading import start_loading

    preload = start_loading(paths, as_of, revision)
    from tui.app.app import WatchlineApp

    # A served session is read-only even if its command line were changed: the server
    # also sets WATCHLINE_SERVED. Read-only sessions write nothing, not even the theme.
    read_only = bool(getattr(args, "read_only", False)) or os.environ.get("WATCHLINE_SERVED") == "1"
    app = WatchlineApp(
        paths,
        preload=preload,
        query=args.filter or "",
        as_of=as_of,
        read_only=read_only,
        remember=not read_only,
        watch=not getattr(args, "no_watch", False),
        revision=revision,
        since=since,
        view=getattr(args, "view", None),
        collector_paused=True,
    )
    app.run()
    # The problems stay readable in the terminal after the app's screen is gone.
    for line in app.problems:
        print(line, file=sys.stderr)
    return app.return_code or 0
