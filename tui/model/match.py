"""Likely pairs of events that are one incident seen by two logs (``watchline match``).

Only events whose dates are within a day of each other are compared: the events of B are
indexed by day, so matching costs one look-up per day an A event spans (O(n + m) plus the
pairs found), never O(n * m). An event whose date spans more than
:data:`MAX_SPAN_DAYS` (a year, a season) cannot be said to fall on the same day as
anything and is left out. Each candidate pair is scored from the evidence:

===========  =====================================================================
date         same day 3; a day apart 2; overlapping imprecise dates (a month) 1
agency       the same agency (one id, or one normalised name or alias) 3; names that
             share most of their words ("Bridgeport Police" and "Bridgeport Police
             Department") 1.5
place        shared words of the places (normalised: accents, case, punctuation and
             words such as "county" and "ave" dropped) up to 2
name         words of people's names (from ``people``, and capitalised words of the
             title and summary) that both events hold, rare words 2 each and common
             ones 0.5, up to 4; words of a place or agency do not count
kind         the same kind 1; shooting and incident 0.5
===========  =====================================================================

Pairs already in one ``same_as`` group are not proposed again. Nothing here imports
Textual; every reason holds log text, so a caller shows it through ``printable``.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tui.model.log import Collection, Event
from tui.model.search_text import event_agency_ids, fold

__all__ = ["MAX_SPAN_DAYS", "MIN_SCORE", "Pair", "propose"]

MAX_SPAN_DAYS = 31
MIN_SCORE = 5.0

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


# Words that say nothing about which place or agency: dropped before comparing.
def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PLACE_NOISE = _set(
    "the of in at on and county city town township village borough ave avenue st street rd "
    "road blvd boulevard dr drive ln lane hwy highway route block near north south east west "
    "usa us"
)
_AGENCY_NOISE = _set("the of and")
# Words most agencies' names share: "similar agency" compares the others.
_AGENCY_GENERIC = _set(
    "police department dept sheriffs sheriff office state county city patrol highway "
    "troopers bureau public safety division marshals service"
)
_AGENCY_EXPAND = {"pd": ("police", "department"), "so": ("sheriffs", "office")}
# Capitalised words of a title or summary that are not names.
_NOT_NAMES = _set(
    "the a an and or of in on at by for to with from after before police officer officers "
    "department state trooper troopers sheriff deputy chief mayor city county court judge "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday he she they his her their it "
    "this that these those who what when where why how a.m p.m mr mrs ms dr jr sr"
)
_COMPATIBLE_KINDS = {frozenset({"shooting", "incident"})}


@dataclass(frozen=True, slots=True)
class Pair:
    """One proposed pair: an event of A, one of B, the score and the reasons for it."""

    a: Event
    b: Event
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Features:
    event: Event
    lower: int  # ordinal days
    upper: int
    single_day: bool
    agency_ids: frozenset[str]
    agency_keys: dict[str, str]  # normalised name or alias -> the agency's name as shown
    agency_words: list[tuple[frozenset[str], str]]
    place_words: dict[str, str]  # folded word -> the word as written
    names: dict[str, str]  # folded name word -> as written (first seen)
    name_order: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _agency_tokens(name: str) -> tuple[str, ...]:
    out: list[str] = []
    for word in _words(fold(name).replace("'", "").replace("’", "")):
        if word in _AGENCY_NOISE:
            continue
        out.extend(_AGENCY_EXPAND.get(word, (word,)))
    return tuple(out)


def _features(collection: Collection, event: Event) -> _Features:
    lower, upper = event.date.lower.toordinal(), event.date.upper.toordinal()
    agency_ids = frozenset(event_agency_ids(event))
    agency_keys: dict[str, str] = {}
    agency_words: list[tuple[frozenset[str], str]] = []
    avoid: set[str] = set()
    for agency_id in agency_ids:
        agency = collection.agencies.get(agency_id)
        if agency is None:
            continue
        for name in (agency.name, *agency.aliases):
            tokens = _agency_tokens(name)
            if tokens:
                agency_keys.setdefault(" ".join(tokens), agency.name)
                avoid.update(tokens)
        words = frozenset(_agency_tokens(agency.name)) - _AGENCY_GENERIC
        if words:
            agency_words.append((words, agency.name))
    place_words: dict[str, str] = {}
    for word in _words(event.place or ""):
        folded = fold(word)
        avoid.add(folded)
        if folded not in _PLACE_NOISE and len(folded) > 1:
            place_words.setdefault(folded, word)
    names: dict[str, str] = {}
    order: list[str] = []

    def add(word: str) -> None:
        folded = fold(word)
        if len(folded) < 2 or folded in _NOT_NAMES or folded in avoid or folded.isdigit():
            return
        if folded not in names:
            names[folded] = word
            order.append(folded)

    for person_id in event.people:
        person = collection.people.get(person_id)
        if person is not None:
            for word in _words(person.name):
                add(word)
    for text in (event.title, event.summary or ""):
        for word in _words(text):
            if word[0].isupper():
                add(word)
    return _Features(
        event,
        lower,
        upper,
        lower == upper,
        agency_ids,
        agency_keys,
        agency_words,
        place_words,
        names,
        order,
    )


def _usable(event: Event) -> bool:
    return (
        event.date.lower != datetime.date.min
        and event.date.upper != datetime.date.max
        and (event.date.upper - event.date.lower).days <= MAX_SPAN_DAYS
    )


def _score(
    a: _Features, b: _Features, collection: Collection, common: set[str]
) -> tuple[float, list[str]]:
    score = 0.0
    reasons: list[str] = []
    gap = max(a.lower - b.upper, b.lower - a.upper, 0)
    if gap == 0 and a.single_day and b.single_day:
        score += 3
        reasons.append("same day")
    elif gap == 0:
        score += 1
        reasons.append(f"dates overlap ({a.event.date.display()}, {b.event.date.display()})")
    else:
        score += 2
        reasons.append("a day apart")
    shared_ids = a.agency_ids & b.agency_ids
    agency = None
    if shared_ids:
        found = collection.agencies.get(min(shared_ids))
        agency = found.name if found is not None else min(shared_ids)
    else:
        for key, name in a.agency_keys.items():
            if key in b.agency_keys:
                agency = name
                break
    if agency is not None:
        score += 3
        reasons.append(f"agency {agency}")
    else:
        best = 0.0
        pair = ("", "")
        for words_a, name_a in a.agency_words:
            for words_b, name_b in b.agency_words:
                overlap = len(words_a & words_b) / len(words_a | words_b)
                if overlap > best:
                    best, pair = overlap, (name_a, name_b)
        if best >= 0.5:
            score += 1.5
            reasons.append(f"similar agency {pair[0]} / {pair[1]}")
    shared_place = [w for w in a.place_words if w in b.place_words]
    if shared_place:
        smaller = min(len(a.place_words), len(b.place_words))
        score += 2 * len(shared_place) / smaller
        reasons.append("place " + ", ".join(a.place_words[w] for w in shared_place))
    shared_names = [w for w in a.name_order if w in b.names]
    if shared_names:
        score += min(4.0, sum(0.5 if w in common else 2.0 for w in shared_names))
        reasons.append("name " + " ".join(a.names[w] for w in shared_names))
    kinds = {a.event.kind, b.event.kind}
    if len(kinds) == 1:
        score += 1
        reasons.append(f"kind {a.event.kind}")
    elif frozenset(kinds) in _COMPATIBLE_KINDS:
        score += 0.5
        reasons.append(f"kind {a.event.kind}/{b.event.kind}")
    return score, reasons


def propose(
    collection: Collection,
    a_events: Sequence[Event],
    b_events: Sequence[Event],
    min_score: float = MIN_SCORE,
) -> list[Pair]:
    """Pairs of an A event and a B event likely to be one incident, best first.

    Dates must be within a day (bounds overlapping or one day apart); pairs already in
    one ``same_as`` group, and an event paired with itself, are left out.
    """
    by_day: dict[int, list[Event]] = {}
    for event in b_events:
        if _usable(event):
            for day in range(event.date.lower.toordinal(), event.date.upper.toordinal() + 1):
                by_day.setdefault(day, []).append(event)
    # The pairs whose dates allow it, found by day; features only for the events in them.
    candidates: list[tuple[Event, Event]] = []
    for a in a_events:
        if not _usable(a):
            continue
        group = set(collection.same_as_group(a.id))
        seen: set[str] = set()
        for day in range(a.date.lower.toordinal() - 1, a.date.upper.toordinal() + 2):
            for b in by_day.get(day, ()):
                if b.id in seen or b.id == a.id or b.id in group:
                    continue
                seen.add(b.id)
                candidates.append((a, b))
    features: dict[str, _Features] = {}
    for a, b in candidates:
        for event in (a, b):
            if event.id not in features:
                features[event.id] = _features(collection, event)
    common = _common_names(f.names for f in features.values())
    pairs: list[Pair] = []
    for a, b in candidates:
        score, reasons = _score(features[a.id], features[b.id], collection, common)
        if score >= min_score:
            pairs.append(Pair(a, b, round(score, 2), tuple(reasons)))
    pairs.sort(key=lambda p: (-p.score, p.a.date.lower, p.a.id, p.b.id))
    return pairs


def _common_names(all_names: Iterable[dict[str, str]]) -> set[str]:
    """Name words held by more than 1 in 200 of the events compared (or 3): "John", not
    "Negron"."""
    counts: dict[str, int] = {}
    total = 0
    for names in all_names:
        total += 1
        for word in names:
            counts[word] = counts.get(word, 0) + 1
    limit = max(3, math.ceil(total / 200))
    return {word for word, count in counts.items() if count > limit}
