"""A small YAML writer for the files `plans new-year` starts: readable block YAML, every scalar
quoted as PyYAML would quote it (so any text reads back exactly as it was), multi-line text as
`|` blocks where that reads back exactly too, and a `# …` comment on each line the editor has
to fill in."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from generator.model.types import ID_PATTERN


@dataclass(frozen=True)
class Commented:
    """A value written with a comment at the end of its line (for a mapping or a list, the
    line of its key)."""

    value: Any
    comment: str


@dataclass(frozen=True)
class Placeholder:
    """A commented-out line where the editor adds something: `# <text>`. Its key in the
    mapping is not written."""

    text: str


_PLAIN_FIGURE = re.compile(r"-?[0-9][0-9.-]*")
_ID = re.compile(ID_PATTERN)


def _quoted(text: str) -> str:
    """The scalar as PyYAML writes it on one line: plain when that reads back the same,
    quoted otherwise."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=float("inf"), default_style=None)
    dumped = dumped.removesuffix("\n...\n").removesuffix("\n")
    assert yaml.safe_load(dumped) == text, text
    return dumped


def scalar(value: Any) -> str:
    """One scalar as YAML text. Numbers and dates are written plain (the loader keeps every
    scalar as the text written, so `2027-03-31` and `'2027-03-31'` read the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")  # never an exponent, which the model refuses
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if _PLAIN_FIGURE.fullmatch(text):
        return text
    return _quoted(text)


def _block(text: str, indent: str) -> list[str] | None:
    """Multi-line text as a literal block (`|` or `|-`), or None when a block would not read
    back exactly (leading spaces, blank lines of spaces, several final newlines, control
    characters)."""
    if "\n" not in text.rstrip("\n") or text.endswith("\n\n") or text[:1] in (" ", "\t"):
        return None
    body = text.removesuffix("\n")
    lines = body.split("\n")
    if any(not line.strip() and line for line in lines) or any(
        ch in text for ch in "\r\x85\u2028\u2029\t"
    ):
        return None
    header = "|" if text.endswith("\n") else "|-"
    block = [header] + [f"{indent}  {line}" if line else "" for line in lines]
    emitted = "key: " + "\n".join(block) + "\n"
    if yaml.safe_load(emitted) != {"key": text}:
        return None
    return block


WIDTH = 100
"""Lines are kept to this width where a long text can be folded (as the example's files are)."""
_FOLDABLE = re.compile(r"\S+(?: \S+)+")


def _folded(text: str, indent: str, used: int) -> list[str] | None:
    """A long one-line text as a folded block (`>-`) wrapped at `WIDTH`, or None when it fits
    on its line already, or a fold would not read back exactly (`used`: the width of the
    line's start, `key: `)."""
    if used + len(text) <= WIDTH or not _FOLDABLE.fullmatch(text):
        return None
    if any(ch in text for ch in "\t\x85\u2028\u2029\ufeff"):
        return None
    room = max(WIDTH - len(indent) - 2, 40)
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    block = [">-"] + [f"{indent}  {line}" for line in lines]
    if yaml.safe_load("key: " + "\n".join(block) + "\n") != {"key": text}:
        return None
    return block


def _inline(value: Any) -> str | None:
    """A value that fits on its key's line: a scalar, an empty container, or a list of ids."""
    if isinstance(value, Mapping):
        return "{}" if not value else None
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(isinstance(item, str) and _ID.fullmatch(item) and scalar(item) == item
               for item in value):  # fmt: skip
            return "[" + ", ".join(value) + "]"
        return None
    return scalar(value)


def _comment(comment: str) -> str:
    assert "\n" not in comment and "\r" not in comment, comment
    return f"  # {comment}"


def _mapping(data: Mapping[str, Any], indent: str, first: str | None = None) -> list[str]:
    """The lines of a mapping; `first` replaces the indent of its first line (`- ` items)."""
    lines: list[str] = []
    for key, raw in data.items():
        lead = first if first is not None and not lines else indent
        if isinstance(raw, Placeholder):
            lines.append(f"{lead}# {raw.text}")
            continue
        value, note = (
            (raw.value, _comment(raw.comment)) if isinstance(raw, Commented) else (raw, "")
        )
        if isinstance(value, str):
            block = (
                _block(value, indent)
                if "\n" in value
                else _folded(value, indent, len(lead) + len(key) + 2 + len(note))
            )
            if block is not None:
                lines.append(f"{lead}{key}: {block[0]}{note}")
                lines.extend(block[1:])
                continue
        inline = _inline(value)
        if inline is not None:
            lines.append(f"{lead}{key}: {inline}{note}")
        elif isinstance(value, Mapping):
            lines.append(f"{lead}{key}:{note}")
            lines.extend(_mapping(value, indent + "  "))
        else:
            lines.append(f"{lead}{key}:{note}")
            lines.extend(_sequence(value, indent + "  "))
    return lines


def _sequence(items: Sequence[Any], indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping) and item:
            lines.extend(_mapping(item, indent + "  ", first=f"{indent}- "))
        elif isinstance(item, str) and "\n" in item and (block := _block(item, indent)):
            lines.append(f"{indent}- {block[0]}")
            lines.extend(block[1:])
        else:
            inline = _inline(item)
            assert inline is not None, "a list inside a list is not part of any file kind"
            lines.append(f"{indent}- {inline}")
    return lines


def dump(data: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """A whole file: `header` comment lines, then the mapping."""
    lines = [f"# {line}" if line else "#" for line in header]
    lines.extend(_mapping(data, ""))
    return "\n".join(lines) + "\n"
