"""Indicators worked out for a plan year: each quarter's and the year's RAG against the target
(cumulative, comparator and pro-rata targets), the trend over earlier years and chart series.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from generator.compute.rag import Rag, RagResult, format_number, rag_status
from generator.model import PlanYear, Project
from generator.model.performance import HIDDEN, UNIT_NOUNS, Actual, Figure, Indicator
from generator.model.review import Outturn
from generator.model.types import PartialDate


@dataclass(frozen=True)
class QuarterFacts:
    """One quarter of an indicator with its computed RAG, its unit and what its value covers."""

    actual: Actual
    rag: RagResult
    unit: str
    basis: str | None
    before_year: bool


@dataclass(frozen=True)
class TrendPoint:
    """An indicator's value in one year, for the trend chart, and why the chart leaves it out
    (another unit than the indicator's; a year known only to date), if it does."""

    year: str
    label: str
    value: Decimal | None
    target: Decimal | None
    unit: str
    left_out: str | None
    status: str


@dataclass(frozen=True)
class SeriesPoint:
    """One entry of an indicator's trend: on the chart, or listed with why the chart leaves
    it out (another unit than the indicator's axis; a year known only to date)."""

    label: str
    value: Decimal | None
    unit: str
    status: str
    printed: str | None = None
    left_out: str | None = None

    @property
    def plotted(self) -> bool:
        return self.value is not None and self.left_out is None


@dataclass(frozen=True)
class Latest:
    """An indicator's newest reported figure, its unit and which one it is ("Q2", "outturn")."""

    figure: Actual | Outturn
    unit: str
    which: str


@dataclass(frozen=True)
class IndicatorFacts:
    """An indicator with every computed status."""

    indicator: Indicator
    tolerance: Decimal
    quarters: tuple[QuarterFacts, ...]
    latest: RagResult
    outturn: Outturn | None
    outturn_rag: RagResult | None
    trend: tuple[TrendPoint, ...]
    series: tuple[SeriesPoint, ...]
    judged: bool
    threshold: int
    """The project's small-count threshold: a suppressed figure is "fewer than" it."""

    @property
    def status(self) -> RagResult:
        """The year's status: the outturn once reviewed, else the latest quarter."""
        return self.outturn_rag or self.latest

    @property
    def latest_figure(self) -> Latest | None:
        """The newest figure with a value: the year's outturn once reviewed, else the last
        quarter that reported one; None while no figure has been reported."""
        outturn = self.outturn
        if outturn is not None and (outturn.value is not None or outturn.status in HIDDEN):
            return Latest(outturn, outturn.unit or self.indicator.unit, "outturn")
        for q in reversed(self.quarters):
            if q.actual.value is not None or q.actual.status in HIDDEN:
                return Latest(q.actual, q.unit, q.actual.quarter)
        return None

    @property
    def target_unit(self) -> str:
        target = self.indicator.target
        return (target.unit if target else None) or self.indicator.unit


NO_VALUE = {
    "not-yet-available": "data not yet available",
    "no-new-data": "no new data",
    "not-published": "no figure published",
}


BASIS_WORDS = {  # what a figure covers, said after its quarter (a quarter's own: nothing)
    "month": "month",
    "year-to-date": "year to date",
    "year": "year",
    "rolling-12-months": "rolling 12 months",
}


INFERRED = "target inferred, not stated by the source"


def _basis(actual: Actual, indicator: Indicator) -> str | None:
    """What a quarter's value covers: as said, else year to date under a cumulative target."""
    if actual.basis is not None:
        return actual.basis
    return "year-to-date" if indicator.target and indicator.target.cumulative else None


def _value_rag(
    figure: Figure | None,
    indicator: Indicator,
    tolerance: Decimal,
    comparator_value: Decimal | None = None,
    quarter: str = "Q4",
    basis: str | None = None,
    judge_inferred: bool = False,
    threshold: int = 0,
) -> RagResult:
    target = indicator.target
    if target is None:
        return RagResult(Rag.GREY, "no target set")
    if figure is not None and figure.status == "withheld":
        return RagResult(Rag.GREY, WITHHELD)
    if figure is None or (figure.value is None and figure.status != "suppressed"):
        status = figure.status if figure is not None else ""
        return RagResult(Rag.GREY, NO_VALUE.get(status, "no data reported"))
    if target.target_kind == "inferred" and not judge_inferred:
        return RagResult(Rag.GREY, INFERRED)
    unit = figure.unit or indicator.unit
    goal = target.value
    share = ""
    if target.comparator is not None and target.value is None:
        if comparator_value is None:
            return RagResult(Rag.GREY, f"target is '{target.comparator}' but no comparator value")
        goal = comparator_value
    elif unit != (target.unit or indicator.unit):
        target_unit = UNIT_NOUNS[target.unit or indicator.unit]
        return RagResult(
            Rag.GREY, f"the figure is {UNIT_NOUNS[unit]} and the target {target_unit}: not compared"
        )
    elif target.cumulative and goal is not None and quarter != "Q4" and basis == "year-to-date":
        goal = goal * int(quarter[1]) / 4  # a year-to-date actual meets a pro-rata share
        share = f" ({quarter[1]}/4 of the year's target)"
    if figure.value is None:
        result = suppressed_rag(goal, indicator.polarity, tolerance, threshold)
    else:
        result = rag_status(figure.value, goal, indicator.polarity, tolerance)
    return RagResult(result.status, result.reason + share) if share else result


WITHHELD = "not shown, so that a count too small to publish cannot be worked out from it"


def suppressed_rag(
    goal: Decimal | None, polarity: str, tolerance: Decimal, threshold: int
) -> RagResult:
    """The status of a count published as "fewer than N": the one every count from 1 to N - 1
    would have, else none (grey), since it would narrow the count down. Never the number."""
    if goal is None:
        return RagResult(Rag.GREY, "no target set")
    context = f"fewer than {threshold} against a target of {format_number(goal)}"
    context += f" ({polarity.replace('-', ' ')})"
    statuses = {
        rag_status(Decimal(n), goal, polarity, tolerance).status for n in range(1, threshold)
    }
    if len(statuses) != 1:
        return RagResult(
            Rag.GREY, f"{context}: no status, as it would narrow down a count too small to publish"
        )
    status = statuses.pop()
    words = {Rag.GREEN: "target met", Rag.AMBER: "missed, within the tolerance"}
    return RagResult(
        status, f"{context}: {words.get(status, 'missed, beyond the tolerance')} whatever the count"
    )


def indicator_facts(
    project: Project, plan_year: PlanYear, indicator: Indicator, outturn: Outturn | None
) -> IndicatorFacts:
    """An indicator's quarterly RAG, latest status, outturn status and trend over the years."""
    tolerance = (
        indicator.target.tolerance_percent
        if indicator.target and indicator.target.tolerance_percent is not None
        else project.settings.rag_tolerance_percent
    )
    judge = project.settings.rag_for_inferred_targets
    threshold = project.settings.small_count_threshold
    start = date(plan_year.start_year, 4, 1)
    quarters = tuple(
        QuarterFacts(
            actual,
            _value_rag(
                actual,
                indicator,
                tolerance,
                actual.comparator_value,
                actual.quarter,
                _basis(actual, indicator),
                judge,
                threshold,
            ),
            actual.unit or indicator.unit,
            _basis(actual, indicator),
            actual.as_at is not None and actual.as_at.latest < start,
        )
        for actual in sorted(indicator.actuals, key=lambda a: a.quarter)
    )
    latest = quarters[-1].rag if quarters else _value_rag(None, indicator, tolerance)
    outturn_rag = (
        _value_rag(
            outturn,
            indicator,
            tolerance,
            outturn.comparator_value,
            judge_inferred=judge,
            threshold=threshold,
        )
        if outturn
        else None
    )
    trend = _trend(project, plan_year, indicator)
    judged = not (
        indicator.target is not None and indicator.target.target_kind == "inferred" and not judge
    )
    return IndicatorFacts(
        indicator, tolerance, quarters, latest, outturn, outturn_rag, trend,
        _series(indicator, quarters, outturn, trend), judged, threshold,
    )  # fmt: skip


def _other_unit(unit: str, indicator: Indicator) -> str | None:
    """Why a value is kept off the indicator's axis, or None if it belongs there."""
    if unit == indicator.unit:
        return None
    return f"{UNIT_NOUNS[unit]}, not {UNIT_NOUNS[indicator.unit]}"


def _year_point(py: PlanYear, indicator: Indicator, axis: Indicator) -> TrendPoint:
    """A year's value: its outturn, else its latest reported quarter; a year known only to
    date is listed but never plotted as if it were the whole year."""
    label = f"{py.year[:4]}/{py.year[5:]}"
    target = indicator.target.value if indicator.target else None
    if py.review is not None:
        for outturn in py.review.outturns:
            if outturn.indicator == indicator.id:
                unit = outturn.unit or indicator.unit
                return TrendPoint(
                    py.year, label, outturn.value, target, unit, _other_unit(unit, axis),
                    outturn.status,
                )  # fmt: skip
    reported = [
        a
        for a in sorted(indicator.actuals, key=lambda a: a.quarter)
        if a.value is not None or a.status in HIDDEN
    ]
    if not reported:
        return TrendPoint(py.year, label, None, target, indicator.unit, None, "reported")
    last = reported[-1]
    unit = last.unit or indicator.unit
    left_out = _other_unit(unit, axis)
    if left_out is None and _basis(last, indicator) == "year-to-date" and last.quarter != "Q4":
        left_out = f"known only for the year to {last.quarter}, not the whole year"
    return TrendPoint(py.year, label, last.value, target, unit, left_out, last.status)


def _trend(project: Project, plan_year: PlanYear, indicator: Indicator) -> tuple[TrendPoint, ...]:
    """The indicator's value in this and every earlier year."""
    points: list[TrendPoint] = []
    for py in project.years_of(plan_year.partnership):
        if py.year > plan_year.year:
            break
        for earlier in py.indicators.indicators:
            if earlier.id == indicator.id:
                points.append(_year_point(py, earlier, indicator))
    return tuple(points)


def _series(
    indicator: Indicator,
    quarters: tuple[QuarterFacts, ...],
    outturn: Outturn | None,
    trend: tuple[TrendPoint, ...],
) -> tuple[SeriesPoint, ...]:
    """The trend as charted and tabled, oldest first: earlier years with the baseline in its
    place, this year's quarters, outturn."""
    series = _years_with_baseline(indicator, trend)
    this_year = trend[-1].label if trend else ""
    to_date: dict[int, str] = {}  # this year's year-to-date figures before Q4, by position
    for q in quarters:
        basis = f" ({BASIS_WORDS[q.basis]})" if q.basis not in (None, "quarter") else ""
        point = SeriesPoint(
            f"{this_year} {q.actual.quarter}{basis}", q.actual.value, q.unit,
            q.actual.status, q.actual.printed, _other_unit(q.unit, indicator),
        )  # fmt: skip
        if point.plotted and q.basis == "year-to-date" and q.actual.quarter != "Q4":
            to_date[len(series)] = q.actual.quarter
        series.append(point)
    if outturn is not None:
        unit = outturn.unit or indicator.unit
        series.append(
            SeriesPoint(
                f"{this_year} outturn", outturn.value, unit, outturn.status, outturn.printed,
                _other_unit(unit, indicator),
            )
        )  # fmt: skip
    whole = [p for k, p in enumerate(series) if p.plotted and k not in to_date]
    if whole and to_date:  # never one line through whole years and part of a year
        for k, quarter in to_date.items():
            series[k] = replace(
                series[k],
                left_out=f"year to date to {quarter}, not comparable with whole-year values",
            )
    return tuple(series)


_FINANCIAL_YEAR = re.compile(r"\b(\d{4})/\d{2}\b")
_YEAR = re.compile(r"\b(\d{4})\b")


def _years_with_baseline(indicator: Indicator, trend: tuple[TrendPoint, ...]) -> list[SeriesPoint]:
    """Earlier years' points with the baseline where its period falls in time: a baseline for a
    year already shown with the same value marks that year's point instead of repeating it.
    Its period is free text: a financial year in it ("2025/26 total") places it; else a
    calendar year ("calendar year 2024", "year to September 2025") places it before the
    financial year that starts in it; with neither it comes first."""
    years = [
        SeriesPoint(y.label, y.value, y.unit, y.status, left_out=y.left_out) for y in trend[:-1]
    ]
    baseline = indicator.baseline
    if baseline is None:
        return years
    unit = baseline.unit or indicator.unit
    period = " ".join(str(baseline.period).split())
    financial = _FINANCIAL_YEAR.search(period)
    for k, year in enumerate(years):
        same_year = financial is not None and year.label == financial.group(0)
        if (
            same_year
            and baseline.value is not None
            and year.value == baseline.value
            and year.unit == unit
        ):
            years[k] = replace(year, label=f"{year.label} (baseline)")
            return years
    point = SeriesPoint(
        f"Baseline ({period})", baseline.value, unit, baseline.status,
        left_out=_other_unit(unit, indicator),
    )  # fmt: skip
    start = financial or _YEAR.search(period)
    if start is None:
        return [point, *years]
    place = next((k for k, y in enumerate(years) if y.label[:4] >= start.group(1)), len(years))
    return [*years[:place], point, *years[place:]]


_QUARTER_ENDS = {"Q1": (0, 6, 30), "Q2": (0, 9, 30), "Q3": (0, 12, 31), "Q4": (1, 3, 31)}


def figure_as_at(latest: Latest, start_year: int) -> date | PartialDate:
    """How far a figure's data runs: its `as_at` where the source says, else the end of the
    quarter it reports (the end of the plan year for an outturn)."""
    if latest.figure.as_at is not None:
        return latest.figure.as_at
    years, month, day = _QUARTER_ENDS.get(latest.which, (1, 3, 31))
    return date(start_year + years, month, day)


def data_as_at(indicators: Sequence[IndicatorFacts], start_year: int) -> date | PartialDate | None:
    """The newest date any indicator's latest figure runs to (see `figure_as_at`)."""
    dates = [
        figure_as_at(latest, start_year)
        for latest in (i.latest_figure for i in indicators)
        if latest is not None
    ]
    return max(dates, key=_day_span, default=None)


def _day_span(day: date | PartialDate) -> tuple[date, date]:
    return (day.latest, day.earliest) if isinstance(day, PartialDate) else (day, day)


def newest_period(indicators: Sequence[IndicatorFacts]) -> str | None:
    """The newest figure reported for any indicator: "outturn" once one is, else the
    latest quarter ("Q2"); None while nothing has been reported."""
    reported = [latest.which for i in indicators if (latest := i.latest_figure) is not None]
    return max(reported, key=lambda which: (which == "outturn", which), default=None)
