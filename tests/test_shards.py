"""A version built in shards (home pages + one per area) reads as one site: every page is
there once, the search index and the sitemap list every page, and the navigation and the
rel=prev/next links cross shard boundaries as in a single build."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from conftest import two_areas

from generator.pipeline import check_project
from generator.render import Shard, Version, render_version
from generator.site import BuildError, BuildOptions, build_site, shard_docs, shard_nav

YEAR = "2025-26"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("shards")
    root = two_areas(base / "project", "site_url: https://plans.example.org/\n")
    project, problems = check_project(root)
    assert project is not None and not problems, problems
    report = build_site(project, BuildOptions(root, base / "site", jobs=2))
    assert f"{YEAR}/ashdown" in report.built and f"{YEAR}/bexmoor" in report.built
    return base / "site" / YEAR


def pages(version: Path) -> set[str]:
    return {
        p.parent.relative_to(version).as_posix() + "/"
        for p in version.rglob("index.html")
        if p.parent != version
    } | {""}


def test_every_page_is_built_once_with_its_own_content(site: Path) -> None:
    fenwick = (site / "fenwick-csp" / "actions" / "index.html").read_text()
    assert "Fund refuge places" in fenwick  # built by its shard, not an empty stand-in
    for page in pages(site):
        html = (site / page / "index.html").read_text()
        assert html.count("<!--plans:sanitized-->") == 1, page
        assert re.search(r"<h1[^>]*>", html), page


def test_search_index_holds_every_page_of_every_shard(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text())
    located = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert located == pages(site)
    assert index["config"]["lang"] == ["en"]
    assert not list(site.rglob("search_index.json"))[1:]  # one index, at search/


def test_sitemap_lists_every_page_once(site: Path) -> None:
    xml = (site / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>(.*?)</loc>", xml)
    base = f"https://plans.example.org/{YEAR}/"
    assert sorted(locs) == sorted(base + page for page in pages(site))
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == xml


def test_navigation_and_neighbours_cross_shard_boundaries(site: Path) -> None:
    bexmoor = (site / "bexmoor" / "index.html").read_text()
    assert '<link rel="prev" href="../ashdown-pcc/data/">' in bexmoor
    last_of_ashdown = (site / "ashdown-pcc" / "data" / "index.html").read_text()
    assert '<link rel="next" href="../../bexmoor/">' in last_of_ashdown
    # a page of one shard links to the other area, pruned to its first page, with the same
    # markup a single build gives
    assert 'href="../../bexmoor/" class="md-nav__link"' in last_of_ashdown
    assert 'href="../ashdown/" class="md-nav__link"' in bexmoor


def test_shard_nav_keeps_own_pages_first_pages_and_nothing_else() -> None:
    nav = [
        {"Home": "index.md"},
        {"A": [{"A": "a/index.md"}, {"P": [{"O": "p/index.md"}, {"D": "p/data.md"}]}]},
        {"B": [{"B": "b/index.md"}, {"Q": [{"O": "q/index.md"}, {"D": "q/data.md"}]}]},
        {"Accessibility": "accessibility.md"},
    ]
    keep = {"b/index.md", "q/index.md", "q/data.md", "p/data.md"}
    assert shard_nav(nav, keep) == [
        {"A": [{"A": "a/index.md"}, {"P": [{"D": "p/data.md"}]}]},
        {"B": [{"B": "b/index.md"}, {"Q": [{"O": "q/index.md"}, {"D": "q/data.md"}]}]},
    ]


def test_stand_ins_are_only_pages_the_shard_names(tmp_path: Path) -> None:
    root = two_areas(tmp_path / "project")
    project, _ = check_project(root)
    assert project is not None
    renderer_version = Version(YEAR, YEAR)
    rendered = render_version(
        project, root / "theme", renderer_version, Shard("bexmoor", ("bexmoor",))
    )
    docs = shard_docs(rendered)
    files, stubs = docs.files, docs.stubs
    assert all(files[stub] == b"" for stub in stubs)
    assert files.get("fenwick-csp/actions.md")
    assert "ashdown-pcc/data.md" in stubs  # rel=prev of the area page
    assert "ashdown/index.md" in stubs  # the other area's first page, in the navigation
    assert "ashdown-pcc/actions.md" not in stubs  # nothing names it
    assert not any(name.startswith("ashdown-pcc/") for name in rendered.files)


@pytest.mark.parametrize(
    ("anchor", "fails"), [("priority.safer-streets", False), ("nowhere", True)]
)
def test_anchors_on_pages_of_other_shards_are_checked(
    tmp_path: Path, anchor: str, fails: bool
) -> None:
    root = two_areas(tmp_path / "project")
    override = root / "theme" / "partnerships" / "fenwick-csp"
    override.mkdir(parents=True)
    review = (root / "theme" / "pages" / "review.md.j2").read_text()
    link = f"\nSee [the PCC's priority](../ashdown-pcc/priorities.md#{anchor}).\n"
    (override / "review.md.j2").write_text(review + link)
    project, problems = check_project(root)
    assert project is not None and not problems, problems
    options = BuildOptions(root, tmp_path / "site", jobs=1)
    if not fails:
        build_site(project, options)
        html = (tmp_path / "site" / YEAR / "fenwick-csp" / "review" / "index.html").read_text()
        assert f'href="../../ashdown-pcc/priorities/#{anchor}"' in html
        return
    with pytest.raises(BuildError, match="does not contain an anchor '#nowhere'"):
        build_site(project, options)
    assert not (tmp_path / "site").exists()
