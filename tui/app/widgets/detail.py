"""The detail pane: everything the log says about one event, and links to the events around it.

Every string from the log is drawn as ``Content`` through ``safe_content`` (never markup, controls
made visible). Source links become OSC 8 hyperlinks only for plain http(s) URLs; clicking one is
left to the user's terminal, so nothing runs on the machine that serves the app.

Related events are shown both ways (the event's own ``related`` list and the events that cite it)
in an ``OptionList``: enter or a click posts :class:`DetailPane.FollowRelated`, and the app moves the
timeline there (keeping its own back-stack).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.app.format import kind_content, link_content, part_style, safe_link_target, source_line
from tui.app.safe import safe_content
from tui.model.citations import number_citations
from tui.model.display import (
    agency_name,
    agency_short_name,
    date_in_words,
    day_words,
    format_money,
    person_display,
    shorten_url,
)
from tui.model.links.remembered import LinkResult
from tui.model.log import SETTLED_STATUSES, Collection, Event, Pledge
from tui.model.pledges import describe_overdue, due_bound, overdue_days, status_at
from tui.model.text import one_line, shown_name

LABEL_WIDTH = 10
# The History section (--since) lists this many of the latest commits; h shows them all.
HISTORY_LINES = 8


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """One row of the related list: where it points and which way the relation runs."""

    event_id: str
    outgoing: bool  # this event's `related` names it
    incoming: bool  # its `related` names this event ("cited by")
    why: tuple[str, ...] = ()  # the reasons given, outgoing first


class DetailPane(VerticalScroll):
    """Everything about the selected event; related events as links.

    Call :meth:`show` with the event (or None) whenever the selection, the collection or the
    as-of date changes.
    """

    # j and k scroll as the arrows do (the overlay at 80x24 has no timeline beneath to move).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="detail.up"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-pane--title",
        "detail-pane--label",
        "detail-pane--heading",
        "detail-pane--muted",
        "detail-pane--link",
        "detail-pane--overdue",
        "detail-pane--quote",
        "detail-pane--empty",
    }

    DEFAULT_CSS = """
    DetailPane {
        background: $surface;
        padding: 0 1;
        scrollbar-gutter: stable;
        & > #detail-body, & > #detail-more { width: 1fr; height: auto; }
        & > #detail-related-heading { margin-top: 1; height: auto; }
        & > #detail-related {
            height: auto;
            max-height: 12;
            border: none;
            padding: 0;
            background: $surface;
        }
        & > #detail-related:focus { border: none; background-tint: $foreground 5%; }
        /* The chosen link shows only while the list has focus (tab or a click). */
        & > #detail-related > .option-list--option-highlighted {
            background: transparent;
            color: $foreground;
        }
        & > #detail-related:focus > .option-list--option-highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }

        & > #detail-more { margin-top: 1; }
        & .detail-pane--title { text-style: bold; color: $text; }
        & .detail-pane--label { color: $text-muted; }
        & .detail-pane--heading { text-style: bold; color: $text-accent; }
        & .detail-pane--muted { color: $text-muted; }
        & .detail-pane--link { color: $text-primary; text-style: underline; }
        & .detail-pane--overdue { color: $text-error; text-style: bold; }
        & .detail-pane--quote { text-style: italic; }
        & .detail-pane--empty { color: $text-muted; text-style: italic; }
    }
    """

    class FollowRelated(Message):
        """The user chose a related event: the app should move the timeline to it."""

        def __init__(self, detail_pane: DetailPane, event_id: str) -> None:
            super().__init__()
            self.detail_pane = detail_pane
            self.event_id = event_id

        @property
        def control(self) -> DetailPane:
            """The detail pane the link was followed from."""
            return self.detail_pane

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._event: Event | None = None
        self._collection: Collection | None = None
        self._as_of: datetime.date = datetime.date.today()
        self._empty_message = "No event selected"
        self._links: list[RelatedLink] = []
        self._laid_out_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")
        yield Static(id="detail-related-heading")
        yield OptionList(id="detail-related")
        yield Static(id="detail-more")

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self._render_event()

    @property
    def event(self) -> Event | None:
        """The event shown, if any."""
        return self._event

    @property
    def related_ids(self) -> list[str]:
        """The ids of the related events listed, in the order shown (outgoing first)."""
        return [link.event_id for link in self._links]

    def show(
        self,
        event: Event | None,
        collection: Collection,
        as_of: datetime.date,
        *,
        empty_message: str = "No event selected",
    ) -> None:
        """Show ``event`` (or ``empty_message`` when it is None), rated as of ``as_of``."""
        changed = event is not self._event
        self._event = event
        self._collection = collection
        self._as_of = as_of
        self._empty_message = empty_message
        self._render_event()
        if changed:
            # A new event starts at its title; the same one re-shown keeps the reader's place.
            self.scroll_home(animate=False)

    def _theme_changed(self) -> None:
        # The parts' colours come from the theme: lay the text out again once it has applied.
        self.call_after_refresh(self._render_event)

    # ---- building the content ---------------------------------------------------------

    def _style(self, part: str) -> Style:
        return part_style(self, f"detail-pane--{part}")

    def _render_event(self) -> None:
        if not self.is_mounted:
            return
        body = self.query_one("#detail-body", Static)
        heading = self.query_one("#detail-related-heading", Static)
        related = self.query_one("#detail-related", OptionList)
        more = self.query_one("#detail-more", Static)
        event, collection = self._event, self._collection
        if event is None or collection is None:
            body.update(Content.styled(self._empty_message, self._style("empty")))
            self._links = []
            related.clear_options()
            for widget in (heading, related, more):
                widget.display = False
            return
        body.update(self._body(event, collection))
        self._links = self._related_links(event, collection)
        related.clear_options()
        related.add_options(self._link_option(link, collection) for link in self._links)
        if self._links:
            # Enter on a freshly focused list follows the first link, not nothing.
            related.highlighted = 0
        heading.update(Content.styled("Related events", self._style("heading")))
        heading.display = related.display = bool(self._links)
        more_content = self._more(event, collection)
        more.update(more_content)
        more.display = bool(more_content)

    def _label(self, label: str, value: Content | str) -> Content:
        value = value if isinstance(value, Content) else safe_content(value)
        return self._hanging(Content.styled(label.ljust(LABEL_WIDTH), self._style("label")), value)

    def _hanging(self, prefix: Content, value: Content) -> Content:
        """``prefix`` then ``value``, its wrapped lines indented under the value's start."""
        indent = prefix.cell_length
        width = self.scrollable_content_region.width - indent
        if width < 12 or value.cell_length <= width:
            # Too narrow to indent usefully (or not laid out yet): let the widget wrap it.
            return prefix + value
        pad = Content(" " * indent)
        lines = [line.rstrip() for line in value.wrap(width)]
        return Content("\n").join([prefix + lines[0], *(pad + line for line in lines[1:])])

    def on_resize(self) -> None:
        # Hanging indents depend on the width: lay the text out again.
        width = self.scrollable_content_region.width
        if width != self._laid_out_width:
            self._laid_out_width = width
            self._render_event()

    def _heading(self, text: str) -> Content:
        return Content.styled(text, self._style("heading"))

    def _body(self, event: Event, collection: Collection) -> Content:
        lines: list[Content] = [
            safe_content(event.title, single_line=True).stylize(self._style("title")),
            self._label("When", date_in_words(event.date)),
        ]
        kind = collection.kinds.get(event.kind)
        kind_label = kind.label if kind else event.kind
        lines.append(self._label("Kind", kind_content(event.kind, kind_label)))
        if event.agencies:
            names = [self._agency_words(collection, agency_id) for agency_id in event.agencies]
            lines.append(self._label("Agencies", names[0]))
            lines.extend(self._label("", name) for name in names[1:])
        if event.people:
            people = [person_display(collection, person_id) for person_id in event.people]
            lines.append(self._label("People", people[0]))
            lines.extend(self._label("", person) for person in people[1:])
        if event.topics:
            labels = [
                collection.topics[t].label if t in collection.topics else t for t in event.topics
            ]
            lines.append(self._label("Topics", ", ".join(labels)))
        if event.place:
            lines.append(self._label("Place", event.place))
        if event.summary:
            lines.append(Content(""))
            numbers = _source_numbers(event)
            lines.extend(
                safe_content(number_citations(p.strip(), numbers))
                for p in _paragraphs(event.summary)
            )
        if event.quotes:
            lines.append(Content(""))
            lines.append(self._heading("Quotes"))
            for quote in event.quotes:
                lines.extend(self._quote(quote.text, quote.by, quote.source, collection))
        if event.pledge is not None:
            lines.append(Content(""))
            lines.extend(self._pledge_block(event, event.pledge, collection))
        if event.grant is not None:
            grant = event.grant
            lines.append(Content(""))
            lines.append(self._heading("Grant"))
            lines.append(self._label("Amount", format_money(grant.amount, grant.currency)))
            if grant.from_ or grant.to:
                lines.append(self._label("From", agency_name(collection, grant.from_)))
                lines.append(self._label("To", agency_name(collection, grant.to)))
            if grant.purpose:
                lines.append(self._label("Purpose", grant.purpose))
        if event.rollout is not None:
            rollout = event.rollout
            lines.append(Content(""))
            lines.append(self._heading("Rollout"))
            if rollout.units is not None or rollout.unit:
                count = f"{rollout.units:,}" if rollout.units is not None else "some"
                lines.append(self._label("Units", f"{count} {rollout.unit or 'units'}"))
            if rollout.agency:
                lines.append(self._label("Agency", agency_name(collection, rollout.agency)))
            if rollout.where:
                lines.append(self._label("Where", rollout.where[0]))
                lines.extend(self._label("", where) for where in rollout.where[1:])
        lines.extend(self._accounts(event, collection))
        return Content("\n").join(lines)

    def _accounts(self, event: Event, collection: Collection) -> list[Content]:
        """Every account of a ``same_as`` group, one after another, each with its file."""
        group = collection.same_as_group(event.id)
        if len(group) < 2:
            return []
        lines = [Content(""), self._heading(f"Accounts ({len(group)})")]
        for event_id in group:
            account = collection.event(event_id)
            if account is None:
                continue
            where = account.location.file if account.location is not None else "?"
            lines.append(Content(""))
            lines.append(
                Content.styled(
                    one_line(f"{shown_name(where)} · {account.id}"), self._style("muted")
                )
            )
            lines.append(
                safe_content(account.title, single_line=True).stylize(self._style("title"))
            )
            if account.summary:
                numbers = _source_numbers(account)
                lines.extend(
                    safe_content(number_citations(p.strip(), numbers))
                    for p in _paragraphs(account.summary)
                )
            for number, source_id in enumerate(account.sources, 1):
                source = collection.sources.get(source_id)
                text = source_line(source) if source is not None else source_id
                lines.append(
                    self._hanging(Content(f"[{number}] "), safe_content(text, single_line=True))
                )
        return lines

    def _agency_words(self, collection: Collection, agency_id: str) -> str:
        agency = collection.agencies.get(agency_id)
        if agency is None:
            return agency_id
        short = agency_short_name(agency)
        return agency.name if short == agency.name else f"{agency.name} ({short})"

    def _quote(
        self, text: str, by: str | None, source_id: str | None, collection: Collection
    ) -> list[Content]:
        said = Content.assemble("\u201c", safe_content(text), "\u201d", end="").stylize(
            self._style("quote")
        )
        lines = [said]
        who = person_display(collection, by) if by else "unattributed"
        lines.append(Content.assemble("  \u2014 ", safe_content(who, single_line=True)))
        if source_id:
            lines.append(
                Content.assemble(
                    ("  in ", self._style("muted")),
                    self._source_ref(collection, source_id),
                )
            )
        return lines

    def _source_ref(self, collection: Collection, source_id: str) -> Content:
        source = collection.sources.get(source_id)
        if source is None:
            return safe_content(source_id, single_line=True)
        return link_content(source_line(source), source.url, self._link_style(source.url))

    def _link_style(self, url: str | None) -> Style | None:
        return self._style("link") if safe_link_target(url) else None

    def _pledge_block(self, event: Event, pledge: Pledge, collection: Collection) -> list[Content]:
        lines = [self._heading("Pledge")]
        if pledge.by:
            lines.append(self._label("By", person_display(collection, pledge.by)))
        lines.append(self._label("Made", event.date.display()))
        if pledge.due is not None:
            lines.append(self._label("Due", date_in_words(pledge.due)))
        status = status_at(pledge, self._as_of)
        lines.append(self._label("Status", f"{status} (as of {day_words(self._as_of)})"))
        days = overdue_days(event, self._as_of)
        bound = due_bound(pledge)
        if days is not None:
            late = describe_overdue(days, due=bound)
            lines.append(self._label("Overdue", Content.styled(late, self._style("overdue"))))
        elif bound is not None:
            settled = status in SETTLED_STATUSES
            lines.append(
                self._label(
                    "Overdue",
                    f"no ({status})" if settled else f"not yet (due by {day_words(bound)})",
                )
            )
        if pledge.ratings:
            lines.append(self._label("Ratings", ""))
            for rating in pledge.ratings:
                when = rating.as_of.display()
                future = rating.as_of.lower > self._as_of
                line = Content.assemble(
                    "  ",
                    (when.ljust(14), self._style("muted")),
                    safe_content(rating.status, single_line=True),
                    (" (after the as-of date)" if future else "", self._style("muted")),
                )
                lines.append(line)
                if rating.note:
                    note = number_citations(rating.note, _source_numbers(event))
                    lines.append(self._hanging(Content(" " * 16), safe_content(note)))
                for source_id in rating.evidence:
                    lines.append(
                        self._hanging(
                            Content.styled(" " * 16 + "evidence: ", self._style("muted")),
                            self._source_ref(collection, source_id),
                        )
                    )
        return lines

    def _more(self, event: Event, collection: Collection) -> Content:
        lines: list[Content] = []
        if event.sources:
            lines.append(self._heading("Sources"))
            for number, source_id in enumerate(event.sources, 1):
                lines.extend(self._source_lines(collection, source_id, number))
        if event.data:
            if lines:
                lines.append(Content(""))
            lines.append(self._heading("Details"))
            for key, value in event.data.items():
                lines.append(
                    Content.assemble(
                        safe_content(key, single_line=True).stylize(self._style("label")),
                        (": ", self._style("label")),
                        safe_content(_scalar(value), single_line=True),
                    )
                )
        if event.note:
            if lines:
                lines.append(Content(""))
            lines.append(self._heading("Note"))
            lines.append(safe_content(number_citations(event.note, _source_numbers(event))))
        history = self._history(event)
        if history:
            if lines:
                lines.append(Content(""))
            lines.extend(history)
        if event.location is not None:
            lines.append(Content(""))
            lines.append(Content.styled(f"{event.id} · {event.location}", self._style("muted")))
        return Content("\n").join(lines) if lines else Content("")

    def _history(self, event: Event) -> list[Content]:
        """With ``--since REV``: the event's mark and the commits that touched it."""
        tracker = getattr(self.app, "since_tracker", None)
        if tracker is None:
            return []
        mark = tracker.mark_of(event.id)
        heading = "History"
        if mark is not None:
            heading += f" ({'new' if mark == 'new' else 'changed'} since {tracker.label})"
        lines = [self._heading(heading)]
        entries = tracker.entries(event)
        muted = self._style("muted")
        if entries is None:
            text = tracker.error or "reading the history from git…"
            lines.append(Content.styled(text, muted))
            return lines
        if not entries:
            lines.append(Content.styled("no commit touched it (not committed yet)", muted))
        for i, entry in enumerate(entries):
            # The first (where it was first seen) and the latest ones; h shows them all.
            if len(entries) > HISTORY_LINES and 0 < i < len(entries) - HISTORY_LINES + 1:
                if i == 1:
                    skipped = len(entries) - HISTORY_LINES
                    lines.append(Content.styled(f"… {skipped} more", muted))
                continue
            lines.append(safe_content(entry.line(), single_line=True))
        lines.append(Content.styled("h: the whole history, old and new values", muted))
        return lines

    def _source_lines(self, collection: Collection, source_id: str, number: int) -> list[Content]:
        # Numbered as the text's inline citations ([@id] -> [1]) are.
        mark = f"[{number}] "
        source = collection.sources.get(source_id)
        if source is None:
            return [safe_content(f"{mark}{source_id}", single_line=True)]
        indent = Content(" " * len(mark))
        lines = [self._hanging(Content(mark), safe_content(source_line(source), single_line=True))]
        if source.author:
            by = Content.assemble("by ", safe_content(source.author, single_line=True))
            lines.append(self._hanging(indent, by))
        checks = getattr(self.app, "link_results", None) or {}
        url_check = checks.get(source.url) if source.url else None
        if source.url:
            lines.append(self._hanging(indent, self._url(source.url, indent.cell_length)))
            lines.extend(self._hanging(indent, mark) for mark in self._check_mark(url_check))
        if source.archived:
            label = "archived: "
            if url_check is not None and url_check.dead:
                label = "read the archived copy: "
            copy = self._url(source.archived, indent.cell_length + len(label))
            lines.append(self._hanging(indent, Content.assemble(label, copy)))
            copy_marks = self._check_mark(checks.get(source.archived))
            lines.extend(self._hanging(indent, mark) for mark in copy_marks)
        if source.accessed is not None:
            lines.append(self._hanging(indent, Content(f"accessed {source.accessed.display()}")))
        if source.note:
            note = safe_content(source.note).stylize(self._style("muted"))
            lines.append(self._hanging(indent, note))
        return lines

    def _url(self, url: str, used: int) -> Content:
        """A URL on one line: whole where it fits, else shortened for the eye (the link
        keeps it whole), never wrapped mid-word. One that cannot be a link stays whole."""
        if safe_link_target(url) is None:
            return safe_content(url, single_line=True)
        room = self.scrollable_content_region.width - used
        shown = shorten_url(url, room) if room > 0 else url
        return link_content(shown, url, self._link_style(url))

    def _check_mark(self, result: LinkResult | None) -> list[Content]:
        """Under a link: found dead (or moved) at the last ``watchline sources check``."""
        if result is None or result.status not in ("dead", "moved"):
            return []
        when = result.checked_at[:10]
        if result.status == "dead":
            why = f"{result.reason}, " if result.reason else ""
            text = f"\u2717 dead at the last check ({why}{when})"
            return [safe_content(text, single_line=True).stylize(self._style("overdue"))]
        text = f"\u2192 moved to {result.final_url or '?'} ({when})"
        return [safe_content(text, single_line=True).stylize(self._style("muted"))]

    def _related_links(self, event: Event, collection: Collection) -> list[RelatedLink]:
        """This event's links, then the events citing it; a pair that runs both ways is one row."""
        order: list[str] = []
        outgoing: dict[str, list[str]] = {}
        incoming: dict[str, list[str]] = {}
        for rel in event.related:
            if rel.event in collection.index:
                if rel.event not in outgoing and rel.event not in incoming:
                    order.append(rel.event)
                outgoing.setdefault(rel.event, []).extend([rel.why] if rel.why else [])
        for other, rel in collection.backlinks(event.id):
            if other.id not in outgoing and other.id not in incoming:
                order.append(other.id)
            incoming.setdefault(other.id, []).extend([rel.why] if rel.why else [])
        return [
            RelatedLink(
                event_id,
                event_id in outgoing,
                event_id in incoming,
                tuple(dict.fromkeys([*outgoing.get(event_id, ()), *incoming.get(event_id, ())])),
            )
            for event_id in order
        ]

    def _link_option(self, link: RelatedLink, collection: Collection) -> Option:
        other = collection.event(link.event_id)
        title = other.title if other else link.event_id
        when = other.date.display() if other else ""
        if link.outgoing and link.incoming:
            arrow = "\u2194 "  # both name each other
        elif link.outgoing:
            arrow = "\u2192 "
        else:
            arrow = "\u2190 cited by: "
        muted, link_style = self._style("muted"), self._style("link")
        if self.app.no_color:
            # Colours become greys (NO_COLOR): a light link on the cursor's light grey
            # would be grey on grey. The row takes the cursor's own colours instead.
            muted, link_style = Style(), Style(underline=True)
        parts: list[Content | tuple[str, Style]] = [
            (arrow, muted),
            safe_content(title, single_line=True).stylize(link_style),
        ]
        if when:
            parts.append((f" \u00b7 {when}", muted))
        if link.why:
            # one_line() trims its ends, so the spacing stays outside the log text.
            whys = [safe_content(why, single_line=True).stylize(muted) for why in link.why]
            parts.extend([(" (", muted), Content("; ").join(whys), (")", muted)])
        return Option(Content.assemble(*parts))

    @on(OptionList.OptionSelected, "#detail-related")
    def _follow(self, message: OptionList.OptionSelected) -> None:
        message.stop()
        index = message.option_index
        if 0 <= index < len(self._links):
            self.post_message(self.FollowRelated(self, self._links[index].event_id))


def _source_numbers(event: Event) -> dict[str, int]:
    """Each of the event's sources by its number in the Sources list (1-based)."""
    numbers: dict[str, int] = {}
    for number, source_id in enumerate(event.sources, 1):
        numbers.setdefault(source_id, number)
    return numbers


def _paragraphs(text: str) -> list[str]:
    """The summary's paragraphs, kept apart by one blank line."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    out: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i:
            out.append("")
        out.append(paragraph)
    return out


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


__all__ = ["DetailPane", "RelatedLink"]
