"""Indicators as published: figures in their own unit, statuses printed as the source printed
them, year-to-date figures with the month beside them, periods that lag the plan year,
inferred targets never judged unless asked, a funder's figures about the partnerships it funds;
and charts that never put another unit or part of a year on the indicator's axis."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from generator.compute.facts import plan_year_facts
from generator.compute.indicators import IndicatorFacts
from generator.compute.rag import Rag, RagResult
from generator.pipeline import check_project
from generator.render import Version, render_version
from generator.render.charts import trend_chart
from generator.render.opendata import plan_year_files
from tests.conftest import render_year

if TYPE_CHECKING:
    from generator.model import Project
    from tests.conftest import Tree

ROOT = Path(__file__).resolve().parents[1]
FEN = "plans/fenwick-csp/2024-25/"
FEN_NEXT = "plans/fenwick-csp/2025-26/"
PCC = "plans/ashdown-pcc/2024-25/"
Q1 = "      - quarter: Q1\n        value: 30\n"


def _facts(tree: Tree, year: str = "2025-26", partnership: str = "fenwick-csp") -> IndicatorFacts:
    project, _ = check_project(tree.root)
    assert project is not None
    (py,) = (p for p in project.plan_years() if p.partnership == partnership and p.year == year)
    return plan_year_facts(project, py).indicators[0]


def _page(tree: Tree, page: str, year: str = "2025-26", partnership: str = "fenwick-csp") -> str:
    return render_year(tree.root, year)[f"{partnership}/{page}.md"].decode()


def _wide(page: str) -> str:
    """A page's Markdown without the column names its cards repeat in cells for narrow screens."""
    return re.sub(r'<span class="card-label">[^<]*</span>', "", page)


def _quarters(tree: Tree, text: str, name: str = FEN_NEXT + "indicators.yml") -> None:
    tree.edit(name, Q1, text)


# --- a value in its own unit ----------------------------------------------------------------


def test_a_figure_in_another_unit_is_shown_in_it_and_never_judged_against_the_target(
    tree: Tree,
) -> None:
    _quarters(tree, Q1 + "      - quarter: Q2\n        value: 6.5\n        unit: percent-change\n")
    assert tree.problems() == []
    facts = _facts(tree)
    assert facts.quarters[1].rag == RagResult(
        Rag.GREY, "the figure is a percentage change and the target a count: not compared"
    )
    page = _page(tree, "performance")
    assert "| Q2 | +6.5% (percentage change) | — |" in page
    assert "| 2025/26 Q2 | +6.5% | a percentage change, not a count |" in page


def test_a_target_in_the_figure_unit_is_compared(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: 5\n      unit: percent-change\n",
    )
    _quarters(tree, "      - quarter: Q1\n        value: 6.5\n        unit: percent-change\n")
    assert tree.problems() == []
    assert _facts(tree).quarters[0].rag == RagResult(
        Rag.GREEN, "6.5 against a target of 5 (higher is better): target met"
    )
    page = _page(tree, "performance")
    assert (
        "| [Domestic abuse reports](#indicator.da\\-reports) | **+6.5% (percentage change)** | "
        "Q1 2025/26 | +5% |" in _wide(page)
    )


def test_units_of_real_tables_are_written_as_read(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", "unit: count", "unit: rate-per-1000")
    _quarters(tree, Q1 + "      - quarter: Q2\n        value: 4.5\n        unit: per-day\n")
    page = _page(tree, "performance")
    assert "- **Measured as:** Rate per 1,000; higher is better" in page
    assert "| Q1 | 30 per 1,000 | — |" in page
    assert "| Q2 | 4.5 a day (number per day) | — |" in page


# --- a status as the source printed it ------------------------------------------------------


def test_a_published_dash_is_recorded_as_what_it_is_and_shown_as_printed(tree: Tree) -> None:
    _quarters(
        tree, Q1 + '      - quarter: Q2\n        status: not-published\n        printed: "-"\n'
    )
    assert tree.problems() == []
    facts = _facts(tree)
    assert facts.quarters[1].rag == RagResult(Rag.GREY, "no figure published")
    page = _page(tree, "performance")
    assert '| Q2 | “\\-” (not published) | — | <span class="rag rag-grey">Grey</span> |' in page
    assert "| 2025/26 Q2 | “\\-” (not published) |" in page


def test_printed_text_that_says_the_status_is_not_repeated(tree: Tree) -> None:
    _quarters(
        tree, "      - quarter: Q1\n        status: no-new-data\n        printed: No new data\n"
    )
    assert "| Q1 | “No new data” | — |" in _page(tree, "performance")


# --- year to date and the month beside it ---------------------------------------------------

YTD = """      - quarter: Q1
        value: 30
        basis: year-to-date
        period: April–June 2025
        month:
          value: 11
          period: June 2025
        achievement: Achieved
"""


def test_a_year_to_date_figure_shows_the_month_beside_it_and_the_source_words(
    tree: Tree,
) -> None:
    _quarters(tree, YTD)
    assert tree.problems() == []
    page = _page(tree, "performance")
    assert (
        "| Quarter | Value | Month | Data period | Source's assessment | Status | Why |\n"
        "|---|---:|---:|---|---|---|---|\n"
        "| Q1 | 30 (year to date) | 11 (June 2025) | April–June 2025 | “Achieved” |"
    ) in page


def test_the_source_words_on_achievement_never_change_the_status(tree: Tree) -> None:
    _quarters(tree, YTD)
    assert _facts(tree).quarters[0].rag.status == Rag.RED  # 30 against 120, "Achieved" or not


def test_a_year_to_date_figure_meets_a_share_of_a_cumulative_target(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: 120\n      cumulative: true\n",
    )
    assert _facts(tree).quarters[0].rag == RagResult(
        Rag.GREEN,
        "30 against a target of 30 (higher is better): target met (1/4 of the year's target)",
    )


def test_a_month_figure_only_sits_beside_a_year_to_date_value(tree: Tree) -> None:
    _quarters(tree, YTD.replace("basis: year-to-date", "basis: quarter"))
    assert tree.problems() == [
        f"{FEN_NEXT}indicators.yml:10:9: error: month is the month's own figure beside a "
        "year-to-date value; this value's basis is quarter [indicators[0].actuals[0]]"
    ]


# --- periods that lag the plan year ---------------------------------------------------------


def test_a_figure_whose_data_ends_before_the_plan_year_says_so(tree: Tree) -> None:
    _quarters(
        tree, "      - quarter: Q1\n        value: 30\n        period: cohort April–June 2023\n"
        "        as_at: 2023-06\n",
    )  # fmt: skip
    assert tree.problems() == []
    assert _facts(tree).quarters[0].before_year
    assert (
        "| Q1 | 30 | cohort April–June 2023; data to June 2023, before this plan year |"
        in _page(tree, "performance")
    )


# --- inferred targets -----------------------------------------------------------------------


def test_an_inferred_target_is_shown_but_never_judged(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: 120\n      target_kind: inferred\n",
    )
    assert tree.problems() == []
    facts = _facts(tree)
    assert facts.status == RagResult(Rag.GREY, "target inferred, not stated by the source")
    assert not facts.judged
    page = _page(tree, "performance")
    row = '| 120 (inferred) | <span class="rag rag-grey">Grey</span> | Domestic abuse |'
    assert row in _wide(page)
    assert (
        "- **Target for 2025/26:** 120; inferred, not stated by the source, so no status is "
        "worked out against it\n"
    ) in page
    assert "Where a target was not stated by the source but inferred" in page


def test_the_project_may_ask_for_a_status_against_inferred_targets(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: 120\n      target_kind: inferred\n",
    )
    tree.edit(
        "data/settings.yml",
        "fictional: true\n",
        "fictional: true\nrag_for_inferred_targets: true\n",
    )
    assert tree.problems() == []
    assert _facts(tree).status.status == Rag.RED


def test_asked_for_a_status_against_inferred_targets_the_outturn_is_judged_too(
    tree: Tree,
) -> None:
    """2024-25's outturn, 125 against an inferred 120 (higher is better): green when asked."""
    year = "plans/fenwick-csp/2024-25/indicators.yml"
    tree.edit(year, "      value: 120\n", "      value: 120\n      target_kind: inferred\n")
    assert _facts(tree, "2024-25").status.status == Rag.GREY
    tree.edit(
        "data/settings.yml",
        "fictional: true\n",
        "fictional: true\nrag_for_inferred_targets: true\n",
    )
    assert tree.problems() == []
    facts = _facts(tree, "2024-25")
    assert facts.outturn_rag is not None and facts.outturn_rag.status == Rag.GREEN


def test_a_figure_with_no_new_data_says_so(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      - quarter: Q1\n        value: 30\n",
        "      - quarter: Q1\n        status: no-new-data\n",
    )
    assert tree.problems() == []
    assert _facts(tree).latest == RagResult(Rag.GREY, "no new data")


def test_a_target_kind_is_stated_or_inferred(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: 120\n      target_kind: guessed\n",
    )
    assert tree.problems() == [
        f"{FEN_NEXT}indicators.yml:9:20: error: 'guessed' is not allowed here; use one of: "
        "stated, inferred [indicators[0].target.target_kind]"
    ]


# --- the trend chart: one unit, whole years -------------------------------------------------


def test_a_year_known_only_to_date_is_listed_but_not_plotted_as_a_whole_year(tree: Tree) -> None:
    tree.edit(FEN + "review.yml", "outturns:\n  - indicator: da-reports\n    value: 125\n", "")
    tree.edit(
        FEN + "indicators.yml",
        Q1,
        Q1 + "      - quarter: Q2\n        value: 70\n        basis: year-to-date\n",
    )
    facts = _facts(tree)
    earlier = facts.series[0]
    assert (earlier.label, earlier.value, earlier.plotted) == ("2024/25", Decimal(70), False)
    assert earlier.left_out == "known only for the year to Q2, not the whole year"
    chart = trend_chart(facts)
    assert chart["points"][0].y is None and chart["points"][0].missing == "not plotted"
    assert (
        "2024/25: 70 (not on this chart: known only for the year to Q2, not the whole year)"
        in chart["desc"]
    )


def test_year_to_date_quarters_never_share_a_line_with_whole_years(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "    target:\n",
        "    baseline:\n      value: 110\n      period: 2023/24\n    target:\n",
    )
    _quarters(tree, Q1.replace("value: 30\n", "value: 30\n        basis: year-to-date\n"))
    facts = _facts(tree)
    labels = [(p.label, p.plotted, p.left_out) for p in facts.series]
    assert labels == [
        ("Baseline (2023/24)", True, None),
        ("2024/25", True, None),
        (
            "2025/26 Q1 (year to date)",
            False,
            "year to date to Q1, not comparable with whole-year values",
        ),
    ]
    assert trend_chart(facts)["segments"] == [
        (trend_chart(facts)["points"][0], trend_chart(facts)["points"][1])
    ]


def test_year_to_date_quarters_alone_are_plotted(tree: Tree) -> None:
    _quarters(tree, YTD)
    tree.remove(FEN + "indicators.yml")  # no earlier year on the chart
    tree.edit(FEN + "plan.yml", "        indicators: [da-reports]\n", "")
    tree.edit(FEN + "review.yml", "outturns:\n  - indicator: da-reports\n    value: 125\n", "")
    facts = _facts(tree)
    assert [(p.label, p.plotted) for p in facts.series] == [("2025/26 Q1 (year to date)", True)]


def test_a_target_in_another_unit_is_not_drawn_on_the_axis(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      value: 120\n",
        "      value: -5\n      unit: percent-change\n",
    )
    chart = trend_chart(_facts(tree))
    assert chart["target_y"] is None
    assert "Target: -5, a percentage change, not on this chart." in chart["desc"]


# --- a funder's figures about the partnerships it funds --------------------------------------

RECIPIENT = """  - id: fenwick-victims
    title: Victims in Fenwick
    priority: safer-streets
    recipient: fenwick-csp
    unit: count
    polarity: lower-is-better
    actuals:
      - quarter: Q1
        status: not-published
        printed: "-"
"""


def test_a_funder_records_indicators_about_a_partnership_it_funds(tree: Tree) -> None:
    tree.write(PCC + "indicators.yml", tree.read(PCC + "indicators.yml") + RECIPIENT)
    assert tree.problems() == []  # about a recipient: it measures none of the PCC's objectives
    page = _page(tree, "performance", "2024-25", "ashdown-pcc")
    assert "## Indicators about the partnerships it funds\n" in page
    assert '### Safer Fenwick Partnership\n\n<a id="recipient.fenwick-csp"></a>\n' in page
    assert "#### Victims in Fenwick\n" in page
    assert "- **About:** Safer Fenwick Partnership\n" in page
    own = page.split("## Indicators about the partnerships it funds")[0]
    assert "## Victims\n" in own and "Victims in Fenwick" not in own
    project, _ = check_project(tree.root)
    assert project is not None
    (py,) = (
        p for p in project.plan_years() if p.partnership == "ashdown-pcc" and p.year == "2024-25"
    )
    (priority,) = plan_year_facts(project, py).priorities
    assert [i.indicator.id for i in priority.indicators] == ["victims"]


def test_a_recipient_is_a_known_partnership(tree: Tree) -> None:
    tree.write(
        PCC + "indicators.yml",
        tree.read(PCC + "indicators.yml") + RECIPIENT.replace("fenwick-csp", "fenwik-csp"),
    )
    assert tree.problems() == [
        f"{PCC}indicators.yml:10:5: error: unknown partnership 'fenwik-csp' — did you mean "
        "'fenwick-csp'? [indicators[1].recipient]"
    ]


# --- as_at after the year ---------------------------------------------------------------------


def test_data_running_past_the_year_is_questioned(tree: Tree) -> None:
    _quarters(tree, "      - quarter: Q1\n        value: 30\n        as_at: 2026-06\n")
    assert tree.problems() == [
        f"{FEN_NEXT}indicators.yml:12:9: warning: the data runs to June 2026, after the year "
        "ends on 31 March 2026; is the figure in the right year's file? "
        "[indicators[0].actuals[0].as_at]"
    ]


# --- the outturn in the review --------------------------------------------------------------


def test_an_outturn_is_shown_as_published(tree: Tree) -> None:
    outturn = "    status: not-published\n    printed: n/a\n    period: 2024/25\n"
    tree.edit(FEN + "review.yml", "    value: 125\n", outturn + "    achievement: Not known\n")
    assert tree.problems() == []
    page = _page(tree, "review", "2024-25")
    assert (
        "| Domestic abuse reports | “n/a” (not published) (2024/25) | 120 | "
        '<span class="rag rag-grey">Grey</span> | no figure published; the source says '
        "“Not known” |"
    ) in page


def test_printed_text_is_only_for_a_figure_without_a_number(tree: Tree) -> None:
    tree.edit(FEN + "review.yml", "    value: 125\n", "    value: 125\n    printed: '125*'\n")
    assert tree.problems() == [
        f"{FEN}review.yml:7:5: error: printed is the text the source gave instead of a number; "
        "an outturn with a value needs no printed text [outturns[0].value]"
    ]


# --- open data ------------------------------------------------------------------------------


def test_open_data_carries_the_figure_as_published(tree: Tree) -> None:
    _quarters(
        tree,
        YTD.replace(
            "        achievement: Achieved\n",
            "        achievement: Achieved\n        as_at: 2025-06\n",
        ),
    )
    project, _ = check_project(tree.root)
    assert project is not None
    (py,) = (
        p for p in project.plan_years() if p.partnership == "fenwick-csp" and p.year == "2025-26"
    )
    files = plan_year_files(project, plan_year_facts(project, py))
    (row,) = csv.DictReader(io.StringIO(files["fenwick-csp-2025-26-indicators.csv"].decode()))
    assert {k: row[k] for k in ("value", "value_unit", "basis", "period", "as_at", "month_value",
                                "month_period", "achievement", "target_kind", "recipient")} == {
        "value": "30", "value_unit": "count", "basis": "year-to-date", "period": "April–June 2025",
        "as_at": "2025-06", "month_value": "11", "month_period": "June 2025",
        "achievement": "Achieved", "target_kind": "stated", "recipient": "",
    }  # fmt: skip


# --- the example uses every feature ---------------------------------------------------------


def test_the_example_records_indicators_as_published(example_project: Project) -> None:
    files = render_version(example_project, ROOT / "theme", Version("2025-26", "2026-27")).files
    page = files["marrowby/performance.md"].decode()
    assert "| Q3 | 1,254 (year to date) | “\\-” (not published) | April–December 2025 |" in page
    assert "| Q2 | +6.5% (percentage change) |" in page
    assert "data to June 2023, before this plan year" in page
    assert "1,712 (inferred)" in page and "| “Not achieved” |" in page
    latest = render_version(example_project, ROOT / "theme", Version("2026-27", "2026-27")).files
    funder = latest["brackenshire-pcc/performance.md"].decode()
    assert "### Safer Kelderton Partnership\n" in funder
    assert "| Q1 | 6.4 a day | April–June 2026 |" in funder
