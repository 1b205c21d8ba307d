"""`build_site`: every version, shard by shard, from the cache where it can, published
atomically (the pipeline's last stage; see the package's docstring).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.model import Project
from generator.problems import ProblemsFound, counted
from generator.render import Version
from generator.render.headings import heading_link_problems
from generator.render.theme import BUNDLED
from generator.site.cache import BuildCache, ShardKeys
from generator.site.layout import kept_layout
from generator.site.options import BuildError, BuildOptions, BuildReport, drafts_left_out
from generator.site.pdf import print_jobs, print_plan_years, require_chromium
from generator.site.publish import publish, working_folder
from generator.site.shards import ShardPlan, ShardTask, run_tasks
from generator.site.versions import (
    aliases_key,
    check_cross_anchors,
    merge_version,
    stage_patch,
    version_key,
    version_pages,
    write_aliases,
    write_root,
    write_versions,
)


@dataclass(frozen=True)
class PlannedVersion:
    """One version's shards, in order (the home shard first), each with its key."""

    version: Version
    shards: ShardPlan
    keys: list[tuple[str, str]]
    """Each shard's name and key (empty keys when the build computes none)."""


@dataclass(frozen=True)
class SitePlan:
    """What a build of the whole site is made of."""

    versions: list[str]
    latest: str
    epoch: int
    years: list[PlannedVersion]
    left_out: list[str]
    """The plan years still in draft or consultation ("partnership year")."""


def plan_site(
    project: Project,
    options: BuildOptions,
    keys: ShardKeys | None,
    memo: tuple[Path, Mapping[str, bytes]] | None = None,
) -> SitePlan:
    """Every version's shards and, given `keys`, the key of each one: what it is built from
    (the project's files, the generator, its libraries) and the build's options. With `memo`
    (the build cache's folder, and the hash of each project file by name), the site's layout
    is kept there (`generator.site.layout`)."""
    folder, loaded = memo if memo is not None else (None, {})
    layout = kept_layout(project, options.drafts, options.pdf, folder, loaded)
    latest, epoch = layout.latest, layout.epoch
    years = []
    for year in layout.years:
        version = Version(year.year, latest, options.drafts, options.pdf)
        plan = ShardPlan(
            year.structure, [(shard.shard, shard.reads, shard.weight) for shard in year.shards]
        )
        options_key = [
            latest,
            str(options.drafts),
            str(epoch),
            str(options.site_url),
            *layout.in_latest,
            year.structure,
            layout.newest,
            *(["pdf"] if options.pdf else []),
        ]
        shard_keys = [
            (
                shard.name,
                keys.key(year.year, [shard.name, *options_key, shard.on_site], shard.reads)
                if keys is not None
                else "",
            )
            for shard in year.shards
        ]
        years.append(PlannedVersion(version, plan, shard_keys))
    return SitePlan(layout.versions, latest, epoch, years, layout.left_out)


def prepare(
    project: Project, options: BuildOptions
) -> tuple[Path, Path, Project, BuildCache | None, dict[str, bytes]]:
    """What every build starts from, once the links to headings in free text are checked: the
    project's root and the output folder as absolute paths, the project without the positions
    of its documents (not needed to render), the build cache (None when it is off) and the
    sha256 each project file was loaded with (what the shards' keys are made of)."""
    root = options.root.resolve()
    out = options.out if options.out.is_absolute() else (Path.cwd() / options.out)
    unresolved = heading_link_problems(project, root / "theme", options.drafts)
    if unresolved:
        raise ProblemsFound(unresolved)
    loaded = {name: document.digest for name, document in project.documents.items()}
    cache = BuildCache(options.cache, root, BUNDLED, loaded) if options.cache else None
    return root, out, dataclasses.replace(project, documents={}), cache, loaded


class _Rules:
    """The project's rules, run once (`run`), keeping no reference to the project after."""

    def __init__(self, rules: Callable[[Project], None] | None, project: Project) -> None:
        self._rules: Callable[[Project], None] | None = rules
        self._project: Project | None = project

    def run(self) -> None:
        rules, project = self._rules, self._project
        self._rules = self._project = None
        if rules is not None and project is not None:
            rules(project)


@contextmanager
def _problems_first(rules: _Rules) -> Iterator[None]:
    """Whatever fails while the rules have not run yet, the project's problems come first: a
    project the rules refuse can break a page (a reference to nothing), which is not the news."""
    try:
        yield
    except Exception:
        rules.run()  # raises ProblemsFound when they find a problem
        raise


def build_site(
    project: Project, options: BuildOptions, rules: Callable[[Project], None] | None = None
) -> BuildReport:
    """Build every version, shard by shard, and publish the site atomically at `options.out`.

    With the cache on, a version whose shards would all be reused, and which the published
    site already holds under the same key, is taken over from the published site as it is:
    neither merged again nor deleted and rewritten.

    `rules`, when given, are the project's rules, not yet run (`generator.pipeline.Checking`):
    they run while the first shards are built in worker processes, and raise ProblemsFound
    when they find a problem; nothing is published then (and nothing is kept in the cache).

    Once the shards are built, the project is let go of (unless PDFs are printed from it): a
    caller that keeps no reference of its own to it, as `plans build` keeps none, puts the
    versions together without holding the typed project (1.5 GiB at 350 x 10) at the same time."""
    chromium = require_chromium() if options.pdf else None  # before anything is written
    checks = _Rules(rules, project)
    with _problems_first(checks):
        root, out, slim, cache, loaded = prepare(project, options)
        memo = (cache.folder, loaded) if cache is not None else None
        site_plan = plan_site(slim, options, cache, memo)
    by_area = project.settings.search == "area"
    to_print = project if chromium is not None else None
    versions, latest, epoch = site_plan.versions, site_plan.latest, site_plan.epoch
    say = options.progress or (lambda _line: None)
    note = None if options.drafts else drafts_left_out(site_plan.left_out, "build")
    if note is not None:
        say(note)
    published = cache.published(out) if cache is not None else {}
    with _problems_first(checks), working_folder(out) as work:
        parts: dict[str, list[Path]] = {}
        names: dict[str, list[str]] = {}  # each part's shard
        changed: dict[str, set[int]] = {}
        tasks: list[tuple[ShardTask, str]] = []
        reused: list[str] = []
        manifest: dict[str, tuple[str, dict[str, str]]] = {}
        for planned in site_plan.years:
            version, plan, keys = planned.version, planned.shards, planned.keys
            year = version.year
            was = published.get(year)
            if cache is not None:
                manifest[year] = (version_key(keys), dict(keys))
                if was is not None and was[0] == manifest[year][0]:
                    reused.extend(f"{year}/{name}" for name, _ in keys)
                    continue  # taken over from the published site at publish time
            same_shards = was is not None and list(was[1]) == [name for name, _ in keys]
            parts[year], changed[year] = [], set()
            names[year] = [shard.name for shard, _, _ in plan.shards]
            for index, ((shard, _, weight), (_, key)) in enumerate(
                zip(plan.shards, keys, strict=True)
            ):
                name = f"{year}/{shard.name}"
                cached = cache.fetch(year, shard.name, key) if cache is not None else None
                as_published = was is not None and was[1].get(shard.name) == key
                if not (same_shards and as_published and cached is not None):
                    changed[year].add(index)
                if cached is not None:
                    parts[year].append(cached)
                    reused.append(name)
                    continue
                folder = work / "shards" / year / shard.name
                task = ShardTask(version, shard, folder, weight, options.site_url)
                parts[year].append(task.out)
                tasks.append((task, key))
            if not same_shards or len(changed[year]) == len(keys) or options.pdf:
                del changed[year]  # put together afresh (with --pdf, to print every plan year)
        ordered = sorted((task for task, _ in tasks), key=lambda t: -t.weight)
        jobs = min(options.jobs or os.cpu_count() or 1, max(len(ordered), 1))
        say(
            f"{len(ordered)} of {counted(len(ordered) + len(reused), 'shard')} to build"
            + (f" in {counted(jobs, 'process', 'processes')}" if ordered else "")
            + f", {len(reused)} reused unchanged"
        )
        pages = run_tasks(slim, root, work, epoch, ordered, jobs, options.progress, checks.run)
        checks.run()  # (run already, unless nothing was built)
        del project, slim  # the versions are put together from the shards' files alone
        broken = []
        for year, year_parts in parts.items():
            broken += check_cross_anchors(year_parts, year.replace("-", "/"))
        if broken:
            raise BuildError("links to missing anchors:\n  " + "\n  ".join(broken))
        site = work / "site"
        site.mkdir()
        if parts:
            say(f"putting together {counted(len(parts), 'version')}, then publishing")
        patches = {}
        for year, year_parts in parts.items():
            areas = names[year] if by_area else None
            if year in changed:
                stage = work / "stage" / year
                patches[year] = stage_patch(
                    year_parts, changed[year], out / year, stage, epoch, areas
                )
            else:
                merge_version(year_parts, site / year, epoch, areas)
        if chromium is not None and to_print is not None and parts:
            say(f"printing each plan year of {counted(len(parts), 'version')} as a PDF")
            printed = [
                job
                for year in parts
                for job in print_jobs(
                    to_print,
                    [py for py in to_print.plan_years() if py.year == year],
                    site / year,
                    options.drafts,
                    epoch,
                )
            ]
            workers = options.jobs or os.cpu_count() or 1
            print_plan_years(chromium, root / "theme", printed, work / "print", workers, say)
        kept = [year for year in versions if year not in parts]
        write_versions(site, versions, latest)
        latest_folders = parts.get(latest) or [out / latest]
        write_root(site, latest, latest_folders[0] / "404.html")
        latest_pages = version_pages(latest_folders)
        folders = dict(manifest)
        folders["latest"] = (aliases_key(latest, latest_pages), {})
        aliases = ["latest"] if published.get("latest") == folders["latest"] else []
        if not aliases:
            write_aliases(site, latest, latest_pages)
        if cache is not None:
            for task, key in tasks:
                cache.store(task.version.year, task.shard.name, key, task.out)
        publish(site, out, work / "old", [*kept, *aliases], patches)
        if cache is not None:
            cache.record_published(out, folders)
    built = tuple(f"{t.version.year}/{t.shard.name}" for t, _ in tasks)
    return BuildReport(
        tuple(versions), latest, pages, built, tuple(reused), tuple(kept), tuple(patches)
    )
