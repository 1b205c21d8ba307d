"""Finding a project's YAML files by their place in the tree, and loading them (in worker
processes when there are many; from the load cache when unchanged).
"""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.load.reader import MAX_FILE_BYTES, Document, content_hash, load_bytes
from generator.problems import (
    Problem,
    Severity,
    did_you_mean,
)

if TYPE_CHECKING:
    from generator.load.cache import LoadCache


def file_name(path: Path, root: Path) -> str:
    """How problems name a file: relative to the project root when it is inside it."""
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base) : len(base) + 1] == os.sep and base != os.sep:
        return text[len(base) + 1 :].replace(os.sep, "/")  # Path.relative_to, without parsing
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _read_file(path: Path, name: str) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes, or the problem that keeps it from being read (too big, unreadable)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            message = f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} — split it up"
            return None, [Problem(Severity.ERROR, name, 1, 1, "", message)]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(Severity.ERROR, name, 1, 1, "", f"cannot read file: {exc.strerror}")]


def load_file(path: Path, root: Path) -> tuple[Document | None, list[Problem]]:
    """Load a YAML file, naming it relative to the project root in every problem; the document
    carries the `content_hash` of the very bytes it was loaded from."""
    name = file_name(path, root)
    raw, problems = _read_file(path, name)
    if raw is None:
        return None, problems
    document, problems = load_bytes(raw, name)
    if document is not None:
        document = dataclasses.replace(document, digest=content_hash(raw))
    return document, problems


SYMLINK = "symbolic links are not followed; copy the file in"


YEAR_FOLDER = re.compile(r"[0-9]{4}-[0-9]{2}")


PARTNERSHIP_FOLDER = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@dataclass(frozen=True)
class FoundFile:
    """A YAML file of the project and the role its place in the tree gives it."""

    kind: str
    path: Path
    partnership: str | None = None
    year: str | None = None


def discover(
    root: Path, reference_kinds: dict[str, str], year_kinds: list[str]
) -> tuple[list[FoundFile], list[Problem]]:
    """Find the project's YAML files by place: `data/<kind>.yml`, `plans/<id>/<year>/<kind>.yml`."""
    found: list[FoundFile] = []
    problems: list[Problem] = []

    def problem(path: Path, message: str, severity: Severity = Severity.ERROR) -> None:
        name = path.relative_to(root).as_posix()
        problems.append(Problem(severity, name, 1, 1, "", message))

    for kind, where in reference_kinds.items():
        path = root / where
        if path.is_symlink() or path.parent.is_symlink():
            problems.append(Problem(Severity.ERROR, where, 1, 1, "", SYMLINK))
        elif path.is_file():
            found.append(FoundFile(kind, path))
        else:
            problems.append(Problem(Severity.ERROR, where, 1, 1, "", "required file is missing"))
    plans = root / "plans"
    if plans.is_symlink():
        problems.append(Problem(Severity.ERROR, "plans", 1, 1, "", SYMLINK))
        return found, problems
    if not plans.is_dir():
        problems.append(Problem(Severity.ERROR, "plans", 1, 1, "", "the plans/ folder is missing"))
        return found, problems
    for folder in sorted(plans.iterdir()):
        if folder.name.startswith(".") or folder.name.lower() == "readme.md":
            continue
        if not folder.is_dir() or folder.is_symlink():
            problem(folder, "only partnership folders belong in plans/")
            continue
        if not PARTNERSHIP_FOLDER.fullmatch(folder.name) or len(folder.name) > 64:
            problem(folder, "a partnership folder is named by its id (lower-case, digits, hyphens)")
            continue
        found.extend(_partnership_files(folder, year_kinds, problem))
    return found, problems


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of a folder in name order (a DirEntry knows whether it is a file, a folder
    or a link without asking the file system again)."""
    with os.scandir(folder) as scan:
        return sorted(scan, key=lambda entry: entry.name)


def _partnership_files(folder: Path, year_kinds: list[str], problem: Any) -> list[FoundFile]:
    found: list[FoundFile] = []
    partnership = folder.name
    entries = _entries(folder)
    own = next((entry for entry in entries if entry.name == "partnership.yml"), None)
    if own is not None and own.is_symlink():
        problem(folder / "partnership.yml", SYMLINK)
    elif own is not None and own.is_file():
        found.append(FoundFile("partnership", folder / "partnership.yml", partnership))
    else:
        problem(folder, "partnership folder has no partnership.yml")
    for entry in entries:
        if entry.name == "partnership.yml" or entry.name.startswith("."):
            continue
        path = folder / entry.name
        if entry.is_symlink():
            problem(path, SYMLINK)
        elif entry.is_dir() and YEAR_FOLDER.fullmatch(entry.name):
            found.extend(_year_files(path, partnership, year_kinds, problem))
        elif entry.is_dir():
            problem(path, "a year folder is named by its financial year, e.g. 2024-25")
        elif path.suffix.lower() != ".md":
            problem(path, "unexpected file; a partnership folder holds partnership.yml and years")
    return found


def _year_files(
    folder: Path, partnership: str, year_kinds: list[str], problem: Any
) -> list[FoundFile]:
    found: list[FoundFile] = []
    has_plan = False
    for entry in _entries(folder):
        name = entry.name
        if name.startswith(".") or name.lower().endswith(".md"):
            continue
        kind = name.removesuffix(".yml")
        path = folder / name
        if entry.is_symlink():
            problem(path, SYMLINK)
        elif entry.is_file() and name.endswith(".yml") and kind in year_kinds:
            found.append(FoundFile(kind, path, partnership, folder.name))
            has_plan = has_plan or kind == "plan"
        else:
            names = [f"{k}.yml" for k in year_kinds]
            stem, _, suffix = name.rpartition(".")
            hint = did_you_mean(f"{stem}.yml", names) if suffix.lower() in ("yml", "yaml") else ""
            allowed = ", ".join(names)
            problem(path, f"unexpected file in a year folder (allowed: {allowed}){hint}")
    if not has_plan and not (folder / "plan.yml").is_file():
        problem(folder, "year folder has no plan.yml")
    return found


@dataclass(frozen=True)
class SourceFile:
    """A loaded document and what it is: its kind and, for plan files, whose year it is."""

    kind: str
    document: Document
    partnership: str | None = None
    year: str | None = None


PARALLEL_FROM = 200
"""Fewest files loaded by a pool of processes: for fewer, starting the workers costs more."""


@contextmanager
def _loading(
    paths: Sequence[Path], root: Path, jobs: int
) -> Iterator[Iterator[tuple[Document | None, list[Problem]]]]:
    """`load_file` of each path, in order: in worker processes, all handed out at once, when
    there are many paths (`jobs` as for `load_files`)."""
    if not jobs:
        jobs = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    workers = min(jobs, len(paths))
    if workers <= 1:
        yield (load_file(path, root) for path in paths)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(64, len(paths) // (workers * 8)))  # few round trips, balanced work
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        yield pool.map(load_file, paths, itertools.repeat(root), chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def load_files(
    paths: Sequence[Path], root: Path, jobs: int = 0, cache: LoadCache | None = None
) -> Iterator[tuple[Document | None, list[Problem]]]:
    """`load_file` of each path, in order: in worker processes when there are many files.

    `jobs` is the number of processes; 0 means one a core from PARALLEL_FROM files, else one.
    Results come back in the order of `paths` whatever the workers' order, so output is the same.
    With a `cache`, a file whose bytes are those it keeps is answered from it in this process;
    only the others are loaded (in workers when there are many of them), and each of those
    that loads with no problem at all is kept in it.
    """
    names = [file_name(path, root) for path in paths]
    unchanged = [
        cache is not None and cache.unchanged(path, name)
        for path, name in zip(paths, names, strict=True)
    ]
    changed = [path for path, same in zip(paths, unchanged, strict=True) if not same]
    with _loading(changed, root, jobs) as loaded:
        for name, same in zip(names, unchanged, strict=True):
            if same and cache is not None:
                yield cache.document(name), []
                continue
            document, problems = next(loaded)
            if cache is not None and document is not None and not problems:
                cache.keep(document)
            yield document, problems


def load_sources(
    found: Sequence[FoundFile],
    root: Path,
    problems: list[Problem],
    jobs: int = 0,
    cache: LoadCache | None = None,
) -> Iterator[SourceFile]:
    """Each found file that loads, in order, as soon as it is loaded (so the caller can type it
    while the rest load); the problems of every file are added to `problems` on the way.

    `jobs` and `cache` as for `load_files`."""
    loaded = load_files([item.path for item in found], root, jobs, cache)
    for item, (document, file_problems) in zip(found, loaded, strict=True):
        problems.extend(file_problems)
        if document is not None:
            yield SourceFile(item.kind, document, item.partnership, item.year)


def classify(
    names: Sequence[str], reference_kinds: dict[str, str], year_kinds: list[str]
) -> list[FoundFile]:
    """The project's files among `names` (relative paths, as a git tree lists them), each with
    the role its place gives it, as `discover` finds them in a folder; other names are left out."""
    wanted = {where: kind for kind, where in reference_kinds.items()}
    found: list[FoundFile] = []
    for name in sorted(names):
        parts = name.split("/")
        if name in wanted:
            found.append(FoundFile(wanted[name], Path(name)))
        elif len(parts) < 3 or parts[0] != "plans" or not PARTNERSHIP_FOLDER.fullmatch(parts[1]):
            continue
        elif len(parts) == 3 and parts[2] == "partnership.yml":
            found.append(FoundFile("partnership", Path(name), parts[1]))
        elif (
            len(parts) == 4
            and YEAR_FOLDER.fullmatch(parts[2])
            and parts[3].endswith(".yml")
            and parts[3].removesuffix(".yml") in year_kinds
        ):
            found.append(FoundFile(parts[3].removesuffix(".yml"), Path(name), parts[1], parts[2]))
    return found


def _load_named(raw: bytes, name: str) -> tuple[Document | None, list[Problem]]:
    document, problems = load_bytes(raw, name)
    if document is not None:
        document = dataclasses.replace(document, digest=content_hash(raw))
    return document, problems


def load_contents(
    contents: Sequence[tuple[bytes, str]], jobs: int = 0
) -> list[tuple[Document | None, list[Problem]]]:
    """`load_bytes` of each (bytes, file name), in order, in worker processes when there are
    many (`jobs` as for `load_files`); each document carries its `content_hash`."""
    if not jobs:
        jobs = (os.cpu_count() or 1) if len(contents) >= PARALLEL_FROM else 1
    workers = min(jobs, len(contents))
    if workers <= 1:
        return [_load_named(raw, name) for raw, name in contents]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(64, len(contents) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(
            pool.map(
                _load_named,
                [raw for raw, _ in contents],
                [name for _, name in contents],
                chunksize=chunk,
            )
        )
