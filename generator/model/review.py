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

    likelihood: Score
    impact: Score
    note: Markdown | None = None


_UNRATED = "Left out until it is rated: the risk then has no overall score."


class Risk(Strict):
    """The risk of decommissioning one service. A proposed entry may be recorded before anyone
    rates it: its ratings and recommendation are left out (never invented) until then."""

    id: Id
    service: Id
    reason: RiskReason
    description: Markdown
    harm: Rating | None = Field(None, description=_UNRATED)
    vulnerability: Rating | None = Field(None, description=_UNRATED)
    crime: Rating | None = Field(None, description=_UNRATED)
    reputation: Rating | None = Field(None, description=_UNRATED)
    mitigations: list[Markdown] = Field(default_factory=list)
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

    risks: list[Risk] = Field(default_factory=list)


class PriorityReview(Strict):
    """How a priority went; its RAG is computed from its indicators and actions."""

    priority: Id
    narrative: Markdown


class Outturn(Figure):
    """An indicator's year-end figure: a value in its unit, or why the source gave none."""

    indicator: Id
    comparator_value: Number | None = None
    achievement: Title | None = Field(
        None, description="The source's own words on achievement, shown as published."
    )
    note: Markdown | None = None


class ServiceReview(Strict):
    """The decision on a service at the end of the year."""

    service: Id
    decision: ServiceDecision
    rationale: Markdown
    effective: Day
    record: Decision | None = Field(None, description="The formal decision record.")


class Spend(Strict):
    """Money spent from one stream in the year."""

    stream: Id
    spent: Money
    note: Markdown | None = None


class ReviewFile(Strict):
    """`plans/<partnership>/<year>/review.yml`: the annual review."""

    status: DocumentStatus = Field(
        "final",
        description="draft: in preparation, not shown on the public site (only with --drafts); "
        "final: the review as approved or published.",
    )
    approved: Day | None = None
    approved_by: Title | None = None
    summary: Markdown | None = Field(None, description="Required once the review is final.")
    priorities: list[PriorityReview] = Field(default_factory=list)
    outturns: list[Outturn] = Field(default_factory=list)
    services: list[ServiceReview] = Field(default_factory=list)
    spend: list[Spend] = Field(default_factory=list)
    lessons: list[Markdown] = Field(default_factory=list)

    @model_validator(mode="after")
    def _final_has_summary(self) -> ReviewFile:
        if self.status == "final" and self.summary is None:
            raise ValueError("a final review gives its summary; or set status: draft")
        return self


class Change(Strict):
    """A visible correction or variation to a published year: nothing is silently rewritten."""

    date: Day
    kind: ChangeKind
    summary: Title
    reason: Markdown
    approved_by: Title
    fields: list[Title] = Field(default_factory=list, description="What changed, in words.")


class ChangesFile(Strict):
    """`plans/<partnership>/<year>/changes.yml`."""

    changes: list[Change] = Field(default_factory=list)
