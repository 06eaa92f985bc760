"""The user's keymap (``keymap:`` in config.yaml) checked against the app's real bindings.

Every binding of watchline carries an id (``app.search``, ``timeline.down``,
``pledges.sort``); Textual's own keymap support (``App.set_keymap``) swaps the keys of a
binding by its id, so the footer and the help, which read the bindings, show the user's
keys with nothing more to do. What Textual does not do is say when an entry is wrong: an
unknown id or a key name Textual would never send is ignored in silence there. Here each
is a :class:`~tui.model.problems.Problem` at its line, and left out.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import REPLACED_KEYS, Keys, key_to_character

from tui.model.load.checks import did_you_mean, quote
from tui.model.problems import Problem
from tui.model.user_config import KeymapEntry, UserConfig

# Where the app's bindings are defined (the screens are imported when first opened, so
# their classes are found by importing these, not by what happens to be loaded).
BINDING_MODULES = (
    "tui.app.app",
    "tui.app.overlays",
    "tui.app.widgets.timeline",
    "tui.app.widgets.query_bar",
    "tui.app.widgets.facets",
    "tui.app.widgets.detail",
    "tui.app.widgets.problems_panel",
    "tui.app.screens.help",
    "tui.app.screens.history",
    "tui.app.screens.pledge_board",
    "tui.app.screens.rate_form",
    "tui.app.screens.view_picker",
)
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Names Textual gives keys that are not characters: enter, escape, f1, pageup, ...
_NAMED_KEYS = frozenset(key.value for key in Keys) | {"space", "backspace", "tab", "enter"}


def binding_ids(modules: Iterable[str] = BINDING_MODULES) -> dict[str, Binding]:
    """Every binding id the app defines, with its binding (the first found for an id)."""
    for name in modules:
        importlib.import_module(name)
    found: dict[str, Binding] = {}
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("tui."):
            continue
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            if binding.id is not None:
                found.setdefault(binding.id, binding)
    return found


@functools.cache
def _default_keys() -> dict[str, str]:
    return {binding_id: binding.key for binding_id, binding in binding_ids().items()}


def active_keys(binding_id: str, keymap: Mapping[str, str]) -> list[str]:
    """The keys that run the binding ``binding_id``: the user's (``keymap``, as
    :func:`apply_user_keymap` gave it to Textual), else the binding's own."""
    keys = keymap.get(binding_id) or _default_keys()[binding_id]
    return [key.strip() for key in keys.split(",")]


def key_problem(key: str) -> str | None:
    """Why ``key`` (one key, as a keymap writes it: ctrl+f, j, question_mark, ?) is not one
    Textual can send, or None when it is."""
    if not key:
        return "an empty key (two commas, or one at the end)"
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"unknown modifier {modifier!r} (the modifiers: ctrl, shift, alt, meta, super)"
    if (len(name) == 1 and name.isprintable() and not name.isspace()) or name in _NAMED_KEYS:
        return None
    # A character by its name, as Textual spells it: question_mark, slash, less_than_sign.
    if key_to_character(REPLACED_KEYS.get(name, name)) is not None:
        return None
    return f"unknown key {name!r} (write a character, or a name such as enter, f5, pageup)"


def spelled(key: str) -> str:
    """A key as Textual names it: modifiers and key names in lower case (``Ctrl+F1`` is
    ``ctrl+f1``), a single character as it is (``G`` is shift+g, not ``g``)."""
    *modifiers, name = key.strip().split("+") if key.strip() != "+" else ["+"]
    if len(name) > 1:
        name = name.lower()
    return "+".join([*(m.lower() for m in modifiers), name])


def checked_keymap(
    entries: Iterable[KeymapEntry], known: dict[str, Binding]
) -> tuple[dict[str, str], list[Problem]]:
    """The keymap to give ``App.set_keymap`` and a problem for each entry left out."""
    keymap: dict[str, str] = {}
    problems: list[Problem] = []
    for entry in entries:
        at = entry.location
        keys = [spelled(key) for key in entry.keys.split(",")]
        why = next((why for key in keys if (why := key_problem(key)) is not None), None)
        if entry.binding_id not in known:
            hint = did_you_mean(entry.binding_id, known)
            why = f"no key binding has the id {quote(entry.binding_id)}{hint}"
        elif why is not None:
            why = f"{quote(entry.keys)} for {entry.binding_id}: {why}"
        if why is not None:
            problems.append(Problem(at.file, at.line, at.col, f"{why}; this line is skipped"))
            continue
        keymap[entry.binding_id] = ",".join(keys)
    return keymap, problems


def apply_user_keymap(app: App[Any], config: UserConfig) -> tuple[dict[str, str], list[Problem]]:
    """Give the app the user's keymap, less its bad entries; say what in the config was
    skipped (a bad view too), once, in a notification. Returns the keymap given to the app
    (for :func:`active_keys`) and every problem."""
    problems = list(config.problems)
    keymap: dict[str, str] = {}
    if config.keymap:
        keymap, bad = checked_keymap(config.keymap, binding_ids())
        problems.extend(bad)
        if keymap:
            app.set_keymap(keymap)
    if problems:
        count = len(problems)
        more = f" (and {count - 1} more)" if count > 1 else ""
        where = f"{problems[0].file}:{problems[0].line}:{problems[0].col}"
        app.notify(
            f"{where}: {problems[0].message}{more}",
            title="Your config: skipped what it could not use",
            severity="warning",
            timeout=10,
            markup=False,  # the message quotes the user's own text
        )
    return keymap, sorted(problems)
