"""Performance indicators (`indicators.yml`): baseline, target and quarterly actuals.

RAG is never typed: it is computed from the target, the actual, the polarity and the tolerance.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.types import Flag, Id, Markdown, NonNegative, Number, Strict, Title

Unit = Literal["count", "rate", "percent", "percent-change", "money"]
Polarity = Literal["lower-is-better", "higher-is-better"]
Quarter = Literal["Q1", "Q2", "Q3", "Q4"]
ValueStatus = Literal["reported", "not-yet-available", "no-new-data"]


class Baseline(Strict):
    """Where the indicator started."""

    value: Number
    period: Title


class Target(Strict):
    """This year's target: a number, or relative to a comparator (e.g. most-similar-group)."""

    value: Number | None = None
    comparator: Title | None = Field(
        None, description="Target relative to a comparator, e.g. 'below the MSG average'."
    )
    tolerance_percent: NonNegative | None = Field(
        None, description="Amber tolerance for this indicator; the project default otherwise."
    )
    cumulative: Flag = Field(
        False,
        description="The target is for the whole year and actuals are year-to-date: "
        "Q1 is compared with a quarter of the target, Q2 with half, and so on.",
    )
    note: Markdown | None = None

    @model_validator(mode="after")
    def _something(self) -> Target:
        if self.value is None and self.comparator is None:
            raise ValueError("give the target value, or a comparator the target is relative to")
        return self


class Actual(Strict):
    """One quarter's reported value (Q1 = April–June … Q4 = January–March)."""

    quarter: Quarter
    value: Number | None = None
    status: ValueStatus = "reported"
    period: Title | None = Field(
        None, description="The data period the value covers, when it lags the quarter."
    )
    comparator_value: Number | None = Field(
        None, description="The comparator's value this quarter, for a relative target."
    )
    note: Markdown | None = None

    @model_validator(mode="after")
    def _value_matches_status(self) -> Actual:
        if self.status == "reported" and self.value is None:
            raise ValueError(
                "a reported quarter needs a value; otherwise set status to "
                "not-yet-available or no-new-data"
            )
        if self.status != "reported" and self.value is not None:
            raise ValueError(f"a quarter with status {self.status} cannot have a value")
        return self


class Indicator(Strict):
    """A measure of progress on a priority. Keep the id across years to show a trend."""

    id: Id
    title: Title
    priority: Id
    description: Markdown | None = None
    unit: Unit
    polarity: Polarity
    baseline: Baseline | None = None
    target: Target | None = None
    actuals: list[Actual] = Field(default_factory=list)
    source: Title | None = None


class IndicatorsFile(Strict):
    """`plans/<partnership>/<year>/indicators.yml`."""

    indicators: list[Indicator] = Field(default_factory=list)
