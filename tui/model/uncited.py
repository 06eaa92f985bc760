"""``validate --strict``: numbers and quotations in an event's text that cite no source.

An event that cites several sources should say which one each checkable claim rests on.
A sentence holding a figure (an amount, a count, a percentage) or a quotation is such a
claim; when the event (or a rating, for its note) cites more than one source and the
sentence carries no ``[@source-id]``, it is reported. With one source there is nothing to
choose: the claim rests on it.

What counts, deliberately narrow so that a warning is worth reading:

- a **figure**: a number that is not a year (1800-2199), not a day beside a month name
  (``9 May``, ``May 9``) and not part of a name such as ``PA 15-4`` or ``House Bill 7103``
  (a number after a capitalised word or directly joined to a hyphen);
- a **quotation**: text of three or more words between double quotes (``"..."`` or
  curly ``“...”``).

The sentence is the unit: one citation anywhere in it covers its figures and quotations. A
sentence that marks itself ``UNVERIFIED`` or ``INFERENCE`` makes no claim and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tui.model.citations import citations
from tui.model.log import Event

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# A sentence ends at . ! ? followed by a space and a capital, a quote or a digit; or a line end.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[A-Z\"“(\[0-9])|\n\s*\n")
_NUMBER = re.compile(r"(?<![\w.,/-])\$?\d[\d,]*(?:\.\d+)?%?(?![\w/-])")
_QUOTATION = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
_DAY_BESIDE_MONTH = re.compile(rf"(?:\b(?:{_MONTHS})\s+$)|(?:^\s+(?:{_MONTHS})\b)")
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.)+|\b(?:St|Mr|Mrs|Ms|Dr|No|Sgt|Lt|Col|Gen|Rev)\.)$")
# A sentence that marks itself as unverified or inferred makes no claim to source.
_MARKED = re.compile(r"^(?:UNVERIFIED|INFERENCE)\b")
_NAME_BEFORE = re.compile(r"(?<=\s)(?:[A-Z][\w.]*|No\.)\s*$")


@dataclass(frozen=True, slots=True)
class Uncited:
    """One sentence with a figure or quotation and no citation, in one field of one event."""

    event: Event
    field: str
    what: str  # "the figure '1,150,449'" or "a quotation"
    sentence: str


def _sentences(text: str) -> Iterator[str]:
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text, 0, end.start()):
            continue  # "U.S. Department", "St. Louis": not the end of a sentence
        yield text[start : end.start()].strip()
        start = end.end()
    if text[start:].strip():
        yield text[start:].strip()


def _figures(sentence: str) -> Iterator[str]:
    for match in _NUMBER.finditer(sentence):
        digits = match.group().strip("$%").replace(",", "")
        before, after = sentence[: match.start()], sentence[match.end() :]
        if digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2199:
            continue  # a year
        if re.match(r"\s*(?:[ap]\.?m\b|o'clock|:\d)", after):
            continue  # a time of day
        if _DAY_BESIDE_MONTH.search(before) or _DAY_BESIDE_MONTH.search(after[:12]):
            continue  # a day of a date
        money_or_share = match.group().startswith("$") or match.group().endswith("%")
        if not money_or_share and before.strip() and _NAME_BEFORE.search(before):
            continue  # part of a name (not the sentence's first word): PA 15, Bill 7103
        yield match.group()


def claims(text: str) -> Iterator[tuple[str, str]]:
    """``(what, sentence)`` for each sentence of ``text`` with an uncited figure or quote."""
    for sentence in _sentences(text):
        if citations(sentence) or _MARKED.match(sentence):
            continue
        quotation = next((q for q in _QUOTATION.findall(sentence) if len(q.split()) >= 3), None)
        if quotation is not None:
            yield "a quotation", sentence
            continue
        figure = next(_figures(sentence), None)
        if figure is not None:
            yield f"the figure '{figure}'", sentence


def uncited(events: Sequence[Event]) -> list[Uncited]:
    """Every uncited claim in the text of events (and ratings) that cite several sources."""
    found: list[Uncited] = []
    for event in events:
        texts: list[tuple[str, str | None, int]] = [
            ("summary", event.summary, len(event.sources)),
            ("note", event.note, len(event.sources)),
        ]
        if event.pledge is not None:
            for index, rating in enumerate(event.pledge.ratings):
                cited = len(rating.evidence) or len(event.sources)
                texts.append((f"pledge.ratings[{index}].note", rating.note, cited))
        for name, text, sources in texts:
            if text is None or sources < 2:
                continue
            for what, sentence in claims(text):
                found.append(Uncited(event, name, what, sentence))
    return found
