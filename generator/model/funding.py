"""Money (`funding.yml`): allocations received or kept, formulas that passport a fund, cuts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.amounts import UnknownAmount, amount_problem
from generator.model.types import (
    TO_CONFIRM,
    Day,
    Id,
    Markdown,
    Money,
    NonNegative,
    SignedMoney,
    Strict,
    Title,
    When,
    YearId,
)

AllocationMethod = Literal["formula", "bid", "discretionary", "passported", "retained"]
FormulaInputs = Literal["given", "not-published"]
FormulaApplied = Literal["fully", "partially", "not"]
CutEffect = Literal["delivered", "reduced", "re-profiled", "transferred", "cancelled"]

SIC = Field(
    None,
    description="A typo in the source kept as printed (e.g. '20012-13'), shown as [sic]; the "
    "figures and dates beside it are what the source meant.",
)


class Allocation(UnknownAmount):
    """Money from a stream to this partnership (or kept centrally by a PCC) for the year."""

    id: Id = Field(description="The allocation's id.", examples=["csf-formula-share"])
    stream: Id = Field(
        description="The id of the funding stream the money comes from.",
        examples=["pcc-community-safety-fund"],
    )
    title: Title | None = Field(
        None, description="The line's own name, when the source gives one (e.g. 'ASB team')."
    )
    method: AllocationMethod = Field(
        description="How the money was given: by formula, by bid, at the funder's discretion, "
        "passported from another body, or retained centrally."
    )
    amount: Money | None = Field(
        None,
        description="Left out for a formula allocation (it is computed to the penny), or when "
        "the amount is not known (give amount_status).",
    )
    formula: Id | None = Field(
        None,
        description="The id of the formula that works the amount out (in the PCC's funding.yml); "
        "only for method: formula.",
    )
    recipient: Id | None = Field(
        None, description="Organisation paid, e.g. a host council; the partnership's host if out."
    )
    published_amount: Money | None = Field(
        None, description="The figure as published, when it differs from the computed one."
    )
    published_note: Markdown | None = Field(
        None, description="Why the published figure differs; declared, it is not warned about."
    )
    sic: Title | None = SIC
    note: Markdown | None = Field(
        None, description="Anything a reader should know about the allocation."
    )
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _amount_or_formula(self) -> Allocation:
        if self.method == "formula" and self.formula is None:
            raise ValueError("a formula allocation names its formula")
        if self.method != "formula" and self.formula is not None:
            raise ValueError("only a formula allocation names a formula; set method: formula")
        if self.method != "formula" and self.amount is None and self.amount_status is None:
            raise ValueError(
                f"a {self.method} allocation needs an amount, or amount_status "
                "(not-published, withheld or combined) saying why there is none"
            )
        if self.method == "formula" and self.amount_status is not None:
            raise ValueError(
                "a formula allocation is computed from its formula; leave amount_status out"
            )
        problem = amount_problem(self, self.amount)
        if problem is not None:
            raise ValueError(problem)
        return self


class Criterion(Strict):
    """One weighted criterion of a formula, e.g. population 0.5."""

    id: Id = Field(
        description="The criterion's id: each recipient gives its figure under it.",
        examples=["population"],
    )
    title: Title = Field(
        description="What the criterion measures.", examples=["Resident population"]
    )
    weight: NonNegative = Field(
        description="The criterion's share of the pot, as a fraction; the weights add up to 1.",
        examples=[0.5],
    )
    source: Title | None = Field(
        None,
        description="Where the recipients' figures come from.",
        examples=["ONS mid-year estimates 2022"],
    )
    proxy_for: Title | None = Field(
        None,
        description="What the criterion stands in for, when it measures something else "
        "(e.g. 'opiate and crack users per 1,000' as a proxy for drug-related offending).",
    )


class Adjustment(Strict):
    """A commissioner's discretionary change to a formula share."""

    amount: SignedMoney = Field(
        description="The change to the share, in pounds: negative for a reduction.",
        examples=[-2500],
    )
    reason: Markdown = Field(description="Why the commissioner changed the share.")


class FormulaRecipient(Strict):
    """A recipient of a formula: a partnership, or an organisation paid for several."""

    partnership: Id | None = Field(None, description="The partnership that receives the share.")
    organisation: Id | None = Field(
        None,
        description="An organisation that receives one share on behalf of several partnerships "
        "(e.g. a county council); name them under covers.",
    )
    covers: list[Id] = Field(
        default_factory=list,
        description="The partnerships an organisation recipient receives the money for.",
    )
    paid_to: Id | None = Field(
        None, description="The organisation paid on the recipient's behalf (e.g. its host council)."
    )
    inputs: dict[Id, NonNegative] = Field(
        default_factory=dict,
        description="The recipient's figure for each criterion (left out when the formula's "
        "inputs were not published).",
    )
    adjustment: Adjustment | None = Field(
        None, description="A commissioner's discretionary change to the share, with its reason."
    )
    paid: Money | None = Field(
        None,
        description="What was actually paid, when the formula was not applied as it stands "
        "(applied: partially or not).",
    )
    paid_reason: Markdown | None = Field(
        None, description="Why the amount paid differs from the formula's share."
    )
    published_amount: Money | None = Field(
        None,
        description="The share as the source published it, when it differs from the one worked out "
        "(or when the inputs were not published).",
    )
    published_note: Markdown | None = Field(
        None, description="Why the published figure differs; declared, it is not warned about."
    )

    @property
    def key(self) -> str:
        """The recipient's id: its partnership, or the organisation paid."""
        return self.partnership or self.organisation or ""

    @model_validator(mode="after")
    def _one_recipient(self) -> FormulaRecipient:
        if (self.partnership is None) == (self.organisation is None):
            raise ValueError(
                "a formula recipient is either a partnership or an organisation (with covers: "
                "the partnerships it receives for), not both"
                if self.partnership is not None
                else "a formula recipient names its partnership, or an organisation"
            )
        if self.partnership is not None and self.covers:
            raise ValueError("covers is for an organisation recipient; a partnership covers itself")
        if self.paid_reason is not None and self.paid is None:
            raise ValueError("paid_reason explains paid; give the amount paid")
        return self


class TransitionStep(Strict):
    """One year of a formula's glide path from the old allocations to the formula's targets."""

    year: YearId = Field(description="The financial year of the step.")
    percent_of_target: NonNegative = Field(
        le=100,
        description="How far the year's allocations move from the previous ones to the "
        "formula's target shares: 100 pays the formula in full.",
    )
    note: Markdown | None = Field(None, description="Anything a reader should know about the step.")


class Formula(Strict):
    """A pot shared among partnerships by weighted criteria, to the penny."""

    id: Id = Field(
        description="The formula's id: formula allocations name it.", examples=["csf-2024"]
    )
    title: Title = Field(
        description="The formula's name.", examples=["Community Safety Fund formula 2024-25"]
    )
    stream: Id = Field(description="The id of the funding stream whose pot it shares.")
    pot: Money = Field(description="The money shared by the formula, in pounds.", examples=[400000])
    criteria: list[Criterion] = Field(
        min_length=1,
        description="The weighted criteria the shares are worked out from; at least one.",
    )
    inputs: FormulaInputs = Field(
        "given",
        description="not-published: the weights were published without each recipient's "
        "figures; recipients give published_amount and shares are not computed.",
    )
    recipients: list[FormulaRecipient] = Field(
        min_length=1,
        description="Who receives a share, each with its figure for every criterion; at least one.",
    )
    applied: FormulaApplied = Field(
        "fully",
        description="Whether the money was paid as the formula shares it: fully, partially "
        "(some recipients were paid otherwise: give paid) or not (give paid for each).",
    )
    applied_reason: Markdown | None = Field(
        None, description="Why the formula was applied partially or not (e.g. PCC discretion)."
    )
    transition: list[TransitionStep] = Field(
        default_factory=list,
        description="A multi-year glide path: for each year, the percentage of the way from "
        "the previous allocations to the formula's targets.",
    )
    review_due: When | None = Field(None, description="When the formula is due to be reviewed.")
    published_total: Money | None = Field(
        None,
        description="The total shared as the source printed it; compared with the shares worked "
        "out.",
    )
    published_note: Markdown | None = Field(
        None, description="Why the published total differs; declared, it is not warned about."
    )
    sic: Title | None = SIC
    description: Markdown | None = Field(
        None, description="How the formula works, in a few sentences."
    )
    to_confirm: Title | None = TO_CONFIRM

    @model_validator(mode="after")
    def _applied_coherent(self) -> Formula:
        if self.applied == "fully" and self.applied_reason is not None:
            raise ValueError(
                "applied_reason explains a formula applied partially or not; set applied"
            )
        years = [step.year for step in self.transition]
        if years != sorted(set(years)):
            raise ValueError("transition years are listed once each, in order")
        return self


class InterventionOutcome(Strict):
    """What happened to one funded intervention (a service, or a line of its own) in a cut."""

    service: Id | None = Field(None, description="The service affected, if it is one.")
    id: Id | None = Field(None, description="An intervention that is not a service: its id.")
    title: Title | None = Field(None, description="An intervention that is not a service.")
    effect: CutEffect | None = Field(
        None,
        description="delivered (in full), reduced, re-profiled (moved to to_year), "
        "transferred (to another body: to) or cancelled.",
    )
    amount_before: Money | None = Field(None, description="Its money before the cut.")
    amount_after: Money | None = Field(None, description="Its money after the cut.")
    to_year: YearId | None = Field(None, description="The year re-profiled money moves to.")
    to: Id | None = Field(
        None, description="Organisation or partnership a transferred intervention went to."
    )
    outcome: Markdown | None = Field(None, description="What happened, in words.")

    @model_validator(mode="after")
    def _coherent(self) -> InterventionOutcome:
        if self.service is None and (self.id is None or self.title is None):
            raise ValueError("an intervention names its service, or gives its own id and title")
        if self.service is not None and (self.id is not None or self.title is not None):
            raise ValueError("an intervention is a service or a line of its own, not both")
        if self.effect is None and self.outcome is None:
            raise ValueError("say what happened: give effect, outcome or both")
        if (self.effect == "re-profiled") != (self.to_year is not None):
            raise ValueError(
                "a re-profiled intervention gives to_year, the year its money moves to"
                if self.to_year is None
                else "to_year is for a re-profiled intervention; set effect: re-profiled"
            )
        if (self.effect == "transferred") != (self.to is not None):
            raise ValueError(
                "a transferred intervention gives to, the organisation or partnership it went to"
                if self.to is None
                else "to is for a transferred intervention; set effect: transferred"
            )
        before, after = self.amount_before, self.amount_after
        if before is not None and after is not None:
            if after > before:
                raise ValueError(
                    "amount_after is more than amount_before; a cut does not add money"
                )
            if self.effect == "delivered" and after != before:
                raise ValueError(
                    "a delivered intervention kept its money; use effect: reduced if it lost some"
                )
            if self.effect in ("reduced", "re-profiled", "transferred") and after == before:
                raise ValueError(f"a {self.effect} intervention's amount_after is less than before")
        if self.effect == "cancelled" and after:
            raise ValueError("a cancelled intervention keeps no money; amount_after is 0")
        return self


class Cut(Strict):
    """A funder's cut to a stream, announced in one year and reducing one or more years."""

    stream: Id = Field(description="The id of the funding stream that was cut.")
    date: Day | None = Field(None, description="The day the cut took effect.")
    announced: When | None = Field(None, description="When the funder announced the cut.")
    applies_to: list[YearId] = Field(
        default_factory=list,
        description="The years whose money it reduces (left out: the year of this file).",
    )
    reduction: Money = Field(
        description="How much less money there is, in pounds.", examples=[30000]
    )
    reason: Markdown = Field(description="Why the funder made the cut, as it said.")
    interventions: list[InterventionOutcome] = Field(
        default_factory=list,
        description="What happened to each funded intervention the cut touched.",
    )
    sic: Title | None = SIC

    @model_validator(mode="after")
    def _dated(self) -> Cut:
        if self.date is None and self.announced is None:
            raise ValueError("a cut gives the date it took effect, when it was announced, or both")
        return self


class FundingFile(Strict):
    """`plans/<partnership>/<year>/funding.yml`."""

    allocations: list[Allocation] = Field(
        default_factory=list,
        description="Money from a stream to this partnership (or, in a PCC's file, kept centrally) "
        "for the year.",
    )
    published_total: Money | None = Field(
        None, description="The total of the allocations as the source printed it."
    )
    published_note: Markdown | None = Field(
        None, description="Why the published total differs; declared, it is not warned about."
    )
    sic: Title | None = SIC
    formulas: list[Formula] = Field(
        default_factory=list,
        description="Formulas that share a pot among partnerships by weighted criteria (usually in "
        "a PCC's file).",
    )
    cuts: list[Cut] = Field(
        default_factory=list,
        description="Cuts a funder made to a stream, and what happened to what it paid for.",
    )
    central_pot: Title | None = Field(
        None, description="Who runs money kept centrally (e.g. an officers' group)."
    )
