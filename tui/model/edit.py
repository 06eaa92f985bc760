"""Writes to a log: a rating added to a pledge, in place, losing nothing anyone typed.

The one write watchline makes is appending a rating to a pledge's ``ratings`` (the
``watchline rate`` command and the TUI's ``r`` form both call :func:`add_rating`). The
guarantees, in the order they are checked:

1. **Only the rating's lines are added.** The new lines are computed as text and inserted
   into the original text after the pledge's last rating (or, if it has none yet, after
   the pledge block, with a ``ratings:`` key), in the indentation and style (flow
   ``- {status: ...}`` or block) that the file already uses. The document is never
   re-dumped, so every original line survives, in order, byte for byte: comments, key
   order, quoting, blank lines and line endings. The positions come from ruamel.yaml's
   round-trip composer, run on the event's own lines when a text scan can bound them
   (whole-document parses cost seconds per thousand events).
2. **The insert means what it should.** The new text is parsed again and must equal the
   old with exactly this rating appended; a layout where lines cannot be added without
   touching existing ones (a one-line flow ``pledge: {...}``) is refused with a message
   that says how to make room.
3. **The result is valid.** The new text is written to a temporary file beside the log
   and loaded by :mod:`tui.model.load`; any problem refuses the write (a problem on the
   added lines, such as an unknown source, is the request's; any other was in the log).
4. **Nobody's edit is overwritten.** The file's content hash is taken when it is read
   (or passed in by the caller that loaded it earlier, as the TUI does) and compared with
   the file on disk just before the temporary file is renamed over it
   (:class:`ConflictError` otherwise).
5. **The write is atomic.** Temporary file in the same folder, ``fsync``, the original
   file's mode, ``os.replace``, then ``fsync`` of the folder.

Nothing here imports Textual.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tui.model import atomic
from tui.model.atomic import (
    LockTimeout,
    bytes_hash,
    file_hash,
    lock_path,
    locked_temp,
    remove_stale_temps,
    write_lock,
)
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.log import PLEDGE_STATUSES
from tui.model.safe_read import MAX_BYTES, cannot_read, open_regular, read_fd, reason_of
from tui.model.text import LOG_CONTROL, one_line, printable, shown_name

__all__ = [
    "BusyError",
    "ConflictError",
    "DuplicateRatingError",
    "EditError",
    "EditResult",
    "Insertion",
    "InvalidResultError",
    "NewRating",
    "ProtectedFileError",
    "UnsafeEditError",
    "add_rating",
    "file_hash",
    "insert_lines",
    "insert_rating",
]

# How many of a refused result's problems a message quotes (all are on the exception).
_PROBLEMS_SHOWN = 5
# A value written without quotes: ids, statuses and EDTF dates. Anything else is quoted.
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.~?%/-]*")
# Characters a double-quoted YAML scalar must escape to stay on one line and mean itself.
_MUST_ESCAPE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff"\\\\]')
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


class EditError(Exception):
    """A write that was refused; nothing was written. ``str()`` is the message for a person.

    ``exit_code`` is what ``watchline rate`` exits with: 2 for a mistake in what was asked
    (unknown pledge, status or source, a bad date, an unreadable file).
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnsafeEditError(EditError):
    """The rating cannot be added without touching existing lines, or would not validate."""

    exit_code = 1


class InvalidResultError(UnsafeEditError):
    """The log has problems, so nothing is written (``problems``: FILE:LINE:COL lines)."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class ConflictError(EditError):
    """The file changed on disk since it was read; writing would overwrite that edit."""

    exit_code = 1


class ProtectedFileError(EditError):
    """The file is read-only, hard-linked or someone else's: replacing it would change that."""

    exit_code = 1


class DuplicateRatingError(EditError):
    """The pledge already has a rating with this status and as-of date."""

    exit_code = 1


class BusyError(EditError):
    """Another watchline held the log's write lock for longer than the timeout."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class NewRating:
    """A rating to add: ``status`` from PLEDGE_STATUSES, ``as_of`` an EDTF date."""

    status: str
    as_of: str | datetime.date
    evidence: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True)
class EditResult:
    """What a successful write did."""

    path: Path
    event_id: str
    status: str
    as_of: str  # the EDTF date as written to the file (normalised)
    line: int  # 1-based number of the first added line
    added_lines: tuple[str, ...]  # the added lines, without line endings
    old_hash: str  # content hash before the write
    new_hash: str  # content hash of the file as written


# ----------------------------------------------------------------------------- the API


def add_rating(
    path: str | os.PathLike[str],
    event_id: str,
    rating: NewRating,
    *,
    expected_hash: str | None = None,
    also_load: Sequence[str | os.PathLike[str]] = (),
    allow_duplicate: bool = False,
) -> EditResult:
    """Append ``rating`` to the pledge ``event_id`` in the log file ``path``, in place.

    ``expected_hash`` is :func:`file_hash` of the file as the caller last read it (the TUI
    passes the hash of what it shows); without it, the file as read here is the baseline.
    ``also_load`` are the other files loaded together with this one (their registries
    may define the sources a rating cites); they are read, never written. A rating of the
    same status and as-of date as one the pledge already has is refused
    (:class:`DuplicateRatingError`) unless ``allow_duplicate``.

    The whole read-check-write runs under the log's write lock
    (:func:`~tui.model.atomic.write_lock`), so watchline's writers take turns; leftover
    temporary files of a killed writer are removed first. A file the write would change
    beyond its text (read-only, hard-linked, someone else's) is refused
    (:class:`ProtectedFileError`).

    Raises :class:`EditError` (bad request, exit 2), :class:`UnsafeEditError` /
    :class:`InvalidResultError` (the result would lose lines or be invalid, exit 1) or
    :class:`ConflictError` (the file changed on disk, exit 1), :class:`ProtectedFileError`,
    :class:`DuplicateRatingError` or :class:`BusyError` (exit 1). On any error the file
    is untouched.
    """
    # Write through a symlink to its target, as an editor does, rather than replacing it.
    target = Path(os.path.realpath(path))
    shown = shown_name(path)
    status, as_of = _check_rating_fields(rating)
    others = [Path(p) for p in also_load if Path(os.path.realpath(p)) != target]
    # A first look before the lock: a missing, hostile or protected file is refused
    # without leaving a lock file beside it.
    _read_checked(target, shown)
    with contextlib.ExitStack() as held:
        # Every watchline writer of this log waits here for the one before it, then reads
        # what that one wrote: two `rate`s at once both land, in turn.
        _take_lock(held, target, shown)
        remove_stale_temps(target)
        original, info = _read_checked(target, shown)
        old_hash = bytes_hash(original)
        if expected_hash is not None and expected_hash != old_hash:
            raise ConflictError(_conflict_message(shown))
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EditError(f"{shown} is not UTF-8 text (byte {error.start + 1})") from None
        del original
        new_rating = NewRating(status, as_of, tuple(rating.evidence), rating.note)
        new_text, line_index, added = insert_rating(text, event_id, new_rating)
        if not allow_duplicate and _has_rating(text, event_id, status, as_of):
            raise DuplicateRatingError(
                f"{_quote_id(event_id)} already has a rating {status} as of {as_of}; "
                f"nothing was written (the same rating twice adds nothing)"
            )
        new_bytes = new_text.encode("utf-8")
        # One load, of the result: a problem on the added lines is the request's (an
        # unknown source), any other was in the log already. Loading is the slow part.
        first = [(line_index + 1, len(added))]
        _write_checked(target, shown, new_bytes, old_hash, info, others, first)
    return EditResult(
        path=Path(path),
        event_id=event_id,
        status=status,
        as_of=as_of,
        line=line_index + 1,
        added_lines=tuple(added),
        old_hash=old_hash,
        new_hash=bytes_hash(new_bytes),
    )


@dataclass(frozen=True, slots=True)
class Insertion:
    """Lines to insert into a log's text: ``new_text``, and where its added lines are.

    ``added`` holds (first line, count) of each run of inserted lines, 1-based, in
    ``new_text``, in order; removing them gives the old text back.
    """

    new_text: str
    added: tuple[tuple[int, int], ...]


def insert_lines(
    path: str | os.PathLike[str],
    plan: Callable[[str], Insertion | None],
    *,
    also_load: Sequence[str | os.PathLike[str]] = (),
    what: str = "write it",
) -> tuple[Insertion | None, str]:
    """Insert the lines ``plan(text)`` gives into the log ``path``, by :func:`add_rating`'s path.

    Under the log's write lock: the file is read (refused if read-only, hard-linked or
    someone else's), ``plan`` gets its text (None: nothing to write) and raises
    :class:`EditError` to refuse; the result is validated with ``also_load``, the hash
    checked again just before the atomic rename. ``what`` completes "fix them, then ...".
    Returns the insertion written (or None) and the file's hash as written (or as read).
    """
    target = Path(os.path.realpath(path))
    shown = shown_name(path)
    others = [Path(p) for p in also_load if Path(os.path.realpath(p)) != target]
    _read_checked(target, shown)
    with contextlib.ExitStack() as held:
        _take_lock(held, target, shown)
        remove_stale_temps(target)
        original, info = _read_checked(target, shown)
        old_hash = bytes_hash(original)
        try:
            text = original.decode("utf-8")
        except UnicodeDecodeError as error:
            raise EditError(f"{shown} is not UTF-8 text (byte {error.start + 1})") from None
        del original
        insertion = plan(text)
        if insertion is None:
            return None, old_hash
        new_bytes = insertion.new_text.encode("utf-8")
        _write_checked(target, shown, new_bytes, old_hash, info, others, insertion.added, what)
    return insertion, bytes_hash(new_bytes)


def _read_checked(target: Path, shown: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and ``fstat``, through the shared reader, if it may be written."""
    try:
        with open_regular(target) as (fd, info):
            _check_writable(info, shown)
            return read_fd(fd, info.st_size, MAX_BYTES), info
    except OSError as error:
        raise EditError(cannot_read(shown, error)) from None


def _take_lock(held: contextlib.ExitStack, target: Path, shown: str) -> None:
    try:
        held.enter_context(write_lock(target))
    except LockTimeout:
        raise BusyError(
            f"another watchline has been writing {shown} for {atomic.LOCK_TIMEOUT:g} s (it "
            f"holds {shown_name(lock_path(target).name)}); nothing was written. Try again when "
            "it is done"
        ) from None
    except OSError as error:
        raise EditError(
            f"cannot write {shown}: cannot take its write lock "
            f"{shown_name(lock_path(target).name)}: {reason_of(error)}"
        ) from None


def _check_writable(info: os.stat_result, shown: str) -> None:
    """Refuse a file that replacing would silently change beyond its text.

    A write replaces the file (a new inode renamed over it): that would make a read-only
    file writable again, leave the other names of a hard-linked file with the old text,
    and hand someone else's file to whoever ran ``rate`` (root included).
    """
    me = os.geteuid()
    if info.st_uid != me:
        owner, you = _user(info.st_uid), _user(me)
        raise ProtectedFileError(
            f"{shown} belongs to {owner}, not to you ({you}); watchline writes a new file "
            f"in its place, which would then be yours and {owner} could lose the right to "
            f"change it. Nothing was written: rate it as {owner} "
            f"(sudo -u {owner} watchline rate ...)"
        )
    if not info.st_mode & stat.S_IWUSR:
        raise ProtectedFileError(
            f"{shown} is read-only (mode {stat.S_IMODE(info.st_mode):04o}); nothing was "
            f"written. If it should change, make it writable first (chmod u+w {shown})"
        )
    if info.st_nlink > 1:
        others = info.st_nlink - 1
        raise ProtectedFileError(
            f"{shown} has {info.st_nlink} hard links; watchline writes a new file in its "
            f"place, so the other {others} name{'s' if others > 1 else ''} would keep the "
            f"old text. Nothing was written: give this name its own copy first "
            f"(cp -p {shown} {shown}.copy && mv {shown}.copy {shown}), then rate it"
        )


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _has_rating(text: str, event_id: str, status: str, as_of: str) -> bool:
    """Whether pledge ``event_id`` already holds a rating of ``status`` as of ``as_of``.

    Reads the event's own lines when a text scan bounds them (as the insert does), the
    whole document otherwise; ``as_of`` is compared as normalised EDTF text.
    """
    lines = text.splitlines(keepends=True)
    span = _event_span(text, lines, event_id)
    loader = YAML(typ="safe", pure=True)
    try:
        if span is not None:
            items = loader.load("".join(lines[span[0] : span[1]]))
        else:
            items = (loader.load(text) or {}).get("events")
        event = next(e for e in items if isinstance(e, dict) and e.get("id") == event_id)
        ratings = (event.get("pledge") or {}).get("ratings") or []
    except (YAMLError, AttributeError, TypeError, StopIteration):
        return False
    for old in ratings:
        if not isinstance(old, dict) or str(old.get("status", "")).strip() != status:
            continue
        try:
            if parse_edtf(str(old.get("as_of", ""))).text == as_of:
                return True
        except EDTFError:
            continue
    return False


def insert_rating(text: str, event_id: str, rating: NewRating) -> tuple[str, int, list[str]]:
    """The log text with ``rating`` appended to pledge ``event_id``: pure, no file access.

    Returns ``(new_text, index, added)``: ``added`` (lines without endings) were inserted
    before the original line at 0-based ``index``; removing them gives ``text`` back.
    Raises :class:`UnsafeEditError` when that cannot be done without changing existing
    lines, and :class:`EditError` when the event is missing or not a pledge.
    ``rating.as_of`` must already be valid EDTF text.

    Only the event's own lines are parsed when they can be told apart (the usual log:
    ``events:`` a block sequence); ruamel's round-trip composer takes about 10 ms an
    event, so parsing a whole 10,000-event log for one rating would take minutes.
    """
    lines = text.splitlines(keepends=True)
    ids = _ID_LINE.findall(text)
    if event_id not in ids:
        # A cheap answer, before any parse, for the commonest mistake: a mistyped id.
        raise EditError(
            f"no event with id {_quote_id(event_id)} in this log{_did_you_mean(event_id, ids)}"
        )
    style = _detect_style(text)
    span = _event_span(text, lines, event_id)
    if span is not None:
        start, end = span
        chunk_lines = lines[start:end]
        event = _compose_event(chunk_lines, event_id)
        if event is not None:
            index, added = _plan(event, rating, style, chunk_lines)
            newline = _newline_of(lines)
            _verify(
                "".join(chunk_lines),
                _assemble(chunk_lines, index, added, newline),
                event_id,
                rating,
                events_of=lambda document: document,
            )
            return _assemble(lines, start + index, added, newline), start + index, added
    # Anything unusual (flow `events: [...]`, anchors across events, keys after events
    # that the line scan cannot bound): parse the whole document.
    yaml = YAML(typ="rt")
    try:
        root = yaml.compose(text)
    except YAMLError as error:
        raise UnsafeEditError(f"the log cannot be parsed: {one_line(str(error))}") from None
    if not isinstance(root, MappingNode) or root.flow_style:
        raise UnsafeEditError("the log's top level is not a block mapping")
    events = _value(root, "events")
    if not isinstance(events, SequenceNode):
        raise EditError("the log has no events: list")
    event = _find_event(events, event_id)
    if event is None:
        raise EditError(f"no event with id {_quote_id(event_id)} in this log")
    index, added = _plan(event, rating, style, lines)
    new_text = _assemble(lines, index, added, _newline_of(lines))
    _verify(text, new_text, event_id, rating, events_of=lambda document: document["events"])
    return new_text, index, added


def _assemble(lines: list[str], index: int, added: list[str], newline: str) -> str:
    """``lines`` with ``added`` inserted before ``lines[index]``, each ending in ``newline``."""
    before = lines[:index]
    if before and not before[-1].endswith(("\n", "\r")):
        # The last line had no line ending; it gets one so the new lines start their own.
        before = [*before[:-1], before[-1] + newline]
    return "".join(before) + "".join(line + newline for line in added) + "".join(lines[index:])


# Every `id:` value, block or flow, quoted or not (a superset of the event ids).
_ID_LINE = re.compile(r"""(?:^|[\s{,])id: *["']?([^"'\s#,{}\[\]]+)""", re.M)
# A top-level `events:` key, and the first line of its first item.
_EVENTS_KEY = re.compile(r"^events:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-[ \r\n]", re.M)


def _event_span(text: str, lines: list[str], event_id: str) -> tuple[int, int] | None:
    """The 0-based lines ``[start, end)`` of the events item that holds ``id: event_id``.

    A text scan, cheap on any size of log: the item runs from its dash (at the column of
    the events' dashes) to the next dash at that column or the next top-level key. Only a
    hint: :func:`_compose_event` checks that the lines hold exactly that event.
    """
    events = _EVENTS_KEY.search(text)
    if events is None:
        return None
    first = text.count("\n", 0, events.start(1))
    item_start = re.compile("^ {" + str(len(events.group(1))) + r"}-(?: |\r?\n?$)")
    top_level = re.compile(r"^[^\s#]")
    quoted = re.escape(event_id)
    id_line = re.compile(
        rf"^ *(?:- +)*id: *(?:{quoted}|\"{quoted}\"|'{quoted}')[ \t]*(?:#[^\n]*)?\r?$", re.M
    )
    for match in id_line.finditer(text, events.start(1)):
        number = text.count("\n", 0, match.start())
        start = number
        while start > first and not item_start.match(lines[start]):
            if top_level.match(lines[start]):
                break
            start -= 1
        if not item_start.match(lines[start]):
            continue
        end = number + 1
        while end < len(lines) and not (
            item_start.match(lines[end]) or top_level.match(lines[end])
        ):
            end += 1
        return start, end
    return None


def _compose_event(chunk_lines: list[str], event_id: str) -> MappingNode | None:
    """The event's node if ``chunk_lines`` are exactly one events item with that id."""
    try:
        root = YAML(typ="rt").compose("".join(chunk_lines))
    except YAMLError:
        return None
    if not (isinstance(root, SequenceNode) and not root.flow_style and len(root.value) == 1):
        return None
    event = root.value[0]
    if not isinstance(event, MappingNode):
        return None
    found = _value(event, "id")
    if not (isinstance(found, ScalarNode) and found.value == event_id):
        return None
    return event


# ----------------------------------------------------------------------------- checks


def _check_rating_fields(rating: NewRating) -> tuple[str, str]:
    """The status and the normalised EDTF text of ``as_of``, or an EditError saying why."""
    status = rating.status.strip()
    if status not in PLEDGE_STATUSES:
        hint = _did_you_mean(status, PLEDGE_STATUSES)
        raise EditError(
            f"unknown pledge status {_quote_id(status)}{hint}; "
            f"use one of: {', '.join(PLEDGE_STATUSES)}"
        )
    try:
        as_of = parse_edtf(rating.as_of).text
    except EDTFError as error:
        hint = f" (did you mean {error.suggestion}?)" if error.suggestion else ""
        raise EditError(f"--as-of: {error.message}{hint}") from None
    for source in rating.evidence:
        if not source or source != source.strip():
            raise EditError(f"evidence must be source ids, not {_quote_id(source)}")
    if rating.note is not None:
        bad = LOG_CONTROL.search(rating.note)
        if bad is not None:
            raise EditError(
                f"the note holds the control character U+{ord(bad.group()):04X}; "
                "a log holds only printable text (new lines and tabs are fine)"
            )
        try:
            rating.note.encode("utf-8")
        except UnicodeEncodeError:
            raise EditError("the note is not valid text (undecodable bytes)") from None
    return status, as_of


def _verify(
    old_text: str,
    new_text: str,
    event_id: str,
    rating: NewRating,
    events_of: Callable[[Any], Any],
) -> None:
    """The new text must mean the old one with exactly this rating appended.

    ``events_of`` finds the events list in a loaded text (the document's ``events``, or
    the text itself when it is one events item).
    """
    loader = YAML(typ="safe", pure=True)
    try:
        old = loader.load(old_text)
        new = loader.load(new_text)
    except YAMLError as error:
        raise UnsafeEditError(
            f"adding the rating would break the file's YAML: {one_line(str(error))}"
        ) from None
    refused = UnsafeEditError(
        "the rating cannot be added here without changing existing lines; "
        "write the pledge's block (and its ratings) in block style, one key a line"
    )
    try:
        old_events, new_events = events_of(old), events_of(new)
        old_event = next(e for e in old_events if e.get("id") == event_id)
        new_event = new_events[old_events.index(old_event)]
        added = new_event["pledge"]["ratings"][-1]
    except (KeyError, TypeError, IndexError, StopIteration, AttributeError):
        raise refused from None
    expected: dict[str, Any] = {"status": rating.status, "as_of": str(rating.as_of)}
    if rating.evidence:
        expected["evidence"] = list(rating.evidence)
    if rating.note is not None:
        expected["note"] = rating.note
    if not isinstance(added, dict) or _stringify_as_of(added) != expected:
        raise refused
    # Take the rating back out; whatever it created (ratings:, pledge:) goes with it.
    new_event["pledge"]["ratings"].pop()
    old_pledge = old_event.get("pledge", _MISSING)
    if old_pledge is _MISSING or old_pledge is None:
        if new_event["pledge"] != {"ratings": []}:
            raise refused
        _restore(new_event, "pledge", old_pledge)
    elif (
        isinstance(old_pledge, dict)
        and new_event["pledge"].get("ratings") == []
        and old_pledge.get("ratings") is None
    ):
        _restore(new_event["pledge"], "ratings", old_pledge.get("ratings", _MISSING))
    if new != old:
        raise refused


_MISSING = object()


def _restore(mapping: dict[str, Any], key: str, value: object) -> None:
    if value is _MISSING:
        mapping.pop(key, None)
    else:
        mapping[key] = value


def _stringify_as_of(added: dict[str, Any]) -> dict[str, Any]:
    # An unquoted 2019-04-02 loads as a date and 2017 as an int: both mean their text.
    copy = dict(added)
    if "as_of" in copy:
        copy["as_of"] = str(copy["as_of"])
    return copy


# ----------------------------------------------------------------------------- writing


def _write_checked(
    target: Path,
    shown: str,
    data: bytes,
    old_hash: str,
    info: os.stat_result,
    others: Sequence[Path],
    added: Sequence[tuple[int, int]],
    what: str = "add the rating",
) -> None:
    """Write ``data`` over ``target`` atomically, after validating it and the hash.

    Called under the log's write lock. ``info`` is the ``fstat`` of the file as read: its
    mode and group are given to the new file. ``added`` are (first line, count) of each
    run of inserted lines, 1-based, in ``data``, in order.
    """
    try:
        # Beside the log, so the rename stays on one file system and is atomic; hidden and
        # not named *.yaml, so a folder load or watcher meanwhile does not take it for a log.
        fd, tmp = locked_temp(target)
    except OSError as error:
        raise EditError(
            f"cannot write {shown}: {error.strerror or error} (watchline writes a temporary "
            f"file in the log's folder and renames it over the log)"
        ) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
            if os.fstat(fd).st_gid != info.st_gid:
                _keep_group(fd, info.st_gid, shown)
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
            _validate_result(tmp, shown, others, added, what)
            # The last moment before the rename: has anyone saved the file since we read
            # it? Watchline's writers wait on the lock; this catches editors, which don't.
            if file_hash(target) != old_hash:
                raise ConflictError(_conflict_message(shown))
            os.replace(tmp, target)
        finally:
            os.close(fd)  # releases the temporary file's lock
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise EditError(f"cannot write {shown}: {error.strerror or error}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _keep_group(fd: int, gid: int, shown: str) -> None:
    try:
        os.fchown(fd, -1, gid)
    except OSError:
        raise ProtectedFileError(
            f"{shown} belongs to the group {_group(gid)}, which you cannot give a new file; "
            f"writing it would change its group. Nothing was written"
        ) from None


def _group(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return f"gid {gid}"


def _validate_result(
    tmp: Path,
    shown: str,
    others: Sequence[Path],
    added: Sequence[tuple[int, int]],
    what: str = "add the rating",
) -> None:
    """Load the written temporary file (with ``others``); refuse the write on any problem.

    Problems on the added lines come from the request (an unknown source): an
    :class:`EditError`. Others were in the log before: an :class:`InvalidResultError`,
    quoted at their lines in the file as it is (before the insert).
    """
    from tui.model.load import load_paths  # the loader pulls in the whole format table

    result = load_paths([tmp, *others])
    if not result.problems and result.collection is not None:
        return

    def inserted(line: int) -> bool:
        return any(first <= line < first + count for first, count in added)

    def original_line(line: int) -> int:
        return line - sum(count for first, count in added if first + count <= line)

    ours = [p for p in result.problems if p.file == str(tmp) and inserted(p.line)]
    if ours:
        raise EditError("; ".join(printable(p.message) for p in ours))
    lines = []
    for problem in result.problems:
        if problem.file == str(tmp):
            line = original_line(problem.line)
            lines.append(f"{shown}:{line}:{problem.col}: error: {problem.message}")
        else:
            lines.append(str(problem))
    if not lines:
        lines.append(f"{shown}: error: the log could not be loaded")
    shown_lines = lines[:_PROBLEMS_SHOWN]
    if len(lines) > _PROBLEMS_SHOWN:
        more = len(lines) - _PROBLEMS_SHOWN
        shown_lines.append(f"... and {more} more (run: watchline validate {shown})")
    raise InvalidResultError(
        f"{shown} has problems; fix them, then {what} (nothing was written):\n"
        + "\n".join(printable(line) for line in shown_lines),
        lines,
    )


def _fsync_dir(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk (POSIX; not on Windows).
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _conflict_message(shown: str) -> str:
    return (
        f"{shown} changed on disk since it was read; the rating was not written so that "
        f"edit is not lost. Reload the file and rate again."
    )


# ----------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class _Style:
    """How this file lays out sequences and mappings, so new lines look like old ones."""

    seq_offset: int  # dash column minus the column of its key (0 for `key:\n- item`)
    item_offset: int  # first content column of a block item minus its dash column
    map_indent: int  # a nested block mapping's key column minus its parent key's
    flow_items: bool  # ratings written `- {status: ...}` (True) or as block mappings


# The file's habits, read from its first `ratings:` list, `events:` list and `pledge:` block.
_RATINGS_HABIT = re.compile(
    r"^( *)ratings:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-( +)(\{)?", re.M
)
_EVENTS_HABIT = re.compile(r"^()events:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-( +)", re.M)
_PLEDGE_HABIT = re.compile(r"^( *)pledge:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)\S", re.M)


def _detect_style(text: str) -> _Style:
    """How this file lays out ratings, so new lines look like the old ones.

    A text scan rather than a parse, so that it costs nothing on a large log.
    """
    ratings = _RATINGS_HABIT.search(text)
    events = _EVENTS_HABIT.search(text)
    pledge = _PLEDGE_HABIT.search(text)
    seq_offset, item_offset, flow_items = 2, 2, True
    for habit in (events, ratings):  # a ratings: list, when there is one, has the last word
        if habit is not None:
            seq_offset = len(habit.group(2)) - len(habit.group(1))
            item_offset = 1 + len(habit.group(3))
    if ratings is not None:
        flow_items = ratings.group(4) is not None
    map_indent = 2
    if pledge is not None and len(pledge.group(2)) > len(pledge.group(1)):
        map_indent = len(pledge.group(2)) - len(pledge.group(1))
    return _Style(
        seq_offset=max(seq_offset, 0),
        item_offset=max(item_offset, 2),
        map_indent=map_indent,
        flow_items=flow_items,
    )


def _item_offset(sequence: SequenceNode, item: Node, lines: list[str]) -> int | None:
    """How far after its dash a block item's content starts, if on the dash's line."""
    dash = sequence.start_mark.column
    line, column = item.start_mark.line, item.start_mark.column
    if line >= len(lines) or lines[line][dash:column].strip() != "-" or column - dash < 2:
        return None
    return column - dash


def _plan(
    event: MappingNode, rating: NewRating, style: _Style, lines: list[str]
) -> tuple[int, list[str]]:
    """Where the rating's lines go (0-based index of the line they precede) and what they are."""
    event_id = _value(event, "id")
    kind = _value(event, "kind")
    if not (isinstance(kind, ScalarNode) and kind.value == "pledge"):
        name = event_id.value if isinstance(event_id, ScalarNode) else "?"
        raise EditError(_not_a_pledge(name, kind.value if isinstance(kind, ScalarNode) else None))
    if event.flow_style:
        raise UnsafeEditError(_flow_refusal("the event"))
    item = _rating_item(rating, style)  # dash at column 0
    pledge_key = _key(event, "pledge")
    pledge = _value(event, "pledge")
    if pledge_key is None:
        # No pledge: block yet; add `pledge:` / `ratings:` / the item after the event.
        block = [
            "pledge:",
            *_indent(["ratings:", *_indent(item, style.seq_offset)], style.map_indent),
        ]
        return _content_end(event, lines) + 1, _indent(block, event.start_mark.column)
    if _is_empty(pledge):
        column = pledge_key.start_mark.column + style.map_indent
        block = ["ratings:", *_indent(item, style.seq_offset)]
        return pledge_key.end_mark.line + 1, _indent(block, column)
    if not isinstance(pledge, MappingNode) or pledge.flow_style:
        raise UnsafeEditError(_flow_refusal("its pledge: block"))
    ratings_key = _key(pledge, "ratings")
    ratings = _value(pledge, "ratings")
    if ratings_key is None:
        block = ["ratings:", *_indent(item, style.seq_offset)]
        return _content_end(pledge, lines) + 1, _indent(block, pledge.start_mark.column)
    if _is_empty(ratings):
        column = ratings_key.start_mark.column + style.seq_offset
        return ratings_key.end_mark.line + 1, _indent(item, column)
    if not isinstance(ratings, SequenceNode) or ratings.flow_style or not ratings.value:
        raise UnsafeEditError(_flow_refusal("its ratings: list"))
    # Look like this pledge's own last rating: flow or block, and its content column.
    last = ratings.value[-1]
    if isinstance(last, MappingNode):
        own = replace(
            style,
            flow_items=bool(last.flow_style),
            item_offset=_item_offset(ratings, last, lines) or style.item_offset,
        )
        item = _rating_item(rating, own)
    return _content_end(last, lines) + 1, _indent(item, ratings.start_mark.column)


def _rating_item(rating: NewRating, style: _Style) -> list[str]:
    """The rating as a sequence item, dash at column 0, in the file's item style."""
    pairs = [("status", _scalar(rating.status)), ("as_of", _scalar(str(rating.as_of), date=True))]
    if rating.evidence:
        pairs.append(("evidence", "[" + ", ".join(_scalar(s) for s in rating.evidence) + "]"))
    if rating.note is not None:
        pairs.append(("note", _quoted(rating.note)))
    if style.flow_items:
        return ["- {" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"]
    pad = " " * style.item_offset
    first = "-" + pad[1:] + f"{pairs[0][0]}: {pairs[0][1]}"
    return [first, *(f"{pad}{k}: {v}" for k, v in pairs[1:])]


def _indent(block: list[str], columns: int) -> list[str]:
    pad = " " * columns
    return [pad + line for line in block]


def _content_end(node: Node, lines: list[str]) -> int:
    """The 0-based line of the last character that belongs to ``node``'s content.

    Block collections end where their last value ends; a scalar or flow collection's end
    mark is exact, except that a block scalar (``|``, ``>``) also swallows the blank lines
    after it, which are not its content (unless kept with ``+``; the check after the
    insert refuses that case rather than change the scalar).
    """
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        if _is_empty(value):
            return key.end_mark.line
        return _content_end(value, lines)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1], lines)
    mark = node.end_mark
    line = mark.line if mark.column > 0 else mark.line - 1
    while line > node.start_mark.line and line < len(lines) and not lines[line].strip():
        line -= 1
    return min(line, len(lines) - 1)


def _is_empty(node: Node | None) -> bool:
    """``key:`` with nothing after it (a null written as nothing)."""
    return (
        isinstance(node, ScalarNode)
        and node.value == ""
        and node.style is None
        and (node.tag or "").endswith(":null")
    )


def _key(mapping: MappingNode, name: str) -> ScalarNode | None:
    for key, _ in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key
    return None


def _value(mapping: MappingNode, name: str) -> Node | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return value
    return None


def _find_event(events: SequenceNode, event_id: str) -> MappingNode | None:
    for event in events.value:
        if isinstance(event, MappingNode):
            found = _value(event, "id")
            if isinstance(found, ScalarNode) and found.value == event_id:
                return event
    return None


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


# ----------------------------------------------------------------------------- scalars


def _scalar(value: str, *, date: bool = False) -> str:
    """``value`` unquoted when YAML reads it back as the same text, else double-quoted.

    With ``date``, an unquoted value that loads as a date or a year (``2019-04-02``,
    ``2017``) counts as the same text: the loader reads those exactly as quoted ones.
    """
    if _PLAIN_SAFE.fullmatch(value):
        try:
            loaded = YAML(typ="safe", pure=True).load(f"v: {value}")["v"]
        except YAMLError:
            loaded = None
        if loaded == value or (
            date
            and isinstance(loaded, datetime.date | int)
            and not isinstance(loaded, bool)
            and str(loaded) == value
        ):
            return value
    return _quoted(value)


def _quoted(value: str) -> str:
    """A double-quoted YAML scalar on one line that reads back as exactly ``value``."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED_ESCAPES:
            return _NAMED_ESCAPES[char]
        code = ord(char)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return '"' + _MUST_ESCAPE.sub(escape, value) + '"'


# ----------------------------------------------------------------------------- messages


def _quote_id(value: str) -> str:
    return "'" + one_line(value) + "'"


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _not_a_pledge(event_id: str, kind: str | None) -> str:
    what = f"a {one_line(kind)} event" if kind else "an event without a kind"
    return f"{_quote_id(event_id)} is {what}, not a pledge; only pledges take ratings"


def _flow_refusal(what: str) -> str:
    return (
        f"{what} is written in flow style ({{...}} or [...]); adding a rating would "
        f"change that line. Rewrite it in block style, one key a line, and rate again"
    )
