"""Small hand-built logs for the detail pane, facet and pledge board tests.

Built from the model's dataclasses (no YAML) so a test names exactly what it shows: a
pledge that asked for a grant that paid for a rollout, and a log whose every string is
hostile (markup, terminal escapes, C1 controls, bidi overrides).
"""

from __future__ import annotations

from decimal import Decimal

from tui.model.edtf import parse_edtf
from tui.model.log import (
    Agency,
    Collection,
    Event,
    Grant,
    Person,
    Pledge,
    Quote,
    Rating,
    Related,
    Rollout,
    Source,
    Topic,
)

# Everything a log could use to attack a terminal or Textual's markup.
MARKUP_CLICK = "[@click=app.screenshot('pwned.svg','/tmp')]click me[/]"
HOSTILE = (
    MARKUP_CLICK
    + " [/bold] [link='https://evil.example']x[/link]"
    + " \x1b[2J \x1b]52;c;aGVsbG8=\x07 \x9b31m \u202eevil\u202c"
    + " marks\u200e\u200f\u061c lines\u2028\u2029 zero\u200b\ufeff\u200d tag\U000e0041"
)
# None of these may reach the screen: ESC, BEL, C1 CSI, RLO, the bidi marks, line and
# paragraph separators, zero-width characters and a tag character.
FORBIDDEN = (
    *("\x1b", "\x07", "\x9b", "\u202e", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029"),
    *("\u200b", "\ufeff", "\u200d", "\U000e0041"),
)


def chain_collection() -> Collection:
    """A pledge (asks for) -> a DOJ grant (pays for) -> a trooper camera rollout."""
    return Collection(
        title="Sample",
        agencies={
            "bpd": Agency("bpd", "Bridgeport Police Department", aliases=("BPD",)),
            "usdoj": Agency("usdoj", "U.S. Department of Justice", aliases=("DOJ",)),
            "despp": Agency(
                "despp",
                "Connecticut Department of Emergency Services and Public Protection",
                aliases=("DESPP",),
            ),
            "csp": Agency("csp", "Connecticut State Police", aliases=("CSP",)),
        },
        people={
            "perez": Person("perez", 'Armando "AJ" Perez', role="Chief of Police", agency="bpd"),
        },
        topics={
            "body-cameras": Topic("body-cameras", "Body cameras"),
            "funding": Topic("funding", "Funding"),
        },
        sources={
            "news12": Source(
                "news12",
                "Bridgeport police chief promises to push for body cams",
                publisher="News 12 Connecticut",
                published=parse_edtf("2017-12-01"),
                url="https://news12.com/story",
            ),
            "ap": Source(
                "ap",
                "Troopers get cameras",
                publisher="AP",
                published=parse_edtf("2019-04-02"),
                url="javascript:alert(1)",
            ),
        },
        events=[
            Event(
                "pledge-funding",
                parse_edtf("2017-11-30"),
                "pledge",
                "Perez pledges to apply for state body-camera funding within a week",
                summary="He said it at the CONECT forum.\n\nA second paragraph.",
                agencies=("bpd",),
                people=("perez",),
                topics=("body-cameras", "funding"),
                place="Bridgeport, CT",
                sources=("news12",),
                quotes=(Quote("We will apply within a week.", "perez", "news12"),),
                related=(Related("doj-grant", "asked for"),),
                pledge=Pledge(
                    "perez",
                    parse_edtf("2017-12-08~"),
                    (
                        Rating("not-yet-rated", parse_edtf("2017-11-30")),
                        Rating("kept", parse_edtf("2019-04-02"), ("ap",), "The city applied."),
                    ),
                ),
            ),
            Event(
                "doj-grant",
                parse_edtf("2018-05"),
                "grant",
                "DOJ grants money for 800 trooper cameras",
                agencies=("usdoj", "despp"),
                topics=("funding",),
                sources=("ap",),
                grant=Grant(Decimal(895000), "USD", "usdoj", "despp", "800 body cameras"),
                related=(Related("rollout", "paid for"),),
                data={"award_number": "2018-BC-BX-0001", "matched": True},
                note="Amount from the award notice.",
            ),
            Event(
                "rollout",
                parse_edtf("2018-22"),
                "rollout",
                "First 200 troopers get cameras",
                agencies=("csp",),
                sources=("ap",),
                rollout=Rollout(
                    "csp", 200, "body cameras", ("Troop H, Hartford", "Troop I, Bethany")
                ),
            ),
            Event(
                "training-pledge",
                parse_edtf("2017-11-30"),
                "pledge",
                "Perez pledges an anti-bias training plan",
                agencies=("bpd",),
                people=("perez",),
                sources=("news12",),
                pledge=Pledge("perez", parse_edtf("2018-03"), ()),
            ),
        ],
    )


def hostile_collection() -> Collection:
    """One event whose every displayed string is hostile."""
    return Collection(
        title=HOSTILE,
        agencies={"bad": Agency("bad", HOSTILE, aliases=(HOSTILE,))},
        people={"p": Person("p", HOSTILE, role=HOSTILE, agency="bad")},
        topics={"t": Topic("t", HOSTILE)},
        sources={
            "s": Source(
                "s",
                HOSTILE,
                publisher=HOSTILE,
                url="https://ok.example/\x1b]52;c;aGk=\x07",
            )
        },
        events=[
            Event(
                "evil",
                parse_edtf("2020-01-01"),
                "pledge",
                HOSTILE,
                summary=HOSTILE,
                agencies=("bad",),
                people=("p",),
                topics=("t",),
                place=HOSTILE,
                sources=("s",),
                quotes=(Quote(HOSTILE, "p", "s"),),
                related=(Related("evil", HOSTILE),),
                data={HOSTILE: HOSTILE},
                note=HOSTILE,
                pledge=Pledge(
                    "p",
                    parse_edtf("2020-02"),
                    (Rating("stalled", parse_edtf("2020-01"), ("s",), HOSTILE),),
                ),
            )
        ],
    )
