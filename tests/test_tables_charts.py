"""Pages for readers (issue 19, items 1 and 3): decisions first in wide tables, the latest figure
on the performance summary, and charts in time order, in their unit, readable on a phone, whose
alt text leaves the figures to the table beside them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from generator.compute.facts import plan_year_facts
from generator.compute.indicators import IndicatorFacts
from generator.model.types import parse_partial_date
from generator.pipeline import check_project
from generator.render.charts import WIDTH, bar_chart, trend_chart, with_unit
from tests.conftest import example_pages, render_year

if TYPE_CHECKING:
    from tests.conftest import Tree

FEN_NEXT = "plans/fenwick-csp/2025-26/"
TARGET = "    target:\n"
FENWICK_2025_26 = ("fenwick-csp", "2025-26")
LABEL = re.compile(r'<span class="card-label">([^<]*)</span>')


def _facts(tree: Tree) -> IndicatorFacts:
    project, _ = check_project(tree.root)
    assert project is not None
    (py,) = (
        p for p in project.plan_years() if p.partnership == "fenwick-csp" and p.year == "2025-26"
    )
    return plan_year_facts(project, py).indicators[0]


def _baseline(tree: Tree, value: int, period: str) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        TARGET,
        f"    baseline:\n      value: {value}\n      period: {period}\n" + TARGET,
    )


def _labels(tree: Tree) -> list[str]:
    return [p.label for p in _facts(tree).series]


@pytest.fixture(scope="module")
def example_markdown() -> dict[str, str]:
    """The example's pages as `plans build` gives them to MkDocs, by year/page name."""
    return dict(example_pages())


# --- the trend in time order --------------------------------------------------------------------
# The fixture's 2025/26 indicator: 2024/25 outturn 125, then 2025/26 Q1 30.


def test_a_baseline_for_a_year_already_shown_marks_that_point_and_is_not_repeated(
    tree: Tree,
) -> None:
    _baseline(tree, 125, "2024/25")
    assert _labels(tree) == ["2024/25 (baseline)", "2025/26 Q1"]
    chart = trend_chart(_facts(tree))
    assert [p.label for p in chart["points"]] == ["2024/25 (baseline)", "2025/26 Q1"]


def test_a_baseline_differing_from_its_year_comes_just_before_it(tree: Tree) -> None:
    _baseline(tree, 110, "2024/25")
    assert _labels(tree) == ["Baseline (2024/25)", "2024/25", "2025/26 Q1"]


def test_a_baseline_is_placed_by_the_year_its_period_names(tree: Tree) -> None:
    _baseline(tree, 110, "calendar year 2025")  # after the 2024/25 outturn, not before it
    assert _labels(tree) == ["2024/25", "Baseline (calendar year 2025)", "2025/26 Q1"]


def test_a_baseline_whose_period_names_no_year_comes_first(tree: Tree) -> None:
    _baseline(tree, 110, "the pilot")
    assert _labels(tree) == ["Baseline (the pilot)", "2024/25", "2025/26 Q1"]


def test_chart_points_run_left_to_right_in_the_series_order(tree: Tree) -> None:
    _baseline(tree, 110, "calendar year 2025")
    chart = trend_chart(_facts(tree))
    xs = [p.x for p in chart["points"]]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


# --- units, sizes and labels --------------------------------------------------------------------


def test_chart_labels_carry_the_unit() -> None:
    assert with_unit(Decimal(94), "percent") == "94%"
    assert with_unit(Decimal("3.5"), "percent-change") == "+3.5%"
    assert with_unit(Decimal(-2), "percent-change") == "-2%"
    assert with_unit(Decimal(1200), "money") == "£1,200"
    assert with_unit(Decimal(2350), "count") == "2,350"


def test_a_percentage_trend_says_percent_on_its_points_target_and_axis(tree: Tree) -> None:
    tree.edit(FEN_NEXT + "indicators.yml", "    unit: count\n", "    unit: percent\n")
    tree.edit(FEN_NEXT + "indicators.yml", "      value: 120\n", "      value: 90\n")
    chart = trend_chart(_facts(tree))
    assert [p.text for p in chart["points"] if p.y is not None] == ["30%"]
    assert (chart["target_label"], chart["low_label"], chart["high_label"]) == ("90%", "0%", "90%")
    svg = render_year(tree.root, "2025-26")["fenwick-csp/charts/trend-da-reports.svg"].decode()
    assert ">30%</text>" in svg and ">90%</tspan>" in svg


def test_no_chart_text_is_under_10_px_when_drawn_in_a_390_px_screen(tree: Tree) -> None:
    """The chart is drawn at most 358 px wide there (390 less the theme's margins): its text's
    size in SVG units, times 358 over the chart's width, is the size on screen."""
    files = render_year(tree.root, "2025-26")
    charts = {name: data.decode() for name, data in files.items() if name.endswith(".svg")}
    assert len(charts) >= 4
    for name, svg in charts.items():
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))  # type: ignore[union-attr]
        assert width <= WIDTH, name
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
        assert sizes and min(sizes) * 358 / width >= 10, (name, min(sizes))


def test_value_labels_stay_inside_the_plot_and_alternate_when_crowded(tree: Tree) -> None:
    quarters = "".join(
        f"      - quarter: Q{q}\n        value: {v}\n"
        for q, v in ((1, 30), (2, 31), (3, 29), (4, 30))
    )
    tree.edit(FEN_NEXT + "indicators.yml", "      - quarter: Q1\n        value: 30\n", quarters)
    _baseline(tree, 27, "2023/24")
    chart = trend_chart(_facts(tree))
    plotted = [p for p in chart["points"] if p.y is not None]
    assert len(plotted) == 6
    for p in plotted:
        assert chart["top"] - 16 < p.text_y - 12 and p.text_y < chart["bottom"], p


def test_period_labels_are_slanted_when_they_cannot_sit_level(tree: Tree) -> None:
    quarters = "".join(f"      - quarter: Q{q}\n        value: 3{q}\n" for q in (1, 2, 3, 4))
    tree.edit(FEN_NEXT + "indicators.yml", "      - quarter: Q1\n        value: 30\n", quarters)
    assert trend_chart(_facts(tree))["rotate"] is False  # five labels fit level
    _baseline(tree, 27, "a long pilot period in the towns")
    chart = trend_chart(_facts(tree))
    assert chart["rotate"] is True
    assert chart["points"][0].lines == ("Baseline",)  # its period is in the table


def test_a_bar_label_is_shortened_rather_than_run_into_its_amount() -> None:
    chart = bar_chart("Funding by stream", [("A very long stream name " * 4, Decimal(1234567))])
    (bar,) = chart["bars"]
    assert bar["label"].endswith("…") and bar["amount"] == "£1,234,567"
    assert (len(bar["label"]) + len(bar["amount"])) * 6.6 * 1.1 + 16 <= WIDTH


# --- alt text: what a chart shows, not its figures ----------------------------------------------


def test_alt_text_describes_the_chart_and_leaves_the_figures_to_the_table(tree: Tree) -> None:
    page = render_year(tree.root, "2025-26")["fenwick-csp/performance.md"].decode()
    (alt,) = re.findall(r"!\[([^\]]*)\]\(charts/trend", page)
    assert "125" not in alt and "30" not in alt and "120" not in alt, alt
    assert alt.startswith("Chart of Domestic abuse reports: a line through 2 values")
    assert "The figures are in the table below" in alt
    assert "| 2024/25 | 125 |" in page  # the table beside it has them


def test_bar_and_heat_map_alt_texts_name_no_amounts(tree: Tree) -> None:
    files = render_year(tree.root, "2025-26")
    funding = files["fenwick-csp/funding.md"].decode()
    risks = files["fenwick-csp/risks.md"].decode()
    alts = re.findall(r"!\[([^\]]*)\]\(charts/", funding + risks)
    assert len(alts) >= 2
    for alt in alts:
        assert "£" not in alt and "likelihood 1" not in alt, alt


# --- decisions first ----------------------------------------------------------------------------


def test_the_formula_table_gives_each_recipients_amounts_first(tree: Tree) -> None:
    area = render_year(tree.root, "2025-26")["ashdown/index.md"].decode()
    assert "| Recipient | Amount | Published amount | Share | Formula amount | Adjustment |" in area
    assert "| Recipient | Population | Recorded crime |" in area  # the criteria, after
    rows = [line for line in area.splitlines() if line.startswith("| [Safer Fenwick")]
    decisions = [row for row in rows if "card-label" in row]
    assert len(decisions) == 1 and rows[-1].endswith("| 100 | 10 |")  # criteria after
    names = ["Amount", "Published amount", "Share", "Formula amount", "Adjustment"]
    assert LABEL.findall(decisions[0]) == names


def test_the_risk_register_gives_the_verdict_first(example_markdown: dict[str, str]) -> None:
    register = example_markdown["2026-27/dunmarsh-wyckholt/risks.md"]
    header = "| Service | Rank | Overall | Band | Recommendation | Owner | Why it may end | Harm |"
    assert header in register
    area = example_markdown["2026-27/brackenshire/index.md"]
    assert "| Service | Partnership | Overall | Band | Recommendation | Harm |" in area
    row = next(line for line in register.splitlines() if line.startswith("| Child and young"))
    assert LABEL.findall(row)[:5] == ["Rank", "Overall", "Band", "Recommendation", "Owner"]


# --- performance at a glance --------------------------------------------------------------------


def test_the_summary_shows_the_latest_figure_its_period_and_the_data_date(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      - quarter: Q1\n        value: 30\n",
        "      - quarter: Q1\n        value: 30\n      - quarter: Q2\n        value: 41\n"
        "      - quarter: Q3\n        status: not-yet-available\n",
    )
    facts = _facts(tree)
    latest = facts.latest_figure
    assert latest is not None and (latest.which, latest.figure.value) == ("Q2", Decimal(41))
    page = render_year(tree.root, "2025-26")["fenwick-csp/performance.md"].decode()
    assert "**Data as at 30 September 2025.** The newest figures are for Q2 2025/26" in page
    wide = LABEL.sub("", page)
    assert (
        "| [Domestic abuse reports](#indicator.da\\-reports) | **41** | Q2 2025/26 | 120 |" in wide
    )


def test_the_data_date_is_the_newest_as_at_a_source_gives(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml",
        "      - quarter: Q1\n        value: 30\n",
        "      - quarter: Q1\n        value: 30\n        as_at: 2025-11\n",
    )
    facts = _facts(tree)
    assert facts.latest_figure is not None
    assert facts.latest_figure.figure.as_at == parse_partial_date("2025-11")
    page = render_year(tree.root, "2025-26")["fenwick-csp/performance.md"].decode()
    assert "**Data as at November 2025.**" in page


def test_no_data_date_before_any_figure_is_reported(tree: Tree) -> None:
    tree.edit(
        FEN_NEXT + "indicators.yml", "    actuals:\n      - quarter: Q1\n        value: 30\n", ""
    )
    assert _facts(tree).latest_figure is None
    page = render_year(tree.root, "2025-26")["fenwick-csp/performance.md"].decode()
    assert "Data as at" not in page
    assert "| None yet | — |" in LABEL.sub("", page)
