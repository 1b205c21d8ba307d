"""The site's search, used as a reader uses it: typed into the search box of a built site in
headless Chromium (through `bench.search`, which the search benchmark also uses).

Chromium and Playwright are test requirements: `.ci/run` installs both and sets
PLANS_BROWSER_TESTS=required, so there these tests fail rather than skip when either is missing.
Elsewhere they are skipped with the reason when no Chromium is found.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from conftest import browser_tests

from bench.search import SearchResult, search
from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
TIMEOUT_S = 60.0


pytestmark = browser_tests()


def build(project: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", str(project), "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    return out


def versions(site: Path) -> list[str]:
    return [entry["version"] for entry in json.loads((site / "versions.json").read_text())]


def page_of(site: Path, href: str) -> Path:
    """The built file a result's link opens (MkDocs' directory URLs)."""
    path = urlsplit(href).path.lstrip("/")
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def test_search_finds_pages_of_the_version_being_read(example_site: Path) -> None:
    newest = versions(example_site)[0]
    result = search(example_site, f"{newest}/", "domestic", timeout_s=TIMEOUT_S)
    assert result.summary.endswith("matching documents"), result.summary
    assert int(result.summary.split()[0]) >= 10
    assert result.hits
    for hit in result.hits:
        assert urlsplit(hit.href).path.startswith(f"/{newest}/"), hit
        assert page_of(example_site, hit.href).is_file(), hit
    # search.highlight carries the term to the page (a page's own entry carries none)
    assert any(urlsplit(hit.href).query == "h=domestic" for hit in result.hits), result.hits
    titles = [hit.title for hit in result.hits]
    assert any("domestic" in title.lower() for title in titles), titles


def test_notices_do_not_answer_a_search(example_site: Path) -> None:
    """An older year's pages all say "This is not the latest plan": only pages whose own text
    says "latest" may be found (indexed notices made every page of the year a match)."""
    oldest = "2024-25"  # the oldest year every partnership of the example has
    assert oldest in versions(example_site)
    pages = list((example_site / oldest).glob("*/*/index.html"))
    result = search(example_site, f"{oldest}/", "latest", timeout_s=TIMEOUT_S)
    assert len(pages) >= 30
    found = 0 if result.summary == "No matching documents" else int(result.summary.split()[0])
    assert found <= 5, result.summary
    for hit in result.hits:
        text = page_of(example_site, hit.href).read_text(encoding="utf-8")
        content = text.split("<!--plans:sanitized-->", 1)[1]
        without_notices = content.split('data-search-exclude="">', 1)[-1]
        assert "latest" in without_notices.lower(), hit


def test_a_search_with_no_match_says_so(example_site: Path) -> None:
    result = search(example_site, f"{versions(example_site)[0]}/", "zqxjvw", timeout_s=TIMEOUT_S)
    assert result.summary == "No matching documents"
    assert result.hits == ()


def test_hostile_text_in_results_stays_text(tmp_path: Path) -> None:
    """Search results are drawn by the theme's script from the index: text that looks like
    markup must reach the reader as text, and nothing in it may run."""
    project = tmp_path / "project"
    shutil.copytree(MINIMAL, project)
    shutil.copytree(ROOT / "theme", project / "theme")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    actions = project / "plans" / "fenwick-csp" / "2025-26" / "actions.yml"
    text = actions.read_text(encoding="utf-8")
    hostile = "Fund refuge places <img src=x onerror=alert(1)><script>alert(2)</script> quokka"
    described = '    description: "Wombat &lt;svg onload=alert(3)&gt; (written as entities)"\n'
    text = text.replace("    title: Fund refuge places\n", f'    title: "{hostile}"\n' + described)
    actions.write_text(text, encoding="utf-8")
    site = build(project, tmp_path / "site")
    found: list[SearchResult] = []
    for query in ("quokka", "wombat"):
        found.append(search(site, "2025-26/", query, timeout_s=TIMEOUT_S))
    for result in found:
        assert result.hits, result
        assert result.dialogs == (), result.dialogs
    assert any(hit.title == hostile for hit in found[0].hits), found[0].hits
    # shown as the page shows it: the entities as the characters they stand for, as text
    assert "Wombat <svg onload=alert(3)> (written as entities)" in found[1].text, found[1].text


def test_benchmark_prints_its_figures(
    example_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.search import main as bench_main

    assert bench_main([str(example_site), "--query", "refuge"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(pair.split("=") for pair in last.split())
    assert list(figures) == ["index_mb", "sections", "load_s", "results_s", "hits", "peak_mib"]
    assert int(figures["sections"]) > 100 and int(figures["hits"]) > 0
    assert 0 < float(figures["load_s"]) <= float(figures["results_s"])
    assert float(figures["peak_mib"]) > 0


def test_benchmark_says_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bench.search import main as bench_main

    assert bench_main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"Error: {tmp_path / 'versions.json'} does not exist: is {tmp_path} a built site?\n"
    )


def test_search_scoped_to_an_area_looks_through_that_area(tmp_path: Path) -> None:
    """With `search: area` an area's pages search their own area (and the home pages) in full
    and every other page by its title; the home pages their own sections and every title."""
    from test_search_scope import BEXMOOR, scoped_project

    project = scoped_project(tmp_path / "project")
    site = build(project, tmp_path / "site")
    settings = project / "data" / "settings.yml"
    settings.write_text(settings.read_text().replace("search: area", "search: version"))
    build(project, tmp_path / "whole")
    in_bexmoor = search(site, "2025-26/fenwick-csp/", "refuge", timeout_s=TIMEOUT_S)
    in_ashdown = search(site, "2025-26/ashdown-pcc/", "refuge", timeout_s=TIMEOUT_S)
    at_home = search(site, "2025-26/", "refuge", timeout_s=TIMEOUT_S)
    by_title = search(site, "2025-26/ashdown-pcc/", "fenwick", timeout_s=TIMEOUT_S)
    home_by_title = search(site, "2025-26/", "fenwick", timeout_s=TIMEOUT_S)
    assert in_bexmoor.placeholder == f"Search {BEXMOOR}"
    assert in_ashdown.placeholder == "Search Ashdown"
    assert at_home.placeholder == "Search partnerships and areas"
    assert any("#" in hit.href for hit in in_bexmoor.hits)  # its own sections, in full
    assert in_ashdown.summary == "No matching documents"  # another area's text
    assert at_home.summary == "No matching documents"
    for result in (by_title, home_by_title):
        assert "/2025-26/fenwick-csp/" in {urlsplit(hit.href).path for hit in result.hits}
    for result in (in_bexmoor, in_ashdown, at_home, by_title, home_by_title):
        assert result.dialogs == ()
    whole = search(tmp_path / "whole", "2025-26/", "refuge", timeout_s=TIMEOUT_S)
    assert whole.placeholder == "Search" and whole.hits  # by default: the whole version
