"""Problems on the fast path are placed by parsing only their piece of the file, and read
exactly as the exact (ruamel) path reads and places them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.model.load as loader
import tui.model.load.positions as positions
from tui.model.load import Builder, parse_text
from tui.model.load import fast as fastload

REPO = Path(__file__).resolve().parents[2]
BUNDLED = (REPO / "data" / "ct-bodycams.yaml").read_text(encoding="utf-8")
LINES = BUNDLED.split("\n")
VALUES = ["not-a-date", "[1, 2]", "{a: 1}", "~", "123", "true", "2017-13-40", "'x'", "nobody"]


def exact(text: str) -> list[str]:
    parsed = parse_text(text, "log.yaml")
    if parsed.problems:
        return [str(problem) for problem in parsed.problems]
    assert parsed.tree is not None
    builder = Builder("log.yaml", parsed.locator)
    builder.build(parsed.tree)
    return [str(problem) for problem in builder.problems]


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(line=st.integers(0, len(LINES) - 1), value=st.sampled_from(VALUES))
def test_fast_problems_are_the_exact_paths(line: int, value: str) -> None:
    lines = list(LINES)
    key, colon, _ = lines[line].partition(":")
    if not colon or key.lstrip().startswith("#"):
        lines[line] += " x"
    else:
        lines[line] = f"{key}: {value}"
    text = "\n".join(lines)
    fast = fastload.build_fast(text, "log.yaml")
    if fast is None:
        return  # this text goes to the exact path anyway
    assert [str(problem) for problem in fast[1]] == exact(text)


def _log(events: int, broken: int | None) -> str:
    rows = ["watchline: 1", "title: T", "sources:", "  s1: {title: One}", "events:"]
    for index in range(events):
        date = "not-a-date" if index == broken else "2017-05-09"
        rows += [
            f"  - id: e{index}",
            f"    date: {date}",
            "    kind: other",
            f"    title: Event {index}",
            "    sources: [s1]",
        ]
    return "\n".join(rows) + "\n"


def test_a_problem_is_placed_without_parsing_the_whole_file(monkeypatch: pytest.MonkeyPatch):
    text = _log(2_000, broken=1_500)
    parsed: list[int] = []
    real = positions.parse_text

    def counting(piece: str, file: str, progress=None):  # type: ignore[no-untyped-def]
        parsed.append(len(piece))
        return real(piece, file, progress)

    monkeypatch.setattr(positions, "parse_text", counting)
    found = fastload.build_fast(text, "log.yaml")
    assert found is not None
    part, problems = found
    assert [str(problem) for problem in problems] == [
        f"log.yaml:{5 + 1_500 * 5 + 2}:11: error: 'date': not an EDTF date: 'not-a-date' "
        "(write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2017-05-09)"
    ]
    assert len(part.events) == 1_999
    assert sum(parsed) < len(text) // 100  # one event's lines, not 2,000 events'


def test_a_duplicate_id_across_the_file_is_placed_by_pieces(monkeypatch: pytest.MonkeyPatch):
    text = _log(1_000, broken=None).replace("id: e900\n", "id: e10\n")
    result = loader.load_text(text, "log.yaml")
    part = result[0]
    assert part is not None and result[1] == []
    merged_problems: list[loader.Problem] = []
    loader.merge_parts([part], merged_problems)
    assert [str(problem) for problem in merged_problems] == [
        f"log.yaml:{5 + 900 * 5 + 1}:9: error: duplicate event id 'e10' "
        f"(first at log.yaml:{5 + 10 * 5 + 1}:5)"
    ]
