"""What one served session may use: resource limits set in the child before it becomes
the app, the same for SSH and the browser.

A served session runs code that reads untrusted input (the log, a reader's keys, a
browser's window size), so each gets limits of its own: a reader who finds a way to make
the app grow or spin loses their own session, not the server or the other readers.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

# A served session of the bundled log holds about 66 MB resident and 230 MB of data
# (heap, arenas, thread stacks: VmData, measured); a 10k-event log about three times that.
DEFAULT_MEMORY_MIB = 1024
# CPU seconds in all: about an hour of constant redrawing. A reader who browses uses a
# few seconds an hour; an app spinning at a full core is stopped.
DEFAULT_CPU_SECONDS = 3600
OPEN_FILES = 256
# The largest file a session may write: it writes none (a served session is read-only),
# so this only bounds a bug.
FILE_SIZE = 16 * 2**20

# Runs in the child (python -S -I -c): the limits given as NAME SOFT HARD triples (see
# rlimits), then optionally take the pty as the controlling terminal (SSH), then become the
# app. Nothing is imported but the stdlib.
TRAMPOLINE = (
    "import os, resource, sys\n"
    "tty, count = int(sys.argv[1]), int(sys.argv[2])\n"
    "if tty:\n"
    "    import fcntl, termios\n"
    "    fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "triples = sys.argv[3 : 3 + 3 * count]\n"
    "for i in range(0, len(triples), 3):\n"
    "    name, soft, hard = triples[i], int(triples[i + 1]), int(triples[i + 2])\n"
    "    resource.setrlimit(getattr(resource, name), (soft, hard))\n"
    "command = sys.argv[3 + 3 * count :]\n"
    "os.execvpe(command[0], command, os.environ)\n"
)


def rlimits(memory: int, cpu: int) -> list[tuple[str, int, int]]:
    """The limits of one session (memory in bytes, CPU in seconds; 0: no limit of that kind),
    as (resource name, soft, hard): the one table both ways of starting a session apply."""
    limits = []
    if memory > 0:
        limits.append(("RLIMIT_DATA", memory, memory))
    if cpu > 0:
        # The soft limit sends SIGXCPU; the hard one, a little later, SIGKILL.
        limits.append(("RLIMIT_CPU", cpu, cpu + 5))
    limits += [
        ("RLIMIT_NOFILE", OPEN_FILES, OPEN_FILES),
        ("RLIMIT_FSIZE", FILE_SIZE, FILE_SIZE),
        ("RLIMIT_CORE", 0, 0),
    ]
    return limits


def apply_limits(memory: int, cpu: int) -> None:
    """Set :func:`rlimits` on this process (a session forked from the warm template)."""
    import resource

    for name, soft, hard in rlimits(memory, cpu):
        resource.setrlimit(getattr(resource, name), (soft, hard))


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """Per-session limits: data memory (MiB) and CPU time (seconds); 0 means no limit."""

    memory_mib: int = DEFAULT_MEMORY_MIB
    cpu_seconds: int = DEFAULT_CPU_SECONDS

    def argv(self, command: Sequence[str], *, controlling_tty: bool) -> list[str]:
        """The argv that runs ``command`` under these limits."""
        limits = rlimits(self.memory_mib * 2**20, self.cpu_seconds)
        return [
            sys.executable,
            "-S",
            "-I",
            "-c",
            TRAMPOLINE,
            "1" if controlling_tty else "0",
            str(len(limits)),
            *(str(item) for triple in limits for item in triple),
            *command,
        ]
