"""Rules: ids are unique, files sit where they say they do, and every reference resolves."""

from __future__ import annotations

from collections.abc import Iterator

from generator.model import PlanYear, Project
from generator.model.assessment import CRIME_CATEGORIES
from generator.model.delivery import Decision
from generator.problems import FieldPath, Problem
from generator.validate.context import WARNING, At, at, declared, has


def reference_data(project: Project) -> Iterator[Problem]:
    """Organisations, areas and streams: unique ids, resolvable funders and forces."""
    orgs = At(project, project.reference_files["organisations"])
    yield from orgs.unique(
        ("organisations",), (o.id for o in project.organisation_list), "organisation"
    )
    for i, org in enumerate(project.organisation_list):
        yield from orgs.reference(
            ("organisations", i, "replaced_by"),
            org.replaced_by,
            project.organisations,
            "organisation",
        )
    areas = At(project, project.reference_files["areas"])
    yield from areas.unique(("areas",), (a.id for a in project.area_list), "area")
    for i, area in enumerate(project.area_list):
        yield from areas.reference(
            ("areas", i, "police_force"), area.police_force, project.organisations, "organisation"
        )
        yield from areas.reference(
            ("areas", i, "pcc"), area.pcc, project.organisations, "organisation"
        )
    streams = At(project, project.reference_files["funding-streams"])
    yield from streams.unique(("streams",), (s.id for s in project.stream_list), "funding stream")
    for i, stream in enumerate(project.stream_list):
        yield from streams.reference(
            ("streams", i, "funder"), stream.funder, project.organisations, "organisation"
        )
        years = [pot.year for pot in stream.pots]
        for j, year in enumerate(years):
            if year in years[:j]:
                yield streams.problem(
                    ("streams", i, "pots", j, "year"), f"a second pot for {year}; give one per year"
                )
        if stream.starts and stream.ends and stream.ends.latest < stream.starts.earliest:
            yield streams.problem(("streams", i, "ends"), "the stream ends before it starts")


def partnerships(project: Project) -> Iterator[Problem]:
    """Each partnership.yml: its id matches its folder; areas, hosts and members resolve."""
    for pid, partnership in sorted(project.partnerships.items()):
        file = At(project, project.partnership_files[pid])
        if partnership.id != pid:
            yield file.problem(
                ("id",),
                f"id '{partnership.id}' does not match its folder plans/{pid}/; make them equal",
            )
        yield from file.reference(("area",), partnership.area, project.areas, "area")
        yield from file.reference(
            ("host",), partnership.host, project.organisations, "organisation"
        )
        seen: set[str] = set()
        for i, member in enumerate(partnership.members):
            yield from file.reference(
                ("members", i, "organisation"),
                member.organisation,
                project.organisations,
                "organisation",
            )
            if member.joined and member.left and member.left.latest < member.joined.earliest:
                yield file.problem(("members", i, "left"), "left is before joined")
            if member.organisation in seen and member.joined is None:
                yield file.problem(
                    ("members", i, "organisation"),
                    f"'{member.organisation}' is listed twice; "
                    "give joined and left dates to each spell",
                )
            seen.add(member.organisation)
        for i, strategy in enumerate(partnership.strategies):
            if strategy.last_year < strategy.first_year:
                yield file.problem(("strategies", i, "last_year"), "last_year is before first_year")


def plan_governance(project: Project) -> Iterator[Problem]:
    """The record of how a plan was made: its strategy, its approval steps, what it dropped."""
    for py in project.plan_years():
        plan = at(project, py, "plan")
        partnership = project.partnerships.get(py.partnership)
        if py.plan.strategy is not None and partnership is not None:
            titles = [s.title for s in partnership.strategies]
            yield from plan.reference(("strategy",), py.plan.strategy, titles, "strategy")
        approval = py.plan.approval
        if approval is not None:
            for i, step in enumerate(approval.steps):
                path: FieldPath = ("approval", "steps", i, "date")
                if step.date.earliest > approval.date:
                    yield plan.problem(
                        path,
                        f"this step ({step.date.isoformat()}) is dated after the final approval "
                        f"({approval.date.isoformat()}); list the steps before it",
                        WARNING,
                    )
                if i and step.date < approval.steps[i - 1].date:
                    yield plan.problem(
                        path, "the steps are not in date order; list them oldest first", WARNING
                    )
        previous = project.previous(py)
        earlier = {p.id for p in previous.plan.priorities} if previous else set()
        kept = {p.id for p in py.plan.priorities} | {
            old for p in py.plan.priorities for old in p.continues
        }
        for i, item in enumerate(py.plan.dropped):
            path = ("dropped", i, "priority")
            if previous is None:
                yield plan.problem(
                    path,
                    f"drops an earlier priority but {py.partnership} has no year before "
                    f"{py.year} here; it is shown as written",
                    WARNING,
                )
            elif earlier:
                yield from plan.reference(path, item.priority, earlier, f"{previous.year} priority")
            if item.priority in kept:
                yield plan.problem(
                    path,
                    f"'{item.priority}' is dropped but this year's plan still has or continues "
                    "it; remove one of them",
                )


def plan_year_identity(project: Project) -> Iterator[Problem]:
    """plan.yml says the year of the folder it is in."""
    for plan_year in project.plan_years():
        if plan_year.plan.year != plan_year.year:
            yield at(project, plan_year, "plan").problem(
                ("year",),
                f"year {plan_year.plan.year} does not match its folder {plan_year.year}/; "
                "make them equal",
            )


def _ids(plan_year: PlanYear) -> dict[str, set[str]]:
    """The ids a plan year defines, by what they are."""
    plan = plan_year.plan
    return {
        "priority": {p.id for p in plan.priorities},
        "finding": {f.id for f in plan_year.assessment.findings} if plan_year.assessment else set(),
        "source": {s.id for s in plan_year.assessment.sources} if plan_year.assessment else set(),
        "indicator": {i.id for i in plan_year.indicators.indicators},
        "service": {s.id for s in plan_year.services.services},
        "action": {a.id for a in plan_year.actions.actions},
    }


def plan_year_ids(project: Project) -> Iterator[Problem]:
    """Ids are unique within their list (objectives within the whole year)."""
    for py in project.plan_years():
        plan = at(project, py, "plan")
        yield from plan.unique(("priorities",), (p.id for p in py.plan.priorities), "priority")
        seen: dict[str, str] = {}
        for i, priority in enumerate(py.plan.priorities):
            for j, objective in enumerate(priority.objectives):
                if objective.id in seen:
                    yield plan.problem(
                        ("priorities", i, "objectives", j, "id"),
                        f"duplicate objective id '{objective.id}' (also under priority "
                        f"'{seen[objective.id]}'); objective ids are unique in a year",
                    )
                seen.setdefault(objective.id, priority.id)
        if py.assessment:
            a = at(project, py, "assessment")
            yield from a.unique(("findings",), (f.id for f in py.assessment.findings), "finding")
            yield from a.unique(("sources",), (s.id for s in py.assessment.sources), "source")
        lists = (
            ("actions", ("actions",), [x.id for x in py.actions.actions], "action"),
            ("indicators", ("indicators",), [x.id for x in py.indicators.indicators], "indicator"),
            ("services", ("services",), [x.id for x in py.services.services], "service"),
            ("funding", ("allocations",), [x.id for x in py.funding.allocations], "allocation"),
            ("funding", ("formulas",), [x.id for x in py.funding.formulas], "formula"),
            ("risks", ("risks",), [x.id for x in py.risks.risks], "risk"),
        )
        for kind, path, ids, what in lists:
            if has(py, kind):
                yield from at(project, py, kind).unique(path, ids, what)


def formula_ids_unique(project: Project) -> Iterator[Problem]:
    """Allocations name a formula by id, so formula ids are unique across a year."""
    first: dict[tuple[str, str], str] = {}
    for py in project.plan_years():
        for i, formula in enumerate(py.funding.formulas):
            key = (py.year, formula.id)
            if key in first and first[key] != py.partnership:
                yield at(project, py, "funding").problem(
                    ("formulas", i, "id"),
                    f"formula id '{formula.id}' is also used by {first[key]} in {py.year}; "
                    "formula ids are unique across a year",
                )
            first.setdefault(key, py.partnership)


def plan_references(project: Project) -> Iterator[Problem]:
    """Priorities, objectives and the assessment refer to things that exist."""
    orgs = project.organisations
    for py in project.plan_years():
        ids = _ids(py)
        plan = at(project, py, "plan")
        previous = project.previous(py)
        earlier = {p.id for p in previous.plan.priorities} if previous else set()
        criteria = {c.id for c in py.plan.selection.criteria} if py.plan.selection else set()
        for i, priority in enumerate(py.plan.priorities):
            base = ("priorities", i)
            if priority.findings and not py.assessment:
                yield plan.problem(
                    (*base, "findings"),
                    f"cites findings but {py.partnership}/{py.year} has no assessment.yml; add it",
                )
            elif priority.findings:
                yield from plan.references(
                    (*base, "findings"), priority.findings, ids["finding"], "finding"
                )
            yield from plan.references((*base, "leads"), priority.leads, orgs, "organisation")
            for j, objective in enumerate(priority.objectives):
                obase = (*base, "objectives", j)
                yield from plan.references(
                    (*obase, "pursued_by"), objective.pursued_by, orgs, "organisation"
                )
                yield from plan.references(
                    (*obase, "indicators"), objective.indicators, ids["indicator"], "indicator"
                )
            if priority.continues and previous is None:
                yield plan.problem(
                    (*base, "continues"),
                    f"continues earlier priorities but {py.partnership} has no year "
                    f"before {py.year} here; they are shown as written",
                    WARNING,
                )
            elif priority.continues and not earlier:
                pass  # the earlier year's priorities are not known: nothing to check against
            elif priority.continues:
                yield from plan.references(
                    (*base, "continues"),
                    priority.continues,
                    earlier,
                    f"{previous.year} priority",  # type: ignore[union-attr]
                )
            for key in priority.scores:
                if not criteria:
                    yield plan.problem(
                        (*base, "scores", key),
                        "scores need a selection method; add selection.criteria to the plan",
                    )
                    break
                yield from plan.reference(
                    (*base, "scores", key), key, criteria, "selection criterion"
                )
            if criteria and not priority.scores and not declared(py, "scores"):
                yield plan.problem(
                    (*base, "scores"),
                    "the plan has a selection method but this priority has no scores",
                    WARNING,
                )
        for i, item in enumerate(py.plan.not_adopted):
            yield from plan.reference(
                ("not_adopted", i, "finding"), item.finding, ids["finding"], "finding"
            )
        if py.assessment:
            a = at(project, py, "assessment")
            for i, stat in enumerate(py.assessment.statistics):
                if stat.category not in CRIME_CATEGORIES:
                    yield from a.reference(
                        ("statistics", i, "category"),
                        stat.category,
                        CRIME_CATEGORIES,
                        "crime category",
                    )
                yield from a.reference(
                    ("statistics", i, "source"), stat.source, ids["source"], "source"
                )
            for i, finding in enumerate(py.assessment.findings):
                yield from a.references(
                    ("findings", i, "sources"), finding.sources, ids["source"], "source"
                )
            period = py.assessment.period
            if period is not None and period.end < period.start:
                yield a.problem(("period", "end"), "the period ends before it starts")


def delivery_references(project: Project) -> Iterator[Problem]:
    """Actions, indicators and services refer to things that exist."""
    orgs, streams = project.organisations, project.streams
    # A notice given by reference is looked for in its financial year, in every partnership's
    # files: a year's problems depend on no other year's services or review (validate_cache).
    by_year: dict[str, set[str]] = {}
    for py in project.plan_years():
        by_year.setdefault(py.year, set()).update(_recorded_decisions(py))
    for py in project.plan_years():
        ids = _ids(py)
        recorded = by_year[py.year]
        lines = ids["service"] | {a.id for a in py.actions.actions}
        objectives: dict[str, set[str]] = {}
        for priority in py.plan.priorities:
            objectives.setdefault(priority.id, set()).update(o.id for o in priority.objectives)
        if has(py, "actions"):
            f = at(project, py, "actions")
            for i, action in enumerate(py.actions.actions):
                base = ("actions", i)
                yield from f.reference(
                    (*base, "priority"), action.priority, ids["priority"], "priority"
                )
                if action.objective and action.priority in objectives:
                    yield from f.reference(
                        (*base, "objective"),
                        action.objective,
                        objectives[action.priority],
                        f"objective of priority '{action.priority}'",
                    )
                yield from f.reference((*base, "lead"), action.lead, orgs, "organisation")
                yield from f.references((*base, "partners"), action.partners, orgs, "organisation")
                yield from f.references(
                    (*base, "services"), action.services, ids["service"], "service"
                )
                for j, line in enumerate(action.funding):
                    yield from f.reference(
                        (*base, "funding", j, "stream"), line.stream, streams, "funding stream"
                    )
                    yield from f.references(
                        (*base, "funding", j, "combined_with"),
                        line.combined_with,
                        lines,
                        "service or action",
                    )
        if has(py, "indicators"):
            f = at(project, py, "indicators")
            for i, indicator in enumerate(py.indicators.indicators):
                yield from f.reference(
                    ("indicators", i, "priority"), indicator.priority, ids["priority"], "priority"
                )
                quarters = [a.quarter for a in indicator.actuals]
                for j, quarter in enumerate(quarters):
                    if quarter in quarters[:j]:
                        yield f.problem(
                            ("indicators", i, "actuals", j, "quarter"),
                            f"{quarter} is reported twice; keep one value per quarter",
                        )
        if has(py, "services"):
            yield from _service_references(project, py, ids, lines, recorded)
        if py.review is not None:
            f = at(project, py, "review")
            for i, review in enumerate(py.review.services):
                if review.record is not None:
                    yield from _decision_reference(
                        f, ("services", i, "record"), review.record, recorded
                    )


def _recorded_decisions(py: PlanYear) -> set[str]:
    """References of the decision notices a plan year records in full."""
    full = {
        decision.reference
        for service in py.services.services
        for decision in service.decisions
        if not decision.by_reference
    }
    if py.review is not None:
        full.update(
            review.record.reference
            for review in py.review.services
            if review.record is not None and not review.record.by_reference
        )
    return full


def _decision_reference(
    f: At, path: FieldPath, decision: Decision, recorded: set[str]
) -> Iterator[Problem]:
    """A decision given by its reference alone is recorded in full somewhere, or online."""
    if decision.by_reference and decision.url is None and decision.reference not in recorded:
        yield f.problem(
            (*path, "reference"),
            f"decision notice {decision.reference} is given by reference only, and is recorded "
            "in full nowhere in the project; give its date, decision_maker and summary, "
            "or the url where it is published",
            WARNING,
        )


def _service_references(
    project: Project,
    py: PlanYear,
    ids: dict[str, set[str]],
    lines: set[str],
    recorded: set[str],
) -> Iterator[Problem]:
    orgs, streams = project.organisations, project.streams
    f = at(project, py, "services")
    for i, service in enumerate(py.services.services):
        base = ("services", i)
        yield from f.reference(
            (*base, "superseded_by"), service.superseded_by, ids["service"], "service"
        )
        for j, decision in enumerate(service.decisions):
            yield from _decision_reference(f, (*base, "decisions", j), decision, recorded)
        if service.procurement is not None:
            lots = service.procurement.lots
            yield from f.unique((*base, "procurement", "lots"), (lot.id for lot in lots), "lot")
            for j, lot in enumerate(lots):
                yield from f.reference(
                    (*base, "procurement", "lots", j, "provider"),
                    lot.provider,
                    orgs,
                    "organisation",
                )
        yield from f.references(
            (*base, "priorities"), service.priorities, ids["priority"], "priority"
        )
        yield from f.references(
            (*base, "commissioners"), service.commissioners, orgs, "organisation"
        )
        yield from f.references((*base, "providers"), service.providers, orgs, "organisation")
        yield from f.reference(
            (*base, "on_behalf_of"), service.on_behalf_of, project.partnerships, "partnership"
        )
        for j, line in enumerate(service.funding):
            yield from f.reference(
                (*base, "funding", j, "stream"), line.stream, streams, "funding stream"
            )
            yield from f.references(
                (*base, "funding", j, "combined_with"),
                line.combined_with,
                lines,
                "service or action",
            )
        if service.joint:
            yield from f.reference(
                (*base, "joint", "host"), service.joint.host, orgs, "organisation"
            )
            for j, share in enumerate(service.joint.contributions):
                yield from f.reference(
                    (*base, "joint", "contributions", j, "organisation"),
                    share.organisation,
                    orgs,
                    "organisation",
                )
        pathways = list(service.pathways)
        for j, pathway in enumerate(pathways):
            if pathway in pathways[:j]:
                yield f.problem((*base, "pathways", j), f"pathway '{pathway}' is listed twice")


def money_references(project: Project) -> Iterator[Problem]:
    """Funding, risks and reviews refer to things that exist."""
    orgs, streams = project.organisations, project.streams
    formulas = {
        (py.year, formula.id) for py in project.plan_years() for formula in py.funding.formulas
    }
    by_year: dict[str, set[str]] = {}
    for year, fid in formulas:
        by_year.setdefault(year, set()).add(fid)
    for py in project.plan_years():
        ids = _ids(py)
        if has(py, "funding"):
            f = at(project, py, "funding")
            for i, alloc in enumerate(py.funding.allocations):
                base = ("allocations", i)
                yield from f.reference((*base, "stream"), alloc.stream, streams, "funding stream")
                yield from f.reference((*base, "recipient"), alloc.recipient, orgs, "organisation")
                yield from f.reference(
                    (*base, "formula"),
                    alloc.formula,
                    by_year.get(py.year, set()),
                    f"{py.year} formula",
                )
            for i, formula in enumerate(py.funding.formulas):
                base = ("formulas", i)
                yield from f.reference((*base, "stream"), formula.stream, streams, "funding stream")
                yield from f.unique(
                    (*base, "criteria"), (c.id for c in formula.criteria), "criterion"
                )
                partners = [r.key for r in formula.recipients]
                for j, pid in enumerate(partners):
                    rbase = (*base, "recipients", j)
                    yield from f.reference(
                        (*rbase, "partnership"),
                        formula.recipients[j].partnership,
                        project.partnerships,
                        "partnership",
                    )
                    if pid in partners[:j]:
                        yield f.problem(
                            (*rbase, "partnership"), f"'{pid}' is listed twice in the formula"
                        )
                    yield from f.reference(
                        (*rbase, "paid_to"), formula.recipients[j].paid_to, orgs, "organisation"
                    )
            for i, cut in enumerate(py.funding.cuts):
                yield from f.reference(("cuts", i, "stream"), cut.stream, streams, "funding stream")
        if has(py, "risks"):
            f = at(project, py, "risks")
            for i, risk in enumerate(py.risks.risks):
                yield from f.reference(
                    ("risks", i, "service"), risk.service, ids["service"], "service"
                )
                yield from f.reference(("risks", i, "owner"), risk.owner, orgs, "organisation")
        if py.review is not None:
            f = at(project, py, "review")
            for i, reviewed in enumerate(py.review.priorities):
                yield from f.reference(
                    ("priorities", i, "priority"), reviewed.priority, ids["priority"], "priority"
                )
            for i, outturn in enumerate(py.review.outturns):
                yield from f.reference(
                    ("outturns", i, "indicator"), outturn.indicator, ids["indicator"], "indicator"
                )
            for i, decision in enumerate(py.review.services):
                yield from f.reference(
                    ("services", i, "service"), decision.service, ids["service"], "service"
                )
            for i, spend in enumerate(py.review.spend):
                yield from f.reference(
                    ("spend", i, "stream"), spend.stream, streams, "funding stream"
                )
