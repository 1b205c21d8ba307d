"""Build workers are replaced every few shards: a worker keeps a little of each shard it builds,
on top of the whole project it was forked with, so one that built half the shards of a
national site grew by hundreds of MiB."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CHECKOUT

from generator.cli import main
from generator.model.partnership import PlanFile
from generator.pipeline import check_project
from generator.site import BuildOptions, build, shards


def _note_worker(task: Any) -> int:
    """Stands in for a shard's build: notes which process ran it."""
    with Path(task).open("a", encoding="utf-8") as file:
        file.write(f"{os.getpid()}\n")
    return 1


@pytest.mark.skipif("fork" not in shards.START_METHODS, reason="workers are forked here")
def test_each_worker_builds_at_most_its_share_of_shards_then_a_fresh_one_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "_build_task", _note_worker)  # forked workers see it too
    monkeypatch.setattr(shards, "TASKS_PER_POOL", 1)
    log = tmp_path / "workers"
    tasks: Any = [str(log)] * 8
    assert shards.run_tasks(None, tmp_path, tmp_path, 0, tasks, jobs=2) == 8  # type: ignore[arg-type]
    workers = log.read_text(encoding="utf-8").split()
    assert len(workers) == 8
    assert len(set(workers)) >= 4  # four pools of two shards each, every one with new processes
    assert str(os.getpid()) not in workers


@pytest.mark.skipif("fork" not in shards.START_METHODS, reason="workers are forked here")
def test_within_its_share_a_worker_goes_on_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "_build_task", _note_worker)
    log = tmp_path / "workers"
    tasks: Any = [str(log)] * 8
    assert shards.run_tasks(None, tmp_path, tmp_path, 0, tasks, jobs=2) == 8  # type: ignore[arg-type]
    assert len(set(log.read_text(encoding="utf-8").split())) <= 2


def _typed_example(plans: list[weakref.ref[Any]]) -> Any:
    """The example, checked; a weak reference to each of its plan years' typed plan goes into
    `plans`."""
    project, problems = check_project(CHECKOUT, jobs=1)
    assert project is not None, problems
    plans.extend(weakref.ref(py.plan) for py in project.plan_years())
    return project


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_build_lets_go_of_the_typed_project_before_it_puts_the_versions_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """At national scale the typed project is 1.5 GiB and putting a version together about half
    a GiB more: `plans build` hands the project over and keeps no reference of its own."""
    alive: list[int] = []
    merge = build.merge_version

    def merge_and_count(*args: Any, **kwargs: Any) -> None:
        gc.collect()
        alive.append(sum(1 for ref in plans if ref() is not None))
        merge(*args, **kwargs)

    monkeypatch.setattr(build, "merge_version", merge_and_count)
    plans: list[weakref.ref[Any]] = []
    options = BuildOptions(CHECKOUT, tmp_path / "site", jobs=jobs)
    build.build_site(_typed_example(plans), options)  # no reference kept here
    assert plans and alive and set(alive) == {0}, f"plans still held while merging: {alive}"


def test_plans_build_keeps_no_reference_of_its_own_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alive: list[int] = []
    merge = build.merge_version

    def merge_and_count(*args: Any, **kwargs: Any) -> None:
        gc.unfreeze()  # the check moved what it made out of the collector's sight
        gc.collect()
        alive.append(sum(1 for thing in gc.get_objects() if isinstance(thing, PlanFile)))
        merge(*args, **kwargs)

    monkeypatch.setattr(build, "merge_version", merge_and_count)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", str(CHECKOUT), "--out", str(site), "--jobs", "1", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert alive and set(alive) == {0}, f"typed plans still held while merging: {alive}"
