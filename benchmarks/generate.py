"""Write a deterministic, realistic watchline log of N events for benchmarks and tests.

    python benchmarks/generate.py N SEED OUT.yaml

The same N and SEED always give the same bytes. The log looks like a state-wide record of
agency actions: hundreds of agencies, thousands of people and sources, every built-in kind,
the whole EDTF mix (days, months, years, approximate, uncertain, unspecified digits,
seasons, intervals, open ends), pledges with dated rating histories, grants, rollouts,
quotes and related links. It is emitted as text (strings through ``json.dumps``, which
YAML reads as double-quoted scalars), so writing 100k events takes seconds, not minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

STATES = ["CT", "NY", "NJ", "MA", "RI", "PA", "OH", "IL", "TX", "CA", "WA", "GA", "FL", "MI"]
CITIES = [
    "Bridgeport",
    "Hartford",
    "New Haven",
    "Stamford",
    "Waterbury",
    "Norwalk",
    "Danbury",
    "Springfield",
    "Albany",
    "Newark",
    "Providence",
    "Pittsburgh",
    "Columbus",
    "Austin",
    "Fresno",
    "Tacoma",
    "Macon",
    "Tampa",
    "Flint",
    "Trenton",
    "Camden",
    "Akron",
    "Toledo",
]
AGENCY_KINDS = ["local_police", "sheriff", "state_police", "state_agency", "federal", "council"]
FIRST = [
    "Ana",
    "Luis",
    "Maria",
    "James",
    "Keisha",
    "Wei",
    "Omar",
    "Rosa",
    "Dmitri",
    "Aisha",
    "José",
    "Zoë",
    "Nguyễn",
    "Siobhán",
    "Björn",
    "Chloé",
    "Mateo",
    "Priya",
    "Kwame",
    "Lena",
]
LAST = [
    "Perez",
    "Smith",
    "Johnson",
    "García",
    "Okafor",
    "Chen",
    "Kowalski",
    "Nguyen",
    "O'Brien",
    "Müller",
    "Haddad",
    "Santos",
    "Ivanova",
    "Brown",
    "Lopez",
    "Dubois",
]
ROLES = [
    "Chief of Police",
    "Mayor",
    "Sheriff",
    "Commissioner",
    "Council member",
    "Officer",
    "State's Attorney",
    "Organiser",
    "Pastor",
    "Reporter",
    "Resident",
]
TOPICS = {
    "use-of-force": "Use of force",
    "body-cameras": "Body cameras",
    "training": "Training",
    "accountability": "Accountability",
    "funding": "Funding",
    "legislation": "Legislation",
    "transparency": "Transparency",
    "mental-health": "Mental health response",
    "traffic-stops": "Traffic stops",
    "complaints": "Civilian complaints",
    "hiring": "Hiring",
    "budget": "Budget",
    "data": "Data and reporting",
    "youth": "Youth",
    "housing": "Housing",
    "schools": "School safety",
}
PUBLISHERS = [
    "The Hartford Courant",
    "CT Mirror",
    "News 12 Connecticut",
    "Associated Press",
    "WSHU",
    "CT Post",
    "NBC Connecticut",
    "City press office",
    "State of Connecticut",
]
KINDS = [
    "shooting",
    "incident",
    "meeting",
    "pledge",
    "grant",
    "rollout",
    "legislation",
    "investigation",
    "court",
    "statement",
    "report",
    "other",
    "audit",
]
KIND_WEIGHTS = [6, 14, 10, 10, 6, 5, 4, 8, 6, 12, 8, 3, 2]
STATUSES = ["not-yet-rated", "in-the-works", "stalled", "compromise", "kept", "broken"]
TITLE_VERBS = {
    "shooting": "Officer shoots man during traffic stop on {street}",
    "incident": "Use-of-force complaint filed after arrest on {street}",
    "meeting": "Community forum on policing at {venue}",
    "pledge": "{who} pledges {what}",
    "grant": "{agency} receives funding for {what}",
    "rollout": "{agency} issues {what} to patrol officers",
    "legislation": "Council votes on {what}",
    "investigation": "Internal affairs opens review of {street} arrest",
    "court": "Judge rules in lawsuit over {street} arrest",
    "statement": "{who} responds to questions about {what}",
    "report": "Annual report on {what} released",
    "other": "Records request on {what} answered",
    "audit": "Auditor reviews spending on {what}",
}
WHATS = [
    "body cameras",
    "de-escalation training",
    "crisis intervention teams",
    "a civilian review board",
    "use-of-force policy",
    "dashboard cameras",
    "implicit-bias training",
    "traffic-stop data",
    "a mental-health co-responder program",
    "complaint procedures",
    "early-warning systems",
    "community liaison officers",
]
STREETS = [
    "Main St",
    "Park Ave",
    "Fairfield Ave",
    "Elm St",
    "Broad St",
    "State St",
    "Washington Blvd",
    "Maple Ave",
    "Route 8",
    "Church St",
    "Bank St",
]
VENUES = [
    "the public library",
    "City Hall",
    "a church hall",
    "the high school",
    "a mosque",
    "the community center",
]


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def edtf_date(rng: random.Random, year: int) -> str:
    """A date from the EDTF mix, mostly days, like a real log."""
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.60:
        return f"{year}-{month:02d}-{day:02d}"
    if roll < 0.72:
        return f"{year}-{month:02d}"
    if roll < 0.77:
        return str(year)
    if roll < 0.82:
        return f"{year}-{month:02d}-{day:02d}~"
    if roll < 0.85:
        return f"{year}-{month:02d}?"
    if roll < 0.87:
        return f"{year}-{month:02d}%"
    if roll < 0.89:
        return f"{year}-{month:02d}-XX"
    if roll < 0.92:
        return f"{year}-{rng.randint(21, 24)}"
    if roll < 0.98:
        end_month = rng.randint(month, 12)
        return f"{year}-{month:02d}/{year}-{end_month:02d}"
    return f"{year}-{month:02d}/.."


def generate(n: int, seed: int, id_prefix: str = "") -> str:
    rng = random.Random(seed)
    n_agencies = max(20, min(800, n // 100))
    n_people = max(40, min(5000, n // 20))
    n_sources = max(60, min(20000, n // 5))
    out: list[str] = [
        "# yaml-language-server: $schema=watchline.schema.json",
        "# Generated by benchmarks/generate.py: synthetic, for benchmarks and tests only.",
        "watchline: 1",
        f"title: {q(f'Synthetic state-wide accountability log ({n} events, seed {seed})')}",
        f"description: {q('Generated data. No event here happened.')}",
        "agencies:",
    ]
    agencies = [f"ag{i:04d}" for i in range(n_agencies)]
    for i, agency in enumerate(agencies):
        city = CITIES[i % len(CITIES)]
        state = STATES[i % len(STATES)]
        kind = AGENCY_KINDS[i % len(AGENCY_KINDS)]
        label = {
            "local_police": "Police Department",
            "sheriff": "Sheriff's Office",
            "state_police": "State Police",
            "state_agency": "Department of Public Safety",
            "federal": "Federal Task Force",
            "council": "City Council",
        }[kind]
        name = f"{city} {label} {i}"
        alias = f"{city[:3].upper()}{i}"
        out.append(
            f"  {agency}: {{name: {q(name)}, kind: {kind}, jurisdiction: {q(f'{city}, {state}')}, "
            f"aliases: [{q(alias)}]}}"
        )
    out.append("people:")
    people = [f"p{i:05d}" for i in range(n_people)]
    for i, person in enumerate(people):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        out.append(
            f"  {person}: {{name: {q(name)}, role: {q(rng.choice(ROLES))}, "
            f"agency: {agencies[i % n_agencies]}}}"
        )
    out.append("topics:")
    for topic, label in TOPICS.items():
        out.append(f"  {topic}: {{label: {q(label)}}}")
    out.append("sources:")
    sources = [f"src{i:05d}" for i in range(n_sources)]
    for i, source in enumerate(sources):
        year = 2015 + i % 11
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append(
            f"  {source}: {{title: {q(f'Report {i} on {rng.choice(WHATS)}')}, "
            f"publisher: {q(rng.choice(PUBLISHERS))}, published: {published}, "
            f"url: {q(f'https://example.org/news/{year}/{i}')}}}"
        )
    out.append("kinds:")
    out.append(f"  audit: {{label: {q('Audit')}}}")
    out.append("events:")
    ids: list[str] = []
    for i in range(n):
        event_id = f"{id_prefix}e{i:06d}"
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        year = rng.randint(2015, 2025)
        own_agencies = rng.sample(agencies, rng.choice((1, 1, 1, 2, 3)))
        own_people = rng.sample(people, rng.choice((0, 1, 1, 2)))
        who = own_people[0] if own_people else people[i % n_people]
        title = TITLE_VERBS[kind].format(
            street=rng.choice(STREETS),
            venue=rng.choice(VENUES),
            what=rng.choice(WHATS),
            who=f"Official {who}",
            agency=f"Agency {own_agencies[0]}",
        )
        out.append(f"  - id: {event_id}")
        out.append(f"    date: {q(edtf_date(rng, year))}")
        out.append(f"    kind: {kind}")
        out.append(f"    title: {q(title)}")
        if rng.random() < 0.7:
            summary = (
                f"{title}. Residents of {rng.choice(CITIES)} asked about {rng.choice(WHATS)}; "
                f"officials said a decision on {rng.choice(WHATS)} would follow."
            )
            out.append(f"    summary: {q(summary)}")
        out.append(f"    agencies: [{', '.join(own_agencies)}]")
        if own_people:
            out.append(f"    people: [{', '.join(own_people)}]")
        out.append(f"    topics: [{', '.join(rng.sample(list(TOPICS), rng.randint(1, 3)))}]")
        if rng.random() < 0.5:
            out.append(f"    place: {q(f'{rng.choice(STREETS)}, {rng.choice(CITIES)}')}")
        own_sources = rng.sample(sources, rng.choice((1, 1, 2, 3)))
        out.append(f"    sources: [{', '.join(own_sources)}]")
        if rng.random() < 0.15:
            out.append(
                f"    quotes: [{{text: {q('We will look into it and report back.')}, "
                f"by: {who}, source: {own_sources[0]}}}]"
            )
        if ids and rng.random() < 0.2:
            out.append(
                f"    related: [{{event: {rng.choice(ids[-500:])}, why: {q('follows up')}}}]"
            )
        if kind == "pledge":
            due_year = min(year + rng.randint(0, 2), 2026)
            due = rng.choice(
                (
                    f"{due_year}-{rng.randint(1, 12):02d}",
                    str(due_year),
                    f"{due_year}-{rng.randint(1, 12):02d}-15~",
                    f"{due_year}-22",
                )
            )
            out.append("    pledge:")
            out.append(f"      by: {who}")
            out.append(f"      due: {q(due)}")
            out.append("      ratings:")
            out.append(f"        - {{status: not-yet-rated, as_of: {q(f'{year}-12-31')}}}")
            for step in range(rng.randint(0, 3)):
                status = rng.choice(STATUSES[1:])
                out.append(
                    f"        - {{status: {status}, as_of: {q(f'{year + step + 1}-06-30')}, "
                    f"evidence: [{rng.choice(sources)}]}}"
                )
        elif kind == "grant":
            amount = rng.randrange(10_000, 5_000_000, 1_000)
            out.append(
                f"    grant: {{amount: {amount}, currency: USD, from: {rng.choice(agencies)}, "
                f"to: {own_agencies[0]}, purpose: {q(rng.choice(WHATS))}}}"
            )
        elif kind == "rollout":
            out.append(
                f"    rollout: {{agency: {own_agencies[0]}, units: {rng.randint(10, 900)}, "
                f"unit: {q('body cameras')}, where: [{q(rng.choice(CITIES))}]}}"
            )
        ids.append(event_id)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of events")
    parser.add_argument("seed", type=int, help="random seed (same seed, same file)")
    parser.add_argument("out", type=Path, help="where to write the YAML log")
    parser.add_argument(
        "--id-prefix",
        default="",
        help="put this before every event id: files made with one seed and different"
        " prefixes share their registries and load together as one log (a folder of them)",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    args.out.write_text(generate(args.n, args.seed, args.id_prefix), encoding="utf-8")
    print(
        f"wrote {args.n} events to {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
