"""Importers: other people's data (WaPo Fatal Force, TimelineJS, any CSV or JSONL with a
mapping file) turned into watchline logs.

Each importer reads its input files and returns an :class:`ImportResult`: the log as YAML
text, ready to write, and the warnings a person should see (rows skipped and why). A file
that cannot be read or understood raises :class:`ImportFailure` naming the file (and the
line where there is one); the command turns it into a clean error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tui.model.safe_read import MAX_BYTES, cannot_read, read_bytes
from tui.model.text import shown_name


class ImportFailure(Exception):
    """An input that cannot be imported: unreadable, missing columns, bad JSON."""


def read_source(path: Path) -> bytes:
    """An input file's bytes, through the reader every door shares (regular files only,
    at most :data:`~tui.model.safe_read.MAX_BYTES`), or :class:`ImportFailure`."""
    try:
        return read_bytes(path, cap=MAX_BYTES, what="an import file")
    except OSError as error:
        raise ImportFailure(cannot_read(shown_name(path), error)) from None


@dataclass(slots=True)
class ImportResult:
    """What an importer produced: the YAML text and what it had to leave out."""

    text: str
    events: int
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # rows left out (each has its warning)
    rows: int = 0  # rows read, when the importer counts them
    notes: list[str] = field(default_factory=list)  # what was found out: encoding, dialect


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60) -> str:
    """A lowercase ASCII slug: ``"Ada Lovelace!"`` -> ``"ada-lovelace"`` (may be empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not yet in ``taken`` (then taken)."""
    candidate = base
    n = 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate
