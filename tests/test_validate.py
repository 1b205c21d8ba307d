"""Every validation rule, proved on a broken copy of tests/fixtures/minimal.

Each test breaks the valid fixture in one place and compares the exact problems `check_project`
reports (`file:line:col: severity: message [field]`): messages are part of the interface.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
FEN_NEXT = "plans/fenwick-csp/2025-26/"
PCC = "plans/ashdown-pcc/2024-25/"
ORGS = "data/organisations.yml"
STREAMS = "data/funding-streams.yml"
SETTINGS = "data/settings.yml"

Edit = tuple[str, str, str]

ALLOWED = (
    "allowed: plan.yml, assessment.yml, actions.yml, indicators.yml, services.yml, "
    "funding.yml, risks.yml, review.yml, changes.yml, published.yml"
)
PATHWAYS = (
    "accommodation, education-training-employment, health, drugs-alcohol, "
    "finance-benefit-debt, children-families, attitudes-thinking-behaviour"
)
APPROVAL_2024 = """approval:
  body: Safer Fenwick Partnership board
  date: 2024-04-15
"""
SERVICE_FUNDING = """    funding:
      - stream: council-base
        amount: 40000
"""
SELECTION = """selection:
  name: Threat, harm and risk
  criteria:
    - id: threat
      title: Threat
    - id: harm
      title: Harm
priorities:"""


def apply(tree: Tree, edits: list[Edit]) -> list[str]:
    for name, old, new in edits:
        tree.edit(name, old, new)
    return tree.problems()


def test_the_minimal_fixture_is_valid(tree: Tree) -> None:
    assert tree.problems() == []


# --- ids are unique -------------------------------------------------------------------------

DUPLICATE_IDS = {
    "priority": (
        [
            (
                FEN + "plan.yml",
                "priorities:\n",
                """priorities:
  - id: domestic-abuse
    title: Domestic abuse, again
    rationale: Repeated by mistake.
    findings: [da-rising]
    objectives:
      - id: repeated
        title: Repeated
        indicators: [da-reports]
""",
            )
        ],
        [
            f"{FEN}plan.yml:20:5: error: duplicate priority id 'domestic-abuse' "
            "(first at line 12) [priorities[1].id]"
        ],
    ),
    "objective across priorities": (
        [
            (
                PCC + "plan.yml",
                "        indicators: [victims]\n",
                """        indicators: [victims]
  - id: burglary
    title: Burglary
    rationale: Rising.
    findings: [street-crime]
    objectives:
      - id: fewer-victims
        title: Fewer burglary victims
        indicators: [burglaries]
""",
            ),
            (
                PCC + "indicators.yml",
                "indicators:\n",
                """indicators:
  - id: burglaries
    title: Burglaries
    priority: burglary
    unit: count
    polarity: lower-is-better
""",
            ),
            (
                PCC + "actions.yml",
                "actions:\n",
                """actions:
  - id: target-hardening
    priority: burglary
    title: Target hardening
    lead: ashdown-police
    due: 2025-03-31
""",
            ),
        ],
        [
            f"{PCC}plan.yml:25:9: error: duplicate objective id 'fewer-victims' (also under "
            "priority 'safer-streets'); objective ids are unique in a year "
            "[priorities[1].objectives[0].id]"
        ],
    ),
    "objective within a priority": (
        [
            (
                FEN + "plan.yml",
                "        indicators: [da-reports]\n",
                """        indicators: [da-reports]
      - id: more-reporting
        title: Again
        indicators: [da-reports]
""",
            )
        ],
        [
            f"{FEN}plan.yml:22:9: error: duplicate objective id 'more-reporting' (also under "
            "priority 'domestic-abuse'); objective ids are unique in a year "
            "[priorities[0].objectives[1].id]"
        ],
    ),
    "finding": (
        [
            (
                FEN + "assessment.yml",
                "    impact: 5\n",
                """    impact: 5
  - id: da-rising
    title: Again
    summary: Repeated by mistake.
    likelihood: 1
    impact: 1
""",
            )
        ],
        [
            f"{FEN}assessment.yml:15:5: error: duplicate finding id 'da-rising' "
            "(first at line 9) [findings[1].id]"
        ],
    ),
    "source": (
        [
            (
                FEN + "assessment.yml",
                "    title: Recorded crime\n",
                "    title: Recorded crime\n  - id: police-data\n    title: Again\n",
            )
        ],
        [
            f"{FEN}assessment.yml:8:5: error: duplicate source id 'police-data' "
            "(first at line 6) [sources[1].id]"
        ],
    ),
    "action": (
        [
            (
                FEN + "actions.yml",
                "actions:\n",
                """actions:
  - id: refuge-places
    priority: domestic-abuse
    title: Again
    lead: fenwick-council
    due: 2025-03-31
""",
            )
        ],
        [
            f"{FEN}actions.yml:7:5: error: duplicate action id 'refuge-places' "
            "(first at line 2) [actions[1].id]"
        ],
    ),
    "indicator": (
        [
            (
                FEN + "indicators.yml",
                "indicators:\n",
                """indicators:
  - id: da-reports
    title: Again
    priority: domestic-abuse
    unit: count
    polarity: higher-is-better
""",
            )
        ],
        [
            f"{FEN}indicators.yml:7:5: error: duplicate indicator id 'da-reports' "
            "(first at line 2) [indicators[1].id]"
        ],
    ),
    "service": (
        [
            (
                FEN + "services.yml",
                "services:\n",
                """services:
  - id: refuge
    name: Again
    priorities: [domestic-abuse]
    commissioners: [fenwick-council]
    make_or_buy: buy
    make_or_buy_rationale: Repeated by mistake.
    delivery_model: grant
    funding:
      - stream: council-base
        amount: 1
""",
            )
        ],
        [
            f"{FEN}services.yml:12:5: error: duplicate service id 'refuge' "
            "(first at line 2) [services[1].id]"
        ],
    ),
    "allocation": (
        [(FEN + "funding.yml", "  - id: base\n", "  - id: from-pcc\n")],
        [
            f"{FEN}funding.yml:7:5: error: duplicate allocation id 'from-pcc' "
            "(first at line 2) [allocations[1].id]"
        ],
    ),
    "formula criterion": (
        [(PCC + "funding.yml", "      - id: crime\n", "      - id: population\n")],
        [
            f"{PCC}funding.yml:10:9: error: duplicate criterion id 'population' "
            "(first at line 7) [formulas[0].criteria[1].id]",
            f"{PCC}funding.yml:15:35: error: 'crime' is not a criterion of this formula "
            "[formulas[0].recipients[0].inputs.crime]",
        ],
    ),
    "organisation": (
        [
            (
                ORGS,
                "    kind: voluntary\n",
                """    kind: voluntary
  - id: fenwick-refuge
    name: Fenwick Refuge Trust, again
    kind: voluntary
""",
            )
        ],
        [
            f"{ORGS}:14:5: error: duplicate organisation id 'fenwick-refuge' "
            "(first at line 11) [organisations[4].id]"
        ],
    ),
    "funding stream": (
        [
            (
                STREAMS,
                "        amount: 50000\n      - year: 2025-26\n        amount: 50000\n",
                """        amount: 50000
      - year: 2025-26
        amount: 50000
  - id: council-base
    name: Council base budget, again
    funder: fenwick-council
    pots:
      - year: 2024-25
        amount: 50000
      - year: 2025-26
        amount: 50000
""",
            )
        ],
        [
            f"{STREAMS}:18:5: error: duplicate funding stream id 'council-base' "
            "(first at line 10) [streams[2].id]"
        ],
    ),
}


@pytest.mark.parametrize(
    ("edits", "expected"), list(DUPLICATE_IDS.values()), ids=list(DUPLICATE_IDS)
)
def test_ids_are_unique(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


def test_a_repeated_priority_does_not_hide_the_first_priority_objectives(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "        indicators: [da-reports]\n",
        """        indicators: [da-reports]
  - id: domestic-abuse
    title: Domestic abuse, again
    rationale: Repeated by mistake.
    findings: [da-rising]
    objectives:
      - id: repeated
        title: Repeated
        indicators: [da-reports]
""",
    )
    assert tree.problems() == [
        f"{FEN}plan.yml:22:5: error: duplicate priority id 'domestic-abuse' "
        "(first at line 12) [priorities[1].id]"
    ]


def test_formula_ids_are_unique_across_a_year(tree: Tree) -> None:
    for name in ("plan.yml", "assessment.yml", "actions.yml", "indicators.yml"):
        tree.write("plans/bexley-pcc/2024-25/" + name, tree.read(PCC + name))
    tree.write(
        "plans/bexley-pcc/partnership.yml",
        tree.read("plans/ashdown-pcc/partnership.yml").replace("ashdown-pcc", "bexley-pcc", 1),
    )
    # Bexley's formula shares nothing (pot 0) and only to Bexley itself.
    tree.write(
        "plans/bexley-pcc/2024-25/funding.yml",
        tree.read(PCC + "funding.yml")
        .replace("pot: 100.00", "pot: 0")
        .replace("fenwick-csp", "bexley-pcc"),
    )
    tree.edit(
        "plans/bexley-pcc/2024-25/funding.yml",
        "formulas:\n",
        "allocations:\n  - id: own\n    stream: pcc-fund\n    method: formula\n"
        "    formula: fund-formula\nformulas:\n",
    )
    problems = tree.problems()
    duplicate = (
        "plans/bexley-pcc/2024-25/funding.yml:7:5: error: formula id 'fund-formula' is also "
        "used by ashdown-pcc in 2024-25; formula ids are unique across a year [formulas[0].id]"
    )
    assert duplicate in problems
    assert not any("fenwick-csp is not a recipient" in p for p in problems), problems


# --- files sit where they say they do ----------------------------------------------------


def test_partnership_id_matches_its_folder(tree: Tree) -> None:
    tree.edit("plans/fenwick-csp/partnership.yml", "id: fenwick-csp", "id: fenwick")
    assert tree.problems() == [
        "plans/fenwick-csp/partnership.yml:1:1: error: id 'fenwick' does not match its folder "
        "plans/fenwick-csp/; make them equal [id]"
    ]


def test_plan_year_matches_its_folder(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "year: 2024-25", "year: 2025-26")
    assert tree.problems() == [
        f"{FEN}plan.yml:1:1: error: year 2025-26 does not match its folder 2024-25/; "
        "make them equal [year]"
    ]


# --- every reference resolves, with a 'did you mean' for a near miss ---------------------

REFERENCES = {
    "organisation near": (
        FEN + "plan.yml",
        "leads: [fenwick-council]",
        "leads: [fenwick-councl]",
        [
            f"{FEN}plan.yml:16:13: error: unknown organisation 'fenwick-councl' — did you mean "
            "'fenwick-council'? [priorities[0].leads[0]]"
        ],
    ),
    "organisation far": (
        FEN + "plan.yml",
        "leads: [fenwick-council]",
        "leads: [zenith-trust]",
        [
            f"{FEN}plan.yml:16:13: error: unknown organisation 'zenith-trust' "
            "[priorities[0].leads[0]]"
        ],
    ),
    "finding near": (
        FEN + "plan.yml",
        "findings: [da-rising]",
        "findings: [da-risng]",
        [
            f"{FEN}plan.yml:15:16: error: unknown finding 'da-risng' — did you mean 'da-rising'? "
            "[priorities[0].findings[0]]"
        ],
    ),
    "finding far": (
        FEN + "plan.yml",
        "findings: [da-rising]",
        "findings: [burglary]",
        [f"{FEN}plan.yml:15:16: error: unknown finding 'burglary' [priorities[0].findings[0]]"],
    ),
    "indicator near": (
        FEN + "plan.yml",
        "indicators: [da-reports]",
        "indicators: [da-report]",
        [
            f"{FEN}plan.yml:21:22: error: unknown indicator 'da-report' — did you mean "
            "'da-reports'? [priorities[0].objectives[0].indicators[0]]"
        ],
    ),
    "indicator far": (
        FEN + "plan.yml",
        "indicators: [da-reports]",
        "indicators: [arrests]",
        [
            f"{FEN}plan.yml:21:22: error: unknown indicator 'arrests' "
            "[priorities[0].objectives[0].indicators[0]]"
        ],
    ),
    "priority near": (
        FEN + "services.yml",
        "priorities: [domestic-abuse]",
        "priorities: [domestic-abuse, domestic-abus]",
        [
            f"{FEN}services.yml:4:34: error: unknown priority 'domestic-abus' — did you mean "
            "'domestic-abuse'? [services[0].priorities[1]]"
        ],
    ),
    "priority far": (
        FEN + "services.yml",
        "priorities: [domestic-abuse]",
        "priorities: [domestic-abuse, road-safety]",
        [
            f"{FEN}services.yml:4:34: error: unknown priority 'road-safety' "
            "[services[0].priorities[1]]"
        ],
    ),
    "service near": (
        FEN + "actions.yml",
        "services: [refuge]",
        "services: [refuges]",
        [
            f"{FEN}actions.yml:8:16: error: unknown service 'refuges' — did you mean 'refuge'? "
            "[actions[0].services[0]]"
        ],
    ),
    "service far": (
        FEN + "actions.yml",
        "services: [refuge]",
        "services: [outreach]",
        [f"{FEN}actions.yml:8:16: error: unknown service 'outreach' [actions[0].services[0]]"],
    ),
    "stream near": (
        FEN + "services.yml",
        "stream: council-base",
        "stream: council-bas",
        [
            f"{FEN}services.yml:13:9: error: unknown funding stream 'council-bas' — did you mean "
            "'council-base'? [services[0].funding[0].stream]"
        ],
    ),
    "stream far": (
        FEN + "services.yml",
        "stream: council-base",
        "stream: lottery",
        [
            f"{FEN}services.yml:13:9: error: unknown funding stream 'lottery' "
            "[services[0].funding[0].stream]"
        ],
    ),
    "formula near": (
        FEN + "funding.yml",
        "formula: fund-formula",
        "formula: fund-formla",
        [
            f"{PCC}funding.yml:14:9: warning: fenwick-csp has no allocation from formula "
            "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]",
            f"{FEN}funding.yml:5:5: error: unknown 2024-25 formula 'fund-formla' — did you mean "
            "'fund-formula'? [allocations[0].formula]",
        ],
    ),
    "formula far": (
        FEN + "funding.yml",
        "formula: fund-formula",
        "formula: other",
        [
            f"{PCC}funding.yml:14:9: warning: fenwick-csp has no allocation from formula "
            "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]",
            f"{FEN}funding.yml:5:5: error: unknown 2024-25 formula 'other' "
            "[allocations[0].formula]",
        ],
    ),
    "partnership near": (
        FEN + "services.yml",
        "delivery_model: contract",
        "delivery_model: on-behalf-of-pcc\n    on_behalf_of: ashdown-pc",
        [
            f"{FEN}services.yml:9:5: error: unknown partnership 'ashdown-pc' — did you mean "
            "'ashdown-pcc'? [services[0].on_behalf_of]"
        ],
    ),
    "partnership far": (
        FEN + "services.yml",
        "delivery_model: contract",
        "delivery_model: on-behalf-of-pcc\n    on_behalf_of: kent-pcc",
        [
            f"{FEN}services.yml:9:5: error: unknown partnership 'kent-pcc' "
            "[services[0].on_behalf_of]"
        ],
    ),
    "formula recipient partnership": (
        PCC + "funding.yml",
        "partnership: fenwick-csp",
        "partnership: fenwick-cps",
        [
            f"{PCC}funding.yml:14:9: warning: fenwick-cps has no allocation from formula "
            "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]",
            f"{PCC}funding.yml:14:9: error: unknown partnership 'fenwick-cps' — did you mean "
            "'fenwick-csp'? [formulas[0].recipients[0].partnership]",
            f"{FEN}funding.yml:5:5: error: fenwick-csp is not a recipient of formula "
            "'fund-formula' [allocations[0].formula]",
        ],
    ),
    "area near": (
        "plans/fenwick-csp/partnership.yml",
        "area: ashdown",
        "area: ashdwn",
        [
            "plans/fenwick-csp/partnership.yml:4:1: error: unknown area 'ashdwn' — did you mean "
            "'ashdown'? [area]"
        ],
    ),
    "area far": (
        "plans/fenwick-csp/partnership.yml",
        "area: ashdown",
        "area: zulu",
        ["plans/fenwick-csp/partnership.yml:4:1: error: unknown area 'zulu' [area]"],
    ),
    "source near": (
        FEN + "assessment.yml",
        "sources: [police-data]",
        "sources: [police-dat]",
        [
            f"{FEN}assessment.yml:12:15: error: unknown source 'police-dat' — did you mean "
            "'police-data'? [findings[0].sources[0]]"
        ],
    ),
    "source far": (
        FEN + "assessment.yml",
        "sources: [police-data]",
        "sources: [census]",
        [f"{FEN}assessment.yml:12:15: error: unknown source 'census' [findings[0].sources[0]]"],
    ),
    "crime category near": (
        FEN + "assessment.yml",
        "findings:",
        "statistics:\n  - category: burglery\n    period: year to March 2024\n"
        "    count: 12\nfindings:",
        [
            f"{FEN}assessment.yml:9:5: error: unknown crime category 'burglery' — did you mean "
            "'burglary'? [statistics[0].category]"
        ],
    ),
    "crime category far": (
        FEN + "assessment.yml",
        "findings:",
        "statistics:\n  - category: parking\n    period: year to March 2024\n"
        "    count: 12\nfindings:",
        [
            f"{FEN}assessment.yml:9:5: error: unknown crime category 'parking' "
            "[statistics[0].category]"
        ],
    ),
    "previous-year priority near": (
        FEN_NEXT + "plan.yml",
        "continues: [domestic-abuse]",
        "continues: [domestic-abse]",
        [
            f"{FEN_NEXT}plan.yml:15:17: error: unknown 2024-25 priority 'domestic-abse' — did "
            "you mean 'domestic-abuse'? [priorities[0].continues[0]]"
        ],
    ),
    "previous-year priority far": (
        FEN_NEXT + "plan.yml",
        "continues: [domestic-abuse]",
        "continues: [knife-crime]",
        [
            f"{FEN_NEXT}plan.yml:15:17: error: unknown 2024-25 priority 'knife-crime' "
            "[priorities[0].continues[0]]"
        ],
    ),
}


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"), list(REFERENCES.values()), ids=list(REFERENCES)
)
def test_references_resolve(tree: Tree, name: str, old: str, new: str, expected: list[str]) -> None:
    tree.edit(name, old, new)
    assert tree.problems() == expected


def test_continues_needs_a_previous_year(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "    findings: [da-rising]",
        "    continues: [domestic-abuse]\n    findings: [da-rising]",
    )
    assert tree.problems() == [
        f"{FEN}plan.yml:15:5: warning: continues earlier priorities but fenwick-csp has no "
        "year before 2024-25 here; they are shown as written [priorities[0].continues]"
    ]


SCORES = {
    "near miss": (
        True,
        "{threat: 3, harms: 4}",
        [
            f"{FEN}plan.yml:24:25: error: unknown selection criterion 'harms' — did you mean "
            "'harm'? [priorities[0].scores.harms]"
        ],
    ),
    "far miss": (
        True,
        "{threat: 3, capacity: 4}",
        [
            f"{FEN}plan.yml:24:25: error: unknown selection criterion 'capacity' "
            "[priorities[0].scores.capacity]"
        ],
    ),
    "no selection method": (
        False,
        "{threat: 3}",
        [
            f"{FEN}plan.yml:17:14: error: scores need a selection method; add "
            "selection.criteria to the plan [priorities[0].scores.threat]"
        ],
    ),
    "a method but no scores": (
        True,
        None,
        [
            f"{FEN}plan.yml:19:5: warning: the plan has a selection method but this priority "
            "has no scores [priorities[0].scores]"
        ],
    ),
}


@pytest.mark.parametrize(("method", "scores", "expected"), list(SCORES.values()), ids=list(SCORES))
def test_scores_name_selection_criteria(
    tree: Tree, method: bool, scores: str | None, expected: list[str]
) -> None:
    if method:
        tree.edit(FEN + "plan.yml", "priorities:", SELECTION)
    if scores is not None:
        tree.edit(
            FEN + "plan.yml",
            "    leads: [fenwick-council]",
            f"    leads: [fenwick-council]\n    scores: {scores}",
        )
    assert tree.problems() == expected


# --- the chain finding → priority → objective → indicator / action holds ------------------

GROUNDING = {
    "no findings": (
        [(FEN + "plan.yml", "    findings: [da-rising]\n", "")],
        [
            f"{FEN}assessment.yml:9:5: warning: finding 'da-rising' is recommended but no "
            "priority cites it; cite it, or record the decision under not_adopted in plan.yml "
            "[findings[0].id]",
            f"{FEN}plan.yml:12:5: warning: priority 'domestic-abuse' cites no finding; list the "
            "assessment findings that justify it under findings; or, if the published plan "
            "has none, add findings to not_published in plan.yml [priorities[0].id]",
        ],
    ),
    "no objectives": (
        [
            (
                FEN + "plan.yml",
                """    objectives:
      - id: more-reporting
        title: More victims report
        pursued_by: [ashdown-police]
        indicators: [da-reports]
""",
                "",
            ),
            (FEN + "actions.yml", "    objective: more-reporting\n", ""),
        ],
        [
            f"{FEN}indicators.yml:2:5: warning: indicator 'da-reports' measures no objective; "
            "list it under an objective's indicators in plan.yml [indicators[0].id]",
            f"{FEN}plan.yml:12:5: warning: priority 'domestic-abuse' has no objective; add at "
            "least one under objectives; or, if the published plan has none, add objectives "
            "to not_published in plan.yml [priorities[0].id]",
        ],
    ),
    "no actions": (
        [
            (
                PCC + "actions.yml",
                """actions:
  - id: patrols
    priority: safer-streets
    title: Patrols
    lead: ashdown-police
    due: 2025-03-31
""",
                "actions: []\n",
            )
        ],
        [
            f"{PCC}plan.yml:12:5: warning: priority 'safer-streets' has no action; add one to "
            "actions.yml with priority: safer-streets; or, if the published plan has none, "
            "add actions to not_published in plan.yml [priorities[0].id]"
        ],
    ),
    "objective without indicators": (
        [(FEN + "plan.yml", "        indicators: [da-reports]\n", "")],
        [
            f"{FEN}indicators.yml:2:5: warning: indicator 'da-reports' measures no objective; "
            "list it under an objective's indicators in plan.yml [indicators[0].id]",
            f"{FEN}plan.yml:18:9: warning: objective 'more-reporting' has no indicator; list the "
            "indicators that measure it under indicators; or, if the published plan has none, "
            "add indicators to not_published in plan.yml [priorities[0].objectives[0].id]",
        ],
    ),
    "indicator of another priority": (
        [
            (
                PCC + "plan.yml",
                "        indicators: [victims]\n",
                """        indicators: [victims]
  - id: burglary
    title: Burglary
    rationale: Rising.
    findings: [street-crime]
    objectives:
      - id: fewer-burglaries
        title: Fewer burglaries
        indicators: [victims]
""",
            ),
            (
                PCC + "actions.yml",
                "actions:\n",
                """actions:
  - id: target-hardening
    priority: burglary
    title: Target hardening
    lead: ashdown-police
    due: 2025-03-31
""",
            ),
        ],
        [
            f"{PCC}plan.yml:27:22: warning: indicator 'victims' belongs to priority "
            "'safer-streets', not 'burglary' [priorities[1].objectives[0].indicators[0]]"
        ],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(GROUNDING.values()), ids=list(GROUNDING))
def test_priorities_are_grounded(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


def test_an_action_naming_a_removed_objective_is_reported(tree: Tree) -> None:
    tree.edit(FEN + "actions.yml", "objective: more-reporting", "objective: less-reporting")
    assert tree.problems() == [
        f"{FEN}actions.yml:4:5: error: unknown objective of priority 'domestic-abuse' "
        "'less-reporting' — did you mean 'more-reporting'? [actions[0].objective]"
    ]


def test_a_quarter_is_reported_once(tree: Tree) -> None:
    tree.edit(
        FEN + "indicators.yml",
        "        value: 30",
        "        value: 30\n      - quarter: Q1\n        value: 31",
    )
    assert tree.problems() == [
        f"{FEN}indicators.yml:12:9: error: Q1 is reported twice; keep one value per quarter "
        "[indicators[0].actuals[1].quarter]"
    ]


# --- indicator figures as published: value or status, unit, basis, month, as_at ------------

FIGURES = {
    "reported quarter without a value": (
        "        value: 30\n",
        "        period: April–June 2024\n",
        [
            f"{FEN}indicators.yml:10:9: error: a reported quarter needs a value; otherwise set "
            "status to not-yet-available, no-new-data or not-published [indicators[0].actuals[0]]"
        ],
    ),
    "a status with a value": (
        "        value: 30\n",
        "        value: 30\n        status: not-published\n",
        [
            f"{FEN}indicators.yml:10:9: error: a quarter with status not-published cannot have "
            "a value [indicators[0].actuals[0]]"
        ],
    ),
    "printed text beside a value": (
        "        value: 30\n",
        '        value: 30\n        printed: "30*"\n',
        [
            f"{FEN}indicators.yml:10:9: error: printed is the text the source gave instead of "
            "a number; a quarter with a value needs no printed text [indicators[0].actuals[0]]"
        ],
    ),
    "a dash recorded as not published": (
        "        value: 30\n",
        '        status: not-published\n        printed: "-"\n',
        [],
    ),
    "an unknown status": (
        "        value: 30\n",
        "        status: dash\n",
        [
            f"{FEN}indicators.yml:11:17: error: 'dash' is not allowed here; use one of: "
            "reported, not-yet-available, no-new-data, not-published, suppressed, withheld "
            "[indicators[0].actuals[0].status]"
        ],
    ),
    "an unknown unit": (
        "        value: 30\n",
        "        value: 30\n        unit: per-1000\n",
        [
            f"{FEN}indicators.yml:12:15: error: 'per-1000' is not allowed here; use one of: "
            "count, rate, rate-per-1000, rate-per-100000, per-day, percent, percent-change, money "
            "— did you mean 'rate-per-1000'? [indicators[0].actuals[0].unit]"
        ],
    ),
    "an unknown basis": (
        "        value: 30\n",
        "        value: 30\n        basis: ytd\n",
        [
            f"{FEN}indicators.yml:12:16: error: 'ytd' is not allowed here; use one of: quarter, "
            "month, year-to-date, year, rolling-12-months [indicators[0].actuals[0].basis]"
        ],
    ),
    "a month without a value": (
        "        value: 30\n",
        "        value: 30\n        basis: year-to-date\n"
        "        month:\n          period: June 2024\n",
        [
            f"{FEN}indicators.yml:14:11: error: a reported month needs a value; otherwise set "
            "status to not-yet-available, no-new-data or not-published "
            "[indicators[0].actuals[0].month]"
        ],
    ),
    "as_at written in words": (
        "        value: 30\n",
        "        value: 30\n        as_at: June 2024\n",
        [
            f"{FEN}indicators.yml:12:16: error: write the date as YYYY-MM-DD, or YYYY-MM or YYYY "
            "where the source gives only the month or the year (e.g. 2012-11), got 'June 2024': "
            "for June 2024, write 2024-06 "
            "[indicators[0].actuals[0].as_at]"
        ],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), list(FIGURES.values()), ids=list(FIGURES))
def test_indicator_figures(tree: Tree, old: str, new: str, expected: list[str]) -> None:
    tree.edit(FEN + "indicators.yml", old, new)
    assert tree.problems() == expected


# --- services are funded, serve a priority, and say how they are bought ------------------

SERVICES = {
    "unfunded": (
        [(FEN + "services.yml", SERVICE_FUNDING, "")],
        [
            f"{FEN}services.yml:2:5: warning: service 'refuge' is not funded; add funding lines "
            "naming their streams; or, if the published plan has none, add funding to "
            "not_published in plan.yml [services[0].id]"
        ],
    ),
    "unfunded but decommissioned": (
        [(FEN + "services.yml", SERVICE_FUNDING, "    status: decommissioned\n")],
        [],
    ),
    "serving no priority": (
        [(FEN + "services.yml", "    priorities: [domestic-abuse]\n", "")],
        [
            f"{FEN}services.yml:2:5: warning: service 'refuge' serves no priority; list them "
            "under priorities [services[0].id]"
        ],
    ),
    "on behalf of the PCC, naming nobody": (
        [(FEN + "services.yml", "delivery_model: contract", "delivery_model: on-behalf-of-pcc")],
        [
            f"{FEN}services.yml:2:5: error: a service commissioned on behalf of the PCC names "
            "the PCC partnership in on_behalf_of [services[0].on_behalf_of]"
        ],
    ),
    "on behalf of a CSP": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: on-behalf-of-pcc\n    on_behalf_of: fenwick-csp",
            )
        ],
        [
            f"{FEN}services.yml:9:5: warning: 'fenwick-csp' is a csp, not a PCC "
            "[services[0].on_behalf_of]"
        ],
    ),
    "on behalf of the PCC": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: on-behalf-of-pcc\n    on_behalf_of: ashdown-pcc",
            )
        ],
        [],
    ),
    "pooled without joint": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: contract\n    budget: pooled",
            )
        ],
        [
            f"{FEN}services.yml:9:5: error: a pooled budget names its host and each partner's "
            "contribution under joint [services[0].budget]"
        ],
    ),
    "pooled without contributions": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: contract\n    budget: pooled\n    joint:\n"
                "      host: fenwick-council",
            )
        ],
        [
            f"{FEN}services.yml:9:5: error: a pooled budget names its host and each partner's "
            "contribution under joint [services[0].budget]"
        ],
    ),
    "pooled without host": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: contract\n    budget: pooled\n    joint:\n      contributions:\n"
                "        - organisation: ashdown-police\n          amount: 100",
            )
        ],
        [
            f"{FEN}services.yml:9:5: error: a pooled budget names its host and each partner's "
            "contribution under joint [services[0].budget]"
        ],
    ),
    "pooled with host and contributions": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: contract\n    budget: pooled\n    joint:\n"
                "      host: fenwick-council\n      contributions:\n"
                "        - organisation: ashdown-police\n          amount: 100",
            )
        ],
        [],
    ),
    "joint commissioning alone": (
        [(FEN + "services.yml", "delivery_model: contract", "delivery_model: joint-commissioning")],
        [
            f"{FEN}services.yml:5:5: error: joint commissioning needs at least two "
            "commissioners [services[0].commissioners]"
        ],
    ),
    "joint commissioning with two": (
        [
            (
                FEN + "services.yml",
                "delivery_model: contract",
                "delivery_model: joint-commissioning",
            ),
            (
                FEN + "services.yml",
                "commissioners: [fenwick-council]",
                "commissioners: [fenwick-council, ashdown-pcc-office]",
            ),
        ],
        [],
    ),
    "make but contracted out": (
        [(FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make")],
        [
            f"{FEN}services.yml:6:5: warning: 'make' means delivered in-house, but the delivery "
            "model is contract [services[0].make_or_buy]"
        ],
    ),
    "make and in-house": (
        [
            (FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make"),
            (FEN + "services.yml", "delivery_model: contract", "delivery_model: in-house"),
        ],
        [],
    ),
    "contract ends before it starts": (
        [
            (
                FEN + "services.yml",
                "      value: 40000",
                "      value: 40000\n      starts: 2024-04-01\n      ends: 2024-03-01",
            )
        ],
        [
            f"{FEN}services.yml:13:7: error: the contract ends before it starts "
            "[services[0].contract.ends]"
        ],
    ),
    "a pathway listed twice": (
        [
            (
                FEN + "services.yml",
                "pathways: [accommodation]",
                "pathways: [accommodation, health, accommodation]",
            )
        ],
        [
            f"{FEN}services.yml:15:39: error: pathway 'accommodation' is listed twice "
            "[services[0].pathways[2]]"
        ],
    ),
    "a pathway outside the seven, near miss": (
        [(FEN + "services.yml", "pathways: [accommodation]", "pathways: [acommodation]")],
        [
            f"{FEN}services.yml:15:16: error: 'acommodation' is not allowed here; use one of: "
            f"{PATHWAYS} — did you mean 'accommodation'? [services[0].pathways[0]]"
        ],
    ),
    "a pathway outside the seven, far miss": (
        [(FEN + "services.yml", "pathways: [accommodation]", "pathways: [housing]")],
        [
            f"{FEN}services.yml:15:16: error: 'housing' is not allowed here; use one of: "
            f"{PATHWAYS} [services[0].pathways[0]]"
        ],
    ),
    "contract value given and withheld": (
        [
            (
                FEN + "services.yml",
                "      value: 40000",
                "      value: 40000\n      value_withheld: Commercial confidentiality.",
            )
        ],
        [
            f"{FEN}services.yml:11:7: error: give either value or value_withheld (the reason it "
            "is not published), not both [services[0].contract]"
        ],
    ),
    "contract value neither given nor withheld": (
        [(FEN + "services.yml", "      value: 40000", "      starts: 2024-04-01")],
        [
            f"{FEN}services.yml:11:7: error: give the contract value, or amount_status saying why "
            "there is none (not-published, withheld with amount_reason, or combined) "
            "[services[0].contract]"
        ],
    ),
    "contract value withheld with a reason": (
        [
            (
                FEN + "services.yml",
                "      value: 40000",
                "      value_withheld: Commercial confidentiality.",
            )
        ],
        [],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(SERVICES.values()), ids=list(SERVICES))
def test_services(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


# --- services as published: unknown money, partial dates, the commissioning lifecycle -------

FEN_SERVICES = FEN + "services.yml"
LINE = "        amount: 40000\n"
VALUE = "      value: 40000\n"
BY_REFERENCE = "    decisions:\n      - reference: FDN-2024-01\n"
NOTICE = (
    "    decisions:\n      - reference: FDN-2024-01\n        date: 2024-05-10\n"
    "        decision_maker: Head of Community Safety\n        delegated: true\n"
)
SECOND_SERVICE = """  - id: refuge-bridging
    name: Refuge bridging grant
    priorities: [domestic-abuse]
    commissioners: [fenwick-council]
    make_or_buy: buy
    make_or_buy_rationale: The same provider.
    delivery_model: grant
    funding:
      - stream: council-base
        amount: 1000
"""


REVIEWED = (
    FEN + "review.yml",
    "spend:",
    "  - service: refuge-bridging\n    decision: decommission\n    rationale: Bridging.\n"
    "    effective: 2025-04-01\nspend:",
)


def _service(extra: str) -> Edit:
    """Add fields at the end of the fixture's one service."""
    return (
        FEN_SERVICES,
        "    pathways: [accommodation]\n",
        "    pathways: [accommodation]\n" + extra,
    )


def _lots(lots: str) -> list[Edit]:
    return [_service("    procurement:\n      route: open-tender\n      lots:\n" + lots)]


DELIVERY = {
    "a funding line without an amount or a reason": (
        [(FEN_SERVICES, LINE, "")],
        [
            f"{FEN_SERVICES}:13:9: error: give the amount, or amount_status saying why there is "
            "none (not-published, withheld with amount_reason, or combined) "
            "[services[0].funding[0]]"
        ],
    ),
    "a funding line whose amount was not published": (
        [(FEN_SERVICES, LINE, "        amount_status: not-published\n")],
        [],
    ),
    "a funding line withheld without a reason": (
        [(FEN_SERVICES, LINE, "        amount_status: withheld\n")],
        [
            f"{FEN_SERVICES}:13:9: error: a withheld amount gives amount_reason (e.g. 'FOI s43 "
            "commercial interests') [services[0].funding[0]]"
        ],
    ),
    "a funding line with an amount and a status": (
        [(FEN_SERVICES, LINE, LINE + "        amount_status: not-published\n")],
        [
            f"{FEN_SERVICES}:13:9: error: give either the amount or amount_status "
            "(not-published), not both: an unknown amount is never written as a figure "
            "[services[0].funding[0]]"
        ],
    ),
    "a funding line combined with an unknown line": (
        [
            (
                FEN_SERVICES,
                LINE,
                "        amount_status: combined\n        combined_with: [refuge-places]\n"
                "        combined_total: 50000\n",
            )
        ],
        [],
    ),
    "a funding line combined with nothing known": (
        [
            (
                FEN_SERVICES,
                LINE,
                "        amount_status: combined\n        combined_with: [refuge-place]\n"
                "        combined_total: 50000\n",
            )
        ],
        [
            f"{FEN_SERVICES}:15:25: error: unknown service or action 'refuge-place' — did you "
            "mean 'refuge-places'? [services[0].funding[0].combined_with[0]]"
        ],
    ),
    "an action's funding line without an amount or a reason": (
        [
            (
                FEN + "actions.yml",
                "    services: [refuge]\n",
                "    services: [refuge]\n    funding:\n      - stream: council-base\n",
            )
        ],
        [
            f"{FEN}actions.yml:10:9: error: give the amount, or amount_status saying why there "
            "is none (not-published, withheld with amount_reason, or combined) "
            "[actions[0].funding[0]]"
        ],
    ),
    "a contract value not published": (
        [(FEN_SERVICES, VALUE, "      amount_status: not-published\n")],
        [],
    ),
    "a contract value withheld both ways": (
        [
            (
                FEN_SERVICES,
                VALUE,
                "      value_withheld: Commercial.\n      amount_status: withheld\n"
                "      amount_reason: Commercial.\n",
            )
        ],
        [
            f"{FEN_SERVICES}:11:7: error: value_withheld is the older way to write "
            "amount_status: withheld with amount_reason; give one of them [services[0].contract]"
        ],
    ),
    "a contract ending in the month it started, both partial": (
        [(FEN_SERVICES, VALUE, VALUE + "      starts: 2019\n      ends: 2019-11\n")],
        [],
    ),
    "a contract ending the year before it started": (
        [(FEN_SERVICES, VALUE, VALUE + "      starts: 2019\n      ends: 2018-12\n")],
        [
            f"{FEN_SERVICES}:13:7: error: the contract ends before it starts "
            "[services[0].contract.ends]"
        ],
    ),
    "a contract extended to before it ends": (
        [(FEN_SERVICES, VALUE, VALUE + "      ends: 2025-03-31\n      extended_to: 2024-12\n")],
        [
            f"{FEN_SERVICES}:13:7: error: extended to 2024-12, before the contract ends "
            "(2025-03-31) [services[0].contract.extended_to]"
        ],
    ),
    "a contract a month is not enough to call extended early": (
        [(FEN_SERVICES, VALUE, VALUE + "      ends: 2025-03-31\n      extended_to: 2025-03\n")],
        [],
    ),
    "extension options as tenders write them": (
        [
            (
                FEN_SERVICES,
                VALUE,
                VALUE + "      extension_options: 2+1+1\n      extensions_used: 2\n",
            )
        ],
        [],
    ),
    "extension options written in words": (
        [(FEN_SERVICES, VALUE, VALUE + "      extension_options: 2 plus 1\n")],
        [
            f"{FEN_SERVICES}:12:26: error: write the term and each extension option in years "
            "joined by '+', e.g. 1+4 or 2+1+1, got '2 plus 1' "
            "[services[0].contract.extension_options]"
        ],
    ),
    "more extensions used than offered": (
        [(FEN_SERVICES, VALUE, VALUE + "      extension_options: 1+4\n      extensions_used: 2\n")],
        [
            f"{FEN_SERVICES}:11:7: error: extensions_used is 2, but 1+4 offers 1 extension "
            "option [services[0].contract]"
        ],
    ),
    "extensions used with no options": (
        [(FEN_SERVICES, VALUE, VALUE + "      extensions_used: 1\n")],
        [
            f"{FEN_SERVICES}:11:7: error: extensions_used counts the extension options taken "
            "up: give extension_options (e.g. 2+1+1) too [services[0].contract]"
        ],
    ),
    "a lot that failed and was re-run": (
        _lots(
            "        - id: outreach\n          title: Outreach\n          value: 30000\n"
            "          outcome: no-compliant-bids\n          rerun_as: outreach-rerun\n"
            "        - id: outreach-rerun\n          title: Outreach (re-run)\n"
            "          amount_status: not-published\n          outcome: awarded\n"
            "          provider: fenwick-refuge\n"
        ),
        [],
    ),
    "a lot without a value or a reason": (
        _lots("        - id: outreach\n          title: Outreach\n"),
        [
            f"{FEN_SERVICES}:19:11: error: give the value, or amount_status saying why there is "
            "none (not-published, withheld with amount_reason, or combined) "
            "[services[0].procurement.lots[0]]"
        ],
    ),
    "a lot re-run as itself": (
        _lots(
            "        - id: outreach\n          title: Outreach\n          value: 1\n"
            "          rerun_as: outreach\n"
        ),
        [
            f"{FEN_SERVICES}:19:11: error: a lot is not re-run as itself; name the new lot or "
            "procurement [services[0].procurement.lots[0]]"
        ],
    ),
    "a lot with an unknown outcome": (
        _lots(
            "        - id: outreach\n          title: Outreach\n          value: 1\n"
            "          outcome: failed\n"
        ),
        [
            f"{FEN_SERVICES}:22:20: error: 'failed' is not allowed here; use one of: awarded, "
            "no-compliant-bids, no-bids, withdrawn, pending "
            "[services[0].procurement.lots[0].outcome]"
        ],
    ),
    "two lots with one id, one awarded to nobody known": (
        _lots(
            "        - id: outreach\n          title: Outreach\n          value: 1\n"
            "          provider: fenwick-refug\n"
            "        - id: outreach\n          title: Outreach again\n          value: 1\n"
        ),
        [
            f"{FEN_SERVICES}:22:11: error: unknown organisation 'fenwick-refug' — did you mean "
            "'fenwick-refuge'? [services[0].procurement.lots[0].provider]",
            f"{FEN_SERVICES}:23:11: error: duplicate lot id 'outreach' (first at line 19) "
            "[services[0].procurement.lots[1].id]",
        ],
    ),
    "an intended service superseded by what happened": (
        [
            (FEN_SERVICES, SERVICE_FUNDING, ""),
            _service("    status: planned\n    superseded_by: refuge-bridging\n" + SECOND_SERVICE),
            REVIEWED,
        ],
        [],
    ),
    "superseded by a service that does not exist": (
        [_service("    superseded_by: refuge-bridgin\n" + SECOND_SERVICE), REVIEWED],
        [
            f"{FEN_SERVICES}:16:5: error: unknown service 'refuge-bridgin' — did you mean "
            "'refuge-bridging'? [services[0].superseded_by]"
        ],
    ),
    "superseded by itself": (
        [_service("    superseded_by: refuge\n")],
        [
            f"{FEN_SERVICES}:2:5: error: a service is not superseded by itself; name the service "
            "that was [services[0]]"
        ],
    ),
    "one year only, with its reason": (
        [_service("    one_year_only: true\n    one_year_only_reason: Bridging.\n")],
        [],
    ),
    "one year only, without a reason": (
        [_service("    one_year_only: true\n")],
        [
            f"{FEN_SERVICES}:2:5: error: one-year-only funding gives one_year_only_reason (e.g. "
            "bridging until the service is recommissioned) [services[0]]"
        ],
    ),
    "a one-year-only reason without the flag": (
        [_service("    one_year_only_reason: Bridging.\n")],
        [
            f"{FEN_SERVICES}:2:5: error: one_year_only_reason needs one_year_only: true, or "
            "leave it out [services[0]]"
        ],
    ),
    "no make-or-buy rationale": (
        [(FEN_SERVICES, "    make_or_buy_rationale: Specialist provider.\n", "")],
        [
            f"{FEN_SERVICES}:2:5: warning: service 'refuge' gives no make-or-buy rationale; say "
            "why it is bought under make_or_buy_rationale; or, if the published plan has none, "
            "add make-or-buy to not_published in plan.yml [services[0].id]"
        ],
    ),
    "no make-or-buy rationale, declared": (
        [
            (FEN_SERVICES, "    make_or_buy_rationale: Specialist provider.\n", ""),
            (
                FEN + "plan.yml",
                "priorities:",
                "not_published:\n  parts: [make-or-buy]\n  reason: Not in the plan.\npriorities:",
            ),
        ],
        [],
    ),
    "a decision notice given by reference, recorded nowhere": (
        [_service(BY_REFERENCE)],
        [
            f"{FEN_SERVICES}:17:9: warning: decision notice FDN-2024-01 is given by reference "
            "only, and is recorded in full nowhere in the project; give its date, decision_maker "
            "and summary, or the url where it is published [services[0].decisions[0].reference]"
        ],
    ),
    "a decision notice given by reference, published online": (
        [_service(BY_REFERENCE + "        url: https://example.org/fdn-2024-01\n")],
        [],
    ),
    "a decision notice given by reference, recorded with another service": (
        [_service(BY_REFERENCE + SECOND_SERVICE + NOTICE), REVIEWED],
        [],
    ),
    "a decision notice signed before the decision": (
        [_service(NOTICE + "        signed: 2024-05-09\n")],
        [
            f"{FEN_SERVICES}:21:9: warning: decision notice FDN-2024-01 is signed 2024-05-09, "
            "before the decision date (2024-05-10); check both dates "
            "[services[0].decisions[0].signed]"
        ],
    ),
    "a decision notice signed in the month of the decision": (
        [_service(NOTICE + "        signed: 2024-05\n")],
        [],
    ),
    "a delegated decision in consultation, with a confidential annex": (
        [
            _service(
                NOTICE + "        signed: 2024-05-17\n        signatory: Head of Community Safety\n"
                "        in_consultation_with: the Chairman\n        confidential: true\n"
                "        confidential_reason: Commercially sensitive prices.\n"
            )
        ],
        [],
    ),
    "a confidential notice without its reason": (
        [_service(NOTICE + "        confidential: true\n")],
        [
            f"{FEN_SERVICES}:17:9: error: a confidential notice gives confidential_reason (why "
            "its annex is not public) [services[0].decisions[0]]"
        ],
    ),
    "a confidentiality reason on a notice that is not confidential": (
        [_service(NOTICE + "        confidential_reason: Prices.\n")],
        [
            f"{FEN_SERVICES}:17:9: error: confidential_reason needs confidential: true, or leave "
            "it out [services[0].decisions[0]]"
        ],
    ),
    "a review's decision record signed before the decision": (
        [
            (
                FEN + "review.yml",
                "    effective: 2025-04-01\n",
                "    effective: 2025-04-01\n    record:\n      reference: FDN-2025-02\n"
                "      date: 2025-03\n      decision_maker: Board\n      summary: Continue.\n"
                "      signed: 2025-02-28\n",
            )
        ],
        [
            f"{FEN}review.yml:18:7: warning: decision notice FDN-2025-02 is signed 2025-02-28, "
            "before the decision date (2025-03); check both dates "
            "[services[0].record.signed]"
        ],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(DELIVERY.values()), ids=list(DELIVERY))
def test_services_as_published(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


# --- dates and status ---------------------------------------------------------------------

STATUS = {
    "action due before the year": (
        [(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")],
        [
            f"{FEN}actions.yml:7:5: error: due 2024-03-31 is before the plan year starts "
            "(2024-04-01) [actions[0].due]"
        ],
    ),
    "action due on the first day": (
        [(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-04-01")],
        [
            f"{FEN}actions.yml:11:9: warning: milestone due 2024-06-30, after its action "
            "(2024-04-01) [actions[0].milestones[0].due]"
        ],
    ),
    "milestone due before the year": (
        [(FEN + "actions.yml", "due: 2024-06-30", "due: 2024-01-15")],
        [
            f"{FEN}actions.yml:11:9: error: due 2024-01-15 is before the plan year starts "
            "(2024-04-01) [actions[0].milestones[0].due]"
        ],
    ),
    "action due in the month before the year": (
        [(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03")],
        [
            f"{FEN}actions.yml:7:5: error: due 2024-03 is before the plan year starts "
            "(2024-04-01) [actions[0].due]"
        ],
    ),
    "action due in the year the plan year starts": (
        [(FEN + "actions.yml", "due: 2025-03-31", "due: 2024")],
        [],
    ),
    "milestone due in the action's month": (
        [
            (FEN + "actions.yml", "due: 2025-03-31", "due: 2024-06"),
            (FEN + "actions.yml", "due: 2024-06-30", "due: 2024-06-15"),
        ],
        [],
    ),
    "milestone due after its action's month": (
        [
            (FEN + "actions.yml", "due: 2025-03-31", "due: 2024-06"),
            (FEN + "actions.yml", "due: 2024-06-30", "due: 2024-07"),
        ],
        [
            f"{FEN}actions.yml:11:9: warning: milestone due 2024-07, after its action "
            "(2024-06) [actions[0].milestones[0].due]"
        ],
    ),
    "published without approval": (
        [(FEN + "plan.yml", APPROVAL_2024, "")],
        [
            f"{FEN}plan.yml:3:1: warning: a published plan records its approval (body and "
            "date) under approval; or, if the published plan has none, add approval to "
            "not_published in plan.yml [status]"
        ],
    ),
    "published without a public meeting": (
        [(FEN + "plan.yml", "    public: true\n", "")],
        [
            f"{FEN}plan.yml:7:1: warning: no public meeting is recorded; the regulations "
            "require at least one a year; or, if the published plan has none, add meetings to "
            "not_published in plan.yml [meetings]"
        ],
    ),
    "approved without a public meeting": (
        [(FEN_NEXT + "plan.yml", "    public: true\n", "")],
        [],
    ),
    "meeting after the year": (
        [(FEN + "plan.yml", "date: 2024-07-10", "date: 2025-04-01")],
        [
            f"{FEN}plan.yml:8:5: warning: meeting on 2025-04-01 is outside 2024-25 "
            "[meetings[0].date]"
        ],
    ),
    "meeting before the year": (
        [(FEN + "plan.yml", "date: 2024-07-10", "date: 2024-03-31")],
        [
            f"{FEN}plan.yml:8:5: warning: meeting on 2024-03-31 is outside 2024-25 "
            "[meetings[0].date]"
        ],
    ),
    "meeting on the last day": (
        [(FEN + "plan.yml", "date: 2024-07-10", "date: 2025-03-31")],
        [],
    ),
    "review of a draft": (
        [
            (FEN + "plan.yml", "status: published", "status: draft"),
            (FEN + "plan.yml", APPROVAL_2024, ""),
        ],
        [
            f"{FEN}review.yml:1:1: warning: a draft plan has an annual review; approve the "
            "plan first"
        ],
    ),
    "review of a plan in consultation": (
        [(FEN + "plan.yml", "status: published", "status: consultation")],
        [
            f"{FEN}plan.yml:3:1: warning: the plan is in consultation but does not say how to "
            "comment on it; add consultation: with how_to_respond and until (and url, if there "
            "is a survey) [status]",
            f"{FEN}review.yml:1:1: warning: a consultation plan has an annual review; approve "
            "the plan first",
        ],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(STATUS.values()), ids=list(STATUS))
def test_dates_and_status(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


def test_an_approved_plan_without_approval(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "plan.yml",
        "approval:\n  body: Safer Fenwick Partnership board\n  date: 2025-04-15\n",
        "",
    )
    assert tree.problems() == [
        f"{FEN_NEXT}plan.yml:3:1: warning: an approved plan records its approval (body and "
        "date) under approval; or, if the published plan has none, add approval to "
        "not_published in plan.yml [status]"
    ]


# --- the annual review is complete ----------------------------------------------------------

REVIEW = {
    "indicator without an outturn": (
        "outturns:\n  - indicator: da-reports\n    value: 125\n",
        "",
        [
            f"{FEN}review.yml:1:1: warning: indicator 'da-reports' has no outturn; add it under "
            "outturns (status not-yet-available if the data is not out); or, if the published "
            "plan has none, add outturns to not_published in plan.yml [outturns]"
        ],
    ),
    "service without a decision": (
        """services:
  - service: refuge
    decision: continue
    rationale: It works.
    effective: 2025-04-01
""",
        "",
        [
            f"{FEN}review.yml:1:1: warning: service 'refuge' has no decision; add it under "
            "services (continue, extend, recommission, redesign or decommission); or, if the "
            "published plan has none, add decisions to not_published in plan.yml [services]"
        ],
    ),
    "priority without a narrative": (
        "priorities:\n  - priority: domestic-abuse\n    narrative: Reporting rose.\n",
        "",
        [
            f"{FEN}review.yml:1:1: warning: priority 'domestic-abuse' has no narrative in the "
            "review [priorities]"
        ],
    ),
    "reported outturn without a value": (
        "    value: 125\n",
        "",
        [
            f"{FEN}review.yml:6:5: error: a reported outturn needs a value; otherwise set "
            "status to not-yet-available, no-new-data or not-published [outturns[0].value]"
        ],
    ),
    "outturn with no new data and a value": (
        "    value: 125\n",
        "    value: 125\n    status: no-new-data\n",
        [
            f"{FEN}review.yml:7:5: error: an outturn with status no-new-data cannot have a value "
            "[outturns[0].value]"
        ],
    ),
    "outturn not yet available": (
        "    value: 125\n",
        "    status: not-yet-available\n",
        [],
    ),
}


@pytest.mark.parametrize(("old", "new", "expected"), list(REVIEW.values()), ids=list(REVIEW))
def test_review_is_complete(tree: Tree, old: str, new: str, expected: list[str]) -> None:
    tree.edit(FEN + "review.yml", old, new)
    assert tree.problems() == expected


# --- money reconciles -----------------------------------------------------------------------

OVER_PROGRAMMING = (
    STREAMS,
    "    funder: fenwick-council\n",
    "    funder: fenwick-council\n    over_programming_percent: 10\n",
)

MONEY = {
    "allocation exceeding the pot": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 50000.01")],
        [
            f"{FEN}funding.yml:10:5: warning: allocations from 'council-base' in 2024-25 total "
            "£50,000.01, more than its pot of £50,000.00 by £0.01; both are shown (if it is "
            "deliberate, declare over_programming_percent) [allocations[1].amount]"
        ],
    ),
    "allocation filling the pot exactly": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 50000.00")],
        [],
    ),
    "a pot filled exactly, over-programming declared": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 50000.00"), OVER_PROGRAMMING],
        [],
    ),
    "one penny over the pot, within the declared margin": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 50000.01"), OVER_PROGRAMMING],
        [
            f"{FEN}funding.yml:10:5: warning: allocations from 'council-base' in 2024-25 total "
            "£50,000.01: over-programmed by £0.01 against a pot of £50,000.00 "
            "(declared 10%) [allocations[1].amount]"
        ],
    ),
    "over-programming within the declared margin": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 55000"), OVER_PROGRAMMING],
        [
            f"{FEN}funding.yml:10:5: warning: allocations from 'council-base' in 2024-25 total "
            "£55,000.00: over-programmed by £5,000.00 against a pot of £50,000.00 "
            "(declared 10%) [allocations[1].amount]"
        ],
    ),
    "over-programming beyond the declared margin": (
        [(FEN + "funding.yml", "amount: 40000", "amount: 55000.01"), OVER_PROGRAMMING],
        [
            f"{FEN}funding.yml:10:5: warning: allocations from 'council-base' in 2024-25 total "
            "£55,000.01, more than its pot of £50,000.00 plus the declared 10% "
            "over-programming by £0.01; both are shown [allocations[1].amount]"
        ],
    ),
    "a formula pot exceeding the stream's pot": (
        [(PCC + "funding.yml", "pot: 100.00", "pot: 100.01")],
        [
            f"{PCC}funding.yml:5:5: warning: allocations from 'pcc-fund' in 2024-25 total "
            "£100.01, more than its pot of £100.00 by £0.01; both are shown (if it is "
            "deliberate, declare over_programming_percent) [formulas[0].pot]"
        ],
    ),
    "a stream with no pot for the year": (
        [(STREAMS, "      - year: 2024-25\n        amount: 50000\n", "")],
        [
            f"{FEN}funding.yml:10:5: error: stream 'council-base' has no pot for 2024-25; add "
            "one to data/funding-streams.yml [allocations[1].amount]"
        ],
    ),
    "weights not summing to 1": (
        [
            (
                PCC + "funding.yml",
                "Recorded crime\n        weight: 0.5",
                "Recorded crime\n        weight: 0.4",
            )
        ],
        [
            f"{PCC}funding.yml:6:5: error: criteria weights sum to 0.9, not 1; adjust them "
            "[formulas[0].criteria]"
        ],
    ),
    "a missing formula input": (
        [
            (
                PCC + "funding.yml",
                "inputs: {population: 100, crime: 10}",
                "inputs: {population: 100}",
            )
        ],
        [
            f"{PCC}funding.yml:15:9: error: no input for criterion 'crime'; add it "
            "[formulas[0].recipients[0].inputs]"
        ],
    ),
    "an unknown formula input": (
        [
            (
                PCC + "funding.yml",
                "inputs: {population: 100, crime: 10}",
                "inputs: {population: 100, crime: 10, deprivation: 3}",
            )
        ],
        [
            f"{PCC}funding.yml:15:46: error: 'deprivation' is not a criterion of this formula "
            "[formulas[0].recipients[0].inputs.deprivation]"
        ],
    ),
    "a published amount differing from the computed share": (
        [
            (
                PCC + "funding.yml",
                "inputs: {population: 100, crime: 10}",
                "inputs: {population: 100, crime: 10}\n        published_amount: 100.03",
            )
        ],
        [
            f"{PCC}funding.yml:16:9: warning: published £100.03 differs from the computed "
            "£100.00 by £0.03; both are shown "
            "(explain it in published_note to record that it is known) "
            "[formulas[0].recipients[0].published_amount]"
        ],
    ),
    "a published amount equal to the computed share": (
        [
            (
                PCC + "funding.yml",
                "inputs: {population: 100, crime: 10}",
                "inputs: {population: 100, crime: 10}\n        published_amount: 100",
            )
        ],
        [],
    ),
    "a published total differing from the rows": (
        [(PCC + "funding.yml", "    pot: 100.00", "    pot: 100.00\n    published_total: 100.02")],
        [
            f"{PCC}funding.yml:6:5: warning: published total £100.02 differs from the sum of "
            "the rows £100.00 by £0.02; both are shown "
            "(explain it in published_note to record that it is known) "
            "[formulas[0].published_total]"
        ],
    ),
    "a formula allocation with a typed amount": (
        [
            (
                FEN + "funding.yml",
                "    formula: fund-formula\n",
                "    formula: fund-formula\n    amount: 100\n",
            )
        ],
        [
            f"{FEN}funding.yml:6:5: error: a formula allocation is computed to the penny; "
            "leave amount out (use published_amount for a published figure) "
            "[allocations[0].amount]"
        ],
    ),
    "a formula allocation to a partnership that is not a recipient": (
        [(PCC + "funding.yml", "partnership: fenwick-csp", "partnership: ashdown-pcc")],
        [
            f"{PCC}funding.yml:14:9: warning: ashdown-pcc has no allocation from formula "
            "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]",
            f"{FEN}funding.yml:5:5: error: fenwick-csp is not a recipient of formula "
            "'fund-formula' [allocations[0].formula]",
        ],
    ),
    "a formula recipient without an allocation": (
        [
            (
                FEN + "funding.yml",
                """  - id: from-pcc
    stream: pcc-fund
    method: formula
    formula: fund-formula
    recipient: fenwick-council
""",
                "",
            )
        ],
        [
            f"{PCC}funding.yml:14:9: warning: fenwick-csp has no allocation from formula "
            "'fund-formula' in its 2024-25 funding.yml [formulas[0].recipients[0].partnership]"
        ],
    ),
    "a formula allocation from another stream": (
        [(FEN + "funding.yml", "stream: pcc-fund", "stream: council-base")],
        [
            f"{FEN}funding.yml:3:5: error: formula 'fund-formula' shares stream 'pcc-fund', "
            "not 'council-base' [allocations[0].stream]"
        ],
    ),
    "a stream that ended before the year": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    ends: 2024-03-31\n",
            )
        ],
        [
            f"{FEN}funding.yml:8:5: error: stream 'council-base' ended on 2024-03-31, before "
            "2024-25 began; fund this from another stream [allocations[1].stream]",
            f"{FEN}services.yml:13:9: error: stream 'council-base' ended on 2024-03-31, before "
            "2024-25 began; fund this from another stream [services[0].funding[0].stream]",
            f"{FEN_NEXT}funding.yml:8:5: error: stream 'council-base' ended on 2024-03-31, "
            "before 2025-26 began; fund this from another stream [allocations[1].stream]",
            f"{FEN_NEXT}services.yml:13:9: error: stream 'council-base' ended on 2024-03-31, "
            "before 2025-26 began; fund this from another stream "
            "[services[0].funding[0].stream]",
        ],
    ),
    "a stream that ended in a month, as published": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    ends: 2025-03\n",
            )
        ],
        [
            f"{FEN_NEXT}funding.yml:8:5: error: stream 'council-base' ended in 2025-03, "
            "before 2025-26 began; fund this from another stream [allocations[1].stream]",
            f"{FEN_NEXT}services.yml:13:9: error: stream 'council-base' ended in 2025-03, "
            "before 2025-26 began; fund this from another stream "
            "[services[0].funding[0].stream]",
        ],
    ),
    "a stream that ended in a year, compared conservatively": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    ends: 2025\n",
            )
        ],
        [],  # it may have run to the end of 2025: neither year is refused
    ),
    "a stream that ends on the last day of the first year": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    ends: 2025-03-31\n",
            )
        ],
        [
            f"{FEN_NEXT}funding.yml:8:5: error: stream 'council-base' ended on 2025-03-31, "
            "before 2025-26 began; fund this from another stream [allocations[1].stream]",
            f"{FEN_NEXT}services.yml:13:9: error: stream 'council-base' ended on 2025-03-31, "
            "before 2025-26 began; fund this from another stream "
            "[services[0].funding[0].stream]",
        ],
    ),
    "a stream that starts after the year": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    starts: 2025-04-01\n",
            )
        ],
        [
            f"{FEN}funding.yml:8:5: error: stream 'council-base' starts on 2025-04-01, after "
            "2024-25 ends [allocations[1].stream]",
            f"{FEN}services.yml:13:9: error: stream 'council-base' starts on 2025-04-01, after "
            "2024-25 ends [services[0].funding[0].stream]",
        ],
    ),
    "a stream that starts on the last day of the year": (
        [
            (
                STREAMS,
                "    funder: fenwick-council\n",
                "    funder: fenwick-council\n    starts: 2025-03-31\n",
            )
        ],
        [],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(MONEY.values()), ids=list(MONEY))
def test_money_reconciles(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


NEGATIVE_MONEY = {
    "published amount below the computed share": (
        "inputs: {population: 100, crime: 10}",
        "inputs: {population: 100, crime: 10}\n        published_amount: 99.99",
        f"{PCC}funding.yml:16:9: warning: published £99.99 differs from the computed £100.00 "
        "by -£0.01; both are shown "
        "(explain it in published_note to record that it is known) "
        "[formulas[0].recipients[0].published_amount]",
    ),
    "published total below the rows": (
        "    pot: 100.00",
        "    pot: 100.00\n    published_total: 99.98",
        f"{PCC}funding.yml:6:5: warning: published total £99.98 differs from the sum of the "
        "rows £100.00 by -£0.02; both are shown "
        "(explain it in published_note to record that it is known) "
        "[formulas[0].published_total]",
    ),
    "adjustment below zero": (
        "inputs: {population: 100, crime: 10}",
        "inputs: {population: 100, crime: 10}\n"
        "        adjustment: {amount: -100.01, reason: Withdrawn.}",
        f"{PCC}funding.yml:16:9: error: the adjustment makes the allocation negative (-£0.01) "
        "[formulas[0].recipients[0].adjustment]",
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "expected"), list(NEGATIVE_MONEY.values()), ids=list(NEGATIVE_MONEY)
)
def test_negative_amounts_are_shown_with_the_sign_first(
    tree: Tree, old: str, new: str, expected: str
) -> None:
    tree.edit(PCC + "funding.yml", old, new)
    assert tree.problems() == [expected]


def test_a_formula_from_an_ended_stream_is_reported(tree: Tree) -> None:
    tree.edit(
        STREAMS,
        "    funder: ashdown-pcc-office\n",
        "    funder: ashdown-pcc-office\n    ends: 2025-03-31\n",
    )
    problems = tree.problems()
    assert (
        f"{FEN_NEXT}funding.yml:3:5: error: stream 'pcc-fund' ended on 2025-03-31, before "
        "2025-26 began; fund this from another stream [allocations[0].stream]" in problems
    )
    formula = "plans/ashdown-pcc/2025-26/funding.yml:4:5: error: stream 'pcc-fund' ended"
    assert any(p.startswith(formula) for p in problems), problems


RISK_BANDS = {
    "a gap": (
        "low: 1\n    high: 4\n  - name: medium\n    low: 6",
        ["data/settings.yml:4:1: error: no band covers score 5 [risk_bands]"],
    ),
    "an overlap": (
        "low: 1\n    high: 5\n  - name: medium\n    low: 5",
        [
            "data/settings.yml:4:1: error: bands 'low' (1–5) and 'medium' (5–10) overlap: "
            "both cover 5 [risk_bands]"
        ],
    ),
    "contiguous": ("low: 1\n    high: 4\n  - name: medium\n    low: 5", []),
}


@pytest.mark.parametrize(("bands", "expected"), list(RISK_BANDS.values()), ids=list(RISK_BANDS))
def test_risk_bands_cover_every_score_once(tree: Tree, bands: str, expected: list[str]) -> None:
    tree.edit(
        SETTINGS,
        "fictional: true\n",
        f"""fictional: true
risk_bands:
  - name: low
    {bands}
    high: 10
  - name: high
    low: 12
    high: 25
""",
    )
    assert tree.problems() == expected


# --- all problems in one run, sorted -----------------------------------------------------


def test_problems_from_several_files_are_reported_together_sorted(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "plan.yml", "date: 2025-07-10", "date: 2026-07-10")
    tree.edit(FEN + "services.yml", "    priorities: [domestic-abuse]\n", "")
    tree.edit(FEN + "actions.yml", "due: 2024-06-30", "due: 2024-01-15")
    tree.edit(FEN + "actions.yml", "lead: fenwick-council", "lead: fenwick-councl")
    tree.edit(
        ORGS,
        "  - id: fenwick-refuge\n",
        "  - id: fenwick-council\n    name: Again\n    kind: council\n  - id: fenwick-refuge\n",
    )
    assert tree.problems() == [
        f"{ORGS}:11:5: error: duplicate organisation id 'fenwick-council' (first at line 2) "
        "[organisations[3].id]",
        f"{FEN}actions.yml:6:5: error: unknown organisation 'fenwick-councl' — did you mean "
        "'fenwick-council'? [actions[0].lead]",
        f"{FEN}actions.yml:11:9: error: due 2024-01-15 is before the plan year starts "
        "(2024-04-01) [actions[0].milestones[0].due]",
        f"{FEN}services.yml:2:5: warning: service 'refuge' serves no priority; list them under "
        "priorities [services[0].id]",
        f"{FEN_NEXT}plan.yml:8:5: warning: meeting on 2026-07-10 is outside 2025-26 "
        "[meetings[0].date]",
    ]


# --- the loader's problems surface with their file and line ------------------------------

LOADER = {
    "a duplicate key": (
        [(FEN + "plan.yml", "status: published\n", "status: published\nstatus: draft\n")],
        [f"{FEN}plan.yml:4:1: error: duplicate key 'status' (first at line 3) [status]"],
    ),
    "an anchor and an alias": (
        [
            (FEN + "plan.yml", "  - id: domestic-abuse", "  - id: &lead domestic-abuse"),
            (FEN + "plan.yml", "leads: [fenwick-council]", "leads: [*lead]"),
        ],
        [
            f"{FEN}plan.yml:12:9: error: `&lead` (a label for reusing this value) is not "
            "allowed: remove it, or put the text in quotes if it starts with & [priorities[0].id]",
            f"{FEN}plan.yml:16:13: error: `*lead` (reusing a labelled value) is not allowed: "
            "write the value out in full, or put the text in quotes if it starts with * "
            "[priorities[0].leads[0]]",
        ],
    ),
    "problems in two files": (
        [
            (FEN + "plan.yml", "status: published\n", "status: published\nstatus: draft\n"),
            ("data/areas.yml", "    name: Ashdown\n", "    name: Ashdown\n    colour: blue\n"),
        ],
        [
            "data/areas.yml:4:5: error: unknown field 'colour' [areas[0].colour]",
            f"{FEN}plan.yml:4:1: error: duplicate key 'status' (first at line 3) [status]",
        ],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), list(LOADER.values()), ids=list(LOADER))
def test_loader_problems_surface(tree: Tree, edits: list[Edit], expected: list[str]) -> None:
    assert apply(tree, edits) == expected


def test_an_escaped_invisible_character_is_refused(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "title: Safer Fenwick Plan 2024-27",
        'title: "Safer Fenwick \\u202EPlan"',
    )
    problems = tree.problems()
    assert any("U+202E" in p for p in problems), problems


# --- the project's shape ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data/settings.yml", "data/settings.yml:1:1: error: required file is missing"),
        ("data/organisations.yml", "data/organisations.yml:1:1: error: required file is missing"),
        ("data/areas.yml", "data/areas.yml:1:1: error: required file is missing"),
        (STREAMS, f"{STREAMS}:1:1: error: required file is missing"),
        ("plans", "plans:1:1: error: the plans/ folder is missing"),
        (
            "plans/fenwick-csp/partnership.yml",
            "plans/fenwick-csp:1:1: error: partnership folder has no partnership.yml",
        ),
        (FEN + "plan.yml", "plans/fenwick-csp/2024-25:1:1: error: year folder has no plan.yml"),
    ],
)
def test_missing_required_files(tree: Tree, name: str, expected: str) -> None:
    tree.remove(name)
    assert tree.problems() == [expected]


def test_a_year_folder_without_plan_yml(tree: Tree) -> None:
    tree.write("plans/fenwick-csp/2026-27/README.md", "Next year, not started.\n")
    assert tree.problems() == ["plans/fenwick-csp/2026-27:1:1: error: year folder has no plan.yml"]


def test_an_unexpected_file_in_a_year_folder(tree: Tree) -> None:
    tree.write(FEN + "notes.txt", "Remember the milk.\n")
    tree.write(FEN + "README.md", "Markdown notes are allowed.\n")
    assert tree.problems() == [
        f"{FEN}notes.txt:1:1: error: unexpected file in a year folder ({ALLOWED})"
    ]


@pytest.mark.parametrize(
    ("name", "hint"), [("plan.yaml", "plan.yml"), ("action.yml", "actions.yml")]
)
def test_an_unexpected_file_gets_a_did_you_mean(tree: Tree, name: str, hint: str) -> None:
    tree.write(FEN + name, "year: 2024-25\n")
    assert tree.problems() == [
        f"{FEN}{name}:1:1: error: unexpected file in a year folder ({ALLOWED}) — did you mean "
        f"'{hint}'?"
    ]


def test_an_unexpected_file_gets_a_hint_today(tree: Tree) -> None:
    """The hint exists (its wording is the bug above): pin the rest of the message."""
    tree.write(FEN + "plan.yaml", "year: 2024-25\n")
    [problem] = tree.problems()
    assert problem.startswith(
        f"{FEN}plan.yaml:1:1: error: unexpected file in a year folder ({ALLOWED}) — did you mean "
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symbolic_link_in_a_partnership_folder(tree: Tree) -> None:
    (tree.path("plans/fenwick-csp/2023-24")).symlink_to(tree.path(FEN))
    assert tree.problems() == [
        "plans/fenwick-csp/2023-24:1:1: error: symbolic links are not followed; copy the file in"
    ]


def test_a_symbolic_link_in_a_year_folder(tree: Tree) -> None:
    target = tree.path("elsewhere.yml")
    target.write_text(tree.read(FEN + "review.yml"), encoding="utf-8")
    tree.remove(FEN + "review.yml")
    tree.path(FEN + "review.yml").symlink_to(target)
    assert tree.problems() == [
        f"{FEN}review.yml:1:1: error: symbolic links are not followed; copy the file in"
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "plans/Fenwick_CSP/partnership.yml",
            "plans/Fenwick_CSP:1:1: error: a partnership folder is named by its id (lower-case, "
            "digits, hyphens)",
        ),
        (
            "plans/fenwick-csp/2024/plan.yml",
            "plans/fenwick-csp/2024:1:1: error: a year folder is named by its financial year, "
            "e.g. 2024-25",
        ),
        (
            "plans/notes.txt",
            "plans/notes.txt:1:1: error: only partnership folders belong in plans/",
        ),
        (
            "plans/fenwick-csp/notes.yml",
            "plans/fenwick-csp/notes.yml:1:1: error: unexpected file; a partnership folder holds "
            "partnership.yml and years",
        ),
    ],
)
def test_badly_named_folders_and_stray_files(tree: Tree, name: str, expected: str) -> None:
    tree.write(name, "id: x\n")
    assert tree.problems() == [expected]


def test_a_declared_published_difference_is_not_warned_about(tree: Tree) -> None:
    tree.edit(
        PCC + "funding.yml",
        "        inputs: {population: 100, crime: 10}\n",
        "        inputs: {population: 100, crime: 10}\n        published_amount: 100.03\n"
        "        published_note: The panel report rounded up; the payment was £100.00.\n",
    )
    assert tree.problems() == []


def test_urls_must_be_web_addresses(tree: Tree) -> None:
    tree.edit(
        FEN + "assessment.yml",
        "    title: Recorded crime\n",
        "    title: Recorded crime\n    url: javascript:alert(1)\n",
    )
    assert tree.problems() == [
        f"{FEN}assessment.yml:8:10: error: 'javascript:alert(1)' is not a web address; write it "
        "in full, starting https:// (or http://, or mailto: for an email address) "
        "[sources[0].url]"
    ]


# --- recommendations: adopted, moved to another tier, partly adopted or not ---------------


def test_a_finding_moved_to_another_tier_may_be_cited_there(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "    findings: [da-rising]\n",
        "    tier: cross-cutting\n    findings: [da-rising]\n",
    )
    with open(tree.path(FEN + "plan.yml"), "a", encoding="utf-8") as plan:
        plan.write(
            "not_adopted:\n  - finding: da-rising\n"
            "    decision: Kept as a cross-cutting theme, not a core priority.\n"
            "    tier: cross-cutting\n"
        )
    assert tree.problems() == []
    tree.edit(FEN + "plan.yml", "    tier: cross-cutting\n    findings", "    findings")
    assert tree.problems() == [
        f"{FEN}plan.yml:23:5: warning: finding 'da-rising' is listed as not adopted but a "
        "priority cites it [not_adopted[0].finding]"
    ]


def test_a_finding_partly_adopted_is_cited_by_the_priority_that_takes_it_up(tree: Tree) -> None:
    """A partly adopted recommendation is cited by a priority: no "listed as not adopted but a
    priority cites it" for it; one that no priority cites is itself the oddity."""
    with open(tree.path(FEN + "plan.yml"), "a", encoding="utf-8") as plan:
        plan.write(
            "not_adopted:\n  - finding: da-rising\n"
            "    decision: Only the support of repeat victims was taken up.\n"
            "    extent: partly-adopted\n"
        )
    assert tree.problems() == []
    tree.edit(FEN + "plan.yml", "    findings: [da-rising]\n", "")
    assert tree.problems() == [
        f"{FEN}plan.yml:12:5: warning: priority 'domestic-abuse' cites no finding; list the "
        "assessment findings that justify it under findings; or, if the published plan has "
        "none, add findings to not_published in plan.yml [priorities[0].id]",
        f"{FEN}plan.yml:24:5: warning: finding 'da-rising' is listed as partly adopted but no "
        "priority cites it; cite it from the priority that takes up its part "
        "[not_adopted[0].extent]",
    ]
    tree.edit(FEN + "plan.yml", "extent: partly-adopted", "extent: partly")
    assert tree.problems() == [
        f"{FEN}plan.yml:24:13: error: 'partly' is not allowed here; use one of: not-adopted, "
        "partly-adopted — did you mean 'partly-adopted'? [not_adopted[0].extent]"
    ]


def test_a_renamed_id_reported_many_times_is_compared_with_the_known_ids_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import difflib

    from generator.problems import did_you_mean

    calls: list[str] = []
    real = difflib.get_close_matches

    def counted(word: str, *args: object, **kwargs: object) -> list[str]:
        calls.append(word)
        return real(word, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    known = {f"renamed-police-{n:03d}" for n in range(300)}
    hints = [did_you_mean("renamed-police-1x7", list(known)) for _ in range(50)]
    nearest = real("renamed-police-1x7", sorted(known), n=1, cutoff=0.6)
    assert set(hints) == {f" — did you mean '{nearest[0]}'?"}
    assert calls == ["renamed-police-1x7"]  # the nearest above was not counted
    assert did_you_mean("renamed-police-1x7", ["other-id"]) == ""  # other ids: asked afresh
    assert calls == ["renamed-police-1x7", "renamed-police-1x7"]


def test_an_allocation_from_an_unknown_stream_is_one_problem(tree: Tree) -> None:
    """The money rules pass over an unknown stream (it is reported once, as a reference)."""
    tree.edit(FEN + "funding.yml", "    stream: council-base\n", "    stream: council-bse\n")
    assert tree.problems() == [
        f"{FEN}funding.yml:8:5: error: unknown funding stream 'council-bse' — did you mean "
        "'council-base'? [allocations[1].stream]"
    ]


def test_a_formula_allocations_published_figure_with_a_note_is_not_warned_about(
    tree: Tree,
) -> None:
    published = "    formula: fund-formula\n    published_amount: 100.07\n"
    tree.edit(FEN + "funding.yml", "    formula: fund-formula\n", published)
    assert tree.problems() == [
        f"{FEN}funding.yml:6:5: warning: published £100.07 differs from the computed £100.00 by "
        "£0.07; both are shown (explain it in published_note to record that it is known) "
        "[allocations[0].published_amount]"
    ]
    tree.edit(FEN + "funding.yml", published, published + "    published_note: Rounded up.\n")
    assert tree.problems() == []
