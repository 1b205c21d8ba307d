"""The action plan on a phone, in headless Chromium: at 390 px wide every action's Due and
Status are on the screen (each row a card naming its values), not off its side in a table
that scrolls; at 1280 px the table is a table, every column in view; and a screen reader
still reads a table of rows, cells and column headers at both widths.

Skipped or required exactly as tests/test_browser.py is (PLANS_BROWSER_TESTS=required in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import browser_tests

from bench.search import BROWSER_ARGS, find_chromium, serve

YEAR = "2026-27"
PARTNERSHIPS = ("safer-kelderton", "dunmarsh-wyckholt", "sallowfield")

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
    answer = page.goto(f"{base}{YEAR}/{path}", wait_until="load")
    assert answer is not None and answer.status == 200, path
    page.wait_for_timeout(300)  # the theme wraps tables and tables.js marks them after load
    return page


# Each cell of the columns named, in every table that has them: the column's name it shows
# (as a card does), and how much of it the reader sees: the part inside the viewport and
# inside every scrolling box around it, at the scroll position the page opens at.
CELLS = """(names) => {
  const found = [];
  for (const table of document.querySelectorAll("article table")) {
    const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    for (const name of names) {
      const column = heads.indexOf(name);
      if (column < 0) continue;
      for (const row of table.querySelectorAll("tbody tr")) {
        const cell = row.children[column];
        const box = cell.getBoundingClientRect();
        let left = Math.max(box.left, 0), right = Math.min(box.right, window.innerWidth);
        for (let node = cell.parentElement; node; node = node.parentElement) {
          if (getComputedStyle(node).overflowX !== "visible") {
            const clip = node.getBoundingClientRect();
            left = Math.max(left, clip.left);
            right = Math.min(right, clip.right);
          }
        }
        const label = cell.querySelector(".card-label");
        found.push({column: name, width: box.width, visible: Math.max(0, right - left),
                    named: label !== null && getComputedStyle(label).display !== "none"
                      ? label.textContent : null});
      }
    }
  }
  return found;
}"""


@pytest.mark.parametrize("partnership", PARTNERSHIPS)
@pytest.mark.parametrize("width", [390, 1280])
def test_every_actions_due_and_status_are_on_the_screen(
    browser: tuple[Any, str], partnership: str, width: int
) -> None:
    page = open_page(browser, f"{partnership}/actions/", width)
    try:
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
        cells = page.evaluate(CELLS, ["Due", "Status"])
        assert {c["column"] for c in cells} == {"Due", "Status"}, partnership
        for cell in cells:
            assert cell["width"] > 0 and cell["visible"] >= cell["width"] - 1, (width, cell)
            # a card names each value; in a table, the column's header does
            assert cell["named"] == (cell["column"] if width == 390 else None), cell
    finally:
        page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_action_plan_is_still_a_table_to_a_screen_reader(
    browser: tuple[Any, str], width: int
) -> None:
    page = open_page(browser, "safer-kelderton/actions/", width)
    try:
        table = page.get_by_role("table", name="Violence against women and girls")
        headers = [h.inner_text().strip() for h in table.get_by_role("columnheader").all()]
        assert headers == ["Action", "Objective", "Lead", "Partners", "Due", "Status"]
        rows = table.get_by_role("row").all()
        assert len(rows) == 3  # the header row and two actions
        assert len(rows[1].get_by_role("cell").all()) == 6
    finally:
        page.close()
