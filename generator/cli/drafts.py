"""What a site without --drafts leaves out, said to the person building it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from generator.problems import counted

_DRAFT = re.compile(r"""^status:[ \t]*["']?(draft|consultation)["']?[ \t]*(#.*)?$""", re.M)


def drafts_on_disk(project: Path) -> list[str]:
    """The plan years whose plan.yml says draft or consultation, read from the text alone (a
    hint before the first build, which reads and checks the files in full)."""
    found = []
    for plan in sorted(project.glob("plans/*/*/plan.yml")):
        try:
            text = plan.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _DRAFT.search(text):
            found.append(f"{plan.parent.parent.name} {plan.parent.name}")
    return found


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
