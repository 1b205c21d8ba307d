"""The money `compute/money.py` works out, checked against figures worked out by hand here: a
formula's rows to the penny (inputs, shares, adjustments, what was paid), what a partnership's
allocations received, the days a cut counts as announced in a year, and the sums the funding
pages set side by side."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from generator.compute.money import (
    AllocationFacts,
    CutFacts,
    FormulaFacts,
    FormulaRow,
    Formulas,
    allocation_facts,
    announced_in,
    formula_facts,
    funding_lines,
    known_total,
    pot_totals,
    service_funding,
    split_evenly,
    stream_uses,
    streams_of,
    sum_by,
    unknown_lines,
)
from generator.model.funding import Cut, Formula, FundingFile
from generator.pipeline import check_project

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
PCC = "plans/ashdown-pcc/2024-25/"
HALF_AND_HALF = [
    {"id": "population", "title": "Population", "weight": "0.5"},
    {"id": "crime", "title": "Recorded crime", "weight": "0.5"},
]


def _formula(**fields: Any) -> Formula:
    return Formula.model_validate(
        {"id": "csf", "title": "Fund", "stream": "csf", "pot": 100, "criteria": HALF_AND_HALF}
        | fields
    )


def _row(**fields: Any) -> FormulaRow:
    """A row with nothing but what `fields` gives (the rest as a recipient that gives none)."""
    empty: dict[str, Any] = {
        "partnership": None, "organisation": None, "covers": (), "paid_to": None, "inputs": (),
        "criterion_shares": (), "share": None, "formula_amount": None, "adjustment": Decimal(0),
        "adjustment_reason": None, "amount": None, "published_amount": None,
    }  # fmt: skip
    return FormulaRow(**(empty | fields))


def _inputs(population: int, crime: int) -> tuple[tuple[str, Decimal], ...]:
    return (("population", Decimal(population)), ("crime", Decimal(crime)))


# --- a formula's rows -----------------------------------------------------------------------


def test_a_formula_is_shared_to_the_penny_row_by_row() -> None:
    # Fenwick has 1 of every 4 people and crimes, the county council 3 (for Ashby and Bow):
    # shares of 1/4 and 3/4 of 100.00 are 25.00 and 75.00; the council's is cut by 5.00.
    formula = _formula(
        recipients=[
            {
                "partnership": "fenwick", "inputs": {"population": 1, "crime": 1},
                "published_amount": 26, "published_note": "Rounded up.",
            },
            {
                "organisation": "county", "covers": ["ashby", "bow"], "paid_to": "county-finance",
                "inputs": {"population": 3, "crime": 3},
                "adjustment": {"amount": -5, "reason": "Holds a reserve."},
            },
        ]
    )  # fmt: skip
    quarter, three_quarters = Fraction(1, 4), Fraction(3, 4)
    fenwick = _row(
        partnership="fenwick", inputs=_inputs(1, 1),
        criterion_shares=(("population", quarter), ("crime", quarter)), share=quarter,
        formula_amount=Decimal("25.00"), amount=Decimal("25.00"),
        published_amount=Decimal(26), published_note="Rounded up.",
    )  # fmt: skip
    county = _row(
        organisation="county", covers=("ashby", "bow"), paid_to="county-finance",
        inputs=_inputs(3, 3),
        criterion_shares=(("population", three_quarters), ("crime", three_quarters)),
        share=three_quarters, formula_amount=Decimal("75.00"), adjustment=Decimal(-5),
        adjustment_reason="Holds a reserve.", amount=Decimal("70.00"),
    )  # fmt: skip
    facts = formula_facts(formula)
    assert facts == FormulaFacts(
        formula, (fenwick, county), Decimal("100.00"), Decimal("95.00"), (), None
    )
    assert [row.key for row in facts.rows] == ["fenwick", "county"]
    assert [row.share_percent for row in facts.rows] == [Decimal(25), Decimal(75)]
    assert (facts.computed, facts.published_difference) == (True, None)


def test_what_was_paid_instead_of_the_formula_is_received_and_totalled() -> None:
    # The council's share is 75.00 but it was paid 60.00; Fenwick, paid as the formula, 25.00.
    formula = _formula(
        applied="partially",
        applied_reason="The council agreed to less.",
        recipients=[
            {"partnership": "fenwick", "inputs": {"population": 1, "crime": 1}},
            {
                "organisation": "county", "covers": ["ashby"],
                "inputs": {"population": 3, "crime": 3}, "paid": 60, "paid_reason": "Agreed.",
            },
        ],
    )  # fmt: skip
    facts = formula_facts(formula)
    assert [(row.amount, row.paid, row.received) for row in facts.rows] == [
        (Decimal("25.00"), None, Decimal("25.00")),
        (Decimal("75.00"), Decimal(60), Decimal(60)),
    ]
    assert (facts.total, facts.paid_total) == (Decimal("100.00"), Decimal("85.00"))


def test_a_formula_whose_inputs_were_not_published_is_shown_as_printed() -> None:
    # No shares are worked out: each row is its published amount, or unknown.
    formula = _formula(
        inputs="not-published",
        published_total=90,
        recipients=[
            {"partnership": "fenwick", "published_amount": 40},
            {"partnership": "ashby", "published_amount": 45},
            {"partnership": "bow"},
        ],
    )
    facts = formula_facts(formula)
    assert facts == FormulaFacts(
        formula,
        (
            _row(partnership="fenwick", amount=Decimal(40), published_amount=Decimal(40)),
            _row(partnership="ashby", amount=Decimal(45), published_amount=Decimal(45)),
            _row(partnership="bow"),
        ),
        None,
        Decimal(85),
        ("bow",),
        None,
    )
    assert [row.share_percent for row in facts.rows] == [None, None, None]
    assert (facts.computed, facts.published_difference) == (False, Decimal(5))


def test_a_years_formulas_are_worked_out_once_each_when_first_asked_for() -> None:
    first, second = (
        _formula(id="first", inputs="not-published", recipients=[{"partnership": "fenwick"}]),
        _formula(
            id="second",
            recipients=[{"partnership": "fenwick", "inputs": {"population": 1, "crime": 2}}],
        ),
    )
    formulas = Formulas([first, second])
    assert (list(formulas), len(formulas)) == (["first", "second"], 2)
    assert ("second" in formulas, "third" in formulas) == (True, False)
    assert formulas["second"] is formulas["second"]
    assert formulas["second"].total == Decimal("100.00")
    assert dict(formulas.items())["first"].formula is first
    with pytest.raises(KeyError):
        formulas["third"]


# --- what a partnership's allocations received ----------------------------------------------


def _year(partnership: str, allocations: list[dict[str, Any]], **funding: Any) -> Any:
    """The parts of a plan year the money functions read: who it is and its funding file."""
    file = FundingFile.model_validate({"allocations": allocations} | funding)
    return SimpleNamespace(partnership=partnership, year="2024-25", start_year=2024, funding=file)


def test_each_allocation_receives_its_row_of_the_formula_or_its_own_amount() -> None:
    formula = _formula(
        recipients=[
            {"partnership": "fenwick", "inputs": {"population": 1, "crime": 1},
             "published_amount": 24},
            {"partnership": "ashby", "inputs": {"population": 1, "crime": 1}},
            {"organisation": "county", "covers": ["bow"], "inputs": {"population": 2, "crime": 2}},
        ]
    )  # fmt: skip
    formulas = {"csf": formula_facts(formula)}
    lines: list[dict[str, Any]] = [
        {"id": "share", "stream": "csf", "method": "formula", "formula": "csf"},
        {"id": "printed", "stream": "csf", "method": "formula", "formula": "csf",
         "published_amount": 23},
        {"id": "base", "stream": "base", "method": "retained", "amount": 10,
         "published_amount": 11},
        {"id": "other", "stream": "csf", "method": "formula", "formula": "gone"},
    ]  # fmt: skip
    fenwick = _year("fenwick", lines)
    share, printed, base, other = fenwick.funding.allocations
    quarter = (Decimal("25.00"), Decimal("25.00"), Decimal(0), None)
    # the row's published figure, unless the allocation prints its own
    assert allocation_facts(fenwick, formulas) == (
        AllocationFacts(share, *quarter, Decimal(24)),
        AllocationFacts(printed, *quarter, Decimal(23)),
        AllocationFacts(base, Decimal(10), None, None, None, Decimal(11)),
        AllocationFacts(other, None),
    )
    bow = _year("bow", lines[:1])
    assert allocation_facts(bow, formulas) == (
        AllocationFacts(bow.funding.allocations[0], None, covered_by=formulas["csf"].rows[2]),
    )
    ashby = _year("ashby", lines[:1])
    (facts,) = allocation_facts(ashby, formulas)
    assert (facts.amount, facts.published_amount) == (Decimal("25.00"), None)


def test_the_known_total_counts_a_combined_group_once_and_names_what_it_leaves_out() -> None:
    year = _year(
        "fenwick",
        [
            {"id": "a", "stream": "s", "method": "bid", "amount": 10},
            {"id": "b", "stream": "s", "method": "bid", "amount_status": "combined",
             "combined_with": ["c"], "combined_total": 7},
            {"id": "c", "stream": "s", "method": "bid", "amount_status": "combined",
             "combined_with": ["b"], "combined_total": 7},
            {"id": "d", "stream": "s", "method": "bid", "amount_status": "withheld",
             "amount_reason": "FOI s43."},
            {"id": "e", "stream": "s", "method": "formula", "formula": "elsewhere"},
        ],
    )  # fmt: skip
    assert known_total(allocation_facts(year, {})) == (Decimal(17), ("d", "e"))


# --- cuts: the days of a plan year ------------------------------------------------------------


@pytest.mark.parametrize(
    ("announced", "inside"),
    [
        ("2024-03-31", False),
        ("2024-04-01", True),
        ("2024-04", True),
        ("2025-03-31", True),
        ("2025-03", True),
        ("2025-04-01", False),
        ("2024", False),  # any day of 2024, some of them before 1 April
        ("2025", False),
    ],
)
def test_a_cut_is_announced_in_the_plan_year_only_if_every_day_it_may_mean_is_in_it(
    announced: str, inside: bool
) -> None:
    cut = Cut.model_validate(
        {"stream": "s", "announced": announced, "reduction": 1, "reason": "Less money."}
    )
    assert announced_in(CutFacts(cut, "2023-24", ("2023-24",)), _year("fenwick", [])) is inside


def test_an_undated_announcement_is_in_the_year_whose_file_records_it() -> None:
    cut = Cut.model_validate(
        {"stream": "s", "date": "2025-06-01", "reduction": 1, "reason": "Less money."}
    )
    year = _year("fenwick", [])
    assert announced_in(CutFacts(cut, "2024-25", ("2025-26",)), year) is True
    assert announced_in(CutFacts(cut, "2025-26", ("2025-26",)), year) is False


# --- sums the funding pages set side by side --------------------------------------------------


def test_an_amount_split_evenly_gives_the_odd_penny_by_key_and_nothing_to_no_one() -> None:
    assert split_evenly(Decimal("10.00"), ["bow", "ashby", "cole"]) == {
        "ashby": Decimal("3.34"), "bow": Decimal("3.33"), "cole": Decimal("3.33"),
    }  # fmt: skip
    assert split_evenly(Decimal("10.00"), []) == {}


def test_sums_by_key_run_largest_first_and_alphabetically_on_a_tie() -> None:
    pairs = [("cole", Decimal(2)), ("bow", Decimal(1)), ("ashby", Decimal(1)), ("bow", Decimal(1))]
    assert sum_by(pairs) == (("bow", Decimal(2)), ("cole", Decimal(2)), ("ashby", Decimal(1)))


def test_a_years_streams_are_its_allocations_then_its_formulas_each_once() -> None:
    year = _year(
        "ashdown",
        [
            {"id": "a", "stream": "base", "method": "retained", "amount": 1},
            {"id": "b", "stream": "csf", "method": "retained", "amount": 1},
            {"id": "c", "stream": "base", "method": "retained", "amount": 1},
        ],
        formulas=[
            {"id": "f", "title": "F", "stream": "youth", "pot": 1, "criteria": HALF_AND_HALF[:1],
             "recipients": [{"partnership": "fenwick", "inputs": {"population": 1}}]},
            {"id": "g", "title": "G", "stream": "csf", "pot": 1, "criteria": HALF_AND_HALF[:1],
             "recipients": [{"partnership": "fenwick", "inputs": {"population": 1}}]},
        ],
    )  # fmt: skip
    facts = allocation_facts(year, {})
    assert streams_of(year, facts) == ["base", "csf", "youth"]


def test_a_pot_is_drawn_on_by_its_formulas_whole_and_its_plain_amounts(tree: Tree) -> None:
    # The PCC's formula shares its whole pot of 100.00 from pcc-fund; Fenwick's allocation
    # from it is that formula's share (even if it also prints an amount), so it is not added
    # again; the PCC keeps 20.00 more of the fund itself.
    tree.edit(FEN + "funding.yml", "    recipient: fenwick-council\n",
              "    recipient: fenwick-council\n    amount: 100\n")  # fmt: skip
    tree.write(
        PCC + "funding.yml",
        tree.read(PCC + "funding.yml")
        + "allocations:\n  - id: kept\n    stream: pcc-fund\n    method: retained\n"
        "    amount: 20\n",
    )
    tree.edit(
        "data/funding-streams.yml",
        "      - year: 2024-25\n        amount: 100.00\n",
        "      - year: 2024-25\n        amount: 100.00\n        published_total: 120\n",
    )
    project, problems = check_project(tree.root)
    assert project is not None, problems
    assert stream_uses(project, "pcc-fund", "2024-25") == Decimal("120.00")
    assert stream_uses(project, "pcc-fund", "2025-26") == Decimal("100.00")
    assert stream_uses(project, "council-base", "2024-25") == Decimal(40000)
    assert pot_totals(project, "2024-25", ["council-base", "pcc-fund", "nowhere"]) == (
        ("pcc-fund", Decimal("120.00")),
    )


def test_funding_lines_of_the_year_name_their_priorities_and_model(tree: Tree) -> None:
    # The refuge's lines: 40,000 named 2024/25, 9 named 2025/26 (another year), and one of
    # 2024/25 whose amount was not published; the action's: 60, and one withheld.
    tree.edit(
        FEN + "services.yml",
        "        amount: 40000\n",
        "        amount: 40000\n        year: 2024-25\n"
        "      - stream: pcc-fund\n        amount: 9\n        year: 2025-26\n"
        "      - stream: council-base\n        year: 2024-25\n"
        "        amount_status: not-published\n",
    )
    tree.edit(
        FEN + "actions.yml",
        "    services: [refuge]\n",
        "    services: [refuge]\n    funding:\n      - stream: pcc-fund\n        amount: 60\n"
        "      - stream: pcc-fund\n        amount_status: withheld\n        amount_reason: FOI.\n",
    )
    project, problems = check_project(tree.root)
    assert project is not None, problems
    (year,) = (p for p in project.years_of("fenwick-csp") if p.year == "2024-25")
    assert funding_lines(year) == [
        ("refuge", "council-base", Decimal(40000), ["domestic-abuse"], "contract"),
        ("refuge-places", "pcc-fund", Decimal(60), ["domestic-abuse"], "action"),
    ]
    (refuge,) = year.services.services
    assert service_funding(refuge, "2024-25") == (Decimal(40000), 1)
    assert service_funding(refuge, "2025-26") == (Decimal(9), 0)
    assert unknown_lines(year) == (("refuge", "council-base"), ("refuge-places", "pcc-fund"))
