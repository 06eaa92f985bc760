"""Archived copies from the Internet Archive: the closest snapshot, or a new one (Save Page Now).

``find_snapshots`` asks the availability API (``?url=``) for each URL, a few at a time,
and with ``save`` asks Save Page Now for a page that has none, taking the snapshot's URL
from ``Content-Location`` or where the redirects end. Only http(s) snapshot URLs count.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from tui.model.links.check import DEFAULT_USER_AGENT, Limiter
from tui.model.links.cited import is_web_url

__all__ = ["AVAILABILITY", "SAVE", "Snapshot", "find_snapshots"]

AVAILABILITY = "https://archive.org/wayback/available"
SAVE = "https://web.archive.org/save/"
_MAX_ANSWER = 1 << 20


@dataclass(frozen=True, slots=True)
class Snapshot:
    """For ``url``: the snapshot's URL (None when none was found), how, and why not."""

    url: str
    snapshot: str | None
    saved: bool = False  # made now by Save Page Now
    reason: str = ""


async def _availability(
    client: httpx.AsyncClient, limiter: Limiter, endpoint: str, url: str
) -> str | None:
    async with limiter.slot(endpoint):
        response = await client.get(endpoint, params={"url": url})
    if response.status_code != 200 or len(response.content) > _MAX_ANSWER:
        raise httpx.HTTPStatusError(
            f"the availability API answered {response.status_code}",
            request=response.request,
            response=response,
        )
    data = json.loads(response.content)
    closest = (data.get("archived_snapshots") or {}).get("closest") or {}
    found = closest.get("url")
    status = str(closest.get("status", "200"))
    if closest.get("available") and isinstance(found, str) and status.startswith("2"):
        if found.startswith("http://web.archive.org/"):
            found = "https://" + found[len("http://") :]
        return found if is_web_url(found) else None
    return None


async def _save(client: httpx.AsyncClient, limiter: Limiter, endpoint: str, url: str) -> str | None:
    target = endpoint + url
    async with limiter.slot(target):
        # httpx follows only http(s) redirects: one to any other scheme is an error.
        response = await client.get(target, follow_redirects=True)
    if not 200 <= response.status_code < 300:
        return None
    final = str(response.url)
    location = response.headers.get("content-location")
    if location:
        snapshot = urljoin(final, location.strip())
    elif final != target and "/web/" in final:
        snapshot = final
    else:
        return None
    return snapshot if is_web_url(snapshot) else None


async def find_snapshots(
    urls: Sequence[str],
    *,
    save: bool = False,
    availability_endpoint: str = AVAILABILITY,
    save_endpoint: str = SAVE,
    timeout: float = 30.0,
    user_agent: str = DEFAULT_USER_AGENT,
    progress: Callable[[int, int], None] | None = None,
) -> list[Snapshot]:
    """A :class:`Snapshot` for each of ``urls``, in order."""
    limiter = Limiter(per_host=2, total=4)
    done = 0
    async with httpx.AsyncClient(
        headers={"User-Agent": user_agent}, timeout=httpx.Timeout(timeout, pool=None)
    ) as client:

        async def one(url: str) -> Snapshot:
            nonlocal done
            try:
                found = await _availability(client, limiter, availability_endpoint, url)
                if found is not None:
                    result = Snapshot(url, found)
                elif save:
                    made = await _save(client, limiter, save_endpoint, url)
                    reason = "" if made else "Save Page Now gave no snapshot"
                    result = Snapshot(url, made, saved=made is not None, reason=reason)
                else:
                    result = Snapshot(url, None, reason="no snapshot (--save asks for one)")
            except (httpx.HTTPError, httpx.InvalidURL, ValueError, AttributeError) as error:
                result = Snapshot(url, None, reason=f"{type(error).__name__}: {error}")
            done += 1
            if progress is not None:
                progress(done, len(urls))
            return result

        return list(await asyncio.gather(*(one(url) for url in urls)))
