"""The comparison engine: two versions of a project, compared as typed values, never as text.

Items are matched by id, so moving an item within a list, re-ordering keys, re-quoting or
re-indenting changes nothing here. Computed figures (formula shares to the penny, RAG status,
risk scores and ranks) are worked out on each side and compared too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping

from generator.compute.facts import risk_assessments
from generator.compute.indicators import indicator_facts
from generator.compute.money import FormulaFacts, service_funding
from generator.compute.risk import rank_risks
from generator.model import PlanYear, Project
from generator.model.delivery import Action, Service
from generator.model.partnership import Partnership, Priority
from generator.model.performance import Figure, Indicator
from generator.problems import Problem
from generator.review.changes import Change, Moved, Report, Section, by_id, matched
from generator.review.money import funding_changes, known_total, moved_money
from generator.review.words import amount_words, difference, moved_by, pounds, words

STATUS_WORDS = {
    "decommissioned": ("service decommissioned", "decommissioned"),
    "recommissioned": ("service recommissioned", "recommissioned"),
}


def compare(
    before: Project | None,
    after: Project | None,
    years: Collection[str] | None = None,
    problems_before: Iterable[Problem] = (),
    problems_after: Iterable[Problem] = (),
    labels: tuple[str, str] = ("before", "after"),
    not_compared: Iterable[str] = (),
    only: Collection[tuple[str, str]] | None = None,
) -> Report:
    """What differs between two versions of a project, per partnership and plan year.

    `years`: the financial years to compare (None: all); `only`: the plan years among them
    that can differ (None: all; the others are known to be the same). A missing side (None)
    compares as an empty project. Problems are compared as `plans validate` prints them."""
    old_problems = {_problem_key(p): p for p in problems_before}
    new_problems = {_problem_key(p): p for p in problems_after}
    sections: list[Section] = []
    moved: list[Moved] = []
    old_years = _years(before, years)
    new_years = _years(after, years)
    partnerships = sorted(
        {*(before.partnerships if before else {}), *(after.partnerships if after else {})}
    )
    for pid in partnerships:
        old_p = before.partnerships.get(pid) if before else None
        new_p = after.partnerships.get(pid) if after else None
        name = (new_p or old_p).name  # type: ignore[union-attr]
        own = tuple(_partnership(old_p, new_p))
        if own:
            sections.append(Section(pid, name, None, own))
        for year in sorted({y for p, y in (*old_years, *new_years) if p == pid}):
            if only is not None and (pid, year) not in only:
                continue
            old, new = old_years.get((pid, year)), new_years.get((pid, year))
            found = tuple(_plan_year(before, old, after, new))
            if found:
                sections.append(Section(pid, name, year, found))
            if old is not None and new is not None:
                moved.extend(moved_money(old, new))
    return Report(
        before=labels[0],
        after=labels[1],
        sections=tuple(sections),
        moved=tuple(moved),
        introduced=_missing(new_problems, old_problems),
        fixed=_missing(old_problems, new_problems),
        not_compared=tuple(sorted(set(not_compared))),
    )


def _missing(
    problems: Mapping[tuple[str, str, str, str], Problem],
    other: Mapping[tuple[str, str, str, str], Problem],
) -> tuple[str, ...]:
    """The problems of one version the other does not have, in file and line order."""
    kept = [p for key, p in problems.items() if key not in other]
    return tuple(str(p) for p in sorted(kept, key=Problem.sort_key))


def _problem_key(problem: Problem) -> tuple[str, str, str, str]:
    """A problem as compared between versions: where it is by field, not by line (an edit
    above it moves it down the file without changing it)."""
    return (problem.file, problem.field, problem.message, problem.severity.value)


def _years(
    project: Project | None, years: Collection[str] | None
) -> dict[tuple[str, str], PlanYear]:
    if project is None:
        return {}
    return {key: py for key, py in project.years.items() if years is None or key[1] in years}


def _partnership(old: Partnership | None, new: Partnership | None) -> Iterator[Change]:
    if old is None or new is None:
        item = new or old
        assert item is not None
        what = "partnership added" if new else "partnership removed"
        yield Change("partnership", item.id, item.name, what, counts=what)
        return
    if old.name != new.name:
        yield Change(
            "partnership",
            new.id,
            new.name,
            "renamed",
            old.name,
            new.name,
            counts="partnership renamed",
        )
    old_members = {m.organisation: m for m in old.members}
    new_members = {m.organisation: m for m in new.members}
    for org, was, now in matched(old_members, new_members):
        if was is None:
            yield Change("partnership", org, org, "member added")
        elif now is None:
            yield Change("partnership", org, org, "member removed")
        elif was != now:
            for attr in ("role", "joined", "left"):
                if getattr(was, attr) != getattr(now, attr):
                    yield Change(
                        "partnership", org, org, f"membership {attr} changed",
                        words(getattr(was, attr)), words(getattr(now, attr)),
                    )  # fmt: skip


def _plan_year(
    before: Project | None, old: PlanYear | None, after: Project | None, new: PlanYear | None
) -> Iterator[Change]:
    if old is None or new is None:
        item = new or old
        assert item is not None
        yield Change(
            "plan", item.year, item.plan.title,
            "plan year added" if new else "plan year removed",
            counts="plan year added" if new else "plan year removed",
        )  # fmt: skip
        return
    assert before is not None and after is not None
    yield from _plan(old, new)
    yield from _actions(old, new)
    yield from _services(old, new)
    yield from funding_changes(before, old, after, new)
    yield from _indicators(before, old, after, new)
    yield from _risks(before, old, after, new)
    yield from _review(old, new)
    yield from _records(old, new)
    yield from _publication(old, new)


def since_last_year(
    project: Project,
    plan_year: PlanYear,
    formulas: Callable[[str], Mapping[str, FormulaFacts]] | None = None,
) -> tuple[Change, ...]:
    """What a partnership's plan year changes from its previous plan year, by the same
    comparison as a review (a priority that `continues` one of last year's is matched with
    it, and one the plan records as dropped is said to be dropped); () for a first year.
    `formulas` gives a year's formulas worked out (a site's renderer keeps them)."""
    previous = project.previous(plan_year)
    if previous is None:
        return ()
    return (
        *_plan(previous, plan_year, across_years=True),
        *_actions(previous, plan_year),
        *_services(previous, plan_year),
        *funding_changes(project, previous, project, plan_year, formulas),
        *_indicators(project, previous, project, plan_year),
        *_risks(project, previous, project, plan_year),
    )


def _continued(old: PlanYear, new: PlanYear) -> dict[str, Priority]:
    """Last year's priorities keyed by the id of this year's priority that continues each
    (renamed or regrouped), else by their own id."""
    earlier = by_id(old.plan.priorities)
    keyed: dict[str, Priority] = {}
    for priority in new.plan.priorities:
        for previous_id in priority.continues:
            if previous_id in earlier and priority.id not in keyed:
                keyed[priority.id] = earlier.pop(previous_id)
            elif previous_id in earlier:
                earlier.pop(previous_id)  # regrouped into a priority already matched
    return {**keyed, **{pid: p for pid, p in earlier.items() if pid not in keyed}}


def _plan(old: PlanYear, new: PlanYear, across_years: bool = False) -> Iterator[Change]:
    a, b = old.plan, new.plan
    if a.title != b.title:
        yield Change("plan", b.year, b.title, "plan retitled", a.title, b.title)
    if a.status != b.status and not across_years:
        yield Change("plan", b.year, b.title, "status changed", a.status, b.status)
    old_p = _continued(old, new) if across_years else by_id(a.priorities)
    new_p = by_id(b.priorities)
    dropped = {d.priority: d for d in b.dropped} if across_years else {}
    for pid, was, now in matched(old_p, new_p):
        if was is None:
            assert now is not None
            yield Change("priority", pid, now.title, "priority added", counts="priority added")
        elif now is None and was.id in dropped:
            reason = dropped[was.id].reason
            yield Change(
                "priority", was.id, was.title, "priority dropped",
                after=str(reason) if reason else None, counts="priority dropped",
            )  # fmt: skip
        elif now is None:
            yield Change("priority", pid, was.title, "priority removed", counts="priority removed")
        else:
            if was.id != now.id:
                yield Change("priority", pid, now.title, "continues last year's", was.id, now.id)
            if was.title != now.title:
                yield Change(
                    "priority",
                    pid,
                    now.title,
                    "reworded",
                    was.title,
                    now.title,
                    counts="priority reworded",
                )
            if was.tier != now.tier:
                yield Change("priority", pid, now.title, "moved between tiers", was.tier, now.tier)
            if was.rationale != now.rationale:
                yield Change("priority", pid, now.title, "rationale rewritten")
    old_o = {o.id: (p.id, o) for p in a.priorities for o in p.objectives}
    new_o = {o.id: (p.id, o) for p in b.priorities for o in p.objectives}
    titles = {p.id: p.title for p in b.priorities}
    for oid, was_o, now_o in matched(old_o, new_o):
        if was_o is None:
            assert now_o is not None
            yield Change(
                "objective", oid, now_o[1].title, f"objective added under \"{titles[now_o[0]]}\"",
                counts="objective added",
            )  # fmt: skip
        elif now_o is None:
            yield Change(
                "objective", oid, was_o[1].title, "objective removed", counts="objective removed"
            )
        else:
            if was_o[0] != now_o[0]:
                yield Change(
                    "objective", oid, now_o[1].title, "moved between priorities", was_o[0], now_o[0]
                )
            if was_o[1].title != now_o[1].title:
                yield Change(
                    "objective", oid, now_o[1].title, "reworded", was_o[1].title, now_o[1].title,
                    counts="objective reworded",
                )  # fmt: skip
    old_d = {} if across_years else by_id(a.dropped, lambda d: d.priority)
    new_d = {} if across_years else by_id(b.dropped, lambda d: d.priority)
    for pid, was_d, now_d in matched(old_d, new_d):
        if was_d is None and now_d is not None:
            yield Change(
                "priority", pid, pid, "recorded as dropped from last year's plan",
                after=str(now_d.reason) if now_d.reason else None, counts="priority dropped",
            )  # fmt: skip
        elif now_d is None:
            yield Change("priority", pid, pid, "no longer recorded as dropped")


def _actions(old: PlanYear, new: PlanYear) -> Iterator[Change]:
    old_a: dict[str, Action] = by_id(old.actions.actions)
    new_a: dict[str, Action] = by_id(new.actions.actions)
    for aid, was, now in matched(old_a, new_a):
        if was is None:
            assert now is not None
            yield Change(
                "action", aid, now.title, "new action", after=f"due {now.due.words()}",
                counts="action added",
            )  # fmt: skip
            continue
        if now is None:
            yield Change("action", aid, was.title, "action removed", counts="action removed")
            continue
        if was.title != now.title:
            yield Change(
                "action", aid, now.title, "reworded", was.title, now.title, counts="action reworded"
            )
        if was.status != now.status:
            yield Change(
                "action", aid, now.title, "status changed", was.status, now.status,
                counts="action status changed",
            )  # fmt: skip
        if was.due != now.due:
            yield Change(
                "action", aid, now.title, f"due date moved {moved_by(was.due, now.due)}",
                was.due.words(), now.due.words(), counts="due date moved",
            )  # fmt: skip
        if was.lead != now.lead:
            yield Change("action", aid, now.title, "lead changed", was.lead, now.lead)
        if was.priority != now.priority:
            yield Change(
                "action", aid, now.title, "moved between priorities", was.priority, now.priority
            )


def _services(old: PlanYear, new: PlanYear) -> Iterator[Change]:
    old_s: dict[str, Service] = by_id(old.services.services)
    new_s: dict[str, Service] = by_id(new.services.services)
    for sid, was, now in matched(old_s, new_s):
        if was is None:
            assert now is not None
            yield Change("service", sid, now.name, "new service", counts="service added")
            continue
        if now is None:
            yield Change("service", sid, was.name, "service removed", counts="service removed")
            continue
        if was.name != now.name:
            yield Change(
                "service", sid, now.name, "renamed", was.name, now.name, counts="service renamed"
            )
        if was.status != now.status:
            if now.status in STATUS_WORDS:
                counts, what = STATUS_WORDS[now.status]
                yield Change("service", sid, now.name, what, before=was.status, counts=counts)
            else:
                yield Change(
                    "service", sid, now.name, "status changed", was.status, now.status,
                    counts="service status changed",
                )  # fmt: skip
        if was.providers != now.providers and set(was.providers) != set(now.providers):
            yield Change(
                "service", sid, now.name, "provider changed", words(was.providers),
                words(now.providers), counts="provider changed",
            )  # fmt: skip
        if was.delivery_model != now.delivery_model:
            yield Change(
                "service", sid, now.name, "delivery model changed", was.delivery_model,
                now.delivery_model,
            )  # fmt: skip
        old_c, new_c = was.contract, now.contract
        old_v = old_c.value if old_c else None
        new_v = new_c.value if new_c else None
        old_w = amount_words(old_v, old_c, old_c.value_status) if old_c else "no contract"
        new_w = amount_words(new_v, new_c, new_c.value_status) if new_c else "no contract"
        if old_w != new_w:
            diff = difference(old_v, new_v)
            yield Change(
                "service", sid, now.name,
                "contract value changed" + (f" ({pounds(diff, signed=True)})" if diff else ""),
                old_w, new_w, diff, "contract value changed",
            )  # fmt: skip
        old_f, new_f = service_funding(was, old.year), service_funding(now, new.year)
        if old_f != new_f:
            # a total with lines of unknown amount is "at least": no difference can be taken
            diff = new_f[0] - old_f[0] if not (old_f[1] or new_f[1]) else None
            yield Change(
                "service", sid, now.name,
                "funding this year changed" + (f" ({pounds(diff, signed=True)})" if diff else ""),
                known_total(old_f), known_total(new_f), diff, "service funding changed",
            )  # fmt: skip


def _indicators(before: Project, old: PlanYear, after: Project, new: PlanYear) -> Iterator[Change]:
    old_i: dict[str, Indicator] = by_id(old.indicators.indicators)
    new_i: dict[str, Indicator] = by_id(new.indicators.indicators)
    old_out = {o.indicator: o for o in old.review.outturns} if old.review else {}
    new_out = {o.indicator: o for o in new.review.outturns} if new.review else {}
    for iid, was, now in matched(old_i, new_i):
        if was is None:
            assert now is not None
            yield Change("indicator", iid, now.title, "new indicator", counts="indicator added")
            continue
        if now is None:
            yield Change(
                "indicator", iid, was.title, "indicator removed", counts="indicator removed"
            )
            continue
        if was.title != now.title:
            yield Change(
                "indicator",
                iid,
                now.title,
                "reworded",
                was.title,
                now.title,
                counts="indicator reworded",
            )
        if was.target != now.target:
            yield Change(
                "indicator", iid, now.title, "target changed", _target(was), _target(now),
                counts="target changed",
            )  # fmt: skip
        old_q = {a.quarter: a for a in was.actuals}
        for actual in now.actuals:
            prior = old_q.get(actual.quarter)
            if prior is None:
                yield Change(
                    "indicator", iid, now.title, f"{actual.quarter} actual added",
                    after=_figure(actual), counts="actual added",
                )  # fmt: skip
            elif prior != actual and _figure(prior) != _figure(actual):
                yield Change(
                    "indicator", iid, now.title, f"{actual.quarter} actual changed",
                    _figure(prior), _figure(actual), counts="actual changed",
                )  # fmt: skip
        if was == now and old_out.get(iid) == new_out.get(iid) and _same_rag_inputs(before, after):
            continue
        old_rag = indicator_facts(before, old, was, old_out.get(iid)).status
        new_rag = indicator_facts(after, new, now, new_out.get(iid)).status
        if old_rag.status != new_rag.status:
            yield Change(
                "indicator", iid, now.title,
                f"RAG status {old_rag.status.label.lower()} → {new_rag.status.label.lower()}",
                after=new_rag.reason, counts="RAG status changed",
            )  # fmt: skip


def _same_rag_inputs(before: Project, after: Project) -> bool:
    a, b = before.settings, after.settings
    return (a.rag_tolerance_percent, a.rag_for_inferred_targets) == (
        b.rag_tolerance_percent,
        b.rag_for_inferred_targets,
    )


def _target(indicator: Indicator) -> str:
    target = indicator.target
    if target is None:
        return "no target"
    if target.value is None:
        return str(target.comparator)
    unit = target.unit or indicator.unit
    text = f"{words(target.value)} ({unit})"
    return f"{text}, {target.comparator}" if target.comparator else text


def _figure(figure: Figure) -> str:
    if figure.value is not None:
        return words(figure.value)
    return str(figure.printed or figure.status.replace("-", " "))


def _risk_table(
    project: Project, plan_year: PlanYear
) -> dict[str, tuple[int | None, int | str, str]]:
    """(rank, overall score, band) of each risk rated in full."""
    assessed = risk_assessments(project, plan_year)
    return {a.key: (rank, a.overall, a.band.name) for rank, a in rank_risks(assessed)}


def _risks(before: Project, old: PlanYear, after: Project, new: PlanYear) -> Iterator[Change]:
    if old.risks == new.risks and before.settings.risk_bands == after.settings.risk_bands:
        return
    old_r, new_r = by_id(old.risks.risks), by_id(new.risks.risks)
    old_t, new_t = _risk_table(before, old), _risk_table(after, new)
    for rid, was, now in matched(old_r, new_r):
        if was is None or now is None:
            item = now or was
            assert item is not None
            what = "risk added" if now else "risk removed"
            yield Change("risk", rid, item.service, what, counts=what)
            continue
        unrated: tuple[int | None, int | str, str] = (None, "not yet rated", "not yet rated")
        (rank_a, score_a, band_a) = old_t.get(rid, unrated)
        (rank_b, score_b, band_b) = new_t.get(rid, unrated)
        if score_a != score_b:
            yield Change(
                "risk", rid, now.service, "score changed", str(score_a), str(score_b),
                counts="risk score changed",
            )  # fmt: skip
        if band_a != band_b:
            yield Change("risk", rid, now.service, "band changed", band_a, band_b)
        if rank_a != rank_b and None not in (rank_a, rank_b):
            yield Change("risk", rid, now.service, "rank changed", str(rank_a), str(rank_b))
        if was.recommendation != now.recommendation:
            yield Change(
                "risk", rid, now.service, "recommendation changed",
                was.recommendation or "none yet", now.recommendation or "none yet",
            )  # fmt: skip


def _review(old: PlanYear, new: PlanYear) -> Iterator[Change]:
    old_d = {d.service: d for d in old.review.services} if old.review else {}
    new_d = {d.service: d for d in new.review.services} if new.review else {}
    for sid, was, now in matched(old_d, new_d):
        if now is None:
            yield Change("decision", sid, sid, "review decision removed")
        elif was is None:
            yield Change(
                "decision", sid, sid, "review decision added", after=now.decision,
                counts="review decision added",
            )  # fmt: skip
        elif was != now:
            yield Change(
                "decision", sid, sid, "review decision changed", was.decision, now.decision,
                counts="review decision changed",
            )  # fmt: skip


def _records(old: PlanYear, new: PlanYear) -> Iterator[Change]:
    """Corrections and variations newly recorded in changes.yml."""
    seen = {(c.date, c.kind, c.summary) for c in old.changes.changes}
    for change in new.changes.changes:
        if (change.date, change.kind, change.summary) not in seen:
            yield Change(
                "record", change.date.isoformat(), change.summary, f"{change.kind} recorded",
                after=str(change.reason), counts=f"{change.kind} recorded",
            )  # fmt: skip


def _publication(old: PlanYear, new: PlanYear) -> Iterator[Change]:
    """The year's publication record written, rewritten or removed: a reviewer must see a
    change to what freezes a published plan."""
    was, now = old.published, new.published
    if was == now:
        return
    if now is None:
        what = "publication record removed: the published plan is no longer frozen"
        yield Change(
            "publication", new.year, new.plan.title, what, counts="publication record removed"
        )
    elif was is None:
        yield Change(
            "publication", new.year, new.plan.title, "published: its content is frozen",
            after=f"approved by {now.approved_by} on {now.published.isoformat()}",
            counts="plan published",
        )  # fmt: skip
    elif (was.published, was.approved_by, was.digest, was.files) == (
        now.published,
        now.approved_by,
        now.digest,
        now.files,
    ):  # only the corrected year's record differs
        corrected = now.corrected
        yield Change(
            "publication", new.year, new.plan.title,
            "corrected year recorded: later changes need changes.yml entries of their own"
            if corrected is not None
            else "corrected year's record removed: check why",
            after=corrected.on.isoformat() if corrected is not None else None,
            counts="corrected year recorded",
        )  # fmt: skip
    else:
        yield Change(
            "publication", new.year, new.plan.title,
            "publication record rewritten: check why (a correction belongs in changes.yml)",
            counts="publication record rewritten",
        )  # fmt: skip
