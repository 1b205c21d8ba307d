"""What must never be typed by hand, worked out for one plan year: RAG, risk ranks, money.

`plan_year_facts` is a pure function of the project and one plan year; its result is what the
templates render and what the open-data downloads publish.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.compute.indicators import IndicatorFacts, data_as_at, indicator_facts, newest_period
from generator.compute.money import (
    ZERO,
    AllocationFacts,
    CutFacts,
    FormulaFacts,
    all_formulas,
    allocation_facts,
    announced_in,
    funding_lines,
    known_total,
    partnership_cuts,
    pot_totals,
    service_funding,
    split_evenly,
    streams_of,
    sum_by,
    unknown_lines,
)
from generator.compute.rag import Rag, RagResult, worst
from generator.compute.risk import RiskAssessment, RiskBand, assess_risk, heat_map, rank_risks
from generator.model import PlanYear, Project
from generator.model.delivery import PATHWAYS, Action, Service
from generator.model.partnership import Priority
from generator.model.review import RISK_DIMENSIONS, Risk, ServiceReview
from generator.model.types import PartialDate
from generator.problems import counted

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
class RiskFacts:
    """A decommissioning risk with its scores, band and rank; a risk not rated on every
    dimension yet has neither (`assessment` and `rank` are None) and is listed after the rest."""

    risk: Risk
    assessment: RiskAssessment | None
    rank: int | None
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
    funding_unknown: int


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
    unknown_spend: tuple[tuple[str, str], ...]
    """(service or action id, stream) of the year's funding lines whose amount is unknown:
    left out of the spend totals, which are then "at least"."""
    allocations_unknown: tuple[str, ...] = ()
    cuts: tuple[CutFacts, ...] = ()
    cuts_announced: tuple[CutFacts, ...] = ()
    pot_totals: tuple[tuple[str, Decimal], ...] = ()

    @property
    def underspend(self) -> Decimal | None:
        return None if self.spent_total is None else self.allocated_total - self.spent_total

    @property
    def indicators_as_at(self) -> date | PartialDate | None:
        """The date the newest performance figures run to: an `as_at`, or a quarter's end."""
        return data_as_at(self.indicators, self.plan_year.start_year)

    @property
    def indicators_newest(self) -> str | None:
        """The newest figure reported for any indicator: "outturn", "Q2", … or None."""
        return newest_period(self.indicators)


def cycle_stage(plan_year: PlanYear) -> str:
    """The commissioning-cycle stage: as declared, else derived from status and review."""
    if plan_year.plan.stage:
        return plan_year.plan.stage
    if plan_year.review is not None:
        return "review"
    if plan_year.plan.status in ("draft", "consultation"):
        return "plan" if plan_year.assessment else "analyse"
    return "do"


def risk_assessments(project: Project, plan_year: PlanYear) -> list[RiskAssessment]:
    """Each risk of the year's register rated on every dimension, scored and banded by the
    project's risk bands: a risk not yet rated in full has no overall score."""
    bands = [RiskBand(b.name, b.low, b.high) for b in project.settings.risk_bands]
    return [
        assess_risk(
            risk.id,
            {d: (getattr(risk, d).likelihood, getattr(risk, d).impact) for d in RISK_DIMENSIONS},
            bands,
        )
        for risk in plan_year.risks.risks
        if not risk.unrated
    ]


def _risks(
    project: Project, plan_year: PlanYear
) -> tuple[tuple[RiskFacts, ...], list[list[list[str]]]]:
    names = {s.id: s.name for s in plan_year.services.services}
    by_id = {r.id: r for r in plan_year.risks.risks}
    assessments = risk_assessments(project, plan_year)
    ranked = tuple(
        RiskFacts(by_id[a.key], a, rank, names.get(by_id[a.key].service, by_id[a.key].service))
        for rank, a in rank_risks(assessments)
    )
    unrated = tuple(
        RiskFacts(r, None, None, names.get(r.service, r.service))
        for r in plan_year.risks.risks
        if r.unrated
    )
    return ranked + unrated, heat_map(assessments)


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

    lines = funding_lines(plan_year)
    priority_spend: list[tuple[str, Decimal]] = []
    for _, _, amount, priorities, _ in lines:
        priority_spend.extend(split_evenly(amount, priorities).items())
    spend_by_priority = sum_by(priority_spend)

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
            f"worst of {counted(len(measured), 'indicator')} and "
            f"{counted(len(actions), 'action')}: "
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
            (funded := service_funding(s, plan_year.year))[0],
            decisions.get(s.id),
            tuple(p for p in PATHWAYS if p not in s.pathways),
            funded[1],
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
        spend_by_stream=sum_by((stream, amount) for _, stream, amount, _, _ in lines),
        spend_by_priority=spend_by_priority,
        spend_by_model=sum_by((model, amount) for _, _, amount, _, model in lines),
        allocated_total=allocated_total,
        spent_total=spent,
        unknown_spend=unknown_lines(plan_year),
        allocations_unknown=unknown,
        cuts=tuple(c for c in cuts if plan_year.year in c.applies_to),
        cuts_announced=tuple(
            c for c in cuts if plan_year.year not in c.applies_to and announced_in(c, plan_year)
        ),
        pot_totals=pot_totals(project, plan_year.year, streams_of(plan_year, allocations)),
    )
