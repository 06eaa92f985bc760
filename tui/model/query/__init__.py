"""The query language and the engine that runs it: one filter for the TUI and the CLI.

The language (docs/design.md, "The query language")::

    agency:bpd topic:body-cameras kind:pledge,grant status:overdue person:perez
    from:2017-06 to:2018 "body camera" troop -kind:meeting

* Terms are AND-ed. Terms of one field are OR-ed (``kind:pledge kind:grant`` is the
  same as ``kind:pledge,grant``). A leading ``-`` negates a term; a ``-`` on its own is
  ignored so a pasted headline ("Perez - Bridgeport") still searches.
* A bare word or a "quoted phrase" matches any text of the event: title, summary, place,
  note, quotes, a grant's purpose, a rollout's unit and places, ratings' notes, the kind's
  label, the names and aliases of its agencies and people, its topics' labels, its
  sources' titles and publishers. Matching is on substrings, case- and accent-insensitive
  (``perez`` finds "Pérez"), so a word matches as it is being typed.
* ``field:value`` with values separated by commas and quoted when they hold spaces or
  commas (``agency:"Bridgeport Police Department"``). Quotes cannot be escaped, so a
  value never holds one. Field names are case-insensitive. Fields:

  ``agency`` ``person`` ``topic`` ``kind`` ``source``
      an id, a name, a label or an alias, compared folded and whole (``agency:BPD``).
      A value that names several things matches them all; one that names nothing
      matches nothing (:meth:`QueryEngine.unknown_values` lets a UI say so).
      An event's agencies include a grant's ends and a rollout's agency; its people
      include who made the pledge and who is quoted; its sources include quotes'
      sources and ratings' evidence.
  ``status``
      one of the pledge statuses (``status:"in the works"`` works too), or
      ``overdue``, judged at the engine's as-of date by :mod:`tui.model.pledges`.
      Only pledge events have a status; an overdue pledge also has its status.
  ``year``
      the event's timeline year: the year of its date's lower bound, where the timeline
      shows it (an interval open at the start uses its upper bound). The year facet
      counts the same way, so a facet count is what toggling it gives.
  ``from`` ``to``
      EDTF dates; overlap semantics: ``from:2017-06`` keeps events whose date's upper
      bound is on or after 1 June 2017, ``to:2018`` those whose lower bound is on or
      before 31 December 2018. ``from:2018 to:2018`` is every event touching 2018.
  ``id``
      an event id.
  ``since``
      ``new``, ``changed`` or ``unchanged``: the event against the log at ``--since REV``
      (see :meth:`QueryEngine.set_since`); with no such log it matches nothing.

:func:`parse_query` turns text into an immutable :class:`Query` or raises
:class:`QueryError` with the span of the mistake (an unknown field, with a "did you
mean"; a field with no value; an unterminated quote; a date that is not EDTF, with the
EDTF it probably meant; a year that is not one; an unknown status).

:class:`QueryEngine` indexes a collection once and answers :meth:`~QueryEngine.run` and
:meth:`~QueryEngine.facet_counts` from bitsets (Python ints, one bit per event): AND,
OR and popcount over 100k events take microseconds. Text is found by substring search
over each event's folded own text, in C (``map(operator.contains, ...)``), while
registry names are matched once per agency, person or source, not once per event. A
query that extends the previous one ("bod" after "bo") only looks at the previous
result. Measured figures: ``benchmarks/bench_query.py``.

The package: :mod:`.language` (the fields, :class:`Query`, :func:`parse_query`, errors and
suggestions, :func:`toggle_term`), :mod:`.table` (the facets, declared once), :mod:`.bits`
(bitsets, postings, facet indexes), :mod:`.text` (text search), :mod:`.facets` (facet
counts and labels) and :mod:`.engine` (:class:`QueryEngine`, which mixes the last two in).
"""

from typing import TYPE_CHECKING, Any

from tui.model.query.language import (
    FIELDS,
    SINCE_LABELS,
    STATUS_LABELS,
    STATUS_VALUES,
    FacetValue,
    Query,
    QueryError,
    Term,
    UnknownValue,
    parse_query,
    query_terms_for,
    toggle_term,
)
from tui.model.query.table import FACET_TABLE, FACETS, SINCE_FACET, FacetSpec

if TYPE_CHECKING:
    from tui.model.query.engine import QueryEngine

__all__ = [
    "FACETS",
    "FACET_TABLE",
    "FIELDS",
    "SINCE_FACET",
    "SINCE_LABELS",
    "STATUS_LABELS",
    "STATUS_VALUES",
    "FacetSpec",
    "FacetValue",
    "Query",
    "QueryEngine",
    "QueryError",
    "Term",
    "UnknownValue",
    "parse_query",
    "query_terms_for",
    "toggle_term",
]


def __getattr__(name: str) -> Any:
    """``QueryEngine`` is imported when first asked for: the language and the facet table
    are cheap, the engine (bitsets, text search, stored indexes, pledges) is not, and the
    app's first frame and the loader's view checks need only the former."""
    if name == "QueryEngine":
        from tui.model.query.engine import QueryEngine

        return QueryEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
