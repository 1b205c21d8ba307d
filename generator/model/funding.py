"""Money (`funding.yml`): allocations received or kept, formulas that passport a fund, cuts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from generator.model.types import Day, Id, Markdown, Money, NonNegative, SignedMoney, Strict, Title

AllocationMethod = Literal["formula", "bid", "discretionary", "passported", "retained"]


class Allocation(Strict):
    """Money from a stream to this partnership (or kept centrally by a PCC) for the year."""

    id: Id
    stream: Id
    method: AllocationMethod
    amount: Money | None = Field(
        None, description="Left out for a formula allocation: it is computed to the penny."
    )
    formula: Id | None = Field(None, description="Formula id (in the PCC's funding.yml).")
    recipient: Id | None = Field(
        None, description="Organisation paid, e.g. a host council; the partnership's host if out."
    )
    published_amount: Money | None = Field(
        None, description="The figure as published, when it differs from the computed one."
    )
    published_note: Markdown | None = Field(
        None, description="Why the published figure differs; declared, it is not warned about."
    )
    note: Markdown | None = None

    @model_validator(mode="after")
    def _amount_or_formula(self) -> Allocation:
        if self.method == "formula" and self.formula is None:
            raise ValueError("a formula allocation names its formula")
        if self.method != "formula" and self.formula is not None:
            raise ValueError("only a formula allocation names a formula; set method: formula")
        if self.method != "formula" and self.amount is None:
            raise ValueError(f"a {self.method} allocation needs an amount")
        return self


class Criterion(Strict):
    """One weighted criterion of a formula, e.g. population 0.5."""

    id: Id
    title: Title
    weight: NonNegative
    source: Title | None = None


class Adjustment(Strict):
    """A commissioner's discretionary change to a formula share."""

    amount: SignedMoney
    reason: Markdown


class FormulaRecipient(Strict):
    """A partnership's inputs to a formula."""

    partnership: Id
    paid_to: Id | None = Field(None, description="Organisation paid on its behalf.")
    inputs: dict[Id, NonNegative]
    adjustment: Adjustment | None = None
    published_amount: Money | None = None
    published_note: Markdown | None = Field(
        None, description="Why the published figure differs; declared, it is not warned about."
    )


class Formula(Strict):
    """A pot shared among partnerships by weighted criteria, to the penny."""

    id: Id
    title: Title
    stream: Id
    pot: Money
    criteria: list[Criterion] = Field(min_length=1)
    recipients: list[FormulaRecipient] = Field(min_length=1)
    published_total: Money | None = None
    published_note: Markdown | None = Field(
        None, description="Why the published total differs; declared, it is not warned about."
    )
    description: Markdown | None = None


class InterventionOutcome(Strict):
    """What happened to one funded intervention when a grant was cut."""

    service: Id
    outcome: Markdown


class Cut(Strict):
    """A funder's mid-year cut to a stream, and each funded intervention's fate."""

    stream: Id
    date: Day
    reduction: Money
    reason: Markdown
    interventions: list[InterventionOutcome] = Field(default_factory=list)


class FundingFile(Strict):
    """`plans/<partnership>/<year>/funding.yml`."""

    allocations: list[Allocation] = Field(default_factory=list)
    formulas: list[Formula] = Field(default_factory=list)
    cuts: list[Cut] = Field(default_factory=list)
    central_pot: Title | None = Field(
        None, description="Who runs money kept centrally (e.g. an officers' group)."
    )
