"""What an SSH client may send, bounded: new connections per address a minute, input at a
rate the app can take (a paste whole, a flood dropped), a lone escape kept apart from the
key after it, and a window size within reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

# A session's input. The app reads its terminal at once and queues every key as an event,
# faster than it handles them: 10 MiB of `jk` grew a session from 53 MB to 315 MB in 16 s
# and it stopped answering (measured; it handles about 2000 keys a second on a shared
# 2-core machine). So input reaches the pty at a bounded rate: a burst (a paste), then a
# steady rate well above typing, key repeat or mouse motion and below what the app
# handles. What waits is bounded too: a read from the client that would take it over
# the bound is discarded, so a flood costs the server nothing and the session answers
# again a few seconds after it stops.
INPUT_BURST = 8 * 1024


INPUT_BYTES_PER_SECOND = 2 * 1024


INPUT_PENDING_LIMIT = 8 * 1024


# After a lone escape key is written, the pause before the key that followed it in the
# same read. Textual reads ESC plus a key within ESCAPE_DELAY (100 ms) as alt+key, and
# its input thread only looks at the clock after each select(0.1), so an escape is
# settled 100 to 200 ms after it arrives; 250 ms is past that.
ESCAPE_GAP = 0.25


_ESC = 0x1B


# Bytes after ESC that begin a sequence (CSI, SS3): never split from their ESC.
_SEQUENCE_STARTS = frozenset(b"[O")


_PASTE_MARKERS = (b"\x1b[200~", b"\x1b[201~")


# The largest window a session is drawn at (a client may claim 4 billion columns).
MAX_COLUMNS = 1000


MAX_ROWS = 500


class RateLimiter:
    """A token bucket per source address: ``rate`` connections a minute, bursts of ``rate``."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(per_minute, 1.0)
        self.refill_per_second = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, address: str) -> bool:
        """Take a token for ``address``; False when its bucket is empty."""
        now = self._clock()
        tokens, last = self._buckets.get(address, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.refill_per_second)
        if tokens < 1.0:
            self._buckets[address] = (tokens, now)
            return False
        self._buckets[address] = (tokens - 1.0, now)
        self._forget_full_buckets(now)
        return True

    def _forget_full_buckets(self, now: float) -> None:
        # A bucket that has refilled holds no information: drop it so a scan from many
        # addresses cannot grow the table without bound.
        if len(self._buckets) < 1024:
            return
        full_after = self.capacity / self.refill_per_second if self.refill_per_second else 0
        self._buckets = {
            address: (tokens, last)
            for address, (tokens, last) in self._buckets.items()
            if now - last < full_after
        }


class InputPacer:
    """A token bucket of bytes: how much of a session's input may reach the app now."""

    def __init__(
        self,
        burst: int | None = None,
        per_second: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = INPUT_BURST if burst is None else burst
        self.per_second = INPUT_BYTES_PER_SECOND if per_second is None else per_second
        self._clock = clock
        self._tokens = float(self.burst)
        self._last = clock()

    def allowance(self) -> int:
        """The bytes that may be written now."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.per_second)
        self._last = now
        return int(self._tokens)

    def spend(self, count: int) -> None:
        self._tokens -= count

    def wait(self, count: int) -> float:
        """Seconds until some of ``count`` bytes may be written (a twentieth of a second's
        worth, so held input flows steadily rather than in bursts)."""
        step = min(count, max(self.per_second / 20, 1.0))
        return max(step - self._tokens, 1.0) / self.per_second


def split_escape_keys(data: bytes) -> list[bytes]:
    """``data`` cut before and after every lone escape key that has a key after it.

    A lone escape is an ESC not followed by ``[`` or ``O`` (which start the sequences
    arrows, function keys, mouse reports and pastes are sent as). Written with a pause
    between the pieces, ``ESC j`` (escape pressed, then j, arriving in one read on a slow
    link) reaches the app as escape and j, not alt+j. An ESC at the very end is left as
    it is: the rest of a sequence may be in the next read.
    """
    pieces: list[bytes] = []
    start = 0
    index = data.find(_ESC)
    while index != -1 and index + 1 < len(data):
        if data[index + 1] not in _SEQUENCE_STARTS:
            if index > start:
                pieces.append(data[start:index])
            pieces.append(data[index : index + 1])
            start = index + 1
        index = data.find(_ESC, index + 1)
    if start < len(data):
        pieces.append(data[start:])
    return pieces


def paste_markers(data: bytes) -> bytes:
    """The bracketed-paste markers in ``data``, in order: kept when the rest is dropped,
    so the app is never left inside a paste that never ends."""
    found = []
    for marker in _PASTE_MARKERS:
        start = 0
        while (index := data.find(marker, start)) != -1:
            found.append((index, marker))
            start = index + 1
    return b"".join(marker for _, marker in sorted(found))


def clamp_window_size(size: Sequence[int]) -> tuple[int, int, int, int]:
    """A client's window size made safe: 0 (unknown) becomes 80x24, and no size is so
    large that drawing it would cost the server real memory and time."""
    width, height, pixwidth, pixheight = size
    return (
        min(width, MAX_COLUMNS) if width > 0 else 80,
        min(height, MAX_ROWS) if height > 0 else 24,
        min(max(pixwidth, 0), 0xFFFF),
        min(max(pixheight, 0), 0xFFFF),
    )
