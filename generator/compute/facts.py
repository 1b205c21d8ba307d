"""What must never be typed by hand, worked out for one plan year: RAG, risk ranks, money.

`plan_year_facts` is a pure function of the project and one plan year; its result is what the
templates render and what the open-data downloads publish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from generator.compute.allocation import Criterion, allocate_by_formula
from generator.compute.rag import Rag, RagResult, rag_status, worst
from generator.compute.risk import RiskAssessment, RiskBand, assess_risk, heat_map, rank_risks
from generator.model import PlanYear, Project
from generator.model.delivery import PATHWAYS, Action, Funding, Service
from generator.model.funding import Allocation, Cut, Formula
from generator.model.partnership import Priority
from generator.model.performance import UNIT_NOUNS, Actual, Figure, Indicator
from generator.model.review import RISK_DIMENSIONS, Outturn, Risk, ServiceReview

ZERO = Decimal("0.00")
ACTION_RAG = {
    "on-track": Rag.GREEN,
    "complete": Rag.GREEN,
    "at-risk": Rag.AMBER,
    "off-track": Rag.RED,
    "not-started": Rag.GREY,
    "cancelled": Rag.GREY,
}
STAGES = {
    "analyse": "Analyse: strategic needs assessment",
    "plan": "Plan: commissioning decisions",
    "do": "Do: procurement and delivery",
    "review": "Review: monitoring and annual review",
}


@dataclass(frozen=True)
class QuarterFacts:
    """One quarter of an indicator with its computed RAG, its unit and what its value covers."""

    actual: Actual
    rag: RagResult
    unit: str
    basis: str | None
    before_year: bool = False


@dataclass(frozen=True)
class TrendPoint:
    """An indicator's value in one year, for the trend chart, and why the chart leaves it out
    (another unit than the indicator's; a year known only to date), if it does."""

    year: str
    label: str
    value: Decimal | None
    target: Decimal | None
    unit: str
    left_out: str | None = None


@dataclass(frozen=True)
class SeriesPoint:
    """One entry of an indicator's trend: on the chart, or listed with why the chart leaves
    it out (another unit than the indicator's axis; a year known only to date)."""

    label: str
    value: Decimal | None
    unit: str
    status: str = "reported"
    printed: str | None = None
    left_out: str | None = None

    @property
    def plotted(self) -> bool:
        return self.value is not None and self.left_out is None


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
    series: tuple[SeriesPoint, ...] = ()
    judged: bool = True

    @property
    def status(self) -> RagResult:
        """The year's status: the outturn once reviewed, else the latest quarter."""
        return self.outturn_rag or self.latest

    @property
    def target_unit(self) -> str:
        target = self.indicator.target
        return (target.unit if target else None) or self.indicator.unit


@dataclass(frozen=True)
class PriorityFacts:
    """A priority with its roll-up status and everything that delivers it."""

    priority: Priority
    rag: RagResult
    actions: tuple[Action, ...]
    indicators: tuple[IndicatorFacts, ...]
    services: tuple[Service, ...]
    pathways: tuple[str, ...]
    pathway_gaps: tuple[str, ...]
    spend: Decimal
    narrative: str | None


@dataclass(frozen=True)
class AllocationFacts:
    """An allocation received, with a formula allocation's computed amount.

    `amount` is None when it is not known (amount_status, or a share paid to an organisation
    for several partnerships: then `covered_by` is that row of the formula)."""

    allocation: Allocation
    amount: Decimal | None
    formula_amount: Decimal | None = None
    adjustment: Decimal | None = None
    adjustment_reason: str | None = None
    published_amount: Decimal | None = None
    paid_reason: str | None = None
    covered_by: FormulaRow | None = None


@dataclass(frozen=True)
class FormulaRow:
    """One recipient of a formula: inputs, shares, the computed amount and any adjustment.

    With inputs not published there are no shares: `formula_amount` is None and `amount` is
    the published figure. `received` is what was paid: `paid` when given, else `amount`."""

    partnership: str | None
    organisation: str | None
    covers: tuple[str, ...]
    paid_to: str | None
    inputs: tuple[tuple[str, Decimal], ...]
    criterion_shares: tuple[tuple[str, Fraction], ...]
    share: Fraction | None
    formula_amount: Decimal | None
    adjustment: Decimal
    adjustment_reason: str | None
    amount: Decimal | None
    published_amount: Decimal | None
    paid: Decimal | None = None
    paid_reason: str | None = None
    published_note: str | None = None

    @property
    def key(self) -> str:
        """The partnership, or the organisation paid for several."""
        return self.partnership or self.organisation or ""

    @property
    def received(self) -> Decimal | None:
        return self.paid if self.paid is not None else self.amount

    @property
    def share_percent(self) -> Decimal | None:
        if self.share is None:
            return None
        return Decimal(self.share.numerator * 100) / Decimal(self.share.denominator)


@dataclass(frozen=True)
class FormulaFacts:
    """A formula shared out to the penny and reconciled (or, inputs unpublished, as printed)."""

    formula: Formula
    rows: tuple[FormulaRow, ...]
    formula_total: Decimal | None
    total: Decimal
    unknown: tuple[str, ...] = ()
    paid_total: Decimal | None = None

    @property
    def computed(self) -> bool:
        """Whether the shares were worked out (the inputs were published)."""
        return self.formula.inputs == "given"

    @property
    def published_difference(self) -> Decimal | None:
        published = self.formula.published_total
        return None if published is None else published - self.total


@dataclass(frozen=True)
class RiskFacts:
    """A decommissioning risk with its scores, band and rank."""

    risk: Risk
    assessment: RiskAssessment
    rank: int
    service_name: str


@dataclass(frozen=True)
class ServiceFacts:
    """A service with its funding total and review decision.

    `funding_total` adds the lines of the year whose amount is known; `funding_unknown`
    counts those whose amount is not (the total is then "at least")."""

    service: Service
    funding_total: Decimal
    decision: ServiceReview | None
    pathway_gaps: tuple[str, ...]
    funding_unknown: int = 0


@dataclass(frozen=True)
class Change:
    """One difference from the previous year."""

    kind: str
    what: str
    id: str
    title: str


@dataclass(frozen=True)
class CutFacts:
    """A cut with the year whose funding.yml records it and the years it reduces."""

    cut: Cut
    recorded_in: str
    applies_to: tuple[str, ...]


@dataclass(frozen=True)
class PlanYearFacts:
    """Everything computed for one partnership's year."""

    plan_year: PlanYear
    stage: str
    stage_label: str
    priorities: tuple[PriorityFacts, ...]
    indicators: tuple[IndicatorFacts, ...]
    services: tuple[ServiceFacts, ...]
    allocations: tuple[AllocationFacts, ...]
    formulas: tuple[FormulaFacts, ...]
    risks: tuple[RiskFacts, ...]
    heat_map: tuple[tuple[tuple[str, ...], ...], ...]
    spend_by_stream: tuple[tuple[str, Decimal], ...]
    spend_by_priority: tuple[tuple[str, Decimal], ...]
    spend_by_model: tuple[tuple[str, Decimal], ...]
    allocated_total: Decimal
    spent_total: Decimal | None
    changes: tuple[Change, ...] = field(default_factory=tuple)
    unknown_spend: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    """(service or action id, stream) of the year's funding lines whose amount is unknown:
    left out of the spend totals, which are then "at least"."""
    allocations_unknown: tuple[str, ...] = ()
    cuts: tuple[CutFacts, ...] = ()
    cuts_announced: tuple[CutFacts, ...] = ()
    pot_totals: tuple[tuple[str, Decimal], ...] = ()

    @property
    def underspend(self) -> Decimal | None:
        return None if self.spent_total is None else self.allocated_total - self.spent_total


def cycle_stage(plan_year: PlanYear) -> str:
    """The commissioning-cycle stage: as declared, else derived from status and review."""
    if plan_year.plan.stage:
        return plan_year.plan.stage
    if plan_year.review is not None:
        return "review"
    if plan_year.plan.status in ("draft", "consultation"):
        return "plan" if plan_year.assessment else "analyse"
    return "do"


NO_VALUE = {
    "not-yet-available": "data not yet available",
    "no-new-data": "no new data",
    "not-published": "no figure published",
}
BASIS_WORDS = {
    "quarter": "quarter",
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
) -> RagResult:
    target = indicator.target
    if target is None:
        return RagResult(Rag.GREY, "no target set")
    if figure is None or figure.value is None:
        status = figure.status if figure is not None else ""
        return RagResult(Rag.GREY, NO_VALUE.get(status, "no data reported"))
    if target.target_kind == "inferred" and not judge_inferred:
        return RagResult(Rag.GREY, INFERRED)
    value = figure.value
    unit = figure.unit or indicator.unit
    goal = target.value
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
        share = int(quarter[1])
        goal = goal * share / 4  # a year-to-date actual meets a pro-rata share of the target
        result = rag_status(value, goal, indicator.polarity, tolerance)
        return RagResult(result.status, f"{result.reason} ({share}/4 of the year's target)")
    return rag_status(value, goal, indicator.polarity, tolerance)


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
            ),
            actual.unit or indicator.unit,
            _basis(actual, indicator),
            actual.as_at is not None and actual.as_at.latest < start,
        )
        for actual in sorted(indicator.actuals, key=lambda a: a.quarter)
    )
    latest = quarters[-1].rag if quarters else _value_rag(None, indicator, tolerance)
    outturn_rag = (
        _value_rag(outturn, indicator, tolerance, outturn.comparator_value, judge_inferred=judge)
        if outturn
        else None
    )
    trend = _trend(project, plan_year, indicator)
    judged = not (
        indicator.target is not None and indicator.target.target_kind == "inferred" and not judge
    )
    return IndicatorFacts(
        indicator, tolerance, quarters, latest, outturn, outturn_rag, trend,
        _series(indicator, quarters, outturn, trend), judged,
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
                    py.year, label, outturn.value, target, unit, _other_unit(unit, axis)
                )
    reported = [
        a for a in sorted(indicator.actuals, key=lambda a: a.quarter) if a.value is not None
    ]
    if not reported:
        return TrendPoint(py.year, label, None, target, indicator.unit)
    last = reported[-1]
    unit = last.unit or indicator.unit
    left_out = _other_unit(unit, axis)
    if left_out is None and _basis(last, indicator) == "year-to-date" and last.quarter != "Q4":
        left_out = f"known only for the year to {last.quarter}, not the whole year"
    return TrendPoint(py.year, label, last.value, target, unit, left_out)


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
    """The trend as charted and tabled: baseline, earlier years, this year's quarters, outturn."""
    series: list[SeriesPoint] = []
    baseline = indicator.baseline
    if baseline is not None:
        unit = baseline.unit or indicator.unit
        label = f"Baseline ({baseline.period})"
        series.append(
            SeriesPoint(label, baseline.value, unit, left_out=_other_unit(unit, indicator))
        )
    for year in trend[:-1]:
        series.append(SeriesPoint(year.label, year.value, year.unit, left_out=year.left_out))
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


def _split_evenly(amount: Decimal, keys: list[str]) -> dict[str, Decimal]:
    """Share an amount equally between keys to the penny (largest remainder, by key)."""
    if not keys:
        return {}
    criteria = [Criterion("equal", Decimal(1))]
    result = allocate_by_formula(amount, criteria, {k: {"equal": Decimal(1)} for k in keys})
    return {share.recipient: share.amount for share in result.shares}


def formula_facts(formula: Formula) -> FormulaFacts:
    """A formula's rows: inputs, exact shares, the penny amounts, adjustments and the total."""
    shares = {}
    if formula.inputs == "given":
        criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
        result = allocate_by_formula(
            formula.pot, criteria, {r.key: dict(r.inputs) for r in formula.recipients}
        )
        shares = {share.recipient: share for share in result.shares}
    rows = []
    for recipient in formula.recipients:
        adjustment = recipient.adjustment.amount if recipient.adjustment else ZERO
        share = shares.get(recipient.key)
        amount = share.amount + adjustment if share else recipient.published_amount
        rows.append(
            FormulaRow(
                partnership=recipient.partnership,
                organisation=recipient.organisation,
                covers=tuple(recipient.covers),
                paid_to=recipient.paid_to,
                inputs=tuple(
                    (c.id, recipient.inputs[c.id]) for c in formula.criteria if share is not None
                ),
                criterion_shares=share.criterion_shares if share else (),
                share=share.share if share else None,
                formula_amount=share.amount if share else None,
                adjustment=adjustment,
                adjustment_reason=recipient.adjustment.reason if recipient.adjustment else None,
                amount=amount,
                published_amount=recipient.published_amount,
                paid=recipient.paid,
                paid_reason=recipient.paid_reason,
                published_note=recipient.published_note,
            )
        )
    total = sum((row.amount for row in rows if row.amount is not None), ZERO)
    unknown = tuple(row.key for row in rows if row.amount is None)
    formula_total = (
        sum((row.formula_amount for row in rows if row.formula_amount is not None), ZERO)
        if shares
        else None
    )
    paid_total = (
        sum((row.received for row in rows if row.received is not None), ZERO)
        if any(row.paid is not None for row in rows)
        else None
    )
    return FormulaFacts(formula, tuple(rows), formula_total, total, unknown, paid_total)


class Formulas(Mapping[str, FormulaFacts]):
    """Every formula of a year by id, each worked out when first asked for: a shard of one
    police force area shows one or two of a year's formulas, and working out all of them (in
    exact fractions) took most of the time spent planning and starting each shard."""

    def __init__(self, formulas: Iterable[Formula]) -> None:
        self._formulas = {formula.id: formula for formula in formulas}
        self._facts: dict[str, FormulaFacts] = {}

    def __getitem__(self, formula_id: str) -> FormulaFacts:
        facts = self._facts.get(formula_id)
        if facts is None:
            facts = self._facts[formula_id] = formula_facts(self._formulas[formula_id])
        return facts

    def __contains__(self, formula_id: object) -> bool:
        return formula_id in self._formulas

    def __iter__(self) -> Iterator[str]:
        return iter(self._formulas)

    def __len__(self) -> int:
        return len(self._formulas)


def all_formulas(project: Project, year: str) -> Formulas:
    """Every formula of a year, by id (each worked out on first use)."""
    return Formulas(
        formula for py in project.plan_years() if py.year == year for formula in py.funding.formulas
    )


def allocation_facts(
    plan_year: PlanYear, formulas: Mapping[str, FormulaFacts]
) -> tuple[AllocationFacts, ...]:
    out = []
    pid = plan_year.partnership
    for alloc in plan_year.funding.allocations:
        facts = formulas.get(alloc.formula or "")
        rows = facts.rows if facts else ()
        row = next((r for r in rows if r.partnership == pid), None)
        covering = next((r for r in rows if pid in r.covers), None)
        if row is not None:
            out.append(
                AllocationFacts(
                    alloc, row.received, row.formula_amount, row.adjustment, row.adjustment_reason,
                    alloc.published_amount or row.published_amount, row.paid_reason,
                )
            )  # fmt: skip
        elif covering is not None:
            out.append(
                AllocationFacts(
                    alloc, None, None, None, None, alloc.published_amount, covered_by=covering
                )
            )
        else:
            out.append(
                AllocationFacts(alloc, alloc.amount, None, None, None, alloc.published_amount)
            )
    return tuple(out)


def known_total(allocations: Iterable[AllocationFacts]) -> tuple[Decimal, tuple[str, ...]]:
    """The total of the amounts known, and the ids of the lines it leaves out.

    A combined line counts through its group's one published total, once per group; a
    withheld or unpublished amount, or a share paid to an organisation for several
    partnerships, is left out and named: unknown money is never counted as £0."""
    total = ZERO
    groups: set[frozenset[str]] = set()
    left_out: list[str] = []
    for facts in allocations:
        line = facts.allocation
        if facts.amount is not None:
            total += facts.amount
        elif line.amount_status == "combined" and line.combined_total is not None:
            group = frozenset([line.id, *line.combined_with])
            if group not in groups:
                groups.add(group)
                total += line.combined_total
        else:
            left_out.append(line.id)
    return total, tuple(left_out)


def partnership_cuts(project: Project, partnership: str) -> tuple[CutFacts, ...]:
    """Every cut recorded in any of a partnership's funding files, with the years it reduces."""
    return tuple(
        CutFacts(cut, py.year, tuple(cut.applies_to) or (py.year,))
        for py in project.years_of(partnership)
        for cut in py.funding.cuts
    )


def _announced_in(facts: CutFacts, plan_year: PlanYear) -> bool:
    """Whether a cut was announced during the plan year (or, undated, recorded in it)."""
    when = facts.cut.announced
    if when is None:
        return facts.recorded_in == plan_year.year
    start = date(plan_year.start_year, 4, 1)
    end = date(plan_year.start_year + 1, 3, 31)
    return start <= when.earliest and when.latest <= end


def _streams_of(plan_year: PlanYear, allocations: Iterable[AllocationFacts]) -> list[str]:
    streams = [a.allocation.stream for a in allocations]
    streams += [f.stream for f in plan_year.funding.formulas]
    return list(dict.fromkeys(streams))


def stream_uses(project: Project, stream: str, year: str) -> Decimal:
    """What the recorded allocations draw from a stream in a year: plain amounts (combined
    lines by their published total) and whole formula pots."""
    lines: list[AllocationFacts] = []
    total = ZERO
    for py in project.plan_years():
        if py.year != year:
            continue
        lines += [
            AllocationFacts(a, a.amount)
            for a in py.funding.allocations
            if a.stream == stream and a.method != "formula"
        ]
        total += sum((f.pot for f in py.funding.formulas if f.stream == stream), ZERO)
    return total + known_total(lines)[0]


def pot_totals(
    project: Project, year: str, streams: Iterable[str]
) -> tuple[tuple[str, Decimal], ...]:
    """For each stream whose pot this year has a published total: the recorded allocations'."""
    out = []
    for sid in streams:
        stream = project.streams.get(sid)
        pot = next((p for p in stream.pots if p.year == year), None) if stream else None
        if pot is not None and pot.published_total is not None:
            out.append((sid, stream_uses(project, sid, year)))
    return tuple(out)


def _sum_by(pairs: Iterable[tuple[str, Decimal]]) -> tuple[tuple[str, Decimal], ...]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in pairs:
        totals[key] += amount
    return tuple(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def _funding_lines(plan_year: PlanYear) -> list[tuple[str, str, Decimal, list[str], str]]:
    """(source, stream, amount, priorities, model) for every funding line of the year whose
    amount is known."""
    lines: list[tuple[str, str, Decimal, list[str], str]] = []
    for service in plan_year.services.services:
        for line in service.funding:
            if line.year in (None, plan_year.year) and line.amount is not None:
                lines.append(
                    (
                        service.id,
                        line.stream,
                        line.amount,
                        list(service.priorities),
                        service.delivery_model,
                    )
                )
    for action in plan_year.actions.actions:
        for line in action.funding:
            if line.year in (None, plan_year.year) and line.amount is not None:
                lines.append((action.id, line.stream, line.amount, [action.priority], "action"))
    return lines


def _unknown_lines(plan_year: PlanYear) -> tuple[tuple[str, str], ...]:
    """(source, stream) for every funding line of the year whose amount is unknown."""
    sources: list[tuple[str, list[Funding]]] = [
        *((s.id, s.funding) for s in plan_year.services.services),
        *((a.id, a.funding) for a in plan_year.actions.actions),
    ]
    return tuple(
        (source, line.stream)
        for source, funding in sources
        for line in funding
        if line.year in (None, plan_year.year) and line.amount is None
    )


def _this_year(service: Service, year: str) -> list[Funding]:
    return [line for line in service.funding if line.year in (None, year)]


def _risks(
    project: Project, plan_year: PlanYear
) -> tuple[tuple[RiskFacts, ...], list[list[list[str]]]]:
    bands = [RiskBand(b.name, b.low, b.high) for b in project.settings.risk_bands]
    names = {s.id: s.name for s in plan_year.services.services}
    by_id = {r.id: r for r in plan_year.risks.risks}
    assessments = [
        assess_risk(
            risk.id,
            {d: (getattr(risk, d).likelihood, getattr(risk, d).impact) for d in RISK_DIMENSIONS},
            bands,
        )
        for risk in plan_year.risks.risks
    ]
    ranked = tuple(
        RiskFacts(by_id[a.key], a, rank, names.get(by_id[a.key].service, by_id[a.key].service))
        for rank, a in rank_risks(assessments)
    )
    return ranked, heat_map(assessments)


def _names(items: Iterable[Service | Indicator]) -> dict[str, str]:
    return {x.id: x.name if isinstance(x, Service) else x.title for x in items}


def _changes(project: Project, plan_year: PlanYear) -> tuple[Change, ...]:
    previous = project.previous(plan_year)
    if previous is None:
        return ()
    out: list[Change] = []
    now = {p.id: p for p in plan_year.plan.priorities}
    before = {p.id: p for p in previous.plan.priorities}
    carried = {old for p in plan_year.plan.priorities for old in p.continues}
    for pid, priority in now.items():
        if pid not in before and not priority.continues:
            out.append(Change("added", "priority", pid, priority.title))
        elif priority.continues and priority.continues != [pid]:
            titles = ", ".join(before[c].title for c in priority.continues if c in before)
            out.append(Change("renamed", "priority", pid, f"{priority.title} (was {titles})"))
    for pid, priority in before.items():
        if pid not in now and pid not in carried:
            out.append(Change("dropped", "priority", pid, priority.title))
    named = (
        ("service", _names(plan_year.services.services), _names(previous.services.services)),
        (
            "indicator",
            _names(plan_year.indicators.indicators),
            _names(previous.indicators.indicators),
        ),
    )
    for kind, new, old in named:
        out.extend(Change("added", kind, xid, new[xid]) for xid in sorted(set(new) - set(old)))
        out.extend(Change("dropped", kind, xid, old[xid]) for xid in sorted(set(old) - set(new)))
    return tuple(out)


def _nothing_to_judge(plan_year: PlanYear) -> str:
    """Why a priority has no status: nothing yet, or nothing published to judge it by."""
    absent = plan_year.plan.not_published
    parts = set(absent.parts) if absent is not None else set()
    unpublished = [words for part, words in (("indicators", "indicators"), ("actions", "actions"))
                   if part in parts]  # fmt: skip
    if len(unpublished) == 2:
        return "no indicators or actions published"
    if unpublished:
        other = "actions" if unpublished == ["indicators"] else "indicators"
        return f"no {unpublished[0]} published, and no {other} yet"
    return "no indicators or actions yet"


def plan_year_facts(
    project: Project, plan_year: PlanYear, formulas: Mapping[str, FormulaFacts] | None = None
) -> PlanYearFacts:
    """Compute everything the pages and downloads of one plan year show."""
    formulas = formulas if formulas is not None else all_formulas(project, plan_year.year)
    review = plan_year.review
    outturns = {o.indicator: o for o in review.outturns} if review else {}
    decisions = {d.service: d for d in review.services} if review else {}
    narratives = {p.priority: p.narrative for p in review.priorities} if review else {}
    indicators = tuple(
        indicator_facts(project, plan_year, i, outturns.get(i.id))
        for i in plan_year.indicators.indicators
    )
    by_indicator = {f.indicator.id: f for f in indicators}

    lines = _funding_lines(plan_year)
    priority_spend: list[tuple[str, Decimal]] = []
    for _, _, amount, priorities, _ in lines:
        priority_spend.extend(_split_evenly(amount, priorities).items())
    spend_by_priority = _sum_by(priority_spend)

    priority_facts = []
    for priority in plan_year.plan.priorities:
        actions = tuple(a for a in plan_year.actions.actions if a.priority == priority.id)
        measured = [  # a funder's figures about a recipient are not its own measures
            i
            for i in indicators
            if i.indicator.priority == priority.id and i.indicator.recipient is None
        ]
        objective_ids = [i for o in priority.objectives for i in o.indicators]
        measured += [
            by_indicator[i]
            for i in objective_ids
            if i in by_indicator and by_indicator[i] not in measured
        ]
        serving = tuple(s for s in plan_year.services.services if priority.id in s.priorities)
        covered = tuple(p for p in PATHWAYS if any(p in s.pathways for s in serving))
        statuses = [f.status.status for f in measured] + [ACTION_RAG[a.status] for a in actions]
        status = worst(statuses)
        counts = {rag: statuses.count(rag) for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)}
        reason = (
            f"worst of {len(measured)} indicator(s) and {len(actions)} action(s): "
            + ", ".join(f"{n} {rag.label.lower()}" for rag, n in counts.items() if n)
            if statuses
            else _nothing_to_judge(plan_year)
        )
        priority_facts.append(
            PriorityFacts(
                priority, RagResult(status, reason), actions, tuple(measured), serving, covered,
                tuple(p for p in PATHWAYS if p not in covered),
                dict(spend_by_priority).get(priority.id, ZERO), narratives.get(priority.id),
            )
        )  # fmt: skip

    services = tuple(
        ServiceFacts(
            s,
            sum((f.amount for f in _this_year(s, plan_year.year) if f.amount is not None), ZERO),
            decisions.get(s.id),
            tuple(p for p in PATHWAYS if p not in s.pathways),
            sum(1 for f in _this_year(s, plan_year.year) if f.amount is None),
        )
        for s in plan_year.services.services
    )
    allocations = allocation_facts(plan_year, formulas)
    own_formulas = tuple(formulas[f.id] for f in plan_year.funding.formulas if f.id in formulas)
    allocated_total, unknown = known_total(allocations)
    cuts = partnership_cuts(project, plan_year.partnership)
    risks, grid = _risks(project, plan_year)
    spent = sum((s.spent for s in review.spend), ZERO) if review else None
    stage = cycle_stage(plan_year)
    return PlanYearFacts(
        plan_year=plan_year,
        stage=stage,
        stage_label=STAGES[stage],
        priorities=tuple(priority_facts),
        indicators=indicators,
        services=services,
        allocations=allocations,
        formulas=own_formulas,
        risks=risks,
        heat_map=tuple(tuple(tuple(cell) for cell in row) for row in grid),
        spend_by_stream=_sum_by((stream, amount) for _, stream, amount, _, _ in lines),
        spend_by_priority=spend_by_priority,
        spend_by_model=_sum_by((model, amount) for _, _, amount, _, model in lines),
        allocated_total=allocated_total,
        spent_total=spent,
        changes=_changes(project, plan_year),
        unknown_spend=_unknown_lines(plan_year),
        allocations_unknown=unknown,
        cuts=tuple(c for c in cuts if plan_year.year in c.applies_to),
        cuts_announced=tuple(
            c for c in cuts if plan_year.year not in c.applies_to and _announced_in(c, plan_year)
        ),
        pot_totals=pot_totals(project, plan_year.year, _streams_of(plan_year, allocations)),
    )
