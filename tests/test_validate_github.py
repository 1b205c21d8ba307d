"""`plans validate --format github`: GitHub shows only 10 error and 10 warning annotations of a
step, so errors come first, then the warnings of the files the pull request changes
(`--changed-since REV`); one notice says how many more there are, and the step's log lists
every problem."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from generator.cli import main
from generator.cli.output import ANNOTATIONS, format_problems
from generator.problems import Problem, Severity
from generator.review.revisions import RevisionError, changed_since
from tests.conftest import Tree

ROOT = Path(__file__).resolve().parents[1]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
FOLDED = re.compile(
    r"::group::Every problem \((?P<total>[^)]*)\), as plans validate prints them\n"
    r"::stop-commands::(?P<token>[0-9a-f]{32})\n(?P<listing>.*)\n::(?P=token)::\n"
    r"::endgroup::\n(?P=total)",
    re.DOTALL,
)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return done.stdout


def commit(folder: Path) -> None:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "--no-gpg-sign", "-m", "a commit")


def plans(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="plans")


def problem(severity: Severity, file: str, line: int) -> Problem:
    return Problem(severity, file, line, 1, "", f"{severity.value} on line {line}")


def where(annotation: str) -> str:
    """`file:line` of an annotation, with its level: 'error plans/a.yml:3'."""
    found = re.match(r"::(\w+) file=([^,]*),line=(\d+),", annotation)
    assert found, annotation
    return f"{found[1]} {found[2]}:{found[3]}"


# After `plans new-year`, a file early in the project's order with many warnings; the pull
# request changed a file late in it.
MANY = [
    *(problem(Severity.WARNING, "plans/a/2026-27/actions.yml", n) for n in range(1, 16)),
    *(problem(Severity.ERROR, "plans/b/2026-27/plan.yml", n) for n in range(1, 13)),
    problem(Severity.WARNING, "plans/z/2025-26/services.yml", 4),
]


def test_errors_come_first_then_the_changed_files_warnings_then_one_notice() -> None:
    text = format_problems(MANY, "github", changed={"plans/z/2025-26/services.yml"})
    lines = text.split("\n::group::")[0].splitlines()
    assert [where(line) for line in lines[:-1]] == [
        *(f"error plans/b/2026-27/plan.yml:{n}" for n in range(1, 11)),
        "warning plans/z/2025-26/services.yml:4",
        *(f"warning plans/a/2026-27/actions.yml:{n}" for n in range(1, 10)),
    ]
    assert lines[-1] == (
        "::notice title=8 more problems::GitHub shows 10 error and 10 warning annotations a "
        "step (errors first, then warnings in the files changed): 2 more errors and 6 more "
        "warnings are listed only in this step's log (open 'Every problem' in it), and "
        "`plans validate` lists every problem on a computer."
    )


def test_without_the_changed_files_warnings_keep_the_files_order() -> None:
    lines = format_problems(MANY, "github").split("\n::group::")[0].splitlines()
    assert [where(line) for line in lines[10:-1]] == [
        f"warning plans/a/2026-27/actions.yml:{n}" for n in range(1, 11)
    ]
    assert "(errors first): 2 more errors and 6 more warnings are" in lines[-1]


def test_the_log_lists_every_problem_with_commands_stopped() -> None:
    text = format_problems(MANY, "github", changed={"plans/z/2025-26/services.yml"})
    folded = FOLDED.search(text)
    assert folded is not None and text.endswith(folded[0])
    assert folded["total"] == "12 errors, 16 warnings"
    assert folded["listing"] == format_problems(MANY, "text").rsplit("\n", 1)[0]
    again = FOLDED.search(format_problems(MANY, "github"))
    assert again is not None and again["token"] != folded["token"], "not to be guessed"


def test_a_message_cannot_run_a_workflow_command() -> None:
    hostile = Problem(Severity.WARNING, "plans/a/plan.yml", 2, 3, "x", "'a\n::error::forged'")
    text = format_problems([hostile], "github")
    commands = [line for line in text.splitlines() if line.startswith("::")]
    assert commands[0] == (
        "::warning file=plans/a/plan.yml,line=2,col=3,title=x::'a%0A::error::forged'"
    )
    folded = FOLDED.search(text)
    assert folded is not None
    assert folded["listing"] == "plans/a/plan.yml:2:3: warning: 'a\\n::error::forged' [x]"


def test_under_strict_warnings_are_errors_and_share_their_limit() -> None:
    lines = format_problems(MANY, "github", strict=True).split("\n::group::")[0].splitlines()
    assert {line.split(" ")[0] for line in lines[:-1]} == {"::error"}
    assert len(lines) == ANNOTATIONS + 1
    assert "title=18 more problems::" in lines[-1] and ": 18 more errors are listed" in lines[-1]


def test_no_notice_when_every_problem_is_annotated() -> None:
    few = MANY[:3]
    text = format_problems(few, "github")
    assert "::notice" not in text
    assert [where(line) for line in text.split("\n::group::")[0].splitlines()] == [
        f"warning plans/a/2026-27/actions.yml:{n}" for n in (1, 2, 3)
    ]


def test_a_problem_about_a_changed_folder_counts_as_changed() -> None:
    folder = Problem(Severity.WARNING, "plans/z", 1, 1, "", "about the folder")
    text = format_problems([*MANY[:12], folder], "github", changed={"plans/z/partnership.yml"})
    assert where(text.splitlines()[0]) == "warning plans/z:1"


# --- the files changed since a revision, and the command ------------------------------------


def test_changed_since_names_changed_added_and_removed_files_relative_to_the_project(
    tmp_path: Path,
) -> None:
    project = tmp_path / "repo" / "project"
    for name in ("plans/a.yml", "plans/b.yml", "data/c.yml"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x: 1\n")
    (tmp_path / "repo" / "outside.yml").write_text("x: 1\n")
    git(tmp_path / "repo", "init", "-q", "-b", "main")
    commit(tmp_path / "repo")
    (project / "plans/a.yml").write_text("x: 2\n")
    (project / "data/c.yml").unlink()
    (project / "plans/new.yml").write_text("x: 1\n")
    (tmp_path / "repo" / "outside.yml").write_text("x: 2\n")
    assert changed_since(project, "main") == {"plans/a.yml", "data/c.yml", "plans/new.yml"}
    with pytest.raises(RevisionError, match="unknown revision 'nope'"):
        changed_since(project, "nope")


@pytest.fixture
def after_new_year(tree: Tree) -> Tree:
    """The minimal fixture with next year started (12 warnings to confirm), committed."""
    git(tree.root, "init", "-q", "-b", "main")
    result = plans("new-year", "--project", str(tree.root))
    assert result.exit_code == 0, result.output
    commit(tree.root)
    return tree


def test_the_warning_a_pull_request_adds_is_annotated_before_older_ones(
    after_new_year: Tree,
) -> None:
    services = "plans/fenwick-csp/2026-27/services.yml"
    after_new_year.edit(services, "make_or_buy: buy", "make_or_buy: make")
    mine = f"warning {services}:8"
    plain = plans("validate", "--format", "github", str(after_new_year.root))
    result = plans(
        "validate", "--format", "github", "--changed-since", "main", str(after_new_year.root)
    )
    assert (plain.exit_code, result.exit_code) == (0, 0)
    assert mine not in [where(line) for line in plain.stdout.splitlines()[:ANNOTATIONS]]
    annotated = [where(line) for line in result.stdout.splitlines()[:ANNOTATIONS]]
    assert annotated[:3] == [f"warning {services}:{n}" for n in (8, 17, 20)]
    assert "3 more warnings are listed" in result.stdout.splitlines()[ANNOTATIONS]
    assert result.stdout.endswith("\n0 errors, 13 warnings\n")


def test_changed_since_is_for_the_github_format_and_a_readable_revision(tree: Tree) -> None:
    result = plans("validate", "--changed-since", "main", str(tree.root))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: --changed-since orders GitHub's annotations: add --format github"
    )
    result = plans("validate", "--format", "github", "--changed-since", "main", str(tree.root))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {tree.root} is not in a git repository, to compare with 'main'\n"
    )


@pytest.mark.parametrize(
    "workflow",
    [
        "generator/starter/project/.github/workflows/validate.yml",
        ".github/workflows/review.yml",  # the example's own, the same
    ],
)
def test_the_review_workflow_annotates_the_pull_requests_files_first(workflow: str) -> None:
    flow = yaml.safe_load((ROOT / workflow).read_text(encoding="utf-8"))
    (step,) = [s for s in flow["jobs"]["review"]["steps"] if s.get("name") == "Validate"]
    assert step["run"] == 'plans validate --format github --changed-since "origin/$BASE_REF"'
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"  # never in the script itself
    (checkout,) = [s for s in flow["jobs"]["review"]["steps"] if "checkout" in s.get("uses", "")]
    assert checkout["with"]["fetch-depth"] == 0, "the base branch is fetched"
