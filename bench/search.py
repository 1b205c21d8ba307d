"""Time the site's search in a real browser: how long a reader waits for the first results.

mkdocs-material searches in the reader's browser: on every page load a web worker fetches the
version's `search/search_index.json` and builds a lunr index from it before it can answer. That
cost grows with the version's pages, so a national site is measured here, not guessed:

    python -m bench.search SITE [--page 2026-27/] [--query domestic]

SITE is a built site (`plans build --out SITE`). The site is served on 127.0.0.1, the page is
opened in headless Chromium (through Playwright; `--chromium` names the browser, default
/usr/bin/chromium), the query is typed into the search box, and the script prints the time
from opening the page to the first results, the index's size and the browser's peak memory
(all its processes), ending with one line of `key=value` pairs. The tests use `search` to check
that search works on the example site.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.site.pdf import CHROMIUM, find_chromium  # one finder: `plans build --pdf` too

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

BROWSER_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Without the networking flags Chromium keeps trying hosts that a closed network refuses."""
TIMEOUT_S = 600.0


class SearchError(Exception):
    """The site or the browser could not be used: said in words, no traceback."""


@dataclass(frozen=True)
class Hit:
    title: str
    href: str


@dataclass(frozen=True)
class SearchResult:
    query: str
    load_s: float
    """Opening the page, to the load event."""
    results_s: float
    """Opening the page, to the first results shown (or the theme saying there are none)."""
    summary: str
    """What the theme says above the results, such as '24 matching documents'."""
    hits: tuple[Hit, ...]
    """The results shown (the theme shows the first ten)."""
    peak_mib: float
    """The browser's processes' peak memory (proportional set size), sampled every 0.1 s."""
    text: str = ""
    """The results list as the reader sees it (its visible text)."""
    dialogs: tuple[str, ...] = ()
    """The message of every alert, confirm or prompt the page opened (none, on a safe page)."""
    placeholder: str = ""
    """What the search box said before anything was typed."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) while the block runs; yields its address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _MemorySampler:
    """The summed resident memory of every process started with a given profile folder."""

    def __init__(self, marker: str) -> None:
        self.marker = marker.encode()
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kib = max(self.peak_kib, self._sample())

    def _sample(self) -> int:
        total = 0
        for pid in filter(str.isdigit, os.listdir("/proc")) if os.path.isdir("/proc") else ():
            try:
                if self.marker not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                # PSS, not RSS: Chromium's processes share much of their memory, and summed
                # RSS counts it once a process
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            except (OSError, ValueError):
                continue  # the process ended while we looked
        return total


def search(
    site: Path, page: str, query: str, chromium: str | None = None, timeout_s: float = TIMEOUT_S
) -> SearchResult:
    """Open `page` (a path below `site`) in headless Chromium, type `query` into the search box
    and wait for the first results."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise SearchError("Playwright is not installed: pip install -e '.[test]'") from exc
    browser_path = find_chromium(chromium)
    if browser_path is None:
        raise SearchError("no Chromium found: install it (Debian: apt-get install chromium)")
    if not query.split():
        raise SearchError("the query is empty")
    if not (site / page).exists():
        raise SearchError(f"{site / page} does not exist: build the site first")
    timeout_ms = timeout_s * 1000
    with (
        tempfile.TemporaryDirectory(prefix="plans-search-") as profile,
        serve(site) as base,
        sync_playwright() as playwright,
        _MemorySampler(profile) as memory,
    ):
        try:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=browser_path,
                args=list(BROWSER_ARGS),
                viewport={"width": 1280, "height": 800},
            )
        except PlaywrightError as exc:
            raise SearchError(f"Chromium did not start: {exc}") from exc
        try:
            tab = context.new_page()
            dialogs: list[str] = []

            def opened(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            tab.on("dialog", opened)
            started = time.perf_counter()
            tab.goto(base + page, timeout=timeout_ms)
            loaded = time.perf_counter() - started
            box = tab.locator("input.md-search__input")
            placeholder = box.get_attribute("placeholder") or ""
            box.click()  # a desktop-wide window: the search box stands in the header
            box.press_sequentially(query)  # key by key, as a reader types: the theme
            # searches on each key, and a value set at once can come before it listens
            # The worker answers once its index is built: results, or the theme's "no match".
            # Results for the first letters typed can come first: wait for those of the last
            # word, which the theme's highlighting puts in each result's link (?h=...).
            tab.wait_for_function(
                """last => [...document.querySelectorAll('.md-search-result__link')].some(
                        a => (new URL(a.href).searchParams.get('h') || '').split(' ')
                                .includes(last))
                    || (document.querySelector('.md-search-result__meta')||{}).textContent
                        === 'No matching documents'""",
                arg=query.split()[-1].lower(),
                timeout=timeout_ms,
                polling=50,
            )
            answered = time.perf_counter() - started
            summary = tab.locator(".md-search-result__meta").text_content() or ""
            hits = tab.eval_on_selector_all(
                ".md-search-result__item > .md-search-result__link",
                """links => links.map(a => [
                        (a.querySelector('h1, h2')||{}).textContent || '', a.href])""",
            )
            shown = tab.locator(".md-search-result__list").inner_text()
        except PlaywrightError as exc:
            raise SearchError(f"the search did not answer: {exc}") from exc
        finally:
            context.close()
    return SearchResult(
        query=query,
        load_s=loaded,
        results_s=answered,
        summary=summary.strip(),
        hits=tuple(Hit(title.strip(), href) for title, href in hits),
        peak_mib=memory.peak_kib / 1024,
        text=shown,
        dialogs=tuple(dialogs),
        placeholder=placeholder,
    )


_SCOPED = re.compile(r'<meta name="plans-search-index" content="([^"]+)"')


def index_figures(site: Path, page: str) -> tuple[float, int]:
    """The size (MB) and number of sections of the search index `page` loads: its version's,
    or the one the page names (`search: area` in data/settings.yml)."""
    index = site / page.split("/", 1)[0] / "search" / "search_index.json"
    html = site / page / "index.html" if (site / page).is_dir() else site / page
    if html.is_file() and (named := _SCOPED.search(html.read_text(encoding="utf-8"))):
        index = html.parent / named.group(1)
    if not index.is_file():
        raise SearchError(f"{index} does not exist: is {page.split('/', 1)[0]} a version?")
    return index.stat().st_size / 1e6, len(json.loads(index.read_bytes())["docs"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description="Time mkdocs-material's search on a built site in headless Chromium.",
    )
    parser.add_argument("site", type=Path, help="a built site (plans build --out SITE)")
    parser.add_argument("--page", help="a page below SITE (default: the newest version's home)")
    parser.add_argument("--query", default="domestic", help="what to type into the search box")
    parser.add_argument("--chromium", help=f"the browser to drive (default {CHROMIUM})")
    args = parser.parse_args(argv)
    try:
        page = args.page or _newest_version(args.site) + "/"
        size_mb, sections = index_figures(args.site, page)
        result = search(args.site, page, args.query, args.chromium)
    except SearchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"page {page}: search index {size_mb:.1f} MB, {sections} sections")
    print(f"loaded in {result.load_s:.2f} s; {result.summary!r} after {result.results_s:.2f} s")
    for hit in result.hits[:3]:
        print(f"  {hit.title}  {hit.href}")
    print(
        f"index_mb={size_mb:.1f} sections={sections} load_s={result.load_s:.2f} "
        f"results_s={result.results_s:.2f} hits={len(result.hits)} peak_mib={result.peak_mib:.0f}"
    )
    return 0


def _newest_version(site: Path) -> str:
    versions = site / "versions.json"
    if not versions.is_file():
        raise SearchError(f"{versions} does not exist: is {site} a built site?")
    return str(json.loads(versions.read_text())[0]["version"])


if __name__ == "__main__":
    sys.exit(main())
