"""The pipeline's front half, shared by every command: load → model → validate."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from generator.load import Document, FoundFile, SourceFile, discover, file_name, load_sources
from generator.load.cache import LoadCache
from generator.model import REFERENCE_KINDS, YEAR_KINDS, Project, build_project
from generator.problems import Problem
from generator.validate import validate_project
from generator.validate.cache import ValidateCache, year_keys


def find_project(start: Path) -> Path | None:
    """The project `start` is in, found as git finds a repository: the nearest folder, from
    `start` up, holding `data/settings.yml` or a `plans/` folder; None outside any project."""
    for folder in (start, *start.parents):
        if (folder / "data" / "settings.yml").is_file() or (folder / "plans").is_dir():
            return folder
    return None


def check_project(
    root: Path, jobs: int = 0, cache: Path | None = None
) -> tuple[Project | None, list[Problem]]:
    """Read, type and validate a project; every problem found, sorted by file and line.

    Files are typed as they load, while worker processes load the rest (`jobs`: see
    `generator.load.load_files`). `cache` is the folder of the load cache
    (`generator.load.cache`) and of the validation record (`generator.validate.cache`), None
    for none: files it holds unchanged are not parsed again, and the years whose validation is
    on record under the same files are neither typed (until something reads them) nor checked
    again: their problems are those on record."""
    project, checking = start_check(root, jobs, cache)
    return project, checking.finish(project)


@dataclass
class Checking:
    """What `start_check` found reading and typing a project, and its rules, not yet run:
    `finish` runs them. It keeps no reference to the project (`plans build` lets go of it
    while it builds).

    `plans build` starts building pages while the rules run; it publishes nothing unless they
    find nothing wrong."""

    problems: list[Problem]
    """The problems of reading and typing it: with any, the rules are not run."""
    _validate: Callable[[Project], list[Problem]]
    _finished: list[Problem] | None = None

    def finish(self, project: Project | None) -> list[Problem]:
        """Every problem, sorted by file and line (the rules are run once, the first time):
        `project` is the one `start_check` returned with this."""
        if self._finished is None:
            found = list(self.problems)
            if project is not None and not found:
                with collector_paused():
                    found.extend(self._validate(project))
            self._finished = sorted(set(found), key=Problem.sort_key)
        return self._finished


def start_check(
    root: Path, jobs: int = 0, cache: Path | None = None
) -> tuple[Project | None, Checking]:
    """`check_project`'s first half: read and type the project (see there), leaving its rules
    for `Checking.finish`."""
    reference = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    with collector_paused():
        load_cache = LoadCache(cache, root, defer=True) if cache is not None else None
        record = ValidateCache(cache, root) if cache is not None else None
        found, problems = discover(root, reference, list(YEAR_KINDS))
        names = [file_name(item.path, root) for item in found]
        unchanged: set[str] = set()
        if load_cache is not None and record is not None:
            digests = {
                name: load_cache.digest(item.path, name)
                for item, name in zip(found, names, strict=True)
            }
            unchanged = record.unchanged(year_keys(found, names, digests))
        sources = load_sources(found, root, problems, jobs, load_cache)
        # a plan file is typed when first read, not now, if it typed with no problem as it
        # is: every file of a year on record, and the unchanged files of a year checked again
        project, model_problems = build_project(
            sources,
            lambda s: (
                s.year in unchanged
                or (record is not None and record.typed_before(s.document.file, s.document.digest))
            ),
        )
        if load_cache is not None:
            load_cache.save()
        problems.extend(model_problems)

    def validate(project: Project) -> list[Problem]:
        checked = set(project.all_years()) - unchanged
        found_now = validate_project(project.part(checked) if unchanged else project)
        if record is None:
            return found_now
        digests = {name: project.documents[name].digest for name in names}
        record.update(year_keys(found, names, digests), checked, found_now, digests)
        return [*found_now, *record.replay(unchanged & set(project.all_years()))]

    return project, Checking(problems, validate)


def check_documents(
    files: Sequence[tuple[FoundFile, Document]],
    problems: Sequence[Problem] = (),
    years: Collection[str] | None = None,
    typed: dict[tuple[str, bytes], BaseModel] | None = None,
) -> tuple[Project | None, list[Problem]]:
    """`check_project` for files already loaded (read from a git revision, say), with the
    problems of loading them: typed and validated. With `years`, only those financial years
    are validated: the files given are those years' and what they read (the reference data,
    every partnership.yml, each partnership's previous plan.yml). `typed` as for
    `build_project`: models shared with another version of the project."""
    found = list(problems)
    with collector_paused():
        sources = [
            SourceFile(item.kind, document, item.partnership, item.year) for item, document in files
        ]
        project, model_problems = build_project(sources, typed=typed)
        found.extend(model_problems)
        if project is not None and not found:
            found.extend(validate_project(project if years is None else project.part(years)))
    return project, sorted(set(found), key=Problem.sort_key)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a project is read, typed and validated.

    That makes millions of objects that live on and no reference cycles (a test holds it to
    that), yet the collector walked the growing heap again and again: half the time spent typing
    at national scale. Reference counting still frees all the rest as soon as it is unused.

    When the caller had the collector on, what is already garbage is collected first (cheap:
    the project is not made yet), and what lives on afterwards is moved to the collector's
    permanent generation (`gc.freeze`) before it is turned back on: otherwise its first
    collection walks every new object once more (1.6 s at 350 x 10)."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
