"""Date-times in the exports: TimelineJS slides carry the time of day, iCalendar events
start at the instant; a date without a time is exported as before."""

from __future__ import annotations

import datetime
import json

import icalendar

from tui.formats import Selection, ics, timelinejs
from tui.model.edtf import parse_edtf
from tui.model.log import Collection, Event, Source


def _selection() -> Selection:
    events = [
        Event(
            id=event_id,
            date=parse_edtf(text),
            kind="other",
            title=event_id,
            sources=("s1",),
        )
        for event_id, text in (
            ("utc", "1985-04-12T23:20:30Z"),
            ("offset", "2004-01-01T01:10:10.250+05:00"),
            ("local", "2017-05-09T14:30:00"),
            ("day", "2017-05-10"),
        )
    ]
    collection = Collection(title="Times", sources={"s1": Source("s1", "S")}, events=events)
    return Selection(collection, list(range(len(collection.events))), datetime.date(2020, 1, 1))


def test_timelinejs_slides_carry_the_time_and_name_a_zone() -> None:
    document = json.loads(timelinejs.render_events(_selection()))
    slides = {slide["unique_id"]: slide for slide in document["events"]}
    assert slides["utc"]["start_date"] == {
        "year": 1985,
        "month": 4,
        "day": 12,
        "hour": 23,
        "minute": 20,
        "second": 30,
    }
    assert slides["utc"]["display_date"] == "12 Apr 1985 23:20 UTC"
    assert slides["offset"]["start_date"]["millisecond"] == 250
    assert slides["offset"]["display_date"] == "1 Jan 2004 01:10 +05:00"
    assert slides["local"]["start_date"]["hour"] == 14
    assert "display_date" not in slides["local"]  # no zone to name: TimelineJS shows it
    assert slides["day"]["start_date"] == {"year": 2017, "month": 5, "day": 10}


def test_ics_events_start_at_the_instant() -> None:
    calendar = icalendar.Calendar.from_ical(ics.render_events(_selection()))
    starts = {str(c["uid"]).split("@")[0]: c.decoded("dtstart") for c in calendar.walk("VEVENT")}
    assert starts["utc"] == datetime.datetime(1985, 4, 12, 23, 20, 30, tzinfo=datetime.UTC)
    # 01:10:10.25 at +05:00 is 20:10:10.25 UTC the day before (iCalendar keeps seconds).
    assert starts["offset"] == datetime.datetime(2003, 12, 31, 20, 10, 10, tzinfo=datetime.UTC)
    assert starts["local"] == datetime.datetime(2017, 5, 9, 14, 30)  # floating
    assert starts["day"] == datetime.date(2017, 5, 10)
    assert all("dtend" not in c for c in calendar.walk("VEVENT") if str(c["uid"]).startswith("utc"))
