"""Formula allocation: share a pot between recipients by weighted criteria, exactly to the penny.

Shares are exact fractions. Pounds are whole pence by the largest-remainder method: every recipient
gets its exact amount floored to the penny, then the pennies left over go one each to the recipients
with the largest remainders. Equal remainders are broken by recipient key, ascending, so the result
does not depend on the order recipients are listed in. The amounts always add up to the pot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from fractions import Fraction

# Precision as large as Decimal allows, so that adding weights is exact, never rounded.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


class FormulaError(ValueError):
    """A formula that cannot share out its pot; the message lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Criterion:
    """One criterion of a formula (population, recorded crime…) and its weight, a share of 1."""

    key: str
    weight: Decimal


@dataclass(frozen=True)
class Share:
    """One recipient's part of the pot.

    `criterion_shares` pairs each criterion key, in the formula's order, with this recipient's
    fraction of that criterion's total (unweighted: 30 % of the population is 3/10). It is a tuple
    of pairs rather than a dict so that a Share stays immutable and hashable (a MappingProxyType
    would not hash either); `criterion_share(key)` looks one up.
    """

    recipient: str
    share: Fraction  # the exact weighted share of the pot, 0..1
    exact: Fraction  # pot × share, in pounds
    amount: Decimal  # the allocated pounds, 2 dp
    criterion_shares: tuple[tuple[str, Fraction], ...]

    def criterion_share(self, key: str) -> Fraction:
        """This recipient's fraction of one criterion's total."""
        for criterion, fraction in self.criterion_shares:
            if criterion == key:
                return fraction
        raise KeyError(key)


@dataclass(frozen=True)
class FormulaResult:
    """The pot and every recipient's share of it, in the order the recipients were given."""

    pot: Decimal
    shares: tuple[Share, ...]

    @property
    def total(self) -> Decimal:
        """The sum of the allocated amounts: always exactly the pot."""
        return sum((share.amount for share in self.shares), Decimal("0.00"))


def weights_total(criteria: Sequence[Criterion]) -> Decimal:
    """The sum of the criteria weights, exactly (a formula needs it to be 1)."""
    total = Decimal(0)
    for criterion in criteria:
        total = _EXACT.add(total, criterion.weight)
    return total


def _pounds(pence: int) -> Decimal:
    """Whole pence as pounds to 2 dp, exactly: never negative, as the pot is checked."""
    whole, part = divmod(pence, 100)
    return Decimal(f"{whole}.{part:02d}")


def _check_pot(pot: Decimal) -> list[str]:
    if not pot.is_finite():
        return [f"the pot must be an amount of money, not {pot}"]
    problems: list[str] = []
    if pot < 0:
        problems.append(f"the pot is {pot:f}; it must not be negative")
    if (Fraction(pot) * 100).denominator != 1:
        problems.append(f"the pot is {pot:f}; it must be a whole number of pence")
    return problems


def _check_criteria(criteria: Sequence[Criterion]) -> list[str]:
    if not criteria:
        return ["the formula has no criteria"]
    problems: list[str] = []
    seen: set[str] = set()
    for criterion in criteria:
        if criterion.key in seen:
            problems.append(f"criterion {criterion.key!r} is listed more than once")
        seen.add(criterion.key)
        if not criterion.weight.is_finite():
            problems.append(
                f"criterion {criterion.key!r} has weight {criterion.weight}, which is not a number"
            )
        elif criterion.weight < 0:
            problems.append(
                f"criterion {criterion.key!r} has a negative weight ({criterion.weight:f})"
            )
    if all(criterion.weight.is_finite() for criterion in criteria):
        total = weights_total(criteria)
        if total != 1:
            problems.append(f"the criteria weights add up to {total:f}, not 1")
    return problems


def _check_inputs(
    criteria: Sequence[Criterion], inputs: Mapping[str, Mapping[str, Decimal]]
) -> list[str]:
    if not inputs:
        return ["there are no recipients to share the pot between"]
    keys = list(dict.fromkeys(criterion.key for criterion in criteria))
    if not keys:
        return []  # nothing to check the inputs against; "no criteria" is reported already
    problems: list[str] = []
    unusable: set[str] = set()  # criteria with a missing or bad input: their total means nothing
    for recipient, values in inputs.items():
        for key in keys:
            if key not in values:
                problems.append(f"recipient {recipient!r} has no input for criterion {key!r}")
                unusable.add(key)
        for key, value in values.items():
            if key not in keys:
                problems.append(
                    f"recipient {recipient!r} has an input for {key!r},"
                    f" which is not a criterion of the formula ({', '.join(keys)})"
                )
            elif not value.is_finite():
                problems.append(
                    f"recipient {recipient!r} has input {value} for {key!r}, which is not a number"
                )
                unusable.add(key)
            elif value < 0:
                problems.append(
                    f"recipient {recipient!r} has a negative input for {key!r} ({value:f})"
                )
                unusable.add(key)
    for key in keys:
        if key not in unusable and sum(Fraction(values[key]) for values in inputs.values()) == 0:
            problems.append(
                f"the inputs for criterion {key!r} add up to 0: at least one must be more than 0"
            )
    return problems


def allocate_by_formula(
    pot: Decimal,
    criteria: Sequence[Criterion],
    inputs: Mapping[str, Mapping[str, Decimal]],
) -> FormulaResult:
    """Share the pot by Σ weight × the recipient's fraction of each criterion, to the penny."""
    problems = _check_pot(pot) + _check_criteria(criteria) + _check_inputs(criteria, inputs)
    if problems:
        raise FormulaError(problems)

    totals = {c.key: sum(Fraction(values[c.key]) for values in inputs.values()) for c in criteria}
    exact_pot = Fraction(pot)
    fractions: dict[str, tuple[tuple[str, Fraction], ...]] = {}
    shares: dict[str, Fraction] = {}
    for recipient, values in inputs.items():
        share = Fraction(0)
        pairs: list[tuple[str, Fraction]] = []
        for criterion in criteria:
            fraction = Fraction(values[criterion.key]) / totals[criterion.key]
            pairs.append((criterion.key, fraction))
            share += Fraction(criterion.weight) * fraction
        fractions[recipient] = tuple(pairs)
        shares[recipient] = share

    # Largest remainder, in whole pence: floor everything, then hand out what is left.
    floors: dict[str, int] = {}
    remainders: dict[str, Fraction] = {}
    for recipient, share in shares.items():
        pence = exact_pot * share * 100
        floors[recipient] = pence.numerator // pence.denominator
        remainders[recipient] = pence - floors[recipient]
    leftover = int(exact_pot * 100) - sum(floors.values())
    # Weights sum to 1 and each criterion's fractions sum to 1, so 0 <= leftover < recipients.
    by_remainder = sorted(shares, key=lambda recipient: (-remainders[recipient], recipient))
    for recipient in by_remainder[:leftover]:
        floors[recipient] += 1

    return FormulaResult(
        pot,
        tuple(
            Share(
                recipient=recipient,
                share=shares[recipient],
                exact=exact_pot * shares[recipient],
                amount=_pounds(floors[recipient]),
                criterion_shares=fractions[recipient],
            )
            for recipient in inputs
        ),
    )
