"""`plans publish`: record a plan year's approval and freeze it as published.

It writes the year's publication record (`published.yml`: who approved it, when, and the
digests of its content, `generator.compute.frozen`) and sets `status: published` in the year's
plan.yml, and `status: superseded` in the year before's if that was published, changing only
the word on that line: comments, order and layout stay as the editor wrote them. Nothing is
written if the project has errors, the year is already published, or a status line cannot be
found to change.

`plans correct` records the year as corrected, once changes.yml records every change since
publication: the digests again, and how many changes.yml entries there were, so that a later
change to a corrected field needs a later entry of its own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from generator.caches import write_atomically
from generator.compute.frozen import overall_digest, publication_record, year_digests
from generator.model import PlanYear, Project
from generator.model.publication import Corrected, PublicationFile
from generator.pipeline import check_project
from generator.problems import (
    PlansError,
    Problem,
    ProblemsFound,
    Severity,
    counted,
    did_you_mean,
)
from generator.validate.pending import placeholders_replaced, still_to_confirm

RECORD = "published.yml"
HEADER = """\
# The publication record of this plan year, written by `plans publish`: who approved it, when,
# and digests of its content as published (the typed data: re-indenting or re-quoting is not a
# change). Do not edit it. `plans validate` fails when the plan's content no longer matches,
# unless changes.yml records the change (a correction or a variation: date, what, why, who
# approved it). Quarterly actuals, progress, meetings, the annual review and the risk register
# stay open after publication.
"""
_STATUS = re.compile(
    r"^status:(?P<space>[ \t]*)(?P<quote>[\"']?)(?P<word>[a-z]+)(?P=quote)"
    r"(?P<rest>[ \t]*(?:#[^\r\n]*)?)(?P<end>\r?)$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Published:
    """What `publish` did, for the command to say."""

    record: Path
    files: int
    fields: int
    status_was: str
    superseded: str | None


def set_status(text: str, status: str, where: str) -> str:
    """plan.yml's text with its top-level `status:` set to `status`, nothing else touched."""
    found = list(_STATUS.finditer(text))
    if len(found) != 1:
        raise PlansError(
            f"{where}: cannot find the line 'status: …' to change; set status: {status} there "
            "yourself and run plans publish again"
        )
    match = found[0]
    start, end = match.span("word")
    return text[:start] + status + text[end:]


def _plan_year(project: Project, partnership: str, year: str) -> PlanYear:
    if partnership not in project.partnerships:
        raise PlansError(
            f"no partnership '{partnership}'{did_you_mean(partnership, project.partnerships)}"
        )
    years = {py.year: py for py in project.years_of(partnership)}
    if year not in years:
        raise PlansError(
            f"{partnership} has no plan year {year}; its years are {', '.join(sorted(years))}"
        )
    return years[year]


def record_text(record: PublicationFile) -> str:
    """The record as YAML, its header first (PyYAML quotes the free text safely)."""
    data = record.model_dump(mode="json")
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _write(path: Path, text: str, mode: int | None = None) -> None:
    """Write whole or not at all, keeping an existing file's permissions."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    write_atomically(path, lambda file: file.write(text.encode("utf-8")))
    path.chmod(mode)


def publish(
    root: Path,
    partnership: str,
    year: str,
    approved_by: str,
    on: date,
    cache: Path | None = None,
) -> Published:
    """Publish one plan year of the project at `root`; see the module's docstring."""
    project, problems = check_project(root, cache=cache)
    if project is None or any(p.severity is Severity.ERROR for p in problems):
        raise ProblemsFound(problems, "nothing was published")
    py = _plan_year(project, partnership, year)
    folder = root / "plans" / partnership / year
    if py.published is not None:
        raise PlansError(
            f"{partnership} {year} was published on {py.published.published.isoformat()}; "
            "record a correction or variation in its changes.yml instead"
        )
    within = f"plans/{partnership}/{year}/"
    pending = sorted(
        (
            problem
            for problem in (*still_to_confirm(project), *placeholders_replaced(project))
            if problem.file.startswith(within)
        ),
        key=Problem.sort_key,
    )
    if pending:
        raise PlansError(
            f"{partnership} {year} still has {counted(len(pending), 'thing')} to confirm or "
            f"fill in (the first: {pending[0].file}:{pending[0].line}, {pending[0].field}): "
            "`plans validate` lists them; publish the year once they are done"
        )
    try:
        record = publication_record(py, on, approved_by)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        raise PlansError(f"--approved-by: {reason}") from None
    plan_path = folder / "plan.yml"
    edits: list[tuple[Path, str]] = []
    if py.plan.status not in ("published", "superseded"):
        text = plan_path.read_bytes().decode("utf-8")
        edits.append((plan_path, set_status(text, "published", f"{partnership}/{year}/plan.yml")))
    superseded = None
    before = project.previous(py)
    if before is not None and before.plan.status == "published":
        path = root / "plans" / partnership / before.year / "plan.yml"
        where = f"{partnership}/{before.year}/plan.yml"
        edits.append((path, set_status(path.read_bytes().decode("utf-8"), "superseded", where)))
        superseded = before.year
    _write(folder / RECORD, record_text(record))
    for path, text in edits:
        _write(path, text, path.stat().st_mode & 0o7777)
    fields = sum(
        1 if isinstance(value, str) else sum(len(item) for item in value.values())
        for digest in record.files.values()
        for value in digest.fields.values()
    )
    return Published(folder / RECORD, len(record.files), fields, py.plan.status, superseded)


def correct(
    root: Path, partnership: str, year: str, on: date, cache: Path | None = None
) -> Corrected:
    """Record a published year as corrected (`published.yml` `corrected`): see the module's
    docstring. Refused, nothing written, if the project has errors (a change not recorded in
    changes.yml is one), the year is not published, or nothing changed since its record."""
    project, problems = check_project(root, cache=cache)
    if project is None or any(p.severity is Severity.ERROR for p in problems):
        raise ProblemsFound(problems, "nothing was recorded")
    py = _plan_year(project, partnership, year)
    record = py.published
    if record is None:
        raise PlansError(
            f"{partnership} {year} is not published, so there is no correction to record; "
            "edit it as it is"
        )
    files = year_digests(py)
    baseline = record.corrected.files if record.corrected is not None else record.files
    if overall_digest(files) == overall_digest(baseline):
        raise PlansError(
            f"{partnership} {year} is as its record says: there is no correction to record"
        )
    corrected = Corrected(
        on=on, entries=len(py.changes.changes), digest=overall_digest(files), files=files
    )
    updated = PublicationFile(
        published=record.published,
        approved_by=record.approved_by,
        digest=record.digest,
        files=record.files,
        corrected=corrected,
    )
    path = root / "plans" / partnership / year / RECORD
    _write(path, record_text(updated), path.stat().st_mode & 0o7777)
    return corrected
