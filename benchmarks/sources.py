"""URLs checked per second by `watchline sources check`'s checker, against a local server.

    python benchmarks/sources.py [URLS] [DELAY_MS]

Starts three local HTTP servers (127.0.0.1, .2, .3: three hosts), each answering after
DELAY_MS (default 20 ms), and checks URLS distinct URLs (default 500) spread over them,
with the command's limits (2 a host, 16 in all) and with wider ones for comparison.
Prints a table: the politeness limit, not the machine, sets the rate.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.link_server import LinkServer
from tui.model.links.check import CheckOptions, check_urls


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    delay = (int(sys.argv[2]) if len(sys.argv) > 2 else 20) / 1000
    servers = [LinkServer(host=f"127.0.0.{n}", delay=delay) for n in (1, 2, 3)]
    for server in servers:
        server.__enter__()
    try:
        urls = [servers[i % 3].url(f"/u{i}/ok") for i in range(count)]
        print(f"{count} URLs on 3 local hosts, {delay * 1000:.0f} ms a response")
        print(f"{'per host':>8} {'in all':>6} {'seconds':>8} {'URLs/s':>8} {'ok':>5}")
        for per_host, total in ((2, 16), (4, 16), (8, 16)):
            options = CheckOptions(timeout=10, per_host=per_host, total=total)
            started = time.perf_counter()
            results = asyncio.run(check_urls(urls, options))
            seconds = time.perf_counter() - started
            ok = sum(r.status == "ok" for r in results)
            print(f"{per_host:>8} {total:>6} {seconds:>8.2f} {count / seconds:>8.0f} {ok:>5}")
    finally:
        for server in servers:
            server.__exit__()


if __name__ == "__main__":
    main()
