"""The last check of each URL, remembered in the user's cache folder (``links/results.json``).

``watchline sources check`` writes it (merged with what was there, written atomically);
the TUI reads it once per load to mark a source link found dead, with no network. The
folder is found and guarded as the log cache's is (:func:`tui.model.load.cache.cache_dir`:
0700, ours, ``WATCHLINE_CACHE=0`` turns it off). Every failure means "nothing
remembered": a missing, unreadable, corrupt or unwritable file never fails a command.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.model import safe_read
from tui.model.atomic import write_atomically

__all__ = [
    "STATUSES",
    "LinkResult",
    "read_results",
    "remember",
    "results_path",
]

FILE_NAME = "results.json"
VERSION = 1
# Statuses a check gives: ok, moved (a permanent redirect), dead, not-checked (not http(s)).
STATUSES = ("ok", "moved", "dead", "not-checked")
# The file stays small: at most this many URLs (the oldest checks go first) and bytes.
MAX_URLS = 50_000
MAX_BYTES = 32 * 2**20


@dataclass(frozen=True, slots=True)
class LinkResult:
    """What one check of ``url`` found.

    ``status`` is one of :data:`STATUSES`; ``code`` the last HTTP status (None when no
    answer came); ``final_url`` where redirects ended (None without redirects); ``reason``
    words for a person ("404 Not Found", "timed out", "not http(s)"); ``checked_at`` an
    ISO 8601 UTC time.
    """

    url: str
    status: str
    code: int | None = None
    final_url: str | None = None
    reason: str = ""
    checked_at: str = ""

    @property
    def dead(self) -> bool:
        return self.status == "dead"


def results_path() -> Path | None:
    """The remembered results file, or None when there is no cache folder to trust."""
    from tui.model.load.cache import cache_dir

    folder = cache_dir("links")
    return None if folder is None else folder / FILE_NAME


def read_results(path: Path | None = None) -> dict[str, LinkResult]:
    """Every remembered result by URL; empty when there are none or the file is unusable."""
    target = results_path() if path is None else path
    if target is None:
        return {}
    try:
        data = json.loads(
            safe_read.read_bytes(target, cap=MAX_BYTES, follow_symlinks=False, what="a cache file")
        )
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    entries = data.get("results")
    if not isinstance(entries, dict):
        return {}
    results: dict[str, LinkResult] = {}
    for url, entry in entries.items():
        result = _entry(url, entry)
        if result is not None:
            results[url] = result
    return results


def _entry(url: object, entry: object) -> LinkResult | None:
    if not isinstance(url, str) or not isinstance(entry, dict):
        return None
    status, code = entry.get("status"), entry.get("code")
    final_url = entry.get("final_url")
    reason, checked_at = entry.get("reason", ""), entry.get("checked_at", "")
    if status not in STATUSES or not isinstance(reason, str) or not isinstance(checked_at, str):
        return None
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        return None
    if final_url is not None and not isinstance(final_url, str):
        return None
    return LinkResult(url, status, code, final_url, reason, checked_at)


def remember(results: Iterable[LinkResult], path: Path | None = None) -> bool:
    """Merge ``results`` into the file (newest check per URL wins); True when written.

    Never raises: a cache that cannot be written is only a cache not written.
    """
    target = results_path() if path is None else path
    if target is None:
        return False
    merged: dict[str, LinkResult] = read_results(target)
    for result in results:
        merged[result.url] = result
    if len(merged) > MAX_URLS:
        newest = sorted(merged.values(), key=lambda r: r.checked_at, reverse=True)[:MAX_URLS]
        merged = {r.url: r for r in newest}
    payload = {"version": VERSION, "results": {url: _plain(r) for url, r in merged.items()}}
    data = json.dumps(payload, ensure_ascii=True, indent=1, sort_keys=True).encode("ascii")
    try:
        write_atomically(target, data, mode=0o600, durable=False)
    except OSError:
        return False  # write_atomically removed its temporary file
    return True


def _plain(result: LinkResult) -> Mapping[str, object]:
    entry = asdict(result)
    del entry["url"]
    return entry
