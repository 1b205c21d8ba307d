"""Rules: indicators as published: whom a funder's indicator is about, when its data runs to."""

from __future__ import annotations

from collections.abc import Iterator

from generator.model import Project
from generator.model.performance import Figure
from generator.problems import FieldPath, Problem
from generator.validate.context import WARNING, At, at, has
from generator.validate.coverage import year_end


def indicator_figures(project: Project) -> Iterator[Problem]:
    """A recipient is a known partnership; no figure's data runs past the end of its year."""
    for py in project.plan_years():
        end = year_end(py)
        figures: list[tuple[At, FieldPath, Figure]] = []
        if has(py, "indicators"):
            f = at(project, py, "indicators")
            for i, indicator in enumerate(py.indicators.indicators):
                yield from f.reference(
                    ("indicators", i, "recipient"),
                    indicator.recipient,
                    project.partnerships,
                    "partnership",
                )
                for j, actual in enumerate(indicator.actuals):
                    base = ("indicators", i, "actuals", j)
                    figures.append((f, base, actual))
                    if actual.month is not None:
                        figures.append((f, (*base, "month"), actual.month))
        if py.review is not None:
            r = at(project, py, "review")
            figures.extend((r, ("outturns", k), o) for k, o in enumerate(py.review.outturns))
        for file, path, figure in figures:
            if figure.as_at is not None and figure.as_at.earliest > end:
                yield file.problem(
                    (*path, "as_at"),
                    f"the data runs to {figure.as_at.words()}, after the year ends on "
                    f"{end.day} March {end.year}; is the figure in the right year's file?",
                    WARNING,
                )
