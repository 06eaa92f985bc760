"""A problem in a log, as a reader of the file needs it: where, and what is wrong.

Every problem prints as ``FILE:LINE:COL: error: MESSAGE`` (1-based line and column), the
form compilers use, so editors and terminals make it a link to the spot.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.model.text import one_line, shown_name


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem at a 1-based ``line`` and ``col`` of ``file``.

    Field order is the sort order: problems sort by file, then line, column and message.
    The message is made printable when the problem is created, so no control character
    from a log can reach a terminal through it.
    """

    file: str
    line: int
    col: int
    message: str

    def __post_init__(self) -> None:
        # Messages quote the log's own text; fold it to one printable line.
        clean = one_line(self.message)
        if clean != self.message:
            object.__setattr__(self, "message", clean)
        # A file name found in a folder is untrusted text too; a newline in it must not
        # start a forged FILE:LINE:COL line.
        name = shown_name(self.file)
        if name != self.file:
            object.__setattr__(self, "file", name)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: error: {self.message}"


class LogError(Exception):
    """Loading failed; ``problems`` says every reason, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        first = str(self.problems[0]) if self.problems else "no problem recorded"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(first + more)
