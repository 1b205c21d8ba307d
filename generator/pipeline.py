"""The pipeline's front half, shared by every command: load → model → validate."""

from __future__ import annotations

from pathlib import Path

from generator.load import load_project
from generator.model import REFERENCE_KINDS, YEAR_KINDS, Project, build_project
from generator.problems import Problem
from generator.validate import validate_project


def check_project(root: Path) -> tuple[Project | None, list[Problem]]:
    """Read, type and validate a project; every problem found, sorted by file and line."""
    reference = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    sources, problems = load_project(root, reference, list(YEAR_KINDS))
    project, model_problems = build_project(sources)
    problems.extend(model_problems)
    if project is not None and not problems:
        problems.extend(validate_project(project))
    return project, sorted(set(problems), key=Problem.sort_key)
