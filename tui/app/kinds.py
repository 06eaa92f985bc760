"""How each kind of event is marked on the timeline: a glyph and a tone.

The glyph alone tells kinds apart (the timeline must read without colour: NO_COLOR, a
monochrome terminal, a colour-blind reader), and every glyph is in the IBM PC / Linux
console character set, so nothing depends on a Nerd Font or an emoji font. The tone is a
theme colour name, so a kind follows the user's theme instead of fixed ANSI colours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# Theme colours a kind may take; the timeline has one component class per tone.
TONES: tuple[str, ...] = ("error", "warning", "success", "accent", "primary", "secondary", "muted")


@dataclass(frozen=True, slots=True)
class KindMark:
    """The glyph (one cell wide) and theme tone of a kind."""

    glyph: str
    tone: str


KIND_MARKS: dict[str, KindMark] = {
    "shooting": KindMark("▲", "error"),
    "incident": KindMark("♦", "error"),
    "meeting": KindMark("○", "primary"),
    "pledge": KindMark("►", "warning"),
    "grant": KindMark("$", "success"),
    "rollout": KindMark("■", "success"),
    "legislation": KindMark("§", "accent"),
    "investigation": KindMark("?", "secondary"),
    "court": KindMark("≡", "secondary"),
    "statement": KindMark('"', "primary"),
    "report": KindMark("¶", "accent"),
    "other": KindMark("·", "muted"),
}
# Kinds a log adds under `kinds:` share one mark: their label is in the detail pane.
CUSTOM_KIND_MARK = KindMark("•", "muted")


def kind_mark(kind: str) -> KindMark:
    """The mark of ``kind`` (a built-in kind's own, or the shared mark of added kinds)."""
    return KIND_MARKS.get(kind, CUSTOM_KIND_MARK)


# The density strip's ramp, lowest to highest. The Linux console font has only the shaded
# and full blocks, so TERM=linux gets a shorter ramp it can draw.
DENSITY_RAMP = "▁▂▃▄▅▆▇█"
DENSITY_RAMP_CONSOLE = "░▒▓█"


def density_ramp(term: str | None = None) -> str:
    """The block characters the density strip draws with on terminal ``term``."""
    term = os.environ.get("TERM", "") if term is None else term
    return DENSITY_RAMP_CONSOLE if term == "linux" else DENSITY_RAMP
