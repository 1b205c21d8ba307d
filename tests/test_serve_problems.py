"""`plans serve` prints every problem after its first build; after each rebuild, the count,
the problems new since the build before and how many were fixed: what the last save did."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.problems import Problem, Severity
from generator.site.serve import ProblemLog, rebuild
from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"


def warning(line: int, message: str, file: str = "plans/a/2026-27/plan.yml") -> Problem:
    return Problem(Severity.WARNING, file, line, 5, "title", message)


TO_CONFIRM = [warning(n, f"still to confirm {n}") for n in range(1, 4)]


def test_the_first_build_prints_every_problem_and_the_count() -> None:
    assert ProblemLog().lines(TO_CONFIRM) == [*map(str, TO_CONFIRM), "0 errors, 3 warnings"]


def test_a_rebuild_prints_only_what_is_new_and_how_many_were_fixed() -> None:
    log = ProblemLog()
    log.lines(TO_CONFIRM)
    mine = warning(9, "a new one", "plans/a/2026-27/services.yml")
    assert log.lines([*TO_CONFIRM[1:], mine]) == [
        str(mine),
        "0 errors, 3 warnings: 1 new since the last build (above), 1 fixed",
    ]
    assert log.lines([*TO_CONFIRM[1:], mine]) == [
        "0 errors, 3 warnings: none new since the last build, none fixed"
    ]
    assert log.lines([]) == ["0 errors, 0 warnings: none new since the last build, 3 fixed"]
    assert log.lines([]) == [], "nothing to say while there is nothing wrong"


def test_a_problem_moved_by_a_line_added_above_it_is_not_new() -> None:
    log = ProblemLog()
    log.lines(TO_CONFIRM)
    moved = [warning(p.line + 1, p.message) for p in TO_CONFIRM]
    assert log.lines(moved) == ["0 errors, 3 warnings: none new since the last build, none fixed"]


def test_the_same_message_twice_is_two_problems() -> None:
    log = ProblemLog()
    log.lines([warning(1, "twice")])
    assert log.lines([warning(1, "twice"), warning(7, "twice")]) == [
        str(warning(7, "twice")),
        "0 errors, 2 warnings: 1 new since the last build (above), none fixed",
    ]


def test_rebuild_prints_the_new_problems_of_each_save(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two saves with errors (the site is not rebuilt): the second prints only its own."""
    out = tmp_path / "serve" / "site"
    out.mkdir(parents=True)
    log = ProblemLog()
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-councl]")
    first = rebuild(tree.root, out, False, "http://127.0.0.1:8000/", log)
    printed = capsys.readouterr().err.splitlines()
    assert printed == [
        *first,
        "1 error, 0 warnings",
        "Not rebuilt: fix the error (every page of the preview lists it, as plans validate does).",
    ]
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")
    second = rebuild(tree.root, out, False, "http://127.0.0.1:8000/", log)
    (new,) = set(second) - set(first)
    assert capsys.readouterr().err.splitlines() == [
        new,
        "2 errors, 0 warnings: 1 new since the last build (above), none fixed",
        "Not rebuilt: fix the 2 errors (every page of the preview lists them, as plans validate "
        "does).",
    ]
    assert second == sorted([*first, new]), "each page still shows every error"
