"""`plans new`: a partnership with its first plan year, or a missing file of a plan year, added
to a project.

The files are the ones `plans init` writes (commented, with placeholders an editor replaces),
rendered for the project they join: the partnership's area is one of the project's own, its
first members are the area's police force and Police and Crime Commissioner as data/areas.yml
names them, and nothing refers to an organisation the project does not have, so the project
validates with warnings that list what is left to fill in, never errors. Everything is checked
and rendered before anything is written; a partnership's folder is written whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from generator.load import load_file
from generator.problems import PlansError, did_you_mean
from generator.starter import (
    Starter,
    checked_id,
    checked_title,
    checked_year,
    financial_year,
    template_environment,
)

NEW_FILE_KINDS = (
    *("plan", "assessment", "actions", "indicators", "services", "funding", "risks", "review"),
    "changes",
)
"""The plan-year files `plans new KIND PARTNERSHIP YEAR` writes (changes.yml only for a published
year: it records the changes since; published.yml is written by `plans publish`, never by hand)."""
PARTNERSHIP_KINDS = ("csp", "pcc")
_STARTER = resources.files("generator.starter")


class AddError(PlansError):
    """`plans new` cannot add what was asked for; nothing was written."""


def _template(kind: str) -> Traversable:
    """The template of a file kind: the year files `plans init` writes, else the ones only
    `plans new` writes (risks, review, and partnership.yml for a project that exists)."""
    year = _STARTER / "project" / "plans" / "_partnership_" / "_year_"
    for folder in (year, _STARTER / "files") if kind != "partnership" else (_STARTER / "files",):
        for name in (f"{kind}.yml.j2", f"{kind}.yml"):
            if (folder / name).is_file():
                return folder / name
    raise AssertionError(f"no template for {kind}")  # pragma: no cover - NEW_FILE_KINDS


def _render(kind: str, starter: Starter, **extra: Any) -> bytes:
    template = _template(kind)
    source = template.read_text(encoding="utf-8")
    if not template.name.endswith(".j2"):
        return source.encode("utf-8")
    text = template_environment().from_string(source).render(starter=starter, **extra)
    return text.encode("utf-8")


def _read(root: Path, relative: str, what: str) -> dict[str, Any]:
    """A project file's data as read (its mapping), or AddError when it cannot be read."""
    path = root / relative
    if not path.is_file():
        raise AddError(f"{relative} is missing: {what} (nothing was written)")
    document, problems = load_file(path, root)
    if document is None or problems or not isinstance(document.data, dict):
        raise AddError(f"{relative} has errors: run plans validate first (nothing was written)")
    return document.data


def add_partnership(
    root: Path,
    partnership: str,
    name: str,
    area: str,
    *,
    kind: str = "csp",
    year: str | None = None,
    today: date | None = None,
) -> list[Path]:
    """Write `plans/<partnership>/` with its partnership.yml and a first plan year (the current
    financial year unless `year` is given); the files written, relative to `root`."""
    if not name.strip():
        raise AddError("the name must not be empty; give it with --name")
    if kind not in PARTNERSHIP_KINDS:
        raise AddError(f"'{kind}' is not a kind of partnership here; use csp or pcc")
    try:
        starter = Starter(
            title=checked_title(name),
            kind="pcc" if kind == "pcc" else "partnership",
            partnership=checked_id(partnership),
            year=checked_year(year) if year else financial_year(today or date.today()),
            version="",
        )
    except PlansError as exc:
        raise AddError(f"{exc} (nothing was written)") from None
    plans = root / "plans"
    folder = plans / starter.partnership
    if folder.exists():
        raise AddError(
            f"a partnership '{starter.partnership}' already exists (plans/{starter.partnership}/)"
            "; choose another id (nothing was written)"
        )
    areas = _read(root, "data/areas.yml", "the project's police force areas").get("areas")
    known = {
        entry["id"]: entry
        for entry in areas or []
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    if area not in known:
        listed = ", ".join(sorted(known)) or "none"
        guess = did_you_mean(area, known)
        raise AddError(
            f"unknown area '{area}'{guess}{' The' if guess else '; the'} areas in data/areas.yml "
            f"are: {listed} (nothing was written)"
        )
    chosen = known[area]
    if not all(isinstance(chosen.get(k), str) for k in ("police_force", "pcc", "name")):
        raise AddError("data/areas.yml has errors: run plans validate first (nothing was written)")
    files = {
        Path("partnership.yml"): _render("partnership", starter, area=chosen),
        **{
            Path(starter.year, f"{kind}.yml"): _render(kind, starter)
            for kind in ("plan", "assessment", "actions", "indicators", "services", "funding")
        },
    }
    plans.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{starter.partnership}-", dir=plans))
    try:
        for relative, content in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_bytes(content)
        os.rename(staging, folder)  # refused if the folder appeared meanwhile: nothing replaced
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise AddError(f"could not write plans/{starter.partnership}/: {exc}") from None
    return [Path("plans", starter.partnership, relative) for relative in files]


def add_file(root: Path, kind: str, partnership: str, year: str) -> Path:
    """Write one missing file of a plan year from its commented blank; its path, relative to
    `root`."""
    if kind not in NEW_FILE_KINDS:
        raise AddError(
            f"'{kind}' is not a file plans new writes{did_you_mean(kind, NEW_FILE_KINDS)}; use "
            f"one of: {', '.join(NEW_FILE_KINDS)} (nothing was written)"
        )
    try:
        year = checked_year(year)
    except PlansError as exc:
        raise AddError(f"{exc} (nothing was written)") from None
    folder = root / "plans" / partnership
    if not (folder / "partnership.yml").is_file():
        existing = sorted(p.parent.name for p in (root / "plans").glob("*/partnership.yml"))
        raise AddError(
            f"unknown partnership '{partnership}'{did_you_mean(partnership, existing)}; add it "
            "with plans new partnership (nothing was written)"
        )
    data = _read(root, f"plans/{partnership}/partnership.yml", "the partnership")
    if not (folder / year).is_dir():
        raise AddError(
            f"plans/{partnership}/{year}/ does not exist: start the year with plans new-year "
            f"{year} --partnership {partnership} (nothing was written)"
        )
    target = folder / year / f"{kind}.yml"
    if target.exists():
        raise AddError(
            f"plans/{partnership}/{year}/{kind}.yml already exists (nothing was written)"
        )
    if kind == "changes" and not (folder / year / "published.yml").is_file():
        raise AddError(
            f"{partnership} {year} is not published, so it has no changes to record: edit it as "
            f"it is, or publish it first with plans publish {partnership} {year} --approved-by "
            "… --on YYYY-MM-DD (nothing was written)"
        )
    name = data.get("name")
    starter = Starter(
        title=name if isinstance(name, str) else partnership,
        kind="pcc" if data.get("kind") == "pcc" else "partnership",
        partnership=partnership,
        year=year,
        version="",
    )
    content = _render(kind, starter)
    try:
        with target.open("xb") as out:  # never over a file that appeared meanwhile
            out.write(content)
    except OSError as exc:
        raise AddError(f"could not write {target.relative_to(root)}: {exc}") from None
    return target.relative_to(root)
