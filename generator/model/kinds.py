"""The file kinds of a project, typed parsing of a loaded document, and the JSON Schema export."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from generator.load import MAX_PROBLEMS_PER_FILE, Document
from generator.model.assessment import AssessmentFile
from generator.model.delivery import ActionsFile, ServicesFile
from generator.model.funding import FundingFile
from generator.model.partnership import Partnership, PlanFile
from generator.model.performance import IndicatorsFile
from generator.model.publication import PublicationFile
from generator.model.reference import (
    AreasFile,
    FundingStreamsFile,
    OrganisationsFile,
    Settings,
)
from generator.model.review import ChangesFile, ReviewFile, RisksFile
from generator.problems import (
    FieldPath,
    Problem,
    Severity,
    counted,
    did_you_mean,
    format_path,
)


@dataclass(frozen=True)
class FileKind:
    """A kind of YAML file: where it lives and the model it must match."""

    name: str
    model: type[BaseModel]
    where: str
    required: bool = False


REFERENCE_KINDS = {
    kind.name: kind
    for kind in (
        FileKind("settings", Settings, "data/settings.yml", required=True),
        FileKind("organisations", OrganisationsFile, "data/organisations.yml", required=True),
        FileKind("areas", AreasFile, "data/areas.yml", required=True),
        FileKind("funding-streams", FundingStreamsFile, "data/funding-streams.yml", required=True),
    )
}
PARTNERSHIP_KIND = FileKind("partnership", Partnership, "plans/<partnership>/partnership.yml", True)
YEAR_KINDS = {
    kind.name: kind
    for kind in (
        FileKind("plan", PlanFile, "plans/<partnership>/<year>/plan.yml", required=True),
        FileKind("assessment", AssessmentFile, "plans/<partnership>/<year>/assessment.yml"),
        FileKind("actions", ActionsFile, "plans/<partnership>/<year>/actions.yml"),
        FileKind("indicators", IndicatorsFile, "plans/<partnership>/<year>/indicators.yml"),
        FileKind("services", ServicesFile, "plans/<partnership>/<year>/services.yml"),
        FileKind("funding", FundingFile, "plans/<partnership>/<year>/funding.yml"),
        FileKind("risks", RisksFile, "plans/<partnership>/<year>/risks.yml"),
        FileKind("review", ReviewFile, "plans/<partnership>/<year>/review.yml"),
        FileKind("changes", ChangesFile, "plans/<partnership>/<year>/changes.yml"),
        FileKind("published", PublicationFile, "plans/<partnership>/<year>/published.yml"),
    )
}
ALL_KINDS = {**REFERENCE_KINDS, PARTNERSHIP_KIND.name: PARTNERSHIP_KIND, **YEAR_KINDS}


def field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every field name used anywhere in a model, for 'did you mean' on unknown fields."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for info in model.model_fields.values():
        for sub in _models_in(info.annotation):
            names |= field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    return found


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _message(error: ErrorDetails, vocabulary: set[str]) -> str:
    message = _worded(error, vocabulary)
    if error["type"] != "missing" and isinstance(error.get("input"), str):
        message += _glued_hint(error.get("input"), vocabulary)
    return message


def _worded(error: ErrorDetails, vocabulary: set[str]) -> str:
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"missing required field '{last}'{_glued_hint(value, vocabulary, str(last))}"
    if kind == "extra_forbidden":
        return f"unknown field '{last}'{did_you_mean(str(last), vocabulary)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",")]
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        return f"{_describe(value)} is not allowed here; use one of: {', '.join(choices)}{hint}"
    if kind in {"string_type", "str_type"}:
        return f"expected text, got {_describe(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of fields, got {_describe(value)}"
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}"
    if kind == "too_short":
        return f"needs at least {counted(int(ctx.get('min_length', 1)), 'item')}"
    if kind == "too_long":
        return f"has too many items; the limit is {ctx.get('max_length')}"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return f"is {length} characters long; the limit is {ctx.get('max_length')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        bound = {
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "less_than_equal": f"at most {ctx.get('le')}",
            "greater_than": f"more than {ctx.get('gt')}",
            "less_than": f"less than {ctx.get('lt')}",
        }[kind]
        return f"must be {bound}, got {_describe(value)}"
    if kind in {"value_error", "assertion_error"}:
        return str(ctx.get("error", error["msg"]))
    if kind in _PYDANTIC_ERRORS:
        return _plain(kind, value, ctx)
    return str(error["msg"])  # our own types' messages (PydanticCustomError): plain already


_PYDANTIC_ERRORS = frozenset(get_args(ErrorType))
"""pydantic's own error kinds: its messages name Python types, so each is worded here."""


def _plain(kind: str, value: Any, ctx: dict[str, Any]) -> str:
    """A pydantic error kind not worded above, in an editor's words."""
    got = _describe(value)
    if kind.startswith("bool"):
        return f"expected true or false, got {got}"
    if kind.startswith("int"):
        return f"expected a whole number, got {got}"
    if kind.startswith(("float", "decimal", "finite", "multiple", "fraction", "complex")):
        return f"expected a number, got {got}"
    if kind.startswith(("date", "time", "datetime", "timezone")):
        return f"expected a date written YYYY-MM-DD, got {got}"
    if kind in {"enum", "union_tag_invalid"}:
        expected = str(ctx.get("expected", ctx.get("expected_tags", "")))
        choices = [part.strip().strip("'") for part in expected.replace(" or ", ", ").split(",")]
        shown = _describe(ctx.get("tag", value))
        return f"{shown} is not allowed here; use one of: {', '.join(choices)}"
    if kind == "union_tag_not_found":
        return f"missing required field '{ctx.get('discriminator', '')}'".replace("''", "")
    if kind.endswith(("set_type", "tuple_type", "iterable_type", "deque_type")):
        return f"expected a list, got {got}"
    if kind.endswith(("dict_type", "mapping_type")):
        return f"expected a mapping of fields, got {got}"
    if kind == "string_pattern_mismatch":
        return f"{got} is not written in the form this field takes"
    return f"{got} is not a valid value here"


_GLUED = re.compile(
    r"(?:^|\s)(?P<key>[a-z_][a-z0-9_]*):(?P<value>[^\s/:](?:(?!\s[a-z_][a-z0-9_]*:\S).)*)"
)
"""`due:2025-01-01` inside a text: a field and its value with no space after the colon."""


def _glued_hint(value: Any, vocabulary: set[str], only: str | None = None) -> str:
    """' — did you mean `due: 2025-01-01`?' when a text holds a field name glued to a value."""
    texts = [v for v in value.values() if isinstance(v, str)] if isinstance(value, dict) else []
    for text in texts if texts else [value] if isinstance(value, str) else []:
        for match in _GLUED.finditer(text):
            key = match.group("key")
            if key in vocabulary and (only is None or key == only):
                fixed = f"{key}: {match.group('value')}"
                return f" — is a space missing after a colon? did you mean `{fixed}`?"
    return ""


def _location(loc: tuple[int | str, ...]) -> FieldPath:
    # pydantic marks dict-key errors with a trailing '[key]'
    return tuple(part for part in loc if part != "[key]")


def parse_document(kind: FileKind, document: Document) -> tuple[BaseModel | None, list[Problem]]:
    """Type a loaded document as its file kind, or report every field that does not fit."""
    if document.data is None:
        return None, [document.problem((), f"file is empty; see {kind.where} in the README")]
    if not isinstance(document.data, dict):
        got = _describe(document.data) + _glued_hint(document.data, field_names(kind.model))
        return None, [document.problem((), f"expected a mapping of fields, got {got}")]
    try:
        return kind.model.model_validate(document.data), []
    except ValidationError as exc:
        vocabulary = field_names(kind.model)
        problems = []
        errors = exc.errors(include_url=False)
        shown = (
            errors if len(errors) <= MAX_PROBLEMS_PER_FILE else errors[: MAX_PROBLEMS_PER_FILE - 1]
        )
        for error in shown:
            path = _location(error["loc"])
            at_key = error["type"] in {"extra_forbidden", "missing"} or "[key]" in error["loc"]
            problems.append(
                Problem(
                    Severity.ERROR,
                    document.file,
                    *_line_col(document, path, at_key),
                    format_path(path),
                    _message(error, vocabulary),
                )
            )
        if len(shown) < len(errors):
            more = len(errors) - len(shown)
            more_problems = counted(more, "more problem")
            problems.append(document.problem((), f"and {more_problems} in this file"))
        return None, problems


def _line_col(document: Document, path: FieldPath, at_key: bool) -> tuple[int, int]:
    # point at the key when the field itself is wrong, at the value when its content is
    pos = document.where(path) if at_key else document.value_at(path)
    return pos.line, pos.column


def json_schemas() -> dict[str, str]:
    """JSON Schema text of every file kind, keyed by file name (`plan.schema.json`)."""
    return dict(_json_schemas())


@functools.cache
def _json_schemas() -> dict[str, str]:
    """Worked out once a process: every shard of a national site lists the schema files, and
    generating them took a fifth of a second each time."""
    out = {}
    for kind in ALL_KINDS.values():
        schema = kind.model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"{kind.name}.schema.json"
        schema.setdefault("description", kind.where)
        out[f"{kind.name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out
