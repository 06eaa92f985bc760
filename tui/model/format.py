"""Format v1 of the event log as one declarative table.

The same table drives the loader's validation (``tui.model.load``) and the JSON Schema
(``tui.model.schema``), so an editor with yaml-language-server and ``watchline validate``
agree on what a log may hold. Field names are the log's own and match the dataclasses in
``tui.model.log`` (``from`` is the attribute ``from_``).

A field's ``kind`` says what its value is:

``version``   the format version, the number 1
``text``      a string; it may cite sources inline, ``[@source-id]`` (``tui.model.citations``)
``id``        a lowercase slug naming the thing itself (an event's ``id``)
``ref``       a slug naming an entry of a registry (``ref`` says which)
``refs``      a list of such slugs
``texts``     a list of strings
``date``      an EDTF date (quoted or not; a bare year is a number in YAML)
``count``     a whole number, zero or more
``amount``    a number, zero or more (read exactly, as a Decimal)
``currency``  an ISO 4217 code
``status``    a pledge status (``PLEDGE_STATUSES``)
``url``       an http(s) address
``data``      a mapping of names to plain values (text, numbers, true/false)
``mapping``   a nested mapping described by ``spec``
``list``      a list of nested mappings described by ``spec``
``registry``  a mapping of slug ids to nested mappings described by ``spec``
``query``     a query in the search bar's language, checked by ``tui.model.query.parse_query``
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from tui.model.log import BUILTIN_KINDS, PLEDGE_STATUSES, REGISTRIES

# Registry ids and event ids: lowercase slugs, as docs/design.md says ("The log").
SLUG_PATTERN = r"^[a-z0-9][a-z0-9\-_]*$"
SLUG = re.compile(SLUG_PATTERN)
URL_PATTERN = r"^https?://"
URL = re.compile(URL_PATTERN)

# How long text may be, in characters (code points, as JSON Schema's maxLength counts).
# The loader reports a longer value as a problem at its position and the schema carries
# the same maxLength. The detail pane lays out about a thousand characters a millisecond
# (Textual wraps word by word), so EVENT_TEXT_LIMIT keeps any accepted event's pane to
# about one frame, where a 10 MB title once took 20 s and 591 MB.
TEXT_LIMITS: dict[str, int] = {
    "title": 300,  # an event's, a source's or the log's title: one row of the timeline
    "summary": 20_000,  # an event's account: about 3,000 words
    "description": 20_000,  # the log's, a topic's
    "*": 2_000,  # every other text: names, places, notes, quotes, URLs, list items, data
}
SLUG_LIMIT = 100  # an id or a reference to one
EVENT_TEXT_LIMIT = 25_000  # all the text of one event together: what its detail pane shows


def text_limit(name: str) -> int:
    """The most characters field ``name`` may hold (``TEXT_LIMITS``)."""
    return TEXT_LIMITS.get(name, TEXT_LIMITS["*"])


# What one entry of a registry (tui.model.log.REGISTRIES) or of the events list is called
# in a message.
NOUNS: dict[str, str] = {registry.name: registry.noun for registry in REGISTRIES} | {
    "events": "event"
}

# ISO 4217 alphabetic codes in use, plus the ones withdrawn since 2000 that a log of past
# events may still name (HRK until 2023, LTL until 2015, ...). A static table: the list
# changes a few times a decade and a dependency for it would weigh more than the table.
CURRENCIES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD
    MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
    VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA
    XXX YER ZAR ZMW ZWG ZWL
    BYR EEK HRK LTL LVL MRO STD VEF ZMK
    """.split()  # noqa: SIM905 - a block of codes reads better than 190 quoted strings
)

KINDS = (
    "version",
    "text",
    "id",
    "ref",
    "refs",
    "texts",
    "date",
    "count",
    "amount",
    "currency",
    "status",
    "url",
    "data",
    "mapping",
    "list",
    "registry",
    "query",
)


@dataclass(frozen=True, slots=True)
class Field:
    """One key of a mapping in the log."""

    name: str
    kind: str
    description: str
    required: bool = False
    ref: str | None = None  # for ref/refs: the registry the ids point into
    spec: str | None = None  # for mapping/list/registry: the nested mapping's name
    attr: str | None = None  # the dataclass attribute when it differs from ``name``
    min_items: int = 0  # for lists: how many items at least

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def attribute(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class Mapping:
    """One kind of mapping in the log: its fields, in the order a log writes them."""

    name: str  # key in SPECS and in the JSON Schema's $defs
    noun: str  # what a message calls it: "event", "agency", "rating"
    description: str
    fields: tuple[Field, ...] = field(default=())

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


def _spec(name: str, noun: str, description: str, *fields: Field) -> Mapping:
    return Mapping(name, noun, description, tuple(fields))


NOTE = (
    "A note for readers: caveats, what is unverified, context. "
    "May cite sources inline: [@source-id] or [@a; @b]."
)

SPECS: dict[str, Mapping] = {
    m.name: m
    for m in (
        _spec(
            "log",
            "log",
            "A watchline event log (format version 1): registries first, then events.",
            Field("watchline", "version", "The format version: 1.", required=True),
            Field("title", "text", "The log's title, shown in the header.", required=True),
            Field("description", "text", "What the log covers, free text."),
            Field(
                "agencies",
                "registry",
                "Agencies by id (a lowercase slug such as bpd).",
                spec="agency",
            ),
            Field("people", "registry", "People by id (a lowercase slug).", spec="person"),
            Field("topics", "registry", "Topics by id (a lowercase slug).", spec="topic"),
            Field(
                "sources",
                "registry",
                "Sources by id (a lowercase slug); events cite them.",
                spec="source",
            ),
            Field(
                "kinds",
                "registry",
                "Event kinds beyond the built-in ones (" + ", ".join(BUILTIN_KINDS) + "), by id.",
                spec="kind",
            ),
            Field(
                "views",
                "registry",
                "Saved queries by id (a lowercase slug), offered by v in the timeline and by "
                "--view ID on the command line.",
                spec="view",
            ),
            Field("events", "list", "The events, in any order.", spec="event"),
        ),
        _spec(
            "agency",
            "agency",
            "An agency: a police department, a state agency, a court, a funder.",
            Field("name", "text", "The agency's full name.", required=True),
            Field("kind", "text", "What sort of agency: local_police, state_police, federal, ..."),
            Field("jurisdiction", "text", "Where it acts, e.g. Bridgeport, CT."),
            Field("aliases", "texts", "Other names a search should find, e.g. [BPD]."),
            Field("url", "url", "Its web site (http or https)."),
            Field("ori", "texts", "FBI ORI codes, as data sets such as Fatal Force carry them."),
            Field("note", "text", NOTE),
        ),
        _spec(
            "person",
            "person",
            "A person named by events, quotes and pledges.",
            Field("name", "text", "The person's name as a reader knows it.", required=True),
            Field("role", "text", "Their role, e.g. Chief of Police."),
            Field(
                "agency", "ref", "The agency they belong to (an id from agencies).", ref="agencies"
            ),
            Field("aliases", "texts", "Other names a search should find."),
            Field("note", "text", NOTE),
        ),
        _spec(
            "topic",
            "topic",
            "A topic events can be filed under.",
            Field("label", "text", "The topic's name as shown.", required=True),
            Field("description", "text", "What the topic covers."),
        ),
        _spec(
            "source",
            "source",
            "A source that events cite: an article, a report, a record.",
            Field("title", "text", "The source's title.", required=True),
            Field("publisher", "text", "Who published it."),
            Field("author", "text", "Who wrote it."),
            Field("published", "date", "When it was published (EDTF, e.g. 2017-12-01)."),
            Field("url", "url", "Where to read it (http or https)."),
            Field(
                "archived",
                "url",
                "An archived copy of the page (http or https), e.g. on web.archive.org.",
            ),
            Field("accessed", "date", "When the page was last read or checked (EDTF)."),
            Field("note", "text", NOTE),
        ),
        _spec(
            "kind",
            "kind",
            "An event kind beyond the built-in ones.",
            Field("label", "text", "The kind's name as shown.", required=True),
        ),
        _spec(
            "view",
            "view",
            "A saved query with a name a reader picks it by.",
            Field("label", "text", "What the view shows, e.g. Overdue pledges.", required=True),
            Field(
                "query",
                "query",
                "The query, as typed in the search bar: status:overdue agency:bpd.",
                required=True,
            ),
        ),
        _spec(
            "event",
            "event",
            "One event: what happened, when, who was involved, and the sources that say so.",
            Field(
                "id", "id", "Unique id across all loaded logs (a lowercase slug).", required=True
            ),
            Field(
                "date",
                "date",
                "When (EDTF): 2017-05-09, 2017-05, 2017, 2018-06~ (about), 2017? (uncertain), "
                "2018-22 (summer), 2018-06/2018-08 (interval), 2018-06/.. (open end), "
                "2017-05-09T14:30:00Z (a time, in UTC or with an offset such as -04:00).",
                required=True,
            ),
            Field(
                "kind",
                "ref",
                "What sort of event: a built-in kind or one from kinds.",
                required=True,
                ref="kinds",
            ),
            Field("title", "text", "One line saying what happened.", required=True),
            Field(
                "summary",
                "text",
                "More detail, may be several paragraphs. May cite sources inline: "
                "[@source-id] or [@a; @b].",
            ),
            Field("agencies", "refs", "Agencies involved (ids from agencies).", ref="agencies"),
            Field("people", "refs", "People involved (ids from people).", ref="people"),
            Field("topics", "refs", "Topics (ids from topics).", ref="topics"),
            Field("place", "text", "Where it happened."),
            Field(
                "sources",
                "refs",
                "Sources that say what the event says (ids from sources); at least one.",
                required=True,
                ref="sources",
                min_items=1,
            ),
            Field("quotes", "list", "What people said, with who and where.", spec="quote"),
            Field("related", "list", "Other events this one relates to.", spec="related"),
            Field(
                "same_as",
                "refs",
                "Ids of events (in any loaded log) that are this same incident as another "
                "source saw it; one side is enough (same_as is symmetric).",
                ref="events",
            ),
            Field("note", "text", NOTE),
            Field(
                "data",
                "data",
                "Other facts as name: value (text, numbers, true/false), shown in the details.",
            ),
            Field("pledge", "mapping", "A promise and its rating history.", spec="pledge"),
            Field("grant", "mapping", "Money that moved.", spec="grant"),
            Field("rollout", "mapping", "Equipment or a program put in place.", spec="rollout"),
        ),
        _spec(
            "quote",
            "quote",
            "A quotation.",
            Field("text", "text", "The words, exactly.", required=True),
            Field("by", "ref", "Who said it (an id from people).", ref="people"),
            Field("source", "ref", "Where it was reported (an id from sources).", ref="sources"),
        ),
        _spec(
            "related",
            "related event",
            "A link to another event.",
            Field("event", "ref", "The other event's id.", required=True, ref="events"),
            Field("why", "text", "How they relate, e.g. cited at."),
        ),
        _spec(
            "pledge",
            "pledge",
            "A promise: who made it, when it is due, and how it has been rated over time.",
            Field("by", "ref", "Who promised (an id from people).", ref="people"),
            Field("due", "date", "When it is due (EDTF; 2017-12-08~ for about)."),
            Field(
                "ratings",
                "list",
                "Dated ratings; the status at a date is the latest rating on or before it.",
                spec="rating",
            ),
        ),
        _spec(
            "rating",
            "rating",
            "A pledge's status as of a date, with the evidence for it.",
            Field(
                "status",
                "status",
                "One of: " + ", ".join(PLEDGE_STATUSES) + ".",
                required=True,
            ),
            Field("as_of", "date", "The date of the rating (EDTF).", required=True),
            Field("evidence", "refs", "Sources that show it (ids from sources).", ref="sources"),
            Field("note", "text", NOTE),
        ),
        _spec(
            "grant",
            "grant",
            "Money that moved from one agency to another.",
            Field("amount", "amount", "How much, zero or more, e.g. 895000."),
            Field("currency", "currency", "ISO 4217 code; USD if not given."),
            Field(
                "from", "ref", "Who gave it (an id from agencies).", ref="agencies", attr="from_"
            ),
            Field("to", "ref", "Who received it (an id from agencies).", ref="agencies"),
            Field("purpose", "text", "What it is for."),
        ),
        _spec(
            "rollout",
            "rollout",
            "Equipment or a program put in place.",
            Field("agency", "ref", "Whose rollout (an id from agencies).", ref="agencies"),
            Field("units", "count", "How many, e.g. 200."),
            Field("unit", "text", "Of what, e.g. body cameras."),
            Field("where", "texts", "Where, e.g. [Troop H, Hartford]."),
        ),
    )
}

LOG = SPECS["log"]
