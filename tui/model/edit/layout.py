"""Where lines go in a log's text: an event's span, its composed node, the pledge block and
the indentation and style the file already uses.

Nothing here imports Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tui.model.edit.errors import EditError, NewRating, UnsafeEditError
from tui.model.edit.scalars import quote_id, quoted, scalar
from tui.model.text import one_line

# Every `id:` value, block or flow, quoted or not (a superset of the event ids).
ID_LINE = re.compile(r"""(?:^|[\s{,])id: *["']?([^"'\s#,{}\[\]]+)""", re.M)


# A top-level `events:` key, and the first line of its first item.
_EVENTS_KEY = re.compile(r"^events:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-[ \r\n]", re.M)


def event_span(text: str, lines: list[str], event_id: str) -> tuple[int, int] | None:
    """The 0-based lines ``[start, end)`` of the events item that holds ``id: event_id``.

    A text scan, cheap on any size of log: the item runs from its dash (at the column of
    the events' dashes) to the next dash at that column or the next top-level key. Only a
    hint: :func:`compose_event` checks that the lines hold exactly that event.
    """
    events = _EVENTS_KEY.search(text)
    if events is None:
        return None
    first = text.count("\n", 0, events.start(1))
    item_start = re.compile("^ {" + str(len(events.group(1))) + r"}-(?: |\r?\n?$)")
    top_level = re.compile(r"^[^\s#]")
    quoted = re.escape(event_id)
    id_line = re.compile(
        rf"^ *(?:- +)*id: *(?:{quoted}|\"{quoted}\"|'{quoted}')[ \t]*(?:#[^\n]*)?\r?$", re.M
    )
    for match in id_line.finditer(text, events.start(1)):
        number = text.count("\n", 0, match.start())
        start = number
        while start > first and not item_start.match(lines[start]):
            if top_level.match(lines[start]):
                break
            start -= 1
        if not item_start.match(lines[start]):
            continue
        end = number + 1
        while end < len(lines) and not (
            item_start.match(lines[end]) or top_level.match(lines[end])
        ):
            end += 1
        return start, end
    return None


def compose_event(chunk_lines: list[str], event_id: str) -> MappingNode | None:
    """The event's node if ``chunk_lines`` are exactly one events item with that id."""
    try:
        root = YAML(typ="rt").compose("".join(chunk_lines))
    except YAMLError:
        return None
    if not (isinstance(root, SequenceNode) and not root.flow_style and len(root.value) == 1):
        return None
    event = root.value[0]
    if not isinstance(event, MappingNode):
        return None
    found = node_value(event, "id")
    if not (isinstance(found, ScalarNode) and found.value == event_id):
        return None
    return event


@dataclass(frozen=True, slots=True)
class _Style:
    """How this file lays out sequences and mappings, so new lines look like old ones."""

    seq_offset: int  # dash column minus the column of its key (0 for `key:\n- item`)
    item_offset: int  # first content column of a block item minus its dash column
    map_indent: int  # a nested block mapping's key column minus its parent key's
    flow_items: bool  # ratings written `- {status: ...}` (True) or as block mappings


# The file's habits, read from its first `ratings:` list, `events:` list and `pledge:` block.
_RATINGS_HABIT = re.compile(
    r"^( *)ratings:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-( +)(\{)?", re.M
)


_EVENTS_HABIT = re.compile(r"^()events:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)-( +)", re.M)


_PLEDGE_HABIT = re.compile(r"^( *)pledge:[ \t]*(?:#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*( *)\S", re.M)


def detect_style(text: str) -> _Style:
    """How this file lays out ratings, so new lines look like the old ones.

    A text scan rather than a parse, so that it costs nothing on a large log.
    """
    ratings = _RATINGS_HABIT.search(text)
    events = _EVENTS_HABIT.search(text)
    pledge = _PLEDGE_HABIT.search(text)
    seq_offset, item_offset, flow_items = 2, 2, True
    for habit in (events, ratings):  # a ratings: list, when there is one, has the last word
        if habit is not None:
            seq_offset = len(habit.group(2)) - len(habit.group(1))
            item_offset = 1 + len(habit.group(3))
    if ratings is not None:
        flow_items = ratings.group(4) is not None
    map_indent = 2
    if pledge is not None and len(pledge.group(2)) > len(pledge.group(1)):
        map_indent = len(pledge.group(2)) - len(pledge.group(1))
    return _Style(
        seq_offset=max(seq_offset, 0),
        item_offset=max(item_offset, 2),
        map_indent=map_indent,
        flow_items=flow_items,
    )


def _item_offset(sequence: SequenceNode, item: Node, lines: list[str]) -> int | None:
    """How far after its dash a block item's content starts, if on the dash's line."""
    dash = sequence.start_mark.column
    line, column = item.start_mark.line, item.start_mark.column
    if line >= len(lines) or lines[line][dash:column].strip() != "-" or column - dash < 2:
        return None
    return column - dash


def plan_rating(
    event: MappingNode, rating: NewRating, style: _Style, lines: list[str]
) -> tuple[int, list[str]]:
    """Where the rating's lines go (0-based index of the line they precede) and what they are."""
    event_id = node_value(event, "id")
    kind = node_value(event, "kind")
    if not (isinstance(kind, ScalarNode) and kind.value == "pledge"):
        name = event_id.value if isinstance(event_id, ScalarNode) else "?"
        raise EditError(_not_a_pledge(name, kind.value if isinstance(kind, ScalarNode) else None))
    if event.flow_style:
        raise UnsafeEditError(_flow_refusal("the event"))
    item = _rating_item(rating, style)  # dash at column 0
    pledge_key = _key(event, "pledge")
    pledge = node_value(event, "pledge")
    if pledge_key is None:
        # No pledge: block yet; add `pledge:` / `ratings:` / the item after the event.
        block = [
            "pledge:",
            *_indent(["ratings:", *_indent(item, style.seq_offset)], style.map_indent),
        ]
        return _content_end(event, lines) + 1, _indent(block, event.start_mark.column)
    if _is_empty(pledge):
        column = pledge_key.start_mark.column + style.map_indent
        block = ["ratings:", *_indent(item, style.seq_offset)]
        return pledge_key.end_mark.line + 1, _indent(block, column)
    if not isinstance(pledge, MappingNode) or pledge.flow_style:
        raise UnsafeEditError(_flow_refusal("its pledge: block"))
    ratings_key = _key(pledge, "ratings")
    ratings = node_value(pledge, "ratings")
    if ratings_key is None:
        block = ["ratings:", *_indent(item, style.seq_offset)]
        return _content_end(pledge, lines) + 1, _indent(block, pledge.start_mark.column)
    if _is_empty(ratings):
        column = ratings_key.start_mark.column + style.seq_offset
        return ratings_key.end_mark.line + 1, _indent(item, column)
    if not isinstance(ratings, SequenceNode) or ratings.flow_style or not ratings.value:
        raise UnsafeEditError(_flow_refusal("its ratings: list"))
    # Look like this pledge's own last rating: flow or block, and its content column.
    last = ratings.value[-1]
    if isinstance(last, MappingNode):
        own = replace(
            style,
            flow_items=bool(last.flow_style),
            item_offset=_item_offset(ratings, last, lines) or style.item_offset,
        )
        item = _rating_item(rating, own)
    return _content_end(last, lines) + 1, _indent(item, ratings.start_mark.column)


def _rating_item(rating: NewRating, style: _Style) -> list[str]:
    """The rating as a sequence item, dash at column 0, in the file's item style."""
    pairs = [("status", scalar(rating.status)), ("as_of", scalar(str(rating.as_of), date=True))]
    if rating.evidence:
        pairs.append(("evidence", "[" + ", ".join(scalar(s) for s in rating.evidence) + "]"))
    if rating.note is not None:
        pairs.append(("note", quoted(rating.note)))
    if style.flow_items:
        return ["- {" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"]
    pad = " " * style.item_offset
    first = "-" + pad[1:] + f"{pairs[0][0]}: {pairs[0][1]}"
    return [first, *(f"{pad}{k}: {v}" for k, v in pairs[1:])]


def _indent(block: list[str], columns: int) -> list[str]:
    pad = " " * columns
    return [pad + line for line in block]


def _content_end(node: Node, lines: list[str]) -> int:
    """The 0-based line of the last character that belongs to ``node``'s content.

    Block collections end where their last value ends; a scalar or flow collection's end
    mark is exact, except that a block scalar (``|``, ``>``) also swallows the blank lines
    after it, which are not its content (unless kept with ``+``; the check after the
    insert refuses that case rather than change the scalar).
    """
    if isinstance(node, MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        if _is_empty(value):
            return key.end_mark.line
        return _content_end(value, lines)
    if isinstance(node, SequenceNode) and not node.flow_style and node.value:
        return _content_end(node.value[-1], lines)
    mark = node.end_mark
    line = mark.line if mark.column > 0 else mark.line - 1
    while line > node.start_mark.line and line < len(lines) and not lines[line].strip():
        line -= 1
    return min(line, len(lines) - 1)


def _is_empty(node: Node | None) -> bool:
    """``key:`` with nothing after it (a null written as nothing)."""
    return (
        isinstance(node, ScalarNode)
        and node.value == ""
        and node.style is None
        and (node.tag or "").endswith(":null")
    )


def _key(mapping: MappingNode, name: str) -> ScalarNode | None:
    for key, _ in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key
    return None


def node_value(mapping: MappingNode, name: str) -> Node | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return value
    return None


def find_event(events: SequenceNode, event_id: str) -> MappingNode | None:
    for event in events.value:
        if isinstance(event, MappingNode):
            found = node_value(event, "id")
            if isinstance(found, ScalarNode) and found.value == event_id:
                return event
    return None


def newline_of(lines: list[str]) -> str:
    for line in lines:
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith("\n"):
            return "\n"
    return "\n"


def _not_a_pledge(event_id: str, kind: str | None) -> str:
    what = f"a {one_line(kind)} event" if kind else "an event without a kind"
    return f"{quote_id(event_id)} is {what}, not a pledge; only pledges take ratings"


def _flow_refusal(what: str) -> str:
    return (
        f"{what} is written in flow style ({{...}} or [...]); adding a rating would "
        f"change that line. Rewrite it in block style, one key a line, and rate again"
    )
