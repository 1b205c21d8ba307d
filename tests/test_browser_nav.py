"""The year switcher, used as a reader uses it: in headless Chromium, from a partnership's page,
choose another year in mkdocs-material's version selector.

Skipped or required exactly as tests/test_browser.py: `.ci/run` sets
PLANS_BROWSER_TESTS=required, so there a missing Chromium or Playwright fails rather than skips.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import browser_tests

from bench.search import BROWSER_ARGS, find_chromium, serve

TIMEOUT_MS = 60_000


pytestmark = browser_tests()


def switch_year(site: Path, page: str, year_title: str) -> str:
    """Open `page` (a path below `site`), choose `year_title` in the year switcher and return
    the path the browser lands on."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="plans-nav-") as profile,
        serve(site) as base,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=find_chromium(),
            args=list(BROWSER_ARGS),
            viewport={"width": 1280, "height": 800},
        )
        try:
            tab = context.new_page()
            tab.goto(base + page, timeout=TIMEOUT_MS)
            selector = tab.locator(".md-version__current")
            selector.wait_for(timeout=TIMEOUT_MS)  # drawn once versions.json has loaded
            selector.focus()  # the list opens on focus (and on hover), as from the keyboard
            choice = tab.locator(".md-version__link", has_text=year_title)
            with tab.expect_navigation(timeout=TIMEOUT_MS):
                choice.click()
            tab.wait_for_load_state("load")
            return "/" + tab.url.removeprefix(base)
        finally:
            context.close()


def test_the_year_switcher_keeps_the_reader_on_the_same_page(example_site: Path) -> None:
    landed = switch_year(example_site, "2026-27/sallowfield/risks/", "2024/25")
    assert landed == "/2024-25/sallowfield/risks/"
    landed = switch_year(example_site, "2024-25/sallowfield/risks/", "2026/27")
    assert landed == "/2026-27/sallowfield/risks/"


def test_the_year_switcher_opens_the_year_home_where_the_page_is_not(example_site: Path) -> None:
    """Marrowby has no plan for 2026/27: its pages are not in that year."""
    assert not (example_site / "2026-27" / "marrowby").exists()
    landed = switch_year(example_site, "2025-26/marrowby/risks/", "2026/27")
    assert landed == "/2026-27/"
