"""What the pages say, rendered from small edits of the minimal project: the figures a source
published, the notices at the top of a page, and what a plan year declares it never published."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.pipeline import check_project
from generator.render import Version, render_version
from generator.site import versions_of

if TYPE_CHECKING:
    from tests.conftest import Tree

THEME = Path(__file__).resolve().parents[1] / "theme"
FEN = "plans/fenwick-csp/"


def pages(tree: Tree, drafts: bool = False) -> dict[str, str]:
    """Every Markdown page of every version of the project: `<year>/<path>` to its text."""
    project, problems = check_project(tree.root)
    assert project is not None and not [p for p in problems if p.severity.name == "ERROR"]
    versions, latest = versions_of(project, drafts)
    found: dict[str, str] = {}
    for year in versions:
        files = render_version(project, THEME, Version(year, latest, drafts)).files
        for name, data in files.items():
            if name.endswith(".md"):
                found[f"{year}/{name}"] = data.decode("utf-8")
    return found


def banner(page: str) -> str:
    """The text of the page's version notice (the blue one), or "" when it has none."""
    start = page.find('<div class="banner banner-old"')
    return "" if start < 0 else page[start : page.index("</div>", start)]


# --- the needs assessment's figures --------------------------------------------------------------


def test_a_published_change_shows_when_the_source_gives_no_count(tree: Tree) -> None:
    """A source that prints only the change on the year before (−6.5 %) has it shown, not "—"."""
    tree.edit(
        f"{FEN}2025-26/assessment.yml",
        "findings:",
        "statistics:\n"
        "  - category: shoplifting\n    period: year to March 2025\n    change_percent: -6.5\n"
        "  - category: burglary\n    period: year to March 2025\n    change_percent: 13.2\n"
        "    rate_per_1000: 2.1\n"
        "findings:",
    )
    page = pages(tree)["2025-26/fenwick-csp/assessment.md"]
    assert "| Shoplifting | year to March 2025 | — | — | -6.5% | Down | — |" in page
    assert "| Burglary | year to March 2025 | — | — | +13.2% | Up | 2.1 |" in page


# --- recommendations not adopted ----------------------------------------------------------------


def test_a_recommendation_partly_adopted_is_not_shown_as_not_adopted(tree: Tree) -> None:
    """A recommendation a priority cites was listed as "Not adopted": partly adopted says so,
    and names the priority that takes up its part."""
    with open(tree.path(f"{FEN}2025-26/plan.yml"), "a", encoding="utf-8") as plan:
        plan.write(
            "not_adopted:\n  - finding: da-rising\n"
            "    decision: Only the support of repeat victims was taken up.\n"
            "    extent: partly-adopted\n"
        )
    page = pages(tree)["2025-26/fenwick-csp/priorities.md"]
    assert "## Recommendations not adopted or adopted in part\n" in page
    assert (
        "| [Domestic abuse is rising](assessment.md#finding.da\\-rising) | Only the support of "
        "repeat victims was taken up. | Partly adopted: [Domestic abuse](#priority.domestic\\-abuse) |"
    ) in page
    assert "Not adopted |" not in page
