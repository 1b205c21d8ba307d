"""Rules: the money reconciles — pots are not over-spent, formulas share out to the penny."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from generator.compute import (
    Criterion,
    FormulaError,
    RiskBand,
    allocate_by_formula,
    check_bands,
    weights_total,
)
from generator.compute.money import (
    FormulaFacts,
    all_formulas,
    allocation_facts,
    formula_facts,
    known_total,
)
from generator.model import PlanYear, Project
from generator.model.funding import Formula
from generator.model.types import PartialDate
from generator.problems import FieldPath, Problem, counted
from generator.validate.context import WARNING, At, at, has, money, on
from generator.validate.coverage import year_end, year_start


def settings_are_sound(project: Project) -> Iterator[Problem]:
    """Risk bands cover every achievable score exactly once."""
    f = At(project, project.reference_files["settings"])
    bands = [RiskBand(b.name, b.low, b.high) for b in project.settings.risk_bands]
    for message in check_bands(bands):
        yield f.problem(("risk_bands",), message)


def formula_result(formula: Formula) -> dict[str, Decimal]:
    """The formula amount of each recipient (before any adjustment), by recipient key."""
    criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
    inputs = {r.key: dict(r.inputs) for r in formula.recipients}
    result = allocate_by_formula(formula.pot, criteria, inputs)
    return {share.recipient: share.amount for share in result.shares}


def _differs(published: Decimal, computed: Decimal, source: str = "computed") -> str:
    return (
        f"published {money(published)} differs from the {source} {money(computed)} by "
        f"{money(published - computed)}; both are shown "
        "(explain it in published_note to record that it is known)"
    )


def _left_out(unknown: Sequence[str]) -> str:
    if not unknown:
        return ""
    lines = counted(len(unknown), "line")
    return f", leaving out {lines} whose amount is not known ({', '.join(unknown)})"


def formulas_reconcile(project: Project) -> Iterator[Problem]:
    """Weights sum to 1, every input is given, and published figures are compared, not trusted."""
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        for i, formula in enumerate(py.funding.formulas):
            base: FieldPath = ("formulas", i)
            total = weights_total([Criterion(c.id, c.weight) for c in formula.criteria])
            if total != 1:
                yield f.problem(
                    (*base, "criteria"),
                    f"criteria weights sum to {total.normalize():f}, not 1; adjust them",
                )
                continue
            if formula.inputs == "not-published":
                yield from _unpublished_inputs(f, base, formula)
            elif not (yield from _inputs_given(f, base, formula)):
                continue
            try:
                facts = formula_facts(formula)
            except FormulaError as exc:
                yield f.problem(base, str(exc))
                continue
            for j, row in enumerate(facts.rows):
                rbase = (*base, "recipients", j)
                recipient = formula.recipients[j]
                if row.amount is not None and row.amount < 0:
                    yield f.problem(
                        (*rbase, "adjustment"),
                        f"the adjustment makes the allocation negative ({money(row.amount)})",
                    )
                if (
                    facts.computed
                    and row.amount is not None
                    and recipient.published_amount is not None
                    and recipient.published_amount != row.amount
                    and recipient.published_note is None
                ):
                    yield f.problem(
                        (*rbase, "published_amount"),
                        _differs(recipient.published_amount, row.amount),
                        WARNING,
                    )
            published = formula.published_total
            if published is not None and published != facts.total and not formula.published_note:
                yield f.problem(
                    (*base, "published_total"),
                    f"published total {money(published)} differs from the sum of the rows "
                    f"{money(facts.total)}{_left_out(facts.unknown)} by "
                    f"{money(published - facts.total)}; both are shown "
                    "(explain it in published_note to record that it is known)",
                    WARNING,
                )
            yield from _applied(f, base, py.year, facts)


def _inputs_given(f: At, base: FieldPath, formula: Formula) -> Generator[Problem, None, bool]:
    """Every recipient gives a figure for each criterion; False if one is missing or stray."""
    criteria = {c.id for c in formula.criteria}
    complete = True
    for j, recipient in enumerate(formula.recipients):
        rbase = (*base, "recipients", j, "inputs")
        for key in sorted(criteria - set(recipient.inputs)):
            complete = False
            yield f.problem(rbase, f"no input for criterion '{key}'; add it")
        for key in sorted(set(recipient.inputs) - criteria):
            complete = False
            yield f.problem((*rbase, key), f"'{key}' is not a criterion of this formula")
    return complete


def _unpublished_inputs(f: At, base: FieldPath, formula: Formula) -> Iterator[Problem]:
    """With inputs not published, recipients give the amounts as published, nothing computed."""
    for j, recipient in enumerate(formula.recipients):
        rbase = (*base, "recipients", j)
        if recipient.inputs:
            yield f.problem(
                (*rbase, "inputs"),
                "the formula's inputs are not published (inputs: not-published); leave the "
                "inputs out, or set inputs: given",
            )
        if recipient.adjustment is not None:
            yield f.problem(
                (*rbase, "adjustment"),
                "an adjustment changes a computed share, and this formula's inputs are not "
                "published; give the published_amount (and paid, with paid_reason)",
            )
        if recipient.published_amount is None:
            yield f.problem(
                rbase,
                "the formula's inputs are not published, so its share cannot be worked out: "
                "give the published_amount; without it the pages say the amount is not known",
                WARNING,
            )


def _applied(f: At, base: FieldPath, year: str, facts: FormulaFacts) -> Iterator[Problem]:
    """Amounts paid beside the formula's shares: irregular but real, said with a reason."""
    formula = facts.formula
    for j, row in enumerate(facts.rows):
        rbase = (*base, "recipients", j)
        if row.paid is None:
            if formula.applied == "not":
                yield f.problem(
                    rbase,
                    "the formula was not applied (applied: not): give paid, the amount this "
                    "recipient was actually paid",
                    WARNING,
                )
            continue
        if row.amount is None or row.paid == row.amount:
            continue
        if formula.applied == "fully":
            yield f.problem(
                (*rbase, "paid"),
                f"paid {money(row.paid)} differs from the formula's {money(row.amount)}, but "
                "the formula is applied: fully; set applied: partially (with applied_reason)",
                WARNING,
            )
        elif row.paid_reason is None:
            yield f.problem(
                (*rbase, "paid"),
                f"paid {money(row.paid)} differs from the formula's {money(row.amount)} by "
                f"{money(row.paid - row.amount)}; say why in paid_reason",
                WARNING,
            )
    if formula.applied != "fully":
        if formula.applied_reason is None:
            yield f.problem(
                (*base, "applied"),
                f"the formula was applied {formula.applied}; say why in applied_reason",
                WARNING,
            )
        if facts.paid_total is None:
            yield f.problem(
                (*base, "applied"),
                f"the formula was applied {formula.applied}: give paid, the amount each "
                "recipient was actually paid",
                WARNING,
            )
    if facts.paid_total is not None and facts.paid_total > formula.pot:
        yield f.problem(
            (*base, "pot"),
            f"the amounts paid total {money(facts.paid_total)}, more than the pot of "
            f"{money(formula.pot)} by {money(facts.paid_total - formula.pot)}",
            WARNING,
        )
    for k, step in enumerate(formula.transition):
        if step.year == year and step.percent_of_target < 100 and formula.applied == "fully":
            yield f.problem(
                ("formulas", base[1], "transition", k, "percent_of_target"),
                f"in {year} the transition pays {step.percent_of_target.normalize():f}% of the "
                "way to the formula's shares, but the formula is applied: fully; set applied: "
                "partially and give what each recipient was paid",
                WARNING,
            )


def formula_recipients_resolve(project: Project) -> Iterator[Problem]:
    """Organisation recipients and the partnerships they cover exist, each paid for once."""
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        for i, formula in enumerate(py.funding.formulas):
            named = {r.partnership for r in formula.recipients if r.partnership}
            covered: dict[str, str] = {}
            for j, recipient in enumerate(formula.recipients):
                rbase = ("formulas", i, "recipients", j)
                yield from f.reference(
                    (*rbase, "organisation"),
                    recipient.organisation,
                    project.organisations,
                    "organisation",
                )
                for k, pid in enumerate(recipient.covers):
                    path = (*rbase, "covers", k)
                    yield from f.reference(path, pid, project.partnerships, "partnership")
                    if pid in named:
                        yield f.problem(
                            path,
                            f"{pid} is a recipient of this formula in its own right; a "
                            "partnership is paid for once",
                        )
                    elif pid in covered:
                        yield f.problem(
                            path, f"{pid} is already covered by {covered[pid]}; it is paid once"
                        )
                    covered.setdefault(pid, recipient.key)


def _formulas_by_year(project: Project) -> dict[tuple[str, str], Formula]:
    """Formulas by (year, id); the first wins (a repeated id is its own error)."""
    found: dict[tuple[str, str], Formula] = {}
    for py in project.plan_years():
        for formula in py.funding.formulas:
            found.setdefault((py.year, formula.id), formula)
    return found


def _incomplete(formula: Formula) -> bool:
    """Whether a formula cannot be worked out (its own problems are reported elsewhere)."""
    criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
    if weights_total(criteria) != 1:
        return True
    if formula.inputs == "not-published":
        return False
    keys = {c.id for c in formula.criteria}
    if any(set(r.inputs) != keys for r in formula.recipients):
        return True
    try:
        formula_result(formula)
    except FormulaError:
        return True
    return False


def formula_allocations_match(project: Project) -> Iterator[Problem]:
    """A formula allocation is in its formula; every formula recipient records its allocation."""
    formulas = _formulas_by_year(project)
    results: dict[tuple[str, str], FormulaFacts | None] = {}
    received: set[tuple[str, str, str]] = set()
    for py in project.plan_years():
        for i, alloc in enumerate(py.funding.allocations):
            formula = formulas.get((py.year, alloc.formula or ""))
            if alloc.method != "formula" or formula is None:
                continue
            received.add((py.year, formula.id, py.partnership))
            f = at(project, py, "funding")
            base = ("allocations", i)
            if alloc.stream != formula.stream:
                yield f.problem(
                    (*base, "stream"),
                    f"formula '{formula.id}' shares stream '{formula.stream}', "
                    f"not '{alloc.stream}'",
                )
            recipients = {r.partnership: r for r in formula.recipients if r.partnership}
            covered = {pid for r in formula.recipients for pid in r.covers}
            if py.partnership not in recipients and py.partnership not in covered:
                yield f.problem(
                    (*base, "formula"),
                    f"{py.partnership} is not a recipient of formula '{formula.id}'",
                )
                continue
            key = (py.year, formula.id)
            if key not in results:  # one computation per formula, not per recipient
                results[key] = None if _incomplete(formula) else formula_facts(formula)
            facts = results[key]
            row = (
                next((r for r in facts.rows if r.partnership == py.partnership), None)
                if facts is not None
                else None
            )
            final = row.received if row is not None else None
            if (
                final is not None
                and alloc.published_amount not in (None, final)
                and alloc.published_note is None
            ):
                assert alloc.published_amount is not None and facts is not None
                source = "computed" if facts.computed else "formula's printed"
                yield f.problem(
                    (*base, "published_amount"),
                    _differs(alloc.published_amount, final, source),
                    WARNING,
                )
            if alloc.amount is not None:
                yield f.problem(
                    (*base, "amount"),
                    "a formula allocation is computed to the penny; leave amount out "
                    "(use published_amount for a published figure)",
                )
    for py in project.plan_years():
        for i, formula in enumerate(py.funding.formulas):
            for j, recipient in enumerate(formula.recipients):
                pid = recipient.partnership
                if pid is not None and (py.year, formula.id, pid) not in received:
                    yield at(project, py, "funding").problem(
                        ("formulas", i, "recipients", j, "partnership"),
                        f"{pid} has no allocation from formula "
                        f"'{formula.id}' in its {py.year} funding.yml",
                        WARNING,
                    )


def combined_lines_agree(project: Project) -> Iterator[Problem]:
    """A combined amount names lines of the same file, which give the same combined total."""
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        lines = {a.id: a for a in py.funding.allocations}
        for i, alloc in enumerate(py.funding.allocations):
            for j, other_id in enumerate(alloc.combined_with):
                path = ("allocations", i, "combined_with", j)
                if other_id == alloc.id:
                    yield f.problem(path, "a line is not combined with itself; name the others")
                    continue
                yield from f.reference(path, other_id, lines, "allocation")
                other = lines.get(other_id)
                if (
                    other is not None
                    and other.amount_status == "combined"
                    and other.combined_total != alloc.combined_total
                ):
                    assert alloc.combined_total is not None and other.combined_total is not None
                    yield f.problem(
                        ("allocations", i, "combined_total"),
                        f"combined with '{other_id}', whose combined_total is "
                        f"{money(other.combined_total)}, not {money(alloc.combined_total)}; "
                        "lines published together give the same total",
                    )


def allocations_add_up(project: Project) -> Iterator[Problem]:
    """A funding file's published total is compared with its rows, never trusted."""
    for py in project.plan_years():
        published = py.funding.published_total
        if not has(py, "funding") or published is None or py.funding.published_note:
            continue
        lines = allocation_facts(py, all_formulas(project, py.year))
        total, unknown = known_total(lines)
        if published != total:
            yield at(project, py, "funding").problem(
                ("published_total",),
                f"published total {money(published)} differs from the sum of the allocations "
                f"{money(total)}{_left_out(unknown)} by {money(published - total)}; both are "
                "shown (explain it in published_note to record that it is known)",
                WARNING,
            )


def _in_year(when: PartialDate | date, year: str) -> bool:
    start, end = date(int(year[:4]), 4, 1), date(int(year[:4]) + 1, 3, 31)
    if isinstance(when, PartialDate):
        return start <= when.earliest and when.latest <= end
    return start <= when <= end


def cuts_fall_in_year(project: Project) -> Iterator[Problem]:
    """A cut is dated within a year it reduces, and recorded in that year or the one it was
    announced in; its interventions' amounts add up to it."""
    for py in project.plan_years():
        years = {y.year for y in project.years_of(py.partnership)}
        for i, cut in enumerate(py.funding.cuts):
            f = at(project, py, "funding")
            base = ("cuts", i)
            if not cut.applies_to:
                if cut.date is not None and not _in_year(cut.date, py.year):
                    yield f.problem(
                        (*base, "date"),
                        f"the cut on {cut.date.isoformat()} is outside {py.year}; if it "
                        "reduces another year, name it under applies_to",
                    )
            else:
                announced_here = cut.announced is not None and _in_year(cut.announced, py.year)
                if py.year not in cut.applies_to and not announced_here:
                    yield f.problem(
                        (*base, "applies_to"),
                        f"a cut recorded in {py.year} applies to it or was announced in it; "
                        "move it to the funding.yml of a year it applies to",
                    )
                if cut.date is not None and not any(_in_year(cut.date, y) for y in cut.applies_to):
                    yield f.problem(
                        (*base, "date"),
                        f"the cut on {cut.date.isoformat()} falls in none of the years it "
                        f"applies to ({', '.join(cut.applies_to)})",
                    )
                for k, year in enumerate(cut.applies_to):
                    if year not in years:
                        yield f.problem(
                            (*base, "applies_to", k),
                            f"{py.partnership} has no {year} plan year, so no page shows this "
                            "cut on the year it reduces",
                            WARNING,
                        )
            effects = [
                item.amount_before - item.amount_after
                for item in cut.interventions
                if item.amount_before is not None and item.amount_after is not None
            ]
            if cut.interventions and len(effects) == len(cut.interventions):
                lost = sum(effects, Decimal(0))
                if lost != cut.reduction:
                    yield f.problem(
                        (*base, "interventions"),
                        f"the interventions lose {money(lost)} between them, not the cut's "
                        f"{money(cut.reduction)}; both are shown",
                        WARNING,
                    )


def cut_references(project: Project) -> Iterator[Problem]:
    """A cut's interventions name services of the years it reduces, and whom money went to."""
    bodies = {*project.organisations, *project.partnerships}
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        by_year = {y.year: y for y in project.years_of(py.partnership)}
        for i, cut in enumerate(py.funding.cuts):
            services = {
                s.id
                for year in {py.year, *cut.applies_to}
                if year in by_year
                for s in by_year[year].services.services
            }
            for j, item in enumerate(cut.interventions):
                path = ("cuts", i, "interventions", j)
                yield from f.reference((*path, "service"), item.service, services, "service")
                yield from f.reference(
                    (*path, "to"), item.to, bodies, "organisation or partnership"
                )


def _stream_uses(project: Project) -> dict[tuple[str, str], list[tuple[At, FieldPath, Decimal]]]:
    """Money drawn from each (stream, year): plain allocations (a combined group by its one
    published total) and whole formula pots; unknown amounts are left out, never £0."""
    uses: dict[tuple[str, str], list[tuple[At, FieldPath, Decimal]]] = defaultdict(list)
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        groups: set[frozenset[str]] = set()
        for i, alloc in enumerate(py.funding.allocations):
            amount = alloc.amount
            if alloc.amount_status == "combined" and alloc.combined_total is not None:
                group = frozenset([alloc.id, *alloc.combined_with])
                amount = None if group in groups else alloc.combined_total
                groups.add(group)
            field = "amount" if alloc.amount is not None else "combined_total"
            if alloc.method != "formula" and amount is not None:
                uses[(alloc.stream, py.year)].append((f, ("allocations", i, field), amount))
        for i, formula in enumerate(py.funding.formulas):
            uses[(formula.stream, py.year)].append((f, ("formulas", i, "pot"), formula.pot))
    return uses


def pots_not_exceeded(project: Project) -> Iterator[Problem]:
    """Allocations are compared with the stream's pot and its published total: going over is
    irregular but real (a warning), and so is a printed total that differs."""
    uses_by_pot = _stream_uses(project)
    for (stream_id, year), uses in sorted(uses_by_pot.items(), key=lambda kv: kv[0]):
        stream = project.streams.get(stream_id)
        if stream is None:
            continue  # reported as an unknown stream
        pots = {pot.year: pot.amount for pot in stream.pots}
        last_at, last_path, _ = uses[-1]
        if year not in pots:
            yield last_at.problem(
                last_path,
                f"stream '{stream_id}' has no pot for {year}; add one to data/funding-streams.yml",
            )
            continue
        total = sum((amount for _, _, amount in uses), Decimal(0))
        amount = pots[year]
        declared = stream.over_programming_percent
        ceiling = amount * (1 + declared / 100)
        over = f" plus the declared {declared.normalize():f}% over-programming" if declared else ""
        if total > ceiling:
            yield last_at.problem(
                last_path,
                f"allocations from '{stream_id}' in {year} total {money(total)}, more than its "
                f"pot of {money(amount)}{over} by {money(total - ceiling)}; both are shown"
                + ("" if declared else " (if it is deliberate, declare over_programming_percent)"),
                WARNING,
            )
        elif total > amount:
            yield last_at.problem(
                last_path,
                f"allocations from '{stream_id}' in {year} total {money(total)}: over-programmed "
                f"by {money(total - amount)} against a pot of {money(amount)} (declared "
                f"{declared.normalize():f}%)",
                WARNING,
            )
    streams = At(project, project.reference_files["funding-streams"])
    years = set(project.all_years())  # a pot is compared only when its year's plans are here
    for i, stream in enumerate(project.stream_list):
        for j, pot in enumerate(stream.pots):
            if pot.published_total is None or pot.published_note is not None:
                continue
            if pot.year not in years:
                continue  # no plan of that year: nothing recorded to compare it with
            recorded = sum(
                (amount for _, _, amount in uses_by_pot.get((stream.id, pot.year), [])),
                Decimal(0),
            )
            if recorded != pot.published_total:
                yield replace(streams.problem(
                    ("streams", i, "pots", j, "published_total"),
                    f"published total {money(pot.published_total)} differs from the "
                    f"allocations recorded from '{stream.id}' in {pot.year}, "
                    f"{money(recorded)}, by {money(pot.published_total - recorded)}; both are "
                    "shown (explain it in published_note to record that it is known)",
                    WARNING,
                ), year=pot.year)  # fmt: skip


def _stream_lines(py: PlanYear) -> Iterator[tuple[str, FieldPath, str, str | None]]:
    """(kind, path, stream, explicit year) of every place a plan year draws on a stream."""
    for i, alloc in enumerate(py.funding.allocations):
        yield "funding", ("allocations", i, "stream"), alloc.stream, None
    for i, formula in enumerate(py.funding.formulas):
        yield "funding", ("formulas", i, "stream"), formula.stream, None
    for i, action in enumerate(py.actions.actions):
        for j, line in enumerate(action.funding):
            yield "actions", ("actions", i, "funding", j, "stream"), line.stream, line.year
    for i, service in enumerate(py.services.services):
        for j, line in enumerate(service.funding):
            yield "services", ("services", i, "funding", j, "stream"), line.stream, line.year


def streams_are_live(project: Project) -> Iterator[Problem]:
    """Nothing is funded from a stream outside the dates it runs."""
    for py in project.plan_years():
        for kind, path, stream_id, year in _stream_lines(py):
            stream = project.streams.get(stream_id)
            if stream is None:
                continue
            start_year = int((year or py.year)[:4])
            begins, finishes = (
                year_start(py).replace(year=start_year),
                year_end(py).replace(year=start_year + 1),
            )
            if stream.ends is not None and stream.ends.latest < begins:
                yield at(project, py, kind).problem(
                    path,
                    f"stream '{stream_id}' ended {on(stream.ends)}, before "
                    f"{year or py.year} began; fund this from another stream",
                )
            if stream.starts is not None and stream.starts.earliest > finishes:
                yield at(project, py, kind).problem(
                    path,
                    f"stream '{stream_id}' starts {on(stream.starts)}, after "
                    f"{year or py.year} ends",
                )
