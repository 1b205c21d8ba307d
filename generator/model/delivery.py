"""Delivery: the action plan (`actions.yml`) and commissioned services (`services.yml`)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from generator.model.amounts import UnknownAmount, amount_problem
from generator.model.types import (
    TO_CONFIRM,
    Count,
    Day,
    Flag,
    Id,
    Markdown,
    Money,
    Strict,
    Title,
    Url,
    When,
    YearId,
)

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
LotOutcome = Literal["awarded", "no-compliant-bids", "no-bids", "withdrawn", "pending"]
EXTENSION_OPTIONS_PATTERN = r"^[1-9][0-9]?(\+[1-9][0-9]?)+$"
_EXTENSION_OPTIONS = re.compile(EXTENSION_OPTIONS_PATTERN)


def _check_extension_options(value: object) -> object:
    """A contract's term and its extension options in years, as tenders write them: `2+1+1`."""
    if isinstance(value, str) and not _EXTENSION_OPTIONS.fullmatch(value):
        raise PydanticCustomError(
            "extension_options",
            f"write the term and each extension option in years joined by '+', "
            f"e.g. 1+4 or 2+1+1, got '{value[:40]}'",
        )
    return value


ExtensionOptions = Annotated[
    str,
    BeforeValidator(_check_extension_options),
    WithJsonSchema({"type": "string", "pattern": EXTENSION_OPTIONS_PATTERN}),
]


def _unknown_or_amount(line: UnknownAmount, amount: Decimal | None, what: str) -> None:
    """Raise the editor's message when a line has neither a figure nor a reason for none."""
    if amount is None and line.amount_status is None:
        raise ValueError(
            f"give the {what}, or amount_status saying why there is none (not-published, "
            "withheld with amount_reason, or combined)"
        )
    problem = amount_problem(line, amount, what)
    if problem is not None:
        raise ValueError(problem)


class Funding(UnknownAmount):
    """Money from one stream towards an action or service; an unknown amount says why."""

    stream: Id = Field(
        description="The id of the funding stream the money comes from (data/funding-streams.yml).",
        examples=["pcc-community-safety-fund"],
    )
    amount: Money | None = Field(
        None,
        description="The money from the stream, in pounds; left out when it is not known (give "
        "amount_status).",
        examples=[12000],
    )
    year: YearId | None = Field(None, description="Financial year; the plan's year by default.")
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the money."
    )
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _amount_or_status(self) -> Funding:
        _unknown_or_amount(self, self.amount, "amount")
        return self


class Milestone(Strict):
    """A dated step of an action."""

    title: Title = Field(
        description="The step, in one line.", examples=["Terms of reference agreed"]
    )
    due: When = Field(
        description="When the step is due; YYYY-MM or YYYY where the plan gives no more.",
        examples=["2024-09-30"],
    )
    status: MilestoneStatus = Field(
        "scheduled", description="scheduled, met, not-met or partially-met."
    )
    note: Markdown | None = Field(None, description="Anything a reader should know about the step.")


class ProgressNote(Strict):
    """A dated update on an action."""

    date: Day = Field(description="The day of the update.")
    note: Markdown = Field(description="What has happened since the last update.")


class Action(Strict):
    """One line of a priority's action plan."""

    id: Id = Field(
        description="The action's id. Keep it when the action is carried over to the next year.",
        examples=["weekly-high-risk-meeting"],
    )
    priority: Id = Field(
        description="The id of the priority the action delivers.", examples=["domestic-abuse"]
    )
    objective: Id | None = Field(
        None, description="The id of the priority's objective the action works towards."
    )
    title: Title = Field(
        description="What will be done, in one line.",
        examples=["Hold a weekly meeting on high-risk domestic abuse cases"],
    )
    description: Markdown | None = Field(None, description="More on what will be done and how.")
    lead: Id = Field(description="The id of the organisation that leads the action.")
    partners: list[Id] = Field(
        default_factory=list, description="The ids of the other organisations that take part."
    )
    due: When = Field(
        description="When the action is due to be done; YYYY-MM or YYYY where the plan gives no "
        "more (e.g. 'by March 2025').",
        examples=["2025-03"],
    )
    status: ActionStatus = Field(
        "not-started",
        description="How the action stands: not-started, on-track, at-risk, off-track, complete or "
        "cancelled.",
    )
    milestones: list[Milestone] = Field(default_factory=list, description="Dated steps on the way.")
    funding: list[Funding] = Field(
        default_factory=list, description="Money towards the action, a line per funding stream."
    )
    services: list[Id] = Field(
        default_factory=list,
        description="The ids of the services the action relies on or sets up (services.yml).",
    )
    progress: list[ProgressNote] = Field(
        default_factory=list, description="Dated updates on how the action is going, oldest first."
    )
    carried_from: YearId | None = Field(
        None,
        description="The year whose action plan this action is carried over from; its id is kept.",
    )
    to_confirm: Title | None = TO_CONFIRM


class ActionsFile(Strict):
    """`plans/<partnership>/<year>/actions.yml`."""

    actions: list[Action] = Field(
        default_factory=list,
        description="The year's action plan: what will be done, by whom, by when.",
    )


class Contribution(Strict):
    """A partner's contribution to a pooled or aligned budget."""

    organisation: Id = Field(description="The id of the contributing organisation.")
    amount: Money = Field(description="What it contributes, in pounds.", examples=[25000])


class JointArrangement(Strict):
    """Joint commissioning: who else commissions, and how the budget is held."""

    host: Id | None = Field(None, description="Organisation holding a pooled budget.")
    agreement: Title | None = Field(None, description="The formal agreement, e.g. a s.75 deal.")
    contributions: list[Contribution] = Field(
        default_factory=list,
        description="Each partner's contribution to the pooled or aligned budget.",
    )


class Lot(UnknownAmount):
    """One lot of a tender: what it was for, its value, and what became of it."""

    id: Id = Field(description="The lot's id in the tender.", examples=["lot-1"])
    title: Title = Field(
        description="What the lot is for.", examples=["Independent domestic violence advisers"]
    )
    value: Money | None = Field(
        None,
        description="The lot's value, in pounds; left out when it is not known (give "
        "amount_status).",
        examples=[90000],
    )
    outcome: LotOutcome | None = Field(
        None, description="awarded, no-compliant-bids, no-bids, withdrawn or pending."
    )
    provider: Id | None = Field(None, description="Organisation the lot was awarded to.")
    rerun_as: Title | None = Field(
        None,
        description="The lot (its id) or procurement (its reference) the lot was re-run as.",
    )
    note: Markdown | None = Field(None, description="Anything a reader should know about the lot.")

    @model_validator(mode="after")
    def _value_or_status(self) -> Lot:
        _unknown_or_amount(self, self.value, "value")
        if self.rerun_as == self.id:
            raise ValueError("a lot is not re-run as itself; name the new lot or procurement")
        return self


class Procurement(Strict):
    """How the service was bought."""

    route: ProcurementRoute = Field(
        description="How it was bought: in-house, direct award, a grant round, quotations, an open "
        "or restricted tender, a call-off from a framework, an exemption from standing "
        "orders, or led by a partner."
    )
    reference: Title | None = Field(
        None,
        description="The procurement's reference, as the tender notice gives it.",
        examples=["BCC-2024-017"],
    )
    outcome: Markdown | None = Field(
        None, description="What happened, e.g. 'no compliant bids; re-run in Q3'."
    )
    lots: list[Lot] = Field(default_factory=list, description="The tender's lots, if any.")


class Contract(UnknownAmount):
    """The contract or grant agreement; an unknown value says why, never zero.

    `value_withheld` is the older way to write `amount_status: withheld` with its
    `amount_reason`, and stays valid."""

    value: Money | None = Field(
        None,
        description="The contract's total value, in pounds; left out when it is not known (give "
        "amount_status).",
        examples=[180000],
    )
    value_withheld: Markdown | None = Field(
        None, description="Reason the value is not published (e.g. commercial confidentiality)."
    )
    starts: When | None = Field(None, description="When the contract starts.")
    ends: When | None = Field(None, description="When the contract ends, before any extension.")
    extended_to: When | None = Field(
        None, description="When the contract now ends, after an extension."
    )
    extension_basis: Markdown | None = Field(
        None,
        description="The authority for extending the contract, e.g. an exemption to standing "
        "orders.",
    )
    extension_options: ExtensionOptions | None = Field(
        None,
        description="The term and each extension option in years, as the tender writes it: "
        "1+4 (one year, then one option of four), 2+1+1.",
    )
    extensions_used: Count | None = Field(
        None, description="How many of the extension options have been taken up."
    )

    @model_validator(mode="after")
    def _value_or_reason(self) -> Contract:
        if self.value_withheld is not None:
            if self.value is not None:
                raise ValueError(
                    "give either value or value_withheld (the reason it is not published), not both"
                )
            if self.amount_status is not None or self.amount_reason is not None:
                raise ValueError(
                    "value_withheld is the older way to write amount_status: withheld with "
                    "amount_reason; give one of them"
                )
        else:
            _unknown_or_amount(self, self.value, "contract value")
        if self.extensions_used is not None:
            if self.extension_options is None:
                raise ValueError(
                    "extensions_used counts the extension options taken up: give "
                    "extension_options (e.g. 2+1+1) too"
                )
            offered = self.extension_options.count("+")
            if self.extensions_used > offered:
                raise ValueError(
                    f"extensions_used is {self.extensions_used}, but {self.extension_options} "
                    f"offers {offered} extension option{'s' if offered != 1 else ''}"
                )
        return self

    @property
    def value_status(self) -> str | None:
        """Why there is no value (withheld, not-published, combined), or None."""
        return "withheld" if self.value_withheld is not None else self.amount_status

    @property
    def value_reason(self) -> str | None:
        """The reason given for a withheld or unpublished value."""
        return self.value_withheld if self.value_withheld is not None else self.amount_reason

    @property
    def extension_options_offered(self) -> int:
        """How many extension options the contract offers (0 if none recorded)."""
        return self.extension_options.count("+") if self.extension_options else 0


class Decision(Strict):
    """A recorded commissioning decision, or a decision notice recorded elsewhere, named by
    its reference alone."""

    reference: Title = Field(
        description="The decision notice's reference.", examples=["PCC-DN-2024-031"]
    )
    date: When | None = Field(None, description="The date of the decision.")
    decision_maker: Title | None = Field(
        None, description="Who made the decision.", examples=["Police and Crime Commissioner"]
    )
    delegated: Flag = Field(False, description="Taken by an officer under delegated authority.")
    summary: Markdown | None = Field(
        None, description="What was decided; left out when the notice is recorded elsewhere."
    )
    signed: When | None = Field(
        None, description="The date the notice was signed, when it differs from the decision."
    )
    signatory: Title | None = Field(None, description="Who signed, e.g. a delegated officer.")
    in_consultation_with: Title | None = Field(
        None, description="Consulted before a delegated decision, e.g. 'the Chairman'."
    )
    confidential: Flag = Field(
        False, description="The notice has a confidential annex, which is never published here."
    )
    confidential_reason: Markdown | None = Field(
        None, description="Why the annex is confidential, e.g. commercially sensitive."
    )
    url: Url | None = Field(None, description="Where the notice is published.")

    @model_validator(mode="after")
    def _coherent(self) -> Decision:
        if self.confidential and self.confidential_reason is None:
            raise ValueError(
                "a confidential notice gives confidential_reason (why its annex is not public)"
            )
        if self.confidential_reason is not None and not self.confidential:
            raise ValueError("confidential_reason needs confidential: true, or leave it out")
        return self

    @property
    def by_reference(self) -> bool:
        """Only the reference is given: the notice itself is recorded elsewhere."""
        return self.date is None and self.decision_maker is None and self.summary is None


class Service(Strict):
    """A commissioned (or in-house) service and how it is bought and paid for."""

    id: Id = Field(
        description="The service's id. Keep it across years to follow a service.",
        examples=["victim-care-hub"],
    )
    name: Title = Field(
        description="The service's name, as residents know it.", examples=["Victim Care Hub"]
    )
    description: Markdown | None = Field(None, description="What the service does and for whom.")
    priorities: list[Id] = Field(
        default_factory=list, description="The ids of the priorities the service serves."
    )
    commissioners: list[Id] = Field(
        min_length=1, description="The ids of the organisations that commission it; at least one."
    )
    on_behalf_of: Id | None = Field(None, description="Partnership commissioned for (e.g. a PCC).")
    make_or_buy: MakeOrBuy = Field(
        description="make: provided in-house by a partner; buy: bought from a provider."
    )
    make_or_buy_rationale: Markdown | None = Field(
        None, description="Why it is made or bought; often not published."
    )
    delivery_model: DeliveryModel = Field(
        description="How it is delivered: in-house, by grant, by contract, by joint commissioning, "
        "on behalf of the PCC, or with money passported to another body."
    )
    budget: BudgetArrangement = Field(
        "sole",
        description="How the budget is held: sole (one commissioner), aligned (partners plan "
        "together but keep their own money) or pooled (one shared budget).",
    )
    joint: JointArrangement | None = Field(
        None,
        description="Joint commissioning: who holds a pooled budget, under what agreement, and each"
        " partner's contribution.",
    )
    providers: list[Id] = Field(
        default_factory=list, description="The ids of the organisations that deliver the service."
    )
    procurement: Procurement | None = Field(
        None,
        description="How the service was bought: the route, the reference and the tender's lots.",
    )
    contract: Contract | None = Field(
        None, description="The contract or grant agreement: its value, dates and extension options."
    )
    funding: list[Funding] = Field(
        default_factory=list, description="Money towards the service, a line per funding stream."
    )
    one_year_only: Flag = Field(False, description="Bridging or sunset funding for this year only.")
    one_year_only_reason: Markdown | None = Field(
        None, description="Why the funding is for one year only."
    )
    superseded_by: Id | None = Field(
        None,
        description="The service (of the same year) that took this intended commissioning's place.",
    )
    pathways: list[Pathway] = Field(
        default_factory=list, description="The reducing-reoffending pathways the service works on."
    )
    status: ServiceStatus = Field(
        "active", description="planned, active, ending, decommissioned or recommissioned."
    )
    decisions: list[Decision] = Field(
        default_factory=list, description="Recorded commissioning decisions about the service."
    )
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _one_year_only_reason(self) -> Service:
        if self.one_year_only and self.one_year_only_reason is None:
            raise ValueError(
                "one-year-only funding gives one_year_only_reason (e.g. bridging until the "
                "service is recommissioned)"
            )
        if self.one_year_only_reason is not None and not self.one_year_only:
            raise ValueError("one_year_only_reason needs one_year_only: true, or leave it out")
        if self.superseded_by == self.id:
            raise ValueError("a service is not superseded by itself; name the service that was")
        return self


class ServicesFile(Strict):
    """`plans/<partnership>/<year>/services.yml`."""

    services: list[Service] = Field(
        default_factory=list,
        description="The services the partnership commissions or provides itself this year, and how"
        " each is bought and paid for.",
    )
