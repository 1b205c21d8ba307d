"""Where the reader is (issue 19, items 2 and 7): every page's title, the breadcrumbs, this page
in other years, the 404 page at any depth, and "fictional" said once on the home page."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.model import Project
from generator.pipeline import check_project
from generator.render import PAGES
from generator.site import BuildOptions, build_site
from generator.site.layout import years_on_site

ROOT = Path(__file__).resolve().parents[1]
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
HREF = re.compile(r'<(?:a|link)\b[^>]*?\bhref="([^"]*)"|<script\b[^>]*?\bsrc="([^"]*)"')
CRUMB = re.compile(
    r'<li class="md-path__item">\s*<a href="([^"]*)"[^>]*>\s*<span[^>]*>(.*?)</span>', re.DOTALL
)


def pages_of(site: Path) -> list[Path]:
    """Every built page of every version (not the `latest/` redirects), and each 404 page."""
    years = [entry["version"] for entry in json.loads((site / "versions.json").read_text())]
    found = [site / "404.html"]
    for year in years:
        found += sorted((site / year).rglob("index.html"))
        found.append(site / year / "404.html")
    return found


def served_file(site: Path, url: str) -> Path:
    """The file a local address (a path from the host's root) serves."""
    path = urlsplit(url).path.lstrip("/")
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def partnership_pages(site: Path, project: Project) -> list[tuple[str, str, str, Path]]:
    """(year, partnership, page, file) of every partnership page of the built site."""
    found = []
    for py in project.plan_years():
        folder = site / py.year / py.partnership
        if folder.is_dir():
            for name, _title, _template in PAGES:
                page = folder / ("" if name == "index" else name) / "index.html"
                found.append((py.year, py.partnership, name, page))
    return found


def test_no_two_pages_of_the_example_share_a_title(example_site: Path) -> None:
    titles: dict[str, Path] = {}
    for page in pages_of(example_site)[1:]:  # the root 404 is the latest year's, copied
        (title,) = TITLE.findall(page.read_text(encoding="utf-8"))
        assert title not in titles, f"{page} and {titles[title]}: {title}"
        titles[title] = page
    risks = example_site / "2026-27" / "sallowfield" / "performance" / "index.html"
    (title,) = TITLE.findall(risks.read_text(encoding="utf-8"))
    assert title == (
        "Performance — Sallowfield Community Safety Partnership — 2026/27"
        " — Brackenshire community safety plans"
    )
    overview = (example_site / "2024-25" / "sallowfield" / "index.html").read_text()
    assert "<title>Overview — Sallowfield Community Safety Partnership — 2024/25 —" in overview
    home = (example_site / "2024-25" / "index.html").read_text()
    assert "<title>Brackenshire community safety plans — 2024/25</title>" in home


def test_every_partnership_page_has_breadcrumbs_that_resolve(
    example_site: Path, example_project: Project
) -> None:
    pages = partnership_pages(example_site, example_project)
    assert len(pages) > 150
    for year, pid, _name, page in pages:
        partnership = example_project.partnerships[pid]
        area = example_project.areas[partnership.area].name
        text = page.read_text(encoding="utf-8")
        crumbs = CRUMB.findall(text)
        assert [html.unescape(label.strip()) for _, label in crumbs] == [
            "Home",
            area,
            partnership.name,
        ], page
        here = "/" + page.parent.relative_to(example_site).as_posix() + "/"
        targets = [served_file(example_site, urljoin(here, href)) for href, _ in crumbs]
        assert targets == [
            example_site / year / "index.html",
            example_site / year / partnership.area / "index.html",
            example_site / year / pid / "index.html",
        ], page
        assert all(target.is_file() for target in targets), page


def test_each_partnership_page_says_where_it_is_and_links_to_itself_in_other_years(
    example_site: Path, example_project: Project
) -> None:
    for year, pid, name, page in partnership_pages(example_site, example_project):
        text = page.read_text(encoding="utf-8")
        label = year.replace("-", "/")
        where = (
            "Overview"
            if name == "index"
            else html.escape(example_project.partnerships[pid].name, quote=True)
        )
        assert f'<div class="plans-where" data-search-exclude="">\n<p>{where} · {label}</p>' in text
        years = [
            py.year
            for py in example_project.years_of(pid)
            if py.plan.status in ("approved", "published", "superseded") and py.year != year
        ]
        line = re.search(r"<p>This page in other years: (.*?)</p>", text)
        assert (line is not None) == bool(years), page
        links = re.findall(r'<a href="([^"]*)">([0-9/]+)</a>', line.group(1)) if line else []
        assert [shown for _, shown in links] == [y.replace("-", "/") for y in years], page
        here = "/" + page.parent.relative_to(example_site).as_posix() + "/"
        for (href, _), other in zip(links, years, strict=True):
            target = served_file(example_site, urljoin(here, href))
            assert target == page.parents[0 if name == "index" else 1].parent.parent / other / (
                page.relative_to(example_site / year)
            ), (page, href)
            assert target.is_file(), (page, href)
    # Marrowby has no 2026/27: its 2025/26 pages list only its earlier years
    marrowby = (example_site / "2025-26" / "marrowby" / "risks" / "index.html").read_text()
    assert ">2026/27</a>" not in marrowby.split("This page in other years", 1)[1][:400]


def test_a_shards_key_holds_the_years_of_the_partnerships_it_reads(
    example_project: Project,
) -> None:
    """The pages list later years too, so which years a partnership has is in the key."""
    assert json.loads(years_on_site(example_project, ["marrowby"])) == [
        ["marrowby", ["2023-24", "2024-25", "2025-26"]]
    ]
    every = json.loads(years_on_site(example_project, None))
    assert [pid for pid, _ in every] == sorted(example_project.partnerships)


def assets_and_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [a or b for a, b in HREF.findall(text)]


@pytest.mark.parametrize("where", ["", "2026-27/"])
def test_the_404_page_finds_its_assets_and_links_from_any_depth(
    example_site: Path, where: str
) -> None:
    page = example_site / where / "404.html"
    urls = assets_and_links(page)
    assert any(url.endswith(".css") for url in urls) and any(url.endswith(".js") for url in urls)
    local = [url for url in urls if not url.startswith(("https://", "#"))]
    assert len(local) >= 8
    for served_at in (f"/{where}404.html", f"/{where}no/such/page/", "/a/b/c/d/"):
        for url in local:
            target = served_file(example_site, urljoin(served_at, url))
            assert target.is_file(), (page, served_at, url)
    assert '<h1 id="page-not-found">Page not found</h1>' in page.read_text(encoding="utf-8")


def test_the_404_page_of_a_project_without_a_site_url_links_from_its_year(
    tmp_path: Path,
) -> None:
    """Without site_url (the minimal project has no mkdocs.yml) MkDocs would write the 404's
    links from the host's root, where no version is: they are written from the year's."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "minimal", root)
    project, problems = check_project(root)
    assert project is not None, problems
    site = tmp_path / "site"
    build_site(project, BuildOptions(root, site, jobs=1))
    for page in (site / "404.html", site / "2025-26" / "404.html"):
        urls = [url for url in assets_and_links(page) if not url.startswith(("https://", "#"))]
        assert any(url == "/2025-26/assets/stylesheets/palette.fb2fffe2.min.css" for url in urls)
        for url in urls:
            assert served_file(site, urljoin("/x/y/z/", url)).is_file(), url


def visible_text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


def test_the_home_page_says_fictional_once(example_site: Path) -> None:
    for year in ("2024-25", "2026-27"):
        text = visible_text(example_site / year / "index.html")
        assert len(re.findall("fictional", text, re.IGNORECASE)) == 1, year
        assert "Fictional data." in text
