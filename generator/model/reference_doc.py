"""The format reference, worked out from the schema: every file kind and every field, in words.

Each field's entry says what kind of value it takes, whether it is required (or its default),
its allowed values, an example and what it means; its anchor is the kind and the field's names,
`plan.priorities.objectives.title`, so that a validation message can link to it. The pages are
Markdown, for the documentation site (docs/pages/reference/, regenerated with
`python -m generator.model.reference_doc docs/pages/reference`) and for every published site's
`schema/` section. The text is the schema's own (descriptions written in the models), never an
editor's.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from generator.model import types as scalar
from generator.model.kinds import ALL_KINDS, FileKind
from generator.model.types import PartialDate
from generator.problems import FieldPath

INDEX = "index.md"

_SCALARS: dict[Any, tuple[str, str | None]] = {
    scalar.check_id: ("id (lower-case letters, digits and hyphens)", None),
    scalar.check_year: ("financial year", "2024-25"),
    scalar.check_title: ("text (one line)", None),
    scalar.check_markdown: ("free text (basic Markdown)", None),
    scalar.check_url: ("web address", "https://www.example.org/community-safety"),
    scalar.check_email: ("email address", "community.safety@example.org"),
    scalar.check_giving_prefix: ("360Giving prefix (360G- and letters, digits, hyphens)", None),
    scalar.parse_money: ("money (pounds and pence)", "12500"),
    scalar.parse_decimal: ("number", "12.5"),
    scalar.parse_integer: ("whole number", "3"),
    scalar.parse_bool: ("yes/no (true or false)", "true"),
    scalar.parse_date: ("date (a day: YYYY-MM-DD)", "2025-03-31"),
}
"""Each scalar type of the schema, known by the validator that parses it: its words, and an
example when the type alone gives a sensible one."""

_ORGANISATION = ("an organisation", "sallowfield-district-council")
_PRIORITY = ("a priority", "domestic-abuse")
_SERVICE = ("a service", "victim-care-hub")
_PARTNERSHIP = ("a partnership", "sallowfield")
_REFERS_TO: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        (
            "organisation", "lead", "leads", "partners", "commissioners", "providers",
            "provider", "pursued_by", "owner", "funder", "police_force", "pcc", "host",
            "paid_to", "replaced_by", "recipient",
        ),
        _ORGANISATION,
    ),
    **dict.fromkeys(("priority", "priorities", "continues"), _PRIORITY),
    **dict.fromkeys(("service", "services", "superseded_by"), _SERVICE),
    **dict.fromkeys(("partnership", "covers", "on_behalf_of", "Indicator.recipient"), _PARTNERSHIP),
    **dict.fromkeys(("stream",), ("a funding stream", "pcc-community-safety-fund")),
    **dict.fromkeys(("finding", "findings"), ("a finding", "domestic-abuse-rising")),
    **dict.fromkeys(("indicator", "indicators"), ("an indicator", "asb-incidents")),
    **dict.fromkeys(("source", "sources"), ("a source", "police-recorded-crime")),
    **dict.fromkeys(("objective",), ("an objective", "fewer-repeat-victims")),
    **dict.fromkeys(("formula",), ("a formula", "csf-2024")),
    **dict.fromkeys(("area",), ("an area", "brackenshire")),
    **dict.fromkeys(("category",), ("a crime category", "burglary")),
    **dict.fromkeys(("to",), ("an organisation or partnership", "brackenshire-county-council")),
    **dict.fromkeys(("combined_with",), ("another line", "victim-hub-grant")),
    **dict.fromkeys(("scores", "inputs"), ("a criterion", "harm")),
}  # fmt: skip
"""What an id field names, by field name (or Model.field where the name means two things)."""
_KEYS = {"files": ("file name", "plan.yml"), "fields": ("field name", "title")}
"""What the keys of a mapping that are not ids name, by field name."""


KIND_ABOUT = {
    "settings": "Project-wide settings: the site's title, the tolerances used to judge "
    "indicators, the small-count threshold, the risk bands and the open data's licence.",
    "organisations": "The bodies that lead, fund, commission or provide, shared by every "
    "partnership.",
    "areas": "The police force areas, each with its police force and Police and Crime "
    "Commissioner.",
    "funding-streams": "The sources of money (a PCC fund, a Home Office grant, a council's base "
    "budget) and how much each has a year.",
    "partnership": "A Community Safety Partnership, county group, PCC or combined partnership: "
    "its members, area and contact.",
    "plan": "The plan of one year: its status, approval, meetings and priorities; the only file "
    "a plan year must have.",
    "assessment": "The strategic needs assessment: the evidence that picks the priorities.",
    "actions": "The action plan: what will be done, by whom, by when, and how it is going.",
    "indicators": "Measures of progress on the priorities: baseline, target and quarterly figures.",
    "services": "Commissioned (or in-house) services, and how they are bought and paid for.",
    "funding": "Money for the year: allocations to the partnership and, in a PCC's, the "
    "formulas that share a pot and the cuts a funder made.",
    "risks": "The decommissioning risk register: the risk of ending each service at risk.",
    "review": "The annual review: how the priorities went, year-end figures, decisions on "
    "services and spend.",
    "changes": "Visible corrections and variations to a published year: nothing is silently "
    "rewritten.",
    "published": "The publication record, written by plans publish and not edited by hand.",
}
"""What each file kind is, in a line, for the index and the top of its page."""


@dataclass(frozen=True)
class Entry:
    """One field of one model, at one place in a file kind."""

    anchor: str
    name: str
    value: str
    required: str
    allowed: tuple[str, ...]
    example: str | None
    description: str
    model: type[BaseModel] | None
    """The model of a nested mapping (or of a list's items): its fields are a section below."""


@dataclass(frozen=True)
class Section:
    """A model at one place in a file kind: the file itself, or a nested mapping or list item."""

    anchor: str
    path: str
    depth: int
    entry: Entry | None
    about: str
    fields: tuple[Entry, ...]


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The type without Annotated and None, its metadata, and whether None is allowed."""
    metadata: list[Any] = []
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:  # a Field(ge=1) inside Annotated holds its constraints
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (Union, types.UnionType):
            options = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = optional or len(options) < len(get_args(annotation))
            if len(options) != 1:
                return annotation, metadata, optional
            annotation = options[0]
        else:
            return annotation, metadata, optional


def _bounds(metadata: list[Any]) -> str:
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f", {low} or more" if low != 0 else ", 0 or more"
    return f", at most {high}" if high is not None else ""


def _referent(owner: type[BaseModel], name: str) -> tuple[str, str] | None:
    return _REFERS_TO.get(f"{owner.__name__}.{name}") or _REFERS_TO.get(name)


def _words(
    annotation: Any, metadata: list[Any], refers: tuple[str, str] | None, name: str = ""
) -> tuple[str, str | None, tuple[str, ...], type[BaseModel] | None]:
    """A type in words, an example of it, its allowed values, and its model if it is one."""
    annotation, more, _ = _unwrap(annotation)
    metadata = [*metadata, *more]
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping of fields (below)", None, (), annotation
    if origin in (Union, types.UnionType):
        options = [_words(option, [], refers)[0] for option in get_args(annotation)]
        return " or ".join(options), None, (), None
    if origin is Literal:
        allowed = tuple(str(arg) for arg in get_args(annotation))
        return "one of the allowed values", allowed[0], allowed, None
    if origin is list:
        words, example, allowed, model = _words(get_args(annotation)[0], [], refers)
        if model is not None:
            return "a list of mappings of fields (below)", None, (), model
        return f"a list, each {words}", example and f"[{example}]", allowed, None
    if origin is dict:
        key_words, key_example = (
            (f"id of {refers[0]}", refers[1]) if refers else _KEYS.get(name, ("name", "plan"))
        )
        words, example, allowed, model = _words(get_args(annotation)[1], [], None)
        if model is not None:
            return f"a mapping of {key_words} to a mapping of fields (below)", None, (), model
        return (
            f"a mapping of {key_words} to {words}",
            example and f"{{{key_example}: {example}}}",
            allowed,
            None,
        )
    if annotation is PartialDate:
        return "date (a day, a month or a year: YYYY-MM-DD, YYYY-MM or YYYY)", "2025-03", (), None
    for item in metadata:
        if isinstance(item, BeforeValidator) and item.func in _SCALARS:
            words, example = _SCALARS[item.func]
            if item.func is scalar.check_id and refers is not None:
                return f"id of {refers[0]}", refers[1], (), None
            if item.func is scalar.check_id:
                return words, "domestic-abuse", (), None
            if item.func in (scalar.parse_integer, scalar.parse_decimal, scalar.parse_money):
                words += _bounds(metadata)
                if item.func is scalar.parse_integer and Ge(1) in metadata and Le(5) in metadata:
                    words, example = "score from 1 to 5", "4"
            return words, example, (), None
        if isinstance(item, BeforeValidator):
            doc = (item.func.__doc__ or "").split(":")[0].strip().rstrip(".")
            return doc[:1].lower() + doc[1:], None, (), None
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    if pattern == r"^sha256:[0-9a-f]{64}$":
        return "digest (sha256: and 64 hexadecimal digits)", None, (), None
    if pattern == r"^[0-9a-f]{12}$":
        return "short digest (12 hexadecimal digits)", None, (), None
    if annotation is str:
        return "text", None, (), None
    return str(getattr(annotation, "__name__", annotation)), None, (), None


def _default(info: FieldInfo, optional: bool) -> str:
    if info.is_required():
        return "required"
    default = info.default
    if info.default_factory is not None:
        default = info.default_factory()  # type: ignore[call-arg]
    if default is None or default == [] or default == {}:
        return "optional"
    if isinstance(default, bool):
        return f"optional (default: {str(default).lower()})"
    if isinstance(default, str | int | Decimal):
        return f"optional (default: {default})"
    if isinstance(default, BaseModel):
        return "optional"  # its own fields say their defaults
    return "optional (default: see the description)"


def _example(info: FieldInfo, generated: str | None) -> str | None:
    if info.examples:
        value = info.examples[0]
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False).replace('"', "")
    return generated


def _entry(owner: type[BaseModel], name: str, info: FieldInfo, anchor: str) -> Entry:
    annotation, metadata, optional = _unwrap(info.annotation)
    value, generated, allowed, model = _words(
        annotation, [*info.metadata, *metadata], _referent(owner, name), name
    )
    if allowed and info.default in allowed:
        generated = info.default  # the value a file that leaves the field out has
    return Entry(
        anchor=anchor,
        name=name,
        value=value,
        required=_default(info, optional),
        allowed=allowed,
        example=None if model is not None else _example(info, generated),
        description=info.description or "",
        model=model,
    )


def _about(model: type[BaseModel]) -> str:
    """A model's docstring's first paragraph, on one line."""
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    return " ".join(doc.split())


def sections(kind: FileKind) -> list[Section]:
    """The file kind and each nested model in it, in the order a reader meets them."""
    out: list[Section] = []

    def visit(
        model: type[BaseModel], anchor: str, path: str, depth: int, entry: Entry | None
    ) -> None:
        fields = tuple(
            _entry(model, name, info, f"{anchor}.{name}")
            for name, info in model.model_fields.items()
        )
        out.append(Section(anchor, path, depth, entry, _about(model), fields))
        for field in fields:
            if field.model is not None:
                sub = f"{path}.{field.name}" if path else field.name
                visit(field.model, field.anchor, sub, depth + 1, field)

    visit(kind.model, kind.name, "", 0, None)
    return out


def every_entry() -> Iterator[tuple[FileKind, Entry]]:
    """Every field at every place of every file kind."""
    for kind in ALL_KINDS.values():
        for section in sections(kind):
            for entry in section.fields:
                yield kind, entry


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _meaning(entry: Entry) -> str:
    parts = [entry.description]
    if entry.allowed:
        parts.append("Allowed: " + ", ".join(_code(value) for value in entry.allowed) + ".")
    if entry.example is not None:
        parts.append(f"Example: {_code(entry.example)}.")
    return _cell(" ".join(part for part in parts if part))


def _page(kind: FileKind, schema_links: bool) -> str:
    file_name = kind.where.rsplit("/", 1)[-1]
    lines = [
        f"# {file_name}",
        "",
        f'<a id="{kind.name}"></a>',
        "",
        f"Where it lives: `{kind.where}`"
        + (" (required)." if kind.required else " (optional: leave it out if there is none)."),
    ]
    if schema_links:
        lines[-1] += f" Its JSON Schema: [{kind.name}.schema.json]({kind.name}.schema.json)."
    for section in sections(kind):
        heading = "#" * min(section.depth + 1, 6)
        if section.entry is not None:
            entry = section.entry
            lines += ["", f'<a id="{section.anchor}"></a>', "", f"{heading} `{section.path}`", ""]
            lines.append(f"{entry.value[:1].upper()}{entry.value[1:]}; {entry.required}.")
            lines += ["", entry.description] if entry.description else []
        lines += [
            "",
            KIND_ABOUT[kind.name] if section.entry is None else section.about,
            "",
            "| Field | Value | Required | Meaning |",
            "|---|---|---|---|",
        ]
        for field in section.fields:
            name = _code(field.name)
            if field.model is not None:
                name = f"[{name}](#{field.anchor})"
            lines.append(
                f'| <a id="{field.anchor}"></a>{name} | {_cell(field.value)} | {field.required} '
                f"| {_meaning(field)} |"
                if field.model is None
                else f"| {name} | {_cell(field.value)} | {field.required} | {_meaning(field)} |"
            )
    return "\n".join(lines) + "\n"


def _index(schema_links: bool) -> str:
    lines = [
        "# Data formats",
        "",
        "Every file of a project, every field it may hold, what kind of value the field takes, "
        "whether it is required, and what it means. A validation message names the field it is "
        "about; its entry here says what the field should hold.",
        "",
        "| File | Where it lives | Required | What it is |",
        "|---|---|---|---|",
    ]
    for kind in ALL_KINDS.values():
        file_name = kind.where.rsplit("/", 1)[-1]
        lines.append(
            f"| [{file_name}]({kind.name}.md) | `{kind.where}` | "
            f"{'yes' if kind.required else 'no'} | {_cell(KIND_ABOUT[kind.name])} |"
        )
    if schema_links:
        lines += [
            "",
            "Each file kind also has a JSON Schema beside its page here, which editors such as "
            "VS Code check a file against while it is typed.",
        ]
    return "\n".join(lines) + "\n"


@functools.cache
def reference_pages(schema_links: bool = True) -> dict[str, str]:
    """The Markdown pages of the reference by file name: `index.md` and one per file kind.
    Worked out once a process (every shard of a national site publishes them)."""
    pages = {INDEX: _index(schema_links)}
    for kind in ALL_KINDS.values():
        pages[f"{kind.name}.md"] = _page(kind, schema_links)
    return pages


_WHERE = {
    kind.name: re.compile("(?:^|/)" + re.sub(r"<[a-z]+>", "[^/]+", re.escape(kind.where)) + "$")
    for kind in ALL_KINDS.values()
}


def kind_of(file: str) -> FileKind | None:
    """The file kind of a project file, by its path (`plans/x/2024-25/plan.yml`)."""
    for name, pattern in _WHERE.items():
        if pattern.search(file.replace("\\", "/")):
            return ALL_KINDS[name]
    return None


_PART = re.compile(r"\[[^\]]*\]|[^.\[]+")


def field_anchor(file: str, field: str) -> str | None:
    """The anchor of a problem's field in the reference (`plan.priorities.title`): the deepest
    field of the path the schema knows; list indices and mapping keys are dropped. None for a
    file that is not one of the project's kinds."""
    kind = kind_of(file)
    if kind is None:
        return None
    anchor = kind.name
    model: type[BaseModel] | None = kind.model
    path: FieldPath = tuple(part for part in _PART.findall(field) if not part.startswith("["))
    expect_key = False
    for part in path:
        if expect_key:
            expect_key = False
            continue
        if model is None or part not in model.model_fields:
            break
        anchor = f"{anchor}.{part}"
        annotation, _, _ = _unwrap(model.model_fields[part].annotation)
        expect_key = get_origin(annotation) is dict
        model = _nested(annotation)
    return anchor


def reference_address(file: str, field: str, base: str = "") -> str | None:
    """Where the format reference of a published site describes a problem's field:
    `schema/plan/#plan.priorities.title`, after `base` (the address of the site's latest
    version, when it is known). None for a file that is not one of the project's kinds."""
    anchor = field_anchor(file, field)
    if anchor is None:
        return None
    return f"{base}schema/{anchor.split('.', 1)[0]}/#{anchor}"


def _nested(annotation: Any) -> type[BaseModel] | None:
    annotation, _, _ = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, dict):
        return _nested(get_args(annotation)[-1])
    return None


def main(argv: list[str]) -> int:
    """Write the documentation site's reference pages into a folder (the regeneration command)."""
    if len(argv) != 1:
        print("usage: python -m generator.model.reference_doc FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in reference_pages(schema_links=False).items():
        (folder / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
