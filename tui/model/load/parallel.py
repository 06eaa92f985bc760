"""Building log files in worker processes, so a cold folder of large files uses every core.

A cold start spends nearly all its time parsing and building each file (about 17 s for a
100k-event file), and :func:`~tui.model.load.files.load_paths` used to do that one file
after another in one process. Here a large file the cache does not hold is built by a
worker process of its own, which runs the ordinary :func:`~tui.model.load.files.load_file`:
a clean part is stored in the log cache (:mod:`tui.model.load.cache`), and the worker
sends back only whether it stored one, its problems and its event count. The parent then
loads the file the ordinary way, now a cache hit, whose events are built when first
asked for. Nothing but that small report crosses between the processes; the cache's MAC
and its key by content guard the part itself, as on any warm start.

A worker is a fresh interpreter started by :mod:`subprocess` (no ``fork`` of the app or a
server, which run threads: nothing of Python runs between the fork and the exec). It
speaks JSON lines on its stdout, writes nothing to the terminal (stdout is moved aside,
stderr goes to ``/dev/null``), is in a session of its own (a Ctrl-C or Ctrl-Z at the
terminal reaches only the parent) and exits when its stdin closes, so it never outlives
the process that started it by more than an instant. A worker that cannot start, dies
(killed, out of memory) or reports an error is a failure of that job only: the caller
builds the file in-process, which gives exactly what it would have given anyway.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tui.model.problems import Problem

__all__ = [
    "MAX_WORKERS",
    "MIN_WORKER_BYTES",
    "Job",
    "Outcome",
    "Workers",
    "worker_count",
]

# At most this many worker processes: each holds one file's tree and model while it
# builds (about 1.1 GB at peak for a 48 MB, 100k-event file).
MAX_WORKERS = 4
# A file smaller than this is built in-process. A worker costs about 0.2 s (a new
# interpreter importing the loader, its first build) and building about 0.2 s per MB.
# At load average 4 on 2 cores two 1 MB files load 0.15-0.3 s slower with workers and
# two 2 MB files about as fast; at 1.2 two 2 MB files load 1.5x faster, two 5 MB 1.8x.
MIN_WORKER_BYTES = 2 << 20

# What a worker runs: read the job, take the parent's import path, build.
_BOOTSTRAP = (
    "import json, sys\n"
    "job = json.loads(sys.stdin.buffer.readline())\n"
    "sys.path[:] = job['sys_path']\n"
    "from tui.model.load.parallel import work\n"
    "work(job)\n"
)


def worker_count() -> int:
    """How many worker processes a load may use: 0 (build in-process) on a single core,
    in a served session, or with no interpreter to start."""
    if os.environ.get("WATCHLINE_SERVED") == "1":
        # A session's memory and CPU limits are per process: workers would escape them,
        # and the server's own load before serving has filled the cache already.
        return 0
    if not sys.executable:
        return 0
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS) if cpus >= 2 else 0


@dataclass(slots=True)
class Outcome:
    """What became of one job.

    ``stored``: the worker built the file clean and its part is in the cache (or was).
    ``problems``: the file's problems when it gave no part at all (unreadable, not UTF-8,
    a parse error): final, the same list an in-process load gives. ``failure``: why the
    worker gave nothing usable. Anything else (a part with problems, a part the cache
    would not take) is for the caller to build in-process.
    """

    stored: bool = False
    problems: list[Problem] | None = None
    readable: bool = True
    events: int = 0
    failure: str | None = None


@dataclass(slots=True, eq=False)
class Job:
    """One file to build in a worker; ``outcome`` is set once it has finished."""

    index: int
    path: Path
    size: int
    outcome: Outcome | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)


class Workers:
    """At most ``count`` worker processes at a time, each building one file.

    :meth:`submit` queues a file; each of ``count`` runner threads takes the next one,
    starts a worker for it, forwards its progress to ``progress(index, done)`` (called
    from the runner threads) and hands the finished job to :meth:`finished`. Used as a
    context manager: leaving it (by an error or Ctrl-C too) kills every worker.
    """

    def __init__(
        self,
        count: int,
        cache_folder: Path,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._count = count
        self._cache_folder = cache_folder
        self._progress = progress
        self._todo: queue.Queue[Job | None] = queue.Queue()
        self._done: queue.Queue[Job] = queue.Queue()
        self._runners: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._running: set[Job] = set()
        self._closed = False
        self._outstanding = 0
        self.broken = False  # a worker could not start or run: submit no more

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def outstanding(self) -> int:
        """Jobs submitted and not yet taken from :meth:`finished`."""
        return self._outstanding

    def submit(self, index: int, path: Path, size: int) -> None:
        """Build file ``index`` at ``path`` (``size`` bytes) in a worker, once one is free."""
        if len(self._runners) < self._count:
            runner = threading.Thread(target=self._run, name="watchline-build", daemon=True)
            self._runners.append(runner)
            runner.start()
        self._outstanding += 1
        self._todo.put(Job(index, path, size))

    def finished(self, block: bool) -> Job | None:
        """The next finished job (waiting for one if ``block``), or ``None``."""
        if self._outstanding == 0:
            return None
        try:
            job = self._done.get(block=block)
        except queue.Empty:
            return None
        self._outstanding -= 1
        return job

    def close(self) -> None:
        """Kill the workers still running, drop the queued jobs, end the runners."""
        with self._lock:
            self._closed = True
            running = list(self._running)
        for job in running:
            if job.process is not None:
                with contextlib.suppress(OSError):
                    job.process.kill()
        for _ in self._runners:
            self._todo.put(None)
        for runner in self._runners:
            runner.join(timeout=10)
        self._runners.clear()

    # ---------------------------------------------------------------- the runner threads

    def _run(self) -> None:
        while True:
            job = self._todo.get()
            if job is None:
                return
            try:
                job.outcome = self._build(job)
            except BaseException as error:  # the caller builds it in-process
                job.outcome = Outcome(failure=f"{type(error).__name__}: {error}")
            finally:
                self._done.put(job)  # never lost: the caller waits for every job

    def _build(self, job: Job) -> Outcome:
        with self._lock:
            if self._closed:
                return Outcome(failure="the load was given up")
            try:
                process = subprocess.Popen(
                    [sys.executable, "-c", _BOOTSTRAP],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    close_fds=True,
                    start_new_session=True,
                )
            except (OSError, ValueError, subprocess.SubprocessError) as error:
                self.broken = True
                return Outcome(failure=f"no worker process: {error}")
            job.process = process
            self._running.add(job)
        try:
            return self._talk(job, process)
        finally:
            with self._lock:
                self._running.discard(job)
            with contextlib.suppress(OSError):
                process.kill()  # it has exited already, unless something went wrong
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    def _talk(self, job: Job, process: subprocess.Popen[bytes]) -> Outcome:
        assert process.stdin is not None and process.stdout is not None
        request = {
            "sys_path": sys.path,
            "file": str(job.path),
            "cache": str(self._cache_folder),
            "progress": self._progress is not None,
            "size": job.size,
        }
        try:
            # Kept open: the worker takes its closing as the parent's end.
            process.stdin.write(json.dumps(request).encode("ascii") + b"\n")
            process.stdin.flush()
        except OSError as error:
            return Outcome(failure=f"the worker process did not start: {error}")
        outcome: Outcome | None = None
        for line in process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue  # not ours; the protocol has its own descriptor, so never expected
            if not isinstance(message, dict):
                continue
            if "progress" in message:
                if self._progress is not None and isinstance(message["progress"], int):
                    self._progress(job.index, message["progress"])
            elif "done" in message:
                outcome = _outcome_of(message["done"])
        if outcome is not None:
            return outcome
        status = process.wait()
        if status >= 0:
            # It could not even run (no such module on its path, a broken interpreter):
            # the next would fare no better. A signal (the kernel's out-of-memory killer,
            # say) stopped this one file's worker only.
            self.broken = True
        return Outcome(failure=_status_words(status))


def _outcome_of(report: Any) -> Outcome:
    """The worker's final report as an :class:`Outcome` (a failure if it is malformed)."""
    try:
        if report.get("error"):
            return Outcome(failure=str(report["error"]))
        problems = None
        if report["problems"] is not None:
            problems = [
                Problem(str(f), int(ln), int(c), str(m)) for f, ln, c, m in report["problems"]
            ]
        return Outcome(
            stored=bool(report["stored"]),
            problems=problems,
            readable=bool(report["readable"]),
            events=int(report["events"]),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return Outcome(failure="the worker process sent a report it could not have made")


def _status_words(status: int) -> str:
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"the worker process was stopped by {name}"
    return f"the worker process ended with status {status} before it reported"


# ------------------------------------------------------------------------ the worker side


def work(job: dict[str, Any]) -> None:
    """A worker's whole life (run by the bootstrap in a fresh interpreter): build the file
    named by ``job`` with :func:`~tui.model.load.files.load_file`, report on stdout, exit."""
    out = os.fdopen(os.dup(1), "w", encoding="ascii", errors="backslashreplace")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # a stray print would land in the protocol otherwise
    threading.Thread(target=_exit_with_parent, daemon=True).start()

    def send(message: dict[str, Any]) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        send({"done": _build_here(job, send)})
    except BaseException as error:  # reported, then this process ends: never a traceback
        with contextlib.suppress(BaseException):
            send({"done": {"error": f"{type(error).__name__}: {error}"}})
    with contextlib.suppress(OSError):
        out.flush()
    # No teardown: freeing a 100k-event model object by object takes longer than exiting.
    os._exit(0)


def _build_here(job: dict[str, Any], send: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    from tui.model.load import cache
    from tui.model.load.fast import paused_gc
    from tui.model.load.files import load_file

    folder = cache.cache_dir()
    if folder is None or str(folder) != job["cache"]:
        # Not the parent's cache (its environment was changed in-process): storing here
        # would help no one. The parent builds the file itself.
        return {"error": "the worker does not see the parent's cache folder"}
    progress = None
    if job["progress"]:
        sent = [-1]
        step = max(1, int(job["size"]) // 200)  # at most 200 messages a file

        def progress(index: int) -> None:
            if index - sent[0] >= step:
                sent[0] = index
                send({"progress": index})

    with paused_gc():
        part, problems, readable = load_file(Path(job["file"]), progress)
    stored = part is not None and not problems and part.cache_key is not None
    return {
        "stored": stored,
        # Only a file with no part is final as reported; one with a part and problems is
        # built again by the parent, whose merge needs the part.
        "problems": [[p.file, p.line, p.col, p.message] for p in problems]
        if part is None
        else None,
        "readable": readable,
        "events": len(part.events) if part is not None else 0,
    }


def _exit_with_parent() -> None:
    """End this worker when its stdin closes: the parent has finished with it or died."""
    stdin: IO[bytes] = sys.stdin.buffer
    with contextlib.suppress(OSError, ValueError):
        while stdin.read(65536):
            pass
    os._exit(3)
