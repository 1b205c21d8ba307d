"""Strict YAML that never silently changes or loses what an editor wrote.

The file is decoded as strict UTF-8, scanned for invisible or control characters, then read
as a stream of parser events (libyaml's C parser when available). We build the data ourselves
from the events, so anchors, aliases, tags, merge keys and duplicate keys are seen and refused
before anything is expanded. Positions are recorded only when needed, since they cost most of
the time and memory at national scale: a file with a problem is read again recording them, and
a clean file's Document keeps its text (compressed) to work out the line and column of any
field later asked for.

Scalars are kept as the exact text written: typing (numbers, booleans, dates) is the model's
job, which knows what each field expects. Only YAML 1.2's null forms become None.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import yaml

from generator.load.syntax import STRAY_TAB, excerpt_at, syntax_problem
from generator.problems import (
    FieldPath,
    Position,
    Problem,
    Severity,
    format_path,
)

try:  # the C parser is ~10x faster; results are identical (tested)
    from yaml import CSafeLoader as _FastLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _FastLoader  # type: ignore[assignment]

    HAVE_LIBYAML = False


MAX_FILE_BYTES = 1_000_000


MAX_DEPTH = 32


MAX_PROBLEMS_PER_FILE = 50


NULL_FORMS = frozenset({"", "~", "null", "Null", "NULL"})


# Characters that hide or reorder text: bidi controls and zero-width characters.
_INVISIBLE = frozenset(
    [
        # ZWNJ and ZWJ (U+200C, U+200D) stay allowed: Persian and Urdu spelling and emoji need them
        *(0x00AD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029),
        *(0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x3164, 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0xE0000, 0xE0080),  # tag characters
    ]
)


class Positions(NamedTuple):
    """Where every value and every key of a document stands, by field path."""

    values: dict[FieldPath, Position]
    keys: dict[FieldPath, Position]


@dataclass(frozen=True)
class SourceText:
    """A loaded file's text, kept compressed: positions are worked out from it when needed."""

    compressed: bytes
    libyaml: bool = True
    """Which parser read the file: positions must come from the same one."""
    may_link: bool = True
    """False when the text holds neither `](` nor a backslash, so no value in it can be a
    Markdown link (a backslash may be an escape spelling one in a quoted string): a check of
    links then need not read the text again."""

    @classmethod
    def of(cls, text: str, libyaml: bool = True) -> SourceText:
        # level 1: ~8x smaller than the text at a fraction of the cost of parsing it
        compressed = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
        return cls(compressed, libyaml, "](" in text or "\\" in text)

    @property
    def text(self) -> str:
        return zlib.decompress(self.compressed).decode("utf-8", "surrogatepass")

    def positions(self, file: str) -> Positions:
        """Read the text again, this time recording where every key and value stands."""
        builder = _Builder(file, yaml.parse(self.text, Loader=_loader(self.libyaml)))
        builder.document()
        return Positions(builder.values, builder.keys)


@dataclass(frozen=True)
class Document:
    """One loaded YAML file: its data and where every key and value stands in it.

    Positions are needed only to report a problem, and recording them for every file was most
    of the loader's time and memory at national scale: they are read from the kept source text
    the first time `where`, `value_at`, `problem`, `values` or `keys` asks for them.
    """

    file: str
    data: Any
    source: SourceText | None = field(default=None, repr=False)
    digest: bytes = field(default=b"", repr=False, compare=False)
    """The `content_hash` of the bytes it was loaded from (b"" for a document not read from a
    file): what the load and build caches know the file's content by."""

    @cached_property
    def positions(self) -> Positions:
        """Every value's and key's position (none for a document made without its source)."""
        if self.source is None:
            return Positions({}, {})
        return self.source.positions(self.file)

    @property
    def values(self) -> dict[FieldPath, Position]:
        return self.positions.values

    @property
    def keys(self) -> dict[FieldPath, Position]:
        return self.positions.keys

    def where(self, path: FieldPath) -> Position:
        """Where a field stands: its key if it has one, else its value, else its nearest parent."""
        values, keys = self.positions
        probe = tuple(path)
        while probe:
            if probe in keys:
                return keys[probe]
            if probe in values:
                return values[probe]
            probe = probe[:-1]
        return values.get((), Position(1, 1))

    def value_at(self, path: FieldPath) -> Position:
        """The position of a field's value (falls back like `where`)."""
        return self.values.get(tuple(path)) or self.where(path)

    def problem(
        self, path: FieldPath, message: str, severity: Severity = Severity.ERROR
    ) -> Problem:
        """A problem located at a field of this document."""
        pos = self.where(path)
        return Problem(severity, self.file, pos.line, pos.column, format_path(path), message)


class _Abort(Exception):
    """Stops reading one file after an error that makes the rest meaningless."""


def _char_problem(ch: str) -> str | None:
    code = ord(ch)
    if ch in "\t\n\r":
        return None
    if code == 0:
        return "contains a NUL byte (is the file UTF-16? save it as UTF-8)"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"contains the control character U+{code:04X}; delete it"
    if code in _INVISIBLE:
        name = unicodedata.name(ch, "unnamed")
        return f"contains the invisible character U+{code:04X} {name}; delete it"
    if 0xD800 <= code <= 0xDFFF:  # cannot come from strict UTF-8, kept for str input
        return f"contains a lone surrogate U+{code:04X}"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return f"contains the non-character U+{code:04X}; delete it"
    return None


def _forbidden_pattern() -> re.Pattern[str]:
    """One character class of everything `_char_problem` refuses, for a fast first pass.

    Consecutive code points are written as ranges: Python's `re` is several times faster on
    a short class than on a long list of single characters."""
    codes = sorted(_INVISIBLE)
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = ["\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef"]
    parts += [f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges]
    parts += [
        f"{re.escape(chr(p + 0xFFFE))}-{re.escape(chr(p + 0xFFFF))}"
        for p in range(0, 0x110000, 0x10000)
    ]
    return re.compile("[" + "".join(parts) + "]")


_ASCII_FORBIDDEN = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")


_FORBIDDEN = _forbidden_pattern()


def _scan_characters(text: str, file: str) -> list[Problem]:
    clean = not _ASCII_FORBIDDEN.search(text) if text.isascii() else not _FORBIDDEN.search(text)
    if clean:
        return []  # the usual case: no need to walk the text character by character
    problems: list[Problem] = []
    line, col = 1, 1
    previous = ""
    for ch in text:
        if ch == "\n" and previous == "\r":
            previous = ch
            continue  # CRLF is one line break
        previous = ch
        if ch in "\n\r":  # YAML breaks lines at LF, CRLF and a lone CR
            line, col = line + 1, 1
            continue
        message = _char_problem(ch)
        if message is not None:
            problems.append(Problem(Severity.ERROR, file, line, col, "", message))
            if len(problems) >= MAX_PROBLEMS_PER_FILE:
                break
        col += 1
    return problems


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Strict UTF-8 text of a file, or the problems that make it unreadable."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,} — split it up"
        return None, [Problem(Severity.ERROR, file, 1, 1, "", message)]
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if raw.startswith(bom):
            message = f"file is encoded as {name}; save it as UTF-8"
            return None, [Problem(Severity.ERROR, file, 1, 1, "", message)]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00")
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        if 0 <= nul < exc.start:
            text = None
        else:
            line = raw.count(b"\n", 0, exc.start) + 1
            line_start = raw.rfind(b"\n", 0, exc.start) + 1
            column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
            byte = raw[exc.start]
            message = (
                f"is not valid UTF-8 (byte 0x{byte:02X}; is it Latin-1 or Windows-1252?); "
                "save the file as UTF-8"
            )
            return None, [Problem(Severity.ERROR, file, line, column, "", message)]
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        column = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        message = "contains a NUL byte (is the file UTF-16? save it as UTF-8)"
        return None, [Problem(Severity.ERROR, file, line, column, "", message)]
    assert text is not None
    problems = _scan_characters(text, file)
    return (None, problems) if problems else (text, [])


def _pos(event: Any) -> Position:
    mark = event.start_mark
    return Position(mark.line + 1, mark.column + 1)


def _is_plain(event: Any) -> bool:
    return event.style in (None, "")


class _Builder:
    """Builds plain Python data from parser events, refusing what YAML must not do here."""

    def __init__(self, file: str, events: Any) -> None:
        self.file = file
        self.events = events
        self.values: dict[FieldPath, Position] = {}
        self.keys: dict[FieldPath, Position] = {}
        self.problems: list[Problem] = []
        self.text_spans: list[tuple[int, int]] = []  # quoted and block scalars may hold tabs

    def fail(
        self, pos: Position, path: FieldPath, message: str, excerpt: tuple[str, ...] = ()
    ) -> None:
        where = (self.file, pos.line, pos.column, format_path(path))
        self.problems.append(Problem(Severity.ERROR, *where, message, excerpt))
        if len(self.problems) >= MAX_PROBLEMS_PER_FILE:
            raise _Abort

    def next(self) -> Any:
        return next(self.events)

    def check_node(self, event: Any, path: FieldPath) -> None:
        pos = _pos(event)
        if getattr(event, "anchor", None):
            self.fail(
                pos,
                path,
                f"`&{event.anchor}` (a label for reusing this value) is not allowed: remove it, "
                "or put the text in quotes if it starts with &",
            )
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.fail(
                pos,
                path,
                f"`{shown}` before a value is not allowed: remove it, or put the text in quotes "
                "if it starts with !",
            )

    def check_escapes(self, value: str, pos: Position, path: FieldPath) -> None:
        """A double-quoted scalar can spell a hidden character as an escape (\\u202E)."""
        if not _FORBIDDEN.search(value):
            return  # the usual case; the class matches exactly what `_char_problem` refuses
        for ch in value:
            message = _char_problem(ch) if ch not in "\t\n\r" else None
            if message is not None:
                if ch == "\0":
                    message = "contains the control character U+0000; delete it"
                self.fail(pos, path, message.replace("contains", "spells out", 1))
                return

    def document(self) -> Any:
        event = self.next()  # StreamStart
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            return None
        data = self.node(self.next(), (), 1)
        self.next()  # DocumentEnd
        event = self.next()
        if not isinstance(event, yaml.StreamEndEvent):
            self.fail(_pos(event), (), "a file holds one YAML document; remove the second '---'")
        return data

    def node(self, event: Any, path: FieldPath, depth: int) -> Any:
        pos = _pos(event)
        self.values[path] = pos
        is_container = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if is_container and depth > MAX_DEPTH:
            self.fail(pos, (), f"nesting is deeper than {MAX_DEPTH} levels; flatten the structure")
            raise _Abort
        if isinstance(event, yaml.AliasEvent):
            self.fail(
                pos,
                path,
                f"`*{event.anchor}` (reusing a labelled value) is not allowed: write the value "
                "out in full, or put the text in quotes if it starts with *",
            )
            return None
        self.check_node(event, path)
        if isinstance(event, yaml.ScalarEvent):
            if _is_plain(event) and event.value in NULL_FORMS:
                return None
            if event.style == '"':
                self.check_escapes(event.value, pos, path)
            self.note_text(event)
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(event := self.next(), yaml.SequenceEndEvent):
                items.append(self.node(event, (*path, len(items)), depth + 1))
            return items
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(path, depth)
        raise AssertionError(f"unexpected YAML event {event!r}")  # pragma: no cover

    def mapping(self, path: FieldPath, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not isinstance(event := self.next(), yaml.MappingEndEvent):
            key_pos = _pos(event)
            key = self.key(event, path)
            if key is not None and isinstance(event, yaml.ScalarEvent):
                self.note_text(event)
                if event.style == '"':
                    self.check_escapes(key, key_pos, path)
            value_event = self.next()
            if key is None:
                self.skip(value_event, path, depth + 1)
                continue
            child = (*path, key)
            if key in result:
                first = self.keys[child]
                self.fail(key_pos, child, f"duplicate key '{key}' (first at line {first.line})")
                self.skip(value_event, child, depth + 1)
                continue
            self.keys[child] = key_pos
            result[key] = self.node(value_event, child, depth + 1)
        return result

    def key(self, event: Any, path: FieldPath) -> str | None:
        pos = _pos(event)
        if isinstance(event, yaml.ScalarEvent):
            self.check_node(event, path)
            if _is_plain(event) and event.value == "<<":
                self.fail(
                    pos,
                    path,
                    "`<<` (copying fields from elsewhere) is not allowed: "
                    "write the fields out in full",
                )
                return None
            if (_is_plain(event) and event.value in NULL_FORMS) or not event.value:
                self.fail(pos, path, "a key is empty or null; give it a name")
                return None
            return str(event.value)
        if isinstance(event, yaml.AliasEvent):
            self.fail(
                pos,
                path,
                f"`*{event.anchor}` (reusing a labelled value) is not allowed as a field name: "
                "write the name out",
            )
            return None
        self.fail(pos, path, "a key must be plain text, not a list or mapping")
        self.skip(event, path, 1)
        return None

    def skip(self, event: Any, path: FieldPath, depth: int) -> None:
        """Read a node that is not kept (a duplicate's value): its own problems still count."""
        values, keys = self.values, self.keys
        self.values, self.keys = {}, {}
        try:
            self.node(event, path, depth)
        finally:
            self.values, self.keys = values, keys

    def note_text(self, event: Any) -> None:
        """Remember where quoted and block text stands: tabs are allowed there."""
        start, end = event.start_mark, event.end_mark
        if event.style in ('"', "'", "|", ">") and start is not None and end is not None:
            self.text_spans.append((start.index, end.index))

    def stray_tabs(self, text: str) -> None:
        """Tabs may stand only inside quoted or block text: elsewhere parsers disagree on them."""
        spans = sorted(self.text_spans)
        line, col, span = 1, 1, 0
        for index, ch in enumerate(text):
            if ch == "\n" and index and text[index - 1] == "\r":
                continue  # CRLF is one line break
            if ch in "\n\r":
                line, col = line + 1, 1
                continue
            if ch == "\t":
                while span < len(spans) and spans[span][1] <= index:
                    span += 1
                if not (span < len(spans) and spans[span][0] <= index):
                    self.fail(Position(line, col), (), STRAY_TAB, excerpt_at(text, line, col))
            col += 1


def _loader(libyaml: bool) -> Any:
    return _FastLoader if libyaml else yaml.SafeLoader


class _Refused(Exception):
    """The fast reading met something to refuse: the recording reading reports it exactly."""


# compared by identity (`event.__class__ is _Scalar`): cheaper than isinstance on every event
_Scalar: Any = yaml.ScalarEvent


_MappingStart: Any = yaml.MappingStartEvent


_MappingEnd: Any = yaml.MappingEndEvent


_SequenceStart: Any = yaml.SequenceStartEvent


_SequenceEnd: Any = yaml.SequenceEndEvent


_StreamEnd: Any = yaml.StreamEndEvent


_TEXT_STYLES = frozenset("\"'|>")  # quoted and block scalars: the only places tabs may stand


_REFUSED_PLAIN_KEYS = NULL_FORMS | {"<<"}


class _Reader:
    """Builds the data of one YAML stream from its events, recording no position.

    Refuses (raises `_Refused`) every stream `_Builder` reports a problem in, and only those,
    building equal data otherwise; a refused file is then read again by `_Builder`, which says
    exactly what is wrong and where. `spans` collects where quoted and block text stands, when
    the file holds a tab. A plain scalar's style is '' from libyaml and None from the Python
    parser: both are falsy.
    """

    __slots__ = ("get_event", "spans")

    def __init__(self, get_event: Callable[[], Any], spans: list[tuple[int, int]] | None) -> None:
        self.get_event = get_event
        self.spans = spans

    def document(self) -> Any:
        get_event = self.get_event
        get_event()  # StreamStart
        if get_event().__class__ is _StreamEnd:
            return None
        data = self.node(get_event(), 1)
        get_event()  # DocumentEnd
        if get_event().__class__ is not _StreamEnd:
            raise _Refused  # a second document
        return data

    def node(self, event: Any, depth: int) -> Any:
        kind = event.__class__
        if kind is _Scalar:
            return self.scalar(event)
        if depth > MAX_DEPTH or event.anchor is not None or getattr(event, "tag", None) is not None:
            raise _Refused  # too deep, an anchor, a tag, or an alias (its anchor is set)
        if kind is _MappingStart:
            return self.mapping(depth + 1)
        if kind is _SequenceStart:
            return self.sequence(depth + 1)
        raise _Refused  # pragma: no cover - no other event can stand for a node

    def scalar(self, event: Any) -> str | None:
        if event.anchor is not None or event.tag is not None:
            raise _Refused
        value: str = event.value
        style = event.style
        if not style:
            return None if value in NULL_FORMS else value
        if style == '"' and _FORBIDDEN.search(value):
            raise _Refused
        if self.spans is not None and style in _TEXT_STYLES:
            self.spans.append((event.start_mark.index, event.end_mark.index))
        return value

    def mapping(self, depth: int) -> dict[str, Any]:
        """The items of a mapping, up to its end; `depth` is its values' depth."""
        get_event, spans, intern = self.get_event, self.spans, sys.intern
        result: dict[str, Any] = {}
        event: Any
        while (event := get_event()).__class__ is not _MappingEnd:
            if event.__class__ is not _Scalar or event.anchor is not None or event.tag is not None:
                raise _Refused
            key: str = event.value
            style = event.style
            if not style:
                if key in _REFUSED_PLAIN_KEYS:
                    raise _Refused
            elif not key or (style == '"' and _FORBIDDEN.search(key)):
                raise _Refused
            elif spans is not None and style in _TEXT_STYLES:
                spans.append((event.start_mark.index, event.end_mark.index))
            key = intern(key)  # keys repeat in every file: one string each saves memory
            if key in result:
                raise _Refused
            event = get_event()
            if (
                event.__class__ is _Scalar
                and not event.style
                and event.anchor is None
                and event.tag is None
            ):  # the usual value, plain text: inline, for speed
                value = event.value
                result[key] = None if value in NULL_FORMS else value
            else:
                result[key] = self.node(event, depth)
        return result

    def sequence(self, depth: int) -> list[Any]:
        """The items of a sequence, up to its end; `depth` is its items' depth."""
        get_event, node = self.get_event, self.node
        items: list[Any] = []
        append = items.append
        while (event := get_event()).__class__ is not _SequenceEnd:
            append(node(event, depth))
        return items


def _has_stray_tab(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether `_Builder.stray_tabs` would refuse a tab, visiting only the tabs."""
    spans = sorted(spans)
    span = 0
    index = text.find("\t")
    while index >= 0:
        while span < len(spans) and spans[span][1] <= index:
            span += 1
        if not (span < len(spans) and spans[span][0] <= index):
            return True
        index = text.find("\t", index + 1)
    return False


_FAST_REFUSALS = (_Refused, yaml.YAMLError, RecursionError)


def parse_text(text: str, file: str, fast: bool = True) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, or report every problem found on the way.

    `fast` reads with libyaml's C parser, else with PyYAML's pure-Python one. Positions are not
    recorded (the Document works them out when asked); a file with any problem is read again,
    recording them, to report each problem exactly where it stands.
    """
    try:
        data = _read_fast(text, fast)
    except _FAST_REFUSALS:
        return _parse_recording(text, file, fast)
    return Document(file, data, SourceText.of(text, fast)), []


def _read_fast(text: str, fast: bool) -> Any:
    """The data of a text read without positions; raises one of `_FAST_REFUSALS` for every
    text `_parse_recording` reports a problem in."""
    spans: list[tuple[int, int]] | None = [] if "\t" in text else None
    loader = _loader(fast)(text)  # the Python parser's reader may refuse the text at once
    try:
        data = _Reader(loader.get_event, spans).document()
    finally:
        loader.dispose()
    if spans is not None and _has_stray_tab(text, spans):
        raise _Refused
    return data


def _parse_recording(text: str, file: str, fast: bool) -> tuple[Document | None, list[Problem]]:
    """Read a file while recording every position, to report its problems exactly."""
    builder = _Builder(file, yaml.parse(text, Loader=_loader(fast)))
    try:
        data = builder.document()
    except _Abort:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        builder.problems.append(syntax_problem(text, exc, file))
        return None, builder.problems
    except yaml.YAMLError:  # the Python parser's reader: characters `decode` already refuses
        message = "this file cannot be read: it holds characters that are not allowed"
        builder.problems.append(Problem(Severity.ERROR, file, 1, 1, "", message))
        return None, builder.problems
    except RecursionError:  # pragma: no cover - guarded by MAX_DEPTH
        message = f"nesting is deeper than {MAX_DEPTH} levels"
        builder.problems.append(Problem(Severity.ERROR, file, 1, 1, "", message))
        return None, builder.problems
    if "\t" in text:
        with contextlib.suppress(_Abort):
            builder.stray_tabs(text)
    if builder.problems:
        return None, builder.problems
    return Document(file, data, SourceText.of(text, fast)), []


def load_bytes(raw: bytes, file: str, fast: bool = True) -> tuple[Document | None, list[Problem]]:
    """Load one YAML file's bytes: decode strictly, then parse."""
    text, problems = decode(raw, file)
    if text is None:
        return None, problems
    return parse_text(text, file, fast=fast)


def content_hash(raw: bytes) -> bytes:
    """The sha256 of a file's bytes: what the load cache knows its content by."""
    return hashlib.sha256(raw).digest()
