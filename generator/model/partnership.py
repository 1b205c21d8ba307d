"""A partnership (`plans/<id>/partnership.yml`) and the plan of one of its years (`plan.yml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from generator.model.types import (
    STRICT,
    Day,
    Flag,
    Id,
    Markdown,
    Score,
    Title,
    Url,
    YearId,
)

PartnershipKind = Literal["csp", "county", "pcc", "combined"]
MemberRole = Literal["responsible-authority", "co-operating-body", "invited", "host"]
PlanStatus = Literal["draft", "consultation", "approved", "published", "superseded"]
CycleStage = Literal["analyse", "plan", "do", "review"]
Tier = Literal["core", "cross-cutting"]


class Membership(BaseModel):
    """An organisation's place in the partnership, with dates because membership changes."""

    model_config = STRICT
    organisation: Id
    role: MemberRole = "responsible-authority"
    joined: Day | None = None
    left: Day | None = None
    note: Markdown | None = None


class Strategy(BaseModel):
    """The multi-year plan the yearly refreshes belong to (a rolling plan keeps its title)."""

    model_config = STRICT
    title: Title
    first_year: YearId
    last_year: YearId


class Partnership(BaseModel):
    """A CSP, county group, PCC or combined partnership."""

    model_config = STRICT
    id: Id
    name: Title
    kind: PartnershipKind
    area: Id = Field(description="Police force area id (data/areas.yml).")
    local_authorities: list[Title] = Field(default_factory=list)
    description: Markdown | None = None
    host: Id | None = Field(
        None, description="Organisation that receives and holds money on the partnership's behalf."
    )
    members: list[Membership] = Field(min_length=1)
    strategies: list[Strategy] = Field(default_factory=list)
    website: Url | None = None
    contact: Title | None = None


class Approval(BaseModel):
    """Who approved something and when."""

    model_config = STRICT
    body: Title
    date: Day
    reference: Title | None = None


class Meeting(BaseModel):
    """A meeting of the partnership in the year (the regulations ask for at least one public)."""

    model_config = STRICT
    date: Day
    title: Title
    public: Flag = False
    minutes_url: Url | None = None


class SelectionCriterion(BaseModel):
    """One criterion of the scoring method used to choose priorities."""

    model_config = STRICT
    id: Id
    title: Title
    description: Markdown | None = None


class SelectionMethod(BaseModel):
    """How priorities were chosen, e.g. threat, risk, harm, vulnerability, capacity to act."""

    model_config = STRICT
    name: Title
    description: Markdown | None = None
    criteria: list[SelectionCriterion] = Field(min_length=1)


class Objective(BaseModel):
    """What a priority sets out to achieve, who pursues it and how it is measured."""

    model_config = STRICT
    id: Id
    title: Title
    description: Markdown | None = None
    pursued_by: list[Id] = Field(default_factory=list, description="Organisation ids.")
    indicators: list[Id] = Field(default_factory=list, description="Indicator ids.")


class Priority(BaseModel):
    """A partnership priority, justified by findings and delivered through objectives."""

    model_config = STRICT
    id: Id
    title: Title
    tier: Tier = "core"
    rationale: Markdown
    findings: list[Id] = Field(default_factory=list, description="Assessment finding ids.")
    leads: list[Id] = Field(default_factory=list, description="Lead organisation ids.")
    objectives: list[Objective] = Field(default_factory=list)
    scores: dict[Id, Score] = Field(
        default_factory=dict, description="Score per selection criterion (1–5)."
    )
    continues: list[Id] = Field(
        default_factory=list,
        description="Ids of last year's priorities this one continues, renames or regroups.",
    )


class NotAdopted(BaseModel):
    """A recommendation of the assessment the partnership chose not to adopt, and why."""

    model_config = STRICT
    finding: Id
    decision: Markdown
    tier: Tier | None = Field(None, description="Tier it was moved to instead, if any.")


class PlanFile(BaseModel):
    """`plans/<partnership>/<year>/plan.yml`: the year's status, approval and priorities."""

    model_config = STRICT
    year: YearId
    title: Title = Field(description="Title of the plan (a rolling plan keeps it across years).")
    status: PlanStatus
    stage: CycleStage | None = Field(
        None, description="Commissioning-cycle stage the year is in; derived when left out."
    )
    summary: Markdown | None = None
    approval: Approval | None = None
    sent_to_pcc: Day | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    selection: SelectionMethod | None = None
    priorities: list[Priority] = Field(min_length=1)
    not_adopted: list[NotAdopted] = Field(default_factory=list)
