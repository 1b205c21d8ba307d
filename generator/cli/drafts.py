"""What a site without --drafts leaves out, said to the person building it."""

from __future__ import annotations

import re
from pathlib import Path

from generator.site.options import drafts_left_out

__all__ = ["drafts_left_out", "drafts_on_disk"]

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
