"""On paper (issue 20 item 5): the print stylesheet and `plans build --pdf`.

The PDF of one example partnership-year is opened with pypdf: its page count, its contents page
(each section on the page it says), a figure the generator works out, the partnership and the
year on every page, and the overview's link to it. Printed site pages: the running header and
page numbers in the margins, no navigation, the PCC's funding table within the page's width.
The tests that need Chromium are skipped or required exactly as tests/test_browser.py's are
(PLANS_BROWSER_TESTS=required in CI); the others run everywhere.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CHECKOUT, Tree, browser_tests, render_year

from generator.cli import main
from generator.site import pdf
from generator.site.sanitize import THEME_PRINT_STYLE, scan_markup

YEAR = "2026-27"
PARTNERSHIP = "sallowfield"
NAME = "Sallowfield Community Safety Partnership"
FIGURE = "£229,309.54"  # Sallowfield's share of the PCC's formula, with its adjustment
PDF_FILE = f"{PARTNERSHIP}-plan-{YEAR}.pdf"
CSS_ESCAPE = re.compile(r"\\([0-9a-f]{6}) ")


def css_text(quoted: str) -> str:
    """The text of a CSS string as css_string writes it."""
    assert quoted.startswith('"') and quoted.endswith('"')
    return CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)), quoted[1:-1])


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# -- everywhere: no browser needed ----------------------------------------------------------

HOSTILE = 'Fen "wick" \\ </style><script>alert(1)</script>; } @import url(x); \n·'


def test_css_string_keeps_hostile_text_inside_the_string() -> None:
    quoted = str(pdf.css_string(HOSTILE))
    assert css_text(quoted) == HOSTILE
    inner = quoted[1:-1]
    for dangerous in ('"', "<", ">", ";", "{", "}", "\n", "@"):
        assert dangerous not in inner
    boxes = " ".join(
        f"@{box} {{ content: {quoted}; }}" for box in ("top-left", "top-right", "bottom-left")
    )
    style = f"@page {{ {boxes} }}"
    assert THEME_PRINT_STYLE.fullmatch(style)


def page_with_style(style: str, media: str = ' media="print"', where: str = "head") -> str:
    element = f"<style{media}>{style}</style>"
    head = element if where == "head" else ""
    body = element if where == "content" else ""
    return (
        f"<html><head>{head}</head><body>"
        f'<article class="md-content__inner md-typeset">{body}<p>x</p></article></body></html>'
    )


def test_scan_accepts_the_theme_print_style_and_nothing_else() -> None:
    boxes = ("top-left", "top-right", "bottom-left")
    quoted = pdf.css_string("Fenwick · 2026/27")
    lines = "\n".join(f"  @{box} {{ content: {quoted}; }}" for box in boxes)
    good = f"@page {{\n{lines}\n}}"
    assert scan_markup(page_with_style(good), "page.html") == []
    bad = [
        page_with_style(good, media=""),  # not the print style
        page_with_style(good, where="content"),  # inside the page's content
        page_with_style(good.replace("}\n}", "}\n  body { display: none; }\n}")),
        page_with_style(good.replace('content: "Fenwick', 'content: "Fen"wick')),
        page_with_style("@import url(https://example.org/x.css);"),
    ]
    for text in bad:
        assert any("<style> element" in line for line in scan_markup(text, "page.html")), text


def test_a_build_without_pdf_has_no_link_and_no_file() -> None:
    """Only --pdf changes the pages: the overview's link and the file it names appear with it
    and nowhere else (the golden pages are the build without it)."""
    plain = render_year(CHECKOUT, YEAR, YEAR)
    assert not any(name.endswith(".pdf") for name in plain)
    assert all(b".pdf" not in content for name, content in plain.items() if name.endswith(".md"))


def test_pdf_without_chromium_says_so_and_leaves_the_site(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    built = CliRunner().invoke(main, ["build", str(tree.root), "--out", str(out), "-q"])
    assert built.exit_code == 0, built.output
    before = tree_hashes(out)
    monkeypatch.setattr(pdf, "find_chromium", lambda named=None: None)
    result = CliRunner().invoke(main, ["build", str(tree.root), "--out", str(out), "--pdf"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: --pdf prints with Chromium, and none was found (/usr/bin/chromium or on PATH); "
        "install it (Debian: apt-get install chromium) or build without --pdf"
    )
    assert tree_hashes(out) == before


def test_hostile_partnership_name_in_the_printed_margins(tree: Tree, tmp_path: Path) -> None:
    """A partnership's name that tries to end the CSS string and the <style> stays a string:
    the build's own scan would fail it otherwise, and the name reads back as written."""
    name = 'Fenwick "CSP" </style><script>alert(1)</script>'
    tree.edit(
        "plans/fenwick-csp/partnership.yml",
        "name: Safer Fenwick Partnership",
        "name: 'Fenwick \"CSP\" </style><script>alert(1)</script>'",
    )
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", str(tree.root), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    page = (out / "2025-26" / "fenwick-csp" / "funding" / "index.html").read_text("utf-8")
    style = re.search(r'<style media="print">(.*?)</style>', page, re.S)
    assert style is not None and THEME_PRINT_STYLE.fullmatch(style[1].strip())
    top_left = re.search(r"@top-left \{ content: (\"[^\"]*\"); \}", style[1])
    assert top_left is not None and css_text(top_left[1]) == f"{name} · 2025/26"
    assert "<script>alert" not in page


# -- with Chromium --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example built with --pdf, printing one partnership-year (every other one is printed
    by the same code; printing them all takes a minute or two)."""
    from generator.site import build

    out = tmp_path_factory.mktemp("pdf") / "site"
    every = build.print_jobs
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            build,
            "print_jobs",
            lambda *args: [
                job for job in every(*args) if (job.partnership, job.year) == (PARTNERSHIP, YEAR)
            ],
        )
        result = CliRunner().invoke(main, ["build", str(CHECKOUT), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    yield out


@pytest.fixture(scope="module")
def printed(pdf_site: Path) -> Any:
    from pypdf import PdfReader

    return PdfReader(pdf_site / YEAR / PARTNERSHIP / PDF_FILE)


@browser_tests()
def test_the_pdf_is_a_committee_paper(printed: Any) -> None:
    pages = [page.extract_text() for page in printed.pages]
    assert len(pages) > 20
    cover = " ".join(pages[0].split())
    assert f"{NAME} Sallowfield Safer Communities Plan" in cover
    assert "Status Approved" in cover and "Approved 5 March 2026" in cover
    assert "Fictional data." in cover
    for number, text in enumerate(pages, 1):
        assert NAME in text, number
        assert "2026/27" in text, number
        assert f"Page {number} of {len(pages)}" in text, number
    # the contents page: each section, and the page it begins on, where its heading is
    contents = pages[1].splitlines()
    assert "Contents" in contents
    listed = [re.fullmatch(r"(.+?) (\d+)", line) for line in contents]
    entries = [(m[1], int(m[2])) for m in listed if m and m[1] != "Page 2 of"]
    titles = [title for title, _ in entries]
    assert titles == [
        NAME,
        "Needs assessment",
        "Priorities and objectives",
        "Action plan",
        "Commissioned services",
        "Funding",
        "Performance",
        "Decommissioning risks",
        "Annual review",
        "Changes and corrections",
    ]
    numbers = [number for _, number in entries]
    assert numbers == sorted(numbers) and numbers[0] == 3
    for title, number in entries:
        body = pages[number - 1].splitlines()[2:]  # after the running header
        assert title in body, (title, number, body[:3])
        assert number == 3 or title not in pages[number - 2].splitlines()[2:]  # begins here
    funding = dict(entries)["Funding"]
    performance = dict(entries)["Performance"]
    assert any(FIGURE in pages[n] for n in range(funding - 1, performance - 1))


@browser_tests()
def test_the_pdf_is_tagged_with_an_outline(printed: Any) -> None:
    root = printed.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert [str(item.title) for item in printed.outline if not isinstance(item, list)] == [NAME]
    width, height = printed.pages[0].mediabox.width, printed.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


@browser_tests()
def test_the_overview_links_to_the_pdf_and_nothing_else_lists_it(pdf_site: Path) -> None:
    version = pdf_site / YEAR
    overview = (version / PARTNERSHIP / "index.html").read_text("utf-8")
    assert f'href="{PDF_FILE}"' in overview
    assert (version / PARTNERSHIP / PDF_FILE).read_bytes().startswith(b"%PDF-")
    assert ".pdf" not in (version / "sitemap.xml").read_text("utf-8")
    assert ".pdf" not in (version / "search" / "search_index.json").read_text("utf-8")
    assert not list(version.rglob("*.html.j2")) and not list(version.rglob("plan.html"))


# -- printed site pages, in the browser -----------------------------------------------------

A4_CONTENT_PX = round((210 - 32) / 25.4 * 96)  # A4's width less the margins, in CSS px


@browser_tests()
def test_printed_funding_page_fits_the_paper(pdf_site: Path) -> None:
    """The PCC's funding page (formula allocations) printed: no navigation, header, footer,
    search or year switcher; every Amount heading or card label within the page's width; no
    box scrolling sideways; the margins name the partnership, the year and the page."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    from bench.search import BROWSER_ARGS, find_chromium, serve

    with serve(pdf_site) as base, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(BROWSER_ARGS)
        )
        try:
            page = chromium.new_page(viewport={"width": A4_CONTENT_PX, "height": 1000})
            page.emulate_media(media="print")
            page.goto(f"{base}{YEAR}/brackenshire-pcc/funding/", wait_until="load")
            page.wait_for_timeout(300)
            for chrome in (".md-header", ".md-sidebar", ".md-footer", ".md-search", ".md-path"):
                assert all(not e.is_visible() for e in page.query_selector_all(chrome)), chrome
            amounts = page.evaluate(
                """() => [...document.querySelectorAll('.md-content th, .md-content .card-label')]
                  .filter(e => e.textContent.trim() === 'Amount' && e.getClientRects().length
                          && getComputedStyle(e).clipPath === 'none')
                  .map(e => e.getBoundingClientRect().right)"""
            )
            assert len(amounts) >= 4
            assert max(amounts) <= A4_CONTENT_PX
            wide = page.evaluate(
                """() => [...document.querySelectorAll('.md-content *')]
                  .filter(e => e.scrollWidth > e.clientWidth + 1
                          && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).length"""
            )
            assert wide == 0
            assert page.evaluate("document.documentElement.scrollWidth") <= A4_CONTENT_PX
            pdf_bytes = page.pdf(prefer_css_page_size=True)
        finally:
            chromium.close()
    reader = PdfReader(io.BytesIO(pdf_bytes))
    texts = [p.extract_text() for p in reader.pages]
    assert len(texts) > 1
    for number, text in enumerate(texts, 1):
        assert "Police and Crime Commissioner for Brackenshire · 2026/27" in text
        assert text.splitlines()[0].endswith(" Funding")  # the page's title, top right
        assert f"Page {number} of {len(texts)}" in text
        assert "https://plans.brackenshire.example/2026-27/brackenshire-pcc/funding/" in text
