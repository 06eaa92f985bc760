"""A local HTTP server for the link checker and the archive (no network in tests).

Routes (any prefix before them is ignored, so many distinct URLs reach one route):

- ``/ok`` 200; ``/moved`` 301 to ``/ok``; ``/temp`` 302 to ``/ok``; ``/missing`` 404;
  ``/error`` 500; ``/slow`` waits ``slow_seconds`` then 200; ``/nohead`` 405 to HEAD,
  200 to GET; ``/to-file`` 301 to ``file:///etc/passwd``; ``/big`` 405 to HEAD, 4 MB to GET;
  ``/hostile`` 302 to a Location holding ESC and CSI.
- ``/wayback/available?url=U``: a snapshot for a U containing ``has-snapshot``, none otherwise.
- ``/save/U``: 200 with ``Content-Location: /web/20240102030405/U``.

Every request waits ``delay`` seconds first; the server counts requests, their methods
and the most that were in flight at once (overall and per Host header).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LinkServer:
    def __init__(self, host: str = "127.0.0.1", delay: float = 0.0, slow_seconds: float = 3.0):
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.big_bytes_sent = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                server._handle(self, "HEAD")

            def do_GET(self) -> None:
                server._handle(self, "GET")

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> LinkServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, method: str | None = None) -> Counter[str]:
        with self.lock:
            return Counter(p for m, p in self.requests if method is None or m == method)

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.requests.append((method, handler.path))
        try:
            if self.delay:
                time.sleep(self.delay)
            self._route(handler, method)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.in_flight -= 1

    def _route(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        path = parts.path
        if path.startswith("/wayback/available"):
            url = parse_qs(parts.query).get("url", [""])[0]
            snapshots = {}
            if "has-snapshot" in url:
                snapshots = {
                    "closest": {
                        "available": True,
                        "status": "200",
                        "timestamp": "20200101000000",
                        "url": f"http://web.archive.org/web/20200101000000/{url}",
                    }
                }
            body = json.dumps({"url": url, "archived_snapshots": snapshots}).encode()
            return self._send(h, method, 200, body, {"Content-Type": "application/json"})
        if path.startswith("/save/"):
            target = h.path[len("/save/") :]
            headers = {"Content-Location": f"/web/20240102030405/{target}"}
            return self._send(h, method, 200, b"saved", headers)
        route = "/" + path.rsplit("/", 1)[-1]
        if route == "/ok":
            return self._send(h, method, 200, b"ok")
        if route == "/moved":
            return self._send(h, method, 301, b"", {"Location": "/ok"})
        if route == "/temp":
            return self._send(h, method, 302, b"", {"Location": "/ok"})
        if route == "/to-file":
            return self._send(h, method, 301, b"", {"Location": "file:///etc/passwd"})
        if route == "/error":
            return self._send(h, method, 500, b"oops")
        if route == "/slow":
            time.sleep(self.slow_seconds)
            return self._send(h, method, 200, b"late")
        if route == "/nohead":
            if method == "HEAD":
                return self._send(h, method, 405, b"", {"Allow": "GET"})
            return self._send(h, method, 200, b"got it")
        if route == "/hostile":
            return self._send(h, method, 302, b"", {"Location": "/ok?\x1b[31mred\x9b2J"})
        if route == "/big":
            return self._send_big(h, method)
        return self._send(h, method, 404, b"not here")

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        method: str,
        code: int,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        h.send_response(code)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if method != "HEAD":
            h.wfile.write(body)

    def _send_big(self, h: BaseHTTPRequestHandler, method: str) -> None:
        size = 4 * 2**20
        if method == "HEAD":
            return self._send(h, method, 405, b"")
        h.send_response(200)
        h.send_header("Content-Length", str(size))
        h.end_headers()
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            h.wfile.write(chunk)
            with self.lock:
                self.big_bytes_sent += len(chunk)
