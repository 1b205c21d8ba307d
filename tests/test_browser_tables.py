"""Wide tables and charts as a reader sees them, in headless Chromium (issue 19, items 1 and 3):
the decisions of the risk register and of a formula table are in view on a desktop screen;
on a phone no table pushes the page sideways and no chart text is smaller than 10 px.

Skipped or required exactly as tests/test_browser.py is (PLANS_BROWSER_TESTS=required in CI).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import browser_tests

from bench.search import BROWSER_ARGS, find_chromium, serve

YEAR = "2026-27"
PARTNERSHIP = "dunmarsh-wyckholt"  # has a risk register; every one of its pages is checked
FORMULA_PAGES = ("brackenshire-pcc/funding/", "brackenshire/")  # the PCC's formula, the area


pytestmark = browser_tests()


@pytest.fixture(scope="module")
def browser(example_site: Path) -> Iterator[tuple[Any, str]]:
    """A headless Chromium and the address the example site is served at."""
    from playwright.sync_api import sync_playwright

    with serve(example_site) as base, sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(BROWSER_ARGS)
        )
        try:
            yield chromium, base
        finally:
            chromium.close()


def open_page(browser: tuple[Any, str], path: str, width: int) -> Any:
    chromium, base = browser
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{base}{YEAR}/{path}", wait_until="load")
    page.wait_for_timeout(300)  # the theme wraps tables and tables.js marks them after load
    return page


# Where a header cell is drawn, and how much of it the reader sees: the part inside the
# viewport and inside every scrolling box around it, at the scroll position the page opens at.
VISIBLE = """(th) => {
  const box = th.getBoundingClientRect();
  let left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
  for (let node = th.parentElement; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.overflowX !== "visible") {
      const clip = node.getBoundingClientRect();
      left = Math.max(left, clip.left);
      right = Math.min(right, clip.right);
    }
  }
  return {width: box.width, visible: Math.max(0, right - left)};
}"""


def header_cell(page: Any, table_with: str, name: str) -> Any:
    """The header cell `name` of the first table that has a header cell `table_with`."""
    exactly = page.locator("th", has_text=re.compile(f"^{re.escape(table_with)}$"))
    table = page.locator("table", has=exactly).first
    return table.locator("th").filter(has_text=re.compile(f"^{re.escape(name)}$")).first


@pytest.mark.parametrize(
    ("path", "first_header", "decisions"),
    [
        (f"{PARTNERSHIP}/risks/", "Rank", ("Overall", "Band", "Recommendation", "Owner")),
        ("brackenshire/", "Vulnerability", ("Overall", "Band", "Recommendation")),
        (FORMULA_PAGES[0], "Formula amount", ("Recipient", "Amount", "Published amount")),
        (FORMULA_PAGES[1], "Formula amount", ("Recipient", "Amount", "Published amount")),
    ],
)
def test_decision_columns_are_in_view_at_1280_px(
    browser: tuple[Any, str], path: str, first_header: str, decisions: tuple[str, ...]
) -> None:
    page = open_page(browser, path, 1280)
    try:
        for name in decisions:
            cell = header_cell(page, first_header, name)
            seen = cell.evaluate(VISIBLE)
            assert seen["width"] > 0, (path, name)
            assert seen["visible"] >= seen["width"] - 1, (path, name, seen)
    finally:
        page.close()


def test_a_table_that_scrolls_is_a_focusable_labelled_region(browser: tuple[Any, str]) -> None:
    page = open_page(browser, f"{PARTNERSHIP}/risks/", 1280)
    try:
        wraps = page.evaluate(
            """() => [...document.querySelectorAll(".md-typeset__scrollwrap")].map(w => ({
                 scrolls: w.scrollWidth > w.clientWidth + 1,
                 tabindex: w.getAttribute("tabindex"),
                 role: w.getAttribute("role"),
                 label: w.getAttribute("aria-label")}))"""
        )
        assert any(w["scrolls"] for w in wraps), wraps  # the register's sub-scores scroll
        for w in wraps:
            if w["scrolls"]:
                assert w["tabindex"] == "0" and w["role"] == "region", w
                assert w["label"] and "Decommissioning risks" in w["label"], w
            else:
                assert w["role"] is None and w["tabindex"] is None, w
    finally:
        page.close()


def pages_at_390(site: Path) -> list[str]:
    """Every page of one partnership, the area page and the home page of the year."""
    own = sorted(
        f"{PARTNERSHIP}/{entry.name}/"
        for entry in (site / YEAR / PARTNERSHIP).iterdir()
        if (entry / "index.html").is_file()
    )
    return ["", "brackenshire/", f"{PARTNERSHIP}/", *own, FORMULA_PAGES[0]]


# Each chart drawn inline at the size its <img> has on the page: every text's font size in
# screen pixels (its size in the SVG's units times the scale the SVG is drawn at).
CHART_TEXT = """async () => {
  const found = [];
  for (const img of document.querySelectorAll('img[src$=".svg"]')) {
    const width = img.getBoundingClientRect().width;
    const holder = document.createElement("div");
    holder.innerHTML = await (await fetch(img.src)).text();
    const svg = holder.querySelector("svg");
    svg.style.width = width + "px";
    svg.style.height = "auto";
    document.body.appendChild(holder);
    for (const text of svg.querySelectorAll("text, tspan")) {
      if (!text.textContent.trim()) continue;
      const m = text.getScreenCTM();
      const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
      found.push({chart: img.getAttribute("src"), text: text.textContent.trim(), px, width});
    }
    holder.remove();
  }
  return found;
}"""


def test_at_390_px_no_table_scrolls_the_page_and_chart_text_is_10_px_or_more(
    browser: tuple[Any, str], example_site: Path
) -> None:
    charts = 0
    for path in pages_at_390(example_site):
        page = open_page(browser, path, 390)
        try:
            wide = page.evaluate("() => document.scrollingElement.scrollWidth")
            assert wide <= 390, (path, wide)
            texts = page.evaluate(CHART_TEXT)
            charts += len({t["chart"] for t in texts})
            small = [t for t in texts if t["px"] < 10]
            assert not small, (path, small[:5])
        finally:
            page.close()
    assert charts >= 3  # the performance page's trends, the heat map, the funding bars


def test_at_390_px_the_risk_register_is_cards_that_name_each_value(
    browser: tuple[Any, str],
) -> None:
    page = open_page(browser, f"{PARTNERSHIP}/risks/", 390)
    try:
        card = page.locator("table", has=page.locator("th", has_text="Rank")).locator("tr").nth(1)
        lines = card.inner_text().splitlines()  # each value on its own line, after its name
        for name in ("Overall", "Band", "Recommendation", "Owner"):
            assert any(line.startswith(name) and line != name for line in lines), lines
        after = "(span) => getComputedStyle(span, '::after').content"
        assert card.locator(".card-label").first.evaluate(after) == '": "'
        assert card.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    finally:
        page.close()
