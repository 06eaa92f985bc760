"""Words for the model's values: money, people, agencies, dates in words.

Pure functions over ``tui.model.log`` objects, shared by the TUI and the CLI so that an
amount or a person reads the same on screen and in a table. No Textual here. The results
are plain strings built from log text; callers still pass them through
``tui.model.text.printable`` (the TUI's ``safe_content`` does) before drawing them.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from tui.model.edtf import MONTH_NAMES, zone_name

if TYPE_CHECKING:
    from tui.model.edtf import EDTFDate
    from tui.model.log import Agency, Collection, Person

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Currencies whose symbol is unambiguous enough to put in front of the amount; any other
# ISO 4217 code follows the amount ("1,200 GBP", "5,000 CAD"), so "$" never hides which dollar.
_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€"}


def format_money(amount: Decimal | int | float | None, currency: str | None = "USD") -> str:
    """An amount as people write it: ``$895,000``, ``€1,200``, ``1,200 GBP``, ``$12.50``.

    Whole amounts show no cents; anything else shows two decimals. ``None`` is "amount not
    given" so a grant without an amount still reads as a sentence.
    """
    if amount is None:
        return "amount not given"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    code = (currency or "USD").upper()
    sign = "-" if value < 0 else ""
    value = abs(value)
    number = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    symbol = _CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {code}"


_STRAIGHT_QUOTED = re.compile(r'"([^"]+)"')


def typographic_quotes(text: str) -> str:
    """Pairs of straight double quotes as curly ones: ``Armando "AJ" Perez`` -> ``Armando “AJ” Perez``."""
    return _STRAIGHT_QUOTED.sub("\u201c\\1\u201d", text)


# Words an agency's name is shortened by where no alias says how it is known: the
# timeline's agency column, the table export and roles ("Chief of Police, BPD").
_SHORTER = (
    (re.compile(r"\bPolice Department\b"), "PD"),
    (re.compile(r"\bSheriff['\u2019]s (?:Office|Department)\b"), "Sheriff"),
    (re.compile(r"\bDepartment of Public Safety\b"), "DPS"),
    (re.compile(r"\bHighway Patrol\b"), "HP"),
    (re.compile(r"\bDepartment\b"), "Dept."),
    (re.compile(r"\bCounty\b"), "Co."),
)


def shorten_agency_name(name: str) -> str:
    """``Bridgeport Police Department`` -> ``Bridgeport PD``; ``Los Angeles County
    Sheriff's Department`` -> ``Los Angeles Co. Sheriff``."""
    for pattern, short in _SHORTER:
        name = pattern.sub(short, name)
    return name


def agency_short_name(agency: Agency) -> str:
    """The name a reader knows the agency by: its first alias (``BPD``), else its name
    shortened by :func:`shorten_agency_name`. The one rule for every short agency name."""
    return agency.aliases[0] if agency.aliases else shorten_agency_name(agency.name)


def agency_name(collection: Collection, agency_id: str | None) -> str:
    """An agency's full name, or its id when the registry does not know it."""
    if agency_id is None:
        return "unknown agency"
    agency = collection.agencies.get(agency_id)
    return agency.name if agency else agency_id


def person_role(collection: Collection, person: Person) -> str:
    """The person's role and agency in a few words: ``Chief of Police, BPD`` (may be empty)."""
    parts: list[str] = []
    if person.role:
        parts.append(person.role)
    if person.agency:
        agency = collection.agencies.get(person.agency)
        parts.append(agency_short_name(agency) if agency else person.agency)
    return ", ".join(parts)


def person_display(collection: Collection, person_id: str | None) -> str:
    """A person by name with role: ``Armando “AJ” Perez (Chief of Police, BPD)``."""
    if person_id is None:
        return "unknown person"
    person = collection.people.get(person_id)
    if person is None:
        return person_id
    name = typographic_quotes(person.name)
    role = person_role(collection, person)
    return f"{name} ({role})" if role else name


def person_name(collection: Collection, person_id: str | None) -> str:
    """A person's name alone (for narrow columns), or the id when unknown."""
    if person_id is None:
        return ""
    person = collection.people.get(person_id)
    return typographic_quotes(person.name) if person else person_id


def day_words(day: datetime.date, *, year: bool = True) -> str:
    """``8 Dec 2017`` (locale-independent, unlike ``strftime('%b')``)."""
    text = f"{day.day} {_MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def bounds_in_words(lower: datetime.date, upper: datetime.date) -> str:
    """What the bounds of a date allow: ``on 8 Dec 2017``, ``some day between 1 May and 31 May 2017``."""
    open_start = lower == datetime.date.min
    open_end = upper == datetime.date.max
    if open_start and open_end:
        return "at an unknown date"
    if open_start:
        return f"on or before {day_words(upper)}"
    if open_end:
        return f"on or after {day_words(lower)}"
    if lower == upper:
        return f"on {day_words(lower)}"
    first = day_words(lower, year=lower.year != upper.year)
    return f"some day between {first} and {day_words(upper)}"


def time_in_words(date: EDTFDate) -> str:
    """When in its day a date-time is, to the second, with its zone in words:
    ``at 23:20:30 UTC on 12 Apr 1985``, ``at 10:10:10 (UTC+05:00) on 1 Jan 2004, 05:10:10
    UTC``, ``at 23:20:30 on 12 Apr 1985 (local time; no zone given)``."""
    clock = date.time
    assert clock is not None
    shown = f"{clock.hour:02d}:{clock.minute:02d}:{clock.second:02d}"
    day = day_words(date.lower)
    offset = clock.utcoffset()
    if offset is None:
        return f"at {shown} on {day} (local time; no zone given)"
    if not offset:
        return f"at {shown} UTC on {day}"
    instant = datetime.datetime.combine(date.lower, clock).astimezone(datetime.UTC)
    utc = f"{instant.hour:02d}:{instant.minute:02d}:{instant.second:02d} UTC"
    if instant.date() != date.lower:
        utc += f" on {day_words(instant.date())}"
    return f"at {shown} (UTC{zone_name(date)}) on {day}, {utc}"


def date_in_words(date: EDTFDate) -> str:
    """A date as written and what it allows: ``May 2017 — some day between 1 May and 31 May 2017``,
    ``9 May 2017`` (a day is said once).

    Qualifiers are spelled out (``approximate``, ``uncertain``) so a reader never mistakes
    a circa date for an exact one; a date-time says its time to the second and its zone.
    """
    if date.time is not None:
        return f"{date.display()} — {time_in_words(date)}"
    qualifiers = []
    if date.approximate:
        qualifiers.append("approximate")
    if date.uncertain:
        qualifiers.append("uncertain")
    words = date.display()
    if date.lower != date.upper:
        # One day says itself ("9 May 2017", not "9 May 2017 — on 9 May 2017"); a month, a
        # season or an interval says which days it allows.
        words += f" — {bounds_in_words(date.lower, date.upper)}"
    if qualifiers:
        words += f" ({' and '.join(qualifiers)})"
    return words


def shorter_dates(date: EDTFDate) -> tuple[str, ...]:
    """Shorter forms of ``date.display()`` for a narrow column, longest first, each with
    its year: ``1 Feb - 30 Apr 2018`` -> ``Feb–Apr 2018`` -> ``2018``.

    A column too narrow for the whole date takes the first form that fits, so a date is cut
    to a coarser precision, never to a lost year. Empty for a date-time (its row sits under
    the month's heading) and a date with nothing shorter to say.
    """
    if date.time is not None:
        return ()
    start = date.start if date.is_interval else date
    end = date.end if date.is_interval else date
    approximate = any(d is not None and d.approximate for d in (start, end))
    uncertain = any(d is not None and d.uncertain for d in (start, end))

    # A month only where the date names one: "2015/2019" never becomes "Jan 2015-Dec 2019".
    fine = all(d is None or d.precision in ("day", "month") for d in (start, end))

    def qualify(text: str) -> str:
        return f"{'c. ' if approximate else ''}{text}{'?' if uncertain else ''}"

    def month(day: datetime.date) -> str:
        return f"{MONTH_NAMES[day.month - 1][:3]} {day.year}"

    if start is None or end is None:
        if start is None and end is not None:
            b = end.upper
            forms = [f"until {month(b)}", f"until {b.year}", f"\u2013{b.year}"]
        elif start is not None:
            a = start.lower
            forms = [f"{month(a)} onwards", f"{a.year} onwards", f"{a.year}\u2013"]
        else:
            return ()
        return tuple(qualify(form) for form in (forms if fine else forms[1:]))
    a, b = start.lower, end.upper
    if date.precision in ("decade", "century") or a == datetime.date.min:
        return ()
    forms = []
    if a.year == b.year:
        if fine and a.month != b.month:
            months = f"{MONTH_NAMES[a.month - 1][:3]}\u2013{MONTH_NAMES[b.month - 1][:3]}"
            forms.append(f"{months} {a.year}")
        elif fine:
            forms.append(month(a))
        forms.append(str(a.year))
    else:
        if fine:
            forms.append(f"{month(a)}\u2013{month(b)}")
        forms.append(f"{a.year}\u2013{b.year}")
        if a.year // 100 == b.year // 100:
            forms.append(f"{a.year}\u2013{b.year % 100:02d}")
    return tuple(qualify(form) for form in forms)


def shorten_url(url: str, width: int) -> str:
    """``url`` in at most ``width`` characters for the eye: whole when it fits, else
    without its scheme, then with the middle of its path left out (``news12.com/judge-…
    -prison``), so the host and the end that tells pages apart both stay."""
    if len(url) <= width:
        return url
    text = url.split("://", 1)[-1]
    if len(text) <= width:
        return text
    if width < 12:
        return text[: max(1, width - 1)] + "…"
    head = (width - 1) * 2 // 3
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail :]
