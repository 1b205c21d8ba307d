"""The figures `plan_year_facts` works out for the pages, checked against figures worked out by
hand here (never by the code under test): a cumulative target's pro-rata share by quarter, a
target relative to a comparator, a formula share with its adjustment, and the year's value a
later year's trend shows (the latest figure reported, not the first)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from generator.compute.facts import PlanYearFacts, plan_year_facts
from generator.compute.indicators import suppressed_rag
from generator.compute.rag import Rag, RagResult
from generator.pipeline import check_project

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
FEN_NEXT = "plans/fenwick-csp/2025-26/"
PCC_NEXT = "plans/ashdown-pcc/2025-26/"
TARGET = "    target:\n      value: 120\n"
Q1 = "      - quarter: Q1\n        value: 30\n"


def _facts(tree: Tree, year: str = "2025-26", partnership: str = "fenwick-csp") -> PlanYearFacts:
    project, problems = check_project(tree.root)
    assert project is not None, problems
    (py,) = (p for p in project.plan_years() if p.partnership == partnership and p.year == year)
    return plan_year_facts(project, py)


def _statuses(tree: Tree) -> list[tuple[str, RagResult]]:
    (indicator,) = _facts(tree).indicators
    return [(q.actual.quarter, q.rag) for q in indicator.quarters]


# --- a cumulative target: year-to-date figures meet a pro-rata share -------------------------


def test_each_quarter_of_a_cumulative_target_meets_its_share_of_the_year(tree: Tree) -> None:
    # 120 a year: Q1 is judged against 30, Q2 against 60, Q3 against 90, Q4 against 120.
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, TARGET + "      cumulative: true\n")
    tree.edit(
        FEN_NEXT + "indicators.yml",
        Q1,
        Q1 + "      - quarter: Q2\n        value: 60\n"
        "      - quarter: Q3\n        value: 90\n      - quarter: Q4\n        value: 120\n",
    )
    assert tree.problems() == []
    assert _statuses(tree) == [
        ("Q1", RagResult(Rag.GREEN, "30 against a target of 30 (higher is better): target met"
                         " (1/4 of the year's target)")),
        ("Q2", RagResult(Rag.GREEN, "60 against a target of 60 (higher is better): target met"
                         " (2/4 of the year's target)")),
        ("Q3", RagResult(Rag.GREEN, "90 against a target of 90 (higher is better): target met"
                         " (3/4 of the year's target)")),
        ("Q4", RagResult(Rag.GREEN, "120 against a target of 120 (higher is better): target met")),
    ]  # fmt: skip


def test_a_year_to_date_figure_just_short_of_its_share_misses_it(tree: Tree) -> None:
    # Q2's share of 120 is 60; 59 misses it by 1/60 = 1.67%, within the 5% tolerance. Q3's share
    # is 90; 80 misses it by 10/90 = 11.11%, beyond it (against a third of 120 it would be met).
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, TARGET + "      cumulative: true\n")
    tree.edit(
        FEN_NEXT + "indicators.yml",
        Q1,
        Q1 + "      - quarter: Q2\n        value: 59\n      - quarter: Q3\n        value: 80\n",
    )
    assert _statuses(tree)[1:] == [
        ("Q2", RagResult(Rag.AMBER, "59 against a target of 60 (higher is better): missed by "
                         "1.7%, within the 5% tolerance (2/4 of the year's target)")),
        ("Q3", RagResult(Rag.RED, "80 against a target of 90 (higher is better): missed by "
                         "11.1%, beyond the 5% tolerance (3/4 of the year's target)")),
    ]  # fmt: skip


def test_a_target_that_is_not_cumulative_is_the_whole_year_in_every_quarter(tree: Tree) -> None:
    # 60 against the year's 120 misses by half.
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 60\n")
    assert _statuses(tree)[1] == (
        "Q2",
        RagResult(
            Rag.RED,
            "60 against a target of 120 (higher is better): missed by 50.0%, beyond the 5% "
            "tolerance",
        ),
    )


def test_a_quarter_figure_under_a_cumulative_target_is_not_pro_rata(tree: Tree) -> None:
    # basis: quarter says the figure is the quarter's own, so no share of the year applies.
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, TARGET + "      cumulative: true\n")
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "        basis: quarter\n")
    assert _statuses(tree) == [
        (
            "Q1",
            RagResult(
                Rag.RED,
                "30 against a target of 120 (higher is better): missed by 75.0%, beyond the 5% "
                "tolerance",
            ),
        )
    ]


# --- a target relative to a comparator -------------------------------------------------------

COMPARATOR = "    target:\n      comparator: below the most similar group average\n"


def test_a_comparator_target_is_judged_against_the_comparator_value(tree: Tree) -> None:
    # Lower is better: 30 against the group's 32 is met; 33 against 32 misses by 1/32 = 3.125%.
    tree.edit(FEN_NEXT + "indicators.yml", "higher-is-better", "lower-is-better")
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, COMPARATOR)
    tree.edit(
        FEN_NEXT + "indicators.yml",
        Q1,
        Q1 + "        comparator_value: 32\n"
        "      - quarter: Q2\n        value: 33\n        comparator_value: 32\n"
        "      - quarter: Q3\n        value: 20\n",
    )
    assert tree.problems() == []
    assert _statuses(tree) == [
        ("Q1", RagResult(Rag.GREEN, "30 against a target of 32 (lower is better): target met")),
        ("Q2", RagResult(Rag.AMBER, "33 against a target of 32 (lower is better): missed by "
                         "3.1%, within the 5% tolerance")),
        ("Q3", RagResult(Rag.GREY, "target is 'below the most similar group average' but no "
                         "comparator value")),
    ]  # fmt: skip


def test_an_outturn_against_a_comparator_uses_its_own_comparator_value(tree: Tree) -> None:
    # The 2024-25 outturn of 125 (higher is better) against the group's 150 misses by 1/6.
    tree.edit(FEN + "indicators.yml", TARGET, COMPARATOR)
    tree.edit(FEN + "review.yml", "    value: 125\n", "    value: 125\n    comparator_value: 150\n")
    (indicator,) = _facts(tree, "2024-25").indicators
    assert indicator.status == RagResult(
        Rag.RED,
        "125 against a target of 150 (higher is better): missed by 16.7%, beyond the 5% tolerance",
    )


# --- a formula share with its adjustment ----------------------------------------------------

RECIPIENTS = "      - partnership: fenwick-csp\n        inputs: {population: 100, crime: 10}\n"


def test_a_recipient_receives_its_formula_share_with_its_adjustment(tree: Tree) -> None:
    # Fenwick has 100 of 400 people and 10 of 40 crimes: a quarter of the £100.00 pot, £25.00;
    # the commissioner adds £2.50, so Fenwick receives £27.50, and with its own £40,000 base
    # budget the year's allocations total £40,027.50.
    tree.edit(
        PCC_NEXT + "funding.yml",
        RECIPIENTS,
        RECIPIENTS + "        adjustment: {amount: 2.50, reason: Transition protection.}\n"
        "      - partnership: ashdown-pcc\n        inputs: {population: 300, crime: 30}\n",
    )
    facts = _facts(tree)
    from_pcc = next(a for a in facts.allocations if a.allocation.id == "from-pcc")
    assert (from_pcc.formula_amount, from_pcc.adjustment, from_pcc.amount) == (
        Decimal("25.00"),
        Decimal("2.50"),
        Decimal("27.50"),
    )
    assert from_pcc.adjustment_reason == "Transition protection."
    assert facts.allocated_total == Decimal("40027.50")
    (formula,) = _facts(tree, partnership="ashdown-pcc").formulas
    assert [(r.key, r.formula_amount, r.amount) for r in formula.rows] == [
        ("fenwick-csp", Decimal("25.00"), Decimal("27.50")),
        ("ashdown-pcc", Decimal("75.00"), Decimal("75.00")),
    ]
    assert (formula.formula_total, formula.total) == (Decimal("100.00"), Decimal("102.50"))


def test_a_negative_adjustment_reduces_the_amount_received(tree: Tree) -> None:
    tree.edit(
        PCC_NEXT + "funding.yml",
        RECIPIENTS,
        RECIPIENTS + "        adjustment: {amount: -0.01, reason: Rounding returned.}\n",
    )
    from_pcc = next(a for a in _facts(tree).allocations if a.allocation.id == "from-pcc")
    assert from_pcc.amount == Decimal("99.99")


# --- the year's value in a later year's trend -----------------------------------------------


def test_a_year_without_an_outturn_shows_its_latest_reported_figure(tree: Tree) -> None:
    # 2024-25 reported 30, 55 and 80 and then nothing: its value in 2025-26's trend is 80.
    tree.edit(FEN + "review.yml", "outturns:\n  - indicator: da-reports\n    value: 125\n", "")
    tree.edit(
        FEN + "indicators.yml",
        Q1,
        Q1 + "      - quarter: Q2\n        value: 55\n      - quarter: Q3\n        value: 80\n"
        "      - quarter: Q4\n        status: not-yet-available\n",
    )
    (indicator,) = _facts(tree).indicators
    points = [(p.label, p.value, p.left_out) for p in indicator.series]
    assert points == [("2024/25", Decimal(80), None), ("2025/26 Q1", Decimal(30), None)]


def test_a_year_with_an_outturn_shows_the_outturn(tree: Tree) -> None:
    tree.edit(FEN + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 55\n")
    (indicator,) = _facts(tree).indicators
    # 2024-25 reported 30 and 55, and its review gives the outturn, 125: the year's value.
    points = [(p.label, p.value) for p in indicator.series]
    assert points == [("2024/25", Decimal(125)), ("2025/26 Q1", Decimal(30))]


def test_a_year_known_only_to_its_third_quarter_is_not_plotted_as_the_year(tree: Tree) -> None:
    tree.edit(FEN + "review.yml", "outturns:\n  - indicator: da-reports\n    value: 125\n", "")
    tree.edit(FEN + "indicators.yml", TARGET, TARGET + "      cumulative: true\n")
    tree.edit(
        FEN + "indicators.yml",
        Q1,
        Q1 + "      - quarter: Q2\n        value: 55\n      - quarter: Q3\n        value: 80\n",
    )
    (indicator,) = _facts(tree).indicators
    assert (indicator.series[0].label, indicator.series[0].value, indicator.series[0].left_out) == (
        "2024/25",
        Decimal(80),
        "known only for the year to Q3, not the whole year",
    )


def test_the_latest_quarter_gives_the_status_until_the_review(tree: Tree) -> None:
    # Q1 30 of 120 is red; Q2 118 misses 120 by 2/120 = 1.67%: amber, the status shown.
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 118\n")
    (indicator,) = _facts(tree).indicators
    assert indicator.status == RagResult(
        Rag.AMBER,
        "118 against a target of 120 (higher is better): missed by 1.7%, within the 5% tolerance",
    )


# --- a priority with nothing to judge it by -------------------------------------------------

QUIET = (
    "  - id: quiet-streets\n    title: Quiet streets\n    rationale: Residents asked for it.\n"
    "    leads: [fenwick-council]\n"
)


def _quiet_reason(tree: Tree, absent: list[str]) -> RagResult:
    plan = FEN_NEXT + "plan.yml"
    tree.edit(plan, "    public: true\npriorities:\n", "    public: true\npriorities:\n" + QUIET)
    if absent:
        parts = ", ".join(absent)
        absence = f"not_published:\n  parts: [{parts}]\n  reason: Not in the document.\n"
        tree.edit(plan, "priorities:\n", absence + "priorities:\n")
    (quiet,) = (p for p in _facts(tree).priorities if p.priority.id == "quiet-streets")
    return quiet.rag


def test_a_priority_with_nothing_yet_says_so(tree: Tree) -> None:
    assert _quiet_reason(tree, []) == RagResult(Rag.GREY, "no indicators or actions yet")


def test_a_priority_whose_plan_published_neither_says_so(tree: Tree) -> None:
    reason = _quiet_reason(tree, ["indicators", "actions"])
    assert reason == RagResult(Rag.GREY, "no indicators or actions published")


def test_a_priority_whose_plan_published_no_indicators_says_so(tree: Tree) -> None:
    reason = _quiet_reason(tree, ["indicators"])
    assert reason == RagResult(Rag.GREY, "no indicators published, and no actions yet")


def test_a_priority_whose_plan_published_no_actions_says_so(tree: Tree) -> None:
    reason = _quiet_reason(tree, ["actions"])
    assert reason == RagResult(Rag.GREY, "no actions published, and no indicators yet")


def test_a_priority_is_measured_too_by_the_indicators_its_objectives_name(tree: Tree) -> None:
    """da-reports belongs to domestic abuse; an objective of quiet streets names it as well,
    so quiet streets is judged by it (Q1's 30 against the year's 120: red)."""
    objective = (
        "    objectives:\n      - id: calm\n        title: Calmer streets\n"
        "        pursued_by: [ashdown-police]\n        indicators: [da-reports]\n"
    )
    tree.edit(
        FEN_NEXT + "plan.yml",
        "    public: true\npriorities:\n",
        "    public: true\npriorities:\n" + QUIET + objective,
    )
    assert [p for p in tree.problems() if ": error:" in p] == []  # warnings: no findings
    quiet, abuse = _facts(tree).priorities
    assert [i.indicator.id for i in quiet.indicators] == ["da-reports"]
    assert quiet.rag == RagResult(Rag.RED, "worst of 1 indicator and 0 actions: 1 red")
    assert [i.indicator.id for i in abuse.indicators] == ["da-reports"]  # once, not twice


def test_a_years_trend_looks_back_never_forward(tree: Tree) -> None:
    """2024-25's pages show its own year alone; 2025-26's show both years."""
    (earlier,) = _facts(tree, "2024-25").indicators
    (later,) = _facts(tree).indicators
    assert [point.year for point in earlier.trend] == ["2024-25"]
    assert [point.year for point in later.trend] == ["2024-25", "2025-26"]


# --- an action's funding lines count in their own year ---------------------------------------


def test_an_actions_funding_counts_in_the_year_it_names_or_the_plans_own(tree: Tree) -> None:
    before = dict(_facts(tree).spend_by_stream).get("council-base", Decimal(0))
    lines = (
        "    funding:\n"
        "      - stream: council-base\n        amount: 500\n        year: 2025-26\n"
        "      - stream: council-base\n        amount: 300\n"
        "      - stream: council-base\n        amount: 700\n        year: 2026-27\n"
    )
    tree.edit(
        FEN_NEXT + "actions.yml", "    services: [refuge]\n", "    services: [refuge]\n" + lines
    )
    after = dict(_facts(tree).spend_by_stream)["council-base"]
    assert after - before == Decimal(800)  # 500 named 2025-26, 300 the plan's year; not 700


# --- the commissioning-cycle stage, and what the year left unspent ---------------------------

FEN_PLAN = "plans/fenwick-csp/2025-26/plan.yml"
APPROVED = "status: approved\n"


@pytest.mark.parametrize(
    ("year", "edits", "removed", "stage"),
    [
        # declared: taken as it is, even beside a review
        (
            "2024-25",
            [(APPROVED.replace("approved", "published"), "status: published\nstage: do\n")],
            None,
            ("do", "Do: procurement and delivery"),
        ),
        # a review makes it the review stage
        ("2024-25", [], None, ("review", "Review: monitoring and annual review")),
        # approved, no review: delivery
        ("2025-26", [], None, ("do", "Do: procurement and delivery")),
        # a draft or a plan out to consultation with its needs assessment: planning
        (
            "2025-26",
            [(APPROVED, "status: draft\n")],
            None,
            ("plan", "Plan: commissioning decisions"),
        ),
        (
            "2025-26",
            [(APPROVED, "status: consultation\n")],
            None,
            ("plan", "Plan: commissioning decisions"),
        ),
        # ... and without one: still analysing
        (
            "2025-26",
            [(APPROVED, "status: draft\n")],
            "assessment.yml",
            ("analyse", "Analyse: strategic needs assessment"),
        ),
    ],
    ids=["declared", "reviewed", "approved", "draft", "consultation", "draft, no assessment"],
)
def test_the_stage_is_as_declared_else_worked_out_from_status_review_and_assessment(
    tree: Tree,
    year: str,
    edits: list[tuple[str, str]],
    removed: str | None,
    stage: tuple[str, str],
) -> None:
    folder = f"plans/fenwick-csp/{year}/"
    for old, new in edits:
        tree.edit(folder + "plan.yml", old, new)
    if removed:
        tree.remove(folder + removed)
    facts = _facts(tree, year)
    assert (facts.stage, facts.stage_label) == stage


def test_the_underspend_is_what_was_allocated_less_what_was_spent(tree: Tree) -> None:
    # 2024/25: 40,000 retained plus the PCC formula's whole pot of 100 (the only recipient),
    # against 39,000 spent.
    facts = _facts(tree, "2024-25")
    assert (facts.allocated_total, facts.spent_total) == (Decimal("40100"), Decimal("39000"))
    assert facts.underspend == Decimal("1100")
    # no spend reported: nothing to work out
    assert _facts(tree, "2025-26").underspend is None


def test_the_newest_figures_are_named_by_their_period_and_dated_by_its_end(tree: Tree) -> None:
    # 2025/26 has reported Q1 (to 30 June 2025); 2024/25's review gave the outturn (to 31 March).
    newest = _facts(tree, "2025-26")
    assert (newest.indicators_newest, str(newest.indicators_as_at)) == ("Q1", "2025-06-30")
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 60\n")
    newest = _facts(tree, "2025-26")
    assert (newest.indicators_newest, str(newest.indicators_as_at)) == ("Q2", "2025-09-30")
    for quarter, end in (("Q3", "2025-12-31"), ("Q4", "2026-03-31")):
        tree.edit(
            FEN_NEXT + "indicators.yml",
            "        value: 60\n",
            f"        value: 60\n      - quarter: {quarter}\n        value: 70\n",
        )
        newest = _facts(tree, "2025-26")
        assert (newest.indicators_newest, str(newest.indicators_as_at)) == (quarter, end)
    # a figure that says how far its data runs is taken at its word
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      - quarter: Q4\n",
        "      - quarter: Q4\n        as_at: 2026-02-28\n",
    )
    assert str(_facts(tree, "2025-26").indicators_as_at) == "2026-02-28"
    reviewed = _facts(tree, "2024-25")
    assert (reviewed.indicators_newest, str(reviewed.indicators_as_at)) == ("outturn", "2025-03-31")
    # a year with no indicators has no newest figure
    pcc = _facts(tree, "2025-26", "ashdown-pcc")
    assert (pcc.indicators_newest, pcc.indicators_as_at) == (None, None)


def test_a_priority_is_served_by_the_services_naming_it_and_covers_their_pathways(
    tree: Tree,
) -> None:
    tree.edit(FEN_NEXT + "services.yml", "[accommodation]", "[accommodation, health]")
    (priority,) = _facts(tree).priorities
    assert [s.id for s in priority.services] == ["refuge"]
    assert priority.pathways == ("accommodation", "health")
    gaps = (
        "education-training-employment",
        "drugs-alcohol",
        "finance-benefit-debt",
        "children-families",
        "attitudes-thinking-behaviour",
    )
    assert priority.pathway_gaps == gaps
    (service,) = _facts(tree).services
    assert service.pathway_gaps == gaps


def test_a_priority_is_as_bad_as_its_worst_measure_and_counts_each_status(tree: Tree) -> None:
    # Q1's 30 against the year's 120 is red; the existing action has not started (grey).
    for n, status in enumerate(("on-track", "at-risk")):
        tree.edit(
            FEN_NEXT + "actions.yml",
            "actions:\n",
            f"actions:\n  - id: extra-{n}\n    priority: domestic-abuse\n"
            f"    title: Extra {n}\n    lead: fenwick-council\n    due: 2026-03-31\n"
            f"    status: {status}\n",
        )
    assert tree.problems() == []
    (priority,) = _facts(tree).priorities
    assert priority.rag == RagResult(
        Rag.RED, "worst of 1 indicator and 3 actions: 1 green, 1 amber, 1 red, 1 grey"
    )


def test_spend_is_summed_by_delivery_model_and_by_stream(tree: Tree) -> None:
    # the refuge (a contract) is paid 40,000 from the council's base and 60 of the PCC's fund
    tree.edit(
        FEN_NEXT + "services.yml",
        "        amount: 40000\n",
        "        amount: 40000\n      - stream: pcc-fund\n        amount: 60\n",
    )
    facts = _facts(tree)
    assert facts.spend_by_model == (("contract", Decimal("40060")),)
    assert facts.spend_by_stream == (
        ("council-base", Decimal("40000")),
        ("pcc-fund", Decimal("60")),
    )
    assert facts.spend_by_priority == (("domestic-abuse", Decimal("40060")),)


def test_a_pots_published_total_is_set_beside_the_allocations_recorded_from_it(
    tree: Tree,
) -> None:
    streams = "data/funding-streams.yml"
    assert _facts(tree, "2024-25").pot_totals == ()
    tree.edit(
        streams,
        "      - year: 2024-25\n        amount: 50000\n",
        "      - year: 2024-25\n        amount: 50000\n        published_total: 40000\n",
    )
    # 2024/25's only allocation from the council's base budget is Fenwick's 40,000
    assert _facts(tree, "2024-25").pot_totals == (("council-base", Decimal("40000")),)
    assert _facts(tree, "2025-26").pot_totals == ()


def test_a_funders_year_lists_the_formulas_it_owns(tree: Tree) -> None:
    pcc = _facts(tree, "2025-26", "ashdown-pcc")
    assert len(pcc.formulas) == 1 and [f.formula.id for f in pcc.formulas] == ["fund-formula"]
    assert len(_facts(tree).formulas) == 0


def test_a_year_without_cuts_has_none_applying_and_none_announced(tree: Tree) -> None:
    facts = _facts(tree)
    assert (facts.cuts, facts.cuts_announced) == ((), ())


RISKS = """risks:
  - id: refuge-ends
    service: refuge
    reason: funding-ends
    description: Refuge places would close.
    harm: {likelihood: 4, impact: 5}
    vulnerability: {likelihood: 3, impact: 4}
    crime: {likelihood: 2, impact: 3}
    reputation: {likelihood: 5, impact: 1}
    owner: fenwick-council
  - id: outreach-ends
    service: refuge
    reason: funding-ends
    description: Outreach would stop.
    harm: {likelihood: 2, impact: 2}
    owner: fenwick-council
"""


def test_rated_risks_are_ranked_and_a_risk_not_rated_in_full_is_listed_after(
    tree: Tree,
) -> None:
    # refuge-ends scores 20, 12, 6 and 5: its overall score is the worst, 20
    tree.write(FEN_NEXT + "risks.yml", RISKS)
    assert [p for p in tree.problems() if ": error:" in p] == []
    rated, unrated = _facts(tree).risks
    assert rated.assessment is not None
    assert (rated.risk.id, rated.rank, rated.assessment.overall) == ("refuge-ends", 1, 20)
    assert (unrated.risk.id, unrated.rank, unrated.assessment) == ("outreach-ends", None, None)
    assert unrated.service_name == "Refuge service"


def test_a_year_with_no_figure_yet_is_in_the_trend_with_none(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", "    actuals:\n" + Q1, "")
    (indicator,) = _facts(tree).indicators
    latest = indicator.trend[-1]
    assert (latest.label, latest.value, latest.unit, latest.left_out, latest.status) == (
        "2025/26",
        None,
        "count",
        None,
        "reported",
    )


ASB = """indicators:
  - id: asb-calls
    title: Calls about antisocial behaviour
    priority: domestic-abuse
    unit: count
    polarity: lower-is-better
    target:
      value: 50
    actuals:
      - quarter: QUARTER
        value: 10
"""


def test_the_newest_period_is_the_newest_of_any_indicator_an_outturn_above_all(
    tree: Tree,
) -> None:
    # listed first, asb-calls has reported only Q1; da-reports has reached Q2
    tree.edit(FEN_NEXT + "indicators.yml", "indicators:\n", ASB.replace("QUARTER", "Q1"))
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 60\n")
    assert _facts(tree).indicators_newest == "Q2"
    # 2024/25 was reviewed: da-reports has its outturn, asb-calls only a Q3
    tree.edit(FEN + "indicators.yml", "indicators:\n", ASB.replace("QUARTER", "Q3"))
    assert _facts(tree, "2024-25").indicators_newest == "outturn"


# --- a count published as "fewer than N", and what a quarter's figure covers ------------------


def test_a_suppressed_count_gets_the_one_status_every_count_below_the_threshold_would() -> None:
    # counts 1 to 4 against a target of 100, lower is better: every one meets it
    assert suppressed_rag(Decimal(100), "lower-is-better", Decimal(5), 5) == RagResult(
        Rag.GREEN,
        "fewer than 5 against a target of 100 (lower is better): target met whatever the count",
    )
    # against 0.9 with a 400% tolerance, 1 misses by 11% and 4 by 344%: all within it
    assert suppressed_rag(Decimal("0.9"), "lower-is-better", Decimal(400), 5) == RagResult(
        Rag.AMBER,
        "fewer than 5 against a target of 0.9 (lower is better): missed, within the tolerance"
        " whatever the count",
    )
    # against 2, higher is better: a count of 1 would miss by half, 2 to 4 meet it
    assert suppressed_rag(Decimal(2), "higher-is-better", Decimal(5), 5) == RagResult(
        Rag.GREY,
        "fewer than 5 against a target of 2 (higher is better): no status, as it would narrow"
        " down a count too small to publish",
    )
    assert suppressed_rag(None, "lower-is-better", Decimal(5), 5) == RagResult(
        Rag.GREY, "no target set"
    )


@pytest.mark.parametrize(
    ("basis", "label"),
    [
        ("quarter", "2025/26 Q1"),
        ("month", "2025/26 Q1 (month)"),
        ("year", "2025/26 Q1 (year)"),
        ("rolling-12-months", "2025/26 Q1 (rolling 12 months)"),
    ],
)
def test_a_quarters_figure_is_labelled_with_what_it_covers(
    tree: Tree, basis: str, label: str
) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + f"        basis: {basis}\n")
    (indicator,) = _facts(tree).indicators
    assert indicator.series[-1].label == label


@pytest.mark.parametrize(
    ("as_at", "before"), [("2025-03-31", True), ("2025-04-01", False), ("2025-06-30", False)]
)
def test_a_figure_whose_data_ends_before_the_plan_year_is_marked_so(
    tree: Tree, as_at: str, before: bool
) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + f"        as_at: {as_at}\n")
    (indicator,) = _facts(tree).indicators
    assert indicator.quarters[0].before_year is before


def test_an_indicator_without_a_target_or_a_figure_says_which(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", "    actuals:\n" + Q1, "")
    (indicator,) = _facts(tree).indicators
    assert indicator.latest == RagResult(Rag.GREY, "no data reported")
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, "")
    (indicator,) = _facts(tree).indicators
    assert indicator.latest == RagResult(Rag.GREY, "no target set")


def test_a_quarter_without_a_number_says_why(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", "        value: 30\n", "        status: withheld\n")
    (indicator,) = _facts(tree).indicators
    assert indicator.latest == RagResult(
        Rag.GREY, "not shown, so that a count too small to publish cannot be worked out from it"
    )
    assert indicator.latest_figure is not None and indicator.latest_figure.which == "Q1"
    tree.edit(FEN_NEXT + "indicators.yml", "withheld", "not-yet-available")
    (indicator,) = _facts(tree).indicators
    assert indicator.latest == RagResult(Rag.GREY, "data not yet available")
    assert indicator.latest_figure is None  # nothing reported yet


def test_the_latest_figure_is_the_outturn_in_its_own_unit_or_the_indicators(tree: Tree) -> None:
    (indicator,) = _facts(tree, "2024-25").indicators
    latest = indicator.latest_figure
    assert latest is not None and (latest.which, latest.unit) == ("outturn", "count")
    assert latest.figure.value == Decimal(125)
    # an outturn kept from the public is still the latest figure (shown as kept back)
    tree.edit(FEN + "review.yml", "    value: 125\n", "    status: withheld\n")
    (indicator,) = _facts(tree, "2024-25").indicators
    assert indicator.latest_figure is not None and indicator.latest_figure.which == "outturn"


def test_a_target_with_a_value_and_a_comparator_is_judged_against_the_value(tree: Tree) -> None:
    # the comparator only describes it: 30 against the year's 120 (not the group's 25) is red
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, TARGET + "      comparator: the group average\n")
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "        comparator_value: 25\n")
    assert [p for p in tree.problems() if ": error:" in p] == []
    assert _statuses(tree) == [
        ("Q1", RagResult(Rag.RED, "30 against a target of 120 (higher is better): missed by "
                         "75.0%, beyond the 5% tolerance")),
    ]  # fmt: skip


def test_a_year_to_date_figure_stands_for_the_whole_year_only_at_q4(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, TARGET + "      cumulative: true\n")
    quarters = "".join(f"      - quarter: Q{n}\n        value: {30 * n}\n" for n in (2, 3))
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + quarters)
    (indicator,) = _facts(tree).indicators
    assert indicator.trend[-1].left_out == "known only for the year to Q3, not the whole year"
    # beside 2024/25's whole-year outturn, each part-year figure is kept off the line
    assert [p.left_out for p in indicator.series[-3:]] == [
        f"year to date to Q{n}, not comparable with whole-year values" for n in (1, 2, 3)
    ]
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q4\n        value: 120\n")
    (indicator,) = _facts(tree).indicators
    assert (indicator.trend[-1].value, indicator.trend[-1].left_out) == (Decimal(120), None)
    assert indicator.series[-1].label == "2025/26 Q4 (year to date)"
    assert indicator.series[-1].left_out is None


def test_a_baseline_in_another_unit_is_listed_but_kept_off_the_line(tree: Tree) -> None:
    baseline = "    baseline:\n      value: 12.5\n      period: 2023/24\n      unit: percent\n"
    tree.edit(FEN_NEXT + "indicators.yml", TARGET, baseline + TARGET)
    (indicator,) = _facts(tree).indicators
    (point,) = (p for p in indicator.series if p.label.startswith("Baseline"))
    assert (point.label, point.value, point.unit) == (
        "Baseline (2023/24)",
        Decimal("12.5"),
        "percent",
    )
    assert point.left_out == "a percentage, not a count"
    assert indicator.series.index(point) == 0  # 2023/24 comes before 2024/25


def test_an_outturn_published_as_fewer_than_n_is_judged_as_every_such_count_would_be(
    tree: Tree,
) -> None:
    # below the threshold of 5, any count from 1 to 4 misses the year's 120 by far
    tree.edit(FEN + "review.yml", "    value: 125\n", "    status: suppressed\n    printed: <5\n")
    assert [p for p in tree.problems() if ": error:" in p] == []
    (indicator,) = _facts(tree, "2024-25").indicators
    assert indicator.outturn_rag == RagResult(
        Rag.RED,
        "fewer than 5 against a target of 120 (higher is better): missed, beyond the tolerance"
        " whatever the count",
    )


def test_the_data_runs_to_the_latest_date_any_figure_may_reach_then_the_surest(
    tree: Tree,
) -> None:
    """A month (2025-09) may run to its last day, as Q2 (to 30 September 2025) does: then the
    quarter's end or the day, which surely do, are the newer; a whole year (2025) may run
    further than 30 June 2025, so it is."""
    asb = ASB.replace("QUARTER", "Q2").replace("value: 10\n", "value: 10\n        as_at: 2025-09\n")
    tree.edit(FEN_NEXT + "indicators.yml", "indicators:\n", asb)
    tree.edit(FEN_NEXT + "indicators.yml", Q1, Q1 + "      - quarter: Q2\n        value: 60\n")
    assert str(_facts(tree).indicators_as_at) == "2025-09-30"
    # the same with the day given as the figure's own as_at
    tree.edit(FEN_NEXT + "indicators.yml", "value: 60\n", "value: 60\n        as_at: 2025-09-30\n")
    assert str(_facts(tree).indicators_as_at) == "2025-09-30"
    tree.edit(FEN_NEXT + "indicators.yml", "as_at: 2025-09\n", "as_at: 2025\n")
    tree.edit(FEN_NEXT + "indicators.yml", "as_at: 2025-09-30\n", "as_at: 2025-06-30\n")
    assert str(_facts(tree).indicators_as_at) == "2025"


def test_a_formulas_published_total_differs_by_what_was_printed_less_the_rows(
    tree: Tree,
) -> None:
    # the whole pot of 100.00 goes to Fenwick, its only recipient: a share of 100%
    tree.edit(
        PCC_NEXT + "funding.yml",
        "    pot: 100.00\n",
        "    pot: 100.00\n    published_total: 99.50\n",
    )
    (formula,) = _facts(tree, "2025-26", "ashdown-pcc").formulas
    assert (formula.total, formula.published_difference) == (Decimal("100.00"), Decimal("-0.50"))
    (row,) = formula.rows
    assert (row.key, row.share_percent) == ("fenwick-csp", Decimal(100))
