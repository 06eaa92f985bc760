"""The query language and the engine that runs it: one filter for the TUI and the CLI.

The language (DESIGN.md "The query language")::

    agency:bpd topic:body-cameras kind:pledge,grant status:overdue person:perez
    from:2017-06 to:2018 "body camera" troop -kind:meeting

* Terms are AND-ed. Terms of one field are OR-ed (``kind:pledge kind:grant`` is the
  same as ``kind:pledge,grant``). A leading ``-`` negates a term; a ``-`` on its own is
  ignored so a pasted headline ("Perez - Bridgeport") still searches.
* A bare word or a "quoted phrase" matches any text of the event: title, summary, place,
  note, quotes, a grant's purpose, a rollout's unit and places, ratings' notes, the kind's
  label, the names and aliases of its agencies and people, its topics' labels, its
  sources' titles and publishers. Matching is on substrings, case- and accent-insensitive
  (``perez`` finds "Pérez"), so a word matches as it is being typed.
* ``field:value`` with values separated by commas and quoted when they hold spaces or
  commas (``agency:"Bridgeport Police Department"``). Quotes cannot be escaped, so a
  value never holds one. Field names are case-insensitive. Fields:

  ``agency`` ``person`` ``topic`` ``kind`` ``source``
      an id, a name, a label or an alias, compared folded and whole (``agency:BPD``).
      A value that names several things matches them all; one that names nothing
      matches nothing (:meth:`QueryEngine.unknown_values` lets a UI say so).
      An event's agencies include a grant's ends and a rollout's agency; its people
      include who made the pledge and who is quoted; its sources include quotes'
      sources and ratings' evidence.
  ``status``
      one of the pledge statuses (``status:"in the works"`` works too), or
      ``overdue``, judged at the engine's as-of date by :mod:`tui.model.pledges`.
      Only pledge events have a status; an overdue pledge also has its status.
  ``year``
      the event's timeline year: the year of its date's lower bound, where the timeline
      shows it (an interval open at the start uses its upper bound). The year facet
      counts the same way, so a facet count is what toggling it gives.
  ``from`` ``to``
      EDTF dates; overlap semantics: ``from:2017-06`` keeps events whose date's upper
      bound is on or after 1 June 2017, ``to:2018`` those whose lower bound is on or
      before 31 December 2018. ``from:2018 to:2018`` is every event touching 2018.
  ``id``
      an event id.
  ``since``
      ``new``, ``changed`` or ``unchanged``: the event against the log at ``--since REV``
      (see :meth:`QueryEngine.set_since`); with no such log it matches nothing.

:func:`parse_query` turns text into an immutable :class:`Query` or raises
:class:`QueryError` with the span of the mistake (an unknown field, with a "did you
mean"; a field with no value; an unterminated quote; a date that is not EDTF, with the
EDTF it probably meant; a year that is not one; an unknown status).

:class:`QueryEngine` indexes a collection once and answers :meth:`~QueryEngine.run` and
:meth:`~QueryEngine.facet_counts` from bitsets (Python ints, one bit per event): AND,
OR and popcount over 100k events take microseconds. Text is found by substring search
over each event's folded own text, in C (``map(operator.contains, ...)``), while
registry names are matched once per agency, person or source, not once per event. A
query that extends the previous one ("bod" after "bo") only looks at the previous
result. Measured figures: ``benchmarks/bench_query.py``.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import heapq
import re
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, compress, repeat
from operator import contains, itemgetter
from typing import NamedTuple

from tui.model.log import PLEDGE_STATUSES, Collection, Event
from tui.model.pledges import overdue_days, status_at
from tui.model.search_text import (
    event_agency_ids,
    event_person_ids,
    event_source_ids,
    fold,
    fold_fields,
    own_strings,
    registry_names,
)

__all__ = [
    "FACETS",
    "FIELDS",
    "STATUS_VALUES",
    "FacetValue",
    "Query",
    "QueryEngine",
    "QueryError",
    "Term",
    "UnknownValue",
    "parse_query",
    "query_terms_for",
    "toggle_term",
]

FIELDS: tuple[str, ...] = (
    "agency",
    "person",
    "topic",
    "kind",
    "source",
    "status",
    "year",
    "from",
    "to",
    "id",
    "since",
)
FACETS: tuple[str, ...] = ("agency", "topic", "kind", "person", "year", "status")
STATUS_VALUES: tuple[str, ...] = (*PLEDGE_STATUSES, "overdue")
# The "changed since" facet (``watchline --since REV``): asked for by name, not in FACETS.
SINCE_FACET = "since"
SINCE_LABELS: dict[str, str] = {"new": "New", "changed": "Changed", "unchanged": "Unchanged"}
STATUS_LABELS: dict[str, str] = {
    "not-yet-rated": "Not yet rated",
    "in-the-works": "In the works",
    "stalled": "Stalled",
    "compromise": "Compromise",
    "kept": "Kept",
    "broken": "Broken",
    "overdue": "Overdue",
}


class QueryError(ValueError):
    """A malformed query: ``message`` for the user, ``start``/``end`` the span in the text."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start)

    def __repr__(self) -> str:
        return f"QueryError({self.message!r}, {self.start}, {self.end})"


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query.

    ``field`` is None for text (a bare word, or a phrase when ``phrase``). ``values``
    are as typed, quotes removed; text terms have one. ``start``/``end`` span the whole
    term in the query text (with its ``-``), ``value_spans`` each value (with quotes).
    """

    field: str | None
    values: tuple[str, ...]
    negated: bool = False
    phrase: bool = False
    # Spelled dataclasses.field: in this class body a bare ``field`` reads as the attribute above.
    start: int = dataclasses.field(default=0, compare=False)
    end: int = dataclasses.field(default=0, compare=False)
    value_spans: tuple[tuple[int, int], ...] = dataclasses.field(default=(), compare=False)

    def __str__(self) -> str:
        sign = "-" if self.negated else ""
        if self.field is None:
            word = self.values[0]
            return f'{sign}"{word}"' if self.phrase else f"{sign}{word}"
        return f"{sign}{self.field}:{','.join(_quote(v) for v in self.values)}"


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the text as typed and its terms, in order."""

    text: str
    terms: tuple[Term, ...] = ()

    def __str__(self) -> str:
        """The normalised form: one space between terms, field names in lower case."""
        return " ".join(str(term) for term in self.terms)

    @property
    def is_empty(self) -> bool:
        """True when the query keeps every event."""
        return not self.terms

    def values_for(self, field_name: str) -> tuple[str, ...]:
        """The values of the positive terms of ``field_name``, as typed, in order."""
        return query_terms_for(self, field_name)


class FacetValue(NamedTuple):
    """One line of a facet: a value with the count of events it would keep.

    ``active`` when a positive term of the query selects it, ``excluded`` when a
    negated term does. (A NamedTuple: thousands are made per keystroke, and a frozen
    dataclass costs five times as much to create.)
    """

    field: str
    value_id: str
    label: str
    # Shadows tuple.count, which Python allows for NamedTuple fields and mypy does not.
    count: int  # type: ignore[assignment]
    active: bool = False
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class UnknownValue:
    """A field value that names nothing in the log (not an error: it matches nothing)."""

    field: str
    value: str
    start: int
    end: int


# ---------------------------------------------------------------------------- parsing

_FIELD_RE = re.compile(r"([A-Za-z][A-Za-z_-]*):")
_NEEDS_QUOTES = re.compile(r'[\s,"]|^-|^$')


def _quote(value: str) -> str:
    return f'"{value}"' if _NEEDS_QUOTES.search(value) else value


def _status_key(value: str) -> str:
    return re.sub(r"[\s_]+", "-", fold(value))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_query(text: str) -> Query:
    """Parse ``text`` into a :class:`Query`; raise :class:`QueryError` on a mistake.

    Errors: an unknown field, a field with no value, an unterminated quote, a date in
    ``from:``/``to:`` that is not EDTF, a ``year:`` that is not a year, an unknown
    ``status:``. A value that names no agency, person, topic, kind or source is not an
    error (it matches nothing).
    """
    terms: list[Term] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-":
            if i + 1 >= n or text[i + 1].isspace():
                i += 1  # a lone dash, as in a pasted headline: not a term
                continue
            negated = True
            i += 1
        if text[i] == '"':
            value, i = _read_quoted(text, i)
            if not value.strip():
                raise QueryError("empty quotes: put a phrase between them", start, i)
            terms.append(Term(None, (value,), negated, True, start, i, ((start, i),)))
            continue
        match = _FIELD_RE.match(text, i)
        if match is not None:
            term, i = _read_field_term(text, match, start, negated)
            terms.append(term)
            continue
        end = i
        while end < n and not text[end].isspace():
            end += 1
        terms.append(Term(None, (text[i:end],), negated, False, start, end, ((i, end),)))
        i = end
    return Query(text, tuple(terms))


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    """The text between the quote at ``i`` and the next one, and the index after it."""
    close = text.find('"', i + 1)
    if close == -1:
        raise QueryError('unterminated quote: add a closing "', i, len(text))
    return text[i + 1 : close], close + 1


def _read_field_term(
    text: str, match: re.Match[str], start: int, negated: bool
) -> tuple[Term, int]:
    name = match.group(1)
    field_name = name.lower()
    name_start, name_end = match.start(1), match.end(1)
    if field_name not in FIELDS:
        hint = _did_you_mean(field_name, FIELDS)
        if not hint:
            hint = ' (to search for text with ":" in it, put it in quotes)'
        raise QueryError(f"unknown field '{name}'{hint}", name_start, name_end)
    n = len(text)
    i = match.end()
    values: list[str] = []
    spans: list[tuple[int, int]] = []
    while True:
        value_start = i
        quoted = i < n and text[i] == '"'
        if quoted:
            value, i = _read_quoted(text, i)
            if i < n and not text[i].isspace() and text[i] != ",":
                raise QueryError("expected ',' or a space after the quoted value", i, min(i + 1, n))
        else:
            while i < n and not text[i].isspace() and text[i] != ",":
                i += 1
            value = text[value_start:i]
            quote = value.find('"')
            if quote != -1:
                # Quotes cannot be escaped, so a value can never hold one.
                at = value_start + quote
                raise QueryError(
                    'a quote inside a value: quote the whole value (field:"two words")',
                    at,
                    at + 1,
                )
        if not value.strip():
            if not values and not quoted and (i >= n or text[i].isspace()):
                message = f"{field_name}: needs a value (for example {_EXAMPLES[field_name]})"
                raise QueryError(message, start, i)
            if i > value_start:  # "" or "  "
                span = (value_start, i)
            elif values:  # nothing after a comma: point at the comma
                span = (value_start - 1, value_start)
            else:  # agency:,x
                span = (value_start, value_start + 1)
            raise QueryError(f"empty value in {field_name}:", *span)
        _check_value(field_name, value.strip(), value_start, i, text[i:])
        values.append(value.strip())
        spans.append((value_start, i))
        if i < n and text[i] == ",":
            i += 1
            continue
        break
    return Term(field_name, tuple(values), negated, False, start, i, tuple(spans)), i


_EXAMPLES: dict[str, str] = {
    "agency": "agency:bpd",
    "person": "person:perez",
    "topic": "topic:body-cameras",
    "kind": "kind:pledge",
    "source": "source:ap",
    "status": "status:overdue",
    "year": "year:2018",
    "from": "from:2017-06",
    "to": "to:2018",
    "id": "id:pledge-funding",
    "since": "since:changed",
}


def _check_value(field_name: str, value: str, start: int, end: int, following: str) -> None:
    """Raise :class:`QueryError` for a value that can never be valid for ``field_name``."""
    if field_name == "status":
        if _status_key(value) not in STATUS_VALUES:
            hint = _did_you_mean(_status_key(value), STATUS_VALUES)
            choices = ", ".join(STATUS_VALUES)
            raise QueryError(f"unknown status '{value}'{hint}; one of: {choices}", start, end)
    elif field_name == "since":
        if value.lower() not in SINCE_LABELS:
            choices = ", ".join(SINCE_LABELS)
            raise QueryError(
                f"since:{value}: one of {choices} (events against --since REV)", start, end
            )
    elif field_name == "year":
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 9999):
            raise QueryError(f"year:{value} is not a year (for example year:2018)", start, end)
    elif field_name in ("from", "to"):
        _parse_date(field_name, value, start, end, following)


def _parse_date(field_name: str, value: str, start: int, end: int, following: str = ""):
    """``value`` as an EDTFDate, or a :class:`QueryError` with an EDTF suggestion.

    ``following`` is the query text after the value: ``from:May 2017`` splits the date at
    the space, so when the value and the next word make a date, suggest that one.
    """
    # Imported here: the query language loads (and its errors show) without the date
    # module's import cost until a date term is typed.
    from tui.model.edtf import EDTFError, parse_edtf

    try:
        return parse_edtf(value)
    except EDTFError as error:
        suggestion = error.suggestion
        next_word = following.split(maxsplit=1)[0] if following.strip() else ""
        if next_word:
            try:
                suggestion = parse_edtf(f"{value} {next_word}").text
            except EDTFError as joined:
                suggestion = joined.suggestion or suggestion
        if suggestion:
            message = f"{field_name}:{value} is not an EDTF date (did you mean {field_name}:{suggestion}?)"
        else:
            message = f"{field_name}:{value} is not a date: {error.message}"
        raise QueryError(message, start, end) from None


def query_terms_for(query: Query, field_name: str) -> tuple[str, ...]:
    """The values of ``query``'s positive ``field_name`` terms: what a facet shows active."""
    return tuple(
        value
        for term in query.terms
        if term.field == field_name and not term.negated
        for value in term.values
    )


def toggle_term(
    text: str,
    field_name: str,
    value: str,
    *,
    same: Callable[[str], bool] | None = None,
) -> str:
    """``text`` with ``field_name:value`` added if absent, removed if present.

    The rest of the text stays as the user typed it. Removing takes the value out of
    its term (``kind:pledge,grant`` -> ``kind:grant``) or the whole term; adding joins
    an existing positive term of the field (``kind:pledge`` -> ``kind:pledge,grant``)
    or appends a term. ``same(typed)`` decides whether a typed value denotes ``value``
    (the engine passes one that resolves names and aliases); by default the two are
    compared folded. Raises :class:`QueryError` when ``text`` does not parse.
    """
    if '"' in value or not value.strip():
        raise ValueError(f"cannot put {value!r} in a query")
    if field_name not in FIELDS:
        raise ValueError(f"unknown field {field_name!r}")
    query = parse_query(text)
    target = fold(value)
    matches = same if same is not None else (lambda typed: fold(typed) == target)
    positive = [t for t in query.terms if t.field == field_name and not t.negated]
    if any(matches(typed) for term in positive for typed in term.values):
        # Remove it from every positive term, so the facet value ends up inactive even
        # when it was typed twice (kind:pledge kind:Pledge); later terms first, so the
        # earlier spans stay valid.
        for term in reversed(positive):
            kept = [
                text[a:b]
                for typed, (a, b) in zip(term.values, term.value_spans, strict=True)
                if not matches(typed)
            ]
            if len(kept) == len(term.values):
                continue
            if not kept:
                text = _cut(text, term.start, term.end)
            else:
                first = term.value_spans[0][0]
                text = text[:first] + ",".join(kept) + text[term.end :]
        return text
    if positive:
        term = positive[0]
        return text[: term.end] + "," + _quote(value) + text[term.end :]
    separator = "" if not text or text[-1].isspace() else " "
    return f"{text}{separator}{field_name}:{_quote(value)}"


def _cut(text: str, start: int, end: int) -> str:
    """``text`` without ``text[start:end]`` and the white space that separated it."""
    before, after = text[:start], text[end:]
    stripped = before.rstrip()
    if stripped:
        return stripped + (" " if after.strip() and not after[:1].isspace() else "") + after
    return before + after.lstrip()


# ---------------------------------------------------------------------------- bitsets
#
# An event set is a Python int with bit i set for ``collection.events[i]``: AND, OR and
# popcount (int.bit_count) over 100k events take microseconds. To list or count by
# value, a set becomes "flags", one byte (0 or 1) per event, which ``itertools.compress``,
# ``itemgetter`` and ``bytes.count`` consume at C speed. Converting either way goes
# through a binary-digit string, also at C speed (about 0.3 ms for 100k events).

_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _bits_from_indexes(indexes: Iterable[int], n: int) -> int:
    """A bitset (bit i set for each index) from indexes below ``n``."""
    flags = bytearray(n)
    for i in indexes:  # a plain loop measured faster than map(flags.__setitem__, ...)
        flags[i] = 1
    return _bits_from_flags(flags)


def _bits_from_flags(flags: bytes | bytearray) -> int:
    """A bitset from one byte (0 or 1) per event."""
    if not flags:
        return 0
    return int(bytes(flags).translate(_TO_DIGITS)[::-1], 2)


def _flags_from_bits(bits: int, n: int) -> bytes:
    """One byte (0 or 1) per event from a bitset."""
    if n == 0:
        return b""
    return format(bits, f"0{n}b")[::-1].encode("ascii").translate(_TO_FLAGS)


class _Postings:
    """value id -> the events that have it, as bitsets or sorted index arrays.

    A value on few events is kept as an ``array('I')`` (4 bytes an event) rather than a
    bitset (n/8 bytes whatever its size): 5,000 people as bitsets over 100k events would
    take 62 MB. Sparse values become bitsets on demand, the last 1,024 cached.
    """

    # A value on at least this many events (and on 1/32 of them) is kept as a bitset.
    MIN_DENSE = 1

    def __init__(self, lists: dict[str, list[int]], n: int) -> None:
        self.n = n
        self.dense: dict[str, int] = {}
        self.sparse: dict[str, array] = {}
        threshold = max(self.MIN_DENSE, n // 32)
        for value_id, indexes in lists.items():
            if len(indexes) >= threshold:
                self.dense[value_id] = _bits_from_indexes(indexes, n)
            else:
                self.sparse[value_id] = array("I", indexes)
        self.counts: dict[str, int] = {v: len(ix) for v, ix in lists.items()}
        self._cache: OrderedDict[str, int] = OrderedDict()

    def bits(self, value_id: str) -> int:
        """The events with ``value_id`` (0 when none)."""
        bits = self.dense.get(value_id)
        if bits is not None:
            return bits
        cached = self._cache.get(value_id)
        if cached is not None:
            self._cache.move_to_end(value_id)
            return cached
        indexes = self.sparse.get(value_id)
        if indexes is None:
            return 0
        flags = bytearray((self.n >> 3) + 1)
        for i in indexes:
            flags[i >> 3] |= 1 << (i & 7)
        bits = int.from_bytes(flags, "little")
        self._cache[value_id] = bits
        if len(self._cache) > 1024:
            self._cache.popitem(last=False)
        return bits

    def union(self, value_ids: Iterable[str]) -> int:
        """The events with any of ``value_ids``: dense ones OR-ed, sparse ones scattered."""
        bits = 0
        scattered: list[int] = []
        for value_id in value_ids:
            dense = self.dense.get(value_id)
            if dense is not None:
                bits |= dense
            else:
                scattered.extend(self.sparse.get(value_id, ()))
        if len(scattered) > 64:
            bits |= _bits_from_indexes(scattered, self.n)
        elif scattered:
            for i in scattered:
                bits |= 1 << i
        return bits


class _Facet:
    """One facet's index: postings, each event's values, and a counter over all pairs."""

    # Up to this many values, counting is one AND and one popcount per value; above it,
    # one pass over all (value, event) pairs is cheaper (measured: 5,000 people on 100k
    # events, 9 us per AND+popcount against 4 ms for the 200k-pair pass).
    FEW_VALUES = 64
    # Up to this many events, or a quarter of all, counting each event's values beats
    # the pass over all pairs (measured at 100k: 3.4 against 5.0 ms at 12%, even at 25%).
    SMALL_RESULT = 256

    def __init__(self, name: str, event_values: list[tuple[str, ...]], n: int) -> None:
        self.name = name
        self.event_values = event_values
        lists = _lists_of(event_values)
        self.postings = _Postings(lists, n)
        self.pairs = sum(len(ix) for ix in lists.values())
        self._getter: Callable[[bytes], tuple[int, ...]] | None = None
        self._ranges: list[tuple[str, int, int]] = []
        self._order: dict[str, int] | None = None
        if len(lists) > self.FEW_VALUES:
            flat: list[int] = []
            for value_id, indexes in lists.items():
                self._ranges.append((value_id, len(flat), len(flat) + len(indexes)))
                flat.extend(indexes)
            # itemgetter(i, j, ...) on the flags gives every pair's hit in one C call.
            self._getter = itemgetter(*flat) if len(flat) > 1 else (lambda f: (f[flat[0]],))

    def counts(self, base: int, everything: int) -> dict[str, int]:
        """Events in ``base`` per value (``everything`` is the bitset of all events)."""
        postings = self.postings
        if self._getter is None:
            # Few values: one AND and one popcount each (microseconds at 100k events).
            return {v: (base & postings.bits(v)).bit_count() for v in postings.counts}
        n = len(self.event_values)
        size = base.bit_count()
        if size == 0:
            return {}
        if self._is_small(n - size):
            # Nearly everything ("b" matches 98%): the totals less the few left out.
            left_out = self._count_events(everything & ~base)
            return {v: c - left_out.get(v, 0) for v, c in postings.counts.items()}
        if self._is_small(size):
            return self._count_events(base)
        hits = bytes(self._getter(_flags_from_bits(base, n)))
        return {value_id: hits.count(1, a, b) for value_id, a, b in self._ranges}

    def _is_small(self, size: int) -> bool:
        return size * 4 < len(self.event_values) or size < self.SMALL_RESULT

    def _count_events(self, bits: int) -> dict[str, int]:
        """Count the values of the events in ``bits`` one event at a time, in C."""
        n = len(self.event_values)
        chosen = list(compress(range(n), _flags_from_bits(bits, n)))
        if not chosen:
            return {}
        if len(chosen) == 1:
            return dict.fromkeys(self.event_values[chosen[0]], 1)
        return Counter(chain.from_iterable(itemgetter(*chosen)(self.event_values)))

    def order(self, label: Callable[[str], str]) -> dict[str, int]:
        """Each value's rank by folded label then id, for sorting by count then label."""
        if self._order is None:
            ids = sorted(self.postings.counts, key=lambda v: (fold(label(v)), v))
            self._order = {v: rank for rank, v in enumerate(ids)}
        return self._order


@dataclass(slots=True)
class _Plan:
    """A query resolved against the engine's indexes."""

    field_masks: dict[str, int]  # field -> OR of its positive terms' values
    negative_mask: int  # AND of the complements of the negated field terms
    text_key: tuple[tuple[bool, str], ...]  # (negated, folded text), sorted
    active: dict[str, set[str]]  # field -> ids its positive terms select
    excluded: dict[str, set[str]]  # field -> ids its negated terms select


class QueryEngine:
    """Runs queries over one collection from indexes built once, at construction.

    ``as_of`` (default: today) is the date pledge statuses and ``overdue`` are judged at;
    :meth:`set_as_of` changes it. Not thread-safe: use one engine from one thread.
    """

    # Below this many events left to check for a word, checking their names one by one
    # beats a pass over every event (about 1 us an event against 10 ms a pass at 100k).
    FEW_REMAINING = 4000

    def __init__(self, collection: Collection, as_of: date | None = None) -> None:
        self.collection = collection
        self.as_of = as_of or date.today()
        events = collection.events
        self.n = n = len(events)
        self.all_bits = (1 << n) - 1
        # Each event's own text; registry names are matched once per entry (_names_text).
        self.texts: list[str] = [fold_fields(own_strings(e)) for e in events]
        self._names_text = registry_names(collection)
        self.lowers: list[date] = [e.date.lower for e in events]
        self._by_upper: list[int] = sorted(range(n), key=lambda i: events[i].date.upper)
        self._uppers: list[date] = [events[i].date.upper for i in self._by_upper]
        self.facets: dict[str, _Facet] = {
            "agency": _Facet("agency", [event_agency_ids(e) for e in events], n),
            "person": _Facet("person", [event_person_ids(e) for e in events], n),
            "topic": _Facet("topic", [tuple(dict.fromkeys(e.topics)) for e in events], n),
            "kind": _Facet("kind", [(e.kind,) for e in events], n),
            "year": _Facet("year", [_timeline_year(e) for e in events], n),
        }
        source_values = [event_source_ids(e) for e in events]
        self.sources = _Postings(_lists_of(source_values), n)
        # Every event's registry entries (agencies, people, topics, kind, sources) as one
        # tuple of shared keys ("agency:bpd"): one set.isdisjoint per event answers "does
        # any of its names hold the word?", and _entry_names gives each key's names.
        named = {f: self.facets[f].event_values for f in ("agency", "person", "topic", "kind")}
        named["source"] = source_values
        self._entity_keys: dict[str, dict[str, str]] = {
            f: {v: f"{f}:{v}" for v in self._postings(f).counts} for f in named
        }
        self._entry_names: dict[str, str] = {
            key: self._names_text[f].get(v, "")
            for f, table in self._entity_keys.items()
            for v, key in table.items()
        }
        per_field = [
            [tuple(map(self._entity_keys[f].__getitem__, v)) for v in values]
            for f, values in named.items()
        ]
        self._event_entries: list[tuple[str, ...]] = [
            a + p + t + k + s for a, p, t, k, s in zip(*per_field, strict=True)
        ]
        self._names = self._build_names()
        self._event_ids = {fold(e.id): e.id for e in events}
        self._pledges = [i for i, e in enumerate(events) if e.pledge is not None]
        self._status_bits: dict[str, int] = {}
        self._compute_statuses()
        self._since_bits: dict[str, int] | None = None
        self._text_cache: OrderedDict[tuple[tuple[bool, str], ...], int] = OrderedDict()
        self._needle_cache: OrderedDict[str, dict[str, set[str]]] = OrderedDict()
        self._date_cache: dict[tuple[str, str], int] = {}
        self._plans: OrderedDict[tuple[Term, ...], _Plan] = OrderedDict()
        self._sort_keys: dict[str, dict[str, int]] = {}
        self._count_cache: OrderedDict[tuple[str, int], dict[str, int]] = OrderedDict()
        self._last_flags: tuple[int, bytes] = (-1, b"")
        self._labels: dict[str, dict[str, str]] = {}

    # -- building

    def _build_names(self) -> dict[str, dict[str, set[str]]]:
        """Per field: folded id / name / alias -> the ids it names."""
        c = self.collection
        names: dict[str, dict[str, set[str]]] = {}

        def add(field_name: str, keys: Iterable[str | None], value_id: str) -> None:
            table = names.setdefault(field_name, {})
            for key in keys:
                if key:
                    table.setdefault(fold(key), set()).add(value_id)

        for a in c.agencies.values():
            add("agency", (a.id, a.name, *a.aliases), a.id)
        for p in c.people.values():
            add("person", (p.id, p.name, *p.aliases), p.id)
        for t in c.topics.values():
            add("topic", (t.id, t.label), t.id)
        for k in c.kinds.values():
            add("kind", (k.id, k.label), k.id)
        for s in c.sources.values():
            add("source", (s.id, s.title, s.publisher), s.id)
        return names

    def _compute_statuses(self) -> None:
        events = self.collection.events
        lists: dict[str, list[int]] = {value: [] for value in STATUS_VALUES}
        for i in self._pledges:
            pledge = events[i].pledge
            assert pledge is not None
            status = status_at(pledge, self.as_of)
            overdue = overdue_days(events[i], self.as_of) is not None
            values = (status, "overdue") if overdue else (status,)
            for value in values:
                lists[value].append(i)
        self._status_bits = {v: _bits_from_indexes(ix, self.n) for v, ix in lists.items()}

    def set_as_of(self, as_of: date) -> None:
        """Judge pledge statuses and ``overdue`` at ``as_of`` from now on."""
        if as_of != self.as_of:
            self.as_of = as_of
            self._compute_statuses()
            self._plans.clear()

    def set_since(self, marks: dict[str, str] | None) -> None:
        """Mark events ``new`` or ``changed`` (by id; every other event is ``unchanged``)
        for ``since:`` and the "changed since" facet; None: no log to compare with."""
        if marks is None:
            self._since_bits = None
        else:
            index = self.collection.index
            lists: dict[str, list[int]] = {"new": [], "changed": []}
            for event_id, mark in marks.items():
                at = index.get(event_id)
                if at is not None and mark in lists:
                    lists[mark].append(at)
            bits = {v: _bits_from_indexes(ix, self.n) for v, ix in lists.items()}
            bits["unchanged"] = self.all_bits & ~(bits["new"] | bits["changed"])
            self._since_bits = bits
        self._plans.clear()
        self._count_cache.clear()

    @property
    def has_since(self) -> bool:
        """Whether events are marked against a ``--since`` log (see :meth:`set_since`)."""
        return self._since_bits is not None

    # -- resolving values

    def resolve(self, field_name: str, value: str) -> set[str]:
        """The ids a typed value names in ``field_name`` (empty when it names nothing)."""
        if field_name == "status":
            return {_status_key(value)}
        if field_name == "since":
            known = self._since_bits is not None and value.lower() in SINCE_LABELS
            return {value.lower()} if known else set()
        if field_name == "year":
            return {str(int(value))} if value.isascii() and value.isdigit() else set()
        if field_name == "id":
            event_id = self._event_ids.get(fold(value))
            return set() if event_id is None else {event_id}
        return set(self._names.get(field_name, {}).get(fold(value), ()))

    def unknown_values(self, query: Query | str) -> list[UnknownValue]:
        """Values of ``query`` that name nothing in the log: a UI can warn about them."""
        if isinstance(query, str):
            query = parse_query(query)
        unknown: list[UnknownValue] = []
        for term in query.terms:
            if term.field in (None, "status", "year", "from", "to"):
                continue
            for value, (start, end) in zip(term.values, term.value_spans, strict=True):
                if not self.resolve(term.field, value):
                    unknown.append(UnknownValue(term.field, value, start, end))
        return unknown

    def _ids_bits(self, field_name: str, value_ids: set[str]) -> int:
        if field_name == "status":
            bits = 0
            for value_id in value_ids:
                bits |= self._status_bits.get(value_id, 0)
            return bits
        if field_name == "id":
            bits = 0
            for value_id in value_ids:
                bits |= 1 << self.collection.index[value_id]
            return bits
        if field_name == "since":
            since = self._since_bits or {}
            bits = 0
            for value_id in value_ids:
                bits |= since.get(value_id, 0)
            return bits
        return self._postings(field_name).union(value_ids)

    def _date_bits(self, field_name: str, value: str) -> int:
        key = (field_name, value)
        cached = self._date_cache.get(key)
        if cached is not None:
            return cached
        when = _parse_date(field_name, value, 0, len(value))
        if field_name == "to":
            # Events are in timeline order (by lower bound): a prefix of them.
            k = bisect.bisect_right(self.lowers, when.upper)
            bits = (1 << k) - 1
        else:
            k = bisect.bisect_left(self._uppers, when.lower)
            bits = _bits_from_indexes(self._by_upper[k:], self.n)
        if len(self._date_cache) > 64:
            self._date_cache.clear()
        self._date_cache[key] = bits
        return bits

    # -- evaluating

    def _plan(self, query: Query) -> _Plan:
        plan = self._plans.get(query.terms)
        if plan is not None:
            self._plans.move_to_end(query.terms)
            return plan
        field_masks: dict[str, int] = {}
        negative = self.all_bits
        text: set[tuple[bool, str]] = set()
        active: dict[str, set[str]] = {}
        excluded: dict[str, set[str]] = {}
        for term in query.terms:
            if term.field is None:
                text.add((term.negated, fold(term.values[0])))
                continue
            if term.field in ("from", "to"):
                bits = 0
                for value in term.values:
                    bits |= self._date_bits(term.field, value)
            else:
                ids: set[str] = set()
                for value in term.values:
                    ids |= self.resolve(term.field, value)
                (excluded if term.negated else active).setdefault(term.field, set()).update(ids)
                bits = self._ids_bits(term.field, ids)
            if term.negated:
                negative &= ~bits
            else:
                field_masks[term.field] = field_masks.get(term.field, 0) | bits
        plan = _Plan(field_masks, negative, tuple(sorted(text)), active, excluded)
        self._plans[query.terms] = plan
        if len(self._plans) > 32:
            self._plans.popitem(last=False)
        return plan

    def _mask(self, plan: _Plan, without: str | None = None) -> int:
        mask = plan.negative_mask
        for field_name, bits in plan.field_masks.items():
            if field_name != without:
                mask &= bits
        return mask

    def _text_bits(self, key: tuple[tuple[bool, str], ...]) -> int:
        """Events matching every text term in ``key``; narrows from a cached wider result."""
        if not key:
            return self.all_bits
        cached = self._text_cache.get(key)
        if cached is not None:
            self._text_cache.move_to_end(key)
            return cached
        # Narrowing: a cached key each of whose terms is implied by one of ours (the same
        # negated text, or a positive text that ours contains) matched a superset, so
        # only its events need looking at: typing "bod" then "body" scans the "bod" hits.
        candidates = self.all_bits
        covered: tuple[tuple[bool, str], ...] = ()
        best = (candidates.bit_count(), 0)
        for old_key, old_bits in self._text_cache.items():
            if all(_implied(old_term, key) for old_term in old_key):
                # Fewest events first; on a tie ("bod" and "body" match the same), the key
                # that already covers more of our terms, which then need no scan.
                rank = (old_bits.bit_count(), -len(set(old_key) & set(key)))
                if rank < best:
                    best, candidates, covered = rank, old_bits, old_key
        # Terms of the narrower key are already satisfied; positive terms first, longest
        # first: they cut the candidates fastest.
        todo = sorted((t for t in key if t not in covered), key=lambda t: (t[0], -len(t[1])))
        for negated, needle in todo:
            if not candidates:
                break
            hits = self._needle_bits(needle, candidates)
            candidates = candidates & ~hits if negated else hits
        self._text_cache[key] = candidates
        if len(self._text_cache) > 16:
            self._text_cache.popitem(last=False)
        return candidates

    def _needle_bits(self, needle: str, within: int) -> int:
        """Events in ``within`` whose own text or registry names contain ``needle``."""
        found = self._where(self.texts, lambda texts: map(contains, texts, repeat(needle)), within)
        rest = within & ~found
        if rest:
            found |= self._names_hits(needle, rest)
        return found

    def _where(
        self,
        items: list,
        test: Callable[[Iterable], Iterable[bool]],
        within: int,
    ) -> int:
        """Events in ``within`` whose item passes ``test``, which maps items to truths in C.

        With most events in ``within``, every item is tested and the rest dropped after
        (skipping costs more than testing); with fewer, only theirs are picked out
        (``compress``) and the passing ones set one by one.
        """
        if within == self.all_bits:
            return _bits_from_flags(bytes(test(items)))
        if within.bit_count() * 2 > self.n:
            return _bits_from_flags(bytes(test(items))) & within
        flags = self._flags(within)
        chosen = compress(range(self.n), flags)
        return _bits_from_indexes(compress(chosen, test(compress(items, flags))), self.n)

    def _names_hits(self, needle: str, rest: int) -> int:
        """Events in ``rest`` with an agency, person, topic, kind or source named ``needle``.

        Three ways, by what touches fewest items: with few events left, look at their
        entries' names; with few matching entries (a rare word), scatter their postings;
        else (a short word matches thousands of names) ask each event left, in C,
        whether its entries meet the matching ones.
        """
        if rest.bit_count() <= self.FEW_REMAINING:
            names, entries = self._entry_names, self._event_entries
            hits = [
                i for i in self.indexes(rest) if any(needle in names[key] for key in entries[i])
            ]
            return _bits_from_indexes(hits, self.n)
        matched = self._matched_names(needle)
        if not matched:
            return 0
        scatter = sum(
            sum(map(self._postings(f).counts.get, ids, repeat(0))) for f, ids in matched.items()
        )
        if scatter < self.n:
            bits = 0
            for field_name, ids in matched.items():
                bits |= self._postings(field_name).union(ids)
            return bits & rest
        keys = frozenset(f"{f}:{v}" for f, ids in matched.items() for v in ids)
        disjoint = self._where(self._event_entries, lambda e: map(keys.isdisjoint, e), rest)
        return rest & ~disjoint

    def _matched_names(self, needle: str) -> dict[str, set[str]]:
        """Per field, the registry entries whose names contain ``needle``.

        Cached; typing "bod" after "bo" looks only at the entries "bo" matched.
        """
        cached = self._needle_cache.get(needle)
        if cached is not None:
            self._needle_cache.move_to_end(needle)
            return cached
        # Names holding "bod" are among those holding "bo": start from the narrowest
        # cached needle inside this one.
        wider = [
            matched
            for old, matched in self._needle_cache.items()
            if old in needle and old != needle
        ]
        matched: dict[str, set[str]] = {}
        for field_name, names in self._names_text.items():
            if wider:
                pool = min((m.get(field_name, set()) for m in wider), key=len)
                ids = {v for v in pool if needle in names[v]}
            else:
                ids = {value_id for value_id, text in names.items() if needle in text}
            if ids:
                matched[field_name] = ids
        self._needle_cache[needle] = matched
        if len(self._needle_cache) > 64:
            self._needle_cache.popitem(last=False)
        return matched

    def _postings(self, field_name: str) -> _Postings:
        return self.sources if field_name == "source" else self.facets[field_name].postings

    def match_bits(self, query: Query | str) -> int:
        """The events ``query`` keeps, as a bitset (bit i is ``collection.events[i]``)."""
        if isinstance(query, str):
            query = parse_query(query)
        plan = self._plan(query)
        mask = self._mask(plan)
        return mask & self._text_bits(plan.text_key) if mask else 0

    def run(self, query: Query | str) -> list[int]:
        """Indexes into ``collection.events`` of the events ``query`` keeps, ascending.

        A string is parsed first (raising :class:`QueryError`).
        """
        return self.indexes(self.match_bits(query))

    def indexes(self, bits: int) -> list[int]:
        """The event indexes set in ``bits``, ascending."""
        if bits == self.all_bits:
            return list(range(self.n))
        return list(compress(range(self.n), self._flags(bits)))

    def count(self, query: Query | str) -> int:
        """How many events ``query`` keeps."""
        return self.match_bits(query).bit_count()

    # -- facets

    def facet_counts(
        self, query: Query | str, facet: str, limit: int | None = None
    ) -> list[FacetValue]:
        """The values of ``facet`` with their counts under ``query``, most frequent first.

        Counts follow faceted-search practice: the facet's own positive terms are left
        out (the other values of an OR-ed field still show what adding them would give);
        everything else, the facet's negated terms included, applies. A value with no
        events is listed only when the query names it. ``limit`` keeps the first
        ``limit`` values (the active and excluded ones are always kept).
        """
        if facet not in FACETS and facet != SINCE_FACET:
            raise ValueError(f"unknown facet {facet!r}; one of {', '.join(FACETS)}")
        if isinstance(query, str):
            query = parse_query(query)
        plan = self._plan(query)
        mask = self._mask(plan, without=facet)
        base = mask & self._text_bits(plan.text_key) if mask else 0
        counts = self._counts(facet, base)
        active = plan.active.get(facet, set())
        excluded = plan.excluded.get(facet, set())
        for value_id in active | excluded:
            counts.setdefault(value_id, 0)
        pinned = active | excluded
        for value_id in pinned:
            counts.setdefault(value_id, 0)
        rank = self._rank(facet)
        unranked = len(rank)
        # One int per value sorts by count (descending), then label: cheaper than tuples
        # with thousands of people.
        scale = unranked + 1
        keyed = [
            (c * -scale + rank.get(v, unranked), v) for v, c in counts.items() if c or v in pinned
        ]
        if limit is not None and limit < len(keyed):
            chosen = heapq.nsmallest(limit, keyed)
            chosen_ids = {v for _, v in chosen}
            chosen.extend(
                (counts[v] * -scale + rank.get(v, unranked), v)
                for v in pinned
                if v not in chosen_ids
            )
            keyed = chosen
        keyed.sort()
        labels = self._labels.setdefault(facet, {})
        for _, v in keyed:
            if v not in labels:
                labels[v] = self.label(facet, v)
        return [
            FacetValue(facet, v, labels[v], counts[v], v in active, v in excluded) for _, v in keyed
        ]

    def _rank(self, facet: str) -> dict[str, int]:
        """Each value's place in label order (folded, then by id)."""
        if facet == SINCE_FACET:
            return {v: i for i, v in enumerate(SINCE_LABELS)}
        if facet == "status":
            if "status" not in self._sort_keys:
                ordered = sorted(STATUS_VALUES, key=lambda v: fold(STATUS_LABELS[v]))
                self._sort_keys["status"] = {v: i for i, v in enumerate(ordered)}
            return self._sort_keys["status"]
        return self.facets[facet].order(lambda v: self.label(facet, v))

    def all_facet_counts(
        self, query: Query | str, facets: Sequence[str] = FACETS, limit: int | None = None
    ) -> dict[str, list[FacetValue]]:
        """:meth:`facet_counts` for several facets at once."""
        if isinstance(query, str):
            query = parse_query(query)
        return {facet: self.facet_counts(query, facet, limit) for facet in facets}

    def _counts(self, facet: str, base: int) -> dict[str, int]:
        """Events in ``base`` per value of ``facet`` (a fresh dict the caller may change)."""
        if facet == "status":
            return {v: (base & b).bit_count() for v, b in self._status_bits.items()}
        if facet == SINCE_FACET:
            return {v: (base & b).bit_count() for v, b in (self._since_bits or {}).items()}
        data = self.facets[facet]
        if base == self.all_bits:
            return dict(data.postings.counts)
        # Typing a space or a letter that keeps the same events, or toggling a value and
        # back, asks again for the same base: remember the last few.
        key = (facet, base)
        cached = self._count_cache.get(key)
        if cached is None:
            cached = data.counts(base, self.all_bits)
            self._count_cache[key] = cached
            if len(self._count_cache) > 3 * len(FACETS):
                self._count_cache.popitem(last=False)
        return dict(cached)

    def _flags(self, bits: int) -> bytes:
        """:func:`_flags_from_bits`, remembering the last answer (every facet asks for it)."""
        if self._last_flags[0] != bits:
            self._last_flags = (bits, _flags_from_bits(bits, self.n))
        return self._last_flags[1]

    def label(self, facet: str, value_id: str) -> str:
        """The human label of a facet value (a name, a label, a year); untrusted text."""
        c = self.collection
        if facet == "agency":
            agency = c.agencies.get(value_id)
            return agency.name if agency else value_id
        if facet == "person":
            person = c.people.get(value_id)
            return person.name if person else value_id
        if facet == "topic":
            topic = c.topics.get(value_id)
            return topic.label if topic else value_id
        if facet == "kind":
            kind = c.kinds.get(value_id)
            return kind.label if kind else value_id
        if facet == "status":
            return STATUS_LABELS.get(value_id, value_id)
        if facet == SINCE_FACET:
            return SINCE_LABELS.get(value_id, value_id)
        return value_id

    def active_ids(self, query: Query | str, field_name: str) -> set[str]:
        """The ids the positive ``field_name`` terms of ``query`` select."""
        if isinstance(query, str):
            query = parse_query(query)
        return {
            value_id
            for value in query_terms_for(query, field_name)
            for value_id in self.resolve(field_name, value)
        }

    def toggle_term(self, text: str, field_name: str, value_id: str) -> str:
        """:func:`toggle_term` where a typed name or alias of ``value_id`` counts as it."""
        return toggle_term(
            text,
            field_name,
            value_id,
            same=lambda typed: value_id in self.resolve(field_name, typed),
        )


def _implied(old_term: tuple[bool, str], key: tuple[tuple[bool, str], ...]) -> bool:
    negated, needle = old_term
    if negated:
        return old_term in key
    return any(not neg and needle in new for neg, new in key)


def _lists_of(event_values: list[tuple[str, ...]]) -> dict[str, list[int]]:
    lists: dict[str, list[int]] = {}
    for i, values in enumerate(event_values):
        for value in values:
            lists.setdefault(value, []).append(i)
    return lists


def _timeline_year(event: Event) -> tuple[str, ...]:
    """The year the timeline shows an event under, as a facet value (none if unbounded)."""
    lower, upper = event.date.lower, event.date.upper
    if lower != date.min:
        return (str(lower.year),)
    if upper != date.max:
        return (str(upper.year),)
    return ()
