"""Money as it is published: unknown amounts, printed totals, formulas as they really run, cuts
across years; and the funding and area pages that show them (exact problem text, as in
test_validate.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.pipeline import check_project
from tests.conftest import render_year

if TYPE_CHECKING:
    from tests.conftest import Tree

ROOT = Path(__file__).resolve().parents[1]
FEN = "plans/fenwick-csp/2024-25/"
FEN_NEXT = "plans/fenwick-csp/2025-26/"
PCC = "plans/ashdown-pcc/2024-25/"
STREAMS = "data/funding-streams.yml"
BASE = """  - id: base
    stream: council-base
    method: retained
    amount: 40000
"""
FORMULA_RECIPIENT = """      - partnership: fenwick-csp
        inputs: {population: 100, crime: 10}
"""


def pages(tree: Tree, year: str = "2024-25") -> dict[str, str]:
    files = render_year(tree.root, year)
    return {name: data.decode() for name, data in files.items() if name.endswith(".md")}


NOT_PUBLISHED = (
    PCC + "funding.yml",
    "    pot: 100.00\n",
    "    pot: 100.00\n    inputs: not-published\n",
)
"""The edit that says a formula's inputs were not published."""


def printed(lines: str) -> tuple[str, str, str]:
    """The edit that gives the formula's one recipient `lines` instead of its inputs."""
    return (PCC + "funding.yml", "        inputs: {population: 100, crime: 10}\n", lines)


# --- unknown amounts on allocations ---------------------------------------------------------

UNKNOWN = {
    "withheld, with its reason": (
        "    amount: 40000\n",
        "    amount_status: withheld\n    amount_reason: FOI s43 commercial interests\n",
        [],
    ),
    "neither amount nor status": (
        "    amount: 40000\n",
        "",
        [
            f"{FEN}funding.yml:7:5: error: a retained allocation needs an amount, or "
            "amount_status (not-published, withheld or combined) saying why there is none "
            "[allocations[1]]"
        ],
    ),
    "both amount and status": (
        "    amount: 40000\n",
        "    amount: 40000\n    amount_status: not-published\n",
        [
            f"{FEN}funding.yml:7:5: error: give either the amount or amount_status "
            "(not-published), not both: an unknown amount is never written as a figure "
            "[allocations[1]]"
        ],
    ),
    "withheld without a reason": (
        "    amount: 40000\n",
        "    amount_status: withheld\n",
        [
            f"{FEN}funding.yml:7:5: error: a withheld amount gives amount_reason (e.g. 'FOI "
            "s43 commercial interests') [allocations[1]]"
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), list(UNKNOWN.values()), ids=list(UNKNOWN))
def test_an_allocation_amount_may_be_unknown(
    tree: Tree, old: str, new: str, expected: list[str]
) -> None:
    tree.edit(FEN + "funding.yml", BASE, BASE.replace(old, new))
    assert tree.problems() == expected


def test_an_unknown_amount_is_never_summed_as_zero(tree: Tree) -> None:
    tree.edit(
        FEN + "funding.yml",
        "    amount: 40000\n",
        "    amount_status: withheld\n    amount_reason: FOI s43 commercial interests\n",
    )
    page = pages(tree)["fenwick-csp/funding.md"]
    assert "| Withheld (FOI s43 commercial interests) |" in page
    assert "| **Total** | | | | | **£100** and 1 line not known |" in page
    assert "so the money received is at least £100." in page


# --- published totals that do not add up ------------------------------------------------------


def test_a_funding_file_total_that_differs_is_a_warning_and_shown(tree: Tree) -> None:
    tree.edit(FEN + "funding.yml", BASE, BASE + "published_total: 40103\n")
    assert tree.problems() == [
        f"{FEN}funding.yml:11:1: warning: published total £40,103.00 differs from the sum of "
        "the allocations £40,100.00 by £3.00; both are shown (explain it in published_note to "
        "record that it is known) [published_total]"
    ]
    tree.edit(
        FEN + "funding.yml",
        "published_total: 40103\n",
        "published_total: 40103\npublished_note: As printed.\nsic: Totle\n",
    )
    assert tree.problems() == []
    page = pages(tree)["fenwick-csp/funding.md"]
    assert (
        "The source prints a total of £40,103.00; the rows above add up to £40,100.00, a "
        "difference of £3.00. Both figures are shown as they are: a published figure is never "
        "silently corrected. As printed." in page
    )
    assert "As printed in the source: “Totle” [sic]." in page


def test_a_pot_published_total_is_compared_with_the_allocations(tree: Tree) -> None:
    tree.edit(
        STREAMS,
        "      - year: 2024-25\n        amount: 50000\n",
        "      - year: 2024-25\n        amount: 50000\n        published_total: 39990\n",
    )
    assert tree.problems() == [
        f"{STREAMS}:16:9: warning: published total £39,990.00 differs from the allocations "
        "recorded from 'council-base' in 2024-25, £40,000.00, by -£10.00; both are shown "
        "(explain it in published_note to record that it is known) "
        "[streams[1].pots[0].published_total]"
    ]


def test_a_year_without_a_funding_file_is_checked_for_nothing_it_lacks(tree: Tree) -> None:
    """Every money rule passes over a year with no funding.yml (no funding was published);
    only the formula that names the partnership says its allocation is not recorded."""
    (tree.root / FEN_NEXT / "funding.yml").unlink()
    assert tree.problems() == [
        "plans/ashdown-pcc/2025-26/funding.yml:14:9: warning: fenwick-csp has no allocation "
        "from formula 'fund-formula' in its 2025-26 funding.yml "
        "[formulas[0].recipients[0].partnership]"
    ]


def test_a_pot_of_a_year_no_plan_covers_is_not_compared(tree: Tree) -> None:
    """No plan records anything from 2026-27 yet: its printed total has nothing to differ
    from (it once said the allocations were £0.00)."""
    tree.edit(
        STREAMS,
        "      - year: 2025-26\n        amount: 50000\n",
        "      - year: 2025-26\n        amount: 50000\n"
        "      - year: 2026-27\n        amount: 50000\n        published_total: 39990\n",
    )
    assert tree.problems() == []


def test_stream_descriptions_pot_notes_and_organisation_descriptions_are_shown(
    tree: Tree,
) -> None:
    tree.edit(
        STREAMS,
        "    funder: fenwick-council\n",
        "    funder: fenwick-council\n    description: The council's own *budget*.\n",
    )
    tree.edit(
        STREAMS,
        "      - year: 2024-25\n        amount: 50000\n",
        "      - year: 2024-25\n        amount: 50000\n        note: Set in February.\n",
    )
    tree.edit(
        "data/organisations.yml",
        "    name: Fenwick District Council\n",
        "    name: Fenwick District Council\n    description: Hosts the partnership.\n",
    )
    tree.edit(
        "data/organisations.yml",
        "    name: Ashdown Constabulary\n",
        "    name: Ashdown Constabulary\n    description: The county force.\n",
    )
    rendered = pages(tree)
    page = rendered["fenwick-csp/funding.md"]
    assert "- **Council base budget.** The council's own *budget*.\n" in page
    assert "    This year: Set in February.\n" in page
    assert "- **Fenwick District Council.** Hosts the partnership.\n" in page
    assert "- **Ashdown Constabulary.** The county force.\n" in rendered["ashdown/index.md"]
    project, _ = check_project(tree.root)
    assert project is not None
    from generator.compute.facts import plan_year_facts
    from generator.render.opendata import plan_year_document

    py = next(p for p in project.plan_years() if p.key == ("fenwick-csp", "2024-25"))
    reference = plan_year_document(project, plan_year_facts(project, py))["reference"]
    stream = next(s for s in reference["streams"] if s["id"] == "council-base")
    assert stream["description"] == "The council's own *budget*."
    assert stream["pots"][0]["note"] == "Set in February."
    council = next(o for o in reference["organisations"] if o["id"] == "fenwick-council")
    assert council["description"] == "Hosts the partnership."


# --- who pays and who receives ---------------------------------------------------------------


def test_a_pcc_page_says_money_allocated_and_a_csp_page_money_received(tree: Tree) -> None:
    tree.edit(
        PCC + "funding.yml",
        "formulas:\n",
        "allocations:\n  - id: kept\n    stream: pcc-fund\n    method: retained\n"
        "    amount: 0\nformulas:\n",
    )
    rendered = pages(tree)
    pcc = rendered["ashdown-pcc/funding.md"]
    assert "## Money allocated" in pcc and "## Money received" not in pcc
    assert "| Stream | Method | Held by | Amount | Published amount |" in pcc
    csp = rendered["fenwick-csp/funding.md"]
    assert "## Money received" in csp
    assert "| Stream | Method | Received by |" in csp and "Paid to" not in csp


def test_the_area_page_shows_a_formula_whose_owner_plan_is_not_published(tree: Tree) -> None:
    tree.edit(PCC + "plan.yml", "status: published", "status: draft")
    area = pages(tree)["ashdown/index.md"]
    assert "None recorded. No partnership in this area shares money by formula" not in area
    assert "### Community safety fund formula" in area
    assert "whose plan for 2024/25 is not published here." in area


# --- formulas as they really run -------------------------------------------------------------

COUNTY = """      - organisation: fenwick-council
        covers: [fenwick-csp]
        inputs: {population: 100, crime: 10}
"""

FORMULAS = {
    "an organisation recipient covering an unknown partnership": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, COUNTY.replace("[fenwick-csp]", "[fenwik]"))],
        [
            f"{PCC}funding.yml:15:18: error: unknown partnership 'fenwik' — did you mean "
            "'fenwick-csp'? [formulas[0]."
            "recipients[0].covers[0]]",
            f"{FEN}funding.yml:5:5: error: fenwick-csp is not a recipient of formula "
            "'fund-formula' [allocations[0].formula]",
        ],
    ),
    "a partnership paid in its own right and covered too": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, FORMULA_RECIPIENT + COUNTY)],
        [
            f"{PCC}funding.yml:17:18: error: fenwick-csp is a recipient of this formula in its "
            "own right; a partnership is paid for once [formulas[0].recipients[1].covers[0]]"
        ],
    ),
    "a partnership covered by two organisations": (
        [
            (
                PCC + "funding.yml",
                FORMULA_RECIPIENT,
                COUNTY + COUNTY.replace("fenwick-council", "fenwick-refuge"),
            )
        ],
        [
            f"{PCC}funding.yml:18:18: error: fenwick-csp is already covered by fenwick-council; "
            "it is paid once [formulas[0].recipients[1].covers[0]]"
        ],
    ),
    "an unknown organisation recipient": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, COUNTY.replace("fenwick-council", "fenwik"))],
        [
            f"{PCC}funding.yml:14:9: error: unknown organisation 'fenwik' — did you mean "
            "'fenwick-refuge'? [formulas[0]."
            "recipients[0].organisation]"
        ],
    ),
    "a partnership recipient with covers": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, FORMULA_RECIPIENT + "        covers: [x]\n")],
        [
            f"{PCC}funding.yml:14:9: error: covers is for an organisation recipient; a "
            "partnership covers itself [formulas[0].recipients[0]]"
        ],
    ),
    "paid differing with no reason": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, FORMULA_RECIPIENT + "        paid: 90\n")],
        [
            f"{PCC}funding.yml:16:9: warning: paid £90.00 differs from the formula's £100.00, "
            "but the formula is applied: fully; set applied: partially (with applied_reason) "
            "[formulas[0].recipients[0].paid]"
        ],
    ),
    "applied partially, paid without a reason": (
        [
            (PCC + "funding.yml", FORMULA_RECIPIENT, FORMULA_RECIPIENT + "        paid: 90\n"),
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    applied: partially\n    applied_reason: PCC discretion.\n",
            ),
        ],
        [
            f"{PCC}funding.yml:18:9: warning: paid £90.00 differs from the formula's £100.00 "
            "by -£10.00; say why in paid_reason [formulas[0].recipients[0].paid]"
        ],
    ),
    "applied not, with nothing paid": (
        [(PCC + "funding.yml", "    pot: 100.00\n", "    pot: 100.00\n    applied: not\n")],
        [
            f"{PCC}funding.yml:6:5: warning: the formula was applied not; say why in "
            "applied_reason [formulas[0].applied]",
            f"{PCC}funding.yml:6:5: warning: the formula was applied not: give paid, the "
            "amount each recipient was actually paid [formulas[0].applied]",
            f"{PCC}funding.yml:15:9: warning: the formula was not applied (applied: not): give "
            "paid, the amount this recipient was actually paid [formulas[0].recipients[0]]",
        ],
    ),
    "inputs not published, amounts given": (
        [
            NOT_PUBLISHED,
            printed("        published_amount: 100\n"),
        ],
        [],
    ),
    "inputs not published but given": (
        [NOT_PUBLISHED],
        [
            f"{PCC}funding.yml:16:9: error: the formula's inputs are not published (inputs: "
            "not-published); leave the inputs out, or set inputs: given "
            "[formulas[0].recipients[0].inputs]",
            f"{PCC}funding.yml:15:9: warning: the formula's inputs are not published, so its "
            "share cannot be worked out: give the published_amount; without it the pages say "
            "the amount is not known [formulas[0].recipients[0]]",
        ],
    ),
    "a transition year with the formula applied fully": (
        [
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    transition:\n"
                "      - {year: 2024-25, percent_of_target: 50}\n    review_due: 2025-09\n",
            )
        ],
        [
            f"{PCC}funding.yml:7:25: warning: in 2024-25 the transition pays 50% of the way to "
            "the formula's shares, but the formula is applied: fully; set applied: partially "
            "and give what each recipient was paid "
            "[formulas[0].transition[0].percent_of_target]"
        ],
    ),
    "a criterion whose inputs add up to 0": (
        [(PCC + "funding.yml", "crime: 10}", "crime: 0}")],
        [
            f"{PCC}funding.yml:2:5: error: the inputs for criterion 'crime' add up to 0: at "
            "least one must be more than 0 [formulas[0]]"
        ],
    ),
    "an adjustment that leaves a share of exactly 0": (
        [
            (
                PCC + "funding.yml",
                FORMULA_RECIPIENT,
                FORMULA_RECIPIENT + "        adjustment: {amount: -100, reason: Held back.}\n",
            )
        ],
        [],
    ),
    "an adjustment to a share that is not worked out": (
        [
            NOT_PUBLISHED,
            printed(
                "        published_amount: 100\n"
                "        adjustment: {amount: -5, reason: Held back.}\n"
            ),
        ],
        [
            f"{PCC}funding.yml:17:9: error: an adjustment changes a computed share, and this "
            "formula's inputs are not published; give the published_amount (and paid, with "
            "paid_reason) [formulas[0].recipients[0].adjustment]"
        ],
    ),
    "paid exactly the formula's share": (
        [(PCC + "funding.yml", FORMULA_RECIPIENT, FORMULA_RECIPIENT + "        paid: 100\n")],
        [],
    ),
    "paid, with no share worked out to compare": (
        [
            NOT_PUBLISHED,
            printed("        paid: 50\n"),
        ],
        [
            f"{PCC}funding.yml:15:9: warning: the formula's inputs are not published, so its "
            "share cannot be worked out: give the published_amount; without it the pages say "
            "the amount is not known [formulas[0].recipients[0]]",
        ],
    ),
    "a published total beside a row not known": (
        [
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    inputs: not-published\n    published_total: 100\n",
            ),
            (PCC + "funding.yml", "        inputs: {population: 100, crime: 10}\n", ""),
        ],
        [
            f"{PCC}funding.yml:7:5: warning: published total £100.00 differs from the sum of "
            "the rows £0.00, leaving out 1 line whose amount is not known (fenwick-csp) by "
            "£100.00; both are shown (explain it in published_note to record that it is known) "
            "[formulas[0].published_total]",
            f"{PCC}funding.yml:16:9: warning: the formula's inputs are not published, so its "
            "share cannot be worked out: give the published_amount; without it the pages say "
            "the amount is not known [formulas[0].recipients[0]]",
        ],
    ),
    "an allocation printing another figure than the formula's row": (
        [
            NOT_PUBLISHED,
            printed("        published_amount: 100\n"),
            (
                FEN + "funding.yml",
                "    formula: fund-formula\n",
                "    formula: fund-formula\n    published_amount: 90\n",
            ),
        ],
        [
            f"{FEN}funding.yml:6:5: warning: published £90.00 differs from the formula's printed "
            "£100.00 by -£10.00; both are shown (explain it in published_note to record that "
            "it is known) [allocations[0].published_amount]"
        ],
    ),
    "printed amounts under weights that do not add up": (
        # the formula is refused, so the allocation's own figure is not compared with it
        [
            NOT_PUBLISHED,
            printed("        published_amount: 100\n"),
            (
                PCC + "funding.yml",
                "        weight: 0.5\n      - id: crime",
                "        weight: 0.4\n      - id: crime",
            ),
            (
                FEN + "funding.yml",
                "    formula: fund-formula\n",
                "    formula: fund-formula\n    published_amount: 90\n",
            ),
        ],
        [
            f"{PCC}funding.yml:7:5: error: criteria weights sum to 0.9, not 1; adjust them "
            "[formulas[0].criteria]"
        ],
    ),
    "paid more than the pot": (
        [
            (
                PCC + "funding.yml",
                FORMULA_RECIPIENT,
                FORMULA_RECIPIENT + "        paid: 120\n        paid_reason: Topped up.\n",
            ),
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    applied: partially\n    applied_reason: PCC discretion.\n",
            ),
        ],
        [
            f"{PCC}funding.yml:5:5: warning: the amounts paid total £120.00, more than the pot "
            "of £100.00 by £20.00 [formulas[0].pot]"
        ],
    ),
    "a transition paying in full this year, in part only the next": (
        [
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    transition:\n"
                "      - {year: 2024-25, percent_of_target: 100}\n"
                "      - {year: 2025-26, percent_of_target: 50}\n",
            )
        ],
        [],
    ),
    "a transition one percent short of the formula": (
        [
            (
                PCC + "funding.yml",
                "    pot: 100.00\n",
                "    pot: 100.00\n    transition:\n"
                "      - {year: 2024-25, percent_of_target: 99}\n",
            )
        ],
        [
            f"{PCC}funding.yml:7:25: warning: in 2024-25 the transition pays 99% of the way to "
            "the formula's shares, but the formula is applied: fully; set applied: partially "
            "and give what each recipient was paid "
            "[formulas[0].transition[0].percent_of_target]"
        ],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(FORMULAS.values()), ids=list(FORMULAS))
def test_formulas_as_they_really_run(
    tree: Tree, edits: list[tuple[str, str, str]], expected: list[str]
) -> None:
    for name, old, new in edits:
        tree.edit(name, old, new)
    assert sorted(tree.problems()) == sorted(expected)


def test_an_organisation_recipient_and_paid_amounts_are_shown(tree: Tree) -> None:
    tree.edit(
        PCC + "funding.yml",
        FORMULA_RECIPIENT,
        COUNTY + "        paid: 90\n        paid_reason: Transition year.\n",
    )
    tree.edit(
        PCC + "funding.yml",
        "    pot: 100.00\n",
        "    pot: 100.00\n    applied: partially\n"
        "    applied_reason: PCC discretion.\n    review_due: 2025-09\n",
    )
    tree.edit(
        PCC + "funding.yml",
        "        title: Recorded crime\n",
        "        title: Recorded crime\n        proxy_for: harm\n",
    )
    assert tree.problems() == []
    rendered = pages(tree)
    area = rendered["ashdown/index.md"]
    wide = re.sub(r'<span class="card-label">[^<]*</span>', "", area)  # no narrow-screen names
    recipient = (
        "| Fenwick District Council for [Safer Fenwick Partnership](../fenwick\\-csp/index.md) "
    )
    assert recipient + "| **£100.00** | — | £90.00 | 100.0000% | £100.00 | — |" in wide
    assert recipient + "| 100 | 10 |" in wide
    assert "Recorded crime (a proxy for harm)" in area
    assert "The formula was applied only in part" in area
    assert "paid £90.00 instead of £100.00. Transition year." in area
    assert "The formula is due to be reviewed by September 2025." in area
    csp = rendered["fenwick-csp/funding.md"]
    assert "Part of £90.00 paid to Fenwick District Council for Safer Fenwick Partnership" in csp


# --- cuts across years -----------------------------------------------------------------------

CUT = """cuts:
  - stream: council-base
    announced: 2024-12
    applies_to: [2025-26]
    reduction: 3000
    reason: Budget savings.
    interventions:
      - id: patrols
        title: Evening patrols
        effect: re-profiled
        to_year: 2026-27
        amount_before: 2000
        amount_after: 0
      - id: wardens
        title: Wardens
        effect: transferred
        to: fenwick-council
        amount_before: 1000
        amount_after: 0
"""


def test_a_cut_announced_in_one_year_is_shown_on_the_year_it_reduces(tree: Tree) -> None:
    tree.write(FEN + "funding.yml", tree.read(FEN + "funding.yml") + CUT)
    assert tree.problems() == []
    announced = pages(tree, "2024-25")["fenwick-csp/funding.md"]
    assert (
        "- Council base budget: a cut of £3,000 announced in December 2024, reducing 2025/26."
        in announced
    )
    reduced = pages(tree, "2025-26")["fenwick-csp/funding.md"]
    assert "### Council base budget cut by £3,000" in reduced
    assert "| Evening patrols | Re-profiled to 2026/27 | £2,000 | £0 | — |" in reduced
    assert "| Wardens | Transferred to Fenwick District Council | £1,000 | £0 | — |" in reduced


def test_a_cut_announced_before_a_year_began_is_not_news_in_that_year(tree: Tree) -> None:
    """Announced in March 2024, before 2024/25 began on 1 April: 2024/25's page does not list
    it as announced that year (it reduces 2025/26, where it is recorded)."""
    early = CUT.replace("    announced: 2024-12\n", "    announced: 2024-03\n")
    tree.write(FEN_NEXT + "funding.yml", tree.read(FEN_NEXT + "funding.yml") + early)
    assert tree.problems() == []
    assert "a cut of £3,000 announced" not in pages(tree, "2024-25")["fenwick-csp/funding.md"]
    assert (
        "### Council base budget cut by £3,000" in pages(tree, "2025-26")["fenwick-csp/funding.md"]
    )


CUTS = {
    "recorded in a year it neither reduces nor was announced in": (
        "    announced: 2024-12\n",
        "    announced: 2025-12\n",
        [
            f"{FEN}funding.yml:14:5: error: a cut recorded in 2024-25 applies to it or was "
            "announced in it; move it to the funding.yml of a year it applies to [cuts[0]."
            "applies_to]"
        ],
    ),
    "interventions that do not add up to the cut": (
        "    reduction: 3000\n",
        "    reduction: 3500\n",
        [
            f"{FEN}funding.yml:17:5: warning: the interventions lose £3,000.00 between them, "
            "not the cut's £3,500.00; both are shown [cuts[0].interventions]"
        ],
    ),
    "a re-profiled intervention without a year": (
        "        to_year: 2026-27\n",
        "",
        [
            f"{FEN}funding.yml:18:9: error: a re-profiled intervention gives to_year, the year "
            "its money moves to [cuts[0].interventions[0]]"
        ],
    ),
    "transferred to an unknown body": (
        "        to: fenwick-council\n",
        "        to: fenwik\n",
        [
            f"{FEN}funding.yml:27:9: error: unknown organisation or partnership 'fenwik' — did you "
            "mean 'fenwick-csp'? "
            "[cuts[0].interventions[1].to]"
        ],
    ),
    "dated in none of the years it reduces": (
        "    reduction: 3000\n",
        "    date: 2024-12-15\n    reduction: 3000\n",
        [
            f"{FEN}funding.yml:15:5: error: the cut on 2024-12-15 falls in none of the years it "
            "applies to (2025-26) [cuts[0].date]"
        ],
    ),
    "a year with no plan": (
        "    applies_to: [2025-26]\n",
        "    applies_to: [2025-26, 2026-27]\n",
        [
            f"{FEN}funding.yml:14:27: warning: fenwick-csp has no 2026-27 plan year, so no "
            "page shows this cut on the year it reduces [cuts[0].applies_to[1]]"
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), list(CUTS.values()), ids=list(CUTS))
def test_cuts_across_years(tree: Tree, old: str, new: str, expected: list[str]) -> None:
    tree.write(FEN + "funding.yml", tree.read(FEN + "funding.yml") + CUT.replace(old, new))
    assert tree.problems() == expected


def test_an_existing_cut_with_a_date_and_services_stays_valid(tree: Tree) -> None:
    tree.write(
        FEN + "funding.yml",
        tree.read(FEN + "funding.yml")
        + "cuts:\n  - stream: council-base\n    date: 2024-10-01\n    reduction: 10\n"
        "    reason: Mid-year.\n    interventions:\n      - service: refuge\n"
        "        outcome: Kept.\n",
    )
    assert tree.problems() == []
    assert "On 1 October 2024 the funder reduced" in pages(tree)["fenwick-csp/funding.md"]


def test_a_cut_dated_outside_its_year_says_how_to_name_another_year(tree: Tree) -> None:
    tree.write(
        FEN + "funding.yml",
        tree.read(FEN + "funding.yml")
        + "cuts:\n  - stream: council-base\n    date: 2025-10-01\n    reduction: 10\n"
        "    reason: Mid-year.\n",
    )
    assert tree.problems() == [
        f"{FEN}funding.yml:13:5: error: the cut on 2025-10-01 is outside 2024-25; if it "
        "reduces another year, name it under applies_to [cuts[0].date]"
    ]


MODEL = {
    "a formula recipient naming nobody": (
        PCC + "funding.yml",
        "      - partnership: fenwick-csp\n",
        "      - paid_to: fenwick-council\n",
        f"{PCC}funding.yml:14:9: error: a formula recipient names its partnership, or an "
        "organisation [formulas[0].recipients[0]]",
    ),
    "an intervention that is neither a service nor a line": (
        FEN + "funding.yml",
        "      - id: patrols\n        title: Evening patrols\n",
        "      - outcome: Stopped.\n",
        f"{FEN}funding.yml:18:9: error: an intervention names its service, or gives its own "
        "id and title [cuts[0].interventions[0]]",
    ),
    "an allocation with amount_status and a formula": (
        FEN + "funding.yml",
        "    formula: fund-formula\n",
        "    formula: fund-formula\n    amount_status: not-published\n",
        f"{FEN}funding.yml:2:5: error: a formula allocation is computed from its formula; "
        "leave amount_status out [allocations[0]]",
    ),
}


@pytest.mark.parametrize(("name", "old", "new", "expected"), list(MODEL.values()), ids=list(MODEL))
def test_funding_fields_say_what_is_wrong(
    tree: Tree, name: str, old: str, new: str, expected: str
) -> None:
    tree.write(FEN + "funding.yml", tree.read(FEN + "funding.yml") + CUT)
    tree.edit(name, old, new)
    assert expected in tree.problems()


COMBINED = """  - id: base
    stream: council-base
    title: Base budget
    method: retained
    amount_status: combined
    combined_with: [extra]
    combined_total: 40000
  - id: extra
    stream: council-base
    title: Extra
    method: retained
    amount_status: combined
    combined_with: [base]
    combined_total: 40000
"""


def test_combined_lines_are_counted_once(tree: Tree) -> None:
    tree.edit(FEN + "funding.yml", BASE, COMBINED)
    assert tree.problems() == []
    page = pages(tree)["fenwick-csp/funding.md"]
    assert "| Council base budget: Extra | Retained |" in page
    assert "| **Total** | | | | | **£40,100** | |" in page
    assert "Lines published only together are counted once in the total" in page


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    combined_with: [base]\n    combined_total: 40000\n",
            "    combined_with: [base]\n    combined_total: 40001\n",
            [
                f"{FEN}funding.yml:13:5: error: combined with 'extra', whose combined_total is "
                "£40,001.00, not £40,000.00; lines published together give the same total "
                "[allocations[1].combined_total]",
                f"{FEN}funding.yml:20:5: error: combined with 'base', whose combined_total is "
                "£40,000.00, not £40,001.00; lines published together give the same total "
                "[allocations[2].combined_total]",
            ],
        ),
        (
            "    combined_with: [extra]\n",
            "    combined_with: [extr]\n",
            [
                f"{FEN}funding.yml:12:21: error: unknown allocation 'extr' — did you mean "
                "'extra'? [allocations[1].combined_with[0]]",
                # the two lines no longer name one group, so each total counts
                f"{FEN}funding.yml:20:5: warning: allocations from 'council-base' in 2024-25 "
                "total £80,000.00, more than its pot of £50,000.00 by £30,000.00; both are "
                "shown (if it is deliberate, declare over_programming_percent) "
                "[allocations[2].combined_total]",
            ],
        ),
    ],
    ids=["different totals", "an unknown line"],
)
def test_combined_lines_agree(tree: Tree, old: str, new: str, expected: list[str]) -> None:
    tree.edit(FEN + "funding.yml", BASE, COMBINED.replace(old, new))
    assert tree.problems() == expected


def test_a_stream_ends_by_a_year_only_when_its_latest_last_day_is_in_or_before_it() -> None:
    from generator.compute.money import ends_by
    from generator.model.reference import FundingStream

    def stream(ends: str | None) -> FundingStream:
        data = {"id": "s", "name": "S", "funder": "f"}
        return FundingStream.model_validate(data if ends is None else {**data, "ends": ends})

    assert ends_by(stream("2028-03-31"), "2027-28")
    assert ends_by(stream("2026-03"), "2027-28")
    assert not ends_by(stream("2028-04-01"), "2027-28")
    assert not ends_by(stream("2028"), "2027-28")  # any day of 2028: maybe after March
    assert not ends_by(stream(None), "2027-28")
