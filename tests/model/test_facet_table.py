"""One declarative facet table: each facet's label comes from its row, and the engine
(and through it the facet panel) reads it from there."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tests.model.test_query import AS_OF, _log
from tui.model.query import FACET_TABLE, FACETS, STATUS_LABELS, QueryEngine, table


@pytest.fixture(scope="module")
def engine() -> QueryEngine:
    return QueryEngine(_log(), as_of=AS_OF)


def test_every_facet_has_a_row_with_a_heading_and_a_label() -> None:
    assert {spec.name for spec in FACET_TABLE} == {*FACETS, "since"}
    assert all(spec.heading and callable(spec.label) for spec in FACET_TABLE)
    assert {spec.name: spec for spec in FACET_TABLE} == table.BY_NAME


@pytest.mark.parametrize(
    ("facet", "value", "label"),
    [
        ("agency", "bpd", "Bridgeport Police Department"),
        ("agency", "nobody", "nobody"),  # an id the log does not define: itself
        ("person", "perez", 'Armando "AJ" Pérez'),
        ("topic", "body-cameras", "Body cameras"),
        ("kind", "pledge", "Pledge"),
        ("year", "2017", "2017"),
        ("status", "in-the-works", STATUS_LABELS["in-the-works"]),
        ("since", "changed", "Changed"),
    ],
)
def test_labels_come_from_the_table(engine: QueryEngine, facet: str, value: str, label: str):
    assert engine.label(facet, value) == label
    assert table.BY_NAME[facet].label(engine.collection, value) == label


def test_facet_counts_carry_the_tables_labels(engine: QueryEngine) -> None:
    for facet in FACETS:
        spec = table.BY_NAME[facet]
        for value in engine.facet_counts("", facet):
            assert value.label == spec.label(engine.collection, value.value_id)


def test_a_changed_row_changes_the_label_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    shouting = dataclasses.replace(
        table.BY_NAME["agency"], label=lambda collection, value_id: value_id.upper()
    )
    monkeypatch.setitem(table.BY_NAME, "agency", shouting)
    engine = QueryEngine(_log(), as_of=date(2020, 6, 30))
    labels = {v.value_id: v.label for v in engine.facet_counts("", "agency")}
    assert labels["bpd"] == "BPD"


def test_help_and_the_palette_name_the_facets_from_the_table() -> None:
    words = table.facets_in_words()
    assert words == "agency, topic, kind, person, year or status"
    assert all(name in words for name in FACETS)
