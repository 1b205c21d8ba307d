"""Performance indicators (`indicators.yml`): baseline, target and quarterly actuals, as published.

RAG is never typed: it is computed from the target, the actual, the polarity and the tolerance.
A published figure may be a number in its own unit, or the source's word for why there is none
(`status`, with the cell as `printed`); it covers its own period (`basis`, `period`, `as_at`),
often lagging the plan year. A target the source never stated is recorded as `inferred` and,
unless the project asks, never judged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.types import (
    TO_CONFIRM,
    Flag,
    Id,
    Markdown,
    NonNegative,
    Number,
    Strict,
    Title,
    When,
)

Unit = Literal[
    "count",
    "rate",
    "rate-per-1000",
    "rate-per-100000",
    "per-day",
    "percent",
    "percent-change",
    "money",
]
Polarity = Literal["lower-is-better", "higher-is-better"]
Quarter = Literal["Q1", "Q2", "Q3", "Q4"]
ValueStatus = Literal[
    "reported", "not-yet-available", "no-new-data", "not-published", "suppressed", "withheld"
]
HIDDEN = ("suppressed", "withheld")
"""A figure's statuses when disclosure control keeps it from the public (compute/disclosure.py)."""
UNIT_NOUNS = {
    "count": "a count",
    "rate": "a rate",
    "rate-per-1000": "a rate per 1,000",
    "rate-per-100000": "a rate per 100,000",
    "per-day": "a number per day",
    "percent": "a percentage",
    "percent-change": "a percentage change",
    "money": "a sum of money",
}
"""Each unit as a noun, for reasons and chart descriptions ("a percentage change, not a count")."""
Basis = Literal["quarter", "month", "year-to-date", "year", "rolling-12-months"]
TargetKind = Literal["stated", "inferred"]


class Figure(Strict):
    """One published figure: a number in its unit, or why the source gave none."""

    value: Number | None = Field(
        None,
        description="The figure, in the indicator's unit (or the figure's own unit); left out when "
        "the source gave none (give status).",
        examples=[42],
    )
    status: ValueStatus = Field(
        "reported",
        description="reported (a value is given), not-yet-available, no-new-data, "
        "not-published (the source printed no figure, e.g. '-'), suppressed (a count of "
        "people below settings.small_count_threshold, published as 'fewer than N': the build "
        "sets it for an indicator that counts_people; write it, with printed, when the source "
        "itself printed '<5'), or withheld (not shown so that a suppressed figure cannot be "
        "worked out from it: set by the build).",
    )
    printed: Title | None = Field(
        None,
        description="The cell exactly as the source printed it when it holds no number "
        "(e.g. '-', 'n/a', 'TBC'); shown as written. Quote a dash: printed: \"-\".",
    )
    unit: Unit | None = Field(
        None, description="The figure's unit when it is not the indicator's (e.g. percent-change)."
    )
    period: Title | None = Field(
        None, description="The data period the figure covers, when it lags or differs."
    )
    as_at: When | None = Field(
        None,
        description="The last date the figure's data covers, as precise as the source "
        "(2024-09, 2024-09-30, 2024).",
    )


def figure_problem(figure: Figure, what: str) -> str | None:
    """What is wrong with a figure's value, status and printed text, in the editor's words."""
    if figure.status == "reported" and figure.value is None:
        return (
            f"a reported {what} needs a value; otherwise set status to "
            "not-yet-available, no-new-data or not-published"
        )
    if figure.status != "reported" and figure.value is not None:
        return f"{_article(what)} {what} with status {figure.status} cannot have a value"
    if figure.printed is not None and figure.value is not None:
        return (
            "printed is the text the source gave instead of a number; "
            f"{_article(what)} {what} with a value needs no printed text"
        )
    return None


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


BaselineStatus = Literal["reported", "suppressed", "withheld"]


class Baseline(Strict):
    """Where the indicator started."""

    value: Number | None = Field(
        None,
        description="The starting figure; left out only when it is suppressed or withheld "
        "(status).",
        examples=[1250],
    )
    period: Title = Field(
        description="The period the starting figure covers.", examples=["2023-24"]
    )
    unit: Unit | None = Field(None, description="When the baseline is not in the indicator's unit.")
    status: BaselineStatus = Field(
        "reported",
        description="reported (a value is given); suppressed (a count of people below "
        "settings.small_count_threshold, published as 'fewer than N') or withheld (not shown "
        "so that a suppressed figure cannot be worked out): the build sets these for an "
        "indicator that counts_people.",
    )

    @model_validator(mode="after")
    def _value_matches_status(self) -> Baseline:
        if self.status == "reported" and self.value is None:
            raise ValueError("a baseline needs a value")
        if self.status != "reported" and self.value is not None:
            raise ValueError(f"a baseline with status {self.status} cannot have a value")
        return self


class Target(Strict):
    """This year's target: a number, or relative to a comparator (e.g. most-similar-group)."""

    value: Number | None = Field(
        None,
        description="The target figure; left out when the target is relative to a comparator.",
        examples=[1150],
    )
    unit: Unit | None = Field(
        None,
        description="When the target is not in the indicator's unit (e.g. a count indicator "
        "with a target of -5 percent-change); a figure is judged only against a target in "
        "its own unit.",
    )
    comparator: Title | None = Field(
        None, description="Target relative to a comparator, e.g. 'below the MSG average'."
    )
    target_kind: TargetKind = Field(
        "stated",
        description="stated: the source states the target. inferred: the source states none "
        "(e.g. only an 'Achievement' column) and it was worked out by whoever transcribed it; "
        "no RAG status is computed against it unless settings.rag_for_inferred_targets.",
    )
    tolerance_percent: NonNegative | None = Field(
        None, description="Amber tolerance for this indicator; the project default otherwise."
    )
    cumulative: Flag = Field(
        False,
        description="The target is for the whole year and actuals are year-to-date: "
        "Q1 is compared with a quarter of the target, Q2 with half, and so on.",
    )
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the target."
    )

    @model_validator(mode="after")
    def _something(self) -> Target:
        if self.value is None and self.comparator is None:
            raise ValueError("give the target value, or a comparator the target is relative to")
        return self


class MonthFigure(Figure):
    """The month's own figure, published beside a year-to-date one."""

    @model_validator(mode="after")
    def _value_matches_status(self) -> MonthFigure:
        problem = figure_problem(self, "month")
        if problem:
            raise ValueError(problem)
        return self


class Actual(Figure):
    """One quarter's reported figure (Q1 = April–June … Q4 = January–March).

    `value` is the figure judged against the target; `basis` says what it covers, and a
    year-to-date figure may carry the month's own figure beside it (`month`)."""

    quarter: Quarter = Field(
        description="The quarter of the financial year: Q1 April–June, Q2 July–September, Q3 "
        "October–December, Q4 January–March."
    )
    basis: Basis | None = Field(
        None,
        description="What the value covers: quarter, month, year-to-date, year or "
        "rolling-12-months. Year-to-date when the target is cumulative and nothing is said.",
    )
    month: MonthFigure | None = Field(
        None, description="The month's own figure, published beside a year-to-date value."
    )
    comparator_value: Number | None = Field(
        None, description="The comparator's value this quarter, for a relative target."
    )
    achievement: Title | None = Field(
        None,
        description="The source's own words on achievement (e.g. 'Achieved'), shown as "
        "published; never turned into a RAG status.",
    )
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the quarter's figure."
    )

    @model_validator(mode="after")
    def _value_matches_status(self) -> Actual:
        problem = figure_problem(self, "quarter")
        if problem:
            raise ValueError(problem)
        if self.month is not None and self.basis not in ("year-to-date", None):
            raise ValueError(
                f"month is the month's own figure beside a year-to-date value; this value's "
                f"basis is {self.basis}"
            )
        return self


class Indicator(Strict):
    """A measure of progress on a priority. Keep the id across years to show a trend."""

    id: Id = Field(
        description="The indicator's id: objectives name it. Keep it across years to show its "
        "trend.",
        examples=["asb-incidents"],
    )
    title: Title = Field(
        description="What is measured, in one line.",
        examples=["Anti-social behaviour incidents reported to the police"],
    )
    priority: Id = Field(
        description="The id of the priority it measures.", examples=["anti-social-behaviour"]
    )
    recipient: Id | None = Field(
        None,
        description="The partnership the indicator is about, when a funder (e.g. a PCC) "
        "publishes a KPI table about the partnerships it funds.",
    )
    description: Markdown | None = Field(
        None,
        description="How the figure is counted, and anything a reader needs to know to read it.",
    )
    unit: Unit = Field(
        description="What the figures are: a count, a rate (per 1,000 or 100,000), a number per "
        "day, a percentage, a percentage change, or money."
    )
    polarity: Polarity = Field(
        description="Which way is good: lower-is-better or higher-is-better."
    )
    counts_people: Flag = Field(
        False,
        description="The indicator counts people (victims, offenders, young people referred): "
        "a count below settings.small_count_threshold (other than zero) is published as "
        "'fewer than N', never the number, and figures it could be worked out from are "
        "withheld. Only for an indicator measured as a count.",
    )
    baseline: Baseline | None = Field(None, description="Where the indicator started.")
    target: Target | None = Field(None, description="This year's target.")
    actuals: list[Actual] = Field(
        default_factory=list, description="The figures reported in the year, one a quarter."
    )
    source: Title | None = Field(
        None, description="Where the figures come from.", examples=["Police recorded incidents"]
    )
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _counts_are_counts(self) -> Indicator:
        if self.counts_people and self.unit != "count":
            raise ValueError(
                f"counts_people is for an indicator measured as a count; this one is "
                f"{UNIT_NOUNS[self.unit]}"
            )
        return self


class IndicatorsFile(Strict):
    """`plans/<partnership>/<year>/indicators.yml`."""

    indicators: list[Indicator] = Field(
        default_factory=list, description="The measures of progress on the year's priorities."
    )
