"""The public record of a plan year: declared absences, governance, rolling strategies and
membership as of the year (issue 15: say what real plans say, invent nothing)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from generator.compute.record import members_during, strategy_place, successors
from generator.model.partnership import Partnership, PlanFile
from generator.model.reference import Organisation
from generator.model.types import parse_partial_date
from tests.conftest import example_pages

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN = "plans/fenwick-csp/2024-25/"
FEN_NEXT = "plans/fenwick-csp/2025-26/"
PARTNERSHIP = "plans/fenwick-csp/partnership.yml"


# --- dates as precise as their source ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "words"),
    [
        ("2012-11-03", date(2012, 11, 3), date(2012, 11, 3), "3 November 2012"),
        ("2012-11", date(2012, 11, 1), date(2012, 11, 30), "November 2012"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
        ("2013", date(2013, 1, 1), date(2013, 12, 31), "2013"),
    ],
)
def test_a_partial_date_spans_what_its_source_may_mean(
    text: str, earliest: date, latest: date, words: str
) -> None:
    when = parse_partial_date(text)
    assert (when.earliest, when.latest, when.words(), when.isoformat()) == (
        earliest, latest, words, text
    )  # fmt: skip


def test_a_partial_date_never_compares_with_a_day() -> None:
    with pytest.raises(TypeError):
        assert parse_partial_date("2012-11") < date(2013, 1, 1)  # type: ignore[operator]
    assert parse_partial_date("2012-11") < parse_partial_date("2012-12-01")


def test_a_bad_partial_date_is_located(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "meetings:", "published_online: 2024-13\nmeetings:")
    tree.edit(
        PARTNERSHIP,
        "  - organisation: ashdown-police",
        "  - organisation: ashdown-police\n    joined: May 2020",
    )
    assert tree.problems() == [
        f"{FEN}plan.yml:7:19: error: '2024-13' is not a real date [published_online]",
        f"{PARTNERSHIP}:9:13: error: write the date as YYYY-MM-DD, or YYYY-MM or YYYY where the "
        "source gives only the month or the year (e.g. 2012-11), got 'May 2020': "
        "for May 2020, write 2020-05 "
        "[members[1].joined]",
    ]


# --- declared absences -------------------------------------------------------------------------

NO_ACTIONS = (
    "not_published:\n  parts: [actions]\n  reason: The action plan was not put online.\npriorities:"
)


def test_an_undeclared_gap_is_a_warning_and_strict_fails_on_it(tree: Tree) -> None:
    tree.write(FEN + "actions.yml", "actions: []\n")
    problems = tree.problems()
    assert problems == [
        f"{FEN}plan.yml:12:5: warning: priority 'domestic-abuse' has no action; add one to "
        "actions.yml with priority: domestic-abuse; or, if the published plan has none, add "
        "actions to not_published in plan.yml [priorities[0].id]"
    ]


def test_a_declared_absence_is_neither_error_nor_warning(tree: Tree) -> None:
    tree.write(FEN + "actions.yml", "actions: []\n")
    tree.edit(FEN + "plan.yml", "priorities:", NO_ACTIONS)
    assert tree.problems() == []


def test_an_unknown_part_is_refused_with_the_list(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "priorities:", NO_ACTIONS.replace("[actions]", "[action-plan]"))
    [problem] = tree.problems()
    assert problem.startswith(f"{FEN}plan.yml:12:11: error: ")
    assert "'actions'" in problem and problem.endswith("[not_published.parts[0]]")


def test_a_year_may_list_no_priorities_when_it_says_so(tree: Tree) -> None:
    text = tree.read(FEN_NEXT + "plan.yml")
    head = text[: text.index("priorities:")]
    tree.write(FEN_NEXT + "plan.yml", head + "priorities: []\n")
    for name in ("assessment.yml", "actions.yml", "indicators.yml", "services.yml", "review.yml"):
        if tree.path(FEN_NEXT + name).exists():
            tree.remove(FEN_NEXT + name)
    assert tree.problems() == [
        f"{FEN_NEXT}plan.yml:11:1: warning: the plan lists no priorities; add them under "
        "priorities; or, if the published plan has none, add priorities to not_published in "
        "plan.yml [priorities]"
    ]
    tree.edit(
        FEN_NEXT + "plan.yml",
        "priorities: []",
        "not_published:\n  parts: [priorities]\n  reason: Only funding decisions were published.\n"
        "priorities: []",
    )
    assert tree.problems() == []


# --- governance -------------------------------------------------------------------------------

STEPS = """approval:
  body: Safer Fenwick Partnership board
  date: 2024-04-15
  steps:
    - body: Community Safety Committee
      date: 2024-03
      role: recommended
    - body: Head of Community Safety
      date: 2024-02-20
      decision_maker: Head of Community Safety
      in_consultation_with: the Chairman
    - body: Cabinet
      date: 2024-05
"""


def test_approval_steps_are_dated_before_the_approval_in_order(tree: Tree) -> None:
    tree.edit(
        FEN + "plan.yml",
        "approval:\n  body: Safer Fenwick Partnership board\n  date: 2024-04-15\n",
        STEPS,
    )
    assert tree.problems() == [
        f"{FEN}plan.yml:12:7: warning: the steps are not in date order; list them oldest "
        "first [approval.steps[1].date]",
        f"{FEN}plan.yml:16:7: warning: this step (2024-05) is dated after the final approval "
        "(2024-04-15); list the steps before it [approval.steps[2].date]",
    ]


def test_a_strategy_named_by_a_plan_must_exist(tree: Tree) -> None:
    tree.edit(
        PARTNERSHIP,
        "members:",
        "strategies:\n  - title: Safer Fenwick Plan 2021-24\n    first_year: 2021-22\n"
        "    last_year: 2023-24\nmembers:",
    )
    tree.edit(
        FEN + "plan.yml",
        "status: published",
        "status: published\nstrategy: Safer Fenwick Plan 2021-23",
    )
    assert tree.problems() == [
        f"{FEN}plan.yml:4:1: error: unknown strategy 'Safer Fenwick Plan 2021-23' — did you "
        "mean 'Safer Fenwick Plan 2021-24'? [strategy]"
    ]


DROPPED = "dropped:\n  - priority: {id}\n    decided: 2025-03\n    meeting: board\npriorities:"


def test_a_dropped_priority_is_one_of_last_years(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "plan.yml", "priorities:", DROPPED.format(id="domestic-abus"))
    assert tree.problems() == [
        f"{FEN_NEXT}plan.yml:12:5: error: unknown 2024-25 priority 'domestic-abus' — did you "
        "mean 'domestic-abuse'? [dropped[0].priority]"
    ]


def test_a_priority_is_not_both_dropped_and_kept(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "plan.yml", "priorities:", DROPPED.format(id="domestic-abuse"))
    assert tree.problems() == [
        f"{FEN_NEXT}plan.yml:12:5: error: 'domestic-abuse' is dropped but this year's plan "
        "still has or continues it; remove one of them [dropped[0].priority]"
    ]


def test_dropping_with_no_earlier_year_is_shown_as_written(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "priorities:", DROPPED.format(id="burglary"))
    assert tree.problems() == [
        f"{FEN}plan.yml:12:5: warning: drops an earlier priority but fenwick-csp has no year "
        "before 2024-25 here; it is shown as written [dropped[0].priority]"
    ]


def test_membership_dates_compare_conservatively(tree: Tree) -> None:
    member = "  - organisation: ashdown-police"
    tree.edit(PARTNERSHIP, member, member + "\n    joined: 2020-06\n    left: 2020-06")
    assert tree.problems() == []  # may be the same month: not refused
    tree.edit(PARTNERSHIP, "    left: 2020-06", "    left: 2020-05")
    assert tree.problems() == [
        f"{PARTNERSHIP}:10:5: error: left is before joined [members[1].left]"
    ]


# --- the record as computed -------------------------------------------------------------------


def _partnership(members: list[dict[str, str]], strategies: list[dict[str, str]]) -> Partnership:
    return Partnership.model_validate(
        {"id": "p", "name": "P", "kind": "csp", "area": "a", "members": members,
         "strategies": strategies}
    )  # fmt: skip


def test_members_are_those_in_place_during_the_year() -> None:
    partnership = _partnership(
        [
            {"organisation": "always"},
            {"organisation": "left-before", "left": "2024-03-31"},
            {"organisation": "left-during", "left": "2024-04-01"},
            {"organisation": "left-month-unsure", "left": "2024-04"},
            {"organisation": "left-year-unsure", "left": "2024"},
            {"organisation": "joined-after", "joined": "2025-04-01"},
            {"organisation": "joined-last-day", "joined": "2025-03-31"},
            {"organisation": "joined-2025", "joined": "2025"},
        ],
        [],
    )
    names = [m.organisation for m in members_during(partnership, "2024-25")]
    assert names == [
        "always", "left-during", "left-month-unsure", "left-year-unsure", "joined-last-day",
        "joined-2025",
    ]  # fmt: skip


def test_a_renamed_body_is_shown_with_its_successors() -> None:
    orgs = {
        o["id"]: Organisation.model_validate(o)
        for o in (
            {"id": "crc", "name": "CRC", "kind": "probation", "replaced_by": "nps"},
            {"id": "nps", "name": "NPS", "kind": "probation", "replaced_by": "pdu"},
            {"id": "pdu", "name": "PDU", "kind": "probation", "replaced_by": "crc"},
        )
    }
    assert [o.name for o in successors("crc", orgs)] == ["NPS", "PDU"]  # a loop ends
    assert successors("pdu", {"pdu": orgs["pdu"]}) == ()
    # a loop that does not pass through the body asked about ends too, each body shown once
    orgs["pdu"] = Organisation.model_validate(
        {"id": "pdu", "name": "PDU", "kind": "probation", "replaced_by": "nps"}
    )
    assert [o.name for o in successors("crc", orgs)] == ["NPS", "PDU"]


CSP_2013 = "Community Safety Plan 2013–18"
SAFER_2019 = "Safer Together 2019–22"


@pytest.mark.parametrize(
    ("year", "title", "named", "expected"),
    [
        ("2013-14", CSP_2013, None, (CSP_2013, "first")),
        ("2016-17", "Anything", None, (CSP_2013, "refresh")),
        ("2018-19", CSP_2013, None, (CSP_2013, "past-end")),
        ("2019-20", SAFER_2019, None, (SAFER_2019, "first")),
        ("2019-20", "Safer Together", CSP_2013, (CSP_2013, "past-end")),
        ("2012-13", "Interim plan", None, None),
        # a strategy's own first and last years are within it, whatever the plan's title
        ("2019-20", "Anything", None, (SAFER_2019, "first")),
        ("2017-18", "Anything", None, (CSP_2013, "refresh")),
        # a plan that names a strategy starting after it
        ("2012-13", "Interim plan", SAFER_2019, (SAFER_2019, "before-start")),
    ],
)
def test_a_year_finds_its_place_in_a_rolling_strategy(
    year: str, title: str, named: str | None, expected: tuple[str, str] | None
) -> None:
    partnership = _partnership(
        [{"organisation": "o"}],
        [
            {"title": CSP_2013, "first_year": "2013-14", "last_year": "2017-18"},
            {"title": SAFER_2019, "first_year": "2019-20", "last_year": "2021-22"},
        ],
    )
    plan = PlanFile.model_validate(
        {"year": year, "title": title, "status": "published", "strategy": named}
    )
    place = strategy_place(partnership, plan)
    assert (None if place is None else (place.strategy.title, place.relation)) == expected


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def marrowby() -> dict[str, str]:
    return {name: text for name, text in example_pages() if "/marrowby/" in name}


def test_a_refresh_past_its_strategys_end_says_so(marrowby: dict[str, str]) -> None:
    page = marrowby["2024-25/marrowby/index.md"]
    assert (
        'This is the 2024/25 refresh of the strategy "Marrowby Community Safety Plan 2019–24", '
        "published after that strategy's last year (2023/24)" in page
    )
    assert (
        'This is the first year of the strategy "Marrowby Partnership Plan 2025–28"'
        in (marrowby["2025-26/marrowby/index.md"])
    )


def test_a_superseded_plan_is_never_at_the_current_stage(marrowby: dict[str, str]) -> None:
    page = marrowby["2024-25/marrowby/index.md"]
    assert "This plan has been **superseded**" in page
    assert "This is the current stage." not in page
    assert "This is the current stage." in marrowby["2025-26/marrowby/index.md"]


def test_members_are_listed_as_of_the_year(marrowby: dict[str, str]) -> None:
    old, new = marrowby["2024-25/marrowby/index.md"], marrowby["2025-26/marrowby/index.md"]
    merged = "| Probation Service – Brackenshire Delivery Unit |"
    assert merged not in old and merged in new  # joined in October 2025
    assert "(now Probation Service – Brackenshire Delivery Unit)" in old
    assert "members who left before the year began or joined after it ended are not listed" in old


def test_approval_steps_questions_and_dropped_priorities_are_shown(
    marrowby: dict[str, str],
) -> None:
    old, new = marrowby["2024-25/marrowby/index.md"], marrowby["2025-26/marrowby/index.md"]
    assert (
        "| June 2024 | Director of Communities, Marrowby Borough Council | approved under "
        "delegated authority | Director of Communities | the Chairman of the Community Safety "
        "Committee | DEL/2024/17 |" in old
    )
    assert "It was published online in September 2024." in old
    assert "- **Question from a resident of the town centre:** Why is the town-centre CCTV" in old
    assert "    **Answer:** Monitoring stops at 2am" in old
    assert (
        "- **Fly\\-tipping and environmental crime**, dropped at the partnership board's planning "
        "workshop in March 2025." in new
    )
    assert "It was published online in 2025." in new


def test_the_changes_page_says_how_a_priority_was_dropped(marrowby: dict[str, str]) -> None:
    page = marrowby["2025-26/marrowby/changes.md"]
    assert (
        "| Priority | Fly\\-tipping and environmental crime | priority "
        "dropped |  | Left to the council's environmental services; the partnership kept its "
        "money for anti\\-social behaviour and domestic abuse\\. |"
    ) in page
    assert (
        '- "Fly\\-tipping and environmental crime": dropped at the partnership board\'s planning '
        "workshop in March 2025. Left to the council's environmental services" in page
    )


# --- assessments as published -----------------------------------------------------------------


def test_an_assessment_may_give_no_period_and_unscored_findings(tree: Tree) -> None:
    tree.edit(FEN + "assessment.yml", "period:\n  start: 2023-01-01\n  end: 2023-12-31\n", "")
    tree.edit(FEN + "assessment.yml", "    likelihood: 4\n    impact: 5\n", "")
    assert tree.problems() == []


def test_a_finding_is_scored_in_full_or_not_at_all(tree: Tree) -> None:
    tree.edit(FEN + "assessment.yml", "    impact: 5\n", "")
    assert tree.problems() == [
        f"{FEN}assessment.yml:9:5: error: give both likelihood and impact, or neither if the "
        "assessment did not score it [findings[0]]"
    ]
