"""Does each URL still answer? Concurrent checks with httpx, polite to every host.

Rules: only http(s) URLs are fetched (anything else is "not-checked"); at most
``per_host`` requests to one host and ``total`` in all at a time; HEAD first, then GET
when HEAD is refused (405, 501), reading at most ``body_bytes`` of the body; redirects are
followed by hand, at most ``max_redirects``, and never to a non-http(s) URL. A URL is

- ``ok``: it answers 2xx (after any temporary redirects; ``final_url`` says where);
- ``moved``: it answers 2xx after a permanent redirect (301, 308) to another URL;
- ``dead``: 4xx or 5xx, no such host, connection refused, a timeout, too many redirects
  or a redirect to a non-http(s) URL.
"""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from tui import __version__
from tui.model.links.cited import is_web_url
from tui.model.links.remembered import LinkResult

__all__ = ["DEFAULT_USER_AGENT", "CheckOptions", "Limiter", "check_urls", "run_checks"]

DEFAULT_USER_AGENT = (
    f"watchline/{__version__} (source link checker; +https://github.com/watchline/watchline)"
)
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED = frozenset({405, 501})


@dataclass(frozen=True, slots=True)
class CheckOptions:
    timeout: float = 10.0  # seconds to connect, and between bytes read
    user_agent: str = DEFAULT_USER_AGENT
    per_host: int = 2
    total: int = 16
    max_redirects: int = 10
    body_bytes: int = 8192


class Limiter:
    """At most ``per_host`` requests to one host and ``total`` in all, at a time.

    A request takes its host's slot, then a global one, and gives both back when done
    (always in that order, so two requests never wait on each other's slots).
    """

    def __init__(self, per_host: int, total: int) -> None:
        self.per_host = max(1, per_host)
        self._total = asyncio.Semaphore(max(1, total))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def slot(self, url: str) -> _Slot:
        host = (urlsplit(url).hostname or "").lower()
        semaphore = self._hosts.get(host)
        if semaphore is None:
            semaphore = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return _Slot(semaphore, self._total)


class _Slot:
    def __init__(self, host: asyncio.Semaphore, total: asyncio.Semaphore) -> None:
        self.host, self.total = host, total

    async def __aenter__(self) -> None:
        await self.host.acquire()
        try:
            await self.total.acquire()
        except BaseException:
            self.host.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.total.release()
        self.host.release()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _reason(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


class _Dead(Exception):
    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.code = reason, code


async def _request(
    client: httpx.AsyncClient,
    limiter: Limiter,
    method: str,
    url: str,
    body_bytes: int,
    deadline: float,
) -> httpx.Response:
    """One request (no redirects followed), inside the host's and the global slot.

    ``deadline`` bounds the whole request, so a server that trickles its headers or body
    a byte at a time (each within the read timeout) cannot hold a slot forever.
    """
    async with limiter.slot(url):
        # Inside the slot, so time spent waiting for one does not count against it.
        return await asyncio.wait_for(_send(client, method, url, body_bytes), deadline)


async def _send(
    client: httpx.AsyncClient, method: str, url: str, body_bytes: int
) -> httpx.Response:
    request = client.build_request(method, url)
    response = await client.send(request, stream=True, follow_redirects=False)
    try:
        if method == "GET":
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read >= body_bytes:
                    break
    finally:
        await response.aclose()
    return response


async def _check_one(
    client: httpx.AsyncClient, limiter: Limiter, url: str, options: CheckOptions
) -> LinkResult:
    if not is_web_url(url):
        return LinkResult(url, "not-checked", reason="not http(s)", checked_at=_now())
    current = url
    permanent = False
    hops = 0
    method = "HEAD"
    try:
        while True:
            response = await _request(
                client, limiter, method, current, options.body_bytes, 3 * options.timeout
            )
            code = response.status_code
            if method == "HEAD" and code in HEAD_REFUSED:
                method = "GET"
                continue
            if code in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise _Dead(f"{_reason(code)} without a Location", code)
                target = urljoin(current, location.strip())
                if not is_web_url(target):
                    raise _Dead(f"{_reason(code)} to a non-http(s) URL (not followed)", code)
                hops += 1
                if hops > options.max_redirects:
                    raise _Dead(f"more than {options.max_redirects} redirects", code)
                permanent = permanent or code in PERMANENT
                current = target
                if code == 303:
                    method = "GET"
                continue
            break
    except _Dead as dead:
        final = current if current != url else None
        return LinkResult(url, "dead", dead.code, final, dead.reason, _now())
    except (httpx.TimeoutException, TimeoutError):
        return LinkResult(url, "dead", None, _moved_to(url, current), "timed out", _now())
    except httpx.ConnectError as error:
        return LinkResult(
            url, "dead", None, _moved_to(url, current), _connect_reason(error), _now()
        )
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        reason = type(error).__name__ + (f": {error}" if str(error) else "")
        return LinkResult(url, "dead", None, _moved_to(url, current), reason, _now())
    final_url = _moved_to(url, current)
    if code >= 400 or code < 200:
        return LinkResult(url, "dead", code, final_url, _reason(code), _now())
    if permanent and final_url is not None:
        return LinkResult(url, "moved", code, final_url, _reason(code), _now())
    return LinkResult(url, "ok", code, final_url, _reason(code), _now())


def _moved_to(url: str, current: str) -> str | None:
    return current if current != url else None


def _connect_reason(error: httpx.ConnectError) -> str:
    text = str(error)
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "no such host"
    if "temporary failure in name resolution" in lowered or "name resolution" in lowered:
        return "no such host (name resolution failed)"
    if "refused" in lowered or "all connection attempts failed" in lowered:
        return "connection refused"
    return f"cannot connect: {text}" if text else "cannot connect"


async def check_urls(
    urls: Sequence[str],
    options: CheckOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[LinkResult]:
    """Check every URL (in ``urls``' order in the result), concurrently within the limits.

    ``transport`` replaces the network (tests); proxies come from the environment as usual.
    """
    opts = options or CheckOptions()
    limiter = Limiter(opts.per_host, opts.total)
    timeout = httpx.Timeout(opts.timeout, pool=None)
    limits = httpx.Limits(max_connections=max(1, opts.total), max_keepalive_connections=opts.total)
    done = 0
    total = len(urls)

    async with httpx.AsyncClient(
        headers={"User-Agent": opts.user_agent, "Accept": "*/*"},
        timeout=timeout,
        limits=limits,
        transport=transport,
    ) as client:

        async def one(url: str) -> LinkResult:
            nonlocal done
            result = await _check_one(client, limiter, url, opts)
            done += 1
            if progress is not None:
                progress(done, total)
            return result

        return list(await asyncio.gather(*(one(url) for url in urls)))


def run_checks(
    urls: Sequence[str],
    options: CheckOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[LinkResult], float]:
    """:func:`check_urls` on a new event loop; the results and the seconds it took."""
    started = time.monotonic()
    results = asyncio.run(check_urls(urls, options, progress=progress))
    return results, time.monotonic() - started
