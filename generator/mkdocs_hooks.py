"""MkDocs hooks of every version build: the only place this project reaches into MkDocs.

Kept to one documented event (`on_page_content`) so that a successor builder can take over by
calling `generator.sanitize.sanitize_marked` on each page's HTML itself.
"""

from __future__ import annotations

from typing import Any

from generator.sanitize import sanitize_marked


def on_page_content(html: str, **_: Any) -> str:
    """Sanitise each page's rendered content with the allow-list before the theme wraps it,
    bracketed so the post-build scan knows the sanitiser's output (see generator.sanitize)."""
    return sanitize_marked(html)
