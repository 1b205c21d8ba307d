"""Versions (financial years): which are published, how each is put together from its
shards or patched in place, and the version selector, `latest/` aliases and root redirect.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.model import Project
from generator.render import Downloads, opendata, publishable
from generator.render.zipped import Member, deflate, zipped
from generator.site.cache import link_file, link_tree
from generator.site.options import BuildError
from generator.site.search import joined_files


def versions_of(project: Project, drafts: bool) -> tuple[list[str], str]:
    """The years to publish, oldest first, and the latest approved one."""
    years = sorted({py.year for py in project.plan_years() if publishable(py, drafts)})
    if not years:
        raise BuildError("no plan year is approved or published; nothing to build (try --drafts)")
    approved = sorted({py.year for py in project.plan_years() if publishable(py, False)})
    return years, (approved[-1] if approved else years[-1])


CROSS_ANCHORS = ".plans-cross-anchors.json"
"""Kept in each built shard (and so in the cache), never published: see `cross_anchors`."""
DOWNLOADS = ".plans-downloads.json"
"""Kept in each built shard, never published: its share of the version's open-data archive
(`generator.render.Downloads`), which is zipped when the version is put together."""


def write_downloads(out: Path, downloads: Downloads) -> None:
    """Keep a built shard's share of the archive in its folder (`DOWNLOADS`), each file already
    deflated for the archive (`generator.render.zipped`)."""
    deflated = {}
    for entry, name in downloads.files.items():
        crc, size, stream = deflate((out / name).read_bytes())
        deflated[entry] = [crc, size, base64.b64encode(stream).decode("ascii")]
    record = {
        "files": downloads.files,
        "deflated": deflated,
        "newest": downloads.newest.isoformat() if downloads.newest is not None else None,
        "licence": downloads.licence.decode("utf-8") if downloads.licence is not None else None,
        "archive": downloads.archive,
    }
    (out / DOWNLOADS).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def downloads_archive(parts: list[Path]) -> tuple[str, bytes]:
    """The version's archive of every partnership's downloads (`opendata.archive`), zipped
    from each shard's share (the home shard first): its file in the version and its bytes,
    the same as the whole version's render makes."""
    members: dict[str, Member] = {}
    newest: date | None = None
    archive: str | None = None
    for part in parts:
        try:
            record = json.loads((part / DOWNLOADS).read_text(encoding="utf-8"))
            for entry in record["files"]:
                crc, size, stream = record["deflated"][entry]
                deflated = base64.b64decode(stream, validate=True)
                members[entry] = Member(int(crc), int(size), deflated)
            when = date.fromisoformat(record["newest"]) if record["newest"] else None
            if record["licence"] is not None:
                members[opendata.LICENCE_FILE] = deflate(record["licence"].encode("utf-8"))
                archive = str(record["archive"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BuildError(
                f"the built shard {part} has lost its downloads ({DOWNLOADS}: {exc}); build it "
                "again (plans build --no-cache)"
            ) from None
        newest = when if newest is None or (when is not None and when > newest) else newest
    if archive is None:
        raise BuildError(f"the home shard {parts[0]} does not name the archive of its downloads")
    return archive, zipped(members, newest)


def _page_file(version: Path, page: str) -> Path:
    stem = page.removesuffix(".md")
    folder = "" if stem == "index" else stem.removesuffix("/index")
    return version / folder / "index.html"


def check_cross_anchors(parts: list[Path], label: str) -> list[str]:
    """Every anchor a shard links to on another shard's page exists there (each page is in
    exactly one of a version's shards, as it will be in the version)."""
    problems = []
    owner = {name: part for part in parts for name in part_entries(part)}
    for part in parts:
        listed = part / CROSS_ANCHORS
        if not listed.is_file():
            continue
        for source, target, anchor in json.loads(listed.read_text(encoding="utf-8")):
            page = _page_file(Path(), target)  # in the shard that gives its top-level folder
            path = owner[page.parts[0]] / page if page.parts[0] in owner else None
            ids = f'id="{html.escape(anchor, quote=True)}"'
            if path is None or not path.is_file() or ids not in path.read_text(encoding="utf-8"):
                problems.append(
                    f"{label}: Doc file '{source}' contains a link '{target}#{anchor}', but the "
                    f"doc '{target}' does not contain an anchor '#{anchor}'."
                )
    return problems


_MERGED = ("search", "sitemap.xml", "sitemap.xml.gz", CROSS_ANCHORS, DOWNLOADS)


def part_entries(part: Path) -> list[str]:
    """The top-level files and folders a built shard gives its version as they are (its search
    index and sitemap are joined with the other shards' instead)."""
    return sorted(name for name in os.listdir(part) if name not in _MERGED)


def _link(source: Path, target: Path) -> None:
    if source.is_dir():
        link_tree(source, target)
    else:
        link_file(str(source), str(target))


def _write_joined(
    parts: list[Path], target: Path, epoch: int, areas: list[str] | None = None
) -> list[str]:
    """Write `joined_files` into `target`; their names."""
    joined = joined_files(parts, epoch, areas)
    archive, zipped = downloads_archive(parts)
    joined[archive] = zipped
    for name, data in joined.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a link into the home shard: replaced, not written through
        path.write_bytes(data)
    return list(joined)


def merge_version(
    parts: list[Path], target: Path, epoch: int, areas: list[str] | None = None
) -> None:
    """Put a version together from its shards (the home shard first): their folders, one
    search index holding every shard's entries, one sitemap listing every shard's pages.
    Files are hard-linked from the shards, and no linked file is ever written to."""
    target.mkdir(parents=True)
    for part in parts:
        for name in part_entries(part):
            _link(part / name, target / name)
    if (parts[0] / "search").is_dir():
        link_tree(parts[0] / "search", target / "search")  # the theme's search workers
    _write_joined(parts, target, epoch, areas)


@dataclass(frozen=True)
class Patch:
    """How to bring a published version up to date where it stands, when only some of its
    shards changed: take out what the changed shards gave it, move in what they give now and
    the joined files. Everything new is made beforehand in `stage`; publishing only renames."""

    stage: Path
    remove: tuple[str, ...]
    """Paths in the published version to take out."""
    replace: tuple[str, ...]
    """Paths in `stage` to move into the version (what stands there is taken out first)."""


def stage_patch(
    parts: list[Path],
    changed: set[int],
    published: Path,
    stage: Path,
    epoch: int,
    areas: list[str] | None = None,
) -> Patch:
    """The patch that turns the `published` folder of a version, put together from the same
    shards as `parts` except those numbered in `changed`, into the merge of `parts`."""
    stage.mkdir(parents=True)
    unchanged = {
        name for i, part in enumerate(parts) if i not in changed for name in part_entries(part)
    }
    replace: list[str] = []
    for i in sorted(changed):
        for name in part_entries(parts[i]):
            _link(parts[i] / name, stage / name)
            replace.append(name)
    if 0 in changed and (parts[0] / "search").is_dir():
        link_tree(parts[0] / "search", stage / "search")
        replace.append("search")
    joined = _write_joined(parts, stage, epoch, areas)
    for name in joined:
        if not name.startswith("search/") or "search" not in replace:
            replace.append(name)
    folders = {name.split("/", 1)[0] for name in joined if "/" in name}  # search/, data/
    remove = [
        name
        for name in sorted(os.listdir(published))
        if name not in unchanged and name not in replace and name not in folders | {"search"}
    ]
    return Patch(stage, tuple(remove), tuple(replace))


def version_pages(folders: Iterable[Path]) -> list[str]:
    """The folders of a version's pages (each an index.html), relative to the version."""
    pages: set[str] = set()
    for folder in folders:
        start = str(folder)
        for here, _, files in os.walk(start):
            if "index.html" in files:
                pages.add(here[len(start) :].strip(os.sep).replace(os.sep, "/"))
    return sorted(pages)


REDIRECT = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Redirecting to {label}</title>
<link rel="canonical" href="{target}">
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>This page has moved to <a href="{target}">{label}</a>.</p>
</body>
</html>
"""


def write_versions(site: Path, versions: list[str], latest: str) -> None:
    """versions.json as mkdocs-material's version selector reads it (the format mike writes)."""
    entries = [
        {
            "version": year,
            "title": year.replace("-", "/"),
            "aliases": ["latest"] if year == latest else [],
        }
        for year in sorted(versions, reverse=True)
    ]
    (site / "versions.json").write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")


def write_aliases(site: Path, latest: str, pages: list[str]) -> None:
    """`latest/…` redirects to the same page of the latest year (`pages`: its page folders,
    as `version_pages` gives them)."""
    label = latest.replace("-", "/")
    for page in pages:
        parts = page.split("/") if page else []
        target = "../" * (len(parts) + 1) + latest + "/" + "".join(f"{part}/" for part in parts)
        alias = site / "latest" / page / "index.html"
        alias.parent.mkdir(parents=True, exist_ok=True)
        alias.write_text(REDIRECT.format(target=target, label=label), encoding="utf-8")


def write_root(site: Path, latest: str, not_found: Path | None = None) -> None:
    """The site's root page: a redirect to `latest/`; and, given the latest version's 404 page
    (`not_found`), a copy of it as the site's own (its links are written from the host's root,
    so it works anywhere on the site)."""
    label = latest.replace("-", "/")
    (site / "index.html").write_text(
        REDIRECT.format(target=f"{latest}/", label=label), encoding="utf-8"
    )
    if not_found is not None and not_found.is_file():
        shutil.copyfile(not_found, site / "404.html")  # a new file: the version's is linked


def aliases_key(latest: str, pages: list[str]) -> str:
    """What `latest/` holds follows only from these: the latest year and its page folders."""
    return hashlib.sha256("\0".join([latest, *pages]).encode()).hexdigest()


def version_key(keys: list[tuple[str, str]]) -> str:
    """One version's key: its shards' names and cache keys, in order."""
    return hashlib.sha256("\0".join(f"{name}={key}" for name, key in keys).encode()).hexdigest()
