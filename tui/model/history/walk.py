"""A log's history, commit by commit: what each commit changed, fast on long histories.

Walking 1,000 commits of a 10k-event log cannot afford 1,000 full loads. Instead each
file's current version is kept as lines with the start line of every event; a commit's
hunks (from git, see :mod:`patches`) name the events they touch, and only those events
are parsed again, by the loader's own parser and builder (a small log made of the file's
version line and the touched events). Whenever that shortcut could differ from a full
load (the header or registries changed, an event disappeared or its id is taken, the
patched bytes do not hash to git's blob id, anything is refused), the whole log is
loaded at that commit, so the trail and every verdict are what a full load gives.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tui.model.history.diff import EntryChange, diff_events, diff_registries
from tui.model.history.git import Commit, Repository
from tui.model.history.loading import load_versions
from tui.model.history.patches import FileChange, Hunk, apply_hunks, blob_id, patched_commits
from tui.model.load import load_data
from tui.model.log import Collection, Event
from tui.model.problems import Problem

__all__ = ["Revision", "walk_history"]


@dataclass(slots=True)
class Revision:
    """One commit: what it changed, or the problems that kept the log from loading."""

    commit: Commit
    changes: list[EntryChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # The collection after this commit (None when it failed to load); kept only on request.
    collection: Collection | None = None
    # The events the changes name, as the last good version and this one have them, and
    # both versions' logs for their registries' names (what a query needs to match them).
    before: dict[str, Event] = field(default_factory=dict)
    after: dict[str, Event] = field(default_factory=dict)
    logs: tuple[Collection | None, Collection | None] = (None, None)


@dataclass(slots=True)
class _FileState:
    """One file's current version: lines, and where each of its events starts."""

    path: str
    blob: str
    lines: list[bytes]
    final_newline: bool
    starts: list[int]  # 0-based line of each event's start, ascending
    ids: list[str]  # the event at each start
    end: int  # the line after the events list (the file's end, or a later top-level key)
    column: int  # the column every event starts at
    incremental: bool  # whether this file's events can be re-parsed on their own


def _split_lines(data: bytes) -> tuple[list[bytes], bool]:
    final = data.endswith(b"\n")
    body = data[:-1] if final else data
    return (body.split(b"\n") if body else []), final


def _file_state(path: str, blob: str, data: bytes, events: Sequence[Event]) -> _FileState:
    lines, final = _split_lines(data)
    located = sorted(
        (e.location.line - 1, e.location.col, e.id) for e in events if e.location is not None
    )
    starts = [line for line, _, _ in located]
    columns = {col for _, col, _ in located}
    incremental = (
        b"\r" not in data
        and len(located) == len(events)
        and len(set(starts)) == len(starts)
        and len(columns) <= 1
    )
    end = len(lines)
    if starts:
        # The events list ends at the first later line that starts a top-level key.
        for i in range(starts[-1] + 1, len(lines)):
            line = lines[i]
            if line[:1] not in (b" ", b"\t", b"#", b"") and not line.startswith(b"-"):
                end = i
                break
    return _FileState(
        path, blob, lines, final, starts, [i for _, _, i in located], end,
        next(iter(columns), 1), incremental,
    )  # fmt: skip


# The small log that re-parses a commit's events: the format's required fields, then them.
_SMALL_HEADER = b"watchline: 1\ntitle: events of one commit\nevents:\n"


class _Fallback(Exception):
    """The shortcut cannot decide this commit: load the whole log."""


class _Log:
    """The log's current state across its files, updated one commit at a time."""

    def __init__(self, repo: Repository, keep: bool) -> None:
        self.repo = repo
        self.keep = keep
        self.files: dict[str, _FileState] = {}
        self.collection: Collection | None = None
        self.events: dict[str, Event] = {}

    # ------------------------------------------------------------------ full loads

    def load_full(self, commit: Commit, versions: dict[str, bytes]) -> list[Problem]:
        """Load every file at ``commit`` from ``versions`` (path -> bytes); the problems."""
        names = {path: f"{commit.short}:{path}" for path in versions}
        result = load_versions([(names[p], versions[p]) for p in sorted(versions)])
        if result.collection is None:
            self.collection, self.files = None, {}
            self.events = {}
            return result.problems or [Problem(commit.short, 1, 1, "no log files")]
        self.collection = result.collection
        self.events = {event.id: event for event in result.collection.events}
        by_file: dict[str, list[Event]] = {path: [] for path in versions}
        for event in result.collection.events:
            if event.location is not None:
                by_file[event.location.file.partition(":")[2]].append(event)
        self.files = {
            path: _file_state(path, blob_id(data), data, by_file[path])
            for path, data in versions.items()
        }
        return []

    # ----------------------------------------------------------------- shortcuts

    def apply_incremental(self, commit: Commit, change: FileChange) -> list[Event]:
        """Apply one file's hunks; the events re-parsed (raises :class:`_Fallback`)."""
        state = self.files.get(change.path)
        if (
            state is None
            or not state.incremental
            or change.hunks is None
            or change.new_blob is None
            or self.collection is None
        ):
            raise _Fallback
        hunks = change.hunks
        runs = _dirty_runs(state, hunks)
        new_lines = apply_hunks(state.lines, hunks)
        final = state.final_newline
        if change.new_final_newline is not None:
            final = change.new_final_newline
        if not _blob_matches(new_lines, final, change.new_blob):
            raise _Fallback
        pieces: list[bytes] = [_SMALL_HEADER]
        offsets: list[tuple[int, int]] = []  # (first line in the small log, line in the file)
        at = _SMALL_HEADER.count(b"\n")
        for first, last in runs:
            new_first, new_last = _mapped(first, hunks), _mapped(last, hunks)
            chunk = new_lines[new_first:new_last]
            offsets.append((at, new_first))
            pieces.append(b"\n".join(chunk) + b"\n" if chunk else b"")
            at += len(chunk)
        name = f"{commit.short}:{change.path}"
        part, problems = load_data(b"".join(pieces), name)
        if part is None or problems:
            raise _Fallback
        reparsed: list[Event] = []
        new_starts_by_run: list[list[tuple[int, str]]] = [[] for _ in runs]
        for event, _path in part.events:
            if event.location is None:
                raise _Fallback
            line0 = event.location.line - 1
            run = bisect.bisect_right([o for o, _ in offsets], line0) - 1
            if run < 0 or event.location.col != state.column:
                raise _Fallback
            small_first, file_first = offsets[run]
            new_starts_by_run[run].append((file_first + line0 - small_first, event.id))
            reparsed.append(event)
        self._check_refs(part, reparsed, state, runs)
        self._rebuild_state(
            state, new_lines, final, change.new_blob, runs, hunks, new_starts_by_run
        )
        return reparsed

    def _check_refs(
        self, part: Any, reparsed: list[Event], state: _FileState, runs: list[tuple[int, int]]
    ) -> None:
        """Refuse the shortcut unless every id stays unique and every reference resolves."""
        assert self.collection is not None
        old_ids = {state.ids[i] for first, last in runs for i in _run_indexes(state, first, last)}
        new_ids = [event.id for event in reparsed]
        if len(set(new_ids)) != len(new_ids) or old_ids - set(new_ids):
            raise _Fallback  # an id repeated, or an event gone (others may name it)
        for event_id in set(new_ids) - old_ids:
            if event_id in self.events:
                raise _Fallback  # taken by an event elsewhere
        collection = self.collection
        for registry, ref_id, _ in part.refs:
            if registry == "events":
                if ref_id not in self.events and ref_id not in new_ids:
                    raise _Fallback
            elif ref_id not in getattr(collection, registry):
                raise _Fallback

    def _rebuild_state(
        self,
        state: _FileState,
        new_lines: list[bytes],
        final: bool,
        blob: str,
        runs: list[tuple[int, int]],
        hunks: Sequence[Hunk],
        new_starts: list[list[tuple[int, str]]],
    ) -> None:
        shift = _Shifter(hunks)
        starts: list[int] = []
        ids: list[str] = []
        old_starts, old_ids = state.starts, state.ids
        i = 0
        for (first, last), fresh in zip(runs, new_starts, strict=True):
            lo = bisect.bisect_left(old_starts, first, i)
            starts.extend(shift.many(old_starts[i:lo]))
            ids.extend(old_ids[i:lo])
            i = bisect.bisect_left(old_starts, last, lo)
            for line, event_id in fresh:
                starts.append(line)
                ids.append(event_id)
        starts.extend(shift.many(old_starts[i:]))
        ids.extend(old_ids[i:])
        state.lines, state.final_newline, state.blob = new_lines, final, blob
        state.starts, state.ids = starts, ids
        state.end = _mapped(state.end, hunks)

    def commit_events(self, reparsed: list[Event]) -> None:
        """Put re-parsed events in place (and, when kept, in a collection of this version)."""
        for event in reparsed:
            self.events[event.id] = event
        if self.keep and self.collection is not None:
            old = self.collection
            self.collection = Collection(
                title=old.title, description=old.description, files=old.files,
                agencies=old.agencies, people=old.people, topics=old.topics,
                sources=old.sources, kinds=old.kinds, views=old.views,
                events=list(self.events.values()),
            )  # fmt: skip


def _blob_matches(lines: list[bytes], final: bool, blob: str) -> bool:
    data = b"\n".join(lines) + (b"\n" if final and lines else b"")
    return blob_id(data) == blob


def _run_indexes(state: _FileState, first: int, last: int) -> range:
    lo = bisect.bisect_left(state.starts, first)
    hi = bisect.bisect_left(state.starts, last)
    return range(lo, hi)


def _dirty_runs(state: _FileState, hunks: Sequence[Hunk]) -> list[tuple[int, int]]:
    """The old line ranges, each a run of whole events, that the hunks touch.

    Raises :class:`_Fallback` when a hunk touches the header (before the first event) or
    what follows the events list.
    """
    if not state.starts:
        raise _Fallback
    bounds = [*state.starts, state.end]
    dirty: set[int] = set()
    for hunk in hunks:
        # The lines a hunk touches: those it replaces, or for an insertion the line before.
        lo = hunk.old_start if hunk.old_count else hunk.old_start - 1
        hi = hunk.old_start + hunk.old_count if hunk.old_count else hunk.old_start
        if lo < state.starts[0] or hi > state.end or (hunk.old_count == 0 and lo >= state.end):
            raise _Fallback
        first = bisect.bisect_right(state.starts, lo) - 1
        last = bisect.bisect_right(state.starts, max(lo, hi - 1)) - 1
        dirty.update(range(first, last + 1))
    runs: list[tuple[int, int]] = []
    for index in sorted(dirty):
        if runs and runs[-1][1] == bounds[index]:
            runs[-1] = (runs[-1][0], bounds[index + 1])
        else:
            runs.append((bounds[index], bounds[index + 1]))
    return runs


def _mapped(line: int, hunks: Sequence[Hunk]) -> int:
    """Where old line ``line`` (a run boundary, never inside a hunk) is in the new file."""
    return _Shifter(hunks).many([line])[0]


class _Shifter:
    """Where ascending old lines are in the new file: a hunk moves the lines after it by
    its change in length (an insertion also moves the line it goes before)."""

    def __init__(self, hunks: Sequence[Hunk]) -> None:
        # (old line from which a shift applies, the shift): the hunks' cumulative effect.
        self.edges: list[int] = []
        self.shifts: list[int] = []
        shift = 0
        for hunk in hunks:
            shift += len(hunk.lines) - hunk.old_count
            self.edges.append(
                hunk.old_start if hunk.old_count == 0 else hunk.old_start + hunk.old_count
            )
            self.shifts.append(shift)

    def many(self, lines: Sequence[int]) -> list[int]:
        out: list[int] = []
        at = 0
        shift = 0
        for edge, next_shift in zip(self.edges, self.shifts, strict=True):
            upto = bisect.bisect_left(lines, edge, at)
            out.extend([x + shift for x in lines[at:upto]])
            at, shift = upto, next_shift
        out.extend([x + shift for x in lines[at:]])
        return out


def walk_history(
    repo: Repository,
    paths: Sequence[str],
    since: Commit | None,
    until: Commit,
    *,
    keep_collections: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Revision]:
    """Each commit after ``since`` (from the first when None) up to ``until`` that touched
    a log in ``paths``, oldest first, with what it changed.

    The state at ``since`` is the base: the first revision lists changes against it (or
    every event as added, with no ``since``). A revision whose log fails to load carries
    its problems and no changes; the next one that loads is compared with the last good.
    """
    log = _Log(repo, keep_collections)
    # The last version that loaded: what the next good revision is compared with.
    good_events: dict[str, Event] = {}
    good: Collection | None = None
    current: dict[str, str] = {}  # path -> blob, the log's files now
    if since is not None:
        current = {v.path: v.blob for v in _files_or_none(repo, since, paths)}
        if current:
            data = repo.read_blobs(list(current.values()))
            if not log.load_full(since, {p: data[b] for p, b in current.items()}):
                good, good_events = log.collection, log.events
    for count, patched in enumerate(patched_commits(repo, paths, since, until), 1):
        if progress is not None:
            progress(count)
        for change in patched.files:
            if change.new_blob is None:
                current.pop(change.path, None)
            else:
                current[change.path] = change.new_blob
        revision = Revision(patched.commit)
        reparsed: list[Event] | None = []
        try:
            if good is None or log.collection is None:
                raise _Fallback
            for change in patched.files:
                assert reparsed is not None
                reparsed.extend(log.apply_incremental(patched.commit, change))
        except _Fallback:
            reparsed = None
        if reparsed is not None:
            ids = [event.id for event in reparsed]
            before = {i: good_events[i] for i in ids if i in good_events}
            log.commit_events(reparsed)  # good_events is log.events: it changes here
            revision.changes = diff_events(before, log.events, ids)
        else:
            if current:
                data = repo.read_blobs(list(current.values()))
                revision.problems = log.load_full(
                    patched.commit, {p: data[b] for p, b in current.items()}
                )
            else:
                log.collection, log.files, log.events = None, {}, {}
                revision.problems = [
                    Problem(patched.commit.short, 1, 1, "every log file was deleted")
                ]
            if revision.problems:
                yield revision
                continue
            assert log.collection is not None
            before = good_events
            revision.changes = diff_events(good_events, log.events)
            if good is not None:
                revision.changes += diff_registries(good, log.collection)
        changed = [c.id for c in revision.changes if c.registry == "events"]
        revision.before = {i: before[i] for i in changed if i in before}
        revision.after = {i: log.events[i] for i in changed if i in log.events}
        revision.logs = (good, log.collection)
        good, good_events = log.collection, log.events
        if keep_collections:
            revision.collection = log.collection
        yield revision


def _files_or_none(repo: Repository, commit: Commit, paths: Sequence[str]) -> list[Any]:
    """The log files at ``commit``, or none when the paths did not exist yet."""
    from tui.model.history.git import GitError

    try:
        return repo.files_at(commit, paths)
    except GitError:
        return []
