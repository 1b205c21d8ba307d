"""Build workers are replaced every few shards: a worker keeps a little of each shard it builds,
on top of the whole project it was forked with, so one that built half the shards of a
national site grew by hundreds of MiB."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from generator.site import shards


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
