"""printable(): the one function every string passes before it reaches a terminal."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.model.text import json_escaped, one_line, printable, shown_name

# The set printable() replaces (module docstring of tui.model.text), written out here
# independently of the module's own tables.
INVISIBLE = [
    "\u061c",  # ARABIC LETTER MARK
    "\u180e",  # MONGOLIAN VOWEL SEPARATOR
    "\u200b",  # ZERO WIDTH SPACE
    "\u200e",  # LEFT-TO-RIGHT MARK
    "\u200f",  # RIGHT-TO-LEFT MARK
    "\u2028",  # LINE SEPARATOR
    "\u2029",  # PARAGRAPH SEPARATOR
    *map(chr, range(0x202A, 0x202F)),  # LRE RLE PDF LRO RLO
    *map(chr, range(0x2060, 0x2065)),  # WORD JOINER, invisible operators
    *map(chr, range(0x2066, 0x206A)),  # LRI RLI FSI PDI
    *map(chr, range(0x206A, 0x2070)),  # deprecated format characters
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (BOM)
    *map(chr, range(0xFFF9, 0xFFFC)),  # interlinear annotation
    *map(chr, range(0xE0000, 0xE0080)),  # tags
]
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]
JOINERS = ["\u200c", "\u200d"]
DANGEROUS = set(INVISIBLE) | set(CONTROLS) | set(JOINERS)
SURROGATES = [chr(c) for c in range(0xD800, 0xE000)]


def _unsafe_left(shown: str, *, newlines: bool = True) -> list[str]:
    """Characters of the set still in ``shown``: anything dangerous, except a joiner
    between two visible non-ASCII characters (the rule for ZWJ and ZWNJ)."""
    left = []
    for i, char in enumerate(shown):
        if (not newlines and char in "\t\n") or 0xD800 <= ord(char) <= 0xDFFF:
            left.append(char)
        elif char in JOINERS:
            before = shown[i - 1] if i > 0 else " "
            after = shown[i + 1] if i + 1 < len(shown) else " "
            if not all(
                ord(c) > 0x7F and not c.isspace() and c not in DANGEROUS for c in (before, after)
            ):
                left.append(char)
        elif char in DANGEROUS:
            left.append(char)
    return left


@pytest.mark.parametrize("char", INVISIBLE + CONTROLS + JOINERS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_character_of_the_set_becomes_a_visible_placeholder(char: str) -> None:
    shown = printable(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a") and shown.endswith("b") and len(shown) > 2
    expected = {"\x7f": "\u2421"}.get(char)
    if ord(char) < 0x20:
        expected = chr(0x2400 + ord(char))
    assert shown == f"a{expected or f'<U+{ord(char):04X}>'}b"


def test_tab_and_newline_stay_in_text_and_are_escaped_in_names() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert shown_name("a\tb\nc.yaml") == "a\u2409b\u240ac.yaml"
    forged = "log.yaml\nlog.yaml:1:1: error: forged"
    assert "\n" not in shown_name(forged)


def test_an_undecodable_byte_of_a_file_name_is_shown_as_that_byte() -> None:
    name = b"a\x9b.yaml".decode("utf-8", "surrogateescape")
    assert shown_name(name) == "a<0x9B>.yaml"
    assert printable("\ud800") == "<U+D800>"
    shown_name(name).encode("utf-8")  # no surrogate left to fail on


def test_joiners_are_kept_inside_emoji_and_words_that_need_them() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert printable(family) == family
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # mi-khaham
    assert printable(persian) == persian
    # Hidden in ASCII, at an end, beside a space or another invisible: replaced.
    assert printable("pay\u200dpal") == "pay<U+200D>pal"
    assert printable("\u200d\U0001f468") == "<U+200D>\U0001f468"
    assert printable("\U0001f468 \u200c") == "\U0001f468 <U+200C>"
    assert printable("\u0645\u200c\u200c\u0645") == "\u0645<U+200C><U+200C>\u0645"


def test_one_line_folds_white_space_but_shows_separators() -> None:
    assert one_line("a \n b\u2028c") == "a b<U+2028>c"


TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(INVISIBLE + CONTROLS + JOINERS + ["\t", "\n", "\u0645", "\U0001f468"]),
        st.sampled_from(SURROGATES[:4] + SURROGATES[-4:] + ["\udc9b"]),
    ),
    max_size=40,
)


@given(TEXT)
def test_printable_output_never_holds_a_character_of_the_set(text: str) -> None:
    shown = printable(text)
    assert _unsafe_left(shown) == []
    assert printable(shown) == shown  # a second pass changes nothing
    shown.encode("utf-8")


@given(TEXT)
def test_shown_name_output_is_one_line_without_the_set(text: str) -> None:
    shown = shown_name(text)
    assert _unsafe_left(shown, newlines=False) == []
    assert "\n" not in shown


@given(TEXT)
def test_printable_leaves_other_text_alone(text: str) -> None:
    clean = "".join(c for c in text if c not in DANGEROUS and c not in SURROGATES)
    assert printable(clean) == clean


@given(st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(sorted(DANGEROUS)))))
def test_json_escaped_is_the_same_data_with_nothing_invisible(text: str) -> None:
    dumped = json_escaped(json.dumps({"t": text}, ensure_ascii=False, indent=2))
    assert json.loads(dumped) == {"t": text}
    assert not DANGEROUS & set(dumped) - {"\n"}


def test_json_escapes_a_tag_character_as_a_surrogate_pair() -> None:
    assert json_escaped('"\U000e0041"') == '"\\udb40\\udc41"'
    assert re.fullmatch(r'"\\u202e"', json_escaped('"\u202e"'))
