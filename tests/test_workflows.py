"""The pull-request workflow's commands are `plans` commands: run here, in order, as the
workflow runs them, on a throwaway repository of the example with a pull request's commit
(the install step aside: the tool is installed already)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET = "    target:\n      value: 27\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_pull_request_jobs_commands_run_on_the_example(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, repo / folder)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the plans as published")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # as the checkout fetches it
    git(repo, "checkout", "-q", "-b", "lower-target")
    indicators = repo / "plans/safer-kelderton/2025-26/indicators.yml"
    text = indicators.read_text(encoding="utf-8")
    assert text.count(TARGET) == 1
    indicators.write_text(text.replace(TARGET, "    target:\n      value: 25\n"))
    # 2025-26 is published: the change is recorded as a variation, or validation fails
    (indicators.parent / "changes.yml").write_text(
        "changes:\n  - date: 2025-09-18\n    kind: variation\n"
        "    summary: MARAC repeat-referral target lowered to 25%\n"
        "    reason: The board agreed a stretch target at its September meeting.\n"
        "    approved_by: Safer Kelderton Partnership Board\n"
        "    fields:\n      - indicators[da-repeat-marac].target\n",
        encoding="utf-8",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A lower MARAC target")

    workflow = yaml.safe_load((ROOT / ".github/workflows/review.yml").read_text())
    steps = [s for s in workflow["jobs"]["review"]["steps"] if "run" in s]
    assert steps[0]["name"].startswith("Install")
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "BASE_REF": "main",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for step in steps[1:]:
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=repo, env=env,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{step['name']}: {done.stdout}{done.stderr}"
    review = (repo / "review.md").read_text(encoding="utf-8")
    assert review.startswith("<!-- plans-diff -->\n")
    assert "target changed" in review and "Repeat referrals to MARAC" in review
    assert "variation recorded" in review
    assert summary.read_text(encoding="utf-8") == review
    assert (repo / "preview" / "versions.json").is_file()
