"""Shards: a version is built by MkDocs in pieces (the home pages, then one shard per area),
in worker processes; each shard's docs folder, navigation and build.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import posixpath
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.model import Project
from generator.problems import counted
from generator.render import (
    HOME,
    RenderedVersion,
    Shard,
    Version,
    areas_of,
    formula_owners,
    nav_pages,
    opendata,
    render_version,
    version_plan_years,
)
from generator.render.theme import BUNDLED
from generator.site.config import base_config, version_config
from generator.site.options import BuildError
from generator.site.sanitize import scan_site
from generator.site.search import area_index
from generator.site.versions import CROSS_ANCHORS, write_downloads

START_METHODS = multiprocessing.get_all_start_methods()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_warnings() -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def write_files(base: Path, files: dict[str, bytes]) -> None:
    """Write generated files, refusing any path that would land outside `base`."""
    top = base.resolve()
    for name, content in files.items():
        target = (base / name).resolve()
        if not target.is_relative_to(top) or ".." in Path(name).parts:
            raise BuildError(f"refusing to write outside the build folder: {name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def shard_nav(nav: list[Any], keep: set[str]) -> list[Any]:
    """The version's navigation cut down to the pages in `keep`, plus the first page of every
    section a page in `keep` shows. With navigation.prune a page shows the top level and, down
    its own branch, every section's items: its own, and for each other section a link to that
    section's first page. So the cut navigation renders the same in those pages as the whole
    one: the top-level sections, and the sections in a section that holds a kept page, keep
    their first page."""
    return _cut_section(nav, keep, shown=True, first_kept=False)


def _cut_section(items: list[Any], keep: set[str], shown: bool, first_kept: bool) -> list[Any]:
    """`shown`: the items' sections are shown (so keep their first page); `first_kept`: keep
    the first page of these items (this section is shown)."""
    cut: list[Any] = []
    for index, item in enumerate(items):
        ((title, value),) = item.items()
        if isinstance(value, list):
            holds = not keep.isdisjoint(nav_pages(value))
            children = _cut_section(value, keep, holds, shown or (first_kept and index == 0))
            if children:
                cut.append({title: children})
        elif value in keep or (first_kept and index == 0):
            cut.append(item)
    return cut


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


_LINK = re.compile(r"\]\(([^()\s#]+)(?:#([^()\s]*))?\)")


def links(name: str, markdown: bytes) -> set[tuple[str, str]]:
    """The files a generated page links to, as paths from the docs folder, each with the
    anchor it links to ('' for none)."""
    folder = posixpath.dirname(name)
    found = set()
    for match in _LINK.finditer(markdown.decode("utf-8")):
        target = _ESCAPED.sub(r"\1", match.group(1))  # Markdown escapes: funding\-streams
        anchor = _ESCAPED.sub(r"\1", match.group(2) or "")
        if "://" not in target:
            found.add((posixpath.normpath(posixpath.join(folder, target)), anchor))
    return found


@dataclass(frozen=True)
class ShardDocs:
    """A shard's docs folder: its own files plus an empty stand-in for every other page its
    navigation or links name (excluded from the build: MkDocs resolves links and navigation to
    them but neither reads nor writes them), its navigation, the stand-ins, and its links to
    anchors on stand-ins as [page, target, anchor]: MkDocs cannot check those, so they are
    checked once the version is merged."""

    files: dict[str, bytes]
    nav: list[Any]
    stubs: list[str]
    cross_anchors: list[list[str]]


def shard_docs(rendered: RenderedVersion, year: str | None = None) -> ShardDocs:
    """The docs folder MkDocs builds for one shard (see ShardDocs); `year` names the version's
    own files the home shard makes (the archive of its open data) that pages link to."""
    everything = rendered.nav_pages
    own = {name for name in rendered.files if name.endswith(".md")}
    keep = set(own) | {"index.md", "glossary.md", "accessibility.md"}
    for index, page in enumerate(everything):
        if page in own:
            keep.update(everything[max(index - 1, 0) : index + 2])  # rel=prev and rel=next
    nav = shard_nav(rendered.nav, keep)
    version_files = {opendata.archive_name(year)} if year is not None else set()
    # a file the shard makes is never a stand-in: the home shard's schema pages link to the
    # JSON Schema files it writes beside them
    made = set(rendered.files)
    elsewhere = (set(everything) | set(opendata.schema_files()) | version_files) - made
    linked = [
        (name, target, anchor)
        for name in sorted(own)
        for target, anchor in links(name, rendered.files[name])
        if target in elsewhere
    ]
    stubs = sorted((set(nav_pages(nav)) - own) | {target for _, target, _ in linked})
    files = dict(rendered.files)
    files.update((stub, b"") for stub in stubs)
    cross = sorted([name, target, anchor] for name, target, anchor in linked if anchor)
    return ShardDocs(files, nav, stubs, cross)


@dataclass(frozen=True)
class ShardTask:
    """One MkDocs build: a shard of a version, into its own folder."""

    version: Version
    shard: Shard
    out: Path
    weight: int
    """Plan years in the shard: the longest builds are started first."""
    site_url: str | None = None
    """In place of mkdocs.yml's `site_url` (`BuildOptions.site_url`)."""


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the build's date while MkDocs builds a shard, and put back as it
    was after: a shard built in the calling process (one to build, or --jobs 1) left it set,
    so the next build in that process (`plans serve`) dated itself by the last one's data."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def build_shard(project: Project, root: Path, task: ShardTask, scratch: Path, epoch: int) -> int:
    """Render one shard and build it with MkDocs into `task.out`: the folders it contributes to
    the version, its search entries and its sitemap. Returns its page count."""
    with _source_date(epoch):
        return _build_shard(project, root, task, scratch, epoch)


def _build_shard(project: Project, root: Path, task: ShardTask, scratch: Path, epoch: int) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    version, shard, out = task.version, task.shard, task.out
    rendered = render_version(project, root / "theme", version, shard)
    docs = scratch / "docs"
    shard_folder = shard_docs(rendered, version.year)
    files = shard_folder.files
    if shard.home:
        for assets in (BUNDLED / "theme" / "assets", root / "theme" / "assets"):  # project's win
            if assets.is_dir():
                for path in sorted(assets.rglob("*")):
                    if path.is_file():
                        files[f"assets/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    write_files(docs, files)
    config = version_config(
        root,
        base_config(root, project.settings, task.site_url),
        version,
        docs,
        out,
        shard_folder.nav,
    )
    config["exclude_docs"] = "".join(f"/{stub}\n" for stub in shard_folder.stubs)
    if project.settings.search == "area":  # an area shard is named by its area's id
        label = "partnerships and areas" if shard.home else project.areas[shard.name].name
        config["extra"] = {
            **config["extra"],
            "plans_search_index": area_index(shard.name),
            "plans_search_label": f"Search {label}",
        }
    config_path = scratch / "mkdocs.yml"
    config_path.write_text(
        yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )
    where = f"{version.label}" + ("" if shard.home else f" ({shard.name})")
    with _mkdocs_warnings() as warnings:
        try:
            build(load_config(config_file=str(config_path), strict=True))
        except (MkDocsException, SystemExit, OSError, ValueError) as exc:
            detail = "\n  ".join(warnings.messages) or str(exc)
            raise BuildError(f"MkDocs could not build {where}:\n  {detail}") from None
    if not shard.home:
        contributed = {name.split("/", 1)[0] for name in rendered.files}
        for path in out.iterdir():
            if path.name not in contributed and path.name not in ("search", "sitemap.xml"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        for path in (out / "search").iterdir():
            if path.name != "search_index.json":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    unsafe = scan_site(out)
    if unsafe:
        raise BuildError(
            f"{where} failed the safety scan of built pages:\n  " + "\n  ".join(unsafe)
        )
    (out / CROSS_ANCHORS).write_text(json.dumps(shard_folder.cross_anchors), encoding="utf-8")
    if rendered.downloads is not None:
        write_downloads(out, rendered.downloads)
    return sum(1 for name in rendered.files if name.endswith(".md"))


TASKS_PER_POOL = 40
"""Shards a build worker builds before it is replaced by a fresh one. A worker keeps about
1 MiB of each shard it builds, on top of all it was forked with (after a cold check, the whole
typed project: 1.5 GiB at 350 × 10), so a national build's workers grew without bound; each
replacement costs a fork and a moment when one worker waits for the other to finish."""

_SHARED: dict[str, Any] = {}
"""What every build worker shares, set once per worker (inherited, not pickled, on fork)."""


def _init_worker(project: Project, root: Path, work: Path, epoch: int) -> None:
    _SHARED.update(project=project, root=root, work=work, epoch=epoch)


def _init_process(project: Project, root: Path, work: Path, epoch: int) -> None:
    """A worker process: the project is millions of objects that live as long as the worker,
    kept out of the cyclic collector's reach so that no collection walks them all again (not
    in the calling process: `plans serve` builds again and again in one process)."""
    _init_worker(project, root, work, epoch)
    gc.freeze()


def _build_task(task: ShardTask) -> int:
    scratch = _SHARED["work"] / "scratch" / task.version.year / task.shard.name
    return build_shard(_SHARED["project"], _SHARED["root"], task, scratch, _SHARED["epoch"])


@dataclass(frozen=True)
class ShardPlan:
    """The shards of one version and what each one's pages read."""

    structure: str
    """Which partnerships of which areas the version shows: every page's navigation."""
    shards: list[tuple[Shard, list[str] | None, int]]
    """Each shard, the partnerships whose plan files it reads (None: every one, as the home
    pages list them all), and its weight (plan years) for scheduling."""


def plan_shards(project: Project, version: Version) -> ShardPlan:
    """How a version is split: the home pages, then one shard per area. An area's pages read
    its partnerships' files and those of the owners of formulas that fund them."""
    owners = {
        formula.id: py.partnership
        for py in project.plan_years()
        if py.year == version.year
        for formula in py.funding.formulas
    }
    areas = areas_of(project, version_plan_years(project, version.year, version.drafts))
    by_area = formula_owners(project, version.year)
    structure = json.dumps([[area, [py.partnership for py in pys]] for area, pys in areas])
    shards: list[tuple[Shard, list[str] | None, int]] = [(HOME, None, 0)]
    for area, pys in areas:
        reads = {py.partnership for py in pys}
        for py in pys:
            reads.update(owners[a.formula] for a in py.funding.allocations if a.formula in owners)
        reads.update(owner for owner, _ in by_area.get(area, []))
        shards.append((Shard(area, (area,)), sorted(reads), len(pys)))
    return ShardPlan(structure, shards)


def run_tasks(
    project: Project,
    root: Path,
    work: Path,
    epoch: int,
    tasks: list[ShardTask],
    jobs: int,
    progress: Callable[[str], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> int:
    """Build the shards, in worker processes when there is more than one job; total pages.

    `progress` hears of finished shards: each one up to 50, else about every fiftieth.
    `meanwhile` is run in this process once the first shards are handed to the workers (first
    thing, without workers); if it raises, the shards not started yet are dropped, and those
    being built are waited for."""
    step = max(1, len(tasks) // 50)
    started = time.perf_counter()

    def finished(done: int, task: ShardTask, pages: int) -> None:
        if progress is not None and (done % step == 0 or done == len(tasks)):
            where = f"{task.version.year}/{task.shard.name}"
            elapsed = time.perf_counter() - started
            progress(
                f"[{done}/{len(tasks)}] built {where} ({counted(pages, 'page')}); {elapsed:.0f} s"
            )

    if jobs <= 1:
        if meanwhile is not None:
            meanwhile()
        _init_worker(project, root, work, epoch)
        total = 0
        try:
            for done, task in enumerate(tasks, 1):
                total += (pages := _build_task(task))
                finished(done, task, pages)
        finally:
            _SHARED.clear()  # the calling process lets go of the project when it is done
        return total
    context = multiprocessing.get_context("fork" if "fork" in START_METHODS else "spawn")
    total = done = 0
    per_pool = TASKS_PER_POOL * jobs
    for start in range(0, len(tasks), per_pool):
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_process,
            initargs=(project, root, work, epoch),
        ) as pool:
            batch = tasks[start : start + per_pool]  # longest first
            futures = {pool.submit(_build_task, task): task for task in batch}
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
                meanwhile = None
            for future in as_completed(futures):
                total += (pages := future.result())
                done += 1
                finished(done, futures[future], pages)
    return total
