"""The SSH server's keys: its host key (made once, mode 600), and the readers' keys
(an OpenSSH authorized_keys file, read again when it changes, ``from=`` honoured).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import asyncssh

log = logging.getLogger("watchline.serve")


def load_or_create_host_key(path: Path) -> tuple[asyncssh.SSHKey, bool]:
    """The server's host key from ``path``; a new ed25519 key (mode 600) when it is missing.

    Returns the key and whether it was just created. Raises ``OSError`` or
    ``asyncssh.KeyImportError`` for an unreadable or malformed file.
    """
    if path.exists():
        return asyncssh.read_private_key(path), False
    key = asyncssh.generate_private_key("ssh-ed25519", comment="watchline host key")
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never follow a symlink or overwrite a key someone created meanwhile.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key.export_private_key())
    return key, True


def key_is_exposed(path: Path) -> bool:
    """True when the host key file can be read by the group or by others."""
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


class AuthorizedKeys:
    """An authorized_keys file, read again whenever it changes on disk (no restart needed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._keys: asyncssh.SSHAuthorizedKeys | None = None
        self.reload()

    @property
    def empty(self) -> bool:
        """True when the file lists no key (nobody can log in)."""
        return self._keys is None

    def reload(self) -> None:
        """Read the file if it changed; raises ``OSError``/``ValueError`` on the first read."""
        info = self.path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
        if stamp == self._stamp:
            return
        text = self.path.read_text(encoding="utf-8")
        self._keys = asyncssh.import_authorized_keys(text) if text.strip() else None
        self._stamp = stamp

    def allows(self, key: asyncssh.SSHKey, client_host: str, client_addr: str) -> bool:
        """Whether ``key`` is listed (and its ``from=`` option, if any, matches)."""
        try:
            self.reload()
        except (OSError, ValueError) as error:
            # Keep the last good list: a half-written file must not lock everyone out.
            log.warning("could not re-read %s (%s); using the last good list", self.path, error)
        if self._keys is None:
            return False
        return self._keys.validate(key, client_host, client_addr) is not None
