"""Words people use (issue 19, item 4): real plurals, a glossary linked from the pages, and
names rather than internal ids on the changes page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from conftest import example_pages

from generator.problems import counted
from generator.render.glossary import TERMS, GlossaryLinks
from generator.render.text import count_of
from generator.review.words import field_words, named


@cache
def all_example_pages() -> dict[str, str]:
    return dict(example_pages())


def test_a_count_takes_its_noun_in_the_right_number() -> None:
    assert counted(0, "indicator") == "0 indicators"
    assert counted(1, "indicator") == "1 indicator"
    assert counted(2, "indicator") == "2 indicators"
    assert counted(1204, "page") == "1,204 pages"
    assert counted(1, "process", "processes") == "1 process"
    assert counted(3, "process", "processes") == "3 processes"


def test_the_template_filter_is_inert_text() -> None:
    assert count_of(2, "public meeting") == "2 public meetings"
    assert count_of(1, "[x](y)") == "1 \\[x\\]\\(y\\)"


def test_no_page_of_the_example_says_s_in_brackets() -> None:
    """'2 indicators', never '2 indicator(s)': on every page of every version."""
    found = [
        f"{name}: {match.group(0)}"
        for name, text in all_example_pages().items()
        for match in re.finditer(r"\w+\\?\(s\\?\)", text)
    ]
    assert found == []


@pytest.mark.parametrize("page", ["2026-27/sallowfield/index.md"])
def test_the_rag_reason_counts_in_words(page: str) -> None:
    text = all_example_pages()[page]
    assert "worst of 3 indicators and 2 actions: 4 green, 1 red" in text
    assert "worst of 1 indicator and 1 action: 1 green, 1 grey" in text


# --- no internal ids on the changes page -----------------------------------------------------

NAMES = {"wyckholt-budget": "Wyckholt District Council contribution", "hub": "Victim hub"}


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (
            "review: spend, wyckholt-budget",
            "Annual review: spend, Wyckholt District Council contribution",
        ),
        (
            "review.spend[wyckholt-budget]",
            "Annual review: spend, Wyckholt District Council contribution",
        ),
        ("services[hub].funding", "Commissioned services: Victim hub, funding"),
        ("plan.title", "Plan: title"),
        ("indicators", "Performance indicators"),
        ("something else", "something, else"),
    ],
)
def test_a_changed_field_is_named_in_words(name: str, shown: str) -> None:
    assert field_words(name, NAMES) == shown


def test_ids_are_shown_by_their_names_and_other_values_as_they_are() -> None:
    assert named("hub", NAMES) == "Victim hub"
    assert (
        named("hub, wyckholt-budget", NAMES) == "Victim hub, Wyckholt District Council contribution"
    )
    assert named("off-track", NAMES) == "off-track"


def test_the_dunmarsh_correction_names_what_changed_without_ids() -> None:
    """The 2025/26 correction names `review: spend, wyckholt-district-council-budget`."""
    pages = all_example_pages()
    for page in (
        "2025-26/dunmarsh-wyckholt/changes.md",
        "2026-27/dunmarsh-wyckholt/corrections.md",
    ):
        text = pages[page]
        assert "wyckholt\\-district\\-council\\-budget" not in text, page
        assert (
            "Annual review: spend, Wyckholt District Council contribution to the joint partnership"
            in text
        ), page


def test_the_since_last_year_table_names_things_not_ids() -> None:
    text = all_example_pages()["2026-27/brackenshire-pcc/changes.md"]
    assert "| What | Name | Change | Last year | This year |" in text
    assert "| Id |" not in text
    assert (
        "provider changed | Brackenshire Victim Care | Brackenshire Victim Care, Harbourlight"
        in text
    )
    assert "victim\\-care\\-hub" not in text


# --- the glossary -----------------------------------------------------------------------------


def test_every_version_has_the_glossary_with_every_term() -> None:
    glossaries = {n: t for n, t in all_example_pages().items() if n.endswith("/glossary.md")}
    assert sorted(glossaries) == [
        f"{y}/glossary.md" for y in ("2023-24", "2024-25", "2025-26", "2026-27")
    ]
    for text in glossaries.values():
        anchors = re.findall(r'<a id="term\.([a-z-]+)"></a>', text)
        assert set(anchors) == set(TERMS)
        assert "(#term." in text  # entries point at each other


def test_a_page_links_the_first_use_of_a_term_only() -> None:
    text = all_example_pages()["2026-27/sallowfield/priorities.md"]
    assert text.count("](../glossary.md#term.tier)") == 1
    assert "[Core priority](../glossary.md#term.tier)" in text


def test_an_unknown_term_fails_the_build() -> None:
    links = GlossaryLinks("glossary.md")
    with pytest.raises(KeyError, match="'make-or-bye' is not in the glossary"):
        links.first("make-or-bye")
    assert links.first("make-or-buy") and not links.first("make-or-buy")


def test_the_glossary_links_work_in_the_built_site(example_site: Path) -> None:
    """Every link to the glossary, from any page of any version, lands on an entry there."""
    checked = 0
    for page in example_site.glob("*/**/index.html"):
        html = page.read_text(encoding="utf-8")
        for href, anchor in re.findall(r'href="([^"#]*glossary/)#(term\.[a-z-]+)"', html):
            target = (page.parent / href / "index.html").resolve()
            assert target.is_file(), (page, href)
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, anchor)
            checked += 1
    assert checked > 100
