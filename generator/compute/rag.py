"""RAG status of a performance indicator: computed from actual, target and polarity, never typed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

POLARITIES = ("lower-is-better", "higher-is-better")


class Rag(StrEnum):
    """Red, amber, green, or grey when there is nothing to judge.

    A StrEnum (a str and an Enum, like `(str, Enum)`) so that `str(Rag.RED)` is "red" in templates.
    """

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def label(self) -> str:
        """The word shown beside the colour: RAG is never shown by colour alone."""
        return self.value.capitalize()


@dataclass(frozen=True)
class RagResult:
    """A status and the plain-English reason for it."""

    status: Rag
    reason: str


# Severity order for roll-ups: grey wins only when there is nothing else.
_SEVERITY = {Rag.GREY: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


def format_number(value: Decimal) -> str:
    """Write a Decimal as a reader would: thousands separated, no trailing zeros, no exponent."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a number")
    if value.is_zero():
        return "0"  # also covers -0 and 0E-5
    # format(..., "f") never uses scientific notation and, unlike normalize(), never rounds.
    text = format(value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact non-negative fraction to `places` decimal places, halves away from zero."""
    scale = 10**places
    scaled = value * scale
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return Decimal(f"{units}E-{places}")  # built from text: exact, whatever the context precision


def _format_miss(percent: Fraction, tolerance: Fraction, within: bool) -> str:
    """The miss as a percentage, 1 dp unless that would put it on the wrong side of the tolerance.

    Otherwise a miss of 5.04% against a 5% tolerance would read "missed by 5.0%, beyond the 5%
    tolerance"; just enough extra decimals ("5.04%") make the figure agree with the status.
    """
    places = 1
    while True:
        shown = _round_half_up(percent, places)
        if (Fraction(shown) <= tolerance) == within:
            return format(shown, ",f") + "%"  # keeps the 1 dp: "5.0%", not "5%"
        places += 1


def rag_status(
    actual: Decimal | None,
    target: Decimal | None,
    polarity: str,
    tolerance_percent: Decimal = Decimal(5),
) -> RagResult:
    """Judge an actual against its target: green met, amber missed within tolerance, red beyond."""
    if polarity not in POLARITIES:
        raise ValueError(
            f"polarity must be 'lower-is-better' or 'higher-is-better', not {polarity!r}"
        )
    if not tolerance_percent.is_finite() or tolerance_percent < 0:
        raise ValueError(f"tolerance must be 0% or more, not {tolerance_percent}%")
    if target is None and actual is None:
        return RagResult(Rag.GREY, "no target set and no data reported")
    if target is None:
        return RagResult(Rag.GREY, "no target set")
    if actual is None:
        return RagResult(Rag.GREY, "no data reported")

    context = (
        f"{format_number(actual)} against a target of {format_number(target)}"
        f" ({polarity.replace('-', ' ')})"
    )
    # Fractions made from Decimals are exact, so no comparison below is ever rounded.
    exact_actual, exact_target = Fraction(actual), Fraction(target)
    miss = (
        exact_actual - exact_target
        if polarity == "lower-is-better"
        else exact_target - exact_actual
    )
    if miss <= 0:
        return RagResult(Rag.GREEN, f"{context}: target met")

    tolerance = Fraction(tolerance_percent)
    shown_tolerance = format_number(tolerance_percent) + "%"
    if exact_target == 0:
        # Tolerance is a share of the target, so a target of 0 has a band of 0: any miss is red.
        return RagResult(
            Rag.RED,
            f"{context}: missed by {format_number(abs(actual))};"
            " with a target of 0 there is no tolerance",
        )
    percent = miss * 100 / abs(exact_target)
    if percent <= tolerance:
        missed = _format_miss(percent, tolerance, within=True)
        return RagResult(
            Rag.AMBER, f"{context}: missed by {missed}, within the {shown_tolerance} tolerance"
        )
    missed = _format_miss(percent, tolerance, within=False)
    return RagResult(
        Rag.RED, f"{context}: missed by {missed}, beyond the {shown_tolerance} tolerance"
    )


def worst(statuses: Iterable[Rag]) -> Rag:
    """The status a roll-up shows: red over amber over green; grey only if there is nothing else."""
    return max(statuses, key=_SEVERITY.__getitem__, default=Rag.GREY)
