"""Progress of a slow load on stderr, for commands: only on a terminal, only when slow.

A pipe or a file never gets progress lines (a script reads stderr for problems only),
and a load that finishes within half a second shows nothing at all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["SHOW_AFTER", "load_progress"]

# A load quicker than this shows nothing: a bar that flashes is noise.
SHOW_AFTER = 0.5
# Redraw at most this often; each redraw is one short line.
_INTERVAL = 0.1


@contextmanager
def load_progress(
    label: str = "reading", stream: TextIO | None = None
) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback for :func:`~tui.model.load.load_paths`.

    Yields ``None`` when ``stream`` (stderr by default) is not a terminal. The line is
    rewritten in place with a carriage return and cleared when the block ends.
    """
    out = stream if stream is not None else sys.stderr
    try:
        interactive = out.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield None
        return
    started = time.monotonic()
    shown = [0.0]  # when the line was last drawn; 0 while nothing has been drawn

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - started < SHOW_AFTER or now - shown[0] < _INTERVAL:
            return
        shown[0] = now
        percent = 100 * done // total if total else 100
        out.write(
            f"\rwatchline: {label} {percent:3d}% ({done / 2**20:,.1f} of {total / 2**20:,.1f} MB)"
        )
        out.flush()

    try:
        yield progress
    finally:
        if shown[0]:
            out.write("\r\x1b[K")  # clear the line: what follows starts clean
            out.flush()
