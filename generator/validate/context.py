"""Helpers the rules share: locating a field in its file, and checking one reference."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.load.reader import SourceText
from generator.model import PlanYear, Project
from generator.model.types import PartialDate
from generator.problems import FieldPath, Problem, Severity, did_you_mean

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class At:
    """A place to report: a file of the project and a field path in it."""

    project: Project
    file: str

    def problem(self, path: FieldPath, message: str, severity: Severity = ERROR) -> Problem:
        return self.project.documents[self.file].problem(path, message, severity)

    def source(self) -> SourceText | None:
        """The text the file was read from (None for a document made without one)."""
        document = self.project.documents.get(self.file)
        return document.source if document is not None else None

    def may_link(self) -> bool:
        """Whether the file's text may hold a Markdown link (`SourceText.may_link`): False only
        for a file read from text holding neither `](` nor a backslash."""
        source = self.source()
        return source is None or source.may_link

    def reference(
        self, path: FieldPath, value: str | None, known: Collection[str], what: str
    ) -> Iterator[Problem]:
        """A problem if `value` names nothing in `known`, with a 'did you mean' for near misses."""
        if value is not None and value not in known:
            yield self.problem(path, f"unknown {what} '{value}'{did_you_mean(value, known)}")

    def references(
        self, path: FieldPath, values: Iterable[str], known: Collection[str], what: str
    ) -> Iterator[Problem]:
        for index, value in enumerate(values):
            yield from self.reference((*path, index), value, known, what)

    def unique(self, path: FieldPath, ids: Iterable[str], what: str) -> Iterator[Problem]:
        """A problem for every repeat of an id within one list (`path` is the list)."""
        seen: dict[str, int] = {}
        for index, value in enumerate(ids):
            if value in seen:
                first = self.project.documents[self.file].where((*path, seen[value])).line
                yield self.problem(
                    (*path, index, "id"), f"duplicate {what} id '{value}' (first at line {first})"
                )
            else:
                seen[value] = index


def at(project: Project, plan_year: PlanYear, kind: str) -> At:
    """The reporter for one file of a plan year."""
    return At(project, plan_year.files[kind])


def declared(plan_year: PlanYear, part: str) -> bool:
    """Whether the plan year declares that its published documents do not contain `part`
    (plan.yml `not_published`): such an absence is neither an error nor a warning."""
    absent = plan_year.plan.not_published
    return absent is not None and part in absent.parts


def has(plan_year: PlanYear, kind: str) -> bool:
    return kind in plan_year.files


def duplicates(values: Iterable[str]) -> set[str]:
    return {value for value, count in Counter(values).items() if count > 1}


def on(when: PartialDate) -> str:
    """'on 2013-03-31', or 'in 2012-11' for a date known to the month or year."""
    return f"{'on' if when.precision == 'day' else 'in'} {when.isoformat()}"


def money(amount: Decimal) -> str:
    """£1,234.56 (or -£0.01) for messages."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
