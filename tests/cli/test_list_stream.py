"""`list -F json` streams: an event a line, written in pieces, and the query engine built
only when there is a filter."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.generated import generated_log
from tui.cli import main
from tui.formats import Selection
from tui.formats.json_format import event_record, render_events, stream_events
from tui.model.load import load_paths
from tui.model.query import QueryEngine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_log(tmp_path_factory.mktemp("stream"), 1300, 2)


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    built: list[int] = []
    real = QueryEngine.__init__

    def spy(self: QueryEngine, *args: object, **kwargs: object) -> None:
        built.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(QueryEngine, "__init__", spy)
    return built


def test_json_is_an_array_an_event_a_line_streamed_in_pieces(
    generated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    real_write = sys.stdout.write

    def counting(text: str) -> int:
        writes.append(len(text))
        return real_write(text)

    built = _no_engine(monkeypatch)
    monkeypatch.setattr(sys.stdout, "write", counting)
    assert main(["list", str(generated), "-F", "json", "--as-of", "2020-06-30"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == 1300 + 2
    records = json.loads(out)
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records
    collection = load_paths([generated]).collection
    assert collection is not None
    selection = Selection(collection, tuple(range(1300)), date(2020, 6, 30))
    assert records == [event_record(e, selection) for e in collection.events]
    assert built == []  # no filter: no indexes
    assert len(writes) >= 3  # 1,300 events in pieces of 512, each written as made


def test_a_filter_builds_the_engine_and_narrows(
    generated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _no_engine(monkeypatch)
    code = main(["list", str(generated), "-F", "json", "-f", "kind:pledge"])
    records = json.loads(capsys.readouterr().out)
    assert code == 0 and built == [1]
    assert records and all(r["kind"] == "pledge" for r in records)


def test_an_empty_selection_is_an_empty_array(generated: Path) -> None:
    collection = load_paths([generated]).collection
    assert collection is not None
    selection = Selection(collection, (), date(2020, 6, 30))
    assert render_events(selection) == "[]\n"
    assert json.loads("".join(stream_events(selection))) == []


def test_a_file_gets_the_same_bytes_as_a_pipe(
    generated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert main(["list", str(generated), "-F", "json", "-o", str(out)]) == 0
    assert main(["list", str(generated), "-F", "json"]) == 0
    assert out.read_text(encoding="utf-8") == capsys.readouterr().out
