"""Open data: the validated and computed plan of each partnership-year as JSON and CSV.

Output is deterministic: keys sorted, rows in source order, `\\n` line endings, and exact
decimals written as strings (a float would round pounds and pence).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from generator.compute.facts import PlanYearFacts, ServiceFacts
from generator.model import ALL_KINDS, PlanYear, Project, json_schemas
from generator.model.reference_doc import INDEX, reference_pages
from generator.model.review import RISK_DIMENSIONS, Rating
from generator.render import giving, zipped
from generator.review import Change

CSV_TABLES = ("actions", "services", "indicators", "allocations", "risks")
LICENCE_FILE = "LICENCE.txt"


def download_names(partnership: str, year: str) -> dict[str, str]:
    """File names of a plan year's downloads, by what they hold (the 360Giving file only when
    the year has a grant to publish: see `plan_year_files`)."""
    names = {"json": f"{partnership}-{year}.json"}
    names.update({table: f"{partnership}-{year}-{table}.csv" for table in CSV_TABLES})
    names["giving"] = f"{partnership}-{year}-{giving.FILE_SUFFIX}"
    return names


def archive_name(year: str) -> str:
    """The version's archive of every partnership's downloads, from the version's top."""
    return f"data/open-data-{year}.zip"


def licence_text(project: Project, year: str) -> bytes:
    """The licence notice in every download folder (and the archive): plain text, not a page."""
    settings = project.settings
    lines = [
        f"{settings.title}: open data for {year.replace('-', '/')}",
        "",
        f"The files in this folder are published under the {settings.licence.name}:",
        settings.licence.url,
        "",
        "You may copy, publish, adapt and use them, also commercially, if you say where they",
        f"come from: {settings.title}.",
    ]
    if settings.fictional:
        lines += [
            "",
            "Fictional data: every partnership, organisation, person and figure in them is "
            "invented.",
        ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def data_date(py: PlanYear) -> date | None:
    """The newest date the year's files record (approval, meetings, changes, the review's
    approval): the date the data is "as at"; builds never depend on the day they run."""
    plan = py.plan
    days = [m.date for m in plan.meetings] + [c.date for c in py.changes.changes]
    if plan.approval is not None:
        days.append(plan.approval.date)
    if py.review is not None and py.review.approved is not None:
        days.append(py.review.approved)
    return max(days, default=None)


def archive(files: Mapping[str, bytes], when: date | None) -> bytes:
    """A zip of `files` (name to content) that is the same for the same files: names sorted,
    every entry dated `when` (or 1 January 1980, the format's first day); see `zipped`."""
    return zipped.zipped({name: zipped.deflate(data) for name, data in files.items()}, when)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def plan_year_document(project: Project, facts: PlanYearFacts) -> dict[str, Any]:
    """The JSON document: every input file of the year as validated, plus what was computed."""
    py = facts.plan_year
    source: dict[str, Any] = {}
    for kind in ("plan", "assessment", "actions", "indicators", "services", "funding", "risks"):
        model = getattr(py, kind)
        if model is not None:
            source[kind] = model.model_dump(mode="json", exclude_none=True)
    for kind in ("review", "changes"):
        model = getattr(py, kind)
        if model is not None:
            source[kind] = model.model_dump(mode="json", exclude_none=True)
    if py.published is not None:  # the record, without the per-field digests
        source["published"] = py.published.model_dump(mode="json", exclude={"files"})
    computed = {
        "stage": facts.stage,
        "priorities": [
            {"id": p.priority.id, "rag": p.rag.status.value, "reason": p.rag.reason,
             "spend": p.spend, "pathways": list(p.pathways), "pathway_gaps": list(p.pathway_gaps)}
            for p in facts.priorities
        ],
        "indicators": [
            {"id": i.indicator.id, "rag": i.status.status.value, "reason": i.status.reason,
             "recipient": i.indicator.recipient, "judged": i.judged,
             "quarters": [{"quarter": q.actual.quarter, "rag": q.rag.status.value,
                           "reason": q.rag.reason, "unit": q.unit, "basis": q.basis,
                           "before_year": q.before_year} for q in i.quarters],
             "trend": [{"label": p.label, "value": p.value, "status": p.status, "unit": p.unit,
                        "plotted": p.plotted, "left_out": p.left_out} for p in i.series]}
            for i in facts.indicators
        ],
        "allocations": [
            {"id": a.allocation.id, "stream": a.allocation.stream, "amount": a.amount,
             "amount_status": a.allocation.amount_status,
             "formula_amount": a.formula_amount, "adjustment": a.adjustment,
             "published_amount": a.published_amount,
             "covered_by": a.covered_by.organisation if a.covered_by else None}
            for a in facts.allocations
        ],
        "allocations_unknown": list(facts.allocations_unknown),
        "formulas": [
            {"id": f.formula.id, "pot": f.formula.pot, "total": f.total,
             "inputs": f.formula.inputs, "applied": f.formula.applied,
             "paid_total": f.paid_total,
             "rows": [{"partnership": r.partnership, "organisation": r.organisation,
                       "covers": list(r.covers), "share": r.share,
                       "formula_amount": r.formula_amount, "adjustment": r.adjustment,
                       "amount": r.amount, "paid": r.paid,
                       "published_amount": r.published_amount}
                      for r in f.rows]}
            for f in facts.formulas
        ],
        "cuts": [
            {"stream": c.cut.stream, "recorded_in": c.recorded_in,
             "applies_to": list(c.applies_to), "reduction": c.cut.reduction}
            for c in facts.cuts
        ],
        "risks": [
            {"id": r.risk.id, "rank": r.rank, "service": r.risk.service,
             "overall": r.assessment.overall if r.assessment else None,
             "total": r.assessment.total if r.assessment else None,
             "band": r.assessment.band.name if r.assessment else None}
            for r in facts.risks
        ],
        "spend_by_stream": dict(facts.spend_by_stream),
        "spend_by_priority": dict(facts.spend_by_priority),
        "spend_by_model": dict(facts.spend_by_model),
        "spend_lines_not_known": [
            {"line": source, "stream": stream} for source, stream in facts.unknown_spend
        ],
        "allocated_total": facts.allocated_total,
        "spent_total": facts.spent_total,
    }  # fmt: skip
    document: dict[str, Any] = _plain(
        {
            "partnership": py.partnership,
            "year": py.year,
            "fictional": project.settings.fictional,
            "licence": project.settings.licence.model_dump(mode="json"),
            "source": source,
            "reference": _reference(project, facts),
            "computed": computed,
        }
    )
    return document


def _reference(project: Project, facts: PlanYearFacts) -> dict[str, Any]:
    """The funding streams the year draws on (with every pot and its note) and the
    organisations its funding names, with their descriptions, as in data/."""
    py = facts.plan_year
    streams = [a.allocation.stream for a in facts.allocations]
    streams += [f.formula.stream for f in facts.formulas]
    streams += [sid for sid, _ in facts.spend_by_stream]
    stream_models = [project.streams[s] for s in dict.fromkeys(streams) if s in project.streams]
    orgs = [s.funder for s in stream_models]
    orgs += [a.allocation.recipient for a in facts.allocations if a.allocation.recipient]
    for f in facts.formulas:
        orgs += [o for r in f.rows for o in (r.organisation, r.paid_to) if o is not None]
    host = project.partnerships[py.partnership].host
    orgs += [host] if host else []
    return {
        "streams": [s.model_dump(mode="json", exclude_none=True) for s in stream_models],
        "organisations": [
            project.organisations[o].model_dump(mode="json", exclude_none=True)
            for o in dict.fromkeys(orgs)
            if o in project.organisations
        ],
    }


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])
    return out.getvalue().encode("utf-8")


def _contract_value(facts: ServiceFacts) -> tuple[Any, Any]:
    """The contract value and, where there is none, why: never a 0 standing in for unknown."""
    contract = facts.service.contract
    if contract is None:
        return None, None
    return contract.value, contract.value_status


def _funding_total(facts: ServiceFacts) -> tuple[Any, Any]:
    """The year's funding and its status: complete, at-least (some lines have no known
    amount, so the figure is a lower bound), not-known (no line has one) or none-recorded."""
    if not facts.service.funding:
        return None, "none-recorded"
    if not facts.funding_unknown:
        return facts.funding_total, "complete"
    if facts.funding_total:
        return facts.funding_total, "at-least"
    return None, "not-known"


def _score(rating: Rating | None) -> int | None:
    """A dimension's likelihood × impact; None (empty in CSV) until it is rated."""
    return None if rating is None else rating.likelihood * rating.impact


def _tables(facts: PlanYearFacts) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each CSV table: its header and rows."""
    py = facts.plan_year
    actions = [
        [a.id, a.priority, a.objective, a.title, a.lead, a.due.isoformat(), a.status]
        for a in py.actions.actions
    ]
    services = [
        [
            s.service.id,
            s.service.name,
            ";".join(s.service.priorities),
            s.service.delivery_model,
            s.service.make_or_buy,
            s.service.budget,
            s.service.status,
            *_contract_value(s),
            *_funding_total(s),
            s.funding_unknown,
            ";".join(s.service.pathways),
            s.decision.decision if s.decision else None,
        ]
        for s in facts.services
    ]
    indicators = [
        [
            i.indicator.id,
            i.indicator.title,
            i.indicator.priority,
            i.indicator.unit,
            i.indicator.polarity,
            i.indicator.target.value if i.indicator.target else None,
            q.actual.quarter,
            q.actual.value,
            q.actual.status,
            q.rag.status.value,
            q.rag.reason,
            i.indicator.recipient,
            q.unit,
            q.basis,
            q.actual.period,
            q.actual.as_at.isoformat() if q.actual.as_at else None,
            q.actual.printed,
            q.actual.month.value if q.actual.month else None,
            q.actual.month.status if q.actual.month else None,
            q.actual.month.period if q.actual.month else None,
            q.actual.achievement,
            i.indicator.target.target_kind if i.indicator.target else None,
            i.target_unit if i.indicator.target else None,
        ]
        for i in facts.indicators
        for q in i.quarters
    ]
    allocations = [
        [
            a.allocation.id,
            a.allocation.stream,
            a.allocation.method,
            a.allocation.formula,
            a.formula_amount,
            a.adjustment,
            a.amount,
            a.published_amount,
            a.allocation.amount_status,
        ]
        for a in facts.allocations
    ]
    risks = [
        [
            r.rank,
            r.risk.id,
            r.risk.service,
            *(_score(getattr(r.risk, d)) for d in RISK_DIMENSIONS),
            r.assessment.overall if r.assessment else None,
            r.assessment.band.name if r.assessment else None,
            r.risk.recommendation,
        ]
        for r in facts.risks
    ]
    return {
        "actions": (
            ["id", "priority", "objective", "title", "lead", "due", "status"],
            actions,
        ),
        "services": (
            [
                "id",
                "name",
                "priorities",
                "delivery_model",
                "make_or_buy",
                "budget",
                "status",
                "contract_value",
                "contract_value_status",
                "funding_total",
                "funding_total_status",
                "funding_lines_not_known",
                "pathways",
                "decision",
            ],
            services,
        ),
        "indicators": (
            [
                "id",
                "title",
                "priority",
                "unit",
                "polarity",
                "target",
                "quarter",
                "value",
                "status",
                "rag",
                "reason",
                "recipient",
                "value_unit",
                "basis",
                "period",
                "as_at",
                "printed",
                "month_value",
                "month_status",
                "month_period",
                "achievement",
                "target_kind",
                "target_unit",
            ],
            indicators,
        ),
        "allocations": (
            [
                "id",
                "stream",
                "method",
                "formula",
                "formula_amount",
                "adjustment",
                "amount",
                "published_amount",
                "amount_status",
            ],
            allocations,
        ),
        "risks": (
            [
                "rank",
                "id",
                "service",
                "harm",
                "vulnerability",
                "crime",
                "reputation",
                "overall",
                "band",
                "recommendation",
            ],
            risks,
        ),
    }


def plan_year_files(
    project: Project, facts: PlanYearFacts, since_last_year: Sequence[Change] | None = None
) -> dict[str, bytes]:
    """JSON and CSV downloads of one plan year, by file name; the JSON says what changed since
    the previous plan year when `since_last_year` is given (`generator.review`)."""
    py = facts.plan_year
    names = download_names(py.partnership, py.year)
    document = plan_year_document(project, facts)
    if since_last_year is not None:
        document["since_last_year"] = [_plain(dataclasses.asdict(c)) for c in since_last_year]
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    files = {names["json"]: text.encode("utf-8")}
    for table, (header, rows) in _tables(facts).items():
        files[names[table]] = _csv(header, rows)
    grants = giving.plan_year_grants(project, facts).file()
    if grants is not None:
        files[names["giving"]] = grants
    files[LICENCE_FILE] = licence_text(project, py.year)
    return files


def schema_files() -> dict[str, bytes]:
    """The JSON Schema of every file kind, under `schema/`, and the format reference's pages
    beside them (generated from the same models)."""
    files = {f"schema/{name}": text.encode("utf-8") for name, text in json_schemas().items()}
    for name, page in reference_pages().items():
        files[f"schema/{name}"] = page.encode("utf-8")
    return files


def schema_nav() -> list[dict[str, str]]:
    """The format reference in the navigation: its index, then a page per file kind."""
    pages = [{"About the data formats": f"schema/{INDEX}"}]
    pages += [
        {f"{kind.where.rsplit('/', 1)[-1]}": f"schema/{name}.md"}
        for name, kind in ALL_KINDS.items()
    ]
    return pages
