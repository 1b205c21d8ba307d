"""The build cache rebuilds exactly what changed, and never serves a stale version."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from generator.pipeline import check_project
from generator.site import BuildOptions, BuildReport, build_site

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def build(root: Path, out: Path, cache: Path | None) -> BuildReport:
    project, problems = check_project(root)
    assert project is not None, problems
    return build_site(project, BuildOptions(root, out, jobs=1, cache=cache))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def test_no_edit_rebuilds_nothing_and_leaves_the_site_unchanged(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    first = build(root, out, cache)
    assert first.built == ("2024-25", "2025-26") and first.reused == ()
    before = digest(out)
    second = build(root, out, cache)
    assert second.built == () and second.reused == ("2024-25", "2025-26")
    assert digest(out) == before


def test_a_cached_build_is_byte_identical_to_a_fresh_one(tmp_path: Path) -> None:
    root, cache = project_copy(tmp_path), tmp_path / "cache"
    build(root, tmp_path / "warm", cache)
    edit(
        root / "plans/fenwick-csp/2025-26/actions.yml",
        "title: Fund refuge places",
        "title: Refuges",
    )
    build(root, tmp_path / "cached", cache)
    build(root, tmp_path / "fresh", None)
    assert digest(tmp_path / "cached") == digest(tmp_path / "fresh")


def test_a_data_edit_in_the_newest_year_rebuilds_only_that_year(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    edit(
        root / "plans/fenwick-csp/2025-26/actions.yml",
        "title: Fund refuge places",
        "title: Refuges",
    )
    report = build(root, out, cache)
    assert report.built == ("2025-26",) and report.reused == ("2024-25",)
    assert "Refuges" in (out / "2025-26" / "fenwick-csp" / "actions" / "index.html").read_text()


def test_a_data_edit_in_an_older_year_rebuilds_it_and_every_later_year(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    edit(
        root / "plans/fenwick-csp/2024-25/review.yml",
        "narrative: Reporting rose.",
        "narrative: Up.",
    )
    report = build(root, out, cache)
    assert report.built == ("2024-25", "2025-26") and report.reused == ()


def test_a_template_edit_rebuilds_every_year(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    template = root / "theme" / "pages" / "review.md.j2"
    template.write_text(template.read_text() + "\nEdited template.\n")
    report = build(root, out, cache)
    assert report.built == ("2024-25", "2025-26")
    assert (
        "Edited template."
        in (out / "2024-25" / "fenwick-csp" / "review" / "index.html").read_text()
    )


def test_an_mkdocs_yml_edit_rebuilds_every_year(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    edit(root / "mkdocs.yml", "primary: indigo", "primary: teal")
    report = build(root, out, cache)
    assert report.built == ("2024-25", "2025-26")


def test_reference_data_edit_rebuilds_every_year(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    edit(root / "data/organisations.yml", "Fenwick Refuge Trust", "Fenwick Refuge")
    report = build(root, out, cache)
    assert report.built == ("2024-25", "2025-26")
