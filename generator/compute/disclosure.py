"""Disclosure control: a count of people below the project's small-count threshold is published
as "fewer than N", never as the number, and every figure it could be worked out from is withheld
too (secondary suppression).

Which figures are disclosive: an assessment statistic flagged `small_area` (its count and
previous count) and every figure in the unit "count" of an indicator flagged `counts_people`
(its quarters, their month figures, the outturn and the baseline). Zero is shown as 0.

`disclose` is the one place this happens, before anything renders: it gives the project the site
is made from, in which such a figure has no value and says why (status `suppressed` or
`withheld` on an indicator's figure and baseline; the `suppressed` and `withheld` lists of a
statistic). Pages, charts, alt text, search and downloads are all made from it, so none can
reach the number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from generator.model import PlanYear, Project
from generator.model.assessment import AssessmentFile, Statistic
from generator.model.performance import HIDDEN, Actual, Figure, Indicator, IndicatorsFile
from generator.model.project import KINDS, Deferred
from generator.model.review import Outturn, ReviewFile

TOTAL_CATEGORY = "all-crime"
"""The statistic that is the total of the others of its period (small-area rows with a
small-area total, area-wide ones with an area-wide total): the assessment's table shows it
beside them, so a single suppressed row could be worked out as the total less the rest."""

M = TypeVar("M", bound=BaseModel)


def is_small(value: Decimal | int | None, threshold: int) -> bool:
    """A count that must not be published: more than zero and below the threshold."""
    return value is not None and 0 < value < threshold


def _without(model: M, **changes: Any) -> M:
    """A copy of a (frozen) model with some figures taken out (or the parts that hold them
    replaced), checked by the model's own rules (not `model_copy(update=...)`: Strict models
    share their sets of given fields), so a disclosed file is as valid as the one it came from."""
    return type(model).model_validate({**dict(model), **changes})


# --- Assessment statistics ---------------------------------------------------------------

COUNTS = ("count", "previous_count")
REVEALS = {
    "count": ("rate_per_1000", "change_percent"),  # count = rate × population; previous × change
    "previous_count": ("change_percent",),
}
"""What each count could be worked out from, beside it in its row."""


def _hidden(statistic: Statistic, name: str) -> bool:
    return name in statistic.suppressed or name in statistic.withheld


def _hide(statistic: Statistic, suppressed: Sequence[str], withheld: Sequence[str]) -> Statistic:
    """A statistic with more of its figures suppressed or withheld, and the row's figures that
    would reveal a hidden count withheld with it."""
    suppressed = [*statistic.suppressed, *(n for n in suppressed if n not in statistic.suppressed)]
    more = [*withheld, *(r for n in [*suppressed, *withheld] if n in COUNTS for r in REVEALS[n])]
    withheld = [*statistic.withheld]
    withheld += [
        n
        for n in dict.fromkeys(more)
        if n not in suppressed and n not in withheld and getattr(statistic, n) is not None
    ]
    if (suppressed, withheld) == (statistic.suppressed, statistic.withheld):
        return statistic
    hidden = {name: None for name in [*suppressed, *withheld]}
    return _without(statistic, suppressed=suppressed, withheld=withheld, **hidden)


def disclose_statistics(statistics: Sequence[Statistic], threshold: int) -> list[Statistic]:
    """The statistics as published: each small-area count below the threshold suppressed (with
    its rate and change); and where the rows of a period (small-area ones apart from the rest)
    have a total row and exactly one of them is hidden, one more withheld (the next smallest,
    else the total) so that none is the total less the others."""
    shown = [
        _hide(s, [n for n in COUNTS if is_small(getattr(s, n), threshold)], [])
        if s.small_area
        else _hide(s, [], [])
        for s in statistics
    ]
    for table in dict.fromkeys((s.period, s.small_area) for s in shown):
        rows = [k for k, s in enumerate(shown) if (s.period, s.small_area) == table]
        totals = [k for k in rows if shown[k].category == TOTAL_CATEGORY]
        if len(totals) != 1:
            continue
        total, parts = totals[0], [k for k in rows if k != totals[0]]
        for name in COUNTS:
            hidden = [k for k in parts if _hidden(shown[k], name)]
            if len(hidden) != 1 or _hidden(shown[total], name):
                continue
            visible = [k for k in parts if getattr(shown[k], name) is not None]
            also = min(visible, key=lambda k: getattr(shown[k], name)) if visible else total
            shown[also] = _hide(shown[also], [], [name])
    return shown


# --- Indicators that count people --------------------------------------------------------


def _is_count(figure: Figure, indicator: Indicator) -> bool:
    return (figure.unit or indicator.unit) == "count"


def _small(figure: Figure, indicator: Indicator, threshold: int) -> bool:
    return _is_count(figure, indicator) and is_small(figure.value, threshold)


def _suppress(figure: M, status: str) -> M:
    return _without(figure, value=None, printed=None, status=status)


def _to_date(actual: Actual, indicator: Indicator) -> bool:
    if actual.basis is not None:
        return actual.basis == "year-to-date"
    return indicator.target is not None and indicator.target.cumulative


def disclose_indicator(
    indicator: Indicator, outturn: Outturn | None, threshold: int
) -> tuple[Indicator, Outturn | None]:
    """An indicator that counts people, and its outturn, as published: each count below the
    threshold suppressed; a year-to-date figure that is a small step up on the one before
    withheld (their difference is the quarter's own count); and when the quarters are each a
    quarter's count and the outturn their year, one more withheld if one of them is hidden."""
    if not indicator.counts_people:
        return indicator, outturn
    actuals = sorted(indicator.actuals, key=lambda a: a.quarter)
    for k, actual in enumerate(actuals):
        month = actual.month
        if month is not None and _small(month, indicator, threshold):
            actual = actuals[k] = _without(actual, month=_suppress(month, "suppressed"))
        if _small(actual, indicator, threshold):
            actuals[k] = _suppress(actual, "suppressed")
    before: Decimal | None = None  # the last year-to-date figure shown
    for k, actual in enumerate(actuals):
        if actual.value is None or not (
            _to_date(actual, indicator) and _is_count(actual, indicator)
        ):
            continue
        if before is not None and is_small(actual.value - before, threshold):
            actuals[k] = _suppress(actual, "withheld")
        else:
            before = actual.value
    if outturn is not None and outturn.value is not None and _small(outturn, indicator, threshold):
        outturn = _suppress(outturn, "suppressed")
    quarterly = len(actuals) == 4 and all(
        a.basis == "quarter" and _is_count(a, indicator) for a in actuals
    )
    if quarterly and outturn is not None and _is_count(outturn, indicator):
        hidden = [a for a in actuals if a.status in HIDDEN]
        if len(hidden) == 1 and outturn.value is not None:
            visible = [(a.value, k) for k, a in enumerate(actuals) if a.value is not None]
            if visible:
                k = min(visible)[1]
                actuals[k] = _suppress(actuals[k], "withheld")
            else:
                outturn = _suppress(outturn, "withheld")
    baseline = indicator.baseline
    if (
        baseline is not None
        and (baseline.unit or indicator.unit) == "count"
        and is_small(baseline.value, threshold)
    ):
        baseline = _without(baseline, value=None, status="suppressed")
    changes: dict[str, Any] = {}
    if actuals != sorted(indicator.actuals, key=lambda a: a.quarter):
        changes["actuals"] = actuals
    if baseline is not indicator.baseline:
        changes["baseline"] = baseline
    return (_without(indicator, **changes) if changes else indicator), outturn


# --- The project -------------------------------------------------------------------------


def _performance(
    indicators: IndicatorsFile, review: ReviewFile | None, threshold: int
) -> tuple[IndicatorsFile, ReviewFile | None]:
    outturns = {o.indicator: o for o in review.outturns} if review is not None else {}
    shown: list[Indicator] = []
    for indicator in indicators.indicators:
        disclosed, outturn = disclose_indicator(indicator, outturns.get(indicator.id), threshold)
        shown.append(disclosed)
        if outturn is not None:
            outturns[indicator.id] = outturn
    if all(a is b for a, b in zip(shown, indicators.indicators, strict=True)):
        new_indicators = indicators
    else:
        new_indicators = _without(indicators, indicators=shown)
    if review is None:
        return new_indicators, None
    new_outturns = [outturns[o.indicator] for o in review.outturns]
    if all(a is b for a, b in zip(new_outturns, review.outturns, strict=True)):
        return new_indicators, review
    return new_indicators, _without(review, outturns=new_outturns)


def _assessment(assessment: AssessmentFile | None, threshold: int) -> AssessmentFile | None:
    if assessment is None:
        return None
    shown = disclose_statistics(assessment.statistics, threshold)
    if all(a is b for a, b in zip(shown, assessment.statistics, strict=True)):
        return assessment
    return _without(assessment, statistics=shown)


def disclosed_year(plan_year: PlanYear, threshold: int) -> PlanYear:
    """The plan year as published: its assessment, indicators and review disclosed when first
    read (a year a build never shows is never worked out)."""
    performance: list[tuple[IndicatorsFile, ReviewFile | None]] = []

    def worked_out() -> tuple[IndicatorsFile, ReviewFile | None]:
        if not performance:
            performance.append(_performance(plan_year.indicators, plan_year.review, threshold))
        return performance[0]

    def part(kind: str) -> Callable[[], BaseModel | None]:
        return lambda: getattr(plan_year, kind)

    parts: dict[str, Any] = {kind: Deferred(part(kind)) for kind in KINDS}
    parts["assessment"] = Deferred(lambda: _assessment(plan_year.assessment, threshold))
    parts["indicators"] = Deferred(lambda: worked_out()[0])
    parts["review"] = Deferred(lambda: worked_out()[1])
    return PlanYear(plan_year.partnership, plan_year.year, parts, files=plan_year.files)


def disclose(project: Project) -> Project:
    """The project as the site publishes it (see the module's docstring); itself when the
    threshold suppresses nothing (0 or 1: no count is above zero and below it)."""
    threshold = project.settings.small_count_threshold
    if threshold <= 1:
        return project
    years = {key: disclosed_year(py, threshold) for key, py in project.years.items()}
    earlier = project.previous_years
    previous = (
        None if earlier is None else {k: disclosed_year(py, threshold) for k, py in earlier.items()}
    )
    return replace(project, years=years, previous_years=previous)
