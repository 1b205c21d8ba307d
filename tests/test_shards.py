"""A version built in shards (home pages + one per area) reads as one site: every page is
there once, the search index and the sitemap list every page, and the navigation and the
rel=prev/next links cross shard boundaries as in a single build."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import two_areas

from generator.pipeline import check_project
from generator.render import Shard, Version, nav_pages, render_version
from generator.site import BuildError, BuildOptions, build_site
from generator.site.shards import shard_docs, shard_nav

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
        {"A": [{"A": "a/index.md"}, {"P": [{"O": "p/index.md"}, {"D": "p/data.md"}]}]},
        {"B": [{"B": "b/index.md"}, {"Q": [{"O": "q/index.md"}, {"D": "q/data.md"}]}]},
    ]


def _first_page(items: list[Any]) -> str:
    return next(nav_pages(items))


def _shown(items: list[Any], page: str, depth: int = 0) -> list[tuple[int, str, str]]:
    """What mkdocs-material's pruned navigation shows in `page`: the top level, and the items
    of every section on the page's branch; a section elsewhere is a link to its first page."""
    shown: list[tuple[int, str, str]] = []
    for item in items:
        ((title, value),) = item.items()
        if isinstance(value, list):
            shown.append((depth, title, _first_page(value)))
            if page in nav_pages(value):
                shown.extend(_shown(value, page, depth + 1))
        else:
            shown.append((depth, title, value))
    return shown


def _neighbours(items: list[Any], page: str) -> tuple[str | None, str | None]:
    order = list(nav_pages(items))
    index = order.index(page)
    return (order[index - 1] if index else None), (order[index + 1 : index + 2] or [None])[0]


def _section(prefix: str, pages: int) -> list[Any]:
    return [{f"{prefix}{n}": f"{prefix}/{n}.md"} for n in range(pages)]


AREAS = {
    "a": [{"A": "a/index.md"}, {"P": _section("p", 3)}, {"Q": _section("q", 2)}],
    "b": [{"B": "b/index.md"}, {"R": _section("r", 3)}],
    "c": [{"C": "c/index.md"}, {"S": _section("s", 2)}],
    "l": [{"L": "l/index.md"}, {"T": _section("t", 2)}],
    "d": [{"D": "d/index.md"}, {"U": _section("u", 2)}],
}
REGIONS = [
    {"Home": "index.md"},
    {"North": [{"A": AREAS["a"]}, {"B": AREAS["b"]}, {"C": AREAS["c"]}]},
    {"Lone area": AREAS["l"]},
    {"South": [{"D": AREAS["d"]}]},
    {"Accessibility": "accessibility.md"},
]


@pytest.mark.parametrize("own", sorted(AREAS))
def test_shard_nav_shows_every_page_of_a_shard_as_the_whole_navigation(own: str) -> None:
    """Areas under regions, and one without: an area's shard keeps its own pages and their
    neighbours (as `shard_docs` does); every one of its pages shows the same navigation items,
    links and neighbours with the cut navigation as with the whole one."""
    everything = list(nav_pages(REGIONS))
    mine = set(nav_pages(AREAS[own]))
    keep = set(mine) | {"index.md", "accessibility.md"}
    for index, page in enumerate(everything):
        if page in mine:
            keep.update(everything[max(index - 1, 0) : index + 2])
    cut = shard_nav(REGIONS, keep)
    assert set(nav_pages(cut)) >= keep
    for page in mine:
        assert _shown(cut, page) == _shown(REGIONS, page), page
        assert _neighbours(cut, page) == _neighbours(REGIONS, page), page
    assert len(list(nav_pages(cut))) < len(everything)


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


REGION = "Northmarch & Vale"


@pytest.fixture(scope="module")
def regions_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two areas of `two_areas`, in one region."""
    base = tmp_path_factory.mktemp("regions")
    root = two_areas(base / "project")
    areas = root / "data" / "areas.yml"
    areas.write_text(
        areas.read_text().replace(
            "    pcc: ashdown-pcc-office\n", f"    pcc: ashdown-pcc-office\n    region: {REGION}\n"
        )
    )
    project, problems = check_project(root)
    assert project is not None and not problems, problems
    build_site(project, BuildOptions(root, base / "site", jobs=2))
    return base / "site" / YEAR


def test_regions_group_areas_on_the_home_page_and_in_the_navigation(regions_site: Path) -> None:
    home = (regions_site / "index.html").read_text()
    region = home.index('<h3 id="northmarch-vale">Northmarch &amp; Vale</h3>')
    assert region < home.index('<h4 id="ashdown">Ashdown</h4>') < home.index('<h4 id="bexmoor">')
    assert (
        "<p>Region: Northmarch &amp; Vale.</p>" in (regions_site / "bexmoor/index.html").read_text()
    )
    # a page of each area's shard shows the region open, and in it the other area (built by
    # the other shard) as a link to its first page
    for page, other in (("fenwick-csp", "ashdown"), ("ashdown-pcc", "bexmoor")):
        html = (regions_site / page / "index.html").read_text()
        label = html.index('<label class="md-nav__link" for="__nav_2" id="__nav_2_label"')
        assert html.index("Northmarch &amp; Vale", label) < html.index(
            f'<a href="../{other}/" class="md-nav__link">', label
        )
    # the home page shows the region closed: a link to its first page, the first area's
    nav = home[: home.index('<div class="md-sidebar md-sidebar--secondary"')]
    pruned = nav.index('<li class="md-nav__item md-nav__item--pruned md-nav__item--nested">')
    link = nav.index('<a href="ashdown/" class="md-nav__link">', pruned)
    assert nav.index("Northmarch &amp; Vale", link) < nav.index("</li>", link)
    assert 'href="bexmoor/" class="md-nav__link"' not in nav


def test_a_shard_built_in_this_process_leaves_source_date_epoch_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs reads the build's date from SOURCE_DATE_EPOCH. A shard built in the calling process
    (--jobs 1, or a single shard to build: `plans serve` after an edit) once left it set, and
    the next build in that process took its date from there instead of from the data."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = two_areas(tmp_path / "project")
    project, _ = check_project(root)
    assert project is not None
    build_site(project, BuildOptions(root, tmp_path / "site", jobs=1))
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    build_site(project, BuildOptions(root, tmp_path / "again", jobs=1))
    assert os.environ["SOURCE_DATE_EPOCH"] == "86400"
