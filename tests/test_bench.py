"""The benchmark's own parts: a deterministic, valid synthetic project and its summary line."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bench.generate import generate
from bench.layout import Layout, financial_years
from bench.run import BenchResult, edit_one_plan, pages_built, summary_line
from bench.yaml_text import to_yaml
from generator.pipeline import check_project


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "project"
    generate(root, partnerships=3, years=2, seed=7)
    return root


def test_same_seed_gives_byte_identical_trees(small_project: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, partnerships=3, years=2, seed=7, jobs=2)  # workers do not change the output
    assert tree(again) == tree(small_project)


def test_another_seed_gives_other_plans(small_project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, partnerships=3, years=2, seed=8)
    assert tree(other).keys() == tree(small_project).keys()
    assert tree(other) != tree(small_project)


def test_generated_project_has_every_file_kind(small_project: Path) -> None:
    files = tree(small_project)
    assert len([name for name in files if name.endswith("partnership.yml")]) == 4  # 3 CSPs + PCC
    oldest = sorted(name for name in files if "/synthetic-csp-0001/2025-26/" in name)
    assert [name.rsplit("/", 1)[1] for name in oldest] == [
        "actions.yml", "assessment.yml", "funding.yml", "indicators.yml",
        "plan.yml", "published.yml", "review.yml", "risks.yml", "services.yml",
    ]  # fmt: skip
    assert "plans/synthetic-csp-0001/2026-27/review.yml" not in files  # the newest has none
    assert "plans/synthetic-csp-0001/2026-27/published.yml" not in files  # nor a record
    assert b"fictional: true" in files["data/settings.yml"]


def test_generated_project_validates_without_a_problem(small_project: Path) -> None:
    model, problems = check_project(small_project)
    assert model is not None
    assert problems == []
    assert sorted({year for _, year in model.years}) == ["2025-26", "2026-27"]


def test_the_rebuild_edit_keeps_the_project_valid(small_project: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    generate(copy, partnerships=3, years=2, seed=7)
    edited = edit_one_plan(copy, "2026-27")
    assert "title: Edited synthetic action title" in edited.read_text(encoding="utf-8")
    assert check_project(copy)[1] == []


def test_years_end_with_the_current_financial_year() -> None:
    assert financial_years(3) == ("2024-25", "2025-26", "2026-27")


def test_text_that_yaml_would_misread_is_quoted() -> None:
    tricky = ["yes", "No", "on", "0161", "1.10", "12:30", "a: b", "# x", "", "null", "~", "-x"]
    document = {
        "texts": tricky,
        "plain": "Synthetic CSP 0042",
        "year": "2024-25",
        "apostrophe": "It's fine",
        "money": Decimal("1234.50"),
        "count": 12,
        "day": date(2025, 3, 31),
        "flag": True,
        "left-out": None,
    }
    text = to_yaml(document)
    assert "plain: Synthetic CSP 0042\n" in text
    assert "year: 2024-25\n" in text
    assert "money: 1234.50\n" in text
    assert yaml.safe_load(text) == {
        "texts": tricky,
        "plain": "Synthetic CSP 0042",
        "year": "2024-25",
        "apostrophe": "It's fine",
        "money": 1234.5,
        "count": 12,
        "day": date(2025, 3, 31),
        "flag": True,
    }


def test_summary_line_format() -> None:
    result = BenchResult(
        plans=46,
        pages=531,
        validate_s=1.234,
        build_s=20.5,
        rebuild_one_s=19.999,
        baseline_s=60.0,
        speedup=2.9268,
        peak_mib=301.26,
        part_max_s=4.567,
        assemble_s=1.0,
        matrix_s=6.8,
    )
    assert summary_line(result) == (
        "plans=46 pages=531 validate_s=1.23 build_s=20.50 rebuild_one_s=20.00 "
        "baseline_s=60.00 speedup=2.93 peak_mib=301.3 part_max_s=4.57 assemble_s=1.00 "
        "matrix_s=6.80"
    )


def test_summary_line_says_nan_for_what_was_not_measured() -> None:
    result = BenchResult(plans=3940, validate_s=256.0, baseline_s=float("nan"), peak_mib=6638.4)
    assert summary_line(result) == (
        "plans=3940 pages=nan validate_s=256.00 build_s=nan rebuild_one_s=nan "
        "baseline_s=nan speedup=nan peak_mib=6638.4 part_max_s=nan assemble_s=nan "
        "matrix_s=nan"
    )


def test_page_count_is_read_from_plans_build() -> None:
    output = "Built 2 versions (2025-26, 2026-27; latest 2026-27), 531 pages rendered, into site\n"
    assert pages_built(output) == 531
    assert pages_built("Built 1 version (2026-27; latest 2026-27), 1 page rendered") == 1
    assert pages_built("Built 4 versions (...), 12,480 pages rendered, into site") == 12480
    assert pages_built("nothing") is None


def test_about_eight_csps_an_area_plus_one_pcc_each() -> None:
    layout = Layout(350, financial_years(10), seed=1)
    assert len(layout.areas) == 44
    assert {len(area.csps) for area in layout.areas} == {7, 8}
    assert sum(len(area.csps) for area in layout.areas) == 350
    assert layout.plan_years == (350 + 44) * 10


def test_the_diff_benchmark_reports_the_one_change(small_project: Path, tmp_path: Path) -> None:
    import shutil

    from bench.diff import run

    project = tmp_path / "project"
    shutil.copytree(small_project, project)
    line = run(project)
    assert line.startswith("plans=") and line.endswith(" changes=1"), line


def test_the_benchmark_builds_in_parts_and_checks_the_assembled_site(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.run import main as bench_main
    from generator.caches import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "caches"))  # the benchmark sets its own: undone

    argv = ["--partnerships", "3", "--years", "1", "--no-baseline", "--parts", "2"]
    assert bench_main([*argv, "--keep", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [
        line.split()[0] + " " + line.split()[1] for line in lines if line.startswith("part ")
    ] == [
        "part 1/2",
        "part 2/2",
    ]
    assert any(line.startswith("assemble") and "byte-identical" in line for line in lines)
    figures = dict(field.split("=") for field in lines[-1].split())
    part_max, assemble, matrix = (
        float(figures[k]) for k in ("part_max_s", "assemble_s", "matrix_s")
    )
    assert 0 < part_max < matrix and 0 < assemble < matrix
    assert (tmp_path / "parts" / "part-2" / "part.json").is_file()


def test_two_sites_are_compared_file_by_file(tmp_path: Path) -> None:
    from bench.run import same_files

    for side in ("a", "b"):
        (tmp_path / side / "2025-26").mkdir(parents=True)
        (tmp_path / side / "2025-26" / "index.html").write_bytes(b"<p>same</p>")
    assert same_files(tmp_path / "a", tmp_path / "b")
    (tmp_path / "b" / "2025-26" / "index.html").write_bytes(b"<p>sane</p>")
    assert not same_files(tmp_path / "a", tmp_path / "b")
    (tmp_path / "b" / "2025-26" / "index.html").write_bytes(b"<p>same</p>")
    (tmp_path / "b" / "extra.json").write_bytes(b"{}")
    assert not same_files(tmp_path / "a", tmp_path / "b")


def test_the_rebuild_front_edits_one_plan_and_times_each_stage(
    small_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import shutil

    from bench.rebuild_front import main as front_main
    from generator.caches import CACHE_ENV

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "caches"))
    project = tmp_path / "project"
    shutil.copytree(small_project, project)
    before = tree(project)
    assert front_main([str(project), "--runs", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["run 1", "run 2"]
    for line in lines:
        stages = re.findall(r"(\w+) (\d+\.\d\d) s", line)
        names = [name for name, _ in stages]
        assert names == ["read", "rules", "prepare", "plan_site", "total"], line
    changed = [name for name, raw in tree(project).items() if before.get(name) != raw]
    assert len(changed) == 1 and changed[0].endswith("/actions.yml"), changed
    assert list((tmp_path / "caches").rglob("years.record")), "the validation record is kept"
