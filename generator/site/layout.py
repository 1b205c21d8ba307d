"""The site's layout: which versions it has, the latest, the build's date, and each version's
shards with the partnerships each one reads. Working it out types the plan, review, change
log and funding files of every year (1.5 s at 350 x 10), so it is kept beside the build cache
under a key of exactly those files, the reference data, the partnerships, the generator's code
and the build's options: a one-plan edit to anything else (actions, services, indicators,
risks, the assessment) finds it there. A test holds the layout to reading nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from generator import caches
from generator.model import Project
from generator.render import Shard, Version, newest_years, publishable, published_years
from generator.site.config import source_date_epoch
from generator.site.shards import plan_shards
from generator.site.versions import versions_of

LAYOUT = "layout.json"
FORMAT = "plans site layout 2"
KINDS = ("plan", "review", "changes", "funding")
"""The plan files the layout reads, of every year."""


@dataclass(frozen=True)
class ShardLayout:
    """One shard of a version: the partnerships whose plan files it reads (None: every one),
    its weight (plan years) and the years on the site of the partnerships it reads."""

    name: str
    areas: tuple[str, ...]
    reads: list[str] | None
    weight: int
    on_site: str

    @property
    def shard(self) -> Shard:
        return Shard(self.name, self.areas)


@dataclass(frozen=True)
class YearLayout:
    year: str
    structure: str
    """Which partnerships of which areas the version shows: every page's navigation."""
    shards: list[ShardLayout]


@dataclass(frozen=True)
class Layout:
    versions: list[str]
    latest: str
    epoch: int
    in_latest: list[str]
    """The partnerships with a plan on the site in the latest version."""
    newest: str
    """Each partnership's newest plan and review on the site (older pages point to them)."""
    years: list[YearLayout]
    left_out: list[str]
    """The plan years still in draft or consultation ("partnership year"): left out of a
    site without drafts."""


def years_on_site(project: Project, reads: list[str] | None, drafts: bool = False) -> str:
    """For a shard's key: the years on the site of the partnerships it reads (None: every one).
    A partnership's pages link to themselves in each of its years, later ones too, so a year
    added, published or withdrawn later rebuilds the earlier years' pages that list it (only
    which years are on the site enters the key, not what a later year holds)."""
    wanted = sorted(project.partnerships if reads is None else set(reads))
    return json.dumps([[pid, published_years(project, pid, drafts)] for pid in wanted])


def lay_out(project: Project, drafts: bool, pdf: bool) -> Layout:
    """The layout of the site of `project` (see the module's docstring)."""
    versions, latest = versions_of(project, drafts)
    in_latest = sorted(
        py.partnership
        for py in project.plan_years()
        if py.year == latest and publishable(py, drafts)
    )
    newest = newest_years(project, drafts)
    years = []
    for year in versions:
        plan = plan_shards(project, Version(year, latest, drafts, pdf))
        shards = [
            ShardLayout(
                shard.name, shard.areas, reads, weight, years_on_site(project, reads, drafts)
            )
            for shard, reads, weight in plan.shards
        ]
        years.append(YearLayout(year, plan.structure, shards))
    return Layout(
        versions,
        latest,
        source_date_epoch(project),
        in_latest,
        json.dumps([[pid, n.plan, n.review] for pid, n in sorted(newest.items())]),
        years,
        [
            f"{py.partnership} {py.year}"
            for py in project.plan_years()
            if py.plan.status in ("draft", "consultation")
        ],
    )


def layout_key(loaded: Mapping[str, bytes], drafts: bool, pdf: bool) -> str | None:
    """What the layout is made of: the generator's code, the build's options,
    SOURCE_DATE_EPOCH, and the hash of every file it reads (`loaded`: each project file's, by
    name); None when one of them is not known."""
    digest = hashlib.sha256(caches.code_key(FORMAT.encode(), caches.source_files(), caches.PACKAGE))
    digest.update(json.dumps([drafts, pdf, os.environ.get("SOURCE_DATE_EPOCH", "")]).encode())
    for name in sorted(loaded):
        parts = name.split("/")
        read = (
            parts[0] == "data"
            or (len(parts) == 3 and parts[2] == "partnership.yml")
            or (len(parts) == 4 and parts[3].removesuffix(".yml") in KINDS)
        )
        if read:
            if not loaded[name]:
                return None
            digest.update(name.encode() + b"\0" + loaded[name])
    return digest.hexdigest()


def kept_layout(
    project: Project,
    drafts: bool,
    pdf: bool,
    folder: Path | None,
    loaded: Mapping[str, bytes],
) -> Layout:
    """`lay_out`, answered from `folder` (the build cache's) when its key is the one kept
    there, and kept there otherwise; without a folder, always worked out."""
    key = layout_key(loaded, drafts, pdf) if folder is not None else None
    if folder is None or key is None:
        return lay_out(project, drafts, pdf)
    path = folder / LAYOUT
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept["key"] == key:
            return _from_json(kept["layout"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # worked out again, and kept
    layout = lay_out(project, drafts, pdf)
    text = json.dumps({"key": key, "layout": asdict(layout)}, sort_keys=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        caches.write_atomically(path, lambda file: file.write(text.encode("utf-8")))
    except OSError:
        pass  # an unwritable cache only makes the next build slower
    return layout


def _from_json(raw: Any) -> Layout:
    years = [
        YearLayout(
            str(year["year"]),
            str(year["structure"]),
            [
                ShardLayout(
                    str(shard["name"]),
                    tuple(str(area) for area in shard["areas"]),
                    None if shard["reads"] is None else [str(r) for r in shard["reads"]],
                    int(shard["weight"]),
                    str(shard["on_site"]),
                )
                for shard in year["shards"]
            ],
        )
        for year in raw["years"]
    ]
    return Layout(
        [str(v) for v in raw["versions"]],
        str(raw["latest"]),
        int(raw["epoch"]),
        [str(p) for p in raw["in_latest"]],
        str(raw["newest"]),
        years,
        [str(p) for p in raw["left_out"]],
    )
