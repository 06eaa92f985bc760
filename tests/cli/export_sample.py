"""A small collection built from the model's dataclasses, for the exporters' tests.

It holds what the formats must cope with: a day, a month, a season, an approximate day,
an interval, an open-ended interval, a pledge (overdue or kept depending on the as-of
date), a grant with a Decimal amount, quotes, related events, and hostile strings (a
terminal escape, Markdown/HTML markup, a ``javascript:`` URL, a formula for spreadsheets).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tui.formats import Selection
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
    Source,
    Topic,
)

HOSTILE_TITLE = "Chief \x1b[2J<script>alert(1)</script> [click](javascript:alert(1)) *bold*"


def sample_collection() -> Collection:
    d = parse_edtf
    return Collection(
        title="Sample log",
        description="A log for the exporters' tests.",
        agencies={
            "bpd": Agency("bpd", "Bridgeport Police Department", aliases=("BPD",)),
            "usdoj": Agency("usdoj", "U.S. Department of Justice", aliases=("DOJ",)),
            "despp": Agency("despp", "Connecticut DESPP"),
        },
        people={
            "perez": Person("perez", 'Armando "AJ" Perez', role="Chief", agency="bpd"),
            "bennett": Person("bennett", "Anthony Bennett"),
        },
        topics={"body-cameras": Topic("body-cameras", "Body cameras")},
        sources={
            "news": Source(
                "news",
                "Chief promises body cams",
                publisher="News 12",
                published=d("2017-12-01"),
                url="https://example.org/news?a=1&b=2",
            ),
            "ap": Source(
                "ap", "Reimbursement approved", publisher="AP", url="https://ap.example/x"
            ),
            "bad": Source("bad", "A hostile link", url="javascript:alert(1)"),
            "print": Source("print", "A printed report", publisher="DCJ"),
        },
        events=[
            Event(
                id="negron-shooting",
                date=d("2017-05-09"),
                kind="shooting",
                title="Officer shoots and kills Jayson Negron, 15",
                summary="First paragraph.\n\nSecond paragraph with =SUM(A1).",
                agencies=("bpd",),
                topics=("body-cameras",),
                place="Bridgeport, CT",
                sources=("news", "print"),
            ),
            Event(
                id="forum",
                date=d("2017-11-30"),
                kind="meeting",
                title=HOSTILE_TITLE,
                sources=("news", "bad"),
                quotes=(Quote("We want cameras.", by="bennett", source="news"),),
                related=(Related("negron-shooting", why="cited at"),),
            ),
            Event(
                id="pledge-funding",
                date=d("2017-11-30"),
                kind="pledge",
                title="Perez pledges to apply for funding within a week",
                agencies=("bpd",),
                people=("perez",),
                sources=("news",),
                related=(Related("forum"),),
                pledge=Pledge(
                    by="perez",
                    due=d("2017-12-08~"),
                    ratings=(
                        Rating("not-yet-rated", d("2017-11-30")),
                        Rating("kept", d("2019-04-02"), evidence=("ap",), note="approved"),
                    ),
                ),
            ),
            Event(
                id="pilot",
                date=d("2018-02/2018-04"),
                kind="rollout",
                title="Bridgeport pilot",
                sources=("print",),
            ),
            Event(
                id="doj-grant",
                date=d("2018-05-29~"),
                kind="grant",
                title="DOJ grant for 800 cameras",
                sources=("news",),
                grant=Grant(Decimal("895000"), "USD", "usdoj", "despp", "800 body cameras"),
            ),
            Event(
                id="troopers",
                date=d("2018-22"),
                kind="rollout",
                title="First trooper cameras",
                sources=("print",),
            ),
            Event(
                id="reimbursement",
                date=d("2019-04"),
                kind="grant",
                title="-1 state reimbursement",
                sources=("ap",),
                grant=Grant(Decimal("1150449.50"), "USD", "despp", "bpd"),
            ),
            Event(
                id="ongoing",
                date=d("2020-06/.."),
                kind="other",
                title="Cameras in use",
                sources=("print",),
            ),
        ],
    )


def sample_selection(as_of: date = date(2018, 6, 1), width: int = 100) -> Selection:
    collection = sample_collection()
    return Selection(
        collection=collection,
        indexes=tuple(range(len(collection.events))),
        as_of=as_of,
        width=width,
    )
