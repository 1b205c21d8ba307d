"""A partnership (`plans/<id>/partnership.yml`) and the plan of one of its years (`plan.yml`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.model.types import (
    TO_CONFIRM,
    Day,
    Email,
    Flag,
    Id,
    Markdown,
    Score,
    Strict,
    Title,
    Url,
    When,
    YearId,
)

PartnershipKind = Literal["csp", "county", "pcc", "combined"]
MemberRole = Literal["responsible-authority", "co-operating-body", "invited", "host"]
PlanStatus = Literal["draft", "consultation", "approved", "published", "superseded"]
CycleStage = Literal["analyse", "plan", "do", "review"]
Tier = Literal["core", "cross-cutting"]
PublishedPart = Literal[
    "assessment",
    "findings",
    "priorities",
    "objectives",
    "indicators",
    "targets",
    "actions",
    "services",
    "make-or-buy",
    "funding",
    "approval",
    "meetings",
    "scores",
    "outturns",
    "decisions",
    "risks",
    "review",
]
"""What a plan year's published documents may leave out, declared under `not_published`."""


class Membership(Strict):
    """An organisation's place in the partnership, with dates because membership changes."""

    organisation: Id
    role: MemberRole = "responsible-authority"
    joined: When | None = None
    left: When | None = Field(None, description="The last day of membership.")
    note: Markdown | None = None


class Strategy(Strict):
    """The multi-year plan the yearly refreshes belong to (a rolling plan keeps its title)."""

    title: Title
    first_year: YearId
    last_year: YearId


class Partnership(Strict):
    """A CSP, county group, PCC or combined partnership."""

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
    contact: Title | None = Field(
        None,
        description="Who to contact, as an office or team (e.g. 'Community Safety Team, "
        "Sallowfield District Council'); never a person's name.",
    )
    contact_email: Email | None = Field(
        None,
        description="The partnership's shared mailbox for the public; never a person's own "
        "address.",
    )


class ApprovalStep(Strict):
    """One step on the way to approval: a committee recommends, an officer decides under
    delegated authority, a full council adopts."""

    body: Title = Field(description="The committee, council or officer's post.")
    date: When
    role: Title | None = Field(
        None, description="What the step did, e.g. 'recommended', 'approved', 'adopted'."
    )
    decision_maker: Title | None = Field(
        None, description="Who decided, e.g. an officer under delegated authority."
    )
    in_consultation_with: Title | None = Field(
        None, description="e.g. 'the Chairman of the Community Safety Committee'."
    )
    reference: Title | None = None
    url: Url | None = None


class Approval(Strict):
    """Who approved something and when: the final approval, after any earlier steps."""

    body: Title
    date: Day
    reference: Title | None = None
    steps: list[ApprovalStep] = Field(
        default_factory=list,
        description="The steps before the final approval, oldest first (committee, delegated "
        "officer, ...).",
    )


class Question(Strict):
    """A public question or challenge put at a meeting, and what came of it."""

    question: Markdown
    asked_by: Title | None = Field(
        None,
        description="Who asked, in general terms (e.g. 'a resident of Northgate'); never "
        "a private person's name.",
    )
    answer: Markdown | None = None
    outcome: Markdown | None = None
    source: Title | None = Field(None, description="Where it is recorded, e.g. 'minutes, item 6'.")
    url: Url | None = None


class Meeting(Strict):
    """A meeting of the partnership in the year (the regulations ask for at least one public)."""

    date: Day
    title: Title
    public: Flag = False
    minutes_url: Url | None = None
    questions: list[Question] = Field(
        default_factory=list, description="Public questions and challenges put at the meeting."
    )


class SelectionCriterion(Strict):
    """One criterion of the scoring method used to choose priorities."""

    id: Id
    title: Title
    description: Markdown | None = None


class SelectionMethod(Strict):
    """How priorities were chosen, e.g. threat, risk, harm, vulnerability, capacity to act."""

    name: Title
    description: Markdown | None = None
    criteria: list[SelectionCriterion] = Field(min_length=1)


class Objective(Strict):
    """What a priority sets out to achieve, who pursues it and how it is measured."""

    id: Id
    title: Title
    description: Markdown | None = None
    pursued_by: list[Id] = Field(default_factory=list, description="Organisation ids.")
    indicators: list[Id] = Field(default_factory=list, description="Indicator ids.")


class Priority(Strict):
    """A partnership priority, justified by findings and delivered through objectives."""

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
    to_confirm: Title | None = TO_CONFIRM


AdoptionExtent = Literal["not-adopted", "partly-adopted"]


class NotAdopted(Strict):
    """A recommendation of the assessment the partnership chose not to adopt, or adopted only
    in part (a priority then cites it for the part it took up), and why."""

    finding: Id
    decision: Markdown
    extent: AdoptionExtent = Field(
        "not-adopted",
        description="not-adopted, or partly-adopted: a priority takes up part of it, and "
        "`decision` says which part and why not the rest.",
    )
    tier: Tier | None = Field(None, description="Tier it was moved to instead, if any.")


class Dropped(Strict):
    """A priority of the year before that this year's plan drops, where and why."""

    priority: Id = Field(description="The previous year's priority id.")
    decided: When | None = Field(None, description="When it was decided.")
    meeting: Title | None = Field(None, description="The meeting that decided it.")
    reason: Markdown | None = None


class NotPublished(Strict):
    """What the year's published documents do not contain, and why: a declared absence is
    neither an error nor a warning, and the pages say it in words."""

    parts: list[PublishedPart] = Field(min_length=1)
    reason: Markdown


class Consultation(Strict):
    """How the public may comment on a plan while it is in consultation."""

    how_to_respond: Markdown = Field(
        description="How to respond, in plain words: by email, online survey, post, at a meeting."
    )
    until: Day = Field(description="The last day comments are taken.")
    url: Url | None = Field(None, description="The consultation's page or survey.")


class PlanFile(Strict):
    """`plans/<partnership>/<year>/plan.yml`: the year's status, approval and priorities."""

    year: YearId
    title: Title = Field(description="Title of the plan (a rolling plan keeps it across years).")
    status: PlanStatus
    stage: CycleStage | None = Field(
        None, description="Commissioning-cycle stage the year is in; derived when left out."
    )
    summary: Markdown | None = Field(
        None,
        description="What the partnership will do this year, in plain words for residents "
        "('this year we will ...'): shown first on the overview.",
    )
    consultation: Consultation | None = Field(
        None, description="How to comment on the plan while its status is consultation."
    )
    strategy: Title | None = Field(
        None,
        description="Title of the partnership's strategy this year refreshes, when it is not "
        "the one whose years include this year (e.g. a refresh published after it ended).",
    )
    approval: Approval | None = None
    published_online: When | None = Field(None, description="When the plan was put online.")
    sent_to_pcc: Day | None = None
    meetings: list[Meeting] = Field(default_factory=list)
    selection: SelectionMethod | None = None
    priorities: list[Priority] = Field(
        default_factory=list,
        description="May be empty: a year that is only funding decisions, or whose priorities "
        "were never published (declare it under not_published).",
    )
    not_adopted: list[NotAdopted] = Field(default_factory=list)
    dropped: list[Dropped] = Field(
        default_factory=list, description="Last year's priorities this plan drops, and why."
    )
    not_published: NotPublished | None = Field(
        None, description="What the published documents of this year do not contain, and why."
    )
