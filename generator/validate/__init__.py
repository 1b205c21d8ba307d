"""Stage 3, validate: cross-references, coverage and reconciliation, every problem collected.

Each rule is a function that takes the project and yields problems; none stops at the first.
"""

from __future__ import annotations

from generator.model import Project
from generator.problems import Problem
from generator.validate.rules import RULES


def validate_project(project: Project) -> list[Problem]:
    """Run every rule over the project and return all the problems found."""
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(project))
    return problems
