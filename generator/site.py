"""Stage 6, site: one MkDocs build per financial year, a version selector, and an atomic publish.

Each version is rendered to Markdown in a scratch folder and built by MkDocs with a generated
configuration (the project's `mkdocs.yml` plus docs_dir, site_dir, nav and strict validation).
Everything is built into a temporary folder beside the output; only when every version has built
and passed its checks is the old site swapped out. A failed build leaves the old site untouched.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.cache import BuildCache
from generator.model import Project
from generator.problems import PlansError
from generator.render import BUNDLED, Version, publishable, render_version
from generator.sanitize import scan_site

LOG = logging.getLogger("plans")
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


@dataclass(frozen=True)
class BuildReport:
    """What a build produced."""

    versions: tuple[str, ...]
    latest: str
    pages: int
    built: tuple[str, ...] = ()
    reused: tuple[str, ...] = ()


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


def base_config(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml: the settings every version shares."""
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
    config.update(
        hooks=hooks,
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


def build_version(
    project: Project, root: Path, version: Version, scratch: Path, out: Path, epoch: int
) -> int:
    """Render one version and build it with MkDocs into `out`; returns the page count."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    rendered = render_version(project, root / "theme", version)
    docs = scratch / "docs"
    files = dict(rendered.files)
    for assets in (BUNDLED / "theme" / "assets", root / "theme" / "assets"):  # project's win
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file():
                    files[f"assets/{path.relative_to(assets).as_posix()}"] = path.read_bytes()
    write_files(docs, files)
    config = version_config(root, base_config(root), version, docs, out, rendered.nav)
    config_path = scratch / "mkdocs.yml"
    config_path.write_text(
        yaml.safe_dump(config, sort_keys=True, allow_unicode=True), encoding="utf-8"
    )
    with _mkdocs_warnings() as warnings:
        try:
            build(load_config(config_file=str(config_path), strict=True))
        except (MkDocsException, SystemExit, OSError, ValueError) as exc:
            detail = "\n  ".join(warnings.messages) or str(exc)
            raise BuildError(f"MkDocs could not build {version.label}:\n  {detail}") from None
    problems = third_party_references(out)
    if problems:
        raise BuildError(f"{version.label} loads from other hosts:\n  " + "\n  ".join(problems))
    unsafe = scan_site(out)
    if unsafe:
        raise BuildError(
            f"{version.label} failed the safety scan of built pages:\n  " + "\n  ".join(unsafe)
        )
    return sum(1 for name in files if name.endswith(".md"))


_RESOURCE = re.compile(  # browsers read a backslash as a slash in a URL
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?[/\\]{2}"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?[/\\]{2}[^>]*>"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?[/\\]{2}"
    r"|url\(\s*[\"']?(?:https?:)?[/\\]{2}",
    re.IGNORECASE,
)


def third_party_references(site: Path) -> list[str]:
    """Places where a built page or stylesheet would load something from another host."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _RESOURCE.finditer(text):
            snippet = match.group(0)
            if snippet.lower().startswith("<link") and 'rel="canonical"' in snippet:
                continue
            found.append(f"{path.relative_to(site).as_posix()}: {snippet[:80]}")
    return found


def _build_one(args: tuple[Project, Path, Version, Path, int]) -> int:
    project, root, version, work, epoch = args
    scratch = work / "scratch" / version.year
    out = work / "site" / version.year
    return build_version(project, root, version, scratch, out, epoch)


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


def write_aliases(site: Path, latest: str) -> None:
    """`latest/…` redirects to the same page of the latest year, and the root to `latest/`."""
    label = latest.replace("-", "/")
    version_dir = site / latest
    for page in sorted(version_dir.rglob("index.html")):
        relative = page.parent.relative_to(version_dir)
        depth = len(relative.parts) + 1
        target = (
            "../" * depth
            + latest
            + "/"
            + ("/".join(relative.parts) + "/" if relative.parts else "")
        )
        alias = site / "latest" / relative / "index.html"
        alias.parent.mkdir(parents=True, exist_ok=True)
        alias.write_text(REDIRECT.format(target=target, label=label), encoding="utf-8")
    (site / "index.html").write_text(
        REDIRECT.format(target=f"{latest}/", label=label), encoding="utf-8"
    )


def publish(built: Path, out: Path) -> None:
    """Swap the freshly built site into place; the old one goes only after the new one is in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.replace(out, old / "site")
    try:
        os.replace(built, out)
    except OSError:
        if old is not None:
            os.replace(old / "site", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def build_site(project: Project, options: BuildOptions) -> BuildReport:
    """Build every version and publish the site atomically at `options.out`."""
    root = options.root.resolve()
    out = options.out if options.out.is_absolute() else (Path.cwd() / options.out)
    versions, latest = versions_of(project, options.drafts)
    epoch = source_date_epoch(project)
    slim = dataclasses.replace(project, documents={})  # positions are not needed to render
    cache = BuildCache(options.cache, root, BUNDLED) if options.cache else None
    in_latest = sorted(
        py.partnership
        for py in project.plan_years()
        if py.year == latest and publishable(py, options.drafts)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        keys = {
            year: cache.key(year, [latest, str(options.drafts), str(epoch), *in_latest])
            for year in versions
            if cache is not None
        }
        reused = [
            year
            for year in versions
            if cache is not None and cache.fetch(year, keys[year], work / "site" / year)
        ]
        todo = [year for year in versions if year not in reused]
        tasks = [(slim, root, Version(year, latest, options.drafts), work, epoch) for year in todo]
        jobs = min(options.jobs or os.cpu_count() or 1, max(len(tasks), 1))
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                pages = list(pool.map(_build_one, tasks))
        else:
            pages = [_build_one(task) for task in tasks]
        site = work / "site"
        write_versions(site, versions, latest)
        write_aliases(site, latest)
        if cache is not None:
            for year in todo:
                cache.store(year, keys[year], site / year)
        publish(site, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildReport(tuple(versions), latest, sum(pages), tuple(todo), tuple(reused))
