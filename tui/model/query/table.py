"""The facets, declared once: what the engine indexes, the facet panel lists, the palette
offers and the help names.

Each facet has a name (the query field it toggles), the heading people see, and how an
event's values are found. ``status`` and ``since`` have no values of their own: the engine
judges a pledge's status at its as-of date, and ``since`` comes from ``--since REV``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tui.model.log import Event
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


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """One facet: its query field, its heading, and an event's values (None: computed)."""

    name: str
    heading: str
    values: Callable[[Event], tuple[str, ...]] | None


# In the order the facet panel shows them. "since" shows only with --since REV.
FACET_TABLE: tuple[FacetSpec, ...] = (
    FacetSpec("since", "Changed since", None),
    FacetSpec("agency", "Agency", event_agency_ids),
    FacetSpec("topic", "Topic", _topics),
    FacetSpec("kind", "Kind", _kind),
    FacetSpec("person", "Person", event_person_ids),
    FacetSpec("year", "Year", timeline_year),
    FacetSpec("status", "Pledge status", None),
)
SINCE_FACET = "since"
# The facets every collection has (since is asked for by name).
FACETS: tuple[str, ...] = tuple(spec.name for spec in FACET_TABLE if spec.name != SINCE_FACET)
# The facets whose values are an event's own, indexed at construction.
INDEXED: tuple[FacetSpec, ...] = tuple(spec for spec in FACET_TABLE if spec.values is not None)
