"""A site built on several machines: `build_part` builds the K-th of N parts of the site's
shards into a folder of its own (its pages, search-index and sitemap pieces, and a manifest),
and `assemble` joins the folders of all N parts into the site, byte for byte what `build_site`
publishes on one machine, with the same atomic publish.

The shards are dealt to the parts by their expected cost (pages), the longest first, each to
the part with the least so far, ties broken by name and part number: the same N deals the same
parts on any machine. (Measured times are not used: two runners whose caches differ would deal
differently, and a shard would be built twice or not at all.) Every part names the inputs of
the whole site (every shard's key: the project's files, the generator and its libraries, the
build's options), so parts of different commits are never joined.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import Project
from generator.problems import counted
from generator.render import PAGES, opendata
from generator.render.theme import BUNDLED
from generator.site.build import SitePlan, plan_site, prepare
from generator.site.cache import ShardKeys, link_tree
from generator.site.options import BuildError, BuildOptions, drafts_left_out
from generator.site.publish import publish, working_folder
from generator.site.shards import ShardTask, run_tasks
from generator.site.versions import (
    CROSS_ANCHORS,
    DOWNLOADS,
    check_cross_anchors,
    merge_version,
    version_pages,
    write_aliases,
    write_root,
    write_versions,
)

MANIFEST = "part.json"
_FOLDER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
FORMAT = 1
HOME_PAGES = 3 + sum(1 for name in opendata.schema_files() if name.endswith(".md"))
"""The home shard's pages in every version: home, glossary, accessibility, the data formats."""


@dataclass(frozen=True)
class PartReport:
    """What one part built."""

    part: int
    of: int
    shards: tuple[str, ...]
    """The part's shards, as year/name."""
    pages: int
    built: tuple[str, ...]
    reused: tuple[str, ...]


@dataclass(frozen=True)
class AssembleReport:
    """What the assembled site holds."""

    versions: tuple[str, ...]
    latest: str
    shards: int
    parts: int


def shard_costs(plan: SitePlan) -> list[tuple[str, int]]:
    """Each shard of the site (year/name) with its expected cost: the pages it builds. An
    area's pages are its index and a set of pages per plan year; the home shard's are the same
    few in every version, plus the index and open-data archive listing every plan year."""
    costs = []
    for planned in plan.years:
        plan_years = sum(weight for _, _, weight in planned.shards.shards)
        for shard, _, weight in planned.shards.shards:
            cost = HOME_PAGES + plan_years // 6 if shard.home else 1 + len(PAGES) * weight
            costs.append((f"{planned.version.year}/{shard.name}", cost))
    return costs


def deal(costs: Sequence[tuple[str, int]], parts: int) -> list[list[str]]:
    """The shards dealt to `parts` parts so that they finish together: the costliest first,
    each to the part with the least cost so far (the lowest-numbered of equals). Each part's
    shards are in the site's order. Deterministic: names break ties between equal costs."""
    order = {name: index for index, (name, _) in enumerate(costs)}
    loads = [0] * parts
    dealt: list[list[str]] = [[] for _ in range(parts)]
    for name, cost in sorted(costs, key=lambda item: (-item[1], item[0])):
        part = min(range(parts), key=lambda index: (loads[index], index))
        loads[part] += cost
        dealt[part].append(name)
    return [sorted(names, key=order.__getitem__) for names in dealt]


def _inputs(plan: SitePlan, options: BuildOptions) -> str:
    """One digest of everything the site is built from: every shard's key in order, the
    versions, the latest, and the options that shape what is put together."""
    facts: list[Any] = [
        FORMAT,
        plan.versions,
        plan.latest,
        plan.epoch,
        options.drafts,
        [[planned.version.year, planned.keys] for planned in plan.years],
    ]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def build_part(project: Project, options: BuildOptions, part: int, of: int) -> PartReport:
    """Build the `part`-th (from 1) of `of` parts of the site into `options.out`, which is
    replaced as a whole once every shard of the part has built (see the module's docstring)."""
    if options.pdf:
        raise BuildError(
            "--pdf cannot be combined with --part yet: build the PDFs with a single "
            "`plans build --pdf`"
        )
    if not 1 <= part <= of:
        raise BuildError(f"there is no part {part} of {of}: give --part K/N with K from 1 to N")
    root, out, slim, cache, loaded = prepare(project, options)
    keys = cache if cache is not None else ShardKeys(root, BUNDLED, loaded)
    plan = plan_site(slim, options, keys)
    dealt = deal(shard_costs(plan), of)
    mine = set(dealt[part - 1])
    say = options.progress or (lambda _line: None)
    note = None if options.drafts else drafts_left_out(plan.left_out, "build")
    if note is not None:
        say(note)
    with working_folder(out) as work:
        folder = work / "part"
        tasks: list[tuple[ShardTask, str]] = []
        reused: list[str] = []
        for planned in plan.years:
            year = planned.version.year
            for (shard, _, weight), (_, key) in zip(
                planned.shards.shards, planned.keys, strict=True
            ):
                name = f"{year}/{shard.name}"
                if name not in mine:
                    continue
                target = folder / "shards" / year / shard.name
                cached = cache.fetch(year, shard.name, key) if cache is not None else None
                if cached is not None:
                    link_tree(cached, target)
                    reused.append(name)
                    continue
                task = ShardTask(planned.version, shard, target, weight, options.site_url)
                tasks.append((task, key))
        ordered = sorted((task for task, _ in tasks), key=lambda t: -t.weight)
        jobs = min(options.jobs or os.cpu_count() or 1, max(len(ordered), 1))
        say(
            f"part {part} of {of}: {len(ordered)} of {counted(len(mine), 'shard')} to build"
            + (f" in {counted(jobs, 'process', 'processes')}" if ordered else "")
            + f", {len(reused)} reused unchanged"
        )
        folder.mkdir(parents=True, exist_ok=True)
        pages = run_tasks(slim, root, work, plan.epoch, ordered, jobs, options.progress)
        if cache is not None:
            for task, key in tasks:
                cache.store(task.version.year, task.shard.name, key, task.out)
        manifest = {
            "format": FORMAT,
            "part": part,
            "of": of,
            "inputs": _inputs(plan, options),
            "versions": plan.versions,
            "latest": plan.latest,
            "epoch": plan.epoch,
            "search_by_area": project.settings.search == "area",
            "shards": {
                planned.version.year: [name for name, _ in planned.keys] for planned in plan.years
            },
            "dealt": dealt,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        publish(folder, out, work / "old")
    return PartReport(
        part,
        of,
        tuple(dealt[part - 1]),
        pages,
        tuple(f"{t.version.year}/{t.shard.name}" for t, _ in tasks),
        tuple(reused),
    )


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(
            f"{folder} is not a part of a build: it has no {MANIFEST} "
            "(make parts with `plans build --part K/N --out FOLDER`)"
        ) from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"{path} cannot be read as a part's manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BuildError(
            f"{path} was written by another version of partnership-plans: build every part "
            "and assemble them with the same version"
        )
    if not _well_formed(manifest):
        raise BuildError(f"{path} is damaged: build the part again")
    return manifest


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _well_formed(manifest: dict[str, Any]) -> bool:
    """The manifest holds what `build_part` writes, each value of its type, every shard's
    name a plain folder name."""
    of, part, shards, dealt = (manifest.get(k) for k in ("of", "part", "shards", "dealt"))
    names = [name for year in shards.values() for name in year] if isinstance(shards, dict) else []
    return (
        isinstance(of, int)
        and isinstance(part, int)
        and 1 <= part <= of
        and isinstance(manifest.get("inputs"), str)
        and _strings(manifest.get("versions"))
        and isinstance(manifest.get("latest"), str)
        and manifest["latest"] in manifest["versions"]
        and isinstance(manifest.get("epoch"), int)
        and isinstance(manifest.get("search_by_area"), bool)
        and isinstance(shards, dict)
        and list(shards) == manifest["versions"]
        and all(_strings(year) and year for year in shards.values())
        and all(_FOLDER.fullmatch(name) for name in [*shards, *names])
        and isinstance(dealt, list)
        and len(dealt) == of
        and all(_strings(names) for names in dealt)
        and sorted(n for names in dealt for n in names)
        == sorted(f"{year}/{name}" for year, year_names in shards.items() for name in year_names)
    )


def check_parts(folders: Sequence[Path]) -> tuple[dict[str, Any], dict[str, Path]]:
    """The manifest the parts share and, for each shard of the site (year/name), the folder it
    was built into; a BuildError naming what is missing or does not belong otherwise."""
    if not folders:
        raise BuildError("give the folder of every part of the build")
    manifests = [(folder, _read_manifest(folder)) for folder in folders]
    first_folder, first = manifests[0]
    by_part: dict[int, Path] = {}
    for folder, manifest in manifests:
        if manifest.get("of") != first["of"]:
            raise BuildError(
                f"{folder} is part {manifest.get('part')} of {manifest.get('of')}, but "
                f"{first_folder} is part {first['part']} of {first['of']}: give the parts of "
                "one build"
            )
        if manifest.get("inputs") != first["inputs"]:
            raise BuildError(
                f"{folder} was built from other inputs than {first_folder} (another commit, "
                "other options or another version of partnership-plans): build every part "
                "from the same commit"
            )
        number = int(manifest["part"])
        if number in by_part:
            raise BuildError(
                f"part {number} of {first['of']} is given twice: {by_part[number]} and {folder}"
            )
        by_part[number] = folder
    missing = [str(k) for k in range(1, first["of"] + 1) if k not in by_part]
    if missing:
        which = f"part {missing[0]} is" if len(missing) == 1 else f"parts {', '.join(missing)} are"
        raise BuildError(
            f"{which} missing of the {first['of']} parts of this build: give the folder of "
            f"every part, 1 to {first['of']}"
        )
    where: dict[str, Path] = {}
    for number, folder in sorted(by_part.items()):
        for name in first["dealt"][number - 1]:
            year, shard = name.split("/", 1)
            built = folder / "shards" / year / shard
            if not built.is_dir():
                raise BuildError(
                    f"{folder} lacks the shard {name} of part {number}: build the part again"
                )
            for hidden in (CROSS_ANCHORS, DOWNLOADS):
                if not (built / hidden).is_file():
                    raise BuildError(
                        f"{folder} lacks the file {hidden} of the shard {name}: copy the "
                        "part's hidden files too (an artifact upload needs include-hidden-files)"
                    )
            where[name] = built
    return first, where


def assemble(
    folders: Sequence[Path], out: Path, progress: Callable[[str], None] | None = None
) -> AssembleReport:
    """Join the parts of a build into the site and publish it atomically at `out` (a part
    missing, given twice or of another build: nothing is published)."""
    manifest, where = check_parts(folders)
    out = out if out.is_absolute() else (Path.cwd() / out)
    say = progress or (lambda _line: None)
    versions, latest = list(manifest["versions"]), str(manifest["latest"])
    parts = {
        year: [where[f"{year}/{name}"] for name in names]
        for year, names in manifest["shards"].items()
    }
    broken = []
    for year, year_parts in parts.items():
        broken += check_cross_anchors(year_parts, year.replace("-", "/"))
    if broken:
        raise BuildError("links to missing anchors:\n  " + "\n  ".join(broken))
    say(f"putting together {counted(len(parts), 'version')} from {counted(len(folders), 'part')}")
    with working_folder(out) as work:
        site = work / "site"
        site.mkdir()
        for year, year_parts in parts.items():
            areas = manifest["shards"][year] if manifest["search_by_area"] else None
            merge_version(year_parts, site / year, int(manifest["epoch"]), areas)
        write_versions(site, versions, latest)
        write_root(site, latest, parts[latest][0] / "404.html")
        write_aliases(site, latest, version_pages(parts[latest]))
        publish(site, out, work / "old")
    return AssembleReport(tuple(versions), latest, len(where), len(folders))
