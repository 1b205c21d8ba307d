"""RAG status: computed from actual, target, polarity and tolerance, with a reason to read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generator.compute.rag import Rag, RagResult, format_number, rag_status, worst

LOWER = "lower-is-better"
HIGHER = "higher-is-better"

# Each row is worked by hand: miss = how far the actual is on the wrong side of the target,
# miss % = miss / |target| × 100, amber while miss % <= tolerance.
CASES = [
    # Lower is better, target 12 (e.g. repeat victims per 1,000).
    ("11", "12", LOWER, "5", Rag.GREEN, "11 against a target of 12 (lower is better): target met"),
    ("12", "12", LOWER, "5", Rag.GREEN, "12 against a target of 12 (lower is better): target met"),
    # 0.4 / 12 = 3.33…%
    (
        "12.40", "12", LOWER, "5", Rag.AMBER,
        "12.4 against a target of 12 (lower is better): missed by 3.3%, within the 5% tolerance",
    ),
    # 0.6 / 12 = 5% exactly: the boundary is inside the tolerance.
    (
        "12.6", "12", LOWER, "5", Rag.AMBER,
        "12.6 against a target of 12 (lower is better): missed by 5.0%, within the 5% tolerance",
    ),
    # 0.61 / 12 = 5.083…%
    (
        "12.61", "12", LOWER, "5", Rag.RED,
        "12.61 against a target of 12 (lower is better): missed by 5.1%, beyond the 5% tolerance",
    ),
    # 0.605 / 12 = 5.041…%: "5.0%, beyond the 5%" would contradict itself, so one more decimal.
    (
        "12.605", "12", LOWER, "5", Rag.RED,
        "12.605 against a target of 12 (lower is better): missed by 5.04%, beyond the 5% tolerance",
    ),
    # 1 / 12 = 8.33…%
    (
        "13", "12", LOWER, "5", Rag.RED,
        "13 against a target of 12 (lower is better): missed by 8.3%, beyond the 5% tolerance",
    ),
    # 0.035 / 0.7 = 5% exactly; in floats it comes out as 5.000000000000004 and would be red.
    (
        "0.735", "0.7", LOWER, "5", Rag.AMBER,
        "0.735 against a target of 0.7 (lower is better): missed by 5.0%, within the 5% tolerance",
    ),
    # Higher is better, target 80 (e.g. % of victims satisfied).
    (
        "85", "80", HIGHER, "5", Rag.GREEN,
        "85 against a target of 80 (higher is better): target met",
    ),
    (
        "80", "80", HIGHER, "5", Rag.GREEN,
        "80 against a target of 80 (higher is better): target met",
    ),
    # 2 / 80 = 2.5%
    (
        "78", "80", HIGHER, "5", Rag.AMBER,
        "78 against a target of 80 (higher is better): missed by 2.5%, within the 5% tolerance",
    ),
    # 4 / 80 = 5% exactly.
    (
        "76", "80", HIGHER, "5", Rag.AMBER,
        "76 against a target of 80 (higher is better): missed by 5.0%, within the 5% tolerance",
    ),
    # 4.01 / 80 = 5.0125%
    (
        "75.99", "80", HIGHER, "5", Rag.RED,
        "75.99 against a target of 80 (higher is better): missed by 5.01%, beyond the 5% tolerance",
    ),
    # 10 / 80 = 12.5%
    (
        "70", "80", HIGHER, "5", Rag.RED,
        "70 against a target of 80 (higher is better): missed by 12.5%, beyond the 5% tolerance",
    ),
    # A target of 0 has no tolerance band: any miss is red.
    ("0", "0", LOWER, "5", Rag.GREEN, "0 against a target of 0 (lower is better): target met"),
    ("-1", "0", LOWER, "5", Rag.GREEN, "-1 against a target of 0 (lower is better): target met"),
    (
        "1", "0", LOWER, "5", Rag.RED,
        "1 against a target of 0 (lower is better): missed by 1; with a target of 0 there is no"
        " tolerance",
    ),
    (
        "-0.5", "0", HIGHER, "5", Rag.RED,
        "-0.5 against a target of 0 (higher is better): missed by 0.5; with a target of 0 there is"
        " no tolerance",
    ),
    # Custom tolerance of 10%, target 12: 1 / 12 = 8.3%, 1.2 / 12 = 10% exactly, 1.3 / 12 = 10.8%.
    (
        "13", "12", LOWER, "10", Rag.AMBER,
        "13 against a target of 12 (lower is better): missed by 8.3%, within the 10% tolerance",
    ),
    (
        "13.2", "12", LOWER, "10", Rag.AMBER,
        "13.2 against a target of 12 (lower is better): missed by 10.0%, within the 10% tolerance",
    ),
    (
        "13.3", "12", LOWER, "10", Rag.RED,
        "13.3 against a target of 12 (lower is better): missed by 10.8%, beyond the 10% tolerance",
    ),
    # No tolerance: 0.01 / 12 = 0.083%
    (
        "12.01", "12", LOWER, "0", Rag.RED,
        "12.01 against a target of 12 (lower is better): missed by 0.1%, beyond the 0% tolerance",
    ),
    # 4.5 / 200 = 2.25%: at 1 dp that is 2.3%, above a 2.25% tolerance, so two decimals.
    (
        "204.5", "200", LOWER, "2.25", Rag.AMBER,
        "204.5 against a target of 200 (lower is better): missed by 2.25%, within the 2.25%"
        " tolerance",
    ),
    # Negative targets (percentage change): lower is better, "fall by at least 5%".
    ("-6", "-5", LOWER, "5", Rag.GREEN, "-6 against a target of -5 (lower is better): target met"),
    # 0.2 / |-5| = 4%
    (
        "-4.8", "-5", LOWER, "5", Rag.AMBER,
        "-4.8 against a target of -5 (lower is better): missed by 4.0%, within the 5% tolerance",
    ),
    # 1 / |-5| = 20%
    (
        "-4", "-5", LOWER, "5", Rag.RED,
        "-4 against a target of -5 (lower is better): missed by 20.0%, beyond the 5% tolerance",
    ),
    # Higher is better, "no worse than -10%": 0.4 / 10 = 4%.
    (
        "-10.4", "-10", HIGHER, "5", Rag.AMBER,
        "-10.4 against a target of -10 (higher is better): missed by 4.0%, within the 5% tolerance",
    ),
    # Number formatting: no exponent, no trailing zeros, thousands separated; 50 / 1,200 = 4.17%.
    (
        "1E+2", "100.00", HIGHER, "5", Rag.GREEN,
        "100 against a target of 100 (higher is better): target met",
    ),
    (
        "1250", "1200", LOWER, "5", Rag.AMBER,
        "1,250 against a target of 1,200 (lower is better): missed by 4.2%, within the 5%"
        " tolerance",
    ),
    # Far short: 765,432.2 / 1,000,000 = 76.54…%
    (
        "234567.80", "1000000", HIGHER, "5.0", Rag.RED,
        "234,567.8 against a target of 1,000,000 (higher is better): missed by 76.5%, beyond the"
        " 5% tolerance",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("actual", "target", "polarity", "tolerance", "status", "reason"), CASES)
def test_rag_status(
    actual: str, target: str, polarity: str, tolerance: str, status: Rag, reason: str
) -> None:
    result = rag_status(Decimal(actual), Decimal(target), polarity, Decimal(tolerance))
    assert result == RagResult(status, reason)


def test_default_tolerance_is_five_percent() -> None:
    # 0.6 / 12 = 5% (amber), 0.61 / 12 = 5.08% (red)
    assert rag_status(Decimal("12.6"), Decimal(12), LOWER).status is Rag.AMBER
    assert rag_status(Decimal("12.61"), Decimal(12), LOWER).status is Rag.RED


@pytest.mark.parametrize(
    ("actual", "target", "reason"),
    [
        ("12", None, "no target set"),
        (None, "12", "no data reported"),
        (None, None, "no target set and no data reported"),
    ],
)
def test_grey_when_there_is_nothing_to_judge(
    actual: str | None, target: str | None, reason: str
) -> None:
    result = rag_status(
        None if actual is None else Decimal(actual),
        None if target is None else Decimal(target),
        HIGHER,
    )
    assert result == RagResult(Rag.GREY, reason)


def test_unknown_polarity_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        rag_status(Decimal(1), Decimal(2), "lower")
    assert (
        str(error.value) == "polarity must be 'lower-is-better' or 'higher-is-better', not 'lower'"
    )


def test_unknown_polarity_is_refused_even_without_data() -> None:
    with pytest.raises(ValueError, match="polarity must be"):
        rag_status(None, None, "up")


def test_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError) as error:
        rag_status(Decimal(1), Decimal(2), LOWER, Decimal(-1))
    assert str(error.value) == "tolerance must be 0% or more, not -1%"


def test_labels_name_the_colour() -> None:
    assert [status.label for status in Rag] == ["Green", "Amber", "Red", "Grey"]
    assert str(Rag.AMBER) == "amber"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], Rag.GREY),
        ([Rag.GREY], Rag.GREY),
        ([Rag.GREY, Rag.GREEN], Rag.GREEN),
        ([Rag.GREEN, Rag.GREEN], Rag.GREEN),
        ([Rag.GREEN, Rag.AMBER, Rag.GREY], Rag.AMBER),
        ([Rag.AMBER, Rag.RED, Rag.GREEN, Rag.GREY], Rag.RED),
        ([Rag.RED, Rag.AMBER], Rag.RED),
    ],
)
def test_worst_rolls_up(statuses: list[Rag], expected: Rag) -> None:
    assert worst(statuses) is expected


def test_worst_takes_any_iterable() -> None:
    assert worst(status for status in (Rag.GREEN, Rag.RED)) is Rag.RED


@pytest.mark.parametrize("text", ["-0", "-0.00", "0E-5", "-0E+3"])
def test_every_zero_is_written_0(text: str) -> None:
    assert format_number(Decimal(text)) == "0"


@pytest.mark.parametrize("text", ["NaN", "-Infinity", "sNaN"])
def test_a_value_that_is_not_a_number_is_refused_not_written(text: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        format_number(Decimal(text))
