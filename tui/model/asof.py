"""``--as-of DATE``: the one reading of the date pledges are judged at, for every command.

``watchline``, ``list``, ``pledges`` and ``serve`` take the same values and judge them the
same way; ``rate`` checks its ``--as-of`` (the rating's own date) with the same function.
DATE is ``today`` or an EDTF date that has a last day, and is judged at that last day:
"as of 2018" means "by the end of 2018", so a rating or a deadline anywhere in 2018 counts.

    2018          -> 2018-12-31        2018-05  -> 2018-05-31      2018-05-09 -> itself
    2018-24       -> 2019-02-28 (winter runs into the next year)   ../2018    -> 2018-12-31
    today         -> today             2018/..  -> refused: an open end has no last day

Nothing here imports Textual; :func:`tui.commands.add_as_of_argument` adds the option.
"""

from __future__ import annotations

import datetime

__all__ = ["AS_OF_FORMS", "AS_OF_HELP", "TODAY", "AsOfError", "is_today", "last_day", "parse_as_of"]

TODAY = "today"

# What --as-of accepts, in the words every help text and error message uses.
AS_OF_FORMS = (
    "a year (2018), a month (2018-05), a day (2018-05-31), any EDTF date with a last day, or today"
)
# The help of every --as-of that judges pledges: watchline, list, pledges, serve.
AS_OF_HELP = (
    f"judge pledges (status, overdue) at the last day of DATE: {AS_OF_FORMS} (default: today)"
)


class AsOfError(ValueError):
    """A value ``--as-of`` cannot judge at; ``message`` is printable and says what to give."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def last_day(text: str) -> datetime.date:
    """The last day the EDTF date ``text`` allows (``2018`` -> 2018-12-31).

    Raises :class:`AsOfError` for text that is not EDTF or a date with an open or unknown
    end (``2018/..``, ``2018-06/``), which has no last day.
    """
    from tui.model.edtf import EDTFError, parse_edtf
    from tui.model.text import printable

    try:
        date = parse_edtf(text)
    except EDTFError as error:
        raise AsOfError(f"{printable(error.message)}; give {AS_OF_FORMS}") from None
    if date.is_interval and date.end is None:  # not upper == date.max: 9999 has a last day
        raise AsOfError(
            f"{printable(repr(text.strip()))} has an open end, so no last day; give {AS_OF_FORMS}"
        )
    return date.upper


def parse_as_of(text: str | None, *, today: datetime.date | None = None) -> datetime.date:
    """The day ``--as-of TEXT`` judges pledges at: :func:`last_day` of an EDTF date, or
    ``today`` (any case; also when ``text`` is None, the option not given).

    ``today`` stands in for :meth:`datetime.date.today` (tests). Raises :class:`AsOfError`.
    """
    if text is None or is_today(text):
        return today or datetime.date.today()
    return last_day(text)


def is_today(text: str) -> bool:
    """Whether ``text`` is the word ``today`` (as :func:`parse_as_of` reads it)."""
    return text.strip().lower() == TODAY
