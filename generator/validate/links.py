"""Links within the site in free text resolve where the text is shown.

The Markdown policy (generator.model.markdown_policy) lets free text link to a page of the
partnership (`risks.md`) or an item on one (`#service.<id>`, `services.md#service.<id>`). Such a
link is resolved from the partnership's own folder of the year, so it is accepted only in text
shown there alone, to an item that year has: a plan year's files, except the formulas of
funding.yml (shown on the area's page too) and changes.yml (corrections are listed again in later
years' logs); partnership.yml, shown in every year, may link to pages but not to items; the
reference data in data/, shown on many partnerships' pages and the home page, not at all. A
link to a heading (`#lessons`) is checked where the text is shown, by generator.render.headings:
a heading's place depends on the page showing it.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, BeforeValidator

from generator.model import PlanYear, Project
from generator.model.markdown_policy import ITEM_PAGES, heading_anchor, site_links
from generator.model.types import check_markdown, check_title
from generator.problems import FieldPath, Problem, did_you_mean
from generator.validate.context import At, has


def _elsewhere(target: str, reason: str) -> str:
    """The message for a link within the site in text shown where it would not resolve."""
    return (
        f"links to '{target}' within the site, but {reason}; write a full web address "
        "starting https:// instead"
    )


Checks = frozenset[Any]
MARKDOWN: Checks = frozenset({check_markdown})
FREE_TEXT: Checks = frozenset({check_markdown, check_title})
"""The free-text types by the check that types them: Markdown, and Markdown or Title."""


def _is_markdown(annotation: Any, kinds: Checks = MARKDOWN) -> bool:
    """Whether a field's annotation is the Markdown type (or another of `kinds`; possibly
    optional)."""
    if typing.get_origin(annotation) is typing.Annotated:
        checks = annotation.__metadata__
        if any(isinstance(m, BeforeValidator) and m.func in kinds for m in checks):
            return True
        return _is_markdown(typing.get_args(annotation)[0], kinds)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_markdown(arg, kinds) for arg in typing.get_args(annotation))
    return False


def _items(annotation: Any) -> Any:
    """The annotation of the items of a list, tuple or mapping field (Any if not one)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _items(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found = [_items(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return found[0] if len(found) == 1 else Any
    args = typing.get_args(annotation)
    return args[-1] if args else Any


FieldPlan = tuple[str, str, bool, Any, bool]
"""One field of a model: its attribute, its name in field paths, whether it is free text, the
annotation of its items (for a list or mapping), and whether those are free text."""
_PLANS: dict[tuple[type[BaseModel], Checks], tuple[FieldPlan, ...]] = {}


def _annotation(info: Any) -> Any:
    typed: Any = info.annotation
    return typing.Annotated[typed, *info.metadata] if info.metadata else typed


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation can hold (in a list, a mapping, an optional…)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _may_hold_text(
    model: type[BaseModel], kinds: Checks, seen: frozenset[type[BaseModel]] = frozenset()
) -> bool:
    """Whether a model, or a model inside it, has a free-text field."""
    for info in model.model_fields.values():
        typed = _annotation(info)
        if _is_markdown(typed, kinds) or _is_markdown(_items(typed), kinds):
            return True
        if any(m not in seen and _may_hold_text(m, kinds, seen | {model}) for m in _models(typed)):
            return True
    return False


def _plan(model: type[BaseModel], kinds: Checks) -> tuple[FieldPlan, ...]:
    """A model's fields as `markdown_values` walks them, worked out once per model, leaving out
    fields that can hold no free text: reading the annotations again for every value, and
    walking every figure and score, took over a second at 204 plan years."""
    found = _PLANS.get((model, kinds))
    if found is None:
        rows: list[FieldPlan] = []
        for name, info in model.model_fields.items():
            typed = _annotation(info)
            inner = _items(typed)
            markdown, inner_markdown = _is_markdown(typed, kinds), _is_markdown(inner, kinds)
            if markdown or inner_markdown or any(_may_hold_text(m, kinds) for m in _models(typed)):
                rows.append((name, info.alias or name, markdown, inner, inner_markdown))
        found = _PLANS[model, kinds] = tuple(rows)
    return found


def markdown_values(
    value: Any, path: FieldPath = (), annotation: Any = Any, kinds: Checks = MARKDOWN
) -> Iterator[Any]:
    """(field path, text) of every free-text (Markdown; or of `kinds`, e.g. FREE_TEXT) value in
    a typed file or part of one."""
    if isinstance(value, BaseModel):
        for name, alias, markdown, inner, inner_markdown in _plan(type(value), kinds):
            field = getattr(value, name)
            if field is None:
                continue
            where = (*path, alias)
            if isinstance(field, str):
                if markdown:
                    yield where, field
            elif isinstance(field, list | tuple | dict):
                pairs = field.items() if isinstance(field, dict) else enumerate(field)
                for key, item in pairs:
                    if isinstance(item, str):
                        if inner_markdown:
                            yield (*where, key), item
                    else:
                        yield from markdown_values(item, (*where, key), inner, kinds)
            elif isinstance(field, BaseModel):
                yield from markdown_values(field, where, Any, kinds)
    elif isinstance(value, str):
        if _is_markdown(annotation, kinds):
            yield path, value
    elif isinstance(value, list | tuple):
        inner = _items(annotation)
        for index, item in enumerate(value):
            yield from markdown_values(item, (*path, index), inner, kinds)
    elif isinstance(value, dict):
        inner = _items(annotation)
        for key, item in value.items():
            yield from markdown_values(item, (*path, key), inner, kinds)


def _linked(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """(field path, target) of every link within the site in a file's free text."""
    for where, text in markdown_values(value, path):
        for target in site_links(text):
            yield where, target


def _item_ids(py: PlanYear, kind: str) -> list[str] | None:
    """The ids of a year's items of one kind that have a place on its pages (None: the page
    shows none of them, with the reason)."""
    if kind == "priority":
        return [p.id for p in py.plan.priorities]
    if kind == "service":
        return [s.id for s in py.services.services] if has(py, "services") else []
    if kind == "indicator":
        return [i.id for i in py.indicators.indicators] if has(py, "indicators") else []
    assessment = py.assessment
    if assessment is None or assessment.status == "draft":
        return None
    return [f.id for f in assessment.findings]


def _year_problem(py: PlanYear, target: str) -> str | None:
    """Why a link within the site in one of the year's files does not resolve (None: it does)."""
    kind, _, item = target.partition("#")[2].partition(".")
    if not kind or heading_anchor(target) is not None:
        return None  # a page, or a heading: checked on every page that shows the text
    ids = _item_ids(py, kind)
    if ids is None:
        return f"links to '{target}', but the needs assessment of {py.year} is a draft, not shown"
    if item not in ids:
        return f"links to '{target}', but {py.year} has no {kind} '{item}'{did_you_mean(item, ids)}"
    return None


PLAN_YEAR_KINDS = (
    *("plan", "assessment", "actions", "indicators", "services", "funding", "risks", "review"),
    *("published", "changes"),
)


def site_links_resolve(project: Project) -> Iterator[Problem]:
    """Links within the site in free text: only in text shown where they resolve (see above)."""
    for py in project.plan_years():
        for kind in PLAN_YEAR_KINDS:
            part = getattr(py, kind) if has(py, kind) else None
            if part is None:
                continue
            file = At(project, py.files[kind])
            if not file.may_link():
                continue  # most files: no free text in them to walk
            for path, target in _linked(part):
                problem: str | None
                if kind == "changes":
                    problem = _elsewhere(target, "corrections are listed again in later years")
                elif kind == "funding" and path[:1] == ("formulas",):
                    problem = _elsewhere(target, "a formula is shown on its area's page too")
                else:
                    problem = _year_problem(py, target)
                if problem is not None:
                    yield file.problem(path, problem)
    for pid, partnership in sorted(project.partnerships.items()):
        file = At(project, project.partnership_files[pid])
        if not file.may_link():
            continue
        for path, target in _linked(partnership):
            if "#" in target and heading_anchor(target) is None:
                page = ITEM_PAGES[target.partition("#")[2].partition(".")[0]]
                yield file.problem(
                    path,
                    f"links to '{target}', but partnership.yml is shown in every year, and the "
                    f"item may not be in all of them; link to the page alone ({page}.md)",
                )
    reference: list[tuple[str, Any, FieldPath]] = [
        ("settings", project.settings, ()),
        ("organisations", project.organisation_list, ("organisations",)),
        ("areas", project.area_list, ("areas",)),
        ("funding-streams", project.stream_list, ("streams",)),
    ]
    for kind, value, root in reference:
        if kind not in project.reference_files:
            continue
        file = At(project, project.reference_files[kind])
        for path, target in _linked(value, root):
            reason = "text in data/ is shown on the pages of many partnerships"
            yield file.problem(path, _elsewhere(target, reason))
