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

    stream: Id
    amount: Money | None = None
    year: YearId | None = Field(None, description="Financial year; the plan's year by default.")
    note: Markdown | None = None
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _amount_or_status(self) -> Funding:
        _unknown_or_amount(self, self.amount, "amount")
        return self


class Milestone(Strict):
    """A dated step of an action."""

    title: Title
    due: When
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
    due: When
    status: ActionStatus = "not-started"
    milestones: list[Milestone] = Field(default_factory=list)
    funding: list[Funding] = Field(default_factory=list)
    services: list[Id] = Field(default_factory=list)
    progress: list[ProgressNote] = Field(default_factory=list)
    carried_from: YearId | None = Field(
        None,
        description="The year whose action plan this action is carried over from; its id is kept.",
    )
    to_confirm: Title | None = TO_CONFIRM


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


class Lot(UnknownAmount):
    """One lot of a tender: what it was for, its value, and what became of it."""

    id: Id
    title: Title
    value: Money | None = None
    outcome: LotOutcome | None = Field(
        None, description="awarded, no-compliant-bids, no-bids, withdrawn or pending."
    )
    provider: Id | None = Field(None, description="Organisation the lot was awarded to.")
    rerun_as: Title | None = Field(
        None,
        description="The lot (its id) or procurement (its reference) the lot was re-run as.",
    )
    note: Markdown | None = None

    @model_validator(mode="after")
    def _value_or_status(self) -> Lot:
        _unknown_or_amount(self, self.value, "value")
        if self.rerun_as == self.id:
            raise ValueError("a lot is not re-run as itself; name the new lot or procurement")
        return self


class Procurement(Strict):
    """How the service was bought."""

    route: ProcurementRoute
    reference: Title | None = None
    outcome: Markdown | None = Field(
        None, description="What happened, e.g. 'no compliant bids; re-run in Q3'."
    )
    lots: list[Lot] = Field(default_factory=list, description="The tender's lots, if any.")


class Contract(UnknownAmount):
    """The contract or grant agreement; an unknown value says why, never zero.

    `value_withheld` is the older way to write `amount_status: withheld` with its
    `amount_reason`, and stays valid."""

    value: Money | None = None
    value_withheld: Markdown | None = Field(
        None, description="Reason the value is not published (e.g. commercial confidentiality)."
    )
    starts: When | None = None
    ends: When | None = None
    extended_to: When | None = None
    extension_basis: Markdown | None = Field(None, description="e.g. exemption to standing orders")
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

    reference: Title
    date: When | None = Field(None, description="The date of the decision.")
    decision_maker: Title | None = None
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

    id: Id
    name: Title
    description: Markdown | None = None
    priorities: list[Id] = Field(default_factory=list)
    commissioners: list[Id] = Field(min_length=1)
    on_behalf_of: Id | None = Field(None, description="Partnership commissioned for (e.g. a PCC).")
    make_or_buy: MakeOrBuy
    make_or_buy_rationale: Markdown | None = Field(
        None, description="Why it is made or bought; often not published."
    )
    delivery_model: DeliveryModel
    budget: BudgetArrangement = "sole"
    joint: JointArrangement | None = None
    providers: list[Id] = Field(default_factory=list)
    procurement: Procurement | None = None
    contract: Contract | None = None
    funding: list[Funding] = Field(default_factory=list)
    one_year_only: Flag = Field(False, description="Bridging or sunset funding for this year only.")
    one_year_only_reason: Markdown | None = Field(
        None, description="Why the funding is for one year only."
    )
    superseded_by: Id | None = Field(
        None,
        description="The service (of the same year) that took this intended commissioning's place.",
    )
    pathways: list[Pathway] = Field(default_factory=list)
    status: ServiceStatus = "active"
    decisions: list[Decision] = Field(default_factory=list)
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

    services: list[Service] = Field(default_factory=list)
