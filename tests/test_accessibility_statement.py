"""The accessibility statement and privacy settings (issue 20, items 2 and 3): the statement is
written from data/settings.yml `accessibility:`, and what it says about compliance is worked out
from the automated test's recorded results and the publisher's known issues, never set; the
theme's external footer link and third-party analytics are off unless asked for.

The browser test (tests/test_browser_a11y.py) keeps the example's recorded results equal to what
it finds; here the statement's wording is checked for each state of those settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHECKOUT, Tree, render_year

from generator.site.config import base_config
from generator.site.options import BuildError

YEAR = "2025-26"
TESTED = "  tested:\n    date: 2026-12-03\n    tool: axe-core 4.14.1\n    violations: []\n"
VIOLATION = (
    "  tested:\n"
    "    date: 2026-12-03\n"
    "    tool: axe-core 4.14.1\n"
    "    violations:\n"
    "      - criterion: 1.4.3\n"
    "        rule: color-contrast\n"
    "        summary: Elements must meet minimum color contrast ratio thresholds\n"
    "        pages: [2025-26/, 2025-26/glossary/]\n"
)
KNOWN = (
    "  known_issues:\n"
    "    - criterion: 1.1.1\n"
    "      problem: Maps of the areas have no text alternative.\n"
    "      plan: We will describe them by March 2027.\n"
)


def statement(tree: Tree, accessibility: str = "") -> str:
    if accessibility:
        tree.write("data/settings.yml", tree.read("data/settings.yml") + accessibility)
    assert tree.problems() == []
    text = render_year(tree.root, YEAR)["accessibility.md"].decode("utf-8")
    return " ".join(text.split())


def test_fully_compliant_only_when_tested_clean_and_nothing_declared(tree: Tree) -> None:
    text = statement(tree, "accessibility:\n  email: access@fenwick.example\n" + TESTED)
    assert "This website is fully compliant with the [Web Content" in text
    assert "partially compliant" not in text and "Non-accessible content" not in text
    assert (
        "last tested on 3 December 2026" in text
        and "with axe\\-core 4\\.14\\.1 in the Chromium browser" in text
    )
    assert "[access@fenwick\\.example](mailto:access@fenwick.example)" in text


def test_a_recorded_failure_makes_it_partially_compliant_and_is_listed(tree: Tree) -> None:
    text = statement(tree, "accessibility:\n" + VIOLATION)
    assert "fully compliant" not in text
    assert "This website is partially compliant with the [Web Content" in text
    assert "### Non-accessible content" in text
    assert (
        "- The automated test found this failure on 2 pages: Elements must meet minimum color "
        "contrast ratio thresholds (axe-core rule color\\-contrast; for example on 2025\\-26/, "
        "2025\\-26/glossary/). This fails WCAG 2.2 success criterion 1\\.4\\.3." in text
    )


def test_a_declared_known_issue_makes_it_partially_compliant(tree: Tree) -> None:
    text = statement(tree, "accessibility:\n" + KNOWN + TESTED)
    assert "fully compliant" not in text and "partially compliant" in text
    assert (
        "- Maps of the areas have no text alternative. This fails WCAG 2.2 success criterion "
        "1\\.1\\.1. We will describe them by March 2027." in text
    )


def test_untested_it_claims_no_compliance(tree: Tree) -> None:
    text = statement(tree)
    assert "compliant" not in text.replace("not claim that it complies", "")
    assert "has not yet been tested against the [Web Content Accessibility Guidelines" in text
    assert "This website has not been tested yet." in text
    # no e-mail set: readers are sent to the partnership; England: the EHRC and EASS
    assert "contact the partnership named on the page you were reading" in text
    assert "The Equality and Human Rights Commission (EHRC) is responsible" in text


def test_in_northern_ireland_the_ecni_enforces(tree: Tree) -> None:
    text = statement(tree, "accessibility:\n  nation: northern-ireland\n")
    assert "The Equality Commission for Northern Ireland (ECNI) is responsible" in text
    assert "EHRC" not in text


def test_dates_and_privacy_note(tree: Tree) -> None:
    text = statement(tree, "accessibility:\n  prepared: 2026-11-02\n  reviewed: 2026-12-01\n")
    assert "prepared on 2 November 2026. It was last reviewed on 1 December 2026." in text
    assert "## Privacy" in text and "sets no cookies and uses no analytics" in text
    assert 'Counts of people smaller than 5 are published as "fewer than 5"' in text


def test_without_disclosure_control_the_statement_does_not_claim_it(tree: Tree) -> None:
    assert "fewer than" not in statement(tree, "small_count_threshold: 0\n")


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        (
            "accessibility:\n  known_issues:\n    - criterion: 1.4\n      problem: Maps.\n",
            "data/settings.yml:6:18: error: '1.4' is not a WCAG success criterion; write its "
            "number, such as 1.4.3 [accessibility.known_issues[0].criterion]",
        ),
        (
            "accessibility:\n  nation: cornwall\n",
            "data/settings.yml:5:11: error: 'cornwall' is not allowed here; use one of: england, "
            "scotland, wales, northern-ireland [accessibility.nation]",
        ),
        (
            "accessibility:\n  email: mailto:someone@example.org\n",
            "data/settings.yml:5:10: error: 'mailto:someone@example.org' is not an email "
            "address; write it as name@example.org [accessibility.email]",
        ),
        (
            "privacy:\n  made_with_link: maybe\n",
            "data/settings.yml:5:19: error: expected true or false, got 'maybe' "
            "[privacy.made_with_link]",
        ),
    ],
)
def test_bad_settings_are_located(tree: Tree, settings: str, problem: str) -> None:
    tree.write("data/settings.yml", tree.read("data/settings.yml") + settings)
    found = tree.problems()
    assert found == [problem]


def test_the_made_with_link_is_off_unless_asked_for(tree: Tree) -> None:
    from generator.pipeline import check_project

    project, _ = check_project(tree.root)
    assert project is not None
    assert base_config(CHECKOUT, project.settings)["extra"]["generator"] is False
    tree.write(
        "data/settings.yml", tree.read("data/settings.yml") + "privacy:\n  made_with_link: true\n"
    )
    project, _ = check_project(tree.root)
    assert project is not None
    assert base_config(CHECKOUT, project.settings)["extra"]["generator"] is True


def test_third_party_analytics_in_mkdocs_yml_is_refused(tmp_path: Path) -> None:
    config = (CHECKOUT / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        config + "extra:\n  analytics:\n    provider: google\n    property: G-XXXXXXXXXX\n"
    )
    with pytest.raises(BuildError) as raised:
        base_config(tmp_path)
    assert str(raised.value) == (
        "mkdocs.yml enables third-party analytics: extra.analytics sends every visit to an "
        "analytics service on another host; remove them"
    )


def test_every_page_is_british_english() -> None:
    assert base_config(CHECKOUT)["theme"]["language"] == "en-GB"
    partial = CHECKOUT / "theme/overrides/partials/languages/en-GB.html"
    assert '"language": "en-GB"' in partial.read_text(encoding="utf-8")


def test_every_table_gets_its_headings_caption() -> None:
    import re

    import markdown

    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    md = markdown.Markdown(extensions=["tables", "generator.site.captions"])
    html = md.convert(f"# Page\n\n{table}\n## Risks \\*now\\*\n\nSome text.\n\n{table}\n{table}")
    captions = re.findall(r'<table><caption class="plans-hidden">([^<]*)</caption><thead>', html)
    assert captions == ["Page", "Risks *now*", "Risks *now* (table 2)"]
