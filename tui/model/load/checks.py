"""The checks one value of a log gets, shared by the builder: text, ids, amounts, data.

Each check records a :class:`~tui.model.problems.Problem` at the value's position and
returns :data:`INVALID` (or False) instead of raising.
"""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from tui.model.format import (
    NOUNS,
    SLUG,
    SLUG_LIMIT,
    TEXT_LIMITS,
)
from tui.model.load.guards import char_name
from tui.model.load.tree import Locator
from tui.model.problems import Problem
from tui.model.text import LOG_CONTROL


def describe(value: Any) -> str:
    """What a value is, in a reader's words, for "must be X, got Y"."""
    if value is None:
        return "nothing (the value is empty: remove the line or give it a value)"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def quote(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, cut short if long (Problem makes it printable)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {quote(close[0])}?" if close else ""


# Ids a message can show as an example, by registry.
EXAMPLE_IDS = {
    "agencies": "bpd",
    "people": "perez",
    "topics": "body-cameras",
    "sources": "news12-2017-12-01",
    "kinds": "meeting",
    "events": "negron-shooting",
}

# Quoting fixes these: YAML read the value as something other than text.
QUOTE_HINT = " (put it in quotes to make it text)"


INVALID = object()

TreePath = tuple[str | int, ...]


class Checks:
    """The checks of single values in one file, each placing its problem by the locator.

    Knows nothing of YAML: positions come from the :class:`Locator`, asked only when a
    problem needs placing.
    """

    def __init__(self, file: str, locator: Locator) -> None:
        self.file = file
        self.locator = locator
        self.problems: list[Problem] = []
        self.problem_paths: list[TreePath] = []  # where each problem is, in the tree

    # ---- problems

    def problem(self, path: TreePath, message: str, *, at_key: bool = False) -> None:
        self.problem_paths.append(path)
        locate = self.locator.locate_key if at_key else self.locator.locate
        line, col = locate(path)
        self.problems.append(Problem(self.file, line, col, message))

    def printable(self, text: str, path: TreePath) -> bool:
        """Refuse text holding control characters (a faster parser may pass them on)."""
        bad = LOG_CONTROL.search(text)
        if bad is None:
            return True
        self.problem(
            path,
            f"text holds control character {char_name(bad.group())}; "
            "a log holds only printable text",
        )
        return False

    def fits(self, text: str, path: TreePath, limit: int, what: str) -> bool:
        """Refuse text longer than ``limit`` characters (``tui.model.format.TEXT_LIMITS``)."""
        if len(text) <= limit:
            return True
        self.problem(
            path, f"{what} is {len(text):,} characters long; at most {limit:,} are allowed"
        )
        return False

    def text_key(self, key: Any, path: TreePath) -> bool:
        """Keys are text; a parser other than ours may hand over numbers or dates."""
        if isinstance(key, str):
            return self.printable(key, path)
        self.problem(path, f"a key must be text, got {describe(key)}{QUOTE_HINT}", at_key=True)
        return False

    # ---- the file

    def slug(self, value: Any, path: TreePath, what: str, registry: str | None = None) -> Any:
        """An id (``registry`` None: it must be a slug) or a reference into ``registry``.

        ``what`` names the value in a message: "'id'", "'agency'", "an item of 'people'".
        """
        if not isinstance(value, str):
            noun = NOUNS.get(registry or "", "event")
            article = "an" if noun[0] in "aeiou" else "a"
            hint = QUOTE_HINT if isinstance(value, bool | int | float | datetime.date) else ""
            self.problem(
                path,
                f"{what} must be {article} {noun} id (a lowercase slug such as "
                f"{EXAMPLE_IDS.get(registry or '', 'negron-shooting')}), "
                f"got {describe(value)}{hint}",
            )
            return INVALID
        if not self.fits(value, path, SLUG_LIMIT, what):
            return INVALID
        if registry is None and not SLUG.match(value):
            self.problem(
                path,
                f"event id {quote(value)} must be a lowercase slug: a-z, 0-9, '-' and '_', "
                "starting with a letter or digit",
            )
            return INVALID
        return value

    def amount(self, value: Any, path: TreePath, name: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = " (write the number alone, e.g. 895000)" if isinstance(value, str) else ""
            self.problem(path, f"{name} must be a number, got {describe(value)}{hint}")
            return INVALID
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, f"{name} must be a finite number")
            return INVALID
        try:
            amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        except InvalidOperation:  # pragma: no cover - repr of a finite float is valid
            self.problem(path, f"{name} is not a number")
            return INVALID
        if amount < 0:
            self.problem(path, f"{name} must not be negative, got {value!r}")
            return INVALID
        return amount

    def data(self, value: Any, path: TreePath, name: str) -> Any:
        if not isinstance(value, dict):
            self.problem(path, f"{name} must be a mapping of name: value, got {describe(value)}")
            return INVALID
        out: dict[str, str | int | float | bool] = {}
        ok = True
        for key, item in value.items():
            if not self.text_key(key, (*path, key)):
                ok = False
                continue
            if isinstance(item, datetime.date):
                item = item.isoformat()
            if isinstance(item, str) and not (
                self.fits(key, (*path, key), TEXT_LIMITS["*"], f"a name in {name}")
                and self.fits(item, (*path, key), TEXT_LIMITS["*"], f"{name} value {quote(key)}")
                and self.printable(item, (*path, key))
            ):
                ok = False
                continue
            if not isinstance(item, str | int | float | bool):
                self.problem(
                    (*path, key),
                    f"{name} values must be text, numbers or true/false, got {describe(item)} for {quote(key)}",
                )
                ok = False
                continue
            out[key] = item
        return out if ok else INVALID
