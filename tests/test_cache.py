"""The build cache rebuilds exactly what changed, shard by shard, and never serves a stale page.

The project is the minimal fixture with Safer Fenwick moved to a second police force area, so
each year has three shards: the home pages, Ashdown (the PCC) and Bexmoor (Fenwick, which the
Ashdown PCC's formula funds across the area boundary).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import two_areas

from generator.pipeline import check_project
from generator.site import BuildOptions, BuildReport, build_site

EVERYTHING = tuple(
    f"{y}/{s}" for y in ("2024-25", "2025-26") for s in ("_home", "ashdown", "bexmoor")
)


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def project_copy(tmp_path: Path) -> Path:
    return two_areas(tmp_path / "project")


def build(root: Path, out: Path, cache: Path | None) -> BuildReport:
    project, problems = check_project(root)
    assert project is not None and not problems, problems
    return build_site(project, BuildOptions(root, out, jobs=1, cache=cache))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def rebuilt_after(tmp_path: Path, change: object) -> tuple[BuildReport, Path, Path]:
    """Build, apply `change(root)`, build again: the second report, the project, the site."""
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    first = build(root, out, cache)
    assert first.built == EVERYTHING and first.reused == ()
    assert callable(change)
    change(root)
    return build(root, out, cache), root, out


def test_no_edit_rebuilds_nothing_and_leaves_the_site_unchanged(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    first = build(root, out, cache)
    assert first.built == EVERYTHING and first.reused == ()
    before, cached = digest(out), digest(cache)
    second = build(root, out, cache)
    assert second.built == () and second.reused == EVERYTHING
    assert digest(out) == before
    assert digest(cache) == cached  # nothing written into the cache through the links


def test_a_cached_build_is_byte_identical_to_a_fresh_one(tmp_path: Path) -> None:
    root, cache = project_copy(tmp_path), tmp_path / "cache"
    build(root, tmp_path / "warm", cache)
    edit(
        root / "plans/fenwick-csp/2025-26/actions.yml",
        "title: Fund refuge places",
        "title: Refuges",
    )
    report = build(root, tmp_path / "cached", cache)
    assert report.reused  # some shards came from the cache
    build(root, tmp_path / "fresh", None)
    assert digest(tmp_path / "cached") == digest(tmp_path / "fresh")


def test_a_data_edit_of_one_partnership_rebuilds_only_its_shard(tmp_path: Path) -> None:
    def change(root: Path) -> None:
        edit(
            root / "plans/fenwick-csp/2025-26/actions.yml",
            "title: Fund refuge places",
            "title: Refuges",
        )

    report, _root, out = rebuilt_after(tmp_path, change)
    # the home pages list every plan; Bexmoor is Fenwick's area; nothing else changes
    assert report.built == ("2025-26/_home", "2025-26/bexmoor")
    assert report.reused == (
        "2024-25/_home",
        "2024-25/ashdown",
        "2024-25/bexmoor",
        "2025-26/ashdown",
    )
    assert "Refuges" in (out / "2025-26" / "fenwick-csp" / "actions" / "index.html").read_text()
    index = (out / "2025-26" / "search" / "search_index.json").read_text()
    assert "Refuges" in index and "ashdown-pcc/" in index  # every shard's entries, one index


def test_a_formula_edit_rebuilds_the_areas_it_funds(tmp_path: Path) -> None:
    def change(root: Path) -> None:
        funding = root / "plans/ashdown-pcc/2025-26/funding.yml"
        edit(funding, "pot: 100.00", "pot: 90.00")

    report, _root, out = rebuilt_after(tmp_path, change)
    assert report.built == ("2025-26/_home", "2025-26/ashdown", "2025-26/bexmoor")
    fenwick = (out / "2025-26" / "fenwick-csp" / "funding" / "index.html").read_text()
    assert "£90.00" in fenwick and "£100.00" not in fenwick


def test_a_data_edit_in_an_older_year_rebuilds_it_and_every_later_year(tmp_path: Path) -> None:
    def change(root: Path) -> None:
        edit(
            root / "plans/fenwick-csp/2024-25/review.yml",
            "narrative: Reporting rose.",
            "narrative: Up.",
        )

    report, _root, _out = rebuilt_after(tmp_path, change)
    assert report.built == ("2024-25/_home", "2024-25/bexmoor", "2025-26/_home", "2025-26/bexmoor")


def test_a_template_edit_rebuilds_every_shard(tmp_path: Path) -> None:
    def change(root: Path) -> None:
        template = root / "theme" / "pages" / "review.md.j2"
        template.write_text(template.read_text() + "\nEdited template.\n")

    report, _root, out = rebuilt_after(tmp_path, change)
    assert report.built == EVERYTHING
    review = out / "2024-25" / "fenwick-csp" / "review" / "index.html"
    assert "Edited template." in review.read_text()


def test_an_mkdocs_yml_edit_rebuilds_every_shard(tmp_path: Path) -> None:
    report, _root, out = rebuilt_after(
        tmp_path, lambda root: edit(root / "mkdocs.yml", "primary: indigo", "primary: teal")
    )
    assert report.built == EVERYTHING
    assert (
        'data-md-color-primary="teal"'
        in (out / "2024-25" / "fenwick-csp" / "index.html").read_text()
    )


def test_reference_data_edit_rebuilds_every_shard(tmp_path: Path) -> None:
    report, _root, _out = rebuilt_after(
        tmp_path,
        lambda root: edit(
            root / "data/organisations.yml", "Fenwick Refuge Trust", "Fenwick Refuge"
        ),
    )
    assert report.built == EVERYTHING
