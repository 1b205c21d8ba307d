"""The site's layout (versions, the latest, the build's date, each version's shards and what
they read) is kept beside the build cache under a key of the files it reads: a one-plan edit
to anything else does not work it out again, and what it reads is exactly what its key covers."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from conftest import CHECKOUT, Tree, checked_example

from generator.model import Project
from generator.model.project import KINDS as PLAN_YEAR_KINDS
from generator.model.project import Deferred, PlanYear
from generator.pipeline import check_project
from generator.site import BuildOptions, layout
from generator.site.build import plan_site, prepare
from generator.site.layout import KINDS, LAYOUT, lay_out

KEL = "plans/safer-kelderton/2026-27/"


def unread(kind: str) -> Deferred:
    def read() -> None:
        raise AssertionError(f"the layout read a {kind}.yml")

    return Deferred(read)


def only_what_the_key_covers(project: Project) -> Project:
    """The project with every plan file of a kind the layout's key does not cover made
    unreadable (present or not: a default read for an absent file counts too)."""
    years = {}
    for key, py in project.years.items():
        parts = {kind: getattr(py, kind) for kind in KINDS}
        parts.update({kind: unread(kind) for kind in PLAN_YEAR_KINDS if kind not in KINDS})
        years[key] = PlanYear(py.partnership, py.year, parts, py.files)
    return dataclasses.replace(project, years=years)


@pytest.mark.parametrize("drafts", [False, True])
def test_the_layout_reads_only_the_files_its_key_covers(drafts: bool) -> None:
    project = checked_example()
    assert lay_out(only_what_the_key_covers(project), drafts, False) == lay_out(
        project, drafts, False
    )


@pytest.fixture
def example(tmp_path: Path) -> Tree:
    root = tmp_path / "project"
    for part in ("plans", "data"):
        shutil.copytree(CHECKOUT / part, root / part)
    return Tree(root)


def planned(tree: Tree, folder: Path) -> object:
    project, _ = check_project(tree.root)
    assert project is not None
    options = BuildOptions(tree.root, tree.root.parent / "site")
    _, _, slim, _, loaded = prepare(project, options)
    return plan_site(slim, options, None, (folder, loaded))


def test_a_kept_layout_is_used_until_a_file_it_reads_changes(
    example: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "build"
    worked_out: list[bool] = []
    real = layout.lay_out

    def counting(*args: object) -> layout.Layout:
        worked_out.append(True)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(layout, "lay_out", counting)
    first = planned(example, folder)
    assert (folder / LAYOUT).is_file() and len(worked_out) == 1
    example.edit(f"{KEL}actions.yml", "title: Women's night-time", "title: Edited night-time")
    assert planned(example, folder) == first and len(worked_out) == 1  # kept
    example.edit(f"{KEL}plan.yml", "status: approved", "status: draft")
    again = planned(example, folder)
    assert len(worked_out) == 2 and again != first
    monkeypatch.undo()
    assert again == planned(example, tmp_path / "elsewhere")  # what working it out gives
    (folder / LAYOUT).write_text('{"key": "', encoding="utf-8")  # broken: worked out again
    assert planned(example, folder) == again
    assert json.loads((folder / LAYOUT).read_text(encoding="utf-8"))["layout"]["versions"]


def test_the_key_follows_the_options_and_every_file_it_reads() -> None:
    loaded = {
        "data/areas.yml": b"a",
        "plans/p/partnership.yml": b"b",
        **{f"plans/p/2026-27/{kind}.yml": bytes([i]) for i, kind in enumerate(KINDS)},
        "plans/p/2026-27/actions.yml": b"c",
    }
    key = layout.layout_key(loaded, False, False)
    assert key is not None
    assert layout.layout_key(loaded, True, False) != key
    assert layout.layout_key(loaded, False, True) != key
    for name in loaded:
        changed = layout.layout_key({**loaded, name: b"other"}, False, False)
        assert (changed != key) is (not name.endswith("actions.yml")), name
    assert layout.layout_key({**loaded, "plans/p/2026-27/plan.yml": b""}, False, False) is None
