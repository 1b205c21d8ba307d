"""The strategic needs assessment (`assessment.yml`): evidence that picks the priorities."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.types import (
    Count,
    Day,
    Flag,
    Id,
    Markdown,
    NonNegative,
    Number,
    Score,
    Strict,
    Title,
    Url,
    When,
)

# police.uk street-level crime categories, plus the project's own for non-crime demand.
CRIME_CATEGORIES = (
    "all-crime",
    "anti-social-behaviour",
    "bicycle-theft",
    "burglary",
    "criminal-damage-arson",
    "drugs",
    "other-theft",
    "possession-of-weapons",
    "public-order",
    "robbery",
    "shoplifting",
    "theft-from-the-person",
    "vehicle-crime",
    "violent-crime",
    "other-crime",
    "domestic-abuse",
    "hate-crime",
    "road-casualties",
    "reoffending",
    "exploitation",
)


class Source(Strict):
    """A data source or document the assessment draws on."""

    id: Id = Field(
        description="The source's id: statistics and findings cite it.",
        examples=["police-recorded-crime"],
    )
    title: Title = Field(
        description="The source's name or title.", examples=["Police recorded crime"]
    )
    publisher: Title | None = Field(
        None, description="Who publishes it.", examples=["Brackenshire Constabulary"]
    )
    url: Url | None = Field(None, description="Where the source is published.")
    date: Day | None = Field(
        None, description="The day the source was published or the data extracted."
    )


class Period(Strict):
    """A span of dates."""

    start: Day = Field(description="The first day of the period.", examples=["2023-04-01"])
    end: Day = Field(
        description="The last day of the period (not before start).", examples=["2024-03-31"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


StatisticFigure = Literal["count", "previous_count", "rate_per_1000", "change_percent"]


class Statistic(Strict):
    """A crime or demand figure for the area, with its trend."""

    category: Id = Field(description="police.uk category (e.g. burglary) or a listed extra.")
    label: Title | None = Field(
        None,
        description="A name to show instead of the category's own (e.g. 'Violence with injury').",
    )
    period: Title = Field(description="What the figure covers, e.g. 'year to March 2024'.")
    count: Count | None = Field(
        None, description="The number of crimes or incidents in the period."
    )
    previous_count: Count | None = Field(
        None, description="The number in the period before, to show the trend."
    )
    rate_per_1000: NonNegative | None = Field(None, description="The rate per 1,000 residents.")
    change_percent: Number | None = Field(
        None, description="Change on the previous period when no previous count is given."
    )
    small_area: Flag = Field(
        False,
        description="A count of victims (or other people) in a small area: a count or previous "
        "count below settings.small_count_threshold (other than zero) is published as 'fewer "
        "than N', never the number, and the figures it could be worked out from are withheld.",
    )
    suppressed: list[StatisticFigure] = Field(
        default_factory=list,
        description="Counts published as 'fewer than N' (count, previous_count), given without "
        "their value: the build sets them for a small-area statistic; list one yourself when "
        "the source printed '<5'.",
    )
    withheld: list[StatisticFigure] = Field(
        default_factory=list,
        description="Figures not shown so that a suppressed count cannot be worked out from "
        "them (a rate, a change, another row of a table with a total), given without their "
        "value: set by the build.",
    )
    source: Id | None = Field(
        None,
        description="The id of the source the figure comes from (one of the assessment's sources).",
    )
    note: Markdown | None = Field(
        None, description="Anything a reader needs to know to read the figure."
    )

    @model_validator(mode="after")
    def _hidden_have_no_value(self) -> Statistic:
        for name in (*self.suppressed, *self.withheld):
            if getattr(self, name) is not None:
                how = "suppressed" if name in self.suppressed else "withheld"
                raise ValueError(f"{name} is {how}, so give no value for it")
        wrong = [name for name in self.suppressed if name not in ("count", "previous_count")]
        if wrong:
            raise ValueError(
                f"only a count or previous_count is suppressed as 'fewer than N'; list "
                f"{wrong[0]} under withheld"
            )
        return self


class Finding(Strict):
    """What the evidence says, scored like a risk (likelihood × impact)."""

    id: Id = Field(
        description="The finding's id: priorities cite it.", examples=["domestic-abuse-rising"]
    )
    title: Title = Field(
        description="What the finding is, in one line.",
        examples=["Domestic abuse reports are rising"],
    )
    summary: Markdown = Field(description="What the evidence says, in a few sentences.")
    evidence: Markdown | None = Field(
        None, description="The evidence behind the finding, in more detail."
    )
    sources: list[Id] = Field(
        default_factory=list, description="The ids of the sources the finding draws on."
    )
    likelihood: Score | None = Field(
        None,
        description="How likely it is, from 1 (rare) to 5 (almost certain), when the assessment "
        "scored it (give impact too).",
    )
    impact: Score | None = Field(
        None,
        description="How bad it would be, from 1 (negligible) to 5 (severe), when the assessment "
        "scored it.",
    )
    recommended: Flag = Field(True, description="Recommended to the partnership as a priority.")

    @model_validator(mode="after")
    def _scored_in_full(self) -> Finding:
        if (self.likelihood is None) != (self.impact is None):
            raise ValueError(
                "give both likelihood and impact, or neither if the assessment did not score it"
            )
        return self


class Consultation(Strict):
    """Public or partner consultation feeding the assessment."""

    title: Title = Field(
        description="What the consultation was.", examples=["Residents' community safety survey"]
    )
    method: Title = Field(description="How it was done.", examples=["Online survey"])
    period: Period | None = Field(None, description="When it ran.")
    respondents: Count | None = Field(
        None, description="How many people or organisations responded."
    )
    summary: Markdown = Field(description="What respondents said.")


class AssessmentFile(Strict):
    """`plans/<partnership>/<year>/assessment.yml`."""

    status: Literal["draft", "final"] = Field(
        "final",
        description="draft: in preparation, not shown on the public site (only with --drafts); "
        "final: the assessment as published.",
    )
    title: Title = Field(
        description="The assessment's title, as published.", examples=["Strategic assessment 2024"]
    )
    period: Period | None = Field(
        None, description="The period the analysis covers, when the assessment says."
    )
    published: When | None = Field(
        None,
        description="When the assessment was published; YYYY-MM or YYYY where the source gives no "
        "more.",
    )
    method: Markdown | None = Field(
        None,
        description="How the assessment was done: the data looked at, who was consulted, how "
        "findings were scored.",
    )
    sources: list[Source] = Field(
        default_factory=list, description="The data sources and documents the assessment draws on."
    )
    statistics: list[Statistic] = Field(
        default_factory=list,
        description="Crime and demand figures for the area, with their trends.",
    )
    findings: list[Finding] = Field(
        default_factory=list,
        description="May be empty: an assessment that published its statistics only.",
    )
    consultation: list[Consultation] = Field(
        default_factory=list, description="Public or partner consultation that fed the assessment."
    )
