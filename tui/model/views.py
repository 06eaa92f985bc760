"""Saved views: the log's ``views:`` and the user's own (``tui.model.user_config``), as one list.

One lookup for every face: ``--view ID`` on each command that takes a query, the ``v``
picker and the command palette in the TUI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tui.model.load.checks import did_you_mean, quote
from tui.model.log import Collection, View

LOG = "log"
YOURS = "yours"


@dataclass(frozen=True, slots=True)
class SavedView:
    """A view and where it comes from: ``"log"`` (the log's ``views:``) or ``"yours"``."""

    id: str
    label: str
    query: str
    origin: str


class ViewError(ValueError):
    """``--view ID`` names no view: the message says which there are."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def saved_views(collection: Collection | None, user_views: Mapping[str, View]) -> list[SavedView]:
    """The log's views in its order, then the user's. A user's view with the id of one of the
    log's is listed too (the picker shows both); :func:`find_view` prefers the user's."""
    views: list[SavedView] = []
    if collection is not None:
        views.extend(SavedView(v.id, v.label, v.query, LOG) for v in collection.views.values())
    views.extend(SavedView(v.id, v.label, v.query, YOURS) for v in user_views.values())
    return views


def find_view(view_id: str, views: Iterable[SavedView]) -> SavedView:
    """The view ``view_id`` (the user's when both have it), or :class:`ViewError`."""
    found: SavedView | None = None
    ids = []
    for view in views:
        ids.append(view.id)
        if view.id == view_id and (found is None or view.origin == YOURS):
            found = view
    if found is not None:
        return found
    if not ids:
        raise ViewError(
            f"no view {quote(view_id)}: neither the log nor your config names any views"
        )
    known = ", ".join(dict.fromkeys(ids))
    raise ViewError(f"no view {quote(view_id)}{did_you_mean(view_id, ids)} (the views: {known})")


def with_view(view: SavedView | None, query_text: str) -> str:
    """The query a command runs: the view's, narrowed by ``query_text`` (terms are AND-ed)."""
    if view is None:
        return query_text
    extra = query_text.strip()
    return f"{view.query} {extra}" if extra else view.query
