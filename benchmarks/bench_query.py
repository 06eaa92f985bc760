"""Time the query engine on a synthetic log built in memory (no YAML: only the engine).

    PYTHONPATH=. python benchmarks/bench_query.py [N] [SEED]

Builds N events (default 100,000) directly as ``tui.model.log`` objects, with the
vocabulary and proportions of ``benchmarks/generate.py`` (hundreds of agencies,
thousands of people and sources, every kind, the EDTF mix, pledges with ratings), then
prints the engine's build time and memory and, for each kind of query, the best of
several runs of ``run()`` and of facet counts for all six facets. Each figure is the
minimum over repeats, in milliseconds, measured with ``time.perf_counter`` (wall time), or
with ``--cpu`` by ``time.process_time`` (this process's CPU time: on a shared, loaded
machine that is closer to what an idle one would show than wall time is).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import generate as vocab

from tui.model.edtf import parse_edtf
from tui.model.log import (
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
from tui.model.query import FACETS, QueryEngine, parse_query

AS_OF = date(2024, 6, 1)


def build_collection(n: int, seed: int) -> Collection:
    """A deterministic collection of ``n`` events shaped like benchmarks/generate.py's logs."""
    rng = random.Random(seed)
    n_agencies = max(20, min(800, n // 100))
    n_people = max(40, min(5000, n // 20))
    n_sources = max(60, min(20000, n // 5))
    agencies: dict[str, Agency] = {}
    for i in range(n_agencies):
        city = vocab.CITIES[i % len(vocab.CITIES)]
        label = ["Police Department", "Sheriff's Office", "State Police", "City Council"][i % 4]
        agencies[f"ag{i:04d}"] = Agency(
            f"ag{i:04d}", f"{city} {label} {i}", aliases=(f"{city[:3].upper()}{i}",)
        )
    agency_ids = list(agencies)
    people: dict[str, Person] = {}
    for i in range(n_people):
        name = f"{rng.choice(vocab.FIRST)} {rng.choice(vocab.LAST)}"
        people[f"p{i:05d}"] = Person(
            f"p{i:05d}", name, role=rng.choice(vocab.ROLES), agency=agency_ids[i % n_agencies]
        )
    person_ids = list(people)
    topics = {t: Topic(t, label) for t, label in vocab.TOPICS.items()}
    sources = {
        f"src{i:05d}": Source(
            f"src{i:05d}",
            f"Report {i} on {rng.choice(vocab.WHATS)}",
            publisher=rng.choice(vocab.PUBLISHERS),
        )
        for i in range(n_sources)
    }
    source_ids = list(sources)
    kinds = [k for k in vocab.KINDS if k != "audit"]
    weights = vocab.KIND_WEIGHTS[: len(kinds)]
    events: list[Event] = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        year = rng.randint(2015, 2025)
        own_agencies = tuple(rng.sample(agency_ids, rng.choice((1, 1, 1, 2, 3))))
        own_people = tuple(rng.sample(person_ids, rng.choice((0, 1, 1, 2))))
        who = own_people[0] if own_people else person_ids[i % n_people]
        title = vocab.TITLE_VERBS[kind].format(
            street=rng.choice(vocab.STREETS),
            venue=rng.choice(vocab.VENUES),
            what=rng.choice(vocab.WHATS),
            who=people[who].name,
            agency=agencies[own_agencies[0]].name,
        )
        summary = None
        if rng.random() < 0.7:
            summary = (
                f"{title}. Residents of {rng.choice(vocab.CITIES)} asked about "
                f"{rng.choice(vocab.WHATS)}; officials said a decision on "
                f"{rng.choice(vocab.WHATS)} would follow."
            )
        own_sources = tuple(rng.sample(source_ids, rng.choice((1, 1, 2, 3))))
        quotes: tuple[Quote, ...] = ()
        if rng.random() < 0.15:
            quotes = (Quote("We will look into it and report back.", who, own_sources[0]),)
        pledge = grant = rollout = None
        if kind == "pledge":
            due_year = min(year + rng.randint(0, 2), 2026)
            ratings = [Rating("not-yet-rated", parse_edtf(f"{year}-12-31"))]
            for step in range(rng.randint(0, 3)):
                ratings.append(
                    Rating(
                        rng.choice(vocab.STATUSES[1:]),
                        parse_edtf(f"{year + step + 1}-06-30"),
                        evidence=(rng.choice(source_ids),),
                    )
                )
            pledge = Pledge(who, parse_edtf(f"{due_year}-{rng.randint(1, 12):02d}"), tuple(ratings))
        elif kind == "grant":
            grant = Grant(
                Decimal(rng.randrange(10_000, 5_000_000, 1_000)),
                from_=rng.choice(agency_ids),
                to=own_agencies[0],
                purpose=rng.choice(vocab.WHATS),
            )
        elif kind == "rollout":
            rollout = Rollout(
                own_agencies[0], rng.randint(10, 900), "body cameras", (rng.choice(vocab.CITIES),)
            )
        events.append(
            Event(
                f"e{i:06d}",
                parse_edtf(vocab.edtf_date(rng, year)),
                kind,
                title,
                summary=summary,
                agencies=own_agencies,
                people=own_people,
                topics=tuple(rng.sample(list(topics), rng.randint(1, 3))),
                place=f"{rng.choice(vocab.STREETS)}, {rng.choice(vocab.CITIES)}"
                if rng.random() < 0.5
                else None,
                sources=own_sources,
                quotes=quotes,
                pledge=pledge,
                grant=grant,
                rollout=rollout,
            )
        )
    return Collection(
        title="Synthetic",
        agencies=agencies,
        people=people,
        topics=topics,
        sources=sources,
        events=events,
    )


clock: Callable[[], float] = time.perf_counter


def forget(engine: QueryEngine, text: bool = True) -> None:
    """Empty the engine's caches, so a repeat measures the work and not a cache hit.

    ``text=False`` keeps the text matches, as while toggling facets under one search.
    """
    if text:
        engine._text_cache.clear()
        engine._needle_cache.clear()
    engine._date_cache.clear()
    engine._plans.clear()
    engine._count_cache.clear()
    engine._last_flags = (-1, b"")


def facets_ms(engine: QueryEngine, query: object, facets: tuple[str, ...] = FACETS) -> float:
    """Best of 3 for counting ``facets`` under ``query``, counts not cached."""

    def count() -> None:
        forget(engine, text=False)
        engine.all_facet_counts(query, facets)

    engine.run(query)  # the query's own text matches, as the TUI has them by now
    return best_ms(count, repeat=3)


def best_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("seed", type=int, nargs="?", default=1)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not wall clock")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"clock: {'CPU time (process_time)' if args.cpu else 'wall time (perf_counter)'}")

    start = clock()
    collection = build_collection(args.n, args.seed)
    print(f"synthetic collection: {args.n:,} events in {clock() - start:.1f} s")
    print(
        f"  {len(collection.agencies)} agencies, {len(collection.people)} people, "
        f"{len(collection.sources)} sources"
    )

    gc.collect()
    tracemalloc.start()
    start = clock()
    engine = QueryEngine(collection, as_of=AS_OF)
    build = clock() - start
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"engine build: {build * 1000:.0f} ms (under tracemalloc, which slows it)")
    print(f"engine memory: {current / 2**20:.1f} MiB held, {peak / 2**20:.1f} MiB peak")
    start = clock()
    QueryEngine(collection, as_of=AS_OF)
    print(f"engine build (no tracemalloc): {(clock() - start) * 1000:.0f} ms")

    # As the app should after loading: move the log and the indexes out of the cyclic
    # GC's reach. Without it a full collection (hundreds of ms over a 100k-event heap)
    # lands on a random keystroke.
    gc.collect()
    gc.freeze()
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    agency = next(iter(collection.agencies.values()))
    person = next(iter(collection.people.values()))
    queries = {
        "empty query": "",
        "one agency": f"agency:{agency.id}",
        "agency by name": f'agency:"{agency.name}"',
        "kind OR": "kind:pledge,grant",
        "negated kind": "-kind:meeting",
        "status:overdue": "status:overdue",
        "from/to overlap": "from:2018-06 to:2019",
        "rare word (cold)": "zzqx",
        "common word (cold)": "camera",
        "phrase (cold)": '"civilian review board"',
        "person + text": f"person:{person.id} forum",
        "design.md example": (
            f"agency:{agency.id} topic:body-cameras kind:pledge,grant status:overdue "
            'from:2017-06 to:2024 "body camera"'
        ),
    }
    print()
    print(
        f"{'query':24} {'results':>8} {'parse':>7} {'run cold':>9} {'run warm':>9} {'6 facets':>9}"
    )
    for label, text in queries.items():
        forget(engine)
        query = parse_query(text)
        parse = best_ms(lambda text=text: parse_query(text))
        start = clock()
        result = engine.run(query)
        cold = (clock() - start) * 1000
        warm = best_ms(lambda query=query: engine.run(query))
        facets = facets_ms(engine, query)
        print(f"{label:24} {len(result):8,} {parse:7.2f} {cold:9.2f} {warm:9.2f} {facets:9.2f}")

    print()
    print("facet counts one by one (empty query / under 'camera' / under kind:pledge):")
    for facet in FACETS:
        times = [facets_ms(engine, q, (facet,)) for q in ("", "camera", "kind:pledge")]
        print(f"  {facet:8} {times[0]:7.2f} {times[1]:7.2f} {times[2]:7.2f} ms")

    print()
    print("typing 'body cam' one key at a time: run + all six facets per keystroke, as the TUI")
    print("does; each step the best of 5 replays of the whole sequence (caches cleared first)")
    steps = [("body cam"[:k]) for k in range(1, 9) if "body cam"[:k].strip()]
    best_run = dict.fromkeys(steps, float("inf"))
    best_facets = dict.fromkeys(steps, float("inf"))
    results: dict[str, int] = {}
    for _ in range(5):
        forget(engine)
        for typed in steps:
            start = clock()
            query = parse_query(typed)
            results[typed] = len(engine.run(query))
            ran = clock()
            engine.all_facet_counts(query, FACETS)
            done = clock()
            best_run[typed] = min(best_run[typed], ran - start)
            best_facets[typed] = min(best_facets[typed], done - ran)
    for typed in steps:
        run_ms, facet_ms = best_run[typed] * 1000, best_facets[typed] * 1000
        print(
            f"  {typed!r:12} {results[typed]:7,} events  run {run_ms:6.2f} ms"
            f"  + facets {facet_ms:6.2f} ms  = {run_ms + facet_ms:6.2f} ms"
        )

    print()
    print("facet toggles on top of 'camera' (run + all six facets; best of 5):")
    text = "camera"
    engine.run(text)
    for field, value in (("kind", "pledge"), ("agency", agency.id), ("year", "2019")):
        text = engine.toggle_term(text, field, value)
        query = parse_query(text)
        count = len(engine.run(query))

        def toggle(query=query) -> None:
            forget(engine, text=False)  # the text stays matched, as while toggling
            engine.run(query)
            engine.all_facet_counts(query, FACETS)

        print(f"  {text!r:45} {count:7,} events  {best_ms(toggle):6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
