"""The example site as disabled readers and careful ones meet it, in headless Chromium (issue 20,
items 1 and 3).

Every HTML page of the built site (every version, the 404 pages and the redirect pages, not a
sample) is checked with axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, and must have none
broken; what axe found is compared with the results data/settings.yml records
(`accessibility.tested`), from which the accessibility statement says whether the site is
compliant, so the statement cannot claim what the test contradicts. On every page too: the
language (en-GB), one h1 and no skipped heading level, charts with a text alternative and a
table of their figures, tables with header cells and a caption, and the footer's link to the
statement. On one page of each kind: the keyboard (the skip link first, focus in reading order
and visible), reflow at 320 CSS px, and privacy (no request to any other host, no cookies,
nothing in the browser's storage but the theme's preferences).

axe-core is installed by `.ci/run` (npm, into .ci/tools); without it, or without Playwright or
Chromium, these tests are skipped with the reason, except under PLANS_BROWSER_TESTS=required.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import CHECKOUT, browser_tests, checked_example

from bench.search import BROWSER_ARGS, find_chromium, serve

AXE = CHECKOUT / ".ci" / "tools" / "node_modules" / "axe-core"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
YEAR = "2026-27"
PARTNERSHIP = "dunmarsh-wyckholt"  # has a page of every kind a partnership can have


def _axe_missing() -> pytest.MarkDecorator:
    missing = (
        None
        if (AXE / "axe.min.js").is_file()
        else ("axe-core is not installed (npm install --prefix .ci/tools axe-core@4.14.1)")
    )
    if missing and os.environ.get("PLANS_BROWSER_TESTS") == "required":
        raise RuntimeError(f"PLANS_BROWSER_TESTS=required, but {missing}")
    return pytest.mark.skipif(missing is not None, reason=missing or "")


pytestmark = [browser_tests(), _axe_missing()]


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as addresses relative to its root."""
    return [
        path.relative_to(site).as_posix().removesuffix("index.html")
        for path in sorted(site.rglob("*.html"))
    ]


def html_file(site: Path, page: str) -> Path:
    return site / (page if page.endswith(".html") else f"{page}index.html")


def page_kinds(site: Path) -> list[str]:
    """One page of each kind in the latest year: every page at the year's top (home, glossary,
    statement, area, commissioner, partnerships), every page of one partnership, the pages of
    other kinds under the others (the commissioner's), and the 404 page."""
    year = site / YEAR
    top = sorted(f"{d.name}/" for d in year.iterdir() if (d / "index.html").is_file())
    below = sorted(
        f"{d.parent.name}/{d.name}/" for d in year.glob("*/*") if (d / "index.html").is_file()
    )
    own = [page for page in below if page.startswith(f"{PARTNERSHIP}/")]
    kinds = {page.split("/")[1] for page in own}
    others = {
        page.split("/")[1]: page for page in reversed(below) if page.split("/")[1] not in kinds
    }
    pages = ["", *top, *own, *sorted(others.values())]
    return [f"{YEAR}/{page}" for page in pages] + [f"{YEAR}/404.html"]


@pytest.fixture(scope="module")
def server(example_site: Path) -> Iterator[str]:
    with serve(example_site) as base:
        yield base


@pytest.fixture(scope="module")
def chromium(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(), args=list(BROWSER_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


# Ready for checking: tables.js has marked every table that scrolls as a region (after the load
# event) and a11y.js has named the year switcher that mkdocs-material draws from versions.json.
READY = """() => {
  const wraps = [...document.querySelectorAll(".md-typeset__scrollwrap")];
  const marked = wraps.every(
    w => w.scrollWidth <= w.clientWidth + 1 || w.getAttribute("role") === "region");
  const year = document.querySelector(".md-version__current");
  const named = year && year.getAttribute("aria-label") !== "Select version";
  return marked && (!document.querySelector(".md-header") || named);
}"""

AXE_RUN = """async (tags) => {
  const results = await axe.run(
    document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({id: v.id, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""

# What the rest of the test checks on each page, in one call.
FACTS = """() => {
  const article = document.querySelector("article") || document.body;
  const levels = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => +h.tagName[1]);
  const skipped = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  const section = (node) => {  // the elements of the heading's section the node is in
    const items = [];
    let start = node;
    while (start.parentElement && start.parentElement !== article) start = start.parentElement;
    const heading = (n) => /^H[1-6]$/.test(n.tagName);
    for (let n = start.previousElementSibling; n && !heading(n); n = n.previousElementSibling) {
      items.push(n);
    }
    for (let n = start; n && (n === start || !heading(n)); n = n.nextElementSibling) {
      items.push(n);
    }
    return items;
  };
  const charts = [...article.querySelectorAll("img, svg")].map(c => ({
    src: c.getAttribute("src") || "svg",
    alt: (c.getAttribute("alt") || c.getAttribute("aria-label") || "").trim(),
    table: section(c).some(n => n.matches("table") || !!n.querySelector("table")),
  }));
  const tables = [...article.querySelectorAll("table")].map(t => ({
    headers: t.querySelectorAll("thead th, th[scope]").length,
    caption: t.caption ? t.caption.textContent.trim() : "",
  }));
  const footer = [...document.querySelectorAll(".md-footer a")].map(a => a.textContent.trim());
  return {lang: document.documentElement.lang, h1: document.querySelectorAll("h1").length,
          skipped, charts, tables, footer};
}"""


def criterion(tags: list[str]) -> str:
    """The WCAG success criterion among an axe rule's tags: wcag1410 → 1.4.10."""
    for tag in tags:
        found = re.fullmatch(r"wcag(\d)(\d)(\d+)", tag)
        if found:
            return ".".join(found.groups())
    raise AssertionError(f"no success criterion among {tags}")


def axe_version() -> str:
    return str(json.loads((AXE / "package.json").read_text(encoding="utf-8"))["version"])


def recorded_results() -> dict[str, Any]:
    """What data/settings.yml records of the last run: its tool and violations."""
    tested = checked_example().settings.accessibility.tested
    assert tested is not None, "data/settings.yml records no accessibility.tested"
    return {
        "tool": tested.tool,
        "violations": [v.model_dump() for v in tested.violations],
    }


@pytest.fixture(scope="module")
def every_page(chromium: Any, server: str, example_site: Path) -> dict[str, Any]:
    """axe and the facts above on every page of the site, in one page object, in turn."""
    axe = (AXE / "axe.min.js").read_text(encoding="utf-8")
    pages = site_pages(example_site)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(axe)
    # mkdocs-material's search builds its index in a worker on every page load: not what is
    # checked here (test_no_page_asks_another_host... uses it), and a third of the time
    context.route("**/search/search_index.json", lambda route: route.abort())

    def without_refresh(route: Any) -> None:
        # a redirect page: checked as it is, but kept from moving on (its refresh is checked
        # by test_redirect_pages_move_on_at_once)
        page = urlsplit(route.request.url).path.lstrip("/")
        text = html_file(example_site, page).read_text("utf-8")
        route.fulfill(
            body=text.replace('http-equiv="refresh"', 'http-equiv="x-refresh"'),
            content_type="text/html",
        )

    redirects = [
        page
        for page in pages
        if 'http-equiv="refresh"' in html_file(example_site, page).read_text("utf-8")
    ]
    for page in redirects:
        context.route(server + page, without_refresh)
    tab = context.new_page()
    started = time.monotonic()
    violations: dict[str, dict[str, Any]] = {}
    facts: dict[str, Any] = {}
    try:
        for page in pages:
            tab.goto(server + page, wait_until="load")
            if page not in redirects:
                tab.wait_for_function(READY, timeout=10_000)
            for found in tab.evaluate(AXE_RUN, list(AXE_TAGS)):
                entry = violations.setdefault(
                    found["id"],
                    {
                        "criterion": criterion(found["tags"]),
                        "rule": found["id"],
                        "summary": found["help"],
                        "pages": [],
                        "where": {},
                    },
                )
                entry["pages"].append(page)
                entry["where"][page] = found["nodes"]
            facts[page] = tab.evaluate(FACTS)
    finally:
        context.close()
    seconds = time.monotonic() - started
    print(f"\naxe-core {axe_version()}: {len(pages)} pages in {seconds:.1f} s")
    return {
        "pages": pages,
        "redirects": redirects,
        "violations": violations,
        "facts": facts,
        "seconds": seconds,
    }


def test_every_page_passes_axe(every_page: dict[str, Any]) -> None:
    assert len(every_page["pages"]) > 150  # every version's pages, not a sample
    broken = {
        rule: {
            "criterion": v["criterion"],
            "pages": len(v["pages"]),
            "first": list(v["where"].items())[:2],
        }
        for rule, v in every_page["violations"].items()
    }
    assert broken == {}


def test_the_recorded_results_are_the_tests_own(every_page: dict[str, Any]) -> None:
    """The statement is rendered from data/settings.yml's accessibility.tested: it must say
    what this run found, with this axe-core, or the test fails and says what to record."""
    fresh = {
        "tool": f"axe-core {axe_version()}",
        "violations": [
            {key: v[key] for key in ("criterion", "rule", "summary", "pages")}
            for _, v in sorted(every_page["violations"].items())
        ],
    }
    if fresh != recorded_results():
        record = yaml.safe_dump(
            {"tested": {"date": "<today>", **fresh}}, sort_keys=False, allow_unicode=True
        )
        pytest.fail(
            "data/settings.yml's accessibility.tested is not what the test found; "
            f"record this under accessibility:\n{record}"
        )


def test_every_page_says_en_gb_has_one_h1_and_no_skipped_heading(
    every_page: dict[str, Any],
) -> None:
    wrong = {
        page: {k: f[k] for k in ("lang", "h1", "skipped")}
        for page, f in every_page["facts"].items()
        if f["lang"] != "en-GB"
        or (page not in every_page["redirects"] and (f["h1"] != 1 or f["skipped"]))
    }
    assert wrong == {}


def test_every_chart_has_a_text_alternative_and_a_table(every_page: dict[str, Any]) -> None:
    charts = [(page, c) for page, f in every_page["facts"].items() for c in f["charts"]]
    assert len(charts) > 50
    assert [(page, c) for page, c in charts if not c["alt"] or not c["table"]] == []


def test_every_table_has_header_cells_and_a_caption(every_page: dict[str, Any]) -> None:
    tables = [(page, t) for page, f in every_page["facts"].items() for t in f["tables"]]
    assert len(tables) > 100
    assert [(page, t) for page, t in tables if not t["headers"] or not t["caption"]] == []


def test_every_page_links_to_the_accessibility_statement(every_page: dict[str, Any]) -> None:
    missing = [
        page
        for page, f in every_page["facts"].items()
        if page not in every_page["redirects"] and "Accessibility statement" not in f["footer"]
    ]
    assert missing == []
    assert not any("Material for MkDocs" in f["footer"] for f in every_page["facts"].values()), (
        "the theme's external link is off unless data/settings.yml asks for it"
    )


def test_redirect_pages_move_on_at_once(every_page: dict[str, Any], example_site: Path) -> None:
    """A redirect page moves on at once (a timed refresh would fail WCAG 2.2.1)."""
    assert len(every_page["redirects"]) > 10  # latest/ and the site's root
    for page in every_page["redirects"]:
        text = html_file(example_site, page).read_text("utf-8")
        assert re.search(r'http-equiv="refresh" content="0; url=[^"]+"', text), page


# --- one page of each kind -----------------------------------------------------------------

# The element that has the keyboard's focus: where it is in the document and how focus shows.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const all = [...document.querySelectorAll("*")];
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const text = (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 40);
  return {index: all.indexOf(el), tag: el.tagName, text,
          cls: el.className && el.className.baseVal === undefined ? el.className : "",
          outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
          shadow: style.boxShadow !== "none", size: box.width * box.height};
}"""


def focus_order(page: Any) -> list[dict[str, Any]]:
    """Tab through a page (its first 40 stops): each element the keyboard's focus lands on."""
    seen: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused["index"] <= seen[-1]["index"]):
            break  # past the last element, or round to the browser's own controls
        seen.append(focused)
    return seen


def test_keyboard_skip_link_first_and_focus_visible_in_reading_order(
    chromium: Any, server: str, example_site: Path
) -> None:
    """On one page of each kind: the skip link is the first stop, focus moves on in the order
    of the document (no tabindex reorders it) and is always on something seen, drawn round."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    wrong = {}
    try:
        for path in page_kinds(example_site):
            page.goto(server + path, wait_until="load")
            page.wait_for_function(READY, timeout=10_000)
            seen = focus_order(page)
            problems = [
                *(
                    ["the skip link is not first"]
                    if not seen or "md-skip" not in seen[0]["cls"]
                    else []
                ),
                *[f"focus not shown on {f}" for f in seen if not (f["outline"] or f["shadow"])],
                *[f"focus on nothing seen: {f}" for f in seen if f["size"] == 0],
                *(["fewer than 5 stops"] if len(seen) < 5 else []),
            ]
            if problems:
                wrong[path] = problems
    finally:
        page.close()
    assert wrong == {}


def test_at_320_px_no_page_kind_scrolls_sideways(
    chromium: Any, server: str, example_site: Path
) -> None:
    page = chromium.new_page(viewport={"width": 320, "height": 640})
    try:
        wide = {}
        for path in page_kinds(example_site):
            page.goto(server + path, wait_until="load")
            page.wait_for_function(READY, timeout=10_000)
            width = page.evaluate("() => document.scrollingElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}
    finally:
        page.close()


STORAGE = """() => ({local: Object.fromEntries(Object.entries(localStorage)),
                     session: Object.fromEntries(Object.entries(sessionStorage))})"""


def test_no_page_asks_another_host_for_anything_and_sets_no_cookie(
    chromium: Any, server: str, example_site: Path
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    stored: dict[str, Any] = {}
    try:
        page = context.new_page()
        kinds = page_kinds(example_site)
        for path in kinds:
            page.goto(server + path, wait_until="load")
            page.wait_for_function(READY, timeout=10_000)
        # search (the index, the worker) and the year switcher (versions.json, the sitemap)
        page.goto(f"{server}{YEAR}/", wait_until="load")
        page.keyboard.press("/")
        page.keyboard.type("violence")
        page.wait_for_selector(".md-search-result__item", timeout=30_000)
        page.keyboard.press("Escape")
        page.hover(".md-version")
        page.click(".md-version__link >> text=2025/26")
        page.wait_for_url(re.compile("2025-26"), timeout=10_000)
        # the theme notes whether the year is outdated once it has read versions.json, after
        # the page has loaded: wait for it, or the check below races it
        page.wait_for_function(
            "() => sessionStorage.getItem('/2025-26/.__outdated') !== null", timeout=10_000
        )
        stored = page.evaluate(STORAGE)
        cookies = context.cookies()
    finally:
        context.close()
    own = urlsplit(server).netloc
    assert len(requests) > len(kinds)
    assert [url for url in requests if urlsplit(url).netloc != own] == []
    assert cookies == []
    # mkdocs-material's own state only: whether each year seen is outdated (the banner for old
    # versions), in the tab's session storage; nothing that says who the reader is. Checked in
    # full, so a key the theme starts to keep fails here until it is looked at.
    assert stored["local"] == {}, stored
    assert set(stored["session"]) == {f"/{year}/.__outdated" for year in (YEAR, "2025-26")}, stored
    assert set(stored["session"].values()) <= {"true", "false"}, stored
