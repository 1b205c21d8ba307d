"""What a build is asked to do, what it reports, and how it fails."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.problems import PlansError, counted


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
    site_url: str | None = None
    """The address the site is served from, in place of mkdocs.yml's `site_url` (`plans serve`
    gives its own, so that pages such as 404.html, which link from the site's root, work)."""
    pdf: bool = False
    """Also print each partnership-year as one PDF (generator/site/pdf.py), linked from its
    overview; needs Chromium."""
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


def drafts_left_out(years: Sequence[str], command: str) -> str | None:
    """The line saying which plan years a site without --drafts leaves out, and how to see them:
    a new user who sets a plan's status to draft otherwise finds its pages gone."""
    if not years:
        return None
    shown = ", ".join(years[:3]) + (f" and {len(years) - 3} more" if len(years) > 3 else "")
    one = len(years) == 1
    return (
        f"{counted(len(years), 'draft plan year')} left out ({shown}): plans {command} --drafts "
        f"shows {'it' if one else 'them'}, marked as {'a draft' if one else 'drafts'}"
    )
