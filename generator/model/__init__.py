"""Stage 2, model: the typed schema of every file (pydantic v2, strict, unknown fields refused).

The model does no I/O: it types documents the load stage has read, and exports JSON Schema.
"""

from generator.model.kinds import ALL_KINDS, REFERENCE_KINDS, YEAR_KINDS, json_schemas
from generator.model.project import PlanYear, Project, build_project

__all__ = [
    "ALL_KINDS",
    "REFERENCE_KINDS",
    "YEAR_KINDS",
    "PlanYear",
    "Project",
    "build_project",
    "json_schemas",
]
