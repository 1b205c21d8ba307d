"""Benchmark `plans diff` between two commits of a synthetic national project that differ in
one plan file.

    python -m bench.diff [--partnerships 350] [--years 10] [--project DIR]

Generates the project (bench.generate; or uses DIR, generated before with the same
arguments), commits it to a fresh git repository, changes the first action's title in the
first CSP's newest-year actions.yml (as bench.run's one-plan rebuild does), commits again and
runs `plans diff HEAD~1 HEAD` in its own process. The repository is made in a temporary
folder (or in DIR/.. with --keep) and removed afterwards.

The last line printed is

    plans=… diff_s=… cpu_s=… peak_mib=… changes=…

with diff_s the wall-clock seconds of `plans diff`, cpu_s its CPU seconds, peak_mib its peak
resident memory and changes the number of changes it reported (1 expected).

Measured at 350 x 10 (3,940 plan years, 31,524 files) on this 2-core machine, shared with
other work: diff_s 5.2-6.1 s, cpu_s 5.1-6.0 s, peak 215 MiB (the target is 10 s). It reads the
edited financial year (all partnerships: formulas, streams and decision notices are checked
across a year) without the actions, indicators, assessments and risks of the partnerships not
edited, and the year before's plan.yml files; files the same on both sides are parsed and
typed once. Reading every file of both commits instead took 28.6 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from bench.generate import generate
from bench.run import BenchError, edit_one_plan, measure

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Benchmark",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Benchmark",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env={**os.environ, **GIT_ENV}, check=True)


def _commit(folder: Path, message: str) -> None:
    _git(folder, "add", "-A")
    _git(folder, "-c", "gc.auto=0", "commit", "-q", "--no-gpg-sign", "-m", message)


def run(project: Path) -> str:
    """Commit the project, edit one plan file, commit, and measure `plans diff HEAD~1 HEAD`."""
    _git(project, "init", "-q", "-b", "main")
    _commit(project, "base")
    newest = sorted(p.name for p in (project / "plans").glob("*/????-??"))[-1]
    edit_one_plan(project, newest)
    _commit(project, "one plan file edited")
    command = [sys.executable, "-m", "generator", "diff", "HEAD~1", "HEAD", "--format", "json"]
    result = measure(command, cwd=project)
    if result.returncode != 0:
        raise BenchError(f"plans diff failed (exit {result.returncode}): {result.stderr.strip()}")
    report = json.loads(result.stdout)
    changes = sum(len(section["changes"]) for section in report["sections"])
    plans = sum(1 for _ in (project / "plans").glob("*/????-??/plan.yml"))
    return (
        f"plans={plans} diff_s={result.seconds:.2f} cpu_s={result.cpu_seconds:.2f} "
        f"peak_mib={result.peak_mib:.0f} changes={changes}"
    )


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.diff", description=__doc__)
    parser.add_argument("--partnerships", type=int, default=350)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--project", type=Path, help="a project bench.generate wrote before")
    options = parser.parse_args(list(argv) if argv is not None else None)
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as work:
        project = Path(work) / "project"
        if options.project is not None:
            shutil.copytree(options.project, project, ignore=shutil.ignore_patterns(".git"))
        else:
            generate(project, options.partnerships, options.years, jobs=os.cpu_count() or 1)
        try:
            print(run(project))
        except BenchError as error:
            print(f"Error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
