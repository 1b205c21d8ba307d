"""The MkDocs configuration of every version: the project's mkdocs.yml (or the bundled
one), checked for unsafe extensions, plus what `plans build` adds to each version.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from generator.model import Project
from generator.model.reference import Privacy, Settings
from generator.render import (
    Version,
)
from generator.render.theme import BUNDLED
from generator.site.options import BuildError

VALIDATION = {
    "nav": {"omitted_files": "warn", "not_found": "warn", "absolute_links": "warn"},
    "links": {
        "not_found": "warn",
        "anchors": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
    },
}


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


SPEED_EXTENSIONS = ("generator.site.fast_inline", "generator.site.fast_tree")
"""Python-Markdown extensions every version lists after the project's own: they change how fast
pages convert, never what they convert to (tests/test_fast_inline.py, tests/test_fast_tree.py)."""


CAPTIONS_EXTENSION = "generator.site.captions"
"""Listed after the project's own extensions: every table gets a caption (its heading's text)."""


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


EXAMPLE_IDENTITY = ("site_name", "site_description", "copyright", "site_url")
"""Settings of the bundled mkdocs.yml that describe the example project, not the tool: a project
without an mkdocs.yml of its own takes the rest of it, and its name from data/settings.yml (and
no `site_url`: the example's address is not the project's)."""


def base_config(
    root: Path, settings: Settings | None = None, site_url: str | None = None
) -> dict[str, Any]:
    """The project's mkdocs.yml: the settings every version shares. A project without one gets
    the bundled one's settings, named by `settings` (its title) instead of after the bundled
    example. (A fictional project says so in a notice on its pages, not in the footer too.)"""
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
    if site_url is not None:
        config["site_url"] = site_url
    config["extra"] = private_extra(config.get("extra"), settings)
    if path != root / "mkdocs.yml":
        for key in EXAMPLE_IDENTITY:
            config.pop(key, None)
        if settings is not None:
            config["site_name"] = settings.title
    return config


THIRD_PARTY_EXTRA = {
    "analytics": "sends every visit to an analytics service on another host",
    "consent": "asks readers to accept cookies the site does not set",
}
"""mkdocs-material's `extra` settings for third-party analytics: refused, as the site loads
nothing from other hosts (and the post-build scan refuses the scripts they would add)."""


def private_extra(extra: Any, settings: Settings | None) -> dict[str, Any]:
    """mkdocs.yml's `extra`, private: no analytics, and mkdocs-material's external 'Made with'
    footer link only if data/settings.yml asks for it (`privacy.made_with_link`; the theme shows
    it unless `extra.generator` is false)."""
    kept = dict(extra) if isinstance(extra, dict) else {}
    refused = [name for name in THIRD_PARTY_EXTRA if name in kept]
    if refused:
        reasons = "; ".join(f"extra.{name} {THIRD_PARTY_EXTRA[name]}" for name in refused)
        raise BuildError(f"mkdocs.yml enables third-party analytics: {reasons}; remove them")
    privacy = settings.privacy if settings is not None else Privacy()
    kept["generator"] = privacy.made_with_link
    return kept


def version_path(site_url: str | None, year: str) -> str:
    """The path of a version's folder on its host: under `site_url`'s path when there is one,
    else at the host's root (as MkDocs assumes for its 404 page without a site_url)."""
    if site_url:
        return urlsplit(str(site_url)).path.rstrip("/") + "/"
    return f"/{year}/"


def version_config(
    root: Path, base: dict[str, Any], version: Version, docs: Path, out: Path, nav: list[Any]
) -> dict[str, Any]:
    """The generated MkDocs configuration of one version."""
    config = dict(base)
    theme = dict(config.get("theme") or {"name": "material"})
    if "custom_dir" in theme:
        theme["custom_dir"] = str((config_file(root).parent / theme["custom_dir"]).resolve())
    hooks = [*config.get("hooks", []), str(Path(__file__).with_name("hooks.py"))]
    extensions = [
        *(config.get("markdown_extensions") or []),
        CAPTIONS_EXTENSION,
        *SPEED_EXTENSIONS,
    ]
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
    config["extra"] = {
        **config["extra"],
        "version": {"provider": "mike", "default": "latest"},
        # for theme/overrides/main.html: page titles name the year before the site
        "plans_year": version.label,
        "plans_site_name": str(base.get("site_name", "Partnership plans")),
        # for hooks.on_template_context: where the version stands on its host, so that the
        # 404 page, served at any depth, links to its assets and pages from the host's root
        "plans_version_path": version_path(config.get("site_url"), version.year),
    }
    return config
