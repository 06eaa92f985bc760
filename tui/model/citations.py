"""Citations inside text: Pandoc's ``[@source-id]`` and ``[@a; @b]``.

A summary, note, rating note or quote may cite the log's sources inline, so that a
sentence that rests on one source says which. The syntax is Pandoc's bracketed
citation: square brackets around one or more ``@key`` items separated by ``;``, each
item optionally with words before or after it (``[see @a, p. 3; @b]``). The key is a
source id. The loader checks every cited id against the sources like any other
reference; the views and exports can number them with :func:`number_citations`.

Only text that looks like a citation counts: a ``@`` must start a key (an e-mail
address such as ``[a@b.org]`` is not a citation), a key ends at a space, a comma or the
item's end (``[@click=app.quit]`` is not one), and every item of the brackets must hold
a key, so ``[@a; and more]`` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# A key: Pandoc allows more punctuation inside keys, but source ids are slugs.
# It ends at a space, a comma or the item's end, so markup-like text such as
# ``[@click=app.quit]`` is not taken for a citation of ``click``.
_KEY = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_\-]*)(?=[\s,]|$)")
# A bracketed group that holds an @, with no brackets nested inside.
_GROUP = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")


@dataclass(frozen=True, slots=True)
class Citation:
    """One bracketed citation: where it stands in the text, and the ids it cites."""

    start: int
    end: int
    keys: tuple[str, ...]


def citations(text: str) -> list[Citation]:
    """The citations in ``text``, in order."""
    if "@" not in text:
        return []
    found: list[Citation] = []
    for group in _GROUP.finditer(text):
        keys: list[str] = []
        for item in group.group(1).split(";"):
            matches = _KEY.findall(item)
            if len(matches) != 1:
                keys = []
                break
            keys.append(matches[0])
        if keys:
            found.append(Citation(group.start(), group.end(), tuple(keys)))
    return found


def cited_ids(text: str) -> Iterator[str]:
    """Every source id ``text`` cites, in order, repeats included."""
    for citation in citations(text):
        yield from citation.keys


def replace_citations(text: str, render: Callable[[Citation], str]) -> str:
    """``text`` with each citation replaced by ``render(citation)``."""
    found = citations(text)
    if not found:
        return text
    parts: list[str] = []
    at = 0
    for citation in found:
        parts.append(text[at : citation.start])
        parts.append(render(citation))
        at = citation.end
    parts.append(text[at:])
    return "".join(parts)


def number_citations(text: str, numbers: dict[str, int]) -> str:
    """``text`` with ``[@a; @b]`` shown as ``[1, 2]``, by ``numbers`` (id -> number).

    An id without a number keeps its name, so nothing a reader could check is lost.
    """

    def render(citation: Citation) -> str:
        return "[" + ", ".join(str(numbers.get(key, key)) for key in citation.keys) + "]"

    return replace_citations(text, render)
