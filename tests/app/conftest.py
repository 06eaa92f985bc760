"""Fixtures for the app tests: a small log built in memory, and a clean config dir.

The collection is built from the model's dataclasses directly (no loader), so a test can
also hold text the loader would refuse, such as raw terminal control characters.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NoReturn

import pytest
from textual.app import App

from tui.model.edtf import parse_edtf
from tui.model.log import Agency, Collection, Event, Person, Pledge, Rating, Related, Topic

AS_OF = datetime.date(2026, 1, 1)


def make_event(event_id: str, date: str, kind: str, title: str, **fields: object) -> Event:
    return Event(id=event_id, date=parse_edtf(date), kind=kind, title=title, **fields)  # type: ignore[arg-type]


def sample_collection() -> Collection:
    """Twelve events over 2015-2019, two agencies, two topics, related links and a pledge."""
    events = [
        make_event(
            "ferguson-report",
            "2015-03-04",
            "report",
            "Justice Department report on policing",
            agencies=("usdoj",),
            topics=("use-of-force",),
        ),
        make_event(
            "bpd-policy",
            "2015-06",
            "statement",
            "Bridgeport police announce a body camera policy review",
            agencies=("bpd",),
            topics=("body-cameras",),
        ),
        make_event(
            "state-law",
            "2015",
            "legislation",
            "Connecticut passes a police accountability law",
            topics=("body-cameras", "use-of-force"),
        ),
        make_event(
            "negron-shooting",
            "2017-05-09",
            "shooting",
            "Bridgeport officer shoots and kills Jayson Negron, 15",
            agencies=("bpd",),
            people=("perez",),
            topics=("use-of-force",),
            related=(Related("conect-forum", "cited at"),),
        ),
        make_event(
            "negron-vigil",
            "2017-05-12",
            "incident",
            "Vigil and protest at Bridgeport police headquarters",
            agencies=("bpd",),
            topics=("use-of-force",),
        ),
        make_event(
            "summer-protests",
            "2017-22",
            "incident",
            "Protests through the summer",
            agencies=("bpd",),
        ),
        make_event(
            "conect-forum",
            "2017-11-30",
            "meeting",
            "CONECT forum with Chief Perez",
            agencies=("bpd",),
            people=("perez",),
            topics=("body-cameras",),
            related=(Related("negron-shooting", "discussed"),),
        ),
        make_event(
            "pledge-funding",
            "2017-11-30",
            "pledge",
            "Perez pledges to apply for state body-camera funding within a week",
            agencies=("bpd",),
            people=("perez",),
            topics=("body-cameras",),
            related=(Related("conect-forum", "made at"),),
            pledge=Pledge(
                by="perez",
                due=parse_edtf("2017-12-08"),
                ratings=(Rating("not-yet-rated", parse_edtf("2017-11-30")),),
            ),
        ),
        make_event(
            "doj-grant",
            "2018-06~",
            "grant",
            "Federal grant for 800 trooper cameras",
            agencies=("usdoj",),
            topics=("body-cameras",),
        ),
        make_event(
            "trooper-rollout",
            "2018-09-15",
            "rollout",
            "First state troopers wear body cameras",
            agencies=("usdoj",),
            topics=("body-cameras",),
        ),
        make_event(
            "court-ruling",
            "2019-02-01",
            "court",
            "Court rules on the Negron case files",
            agencies=("bpd",),
        ),
        make_event(
            "annual-report",
            "2019-12",
            "report",
            "Annual use of force report",
            agencies=("bpd",),
            topics=("use-of-force",),
        ),
    ]
    return Collection(
        title="Test log: Connecticut body cameras",
        agencies={
            "bpd": Agency("bpd", "Bridgeport Police Department", aliases=("BPD",)),
            "usdoj": Agency("usdoj", "U.S. Department of Justice", aliases=("DOJ",)),
        },
        people={
            "perez": Person("perez", 'Armando "AJ" Perez', role="Chief of Police", agency="bpd")
        },
        topics={
            "body-cameras": Topic("body-cameras", "Body cameras"),
            "use-of-force": Topic("use-of-force", "Use of force"),
        },
        events=events,
    )


@pytest.fixture
def collection() -> Collection:
    return sample_collection()


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own config dir, so no test reads or writes the user's settings."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture
def nothing_waits_on_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's threads tell it by posting messages: one that calls ``call_from_thread``
    (which blocks the thread until the app runs the call, and forever once it has gone)
    fails, and what it had to say never arrives."""

    def refused(self: App[object], *args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("call_from_thread waits on the app: post a message instead")

    monkeypatch.setattr(App, "call_from_thread", refused)
