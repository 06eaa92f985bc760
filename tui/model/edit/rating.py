"""A rating added to a pledge: the lines planned, checked to mean exactly that rating, and
written through :func:`tui.model.edit.writing.insert_lines`'s locked read-check-write.

Nothing here imports Textual.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode

from tui.model.atomic import (
    bytes_hash,
)
from tui.model.edit.errors import (
    DuplicateRatingError,
    EditError,
    EditResult,
    NewRating,
    UnsafeEditError,
)
from tui.model.edit.layout import (
    ID_LINE,
    compose_event,
    detect_style,
    event_span,
    find_event,
    newline_of,
    node_value,
    plan_rating,
)
from tui.model.edit.scalars import quote_id
from tui.model.edit.writing import Insertion, insert_lines
from tui.model.edtf import EDTFError, parse_edtf
from tui.model.log import PLEDGE_STATUSES
from tui.model.text import LOG_CONTROL, one_line


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
    status, as_of = _check_rating_fields(rating)
    new_rating = NewRating(status, as_of, tuple(rating.evidence), rating.note)
    line_index = 0
    added: list[str] = []
    old_hash = ""

    def plan(text: str) -> Insertion:
        nonlocal line_index, added, old_hash
        old_hash = bytes_hash(text.encode("utf-8"))  # the bytes as read (UTF-8 round-trips)
        new_text, line_index, added = insert_rating(text, event_id, new_rating)
        if not allow_duplicate and _has_rating(text, event_id, status, as_of):
            raise DuplicateRatingError(
                f"{quote_id(event_id)} already has a rating {status} as of {as_of}; "
                f"nothing was written (the same rating twice adds nothing)"
            )
        # One load, of the result: a problem on the added lines is the request's (an
        # unknown source), any other was in the log already. Loading is the slow part.
        return Insertion(new_text, ((line_index + 1, len(added)),))

    _, new_hash = insert_lines(
        path,
        plan,
        also_load=also_load,
        what="add the rating",
        expected_hash=expected_hash,
    )
    return EditResult(
        path=Path(path),
        event_id=event_id,
        status=status,
        as_of=as_of,
        line=line_index + 1,
        added_lines=tuple(added),
        old_hash=old_hash,
        new_hash=new_hash,
    )


def _has_rating(text: str, event_id: str, status: str, as_of: str) -> bool:
    """Whether pledge ``event_id`` already holds a rating of ``status`` as of ``as_of``.

    Reads the event's own lines when a text scan bounds them (as the insert does), the
    whole document otherwise; ``as_of`` is compared as normalised EDTF text.
    """
    lines = text.splitlines(keepends=True)
    span = event_span(text, lines, event_id)
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
    ids = ID_LINE.findall(text)
    if event_id not in ids:
        # A cheap answer, before any parse, for the commonest mistake: a mistyped id.
        raise EditError(
            f"no event with id {quote_id(event_id)} in this log{_did_you_mean(event_id, ids)}"
        )
    style = detect_style(text)
    span = event_span(text, lines, event_id)
    if span is not None:
        start, end = span
        chunk_lines = lines[start:end]
        event = compose_event(chunk_lines, event_id)
        if event is not None:
            index, added = plan_rating(event, rating, style, chunk_lines)
            newline = newline_of(lines)
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
    events = node_value(root, "events")
    if not isinstance(events, SequenceNode):
        raise EditError("the log has no events: list")
    event = find_event(events, event_id)
    if event is None:
        raise EditError(f"no event with id {quote_id(event_id)} in this log")
    index, added = plan_rating(event, rating, style, lines)
    new_text = _assemble(lines, index, added, newline_of(lines))
    _verify(text, new_text, event_id, rating, events_of=lambda document: document["events"])
    return new_text, index, added


def _assemble(lines: list[str], index: int, added: list[str], newline: str) -> str:
    """``lines`` with ``added`` inserted before ``lines[index]``, each ending in ``newline``."""
    before = lines[:index]
    if before and not before[-1].endswith(("\n", "\r")):
        # The last line had no line ending; it gets one so the new lines start their own.
        before = [*before[:-1], before[-1] + newline]
    return "".join(before) + "".join(line + newline for line in added) + "".join(lines[index:])


def _check_rating_fields(rating: NewRating) -> tuple[str, str]:
    """The status and the normalised EDTF text of ``as_of``, or an EditError saying why."""
    status = rating.status.strip()
    if status not in PLEDGE_STATUSES:
        hint = _did_you_mean(status, PLEDGE_STATUSES)
        raise EditError(
            f"unknown pledge status {quote_id(status)}{hint}; "
            f"use one of: {', '.join(PLEDGE_STATUSES)}"
        )
    try:
        as_of = parse_edtf(rating.as_of).text
    except EDTFError as error:
        hint = f" (did you mean {error.suggestion}?)" if error.suggestion else ""
        raise EditError(f"--as-of: {error.message}{hint}") from None
    for source in rating.evidence:
        if not source or source != source.strip():
            raise EditError(f"evidence must be source ids, not {quote_id(source)}")
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


def _did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
