"""What a TimelineJS file holds that a log cannot carry, counted so that it can be said.

The importer carries a slide's dates and times, text, links, media address, caption and
credit, group, id and location name and coordinates. Everything else a slide, era or the
title slide gives a value (a thumbnail, a background, map settings, a display date...) is
counted here by its key, with the slides that had it, and reported as one line per key:

    not carried: media.thumbnail (a preview image): 16 slides (1-16)

A key with an empty value (``""``, ``{}``, ``[]``, null), as editors write them, is no loss.
"""

from __future__ import annotations

from typing import Any

_DATE_PARTS = frozenset({"year", "month", "day", "hour", "minute", "second", "millisecond"})
# Keys carried, per object of a slide ("" is the slide itself).
_CARRIED: dict[str, frozenset[str]] = {
    "": frozenset(
        {"start_date", "end_date", "text", "media", "group", "unique_id", "location", "watchline"}
    ),
    "start_date": _DATE_PARTS,
    "end_date": _DATE_PARTS,
    "text": frozenset({"headline", "text"}),
    "media": frozenset({"url", "link", "caption", "credit"}),
    "location": frozenset({"name", "lat", "lon"}),
}
# What a reader should know a key is for.
_MEANING = {
    "media.thumbnail": "a preview image",
    "background": "the slide's background colour or image",
    "display_date": "a date as the slide shows it",
    "start_date.display_date": "a date as the slide shows it",
    "end_date.display_date": "a date as the slide shows it",
    "start_date.format": "a date format for display",
    "end_date.format": "a date format for display",
    "location.icon": "a map pin image",
    "location.zoom": "a map zoom level",
    "location.line": "a map line to the next slide",
    "type": "a slide type",
    "autolink": "a display setting",
    "scale": "the time scale",
    "options": "display options",
}
_TOP_CARRIED = frozenset({"title", "events", "eras", "watchline"})
_TITLE_CARRIED = frozenset({"text", "media"})
_TITLE_MEDIA_CARRIED = frozenset({"url", "link", "caption", "credit"})
_SHOWN_NUMBERS = 12


def _empty(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, dict):
        return all(_empty(item) for item in value.values())
    return False


class Losses:
    """Keys not carried, each with the slides (or eras, or the title slide) that had one."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, what: str, label: str) -> None:
        labels = self.found.setdefault(what, [])
        if label not in labels:
            labels.append(label)

    def lines(self) -> list[str]:
        """One line per kind of loss: ``not carried: KEY (MEANING): N slides (1-3, 7)``."""
        out = []
        for what, labels in self.found.items():
            meaning = _MEANING.get(what)
            shown = f"{what} ({meaning})" if meaning else what
            out.append(f"not carried: {shown}: {_counted(labels)}")
        return out


def _counted(labels: list[str]) -> str:
    """``16 slides (1-16)``, ``2 eras (1, 3)``, ``the title slide``, mixed as found."""
    groups: dict[str, list[int]] = {}
    others: list[str] = []
    for label in labels:
        noun, _, number = label.rpartition(" ")
        if number.isdigit():
            groups.setdefault(noun, []).append(int(number))
        else:
            others.append(label)
    parts = []
    for noun, numbers in groups.items():
        plural = noun if len(numbers) == 1 else f"{noun}s"
        parts.append(f"{len(numbers)} {plural} ({_ranges(numbers)})")
    return ", ".join(parts + others)


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(set(numbers))
    spans: list[str] = []
    start = previous = numbers[0]
    for number in [*numbers[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    if len(spans) > _SHOWN_NUMBERS:
        spans = [*spans[:_SHOWN_NUMBERS], "…"]
    return ", ".join(spans)


def slide_losses(slide: Any, label: str, losses: Losses) -> None:
    """Count the keys of one slide or era that the importer does not carry."""
    if not isinstance(slide, dict):
        return
    for key, value in slide.items():
        if _empty(value):
            continue
        if key not in _CARRIED[""]:
            losses.add(str(key), label)
        elif key in _CARRIED and isinstance(value, dict):
            for inner, item in value.items():
                if inner not in _CARRIED[key] and not _empty(item):
                    losses.add(f"{key}.{inner}", label)


def top_losses(timeline: dict[str, Any], losses: Losses) -> None:
    """Count what the timeline's top and its title slide hold that is not carried."""
    for key, value in timeline.items():
        if key not in _TOP_CARRIED and not _empty(value):
            losses.add(str(key), "the timeline")
    eras = timeline.get("eras")
    if isinstance(eras, list):
        for number, era in enumerate(eras, start=1):
            slide_losses(era, f"era {number}", losses)
    title = timeline.get("title")
    if not isinstance(title, dict):
        return
    for key, value in title.items():
        if _empty(value):
            continue
        if key not in _TITLE_CARRIED:
            losses.add(f"title slide's {key}", "the title slide")
        elif key == "media" and isinstance(value, dict):
            for inner, item in value.items():
                if inner not in _TITLE_MEDIA_CARRIED and not _empty(item):
                    losses.add(f"title slide's media.{inner}", "the title slide")
