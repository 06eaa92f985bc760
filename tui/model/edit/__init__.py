"""Writes to a log: a rating added to a pledge, in place, losing nothing anyone typed.

The one write watchline makes is appending a rating to a pledge's ``ratings`` (the
``watchline rate`` command and the TUI's ``r`` form both call :func:`add_rating`). The
guarantees, in the order they are checked:

1. **Only the rating's lines are added.** The new lines are computed as text and inserted
   into the original text after the pledge's last rating (or, if it has none yet, after
   the pledge block, with a ``ratings:`` key), in the indentation and style (flow
   ``- {status: ...}`` or block) that the file already uses. The document is never
   re-dumped, so every original line survives, in order, byte for byte: comments, key
   order, quoting, blank lines and line endings. The positions come from ruamel.yaml's
   round-trip composer, run on the event's own lines when a text scan can bound them
   (whole-document parses cost seconds per thousand events).
2. **The insert means what it should.** The new text is parsed again and must equal the
   old with exactly this rating appended; a layout where lines cannot be added without
   touching existing ones (a one-line flow ``pledge: {...}``) is refused with a message
   that says how to make room.
3. **The result is valid.** The new text is written to a temporary file beside the log
   and loaded by :mod:`tui.model.load`; any problem refuses the write (a problem on the
   added lines, such as an unknown source, is the request's; any other was in the log).
4. **Nobody's edit is overwritten.** The file's content hash is taken when it is read
   (or passed in by the caller that loaded it earlier, as the TUI does) and compared with
   the file on disk just before the temporary file is renamed over it
   (:class:`ConflictError` otherwise).
5. **The write is atomic.** Temporary file in the same folder, ``fsync``, the original
   file's mode, ``os.replace``, then ``fsync`` of the folder.

Nothing here imports Textual.
"""

from __future__ import annotations

from tui.model.atomic import file_hash
from tui.model.edit.errors import (
    BusyError,
    ConflictError,
    DuplicateRatingError,
    EditError,
    EditResult,
    InvalidResultError,
    NewRating,
    ProtectedFileError,
    UnsafeEditError,
)
from tui.model.edit.rating import add_rating, insert_rating
from tui.model.edit.writing import Insertion, insert_lines

__all__ = [
    "BusyError",
    "ConflictError",
    "DuplicateRatingError",
    "EditError",
    "EditResult",
    "Insertion",
    "InvalidResultError",
    "NewRating",
    "ProtectedFileError",
    "UnsafeEditError",
    "add_rating",
    "file_hash",
    "insert_lines",
    "insert_rating",
]
