"""Stage 6, site: one MkDocs build per financial year, a version selector, and an atomic publish.

Each version is rendered to Markdown in a scratch folder and built by MkDocs with a generated
configuration (the project's `mkdocs.yml` plus docs_dir, site_dir, nav and strict validation).
Everything is built into a temporary folder beside the output; only when every version has built
and passed its checks is the old site swapped out. A failed build leaves the old site untouched.
"""

from __future__ import annotations

import dataclasses
import gc
import gzip
import hashlib
import html
import io
import json
import logging
import multiprocessing
import os
import posixpath
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import yaml

from generator.cache import BuildCache, link_file, link_tree
from generator.model import Project
from generator.model.reference import Settings
from generator.problems import PlansError
from generator.render import (
    BUNDLED,
    HOME,
    RenderedVersion,
    Renderer,
    Shard,
    Version,
    nav_pages,
    newest_years,
    opendata,
    publishable,
    render_version,
)
from generator.sanitize import scan_site

LOG = logging.getLogger("plans")
START_METHODS = multiprocessing.get_all_start_methods()
VALIDATION = {
    "nav": {"omitted_files": "warn", "not_found": "warn", "absolute_links": "warn"},
    "links": {
        "not_found": "warn",
        "anchors": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
    },
}


class BuildError(PlansError):
    """The site could not be built; the previous site is left as it was."""


@dataclass(frozen=True)
class BuildOptions:
    """What to build and where."""

    root: Path
    out: Path
    drafts: bool = False
    jobs: int = 0
    cache: Path | None = None
    """Where built versions are kept for reuse; None builds everything afresh."""
    progress: Callable[[str], None] | None = dataclasses.field(default=None, compare=False)
    """Told, a line at a time, how the build is going (a national build takes minutes)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    versions: tuple[str, ...]
    latest: str
    pages: int
    built: tuple[str, ...] = ()
    reused: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Versions taken over whole from the published site (their shards are in `reused`)."""
    patched: tuple[str, ...] = ()
    """Versions brought up to date where they stood in the published site: only what their
    changed shards gave them was replaced."""


def versions_of(project: Project, drafts: bool) -> tuple[list[str], str]:
    """The years to publish, oldest first, and the latest approved one."""
    years = sorted({py.year for py in project.plan_years() if publishable(py, drafts)})
    if not years:
        raise BuildError("no plan year is approved or published; nothing to build (try --drafts)")
    approved = sorted({py.year for py in project.plan_years() if publishable(py, False)})
    return years, (approved[-1] if approved else years[-1])


def source_date_epoch(project: Project) -> int:
    """SOURCE_DATE_EPOCH if set, else the newest date in the data: builds never depend on 'now'."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    days: list[date] = []
    for py in project.plan_years():
        plan = py.plan
        days.extend(m.date for m in plan.meetings)
        if plan.approval:
            days.append(plan.approval.date)
        days.extend(c.date for c in py.changes.changes)
        if py.review and py.review.approved:
            days.append(py.review.approved)
    newest = max(days) if days else date(2000, 1, 1)
    return int(datetime(newest.year, newest.month, newest.day, tzinfo=UTC).timestamp())


def config_file(root: Path) -> Path:
    """The project's mkdocs.yml, or the bundled one when the project has none."""
    path = root / "mkdocs.yml"
    return path if path.is_file() else BUNDLED / "mkdocs.yml"


SPEED_EXTENSIONS = ("generator.fast_inline", "generator.fast_tree")
"""Python-Markdown extensions every version lists after the project's own: they change how fast
pages convert, never what they convert to (tests/test_fast_inline.py, tests/test_fast_tree.py)."""

UNSAFE_EXTENSIONS = {
    "attr_list": "lets text set HTML attributes",
    "md_in_html": "passes HTML through",
    "pymdownx.snippets": "lets text include files from the checkout",
    "pymdownx.blocks.html": "passes HTML through",
    "markdown_include.include": "lets text include files",
    "pymdownx.arithmatex": "runs scripts",
}


def _extension_names(config: dict[str, Any]) -> list[str]:
    names: list[Any] = []
    for item in config.get("markdown_extensions") or []:
        names.extend(item if isinstance(item, dict) else [item])
    return [str(name) for name in names]


EXAMPLE_IDENTITY = ("site_name", "site_description", "copyright")
"""Settings of the bundled mkdocs.yml that describe the example project, not the tool: a project
without an mkdocs.yml of its own takes the rest of it, and its name from data/settings.yml."""
FICTIONAL_COPYRIGHT = "All partnerships, people and organisations on this site are fictional."


def base_config(root: Path, settings: Settings | None = None) -> dict[str, Any]:
    """The project's mkdocs.yml: the settings every version shares. A project without one gets
    the bundled one's settings, named by `settings` (its title; with `fictional`, a footer that
    says so) instead of after the bundled example."""
    path = config_file(root)
    if not path.is_file():
        raise BuildError(f"mkdocs.yml is missing from {root}")
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise BuildError(f"mkdocs.yml cannot be read: {exc}") from None
    if not isinstance(config, dict):
        raise BuildError("mkdocs.yml must be a mapping of settings")
    unsafe = [name for name in _extension_names(config) if name in UNSAFE_EXTENSIONS]
    if unsafe:
        reasons = "; ".join(f"{name} {UNSAFE_EXTENSIONS[name]}" for name in unsafe)
        raise BuildError(f"mkdocs.yml enables unsafe Markdown extensions: {reasons}; remove them")
    if path != root / "mkdocs.yml":
        for key in EXAMPLE_IDENTITY:
            config.pop(key, None)
        if settings is not None:
            config["site_name"] = settings.title
            if settings.fictional:
                config["copyright"] = FICTIONAL_COPYRIGHT
    return config


def version_config(
    root: Path, base: dict[str, Any], version: Version, docs: Path, out: Path, nav: list[Any]
) -> dict[str, Any]:
    """The generated MkDocs configuration of one version."""
    config = dict(base)
    theme = dict(config.get("theme") or {"name": "material"})
    if "custom_dir" in theme:
        theme["custom_dir"] = str((config_file(root).parent / theme["custom_dir"]).resolve())
    hooks = [*config.get("hooks", []), str(Path(__file__).with_name("mkdocs_hooks.py"))]
    extensions = [*(config.get("markdown_extensions") or []), *SPEED_EXTENSIONS]
    config.update(
        hooks=hooks,
        markdown_extensions=extensions,
        site_name=f"{base.get('site_name', 'Partnership plans')} — {version.label}",
        docs_dir=str(docs),
        site_dir=str(out),
        nav=nav,
        theme=theme,
        strict=True,
        validation=VALIDATION,
        use_directory_urls=True,
    )
    if config.get("site_url"):
        config["site_url"] = str(config["site_url"]).rstrip("/") + f"/{version.year}/"
    config.setdefault("extra", {})
    config["extra"] = {**config["extra"], "version": {"provider": "mike", "default": "latest"}}
    return config


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


def shard_docs(rendered: RenderedVersion) -> ShardDocs:
    """The docs folder MkDocs builds for one shard (see ShardDocs)."""
    everything = rendered.nav_pages
    own = {name for name in rendered.files if name.endswith(".md")}
    keep = set(own) | {"index.md", "accessibility.md"}
    for index, page in enumerate(everything):
        if page in own:
            keep.update(everything[max(index - 1, 0) : index + 2])  # rel=prev and rel=next
    nav = shard_nav(rendered.nav, keep)
    elsewhere = (set(everything) | set(opendata.schema_files())) - own
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


def build_shard(project: Project, root: Path, task: ShardTask, scratch: Path, epoch: int) -> int:
    """Render one shard and build it with MkDocs into `task.out`: the folders it contributes to
    the version, its search entries and its sitemap. Returns its page count."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    version, shard, out = task.version, task.shard, task.out
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    rendered = render_version(project, root / "theme", version, shard)
    docs = scratch / "docs"
    shard_folder = shard_docs(rendered)
    files = shard_folder.files
    if shard.home:
        for assets in (BUNDLED / "theme" / "assets", root / "theme" / "assets"):  # project's win
            if assets.is_dir():
                for path in sorted(assets.rglob("*")):
                    if path.is_file():
                        files[f"assets/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    write_files(docs, files)
    config = version_config(
        root, base_config(root, project.settings), version, docs, out, shard_folder.nav
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
    return sum(1 for name in rendered.files if name.endswith(".md"))


CROSS_ANCHORS = ".plans-cross-anchors.json"
"""Kept in each built shard (and so in the cache), never published: see `cross_anchors`."""


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


_SITEMAP_URL = re.compile(r"<url>.*?</url>", re.DOTALL)
_MERGED = ("search", "sitemap.xml", "sitemap.xml.gz", CROSS_ANCHORS)
SEARCH_INDEX = "search/search_index.json"


def part_entries(part: Path) -> list[str]:
    """The top-level files and folders a built shard gives its version as they are (its search
    index and sitemap are joined with the other shards' instead)."""
    return sorted(name for name in os.listdir(part) if name not in _MERGED)


def _link(source: Path, target: Path) -> None:
    if source.is_dir():
        link_tree(source, target)
    else:
        link_file(str(source), str(target))


def area_index(area: str) -> str:
    """Where the search index of a shard's pages (an area's, or the home pages': `_home`)
    stands in its version (settings `search: area`); the shard's configuration names it to its
    pages (`extra.plans_search_index`)."""
    return f"search/areas/{area}.json"


def joined_files(parts: list[Path], epoch: int, areas: list[str] | None = None) -> dict[str, bytes]:
    """The files of a version made from every shard's (the home shard first): one search index
    holding every shard's entries, one sitemap listing every shard's pages (each only if the
    home shard has one).

    With `areas` (the shards' names, for settings `search: area`), also one index per shard:
    every entry of its own pages and of the home pages, and each other page of the version by
    its title alone (its first entry, without text). No page loads the whole index then."""
    config: dict[str, Any] = {}
    urls: list[str] = []
    per_part: list[list[Any]] = []
    for part in parts:
        index = part / SEARCH_INDEX
        docs: list[Any] = []
        if index.is_file():
            data = json.loads(index.read_text(encoding="utf-8"))
            config = config or data.get("config", {})
            docs = data.get("docs", [])
        per_part.append(docs)
        sitemap = part / "sitemap.xml"
        if sitemap.is_file():
            urls.extend(_SITEMAP_URL.findall(sitemap.read_text(encoding="utf-8")))
    files: dict[str, bytes] = {}
    home = parts[0]
    if (home / "search").is_dir():
        # Each part's entries are written out once and the indexes put together from the
        # pieces: the same bytes as json.dumps of each index whole, without writing a national
        # year's 45 area indexes (55 MB) entry by entry again.
        written = _compact_json(config)
        own = [_compact_json(docs)[1:-1] for docs in per_part]
        files[SEARCH_INDEX] = _search_index(written, own)
        if areas is not None:
            titles = [_compact_json(page_titles(docs))[1:-1] for docs in per_part]
            for mine, area in enumerate(areas):  # the home shard's too: its own and titles
                pieces = [own[0], own[mine] if mine else ""]
                pieces += [text for other, text in enumerate(titles) if other not in (0, mine)]
                files[area_index(area)] = _search_index(written, pieces)
    if (home / "sitemap.xml").is_file():
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"    {url}\n" for url in urls)
            + "</urlset>"
        ).encode("utf-8")
        files["sitemap.xml"] = xml
        packed_home = home / "sitemap.xml.gz"
        mtime = (  # the date MkDocs gave the home shard's (it keeps the day of the build date)
            int.from_bytes(packed_home.read_bytes()[4:8], "little")
            if packed_home.is_file()
            else epoch
        )
        packed = io.BytesIO()
        with gzip.GzipFile(filename="sitemap.xml", fileobj=packed, mode="wb", mtime=mtime) as gz:
            gz.write(xml)
        files["sitemap.xml.gz"] = packed.getvalue()
    return files


def page_titles(docs: list[Any]) -> list[Any]:
    """A shard's search entries of whole pages (not sections), without their text."""
    return [{**doc, "text": ""} for doc in docs if "#" not in doc["location"]]


def _compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _search_index(config: str, pieces: list[str]) -> bytes:
    """A search index file from its configuration and its entries' pieces (each entries
    written out compactly, without their list's brackets; empty ones are left out)."""
    docs = ",".join(piece for piece in pieces if piece)
    return f'{{"config":{config},"docs":[{docs}]}}'.encode()


def _write_joined(
    parts: list[Path], target: Path, epoch: int, areas: list[str] | None = None
) -> list[str]:
    """Write `joined_files` into `target`; their names."""
    joined = joined_files(parts, epoch, areas)
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
    for name in _write_joined(parts, stage, epoch, areas):
        if not name.startswith("search/") or "search" not in replace:
            replace.append(name)
    remove = [
        name
        for name in sorted(os.listdir(published))
        if name not in unchanged and name not in replace and name != "search"
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


REDIRECT = """<!doctype html>
<html lang="en">
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


def write_root(site: Path, latest: str) -> None:
    """The site's root page: a redirect to `latest/`."""
    label = latest.replace("-", "/")
    (site / "index.html").write_text(
        REDIRECT.format(target=f"{latest}/", label=label), encoding="utf-8"
    )


def aliases_key(latest: str, pages: list[str]) -> str:
    """What `latest/` holds follows only from these: the latest year and its page folders."""
    return hashlib.sha256("\0".join([latest, *pages]).encode()).hexdigest()


def publish(
    built: Path, out: Path, kept: Iterable[str] = (), patches: Mapping[str, Patch] | None = None
) -> None:
    """Swap the freshly built site into place, moving the `kept` folders (versions, `latest`)
    over from the old site first and bringing the `patches`' versions up to date there (by
    renames alone); the rest of the old site goes only after the new one is in. On any
    failure every rename is undone and the old site is put back as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    patches = patches or {}
    old = None
    done: list[tuple[Path, Path]] = []

    def move(source: Path, target: Path) -> None:
        os.replace(source, target)
        done.append((source, target))

    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.replace(out, old / "site")
    try:
        for name in [*kept, *patches]:
            if old is None:
                raise BuildError(f"{name} was to be kept, but {out} has gone")
            move(old / "site" / name, built / name)
        for name, patch in patches.items():
            version, trash = built / name, cast(Path, old) / "trash" / name
            for path in (*patch.remove, *patch.replace):
                if os.path.lexists(version / path):
                    (trash / path).parent.mkdir(parents=True, exist_ok=True)
                    move(version / path, trash / path)
            for path in patch.replace:
                move(patch.stage / path, version / path)
        os.replace(built, out)
    except BaseException:
        for source, target in reversed(done):
            os.replace(target, source)
        if old is not None:
            os.replace(old / "site", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class ShardPlan:
    """The shards of one version and what each one's pages read."""

    structure: str
    """Which partnerships of which areas the version shows: every page's navigation."""
    shards: list[tuple[Shard, list[str] | None, int]]
    """Each shard, the partnerships whose plan files it reads (None: every one, as the home
    pages list them all), and its weight (plan years) for scheduling."""


def plan_shards(project: Project, root: Path, version: Version) -> ShardPlan:
    """How a version is split: the home pages, then one shard per area. An area's pages read
    its partnerships' files and those of the owners of formulas that fund them."""
    renderer = Renderer(project, root / "theme", version)
    owners = {
        formula.id: py.partnership
        for py in project.plan_years()
        if py.year == version.year
        for formula in py.funding.formulas
    }
    areas = renderer.areas_in_version()
    structure = json.dumps([[area, [py.partnership for py in pys]] for area, pys in areas])
    shards: list[tuple[Shard, list[str] | None, int]] = [(HOME, None, 0)]
    for area, pys in areas:
        reads = {py.partnership for py in pys}
        for py in pys:
            reads.update(owners[a.formula] for a in py.funding.allocations if a.formula in owners)
        reads.update(owner for owner, _ in renderer.area_formula_owners(area))
        shards.append((Shard(area, (area,)), sorted(reads), len(pys)))
    return ShardPlan(structure, shards)


def version_key(keys: list[tuple[str, str]]) -> str:
    """One version's key: its shards' names and cache keys, in order."""
    return hashlib.sha256("\0".join(f"{name}={key}" for name, key in keys).encode()).hexdigest()


def build_site(project: Project, options: BuildOptions) -> BuildReport:
    """Build every version, shard by shard, and publish the site atomically at `options.out`.

    With the cache on, a version whose shards would all be reused, and which the published
    site already holds under the same key, is taken over from the published site as it is:
    neither merged again nor deleted and rewritten."""
    root = options.root.resolve()
    out = options.out if options.out.is_absolute() else (Path.cwd() / options.out)
    versions, latest = versions_of(project, options.drafts)
    epoch = source_date_epoch(project)
    slim = dataclasses.replace(project, documents={})  # positions are not needed to render
    loaded = {name: document.digest for name, document in project.documents.items()}
    cache = BuildCache(options.cache, root, BUNDLED, loaded) if options.cache else None
    published = cache.published(out) if cache is not None else {}
    in_latest = sorted(
        py.partnership
        for py in project.plan_years()
        if py.year == latest and publishable(py, options.drafts)
    )
    # the notices of older pages point at each partnership's newest plan and review (later years)
    newest = newest_years(project, options.drafts)
    newest_key = json.dumps([[pid, n.plan, n.review] for pid, n in sorted(newest.items())])
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        parts: dict[str, list[Path]] = {}
        names: dict[str, list[str]] = {}  # each part's shard
        changed: dict[str, set[int]] = {}
        tasks: list[tuple[ShardTask, str]] = []
        reused: list[str] = []
        manifest: dict[str, tuple[str, dict[str, str]]] = {}
        for year in versions:
            version = Version(year, latest, options.drafts)
            plan = plan_shards(slim, root, version)
            options_key = [
                latest,
                str(options.drafts),
                str(epoch),
                *in_latest,
                plan.structure,
                newest_key,
            ]
            keys = [
                (shard.name, cache.key(year, [shard.name, *options_key], reads) if cache else "")
                for shard, reads, _ in plan.shards
            ]
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
                task = ShardTask(version, shard, work / "shards" / year / shard.name, weight)
                parts[year].append(task.out)
                tasks.append((task, key))
            if not same_shards or len(changed[year]) == len(keys):
                del changed[year]  # put together afresh
        ordered = sorted((task for task, _ in tasks), key=lambda t: -t.weight)
        jobs = min(options.jobs or os.cpu_count() or 1, max(len(ordered), 1))
        say = options.progress or (lambda _line: None)
        say(
            f"{len(ordered)} of {len(ordered) + len(reused)} shard(s) to build"
            + (f" in {jobs} process(es)" if ordered else "")
            + f", {len(reused)} reused unchanged"
        )
        pages = run_tasks(slim, root, work, epoch, ordered, jobs, options.progress)
        broken = []
        for year, year_parts in parts.items():
            broken += check_cross_anchors(year_parts, year.replace("-", "/"))
        if broken:
            raise BuildError("links to missing anchors:\n  " + "\n  ".join(broken))
        site = work / "site"
        site.mkdir()
        if parts:
            say(f"putting together {len(parts)} version(s), then publishing")
        patches = {}
        for year, year_parts in parts.items():
            areas = names[year] if project.settings.search == "area" else None
            if year in changed:
                stage = work / "stage" / year
                patches[year] = stage_patch(
                    year_parts, changed[year], out / year, stage, epoch, areas
                )
            else:
                merge_version(year_parts, site / year, epoch, areas)
        kept = [year for year in versions if year not in parts]
        write_versions(site, versions, latest)
        write_root(site, latest)
        latest_pages = version_pages(parts.get(latest) or [out / latest])
        folders = dict(manifest)
        folders["latest"] = (aliases_key(latest, latest_pages), {})
        aliases = ["latest"] if published.get("latest") == folders["latest"] else []
        if not aliases:
            write_aliases(site, latest, latest_pages)
        if cache is not None:
            for task, key in tasks:
                cache.store(task.version.year, task.shard.name, key, task.out)
        publish(site, out, [*kept, *aliases], patches)
        if cache is not None:
            cache.record_published(out, folders)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    built = tuple(f"{t.version.year}/{t.shard.name}" for t, _ in tasks)
    return BuildReport(
        tuple(versions), latest, pages, built, tuple(reused), tuple(kept), tuple(patches)
    )


def run_tasks(
    project: Project,
    root: Path,
    work: Path,
    epoch: int,
    tasks: list[ShardTask],
    jobs: int,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Build the shards, in worker processes when there is more than one job; total pages.

    `progress` hears of finished shards: each one up to 50, else about every fiftieth."""
    step = max(1, len(tasks) // 50)
    started = time.perf_counter()

    def finished(done: int, task: ShardTask, pages: int) -> None:
        if progress is not None and (done % step == 0 or done == len(tasks)):
            where = f"{task.version.year}/{task.shard.name}"
            elapsed = time.perf_counter() - started
            progress(f"[{done}/{len(tasks)}] built {where} ({pages} page(s)); {elapsed:.0f} s")

    if jobs <= 1:
        _init_worker(project, root, work, epoch)
        total = 0
        for done, task in enumerate(tasks, 1):
            total += (pages := _build_task(task))
            finished(done, task, pages)
        return total
    context = multiprocessing.get_context("fork" if "fork" in START_METHODS else "spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_init_process,
        initargs=(project, root, work, epoch),
    ) as pool:
        futures = {pool.submit(_build_task, task): task for task in tasks}  # longest first
        total = 0
        for done, future in enumerate(as_completed(futures), 1):
            total += (pages := future.result())
            finished(done, futures[future], pages)
        return total
