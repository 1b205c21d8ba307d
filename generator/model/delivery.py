"""Delivery: the action plan (`actions.yml`) and commissioned services (`services.yml`)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, model_validator

from generator.model.types import Day, Flag, Id, Markdown, Money, Strict, Title, YearId

ActionStatus = Literal["not-started", "on-track", "at-risk", "off-track", "complete", "cancelled"]
MilestoneStatus = Literal["scheduled", "met", "not-met", "partially-met"]
MakeOrBuy = Literal["make", "buy"]
DeliveryModel = Literal[
    "in-house", "grant", "contract", "joint-commissioning", "on-behalf-of-pcc", "passported"
]
BudgetArrangement = Literal["sole", "aligned", "pooled"]
ServiceStatus = Literal["planned", "active", "ending", "decommissioned", "recommissioned"]
ProcurementRoute = Literal[
    "in-house",
    "direct-award",
    "grant-round",
    "quotation",
    "open-tender",
    "restricted-tender",
    "framework-call-off",
    "exemption",
    "partner-led",
]
Pathway = Literal[
    "accommodation",
    "education-training-employment",
    "health",
    "drugs-alcohol",
    "finance-benefit-debt",
    "children-families",
    "attitudes-thinking-behaviour",
]
PATHWAYS: tuple[str, ...] = get_args(Pathway)  # the seven resettlement pathways, in order


class Funding(Strict):
    """Money from one stream towards an action or service."""

    stream: Id
    amount: Money
    year: YearId | None = Field(None, description="Financial year; the plan's year by default.")
    note: Markdown | None = None


class Milestone(Strict):
    """A dated step of an action."""

    title: Title
    due: Day
    status: MilestoneStatus = "scheduled"
    note: Markdown | None = None


class ProgressNote(Strict):
    """A dated update on an action."""

    date: Day
    note: Markdown


class Action(Strict):
    """One line of a priority's action plan."""

    id: Id
    priority: Id
    objective: Id | None = None
    title: Title
    description: Markdown | None = None
    lead: Id = Field(description="Lead organisation id.")
    partners: list[Id] = Field(default_factory=list)
    due: Day
    status: ActionStatus = "not-started"
    milestones: list[Milestone] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    services: list[Id] = Field(default_factory=list)
    progress: list[ProgressNote] = Field(default_factory=list)


class ActionsFile(Strict):
    """`plans/<partnership>/<year>/actions.yml`."""

    actions: list[Action] = Field(default_factory=list)


class Contribution(Strict):
    """A partner's contribution to a pooled or aligned budget."""

    organisation: Id
    amount: Money


class JointArrangement(Strict):
    """Joint commissioning: who else commissions, and how the budget is held."""

    host: Id | None = Field(None, description="Organisation holding a pooled budget.")
    agreement: Title | None = Field(None, description="The formal agreement, e.g. a s.75 deal.")
    contributions: list[Contribution] = Field(default_factory=list)


class Procurement(Strict):
    """How the service was bought."""

    route: ProcurementRoute
    reference: Title | None = None
    outcome: Markdown | None = Field(
        None, description="What happened, e.g. 'no compliant bids; re-run in Q3'."
    )


class Contract(Strict):
    """The contract or grant agreement; a withheld value is 'withheld', never zero."""

    value: Money | None = None
    value_withheld: Markdown | None = Field(
        None, description="Reason the value is not published (e.g. commercial confidentiality)."
    )
    starts: Day | None = None
    ends: Day | None = None
    extended_to: Day | None = None
    extension_basis: Markdown | None = Field(None, description="e.g. exemption to standing orders")

    @model_validator(mode="after")
    def _value_or_reason(self) -> Contract:
        if (self.value is None) == (self.value_withheld is None):
            raise ValueError(
                "give either value or value_withheld (the reason it is not published), not both"
                if self.value is not None
                else "give the contract value, or value_withheld with the reason it is withheld"
            )
        return self


class Decision(Strict):
    """A recorded commissioning decision."""

    reference: Title
    date: Day
    decision_maker: Title
    delegated: Flag = Field(False, description="Taken by an officer under delegated authority.")
    summary: Markdown


class Service(Strict):
    """A commissioned (or in-house) service and how it is bought and paid for."""

    id: Id
    name: Title
    description: Markdown | None = None
    priorities: list[Id] = Field(default_factory=list)
    commissioners: list[Id] = Field(min_length=1)
    on_behalf_of: Id | None = Field(None, description="Partnership commissioned for (e.g. a PCC).")
    make_or_buy: MakeOrBuy
    make_or_buy_rationale: Markdown
    delivery_model: DeliveryModel
    budget: BudgetArrangement = "sole"
    joint: JointArrangement | None = None
    providers: list[Id] = Field(default_factory=list)
    procurement: Procurement | None = None
    contract: Contract | None = None
    funding: list[Funding] = Field(default_factory=list)
    pathways: list[Pathway] = Field(default_factory=list)
    status: ServiceStatus = "active"
    decisions: list[Decision] = Field(default_factory=list)


class ServicesFile(Strict):
    """`plans/<partnership>/<year>/services.yml`."""

    services: list[Service] = Field(default_factory=list)
