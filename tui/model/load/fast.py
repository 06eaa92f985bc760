"""The fast path for loading a log: yaml-rs for the tree, and a cache of the built file.

:mod:`tui.model.load.tree` parses with ruamel.yaml driven event by event in pure Python,
which keeps every position and guard but costs about 2 ms an event (20-30 s for 10k
events). This module replaces that stage, and only that stage, when it is safe to:

1. **cache** (:mod:`tui.model.load.cache`): the file's built part, keyed by a hash of its
   text and of the code that builds it. A hit skips parsing and building altogether.
2. **yaml-rs**: a Rust YAML 1.2 parser, about 100x faster, with duplicate keys refused
   and alias replay capped. Its tree goes to the same :class:`~tui.model.load.build.Builder`
   with a :class:`~tui.model.load.positions.LazyLocator`, which re-parses with ruamel only if a
   problem needs a position.

The result must be exactly what the ruamel path gives. Where the two parsers may read
the same text differently, this module does not try: :func:`needs_exact_parser` spots
the constructs (tags, anchors and aliases, merge keys, several documents or directives, tabs,
``0X1F``/``0b101``/``1_000`` numbers, which yaml-rs reads as numbers and the loader as
text, Unicode line separators, escapes that make control characters) and the caller
takes the ruamel path. Any problem on the fast path also hands the file to the ruamel
path, so every message and position comes from one place.
"""

from __future__ import annotations

import gc
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tui.model.load import cache
from tui.model.load.build import Builder, FilePart
from tui.model.load.guards import MAX_ALIAS_EXPANSION, MAX_BYTES, MAX_DEPTH, complete_last_line
from tui.model.load.positions import LazyLocator
from tui.model.problems import Problem

# yaml-rs 0.1.6 crashes the interpreter (SIGSEGV) when it is used after the thread that
# first imported it has ended: import it in a worker that then exits, use it in another
# thread, and Python dies. So it is imported here, and this module only uses it when that
# import happened on the main thread (or earlier); otherwise the exact parser reads the
# file: slower, never fatal. `watchline` imports it on the main thread at start-up.
_YAML_RS_USABLE = "yaml_rs" in sys.modules or threading.current_thread() is threading.main_thread()
import yaml_rs  # noqa: E402

__all__ = [
    "build_fast",
    "cached_part",
    "entry_key",
    "needs_exact_parser",
    "nesting_bounded",
    "parse_fast",
    "paused_gc",
]

# yaml-rs recurses once per level of block nesting and overflows the C stack (SIGSEGV, the
# interpreter dies) somewhere past 10,000 levels (measured: 20,000 nested `- a:` blocks
# crash it on the main thread and in a worker). It bounds flow nesting itself: past 255
# `[`/`{` it raises an error. So block nesting is bounded here, before it parses.
#
# Every level of block nesting either begins a line more indented than its parent, sits at
# its parent's column (a sequence as a mapping's value), or is a compact indicator on the
# same line (`- - x`, `- ? x`). So the columns of a chain of nested block collections rise
# at least every second level, and a text whose lines all start with fewer than C
# characters of indentation and indicators (` `, tab, `-`, `?`, `:`) nests at most
# 2 * (C + 1) block levels. A line with more than this many such characters sends the file
# to the exact parser, which counts depth from events and stops at MAX_DEPTH; it never
# happens in a real log (block text indented 1,000 columns), and 2 * 1,001 levels are a
# fifth of what crashes yaml-rs. Brackets in quoted text play no part in it.
MAX_LEADING_CHARS = 1_000
_DEEP_LINE = re.compile(f"^[ \t?:-]{{{MAX_LEADING_CHARS}}}", re.MULTILINE)

# Text where yaml-rs and the loader's ruamel stage might not agree, found before parsing.
_TAG_ANCHOR_ALIAS = re.compile(r"(?:^|[\s\[{,])[!&*](?=\S)", re.MULTILINE)
_DOCUMENT_MARK = re.compile(r"^(?:---|\.\.\.)(?=[ \t]|$)|^%", re.MULTILINE)
# Plain numbers that yaml-rs reads as ints and YAML 1.2's core schema (the loader's) as
# text: upper-case or binary prefixes (0X1F, 0O10, 0b101), digit separators (1_000).
# Matched as a whole token. Lower-case 0x1F and 0o10 both parsers read alike.
_DIVERGENT_NUMBER = re.compile(
    r"(?<![\w.'\"/-])[-+]?(?:0[OXbB]|[0-9][0-9.]*_)[0-9A-Za-z_.+-]*(?![^\s,\]}#:])"
)
# The loader refuses plain numbers over 100 characters; such a number has a run of 32+
# digits somewhere (a float has at most a sign, a point and an exponent besides).
_LONG_DIGITS = re.compile(r"[0-9]{16}[0-9]{16}")  # faster than [0-9]{32} in CPython
# yaml-rs reads an empty `|+` block scalar at the very end of the file as "\n", not "".
_KEEP_AT_END = re.compile(r"[|>][1-9]?\+[1-9]?[ \t]*(?:#[^\n]*)?\n?\Z")
# A backslash escape in a double-quoted scalar (the pair "\\" is consumed first).
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SAFE_ESCAPES = frozenset(('\\"', "\\\\", "\\/", "\\n", "\\t", "\\ ", "\\_"))
# Characters an escape may not produce (the loader's control set, plus line separators).
_UNSAFE_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def needs_exact_parser(text: str) -> str | None:
    """Why ``text`` must be read by ruamel rather than yaml-rs, or ``None`` if it need not.

    Conservative: a match inside a quoted string or a comment also sends the file to the
    exact (slower) parser, which is always right. Each regular expression runs only when
    a plain substring test (a C loop, ten times faster on a 48 MB log) finds its marker.
    """
    if "<<" in text:
        return "a merge key"
    if "\t" in text:
        return "a tab (ruamel refuses some that yaml-rs reads)"
    if ("!" in text or "&" in text or "*" in text) and _TAG_ANCHOR_ALIAS.search(text):
        return "a tag, anchor or alias"
    if "\n---" in text or "\n..." in text or "\n%" in text or text.startswith(("...", "%")):
        marks = _DOCUMENT_MARK.findall(text)
        if len(marks) > 1 or any(mark != "---" for mark in marks):
            return "document markers or directives"
    if "\u2028" in text or "\u2029" in text or "\ufeff" in text:
        return "a Unicode line separator or byte order mark"
    markers = ("0O", "0X", "0b", "0B", *(f"{digit}_" for digit in range(10)))
    if any(marker in text for marker in markers) and _DIVERGENT_NUMBER.search(text):
        return "a number written with a prefix or digit separators"
    if ("|" in text or ">" in text) and _KEEP_AT_END.search(text[-256:]):
        return "a block scalar that keeps line breaks, at the end of the file"
    if _LONG_DIGITS.search(text):
        return "a very long number"
    if "\\" in text:
        for match in _ESCAPE.finditer(text):
            escape = match.group()
            if escape in _SAFE_ESCAPES:
                continue
            if escape[1] in "xuU":
                try:
                    char = chr(int(escape[2:], 16))
                except (ValueError, OverflowError):
                    return "an escape"
                if not _UNSAFE_CHAR.match(char):
                    continue
            return "an escape that makes a control character"
    return None


def nesting_bounded(text: str) -> bool:
    """Whether yaml-rs may parse ``text`` without running out of stack (see
    ``MAX_LEADING_CHARS``): a single C-speed scan, about 8 ms per 1 MB."""
    return _DEEP_LINE.search(text) is None


def parse_fast(text: str) -> Any | None:
    """The plain tree yaml-rs makes of ``text``, or ``None`` if it refuses the text.

    Dates stay text (``parse_datetime=False``) as they do on the ruamel path; a
    duplicate key, alias overuse or deep nesting is a refusal (the ruamel path then
    reports it with its position). Text whose nesting is not bounded (see
    :func:`nesting_bounded`) never reaches yaml-rs.
    """
    if not _YAML_RS_USABLE or not nesting_bounded(text):
        return None
    limits = yaml_rs.AliasLimits(
        max_total_replayed_events=MAX_ALIAS_EXPANSION,
        max_replay_stack_depth=MAX_DEPTH,
    )
    try:
        return yaml_rs.loads(
            complete_last_line(text),
            parse_datetime=False,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
            alias_limits=limits,
        )
    except (ValueError, TypeError, RecursionError, OverflowError):
        return None


class _CountedEvents(list[Any]):
    """The events list, reporting how far the builder has gone through it.

    The builder is one call with no progress of its own; on a 100k-event log it is the
    longest stage, so a progress bar would otherwise stand still for most of the load.
    """

    def __init__(self, items: list[Any], report: Callable[[int], None]) -> None:
        super().__init__(items)
        self._report = report

    def __iter__(self) -> Iterator[Any]:
        total = len(self)
        for index, item in enumerate(list.__iter__(self)):
            if index % 2048 == 0:
                self._report_share(index, total)
            yield item
        self._report_share(total, total)

    def _report_share(self, done: int, total: int) -> None:
        self._report(done * 1_000_000 // max(total, 1))


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: building a large model makes millions of
    objects and no cycles, and each collection would walk them all again. Measured on
    100k events: yaml-rs 2.6 -> 1.0 s, build 4.6 -> 2.7 s, cache decode 4.1 -> 0.8 s."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_BOM = b"\xef\xbb\xbf"


def entry_key(data: bytes, sha256: bytes | None = None) -> str | None:
    """The cache key :func:`cached_part` looks ``data`` up by, or ``None`` when it would
    not look (the cache is off, the file too small or too big). ``sha256``: the SHA-256
    of ``data``, if computed already (it is what the key is made from)."""
    if data.startswith(_BOM):
        data, sha256 = data[3:], None  # as guards.check_text drops it
    if not cache.MIN_TEXT_CHARS <= len(data) <= MAX_BYTES or cache.cache_dir() is None:
        return None
    return cache.key_for_bytes(data, sha256)


def cached_part(
    data: bytes,
    file: str,
    progress: Callable[[int], None] | None = None,
    key: str | None = None,
) -> tuple[FilePart | None, str | None]:
    """The cached part of a file found by its raw bytes, before any text check, and the
    key looked up: :func:`entry_key` of these bytes (``None``: no lookup, the cache is
    off or the file too small or big).

    An entry is only ever stored for a file whose text passed the guards and built with
    no problem, under a name hashed from its exact bytes and the loader's code, so a hit
    needs neither the guards' scans (0.8 s at 100k events) nor a second encoding of the
    text to hash it; a changed byte is another name, a miss. The key is handed to
    :func:`build_fast` on a miss, which then stores under it without looking again.
    The caller computes the key (hashing 48 MB takes 0.1 s), from the hash it keeps.
    """
    if key is None:
        return None, None
    if data.startswith(_BOM):
        data = data[3:]  # as guards.check_text drops it
    # The bytes stay for positions: a merge problem (an id another file also defines)
    # is placed in them, decoded then (not on every start: 20-50 ms for 48 MB).
    hit = cache.lookup(key, file, LazyLocator(data, file))
    if hit is not None:
        hit.cache_key = key
        if progress is not None:
            progress(len(data))
    return hit, key


def build_fast(
    text: str,
    file: str,
    progress: Callable[[int], None] | None = None,
    missed_key: str | None = None,
) -> tuple[FilePart, list[Problem]] | None:
    """One file's part and its problems by the fast path, or ``None`` if the ruamel path
    must read the whole file.

    ``None`` when the text needs the exact parser or yaml-rs refuses it. A part with
    problems is checked piece by piece: each event or top-level block that has a problem
    is parsed alone by the exact parser (which also places the problem), and if any such
    piece reads differently there, the file is built again from those readings, so its
    problems are the ones the exact path gives. A piece that cannot be parsed alone
    sends the whole file to the ruamel path. A clean part is stored in the cache.
    ``progress(index)`` gets the character reached. ``missed_key``: the cache was
    already asked for this text's key (:func:`cached_part`) and had nothing.
    """
    with paused_gc():
        return _build_fast(text, file, progress, missed_key)


def _build_fast(
    text: str, file: str, progress: Callable[[int], None] | None, missed_key: str | None
) -> tuple[FilePart, list[Problem]] | None:
    if missed_key is not None:
        key: str | None = missed_key
    else:
        key = cache.key_for(text) if len(text) >= cache.MIN_TEXT_CHARS else None
    if key is not None and missed_key is None:
        hit = cache.lookup(key, file, LazyLocator(text, file))
        if hit is not None:
            hit.cache_key = key
            if progress is not None:
                progress(len(text))
            return hit, []
    if needs_exact_parser(text) is not None:
        return None
    tree = parse_fast(text)
    if not isinstance(tree, dict):
        return None  # empty, or not a mapping: the ruamel path words the problem
    events = tree.get("events")
    event_count = len(events) if isinstance(events, list) else None
    locator = LazyLocator(text, file, event_count)
    built = tree
    if progress is not None and isinstance(events, list):
        # Parsing is about a tenth of the fast path; building the events is the rest.
        size = len(text)
        progress(size // 10)
        built = {
            **tree,
            "events": _CountedEvents(
                events, lambda share: progress(size // 10 + share * (size * 9 // 10) // 1_000_000)
            ),
        }
    builder = Builder(file, locator)
    part = builder.build(built)
    if not builder.problems:
        if key is not None:
            part.put_in_timeline_order()  # stored so: a warm start needs no sort
            if cache.store(key, part):
                part.cache_key = key
        return part, []
    exact = _exact_pieces(tree, locator, builder.problem_paths)
    if exact is None:
        return None
    if exact is not tree:
        builder = Builder(file, locator)
        part = builder.build(exact)
    return part, builder.problems


def _exact_pieces(tree: dict[str, Any], locator: LazyLocator, paths: list[Any]) -> Any | None:
    """``tree`` with each piece that has a problem as the exact parser reads it: the same
    object when every piece reads alike, ``None`` when one cannot be read alone."""
    replaced: dict[str, Any] = {}
    events: list[Any] | None = None
    for path in paths:
        if not path:
            continue  # the root: its keys are the pieces, compared on their own
        found = locator.piece(path)
        if found is None:
            return None
        where, piece = found
        if len(where) == 1:
            name = str(where[0])
            if piece.tree != tree.get(name):
                replaced[name] = piece.tree
            continue
        index = where[1]
        assert isinstance(index, int)
        if piece.tree != tree["events"][index]:
            if events is None:
                events = list(tree["events"])
            events[index] = piece.tree
    if events is not None:
        replaced["events"] = events
    return {**tree, **replaced} if replaced else tree
