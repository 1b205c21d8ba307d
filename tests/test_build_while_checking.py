"""`plans build` runs the project's rules while its first shards build: a one-plan rebuild
waits for the slower of the two, not for both. Whatever the rules find, nothing is published
or kept, and their problems are what the editor reads, even when the shards break on them."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import Tree

from generator.cli import main
from generator.site import shards

FEN = "plans/fenwick-csp/2024-25/"


def plans(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="plans")


def digest(folder: Path) -> str:
    """Every file's path and bytes under `folder`."""
    whole = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            whole.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return whole.hexdigest()


def cached_shards(caches: Path) -> str:
    """Every shard the build cache keeps (under build/YEAR/SHARD), by path and bytes."""
    folders = list(caches.glob("*/build"))
    assert len(folders) == 1
    whole = hashlib.sha256()
    for year in sorted(p for p in folders[0].iterdir() if p.is_dir()):
        whole.update(year.name.encode() + digest(year).encode())
    return whole.hexdigest()


def _note_worker(task: Any) -> int:
    with Path(task).open("a", encoding="utf-8") as file:
        file.write(f"{os.getpid()}\n")
    time.sleep(0.2)
    return 1


@pytest.fixture
def worker_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the stand-in shard builds note the process that ran each (forked workers see it)."""
    monkeypatch.setattr(shards, "_build_task", _note_worker)
    return tmp_path / "workers"


@pytest.mark.skipif("fork" not in shards.START_METHODS, reason="workers are forked here")
def test_the_rules_run_while_the_workers_build_the_first_shards(
    tmp_path: Path, worker_log: Path
) -> None:
    log = worker_log
    seen: list[str] = []

    def rules() -> None:  # waits until a worker has started a shard: they run side by side
        deadline = time.monotonic() + 60
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(log.read_text(encoding="utf-8") if log.exists() else "")

    tasks: Any = [str(log)] * 4
    assert shards.run_tasks(None, tmp_path, tmp_path, 0, tasks, 2, None, rules) == 4  # type: ignore[arg-type]
    assert len(seen) == 1 and seen[0], "the rules ran once, while a worker was building"


@pytest.mark.skipif("fork" not in shards.START_METHODS, reason="workers are forked here")
def test_rules_that_fail_drop_the_shards_not_started(tmp_path: Path, worker_log: Path) -> None:
    log = worker_log

    def rules() -> None:
        raise RuntimeError("the rules found a problem")

    tasks: Any = [str(log)] * 40
    with pytest.raises(RuntimeError, match="found a problem"):
        shards.run_tasks(None, tmp_path, tmp_path, 0, tasks, 2, None, rules)  # type: ignore[arg-type]
    started = log.read_text(encoding="utf-8").split() if log.exists() else []
    assert len(started) < 40


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_error_the_rules_find_publishes_nothing_and_keeps_nothing(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    caches, site = tmp_path / "caches", tmp_path / "site"
    monkeypatch.setenv("PLANS_CACHE_DIR", str(caches))
    first = plans("build", str(tree.root), "--out", str(site), "--jobs", jobs, "-q")
    assert first.exit_code == 0, first.output
    before, kept = digest(site), cached_shards(caches)
    assert kept
    # rule errors only: every file still types, so the shards start building
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-councl]")
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")
    validated = plans("validate", str(tree.root))
    built = plans("build", str(tree.root), "--out", str(site), "--jobs", jobs, "-q")
    assert built.exit_code == 1
    assert built.stderr.splitlines()[:-1] == validated.stdout.splitlines()
    assert built.stderr.splitlines()[-1] == "Error: 2 errors found; nothing was built"
    assert digest(site) == before, "the published site is as it was"
    assert cached_shards(caches) == kept, "no shard built beside the rules was kept"
    assert not list(tmp_path.glob(".site-*")), "the working folder is gone"


def test_a_problem_that_breaks_the_build_is_reported_not_the_break(
    tree: Tree, tmp_path: Path
) -> None:
    """A partnership in an area that does not exist breaks the planning of the site's shards
    (a KeyError); the editor reads the rule's error, as when the rules ran first."""
    tree.edit("plans/fenwick-csp/partnership.yml", "area: ashdown", "area: nowhere")
    built = plans("build", str(tree.root), "--out", str(tmp_path / "site"), "--jobs", "2")
    assert built.exit_code == 1
    assert "plans/fenwick-csp/partnership.yml:4:1: error: unknown area 'nowhere'" in built.stderr
    assert built.stderr.splitlines()[-1] == "Error: 1 error found; nothing was built"
    assert "unexpected" not in built.stderr and "KeyError" not in built.stderr
    assert not (tmp_path / "site").exists()


def test_warnings_are_printed_once_and_the_site_is_built(tree: Tree, tmp_path: Path) -> None:
    tree.edit(FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make")
    built = plans("build", str(tree.root), "--out", str(tmp_path / "site"), "--jobs", "2", "-q")
    assert built.exit_code == 0, built.output
    assert built.stderr.count("warning: 'make' means delivered in-house") == 1
    assert (tmp_path / "site" / "versions.json").is_file()


def test_strict_refuses_a_warning_the_rules_find_while_building(tree: Tree, tmp_path: Path) -> None:
    tree.edit(FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make")
    built = plans(
        "build", str(tree.root), "--out", str(tmp_path / "site"), "--jobs", "2", "--strict"
    )
    assert built.exit_code == 1
    assert not (tmp_path / "site").exists()
