"""The yearly cycle's rules: a published year is frozen, changed only in the open, and a
stream's ending is decided in time."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compute.frozen import Difference, differences, overall_digest
from generator.compute.money import ends_by
from generator.model import PlanYear, Project
from generator.model.types import year_after
from generator.problems import FieldPath, Problem
from generator.validate.context import WARNING, at, on

DECIDED_STATUSES = ("ending", "decommissioned", "recommissioned")


def publications_are_recorded(project: Project) -> Iterator[Problem]:
    """A recorded year says it is published; and once a partnership records publication
    (`plans publish`), a year it publishes after a recorded one has a record too. Years
    published before the first record are history and are not asked for one."""
    for py in project.plan_years():
        plan = at(project, py, "plan")
        before = project.previous(py)
        if py.published is not None and not py.is_published:
            yield plan.problem(
                ("status",),
                f"the year was published on {py.published.published.isoformat()} (published.yml), "
                f"but its status is {py.plan.status}; set status: published (or superseded)",
            )
        elif py.published is None and py.is_published and before and before.published:
            yield plan.problem(
                ("status",),
                f"a {py.plan.status} plan without a publication record can change silently "
                f"({before.year} has one): run plans publish {py.partnership} {py.year} "
                "--approved-by … --on YYYY-MM-DD",
                WARNING,
            )


def published_years_are_frozen(project: Project) -> Iterator[Problem]:
    """A published year's plan matches its publication record (or the year as last corrected,
    `plans correct`), unless changes.yml records the change: nothing published changes
    silently. A change recorded but not yet frozen is a warning: until `plans correct` records
    the corrected year, a second change to the same field would pass unnoticed."""
    for py in project.plan_years():
        record = py.published
        if record is None:
            continue
        where = at(project, py, "published")
        corrected = record.corrected
        if record.digest != overall_digest(record.files) or (
            corrected is not None and corrected.digest != overall_digest(corrected.files)
        ):
            yield where.problem(
                ("digest",) if corrected is None else ("corrected", "digest"),
                "the record's digest does not match its files' digests: published.yml was "
                "edited by hand; restore it from git",
            )
            continue
        if corrected is None:
            since = f"since the year was published on {record.published.isoformat()}"
            entries = list(py.changes.changes)
        else:
            since = f"since the corrected year was recorded on {corrected.on.isoformat()}"
            entries = list(py.changes.changes)[corrected.entries :]
        named = [
            name for change in entries if change.date >= record.published for name in change.fields
        ]
        recorded = []
        for difference in differences(record.files if corrected is None else corrected.files, py):
            if difference.covered_by(named):
                recorded.append(difference.name)
                continue
            if difference.what == "removed" and not difference.field:
                yield where.problem(
                    ("files", f"{difference.file}.yml"),
                    f"{difference.file}.yml was published with the year and is gone: restore "
                    f"it, or record its removal in changes.yml with '{difference.name}' under "
                    "fields",
                )
                continue
            path = _current_path(py, difference)
            yield at(project, py, difference.file).problem(
                path,
                f"'{difference.name}' {_verb(difference)} {since}: undo it, or record it in "
                f"changes.yml (a correction or variation) with '{difference.name}' under fields",
            )
        if recorded:
            shown = ", ".join(f"'{name}'" for name in recorded[:3])
            more = f" and {len(recorded) - 3} more" if len(recorded) > 3 else ""
            yield where.problem(
                ("corrected",) if corrected is not None else ("digest",),
                f"changes.yml records {shown}{more}, but the year as corrected is not yet "
                f"recorded: run plans correct {py.partnership} {py.year}, so that a later change "
                "to the same fields is noticed too",
                WARNING,
            )


def _verb(difference: Difference) -> str:
    if difference.what == "changed" and not difference.field:
        return "differs from its publication record"
    return {"changed": "changed", "added": "was added", "removed": "was removed"}[difference.what]


def _current_path(py: PlanYear, difference: Difference) -> FieldPath:
    """Where a difference stands in the file now: list items by their index, a removed field
    at its item, a removed item at its list."""
    if not difference.field:
        return ()
    field, rest = difference.field[0], difference.field[1:]
    if not rest:
        return (field,)
    items = getattr(getattr(py, difference.file), field, None) or []
    index = next((i for i, item in enumerate(items) if getattr(item, "id", None) == rest[0]), None)
    if index is None:
        return (field,)
    if difference.what == "removed":
        return (field, index)
    return (field, index, *rest[1:])


def ending_funding_is_decided(project: Project) -> Iterator[Problem]:
    """In the year before a stream ends, every service it funds has a decision (the annual
    review's) or an entry on the decommissioning risk register: that is when the partnership
    must decide what ends, and when the commissioner must hear what ending it would cost."""
    for py in project.plan_years():
        following = year_after(py.year)
        decided = {d.service for d in py.review.services} if py.review is not None else set()
        on_register = {risk.service for risk in py.risks.risks}
        for i, service in enumerate(py.services.services):
            if (
                service.id in decided
                or service.id in on_register
                or service.status in DECIDED_STATUSES
            ):
                continue
            for j, line in enumerate(service.funding):
                stream = project.streams.get(line.stream)
                if stream is None or stream.ends is None:
                    continue
                if (line.year or py.year) != py.year:
                    continue
                if ends_by(stream, following) and not ends_by(stream, py.year):
                    yield at(project, py, "services").problem(
                        ("services", i, "funding", j, "stream"),
                        f"'{line.stream}' ends {on(stream.ends)}, in {following}: decide "
                        f"what happens to service '{service.id}' (a decision in review.yml) "
                        "or put it on the decommissioning risk register (risks.yml, reason "
                        "funding-ends) so the commissioner can weigh what ending it would cost",
                        WARNING,
                    )
                    break
