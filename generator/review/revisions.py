"""Two versions of a project read from git revisions (or folders) without checking anything
out, loaded as far as they load, and compared.

Only what a change can affect is read: the financial years whose validation key differs
between the two sides (`generator.validate.cache.year_keys`: the year's files, the previous
plan year of each partnership in it, the reference data and every partnership.yml), with the
files those years read. A file identical on both sides (the same blob) is parsed once.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from generator.load import Document, FoundFile, classify, load_contents
from generator.model import REFERENCE_KINDS, YEAR_KINDS, Project
from generator.pipeline import check_documents
from generator.problems import PlansError, Problem, Severity
from generator.review.changes import Report
from generator.review.compare import compare
from generator.validate.cache import year_keys

WORKING_TREE = "working tree"


class RevisionError(PlansError):
    """A revision that cannot be read: unknown, missing from a shallow clone, not a repository."""


@dataclass(frozen=True)
class Side:
    """One version of a project: each YAML file's name and the id of its content (git's blob
    id), and how to read the contents of some of them."""

    label: str
    files: Mapping[str, str]
    read: Callable[[list[str]], dict[str, bytes]]


def _git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise RevisionError("git is not installed: it is needed to read revisions") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def _in_work_tree(folder: Path) -> bool:
    try:
        return _git(folder, "rev-parse", "--is-inside-work-tree").strip() == b"true"
    except RevisionError:
        return False


def _commit(folder: Path, revision: str) -> str:
    """The commit a revision names, or a one-line error saying why there is none."""
    if not _in_work_tree(folder):
        raise RevisionError(f"{folder} is not in a git repository: give two folders instead")
    if revision.startswith("-"):
        raise RevisionError(f"unknown revision '{revision}'")
    try:
        return _git(folder, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{revision}^{{commit}}").decode().strip()  # fmt: skip
    except RevisionError:
        pass
    if _git(folder, "rev-parse", "--is-shallow-repository").strip() == b"true":
        raise RevisionError(
            f"'{revision}' is not in this shallow clone: fetch more history "
            "(`git fetch --deepen=50`, or `git fetch --unshallow`) and run again"
        )
    raise RevisionError(f"unknown revision '{revision}'")


def changed_since(folder: Path, revision: str) -> frozenset[str]:
    """The files under `folder` (paths relative to it) that differ between a git revision and
    the working tree: changed, added (untracked ones too), removed or renamed."""
    if not _in_work_tree(folder):
        raise RevisionError(f"{folder} is not in a git repository, to compare with '{revision}'")
    commit = _commit(folder, revision)
    changed = _git(folder, "diff", "--name-only", "-z", "--no-renames", "--relative", commit, "--")
    untracked = _git(folder, "ls-files", "-z", "--others", "--exclude-standard")
    return frozenset(
        name.decode("utf-8", "surrogateescape")
        for name in (*changed.split(b"\0"), *untracked.split(b"\0"))
        if name
    )


def revision_side(folder: Path, revision: str) -> Side:
    """The project in `folder` as it is at a git revision (a commit, branch, tag, HEAD~1)."""
    commit = _commit(folder, revision)
    listing = _git(folder, "ls-tree", "-r", "-z", commit, "--", "plans", "data")
    files: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind == "blob" and mode != "120000":  # symbolic links are not followed
            files[name.decode("utf-8", "surrogateescape")] = blob

    def read(names: list[str]) -> dict[str, bytes]:
        return dict(zip(names, _cat_files(folder, [files[n] for n in names]), strict=True))

    return Side(revision, files, read)


def _cat_files(folder: Path, blobs: list[str]) -> list[bytes]:
    """The contents of git blobs, in order, from one `git cat-file --batch`."""
    if not blobs:
        return []
    out = _git(folder, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in blobs).encode())
    contents: list[bytes] = []
    at = 0
    for _ in blobs:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        contents.append(out[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    return contents


def blob_id(raw: bytes) -> str:
    """The id git gives a file of these bytes, so a folder's files match a revision's."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).hexdigest()


def folder_side(root: Path, label: str | None = None) -> Side:
    """The project as it is in a folder (the working tree, or any copy of a project)."""
    contents: dict[str, bytes] = {}
    for top in ("plans", "data"):
        for path in sorted((root / top).rglob("*.yml")) if (root / top).is_dir() else ():
            if path.is_file() and not path.is_symlink():
                contents[path.relative_to(root).as_posix()] = path.read_bytes()
    files = {name: blob_id(raw) for name, raw in contents.items()}
    return Side(label or str(root), files, lambda names: {n: contents[n] for n in names})


def side(folder: Path, given: str | None) -> Side:
    """A revision of the project in `folder`, a folder holding a project, or (None) the
    working tree."""
    if given is None:
        if not (folder / "plans").is_dir() and not (folder / "data").is_dir():
            raise RevisionError(f"{folder} holds no project (no plans/ or data/)")
        return folder_side(folder, WORKING_TREE)
    path = Path(given)
    if path.is_dir() and ((path / "plans").is_dir() or (path / "data").is_dir()):
        return folder_side(path, given)
    return revision_side(folder, given)


@dataclass(frozen=True)
class Loaded:
    """One side loaded: its project (None if the reference data do not type), its problems,
    and the files taken from the other side because they did not load or type here."""

    project: Project | None
    problems: list[Problem]
    borrowed: tuple[str, ...]


def _scope(a: list[FoundFile], b: list[FoundFile], side_a: Side, side_b: Side) -> set[str]:
    """The financial years whose problems or figures can differ between the two sides."""
    keys = []
    for found, current in ((a, side_a), (b, side_b)):
        names = [item.path.as_posix() for item in found]
        keys.append(year_keys(found, names, {n: current.files[n].encode() for n in names}))
    return {y for y in {*keys[0], *keys[1]} if keys[0].get(y) != keys[1].get(y)}


OWN_KINDS = frozenset({"actions", "indicators", "assessment", "risks"})
"""Kinds of plan file read by the rules only with their own plan year's other files (and the
reference data): their problems follow from no other partnership's files, and no other
partnership's problems follow from them. (The year-wide rules read funding, services and
reviews: formulas, the money drawn from each stream, decision notices recorded elsewhere.)"""


def _needed(
    found: list[FoundFile], years: set[str], edited: set[tuple[str, str]] | None
) -> list[FoundFile]:
    """The files that the plan years of `years` read: the reference data, every
    partnership.yml, their own files and the plan.yml of each partnership's previous plan year
    (the one file of it that validation reads).

    A plan year with no file edited (of `edited`; None: every one may have changed) is the same
    on both sides but for what other partnerships' files change, so its files of OWN_KINDS
    are left out: they would give the same problems and the same comparison on both sides."""
    plan_years: dict[str, list[str]] = {}
    for item in found:
        if item.kind == "plan" and item.partnership is not None and item.year is not None:
            plan_years.setdefault(item.partnership, []).append(item.year)
    wanted = set()
    for partnership, own in plan_years.items():
        own.sort()
        for i, year in enumerate(own):
            if year in years and i:
                wanted.add((partnership, own[i - 1]))
    return [
        item
        for item in found
        if item.year is None
        or (
            item.year in years
            and (
                edited is None
                or item.kind not in OWN_KINDS
                or (str(item.partnership), item.year) in edited
            )
        )
        or (item.kind == "plan" and (item.partnership, item.year) in wanted)
    ]


def _load(
    sides: tuple[Side, Side], needed: tuple[list[FoundFile], list[FoundFile]], jobs: int
) -> list[dict[str, tuple[Document | None, list[Problem]]]]:
    """Each needed file of each side loaded; a file of the same name and content on both
    sides is read and parsed once."""
    wanted: dict[tuple[str, str], int] = {}
    for index, (current, found) in enumerate(zip(sides, needed, strict=True)):
        for item in found:
            name = item.path.as_posix()
            wanted.setdefault((current.files[name], name), index)
    by_side: list[list[str]] = [[], []]
    for (_, name), index in wanted.items():
        by_side[index].append(name)
    raw = {**sides[0].read(by_side[0])}
    raw_b = sides[1].read(by_side[1])
    contents = [
        (raw[name] if index == 0 else raw_b[name], name) for (_, name), index in wanted.items()
    ]
    loaded = dict(zip(wanted, load_contents(contents, jobs), strict=True))
    return [
        {
            item.path.as_posix(): loaded[
                (current.files[item.path.as_posix()], item.path.as_posix())
            ]
            for item in found
        }
        for current, found in zip(sides, needed, strict=True)
    ]


def _check(
    found: list[FoundFile],
    own: Mapping[str, tuple[Document | None, list[Problem]]],
    other: Mapping[str, tuple[Document | None, list[Problem]]],
    years: set[str],
    typed: dict[tuple[str, bytes], BaseModel],
) -> Loaded:
    """A side typed and validated; if some of its files do not load or type, it is typed
    again with the other side's version of those files (or without them), so that the rest
    is still compared, and its problems are those of its own files."""
    problems = [p for document, found_problems in own.values() for p in found_problems]
    files = [(item, own[item.path.as_posix()][0]) for item in found]
    project, problems = check_documents(
        [(item, doc) for item, doc in files if doc is not None], problems, years, typed
    )
    unloaded = {name for name, (document, _) in own.items() if document is None}
    if project is not None and not unloaded:
        return Loaded(project, problems, ())
    failed = (
        {p.file for p in problems if p.severity is Severity.ERROR} if project is None else set()
    )
    broken = unloaded | (failed & set(own))
    swapped = []
    for item, document in files:
        name = item.path.as_posix()
        if name in broken:
            document = other.get(name, (None, []))[0]
        if document is not None:
            swapped.append((item, document))
    retried, _ = check_documents(swapped, (), (), typed)
    return Loaded(retried, problems, tuple(sorted(broken)))


def diff_sides(before: Side, after: Side, jobs: int = 0) -> Report:
    """Compare two versions of a project: only what a change can affect is read."""
    kinds = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    found = [classify(list(s.files), kinds, list(YEAR_KINDS)) for s in (before, after)]
    years = _scope(found[0], found[1], before, after)
    labels = (before.label, after.label)
    if not years and _common(before) == _common(after):
        return Report(*labels)
    edited = _edited(found, before, after)
    needed = (_needed(found[0], years, edited), _needed(found[1], years, edited))
    loaded = _load((before, after), needed, jobs)
    typed: dict[tuple[str, bytes], BaseModel] = {}  # a file the same on both sides, typed once
    old = _check(needed[0], loaded[0], loaded[1], years, typed)
    new = _check(needed[1], loaded[1], loaded[0], years, typed)
    return compare(
        old.project,
        new.project,
        years,
        old.problems,
        new.problems,
        labels,
        (*old.borrowed, *new.borrowed),
        _affected(found, before, after, edited),
    )


def _common(side: Side) -> dict[str, str]:
    return {n: b for n, b in side.files.items() if n.startswith("data/") or n.count("/") == 2}


def _edited(found: list[list[FoundFile]], before: Side, after: Side) -> set[tuple[str, str]] | None:
    """The plan years with a file that differs between the sides; None when the reference
    data or a partnership.yml differ (settings for RAG and risk bands, names: any plan year
    may read differently)."""
    if _common(before) != _common(after):
        return None
    return {
        (str(item.partnership), item.year)
        for item in (*found[0], *found[1])
        if item.year is not None
        and before.files.get(item.path.as_posix()) != after.files.get(item.path.as_posix())
    }


def _affected(
    found: list[list[FoundFile]],
    before: Side,
    after: Side,
    edited: set[tuple[str, str]] | None,
) -> set[tuple[str, str]] | None:
    """The plan years whose comparison can show a change (None: all): those edited, and every
    plan year of a financial year whose funding differs somewhere (a formula shares money
    between partnerships)."""
    if edited is None:
        return None
    funding_years = {
        item.year
        for item in (*found[0], *found[1])
        if item.kind == "funding"
        and item.year is not None
        and before.files.get(item.path.as_posix()) != after.files.get(item.path.as_posix())
    }
    return edited | {
        (str(item.partnership), item.year)
        for item in (*found[0], *found[1])
        if item.year is not None and item.year in funding_years
    }


def diff_project(folder: Path, base: str, head: str | None = None, jobs: int = 0) -> Report:
    """`plans diff BASE [HEAD]`: the project in `folder` at BASE against HEAD (the working
    tree when None); either may also be a folder holding a project."""
    return diff_sides(side(folder, base), side(folder, head), jobs)
