"""``watchline serve web`` under abuse: foreign hosts and origins, too many tabs, huge
windows, idle and vanished readers, a stopped server; and a real browser's tab.

Each test starts the real server (``python -m tui serve web``) and talks to it as a
browser or an attacker's script would.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

from tests.serve.browser import CHROMIUM, browser, open_tab
from tests.serve.harness import wait_until
from tests.serve.test_serve_commands import children_of, free_port, get_page, start, stop

pytestmark = pytest.mark.e2e


def apps_of(server_pid: int) -> list[int]:
    """The served app processes the server has running (its children running the TUI)."""
    apps = []
    for pid in children_of(server_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--read-only" in argv:
            apps.append(pid)
    return apps


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


async def first_bytes(url: str, origin: str | None, timeout: float = 30) -> int:
    """Open a session's websocket and wait for the app's first output; its size."""
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as session, session.ws_connect(url, headers=headers) as ws:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = await ws.receive(timeout=timeout)
            if message.type == aiohttp.WSMsgType.BINARY:
                return len(message.data)
    return 0


@pytest.fixture
def web():  # type: ignore[no-untyped-def]
    """A running server with a small session cap and a short idle timeout: (port, server)."""
    port = free_port()
    server = start("web", "--port", str(port), "--max-sessions", "2", "--idle-timeout", "20")
    try:
        get_page(port, server)
        yield port, server
    finally:
        stop(server)


def status_of(port: int, host: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_foreign_host_name_is_refused_so_dns_rebinding_reads_nothing(web):
    port, _ = web
    assert status_of(port, f"127.0.0.1:{port}") == 200
    assert status_of(port, f"localhost:{port}") == 200
    assert status_of(port, f"attacker.example:{port}") == 421


def test_a_websocket_from_another_site_is_refused(web):
    port, server = web

    async def evil() -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    f"ws://127.0.0.1:{port}/ws", headers={"Origin": "https://evil.example"}
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    assert asyncio.run(evil()) == 403
    assert apps_of(server.pid) == []  # no app was started for it


def test_the_page_loads_nothing_from_a_third_party(web):
    port, server = web
    _, page = get_page(port, server)
    assert "googleapis" not in page and "https://" not in page.split("<body", 1)[0]
    font = urllib.request.urlopen(
        f"http://127.0.0.1:{port}/static/fonts/RobotoMono-VariableFont_wght.ttf", timeout=5
    )
    assert font.status == 200 and len(font.read()) > 10_000


def test_sessions_are_capped_and_a_closed_socket_ends_its_app(web):
    port, server = web
    url = f"ws://127.0.0.1:{port}/ws?width=80&height=24"
    origin = f"http://127.0.0.1:{port}"

    async def three() -> tuple[list[int], int]:
        async with aiohttp.ClientSession() as session:
            sockets = [await session.ws_connect(url, headers={"Origin": origin}) for _ in range(2)]
            for ws in sockets:
                while (await ws.receive(timeout=30)).type != aiohttp.WSMsgType.BINARY:
                    pass
            running = apps_of(server.pid)
            try:
                async with session.ws_connect(url, headers={"Origin": origin}):
                    refused = 101
            except aiohttp.WSServerHandshakeError as error:
                refused = error.status
            for ws in sockets:
                await ws.close()
            return running, refused

    running, refused = asyncio.run(three())
    assert len(running) == 2
    assert refused == 503
    assert wait_until(lambda: all(gone(pid) for pid in running)), "apps outlived their sockets"


def test_a_huge_window_is_drawn_at_the_cap():
    port = free_port()
    server = start("web", "--port", str(port))
    try:
        get_page(port, server)
        url = f"ws://127.0.0.1:{port}/ws?width=20000&height=20000"
        sizes: list[tuple[str, str]] = []

        async def visit() -> None:
            async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
                while (await ws.receive(timeout=30)).type != aiohttp.WSMsgType.BINARY:
                    pass
                for pid in apps_of(server.pid):
                    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                    env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
                    sizes.append((env["COLUMNS"], env["ROWS"]))

        asyncio.run(visit())
        assert sizes == [("500", "200")]
    finally:
        stop(server)


def test_an_idle_session_and_a_stopped_server_end_their_apps():
    port = free_port()
    server = start("web", "--port", str(port), "--idle-timeout", "3")
    try:
        get_page(port, server)
        url = f"ws://127.0.0.1:{port}/ws"
        seen: list[int] = []

        async def idle() -> float:
            async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
                began = time.monotonic()
                while True:
                    message = await ws.receive(timeout=60)
                    if message.type == aiohttp.WSMsgType.BINARY and not seen:
                        seen.extend(apps_of(server.pid))
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        return time.monotonic() - began

        closed_after = asyncio.run(idle())
        assert closed_after < 30
        assert seen and wait_until(lambda: all(gone(pid) for pid in seen))

        # A session open when the server is stopped ends with it (none is re-parented).
        async def open_then_stop() -> list[int]:
            async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
                while (await ws.receive(timeout=30)).type != aiohttp.WSMsgType.BINARY:
                    pass
                running = apps_of(server.pid)
                stop(server)
                return running

        running = asyncio.run(open_then_stop())
        assert running and wait_until(lambda: all(gone(pid) for pid in running))
    finally:
        stop(server)


def _need_browser() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI has no Chromium: .ci/run installs it (apt-get install chromium)")
        pytest.skip("no Chromium on this machine (apt-get install chromium)")


def test_a_real_browser_tab_opens_searches_and_its_app_ends_with_the_tab(tmp_path):
    _need_browser()
    port = free_port()
    server = start("web", "--port", str(port))
    try:
        get_page(port, server)

        async def tab_session() -> tuple[list[str], dict[str, float], list[int], bool]:
            async with (
                browser(1024, 700) as (session, debug_port),
                open_tab(session, debug_port, f"http://127.0.0.1:{port}/") as tab,
            ):
                deadline = time.monotonic() + 60
                while not apps_of(server.pid) and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                await asyncio.sleep(3)  # the first frame
                before = tmp_path / "before.png"
                await tab.screenshot(str(before))
                await tab.type("/police\n")
                await asyncio.sleep(2)
                after = tmp_path / "after.png"
                await tab.screenshot(str(after))
                box = await tab.evaluate(
                    "JSON.stringify((() => { const r = document.querySelector("
                    "'.xterm-screen').getBoundingClientRect(); return {top: r.top, "
                    "bottom: r.bottom, height: window.innerHeight}; })())"
                )
                running = apps_of(server.pid)
                changed = before.read_bytes() != after.read_bytes()
                return tab.requests, json.loads(box), running, changed

        requests, box, running, changed = asyncio.run(tab_session())
        assert requests and all(url.startswith(f"http://127.0.0.1:{port}/") for url in requests), (
            requests
        )
        assert box["top"] >= 0 and box["bottom"] <= box["height"], box  # no row cut off
        assert len(running) == 1
        assert changed, "typing a search changed nothing on the page"
        assert wait_until(lambda: all(gone(pid) for pid in running)), "the app outlived its tab"
    finally:
        stop(server)
