"""What a partnership's last plan year hands on to the next: each file of the new year as the
data to write, with `to_confirm` on everything the editor must still confirm or fill in.

Pure: the project in, plain mappings out (`generator.cycle.emit` writes them). What belongs to
the old year only (findings cited, scores, approval, meetings, progress, met milestones, cuts,
the review's content) is not carried; nothing is invented (a target, a rating, an amount for a
year with no pot): it is left for the editor, marked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from generator.compute.money import ends_by
from generator.cycle.emit import Commented, Placeholder
from generator.model import PlanYear, Project
from generator.model.amounts import UnknownAmount
from generator.model.delivery import Action, Funding, Service
from generator.model.funding import Allocation, Formula
from generator.model.performance import Indicator
from generator.model.review import ServiceReview
from generator.model.types import PartialDate

TO_CONFIRM_NOTE = "to confirm: delete this line once done"
OPEN_ACTION = frozenset({"not-started", "on-track", "at-risk", "off-track"})


def words(year: str) -> str:
    """2027-28 as readers write it: 2027/28."""
    return year.replace("-", "/")


def _start(year: str) -> date:
    return date(int(year[:4]), 4, 1)


def _data(model: BaseModel) -> dict[str, Any]:
    """A model as the editor wrote it: the fields given, in the schema's order. (pydantic's
    `exclude_unset` cannot read the frozen field sets the models share.)"""
    given = model.__pydantic_fields_set__
    return {name: _plain(getattr(model, name)) for name in _order(type(model)) if name in given}


def _order(model: type[BaseModel]) -> list[str]:
    """The model's fields in the order the example's files write them: an unknown amount's
    fields (inherited, so first in the schema) just after the amount they stand in for."""
    fields = list(model.model_fields)
    if not issubclass(model, UnknownAmount):
        return fields
    unknown = list(UnknownAmount.model_fields)
    own = [name for name in fields if name not in unknown]
    after = next((own.index(name) + 1 for name in ("amount", "value") if name in own), len(own))
    return own[:after] + unknown + own[after:]


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _data(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, PartialDate):
        return value.isoformat()
    return value


def _confirm(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`data` with `to_confirm` last, saying every note (a title: one line)."""
    data.pop("to_confirm", None)
    if notes:
        data["to_confirm"] = Commented("; ".join(notes), TO_CONFIRM_NOTE)
    return data


@dataclass(frozen=True)
class Context:
    """What carrying one partnership's year needs to know about the rest of the project."""

    project: Project
    old: PlanYear
    year: str
    formulas: frozenset[str] = frozenset()
    """Ids of the formulas the new year will have (in this run's new years, or already)."""

    @property
    def was(self) -> str:
        return self.old.year

    def ended(self, stream_id: str) -> PartialDate | None:
        """The stream's end, when it ends before the new year begins (its money cannot be
        carried into it)."""
        stream = self.project.streams.get(stream_id)
        if (
            stream is not None
            and stream.ends is not None
            and stream.ends.latest < _start(self.year)
        ):
            return stream.ends
        return None

    def ending(self, stream_id: str) -> PartialDate | None:
        """The stream's end, when it ends in or before the new year."""
        stream = self.project.streams.get(stream_id)
        if stream is not None and stream.ends is not None and ends_by(stream, self.year):
            return stream.ends
        return None

    def has_pot(self, stream_id: str) -> bool:
        """Whether data/funding-streams.yml gives the stream's pot for the new year (money
        drawn from a stream with no pot for a year is an error until it does)."""
        stream = self.project.streams.get(stream_id)
        return stream is not None and any(pot.year == self.year for pot in stream.pots)


def _lines(ctx: Context, lines: list[Funding], dropped: list[str]) -> list[dict[str, Any]]:
    """Funding lines of the old year carried into the new one, each amount to confirm; a line
    from a stream that ended before the new year is left out (its stream named in `dropped`)."""
    carried = []
    for line in lines:
        if line.year not in (None, ctx.was, ctx.year):
            continue  # another year's money, recorded in this year's file
        ended = ctx.ended(line.stream)
        if ended is not None:
            dropped.append(f"{line.stream} (ended {ended.isoformat()})")
            continue
        data = _data(line)
        data.pop("year", None)
        note = f"amount carried from {ctx.was}: confirm it"
        carried.append(_confirm(data, [note]))
    return carried


def plan(ctx: Context) -> dict[str, Any]:
    """plan.yml: the same title and strategy, a draft at the analyse stage, each priority
    carried (continuing last year's) to check against the new needs assessment."""
    old = ctx.old.plan
    data: dict[str, Any] = {"year": ctx.year, "title": old.title, "status": "draft"}
    data["stage"] = Commented("analyse", "the new needs assessment comes first")
    if old.strategy is not None:
        data["strategy"] = old.strategy
    data["#approval"] = Placeholder("approval: body and date, once the plan is approved")
    if old.selection is not None:
        data["selection"] = _data(old.selection)
    priorities = []
    for priority in old.priorities:
        item = _data(priority)
        for gone in ("findings", "scores", "continues", "to_confirm"):
            item.pop(gone, None)
        ordered: dict[str, Any] = {}
        for key, value in item.items():
            ordered[key] = value
            if key == "rationale":
                ordered["#findings"] = Placeholder(
                    f"findings: [...]  the {ctx.year} assessment's findings that justify it"
                )
        ordered["continues"] = [priority.id]
        note = f"carried from {ctx.was}: check it against the {ctx.year} needs assessment"
        priorities.append(_confirm(ordered, [note]))
    data["priorities"] = priorities
    return data


def indicators(ctx: Context) -> dict[str, Any]:
    """indicators.yml: every indicator (same id: trends join across years), its baseline last
    year's outturn, its target left for the editor, no actuals yet."""
    review = ctx.old.review
    outturns = {o.indicator: o for o in review.outturns} if review is not None else {}
    carried = []
    for indicator in ctx.old.indicators.indicators:
        data = _data(indicator)
        for gone in ("target", "actuals", "to_confirm"):
            data.pop(gone, None)
        notes = []
        outturn = outturns.get(indicator.id)
        if outturn is not None and outturn.value is not None:
            baseline: dict[str, Any] = {
                "value": outturn.value,
                "period": outturn.period or f"{ctx.was} outturn",
            }
            if outturn.unit is not None and outturn.unit != indicator.unit:
                baseline["unit"] = outturn.unit
            data["baseline"] = baseline
            data = {key: data[key] for key in Indicator.model_fields if key in data}
        else:
            kept = "the old baseline is kept" if indicator.baseline else "no baseline yet"
            notes.append(f"no {ctx.was} outturn: {kept}")
        notes.append(f"set the {ctx.year} target")
        carried.append(_confirm(data, notes))
    return {"indicators": carried}


def _decision_notes(ctx: Context, decision: ServiceReview | None) -> list[str]:
    if decision is None:
        return [f"no decision at the {ctx.was} review: confirm the service continues"]
    if decision.decision == "recommission":
        return [f"recommissioned at the {ctx.was} review: record the new procurement and contract"]
    if decision.decision == "redesign":
        return [f"redesigned at the {ctx.was} review: record what changes"]
    return []


def _contract_ended(ctx: Context, data: dict[str, Any], service: Service) -> list[str]:
    contract = service.contract
    if contract is None or "contract" not in data:
        return []
    last = contract.extended_to or contract.ends
    if last is not None and last.latest < _start(ctx.year):
        return [f"the contract ended {last.isoformat()}: record its extension or the new one"]
    return []


def services(ctx: Context) -> tuple[dict[str, Any], list[Service]]:
    """services.yml from last year's review decisions: a decommissioned service ends, a
    recommissioned one is carried without its procurement and contract, the rest with their
    funding lines, amounts to confirm. Also the services carried, for the other files."""
    review = ctx.old.review
    decisions = {d.service: d for d in review.services} if review is not None else {}
    kept = [
        service
        for service in ctx.old.services.services
        if service.status != "decommissioned"
        and getattr(decisions.get(service.id), "decision", None) != "decommission"
    ]
    ids = {service.id for service in kept}
    carried = []
    for service in kept:
        decision = decisions.get(service.id)
        data = _data(service)
        for gone in ("decisions", "one_year_only", "one_year_only_reason", "to_confirm"):
            data.pop(gone, None)
        if decision is not None and decision.decision == "recommission":
            data.pop("procurement", None)
            data.pop("contract", None)
        if service.superseded_by is not None and service.superseded_by not in ids:
            data.pop("superseded_by")
        notes = _decision_notes(ctx, decision)
        if service.one_year_only:
            notes.append(f"funded for {ctx.was} only: confirm it continues")
        notes += _contract_ended(ctx, data, service)
        dropped: list[str] = []
        if "funding" in data:
            data["funding"] = _lines(ctx, service.funding, dropped)
        if dropped:
            notes.append(f"funding not carried from a stream that ended: {', '.join(dropped)}")
        ending = sorted({line.stream for line in service.funding if ctx.ending(line.stream)})
        ending = [s for s in ending if ctx.ended(s) is None]
        if ending:
            notes.append(f"its funding from {', '.join(ending)} ends by {ctx.year}: decide")
        carried.append(_confirm(data, notes))
    return {"services": carried}, kept


def actions(ctx: Context, services: set[str]) -> dict[str, Any]:
    """actions.yml: open actions carried (`carried_from`), without their progress notes and
    met milestones; completed and cancelled ones stay in last year's plan."""
    carried = []
    for action in ctx.old.actions.actions:
        if action.status not in OPEN_ACTION:
            continue
        carried.append(_action(ctx, action, services))
    return {"actions": carried}


def _action(ctx: Context, action: Action, services: set[str]) -> dict[str, Any]:
    data = _data(action)
    for gone in ("progress", "carried_from", "to_confirm"):
        data.pop(gone, None)
    if "milestones" in data:
        data["milestones"] = [
            _data(m) for m in action.milestones if m.status not in ("met", "partially-met")
        ]
        if not data["milestones"]:
            del data["milestones"]
    notes = []
    dropped: list[str] = []
    if "funding" in data:
        data["funding"] = _lines(ctx, action.funding, dropped)
    if dropped:
        notes.append(f"funding not carried from a stream that ended: {', '.join(dropped)}")
    if "services" in data:
        missing = [s for s in action.services if s not in services]
        data["services"] = [s for s in action.services if s in services]
        if missing:
            notes.append(f"its services {', '.join(missing)} were not carried: check it")
    data["carried_from"] = ctx.was
    if action.due.latest < _start(ctx.year):
        notes.insert(0, f"carried from {ctx.was}: set a new due date")
    return _confirm(data, notes)


def _risk_id(service: str, taken: set[str]) -> str:
    stem = service[:48].rstrip("-")
    candidate, n = f"{stem}-funding-ends", 2
    while candidate in taken:
        candidate, n = f"{stem}-funding-ends-{n}", n + 1
    return candidate


def risks(ctx: Context, kept: list[Service]) -> dict[str, Any]:
    """risks.yml: the open risks (of services carried) and, for each service funded by a
    stream that ends in or before the new year, a proposed entry, unrated."""
    ids = {service.id for service in kept}
    carried: list[dict[str, Any]] = []
    covered: set[str] = set()
    for risk in ctx.old.risks.risks:
        if risk.service not in ids:
            continue
        note = f"carried from {ctx.was}: check its ratings and recommendation"
        carried.append(_confirm(_data(risk), [note]))
        if risk.reason == "funding-ends":
            covered.add(risk.service)
    taken = {risk.id for risk in ctx.old.risks.risks}
    for service in kept:
        ending = [line.stream for line in service.funding if ctx.ending(line.stream)]
        if not ending or service.id in covered:
            continue
        covered.add(service.id)
        carried.append(_proposed(ctx, service, list(dict.fromkeys(ending)), taken))
    return {"risks": carried}


def _proposed(
    ctx: Context, service: Service, streams: list[str], taken: set[str]
) -> dict[str, Any]:
    ends = []
    for stream_id in streams:
        end = ctx.project.streams[stream_id].ends
        assert end is not None
        ends.append(f"`{stream_id}` ends {'on' if end.precision == 'day' else 'in'} {end.words()}")
    risk_id = _risk_id(service.id, taken)
    taken.add(risk_id)
    data: dict[str, Any] = {
        "id": risk_id,
        "service": service.id,
        "reason": "funding-ends",
        "description": f"Its funding from {'; from '.join(ends)} (data/funding-streams.yml).",
        "#ratings": Placeholder(
            "harm, vulnerability, crime, reputation: likelihood and impact (1-5) each"
        ),
        "owner": service.commissioners[0],
        "#recommendation": Placeholder(
            "recommendation: continue, decommission, recommission, seek-other-funding or transfer"
        ),
    }
    return _confirm(data, ["proposed by plans new-year: rate it and recommend"])


def funding(ctx: Context) -> tuple[dict[str, Any], list[str]]:
    """funding.yml: allocations from streams still running and formulas, each to confirm. A
    stream with no pot for the new year yet cannot be drawn on (an error), so its lines are
    left as comments to add once data/funding-streams.yml has the pot. Also the ids of the
    formulas carried."""
    old = ctx.old.funding
    data: dict[str, Any] = {}
    allocations: list[Any] = []
    for allocation in old.allocations:
        item = _allocation(ctx, allocation)
        if item is not None:
            allocations.append(item)
    formulas: list[Any] = []
    carried: list[str] = []
    for formula in old.formulas:
        if ctx.ended(formula.stream) is not None:
            continue
        if not ctx.has_pot(formula.stream):
            data[f"#formula-{formula.id}"] = Placeholder(
                f"formula {formula.id} ({formula.stream}): carry it once "
                f"data/funding-streams.yml gives the stream's {ctx.year} pot"
            )
            continue
        formulas.append(_formula(ctx, formula))
        carried.append(formula.id)
    listed = [a for a in allocations if not isinstance(a, Placeholder)]
    for i, item in enumerate(a for a in allocations if isinstance(a, Placeholder)):
        data[f"#allocation-{i}"] = item
    data["allocations"] = listed
    if formulas:
        data["formulas"] = formulas
    if old.central_pot is not None:
        data["central_pot"] = old.central_pot
    return data, carried


def _allocation(ctx: Context, allocation: Allocation) -> dict[str, Any] | Placeholder | None:
    if ctx.ended(allocation.stream) is not None:
        return None
    if allocation.method == "formula":
        if allocation.formula in ctx.formulas:
            data = _data(allocation)
            for gone in ("published_amount", "published_note", "sic"):
                data.pop(gone, None)
            return _confirm(data, [f"carried from {ctx.was}: confirm it is paid by the formula"])
        return Placeholder(
            f"allocation {allocation.id} (formula {allocation.formula}): add it once the "
            f"{ctx.year} formula is recorded"
        )
    if not ctx.has_pot(allocation.stream):
        return Placeholder(
            f"allocation {allocation.id} ({allocation.stream}): add it once "
            f"data/funding-streams.yml gives the stream's {ctx.year} pot"
        )
    data = _data(allocation)
    for gone in ("published_amount", "published_note", "sic"):
        data.pop(gone, None)
    return _confirm(data, [f"amount carried from {ctx.was}: confirm it"])


def _formula(ctx: Context, formula: Formula) -> dict[str, Any]:
    data = _data(formula)
    for gone in ("published_total", "published_note", "sic", "applied", "applied_reason"):
        data.pop(gone, None)
    recipients = []
    for recipient in data.get("recipients", []):
        for gone in ("paid", "paid_reason", "published_amount", "published_note"):
            recipient.pop(gone, None)
        recipients.append(recipient)
    data["recipients"] = recipients
    return _confirm(data, [f"carried from {ctx.was}: confirm the pot and inputs"])


def review(ctx: Context) -> dict[str, Any]:
    """review.yml: an empty annual review, in preparation."""
    return {
        "status": Commented("draft", "set final once the review is approved"),
        "#summary": Placeholder(f"summary: how {words(ctx.year)} went"),
    }


def assessment(ctx: Context) -> dict[str, Any]:
    """assessment.yml: the new needs assessment, in preparation."""
    return {
        "status": Commented("draft", "set final once the assessment is published"),
        "title": Commented(
            f"Strategic needs assessment for {words(ctx.year)}", "the title as published"
        ),
        "#findings": Placeholder("findings: what the evidence says, for the plan to cite"),
    }


def new_year(ctx: Context) -> dict[str, dict[str, Any]]:
    """Every file of the new year, as data, by kind."""
    services_file, kept = services(ctx)
    funding_file, _ = funding(ctx)
    return {
        "plan": plan(ctx),
        "assessment": assessment(ctx),
        "indicators": indicators(ctx),
        "actions": actions(ctx, {service.id for service in kept}),
        "services": services_file,
        "funding": funding_file,
        "risks": risks(ctx, kept),
        "review": review(ctx),
    }


def count_to_confirm(data: Any) -> int:
    """How many `to_confirm` markers the data holds."""
    if isinstance(data, Mapping):
        here = 1 if "to_confirm" in data else 0
        return here + sum(count_to_confirm(value) for value in data.values())
    if isinstance(data, list):
        return sum(count_to_confirm(item) for item in data)
    if isinstance(data, Commented):
        return count_to_confirm(data.value)
    return 0


def formulas_carried(ctx: Context) -> list[str]:
    """The ids of the formulas the new year's funding.yml will hold."""
    return funding(ctx)[1]


__all__ = ["Context", "count_to_confirm", "formulas_carried", "new_year"]
