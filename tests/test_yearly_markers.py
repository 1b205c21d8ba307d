"""What the editor must still do, in the model: `to_confirm` markers, actions carried over from
an earlier year, risks recorded before anyone rated them, and draft reviews and assessments.

Each test changes a copy of tests/fixtures/minimal in one place and compares the exact
problems, pages or open data that change brings."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from tests.conftest import render_year

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
PCC = "plans/ashdown-pcc/2024-25/"
CARD_LABEL = re.compile(r'<span class="card-label">[^<]*</span>')
RISK = """risks:
  - id: refuge-ends
    service: refuge
    reason: funding-ends
    description: The council's base budget may not cover it.
    owner: fenwick-council
"""
RATED = """    harm:
      likelihood: 4
      impact: 5
    vulnerability:
      likelihood: 3
      impact: 4
    crime:
      likelihood: 2
      impact: 2
    reputation:
      likelihood: 2
      impact: 3
    recommendation: continue
"""


def test_each_to_confirm_is_a_warning_located_at_it(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "    leads: [fenwick-council]\n",
        "    leads: [fenwick-council]\n    to_confirm: check it against the new assessment\n",
    )
    tree.edit(
        FEN + "indicators.yml",
        "    polarity: higher-is-better\n",
        "    polarity: higher-is-better\n    to_confirm: set the 2024-25 target\n",
    )
    tree.edit(
        FEN + "actions.yml",
        "    services: [refuge]\n",
        "    services: [refuge]\n    to_confirm: set a new due date\n"
        "    funding:\n      - stream: council-base\n        amount: 100\n"
        "        to_confirm: confirm the amount\n",
    )
    tree.edit(
        FEN + "services.yml",
        "        amount: 40000\n",
        "        amount: 40000\n        to_confirm: 'amount carried from 2023-24: confirm it'\n"
        "    to_confirm: 'recommissioned: record the new procurement'\n",
    )
    tree.edit(
        FEN + "funding.yml",
        "    amount: 40000\n",
        "    amount: 40000\n    to_confirm: confirm the amount\n",
    )
    tree.edit(
        PCC + "funding.yml",
        "    stream: pcc-fund\n",
        "    stream: pcc-fund\n    to_confirm: 'confirm the pot and inputs'\n",
    )
    tree.write(FEN + "risks.yml", RISK + RATED + "    to_confirm: rate it and recommend\n")
    assert tree.problems() == [
        f"{PCC}funding.yml:5:5: warning: formula 'fund-formula': still to confirm: confirm the "
        "pot and inputs [formulas[0].to_confirm]",
        f"{FEN}actions.yml:9:5: warning: action 'refuge-places': still to confirm: set a new "
        "due date [actions[0].to_confirm]",
        f"{FEN}actions.yml:13:9: warning: action 'refuge-places', funding from 'council-base': "
        "still to confirm: confirm the amount [actions[0].funding[0].to_confirm]",
        f"{FEN}funding.yml:11:5: warning: allocation 'base': still to confirm: confirm the "
        "amount [allocations[1].to_confirm]",
        f"{FEN}indicators.yml:7:5: warning: indicator 'da-reports': still to confirm: set the "
        "2024-25 target [indicators[0].to_confirm]",
        f"{FEN}plan.yml:17:5: warning: priority 'domestic-abuse': still to confirm: check it "
        "against the new assessment [priorities[0].to_confirm]",
        f"{FEN}risks.yml:20:5: warning: risk 'refuge-ends': still to confirm: rate it and "
        "recommend [risks[0].to_confirm]",
        f"{FEN}services.yml:15:9: warning: service 'refuge', funding from 'council-base': still "
        "to confirm: amount carried from 2023-24: confirm it [services[0].funding[0].to_confirm]",
        f"{FEN}services.yml:16:5: warning: service 'refuge': still to confirm: recommissioned: "
        "record the new procurement [services[0].to_confirm]",
    ]


def test_to_confirm_is_one_line(tree: Tree) -> None:
    tree.edit(
        FEN + "indicators.yml",
        "    polarity: higher-is-better\n",
        '    polarity: higher-is-better\n    to_confirm: "set it\\nnow"\n',
    )
    assert tree.problems() == [
        f"{FEN}indicators.yml:7:17: error: must be a single line; move the detail to a "
        "description field [indicators[0].to_confirm]"
    ]


def test_a_carried_action_overdue_is_a_warning_not_an_error(tree: Tree) -> None:
    old_dates = ("    due: 2025-03-31\n", "    due: 2024-03-31\n")
    tree.edit(FEN + "actions.yml", *old_dates)
    tree.edit(FEN + "actions.yml", "        due: 2024-06-30\n", "        due: 2024-02-29\n")
    own = [
        f"{FEN}actions.yml:7:5: error: due 2024-03-31 is before the plan year starts "
        "(2024-04-01) [actions[0].due]",
        f"{FEN}actions.yml:11:9: error: due 2024-02-29 is before the plan year starts "
        "(2024-04-01) [actions[0].milestones[0].due]",
    ]
    assert tree.problems() == own
    tree.edit(FEN + "actions.yml", "    services: [refuge]\n", "    services: [refuge]\n"
              "    carried_from: 2023-24\n")  # fmt: skip
    assert tree.problems() == [
        f"{FEN}actions.yml:7:5: warning: due 2024-03-31 is before the plan year starts "
        "(2024-04-01): overdue, carried from 2023-24; set a new due date [actions[0].due]",
        f"{FEN}actions.yml:12:9: warning: due 2024-02-29 is before the plan year starts "
        "(2024-04-01): overdue, carried from 2023-24; set a new due date "
        "[actions[0].milestones[0].due]",
    ]


def test_an_action_is_carried_from_an_earlier_year_only(tree: Tree) -> None:
    tree.edit(FEN + "actions.yml", "    services: [refuge]\n", "    services: [refuge]\n"
              "    carried_from: 2024-25\n")  # fmt: skip
    assert tree.problems() == [
        f"{FEN}actions.yml:9:5: error: carried from 2024-25, which is not before this plan "
        "year (2024-25); name the earlier year the action comes from [actions[0].carried_from]"
    ]


def test_a_risk_not_yet_rated_is_listed_unscored(tree: Tree) -> None:
    partly = RISK + "    harm:\n      likelihood: 4\n      impact: 5\n"
    partly += "    vulnerability:\n      likelihood: 3\n      impact: 4\n"
    tree.write(FEN + "risks.yml", partly)
    assert tree.problems() == [
        f"{FEN}risks.yml:2:5: warning: risk 'refuge-ends' has no recommendation yet [risks[0].id]",
        f"{FEN}risks.yml:2:5: warning: risk 'refuge-ends' is not yet rated on crime, "
        "reputation [risks[0].id]",
    ]
    files = render_year(tree.root, "2024-25", "2025-26")
    page = files["fenwick-csp/risks.md"].decode()
    wide = CARD_LABEL.sub("", page)  # without the column names cards repeat on small screens
    row = (
        "| Refuge service | — | not yet rated | — | none yet | Fenwick District Council | "
        "Funding ends | 4 × 5 = 20 | 3 × 4 = 12 | not yet rated | not yet rated |"
    )
    assert row in wide
    assert "1 risk is not yet rated on every dimension, so it has no overall score" in page
    assert "The 1 risk not yet rated is left out." in page
    assert "| Crime | not yet rated | not yet rated | — | — |" in page
    assert "Not yet rated on every dimension, so it has no overall score." in page
    assert "Recommendation: **none yet**." in page
    area = CARD_LABEL.sub("", files["ashdown/index.md"].decode())
    assert (
        "| Refuge service | [Safer Fenwick Partnership](../fenwick\\-csp/risks.md) | "
        "not yet rated | — | none yet | 4 × 5 = 20 | 3 × 4 = 12 | not yet rated | not yet rated |"
    ) in area
    svg = files["fenwick-csp/charts/risk-heat-map.svg"].decode()
    assert "no risks rated; 1 not yet rated, left out." in svg
    data = json.loads(files["fenwick-csp/data/fenwick-csp-2024-25.json"])
    assert data["computed"]["risks"] == [
        {"id": "refuge-ends", "rank": None, "service": "refuge", "overall": None,
         "total": None, "band": None}
    ]  # fmt: skip
    csv = files["fenwick-csp/data/fenwick-csp-2024-25-risks.csv"].decode().splitlines()
    assert csv[1] == ",refuge-ends,refuge,20,12,,,,,"


def test_a_rated_risk_is_scored_and_ranked(tree: Tree) -> None:
    tree.write(FEN + "risks.yml", RISK + RATED)
    assert tree.problems() == []
    page = render_year(tree.root, "2024-25", "2025-26")["fenwick-csp/risks.md"].decode()
    assert "| Refuge service | 1 | **20** | High | " in CARD_LABEL.sub("", page)
    assert "| Funding ends | 4 × 5 = 20 | 3 × 4 = 12 | 2 × 2 = 4 | " in CARD_LABEL.sub("", page)
    assert "not yet rated" not in page


def test_a_final_review_needs_its_summary_and_a_draft_does_not(tree: Tree) -> None:
    tree.edit(FEN + "review.yml", "summary: A steady year.\n", "")
    assert tree.problems() == [
        f"{FEN}review.yml:1:1: error: a final review gives its summary; or set status: draft"
    ]
    tree.write(FEN + "review.yml", "status: draft\n" + tree.read(FEN + "review.yml"))
    assert tree.problems() == []


def test_a_draft_review_on_a_draft_plan_is_not_warned_about(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "status: published\n", "status: draft\n")
    warned = (
        f"{FEN}review.yml:1:1: warning: a draft plan has an annual review; approve the plan first"
    )
    assert warned in tree.problems()
    tree.write(FEN + "review.yml", "status: draft\n" + tree.read(FEN + "review.yml"))
    assert warned not in tree.problems()


def test_a_draft_review_is_incomplete_without_warnings(tree: Tree) -> None:
    tree.write(FEN + "review.yml", "status: draft\n")
    assert tree.problems() == []
    tree.write(FEN + "review.yml", "status: final\nsummary: Done.\n")
    assert f"{FEN}review.yml:1:1: warning: indicator 'da-reports' has no outturn" in "\n".join(
        tree.problems()
    )


def test_a_draft_review_is_left_out_of_the_public_site(tree: Tree) -> None:
    tree.write(FEN + "review.yml", "status: draft\n" + tree.read(FEN + "review.yml"))
    files = render_year(tree.root, "2024-25", "2025-26")
    page = files["fenwick-csp/review.md"].decode()
    assert "The annual review is in preparation." in page
    assert "A steady year." not in page
    data = json.loads(files["fenwick-csp/data/fenwick-csp-2024-25.json"])
    assert "review" not in data["source"]


def test_a_draft_review_is_marked_draft_when_drafts_are_built(tree: Tree) -> None:
    from generator.pipeline import check_project
    from generator.render import Version, render_version
    from tests.conftest import CHECKOUT

    tree.write(FEN + "review.yml", "status: draft\n" + tree.read(FEN + "review.yml"))
    project, _ = check_project(tree.root)
    assert project is not None
    version = Version("2024-25", "2025-26", drafts=True)
    page = render_version(project, CHECKOUT / "theme", version).files["fenwick-csp/review.md"]
    assert "**Draft.** This annual review is in preparation and is not final." in page.decode()
    assert "A steady year." in page.decode()


def test_a_draft_assessment_is_left_out_of_the_public_site(tree: Tree) -> None:
    tree.write(FEN + "assessment.yml", "status: draft\n" + tree.read(FEN + "assessment.yml"))
    assert tree.problems() == []
    page = render_year(tree.root, "2024-25", "2025-26")["fenwick-csp/assessment.md"].decode()
    assert "The needs assessment is in preparation." in page


def test_a_draft_review_is_not_pointed_at_as_the_latest(tree: Tree) -> None:
    banner = "The latest annual review is of 2024/25."
    page = render_year(tree.root, "2025-26", "2025-26")["fenwick-csp/review.md"].decode()
    assert banner in page
    tree.write(FEN + "review.yml", "status: draft\n" + tree.read(FEN + "review.yml"))
    page = render_year(tree.root, "2025-26", "2025-26")["fenwick-csp/review.md"].decode()
    assert banner not in page


def test_rating_a_risk_is_a_change_from_not_yet_rated(tree: Tree) -> None:
    from generator.pipeline import check_project
    from generator.review import since_last_year

    tree.write(FEN + "risks.yml", RISK)
    tree.write("plans/fenwick-csp/2025-26/risks.yml", RISK + RATED)
    project, _ = check_project(tree.root)
    assert project is not None
    changes = since_last_year(project, project.years[("fenwick-csp", "2025-26")])
    assert [(c.what, c.before, c.after) for c in changes if c.topic == "risk"] == [
        ("score changed", "not yet rated", "20"),
        ("band changed", "not yet rated", "high"),
        ("recommendation changed", "none yet", "continue"),
    ]
