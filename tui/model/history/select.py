"""Narrowing the corrections trail with the usual query (``changes --filter``).

An event's change is kept when the query matches the event as it was before the commit
or as it is after it: a title corrected away from "body camera" still shows under
``"body camera"``, and an event moved out of ``agency:bpd`` still shows under it. Each
side is judged by the query engine over that version's registries (so ``agency:`` names
and aliases mean what they meant then). Registry entries are not events: a query keeps
none of their changes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from tui.model.history.walk import Revision
from tui.model.log import Collection, Event
from tui.model.query import Query, QueryEngine

__all__ = ["matching_ids", "narrow"]


def matching_ids(
    query: Query, events: Mapping[str, Event], log: Collection | None, as_of: datetime.date
) -> set[str]:
    """The ids of ``events`` that ``query`` keeps, named by ``log``'s registries."""
    if not events:
        return set()
    if query.is_empty:
        return set(events)
    names = log or Collection(title="")
    few = Collection(
        title=names.title,
        agencies=names.agencies, people=names.people, topics=names.topics,
        sources=names.sources, kinds=dict(names.kinds), events=list(events.values()),
    )  # fmt: skip
    engine = QueryEngine(few, as_of)
    return {few.events[i].id for i in engine.run(query)}


def narrow(revision: Revision, query: Query, as_of: datetime.date) -> Revision | None:
    """``revision`` with only the event changes ``query`` keeps (None when none is left).

    A revision whose log did not load is kept: the trail must say where it has a gap.
    """
    if revision.problems:
        return revision
    old_log, new_log = revision.logs
    kept = matching_ids(query, revision.before, old_log, as_of)
    kept |= matching_ids(query, revision.after, new_log, as_of)
    changes = [c for c in revision.changes if c.registry == "events" and c.id in kept]
    if not changes:
        return None
    return Revision(
        revision.commit, changes, [], revision.collection, revision.before, revision.after,
        revision.logs,
    )  # fmt: skip
