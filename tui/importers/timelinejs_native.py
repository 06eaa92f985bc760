"""A TimelineJS file that ``watchline list -F timelinejs`` wrote: the log read back from
the ``"watchline"`` objects it carries (the registries at the top, an event on each
slide), checked by :mod:`tui.importers.native`.

A slide without the object (one added in the TimelineJS editor after the export) is read
as any slide, into the same registries, with ids that cannot collide with the embedded
ones. ``related`` and ``same_as`` entries naming events the file does not hold (an export
of a filtered selection) are left out and listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.importers.native import NativeInvalid, clean_event, clean_header, drop_dangling
from tui.importers.timelinejs_losses import Losses, slide_losses

if TYPE_CHECKING:
    from tui.importers.timelinejs import TimelineImport

EXTENSION_KEY = "watchline"


def from_extension(
    timeline: dict[str, Any], path: Path, losses: Losses
) -> tuple[TimelineImport, dict[str, Any]]:
    """The import of a file with a top-level extension object, and the log's top.

    Raises :class:`NativeInvalid` when an embedded object has the wrong shape.
    """
    from tui.importers.timelinejs import ERA_KIND, TimelineImport

    try:
        top = clean_header(timeline[EXTENSION_KEY])
    except NativeInvalid as error:
        raise NativeInvalid(f"the timeline's object: {error}") from None
    for name in top.unknown:
        losses.add(f"unknown field {name!r} in the watchline object", "the timeline")
    header = top.value
    job = TimelineImport(path, losses)
    job.title = header["title"]
    job.description = header.get("description")
    job.sources = header.setdefault("sources", {})
    job.topics = header.setdefault("topics", {})
    job.kinds = header.setdefault("kinds", {})
    for source_id, source in job.sources.items():
        url = source.get("url")
        if isinstance(url, str):
            job.by_url.setdefault(url, source_id)
    for topic_id, topic in job.topics.items():
        job.topic_by_group.setdefault(str(topic.get("label")), topic_id)

    embedded: list[tuple[int, dict[str, Any]]] = []
    plain: list[tuple[int, Any]] = []
    for number, slide in enumerate(timeline["events"], start=1):
        value = slide.get(EXTENSION_KEY) if isinstance(slide, dict) else None
        if value is None:
            plain.append((number, slide))
            continue
        try:
            cleaned = clean_event(value)
        except NativeInvalid as error:
            raise NativeInvalid(f"slide {number}: {error}") from None
        for name in cleaned.unknown:
            losses.add(f"unknown field {name!r} in a slide's watchline object", f"slide {number}")
        embedded.append((number, cleaned.value))
        if isinstance(cleaned.value.get("id"), str):
            job.event_ids.add(cleaned.value["id"])

    for number, event in embedded:
        job.events.append(event)
        job.labels.append(f"slide {number}")
    for number, slide in plain:
        slide_losses(slide, f"slide {number}", losses)
        job.add_slide(slide, f"slide {number}", number)
    eras = timeline.get("eras")
    if isinstance(eras, list):
        for number, era in enumerate(eras, start=1):
            slide_losses(era, f"era {number}", losses)
            job.add_slide(era, f"era {number}", number, kind=ERA_KIND)
    for index, fields in drop_dangling(job.events).items():
        for name in fields:
            losses.add(f"{name} naming an event the file does not hold", job.labels[index])
    header["#"] = [
        f"Imported by `watchline import timelinejs` from {path.name} "
        "(the log watchline embedded in it)."
    ]
    for name in ("sources", "topics", "kinds"):
        if not header[name]:
            del header[name]
    return job, header
