"""MkDocs hooks of every version build: the only place this project reaches into MkDocs.

Kept to four documented events so that a successor builder can take over: `on_page_content`
(call `generator.site.sanitize.sanitize_marked` on each page's HTML), `on_config` (the site's name
made safe to print; and, a speed-up, the search plugin's index divides pages into sections with
`generator.site.search_index`: the index it writes is the same), `on_template_context` (the 404
page links from the version's folder on its host) and `on_env` (a speed-up, and a filter).
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from material.plugins.search.plugin import SearchIndex
from mkdocs.plugins import event_priority
from mkdocs.utils import normalize_url

from generator.render.theme import BYTECODE
from generator.site.pdf import css_string
from generator.site.sanitize import sanitize_marked
from generator.site.search_index import FastSearchIndex


def on_page_content(html: str, **_: Any) -> str:
    """Sanitise each page's rendered content with the allow-list before the theme wraps it,
    bracketed so the post-build scan knows the sanitiser's output (see generator.site.sanitize)."""
    return sanitize_marked(html)


def on_env(env: Any, **_: Any) -> Any:
    """Compile the theme's templates once, not once per build: a national site is hundreds of
    shard builds, and compiling mkdocs-material's templates took most of a small one. Jinja
    checks each cached entry against its template's source before using it. Also gives the
    templates `css_string` (theme/overrides/main.html writes the printed pages' margins)."""
    env.bytecode_cache = BYTECODE
    env.filters["css_string"] = css_string
    return env


@event_priority(-100)  # after the search plugin's own on_config, which makes its index
def on_config(config: Any, **_: Any) -> Any:
    """Escape the site's name once, and give mkdocs-material's search plugin a
    `FastSearchIndex` in place of its own index: the same entries, without parsing every page
    with `html.parser` (a fifth of a page's build). The latter stands aside when the plugin is
    not there or its index is not the class this replaces."""
    # The site's name can come from data/settings.yml (free text from a pull request), and
    # mkdocs-material prints it unescaped in some places and escaped in others: escaped once
    # here, as Markup, it is shown as written in both (Jinja does not escape Markup again).
    config["site_name"] = escape(str(config["site_name"]))
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if plugin is not None and index is not None and type(index) is SearchIndex:
        plugin.search_index = FastSearchIndex(**index.config)
    return config


def on_template_context(context: Any, template_name: str, config: Any, **_: Any) -> Any:
    """The 404 page is served in place of any missing address, at any depth, so its links and
    assets are written from the host's root. MkDocs takes that root from `site_url`, or else
    the host's root, where a version is not: `extra.plans_version_path` (set by
    generator.site.config) is the version's own folder there."""
    base = (config.get("extra") or {}).get("plans_version_path")
    if template_name == "404.html" and base:
        context["base_url"] = base
        context["extra_css"] = [normalize_url(str(path), None, base) for path in config.extra_css]
        context["extra_javascript"] = [
            normalize_url(str(script), None, base) for script in config.extra_javascript
        ]
    return context
