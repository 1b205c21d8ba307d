"""The default theme: where templates are looked up (a project's own first, then the bundled
ones) and the compiled templates every build shares."""

from __future__ import annotations

from pathlib import Path

import jinja2

PACKAGE = Path(__file__).resolve().parents[1]
BUNDLED = PACKAGE / "bundled" if (PACKAGE / "bundled" / "theme").is_dir() else PACKAGE.parent
"""Where the default theme/ and mkdocs.yml are: inside the package when it was installed from
a wheel (the build copies them to `generator/bundled/`), else the checkout it runs from."""


BYTECODE = jinja2.FileSystemBytecodeCache()
"""Compiled templates shared by the parallel builds (a private per-user folder; Jinja checks
each entry against the template's source before using it)."""


def template_folders(theme: Path, kind: str, partnership: str | None = None) -> list[str]:
    """Where templates are looked up, first match wins: a partnership's own folder, the
    project's theme, then the bundled theme."""
    folders = [theme / kind, BUNDLED / "theme" / kind]
    if partnership:
        folders.insert(0, theme / "partnerships" / partnership)
    unique: list[str] = []
    for folder in folders:
        if str(folder) not in unique:
            unique.append(str(folder))
    return unique
