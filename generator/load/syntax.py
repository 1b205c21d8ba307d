"""A YAML syntax error in the editor's words: what is probably wrong, on the line that is wrong.

The parser stops where it can no longer make sense of the text, often a line or more below the
mistake, and says why in its own grammar ("did not find expected key"). Looking back from there
at the source lines finds the usual mistakes (a line indented too far or not far enough, a list
item at the wrong depth, a missing space after a colon, a colon inside a value, an unclosed
quote, a tab) and says how to fix them; the problem carries the line, with a caret under the
place, for text output. Only broken files come here: the happy path never does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from generator.problems import Problem, Severity

_KEY = re.compile(
    r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\[\]{}&*!|>%@`,-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)"""
)
"""`key:` at the start of a line's content: the key, up to the first colon followed by a space."""

_GLUED = re.compile(r"(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s/:][^\n]*)")
"""`title:Foo`: a key and its value with no space after the colon (`https://` is not one)."""

_BLOCK_TEXT = re.compile(r"[|>][-+0-9]*[ \t]*(#.*)?")

STRAY_TAB = "a tab is used outside quoted text; use spaces (or quote the text)"
"""What a tab where the parser does not allow one, or where libyaml does, is reported as."""

_WIDTH = 100
"""Source lines longer than this are shown cut down to the part around the caret."""


@dataclass(frozen=True)
class _Line:
    """One source line, as far as its indentation and leading `- ` and `key:` go."""

    number: int  # 1-based
    text: str
    start: int  # 0-based column of the first character that is not a space
    dashes: tuple[int, ...]  # 0-based columns of the list-item dashes the line starts with
    body: int  # 0-based column of what follows the dashes: a key, or a value
    key: str | None
    value: str  # what follows `key:` (or the whole body), without the comment

    @property
    def significant(self) -> bool:
        return bool(self.text.strip()) and not self.text.lstrip(" ").startswith("#")

    @property
    def token(self) -> str:
        """How a message names the start of the line: `due:`, or `-` for a list item."""
        if self.dashes:
            return "-"
        return f"{self.key}:" if self.key is not None else self.text.strip()[:20]


def _line(number: int, text: str) -> _Line:
    start = len(text) - len(text.lstrip(" "))
    dashes: list[int] = []
    body = start
    while text[body : body + 2] == "- " or text[body:].rstrip() == "-":
        dashes.append(body)
        body += 1
        while body < len(text) and text[body] == " ":
            body += 1
    content = text[body:]
    match = _KEY.match(content)
    key = match.group("key").strip() if match else None
    value = content[match.end() :] if match else content
    value = value.strip()
    if value.startswith("#"):
        value = ""
    return _Line(number, text, start, tuple(dashes), body, key, value)


class _Lines:
    """A text's lines, each read as a `_Line` only when looked at: a broken file may be long,
    and the lines that tell what is wrong are few (the one the parser stopped at, and those it
    is compared with above it)."""

    def __init__(self, text: str) -> None:
        self.texts = text.splitlines() or [""]
        self._read: dict[int, _Line] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index: int) -> _Line:
        """The line at a 0-based `index` (as a list's; -1 the last)."""
        index = index % len(self.texts)
        found = self._read.get(index)
        if found is None:
            found = self._read[index] = _line(index + 1, self.texts[index])
        return found

    def above(self, number: int) -> Iterator[_Line]:
        """The lines above line `number` (1-based), nearest first."""
        for index in range(number - 2, -1, -1):
            yield self[index]


@dataclass(frozen=True)
class Explained:
    """Where a syntax error probably is, and what to do about it."""

    line: int  # 1-based
    column: int  # 1-based
    message: str
    shown_with: int | None = None
    """Another line the message refers to ("line it up with line 11"), shown above it."""


def syntax_problem(text: str, exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """A parser's syntax error as a problem an editor can act on, with the line shown."""
    lines = _Lines(text)
    explained = explain(lines, exc)
    excerpt = _excerpt(lines, explained)
    return Problem(
        Severity.ERROR, file, explained.line, explained.column, "", explained.message, excerpt
    )


def _mark(mark: yaml.Mark | None, lines: _Lines) -> tuple[int, int] | None:
    """A parser's mark as a 1-based line and column of the text (a mark past the end of the
    text, as at an unexpected end of file, is moved to the end of its last line)."""
    if mark is None:
        return None
    if mark.line >= len(lines):
        return len(lines), len(lines[-1].text) + 1
    return mark.line + 1, min(mark.column, len(lines[mark.line].text)) + 1


def explain(lines: _Lines, exc: yaml.MarkedYAMLError) -> Explained:
    """The culprit line and a message for a parser's error, found by looking back at the lines."""
    problem, context = exc.problem or "", exc.context or ""
    at = _mark(exc.context_mark, lines)
    where = _mark(exc.problem_mark, lines) or at or (1, 1)
    line = lines[where[0] - 1]
    char = line.text[where[1] - 1 : where[1]]
    if "tab" in problem or "'\\t'" in problem or char == "\t":
        return _tab(lines, where)
    if "quoted scalar" in context and at is not None:
        return _quote(lines, problem, where, at)
    if ("alias" in context or "anchor" in context) and at is not None:
        return _starts_with(lines[at[0] - 1], at[1], line.text[at[1] - 1])
    if "cannot start any token" in problem:
        return _starts_with(line, where[1], char)
    if "block scalar" in context:
        return Explained(
            where[0],
            where[1],
            f"line {where[0]}: after `|` or `>` nothing may follow on the line but `-` or `+`: "
            "start the text on the next line, indented",
        )
    if "flow" in context and at is not None:
        return _unclosed_bracket(lines, at)
    runs_on = _quote_runs_on(lines, where[0])
    if runs_on is not None:
        return runs_on
    glued = _glued(lines, at[0] if at and "simple key" in context else where[0] - 1, where[0])
    if glued is not None:
        return glued
    if "simple key" in context and at is not None:
        return _text_without_key(lines, at[0])
    if "mapping values" in problem:
        found = _colon_in_value(lines, line, where)
        if found is not None:
            return found
    if "sequence entries" in problem and line.key is not None and where[1] - 1 > line.body:
        return Explained(
            where[0],
            where[1],
            f"line {where[0]}: a list item cannot start on the same line as `{line.key}:`: "
            "put it on the next line, indented under it",
        )
    if (
        where[1] - 1 > line.start
        and not _starts_key_here(line, where[1] - 1)
        and not _refused_key(problem, line, where)
    ):
        found = _text_after_closing(line, where)
        if found is not None:
            return found
    found = _misaligned(lines, line)
    if found is not None:
        return found
    return Explained(
        where[0],
        where[1],
        f"line {where[0]} does not fit with the lines above it: check its indentation, "
        "and the quotes and colons on it and on the line before",
    )


def _tab(lines: _Lines, where: tuple[int, int]) -> Explained:
    for number, text in enumerate(lines.texts[: where[0]], 1):
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indent:
            return Explained(
                number,
                indent.index("\t") + 1,
                f"line {number} is indented with a tab: indent with spaces only",
            )
    return Explained(where[0], where[1], STRAY_TAB)


def _quote(lines: _Lines, problem: str, where: tuple[int, int], at: tuple[int, int]) -> Explained:
    quote = lines[at[0] - 1].text[at[1] - 1 : at[1]] or '"'
    if "escape" in problem:
        text = lines[where[0] - 1].text
        column = text.rfind("\\", 0, where[1]) + 1 or where[1]  # the parsers differ by one
        if "Unicode" in problem:
            code = re.match(
                r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2})", text[column - 1 :]
            )
            shown = f"`{code.group(0)}`" if code else "this backslash code"
            return Explained(
                where[0],
                column,
                f"line {where[0]}: {shown} inside double quotes is not a character that can be "
                "written: delete it, or write \\\\ if you mean a backslash",
            )
        return Explained(
            where[0],
            column,
            f"line {where[0]}: a backslash (\\) inside double quotes starts a special "
            "character, and this one is not valid: write \\\\ for a backslash, or use single "
            "quotes",
        )
    return Explained(
        at[0],
        at[1],
        f"line {at[0]} opens a quote ({quote}) that is never closed: "
        f"end the value with {quote} on the same line",
    )


_CLOSING = {"'": re.compile(r"'(?!')"), '"': re.compile(r'(?<!\\)"')}


def _quote_runs_on(lines: _Lines, number: int) -> Explained | None:
    """A quote left open on an earlier line and closed by a quote mark on line `number` (an
    apostrophe, say): the value ran on over the lines between, and the mistake is its start."""
    index = 0
    while index < number - 1:
        if "'" not in lines.texts[index] and '"' not in lines.texts[index]:
            index += 1
            continue  # most lines: no quote to look at
        line = lines[index]
        index += 1
        if not line.significant or line.value[:1] not in _CLOSING:
            continue
        quote = line.value[0]
        opening = line.text.find(quote, line.body + (len(line.key) + 1 if line.key else 0))
        rest = (
            line.text[opening + 1 :].replace("''", "") if quote == "'" else line.text[opening + 1 :]
        )
        if _CLOSING[quote].search(rest):
            continue  # closed on its own line
        while index < len(lines):
            text = lines.texts[index]
            text = text.replace("''", "") if quote == "'" else text
            index += 1
            if _CLOSING[quote].search(text):
                break
        if index == number:
            return Explained(
                line.number,
                opening + 1,
                f"line {line.number} opens a quote ({quote}) that is not closed on that line, "
                f"so the value runs on to the {quote} on line {number}: end the value with "
                f"{quote} on line {line.number}",
            )
    return None


def _quoted(value: str) -> str:
    """A value in the quotes that keep it as written."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _suggest(line: _Line, value: str) -> str:
    prefix = line.text[: line.body]
    key = f"{line.key}: " if line.key is not None else ""
    return f"`{(prefix + key).strip()} {_quoted(value)}`".replace("` ", "`")


def _starts_with(line: _Line, column: int, char: str) -> Explained:
    value = line.value if line.key is not None else line.text[column - 1 :].strip()
    shown = "a tab" if char == "\t" else f"`{char}`"
    return Explained(
        line.number,
        column,
        f"line {line.number}: a value cannot start with {shown} unless it is in quotes: "
        f"write {_suggest(line, value)}",
    )


def _unclosed_bracket(lines: _Lines, at: tuple[int, int]) -> Explained:
    """A `[` or `{` never closed: the nearest one at or before the parser's mark."""
    number, column = at
    while number >= 1:
        text = lines[number - 1].text[:column]
        found = max(text.rfind("["), text.rfind("{"))
        if found >= 0:
            number, column = number, found + 1
            break
        number, column = number - 1, 1 << 30
    else:
        number, column = at
    opening = lines[number - 1].text[column - 1 : column] or "["
    closing, what = ("}", "a group of fields") if opening == "{" else ("]", "a list")
    return Explained(
        number,
        column,
        f"line {number}: `{opening}` starts {what} that is not closed with `{closing}`: "
        f"close it on the same line, or put the value in quotes if the `{opening}` is "
        "part of the text",
    )


def _glued(lines: _Lines, first: int, last: int) -> Explained | None:
    """A `key:value` with no space after the colon on lines `first` to `last` (1-based)."""
    for line in (lines[index] for index in range(last - 1, max(first, 1) - 2, -1)):
        if not line.significant or line.key is not None:
            continue
        match = _GLUED.fullmatch(line.text[line.body :].rstrip())
        if match is not None:
            column = line.body + len(match.group("key")) + 1
            fixed = f"{line.text[: line.body].strip()} {match['key']}: {match['value']}".strip()
            return Explained(
                line.number,
                column,
                f"line {line.number} has no space after the colon: did you mean `{fixed}`?",
            )
    return None


def _text_without_key(lines: _Lines, number: int) -> Explained:
    line = lines[number - 1]
    above = _previous(lines, line)
    hint = (
        f": if it goes on from `{above.key}:` on line {above.number}, indent it further"
        if above is not None and above.key is not None and above.value
        else ": write it as `name: value`"
    )
    return Explained(
        number,
        line.body + 1,
        f"line {number} is text without a field name and a colon in front of it{hint}",
        shown_with=above.number if above is not None else None,
    )


def _colon_in_value(lines: _Lines, line: _Line, where: tuple[int, int]) -> Explained | None:
    """`title: Knife crime: a plan`, or a continued value holding `: `."""
    colon = where[1] - 1
    if line.key is not None and colon > line.body + len(line.key):
        return Explained(
            where[0],
            where[1],
            f"line {where[0]} has a second colon in the value of `{line.key}:`: put the value "
            f"in quotes: {_suggest(line, line.value)}",
        )
    above = _previous(lines, line)
    if (
        line.key is not None
        and not line.dashes
        and not re.fullmatch(r"[\w-]+", line.key)
        and above is not None
        and above.key is not None
        and above.value
        and line.start > above.body
    ):
        return Explained(
            where[0],
            where[1],
            f"line {where[0]} goes on from the value of `{above.key}:` on line {above.number} "
            "and has a colon followed by a space in it: put the whole value in quotes",
            shown_with=above.number,
        )
    return None


def _starts_key_here(line: _Line, column: int) -> bool:
    return column in line.dashes or column == line.body


def _refused_key(problem: str, line: _Line, where: tuple[int, int]) -> bool:
    """The parser refused the line's own `key:` (its colon is where it stopped): the line is in
    the wrong place, whatever its value holds (`partners: [a, b]` indented too far)."""
    return (
        "mapping values" in problem
        and line.key is not None
        and where[1] - 1 == line.body + len(line.key)
    )


def _text_after_closing(line: _Line, where: tuple[int, int]) -> Explained | None:
    """A value that starts with a quote or bracket and goes on after the closing one."""
    value = line.value
    opening = value[:1]
    if line.key is None or opening not in ("'", '"', "[", "{"):
        return None
    start = line.text.find(value, line.body + len(line.key))
    if start < 0:
        return None
    if opening == "'":
        inner = re.match(r"'((?:[^']|'')*)'(?=\w)", value)
        if inner is not None:
            column = start + inner.end()
            left = re.search(r"\w*$", value[: inner.end() - 1])
            right = re.match(r"\w*", value[inner.end() :])
            shown = (left.group(0) if left else "") + "'" + (right.group(0) if right else "")
            return Explained(
                line.number,
                column,
                f"line {line.number}: the apostrophe in `{shown}` ends the quoted text early: "
                f"write it twice (''), or put the value in double quotes: `{line.key}: \""
                f'{value[1:-1] if value.endswith(chr(39)) else value[1:]}"`',
            )
    if opening == '"':
        inner = re.match(r'"((?:[^"\\]|\\.)*)"(?=\S)', value)
        if inner is not None and '"' in value[inner.end() :]:
            return Explained(
                line.number,
                start + inner.end(),
                f"line {line.number}: the quote mark here ends the quoted text early: "
                'write \\" for a quote mark inside double quotes, or put the value in single '
                "quotes",
            )
    what = {
        "'": "a quote mark and goes on after the closing one",
        '"': "a quote mark and goes on after the closing one",
        "[": "`[`, which begins a list, and goes on after the `]`",
        "{": "`{`, which begins a group of fields, and goes on after the `}`",
    }
    return Explained(
        line.number,
        start + 1,
        f"line {line.number}: the value starts with {what[opening]}: put the whole value in "
        f"quotes: {_suggest(line, value)}",
    )


def _previous(lines: _Lines, line: _Line) -> _Line | None:
    for above in lines.above(line.number):
        if above.significant:
            return above
    return None


def _open_lines(lines: _Lines, line: _Line) -> list[_Line]:
    """The lines above `line` that it could line up with: the one before it and its parents,
    nearest first (text inside a block or a value going on over lines skipped)."""
    found: list[_Line] = []
    bound = 1 << 30
    for index in range(line.number - 2, -1, -1):
        if _start(lines.texts[index]) > bound:
            continue  # deeper than a line already found: not a parent (and not read)
        above = lines[index]
        if not above.significant:
            continue
        compact = bool(found) and found[-1].dashes[:1] == (above.start,) and not above.dashes
        if above.start == bound and not compact:
            continue  # a list may stand at its parent's indentation: `key:` then `- item`
        if above.key is None and not above.dashes:
            continue  # a value going on over lines, or block text: not a place to line up
        found.append(above)
        bound = above.start
        if bound == 0 and not above.dashes:
            break  # a field at the left edge: nothing above it is a parent
    return [above for above in found if not _inside_block_text(lines, above)]


def _start(text: str) -> int:
    """Where a line's text starts (a blank line's start is taken as past its end)."""
    stripped = text.lstrip(" ")
    return len(text) - len(stripped) if stripped and not stripped.startswith("#") else 1 << 30


def _inside_block_text(lines: _Lines, line: _Line) -> bool:
    for index in range(line.number - 2, -1, -1):
        if _start(lines.texts[index]) < line.start:
            return bool(_BLOCK_TEXT.fullmatch(lines[index].value))
    return False


def _misaligned(lines: _Lines, line: _Line) -> Explained | None:
    """A key or list item not lined up with any line it could belong with."""
    if not line.significant:
        return None
    above = _open_lines(lines, line)
    if not above:
        return None
    if line.start < min(a.start for a in above):
        first = above[-1]
        return Explained(
            first.number,
            first.start + 1,
            f"line {first.number} is indented, but the fields at the top of a file start "
            f"at the left edge: remove the spaces before `{first.token}`",
        )
    if line.dashes:
        targets = [(d, a) for a in above for d in a.dashes]
        column = line.start
    else:
        targets = [(a.body, a) for a in above if a.key is not None]
        column = line.body
    if any(c == column for c, _ in targets):
        return None
    item = next((a for a in above if column in a.dashes), None)
    if not line.dashes and item is not None and item.key is None:
        return Explained(
            line.number,
            column + 1,
            f"line {line.number} is lined up with the list item on line {item.number} but is "
            "not one: start it with `- ` to make it an item, or line it up with the field it "
            "belongs with",
            shown_with=item.number,
        )
    if not targets:
        return None
    # the nearest column on each side (of two lines at it, the nearer): the editor meant one
    deeper = min((t for t in targets if t[0] > column), key=lambda t: t[0], default=None)
    shallower = max((t for t in targets if t[0] < column), key=lambda t: t[0], default=None)
    sides = sorted(
        (t for t in (deeper, shallower) if t is not None),
        key=lambda t: (abs(t[0] - column), -t[0]),
    )
    first = sides[0][1]
    said = f"line {line.number} is indented {_than(line, sides[0])}"
    fix = _line_up(line, first)
    if len(sides) == 2:
        other = sides[1][1]
        said += f" and {_than(line, sides[1])}"
        fix += f", or with {_named(line, other)} on line {other.number}"
    return Explained(line.number, column + 1, f"{said}: {fix}", shown_with=first.number)


def _than(line: _Line, target: tuple[int, _Line]) -> str:
    column = line.start if line.dashes else line.body
    return f"{'more' if column > target[0] else 'less'} than line {target[1].number}"


def _named(line: _Line, target: _Line) -> str:
    return "the `-`" if line.dashes else f"`{target.key}:`"


def _line_up(line: _Line, target: _Line) -> str:
    if line.dashes:
        return f"line up its `-` with the `-` on line {target.number}"
    return f"line up `{line.token}` with `{target.key}:` on line {target.number}"


def excerpt_at(text: str, line: int, column: int) -> tuple[str, ...]:
    """The source line `line` with a caret under `column` (both 1-based), as text output shows."""
    lines = _Lines(text)
    return _excerpt(lines, Explained(line, column, ""))


def _excerpt(lines: _Lines, explained: Explained) -> tuple[str, ...]:
    """The culprit line (and the one it is compared with) with a caret under the column."""
    numbers = [explained.line]
    if explained.shown_with is not None and explained.shown_with != explained.line:
        numbers.insert(0, explained.shown_with)
    width = len(str(max(numbers)))
    out: list[str] = []
    for index, number in enumerate(numbers):
        if index and number != numbers[index - 1] + 1:
            out.append(f"{'':>{width}} | ...")
        text = lines[number - 1].text if number <= len(lines) else ""
        shown, caret = _shown(text, explained.column if number == explained.line else None)
        out.append(f"{number:>{width}} | {shown}".rstrip())
        if caret is not None:
            out.append(f"{'':>{width}} | {' ' * caret}^")
    return tuple(out)


def _shown(text: str, column: int | None) -> tuple[str, int | None]:
    """A source line as printed (tabs as arrows, long lines cut) and the caret's offset in it."""
    index = max(0, (column or 1) - 1)
    start = 0
    if len(text) > _WIDTH:
        start = max(0, min(index - _WIDTH // 2, len(text) - _WIDTH))
    cut = text[start : start + _WIDTH].replace("\t", "→")
    prefix = "…" if start else ""
    suffix = "…" if start + _WIDTH < len(text) else ""
    if column is None:
        return prefix + cut + suffix, None
    before = prefix + cut[: index - start]
    offset = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in before)
    return prefix + cut + suffix, offset
