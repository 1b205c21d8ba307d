"""Rules: the chain finding → priority → objective → indicator / action → service → review holds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from generator.model import PlanYear, Project
from generator.model.delivery import Decision
from generator.model.performance import figure_problem
from generator.model.types import PartialDate
from generator.problems import Problem, Severity
from generator.validate.context import ERROR, WARNING, at, declared, has


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def year_start(plan_year: PlanYear) -> date:
    """1 April of the financial year's first calendar year."""
    return date(plan_year.start_year, 4, 1)


def year_end(plan_year: PlanYear) -> date:
    """31 March of the financial year's second calendar year."""
    return date(plan_year.start_year + 1, 3, 31)


def _unless_declared(part: str) -> str:
    return f"; or, if the published plan has none, add {part} to not_published in plan.yml"


def priorities_are_grounded(project: Project) -> Iterator[Problem]:
    """Advice: every priority cites a finding and has an objective and an action; objectives
    are measured. What the published plan does not contain is declared, not invented."""
    for py in project.plan_years():
        plan = at(project, py, "plan")
        if not py.plan.priorities and not declared(py, "priorities"):
            yield plan.problem(
                ("priorities",),
                "the plan lists no priorities; add them under priorities"
                + _unless_declared("priorities"),
                WARNING,
            )
        acted_on = {a.priority for a in py.actions.actions}
        indicators = {i.id: i for i in py.indicators.indicators}
        for i, priority in enumerate(py.plan.priorities):
            base = ("priorities", i)
            if not priority.findings and not (
                declared(py, "findings") or declared(py, "assessment")
            ):
                yield plan.problem(
                    (*base, "id"),
                    f"priority '{priority.id}' cites no finding; list the assessment findings "
                    "that justify it under findings" + _unless_declared("findings"),
                    WARNING,
                )
            if not priority.objectives and not declared(py, "objectives"):
                yield plan.problem(
                    (*base, "id"),
                    f"priority '{priority.id}' has no objective; add at least one under "
                    "objectives" + _unless_declared("objectives"),
                    WARNING,
                )
            if priority.id not in acted_on and not declared(py, "actions"):
                yield plan.problem(
                    (*base, "id"),
                    f"priority '{priority.id}' has no action; add one to actions.yml "
                    f"with priority: {priority.id}" + _unless_declared("actions"),
                    WARNING,
                )
            for j, objective in enumerate(priority.objectives):
                if not objective.indicators and not declared(py, "indicators"):
                    yield plan.problem(
                        (*base, "objectives", j, "id"),
                        f"objective '{objective.id}' has no indicator; list the indicators "
                        "that measure it under indicators" + _unless_declared("indicators"),
                        WARNING,
                    )
                for k, indicator_id in enumerate(objective.indicators):
                    indicator = indicators.get(indicator_id)
                    if indicator is not None and indicator.priority != priority.id:
                        yield plan.problem(
                            (*base, "objectives", j, "indicators", k),
                            f"indicator '{indicator_id}' belongs to priority "
                            f"'{indicator.priority}', not '{priority.id}'",
                            WARNING,
                        )


def findings_are_decided(project: Project) -> Iterator[Problem]:
    """A recommended finding is adopted by a priority or its rejection is recorded; a finding
    recorded as not adopted is cited by no priority (unless moved to the tier that cites it),
    one recorded as partly adopted is cited by the priority that takes up its part."""
    for py in project.plan_years():
        if py.assessment is None or declared(py, "priorities"):
            continue  # the priorities it led to are not known: nothing to check against
        cited = {f for p in py.plan.priorities for f in p.findings}
        declined = {n.finding for n in py.plan.not_adopted}
        known = {f.id for f in py.assessment.findings}
        if not (cited | declined) <= known:
            continue  # a mistyped reference is already an error; don't pile on
        for i, finding in enumerate(py.assessment.findings):
            if finding.recommended and finding.id not in cited | declined:
                yield at(project, py, "assessment").problem(
                    ("findings", i, "id"),
                    f"finding '{finding.id}' is recommended but no priority cites it; cite it, "
                    "or record the decision under not_adopted in plan.yml",
                    WARNING,
                )
        tiers = {(f, p.tier) for p in py.plan.priorities for f in p.findings}
        for i, item in enumerate(py.plan.not_adopted):
            if item.extent == "partly-adopted":
                if item.finding not in cited:
                    yield at(project, py, "plan").problem(
                        ("not_adopted", i, "extent"),
                        f"finding '{item.finding}' is listed as partly adopted but no priority "
                        "cites it; cite it from the priority that takes up its part",
                        WARNING,
                    )
                continue
            if item.tier is not None and (item.finding, item.tier) in tiers:
                continue  # adopted at another tier, as recorded
            if item.finding in cited:
                yield at(project, py, "plan").problem(
                    ("not_adopted", i, "finding"),
                    f"finding '{item.finding}' is listed as not adopted but a priority cites it",
                    WARNING,
                )


def indicators_are_used(project: Project) -> Iterator[Problem]:
    """Every indicator measures an objective (one about a funded recipient reports on it)."""
    for py in project.plan_years():
        used = {i for p in py.plan.priorities for o in p.objectives for i in o.indicators}
        if not used <= {i.id for i in py.indicators.indicators}:
            continue  # a mistyped reference is already an error; don't pile on
        for i, indicator in enumerate(py.indicators.indicators):
            if indicator.id not in used and indicator.recipient is None:
                yield at(project, py, "indicators").problem(
                    ("indicators", i, "id"),
                    f"indicator '{indicator.id}' measures no objective; list it under an "
                    "objective's indicators in plan.yml",
                    WARNING,
                )


def services_are_funded(project: Project) -> Iterator[Problem]:
    """Every service is funded and serves a priority; models and budgets are coherent."""
    for py in project.plan_years():
        if not has(py, "services"):
            continue
        f = at(project, py, "services")
        for i, service in enumerate(py.services.services):
            base = ("services", i)
            if (
                not service.funding
                and service.status != "decommissioned"
                and service.superseded_by is None
                and not declared(py, "funding")
            ):
                yield f.problem(
                    (*base, "id"),
                    f"service '{service.id}' is not funded; add funding lines naming their "
                    "streams" + _unless_declared("funding"),
                    WARNING,
                )
            if not service.priorities and not declared(py, "priorities"):
                yield f.problem(
                    (*base, "id"),
                    f"service '{service.id}' serves no priority; list them under priorities",
                    WARNING,
                )
            if service.delivery_model == "on-behalf-of-pcc":
                if service.on_behalf_of is None:
                    yield f.problem(
                        (*base, "on_behalf_of"),
                        "a service commissioned on behalf of the PCC names the PCC partnership "
                        "in on_behalf_of",
                    )
                else:
                    other = project.partnerships.get(service.on_behalf_of)
                    if other is not None and other.kind != "pcc":
                        yield f.problem(
                            (*base, "on_behalf_of"),
                            f"'{service.on_behalf_of}' is a {other.kind}, not a PCC",
                            WARNING,
                        )
            if service.budget == "pooled" and (
                service.joint is None
                or service.joint.host is None
                or not service.joint.contributions
            ):
                yield f.problem(
                    (*base, "budget"),
                    "a pooled budget names its host and each partner's contribution under joint",
                )
            if service.delivery_model == "joint-commissioning" and len(service.commissioners) < 2:
                yield f.problem(
                    (*base, "commissioners"),
                    "joint commissioning needs at least two commissioners",
                )
            if service.make_or_buy == "buy" and service.delivery_model == "in-house":
                yield f.problem(
                    (*base, "make_or_buy"),
                    "'buy' means bought from a provider, but the delivery model is in-house",
                    WARNING,
                )
            if service.make_or_buy == "make" and service.delivery_model not in ("in-house",):
                yield f.problem(
                    (*base, "make_or_buy"),
                    f"'make' means delivered in-house, but the delivery model is "
                    f"{service.delivery_model}",
                    WARNING,
                )
            if service.make_or_buy_rationale is None and not declared(py, "make-or-buy"):
                yield f.problem(
                    (*base, "id"),
                    f"service '{service.id}' gives no make-or-buy rationale; say why it is "
                    f"{'made in-house' if service.make_or_buy == 'make' else 'bought'} under "
                    "make_or_buy_rationale" + _unless_declared("make-or-buy"),
                    WARNING,
                )
            contract = service.contract
            if (
                contract
                and contract.starts
                and contract.ends
                and contract.ends.latest < contract.starts.earliest
            ):
                yield f.problem((*base, "contract", "ends"), "the contract ends before it starts")
            if (
                contract
                and contract.extended_to
                and contract.ends
                and contract.extended_to.latest < contract.ends.earliest
            ):
                yield f.problem(
                    (*base, "contract", "extended_to"),
                    f"extended to {contract.extended_to.isoformat()}, before the contract "
                    f"ends ({contract.ends.isoformat()})",
                )


def _decision_dates(decision: Decision) -> Iterator[tuple[str, str, Severity]]:
    """(field, message, severity) for a decision notice whose dates cannot both be right."""
    if decision.signed and decision.date and decision.signed.latest < decision.date.earliest:
        yield (
            "signed",
            f"decision notice {decision.reference} is signed {decision.signed.isoformat()}, "
            f"before the decision date ({decision.date.isoformat()}); check both dates",
            WARNING,
        )


def _before_year(due: PartialDate, start: date, carried_from: str | None) -> tuple[str, Severity]:
    """A date before the plan year: wrong in the year's own plan, overdue in a carried action."""
    before = f"due {due.isoformat()} is before the plan year starts ({start.isoformat()})"
    if carried_from is None:
        return before, ERROR
    return f"{before}: overdue, carried from {carried_from}; set a new due date", WARNING


def dates_fall_in_year(project: Project) -> Iterator[Problem]:
    """Action and milestone dates fall in or after their plan year; decision notices are
    signed on or after the decision. Dates as precise as their source are compared at the
    end that gives them the benefit of the doubt."""
    for py in project.plan_years():
        if has(py, "services"):
            f = at(project, py, "services")
            for i, service in enumerate(py.services.services):
                for j, decision in enumerate(service.decisions):
                    for name, message, severity in _decision_dates(decision):
                        yield f.problem(("services", i, "decisions", j, name), message, severity)
        if py.review is not None:
            f = at(project, py, "review")
            for i, review in enumerate(py.review.services):
                if review.record is not None:
                    for name, message, severity in _decision_dates(review.record):
                        yield f.problem(("services", i, "record", name), message, severity)
        if not has(py, "actions"):
            continue
        f = at(project, py, "actions")
        start = year_start(py)
        for i, action in enumerate(py.actions.actions):
            if action.due.latest < start:
                yield f.problem(
                    ("actions", i, "due"), *_before_year(action.due, start, action.carried_from)
                )
            for j, milestone in enumerate(action.milestones):
                if (
                    start <= action.due.latest
                    and action.due.latest < milestone.due.earliest
                    and action.status != "cancelled"
                ):
                    yield f.problem(
                        ("actions", i, "milestones", j, "due"),
                        f"milestone due {milestone.due.isoformat()}, after its action "
                        f"({action.due.isoformat()})",
                        WARNING,
                    )
                if milestone.due.latest < start:
                    yield f.problem(
                        ("actions", i, "milestones", j, "due"),
                        *_before_year(milestone.due, start, action.carried_from),
                    )


def status_is_coherent(project: Project) -> Iterator[Problem]:
    """Approved years say who approved them; published years held a public meeting."""
    for py in project.plan_years():
        plan = at(project, py, "plan")
        if (
            py.plan.status in ("approved", "published", "superseded")
            and py.plan.approval is None
            and py.published is None
            and not declared(py, "approval")
        ):
            yield plan.problem(
                ("status",),
                f"{_article(py.plan.status)} {py.plan.status} plan records its approval "
                "(body and date) under approval" + _unless_declared("approval"),
                WARNING,
            )
        if (
            py.is_published
            and not any(m.public for m in py.plan.meetings)
            and not declared(py, "meetings")
        ):
            yield plan.problem(
                ("meetings",),
                "no public meeting is recorded; the regulations require at least one a year"
                + _unless_declared("meetings"),
                WARNING,
            )
        for i, meeting in enumerate(py.plan.meetings):
            if not year_start(py) <= meeting.date <= year_end(py):
                yield plan.problem(
                    ("meetings", i, "date"),
                    f"meeting on {meeting.date.isoformat()} is outside {py.year}",
                    WARNING,
                )
        if (
            py.review is not None
            and py.review.status == "final"
            and py.plan.status in ("draft", "consultation")
        ):
            yield at(project, py, "review").problem(
                (),
                f"{_article(py.plan.status)} {py.plan.status} plan has an annual review; "
                "approve the plan first",
                WARNING,
            )


def changes_follow_publication(project: Project) -> Iterator[Problem]:
    """Corrections and variations are logged against published years."""
    for py in project.plan_years():
        if py.changes.changes and not py.is_published:
            yield at(project, py, "changes").problem(
                ("changes",),
                f"the year is {py.plan.status}, not published: change it directly; the "
                "change log is for corrections to a published plan",
                WARNING,
            )


def review_is_complete(project: Project) -> Iterator[Problem]:
    """Once a review is final, every indicator has an outturn and every service a decision (a
    draft review is in preparation: what it still lacks is not yet a gap)."""
    for py in project.plan_years():
        if py.review is None or py.review.status == "draft":
            continue
        f = at(project, py, "review")
        outturns = {o.indicator for o in py.review.outturns}
        decided = {d.service for d in py.review.services}
        reviewed = {p.priority for p in py.review.priorities}
        for indicator in py.indicators.indicators:
            if indicator.id not in outturns and not declared(py, "outturns"):
                yield f.problem(
                    ("outturns",),
                    f"indicator '{indicator.id}' has no outturn; add it under outturns "
                    "(status not-yet-available if the data is not out)"
                    + _unless_declared("outturns"),
                    WARNING,
                )
        for service in py.services.services:
            if service.id not in decided and not declared(py, "decisions"):
                yield f.problem(
                    ("services",),
                    f"service '{service.id}' has no decision; add it under services "
                    "(continue, extend, recommission, redesign or decommission)"
                    + _unless_declared("decisions"),
                    WARNING,
                )
        for priority in py.plan.priorities:
            if priority.id not in reviewed and not declared(py, "review"):
                yield f.problem(
                    ("priorities",),
                    f"priority '{priority.id}' has no narrative in the review",
                    WARNING,
                )
        for i, outturn in enumerate(py.review.outturns):
            problem = figure_problem(outturn, "outturn")
            if problem is not None:
                yield f.problem(("outturns", i, "value"), problem)


def consultation_says_how_to_respond(project: Project) -> Iterator[Problem]:
    """Advice: a plan in consultation says how to comment on it and until when."""
    for py in project.plan_years():
        if py.plan.status == "consultation" and py.plan.consultation is None:
            yield at(project, py, "plan").problem(
                ("status",),
                "the plan is in consultation but does not say how to comment on it; add "
                "consultation: with how_to_respond and until (and url, if there is a survey)",
                WARNING,
            )
