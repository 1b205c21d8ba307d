"""The build cache rebuilds exactly what changed, shard by shard, and never serves a stale page.

The project is the minimal fixture with Safer Fenwick moved to a second police force area, so
each year has three shards: the home pages, Ashdown (the PCC) and Bexmoor (Fenwick, which the
Ashdown PCC's formula funds across the area boundary).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import two_areas

from generator.caches import cache_folder
from generator.cli import main
from generator.pipeline import check_project
from generator.render.theme import BUNDLED
from generator.site import BuildOptions, BuildReport, build_site
from generator.site.cache import BuildCache

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
    # nothing written into the cache through the links (the note of the published site's
    # folders changes: moving them over changes their change time)
    assert {k: v for k, v in digest(cache).items() if k != "published.json"} == {
        k: v for k, v in cached.items() if k != "published.json"
    }


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
    archive = zipfile.ZipFile(out / "2025-26" / "data" / "open-data-2025-26.zip")
    assert b"Refuges" in archive.read("fenwick-csp/fenwick-csp-2025-26-actions.csv")  # zipped again
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


def test_an_unchanged_version_is_moved_over_from_the_published_site(tmp_path: Path) -> None:
    """Editing the newest year: the older version's folder is taken over as it is (the same
    folder, not one put together again), and the site equals a build without the cache."""
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    older = (out / "2024-25").stat().st_ino
    newer = (out / "2025-26").stat().st_ino
    edit(root / "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", "title: R")
    report = build(root, out, cache)
    assert report.kept == ("2024-25",)
    assert report.built == ("2025-26/_home", "2025-26/bexmoor")
    assert (out / "2024-25").stat().st_ino == older
    # the edited version is brought up to date where it stands (Ashdown's pages untouched)
    assert report.patched == ("2025-26",)
    assert (out / "2025-26").stat().st_ino == newer
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def test_a_version_whose_home_pages_did_not_change_is_patched_with_its_search_index(
    tmp_path: Path,
) -> None:
    """One area's cached shard is gone: it is built again (the same pages), and the published
    version gets that area's folder, a new search index and sitemaps, nothing else."""
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    home = (out / "2025-26" / "index.html").stat().st_ino
    search = (out / "2025-26" / "search").stat().st_ino
    # as after a build that failed before it was published: the version's key is not the one
    # on record, and Bexmoor's cached shard has gone
    record = cache / "published.json"
    record.write_text(record.read_text().replace(version_key_of(out, cache, "2025-26"), "old"))
    shutil.rmtree(cache / "2025-26" / "bexmoor")
    report = build(root, out, cache)
    assert report.built == ("2025-26/bexmoor",)
    assert report.kept == ("2024-25",) and report.patched == ("2025-26",)
    assert (out / "2025-26" / "index.html").stat().st_ino == home  # the home shard's, as it was
    assert (out / "2025-26" / "search").stat().st_ino == search  # only its index replaced
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def version_key_of(out: Path, cache: Path, year: str) -> str:
    return str(BuildCache(cache, out, BUNDLED).published(out)[year][0])


def test_latest_is_kept_until_the_latest_version_gains_or_loses_a_page(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    latest = (out / "latest").stat().st_ino
    edit(root / "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", "title: R")
    build(root, out, cache)
    assert (out / "latest").stat().st_ino == latest  # the same pages: the same redirects
    shutil.rmtree(root / "plans/fenwick-csp/2025-26")  # Fenwick's pages leave the latest year
    project, problems = check_project(root)  # (Ashdown's formula is warned it funds no plan)
    assert project is not None and {p.severity.value for p in problems} == {"warning"}
    for target, folder in ((out, cache), (tmp_path / "fresh", None)):
        build_site(project, BuildOptions(root, target, jobs=1, cache=folder))
    assert (out / "latest").stat().st_ino != latest
    assert (out / "2025-26").is_dir() and not (out / "latest" / "fenwick-csp").exists()
    assert digest(out) == digest(tmp_path / "fresh")


def test_no_edit_takes_over_every_version(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    before = digest(out)
    report = build(root, out, cache)
    assert report.kept == ("2024-25", "2025-26") and report.built == ()
    assert digest(out) == before


def test_a_version_folder_changed_by_hand_is_put_together_again(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    (out / "2024-25" / "stray.html").write_text("<p>not ours</p>")
    shutil.copytree(out / "2025-26", tmp_path / "copy")
    shutil.rmtree(out / "2025-26")
    shutil.copytree(tmp_path / "copy", out / "2025-26")  # same files, another folder
    report = build(root, out, cache)
    assert report.kept == () and report.built == ()  # every shard still from the cache
    assert not (out / "2024-25" / "stray.html").exists()
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def test_after_a_build_without_the_cache_nothing_is_taken_over(tmp_path: Path) -> None:
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    build(root, out, None)
    assert build(root, out, cache).kept == ()


def publish_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: Callable[[Path, Path], bool]
) -> tuple[Path, Path, Path]:
    """Build, edit one plan, build again with os.replace failing where `fails(source, target)`
    says: the site must be as it was, with nothing left over. The project, cache and site."""
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    build(root, out, cache)
    before = digest(out)
    edit(root / "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", "title: R")
    replace = os.replace

    def failing(source: Any, target: Any) -> None:
        if fails(Path(source), Path(target)):
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError):
        build(root, out, cache)
    monkeypatch.undo()
    assert digest(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site-")]  # no leftovers
    return root, cache, out


def test_a_failed_publish_puts_the_taken_over_versions_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    publish_failing(
        tmp_path,
        monkeypatch,
        lambda source, target: target == out and source.parent.name.startswith(".site-build-"),
    )


def test_a_publish_failing_halfway_through_an_update_in_place_undoes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moved_in: list[Path] = []

    def second_move_in(source: Path, target: Path) -> bool:
        if "stage" in source.parts:  # what the update brings in, from the work folder
            moved_in.append(target)
        return len(moved_in) == 2 and "stage" in source.parts

    root, cache, out = publish_failing(tmp_path, monkeypatch, second_move_in)
    assert len(moved_in) == 2  # one entry was in, and taken out again
    # the next build puts the folders it moved together afresh (moving changed their times)
    assert build(root, out, cache).built == ()
    build(root, tmp_path / "fresh", None)
    assert digest(out) == digest(tmp_path / "fresh")


def test_the_build_command_says_what_it_built_reused_and_kept(tmp_path: Path) -> None:
    root, out = project_copy(tmp_path), tmp_path / "site"
    command = ["build", str(root), "--out", str(out), "--jobs", "1"]
    first = CliRunner().invoke(main, command)
    assert first.exit_code == 0, first.output
    assert "6 of 6 shards built, 0 reused unchanged\n" in first.output
    edit(root / "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", "title: R")
    second = CliRunner().invoke(main, command)
    assert second.exit_code == 0, second.output
    assert (
        "2 of 6 shards built (2025-26/_home, 2025-26/bexmoor), 4 reused unchanged "
        "(1 version kept as published); updated in place: 2025-26\n" in second.output
    )
    assert (cache_folder(root) / "build" / "published.json").is_file()
    assert not (root / ".cache").exists()  # nothing kept in the project


def test_caches_are_kept_outside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One folder a project, under $PLANS_CACHE_DIR, else $XDG_CACHE_HOME, else ~/.cache."""
    monkeypatch.setenv("PLANS_CACHE_DIR", str(tmp_path / "caches"))
    one, other = tmp_path / "one" / "plans-project", tmp_path / "two" / "plans-project"
    assert cache_folder(one).parent == tmp_path / "caches"
    assert cache_folder(one).name.startswith("plans-project-")
    assert cache_folder(one) != cache_folder(other)  # same name, another project
    assert cache_folder(one) == cache_folder(tmp_path / "one" / ".." / "one" / "plans-project")
    monkeypatch.delenv("PLANS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder(one).parent == tmp_path / "xdg" / "partnership-plans"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder(one).parent == tmp_path / "home" / ".cache" / "partnership-plans"


def test_a_project_whose_path_is_not_utf8_still_has_its_own_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder named with bytes that are not UTF-8 (Python sees them as surrogates) is a
    project too: its cache folder is found, and differs from its neighbour's."""
    monkeypatch.setenv("PLANS_CACHE_DIR", str(tmp_path / "caches"))
    odd = tmp_path / os.fsdecode(b"caf\xe9")  # Latin-1 e-acute: not UTF-8
    assert "\udce9" in str(odd)
    assert cache_folder(odd).parent == tmp_path / "caches"
    assert cache_folder(odd) != cache_folder(tmp_path / "caf\udce8")


def test_shard_keys_use_the_hashes_taken_as_files_were_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same keys as hashing the files again, without reading them again; and the key
    follows the bytes that were validated if a file changes after loading."""
    root = project_copy(tmp_path)
    project, problems = check_project(root)
    assert project is not None and not problems
    loaded = {name: document.digest for name, document in project.documents.items()}
    assert loaded and all(loaded.values())
    read: list[str] = []
    original = Path.read_bytes

    def counting(path: Path) -> bytes:
        read.append(path.relative_to(root).as_posix() if path.is_relative_to(root) else "")
        return original(path)

    def keys(cache: BuildCache) -> list[str]:
        return [cache.key(y, ["o"], None) for y in ("2024-25", "2025-26")]

    monkeypatch.setattr(Path, "read_bytes", counting)
    fresh = keys(BuildCache(tmp_path / "c", root, BUNDLED))
    assert set(loaded) <= set(read)
    read.clear()
    assert keys(BuildCache(tmp_path / "c", root, BUNDLED, loaded)) == fresh
    assert not set(loaded) & set(read)
    changed = {**loaded, "plans/fenwick-csp/2025-26/actions.yml": bytes(32)}
    after = keys(BuildCache(tmp_path / "c", root, BUNDLED, changed))
    assert after[0] == fresh[0] and after[1] != fresh[1]


SHAPING_LIBRARIES = (  # written out here, not read from the code under test
    "mkdocs",
    "mkdocs-material",
    "Markdown",
    "pymdown-extensions",
    "Pygments",
    "nh3",
    "Jinja2",
    "MarkupSafe",
    "selectolax",
    "PyYAML",
    "pydantic",
    "pydantic-core",
)


@pytest.mark.parametrize("library", SHAPING_LIBRARIES)
def test_every_library_that_shapes_the_pages_is_in_every_shard_key(
    tmp_path: Path, fake_version: Callable[[str, str], None], library: str
) -> None:
    """The Markdown converter and its extensions (Pygments highlights code), the theme, the
    sanitiser, the templates' engine and escaping, the search index's parser, the loader and
    the model: upgrading any of them keys every shard afresh (no build needed to see it)."""
    root = project_copy(tmp_path)

    def keys() -> list[str]:
        cache = BuildCache(tmp_path / "c", root, BUNDLED)
        return [cache.key(y, ["o"], None) for y in ("2024-25", "2025-26")]

    before = keys()
    fake_version(library, "99.0")
    after = keys()
    assert after[0] != before[0] and after[1] != before[1]


@pytest.mark.parametrize(
    ("file", "years_changed"),
    [
        ("theme/overrides/main.html", (0, 1)),  # no longer overrides the theme's main.html
        ("data/settings.yml", (0, 1)),  # no longer the project's settings
        ("plans/fenwick-csp/2024-25/review.yml", (0, 1)),  # no longer the year's review
        ("plans/fenwick-csp/2025-26/plan.yml", (1,)),  # a later year is not read by 2024-25
    ],
)
def test_a_file_renamed_with_its_bytes_unchanged_changes_the_keys(
    tmp_path: Path, file: str, years_changed: tuple[int, ...]
) -> None:
    """What a file is named decides what it is (a template override, the settings, a year's
    review): set aside as `.bak`, its bytes and its place among its neighbours unchanged,
    it keys the shards that read it differently."""
    root = project_copy(tmp_path)

    def keys() -> list[str]:
        cache = BuildCache(tmp_path / "c", root, BUNDLED)
        return [cache.key(y, ["o"], ["fenwick-csp"]) for y in ("2024-25", "2025-26")]

    before = keys()
    (root / file).rename(root / f"{file}.bak")
    after = keys()
    assert [i for i in (0, 1) if after[i] != before[i]] == list(years_changed)


def test_shard_keys_do_not_follow_the_order_the_file_system_lists_files_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders list their files in an order of the file system's own, which differs between
    machines and copies (a build on several machines joins parts keyed on each)."""
    root = project_copy(tmp_path)

    def keys() -> list[str]:
        cache = BuildCache(tmp_path / "c", root, BUNDLED)
        return [cache.key(y, ["o"], None) for y in ("2024-25", "2025-26")]

    before = keys()
    for method in ("glob", "rglob"):
        listed = getattr(Path, method)

        def reversed_listing(path: Path, pattern: str, _listed: Any = listed) -> list[Path]:
            return sorted(_listed(path, pattern), reverse=True)

        monkeypatch.setattr(Path, method, reversed_listing)
    real_scandir = os.scandir

    class Reversed:
        def __init__(self, folder: str) -> None:
            self.scan = real_scandir(folder)

        def __enter__(self) -> list[os.DirEntry[str]]:
            return sorted(self.scan.__enter__(), key=lambda e: e.name, reverse=True)

        def __exit__(self, *exc: object) -> None:
            self.scan.__exit__(*exc)

    monkeypatch.setattr(os, "scandir", Reversed)
    assert keys() == before


def test_a_shard_key_does_not_follow_the_order_its_partnerships_are_named_in(
    tmp_path: Path,
) -> None:
    """A shard names the partnerships it reads in whatever order the build found them, with
    a partnership funded twice named twice: the same set keys alike. (Eight partnerships, so
    that an order the key failed to fix would show.)"""
    root = project_copy(tmp_path)
    names = ["ashdown-pcc", "fenwick-csp"]
    for n in range(6):
        year = root / "plans" / f"extra-{n}" / "2024-25"
        year.mkdir(parents=True)
        (year / "plan.yml").write_text(f"n: {n}\n")
        names.append(f"extra-{n}")
    cache = BuildCache(tmp_path / "c", root, BUNDLED)
    every = cache.key("2024-25", ["o"], None)
    assert cache.key("2024-25", ["o"], names) == every
    assert cache.key("2024-25", ["o"], names[::-1]) == every
    assert cache.key("2024-25", ["o"], [*names[3:], *names, *names[:3]]) == every
    assert cache.key("2024-25", ["o"], names[1:]) != every


def test_a_cache_is_keyed_even_where_plans_is_not_a_folder(tmp_path: Path) -> None:
    """The key is worked out from what is on disk, whatever is there: a file named plans has no
    partnerships (validation reports it; the cache does not fail on it)."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    (root / "plans").write_text("not a folder")
    cache = BuildCache(tmp_path / "c", root, BUNDLED)
    assert cache.key("2025-26", ["o"], None) == cache.key("2025-26", ["o"], None)


def test_a_build_reading_years_typed_only_when_read_is_byte_identical(tmp_path: Path) -> None:
    """With both caches on, the second build leaves the unedited year's files untyped until a
    page reads them (the validation record vouches for them): the site is the same."""
    root = project_copy(tmp_path)
    command = ["build", str(root), "--jobs", "1", "--out"]
    assert CliRunner().invoke(main, [*command, str(tmp_path / "site")]).exit_code == 0
    edit(root / "plans/fenwick-csp/2025-26/actions.yml", "title: Fund refuge places", "title: R")
    project, _ = check_project(root, cache=cache_folder(root) / "load")
    assert project is not None
    assert [py.year for py in project.plan_years() if py.untyped] == ["2024-25", "2024-25"]
    result = CliRunner().invoke(main, [*command, str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    fresh = CliRunner().invoke(main, [*command, str(tmp_path / "fresh"), "--no-cache"])
    assert fresh.exit_code == 0, fresh.output
    assert digest(tmp_path / "site") == digest(tmp_path / "fresh")


# --- what made the shards: the code and the libraries --------------------------------------------


@pytest.mark.parametrize("library", ["mkdocs-material", "nh3", "Markdown", "mkdocs", "Jinja2"])
def test_upgrading_a_library_that_shapes_the_pages_rebuilds_every_shard(
    tmp_path: Path, fake_version: Callable[[str, str], None], library: str
) -> None:
    """After an upgrade a cached shard holds pages made by the old version (for nh3, pages
    sanitised by the old allow-list): none may be served."""
    root, cache, out = project_copy(tmp_path), tmp_path / "cache", tmp_path / "site"
    assert build(root, out, cache).built == EVERYTHING
    assert build(root, out, cache).reused == EVERYTHING
    fake_version(library, "99.0")
    again = build(root, out, cache)
    assert again.built == EVERYTHING and again.reused == ()


def test_editing_the_generators_code_changes_every_shard_key(tmp_path: Path) -> None:
    """The key covers the generator's source as it is on disk: a copy of this checkout with
    one line of one module changed keys every shard differently; the same copy unchanged
    keys them alike."""
    bundled = tmp_path / "bundled"
    shutil.copytree(BUNDLED / "generator", bundled / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copytree(BUNDLED / "theme", bundled / "theme")
    shutil.copy(BUNDLED / "mkdocs.yml", bundled / "mkdocs.yml")
    root = project_copy(tmp_path)

    def keys() -> list[str]:
        cache = BuildCache(tmp_path / "c", root, bundled, package=bundled / "generator")
        return [cache.key(y, ["o"], None) for y in ("2024-25", "2025-26")]

    before = keys()
    assert keys() == before
    module = bundled / "generator" / "compute" / "rag.py"
    module.write_text(module.read_text() + "# one line more\n")
    after = keys()
    assert after[0] != before[0] and after[1] != before[1]
    template = bundled / "theme" / "pages" / "home.md.j2"
    template.write_text(template.read_text() + "\n")
    again = keys()
    assert again[0] != after[0] and again[1] != after[1], "the bundled theme is in the key"
    (bundled / "mkdocs.yml").write_text((bundled / "mkdocs.yml").read_text() + "\n")
    assert keys()[0] != again[0], "so are the bundled MkDocs settings"
