"""Log files -> one :class:`~tui.model.log.Collection`, with every problem at once.

Loading runs in stages, each a module of this package, each of which can only add
problems, never raise:

1. **read** (:mod:`.guards`): the shared reader of :mod:`tui.model.safe_read` (regular
   files only, the size cap), then strict UTF-8 (each bad byte reported at its line and
   column) and no raw control bytes.
2. **parse**: text -> a *plain tree* (``dict``/``list``/``str``/``int``/``float``/
   ``bool``/``None``) plus a :class:`~.tree.Locator`. Two parsers give the same tree:
   :mod:`.tree` drives ruamel.yaml event by event, without recursion and with every guard
   in place as the tree grows (nesting depth, alias expansion, YAML tags refused, duplicate
   keys, control characters that arrive through escapes), corrected to YAML 1.2 by
   :mod:`.exact`; :mod:`.fast` uses yaml-rs where the text holds nothing the two could
   read differently, after bounding block nesting (a native parser never sees unbounded
   nesting). :mod:`.cache` keeps a built file so a second load skips both.
3. **positions** (:mod:`.positions`): a problem on the fast path is placed by parsing only
   the event or top-level block that holds it; event start lines come from a line scan.
4. **build** (:mod:`.build`, with the value checks of :mod:`.checks`): plain tree ->
   model objects, checked against the field table in :mod:`tui.model.format`. The
   builder never touches a parser's types; it asks the locator where a path is only when
   it has a problem to place.
5. **merge** (:mod:`.merge`): registries united across files (the one registry table is
   :data:`tui.model.log.REGISTRIES`), event ids unique, every reference resolved.

:mod:`.files` holds the entry points and is the one place that chooses the parser; for
a folder of large files it hands the files the cache does not hold to worker processes
(:mod:`.parallel`), which build them and store them in the cache. The modules import in
this order (guards, tree, positions, checks, build, cache, fast, merge, files), with no
cycle; :mod:`.files` imports :mod:`.parallel` only for a load of several files, and a
worker imports :mod:`.files` when it starts; ``tests/model/test_loader_seam.py`` shows yaml-rs through the
seam giving the same objects and problems as the ruamel path.
"""

from tui.model.load.build import Builder, FilePart
from tui.model.load.files import (
    LoadResult,
    PathError,
    expand_paths,
    load_collection,
    load_data,
    load_file,
    load_paths,
    load_text,
)
from tui.model.load.guards import MAX_BYTES, check_text, read_text
from tui.model.load.merge import merge_parts
from tui.model.load.tree import Locator, ParseResult, Progress, parse_text
from tui.model.problems import LogError, Problem

__all__ = [
    "MAX_BYTES",
    "Builder",
    "FilePart",
    "LoadResult",
    "Locator",
    "LogError",
    "ParseResult",
    "PathError",
    "Problem",
    "Progress",
    "check_text",
    "expand_paths",
    "load_collection",
    "load_data",
    "load_file",
    "load_paths",
    "load_text",
    "merge_parts",
    "parse_text",
    "read_text",
]
