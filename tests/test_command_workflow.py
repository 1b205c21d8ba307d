"""The "Run a plans command" workflow `plans init` writes (`.github/workflows/command.yml`): an
editor who works only in the browser runs plans publish, plans correct or plans new-year from
GitHub's "Run workflow" form, and gets a pull request with the files it wrote, on a new branch.
The form's values reach the shell only through the environment, checked first against what
each can be; the job alone may write, and only contents and pull requests. Its steps, run here
in order on a git copy of the example with `gh` stood in for, push a branch with the files
`plans publish` writes and nothing else, and the check refuses hostile values."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_init import PINNED, actionlint, init

ROOT = Path(__file__).resolve().parents[1]
NAME = "command.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
RUN_ID = "4242"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("command") / "anyshire"
    result = init(folder)
    assert result.exit_code == 0, result.output
    return folder


def flow(project: Path) -> dict[str, Any]:
    """The workflow as GitHub reads it, every scalar a string (`on` stays `on`)."""
    text = (project / ".github" / "workflows" / NAME).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.load(text, Loader=yaml.BaseLoader)
    return loaded


def action(step: Mapping[str, Any]) -> str:
    return str(step.get("uses", "")).split("@")[0]


# --- the workflow, read -----------------------------------------------------------------------


def test_it_runs_only_from_the_form_with_a_choice_of_three_commands(project: Path) -> None:
    workflow = flow(project)
    assert list(workflow["on"]) == ["workflow_dispatch"]
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert list(inputs) == ["command", "partnership", "year", "approved_by", "day"]
    assert inputs["command"]["type"] == "choice"
    assert inputs["command"]["options"] == ["publish", "correct", "new-year"]
    assert [name for name, given in inputs.items() if given["required"] == "true"] == [
        "command",
        "partnership",
        "year",
    ]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "**Run a plans command**\n(`.github/workflows/command.yml`)" in readme


def test_only_its_job_may_write_and_only_contents_and_pull_requests(project: Path) -> None:
    workflow = flow(project)
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    checkout = next(s for s in job["steps"] if action(s) == "actions/checkout")
    assert checkout["with"]["persist-credentials"] == "false"
    text = (project / ".github" / "workflows" / NAME).read_text(encoding="utf-8")
    for line in text.splitlines():
        if "uses:" in line:
            assert PINNED.search(line), f"not pinned by commit: {line.strip()}"
    assert "pull_request_target" not in text
    tokened = [s.get("name") for s in job["steps"] if "github.token" in str(s.get("env", {}))]
    assert tokened == ["Commit on a new branch and open a pull request"], "the token, once"


def test_the_form_reaches_the_shell_only_through_the_environment_checked_first(
    project: Path,
) -> None:
    (job,) = flow(project)["jobs"].values()
    assert job["env"] == {
        name.upper(): f"${{{{ inputs.{name} }}}}"
        for name in ("command", "partnership", "year", "approved_by", "day")
    }
    for step in job["steps"]:
        assert "${{" not in step.get("run", ""), step["run"]
        assert "inputs." not in str(step.get("with", {})), step
    assert job["steps"][0]["name"] == "Check the form", "checked before anything else runs"
    pushes = [
        line for s in job["steps"] for line in s.get("run", "").splitlines() if "push" in line
    ]
    assert pushes == ['git push origin "HEAD:refs/heads/$branch"'], "a new branch, by name"


def test_its_steps_run_in_bash_with_pipefail(project: Path) -> None:
    """GitHub's default shell is `bash -e` without pipefail: a `plans publish` that failed,
    piped to tee, would let the job go on. `shell: bash` adds `-o pipefail` (the tests below
    run each step so)."""
    (job,) = flow(project)["jobs"].values()
    assert job["defaults"]["run"]["shell"] == "bash"
    assert all("shell" not in step for step in job["steps"])


def test_the_workflow_passes_actionlint(project: Path) -> None:
    result = actionlint(project / ".github" / "workflows" / NAME)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


# --- the form's check, run ----------------------------------------------------------------


def check(project: Path, tmp_path: Path, **form: str) -> subprocess.CompletedProcess[str]:
    """The workflow's first step, run as GitHub runs it, with the form's values in the
    environment as the job's `env` puts them."""
    (job,) = flow(project)["jobs"].values()
    step = job["steps"][0]
    given = {"command": "publish", "partnership": "safer-anytown", "year": "2026-27"}
    given |= {"approved_by": "Safer Anytown Partnership Board", "day": "2027-03-11"} | form
    env = {name.upper(): value for name, value in given.items()}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "GITHUB_REF_TYPE": "branch", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"command": "correct", "approved_by": "", "day": ""},
        {"command": "correct", "approved_by": ""},
        {"command": "new-year", "approved_by": "", "day": ""},
        {"approved_by": "Bwrdd Diogelwch Cymunedol Ynys Môn (Cabinet), 11/03 & co.-op's"},
        {"partnership": "a" * 64},
    ],
)
def test_the_check_lets_a_right_form_through(
    project: Path, tmp_path: Path, form: dict[str, str]
) -> None:
    done = check(project, tmp_path, **form)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


HOSTILE = ["x; rm -rf /", "$(id)", "`id`", "../..", "a\nb", " safer-anytown", "-rf", "'"]
MESSAGES = {
    "command": "command: choose publish, correct or new-year",
    "partnership": "partnership: give its id, as its folder under plans/ is named: lower-case "
    "letters, digits and single hyphens (e.g. safer-anytown)",
    "year": "year: write it as YYYY-YY, e.g. 2026-27",
    "day": "day: write it as YYYY-MM-DD, e.g. 2027-03-11",
    "approved_by": "approved_by: letters, digits, spaces and , . ' & ( ) / - only, at most 200",
    "publish": "publish needs approved_by (who approved the plan) and day (when)",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        *(("command", value, "command") for value in [*HOSTILE, "publish --help", "Publish"]),
        *(
            ("partnership", value, "partnership")
            for value in [*HOSTILE, "a" * 65, "Safer-Anytown", "safer--anytown", "safer-", ""]
        ),
        *(
            ("year", value, "year")
            for value in [*HOSTILE, "2026-27; id", "2026-27\n", "../2026-27", "2026-27 "]
        ),
        *(("day", value, "day") for value in [*HOSTILE, "2027-03-11 --help"]),
        *(
            ("approved_by", value, "approved_by")
            for value in [*HOSTILE, "Board\r\n::set-output name=x::y", "a" * 201, "Board;"]
        ),
        ("approved_by", "", "publish"),
        ("day", "", "publish"),
    ],
)
def test_the_check_refuses_hostile_values_before_anything_runs(
    project: Path, tmp_path: Path, field: str, value: str, message: str
) -> None:
    """Refused in one line of fixed text (a value is never echoed: it could hold a workflow
    command), before the checkout: nothing of the repository is there yet."""
    done = check(project, tmp_path, **{field: value})
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        f"::error title=Run a plans command::{MESSAGES[message]}\n",
        "",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"command": "correct"}, "approved_by is for publish only: leave it empty"),
        ({"command": "new-year", "approved_by": ""}, "new-year takes no approved_by nor day"),
    ],
)
def test_the_check_refuses_what_the_command_does_not_take(
    project: Path, tmp_path: Path, form: dict[str, str], message: str
) -> None:
    done = check(project, tmp_path, **form)
    assert done.returncode == 1
    assert done.stdout.startswith(f"::error title=Run a plans command::{message}")


# --- the workflow, run ------------------------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=folder, capture_output=True, text=True, check=False, env=GIT_ENV
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


CLEAN_ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PLANS_"))},
    "GIT_CONFIG_NOSYSTEM": "1",
}
"""A runner's: no git identity but the one the workflow gives."""
GIT_ENV = {
    **CLEAN_ENV,
    "GIT_AUTHOR_NAME": "Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
}


def stand_ins(folder: Path) -> Path:
    """`plans` (this copy of the code) and `gh` (which records what it was asked)."""
    folder.mkdir()
    (folder / "plans").write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m generator "$@"\n', encoding="utf-8"
    )
    (folder / "gh").write_text(
        '#!/bin/sh\nprintf "%s\\n" "$*" >> "$GH_CALLS"\n'
        'if [ "$1 $2" = "pr create" ]; then echo https://github.com/anyshire/plans/pull/7; fi\n',
        encoding="utf-8",
    )
    for name in ("plans", "gh"):
        (folder / name).chmod(0o755)
    return folder


def test_publish_run_locally_proposes_the_published_year_on_a_new_branch(
    project: Path, tmp_path: Path
) -> None:
    """Each step in order, as the runner runs it: the form checked, the example checked out
    from its origin, plans publish run, its files committed on a new branch, pushed, and the
    pull request asked for; the origin's main branch is as it was."""
    origin, workspace, temp = tmp_path / "origin", tmp_path / "workspace", tmp_path / "temp"
    source = tmp_path / "source"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, source / folder)
    git(source, "init", "--quiet", "--initial-branch=main")
    git(source, "add", "--all")
    git(source, "commit", "--quiet", "--message", "The plans")
    git(tmp_path, "clone", "--quiet", "--bare", str(source), str(origin))
    main_before = git(origin, "rev-parse", "main")
    temp.mkdir()
    bin_ = stand_ins(tmp_path / "bin")
    summary, calls = temp / "summary.md", tmp_path / "gh-calls"

    workflow = flow(project)
    (job,) = workflow["jobs"].values()
    form = {
        "inputs.command": "publish",
        "inputs.partnership": "safer-kelderton",
        "inputs.year": "2026-27",
        "inputs.approved_by": "Safer Kelderton Partnership Board",
        "inputs.day": "2026-03-11",
        "runner.temp": str(temp),
        "github.token": "a-token",
    }

    def expand(text: str) -> str:
        return EXPRESSION.sub(lambda found: form[found.group(1)], text)

    ran = []
    for step in job["steps"]:
        if action(step) == "actions/checkout":
            assert step["with"] == {"persist-credentials": "false"}
            url = f"file://{origin}"
            git(
                tmp_path,
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--branch",
                "main",
                url,
                str(workspace),
            )
            continue
        if "run" not in step or step["name"].startswith("Install"):
            continue  # setup-python, and installing: the code under test is here already
        env = {k: expand(v) for k, v in {**job["env"], **step.get("env", {})}.items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace if workspace.exists() else tmp_path,
            env={
                **CLEAN_ENV,
                "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}",
                "HOME": str(tmp_path / "home"),
                "PYTHONPATH": str(ROOT),
                "RUNNER_TEMP": str(temp),
                "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_REF_TYPE": "branch",
                "GITHUB_REF_NAME": "main",
                "GITHUB_RUN_ID": RUN_ID,
                "GITHUB_ACTOR": "an-editor",
                "GH_CALLS": str(calls),
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{step['name']}: {done.stdout}{done.stderr}"
        ran.append(step["name"])
    assert ran == [
        "Check the form",
        "Run the command",
        "Commit on a new branch and open a pull request",
    ]

    branch = f"plans/publish-safer-kelderton-2026-27-{RUN_ID}"
    assert git(origin, "rev-parse", "main") == main_before, "main is never pushed to"
    assert git(origin, "for-each-ref", "--format=%(refname)").split() == [
        "refs/heads/main",
        f"refs/heads/{branch}",
    ]
    assert git(origin, "diff", "--name-status", "main", branch).splitlines() == [
        "M\tplans/safer-kelderton/2025-26/plan.yml",
        "M\tplans/safer-kelderton/2026-27/plan.yml",
        "A\tplans/safer-kelderton/2026-27/published.yml",
    ]
    diff = git(origin, "diff", "main", branch, "--", "plans/safer-kelderton/2026-27/plan.yml")
    changed = [line for line in diff.splitlines() if line.startswith(("+", "-"))]
    assert [line for line in changed if not line.startswith(("+++", "---"))] == [
        "-status: approved",
        "+status: published",
    ]
    record = yaml.safe_load(
        git(origin, "show", f"{branch}:plans/safer-kelderton/2026-27/published.yml")
    )
    assert (str(record["published"]), record["approved_by"]) == (
        "2026-03-11",
        "Safer Kelderton Partnership Board",
    )
    assert git(origin, "log", "-1", "--format=%s%n%an", branch).splitlines() == [
        "Publish safer-kelderton 2026-27",
        "github-actions[bot]",
    ]
    body = temp / "pull-request.md"
    assert calls.read_text(encoding="utf-8").splitlines() == [
        "auth setup-git",
        f"pr create --base main --head {branch} --title Publish safer-kelderton 2026-27 "
        f"--body-file {body}",
    ]
    text = body.read_text(encoding="utf-8")
    assert (
        "Published safer-kelderton 2026-27: wrote plans/safer-kelderton/2026-27/published.yml"
        in text
    )
    assert summary.read_text(encoding="utf-8") == (
        f"Opened https://github.com/anyshire/plans/pull/7 from the branch {branch}.\n"
    )
    assert not (workspace / ".cache").exists(), "the load cache is kept out of the checkout"
