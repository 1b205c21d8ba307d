"""MkDocs hooks of every version build: the only place this project reaches into MkDocs.

Kept to two documented events so that a successor builder can take over: `on_page_content`
(call `generator.sanitize.sanitize_marked` on each page's HTML) and `on_env` (a speed-up only).
"""

from __future__ import annotations

from typing import Any

from generator.render import BYTECODE
from generator.sanitize import sanitize_marked


def on_page_content(html: str, **_: Any) -> str:
    """Sanitise each page's rendered content with the allow-list before the theme wraps it,
    bracketed so the post-build scan knows the sanitiser's output (see generator.sanitize)."""
    return sanitize_marked(html)


def on_env(env: Any, **_: Any) -> Any:
    """Compile the theme's templates once, not once per build: a national site is hundreds of
    shard builds, and compiling mkdocs-material's templates took most of a small one. Jinja
    checks each cached entry against its template's source before using it."""
    env.bytecode_cache = BYTECODE
    return env
