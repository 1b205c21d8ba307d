"""Money that is not known as a single figure: unpublished, withheld, or only known combined.

A real record often gives no amount for a line. That is a value of its own, never £0: the
line says why (`amount_status`), and the pages and open data say it in words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from generator.model.types import Id, Markdown, Money, Strict

AmountStatus = Literal["not-published", "withheld", "combined"]
AMOUNT_STATUS_WORDS = {
    "not-published": "Not published",
    "withheld": "Withheld",
    "combined": "Published only combined with other lines",
}


class UnknownAmount(Strict):
    """Fields for a line whose amount may be unknown: mixed into every model with `amount`."""

    amount_status: AmountStatus | None = Field(
        None,
        description="Why there is no amount: not-published, withheld (give amount_reason, "
        "e.g. 'FOI s43 commercial interests') or combined (only a total across several lines "
        "is known: give combined_with and combined_total).",
    )
    amount_reason: Markdown | None = Field(
        None, description="Why the amount is withheld or not published."
    )
    combined_with: list[Id] = Field(
        default_factory=list, description="Ids of the other lines the published total covers."
    )
    combined_total: Money | None = Field(
        None, description="The one figure published for this line and those it is combined with."
    )


def amount_problem(line: UnknownAmount, amount: Decimal | None, what: str = "amount") -> str | None:
    """What is wrong with a line's amount and its status, in the editor's words, or None."""
    status = line.amount_status
    if status is None:
        if line.combined_with or line.combined_total is not None:
            return "combined_with and combined_total need amount_status: combined"
        if line.amount_reason is not None:
            return "amount_reason needs amount_status (not-published or withheld), or leave it out"
        return None
    if amount is not None:
        return (
            f"give either the {what} or amount_status ({status}), not both: an unknown amount "
            "is never written as a figure"
        )
    if status == "withheld" and line.amount_reason is None:
        return "a withheld amount gives amount_reason (e.g. 'FOI s43 commercial interests')"
    if status == "combined":
        if line.combined_total is None:
            return "a combined amount gives combined_total, the one figure published"
        if not line.combined_with:
            return "a combined amount lists the other lines it is combined with under combined_with"
    elif line.combined_with or line.combined_total is not None:
        return f"combined_with and combined_total are for amount_status: combined, not {status}"
    return None
