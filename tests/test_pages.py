"""What the pages say, rendered from small edits of the minimal project: the figures a source
published, the notices at the top of a page, and what a plan year declares it never published."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from conftest import two_areas

from generator.model import Project
from generator.pipeline import check_project
from generator.problems import Severity
from generator.render import Version, render_version
from generator.site import BuildOptions, build_site
from generator.site.versions import versions_of

if TYPE_CHECKING:
    from tests.conftest import Tree

THEME = Path(__file__).resolve().parents[1] / "theme"
FEN = "plans/fenwick-csp/"


def checked(root: Path) -> Project:
    """The project at `root`, read and validated: warnings allowed, no error."""
    project, problems = check_project(root)
    assert project is not None and not [p for p in problems if p.severity is Severity.ERROR]
    return project


def pages(tree: Tree, drafts: bool = False) -> dict[str, str]:
    """Every Markdown page of every version of the project: `<year>/<path>` to its text."""
    project = checked(tree.root)
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
        "repeat victims was taken up. | "
        "Partly adopted: [Domestic abuse](#priority.domestic\\-abuse) |"
    ) in page
    assert "Not adopted |" not in page


# --- the notices at the top of a page: the partnership's own newest plan and review ---------


def plan_only_year(tree: Tree, partnership: str, year: str) -> None:
    """A later plan year of a partnership that published only its plan (as Marrowby's do)."""
    tree.write(
        f"plans/{partnership}/{year}/plan.yml",
        f"year: {year}\ntitle: A later plan\nstatus: published\n"
        f"not_published:\n  parts: [approval, meetings]\n  reason: Only the plan is online.\n",
    )


def test_a_partnership_without_a_plan_in_the_newest_year_is_pointed_at_its_own_latest(
    tree: Tree,
) -> None:
    """The site's newest year is 2026/27 (Ashdown only): Fenwick's 2025/26 is Fenwick's latest
    plan, and its 2024/25 points at 2025/26, not at a 2026/27 Fenwick has no plan for."""
    plan_only_year(tree, "ashdown-pcc", "2026-27")
    found = pages(tree)
    for name in ("index", "priorities", "actions"):
        newest = banner(found[f"2025-26/fenwick-csp/{name}.md"])
        assert "<strong>This is the latest plan this partnership has published.</strong>" in newest
        assert "The site's newest year is 2026/27, for which it has no plan." in newest
        assert "not the latest" not in newest and "no plan in the current version" not in newest
    older = banner(found["2024-25/fenwick-csp/priorities.md"])
    assert "You are reading the plan for 2024/25; the latest is for 2025/26." in older
    assert (
        '<a href="../../../2025-26/fenwick-csp/">Read this partnership\'s plan for 2025/26' in older
    )
    assert 'href="../../2025-26/fenwick-csp/"' in banner(found["2024-25/fenwick-csp/index.md"])
    assert banner(found["2026-27/ashdown-pcc/index.md"]) == ""


def test_the_review_page_points_at_the_latest_annual_review(tree: Tree) -> None:
    """Fenwick's review of 2024/25 is its latest (2025/26 has none yet): its page says so, and
    the 2025/26 review page points back at it rather than the 2024/25 one pointing forward."""
    found = pages(tree)
    latest = banner(found["2024-25/fenwick-csp/review.md"])
    assert "This is the latest annual review this partnership has published." in latest
    assert (
        '<a href="../../../2025-26/fenwick-csp/">Read this partnership\'s plan for 2025/26'
        in latest
    )
    assert "not the latest" not in latest
    assert "This is not the latest plan." in found["2024-25/fenwick-csp/actions.md"]
    pending = banner(found["2025-26/fenwick-csp/review.md"])
    assert "<strong>The latest annual review is of 2024/25.</strong>" in pending
    assert '<a href="../../../2024-25/fenwick-csp/review/">' in pending
    assert banner(found["2025-26/fenwick-csp/actions.md"]) == ""

    tree.write(f"{FEN}2025-26/review.yml", tree.read(f"{FEN}2024-25/review.yml"))
    found = pages(tree)
    older = banner(found["2024-25/fenwick-csp/review.md"])
    assert "<strong>This is not the latest annual review.</strong>" in older
    assert "You are reading the review of 2024/25; the latest is of 2025/26." in older
    assert '<a href="../../../2025-26/fenwick-csp/review/">' in older
    assert banner(found["2025-26/fenwick-csp/review.md"]) == ""


def test_a_later_review_rebuilds_the_earlier_years_review_page(tmp_path: Path) -> None:
    """An older year's notices depend on the partnership's later years: a cached build of
    2024/25 is not reused once 2025/26 gains a review (its cache key holds no later files)."""
    root, cache, out = two_areas(tmp_path / "project"), tmp_path / "cache", tmp_path / "site"
    review = out / "2024-25" / "fenwick-csp" / "review" / "index.html"
    build_site(checked(root), BuildOptions(root, out, jobs=1, cache=cache))
    assert "This is the latest annual review this partnership has published." in review.read_text()
    fenwick = root / "plans" / "fenwick-csp"
    (fenwick / "2025-26" / "review.yml").write_text(
        (fenwick / "2024-25" / "review.yml").read_text()
    )
    report = build_site(checked(root), BuildOptions(root, out, jobs=1, cache=cache))
    assert "2024-25/bexmoor" in report.built
    assert "This is not the latest annual review." in review.read_text()


# --- what a plan year declares it never published, in words ---------------------------------

REASON = "Only the *plan* was put online."
SAID = REASON  # free text, through the `inline` filter: Markdown, not escaped as plain text


def test_a_year_without_priorities_says_so_on_every_page(tree: Tree) -> None:
    """A year whose priorities were never published (Marrowby's 2023/24) renders every page,
    and says what was not published instead of "None recorded" or an empty table."""
    tree.write(
        f"{FEN}2023-24/plan.yml",
        "year: 2023-24\ntitle: Safer Fenwick Plan 2021-24\nstatus: published\n"
        "not_published:\n"
        "  parts: [priorities, approval, meetings, assessment, review]\n"
        f"  reason: {REASON}\n",
    )
    found = {
        name.removeprefix("2023-24/fenwick-csp/"): text
        for name, text in pages(tree).items()
        if name.startswith("2023-24/fenwick-csp/")
    }
    assert len(found) == 12  # every page of the year
    overview = found["index.md"]
    assert (
        "The partnership did not publish its priorities, the approval of its plan, a record of its"
        f" meetings, a needs assessment or an annual review for 2023/24. {SAID}\n"
    ) in overview
    assert (
        "## Priorities at a glance\n\nThe partnership did not publish its priorities for 2023/24.\n"
        in overview
    )
    assert "| Priority |" not in overview
    assert (
        "## Approval\n\nThe partnership did not publish who approved this plan, or when.\n"
        in overview
    )
    assert "has not been approved yet" not in overview
    assert (
        "## Meetings\n\nThe partnership did not publish a record of its meetings for 2023/24.\n"
        in overview
    )
    priorities = found["priorities.md"]
    assert f"The partnership did not publish its priorities for 2023/24. {SAID}\n" in priorities
    assert "There are 0" not in priorities
    assert (
        f"The partnership did not publish its priorities for 2023/24, so no actions are listed "
        f"under them. {SAID}\n"
    ) in found["actions.md"]
    assert (
        f"The partnership did not publish a needs assessment for 2023/24. {SAID}\n"
        in found["assessment.md"]
    )
    assert (
        f"The partnership did not publish an annual review for 2023/24. {SAID}\n"
        in found["review.md"]
    )
    assert "follows the end of the financial year" not in found["review.md"]
    # the year after: its priorities are new, or not: that year's are unknown
    later = pages(tree)["2024-25/fenwick-csp/priorities.md"]
    assert "**Last year:** the partnership did not publish its priorities for 2023/24.\n" in later


def test_an_undeclared_gap_is_still_said_plainly(tree: Tree) -> None:
    """Without a declaration, a year with no priorities says none are recorded."""
    tree.write(
        f"{FEN}2023-24/plan.yml",
        "year: 2023-24\ntitle: Safer Fenwick Plan 2021-24\nstatus: published\n",
    )
    found = pages(tree)
    assert "No priorities are recorded for 2023/24.\n" in found["2023-24/fenwick-csp/index.md"]
    assert "No priorities are recorded for 2023/24.\n" in found["2023-24/fenwick-csp/priorities.md"]
    assert "did not publish" not in found["2023-24/fenwick-csp/priorities.md"]


def test_an_action_plan_and_objectives_not_published_are_said_per_priority(tree: Tree) -> None:
    tree.remove(f"{FEN}2025-26/actions.yml")
    tree.edit(
        f"{FEN}2025-26/plan.yml",
        "priorities:\n",
        "not_published:\n  parts: [actions, indicators, findings, outturns]\n"
        f"  reason: {REASON}\npriorities:\n",
    )
    tree.edit(f"{FEN}2025-26/plan.yml", "        indicators: [da-reports]\n", "")
    actions = pages(tree)["2025-26/fenwick-csp/actions.md"]
    assert f"The partnership did not publish an action plan for 2025/26. {SAID}\n" in actions
    assert (
        "## Domestic abuse\n\nThe partnership did not publish an action plan for this priority.\n"
    ) in actions
    assert "None recorded." not in actions
    priorities = pages(tree)["2025-26/fenwick-csp/priorities.md"]
    assert (
        "The partnership did not publish the findings of its needs assessment, performance "
        f"indicators or an action plan for 2025/26. {SAID}\n"
    ) in priorities
    assert (
        "**Action plan.** The partnership did not publish an action plan for this priority.\n"
    ) in priorities
    assert "| **More victims report** | Ashdown Constabulary | Not published |" in priorities
    assert priorities.count(SAID) == 1  # the reason once, not under every priority

    tree.edit(
        f"{FEN}2025-26/plan.yml",
        "    objectives:\n      - id: more-reporting\n        title: More victims report\n"
        "        pursued_by: [ashdown-police]\n",
        "",
    )
    tree.edit(
        f"{FEN}2025-26/plan.yml", "[actions, indicators,", "[actions, objectives, indicators,"
    )
    priorities = pages(tree)["2025-26/fenwick-csp/priorities.md"]
    assert (
        "### Objectives\n\nThe partnership did not publish objectives for this priority.\n"
    ) in priorities


def test_a_review_without_outturns_or_decisions_says_they_were_not_published(tree: Tree) -> None:
    tree.edit(
        f"{FEN}2024-25/review.yml",
        "outturns:\n  - indicator: da-reports\n    value: 125\nservices:\n"
        "  - service: refuge\n    decision: continue\n    rationale: It works.\n"
        "    effective: 2025-04-01\n",
        "",
    )
    with open(tree.path(f"{FEN}2024-25/plan.yml"), "a", encoding="utf-8") as plan:
        plan.write(f"not_published:\n  parts: [outturns, decisions]\n  reason: {REASON}\n")
    review = pages(tree)["2024-25/fenwick-csp/review.md"]
    assert (
        "## Indicators: the year's outturn\n\nThe partnership did not publish year-end figures "
        f"for its indicators for 2024/25. {SAID}\n"
    ) in review
    assert (
        "## Services: decisions\n\nThe partnership did not publish its decisions on each service "
        f"for 2024/25. {SAID}\n"
    ) in review


def test_scores_not_published_are_said_under_the_selection_method(tree: Tree) -> None:
    tree.edit(
        f"{FEN}2025-26/plan.yml",
        "priorities:\n",
        "selection:\n  name: threat, harm and risk\n  criteria:\n    - id: threat\n"
        "      title: Threat\n"
        f"not_published:\n  parts: [scores]\n  reason: {REASON}\npriorities:\n",
    )
    priorities = pages(tree)["2025-26/fenwick-csp/priorities.md"]
    assert (
        "- **Threat**\n\nThe partnership did not publish the scores it gave each priority. "
        f"{SAID}\n"
    ) in priorities
    assert "Scores (1 to 5" not in priorities


def test_every_part_a_year_may_declare_has_words() -> None:
    """The pages name each declared part in words (theme/pages/_absent.md.j2): a part added to
    the schema without words broke every page of a year declaring it."""
    from typing import get_args

    from generator.model.partnership import PublishedPart

    text = (Path(__file__).parents[1] / "theme" / "pages" / "_absent.md.j2").read_text()
    words = text[text.index("part_words") : text.index("} %}")]
    assert [part for part in get_args(PublishedPart) if f'"{part}":' not in words] == []


def test_services_funding_risks_and_indicators_not_published_are_said(tree: Tree) -> None:
    """Declared, they read as what the partnership did not publish, with the reason, never as
    'None recorded'."""
    year = f"{FEN}2024-25/"
    names = ("services.yml", "funding.yml", "risks.yml", "indicators.yml", "actions.yml")
    for name in (*names, "review.yml"):
        if tree.path(year + name).exists():
            tree.remove(year + name)
    tree.edit(
        f"{year}plan.yml",
        "priorities:",
        "not_published:\n  parts: [services, funding, risks, indicators, actions]\n"
        "  reason: Only the priorities were put online.\npriorities:",
    )
    tree.edit(f"{year}plan.yml", "        indicators: [da-reports]\n", "")
    found = pages(tree)
    reason = "Only the priorities were put online."
    expected = {
        "services": "The partnership did not publish the services it commissions for 2024/25.",
        "funding": "The partnership did not publish its funding for 2024/25.",
        "risks": "The partnership did not publish an assessment of the risks of "
        "decommissioning services for 2024/25.",
        "performance": "The partnership did not publish performance indicators for 2024/25.",
    }
    for page, sentence in expected.items():
        text = found[f"2024-25/fenwick-csp/{page}.md"]
        assert f"{sentence} {reason}" in text, page


def test_an_assessment_without_a_period_or_scores_says_so(tree: Tree) -> None:
    assessment = f"{FEN}2024-25/assessment.yml"
    tree.edit(
        assessment, "period:\n  start: 2023-01-01\n  end: 2023-12-31\n", "published: 2023-03\n"
    )
    tree.edit(assessment, "    likelihood: 4\n    impact: 5\n", "")
    page = pages(tree)["2024-25/fenwick-csp/assessment.md"]
    assert (
        "**Fenwick strategic assessment 2024** does not say what period it covers and was "
        "published in March 2023." in page
    )
    assert "This assessment did not score its findings." in page
    assert "| not scored | not scored | not scored | Yes |" in page
    assert "The assessment did not score this finding." in page


def test_an_underspend_is_not_worked_out_from_an_unknown_allocation(tree: Tree) -> None:
    tree.edit(
        f"{FEN}2024-25/funding.yml",
        "    amount: 40000",
        "    amount_status: withheld\n    amount_reason: Commercial confidentiality.",
    )
    page = pages(tree)["2024-25/fenwick-csp/review.md"]
    assert "| Council base budget | Not known | £39,000 | not known | — |" in page  # never £0
    assert "| **Total** | **£100** and 1 not known | **£39,000** | not known | |" in page
    assert (
        "Of at least £100 allocated (1 allocation of an amount not published), £39,000 was "
        "spent; the underspend cannot be worked out." in page
    )


def test_an_older_year_without_a_review_is_not_promised_one(tree: Tree) -> None:
    tree.remove(f"{FEN}2024-25/review.yml")
    page = pages(tree)["2024-25/fenwick-csp/review.md"]
    assert "No annual review of 2024/25 is recorded for Safer Fenwick Partnership." in page
    assert "It will say how each priority went" not in page
