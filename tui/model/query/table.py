"""The facets, declared once: what the engine indexes, the facet panel lists, the palette
offers and the help names.

Each facet has a name (the query field it toggles), the heading people see, how an
event's values are found, and how a value is labelled (a name from the log's registries,
a fixed word, or the value itself). ``status`` and ``since`` have no values of their own: the engine
judges a pledge's status at its as-of date, and ``since`` comes from ``--since REV``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tui.model.log import Collection, Event
from tui.model.query.language import SINCE_LABELS, STATUS_LABELS
from tui.model.search_text import event_agency_ids, event_person_ids


def timeline_year(event: Event) -> tuple[str, ...]:
    """The year the timeline shows an event under, as a facet value (none if unbounded)."""
    lower, upper = event.date.lower, event.date.upper
    if lower != date.min:
        return (str(lower.year),)
    if upper != date.max:
        return (str(upper.year),)
    return ()


def _topics(event: Event) -> tuple[str, ...]:
    return tuple(dict.fromkeys(event.topics))


def _kind(event: Event) -> tuple[str, ...]:
    return (event.kind,)


def _registry_label(registry: str, attribute: str) -> Callable[[Collection, str], str]:
    """The label of a value that is an entry of ``registry``: its ``attribute``, else the id
    (an id the log uses but does not define)."""

    def label(collection: Collection, value_id: str) -> str:
        entry = getattr(collection, registry).get(value_id)
        return getattr(entry, attribute) if entry is not None else value_id

    return label


def _fixed_label(labels: dict[str, str]) -> Callable[[Collection, str], str]:
    return lambda collection, value_id: labels.get(value_id, value_id)


def _same(collection: Collection, value_id: str) -> str:
    return value_id  # a year is its own label


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """One facet: its query field, its heading, an event's values (None: computed), and
    the label people see for one of its values (untrusted text from the log)."""

    name: str
    heading: str
    values: Callable[[Event], tuple[str, ...]] | None
    label: Callable[[Collection, str], str]
    # The registry whose entries the palette offers as "Filter by NAME: ..." (None: none).
    palette: str | None = None


# In the order the facet panel shows them. "since" shows only with --since REV.
FACET_TABLE: tuple[FacetSpec, ...] = (
    FacetSpec("since", "Changed since", None, _fixed_label(SINCE_LABELS)),
    FacetSpec(
        "agency", "Agency", event_agency_ids, _registry_label("agencies", "name"), "agencies"
    ),
    FacetSpec("topic", "Topic", _topics, _registry_label("topics", "label"), "topics"),
    FacetSpec("kind", "Kind", _kind, _registry_label("kinds", "label")),
    FacetSpec("person", "Person", event_person_ids, _registry_label("people", "name")),
    FacetSpec("year", "Year", timeline_year, _same),
    FacetSpec("status", "Pledge status", None, _fixed_label(STATUS_LABELS)),
)
BY_NAME: dict[str, FacetSpec] = {spec.name: spec for spec in FACET_TABLE}
SINCE_FACET = "since"
# The facets every collection has (since is asked for by name).
FACETS: tuple[str, ...] = tuple(spec.name for spec in FACET_TABLE if spec.name != SINCE_FACET)
# The facets whose values are an event's own, indexed at construction.
INDEXED: tuple[FacetSpec, ...] = tuple(spec for spec in FACET_TABLE if spec.values is not None)


def facets_in_words() -> str:
    """The facets every log has by the fields a query names them with, as help and the
    palette list them: "agency, topic, kind, person, year or status"."""
    return ", ".join(FACETS[:-1]) + " or " + FACETS[-1]
