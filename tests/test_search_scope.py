"""`search: area` in data/settings.yml: each police force area's pages search their own area
(and the home pages) in full and every other page by its title; the home pages their own
sections and every page by its title. The index files, the pages that name them, and that
cached and patched builds give the same files as a fresh one. The search itself, in a browser:
tests/test_browser.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import two_areas
from test_cache import build, digest

from generator.render.theme import BUNDLED
from generator.site.cache import BuildCache
from generator.site.sanitize import scan_site

YEARS = ("2024-25", "2025-26")
OWN = {"ashdown": {"ashdown", "ashdown-pcc"}, "bexmoor": {"bexmoor", "fenwick-csp"}}
"""Each area's top-level folders: its area page and its partnerships'."""
BEXMOOR = 'Bexmoor <img src=x onerror=alert(9)> & "Vale"'


def scoped_project(root: Path) -> Path:
    two_areas(root)
    settings = root / "data" / "settings.yml"
    settings.write_text(settings.read_text() + "search: area\n")
    areas = root / "data" / "areas.yml"
    areas.write_text(areas.read_text().replace("name: Bexmoor", f"name: '{BEXMOOR}'"))
    return root


def docs(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text())["docs"])


def top(doc: dict[str, Any]) -> str:
    """The top-level folder of an entry's page ('' for the version's home page)."""
    return str(doc["location"]).split("#")[0].split("/")[0]


@pytest.fixture(scope="module")
def scoped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("scoped")
    build(scoped_project(base / "project"), base / "site", None)
    return base / "site"


def test_each_area_index_holds_its_area_and_the_home_pages_whole_and_the_rest_by_title(
    scoped_site: Path,
) -> None:
    for year in YEARS:
        whole = docs(scoped_site / year / "search" / "search_index.json")
        others = {name for folders in OWN.values() for name in folders}
        home = [doc for doc in whole if top(doc) not in others]
        assert home and all(top(doc) in ("", "glossary", "accessibility", "schema") for doc in home)
        for area, own in OWN.items():
            scoped = docs(scoped_site / year / "search" / "areas" / f"{area}.json")
            mine = [doc for doc in whole if top(doc) in own]
            titles = [
                {**doc, "text": ""}
                for doc in whole
                if top(doc) in others - own and "#" not in doc["location"]
            ]
            assert mine and titles
            assert scoped == home + mine + titles
        every_title = [
            {**doc, "text": ""}
            for doc in whole
            if top(doc) in others and "#" not in doc["location"]
        ]
        assert docs(scoped_site / year / "search" / "areas" / "_home.json") == home + every_title
        config = json.loads((scoped_site / year / "search" / "search_index.json").read_text())
        for area in (*OWN, "_home"):
            scoped_config = json.loads(
                (scoped_site / year / "search" / "areas" / f"{area}.json").read_text()
            )["config"]
            assert scoped_config == config["config"]


def test_every_page_names_its_shards_index(scoped_site: Path) -> None:
    year = scoped_site / "2025-26"
    page = (year / "fenwick-csp" / "actions" / "index.html").read_text()
    assert (
        '<meta name="plans-search-index" content="../../search/areas/bexmoor.json"\n'
        '      data-label="Search Bexmoor &lt;img src=x onerror=alert(9)&gt; &amp; &#34;Vale&#34;">'
    ) in page
    assert '<script src="../../assets/javascripts/plans-search.js"></script>' in page
    assert page.index("plans-search.js") < page.index("bundle.")  # before the theme's script
    area = (year / "ashdown" / "index.html").read_text()
    assert 'content="../search/areas/ashdown.json"' in area
    for home, up in ((year / "index.html", ""), (year / "accessibility" / "index.html", "../")):
        text = home.read_text()
        assert (
            f'<meta name="plans-search-index" content="{up}search/areas/_home.json"\n'
            '      data-label="Search partnerships and areas">'
        ) in text, home
    assert (year / "assets" / "javascripts" / "plans-search.js").is_file()
    assert scan_site(scoped_site) == []


def test_by_default_a_version_has_one_index_and_no_page_names_another(tmp_path: Path) -> None:
    root = two_areas(tmp_path / "project")
    build(root, tmp_path / "site", None)
    year = tmp_path / "site" / "2025-26"
    assert not (year / "search" / "areas").exists()
    assert not [page for page in year.rglob("index.html") if "plans-search" in page.read_text()]


def test_a_one_plan_edit_updates_the_area_indexes_as_a_fresh_build_would(
    tmp_path: Path,
) -> None:
    root, cache, out = scoped_project(tmp_path / "project"), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    actions = root / "plans" / "fenwick-csp" / "2025-26" / "actions.yml"
    actions.write_text(actions.read_text().replace("Fund refuge places", "Fund quokka places"))
    report = build(root, out, cache)
    assert set(report.built) == {"2025-26/_home", "2025-26/bexmoor"}
    assert report.patched == ("2025-26",)
    assert (
        "Fund quokka places" in (out / "2025-26" / "search" / "areas" / "bexmoor.json").read_text()
    )
    assert (
        "Fund quokka places"
        not in (out / "2025-26" / "search" / "areas" / "ashdown.json").read_text()
    )
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def test_a_version_patched_where_it_stands_gets_new_area_indexes(tmp_path: Path) -> None:
    """Only one area's shard is built again: the version is updated in place, its area
    indexes with it, and ends as a fresh build would."""
    root, cache, out = scoped_project(tmp_path / "project"), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    record = cache / "published.json"
    key = str(BuildCache(cache, out, BUNDLED).published(out)["2025-26"][0])
    record.write_text(record.read_text().replace(key, "old"))
    shutil.rmtree(cache / "2025-26" / "bexmoor")
    report = build(root, out, cache)
    assert report.built == ("2025-26/bexmoor",) and report.patched == ("2025-26",)
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def test_the_search_benchmark_counts_the_index_a_page_loads(scoped_site: Path) -> None:
    from bench.search import index_figures

    for page, index in (
        ("2025-26/fenwick-csp/", "areas/bexmoor.json"),
        ("2025-26/", "areas/_home.json"),
    ):
        path = scoped_site / "2025-26" / "search" / index
        assert index_figures(scoped_site, page) == (path.stat().st_size / 1e6, len(docs(path)))


def test_indexes_put_together_from_pieces_are_json_dumps_of_the_whole(tmp_path: Path) -> None:
    """joined_files writes each shard's entries once and pieces the indexes together: the
    bytes must be exactly json.dumps of each index whole (escapes, non-ASCII, empty shards)."""
    from generator.site.search import SEARCH_INDEX, area_index, joined_files, page_titles

    config = {"lang": ["en"], "separator": "[\\s\\-]+", "pipeline": ["stopWordFilter"]}
    shards: dict[str, list[dict[str, Any]]] = {
        "_home": [{"location": "", "title": "Home", "text": '<p>Caf\u00e9 \u2014 "q"</p>'}],
        "a": [
            {"location": "p/", "title": "P \\ <b>", "text": "x"},
            {"location": "p/#s", "title": "S", "text": "\U0001f600 y"},
        ],
        "empty": [],
        "b": [{"location": "q/", "title": "Q", "text": "z"}],
    }
    parts = []
    for name, entries in shards.items():
        part = tmp_path / name
        (part / "search").mkdir(parents=True)
        (part / SEARCH_INDEX).write_text(json.dumps({"config": config, "docs": entries}))
        parts.append(part)
    files = joined_files(parts, 0, list(shards))

    def dumped(entries: list[Any]) -> bytes:
        return json.dumps({"config": config, "docs": entries}, separators=(",", ":")).encode()

    everything = [doc for entries in shards.values() for doc in entries]
    assert files[SEARCH_INDEX] == dumped(everything)
    home = shards["_home"]
    assert files[area_index("_home")] == dumped(
        home + page_titles(shards["a"]) + page_titles(shards["b"])
    )
    assert files[area_index("a")] == dumped(home + shards["a"] + page_titles(shards["b"]))
    assert files[area_index("empty")] == dumped(
        home + page_titles(shards["a"]) + page_titles(shards["b"])
    )
    assert files[area_index("b")] == dumped(home + shards["b"] + page_titles(shards["a"]))
    assert joined_files(parts, 0)[SEARCH_INDEX] == dumped(everything)
    assert area_index("a") not in joined_files(parts, 0)
