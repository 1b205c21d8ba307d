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

    organisation: Id = Field(
        description="The member organisation's id (data/organisations.yml).",
        examples=["brackenshire-constabulary"],
    )
    role: MemberRole = Field(
        "responsible-authority",
        description="The organisation's place in the partnership: a responsible authority (with a "
        "statutory duty), a co-operating body, an invited member, or the host.",
    )
    joined: When | None = Field(
        None, description="When the organisation joined, if it joined after the partnership began."
    )
    left: When | None = Field(None, description="The last day of membership.")
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the membership."
    )


class Strategy(Strict):
    """The multi-year plan the yearly refreshes belong to (a rolling plan keeps its title)."""

    title: Title = Field(
        description="The strategy's title, as each year's plan names it.",
        examples=["Safer Sallowfield 2023–2026"],
    )
    first_year: YearId = Field(
        description="The first financial year the strategy covers.", examples=["2023-24"]
    )
    last_year: YearId = Field(
        description="The last financial year the strategy covers.", examples=["2025-26"]
    )


class Partnership(Strict):
    """A CSP, county group, PCC or combined partnership."""

    id: Id = Field(
        description="The partnership's id: the name of its folder under plans/.",
        examples=["sallowfield"],
    )
    name: Title = Field(
        description="The partnership's full name.",
        examples=["Sallowfield Community Safety Partnership"],
    )
    kind: PartnershipKind = Field(
        description="What sort of partnership: a Community Safety Partnership (csp), a county-level"
        " group (county), a Police and Crime Commissioner (pcc) or a combined "
        "partnership."
    )
    area: Id = Field(
        description="The id of the police force area the partnership is in (data/areas.yml)."
    )
    local_authorities: list[Title] = Field(
        default_factory=list,
        description="The councils whose areas the partnership covers, by name.",
        examples=[["Sallowfield District Council"]],
    )
    description: Markdown | None = Field(
        None, description="A few words about the partnership for its overview page."
    )
    host: Id | None = Field(
        None, description="Organisation that receives and holds money on the partnership's behalf."
    )
    members: list[Membership] = Field(
        min_length=1,
        description="The organisations in the partnership and their role; at least one.",
    )
    strategies: list[Strategy] = Field(
        default_factory=list, description="The multi-year strategies the yearly plans belong to."
    )
    website: Url | None = Field(
        None, description="The partnership's own website, shown on its overview."
    )
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
    date: When = Field(
        description="When the step was taken; YYYY-MM or YYYY where the source gives no more.",
        examples=["2024-02-20"],
    )
    role: Title | None = Field(
        None, description="What the step did, e.g. 'recommended', 'approved', 'adopted'."
    )
    decision_maker: Title | None = Field(
        None, description="Who decided, e.g. an officer under delegated authority."
    )
    in_consultation_with: Title | None = Field(
        None,
        description="Who was consulted before the decision, e.g. 'the Chairman of the Community "
        "Safety Committee'.",
    )
    reference: Title | None = Field(
        None, description="The minute, report or decision reference of the step."
    )
    url: Url | None = Field(None, description="Where the step's minutes or decision are published.")


class Approval(Strict):
    """Who approved something and when: the final approval, after any earlier steps."""

    body: Title = Field(
        description="The body that gave the final approval.",
        examples=["Sallowfield Community Safety Partnership Board"],
    )
    date: Day = Field(description="The day of the final approval.", examples=["2024-03-14"])
    reference: Title | None = Field(
        None,
        description="The minute or decision reference of the approval.",
        examples=["Minute 12/24"],
    )
    steps: list[ApprovalStep] = Field(
        default_factory=list,
        description="The steps before the final approval, oldest first (committee, delegated "
        "officer, ...).",
    )


class Question(Strict):
    """A public question or challenge put at a meeting, and what came of it."""

    question: Markdown = Field(description="The question or challenge, as it was put.")
    asked_by: Title | None = Field(
        None,
        description="Who asked, in general terms (e.g. 'a resident of Northgate'); never "
        "a private person's name.",
    )
    answer: Markdown | None = Field(
        None, description="The answer given at the meeting or afterwards."
    )
    outcome: Markdown | None = Field(
        None, description="What came of it: an action agreed, a change to the plan, or nothing."
    )
    source: Title | None = Field(None, description="Where it is recorded, e.g. 'minutes, item 6'.")
    url: Url | None = Field(None, description="Where the question and answer are published.")


class Meeting(Strict):
    """A meeting of the partnership in the year (the regulations ask for at least one public)."""

    date: Day = Field(description="The day of the meeting.")
    title: Title = Field(
        description="What the meeting was, as the partnership calls it.",
        examples=["Partnership board"],
    )
    public: Flag = Field(False, description="true when the public could attend.")
    minutes_url: Url | None = Field(None, description="Where the minutes are published.")
    questions: list[Question] = Field(
        default_factory=list, description="Public questions and challenges put at the meeting."
    )


class SelectionCriterion(Strict):
    """One criterion of the scoring method used to choose priorities."""

    id: Id = Field(
        description="The criterion's id: priorities give their score under it.", examples=["harm"]
    )
    title: Title = Field(description="The criterion's name.", examples=["Harm to victims"])
    description: Markdown | None = Field(
        None, description="What the criterion weighs, and how a score is given."
    )


class SelectionMethod(Strict):
    """How priorities were chosen, e.g. threat, risk, harm, vulnerability, capacity to act."""

    name: Title = Field(description="The method's name.", examples=["Threat, risk and harm"])
    description: Markdown | None = Field(
        None, description="How the method works, in a few sentences."
    )
    criteria: list[SelectionCriterion] = Field(
        min_length=1,
        description="The criteria each candidate priority was scored against; at least one.",
    )


class Objective(Strict):
    """What a priority sets out to achieve, who pursues it and how it is measured."""

    id: Id = Field(
        description="The objective's id: actions may name it.", examples=["fewer-repeat-victims"]
    )
    title: Title = Field(
        description="What the objective sets out to achieve, in one line.",
        examples=["Fewer repeat victims of domestic abuse"],
    )
    description: Markdown | None = Field(
        None, description="More on the objective, when its title is not enough."
    )
    pursued_by: list[Id] = Field(
        default_factory=list, description="The ids of the organisations that pursue the objective."
    )
    indicators: list[Id] = Field(
        default_factory=list,
        description="The ids of the indicators that measure the objective (indicators.yml).",
    )


class Priority(Strict):
    """A partnership priority, justified by findings and delivered through objectives."""

    id: Id = Field(
        description="The priority's id: actions, indicators and services name it. Keep it across "
        "years to follow a priority.",
        examples=["domestic-abuse"],
    )
    title: Title = Field(
        description="The priority's name, as the plan gives it.", examples=["Domestic abuse"]
    )
    tier: Tier = Field(
        "core",
        description="core: a priority of its own; cross-cutting: a theme that runs through the "
        "others (such as early intervention).",
    )
    rationale: Markdown = Field(
        description="Why the partnership chose it: what the evidence shows and what residents said."
    )
    findings: list[Id] = Field(
        default_factory=list,
        description="The ids of the assessment's findings the priority answers (assessment.yml).",
    )
    leads: list[Id] = Field(
        default_factory=list, description="The ids of the organisations that lead on the priority."
    )
    objectives: list[Objective] = Field(
        default_factory=list,
        description="What the priority sets out to achieve, each with who pursues it and how it is "
        "measured.",
    )
    scores: dict[Id, Score] = Field(
        default_factory=dict,
        description="The priority's score (1–5) under each criterion of the selection method, by "
        "the criterion's id.",
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

    finding: Id = Field(
        description="The id of the assessment's finding that was recommended.",
        examples=["rural-crime"],
    )
    decision: Markdown = Field(description="What the partnership decided and why.")
    extent: AdoptionExtent = Field(
        "not-adopted",
        description="not-adopted, or partly-adopted: a priority takes up part of it, and "
        "`decision` says which part and why not the rest.",
    )
    tier: Tier | None = Field(None, description="Tier it was moved to instead, if any.")


class Dropped(Strict):
    """A priority of the year before that this year's plan drops, where and why."""

    priority: Id = Field(description="The id of the previous year's priority that is dropped.")
    decided: When | None = Field(None, description="When it was decided.")
    meeting: Title | None = Field(None, description="The meeting that decided it.")
    reason: Markdown | None = Field(
        None,
        description="Why the priority was dropped (for example, the problem has fallen, or another "
        "body now leads).",
    )


class NotPublished(Strict):
    """What the year's published documents do not contain, and why: a declared absence is
    neither an error nor a warning, and the pages say it in words."""

    parts: list[PublishedPart] = Field(
        min_length=1,
        description="The parts of the plan year the published documents do not contain, such as "
        "indicators, targets or funding.",
    )
    reason: Markdown = Field(
        description="Why they are missing, as far as is known (for example, 'the plan published its"
        " priorities only')."
    )


class Consultation(Strict):
    """How the public may comment on a plan while it is in consultation."""

    how_to_respond: Markdown = Field(
        description="How to respond, in plain words: by email, online survey, post, at a meeting."
    )
    until: Day = Field(description="The last day comments are taken.")
    url: Url | None = Field(None, description="The consultation's page or survey.")


class PlanFile(Strict):
    """`plans/<partnership>/<year>/plan.yml`: the year's status, approval and priorities."""

    year: YearId = Field(
        description="The financial year of the plan: the name of its folder.", examples=["2024-25"]
    )
    title: Title = Field(description="Title of the plan (a rolling plan keeps it across years).")
    status: PlanStatus = Field(
        description="Where the plan is: draft (built only with --drafts), consultation (open for "
        "comments), approved, published, or superseded by a later plan."
    )
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
    approval: Approval | None = Field(
        None, description="Who approved the plan and when, with the steps before."
    )
    published_online: When | None = Field(None, description="When the plan was put online.")
    sent_to_pcc: Day | None = Field(
        None, description="The day the plan was sent to the Police and Crime Commissioner."
    )
    meetings: list[Meeting] = Field(
        default_factory=list,
        description="The partnership's meetings in the year (the regulations ask for at least one "
        "in public).",
    )
    selection: SelectionMethod | None = Field(
        None, description="How the priorities were chosen: the scoring method and its criteria."
    )
    priorities: list[Priority] = Field(
        default_factory=list,
        description="May be empty: a year that is only funding decisions, or whose priorities "
        "were never published (declare it under not_published).",
    )
    not_adopted: list[NotAdopted] = Field(
        default_factory=list,
        description="Recommendations of the needs assessment the partnership did not adopt, or "
        "adopted only in part, and why.",
    )
    dropped: list[Dropped] = Field(
        default_factory=list, description="Last year's priorities this plan drops, and why."
    )
    not_published: NotPublished | None = Field(
        None, description="What the published documents of this year do not contain, and why."
    )
