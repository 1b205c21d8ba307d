"""The yearly cycle: `plans new-year` starts each partnership's next plan year from its last one
(this module); `plans publish` freezes a year as published (`generator.cycle.publish`).

Everything is read and worked out before anything is written: the project through the pipeline
(a project with errors is refused), which partnerships start which year (or why not), each new
file as data (`carry`), written as YAML (`emit`) and read back through the project's own loader
and model. Only then is each new year folder written, complete or not at all: into a temporary
folder beside it, renamed into place. No existing file is ever changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic_core import PydanticCustomError

from generator.cycle import carry
from generator.cycle.emit import dump
from generator.load.reader import load_bytes
from generator.model import YEAR_KINDS, PlanYear, Project
from generator.model.kinds import parse_document
from generator.model.types import check_year, year_after
from generator.pipeline import check_project
from generator.problems import PlansError, ProblemsFound, Severity, counted, did_you_mean

UNSETTLED = {"draft": "a draft", "consultation": "in consultation"}
"""A last year with one of these statuses is not followed unless the year is named."""
HEADER = (
    "Started by plans new-year from {was}. Each line marked '# to confirm' is for the editor:",
    "confirm or change it, then delete that line. plans validate lists them.",
)


class NotStarted(PlansError):
    """No new year was started: why, and each partnership's reason (nothing was written)."""

    def __init__(self, reason: str, skipped: Sequence[str] = ()) -> None:
        super().__init__("".join([reason, *(f"\n  {line}" for line in skipped)]))


class ProjectHasErrors(ProblemsFound):
    """The project has errors: no year is started from it."""

    def __str__(self) -> str:
        errors = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        return f"{counted(errors, 'error')} found; nothing was written"


@dataclass(frozen=True)
class Started:
    """A new plan year started: where, from which year, and how much is left to confirm."""

    partnership: str
    year: str
    was: str
    folder: str
    to_confirm: int


@dataclass(frozen=True)
class Outcome:
    """What `start_new_years` did: the years started and the partnerships skipped, with why."""

    started: tuple[Started, ...]
    skipped: tuple[str, ...]

    def lines(self) -> list[str]:
        """The report, one line each, ending with what to do next."""
        out = [f"{s.folder}: started from {s.was}, {s.to_confirm} to confirm" for s in self.started]
        out += list(self.skipped)
        out.append("Run plans validate to list them.")
        return out


def _choose(
    project: Project, year: str | None, partnership: str | None
) -> tuple[list[tuple[PlanYear, str]], list[str]]:
    """(last plan year, new year) of each partnership to start, and why the others are not."""
    if year is not None:
        try:
            check_year(year)
        except PydanticCustomError as error:
            raise PlansError(f"YEAR: {error.message()}") from None
    if partnership is not None:
        if partnership not in project.partnerships:
            hint = did_you_mean(partnership, project.partnerships)
            raise PlansError(f"unknown partnership '{partnership}'{hint}")
        pids = [partnership]
    else:
        pids = sorted(project.partnerships)
    chosen: list[tuple[PlanYear, str]] = []
    skipped: list[str] = []
    for pid in pids:
        years = project.years_of(pid)
        if not years:
            skipped.append(f"{pid}: it has no plan year to start from")
            continue
        last = years[-1]
        following = year_after(last.year)
        if year is None:
            status = last.plan.status
            if status in UNSETTLED:
                skipped.append(
                    f"{pid}: its last year {last.year} is still {UNSETTLED[status]}; approve "
                    f"it first, or name the year: plans new-year {following} --partnership {pid}"
                )
                continue
            chosen.append((last, following))
        elif (pid, year) in project.years:
            if partnership is not None:
                raise PlansError(
                    f"plans/{pid}/{year} already exists; plans new-year only starts new years"
                )
            skipped.append(f"{pid}: plans/{pid}/{year} already exists")
        elif year == following:
            chosen.append((last, year))
        elif partnership is not None:
            raise PlansError(
                f"{pid}: its next plan year is {following}, not {year}; plans new-year starts "
                "the year after the last one"
            )
        elif year < following:
            skipped.append(f"{pid}: its last year is {last.year}, after {year}")
        else:
            skipped.append(f"{pid}: its last year is {last.year}; start {following} first")
    return chosen, skipped


def _formulas(project: Project, chosen: list[tuple[PlanYear, str]]) -> dict[str, frozenset[str]]:
    """The formula ids each new year will have: those already recorded for it, and those this
    run carries into it."""
    found: dict[str, set[str]] = {}
    for _, year in chosen:
        found.setdefault(year, set()).update(
            f.id for py in project.plan_years() if py.year == year for f in py.funding.formulas
        )
    for old, year in chosen:
        found[year].update(carry.formulas_carried(carry.Context(project, old, year)))
    return {year: frozenset(ids) for year, ids in found.items()}


def _texts(ctx: carry.Context) -> tuple[dict[str, str], int]:
    """Each new file's text by file name, checked to read back through the loader and model,
    and how many things it leaves to confirm."""
    texts: dict[str, str] = {}
    count = 0
    header = [line.format(was=ctx.was) for line in HEADER]
    for kind, data in carry.new_year(ctx).items():
        name = f"{kind}.yml"
        text = dump(data, header)
        where = f"plans/{ctx.old.partnership}/{ctx.year}/{name}"
        document, problems = load_bytes(text.encode("utf-8"), where)
        if document is not None and not problems:
            _, problems = parse_document(YEAR_KINDS[kind], document)
        if document is None or problems:
            found = "; ".join(str(p) for p in problems)
            raise PlansError(f"{where} would not read back ({found}); nothing was written")
        texts[name] = text
        count += carry.count_to_confirm(data)
    return texts, count


def _write(root: Path, planned: list[tuple[Started, dict[str, str]]]) -> None:
    """Each new year folder, complete or not at all: every one is written into a temporary
    folder beside it first, and only when all are written are they renamed into place."""
    folders = [root / started.folder for started, _ in planned]
    moves = [(folder, folder.parent / f".{folder.name}.new-year") for folder in folders]
    try:
        for (_, temporary), (_, texts) in zip(moves, planned, strict=True):
            shutil.rmtree(temporary, ignore_errors=True)
            temporary.mkdir()
            for name, text in texts.items():
                (temporary / name).write_text(text, encoding="utf-8")
        for folder, temporary in moves:
            if folder.exists():  # written meanwhile by someone else: never replaced
                raise PlansError(f"{folder} already exists; plans new-year only starts new years")
            os.rename(temporary, folder)
    finally:
        for _, temporary in moves:
            shutil.rmtree(temporary, ignore_errors=True)


def start_new_years(root: Path, year: str | None = None, partnership: str | None = None) -> Outcome:
    """Start the next plan year of each partnership (or of one, or a named year) from its last
    one, writing only new files; refused, with nothing written, when nothing can start."""
    project, problems = check_project(root)
    if project is None or any(p.severity is Severity.ERROR for p in problems):
        raise ProjectHasErrors(problems)
    chosen, skipped = _choose(project, year, partnership)
    if not chosen:
        reason = (
            f"no partnership can start {year}; nothing was written"
            if year is not None
            else "no partnership has a last year ready to follow; nothing was written"
        )
        raise NotStarted(reason, skipped)
    formulas = _formulas(project, chosen)
    planned = []
    for old, new in chosen:
        ctx = carry.Context(project, old, new, formulas[new])
        texts, count = _texts(ctx)
        folder = f"plans/{old.partnership}/{new}"
        planned.append((Started(old.partnership, new, old.year, folder, count), texts))
    _write(root, planned)
    return Outcome(tuple(s for s, _ in planned), tuple(skipped))


__all__ = ["NotStarted", "Outcome", "ProjectHasErrors", "Started", "start_new_years"]
