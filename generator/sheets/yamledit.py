"""Surgical edits of a YAML file's text: a value replaced, a key added or removed, an item
appended, each at the place the parser says it stands. Everything else in the file (comments,
order, quoting, indentation, blank lines) stays byte for byte as the editor wrote it.

The file is never dumped again: `apply_edits` changes only the spans it must, then reads the
result back and checks its data is exactly the data intended, refusing otherwise."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.load.reader import NULL_FORMS, parse_text
from generator.problems import FieldPath, PlansError, format_path

Item = dict[str, str]
"""An appended list item: a small mapping of field names to scalar texts."""


class EditRefused(PlansError):
    """An edit the text cannot take safely: the change is to be made by hand."""


@dataclass(frozen=True)
class SetValue:
    """Set a scalar field (added to its mapping when the key is not there)."""

    path: FieldPath
    text: str


@dataclass(frozen=True)
class RemoveKey:
    """Remove a scalar field from its mapping."""

    path: FieldPath


@dataclass(frozen=True)
class AppendItem:
    """Append a mapping to a list (the list is made when its key is not there)."""

    path: FieldPath
    item: Item


Edit = SetValue | RemoveKey | AppendItem


@dataclass
class _Node:
    kind: str  # "scalar", "map" or "seq"
    start: int
    end: int
    column: int
    flow: bool = False
    block_scalar: bool = False
    pairs: list[tuple[_Node, _Node]] = field(default_factory=list)
    items: list[_Node] = field(default_factory=list)
    value: str = ""


class _Tree:
    """Where every node of a document stands in its text (character offsets)."""

    def __init__(self, text: str) -> None:
        self.events: Iterator[Any] = iter(yaml.parse(text, Loader=yaml.SafeLoader))
        event = next(self.events)
        while not isinstance(event, yaml.DocumentStartEvent):
            event = next(self.events)
        self.root = self._node(next(self.events))

    def _node(self, event: Any) -> _Node:
        mark: Any = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            return _Node(
                "scalar",
                mark.index,
                _end(event),
                mark.column,
                block_scalar=event.style in ("|", ">"),
                value=event.value,
            )
        if isinstance(event, yaml.MappingStartEvent):
            node = _Node("map", mark.index, mark.index, mark.column, flow=bool(event.flow_style))
            while not isinstance(event := next(self.events), yaml.MappingEndEvent):
                key = self._node(event)
                node.pairs.append((key, self._node(next(self.events))))
            node.end = _end(event) if node.flow else _last_end(node)
            return node
        if isinstance(event, yaml.SequenceStartEvent):
            node = _Node("seq", mark.index, mark.index, mark.column, flow=bool(event.flow_style))
            while not isinstance(event := next(self.events), yaml.SequenceEndEvent):
                node.items.append(self._node(event))
            node.end = _end(event) if node.flow else _last_end(node)
            return node
        raise EditRefused("the file uses YAML features this edit cannot handle")

    def find(self, path: FieldPath) -> _Node | None:
        node: _Node | None = self.root
        for part in path:
            if node is None:
                return None
            if isinstance(part, int):
                node = node.items[part] if node.kind == "seq" and part < len(node.items) else None
            else:
                node = _value(node, part)
        return node


def _end(event: Any) -> int:
    return int(event.end_mark.index)


def _value(node: _Node, key: str) -> _Node | None:
    if node.kind != "map":
        return None
    return next((value for k, value in node.pairs if k.value == key), None)


def _last_end(node: _Node) -> int:
    if node.pairs:
        return node.pairs[-1][1].end
    if node.items:
        return node.items[-1].end
    return node.end


def scalar_text(value: str) -> str:
    """A value as a YAML scalar that reads back as exactly that text: plain when that is
    unambiguous, else double-quoted (JSON's escapes are YAML's)."""
    if (
        re.fullmatch(r"[A-Za-z0-9£][A-Za-z0-9 ._/()'£,-]*", value)
        and not value.endswith(" ")
        and value not in NULL_FORMS
    ):
        return value
    return json.dumps(value, ensure_ascii=False)


def _trimmed_end(text: str, node: _Node) -> int:
    """Where a node's own text ends: a block scalar's span takes in the line breaks after it."""
    end = node.end
    while end > node.start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _block_item(item: Item, dash_column: int) -> str:
    pad = " " * (dash_column + 2)
    lines = [f"{key}: {scalar_text(value)}" for key, value in item.items()]
    return " " * dash_column + "- " + f"\n{pad}".join(lines)


def _flow_item(item: Item) -> str:
    return "{" + ", ".join(f"{key}: {scalar_text(value)}" for key, value in item.items()) + "}"


def _splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


def _apply_one(text: str, edit: Edit) -> str:
    tree = _Tree(text)
    *parent_path, last = edit.path
    parent = tree.find(tuple(parent_path))
    where = format_path(edit.path)
    if parent is None or parent.kind != "map" or not isinstance(last, str):
        raise EditRefused(f"{where} is not where the workbook expects it")
    current = _value(parent, last)
    if isinstance(edit, SetValue):
        if current is not None:
            if current.kind != "scalar":
                raise EditRefused(f"{where} is not a single value")
            return _splice(text, current.start, _trimmed_end(text, current), scalar_text(edit.text))
        return _add_key(text, parent, f"{last}: {scalar_text(edit.text)}", [])
    if isinstance(edit, RemoveKey):
        if current is None:
            return text
        return _remove_key(text, parent, last, where)
    if current is None:
        return _add_key(text, parent, f"{last}:", [edit.item])
    if current.kind != "seq":
        raise EditRefused(f"{where} is not a list")
    if current.flow:
        close = current.end - 1  # the ']'
        joiner = ", " if current.items else ""
        return _splice(text, close, close, joiner + _flow_item(edit.item))
    at = _line_end(text, _trimmed_end(text, current.items[-1]))
    return _splice(text, at, at, "\n" + _block_item(edit.item, current.column))


def _add_key(text: str, parent: _Node, line: str, items: list[Item]) -> str:
    if parent.flow:
        if items:
            line += " [" + ", ".join(_flow_item(item) for item in items) + "]"
        close = parent.end - 1  # the '}'
        return _splice(text, close, close, (", " if parent.pairs else "") + line)
    if not parent.pairs:
        raise EditRefused("an empty mapping cannot take a field here")
    column = parent.pairs[0][0].column
    block = " " * column + line
    for item in items:
        block += "\n" + _block_item(item, column + 2)
    at = _line_end(text, _trimmed_end(text, parent.pairs[-1][1]))
    return _splice(text, at, at, "\n" + block)


def _remove_key(text: str, parent: _Node, key: str, where: str) -> str:
    index = next(i for i, (k, _) in enumerate(parent.pairs) if k.value == key)
    key_node, value = parent.pairs[index]
    if value.kind != "scalar" or value.block_scalar:
        raise EditRefused(f"{where} is not a single value on one line")
    following = parent.pairs[index + 1][0] if index + 1 < len(parent.pairs) else None
    if parent.flow:
        if following is not None:
            return _splice(text, key_node.start, following.start, "")
        if index == 0:
            return _splice(text, key_node.start, value.end, "")
        previous_end = _trimmed_end(text, parent.pairs[index - 1][1])
        return _splice(text, previous_end, value.end, "")
    start = _line_start(text, key_node.start)
    if text[start : key_node.start].strip():  # the key follows a "- " on its line
        if following is None:
            raise EditRefused(f"{where} is the only field of its item")
        return _splice(text, key_node.start, following.start, "")
    end = _line_end(text, _trimmed_end(text, value))
    return _splice(text, start, min(end + 1, len(text)), "")


def edited_data(data: Any, edits: list[Edit]) -> Any:
    """The data a document holds once `edits` are made (the data is not changed)."""
    out = copy.deepcopy(data)
    for edit in edits:
        *parent_path, last = edit.path
        parent = out
        for part in parent_path:
            parent = parent[part]
        if isinstance(edit, SetValue):
            parent[last] = edit.text
        elif isinstance(edit, RemoveKey):
            parent.pop(last, None)
        else:
            existing = parent.get(last)
            parent[last] = [*(existing or []), dict(edit.item)]
    return out


def apply_edits(text: str, data: Any, edits: list[Edit], file: str) -> str:
    """The file's text with `edits` made in place; refuses (EditRefused) when the result does
    not read back as exactly the data intended."""
    new = text
    for edit in edits:
        try:
            new = _apply_one(new, edit)
        except yaml.YAMLError as exc:  # pragma: no cover - the file loaded before
            raise EditRefused(f"{file}: could not be read for editing: {exc}") from exc
    document, problems = parse_text(new, file)
    if problems or document is None or document.data != edited_data(data, edits):
        raise EditRefused(
            f"{file}: the change could not be made without touching the rest of the file; "
            "make it by hand"
        )
    return new
