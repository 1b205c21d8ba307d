"""The money rules at their edges (exact problem text, as in test_funding.py): the first and
last days of a financial year, each formula worked out for its own year, a figure printed as
computed, and what an intervention lost when it kept some of its money."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from generator.pipeline import check_project
from tests.test_funding import CUT, FEN, FEN_NEXT, PCC

if TYPE_CHECKING:
    from tests.conftest import Tree

PCC_NEXT = "plans/ashdown-pcc/2025-26/"
FROM_PCC = "    formula: fund-formula\n"
DATED = "cuts:\n  - stream: council-base\n    date: {}\n    reduction: 10\n    reason: Mid-year.\n"


def _append(tree: Tree, name: str, text: str) -> None:
    tree.write(name, tree.read(name) + text)


# --- the days of a financial year: 1 April to 31 March ------------------------------------------


@pytest.mark.parametrize("day", ["2024-04-01", "2025-03-31"])
def test_a_cut_on_the_first_or_last_day_of_its_year_is_in_it(tree: Tree, day: str) -> None:
    _append(tree, FEN + "funding.yml", DATED.format(day))
    assert tree.problems() == []


@pytest.mark.parametrize("day", ["2024-03-31", "2025-04-01"])
def test_a_cut_a_day_either_side_of_its_year_is_outside_it(tree: Tree, day: str) -> None:
    _append(tree, FEN + "funding.yml", DATED.format(day))
    assert tree.problems() == [
        f"{FEN}funding.yml:13:5: error: the cut on {day} is outside 2024-25; if it reduces "
        "another year, name it under applies_to [cuts[0].date]"
    ]


@pytest.mark.parametrize("month", ["2024-04", "2025-03"])
def test_a_cut_announced_in_a_years_first_or_last_month_may_be_recorded_there(
    tree: Tree, month: str
) -> None:
    # 2024/25's file records a cut to 2025/26 because it was announced during 2024/25
    _append(tree, FEN + "funding.yml", CUT.replace("announced: 2024-12", f"announced: {month}"))
    assert tree.problems() == []


# --- what interventions lost ------------------------------------------------------------------


def test_an_intervention_loses_what_it_had_less_what_it_kept(tree: Tree) -> None:
    # patrols go from 2,000 to 500 (losing 1,500), wardens from 1,000 to 0: 2,500 in all
    reduced = CUT.replace("reduction: 3000", "reduction: 2500").replace(
        "amount_after: 0", "amount_after: 500", 1
    )
    _append(tree, FEN + "funding.yml", reduced)
    assert tree.problems() == []


def test_interventions_are_not_added_up_while_one_gives_no_amount_after(tree: Tree) -> None:
    _append(tree, FEN + "funding.yml", CUT.replace("        amount_after: 0\n", "", 1))
    assert tree.problems() == []


# --- formula allocations ----------------------------------------------------------------------

EXTRA = """  - id: extra
    title: Youth fund formula
    stream: council-base
    pot: 50
    criteria:
      - id: population
        title: Population
        weight: 1
    recipients:
      - partnership: fenwick-csp
        inputs: {population: 1}
"""
FROM_EXTRA = """  - id: from-extra
    stream: council-base
    method: formula
    formula: extra
    published_amount: 50
"""


def test_each_formula_is_worked_out_for_its_own_year_and_id(tree: Tree) -> None:
    # Fenwick gets the whole of each pot: 100 of fund-formula in 2024/25, 200 of it in
    # 2025/26, and 50 of the extra formula: each allocation prints its own formula's figure
    tree.edit(PCC_NEXT + "funding.yml", "    pot: 100.00\n", "    pot: 200.00\n")
    tree.edit(
        "data/funding-streams.yml",
        "      - year: 2025-26\n        amount: 100.00\n",
        "      - year: 2025-26\n        amount: 200.00\n",
    )
    tree.edit(FEN_NEXT + "funding.yml", FROM_PCC, FROM_PCC + "    published_amount: 200\n")
    tree.edit(FEN + "funding.yml", FROM_PCC, FROM_PCC + "    published_amount: 100\n")
    _append(tree, PCC + "funding.yml", EXTRA)
    _append(tree, FEN + "funding.yml", FROM_EXTRA)
    assert tree.problems() == []


def test_an_allocation_from_a_formula_that_leaves_it_out_is_told_only_that(tree: Tree) -> None:
    tree.edit(FEN + "funding.yml", FROM_PCC, FROM_PCC + "    amount: 5\n")
    tree.edit(PCC + "funding.yml", "partnership: fenwick-csp", "partnership: ashdown-pcc")
    assert tree.problems() == [
        f"{PCC}funding.yml:14:9: warning: ashdown-pcc has no allocation from formula "
        "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]",
        f"{FEN}funding.yml:5:5: error: fenwick-csp is not a recipient of formula "
        "'fund-formula' [allocations[0].formula]",
    ]


def test_a_line_combined_with_itself_is_told_to_name_the_others(tree: Tree) -> None:
    tree.edit(
        FEN + "funding.yml",
        "    amount: 40000\n",
        "    amount_status: combined\n    combined_with: [base]\n    combined_total: 40000\n",
    )
    assert tree.problems() == [
        f"{FEN}funding.yml:11:21: error: a line is not combined with itself; name the others "
        "[allocations[1].combined_with[0]]"
    ]


def test_an_intervention_names_a_service_of_the_years_the_cut_touches(tree: Tree) -> None:
    patrols = "      - id: patrols\n        title: Evening patrols\n"
    _append(tree, FEN + "funding.yml", CUT.replace(patrols, "      - service: refuje\n"))
    assert tree.problems() == [
        f"{FEN}funding.yml:18:9: error: unknown service 'refuje' — did you mean 'refuge'? "
        "[cuts[0].interventions[0].service]"
    ]


# --- streams: their pots and their dates --------------------------------------------------------

STREAMS = "data/funding-streams.yml"
YOUTH = """  - id: youth-fund
    name: Youth fund
    funder: fenwick-council
    starts: 2026-02
    pots:
      - year: 2024-25
        amount: 10
        published_total: 10
"""
ACTION = "    services: [refuge]\n"


def _action_funding(tree: Tree, lines: str) -> None:
    tree.edit(FEN + "actions.yml", ACTION, ACTION + "    funding:\n" + lines)


def test_a_pot_nothing_draws_on_differs_from_its_total_in_its_own_year(tree: Tree) -> None:
    # youth-fund pays out only from 2025/26 (an action's line names that year), so nothing
    # recorded draws on its 2024/25 pot; the warning is kept with 2024/25 (the validation
    # record files a problem in data/ under the year it follows from)
    tree.edit(STREAMS, "streams:\n", "streams:\n" + YOUTH)
    _action_funding(tree, "      - stream: youth-fund\n        amount: 10\n        year: 2025-26\n")
    assert tree.problems() == [
        f"{STREAMS}:9:9: warning: published total £10.00 differs from the allocations recorded "
        "from 'youth-fund' in 2024-25, £0.00, by £10.00; both are shown (explain it in "
        "published_note to record that it is known) [streams[0].pots[0].published_total]"
    ]
    _, (problem,) = check_project(tree.root)
    assert problem.year == "2024-25"


def test_an_actions_line_is_checked_against_its_streams_dates_in_the_year_it_names(
    tree: Tree,
) -> None:
    # the council's base budget ends in January 2025, before the 2025/26 the line names
    tree.edit(
        STREAMS,
        "    funder: fenwick-council\n    pots",
        "    funder: fenwick-council\n    ends: 2025-01\n    pots",
    )
    _action_funding(
        tree, "      - stream: council-base\n        amount: 5\n        year: 2025-26\n"
    )
    ended = "stream 'council-base' ended in 2025-01, before 2025-26 began; fund this from another"
    assert tree.problems() == [
        f"{FEN}actions.yml:10:9: error: {ended} stream [actions[0].funding[0].stream]",
        f"{FEN_NEXT}funding.yml:8:5: error: {ended} stream [allocations[1].stream]",
        f"{FEN_NEXT}services.yml:13:9: error: {ended} stream [services[0].funding[0].stream]",
    ]


def test_a_stream_that_ends_on_the_day_a_year_begins_still_funds_that_year(tree: Tree) -> None:
    tree.edit(
        STREAMS,
        "    funder: fenwick-council\n    pots",
        "    funder: fenwick-council\n    ends: 2025-04-01\n    pots",
    )
    assert tree.problems() == []
