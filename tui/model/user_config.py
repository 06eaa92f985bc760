"""The user's own config file: their saved views and their keymap.

``config.yaml`` in platformdirs' ``user_config_dir("watchline")`` (``~/.config/watchline``
on Linux, honouring XDG_CONFIG_HOME), beside the ``settings.json`` the app writes itself.
The user writes this one, so it is read like a log (untrusted input, the same guards and
parser, every problem placed at FILE:LINE:COL) and a bad entry is reported and skipped:
the rest of the file still counts. A missing file is no config, not a problem::

    views:
      my-overdue:
        label: Overdue in Bridgeport
        query: status:overdue agency:bpd
    keymap:
      app.search: ctrl+f        # a binding id: its keys, comma-separated
      timeline.down: j,down,n

A view is checked exactly as a log's ``views:`` entry is (``tui.model.format``, the query
parsed). The keymap is only read here (text to text, placed); which binding ids and key
names exist is the app's to say (``tui.app.keymap``), since the model knows no Textual.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path

from tui.model import safe_read
from tui.model.format import SPECS
from tui.model.load import guards
from tui.model.load.build import Builder
from tui.model.load.checks import describe, quote
from tui.model.load.tree import parse_text
from tui.model.log import Location, View
from tui.model.problems import Problem

CONFIG_FILE = "config.yaml"
# A config of views and keys is a few KiB; this is room for thousands of views.
MAX_CONFIG_BYTES = 1 << 20
SECTIONS = ("views", "keymap")


@dataclass(frozen=True, slots=True)
class KeymapEntry:
    """One line of the keymap: a binding id, the keys given for it, and where it stands."""

    binding_id: str
    keys: str
    location: Location


@dataclass(slots=True)
class UserConfig:
    """What the config file holds that could be used, and a problem for each part that could not."""

    path: Path | None = None
    views: dict[str, View] = field(default_factory=dict)
    keymap: list[KeymapEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def config_path() -> Path:
    """Where the user's config file is (it need not exist)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("watchline")) / CONFIG_FILE


def read_user_config(path: Path | None = None) -> UserConfig:
    """The user's config (``config_path()`` by default); never raises for what the file holds."""
    path = config_path() if path is None else path
    config = UserConfig(path)
    file = str(path)
    try:
        data = safe_read.read_bytes(path, cap=MAX_CONFIG_BYTES, what="a config file")
    except OSError as error:
        if getattr(error, "code", error.errno) == errno.ENOENT:
            return config  # no config file: nothing saved, nothing remapped
        config.problems.append(Problem(file, 1, 1, safe_read.reason_of(error)))
        return config
    text, problems = guards.check_text(data, file)
    if text is None:
        config.problems.extend(problems)
        return config
    parsed = parse_text(text, file)
    if parsed.problems:
        config.problems.extend(parsed.problems)
        return config
    if parsed.empty or parsed.tree is None:
        return config
    builder = Builder(file, parsed.locator)
    tree = parsed.tree
    if not isinstance(tree, dict):
        builder.problem(
            (), f"the config is a mapping with views: and keymap:, got {describe(tree)}"
        )
        config.problems.extend(builder.problems)
        return config
    for key, value in tree.items():
        if key not in SECTIONS:
            shown = quote(key) if isinstance(key, str) else describe(key)
            builder.problem(
                (key,), f"unknown section {shown} (the config has views: and keymap:)", at_key=True
            )
        elif key == "views":
            # Checked as a log's views are; the good entries are kept, each bad one reported.
            builder.registry(value, SPECS["view"], "views", ("views",))
            config.views = {
                view_id: view
                for view_id, (view, _) in builder.part.registries.get("views", {}).items()
            }
        else:
            config.keymap = _keymap(builder, value)
    config.problems.extend(builder.problems)
    config.problems.sort()
    return config


def _keymap(builder: Builder, value: object) -> list[KeymapEntry]:
    if not isinstance(value, dict):
        builder.problem(
            ("keymap",),
            f"'keymap' must be a mapping of binding id: keys, got {describe(value)}",
        )
        return []
    entries = []
    for binding_id, keys in value.items():
        path = ("keymap", binding_id)
        if not builder.text_key(binding_id, path):
            continue
        if isinstance(keys, int) and not isinstance(keys, bool):
            keys = str(keys)  # `app.help: 1`: YAML read the key 1 as a number
        if not isinstance(keys, str) or not keys.strip():
            builder.problem(
                path,
                f"the keys for {quote(binding_id)} must be key names such as ctrl+f or j,down; "
                f"got {describe(keys)}",
            )
            continue
        if not builder.printable(keys, path):
            continue
        line, col = builder.locator.locate(path)
        entries.append(KeymapEntry(binding_id, keys, Location(builder.file, line, col)))
    return entries
