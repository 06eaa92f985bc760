"""A real headless browser (Chromium) driven over the DevTools protocol, for the web tests.

Only what the tests need: open a page, record every request it makes, type, read the
terminal's text, take a screenshot, close the tab.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

CHROMIUM = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (path := shutil.which(name))
    ),
    None,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Tab:
    """One page target: send DevTools commands, collect the events it reports."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.requests: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.requestWillBeSent":
                self.requests.append(data["params"]["request"]["url"])

    async def send(self, method: str, **params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.websocket.send_json({"id": self.next_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def screen_text(self) -> str:
        """The terminal's rows as text (xterm.js renders rows into .xterm-rows, or a canvas:
        then its buffer is read through the accessibility tree's text)."""
        text = await self.evaluate(
            "(() => { const rows = document.querySelector('.xterm-rows');"
            " if (rows && rows.innerText.trim()) return rows.innerText;"
            " const a11y = document.querySelector('.xterm-accessibility-tree');"
            " return a11y ? a11y.innerText : ''; })()"
        )
        return text or ""

    async def wait_for_text(self, markers: list[str], timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.screen_text()
            if any(marker in text for marker in markers):
                return text
            await asyncio.sleep(0.3)
        return text

    async def type(self, text: str) -> None:
        """Type into the terminal (its input is a hidden textarea that must have focus)."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        for char in text:
            if char == "\n":
                enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
                await self.send("Input.dispatchKeyEvent", type="keyDown", text="\r", **enter)
                await self.send("Input.dispatchKeyEvent", type="keyUp", **enter)
            else:
                await self.send("Input.insertText", text=char)
            await asyncio.sleep(0.05)

    async def screenshot(self, path: str) -> None:
        result = await self.send("Page.captureScreenshot", format="png")
        with open(path, "wb") as out:
            out.write(base64.b64decode(result["data"]))


@contextlib.asynccontextmanager
async def browser(width: int = 1024, height: int = 768) -> AsyncIterator[tuple[Any, int]]:
    """A headless Chromium with remote debugging on a free port; yields (session, port)."""
    assert CHROMIUM is not None
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="watchline-chromium-") as profile:
        process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/json/version") as reply:
                            await reply.json()
                            break
                    except aiohttp.ClientError:
                        if time.monotonic() > deadline:
                            raise
                        await asyncio.sleep(0.2)
                yield session, port
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait()


@contextlib.asynccontextmanager
async def open_tab(session: Any, port: int, url: str) -> AsyncIterator[Tab]:
    """A new tab on ``url`` with requests recorded; closed (as a reader closes it) after."""
    async with session.put(f"http://127.0.0.1:{port}/json/new?about:blank") as reply:
        target = await reply.json()
    websocket = await session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0)
    tab = Tab(websocket)
    try:
        await tab.send("Network.enable")
        await tab.send("Page.enable")
        await tab.send("Page.navigate", url=url)
        yield tab
    finally:
        with contextlib.suppress(Exception):
            await websocket.close()
        tab.reader.cancel()
        async with session.get(f"http://127.0.0.1:{port}/json/close/{target['id']}") as reply:
            await reply.read()
