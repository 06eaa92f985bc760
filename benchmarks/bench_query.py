"""Time the query engine on a synthetic log built in memory (no YAML: only the engine).

    PYTHONPATH=. python benchmarks/bench_query.py [N] [SEED]

Builds N events (default 100,000) directly as ``tui.model.log`` objects, with the
vocabulary and proportions of ``benchmarks/generate.py`` (hundreds of agencies,
thousands of people and sources, every kind, the EDTF mix, pledges with ratings), then
prints the engine's build time and memory and, for each kind of query, the best of
several runs of ``run()`` and of facet counts for all six facets. Each figure is the
minimum over repeats, in milliseconds, measured with ``time.perf_counter``.
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


def best_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` calls, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("seed", type=int, nargs="?", default=1)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    collection = build_collection(args.n, args.seed)
    print(f"synthetic collection: {args.n:,} events in {time.perf_counter() - start:.1f} s")
    print(
        f"  {len(collection.agencies)} agencies, {len(collection.people)} people, "
        f"{len(collection.sources)} sources"
    )

    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    engine = QueryEngine(collection, as_of=AS_OF)
    build = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"engine build: {build * 1000:.0f} ms (under tracemalloc, which slows it)")
    print(f"engine memory: {current / 2**20:.1f} MiB held, {peak / 2**20:.1f} MiB peak")
    start = time.perf_counter()
    QueryEngine(collection, as_of=AS_OF)
    print(f"engine build (no tracemalloc): {(time.perf_counter() - start) * 1000:.0f} ms")

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
        "DESIGN.md example": (
            f"agency:{agency.id} topic:body-cameras kind:pledge,grant status:overdue "
            'from:2017-06 to:2024 "body camera"'
        ),
    }
    print()
    print(
        f"{'query':24} {'results':>8} {'parse':>7} {'run cold':>9} {'run warm':>9} {'6 facets':>9}"
    )
    for label, text in queries.items():
        engine._text_cache.clear()
        engine._date_cache.clear()
        query = parse_query(text)
        parse = best_ms(lambda text=text: parse_query(text))
        start = time.perf_counter()
        result = engine.run(query)
        cold = (time.perf_counter() - start) * 1000
        warm = best_ms(lambda query=query: engine.run(query))
        facets = best_ms(lambda query=query: engine.all_facet_counts(query, FACETS), repeat=3)
        print(f"{label:24} {len(result):8,} {parse:7.2f} {cold:9.2f} {warm:9.2f} {facets:9.2f}")

    print()
    print("facet counts one by one (empty query / under 'camera' / under kind:pledge):")
    for facet in FACETS:
        times = [
            best_ms(lambda facet=facet, q=q: engine.facet_counts(q, facet), repeat=3)
            for q in ("", "camera", "kind:pledge")
        ]
        print(f"  {facet:8} {times[0]:7.2f} {times[1]:7.2f} {times[2]:7.2f} ms")

    print()
    print("typing 'body cam' one key at a time (run + 6 facets per keystroke, as the TUI would):")
    engine._text_cache.clear()
    typed = ""
    for ch in "body cam":
        typed += ch
        if not typed.strip():
            continue
        start = time.perf_counter()
        query = parse_query(typed)
        result = engine.run(query)
        ran = time.perf_counter()
        engine.all_facet_counts(query, FACETS)
        done = time.perf_counter()
        print(
            f"  {typed!r:12} {len(result):7,} events  run {(ran - start) * 1000:6.2f} ms"
            f"  + facets {(done - ran) * 1000:6.2f} ms  = {(done - start) * 1000:6.2f} ms"
        )

    print()
    print("facet toggles on top of 'camera' (run + 6 facets):")
    text = "camera"
    engine.run(text)
    for field, value in (("kind", "pledge"), ("agency", agency.id), ("year", "2019")):
        text = engine.toggle_term(text, field, value)
        start = time.perf_counter()
        query = parse_query(text)
        result = engine.run(query)
        engine.all_facet_counts(query, FACETS)
        elapsed = (time.perf_counter() - start) * 1000
        print(f"  {text!r:40} {len(result):7,} events  {elapsed:6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
