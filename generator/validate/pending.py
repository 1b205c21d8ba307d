"""Rules: what the editor must still do — each `to_confirm` left in the files (written by
`plans new-year`), each placeholder left in them (written by `plans init` and `plans new`),
risks not yet rated, actions carried over from an earlier year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from generator.model import PlanYear, Project
from generator.model.delivery import Funding
from generator.problems import FieldPath, Problem
from generator.validate.context import WARNING, At, at, has


def _confirm(f: At, path: FieldPath, what: str, to_confirm: str | None) -> Iterator[Problem]:
    if to_confirm is not None:
        yield f.problem((*path, "to_confirm"), f"{what}: still to confirm: {to_confirm}", WARNING)


def _lines(f: At, path: FieldPath, owner: str, lines: Sequence[Funding]) -> Iterator[Problem]:
    for j, line in enumerate(lines):
        what = f"{owner}, funding from '{line.stream}'"
        yield from _confirm(f, (*path, "funding", j), what, line.to_confirm)


def _year(project: Project, py: PlanYear) -> Iterator[Problem]:
    plan = at(project, py, "plan")
    for i, priority in enumerate(py.plan.priorities):
        what = f"priority '{priority.id}'"
        yield from _confirm(plan, ("priorities", i), what, priority.to_confirm)
    if has(py, "indicators"):
        f = at(project, py, "indicators")
        for i, indicator in enumerate(py.indicators.indicators):
            what = f"indicator '{indicator.id}'"
            yield from _confirm(f, ("indicators", i), what, indicator.to_confirm)
    if has(py, "actions"):
        f = at(project, py, "actions")
        for i, action in enumerate(py.actions.actions):
            what = f"action '{action.id}'"
            yield from _confirm(f, ("actions", i), what, action.to_confirm)
            yield from _lines(f, ("actions", i), what, action.funding)
    if has(py, "services"):
        f = at(project, py, "services")
        for i, service in enumerate(py.services.services):
            what = f"service '{service.id}'"
            yield from _confirm(f, ("services", i), what, service.to_confirm)
            yield from _lines(f, ("services", i), what, service.funding)
    if has(py, "funding"):
        f = at(project, py, "funding")
        for i, allocation in enumerate(py.funding.allocations):
            what = f"allocation '{allocation.id}'"
            yield from _confirm(f, ("allocations", i), what, allocation.to_confirm)
        for i, formula in enumerate(py.funding.formulas):
            what = f"formula '{formula.id}'"
            yield from _confirm(f, ("formulas", i), what, formula.to_confirm)
    if has(py, "risks"):
        f = at(project, py, "risks")
        for i, risk in enumerate(py.risks.risks):
            yield from _confirm(f, ("risks", i), f"risk '{risk.id}'", risk.to_confirm)


def still_to_confirm(project: Project) -> Iterator[Problem]:
    """A warning for each `to_confirm` left in the files: the editor has something to do."""
    for py in project.plan_years():
        yield from _year(project, py)


PLACEHOLDER = "PLACEHOLDER"
"""The word `plans init` and `plans new` mark the text an editor must replace with."""


def _placeholders(
    project: Project, file: str, values: Iterable[tuple[FieldPath, Any]]
) -> Iterator[Problem]:
    for path, text in values:
        if isinstance(text, str) and PLACEHOLDER in text:
            yield At(project, file).problem(
                path, "still holds placeholder text (PLACEHOLDER): replace it with your own",
                WARNING,
            )  # fmt: skip


def placeholders_replaced(project: Project) -> Iterator[Problem]:
    """A warning for each value still holding the placeholder text a new file came with: the
    fields the new files put one in (walking every value of every file took 0.28 s at 180
    plan years, for a word only these fields are written with)."""
    for pid, partnership in sorted(project.partnerships.items()):
        named: list[tuple[FieldPath, Any]] = [(("name",), partnership.name)]
        named += [(("description",), partnership.description)]
        yield from _placeholders(project, project.partnership_files[pid], named)
    for py in project.plan_years():
        plan = py.plan
        values: list[tuple[FieldPath, Any]] = [
            (("title",), plan.title),
            (("summary",), plan.summary),
        ]
        for i, priority in enumerate(plan.priorities):
            values += [(("priorities", i, "title"), priority.title)]
            values += [(("priorities", i, "rationale"), priority.rationale)]
        yield from _placeholders(project, py.files["plan"], values)
        if has(py, "assessment") and py.assessment is not None:
            titled: list[tuple[FieldPath, Any]] = [(("title",), py.assessment.title)]
            yield from _placeholders(project, py.files["assessment"], titled)


def risks_are_rated(project: Project) -> Iterator[Problem]:
    """A risk recorded before anyone rated it is listed, not scored: say what it still needs."""
    for py in project.plan_years():
        if not has(py, "risks"):
            continue
        f = at(project, py, "risks")
        for i, risk in enumerate(py.risks.risks):
            if risk.unrated:
                yield f.problem(
                    ("risks", i, "id"),
                    f"risk '{risk.id}' is not yet rated on {', '.join(risk.unrated)}",
                    WARNING,
                )
            if risk.recommendation is None:
                yield f.problem(
                    ("risks", i, "id"), f"risk '{risk.id}' has no recommendation yet", WARNING
                )


def carried_from_earlier(project: Project) -> Iterator[Problem]:
    """An action is carried over from an earlier year's action plan, never a later one."""
    for py in project.plan_years():
        if not has(py, "actions"):
            continue
        f = at(project, py, "actions")
        for i, action in enumerate(py.actions.actions):
            if action.carried_from is not None and action.carried_from >= py.year:
                yield f.problem(
                    ("actions", i, "carried_from"),
                    f"carried from {action.carried_from}, which is not before this plan year "
                    f"({py.year}); name the earlier year the action comes from",
                )
