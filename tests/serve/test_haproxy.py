"""Several servers behind one TCP load balancer: the HAProxy configuration docs/serving.md
gives, checked by HAProxy itself and then run in front of two real servers.

Readers connect to the balancer with the real OpenSSH client; both servers share one host
key (as the guide says), so a reader never sees a changed key whichever server they reach.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.serve.harness import ssh_argv as ssh
from tests.serve.harness import timeline_markers

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "serving.md"


def haproxy() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI has no HAProxy: .ci/run installs it (apt-get install haproxy)")
        pytest.skip("no HAProxy on this machine (apt-get install haproxy)")
    return found


def guide_config() -> str:
    """The HAProxy configuration in docs/serving.md (the block with a frontend)."""
    fenced = re.findall(r"^```(\w*)\n(.*?)^```", GUIDE.read_text(encoding="utf-8"), re.M | re.S)
    configs = [block for _, block in fenced if block.startswith("frontend watchline_ssh")]
    assert len(configs) == 1, "docs/serving.md should give one HAProxy configuration"
    return configs[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_config(front: int, backends: list[int]) -> str:
    """The guide's configuration on this machine: its ports and addresses made local."""
    config = guide_config().replace("bind :22", f"bind 127.0.0.1:{front}")
    for address, port in zip(["10.0.0.11:2222", "10.0.0.12:2222"], backends, strict=True):
        assert address in config
        config = config.replace(address, f"127.0.0.1:{port}")
    return config


def test_the_guides_configuration_is_valid_haproxy(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(guide_config())
    done = subprocess.run(
        [haproxy(), "-c", "-f", str(path)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_two_servers_behind_the_balancer_each_serve_readers(
    start_server, terminals, keys, tmp_path
):
    binary = haproxy()
    servers = [start_server(app="real"), start_server(app="real")]
    front = free_port()
    path = tmp_path / "haproxy.cfg"
    path.write_text(local_config(front, [server.port for server in servers]))
    balancer = subprocess.Popen(
        [binary, "-db", "-f", str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", front)) == 0:
                    break
            assert time.monotonic() < deadline, "HAProxy did not start listening"
            time.sleep(0.1)
        readers = []
        for _ in range(2):  # leastconn: the second reader goes to the other server
            reader = terminals(ssh(front, keys["reader"], "-tt"))
            assert reader.shows(*timeline_markers()), reader.text
            readers.append(reader)
        assert [len(server.session_pids()) for server in servers] == [1, 1]
    finally:
        balancer.terminate()
        balancer.wait(10)
