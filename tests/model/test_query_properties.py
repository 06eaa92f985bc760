"""Properties of the query language and engine, checked on random logs and queries.

The engine (bitsets, narrowing, registry-name matching) must agree with a plain loop over
the events that applies docs/design.md's rules directly, written here as simply as possible.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model.edtf import parse_edtf
from tui.model.log import (
    SETTLED_STATUSES,
    Agency,
    Collection,
    Event,
    Grant,
    Person,
    Pledge,
    Quote,
    Rating,
    Rollout,
    Source,
    Topic,
)
from tui.model.query import (
    STATUS_VALUES,
    Query,
    QueryEngine,
    QueryError,
    parse_query,
    toggle_term,
)
from tui.model.query.bits import _Facet, _Postings
from tui.model.search_text import fold

# Each example builds a log and an engine; 75 keeps this file near 15 s on a busy
# 2-core machine. The parser alone is cheap, so it gets more.
SETTINGS = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARSER_SETTINGS = settings(max_examples=200, deadline=None)

WORDS = ["Pérez", "perez", "Body", "cameras", "troop", "Négron", "chief", "Straße", "ﬁre", "BPD"]
DATES = [
    "2016",
    "2017-05-09",
    "2017-05",
    "2017-11-30",
    "2017-12~",
    "2018?",
    "2018-22",
    "2018-06/2018-08",
    "2017-12-XX",
    "2019/..",
    "../2017-03",
]
KINDS = ["meeting", "pledge", "grant", "rollout", "shooting"]
AS_OF = date(2018, 7, 1)

# Texts of one to three words (one draw each: drawing word lists made generation the
# bulk of the run time).
PHRASES = [
    *WORDS,
    *(f"{a} {b}" for a, b in zip(WORDS, WORDS[3:] + WORDS[:3], strict=True)),
    *(
        f"{a} {b} {c}"
        for a, b, c in zip(WORDS, WORDS[5:] + WORDS[:5], WORDS[7:] + WORDS[:7], strict=True)
    ),
]
text_st = st.sampled_from(PHRASES)


@st.composite
def collections(draw: st.DrawFn) -> Collection:
    """A small log: three agencies, three people, two topics, two sources, <= 10 events."""
    agencies = {
        f"a{i}": Agency(
            f"a{i}", draw(text_st), aliases=draw(st.sampled_from([(), *((p,) for p in PHRASES)]))
        )
        for i in range(3)
    }
    people = {
        f"p{i}": Person(
            f"p{i}", draw(text_st), aliases=draw(st.sampled_from([(), *((p,) for p in PHRASES)]))
        )
        for i in range(3)
    }
    topics = {f"t{i}": Topic(f"t{i}", draw(text_st)) for i in range(2)}
    sources = {
        f"s{i}": Source(f"s{i}", draw(text_st), publisher=draw(st.none() | text_st))
        for i in range(2)
    }
    optional_text = st.sampled_from([None, *PHRASES])
    events = []
    for n in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(KINDS))
        pledge = grant = rollout = None
        if kind == "pledge":
            ratings = draw(
                st.lists(
                    st.tuples(st.sampled_from(STATUS_VALUES[:-1]), st.sampled_from(DATES[:7])),
                    max_size=3,
                )
            )
            ratings.sort(key=lambda r: parse_edtf(r[1]).lower)
            pledge = Pledge(
                by=draw(st.none() | st.sampled_from(list(people))),
                due=draw(st.none() | st.sampled_from(DATES).map(parse_edtf)),
                ratings=tuple(Rating(s, parse_edtf(d)) for s, d in ratings),
            )
        elif kind == "grant":
            grant = Grant(
                from_=draw(st.none() | st.sampled_from(list(agencies))),
                to=draw(st.none() | st.sampled_from(list(agencies))),
                purpose=draw(optional_text),
            )
        elif kind == "rollout":
            rollout = Rollout(
                agency=draw(st.none() | st.sampled_from(list(agencies))),
                unit=draw(optional_text),
                where=tuple(draw(st.lists(text_st, max_size=2))),
            )
        quotes = tuple(
            Quote(
                draw(text_st),
                by=draw(st.none() | st.sampled_from(list(people))),
                source=draw(st.none() | st.sampled_from(list(sources))),
            )
            for _ in range(draw(st.integers(0, 1)))
        )
        events.append(
            Event(
                f"e{n}",
                parse_edtf(draw(st.sampled_from(DATES))),
                kind,
                draw(text_st),
                summary=draw(optional_text),
                agencies=tuple(draw(st.lists(st.sampled_from(list(agencies)), max_size=2))),
                people=tuple(draw(st.lists(st.sampled_from(list(people)), max_size=2))),
                topics=tuple(draw(st.lists(st.sampled_from(list(topics)), max_size=2))),
                place=draw(optional_text),
                sources=tuple(draw(st.lists(st.sampled_from(list(sources)), max_size=2))),
                quotes=quotes,
                note=draw(optional_text),
                pledge=pledge,
                grant=grant,
                rollout=rollout,
            )
        )
    return Collection(
        title="random",
        agencies=agencies,
        people=people,
        topics=topics,
        sources=sources,
        events=events,
    )


def _q(value: str) -> str:
    return f'"{value}"' if (" " in value or "," in value or not value) else value


@st.composite
def terms(draw: st.DrawFn, collection: Collection) -> str:
    """One query term as text, drawn from what the log holds plus a few strangers."""
    sign = draw(st.sampled_from(["", "", "-"]))
    choice = draw(st.sampled_from(["word", "phrase", "field", "field"]))
    if choice == "word":
        word = draw(st.sampled_from(WORDS))
        start = draw(st.integers(0, len(word) - 1))
        end = draw(st.integers(start + 1, len(word)))
        return sign + word[start:end]
    if choice == "phrase":
        return sign + f'"{draw(text_st)}"'
    field = draw(
        st.sampled_from(
            ["agency", "person", "topic", "kind", "source", "status", "year", "from", "to", "id"]
        )
    )
    pools = {
        "agency": [v for a in collection.agencies.values() for v in (a.id, a.name, *a.aliases)],
        "person": [v for p in collection.people.values() for v in (p.id, p.name, *p.aliases)],
        "topic": [v for t in collection.topics.values() for v in (t.id, t.label)],
        "kind": [*KINDS, "Pledge", "Grant"],
        "source": [
            v for s in collection.sources.values() for v in (s.id, s.title, s.publisher) if v
        ],
        "status": list(STATUS_VALUES),
        "year": ["2016", "2017", "2018", "2019"],
        "from": DATES[:8],
        "to": DATES[:8],
        "id": [e.id for e in collection.events] + ["E0"],
    }
    pool = pools[field] + (["nobody"] if field not in ("status", "year", "from", "to") else [])
    values = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2))
    return f"{sign}{field}:{','.join(_q(v) for v in values)}"


@st.composite
def logs_and_queries(draw: st.DrawFn) -> tuple[Collection, str]:
    collection = draw(collections())
    parts = draw(st.lists(terms(collection), max_size=4))
    return collection, " ".join(parts)


# ------------------------------------------------------------ the reference evaluator


def _names(collection: Collection, field: str, value: str) -> set[str]:
    key = fold(value)
    if field == "agency":
        entries = [(a.id, [a.id, a.name, *a.aliases]) for a in collection.agencies.values()]
    elif field == "person":
        entries = [(p.id, [p.id, p.name, *p.aliases]) for p in collection.people.values()]
    elif field == "topic":
        entries = [(t.id, [t.id, t.label]) for t in collection.topics.values()]
    elif field == "kind":
        entries = [(k.id, [k.id, k.label]) for k in collection.kinds.values()]
    else:
        entries = [(s.id, [s.id, s.title, s.publisher]) for s in collection.sources.values()]
    return {i for i, names in entries if any(n and fold(n) == key for n in names)}


def _event_ids(event: Event, field: str) -> set[str]:
    if field == "agency":
        ids = set(event.agencies)
        if event.grant:
            ids |= {event.grant.from_, event.grant.to} - {None}
        if event.rollout and event.rollout.agency:
            ids.add(event.rollout.agency)
        return ids
    if field == "person":
        ids = set(event.people) | {q.by for q in event.quotes if q.by}
        if event.pledge and event.pledge.by:
            ids.add(event.pledge.by)
        return ids
    if field == "topic":
        return set(event.topics)
    if field == "kind":
        return {event.kind}
    ids = set(event.sources) | {q.source for q in event.quotes if q.source}
    if event.pledge:
        ids |= {e for r in event.pledge.ratings for e in r.evidence}
    return ids


def _strings(collection: Collection, event: Event) -> list[str]:
    out = [event.title, event.summary, event.place, event.note, *(q.text for q in event.quotes)]
    if event.grant:
        out.append(event.grant.purpose)
    if event.rollout:
        out += [event.rollout.unit, *event.rollout.where]
    if event.pledge:
        out += [r.note for r in event.pledge.ratings]
    out.append(collection.kinds[event.kind].label)
    for i in _event_ids(event, "agency"):
        out += [collection.agencies[i].name, *collection.agencies[i].aliases]
    for i in _event_ids(event, "person"):
        out += [collection.people[i].name, *collection.people[i].aliases]
    out += [collection.topics[i].label for i in event.topics]
    for i in _event_ids(event, "source"):
        out += [collection.sources[i].title, collection.sources[i].publisher]
    return [s for s in out if s]


def _statuses(event: Event, as_of: date) -> set[str]:
    if event.pledge is None:
        return set()
    status = "not-yet-rated"
    for rating in event.pledge.ratings:
        if rating.as_of.lower <= as_of:
            status = rating.status
    due = event.pledge.due
    overdue = due is not None and due.upper < as_of and status not in SETTLED_STATUSES
    return {status, "overdue"} if overdue else {status}


def _year(event: Event) -> str | None:
    if event.date.lower != date.min:
        return str(event.date.lower.year)
    if event.date.upper != date.max:
        return str(event.date.upper.year)
    return None


def _term_matches(collection: Collection, event: Event, field: str | None, value: str) -> bool:
    if field is None:
        return any(fold(value) in fold(s) for s in _strings(collection, event))
    if field == "status":
        return value.replace(" ", "-").lower() in _statuses(event, AS_OF)
    if field == "year":
        return _year(event) == str(int(value))
    if field == "from":
        return event.date.upper >= parse_edtf(value).lower
    if field == "to":
        return event.date.lower <= parse_edtf(value).upper
    if field == "id":
        return fold(event.id) == fold(value)
    return bool(_names(collection, field, value) & _event_ids(event, field))


def reference(collection: Collection, query: Query) -> list[int]:
    """The events ``query`` keeps, by a plain loop applying the rules directly."""
    kept = []
    for index, event in enumerate(collection.events):
        ok = True
        positive_fields: dict[str, bool] = {}
        for term in query.terms:
            hit = any(_term_matches(collection, event, term.field, v) for v in term.values)
            if term.negated:
                ok = ok and not hit
            elif term.field is None:
                ok = ok and hit
            else:
                positive_fields[term.field] = positive_fields.get(term.field, False) or hit
        if ok and all(positive_fields.values()):
            kept.append(index)
    return kept


# ------------------------------------------------------------------------ properties

query_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet='agencykindtopfrmstuy:"-, 2018é\t_X~?/.', max_size=40),
    st.lists(
        st.sampled_from(
            [
                "agency:",
                "kind:",
                "status:",
                "from:",
                "to:",
                "year:",
                '"',
                "-",
                ",",
                " ",
                "x",
                "2018",
                "zz:",
            ]
        ),
        max_size=8,
    ).map("".join),
)


@PARSER_SETTINGS
@given(query_text)
def test_parse_raises_only_query_errors(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert 0 <= error.start <= error.end <= len(text)
        assert error.message
    else:
        # The normalised form means the same query.
        assert parse_query(str(query)).terms == query.terms


def _engine(collection: Collection, paths: str) -> QueryEngine:
    """An engine whose size thresholds force one family of branches.

    The engine picks its method by size (few values or many, few events left or many,
    a value on many events or few); small random logs would only take the small-log
    branches. "small" keeps the defaults; "sparse" keeps every value's events as an
    index array; "large" also counts every facet by pairs and matches names the way
    it does when thousands of events are left.
    """
    if paths == "small":
        return QueryEngine(collection, as_of=AS_OF)
    saved = (_Facet.FEW_VALUES, _Postings.MIN_DENSE)
    _Postings.MIN_DENSE = 10**9
    if paths == "large":
        _Facet.FEW_VALUES = 0
    try:
        engine = QueryEngine(collection, as_of=AS_OF)
    finally:
        _Facet.FEW_VALUES, _Postings.MIN_DENSE = saved
    if paths == "large":
        for facet in engine.facets.values():
            facet.SMALL_RESULT = 0
        engine.FEW_REMAINING = 0
    return engine


@pytest.mark.parametrize("paths", ["small", "sparse", "large"])
@SETTINGS
@given(logs_and_queries())
def test_engine_agrees_with_the_reference(paths: str, case: tuple[Collection, str]) -> None:
    collection, text = case
    query = parse_query(text)
    assert _engine(collection, paths).run(query) == reference(collection, query)


@pytest.mark.parametrize("paths", ["small", "large"])
@SETTINGS
@given(logs_and_queries(), st.sampled_from(WORDS))
def test_narrowing_while_typing_matches_a_fresh_run(
    paths: str, case: tuple[Collection, str], word: str
) -> None:
    collection, text = case
    engine = _engine(collection, paths)
    typed = f"{text} " if text else ""
    for ch in word:
        typed += ch
        fresh = QueryEngine(collection, as_of=AS_OF)
        assert engine.run(typed) == fresh.run(typed), typed
    # Deleting back (the query widens) must not reuse a narrower result.
    while typed and not typed.endswith(" "):
        typed = typed[:-1]
        fresh = QueryEngine(collection, as_of=AS_OF)
        assert engine.run(typed) == fresh.run(typed), typed


@SETTINGS
@given(st.data())
def test_negation_is_the_complement(data: st.DataObject) -> None:
    collection = data.draw(collections())
    term = data.draw(terms(collection)).removeprefix("-")
    engine = QueryEngine(collection, as_of=AS_OF)
    kept = set(engine.run(term))
    assert set(engine.run(f"-{term}")) == set(range(len(collection.events))) - kept


@SETTINGS
@given(logs_and_queries(), st.data())
def test_toggle_twice_is_identity(case: tuple[Collection, str], data: st.DataObject) -> None:
    collection, text = case
    engine = QueryEngine(collection, as_of=AS_OF)
    field = data.draw(st.sampled_from(["agency", "person", "topic", "kind", "year", "status"]))
    value = data.draw(
        st.sampled_from(
            {
                "agency": list(collection.agencies),
                "person": list(collection.people),
                "topic": list(collection.topics),
                "kind": KINDS,
                "year": ["2017", "2018"],
                "status": list(STATUS_VALUES),
            }[field]
        )
    )
    once = engine.toggle_term(text, field, value)
    twice = engine.toggle_term(once, field, value)
    active_before = value in engine.active_ids(text, field)
    assert (value in engine.active_ids(once, field)) is not active_before
    if not active_before:
        assert twice.split() == text.split()
    assert engine.run(twice) == engine.run(text)
    # The plain function, comparing folded text, agrees on ids.
    assert toggle_term(toggle_term(text, field, value), field, value).split() == twice.split() or (
        active_before
    )


@pytest.mark.parametrize("paths", ["small", "sparse", "large"])
@SETTINGS
@given(logs_and_queries())
def test_facet_counts_are_what_toggling_gives(paths: str, case: tuple[Collection, str]) -> None:
    collection, text = case
    engine = _engine(collection, paths)
    for facet in ("agency", "topic", "kind", "person", "year", "status"):
        for fv in engine.facet_counts(text, facet):
            if fv.active or fv.excluded:
                continue
            # Adding an inactive value to the facet's positive terms: with no positive term
            # of the facet yet, the result is exactly what the count says.
            if not engine.active_ids(text, facet):
                assert len(engine.run(engine.toggle_term(text, facet, fv.value_id))) == fv.count
