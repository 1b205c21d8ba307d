"""A site built in parts on several machines (`plans build --part K/N`, `plans assemble`) is
byte for byte the site `plans build` makes on one; parts that do not belong together are
refused in one line with nothing published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CHECKOUT, two_areas
from test_cache import digest

from generator.cli import main
from generator.model import Project
from generator.pipeline import check_project
from generator.site import BuildOptions, build_site
from generator.site.options import BuildError
from generator.site.parts import MANIFEST, assemble, build_part, deal


def checked(root: Path) -> Project:
    project, problems = check_project(root)
    assert project is not None and not problems, problems
    return project


def copy_example(root: Path) -> Path:
    for folder in ("plans", "data", "theme"):
        shutil.copytree(CHECKOUT / folder, root / folder)
    shutil.copy(CHECKOUT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def built_in_parts(project: Project, root: Path, n: int, into: Path, **options: object) -> Path:
    """Every part of `n` built one after another, then assembled: the site."""
    folders = []
    for k in range(1, n + 1):
        folder = into / f"part-{k}"
        report = build_part(project, BuildOptions(root, folder, jobs=1, **options), k, n)  # type: ignore[arg-type]
        assert report.part == k and report.of == n
        folders.append(folder)
    assemble(folders, into / "site")
    return into / "site"


@pytest.fixture(scope="module")
def example() -> tuple[Project, Path]:
    return checked(CHECKOUT), CHECKOUT


@pytest.fixture(scope="module")
def single(example: tuple[Project, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    project, root = example
    out = tmp_path_factory.mktemp("single") / "site"
    build_site(project, BuildOptions(root, out, jobs=1))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_parts_assembled_are_byte_identical_to_one_build(
    n: int, example: tuple[Project, Path], single: Path, tmp_path: Path
) -> None:
    project, root = example
    site = built_in_parts(project, root, n, tmp_path)
    assert digest(site) == digest(single)
    # each shard was built by exactly one part, and each part holds only its own
    manifests = [
        json.loads((tmp_path / f"part-{k}" / MANIFEST).read_text()) for k in range(1, n + 1)
    ]
    dealt = [name for m in manifests for name in m["dealt"][m["part"] - 1]]
    every = [f"{y}/{s}" for y, shards in manifests[0]["shards"].items() for s in shards]
    assert sorted(dealt) == sorted(every) and len(every) == 8
    for k in range(1, n + 1):
        held = sorted(
            p.relative_to(tmp_path / f"part-{k}" / "shards").as_posix()
            for p in (tmp_path / f"part-{k}" / "shards").glob("*/*")
        )
        assert held == sorted(manifests[k - 1]["dealt"][k - 1])


def test_search_by_area_and_shards_across_areas_assemble_as_one_build(tmp_path: Path) -> None:
    root = two_areas(tmp_path / "project")
    settings = root / "data" / "settings.yml"
    settings.write_text(settings.read_text() + "search: area\n")
    project = checked(root)
    build_site(project, BuildOptions(root, tmp_path / "single", jobs=1))
    site = built_in_parts(project, root, 4, tmp_path / "parts", drafts=False)
    assert (site / "2025-26" / "search" / "areas" / "bexmoor.json").is_file()
    assert digest(site) == digest(tmp_path / "single")


def test_the_shards_are_dealt_costliest_first_to_the_least_loaded_part() -> None:
    costs = [("a", 5), ("b", 4), ("c", 3), ("d", 3), ("e", 2), ("f", 1)]
    # a->1 (5), b->2 (4), c->2 (7), d->1 (8), e->2 (9), f->1 (9, the lower of equals)
    assert deal(costs, 2) == [["a", "d", "f"], ["b", "c", "e"]]
    assert deal(costs, 1) == [["a", "b", "c", "d", "e", "f"]]
    # more parts than shards: the rest are empty; the same N deals the same parts
    assert deal(costs[:2], 4) == [["a"], ["b"], [], []]
    # each part in the order given: here, reversed
    assert deal(list(reversed(costs)), 3) == [["f", "a"], ["e", "b"], ["d", "c"]]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def two_parts(example: tuple[Project, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    project, root = example
    into = tmp_path_factory.mktemp("two-parts")
    for k in (1, 2):
        build_part(project, BuildOptions(root, into / f"part-{k}", jobs=1), k, 2)
    return into


def refused(args: list[str], out: Path) -> str:
    """`plans assemble` refuses: exit 1, one line, the site at `out` left as it was."""
    before = digest(out) if out.exists() else None
    code, output = run("assemble", *args, "--out", str(out), "--quiet")
    assert code == 1, output
    assert output.count("\n") == 1 and output.startswith("Error: "), output
    assert (digest(out) if out.exists() else None) == before
    return output


def test_a_missing_part_is_refused_and_nothing_is_published(
    two_parts: Path, tmp_path: Path
) -> None:
    output = refused([str(two_parts / "part-1")], tmp_path / "site")
    assert "part 2 is missing of the 2 parts of this build" in output
    assert not (tmp_path / "site").exists()


def test_a_part_given_twice_is_refused_and_the_old_site_is_kept(
    two_parts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the site as published")
    copy = tmp_path / "copy-of-1"
    shutil.copytree(two_parts / "part-1", copy)
    output = refused([str(two_parts / "part-1"), str(copy)], out)
    assert f"part 1 of 2 is given twice: {two_parts / 'part-1'} and {copy}" in output
    assert (out / "index.html").read_text() == "the site as published"


def test_a_part_from_another_commit_is_refused(two_parts: Path, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    actions = root / "plans" / "safer-kelderton" / "2026-27" / "plan.yml"
    actions.write_text(actions.read_text() + "\n# a later commit\n")
    code, output = run("build", str(root), "--part", "2/2", "--out", str(tmp_path / "p2"), "-q")
    assert code == 0, output
    output = refused([str(two_parts / "part-1"), str(tmp_path / "p2")], tmp_path / "site")
    assert "was built from other inputs than" in output and "same commit" in output


def test_parts_of_builds_cut_differently_are_refused(
    example: tuple[Project, Path], two_parts: Path, tmp_path: Path
) -> None:
    project, root = example
    build_part(project, BuildOptions(root, tmp_path / "of-3", jobs=1), 2, 3)
    output = refused([str(two_parts / "part-1"), str(tmp_path / "of-3")], tmp_path / "site")
    assert "is part 2 of 3, but" in output and "is part 1 of 2" in output


def test_a_folder_that_is_no_part_or_a_damaged_one_is_refused(
    two_parts: Path, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    output = refused([str(tmp_path / "empty")], tmp_path / "site")
    assert "is not a part of a build: it has no part.json" in output
    damaged = tmp_path / "damaged"
    shutil.copytree(two_parts / "part-2", damaged)
    manifest = json.loads((damaged / MANIFEST).read_text())
    manifest["shards"]["2025-26"] = ["../../outside"]
    (damaged / MANIFEST).write_text(json.dumps(manifest))
    output = refused([str(two_parts / "part-1"), str(damaged)], tmp_path / "site")
    assert "part.json is damaged: build the part again" in output
    (damaged / MANIFEST).write_text("{not json")
    assert "cannot be read as a part's manifest" in refused([str(damaged)], tmp_path / "site")
    lost = tmp_path / "lost-a-shard"
    shutil.copytree(two_parts / "part-2", lost)
    shard = next((lost / "shards").glob("*/*"))
    shutil.rmtree(shard)
    output = refused([str(two_parts / "part-1"), str(lost)], tmp_path / "site")
    assert "lacks the shard" in output
    hidden = tmp_path / "without-hidden-files"  # as an artifact uploaded without them
    shutil.copytree(two_parts / "part-2", hidden)
    for dotfile in hidden.rglob(".plans-cross-anchors.json"):
        dotfile.unlink()
    output = refused([str(two_parts / "part-1"), str(hidden)], tmp_path / "site")
    assert "lacks the file .plans-cross-anchors.json of the shard" in output
    assert "include-hidden-files" in output


def test_a_part_reuses_cached_shards(example: tuple[Project, Path], tmp_path: Path) -> None:
    project, root = example
    options = BuildOptions(root, tmp_path / "part", jobs=1, cache=tmp_path / "cache")
    first = build_part(project, options, 1, 2)
    assert first.built and not first.reused
    before = digest(tmp_path / "part")
    second = build_part(project, options, 1, 2)
    assert second.built == () and second.reused == first.shards
    assert digest(tmp_path / "part") == before


def test_the_command_line_checks_the_part_it_is_given(tmp_path: Path) -> None:
    for given in ("0/3", "4/3", "x", "2", "1/0"):
        code, output = run("build", str(CHECKOUT), "--part", given, "--out", str(tmp_path / "p"))
        assert code == 2 and f"'{given}' is not a part: write K/N" in output, output
    code, output = run("build", str(CHECKOUT), "--part", "1/2")
    assert code == 2 and "give the part's folder with --out" in output
    assert not (tmp_path / "p").exists()


def test_pdfs_are_not_yet_built_in_parts(example: tuple[Project, Path], tmp_path: Path) -> None:
    project, root = example
    with pytest.raises(BuildError, match="--pdf cannot be combined with --part yet"):
        build_part(project, BuildOptions(root, tmp_path / "p", pdf=True), 1, 2)
    assert not (tmp_path / "p").exists()


def test_the_commands_build_and_assemble_a_site(tmp_path: Path, single: Path) -> None:
    folders = []
    for k in (1, 2, 3):
        folder = str(tmp_path / f"part-{k}")
        code, output = run("build", str(CHECKOUT), "--part", f"{k}/3", "--out", folder, "-q")
        assert code == 0 and output.startswith(f"Built part {k} of 3 into {folder}: "), output
        folders.append(folder)
    code, output = run("assemble", *folders, "--out", str(tmp_path / "site"), "-q")
    assert code == 0, output
    assert output == (
        "Assembled 4 versions (2023-24, 2024-25, 2025-26, 2026-27; latest 2026-27) from "
        f"3 parts (8 shards) into {tmp_path / 'site'}\n"
    )
    assert digest(tmp_path / "site") == digest(single)
