"""Stage 1, load: strict YAML that never silently changes or loses what an editor wrote.

Every refusal is checked by its exact text and place (`file:line:col: error: message [field]`),
and the C (libyaml) and pure-Python parsers are held to the same results. Files are read once
without positions and again, recording them, only when they have a problem or a position is
asked for: the two readings are held to the same data and the same refusals.
"""

from __future__ import annotations

import gc
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.load.files
import generator.load.reader
from generator.load import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS_PER_FILE,
    Document,
    SourceFile,
    SourceText,
    decode,
    discover,
    load_bytes,
    load_file,
    load_sources,
    parse_text,
)
from generator.load.reader import (
    _FAST_REFUSALS,
    MAX_DEPTH,
    _Builder,
    _parse_recording,
    _read_fast,
)
from generator.model import REFERENCE_KINDS, YEAR_KINDS
from generator.pipeline import check_project, collector_paused
from generator.problems import Position, Problem, Severity

FILE = "plan.yml"
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
NUL_MESSAGE = "contains a NUL byte (is the file UTF-16? save it as UTF-8)"
BOTH_PARSERS = pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "python"])


def loaded(text: str, fast: bool = True) -> Any:
    """The data of a text that must load cleanly."""
    document, problems = load_bytes(text.encode("utf-8"), FILE, fast=fast)
    assert problems == []
    assert document is not None
    return document.data


def refusals(source: str | bytes, fast: bool = True) -> list[str]:
    """The problems of a file that must be refused, as `plans validate` prints them."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    document, problems = load_bytes(raw, FILE, fast=fast)
    assert document is None
    assert problems, "a refused file must say why"
    return [str(problem) for problem in problems]


def invalid_utf8_message(byte: int) -> str:
    return (
        f"is not valid UTF-8 (byte 0x{byte:02X}; is it Latin-1 or Windows-1252?); "
        "save the file as UTF-8"
    )


# --- 1. Encoding ------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_refused(codec: str) -> None:
    raw = "\ufefftitle: Plan\n".encode(codec)
    assert refusals(raw) == [f"{FILE}:1:1: error: file is encoded as UTF-16; save it as UTF-8"]


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom_is_refused(codec: str) -> None:
    raw = "\ufefftitle: Plan\n".encode(codec)
    assert refusals(raw) == [f"{FILE}:1:1: error: file is encoded as UTF-32; save it as UTF-8"]


@pytest.mark.parametrize(
    ("codec", "column"),
    [("utf-16-le", 2), ("utf-16-be", 1), ("utf-32-le", 2), ("utf-32-be", 1)],
)
def test_utf16_and_utf32_without_bom_are_refused_at_the_first_nul(codec: str, column: int) -> None:
    raw = "title: Café\nstatus: draft\n".encode(codec)
    assert refusals(raw) == [f"{FILE}:1:{column}: error: {NUL_MESSAGE}"]


@pytest.mark.parametrize("byte", [0xE9, 0x92, 0xA3])  # é in Latin-1; ’ and £ in Windows-1252
def test_latin1_byte_is_located_by_line_and_column(byte: int) -> None:
    raw = b"year: 2024-25\ntitle: Plan\nsummary: caf" + bytes([byte]) + b" society\n"
    assert refusals(raw) == [f"{FILE}:3:13: error: {invalid_utf8_message(byte)}"]


def test_latin1_byte_after_crlf_lines_is_located() -> None:
    raw = b"a: 1\r\nb: 2\r\nc: \xe9\r\n"
    assert refusals(raw) == [f"{FILE}:3:4: error: {invalid_utf8_message(0xE9)}"]


def test_truncated_utf8_sequence_at_end_of_file_is_located() -> None:
    assert refusals(b"a: \xc3") == [f"{FILE}:1:4: error: {invalid_utf8_message(0xC3)}"]


def test_only_the_first_invalid_utf8_byte_is_reported() -> None:
    # decoding stops at the first bad byte: the rest of the file cannot be trusted as text
    raw = b"a: \xe9\nb: \xe8\n"
    assert refusals(raw) == [f"{FILE}:1:4: error: {invalid_utf8_message(0xE9)}"]


def test_latin1_byte_column_counts_characters_not_bytes() -> None:
    # the UTF-8 'é' before it is two bytes but one character (YAML positions count characters)
    raw = "summary: Café ".encode() + b"\xe9t\xe9\n"
    assert refusals(raw) == [f"{FILE}:1:15: error: {invalid_utf8_message(0xE9)}"]
    raw = "a: 1\nsummary: 😀😀 ".encode() + b"\x92\n"
    assert refusals(raw) == [f"{FILE}:2:13: error: {invalid_utf8_message(0x92)}"]


def test_utf8_bom_is_accepted_and_does_not_shift_positions() -> None:
    document, problems = load_bytes(b"\xef\xbb\xbftitle: Plan\nstatus: draft\n", FILE)
    assert problems == []
    assert document is not None
    assert document.data == {"title": "Plan", "status": "draft"}
    assert document.keys[("title",)] == Position(1, 1)
    assert document.values[("title",)] == Position(1, 8)


def test_decode_strips_the_utf8_bom_and_keeps_the_text_exactly() -> None:
    assert decode(b"\xef\xbb\xbfa: caf\xc3\xa9\r\n", FILE) == ("a: café\r\n", [])


def test_a_second_bom_is_an_invisible_character() -> None:
    raw = b"\xef\xbb\xbf\xef\xbb\xbftitle: Plan\n"
    assert refusals(raw) == [
        f"{FILE}:1:1: error: contains the invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE; "
        "delete it"
    ]


def test_nul_byte_is_located() -> None:
    raw = b"title: Plan\nstatus: dr\x00aft\n"
    assert refusals(raw) == [f"{FILE}:2:11: error: {NUL_MESSAGE}"]


def test_nul_byte_before_a_bad_utf8_byte_is_reported_as_nul() -> None:
    raw = b"a: \x00\nb: \xe9\n"
    assert refusals(raw) == [f"{FILE}:1:4: error: {NUL_MESSAGE}"]


def test_bad_utf8_byte_before_a_nul_is_reported_as_bad_utf8() -> None:
    raw = b"a: \xe9\nb: \x00\n"
    assert refusals(raw) == [f"{FILE}:1:4: error: {invalid_utf8_message(0xE9)}"]


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\x01", "0001"),
        ("\x07", "0007"),
        ("\x08", "0008"),
        ("\x0b", "000B"),
        ("\x0c", "000C"),
        ("\x1b", "001B"),
        ("\x7f", "007F"),
        ("\x85", "0085"),
        ("\x9b", "009B"),
    ],
)
def test_control_characters_are_located(char: str, code: str) -> None:
    text = f"title: Plan\nsummary: Safer{char} streets\n"
    assert refusals(text) == [
        f"{FILE}:2:15: error: contains the control character U+{code}; delete it"
    ]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
        ("\u200e", "U+200E LEFT-TO-RIGHT MARK"),
        ("\u061c", "U+061C ARABIC LETTER MARK"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u200f", "U+200F RIGHT-TO-LEFT MARK"),
        ("\u2060", "U+2060 WORD JOINER"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u2028", "U+2028 LINE SEPARATOR"),
        ("\u2029", "U+2029 PARAGRAPH SEPARATOR"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\u180e", "U+180E MONGOLIAN VOWEL SEPARATOR"),
        ("\u2061", "U+2061 FUNCTION APPLICATION"),
        ("\u2064", "U+2064 INVISIBLE PLUS"),
        ("\u3164", "U+3164 HANGUL FILLER"),
        ("\ufff9", "U+FFF9 INTERLINEAR ANNOTATION ANCHOR"),
        ("\ufffb", "U+FFFB INTERLINEAR ANNOTATION TERMINATOR"),
        ("\U000e0001", "U+E0001 LANGUAGE TAG"),
        ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
        ("\U000e007f", "U+E007F CANCEL TAG"),
    ],
)
def test_invisible_and_bidi_characters_are_located(char: str, name: str) -> None:
    text = f"title: Plan\nlead: fenwick{char}-council\n"
    assert refusals(text) == [
        f"{FILE}:2:14: error: contains the invisible character {name}; delete it"
    ]


@pytest.mark.parametrize(
    "char", ["\u2065", "\ufdcf", "\ufdf0", "\ufffd", "\U000e0080", "\U000e0100"]
)
def test_neighbours_of_the_refused_ranges_are_accepted(char: str) -> None:
    assert loaded(f"lead: fenwick{char}-council\n") == {"lead": f"fenwick{char}-council"}


def test_tab_cr_and_visible_non_ascii_are_accepted() -> None:
    text = "title: Café ☕ 😀 naïve — “quoted”\r\nnote: 'a\tb'\r\n"
    assert loaded(text) == {"title": "Café ☕ 😀 naïve — “quoted”", "note": "a\tb"}


def test_every_bad_character_in_a_file_is_reported_in_one_run() -> None:
    text = "title: Pl\x07an\nlead: \u202eevil\u2066\nnote: ok\n\u200bstatus: draft\x1b\n"
    assert refusals(text) == [
        f"{FILE}:1:10: error: contains the control character U+0007; delete it",
        f"{FILE}:2:7: error: contains the invisible character U+202E RIGHT-TO-LEFT OVERRIDE; "
        "delete it",
        f"{FILE}:2:12: error: contains the invisible character U+2066 LEFT-TO-RIGHT ISOLATE; "
        "delete it",
        f"{FILE}:4:1: error: contains the invisible character U+200B ZERO WIDTH SPACE; delete it",
        f"{FILE}:4:15: error: contains the control character U+001B; delete it",
    ]


def test_bad_characters_are_reported_up_to_the_per_file_limit() -> None:
    text = "a: " + "\x07" * (MAX_PROBLEMS_PER_FILE + 10) + "\n"
    found = refusals(text)
    assert len(found) == MAX_PROBLEMS_PER_FILE
    assert found[-1] == (
        f"{FILE}:1:{3 + MAX_PROBLEMS_PER_FILE}: error: contains the control character U+0007; "
        "delete it"
    )


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\uffff", "FFFF"),
        ("\ufffe", "FFFE"),
        ("\ufdd0", "FDD0"),
        ("\ufdef", "FDEF"),
        ("\U0001fffe", "1FFFE"),
        ("\U0010ffff", "10FFFF"),
    ],
)
@BOTH_PARSERS
def test_noncharacters_are_located(char: str, code: str, fast: bool) -> None:
    assert refusals(f"title: ok\nnote: x{char}\n", fast) == [
        f"{FILE}:2:8: error: contains the non-character U+{code}; delete it"
    ]


def test_control_character_in_a_file_with_cr_line_breaks_is_located() -> None:
    # YAML breaks lines at a lone CR (classic Mac files) as well as at LF and CRLF
    assert refusals("a: 1\rb: \x07\r") == [
        f"{FILE}:2:4: error: contains the control character U+0007; delete it"
    ]
    assert refusals("a: 1\r\nb: 2\rc: 3\nd: \x07\r\n") == [
        f"{FILE}:4:4: error: contains the control character U+0007; delete it"
    ]


SPELLED = "spells out the {} character {}; delete it"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'lead: "fenwick\\u202Ecouncil"\n',
            "1:7: error: "
            + SPELLED.format("invisible", "U+202E RIGHT-TO-LEFT OVERRIDE")
            + " [lead]",
        ),
        (
            '"ti\\u200Btle": Plan\n',
            "1:1: error: " + SPELLED.format("invisible", "U+200B ZERO WIDTH SPACE"),
        ),
        (
            'm:\n  - "x\\ty\\u2066z\\u2069"\n',
            "2:5: error: "
            + SPELLED.format("invisible", "U+2066 LEFT-TO-RIGHT ISOLATE")
            + " [m[0]]",
        ),
        ('note: "\\e[31mred"\n', "1:7: error: " + SPELLED.format("control", "U+001B") + " [note]"),
        ('note: "\\x85"\n', "1:7: error: " + SPELLED.format("control", "U+0085") + " [note]"),
        (
            'note: "a\\Lb"\n',
            "1:7: error: " + SPELLED.format("invisible", "U+2028 LINE SEPARATOR") + " [note]",
        ),
        (
            'note: "soft\\u00ADhyphen"\n',
            "1:7: error: " + SPELLED.format("invisible", "U+00AD SOFT HYPHEN") + " [note]",
        ),
        (
            'note: "\\U000E0041"\n',
            "1:7: error: "
            + SPELLED.format("invisible", "U+E0041 TAG LATIN CAPITAL LETTER A")
            + " [note]",
        ),
        ('note: "x\\uFFFF"\n', "1:7: error: spells out the non-character U+FFFF; delete it [note]"),
        ('note: "a\\0b"\n', "1:7: error: " + SPELLED.format("control", "U+0000") + " [note]"),
        ('note: "a\\x00b"\n', "1:7: error: " + SPELLED.format("control", "U+0000") + " [note]"),
        ('"\\0": 1\n', "1:1: error: " + SPELLED.format("control", "U+0000")),
    ],
)
@BOTH_PARSERS
def test_escaped_invisible_characters_are_refused(text: str, expected: str, fast: bool) -> None:
    # the file itself is clean ASCII: the hidden character only exists once unescaped
    assert refusals(text, fast) == [f"{FILE}:{expected}"]


def test_escapes_and_tabs_that_hide_nothing_are_kept() -> None:
    assert loaded("a: \"x\\ty\\u00e9\\U0001F600\"\nb: 'single \\u202E'\n") == {
        "a": "x\tyé😀",
        "b": "single \\u202E",
    }


# --- 2. Duplicate keys ------------------------------------------------------------------------


@BOTH_PARSERS
def test_duplicate_top_level_key_names_the_first_line(fast: bool) -> None:
    text = "lead: fenwick-council\nstatus: draft\nlead: ashdown-police\n"
    assert refusals(text, fast) == [
        f"{FILE}:3:1: error: duplicate key 'lead' (first at line 1) [lead]"
    ]


@BOTH_PARSERS
def test_duplicate_nested_key_is_located_with_its_path(fast: bool) -> None:
    text = "approval:\n  body: Board\n  date: 2024-04-15\n  body: Cabinet\n"
    assert refusals(text, fast) == [
        f"{FILE}:4:3: error: duplicate key 'body' (first at line 2) [approval.body]"
    ]


@BOTH_PARSERS
def test_duplicate_key_in_a_list_item(fast: bool) -> None:
    text = "priorities:\n  - id: a\n  - id: b\n    title: B\n    id: c\n"
    assert refusals(text, fast) == [
        f"{FILE}:5:5: error: duplicate key 'id' (first at line 3) [priorities[1].id]"
    ]


@BOTH_PARSERS
def test_duplicate_key_in_a_flow_mapping(fast: bool) -> None:
    assert refusals("scores: {threat: 3, harm: 2, threat: 4}\n", fast) == [
        f"{FILE}:1:30: error: duplicate key 'threat' (first at line 1) [scores.threat]"
    ]


@BOTH_PARSERS
def test_three_equal_keys_give_two_problems_naming_the_first(fast: bool) -> None:
    text = "lead: a\nlead: b\nlead: c\n"
    assert refusals(text, fast) == [
        f"{FILE}:2:1: error: duplicate key 'lead' (first at line 1) [lead]",
        f"{FILE}:3:1: error: duplicate key 'lead' (first at line 1) [lead]",
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("lead: a\n'lead': b\n", "lead"),
        ('lead: a\n"lead": b\n', "lead"),
        ("1: a\n'1': b\n", "1"),
        ("yes: a\n'yes': b\n", "yes"),
    ],
)
def test_keys_equal_as_text_are_duplicates_however_quoted(text: str, key: str) -> None:
    assert refusals(text) == [f"{FILE}:2:1: error: duplicate key '{key}' (first at line 1) [{key}]"]


def test_keys_that_differ_only_in_case_are_distinct() -> None:
    assert loaded("Lead: a\nlead: b\n") == {"Lead": "a", "lead": "b"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "!!python/object/apply:os.system [rm]",
            [
                "2:7: error: `!!python/object/apply:os.system` before a value is not allowed: "
                "remove it, or put the text in quotes if it starts with ! [lead]"
            ],
        ),
        (
            "*x",
            [
                "2:7: error: `*x` (reusing a labelled value) is not allowed: write the value out "
                "in full, or put the text in quotes if it starts with * [lead]"
            ],
        ),
        (
            "&y b",
            [
                "2:7: error: `&y` (a label for reusing this value) is not allowed: remove it, "
                "or put the text in quotes if it starts with & [lead]"
            ],
        ),
        (
            "{m: !!str c}",
            [
                "2:11: error: `!!str` before a value is not allowed: remove it, or put the text "
                "in quotes if it starts with ! [lead.m]"
            ],
        ),
        (
            "[a, [*x]]",
            [
                "2:12: error: `*x` (reusing a labelled value) is not allowed: write the value "
                "out in full, or put the text in quotes if it starts with * [lead[1][0]]"
            ],
        ),
        ("{m: 1, m: 2}", ["2:14: error: duplicate key 'm' (first at line 2) [lead.m]"]),
        (
            '"\\u202E"',
            [
                "2:7: error: spells out the invisible character U+202E RIGHT-TO-LEFT OVERRIDE; "
                "delete it [lead]"
            ],
        ),
        ("{~: 1}", ["2:8: error: a key is empty or null; give it a name [lead]"]),
    ],
)
@BOTH_PARSERS
def test_problems_inside_a_duplicate_value_are_still_reported(
    value: str, expected: list[str], fast: bool
) -> None:
    text = f"lead: a\nlead: {value}\n"
    assert refusals(text, fast) == [
        f"{FILE}:2:1: error: duplicate key 'lead' (first at line 1) [lead]",
        *(f"{FILE}:{tail}" for tail in expected),
    ]


# --- 3. Anchors, aliases, merge keys and tags ---------------------------------------------------

ANCHOR = (
    "`&{}` (a label for reusing this value) is not allowed: remove it, "
    "or put the text in quotes if it starts with &"
)
ALIAS = (
    "`*{}` (reusing a labelled value) is not allowed: write the value out in full, "
    "or put the text in quotes if it starts with *"
)
TAG = "`{}` before a value is not allowed: remove it, or put the text in quotes if it starts with !"
ALIAS_KEY = "`*{}` (reusing a labelled value) is not allowed as a field name: write the name out"
MERGE = "`<<` (copying fields from elsewhere) is not allowed: write the fields out in full"

REFUSED = {
    "anchor-and-alias": (
        "lead: &org fenwick-council\nfunder: *org\n",
        [
            f"1:7: error: {ANCHOR.format('org')} [lead]",
            f"2:9: error: {ALIAS.format('org')} [funder]",
        ],
    ),
    "anchor-on-mapping": (
        "base: &b\n  x: 1\n",
        [f"1:7: error: {ANCHOR.format('b')} [base]"],
    ),
    "alias-in-list": (
        "a: &x 1\nlist: [2, *x]\n",
        [f"1:4: error: {ANCHOR.format('x')} [a]", f"2:11: error: {ALIAS.format('x')} [list[1]]"],
    ),
    "undefined-alias": ("lead: *nowhere\n", [f"1:7: error: {ALIAS.format('nowhere')} [lead]"]),
    "merge-key": (
        "base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n",
        [
            f"1:7: error: {ANCHOR.format('b')} [base]",
            f"3:3: error: {MERGE} [item]",
            f"3:7: error: {ALIAS.format('b')} [item]",  # the merged value is read and checked too
        ],
    ),
    "merge-key-value-checked": (
        "item:\n  <<: {x: !!str 1, x: 2}\n",
        [
            f"2:3: error: {MERGE} [item]",
            f"2:11: error: {TAG.format('!!str')} [item.x]",
            "2:20: error: duplicate key 'x' (first at line 2) [item.x]",
        ],
    ),
    "merge-key-top-level": ("<<: {x: 1}\ny: 2\n", [f"1:1: error: {MERGE}"]),
    "merge-key-list": ("item:\n  <<: [{x: 1}, {y: 2}]\n", [f"2:3: error: {MERGE} [item]"]),
    "python-object-apply": (
        "a: !!python/object/apply:os.system ['echo pwned']\n",
        [f"1:4: error: {TAG.format('!!python/object/apply:os.system')} [a]"],
    ),
    "python-name": (
        "a: !!python/name:os.system\n",
        [f"1:4: error: {TAG.format('!!python/name:os.system')} [a]"],
    ),
    "include": ("a: !include other.yml\n", [f"1:4: error: {TAG.format('!include')} [a]"]),
    "set": ("a: !!set {x, y}\n", [f"1:4: error: {TAG.format('!!set')} [a]"]),
    "binary": ("a: !!binary aGVsbG8=\n", [f"1:4: error: {TAG.format('!!binary')} [a]"]),
    "str": ("a: !!str 0161\n", [f"1:4: error: {TAG.format('!!str')} [a]"]),
    "custom": ("a: !custom value\n", [f"1:4: error: {TAG.format('!custom')} [a]"]),
    "non-specific": ("a: ! 12\n", [f"1:4: error: {TAG.format('!')} [a]"]),
    "verbatim": (
        "a: !<tag:example.com,2024:x> 1\n",
        [f"1:4: error: {TAG.format('tag:example.com,2024:x')} [a]"],
    ),
    "tag-directive": (
        "%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n",
        [f"3:4: error: {TAG.format('tag:example.com,2000:thing')} [a]"],
    ),
    "tag-on-mapping": ("a: !!map {k: 1}\n", [f"1:4: error: {TAG.format('!!map')} [a]"]),
    "tag-on-sequence": ("a: !!seq [1, 2]\n", [f"1:4: error: {TAG.format('!!seq')} [a]"]),
    "tag-on-block-sequence": (
        "a: !things\n  - 1\n",
        [f"1:4: error: {TAG.format('!things')} [a]"],
    ),
    "tag-on-root": ("!!map\na: 1\n", [f"1:1: error: {TAG.format('!!map')}"]),
    "tag-on-key": ("!!str a: 1\n", [f"1:1: error: {TAG.format('!!str')}"]),
    "anchor-on-key-alias-as-key": (
        "&k a: 1\n*k : 2\n",
        [
            f"1:1: error: {ANCHOR.format('k')}",
            f"2:1: error: {ALIAS_KEY.format('k')}",
        ],
    ),
    "alias-as-nested-key": (
        "x: &k a\nm:\n  *k : 2\n",
        [
            f"1:4: error: {ANCHOR.format('k')} [x]",
            f"3:3: error: {ALIAS_KEY.format('k')} [m]",
        ],
    ),
    "list-as-key": (
        "? [a, b]\n: c\n",
        ["1:3: error: a key must be plain text, not a list or mapping"],
    ),
    "mapping-as-key": (
        "{a: b}: c\n",
        ["1:1: error: a key must be plain text, not a list or mapping"],
    ),
    "null-key": ("~: 1\n", ["1:1: error: a key is empty or null; give it a name"]),
    "null-word-key": (
        "m:\n  null: 1\n",
        ["2:3: error: a key is empty or null; give it a name [m]"],
    ),
    "empty-key": ("? \n: 1\n", ["1:2: error: a key is empty or null; give it a name"]),
    "quoted-empty-key": ('"": 1\n', ["1:1: error: a key is empty or null; give it a name"]),
    "single-quoted-empty-key": ("'': 1\n", ["1:1: error: a key is empty or null; give it a name"]),
    "nested-quoted-empty-key": (
        'm:\n  x: 1\n  "": 2\n',
        ["3:3: error: a key is empty or null; give it a name [m]"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), REFUSED.values(), ids=REFUSED.keys())
@BOTH_PARSERS
def test_yaml_features_that_hide_or_run_things_are_refused(
    text: str, expected: list[str], fast: bool
) -> None:
    assert refusals(text, fast) == [f"{FILE}:{tail}" for tail in expected]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert loaded("'<<': x\n") == {"<<": "x"}


def test_merge_sign_as_a_value_is_text() -> None:
    assert loaded("a: <<\nb: [<<]\n") == {"a": "<<", "b": ["<<"]}


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@BOTH_PARSERS
def test_billion_laughs_is_refused_fast_without_expansion(fast: bool) -> None:
    started = time.perf_counter()
    found = refusals(BILLION_LAUGHS, fast)
    assert time.perf_counter() - started < 1.0
    assert len(found) == MAX_PROBLEMS_PER_FILE  # stops counting; nothing was expanded
    assert found[:3] == [
        f"{FILE}:1:4: error: {ANCHOR.format('a')} [a]",
        f"{FILE}:2:4: error: {ANCHOR.format('b')} [b]",
        f"{FILE}:2:8: error: {ALIAS.format('a')} [b[0]]",
    ]


# --- 4. YAML 1.1 implicit typing never corrupts values ------------------------------------------

EXACT_TEXT = [
    ("no", "no"),
    ("No", "No"),
    ("off", "off"),
    ("yes", "yes"),
    ("on", "on"),
    ("y", "y"),
    ("n", "n"),
    ("true", "true"),
    ("False", "False"),
    ("0161", "0161"),
    ("012", "012"),
    ("1_000", "1_000"),
    ("0x1F", "0x1F"),
    ("0o17", "0o17"),
    ("0b101", "0b101"),
    ("12:30", "12:30"),
    ("190:20:30", "190:20:30"),
    ("1.10", "1.10"),
    ("1.0", "1.0"),
    ("1e3", "1e3"),
    ("-0", "-0"),
    ("+12", "+12"),
    (".inf", ".inf"),
    ("-.inf", "-.inf"),
    (".nan", ".nan"),
    ("2024-04-01", "2024-04-01"),
    ("2024-04-01 10:00:00", "2024-04-01 10:00:00"),
    ("2024-25", "2024-25"),
    ("=", "="),
    ("None", "None"),
    ("NuLL", "NuLL"),
    ("'quoted'", "quoted"),
    ("'it''s'", "it's"),
    ('"1.10"', "1.10"),
    ("'0161'", "0161"),
    ("'~'", "~"),
    ("'null'", "null"),
    ('"null"', "null"),
    ("''", ""),
    ('""', ""),
    ("'  padded  '", "  padded  "),
    ("9" * 5000, "9" * 5000),
]


@pytest.mark.parametrize(("written", "expected"), EXACT_TEXT, ids=[w[:20] for w, _ in EXACT_TEXT])
@BOTH_PARSERS
def test_scalars_are_kept_as_the_exact_text_written(
    written: str, expected: str, fast: bool
) -> None:
    assert loaded(f"value: {written}\nlist: [{written}]\n", fast) == {
        "value": expected,
        "list": [expected],
    }


@pytest.mark.parametrize("written", ["~", "null", "Null", "NULL", ""])
@BOTH_PARSERS
def test_only_the_null_forms_become_none(written: str, fast: bool) -> None:
    assert loaded(f"value: {written}\nlist:\n  - {written}\n", fast) == {
        "value": None,
        "list": [None],
    }


@pytest.mark.parametrize("key", ["no", "yes", "on", "off", "0161", "1.10", "12:30", "2024-04-01"])
def test_keys_are_kept_as_the_exact_text_written(key: str) -> None:
    assert loaded(f"{key}: x\n") == {key: "x"}


BLOCK_SCALARS = [
    ("|\n  line one\n  line two\n", "line one\nline two\n"),
    ("|-\n  line one\n  line two\n\n", "line one\nline two"),
    ("|+\n  line one\n\n", "line one\n\n"),
    ("|\n  indented\n    more\n  back\n", "indented\n  more\nback\n"),
    (">\n  folded\n  text\n\n  para\n", "folded text\npara\n"),
    (">-\n  folded\n  text\n", "folded text"),
    ("|\n  no: 1\n  yes: [x]\n", "no: 1\nyes: [x]\n"),
]


@pytest.mark.parametrize(("written", "expected"), BLOCK_SCALARS)
@BOTH_PARSERS
def test_block_scalars_keep_their_text(written: str, expected: str, fast: bool) -> None:
    assert loaded(f"summary: {written}", fast) == {"summary": expected}


def test_multi_line_plain_scalar_is_folded_as_yaml_says() -> None:
    assert loaded("summary: one\n  two\n\n  three\n") == {"summary": "one two\nthree"}


# --- 6. Limits --------------------------------------------------------------------------------

TOO_BIG = "file is 1,000,001 bytes; the limit is 1,000,000 — split it up"


def big_file(size: int) -> bytes:
    head = b"summary: "
    return head + b"x" * (size - len(head) - 1) + b"\n"


def test_file_over_the_size_limit_is_refused_by_load_bytes() -> None:
    assert refusals(big_file(MAX_FILE_BYTES + 1)) == [f"{FILE}:1:1: error: {TOO_BIG}"]


def test_file_at_the_size_limit_is_loaded() -> None:
    document, problems = load_bytes(big_file(MAX_FILE_BYTES), FILE)
    assert problems == []
    assert document is not None
    assert len(document.data["summary"]) == MAX_FILE_BYTES - len("summary: ") - 1


def test_file_over_the_size_limit_is_refused_by_load_file(tmp_path: Path) -> None:
    path = tmp_path / "plans" / "fenwick-csp" / "2024-25" / "plan.yml"
    path.parent.mkdir(parents=True)
    path.write_bytes(big_file(MAX_FILE_BYTES + 1))
    assert load_file(path, tmp_path) == (
        None,
        [Problem(Severity.ERROR, "plans/fenwick-csp/2024-25/plan.yml", 1, 1, "", TOO_BIG)],
    )


def nested_flow(levels: int, leaf: str = "") -> str:
    return "[" * levels + leaf + "]" * levels + "\n"


def nested_block_lists(lists: int) -> str:
    """`lists` block sequences, one inside the other, the innermost holding `- x`."""
    lines = [f"{'  ' * level}-" for level in range(lists - 1)]
    lines.append(f"{'  ' * (lists - 1)}- x")
    return "\n".join(lines) + "\n"


def nested_block(mappings: int) -> str:
    """`mappings` mappings, one inside the other, the innermost holding `leaf: x`."""
    lines = [f"{'  ' * level}k{level}:" for level in range(mappings - 1)]
    lines.append(f"{'  ' * (mappings - 1)}leaf: x")
    return "\n".join(lines) + "\n"


DEEP = f"nesting is deeper than {MAX_DEPTH} levels; flatten the structure"


@BOTH_PARSERS
def test_nesting_counts_containers_and_32_levels_are_fine(fast: bool) -> None:
    # the root is level 1; only mappings and lists count, not the scalar inside the innermost
    assert MAX_DEPTH == 32
    assert load_bytes(nested_flow(32).encode(), FILE, fast)[1] == []
    assert load_bytes(nested_flow(32, "x").encode(), FILE, fast)[1] == []
    assert load_bytes(nested_block_lists(32).encode(), FILE, fast)[1] == []
    document, problems = load_bytes(nested_block(32).encode(), FILE, fast)
    assert problems == []
    assert document is not None
    data = document.data
    for level in range(31):  # nothing of the 32 mappings was dropped
        data = data[f"k{level}"]
    assert data == {"leaf": "x"}


@BOTH_PARSERS
def test_nesting_of_33_levels_is_refused_in_flow_style(fast: bool) -> None:
    # located at the 33rd container's start
    assert refusals(nested_flow(33), fast) == [f"{FILE}:1:33: error: {DEEP}"]
    assert refusals(nested_flow(33, "x"), fast) == [f"{FILE}:1:33: error: {DEEP}"]
    assert refusals("a: " + nested_flow(32), fast) == [f"{FILE}:1:35: error: {DEEP}"]
    assert refusals("a: " + nested_flow(31, "{b: x}"), fast) == [f"{FILE}:1:35: error: {DEEP}"]


@BOTH_PARSERS
def test_nesting_of_33_levels_is_refused_in_block_style(fast: bool) -> None:
    # the 33rd mapping starts at its first key: line 33, after 32 indents of two spaces
    assert refusals(nested_block(33), fast) == [f"{FILE}:33:65: error: {DEEP}"]
    assert refusals(nested_block(40), fast) == [f"{FILE}:33:65: error: {DEEP}"]
    assert refusals(nested_block_lists(33), fast) == [f"{FILE}:33:65: error: {DEEP}"]


@BOTH_PARSERS
def test_very_deep_nesting_is_refused_without_recursion_error(fast: bool) -> None:
    assert refusals(nested_flow(5000), fast) == [f"{FILE}:1:33: error: {DEEP}"]


@BOTH_PARSERS
def test_deep_nesting_inside_a_skipped_duplicate_is_refused(fast: bool) -> None:
    # the root mapping is level 1, so the 32nd '[' (column 35) is the 33rd container
    text = "a: 1\na: " + nested_flow(40)
    assert refusals(text, fast) == [
        f"{FILE}:2:1: error: duplicate key 'a' (first at line 1) [a]",
        f"{FILE}:2:35: error: {DEEP}",
    ]
    assert refusals("a: 1\na: " + nested_flow(31, "x"), fast) == [
        f"{FILE}:2:1: error: duplicate key 'a' (first at line 1) [a]"
    ]


@BOTH_PARSERS
def test_a_second_document_is_refused(fast: bool) -> None:
    text = "title: Plan\n---\ntitle: Other\n"
    assert refusals(text, fast) == [
        f"{FILE}:2:1: error: a file holds one YAML document; remove the second '---'"
    ]


@BOTH_PARSERS
def test_explicit_document_markers_around_one_document_are_fine(fast: bool) -> None:
    assert loaded("%YAML 1.1\n---\ntitle: Plan\n...\n", fast) == {"title": "Plan"}


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
@BOTH_PARSERS
def test_empty_files_load_as_none(text: str, fast: bool) -> None:
    assert loaded(text, fast) is None


SYNTAX_ERRORS = [
    (
        "a: b: c\n",
        (1, 5),
        'line 1 has a second colon in the value of `a:`: put the value in quotes: `a: "b: c"`',
        ("1 | a: b: c", "  |     ^"),
    ),
    (
        "title: Plan\npriorities: [a, b\nstatus: draft\n",
        (2, 13),
        "line 2: `[` starts a list that is not closed with `]`: close it on the same line, "
        "or put the value in quotes if the `[` is part of the text",
        ("2 | priorities: [a, b", "  |             ^"),
    ),
    (
        "title: 'unterminated\n",
        (1, 8),
        "line 1 opens a quote (') that is never closed: end the value with ' on the same line",
        ("1 | title: 'unterminated", "  |        ^"),
    ),
    (
        "title: Plan\n\tstatus: draft\n",
        (2, 1),
        "line 2 is indented with a tab: indent with spaces only",
        ("2 | \u2192status: draft", "  | ^"),
    ),
    (
        "title: Plan\n  status: draft\n",
        (2, 3),
        "line 2 is indented more than line 1: line up `status:` with `title:` on line 1",
        ("1 | title: Plan", "2 |   status: draft", "  |   ^"),
    ),
    (
        "- a\nb: c\n",
        (2, 1),
        "line 2 is lined up with the list item on line 1 but is not one: start it with `- ` "
        "to make it an item, or line it up with the field it belongs with",
        ("1 | - a", "2 | b: c", "  | ^"),
    ),
]


@pytest.mark.parametrize(("text", "where", "message", "excerpt"), SYNTAX_ERRORS)
def test_syntax_errors_are_located_problems(
    text: str, where: tuple[int, int], message: str, excerpt: tuple[str, ...]
) -> None:
    # the parsers word their errors differently; the editor reads the same message from both
    line, column = where
    for fast in (True, False):
        document, problems = load_bytes(text.encode(), FILE, fast=fast)
        assert (document, problems) == (
            None,
            [Problem(Severity.ERROR, FILE, line, column, "", message)],
        )
        assert problems[0].excerpt == excerpt


def test_problems_found_before_a_syntax_error_are_kept() -> None:
    assert refusals("a: &x 1\nb: [\n") == [
        f"{FILE}:1:4: error: {ANCHOR.format('x')} [a]",
        f"{FILE}:2:4: error: line 2: `[` starts a list that is not closed with `]`: close it "
        "on the same line, or put the value in quotes if the `[` is part of the text",
    ]


# --- load_file --------------------------------------------------------------------------------


def test_load_file_names_the_file_relative_to_the_root(tmp_path: Path) -> None:
    path = tmp_path / "plans" / "fenwick-csp" / "partnership.yml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"id: fenwick-csp\nid: again\n")
    assert load_file(path, tmp_path) == (
        None,
        [
            Problem(
                Severity.ERROR,
                "plans/fenwick-csp/partnership.yml",
                2,
                1,
                "id",
                "duplicate key 'id' (first at line 1)",
            )
        ],
    )


def test_load_file_returns_a_document_named_relative_to_the_root(tmp_path: Path) -> None:
    path = tmp_path / "data" / "settings.yml"
    path.parent.mkdir()
    path.write_text("title: Site\n", encoding="utf-8")
    document, problems = load_file(path, tmp_path)
    assert problems == []
    assert document is not None
    assert (document.file, document.data) == ("data/settings.yml", {"title": "Site"})


def test_load_file_outside_the_root_keeps_its_full_path(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.yml"
    path.write_bytes(b"a: \x07\n")
    _, problems = load_file(path, tmp_path / "project")
    assert [str(p) for p in problems] == [
        f"{path.as_posix()}:1:4: error: contains the control character U+0007; delete it"
    ]


def test_load_file_reports_a_missing_file(tmp_path: Path) -> None:
    assert load_file(tmp_path / "gone.yml", tmp_path) == (
        None,
        [
            Problem(
                Severity.ERROR, "gone.yml", 1, 1, "", "cannot read file: No such file or directory"
            )
        ],
    )


def test_load_file_reports_a_folder(tmp_path: Path) -> None:
    (tmp_path / "plan.yml").mkdir()
    assert load_file(tmp_path / "plan.yml", tmp_path) == (
        None,
        [Problem(Severity.ERROR, "plan.yml", 1, 1, "", "cannot read file: Is a directory")],
    )


# --- 7. Positions -----------------------------------------------------------------------------

NESTED = """\
# a plan
year: 2024-25
priorities:
  - id: first
    findings: [da-rising, asb]
  - id: second
    objectives:
      - id: more-reporting
        title: "More victims report"
  - id: third
    findings:
      - burglary
    scores: {threat: 3}
"""


@BOTH_PARSERS
def test_values_and_keys_map_paths_to_lines_and_columns(fast: bool) -> None:
    document, problems = parse_text(NESTED, FILE, fast=fast)
    assert problems == []
    assert document is not None
    assert document.keys == {
        ("year",): Position(2, 1),
        ("priorities",): Position(3, 1),
        ("priorities", 0, "id"): Position(4, 5),
        ("priorities", 0, "findings"): Position(5, 5),
        ("priorities", 1, "id"): Position(6, 5),
        ("priorities", 1, "objectives"): Position(7, 5),
        ("priorities", 1, "objectives", 0, "id"): Position(8, 9),
        ("priorities", 1, "objectives", 0, "title"): Position(9, 9),
        ("priorities", 2, "id"): Position(10, 5),
        ("priorities", 2, "findings"): Position(11, 5),
        ("priorities", 2, "scores"): Position(13, 5),
        ("priorities", 2, "scores", "threat"): Position(13, 14),
    }
    assert document.values == {
        (): Position(2, 1),
        ("year",): Position(2, 7),
        ("priorities",): Position(4, 3),
        ("priorities", 0): Position(4, 5),
        ("priorities", 0, "id"): Position(4, 9),
        ("priorities", 0, "findings"): Position(5, 15),
        ("priorities", 0, "findings", 0): Position(5, 16),
        ("priorities", 0, "findings", 1): Position(5, 27),
        ("priorities", 1): Position(6, 5),
        ("priorities", 1, "id"): Position(6, 9),
        ("priorities", 1, "objectives"): Position(8, 7),
        ("priorities", 1, "objectives", 0): Position(8, 9),
        ("priorities", 1, "objectives", 0, "id"): Position(8, 13),
        ("priorities", 1, "objectives", 0, "title"): Position(9, 16),
        ("priorities", 2): Position(10, 5),
        ("priorities", 2, "id"): Position(10, 9),
        ("priorities", 2, "findings"): Position(12, 7),
        ("priorities", 2, "findings", 0): Position(12, 9),
        ("priorities", 2, "scores"): Position(13, 13),
        ("priorities", 2, "scores", "threat"): Position(13, 22),
    }


@pytest.fixture
def nested() -> Document:
    document, problems = parse_text(NESTED, FILE)
    assert problems == []
    assert document is not None
    return document


def test_where_prefers_the_key_then_the_value(nested: Document) -> None:
    assert nested.where(("priorities", 1, "objectives", 0, "title")) == Position(9, 9)
    assert nested.where(("priorities", 0, "findings", 1)) == Position(5, 27)  # no key: value
    assert nested.value_at(("priorities", 1, "objectives", 0, "title")) == Position(9, 16)


def test_where_falls_back_to_the_nearest_parent(nested: Document) -> None:
    assert nested.where(("priorities", 2, "findings", 0, "missing")) == Position(12, 9)
    assert nested.where(("priorities", 1, "rationale")) == Position(6, 5)
    assert nested.where(("priorities", 1, "objectives", 0, "nope", 3)) == Position(8, 9)
    assert nested.value_at(("priorities", 2, "scores", "harm")) == Position(13, 5)
    assert nested.where(("title",)) == Position(2, 1)  # the root mapping
    assert nested.where(()) == Position(2, 1)


def test_where_in_a_document_without_positions_is_the_first_line() -> None:
    assert Document(FILE, None).where(("a", 0)) == Position(1, 1)


def test_problem_formats_the_field_path(nested: Document) -> None:
    problem = nested.problem(("priorities", 2, "findings", 0), "unknown finding 'burglary'")
    assert problem == Problem(
        Severity.ERROR, FILE, 12, 9, "priorities[2].findings[0]", "unknown finding 'burglary'"
    )
    assert str(problem) == (
        f"{FILE}:12:9: error: unknown finding 'burglary' [priorities[2].findings[0]]"
    )


def test_problem_can_be_a_warning_and_at_the_root(nested: Document) -> None:
    problem = nested.problem((), "plan has no summary", Severity.WARNING)
    assert str(problem) == f"{FILE}:2:1: warning: plan has no summary"


def test_positions_count_characters_not_bytes() -> None:
    document, _ = parse_text("{é: 1, 😀😀: 2, b: 3}\n", FILE)
    assert document is not None
    assert document.keys[("b",)] == Position(1, 15)
    assert document.values[("b",)] == Position(1, 18)


# --- 8. The C and pure-Python parsers agree ---------------------------------------------------


def test_libyaml_is_available() -> None:
    assert generator.load.reader.HAVE_LIBYAML is True


INLINE_CORPUS = [
    NESTED,
    "title: Café ☕ 😀\r\nsummary: |\r\n  line one\r\n  line two\r\n",
    "a: {é: 1, 😀: [x, 'y', \"z\"]}\nb: >-\n  folded\n  text\n",
    "a:\n- x\n-\n- - nested\n  - list\nb: ~\nc:\nd: ''\n",
    "? complex key\n: value\n'quoted key': \"double\\tescape\"\n",
    "# comment\n---\nx: 1 # trailing\n...\n",
    "[a, b, {c: d}]\n",
    "plain scalar at the root\n",
    "a: one\n  two\n\n  three\n",
    "a: [x, ]\nb: {x}\n",
]
CORPUS = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.yml"))]
assert CORPUS, "the fixture project is part of the corpus"


@pytest.mark.parametrize("text", CORPUS + INLINE_CORPUS)
def test_both_parsers_give_equal_documents(text: str) -> None:
    fast, fast_problems = parse_text(text, FILE, fast=True)
    slow, slow_problems = parse_text(text, FILE, fast=False)
    assert fast_problems == slow_problems == []
    assert fast is not None
    assert slow is not None
    assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


@pytest.mark.parametrize(
    "text",
    [text for text, _ in REFUSED.values()]
    + [
        BILLION_LAUGHS,
        "lead: a\nx: 1\nlead: b\nlead: c\n",
        "p:\n  - q: 1\n    q: 2\n",
        nested_flow(40),
        nested_block(33),
        nested_block_lists(33),
        "a: 1\n---\nb: 2\n",
    ],
)
def test_both_parsers_give_equal_refusals(text: str) -> None:
    assert parse_text(text, FILE, fast=True) == parse_text(text, FILE, fast=False)


TAB = "a tab is used outside quoted text; use spaces (or quote the text)"
STRAY_TABS = [
    ("title:\tPlan\n", (1, 7)),
    ("title: Plan\t\n", (1, 12)),
    ("list: [a,\tb]\n", (1, 10)),
    ("a: x\ty\n", (1, 5)),
    ("a: 1\r\nb:\tx\r\n", (2, 3)),
    ("a: 'ok'\nb: 😀\tx\n", (2, 5)),
]


@pytest.mark.parametrize(("text", "where"), STRAY_TABS)
def test_tabs_outside_quoted_text_are_refused_by_both_parsers(
    text: str, where: tuple[int, int]
) -> None:
    # libyaml accepts these tabs and the pure-Python scanner refuses them (PyYAML issues #306,
    # #450, #594), so the loader refuses them itself: both parsers refuse, in the same words
    line, column = where
    for fast in (True, False):
        document, problems = load_bytes(text.encode(), FILE, fast=fast)
        assert (document, problems) == (
            None,
            [Problem(Severity.ERROR, FILE, line, column, "", TAB)],
        )
        assert problems[0].excerpt[-1].endswith(" " * (column - 1) + "^")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1 #\tnote\n", ["1:7"]),
        ("#\tnote\na: 1\n", ["1:2"]),
        ("a: 1 #\tx\nb: 2 #\ty\n", ["1:7", "2:7"]),
    ],
)
@BOTH_PARSERS
def test_tabs_in_comments_are_refused(text: str, expected: list[str], fast: bool) -> None:
    assert refusals(text, fast) == [f"{FILE}:{where}: error: {TAB}" for where in expected]


def test_stray_tabs_are_reported_after_the_other_problems() -> None:
    assert refusals("a: &x 1\nb:\t2\n") == [
        f"{FILE}:1:4: error: {ANCHOR.format('x')} [a]",
        f"{FILE}:2:3: error: {TAB}",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 'x\ty'\n", {"a": "x\ty"}),
        ('a: "x\ty"\n', {"a": "x\ty"}),
        ("a: |\n  x\ty\n", {"a": "x\ty\n"}),
        ("a: >-\n  x\ty\n", {"a": "x\ty"}),
        ("a: [a, 'x\ty', \"\tz\"]\n", {"a": ["a", "x\ty", "\tz"]}),
        ("a: 'x\n\ty'\n", {"a": "x y"}),  # folded: leading white space of a line is dropped
        ("a: 😀😀😀😀\nb: 'x\ty'\n", {"a": "😀😀😀😀", "b": "x\ty"}),
    ],
)
def test_tabs_inside_quoted_and_block_text_are_kept_by_both_parsers(
    text: str, expected: dict[str, Any]
) -> None:
    fast, fast_problems = parse_text(text, FILE, fast=True)
    slow, slow_problems = parse_text(text, FILE, fast=False)
    assert fast_problems == slow_problems == []
    assert fast is not None
    assert slow is not None
    assert fast.data == expected
    assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


@BOTH_PARSERS
def test_tabs_inside_a_duplicates_text_are_not_stray(fast: bool) -> None:
    # a duplicate's value is read (not kept), and its quoted or block text may hold tabs
    assert refusals("a: 'x\ty'\na: |\n  y\tz\nb: [\"\t\"]\n", fast) == [
        f"{FILE}:2:1: error: duplicate key 'a' (first at line 1) [a]"
    ]


@pytest.mark.parametrize("text", ["'a\tb': 1\n", '"a\tb": 1\n', "? 'a\tb'\n: 1\n"])
@BOTH_PARSERS
def test_tabs_inside_a_quoted_key_are_kept(text: str, fast: bool) -> None:
    assert loaded(text, fast) == {"a\tb": "1"}


def test_stray_tab_in_a_file_with_cr_line_breaks_is_located() -> None:
    assert refusals("a: 1\rb:\tx\r") == [f"{FILE}:2:3: error: {TAB}"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="libyaml and PyYAML's pure-Python parser still differ: libyaml accepts a '|#' block "
    "header that the Python scanner refuses, and they place an empty flow value at different "
    "columns (libyaml after the space, Python at it)",
)
@pytest.mark.parametrize(
    "text", ["a: |#c\n  x\n", "a: {x: }\n"], ids=["block-header-comment", "empty-flow"]
)
def test_both_parsers_agree_on_edge_cases(text: str) -> None:
    fast, fast_problems = parse_text(text, FILE, fast=True)
    slow, slow_problems = parse_text(text, FILE, fast=False)
    assert fast_problems == slow_problems == []
    assert fast is not None
    assert slow is not None
    assert (fast.data, fast.values, fast.keys) == (slow.data, slow.values, slow.keys)


# --- 9. Properties ----------------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from(
        [
            *":-[]{}&*!|>'\"#%@\n ?,.~\t\\",
            *"abxyz019",
            "é",
            "😀",
            "<<",
            "---",
            "...",
            "\n  ",
            "- ",
            ": ",
            "\r\n",
            "\x07",
            "\u202e",
            "\x00",
            "\uffff",
            '"\\u202E"',
        ]
    ),
    max_size=60,
).map("".join)
PROPERTY = settings(max_examples=250, deadline=None)


def assert_well_formed_outcome(document: Document | None, problems: list[Problem]) -> None:
    if document is None:
        assert problems
        for problem in problems:
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.file == FILE
            assert problem.severity is Severity.ERROR
    else:
        assert problems == []
        assert_plain_data(document.data)


def assert_plain_data(data: Any) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            assert type(key) is str
            assert_plain_data(value)
    elif isinstance(data, list):
        for item in data:
            assert_plain_data(item)
    else:
        assert data is None or type(data) is str


@PROPERTY
@given(raw=st.binary(max_size=200), fast=st.booleans())
def test_any_bytes_give_a_document_or_located_problems(raw: bytes, fast: bool) -> None:
    assert_well_formed_outcome(*load_bytes(raw, FILE, fast=fast))


@PROPERTY
@given(text=YAMLISH, fast=st.booleans())
def test_any_yamlish_text_gives_a_document_or_located_problems(text: str, fast: bool) -> None:
    assert_well_formed_outcome(*load_bytes(text.encode("utf-8", "surrogatepass"), FILE, fast=fast))


@PROPERTY
@given(text=st.text(max_size=100))
def test_any_text_loads_as_plain_data_only(text: str) -> None:
    document, problems = load_bytes(text.encode("utf-8", "surrogatepass"), FILE)
    assert_well_formed_outcome(document, problems)


@pytest.mark.parametrize("text", ["👩\u200d⚕️ nurse", "می\u200cخواهم"])
def test_joiners_that_writing_needs_are_kept(text: str) -> None:
    """ZWJ builds emoji sequences and ZWNJ spells Persian and Urdu: both stay allowed."""
    document, problems = load_bytes(f"title: {text}\n".encode(), FILE)
    assert problems == []
    assert document is not None and document.data == {"title": text}


def test_fast_character_pass_agrees_with_the_slow_one() -> None:
    """The regex that skips clean files refuses exactly what the per-character check does."""
    from generator.load.reader import _FORBIDDEN, _char_problem

    disagree = [
        code
        for code in range(0x110000)
        if (_char_problem(chr(code)) is not None) != bool(_FORBIDDEN.match(chr(code)))
    ]
    assert disagree == []


# --- 10. Reading without positions ------------------------------------------------------------
#
# `parse_text` reads a file once without recording positions; a file with any problem is read
# again by `_Builder`, which records them, to report each problem where it stands. So the fast
# reading must refuse exactly what `_Builder` reports, and build the same data otherwise.

REFUSED_BY_FAST_READING = object()
EXAMPLE_FILES = sorted([*(ROOT / "plans").rglob("*.yml"), *(ROOT / "data").glob("*.yml")])
FIXTURE_FILES = sorted(FIXTURES.rglob("*.yml"))
assert EXAMPLE_FILES, "the example project is part of the corpus"


def fast_reading(text: str, fast: bool = True) -> Any:
    """The data the fast reading makes of a text, or REFUSED_BY_FAST_READING."""
    try:
        return _read_fast(text, fast)
    except _FAST_REFUSALS:
        return REFUSED_BY_FAST_READING


def plain(data: Any) -> bool:
    """Whether data hold only dicts with text keys, lists, text and None: what the load cache
    keeps with marshal (which would take numbers or tuples too, without a word)."""
    if data is None or type(data) is str:
        return True
    if type(data) is list:
        return all(plain(item) for item in data)
    return type(data) is dict and all(type(k) is str and plain(v) for k, v in data.items())


def assert_readings_agree(text: str, fast: bool = True) -> None:
    """The fast reading refuses exactly the texts the recording one reports, else equal data,
    plain in both."""
    document, problems = _parse_recording(text, FILE, fast)
    quick = fast_reading(text, fast)
    if problems:
        assert quick is REFUSED_BY_FAST_READING, (text, problems)
    else:
        assert document is not None
        assert quick is not REFUSED_BY_FAST_READING, text
        assert quick == document.data, text
        assert plain(quick) and plain(document.data), text


def recorded_positions(text: str, fast: bool = True) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Positions recorded while reading, as the loader did for every file before."""
    loader = yaml.CSafeLoader if fast else yaml.SafeLoader
    builder = _Builder(FILE, yaml.parse(text, Loader=loader))
    builder.document()
    return builder.values, builder.keys


@pytest.mark.parametrize(
    "path", EXAMPLE_FILES + FIXTURE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix()
)
@BOTH_PARSERS
def test_fast_and_recording_readings_agree_on_every_project_file(path: Path, fast: bool) -> None:
    assert_readings_agree(path.read_text(encoding="utf-8"), fast)


@pytest.mark.parametrize(
    "text",
    [
        *INLINE_CORPUS,
        *(text for text, _ in REFUSED.values()),
        *(text for text, _ in STRAY_TABS),
        *(text for text, _, _, _ in SYNTAX_ERRORS),
        BILLION_LAUGHS,
        "a: 'x\ty'\na: |\n  y\tz\n",
        "a: 1\n---\nb: 2\n",
        "'': 1\n",
        '"\\u202E": 1\n',
        "? [a]\n: 1\n",
        "? *x\n: 1\n",
        nested_flow(32, "x"),
        nested_flow(33, "x"),
        nested_block(33),
    ],
)
@BOTH_PARSERS
def test_fast_and_recording_readings_agree_on_refusals_and_edge_cases(
    text: str, fast: bool
) -> None:
    assert_readings_agree(text, fast)


# YAML an editor might write (dumped in every style), then broken in the ways the loader refuses
yaml_scalar = st.lists(
    st.sampled_from([*"ab :-#'\"\t\n\\", "é", "😀", "<<", "~", "null", "\u202e", "\x07"]),
    max_size=6,
).map("".join)
yaml_data = st.recursive(
    st.none() | yaml_scalar,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(yaml_scalar, children, max_size=4)
    ),
    max_leaves=20,
)
BREAKAGES = [
    *("&a ", "*a", "!!str ", "!x ", "<<: ", "\t", "\n---\n", "? ", "- ", ": ", "{", "[", "'"),
    *('"\\u202E"', '"\\0"', '""', "#\t", "\r\n", "~: ", "a: 1\na: 2\n", "\n  ", "|\n  x\ty\n"),
]


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    text = yaml.safe_dump(
        draw(yaml_data),
        default_flow_style=draw(st.sampled_from([None, True, False])),
        default_style=draw(st.sampled_from([None, "'", '"', "|", ">"])),
        allow_unicode=draw(st.booleans()),
        width=draw(st.sampled_from([12, 80])),
    )
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(BREAKAGES)) + text[at:]
    return text


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(yaml_texts(), YAMLISH), fast=st.booleans())
def test_fast_and_recording_readings_agree_on_generated_yaml(text: str, fast: bool) -> None:
    assert_readings_agree(text, fast)


@pytest.mark.parametrize(
    "path", EXAMPLE_FILES + FIXTURE_FILES, ids=lambda p: p.relative_to(ROOT).as_posix()
)
@BOTH_PARSERS
def test_positions_worked_out_later_equal_those_recorded_while_reading(
    path: Path, fast: bool
) -> None:
    raw = path.read_bytes()
    document, problems = load_bytes(raw, FILE, fast=fast)
    assert problems == []
    assert document is not None
    text, _ = decode(raw, FILE)
    assert text is not None
    assert (document.values, document.keys) == recorded_positions(text, fast)


@settings(max_examples=200, deadline=None)
@given(text=yaml_texts(), fast=st.booleans())
def test_positions_worked_out_later_equal_those_recorded_on_generated_yaml(
    text: str, fast: bool
) -> None:
    document, _ = parse_text(text, FILE, fast=fast)
    if document is not None:
        assert (document.values, document.keys) == recorded_positions(text, fast)


def test_positions_are_worked_out_once_and_only_when_asked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    original = SourceText.positions

    def counted(self: SourceText, file: str) -> Any:
        calls.append(file)
        return original(self, file)

    monkeypatch.setattr(SourceText, "positions", counted)
    document, problems = parse_text(NESTED, FILE)
    assert problems == []
    assert document is not None
    assert calls == []  # loading records nothing
    assert document.where(("priorities", 1, "objectives", 0, "title")) == Position(9, 9)
    assert document.value_at(("year",)) == Position(2, 7)
    assert document.problem(("year",), "x").line == 2
    assert document.keys[("year",)] == Position(2, 1)
    assert calls == [FILE]


def test_positions_come_from_the_parser_that_read_the_file() -> None:
    # the two parsers place an empty flow value differently (see the xfail above)
    text = "a: {x: }\n"
    by_libyaml, _ = parse_text(text, FILE, fast=True)
    by_python, _ = parse_text(text, FILE, fast=False)
    assert by_libyaml is not None and by_python is not None
    assert by_libyaml.data == by_python.data
    assert by_libyaml.values[("a", "x")] == Position(1, 8)
    assert by_python.values[("a", "x")] == Position(1, 7)


def test_a_document_keeps_its_text_compressed() -> None:
    text = "".join(f"- id: item-{n}\n  title: A long enough title {n}\n" for n in range(200))
    document, problems = parse_text(text, FILE)
    assert problems == [] and document is not None and document.source is not None
    assert document.source.text == text
    assert len(document.source.compressed) < len(text) / 4


def test_keys_are_shared_between_files() -> None:
    first, _ = parse_text("title: a\n", FILE)
    second, _ = parse_text("- title: b\n", FILE)
    assert first is not None and second is not None
    assert next(iter(first.data)) is next(iter(second.data[0]))


# --- 11. Loading many files -------------------------------------------------------------------

REFERENCE = {name: kind.where for name, kind in REFERENCE_KINDS.items()}


def load_example(root: Path, jobs: int) -> tuple[list[SourceFile], list[Problem]]:
    """Every file of a project that loads, and the problems of those that do not, found and
    loaded as `check_project` does."""
    found, problems = discover(root, REFERENCE, list(YEAR_KINDS))
    return list(load_sources(found, root, problems, jobs)), problems


def broken_copy(tmp_path: Path) -> Path:
    """A copy of the example project with files that fail to load in different ways."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "plans", root / "plans")
    shutil.copytree(ROOT / "data", root / "data")
    plans = sorted((root / "plans").rglob("plan.yml"))
    plans[0].write_bytes(plans[0].read_bytes() + b"status: again\n")  # duplicate key
    plans[1].write_bytes(b"title: caf\xe9\n")  # not UTF-8
    plans[2].write_text("a: &x 1\nb: *x\n", encoding="utf-8")
    (plans[3].parent / "extra.yml").write_text("x: 1\n", encoding="utf-8")
    return root


def test_loading_in_worker_processes_gives_what_loading_in_order_gives(tmp_path: Path) -> None:
    serial = load_example(ROOT, jobs=1)
    assert len(serial[0]) > 20 and serial[1] == []
    assert load_example(ROOT, jobs=2) == serial
    broken = broken_copy(tmp_path)
    serial = load_example(broken, jobs=1)
    assert len(serial[1]) >= 4
    assert load_example(broken, jobs=2) == serial
    assert load_example(broken, jobs=3) == serial


def test_checking_in_worker_processes_reports_what_checking_in_order_reports(
    tmp_path: Path,
) -> None:
    broken = broken_copy(tmp_path)
    assert check_project(broken, jobs=2)[1] == check_project(broken, jobs=1)[1]
    project, problems = check_project(ROOT, jobs=2)
    assert project is not None
    assert problems == check_project(ROOT, jobs=1)[1]


class RecordingPool(ProcessPoolExecutor):
    """A process pool that notes how many workers each pool was asked for."""

    started: ClassVar[list[int]] = []

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        RecordingPool.started.append(max_workers)
        super().__init__(max_workers, **kwargs)


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setattr(generator.load.files, "ProcessPoolExecutor", RecordingPool)
    monkeypatch.setattr(generator.load.files.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(RecordingPool, "started", [])
    return RecordingPool.started


def test_a_small_project_loads_in_this_process(pools: list[int]) -> None:
    sources, _ = load_example(ROOT, jobs=0)
    assert len(sources) < generator.load.files.PARALLEL_FROM
    assert pools == []


def test_a_big_project_loads_in_one_process_a_core(
    pools: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator.load.files, "PARALLEL_FROM", 10)
    assert load_example(ROOT, jobs=0) == load_example(ROOT, jobs=1)
    assert pools == [2]


def test_checking_a_project_leaves_no_garbage_cycles(tmp_path: Path) -> None:
    # check_project pauses the cyclic collector: all it makes must be freed by reference counts
    broken = broken_copy(tmp_path)
    for root, jobs in ((ROOT, 1), (ROOT, 2), (broken, 1), (broken, 2)):
        gc.collect()
        gc.disable()
        try:
            check_project(root, jobs=jobs)
            assert gc.collect() == 0, (root, jobs)
        finally:
            gc.enable()


def test_garbage_goes_before_the_pause_and_what_lives_on_is_frozen_after_it() -> None:
    import weakref

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    del cycle
    frozen = gc.get_freeze_count()
    try:
        with collector_paused():
            assert gone() is None, "garbage made before the pause is collected, not frozen"
            kept = [[] for _ in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept), "what lives on is frozen"
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_only_while_checking() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
