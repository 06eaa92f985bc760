"""Conformance: the 440 EDTF cases of python-edtf, edtf.js and the LoC specification
(``../shared/datasets/edtf-peer-cases/``, see its README), each classified as agree,
deliberate difference (a group below, with its reason) or disagree.

A case's expected verdict is the peer's, except that anything the specification (or, where
it is silent, the peer) puts above level 1 should be refused: watchline reads levels 0
and 1. Where the peer states bounds, accepted cases must have them too. There must be no
disagreement, every deliberate group must still match something, and the counts must be
the ones docs/dates.md gives.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.model.edtf import EDTFDate, EDTFError, parse_edtf

REPO = Path(__file__).resolve().parents[2]
# As tests/conftest.py: shared/ sits beside the repository (CI lays a copy there);
# WATCHLINE_SHARED points elsewhere.
SHARED = Path(os.environ.get("WATCHLINE_SHARED", REPO.parent / "shared"))
CASES_FILE = SHARED / "datasets" / "edtf-peer-cases" / "cases.json"
DOC = REPO / "docs" / "dates.md"


@dataclass(frozen=True)
class Outcome:
    case: dict[str, Any]
    date: EDTFDate | None  # None: refused
    message: str  # the refusal's message, or ""

    @property
    def text(self) -> str:
        return str(self.case["input"])


def _level(case: dict[str, Any]) -> int | None:
    # The specification's level where the data set knows it, else the peer's.
    level = case["loc_level"] if case["loc_level"] is not None else case["peer_level"]
    return None if level is None else int(level)


def _expected_accept(case: dict[str, Any]) -> bool:
    level = _level(case)
    return bool(case["peer_accepts"]) and (level is None or level <= 1)


def _bound(text: str | None) -> datetime.date | None:
    if text is None:
        return None
    if text == "-inf":
        return datetime.date.min
    if text == "inf":
        return datetime.date.max
    return datetime.date.fromisoformat(text)


def _agrees(outcome: Outcome) -> bool:
    case, date = outcome.case, outcome.date
    if (date is not None) != _expected_accept(case):
        return False
    if date is None:
        return True
    lower, upper = _bound(case["lower"]), _bound(case["upper"])
    if lower is not None and lower != date.lower:
        return False
    if upper is not None and upper != date.upper:
        return False
    flags = case["flags"]
    return not flags or (flags["approximate"], flags["uncertain"]) == (
        date.approximate,
        date.uncertain,
    )


def _refused_with(outcome: Outcome, fragment: str) -> bool:
    return outcome.date is None and fragment in outcome.message


@dataclass(frozen=True)
class Deliberate:
    name: str
    reason: str
    matches: Callable[[Outcome], bool]


_SEASON = re.compile(r"\d{4}-2[1-4]")
_NORTHERN = {21: (3, 5), 22: (6, 8), 23: (9, 11), 24: (12, 2)}


def _meteorological_season(outcome: Outcome) -> bool:
    date = outcome.date
    if date is None or not _SEASON.fullmatch(outcome.text):
        return False
    first, last = _NORTHERN[int(outcome.text[5:])]
    return (date.lower.month, date.upper.month) == (first, last)


def _unknown_end_open(outcome: Outcome) -> bool:
    date, text = outcome.date, outcome.text
    if date is None or not (text.startswith("/") or text.endswith("/")):
        return False
    if text.startswith("/"):
        return date.lower == datetime.date.min and _bound(outcome.case["lower"]) is not None
    return date.upper == datetime.date.max and _bound(outcome.case["upper"]) is not None


def _season_interval(outcome: Outcome) -> bool:
    date = outcome.date
    return (
        date is not None
        and date.is_interval
        and any(p is not None and p.precision == "season" for p in (date.start, date.end))
        and not outcome.case["peer_accepts"]
    )


# The written list of deliberate differences; docs/dates.md gives the same reasons.
DELIBERATE = [
    Deliberate(
        "years outside 1 to 9999",
        "Negative years, the year 0 and Y-prefixed long years (level 0/1 in the spec) are "
        "refused with 'only years 1 to 9999 are supported': Python's datetime.date holds "
        "years 1 to 9999, and an accountability log has no event outside them.",
        lambda o: _refused_with(o, "only years 1 to 9999 are supported"),
    ),
    Deliberate(
        "two-digit years",
        "edtf.js reads '19' and '00' as centuries (ISO 8601 reduced precision); the EDTF "
        "specification has no such form, and a bare two-digit number in a log is far more "
        "likely a slip. Centuries are written 19XX.",
        lambda o: o.date is None and re.fullmatch(r"-?\d\d", o.text) is not None,
    ),
    Deliberate(
        "24:00:00",
        "edtf.js accepts the ISO 8601 end-of-day 24:00:00; watchline refuses it and "
        "suggests the next day's 00:00:00, the same instant, so an event sits on one day.",
        lambda o: _refused_with(o, "24:00:00 is the next day's 00:00:00"),
    ),
    Deliberate(
        "interval with no known end",
        "'/' and '../..' are valid level 1 intervals but say nothing about when: an event "
        "dated so could not be placed on a timeline, so at least one end must be known.",
        lambda o: _refused_with(o, "an interval needs at least one known end"),
    ),
    Deliberate(
        "unknown interval end is open",
        "python-edtf puts an unknown end ('/2006', '2004-06-01/') ten years from the known "
        "one; the specification gives it no bound. watchline leaves it open (no bound), as "
        "for '..', and shows 'start unknown' / 'end unknown'.",
        _unknown_end_open,
    ),
    Deliberate(
        "season bounds",
        "The specification does not bound seasons. watchline uses the meteorological "
        "seasons of the northern hemisphere: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, "
        "winter Dec-Feb running into the next year. python-edtf ends winter on 31 December "
        "of its year; edtf.js uses quarters (21 = Jan-Mar, 24 = Oct-Dec).",
        _meteorological_season,
    ),
    Deliberate(
        "season intervals (an extension)",
        "watchline accepts a season as an end of an interval ('2012-21/2012-22'), as "
        "python-edtf does; edtf.js accepts it only with its non-standard seasonIntervals "
        "option. Any such interval whose end can fall before its start ('2018-24/2018-12', "
        "'2018/2018-23') is still refused.",
        _season_interval,
    ),
]


def _load_cases() -> list[dict[str, Any]]:
    # Fails, never skips, when the data set is missing: a silent skip would report a
    # conformance that was not measured.
    assert CASES_FILE.is_file(), (
        f"the EDTF peer cases are not at {CASES_FILE}: lay shared/ beside the repository "
        "or set WATCHLINE_SHARED"
    )
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    assert isinstance(cases, list)
    return cases


def _outcome(case: dict[str, Any]) -> Outcome:
    try:
        return Outcome(case, parse_edtf(case["input"]), "")
    except EDTFError as error:
        return Outcome(case, None, error.message)


def classify(outcome: Outcome) -> str:
    """'agree', the name of the deliberate group it falls in, or 'disagree'."""
    if _agrees(outcome):
        return "agree"
    for group in DELIBERATE:
        if group.matches(outcome):
            return group.name
    return "disagree"


def measured() -> tuple[Counter[str], list[Outcome]]:
    counts: Counter[str] = Counter()
    disagreements = []
    for case in _load_cases():
        outcome = _outcome(case)
        verdict = classify(outcome)
        counts[verdict] += 1
        if verdict == "disagree":
            disagreements.append(outcome)
    return counts, disagreements


def test_every_peer_case_agrees_or_differs_on_purpose() -> None:
    counts, disagreements = measured()
    assert sum(counts.values()) == 440
    assert not disagreements, "\n".join(
        f"{o.case['source']}: {o.text!r} ({'accepted' if o.date else 'refused: ' + o.message})"
        for o in disagreements
    )


def test_every_deliberate_group_still_matches_a_case() -> None:
    counts, _ = measured()
    unused = [group.name for group in DELIBERATE if not counts[group.name]]
    assert not unused, f"deliberate differences that no case shows any more: {unused}"


def _doc_counts() -> dict[str, int]:
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+?) \| (\d+) \|", text, flags=re.MULTILINE)
    return {name: int(count) for name, count in rows}


def test_docs_give_the_measured_counts_and_every_reason() -> None:
    counts, disagreements = measured()
    documented = _doc_counts()
    expected = {"agree": counts["agree"], "disagree": len(disagreements)}
    expected |= {group.name: counts[group.name] for group in DELIBERATE}
    expected["deliberate"] = sum(counts[group.name] for group in DELIBERATE)
    assert {k: documented.get(k) for k in expected} == expected, (
        "docs/dates.md: regenerate the table with `python tests/model/test_edtf_peer_cases.py`"
    )
    text = DOC.read_text(encoding="utf-8")
    for group in DELIBERATE:
        assert f"**{group.name}**" in text, (
            f"docs/dates.md does not give the reason for {group.name}"
        )


def table() -> str:
    """The Markdown table docs/dates.md holds (printed by running this file)."""
    counts, disagreements = measured()
    deliberate = sum(counts[group.name] for group in DELIBERATE)
    lines = ["| verdict | cases |", "| --- | --- |", f"| agree | {counts['agree']} |"]
    lines.append(f"| deliberate | {deliberate} |")
    lines += [f"| {group.name} | {counts[group.name]} |" for group in DELIBERATE]
    lines.append(f"| disagree | {len(disagreements)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
