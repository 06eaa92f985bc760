"""The subcommands of ``watchline``; each module has ``add_arguments`` and ``run``."""

from __future__ import annotations


class CommandError(Exception):
    """A user's mistake or an unreadable input: a message on stderr, never a traceback."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
