"""Which pages of a plan year a correction or variation changed, from the fields its
change-log entry names (`indicators[knife-crime].baseline` is on the performance page)."""

from __future__ import annotations

import re

from generator.model import PlanYear
from generator.model.review import Change

PAGE_OF_FILE = {
    "assessment": "assessment",
    "actions": "actions",
    "services": "services",
    "funding": "funding",
    "indicators": "performance",
    "risks": "risks",
    "review": "review",
}
PRIORITY_FIELDS = ("priorities", "selection", "not_adopted", "dropped")
_NAME = re.compile(r"(?P<file>[a-z]+)(?:\.(?P<field>[a-z_]+))?(?:[\[.]|$)")


def page_of(name: str) -> str:
    """The page a named field is shown on; the overview for anything else (words, plan.title)."""
    match = _NAME.match(name)
    if match is None:
        return "index"
    kind, field = match["file"], match["field"]
    if kind == "plan":
        return "priorities" if field in PRIORITY_FIELDS else "index"
    return PAGE_OF_FILE.get(kind, "index")


def changes_by_page(plan_year: PlanYear) -> dict[str, list[Change]]:
    """Each page's corrections and variations, oldest first; an entry naming no field is the
    overview's."""
    pages: dict[str, list[Change]] = {}
    for change in sorted(plan_year.changes.changes, key=lambda c: c.date):
        for page in dict.fromkeys(page_of(name) for name in change.fields or [""]):
            pages.setdefault(page, []).append(change)
    return pages
