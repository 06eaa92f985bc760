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

# Runs in the child (python -S -I -c): limits, then optionally take the pty as the
# controlling terminal (SSH), then become the app. Nothing is imported but the stdlib.
TRAMPOLINE = (
    "import os, resource, sys\n"
    "tty, memory, cpu, files, size = (int(v) for v in sys.argv[1:6])\n"
    "if tty:\n"
    "    import fcntl, termios\n"
    "    fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "if memory > 0:\n"
    "    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))\n"
    "if cpu > 0:\n"
    "    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))\n"
    "resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))\n"
    "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))\n"
    "os.execvpe(sys.argv[6], sys.argv[6:], os.environ)\n"
)


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """Per-session limits: data memory (MiB) and CPU time (seconds); 0 means no limit."""

    memory_mib: int = DEFAULT_MEMORY_MIB
    cpu_seconds: int = DEFAULT_CPU_SECONDS

    def argv(self, command: Sequence[str], *, controlling_tty: bool) -> list[str]:
        """The argv that runs ``command`` under these limits."""
        return [
            sys.executable,
            "-S",
            "-I",
            "-c",
            TRAMPOLINE,
            "1" if controlling_tty else "0",
            str(self.memory_mib * 2**20),
            str(self.cpu_seconds),
            str(OPEN_FILES),
            str(FILE_SIZE),
            *command,
        ]
