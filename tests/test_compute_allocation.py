"""Formula allocation: a pot shared by weighted criteria, to the penny, adding up to the pot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.compute.allocation import (
    Criterion,
    FormulaError,
    FormulaResult,
    allocate_by_formula,
    weights_total,
)

Inputs = Mapping[str, Mapping[str, Decimal]]


def _amounts(result: FormulaResult) -> dict[str, Decimal]:
    return {share.recipient: share.amount for share in result.shares}


def _naive(exact: Fraction) -> Decimal:
    """Round one exact amount to the penny on its own, as a spreadsheet would."""
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def test_an_equal_three_way_split_of_100_pounds_hands_the_odd_penny_by_key() -> None:
    # £100.00 / 3 = £33.333…: each floors to £33.33 (99.99 in all), one penny is left over, and the
    # three remainders are equal, so it goes to the first recipient by key: ashby.
    result = allocate_by_formula(
        Decimal("100.00"),
        [Criterion("population", Decimal(1))],
        {
            "cardew": {"population": Decimal(1000)},
            "ashby": {"population": Decimal(1000)},
            "brinley": {"population": Decimal(1000)},
        },
    )
    assert [(share.recipient, share.amount) for share in result.shares] == [
        ("cardew", Decimal("33.33")),
        ("ashby", Decimal("33.34")),
        ("brinley", Decimal("33.33")),
    ]
    assert result.total == Decimal("100.00")
    # Rounding each share on its own gives 3 × £33.33 = £99.99: a penny short.
    assert sum(_naive(share.exact) for share in result.shares) == Decimal("99.99")
    assert all(share.share == Fraction(1, 3) for share in result.shares)


# A PCC passports £100,000.00 to five community safety partnerships on population 50 %, recorded
# crime 25 %, non-crime demand 25 %.
#
#                 population  recorded crime  non-crime demand
#   ashby-vale       150,000      6,000            2,100
#   brackenford      120,000      4,500            1,800
#   coldmere          90,000      3,000            1,500
#   dunholt           60,000      1,500            1,200
#   eskerby           30,000      1,000              400
#   total            450,000     16,000            7,000
#
# Each criterion's part of the pot is shared in proportion to the inputs:
#   population £50,000: 1/3, 4/15, 1/5, 2/15, 1/15
#       = 16,666 2/3   13,333 1/3   10,000   6,666 2/3   3,333 1/3
#   crime £25,000:      3/8, 9/32, 3/16, 3/32, 1/16
#       =  9,375        7,031 1/4    4,687 1/2  2,343 3/4  1,562 1/2
#   demand £25,000:     3/10, 9/35, 3/14, 6/35, 2/35
#       =  7,500        6,428 4/7    5,357 1/7  4,285 5/7  1,428 4/7
#
# Exact amounts (sum of the three), in pounds, then in pence with the floor and remainder:
#   ashby-vale   33,541 + 2/3              = 3,354,166 p + 2/3  p  (= 14/21)
#   brackenford  26,793 + 1/3+1/4+4/7-1    = 26,793 13/84 = 2,679,315 p + 10/21 p
#   coldmere     20,044 + 1/2+1/7          = 20,044 9/14  = 2,004,464 p + 2/7 p  (=  6/21)
#   dunholt      13,296 + 2/3+3/4+5/7-2    = 13,296 11/84 = 1,329,613 p + 2/21 p
#   eskerby       6,324 + 1/3+1/2+4/7-1    = 6,324 17/42  =   632,440 p + 10/21 p
# Floors add up to 9,999,998 p; the remainders add up to 42/21 = 2 pennies left over. They go to
# the largest remainders: ashby-vale (14/21), then brackenford and eskerby tie at 10/21 and the key
# decides: brackenford. Amounts: 33,541.67 + 26,793.16 + 20,044.64 + 13,296.13 + 6,324.40
# = 100,000.00.
# Rounding each to the nearest penny instead rounds only ashby-vale up (brackenford's and eskerby's
# 10/21 is under a half): 33,541.67 + 26,793.15 + 20,044.64 + 13,296.13 + 6,324.40 = 99,999.99.
PASSPORTED_CRITERIA = [
    Criterion("population", Decimal("0.50")),
    Criterion("recorded-crime", Decimal("0.25")),
    Criterion("non-crime-demand", Decimal("0.25")),
]
PASSPORTED_TABLE = {
    # recipient: (population, recorded crime, non-crime demand)
    "ashby-vale": (150_000, 6_000, 2_100),
    "brackenford": (120_000, 4_500, 1_800),
    "coldmere": (90_000, 3_000, 1_500),
    "dunholt": (60_000, 1_500, 1_200),
    "eskerby": (30_000, 1_000, 400),
}
PASSPORTED_INPUTS = {
    recipient: {c.key: Decimal(value) for c, value in zip(PASSPORTED_CRITERIA, row, strict=True)}
    for recipient, row in PASSPORTED_TABLE.items()
}
PASSPORTED_EXACT = {
    "ashby-vale": 33541 + Fraction(2, 3),
    "brackenford": 26793 + Fraction(13, 84),
    "coldmere": 20044 + Fraction(9, 14),
    "dunholt": 13296 + Fraction(11, 84),
    "eskerby": 6324 + Fraction(17, 42),
}
PASSPORTED_AMOUNTS = {
    "ashby-vale": Decimal("33541.67"),
    "brackenford": Decimal("26793.16"),
    "coldmere": Decimal("20044.64"),
    "dunholt": Decimal("13296.13"),
    "eskerby": Decimal("6324.40"),
}


def test_a_passported_fund_is_shared_to_the_penny() -> None:
    result = allocate_by_formula(Decimal("100000.00"), PASSPORTED_CRITERIA, PASSPORTED_INPUTS)
    assert [share.recipient for share in result.shares] == list(PASSPORTED_INPUTS)
    assert {share.recipient: share.exact for share in result.shares} == PASSPORTED_EXACT
    assert _amounts(result) == PASSPORTED_AMOUNTS
    assert result.total == Decimal("100000.00")
    assert sum(PASSPORTED_AMOUNTS.values()) == Decimal("100000.00")
    # The point of the method: rounding each exact amount on its own loses a penny.
    naive = {recipient: _naive(exact) for recipient, exact in PASSPORTED_EXACT.items()}
    assert naive["brackenford"] == Decimal("26793.15")
    assert sum(naive.values()) == Decimal("99999.99")
    assert sum(naive.values()) != result.total


def test_a_passported_fund_reports_exact_shares() -> None:
    result = allocate_by_formula(Decimal("100000.00"), PASSPORTED_CRITERIA, PASSPORTED_INPUTS)
    ashby, brackenford = result.shares[0], result.shares[1]
    # 1/2 × 1/3 + 1/4 × 3/8 + 1/4 × 3/10 = 80/480 + 45/480 + 36/480
    assert ashby.share == Fraction(161, 480)
    assert brackenford.criterion_shares == (
        ("population", Fraction(4, 15)),
        ("recorded-crime", Fraction(9, 32)),
        ("non-crime-demand", Fraction(9, 35)),
    )
    assert brackenford.criterion_share("non-crime-demand") == Fraction(9, 35)
    with pytest.raises(KeyError):
        brackenford.criterion_share("population-density")
    assert sum(share.share for share in result.shares) == 1


def test_the_tie_break_does_not_depend_on_the_order_given() -> None:
    reversed_inputs = dict(reversed(PASSPORTED_INPUTS.items()))
    result = allocate_by_formula(Decimal("100000.00"), PASSPORTED_CRITERIA, reversed_inputs)
    assert [share.recipient for share in result.shares] == list(reversed_inputs)
    assert _amounts(result) == PASSPORTED_AMOUNTS


def test_results_are_immutable_and_hashable() -> None:
    result = allocate_by_formula(Decimal("100000.00"), PASSPORTED_CRITERIA, PASSPORTED_INPUTS)
    assert hash(result) == hash(
        allocate_by_formula(Decimal("100000.00"), PASSPORTED_CRITERIA, PASSPORTED_INPUTS)
    )


def test_a_pot_of_nothing_gives_everyone_nothing() -> None:
    result = allocate_by_formula(Decimal(0), PASSPORTED_CRITERIA, PASSPORTED_INPUTS)
    assert set(_amounts(result).values()) == {Decimal("0.00")}
    assert {str(share.amount) for share in result.shares} == {"0.00"}  # never "-0.00"
    assert result.total == 0


def test_inputs_and_weights_are_added_exactly_however_small_or_large() -> None:
    """An input far below what Decimal's usual context keeps is still more than 0, and a
    weight far above its largest exponent is reported, not an Overflow."""
    tiny = {"ashby": {"population": Decimal("1E-1000030")}, "brinley": {"population": Decimal(0)}}
    result = allocate_by_formula(Decimal(100), [Criterion("population", Decimal(1))], tiny)
    assert _amounts(result) == {"ashby": Decimal("100.00"), "brinley": Decimal("0.00")}

    with pytest.raises(FormulaError) as error:
        allocate_by_formula(Decimal(100), [Criterion("population", Decimal("1E+1000000"))], tiny)
    assert str(error.value) == f"the criteria weights add up to 1{'0' * 1000000}, not 1"


def test_the_weights_of_no_criteria_add_up_to_a_decimal_zero() -> None:
    total = weights_total([])
    assert isinstance(total, Decimal) and total == 0


def test_a_single_recipient_gets_the_whole_pot_in_pence() -> None:
    result = allocate_by_formula(
        Decimal(250), [Criterion("population", Decimal(1))], {"dunholt": {"population": Decimal(1)}}
    )
    assert _amounts(result) == {"dunholt": Decimal("250.00")}
    assert str(result.shares[0].amount) == "250.00"


def test_a_criterion_of_weight_0_counts_for_nothing() -> None:
    # Only population counts: 3/4 and 1/4 of £10.01 = £7.5075 and £2.5025, floors 7.50 and 2.50,
    # remainders 0.75 p and 0.25 p: the leftover penny goes to ashby.
    result = allocate_by_formula(
        Decimal("10.01"),
        [Criterion("population", Decimal(1)), Criterion("crime", Decimal(0))],
        {
            "ashby": {"population": Decimal(3), "crime": Decimal(0)},
            "brinley": {"population": Decimal(1), "crime": Decimal(5)},
        },
    )
    assert _amounts(result) == {"ashby": Decimal("7.51"), "brinley": Decimal("2.50")}


ALMOST_HALF = Decimal("0.5000000000000000000000000000001")


def test_weights_total_is_exact() -> None:
    assert weights_total(PASSPORTED_CRITERIA) == Decimal("1.00")
    # 32 significant digits: ordinary Decimal arithmetic (28 digits) would round this to 1.
    criteria = [Criterion("a", Decimal("0.5")), Criterion("b", ALMOST_HALF)]
    assert str(weights_total(criteria)) == "1.0000000000000000000000000000001"
    assert weights_total([]) == 0


ONE = [Criterion("population", Decimal(1))]
TWO = [Criterion("population", Decimal("0.5")), Criterion("crime", Decimal("0.5"))]
ASHBY_ONE = {"ashby": {"population": Decimal(1)}}
BOTH = {"population": Decimal(10), "crime": Decimal(4)}


@pytest.mark.parametrize(
    ("pot", "criteria", "inputs", "message"),
    [
        (Decimal("-1.00"), ONE, ASHBY_ONE, "the pot is -1.00; it must not be negative"),
        (
            Decimal("10.005"),
            ONE,
            ASHBY_ONE,
            "the pot is 10.005; it must be a whole number of pence",
        ),
        (Decimal("NaN"), ONE, ASHBY_ONE, "the pot must be an amount of money, not NaN"),
        (
            Decimal(100),
            [],
            {},
            "the formula has no criteria; there are no recipients to share the pot between",
        ),
        (Decimal(100), [], ASHBY_ONE, "the formula has no criteria"),
        (
            Decimal(100),
            [
                Criterion("population", Decimal("0.5")),
                Criterion("crime", Decimal("0.25")),
                Criterion("demand", Decimal("0.15")),
            ],
            {"ashby": {"population": Decimal(1), "crime": Decimal(1), "demand": Decimal(1)}},
            "the criteria weights add up to 0.90, not 1",
        ),
        (
            Decimal(100),
            [Criterion("a", Decimal("0.5")), Criterion("b", ALMOST_HALF)],
            {"ashby": {"a": Decimal(1), "b": Decimal(1)}},
            "the criteria weights add up to 1.0000000000000000000000000000001, not 1",
        ),
        (
            Decimal(100),
            [Criterion("population", Decimal("1.25")), Criterion("crime", Decimal("-0.25"))],
            {"ashby": BOTH},
            "criterion 'crime' has a negative weight (-0.25)",
        ),
        (
            Decimal(100),
            [Criterion("population", Decimal("0.5")), Criterion("crime", Decimal("NaN"))],
            {"ashby": BOTH},
            "criterion 'crime' has weight NaN, which is not a number",
        ),
        (
            Decimal(100),
            [Criterion("population", Decimal("0.5")), Criterion("population", Decimal("0.5"))],
            ASHBY_ONE,
            "criterion 'population' is listed more than once",
        ),
        (
            Decimal(100),
            TWO,
            {"ashby": BOTH, "brinley": {"population": Decimal(5)}},
            "recipient 'brinley' has no input for criterion 'crime'",
        ),
        (
            Decimal(100),
            TWO,
            {"ashby": BOTH, "brinley": {**BOTH, "crimes": Decimal(3)}},
            "recipient 'brinley' has an input for 'crimes', which is not a criterion of the"
            " formula (population, crime)",
        ),
        (
            Decimal(100),
            TWO,
            {"ashby": {"population": Decimal(10), "crime": Decimal(-3)}, "brinley": BOTH},
            "recipient 'ashby' has a negative input for 'crime' (-3)",
        ),
        (
            Decimal(100),
            TWO,
            {"ashby": {"population": Decimal(10), "crime": Decimal("Infinity")}},
            "recipient 'ashby' has input Infinity for 'crime', which is not a number",
        ),
        (
            Decimal(100),
            TWO,
            {
                "ashby": {"population": Decimal(10), "crime": Decimal(0)},
                "brinley": {"population": Decimal(5), "crime": Decimal("0.00")},
            },
            "the inputs for criterion 'crime' add up to 0: at least one must be more than 0",
        ),
        (Decimal(100), TWO, {}, "there are no recipients to share the pot between"),
    ],
)
def test_formula_errors(
    pot: Decimal, criteria: Sequence[Criterion], inputs: Inputs, message: str
) -> None:
    with pytest.raises(FormulaError) as error:
        allocate_by_formula(pot, criteria, inputs)
    assert str(error.value) == message


def test_formula_errors_are_all_reported_at_once() -> None:
    with pytest.raises(FormulaError) as error:
        allocate_by_formula(
            Decimal("-0.001"),
            [Criterion("population", Decimal("0.5")), Criterion("crime", Decimal("0.4"))],
            {"ashby": {"population": Decimal(-1)}},
        )
    assert error.value.problems == (
        "the pot is -0.001; it must not be negative",
        "the pot is -0.001; it must be a whole number of pence",
        "the criteria weights add up to 0.9, not 1",
        "recipient 'ashby' has no input for criterion 'crime'",
        "recipient 'ashby' has a negative input for 'population' (-1)",
    )
    assert isinstance(error.value, ValueError)


# Property: for any pot, any non-negative inputs (a positive total per criterion) and weights
# adding to 1, the amounts add up to the pot, each is within a penny of its exact amount, and no
# recipient's amount depends on the order the recipients are listed in.

RECIPIENT_KEYS = st.lists(
    st.text("abcdef-", min_size=1, max_size=4), min_size=1, max_size=8, unique=True
)
INPUT_VALUES = st.one_of(
    st.sampled_from([Decimal(0), Decimal(1), Decimal(7)]),  # small and repeated: plenty of ties
    st.integers(0, 10**7).map(Decimal),
    st.integers(0, 10**9).map(lambda pence: Decimal(pence).scaleb(-2)),
)


@st.composite
def formulas(draw: st.DrawFn) -> tuple[Decimal, list[Criterion], dict[str, dict[str, Decimal]]]:
    pot = Decimal(draw(st.integers(0, 1_000_000_000))).scaleb(-2)  # £0.00 to £10,000,000.00
    count = draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, 10_000]
    criteria = [
        Criterion(f"criterion-{index}", Decimal(high - low).scaleb(-4))
        for index, (low, high) in enumerate(pairwise(bounds))
    ]
    keys = draw(RECIPIENT_KEYS)
    inputs = {key: {c.key: draw(INPUT_VALUES) for c in criteria} for key in keys}
    for criterion in criteria:
        if sum(values[criterion.key] for values in inputs.values()) == 0:
            chosen = draw(st.sampled_from(keys))
            inputs[chosen][criterion.key] = Decimal(draw(st.integers(1, 10**6)))
    return pot, criteria, inputs


@given(formula=formulas(), data=st.data())
def test_any_formula_adds_up_to_the_pot_to_the_penny(
    formula: tuple[Decimal, list[Criterion], dict[str, dict[str, Decimal]]], data: st.DataObject
) -> None:
    pot, criteria, inputs = formula
    assert weights_total(criteria) == 1
    result = allocate_by_formula(pot, criteria, inputs)

    assert result.total == pot
    assert sum(share.amount for share in result.shares) == pot
    assert [share.recipient for share in result.shares] == list(inputs)
    totals = {c.key: sum(Fraction(values[c.key]) for values in inputs.values()) for c in criteria}
    for share in result.shares:
        exact = Fraction(pot) * sum(
            Fraction(c.weight) * Fraction(inputs[share.recipient][c.key]) / totals[c.key]
            for c in criteria
        )
        assert share.exact == exact
        assert abs(Fraction(share.amount) - exact) < Fraction(1, 100)
        assert share.amount >= 0
        assert share.amount.as_tuple().exponent == -2

    # Largest remainder: every recipient rounded up had a remainder at least as large as any
    # recipient rounded down.
    up = [s.exact * 100 % 1 for s in result.shares if Fraction(s.amount) > s.exact]
    down = [s.exact * 100 % 1 for s in result.shares if Fraction(s.amount) <= s.exact]
    if up and down:
        assert min(up) >= max(down)

    order = data.draw(st.permutations(list(inputs)))
    shuffled = allocate_by_formula(pot, criteria, {key: inputs[key] for key in order})
    assert _amounts(shuffled) == _amounts(result)


def test_a_negative_input_is_not_also_counted_into_a_zero_total() -> None:
    """-3 and 3 add up to 0, but the one problem is the negative input (mutation testing found
    the 'add up to 0' message could be given as well without any test noticing)."""
    with pytest.raises(FormulaError) as error:
        allocate_by_formula(
            Decimal(100),
            TWO,
            {"ashby": {"population": Decimal(10), "crime": Decimal(-3)},
             "brinley": {"population": Decimal(5), "crime": Decimal(3)}},
        )  # fmt: skip
    assert error.value.problems == ("recipient 'ashby' has a negative input for 'crime' (-3)",)
