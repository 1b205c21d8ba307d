"""Looking back: decommissioning risks (`risks.yml`), the annual review (`review.yml`) and the
change and correction log (`changes.yml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.delivery import Decision
from generator.model.performance import Figure
from generator.model.types import (
    TO_CONFIRM,
    Day,
    Id,
    Markdown,
    Money,
    Number,
    Score,
    Strict,
    Title,
)

RiskReason = Literal["funding-ends", "priority-dropped", "poor-performance", "other"]
Recommendation = Literal[
    "continue", "decommission", "recommission", "seek-other-funding", "transfer"
]
ServiceDecision = Literal["continue", "extend", "recommission", "redesign", "decommission"]
ChangeKind = Literal["correction", "variation"]
DocumentStatus = Literal["draft", "final"]
RISK_DIMENSIONS = ("harm", "vulnerability", "crime", "reputation")


class Rating(Strict):
    """Likelihood × impact on a 1–5 scale."""

    likelihood: Score = Field(
        description="How likely the harm is, from 1 (rare) to 5 (almost certain).", examples=[3]
    )
    impact: Score = Field(
        description="How bad it would be, from 1 (negligible) to 5 (severe).", examples=[4]
    )
    note: Markdown | None = Field(None, description="Why the rating was given.")


_UNRATED = "Left out until it is rated: the risk then has no overall score."


class Risk(Strict):
    """The risk of decommissioning one service. A proposed entry may be recorded before anyone
    rates it: its ratings and recommendation are left out (never invented) until then."""

    id: Id = Field(description="The risk's id.", examples=["victim-hub-funding-ends"])
    service: Id = Field(
        description="The id of the service at risk (services.yml).", examples=["victim-care-hub"]
    )
    reason: RiskReason = Field(
        description="Why the service is at risk: its funding ends, its priority was dropped, it "
        "performs poorly, or another reason."
    )
    description: Markdown = Field(
        description="What would be lost if the service ended, and for whom."
    )
    harm: Rating | None = Field(None, description=_UNRATED)
    vulnerability: Rating | None = Field(None, description=_UNRATED)
    crime: Rating | None = Field(None, description=_UNRATED)
    reputation: Rating | None = Field(None, description=_UNRATED)
    mitigations: list[Markdown] = Field(
        default_factory=list, description="What is being done to reduce the risk, one item each."
    )
    owner: Id = Field(description="Organisation that owns the risk.")
    recommendation: Recommendation | None = Field(
        None, description="Left out until the owner recommends what should happen."
    )
    to_confirm: Title | None = TO_CONFIRM

    @property
    def unrated(self) -> tuple[str, ...]:
        """The dimensions not rated yet, in the register's order."""
        return tuple(d for d in RISK_DIMENSIONS if getattr(self, d) is None)


class RisksFile(Strict):
    """`plans/<partnership>/<year>/risks.yml`."""

    risks: list[Risk] = Field(
        default_factory=list,
        description="The decommissioning risk register: the risk of ending each service at risk.",
    )


class PriorityReview(Strict):
    """How a priority went; its RAG is computed from its indicators and actions."""

    priority: Id = Field(description="The id of the priority reviewed.")
    narrative: Markdown = Field(description="How the priority went, in words.")


class Outturn(Figure):
    """An indicator's year-end figure: a value in its unit, or why the source gave none."""

    indicator: Id = Field(
        description="The id of the indicator (indicators.yml).", examples=["asb-incidents"]
    )
    comparator_value: Number | None = Field(
        None, description="The comparator's year-end value, for a target relative to a comparator."
    )
    achievement: Title | None = Field(
        None, description="The source's own words on achievement, shown as published."
    )
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the year-end figure."
    )


class ServiceReview(Strict):
    """The decision on a service at the end of the year."""

    service: Id = Field(description="The id of the service reviewed.")
    decision: ServiceDecision = Field(
        description="What happens to it next: continue, extend, recommission, redesign or "
        "decommission."
    )
    rationale: Markdown = Field(description="Why, in words.")
    effective: Day = Field(description="The day the decision takes effect.")
    record: Decision | None = Field(
        None,
        description="The formal decision record: its reference, date, decision maker and where it"
        " is published.",
    )


class Spend(Strict):
    """Money spent from one stream in the year."""

    stream: Id = Field(description="The id of the funding stream.")
    spent: Money = Field(
        description="The money spent from it in the year, in pounds.", examples=[48500]
    )
    note: Markdown | None = Field(
        None,
        description="Anything a reader should know about the spend (an underspend carried forward, "
        "say).",
    )


class ReviewFile(Strict):
    """`plans/<partnership>/<year>/review.yml`: the annual review."""

    status: DocumentStatus = Field(
        "final",
        description="draft: in preparation, not shown on the public site (only with --drafts); "
        "final: the review as approved or published.",
    )
    approved: Day | None = Field(None, description="The day the review was approved.")
    approved_by: Title | None = Field(
        None,
        description="Who approved the review.",
        examples=["Sallowfield Community Safety Partnership Board"],
    )
    summary: Markdown | None = Field(
        None, description="The year in review, in plain words; required once the review is final."
    )
    priorities: list[PriorityReview] = Field(
        default_factory=list,
        description="How each priority went, in words (its RAG status is computed from its "
        "indicators and actions).",
    )
    outturns: list[Outturn] = Field(
        default_factory=list, description="Each indicator's year-end figure."
    )
    services: list[ServiceReview] = Field(
        default_factory=list, description="The decision on each service at the end of the year."
    )
    spend: list[Spend] = Field(
        default_factory=list, description="Money spent from each funding stream in the year."
    )
    lessons: list[Markdown] = Field(
        default_factory=list, description="What the partnership learnt, one lesson each."
    )

    @model_validator(mode="after")
    def _final_has_summary(self) -> ReviewFile:
        if self.status == "final" and self.summary is None:
            raise ValueError("a final review gives its summary; or set status: draft")
        return self


class Change(Strict):
    """A visible correction or variation to a published year: nothing is silently rewritten."""

    date: Day = Field(description="The day the change was made.")
    kind: ChangeKind = Field(
        description="correction (the published year was wrong) or variation (the plan itself "
        "changed)."
    )
    summary: Title = Field(
        description="What changed, in one line.", examples=["Victim Care Hub funding corrected"]
    )
    reason: Markdown = Field(description="Why it changed.")
    approved_by: Title = Field(
        description="Who approved the change.", examples=["Partnership board, 12 September 2024"]
    )
    fields: list[Title] = Field(
        default_factory=list,
        description="What changed: the names plans validate gives a changed field of a published "
        "year (services[victim-hub].funding, plan.title, or a whole file, services); "
        "an entry naming a field, or anything it lies in, records that change. Words "
        "are allowed too, but record nothing.",
    )


class ChangesFile(Strict):
    """`plans/<partnership>/<year>/changes.yml`."""

    changes: list[Change] = Field(
        default_factory=list,
        description="Visible corrections and variations to the published year; nothing is silently "
        "rewritten.",
    )
