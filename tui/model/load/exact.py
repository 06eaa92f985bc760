"""The exact parser's YAML: ruamel.yaml's pure-Python scanner, read as YAML 1.2 reads.

:func:`tui.model.load.tree.parse_text` drives ruamel.yaml event by event because it keeps
every position. Its scanner, though, descends from PyYAML's YAML 1.1 one, and on the
yaml-test-suite it refuses valid YAML (tabs wherever YAML 1.2 allows them, a flow key
whose ``:`` is on the next line, leading blank lines of a block scalar) and accepts
invalid YAML (``"value"# comment``, ``[-]``, flow lines not indented under their key),
where yaml-rs, the fast path's parser, reads as the suite says. A log must mean one thing
whichever parser reads it, so :class:`Scanner` corrects each of those places, and
``tests/model/test_yaml_suite.py`` holds both parsers to the suite.

Two rules of a log are enforced here as well: a directive other than ``%YAML 1.1`` or
``%YAML 1.2`` is refused where it stands (ruamel stops with an ``AssertionError`` on
``%YAML 1.3``), and a syntax error names any odd whitespace (a no-break space, an
ideographic space, a zero-width space) on its line by code point, since it looks like a
space but is text to YAML. ``docs/yaml.md`` lists every rule and the reasons.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML, tokens
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scanner import Scanner as _RuamelScanner
from ruamel.yaml.scanner import ScannerError

from tui.model.load.guards import complete_last_line
from tui.model.text import odd_whitespace

__all__ = ["Scanner", "Unsupported", "complete_last_line", "odd_whitespace", "parse_events"]

_BREAKS = "\r\n\x85\u2028\u2029"
_THE_END = "\0" + _BREAKS
_BLANK_OR_END = " \t" + _THE_END
_FLOW_INDICATORS = ",[]{}"
_DOCUMENT_MARKS = ("---", "...")
SUPPORTED_VERSIONS = ((1, 1), (1, 2))


class Unsupported(MarkedYAMLError):
    """Valid YAML that a log may not use (a directive other than ``%YAML 1.1``/``1.2``).

    Its ``problem`` is the whole message, shown without the "YAML syntax error" prefix.
    """


class Scanner(_RuamelScanner):
    """ruamel.yaml's scanner with its YAML 1.2 deviations corrected (see the module)."""

    # ---- where a token stands on its line

    def _leading_tab(self) -> int | None:
        """The spaces before the first tab, if only spaces and tabs (at least one tab)
        precede the next character on its line; else None."""
        reader = self.reader
        buffer = reader.buffer
        start = reader.pointer
        while start > 0 and buffer[start - 1] in " \t":
            start -= 1
        if start > 0 and buffer[start - 1] not in _BREAKS:
            return None
        leading = buffer[start : reader.pointer]
        if "\t" not in leading:
            return None
        return leading.index("\t")

    def _tab_before(self) -> bool:
        """Whether the whitespace just before the next character holds a tab."""
        buffer = self.reader.buffer
        index = self.reader.pointer - 1
        while index >= 0 and buffer[index] in " \t":
            if buffer[index] == "\t":
                return True
            index -= 1
        return False

    def _column(self) -> int:
        """The indentation the next token counts as: tabs never indent in YAML 1.2."""
        if not self.flow_level:
            spaces = self._leading_tab()
            if spaces is not None:
                return spaces
        return int(self.reader.column)

    def _no_tab_indent(self, what: str) -> None:
        # A block collection starts after spaces only: `-\t- x` and `?\tkey: x` are errors.
        if not self.flow_level and self._tab_before():
            raise ScannerError(
                None,
                None,
                f"a tab indents {what}; YAML indents with spaces only",
                self.reader.get_mark(),
            )

    # ---- whitespace, comments, directives

    def scan_to_next_token(self) -> Any:
        """Skip whitespace (tabs as well as spaces: whether a tab may stand where the
        next token starts is for that token to check), line breaks and comments.

        A comment must follow whitespace or start its line (``"value"# x`` is an error),
        and a line inside brackets must be indented more than the block it sits in.
        """
        srp = self.reader.peek
        srf = self.reader.forward
        if self.reader.index == 0 and srp() == "\ufeff":
            srf()
        while True:
            before = self.reader.index
            while srp() in " \t":
                srf()
            if srp() == "#":
                previous = self.reader.buffer[self.reader.pointer - 1] if before else "\n"
                if previous not in " \t" + _BREAKS:
                    raise ScannerError(
                        None,
                        None,
                        "a comment needs a space before its '#'",
                        self.reader.get_mark(),
                    )
                while srp() not in _THE_END:
                    srf()
            if not self.scan_line_break():
                return None
            if not self.flow_level:
                self.allow_simple_key = True
            else:
                self._check_flow_line()

    def _check_flow_line(self) -> None:
        """A line inside brackets that holds something is indented past the block."""
        srp = self.reader.peek
        spaces = 0
        while srp(spaces) == " ":
            spaces += 1
        rest = spaces
        while srp(rest) in " \t":
            rest += 1
        if srp(rest) in _THE_END or srp(rest) == "#":
            return
        if self.reader.prefix(3) in _DOCUMENT_MARKS and srp(3) in _BLANK_OR_END:
            return  # the parser reports the unclosed bracket
        if spaces <= self.indent:
            self.reader.forward(spaces)
            raise ScannerError(
                None,
                None,
                "this line inside brackets must be indented more than the line that "
                f"opens them ({self.indent + 1} spaces or more)",
                self.reader.get_mark(),
            )

    def scan_directive(self) -> Any:
        start_mark = self.reader.get_mark()
        token = super().scan_directive()
        if token.name != "YAML":
            raise Unsupported(
                None,
                None,
                f"the directive %{token.name} is not allowed in a log; only %YAML 1.1 or "
                "%YAML 1.2 may stand before '---' (remove the line)",
                start_mark,
            )
        if tuple(token.value) not in SUPPORTED_VERSIONS:
            major, minor = token.value
            raise Unsupported(
                None,
                None,
                f"YAML version {major}.{minor} is not supported; a log is YAML 1.2 "
                "(write %YAML 1.2, or remove the line)",
                start_mark,
            )
        return token

    def scan_yaml_directive_value(self, start_mark: Any) -> Any:
        while self.reader.peek() in " \t":
            self.reader.forward()
        return super().scan_yaml_directive_value(start_mark)

    def scan_directive_ignored_line(self, start_mark: Any) -> None:
        while self.reader.peek() in " \t":
            self.reader.forward()
        super().scan_directive_ignored_line(start_mark)

    # ---- indentation

    def unwind_indent(self, column: Any) -> None:
        if column >= 0 and not self.flow_level:
            column = self._column()
        super().unwind_indent(column)

    def save_possible_simple_key(self) -> None:
        # Whether a key is required here goes by its indentation, tabs not counted.
        required = not self.flow_level and self.indent == self._column()
        if self.allow_simple_key:
            self.remove_possible_simple_key()
            token_number = self.tokens_taken + len(self.tokens)
            key = _SimpleKey(
                token_number,
                required,
                self.reader.index,
                self.reader.line,
                self.reader.column,
                self.reader.get_mark(),
            )
            if not self.flow_level and self._tab_before():
                key.tabbed = True
                key.leading = self._leading_tab() is not None
            self.possible_simple_keys[self.flow_level] = key

    def stale_possible_simple_keys(self) -> None:
        # A key in a flow mapping may run over lines (`{"a"\n: 1}`); elsewhere a simple
        # key is one line, and never longer than 1024 characters.
        keys = self.possible_simple_keys
        if not keys:
            return  # the common case: checked before every token
        reader = self.reader
        line, index = reader.line, reader.index
        for level in list(keys):
            key = keys[level]
            stale = index - key.index > 1024
            if key.line != line and not stale:
                stale = not (
                    0 < level <= len(self.flow_context) and self.flow_context[level - 1] == "{"
                )
            if stale:
                if key.required:
                    raise ScannerError(
                        "while scanning a simple key",
                        key.mark,
                        "could not find expected ':'",
                        reader.get_mark(),
                    )
                del keys[level]

    # ---- indicators

    def fetch_block_entry(self) -> None:
        self._no_tab_indent("this list item")
        super().fetch_block_entry()

    def fetch_key(self) -> None:
        self._no_tab_indent("this key")
        super().fetch_key()

    def fetch_value(self) -> None:
        key = self.possible_simple_keys.get(self.flow_level)
        if (
            key is not None
            and getattr(key, "tabbed", False)
            and (key.leading or self.indent < key.column)
        ):
            raise ScannerError(
                None, None, "a tab indents this key; YAML indents with spaces only", key.mark
            )
        if (
            key is None
            and self.flow_level
            and self.flow_context[-1] == "["
            and self.tokens
            and isinstance(self.tokens[-1], tokens.FlowSequenceStartToken | tokens.FlowEntryToken)
        ):
            # `[ : x ]`: a pair with an empty key; the parser makes it from KEY VALUE.
            mark = self.reader.get_mark()
            self.tokens.append(tokens.KeyToken(mark, mark))
        super().fetch_value()

    def check_key(self) -> Any:
        # `?` is an indicator only before whitespace, in flow context too (`[?x]` is text).
        return self.reader.peek(1) in _BLANK_OR_END

    def check_value(self) -> Any:
        if self.flow_level and self.tokens:
            last = self.tokens[-1]
            # After a JSON-like key (quoted, or a flow collection) `:` needs no space.
            if (isinstance(last, tokens.ScalarToken) and last.style in ("'", '"')) or isinstance(
                last, tokens.FlowSequenceEndToken | tokens.FlowMappingEndToken
            ):
                return True
        return super().check_value()

    def check_plain(self) -> Any:
        srp = self.reader.peek
        ch = srp()
        if ch not in "\0 \t\r\n\x85\u2028\u2029-?:,[]{}#&*!|>'\"%@`":
            return True
        if ch in "-?:":
            # An indicator starts text when a safe character follows it.
            following = srp(1)
            if following in _BLANK_OR_END:
                return False
            return not (self.flow_level and following in _FLOW_INDICATORS)
        return False

    # ---- scalars

    def scan_plain(self) -> Any:
        srp = self.reader.peek
        srf = self.reader.forward
        chunks: list[Any] = []
        start_mark = self.reader.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[Any] = []
        while True:
            length = 0
            if srp() == "#":
                break
            while True:
                ch = srp(length)
                if ch in _BLANK_OR_END:
                    break
                if ch == ":":
                    following = srp(length + 1)
                    if following in _BLANK_OR_END or (
                        self.flow_level and following in _FLOW_INDICATORS
                    ):
                        break
                elif self.flow_level and ch in _FLOW_INDICATORS:
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.reader.prefix(length))
            srf(length)
            end_mark = self.reader.get_mark()
            spaces, line_indent = self._plain_spaces()
            if (
                not spaces
                or srp() == "#"
                or (not self.flow_level and line_indent is not None and line_indent < indent)
            ):
                break
        return tokens.ScalarToken("".join(chunks), True, start_mark, end_mark)

    def _plain_spaces(self) -> tuple[list[str], int | None]:
        """The whitespace inside a plain scalar, folded, and the indentation (spaces,
        not tabs) of the line it continues on (None if it stays on this line)."""
        srp = self.reader.peek
        srf = self.reader.forward
        length = 0
        while srp(length) in " \t":
            length += 1
        whitespaces = self.reader.prefix(length)
        srf(length)
        if srp() not in _BREAKS:
            return ([whitespaces] if whitespaces else []), None
        line_break = self.scan_line_break()
        self.allow_simple_key = True
        breaks: list[str] = []
        while True:
            if self.reader.prefix(3) in _DOCUMENT_MARKS and srp(3) in _BLANK_OR_END:
                return [], None
            line_indent = 0
            while srp() == " ":
                srf()
                line_indent += 1
            while srp() in " \t":
                srf()
            if srp() in _BREAKS:
                breaks.append(self.scan_line_break())
                continue
            break
        chunks: list[str] = []
        if line_break != "\n":
            chunks.append(line_break)
        elif not breaks:
            chunks.append(" ")
        chunks.extend(breaks)
        return chunks, line_indent

    def scan_flow_scalar_breaks(self, double: Any, start_mark: Any) -> Any:
        # A quoted text's next line, in block context, is indented past its block.
        chunks: list[Any] = []
        srp = self.reader.peek
        srf = self.reader.forward
        while True:
            if self.reader.prefix(3) in _DOCUMENT_MARKS and srp(3) in _BLANK_OR_END:
                raise ScannerError(
                    "while scanning a quoted scalar",
                    start_mark,
                    "found unexpected document separator",
                    self.reader.get_mark(),
                )
            spaces = 0
            while srp() == " ":
                srf()
                spaces += 1
            while srp() in " \t":
                srf()
            if srp() in _BREAKS:
                chunks.append(self.scan_line_break())
                continue
            if not self.flow_level and spaces <= self.indent and srp() != "\0":
                raise ScannerError(
                    "while scanning a quoted scalar",
                    start_mark,
                    "this line of the quoted text must be indented more than its key "
                    f"({self.indent + 1} spaces or more)",
                    self.reader.get_mark(),
                )
            return chunks

    def scan_block_scalar_indentation(self) -> Any:
        """Line breaks before a block scalar's first line, its indentation, the end mark.

        YAML 1.2: the first line with text sets the indentation, and no blank line
        before it may hold more spaces than that (ruamel compared them the other way).
        """
        srp = self.reader.peek
        srf = self.reader.forward
        chunks = []
        most_spaces = 0
        end_mark = self.reader.get_mark()
        while srp() in " " + _BREAKS:
            if srp() == " ":
                srf()
                continue
            most_spaces = max(most_spaces, self.reader.column)
            chunks.append(self.scan_line_break())
            end_mark = self.reader.get_mark()
        column = self.reader.column
        if srp() == "\t" and column <= self.indent:
            raise ScannerError(
                "while scanning a block scalar",
                None,
                "a tab where the text's indentation should be; YAML indents with spaces only",
                self.reader.get_mark(),
            )
        if srp() == "\0":
            return chunks, max(most_spaces, column), end_mark
        if most_spaces > column and column > self.indent:
            raise ScannerError(
                "while scanning a block scalar",
                None,
                f"a blank line before the text holds {most_spaces} spaces, more than the "
                f"text's first line ({column}); remove the spaces",
                self.reader.get_mark(),
            )
        return chunks, column, end_mark


class _SimpleKey:
    """ruamel's SimpleKey, and whether a tab stands before it on its line."""

    def __init__(
        self, token_number: Any, required: Any, index: int, line: int, column: int, mark: Any
    ) -> None:
        self.token_number = token_number
        self.required = required
        self.index = index
        self.line = line
        self.column = column
        self.mark = mark
        self.tabbed = False  # a tab stands just before it
        self.leading = False  # ... and only whitespace before that on its line


def parse_events(text: str) -> Iterator[Any]:
    """ruamel.yaml's parse events for ``text``, read by :class:`Scanner`."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = Scanner
    return yaml.parse(complete_last_line(text))
