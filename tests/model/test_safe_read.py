"""The reader every door shares: regular files only, the cap from fstat, a read that stops."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tui.model import safe_read
from tui.model.safe_read import Unreadable, open_regular, read_bytes, read_fd


def test_a_regular_file_is_read_whole(tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 3_000_000)
    assert read_bytes(path) == b"x" * 3_000_000


@pytest.mark.timeout(10)
def test_a_fifo_without_a_writer_is_refused_not_waited_for(tmp_path: Path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    with pytest.raises(Unreadable, match=r"^not a regular file$"):
        read_bytes(path)


def test_a_device_and_a_socket_are_refused(tmp_path: Path):
    with pytest.raises(Unreadable, match=r"^not a regular file$"):
        read_bytes("/dev/zero")
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        with pytest.raises(Unreadable):
            read_bytes(sock_path)


def test_the_cap_is_checked_from_fstat_before_reading(tmp_path: Path, monkeypatch):
    path = tmp_path / "big"
    with path.open("wb") as out:
        out.truncate(300 * 10**6)
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(Unreadable, match="the file is 286 MiB; a log may be at most 256 MiB"):
        read_bytes(path)
    assert reads == []


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path: Path):
    path = tmp_path / "growing"
    path.write_bytes(b"a" * 10)
    with open_regular(path, cap=100) as (fd, info):
        path.write_bytes(b"a" * 500)  # same inode, now over the cap
        with pytest.raises(Unreadable, match="grew past"):
            read_fd(fd, info.st_size, 100)


def test_no_follow_refuses_a_final_symlink_but_reads_a_plain_file(tmp_path: Path):
    real = tmp_path / "real"
    real.write_bytes(b"ok")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert read_bytes(link) == b"ok"
    assert read_bytes(real, follow_symlinks=False) == b"ok"
    with pytest.raises(Unreadable, match="symbolic link"):
        read_bytes(link, follow_symlinks=False)


def test_missing_and_folder_have_the_loader_words(tmp_path: Path):
    with pytest.raises(Unreadable, match=r"^no such file$"):
        read_bytes(tmp_path / "nope")
    with pytest.raises(Unreadable, match=r"^this is a folder, not a log file$"):
        read_bytes(tmp_path)


def test_an_unreadable_is_an_oserror_with_a_message(tmp_path: Path):
    with pytest.raises(OSError) as caught:
        read_bytes(tmp_path / "nope")
    assert safe_read.cannot_read("x.yaml", caught.value) == "x.yaml: cannot read: no such file"
