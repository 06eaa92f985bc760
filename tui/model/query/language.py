from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tui.model.log import PLEDGE_STATUSES
from tui.model.search_text import (
    fold,
)

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
STATUS_VALUES: tuple[str, ...] = (*PLEDGE_STATUSES, "overdue")
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
    others: Callable[[str], Sequence[str]] | None = None,
) -> str:
    """``text`` with ``field_name:value`` added if absent, removed if present.

    The rest of the text stays as the user typed it. Removing takes the value out of
    its term (``kind:pledge,grant`` -> ``kind:grant``) or the whole term; adding joins
    an existing positive term of the field (``kind:pledge`` -> ``kind:pledge,grant``)
    or appends a term. ``same(typed)`` decides whether a typed value denotes ``value``
    (the engine passes one that resolves names and aliases); by default the two are
    compared folded. ``others(typed)``: what else a removed typed value denotes (a name
    two agencies share), written in its place so only ``value`` goes inactive
    (``agency:Pérez`` -> ``agency:a0``). Raises :class:`QueryError` when ``text`` does
    not parse.
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
            kept: list[str] = []
            for typed, (a, b) in zip(term.values, term.value_spans, strict=True):
                if not matches(typed):
                    kept.append(text[a:b])
                elif others is not None:
                    kept.extend(_quote(other) for other in others(typed))
            if not any(matches(typed) for typed in term.values):
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
